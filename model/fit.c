/* fit.c -- MCMC fit: chains in parallel, diagnostics, policy.
 *
 * Each chain runs NUTS on the sampling coordinates of att_posterior.h
 * (theta with the biases standardised given sigma and the model), starting
 * at the prior centre plus uniform(-r, r) noise on every coordinate
 * (redrawn until the density is positive); a bias coordinate of 0 there is
 * the bias's approximate conditional mean.  Its first metric is the
 * Laplace covariance at the mode it climbs to, where the unit metric
 * would not suit (laplace.h, nuts.h).  Draws are mapped back to
 * theta.  Diagnostics are those of Vehtari et al. (2021), computed on
 * each parameter's draws in model units (the rank-based bulk and tail
 * diagnostics do not depend on the transform; the folded R-hat does).  The
 * policy (docs/model.md, section 5.4): fail on R-hat > 1.05, ESS < 100 or divergences in
 * more than 1% of draws; warn on R-hat > 1.01, ESS < 400 or any divergence.
 * A run with divergences in more than 1% of draws is run again with a
 * higher adaptation target (att_fit_run), as an analyst would.
 */
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include <attrition/att_fit.h>
#include <attrition/att_rng.h>

#include "laplace.h"
#include "nuts.h"

#define FIT_INIT_TRIES 100 /* starting points tried per chain */
/* A first metric from the mode (laplace.h) up to this many coordinates:
 * its Hessian costs 2n gradients and n^3 / 3 steps. */
#define FIT_LAPLACE_MAX_DIM 1000

att_fit_params
att_fit_default_params(void)
{
    att_fit_params fp;

    fp.chains = 4;
    fp.warmup = 1000;
    fp.draws = 1000;
    fp.max_depth = 10;
    fp.metric = ATT_METRIC_AUTO;
    fp.delta = 0.8; /* Stan's default, and the parameter files' */
    fp.delta_max = 0.995;
    fp.init_radius = 2.0;
    fp.seed = 1;
    fp.threads = 0;
    fp.warm = NULL;
    return fp;
}

att_fit_params
att_fit_params_of(const att_params *p)
{
    att_fit_params fp = att_fit_default_params();

    fp.chains = (size_t)p->chains;
    fp.warmup = (size_t)p->warmup;
    fp.draws = (size_t)p->draws;
    fp.delta = p->adapt_delta;
    fp.delta_max = p->adapt_delta_max;
    fp.max_depth = (size_t)p->max_depth;
    fp.metric = p->metric;
    fp.seed = p->projection.seed;
    return fp;
}

void
att_fit_result_free(att_fit_result *r)
{
    if (r == NULL)
        return;
    att_mem_free(r->theta);
    att_mem_free(r->value);
    att_mem_free(r->summary);
    att_mem_free(r->sd_theta);
    att_mem_free(r->stepsize);
    att_mem_free(r->divergent);
    att_mem_free(r->divergent_at);
    att_mem_free(r->depth_hits);
    memset(r, 0, sizeof *r);
}

typedef struct {
    const att_posterior *post;
    att_posterior_workspace *w;
} fit_target_ctx;

/* NUTS runs on the sampling coordinates (att_posterior_logp_sampling),
 * where the biases are standardised given sigma and the model: on theta
 * the biases and sigma form a funnel (docs/model.md, section 7.2). */
static double
fit_logp(void *ctx, const double *q, double *g)
{
    fit_target_ctx *c = ctx;
    return att_posterior_logp_sampling(c->post, c->w, q, g);
}

/* Chain c's start into init and its first metric into np: a warm start's
 * (fp->warm), or the prior centre plus noise and the covariance at the
 * mode that start climbs to (each chain its own: where there are two
 * modes, each chain's metric is its own mode's; docs/model.md, section
 * 5.7).  mode (n) and cov (n x n) are scratch; cov may end up in np. */
static att_status
fit_start(const att_posterior *post,
          const att_fit_params *fp,
          size_t chain,
          const nuts_target *tg,
          gsl_rng *rng,
          double *init,
          double *g,
          double *mode,
          double *cov,
          nuts_params *np,
          att_error *err)
{
    size_t n = tg->dim, i, k;
    bool found = false;

    if (fp->warm != NULL) {
        memcpy(init, fp->warm->init + chain * n, n * sizeof *init);
        if (!isfinite(tg->logp(tg->ctx, init, g)))
            return ATT_FAIL(err, ATT_ENOCONV,
                            "chain %zu: the warm start has zero posterior density", chain + 1);
        np->warmup = fp->warm->warmup;
        np->cov0 = fp->warm->cov;
        np->keep_metric = !fp->warm->adapt;
        np->eps0 = fp->warm->stepsize;
        return ATT_OK;
    }
    for (k = 0; k < FIT_INIT_TRIES; k++) {
        att_posterior_prior_center(post, init);
        for (i = 0; i < n; i++)
            init[i] += fp->init_radius * (2.0 * gsl_rng_uniform(rng) - 1.0);
        if (isfinite(tg->logp(tg->ctx, init, g)))
            break;
    }
    if (k == FIT_INIT_TRIES)
        return ATT_FAIL(err, ATT_ENOCONV,
                        "chain %zu: no starting point with positive density in "
                        "%d tries",
                        chain + 1, FIT_INIT_TRIES);
    if (n <= FIT_LAPLACE_MAX_DIM) {
        att_status s = att_laplace(tg, init, mode, cov, &found, err);
        if (s != ATT_OK)
            return s;
    }
    np->cov0 = found ? cov : NULL;
    return ATT_OK;
}

/* The most divergences a run of S kept draws may have and pass: more
 * than ATT_FIT_DIV_FAIL of them fail it. */
static size_t
fit_div_bound(size_t S)
{
    return (size_t)(ATT_FIT_DIV_FAIL * (double)S);
}

static bool
fit_div_fails(const att_fit_result *r)
{
    return r->divergent_total > fit_div_bound(r->chains * r->draws);
}

/* One chain between its steps (fit_once shares the threads among the
 * chains a step at a time): its streams, workspace, start and sampler. */
typedef struct {
    size_t chain;
    gsl_rng *rng;
    fit_target_ctx ctx;
    nuts_target tg;
    double *init, *g, *mode, *cov; /* cov: the first metric, which the sampler keeps */
    nuts_chain *nc;
    size_t iters;        /* iterations run: the least run goes next */
    bool busy, finished; /* taken by a thread; run to its end (or failed) */
    double seconds;      /* its threads' CPU time, summed over its steps */
    nuts_stats st;
    att_status status;
    att_error err;
} fit_chain;

static void
fit_chain_free(fit_chain *fc)
{
    att_nuts_free(fc->nc);
    gsl_rng_free(fc->rng);
    att_posterior_workspace_free(fc->ctx.w);
    att_mem_free(fc->init);
    att_mem_free(fc->g);
    att_mem_free(fc->mode);
    att_mem_free(fc->cov);
    fc->nc = NULL;
    fc->rng = NULL;
    fc->ctx.w = NULL;
    fc->init = fc->g = fc->mode = fc->cov = NULL;
}

/* Chain fc's first step: its start (fit_start) and the sampler's. */
static att_status
fit_chain_begin(const att_posterior *post,
                const att_fit_params *fp,
                atomic_size_t *stop,
                att_fit_result *r,
                fit_chain *fc,
                att_error *err)
{
    size_t n = r->dim, c = fc->chain;
    /* The climb's buffers, where there is one (fit_start). */
    bool climb = fp->warm == NULL && n <= FIT_LAPLACE_MAX_DIM;
    nuts_params np = {
        fp->warmup, fp->draws, fp->max_depth, fp->delta, (int)fp->metric,
        NULL,       false,     0.0,           stop,      fit_div_bound(fp->chains * fp->draws)};
    att_status s;

    _Static_assert((int)ATT_METRIC_DIAG == (int)NUTS_METRIC_DIAG &&
                       (int)ATT_METRIC_DENSE == (int)NUTS_METRIC_DENSE &&
                       (int)ATT_METRIC_AUTO == (int)NUTS_METRIC_AUTO,
                   "att_metric and the sampler's metrics in the same order");
    /* The run is already lost (fit_once): not even a start. */
    if (stop != NULL && atomic_load(stop) > np.stop_above)
        return ATT_OK;
    fc->rng = att_rng_alloc(fp->seed, ATT_RNG_INIT, (uint32_t)c, 0, 0);
    fc->ctx.post = post;
    fc->ctx.w = att_posterior_workspace_alloc(post, err);
    fc->tg = (nuts_target){n, fit_logp, &fc->ctx};
    fc->init = att_mem_alloc(n * sizeof *fc->init);
    fc->g = att_mem_alloc(n * sizeof *fc->g);
    fc->mode = climb ? att_mem_alloc(n * sizeof *fc->mode) : NULL;
    fc->cov = climb ? att_mem_alloc(n * n * sizeof *fc->cov) : NULL;
    if (fc->ctx.w == NULL)
        return err->code; /* the workspace said why (memory, or ATT_SIMD) */
    if (fc->rng == NULL || fc->init == NULL || fc->g == NULL ||
        (climb && (fc->mode == NULL || fc->cov == NULL)))
        return ATT_FAIL(err, ATT_ENOMEM, "out of memory");
    if ((s = fit_start(post, fp, c, &fc->tg, fc->rng, fc->init, fc->g, fc->mode, fc->cov, &np,
                       err)) != ATT_OK)
        return s;
    att_rng_reset(fc->rng, fp->seed, ATT_RNG_MCMC, (uint32_t)c, 0, 0);
    return att_nuts_start(&fc->tg, &np, fc->rng, fc->init, r->theta + c * fp->draws * n,
                          r->divergent_at + c * fp->draws, &fc->nc, err);
}

/* Chain fc's last step, once fc->st has what its sampler says: that, and
 * its draws kept on theta, so that summaries, saved fits and the mode all
 * speak of the same coordinates whatever the sampler used. */
static att_status
fit_chain_end(const att_posterior *post,
              const att_fit_params *fp,
              att_fit_result *r,
              fit_chain *fc,
              att_error *err)
{
    size_t n = r->dim, c = fc->chain, i;
    att_status s = ATT_OK;

    r->stepsize[c] = fc->st.stepsize;
    r->divergent[c] = fc->st.divergent;
    r->depth_hits[c] = fc->st.depth_hits;
    for (i = 0; i < fc->st.draws_done && s == ATT_OK; i++) {
        double *th = r->theta + (c * fp->draws + i) * n;
        memcpy(fc->init, th, n * sizeof *fc->init);
        s = att_posterior_from_sampling(post, fc->ctx.w, fc->init, th, err);
        att_posterior_constrain(post, th, r->value + (c * fp->draws + i) * n);
    }
    return s;
}

/* Iterations a chain runs before its thread takes the least advanced one
 * again: about 10 ms of a 1,000-report ledger's, enough that moving a
 * chain between threads costs nothing measurable, few enough that the
 * chains end within one step of one another (4 chains on 2 threads whole,
 * one after another, had ended up to 7% apart). */
#define FIT_STEP 20

/* One step of chain fc, begun if it is not, ended if it is done; an
 * error ends it, kept in fc->status and fc->err. */
static void
fit_chain_step(const att_posterior *post,
               const att_fit_params *fp,
               atomic_size_t *stop,
               att_fit_result *r,
               fit_chain *fc)
{
    double t0 = att_thread_seconds(); /* the chain's own cost, were it to wait for a core */
    bool done = false;
    att_status s = ATT_OK;

    if (fc->nc == NULL) { /* its first step (one that has ended is not taken again) */
        s = fit_chain_begin(post, fp, stop, r, fc, &fc->err);
        done = s != ATT_OK || fc->nc == NULL; /* failed, or the run already lost */
    }
    if (!done) {
        s = att_nuts_step(fc->nc, FIT_STEP, &done, &fc->err);
        fc->iters += FIT_STEP;
        if (s != ATT_OK || done)
            att_nuts_finish(fc->nc, NULL, &fc->st); /* a failed one's gradients count too */
        if (s == ATT_OK && done)
            s = fit_chain_end(post, fp, r, fc, &fc->err);
    }
    fc->seconds += att_thread_seconds() - t0;
    if (s != ATT_OK || done) {
        fc->status = s;
        fc->finished = true;
        fit_chain_free(fc);
    }
}

static att_status
fit_diagnose(att_fit_result *r, att_error *err)
{
    size_t n = r->dim, S = r->chains * r->draws, k, i;
    att_diag_workspace *dw = att_diag_alloc(r->chains, r->draws, err);
    double *col = NULL;
    att_status st = ATT_OK;

    if (dw == NULL) /* err says why (sizes, memory) */
        return err != NULL ? err->code : ATT_ENOMEM;
    col = att_mem_alloc(S * sizeof *col);
    if (col == NULL) {
        st = ATT_FAIL(err, ATT_ENOMEM, "out of memory");
        goto cleanup;
    }
    r->rhat_max = 0.0;
    r->ess_bulk_min = r->ess_tail_min = HUGE_VAL;
    for (k = 0; k < n && st == ATT_OK; k++) {
        double m = 0.0, v = 0.0;
        for (i = 0; i < S; i++)
            col[i] = r->value[i * n + k];
        st = att_diag_summarise(dw, col, &r->summary[k], err);
        for (i = 0; i < S; i++)
            m += r->theta[i * n + k] / (double)S;
        for (i = 0; i < S; i++)
            v += (r->theta[i * n + k] - m) * (r->theta[i * n + k] - m) / (double)(S - 1);
        r->sd_theta[k] = sqrt(v);
        /* NaN diagnostics (constant draws) count as failures below. */
        if (!(r->summary[k].rhat <= r->rhat_max))
            r->rhat_max = isnan(r->summary[k].rhat) ? HUGE_VAL : r->summary[k].rhat;
        if (!(r->summary[k].ess_bulk >= r->ess_bulk_min))
            r->ess_bulk_min = isnan(r->summary[k].ess_bulk) ? 0.0 : r->summary[k].ess_bulk;
        if (!(r->summary[k].ess_tail >= r->ess_tail_min))
            r->ess_tail_min = isnan(r->summary[k].ess_tail) ? 0.0 : r->summary[k].ess_tail;
    }
cleanup:
    att_diag_free(dw);
    att_mem_free(col);
    return st;
}

/* Threads for the chains: as asked, else one per chain up to the cores
 * (more would only take turns). */
static int
fit_threads(const att_fit_params *fp)
{
    int n = fp->chains < 1024 ? (int)fp->chains : 1024; /* >= 1: checked before */

    if (fp->threads > 0)
        return fp->threads;
#ifdef _OPENMP
    if (omp_get_max_threads() < n)
        n = omp_get_max_threads();
#endif
    return n;
}

/* The next step's chain: the least advanced of those no thread has and
 * that have not ended (the first such in order), taken; ATT_NONE if none
 * is left for this thread (any that have not ended are other threads'). */
static size_t
fit_pick(fit_chain *fc, size_t chains)
{
    size_t c, pick = ATT_NONE;

#pragma omp critical(fit_schedule)
    {
        for (c = 0; c < chains; c++)
            if (!fc[c].busy && !fc[c].finished &&
                (pick == ATT_NONE || fc[c].iters < fc[pick].iters))
                pick = c;
        if (pick != ATT_NONE)
            fc[pick].busy = true;
    }
    return pick;
}

static void
fit_release(fit_chain *fc)
{
#pragma omp critical(fit_schedule)
    fc->busy = false;
}

/* One run of every chain, without the diagnostics (att_fit_run takes
 * them of the run it keeps).  With stop_early (a run that a refit replaces
 * if it fails for divergences) the chains stop once their divergences
 * together pass 1%: the rest of the run could not change that. */
static att_status
fit_once(const att_posterior *post,
         const att_fit_params *fp,
         bool stop_early,
         att_fit_result *out,
         att_error *err)
{
    atomic_size_t stop;
    size_t n = att_posterior_dim(post), c, total;
    bool stopped;
    att_status st = ATT_OK;
    fit_chain *fc = NULL;
    double t0;

    memset(out, 0, sizeof *out);
    if (fp->chains == 0 || fp->draws < ATT_DIAG_MIN_DRAWS)
        return ATT_FAIL(err, ATT_EINVAL, "expected at least 1 chain and %d draws per chain",
                        ATT_DIAG_MIN_DRAWS);
    out->dim = n;
    out->chains = fp->chains;
    out->draws = fp->draws;
    total = fp->chains * fp->draws * n;
    out->theta = att_mem_calloc(total, sizeof *out->theta);
    out->value = att_mem_calloc(total, sizeof *out->value);
    out->summary = att_mem_calloc(n, sizeof *out->summary);
    out->sd_theta = att_mem_calloc(n, sizeof *out->sd_theta);
    out->stepsize = att_mem_calloc(fp->chains, sizeof *out->stepsize);
    out->divergent = att_mem_calloc(fp->chains, sizeof *out->divergent);
    out->depth_hits = att_mem_calloc(fp->chains, sizeof *out->depth_hits);
    out->divergent_at = att_mem_calloc(fp->chains * fp->draws, sizeof *out->divergent_at);
    fc = att_mem_calloc(fp->chains, sizeof *fc);
    if (!fc || !out->theta || !out->value || !out->summary || !out->sd_theta || !out->stepsize ||
        !out->divergent || !out->depth_hits || !out->divergent_at) {
        st = ATT_FAIL(err, ATT_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (c = 0; c < fp->chains; c++)
        fc[c].chain = c;
    atomic_init(&stop, 0);
    t0 = att_seconds();
    /* Each chain owns its streams, workspace and slice, and runs its steps
     * one after another: the schedule cannot change any number of a run
     * that is kept (only how far a stopped one went).  The threads take
     * the chains a step at a time, the least advanced first, so that they
     * end together. */
#pragma omp parallel num_threads(fit_threads(fp))
    for (;;) {
        size_t k = fit_pick(fc, fp->chains);
        if (k == ATT_NONE)
            break;
        fit_chain_step(post, fp, stop_early ? &stop : NULL, out, &fc[k]);
        fit_release(&fc[k]);
    }
    out->seconds_sampler = att_seconds() - t0;
    /* A run whose count passed the bound is discarded whatever its chains
     * did next: how far each got, and so whether one met an error on the
     * way, depends on the schedule.  Its count passes the bound in every
     * schedule or in none. */
    stopped = stop_early && atomic_load(&stop) > fit_div_bound(fp->chains * fp->draws);
    for (c = 0; c < fp->chains; c++) {
        if (fc[c].status != ATT_OK && !stopped) {
            if (err != NULL)
                *err = fc[c].err;
            st = fc[c].status;
            goto cleanup;
        }
        out->seconds_chain_cpu += fc[c].seconds;
        out->leapfrogs += fc[c].st.leapfrogs;
        out->divergent_total += out->divergent[c];
        out->dense_chains += fc[c].st.dense;
        out->laplace_chains += fc[c].st.laplace && fp->warm == NULL; /* a warm start's is its own */
    }
    if (stopped)
        out->divergent_total = atomic_load(&stop);
cleanup:
    for (c = 0; fc != NULL && c < fp->chains; c++)
        fit_chain_free(&fc[c]);
    att_mem_free(fc);
    if (st != ATT_OK)
        att_fit_result_free(out);
    return st;
}

att_status
att_fit_run(const att_posterior *post,
            const att_fit_params *fp,
            att_fit_result *out,
            att_error *err)
{
    att_fit_params run = *fp;
    size_t refits = 0, first_div = 0, leaps = 0;
    double secs = 0.0, cpu = 0.0;
    att_status st;

    memset(out, 0, sizeof *out);
    if (fp->warm != NULL &&
        (fp->warm->dim != att_posterior_dim(post) || fp->warm->chains != fp->chains))
        return ATT_FAIL(err, ATT_EINVAL,
                        "expected a warm start of %zu chains x %zu coordinates, found %zu x %zu",
                        fp->chains, att_posterior_dim(post), fp->warm->chains, fp->warm->dim);
    for (;;) {
        bool last = !(run.delta < fp->delta_max);
        st = fit_once(post, &run, !last, out, err);
        if (st != ATT_OK)
            return st;
        /* The cost of a fit counts the discarded runs too. */
        secs += out->seconds_sampler;
        cpu += out->seconds_chain_cpu;
        leaps += out->leapfrogs;
        if (last || !fit_div_fails(out)) {
            if (refits == 0)
                first_div = out->divergent_total;
            break;
        }
        /* A run that failed stopped where its count passed the bound,
         * whose exact place depends on how the chains were scheduled. */
        if (refits == 0)
            first_div = fit_div_bound(run.chains * run.draws) + 1;
        att_fit_result_free(out);
        run.delta = 1.0 - 0.25 * (1.0 - run.delta);
        if (run.delta > fp->delta_max)
            run.delta = fp->delta_max;
        refits++;
    }
    if ((st = fit_diagnose(out, err)) != ATT_OK) {
        att_fit_result_free(out);
        return st;
    }
    out->seconds_sampler = secs;
    out->seconds_chain_cpu = cpu;
    out->leapfrogs = leaps;
    out->delta = run.delta;
    out->delta_first = fp->delta;
    out->refits = refits;
    out->divergent_first = first_div;
    out->threads = fp->threads;
    return ATT_OK;
}

/* att_fit_warm_init, or with near att_fit_warm_near: a parameter from
 * lacks (map[i] == n) starts at centre[i], its prior centre. */
static att_status
fit_warm(const att_posterior *post,
         const att_fit_params *fp,
         const att_posterior *from,
         const att_fit_result *fit,
         bool near,
         att_fit_warm *warm,
         att_error *err)
{
    size_t n = att_posterior_dim(post), S = fit->chains * fit->draws, i, j, s, *map;
    att_posterior_workspace *w = att_posterior_workspace_alloc(post, err);
    double *theta, *xi, *mean, *centre;
    att_status st = ATT_OK;
    bool usable = false;

    memset(warm, 0, sizeof *warm);
    if (fit->dim != att_posterior_dim(from)) {
        att_posterior_workspace_free(w);
        return ATT_FAIL(err, ATT_EINVAL, "expected a fit of %zu parameters, found %zu",
                        att_posterior_dim(from), fit->dim);
    }
    if (w == NULL)
        return err->code; /* the workspace said why */
    map = att_mem_alloc((n + 1) * sizeof *map);
    theta = att_mem_alloc((n + 1) * sizeof *theta);
    centre = att_mem_alloc((n + 1) * sizeof *centre);
    mean = att_mem_calloc(n + 1, sizeof *mean);
    xi = att_mem_alloc((S * n + 1) * sizeof *xi);
    warm->init = att_mem_alloc((fit->chains * n + 1) * sizeof *warm->init);
    warm->cov = att_mem_calloc(n * n + 1, sizeof *warm->cov);
    if (!map || !theta || !centre || !mean || !xi || !warm->init || !warm->cov) {
        st = ATT_FAIL(err, ATT_ENOMEM, "out of memory");
        goto cleanup;
    }
    if (fit->chains != fp->chains || fit->draws < 2)
        goto cleanup;
    att_posterior_prior_center(post, centre);
    for (i = 0; i < n; i++) {
        for (j = 0; j < fit->dim; j++)
            if (strcmp(att_posterior_param(post, i)->name, att_posterior_param(from, j)->name) == 0)
                break;
        if (j == fit->dim && !near)
            goto cleanup; /* a parameter the other fit does not have */
        map[i] = j == fit->dim ? n : j;
    }
    for (s = 0; s < S; s++) {
        att_error e;
        for (i = 0; i < n; i++)
            theta[i] = map[i] == n ? centre[i] : fit->theta[s * fit->dim + map[i]];
        if (att_posterior_to_sampling(post, w, theta, xi + s * n, &e) != ATT_OK)
            goto cleanup;
        for (i = 0; i < n; i++)
            mean[i] += xi[s * n + i] / (double)S;
    }
    for (s = 0; s < S; s++)
        for (i = 0; i < n; i++)
            for (j = 0; j <= i; j++)
                warm->cov[i * n + j] +=
                    (xi[s * n + i] - mean[i]) * (xi[s * n + j] - mean[j]) / (double)(S - 1);
    for (i = 0; i < n; i++)
        for (j = 0; j < i; j++)
            warm->cov[j * n + i] = warm->cov[i * n + j];
    /* A parameter new here: its prior's scale, on the sampling
     * coordinates (a bias's is standardised), and no correlation. */
    for (i = 0; i < n; i++)
        if (map[i] == n) {
            const att_param_info *pi = att_posterior_param(post, i);
            for (j = 0; j < n; j++)
                warm->cov[i * n + j] = warm->cov[j * n + i] = 0.0;
            warm->cov[i * n + i] = pi->kind == ATT_PAR_BIAS ? 1.0 : pi->prior_sd * pi->prior_sd;
        }
    for (i = 0; i < n; i++)
        if (!(warm->cov[i * n + i] > 0.0 && isfinite(warm->cov[i * n + i])))
            goto cleanup; /* a coordinate that did not move: no scale for it */
    for (i = 0; i < fit->chains; i++) {
        memcpy(warm->init + i * n, xi + ((i + 1) * fit->draws - 1) * n, n * sizeof *xi);
        /* A new bias at its standardised offset's 0, its conditional mean
         * given the rest (where a cold start puts it), not wherever its
         * prior centre maps. */
        for (j = 0; j < n; j++)
            if (map[j] == n && att_posterior_param(post, j)->kind == ATT_PAR_BIAS)
                warm->init[i * n + j] = 0.0;
        if (!isfinite(att_posterior_logp_sampling(post, w, warm->init + i * n, NULL)))
            goto cleanup; /* a start of zero density here */
        warm->stepsize += fit->stepsize[i] / (double)fit->chains;
    }
    warm->chains = fit->chains;
    warm->dim = n;
    warm->warmup = fp->warmup / ATT_FIT_WARM_SHARE;
    if (warm->warmup < ATT_FIT_WARM_MIN)
        warm->warmup = fp->warmup < ATT_FIT_WARM_MIN ? fp->warmup : ATT_FIT_WARM_MIN;
    warm->adapt = near;
    usable = warm->stepsize > 0.0 && isfinite(warm->stepsize);
cleanup:
    if (!usable)
        att_fit_warm_free(warm); /* init NULL: no warm start */
    att_posterior_workspace_free(w);
    att_mem_free(map);
    att_mem_free(theta);
    att_mem_free(centre);
    att_mem_free(mean);
    att_mem_free(xi);
    return st;
}

att_status
att_fit_warm_init(const att_posterior *post,
                  const att_fit_params *fp,
                  const att_posterior *from,
                  const att_fit_result *fit,
                  att_fit_warm *warm,
                  att_error *err)
{
    return fit_warm(post, fp, from, fit, false, warm, err);
}

att_status
att_fit_warm_near(const att_posterior *post,
                  const att_fit_params *fp,
                  const att_posterior *from,
                  const att_fit_result *fit,
                  att_fit_warm *warm,
                  att_error *err)
{
    return fit_warm(post, fp, from, fit, true, warm, err);
}

void
att_fit_warm_free(att_fit_warm *warm)
{
    if (warm == NULL)
        return;
    att_mem_free(warm->init);
    att_mem_free(warm->cov);
    memset(warm, 0, sizeof *warm);
}

att_status
att_fit_complete(const att_posterior *post, att_fit_result *r, att_error *err)
{
    size_t n = r->dim, S = r->chains * r->draws, i;

    if (n != att_posterior_dim(post) || r->chains == 0 || r->draws < ATT_DIAG_MIN_DRAWS)
        return ATT_FAIL(err, ATT_EINVAL, "expected %zu parameters and at least %d draws",
                        att_posterior_dim(post), ATT_DIAG_MIN_DRAWS);
    r->value = att_mem_calloc(S * n, sizeof *r->value);
    r->summary = att_mem_calloc(n, sizeof *r->summary);
    r->sd_theta = att_mem_calloc(n, sizeof *r->sd_theta);
    r->stepsize = att_mem_calloc(r->chains, sizeof *r->stepsize);
    r->divergent = att_mem_calloc(r->chains, sizeof *r->divergent);
    r->depth_hits = att_mem_calloc(r->chains, sizeof *r->depth_hits);
    r->divergent_at = att_mem_calloc(S, sizeof *r->divergent_at);
    if (!r->value || !r->summary || !r->sd_theta || !r->stepsize || !r->divergent ||
        !r->depth_hits || !r->divergent_at)
        return ATT_FAIL(err, ATT_ENOMEM, "out of memory");
    for (i = 0; i < S; i++)
        att_posterior_constrain(post, r->theta + i * n, r->value + i * n);
    return fit_diagnose(r, err);
}

att_fit_verdict
att_fit_judge(const att_fit_result *r, char *msg, size_t n)
{
    att_fit_verdict v = ATT_FIT_GOOD;
    double S = (double)(r->chains * r->draws);
    size_t used = 0;

#define FIT_SAY(...)                                              \
    do {                                                          \
        if (used < n) {                                           \
            int k_ = snprintf(msg + used, n - used, __VA_ARGS__); \
            used += k_ > 0 ? (size_t)k_ : 0;                      \
        }                                                         \
    } while (0)
    if (n > 0)
        msg[0] = '\0';
    if (r->rhat_max > ATT_FIT_RHAT_FAIL || r->ess_bulk_min < ATT_FIT_ESS_FAIL ||
        r->ess_tail_min < ATT_FIT_ESS_FAIL || fit_div_fails(r))
        v = ATT_FIT_FAILED;
    else if (r->rhat_max > ATT_FIT_RHAT_WARN || r->ess_bulk_min < ATT_FIT_ESS_WARN ||
             r->ess_tail_min < ATT_FIT_ESS_WARN || r->divergent_total > 0)
        v = ATT_FIT_WARNING;
    if (r->rhat_max > ATT_FIT_RHAT_WARN)
        FIT_SAY("max R-hat %.3f (%s %.2f); ", r->rhat_max,
                r->rhat_max > ATT_FIT_RHAT_FAIL ? "fails above" : "warns above",
                r->rhat_max > ATT_FIT_RHAT_FAIL ? ATT_FIT_RHAT_FAIL : ATT_FIT_RHAT_WARN);
    if (r->ess_bulk_min < ATT_FIT_ESS_WARN || r->ess_tail_min < ATT_FIT_ESS_WARN)
        FIT_SAY("min ESS bulk %.0f, tail %.0f (%s %.0f); ", r->ess_bulk_min, r->ess_tail_min,
                (r->ess_bulk_min < ATT_FIT_ESS_FAIL || r->ess_tail_min < ATT_FIT_ESS_FAIL)
                    ? "fails below"
                    : "warns below",
                (r->ess_bulk_min < ATT_FIT_ESS_FAIL || r->ess_tail_min < ATT_FIT_ESS_FAIL)
                    ? ATT_FIT_ESS_FAIL
                    : ATT_FIT_ESS_WARN);
    if (r->divergent_total > 0)
        FIT_SAY("%zu divergent transitions of %.0f draws (%s above 1%%); ", r->divergent_total, S,
                fit_div_fails(r) ? "fails" : "warns; fails");
#undef FIT_SAY
    if (used >= 2 && used <= n)
        msg[used - 2] = '\0'; /* drop the last "; " */
    return v;
}
