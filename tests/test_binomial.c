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
#include "binomial_kernel.h"
#include "emath.h"

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

/* Many draws at once give each stream's att_binomial count, bit for bit,
 * on every path this processor runs: the projection's means (mostly
 * accepted inside the squeeze by the vector loops, some after the
 * acceptance test, some after one or two rejected tries), small means by
 * inversion (p small enough for log1p's series too), p on both sides of
 * 1/2 and at the edges, n = 0; arrays of every length from 1 to past a
 * block, and one of many blocks. */
static void
test_many(void **state)
{
    enum { M = 3000, SHORT = 203 };
    const double ps[] = {0.0,  -0.1, 5e-7, 1e-6,   0.0009, 0.0025, 0.004,
                         0.21, 0.5,  0.62, 0.9991, 1.0,    1.5};
    static uint32_t a[M], b[M], n[M], got[M], want[M];
    static double p[M];
    att_stream s;
    size_t m, j, k, blocks2 = 0;
    int simd, paths = 0;

    (void)state;
    att_stream_reset(&s, 3, 0, 0, 0, 0);
    for (j = 0; j < M; j++) {
        uint32_t u = att_stream_u32(&s);
        a[j] = att_stream_u32(&s);
        b[j] = u % 5;
        n[j] = u % 7 == 0 ? 0 : u % 7 == 1 ? u % 40 : u % 7 == 2 ? 4000000000u : 2000 + u % 40000;
        p[j] = u % 3 == 0 ? ps[(u / 3) % (sizeof ps / sizeof ps[0])]
                          : 0.0005 + 0.004 * att_stream_uniform(&s);
    }
    for (j = 0; j < M; j++) {
        att_stream t;
        att_stream_reset(&t, 20241206, 4, a[j], b[j], 17);
        want[j] = att_binomial(&t, n[j], p[j]);
        blocks2 += t.ctr.v[0] >= 2; /* two tries rejected: a second block */
    }
    assert_true(blocks2 >= 5);
    for (simd = 0; simd < ATT_SIMD_COUNT; simd++) {
        if (!att_simd_supported((att_simd)simd))
            continue;
        paths++;
        for (m = 1; m <= M; m += m < 70 ? 1 : m < SHORT ? 19 : M) {
            int exact;
            for (exact = 0; exact < 2; exact++) {
                memset(got, 0xff, sizeof got);
                (exact ? att_binomial_many_exact : att_binomial_many)((att_simd)simd, 20241206, 4,
                                                                      17, m, a, b, n, p, got);
                for (k = 0; k < m; k++)
                    if (got[k] != want[k])
                        fail_msg("path %s%s, m = %zu: draw %zu (n = %u, p = %g) gave %u, "
                                 "expected %u",
                                 att_simd_name((att_simd)simd), exact ? " (exact)" : "", m, k, n[k],
                                 p[k], got[k], want[k]);
            }
        }
    }
    assert_true(paths >= 2);
}

/* Draws of Binomial(nn, pp) from the streams (seed 20241206, purpose 4,
 * a[j], b, c), j < m, the first found of them (keys that take some path
 * of the draw) and the rest ordinary keys from 2^30 on: on every path
 * this processor runs, att_binomial_many gives att_binomial's counts. */
static void
expect_keys(uint32_t nn, double pp, uint32_t b, uint32_t c, size_t found, size_t m, uint32_t *a)
{
    enum { MAX = 200 };
    uint32_t bb[MAX], n[MAX], want[MAX], got[MAX];
    double p[MAX];
    size_t j;
    int simd;

    assert_true(m <= MAX);
    for (j = 0; j < m; j++) {
        att_stream t;
        a[j] = j < found ? a[j] : (1u << 30) + (uint32_t)j;
        bb[j] = b;
        n[j] = nn;
        p[j] = pp;
        att_stream_reset(&t, 20241206, 4, a[j], b, c);
        want[j] = att_binomial(&t, nn, pp);
    }
    for (simd = 0; simd < ATT_SIMD_COUNT; simd++) {
        if (!att_simd_supported((att_simd)simd))
            continue;
        att_binomial_many((att_simd)simd, 20241206, 4, c, m, a, bb, n, p, got);
        for (j = 0; j < m; j++)
            if (got[j] != want[j])
                fail_msg("path %s: draw %zu (key %u) gave %u, expected %u",
                         att_simd_name((att_simd)simd), j, a[j], got[j], want[j]);
    }
}

/* BTRS's acceptance test as binomial.c takes it: through att_log. */
static int
exact_accept(const btrs_consts *bc, double x, double us, double v)
{
    double lg[BTRS_NLOG];
    int j;

    btrs_log_args(bc, x, us, v, lg);
    for (j = 0; j < BTRS_NLOG; j++)
        lg[j] = att_log(lg[j]);
    return btrs_accept(bc->n, bc->m, x, lg);
}

/* The early verdict (btrs_early) against the test through att_log: on
 * random tries outside the squeeze at means from 10 to 2 10^9 (it leaves
 * about 7 in 10,000 of this mix undecided, most at the largest n), and
 * on tries whose v is placed at the boundary (where the test's two sides
 * meet, by the exact sum) and moved from it by 1 to 4,096 steps of v
 * 2^-53 (about an ulp) and by relative steps of 10^-13 to 10^-2: wherever
 * it decides, it agrees with the exact test; within 12 steps of the
 * boundary it cannot decide.  And btrs_rough_log within its 1.5e-9. */
static void
test_early(void **state)
{
    const double ns[] = {20, 35, 60, 200, 1000, 5000, 30000, 1e6, 4e9};
    att_stream s;
    long tried = 0, undecided = 0, placed = 0, near = 0;
    size_t i;

    (void)state;
    att_stream_reset(&s, 5, 0, 0, 0, 0);
    for (i = 0; i < 100000; i++) {
        double nd = ns[i % (sizeof ns / sizeof ns[0])], p, u, us, v, x, e;
        btrs_consts bc;
        p = BTRS_MIN_MEAN / nd + (0.5 - BTRS_MIN_MEAN / nd) * att_stream_uniform(&s) *
                                     att_stream_uniform(&s) * att_stream_uniform(&s);
        bc = btrs_setup(nd, p);
        u = att_stream_uniform(&s) - 0.5;
        v = att_stream_uniform(&s);
        us = 0.5 - fabs(u);
        x = btrs_count(&bc, u, us);
        if (x < 0.0 || x > nd || (us >= 0.07 && v <= bc.vr))
            continue;
        tried++;
        e = btrs_early(&bc, x, us, v);
        undecided += e == 0.0 && x >= 10.0 && nd - x >= 10.0;
        if (e != 0.0 && (e > 0.0) != exact_accept(&bc, x, us, v))
            fail_msg("n = %g, p = %.17g, u = %.17g, v = %.17g: early %g, exact %d", nd, p, u, v, e,
                     exact_accept(&bc, x, us, v));
        {
            /* v at the boundary: arg0 = v alpha / (a / us^2 + b) = exp(rhs) */
            double lg[BTRS_NLOG], rhs, vb;
            int j, step;
            btrs_log_args(&bc, x, us, v, lg);
            for (j = 1; j < BTRS_NLOG; j++)
                lg[j] = att_log(lg[j]);
            rhs = (bc.m + 0.5) * lg[1] + btrs_stirling_tail(bc.m) + btrs_stirling_tail(nd - bc.m) +
                  (nd + 1.0) * lg[2] + (x + 0.5) * lg[3] - btrs_stirling_tail(x) -
                  btrs_stirling_tail(nd - x);
            vb = att_exp(rhs) * (bc.a / (us * us) + bc.b) / bc.alpha;
            if (!(vb > 1e-300 && vb < 1.0))
                continue;
            placed++;
            for (step = -44; step <= 44; step++) {
                double w, d = step < 0 ? -1.0 : 1.0;
                int k = abs(step);
                if (k <= 24)
                    w = vb + d * ldexp(vb, -53) * (double)(k <= 12 ? k : 1 << (k - 12));
                else
                    w = vb * (1.0 + d * pow(10.0, -13.0 + 11.0 * (k - 25) / 19.0));
                if (!(w > 0.0 && w < 1.0))
                    continue;
                e = btrs_early(&bc, x, us, w);
                near += k <= 12 && e == 0.0;
                if (e != 0.0 && (e > 0.0) != exact_accept(&bc, x, us, w))
                    fail_msg("n = %g, p = %.17g, x = %g, v = %.17g (%d steps from the boundary): "
                             "early %g, exact %d",
                             nd, p, x, w, step, e, exact_accept(&bc, x, us, w));
            }
        }
    }
    /* the rough logarithm's own claim, 1.5e-9 of |log x|, against att_log
     * (within 0.51 ulp) over 2^-100 .. 2^60 and at its seams 3/4 2^k */
    for (i = 0; i < 200000; i++) {
        double x =
            i % 2 ? ldexp(0.75, (int)(i % 160) - 100) * (1.0 + ldexp((double)(i % 97) - 48.0, -52))
                  : exp2(-100.0 + 160.0 * att_stream_uniform(&s));
        double want = att_log(x), got = btrs_rough_log(x);
        if (fabs(got - want) > 1.5e-9 * fabs(want) + 0x1p-60)
            fail_msg("btrs_rough_log(%a) = %.17g, log %.17g", x, got, want);
    }
    assert_true(tried > 30000);
    assert_true(placed > 30000);
    /* every try within 12 ulps of the boundary, both sides, undecided */
    assert_true(near >= 24 * placed * 9 / 10);
    assert_true(undecided * 1000 < tried);
}

/* Draws whose first try the early verdict leaves undecided (about 2 in
 * 100,000 at a mean of 400), found by scanning keys, among ordinary ones:
 * each path gives att_binomial's counts, through the logarithms. */
static void
test_many_undecided(void **state)
{
    enum { M = 100, FEW = 12 };
    const uint32_t nn = 20000;
    const double pp = 0.02;
    const btrs_consts bc = btrs_setup(nn, pp);
    uint32_t a[M];
    size_t j = 0;
    uint32_t key;

    (void)state;
    for (key = 0; j < FEW && key < 1000000u; key++) {
        att_stream t;
        double u, v, us, x;
        att_stream_reset(&t, 20241206, 4, key, 2, 5);
        u = att_stream_uniform(&t) - 0.5;
        v = att_stream_uniform(&t);
        us = 0.5 - fabs(u);
        x = btrs_count(&bc, u, us);
        if (x >= 0.0 && x <= bc.n && !(us >= 0.07 && v <= bc.vr) &&
            btrs_early(&bc, x, us, v) == 0.0)
            a[j++] = key;
    }
    assert_int_equal(j, FEW);
    expect_keys(nn, pp, 2, 5, FEW, M, a);
}

/* Draws that take more than two blocks (four tries rejected, about one in
 * four thousand at a mean of 12), found by scanning keys, among ordinary
 * ones: each path gives att_binomial's counts. */
static void
test_many_long(void **state)
{
    enum { M = 150, LONG = 20 };
    uint32_t a[M];
    size_t j = 0;
    uint32_t key;

    (void)state;
    for (key = 0; j < LONG && key < 4000000u; key++) {
        att_stream t;
        att_stream_reset(&t, 20241206, 4, key, 1, 9);
        (void)att_binomial(&t, 1000, 0.012);
        if (t.ctr.v[0] >= 3)
            a[j++] = key;
    }
    assert_int_equal(j, LONG);
    expect_keys(1000, 0.012, 1, 9, LONG, M, a);
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
        cmocka_unit_test(test_many),
        cmocka_unit_test(test_many_long),
        cmocka_unit_test(test_early),
        cmocka_unit_test(test_many_undecided),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
