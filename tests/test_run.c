/* test_run.c -- the run layer (att_run.h): a scenario and its ledger read
 * once with overrides, the copy a cut-off truncates, errors that name the
 * file and line (the ledger key's line, a later file's own lines, an
 * option), the digest of the inputs at a cut-off against one made by hand,
 * and a saved fit read back draw for draw. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <attrition/att_date.h>
#include <attrition/att_export.h>
#include <attrition/att_run.h>

#include "att_test.h"
#include "fixture.h"

#define DIR ATT_BINARY_DIR "/tests/"

static void
write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

/* ALL_PARAMS with a [model] ledger key on line 2 naming `ledger`. */
static void
write_params(const char *path, const char *ledger)
{
    char text[4096];

    snprintf(text, sizeof text, "[model]\nledger = %s\n%s", ledger,
             ALL_PARAMS + strlen("[model]\n"));
    write_text(path, text);
}

static int
setup(void **state)
{
    (void)state;
    write_params(DIR "run_all.ini", "run_all.csv");
    write_text(DIR "run_all.csv", ALL_HDR ALL_ROWS);
    return 0;
}

static bool
points_into(const char *path, const att_params *p)
{
    size_t i;

    for (i = 0; i < p->nfile; i++)
        if (path == p->files[i])
            return true;
    return false;
}

/* A copy owns everything: its origins point into its own files, it
 * outlives the original, and truncating it leaves the original whole. */
static void
test_params_copy(void **state)
{
    att_params *p = NULL, *q = NULL;
    att_error err;
    size_t nphase, k;

    (void)state;
    assert_int_equal(att_params_load(ATT_SOURCE_DIR "/params/reinforce30k.ini", &p, &err), ATT_OK);
    assert_int_equal(att_params_copy(p, &q, &err), ATT_OK);
    assert_int_equal(q->nfile, p->nfile);
    assert_true(q->nfile > 1); /* reinforce30k includes baseline */
    assert_int_equal(q->nphase, p->nphase);
    assert_int_equal(q->nwave, p->nwave);
    assert_int_equal(q->nthreshold, p->nthreshold);
    assert_string_equal(q->description, p->description);
    assert_string_equal(q->ledger, p->ledger);
    for (k = 0; k < p->nphase; k++) {
        assert_string_equal(q->phases[k].name, p->phases[k].name);
        assert_string_equal(q->phases[k].origin.path, p->phases[k].origin.path);
        assert_int_equal(q->phases[k].origin.line, p->phases[k].origin.line);
        assert_true(points_into(q->phases[k].origin.path, q));
    }
    for (k = 0; k < p->nclass; k++) {
        assert_string_equal(q->classes[k].description, p->classes[k].description);
        assert_ptr_not_equal(q->classes[k].description, p->classes[k].description);
        assert_true(points_into(q->classes[k].origin.path, q));
    }
    assert_true(points_into(q->ledger_origin.path, q));
    nphase = p->nphase;
    assert_int_equal(att_params_truncate(q, att_date_from_ymd(2024, 12, 20), &err), ATT_OK);
    assert_true(q->nphase < nphase);
    assert_int_equal(p->nphase, nphase);
    assert_int_equal(p->phases[q->nphase - 1].end == ATT_DAY_OPEN, 0);
    att_params_free(p);
    assert_true(q->phases[0].origin.line > 0); /* still readable after the original is gone */
    att_params_free(q);
}

/* The overrides are applied once, to the run's scenario and sampler settings. */
static void
test_overrides(void **state)
{
    att_run_options o = att_run_options_default();
    att_run *run = NULL;
    att_fit_params fp;
    att_error err;

    (void)state;
    o.chains = 3;
    o.warmup = 111;
    o.draws = 222;
    o.seed = 77;
    o.threads = 2;
    o.anchor = "none";
    assert_int_equal(att_run_open(DIR "run_all.ini", &o, &run, &err), ATT_OK);
    fp = att_run_fit_params(run);
    assert_int_equal(fp.chains, 3);
    assert_int_equal(fp.warmup, 111);
    assert_int_equal(fp.draws, 222);
    assert_int_equal(fp.seed, 77);
    assert_int_equal(fp.threads, 2);
    assert_int_equal(att_run_params(run)->projection.seed, 77);
    assert_int_equal(att_run_params(run)->nanchor, 0);
    assert_int_equal(att_run_ledger(run)->n, 9);
    assert_int_equal(strlen(att_run_params_digest(run)), 64);
    assert_int_equal(att_run_first_combat_day(run), att_date_from_ymd(2024, 12, 6));
    att_run_free(run);
}

static void
expect_error(const char *params,
             const att_run_options *o,
             att_status code,
             const char *path_end,
             long line,
             const char *text)
{
    att_run *run = (att_run *)1;
    att_error err;
    size_t n, m = strlen(path_end);

    att_error_clear(&err);
    assert_int_equal(att_run_open(params, o, &run, &err), code);
    assert_null(run);
    n = strlen(err.path);
    assert_true(n >= m);
    assert_string_equal(err.path + n - m, path_end);
    assert_int_equal(err.line, line);
    assert_non_null(strstr(err.msg, text));
}

/* Every way the inputs can be wrong names where. */
static void
test_errors(void **state)
{
    att_run_options o = att_run_options_default();

    (void)state;
    write_text(DIR "run_noledger.ini", ALL_PARAMS);
    expect_error(DIR "run_noledger.ini", &o, ATT_EDATA, "run_noledger.ini", 0,
                 "expected a ledger file, found none");
    write_params(DIR "run_missing.ini", "run_missing.csv");
    expect_error(DIR "run_missing.ini", &o, ATT_ENOENT, "run_missing.ini", 2,
                 "cannot read \"" DIR "run_missing.csv\"");
    o.anchor = "nosuch:losses";
    expect_error(DIR "run_all.ini", &o, ATT_EDATA, "--anchor", 0, "nosuch");
    o.anchor = NULL;

    /* The later file is validated as a ledger, with its own header. */
    write_text(DIR "run_later_hdr.csv", "id,statement_date\nx,2025-01-01\n");
    o.later = DIR "run_later_hdr.csv";
    expect_error(DIR "run_all.ini", &o, ATT_EPARSE, "run_later_hdr.csv", 1,
                 "expected a header of at least 13 columns, found 2");
    write_text(DIR "run_later_hdr.csv", ALL_HDR);
    expect_error(DIR "run_all.ini", &o, ATT_EDATA, "run_later_hdr.csv", 0,
                 "expected at least one report after the header, found none");
    /* A repeat of a row that is not earlier names the other file's line. */
    write_text(DIR "run_later_hdr.csv",
               ALL_HDR "c9,2024-12-01,2024-11-21,2024-11-30,W,us_gov,casualties,approx,1000,,,q,"
                       "d,c1\n");
    expect_error(DIR "run_all.ini", &o, ATT_EDATA, "run_later_hdr.csv", 2,
                 "found \"c1\" on line 2 of " DIR "run_all.csv, which is not earlier");
    /* An id the ledger already has. */
    write_text(DIR "run_later_hdr.csv",
               ALL_HDR "c1,2025-03-02,2025-03-01,2025-03-01,W,us_gov,casualties,approx,1000,,,q,"
                       "d,\n");
    expect_error(DIR "run_all.ini", &o, ATT_EDATA, "run_later_hdr.csv", 2,
                 "already used on line 2 of " DIR "run_all.csv");
    /* A bad date on the later file's line 3, and a repeat of a ledger row
     * on its line 2 that links across the two. */
    write_text(DIR "run_later_bad.csv",
               ALL_HDR "c3,2025-03-02,2025-03-01,2025-03-01,W,us_gov,casualties,approx,1000,,,q,"
                       "d,c1\n"
                       "c4,2025-13-02,2025-03-01,2025-03-01,W,us_gov,casualties,approx,1200,,,q,"
                       "d,\n");
    o.later = DIR "run_later_bad.csv";
    expect_error(DIR "run_all.ini", &o, ATT_EPARSE, "run_later_bad.csv", 3, "2025-13-02");
    o.later = NULL;

    o.ledger = NULL;
    o.ledger_text = ALL_HDR ALL_ROWS;
    o.ledger_len = strlen(o.ledger_text);
    expect_error(DIR "run_all.ini", &o, ATT_EINVAL, "", 0, "without its name");
}

/* Later reports join the ledger; from memory, a ledger is read as from a file. */
static void
test_joined(void **state)
{
    att_run_options o = att_run_options_default();
    att_run *run = NULL;
    const att_ledger *l;
    att_error err;

    (void)state;
    write_text(DIR "run_later.csv",
               ALL_HDR "c3,2025-03-02,2025-03-01,2025-03-01,W,us_gov,casualties,approx,1000,,,q,"
                       "d,\n");
    o.later = DIR "run_later.csv";
    assert_int_equal(att_run_open(DIR "run_all.ini", &o, &run, &err), ATT_OK);
    l = att_run_ledger(run);
    assert_int_equal(l->n, 10);
    assert_string_equal(l->reports[9].id, "c3");
    assert_int_equal(l->nfile, 2);
    assert_int_equal(l->reports[9].file, 1);
    assert_int_equal(l->reports[9].line, 2);
    assert_string_equal(l->path, DIR "run_all.csv + " DIR "run_later.csv");
    att_run_free(run);
    /* Any valid ledger: the 13 required columns alone, CRLF line ends; or
     * optional columns in another order than the ledger's, with a repeat
     * of a ledger row (by its id) and a note. */
    write_text(DIR "run_later.csv",
               "id,statement_date,asof_start,asof_end,source,source_class,kind,qualifier,value,"
               "low,high,quote,doc\r\n"
               "c3,2025-03-02,2025-03-01,2025-03-01,W,us_gov,casualties,approx,1000,,,q,d\r\n");
    assert_int_equal(att_run_open(DIR "run_all.ini", &o, &run, &err), ATT_OK);
    l = att_run_ledger(run);
    assert_int_equal(l->n, 10);
    assert_string_equal(l->reports[9].doc, "d");
    att_run_free(run);
    write_text(DIR "run_later.csv",
               "id,statement_date,asof_start,asof_end,source,source_class,kind,qualifier,value,"
               "low,high,quote,doc,note,measure,repeat_of\n"
               "c3,2025-03-02,2025-03-01,2025-03-01,W,us_gov,casualties,approx,1000,,,q,d,"
               "later,cumulative,\n"
               "c4,2025-03-05,2024-12-21,2024-12-31,W,us_gov,casualties,approx,1000,,,q,d,"
               "again,,c1\n");
    assert_int_equal(att_run_open(DIR "run_all.ini", &o, &run, &err), ATT_OK);
    l = att_run_ledger(run);
    assert_int_equal(l->n, 11);
    assert_string_equal(l->reports[9].note, "later");
    assert_string_equal(l->reports[l->reports[10].repeat_of].id, "c1");
    att_run_free(run);

    o.later = NULL;
    o.ledger = "in-memory.csv";
    o.ledger_text = ALL_HDR ALL_ROWS;
    o.ledger_len = strlen(o.ledger_text);
    assert_int_equal(att_run_open(DIR "run_all.ini", &o, &run, &err), ATT_OK);
    assert_int_equal(att_run_ledger(run)->n, 9);
    assert_string_equal(att_run_ledger(run)->path, "in-memory.csv");
    att_run_free(run);
}

/* The digest at a cut-off is that of the inputs made by hand: the
 * scenario truncated there, the reports stated by then. */
static void
test_posterior_digest(void **state)
{
    att_run_options o = att_run_options_default();
    int32_t cut = att_date_from_ymd(2025, 2, 1);
    att_run *run = NULL;
    att_run_fit rf, full;
    att_params *p = NULL;
    att_ledger *l = NULL;
    att_posterior *post;
    const char *cls[3];
    char digest[ATT_DIGEST_HEX], *json = NULL;
    att_error err;
    size_t k;

    (void)state;
    assert_int_equal(att_run_open(DIR "run_all.ini", &o, &run, &err), ATT_OK);
    assert_int_equal(att_run_posterior(run, cut, &rf, &err), ATT_OK);
    assert_int_equal(att_run_posterior(run, INT32_MAX, &full, &err), ATT_OK);

    assert_int_equal(att_params_load(DIR "run_all.ini", &p, &err), ATT_OK);
    for (k = 0; k < 3; k++)
        cls[k] = p->classes[k].name;
    assert_int_equal(att_ledger_load(DIR "run_all.csv", cls, 3, &l, &err), ATT_OK);
    assert_int_equal(att_params_truncate(p, cut, &err), ATT_OK);
    post = att_posterior_alloc(p, l, cut, &err);
    assert_non_null(post);
    assert_int_equal(att_export_inputs(p, l, post, cut, &json, digest, &err), ATT_OK);
    assert_string_equal(rf.digest, digest);
    assert_string_not_equal(full.digest, digest);
    assert_int_equal(rf.p->nphase, p->nphase);
    assert_int_equal(att_run_params(run)->nphase, 4); /* the run's own is whole */
    assert_int_equal(att_posterior_nreports(rf.post), att_posterior_nreports(post));
    assert_true(att_posterior_nreports(rf.post) < att_posterior_nreports(full.post));

    att_export_free(json);
    att_posterior_free(post);
    att_ledger_free(l);
    att_params_free(p);
    att_run_fit_free(&full);
    att_run_fit_free(&rf);
    att_run_free(run);
}

/* A saved fit read back has the same draws, the fit's own settings, and
 * belongs to its inputs only. */
static void
test_save_and_load(void **state)
{
    att_run_options o = att_run_options_default();
    const char *path = DIR "run_fit.json";
    att_run *run = NULL;
    att_run_fit a, b, other;
    att_error err;
    size_t n;

    (void)state;
    o.chains = 2;
    o.warmup = 150;
    o.draws = 150;
    o.seed = 5;
    assert_int_equal(att_run_open(DIR "run_all.ini", &o, &run, &err), ATT_OK);
    assert_int_equal(att_run_posterior(run, INT32_MAX, &a, &err), ATT_OK);
    assert_int_equal(att_run_sample(&a, NULL, &err), ATT_OK);
    assert_null(a.loaded);
    assert_int_equal(att_run_save(&a, path, &err), ATT_OK);

    assert_int_equal(att_run_posterior(run, INT32_MAX, &b, &err), ATT_OK);
    assert_int_equal(att_run_sample(&b, path, &err), ATT_OK);
    assert_string_equal(b.loaded, path);
    assert_int_equal(b.fp.warmup, 0);
    assert_int_equal(b.fp.chains, 2);
    assert_int_equal(b.fp.draws, 150);
    assert_int_equal(b.fp.seed, 5);
    n = a.fit.chains * a.fit.draws * a.fit.dim;
    assert_int_equal(b.fit.chains * b.fit.draws * b.fit.dim, n);
    assert_memory_equal(a.fit.theta, b.fit.theta, n * sizeof *a.fit.theta);
    assert_int_equal(a.verdict, b.verdict);
    assert_string_equal(a.verdict_msg, b.verdict_msg);

    /* The same parameters, one report fewer (d2 is stated on 2025-03-10). */
    assert_int_equal(att_run_posterior(run, att_date_from_ymd(2025, 3, 5), &other, &err), ATT_OK);
    assert_int_equal(att_run_sample(&other, path, &err), ATT_EDATA);
    assert_string_equal(err.field, "inputs_sha256");

    att_run_fit_free(&other);
    att_run_fit_free(&b);
    att_run_fit_free(&a);
    att_run_free(run);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_params_copy),      cmocka_unit_test(test_overrides),
        cmocka_unit_test(test_errors),           cmocka_unit_test(test_joined),
        cmocka_unit_test(test_posterior_digest), cmocka_unit_test(test_save_and_load),
    };

    return cmocka_run_group_tests(tests, setup, NULL);
}
