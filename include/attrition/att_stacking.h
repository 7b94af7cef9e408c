/* att_stacking.h -- stacking weights of a linear pool of forecasters (Yao,
 * Vehtari, Simpson and Gelman 2018): the weights on the simplex that
 * maximise the mean log score of the pooled predictive over past reports,
 * each forecaster's weight renormalised over those that could score a
 * report (MODEL.md, "Scoring against later reports"; docs/model.md,
 * section 9).
 */
#ifndef ATTRITION_ATT_STACKING_H
#define ATTRITION_ATT_STACKING_H

#include <stdbool.h>
#include <stddef.h>

#include <attrition/att_common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Fewer past reports than this: equal weights. */
#define ATT_STACKING_MIN_REPORTS 5

/* The weights w (K values, summing to 1) maximising
 *   (1/n) sum_i log( sum_{k in A_i} w_k p_ik / sum_{k in A_i} w_k ),
 * p_ik = exp(logp[i K + k]) the density (or asserted mass) forecaster k
 * gave report i, A_i the k with avail[i K + k]; a report no forecaster
 * could score is left out.  With fewer than ATT_STACKING_MIN_REPORTS such
 * reports, equal weights (*fitted false).  Deterministic (softmax
 * coordinates, GSL's BFGS on the project's own exp and log). */
ATT_NODISCARD att_status att_stacking_weights(const double *logp,
                                              const bool *avail,
                                              size_t n,
                                              size_t K,
                                              double *w,
                                              bool *fitted,
                                              att_error *err);

/* The weights renormalised over the forecasters available for one
 * report (avail: K flags) into out; false if none is. */
bool att_stacking_renormalise(const double *w, const bool *avail, size_t K, double *out);

#ifdef __cplusplus
}
#endif

#endif /* ATTRITION_ATT_STACKING_H */
