/* test_export.c -- canonical JSON of the inputs and saved fits: the same
 * inputs give the same bytes; a saved fit loads back bit for bit; a
 * malformed file, a fit of other parameters and a fit of other inputs are
 * refused, in that order (the file is validated before its digest). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include <attrition/att_export.h>
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

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_canonical_json_is_stable),
        cmocka_unit_test(test_saved_fit_round_trip),
        cmocka_unit_test(test_saved_fit_refusals),
    };

    gsl_set_error_handler_off();
    return cmocka_run_group_tests_name("export", tests, NULL, NULL);
}
