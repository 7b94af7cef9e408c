/* test_compare.c -- scoring against later reports: the baselines against
 * hand-computed forecasts; the model's predictive is calibrated on reports
 * simulated from the model itself (PIT uniform by Kolmogorov-Smirnov at
 * the 1% level, and the 50% and 90% intervals cover at their nominal
 * rates within sampling error); repeats and superseded vintages are not
 * scored. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort.h>

#include <attrition/att_compare.h>
#include <attrition/att_date.h>
#include <attrition/att_project.h>
#include <attrition/att_rng.h>

#include "att_test.h"
#include "fixture.h"

#define HDR                                                                                    \
    "id,statement_date,asof_start,asof_end,source,source_class,kind,qualifier,value,low,high," \
    "quote,doc,repeat_of\n"

#define PARAMS                                                                    \
    "[phase a]\nstart = 2025-01-01\nhazard_median = 0.004\nhazard_log_sd = 0.5\n" \
    "[arrival x]\ndate = 2025-01-01\ncount = 10000\n"                             \
    "[class c]\ntau_losses = 0.5\ntau_force = 0.3\n"                              \
    "[class k]\ntau_losses = 0.5\ntau_force = 0.3\n"

static int32_t
day(const char *s)
{
    int32_t d;

    assert_int_equal(att_date_parse(s, &d, NULL), ATT_OK);
    return d;
}

/* A "fit" of n draws from the prior, with its model-unit values. */
static void
prior_fit(const fixture *f, size_t n, att_fit_result *fit)
{
    size_t dim = att_posterior_dim(f->post), i;
    gsl_rng *rng = att_rng_alloc(5, ATT_RNG_TEST, 0, 0, 0);
    att_error err;

    memset(fit, 0, sizeof *fit);
    fit->dim = dim;
    fit->chains = 1;
    fit->draws = n;
    fit->theta = calloc(n * dim, sizeof *fit->theta);
    assert_non_null(fit->theta);
    for (i = 0; i < n; i++)
        att_posterior_prior_draw(f->post, rng, fit->theta + i * dim);
    gsl_rng_free(rng);
    assert_int_equal(att_fit_complete(f->post, fit, &err), ATT_OK);
}

/* Scores f's ledger with post (built on what was known at the origin). */
static att_comparison
compare(const fixture *f, const att_posterior *post, const att_fit_result *fit, int32_t origin)
{
    att_compare_params cp = {7, 2, NULL};
    att_comparison c;
    att_error err;
    char msg[1200];

    if (att_compare_run(f->p, f->l, post, fit, origin, &cp, &c, &err) != ATT_OK)
        fail_msg("%s", att_error_format(&err, msg, sizeof msg));
    return c;
}

static const att_scored_report *
find(const att_comparison *c, const fixture *f, const char *id)
{
    size_t i;

    for (i = 0; i < c->nreport; i++)
        if (strcmp(f->l->reports[c->report[i].report].id, id) == 0)
            return &c->report[i];
    fail_msg("report %s was not scored", id);
    return NULL;
}

/* The ledger of the baselines' hand-worked forecasts below. */
#define HAND_LEDGER                                                                  \
    HDR "a,2025-01-02,2025-01-01,2025-01-01,X,c,casualties,approx,1000,,,q,d,\n"     \
        "b,2025-01-12,2025-01-11,2025-01-11,X,c,casualties,approx,2000,,,q,d,\n"     \
        "r,2025-01-12,2025-01-01,2025-01-11,X,k,rate,approx,100,,,q,d,\n"            \
        "k1,2025-01-12,2025-01-11,2025-01-11,X,c,killed,approx,500,,,q,d,\n"         \
        "later,2025-01-25,2025-01-21,2025-01-21,X,c,casualties,approx,2500,,,q,d,\n" \
        "kl,2025-01-25,2025-01-21,2025-01-21,X,c,killed,range,,600,900,q,d,\n"

/* Casualties 1,000 as of 2025-01-01 and 2,000 as of 01-11, a rate of 100 a
 * day: for a report as of 01-21, persistence says 2,000, the rate carried
 * forward 2,000 + 10 x 100 = 3,000, and the line through the last two
 * 2,000 + 10 x (1,000 / 10) = 3,000; killed 500 as of 01-11 grow at their
 * share 500 / 2,000 of the rate: 500 + 10 x 100 x 0.25 = 750. */
static void
test_baselines_by_hand(void **state)
{
    fixture f;
    att_fit_result fit;
    att_comparison c;
    const att_scored_report *r;

    (void)state;
    fixture_load(&f, PARAMS,
                 HAND_LEDGER

                 "again,2025-01-26,2025-01-21,2025-01-21,X,c,casualties,approx,2500,,,q,d,"
                 "later\n"
                 "v1,2025-01-20,2025-01-19,2025-01-19,W,c,casualties,approx,2100,,,q,d,\n"
                 "v2,2025-01-22,2025-01-19,2025-01-19,W,c,casualties,approx,2200,,,q,d,\n"
                 "v3,2025-01-24,2025-01-19,2025-01-19,W,c,casualties,approx,2300,,,q,d,\n");
    prior_fit(&f, 200, &fit);
    c = compare(&f, f.post, &fit, day("2025-01-15"));
    r = find(&c, &f, "later");
    assert_int_equal(r->horizon_days, 6);
    assert_int_equal(r->bucket, ATT_HORIZON_0_30);
    att_assert_close(r->fc[ATT_FC_PERSISTENCE].q50, 2000.0, 1e-8, 0.0);
    att_assert_close(r->fc[ATT_FC_RATE_FORWARD].q50, 3000.0, 1e-8, 0.0);
    att_assert_close(r->fc[ATT_FC_LINEAR].q50, 3000.0, 1e-8, 0.0);
    r = find(&c, &f, "kl");
    att_assert_close(r->fc[ATT_FC_RATE_FORWARD].q50, 750.0, 1e-8, 0.0);
    att_assert_close(r->fc[ATT_FC_PERSISTENCE].q50, 500.0, 1e-8, 0.0);
    assert_false(r->fc[ATT_FC_LINEAR].scored); /* one earlier killed figure */
    /* Only 2 one-step errors before the origin: the default spread. */
    assert_true(c.spread[ATT_FC_PERSISTENCE].fallback);
    /* The repeat is listed, not scored; of a revision chain only the
     * latest vintage is scored (and marked), the others name it. */
    assert_int_equal(c.nreport, 3);
    assert_int_equal(c.nnot, 3);
    assert_non_null(strstr(c.not_scorable[0].reason, "repeat of later"));
    assert_non_null(strstr(c.not_scorable[1].reason, "superseded by v3"));
    assert_non_null(strstr(c.not_scorable[2].reason, "superseded by v3"));
    assert_true(find(&c, &f, "v3")->revision);
    /* The superseded vintages are scored apart, for the ensemble's
     * weights at later origins, by the model and the baselines alone. */
    assert_int_equal(c.nvintage, 2);
    assert_string_equal(f.l->reports[c.vintage[0].report].id, "v1");
    assert_string_equal(f.l->reports[c.vintage[1].report].id, "v2");
    assert_true(c.vintage[0].fc[ATT_FC_MODEL].scored && c.vintage[0].fc[ATT_FC_PERSISTENCE].scored);
    assert_false(c.vintage[0].fc[ATT_FC_ENSEMBLE].scored);
    /* A range's masses add up; a point report has a PIT in (0, 1). */
    att_assert_close(r->fc[ATT_FC_MODEL].below + r->fc[ATT_FC_MODEL].inside +
                         r->fc[ATT_FC_MODEL].above,
                     1.0, 1e-12, 0.0);
    r = find(&c, &f, "later");
    assert_true(r->fc[ATT_FC_MODEL].pit > 0.0 && r->fc[ATT_FC_MODEL].pit < 1.0);
    assert_true(c.summary[ATT_FC_MODEL].n == 3);
    att_comparison_free(&c);
    att_fit_result_free(&fit);
    fixture_free(&f);
}

/* A fraction's predictive is clipped at 1 (docs/model.md, section 9): with a hazard of
 * about 20% a day, three weeks on nearly everyone is lost and the noise
 * would put much of the predictive above 1. */
static void
test_fraction_clipped_at_one(void **state)
{
    fixture f;
    att_fit_result fit;
    att_comparison c;
    const att_scored_report *r;

    (void)state;
    fixture_load(&f,
                 "[phase a]\nstart = 2025-01-01\nhazard_median = 0.2\nhazard_log_sd = 0.1\n"
                 "[arrival x]\ndate = 2025-01-01\ncount = 10000\n"
                 "[class c]\ntau_losses = 0.5\ntau_force = 0.3\n",
                 HDR "d,2025-01-02,2025-01-02,2025-01-02,X,c,deployed,approx,10000,,,q,d,\n"
                     "fr,2025-01-25,2025-01-21,2025-01-21,Y,c,fraction,approx,0.9,,,q,d,\n"
                     "fb,2025-01-25,2025-01-21,2025-01-21,Z,c,fraction,up_to,0.5,,,q,d,\n");
    prior_fit(&f, 300, &fit);
    c = compare(&f, f.post, &fit, day("2025-01-10"));
    r = find(&c, &f, "fr");
    assert_true(r->fc[ATT_FC_MODEL].clipped);
    assert_true(r->fc[ATT_FC_MODEL].q95 == 1.0);
    assert_true(r->fc[ATT_FC_MODEL].pit > 0.0 && r->fc[ATT_FC_MODEL].pit < 1.0);
    r = find(&c, &f, "fb");
    assert_true(r->fc[ATT_FC_MODEL].below > 0.0 && r->fc[ATT_FC_MODEL].below < 0.5);
    att_comparison_free(&c);
    att_fit_result_free(&fit);
    fixture_free(&f);
}

/* A report far in the predictive's tail keeps its (finite) log score:
 * with tau 0.05 and sigma's prior scale 0.05, 1,000,000 casualties
 * against about 1,000 lies far out even in the widest draws' components,
 * a log density below -800 (-948 here), not the floor of -690.8
 * (log 1e-300) kept for -infinity. */
static void
test_far_report_keeps_its_log_score(void **state)
{
    fixture f;
    att_fit_result fit;
    att_comparison c;
    const att_scored_report *r;

    (void)state;
    fixture_load(&f,
                 "[priors]\nsigma_median = 0.03\nsigma_log_sd = 0.5\n"
                 "[phase a]\nstart = 2025-01-01\nhazard_median = 0.01\nhazard_log_sd = 0.01\n"
                 "[arrival x]\ndate = 2025-01-01\ncount = 10000\n"
                 "[class c]\ntau_losses = 0.05\ntau_force = 0.05\n",
                 HDR "d,2025-01-02,2025-01-02,2025-01-02,X,c,deployed,approx,10000,,,q,d,\n"
                     "far,2025-01-25,2025-01-21,2025-01-21,Y,c,casualties,approx,1000000,,,q,d,\n");
    prior_fit(&f, 300, &fit);
    c = compare(&f, f.post, &fit, day("2025-01-10"));
    r = find(&c, &f, "far");
    assert_true(isfinite(r->fc[ATT_FC_MODEL].log_score));
    assert_true(r->fc[ATT_FC_MODEL].log_score < -800.0); /* -948 here */
    att_comparison_free(&c);
    att_fit_result_free(&fit);
    fixture_free(&f);
}

/* Reports simulated from the model itself, with the truth drawn from the
 * prior, are scored by the prior predictive (the fit's draws are prior
 * draws): the PITs are uniform and the intervals cover at their nominal
 * rates.  Each truth is its own prior draw with its own projected path,
 * bias and noise; the reports are casualties 1 to 60 days after the
 * origin. */
static void
test_calibrated_on_its_own_simulations(void **state)
{
    enum { NREP = 200, NDRAW = 1000 };
    fixture f, g;
    att_fit_result fit, one;
    att_comparison c;
    char *csv = malloc(200 * (NREP + 2)), *e, d0[ATT_DATE_BUFSIZE], d1[ATT_DATE_BUFSIZE];
    double pit[NREP], dmax = 0.0, ksc, value[64];
    gsl_rng *rng = att_rng_alloc(11, ATT_RNG_TEST, 1, 0, 0);
    int32_t origin = day("2025-02-01");
    size_t i, dim, sigma_k = 0, k;
    att_error err;

    (void)state;
    assert_non_null(csv);
    /* The information set holds one deployed figure (a force report): the
     * loss bias is not a parameter, so the predictive carries tau. */
    e = csv + sprintf(csv, HDR "d,2025-01-20,2025-01-20,2025-01-20,X,c,deployed,approx,10000,,,"
                               "q,d,\n");
    fixture_load(&g, PARAMS, csv);
    dim = att_posterior_dim(g.post);
    assert_true(dim <= 64);
    for (k = 0; k < dim; k++)
        if (att_posterior_param(g.post, k)->kind == ATT_PAR_SIGMA)
            sigma_k = k;
    prior_fit(&g, NDRAW, &fit);
    for (i = 0; i < NREP; i++) {
        att_project_params pp = att_project_default_params();
        att_projection pr;
        int32_t asof = origin + 1 + (int32_t)(i % 60);
        double m, sigma, y;
        /* The truth: a prior draw, its own path, a bias and a noise. */
        memset(&one, 0, sizeof one);
        one.dim = dim;
        one.chains = one.draws = 1;
        one.theta = calloc(dim, sizeof *one.theta);
        assert_non_null(one.theta);
        att_posterior_prior_draw(g.post, rng, one.theta);
        att_posterior_constrain(g.post, one.theta, value);
        pp.paths = 1;
        pp.seed = 1000 + i;
        pp.step = 1;
        pp.start = origin + 1;
        pp.horizon = asof + 1 - (origin + 1);
        pp.keep_paths = true;
        pp.threads = 1;
        assert_int_equal(att_project_run(g.p, g.post, &one, &pp, &pr, &err), ATT_OK);
        m = att_projection_path(&pr, ATT_SERIES_CASUALTIES, pr.ndates - 1, 0);
        att_projection_free(&pr);
        sigma = value[sigma_k];
        y = m * exp(gsl_ran_gaussian(rng, 0.5) + gsl_ran_gaussian(rng, sigma));
        att_fit_result_free(&one);
        e += sprintf(e, "s%zu,2025-06-01,%s,%s,X%zu,c,casualties,approx,%.10g,,,q,d,\n", i,
                     att_date_format(asof, d0), att_date_format(asof, d1), i, y);
    }
    fixture_load(&f, PARAMS, csv);
    c = compare(&f, g.post, &fit, origin);
    assert_int_equal(c.nreport, NREP);
    for (i = 0; i < NREP; i++)
        pit[i] = c.report[i].fc[ATT_FC_MODEL].pit;
    gsl_sort(pit, 1, NREP);
    for (i = 0; i < NREP; i++) {
        double lo = pit[i] - (double)i / NREP, hi = (double)(i + 1) / NREP - pit[i];
        dmax = fmax(dmax, fmax(lo, hi));
    }
    /* Kolmogorov-Smirnov at the 1% level: D > 1.628 / sqrt(n) rejects
     * (the asymptotic critical value, Massey 1951, Table 1). */
    ksc = 1.628 / sqrt((double)NREP);
    if (dmax > ksc)
        fail_msg("PIT not uniform: D = %g > %g", dmax, ksc);
    att_assert_close(c.summary[ATT_FC_MODEL].coverage50, 0.5, 0.0, 3.0 * sqrt(0.25 / NREP));
    att_assert_close(c.summary[ATT_FC_MODEL].coverage90, 0.9, 0.0, 3.0 * sqrt(0.09 / NREP));
    att_comparison_free(&c);
    att_fit_result_free(&fit);
    gsl_rng_free(rng);
    free(csv);
    fixture_free(&f);
    fixture_free(&g);
}

/* A force by groups: a report of one group reads that group, before the
 * origin from the day step and after it from each path's group values.
 * The engineers' deployed strength is a fixed 700 on every draw and path,
 * and the force's a fixed 10,700, both in a class whose force bias is
 * pinned: each predictive is a mixture of log-normals centred on that
 * figure, whose median is the figure itself. */
static void
test_groups_scored(void **state)
{
    fixture f;
    att_fit_result fit;
    att_comparison c;
    const att_scored_report *r;

    (void)state;
    fixture_load(
        &f,
        "[phase a]\nstart = 2025-01-01\nhazard_median = 0.004\nhazard_log_sd = 0.5\n"
        "[group inf]\n[group eng]\nhazard_ratio = 0.3\n"
        "[arrival x]\ndate = 2025-01-01\ncount = 10000\ngroup = inf\n"
        "[arrival z]\ndate = 2025-01-01\ncount = 700\ngroup = eng\n"
        "[departure rot]\ndate = 2025-02-15\nshare = 0.2\ngroup = inf\n"
        "[class c]\ntau_losses = 0.5\ntau_force = 0.3\n"
        "[model]\nreference_group = inf\nanchor = c:force\nreturn_share = 0.3\n"
        "return_delay = 10\n",
        "id,statement_date,asof_start,asof_end,source,source_class,kind,qualifier,value,low,high,"
        "quote,doc,measure,group\n"
        "s1,2025-01-20,2025-01-20,2025-01-20,X,c,strength,approx,9000,,,q,d,,inf\n"
        "c1,2025-01-25,2025-01-25,2025-01-25,X,c,casualties,approx,700,,,q,d,,\n"
        "d1,2025-02-20,2025-02-10,2025-02-10,X,c,deployed,approx,690,,,q,d,,eng\n"
        "d2,2025-02-20,2025-01-15,2025-01-15,X,c,deployed,approx,710,,,q,d,,eng\n"
        "d3,2025-02-20,2025-02-18,2025-02-18,X,c,deployed,approx,10600,,,q,d,,\n"
        "n1,2025-02-25,2025-02-20,2025-02-20,X,c,strength,approx,7000,,,q,d,,inf\n");
    prior_fit(&f, 200, &fit);
    c = compare(&f, f.post, &fit, day("2025-02-01"));
    r = find(&c, &f, "d1"); /* after the origin: the paths' eng values */
    att_assert_close(r->fc[ATT_FC_MODEL].q50, 700.0, 1e-9, 0.0);
    r = find(&c, &f, "d2"); /* as of before the origin: the day step's */
    att_assert_close(r->fc[ATT_FC_MODEL].q50, 700.0, 1e-9, 0.0);
    r = find(&c, &f, "d3"); /* the whole force */
    att_assert_close(r->fc[ATT_FC_MODEL].q50, 10700.0, 1e-9, 0.0);
    /* The infantry's strength after the rotation: below its 10,000, and
     * persistence finds s1 (inf), not the force's figures. */
    r = find(&c, &f, "n1");
    assert_true(r->fc[ATT_FC_MODEL].q50 < 10000.0 * 0.8);
    att_assert_close(r->fc[ATT_FC_PERSISTENCE].q50, 9000.0, 1e-8, 0.0);
    att_comparison_free(&c);
    att_fit_result_free(&fit);
    fixture_free(&f);
}

/* The ensemble is the linear pool of the forecasters that score a report
 * (MODEL.md): its density at a point figure, and its mass inside a range,
 * are the weighted sums of theirs, with the weights renormalised over
 * them; with all the weight on one forecaster it is that forecaster. */
static void
test_ensemble_pools_its_members(void **state)
{
    fixture f;
    att_fit_result fit;
    att_comparison c;
    att_compare_params cp = {7, 2, NULL};
    att_ensemble_weights ew = att_ensemble_equal();
    att_error err;
    size_t i, k, npoint = 0, nrange = 0;

    (void)state;
    fixture_load(&f, PARAMS,
                 HAND_LEDGER
                 "far,2025-03-25,2025-03-21,2025-03-21,X,c,casualties,approx,4000,,,q,d,\n");
    prior_fit(&f, 200, &fit);
    /* Unequal weights, to see the renormalisation. */
    ew.w[ATT_FC_MODEL] = 0.1;
    ew.w[ATT_FC_PERSISTENCE] = 0.2;
    ew.w[ATT_FC_RATE_FORWARD] = 0.3;
    ew.w[ATT_FC_LINEAR] = 0.4;
    cp.ensemble = &ew;
    assert_int_equal(att_compare_run(f.p, f.l, f.post, &fit, day("2025-01-15"), &cp, &c, &err),
                     ATT_OK);
    assert_true(c.ensemble.w[ATT_FC_LINEAR] == 0.4);
    for (i = 0; i < c.nreport; i++) {
        const att_scored_report *sr = &c.report[i];
        const att_report *r = &f.l->reports[sr->report];
        double wsum = 0.0, dens = 0.0, pit = 0.0, inside = 0.0;
        for (k = 0; k < ATT_FC_POOLED; k++)
            if (sr->fc[k].scored) {
                wsum += ew.w[k];
                dens += ew.w[k] * exp(sr->fc[k].log_score);
                pit += ew.w[k] * sr->fc[k].pit;
                inside += ew.w[k] * sr->fc[k].inside;
            }
        assert_true(sr->fc[ATT_FC_ENSEMBLE].scored);
        if (r->qualifier == ATT_QUAL_APPROX) {
            att_assert_close(exp(sr->fc[ATT_FC_ENSEMBLE].log_score), dens / wsum, 1e-9, 0.0);
            att_assert_close(sr->fc[ATT_FC_ENSEMBLE].pit, pit / wsum, 1e-9, 1e-12);
            npoint++;
        } else {
            att_assert_close(sr->fc[ATT_FC_ENSEMBLE].inside, inside / wsum, 1e-9, 1e-12);
            nrange++;
        }
        /* Its median lies between its members' extreme medians. */
        for (k = 0, wsum = HUGE_VAL, dens = -HUGE_VAL; k < ATT_FC_POOLED; k++)
            if (sr->fc[k].scored) {
                wsum = fmin(wsum, sr->fc[k].q50);
                dens = fmax(dens, sr->fc[k].q50);
            }
        assert_true(sr->fc[ATT_FC_ENSEMBLE].q50 >= wsum * (1 - 1e-9) &&
                    sr->fc[ATT_FC_ENSEMBLE].q50 <= dens * (1 + 1e-9));
    }
    assert_int_equal(npoint, 2);
    assert_int_equal(nrange, 1);
    att_comparison_free(&c);

    /* All the weight on one: that forecaster, quantiles and scores. */
    for (k = 0; k < ATT_FC_POOLED; k += 1) {
        const att_scored_report *sr;
        memset(ew.w, 0, sizeof ew.w);
        ew.w[k] = 1.0;
        assert_int_equal(att_compare_run(f.p, f.l, f.post, &fit, day("2025-01-15"), &cp, &c, &err),
                         ATT_OK);
        sr = find(&c, &f, "later");
        att_assert_close(sr->fc[ATT_FC_ENSEMBLE].q50, sr->fc[k].q50, 1e-9, 0.0);
        att_assert_close(sr->fc[ATT_FC_ENSEMBLE].q05, sr->fc[k].q05, 1e-9, 0.0);
        att_assert_close(sr->fc[ATT_FC_ENSEMBLE].log_score, sr->fc[k].log_score, 1e-9, 1e-12);
        att_assert_close(sr->fc[ATT_FC_ENSEMBLE].wis, sr->fc[k].wis, 1e-9, 1e-12);
        att_comparison_free(&c);
    }
    att_fit_result_free(&fit);
    fixture_free(&f);
}

/* One made-up row: forecaster k's log score lp[k], not scored where NaN. */
static void
made_up_row(att_scored_report *sr, size_t report, const double lp[ATT_FC_POOLED])
{
    size_t k;

    memset(sr, 0, sizeof *sr);
    sr->report = report;
    for (k = 0; k < ATT_FC_POOLED; k++) {
        sr->fc[k].scored = !isnan(lp[k]);
        sr->fc[k].log_score = lp[k];
    }
}

/* The weights are learned from each report stated by the origin as scored
 * from the latest earlier origin (never an older origin's scores, never
 * a report stated after the origin, a superseded vintage only while it
 * was the latest known): 3 reports only the model
 * predicted and 7 only persistence did give weights 0.3 and 0.7, a
 * forecaster that scored none of them 0, one that missed them all about
 * 0.  Below 5 such reports, equal weights. */
static void
test_weights_from_earlier_origins(void **state)
{
    static const double model_right[ATT_FC_POOLED] = {0.0, -30.0, NAN, -30.0};
    static const double pers_right[ATT_FC_POOLED] = {-30.0, 0.0, NAN, -30.0};
    fixture f;
    att_comparison list[2];
    att_ensemble_weights ew;
    att_error err;
    size_t i;

    (void)state;
    fixture_load(&f, PARAMS,
                 HDR "e1,2025-01-05,2025-01-04,2025-01-04,X,c,casualties,approx,1000,,,q,d,\n"
                     "e2,2025-01-05,2025-01-04,2025-01-04,X,c,killed,approx,100,,,q,d,\n"
                     "m1,2025-01-15,2025-01-14,2025-01-14,X,c,casualties,approx,1500,,,q,d,\n"
                     "m2,2025-01-15,2025-01-14,2025-01-14,X,c,killed,approx,150,,,q,d,\n"
                     "m3,2025-01-15,2025-01-14,2025-01-14,Y,k,casualties,approx,1400,,,q,d,\n"
                     "m4,2025-01-15,2025-01-14,2025-01-14,Y,k,killed,approx,140,,,q,d,\n"
                     "m5,2025-01-16,2025-01-15,2025-01-15,X,c,casualties,approx,1600,,,q,d,\n"
                     "m6,2025-01-16,2025-01-15,2025-01-15,X,c,killed,approx,160,,,q,d,\n"
                     "m7,2025-01-16,2025-01-15,2025-01-15,Y,k,casualties,approx,1500,,,q,d,\n"
                     "m8,2025-01-16,2025-01-15,2025-01-15,Y,k,killed,approx,150,,,q,d,\n"
                     "z,2025-02-01,2025-01-31,2025-01-31,X,c,casualties,approx,3000,,,q,d,\n"
                     "r1,2025-01-15,2025-01-14,2025-01-14,W,c,casualties,approx,1450,,,q,d,\n"
                     "r2,2025-02-05,2025-01-14,2025-01-14,W,c,casualties,approx,1480,,,q,d,\n");
    memset(list, 0, sizeof list);
    assert_int_equal(f.l->reports[11].revised_by, 12); /* r2 revises r1 */
    /* Given in the reverse order: the order of the list must not matter. */
    list[1].origin = day("2025-01-01"); /* scores e1 .. z */
    list[0].origin = day("2025-01-10"); /* scores m1 .. z */
    list[1].report = calloc(11, sizeof *list[1].report);
    list[0].report = calloc(9, sizeof *list[0].report);
    assert_non_null(list[0].report);
    assert_non_null(list[1].report);
    for (i = 0; i < 11; i++) /* the earliest origin: the model right everywhere */
        made_up_row(&list[1].report[list[1].nreport++], i, model_right);
    for (i = 2; i < 11; i++) /* the latest: the model right on m1 only */
        made_up_row(&list[0].report[list[0].nreport++], i, i == 2 ? model_right : pers_right);
    assert_int_equal(att_compare_weights(list, 2, f.l, day("2025-01-20"), &ew, &err), ATT_OK);
    assert_true(ew.fitted);
    assert_int_equal(ew.reports, 10); /* e1, e2 from 01-01; m1 .. m8 from 01-10; not z */
    assert_int_equal(ew.origins, 2);
    att_assert_close(ew.w[ATT_FC_MODEL], 0.3, 1e-4, 0.0);
    att_assert_close(ew.w[ATT_FC_PERSISTENCE], 0.7, 1e-4, 0.0);
    assert_true(ew.w[ATT_FC_RATE_FORWARD] == 0.0);
    assert_true(ew.w[ATT_FC_LINEAR] < 1e-4);
    /* r1, revised by r2 only after the origin, is the vintage known then:
     * its scores from 01-10 (a vintage row there: the model right) count,
     * 4 of 11.  After r2 is stated, r1 no longer does: at 02-10, e1, e2,
     * m1 .. m8 and z (persistence right, from 01-10), 3 of 11. */
    list[0].vintage = calloc(1, sizeof *list[0].vintage);
    assert_non_null(list[0].vintage);
    made_up_row(&list[0].vintage[list[0].nvintage++], 11, model_right);
    assert_int_equal(att_compare_weights(list, 2, f.l, day("2025-01-20"), &ew, &err), ATT_OK);
    assert_int_equal(ew.reports, 11);
    att_assert_close(ew.w[ATT_FC_MODEL], 4.0 / 11.0, 1e-4, 0.0);
    assert_int_equal(att_compare_weights(list, 2, f.l, day("2025-02-10"), &ew, &err), ATT_OK);
    assert_int_equal(ew.reports, 11);
    att_assert_close(ew.w[ATT_FC_MODEL], 3.0 / 11.0, 1e-4, 0.0);
    free(list[0].vintage);
    /* At 2025-01-12 only e1 and e2 were stated: equal weights. */
    assert_int_equal(att_compare_weights(list, 2, f.l, day("2025-01-12"), &ew, &err), ATT_OK);
    assert_false(ew.fitted);
    assert_int_equal(ew.reports, 2);
    assert_int_equal(ew.origins, 1);
    for (i = 0; i < ATT_FC_POOLED; i++)
        assert_true(ew.w[i] == 0.25);
    free(list[0].report);
    free(list[1].report);
    fixture_free(&f);
}

/* The calibration test (a fit and 200 projections) runs with --slow
 * (ctest's test_compare_slow, label slow), the rest without. */
int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_baselines_by_hand),
        cmocka_unit_test(test_fraction_clipped_at_one),
        cmocka_unit_test(test_far_report_keeps_its_log_score),
        cmocka_unit_test(test_groups_scored),
        cmocka_unit_test(test_ensemble_pools_its_members),
        cmocka_unit_test(test_weights_from_earlier_origins),
    };
    const struct CMUnitTest slow[] = {
        cmocka_unit_test(test_calibrated_on_its_own_simulations),
    };

    if (argc > 1 && strcmp(argv[1], "--slow") == 0)
        return cmocka_run_group_tests_name("compare_slow", slow, NULL, NULL);
    return cmocka_run_group_tests_name("compare", tests, NULL, NULL);
}
