/* vmath.h -- exp, log, log1p, expm1, the normal tail and division over
 * arrays (private).
 *
 * The posterior takes several hundred of each per gradient.  Over an array
 * they run the kernels of emath_kernel.h in a loop that the compiler
 * vectorises for the instruction set of the path: every lane does the same
 * IEEE-754 operations as att_exp, att_log and att_normal_q do on one value,
 * so each path gives the same bits as the others and as the scalar
 * functions, on any x86-64 processor (docs/model.md, section 10).  The
 * path is chosen once, by att_simd_choose_timed, when a workspace or a
 * projection is made. */
#ifndef ATTRITION_VMATH_H
#define ATTRITION_VMATH_H

#include <stddef.h>

#include "internal.h"

/* The instruction set an array function runs in. */
typedef enum {
    ATT_SIMD_SCALAR = 0,    /* att_exp and the others called once per element */
    ATT_SIMD_SSE2,          /* the loop built for the host's baseline (SSE2 on x86-64) */
    ATT_SIMD_AVX2,          /* the loop built for AVX2 (x86-64 only) */
    ATT_SIMD_AVX512,        /* the loop built for AVX-512F/DQ, 512-bit vectors (x86-64 only) */
    ATT_SIMD_AVX2_GATHER,   /* AVX2's, reading the tables with gather instructions */
    ATT_SIMD_AVX512_GATHER, /* AVX-512's, the same */
    ATT_SIMD_COUNT
} att_simd;

/* The target attributes of the gather twins' loops (vmath.c, binomial_many.c):
 * AVX2's and AVX-512's with a tuning whose use_gather flags make GCC read
 * tables by gather instructions (tune=sapphirerapids, which later GCCs do
 * not exclude from gathers against Gather Data Sampling; generic tuning
 * leaves them out; CI checks that the twins hold gathers).  Clang takes no
 * tune= there: ATT_GATHER 0, and the twins are the plain loops. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define ATT_GATHER           1
#define ATT_GATHER_AVX2_ATTR __attribute__((target("avx2,tune=sapphirerapids")))
#define ATT_GATHER_AVX512_ATTR \
    __attribute__((target("avx512f,avx512dq,prefer-vector-width=512,tune=sapphirerapids")))
#else
#define ATT_GATHER 0
#endif

/* The path's name as ATT_SIMD takes it: "scalar", "sse2", "avx2",
 * "avx512", "avx2-gather", "avx512-gather". */
ATT_INTERNAL const char *att_simd_name(att_simd s);

/* Whether this build and processor can run path s (a gather path wherever
 * its instruction set runs). */
ATT_INTERNAL bool att_simd_supported(att_simd s);

/* The instruction set of path s: the path itself, or AVX2's or AVX-512's
 * for their gather twins. */
ATT_INTERNAL att_simd att_simd_base(att_simd s);

/* The path to use: the one the environment variable ATT_SIMD names, or
 * else the widest instruction set this processor runs, its tables read
 * element by element.  ATT_EINVAL, with *out untouched, when ATT_SIMD
 * names no path or one this processor cannot run.  Cheap: for the few
 * calls a short computation makes. */
ATT_INTERNAL att_status att_simd_choose(att_simd *out, att_error *err);

/* The same, but without ATT_SIMD the widest instruction set's loops read
 * their tables by gathers where a probe times those 3% faster here (exp,
 * log, the normal tail and log1p over 256 arguments, both ways, nine
 * times; 60-100 us).  Gathers ran exp 35% faster than the element-by-element
 * reads on an Intel Xeon and made the gradient 3-10% slower on an AMD
 * EPYC (bench/README.md); the two give the same bits, so the choice
 * changes only the time.  For what takes many calls: a workspace, a
 * projection. */
ATT_INTERNAL att_status att_simd_choose_timed(att_simd *out, att_error *err);

/* y[i] = att_exp(x[i]) for i < n; y is x or does not overlap it. */
ATT_INTERNAL void att_vexp(att_simd s, size_t n, const double *x, double *y);

/* y[i] = x[i] / d[i] for i < n (correctly rounded: the same bits on every
 * path); y is x or does not overlap it, nor d. */
ATT_INTERNAL void att_vdiv(att_simd s, size_t n, const double *x, const double *d, double *y);

/* y[i] = att_log(x[i]) for i < n; y is x or does not overlap it. */
ATT_INTERNAL void att_vlog(att_simd s, size_t n, const double *x, double *y);

/* y[i] = att_log1p(x[i]) for i < n; y is x or does not overlap it. */
ATT_INTERNAL void att_vlog1p(att_simd s, size_t n, const double *x, double *y);

/* y[i] = att_expm1(x[i]) for i < n; y is x or does not overlap it. */
ATT_INTERNAL void att_vexpm1(att_simd s, size_t n, const double *x, double *y);

/* q[i] = att_normal_small_tail_pdf(x[i], &pdf[i]) (the smaller tail
 * Q(|x|) and phi(x)) for i < n; q is x or does not
 * overlap it, nor pdf either. */
ATT_INTERNAL void
att_vnormal_small_tail_pdf(att_simd s, size_t n, const double *x, double *q, double *pdf);

#endif /* ATTRITION_VMATH_H */
