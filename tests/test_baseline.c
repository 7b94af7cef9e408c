/* test_baseline.c -- the naive baselines of docs/model.md, section 9.2,
 * against forecasts worked out by hand: a bound is never a point, one
 * class's line is not drawn through another's figure, "the latest" is by
 * statement date, and the spread s(h) is the maximum-likelihood fit of
 * the baseline's own errors (closed forms on made-up histories). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include <attrition/att_date.h>
#include <attrition/att_ledger.h>

#include "att_test.h"
#include "baseline.h"

#define HDR                                                                                    \
    "id,statement_date,asof_start,asof_end,source,source_class,kind,qualifier,value,low,high," \
    "quote,doc\n"

static const char *const classes[] = {"a", "b", "c"};

static att_ledger *
ledger(const char *rows)
{
    char text[4096];
    att_ledger *l = NULL;
    att_error err;

    snprintf(text, sizeof text, "%s%s", HDR, rows);
    if (att_ledger_parse("made_up.csv", text, strlen(text), classes, 3, &l, &err) != ATT_OK) {
        char msg[1200];
        fail_msg("%s", att_error_format(&err, msg, sizeof msg));
    }
    return l;
}

static size_t
row(const att_ledger *l, const char *id)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        if (strcmp(l->reports[i].id, id) == 0)
            return i;
    fail_msg("no row %s", id);
    return 0;
}

/* The forecast of row `id` from the rows stated before it. */
static double
forecast(const att_ledger *l, att_forecaster f, const char *id, const char **why)
{
    bool *used = calloc(l->n, sizeof *used);
    const att_report *r = &l->reports[row(l, id)];
    double y;

    (void)att_ledger_used(l, r->statement - 1, used);
    y = att_baseline_point(l, used, f, r, why);
    free(used);
    return y;
}

static void
test_a_bound_is_not_a_point(void **state)
{
    att_ledger *l =
        ledger("p1,2025-01-10,2025-01-10,2025-01-10,A,a,casualties,approx,1000,,,q,d\n"
               "b1,2025-01-20,2025-01-20,2025-01-20,A,a,casualties,at_least,3000,,,q,d\n"
               "u1,2025-01-21,2025-01-21,2025-01-21,A,a,casualties,up_to,500,,,q,d\n"
               "r1,2025-01-22,2025-01-22,2025-01-22,B,b,casualties,range,,800,1800,q,d\n"
               "t,2025-02-01,2025-02-01,2025-02-01,A,a,casualties,approx,4000,,,q,d\n"
               "tb,2025-02-01,2025-02-01,2025-02-01,C,c,casualties,approx,4000,,,q,d\n");
    const char *why;

    (void)state;
    /* Class a's last point figure is p1's 1,000, not the later bounds. */
    att_assert_close(forecast(l, ATT_FC_PERSISTENCE, "t", &why), 1000.0, 1e-15, 0.0);
    assert_null(why);
    /* Class c has none: any class's latest point figure, the range's
     * geometric middle sqrt(800 x 1800) = 1200. */
    att_assert_close(forecast(l, ATT_FC_PERSISTENCE, "tb", &why), 1200.0, 1e-15, 0.0);
    /* With bounds alone there is no point. */
    att_ledger_free(l);
    l = ledger("b1,2025-01-20,2025-01-20,2025-01-20,A,a,casualties,at_least,3000,,,q,d\n"
               "t,2025-02-01,2025-02-01,2025-02-01,A,a,casualties,approx,4000,,,q,d\n");
    assert_true(forecast(l, ATT_FC_PERSISTENCE, "t", &why) == 0.0);
    assert_string_equal(why, "no earlier point figure of this kind");
    att_ledger_free(l);
}

static void
test_latest_by_statement_date(void **state)
{
    /* s2 is stated later about an earlier day: it is the latest. */
    att_ledger *l = ledger("s1,2025-01-10,2025-01-09,2025-01-09,A,a,killed,approx,700,,,q,d\n"
                           "s2,2025-01-15,2025-01-05,2025-01-05,A,a,killed,approx,600,,,q,d\n"
                           "t,2025-02-01,2025-02-01,2025-02-01,A,a,killed,approx,900,,,q,d\n");
    const char *why;

    (void)state;
    att_assert_close(forecast(l, ATT_FC_PERSISTENCE, "t", &why), 600.0, 1e-15, 0.0);
    att_ledger_free(l);
}

static void
test_a_line_within_one_class(void **state)
{
    /* Class a: 1,000 on 01-01 and 2,000 on 01-11 (100 a day); class b's
     * 5,000 on 01-12 is the latest figure but not a's. */
    att_ledger *l =
        ledger("a1,2025-01-01,2025-01-01,2025-01-01,A,a,casualties,approx,1000,,,q,d\n"
               "a2,2025-01-11,2025-01-11,2025-01-11,A,a,casualties,approx,2000,,,q,d\n"
               "b1,2025-01-12,2025-01-12,2025-01-12,B,b,casualties,approx,5000,,,q,d\n"
               "ta,2025-01-21,2025-01-21,2025-01-21,A,a,casualties,approx,3100,,,q,d\n"
               "tb,2025-01-21,2025-01-21,2025-01-21,B,b,casualties,approx,5500,,,q,d\n");
    const char *why;

    (void)state;
    att_assert_close(forecast(l, ATT_FC_LINEAR, "ta", &why), 3000.0, 1e-12, 0.0);
    /* b has one figure: the class with the latest pair, a, not a line
     * from a2 to b1 (which would give 5,000 + 3,000 x 9 = 32,000). */
    att_assert_close(forecast(l, ATT_FC_LINEAR, "tb", &why), 3000.0, 1e-12, 0.0);
    att_ledger_free(l);
    /* Two classes with pairs: the later pair (b's, ending 01-16). */
    l = ledger("a1,2025-01-01,2025-01-01,2025-01-01,A,a,casualties,approx,1000,,,q,d\n"
               "a2,2025-01-11,2025-01-11,2025-01-11,A,a,casualties,approx,2000,,,q,d\n"
               "b1,2025-01-06,2025-01-06,2025-01-06,B,b,casualties,approx,4000,,,q,d\n"
               "b2,2025-01-16,2025-01-16,2025-01-16,B,b,casualties,approx,5000,,,q,d\n"
               "tc,2025-01-26,2025-01-26,2025-01-26,C,c,casualties,approx,6000,,,q,d\n");
    att_assert_close(forecast(l, ATT_FC_LINEAR, "tc", &why), 6000.0, 1e-12, 0.0);
    att_ledger_free(l);
}

static void
test_rate_carried_forward(void **state)
{
    /* 92 a day from the latest casualty figure (2,000 on 01-10): 20 days
     * on, 2,000 + 1,840; killed at their share 500 / 2,000. */
    att_ledger *l = ledger("c1,2025-01-10,2025-01-10,2025-01-10,A,a,casualties,approx,2000,,,q,d\n"
                           "k1,2025-01-10,2025-01-10,2025-01-10,A,a,killed,approx,500,,,q,d\n"
                           "r1,2025-01-11,2025-01-01,2025-01-10,B,b,rate,approx,92,,,q,d\n"
                           "t,2025-02-01,2025-01-30,2025-01-30,A,a,casualties,approx,4000,,,q,d\n"
                           "tk,2025-02-01,2025-01-30,2025-01-30,A,a,killed,approx,900,,,q,d\n"
                           "tf,2025-02-01,2025-01-30,2025-01-30,A,a,fraction,approx,0.3,,,q,d\n");
    const char *why;

    (void)state;
    att_assert_close(forecast(l, ATT_FC_RATE_FORWARD, "t", &why), 3840.0, 1e-12, 0.0);
    att_assert_close(forecast(l, ATT_FC_RATE_FORWARD, "tk", &why), 960.0, 1e-12, 0.0);
    assert_true(forecast(l, ATT_FC_RATE_FORWARD, "tf", &why) == 0.0);
    assert_string_equal(why, "this baseline scores casualties, killed and wounded only");
    att_ledger_free(l);
}

static void
test_spread_closed_forms(void **state)
{
    /* Errors at h = 0 (mean square m0) and at h = 60 (m60): the optimum
     * has s0^2 = m0 and s0^2 + 2 s1^2 = m60. */
    const double e[] = {0.1, -0.2, 0.3, 0.5, -0.4, 0.6};
    const int32_t h[] = {0, -5, 0, 60, 60, 60};
    double m0 = (0.01 + 0.04 + 0.09) / 3.0, m60 = (0.25 + 0.16 + 0.36) / 3.0;
    att_spread s;

    (void)state;
    att_spread_fit(e, h, 6, &s);
    assert_false(s.fallback);
    assert_int_equal(s.errors, 6);
    att_assert_close(s.s0, sqrt(m0), 1e-7, 0.0);
    att_assert_close(s.s1, sqrt((m60 - m0) / 2.0), 1e-7, 0.0);
    att_assert_close(att_spread_sd(&s, 60), sqrt(m60), 1e-7, 0.0);
    att_assert_close(att_spread_sd(&s, -3), sqrt(m0), 1e-7, 0.0); /* a nowcast: h = 0 */
    /* Errors no larger at the longer horizon: s1 = 0 and s0 their RMS. */
    {
        const double e2[] = {0.3, -0.1, 0.2, -0.2};
        const int32_t h2[] = {0, 10, 30, 90};
        att_spread_fit(e2, h2, 4, &s);
        att_assert_close(s.s0, sqrt((0.09 + 0.01 + 0.04 + 0.04) / 4.0), 1e-7, 0.0);
        assert_true(s.s1 < 1e-4);
    }
    /* Growth with the horizon only (the nowcast errors 0): s0 small,
     * s1^2 = mean of e^2 30 / h. */
    {
        const double e3[] = {0.0, 0.2, -0.4};
        const int32_t h3[] = {0, 30, 120};
        att_spread_fit(e3, h3, 3, &s);
        assert_true(s.s0 < 0.011); /* the floor of s(h) is 0.01 */
        att_assert_close(s.s1, sqrt((0.04 + 0.16 * 30.0 / 120.0) / 2.0), 2e-3, 0.0);
    }
    /* Two errors: the defaults, never the model's sigma. */
    att_spread_fit(e, h, 2, &s);
    assert_true(s.fallback);
    assert_true(s.s0 == 0.3 && s.s1 == 0.15);
}

static void
test_spread_from_own_errors(void **state)
{
    /* Persistence of class a, each stated the day after its as-of day
     * (horizon asof_end - (statement - 1) = 0): errors log(1100/1000),
     * log(1300/1100), log(1200/1300). */
    att_ledger *l =
        ledger("p1,2025-01-02,2025-01-01,2025-01-01,A,a,casualties,approx,1000,,,q,d\n"
               "p2,2025-01-12,2025-01-11,2025-01-11,A,a,casualties,approx,1100,,,q,d\n"
               "p3,2025-01-22,2025-01-21,2025-01-21,A,a,casualties,approx,1300,,,q,d\n"
               "p4,2025-02-01,2025-01-31,2025-01-31,A,a,casualties,approx,1200,,,q,d\n"
               "x,2025-02-02,2025-02-01,2025-02-01,A,a,casualties,at_least,9000,,,q,d\n");
    bool *used = calloc(l->n, sizeof *used), *known = calloc(l->n, sizeof *known);
    double e1 = log(1.1), e2 = log(13.0 / 11.0), e3 = log(12.0 / 13.0);
    att_spread s;
    att_error err;
    int32_t T;

    (void)state;
    assert_int_equal(att_date_parse("2025-02-10", &T, NULL), ATT_OK);
    (void)att_ledger_used(l, T, used);
    assert_int_equal(att_baseline_spread(l, used, ATT_FC_PERSISTENCE, known, &s, &err), ATT_OK);
    /* The bound x is not an error; all at h = 0, so s0 is their RMS and
     * nothing says s1 is more than 0. */
    assert_int_equal(s.errors, 3);
    att_assert_close(s.s0, sqrt((e1 * e1 + e2 * e2 + e3 * e3) / 3.0), 1e-7, 0.0);
    assert_true(s.s1 == 0.0);
    /* The line's errors: p3 from p1 and p2, p4 from p2 and p3; two are
     * too few. */
    assert_int_equal(att_baseline_spread(l, used, ATT_FC_LINEAR, known, &s, &err), ATT_OK);
    assert_int_equal(s.errors, 2);
    assert_true(s.fallback);
    free(used);
    free(known);
    att_ledger_free(l);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_bound_is_not_a_point),
        cmocka_unit_test(test_latest_by_statement_date),
        cmocka_unit_test(test_a_line_within_one_class),
        cmocka_unit_test(test_rate_carried_forward),
        cmocka_unit_test(test_spread_closed_forms),
        cmocka_unit_test(test_spread_from_own_errors),
    };

    gsl_set_error_handler_off();
    return cmocka_run_group_tests_name("baseline", tests, NULL, NULL);
}
