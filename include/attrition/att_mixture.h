/* att_mixture.h -- the predictive of log y as a mixture of normals (one
 * component per posterior draw, a single normal for a baseline, or a
 * weighted pool of forecasters) and an atom at -infinity: its CDF and tail, their logs and the
 * masses of intervals without underflow, the log density (the log score)
 * and quantiles (docs/model.md, section 9).
 */
#ifndef ATTRITION_ATT_MIXTURE_H
#define ATTRITION_ATT_MIXTURE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A mixture of an atom at -infinity (mass atom, in [0, 1): the draws whose
 * model quantity is 0, log 0) and n normals N(mu_i, sd_i^2), sd_i > 0, of
 * equal weight (1 - atom) / n, or of weight (1 - atom) w_i when w is not
 * NULL (w_i >= 0, summing to 1: a linear pool of forecasters). */
typedef struct {
    size_t n;
    const double *mu;
    const double *sd;
    double atom;
    const double *w; /* NULL: equal weights */
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

#endif /* ATTRITION_ATT_MIXTURE_H */
