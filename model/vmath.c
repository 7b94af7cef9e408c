/* vmath.c -- exp, log and erfc over arrays.
 *
 * With ATT_HAVE_LIBMVEC (CMake found glibc's libmvec on x86-64) pairs of
 * elements go to libmvec's two-lane functions (_ZGVbN2v_exp and so on,
 * glibc's stable vector ABI since 2.22, erfc since 2.35), called by name
 * rather than left to the vectoriser, so that every build type, compiler
 * and optimisation level takes the same path and gets the same bits on
 * one machine.  Across machines the bits are the same for one glibc
 * version on processors with SSE4.1 (glibc picks its SSE4.1 code at run
 * time, and a wrapper around libm's functions without it).  The
 * last element of an odd length goes through a padded pair, so a value's
 * result never depends on the array around it.  The vector versions
 * handle infinities, zeros and underflow as libm does and agree with it
 * to a few ulps, not to the last bit: a build without libmvec (libm one
 * element at a time) may differ from one with it in the last digits of a
 * fit, as MCMC output does across any change of rounding. */
#include "vmath.h"

#include <math.h>
#include <string.h>

#ifdef ATT_HAVE_LIBMVEC
typedef double att_v2 __attribute__((vector_size(16)));

/* Our names for libmvec's symbols (theirs are reserved identifiers). */
att_v2 att_mvec_exp(att_v2 x) __asm__("_ZGVbN2v_exp");
att_v2 att_mvec_log(att_v2 x) __asm__("_ZGVbN2v_log");
att_v2 att_mvec_erfc(att_v2 x) __asm__("_ZGVbN2v_erfc");

#define ATT_VLOOP(vf, f)                  \
    do {                                  \
        size_t i;                         \
        att_v2 v;                         \
        for (i = 0; i + 2 <= n; i += 2) { \
            memcpy(&v, x + i, sizeof v);  \
            v = vf(v);                    \
            memcpy(y + i, &v, sizeof v);  \
        }                                 \
        if (i < n) {                      \
            double pair[2];               \
            pair[0] = pair[1] = x[i];     \
            memcpy(&v, pair, sizeof v);   \
            v = vf(v);                    \
            memcpy(pair, &v, sizeof v);   \
            y[i] = pair[0];               \
        }                                 \
    } while (0)
#else
#define ATT_VLOOP(vf, f)        \
    do {                        \
        size_t i;               \
        for (i = 0; i < n; i++) \
            y[i] = f(x[i]);     \
    } while (0)
#endif

void
att_vexp(size_t n, const double *x, double *y)
{
    ATT_VLOOP(att_mvec_exp, exp);
}

void
att_vlog(size_t n, const double *x, double *y)
{
    ATT_VLOOP(att_mvec_log, log);
}

void
att_verfc(size_t n, const double *x, double *y)
{
    ATT_VLOOP(att_mvec_erfc, erfc);
}
