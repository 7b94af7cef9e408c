/* nuts.h -- one chain of the No-U-Turn sampler (private; att_fit.h runs
 * the chains). */
#ifndef ATTRITION_NUTS_H
#define ATTRITION_NUTS_H

#include <stdatomic.h>

#include <gsl/gsl_rng.h>

#include "internal.h"

/* The metric adapted in warm-up (docs/model.md, section 5.7). */
enum {
    NUTS_METRIC_DIAG,  /* the windows' variances */
    NUTS_METRIC_DENSE, /* their covariance (Stan's dense_e) */
    NUTS_METRIC_AUTO   /* dense from a window that found a strong correlation */
};

typedef struct {
    size_t warmup;      /* adaptation iterations */
    size_t draws;       /* kept iterations */
    size_t max_depth;   /* tree depth limit (2^max_depth leapfrog steps) */
    double delta;       /* target acceptance statistic of the step-size adaptation */
    int metric;         /* NUTS_METRIC_* */
    const double *cov0; /* the mode's covariance (dim x dim) for a first metric, or NULL */
    bool keep_metric;   /* a warm start: cov0 taken as it is and kept; the step size alone adapts */
    double eps0;        /* the first step size tried; 0: 1, as Stan */
    /* A run that will be discarded if its divergences pass a bound: the
     * count its chains share, and the bound; once the count passes it,
     * each chain stops drawing (NULL: never). */
    atomic_size_t *stop_count;
    size_t stop_above;
} nuts_params;

typedef struct {
    double stepsize;       /* after adaptation */
    size_t divergent;      /* divergent transitions among the kept draws */
    size_t depth_hits;     /* kept draws that hit max_depth */
    size_t leapfrogs;      /* gradient evaluations, warm-up and draws */
    size_t draws_done;     /* kept draws made: np->draws, or fewer if stopped (stop_count) */
    double mean_accept;    /* mean acceptance statistic of the kept draws */
    bool dense;            /* the draws were made with a dense metric */
    bool laplace;          /* the warm-up started from the mode's cov0 (not a warm start's) */
    double seconds_warmup; /* wall time of each part (not used for results) */
    double seconds_draws;
} nuts_stats;

/* The target: log density at q (dim values) and its gradient into g,
 * -HUGE_VAL outside the support (like gsl_multimin_function_fdf). */
typedef struct {
    size_t dim;
    double (*logp)(void *ctx, const double *q, double *g);
    void *ctx;
} nuts_target;

/* a = L L^T for a symmetric a (n x n, row-major; only its lower half is
 * read) into l's lower half, the upper zeroed; false if a is not
 * positive definite. */
ATT_INTERNAL bool att_nuts_cholesky(const double *a, double *l, size_t n);

/* One chain in steps, so that att_fit_run can share its threads among
 * more chains than threads evenly: att_nuts_start allocates it and takes
 * its first step size (out_draws, out_divergent as for att_nuts_run; the
 * chain keeps them, target (and its ctx), rng, and np's cov0 and
 * stop_count, which must outlive it); att_nuts_step runs up to
 * `iterations` more, *done once all are made (or the run was stopped; not
 * written on an error, after which the chain can only be finished and
 * freed); att_nuts_finish says how it went (its seconds count only the
 * steps' own time).  The draws do not depend on how the iterations are
 * split into steps. */
typedef struct nuts_chain nuts_chain;

ATT_INTERNAL att_status att_nuts_start(const nuts_target *target,
                                       const nuts_params *np,
                                       gsl_rng *rng,
                                       const double *init,
                                       double *out_draws,
                                       unsigned char *out_divergent,
                                       nuts_chain **out,
                                       att_error *err);
ATT_INTERNAL att_status att_nuts_step(nuts_chain *ch,
                                      size_t iterations,
                                      bool *done,
                                      att_error *err);
ATT_INTERNAL void att_nuts_finish(const nuts_chain *ch, double *out_inv_metric, nuts_stats *stats);
ATT_INTERNAL void att_nuts_free(nuts_chain *ch);

/* Runs one chain from init (dim values) with random numbers from rng, in
 * one step.
 * out_draws gets draws x dim values (draw-major); out_divergent draws
 * flags, 1 where the transition to that draw diverged (may be NULL);
 * out_inv_metric the adapted inverse metric's diagonal (dim values, may
 * be NULL).
 * ATT_ENOCONV if no workable step size exists. */
ATT_INTERNAL att_status att_nuts_run(const nuts_target *target,
                                     const nuts_params *np,
                                     gsl_rng *rng,
                                     const double *init,
                                     double *out_draws,
                                     unsigned char *out_divergent,
                                     double *out_inv_metric,
                                     nuts_stats *stats,
                                     att_error *err);

#endif /* ATTRITION_NUTS_H */
