/* bench_fit.c -- the baseline fit as `attrition fit` runs it (4 chains x
 * 1,000 warm-up + 1,000 draws, the scenario's adapt_delta): wall time from
 * loading to diagnostics, sampler time (first warm-up to last draw) and the
 * chains' own times, minimum bulk ESS per second of sampler time, the cost
 * of one log-density-and-gradient evaluation, and peak RSS.  Targets
 * (bench/README.md): under 0.5 s wall and 50 MB, and at least 20 times Stan's
 * minimum bulk ESS per second, as bench/run measured it on this machine
 * (its file stan_measured.txt in the build's bench directory, or --stan
 * FILE; without one, or for a scenario file other than the one it names
 * (the same file by device and inode), no ratio is printed).  The fits
 * run as many threads as the machine has cores, and the chains' own
 * times are their threads' CPU times, so that the per-chain-second
 * figures are not inflated by threads waiting for a core.
 * Usage: bench_fit [runs] [--scenario FILE] [--grad-draws FILE] [--stan FILE]
 *                  [--grad-only]
 * (default 3 runs; the median is printed).  --scenario fits another file instead:
 * bench/synthetic/force30.ini, the target of a force with groups,
 * departures, return to duty and every measure (under 2 s wall, the CLI's
 * `attrition fit` end to end; bench/README.md), or a synthetic ledger of
 * 1,000 reports (under 2 s) or 10,000 (under 30 s).
 *
 * The gradient's own cost: one log density and gradient in the sampler's
 * coordinates, on one thread, over fixed posterior draws (the first run's,
 * or with --grad-draws those in FILE, which is written from the first run
 * when it does not exist, so that two builds can be timed on the same
 * points); the median of BENCH_GRAD_REPEATS passes.  --grad-only times
 * only that, on the draws of --grad-draws's FILE, with no fit. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include <attrition/att_fit.h>
#include <attrition/att_ledger.h>
#include <attrition/att_loo.h>
#include <attrition/att_params.h>
#include <attrition/att_posterior.h>
#include <attrition/att_run.h>
#include <attrition/att_summary.h>

#include "bench_clock.h"
#include "bench_util.h"

/* The number after key in line: true if there is one, whole. */
static bool
bench_field(const char *line, const char *key, double *out)
{
    const char *p = strstr(line, key);
    char *end;

    if (p == NULL)
        return false;
    *out = strtod(p + strlen(key), &end);
    return end != p + strlen(key) && (*end == ' ' || *end == '\r' || *end == '\n' || *end == '\0');
}

/* The next whitespace-separated number of f: true if it is one, whole. */
static bool
bench_read(FILE *f, double *out)
{
    char tok[64], *end;

    if (fscanf(f, "%63s", tok) != 1)
        return false;
    *out = strtod(tok, &end);
    return end != tok && *end == '\0';
}

/* Whether paths a and b name the same file. */
static bool
bench_same_file(const char *a, const char *b)
{
    struct stat sa, sb;

    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

/* What bench/run's file says of Stan (stan_measured). */
typedef enum {
    STAN_NONE,   /* no file */
    STAN_HERE,   /* measured on the scenario being fitted */
    STAN_OTHER,  /* measured on another scenario file (named in *other) */
    STAN_UNKNOWN /* unreadable, or written before it named its scenario */
} stan_file;

/* Stan's minimum bulk ESS per second of sampler time and per
 * chain-CPU-second, from bench/run's file (one line, " scenario=FILE" at
 * its end), and whether it was measured on scenario: the same file, by
 * device and inode (STAN_*). */
static stan_file
stan_measured(const char *path,
              const char *scenario,
              double *per_s,
              double *per_cpu_s,
              char *date,
              size_t n,
              char *other,
              size_t nother)
{
    FILE *f = fopen(path, "r");
    char line[8192], *p;
    bool ok;

    if (f == NULL)
        return STAN_NONE;
    ok = fgets(line, sizeof line, f) != NULL && strchr(line, '\n') != NULL &&
         bench_field(line, "stan_min_bulk_ess_per_sampler_s=", per_s) &&
         bench_field(line, "stan_min_bulk_ess_per_chain_cpu_s=", per_cpu_s) && *per_s > 0.0 &&
         *per_cpu_s > 0.0;
    fclose(f);
    p = ok ? strstr(line, "date=") : NULL;
    snprintf(date, n, "%.10s", p != NULL ? p + 5 : "?");
    if (!ok || (p = strstr(line, " scenario=")) == NULL)
        return STAN_UNKNOWN;
    p += strlen(" scenario=");
    p[strcspn(p, "\r\n")] = '\0';
    snprintf(other, nother, "%s", p);
    return bench_same_file(p, scenario) ? STAN_HERE : STAN_OTHER;
}

#define BENCH_GRAD_REPEATS 15
#define BENCH_BASELINE     ATT_SOURCE_DIR "/params/baseline.ini"

/* The draws file of --grad-draws: a line "n dim", then n lines of dim
 * values (%.17g).  Returns n (0 on failure), the draws in *out. */
static size_t
grad_draws_read(const char *path, size_t dim, double **out)
{
    FILE *f = fopen(path, "r");
    size_t n = 0, i;
    double *x = NULL, nd, dd;

    if (f == NULL || !bench_read(f, &nd) || !bench_read(f, &dd) || dd != (double)dim ||
        !(nd >= 1.0 && nd <= 1e7 && nd == floor(nd)))
        goto fail;
    n = (size_t)nd;
    if ((x = malloc(n * dim * sizeof *x)) == NULL)
        goto fail;
    for (i = 0; i < n * dim; i++)
        if (!bench_read(f, &x[i]))
            goto fail;
    fclose(f);
    *out = x;
    return n;
fail:
    if (f != NULL)
        fclose(f);
    free(x);
    return 0;
}

static void
grad_draws_write(const char *path, const double *x, size_t n, size_t dim)
{
    FILE *f = fopen(path, "w");
    size_t i;

    if (f == NULL)
        return;
    fprintf(f, "%zu %zu\n", n, dim);
    for (i = 0; i < n * dim; i++)
        fprintf(f, "%.17g%c", x[i], (i + 1) % dim == 0 ? '\n' : ' ');
    fclose(f);
}

/* Seconds per log density and gradient at the n draws theta (model
 * coordinates), in sampling coordinates, one thread; the median of
 * BENCH_GRAD_REPEATS passes.  *out_check gets the sum of log p, *out_hash
 * a hash of the bits of every log p and gradient. */
static double
grad_time(const att_posterior *post,
          const double *theta,
          size_t n,
          double *out_check,
          unsigned long long *out_hash)
{
    unsigned long long hash = 14695981039346656037ULL;
    size_t dim = att_posterior_dim(post), i, r;
    att_error err;
    att_posterior_workspace *w = att_posterior_workspace_alloc(post, &err);
    double *xi = malloc(n * dim * sizeof *xi), *g = malloc(dim * sizeof *g), t[BENCH_GRAD_REPEATS];

    if (w == NULL || xi == NULL || g == NULL) {
        fprintf(stderr, "bench_fit: out of memory\n");
        n = 0;
    }
    for (i = 0; i < n; i++)
        if (att_posterior_to_sampling(post, w, theta + i * dim, xi + i * dim, &err) != ATT_OK) {
            fprintf(stderr, "bench_fit: %s\n", err.msg);
            n = 0;
        }
    if (n == 0) {
        att_posterior_workspace_free(w);
        free(xi);
        free(g);
        return 0.0;
    }
    /* The bits of every log p and gradient, hashed (FNV-1a): two builds
     * that agree here give the sampler the same numbers. */
    for (i = 0; i < n; i++) {
        double lp = att_posterior_logp_sampling(post, w, xi + i * dim, g);
        hash = bench_fnv(hash, &lp, sizeof lp);
        hash = bench_fnv(hash, g, dim * sizeof *g);
    }
    for (r = 0; r < BENCH_GRAD_REPEATS; r++) {
        double t0 = now(), sum = 0.0;
        for (i = 0; i < n; i++)
            sum += att_posterior_logp_sampling(post, w, xi + i * dim, g);
        t[r] = (now() - t0) / (double)n;
        *out_check = sum;
    }
    *out_hash = hash;
    free(g);
    free(xi);
    att_posterior_workspace_free(w);
    return bench_median(t, BENCH_GRAD_REPEATS);
}

/* --grad-only: the gradient's time on the draws of FILE, no fit. */
static int
grad_only_run(const char *scenario, const char *draws_path)
{
    att_run *run = NULL;
    att_run_options o = att_run_options_default();
    att_run_fit rf;
    att_error err;
    double *theta = NULL, check = 0.0, s;
    unsigned long long hash = 0;
    size_t n;

    if (draws_path == NULL)
        return fprintf(stderr, "bench_fit: --grad-only needs --grad-draws FILE\n"), 64;
    gsl_set_error_handler_off();
    if (att_run_open(scenario, &o, &run, &err) != ATT_OK)
        return fprintf(stderr, "bench_fit: %s\n", err.msg), 65;
    if (att_run_posterior(run, INT32_MAX, &rf, &err) != ATT_OK)
        return fprintf(stderr, "bench_fit: %s\n", err.msg), 70;
    n = grad_draws_read(draws_path, att_posterior_dim(rf.post), &theta);
    if (n == 0)
        return fprintf(stderr, "bench_fit: cannot read the draws of %s\n", draws_path), 65;
    s = grad_time(rf.post, theta, n, &check, &hash);
    printf("bench_fit %s: one log density + gradient %.3f us (one thread, %zu fixed draws of %s; "
           "sum of log p %.17g; bits %016llx)\n",
           scenario, 1e6 * s, n, draws_path, check, hash);
    free(theta);
    att_run_fit_free(&rf);
    att_run_free(run);
    return 0;
}

/* What attrition fit computes from the draws before it prints them, timed:
 * the summaries into out[0], PSIS-LOO into out[1]; 0, or 1 with the
 * message. */
static int
bench_summaries(const att_run *run, const att_run_fit *rf, double *out)
{
    double t0 = now(), t1;
    att_summary *sum = NULL;
    att_loo loo;
    att_error err;

    if (att_summary_compute(rf->p, att_run_ledger(run), rf->post, &rf->fit, &sum, &err) != ATT_OK)
        return fprintf(stderr, "bench_fit: %s\n", err.msg), 1;
    t1 = now();
    if (att_fit_loo(rf->post, &rf->fit, false, &loo, &err) != ATT_OK) {
        att_summary_free(sum);
        return fprintf(stderr, "bench_fit: %s\n", err.msg), 1;
    }
    out[0] = t1 - t0;
    out[1] = now() - t1;
    att_summary_free(sum);
    att_loo_free(&loo);
    return 0;
}

int
main(int argc, char **argv)
{
    char *end = NULL;
    long asked = argc > 1 ? strtol(argv[1], &end, 10) : 3;
    int runs = argc > 1 && (*end != '\0' || asked < 1 || asked > 32) ? -1 : (int)asked, r, a;
    double wall[32], samp[32], cpu[32], ess[32], after[32], loo_s[32], per_grad = 0.0, ess_med;
    double grad_s = 0.0, two[2] = {0.0, 0.0}, check = 0.0;
    const char *draws_path = NULL, *scenario = BENCH_BASELINE;
    const char *stan_path = ATT_BINARY_DIR "/stan_measured.txt";
    double target, stan_s = 0.0, stan_cpu = 0.0;
    double cpu_ess[32];
    unsigned long long hash = 0;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    char stan_date[16], stan_scenario[4096];
    bool grad_only = false;
    stan_file have_stan;
    struct rusage ru;

    for (a = 2; a < argc; a++) {
        if (strcmp(argv[a], "--grad-only") == 0)
            grad_only = true;
        else if (a + 1 == argc)
            return fprintf(stderr, "bench_fit: %s needs a value\n", argv[a]), 64;
        else if (strcmp(argv[a], "--grad-draws") == 0)
            draws_path = argv[++a];
        else if (strcmp(argv[a], "--stan") == 0)
            stan_path = argv[++a];
        else if (strcmp(argv[a], "--scenario") == 0)
            scenario = argv[++a];
        else
            return fprintf(stderr, "bench_fit: unknown option %s\n", argv[a]), 64;
    }
    /* The baseline's targets, however its file is named; 2 s for the others
     * (30 s at 10,000 reports, below). */
    target = bench_same_file(scenario, BENCH_BASELINE) ? 0.5 : 2.0;
    if (grad_only)
        return grad_only_run(scenario, draws_path);
    gsl_set_error_handler_off();
    if (runs < 1)
        return fprintf(stderr, "bench_fit: expected a number of runs from 1 to 32, found %s\n",
                       argv[1]),
               64;
    for (r = 0; r < runs; r++) {
        double t0 = now();
        att_run *run = NULL;
        att_run_options o = att_run_options_default();
        att_run_fit rf;
        const att_fit_result *fit = &rf.fit;
        const att_posterior *post;
        att_error err;
        o.threads = cores > 0 ? (int)cores : 0; /* one thread per core */
        if (att_run_open(scenario, &o, &run, &err) != ATT_OK)
            return fprintf(stderr, "bench_fit: %s\n", err.msg), 65;
        if (att_run_posterior(run, INT32_MAX, &rf, &err) != ATT_OK)
            return fprintf(stderr, "bench_fit: %s\n", err.msg), 70;
        post = rf.post;
        /* Issue 18's for a ledger of 10,000 reports, counted as rows: the
         * fit leaves out repeats (the synthetic one's has one). */
        if (target == 2.0 && att_run_ledger(run)->n >= 10000)
            target = 30.0;
        rf.fp.seed += (unsigned long)r;
        if (att_run_sample(&rf, NULL, &err) != ATT_OK)
            return fprintf(stderr, "bench_fit: %s\n", err.msg), 70;
        wall[r] = now() - t0;
        if (bench_summaries(run, &rf, two) != 0)
            return 70;
        after[r] = two[0];
        loo_s[r] = two[1];
        samp[r] = fit->seconds_sampler;
        cpu[r] = fit->seconds_chain_cpu;
        ess[r] = fit->ess_bulk_min;
        cpu_ess[r] = fit->ess_bulk_min / fit->seconds_chain_cpu;
        per_grad = fit->seconds_chain_cpu / (double)fit->leapfrogs;
        printf("run %d: wall %.3f s, sampler %.3f s, chains %.3f s, min bulk ESS %.0f, "
               "%zu gradients, %zu divergent; summaries %.3f s, LOO %.3f s\n",
               r + 1, wall[r], samp[r], cpu[r], ess[r], fit->leapfrogs, fit->divergent_total,
               after[r], loo_s[r]);
        if (r == 0) {
            double *theta = NULL;
            size_t n = draws_path != NULL ? grad_draws_read(draws_path, fit->dim, &theta) : 0;
            if (n == 0 && draws_path != NULL)
                grad_draws_write(draws_path, fit->theta, fit->chains * fit->draws, fit->dim);
            grad_s = n > 0 ? grad_time(post, theta, n, &check, &hash)
                           : grad_time(post, fit->theta, fit->chains * fit->draws, &check, &hash);
            free(theta);
        }
        att_run_fit_free(&rf);
        att_run_free(run);
    }
    for (r = 0; r < runs; r++)
        ess[r] /= samp[r]; /* ESS per second of sampler time */
    ess_med = bench_median(ess, (size_t)runs);
    getrusage(RUSAGE_SELF, &ru);
    have_stan = stan_measured(stan_path, scenario, &stan_s, &stan_cpu, stan_date, sizeof stan_date,
                              stan_scenario, sizeof stan_scenario);
    printf("\nbench_fit %s (median of %d runs, %ld threads on %ld cores)\n", scenario, runs, cores,
           cores);
    printf("  wall time, load to diagnostics   %8.3f s   (target < %.1f s)\n",
           bench_median(wall, (size_t)runs), target);
    printf("  then the summaries, PSIS-LOO     %8.3f s, %.3f s (what attrition fit adds)\n",
           bench_median(after, (size_t)runs), bench_median(loo_s, (size_t)runs));
    printf("  sampler time                     %8.3f s\n", bench_median(samp, (size_t)runs));
    printf("  chains' own times, summed        %8.3f s\n", bench_median(cpu, (size_t)runs));
    /* The ESS target is the baseline's (Stan measured on it). */
    printf("  min bulk ESS per sampler second  %8.0f     %s\n", ess_med,
           target == 0.5 ? "(target: 20 x Stan's on the baseline)" : "");
    printf("  min bulk ESS per chain-CPU-second %7.0f\n", bench_median(cpu_ess, (size_t)runs));
    if (have_stan == STAN_HERE) {
        printf("  ratio to Stan's, sampler time    %8.1f x (Stan %.0f/s, bench/run %s)\n",
               ess_med / stan_s, stan_s, stan_date);
        printf("  ratio to Stan's, chain CPU time  %8.1f x (Stan %.0f/s)\n",
               bench_median(cpu_ess, (size_t)runs) / stan_cpu, stan_cpu);
    } else if (have_stan == STAN_OTHER)
        printf("  ratio to Stan's                  none for this scenario: %s is Stan's on %s\n",
               stan_path, stan_scenario);
    else if (have_stan == STAN_UNKNOWN)
        printf("  ratio to Stan's                  none: %s does not say which scenario Stan ran "
               "(run bench/run again)\n",
               stan_path);
    else
        printf("  ratio to Stan's                  not measured here: bench/run writes %s\n",
               stan_path);
    printf("  one log density + gradient       %8.2f us (last run, per chain-CPU-second)\n",
           1e6 * per_grad);
    printf("  one log density + gradient       %8.2f us (one thread, fixed draws%s; sum of "
           "log p %.17g; bits %016llx)\n",
           1e6 * grad_s, draws_path != NULL ? " of the file" : "", check, hash);
    printf("  peak RSS                         %8.1f MB  (target < 50 MB)\n",
           (double)ru.ru_maxrss / 1024.0);
    return 0;
}
