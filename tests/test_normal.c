/* test_normal.c -- the normal log-CDFs against GSL's CDFs and log erfc,
 * their derivatives against finite differences, and differences of CDFs
 * against direct evaluation where that is accurate. */
#include <float.h>
#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_sf_erf.h>

#include "att_test.h"
#include "emath.h"
#include "normal.h"
#include "vmath.h"

/* The tolerance: 1e-12 relative.  Where the reference is log(P)
 * with P within 1e-4 of 1, log(P) itself is only accurate to about 1e-16
 * absolute, so that much absolute slack is allowed too. */
#define NORMAL_RTOL 1e-12
#define NORMAL_ATOL 1e-16

static void
test_log_ndtr_against_gsl_cdf(void **state)
{
    double z;

    (void)state;
    for (z = -37.0; z <= 37.0; z += 0.0137) {
        double p = gsl_cdf_ugaussian_P(z), q = gsl_cdf_ugaussian_Q(z);
        if (p > 0.0)
            att_assert_close(att_log_ndtr(z), log(p), NORMAL_RTOL, NORMAL_ATOL);
        if (q > 0.0)
            att_assert_close(att_log_ndtr_upper(z), log(q), NORMAL_RTOL, NORMAL_ATOL);
    }
}

static void
test_log_ndtr_far_tail_against_log_erfc(void **state)
{
    double z;

    (void)state;
    for (z = 30.0; z <= 40.0; z += 0.01) {
        double ref = gsl_sf_log_erfc(z / M_SQRT2) - M_LN2;
        att_assert_close(att_log_ndtr(-z), ref, NORMAL_RTOL, 0);
        att_assert_close(att_log_ndtr_upper(z), ref, NORMAL_RTOL, 0);
    }
    /* Nothing underflows to -inf in the range a likelihood can reach. */
    assert_true(isfinite(att_log_ndtr(-1e3)));
    assert_true(att_log_ndtr(-1e3) < -4.9e5);
}

static void
test_derivatives_against_finite_differences(void **state)
{
    double z, h = 1e-5;

    (void)state;
    for (z = -45.0; z <= 30.0; z += 0.731) { /* past -37, where the series takes over */
        double fd = (att_log_ndtr(z + h) - att_log_ndtr(z - h)) / (2 * h);
        att_assert_close(att_dlog_ndtr(z), fd, 1e-7, 1e-9);
    }
}

/* The fused value-and-derivative gives exactly the two separate calls,
 * on both sides of the series' threshold. */
static void
test_log_ndtr_d_matches_separate_calls(void **state)
{
    double z;

    (void)state;
    for (z = -60.0; z <= 60.0; z += 0.173) {
        double d, r = att_log_ndtr_d(z, &d);
        assert_true(r == att_log_ndtr(z));
        assert_true(d == att_dlog_ndtr(z));
    }
}

static void
test_ndtr_diff(void **state)
{
    static const double pairs[][2] = {{-1.3, 0.7},  {0.2, 0.9},   {-2.5, -0.1}, {5.0, 6.0},
                                      {-6.0, -5.0}, {12.0, 12.5}, {-40, -39},   {0.0, 1e-9}};
    size_t i;
    double da, db, h = 1e-6;

    (void)state;
    for (i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        double a = pairs[i][0], b = pairs[i][1];
        double r = att_log_ndtr_diff(a, b, &da, &db), x, y;
        /* Reference: the difference of the tail both are in, from GSL. */
        double ref = a >= 0.0 ? log(gsl_cdf_ugaussian_Q(a) - gsl_cdf_ugaussian_Q(b))
                              : log(gsl_cdf_ugaussian_P(b) - gsl_cdf_ugaussian_P(a));
        if (b - a < 1e-6) /* the CDFs cancel: the integral is width x density */
            ref = log((b - a) * exp(-0.125 * (a + b) * (a + b)) / sqrt(2 * M_PI));
        if (fabs(a) < 30)
            att_assert_close(r, ref, 1e-9, 0);
        else
            assert_true(isfinite(r) && r < -700);
        x = (att_log_ndtr_diff(a + h, b, &da, &db) - att_log_ndtr_diff(a - h, b, &da, &db)) /
            (2 * h);
        y = (att_log_ndtr_diff(a, b + h, &da, &db) - att_log_ndtr_diff(a, b - h, &da, &db)) /
            (2 * h);
        (void)att_log_ndtr_diff(a, b, &da, &db);
        if (b - a > 1e-3) {
            att_assert_close(da, x, 1e-5, 1e-8);
            att_assert_close(db, y, 1e-5, 1e-8);
        }
    }
}

static void
test_log1mexp(void **state)
{
    (void)state;
    att_assert_close(att_log1mexp(-1e-20), log(1e-20), 1e-15, 0);
    att_assert_close(att_log1mexp(-50.0), -exp(-50.0), 1e-15, 0);
    att_assert_close(att_log1mexp(-M_LN2), -M_LN2, 1e-15, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_log_ndtr_against_gsl_cdf),
        cmocka_unit_test(test_log_ndtr_far_tail_against_log_erfc),
        cmocka_unit_test(test_derivatives_against_finite_differences),
        cmocka_unit_test(test_log_ndtr_d_matches_separate_calls),
        cmocka_unit_test(test_ndtr_diff),
        cmocka_unit_test(test_log1mexp),
    };

    gsl_set_error_handler_off();
    return cmocka_run_group_tests_name("normal", tests, NULL, NULL);
}
