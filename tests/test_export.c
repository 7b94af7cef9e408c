/* test_export.c -- canonical JSON of the inputs and saved fits: the same
 * inputs give the same bytes; a saved fit loads back bit for bit, a
 * force's too (groups, departures, return to duty), projecting the same;
 * a malformed file, a fit of other parameters and a fit of other inputs
 * are refused, in that order (the file is validated before its digest). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include <attrition/att_export.h>
#include <attrition/att_project.h>
#include <attrition/att_savefit.h>

#include "att_test.h"
#include "fixture.h"

typedef struct {
    fixture f;
    att_fit_result fit;
    char digest[ATT_DIGEST_HEX];
    char *saved;
    size_t len;
} saved_fit;

static void
make_saved(saved_fit *s)
{
    att_fit_params fp = att_fit_default_params();
    att_error err;
    char *json = NULL;
    FILE *mem;

    fixture_load_shipped(&s->f, "baseline");
    fp.chains = 2;
    fp.warmup = 60;
    fp.draws = 20;
    fp.seed = 3;
    assert_int_equal(att_fit_run(s->f.post, &fp, &s->fit, &err), ATT_OK);
    assert_int_equal(
        att_export_inputs(s->f.p, s->f.l, s->f.post, INT32_MAX, &json, s->digest, &err), ATT_OK);
    att_export_free(json);
    mem = open_memstream(&s->saved, &s->len);
    assert_non_null(mem);
    assert_int_equal(att_savefit_write(mem, s->f.post, &s->fit, s->digest, 3, &err), ATT_OK);
    fclose(mem);
}

static void
free_saved(saved_fit *s)
{
    free(s->saved);
    att_fit_result_free(&s->fit);
    fixture_free(&s->f);
}

static void
test_canonical_json_is_stable(void **state)
{
    fixture f, g;
    char *a = NULL, *b = NULL, da[ATT_DIGEST_HEX], db[ATT_DIGEST_HEX], dd[ATT_DIGEST_HEX];
    att_error err;

    (void)state;
    fixture_load_shipped(&f, "baseline");
    fixture_load_shipped(&g, "reinforce30k"); /* same fit inputs, another projection */
    assert_int_equal(att_export_inputs(f.p, f.l, f.post, INT32_MAX, &a, da, &err), ATT_OK);
    assert_int_equal(att_export_inputs(g.p, g.l, g.post, INT32_MAX, &b, db, &err), ATT_OK);
    assert_string_equal(a, b);
    assert_string_equal(da, db);
    att_digest_bytes(a, strlen(a), dd);
    assert_string_equal(da, dd);
    /* The reports are the 13 used ones, each with its window's times. */
    assert_non_null(strstr(a, "\"id\":\"us_1200_20250428\""));
    assert_null(strstr(a, "\"id\":\"ua_4000_20250213\"")); /* a repeat */
    assert_non_null(strstr(a, "\"rate_from\":20063,\"rate_to\":20104,\"rate_days\":41"));
    att_export_free(a);
    att_export_free(b);
    fixture_free(&f);
    fixture_free(&g);
}

static void
test_saved_fit_round_trip(void **state)
{
    saved_fit s;
    att_fit_result back;
    unsigned long seed = 0;
    att_error err;

    (void)state;
    make_saved(&s);
    assert_int_equal(
        att_savefit_parse("mem.json", s.saved, s.len, s.f.post, s.digest, &back, &seed, &err),
        ATT_OK);
    assert_int_equal(seed, 3);
    assert_int_equal(back.chains, 2);
    assert_int_equal(back.draws, 20);
    /* %.17g round-trips every double exactly. */
    assert_memory_equal(back.theta, s.fit.theta, 2 * 20 * back.dim * sizeof(double));
    assert_memory_equal(back.value, s.fit.value, 2 * 20 * back.dim * sizeof(double));
    att_assert_close(back.summary[0].q50, s.fit.summary[0].q50, 0, 0);
    att_fit_result_free(&back);
    free_saved(&s);
}

static void
test_saved_fit_refusals(void **state)
{
    saved_fit s;
    att_fit_result back;
    unsigned long seed;
    att_error err;
    char *bad;
    char other[ATT_DIGEST_HEX];

    (void)state;
    make_saved(&s);
    /* Not JSON at all: line and column from the parser. */
    assert_int_equal(
        att_savefit_parse("x.json", "{\"format\": ", 11, s.f.post, s.digest, &back, &seed, &err),
        ATT_EPARSE);
    assert_int_equal(err.line, 1);
    /* Another format. */
    assert_int_equal(att_savefit_parse("x.json", "{\"format\":\"csv\"}", 16, s.f.post, s.digest,
                                       &back, &seed, &err),
                     ATT_EPARSE);
    assert_string_equal(err.field, "format");
    /* A fit of other inputs. */
    memset(other, 'a', ATT_DIGEST_HEX - 1);
    other[ATT_DIGEST_HEX - 1] = '\0';
    assert_int_equal(
        att_savefit_parse("x.json", s.saved, s.len, s.f.post, other, &back, &seed, &err),
        ATT_EDATA);
    assert_non_null(strstr(err.msg, "other inputs"));
    /* A broken draw is found before the digest is looked at. */
    bad = malloc(s.len + 1);
    memcpy(bad, s.saved, s.len + 1);
    {
        char *p = strstr(bad, "[[");
        assert_non_null(p);
        p[2] = '"';
    }
    assert_int_equal(att_savefit_parse("x.json", bad, s.len, s.f.post, other, &back, &seed, &err),
                     ATT_EPARSE);
    free(bad);
    /* A renamed parameter. */
    bad = malloc(s.len + 1);
    memcpy(bad, s.saved, s.len + 1);
    {
        char *p = strstr(bad, "\"kappa\"");
        assert_non_null(p);
        p[1] = 'K';
    }
    assert_int_equal(
        att_savefit_parse("x.json", bad, s.len, s.f.post, s.digest, &back, &seed, &err),
        ATT_EPARSE);
    assert_string_equal(err.field, "parameters");
    free(bad);
    free_saved(&s);
}

/* A force (docs/model.md 1.5): two groups, the second's hazard ratio
 * fitted, a share leaving, a quarter-ish of the wounded back after
 * return_delay days (its share fitted), reports over sets of groups. */
#define FORCE_PARAMS_FMT                                                               \
    "[phase a]\nstart = 2025-01-01\nhazard_median = 0.004\nhazard_log_sd = 1\n"        \
    "[group inf]\n[group art]\nhazard_ratio_median = 0.5\nhazard_ratio_log_sd = 0.3\n" \
    "[arrival x]\ndate = 2025-01-01\ncount = 10000\ngroup = inf\n"                     \
    "[arrival y]\ndate = 2025-01-10\ncount = 2000\ngroup = art\n"                      \
    "[departure out]\ndate = 2025-02-01\nshare_a = 2\nshare_b = 8\ngroup = inf\n"      \
    "[model]\nreference_group = inf\nreturn_share_a = 2\nreturn_share_b = 6\n"         \
    "return_delay = %d\n"                                                              \
    "[class c]\ntau_losses = 0.5\ntau_force = 0.3\n"                                   \
    "[projection]\nstart = 2025-03-01\nhorizon = 60\nstep = 7\npaths = 300\n"
#define FORCE_LEDGER                                                                           \
    "id,statement_date,asof_start,asof_end,source,source_class,kind,qualifier,value,low,high," \
    "quote,doc,repeat_of,group\n"                                                              \
    "c1,2025-02-10,2025-02-10,2025-02-10,X,c,casualties,approx,1500,,,q,d,,\n"                 \
    "k1,2025-02-12,2025-02-12,2025-02-12,X,c,killed,approx,100,,,q,d,,art\n"                   \
    "s1,2025-02-20,2025-02-20,2025-02-20,X,c,strength,approx,8000,,,q,d,,inf\n"                \
    "d1,2025-01-20,2025-01-20,2025-01-20,X,c,deployed,approx,12000,,,q,d,,\n"

static void
load_force(fixture *f, int delay, char *digest)
{
    char params[1200];
    char *json = NULL;
    att_error err;

    snprintf(params, sizeof params, FORCE_PARAMS_FMT, delay);
    fixture_load(f, params, FORCE_LEDGER);
    assert_int_equal(att_export_inputs(f->p, f->l, f->post, INT32_MAX, &json, digest, &err),
                     ATT_OK);
    assert_non_null(strstr(json, "\"force\""));
    att_export_free(json);
}

/* A force's saved fit: its parameters (r_art, dep_out, rho) by name, every
 * draw back bit for bit, the same projection from it as from the fit; and
 * refused for the same force with another return delay (the same
 * parameters, other inputs). */
static void
test_saved_fit_round_trip_force(void **state)
{
    fixture f, g;
    att_fit_params fp = att_fit_default_params();
    att_project_params pp = att_project_default_params();
    att_fit_result fit, back;
    att_projection a, b;
    att_error err;
    char digest[ATT_DIGEST_HEX], other[ATT_DIGEST_HEX], *saved = NULL;
    size_t len = 0, s;
    unsigned long seed = 0;
    FILE *mem;

    (void)state;
    load_force(&f, 12, digest);
    fp.chains = 2;
    fp.warmup = 60;
    fp.draws = 20;
    fp.seed = 4;
    assert_int_equal(att_fit_run(f.post, &fp, &fit, &err), ATT_OK);
    mem = open_memstream(&saved, &len);
    assert_non_null(mem);
    assert_int_equal(att_savefit_write(mem, f.post, &fit, digest, 4, &err), ATT_OK);
    fclose(mem);
    assert_non_null(strstr(saved, "\"r_art\""));
    assert_non_null(strstr(saved, "\"dep_out\""));
    assert_non_null(strstr(saved, "\"rho\""));
    assert_int_equal(att_savefit_parse("f.json", saved, len, f.post, digest, &back, &seed, &err),
                     ATT_OK);
    assert_int_equal(seed, 4);
    assert_memory_equal(back.theta, fit.theta, 2 * 20 * back.dim * sizeof(double));
    pp.seed = 9;
    assert_int_equal(att_project_run(f.p, f.post, &fit, &pp, &a, &err), ATT_OK);
    assert_int_equal(att_project_run(f.p, f.post, &back, &pp, &b, &err), ATT_OK);
    for (s = 0; s < ATT_SERIES_COUNT; s++) {
        assert_memory_equal(a.q[s], b.q[s], a.ndates * a.nlevels * sizeof(double));
        assert_memory_equal(a.gq[s], b.gq[s], 2 * a.ndates * a.nlevels * sizeof(double));
        assert_memory_equal(a.hist_q[s], b.hist_q[s], a.nhist * a.nlevels * sizeof(double));
    }
    att_projection_free(&a);
    att_projection_free(&b);
    att_fit_result_free(&back);

    load_force(&g, 13, other);
    assert_string_not_equal(digest, other);
    assert_int_equal(att_savefit_parse("f.json", saved, len, g.post, other, &back, &seed, &err),
                     ATT_EDATA);
    assert_non_null(strstr(err.msg, "other inputs"));
    fixture_free(&g);
    free(saved);
    att_fit_result_free(&fit);
    fixture_free(&f);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_canonical_json_is_stable),
        cmocka_unit_test(test_saved_fit_round_trip),
        cmocka_unit_test(test_saved_fit_refusals),
        cmocka_unit_test(test_saved_fit_round_trip_force),
    };

    gsl_set_error_handler_off();
    return cmocka_run_group_tests_name("export", tests, NULL, NULL);
}
