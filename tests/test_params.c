/* test_params.c -- parameter files: the shipped scenarios, include and
 * merge rules, and a table of malformed files, each asserting the status,
 * the file, the line and the key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include <attrition/att_date.h>
#include <attrition/att_params.h>

#include "att_test.h"
#include "ini_tree.h"

/* ---- an in-memory file system for the reader callback ------------------ */

typedef struct {
    const char *name;
    const char *text;
} mem_file;

typedef struct {
    const mem_file *files;
    size_t n;
} mem_fs;

static att_status
mem_reader(void *ctx, const char *path, char **out_text, size_t *out_len, att_error *err)
{
    const mem_fs *fs = ctx;
    size_t i;

    for (i = 0; i < fs->n; i++)
        if (strcmp(fs->files[i].name, path) == 0) {
            size_t len = strlen(fs->files[i].text);
            *out_text = malloc(len + 1);
            if (*out_text == NULL)
                return ATT_ENOMEM;
            memcpy(*out_text, fs->files[i].text, len + 1);
            *out_len = len;
            return ATT_OK;
        }
    if (err != NULL) {
        err->code = ATT_ENOENT;
        err->line = 0;
        snprintf(err->path, sizeof err->path, "%s", path);
        snprintf(err->msg, sizeof err->msg, "no such file");
    }
    return ATT_ENOENT;
}

/* A small valid body: phase a (lines 1-4), arrival x (5-7), class c (8-10). */
#define MIN_BODY                                                                 \
    "[phase a]\nstart = 2025-01-01\nhazard_median = 0.0137\nhazard_log_sd = 1\n" \
    "[arrival x]\ndate = 2025-01-01\ncount = 100\n"                              \
    "[class c]\ntau_losses = 0.5\ntau_force = 0.3\n"

static att_status
load_mem(const mem_file *files, size_t n, att_params **out, att_error *err)
{
    mem_fs fs = {files, n};

    att_error_clear(err);
    return att_params_load_with(files[0].name, mem_reader, &fs, out, err);
}

/* ---- shipped files -------------------------------------------------------- */

static att_params *
load_shipped(const char *name)
{
    char path[1024];
    att_params *p = NULL;
    att_error err;
    char msg[1200];

    snprintf(path, sizeof path, "%s/params/%s.ini", ATT_SOURCE_DIR, name);
    if (att_params_load(path, &p, &err) != ATT_OK)
        fail_msg("%s", att_error_format(&err, msg, sizeof msg));
    return p;
}

static void
test_shipped_baseline(void **state)
{
    att_params *p = load_shipped("baseline");
    char d[ATT_DATE_BUFSIZE];

    (void)state;
    assert_int_equal(p->nphase, 5);
    assert_string_equal(p->phases[0].name, "transit");
    assert_true(p->phases[0].fixed);
    assert_string_equal(att_date_format(p->phases[1].start, d), "2024-12-06");
    assert_string_equal(p->phases[4].name, "low");
    assert_int_equal(p->phases[4].end, ATT_DAY_OPEN);
    att_assert_close(p->phases[1].prior_median, 0.005, 0, 0);
    assert_int_equal(p->narrival, 2);
    assert_int_equal(p->arrivals[0].prior, ATT_COUNT_UNIFORM);
    assert_int_equal(p->nclass, 8);
    assert_int_not_equal(att_params_class_index(p, "kp_state"), ATT_NONE);
    assert_int_equal(p->nanchor, 0);
    assert_int_equal(p->nwave, 0);
    assert_int_equal(p->nthreshold, 2);
    assert_int_equal(p->thresholds[0].quantity, ATT_QUANTITY_LOSS_FRACTION);
    assert_false(p->thresholds[0].below);
    assert_true(p->thresholds[1].below);
    assert_int_equal(p->projection.nquantiles, 5);
    assert_int_equal(p->projection.paths, 4000);
    assert_non_null(strstr(p->ledger, "params/../data/reports.csv") == NULL ? p->ledger : NULL);
    assert_non_null(strstr(p->ledger, "/data/reports.csv"));
    assert_int_equal(p->projection.hazard.kind, ATT_HAZARD_INHERIT);
    att_params_free(p);
}

static void
test_shipped_reinforce20k_inherits_two_levels(void **state)
{
    att_params *p = load_shipped("reinforce20k");

    (void)state;
    /* reinforce20k -> reinforce30k -> baseline: only total_high differs. */
    assert_int_equal(p->nfile, 3);
    assert_true(p->projection.has_total);
    att_assert_close(p->projection.total_low, 20000, 0, 0);
    att_assert_close(p->projection.total_high, 25000, 0, 0);
    assert_int_equal(p->nwave, 3);
    assert_int_equal(p->waves[0].after, ATT_NONE);
    assert_int_equal(p->waves[1].after, 0);
    assert_int_equal(p->waves[2].after, 1);
    assert_int_equal(p->waves[1].gap_low, 30);
    assert_int_equal(p->waves[1].size_prior, ATT_COUNT_SHARE);
    assert_int_equal(p->waves[0].hazard.kind, ATT_HAZARD_PHASE);
    assert_string_equal(p->phases[p->waves[0].hazard.phase].name, "active2");
    assert_int_equal(p->projection.hazard_from, ATT_FROM_FIRST_WAVE);
    assert_non_null(strstr(p->description, "20,000-25,000"));
    att_params_free(p);
}

static void
test_shipped_builders_and_none(void **state)
{
    att_params *p = load_shipped("builders6k");

    (void)state;
    assert_int_equal(p->nwave, 2);
    assert_int_equal(p->waves[0].size_prior, ATT_COUNT_FIXED);
    att_assert_close(p->waves[0].size_low, 5000, 0, 0);
    att_assert_close(p->waves[1].size_high, 1000, 0, 0);
    assert_string_equal(p->phases[p->waves[1].hazard.phase].name, "low");
    assert_true(p->waves[0].date_high > p->waves[0].date_low);
    att_params_free(p);
    p = load_shipped("none");
    assert_int_equal(p->nwave, 0);
    assert_int_equal(p->nfile, 2);
    att_params_free(p);
}

/* ---- include and merge rules ------------------------------------------------ */

static void
test_including_file_wins_wherever_the_include_stands(void **state)
{
    const mem_file files[] = {
        {"dir/top.ini", "[priors]\nkappa_a = 5\ninclude = base.ini\n"},
        {"dir/base.ini", MIN_BODY "[priors]\nkappa_a = 2\nkappa_b = 9\n"},
    };
    att_params *p;
    att_error err;

    (void)state;
    assert_int_equal(load_mem(files, 2, &p, &err), ATT_OK);
    att_assert_close(p->kappa_a, 5, 0, 0);       /* the including file's key */
    att_assert_close(p->kappa_b, 9, 0, 0);       /* merged from the included one */
    att_assert_close(p->sigma_scale, 0.5, 0, 0); /* the default */
    att_params_free(p);
}

static void
test_sections_merge_and_enabled_false_removes(void **state)
{
    const mem_file files[] = {
        {"top.ini", "include = base.ini\n[phase a]\nhazard_log_sd = 2.5\n"
                    "[wave w2]\nenabled = false\n[class c]\ndescription = merged\n"},
        {"base.ini", MIN_BODY "[projection]\ntotal_low = 10\ntotal_high = 20\n"
                              "[wave w1]\ndate = 2025-03-01\nshare = 1\n"
                              "[wave w2]\nafter = w1\ngap_low = 1\ngap_high = 2\nsize = 7\n"},
    };
    att_params *p;
    att_error err;

    (void)state;
    assert_int_equal(load_mem(files, 2, &p, &err), ATT_OK);
    att_assert_close(p->phases[0].prior_log_sd, 2.5, 0, 0);
    att_assert_close(p->phases[0].prior_median, 0.0137, 0, 0);
    assert_int_equal(p->nwave, 1);
    assert_string_equal(p->waves[0].name, "w1");
    assert_string_equal(p->classes[0].description, "merged");
    att_assert_close(p->classes[0].tau[ATT_FAMILY_FORCE], 0.3, 0, 0);
    att_params_free(p);
}

static void
test_repeated_section_in_one_file_merges(void **state)
{
    const mem_file files[] = {
        {"a.ini", "[phase a]\nstart = 2025-01-01\n[arrival x]\ndate = 2025-01-01\ncount = 5\n"
                  "[phase a]\nhazard = 0.002\n[class c]\ntau_losses = 1\ntau_force = 1\n"},
    };
    att_params *p;
    att_error err;

    (void)state;
    assert_int_equal(load_mem(files, 1, &p, &err), ATT_OK);
    assert_true(p->phases[0].fixed);
    att_assert_close(p->phases[0].hazard, 0.002, 0, 0);
    att_params_free(p);
}

static void
test_indentation_and_comments(void **state)
{
    const mem_file files[] = {
        {"a.ini", "; a comment\n# another\n[phase a]\n    start = 2025-01-01\n"
                  "    hazard = 0.003 ; inline comment\n"
                  "[arrival x]\n\tdate = 2025-01-01\n\tcount = 5\n"
                  "[class c]\ntau_losses = 1\r\ntau_force = 1\r\n"},
    };
    att_params *p;
    att_error err;
    char msg[1200];

    (void)state;
    if (load_mem(files, 1, &p, &err) != ATT_OK)
        fail_msg("%s", att_error_format(&err, msg, sizeof msg));
    att_assert_close(p->phases[0].hazard, 0.003, 0, 0);
    att_assert_close(p->arrivals[0].count, 5, 0, 0);
    att_params_free(p);
}

static void
test_anchor_and_set_anchor(void **state)
{
    const mem_file files[] = {
        {"a.ini", MIN_BODY "[class d]\ntau_losses = 1\ntau_force = 1\n"
                           "[model]\nanchor = d:losses, c:force\n"},
    };
    att_params *p;
    att_error err;

    (void)state;
    assert_int_equal(load_mem(files, 1, &p, &err), ATT_OK);
    assert_int_equal(p->nanchor, 2);
    assert_string_equal(p->classes[p->anchor[0].cls].name, "d");
    assert_int_equal(p->anchor[0].family, ATT_FAMILY_LOSSES);
    assert_int_equal(p->anchor[1].family, ATT_FAMILY_FORCE);
    assert_int_equal(att_params_set_anchor(p, "none", &err), ATT_OK);
    assert_int_equal(p->nanchor, 0);
    assert_int_equal(att_params_set_anchor(p, "c:losses", &err), ATT_OK);
    assert_int_equal(p->nanchor, 1);
    assert_int_equal(att_params_set_anchor(p, "cc:losses", &err), ATT_EDATA);
    assert_non_null(strstr(err.msg, "did you mean \"c\""));
    assert_int_equal(p->nanchor, 1); /* unchanged on failure */
    assert_int_equal(att_params_set_anchor(p, "c:loss", &err), ATT_EPARSE);
    att_params_free(p);
}

static void
test_path_resolve(void **state)
{
    static const char *const cases[][3] = {
        {"params/baseline.ini", "../data/reports.csv", "data/reports.csv"},
        {"/usr/share/attrition/params/b.ini", "../data/r.csv", "/usr/share/attrition/data/r.csv"},
        {"a.ini", "b.ini", "b.ini"},
        {"x/./y/a.ini", "./b.ini", "x/y/b.ini"},
        {"a.ini", "../b.ini", "../b.ini"},
        {"../p/a.ini", "../../b.ini", "../../b.ini"},
        {"p/a.ini", "/abs/b.ini", "/abs/b.ini"},
        {"/a.ini", "../../b.ini", "/b.ini"},
        {"p//q/a.ini", "b.ini", "p/q/b.ini"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *r = ini_path_resolve(cases[i][0], cases[i][1]);
        assert_non_null(r);
        if (strcmp(r, cases[i][2]) != 0)
            fail_msg("resolve(%s, %s) = %s, expected %s", cases[i][0], cases[i][1], r, cases[i][2]);
        free(r);
    }
}

static void
test_key_table_is_complete(void **state)
{
    size_t i, n = att_params_key_count();
    att_params_key k;

    (void)state;
    assert_true(n > 40);
    for (i = 0; i < n; i++) {
        assert_int_equal(att_params_key_get(i, &k), ATT_OK);
        assert_true(strlen(k.help) > 5);
        assert_true(strlen(k.range) > 0);
    }
    assert_int_equal(att_params_key_get(n, &k), ATT_EINVAL);
}

/* ---- malformed files ------------------------------------------------------- */

typedef struct {
    const char *name;
    const char *text;     /* main.ini */
    const char *included; /* inc.ini, or NULL */
    att_status code;
    const char *path; /* file the error names */
    long line;
    const char *field; /* substring of the field, or NULL for none */
    const char *msg;   /* substring of the message */
} bad_case;

#define LONG_COMMENT                                                                              \
    "; xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" \
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" \
    "xxxxxxxxxxxxxxxxxxxxxxx\n"

static const bad_case bad_cases[] = {
    {"unknown key", MIN_BODY "[priors]\nkapa_a = 2\n", NULL, ATT_EPARSE, "main.ini", 12,
     "[priors] kapa_a", "did you mean \"kappa_a\""},
    {"unknown section", MIN_BODY "[phases b]\nstart = 2025-01-01\n", NULL, ATT_EPARSE, "main.ini",
     11, NULL, "did you mean [phase]"},
    {"not a number", MIN_BODY "[priors]\nsigma_scale = half\n", NULL, ATT_EPARSE, "main.ini", 12,
     "sigma_scale", "expected a number in (0, 10], found \"half\""},
    {"out of range", "[phase a]\nstart = 2025-01-01\nhazard_median = 1.5\nhazard_log_sd = 1\n",
     NULL, ATT_EPARSE, "main.ini", 3, "[phase a] hazard_median", "(0, 1)"},
    {"no such date", "[phase a]\nstart = 2025-02-30\nhazard = 0\n", NULL, ATT_EPARSE, "main.ini", 2,
     "start", "no such day in that month"},
    {"repeated key", "[phase a]\nstart = 2025-01-01\nhazard = 0\nstart = 2025-01-02\n", NULL,
     ATT_EPARSE, "main.ini", 4, "start", "first at line 2"},
    {"repeated key across a repeated section",
     "[phase a]\nstart = 2025-01-01\n[class c]\ntau_losses=1\n[phase a]\nstart = 2025-01-02\n",
     NULL, ATT_EPARSE, "main.ini", 6, "start", "repeated"},
    {"line too long keeps line numbers", "[phase a]\n" LONG_COMMENT "start = 2025-01-01\n", NULL,
     ATT_EPARSE, "main.ini", 2, NULL, "at most 198 characters"},
    {"error after a long line", "[phase a]\n; short\nbogus line\n", NULL, ATT_EPARSE, "main.ini", 3,
     NULL, "found \"bogus line\""},
    {"no closing bracket", MIN_BODY "[phase b\n", NULL, ATT_EPARSE, "main.ini", 11, NULL, "no ']'"},
    {"required key missing",
     "[phase a]\nstart = 2025-01-01\nhazard = 0\n"
     "[arrival x]\ndate = 2025-01-01\ncount = 1\n[class c]\ntau_losses=1\n",
     NULL, ATT_EPARSE, "main.ini", 7, "[class c] tau_force", "expected this key"},
    {"fixed and prior hazard",
     "[phase a]\nstart = 2025-01-01\nhazard = 0\nhazard_median = 0.1\n"
     "hazard_log_sd = 1\n",
     NULL, ATT_EPARSE, "main.ini", 1, "[phase a]", "found more than one"},
    {"prior half given", "[phase a]\nstart = 2025-01-01\nhazard_median = 0.1\n", NULL, ATT_EPARSE,
     "main.ini", 1, "hazard_log_sd", "to come with hazard_log_sd"},
    {"phases leave a gap",
     MIN_BODY "[phase a]\nend = 2025-02-01\n[phase b]\nstart = 2025-02-03\n"
              "hazard = 0\n",
     NULL, ATT_EDATA, "main.ini", 13, "start", "no gap, no overlap"},
    {"phases overlap",
     MIN_BODY "[phase a]\nend = 2025-02-01\n[phase b]\nstart = 2025-01-20\n"
              "hazard = 0\n",
     NULL, ATT_EDATA, "main.ini", 13, "start", "to start where [phase a] ends (2025-02-01)"},
    {"open phase not last", MIN_BODY "[phase b]\nstart = 2025-03-01\nhazard = 0\n", NULL, ATT_EDATA,
     "main.ini", 1, "end", "only the last phase may be open"},
    {"end before start", "[phase a]\nstart = 2025-01-05\nend = 2025-01-05\nhazard = 0\n", NULL,
     ATT_EDATA, "main.ini", 3, "end", "end after start"},
    {"arrival without count",
     "[phase a]\nstart = 2025-01-01\nhazard = 0\n[arrival x]\n"
     "date = 2025-01-01\n",
     NULL, ATT_EPARSE, "main.ini", 4, "[arrival x]", "count_median + count_log_sd; found none"},
    {"arrival range reversed",
     MIN_BODY "[arrival y]\ndate = 2025-02-01\ncount_low = 9\n"
              "count_high = 3\n",
     NULL, ATT_EDATA, "main.ini", 14, "count_high", "count_high > count_low"},
    {"arrival before the phases", MIN_BODY "[arrival y]\ndate = 2024-12-01\ncount = 3\n", NULL,
     ATT_EDATA, "main.ini", 11, "date", "on or after the first phase's start"},
    {"anchor names an unknown class", MIN_BODY "[model]\nanchor = us_gov:losses\n", NULL, ATT_EDATA,
     "main.ini", 12, "anchor", "expected a declared [class], found \"us_gov\""},
    {"anchor with a bad family", MIN_BODY "[model]\nanchor = c:bias\n", NULL, ATT_EPARSE,
     "main.ini", 12, "anchor", "losses or force"},
    {"include cycle", "include = inc.ini\n" MIN_BODY, "include = main.ini\n", ATT_EDATA, "inc.ini",
     1, "include", "include cycle"},
    {"include of a missing file", MIN_BODY "include = nowhere.ini\n", NULL, ATT_ENOENT, "main.ini",
     11, "include", "nowhere.ini"},
    {"error inside an included file", "include = inc.ini\n", MIN_BODY "[priors]\nkappa_b = -1\n",
     ATT_EPARSE, "inc.ini", 12, "kappa_b", "(0, 1000]"},
    {"share wave without total", MIN_BODY "[wave w]\ndate = 2025-03-01\nshare = 1\n", NULL,
     ATT_EDATA, "main.ini", 11, "share", "total_low and total_high"},
    {"wave after an unknown wave",
     MIN_BODY "[wave w]\nafter = w0\ngap_low = 1\ngap_high = 2\n"
              "size = 5\n",
     NULL, ATT_EDATA, "main.ini", 12, "after", "a [wave] above this one"},
    {"wave hazard phase unknown",
     MIN_BODY "[wave w]\ndate = 2025-03-01\nsize = 5\n"
              "hazard_phase = b\n",
     NULL, ATT_EDATA, "main.ini", 14, "hazard_phase", "expected the name of a [phase]"},
    {"wave with two dates",
     MIN_BODY "[wave w]\ndate = 2025-03-01\ndate_low = 2025-03-01\n"
              "date_high = 2025-03-09\nsize = 5\n",
     NULL, ATT_EPARSE, "main.ini", 11, "[wave w]", "exactly one arrival date"},
    {"quantiles without the median", MIN_BODY "[projection]\nquantiles = 5,95\n", NULL, ATT_EPARSE,
     "main.ini", 12, "quantiles", "include 50"},
    {"quantiles not ascending", MIN_BODY "[projection]\nquantiles = 50,25,75\n", NULL, ATT_EPARSE,
     "main.ini", 12, "quantiles", "ascending"},
    {"loss fraction above 1",
     MIN_BODY "[threshold t]\nquantity = loss_fraction\n"
              "direction = at_least\nvalue = 2\n",
     NULL, ATT_ERANGE, "main.ini", 14, "value", "fraction in (0, 1]"},
    {"singleton with a name", MIN_BODY "[model main]\n", NULL, ATT_EPARSE, "main.ini", 11, NULL,
     "with no name"},
    {"bad section name", MIN_BODY "[phase 2nd]\n", NULL, ATT_EPARSE, "main.ini", 11, NULL,
     "letters, digits and _"},
    {"misspelt choice", MIN_BODY "[projection]\ncount_model = binomal\n", NULL, ATT_EPARSE,
     "main.ini", 12, "count_model", "did you mean \"binomial\""},
    {"no phases", "[arrival x]\ndate = 2025-01-01\ncount = 1\n", NULL, ATT_EDATA, "main.ini", 0,
     NULL, "at least one [phase NAME]"},
    {"enabled neither true nor false", MIN_BODY "[class c]\nenabled = maybe\n", NULL, ATT_EPARSE,
     "main.ini", 12, "enabled", "one of true, false"},
    {"hazard from first wave without waves", MIN_BODY "[projection]\nhazard_from = first_wave\n",
     NULL, ATT_EDATA, "main.ini", 12, "hazard_from", "expected a [wave]"},
    {"empty include", MIN_BODY "include =\n", NULL, ATT_EPARSE, "main.ini", 11, "include",
     "expected a file name"},
    {"multiplier without phase", MIN_BODY "[projection]\nhazard_multiplier = 2\n", NULL, ATT_EPARSE,
     "main.ini", 12, "hazard_multiplier", "hazard_phase"},
    {"whole number expected", MIN_BODY "[projection]\npaths = 4000.5\n", NULL, ATT_EPARSE,
     "main.ini", 12, "paths", "whole number in [1, 10000000]"},
};

static void
test_malformed_files(void **state)
{
    size_t i;
    char msg[1200];

    (void)state;
    for (i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const bad_case *c = &bad_cases[i];
        mem_file files[2] = {{"main.ini", c->text}, {"inc.ini", c->included}};
        att_params *p = NULL;
        att_error err;
        att_status st = load_mem(files, c->included ? 2 : 1, &p, &err);
        att_error_format(&err, msg, sizeof msg);
        if (st != c->code || strcmp(err.path, c->path) != 0 || err.line != c->line ||
            (c->field != NULL && strstr(err.field, c->field) == NULL) ||
            (c->field == NULL && err.field[0] != '\0') || strstr(err.msg, c->msg) == NULL)
            fail_msg("case \"%s\": got status %d, \"%s\"; expected status %d at %s:%ld "
                     "field ~\"%s\" msg ~\"%s\"",
                     c->name, (int)st, msg, (int)c->code, c->path, c->line,
                     c->field ? c->field : "(none)", c->msg);
        assert_null(p);
    }
    print_message("%zu malformed parameter files checked\n",
                  sizeof bad_cases / sizeof bad_cases[0]);
}

static void
test_missing_file_is_enoent(void **state)
{
    att_params *p = NULL;
    att_error err;

    (void)state;
    assert_int_equal(att_params_load("/nonexistent/params.ini", &p, &err), ATT_ENOENT);
    assert_null(p);
    assert_string_equal(err.path, "/nonexistent/params.ini");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_baseline),
        cmocka_unit_test(test_shipped_reinforce20k_inherits_two_levels),
        cmocka_unit_test(test_shipped_builders_and_none),
        cmocka_unit_test(test_including_file_wins_wherever_the_include_stands),
        cmocka_unit_test(test_sections_merge_and_enabled_false_removes),
        cmocka_unit_test(test_repeated_section_in_one_file_merges),
        cmocka_unit_test(test_indentation_and_comments),
        cmocka_unit_test(test_anchor_and_set_anchor),
        cmocka_unit_test(test_path_resolve),
        cmocka_unit_test(test_key_table_is_complete),
        cmocka_unit_test(test_malformed_files),
        cmocka_unit_test(test_missing_file_is_enoent),
    };

    gsl_set_error_handler_off();
    return cmocka_run_group_tests_name("params", tests, NULL, NULL);
}
