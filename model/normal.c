/* normal.c -- standard normal log-CDFs that neither underflow nor cancel.
 *
 * log Phi(z) is log Q(-z) from emath.c, accurate far into either tail:
 * where Phi itself underflows (about -z^2 / 2), and where it rounds to 1
 * (log1p of -Q).  Differences Phi(b) - Phi(a) are taken in the tail both
 * bounds are in, from the complements when that is the upper tail
 * (docs/model.md, section 2.3).
 */
#include "normal.h"

#include <math.h>

#include <gsl/gsl_math.h>

#include "emath.h"

#define NORMAL_LOG_SQRT_2PI 0.91893853320467274178032973640562 /* log sqrt(2 pi) */

double
att_log_ndtr(double z)
{
    return att_log_normal_q(-z);
}

double
att_log_ndtr_upper(double z)
{
    return att_log_ndtr(-z);
}

double
att_dlog_ndtr(double z)
{
    double d;

    (void)att_log_normal_q_mills(-z, &d);
    return d;
}

double
att_log_ndtr_d(double z, double *out_d)
{
    return att_log_normal_q_mills(-z, out_d);
}

double
att_log1mexp(double x)
{
    /* Maechler (2012), "Accurately computing log(1 - exp(-|a|))". */
    return x > -M_LN2 ? att_log(-att_expm1(x)) : att_log1p(-att_exp(x));
}

/* Below this width (in z units) the difference of two CDFs cancels badly;
 * the midpoint rule with its first correction is then exact to O(w^4). */
#define NORMAL_NARROW 1e-3

/* The log of phi(z) / D, D = exp(r): a straddling difference's
 * derivative, up to its sign. */
static double
normal_straddle_arg(double z, double r)
{
    return -0.5 * z * z - NORMAL_LOG_SQRT_2PI - r;
}

double
att_log_ndtr_diff(double a, double b, double *out_da, double *out_db)
{
    double r, w = b - a;

    if (w < NORMAL_NARROW) {
        /* Phi(b) - Phi(a) = phi(m) w (1 + (m^2 - 1) w^2 / 24 + O(w^4)); the
         * derivatives phi(a) / D and phi(b) / D take (m^2 - a^2) as
         * (m - a)(m + a), which does not cancel when m is huge. */
        double m = 0.5 * (a + b), corr = att_log1p((m * m - 1.0) * w * w / 24.0);
        r = -0.5 * m * m - NORMAL_LOG_SQRT_2PI + att_log(w) + corr;
        *out_da = -att_exp(0.5 * (m - a) * (m + a) - att_log(w) - corr);
        *out_db = att_exp(0.5 * (m - b) * (m + b) - att_log(w) - corr);
    } else if (a >= 0.0) {
        /* Both in the upper tail: D = Q(a) - Q(b).  phi(a) / D is
         * (phi(a) / Q(a)) / (1 - Q(b) / Q(a)), and likewise for b. */
        double ma, mb, qa = att_log_normal_q_mills(a, &ma), qb = att_log_normal_q_mills(b, &mb);
        r = qa + att_log1mexp(qb - qa);
        *out_da = -ma / -att_expm1(qb - qa);
        *out_db = mb / att_expm1(qa - qb);
    } else if (b <= 0.0) {
        /* Both in the lower tail: D = Phi(b) - Phi(a), mirrored. */
        double ma, mb, pa = att_log_normal_q_mills(-a, &ma), pb = att_log_normal_q_mills(-b, &mb);
        r = pb + att_log1mexp(pa - pb);
        *out_da = -ma / att_expm1(pb - pa);
        *out_db = mb / -att_expm1(pa - pb);
    } else {
        /* Straddling 0: 1 - Phi(a) - Q(b), each term at most 1/2. */
        r = att_log1p(-att_normal_p(a) - att_normal_q(b));
        *out_da = -att_exp(normal_straddle_arg(a, r));
        *out_db = att_exp(normal_straddle_arg(b, r));
    }
    return r;
}
