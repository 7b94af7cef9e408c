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

int
att_log_ndtr_diff_args(double a, double b, double *out_z)
{
    /* The branches of att_log_ndtr_diff_q, in its order. */
    if (b - a < NORMAL_NARROW)
        return ATT_NDTR_NARROW;
    if (a >= 0.0 || b <= 0.0) {
        out_z[0] = a >= 0.0 ? a : -a;
        out_z[1] = a >= 0.0 ? b : -b;
        return ATT_NDTR_TAIL;
    }
    out_z[0] = a;
    out_z[1] = b;
    return ATT_NDTR_STRADDLE;
}

/* The log of phi(z) / D, D = exp(r): a straddling difference's
 * derivative, up to its sign. */
static double
normal_straddle_arg(double z, double r)
{
    return -0.5 * z * z - NORMAL_LOG_SQRT_2PI - r;
}

void
att_vlog_ndtr_diff_straddle(att_simd s, size_t n, double *ab, double *r, double *tail, double *pdf)
{
    size_t i;

    /* Q(|a|) = Phi(a) and Q(b): att_normal_p(a)'s and att_normal_q(b)'s bits. */
    att_vnormal_small_tail_pdf(s, 2 * n, ab, tail, pdf);
    for (i = 0; i < n; i++)
        r[i] = -tail[2 * i] - tail[2 * i + 1];
    att_vlog1p(s, n, r, r);
    for (i = 0; i < 2 * n; i++)
        tail[i] = normal_straddle_arg(ab[i], r[i / 2]);
    att_vexp(s, 2 * n, tail, tail);
    for (i = 0; i < n; i++) {
        ab[2 * i] = -tail[2 * i];
        ab[2 * i + 1] = tail[2 * i + 1];
    }
}

double
att_log_ndtr_diff_q(
    double a, double b, const double *lq, const double *mills, double *out_da, double *out_db)
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
    } else if (lq != NULL) {
        r = lq[0]; /* over arrays: att_vlog_ndtr_diff_tail or _straddle */
        *out_da = mills[0];
        *out_db = mills[1];
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

void
att_vlog_ndtr_diff_tail(att_simd s,
                        size_t n,
                        const double *lq,
                        double *d,
                        const unsigned char *up,
                        double *r,
                        double *scratch)
{
    double *u = scratch, *e1 = scratch + n, *e2 = scratch + 2 * n, *lg = scratch + 3 * n;
    size_t i;

    /* u: the smaller tail's log less the larger's (qb - qa, or pa - pb
     * mirrored); the other difference written as the scalar code does. */
    for (i = 0; i < n; i++) {
        const double *q = lq + 2 * i;
        u[i] = up[i] ? q[1] - q[0] : q[0] - q[1];
        e2[i] = up[i] ? q[0] - q[1] : q[1] - q[0];
    }
    att_vexpm1(s, n, u, e1);
    att_vexpm1(s, n, e2, e2);
    /* att_log1mexp(u), both of its sides, one kept below */
    for (i = 0; i < n; i++)
        lg[i] = -e1[i];
    att_vlog(s, n, lg, lg);
    att_vexp(s, n, u, r);
    for (i = 0; i < n; i++)
        r[i] = -r[i];
    att_vlog1p(s, n, r, r);
    for (i = 0; i < n; i++) {
        const double *q = lq + 2 * i;
        double l = u[i] > -M_LN2 ? lg[i] : r[i], ma = d[2 * i], mb = d[2 * i + 1];
        r[i] = (up[i] ? q[0] : q[1]) + l;
        d[2 * i] = up[i] ? -ma / -e1[i] : -ma / e2[i];
        d[2 * i + 1] = up[i] ? mb / e2[i] : mb / -e1[i];
    }
}

double
att_log_ndtr_diff(double a, double b, double *out_da, double *out_db)
{
    return att_log_ndtr_diff_q(a, b, NULL, NULL, out_da, out_db);
}
