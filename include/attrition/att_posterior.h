/* att_posterior.h -- the log-posterior of the phase-hazard model given the
 * ledger, on unconstrained coordinates, with its gradient.
 *
 * Coordinates theta (docs/model.md, section 3): log h for every phase with
 * a prior, logit kappa, log sigma, the bias b_{s,f} of every (class,
 * family) that some used report carries and the anchor does not pin, and
 * every uncertain arrival count (logit of its place in [low, high] for a
 * uniform prior, log for a log-normal one).  The density includes every
 * Jacobian and every constant, so that two implementations agree to many
 * digits (equation (13)).  The sampler runs on other coordinates, xi
 * (att_posterior_logp_sampling), in which the biases are standardised
 * given sigma and the model; everything it returns is mapped back to theta.
 */
#ifndef ATTRITION_ATT_POSTERIOR_H
#define ATTRITION_ATT_POSTERIOR_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include <attrition/att_ledger.h>
#include <attrition/att_model.h>
#include <attrition/att_params.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct att_posterior att_posterior;                     /* opaque, read-only once built */
typedef struct att_posterior_workspace att_posterior_workspace; /* opaque, one per thread */

typedef enum {
    ATT_PAR_HAZARD,    /* h_<phase>, daily hazard, 1/day */
    ATT_PAR_KAPPA,     /* kappa, killed share of casualties */
    ATT_PAR_SIGMA,     /* sigma, report noise on the log scale */
    ATT_PAR_BIAS,      /* b_<class>_<family>, log bias of a source class */
    ATT_PAR_ARRIVAL,   /* n_<arrival>, troops */
    ATT_PAR_RATIO,     /* r_<group>, a group's hazard multiplier */
    ATT_PAR_DEPARTURE, /* dep_<departure>, troops leaving, or the share of N_g */
    ATT_PAR_RETURN,    /* rho, the share of non-fatal casualties that return */
    ATT_PAR_NOISE, /* sigma_<class>: z_s of sigma_s = sigma0 exp(omega z_s) (noise = per_class) */
    ATT_PAR_COMPLETENESS /* c_<class>: an undercount class's completeness, through its logit */
} att_param_kind;

#define ATT_PARAM_NAME_MAX 128

typedef struct {
    char name[ATT_PARAM_NAME_MAX]; /* h_<phase>, kappa, sigma, b_<class>_<family>, n_<arrival> */
    att_param_kind kind;
    size_t index;      /* phase (HAZARD), class (BIAS), arrival (ARRIVAL), group (RATIO) or
                        * departure (DEPARTURE) index; 0 otherwise */
    att_family family; /* BIAS only */
    double prior_sd;   /* prior sd of the unconstrained coordinate */
} att_param_info;

/* Builds the posterior of p given the reports of l known at cutoff (a day
 * number; INT32_MAX for all) after repeats and revisions.  p and l are
 * borrowed and must outlive the result.  NULL on failure, err filled. */
ATT_NODISCARD att_posterior *
att_posterior_alloc(const att_params *p, const att_ledger *l, int32_t cutoff, att_error *err);
void att_posterior_free(att_posterior *post);

/* The same, leaving out ledger report `skip` (ATT_NONE for none): for the
 * influence of one report on the fit. */
ATT_NODISCARD att_posterior *att_posterior_alloc_without(
    const att_params *p, const att_ledger *l, int32_t cutoff, size_t skip, att_error *err);

size_t att_posterior_dim(const att_posterior *post);
const att_param_info *att_posterior_param(const att_posterior *post, size_t i);

/* The reports entering the likelihood, as ledger indices (count, then i-th),
 * ascending: the i-th is the i-th used report of the ledger, whatever order
 * the log density takes them in.  Every per-report function and output
 * below indexes the reports the same way. */
size_t att_posterior_nreports(const att_posterior *post);
size_t att_posterior_report(const att_posterior *post, size_t i);

ATT_NODISCARD att_posterior_workspace *att_posterior_workspace_alloc(const att_posterior *post,
                                                                     att_error *err);
void att_posterior_workspace_free(att_posterior_workspace *w);

/* Checks the environment variable ATT_SIMD, which forces the instruction
 * set of a workspace's array functions (scalar, sse2, avx2, avx512,
 * avx2-gather, avx512-gather; never a change of result): ATT_EINVAL, err
 * saying why, when it names no path or one this processor cannot run,
 * which att_posterior_workspace_alloc would refuse.  A program can call it
 * first, so as to report a usage error. */
ATT_NODISCARD att_status att_posterior_check_simd(att_error *err);

/* The log posterior density at theta (dim values) on the unconstrained
 * scale, Jacobians and constants included; its gradient in grad (dim
 * values) unless grad is NULL.  Returns -INFINITY (and a zero gradient)
 * where the density is 0; never NaN for finite theta. */
double att_posterior_logp(const att_posterior *post,
                          att_posterior_workspace *w,
                          const double *theta,
                          double *grad);

/* The sampler's coordinates xi (model/post_sampling.c, at the top): theta
 * with each estimated bias b_s replaced by beta_s = (b_s - mu_s) /
 * sqrt(v_s), where mu_s and v_s depend on sigma, the hazards, kappa and
 * the arrivals only (coordinates xi and theta share).  xi = 0 in the
 * biases puts each bias at its approximate conditional mean.
 *
 * The log density of xi, log p(theta(xi)) + sum_s log sqrt(v_s), and its
 * gradient in grad (dim values) unless grad is NULL; -INFINITY (and a zero
 * gradient) where the density is 0 or the map is not defined (log m not
 * finite at some point figure: only far out in the tails). */
double att_posterior_logp_sampling(const att_posterior *post,
                                   att_posterior_workspace *w,
                                   const double *xi,
                                   double *grad);

/* theta (dim values) from xi, and back.  ATT_ERANGE (err filled, output
 * unspecified) where the map is not defined (see above). */
ATT_NODISCARD att_status att_posterior_from_sampling(const att_posterior *post,
                                                     att_posterior_workspace *w,
                                                     const double *xi,
                                                     double *out_theta,
                                                     att_error *err);
ATT_NODISCARD att_status att_posterior_to_sampling(const att_posterior *post,
                                                   att_posterior_workspace *w,
                                                   const double *theta,
                                                   double *out_xi,
                                                   att_error *err);

/* The log-likelihood term of used report i alone (equation (10));
 * -HUGE_VAL where it cannot be computed, never NaN. */
double att_posterior_report_loglik(const att_posterior *post,
                                   att_posterior_workspace *w,
                                   const double *theta,
                                   size_t i);

/* The same for every used report at once (one pass of the forward model):
 * out gets att_posterior_nreports values.  Their sum and the prior's log
 * density make att_posterior_logp. */
void att_posterior_loglik_reports(const att_posterior *post,
                                  att_posterior_workspace *w,
                                  const double *theta,
                                  double *out);

/* theta in model units: out[i] is h (1/day), kappa, sigma, b or n. */
void att_posterior_constrain(const att_posterior *post, const double *theta, double *out);

/* The forward model's inputs at theta: hazard of every phase (nphase
 * values, fixed ones included), count of every arrival (narrival), kappa. */
void att_posterior_model_values(
    const att_posterior *post, const double *theta, double *hazard, double *count, double *kappa);

/* The number of doubles att_posterior_values needs in buf. */
size_t att_posterior_nvalues(const att_posterior *post);

/* Every input of the forward model at theta into *v (att_model.h), its
 * arrays carved from buf (att_posterior_nvalues doubles, which must
 * outlive v): the hazards, counts, the groups' multipliers, the
 * departures' counts or shares; kappa and rho. */
void att_posterior_values(const att_posterior *post,
                          const double *theta,
                          double *buf,
                          att_model_values *v);

/* The theta index of the bias of (class cls, family f), or ATT_NONE when
 * it is pinned by the anchor or no used report carries it (then 0). */
size_t att_posterior_bias_index(const att_posterior *post, size_t cls, att_family f);

/* The theta index of an undercount class's logit c_s, or ATT_NONE (not an
 * undercount class, or no used loss figure of it). */
size_t att_posterior_completeness_index(const att_posterior *post, size_t cls);

/* The theta index of class cls's z_s (noise = per_class: sigma_s = sigma0
 * exp(omega z_s)), or ATT_NONE (one shared sigma, or no used report). */
size_t att_posterior_noise_index(const att_posterior *post, size_t cls);

/* The error model of a report of class cls and family f at theta: *lbias
 * its log bias (b_{s,f}; log c_s for an undercount class's loss figures;
 * 0 when pinned or not a parameter; an undercount class's loss figures
 * that no used report carries: log of c_s's prior median) and *sigma its
 * noise (sigma, or sigma_s with noise = per_class; sigma0, z_s's prior
 * median, for a class no used report carries): log y = log m + *lbias +
 * e, e ~ Normal(0, *sigma^2). */
void att_posterior_report_error(const att_posterior *post,
                                const double *theta,
                                size_t cls,
                                att_family f,
                                double *lbias,
                                double *sigma);

/* A draw from the prior, on the unconstrained scale (rng: a gsl_rng, for
 * instance from att_rng_alloc). */
void att_posterior_prior_draw(const att_posterior *post, gsl_rng *rng, double *theta);

/* The prior's centre on the unconstrained scale (a safe starting point). */
void att_posterior_prior_center(const att_posterior *post, double *theta);

#ifdef __cplusplus
}
#endif

#endif /* ATTRITION_ATT_POSTERIOR_H */
