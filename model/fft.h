/* fft.h -- a radix-2 complex FFT whose twiddle factors come from the
 * project's own sine and cosine (private), for the autocovariances behind
 * the ESS (diagnostics.c): GSL's FFT takes its twiddles from the C
 * library's sin and cos, whose last bits vary by processor. */
#ifndef ATTRITION_FFT_H
#define ATTRITION_FFT_H

#include <stddef.h>

#include "internal.h"

/* A transform of one length: its twiddle factors. */
typedef struct att_fft att_fft;

/* A transform of length n, a power of two >= 1; NULL if n is not one or
 * memory runs out. */
ATT_INTERNAL att_fft *att_fft_alloc(size_t n);

ATT_INTERNAL void att_fft_free(att_fft *f);

/* In place, x_k = sum_j x_j exp(-2 pi i j k / n) on (re, im); with
 * inverse, the sign of the exponent is +, and no 1/n is applied. */
ATT_INTERNAL void att_fft_run(const att_fft *f, double *re, double *im, bool inverse);

/* cos(2 pi k / n) and sin(2 pi k / n) for 0 <= k < n, n a power of two
 * >= 4, within 1 ulp (Taylor series on the first octant, the rest by
 * exact symmetries). */
ATT_INTERNAL void att_sincos_turn(size_t k, size_t n, double *out_cos, double *out_sin);

#endif /* ATTRITION_FFT_H */
