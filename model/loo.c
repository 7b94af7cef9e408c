/* loo.c -- PSIS-LOO (att_loo.h; docs/model.md, section 6.2).
 *
 * The algorithm is the R package loo's (version 2.5, the one Debian 12
 * ships; bench/loo checks the numbers against it): psis() on the negative
 * log-likelihoods of each observation, with the generalized Pareto fit of
 * gpdfit() (Zhang and Stephens 2009, wip adjustment), smoothing the
 * largest ceil(min(0.2 S, 3 sqrt(S / r_eff))) ratios, r_eff = 1.  The
 * project's own exp and log keep the bits the same on every machine.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include <gsl/gsl_sort.h>

#include <attrition/att_loo.h>
#include <attrition/att_posterior.h>

#include "emath.h"
#include "internal.h"

#define GPD_PRIOR     3.0  /* gpdfit's prior on theta's grid */
#define GPD_MIN_GRID  30   /* grid points besides sqrt(n) */
#define GPD_WIP_N     10.0 /* the adjustment's pseudo-observations ... */
#define GPD_WIP_K     0.5  /* ... at this shape */
#define PSIS_MIN_TAIL 5    /* fewer tail draws: no fit, k = +inf */

static double
log_sum_exp(const double *x, size_t n)
{
    double mx = -HUGE_VAL, s = 0.0;
    size_t i;

    for (i = 0; i < n; i++)
        if (x[i] > mx)
            mx = x[i];
    if (mx == -HUGE_VAL || mx == HUGE_VAL)
        return mx;
    for (i = 0; i < n; i++)
        s += att_exp(x[i] - mx);
    return mx + att_log(s);
}

/* gpdfit's profile log-likelihood of theta (its lx), per observation. */
static double
gpd_lx(double theta, const double *x, size_t n)
{
    double a = -theta, k = 0.0;
    size_t i;

    for (i = 0; i < n; i++)
        k += att_log1p(a * x[i]);
    k /= (double)n;
    return att_log(a / k) - k - 1.0;
}

/* gpdfit's grid for n exceedances: theta and its log-likelihood. */
static size_t
gpd_grid(size_t n)
{
    return 2 * (GPD_MIN_GRID + (size_t)floor(sqrt((double)n)));
}

void
att_gpd_fit(const double *x, size_t n, double *k, double *sigma, double *scratch)
{
    size_t m = gpd_grid(n) / 2, j, i;
    double *theta = scratch, *l = scratch + m, xstar, lse, theta_hat = 0.0, kk = 0.0;
    size_t q = (size_t)floor((double)n / 4.0 + 0.5);

    xstar = x[q > 0 ? q - 1 : 0]; /* the first quartile */
    for (j = 0; j < m; j++) {
        theta[j] = 1.0 / x[n - 1] + (1.0 - sqrt((double)m / ((double)j + 0.5))) / GPD_PRIOR / xstar;
        l[j] = (double)n * gpd_lx(theta[j], x, n);
    }
    lse = log_sum_exp(l, m);
    for (j = 0; j < m; j++)
        theta_hat += theta[j] * att_exp(l[j] - lse);
    for (i = 0; i < n; i++)
        kk += att_log1p(-theta_hat * x[i]);
    kk /= (double)n;
    *sigma = -kk / theta_hat;
    /* Weakly informative: toward 0.5 as if from 10 more observations. */
    kk = kk * (double)n / ((double)n + GPD_WIP_N) + GPD_WIP_N * GPD_WIP_K / ((double)n + GPD_WIP_N);
    *k = isnan(kk) ? HUGE_VAL : kk;
}

size_t
att_psis_scratch(size_t S)
{
    return (S + gpd_grid(S)) * sizeof(double) + S * sizeof(size_t);
}

double
att_psis(double *lr, size_t S, void *scratch)
{
    double *x = scratch, *grid = x + S, mx = -HUGE_VAL, k = HUGE_VAL, sigma, cutoff, ecut, lse;
    size_t *order = (void *)((char *)scratch + (S + gpd_grid(S)) * sizeof(double)), tail, i;

    for (i = 0; i < S; i++)
        if (lr[i] > mx)
            mx = lr[i];
    for (i = 0; i < S; i++)
        lr[i] -= mx;
    tail = (size_t)ceil(fmin(0.2 * (double)S, 3.0 * sqrt((double)S)));
    if (tail >= PSIS_MIN_TAIL && tail < S) {
        gsl_sort_index(order, lr, 1, S);
        cutoff = lr[order[S - tail - 1]];
        if (fabs(lr[order[S - 1]] - lr[order[S - tail]]) >= DBL_EPSILON / 100.0) {
            ecut = att_exp(cutoff);
            for (i = 0; i < tail; i++)
                x[i] = att_exp(lr[order[S - tail + i]]) - ecut;
            att_gpd_fit(x, tail, &k, &sigma, grid);
            if (isfinite(k) && sigma > 0.0 && k != 0.0)
                for (i = 0; i < tail; i++) {
                    double p = ((double)i + 0.5) / (double)tail;
                    double qq = sigma * att_expm1(-k * att_log1p(-p)) / k + ecut;
                    lr[order[S - tail + i]] = att_log(qq);
                }
        }
    }
    /* Truncated at the largest raw weight (0 after the shift), normalised. */
    for (i = 0; i < S; i++)
        if (lr[i] > 0.0)
            lr[i] = 0.0;
    lse = log_sum_exp(lr, S);
    for (i = 0; i < S; i++)
        lr[i] -= lse;
    return k;
}

void
att_loo_free(att_loo *l)
{
    if (l == NULL)
        return;
    att_mem_free(l->elpd_i);
    att_mem_free(l->p_loo_i);
    att_mem_free(l->k);
    att_mem_free(l->lw);
    memset(l, 0, sizeof *l);
}

/* Observation i of the S x n matrix log_lik into out (k, elpd_i, p_loo_i,
 * and lw where asked), with S doubles of col and ll and att_psis_scratch(S)
 * bytes of scratch; 0, or 1 + the first draw whose log-likelihood is not
 * finite. */
static size_t
loo_one(const double *log_lik,
        size_t S,
        size_t n,
        size_t i,
        att_loo *out,
        double *col,
        double *ll,
        void *scratch)
{
    size_t s;
    double lpd, elpd;

    for (s = 0; s < S; s++) {
        ll[s] = log_lik[s * n + i];
        col[s] = -ll[s];
    }
    for (s = 0; s < S && isfinite(ll[s]); s++)
        ;
    if (s < S)
        return s + 1;
    out->k[i] = att_psis(col, S, scratch);
    lpd = log_sum_exp(ll, S) - att_log((double)S);
    for (s = 0; s < S; s++) {
        if (out->lw != NULL)
            out->lw[s * n + i] = col[s];
        col[s] += ll[s];
    }
    elpd = log_sum_exp(col, S);
    out->elpd_i[i] = elpd;
    out->p_loo_i[i] = lpd - elpd;
    return 0;
}

/* att_loo_compute on threads (0: as many as the cores): each observation
 * on its own, then their sums in order, so that no result depends on the
 * threads. */
static att_status
loo_compute(const double *log_lik,
            size_t S,
            size_t n,
            bool weights,
            int threads,
            att_loo *out,
            att_error *err)
{
    size_t i, *bad = NULL, nt = (size_t)att_thread_count(threads), sz = att_psis_scratch(S);
    double *col = NULL, *ll = NULL, mean = 0.0, var = 0.0;
    unsigned char *scratch = NULL;
    att_status st = ATT_OK;

    memset(out, 0, sizeof *out);
    if (S < 2 || n == 0)
        return ATT_FAIL(err, ATT_EINVAL, "expected at least 2 draws and 1 observation");
    out->n = n;
    out->S = S;
    if (weights && (out->lw = att_mem_alloc(S * n * sizeof *out->lw)) == NULL)
        return ATT_FAIL(err, ATT_ENOMEM, "out of memory for leave-one-out");
    if (nt > n)
        nt = n;
    sz = (sz + sizeof(double) - 1) / sizeof(double) * sizeof(double); /* each thread's aligned */
    out->elpd_i = att_mem_calloc(n, sizeof *out->elpd_i);
    out->p_loo_i = att_mem_calloc(n, sizeof *out->p_loo_i);
    out->k = att_mem_calloc(n, sizeof *out->k);
    bad = att_mem_calloc(n, sizeof *bad);
    col = att_mem_alloc(nt * S * sizeof *col);
    ll = att_mem_alloc(nt * S * sizeof *ll);
    scratch = att_mem_alloc(nt * sz);
    if (!out->elpd_i || !out->p_loo_i || !out->k || !bad || !col || !ll || !scratch) {
        st = ATT_FAIL(err, ATT_ENOMEM, "out of memory for leave-one-out");
        goto done;
    }
#pragma omp parallel for schedule(dynamic, 8) num_threads((int)nt) if (nt > 1)
    for (i = 0; i < n; i++) {
#ifdef _OPENMP
        size_t t = (size_t)omp_get_thread_num();
#else
        size_t t = 0;
#endif
        bad[i] = loo_one(log_lik, S, n, i, out, col + t * S, ll + t * S, scratch + t * sz);
    }
    for (i = 0; i < n; i++) {
        if (bad[i] != 0) {
            /* A draw that gives the observation no density has an
             * infinite importance ratio: leaving it out is undefined. */
            st = ATT_FAIL(err, ATT_ERANGE,
                          "observation %zu: its log-likelihood is not finite in draw %zu", i + 1,
                          bad[i]);
            goto done;
        }
        out->elpd += out->elpd_i[i];
        out->p_loo += out->p_loo_i[i];
        out->n_bad += !(out->k[i] <= ATT_LOO_K_BAD);
    }
    for (i = 0; i < n; i++)
        mean += out->elpd_i[i] / (double)n;
    for (i = 0; i < n && n > 1; i++)
        var += (out->elpd_i[i] - mean) * (out->elpd_i[i] - mean) / (double)(n - 1);
    out->se = sqrt((double)n * var);
done:
    att_mem_free(bad);
    att_mem_free(col);
    att_mem_free(ll);
    att_mem_free(scratch);
    if (st != ATT_OK)
        att_loo_free(out);
    return st;
}

att_status
att_loo_compute(
    const double *log_lik, size_t S, size_t n, bool weights, att_loo *out, att_error *err)
{
    return loo_compute(log_lik, S, n, weights, 0, out, err);
}

att_status
att_loo_diff(const att_loo *a, const att_loo *b, double *diff, double *se, att_error *err)
{
    double mean = 0.0, var = 0.0;
    size_t i, n = a->n;

    if (a->n != b->n || n == 0)
        return ATT_FAIL(err, ATT_EINVAL,
                        "expected the same observations in both, found %zu and %zu", a->n, b->n);
    for (i = 0; i < n; i++)
        mean += (b->elpd_i[i] - a->elpd_i[i]) / (double)n;
    for (i = 0; i < n && n > 1; i++) {
        double d = b->elpd_i[i] - a->elpd_i[i] - mean;
        var += d * d / (double)(n - 1);
    }
    *diff = mean * (double)n;
    *se = sqrt((double)n * var);
    return ATT_OK;
}

att_status
att_fit_loo(const att_posterior *post,
            const att_fit_result *fit,
            bool weights,
            att_loo *out,
            att_error *err)
{
    size_t S = fit->chains * fit->draws, n = att_posterior_nreports(post), s, t;
    size_t nt = (size_t)att_thread_count(fit->threads);
    att_posterior_workspace **w;
    double *ll = att_mem_alloc((S * n + 1) * sizeof *ll);
    att_status st = ATT_OK;

    memset(out, 0, sizeof *out);
    if (nt > S)
        nt = S > 0 ? S : 1;
    w = att_mem_calloc(nt, sizeof(att_posterior_workspace *));
    if (ll == NULL || w == NULL) {
        att_mem_free(ll);
        att_mem_free(w);
        return ATT_FAIL(err, ATT_ENOMEM, "out of memory for leave-one-out");
    }
    for (t = 0; t < nt && st == ATT_OK; t++)
        if ((w[t] = att_posterior_workspace_alloc(post, err)) == NULL)
            st = err != NULL ? err->code : ATT_ENOMEM;
    if (st == ATT_OK) {
        /* Each draw's row on its own: the same whatever the threads. */
#pragma omp parallel for schedule(static) num_threads((int)nt) if (nt > 1)
        for (s = 0; s < S; s++) {
#ifdef _OPENMP
            att_posterior_workspace *ws = w[omp_get_thread_num()];
#else
            att_posterior_workspace *ws = w[0];
#endif
            att_posterior_loglik_reports(post, ws, fit->theta + s * fit->dim, ll + s * n);
        }
        st = loo_compute(ll, S, n, weights, fit->threads, out, err);
    }
    for (t = 0; t < nt; t++)
        att_posterior_workspace_free(w[t]);
    att_mem_free(w);
    att_mem_free(ll);
    return st;
}
