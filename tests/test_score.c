/* test_score.c -- the scoring rules against hand-computed values and
 * independent computations: the interval score and the WIS of Bracher,
 * Ray, Gneiting and Reich (2021) by hand; the WIS of a point forecast is
 * the absolute error; the range WIS against numerical integration; the
 * mixture's CDF, density and quantiles against GSL's normal. */
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include <attrition/att_mixture.h>
#include <attrition/att_wis.h>

#include "att_test.h"

/* Bracher et al. (2021), equation (1), by hand: the central 80% interval
 * [1, 3] (alpha = 0.2) at y = 4 scores (3 - 1) + (2 / 0.2)(4 - 3) = 12; at
 * y = 2, the width 2; at y = 0.5, 2 + 10 * 0.5 = 7. */
static void
test_interval_score_by_hand(void **state)
{
    (void)state;
    att_assert_close(att_wis_interval_score(1.0, 3.0, 0.2, 4.0), 12.0, 1e-15, 0.0);
    att_assert_close(att_wis_interval_score(1.0, 3.0, 0.2, 2.0), 2.0, 1e-15, 0.0);
    att_assert_close(att_wis_interval_score(1.0, 3.0, 0.2, 0.5), 7.0, 1e-15, 0.0);
    att_assert_close(att_wis_interval_score(-1.0, 1.0, 0.5, 3.0), 2.0 + 4.0 * 2.0, 1e-15, 0.0);
}

/* A WIS as the paper writes it, from the interval scores: (|y - m| / 2 +
 * sum_k alpha_k / 2 IS_alpha_k) / (K + 1/2), K = 11. */
static double
wis_by_hand(const double *q, double y)
{
    static const double alpha[11] = {0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};
    double s = 0.5 * fabs(y - q[11]);
    int k;

    for (k = 0; k < 11; k++) {
        double l = q[k], u = q[22 - k], is = u - l;
        if (y < l)
            is += 2.0 / alpha[k] * (l - y);
        if (y > u)
            is += 2.0 / alpha[k] * (y - u);
        s += alpha[k] / 2.0 * is;
    }
    return s / 11.5;
}

static void
test_wis(void **state)
{
    double q[ATT_WIS_NLEVELS], point[ATT_WIS_NLEVELS];
    int i;

    (void)state;
    /* The levels of the paper's 23-quantile format. */
    att_assert_close(att_wis_levels[0], 0.01, 0.0, 0.0);
    att_assert_close(att_wis_levels[11], 0.5, 0.0, 0.0);
    att_assert_close(att_wis_levels[22], 0.99, 0.0, 0.0);
    for (i = 0; i < ATT_WIS_NLEVELS; i++) {
        q[i] = gsl_cdf_ugaussian_Pinv(att_wis_levels[i]);
        point[i] = 2.0;
    }
    /* A point forecast: the WIS is the absolute error (Bracher et al.,
     * section 2.3): (0.5 e + sum_k (alpha_k / 2)(2 / alpha_k) e) / 11.5 = e. */
    att_assert_close(att_wis(point, 5.0), 3.0, 1e-14, 0.0);
    att_assert_close(att_wis(point, 2.0), 0.0, 0.0, 0.0);
    for (i = -40; i <= 40; i++) {
        double y = 0.1 * i;
        att_assert_close(att_wis(q, y), wis_by_hand(q, y), 1e-14, 1e-15);
    }
    /* The WIS approximates the CRPS from below (Bracher et al., section
     * 2.2: the 23 levels leave out the outer tails); for N(0, 1) at 0 the
     * CRPS is 2 phi(0) - 1/sqrt(pi) = 0.2337. */
    assert_true(att_wis(q, 0.0) < 0.2337 && att_wis(q, 0.0) > 0.9 * 0.2337);
}

/* E WIS(Y), Y uniform on [a, b], against Simpson's rule on 20,001 points. */
static void
test_wis_uniform_against_quadrature(void **state)
{
    static const double ranges[][2] = {
        {-3.0, -2.5}, {-0.3, 0.4}, {0.5, 4.0}, {-5.0, 5.0}, {1.0, 1.0}};
    double q[ATT_WIS_NLEVELS];
    size_t r;
    int i;

    (void)state;
    for (i = 0; i < ATT_WIS_NLEVELS; i++)
        q[i] = 0.3 + 1.7 * gsl_cdf_ugaussian_Pinv(att_wis_levels[i]);
    for (r = 0; r < sizeof ranges / sizeof ranges[0]; r++) {
        double a = ranges[r][0], b = ranges[r][1], h = (b - a) / 20000.0, s = 0.0;
        if (b == a) {
            att_assert_close(att_wis_uniform(q, a, b), att_wis(q, a), 1e-15, 0.0);
            continue;
        }
        for (i = 0; i <= 20000; i++) {
            double w = i == 0 || i == 20000 ? 1.0 : i % 2 ? 4.0 : 2.0;
            s += w * att_wis(q, a + i * h);
        }
        s *= h / 3.0 / (b - a);
        /* The integrand is piecewise linear: Simpson's error is only at
         * the kinks, O(h^2) relative. */
        att_assert_close(att_wis_uniform(q, a, b), s, 1e-7, 1e-9);
    }
}

static void
test_mixture(void **state)
{
    double mu[3] = {0.0, 1.0, -2.0}, sd[3] = {1.0, 0.5, 2.0}, qs[5],
           lv[5] = {0.001, 0.05, 0.5, 0.95, 0.999};
    att_mixture one = {1, mu, sd, 0.0, NULL}, three = {3, mu, sd, 0.0, NULL};
    int i;

    (void)state;
    for (i = -30; i <= 30; i++) {
        double x = 0.5 * i, f = 0.0, d = 0.0;
        int k;
        att_assert_close(att_mixture_cdf(&one, x), gsl_cdf_ugaussian_P(x), 1e-14, 0.0);
        att_assert_close(att_mixture_sf(&one, x), gsl_cdf_ugaussian_Q(x), 1e-14, 0.0);
        for (k = 0; k < 3; k++) {
            f += gsl_cdf_gaussian_P(x - mu[k], sd[k]) / 3.0;
            d += gsl_ran_gaussian_pdf(x - mu[k], sd[k]) / 3.0;
        }
        att_assert_close(att_mixture_cdf(&three, x), f, 1e-13, 1e-300);
        att_assert_close(att_mixture_logpdf(&three, x), log(d), 1e-12, 0.0);
    }
    /* Far in the tail the log density stays finite and right. */
    att_assert_close(att_mixture_logpdf(&one, 60.0), -1800.0 - 0.5 * log(2.0 * 3.14159265358979),
                     1e-12, 0.0);
    att_mixture_quantiles(&one, lv, 5, qs);
    for (i = 0; i < 5; i++)
        att_assert_close(qs[i], gsl_cdf_ugaussian_Pinv(lv[i]), 0.0, 1e-8);
    att_mixture_quantiles(&three, lv, 5, qs);
    for (i = 0; i < 5; i++)
        att_assert_close(att_mixture_cdf(&three, qs[i]), lv[i], 1e-7, 1e-12);
}

/* The masses far in a tail keep their digits (log-CDF differences), and
 * an atom at -infinity (draws whose quantity is 0) shifts the CDF. */
static void
test_tail_masses_and_atom(void **state)
{
    double mu = 0.0, sd = 1.0, q[3], lv[3] = {0.02, 0.5, 0.9};
    att_mixture m = {1, &mu, &sd, 0.0, NULL}, a = {1, &mu, &sd, 0.2, NULL};
    double q10 = gsl_cdf_ugaussian_Q(10.0), q11 = gsl_cdf_ugaussian_Q(11.0);

    (void)state;
    /* P(10 < X <= 11) = Q(10) - Q(11) = 7.6e-24, where 1 - F(10) - Q(11)
     * would be 0. */
    att_assert_close(att_mixture_log_mass(&m, 10.0, 11.0), log(q10 - q11), 1e-12, 0.0);
    att_assert_close(att_mixture_log_sf(&m, 40.0), -804.60844201, 1e-9, 0.0);
    att_assert_close(att_mixture_log_cdf(&m, -40.0), -804.60844201, 1e-9, 0.0);
    att_assert_close(att_mixture_log_cdf(&m, 0.0), log(0.5), 1e-14, 0.0);
    /* With an atom of 0.2: F(x) = 0.2 + 0.8 Phi(x). */
    att_assert_close(att_mixture_cdf(&a, 0.0), 0.6, 1e-15, 0.0);
    att_assert_close(att_mixture_sf(&a, 0.0), 0.4, 1e-15, 0.0);
    att_assert_close(att_mixture_log_cdf(&a, -3.0), log(0.2 + 0.8 * gsl_cdf_ugaussian_P(-3.0)),
                     1e-13, 0.0);
    att_assert_close(att_mixture_logpdf(&a, 1.0), log(0.8 * gsl_ran_ugaussian_pdf(1.0)), 1e-13,
                     0.0);
    att_mixture_quantiles(&a, lv, 3, q);
    assert_true(q[0] == -HUGE_VAL); /* the level is inside the atom */
    att_assert_close(q[1], gsl_cdf_ugaussian_Pinv((0.5 - 0.2) / 0.8), 0.0, 1e-8);
    att_assert_close(q[2], gsl_cdf_ugaussian_Pinv((0.9 - 0.2) / 0.8), 0.0, 1e-8);
}

/* A weighted pool (a linear pool of forecasters): its CDF, tail, masses,
 * density and quantiles against the weighted sums of GSL's normal. */
static void
test_weighted_pool(void **state)
{
    double mu[2] = {0.0, 3.0}, sd[2] = {1.0, 0.5}, w[2] = {0.3, 0.7}, half[2] = {0.5, 0.5};
    att_mixture m = {2, mu, sd, 0.0, w}, e = {2, mu, sd, 0.0, half}, u = {2, mu, sd, 0.0, NULL};
    const double xs[4] = {-2.0, 0.5, 2.7, 5.0};
    double lev[3] = {0.1, 0.5, 0.9}, q[3];
    size_t i;

    (void)state;
    for (i = 0; i < 4; i++) {
        double x = xs[i];
        double F = 0.3 * gsl_cdf_ugaussian_P(x) + 0.7 * gsl_cdf_ugaussian_P((x - 3.0) / 0.5);
        double Q = 0.3 * gsl_cdf_ugaussian_Q(x) + 0.7 * gsl_cdf_ugaussian_Q((x - 3.0) / 0.5);
        double f =
            0.3 * gsl_ran_ugaussian_pdf(x) + 0.7 * gsl_ran_ugaussian_pdf((x - 3.0) / 0.5) / 0.5;
        att_assert_close(att_mixture_cdf(&m, x), F, 1e-13, 0.0);
        att_assert_close(att_mixture_sf(&m, x), Q, 1e-13, 0.0);
        att_assert_close(att_mixture_log_cdf(&m, x), F < 0.5 ? log(F) : log1p(-Q), 1e-12, 1e-15);
        att_assert_close(att_mixture_log_sf(&m, x), Q < 0.5 ? log(Q) : log1p(-F), 1e-12, 1e-15);
        att_assert_close(att_mixture_logpdf(&m, x), log(f), 1e-12, 0.0);
        /* Equal weights given are the unweighted mixture. */
        att_assert_close(att_mixture_cdf(&e, x), att_mixture_cdf(&u, x), 1e-15, 0.0);
        att_assert_close(att_mixture_logpdf(&e, x), att_mixture_logpdf(&u, x), 1e-14, 0.0);
    }
    att_assert_close(att_mixture_log_mass(&m, 0.5, 2.7),
                     log(att_mixture_cdf(&m, 2.7) - att_mixture_cdf(&m, 0.5)), 1e-12, 0.0);
    att_mixture_quantiles(&m, lev, 3, q);
    for (i = 0; i < 3; i++)
        att_assert_close(att_mixture_cdf(&m, q[i]), lev[i], 0.0, 1e-9);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_interval_score_by_hand),         cmocka_unit_test(test_wis),
        cmocka_unit_test(test_wis_uniform_against_quadrature), cmocka_unit_test(test_mixture),
        cmocka_unit_test(test_tail_masses_and_atom),           cmocka_unit_test(test_weighted_pool),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
