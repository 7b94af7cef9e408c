/* test_rng.c -- Philox4x32-10 against Random123's known-answer vectors,
 * stream independence and reproducibility, and uniformity (chi-square). */
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>

#include <attrition/att_rng.h>

#include "att_test.h"

static void
test_known_answers(void **state)
{
    /* Random123 tests/kat_vectors, the three "philox4x32 10" lines:
     * counter[4] key[2] -> result[4]. */
    static const uint32_t kat[3][10] = {
        {0, 0, 0, 0, 0, 0, 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
        {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0x408f276d,
         0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
        {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, 0xd16cfe09,
         0x94fdcceb, 0x5001e420, 0x24126ea1}};
    uint32_t out[4];
    int i, k;

    (void)state;
    for (i = 0; i < 3; i++) {
        att_rng_philox4x32(kat[i], kat[i] + 4, out);
        for (k = 0; k < 4; k++)
            assert_int_equal(out[k], kat[i][6 + k]);
    }
}

static void
test_streams_reproducible_and_distinct(void **state)
{
    gsl_rng *a = att_rng_alloc(7, ATT_RNG_MCMC, 0, 0, 0);
    gsl_rng *b = att_rng_alloc(7, ATT_RNG_MCMC, 1, 0, 0);
    unsigned long x[64], y[64];
    int i, same = 0;

    (void)state;
    for (i = 0; i < 64; i++) {
        x[i] = gsl_rng_get(a);
        y[i] = gsl_rng_get(b);
        same += x[i] == y[i];
    }
    assert_true(same <= 1);
    /* Back to the start of stream 0: the same numbers again. */
    att_rng_reset(b, 7, ATT_RNG_MCMC, 0, 0, 0);
    for (i = 0; i < 64; i++)
        assert_int_equal(gsl_rng_get(b), x[i]);
    /* Another purpose, same indices: other numbers. */
    att_rng_reset(b, 7, ATT_RNG_SCENARIO, 0, 0, 0);
    assert_true(gsl_rng_get(b) != x[0]);
    gsl_rng_free(a);
    gsl_rng_free(b);
}

static void
test_uniformity_chi_square(void **state)
{
    enum { BINS = 64, N = 640000 };
    gsl_rng *r = att_rng_alloc(20250705, ATT_RNG_TEST, 3, 1, 4);
    double counts[BINS] = {0}, chi2 = 0.0, e = (double)N / BINS, lo = 1.0, hi = 0.0;
    int i;

    (void)state;
    for (i = 0; i < N; i++) {
        double u = gsl_rng_uniform_pos(r);
        counts[(int)(u * BINS)]++;
        lo = u < lo ? u : lo;
        hi = u > hi ? u : hi;
    }
    for (i = 0; i < BINS; i++)
        chi2 += (counts[i] - e) * (counts[i] - e) / e;
    /* Upper 0.1% point of chi-square with 63 degrees of freedom. */
    assert_true(chi2 < gsl_cdf_chisq_Qinv(0.001, BINS - 1));
    assert_true(lo > 0.0 && hi < 1.0);
    /* GSL's samplers run on it: the normal's mean and variance. */
    {
        double s = 0, s2 = 0;
        for (i = 0; i < 100000; i++) {
            double z = gsl_ran_gaussian_ziggurat(r, 1.0);
            s += z;
            s2 += z * z;
        }
        att_assert_close(s / 100000, 0.0, 0, 4.0 / sqrt(100000));
        att_assert_close(s2 / 100000, 1.0, 0, 4.0 * sqrt(2.0 / 100000));
    }
    gsl_rng_free(r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_answers),
        cmocka_unit_test(test_streams_reproducible_and_distinct),
        cmocka_unit_test(test_uniformity_chi_square),
    };

    gsl_set_error_handler_off();
    return cmocka_run_group_tests_name("rng", tests, NULL, NULL);
}
