/* test_nuts.c -- the sampler on targets with known moments: independent
 * normals of scales 0.05 to 20 (the adapted metric must find them), a
 * strongly correlated bivariate normal, a chain that is the same for
 * the same seed, and a first metric from the mode (laplace.h) where the
 * unit metric does not suit.  Tolerances are 5 Monte Carlo standard errors, computed
 * from batch means (an estimate independent of the diagnostics module). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include <attrition/att_rng.h>

#include "att_test.h"
#include "nuts.h"

#define NUTS_TEST_SEED 8675309UL

typedef struct {
    size_t n;
    const double *sd;
    double rho; /* correlation of coordinates 0 and 1 when n == 2 and rho != 0 */
} gauss;

static double
gauss_logp(void *ctx, const double *q, double *g)
{
    const gauss *t = ctx;
    double lp = 0.0;
    size_t i;

    if (t->rho != 0.0) {
        double r = t->rho, d = 1.0 - r * r, x = q[0], y = q[1];
        g[0] = -(x - r * y) / d;
        g[1] = -(y - r * x) / d;
        return -0.5 * (x * x - 2 * r * x * y + y * y) / d;
    }
    for (i = 0; i < t->n; i++) {
        double z = q[i] / t->sd[i];
        lp -= 0.5 * z * z;
        g[i] = -z / t->sd[i];
    }
    return lp;
}

/* Standard error of the mean of x[0..n) by 40 batch means. */
static double
batch_se(const double *x, size_t n, size_t stride)
{
    size_t nb = 40, len = n / nb, b, i;
    double m = 0.0, v = 0.0, bm[40];

    for (b = 0; b < nb; b++) {
        bm[b] = 0.0;
        for (i = 0; i < len; i++)
            bm[b] += x[(b * len + i) * stride];
        bm[b] /= (double)len;
        m += bm[b] / (double)nb;
    }
    for (b = 0; b < nb; b++)
        v += (bm[b] - m) * (bm[b] - m) / (double)(nb - 1);
    return sqrt(v / (double)nb);
}

static void
test_independent_normals_of_many_scales(void **state)
{
    static const double sd[6] = {0.05, 0.3, 1.0, 2.5, 7.0, 20.0};
    gauss t = {6, sd, 0.0};
    nuts_target tg = {6, gauss_logp, &t};
    nuts_params np = {1000, 4000, 10, 0.8, NUTS_METRIC_DIAG, NULL, false, 0.0, NULL, 0};
    double init[6] = {0.1, -0.2, 0.3, 1.0, -2.0, 5.0}, metric[6], *draws, *sq;
    nuts_stats st;
    att_error err;
    gsl_rng *r = att_rng_alloc(NUTS_TEST_SEED, ATT_RNG_TEST, 0, 0, 0);
    size_t i, k;

    (void)state;
    draws = malloc(np.draws * 6 * sizeof *draws);
    sq = malloc(np.draws * sizeof *sq);
    assert_int_equal(att_nuts_run(&tg, &np, r, init, draws, NULL, metric, &st, &err), ATT_OK);
    assert_int_equal(st.divergent, 0);
    /* The kept draws use the averaged step size, smaller than the last
     * adapted one, so the acceptance lands above the 0.8 target (as in Stan). */
    assert_true(st.mean_accept > 0.75 && st.mean_accept < 0.99);
    for (k = 0; k < 6; k++) {
        double m = 0.0, v = 0.0;
        for (i = 0; i < np.draws; i++) {
            m += draws[i * 6 + k] / (double)np.draws;
            sq[i] = draws[i * 6 + k] * draws[i * 6 + k];
            v += sq[i] / (double)np.draws;
        }
        att_assert_close(m, 0.0, 0, 5 * batch_se(draws + k, np.draws, 6));
        att_assert_close(v, sd[k] * sd[k], 0, 5 * batch_se(sq, np.draws, 1));
        /* The adapted metric is the variance, to within its own noise. */
        att_assert_close(metric[k], sd[k] * sd[k], 0.3, 0);
    }
    free(draws);
    free(sq);
    gsl_rng_free(r);
}

static void
test_correlated_normal(void **state)
{
    gauss t = {2, NULL, 0.95};
    nuts_target tg = {2, gauss_logp, &t};
    nuts_params np = {1000, 6000, 10, 0.8, NUTS_METRIC_DIAG, NULL, false, 0.0, NULL, 0};
    double init[2] = {1.0, -1.0}, *draws, *xy, mx = 0, my = 0, c = 0;
    nuts_stats st;
    att_error err;
    gsl_rng *r = att_rng_alloc(NUTS_TEST_SEED, ATT_RNG_TEST, 1, 0, 0);
    size_t i;

    (void)state;
    draws = malloc(np.draws * 2 * sizeof *draws);
    xy = malloc(np.draws * sizeof *xy);
    assert_int_equal(att_nuts_run(&tg, &np, r, init, draws, NULL, NULL, &st, &err), ATT_OK);
    for (i = 0; i < np.draws; i++) {
        mx += draws[2 * i] / (double)np.draws;
        my += draws[2 * i + 1] / (double)np.draws;
        xy[i] = draws[2 * i] * draws[2 * i + 1];
        c += xy[i] / (double)np.draws;
    }
    att_assert_close(mx, 0.0, 0, 5 * batch_se(draws, np.draws, 2));
    att_assert_close(my, 0.0, 0, 5 * batch_se(draws + 1, np.draws, 2));
    att_assert_close(c, 0.95, 0, 5 * batch_se(xy, np.draws, 1));
    assert_int_equal(st.divergent, 0);
    free(draws);
    free(xy);
    gsl_rng_free(r);
}

static void
test_same_seed_same_chain(void **state)
{
    static const double sd[3] = {1.0, 2.0, 0.5};
    gauss t = {3, sd, 0.0};
    nuts_target tg = {3, gauss_logp, &t};
    nuts_params np = {150, 100, 10, 0.8, NUTS_METRIC_DIAG, NULL, false, 0.0, NULL, 0};
    double init[3] = {0.5, 0.5, 0.5}, a[300], b[300];
    nuts_stats st;
    att_error err;
    gsl_rng *r = att_rng_alloc(99, ATT_RNG_MCMC, 3, 0, 0);

    (void)state;
    assert_int_equal(att_nuts_run(&tg, &np, r, init, a, NULL, NULL, &st, &err), ATT_OK);
    att_rng_reset(r, 99, ATT_RNG_MCMC, 3, 0, 0);
    assert_int_equal(att_nuts_run(&tg, &np, r, init, b, NULL, NULL, &st, &err), ATT_OK);
    assert_memory_equal(a, b, sizeof a);
    att_rng_reset(r, 99, ATT_RNG_MCMC, 4, 0, 0);
    assert_int_equal(att_nuts_run(&tg, &np, r, init, b, NULL, NULL, &st, &err), ATT_OK);
    assert_memory_not_equal(a, b, sizeof a);
    gsl_rng_free(r);
}

/* One chain run whole and in steps of 1, 7, 20 and 1,000 iterations from
 * the same stream: the same draws, divergences, metric and statistics,
 * bit for bit. */
static void
check_steps(const nuts_target *tg, const nuts_params *np, bool laplace)
{
    static const size_t steps[] = {1, 7, 20, 1000};
    double init[3] = {0.5, 0.5, 0.5}, a[300], b[300], ma[3], mb[3];
    unsigned char da[100], db[100];
    nuts_stats sa, sb;
    att_error err;
    gsl_rng *r = att_rng_alloc(99, ATT_RNG_MCMC, 3, 0, 0);
    size_t k, made;

    assert_int_equal(att_nuts_run(tg, np, r, init, a, da, ma, &sa, &err), ATT_OK);
    assert_true(sa.laplace == laplace);
    for (k = 0; k < sizeof steps / sizeof *steps; k++) {
        nuts_chain *ch;
        bool done = false;
        memset(b, 0, sizeof b);
        att_rng_reset(r, 99, ATT_RNG_MCMC, 3, 0, 0);
        assert_int_equal(att_nuts_start(tg, np, r, init, b, db, &ch, &err), ATT_OK);
        for (made = 0; !done; made++)
            assert_int_equal(att_nuts_step(ch, steps[k], &done, &err), ATT_OK);
        assert_int_equal(made, (250 + steps[k] - 1) / steps[k]);
        att_nuts_finish(ch, mb, &sb);
        att_nuts_free(ch);
        assert_memory_equal(a, b, sizeof a);
        assert_memory_equal(da, db, sizeof da);
        assert_memory_equal(ma, mb, sizeof ma);
        assert_int_equal(sa.leapfrogs, sb.leapfrogs);
        assert_int_equal(sa.draws_done, sb.draws_done);
        assert_true(sa.stepsize == sb.stepsize && sa.mean_accept == sb.mean_accept);
        assert_true(sb.dense && sb.laplace == laplace);
    }
    gsl_rng_free(r);
}

/* A chain run in steps (att_fit_run's threads take the chains a step at
 * a time) makes the draws of one run whole, through the warm-up's windows
 * and the end of the adaptation: from the unit metric, and from a first
 * metric (the mode's covariance, which the windows are regularised
 * toward, on scales 400 times apart). */
static void
test_steps_same_chain(void **state)
{
    static const double sd[3] = {1.0, 2.0, 0.5}, wide[3] = {1.0, 20.0, 0.05};
    static const double cov[9] = {1.0, 0.0, 0.0, 0.0, 400.0, 0.0, 0.0, 0.0, 0.0025};
    gauss t = {3, sd, 0.0}, tw = {3, wide, 0.0};
    nuts_target tg = {3, gauss_logp, &t}, tgw = {3, gauss_logp, &tw};
    nuts_params np = {150, 100, 10, 0.8, NUTS_METRIC_DENSE, NULL, false, 0.0, NULL, 0};

    (void)state;
    check_steps(&tg, &np, false);
    np.cov0 = cov;
    check_steps(&tgw, &np, true);
}

/* A normal of covariance SIGMA in 3 dimensions: sds 0.1, 10 and 1,
 * correlations 0.99 (0, 1), 0.5 (0, 2) and 0.45 (1, 2).  PREC is its
 * inverse, by the adjugate. */
static double SIGMA[9], PREC[9];

static void
dense_target_init(void)
{
    static const double sd[3] = {0.1, 10.0, 1.0};
    static const double r[9] = {1.0, 0.99, 0.5, 0.99, 1.0, 0.45, 0.5, 0.45, 1.0};
    const double *a = SIGMA;
    double det;
    size_t i, j;

    for (i = 0; i < 3; i++)
        for (j = 0; j < 3; j++)
            SIGMA[i * 3 + j] = sd[i] * sd[j] * r[i * 3 + j];
    PREC[0] = a[4] * a[8] - a[5] * a[7];
    PREC[1] = a[2] * a[7] - a[1] * a[8];
    PREC[2] = a[1] * a[5] - a[2] * a[4];
    PREC[3] = a[5] * a[6] - a[3] * a[8];
    PREC[4] = a[0] * a[8] - a[2] * a[6];
    PREC[5] = a[2] * a[3] - a[0] * a[5];
    PREC[6] = a[3] * a[7] - a[4] * a[6];
    PREC[7] = a[1] * a[6] - a[0] * a[7];
    PREC[8] = a[0] * a[4] - a[1] * a[3];
    det = a[0] * PREC[0] + a[1] * PREC[3] + a[2] * PREC[6];
    for (i = 0; i < 9; i++)
        PREC[i] /= det;
}

static double
dense_logp(void *ctx, const double *q, double *g)
{
    double lp = 0.0;
    size_t i, j;

    (void)ctx;
    for (i = 0; i < 3; i++) {
        g[i] = 0.0;
        for (j = 0; j < 3; j++)
            g[i] -= PREC[i * 3 + j] * q[j];
        lp += 0.5 * q[i] * g[i];
    }
    return lp;
}

static void
run_dense(int metric, size_t draws, double *out, double *inv_metric, nuts_stats *st)
{
    nuts_target tg = {3, dense_logp, NULL};
    nuts_params np = {1000, draws, 10, 0.8, metric, NULL, false, 0.0, NULL, 0};
    double init[3] = {0.05, -3.0, 0.5};
    gsl_rng *r = att_rng_alloc(NUTS_TEST_SEED, ATT_RNG_TEST, 7, 0, 0);
    att_error err;

    assert_int_equal(att_nuts_run(&tg, &np, r, init, out, NULL, inv_metric, st, &err), ATT_OK);
    gsl_rng_free(r);
}

/* The dense metric (Stan's dense_e) on a normal whose first two
 * coordinates correlate at 0.99 across scales 0.1 and 10: the moments
 * within 5 Monte Carlo standard errors, the adapted inverse metric's
 * diagonal the variances to 30%, and far fewer gradients than the
 * diagonal metric, whose step size the ridge's width limits.  auto
 * turns dense here, and gives the dense chain itself. */
static void
test_dense_metric(void **state)
{
    enum { N = 4000 };
    double *d = malloc(N * 3 * sizeof *d), *e = malloc(N * 3 * sizeof *e),
           *x = malloc(N * sizeof *x);
    double metric[3], m[3] = {0.0, 0.0, 0.0}, c01 = 0.0;
    nuts_stats sd, sg, sa;
    size_t i, k;

    (void)state;
    assert_non_null(d);
    assert_non_null(e);
    assert_non_null(x);
    dense_target_init();
    run_dense(NUTS_METRIC_DENSE, N, d, metric, &sd);
    assert_true(sd.dense);
    assert_int_equal(sd.divergent, 0);
    for (k = 0; k < 3; k++) {
        for (i = 0; i < N; i++)
            m[k] += d[i * 3 + k] / N;
        att_assert_close(m[k], 0.0, 0, 5 * batch_se(d + k, N, 3));
        att_assert_close(metric[k], SIGMA[k * 3 + k], 0.3, 0);
    }
    for (i = 0; i < N; i++) {
        x[i] = d[i * 3] * d[i * 3 + 1];
        c01 += x[i] / N;
    }
    att_assert_close(c01, SIGMA[1], 0, 5 * batch_se(x, N, 1));
    run_dense(NUTS_METRIC_DIAG, N, e, NULL, &sg);
    assert_false(sg.dense);
    assert_true(sg.leapfrogs > 2 * sd.leapfrogs);
    run_dense(NUTS_METRIC_AUTO, N, e, NULL, &sa);
    assert_true(sa.dense);
    assert_memory_equal(d, e, N * 3 * sizeof *d);
    free(d);
    free(e);
    free(x);
}

/* auto on coordinates that do not correlate keeps the diagonal metric,
 * and its bits: the same chain as diag.  So does a first metric from the
 * mode (laplace.h) where the unit metric suits (scales within 10 of 1, no
 * ridge): the unit start's chain, bit for bit.  A ridge (correlation
 * 0.95) in it is taken, dense under auto. */
static void
test_auto_stays_diagonal(void **state)
{
    static const double sdv[3] = {1.0, 2.0, 0.5};
    gauss t = {3, sdv, 0.0};
    nuts_target tg = {3, gauss_logp, &t};
    nuts_params np = {300, 200, 10, 0.8, NUTS_METRIC_DIAG, NULL, false, 0.0, NULL, 0};
    double init[3] = {0.5, -1.0, 0.2}, a[600], b[600];
    double cov0[9] = {1.0, 0.0, 0.0, 0.0, 4.0, 0.0, 0.0, 0.0, 0.25};
    nuts_stats st;
    att_error err;
    gsl_rng *r = att_rng_alloc(NUTS_TEST_SEED, ATT_RNG_TEST, 8, 0, 0);

    (void)state;
    assert_int_equal(att_nuts_run(&tg, &np, r, init, a, NULL, NULL, &st, &err), ATT_OK);
    np.metric = NUTS_METRIC_AUTO;
    att_rng_reset(r, NUTS_TEST_SEED, ATT_RNG_TEST, 8, 0, 0);
    assert_int_equal(att_nuts_run(&tg, &np, r, init, b, NULL, NULL, &st, &err), ATT_OK);
    assert_false(st.dense);
    assert_memory_equal(a, b, sizeof a);
    np.cov0 = cov0;
    att_rng_reset(r, NUTS_TEST_SEED, ATT_RNG_TEST, 8, 0, 0);
    assert_int_equal(att_nuts_run(&tg, &np, r, init, b, NULL, NULL, &st, &err), ATT_OK);
    assert_false(st.laplace);
    assert_memory_equal(a, b, sizeof a);
    /* The gate's edges: a variance of 1/100 (a scale 10 times below 1). */
    cov0[8] = 0.0101;
    att_rng_reset(r, NUTS_TEST_SEED, ATT_RNG_TEST, 8, 0, 0);
    assert_int_equal(att_nuts_run(&tg, &np, r, init, b, NULL, NULL, &st, &err), ATT_OK);
    assert_false(st.laplace);
    assert_memory_equal(a, b, sizeof a);
    cov0[8] = 0.0099;
    att_rng_reset(r, NUTS_TEST_SEED, ATT_RNG_TEST, 8, 0, 0);
    assert_int_equal(att_nuts_run(&tg, &np, r, init, b, NULL, NULL, &st, &err), ATT_OK);
    assert_true(st.laplace);
    cov0[8] = 0.25;
    cov0[0] = 101.0;
    att_rng_reset(r, NUTS_TEST_SEED, ATT_RNG_TEST, 8, 0, 0);
    assert_int_equal(att_nuts_run(&tg, &np, r, init, b, NULL, NULL, &st, &err), ATT_OK);
    assert_true(st.laplace);
    cov0[0] = 1.0;
    cov0[1] = cov0[3] = 0.95 * 1.0 * 2.0;
    np.warmup = 10; /* no window: the first metric is the last */
    att_rng_reset(r, NUTS_TEST_SEED, ATT_RNG_TEST, 8, 0, 0);
    assert_int_equal(att_nuts_run(&tg, &np, r, init, b, NULL, NULL, &st, &err), ATT_OK);
    assert_true(st.laplace);
    assert_true(st.dense);
    gsl_rng_free(r);
}

/* A first metric from the mode's covariance (laplace.h) on normals of
 * scales 0.002 to 3: the unit metric's first iterations take steps of
 * the smallest scale in trees of up to 1,024 of them; the mode's start
 * takes under half the gradients and gives the same moments (5 Monte
 * Carlo standard errors).  Its windows are regularised toward that
 * covariance: the adapted variances within 35% of the true ones (Stan's
 * 1e-3 makes the smallest 13 times too large). */
static void
test_first_metric_from_the_mode(void **state)
{
    enum { N = 2000 };
    static const double sdv[4] = {0.002, 0.05, 1.0, 3.0};
    gauss t = {4, sdv, 0.0};
    nuts_target tg = {4, gauss_logp, &t};
    nuts_params np = {300, N, 10, 0.8, NUTS_METRIC_AUTO, NULL, false, 0.0, NULL, 0};
    double init[4] = {0.5, -1.0, 0.2, 1.0}, cov0[16] = {0}, *d = malloc(N * 4 * sizeof *d),
           *sq = malloc(N * sizeof *sq), im[4];
    nuts_stats su, sl;
    att_error err;
    gsl_rng *r = att_rng_alloc(NUTS_TEST_SEED, ATT_RNG_TEST, 9, 0, 0);
    size_t i, k;

    (void)state;
    assert_non_null(d);
    assert_non_null(sq);
    for (k = 0; k < 4; k++)
        cov0[k * 4 + k] = sdv[k] * sdv[k];
    assert_int_equal(att_nuts_run(&tg, &np, r, init, d, NULL, NULL, &su, &err), ATT_OK);
    assert_false(su.laplace);
    np.cov0 = cov0;
    att_rng_reset(r, NUTS_TEST_SEED, ATT_RNG_TEST, 9, 0, 0);
    assert_int_equal(att_nuts_run(&tg, &np, r, init, d, NULL, im, &sl, &err), ATT_OK);
    assert_true(sl.laplace);
    assert_false(sl.dense);
    assert_true(2 * sl.leapfrogs < su.leapfrogs);
    for (k = 0; k < 4; k++)
        att_assert_close(im[k], sdv[k] * sdv[k], 0.35, 0);
    for (k = 0; k < 4; k++) {
        double m = 0.0, v = 0.0;
        for (i = 0; i < N; i++) {
            m += d[i * 4 + k] / N;
            sq[i] = d[i * 4 + k] * d[i * 4 + k];
            v += sq[i] / N;
        }
        att_assert_close(m, 0.0, 0, 5 * batch_se(d + k, N, 4));
        att_assert_close(v, sdv[k] * sdv[k], 0, 5 * batch_se(sq, N, 1));
    }
    free(d);
    free(sq);
    gsl_rng_free(r);
}

/* A warm start's metric (keep_metric) is kept through the warm-up: the
 * adapted inverse metric is cov0's diagonal, bit for bit, where the
 * windows would have replaced it; the step size still adapts. */
static void
test_warm_metric_kept(void **state)
{
    static const double sdv[3] = {1.0, 2.0, 0.5};
    gauss t = {3, sdv, 0.0};
    nuts_target tg = {3, gauss_logp, &t};
    nuts_params np = {300, 100, 10, 0.8, NUTS_METRIC_DIAG, NULL, true, 0.7, NULL, 0};
    double init[3] = {0.5, -1.0, 0.2}, d[300], metric[3];
    double cov0[9] = {1.3, 0.0, 0.0, 0.0, 3.1, 0.0, 0.0, 0.0, 0.2};
    nuts_stats st;
    att_error err;
    gsl_rng *r = att_rng_alloc(NUTS_TEST_SEED, ATT_RNG_TEST, 11, 0, 0);

    (void)state;
    np.cov0 = cov0;
    assert_int_equal(att_nuts_run(&tg, &np, r, init, d, NULL, metric, &st, &err), ATT_OK);
    assert_false(st.laplace);
    assert_true(metric[0] == 1.3 && metric[1] == 3.1 && metric[2] == 0.2);
    assert_true(st.stepsize != 0.7);
    np.keep_metric = false; /* the windows' estimate replaces it */
    att_rng_reset(r, NUTS_TEST_SEED, ATT_RNG_TEST, 11, 0, 0);
    assert_int_equal(att_nuts_run(&tg, &np, r, init, d, NULL, metric, &st, &err), ATT_OK);
    assert_false(metric[0] == 1.3 && metric[1] == 3.1 && metric[2] == 0.2);
    gsl_rng_free(r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_independent_normals_of_many_scales),
        cmocka_unit_test(test_correlated_normal),
        cmocka_unit_test(test_dense_metric),
        cmocka_unit_test(test_auto_stays_diagonal),
        cmocka_unit_test(test_same_seed_same_chain),
        cmocka_unit_test(test_steps_same_chain),
        cmocka_unit_test(test_first_metric_from_the_mode),
        cmocka_unit_test(test_warm_metric_kept),
    };

    gsl_set_error_handler_off();
    return cmocka_run_group_tests_name("nuts", tests, NULL, NULL);
}
