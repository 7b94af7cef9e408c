/* normal.c -- standard normal log-CDFs that neither underflow nor cancel.
 *
 * log Phi(z) for z < 0 is log erfc(-z/sqrt 2) - log 2 (gsl_sf_log_erfc is
 * accurate far into the tail, where Phi itself underflows); for z >= 0 it
 * is log1p(-Q(z)), which keeps its relative accuracy where Phi(z) rounds
 * to 1.  Differences Phi(b) - Phi(a) are taken in the tail both bounds are
 * in, from the complements when that is the upper tail (MODEL.md).
 */
#include "normal.h"

#include <math.h>

#include <gsl/gsl_math.h>
#include <gsl/gsl_sf_erf.h>

#define NORMAL_LOG_SQRT_2PI 0.91893853320467274178032973640562 /* log sqrt(2 pi) */

/* Below this z, erfc(-z / sqrt 2) nears the bottom of the double range;
 * there gsl_sf_log_erfc takes over from glibc's (faster) erfc. */
#define NORMAL_ERFC_FLOOR (-37.0)

double
att_log_ndtr(double z)
{
    if (z < NORMAL_ERFC_FLOOR)
        return gsl_sf_log_erfc(-z * M_SQRT1_2) - M_LN2;
    if (z < 0.0)
        return log(0.5 * erfc(-z * M_SQRT1_2));
    return log1p(-0.5 * erfc(z * M_SQRT1_2));
}

double
att_log_ndtr_upper(double z)
{
    return att_log_ndtr(-z);
}

/* Beyond this x the inverse Mills ratio phi(x) / Q(x) comes from its
 * asymptotic series: there log phi - log Q would cancel to nothing. */
#define NORMAL_MILLS_SERIES 37.0

/* phi(x) / Q(x), the inverse Mills ratio, for any x, given log_q =
 * log Q(x) (callers that have it already save an erfc and a log). */
static double
normal_mills_inv_q(double x, double log_q)
{
    if (x > NORMAL_MILLS_SERIES) {
        /* Q(x) / phi(x) = (1/x)(1 - 1/x^2 + 3/x^4 - 15/x^6 + 105/x^8 - 945/x^10
         * + 10395/x^12 - ...) (Abramowitz & Stegun 26.2.12); at x > 37 the
         * terms kept leave an error below 1e-16. */
        double u = 1.0 / (x * x);
        double r =
            1.0 - u * (1.0 - u * (3.0 - u * (15.0 - u * (105.0 - u * (945.0 - u * 10395.0)))));
        return x / r;
    }
    return exp(-0.5 * x * x - NORMAL_LOG_SQRT_2PI - log_q);
}

static double
normal_mills_inv(double x)
{
    return normal_mills_inv_q(x, x > NORMAL_MILLS_SERIES ? 0.0 : att_log_ndtr_upper(x));
}

double
att_dlog_ndtr(double z)
{
    return normal_mills_inv(-z);
}

double
att_log_ndtr_d(double z, double *out_d)
{
    double r = att_log_ndtr(z);

    *out_d = normal_mills_inv_q(-z, r);
    return r;
}


double
att_log1mexp(double x)
{
    /* Maechler (2012), "Accurately computing log(1 - exp(-|a|))". */
    return x > -M_LN2 ? log(-expm1(x)) : log1p(-exp(x));
}

/* Below this width (in z units) the difference of two CDFs cancels badly;
 * the midpoint rule with its first correction is then exact to O(w^4). */
#define NORMAL_NARROW 1e-3

double
att_log_ndtr_diff(double a, double b, double *out_da, double *out_db)
{
    double r, w = b - a;

    if (w < NORMAL_NARROW) {
        /* Phi(b) - Phi(a) = phi(m) w (1 + (m^2 - 1) w^2 / 24 + O(w^4)); the
         * derivatives phi(a) / D and phi(b) / D take (m^2 - a^2) as
         * (m - a)(m + a), which does not cancel when m is huge. */
        double m = 0.5 * (a + b), corr = log1p((m * m - 1.0) * w * w / 24.0);
        r = -0.5 * m * m - NORMAL_LOG_SQRT_2PI + log(w) + corr;
        *out_da = -exp(0.5 * (m - a) * (m + a) - log(w) - corr);
        *out_db = exp(0.5 * (m - b) * (m + b) - log(w) - corr);
    } else if (a >= 0.0) {
        /* Both in the upper tail: D = Q(a) - Q(b).  phi(a) / D is
         * (phi(a) / Q(a)) / (1 - Q(b) / Q(a)), and likewise for b. */
        double qa = att_log_ndtr_upper(a), qb = att_log_ndtr_upper(b);
        r = qa + att_log1mexp(qb - qa);
        *out_da = -normal_mills_inv_q(a, qa) / -expm1(qb - qa);
        *out_db = normal_mills_inv_q(b, qb) / expm1(qa - qb);
    } else if (b <= 0.0) {
        /* Both in the lower tail: D = Phi(b) - Phi(a), mirrored. */
        double pa = att_log_ndtr(a), pb = att_log_ndtr(b);
        r = pb + att_log1mexp(pa - pb);
        *out_da = -normal_mills_inv_q(-a, pa) / expm1(pb - pa);
        *out_db = normal_mills_inv_q(-b, pb) / -expm1(pa - pb);
    } else {
        /* Straddling 0: 1 - Phi(a) - Q(b), each term at most 1/2. */
        r = log1p(-exp(att_log_ndtr(a)) - exp(att_log_ndtr_upper(b)));
        *out_da = -exp(-0.5 * a * a - NORMAL_LOG_SQRT_2PI - r);
        *out_db = exp(-0.5 * b * b - NORMAL_LOG_SQRT_2PI - r);
    }
    return r;
}
