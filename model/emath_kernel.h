/* emath_kernel.h -- the kernels of the elementary functions (private),
 * static inline so that emath.c (one value) and vmath.c (arrays, in each
 * instruction set) compile the same operations and so give the same bits.
 *
 * Everything here is IEEE-754 double arithmetic (+, -, *, /), integer
 * operations on the bits, comparisons and selections: no libm call, no
 * operation whose result a processor may round its own way.  The build
 * keeps a * b + c unfused (-ffp-contract=off, cmake/AttWarnings.cmake).
 * The kernels that serve arrays (exp, log, log1p, expm1 and the normal
 * tail) have no branch, only selections, so that the compiler can
 * vectorise them without changing a lane's result; log1p takes both
 * sides of the scalar function's branch and keeps one (em_pick).
 *
 * Contents: pairs (double-double arithmetic); exp; log; erfcx and the
 * Gaussian tail; log Q (for emath.c's scalar function).  Equation numbers
 * are docs/model.md section 10's.
 *
 * References: T. J. Dekker, "A floating-point technique for extending the
 * available precision", Numer. Math. 18 (1971) 224-242 (two_sum, split,
 * two_prod); P. T. P. Tang, ACM TOMS 15(2) 144-157 (1989) and 16(4)
 * 378-400 (1990) (table-driven exp and log). */
#ifndef ATTRITION_EMATH_KERNEL_H
#define ATTRITION_EMATH_KERNEL_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "emath_tab.h"

/* The kernels are inlined into every loop that calls them, whatever
 * their size, so that the loop is vectorised as a whole. */
#if defined(__GNUC__) || defined(__clang__)
#define EM_INLINE static inline __attribute__((always_inline))
#else
#define EM_INLINE static inline
#endif

/* 1.5 * 2^52: x + EM_SHIFT - EM_SHIFT rounds x to an integer, whose low
 * bits are then those of x + EM_SHIFT's significand. */
#define EM_SHIFT 0x1.8p52

EM_INLINE uint64_t
em_bits(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

EM_INLINE double
em_double(uint64_t u)
{
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* A quiet NaN, the same bits everywhere. */
#define EM_NAN em_double(0x7ff8000000000000u)

/* x, or the one NaN above if x is one: which of two NaN operands an
 * operation passes on depends on the order the compiler gave them, so
 * every kernel's result is made canonical (outputs never print a NaN, but
 * the bits must not depend on the build). */
EM_INLINE double
em_canon(double x)
{
    return x == x ? x : EM_NAN;
}

/* 2^e for -1022 <= e <= 1023. */
EM_INLINE double
em_pow2(int64_t e)
{
    return em_double((uint64_t)(e + 1023) << 52);
}

/* ---- pairs: a value as hi + lo, |lo| <= ulp(hi) / 2 ------------------------ */

/* s + e = a + b exactly (Knuth's two-sum; any a, b). */
EM_INLINE double
em_two_sum(double a, double b, double *e)
{
    double s = a + b, bb = s - a;

    *e = (a - (s - bb)) + (b - bb);
    return s;
}

/* s + e = a + b exactly, for |a| >= |b| or a = 0 (Dekker's fast two-sum). */
EM_INLINE double
em_fast_two_sum(double a, double b, double *e)
{
    double s = a + b;

    *e = b - (s - a);
    return s;
}

/* a = hi + lo with hi of 26 significant bits (Veltkamp's split; |a| <
 * 2^995). */
EM_INLINE double
em_split(double a, double *lo)
{
    double c = 0x1.0000002p27 * a, hi = c - (c - a); /* 2^27 + 1 */

    *lo = a - hi;
    return hi;
}

/* p + e = a b exactly, without a fused multiply-add (Dekker's product). */
EM_INLINE double
em_two_prod(double a, double b, double *e)
{
    double p = a * b, al, ah = em_split(a, &al), bl, bh = em_split(b, &bl);

    *e = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
    return p;
}

/* p + e = a^2 exactly (one split instead of two). */
EM_INLINE double
em_two_sqr(double a, double *e)
{
    double p = a * a, al, ah = em_split(a, &al);

    *e = ((ah * ah - p) + 2.0 * (ah * al)) + al * al;
    return p;
}

/* a / sqrt(2) as a pair (the normal tail's erfcx argument). */
EM_INLINE double
em_div_sqrt2(double a, double *out_lo)
{
    double lo, hi = em_two_prod(a, EMATH_SQRT1_2, &lo);

    return em_fast_two_sum(hi, lo + a * EMATH_SQRT1_2_LO, out_lo);
}

/* ---- exp (equations (E1)-(E3)) -------------------------------------------------- */

/* The range the exp kernel takes: below it the result is 0, above it
 * infinite (exp(-745.14) < 2^-1075, exp(709.79) > DBL_MAX). */
#define EM_EXP_LO (-746.0)
#define EM_EXP_HI 710.0

/* exp(x + xl) = 2^k (T_j + T_j p) with T_j = 2^(j/64) and 1 + p =
 * exp(r): x = (64 k + j) ln2 / 64 + r, |r| <= ln2 / 128 (plus rounding),
 * r + rl = the reduced argument as a pair (with pair = 0, rl leaves out
 * r's own rounding).  Returns r; *out_q gets
 * p - r = rl (1 + r) + r^2/2 + ... + r^6/720 (the terms left out are
 * below 2^-64 for |rl| < 2^-40),
 * *out_j the table index and *out_k the power of two.  x must lie in
 * [EM_EXP_LO, EM_EXP_HI] or be NaN (then so is r; j and k stay in range
 * for any bits). */
EM_INLINE double
em_exp_reduce(double x, double xl, int pair, double *out_q, uint64_t *out_j, int64_t *out_k)
{
    double kd = x * EMATH_EXP_INVLN2N + EM_SHIFT, rh, t, r, re, rl;
    int64_t n = (int64_t)(em_bits(kd) - em_bits(EM_SHIFT));

    kd -= EM_SHIFT;
    /* kd has at most 17 bits, L1 and L2 36: both products are exact, and
     * so is x - kd L1 (Sterbenz). */
    rh = x - kd * EMATH_EXP_L1;
    t = kd * EMATH_EXP_L2;
    r = em_two_sum(rh, -t, &re);
    /* The rounding of r moves e^x by 2^-60 of it: exp leaves it out
     * (pair = 0, a constant the compiler folds), expm1 and the pairs keep it. */
    rl = ((pair ? re : 0.0) - kd * EMATH_EXP_L3) + xl;
    /* rl may be large beside r's rounding (a caller's tail, such as the
     * low part of u^2): its product with r counts. */
    *out_q =
        rl + r * rl +
        r * r * (0.5 + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0)))));
    *out_j = (uint64_t)n & 63u;
    *out_k = (n - (int64_t)*out_j) / 64; /* exact: a multiple of 64 */
    return r;
}

/* x * 2^k for -1080 <= k <= 1025, in two exact steps so that a result in
 * the subnormal range is rounded once. */
EM_INLINE double
em_scale(double x, int64_t k)
{
    int64_t k1 = k / 2;

    return x * em_pow2(k1) * em_pow2(k - k1);
}

/* exp(x + xl) = 2^k (hi + lo) before scaling, |lo| < 2^-7 hi, with an
 * error below 2^-60 hi; x in [EM_EXP_LO, EM_EXP_HI] or NaN. */
EM_INLINE double
em_exp_pair(double x, double xl, int pair, double *out_lo, int64_t *out_k)
{
    double q, r, th, tl;
    uint64_t j;

    r = em_exp_reduce(x, xl, pair, &q, &j, out_k);
    th = att_emath_exp_tab[2 * j];
    tl = att_emath_exp_tab[2 * j + 1];
    *out_lo = tl + th * (r + q);
    return th;
}

/* exp(x), within 0.52 ulp (equation (E3)). */
EM_INLINE double
em_exp(double x)
{
    double xc = x > EM_EXP_HI ? EM_EXP_HI : x, lo, hi;
    int64_t k;

    xc = xc < EM_EXP_LO ? EM_EXP_LO : xc; /* NaN stays NaN */
    hi = em_exp_pair(xc, 0.0, 0, &lo, &k);
    return em_canon(em_scale(hi + lo, k));
}

/* ---- log (equations (E5)-(E6)) --------------------------------------------------- */

/* x = 2^k m for a normal x > 0: m in [3/4, 3/2) returned, k into *out_k
 * (the arithmetic shift of bits(x) - bits(3/4) by 52, written without
 * one). */
EM_INLINE double
em_log_split(double x, int64_t *out_k)
{
    uint64_t tmp = em_bits(x) - em_bits(0.75);
    int64_t k = (int64_t)(tmp >> 52) - (int64_t)((tmp >> 63) << 12);

    *out_k = k;
    return em_double(em_bits(x) - ((uint64_t)k << 52));
}

/* k (|k| < 2^51) as a double without an int64 conversion (none in SSE2). */
EM_INLINE double
em_int_double(int64_t k)
{
    return em_double(em_bits(EM_SHIFT) + (uint64_t)k) - EM_SHIFT;
}

/* log(x) + c as a pair, for x > 0 finite (subnormals too) and c small
 * beside log x (a correction the caller carries, such as log1p's); the
 * error is below 2^-66 |log x| + 2^-70.  x = 2^k m, m in [3/4, 3/2), m =
 * F (1 + v) with F = j / 128 the nearest, so |v| <= 1/192 and
 * log x = k ln2 + log F + log1p(v), where v = f / F, f = m - F exact, is
 * taken as a pair from an exact remainder (no division). */
EM_INLINE double
em_log_core(double x, double c, double *out_lo)
{
    const int sub = x < 0x1p-1022;
    double xs = sub ? x * 0x1p52 : x, m, jd, big, inv, f, vh, vl, a1, a2, tail, kd, hi, lo, s, t;
    uint64_t idx;
    int64_t k;

    m = em_log_split(xs, &k);
    k -= sub ? 52 : 0;
    jd = m * 128.0 + EM_SHIFT;
    idx = em_bits(jd) - em_bits(EM_SHIFT) - (uint64_t)EMATH_LOG_FIRST;
    big = (jd - EM_SHIFT) * (1.0 / 128.0); /* F */
    inv = att_emath_log_tab[3 * idx + 2];  /* 1 / F, rounded */
    f = m - big;
    vh = f * inv;
    /* f - vh F exactly: vh's halves times F (8 bits) are exact, f - a1 F
     * is a subtraction of nearby numbers (Sterbenz), and the remainder is
     * representable; then v = vh + vl to 2^-100. */
    a1 = em_split(vh, &a2);
    vl = ((f - a1 * big) - a2 * big) * inv;
    tail =
        vl - vh * vl +
        vh * vh *
            (-0.5 +
             vh * (1.0 / 3.0 +
                   vh * (-0.25 + vh * (0.2 + vh * (-1.0 / 6.0 + vh * (1.0 / 7.0 - vh * 0.125))))));
    kd = em_int_double(k);
    hi = kd * EMATH_LN2_HI + att_emath_log_tab[3 * idx]; /* exact: both on 2^-43's grid */
    lo = kd * EMATH_LN2_LO + att_emath_log_tab[3 * idx + 1];
    s = em_two_sum(hi, vh, &t);
    return em_fast_two_sum(s, t + (lo + (tail + c)), out_lo);
}


/* log(x), within 0.51 ulp (equation (E6)). */
EM_INLINE double
em_log(double x)
{
    const int ok = (x > 0.0) & (x <= 0x1.fffffffffffffp1023); /* no branch */
    double lo, hi = em_log_core(ok ? x : 1.0, 0.0, &lo);

    /* +inf gives itself, 0 -inf, below 0 or NaN the NaN */
    double special = x < 0.0 || x != x ? EM_NAN : x == 0.0 ? -HUGE_VAL : x;

    (void)lo;
    return ok ? hi : special;
}

#define EM_LOG1P_SERIES 9.5367431640625e-07 /* 2^-20 */

/* log(1 + x + xl) as a pair, for x + xl > -1 finite: 1 + x is split
 * exactly into u + e, and log(u + e) = log u + e / u. */
EM_INLINE double
em_log1p_core(double x, double xl, double *out_lo)
{
    double e, u;

    /* Near 0 the rounding of e / u would be a visible part of the
     * result: the series, whose terms after x^4 are below 2^-80 x. */
    if (x > -EM_LOG1P_SERIES && x < EM_LOG1P_SERIES)
        return em_fast_two_sum(x, xl + x * x * (-0.5 + x * (1.0 / 3.0 + x * (-0.25))), out_lo);
    u = em_two_sum(1.0, x, &e);
    return em_log_core(u, (e + xl) / u, out_lo);
}

/* ---- erfcx and the Gaussian tail (equations (E8)-(E10)) -------------------------- */

#define EM_2_SQRTPI 0x1.20dd750429b6dp+0 /* 2 / sqrt(pi), a derivative's constant only */

/* The row of erfcx's table for 0 <= u < 32 (its offset, row * ROW) and
 * u's distance *out_h from the row's centre c; NaN gives the last row.
 * The interval, from the bits: below 1/2, 64ths (those of u + 1's
 * significand); above, 32nds of u's binade (u's exponent and top five
 * significand bits, c with the next bit set). */
EM_INLINE uint64_t
em_erfcx_row(double u, double *out_h)
{
    const uint64_t low = ((uint64_t)1 << 47) - 1;
    uint64_t small = (em_bits(u + 1.0) >> 46) & 63u;
    uint64_t big = (em_bits(u) >> 47) - (em_bits(0.5) >> 47) + 32u;
    uint64_t i = u < 0.5 ? small : big;
    double cs = ((em_double(em_bits(EM_SHIFT) + small) - EM_SHIFT) + 0.5) * (1.0 / 64.0);
    double cb = em_double((em_bits(u) & ~low) | ((uint64_t)1 << 46));

    *out_h = u - (u < 0.5 ? cs : cb);                /* exact for u >= 1/2 */
    i = i < EMATH_ERFCX_NI ? i : EMATH_ERFCX_NI - 1; /* NaN, or u >= 32 */
    return i * EMATH_ERFCX_ROW;
}

/* erfcx(u) = exp(u^2) erfc(u) at u + ul (ul a correction below ulp(u))
 * as a pair, for 0 <= u < 32, relative error below 2^-57; NaN gives NaN.
 * h and the row's coefficients a_d = c[off + d * stride] come from
 * em_erfcx_row: stride 1 reads the table itself (indexed from it, not
 * from a row pointer, which the compiler can turn into gathers), stride 8
 * a block's rows laid out as columns (vmath.c). */
EM_INLINE double
em_erfcx_at(
    double u, double ul, double h, const double *c, uint64_t off, uint64_t stride, double *out_lo)
{
    double p = c[off + (EMATH_ERFCX_ROW - 1) * stride], lo, a0 = c[off];
    int d;

    for (d = EMATH_ERFCX_ROW - 2; d >= 2; d--)
        p = p * h + c[off + (uint64_t)d * stride];
    lo = c[off + stride] + h * p;
    /* erfcx' = 2 u erfcx - 2 / sqrt(pi) carries the correction ul. */
    return em_fast_two_sum(a0, lo + ul * (2.0 * u * (a0 + lo) - EM_2_SQRTPI), out_lo);
}

EM_INLINE double
em_erfcx(double u, double ul, double *out_lo)
{
    double h;
    uint64_t i = em_erfcx_row(u, &h);

    return em_erfcx_at(u, ul, h, att_emath_erfcx_tab, i, 1, out_lo);
}

/* exp(-(w + wl)) (gh + gl) = 2^k (hi + lo) before scaling, the tail
 * erfc(u) when gh + gl = erfcx(u) and w + wl = u^2 exactly; w >= 0.
 * Relative error below 2^-56.  exp(-(w + wl)) / 2^k, to 2^-60, is
 * *out_e + *out_el. */
EM_INLINE double
em_tail_times(double gh,
              double gl,
              double w,
              double wl,
              double *out_lo,
              int64_t *out_k,
              double *out_e,
              double *out_el)
{
    double el, eh, pl, ph;

    eh = em_exp_pair(w > -EM_EXP_LO ? EM_EXP_LO : -w, -wl, 1, &el, out_k);
    ph = em_two_prod(eh, gh, &pl);
    *out_lo = pl + eh * gl + el * (gh + gl);
    *out_e = eh;
    *out_el = el;
    return ph;
}

/* c * T and c * (2 - T) for T = 2^k (hi + lo), c a power of two: the
 * upper and the lower tail's values, rounded once (subnormals but
 * twice). */
EM_INLINE double
em_tail_value(double hi, double lo, int64_t k, double c, int lower)
{
    double up = em_scale(c * (hi + lo), k);
    double th = em_scale(c * hi, k), tl = em_scale(c * lo, k), b, a = em_two_sum(2.0 * c, -th, &b);

    return lower ? a + (b - tl) : up;
}

/* erfc(x), within 1 ulp (equation (E9)). */
EM_INLINE double
em_erfc(double x)
{
    double u = x < 0.0 ? -x : x, w, wl, lo, hi, e, el, gh, gl;
    int64_t k;

    u = u > 28.0 ? 28.0 : u; /* erfc(28) < 2^-1075: 0 above, 2 below -28 */
    w = em_two_sqr(u, &wl);
    gh = em_erfcx(u, 0.0, &gl);
    hi = em_tail_times(gh, gl, w, wl, &lo, &k, &e, &el);
    return em_canon(em_tail_value(hi, lo, k, 1.0, x < 0.0));
}

/* The normal tail's argument: |z| / sqrt 2 as a pair, returned hi and
 * *out_ul lo, and z^2 / 2 exactly as *out_w + *out_wl, with |z| capped at
 * 40 (Q(40) < 2^-1075). */
EM_INLINE double
em_normal_tail_arg(double z, double *out_ul, double *out_w, double *out_wl)
{
    double a = z < 0.0 ? -z : z, uh, w, wl;

    a = a > 40.0 ? 40.0 : a;
    uh = em_div_sqrt2(a, out_ul);
    w = em_two_sqr(a, &wl);
    *out_w = 0.5 * w;
    *out_wl = 0.5 * wl;
    return uh;
}

/* Q(z) and phi(z) (em_normal_tail) from em_normal_tail_arg's pieces and
 * erfcx's row at uh (em_erfcx_row, em_erfcx_at). */
EM_INLINE double
em_normal_tail_at(double z,
                  double uh,
                  double ul,
                  double w,
                  double wl,
                  double h,
                  const double *c,
                  uint64_t off,
                  uint64_t stride,
                  double *out_pdf,
                  int smaller)
{
    double lo, hi, e, el, ph, pl, gl, gh = em_erfcx_at(uh, ul, h, c, off, stride, &gl);
    int64_t k;

    hi = em_tail_times(gh, gl, w, wl, &lo, &k, &e, &el);
    /* e / sqrt(2 pi) as a pair, rounded once */
    ph = em_two_prod(e, EMATH_INV_SQRT2PI_HI, &pl);
    *out_pdf =
        em_canon(em_scale(ph + (pl + (e * EMATH_INV_SQRT2PI_LO + el * EMATH_INV_SQRT2PI_HI)), k));
    if (smaller)
        return em_canon(em_scale(0.5 * (hi + lo), k));
    return em_canon(em_tail_value(hi, lo, k, 0.5, z < 0.0));
}

/* Q(z) = 1 - Phi(z), the standard normal's upper tail, within 1 ulp
 * (equation (E10)): erfc(z / sqrt 2) / 2 with z^2 / 2 exact and z / sqrt 2
 * as a pair, so that no rounding of the argument reaches the result; or,
 * with smaller (a constant the compiler folds), the smaller tail
 * min(Phi(z), Q(z)) = Q(|z|), which skips the complement.  *out_pdf gets
 * the density phi(z) = exp(-z^2 / 2) / sqrt(2 pi), within 1 ulp, from the
 * same exp. */
EM_INLINE double
em_normal_tail(double z, double *out_pdf, int smaller)
{
    double ul, w, wl, h, uh = em_normal_tail_arg(z, &ul, &w, &wl);
    uint64_t i = em_erfcx_row(uh, &h);

    return em_normal_tail_at(z, uh, ul, w, wl, h, att_emath_erfcx_tab, i, 1, out_pdf, smaller);
}

EM_INLINE double
em_normal_q(double z)
{
    double pdf;

    return em_normal_tail(z, &pdf, 0);
}

/* The smaller tail Q(|z|) with phi(z) into *out_pdf (the one-sided
 * windows' pair, vmath.c). */
EM_INLINE double
em_normal_small_tail_pdf(double z, double *out_pdf)
{
    return em_normal_tail(z, out_pdf, 1);
}

/* ---- log Q (equation (E11)) ------------------------------------------------------ */

/* Beyond this u = z / sqrt 2 the erfcx table ends; erfcx(u) u sqrt(pi) is
 * then its asymptotic series in s = 1 / (2 u^2) <= 1/2048, whose terms
 * after s^8 are below 2^-80 (Abramowitz and Stegun 7.1.23), which only
 * att_log_normal_q takes (emath.c). */
#define EM_LOG_Q_TABLE_END 32.0

#define EM_SQRT_2_PI 0x1.9884533d43651p-1 /* sqrt(2 / pi) */

/* For z < 0, from gh + gl = erfcx(u) at u = |z| / sqrt 2 and w + wl =
 * z^2 / 2 (em_normal_tail_arg's): Q(|z|) as a pair (returned hi, *out_ql
 * lo), whose log1p of the negative is log Q(z), and phi(z) / Q(z), the
 * inverse Mills ratio, into *out_mills: phi(z) / (1 - Q(|z|)), numerator
 * and denominator as pairs and one division with its remainder, so that
 * it is rounded once. */
EM_INLINE double
em_log_q_lower(double gh, double gl, double w, double wl, double *out_ql, double *out_mills)
{
    double hi, lo, qh, ql, e, el, ph, pl, dh, dl, m, mh;
    int64_t k;

    hi = em_tail_times(gh, gl, w, wl, &lo, &k, &e, &el);
    hi = em_fast_two_sum(hi, lo, &lo);
    qh = em_scale(0.5 * hi, k);
    ql = em_scale(0.5 * lo, k);
    ph = em_two_prod(e, EMATH_INV_SQRT2PI_HI, &pl);
    pl += e * EMATH_INV_SQRT2PI_LO + el * EMATH_INV_SQRT2PI_HI;
    ph = em_fast_two_sum(em_scale(ph, k), em_scale(pl, k), &pl);
    dh = em_two_sum(1.0, -qh, &dl);
    dl -= ql;
    m = ph / dh;
    mh = em_two_prod(m, dh, &e);
    *out_mills = m + (((ph - mh) - e) + pl - m * dl) / dh;
    *out_ql = ql;
    return qh;
}

/* log Q(z) = -z^2 / 2 + log erfcx(z / sqrt 2) - log 2 as a pair, from
 * z^2 / 2 = w + wl and log erfcx = lh + ll. */
EM_INLINE double
em_log_q_end(double w, double wl, double lh, double ll, double *out_lo)
{
    double s1, t1, s2, t2;

    s1 = em_two_sum(-w, lh, &t1);
    s2 = em_two_sum(s1, -EMATH_LN2_DD_HI, &t2);
    return em_fast_two_sum(s2, t2 + (t1 + ((ll - wl) - EMATH_LN2_DD_LO)), out_lo);
}

/* For z >= 0 within erfcx's table, from gh + gl = erfcx(z / sqrt 2) and
 * w + wl = z^2 / 2: log Q(z) as a pair, and the inverse Mills ratio
 * sqrt(2 / pi) / erfcx into *out_mills (log phi - log Q would cancel). */
EM_INLINE double
em_log_q_upper(double gh, double gl, double w, double wl, double *out_lo, double *out_mills)
{
    double lh, ll;

    lh = em_log_core(gh, gl / gh, &ll);
    *out_mills = EM_SQRT_2_PI / (gh + gl);
    return em_log_q_end(w, wl, lh, ll, out_lo);
}

/* c ? a : b through the bits, so that both a and b are computed in every
 * lane: a plain selection lets the compiler move the work of the side not
 * taken under a branch, whose table reads it then cannot vectorise. */
EM_INLINE double
em_pick(int c, double a, double b)
{
    uint64_t m = (uint64_t)0 - (uint64_t)(c != 0);

    return em_double((em_bits(a) & m) | (em_bits(b) & ~m));
}

/* em_log1p_core with a selection in place of its branch (the same
 * operations on the side taken, hence the same bits), for the arrays. */
EM_INLINE double
em_log1p_core_sel(double x, double xl, double *out_lo)
{
    double e, u, sl, ll, sh, lh;
    const int series = (x > -EM_LOG1P_SERIES) & (x < EM_LOG1P_SERIES);

    sh = em_fast_two_sum(x, xl + x * x * (-0.5 + x * (1.0 / 3.0 + x * (-0.25))), &sl);
    u = em_two_sum(1.0, x, &e);
    lh = em_log_core(u, (e + xl) / u, &ll);
    *out_lo = em_pick(series, sl, ll);
    return em_pick(series, sh, lh);
}

/* log1p(x), as att_log1p gives it, without a branch, for the arrays
 * (vmath.c): -inf at -1, NaN below it or at NaN, +inf at +inf. */
EM_INLINE double
em_log1p(double x)
{
    const int ok = (x > -1.0) & (x <= 0x1.fffffffffffffp1023);
    double lo, r = em_log1p_core_sel(ok ? x : 0.0, 0.0, &lo);
    double special = x == -1.0 ? -HUGE_VAL : x != x ? x + x : x > 0.0 ? x : EM_NAN;

    (void)lo;
    return em_pick(ok, r, special);
}

/* Beyond these, e^x - 1 rounds to e^x (e^40 > 2^57) or to -1 (e^-40 <
 * 2^-54). */
#define EM_EXPM1_BIG 40.0

/* e^x - 1 for |x| <= EM_EXPM1_BIG: 2^k T (1 + p) - 1 with p = r + q
 * (equation (E4)); T r exactly, so that no digit is lost where the result
 * is small.  att_expm1's and em_expm1's. */
EM_INLINE double
em_expm1_core(double x)
{
    double q, r, th, tl, ph, pl, rest, a, b, s1, t1, s2, t2, sc;
    uint64_t j;
    int64_t k;

    r = em_exp_reduce(x, 0.0, 1, &q, &j, &k);
    th = att_emath_exp_tab[2 * j];
    tl = att_emath_exp_tab[2 * j + 1];
    ph = em_two_prod(th, r, &pl);
    rest = pl + th * q + tl * (1.0 + (r + q));
    sc = em_pow2(k); /* |k| <= 58 */
    a = sc * th;
    b = sc * ph;
    s1 = em_two_sum(a, -1.0, &t1);
    s2 = em_two_sum(s1, b, &t2);
    return s2 + (t2 + (t1 + sc * rest));
}

/* e^x - 1, as att_expm1 gives it, without a branch, for the arrays
 * (vmath.c): NaN at NaN, e^x beyond EM_EXPM1_BIG, -1 below its negative. */
EM_INLINE double
em_expm1(double x)
{
    const int ok = (x >= -EM_EXPM1_BIG) & (x <= EM_EXPM1_BIG);
    double r = em_expm1_core(ok ? x : 0.0), e = em_exp(x); /* e in every lane: see em_pick */
    double special = x != x ? x + x : x > 0.0 ? e : -1.0;

    return em_pick(ok, r, special);
}

#endif /* ATTRITION_EMATH_KERNEL_H */
