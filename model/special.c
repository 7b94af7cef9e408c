/* special.c -- log-gamma, log-beta, trigamma, the Beta CDF and quantile
 * (special.h).
 *
 * References: Abramowitz and Stegun (1964), 6.1.40 (Stirling's series of
 * log Gamma), 6.4.12 (trigamma's asymptotic series), 6.1.15 and 6.4.6
 * (their recurrences), 26.5.8 (the incomplete beta's continued fraction);
 * W. J. Lentz, Appl. Opt. 15 (1976) 668-671, with Thompson and Barnett's
 * modification (J. Comput. Phys. 64 (1986) 490-509), for evaluating it;
 * A. R. DiDonato and A. H. Morris, ACM TOMS 18(3) 360-373 (1992), for
 * the prefactor x^a (1 - x)^b / B(a, b) of large shapes. */
#include "special.h"

#include <float.h>
#include <math.h>

#include "emath.h"

/* Below this, log Gamma and trigamma climb by their recurrences first. */
#define SPECIAL_ASYMPTOTIC 20.0
#define SPECIAL_STIRLING   10.0 /* log Gamma's own threshold: less cancellation */

#define SPECIAL_HALF_LOG_2PI 0.91893853320467274178 /* log sqrt(2 pi) */

/* Stirling's correction log Gamma(x) - [(x - 1/2) log x - x + log sqrt(2 pi)]
 * for x >= 10: B_2k / (2k (2k - 1) x^(2k-1)), k = 1..8; the next term is
 * below 1e-18. */
static double
special_stirling(double x)
{
    double t = 1.0 / x, t2 = t * t;

    return t * (1.0 / 12.0 -
                t2 * (1.0 / 360.0 -
                      t2 * (1.0 / 1260.0 -
                            t2 * (1.0 / 1680.0 -
                                  t2 * (1.0 / 1188.0 -
                                        t2 * (691.0 / 360360.0 -
                                              t2 * (1.0 / 156.0 - t2 * 3617.0 / 122400.0)))))));
}

double
att_lgamma(double x)
{
    double prod = 1.0;

    if (!(x > 0.0))
        return x + (double)NAN;
    if (x > DBL_MAX)
        return x;
    /* log Gamma(x) = log Gamma(x + n) - log(x (x + 1) ... (x + n - 1)) */
    while (x < SPECIAL_STIRLING) {
        prod *= x;
        x += 1.0;
    }
    return (x - 0.5) * att_log(x) - x + SPECIAL_HALF_LOG_2PI + special_stirling(x) - att_log(prod);
}

double
att_lnbeta(double a, double b)
{
    double lo = a < b ? a : b, hi = a < b ? b : a, s;

    if (!(lo > 0.0))
        return a + b + (double)NAN;
    if (hi < SPECIAL_ASYMPTOTIC)
        return att_lgamma(a) + att_lgamma(b) - att_lgamma(a + b);
    if (lo < SPECIAL_ASYMPTOTIC)
        /* log Gamma(hi) - log Gamma(lo + hi) by Stirling for both, its
         * large terms cancelled by hand: -lo log hi - (lo + hi - 1/2)
         * log1p(lo / hi) + lo + the corrections. */
        return att_lgamma(lo) - lo * att_log(hi) - (lo + hi - 0.5) * att_log1p(lo / hi) + lo +
               special_stirling(hi) - special_stirling(lo + hi);
    /* Stirling for all three, the large terms gathered as
     * (a - 1/2) log(a / s) + (b - 1/2) log(b / s) - log(s) / 2, s = a + b. */
    s = a + b;
    /* log(a / s) = -log1p(b / a): a / s rounded near 1 would lose digits */
    return SPECIAL_HALF_LOG_2PI - (a - 0.5) * att_log1p(b / a) - (b - 0.5) * att_log1p(a / b) -
           0.5 * att_log(s) + special_stirling(a) + special_stirling(b) - special_stirling(s);
}

double
att_trigamma(double x)
{
    double sum = 0.0, t, t2;

    if (!(x > 0.0))
        return x + (double)NAN;
    if (x > DBL_MAX)
        return 0.0;
    /* psi_1(x) = psi_1(x + 1) + 1 / x^2 */
    while (x < SPECIAL_ASYMPTOTIC) {
        sum += 1.0 / (x * x);
        x += 1.0;
    }
    /* 1/x + 1/(2x^2) + sum_k B_2k / x^(2k+1), B_2..B_14 */
    t = 1.0 / x;
    t2 = t * t;
    return t +
           t2 * (0.5 +
                 t * (1.0 / 6.0 + t2 * (-1.0 / 30.0 +
                                        t2 * (1.0 / 42.0 +
                                              t2 * (-1.0 / 30.0 +
                                                    t2 * (5.0 / 66.0 + t2 * (-691.0 / 2730.0 +
                                                                             t2 * 7.0 / 6.0))))))) +
           sum;
}

/* log[x^a (1 - x)^b / B(a, b)] for 0 < x < 1.  With both shapes large
 * the terms of a log x + b log(1 - x) - log B(a, b) are each of size a +
 * b and nearly cancel; written around the mode x0 = a / (a + b) as
 * a log(x / x0) + b log((1 - x) / y0) + log(a b / (a + b)) / 2 - log
 * sqrt(2 pi) - the Stirling corrections, each term stays accurate. */
static double
special_beta_front(double x, double a, double b)
{
    double s, x0, y0;

    if (a < SPECIAL_ASYMPTOTIC || b < SPECIAL_ASYMPTOTIC)
        return a * att_log(x) + b * att_log1p(-x) - att_lnbeta(a, b);
    s = a + b;
    x0 = a / s;
    y0 = b / s;
    return a * att_log1p((x - x0) / x0) + b * att_log1p((x0 - x) / y0) +
           0.5 * att_log(a * (b / s)) - SPECIAL_HALF_LOG_2PI - special_stirling(a) -
           special_stirling(b) + special_stirling(s);
}

/* The continued fraction of A&S 26.5.8 by modified Lentz, to a relative
 * change below SPECIAL_CF_TOL; NaN without convergence. */
#define SPECIAL_CF_TOL  1e-16
#define SPECIAL_CF_MAX  100000
#define SPECIAL_CF_TINY 1e-300

static double
special_beta_cf(double x, double a, double b)
{
    double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0), f, delta, num;
    int m;

    d = fabs(d) < SPECIAL_CF_TINY ? SPECIAL_CF_TINY : d;
    d = 1.0 / d;
    f = d;
    for (m = 1; m <= SPECIAL_CF_MAX; m++) {
        double mm = (double)m, a2m = a + 2.0 * mm;
        int half;
        for (half = 0; half < 2; half++) {
            num = half == 0 ? mm * (b - mm) * x / ((a2m - 1.0) * a2m)
                            : -(a + mm) * (a + b + mm) * x / (a2m * (a2m + 1.0));
            d = 1.0 + num * d;
            d = fabs(d) < SPECIAL_CF_TINY ? SPECIAL_CF_TINY : d;
            c = 1.0 + num / c;
            c = fabs(c) < SPECIAL_CF_TINY ? SPECIAL_CF_TINY : c;
            d = 1.0 / d;
            delta = c * d;
            f *= delta;
        }
        if (fabs(delta - 1.0) < SPECIAL_CF_TOL)
            return f;
    }
    return (double)NAN;
}

double
att_beta_p(double x, double a, double b)
{
    if (!(a > 0.0 && b > 0.0 && a <= DBL_MAX && b <= DBL_MAX && x == x))
        return (double)NAN;
    if (x <= 0.0)
        return 0.0;
    if (x >= 1.0)
        return 1.0;
    /* The fraction converges fast below the mean-like point (a + 1) /
     * (a + b + 2); above it, by symmetry, from the other tail. */
    if (x < (a + 1.0) / (a + b + 2.0))
        return att_exp(special_beta_front(x, a, b)) * special_beta_cf(x, a, b) / a;
    return 1.0 - att_exp(special_beta_front(1.0 - x, b, a)) * special_beta_cf(1.0 - x, b, a) / b;
}

/* Bisection steps at most; 2^-52 is reached in 52 from [0, 1]. */
#define SPECIAL_BISECT_MAX 200

double
att_beta_pinv(double p, double a, double b)
{
    double lo = 0.0, hi = 1.0;
    int it;

    if (!(a > 0.0 && b > 0.0 && p >= 0.0 && p <= 1.0))
        return (double)NAN;
    for (it = 0; it < SPECIAL_BISECT_MAX && hi - lo > 0x1p-52 * hi; it++) {
        double mid = 0.5 * (lo + hi), f = att_beta_p(mid, a, b);
        if (f != f)
            return f; /* the caller says it did not converge */
        if (f < p)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}
