/* bench_project.c -- the projection's speed and memory (targets in bench/README.md).
 *
 * End to end: the real binary, `attrition --scenario reinforce30k --quiet`
 * (fit, projection with its twin, printing), run from the source tree with
 * stdout to /dev/null: median wall time and the children's peak RSS.
 * Targets: under 1 s and 100 MB (4,000 paths over 365 days).
 *
 * The simulation loop alone: reinforce30k fitted once in-process with the
 * scenario's settings (4 chains x 1,000 warm-up + 1,000 draws, the seed the
 * CLI uses, so the draws are the CLI's), then att_project_run at 4,000 and
 * 40,000 paths with 1 and 2 threads: median seconds_loop and path-days per
 * second (paths x 365 / seconds_loop).  Target: at least 5 times a numpy
 * loop over the same cohorts and draws (bench/peers/project_numpy.py).
 * Two variants at 4,000 paths, 1 thread, show where the time goes: without
 * the daily threshold checks, and without pooling (each wave's multiplier
 * moved by 1e-12 so no two cohorts share a binomial, as in numpy's loop).
 *
 * It writes the per-path inputs of numpy's loop (4,000 paths, path i on
 * draw i) and the per-path values of ours at the last date, for the peer's
 * sanity check, to --draws FILE (default: the build dir).
 *
 * Usage: bench_project [runs] [--draws FILE] [--draws-only]
 *                      [--numpy FILE | --numpy-rate X]
 * runs: end-to-end runs and loop repetitions (default 5); --draws-only:
 * fit, write the CSV and stop; --numpy FILE: the figures project_numpy.py
 * wrote (bench/run-project chains the three); --numpy-rate X: numpy's
 * path-days/s at 4,000 paths. */
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include <attrition/att_fit.h>
#include <attrition/att_ledger.h>
#include <attrition/att_model.h>
#include <attrition/att_params.h>
#include <attrition/att_posterior.h>
#include <attrition/att_project.h>
#include <attrition/att_run.h>

#include "bench_clock.h"
#include "bench_util.h"

#define BENCH_RUNS_MAX  32
#define BENCH_PATHS     4000
#define BENCH_PATHS_BIG 40000
#define BENCH_TARGET_S  1.0   /* end to end, seconds */
#define BENCH_TARGET_MB 100.0 /* end to end, peak RSS */
#define BENCH_TARGET_X  5.0   /* loop, times numpy's path-days/s */


/* One run of the CLI; its wall time in *wall.  Returns its exit status. */
static int
run_cli(double *wall)
{
    double t0 = now();
    int status = 0;
    pid_t pid = fork();

    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        /* The repo as working directory: the CLI finds ./params there. */
        if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0 || chdir(ATT_SOURCE_DIR) != 0)
            _exit(127);
        execl(ATT_CLI, ATT_CLI, "--scenario", "reinforce30k", "--quiet", (char *)NULL);
        _exit(127);
    }
    if (waitpid(pid, &status, 0) != pid)
        return -1;
    *wall = now() - t0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* Everything the in-process part holds. */
typedef struct {
    att_run *run;
    att_run_fit rf;
    att_params *p; /* rf.p */
    const att_posterior *post;
    const att_fit_result *fit;
} bench_ctx;

static void
ctx_free(bench_ctx *c)
{
    att_run_fit_free(&c->rf);
    att_run_free(c->run);
}

static int
ctx_fit(bench_ctx *c)
{
    att_run_options o = att_run_options_default();
    att_error err;

    /* As `attrition` with no options: the scenario's settings and seed. */
    if (att_run_open(ATT_SOURCE_DIR "/params/reinforce30k.ini", &o, &c->run, &err) != ATT_OK)
        return fprintf(stderr, "bench_project: %s\n", err.msg), 65;
    if (att_run_posterior(c->run, INT32_MAX, &c->rf, &err) != ATT_OK ||
        att_run_sample(&c->rf, NULL, &err) != ATT_OK)
        return fprintf(stderr, "bench_project: %s\n", err.msg), 70;
    c->p = c->rf.p;
    c->post = c->rf.post;
    c->fit = &c->rf.fit;
    return 0;
}

/* One projection of c with paths and threads; NaN on failure. */
static double
project_once(const bench_ctx *c, size_t paths, int threads, att_projection *keep)
{
    att_project_params pp = att_project_default_params();
    att_projection r;
    att_error err;
    double s;

    memset(&r, 0, sizeof r);
    pp.paths = paths;
    pp.threads = threads;
    pp.seed = c->p->projection.seed;
    if (att_project_run(c->p, c->post, c->fit, &pp, &r, &err) != ATT_OK) {
        fprintf(stderr, "bench_project: %s\n", err.msg);
        return (double)NAN;
    }
    s = r.seconds_loop;
    if (keep != NULL)
        *keep = r;
    else
        att_projection_free(&r);
    return s;
}

/* Median seconds_loop of runs projections. */
static double
loop_median(const bench_ctx *c, size_t paths, int threads, int runs)
{
    double t[BENCH_RUNS_MAX] = {0};
    int k;

    for (k = 0; k < runs; k++)
        if (isnan(t[k] = project_once(c, paths, threads, NULL)))
            return (double)NAN;
    return bench_median(t, (size_t)runs);
}


/* numpy's path-days/s from project_numpy.py's file, lines "paths rate
 * pooled_rate": at 4,000 and 40,000 paths with 4 cohorts, and pooled at
 * 4,000; 0 where absent. */
static void
read_numpy(const char *path, double *at4k, double *at40k, double *pooled4k)
{
    FILE *f = fopen(path, "r");
    char line[256];

    if (f == NULL) {
        fprintf(stderr, "bench_project: cannot read %s; no ratio\n", path);
        return;
    }
    while (fgets(line, sizeof line, f) != NULL) {
        char *e;
        double paths = strtod(line, &e), rate = strtod(e, &e), pooled = strtod(e, &e);
        if (paths == BENCH_PATHS) {
            *at4k = rate;
            *pooled4k = pooled;
        } else if (paths == BENCH_PATHS_BIG)
            *at40k = rate;
    }
    fclose(f);
}

/* The median strength at the last date (NaN if 50 is not a level). */
static double
end_median(const att_projection *r)
{
    size_t j;

    for (j = 0; r->q[ATT_SERIES_STRENGTH] != NULL && j < r->nlevels; j++)
        if (r->levels[j] == 50.0)
            return att_projection_q(r, ATT_SERIES_STRENGTH, r->ndates - 1, j);
    return (double)NAN;
}

/* The first line of /proc/loadavg, or "?": the machine is shared, and a
 * busy core shows in every figure here. */
static void
load_average(char *buf, size_t n)
{
    FILE *f = fopen("/proc/loadavg", "r");

    snprintf(buf, n, "?");
    if (f != NULL) {
        if (fgets(buf, (int)n, f) != NULL)
            buf[strcspn(buf, "\n")] = '\0';
        fclose(f);
    }
}

static const char *
verdict(bool met)
{
    return met ? "met" : "NOT met";
}

/* Prints one loop line; rate of paths x horizon over seconds. */
static double
print_loop(const char *what, size_t paths, int threads, double s, long horizon, double numpy)
{
    double rate = (double)paths * (double)horizon / s;

    printf("  %-26s %6zu  %d   %8.4f s  %6.2f M/s", what, paths, threads, s, rate / 1e6);
    if (numpy > 0.0)
        printf("   %5.2f x numpy", rate / numpy);
    printf("\n");
    return rate;
}

int
main(int argc, char **argv)
{
    int runs = 5, k, a, rc;
    bool draws_only = false;
    const char *draws_path = ATT_BINARY_DIR "/bench_project_draws.csv", *numpy_file = NULL;
    double np4k = 0.0, np40k = 0.0, nppool = 0.0, wall[BENCH_RUNS_MAX] = {0}, e2e = 0.0, rss = 0.0;
    double s1, s2, s1big, s2big, snothr, snopool, r1, r2, rnopool;
    bench_ctx c;
    att_projection keep;
    struct rusage ru;
    char *end, load0[128], load1[128];
    long horizon;
    size_t nthr;

    for (a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--draws") == 0 && a + 1 < argc)
            draws_path = argv[++a];
        else if (strcmp(argv[a], "--numpy") == 0 && a + 1 < argc)
            numpy_file = argv[++a];
        else if (strcmp(argv[a], "--numpy-rate") == 0 && a + 1 < argc)
            np4k = strtod(argv[++a], NULL);
        else if (strcmp(argv[a], "--draws-only") == 0)
            draws_only = true;
        else if ((runs = (int)strtol(argv[a], &end, 10)) < 1 || runs > BENCH_RUNS_MAX ||
                 *end != '\0')
            return fprintf(stderr, "usage: bench_project [runs] [--draws FILE] [--draws-only] "
                                   "[--numpy FILE | --numpy-rate X]\n"),
                   64;
    }
    if (numpy_file != NULL)
        read_numpy(numpy_file, &np4k, &np40k, &nppool);
    gsl_set_error_handler_off();
    load_average(load0, sizeof load0);

    /* First, while this process is small: the fork's image counts in the
     * children's peak RSS until the exec. */
    if (!draws_only) {
        for (k = 0; k < runs; k++)
            if ((rc = run_cli(&wall[k])) != 0)
                return fprintf(stderr, "bench_project: %s exited with %d\n", ATT_CLI, rc), 70;
        getrusage(RUSAGE_CHILDREN, &ru);
        e2e = bench_median(wall, (size_t)runs);
        rss = (double)ru.ru_maxrss / 1024.0;
    }

    memset(&c, 0, sizeof c);
    memset(&keep, 0, sizeof keep);
    if ((rc = ctx_fit(&c)) != 0) {
        ctx_free(&c);
        return rc;
    }
    horizon = c.p->projection.horizon;
    /* The run whose per-path values go to the CSV (threads never change them). */
    if (isnan(project_once(&c, BENCH_PATHS, 0, &keep))) {
        ctx_free(&c);
        return 70;
    }
    rc = bench_write_draws("bench_project", c.p, c.post, c.fit, &keep, draws_path);
    printf("bench_project: %zu posterior draws; ours at %d paths, last date: median strength "
           "%.0f\n  per-path inputs for numpy and our last-date values: %s\n",
           c.fit->chains * c.fit->draws, BENCH_PATHS, end_median(&keep), draws_path);
    att_projection_free(&keep);
    if (rc != 0 || draws_only) {
        ctx_free(&c);
        return rc;
    }

    s1 = loop_median(&c, BENCH_PATHS, 1, runs);
    s2 = loop_median(&c, BENCH_PATHS, 2, runs);
    s1big = loop_median(&c, BENCH_PATHS_BIG, 1, runs < 3 ? runs : 3);
    s2big = loop_median(&c, BENCH_PATHS_BIG, 2, runs < 3 ? runs : 3);
    /* Where the time goes: the thresholds off (restored after)... */
    nthr = c.p->nthreshold;
    c.p->nthreshold = 0;
    snothr = loop_median(&c, BENCH_PATHS, 1, runs);
    c.p->nthreshold = nthr;
    /* ...and each wave on its own binomial, as numpy's loop draws them:
     * no two hazards equal, so no pool (no multiplier draw either). */
    bench_unpool(c.p);
    snopool = loop_median(&c, BENCH_PATHS, 1, runs);
    ctx_free(&c);
    load_average(load1, sizeof load1);
    if (isnan(s1) || isnan(s2) || isnan(s1big) || isnan(s2big) || isnan(snothr) || isnan(snopool))
        return 70;

    printf("\nbench_project (medians; end to end of %d runs, loop of %d, 40,000 paths of %d)\n",
           runs, runs, runs < 3 ? runs : 3);
    printf("  load average (/proc/loadavg) at the start: %s; at the end: %s\n", load0, load1);
    printf("  end to end, attrition --scenario reinforce30k --quiet\n");
    printf("    wall time       %8.3f s    (target < %.0f s: %s)\n", e2e, BENCH_TARGET_S,
           verdict(e2e < BENCH_TARGET_S));
    printf("    peak RSS        %8.1f MB   (target < %.0f MB: %s)\n", rss, BENCH_TARGET_MB,
           verdict(rss < BENCH_TARGET_MB));
    printf("  simulation loop, %ld days     paths  thr  seconds     path-days/s\n", horizon);
    r1 = print_loop("as shipped", BENCH_PATHS, 1, s1, horizon, np4k);
    r2 = print_loop("as shipped", BENCH_PATHS, 2, s2, horizon, np4k);
    print_loop("as shipped", BENCH_PATHS_BIG, 1, s1big, horizon, np40k);
    print_loop("as shipped", BENCH_PATHS_BIG, 2, s2big, horizon, np40k);
    print_loop("no threshold checks", BENCH_PATHS, 1, snothr, horizon, np4k);
    rnopool = print_loop("no pooling (4 cohorts)", BENCH_PATHS, 1, snopool, horizon, np4k);
    /* Well under 2 means the other core was busy (the machine is shared). */
    printf("  speed-up of 2 threads over 1: %.2f (4,000 paths), %.2f (40,000)\n", s1 / s2,
           s1big / s2big);
    if (np4k > 0.0) {
        printf("  %-26s %6d  1   %10s  %6.2f M/s\n", "numpy, 4 cohorts", BENCH_PATHS, "",
               np4k / 1e6);
        if (nppool > 0.0)
            printf("  %-26s %6d  1   %10s  %6.2f M/s\n", "numpy, pooled", BENCH_PATHS, "",
                   nppool / 1e6);
        printf("  target >= %.0f x numpy: 1 thread %.2f x (%s), 2 threads %.2f x (%s)\n",
               BENCH_TARGET_X, r1 / np4k, verdict(r1 >= BENCH_TARGET_X * np4k), r2 / np4k,
               verdict(r2 >= BENCH_TARGET_X * np4k));
        /* The same algorithm on both sides: what the C loop itself gains. */
        printf("  like for like, 1 thread: unpooled %.2f x numpy's 4 cohorts", rnopool / np4k);
        if (nppool > 0.0)
            printf(", pooled %.2f x numpy pooled (2 threads %.2f x)", r1 / nppool, r2 / nppool);
        printf("\n");
    } else
        printf("  no numpy figure: run bench/peers/project_numpy.py, then --numpy FILE\n");
    return 0;
}
