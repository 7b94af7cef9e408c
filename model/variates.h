/* variates.h -- normal, gamma and beta variates (private), from uniforms
 * of a gsl_rng (the library's are Philox streams, att_rng.h) and emath.h's
 * functions, so that a stream gives the same variates on any processor
 * (GSL's samplers call the C library's log, exp and pow). */
#ifndef ATTRITION_VARIATES_H
#define ATTRITION_VARIATES_H

#include <gsl/gsl_rng.h>

#include "internal.h"

/* A standard normal variate: Marsaglia's polar method (Marsaglia and
 * Bray, SIAM Review 6 (1964) 260-264), one of each accepted pair. */
ATT_INTERNAL double att_ran_normal(const gsl_rng *r);

/* A Gamma(a, 1) variate, a > 0: Marsaglia and Tsang, ACM TOMS 26(3)
 * 363-372 (2000), with U^(1/a) for a < 1. */
ATT_INTERNAL double att_ran_gamma(const gsl_rng *r, double a);

/* A Beta(a, b) variate, a, b > 0: X / (X + Y) of two gamma variates. */
ATT_INTERNAL double att_ran_beta(const gsl_rng *r, double a, double b);

#endif /* ATTRITION_VARIATES_H */
