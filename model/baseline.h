/* baseline.h -- the naive forecasts a careful analyst would make without
 * a model, and their spread (private; docs/model.md, section 9).
 *
 * Each baseline is log-normal around a point forecast taken from point
 * figures only (approx figures, ranges at their geometric middle, never a
 * bound) of the same kind, measure and groups, with a spread
 * s(h) = sqrt(s0^2 + s1^2 h / 30) fitted by maximum likelihood to the
 * baseline's own one-step log errors, never the model's sigma.
 */
#ifndef ATTRITION_BASELINE_H
#define ATTRITION_BASELINE_H

#include <attrition/att_compare.h>
#include <attrition/att_ledger.h>

#include "internal.h"

/* Fewer one-step errors than this: the default spread. */
#define ATT_SPREAD_MIN_ERRORS 3
#define ATT_SPREAD_S0         0.3  /* the default s0 */
#define ATT_SPREAD_S1         0.15 /* the default s1 */
#define ATT_SPREAD_SD_MIN     0.01 /* s(h) never below (errors all 0 would give 0) */

/* Baseline f's point forecast of report r from the reports marked in used
 * (f not ATT_FC_MODEL); 0 with *why set when it has none. */
ATT_INTERNAL double att_baseline_point(
    const att_ledger *l, const bool *used, att_forecaster f, const att_report *r, const char **why);

/* s(h) of a baseline's spread; h < 0 (a nowcast) counts as 0. */
ATT_INTERNAL double att_spread_sd(const att_spread *s, int32_t h);

/* The maximum-likelihood s0, s1 >= 0 of n log errors e at horizons h
 * (days; < 0 counts as 0), log e_i ~ N(0, s(h_i)^2); the defaults with
 * fewer than ATT_SPREAD_MIN_ERRORS. */
ATT_INTERNAL void att_spread_fit(const double *e, const int32_t *h, size_t n, att_spread *out);

/* Baseline f's spread from its one-step errors on the point reports in
 * used (those stated on or before the origin), each forecast from what was
 * stated before it, at horizon asof_end - (statement - 1).  known is a
 * scratch array of l->n flags. */
ATT_INTERNAL att_status att_baseline_spread(const att_ledger *l,
                                            const bool *used,
                                            att_forecaster f,
                                            bool *known,
                                            att_spread *out,
                                            att_error *err);

#endif /* ATTRITION_BASELINE_H */
