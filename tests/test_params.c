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
#include "bad_params.h"
#include "ptree.h"

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
    att_assert_close(p->kappa_a, 5, 0, 0);         /* the including file's key */
    att_assert_close(p->kappa_b, 9, 0, 0);         /* merged from the included one */
    att_assert_close(p->sigma_median, 0.25, 0, 0); /* the default */
    att_assert_close(p->sigma_log_sd, 0.5, 0, 0);
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

/* Groups, departures and return to duty as stated, in date order, and
 * copied and truncated with the rest. */
static void
test_groups_departures_returns(void **state)
{
    const mem_file files[] = {
        {"a.ini", "[phase a]\nstart = 2025-01-01\nhazard_median = 0.01\nhazard_log_sd = 1\n"
                  "[group inf]\n[group art]\nhazard_ratio_median = 0.5\nhazard_ratio_log_sd = 0.4\n"
                  "[arrival x]\ndate = 2025-01-10\ncount = 100\ngroup = art\n"
                  "[arrival y]\ndate = 2025-01-05\ncount_low = 10\ncount_high = 20\ngroup = inf\n"
                  "[departure late]\ndate = 2025-03-01\nshare_a = 2\nshare_b = 8\ngroup = inf\n"
                  "[departure early]\ndate = 2025-02-01\ncount = 5\ngroup = art\n"
                  "[class c]\ntau_losses = 1\ntau_force = 1\n"
                  "[model]\nreference_group = inf\nreturn_share_a = 3\nreturn_share_b = 7\n"
                  "return_delay = 30\n"},
    };
    att_params *p, *q;
    att_error err;

    (void)state;
    assert_int_equal(load_mem(files, 1, &p, &err), ATT_OK);
    assert_int_equal(p->ngroup, 2);
    assert_int_equal(att_params_group_count(p), 2);
    assert_true(att_params_extended(p) && att_params_returns(p));
    assert_int_equal(p->reference_group, 0);
    assert_true(p->groups[0].fixed);
    att_assert_close(p->groups[0].ratio, 1.0, 0, 0);
    assert_false(p->groups[1].fixed);
    att_assert_close(p->groups[1].ratio_median, 0.5, 0, 0);
    assert_string_equal(p->arrivals[0].name, "y"); /* date order */
    assert_int_equal(p->arrivals[0].group, 0);
    assert_int_equal(p->arrivals[1].group, 1);
    assert_int_equal(p->ndeparture, 2);
    assert_string_equal(p->departures[0].name, "early");
    assert_false(p->departures[0].by_share);
    assert_int_equal(p->departures[0].prior, ATT_COUNT_FIXED);
    assert_int_equal(p->departures[0].group, 1);
    assert_true(p->departures[1].by_share);
    assert_int_equal(p->departures[1].prior, ATT_COUNT_BETA);
    att_assert_close(p->departures[1].share_b, 8.0, 0, 0);
    assert_false(p->return_fixed);
    att_assert_close(p->return_a, 3.0, 0, 0);
    assert_int_equal(p->return_delay, 30);
    assert_int_equal(att_params_copy(p, &q, &err), ATT_OK);
    assert_int_equal(att_params_truncate(q, att_date_from_ymd(2025, 2, 15), &err), ATT_OK);
    assert_int_equal(q->ndeparture, 1);
    assert_string_equal(q->groups[1].name, "art");
    att_params_free(p);
    assert_string_equal(q->departures[0].name, "early");
    att_params_free(q);
}

/* A file with none of them is the first version's model. */
static void
test_no_groups_is_not_extended(void **state)
{
    att_params *p = load_shipped("reinforce30k");

    (void)state;
    assert_false(att_params_extended(p));
    assert_false(att_params_returns(p));
    assert_int_equal(att_params_group_count(p), 1);
    att_params_free(p);
}

/* What truncation at an origin drops and changes, as compare says it:
 * reinforce30k at 2025-01-31 (inside the lull) keeps transit, active1 and
 * the lull, which runs open-ended instead of to 2025-02-05; the
 * projection's and every wave's active2 fall back, and say so. */
static void
test_truncation_record(void **state)
{
    att_params *p = load_shipped("reinforce30k"), *q;
    att_truncation t;
    att_error err;
    size_t w;

    (void)state;
    assert_int_equal(att_params_copy(p, &q, &err), ATT_OK);
    assert_int_equal(att_params_truncate(q, att_date_from_ymd(2025, 1, 31), &err), ATT_OK);
    att_params_truncation(p, q, &t);
    assert_int_equal(t.phases_kept, 3);
    assert_string_equal(p->phases[3].name, "active2"); /* the first dropped */
    assert_int_equal(t.arrivals_kept, 2);
    assert_int_equal(t.departures_kept, 0);
    assert_int_equal(t.scheduled_end, att_date_from_ymd(2025, 2, 5));
    assert_int_equal(q->phases[2].end, ATT_DAY_OPEN);
    assert_int_equal(q->projection.hazard.kind, ATT_HAZARD_INHERIT);
    assert_true(q->projection.hazard.dropped);
    assert_string_equal(p->phases[q->projection.hazard.phase].name, "active2");
    for (w = 0; w < q->nwave; w++)
        assert_true(q->waves[w].hazard.dropped && q->waves[w].hazard.kind == ATT_HAZARD_INHERIT);
    att_params_free(q);
    /* At 2025-03-01 only low is dropped; active2 runs open-ended; no rule
     * falls back. */
    assert_int_equal(att_params_copy(p, &q, &err), ATT_OK);
    assert_int_equal(att_params_truncate(q, att_date_from_ymd(2025, 3, 1), &err), ATT_OK);
    att_params_truncation(p, q, &t);
    assert_int_equal(t.phases_kept, 4);
    assert_int_equal(t.scheduled_end, att_date_from_ymd(2025, 4, 26));
    assert_false(q->projection.hazard.dropped);
    assert_int_equal(q->projection.hazard.kind, ATT_HAZARD_PHASE);
    att_params_free(q);
    /* After every phase's start: nothing dropped, the last phase open already. */
    assert_int_equal(att_params_copy(p, &q, &err), ATT_OK);
    assert_int_equal(att_params_truncate(q, att_date_from_ymd(2025, 6, 1), &err), ATT_OK);
    att_params_truncation(p, q, &t);
    assert_int_equal(t.phases_kept, p->nphase);
    assert_int_equal(t.scheduled_end, ATT_DAY_OPEN);
    att_params_free(q);
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

/* A phase can have casualties unless its hazard is fixed at 0. */
static void
test_phase_has_combat(void **state)
{
    att_phase ph;

    (void)state;
    memset(&ph, 0, sizeof ph);
    assert_true(att_params_phase_has_combat(&ph)); /* a prior: not fixed */
    ph.fixed = true;
    assert_false(att_params_phase_has_combat(&ph)); /* fixed at 0: no combat */
    ph.hazard = 0.0137;
    assert_true(att_params_phase_has_combat(&ph));
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
        char *r = ptree_path_resolve(cases[i][0], cases[i][1]);
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


static void
test_malformed_files(void **state)
{
    size_t i;
    char msg[1200];

    (void)state;
    for (i = 0; i < sizeof bad_params / sizeof bad_params[0]; i++) {
        const bad_params_case *c = &bad_params[i];
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
                  sizeof bad_params / sizeof bad_params[0]);
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
        cmocka_unit_test(test_phase_has_combat),
        cmocka_unit_test(test_path_resolve),
        cmocka_unit_test(test_key_table_is_complete),
        cmocka_unit_test(test_malformed_files),
        cmocka_unit_test(test_groups_departures_returns),
        cmocka_unit_test(test_no_groups_is_not_extended),
        cmocka_unit_test(test_truncation_record),
        cmocka_unit_test(test_missing_file_is_enoent),
    };

    gsl_set_error_handler_off();
    return cmocka_run_group_tests_name("params", tests, NULL, NULL);
}
