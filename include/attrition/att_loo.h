/* att_loo.h -- leave-one-out cross-validation by Pareto smoothed importance
 * sampling (PSIS-LOO; Vehtari, Gelman and Gabry 2017; the R package loo
 * 2.5), without refits: how well the fit predicts each report it was not
 * given, from the draws of the fit that was.
 *
 * For report i, the importance ratios 1 / p(y_i | theta_s) of the draws
 * are smoothed in their upper tail by a generalized Pareto fit (its shape
 * k-hat is the diagnostic: above ATT_LOO_K_BAD the estimate for that
 * report is not to be trusted), and elpd_i = log sum_s w_is p(y_i |
 * theta_s) with the smoothed, normalised weights.  docs/model.md, section
 * 6.2.
 */
#ifndef ATTRITION_ATT_LOO_H
#define ATTRITION_ATT_LOO_H

#include <stdbool.h>
#include <stddef.h>

#include <attrition/att_common.h>
#include <attrition/att_fit.h>
#include <attrition/att_posterior.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ATT_LOO_K_BAD 0.7 /* Pareto k above this: the report's estimate is unreliable */

typedef struct {
    size_t n;        /* observations */
    double *elpd_i;  /* per observation: the expected log predictive density left out */
    double *p_loo_i; /* per observation: lpd_i - elpd_i, its effective parameters */
    double *k;       /* per observation: the Pareto shape k-hat (+inf: too few draws) */
    double elpd;     /* sum of elpd_i */
    double se;       /* its standard error, sqrt(n var(elpd_i)) */
    double p_loo;    /* sum of p_loo_i */
    size_t n_bad;    /* observations with k above ATT_LOO_K_BAD */
    size_t S;        /* draws */
    double *lw;      /* when asked: S x n smoothed normalised log weights (row s: draw s), to
                      * weigh the draws as if observation i had been left out */
} att_loo;

/* PSIS-LOO of the S x n matrix log_lik (row s: draw s's log-likelihood of
 * each observation), with relative efficiency 1 (the tail has
 * ceil(min(0.2 S, 3 sqrt(S))) draws); with weights, out->lw too.  The
 * observations are taken on as many threads as there are cores, their sums
 * in order: the result is the same for any number.  att_loo_free the
 * result. */
ATT_NODISCARD att_status att_loo_compute(
    const double *log_lik, size_t S, size_t n, bool weights, att_loo *out, att_error *err);
void att_loo_free(att_loo *l);

/* elpd of b minus elpd of a over the same observations, and its standard
 * error sqrt(n var(b_i - a_i)) (Vehtari, Gelman and Gabry 2017, section
 * 5.2).  ATT_EINVAL when their observation counts differ. */
ATT_NODISCARD att_status
att_loo_diff(const att_loo *a, const att_loo *b, double *diff, double *se, att_error *err);

/* PSIS-LOO of a fit of post over its used reports (in
 * att_posterior_report order): each draw's log-likelihood of each report
 * (att_posterior_loglik_reports), then att_loo_compute, both on
 * fit->threads threads (the same result for any number). */
ATT_NODISCARD att_status att_fit_loo(const att_posterior *post,
                                     const att_fit_result *fit,
                                     bool weights,
                                     att_loo *out,
                                     att_error *err);

/* Pareto smoothing of S log ratios in place (loo's psis for one
 * observation): afterwards they are smoothed log weights, truncated at the
 * largest raw one and normalised to sum to 1.  Returns k-hat (+inf when
 * the tail is too short to fit).  scratch: att_psis_scratch(S) bytes,
 * aligned for double. */
double att_psis(double *lr, size_t S, void *scratch);
size_t att_psis_scratch(size_t S);

/* The generalized Pareto fit of n > 0 sorted positive exceedances x
 * (Zhang and Stephens 2009, with loo's weakly informative adjustment of
 * k toward 0.5): shape *k and scale *sigma.  scratch holds the profile
 * grid, 2 (30 + floor(sqrt n)) doubles. */
void att_gpd_fit(const double *x, size_t n, double *k, double *sigma, double *scratch);

#ifdef __cplusplus
}
#endif

#endif /* ATTRITION_ATT_LOO_H */
