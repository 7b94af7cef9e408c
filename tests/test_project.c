/* test_project.c -- the projection against truth: zero hazard keeps every
 * troop; the mean over many paths of a one-draw projection is the closed
 * form (within its Monte Carlo error); first passage below a level has a
 * binomial closed form; quantiles are monotone in the level; the same
 * bytes for 1 and 2 threads; a scenario and its twin without waves share
 * their random numbers; and bad projection settings are refused. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>

#include <attrition/att_date.h>
#include <attrition/att_model.h>
#include <attrition/att_project.h>
#include <attrition/att_rng.h>

#include "att_test.h"
#include "fixture.h"

#define LEDGER                                                                                 \
    "id,statement_date,asof_start,asof_end,source,source_class,kind,qualifier,value,low,high," \
    "quote,doc,repeat_of\n"                                                                    \
    "d1,2025-01-20,2025-01-20,2025-01-20,X,c,deployed,approx,10000,,,q,d,\n"

#define CLASS "[class c]\ntau_losses = 0.5\ntau_force = 0.3\n"

/* One fitted phase (h_a), a fixed arrival, a wave in its own pool and a
 * relative one with uncertain size, gap and multiplier. */
#define MEAN_PARAMS                                                              \
    "[phase a]\nstart = 2025-01-01\nhazard_median = 0.004\nhazard_log_sd = 1\n"  \
    "[arrival x]\ndate = 2025-01-01\ncount = 10000\n" CLASS                      \
    "[projection]\nstart = 2025-03-01\nhorizon = 120\nstep = 7\npaths = 20000\n" \
    "[wave w]\ndate = 2025-04-10\nsize = 5000\nhazard = 0.01\n"

#define MIXED_PARAMS                                                                      \
    MEAN_PARAMS "[wave v]\nafter = w\ngap_low = 10\ngap_high = 30\nsize_low = 1000\n"     \
                "size_high = 3000\nhazard_phase = a\nhazard_multiplier_low = 0.5\n"       \
                "hazard_multiplier_high = 2\n"                                            \
                "[threshold low]\nquantity = strength\ndirection = below\nvalue = 9000\n" \
                "[threshold half]\nquantity = loss_fraction\ndirection = at_least\nvalue = 0.3\n"

/* A one-draw fit at hazard h for every fitted phase, kappa 0.3, and the
 * prior's centre elsewhere. */
static void
one_draw(const fixture *f, double h, att_fit_result *fit)
{
    size_t k, dim = att_posterior_dim(f->post);

    memset(fit, 0, sizeof *fit);
    fit->dim = dim;
    fit->chains = 1;
    fit->draws = 1;
    fit->theta = calloc(dim, sizeof *fit->theta);
    assert_non_null(fit->theta);
    att_posterior_prior_center(f->post, fit->theta);
    for (k = 0; k < dim; k++) {
        const att_param_info *pi = att_posterior_param(f->post, k);
        if (pi->kind == ATT_PAR_HAZARD)
            fit->theta[k] = log(h);
        else if (pi->kind == ATT_PAR_KAPPA)
            fit->theta[k] = log(0.3 / 0.7);
    }
}

/* The one-draw fit's start state (equation (16)), rounded, and its kappa;
 * hazard receives the draw's hazards (one phase). */
static att_state
start_state(const fixture *f, const att_fit_result *fit, double *hazard, double *kappa)
{
    att_model_values v;
    att_state st;
    double count[4];

    att_posterior_model_values(f->post, fit->theta, hazard, count, kappa);
    v.hazard = hazard;
    v.count = count;
    v.kappa = *kappa;
    v.ratio = NULL;
    v.depart = NULL;
    v.rho = 0.0;
    st = att_model_state(f->p, &v, (double)f->p->projection.start);
    st.strength = floor(st.strength + 0.5);
    st.casualties = floor(st.casualties + 0.5);
    st.killed = floor(st.killed + 0.5);
    return st;
}

static att_projection
run(const fixture *f, const att_fit_result *fit, size_t paths, int threads, long step, bool twin)
{
    att_project_params pp = att_project_default_params();
    att_projection r;
    att_error err;
    char msg[1200];

    pp.paths = paths;
    pp.seed = 11;
    pp.threads = threads;
    pp.step = step;
    pp.without_waves = twin;
    if (att_project_run(f->p, f->post, fit, &pp, &r, &err) != ATT_OK)
        fail_msg("%s", att_error_format(&err, msg, sizeof msg));
    return r;
}

static size_t
level_index(const att_projection *r, double level)
{
    size_t j;

    for (j = 0; j < r->nlevels && r->levels[j] != level; j++)
        ;
    assert_true(j < r->nlevels);
    return j;
}

/* With zero hazard nobody is lost: strength is the arrivals, exactly, at
 * every level and date, and casualties and killed stay where they were. */
static void
test_zero_hazard_keeps_every_troop(void **state)
{
    fixture f;
    att_fit_result fit;
    att_projection r;
    int32_t w1, w2;
    size_t k, j;

    (void)state;
    fixture_load(&f,
                 "[phase a]\nstart = 2025-01-01\nhazard = 0\n"
                 "[arrival x]\ndate = 2025-01-01\ncount = 10000\n" CLASS
                 "[projection]\nstart = 2025-03-01\nhorizon = 100\nstep = 5\nhazard = 0\n"
                 "[wave w]\ndate = 2025-04-10\nsize = 5000\n"
                 "[wave v]\nafter = w\ngap_low = 10\ngap_high = 10\nsize = 1234\nhazard = 0\n",
                 LEDGER);
    one_draw(&f, 0.004, &fit);
    r = run(&f, &fit, 500, 2, 0, false);
    assert_int_equal(att_date_parse("2025-04-10", &w1, NULL), ATT_OK);
    w2 = w1 + 10;
    for (k = 0; k < r.ndates; k++) {
        double want = 10000.0 + (r.dates[k] > w1 ? 5000.0 : 0.0) + (r.dates[k] > w2 ? 1234.0 : 0.0);
        for (j = 0; j < r.nlevels; j++) {
            assert_true(att_projection_q(&r, ATT_SERIES_STRENGTH, k, j) == want);
            assert_true(att_projection_q(&r, ATT_SERIES_CASUALTIES, k, j) == 0.0);
            assert_true(att_projection_q(&r, ATT_SERIES_KILLED, k, j) == 0.0);
        }
        assert_true(r.mean[ATT_SERIES_STRENGTH][k] == want);
    }
    assert_true(r.deployed_end_q50 == 16234.0);
    att_projection_free(&r);
    free(fit.theta);
    fixture_free(&f);
}

/* The expected path is the closed form (docs/model.md, section 1.3): N(t) = N0 e^{-h (t-s)}
 * + 5000 e^{-h_w (t - t_w)} after the wave, each cohort Binomial so the
 * Monte Carlo error of the mean is known; C and K follow. */
static void
test_mean_is_the_closed_form(void **state)
{
    fixture f;
    att_fit_result fit;
    att_projection r;
    att_state st;
    double hazard[1], kappa, n0, c0, k0, h, hw = 0.01;
    int32_t tw;
    size_t k, paths = 8000;

    (void)state;
    fixture_load(&f, MEAN_PARAMS, LEDGER);
    one_draw(&f, 0.004, &fit);
    st = start_state(&f, &fit, hazard, &kappa);
    h = hazard[0];
    att_assert_close(h, 0.004, 1e-12, 0.0);
    n0 = st.strength;
    c0 = st.casualties;
    k0 = st.killed;
    assert_int_equal(att_date_parse("2025-04-10", &tw, NULL), ATT_OK);
    r = run(&f, &fit, paths, 2, 0, false);
    assert_int_equal(r.paths, paths);
    for (k = 0; k < r.ndates; k++) {
        double dt = (double)(r.dates[k] - f.p->projection.start), p1 = exp(-h * dt);
        double p2 = r.dates[k] > tw ? exp(-hw * (double)(r.dates[k] - tw)) : 1.0;
        double m2 = r.dates[k] > tw ? 5000.0 : 0.0;
        double en = n0 * p1 + m2 * p2, var = n0 * p1 * (1 - p1) + m2 * p2 * (1 - p2);
        double ec = c0 + n0 * (1 - p1) + m2 * (1 - p2);
        double ek = k0 + kappa * (ec - c0);
        double vk = kappa * kappa * var + kappa * (1 - kappa) * (ec - c0);
        double se = sqrt(var / (double)paths), sek = sqrt(vk / (double)paths);
        att_assert_close(r.mean[ATT_SERIES_STRENGTH][k], en, 0.0, 4.5 * se + 1e-9);
        att_assert_close(r.mean[ATT_SERIES_CASUALTIES][k], ec, 0.0, 4.5 * se + 1e-9);
        att_assert_close(r.mean[ATT_SERIES_KILLED][k], ek, 0.0, 4.5 * sek + 1e-9);
    }
    att_projection_free(&r);
    free(fit.theta);
    fixture_free(&f);
}

/* A force by groups (docs/model.md 1.5): two groups (art at half the
 * hazard), a share and a count leaving in the horizon, a quarter of the
 * non-fatal casualties back after 12 days, and a wave of art.  The mean
 * over many paths of each group's N, C and K is the closed form stepped
 * day by day (att_model_group_states) continued through the horizon with
 * the wave as an arrival; the paths' start state and the returns of the
 * days before the start are rounded, so it agrees to a few troops (3 +
 * 4.5 standard errors, the binomial variance bounded by the casualties). */
#define FORCE_PROJECT_BASE                                                      \
    "[phase a]\nstart = 2025-01-01\nhazard_median = 0.004\nhazard_log_sd = 1\n" \
    "[group inf]\n[group art]\nhazard_ratio = 0.5\n"                            \
    "[arrival x]\ndate = 2025-01-01\ncount = 10000\ngroup = inf\n"              \
    "[arrival y]\ndate = 2025-01-10\ncount = 2000\ngroup = art\n" CLASS         \
    "[departure out]\ndate = 2025-05-01\ncount = 300\ngroup = art\n"            \
    "[model]\nreference_group = inf\nreturn_share = 0.25\nreturn_delay = 12\n"  \
    "[projection]\nstart = 2025-03-01\nhorizon = 120\nstep = 7\n"
#define FORCE_ROT            "[departure rot]\ndate = 2025-04-01\nshare = 0.2\ngroup = inf\n"
#define FORCE_PROJECT_PARAMS FORCE_PROJECT_BASE FORCE_ROT

static void
test_force_mean_is_the_closed_form(void **state)
{
    fixture f, g;
    att_fit_result fit;
    att_projection r, r1;
    att_model_values v;
    double vals[16];
    att_state rows[2 * 130];
    size_t k, paths = 8000, gi, j;
    int32_t tw;

    (void)state;
    fixture_load(&f, FORCE_PROJECT_PARAMS "[wave w]\ndate = 2025-04-10\nsize = 1500\ngroup = art\n",
                 LEDGER);
    /* The same force with the wave as a fixed arrival: its closed form. */
    fixture_load(&g,
                 FORCE_PROJECT_PARAMS "[arrival w]\ndate = 2025-04-10\ncount = 1500\ngroup = art\n",
                 LEDGER);
    one_draw(&f, 0.004, &fit);
    assert_int_equal(att_date_parse("2025-04-10", &tw, NULL), ATT_OK);
    r = run(&f, &fit, paths, 2, 0, false);
    assert_int_equal(r.ngroup, 2);
    assert_int_equal(r.capped_paths, 0); /* 300 of art's 2,000-odd: never all of them */
    assert_true(att_posterior_nvalues(g.post) <= 16);
    att_posterior_values(g.post, fit.theta, vals, &v); /* the same values: no parameter differs */
    att_model_group_states(g.p, &v, f.p->projection.start, 121, rows);
    for (k = 0; k < r.ndates; k++) {
        size_t t = (size_t)(r.dates[k] - f.p->projection.start);
        double allN = 0.0;
        for (gi = 0; gi < 2; gi++) {
            const att_state *st = &rows[t * 2 + gi];
            double lost = st->casualties - rows[gi].casualties;
            double se = sqrt((lost + 1.0) / (double)paths), tol = 3.0 + 4.5 * se;
            att_assert_close(r.gmean[ATT_SERIES_STRENGTH][gi * r.ndates + k], st->strength, 0.0,
                             tol);
            att_assert_close(r.gmean[ATT_SERIES_CASUALTIES][gi * r.ndates + k], st->casualties, 0.0,
                             tol);
            att_assert_close(r.gmean[ATT_SERIES_KILLED][gi * r.ndates + k], st->killed, 0.0, tol);
            allN += st->strength;
        }
        att_assert_close(r.mean[ATT_SERIES_STRENGTH][k], allN, 0.0,
                         6.0 + 9.0 * sqrt(allN / (double)paths));
    }
    att_projection_free(&r);
    /* The same bytes whatever the threads (on fewer paths: the same code). */
    r = run(&f, &fit, 1000, 2, 0, false);
    r1 = run(&f, &fit, 1000, 1, 0, false);
    for (j = 0; j < ATT_SERIES_COUNT; j++)
        assert_memory_equal(r.gq[j], r1.gq[j], 2 * r.ndates * r.nlevels * sizeof(double));
    att_projection_free(&r1);
    att_projection_free(&r);
    free(fit.theta);
    fixture_free(&g);
    fixture_free(&f);
}

/* Type-7 quantile of x (n values), sorting a copy: written here apart from
 * the library's. */
static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static double
quantile7(const double *x, size_t n, double level)
{
    double *c = malloc(n * sizeof *c), h, v;
    size_t lo;

    assert_non_null(c);
    memcpy(c, x, n * sizeof *c);
    qsort(c, n, sizeof *c, cmp_double);
    h = (double)(n - 1) * level / 100.0;
    lo = (size_t)floor(h);
    v = lo + 1 < n ? c[lo] + (h - (double)lo) * (c[lo + 1] - c[lo]) : c[lo];
    free(c);
    return v;
}

#define NDRAW_VIEWS ((size_t)30)

/* The fitted period and the views against what they mean, on a force with
 * groups, a departure and returns before the start and 30 draws from the
 * prior: each band at each date is the type-7 quantile over the draws of
 * att_model_state (the force), att_model_group_states (each group), the
 * change of C over the step per day and C / D; over the kept paths, of the
 * paths' change of C per day and C / D.  Views change nothing else. */
static void
test_views_and_history(void **state)
{
    fixture f;
    att_fit_result fit;
    att_projection r, plain;
    att_project_params pp = att_project_default_params();
    att_error err;
    char msg[1200];
    gsl_rng *rng;
    double vals[32], x[4][NDRAW_VIEWS], gx[2][NDRAW_VIEWS], px[2][2000];
    att_state rows[2 * 80];
    size_t i, k, j, g, s, dim, nd = NDRAW_VIEWS, paths = 2000;

    (void)state;
    fixture_load(&f,
                 FORCE_PROJECT_PARAMS "[departure early]\ndate = 2025-02-01\ncount = 500\n"
                                      "group = inf\n",
                 LEDGER);
    dim = att_posterior_dim(f.post);
    memset(&fit, 0, sizeof fit);
    fit.dim = dim;
    fit.chains = 1;
    fit.draws = nd;
    fit.theta = calloc(nd * dim, sizeof *fit.theta);
    assert_non_null(fit.theta);
    rng = att_rng_alloc(3, ATT_RNG_TEST, 0, 0, 0);
    for (i = 0; i < nd; i++)
        att_posterior_prior_draw(f.post, rng, fit.theta + i * dim);
    gsl_rng_free(rng);
    assert_true(att_posterior_nvalues(f.post) <= 32);

    pp.paths = paths;
    pp.seed = 5;
    pp.keep_paths = true;
    pp.views = true;
    if (att_project_run(f.p, f.post, &fit, &pp, &r, &err) != ATT_OK)
        fail_msg("%s", att_error_format(&err, msg, sizeof msg));
    assert_true(r.nhist >= 8);
    assert_non_null(r.rate_q);
    assert_non_null(r.hist_gq[ATT_SERIES_STRENGTH]);
    for (k = 0; k < r.nhist; k++) {
        int32_t t = r.hist_dates[k], next = k + 1 < r.nhist ? r.hist_dates[k + 1] : r.dates[0];
        for (i = 0; i < nd; i++) {
            att_model_values v;
            att_state a, b;
            att_posterior_values(f.post, fit.theta + i * dim, vals, &v);
            a = att_model_state(f.p, &v, (double)t);
            b = att_model_state(f.p, &v, (double)next);
            x[0][i] = a.strength;
            x[1][i] = a.casualties;
            x[2][i] = (b.casualties - a.casualties) / (double)(next - t);
            x[3][i] = a.deployed > 0.0 ? a.casualties / a.deployed : 0.0;
            att_model_group_states(f.p, &v, t, 1, rows);
            gx[0][i] = rows[1].strength; /* art */
            gx[1][i] = rows[1].casualties;
        }
        for (j = 0; j < r.nlevels; j++) {
            double lv = r.levels[j];
            size_t at = k * r.nlevels + j, gat = (r.nhist + k) * r.nlevels + j;
            att_assert_close(r.hist_q[ATT_SERIES_STRENGTH][at], quantile7(x[0], nd, lv), 1e-12, 0);
            att_assert_close(r.hist_q[ATT_SERIES_CASUALTIES][at], quantile7(x[1], nd, lv), 1e-12,
                             0);
            att_assert_close(r.hist_rate_q[at], quantile7(x[2], nd, lv), 1e-12, 1e-12);
            att_assert_close(r.hist_share_q[at], quantile7(x[3], nd, lv), 1e-12, 0);
            att_assert_close(r.hist_gq[ATT_SERIES_STRENGTH][gat], quantile7(gx[0], nd, lv), 1e-12,
                             0);
            att_assert_close(r.hist_gq[ATT_SERIES_CASUALTIES][gat], quantile7(gx[1], nd, lv), 1e-12,
                             0);
        }
    }
    for (k = 0; k < r.ndates; k++) {
        for (i = 0; i < paths; i++) {
            double c = att_projection_path(&r, ATT_SERIES_CASUALTIES, k, i);
            double d = att_projection_path(&r, ATT_SERIES_COUNT, k, i);
            px[0][i] = d > 0.0 ? c / d : 0.0;
            if (k + 1 < r.ndates)
                px[1][i] = (att_projection_path(&r, ATT_SERIES_CASUALTIES, k + 1, i) - c) /
                           (double)(r.dates[k + 1] - r.dates[k]);
        }
        for (j = 0; j < r.nlevels; j++) {
            att_assert_close(r.share_q[k * r.nlevels + j], quantile7(px[0], paths, r.levels[j]),
                             1e-12, 0);
            if (k + 1 < r.ndates)
                att_assert_close(r.rate_q[k * r.nlevels + j], quantile7(px[1], paths, r.levels[j]),
                                 1e-12, 1e-12);
        }
    }
    /* Without views: nothing of theirs, and every other figure the same. */
    pp.views = false;
    pp.keep_paths = false;
    if (att_project_run(f.p, f.post, &fit, &pp, &plain, &err) != ATT_OK)
        fail_msg("%s", att_error_format(&err, msg, sizeof msg));
    assert_null(plain.rate_q);
    assert_null(plain.hist_share_q);
    for (s = 0; s < ATT_SERIES_COUNT; s++) {
        assert_memory_equal(plain.q[s], r.q[s], r.ndates * r.nlevels * sizeof(double));
        assert_memory_equal(plain.hist_q[s], r.hist_q[s], r.nhist * r.nlevels * sizeof(double));
        for (g = 0; g < 2; g++)
            assert_memory_equal(plain.gq[s] + g * r.ndates * r.nlevels,
                                r.gq[s] + g * r.ndates * r.nlevels,
                                r.ndates * r.nlevels * sizeof(double));
    }
    att_projection_free(&plain);
    att_projection_free(&r);
    free(fit.theta);
    fixture_free(&f);
}

/* A departure the scenario schedules (date_low, date_high) on one day is
 * the same as a fitted one on that day: the paths' mean is the closed form
 * of the file that fits it; a range starting before the projection is
 * refused. */
static void
test_scheduled_departure(void **state)
{
    fixture f, g;
    att_fit_result fit;
    att_projection r;
    att_model_values v;
    att_error err;
    double vals[16];
    att_state rows[2 * 130];
    size_t k, gi, paths = 8000;

    (void)state;
    fixture_load(&f,
                 FORCE_PROJECT_BASE "[departure rot]\ndate_low = 2025-04-01\n"
                                    "date_high = 2025-04-01\nshare = 0.2\ngroup = inf\n",
                 LEDGER);
    fixture_load(&g, FORCE_PROJECT_PARAMS, LEDGER);
    assert_int_equal(f.p->nscheduled, 1);
    assert_int_equal(f.p->ndeparture, 1); /* "out", fitted */
    one_draw(&f, 0.004, &fit);
    r = run(&f, &fit, paths, 2, 0, false);
    att_posterior_values(g.post, fit.theta, vals, &v); /* no parameter differs */
    att_model_group_states(g.p, &v, f.p->projection.start, 121, rows);
    for (k = 0; k < r.ndates; k++) {
        size_t t = (size_t)(r.dates[k] - f.p->projection.start);
        for (gi = 0; gi < 2; gi++) {
            const att_state *st = &rows[t * 2 + gi];
            double se = sqrt((st->casualties - rows[gi].casualties + 1.0) / (double)paths);
            att_assert_close(r.gmean[ATT_SERIES_STRENGTH][gi * r.ndates + k], st->strength, 0.0,
                             3.0 + 4.5 * se);
        }
    }
    att_projection_free(&r);
    free(fit.theta);
    fixture_free(&g);
    fixture_free(&f);
    /* A count above its group's strength: every path caps it and says so;
     * the group is emptied, and only its returns (a quarter of the
     * non-fatal casualties of the 12 days before) come back. */
    fixture_load(
        &f, FORCE_PROJECT_BASE "[departure all]\ndate = 2025-04-01\ncount = 50000\ngroup = art\n",
        LEDGER);
    one_draw(&f, 0.004, &fit);
    r = run(&f, &fit, 500, 2, 0, false);
    assert_int_equal(r.capped_paths, 500);
    for (k = 0; k < r.ndates; k++)
        if (r.dates[k] > att_date_from_ymd(2025, 4, 1))
            assert_true(r.gmean[ATT_SERIES_STRENGTH][1 * r.ndates + k] < 40.0);
    att_projection_free(&r);
    free(fit.theta);
    fixture_free(&f);
    fixture_load(&f,
                 FORCE_PROJECT_BASE "[departure early]\ndate_low = 2025-02-20\n"
                                    "date_high = 2025-03-20\ncount = 100\ngroup = inf\n",
                 LEDGER);
    assert_int_equal(att_project_check(f.p, &err), ATT_EDATA);
    assert_string_equal(err.field, "date_low");
    fixture_free(&f);
}

/* A single cohort with no arrivals is a pure death process, N(t) ~
 * Binomial(N0, e^{-h t}), so crossing "below 50" by day t has probability
 * P(N(t) <= 49) and "half lost" (C/D >= 1/2, D = 100) P(N(t) <= 50). */
static void
test_first_passage_closed_form(void **state)
{
    fixture f;
    att_fit_result fit;
    att_projection r;
    att_state st;
    double hazard[1], kappa, n0, h = 0.01;
    size_t k, paths = 8000, crossed_median = 0;
    unsigned m0;

    (void)state;
    fixture_load(&f,
                 "[phase a]\nstart = 2025-01-01\nhazard = 0.01\n"
                 "[arrival x]\ndate = 2025-02-28\ncount = 100\n" CLASS
                 "[projection]\nstart = 2025-03-01\nhorizon = 150\nstep = 1\n"
                 "[threshold below]\nquantity = strength\ndirection = below\nvalue = 50\n"
                 "[threshold half]\nquantity = loss_fraction\ndirection = at_least\n"
                 "value = 0.5\n",
                 LEDGER);
    one_draw(&f, 0.004, &fit);
    st = start_state(&f, &fit, hazard, &kappa);
    n0 = st.strength;
    assert_true(n0 + st.casualties == 100.0);
    m0 = (unsigned)n0;
    r = run(&f, &fit, paths, 2, 0, false);
    assert_int_equal(r.nthreshold, 2);
    assert_true(r.threshold[0].p_at_start == 0.0);
    for (k = 0; k < r.ndates; k++) {
        double s = exp(-h * (double)(r.dates[k] - f.p->projection.start));
        double pb = gsl_cdf_binomial_P(49, s, m0), ph = gsl_cdf_binomial_P(50, s, m0);
        double tb = 4.5 * sqrt(pb * (1 - pb) / (double)paths) + 1e-12;
        double th = 4.5 * sqrt(ph * (1 - ph) / (double)paths) + 1e-12;
        att_assert_close(r.threshold[0].by_date[k], pb, 0.0, tb);
        att_assert_close(r.threshold[1].by_date[k], ph, 0.0, th);
        if (crossed_median == 0 && pb >= 0.5)
            crossed_median = k;
    }
    /* The median first-passage day is where the closed form reaches 1/2,
     * within two days of Monte Carlo error. */
    assert_true(crossed_median > 0);
    assert_true(abs(r.threshold[0].date_q[1] - r.dates[crossed_median]) <= 2);
    assert_true(r.threshold[0].date_q[0] <= r.threshold[0].date_q[1]);
    assert_true(r.threshold[0].date_q[1] <= r.threshold[0].date_q[2]);
    att_projection_free(&r);
    free(fit.theta);
    fixture_free(&f);
}

/* Quantiles are monotone in the level; 1 and 2 threads give the same
 * bytes; the twin without waves shares the contingent's numbers, so what
 * the waves add is never negative nor more than they brought. */
static void
test_threads_monotone_and_twin(void **state)
{
    fixture f;
    att_fit_result fit;
    att_projection a, b, t;
    att_error err;
    double lo, hi;
    size_t k, j, s, m;

    (void)state;
    fixture_load(&f, MIXED_PARAMS, LEDGER);
    one_draw(&f, 0.004, &fit);
    a = run(&f, &fit, 3000, 1, 0, false);
    b = run(&f, &fit, 3000, 2, 0, false);
    for (s = 0; s < ATT_SERIES_COUNT; s++) {
        assert_memory_equal(a.q[s], b.q[s], a.ndates * a.nlevels * sizeof(double));
        assert_memory_equal(a.end[s], b.end[s], a.paths * sizeof(double));
        for (k = 0; k < a.ndates; k++)
            for (j = 0; j + 1 < a.nlevels; j++)
                assert_true(att_projection_q(&a, (att_series)s, k, j) <=
                            att_projection_q(&a, (att_series)s, k, j + 1));
    }
    for (m = 0; m < a.nthreshold; m++) {
        assert_memory_equal(a.threshold[m].by_date, b.threshold[m].by_date,
                            a.ndates * sizeof(double));
        for (k = 0; k + 1 < a.ndates; k++)
            assert_true(a.threshold[m].by_date[k] <= a.threshold[m].by_date[k + 1]);
    }
    t = run(&f, &fit, 3000, 2, 0, true);
    assert_int_equal(att_projection_paired(&a, &t, ATT_SERIES_STRENGTH, 0.0, &lo, &err), ATT_OK);
    assert_int_equal(att_projection_paired(&a, &t, ATT_SERIES_STRENGTH, 100.0, &hi, &err), ATT_OK);
    assert_true(lo >= 0.0);
    assert_true(hi <= 5000.0 + 3000.0);
    assert_true(hi > 0.0);
    assert_int_equal(att_projection_paired(&a, &t, ATT_SERIES_CASUALTIES, 0.0, &lo, &err), ATT_OK);
    assert_true(lo >= 0.0);
    att_projection_free(&a);
    att_projection_free(&b);
    att_projection_free(&t);
    free(fit.theta);
    fixture_free(&f);
}

/* Beta-binomial counts keep the closed-form mean and widen the bands. */
static void
test_beta_binomial_widens(void **state)
{
    fixture f, g;
    att_fit_result fit;
    att_projection a, b;
    size_t last, lo, hi;

    (void)state;
    fixture_load(&f, MEAN_PARAMS, LEDGER);
    fixture_load(&g, MEAN_PARAMS "[projection]\ncount_model = beta-binomial\ndispersion = 0.05\n",
                 LEDGER);
    one_draw(&f, 0.004, &fit);
    a = run(&f, &fit, 4000, 2, 0, false);
    b = run(&g, &fit, 4000, 2, 0, false);
    last = a.ndates - 1;
    lo = level_index(&a, 5.0);
    hi = level_index(&a, 95.0);
    assert_true(att_projection_q(&b, ATT_SERIES_STRENGTH, last, hi) -
                    att_projection_q(&b, ATT_SERIES_STRENGTH, last, lo) >
                2.0 * (att_projection_q(&a, ATT_SERIES_STRENGTH, last, hi) -
                       att_projection_q(&a, ATT_SERIES_STRENGTH, last, lo)));
    att_assert_close(b.mean[ATT_SERIES_STRENGTH][last], a.mean[ATT_SERIES_STRENGTH][last], 0.02,
                     0.0);
    att_projection_free(&a);
    att_projection_free(&b);
    free(fit.theta);
    fixture_free(&f);
    fixture_free(&g);
}

/* Under the beta-binomial each cohort draws its own p a day: the first
 * day's casualties of the contingent and a wave that arrives that day at
 * the same hazard have the variance of two independent beta-binomials,
 * sum_j n_j q (1 - q) (1 + (n_j - 1) rho), not that of one pool of
 * n_1 + n_2 (1.85 times more here). */
static void
test_beta_binomial_cohorts_independent(void **state)
{
    fixture f;
    att_fit_result fit;
    att_projection r;
    double hazard[1], kappa, n0, c0, q, rho = 0.05, m = 0.0, v = 0.0, want;
    att_state st;
    size_t i;

    (void)state;
    fixture_load(&f,
                 "[phase a]\nstart = 2025-01-01\nhazard_median = 0.004\nhazard_log_sd = 1\n"
                 "[arrival x]\ndate = 2025-01-01\ncount = 10000\n" CLASS
                 "[projection]\nstart = 2025-03-01\nhorizon = 1\ncount_model = beta-binomial\n"
                 "dispersion = 0.05\n"
                 "[wave w]\ndate = 2025-03-01\nsize = 5000\nhazard_phase = a\n",
                 LEDGER);
    one_draw(&f, 0.004, &fit);
    st = start_state(&f, &fit, hazard, &kappa);
    n0 = floor(st.strength + 0.5);
    c0 = floor(st.casualties + 0.5);
    q = -expm1(-hazard[0]);
    r = run(&f, &fit, 20000, 2, 0, false);
    for (i = 0; i < r.paths; i++)
        m += (r.end[ATT_SERIES_CASUALTIES][i] - c0) / (double)r.paths;
    for (i = 0; i < r.paths; i++) {
        double x = r.end[ATT_SERIES_CASUALTIES][i] - c0 - m;
        v += x * x / (double)(r.paths - 1);
    }
    want = q * (1.0 - q) * (n0 * (1.0 + (n0 - 1.0) * rho) + 5000.0 * (1.0 + 4999.0 * rho));
    att_assert_close(m, q * (n0 + 5000.0), 0.02, 0.0);
    att_assert_close(v, want, 0.08, 0.0);
    att_projection_free(&r);
    free(fit.theta);
    fixture_free(&f);
}

static void
expect_refused(const char *params, att_status code, const char *want)
{
    fixture f;
    att_fit_result fit;
    att_project_params pp = att_project_default_params();
    att_projection r;
    att_error err;

    fixture_load(&f, params, LEDGER);
    one_draw(&f, 0.004, &fit);
    assert_int_equal(att_project_run(f.p, f.post, &fit, &pp, &r, &err), code);
    if (strstr(err.msg, want) == NULL)
        fail_msg("expected \"%s\" in \"%s\"", want, err.msg);
    assert_null(r.q[0]);
    free(fit.theta);
    fixture_free(&f);
}

static void
test_refusals(void **state)
{
    (void)state;
    expect_refused("[phase a]\nstart = 2025-01-01\nhazard_median = 0.004\nhazard_log_sd = 1\n"
                   "[arrival x]\ndate = 2025-01-01\ncount = 10000\n" CLASS,
                   ATT_EDATA, "expected a date to project from");
    expect_refused(MEAN_PARAMS "[wave early]\ndate_low = 2025-02-01\ndate_high = 2025-03-05\n"
                               "size = 10\n",
                   ATT_EDATA, "expected wave early on or after the projection start");
    expect_refused("[phase a]\nstart = 2025-01-01\nhazard_median = 0.004\nhazard_log_sd = 1\n"
                   "[arrival x]\ndate = 2025-01-01\ncount = 10000\n"
                   "[arrival y]\ndate = 2025-03-05\ncount = 10\n" CLASS
                   "[projection]\nstart = 2025-03-01\n",
                   ATT_EDATA, "enter arrivals from the start on as a [wave]");
    expect_refused("[phase a]\nstart = 2025-01-01\nend = 2025-02-01\nhazard = 0.001\n"
                   "[phase b]\nstart = 2025-02-01\nhazard_median = 0.004\nhazard_log_sd = 1\n"
                   "[arrival x]\ndate = 2025-01-01\ncount = 10000\n" CLASS
                   "[projection]\nstart = 2025-01-20\n",
                   ATT_EDATA, "on or after the last phase's start");
    /* 10 million paths, daily for 100 years: far beyond the memory cap. */
    expect_refused("[phase a]\nstart = 2025-01-01\nhazard_median = 0.004\nhazard_log_sd = 1\n"
                   "[arrival x]\ndate = 2025-01-01\ncount = 10000\n" CLASS
                   "[projection]\nstart = 2025-03-01\nhorizon = 36525\nstep = 1\n"
                   "paths = 10000000\n",
                   ATT_ERANGE, "use fewer paths or a longer step");
}

/* Killed thinned daily (a threshold watches them) with two pools: given
 * the casualties, the killed are Binomial(C - C0, kappa), so the mean of
 * (dK - kappa dC)^2 / (kappa (1 - kappa) dC) over paths is 1. */
static void
test_killed_daily_is_binomial(void **state)
{
    fixture f;
    att_fit_result fit;
    att_projection r;
    double hazard[1], kappa, k0, c0, sum = 0.0;
    att_state st;
    size_t i, n = 0;

    (void)state;
    fixture_load(&f,
                 MEAN_PARAMS "[threshold k]\nquantity = killed\ndirection = at_least\n"
                             "value = 1e8\n",
                 LEDGER);
    one_draw(&f, 0.004, &fit);
    st = start_state(&f, &fit, hazard, &kappa);
    c0 = st.casualties;
    k0 = st.killed;
    r = run(&f, &fit, 4000, 2, 0, false);
    assert_true(r.killed_daily);
    for (i = 0; i < r.paths; i++) {
        double dc = r.end[ATT_SERIES_CASUALTIES][i] - c0, dk = r.end[ATT_SERIES_KILLED][i] - k0;
        if (dc > 0.0) {
            sum += (dk - kappa * dc) * (dk - kappa * dc) / (kappa * (1.0 - kappa) * dc);
            n++;
        }
    }
    /* The mean of n chi-square(1)-like terms: sd about sqrt(2 / n). */
    att_assert_close(sum / (double)n, 1.0, 0.0, 5.0 * sqrt(2.0 / (double)n));
    att_projection_free(&r);
    free(fit.theta);
    fixture_free(&f);
}

/* A 100-year horizon, weekly: 5,219 output dates, every value finite, and
 * memory O(paths x dates) (the same run daily with 4,000 paths is refused
 * in test_refusals' spirit: see ATT_PROJECT_MEMORY_MAX). */
static void
test_century_horizon(void **state)
{
    fixture f;
    att_fit_result fit;
    att_projection r;
    size_t k, j, s;

    (void)state;
    fixture_load(&f,
                 "[phase a]\nstart = 2025-01-01\nhazard_median = 0.004\nhazard_log_sd = 1\n"
                 "[arrival x]\ndate = 2025-01-01\ncount = 10000\n" CLASS
                 "[projection]\nstart = 2025-03-01\nhorizon = 36525\n"
                 "[threshold low]\nquantity = strength\ndirection = below\nvalue = 1\n",
                 LEDGER);
    one_draw(&f, 0.004, &fit);
    r = run(&f, &fit, 40, 2, 0, false);
    assert_int_equal(r.ndates, 36525 / 7 + 2);
    assert_int_equal(r.dates[r.ndates - 1], f.p->projection.start + 36525);
    for (s = 0; s < ATT_SERIES_COUNT; s++)
        for (k = 0; k < r.ndates; k++)
            for (j = 0; j < r.nlevels; j++)
                assert_true(isfinite(att_projection_q(&r, (att_series)s, k, j)));
    /* 0.4% a day for 100 years: nobody is left on any path. */
    assert_true(att_projection_q(&r, ATT_SERIES_STRENGTH, r.ndates - 1, r.nlevels - 1) == 0.0);
    assert_true(r.threshold[0].probability == 1.0);
    assert_true(r.threshold[0].date_q[2] != ATT_DAY_OPEN);
    att_projection_free(&r);
    free(fit.theta);
    fixture_free(&f);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zero_hazard_keeps_every_troop),
        cmocka_unit_test(test_mean_is_the_closed_form),
        cmocka_unit_test(test_force_mean_is_the_closed_form),
        cmocka_unit_test(test_views_and_history),
        cmocka_unit_test(test_scheduled_departure),
        cmocka_unit_test(test_first_passage_closed_form),
        cmocka_unit_test(test_threads_monotone_and_twin),
        cmocka_unit_test(test_beta_binomial_widens),
        cmocka_unit_test(test_beta_binomial_cohorts_independent),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_century_horizon),
        cmocka_unit_test(test_killed_daily_is_binomial),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
