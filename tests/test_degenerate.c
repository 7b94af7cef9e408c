/* test_degenerate.c -- awkward but legal inputs fit to finite summaries (or
 * fail with a clear status), never NaN or infinity: a ledger with one
 * report, all reports from one class, figures 100 times apart, a one-day
 * window, a hazard prior with all its mass near zero. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include <attrition/att_fit.h>
#include <attrition/att_summary.h>

#include "att_test.h"
#include "fixture.h"

#define D_PARAMS(extra)                                                      \
    "[phase pre]\nstart = 2024-10-01\nend = 2024-12-06\nhazard = 0\n"        \
    "[phase a1]\nstart = 2024-12-06\n" extra                                 \
    "[arrival x]\ndate = 2024-10-16\ncount_low = 9000\ncount_high = 13000\n" \
    "[class ua_gov]\ntau_losses = 0.7\ntau_force = 0.3\n"                    \
    "[class us_gov]\ntau_losses = 0.5\ntau_force = 0.3\n"
#define D_PRIOR "hazard_median = 0.005\nhazard_log_sd = 1\n"
#define D_HDR                                                                                  \
    "id,statement_date,asof_start,asof_end,source,source_class,kind,qualifier,value,low,high," \
    "quote,doc\n"

/* Fits and summarises; every number must be finite.  Returns the verdict. */
static att_fit_verdict
fit_finite(const char *params, const char *ledger)
{
    att_fit_params fp = att_fit_default_params();
    att_fit_result fit;
    att_summary *sum = NULL;
    att_error err;
    fixture f;
    char msg[256];
    att_fit_verdict v;
    size_t k, i;

    fixture_load(&f, params, ledger);
    fp.chains = 2;
    fp.warmup = 150;
    fp.draws = 100;
    fp.seed = 9;
    assert_int_equal(att_fit_run(f.post, &fp, &fit, &err), ATT_OK);
    for (k = 0; k < fit.dim; k++) {
        const att_diag_summary *s = &fit.summary[k];
        if (!isfinite(s->q05) || !isfinite(s->q50) || !isfinite(s->q95))
            fail_msg("%s has a non-finite quantile", att_posterior_param(f.post, k)->name);
    }
    assert_int_equal(att_summary_compute(f.p, f.l, f.post, &fit, &sum, &err), ATT_OK);
    for (i = 0; i < sum->nreport; i++)
        assert_true(isfinite(sum->report[i].model.q50) && isfinite(sum->report[i].z) &&
                    isfinite(sum->report[i].debiased.q95));
    for (i = 0; i < sum->nhazard; i++)
        assert_true(isfinite(sum->hazard[i].daily.q95));
    v = att_fit_judge(&fit, msg, sizeof msg);
    print_message("  %zu parameters, %zu leapfrog steps, verdict %d %s\n", fit.dim, fit.leapfrogs,
                  (int)v, msg);
    att_summary_free(sum);
    att_fit_result_free(&fit);
    fixture_free(&f);
    return v;
}

static void
test_one_report(void **state)
{
    (void)state;
    (void)fit_finite(D_PARAMS(D_PRIOR), D_HDR "r,2025-01-05,2025-01-05,2025-01-05,Z,ua_gov,"
                                              "casualties,approx,3800,,,q,d\n");
}

static void
test_one_class_figures_100_times_apart_one_day_windows(void **state)
{
    (void)state;
    (void)fit_finite(D_PARAMS(D_PRIOR), D_HDR
                     "a,2024-12-20,2024-12-20,2024-12-20,Z,ua_gov,casualties,approx,100,,,q,d\n"
                     "b,2024-12-21,2024-12-21,2024-12-21,Y,ua_gov,casualties,approx,10000,,,"
                     "q,d\n"
                     "c,2025-01-05,2025-01-05,2025-01-05,X,ua_gov,killed,at_least,50,,,q,d\n");
}

static void
test_hazard_prior_near_zero(void **state)
{
    (void)state;
    /* A prior that all but rules out casualties, against a report of them:
     * the summaries stay finite whatever the verdict. */
    (void)fit_finite(D_PARAMS("hazard_median = 1e-9\nhazard_log_sd = 0.1\n"),
                     D_HDR "r,2025-01-05,2025-01-01,2025-01-05,Z,ua_gov,casualties,approx,3800,,,"
                           "q,d\n");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_report),
        cmocka_unit_test(test_one_class_figures_100_times_apart_one_day_windows),
        cmocka_unit_test(test_hazard_prior_near_zero),
    };

    gsl_set_error_handler_off();
    return cmocka_run_group_tests_name("degenerate", tests, NULL, NULL);
}
