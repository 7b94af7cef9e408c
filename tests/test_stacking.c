/* test_stacking.c -- stacking weights (att_stacking.h) on made-up
 * forecasters whose optimal weights are known: two exact components of
 * the mixture the data come from get the mixture's weights; a forecaster
 * that is the truth takes (nearly) all the weight from one that is not;
 * a forecaster missing from some reports is weighed on the rest; fewer
 * than 5 reports give equal weights. */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>

#include <attrition/att_stacking.h>

#include "att_test.h"

static double
lnorm(double y, double m)
{
    return -0.5 * log(2.0 * 3.14159265358979323846) - 0.5 * (y - m) * (y - m);
}

/* n data at the mixture's quantiles (i + 1/2)/n: 0.3 N(0, 1) + 0.7 N(3, 1),
 * the CDF inverted by bisection. */
static void
mixture_data(double *y, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        double p = ((double)i + 0.5) / (double)n, lo = -10.0, hi = 13.0;
        int it;
        for (it = 0; it < 100; it++) {
            double mid = 0.5 * (lo + hi);
            double F = 0.3 * gsl_cdf_ugaussian_P(mid) + 0.7 * gsl_cdf_ugaussian_P(mid - 3.0);
            if (F < p)
                lo = mid;
            else
                hi = mid;
        }
        y[i] = 0.5 * (lo + hi);
    }
}

static void
test_mixture_weights_recovered(void **state)
{
    const size_t n = 4000, K = 2;
    double *y = malloc(n * sizeof *y), *lp = malloc(n * K * sizeof *lp), w[2];
    bool *av = malloc(n * K * sizeof *av), fitted;
    att_error err;
    size_t i;

    (void)state;
    mixture_data(y, n);
    for (i = 0; i < n; i++) {
        lp[i * K] = lnorm(y[i], 0.0);
        lp[i * K + 1] = lnorm(y[i], 3.0);
        av[i * K] = av[i * K + 1] = true;
    }
    /* With the components exact, stacking is the maximum-likelihood
     * mixture weight, 0.3 and 0.7 up to the sample's quantisation. */
    assert_int_equal(att_stacking_weights(lp, av, n, K, w, &fitted, &err), ATT_OK);
    assert_true(fitted);
    att_assert_close(w[0], 0.3, 0.0, 0.005);
    att_assert_close(w[0] + w[1], 1.0, 1e-14, 0.0);
    /* The second forecaster missing from every report above 4: the pool
     * there is the first alone, whatever the weights, so only the rest
     * says anything; the weights still sum to 1 and renormalise. */
    for (i = 0; i < n; i++)
        av[i * K + 1] = y[i] <= 4.0;
    assert_int_equal(att_stacking_weights(lp, av, n, K, w, &fitted, &err), ATT_OK);
    att_assert_close(w[0] + w[1], 1.0, 1e-14, 0.0);
    {
        bool only_first[2] = {true, false};
        double r[2];
        assert_true(att_stacking_renormalise(w, only_first, K, r));
        assert_true(r[0] == 1.0 && r[1] == 0.0);
    }
    free(y);
    free(lp);
    free(av);
}

static void
test_the_truth_takes_the_weight(void **state)
{
    /* Data from N(0, 1); forecasters N(0, 1) and N(2, 1): the optimum is on
     * the boundary, all on the first. */
    const size_t n = 500, K = 3;
    double lp[500 * 3], w[3];
    bool av[500 * 3], fitted;
    att_error err;
    size_t i;

    (void)state;
    for (i = 0; i < n; i++) {
        double y = gsl_cdf_ugaussian_Pinv(((double)i + 0.5) / (double)n);
        lp[i * K] = lnorm(y, 0.0);
        lp[i * K + 1] = lnorm(y, 2.0);
        lp[i * K + 2] = -1e3; /* a third never available */
        av[i * K] = av[i * K + 1] = true;
        av[i * K + 2] = false;
    }
    assert_int_equal(att_stacking_weights(lp, av, n, K, w, &fitted, &err), ATT_OK);
    assert_true(w[0] > 0.98);
    assert_true(w[2] == 0.0);
}

static void
test_few_reports_equal_weights(void **state)
{
    double lp[4 * 2] = {-1, -2, -1, -2, -1, -2, -1, -2}, w[2];
    bool av[4 * 2] = {true, true, true, true, true, true, true, true}, fitted = true;
    att_error err;

    (void)state;
    assert_int_equal(att_stacking_weights(lp, av, 4, 2, w, &fitted, &err), ATT_OK);
    assert_false(fitted);
    assert_true(w[0] == 0.5 && w[1] == 0.5);
    assert_int_equal(att_stacking_weights(lp, av, 4, 0, w, &fitted, &err), ATT_EINVAL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mixture_weights_recovered),
        cmocka_unit_test(test_the_truth_takes_the_weight),
        cmocka_unit_test(test_few_reports_equal_weights),
    };

    gsl_set_error_handler_off();
    return cmocka_run_group_tests_name("stacking", tests, NULL, NULL);
}
