/* test_cases.c -- the shipped cases beyond the seed, as a user runs them
 * (slow: a full fit each): the second case's main run (`attrition
 * --scenario avdiivka`, docs/avdiivka.md) byte for byte against its
 * golden, and its check; the seed ledger's backtest against its golden.  And three ledgers made to
 * fail the convergence checks, one for each cause of docs/model.md, section 5.6: the failed fit
 * names its cause and a remedy, and the remedy, made in a parameter file as a user would, gives a
 * fit that passes.  Set ATT_UPDATE_GOLDEN=1 to rewrite the golden after a deliberate change (then
 * review the diff). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include <attrition/att_run.h>

#include "att_test.h"
#define CLI_RUN_NAME "cases"
#include "cli_run.h"
#include "fixture.h"

static void
test_avdiivka(void **state)
{
    const char *check[] = {"check", "--scenario", "avdiivka", NULL};
    const char *main_run[] = {"--scenario", "avdiivka", NULL};
    char *out;

    (void)state;
    expect(check, 0, NULL);
    out = fixture_read_file(OUT);
    assert_non_null(strstr(out, "ok: params/avdiivka.ini: 6 phases, 4 arrivals, 8 classes"));
    free(out);
    golden("run_avdiivka.txt", main_run);
}

/* The seed ledger's backtest, as docs/model.md records it: every origin's
 * scores, the ensemble's weights and the skill by horizon with its
 * bootstrap intervals, byte for byte (they come from fits, a projection
 * and resamples keyed by the seed: any machine gives these bytes). */
static void
test_backtest_seed(void **state)
{
    const char *bt[] = {"backtest", "--quiet", "--format", "csv", NULL};

    (void)state;
    golden("backtest_baseline.csv", bt);
}

/* Writes a scenario that includes tests/fixtures/<failing>.ini and sets
 * what the remedy says (body: INI lines); returns its path. */
static const char *
remedied(const char *failing, const char *body)
{
    static const char path[] = ATT_BINARY_DIR "/tests/cases_remedied.ini";
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fprintf(f, "include = %s/tests/fixtures/%s.ini\n%s", ATT_SOURCE_DIR, failing, body);
    assert_int_equal(fclose(f), 0);
    return path;
}

/* The fit fails, says why and what works; the remedy made in a file then
 * passes (exit 0). */
static void
fails_then_passes(const char *failing, const char *const *wants, const char *body)
{
    char scen[256];
    const char *fit[] = {"fit", "--scenario", scen, "--quiet", NULL};
    const char *fixed[] = {"fit", "--scenario", NULL, "--quiet", NULL};

    snprintf(scen, sizeof scen, "tests/fixtures/%s.ini", failing);
    cli_expect_each(OUT, ERR, fit, 1, wants);
    fixed[2] = remedied(failing, body);
    expect(fixed, 0, NULL);
}

static void
test_failed_fit_small_noise(void **state)
{
    const char *wants[] = {
        "attrition: the fit failed its convergence checks: 106 divergent transitions of 4000 "
        "draws (fails above 1%).",
        "Cause (divergences at small noise): 43 of the 106 divergent transitions (41%; a quarter "
        "by chance) came where sigma_named_list was in its lowest quarter",
        "Remedy: [priors] sigma_spread = 1 (now 2).\n  Checked: with it the same fit (same seed) "
        "passes",
        "No estimates are printed: make that change and run again, or --force to print them "
        "anyway.",
        NULL};

    (void)state;
    fails_then_passes("fail_small_noise", wants, "[priors]\nsigma_spread = 1\n");
}

static void
test_failed_fit_stuck_chain(void **state)
{
    const char *wants[] = {
        "max R-hat 1.735 (fails above 1.05)",
        "Cause (chains settled apart): chains 1, 3 settled apart from the others: h_active1 "
        "(R-hat 1.73) has mean 0.0131 there against 0.00494",
        "the classes disagree by more than their biases' priors allow",
        "Remedy: [class low] tau_losses = 1.6 (now 0.05) and [class high] tau_losses = 1.6 (now "
        "0.05).\n  Checked: with it the same fit (same seed) passes.",
        NULL};
    const char *compare[] = {"compare",  "--scenario", "tests/fixtures/fail_two_readings.ini",
                             "--origin", "2025-01-31", "--quiet",
                             NULL};
    const char *compared[] = {
        "attrition: the fit at the origin 2025-01-31 failed its convergence checks",
        "Cause (a direction the reports do not identify): sigma_high (ESS 98) moves with sigma0",
        "Tried: [priors] sigma_log_sd = 0.25 (now 0.5): the fit still fails",
        "None of the remedies tried passed",
        "Nothing is scored: --force to score it anyway.",
        NULL};
    const char *backtest[] = {"backtest", "--scenario", "tests/fixtures/fail_two_readings.ini",
                              "--quiet", NULL};
    char *out;

    (void)state;
    fails_then_passes("fail_two_readings", wants,
                      "[class low]\ntau_losses = 1.6\n[class high]\ntau_losses = 1.6\n");
    /* compare says why the fit at an origin failed (there: another cause,
     * and no remedy tried passes); backtest names the cause of each origin
     * it skips. */
    cli_expect_each(OUT, ERR, compare, 1, compared);
    expect(backtest, 0, NULL);
    out = fixture_read_file(OUT);
    assert_non_null(strstr(out, "2025-01-31   skipped: the fit failed its convergence checks "
                                "(max R-hat 1.011 (warns above 1.01); min ESS bulk 285, tail 98 "
                                "(fails below 100); cause: a direction the reports do not "
                                "identify)"));
    free(out);
}

static void
test_failed_fit_ridge(void **state)
{
    const char *wants[] = {
        "min ESS bulk 41, tail 38 (fails below 100)",
        "Cause (a direction the reports do not identify): h_lull (ESS 38) moves with h_active1 "
        "(correlation -0.92 on the model's scale): the reports pin a combination of the two",
        "Tried: [phase lull] hazard_log_sd = 5 (now 10): the fit still fails",
        "Remedy: [phase lull] hazard_log_sd = 5 (now 10) and [phase active1] hazard_log_sd = 5 "
        "(now 10).\n  Checked: with it the same fit (same seed) passes.",
        NULL};

    (void)state;
    fails_then_passes("fail_ridge", wants,
                      "[phase lull]\nhazard_log_sd = 5\n[phase active1]\nhazard_log_sd = 5\n");
}

/* fit --influence's PSIS rows against refits without each report, on the
 * shipped baseline fit: every change within 4 Monte Carlo standard errors
 * of its difference from the refit's, the PSIS row's row_mcse (the full
 * fit's median cancels in the difference; docs/model.md, section 6.2),
 * which is checked against n_eff recomputed here from the fit's PSIS-LOO
 * weights. */
static void
test_influence_psis_against_refits(void **state)
{
    att_run_options o = att_run_options_default();
    att_run *run = NULL;
    att_run_fit rf;
    att_influence psis, refit;
    att_loo loo;
    att_error err;
    size_t i, j, k, s, S, npsis = 0;
    double worst = 0.0, uneven = 0.0;

    (void)state;
    assert_int_equal(att_run_open(ATT_SOURCE_DIR "/params/baseline.ini", &o, &run, &err), ATT_OK);
    assert_int_equal(att_run_posterior(run, INT32_MAX, &rf, &err), ATT_OK);
    assert_int_equal(att_run_sample(&rf, NULL, &err), ATT_OK);
    assert_int_equal(att_run_influence(run, &rf, ATT_INFLUENCE_K_MAX, NULL, NULL, &psis, &err),
                     ATT_OK);
    assert_int_equal(att_run_influence(run, &rf, -1.0, NULL, NULL, &refit, &err), ATT_OK);
    assert_int_equal(att_fit_loo(rf.post, &rf.fit, true, &loo, &err), ATT_OK);
    assert_true(psis.refits > 0 && psis.refits < refit.refits);
    S = rf.fit.chains * rf.fit.draws;
    for (j = 0; j < loo.n; j++) {
        double sw2 = 0.0;
        i = att_posterior_report(rf.post, j);
        att_assert_close(refit.row_mcse[i], refit.mcse, 0, 0);
        if (psis.how[i] != ATT_INFLUENCE_PSIS) {
            att_assert_close(psis.row_mcse[i], psis.mcse, 0, 0);
            continue;
        }
        npsis++;
        assert_true(psis.k[i] <= ATT_INFLUENCE_K_MAX);
        assert_int_equal(refit.how[i], ATT_INFLUENCE_REFIT);
        for (s = 0; s < S; s++)
            sw2 += exp(2.0 * loo.lw[s * loo.n + j]);
        /* m sqrt(S / n_eff + 1), m the median's MCSE */
        att_assert_close(psis.row_mcse[i], psis.mcse / sqrt(2.0) * sqrt((double)S * sw2 + 1.0),
                         1e-12, 0);
        if ((double)S * sw2 > uneven)
            uneven = (double)S * sw2; /* S / n_eff */
        for (k = 0; k < psis.nhaz; k++) {
            double d = fabs(psis.change[i * psis.nhaz + k] - refit.change[i * psis.nhaz + k]);
            if (d / psis.row_mcse[i] > worst)
                worst = d / psis.row_mcse[i];
        }
    }
    print_message("influence: %zu reports by PSIS, %zu refitted; largest difference from a "
                  "refit %.2f MCSEs; S / n_eff up to %.2f\n",
                  npsis, psis.refits, worst, uneven);
    assert_true(npsis >= 5);
    assert_true(uneven >= 1.5); /* some rows' MCSEs are a refit's and more: the check can tell */
    assert_true(worst <= 4.0);
    att_loo_free(&loo);
    att_influence_free(&psis);
    att_influence_free(&refit);
    att_run_fit_free(&rf);
    att_run_free(run);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_avdiivka),
        cmocka_unit_test(test_backtest_seed),
        cmocka_unit_test(test_failed_fit_small_noise),
        cmocka_unit_test(test_failed_fit_stuck_chain),
        cmocka_unit_test(test_failed_fit_ridge),
        cmocka_unit_test(test_influence_psis_against_refits),
    };

    gsl_set_error_handler_off();
    return cmocka_run_group_tests_name("cases", tests, NULL, NULL);
}
