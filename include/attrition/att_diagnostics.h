/* att_diagnostics.h -- MCMC convergence diagnostics: R-hat, bulk and tail
 * ESS, quantiles and their Monte Carlo standard errors.
 *
 * The definitions are those of Vehtari, Gelman, Simpson, Carpenter and
 * Buerkner (2021), "Rank-normalization, folding, and localization: An
 * improved R-hat for assessing convergence of MCMC", Bayesian Analysis
 * 16(2), 667-718, as implemented by the R package posterior (functions
 * rhat, rhat_basic, ess_bulk, ess_tail, ess_basic, ess_quantile,
 * mcse_quantile, quantile2): the same numbers, up to rounding, for finite
 * draws.
 *
 * Draws are one scalar quantity from n_chains chains of n_draws draws each,
 * stored chain after chain: draw i of chain c is draws[c * n_draws + i].
 * All draws must be finite.  Every function is reentrant; a workspace may
 * be used by one thread at a time, and any number of calls reuse it without
 * allocating.
 *
 * Every statistic but the quantiles, mean and sd works on split chains:
 * each chain is cut into halves of floor(n_draws / 2) draws (the middle
 * draw of an odd chain is left out), giving S = 2 n_chains floor(n_draws / 2)
 * draws in 2 n_chains chains.  Rank normalisation maps the split draws to
 * Phi^-1((r - 3/8) / (S + 1/4)), r their rank with ties averaged.  ESS
 * follows Geyer's initial monotone sequence on an FFT autocovariance and is
 * capped at S log10(S).  As in posterior (and Stan), when split chains have
 * 3 to 5 draws the pair loop never runs and ESS = S / 2.
 *
 * Where posterior returns NA, these functions return NaN with ATT_OK, in
 * exactly these cases (att_diag_summary.flags says which):
 *   - R-hat: all split draws are equal, or all folded draws |x - median| are
 *     equal (for example half the draws at a and half at b);
 *   - every ESS: the split chains have fewer than 3 draws (n_draws < 6), or
 *     the series it is computed on is constant (max - min < DBL_EPSILON,
 *     posterior's absolute tolerance): for bulk-ESS, all split draws equal;
 *     for tail-ESS, all draws within DBL_EPSILON of each other, or an
 *     indicator I(x <= q05) or I(x <= q95) that is the same for every draw
 *     (about 5% or more of the draws tie at the maximum, as with a discrete
 *     quantity); for ess_basic and rhat_basic, split draws within
 *     DBL_EPSILON of each other.
 * R-hat is +Inf when every split chain is constant but they are not all
 * equal.
 */
#ifndef ATTRITION_ATT_DIAGNOSTICS_H
#define ATTRITION_ATT_DIAGNOSTICS_H

#include <stddef.h>

#include <attrition/att_common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The fewest draws per chain a workspace accepts (each split half then has
 * at least 2 draws, enough for a within-chain variance). */
#define ATT_DIAG_MIN_DRAWS 4

/* Bits of att_diag_summary.flags. */
#define ATT_DIAG_RHAT_NAN    0x01u /* rhat is NaN (see the header comment) */
#define ATT_DIAG_BULK_NAN    0x02u /* ess_bulk is NaN */
#define ATT_DIAG_TAIL_NAN    0x04u /* ess_tail is NaN */
#define ATT_DIAG_BULK_CAPPED 0x08u /* ess_bulk was capped at S log10(S) (antithetic draws) */
#define ATT_DIAG_TAIL_CAPPED 0x10u /* ess_tail was capped at S log10(S) */

typedef struct att_diag_workspace att_diag_workspace;

/* The usual one-line summary of a quantity's draws. */
typedef struct {
    double rhat;     /* max of rank-normalised split-R-hat of the draws and of the folded draws */
    double ess_bulk; /* ESS of the rank-normalised split chains, in draws */
    double ess_tail; /* min of the ESS of I(x <= q05) and of I(x <= q95), in draws */
    double q05;      /* 5% quantile of all draws (type 7) */
    double q50;      /* median of all draws */
    double q95;      /* 95% quantile of all draws (type 7) */
    double mean;     /* mean of all draws */
    double sd;       /* standard deviation of all draws (divisor n_chains n_draws - 1) */
    double mcse_q05, mcse_q50, mcse_q95; /* Monte Carlo standard errors of the three
                                          * quantiles (att_diag_mcse_quantile); NaN where
                                          * the quantile's ESS is */
    unsigned flags;                      /* ATT_DIAG_* bits: which values are NaN or capped */
} att_diag_summary;

/* Allocates a workspace for n_chains >= 1 chains of n_draws >=
 * ATT_DIAG_MIN_DRAWS draws each.  Returns NULL on failure with err (may be
 * NULL) filled: ATT_EINVAL for sizes out of range, ATT_ENOMEM. */
att_diag_workspace *att_diag_alloc(size_t n_chains, size_t n_draws, att_error *err);

/* Frees a workspace; NULL does nothing. */
void att_diag_free(att_diag_workspace *w);

/* The summary of draws (n_chains * n_draws values laid out as in the header
 * comment; not modified).  Returns ATT_OK, ATT_EDATA if a draw is not
 * finite (err names the chain and draw), or ATT_EINTERNAL.  On error *out
 * is untouched. */
ATT_NODISCARD att_status att_diag_summarise(att_diag_workspace *w,
                                            const double *draws,
                                            att_diag_summary *out,
                                            att_error *err);

/* The improved R-hat: the larger of the rank-normalised split-R-hats of the
 * draws and of |draws - median| (posterior::rhat).  NaN or +Inf as
 * documented above.  Errors and *out_rhat on error as att_diag_summarise. */
ATT_NODISCARD att_status att_diag_rhat(att_diag_workspace *w,
                                       const double *draws,
                                       double *out_rhat,
                                       att_error *err);

/* The classic split-R-hat of the raw draws, without rank normalisation or
 * folding (posterior::rhat_basic with split = TRUE).  NaN when all split
 * draws are within DBL_EPSILON of each other. */
ATT_NODISCARD att_status att_diag_rhat_basic(att_diag_workspace *w,
                                             const double *draws,
                                             double *out_rhat,
                                             att_error *err);

/* Bulk-ESS (posterior::ess_bulk): the ESS of the rank-normalised split
 * chains.  NaN as documented above. */
ATT_NODISCARD att_status att_diag_ess_bulk(att_diag_workspace *w,
                                           const double *draws,
                                           double *out_ess,
                                           att_error *err);

/* Tail-ESS (posterior::ess_tail): the smaller of the ESS of the 5% and 95%
 * quantile indicators.  NaN as documented above. */
ATT_NODISCARD att_status att_diag_ess_tail(att_diag_workspace *w,
                                           const double *draws,
                                           double *out_ess,
                                           att_error *err);

/* The ESS of the raw split chains, the ESS for the mean
 * (posterior::ess_basic with split = TRUE).  NaN when the split chains have
 * fewer than 3 draws or are within DBL_EPSILON of each other. */
ATT_NODISCARD att_status att_diag_ess_basic(att_diag_workspace *w,
                                            const double *draws,
                                            double *out_ess,
                                            att_error *err);

/* The ESS of the quantile of probability prob in [0, 1], the ESS of the
 * split indicator I(x <= q) (posterior::ess_quantile; prob = 1 is replaced
 * by (S - 1/2) / S as there).  ATT_EINVAL if prob is outside [0, 1] or
 * NaN. */
ATT_NODISCARD att_status att_diag_ess_quantile(
    att_diag_workspace *w, const double *draws, double prob, double *out_ess, att_error *err);

/* The Monte Carlo standard error of the quantile of probability prob in
 * [0, 1] (posterior::mcse_quantile): half the distance between the sorted
 * draws at the 15.87% and 84.13% points of Beta(ess p + 1, ess (1 - p) + 1),
 * with ess from att_diag_ess_quantile.  NaN when that ESS is NaN.
 * ATT_EINVAL for a bad prob, ATT_ENOCONV if the beta quantile fails. */
ATT_NODISCARD att_status att_diag_mcse_quantile(
    att_diag_workspace *w, const double *draws, double prob, double *out_mcse, att_error *err);

/* Quantiles of all draws, type 7 of Hyndman and Fan (R's default, linear
 * interpolation between order statistics), for the n_probs probabilities in
 * probs (each in [0, 1]), into out_q[0..n_probs-1].  ATT_EINVAL for a bad
 * probability; out_q is untouched on error. */
ATT_NODISCARD att_status att_diag_quantiles(att_diag_workspace *w,
                                            const double *draws,
                                            const double *probs,
                                            size_t n_probs,
                                            double *out_q,
                                            att_error *err);

#ifdef __cplusplus
}
#endif

#endif /* ATTRITION_ATT_DIAGNOSTICS_H */
