/* test_fit.c -- the MCMC fit: the same draws for 1 and 2 threads, the
 * convergence policy on constructed diagnostics, refits after divergences
 * (their rule to its cure with --slow), a fast recovery (with no bias and
 * tight figures the hazards come back within 5%), and a warm start that
 * gives the cold fit's posterior. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include <attrition/att_date.h>
#include <attrition/att_fit.h>
#include <attrition/att_model.h>
#include <attrition/att_run.h>

#include "att_test.h"
#include "fixture.h"

static void
test_same_draws_for_any_thread_count(void **state)
{
    att_fit_params fp = att_fit_default_params();
    att_fit_result a, b;
    att_error err;
    fixture f;

    (void)state;
    fixture_load_shipped(&f, "baseline");
    fp.warmup = 100;
    fp.draws = 20;
    fp.seed = 11;
    fp.threads = 1;
    assert_int_equal(att_fit_run(f.post, &fp, &a, &err), ATT_OK);
    fp.threads = 2;
    assert_int_equal(att_fit_run(f.post, &fp, &b, &err), ATT_OK);
    assert_memory_equal(a.theta, b.theta, a.chains * a.draws * a.dim * sizeof(double));
    /* Another seed, other draws. */
    att_fit_result_free(&b);
    fp.seed = 12;
    assert_int_equal(att_fit_run(f.post, &fp, &b, &err), ATT_OK);
    assert_memory_not_equal(a.theta, b.theta, a.dim * sizeof(double));
    att_fit_result_free(&a);
    att_fit_result_free(&b);
    fixture_free(&f);
}

static void
test_policy(void **state)
{
    att_fit_result r;
    char msg[512];

    (void)state;
    memset(&r, 0, sizeof r);
    r.chains = 4;
    r.draws = 1000;
    r.rhat_max = 1.004;
    r.ess_bulk_min = 900;
    r.ess_tail_min = 800;
    assert_int_equal(att_fit_judge(&r, msg, sizeof msg), ATT_FIT_GOOD);
    assert_string_equal(msg, "");
    r.divergent_total = 1; /* any divergence warns */
    assert_int_equal(att_fit_judge(&r, msg, sizeof msg), ATT_FIT_WARNING);
    assert_non_null(strstr(msg, "1 divergent transitions of 4000 draws"));
    r.divergent_total = 41; /* more than 1% fails */
    assert_int_equal(att_fit_judge(&r, msg, sizeof msg), ATT_FIT_FAILED);
    r.divergent_total = 40;
    assert_int_equal(att_fit_judge(&r, msg, sizeof msg), ATT_FIT_WARNING);
    r.divergent_total = 0;
    r.rhat_max = 1.02;
    assert_int_equal(att_fit_judge(&r, msg, sizeof msg), ATT_FIT_WARNING);
    r.rhat_max = 1.06;
    assert_int_equal(att_fit_judge(&r, msg, sizeof msg), ATT_FIT_FAILED);
    assert_non_null(strstr(msg, "max R-hat 1.060 (fails above 1.05)"));
    r.rhat_max = 1.0;
    r.ess_tail_min = 399;
    assert_int_equal(att_fit_judge(&r, msg, sizeof msg), ATT_FIT_WARNING);
    r.ess_bulk_min = 99;
    assert_int_equal(att_fit_judge(&r, msg, sizeof msg), ATT_FIT_FAILED);
}

/* att_fit_params_of takes what a parameter file states. */
static void
test_fit_params_of_a_file(void **state)
{
    const char *ini = "[model]\nchains = 3\nwarmup = 123\ndraws = 45\nadapt_delta = 0.7\n"
                      "adapt_delta_max = 0.9\nmax_depth = 7\n"
                      "[phase pre]\nstart = 2024-10-01\nend = 2024-12-06\nhazard = 0\n"
                      "[phase a]\nstart = 2024-12-06\nhazard_median = 0.004\nhazard_log_sd = 1\n"
                      "[arrival x]\ndate = 2024-10-16\ncount = 11000\n"
                      "[class us_gov]\ntau_losses = 0.5\ntau_force = 0.5\n"
                      "[projection]\nseed = 99\n";
    fixture f;
    att_fit_params fp;

    (void)state;
    fixture_load(&f, ini,
                 "id,statement_date,asof_start,asof_end,source,source_class,kind,qualifier,value,"
                 "low,high,quote,doc\nz,2025-01-01,2025-01-01,2025-01-01,U,us_gov,casualties,"
                 "approx,100,,,q,d\n");
    fp = att_fit_params_of(f.p);
    assert_int_equal(fp.chains, 3);
    assert_int_equal(fp.warmup, 123);
    assert_int_equal(fp.draws, 45);
    assert_int_equal(fp.max_depth, 7);
    assert_int_equal(fp.seed, 99);
    att_assert_close(fp.delta, 0.7, 0, 0);
    att_assert_close(fp.delta_max, 0.9, 0, 0);
    fixture_free(&f);
}

/* The refit rule: 1 - delta quartered, capped at cap. */
static double
refit_rung(double delta, double cap)
{
    double d = 1.0 - 0.25 * (1.0 - delta);
    return d < cap ? d : cap;
}

/* A ledger drawn from the baseline prior whose posterior reaches small
 * sigma (the recovery test's replicate 2): at a low adaptation target
 * its first run diverges in more than 1% of draws, and att_fit_run then
 * runs it again with 1 - delta quartered (0.6, 0.9, 0.975, ...), capped
 * at delta_max (cap).  The first run is the same with and without refits
 * (same seed) but stops once its divergences pass 1% when a refit
 * follows; each refit's target follows the rule, and the run kept is,
 * bit for bit, the run at its delta without refits.  With cap 0.7 (the
 * fast test) the ladder is 0.6 and 0.9 capped at 0.7, still diverging;
 * with 0.99 (test_fit --slow: a run at 0.9 costs five times the first)
 * 0.6, 0.9, stopped too, and 0.975, which cures the divergences.  The seed
 * is one whose ladder takes both rungs; where the log density's last bits
 * change, a run near the bound can move across it (seed 3 cured at 0.9
 * once the gradient's sums were regrouped, seed 10 once the single days'
 * censored figures went to the probability scale), and another seed is
 * needed. */
static void
check_refit_ladder(double cap, size_t want_refits, bool cured)
{
    char *ini = fixture_slurp(ATT_SOURCE_DIR "/params/baseline.ini");
    char *csv = fixture_slurp(ATT_SOURCE_DIR "/tests/fixtures/prior_draw_2.csv");
    char *noise = strstr(ini, "sigma_median = 0.25\nsigma_log_sd = 0.5\n");
    att_fit_params fp = att_fit_default_params();
    att_fit_result once, again, direct;
    att_error err;
    double d = 0.6;
    size_t whole, k;
    fixture f;

    /* The shipped prior keeps sigma off 0, where this ledger's
     * divergences come from: a prior with mass there brings them back. */
    assert_non_null(noise);
    memcpy(noise, "sigma_median = 0.02\nsigma_log_sd = 1.0\n", 39); /* the same length */
    fixture_load(&f, ini, csv);
    fp.chains = 2;
    fp.warmup = 150;
    fp.draws = 150;
    fp.seed = 12;
    fp.delta = 0.6;
    fp.delta_max = 0.6; /* no refit */
    assert_int_equal(att_fit_run(f.post, &fp, &once, &err), ATT_OK);
    print_message("refit: %zu divergent of %zu at %g\n", once.divergent_total,
                  once.chains * once.draws, once.delta);
    assert_int_equal(once.refits, 0);
    assert_true((double)once.divergent_total > ATT_FIT_DIV_FAIL * 300.0);
    fp.delta_max = cap;
    assert_int_equal(att_fit_run(f.post, &fp, &again, &err), ATT_OK);
    print_message("refit: %zu refits, %zu divergent at %g\n", again.refits, again.divergent_total,
                  again.delta);
    assert_int_equal(again.refits, want_refits);
    /* The first run stopped once past 3 (1% of 300): "more than 3". */
    assert_int_equal(again.divergent_first, 4);
    assert_true(once.divergent_total >= again.divergent_first);
    att_assert_close(again.delta_first, 0.6, 0, 0);
    for (k = 0; k < again.refits; k++) /* the rule, step by step */
        d = refit_rung(d, cap);
    att_assert_close(again.delta, d, 1e-15, 0);
    /* The last run is kept: it cured the divergences before the cap, or
     * met the cap. */
    if (cured) {
        assert_true((double)again.divergent_total <= ATT_FIT_DIV_FAIL * 300.0);
        assert_true(again.delta < cap);
    } else {
        assert_true((double)again.divergent_total > ATT_FIT_DIV_FAIL * 300.0);
        att_assert_close(again.delta, cap, 0, 0);
    }
    /* The run kept: the same draws as a fit at its delta alone. */
    fp.delta = fp.delta_max = again.delta;
    assert_int_equal(att_fit_run(f.post, &fp, &direct, &err), ATT_OK);
    assert_int_equal(direct.refits, 0);
    assert_memory_equal(direct.theta, again.theta,
                        direct.chains * direct.draws * direct.dim * sizeof *direct.theta);
    assert_int_equal(direct.divergent_total, again.divergent_total);
    /* The cost counts the discarded runs, less than the ladder's runs
     * whole would have cost (each rung alone; the last is direct): the
     * first run stopped at 4 of its divergences.  The times are summed the
     * same way; a unit test asserts no timings. */
    whole = once.leapfrogs + direct.leapfrogs;
    for (k = 1, d = 0.6; k < again.refits; k++) {
        att_fit_result run;
        fp.delta = fp.delta_max = d = refit_rung(d, cap);
        assert_int_equal(att_fit_run(f.post, &fp, &run, &err), ATT_OK);
        whole += run.leapfrogs;
        att_fit_result_free(&run);
    }
    print_message("refit: %zu gradients, %zu with every run whole\n", again.leapfrogs, whole);
    assert_true(again.leapfrogs > direct.leapfrogs);
    assert_true(again.leapfrogs < whole);
    att_fit_result_free(&once);
    att_fit_result_free(&again);
    att_fit_result_free(&direct);
    fixture_free(&f);
    free(ini);
    free(csv);
}

static void
test_refit_after_divergences(void **state)
{
    (void)state;
    check_refit_ladder(0.7, 1, false);
}

static void
test_refit_ladder_cures(void **state)
{
    (void)state;
    check_refit_ladder(0.99, 2, true);
}

/* A ledger simulated from known hazards with no bias and 1% noise:
 * casualties every 5 days through both combat phases, strength and
 * deployed now and then, all from one pinned class. */
static void
test_recovers_hazards_from_tight_unbiased_figures(void **state)
{
    const char *ini = "[model]\nanchor = us_gov:losses,us_gov:force\n"
                      "[priors]\nsigma_median = 0.01\nsigma_log_sd = 1\n"
                      "[phase pre]\nstart = 2024-10-01\nend = 2024-12-06\nhazard = 0\n"
                      "[phase a1]\nstart = 2024-12-06\nend = 2025-01-15\nhazard_median = 0.004\n"
                      "hazard_log_sd = 1.5\n"
                      "[phase a2]\nstart = 2025-01-15\nhazard_median = 0.004\nhazard_log_sd = 1.5\n"
                      "[arrival x]\ndate = 2024-10-16\ncount = 11000\n"
                      "[class us_gov]\ntau_losses = 0.5\ntau_force = 0.5\n";
    const double truth[2] = {0.0093, 0.0021};
    double hz[3] = {0.0, truth[0], truth[1]}, cnt[1] = {11000}, noise = 0.01;
    char csv[16384];
    size_t used, k, i;
    int32_t d, d0 = att_date_from_ymd(2024, 12, 10);
    att_fit_params fp = att_fit_default_params();
    att_fit_result r;
    att_error err;
    fixture f, g;
    int row = 0;

    (void)state;
    /* The model's own quantities, deterministically jittered by +-1%. */
    fixture_load(&g, ini,
                 "id,statement_date,asof_start,asof_end,source,source_class,kind,"
                 "qualifier,value,low,high,quote,doc\n"
                 "z,2025-01-01,2025-01-01,2025-01-01,U,us_gov,casualties,approx,1,,,q,d\n");
    used = (size_t)snprintf(csv, sizeof csv,
                            "id,statement_date,asof_start,asof_end,source,"
                            "source_class,kind,qualifier,value,low,high,quote,doc\n");
    for (d = d0; d < att_date_from_ymd(2025, 4, 1); d += 5) {
        att_model_values v = {hz, cnt, 0.3, NULL, NULL, 0.0};
        char ds[ATT_DATE_BUFSIZE];
        double m = att_model_quantity(g.p, &v, ATT_KIND_CASUALTIES, ATT_MEASURE_CUMULATIVE, 0, d);
        double jitter = (row % 2 ? 1.0 : -1.0) * noise * (double)(row % 3) / 2.0;
        att_date_format(d, ds);
        used += (size_t)snprintf(csv + used, sizeof csv - used,
                                 "r%d,%s,%s,%s,U,us_gov,casualties,approx,%.6g,,,q,d\n", row, ds,
                                 ds, ds, m * exp(jitter));
        row++;
    }
    fixture_free(&g);
    fixture_load(&f, ini, csv);
    fp.chains = 2;
    fp.warmup = 300;
    fp.draws = 300;
    fp.seed = 5;
    assert_int_equal(att_fit_run(f.post, &fp, &r, &err), ATT_OK);
    for (k = 0, i = 0; k < r.dim; k++) {
        const att_param_info *in = att_posterior_param(f.post, k);
        if (in->kind != ATT_PAR_HAZARD)
            continue;
        if (fabs(r.summary[k].q50 / truth[i] - 1.0) > 0.05)
            fail_msg("%s: posterior median %.5g, truth %.5g (more than 5%% off)", in->name,
                     r.summary[k].q50, truth[i]);
        i++;
    }
    assert_int_equal(i, 2);
    att_fit_result_free(&r);
    fixture_free(&f);
}

/* A warm start from a fit of the same posterior (att_fit_warm_init):
 * each chain from its last draw, the draws' covariance as the metric, a
 * warm-up of 100 (of the cold fit's 300) adapting the step size alone.  The medians agree with
 * the cold fit's within 4 combined Monte Carlo standard errors, the fit
 * passes the policy, with fewer than 3/4 of the gradients; a warm start
 * of other chains or dimensions is refused. */
static void
test_warm_start(void **state)
{
    att_fit_params fp = att_fit_default_params();
    att_fit_result a, b;
    att_fit_warm warm;
    att_error err;
    char msg[256];
    size_t k;
    fixture f;

    (void)state;
    fixture_load_shipped(&f, "baseline");
    fp.seed = 5;
    fp.warmup = 300;
    fp.draws = 300;
    assert_int_equal(att_fit_run(f.post, &fp, &a, &err), ATT_OK);
    fp.chains = 2;
    assert_int_equal(att_fit_warm_init(f.post, &fp, f.post, &a, &warm, &err), ATT_OK);
    assert_null(warm.init); /* chains differ: start cold */
    fp.chains = 4;
    assert_int_equal(att_fit_warm_init(f.post, &fp, f.post, &a, &warm, &err), ATT_OK);
    assert_non_null(warm.init);
    assert_int_equal(warm.warmup, 100);
    fp.warm = &warm;
    fp.seed = 6;
    assert_int_equal(att_fit_run(f.post, &fp, &b, &err), ATT_OK);
    assert_true(att_fit_judge(&b, msg, sizeof msg) != ATT_FIT_FAILED);
    assert_true(4 * b.leapfrogs < 3 * a.leapfrogs);
    for (k = 0; k < a.dim; k++) {
        double m = sqrt(a.summary[k].mcse_q50 * a.summary[k].mcse_q50 +
                        b.summary[k].mcse_q50 * b.summary[k].mcse_q50);
        att_assert_close(b.summary[k].q50, a.summary[k].q50, 0, 4 * m);
    }
    att_fit_result_free(&b);
    warm.dim++;
    assert_int_equal(att_fit_run(f.post, &fp, &b, &err), ATT_EINVAL);
    warm.dim--;
    warm.chains++;
    assert_int_equal(att_fit_run(f.post, &fp, &b, &err), ATT_EINVAL);
    warm.chains--;
    att_fit_warm_free(&warm);
    att_fit_result_free(&a);
    fixture_free(&f);
}

/* One cut-off of the shipped baseline: its posterior, 4 x (300 + 300). */
static void
near_posterior(att_run *run, int month, int day, att_run_fit *f)
{
    att_error err;

    assert_int_equal(att_run_posterior(run, att_date_from_ymd(2025, month, day), f, &err), ATT_OK);
    f->fp.warmup = 300;
    f->fp.draws = 300;
    f->fp.seed = 5;
}

/* A warm start from a neighbouring cut-off's fit (att_fit_warm_near), as
 * backtest's origins take it: the fit at 2025-01-31 has no h_active2 (the
 * phase starts later) and fewer biases, which the one at 2025-02-10 has.  Same-posterior
 * warm starts refuse it; the near one starts that hazard at its prior
 * centre with its prior variance and no covariance, and adapts the
 * metric.  The warm fit passes the policy with fewer gradients than the
 * cold one, its medians within 4 combined MCSEs; with no neighbour
 * att_run_sample_near is att_run_sample, bit for bit. */
static void
test_warm_start_near(void **state)
{
    att_run_options ro = att_run_options_default();
    att_run_fit early, cold, warm_fit;
    att_fit_warm warm;
    att_run *run;
    att_error err;
    size_t k, n, h = SIZE_MAX;

    (void)state;
    assert_int_equal(att_run_open(ATT_SOURCE_DIR "/params/baseline.ini", &ro, &run, &err), ATT_OK);
    near_posterior(run, 1, 31, &early);
    near_posterior(run, 2, 10, &cold);
    near_posterior(run, 2, 10, &warm_fit);
    assert_int_equal(att_run_sample(&early, NULL, &err), ATT_OK);
    n = att_posterior_dim(cold.post);
    for (k = 0; k < n; k++)
        if (strcmp(att_posterior_param(cold.post, k)->name, "h_active2") == 0)
            h = k;
    assert_true(h < n);
    assert_true(att_posterior_dim(early.post) < n);
    assert_int_equal(att_fit_warm_init(cold.post, &cold.fp, early.post, &early.fit, &warm, &err),
                     ATT_OK);
    assert_null(warm.init); /* h_active2 is not in the early fit */
    assert_int_equal(att_fit_warm_near(cold.post, &cold.fp, early.post, &early.fit, &warm, &err),
                     ATT_OK);
    assert_non_null(warm.init);
    assert_true(warm.adapt);
    assert_int_equal(warm.warmup, 100);
    for (k = 0; k < n; k++)
        att_assert_close(warm.cov[h * n + k],
                         k == h ? pow(att_posterior_param(cold.post, h)->prior_sd, 2) : 0.0, 1e-15,
                         0);
    att_fit_warm_free(&warm);
    /* No neighbour: the cold fit itself. */
    assert_int_equal(att_run_sample(&cold, NULL, &err), ATT_OK);
    assert_int_equal(att_run_sample_near(&warm_fit, NULL, &err), ATT_OK);
    assert_memory_equal(cold.fit.theta, warm_fit.fit.theta,
                        cold.fit.chains * cold.fit.draws * n * sizeof *cold.fit.theta);
    /* Another seed than the cold fit's, so that the two fits' Monte Carlo
     * errors are independent for the comparison below (seeds 6-9 took
     * 15,909-16,621 gradients warm against 21,853 cold). */
    warm_fit.fp.seed = 6;
    assert_int_equal(att_run_sample_near(&warm_fit, &early, &err), ATT_OK);
    print_message("near: %zu gradients warm, %zu cold; min bulk ESS %.0f, %.0f\n",
                  warm_fit.fit.leapfrogs, cold.fit.leapfrogs, warm_fit.fit.ess_bulk_min,
                  cold.fit.ess_bulk_min);
    assert_true(cold.verdict != ATT_FIT_FAILED);
    assert_true(warm_fit.verdict != ATT_FIT_FAILED);
    assert_true(10 * warm_fit.fit.leapfrogs < 9 * cold.fit.leapfrogs);
    for (k = 0; k < n; k++) {
        const att_diag_summary *a = &cold.fit.summary[k], *b = &warm_fit.fit.summary[k];
        double m = sqrt(a->mcse_q50 * a->mcse_q50 + b->mcse_q50 * b->mcse_q50);
        att_assert_close(b->q50, a->q50, 0, 4 * m);
    }
    att_run_fit_free(&early);
    att_run_fit_free(&cold);
    att_run_fit_free(&warm_fit);
    att_run_free(run);
}

/* The ladder's full length runs with --slow (ctest's test_fit_slow,
 * label slow), the rest without. */
int
main(int argc, char **argv)
{
    const struct CMUnitTest slow[] = {
        cmocka_unit_test(test_refit_ladder_cures),
    };
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_draws_for_any_thread_count),
        cmocka_unit_test(test_policy),
        cmocka_unit_test(test_fit_params_of_a_file),
        cmocka_unit_test(test_refit_after_divergences),
        cmocka_unit_test(test_recovers_hazards_from_tight_unbiased_figures),
        cmocka_unit_test(test_warm_start),
        cmocka_unit_test(test_warm_start_near),
    };

    gsl_set_error_handler_off();
    if (argc > 1 && strcmp(argv[1], "--slow") == 0)
        return cmocka_run_group_tests_name("fit_slow", slow, NULL, NULL);
    return cmocka_run_group_tests_name("fit", tests, NULL, NULL);
}
