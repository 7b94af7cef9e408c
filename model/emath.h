/* emath.h -- elementary and Gaussian functions whose bits do not depend on
 * the processor (private).
 *
 * Everything the library computes beyond +, -, *, / and sqrt goes through
 * these (or through special.c, variates.c and fft.c, built on them): the
 * C library's exp, log, pow or erfc pick code at run time by processor
 * (FMA, AVX2, AVX-512 variants; libmvec's approximate reciprocal), so that
 * one program gives other bits on another machine.  These are computed from
 * IEEE-754 basic operations alone, compiled without contraction, so that
 * the same inputs give the same bits on any x86-64 processor and in any
 * vector form (vmath.h).  docs/model.md, section 10, gives the methods,
 * and tests/test_emath.c their accuracy against GNU MPFR. */
#ifndef ATTRITION_EMATH_H
#define ATTRITION_EMATH_H

#include "internal.h"

/* e^x, within 0.52 ulp; 0 below -745.14, +inf above 709.79. */
ATT_INTERNAL double att_exp(double x);

/* The natural logarithm, within 0.51 ulp; -inf at 0, NaN below. */
ATT_INTERNAL double att_log(double x);

/* log(1 + x), within 0.51 ulp; -inf at -1, NaN below. */
ATT_INTERNAL double att_log1p(double x);

/* e^x - 1, within 0.52 ulp. */
ATT_INTERNAL double att_expm1(double x);

/* x^y as C99's pow (Annex F's special cases), within 0.52 ulp. */
ATT_INTERNAL double att_pow(double x, double y);

/* The complementary error function, within 1 ulp (1.5 where the result is
 * subnormal). */
ATT_INTERNAL double att_erfc(double x);

/* Q(z) = 1 - Phi(z), the standard normal's upper tail, within 1 ulp. */
ATT_INTERNAL double att_normal_q(double z);

/* att_normal_q(z), with the density phi(z) = exp(-z^2 / 2) / sqrt(2 pi)
 * into *out_pdf (within 1 ulp; the same exp serves both). */
ATT_INTERNAL double att_normal_q_pdf(double z, double *out_pdf);

/* The smaller tail min(Phi(z), Q(z)) = Q(|z|), with phi(z) into *out_pdf
 * (the same bits as att_normal_q_pdf(|z|)). */
ATT_INTERNAL double att_normal_small_tail_pdf(double z, double *out_pdf);

/* Phi(z) = Q(-z), the standard normal's CDF. */
ATT_INTERNAL double att_normal_p(double z);

/* log Q(z), for every z (no underflow: about -z^2 / 2 far out), within 1 ulp. */
ATT_INTERNAL double att_log_normal_q(double z);

/* log Q(z), with phi(z) / Q(z) (the inverse Mills ratio, d/dz of -log
 * Q) into *out_mills, within 2 ulp, also where log phi - log Q would
 * cancel. */
ATT_INTERNAL double att_log_normal_q_mills(double z, double *out_mills);

/* The standard normal's p-quantile Phi^-1(p): -inf at 0, +inf at 1, NaN
 * outside [0, 1]; within 1 ulp. */
ATT_INTERNAL double att_normal_quantile(double p);

#endif /* ATTRITION_EMATH_H */
