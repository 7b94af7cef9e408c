/* special.h -- log-gamma, log-beta, trigamma and the Beta CDF and
 * quantile (private), on emath.h's functions, so that their bits do not
 * depend on the processor.  Used for the kappa prior's constant and
 * scale (post_prior.c) and the quantile MCSE (diagnostics.c). */
#ifndef ATTRITION_SPECIAL_H
#define ATTRITION_SPECIAL_H

#include "internal.h"

/* log Gamma(x) for x > 0: relative error below 1e-15, absolute below
 * 1e-14 near its zeros at 1 and 2; NaN for x <= 0 or NaN. */
ATT_INTERNAL double att_lgamma(double x);

/* log B(a, b) = log Gamma(a) + log Gamma(b) - log Gamma(a + b), a, b > 0,
 * without the cancellation of those terms when a or b is large: error
 * below 2e-15 relative plus 3e-14 absolute. */
ATT_INTERNAL double att_lnbeta(double a, double b);

/* The trigamma function psi_1(x) = d^2/dx^2 log Gamma(x), x > 0:
 * relative error below 1e-15; NaN for x <= 0 or NaN. */
ATT_INTERNAL double att_trigamma(double x);

/* The Beta(a, b) CDF at x (the regularised incomplete beta function
 * I_x(a, b)), a, b > 0; relative error below 1e-11 (tests/test_special.c,
 * against closed forms and GSL's implementation); NaN for bad arguments
 * or where the continued fraction does not converge. */
ATT_INTERNAL double att_beta_p(double x, double a, double b);

/* The p-quantile of Beta(a, b), by bisection of att_beta_p to 2^-52;
 * NaN for bad arguments or where the CDF fails. */
ATT_INTERNAL double att_beta_pinv(double p, double a, double b);

#endif /* ATTRITION_SPECIAL_H */
