/* binomial_many.c -- many binomial draws at once, each from its own keyed
 * stream (binomial.h).
 *
 * The projection draws one count per path, pool and day, each from the
 * stream (seed, purpose, path, pool, day).  Over an array of draws every
 * step of att_binomial runs in loops the compiler vectorises, one per
 * instruction set as in vmath.c: the streams' first Philox blocks (integer
 * rounds, by hand for AVX2 and AVX-512); BTRS's first try up to its
 * squeeze (which takes about six draws in ten at the projection's means);
 * the acceptance test of the tries outside it, decided early without
 * em_log (btrs_early) but for about one in 10,000 at the projection's
 * sizes, whose logarithms go
 * through att_vlog; the second try of the draws the first rejected, the
 * third and fourth from a second block; and inversion's (1 - p)^n and
 * searches for the small means.  The loops do IEEE-754 additions, products, quotients
 * and square roots, the same as binomial.c's (binomial_kernel.h holds the
 * shared arithmetic), which give the same bits in any lane.  What is left
 * (p outside (0, 1), n = 0, four tries rejected: about one draw in four
 * thousand) is drawn by att_binomial from its stream as it stands.  So
 * each count is att_binomial's, bit for bit, on every path;
 * test_binomial checks it.  This file is built with -fno-trapping-math and
 * -fno-math-errno (model/CMakeLists.txt). */
#include <math.h>
#include <string.h>

#include "binomial.h"
#include "binomial_kernel.h"

/* Draws go through the vector loops this many at a time. */
#define MANY_BLOCK ((size_t)64) /* many_select's masks have 64 bits */

/* The loops over lanes gathered from a block run over a multiple of this
 * many (the last lane repeated), whole vectors: a loop's scalar remainder
 * costs about eight times a lane in a vector. */
#define MANY_PAD ((size_t)8)

/* One lane's block: Random123's philox4x32 (its constants and rounds,
 * philox.h), written out so that a loop over lanes vectorises (the 32 x
 * 32 -> 64-bit products as packed multiplies). */
EM_INLINE void
many_philox(
    uint32_t x0, uint32_t x1, uint32_t x2, uint32_t x3, uint32_t k0, uint32_t k1, uint32_t *o)
{
    int r;

    for (r = 0; r < PHILOX4x32_DEFAULT_ROUNDS; r++) {
        uint64_t p0 = (uint64_t)PHILOX_M4x32_0 * x0, p1 = (uint64_t)PHILOX_M4x32_1 * x2;
        uint32_t y0 = (uint32_t)(p1 >> 32) ^ x1 ^ k0, y2 = (uint32_t)(p0 >> 32) ^ x3 ^ k1;
        x1 = (uint32_t)p1;
        x3 = (uint32_t)p0;
        x0 = y0;
        x2 = y2;
        k0 += PHILOX_W32_0;
        k1 += PHILOX_W32_1;
    }
    o[0] = x0;
    o[1] = x1;
    o[2] = x2;
    o[3] = x3;
}

/* A uint32_t as a double, through the signed conversion SSE2 and AVX2 have
 * (exact: both are integers below 2^32). */
EM_INLINE double
many_u32(uint32_t x)
{
    return (double)(int32_t)(x ^ 0x80000000u) + 2147483648.0;
}

/* A uniform from a block's output o (as many_u32 makes it a double), as
 * att_stream_uniform makes it. */
EM_INLINE double
many_uniform(double o)
{
    return (o + 0.5) / 4294967296.0;
}

/* A BTRS try of n, p (flipped to p <= 1/2) with the uniforms of its block's
 * outputs o0 and o1, as binomial.c's binomial_btrs takes it: BTRS's
 * constants, v, 1/2 - |u| and the count before the support check. */
typedef struct {
    btrs_consts bc;
    double v, us, k;
} many_try_t;

EM_INLINE many_try_t
many_try_of_d(double n, double p, double o0, double o1)
{
    many_try_t t;
    const double u = many_uniform(o0) - 0.5;

    t.bc = btrs_setup(n, p > 0.5 ? 1.0 - p : p);
    t.v = many_uniform(o1);
    t.us = 0.5 - fabs(u);
    t.k = btrs_count(&t.bc, u, t.us);
    return t;
}

/* The same from the integers (n and the outputs as many_u32 makes them). */
EM_INLINE many_try_t
many_try_of(uint32_t n, double p, uint32_t o0, uint32_t o1)
{
    return many_try_of_d(many_u32(n), p, many_u32(o0), many_u32(o1));
}

/* The count of n, p from a try's count k of the flipped p (p <= 1/2). */
EM_INLINE double
many_unflip(double n, double p, double k)
{
    return p > 0.5 ? n - k : k;
}

/* What a lane's tries so far left: its count (>= 0), or one of these. */
#define MANY_LOG_TEST (-1.0) /* a try on the support, outside the squeeze */
#define MANY_RETRY    (-2.0) /* a try rejected: the next one */
#define MANY_SCALAR   (-3.0) /* no draw to make here (n = 0, p outside (0, 1)) */
#define MANY_RETRY2   (-4.0) /* two tries rejected: the second block's two */
#define MANY_INVERT   (-5.0) /* not a BTRS draw: a small mean, by inversion */
#define MANY_RETRY4   (-6.0) /* four tries rejected: att_binomial from the third block */

/* The first try up to the squeeze, as binomial.c's binomial_btrs takes it,
 * for a draw of n, p with its block's first two outputs. */
EM_INLINE double
many_squeeze(uint32_t n, double p, uint32_t o0, uint32_t o1)
{
    const many_try_t t = many_try_of(n, p, o0, o1);
    const double nd = t.bc.n, k = t.k;
    const int valid = (n > 0) & (p > 0.0) & (p < 1.0),
              btrs = valid & !(nd * t.bc.p < BTRS_MIN_MEAN);
    const int on = btrs & (k >= 0.0) & (k <= nd), in = on & (t.us >= 0.07) & (t.v <= t.bc.vr);
    double r = MANY_SCALAR;

    /* flat selections: GCC does not if-convert them nested */
    r = valid ? MANY_INVERT : r;
    r = btrs ? MANY_RETRY : r;
    r = on ? MANY_LOG_TEST : r;
    return in ? many_unflip(nd, p, k) : r;
}

/* The same try's logarithms' arguments, for a lane many_squeeze sent to
 * its acceptance test, into arg[i * stride] for i < BTRS_NLOG, then BTRS's
 * m and the try's count (what the test needs besides, kept so that it
 * does not set BTRS up again). */
EM_INLINE void
many_log_args(uint32_t n, double p, uint32_t o0, uint32_t o1, double *arg, size_t stride)
{
    const many_try_t t = many_try_of(n, p, o0, o1);
    double a[BTRS_NLOG];
    size_t i;

    btrs_log_args(&t.bc, t.k, t.us, t.v, a);
    for (i = 0; i < BTRS_NLOG; i++)
        arg[i * stride] = a[i];
    arg[BTRS_NLOG * stride] = t.bc.m;
    arg[(BTRS_NLOG + 1) * stride] = t.k;
}

/* The same try's early verdict (btrs_early): the count where it is
 * accepted, MANY_RETRY where rejected, MANY_LOG_TEST where undecided. */
EM_INLINE double
many_early(double n, double p, double o0, double o1)
{
    const many_try_t t = many_try_of_d(n, p, o0, o1);
    const double e = btrs_early(&t.bc, t.k, t.us, t.v);
    double r = e < 0.0 ? MANY_RETRY : MANY_LOG_TEST;

    return e > 0.0 ? many_unflip(t.bc.n, p, t.k) : r;
}

/* Its verdict from the logarithms lg[i * stride] and m and the count
 * after them: the count or MANY_RETRY. */
EM_INLINE double
many_log_test(uint32_t n, double p, const double *lg, size_t stride)
{
    const double nd = many_u32(n), m = lg[BTRS_NLOG * stride], k = lg[(BTRS_NLOG + 1) * stride];
    double l[BTRS_NLOG];
    size_t i;

    for (i = 0; i < BTRS_NLOG; i++)
        l[i] = lg[i * stride];
    return btrs_accept(nd, m, k, l) ? many_unflip(nd, p, k) : MANY_RETRY;
}

/* att_log1p(x) for -1/2 <= x < 0: em_log1p_core's two ways, both taken
 * and one kept, so that lanes do not branch (the same operations, so the
 * same bits; test_binomial's small p takes the series). */
EM_INLINE double
many_log1p(double x)
{
    double e, lo, slo, u = em_two_sum(1.0, x, &e);
    double core = em_log_core(u, (e + 0.0) / u, &lo);
    double series = em_fast_two_sum(x, 0.0 + x * x * (-0.5 + x * (1.0 / 3.0 + x * (-0.25))), &slo);

    return ((x > -EM_LOG1P_SERIES) & (x < EM_LOG1P_SERIES)) ? series : core;
}

/* One step of att_binomial_search (binomial.c) in a lane: the same
 * operations, the branches as selections; *live 1 until the lane's count
 * is found (then *k).  Returns whether it is still live. */
EM_INLINE int
many_search_step(double n, double r, double *u, double *f, double *k, double *live)
{
    const int go = (*live != 0.0) & (*u > *f), top = go & (*k == n), adv = go & !top;
    const double k1 = *k + 1.0, f1 = *f * (r * (n - k1 + 1.0) / k1);
    const int on = adv & (f1 > 0.0);

    *u = go ? *u - *f : *u;
    *k = adv ? k1 : *k;
    *f = adv ? f1 : *f;
    *live = on ? 1.0 : 0.0;
    return on;
}

#if defined(__GNUC__) && !defined(__clang__)
#define MANY_INDEPENDENT _Pragma("GCC ivdep")
#else
#define MANY_INDEPENDENT
#endif

/* The vector parts over m <= MANY_BLOCK lanes: the streams' blocks
 * number blk into o (four rows of MANY_BLOCK); a try of n, p with the
 * uniforms of o0 and o1 up to the squeeze, into k; the acceptance tests of
 * the tries that need one: their logarithms' arguments (BTRS_NLOG rows of
 * m, for one call of att_vlog, then rows of m and the counts), and from
 * the logarithms the verdicts into k; log1p in place; a step of every live
 * search. */
#define MANY_PHILOX_LOOP(name)                                                                     \
    MANY_ATTR static void name##_philox(size_t m, const uint32_t key[2], uint32_t blk, uint32_t c, \
                                        const uint32_t *a, const uint32_t *b, uint32_t *o)         \
    {                                                                                              \
        uint32_t t[4];                                                                             \
        size_t j;                                                                                  \
        MANY_INDEPENDENT                                                                           \
        for (j = 0; j < m; j++) {                                                                  \
            many_philox(blk, a[j], b[j], c, key[0], key[1], t);                                    \
            o[j] = t[0];                                                                           \
            o[MANY_BLOCK + j] = t[1];                                                              \
            o[2 * MANY_BLOCK + j] = t[2];                                                          \
            o[3 * MANY_BLOCK + j] = t[3];                                                          \
        }                                                                                          \
    }

#define MANY_LOG1P(name)                                    \
    MANY_ATTR static void name##_log1p(size_t m, double *x) \
    {                                                       \
        size_t j;                                           \
        MANY_INDEPENDENT                                    \
        for (j = 0; j < m; j++)                             \
            x[j] = many_log1p(x[j]);                        \
    }

#define MANY_LOOP(name)                                                                          \
    MANY_ATTR static void name##_squeeze(size_t m, const uint32_t *n, const double *p,           \
                                         const uint32_t *o0, const uint32_t *o1, double *k)      \
    {                                                                                            \
        size_t j;                                                                                \
        MANY_INDEPENDENT                                                                         \
        for (j = 0; j < m; j++)                                                                  \
            k[j] = many_squeeze(n[j], p[j], o0[j], o1[j]);                                       \
    }                                                                                            \
    MANY_LOG1P(name)                                                                             \
    MANY_ATTR static size_t name##_search(size_t m, const double *n, const double *r, double *u, \
                                          double *f, double *k, double *live)                    \
    {                                                                                            \
        size_t j, left = 0;                                                                      \
        MANY_INDEPENDENT                                                                         \
        for (j = 0; j < m; j++)                                                                  \
            left += (size_t)many_search_step(n[j], r[j], &u[j], &f[j], &k[j], &live[j]);         \
        return left;                                                                             \
    }                                                                                            \
    MANY_ATTR static void name##_early(size_t m, const double *n, const double *p,               \
                                       const double *o0, const double *o1, double *k)            \
    {                                                                                            \
        size_t j, i;                                                                             \
        for (j = 0; j < m; j += MANY_PAD) {                                                      \
            MANY_INDEPENDENT                                                                     \
            for (i = j; i < j + MANY_PAD; i++)                                                   \
                k[i] = many_early(n[i], p[i], o0[i], o1[i]);                                     \
        }                                                                                        \
    }                                                                                            \
    MANY_ATTR static void name##_log_args(size_t m, const uint32_t *n, const double *p,          \
                                          const uint32_t *o0, const uint32_t *o1, double *arg)   \
    {                                                                                            \
        size_t j;                                                                                \
        MANY_INDEPENDENT                                                                         \
        for (j = 0; j < m; j++)                                                                  \
            many_log_args(n[j], p[j], o0[j], o1[j], arg + j, m);                                 \
    }                                                                                            \
    MANY_ATTR static void name##_log_test(size_t m, const uint32_t *n, const double *p,          \
                                          const double *lg, double *k)                           \
    {                                                                                            \
        size_t j;                                                                                \
        MANY_INDEPENDENT                                                                         \
        for (j = 0; j < m; j++)                                                                  \
            k[j] = many_log_test(n[j], p[j], lg + j, m);                                         \
    }

/* Bit j of the mask: k[j] == what, for j < m <= 64. */
static uint64_t
many_base_mask(size_t m, const double *k, double what)
{
    uint64_t mask = 0;
    size_t j;

    for (j = 0; j < m; j++)
        mask |= (uint64_t)(k[j] == what) << j;
    return mask;
}

#define MANY_ATTR
MANY_PHILOX_LOOP(many_base)
MANY_LOOP(many_base)
#undef MANY_ATTR
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#if defined(__clang__)
#define MANY_AVX512_ATTR __attribute__((target("avx512f,avx512dq"), min_vector_width(512)))
#else
#define MANY_AVX512_ATTR __attribute__((target("avx512f,avx512dq,prefer-vector-width=512")))
#endif
#define MANY_ATTR __attribute__((target("avx2")))
MANY_LOOP(many_avx2)
#undef MANY_ATTR
#define MANY_ATTR MANY_AVX512_ATTR
MANY_LOOP(many_avx512)
#undef MANY_ATTR
/* The gather paths' (vmath.h): log1p reads its table by gathers; no other
 * loop here reads one. */
#if ATT_GATHER
#define MANY_ATTR ATT_GATHER_AVX2_ATTR
MANY_LOG1P(many_avx2g)
#undef MANY_ATTR
#define MANY_ATTR ATT_GATHER_AVX512_ATTR
MANY_LOG1P(many_avx512g)
#undef MANY_ATTR
#endif

/* Philox by hand in AVX2 and AVX-512 (GCC's own vectorisation of
 * many_philox shuffles 32-bit halves about): each 32-bit word in a 64-bit
 * lane, whose unsigned 32 x 32 -> 64-bit product is one instruction.  The
 * high halves are left unmasked: no low half depends on them (the
 * products take the low halves, the other steps are bitwise), and the
 * outputs keep the low halves only.  A last group short of a vector is
 * padded through a local copy. */
__attribute__((target("avx2"))) static void
many_avx2_philox(size_t m,
                 const uint32_t key[2],
                 uint32_t blk,
                 uint32_t c,
                 const uint32_t *a,
                 const uint32_t *b,
                 uint32_t *o)
{
    const __m256i m0 = _mm256_set1_epi64x(PHILOX_M4x32_0), m1 = _mm256_set1_epi64x(PHILOX_M4x32_1);
    const __m256i low = _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6);
    uint32_t pa[4] = {0}, pb[4] = {0}, out[4];
    size_t j, l, w;

    for (j = 0; j < m; j += 4) {
        const size_t nl = m - j < 4 ? m - j : 4;
        __m256i x0 = _mm256_set1_epi64x(blk), x1, x2, x3 = _mm256_set1_epi64x(c), y0, y2, p0, p1;
        uint32_t k0 = key[0], k1 = key[1];
        int r;
        const uint32_t *ja = a + j, *jb = b + j;
        if (nl < 4) {
            for (l = 0; l < nl; l++) {
                pa[l] = a[j + l];
                pb[l] = b[j + l];
            }
            ja = pa;
            jb = pb;
        }
        x1 = _mm256_cvtepu32_epi64(_mm_loadu_si128((const __m128i *)ja));
        x2 = _mm256_cvtepu32_epi64(_mm_loadu_si128((const __m128i *)jb));
        for (r = 0; r < PHILOX4x32_DEFAULT_ROUNDS; r++) {
            p0 = _mm256_mul_epu32(x0, m0);
            p1 = _mm256_mul_epu32(x2, m1);
            y0 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p1, 32), x1),
                                  _mm256_set1_epi64x(k0));
            y2 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p0, 32), x3),
                                  _mm256_set1_epi64x(k1));
            x1 = p1;
            x3 = p0;
            x0 = y0;
            x2 = y2;
            k0 += PHILOX_W32_0;
            k1 += PHILOX_W32_1;
        }
        for (w = 0; w < 4; w++) {
            __m256i x = w == 0 ? x0 : w == 1 ? x1 : w == 2 ? x2 : x3;
            __m128i lo = _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(x, low));
            if (nl == 4) {
                _mm_storeu_si128((__m128i *)(o + w * MANY_BLOCK + j), lo);
                continue;
            }
            _mm_storeu_si128((__m128i *)out, lo);
            for (l = 0; l < nl; l++)
                o[w * MANY_BLOCK + j + l] = out[l];
        }
    }
}

MANY_AVX512_ATTR static void
many_avx512_philox(size_t m,
                   const uint32_t key[2],
                   uint32_t blk,
                   uint32_t c,
                   const uint32_t *a,
                   const uint32_t *b,
                   uint32_t *o)
{
    const __m512i m0 = _mm512_set1_epi64(PHILOX_M4x32_0), m1 = _mm512_set1_epi64(PHILOX_M4x32_1);
    uint32_t pa[8] = {0}, pb[8] = {0}, out[8];
    size_t j, l, w;

    for (j = 0; j < m; j += 8) {
        const size_t nl = m - j < 8 ? m - j : 8;
        __m512i x0 = _mm512_set1_epi64(blk), x1, x2, x3 = _mm512_set1_epi64(c), y0, y2, p0, p1;
        uint32_t k0 = key[0], k1 = key[1];
        int r;
        const uint32_t *ja = a + j, *jb = b + j;
        if (nl < 8) {
            for (l = 0; l < nl; l++) {
                pa[l] = a[j + l];
                pb[l] = b[j + l];
            }
            ja = pa;
            jb = pb;
        }
        x1 = _mm512_cvtepu32_epi64(_mm256_loadu_si256((const __m256i *)ja));
        x2 = _mm512_cvtepu32_epi64(_mm256_loadu_si256((const __m256i *)jb));
        for (r = 0; r < PHILOX4x32_DEFAULT_ROUNDS; r++) {
            p0 = _mm512_mul_epu32(x0, m0);
            p1 = _mm512_mul_epu32(x2, m1);
            y0 = _mm512_xor_si512(_mm512_xor_si512(_mm512_srli_epi64(p1, 32), x1),
                                  _mm512_set1_epi64(k0));
            y2 = _mm512_xor_si512(_mm512_xor_si512(_mm512_srli_epi64(p0, 32), x3),
                                  _mm512_set1_epi64(k1));
            x1 = p1;
            x3 = p0;
            x0 = y0;
            x2 = y2;
            k0 += PHILOX_W32_0;
            k1 += PHILOX_W32_1;
        }
        for (w = 0; w < 4; w++) {
            __m256i lo = _mm512_cvtepi64_epi32(w == 0 ? x0 : w == 1 ? x1 : w == 2 ? x2 : x3);
            if (nl == 8) {
                _mm256_storeu_si256((__m256i *)(o + w * MANY_BLOCK + j), lo);
                continue;
            }
            _mm256_storeu_si256((__m256i *)out, lo);
            for (l = 0; l < nl; l++)
                o[w * MANY_BLOCK + j + l] = out[l];
        }
    }
}
__attribute__((target("avx2"))) static uint64_t
many_avx2_mask(size_t m, const double *k, double what)
{
    const __m256d w = _mm256_set1_pd(what);
    uint64_t mask = 0;
    size_t j;

    for (j = 0; j + 4 <= m; j += 4)
        mask |= (uint64_t)_mm256_movemask_pd(_mm256_cmp_pd(_mm256_loadu_pd(k + j), w, _CMP_EQ_OQ))
                << j;
    for (; j < m; j++)
        mask |= (uint64_t)(k[j] == what) << j;
    return mask;
}

MANY_AVX512_ATTR static uint64_t
many_avx512_mask(size_t m, const double *k, double what)
{
    const __m512d w = _mm512_set1_pd(what);
    uint64_t mask = 0;
    size_t j;

    for (j = 0; j + 8 <= m; j += 8)
        mask |= (uint64_t)_mm512_cmp_pd_mask(_mm512_loadu_pd(k + j), w, _CMP_EQ_OQ) << j;
    for (; j < m; j++)
        mask |= (uint64_t)(k[j] == what) << j;
    return mask;
}
#define MANY_X86 1
#else
#define MANY_X86 0
#endif

/* The reference: each draw through att_stream_reset and att_binomial. */
static void
many_scalar(uint64_t seed,
            uint32_t purpose,
            uint32_t c,
            size_t m,
            const uint32_t *a,
            const uint32_t *b,
            const uint32_t *n,
            const double *p,
            uint32_t *out)
{
    size_t j;

    for (j = 0; j < m; j++) {
        att_stream s;
        att_stream_reset(&s, seed, purpose, a[j], b[j], c);
        out[j] = att_binomial(&s, n[j], p[j]);
    }
}

typedef struct {
    void (*philox)(size_t m,
                   const uint32_t key[2],
                   uint32_t blk,
                   uint32_t c,
                   const uint32_t *a,
                   const uint32_t *b,
                   uint32_t *o);
    void (*squeeze)(size_t m,
                    const uint32_t *n,
                    const double *p,
                    const uint32_t *o0,
                    const uint32_t *o1,
                    double *k);
    void (*early)(
        size_t m, const double *n, const double *p, const double *o0, const double *o1, double *k);
    void (*log_args)(size_t m,
                     const uint32_t *n,
                     const double *p,
                     const uint32_t *o0,
                     const uint32_t *o1,
                     double *arg);
    void (*log_test)(size_t m, const uint32_t *n, const double *p, const double *lg, double *k);
    void (*log1p)(size_t m, double *x);
    size_t (*search)(
        size_t m, const double *n, const double *r, double *u, double *f, double *k, double *live);
    uint64_t (*mask)(size_t m, const double *k, double what);
} many_path;

static const many_path many_paths[ATT_SIMD_COUNT] = {
#define MANY_PATH_LOG1P(name, log1p)                                                          \
    {                                                                                         \
        name##_philox, name##_squeeze, name##_early, name##_log_args, name##_log_test, log1p, \
            name##_search, name##_mask                                                        \
    }
#define MANY_PATH(name) MANY_PATH_LOG1P(name, name##_log1p)
    {NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL}, /* scalar: many_scalar */
    MANY_PATH(many_base),
#if MANY_X86
    MANY_PATH(many_avx2),
    MANY_PATH(many_avx512),
#if ATT_GATHER
    MANY_PATH_LOG1P(many_avx2, many_avx2g_log1p),
    MANY_PATH_LOG1P(many_avx512, many_avx512g_log1p),
#else
    MANY_PATH(many_avx2),
    MANY_PATH(many_avx512),
#endif
#else
    MANY_PATH(many_base),
    MANY_PATH(many_base),
    MANY_PATH(many_base),
    MANY_PATH(many_base),
#endif
#undef MANY_PATH
#undef MANY_PATH_LOG1P
};

/* The lanes j < m <= 64 with k[j] == what into at, in order, from their
 * bit mask; returns how many.  A step per lane kept. */
static size_t
many_select(const many_path *path, size_t m, const double *k, double what, size_t *at)
{
    uint64_t mask = path->mask(m, k, what);
    size_t na = 0;

    for (; mask != 0; mask &= mask - 1)
        at[na++] = (size_t)__builtin_ctzll(mask);
    return na;
}

/* Lanes gathered from others: n, p and the two outputs of a try. */
typedef struct {
    uint32_t n[MANY_BLOCK], o0[MANY_BLOCK], o1[MANY_BLOCK];
    double p[MANY_BLOCK];
} many_lanes;

/* The lanes at[j], j < na, of n, p, o0, o1 into g. */
static void
many_gather(const size_t *at,
            size_t na,
            const uint32_t *n,
            const double *p,
            const uint32_t *o0,
            const uint32_t *o1,
            many_lanes *g)
{
    size_t j;

    for (j = 0; j < na; j++) {
        g->n[j] = n[at[j]];
        g->p[j] = p[at[j]];
        g->o0[j] = o0[at[j]];
        g->o1[j] = o1[at[j]];
    }
}

/* The acceptance tests of m tries (n, p, the uniforms of o0 and o1) into
 * k: the count or MANY_RETRY; the early verdict first (unless exact is
 * set), the logarithms for the tries it leaves undecided. */
static void
many_test(att_simd simd,
          const many_path *path,
          size_t m,
          const uint32_t *n,
          const double *p,
          const uint32_t *o0,
          const uint32_t *o1,
          int exact,
          double *k)
{
    many_lanes g;
    double tk[MANY_BLOCK], lg[(BTRS_NLOG + 2) * MANY_BLOCK];
    double dn[MANY_BLOCK], dp[MANY_BLOCK], d0[MANY_BLOCK], d1[MANY_BLOCK];
    size_t at[MANY_BLOCK], j, nt = m;

    if (exact) {
        for (j = 0; j < m; j++)
            at[j] = j;
    } else {
        /* as doubles (the early loop's vectors all of one width), to a
         * multiple of MANY_PAD lanes, the last repeated */
        size_t len = (m + MANY_PAD - 1) / MANY_PAD * MANY_PAD;
        for (j = 0; j < len; j++) {
            const size_t l = j < m ? j : m - 1;
            dn[j] = many_u32(n[l]);
            dp[j] = p[l];
            d0[j] = many_u32(o0[l]);
            d1[j] = many_u32(o1[l]);
        }
        path->early(len, dn, dp, d0, d1, k);
        nt = many_select(path, m, k, MANY_LOG_TEST, at);
        if (nt == 0)
            return;
    }
    many_gather(at, nt, n, p, o0, o1, &g);
    path->log_args(nt, g.n, g.p, g.o0, g.o1, lg);
    att_vlog(simd, BTRS_NLOG * nt, lg, lg);
    path->log_test(nt, g.n, g.p, lg, tk);
    for (j = 0; j < nt; j++)
        k[at[j]] = tk[j];
}

/* A try for each of m lanes (n, p, the uniforms of o0 and o1): the count
 * where it is accepted, else what many_squeeze says. */
static void
many_try(att_simd simd,
         const many_path *path,
         size_t m,
         const uint32_t *n,
         const double *p,
         const uint32_t *o0,
         const uint32_t *o1,
         int exact,
         double *k)
{
    many_lanes g;
    double tk[MANY_BLOCK];
    size_t at[MANY_BLOCK], j, nt;

    path->squeeze(m, n, p, o0, o1, k);
    /* the tries outside the squeeze, gathered for their tests */
    nt = many_select(path, m, k, MANY_LOG_TEST, at);
    if (nt == 0)
        return;
    many_gather(at, nt, n, p, o0, o1, &g);
    many_test(simd, path, nt, g.n, g.p, g.o0, g.o1, exact, tk);
    for (j = 0; j < nt; j++)
        k[at[j]] = tk[j];
}

/* The small means' counts, by inversion from the first uniform: their
 * (1 - p)^n over the array, then the searches of att_binomial_search in
 * lanes (binomial.c). */
static void
many_invert(att_simd simd,
            const many_path *path,
            size_t m,
            const uint32_t *n,
            const double *p,
            const uint32_t *o,
            double *k)
{
    double f[MANY_BLOCK], nd[MANY_BLOCK], r[MANY_BLOCK], u[MANY_BLOCK], x[MANY_BLOCK];
    double live[MANY_BLOCK];
    size_t at[MANY_BLOCK], j, ni;

    ni = many_select(path, m, k, MANY_INVERT, at);
    if (ni == 0)
        return;
    for (j = 0; j < ni; j++) {
        const size_t l = at[j];
        const double pp = p[l] > 0.5 ? 1.0 - p[l] : p[l];
        f[j] = -pp;
        nd[j] = (double)n[l];
        r[j] = pp / (1.0 - pp);
        u[j] = many_uniform(o[l]);
    }
    path->log1p(ni, f);
    for (j = 0; j < ni; j++) {
        f[j] *= nd[j];
        x[j] = 0.0;
        live[j] = 1.0;
    }
    att_vexp(simd, ni, f, f);
    /* the searches side by side, until every lane has its count (closing
     * up the finished lanes was measured slower) */
    while (path->search(ni, nd, r, u, f, x, live) > 0)
        ;
    for (j = 0; j < ni; j++)
        k[at[j]] = many_unflip(nd[j], p[at[j]], x[j]);
}

/* Two tries for each of m lanes from their blocks' outputs o (rows of
 * MANY_BLOCK): the first from the first two, the second, where the first
 * was rejected, from the other two.  k: the count, or what many_squeeze
 * says (MANY_RETRY2 where both were rejected). */
static void
many_two_tries(att_simd simd,
               const many_path *path,
               size_t m,
               const uint32_t *n,
               const double *p,
               const uint32_t *o,
               int exact,
               double *k)
{
    many_lanes g;
    double rk[MANY_BLOCK];
    size_t at[MANY_BLOCK], j, nr;

    many_try(simd, path, m, n, p, o, o + MANY_BLOCK, exact, k);
    nr = many_select(path, m, k, MANY_RETRY, at);
    if (nr == 0)
        return;
    many_gather(at, nr, n, p, o + 2 * MANY_BLOCK, o + 3 * MANY_BLOCK, &g);
    many_try(simd, path, nr, g.n, g.p, g.o0, g.o1, exact, rk);
    for (j = 0; j < nr; j++)
        k[at[j]] = rk[j] >= 0.0 ? rk[j] : MANY_RETRY2;
}

/* att_binomial_many, its acceptance tests early (btrs_early) unless exact
 * is set. */
static void
many_draw(att_simd simd,
          uint64_t seed,
          uint32_t purpose,
          uint32_t c,
          size_t m,
          const uint32_t *a,
          const uint32_t *b,
          const uint32_t *n,
          const double *p,
          int exact,
          uint32_t *out)
{
    uint32_t o[4 * MANY_BLOCK], o2[4 * MANY_BLOCK], key[2], ra[MANY_BLOCK], rb[MANY_BLOCK];
    uint32_t rn[MANY_BLOCK];
    double k[MANY_BLOCK], rp[MANY_BLOCK], rk[MANY_BLOCK];
    size_t at[MANY_BLOCK];
    const many_path *path = &many_paths[simd];
    att_stream s;
    size_t i, j, len, nr;

    if (simd == ATT_SIMD_SCALAR) {
        many_scalar(seed, purpose, c, m, a, b, n, p, out);
        return;
    }
    att_stream_reset(&s, seed, purpose, 0, 0, c);
    key[0] = s.key.v[0];
    key[1] = s.key.v[1];
    for (i = 0; i < m; i += len) {
        len = m - i < MANY_BLOCK ? m - i : MANY_BLOCK;
        path->philox(len, key, 0, c, a + i, b + i, o);
        many_two_tries(simd, path, len, n + i, p + i, o, exact, k);
        many_invert(simd, path, len, n + i, p + i, o, k);
        /* The third and fourth tries of the draws two rejected (about one
         * in sixty), from each one's second block. */
        nr = many_select(path, len, k, MANY_RETRY2, at);
        for (j = 0; j < nr; j++) {
            ra[j] = a[i + at[j]];
            rb[j] = b[i + at[j]];
            rn[j] = n[i + at[j]];
            rp[j] = p[i + at[j]];
        }
        if (nr > 0) {
            path->philox(nr, key, 1, c, ra, rb, o2);
            many_two_tries(simd, path, nr, rn, rp, o2, exact, rk);
            for (j = 0; j < nr; j++)
                k[at[j]] = rk[j] >= 0.0 ? rk[j] : MANY_RETRY4;
        }
        for (j = 0; j < len; j++) {
            const uint32_t *ob = o;
            size_t at_j = j;
            if (k[j] >= 0.0) {
                out[i + j] = (uint32_t)k[j];
                continue;
            }
            /* The stream as att_stream_u32 leaves it after the block of
             * the last try: the first at its start, or the second after
             * four rejected tries. */
            att_stream_reset(&s, seed, purpose, a[i + j], b[i + j], c);
            s.ctr.v[0] = 1;
            s.next = 0;
            if (k[j] == MANY_RETRY4 && nr > 0) {
                /* its row in o2: where at lists it (a rare draw) */
                for (at_j = 0; at_j + 1 < nr && at[at_j] != j; at_j++)
                    ;
                ob = o2;
                s.ctr.v[0] = 2;
                s.next = 4;
            }
            s.out.v[0] = ob[at_j];
            s.out.v[1] = ob[MANY_BLOCK + at_j];
            s.out.v[2] = ob[2 * MANY_BLOCK + at_j];
            s.out.v[3] = ob[3 * MANY_BLOCK + at_j];
            out[i + j] = att_binomial(&s, n[i + j], p[i + j]);
        }
    }
}

void
att_binomial_many(att_simd simd,
                  uint64_t seed,
                  uint32_t purpose,
                  uint32_t c,
                  size_t m,
                  const uint32_t *a,
                  const uint32_t *b,
                  const uint32_t *n,
                  const double *p,
                  uint32_t *out)
{
    many_draw(simd, seed, purpose, c, m, a, b, n, p, 0, out);
}

void
att_binomial_many_exact(att_simd simd,
                        uint64_t seed,
                        uint32_t purpose,
                        uint32_t c,
                        size_t m,
                        const uint32_t *a,
                        const uint32_t *b,
                        const uint32_t *n,
                        const double *p,
                        uint32_t *out)
{
    many_draw(simd, seed, purpose, c, m, a, b, n, p, 1, out);
}
