/* test_binomial.c -- the binomial sampler against GSL's pmf: a chi-square
 * goodness-of-fit test per (n, p) on both branches (inversion below a mean
 * of 10, BTRS above) and on both sides of p = 1/2, with a fixed seed, and
 * the edge cases exactly. */
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "att_test.h"
#include "binomial.h"

#define DRAWS 200000

/* Draws DRAWS counts of Binomial(n, p) and returns the p-value of the
 * chi-square test against gsl_ran_binomial_pdf, cells pooled from the left
 * until each expects at least 5 (the last takes the right tail); *mean
 * gets the sample mean. */
static double
chisq_pvalue(uint32_t n, double p, uint32_t key, double *mean)
{
    uint32_t *hist = calloc((size_t)n + 1, sizeof *hist), i;
    att_stream s;
    double stat = 0.0, sum = 0.0, obs = 0.0, expct = 0.0;
    size_t k, cells = 0;

    assert_non_null(hist);
    att_stream_reset(&s, 20241206, 99, key, 0, 0);
    for (i = 0; i < DRAWS; i++) {
        uint32_t x = att_binomial(&s, n, p);
        assert_true(x <= n);
        hist[x]++;
        sum += x;
    }
    for (k = 0; k <= n; k++) {
        double tail = k < n ? DRAWS * gsl_cdf_binomial_Q((unsigned)k, p, (unsigned)n) : 0.0;
        obs += hist[k];
        expct += DRAWS * gsl_ran_binomial_pdf((unsigned)k, p, (unsigned)n);
        if (tail < 5.0) { /* the last cell: everything above k too */
            size_t j;
            for (j = k + 1; j <= n; j++)
                obs += hist[j];
            expct += tail;
            stat += (obs - expct) * (obs - expct) / expct;
            cells++;
            break;
        }
        if (expct >= 5.0) {
            stat += (obs - expct) * (obs - expct) / expct;
            cells++;
            obs = expct = 0.0;
        }
    }
    free(hist);
    *mean = sum / DRAWS;
    assert_true(cells >= 3);
    return gsl_cdf_chisq_Q(stat, (double)(cells - 1));
}

static void
check(uint32_t n, double p, uint32_t key)
{
    double mean, pv = chisq_pvalue(n, p, key, &mean);
    double sd = sqrt(n * p * (1.0 - p) / DRAWS);

    if (pv < 1e-3)
        fail_msg("Binomial(%u, %g): chi-square p-value %g", n, p, pv);
    /* The mean within 5 standard errors of n p. */
    att_assert_close(mean, n * p, 0.0, 5.0 * sd);
}

static void
test_inversion_branch(void **state)
{
    (void)state;
    check(20, 0.1, 1);     /* mean 2 */
    check(1000, 0.005, 2); /* mean 5 */
    check(3000, 0.003, 3); /* mean 9, just below the switch */
    check(30, 0.9, 4);     /* p > 1/2: n minus a count of mean 3 */
}

static void
test_btrs_branch(void **state)
{
    (void)state;
    check(2000, 0.005, 5);  /* mean 10, at the switch */
    check(10000, 0.005, 6); /* the projection's daily casualties */
    check(200, 0.3, 7);
    check(100, 0.8, 8);         /* p > 1/2 through BTRS */
    check(50, 0.5, 9);          /* p = 1/2 exactly */
    check(1000000, 0.0002, 10); /* mean 200, large n */
}

static void
test_edges(void **state)
{
    att_stream s;

    (void)state;
    att_stream_reset(&s, 1, 99, 0, 0, 0);
    assert_int_equal(att_binomial(&s, 0, 0.3), 0);
    assert_int_equal(att_binomial(&s, 100, 0.0), 0);
    assert_int_equal(att_binomial(&s, 100, -1.0), 0);
    assert_int_equal(att_binomial(&s, 100, 1.0), 100);
    assert_int_equal(att_binomial(&s, 100, 1.5), 100);
    assert_int_equal(att_binomial(&s, 4000000000u, 1e-300), 0);
}

/* The same key gives the same counts, whatever other streams drew in
 * between (no hidden state: the projection's reproducibility), and
 * another key other counts. */
static void
test_keyed(void **state)
{
    att_stream a, b, other;
    int i, j, differ = 0;

    (void)state;
    for (i = 0; i < 100; i++) {
        uint32_t xa[5], xb[5], xo[5];
        att_stream_reset(&a, 7, 4, (uint32_t)i, 1, 2);
        att_stream_reset(&b, 7, 4, (uint32_t)i, 1, 2);
        att_stream_reset(&other, 7, 4, (uint32_t)i + 1000, 1, 2);
        for (j = 0; j < 5; j++)
            xa[j] = att_binomial(&a, 5000, 0.01);
        for (j = 0; j < 5; j++) {
            (void)att_binomial(&other, 37, 0.7); /* inversion and BTRS between */
            (void)att_binomial(&other, 200000, 0.3);
            xb[j] = att_binomial(&b, 5000, 0.01);
        }
        att_stream_reset(&other, 7, 4, (uint32_t)i + 1000, 1, 2);
        for (j = 0; j < 5; j++)
            xo[j] = att_binomial(&other, 5000, 0.01);
        assert_memory_equal(xa, xb, sizeof xa);
        differ += memcmp(xa, xo, sizeof xa) != 0;
    }
    assert_true(differ >= 99);
}

/* A probability prepared once draws the same counts as att_binomial,
 * bit for bit, on both branches, on both sides of 1/2 and at the edges. */
static void
test_prepared(void **state)
{
    const double ps[] = {0.0, 1e-6, 0.003, 0.2, 0.5, 0.5000001, 0.8, 0.997, 1.0};
    const uint32_t ns[] = {0, 1, 7, 40, 300, 5000, 120000};
    size_t i, j, key = 0;

    (void)state;
    for (i = 0; i < sizeof ps / sizeof ps[0]; i++) {
        att_binomial_p bp;
        att_binomial_prepare(&bp, ps[i]);
        for (j = 0; j < sizeof ns / sizeof ns[0]; j++) {
            int rep;
            for (rep = 0; rep < 50; rep++, key++) {
                att_stream a, b;
                att_stream_reset(&a, 11, 5, (uint32_t)key, 0, 0);
                att_stream_reset(&b, 11, 5, (uint32_t)key, 0, 0);
                assert_int_equal(att_binomial_prepared(&a, ns[j], &bp),
                                 att_binomial(&b, ns[j], ps[i]));
            }
        }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inversion_branch),
        cmocka_unit_test(test_btrs_branch),
        cmocka_unit_test(test_edges),
        cmocka_unit_test(test_keyed),
        cmocka_unit_test(test_prepared),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
