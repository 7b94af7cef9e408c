/* posterior.c -- log-posterior and gradient of the phase-hazard model
 * (att_posterior.h; docs/model.md, sections 1-3).
 *
 * The public functions, which stitch the parts together: building the
 * posterior (theta's layout in post_prior.c, the report design in
 * post_design.c) and its workspace; and each evaluation, which takes the
 * model values at theta (post_prior.c), C, N, D at the design's times
 * (post_forward.c), log m at every point (post_quantity.c), the prior and
 * likelihood terms (post_loglik.c), then the gradient back through the
 * per-time sums (post_quantity.c, post_forward.c); in the sampler's
 * coordinates with the map of post_sampling.c.  post.h lists the parts.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "emath.h"
#include "post.h"

void
att_posterior_free(att_posterior *post)
{
    if (post == NULL)
        return;
    att_mem_free(post->block[0]);
    att_mem_free(post->block[1]);
    att_mem_free(post->block[2]);
    att_mem_free(post->block[3]);
    att_mem_free(post->dphase);
    att_mem_free(post);
}

size_t
att_posterior_dim(const att_posterior *post)
{
    return post->dim;
}

const att_param_info *
att_posterior_param(const att_posterior *post, size_t i)
{
    return i < post->dim ? &post->info[i] : NULL;
}

size_t
att_posterior_nreports(const att_posterior *post)
{
    return post->nrep;
}

size_t
att_posterior_report(const att_posterior *post, size_t i)
{
    return post->rep[post->order[i]].ledger;
}

att_posterior *
att_posterior_alloc(const att_params *p, const att_ledger *l, int32_t cutoff, att_error *err)
{
    return att_posterior_alloc_without(p, l, cutoff, ATT_NONE, err);
}

att_posterior *
att_posterior_alloc_without(
    const att_params *p, const att_ledger *l, int32_t cutoff, size_t skip, att_error *err)
{
    att_posterior *post = NULL;
    bool *used = NULL;

    post = att_mem_calloc(1, sizeof *post);
    used = att_mem_calloc(l->n ? l->n : 1, sizeof *used);
    if (post == NULL || used == NULL) {
        (void)ATT_FAIL(err, ATT_ENOMEM, "out of memory");
        goto fail;
    }
    post->p = p;
    post->nphase = p->nphase;
    post->narr = p->narrival;
    post->extended = att_params_extended(p);
    post->ngroup = att_params_group_count(p);
    post->ndep = p->ndeparture;
    post->nrep = att_ledger_used(l, cutoff, used);
    if (skip < l->n && used[skip]) {
        used[skip] = false;
        post->nrep--;
    }
    if (post->nrep == 0) {
        (void)att_error_set(err, ATT_EDATA, l->path, 0, 0, NULL,
                            "expected at least one report to fit, found none known by the "
                            "cut-off (after repeats and revisions)");
        goto fail;
    }
    if (post_prior_layout(post, l, used, err) != ATT_OK ||
        post_design_build(post, l, used, err) != ATT_OK ||
        (post->extended && post_force_design(post, err) != ATT_OK))
        goto fail;
    att_mem_free(used);
    return post;
fail:
    att_mem_free(used);
    att_posterior_free(post);
    return NULL;
}

att_status
att_posterior_check_simd(att_error *err)
{
    att_simd s;

    return att_simd_choose(&s, err);
}

void
att_posterior_workspace_free(att_posterior_workspace *w)
{
    if (w == NULL)
        return;
    att_mem_free(w->block);
    att_mem_free(w);
}

/* Carves n arrays of len doubles from the block at base (NULL: only
 * counts them) at *off, into *arr[0..n). */
static void
posterior_take(unsigned char *base, size_t *off, double **const *arr, size_t n, size_t len)
{
    size_t i;

    for (i = 0; i < n; i++)
        *arr[i] = att_mem_carve(base, off, len, sizeof(double));
}

#define POSTERIOR_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Lays the workspace's arrays out in the block at base, or with base NULL
 * only sizes them: one list serves both.  By length: scratch for a
 * report's points; the short ones (per parameter, report, phase, arrival,
 * or arrival and phase), all as long as the longest; per time; per time
 * and arrival; log m at every point.  Returns the block's size. */
static size_t
posterior_workspace_carve(const att_posterior *post,
                          att_posterior_workspace *w,
                          unsigned char *base)
{
    double **const scratch[] = {&w->ell, &w->gm, &w->gs};
    double **const shorts[] = {
        &w->hazard, &w->count, &w->dndu,  &w->gprior, &w->q,      &w->omq,  &w->hacc, &w->theta,
        &w->lam,    &w->msum,  &w->sqv,   &w->lev_a,  &w->lev_p,  &w->lgs,  &w->rsum, &w->blog,
        &w->lgl,    &w->lgm,   &w->ratio, &w->depart, &w->dratio, &w->ddep, &w->fdep, &w->gsig,
        &w->sig,    &w->lsig,  &w->isig,  &w->rmx,    &w->bv,     &w->bc,   &w->rpk};
    double **const times[] = {&w->fbuf, &w->val[ATT_MODEL_C], &w->val[ATT_MODEL_N],
                              &w->val[ATT_MODEL_D]};
    double **const points[] = {&w->lm, &w->gpt};
    double **const cohorts[] = {&w->surv, &w->lost};
    double **const vdays[] = {&w->vx, &w->vz, &w->vphi};
    double **const probs[] = {&w->pok, &w->plg};
    /* The extended forward's, per day (and boundary) and group. */
    double **const days[] = {&w->fN1, &w->flost, &w->fret};
    double **const bounds[] = {&w->fval[ATT_MODEL_C], &w->fval[ATT_MODEL_N], &w->fval[ATT_MODEL_D],
                               &w->fadj[ATT_MODEL_C], &w->fadj[ATT_MODEL_N], &w->fadj[ATT_MODEL_D]};
    const size_t lens[] = {post->dim,    post->nrep, post->nphase, post->narr,
                           post->ngroup, post->ndep, post->nslot,  post->narr * post->nphase};
    size_t nday = post->extended ? (post->ndays + 1) * post->ngroup : 0;
    size_t off = 0, nshort = 0, i;

    for (i = 0; i < POSTERIOR_NELEM(lens); i++)
        if (lens[i] > nshort)
            nshort = lens[i];
    posterior_take(base, &off, scratch, POSTERIOR_NELEM(scratch),
                   post->maxpoint ? post->maxpoint : 1);
    posterior_take(base, &off, shorts, POSTERIOR_NELEM(shorts), nshort + 1);
    posterior_take(base, &off, times, POSTERIOR_NELEM(times), post->ntime + 1);
    w->ltab =
        att_mem_carve(base, &off, ATT_MODEL_NVAR * post->lstride + POST_LTAB_TAIL, sizeof *w->ltab);
    for (i = 0; base != NULL && i < ATT_MODEL_NVAR; i++)
        w->lval[i] = w->ltab + i * post->lstride;
    posterior_take(base, &off, cohorts, POSTERIOR_NELEM(cohorts), post->ntime * post->narr + 1);
    posterior_take(base, &off, vdays, POSTERIOR_NELEM(vdays),
                   post->nvwin + post->nvside + post->nvrange + 1);
    posterior_take(base, &off, probs, POSTERIOR_NELEM(probs), post->nprob + 1);
    w->psum = att_mem_carve(base, &off, 2 * post->nprob + 1, sizeof *w->psum);
    w->pdv = att_mem_carve(base, &off, post->nperiod + 1, sizeof *w->pdv);
    posterior_take(base, &off, days, POSTERIOR_NELEM(days), nday + 1);
    posterior_take(base, &off, bounds, POSTERIOR_NELEM(bounds), nday + 1);
    posterior_take(base, &off, points, POSTERIOR_NELEM(points), post->npoint + 1);
    w->gsum = att_mem_carve(base, &off, POST_NSUM(post->ntime) + 1, sizeof *w->gsum);
    for (i = 0; base != NULL && i < ATT_MODEL_NVAR; i++) {
        w->glog[i] = w->gsum + POST_GLOG(i) * post->ntime;
        w->gval[i] = w->gsum + POST_GVAL(i) * post->ntime;
    }
    return off;
}

att_posterior_workspace *
att_posterior_workspace_alloc(const att_posterior *post, att_error *err)
{
    att_posterior_workspace *w = att_mem_calloc(1, sizeof *w);
    unsigned char *base;
    size_t size;

    if (w == NULL)
        goto fail;
    if (att_simd_choose_timed(&w->simd, err) != ATT_OK) {
        att_posterior_workspace_free(w);
        return NULL;
    }
    /* One block, as nuts.c carves one: sized by a first pass of the same
     * list, zeroed, each array on a cache line. */
    size = posterior_workspace_carve(post, w, NULL);
    if ((base = att_mem_block(size, &w->block)) == NULL)
        goto fail;
    (void)posterior_workspace_carve(post, w, base);
    return w;
fail:
    att_posterior_workspace_free(w);
    (void)ATT_FAIL(err, ATT_ENOMEM, "out of memory");
    return NULL;
}

/* The forward pass: C, N, D at every time, then log m at every point of
 * every report, which the likelihood, the sampling coordinates and their
 * gradient all read. */
static void
posterior_forward(const att_posterior *post, att_posterior_workspace *w)
{
    post_forward_times(post, w);
    post_quantity_log_m(post, w);
}

/* lp, or -HUGE_VAL with a zero gradient g where it is not finite: the
 * end of both log densities. */
static double
posterior_result(const att_posterior *post, double *g, double lp)
{
    if (isfinite(lp))
        return lp;
    memset(g, 0, post->dim * sizeof *g);
    return -HUGE_VAL;
}

double
att_posterior_logp(const att_posterior *post,
                   att_posterior_workspace *w,
                   const double *theta,
                   double *grad)
{
    double kappa, sigma, lp;
    double *g = grad != NULL ? grad : w->gprior; /* the prior always writes a gradient */

    memset(g, 0, post->dim * sizeof *g);
    if (!att_all_finite(theta, post->dim))
        return posterior_result(post, g, -HUGE_VAL);
    post_prior_values(post, w, theta, &kappa, &sigma);
    posterior_forward(post, w);
    lp = post_loglik_terms(post, w, theta, kappa, grad, g);
    if (lp != -HUGE_VAL && grad != NULL) {
        post_quantity_push(post, w);
        post_forward_adjoint(post, w, grad);
    }
    return posterior_result(post, g, lp);
}

double
att_posterior_logp_sampling(const att_posterior *post,
                            att_posterior_workspace *w,
                            const double *xi,
                            double *grad)
{
    double kappa, sigma, lp;
    double *g = grad != NULL ? grad : w->gprior;
    size_t i, nb;

    memset(g, 0, post->dim * sizeof *g);
    if (!att_all_finite(xi, post->dim))
        return posterior_result(post, g, -HUGE_VAL);
    post_prior_values(post, w, xi, &kappa, &sigma); /* phi and sigma are shared with theta */
    posterior_forward(post, w);
    if (!post_sampling_level(post, w))
        return posterior_result(post, g, -HUGE_VAL);
    post_sampling_to_theta(post, w, xi, w->theta);
    lp = post_loglik_terms(post, w, w->theta, kappa, grad, g);
    if (lp == -HUGE_VAL)
        return posterior_result(post, g, lp);
    for (i = nb = 0; i < post->dim; i++)
        if (post->info[i].kind == ATT_PAR_BIAS)
            w->blog[nb++] = w->lam[i];
    att_vlog(w->simd, nb, w->blog, w->blog);
    for (i = 0; i < nb; i++)
        lp -= 0.5 * w->blog[i]; /* log sqrt(v_s) */
    if (grad != NULL) {
        post_sampling_chain(post, w, xi, kappa, grad);
        post_quantity_push(post, w);
        post_forward_adjoint(post, w, grad);
    }
    return posterior_result(post, g, lp);
}

att_status
att_posterior_from_sampling(const att_posterior *post,
                            att_posterior_workspace *w,
                            const double *xi,
                            double *out_theta,
                            att_error *err)
{
    double kappa, sigma;

    if (!att_all_finite(xi, post->dim))
        return ATT_FAIL(err, ATT_ERANGE, "expected finite sampling coordinates");
    post_prior_values(post, w, xi, &kappa, &sigma);
    posterior_forward(post, w);
    if (!post_sampling_level(post, w))
        return ATT_FAIL(err, ATT_ERANGE, "the biases' levels are not finite at this point");
    post_sampling_to_theta(post, w, xi, out_theta);
    return ATT_OK;
}

att_status
att_posterior_to_sampling(const att_posterior *post,
                          att_posterior_workspace *w,
                          const double *theta,
                          double *out_xi,
                          att_error *err)
{
    double kappa, sigma;
    size_t i;

    if (!att_all_finite(theta, post->dim))
        return ATT_FAIL(err, ATT_ERANGE, "expected finite coordinates");
    post_prior_values(post, w, theta, &kappa, &sigma);
    posterior_forward(post, w);
    if (!post_sampling_level(post, w))
        return ATT_FAIL(err, ATT_ERANGE, "the biases' levels are not finite at this point");
    for (i = 0; i < post->dim; i++)
        out_xi[i] = post->info[i].kind != ATT_PAR_BIAS
                        ? theta[i]
                        : (theta[i] - w->msum[i] / w->lam[i]) / w->sqv[i];
    return ATT_OK;
}

double
att_posterior_report_loglik(const att_posterior *post,
                            att_posterior_workspace *w,
                            const double *theta,
                            size_t i)
{
    double kappa, sigma, ell, s;

    post_prior_values(post, w, theta, &kappa, &sigma);
    posterior_forward(post, w);
    ell = post_loglik_report(post, w, post->order[i], theta, kappa, NULL, &s);
    ell += att_log(s);
    return isnan(ell) ? -HUGE_VAL : ell; /* C or N overflowed: as att_posterior_logp says */
}

void
att_posterior_loglik_reports(const att_posterior *post,
                             att_posterior_workspace *w,
                             const double *theta,
                             double *out)
{
    double kappa, sigma;
    size_t i;

    post_prior_values(post, w, theta, &kappa, &sigma);
    posterior_forward(post, w);
    for (i = 0; i < post->nrep; i++) {
        double s, ell = post_loglik_report(post, w, post->order[i], theta, kappa, NULL, &s);
        ell += att_log(s);
        out[i] = isnan(ell) ? -HUGE_VAL : ell;
    }
}
