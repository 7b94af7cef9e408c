/* bench_peers.c -- ours' side of the comparison with the peers (bench/run,
 * bench/README.md): the same library calls as `attrition`, with the figures the
 * CLI does not print.
 *
 *   logp SCENARIO JSON THETA XI_OUT
 *       Checks that JSON (what the peers read) is the canonical export of
 *       SCENARIO's inputs, then prints, for each row of THETA (a draws
 *       file), att_posterior_logp at it and att_posterior_logp_sampling at
 *       its sampler coordinates xi, which go to XI_OUT (a draws file).
 *   summary SCENARIO DRAWS
 *       Per parameter, in model units: 5%, 50%, 95% quantiles with their
 *       MCSE, bulk and tail ESS and R-hat (att_diag_*); then the minimum
 *       and median bulk ESS.  The one implementation of ESS for every tool.
 *   fit SCENARIO OUT SEED THREADS
 *       `attrition fit` in-process (the scenario's chains, warm-up, draws,
 *       adapt_delta and max_depth): its sampler time (first warm-up to last
 *       draw), the chains' own times, gradients, divergences; draws to OUT.
 *   project SCENARIO PATHS THREADS RUNS [--unpooled] [--horizon DAYS]
 *           [--csv FILE]
 *       Fits the scenario as `attrition` does, then runs att_project_run
 *       RUNS times: the median seconds_loop and path-days per second.
 *       --unpooled: no two cohorts share a binomial (bench_project's
 *       variant); --csv: numpy's per-path inputs (project_numpy.py).
 *   synthetic N FILE
 *       Writes the synthetic ledger of N reports that scaling fits (drawn
 *       from the baseline at fixed values) to FILE, for `attrition fit
 *       --ledger FILE` and the peers.
 *   scaling [--quick]
 *       Time against size: one log density and gradient (sampler
 *       coordinates) on synthetic ledgers up to 100,000 reports, a whole
 *       fit up to 10,000, the projection up to 1,000,000 paths and 3,650
 *       days, and the speed-up from 1 to 2 threads; each curve's fitted
 *       exponent (least squares of log time on log size).
 *
 * Draws files: a line "chains draws dim", then chains x draws lines of dim
 * values (unconstrained, theta's order), chain after chain.  SCENARIO is a
 * name in params/ or a path.  Exit status 0, or 64 usage, 65 bad input, 70
 * failure. */
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include <attrition/att_date.h>
#include <attrition/att_diagnostics.h>
#include <attrition/att_export.h>
#include <attrition/att_fit.h>
#include <attrition/att_ledger.h>
#include <attrition/att_model.h>
#include <attrition/att_params.h>
#include <attrition/att_posterior.h>
#include <attrition/att_project.h>
#include <attrition/att_run.h>

#include "bench_clock.h"
#include "bench_util.h"

#define PEER_RUNS_MAX 64

/* Everything one scenario needs: the run as `attrition` makes it, its
 * posterior (and draws, after ctx_fit), and a workspace. */
typedef struct {
    att_run *run;
    att_run_fit rf;
    att_params *p; /* rf.p */
    const att_ledger *l;
    const att_posterior *post;
    att_posterior_workspace *w;
} peer_ctx;

static void
ctx_free(peer_ctx *c)
{
    att_posterior_workspace_free(c->w);
    att_run_fit_free(&c->rf);
    att_run_free(c->run);
    memset(c, 0, sizeof *c);
}

static int
fail(const char *what, const att_error *err)
{
    fprintf(stderr, "bench_peers: %s: %s\n", what, err->msg);
    return 70;
}

/* The scenario (params/NAME.ini, or a path) and its ledger (text of len
 * bytes named `name` instead of the scenario's when text is not NULL), as
 * a run with its posterior and a workspace. */
static int
ctx_open(peer_ctx *c, const char *scenario, const char *name, const char *text, size_t len)
{
    att_run_options o = att_run_options_default();
    char path[4096];
    att_error err;

    memset(c, 0, sizeof *c);
    if (strchr(scenario, '/') != NULL || strstr(scenario, ".ini") != NULL)
        snprintf(path, sizeof path, "%s", scenario);
    else
        snprintf(path, sizeof path, "%s/params/%s.ini", ATT_SOURCE_DIR, scenario);
    o.ledger = name;
    o.ledger_text = text;
    o.ledger_len = len;
    if (att_run_open(path, &o, &c->run, &err) != ATT_OK)
        return fprintf(stderr, "bench_peers: %s\n", err.msg), 65;
    if (att_run_posterior(c->run, INT32_MAX, &c->rf, &err) != ATT_OK) {
        ctx_free(c);
        return fail("posterior", &err);
    }
    c->p = c->rf.p;
    c->l = att_run_ledger(c->run);
    c->post = c->rf.post;
    if ((c->w = att_posterior_workspace_alloc(c->post, &err)) == NULL) {
        ctx_free(c);
        return fail("workspace", &err);
    }
    return 0;
}

static int
ctx_load(peer_ctx *c, const char *scenario)
{
    return ctx_open(c, scenario, NULL, NULL, 0);
}

/* Fits c as `attrition fit` does (the scenario's chains, warm-up, draws,
 * adapt_delta, max_depth), with this seed and threads: the draws in c->rf.fit. */
static int
ctx_fit(peer_ctx *c, unsigned long seed, int threads)
{
    att_error err;

    c->rf.fp.seed = seed;
    c->rf.fp.threads = threads;
    if (att_run_sample(&c->rf, NULL, &err) != ATT_OK)
        return fail("fit", &err);
    return 0;
}

/* ---- draws files ------------------------------------------------------------ */

typedef struct {
    size_t chains, draws, dim;
    double *x; /* chains x draws x dim */
} peer_draws;

/* The whole file at path, NUL-terminated, or NULL. */
static char *
slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    size_t cap = 1 << 16, len = 0, got;
    char *buf = NULL;

    if (f == NULL)
        return NULL;
    for (;;) {
        char *b = realloc(buf, cap + 1);
        if (b == NULL) {
            free(buf);
            fclose(f);
            return NULL;
        }
        buf = b;
        got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (len < cap)
            break;
        cap *= 2;
    }
    fclose(f);
    buf[len] = '\0';
    return buf;
}

static void
draws_free(peer_draws *d)
{
    free(d->x);
    d->x = NULL;
}

static int
draws_read(const char *path, peer_draws *d)
{
    char *text = slurp(path), *p, *end;
    size_t i, n, head[3];
    int rc = 0;

    memset(d, 0, sizeof *d);
    if (text == NULL)
        return fprintf(stderr, "bench_peers: cannot read %s\n", path), 66;
    for (p = text, i = 0; i < 3; i++, p = end) {
        head[i] = (size_t)strtoul(p, &end, 10);
        if (end == p || head[i] == 0 || head[i] > 10000000) {
            fprintf(stderr, "bench_peers: %s: expected \"chains draws dim\"\n", path);
            rc = 65;
            goto done;
        }
    }
    d->chains = head[0];
    d->draws = head[1];
    d->dim = head[2];
    n = d->chains * d->draws * d->dim;
    if ((d->x = malloc(n * sizeof *d->x)) == NULL) {
        fprintf(stderr, "bench_peers: out of memory\n");
        rc = 71;
        goto done;
    }
    for (i = 0; i < n; i++, p = end) {
        d->x[i] = strtod(p, &end);
        if (end == p) {
            fprintf(stderr, "bench_peers: %s: expected %zu values, found %zu\n", path, n, i);
            draws_free(d);
            rc = 65;
            goto done;
        }
    }
done:
    free(text);
    return rc;
}

static int
draws_write(const char *path, size_t chains, size_t draws, size_t dim, const double *x)
{
    FILE *f = fopen(path, "w");
    size_t i, k;

    if (f == NULL)
        return fprintf(stderr, "bench_peers: cannot write %s\n", path), 73;
    fprintf(f, "%zu %zu %zu\n", chains, draws, dim);
    for (i = 0; i < chains * draws; i++)
        for (k = 0; k < dim; k++)
            fprintf(f, "%.17g%c", x[i * dim + k], k + 1 < dim ? ' ' : '\n');
    if (fclose(f) != 0)
        return fprintf(stderr, "bench_peers: cannot write %s\n", path), 74;
    return 0;
}

/* ---- logp -------------------------------------------------------------------- */

/* Whether the file at path holds exactly text (a trailing newline aside). */
static bool
same_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "rb");
    size_t n = strlen(text), got;
    char *buf;
    bool same;

    if (f == NULL)
        return false;
    buf = malloc(n + 2);
    got = buf != NULL ? fread(buf, 1, n + 2, f) : 0;
    fclose(f);
    same =
        buf != NULL && (got == n || (got == n + 1 && buf[n] == '\n')) && memcmp(buf, text, n) == 0;
    free(buf);
    return same;
}

static int
cmd_logp(int argc, char **argv)
{
    peer_ctx c;
    peer_draws d;
    att_error err;
    char *json = NULL;
    double *xi = NULL;
    size_t i, n, dim;
    int rc;

    memset(&d, 0, sizeof d);
    if (argc != 6)
        return fprintf(stderr, "usage: bench_peers logp SCENARIO JSON THETA XI_OUT\n"), 64;
    if ((rc = ctx_load(&c, argv[2])) != 0)
        return rc;
    if (att_export_inputs(c.p, c.l, c.post, INT32_MAX, &json, NULL, &err) != ATT_OK) {
        rc = fail("export", &err);
        goto done;
    }
    if (!same_text(argv[3], json)) {
        fprintf(stderr, "bench_peers: %s is not the canonical export of %s's inputs\n", argv[3],
                argv[2]);
        rc = 65;
        goto done;
    }
    if ((rc = draws_read(argv[4], &d)) != 0)
        goto done;
    dim = att_posterior_dim(c.post);
    if (d.dim != dim) {
        fprintf(stderr, "bench_peers: %s has %zu coordinates, the model %zu\n", argv[4], d.dim,
                dim);
        rc = 65;
        goto done;
    }
    n = d.chains * d.draws;
    if ((xi = calloc(n * dim, sizeof *xi)) == NULL) {
        rc = 71;
        goto done;
    }
    for (i = 0; i < n; i++) {
        const double *th = d.x + i * dim;
        double lp = att_posterior_logp(c.post, c.w, th, NULL), lps = (double)NAN;
        if (att_posterior_to_sampling(c.post, c.w, th, xi + i * dim, &err) == ATT_OK)
            lps = att_posterior_logp_sampling(c.post, c.w, xi + i * dim, NULL);
        printf("%.17g %.17g\n", lp, lps);
    }
    rc = draws_write(argv[5], 1, n, dim, xi);
done:
    att_export_free(json);
    free(xi);
    draws_free(&d);
    ctx_free(&c);
    return rc;
}

/* ---- summary ----------------------------------------------------------------- */

static int
cmd_summary(int argc, char **argv)
{
    static const double probs[3] = {0.05, 0.5, 0.95};
    peer_ctx c;
    peer_draws d;
    att_diag_workspace *dw = NULL;
    att_error err;
    double *val = NULL, *col = NULL, *bulk = NULL, mn;
    size_t i, k, n, dim;
    int rc;

    if (argc != 4)
        return fprintf(stderr, "usage: bench_peers summary SCENARIO DRAWS\n"), 64;
    if ((rc = ctx_load(&c, argv[2])) != 0)
        return rc;
    if ((rc = draws_read(argv[3], &d)) != 0) {
        ctx_free(&c);
        return rc;
    }
    dim = att_posterior_dim(c.post);
    n = d.chains * d.draws;
    if (d.dim != dim) {
        fprintf(stderr, "bench_peers: %s has %zu coordinates, the model %zu\n", argv[3], d.dim,
                dim);
        rc = 65;
        goto done;
    }
    val = malloc(n * dim * sizeof *val);
    col = malloc(n * sizeof *col);
    bulk = malloc(dim * sizeof *bulk);
    if (val == NULL || col == NULL || bulk == NULL) {
        rc = 71;
        goto done;
    }
    if ((dw = att_diag_alloc(d.chains, d.draws, &err)) == NULL) {
        rc = fail("diagnostics", &err);
        goto done;
    }
    for (i = 0; i < n; i++)
        att_posterior_constrain(c.post, d.x + i * dim, val + i * dim);
    for (k = 0; k < dim; k++) {
        const char *name = att_posterior_param(c.post, k)->name;
        att_diag_summary s;
        double mcse[3];
        size_t j;
        for (i = 0; i < n; i++)
            col[i] = val[i * dim + k];
        if (att_diag_summarise(dw, col, &s, &err) != ATT_OK) {
            rc = fail(name, &err);
            goto done;
        }
        for (j = 0; j < 3; j++)
            if (att_diag_mcse_quantile(dw, col, probs[j], &mcse[j], &err) != ATT_OK) {
                rc = fail(name, &err);
                goto done;
            }
        bulk[k] = s.ess_bulk;
        printf("par %s q05=%.10g q50=%.10g q95=%.10g mcse05=%.6g mcse50=%.6g mcse95=%.6g "
               "ess_bulk=%.1f ess_tail=%.1f rhat=%.5f\n",
               name, s.q05, s.q50, s.q95, mcse[0], mcse[1], mcse[2], s.ess_bulk, s.ess_tail,
               s.rhat);
    }
    for (mn = bulk[0], k = 1; k < dim; k++)
        mn = isnan(bulk[k]) || bulk[k] < mn ? bulk[k] : mn;
    printf("ess_bulk_min=%.1f ess_bulk_median=%.1f chains=%zu draws=%zu\n", mn,
           bench_median(bulk, dim), d.chains, d.draws);
done:
    att_diag_free(dw);
    free(val);
    free(col);
    free(bulk);
    draws_free(&d);
    ctx_free(&c);
    return rc;
}

/* ---- fit ----------------------------------------------------------------------- */

/* Parses a whole decimal number in [lo, hi]; false otherwise. */
static bool
parse_ulong(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);

    if (end == s || *end != '\0' || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static int
cmd_fit(int argc, char **argv)
{
    peer_ctx c;
    const att_fit_result *fit = &c.rf.fit;
    unsigned long seed, threads;
    double t0 = now(), total;
    int rc;

    if (argc != 6 || !parse_ulong(argv[4], 0, 4294967295UL, &seed) ||
        !parse_ulong(argv[5], 1, 256, &threads))
        return fprintf(stderr, "usage: bench_peers fit SCENARIO OUT SEED THREADS\n"), 64;
    if ((rc = ctx_load(&c, argv[2])) != 0)
        return rc;
    if ((rc = ctx_fit(&c, seed, (int)threads)) != 0) {
        ctx_free(&c);
        return rc;
    }
    total = now() - t0;
    rc = draws_write(argv[3], fit->chains, fit->draws, fit->dim, fit->theta);
    printf("ours_seconds_inprocess=%.4f\nours_sampler_seconds=%.4f\nours_chain_cpu_seconds=%.4f\n"
           "ours_leapfrogs=%zu\nours_divergent=%zu\nours_ess_bulk_min=%.1f\n",
           total, fit->seconds_sampler, fit->seconds_chain_cpu, fit->leapfrogs,
           fit->divergent_total, fit->ess_bulk_min);
    ctx_free(&c);
    return rc;
}

/* ---- project -------------------------------------------------------------------- */

/* Median seconds_loop of runs projections (the first one kept in *keep
 * when keep is not NULL); NaN on failure. */
static double
project_median(const peer_ctx *c,
               const att_fit_result *fit,
               size_t paths,
               int threads,
               long horizon,
               int runs,
               att_projection *keep)
{
    double t[PEER_RUNS_MAX] = {0};
    int k;

    for (k = 0; k < runs; k++) {
        att_project_params pp = att_project_default_params();
        att_projection r;
        att_error err;
        memset(&r, 0, sizeof r);
        pp.paths = paths;
        pp.threads = threads;
        pp.horizon = horizon;
        pp.seed = c->p->projection.seed + (unsigned long)k;
        if (att_project_run(c->p, c->post, fit, &pp, &r, &err) != ATT_OK) {
            fprintf(stderr, "bench_peers: projection: %s\n", err.msg);
            return (double)NAN;
        }
        t[k] = r.seconds_loop;
        if (k == 0 && keep != NULL)
            *keep = r;
        else
            att_projection_free(&r);
    }
    return bench_median(t, (size_t)runs);
}

static int
cmd_project(int argc, char **argv)
{
    peer_ctx c;
    att_projection keep;
    unsigned long paths, threads, runs, horizon = 0;
    const char *csv = NULL;
    bool unpooled = false;
    double s;
    int a, rc;

    if (argc < 6 || !parse_ulong(argv[3], 1, 10000000, &paths) ||
        !parse_ulong(argv[4], 1, 256, &threads) || !parse_ulong(argv[5], 1, PEER_RUNS_MAX, &runs))
        return fprintf(stderr, "usage: bench_peers project SCENARIO PATHS THREADS RUNS "
                               "[--unpooled] [--horizon DAYS] [--csv FILE]\n"),
               64;
    for (a = 6; a < argc; a++) {
        if (strcmp(argv[a], "--unpooled") == 0)
            unpooled = true;
        else if (strcmp(argv[a], "--horizon") == 0 && a + 1 < argc &&
                 parse_ulong(argv[a + 1], 1, 100000, &horizon))
            a++;
        else if (strcmp(argv[a], "--csv") == 0 && a + 1 < argc)
            csv = argv[++a];
        else
            return fprintf(stderr, "bench_peers project: unknown option %s\n", argv[a]), 64;
    }
    if ((rc = ctx_load(&c, argv[2])) != 0)
        return rc;
    if ((rc = ctx_fit(&c, c.p->projection.seed, (int)threads)) != 0) {
        ctx_free(&c);
        return rc;
    }
    if (unpooled)
        bench_unpool(c.p);
    memset(&keep, 0, sizeof keep);
    s = project_median(&c, &c.rf.fit, (size_t)paths, (int)threads, (long)horizon, (int)runs, &keep);
    if (isnan(s))
        return 70;
    if (horizon == 0)
        horizon = (unsigned long)c.p->projection.horizon;
    printf("ours_loop_seconds=%.6f\nours_path_days_per_s=%.6g\npaths=%lu\nhorizon=%lu\n"
           "threads=%lu\npooled=%d\n",
           s, (double)paths * (double)horizon / s, paths, horizon, threads, unpooled ? 0 : 1);
    if (csv != NULL)
        rc = bench_write_draws("bench_peers", c.p, c.post, &c.rf.fit, &keep, csv);
    att_projection_free(&keep);
    ctx_free(&c);
    return rc;
}

/* ---- scaling ----------------------------------------------------------------------- */

/* Least-squares slope of log y on log x. */
static double
exponent(const double *x, const double *y, size_t n)
{
    double mx = 0.0, my = 0.0, sxy = 0.0, sxx = 0.0;
    size_t i;

    for (i = 0; i < n; i++) {
        mx += log(x[i]) / (double)n;
        my += log(y[i]) / (double)n;
    }
    for (i = 0; i < n; i++) {
        sxy += (log(x[i]) - mx) * (log(y[i]) - my);
        sxx += (log(x[i]) - mx) * (log(x[i]) - mx);
    }
    return sxy / sxx;
}

/* Appends printf-formatted text to buf (grown as needed); false when out
 * of memory. */
static bool append(char **buf, size_t *used, size_t *cap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static bool
append(char **buf, size_t *used, size_t *cap, const char *fmt, ...)
{
    va_list ap;
    int n;

    for (;;) {
        va_start(ap, fmt);
        n = vsnprintf(*buf + *used, *cap - *used, fmt, ap);
        va_end(ap);
        if (n < 0)
            return false;
        if ((size_t)n < *cap - *used)
            break;
        {
            char *b = realloc(*buf, 2 * *cap + (size_t)n);
            if (b == NULL)
                return false;
            *buf = b;
            *cap = 2 * *cap + (size_t)n;
        }
    }
    *used += (size_t)n;
    return true;
}

/* A synthetic ledger of n reports drawn from the baseline model itself at
 * fixed values (hazards at their prior medians, 11,000 + 2,000 troops,
 * kappa 0.3, no bias, sigma 0.2), as days after the start of combat up to
 * 2025-07-31 with windows of 1 to 7 days; a mix of every kind and
 * qualifier: 5 in 10 casualties (approx), killed, deployed (range), a
 * 7-day rate, strength (at_least), fraction (up_to).  Figures carry three
 * decimals so that no two are repeats. */
static char *
synthetic_ledger(const att_params *p, size_t n, unsigned long seed, size_t *len)
{
    static const char *const cls[] = {"ua_gov", "us_gov", "think_tank", "media", "kr_gov"};
    size_t cap = 256 + n * 128, used = 0, i, k;
    char *buf = malloc(cap), d0[16], d1[16];
    double *hz = malloc(p->nphase * sizeof *hz), *cnt = malloc((p->narrival + 1) * sizeof *cnt);
    int32_t first = att_date_from_ymd(2024, 12, 10), last = att_date_from_ymd(2025, 7, 31);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    att_model_values v;
    bool ok = buf != NULL && hz != NULL && cnt != NULL && rng != NULL;

    if (ok) {
        gsl_rng_set(rng, seed);
        for (k = 0; k < p->nphase; k++)
            hz[k] = p->phases[k].fixed ? p->phases[k].hazard : p->phases[k].prior_median;
        for (k = 0; k < p->narrival; k++)
            cnt[k] = p->arrivals[k].prior == ATT_COUNT_FIXED ? p->arrivals[k].count
                     : p->arrivals[k].prior == ATT_COUNT_UNIFORM
                         ? 0.5 * (p->arrivals[k].low + p->arrivals[k].high)
                         : p->arrivals[k].median;
        v.hazard = hz;
        v.count = cnt;
        v.kappa = 0.3;
        v.ratio = NULL;
        v.depart = NULL;
        v.rho = 0.0;
        ok = append(&buf, &used, &cap, "%s",
                    "id,statement_date,asof_start,asof_end,source,source_class,kind,qualifier,"
                    "value,low,high,quote,doc,repeat_of,note\n");
    }
    for (i = 0; ok && i < n; i++) {
        int32_t e =
            first + 7 + (int32_t)gsl_rng_uniform_int(rng, (unsigned long)(last - first - 6));
        int32_t s = e - (int32_t)gsl_rng_uniform_int(rng, 7);
        double noise = exp(0.2 * gsl_ran_gaussian(rng, 1.0)), m;
        const char *c = cls[i % 5], *kind, *qual;
        size_t type = i % 10;
        att_state st = att_model_state(p, &v, (double)e + 1.0);
        char fig[96];
        if (type <= 4) {
            kind = "casualties", qual = "approx", m = st.casualties;
        } else if (type == 5) {
            kind = "killed", qual = "approx", m = st.killed;
        } else if (type == 6) {
            kind = "deployed", qual = "range", m = st.deployed;
        } else if (type == 7) {
            s = e - 6; /* the rate's own interval */
            kind = "rate", qual = "approx";
            m = att_model_quantity(p, &v, ATT_KIND_RATE, ATT_MEASURE_CUMULATIVE, s, e);
        } else if (type == 8) {
            kind = "strength", qual = "at_least", m = 0.8 * st.strength;
        } else {
            kind = "fraction", qual = "up_to", m = 1.5 * st.casualties / st.deployed;
        }
        if (type == 9)
            m = fmin(m * noise, 1.0) / noise; /* a fraction is at most 1 */
        if (type == 6)
            snprintf(fig, sizeof fig, ",%.3f,%.3f", 0.9 * m * noise, 1.1 * m * noise);
        else
            snprintf(fig, sizeof fig, "%.6g,,", m * noise);
        att_date_format(e, d1);
        att_date_format(s, d0);
        ok = append(&buf, &used, &cap, "r%zu,%s,%s,%s,src%zu,%s,%s,%s,%s,\"q\",doc.txt,,\n", i, d1,
                    d0, d1, i, c, kind, qual, fig);
    }
    gsl_rng_free(rng);
    free(hz);
    free(cnt);
    if (!ok) {
        free(buf);
        return NULL;
    }
    *len = used;
    return buf;
}

/* c's scenario again, on a synthetic ledger of n reports drawn from it. */
static int
synthetic_posterior(peer_ctx *c, size_t n)
{
    size_t len = 0;
    char *text = synthetic_ledger(c->p, n, 20241206UL + n, &len), path[4096];
    int rc;

    if (text == NULL)
        return fprintf(stderr, "bench_peers: out of memory\n"), 71;
    snprintf(path, sizeof path, "%s", c->p->path);
    ctx_free(c);
    rc = ctx_open(c, path, "synthetic.csv", text, len);
    free(text);
    return rc;
}

static void
print_exponent(const char *what, const double *x, const double *y, size_t n)
{
    printf("  fitted exponent (%s): %.2f\n", what, exponent(x, y, n));
}

/* Scaling 1: one log density and gradient on the sampler's coordinates,
 * at the prior centre, against the number of reports. */
static int
scale_logp(peer_ctx *c, bool quick)
{
    static const size_t sizes[] = {1000, 3000, 10000, 30000, 100000};
    double x[5], y[5];
    size_t k, nk = quick ? 3 : 5;

    printf("scaling 1: one log density + gradient (sampler coordinates), synthetic ledgers\n");
    printf("  %8s %8s %12s %14s\n", "reports", "points", "us/eval", "ns/point");
    for (k = 0; k < nk; k++) {
        size_t n = quick ? sizes[2 * k] : sizes[k], dim, i, reps = 0, pts = 0;
        double *xi, *g, t0, t;
        att_error err;
        int rc = synthetic_posterior(c, n);
        if (rc != 0)
            return rc;
        dim = att_posterior_dim(c->post);
        xi = calloc(dim, sizeof *xi);
        g = calloc(dim, sizeof *g);
        if (xi == NULL || g == NULL)
            rc = 71;
        else {
            att_posterior_prior_center(c->post, xi);
            if (att_posterior_to_sampling(c->post, c->w, xi, xi, &err) != ATT_OK)
                rc = fail("sampling coordinates", &err);
        }
        for (i = 0; rc == 0 && i < att_posterior_nreports(c->post); i++) {
            const att_report *r = &c->l->reports[att_posterior_report(c->post, i)];
            pts += r->kind == ATT_KIND_RATE ? 1 : (size_t)(r->asof_end - r->asof_start + 1);
        }
        for (t0 = now(), t = 0.0; rc == 0 && t < (quick ? 0.1 : 0.3); t = now() - t0, reps++)
            if (!isfinite(att_posterior_logp_sampling(c->post, c->w, xi, g))) {
                fprintf(stderr, "bench_peers: log density not finite at %zu reports\n", n);
                rc = 70;
            }
        free(xi);
        free(g);
        if (rc != 0)
            return rc;
        x[k] = (double)n;
        y[k] = t / (double)reps;
        printf("  %8zu %8zu %12.2f %14.2f\n", att_posterior_nreports(c->post), pts, 1e6 * y[k],
               1e9 * y[k] / (double)pts);
    }
    print_exponent("time against reports", x, y, nk);
    return 0;
}

/* Scaling 2: a whole fit (the scenario's settings, 2 threads) against the
 * number of reports. */
static int
scale_fit(peer_ctx *c, bool quick)
{
    static const size_t sizes[] = {100, 300, 1000, 3000, 10000};
    double x[5], y[5], z[5];
    size_t k, nk = quick ? 3 : 5;

    printf("scaling 2: whole fit, %ld chains x (%ld + %ld), 2 threads, synthetic ledgers\n",
           c->p->chains, c->p->warmup, c->p->draws);
    printf("  %8s %10s %10s %12s %10s %12s\n", "reports", "sampler s", "gradients", "us/gradient",
           "min ESS", "ESS/s");
    for (k = 0; k < nk; k++) {
        const att_fit_result *fit = &c->rf.fit;
        int rc = synthetic_posterior(c, sizes[k]);
        if (rc != 0 || (rc = ctx_fit(c, c->p->projection.seed, 2)) != 0)
            return rc;
        x[k] = (double)sizes[k];
        y[k] = fit->seconds_sampler;
        z[k] = fit->seconds_chain_cpu / (double)fit->leapfrogs;
        printf("  %8zu %10.3f %10zu %12.2f %10.0f %12.0f\n", sizes[k], fit->seconds_sampler,
               fit->leapfrogs, 1e6 * fit->seconds_chain_cpu / (double)fit->leapfrogs,
               fit->ess_bulk_min, fit->ess_bulk_min / fit->seconds_sampler);
    }
    print_exponent("sampler time against reports", x, y, nk);
    print_exponent("time per gradient against reports", x, z, nk);
    printf("  (above 1: each gradient is linear, but a narrower posterior needs more of them)\n");
    return 0;
}

/* Scaling 3-5: the projection of reinforce30k over paths and horizons, and
 * the speed-up from 1 to 2 threads of the projection and of the fit. */
static int
scale_project(bool quick)
{
    static const size_t npath[] = {1000, 10000, 100000, 1000000};
    static const long hor[] = {365, 730, 1825, 3650};
    double x[4], y[4], s1, s2, t1[3], t2[3];
    size_t k, nk = quick ? 3 : 4;
    const att_fit_result *fit;
    peer_ctx c;
    int rc, r;

    if ((rc = ctx_load(&c, "reinforce30k")) != 0)
        return rc;
    if ((rc = ctx_fit(&c, c.p->projection.seed, 2)) != 0) {
        ctx_free(&c);
        return rc;
    }
    fit = &c.rf.fit;
    printf("scaling 3: projection loop (reinforce30k), 365 days, 2 threads\n");
    printf("  %8s %10s %14s\n", "paths", "seconds", "path-days/s");
    for (k = 0; rc == 0 && k < nk; k++) {
        double s = project_median(&c, fit, npath[k], 2, 365, npath[k] >= 1000000 ? 1 : 3, NULL);
        x[k] = (double)npath[k];
        y[k] = s;
        if (isnan(s))
            rc = 70;
        else
            printf("  %8zu %10.4f %12.2f M\n", npath[k], s, (double)npath[k] * 365.0 / s / 1e6);
    }
    if (rc == 0)
        print_exponent("time against paths", x, y, nk);
    if (rc == 0)
        printf("scaling 4: projection loop (reinforce30k), 4,000 paths, 2 threads\n"
               "  %8s %10s %14s\n",
               "days", "seconds", "path-days/s");
    for (k = 0; rc == 0 && k < 4; k++) {
        double s = project_median(&c, fit, 4000, 2, hor[k], 3, NULL);
        x[k] = (double)hor[k];
        y[k] = s;
        if (isnan(s))
            rc = 70;
        else
            printf("  %8ld %10.4f %12.2f M\n", hor[k], s, 4000.0 * (double)hor[k] / s / 1e6);
    }
    if (rc == 0) {
        print_exponent("time against days", x, y, 4);
        printf("  (below 1 when the force wears out: a day whose expected casualties are under\n"
               "  10 draws its binomial by cheap inversion instead of BTRS, and a cohort at 0\n"
               "  costs almost nothing)\n");
        printf("scaling 5: speed-up from 1 to 2 threads (medians of 3)\n");
        s1 = project_median(&c, fit, 40000, 1, 365, 3, NULL);
        s2 = project_median(&c, fit, 40000, 2, 365, 3, NULL);
        printf("  projection loop, 40,000 paths: %.4f s / %.4f s = %.2f\n", s1, s2, s1 / s2);
    }
    ctx_free(&c);
    if (rc != 0 || (rc = ctx_load(&c, "baseline")) != 0)
        return rc;
    for (r = 0; rc == 0 && r < 6; r++)
        if ((rc = ctx_fit(&c, c.p->projection.seed, r < 3 ? 1 : 2)) == 0)
            (r < 3 ? t1 : t2)[r % 3] = c.rf.fit.seconds_sampler;
    ctx_free(&c);
    if (rc == 0) {
        s1 = bench_median(t1, 3);
        s2 = bench_median(t2, 3);
        printf("  fit sampler (baseline, 4 chains): %.4f s / %.4f s = %.2f\n", s1, s2, s1 / s2);
    }
    return rc;
}

static int
cmd_synthetic(int argc, char **argv)
{
    peer_ctx c;
    size_t len = 0, n;
    char *text;
    FILE *f;
    int rc;

    if (argc != 4 || (n = (size_t)strtoul(argv[2], NULL, 10)) == 0)
        return fprintf(stderr, "usage: bench_peers synthetic N FILE\n"), 64;
    if ((rc = ctx_load(&c, "baseline")) != 0)
        return rc;
    text = synthetic_ledger(c.p, n, 20241206UL + n, &len);
    ctx_free(&c);
    if (text == NULL)
        return fprintf(stderr, "bench_peers: out of memory\n"), 71;
    f = fopen(argv[3], "w");
    rc = f == NULL || fwrite(text, 1, len, f) != len ? 73 : 0;
    if (f != NULL && fclose(f) != 0)
        rc = 73;
    free(text);
    if (rc != 0)
        fprintf(stderr, "bench_peers: cannot write %s\n", argv[3]);
    return rc;
}

static int
cmd_scaling(int argc, char **argv)
{
    bool quick = argc > 2 && strcmp(argv[2], "--quick") == 0;
    struct rusage ru;
    peer_ctx c;
    int rc;

    if ((rc = ctx_load(&c, "baseline")) != 0)
        return rc;
    if ((rc = scale_logp(&c, quick)) == 0)
        rc = scale_fit(&c, quick);
    ctx_free(&c);
    if (rc == 0)
        rc = scale_project(quick);
    getrusage(RUSAGE_SELF, &ru);
    printf("  peak RSS %.1f MB\n", (double)ru.ru_maxrss / 1024.0);
    return rc;
}

int
main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    if (argc >= 2 && strcmp(argv[1], "logp") == 0)
        return cmd_logp(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "summary") == 0)
        return cmd_summary(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "fit") == 0)
        return cmd_fit(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "project") == 0)
        return cmd_project(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "scaling") == 0)
        return cmd_scaling(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "synthetic") == 0)
        return cmd_synthetic(argc, argv);
    fprintf(stderr, "usage: bench_peers logp|summary|fit|project|scaling|synthetic ...\n");
    return 64;
}
