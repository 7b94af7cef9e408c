/* mode.c -- posterior mode by BFGS2 from several starts, and the Laplace
 * approximation (docs/model.md, equation (14)).
 *
 * The Hessian is central differences of the analytic gradient,
 * symmetrised; its negative is factorised by Cholesky (gsl_linalg), which
 * also proves the mode is a maximum.
 */
#include <math.h>
#include <string.h>

#include <gsl/gsl_linalg.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_rng.h>

#include <attrition/att_mode.h>
#include <attrition/att_rng.h>

#include "internal.h"
#include "variates.h"

/* Two starts ending closer than this (in every coordinate) found the same mode. */
#define MODE_AGREE_TOL 1e-4
#define MODE_RESTARTS  8 /* BFGS2 restarts per start */

att_mode_params
att_mode_default_params(void)
{
    att_mode_params mp;

    mp.starts = 4;
    mp.start_sd = 1.0;
    mp.seed = 1;
    mp.max_iter = 500;
    mp.grad_tol = 1e-6;
    mp.hessian_step = 1e-4;
    return mp;
}

typedef struct {
    const att_posterior *post;
    att_posterior_workspace *w;
    double *theta, *grad;
} mode_ctx;

/* GSL minimises: the negative log posterior, +inf mapped to a large
 * finite value so that the line search backs off instead of failing. */
static double
mode_f(const gsl_vector *x, void *params)
{
    mode_ctx *c = params;
    double lp;
    size_t i;

    for (i = 0; i < x->size; i++)
        c->theta[i] = gsl_vector_get(x, i);
    lp = att_posterior_logp(c->post, c->w, c->theta, NULL);
    return isfinite(lp) ? -lp : GSL_DBL_MAX;
}

static void
mode_df(const gsl_vector *x, void *params, gsl_vector *g)
{
    mode_ctx *c = params;
    size_t i;

    for (i = 0; i < x->size; i++)
        c->theta[i] = gsl_vector_get(x, i);
    (void)att_posterior_logp(c->post, c->w, c->theta, c->grad);
    for (i = 0; i < x->size; i++)
        gsl_vector_set(g, i, -c->grad[i]);
}

static void
mode_fdf(const gsl_vector *x, void *params, double *f, gsl_vector *g)
{
    mode_ctx *c = params;
    double lp;
    size_t i;

    for (i = 0; i < x->size; i++)
        c->theta[i] = gsl_vector_get(x, i);
    lp = att_posterior_logp(c->post, c->w, c->theta, c->grad);
    *f = isfinite(lp) ? -lp : GSL_DBL_MAX;
    for (i = 0; i < x->size; i++)
        gsl_vector_set(g, i, -c->grad[i]);
}

void
att_mode_result_free(att_mode_result *r)
{
    if (r == NULL)
        return;
    att_mem_free(r->theta);
    att_mem_free(r->cov);
    att_mem_free(r->sd);
    memset(r, 0, sizeof *r);
}

/* Laplace covariance at r->theta: inverse of minus the Hessian. */
static att_status
mode_laplace(mode_ctx *c, const att_mode_params *mp, att_mode_result *r, att_error *err)
{
    size_t n = r->dim, i, j;
    gsl_matrix *H = gsl_matrix_alloc(n, n);
    double *gp = att_mem_alloc(n * sizeof *gp), *gm = att_mem_alloc(n * sizeof *gm);
    att_status st = ATT_OK;

    if (H == NULL || gp == NULL || gm == NULL) {
        st = ATT_FAIL(err, ATT_ENOMEM, "out of memory");
        goto cleanup;
    }
    memcpy(c->theta, r->theta, n * sizeof *c->theta);
    for (j = 0; j < n; j++) {
        double t0 = c->theta[j], h = mp->hessian_step;
        c->theta[j] = t0 + h;
        (void)att_posterior_logp(c->post, c->w, c->theta, gp);
        c->theta[j] = t0 - h;
        (void)att_posterior_logp(c->post, c->w, c->theta, gm);
        c->theta[j] = t0;
        for (i = 0; i < n; i++) /* minus the Hessian, column j */
            gsl_matrix_set(H, i, j, -(gp[i] - gm[i]) / (2.0 * h));
    }
    for (i = 0; i < n; i++)
        for (j = 0; j < i; j++) {
            double s = 0.5 * (gsl_matrix_get(H, i, j) + gsl_matrix_get(H, j, i));
            gsl_matrix_set(H, i, j, s);
            gsl_matrix_set(H, j, i, s);
        }
    if (gsl_linalg_cholesky_decomp1(H) != GSL_SUCCESS ||
        gsl_linalg_cholesky_invert(H) != GSL_SUCCESS) {
        st = ATT_FAIL(err, ATT_ENOCONV,
                      "the posterior's curvature at the mode is not negative definite: the "
                      "mode is not a strict maximum (a flat or unidentified direction)");
        goto cleanup;
    }
    for (i = 0; i < n; i++) {
        for (j = 0; j < n; j++)
            r->cov[i * n + j] = gsl_matrix_get(H, i, j);
        r->sd[i] = sqrt(r->cov[i * n + i]);
    }
cleanup:
    gsl_matrix_free(H);
    att_mem_free(gp);
    att_mem_free(gm);
    return st;
}

att_status
att_mode_find(const att_posterior *post,
              const att_mode_params *mp,
              att_mode_result *out,
              att_error *err)
{
    size_t n = att_posterior_dim(post), s, i, iter, restart;
    const gsl_multimin_fdfminimizer_type *T = gsl_multimin_fdfminimizer_vector_bfgs2;
    gsl_multimin_fdfminimizer *m = NULL;
    gsl_multimin_function_fdf fdf;
    gsl_vector *x = NULL;
    gsl_rng *rng = NULL;
    double *centre = NULL, *ends = NULL, best = -HUGE_VAL;
    bool *conv = NULL;
    mode_ctx c = {post, NULL, NULL, NULL};
    att_status st = ATT_OK;

    memset(out, 0, sizeof *out);
    out->dim = n;
    c.w = att_posterior_workspace_alloc(post, err);
    c.theta = att_mem_alloc(n * sizeof *c.theta);
    c.grad = att_mem_alloc(n * sizeof *c.grad);
    centre = att_mem_alloc(n * sizeof *centre);
    ends = att_mem_alloc(mp->starts * n * sizeof *ends);
    conv = att_mem_calloc(mp->starts, sizeof *conv);
    out->theta = att_mem_alloc(n * sizeof *out->theta);
    out->cov = att_mem_alloc(n * n * sizeof *out->cov);
    out->sd = att_mem_alloc(n * sizeof *out->sd);
    m = gsl_multimin_fdfminimizer_alloc(T, n);
    x = gsl_vector_alloc(n);
    rng = att_rng_alloc(mp->seed, ATT_RNG_INIT, UINT32_MAX, 0, 0);
    if (c.w == NULL || !c.theta || !c.grad || !centre || !ends || !conv || !out->theta ||
        !out->cov || !out->sd || !m || !x || !rng) {
        st = ATT_FAIL(err, ATT_ENOMEM, "out of memory");
        goto cleanup;
    }
    fdf.n = n;
    fdf.f = mode_f;
    fdf.df = mode_df;
    fdf.fdf = mode_fdf;
    fdf.params = &c;
    att_posterior_prior_center(post, centre);
    for (s = 0; s < mp->starts; s++) {
        int status = GSL_CONTINUE;
        for (i = 0; i < n; i++)
            gsl_vector_set(x, i, centre[i] + (s == 0 ? 0.0 : mp->start_sd * att_ran_normal(rng)));
        if (mode_f(x, &c) >= GSL_DBL_MAX)
            continue; /* a start of zero density */
        /* BFGS2 can stall (no progress in its line search) short of the
         * tolerance; a restart from where it stopped resets its Hessian
         * estimate and usually finishes the job. */
        for (restart = 0; restart < MODE_RESTARTS && status != GSL_SUCCESS; restart++) {
            gsl_multimin_fdfminimizer_set(m, &fdf, x, 0.1, 0.1);
            status = GSL_CONTINUE;
            for (iter = 0; iter < mp->max_iter && status == GSL_CONTINUE; iter++) {
                if (gsl_multimin_fdfminimizer_iterate(m) != GSL_SUCCESS)
                    break; /* no progress: judged by the gradient below */
                status = gsl_multimin_test_gradient(m->gradient, mp->grad_tol);
            }
            gsl_vector_memcpy(x, m->x);
            status = gsl_multimin_test_gradient(m->gradient, mp->grad_tol);
        }
        if (gsl_multimin_test_gradient(m->gradient, mp->grad_tol * 100.0) != GSL_SUCCESS)
            continue;
        conv[s] = true;
        out->converged++;
        for (i = 0; i < n; i++)
            ends[s * n + i] = gsl_vector_get(m->x, i);
        if (-m->f > best) {
            best = -m->f;
            memcpy(out->theta, ends + s * n, n * sizeof *out->theta);
        }
    }
    if (out->converged == 0) {
        st = ATT_FAIL(err, ATT_ENOCONV, "the optimiser did not converge from any of %zu starts",
                      mp->starts);
        goto cleanup;
    }
    for (s = 0; s < mp->starts; s++) {
        bool same = conv[s];
        for (i = 0; i < n && same; i++)
            same = fabs(ends[s * n + i] - out->theta[i]) <
                   MODE_AGREE_TOL * (1.0 + fabs(out->theta[i]));
        out->agree += same;
    }
    out->logp = best;
    st = mode_laplace(&c, mp, out, err);
cleanup:
    if (st != ATT_OK)
        att_mode_result_free(out);
    gsl_multimin_fdfminimizer_free(m);
    gsl_vector_free(x);
    gsl_rng_free(rng);
    att_posterior_workspace_free(c.w);
    att_mem_free(c.theta);
    att_mem_free(c.grad);
    att_mem_free(centre);
    att_mem_free(ends);
    att_mem_free(conv);
    return st;
}
