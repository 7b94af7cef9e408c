/* test_summary.c -- att_summary_compute on draws written by hand, against
 * figures worked out by hand: one phase of 10 days with a free hazard, one
 * fixed arrival of 1,000 on its first day, a casualty figure and a
 * deployment figure from one class, each with its own bias.  Three draws
 * of the hazard (0.01, 0.02, 0.03), so that every quantile is a type-7
 * interpolation one can check on paper.  The phase is open, so its mean
 * strength runs to the ledger's last statement (2025-01-10): 10 days. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include <attrition/att_loo.h>
#include <attrition/att_model.h>
#include <attrition/att_summary.h>

#include "att_test.h"
#include "fixture.h"

#define SM_PARAMS                                                                \
    "[model]\nanchor = none\n[priors]\nsigma_median = 0.3\nsigma_log_sd = 0.5\n" \
    "[phase only]\nstart = 2025-01-01\nend = open\nhazard_median = 0.02\n"       \
    "hazard_log_sd = 1\n"                                                        \
    "[arrival a]\ndate = 2025-01-01\ncount = 1000\n"                             \
    "[class src]\ntau_losses = 0.5\ntau_force = 0.3\n"

/* c: casualties by the end of 2025-01-10 (the phase's last day); d: the
 * force deployed on 2025-01-05. */
#define SM_LEDGER                                                                         \
    "id,statement_date,asof_start,asof_end,source,source_class,kind,qualifier,value,low," \
    "high,quote,doc,repeat_of\n"                                                          \
    "c,2025-01-10,2025-01-10,2025-01-10,S,src,casualties,approx,150,,,q,d,\n"             \
    "d,2025-01-05,2025-01-05,2025-01-05,S,src,deployed,approx,1100,,,q,d,\n"

#define SM_DRAWS 3

static const double sm_hazard[SM_DRAWS] = {0.02, 0.01, 0.03}; /* unsorted on purpose */
static const double sm_sigma[SM_DRAWS] = {0.2, 0.4, 0.3};
static const double sm_b_losses[SM_DRAWS] = {0.1, -0.2, 0.3};
static const double sm_b_force[SM_DRAWS] = {0.05, 0.0, -0.05};

/* The type-7 5%, 50% and 95% quantiles of three values. */
static att_interval
sm_type7(const double *v)
{
    double x[SM_DRAWS], t;
    att_interval r;
    int i, j;

    memcpy(x, v, sizeof x);
    for (i = 0; i < SM_DRAWS; i++)
        for (j = i + 1; j < SM_DRAWS; j++)
            if (x[j] < x[i]) {
                t = x[i];
                x[i] = x[j];
                x[j] = t;
            }
    /* h = (n - 1) p: 0.1, 1 and 1.9 */
    r.q05 = x[0] + 0.1 * (x[1] - x[0]);
    r.q50 = x[1];
    r.q95 = x[1] + 0.9 * (x[2] - x[1]);
    return r;
}

static void
sm_close(att_interval got, att_interval want)
{
    att_assert_close(got.q05, want.q05, 1e-12, 0.0);
    att_assert_close(got.q50, want.q50, 1e-12, 0.0);
    att_assert_close(got.q95, want.q95, 1e-12, 0.0);
}

static void
test_summary_by_hand(void **state)
{
    fixture f;
    att_fit_result fit;
    att_summary *sm = NULL;
    att_error err;
    double theta[SM_DRAWS * 16], value[SM_DRAWS * 16], want[SM_DRAWS], zsum = 0.0;
    size_t k, s, n;
    int nb = 0;

    (void)state;
    fixture_load(&f, SM_PARAMS, SM_LEDGER);
    n = att_posterior_dim(f.post);
    assert_true(n <= 16);
    /* hazard, kappa, sigma and the two biases (losses, force): their
     * order is the posterior's, so each is found by kind and family. */
    for (s = 0; s < SM_DRAWS; s++)
        for (k = 0; k < n; k++) {
            const att_param_info *in = att_posterior_param(f.post, k);
            double *t = &theta[s * n + k], *v = &value[s * n + k];
            switch (in->kind) {
            case ATT_PAR_HAZARD:
                *t = log(sm_hazard[s]);
                *v = sm_hazard[s];
                break;
            case ATT_PAR_KAPPA:
                *t = 0.0;
                *v = 0.5;
                break;
            case ATT_PAR_SIGMA:
                *t = log(sm_sigma[s]);
                *v = sm_sigma[s];
                break;
            case ATT_PAR_BIAS:
                *t = *v = strstr(in->name, "losses") != NULL ? sm_b_losses[s] : sm_b_force[s];
                nb += s == 0;
                break;
            default:
                fail_msg("unexpected parameter %s", in->name);
            }
        }
    assert_int_equal(nb, 2);
    memset(&fit, 0, sizeof fit);
    fit.dim = n;
    fit.chains = 1;
    fit.draws = SM_DRAWS;
    fit.theta = theta;
    fit.value = value;
    assert_int_equal(att_summary_compute(f.p, f.l, f.post, &fit, &sm, &err), ATT_OK);

    /* The hazard: its draws' quantiles, and per 1,000. */
    assert_int_equal(sm->nhazard, 1);
    sm_close(sm->hazard[0].hazard, sm_type7(sm_hazard));
    for (s = 0; s < SM_DRAWS; s++)
        want[s] = 1000.0 * sm_hazard[s];
    sm_close(sm->hazard[0].per_1000, sm_type7(want));
    /* Per day at the phase's mean strength: N at the start of day i of 10
     * is 1000 e^(-h i), but 0 on day 0 (an arrival counts strictly after
     * 00:00 of its date, docs/model.md 1.3), so the mean is
     * 100 e^(-h) (1 - e^(-9h)) / (1 - e^(-h)). */
    for (s = 0; s < SM_DRAWS; s++) {
        double h = sm_hazard[s];
        want[s] = h * 100.0 * exp(-h) * (1.0 - exp(-9.0 * h)) / (1.0 - exp(-h));
    }
    sm_close(sm->hazard[0].daily, sm_type7(want));

    /* Report c: casualties by 24:00 on the 10th day, 1000 (1 - e^(-10h));
     * de-biased 150 e^(-b); residual the mean of (log 150 - log m - b) / sigma. */
    assert_int_equal(sm->nreport, 2);
    for (s = 0; s < SM_DRAWS; s++)
        want[s] = 1000.0 * (1.0 - exp(-10.0 * sm_hazard[s]));
    sm_close(sm->report[0].model, sm_type7(want));
    for (s = 0; s < SM_DRAWS; s++) {
        zsum += (log(150.0) - log(want[s]) - sm_b_losses[s]) / sm_sigma[s];
        want[s] = 150.0 * exp(-sm_b_losses[s]);
    }
    sm_close(sm->report[0].debiased, sm_type7(want));
    att_assert_close(sm->report[0].z, zsum / SM_DRAWS, 1e-12, 1e-14);
    assert_true(sm->report[0].bias_estimated);
    assert_false(sm->report[0].z_from_pit);
    /* Report d: the force deployed is 1,000 whatever the draw. */
    att_assert_close(sm->report[1].model.q05, 1000.0, 1e-15, 0.0);
    att_assert_close(sm->report[1].model.q95, 1000.0, 1e-15, 0.0);
    for (s = 0; s < SM_DRAWS; s++)
        want[s] = 1100.0 * exp(-sm_b_force[s]);
    sm_close(sm->report[1].debiased, sm_type7(want));

    /* Sources: the class's two factors exp(b), one report each. */
    assert_int_equal(sm->nsource, 2);
    for (k = 0; k < 2; k++) {
        const att_source_summary *so = &sm->source[k];
        const double *b = so->family == ATT_FAMILY_LOSSES ? sm_b_losses : sm_b_force;
        for (s = 0; s < SM_DRAWS; s++)
            want[s] = exp(b[s]);
        assert_false(so->pinned);
        assert_int_equal(so->reports, 1);
        sm_close(so->factor, sm_type7(want));
    }
    att_summary_free(sm);
    fixture_free(&f);
}

/* Bounds, noise per class and an undercount class, by hand: the same
 * phase and arrival; class src (its own sigma) with an at_least bound its
 * model meets, an up_to bound it does not and a range of deployed troops;
 * class named, an undercount list, with a killed figure.  A bound has no
 * de-biased figure, its probability of holding is the mean over draws of
 * (8) or (9), and its z is Phi^-1 of that only where it is below 1/2. */
#define SB_PARAMS                                                                \
    "[model]\nanchor = none\nnoise = per_class\n[priors]\nsigma_median = 0.3\n"  \
    "sigma_log_sd = 0.5\nsigma_spread = 0.5\n"                                   \
    "[phase only]\nstart = 2025-01-01\nend = open\nhazard_median = 0.02\n"       \
    "hazard_log_sd = 1\n"                                                        \
    "[arrival a]\ndate = 2025-01-01\ncount = 1000\n"                             \
    "[class src]\ntau_losses = 0.5\ntau_force = 0.3\n"                           \
    "[class named]\nundercount = true\ncompleteness_a = 4\ncompleteness_b = 6\n" \
    "tau_force = 0.3\n"
#define SB_LEDGER                                                                         \
    "id,statement_date,asof_start,asof_end,source,source_class,kind,qualifier,value,low," \
    "high,quote,doc,repeat_of\n"                                                          \
    "a,2025-01-10,2025-01-10,2025-01-10,S,src,casualties,at_least,100,,,q,d,\n"           \
    "u,2025-01-10,2025-01-10,2025-01-10,S,src,casualties,up_to,50,,,q,d,\n"               \
    "r,2025-01-05,2025-01-05,2025-01-05,S,src,deployed,range,,900,1200,q,d,\n"            \
    "n,2025-01-10,2025-01-10,2025-01-10,L,named,killed,approx,40,,,q,d,\n"                \
    "h,2025-01-10,2025-01-10,2025-01-10,S,src,casualties,at_least,1000,,,q,d,\n"

static const double sb_z_src[SM_DRAWS] = {0.5, -0.5, 0.0};
static const double sb_z_named[SM_DRAWS] = {1.0, 0.0, -1.0};
static const double sb_c[SM_DRAWS] = {0.3, 0.5, 0.4};

static void
test_bounds_and_sources_by_hand(void **state)
{
    fixture f;
    att_fit_result fit;
    att_summary *sm = NULL;
    att_error err;
    double theta[SM_DRAWS * 16], value[SM_DRAWS * 16], want[SM_DRAWS], sig[SM_DRAWS];
    double ha = 0.0, hu = 0.0, hr = 0.0, zn = 0.0, pa = 0.0, hh = 0.0;
    size_t k, s, n;

    (void)state;
    fixture_load(&f, SB_PARAMS, SB_LEDGER);
    n = att_posterior_dim(f.post);
    assert_true(n <= 16);
    for (s = 0; s < SM_DRAWS; s++)
        for (k = 0; k < n; k++) {
            const att_param_info *in = att_posterior_param(f.post, k);
            double *t = &theta[s * n + k];
            switch (in->kind) {
            case ATT_PAR_HAZARD:
                *t = log(sm_hazard[s]);
                break;
            case ATT_PAR_KAPPA:
                *t = 0.0; /* kappa 1/2 */
                break;
            case ATT_PAR_SIGMA:
                *t = log(sm_sigma[s]);
                break;
            case ATT_PAR_NOISE:
                *t = strcmp(in->name, "sigma_src") == 0 ? sb_z_src[s] : sb_z_named[s];
                break;
            case ATT_PAR_BIAS:
                *t = strstr(in->name, "losses") != NULL ? sm_b_losses[s] : sm_b_force[s];
                break;
            case ATT_PAR_COMPLETENESS:
                *t = log(sb_c[s] / (1.0 - sb_c[s]));
                break;
            default:
                fail_msg("unexpected parameter %s", in->name);
            }
        }
    memset(&fit, 0, sizeof fit);
    fit.dim = n;
    fit.chains = 1;
    fit.draws = SM_DRAWS;
    fit.theta = theta;
    fit.value = value;
    for (s = 0; s < SM_DRAWS * n; s++)
        value[s] = theta[s]; /* the summary reads theta */
    assert_int_equal(att_summary_compute(f.p, f.l, f.post, &fit, &sm, &err), ATT_OK);

    for (s = 0; s < SM_DRAWS; s++) {
        double c = 1000.0 * (1.0 - exp(-10.0 * sm_hazard[s])), sn;
        sig[s] = sm_sigma[s] * exp(0.5 * sb_z_src[s]);
        sn = sm_sigma[s] * exp(0.5 * sb_z_named[s]);
        ha += gsl_cdf_ugaussian_P((log(c) + sm_b_losses[s] - log(100.0)) / sig[s]);
        pa += gsl_cdf_ugaussian_P((log(100.0) - log(c) - sm_b_losses[s]) / sig[s]);
        hh += gsl_cdf_ugaussian_P((log(c) + sm_b_losses[s] - log(1000.0)) / sig[s]);
        hu += gsl_cdf_ugaussian_P((log(50.0) - log(c) - sm_b_losses[s]) / sig[s]);
        hr += gsl_cdf_ugaussian_P((log(1200.0) - log(1000.0) - sm_b_force[s]) / sig[s]) -
              gsl_cdf_ugaussian_P((log(900.0) - log(1000.0) - sm_b_force[s]) / sig[s]);
        zn += (log(40.0) - log(0.5 * c) - log(sb_c[s])) / sn;
    }
    /* a: met at every draw (m 95-260 against at least 100, mostly): no
     * outlier, no de-biased figure. */
    assert_true(sm->report[0].bound);
    att_assert_close(sm->report[0].holds, ha / SM_DRAWS, 1e-12, 0.0);
    assert_true(sm->report[0].holds > 0.5);
    att_assert_close(sm->report[0].z, 0.0, 0.0, 0.0);
    att_assert_close(sm->report[0].pit, pa / SM_DRAWS, 1e-12, 0.0);
    /* u: up to 50 where the model says 95-260: it fails, and z says how
     * much. */
    att_assert_close(sm->report[1].holds, hu / SM_DRAWS, 1e-12, 0.0);
    assert_true(sm->report[1].holds < 0.5);
    att_assert_close(sm->report[1].z, gsl_cdf_ugaussian_Pinv(hu / SM_DRAWS), 1e-9, 0.0);
    /* h: at least 1,000, far above the model: it fails, and its residual
     * has a figure's sign (the claim lies above the model). */
    att_assert_close(sm->report[4].holds, hh / SM_DRAWS, 1e-12, 0.0);
    assert_true(sm->report[4].holds < 0.5);
    att_assert_close(sm->report[4].z, -gsl_cdf_ugaussian_Pinv(hh / SM_DRAWS), 1e-9, 0.0);
    assert_true(sm->report[4].z > 0.0);
    /* r: 900-1200 about 1,000 deployed. */
    att_assert_close(sm->report[2].holds, hr / SM_DRAWS, 1e-12, 0.0);
    /* n: the list's figure over c_s, with the class's own sigma. */
    assert_false(sm->report[3].bound);
    att_assert_close(sm->report[3].z, zn / SM_DRAWS, 1e-12, 1e-14);
    for (s = 0; s < SM_DRAWS; s++)
        want[s] = 40.0 / sb_c[s];
    sm_close(sm->report[3].debiased, sm_type7(want));

    /* Sources: src's losses and force (its sigma_s), named's losses (its
     * completeness c_s). */
    assert_int_equal(sm->nsource, 3);
    for (k = 0; k < sm->nsource; k++) {
        const att_source_summary *so = &sm->source[k];
        assert_true(so->own_sigma);
        if (so->cls == 0) {
            sm_close(so->sigma, sm_type7(sig));
            assert_false(so->completeness);
        } else {
            assert_true(so->completeness);
            assert_false(so->pinned);
            sm_close(so->factor, sm_type7(sb_c));
        }
    }
    att_summary_free(sm);
    fixture_free(&f);
}

/* Type 7 against hand values, and the tie rule: at prob 0.05 of five
 * values h = 0.2, and 0.8 * 3 + 0.2 * 3 rounds to 3 + 2^-51. */
static void
test_quantile_type7_and_ties(void **state)
{
    const double x[5] = {1.0, 2.5, 4.0, 8.0, 9.5};
    const double t[5] = {3.0, 3.0, 3.0, 5.0, 6.0};

    (void)state;
    assert_true(att_summary_quantile(x, 5, 0.0) == 1.0);
    assert_true(att_summary_quantile(x, 5, 0.5) == 4.0);
    assert_true(att_summary_quantile(x, 5, 0.625) == 6.0); /* half way from 4 to 8 */
    assert_true(att_summary_quantile(x, 5, 1.0) == 9.5);
    assert_true(att_summary_quantile(t, 5, 0.05) == 3.0 + ldexp(1.0, -51));
    assert_true(att_summary_quantile_ties(t, 5, 0.05) == 3.0);
    assert_true(att_summary_quantile_ties(t, 5, 0.875) == 5.5);
    assert_true(att_summary_quantile_ties(t, 5, 1.0) == 6.0);
}

/* A ledger long enough that a draw's reports are split across threads
 * (summary.c takes 64 or more so): 98 reports of every kind and
 * qualifier, loss figures also over a period and per day, windows of 1 to
 * 9 days; with groups, over the whole force and over sets of groups. */
#define TH_REPORTS 98

static char *
th_ledger(bool groups)
{
    static const char *cls[3] = {"us_gov", "ua_gov", "think_tank"};
    static const char *set[4] = {"", "inf", "art", "art+eng"};
    static const char *measure[3] = {"", "period", "daily"};
    size_t len = sizeof FORCE_HDR + (size_t)TH_REPORTS * 160, off;
    char *text = malloc(len), fig[64];
    int i;

    assert_non_null(text);
    off = (size_t)snprintf(text, len, "%s", FORCE_HDR);
    for (i = 0; i < TH_REPORTS; i++) {
        int a = 1 + i % 19, b = a + i % 9, month = 1 + i % 2, lo = 1000 + 37 * i, m = 0;
        switch (i % 7) {
        case 0:
            m = i % 3; /* casualties: at a day, over a period or per day */
            snprintf(fig, sizeof fig, "casualties,approx,%d,,", m == 2 ? 20 + i : 500 + 21 * i);
            break;
        case 1:
            m = i % 2;
            snprintf(fig, sizeof fig, "killed,at_least,%d,,", 10 + 7 * i);
            break;
        case 2:
            snprintf(fig, sizeof fig, "wounded,range,,%d,%d", lo, 2 * lo);
            break;
        case 3:
            snprintf(fig, sizeof fig, "rate,approx,%d,,", 20 + i);
            break;
        case 4:
            snprintf(fig, sizeof fig, "fraction,up_to,0.%d,,", 3 + i % 6);
            break;
        case 5:
            snprintf(fig, sizeof fig, "strength,approx,%d,,", 8000 + i);
            break;
        default:
            snprintf(fig, sizeof fig, "deployed,range,,%d,%d", 9000 + i, 12000 + i);
            break;
        }
        off += (size_t)snprintf(
            text + off, len - off,
            "t%d,2025-03-15,2025-%02d-%02d,2025-%02d-%02d,S%d,%s,%s,q,d,%s,%s\n", i, month, a,
            month, b, i % 5, cls[i % 3], fig, measure[m], groups ? set[i % 4] : "");
        assert_true(off < len);
    }
    return text;
}

/* Summaries and LOO (with its weights) of that ledger on one thread and on
 * three, for the closed-form model and for a force by groups: the same
 * bits.  And at a single draw each report's model quantity is
 * att_model_quantity's, day by day (what summary.c took before it read
 * the states once per draw).  The threads are OpenMP's: with OpenMP off
 * or limited to one thread this compares a path with itself. */
static void
test_threads_change_nothing(void **state)
{
    int model;

    (void)state;
    for (model = 0; model < 2; model++) {
        fixture f;
        att_fit_result fit;
        att_summary *sm[2] = {NULL, NULL};
        att_loo loo[2];
        att_error err;
        gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
        char *text = th_ledger(model == 1);
        double *theta, *value, *vals;
        size_t n, s, k, i, S = 40;
        att_model_values v;
        int t;

        fixture_load(&f, model == 0 ? ALL_PARAMS : FORCE_PARAMS, text);
        assert_int_equal(att_posterior_nreports(f.post), TH_REPORTS);
        n = att_posterior_dim(f.post);
        theta = malloc(S * n * sizeof *theta);
        value = malloc(S * n * sizeof *value);
        vals = malloc((att_posterior_nvalues(f.post) + 1) * sizeof *vals);
        assert_true(rng && theta && value && vals);
        gsl_rng_set(rng, 7);
        for (s = 0; s < S; s++) {
            att_posterior_prior_center(f.post, theta + s * n);
            for (k = 0; k < n; k++)
                theta[s * n + k] += gsl_ran_gaussian(rng, 0.2);
            att_posterior_constrain(f.post, theta + s * n, value + s * n);
        }
        memset(&fit, 0, sizeof fit);
        fit.dim = n;
        fit.chains = 2;
        fit.draws = S / 2;
        fit.theta = theta;
        fit.value = value;
        for (t = 0; t < 2; t++) {
            fit.threads = t == 0 ? 1 : 3;
            assert_int_equal(att_summary_compute(f.p, f.l, f.post, &fit, &sm[t], &err), ATT_OK);
            assert_int_equal(att_fit_loo(f.post, &fit, true, &loo[t], &err), ATT_OK);
        }
        assert_int_equal(sm[0]->nreport, TH_REPORTS);
        assert_memory_equal(sm[0]->hazard, sm[1]->hazard, sm[0]->nhazard * sizeof *sm[0]->hazard);
        assert_memory_equal(sm[0]->report, sm[1]->report, TH_REPORTS * sizeof *sm[0]->report);
        assert_int_equal(sm[0]->nsource, sm[1]->nsource);
        assert_memory_equal(sm[0]->source, sm[1]->source, sm[0]->nsource * sizeof *sm[0]->source);
        assert_int_equal(sm[0]->ngroup, model == 0 ? 0 : 3);
        if (model == 1)
            assert_memory_equal(sm[0]->group, sm[1]->group, 3 * sizeof *sm[0]->group);
        assert_memory_equal(loo[0].elpd_i, loo[1].elpd_i, TH_REPORTS * sizeof(double));
        assert_memory_equal(loo[0].p_loo_i, loo[1].p_loo_i, TH_REPORTS * sizeof(double));
        assert_memory_equal(loo[0].k, loo[1].k, TH_REPORTS * sizeof(double));
        assert_memory_equal(loo[0].lw, loo[1].lw, S * TH_REPORTS * sizeof(double));
        assert_true(loo[0].elpd == loo[1].elpd && loo[0].se == loo[1].se &&
                    loo[0].p_loo == loo[1].p_loo && loo[0].n_bad == loo[1].n_bad);
        for (t = 0; t < 2; t++) {
            att_summary_free(sm[t]);
            att_loo_free(&loo[t]);
        }

        /* One draw of the closed-form model: the model interval is that
         * draw's quantity. */
        fit.chains = fit.draws = 1;
        fit.threads = 2;
        assert_int_equal(att_summary_compute(f.p, f.l, f.post, &fit, &sm[0], &err), ATT_OK);
        att_posterior_values(f.post, theta, vals, &v);
        for (i = 0; i < TH_REPORTS && model == 0; i++) {
            const att_report *r = &f.l->reports[i];
            double want = 0.0;
            int32_t d;
            if (att_model_kind_get(r->kind, r->measure).measure != ATT_MODEL_LEVEL)
                want = att_model_quantity(f.p, &v, r->kind, r->measure, r->asof_start, r->asof_end);
            else {
                for (d = r->asof_start; d <= r->asof_end; d++)
                    want += att_model_quantity(f.p, &v, r->kind, r->measure, 0, d);
                want /= (double)r->asof_end - (double)r->asof_start + 1.0;
            }
            if (sm[0]->report[i].model.q50 != want)
                fail_msg("report %zu: model quantity %.17g, closed form %.17g", i,
                         sm[0]->report[i].model.q50, want);
        }
        att_summary_free(sm[0]);
        free(theta);
        free(value);
        free(vals);
        free(text);
        gsl_rng_free(rng);
        fixture_free(&f);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_summary_by_hand),
        cmocka_unit_test(test_bounds_and_sources_by_hand),
        cmocka_unit_test(test_quantile_type7_and_ties),
        cmocka_unit_test(test_threads_change_nothing),
    };

    gsl_set_error_handler_off();
    return cmocka_run_group_tests_name("summary", tests, NULL, NULL);
}
