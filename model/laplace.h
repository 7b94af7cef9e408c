/* laplace.h -- the posterior's mode and the Laplace approximation's
 * covariance there, the sampler's first metric (private). */
#ifndef ATTRITION_LAPLACE_H
#define ATTRITION_LAPLACE_H

#include "nuts.h"

/* From start (dim values), the mode of tg's density into mode and the
 * inverse of -log p's Hessian there into cov (dim x dim, row-major).  A
 * step into a region where the density or its gradient is not finite is
 * halved.  *found is false, and cov not to be used, where they are not
 * finite at start or at a point of the central differences, or the
 * Hessian is not positive definite (a flat or curved-away direction).
 * ATT_ENOMEM only. */
ATT_INTERNAL att_status att_laplace(const nuts_target *tg,
                                    const double *start,
                                    double *mode,
                                    double *cov,
                                    bool *found,
                                    att_error *err);

#endif /* ATTRITION_LAPLACE_H */
