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

/* A straddling pair over arrays (att_vlog_ndtr_diff_straddle, on every
 * path this processor runs; infinite, NaN and subnormal bounds among
 * them) and a pair in one tail (att_vlog_ndtr_diff_tail, from its log Q's
 * and Mills ratios over arrays) give att_log_ndtr_diff's bits, through
 * att_log_ndtr_diff_q too; att_log_ndtr_diff_args sorts pairs as
 * att_log_ndtr_diff_q does. */
static void
test_ndtr_diff_over_arrays(void **state)
{
    enum { NG = 603, N = NG + 8 };
    static const double odd[8][2] = {{-HUGE_VAL, 1.0}, {-1.0, HUGE_VAL},  {-HUGE_VAL, HUGE_VAL},
                                     {NAN, 1.0},       {-1.0, NAN},       {-DBL_MAX, DBL_MAX},
                                     {-45.0, 50.0},    {-0x1p-1074, 2e-3}};
    static const double odd1[8][2] = {{NAN, -0.5},       {-HUGE_VAL, -1.0}, {0.0, HUGE_VAL},
                                      {-0.0, 5.0},       {40.0, 60.0},      {-60.0, -40.0},
                                      {0x1p-1074, 1e-3}, {3.0, 3.0011}};
    static double ab[2 * N], z[2 * N], r[N], tail[2 * N], pdf[2 * N], t[2 * N], lq[2 * N], d[2 * N],
        scr[4 * N];
    static unsigned char up[N];
    double out[2];
    size_t i, nt = 0;
    int s;

    (void)state;
    assert_int_equal(att_log_ndtr_diff_args(0.5, 0.5005, out), ATT_NDTR_NARROW);
    assert_int_equal(att_log_ndtr_diff_args(-0.5, 0.5, out), ATT_NDTR_STRADDLE);
    assert_true(out[0] == -0.5 && out[1] == 0.5);
    assert_int_equal(att_log_ndtr_diff_args(NAN, 0.5, out), ATT_NDTR_STRADDLE);
    assert_int_equal(att_log_ndtr_diff_args(NAN, -0.5, out), ATT_NDTR_TAIL);
    assert_int_equal(att_log_ndtr_diff_args(-3.0, -0.0, out), ATT_NDTR_TAIL);
    assert_true(out[0] == 3.0 && out[1] == 0.0);
    for (i = 0; i < NG; i++) {
        /* |a| and b from 1e-300 to 40, far apart and close, the range
         * at least 2e-3 wide (narrower ones take the midpoint rule) */
        z[2 * i] = -pow(10.0, -300.0 + 301.6 * (double)((i * 37) % NG) / NG);
        z[2 * i + 1] = pow(10.0, -300.0 + 301.6 * (double)((i * 91) % NG) / NG);
        if (z[2 * i + 1] - z[2 * i] < 2e-3)
            z[2 * i + 1] = 2e-3;
    }
    for (i = NG; i < N; i++) {
        z[2 * i] = odd[i - NG][0];
        z[2 * i + 1] = odd[i - NG][1];
    }
    for (s = 0; s < ATT_SIMD_COUNT; s++) {
        if (!att_simd_supported((att_simd)s))
            continue;
        for (i = 0; i < N; i++)
            assert_int_equal(att_log_ndtr_diff_args(z[2 * i], z[2 * i + 1], ab + 2 * i),
                             ATT_NDTR_STRADDLE);
        att_vlog_ndtr_diff_straddle((att_simd)s, N, ab, r, tail, pdf);
        for (i = 0; i < N; i++) {
            double da, db, want = att_log_ndtr_diff(z[2 * i], z[2 * i + 1], &da, &db);
            assert_memory_equal(&r[i], &want, sizeof want);
            assert_memory_equal(&ab[2 * i], &da, sizeof da);
            assert_memory_equal(&ab[2 * i + 1], &db, sizeof db);
            want = att_log_ndtr_diff_q(z[2 * i], z[2 * i + 1], &r[i], &ab[2 * i], &da, &db);
            assert_memory_equal(&r[i], &want, sizeof want);
            assert_memory_equal(&ab[2 * i], &da, sizeof da);
            assert_memory_equal(&ab[2 * i + 1], &db, sizeof db);
        }
    }
    /* Pairs in one tail, both tails, near 0 and far out, close and apart. */
    for (i = 0; i < N; i++) {
        double a = i < NG ? 0.07 * (double)i - 21.0 : odd1[i - NG][0];
        double b = i < NG ? a + 0.013 * (double)(i % 50) + 0.002 : odd1[i - NG][1];
        if (att_log_ndtr_diff_args(a, b, t + 2 * nt) != ATT_NDTR_TAIL)
            continue;
        z[2 * nt] = a;
        z[2 * nt + 1] = b;
        up[nt++] = a >= 0.0;
    }
    assert_true(nt > 500);
    for (s = 0; s < ATT_SIMD_COUNT; s++) {
        if (!att_simd_supported((att_simd)s))
            continue;
        att_vlog_normal_q_mills((att_simd)s, 2 * nt, t, lq, d);
        att_vlog_ndtr_diff_tail((att_simd)s, nt, lq, d, up, r, scr);
        for (i = 0; i < nt; i++) {
            double da, db, want = att_log_ndtr_diff(z[2 * i], z[2 * i + 1], &da, &db);
            if (memcmp(&r[i], &want, sizeof want) != 0 || memcmp(&d[2 * i], &da, sizeof da) != 0 ||
                memcmp(&d[2 * i + 1], &db, sizeof db) != 0)
                fail_msg("path %s, pair (%a, %a): %a %a %a, the scalar function's %a %a %a",
                         att_simd_name((att_simd)s), z[2 * i], z[2 * i + 1], r[i], d[2 * i],
                         d[2 * i + 1], want, da, db);
            want = att_log_ndtr_diff_q(z[2 * i], z[2 * i + 1], &r[i], &d[2 * i], &da, &db);
            assert_memory_equal(&r[i], &want, sizeof want);
            assert_memory_equal(&d[2 * i], &da, sizeof da);
            assert_memory_equal(&d[2 * i + 1], &db, sizeof db);
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
        cmocka_unit_test(test_ndtr_diff_over_arrays),
        cmocka_unit_test(test_log1mexp),
    };

    gsl_set_error_handler_off();
    return cmocka_run_group_tests_name("normal", tests, NULL, NULL);
}
