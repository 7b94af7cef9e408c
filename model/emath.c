/* emath.c -- elementary and Gaussian functions from IEEE-754 basic
 * operations (emath.h).
 *
 * Contents: exp and log (the kernels of emath_kernel.h, which the array
 * forms of vmath.c share); log1p, expm1 and pow on their pairs; erfc and
 * the normal tail Q and its log; the normal quantile.  docs/model.md,
 * section 10, equations (E1)-(E12).
 *
 * References: Tang (1989, 1990) for exp and log; W. Kahan's expm1 and
 * log1p in pairs (Higham, "Accuracy and Stability of Numerical
 * Algorithms", 2nd ed., 2002, section 1.14.1); Abramowitz and Stegun
 * (1964), 7.1.23 (erfc's asymptotic series), 26.2.23 (the quantile's
 * starting point). */
#include "emath.h"

#include <float.h>
#include <math.h>

#include "emath_kernel.h"

/* The kernels count on every operation being rounded to double once:
 * x87 code (FLT_EVAL_METHOD 2) would round twice and give other bits. */
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD != 0 /* C99 float.h always defines it */
#error "attrition needs double operations evaluated in double (FLT_EVAL_METHOD == 0)"
#endif

double
att_exp(double x)
{
    return em_exp(x);
}

double
att_log(double x)
{
    return em_log(x);
}

double
att_log1p(double x)
{
    double lo;

    if (!(x > -1.0))
        return x == -1.0 ? -HUGE_VAL : x != x ? x + x : EM_NAN;
    if (x > DBL_MAX)
        return x;
    return em_log1p_core(x, 0.0, &lo);
}

double
att_expm1(double x)
{
    if (x != x)
        return x + x;
    if (x > EM_EXPM1_BIG)
        return em_exp(x);
    if (x < -EM_EXPM1_BIG)
        return -1.0;
    return em_expm1_core(x);
}

/* y is an integer; *odd says whether an odd one. */
static int
emath_integer(double y, int *odd)
{
    double h = 0.5 * y;

    if (floor(y) != y) /* also NaN and infinities (floor(inf) == inf: excluded below) */
        return 0;
    *odd = fabs(y) < 0x1p53 && floor(h) != h;
    return 1;
}

double
att_pow(double x, double y)
{
    double ax = fabs(x), lh, ll, zh, zl, lo, hi, sign = 1.0;
    int odd = 0, yint;
    int64_t k;

    /* C99 Annex F.9.4.4, in its order. */
    if (y == 0.0 || x == 1.0)
        return 1.0;
    if (x != x || y != y)
        return x + y;
    yint = fabs(y) <= DBL_MAX && emath_integer(y, &odd);
    if (fabs(y) > DBL_MAX) {
        if (ax == 1.0)
            return 1.0;
        return (ax < 1.0) == (y < 0.0) ? HUGE_VAL : 0.0;
    }
    if (x == 0.0)
        return y < 0.0 ? (odd ? 1.0 / x : HUGE_VAL) : (odd ? x : 0.0);
    if (ax > DBL_MAX) {
        if (x > 0.0)
            return y < 0.0 ? 0.0 : HUGE_VAL;
        return y < 0.0 ? (odd ? -0.0 : 0.0) : (odd ? -HUGE_VAL : HUGE_VAL);
    }
    if (x < 0.0) {
        if (!yint)
            return EM_NAN;
        sign = odd ? -1.0 : 1.0;
    }
    /* x^y = exp(y log|x|), log|x| as a pair (error below 2^-66 of it) and
     * y log|x| as a pair, so that the product's rounding does not reach
     * the result (equation (E7)). */
    lh = em_log_core(ax, 0.0, &ll);
    zh = em_two_prod(y, lh, &zl);
    zl += y * ll;
    if (zh > EM_EXP_HI)
        return sign * HUGE_VAL;
    if (zh < EM_EXP_LO)
        return sign * 0.0;
    hi = em_exp_pair(zh, zl, 1, &lo, &k);
    return sign * em_scale(hi + lo, k);
}

double
att_erfc(double x)
{
    return em_erfc(x);
}

double
att_normal_q(double z)
{
    return em_normal_q(z);
}

double
att_normal_q_pdf(double z, double *out_pdf)
{
    return em_normal_tail(z, out_pdf, 0);
}

double
att_normal_small_tail_pdf(double z, double *out_pdf)
{
    return em_normal_small_tail_pdf(z, out_pdf);
}

double
att_normal_p(double z)
{
    return em_normal_q(-z);
}

/* log Q(z) as a pair, for z not NaN, and phi(z) / Q(z), the inverse Mills
 * ratio, into *out_mills from the same pieces (emath_kernel.h): below 0
 * log(1 - Q(|z|)); above, from erfcx's table, or beyond it its
 * asymptotic series. */
static double
emath_log_q(double z, double *out_lo, double *out_mills)
{
    double a = fabs(z), uh, ul, w, wl, gh, gl, lh, ll;

    if (z < 0.0) {
        double qh, ql;
        uh = em_normal_tail_arg(a, &ul, &w, &wl);
        gh = em_erfcx(uh, ul, &gl);
        qh = em_log_q_lower(gh, gl, w, wl, &ql, out_mills);
        return em_log1p_core(-qh, -ql, out_lo);
    }
    if (a > 0x1p500) {
        *out_lo = 0.0;
        *out_mills = a;
        return -HUGE_VAL; /* -z^2 / 2 below -DBL_MAX */
    }
    uh = em_div_sqrt2(a, &ul);
    w = 0.5 * em_two_sqr(a, &wl);
    wl *= 0.5;
    if (uh < EM_LOG_Q_TABLE_END) {
        gh = em_erfcx(uh, ul, &gl);
        return em_log_q_upper(gh, gl, w, wl, out_lo, out_mills);
    }
    {
        double s = 0.5 / (uh * uh), hs, lu, lul;
        hs = -s *
             (1.0 -
              s * (3.0 - s * (15.0 -
                              s * (105.0 -
                                   s * (945.0 - s * (10395.0 - s * (135135.0 - s * 2027025.0)))))));
        lu = em_log_core(uh, ul / uh, &lul);
        /* log erfcx(u) = -log u - log sqrt(pi) + log(1 + hs) */
        lh = em_two_sum(-lu, -EMATH_LOG_SQRTPI_HI, &ll);
        ll += (-lul - EMATH_LOG_SQRTPI_LO) + att_log1p(hs);
        *out_mills = a / (1.0 + hs); /* sqrt(2) u / (1 + hs) */
    }
    return em_log_q_end(w, wl, lh, ll, out_lo);
}

double
att_log_normal_q(double z)
{
    double lo, mills;

    return z != z ? z + z : emath_log_q(z, &lo, &mills);
}

double
att_log_normal_q_mills(double z, double *out_mills)
{
    double lo;

    if (z != z)
        return *out_mills = z + z;
    return emath_log_q(z, &lo, out_mills);
}

/* ---- the quantile (equation (E12)) ----------------------------------------------- */

/* Phi(y) - 1/2 for |y| <= 0.675 with a relative error below 2^-55: y /
 * sqrt(2 pi) times sum_n (-y^2/2)^n / (n! (2n + 1)) (Abramowitz and
 * Stegun 26.2.10), the sum's terms beyond w^13 below 2^-64. */
static double
emath_central(double y)
{
    double w = 0.5 * y * y, s, ch, cl, ph, pl;

    s = w * (-1.0 / 3.0 +
             w * (1.0 / 10.0 +
                  w * (-1.0 / 42.0 +
                       w * (1.0 / 216.0 +
                            w * (-1.0 / 1320.0 +
                                 w * (1.0 / 9360.0 +
                                      w * (-1.0 / 75600.0 +
                                           w * (1.0 / 685440.0 +
                                                w * (-1.0 / 6894720.0 +
                                                     w * (1.0 / 76204800.0 +
                                                          w * (-1.0 / 918086400.0 +
                                                               w * (1.0 / 11975040000.0 -
                                                                    w / 168129561600.0))))))))))));
    /* (y / sqrt(2 pi)) (1 + s), the product y c as a pair. */
    ch = em_two_prod(y, EMATH_INV_SQRT2PI_HI, &cl);
    cl += y * EMATH_INV_SQRT2PI_LO;
    ph = ch;
    pl = cl + (ch + cl) * s;
    return ph + pl;
}

/* Newton steps stop below this relative size; a step is at most this
 * many, from starting points good to 5e-4 (quadratic convergence needs 4). */
#define EMATH_NEWTON_TOL 0x1p-56
#define EMATH_NEWTON_MAX 8

double
att_normal_quantile(double p)
{
    double q, y, step;
    int it, lower;

    if (!(p >= 0.0 && p <= 1.0))
        return p + EM_NAN;
    if (p == 0.0)
        return -HUGE_VAL;
    if (p == 1.0)
        return HUGE_VAL;
    lower = p < 0.5;
    q = lower ? p : 1.0 - p; /* exact for p >= 1/2 */
    if (q > 0.25) {
        /* Central: Phi(y) - 1/2 = 1/2 - q (exact), by Newton on the series. */
        double d = 0.5 - q;
        y = d * 0x1.40d931ff62705p+1; /* sqrt(2 pi): the first-order inverse */
        for (it = 0; it < EMATH_NEWTON_MAX; it++) {
            step = (emath_central(y) - d) / (em_exp(-0.5 * y * y) * EMATH_INV_SQRT2PI_HI);
            y -= step;
            if (fabs(step) <= EMATH_NEWTON_TOL * fabs(y))
                break;
        }
    } else {
        /* Tail: log Q(y) = log q by Newton on the log scale, from
         * Abramowitz and Stegun 26.2.23 (error below 4.5e-4). */
        double lql, lq = em_log_core(q, 0.0, &lql), t = sqrt(-2.0 * lq);
        y = t - (2.515517 + t * (0.802853 + t * 0.010328)) /
                    (1.0 + t * (1.432788 + t * (0.189269 + t * 0.001308)));
        for (it = 0; it < EMATH_NEWTON_MAX; it++) {
            /* The difference of the two logs as pairs: near the root it
             * keeps digits that log Q(y) - log q in doubles would lose. */
            double lyl, mills, ly = emath_log_q(y, &lyl, &mills);
            step = ((ly - lq) + (lyl - lql)) / mills;
            y += step;
            if (fabs(step) <= EMATH_NEWTON_TOL * y)
                break;
        }
    }
    return lower ? -y : y;
}
