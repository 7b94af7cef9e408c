/* vmath.c -- exp, log, log1p, expm1, the normal tail and division
 * over arrays, one loop per instruction set (vmath.h).
 *
 * Each loop calls a kernel of emath_kernel.h, which has no branch, so the
 * compiler vectorises it: with AVX2 and AVX-512 the tables are read four or
 * eight lanes at a time (element by element, as GCC emulates gathers; the
 * AVX-512 normal tail reads its erfcx rows whole and transposes them); the
 * SSE2 build stays mostly scalar; the gather paths are AVX2's and AVX-512's
 * loops again, with the tables read by gather instructions.  Vectorising
 * does not change a lane's operations
 * (no reassociation without -ffast-math, no contraction with
 * -ffp-contract=off), so every path gives the bits of att_exp, att_log,
 * att_log1p, att_expm1 and att_normal_q; tests/test_emath_hash.c checks
 * it on every path this processor runs, against hashes made once.  This file is built with
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

/* IEEE division is correctly rounded: every path gives the same bits. */
#define VMATH_DIV(name, attr)                                                    \
    attr static void name(size_t n, const double *x, const double *d, double *y) \
    {                                                                            \
        size_t i;                                                                \
        for (i = 0; i < n; i++)                                                  \
            y[i] = x[i] / d[i];                                                  \
    }

#define VMATH_PATH(suffix, attr)            \
    VMATH_DIV(vdiv_##suffix, attr)          \
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
VMATH_LOOP(vlog1p_avx2, em_log1p, __attribute__((target("avx2"))))
VMATH_LOOP(vexpm1_avx2, em_expm1, __attribute__((target("avx2"))))
VMATH_DIV(vdiv_avx512, VMATH_AVX512_ATTR)
VMATH_LOOP(vexp_avx512, em_exp, VMATH_AVX512_ATTR)
VMATH_LOOP(vlog_avx512, em_log, VMATH_AVX512_ATTR)
VMATH_LOOP(vlog1p_avx512, em_log1p, VMATH_AVX512_ATTR)
VMATH_LOOP(vexpm1_avx512, em_expm1, VMATH_AVX512_ATTR)

#include <immintrin.h>

/* The erfcx rows of eight lanes as columns: c[d * 8 + l] = tab[row[l] + d].
 * Eight row loads and a transpose in registers instead of the eighty loads
 * and inserts of emulated gathers (GCC 12 emits no AVX-512 gathers for
 * generic tuning, and they were slower here when it did).  Loads and
 * moves only: the values, hence every result, are the table's. */
_Static_assert(EMATH_ERFCX_ROW == 10, "erfcx_rows_avx512 reads rows of 8 + 2 coefficients");

VMATH_AVX512_ATTR static inline __attribute__((always_inline)) void
erfcx_rows_avx512(const uint64_t *row, double *c)
{
    const double *a = att_emath_erfcx_tab;
    __m512d r[8], t[8], u[8], col[EMATH_ERFCX_ROW];
    __m256d p[4];
    int l;

    for (l = 0; l < 8; l++)
        r[l] = _mm512_loadu_pd(a + row[l]); /* a_0 .. a_7 of lane l */
    for (l = 0; l < 8; l += 2) {
        t[l] = _mm512_unpacklo_pd(r[l], r[l + 1]);
        t[l + 1] = _mm512_unpackhi_pd(r[l], r[l + 1]);
    }
    for (l = 0; l < 8; l += 4) {
        u[l] = _mm512_shuffle_f64x2(t[l], t[l + 2], 0x88);
        u[l + 1] = _mm512_shuffle_f64x2(t[l], t[l + 2], 0xdd);
        u[l + 2] = _mm512_shuffle_f64x2(t[l + 1], t[l + 3], 0x88);
        u[l + 3] = _mm512_shuffle_f64x2(t[l + 1], t[l + 3], 0xdd);
    }
    col[0] = _mm512_shuffle_f64x2(u[0], u[4], 0x88);
    col[4] = _mm512_shuffle_f64x2(u[0], u[4], 0xdd);
    col[2] = _mm512_shuffle_f64x2(u[1], u[5], 0x88);
    col[6] = _mm512_shuffle_f64x2(u[1], u[5], 0xdd);
    col[1] = _mm512_shuffle_f64x2(u[2], u[6], 0x88);
    col[5] = _mm512_shuffle_f64x2(u[2], u[6], 0xdd);
    col[3] = _mm512_shuffle_f64x2(u[3], u[7], 0x88);
    col[7] = _mm512_shuffle_f64x2(u[3], u[7], 0xdd);
    /* a_8 and a_9: the lanes' pairs side by side, then evens and odds */
    for (l = 0; l < 8; l += 2)
        p[l / 2] = _mm256_insertf128_pd(_mm256_castpd128_pd256(_mm_loadu_pd(a + row[l] + 8)),
                                        _mm_loadu_pd(a + row[l + 1] + 8), 1);
    r[0] = _mm512_insertf64x4(_mm512_castpd256_pd512(p[0]), p[1], 1);
    r[1] = _mm512_insertf64x4(_mm512_castpd256_pd512(p[2]), p[3], 1);
    col[8] = _mm512_permutex2var_pd(r[0], _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14), r[1]);
    col[9] = _mm512_permutex2var_pd(r[0], _mm512_setr_epi64(1, 3, 5, 7, 9, 11, 13, 15), r[1]);
    for (l = 0; l < EMATH_ERFCX_ROW; l++)
        _mm512_storeu_pd(c + (size_t)l * 8, col[l]);
}

/* The smaller tail and the density of eight elements: their arguments and
 * rows, their coefficients (erfcx_rows_avx512), then the rest, each step
 * vectorised: em_normal_small_tail_pdf's operations, lane by lane. */
VMATH_AVX512_ATTR static inline __attribute__((always_inline)) void
small_tail_pdf_block_avx512(const double *x, double *y, double *z)
{
    double uh[8], ul[8], w[8], wl[8], h[8], c[EMATH_ERFCX_ROW * 8];
    uint64_t row[8];
    size_t l;

    for (l = 0; l < 8; l++) {
        uh[l] = em_normal_tail_arg(x[l], &ul[l], &w[l], &wl[l]);
        row[l] = em_erfcx_row(uh[l], &h[l]);
    }
    erfcx_rows_avx512(row, c);
    for (l = 0; l < 8; l++)
        y[l] = em_normal_tail_at(x[l], uh[l], ul[l], w[l], wl[l], h[l], c, l, 8, &z[l], 1);
}

#define VMATH_TAIL_AVX512(name, attr)                                      \
    attr static void name(size_t n, const double *x, double *y, double *z) \
    {                                                                      \
        size_t i, l, m = n - n % 8;                                        \
        double bx[8], by[8], bz[8];                                        \
        for (i = 0; i < m; i += 8)                                         \
            small_tail_pdf_block_avx512(x + i, y + i, z + i);              \
        if (m == n)                                                        \
            return;                                                        \
        for (l = 0; l < 8; l++)                                            \
            bx[l] = m + l < n ? x[m + l] : 1.0;                            \
        small_tail_pdf_block_avx512(bx, by, bz);                           \
        for (l = 0; m + l < n; l++) {                                      \
            y[m + l] = by[l];                                              \
            z[m + l] = bz[l];                                              \
        }                                                                  \
    }

VMATH_TAIL_AVX512(vnormal_small_tail_pdf_avx512, VMATH_AVX512_ATTR)

/* The same loops with the tables read by gather instructions
 * (ATT_GATHER_*_ATTR, vmath.h).  They change which instructions load a
 * table's entries, never a value.  On an Intel Xeon of the Rocket Lake
 * generation they ran exp in 1.5 ns an element against 2.3, log in 2.6
 * against 3.6; on an AMD EPYC of the Zen 5 generation they made the
 * gradient 3-10% slower (bench/README.md): att_simd_choose_timed times
 * both. */
#if ATT_GATHER
VMATH_LOOP(vexp_avx2g, em_exp, ATT_GATHER_AVX2_ATTR)
VMATH_LOOP(vlog_avx2g, em_log, ATT_GATHER_AVX2_ATTR)
VMATH_LOOP2(vnormal_small_tail_pdf_avx2g, em_normal_small_tail_pdf, ATT_GATHER_AVX2_ATTR)
VMATH_LOOP(vlog1p_avx2g, em_log1p, ATT_GATHER_AVX2_ATTR)
VMATH_LOOP(vexpm1_avx2g, em_expm1, ATT_GATHER_AVX2_ATTR)
VMATH_LOOP(vexp_avx512g, em_exp, ATT_GATHER_AVX512_ATTR)
VMATH_LOOP(vlog_avx512g, em_log, ATT_GATHER_AVX512_ATTR)
VMATH_LOOP(vlog1p_avx512g, em_log1p, ATT_GATHER_AVX512_ATTR)
VMATH_LOOP(vexpm1_avx512g, em_expm1, ATT_GATHER_AVX512_ATTR)
VMATH_TAIL_AVX512(vnormal_small_tail_pdf_avx512g, ATT_GATHER_AVX512_ATTR)
#endif
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
vlog1p_scalar(size_t n, const double *x, double *y)
{
    size_t i;

    for (i = 0; i < n; i++)
        y[i] = att_log1p(x[i]);
}

static void
vexpm1_scalar(size_t n, const double *x, double *y)
{
    size_t i;

    for (i = 0; i < n; i++)
        y[i] = att_expm1(x[i]);
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
typedef void (*vmath_div)(size_t n, const double *x, const double *d, double *y);

typedef struct {
    const char *name;
    vmath_fn exp, log, log1p, expm1;
    vmath_fn2 small_tail_pdf;
    vmath_div div;
} vmath_path;

/* log1p and expm1 take both sides of a branch in every lane:
 * SSE2's two lanes do not pay for that, and call the scalar functions.
 * Division, which has no scalar function to call, takes the baseline loop
 * on the scalar path too. */
static const vmath_path vmath_paths[ATT_SIMD_COUNT] = {
    {"scalar", vexp_scalar, vlog_scalar, vlog1p_scalar, vexpm1_scalar,
     vnormal_small_tail_pdf_scalar, vdiv_base},
    {"sse2", vexp_base, vlog_base, vlog1p_scalar, vexpm1_scalar, vnormal_small_tail_pdf_base,
     vdiv_base},
#if VMATH_X86
    {"avx2", vexp_avx2, vlog_avx2, vlog1p_avx2, vexpm1_avx2, vnormal_small_tail_pdf_avx2,
     vdiv_avx2},
    {"avx512", vexp_avx512, vlog_avx512, vlog1p_avx512, vexpm1_avx512,
     vnormal_small_tail_pdf_avx512, vdiv_avx512},
#if VMATH_X86 && ATT_GATHER
    {"avx2-gather", vexp_avx2g, vlog_avx2g, vlog1p_avx2g, vexpm1_avx2g,
     vnormal_small_tail_pdf_avx2g, vdiv_avx2},
    {"avx512-gather", vexp_avx512g, vlog_avx512g, vlog1p_avx512g, vexpm1_avx512g,
     vnormal_small_tail_pdf_avx512g, vdiv_avx512},
#else
    {"avx2-gather", vexp_avx2, vlog_avx2, vlog1p_avx2, vexpm1_avx2, vnormal_small_tail_pdf_avx2,
     vdiv_avx2},
    {"avx512-gather", vexp_avx512, vlog_avx512, vlog1p_avx512, vexpm1_avx512,
     vnormal_small_tail_pdf_avx512, vdiv_avx512},
#endif
#else
    {"avx2", vexp_base, vlog_base, vlog1p_scalar, vexpm1_scalar, vnormal_small_tail_pdf_base,
     vdiv_base},
    {"avx512", vexp_base, vlog_base, vlog1p_scalar, vexpm1_scalar, vnormal_small_tail_pdf_base,
     vdiv_base},
    {"avx2-gather", vexp_base, vlog_base, vlog1p_scalar, vexpm1_scalar, vnormal_small_tail_pdf_base,
     vdiv_base},
    {"avx512-gather", vexp_base, vlog_base, vlog1p_scalar, vexpm1_scalar,
     vnormal_small_tail_pdf_base, vdiv_base},
#endif
};

const char *
att_simd_name(att_simd s)
{
    return s < ATT_SIMD_COUNT ? vmath_paths[s].name : "?";
}

att_simd
att_simd_base(att_simd s)
{
    return s == ATT_SIMD_AVX2_GATHER     ? ATT_SIMD_AVX2
           : s == ATT_SIMD_AVX512_GATHER ? ATT_SIMD_AVX512
                                         : s;
}

bool
att_simd_supported(att_simd s)
{
    switch (att_simd_base(s)) {
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

/* The probe of att_simd_choose_timed: exp, log, the normal tail and log1p
 * over VMATH_PROBE_N arguments each, in the ranges the posterior gives
 * them, on one path and the other (each first in turn), VMATH_PROBE_ROUNDS
 * times after an untimed round; each path's fastest round counts (the one
 * least disturbed by whatever else the machine runs), 3-4 us a round
 * here.  The gathers
 * must win by VMATH_PROBE_MARGIN: a tie keeps the loops of every
 * processor. */
#define VMATH_PROBE_N      256
#define VMATH_PROBE_ROUNDS 8
#define VMATH_PROBE_MARGIN 0.97

static double
vmath_probe_round(att_simd s, const double (*x)[VMATH_PROBE_N], double *y, double *z)
{
    double t0 = att_seconds();

    att_vexp(s, VMATH_PROBE_N, x[0], y);
    att_vlog(s, VMATH_PROBE_N, x[1], y);
    att_vnormal_small_tail_pdf(s, VMATH_PROBE_N, x[2], y, z);
    att_vlog1p(s, VMATH_PROBE_N, x[3], y);
    return att_seconds() - t0;
}

/* plain, or its gather twin where that ran the probe faster. */
static att_simd
vmath_faster(att_simd plain, att_simd twin)
{
    double x[4][VMATH_PROBE_N], y[VMATH_PROBE_N], z[VMATH_PROBE_N];
    double best_plain = HUGE_VAL, best_twin = HUGE_VAL;
    size_t i;
    int r;

    for (i = 0; i < VMATH_PROBE_N; i++) {
        double u = ((double)i + 0.5) / VMATH_PROBE_N;
        x[0][i] = -30.0 * u;      /* a window's day: -z^2 / 2 */
        x[1][i] = 1e-3 + 1e4 * u; /* sums and model values */
        x[2][i] = 8.0 * u - 4.0;  /* z */
        x[3][i] = -0.9 * u;       /* minus a mean of complements */
    }
    for (r = 0; r <= VMATH_PROBE_ROUNDS; r++) {
        const double(*cx)[VMATH_PROBE_N] = (const double(*)[VMATH_PROBE_N])x;
        double tp, tt;
        if (r % 2 == 0) {
            tp = vmath_probe_round(plain, cx, y, z);
            tt = vmath_probe_round(twin, cx, y, z);
        } else {
            tt = vmath_probe_round(twin, cx, y, z);
            tp = vmath_probe_round(plain, cx, y, z);
        }
        if (r > 0) { /* round 0 brings the code and tables in */
            best_plain = tp < best_plain ? tp : best_plain;
            best_twin = tt < best_twin ? tt : best_twin;
        }
    }
    return best_twin < VMATH_PROBE_MARGIN * best_plain ? twin : plain;
}

att_status
att_simd_choose(att_simd *out, att_error *err)
{
    const char *want = getenv("ATT_SIMD");
    int s;

    if (want == NULL || want[0] == '\0') {
        for (s = ATT_SIMD_AVX512; s > 0 && !att_simd_supported((att_simd)s); s--)
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
                    "ATT_SIMD: expected scalar, sse2, avx2, avx512, avx2-gather or "
                    "avx512-gather, found \"%s\"",
                    want);
}

att_status
att_simd_choose_timed(att_simd *out, att_error *err)
{
    const char *want = getenv("ATT_SIMD");
    att_status st = att_simd_choose(out, err);

    if (st != ATT_OK || (want != NULL && want[0] != '\0') || !ATT_GATHER)
        return st;
    if (*out == ATT_SIMD_AVX2)
        *out = vmath_faster(ATT_SIMD_AVX2, ATT_SIMD_AVX2_GATHER);
    else if (*out == ATT_SIMD_AVX512)
        *out = vmath_faster(ATT_SIMD_AVX512, ATT_SIMD_AVX512_GATHER);
    return ATT_OK;
}

void
att_vexp(att_simd s, size_t n, const double *x, double *y)
{
    vmath_paths[s].exp(n, x, y);
}

void
att_vdiv(att_simd s, size_t n, const double *x, const double *d, double *y)
{
    vmath_paths[s].div(n, x, d, y);
}

void
att_vlog(att_simd s, size_t n, const double *x, double *y)
{
    vmath_paths[s].log(n, x, y);
}

void
att_vlog1p(att_simd s, size_t n, const double *x, double *y)
{
    vmath_paths[s].log1p(n, x, y);
}

void
att_vexpm1(att_simd s, size_t n, const double *x, double *y)
{
    vmath_paths[s].expm1(n, x, y);
}

void
att_vnormal_small_tail_pdf(att_simd s, size_t n, const double *x, double *q, double *pdf)
{
    vmath_paths[s].small_tail_pdf(n, x, q, pdf);
}
