/* normal.h -- log-CDFs of the standard normal that do not underflow, and
 * their derivatives (private).  Censored terms use log-CDFs that do
 * not underflow; upper-tail differences are computed from
 * the complements.  docs/model.md, equations (8)-(9). */
#ifndef ATTRITION_NORMAL_H
#define ATTRITION_NORMAL_H

#include "internal.h"

/* log Phi(z), accurate to a few ulps for every finite z (-inf at -inf). */
ATT_INTERNAL double att_log_ndtr(double z);

/* log Q(z) = log(1 - Phi(z)) = att_log_ndtr(-z). */
ATT_INTERNAL double att_log_ndtr_upper(double z);

/* d/dz log Phi(z) = phi(z) / Phi(z) (the inverse Mills ratio at -z). */
ATT_INTERNAL double att_dlog_ndtr(double z);

/* att_log_ndtr(z), with att_dlog_ndtr(z) into *out_d at the cost of an
 * exp (the log-CDF is shared). */
ATT_INTERNAL double att_log_ndtr_d(double z, double *out_d);

/* log(Phi(b) - Phi(a)) for a < b, from whichever tail keeps it accurate;
 * *out_da, *out_db get its derivatives with respect to a and b. */
ATT_INTERNAL double att_log_ndtr_diff(double a, double b, double *out_da, double *out_db);

/* log(1 - exp(x)) for x < 0, accurate near 0 and far from it. */
ATT_INTERNAL double att_log1mexp(double x);

#endif /* ATTRITION_NORMAL_H */
