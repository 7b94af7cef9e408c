/* vmath.c -- exp, log and the normal tail over arrays, one loop per
 * instruction set (vmath.h).
 *
 * Each loop calls a kernel of emath_kernel.h, which has no branch, so the
 * compiler vectorises it: with AVX2 and AVX-512 the tables are read by
 * gathers, four or eight lanes at a time; the SSE2 build has no gather and
 * stays mostly scalar.  Vectorising does not change a lane's operations
 * (no reassociation without -ffast-math, no contraction with
 * -ffp-contract=off), so every path gives the bits of att_exp, att_log and
 * att_normal_q; tests/test_vmath.c checks it on every path this processor
 * runs, against hashes made once.  This file is built with
 * -fno-trapping-math, which lets the compiler turn the kernels' selections
 * into blends: it changes which floating-point exceptions may be raised,
 * never a result. */
#include "vmath.h"

#include <stdlib.h>
#include <string.h>

#include "emath.h"
#include "emath_kernel.h"

/* Tells GCC that y[i] depends on x[i] alone (y is x or apart from it),
 * so that it vectorises without a run-time overlap test.  (Clang, which
 * builds the fuzzers, does not vectorise these loops: it cannot gather
 * through them; the results are the same.) */
#if defined(__GNUC__) && !defined(__clang__)
#define VMATH_INDEPENDENT _Pragma("GCC ivdep")
#else
#define VMATH_INDEPENDENT
#endif

/* The loops run in blocks of VMATH_BLOCK elements, the last one (of 4 or
 * 8) padded through a local copy, so that no element goes through a
 * scalar epilogue (a short array would spend most of its time there);
 * the padding's results are dropped. */
#define VMATH_BLOCK 8

#define VMATH_LOOP(name, kernel, attr)                          \
    attr static void name(size_t n, const double *x, double *y) \
    {                                                           \
        size_t i, j, m = n - n % VMATH_BLOCK;                   \
        double bx[VMATH_BLOCK], by[VMATH_BLOCK];                \
        VMATH_INDEPENDENT                                       \
        for (i = 0; i < m; i++)                                 \
            y[i] = kernel(x[i]);                                \
        if (m == n)                                             \
            return;                                             \
        for (j = 0; j < VMATH_BLOCK; j++)                       \
            bx[j] = m + j < n ? x[m + j] : 1.0;                 \
        if (n - m <= VMATH_BLOCK / 2)                           \
            for (j = 0; j < VMATH_BLOCK / 2; j++)               \
                by[j] = kernel(bx[j]);                          \
        else                                                    \
            for (j = 0; j < VMATH_BLOCK; j++)                   \
                by[j] = kernel(bx[j]);                          \
        for (j = 0; m + j < n; j++)                             \
            y[m + j] = by[j];                                   \
    }

#define VMATH_LOOP2(name, kernel, attr)                                    \
    attr static void name(size_t n, const double *x, double *y, double *z) \
    {                                                                      \
        size_t i, j, m = n - n % VMATH_BLOCK;                              \
        double bx[VMATH_BLOCK], by[VMATH_BLOCK], bz[VMATH_BLOCK];          \
        VMATH_INDEPENDENT                                                  \
        for (i = 0; i < m; i++)                                            \
            y[i] = kernel(x[i], &z[i]);                                    \
        if (m == n)                                                        \
            return;                                                        \
        for (j = 0; j < VMATH_BLOCK; j++)                                  \
            bx[j] = m + j < n ? x[m + j] : 1.0;                            \
        if (n - m <= VMATH_BLOCK / 2)                                      \
            for (j = 0; j < VMATH_BLOCK / 2; j++)                          \
                by[j] = kernel(bx[j], &bz[j]);                             \
        else                                                               \
            for (j = 0; j < VMATH_BLOCK; j++)                              \
                by[j] = kernel(bx[j], &bz[j]);                             \
        for (j = 0; m + j < n; j++) {                                      \
            y[m + j] = by[j];                                              \
            z[m + j] = bz[j];                                              \
        }                                                                  \
    }

#define VMATH_PATH(suffix, attr)            \
    VMATH_LOOP(vexp_##suffix, em_exp, attr) \
    VMATH_LOOP(vlog_##suffix, em_log, attr) \
    VMATH_LOOP2(vnormal_small_tail_pdf_##suffix, em_normal_small_tail_pdf, attr)

VMATH_PATH(base, )

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define VMATH_X86 1
/* AVX2 without FMA (none would be used: -ffp-contract=off), and AVX-512
 * with 512-bit vectors, which GCC avoids unless asked. */
#if defined(__clang__)
#define VMATH_AVX512_ATTR __attribute__((target("avx512f,avx512dq"), min_vector_width(512)))
#else
#define VMATH_AVX512_ATTR __attribute__((target("avx512f,avx512dq,prefer-vector-width=512")))
#endif
VMATH_PATH(avx2, __attribute__((target("avx2"))))
VMATH_PATH(avx512, VMATH_AVX512_ATTR)
#else
#define VMATH_X86 0
#endif

/* One element at a time through the scalar functions, which are not
 * inlined here: the reference the vector paths must match. */
static void
vexp_scalar(size_t n, const double *x, double *y)
{
    size_t i;

    for (i = 0; i < n; i++)
        y[i] = att_exp(x[i]);
}

static void
vlog_scalar(size_t n, const double *x, double *y)
{
    size_t i;

    for (i = 0; i < n; i++)
        y[i] = att_log(x[i]);
}

static void
vnormal_small_tail_pdf_scalar(size_t n, const double *x, double *y, double *z)
{
    size_t i;

    for (i = 0; i < n; i++)
        y[i] = att_normal_small_tail_pdf(x[i], &z[i]);
}

typedef void (*vmath_fn)(size_t n, const double *x, double *y);
typedef void (*vmath_fn2)(size_t n, const double *x, double *y, double *z);

typedef struct {
    const char *name;
    vmath_fn exp, log;
    vmath_fn2 small_tail_pdf;
} vmath_path;

static const vmath_path vmath_paths[ATT_SIMD_COUNT] = {
    {"scalar", vexp_scalar, vlog_scalar, vnormal_small_tail_pdf_scalar},
    {"sse2", vexp_base, vlog_base, vnormal_small_tail_pdf_base},
#if VMATH_X86
    {"avx2", vexp_avx2, vlog_avx2, vnormal_small_tail_pdf_avx2},
    {"avx512", vexp_avx512, vlog_avx512, vnormal_small_tail_pdf_avx512},
#else
    {"avx2", vexp_base, vlog_base, vnormal_small_tail_pdf_base},
    {"avx512", vexp_base, vlog_base, vnormal_small_tail_pdf_base},
#endif
};

const char *
att_simd_name(att_simd s)
{
    return s < ATT_SIMD_COUNT ? vmath_paths[s].name : "?";
}

bool
att_simd_supported(att_simd s)
{
    switch (s) {
    case ATT_SIMD_SCALAR:
    case ATT_SIMD_SSE2: /* the loop built for the host's baseline: SSE2 on x86-64 */
        return true;
#if VMATH_X86
    case ATT_SIMD_AVX2:
        return __builtin_cpu_supports("avx2");
    case ATT_SIMD_AVX512:
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
#endif
    default:
        return false;
    }
}

att_status
att_simd_choose(att_simd *out, att_error *err)
{
    const char *want = getenv("ATT_SIMD");
    int s;

    if (want == NULL || want[0] == '\0') {
        for (s = ATT_SIMD_COUNT - 1; s > 0 && !att_simd_supported((att_simd)s); s--)
            ;
        *out = (att_simd)s;
        return ATT_OK;
    }
    for (s = 0; s < ATT_SIMD_COUNT; s++)
        if (strcmp(want, vmath_paths[s].name) == 0) {
            if (!att_simd_supported((att_simd)s))
                return ATT_FAIL(err, ATT_EINVAL,
                                "ATT_SIMD=%s: this processor or build cannot run that path "
                                "(scalar always can)",
                                want);
            *out = (att_simd)s;
            return ATT_OK;
        }
    return ATT_FAIL(err, ATT_EINVAL,
                    "ATT_SIMD: expected scalar, sse2, avx2 or avx512, found \"%s\"", want);
}

void
att_vexp(att_simd s, size_t n, const double *x, double *y)
{
    vmath_paths[s].exp(n, x, y);
}

void
att_vlog(att_simd s, size_t n, const double *x, double *y)
{
    vmath_paths[s].log(n, x, y);
}

void
att_vnormal_small_tail_pdf(att_simd s, size_t n, const double *x, double *q, double *pdf)
{
    vmath_paths[s].small_tail_pdf(n, x, q, pdf);
}
