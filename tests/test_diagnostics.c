/* test_diagnostics.c -- R-hat, ESS, quantiles and MCSE against an
 * independent reference, closed forms and simulate-and-recover runs. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include <attrition/att_diagnostics.h>

#include "att_test.h"
#include "internal.h"

/* C11's NAN is a float constant. */
#define NAN_D ((double)NAN)

/* Agreement with the reference script: both sides compute the same
 * formulas in a different order (FFT against direct sums, GSL's running
 * mean against plain sums), so they agree to rounding, far inside this. */
#define REF_RTOL 1e-10

/* Seeds of the simulate-and-recover runs (printed by the tests).  Their
 * draws were also written out with %.17g and fed to the reference script
 * described above ref_cases, which gave the *_REF values below: a check of
 * the FFT autocovariance at full size against direct sums. */
#define SEED_IID    20250611UL
#define SEED_AR1    4242UL
#define SEED_SHIFT  77UL
#define SEED_SCALED 1013UL

#define IID_RHAT_REF      1.0006829420420031
#define IID_ESS_BULK_REF  3769.1724520425405
#define IID_ESS_TAIL_REF  3974.3587381913085
#define AR1_ESS_BASIC_REF 1013.0286002910369
#define AR1_ESS_BULK_REF  1013.9607075667805
#define SHIFT_RHAT_REF    1.3187004199487267
#define SCALED_RHAT_REF   1.1323066138084947
#define SCALED_RHAT_B_REF 0.9995681000548038

/* --- Inputs shared with the reference script ------------------------- */

/* 64-bit LCG with Knuth's MMIX constants; below(k) takes the top 31 bits
 * mod k.  Every case below is built with exact arithmetic (dyadic
 * fractions, small integers), so C and the script see the same bits. */
typedef struct {
    uint64_t s;
} lcg;

static uint64_t
lcg_below(lcg *g, uint64_t k)
{
    g->s = g->s * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
    return (g->s >> 33) % k;
}

static double
lcg_dyadic(lcg *g, unsigned bits)
{
    const uint64_t one = UINT64_C(1) << bits;
    return (double)lcg_below(g, one) / (double)one;
}

/* A: 4 x 20, AR(1/2) with uniform innovations, chain 3 shifted by 0.75. */
static void
make_case_a(double *x)
{
    lcg g = {20250611};
    size_t c, i;

    for (c = 0; c < 4; c++) {
        double v = 0.0;
        for (i = 0; i < 20; i++) {
            double u = lcg_dyadic(&g, 20);
            v = 0.5 * v + (u - 0.5) + (c == 3 ? 0.75 : 0.0);
            x[c * 20 + i] = v;
        }
    }
}

/* B: 3 x 21 (odd: the middle draws are left out), integer random walks
 * with steps -2..2: many ties. */
static void
make_case_b(double *x)
{
    lcg g = {7919};
    size_t c, i;

    for (c = 0; c < 3; c++) {
        double v = 0.0;
        for (i = 0; i < 21; i++) {
            v = v + (double)lcg_below(&g, 5) - 2.0;
            x[c * 21 + i] = v;
        }
    }
}

/* m x n antithetic draws: alternating sign, magnitudes in [1, 2). */
static void
make_alternating(double *x, uint64_t seed, size_t m, size_t n)
{
    lcg g = {seed};
    size_t c, i;

    for (c = 0; c < m; c++)
        for (i = 0; i < n; i++) {
            double u = lcg_dyadic(&g, 10);
            x[c * n + i] = (1.0 + u) * (i % 2 == 0 ? 1.0 : -1.0);
        }
}

/* C: 2 x 30 antithetic draws: the bulk-ESS cap applies. */
static void
make_case_c(double *x)
{
    make_alternating(x, 104729, 2, 30);
}

/* E: 2 x 201 sticky chains (a new uniform with probability 1/10, chain 1
 * shifted by 0.25): long autocorrelation, runs of ties, Geyer truncation
 * and monotone corrections. */
static void
make_case_e(double *x)
{
    lcg g = {2718281828};
    size_t c, i;

    for (c = 0; c < 2; c++) {
        double v = lcg_dyadic(&g, 20);
        for (i = 0; i < 201; i++) {
            if (lcg_below(&g, 10) == 0)
                v = lcg_dyadic(&g, 20) + 0.25 * (double)c;
            x[c * 201 + i] = v;
        }
    }
}

/* Expected values come from an independent Python 3 script (standard
 * library only) that follows posterior's R/convergence.R line by line:
 * split chains, average ranks, Blom's z = Phi^-1((r - 3/8) / (S + 1/4))
 * with statistics.NormalDist.inv_cdf, direct O(N^2) biased
 * autocovariances, Geyer's sequences and the S log10(S) cap, type-7
 * quantiles, and for mcse_quantile a regularised incomplete beta
 * (continued fraction) inverted by bisection.  It generates the same
 * inputs with the same LCG; values printed with repr(). */
typedef struct {
    const char *name;
    void (*make)(double *x);
    size_t m, n;
    double rhat, rhat_basic, ess_bulk, ess_basic, ess_q05, ess_q95, ess_tail;
    double q05, q50, q95, mean, sd;
    double mcse_q05, mcse_q50, mcse_q95;
    double ess_q0, ess_q100; /* ESS of the quantiles at prob 0 and 1 */
    unsigned flags;
} ref_case;

static const ref_case ref_cases[] = {
    {.name = "A",
     .make = make_case_a,
     .m = 4,
     .n = 20,
     .rhat = 1.6342000505928294,
     .rhat_basic = 2.3316316768181653,
     .ess_bulk = 10.680986590096682,
     .ess_basic = 8.152697353576205,
     .ess_q05 = 63.02684476721565,
     .ess_q95 = 111.57702825888792,
     .ess_tail = 63.02684476721565,
     .q05 = -0.5427351184072904,
     .q50 = 0.10176391466848145,
     .q95 = 1.681428699857497,
     .mean = 0.2993454235265972,
     .sd = 0.7193332654580736,
     .mcse_q05 = 0.06161720523959957,
     .mcse_q50 = 0.18390155318411416,
     .mcse_q95 = 0.08232611400308087,
     .ess_q0 = 102.56410256410253,
     .ess_q100 = 102.56410256410253,
     .flags = 0},
    {.name = "B",
     .make = make_case_b,
     .m = 3,
     .n = 21,
     .rhat = 1.6173146614882632,
     .rhat_basic = 1.6183313217969562,
     .ess_bulk = 7.604321341705377,
     .ess_basic = 7.598306032453004,
     .ess_q05 = 17.05559906029757,
     .ess_q95 = 76.9230769230769,
     .ess_tail = 17.05559906029757,
     .q05 = -8.0,
     .q50 = -3.0,
     .q95 = 2.0,
     .mean = -3.0476190476190474,
     .sd = 3.225045993313301,
     .mcse_q05 = 1.0,
     .mcse_q50 = 1.0,
     .mcse_q95 = 0.0,
     .ess_q0 = 61.224489795918366,
     .ess_q100 = 76.9230769230769,
     .flags = 0},
    {.name = "C",
     .make = make_case_c,
     .m = 2,
     .n = 30,
     .rhat = 0.9828231570175004,
     .rhat_basic = 0.9742805283258945,
     .ess_bulk = 106.68907502301862,
     .ess_basic = 106.68907502301862,
     .ess_q05 = 74.56647398843927,
     .ess_q95 = 74.56647398843931,
     .ess_tail = 74.56647398843927,
     .q05 = -1.881787109375,
     .q50 = 0.04736328125,
     .q95 = 1.8919921875,
     .mean = 0.044091796875,
     .sd = 1.556129725070019,
     .mcse_q05 = 0.0849609375,
     .mcse_q50 = 1.11669921875,
     .mcse_q95 = 0.0263671875,
     .ess_q0 = 60.53811659192826,
     .ess_q100 = 69.94818652849742,
     .flags = ATT_DIAG_BULK_CAPPED},
    {.name = "E",
     .make = make_case_e,
     .m = 2,
     .n = 201,
     .rhat = 1.3295862800173612,
     .rhat_basic = 1.2090743506236847,
     .ess_bulk = 5.265661687978414,
     .ess_basic = 7.651920052103651,
     .ess_q05 = 3.6349879594014505,
     .ess_q95 = 36.17678557875824,
     .ess_tail = 3.6349879594014505,
     .q05 = 0.013119697570800781,
     .q50 = 0.3252534866333008,
     .q95 = 0.9874467849731445,
     .mean = 0.39203240503719194,
     .sd = 0.3114708999375483,
     .mcse_q05 = 0.15118885040283203,
     .mcse_q50 = 0.004878044128417969,
     .mcse_q95 = 0.0610198974609375,
     .ess_q0 = 3.6349879594014505,
     .ess_q100 = NAN_D, /* the maximum is tied: I(x <= q) is constant */
     .flags = 0},
};

/* --- Fixtures -------------------------------------------------------- */

typedef struct {
    const ref_case *ref; /* the reference case, or NULL */
    att_diag_workspace *w;
    double *x; /* m chains of n draws */
    size_t m, n;
} fixture;

static int
fixture_new(void **state, size_t m, size_t n)
{
    fixture *f = calloc(1, sizeof *f);
    att_error err;

    if (f == NULL)
        return -1;
    f->m = m;
    f->n = n;
    f->x = calloc(m * n, sizeof *f->x);
    f->w = att_diag_alloc(m, n, &err);
    *state = f;
    return f->x != NULL && f->w != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
    fixture *f = *state;

    if (f != NULL) {
        att_diag_free(f->w);
        free(f->x);
        free(f);
    }
    return 0;
}

/* Prestate: the ref_case to build. */
static int
setup_ref(void **state)
{
    const ref_case *rc = *state;
    int rc_setup = fixture_new(state, rc->m, rc->n);

    if (rc_setup == 0) {
        fixture *f = *state;
        f->ref = rc;
        rc->make(f->x);
    }
    return rc_setup;
}

/* m chains of n iid standard normal draws from MT19937 seeded with seed. */
static int
setup_normal(void **state, size_t m, size_t n, unsigned long seed)
{
    gsl_rng *r;
    fixture *f;
    size_t k;

    if (fixture_new(state, m, n) != 0)
        return -1;
    f = *state;
    r = gsl_rng_alloc(gsl_rng_mt19937);
    if (r == NULL)
        return -1;
    gsl_rng_set(r, seed);
    for (k = 0; k < m * n; k++)
        f->x[k] = gsl_ran_ugaussian(r);
    gsl_rng_free(r);
    return 0;
}

static int
setup_iid(void **state)
{
    return setup_normal(state, 4, 1000, SEED_IID);
}

static int
setup_shift(void **state)
{
    return setup_normal(state, 4, 1000, SEED_SHIFT);
}

static int
setup_scaled(void **state)
{
    return setup_normal(state, 4, 1000, SEED_SCALED);
}

/* AR(1) chains x_t = rho x_{t-1} + e_t, e_t ~ N(0, 1), started from the
 * stationary law N(0, 1 / (1 - rho^2)). */
#define AR1_RHO 0.9

static int
setup_ar1(void **state)
{
    fixture *f;
    gsl_rng *r;
    size_t c, i;

    if (fixture_new(state, 4, 5000) != 0)
        return -1;
    f = *state;
    r = gsl_rng_alloc(gsl_rng_mt19937);
    if (r == NULL)
        return -1;
    gsl_rng_set(r, SEED_AR1);
    for (c = 0; c < f->m; c++) {
        double v = gsl_ran_ugaussian(r) / sqrt(1.0 - AR1_RHO * AR1_RHO);
        for (i = 0; i < f->n; i++) {
            v = AR1_RHO * v + gsl_ran_ugaussian(r);
            f->x[c * f->n + i] = v;
        }
    }
    gsl_rng_free(r);
    return 0;
}

/* --- Tests ----------------------------------------------------------- */

static void
test_alloc_rejects_bad_sizes(void **state)
{
    att_error err;

    (void)state;
    att_error_clear(&err);
    assert_null(att_diag_alloc(4, ATT_DIAG_MIN_DRAWS - 1, &err));
    assert_int_equal(err.code, ATT_EINVAL);
    assert_non_null(strstr(err.msg, "n_draws: expected at least 4 draws per chain, found 3"));

    att_error_clear(&err);
    assert_null(att_diag_alloc(0, 100, &err));
    assert_int_equal(err.code, ATT_EINVAL);
    assert_non_null(strstr(err.msg, "n_chains"));

    /* Sizes whose product overflows are refused before any allocation. */
    att_error_clear(&err);
    assert_null(att_diag_alloc(SIZE_MAX / 2, 8, &err));
    assert_int_equal(err.code, ATT_ENOMEM);
    assert_non_null(strstr(err.msg, "too many draws"));

    assert_null(att_diag_alloc(1, 0, NULL)); /* err may be NULL */
    att_diag_free(NULL);
}

static void
test_nonfinite_draw_is_an_error(void **state)
{
    fixture *f = *state;
    att_diag_summary s;
    att_error err;
    double out = 123.0, q = 456.0, p = 0.5;

    f->x[1 * f->n + 5] = NAN_D;
    memset(&s, 0, sizeof s);
    s.rhat = 42.0;
    att_error_clear(&err);
    assert_int_equal(att_diag_summarise(f->w, f->x, &s, &err), ATT_EDATA);
    assert_string_equal(err.msg, "draws: draw 5 of chain 1 (0-based) is nan; draws must be finite");
    assert_true(s.rhat == 42.0); /* untouched on error */

    f->x[1 * f->n + 5] = 0.0;
    f->x[3 * f->n + 19] = -HUGE_VAL;
    assert_int_equal(att_diag_rhat(f->w, f->x, &out, &err), ATT_EDATA);
    assert_non_null(strstr(err.msg, "draw 19 of chain 3"));
    assert_int_equal(att_diag_rhat_basic(f->w, f->x, &out, NULL), ATT_EDATA);
    assert_int_equal(att_diag_ess_bulk(f->w, f->x, &out, NULL), ATT_EDATA);
    assert_int_equal(att_diag_ess_tail(f->w, f->x, &out, NULL), ATT_EDATA);
    assert_int_equal(att_diag_ess_basic(f->w, f->x, &out, NULL), ATT_EDATA);
    assert_int_equal(att_diag_ess_quantile(f->w, f->x, 0.3, &out, NULL), ATT_EDATA);
    assert_int_equal(att_diag_mcse_quantile(f->w, f->x, 0.3, &out, NULL), ATT_EDATA);
    assert_int_equal(att_diag_quantiles(f->w, f->x, &p, 1, &q, NULL), ATT_EDATA);
    assert_true(out == 123.0);
    assert_true(q == 456.0);
}

static void
test_bad_probability(void **state)
{
    fixture *f = *state;
    const double probs[] = {0.25, 1.0 + 1e-12};
    double q[2] = {7.0, 7.0}, out = 7.0;
    att_error err;

    att_error_clear(&err);
    assert_int_equal(att_diag_quantiles(f->w, f->x, probs, 2, q, &err), ATT_EINVAL);
    assert_non_null(strstr(err.msg, "prob: expected a probability in [0, 1], found 1"));
    assert_true(q[0] == 7.0);
    assert_int_equal(att_diag_ess_quantile(f->w, f->x, -0.01, &out, &err), ATT_EINVAL);
    assert_int_equal(att_diag_mcse_quantile(f->w, f->x, NAN_D, &out, &err), ATT_EINVAL);
    assert_non_null(strstr(err.msg, "found nan"));
    assert_true(out == 7.0);
}

static void
test_matches_reference(void **state)
{
    const fixture *f = *state;
    const ref_case *r = f->ref;
    att_diag_summary s;
    double v;

    print_message("reference case %s: %zu chains x %zu draws\n", r->name, f->m, f->n);
    assert_int_equal(att_diag_summarise(f->w, f->x, &s, NULL), ATT_OK);
    att_assert_close(s.rhat, r->rhat, REF_RTOL, 0.0);
    att_assert_close(s.ess_bulk, r->ess_bulk, REF_RTOL, 0.0);
    att_assert_close(s.ess_tail, r->ess_tail, REF_RTOL, 0.0);
    att_assert_close(s.q05, r->q05, REF_RTOL, 0.0);
    att_assert_close(s.q50, r->q50, REF_RTOL, 0.0);
    att_assert_close(s.q95, r->q95, REF_RTOL, 0.0);
    att_assert_close(s.mean, r->mean, REF_RTOL, 0.0);
    att_assert_close(s.sd, r->sd, REF_RTOL, 0.0);
    assert_int_equal(s.flags, r->flags);

    /* The single-purpose functions give the summary's numbers bit for bit,
     * whatever the workspace held before. */
    assert_int_equal(att_diag_ess_tail(f->w, f->x, &v, NULL), ATT_OK);
    assert_true(v == s.ess_tail);
    assert_int_equal(att_diag_rhat(f->w, f->x, &v, NULL), ATT_OK);
    assert_true(v == s.rhat);
    assert_int_equal(att_diag_ess_bulk(f->w, f->x, &v, NULL), ATT_OK);
    assert_true(v == s.ess_bulk);

    assert_int_equal(att_diag_rhat_basic(f->w, f->x, &v, NULL), ATT_OK);
    att_assert_close(v, r->rhat_basic, REF_RTOL, 0.0);
    assert_int_equal(att_diag_ess_basic(f->w, f->x, &v, NULL), ATT_OK);
    att_assert_close(v, r->ess_basic, REF_RTOL, 0.0);
    assert_int_equal(att_diag_ess_quantile(f->w, f->x, 0.05, &v, NULL), ATT_OK);
    att_assert_close(v, r->ess_q05, REF_RTOL, 0.0);
    assert_int_equal(att_diag_ess_quantile(f->w, f->x, 0.95, &v, NULL), ATT_OK);
    att_assert_close(v, r->ess_q95, REF_RTOL, 0.0);
    assert_int_equal(att_diag_mcse_quantile(f->w, f->x, 0.05, &v, NULL), ATT_OK);
    att_assert_close(v, r->mcse_q05, REF_RTOL, 0.0);
    assert_int_equal(att_diag_mcse_quantile(f->w, f->x, 0.5, &v, NULL), ATT_OK);
    att_assert_close(v, r->mcse_q50, REF_RTOL, 0.0);
    assert_int_equal(att_diag_mcse_quantile(f->w, f->x, 0.95, &v, NULL), ATT_OK);
    att_assert_close(v, r->mcse_q95, REF_RTOL, 0.0);
    assert_int_equal(att_diag_ess_quantile(f->w, f->x, 0.0, &v, NULL), ATT_OK);
    att_assert_close(v, r->ess_q0, REF_RTOL, 0.0);
    assert_int_equal(att_diag_ess_quantile(f->w, f->x, 1.0, &v, NULL), ATT_OK);
    if (isnan(r->ess_q100))
        assert_true(isnan(v));
    else
        att_assert_close(v, r->ess_q100, REF_RTOL, 0.0);
}

static void
test_quantiles_by_hand(void **state)
{
    /* Sorted: -1.3 -0.8 0.4 0.4 1.6 2.7 3.1 5.9 (S = 8).  Type 7 puts p at
     * h = 7p: p = 0.05 -> h 0.35: -1.3 + 0.35 * 0.5 = -1.125; p = 0.25 ->
     * h 1.75: -0.8 + 0.75 * 1.2 = 0.1; p = 0.5 -> h 3.5: 0.4 + 0.5 * 1.2
     * = 1.0; p = 3/7 -> h 3: 0.4 exactly (the tie); p = 0.95 -> h 6.65:
     * 3.1 + 0.65 * 2.8 = 4.92; p = 0 and 1 give the extremes. */
    const double x[] = {2.7, -1.3, 0.4, 5.9, 3.1, 0.4, -0.8, 1.6};
    const double probs[] = {0.05, 0.25, 0.5, 3.0 / 7.0, 0.95, 0.0, 1.0};
    const double expect[] = {-1.125, 0.1, 1.0, 0.4, 4.92, -1.3, 5.9};
    double q[7];
    att_diag_workspace *w;
    size_t k;

    (void)state;
    w = att_diag_alloc(2, 4, NULL);
    assert_non_null(w);
    assert_int_equal(att_diag_quantiles(w, x, probs, 7, q, NULL), ATT_OK);
    att_diag_free(w);
    for (k = 0; k < 7; k++)
        att_assert_close(q[k], expect[k], 1e-14, 1e-15);
}

static void
test_iid_normal(void **state)
{
    const fixture *f = *state;
    const double s = (double)(f->m * f->n);
    /* Asymptotic sd of the 5% quantile of S iid N(0, 1) draws:
     * sqrt(p (1 - p) / S) / phi(Phi^-1(p)). */
    const double z05 = -1.6448536269514722;
    const double mcse05 = sqrt(0.05 * 0.95 / s) / (exp(-0.5 * z05 * z05) / sqrt(2.0 * M_PI));
    att_diag_summary sum;
    double mcse;

    print_message("iid N(0,1), 4 x 1000, MT19937 seed %lu\n", SEED_IID);
    assert_int_equal(att_diag_summarise(f->w, f->x, &sum, NULL), ATT_OK);
    print_message("rhat %.5f ess_bulk %.1f ess_tail %.1f\n", sum.rhat, sum.ess_bulk, sum.ess_tail);
    assert_true(sum.rhat < 1.01);
    assert_true(sum.rhat > 0.99);
    att_assert_close(sum.ess_bulk, s, 0.15, 0.0);
    att_assert_close(sum.ess_tail, s, 0.25, 0.0);
    att_assert_close(sum.mean, 0.0, 0.0, 4.0 / sqrt(s));
    att_assert_close(sum.sd, 1.0, 0.05, 0.0);
    att_assert_close(sum.q05, z05, 0.0, 4.0 * mcse05);
    att_assert_close(sum.q95, -z05, 0.0, 4.0 * mcse05);
    assert_int_equal(sum.flags, 0);
    att_assert_close(sum.rhat, IID_RHAT_REF, REF_RTOL, 0.0);
    att_assert_close(sum.ess_bulk, IID_ESS_BULK_REF, REF_RTOL, 0.0);
    att_assert_close(sum.ess_tail, IID_ESS_TAIL_REF, REF_RTOL, 0.0);

    /* The MCSE is half the spread of about 28 order statistics near q05,
     * a sum of spacings with a sampling sd near 1/sqrt(28) = 19%: hence
     * the wide tolerance (this seed gives -28%). */
    assert_int_equal(att_diag_mcse_quantile(f->w, f->x, 0.05, &mcse, NULL), ATT_OK);
    print_message("mcse_q05 %.5f (asymptotic %.5f)\n", mcse, mcse05);
    att_assert_close(mcse, mcse05, 0.5, 0.0);
}

static void
test_ar1_ess(void **state)
{
    const fixture *f = *state;
    const double s = (double)(f->m * f->n);
    /* The integrated autocorrelation time of AR(1) is (1 + rho) / (1 - rho). */
    const double expect = s * (1.0 - AR1_RHO) / (1.0 + AR1_RHO);
    double ess_basic, ess_bulk;

    assert_int_equal(att_diag_ess_basic(f->w, f->x, &ess_basic, NULL), ATT_OK);
    assert_int_equal(att_diag_ess_bulk(f->w, f->x, &ess_bulk, NULL), ATT_OK);
    print_message("AR(1) rho 0.9, 4 x 5000, MT19937 seed %lu: ess_basic %.1f ess_bulk %.1f "
                  "(theory %.1f)\n",
                  SEED_AR1, ess_basic, ess_bulk, expect);
    att_assert_close(ess_basic, expect, 0.15, 0.0);
    att_assert_close(ess_bulk, expect, 0.15, 0.0);
    att_assert_close(ess_basic, AR1_ESS_BASIC_REF, REF_RTOL, 0.0);
    att_assert_close(ess_bulk, AR1_ESS_BULK_REF, REF_RTOL, 0.0);
}

static void
test_shifted_chain(void **state)
{
    const fixture *f = *state;
    double rhat;
    size_t i;

    assert_int_equal(att_diag_rhat(f->w, f->x, &rhat, NULL), ATT_OK);
    assert_true(rhat < 1.01);
    for (i = 0; i < f->n; i++)
        f->x[2 * f->n + i] += 2.0; /* chain 2 is 2 sd off */
    assert_int_equal(att_diag_rhat(f->w, f->x, &rhat, NULL), ATT_OK);
    print_message("one chain shifted by 2 sd, seed %lu: rhat %.4f\n", SEED_SHIFT, rhat);
    assert_true(rhat > 1.1);
    att_assert_close(rhat, SHIFT_RHAT_REF, REF_RTOL, 0.0);
}

static void
test_scaled_chain(void **state)
{
    const fixture *f = *state;
    double rhat, rhat_basic;
    size_t i;

    for (i = 0; i < f->n; i++)
        f->x[3 * f->n + i] *= 3.0; /* chain 3 is 3 times wider, same centre */
    assert_int_equal(att_diag_rhat(f->w, f->x, &rhat, NULL), ATT_OK);
    assert_int_equal(att_diag_rhat_basic(f->w, f->x, &rhat_basic, NULL), ATT_OK);
    print_message("one chain scaled by 3, seed %lu: rhat %.4f rhat_basic %.4f\n", SEED_SCALED, rhat,
                  rhat_basic);
    /* Location-based split-R-hat misses it; the folded draws catch it. */
    assert_true(rhat_basic < 1.02);
    assert_true(rhat > 1.05);
    att_assert_close(rhat, SCALED_RHAT_REF, REF_RTOL, 0.0);
    att_assert_close(rhat_basic, SCALED_RHAT_B_REF, REF_RTOL, 0.0);
}

static void
test_constant_draws(void **state)
{
    double x[3 * 8];
    att_diag_workspace *w = att_diag_alloc(3, 8, NULL);
    att_diag_summary s;
    double v;
    size_t k;

    (void)state;
    assert_non_null(w);
    for (k = 0; k < 3 * 8; k++)
        x[k] = 1.7;
    assert_int_equal(att_diag_summarise(w, x, &s, NULL), ATT_OK);
    assert_int_equal(s.flags, ATT_DIAG_RHAT_NAN | ATT_DIAG_BULK_NAN | ATT_DIAG_TAIL_NAN);
    assert_true(isnan(s.rhat) && isnan(s.ess_bulk) && isnan(s.ess_tail));
    assert_true(s.q05 == 1.7 && s.q50 == 1.7 && s.q95 == 1.7 && s.mean == 1.7);
    assert_true(s.sd == 0.0);
    assert_int_equal(att_diag_rhat_basic(w, x, &v, NULL), ATT_OK);
    assert_true(isnan(v));
    assert_int_equal(att_diag_ess_basic(w, x, &v, NULL), ATT_OK);
    assert_true(isnan(v));
    assert_int_equal(att_diag_mcse_quantile(w, x, 0.5, &v, NULL), ATT_OK);
    assert_true(isnan(v));
    att_diag_free(w);
}

/* posterior's is_constant uses an absolute tolerance: draws spread over
 * less than DBL_EPSILON count as constant for tail-ESS and the raw
 * split-chain statistics, while ranks (R-hat, bulk-ESS) still see them. */
static void
test_near_constant_draws(void **state)
{
    double x[2 * 10], v;
    att_diag_workspace *w = att_diag_alloc(2, 10, NULL);
    att_diag_summary s;
    size_t k;

    (void)state;
    assert_non_null(w);
    for (k = 0; k < 2 * 10; k++)
        x[k] = 1e-18 * sin(2.3 * (double)k);
    assert_int_equal(att_diag_summarise(w, x, &s, NULL), ATT_OK);
    assert_int_equal(s.flags, ATT_DIAG_TAIL_NAN);
    assert_true(isfinite(s.rhat) && isfinite(s.ess_bulk));
    assert_int_equal(att_diag_ess_basic(w, x, &v, NULL), ATT_OK);
    assert_true(isnan(v));
    assert_int_equal(att_diag_rhat_basic(w, x, &v, NULL), ATT_OK);
    assert_true(isnan(v));
    att_diag_free(w);
}

static void
test_documented_nan_cases(void **state)
{
    double x[2 * 20];
    att_diag_workspace *w = att_diag_alloc(2, 20, NULL);
    att_diag_summary s;
    size_t k;

    (void)state;
    assert_non_null(w);
    /* Two values in equal numbers (runs of five 0s and five 1s): every
     * |x - median| is 0.5, so the folded R-hat, and with it R-hat, is
     * undefined; so is tail-ESS, as q95 is the maximum.  Bulk-ESS is not. */
    for (k = 0; k < 2 * 20; k++)
        x[k] = (double)((k / 5) % 2);
    assert_int_equal(att_diag_summarise(w, x, &s, NULL), ATT_OK);
    assert_int_equal(s.flags, ATT_DIAG_RHAT_NAN | ATT_DIAG_TAIL_NAN);
    assert_true(isnan(s.rhat) && isnan(s.ess_tail));
    assert_true(isfinite(s.ess_bulk));

    /* A discrete quantity with 25% of its draws at the maximum: q95 is the
     * maximum, I(x <= q95) is always 1 and tail-ESS is undefined. */
    for (k = 0; k < 2 * 20; k++)
        x[k] = (double)((k * k + k / 3) % 4);
    assert_int_equal(att_diag_summarise(w, x, &s, NULL), ATT_OK);
    assert_true(s.q95 == 3.0);
    assert_int_equal(s.flags, ATT_DIAG_TAIL_NAN);
    assert_true(isnan(s.ess_tail));
    assert_true(isfinite(s.rhat) && isfinite(s.ess_bulk));
    att_diag_free(w);
}

static void
test_short_chains(void **state)
{
    double x[2 * 11];
    att_diag_summary s;
    att_diag_workspace *w;
    double ess;
    size_t k;

    (void)state;
    for (k = 0; k < 2 * 11; k++)
        x[k] = sin(1.37 * (double)(k * k)); /* not constant, no ties */

    /* 5 draws: split chains of 2 cannot give an ESS; R-hat is defined. */
    w = att_diag_alloc(2, 5, NULL);
    assert_non_null(w);
    assert_int_equal(att_diag_summarise(w, x, &s, NULL), ATT_OK);
    assert_int_equal(s.flags, ATT_DIAG_BULK_NAN | ATT_DIAG_TAIL_NAN);
    assert_true(isfinite(s.rhat));
    att_diag_free(w);

    /* With 3 to 5 draws per split chain Geyer's pair loop never runs and
     * posterior's tau is -1 + 2 rho_0 + rho_0 = 2: ESS = S / 2 exactly. */
    w = att_diag_alloc(2, 8, NULL);
    assert_non_null(w);
    assert_int_equal(att_diag_ess_basic(w, x, &ess, NULL), ATT_OK);
    att_assert_close(ess, 16.0 / 2.0, ATT_TOL_EXACT, 0.0);
    att_diag_free(w);
    w = att_diag_alloc(1, 11, NULL);
    assert_non_null(w);
    assert_int_equal(att_diag_ess_bulk(w, x, &ess, NULL), ATT_OK);
    att_assert_close(ess, 10.0 / 2.0, ATT_TOL_EXACT, 0.0);
    att_diag_free(w);
}

/* Antithetic draws so short that both tail indicators hit the cap too:
 * then every ESS is S log10(S) exactly (posterior's tau bound).  The seed
 * was found by the reference script. */
static void
test_ess_cap(void **state)
{
    double x[14];
    att_diag_workspace *w = att_diag_alloc(1, 14, NULL);
    att_diag_summary s;

    (void)state;
    assert_non_null(w);
    make_alternating(x, 3, 1, 14);
    assert_int_equal(att_diag_summarise(w, x, &s, NULL), ATT_OK);
    att_diag_free(w);
    assert_int_equal(s.flags, ATT_DIAG_BULK_CAPPED | ATT_DIAG_TAIL_CAPPED);
    att_assert_close(s.ess_bulk, 14.0 * log10(14.0), ATT_TOL_TIGHT, 0.0);
    att_assert_close(s.ess_tail, 14.0 * log10(14.0), ATT_TOL_TIGHT, 0.0);
}

/* One reference test per case, named after it. */
#define REF_TEST(i, c)                                                                          \
    {                                                                                           \
        "test_matches_reference_case_" #c, test_matches_reference, setup_ref, teardown, &ref[i] \
    }

int
main(void)
{
    /* cmocka's initial_state is not const: hand it a local copy of the table
     * (no mutable globals). */
    ref_case ref[sizeof ref_cases / sizeof ref_cases[0]];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alloc_rejects_bad_sizes),
        cmocka_unit_test_prestate_setup_teardown(test_nonfinite_draw_is_an_error, setup_ref,
                                                 teardown, &ref[0]),
        cmocka_unit_test_prestate_setup_teardown(test_bad_probability, setup_ref, teardown,
                                                 &ref[0]),
        REF_TEST(0, A),
        REF_TEST(1, B),
        REF_TEST(2, C),
        REF_TEST(3, E),
        cmocka_unit_test(test_quantiles_by_hand),
        cmocka_unit_test_setup_teardown(test_iid_normal, setup_iid, teardown),
        cmocka_unit_test_setup_teardown(test_ar1_ess, setup_ar1, teardown),
        cmocka_unit_test_setup_teardown(test_shifted_chain, setup_shift, teardown),
        cmocka_unit_test_setup_teardown(test_scaled_chain, setup_scaled, teardown),
        cmocka_unit_test(test_constant_draws),
        cmocka_unit_test(test_near_constant_draws),
        cmocka_unit_test(test_documented_nan_cases),
        cmocka_unit_test(test_short_chains),
        cmocka_unit_test(test_ess_cap),
    };

    memcpy(ref, ref_cases, sizeof ref);
    gsl_set_error_handler_off();
    return cmocka_run_group_tests_name("diagnostics", tests, NULL, NULL);
}
