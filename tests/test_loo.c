/* test_loo.c -- PSIS-LOO (att_loo.h) against known answers: plain
 * importance sampling when the tail is too short to smooth (the harmonic
 * mean, by hand); the exact leave-one-out predictive of a conjugate normal
 * model from its exact posterior draws; a report the fit leans on
 * flagged with k above 0.7; the generalized Pareto fit recovering the
 * shape and scale it was drawn with.  bench/run --agreement checks the
 * same code against R's loo on the shipped fits. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>

#include <attrition/att_loo.h>

#include "att_test.h"

static double
log_normal_pdf(double y, double m, double sd)
{
    return -0.5 * log(2.0 * 3.14159265358979323846) - log(sd) - 0.5 * (y - m) * (y - m) / (sd * sd);
}

static void
test_short_tail_is_plain_importance_sampling(void **state)
{
    /* S = 10: the tail would be 2 draws, too few to fit, so the weights
     * are 1/p normalised and elpd = -log(mean(1/p)). */
    const double ll[10] = {-1.0, -0.5, -2.0, -1.2, -0.8, -3.0, -0.9, -1.1, -0.7, -1.5};
    double inv = 0.0, lpd = 0.0;
    att_loo l;
    att_error err;
    size_t s;

    (void)state;
    for (s = 0; s < 10; s++) {
        inv += exp(-ll[s]) / 10.0;
        lpd += exp(ll[s]) / 10.0;
    }
    assert_int_equal(att_loo_compute(ll, 10, 1, true, &l, &err), ATT_OK);
    att_assert_close(l.elpd_i[0], -log(inv), 1e-13, 0.0);
    att_assert_close(l.p_loo_i[0], log(lpd) + log(inv), 1e-12, 0.0);
    assert_true(isinf(l.k[0]));
    assert_int_equal(l.n_bad, 1); /* no k: not to be trusted either */
    /* The weights: exp(-ll) normalised. */
    for (s = 0; s < 10; s++)
        att_assert_close(exp(l.lw[s]), exp(-ll[s]) / (10.0 * inv), 1e-12, 0.0);
    att_loo_free(&l);
}

static void
test_conjugate_normal(void **state)
{
    /* y_i ~ N(mu, 1), mu ~ N(0, 10^2): the posterior and each
     * leave-one-out predictive are normal in closed form. */
    const double y[8] = {0.3, -0.4, 1.1, 0.8, -0.2, 0.5, 1.6, 0.1};
    const size_t n = 8, S = 4000;
    double sum = 0.0, prec = 0.01 + (double)n, *ll = malloc(S * n * sizeof *ll), total = 0.0;
    double p_total = 0.0;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    att_loo l;
    att_error err;
    size_t i, s;

    (void)state;
    gsl_rng_set(r, 7);
    for (i = 0; i < n; i++)
        sum += y[i];
    for (s = 0; s < S; s++) {
        double mu = sum / prec + gsl_ran_gaussian(r, 1.0 / sqrt(prec));
        for (i = 0; i < n; i++)
            ll[s * n + i] = log_normal_pdf(y[i], mu, 1.0);
    }
    assert_int_equal(att_loo_compute(ll, S, n, false, &l, &err), ATT_OK);
    for (i = 0; i < n; i++) {
        double p = prec - 1.0, m = (sum - y[i]) / p;
        double exact = log_normal_pdf(y[i], m, sqrt(1.0 + 1.0 / p));
        /* lpd_i, with the whole posterior: N(y_i; sum / prec, 1 + 1 / prec). */
        double lpd = log_normal_pdf(y[i], sum / prec, sqrt(1.0 + 1.0 / prec));
        att_assert_close(l.elpd_i[i], exact, 0.0, 0.01);
        att_assert_close(l.p_loo_i[i], lpd - exact, 0.0, 0.01);
        assert_true(l.k[i] < 0.5);
        total += exact;
        p_total += lpd - exact;
    }
    att_assert_close(l.elpd, total, 0.0, 0.03);
    att_assert_close(l.p_loo, p_total, 0.0, 0.03);
    assert_int_equal(l.n_bad, 0);
    att_loo_free(&l);
    free(ll);
    gsl_rng_free(r);
}

static void
test_an_influential_report_is_flagged(void **state)
{
    /* Seven figures around 0 with sd 1 and one at 3 with sd 0.05: the
     * posterior sits on the last, and without it moves far away. */
    const double y[8] = {0.3, -0.4, 0.6, 0.2, -0.2, 0.5, 0.1, 3.0};
    const double sd[8] = {1, 1, 1, 1, 1, 1, 1, 0.05};
    const size_t n = 8, S = 4000;
    double prec = 0.01, num = 0.0, *ll = malloc(S * n * sizeof *ll);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    att_loo l;
    att_error err;
    size_t i, s;

    (void)state;
    gsl_rng_set(r, 11);
    for (i = 0; i < n; i++) {
        prec += 1.0 / (sd[i] * sd[i]);
        num += y[i] / (sd[i] * sd[i]);
    }
    for (s = 0; s < S; s++) {
        double mu = num / prec + gsl_ran_gaussian(r, 1.0 / sqrt(prec));
        for (i = 0; i < n; i++)
            ll[s * n + i] = log_normal_pdf(y[i], mu, sd[i]);
    }
    assert_int_equal(att_loo_compute(ll, S, n, false, &l, &err), ATT_OK);
    assert_true(l.k[7] > ATT_LOO_K_BAD);
    for (i = 0; i < 7; i++)
        assert_true(l.k[i] <= ATT_LOO_K_BAD);
    assert_int_equal(l.n_bad, 1);
    att_loo_free(&l);
    free(ll);
    gsl_rng_free(r);
}

static void
test_gpd_fit_recovers_its_parameters(void **state)
{
    /* 2,000 exceedances of a GPD(k = 0.3, sigma = 2) by the inverse CDF:
     * the fit (with its pull toward 0.5 from 10 pseudo-draws) returns
     * them within their sampling error. */
    const size_t n = 2000;
    double *x = malloc(n * sizeof *x), *grid = malloc(200 * sizeof *grid), k, sigma;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    size_t i;

    (void)state;
    gsl_rng_set(r, 5);
    for (i = 0; i < n; i++) {
        double u = gsl_rng_uniform_pos(r);
        x[i] = 2.0 * (pow(1.0 - u, -0.3) - 1.0) / 0.3;
    }
    gsl_sort(x, 1, n);
    att_gpd_fit(x, n, &k, &sigma, grid);
    att_assert_close(k, 0.3, 0.0, 0.06);
    att_assert_close(sigma, 2.0, 0.08, 0.0);
    free(x);
    free(grid);
    gsl_rng_free(r);
}

static void
test_constant_ratios_and_bad_input(void **state)
{
    double ll[200];
    att_loo l;
    att_error err;
    size_t s;

    (void)state;
    /* Every draw alike: uniform weights, elpd = lpd, no tail to fit. */
    for (s = 0; s < 200; s++)
        ll[s] = -1.5;
    assert_int_equal(att_loo_compute(ll, 200, 1, true, &l, &err), ATT_OK);
    att_assert_close(l.elpd_i[0], -1.5, 1e-14, 0.0);
    att_assert_close(l.p_loo_i[0], 0.0, 0.0, 1e-14);
    att_assert_close(exp(l.lw[17]), 1.0 / 200.0, 1e-13, 0.0);
    att_loo_free(&l);
    /* One draw of -inf is an infinite ratio: an error, never a NaN. */
    for (s = 0; s < 200; s++)
        ll[s] = -1.5;
    ll[3] = -HUGE_VAL;
    assert_int_equal(att_loo_compute(ll, 200, 1, false, &l, &err), ATT_ERANGE);
    /* A log-likelihood of -inf in every draw cannot be left out. */
    for (s = 0; s < 200; s++)
        ll[s] = -HUGE_VAL;
    assert_int_equal(att_loo_compute(ll, 200, 1, false, &l, &err), ATT_ERANGE);
    assert_int_equal(att_loo_compute(ll, 1, 1, false, &l, &err), ATT_EINVAL);
}

static void
test_difference_by_hand(void **state)
{
    double ea[3] = {-1.0, -2.0, -0.5}, eb[3] = {-1.5, -1.0, -0.5}, diff, se;
    att_loo a = {0}, b = {0};
    att_error err;

    (void)state;
    a.n = b.n = 3;
    a.elpd_i = ea;
    b.elpd_i = eb;
    /* Differences -0.5, 1, 0: sum 0.5, mean 1/6, variance 7/12
     * (n - 1 = 2), se = sqrt(3 x 0.58333). */
    assert_int_equal(att_loo_diff(&a, &b, &diff, &se, &err), ATT_OK);
    att_assert_close(diff, 0.5, 1e-15, 0.0);
    att_assert_close(se, sqrt(3.0 * (4.0 / 9.0 + 25.0 / 36.0 + 1.0 / 36.0) / 2.0), 1e-15, 0.0);
    b.n = 2;
    assert_int_equal(att_loo_diff(&a, &b, &diff, &se, &err), ATT_EINVAL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_short_tail_is_plain_importance_sampling),
        cmocka_unit_test(test_conjugate_normal),
        cmocka_unit_test(test_an_influential_report_is_flagged),
        cmocka_unit_test(test_gpd_fit_recovers_its_parameters),
        cmocka_unit_test(test_constant_ratios_and_bad_input),
        cmocka_unit_test(test_difference_by_hand),
    };

    gsl_set_error_handler_off();
    return cmocka_run_group_tests_name("loo", tests, NULL, NULL);
}
