/* bench_fit.c -- the baseline fit as `attrition fit` runs it (4 chains x
 * 1,000 warm-up + 1,000 draws, the scenario's adapt_delta): wall time from
 * loading to diagnostics, sampler time (first warm-up to last draw) and the
 * chains' own times, minimum bulk ESS per second of sampler time, the cost
 * of one log-density-and-gradient evaluation, and peak RSS.  Targets
 * (issue 3): under 0.5 s wall and 50 MB, and at least 20 times Stan's
 * minimum bulk ESS per second (about 1,000/s single-core here, so 20,000/s).
 * Usage: bench_fit [runs] (default 3; the median is printed). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include <gsl/gsl_errno.h>

#include <attrition/att_fit.h>
#include <attrition/att_ledger.h>
#include <attrition/att_params.h>
#include <attrition/att_posterior.h>

#include "bench_clock.h"
#include "bench_util.h"

/* Stan's minimum bulk ESS per second here, as issue 3 states it ("about
 * 1,000 ... single-core"); bench/run measures 1,042 per chain-CPU-second,
 * and 2,051/s of sampler time with two forked cores (bench/README.md). */
#define BENCH_STAN_ESS_PER_S 1000.0

int
main(int argc, char **argv)
{
    int runs = argc > 1 ? atoi(argv[1]) : 3, r;
    double wall[32], samp[32], cpu[32], ess[32], per_grad = 0.0, ess_med;
    struct rusage ru;

    gsl_set_error_handler_off();
    if (runs < 1 || runs > 32)
        runs = 3;
    for (r = 0; r < runs; r++) {
        double t0 = now();
        att_params *p = NULL;
        att_ledger *l = NULL;
        att_posterior *post;
        att_fit_params fp;
        att_fit_result fit;
        att_error err;
        const char *cls[256];
        size_t i;
        if (att_params_load(ATT_SOURCE_DIR "/params/baseline.ini", &p, &err) != ATT_OK)
            return fprintf(stderr, "bench_fit: %s\n", err.msg), 65;
        for (i = 0; i < p->nclass; i++)
            cls[i] = p->classes[i].name;
        if (att_ledger_load(p->ledger, cls, p->nclass, &l, &err) != ATT_OK)
            return fprintf(stderr, "bench_fit: %s\n", err.msg), 65;
        post = att_posterior_alloc(p, l, INT32_MAX, &err);
        fp = att_fit_params_of(p);
        fp.seed += (unsigned long)r;
        if (post == NULL || att_fit_run(post, &fp, &fit, &err) != ATT_OK)
            return fprintf(stderr, "bench_fit: %s\n", err.msg), 70;
        wall[r] = now() - t0;
        samp[r] = fit.seconds_sampler;
        cpu[r] = fit.seconds_chain_cpu;
        ess[r] = fit.ess_bulk_min;
        per_grad = fit.seconds_chain_cpu / (double)fit.leapfrogs;
        printf("run %d: wall %.3f s, sampler %.3f s, chains %.3f s, min bulk ESS %.0f, "
               "%zu gradients, %zu divergent\n",
               r + 1, wall[r], samp[r], cpu[r], ess[r], fit.leapfrogs, fit.divergent_total);
        att_fit_result_free(&fit);
        att_posterior_free(post);
        att_ledger_free(l);
        att_params_free(p);
    }
    for (r = 0; r < runs; r++)
        ess[r] /= samp[r]; /* ESS per second of sampler time */
    ess_med = bench_median(ess, (size_t)runs);
    getrusage(RUSAGE_SELF, &ru);
    printf("\nbench_fit (median of %d runs)\n", runs);
    printf("  wall time, load to diagnostics   %8.3f s   (target < 0.5 s)\n",
           bench_median(wall, (size_t)runs));
    printf("  sampler time                     %8.3f s\n", bench_median(samp, (size_t)runs));
    printf("  chains' own times, summed        %8.3f s\n", bench_median(cpu, (size_t)runs));
    printf("  min bulk ESS per sampler second  %8.0f     (target >= %.0f, 20 x Stan)\n", ess_med,
           20.0 * BENCH_STAN_ESS_PER_S);
    printf("  ratio to Stan's ~%.0f/s           %8.1f x\n", BENCH_STAN_ESS_PER_S,
           ess_med / BENCH_STAN_ESS_PER_S);
    printf("  one log density + gradient       %8.2f us (last run, per chain-second)\n",
           1e6 * per_grad);
    printf("  peak RSS                         %8.1f MB  (target < 50 MB)\n",
           (double)ru.ru_maxrss / 1024.0);
    return 0;
}
