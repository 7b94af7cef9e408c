/* vmath.h -- exp, log and erfc over arrays (private).  The posterior
 * takes several hundred of each per gradient; over an array they go to
 * the two-lane versions in glibc's libmvec where the build found them
 * (x86-64, glibc 2.35 or later: within 4 ulps of the scalar functions;
 * see docs/model.md, section 2.5), and to libm's one at a time elsewhere.
 * Every element's result depends on that element only, so the results
 * are the same whatever the array's length or alignment. */
#ifndef ATTRITION_VMATH_H
#define ATTRITION_VMATH_H

#include <stddef.h>

#include "internal.h"

/* y[i] = exp(x[i]) for i < n (y may be x). */
ATT_INTERNAL void att_vexp(size_t n, const double *x, double *y);

/* y[i] = log(x[i]) for i < n (y may be x). */
ATT_INTERNAL void att_vlog(size_t n, const double *x, double *y);

/* y[i] = erfc(x[i]) for i < n (y may be x). */
ATT_INTERNAL void att_verfc(size_t n, const double *x, double *y);

#endif /* ATTRITION_VMATH_H */
