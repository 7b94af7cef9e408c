/* project_history.h -- a projection's fitted period and its views
 * (project_history.c); private to model/. */
#ifndef ATTRITION_PROJECT_HISTORY_H
#define ATTRITION_PROJECT_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <attrition/att_fit.h>
#include <attrition/att_params.h>
#include <attrition/att_posterior.h>
#include <attrition/att_project.h>

#include "internal.h"

/* Type-7 quantiles of x (n values, sorted in place) at levels (percent)
 * into out[0..nlevels-1] (project_history.c). */
ATT_INTERNAL void
att_quantiles_of(double *x, size_t n, const double *levels, size_t nlevels, double *out);

/* A projection's fitted period (hist_*: dates every step back from start
 * to the first arrival, the closed form over fit's draws), with views its
 * casualties per day and C / D. */
ATT_INTERNAL att_status att_project_history(const att_params *p,
                                            const att_posterior *post,
                                            const att_fit_result *fit,
                                            int32_t start,
                                            long step,
                                            bool views,
                                            att_projection *out,
                                            att_error *err);

/* A projection's views over its paths (rate_q, share_q) from casualties c
 * and troops deployed d, date-major (c[k * paths + i]). */
ATT_INTERNAL att_status att_project_views(
    const uint32_t *c, const uint32_t *d, size_t paths, att_projection *out, att_error *err);

#endif /* ATTRITION_PROJECT_HISTORY_H */
