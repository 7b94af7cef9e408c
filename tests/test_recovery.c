/* test_recovery.c -- simulation-based calibration in small (slow).
 *
 * For each replicate: parameters are drawn from the baseline prior; reports
 * are drawn from the model on the shipped ledger's design (the same kinds,
 * windows, classes and sources) with three losses over a period or per day
 * of it (the ledger's measure column) on top; the model is fitted with the same MCMC as
 * `attrition fit`, with the baseline's settings (4 chains x 1000 warm-up +
 * 1000 draws, refits after divergences); and each parameter's 90%
 * interval is checked against the truth.  Pooled over
 * replicates, each group (hazards, biases, kappa, sigma, arrivals) must
 * cover 82%-97% of the time, and at most 2 replicates may fail the
 * convergence policy.
 *
 * The simulation uses the library's own exp, log and normal variates, so
 * that the replicates, and which of them fail, are the same on every
 * processor.
 *
 * How reports are drawn keeps the censored likelihood exact (coarsening at
 * random): a point report is m exp(b + sigma eps) on a day drawn uniformly
 * from its window; a range keeps the ledger's relative width on a grid
 * whose offset is drawn independently of everything else; a one-sided
 * report keeps the ledger's bound and says at_least or up_to as the drawn
 * value falls (so the side may differ from the ledger's).
 *
 * The same on a force with groups, departures, return to duty and every
 * measure (test_recovery_force): bench/synthetic/force30.ini's parameters
 * and force30.csv's 30 reports as the design; there the groups also count
 * the hazard ratios, the departures and rho, and a truth under which some
 * report's model quantity is 0 (a departure of a count that empties its
 * group before a report of its strength) is drawn again, counted and
 * printed.
 *
 * The same with noise per class and an undercount class
 * (test_recovery_sources): the baseline's design with three figures of a
 * list of the named dead; there sigma_s (each class's z_s) and c_s are
 * groups of their own.
 *
 * For development: ATT_RECOVERY_REPS overrides the number of replicates,
 * ATT_RECOVERY_FIRST the first replicate, ATT_RECOVERY_DELTA adapt_delta,
 * ATT_RECOVERY_ITER the warm-up and draws per chain, ATT_RECOVERY_DUMP a
 * folder where each replicate's ledger is written as rep<N>.csv.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include <attrition/att_date.h>
#include <attrition/att_fit.h>
#include <attrition/att_model.h>
#include <attrition/att_rng.h>

#include "att_test.h"
#include "emath.h"
#include "fixture.h"
#include "variates.h"

#define REC_REPLICATES 100
#define REC_SEED       20250705UL
#define REC_MAX_FAILED 2
#define REC_LOW        0.82
#define REC_HIGH       0.97

enum {
    G_HAZARD,
    G_BIAS,
    G_KAPPA,
    G_SIGMA,
    G_ARRIVAL,
    G_RATIO,
    G_DEPARTURE,
    G_RETURN,
    G_NOISE,
    G_COMPLETENESS,
    G_COUNT
};
static const char *const group_names[G_COUNT] = {"hazards",  "biases", "kappa",      "sigma",
                                                 "arrivals", "ratios", "departures", "rho",
                                                 "sigma_s",  "c_s"};

static int
group_of(att_param_kind k)
{
    switch (k) {
    case ATT_PAR_HAZARD:
        return G_HAZARD;
    case ATT_PAR_BIAS:
        return G_BIAS;
    case ATT_PAR_KAPPA:
        return G_KAPPA;
    case ATT_PAR_SIGMA:
        return G_SIGMA;
    case ATT_PAR_RATIO:
        return G_RATIO;
    case ATT_PAR_DEPARTURE:
        return G_DEPARTURE;
    case ATT_PAR_RETURN:
        return G_RETURN;
    case ATT_PAR_NOISE:
        return G_NOISE;
    case ATT_PAR_COMPLETENESS:
        return G_COMPLETENESS;
    default:
        return G_ARRIVAL;
    }
}

/* The design's rows beyond the shipped ledger: losses over a period and
 * per day of it, in classes and families the shipped rows already have
 * (so the parameters are the baseline's). */
#define REC_MEASURE_ROWS                                                                     \
    "rec_p1,2025-02-20,2025-02-06,2025-02-19,Kyiv,ua_gov,casualties,approx,400,,,q,d,,,"     \
    "period\n"                                                                               \
    "rec_p2,2025-03-31,2025-03-01,2025-03-31,ISW,think_tank,killed,approx,5,,,q,d,,,daily\n" \
    "rec_p3,2025-04-30,2025-04-01,2025-04-25,DoD,us_gov,wounded,range,,300,450,q,d,,,period\n"

/* The shipped ledger with a measure column and REC_MEASURE_ROWS. */
static char *
design_ledger(void)
{
    char *text = fixture_slurp(ATT_SOURCE_DIR "/data/reports.csv"), *out, *p, *q;
    size_t n = strlen(text), lines = 0, i;
    bool header = true;

    for (i = 0; i < n; i++)
        lines += text[i] == '\n';
    out = malloc(n + lines * 9 + sizeof REC_MEASURE_ROWS + 1);
    assert_non_null(out);
    for (p = text, q = out; *p != '\0'; p++) {
        if (*p == '\n') {
            /* The header gains the column, each row an empty field. */
            const char *add = header ? ",measure" : ",";
            memcpy(q, add, strlen(add));
            q += strlen(add);
            header = false;
        }
        *q++ = *p;
    }
    memcpy(q, REC_MEASURE_ROWS, sizeof REC_MEASURE_ROWS);
    free(text);
    return out;
}

/* Report r's model quantity at v: over its period, or on day `day` (a
 * cumulative figure), for the groups it covers. */
static double
rec_quantity(const att_params *p, const att_model_values *v, const att_report *r, int32_t day)
{
    bool over = r->kind == ATT_KIND_RATE || r->measure != ATT_MEASURE_CUMULATIVE;
    att_model_kind mk = att_model_kind_get(r->kind, r->measure);
    att_state st[400];
    int32_t a = over ? r->asof_start : day, b = over ? r->asof_end : day;

    if (!att_params_extended(p))
        return over ? att_model_quantity(p, v, r->kind, r->measure, a, b)
                    : att_model_quantity(p, v, r->kind, r->measure, 0, day);
    assert_true(b - a + 2 <= 400);
    att_model_states(p, v, a, (size_t)(b - a + 2), att_ledger_group_set(r, p), st);
    return att_model_state_quantity(&mk, &st[b + 1 - a], &st[0], (double)(b - a + 1));
}

/* A ledger drawn from the model at truth on the design of f's ledger;
 * NULL when some report's model quantity is 0 at truth. */
static char *
simulate(const fixture *f, const double *truth, gsl_rng *rng)
{
    size_t cap = 1 << 16, used = 0, i, n = att_posterior_dim(f->post);
    char *csv = malloc(cap), d1[ATT_DATE_BUFSIZE], d2[ATT_DATE_BUFSIZE], d3[ATT_DATE_BUFSIZE];
    double buf[64];
    att_model_values v;

    assert_non_null(csv);
    assert_true(att_posterior_nvalues(f->post) <= 64 && n <= 64);
    att_posterior_values(f->post, truth, buf, &v);
    used += (size_t)snprintf(csv, cap,
                             "id,statement_date,asof_start,asof_end,source,source_class,"
                             "kind,qualifier,value,low,high,quote,doc,measure,group\n");
    for (i = 0; i < att_posterior_nreports(f->post); i++) {
        const att_report *r = &f->l->reports[att_posterior_report(f->post, i)];
        double b, sigma, m, ly; /* its log bias (or log c_s) and its class's noise */
        att_posterior_report_error(f->post, truth, r->cls, att_kind_family(r->kind), &b, &sigma);
        char fig[128];
        const char *qual;
        if (r->kind == ATT_KIND_RATE || r->measure != ATT_MEASURE_CUMULATIVE)
            m = rec_quantity(f->p, &v, r, 0);
        else {
            int32_t day =
                r->asof_start +
                (int32_t)gsl_rng_uniform_int(rng, (unsigned long)(r->asof_end - r->asof_start + 1));
            m = rec_quantity(f->p, &v, r, day);
        }
        if (!(m > 0.0)) {
            free(csv);
            return NULL;
        }
        ly = att_log(m) + b + sigma * att_ran_normal(rng);
        if (r->qualifier == ATT_QUAL_APPROX) {
            qual = "approx";
            snprintf(fig, sizeof fig, "%.17g,,", att_exp(ly));
        } else if (r->qualifier == ATT_QUAL_RANGE) {
            double w = att_log(r->high / r->low), u = w * gsl_rng_uniform(rng);
            double lo = u + w * floor((ly - u) / w);
            qual = "range";
            snprintf(fig, sizeof fig, ",%.17g,%.17g", att_exp(lo), att_exp(lo + w));
        } else {
            qual = ly >= att_log(r->value) ? "at_least" : "up_to";
            snprintf(fig, sizeof fig, "%.17g,,", r->value);
        }
        used += (size_t)snprintf(
            csv + used, cap - used, "%s,%s,%s,%s,%s,%s,%s,%s,%s,q,d,%s,%s\n", r->id,
            att_date_format(r->statement, d1), att_date_format(r->asof_start, d2),
            att_date_format(r->asof_end, d3), r->id, f->p->classes[r->cls].name,
            att_kind_name(r->kind), qual, fig, att_measure_name(r->measure), r->groups);
        assert_true(used < cap);
    }
    return csv;
}

/* The coverage of replicates drawn from the prior of ini's model on the
 * design ledger, fitted with ini's settings. */
static void
recovery_coverage(const char *ini_path, const char *design)
{
    fixture f;
    size_t reps = REC_REPLICATES, rep, k, failed = 0, refitted = 0, redrawn = 0;
    size_t hit[G_COUNT] = {0}, tot[G_COUNT] = {0};
    const char *env = getenv("ATT_RECOVERY_REPS");
    char *ini = fixture_slurp(ini_path);
    att_fit_params fp;
    bool ok = true;
    int g;
    size_t first = 0;

    if (env != NULL)
        reps = (size_t)strtoul(env, NULL, 10);
    if ((env = getenv("ATT_RECOVERY_FIRST")) != NULL)
        first = (size_t)strtoul(env, NULL, 10);
    fixture_load(&f, ini, design);
    /* The scenario's own settings, as `attrition fit` runs them: 4 x (1000
     * + 1000), adapt_delta 0.8 with refits up to 0.995 (docs/model.md 5.5). */
    fp = att_fit_params_of(f.p);
    if ((env = getenv("ATT_RECOVERY_ITER")) != NULL)
        fp.warmup = fp.draws = (size_t)strtoul(env, NULL, 10);
    if ((env = getenv("ATT_RECOVERY_DELTA")) != NULL)
        fp.delta = strtod(env, NULL);
    print_message("recovery on %s: %zu replicates, seed %lu, %zu x (%zu + %zu), adapt_delta %g "
                  "(refits up to %g)\n",
                  strncmp(ini_path, ATT_SOURCE_DIR "/", strlen(ATT_SOURCE_DIR) + 1) == 0
                      ? ini_path + strlen(ATT_SOURCE_DIR) + 1
                      : ini_path,
                  reps, REC_SEED, fp.chains, fp.warmup, fp.draws, fp.delta, fp.delta_max);
    for (rep = first; rep < first + reps; rep++) {
        size_t n = att_posterior_dim(f.post);
        double truth[64], tval[64];
        gsl_rng *rng = att_rng_alloc(REC_SEED, ATT_RNG_TEST, (uint32_t)rep, 0, 0);
        char *csv;
        fixture sim;
        att_fit_result fit;
        att_error err;
        char msg[512];
        assert_true(n <= 64);
        for (;;) {
            att_posterior_prior_draw(f.post, rng, truth);
            if ((csv = simulate(&f, truth, rng)) != NULL)
                break;
            redrawn++;
        }
        if (getenv("ATT_RECOVERY_DUMP") != NULL) {
            char path[4096];
            FILE *fh;
            snprintf(path, sizeof path, "%s/rep%zu.csv", getenv("ATT_RECOVERY_DUMP"), rep);
            fh = fopen(path, "w");
            assert_non_null(fh);
            fputs(csv, fh);
            fclose(fh);
        }
        fixture_load(&sim, ini, csv); /* the parameter file with the simulated ledger */
        assert_int_equal(att_posterior_dim(sim.post), n);
        fp.seed = REC_SEED + rep;
        assert_int_equal(att_fit_run(sim.post, &fp, &fit, &err), ATT_OK);
        refitted += fit.refits > 0;
        if (att_fit_judge(&fit, msg, sizeof msg) == ATT_FIT_FAILED) {
            failed++;
            print_message("  replicate %zu did not converge: %s\n    truth:", rep, msg);
            att_posterior_constrain(sim.post, truth, tval);
            for (k = 0; k < n; k++)
                print_message(" %s=%.3g", att_posterior_param(sim.post, k)->name, tval[k]);
            print_message("\n");
        } else {
            att_posterior_constrain(sim.post, truth, tval);
            for (k = 0; k < n; k++) {
                g = group_of(att_posterior_param(sim.post, k)->kind);
                tot[g]++;
                hit[g] += tval[k] >= fit.summary[k].q05 && tval[k] <= fit.summary[k].q95;
            }
        }
        att_fit_result_free(&fit);
        fixture_free(&sim);
        free(csv);
        gsl_rng_free(rng);
    }
    print_message("recovery: %zu of %zu replicates failed the convergence policy (at most %d "
                  "allowed); %zu were refitted with a higher adapt_delta; %zu truths drawn "
                  "again (a report's model quantity 0)\n",
                  failed, reps, REC_MAX_FAILED, refitted, redrawn);
    for (g = 0; g < G_COUNT; g++) {
        double c = tot[g] ? (double)hit[g] / (double)tot[g] : 0.0;
        bool in = c >= REC_LOW && c <= REC_HIGH;
        if (tot[g] == 0) /* the model has no such parameter */
            continue;
        print_message("  %-8s 90%% intervals cover the truth %5.1f%% of %zu times%s\n",
                      group_names[g], 100.0 * c, tot[g], in ? "" : "  <- outside 82%-97%");
        ok = ok && in;
    }
    fixture_free(&f);
    free(ini);
    assert_true(failed * REC_REPLICATES <= REC_MAX_FAILED * reps);
    assert_true(ok);
}

static void
test_recovery_coverage(void **state)
{
    char *design = design_ledger();

    (void)state;
    recovery_coverage(ATT_SOURCE_DIR "/params/baseline.ini", design);
    free(design);
}

/* Sources as they are (MODEL.md): the baseline with noise per class and
 * an undercount class (a list of the named dead, Beta(4, 6)) whose three
 * killed figures (a window, a range, a period) join the design. */
#define REC_SOURCES_CLASS                                                        \
    "[class named]\nundercount = true\ncompleteness_a = 4\ncompleteness_b = 6\n" \
    "tau_force = 0.3\n"
#define REC_SOURCES_ROWS                                                                 \
    "rec_n1,2025-02-15,2025-02-01,2025-02-15,Lists,named,killed,approx,400,,,q,d,,,\n"   \
    "rec_n2,2025-04-20,2025-04-20,2025-04-20,Lists,named,killed,range,,500,800,q,d,,,\n" \
    "rec_n3,2025-03-31,2025-03-01,2025-03-31,Lists,named,killed,approx,60,,,q,d,,,period\n"

static void
test_recovery_sources(void **state)
{
    char *base = fixture_slurp(ATT_SOURCE_DIR "/params/baseline.ini"), *design = design_ledger();
    char *ini, *led, *at = strstr(base, "\n[model]\n");
    const char *path = ATT_BINARY_DIR "/tests/recovery_sources.ini";
    size_t n = strlen(base);
    FILE *fh;

    (void)state;
    assert_non_null(at);
    at += strlen("\n[model]\n");
    ini = malloc(n + 64 + sizeof REC_SOURCES_CLASS);
    led = malloc(strlen(design) + sizeof REC_SOURCES_ROWS);
    assert_true(ini != NULL && led != NULL);
    /* baseline.ini with `noise = per_class` first in its [model], the class at its end. */
    snprintf(ini, n + 64 + sizeof REC_SOURCES_CLASS, "%.*snoise = per_class\n%s%s",
             (int)(at - base), base, at, REC_SOURCES_CLASS);
    snprintf(led, strlen(design) + sizeof REC_SOURCES_ROWS, "%s%s", design, REC_SOURCES_ROWS);
    fh = fopen(path, "w");
    assert_non_null(fh);
    fputs(ini, fh);
    fclose(fh);
    recovery_coverage(path, led);
    free(ini);
    free(led);
    free(design);
    free(base);
}

/* Groups, departures, return to duty and every measure. */
static void
test_recovery_force(void **state)
{
    char *design = fixture_slurp(ATT_SOURCE_DIR "/bench/synthetic/force30.csv");

    (void)state;
    recovery_coverage(ATT_SOURCE_DIR "/bench/synthetic/force30.ini", design);
    free(design);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recovery_coverage),
        cmocka_unit_test(test_recovery_force),
        cmocka_unit_test(test_recovery_sources),
    };

    gsl_set_error_handler_off();
    return cmocka_run_group_tests_name("recovery", tests, NULL, NULL);
}
