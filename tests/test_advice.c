/* test_advice.c -- a failed fit's diagnosis (att_fit_diagnose) on draws
 * made to show each cause, on the shipped baseline's parameters: the
 * cause, the parameters named, and the remedies proposed, worked out by
 * hand; and att_remedy_apply / att_remedy_format.  The remedies' effect
 * on real failing fits is the slow test_cases' part. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>

#include <attrition/att_advice.h>

#include "att_test.h"
#include "fixture.h"

#define CHAINS ((size_t)4)
#define DRAWS  ((size_t)500)
#define S      (CHAINS * DRAWS)

typedef struct {
    fixture f;
    att_fit_params fp;
    att_fit_result r;
    att_fit_diagnosis d;
    gsl_rng *rng;
    double *centre;
} ctx;

static size_t
par(const ctx *c, const char *name)
{
    size_t k;

    for (k = 0; k < att_posterior_dim(c->f.post); k++)
        if (strcmp(att_posterior_param(c->f.post, k)->name, name) == 0)
            return k;
    fail_msg("no parameter %s", name);
    return 0;
}

static int
setup(void **state)
{
    ctx *c = calloc(1, sizeof *c);

    fixture_load_shipped(&c->f, "baseline");
    c->fp = att_fit_default_params();
    c->fp.draws = DRAWS;
    c->rng = gsl_rng_alloc(gsl_rng_mt19937);
    c->centre = calloc(att_posterior_dim(c->f.post), sizeof *c->centre);
    att_posterior_prior_center(c->f.post, c->centre);
    *state = c;
    return 0;
}

static int
teardown(void **state)
{
    ctx *c = *state;

    att_fit_result_free(&c->r);
    gsl_rng_free(c->rng);
    free(c->centre);
    fixture_free(&c->f);
    free(c);
    return 0;
}

/* Independent draws: the prior centre plus 0.3 prior sds of noise. */
static double *
draws_iid(ctx *c, unsigned long seed)
{
    size_t n = att_posterior_dim(c->f.post), i, k;

    att_fit_result_free(&c->r);
    memset(&c->r, 0, sizeof c->r);
    c->r.dim = n;
    c->r.chains = CHAINS;
    c->r.draws = DRAWS;
    c->r.theta = calloc(S * n, sizeof *c->r.theta);
    gsl_rng_set(c->rng, seed);
    for (i = 0; i < S; i++)
        for (k = 0; k < n; k++)
            c->r.theta[i * n + k] = c->centre[k] + 0.3 *
                                                       att_posterior_param(c->f.post, k)->prior_sd *
                                                       gsl_ran_gaussian(c->rng, 1.0);
    return c->r.theta;
}

/* Parameter k (and -k2 of it, when k2 is not ATT_NONE) follows an AR(1)
 * of coefficient rho within each chain: few effective draws. */
static void
draws_ar1(ctx *c, size_t k, size_t k2, double rho, double sa, double sb)
{
    size_t n = c->r.dim, ch, i;

    for (ch = 0; ch < CHAINS; ch++) {
        double x = gsl_ran_gaussian(c->rng, 1.0);
        for (i = 0; i < DRAWS; i++) {
            double *th = c->r.theta + (ch * DRAWS + i) * n;
            x = rho * x + sqrt(1.0 - rho * rho) * gsl_ran_gaussian(c->rng, 1.0);
            th[k] = c->centre[k] + sa * x + 0.02 * gsl_ran_gaussian(c->rng, 1.0);
            if (k2 != ATT_NONE)
                th[k2] = c->centre[k2] - sb * x + 0.02 * gsl_ran_gaussian(c->rng, 1.0);
        }
    }
}

/* Completes the result and flags the draws of flag[] divergent. */
static void
diagnose(ctx *c, const size_t *flag, size_t nflag)
{
    att_error err;
    size_t i;

    assert_int_equal(att_fit_complete(c->f.post, &c->r, &err), ATT_OK);
    c->r.delta = 0.995;
    for (i = 0; i < nflag; i++)
        c->r.divergent_at[flag[i]] = 1;
    c->r.divergent_total = nflag;
    assert_int_equal(att_fit_diagnose(c->f.p, c->f.post, &c->fp, &c->r, &c->d, &err), ATT_OK);
}

static void
expect_remedy(const ctx *c, size_t i, const char *want)
{
    char buf[512];

    assert_true(i < c->d.nremedy);
    att_remedy_format(c->f.p, &c->d.remedy[i], buf, sizeof buf);
    assert_string_equal(buf, want);
}

/* The n draws with the smallest (or largest) value of parameter k. */
static void
extreme_draws(const ctx *c, size_t k, bool largest, size_t *idx, size_t n)
{
    double *col = malloc(S * sizeof *col);
    size_t *order = malloc(S * sizeof *order), i;

    for (i = 0; i < S; i++)
        col[i] = c->r.theta[i * c->r.dim + k];
    gsl_sort_index(order, col, 1, S);
    for (i = 0; i < n; i++)
        idx[i] = largest ? order[S - 1 - i] : order[i];
    free(col);
    free(order);
}

static void
test_good_fit_has_no_cause(void **state)
{
    ctx *c = *state;

    draws_iid(c, 1);
    diagnose(c, NULL, 0);
    assert_int_equal(c->d.cause, ATT_CAUSE_NONE);
    assert_int_equal(c->d.nremedy, 0);
}

static void
test_divergences_at_small_sigma(void **state)
{
    ctx *c = *state;
    size_t flag[60], k = par(c, "sigma");

    /* 60 of 2,000 (3%, over the 1% policy), all at the smallest sigma. */
    draws_iid(c, 2);
    extreme_draws(c, k, false, flag, 60);
    diagnose(c, flag, 60);
    assert_int_equal(c->d.cause, ATT_CAUSE_SMALL_NOISE);
    assert_int_equal(c->d.param, k);
    assert_non_null(strstr(c->d.what, "60 of the 60 divergent transitions (100%"));
    assert_int_equal(c->d.nremedy, 2);
    expect_remedy(c, 0, "[priors] sigma_log_sd = 0.25 (now 0.5)");
    expect_remedy(c, 1, "[priors] sigma_log_sd = 0.13 (now 0.5)"); /* 0.125, 2 digits */
}

static void
test_divergences_spread_out(void **state)
{
    ctx *c = *state;
    size_t flag[60], i;

    /* Every 33rd draw: in sigma's lowest quarter by chance only. */
    draws_iid(c, 3);
    for (i = 0; i < 60; i++)
        flag[i] = 33 * i;
    diagnose(c, flag, 60);
    assert_int_equal(c->d.cause, ATT_CAUSE_DIVERGENCES);
    assert_int_equal(c->d.param, ATT_NONE);
    assert_non_null(strstr(c->d.what, "spread over the posterior"));
    assert_int_equal(c->d.nremedy, 0);
}

static void
test_divergences_at_a_high_hazard(void **state)
{
    ctx *c = *state;
    size_t flag[60], k = par(c, "h_lull");

    draws_iid(c, 4);
    extreme_draws(c, k, true, flag, 60);
    diagnose(c, flag, 60);
    assert_int_equal(c->d.cause, ATT_CAUSE_DIVERGENCES);
    assert_int_equal(c->d.param, k);
    assert_non_null(strstr(c->d.what, "where h_lull was high"));
    expect_remedy(c, 0, "[phase lull] hazard_log_sd = 0.75 (now 1.5)");
}

static void
test_a_stuck_chain(void **state)
{
    ctx *c = *state;
    size_t n, k = par(c, "h_active1"), i;

    /* Chain 3 sits 10 of its own sds above the others. */
    draws_iid(c, 5);
    n = c->r.dim;
    for (i = 2 * DRAWS; i < 3 * DRAWS; i++)
        c->r.theta[i * n + k] += 3.0;
    diagnose(c, NULL, 0);
    assert_int_equal(c->d.cause, ATT_CAUSE_STUCK_CHAIN);
    assert_int_equal(c->d.param, k);
    assert_int_equal(c->d.other, k);
    assert_non_null(strstr(c->d.what, "chain 3 settled apart from the others: h_active1"));
    expect_remedy(c, 0, "--warmup 4000 (now 1000)");
    expect_remedy(c, 1, "[phase active1] hazard_log_sd = 0.5 (now 1)");
    /* Two against two: the upper pair is named. */
    draws_iid(c, 5);
    for (i = 2 * DRAWS; i < 4 * DRAWS; i++)
        c->r.theta[i * n + k] += 3.0;
    diagnose(c, NULL, 0);
    assert_int_equal(c->d.cause, ATT_CAUSE_STUCK_CHAIN);
    assert_non_null(strstr(c->d.what, "chains 3, 4 settled apart"));
}

static void
test_a_ridge(void **state)
{
    ctx *c = *state;
    size_t a = par(c, "h_active1"), b = par(c, "h_lull");

    /* h_lull = centre - 0.9 x, h_active1 = centre + 0.5 x, x an AR(1) of
     * coefficient 0.97: about 30 effective draws, correlation near -1;
     * h_lull is the wider against its prior (0.9 / 1.5 > 0.5 / 1). */
    draws_iid(c, 6);
    draws_ar1(c, a, b, 0.97, 0.5, 0.9);
    diagnose(c, NULL, 0);
    assert_int_equal(c->d.cause, ATT_CAUSE_UNIDENTIFIED);
    assert_true((c->d.param == a && c->d.other == b) || (c->d.param == b && c->d.other == a));
    assert_non_null(strstr(c->d.what, "h_active1 (ESS 42) moves with h_lull (correlation -1.00 on "
                                      "the sampler's scale)"));
    assert_non_null(strstr(c->d.what, "(sd/sd0 0.50 and 0.60)"));
    expect_remedy(c, 0, "[phase lull] hazard_log_sd = 0.75 (now 1.5)");
    expect_remedy(c, 1,
                  "[phase lull] hazard_log_sd = 0.75 (now 1.5) and [phase active1] "
                  "hazard_log_sd = 0.5 (now 1)");
}

static void
test_too_few_draws(void **state)
{
    ctx *c = *state;
    size_t k = par(c, "h_active2");

    /* One slow parameter moving with no other: more draws. */
    draws_iid(c, 7);
    draws_ar1(c, k, ATT_NONE, 0.97, 0.3, 0.0);
    diagnose(c, NULL, 0);
    assert_int_equal(c->d.cause, ATT_CAUSE_SHORT);
    assert_int_equal(c->d.param, k);
    expect_remedy(c, 0, "--draws 4000 (now 500)"); /* 400 / ESS above 8: capped at 8x */
}

static void
test_remedy_apply(void **state)
{
    ctx *c = *state;
    att_params *q;
    att_fit_params fp = c->fp;
    att_remedy rm;
    att_error err;
    char buf[256];

    memset(&rm, 0, sizeof rm);
    rm.nchange = 4;
    rm.change[0] = (att_change){ATT_SET_TAU, 1, ATT_FAMILY_LOSSES, 0.5, 1.2};
    rm.change[1] = (att_change){ATT_SET_SIGMA_SPREAD, 0, ATT_FAMILY_LOSSES, 0.5, 0.25};
    rm.change[2] = (att_change){ATT_SET_HAZARD_LOG_SD, 2, ATT_FAMILY_LOSSES, 1.5, 0.75};
    rm.change[3] = (att_change){ATT_SET_WARMUP, 0, ATT_FAMILY_LOSSES, 1000, 4000};
    assert_int_equal(att_params_copy(c->f.p, &q, &err), ATT_OK);
    att_remedy_apply(&rm, q, &fp);
    assert_true(q->classes[1].tau[ATT_FAMILY_LOSSES] == 1.2);
    assert_true(q->classes[1].tau[ATT_FAMILY_FORCE] == c->f.p->classes[1].tau[ATT_FAMILY_FORCE]);
    assert_true(q->sigma_spread == 0.25);
    assert_true(q->phases[2].prior_log_sd == 0.75);
    assert_int_equal(fp.warmup, 4000);
    assert_int_equal(fp.draws, c->fp.draws);
    att_remedy_format(q, &rm, buf, sizeof buf);
    assert_string_equal(buf,
                        "[class us_gov] tau_losses = 1.2 (now 0.5) and [priors] sigma_spread = "
                        "0.25 (now 0.5) and [phase lull] hazard_log_sd = 0.75 (now 1.5) and "
                        "--warmup 4000 (now 1000)");
    /* A short buffer: terminated, and the length needed returned. */
    {
        size_t whole = strlen(buf);
        assert_int_equal(att_remedy_format(q, &rm, buf, 10), whole);
        assert_string_equal(buf, "[class us");
    }
    att_params_free(q);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_fit_has_no_cause),
        cmocka_unit_test(test_divergences_at_small_sigma),
        cmocka_unit_test(test_divergences_spread_out),
        cmocka_unit_test(test_divergences_at_a_high_hazard),
        cmocka_unit_test(test_a_stuck_chain),
        cmocka_unit_test(test_a_ridge),
        cmocka_unit_test(test_too_few_draws),
        cmocka_unit_test(test_remedy_apply),
    };

    gsl_set_error_handler_off();
    return cmocka_run_group_tests_name("advice", tests, setup, teardown);
}
