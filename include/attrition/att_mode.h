/* att_mode.h -- the posterior mode and the Laplace approximation.
 *
 * The mode maximises the log posterior on the unconstrained scale with
 * GSL's BFGS2 (gsl_multimin_fdfminimizer_vector_bfgs2) from several
 * starts; the Laplace approximation is the normal with the mode as mean
 * and the inverse of the negative Hessian as covariance, the Hessian taken
 * by central differences of the analytic gradient (docs/model.md, (14)).
 */
#ifndef ATTRITION_ATT_MODE_H
#define ATTRITION_ATT_MODE_H

#include <stddef.h>

#include <attrition/att_posterior.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    size_t starts;       /* optimiser starts: the prior centre, then jittered ones */
    double start_sd;     /* sd of the jitter around the prior centre, unconstrained units */
    unsigned long seed;  /* seed of the jitter */
    size_t max_iter;     /* iterations per start */
    double grad_tol;     /* stop when |gradient| falls below this */
    double hessian_step; /* step of the central differences, unconstrained units */
} att_mode_params;

att_mode_params att_mode_default_params(void);

typedef struct {
    double logp;      /* the log posterior at the mode */
    size_t dim;       /* length of theta and sd, dim x dim of cov */
    double *theta;    /* the mode, unconstrained */
    double *cov;      /* Laplace covariance, row-major */
    double *sd;       /* sqrt of cov's diagonal */
    size_t converged; /* how many starts converged */
    size_t agree;     /* how many converged starts ended within 1e-4 of the best */
} att_mode_result;

/* Finds the mode of post and its Laplace covariance.  On success *out is
 * filled (att_mode_result_free it); ATT_ENOCONV if no start converged or
 * the negative Hessian is not positive definite at the best point. */
ATT_NODISCARD att_status att_mode_find(const att_posterior *post,
                                       const att_mode_params *mp,
                                       att_mode_result *out,
                                       att_error *err);
void att_mode_result_free(att_mode_result *r);

#ifdef __cplusplus
}
#endif

#endif /* ATTRITION_ATT_MODE_H */
