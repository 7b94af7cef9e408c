/* test_variates.c -- the normal, gamma and beta variates by their
 * distributions: Kolmogorov-Smirnov against GSL's CDFs at a fixed seed
 * (the statistic below its 0.1% critical value, 1.95 / sqrt(n)), and
 * their means and variances against the closed forms. */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_sort.h>

#include <attrition/att_rng.h>

#include "att_test.h"
#include "variates.h"

#define VA_N 40000

typedef double (*va_cdf)(double x, double a, double b);

static double
va_normal_cdf(double x, double a, double b)
{
    (void)a, (void)b;
    return gsl_cdf_ugaussian_P(x);
}

static double
va_gamma_cdf(double x, double a, double b)
{
    (void)b;
    return gsl_cdf_gamma_P(x, a, 1.0);
}

static double
va_beta_cdf(double x, double a, double b)
{
    return gsl_cdf_beta_P(x, a, b);
}

/* KS statistic of the n sorted draws x against cdf; then mean and
 * variance within 5 standard errors of m and v. */
static void
va_check(double *x, size_t n, va_cdf cdf, double a, double b, double m, double v, const char *what)
{
    double d = 0.0, s = 0.0, ss = 0.0, mean, var;
    size_t i;

    for (i = 0; i < n; i++) {
        s += x[i];
        ss += x[i] * x[i];
    }
    mean = s / (double)n;
    var = ss / (double)n - mean * mean;
    gsl_sort(x, 1, n);
    for (i = 0; i < n; i++) {
        double f = cdf(x[i], a, b), lo = f - (double)i / (double)n,
               hi = (double)(i + 1) / (double)n - f;
        d = fmax(d, fmax(lo, hi));
    }
    if (d > 1.95 / sqrt((double)n))
        fail_msg("%s(%g, %g): KS statistic %g above %g", what, a, b, d, 1.95 / sqrt((double)n));
    if (fabs(mean - m) > 5.0 * sqrt(v / (double)n))
        fail_msg("%s(%g, %g): mean %g, expected %g", what, a, b, mean, m);
    if (fabs(var - v) > 0.1 * v)
        fail_msg("%s(%g, %g): variance %g, expected %g", what, a, b, var, v);
}

static void
test_normal(void **state)
{
    static double x[VA_N];
    gsl_rng *r = att_rng_alloc(1, ATT_RNG_TEST, 0, 0, 0);
    size_t i;

    (void)state;
    for (i = 0; i < VA_N; i++)
        x[i] = att_ran_normal(r);
    va_check(x, VA_N, va_normal_cdf, 0, 0, 0.0, 1.0, "normal");
    gsl_rng_free(r);
}

static void
test_gamma(void **state)
{
    static const double shapes[] = {0.05, 0.5, 1.0, 3.7, 50.0, 2500.0};
    static double x[VA_N];
    gsl_rng *r = att_rng_alloc(2, ATT_RNG_TEST, 0, 0, 0);
    size_t i, k;

    (void)state;
    for (k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
        for (i = 0; i < VA_N; i++)
            x[i] = att_ran_gamma(r, shapes[k]);
        va_check(x, VA_N, va_gamma_cdf, shapes[k], 0, shapes[k], shapes[k], "gamma");
    }
    gsl_rng_free(r);
}

static void
test_beta(void **state)
{
    static const double ab[][2] = {{2.0, 5.0}, {0.5, 0.5}, {3.0, 7.0}, {200.0, 30.0}};
    static double x[VA_N];
    gsl_rng *r = att_rng_alloc(3, ATT_RNG_TEST, 0, 0, 0);
    size_t i, k;

    (void)state;
    for (k = 0; k < sizeof ab / sizeof ab[0]; k++) {
        double a = ab[k][0], b = ab[k][1];
        for (i = 0; i < VA_N; i++)
            x[i] = att_ran_beta(r, a, b);
        va_check(x, VA_N, va_beta_cdf, a, b, a / (a + b),
                 a * b / ((a + b) * (a + b) * (a + b + 1.0)), "beta");
    }
    gsl_rng_free(r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normal),
        cmocka_unit_test(test_gamma),
        cmocka_unit_test(test_beta),
    };

    gsl_set_error_handler_off();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
