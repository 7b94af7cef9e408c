/* att_fit.h -- the full posterior by MCMC: several NUTS chains from
 * dispersed starts, run in parallel, with convergence diagnostics and the
 * project's policy on them.
 *
 * Chains are independent: chain c draws only from its own streams
 * (seed, ATT_RNG_INIT, c) and (seed, ATT_RNG_MCMC, c) and writes only its
 * own slice, so the draws are the same for any number of threads.
 */
#ifndef ATTRITION_ATT_FIT_H
#define ATTRITION_ATT_FIT_H

#include <stdbool.h>
#include <stddef.h>

#include <attrition/att_diagnostics.h>
#include <attrition/att_posterior.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A warm start: the chains begin where a fit of a nearly equal posterior
 * (the same parameters; one report fewer) left off, with its metric and
 * step size; their warm-up adapts the step size alone (docs/model.md,
 * section 5.8).  From a neighbouring posterior (a backtest's earlier
 * origin: fewer reports, perhaps fewer parameters) the metric is a first
 * guess that the warm-up adapts as well (adapt). */
typedef struct {
    size_t chains;   /* as the fit's */
    size_t dim;      /* the posterior's coordinates */
    double *init;    /* chains x dim starting points on the sampling coordinates */
    double *cov;     /* dim x dim: the other fit's draws' covariance, the same coordinates */
    double stepsize; /* the first step size tried (> 0) */
    size_t warmup;   /* warm-up iterations per chain */
    bool adapt;      /* the warm-up adapts the metric too, from cov (else it keeps cov) */
} att_fit_warm;

typedef struct {
    size_t chains;            /* independent chains (at least 1) */
    att_metric metric;        /* the metric adapted in warm-up */
    size_t warmup;            /* adaptation iterations per chain */
    size_t draws;             /* kept draws per chain */
    size_t max_depth;         /* NUTS tree depth limit */
    double delta;             /* target acceptance of the step-size adaptation */
    double delta_max;         /* refits after divergences raise delta up to this (<= delta: none) */
    double init_radius;       /* starts: prior centre + uniform(-r, r) per coordinate */
    unsigned long seed;       /* the run's seed */
    int threads;              /* worker threads; 0 = as many as chains and cores allow */
    const att_fit_warm *warm; /* NULL: cold starts (section 5.3) */
} att_fit_params;

att_fit_params att_fit_default_params(void);

/* The settings a parameter file states ([model] chains, warmup, draws,
 * adapt_delta, adapt_delta_max, max_depth; [projection] seed), the rest
 * as att_fit_default_params. */
att_fit_params att_fit_params_of(const att_params *p);

/* Thresholds of the convergence policy (att_fit_judge). */
#define ATT_FIT_RHAT_FAIL 1.05  /* R-hat above this: the fit failed */
#define ATT_FIT_ESS_FAIL  100.0 /* bulk or tail ESS below this: failed */
#define ATT_FIT_DIV_FAIL  0.01  /* divergences in more than this share of draws: failed */
#define ATT_FIT_RHAT_WARN 1.01  /* R-hat above this: warning */
#define ATT_FIT_ESS_WARN  400.0 /* ESS below this: warning */

typedef enum {
    ATT_FIT_GOOD,    /* every diagnostic within the policy */
    ATT_FIT_WARNING, /* usable, with warnings in the output header */
    ATT_FIT_FAILED   /* not to be used (exit 1 unless --force) */
} att_fit_verdict;

typedef struct {
    size_t dim, chains, draws;
    double *theta;               /* chains x draws x dim, unconstrained, chain after chain */
    double *value;               /* the same in model units */
    att_diag_summary *summary;   /* per parameter, of the model-unit draws */
    double *sd_theta;            /* per parameter: posterior sd of the unconstrained coordinate */
    double *stepsize;            /* per chain, after adaptation */
    size_t *divergent;           /* per chain, among kept draws */
    size_t *depth_hits;          /* per chain, kept draws at max_depth */
    unsigned char *divergent_at; /* per draw (as theta): 1 if its transition diverged */
    size_t divergent_total;
    size_t leapfrogs; /* gradient evaluations in all chains, refits included (a discarded
                       * run's share depends on how far its chains got: the schedule) */
    double rhat_max, ess_bulk_min, ess_tail_min;
    double seconds_sampler;   /* wall clock, first warm-up to last draw, refits included */
    double seconds_chain_cpu; /* the chains' own CPU times, summed, refits included */
    double delta;             /* the adaptation target of these draws */
    double delta_first;       /* the target asked for (delta when not refitted) */
    size_t refits;            /* runs discarded for divergences before these */
    size_t dense_chains;      /* chains whose draws were made with a dense metric */
    size_t laplace_chains;    /* chains whose warm-up began from the mode's curvature */
    size_t divergent_first;   /* divergent transitions of the first run; with refits, one more
                               * than ATT_FIT_DIV_FAIL of the draws, where it stopped */
    int threads; /* worker threads for what is computed from these draws (att_summary_compute,
                  * att_fit_loo): att_fit_run sets the fit's att_fit_params.threads; 0: as many as
                  * the cores; never changes a result */
} att_fit_result;

/* Runs the chains on post.  On success *out holds the draws and
 * diagnostics (att_fit_result_free it).  A poor fit is not an error here:
 * att_fit_judge says how good it is.  A run with divergences in more than
 * ATT_FIT_DIV_FAIL of its draws is discarded and run again, same seed,
 * with 1 - delta quartered (at most delta_max), while delta is below
 * delta_max: divergences say the step size was too large somewhere, and
 * a higher target takes smaller steps.  A run that a refit would replace
 * stops as soon as its chains' divergences together pass that share: the
 * rest of it could not save it.  out->refits and out->delta say what
 * happened. */
ATT_NODISCARD att_status att_fit_run(const att_posterior *post,
                                     const att_fit_params *fp,
                                     att_fit_result *out,
                                     att_error *err);
void att_fit_result_free(att_fit_result *r);

/* A warm start's warm-up: fp->warmup / ATT_FIT_WARM_SHARE iterations, at
 * least ATT_FIT_WARM_MIN (at most fp->warmup). */
#define ATT_FIT_WARM_SHARE 5
#define ATT_FIT_WARM_MIN   100

/* A warm start for a fit of post with fp from fit, a fit of from, whose
 * parameters include post's by name: each chain starts at its last draw,
 * the metric is the covariance of all the draws, on post's sampling
 * coordinates, the first step size the chains' mean.  warm is left empty
 * (init NULL: start cold) where a parameter of post is not in from, the chains differ
 * in number, there are fewer than 2 draws, a draw does not map, a
 * coordinate's variance is not positive, a start has zero density in
 * post, or the step sizes are not positive.  ATT_EINVAL where fit is not
 * a fit of from.  att_fit_warm_free it. */
ATT_NODISCARD att_status att_fit_warm_init(const att_posterior *post,
                                           const att_fit_params *fp,
                                           const att_posterior *from,
                                           const att_fit_result *fit,
                                           att_fit_warm *warm,
                                           att_error *err);

/* The same from a neighbouring posterior: a parameter of post that from
 * lacks starts at its prior centre, with its prior variance (1 for a
 * standardised bias) and no covariance in the first metric, and the
 * warm-up adapts the metric as well as the step size (warm->adapt). */
ATT_NODISCARD att_status att_fit_warm_near(const att_posterior *post,
                                           const att_fit_params *fp,
                                           const att_posterior *from,
                                           const att_fit_result *fit,
                                           att_fit_warm *warm,
                                           att_error *err);
void att_fit_warm_free(att_fit_warm *warm);

/* Completes a result whose dim, chains, draws and theta are set (a loaded
 * fit): allocates and fills the model-unit values and the diagnostics.
 * Per-chain sampler statistics stay zero. */
ATT_NODISCARD att_status att_fit_complete(const att_posterior *post,
                                          att_fit_result *r,
                                          att_error *err);

/* Applies the policy; msg (size n) gets a sentence on every threshold
 * crossed, "" when good. */
att_fit_verdict att_fit_judge(const att_fit_result *r, char *msg, size_t n);

/* Draw i (0 <= i < chains * draws, chain after chain) of parameter k, in
 * model units. */
static inline double
att_fit_value(const att_fit_result *r, size_t i, size_t k)
{
    return r->value[i * r->dim + k];
}

#ifdef __cplusplus
}
#endif

#endif /* ATTRITION_ATT_FIT_H */
