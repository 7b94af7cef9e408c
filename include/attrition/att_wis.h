/* att_wis.h -- the interval score and the weighted interval score of
 * Bracher, Ray, Gneiting and Reich (2021) for a predictive of log y given
 * by its quantiles (docs/model.md, section 9, equations (21)-(23)).
 */
#ifndef ATTRITION_ATT_WIS_H
#define ATTRITION_ATT_WIS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The 23 quantile levels of the WIS: 0.01, 0.025, 0.05, 0.10, ..., 0.95,
 * 0.975, 0.99 (K = 11 central intervals and the median). */
#define ATT_WIS_NLEVELS 23
extern const double att_wis_levels[ATT_WIS_NLEVELS];

/* IS_alpha(y) = (u - l) + (2/alpha)(l - y)[y < l] + (2/alpha)(y - u)[y > u]
 * for the central (1 - alpha) interval [l, u] (equation (21)). */
double att_wis_interval_score(double l, double u, double alpha, double y);

/* WIS(y) = (|y - m| / 2 + sum_k (alpha_k / 2) IS_alpha_k(y)) / (K + 1/2)
 * from the quantiles q at att_wis_levels (equation (22)). */
double att_wis(const double q[ATT_WIS_NLEVELS], double y);

/* The expectation of att_wis(q, Y) for Y uniform on [a, b], a <= b, in
 * closed form (equation (23)); att_wis(q, a) when a == b. */
double att_wis_uniform(const double q[ATT_WIS_NLEVELS], double a, double b);

#ifdef __cplusplus
}
#endif

#endif /* ATTRITION_ATT_WIS_H */
