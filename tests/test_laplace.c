/* test_laplace.c -- the mode and the Laplace covariance against closed
 * forms: a correlated normal (the covariance times the precision is the
 * identity), independent log-gamma coordinates (mode log(a/b), variance
 * 1/a), a support the first steps leave, and a flat direction (no
 * covariance). */
#include <math.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "att_test.h"
#include "laplace.h"

/* A normal in 4 dimensions with precision P = L L' and mean MU, scales
 * from about 0.01 to 5 and strong correlations. */
static const double LOW[16] = {
    100.0, 0.0, 0.0, 0.0, /* */
    -80.0, 3.0, 0.0, 0.0, /* */
    5.0,   1.0, 0.2, 0.0, /* */
    0.0,   2.0, 0.1, 1.5,
};
static const double MU[4] = {0.3, -2.0, 1.0, 4.0};

static void
precision(double *p)
{
    size_t i, j, k;

    for (i = 0; i < 4; i++)
        for (j = 0; j < 4; j++) {
            p[i * 4 + j] = 0.0;
            for (k = 0; k < 4; k++)
                p[i * 4 + j] += LOW[i * 4 + k] * LOW[j * 4 + k];
        }
}

static double
normal_logp(void *ctx, const double *q, double *g)
{
    const double *p = ctx;
    double lp = 0.0;
    size_t i, j;

    for (i = 0; i < 4; i++) {
        g[i] = 0.0;
        for (j = 0; j < 4; j++)
            g[i] -= p[i * 4 + j] * (q[j] - MU[j]);
        lp += 0.5 * (q[i] - MU[i]) * g[i];
    }
    return lp;
}

static void
test_normal(void **state)
{
    double p[16], mode[4], cov[16], start[4] = {0.0, 0.0, 0.0, 0.0};
    nuts_target tg = {4, normal_logp, p};
    bool found;
    att_error err;
    size_t i, j, k;

    (void)state;
    precision(p);
    assert_int_equal(att_laplace(&tg, start, mode, cov, &found, &err), ATT_OK);
    assert_true(found);
    for (i = 0; i < 4; i++)
        att_assert_close(mode[i], MU[i], 0, 1e-6);
    /* cov P = I: the central differences of a linear gradient are exact
     * to rounding. */
    for (i = 0; i < 4; i++)
        for (j = 0; j < 4; j++) {
            double s = 0.0;
            for (k = 0; k < 4; k++)
                s += cov[i * 4 + k] * p[k * 4 + j];
            att_assert_close(s, i == j ? 1.0 : 0.0, 0, 1e-6);
        }
}

/* log p = sum_i a_i x_i - b_i exp(x_i), x_1 < LIMIT (log-gamma
 * coordinates, one bounded): the mode log(a_i / b_i), the variance 1/a_i. */
static const double A[3] = {2.0, 50.0, 400.0}, B[3] = {1.0, 0.5, 4000.0};
#define LIMIT 5.0

static double
gamma_logp(void *ctx, const double *q, double *g)
{
    double lp = 0.0;
    size_t i;

    (void)ctx;
    if (q[1] >= LIMIT)
        return -HUGE_VAL;
    for (i = 0; i < 3; i++) {
        lp += A[i] * q[i] - B[i] * exp(q[i]);
        g[i] = A[i] - B[i] * exp(q[i]);
    }
    return lp;
}

static void
test_log_gamma(void **state)
{
    /* From x_1 = -3 the gradient is about 50: a whole first step lands
     * far outside x_1 < 5, where the density is zero. */
    double mode[3], cov[9], start[3] = {-1.0, -3.0, 0.0};
    nuts_target tg = {3, gamma_logp, NULL};
    bool found;
    att_error err;
    size_t i, j;

    (void)state;
    assert_int_equal(att_laplace(&tg, start, mode, cov, &found, &err), ATT_OK);
    assert_true(found);
    for (i = 0; i < 3; i++) {
        att_assert_close(mode[i], log(A[i] / B[i]), 0, 1e-5 / sqrt(A[i]));
        att_assert_close(cov[i * 3 + i], 1.0 / A[i], 1e-5, 0);
        for (j = 0; j < i; j++)
            att_assert_close(cov[i * 3 + j], 0.0, 0, 1e-8);
    }
}

/* The log-gamma density in coordinate 0 alone: coordinate 1 is flat. */
static double
flat_logp(void *ctx, const double *q, double *g)
{
    (void)ctx;
    g[0] = A[0] - B[0] * exp(q[0]);
    g[1] = 0.0;
    return A[0] * q[0] - B[0] * exp(q[0]);
}

static void
test_flat_direction(void **state)
{
    double mode[2], cov[4], start[2] = {0.0, 1.0};
    nuts_target tg = {2, flat_logp, NULL};
    bool found = true;
    att_error err;

    (void)state;
    assert_int_equal(att_laplace(&tg, start, mode, cov, &found, &err), ATT_OK);
    assert_false(found);
    att_assert_close(mode[0], log(A[0] / B[0]), 0, 1e-5);
}

/* A start where the density is zero: nothing to climb. */
static void
test_start_outside(void **state)
{
    double mode[3], cov[9], start[3] = {0.0, 6.0, 0.0};
    nuts_target tg = {3, gamma_logp, NULL};
    bool found = true;
    att_error err;

    (void)state;
    assert_int_equal(att_laplace(&tg, start, mode, cov, &found, &err), ATT_OK);
    assert_false(found);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normal),
        cmocka_unit_test(test_log_gamma),
        cmocka_unit_test(test_flat_direction),
        cmocka_unit_test(test_start_outside),
    };

    gsl_set_error_handler_off();
    return cmocka_run_group_tests_name("laplace", tests, NULL, NULL);
}
