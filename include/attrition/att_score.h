/* att_score.h -- proper scoring rules for a predictive distribution of
 * log y (docs/model.md, section 9, equations
 * (21)-(25)).
 *
 * A predictive is a mixture of normals on the log scale with equal weights
 * (one component per posterior draw, or a single normal for a baseline).
 * Scores are on the log scale: the interval score and the weighted
 * interval score of Bracher, Ray, Gneiting and Reich (2021), the PIT, the
 * masses below / inside / above a range or a bound, and the log score
 * (log density of log y).
 */
#ifndef ATTRITION_ATT_SCORE_H
#define ATTRITION_ATT_SCORE_H

#include <stddef.h>

#include <attrition/att_common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The 23 quantile levels of the WIS: 0.01, 0.025, 0.05, 0.10, ..., 0.95,
 * 0.975, 0.99 (K = 11 central intervals and the median). */
#define ATT_WIS_NLEVELS 23
extern const double att_wis_levels[ATT_WIS_NLEVELS];

/* IS_alpha(y) = (u - l) + (2/alpha)(l - y)[y < l] + (2/alpha)(y - u)[y > u]
 * for the central (1 - alpha) interval [l, u] (equation (21)). */
double att_interval_score(double l, double u, double alpha, double y);

/* WIS(y) = (|y - m| / 2 + sum_k (alpha_k / 2) IS_alpha_k(y)) / (K + 1/2)
 * from the quantiles q at att_wis_levels (equation (22)). */
double att_wis(const double q[ATT_WIS_NLEVELS], double y);

/* The expectation of att_wis(q, Y) for Y uniform on [a, b], a <= b, in
 * closed form (equation (23)); att_wis(q, a) when a == b. */
double att_wis_uniform(const double q[ATT_WIS_NLEVELS], double a, double b);

/* A mixture of an atom at -infinity (mass atom, in [0, 1): the draws whose
 * model quantity is 0, log 0) and n normals N(mu_i, sd_i^2), sd_i > 0, of
 * equal weight (1 - atom) / n. */
typedef struct {
    size_t n;
    const double *mu;
    const double *sd;
    double atom;
} att_mixture;

/* P(X <= x), computed from whichever tail keeps it accurate. */
double att_mixture_cdf(const att_mixture *m, double x);

/* P(X > x), accurate where it is small. */
double att_mixture_sf(const att_mixture *m, double x);

/* log P(X <= x), log P(X > x) and log P(a < X <= b) (a < b), each from the
 * components' log-CDFs so that a mass far in a tail keeps its digits
 * instead of underflowing (docs/model.md, section 2.3). */
double att_mixture_log_cdf(const att_mixture *m, double x);
double att_mixture_log_sf(const att_mixture *m, double x);
double att_mixture_log_mass(const att_mixture *m, double a, double b);

/* log of the density at x (log-sum-exp over the components). */
double att_mixture_logpdf(const att_mixture *m, double x);

/* The quantiles at levels (each in (atom, 1), ascending for speed) by
 * safeguarded Newton steps on the CDF, to about 1e-10 on the log scale;
 * -HUGE_VAL for a level at or below the atom. */
void att_mixture_quantiles(const att_mixture *m, const double *levels, size_t n, double *out);

#ifdef __cplusplus
}
#endif

#endif /* ATTRITION_ATT_SCORE_H */
