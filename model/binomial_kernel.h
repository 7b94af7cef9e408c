/* binomial_kernel.h -- BTRS's arithmetic, without branches, for one draw
 * (binomial.c) and for many in vector lanes (binomial_many.c): both
 * inline the same operations, so a lane gives the bits of the scalar draw
 * (private).
 *
 * W. Hormann, "The generation of binomial random variates", J. Statist.
 * Comput. Simul. 46 (1993) 101-110, algorithm BTRS, with its table of
 * Stirling corrections; for n p >= 10 and p <= 1/2. */
#ifndef ATTRITION_BINOMIAL_KERNEL_H
#define ATTRITION_BINOMIAL_KERNEL_H

#include <math.h>

#include "emath_kernel.h"

/* floor(x) for |x| < 2^51, by rounding through 1.5 2^52: roundsd is not
 * in SSE2, and floor() would be a call in that path's loops.  Every count
 * BTRS floors is below 2^46 in magnitude for n < 2^32 (the try's u is at
 * least 2^-33 from +-1/2). */
EM_INLINE double
btrs_floor(double x)
{
    double r = (x + 0x1.8p52) - 0x1.8p52;

    return r > x ? r - 1.0 : r;
}

/* Below this mean, inversion is cheaper than BTRS (and BTRS's hat is
 * valid only above it: Hormann requires n p >= 10). */
#define BTRS_MIN_MEAN 10.0

/* BTRS's constants for n (as a double) and p. */
typedef struct {
    double n, p, b, a, c, vr, r, alpha, m;
} btrs_consts;

EM_INLINE btrs_consts
btrs_setup(double nd, double p)
{
    btrs_consts k;
    double spq = sqrt(nd * p * (1.0 - p));

    k.n = nd;
    k.p = p;
    k.b = 1.15 + 2.53 * spq;
    k.a = -0.0873 + 0.0248 * k.b + 0.01 * p;
    k.c = nd * p + 0.5;
    k.vr = 0.92 - 4.2 / k.b;
    k.r = p / (1.0 - p);
    k.alpha = (2.83 + 5.1 / k.b) * spq;
    k.m = btrs_floor((nd + 1.0) * p);
    return k;
}

/* A try's count before the support check, from u in (-1/2, 1/2) and
 * us = 1/2 - |u|. */
EM_INLINE double
btrs_count(const btrs_consts *k, double u, double us)
{
    return btrs_floor((2.0 * k->a / us + k->b) * u + k->c);
}

/* log k! - [(k + 1/2) log(k + 1) - (k + 1) + log(2 pi)/2] for k < 10. */
static const double btrs_stirling_tab[10] = {
    0.0810614667953272,  0.0413406959554092, 0.0276779256849983, 0.02079067210376509,
    0.0166446911898211,  0.0138761288230707, 0.0118967099458917, 0.0104112652619720,
    0.00925546218271273, 0.00833056343336287};

/* The error of Stirling's formula at k + 1, log k! - [(k + 1/2) log(k + 1)
 * - (k + 1) + log(2 pi)/2], from the table below 10 and by its series
 * above; k >= 0 a whole number.  Both are computed and one is kept, so
 * that lanes do not branch. */
EM_INLINE double
btrs_stirling_tail(double k)
{
    const int small = k <= 9.0;
    double kp1sq = (k + 1.0) * (k + 1.0);
    double series = (1.0 / 12.0 - (1.0 / 360.0 - 1.0 / 1260.0 / kp1sq) / kp1sq) / (k + 1.0);
    double exact = btrs_stirling_tab[9];
    int i;

    /* the table's entry by selections, not an index: GCC does not
     * vectorise the gather here */
    for (i = 8; i >= 0; i--)
        exact = k <= i ? btrs_stirling_tab[i] : exact;
    return small ? exact : series;
}

/* The arguments of the four logarithms that decide a try outside the
 * squeeze, count x on the support (BTRS's steps 3.1-3.3): apart from the
 * rest, so that many lanes take them in one call of att_vlog (GCC does not
 * vectorise em_log inlined among this much arithmetic). */
#define BTRS_NLOG 4

EM_INLINE void
btrs_log_args(const btrs_consts *k, double x, double us, double v, double *arg)
{
    arg[0] = v * k->alpha / (k->a / (us * us) + k->b);
    arg[1] = (k->m + 1.0) / (k->r * (k->n - k->m + 1.0));
    arg[2] = (k->n - k->m + 1.0) / (k->n - x + 1.0);
    arg[3] = k->r * (k->n - x + 1.0) / (x + 1.0);
}

/* Whether that try is accepted, from the logarithms of its arguments; n
 * and m: btrs_consts's. */
EM_INLINE int
btrs_accept(double n, double m, double x, const double *lg)
{
    double lm = (m + 0.5) * lg[1] + btrs_stirling_tail(m) + btrs_stirling_tail(n - m);

    return lg[0] <= lm + (n + 1.0) * lg[2] + (x + 0.5) * lg[3] - btrs_stirling_tail(x) -
                        btrs_stirling_tail(n - x);
}

/* ---- an early verdict of the acceptance test ------------------------------------- */

/* log(x) for a normal x > 0 within 1.5e-9 |log x|: x = 2^k (1 + t) with
 * 1 + t in [3/4, 3/2) (as em_log_core splits it) and log(1 + t) = t q(t),
 * q a polynomial of degree 10 fitted to log1p(t) / t (measured within
 * 8.7e-10 t, evaluated in doubles).  No table and no division: for the
 * early verdict below, which never gives a bit of its own to a count. */
EM_INLINE double
btrs_rough_log(double x)
{
    static const double c[11] = {
        0x1.fffffffcc8564p-1, -0x1.fffffed34e8dbp-2, 0x1.55555fd7f6761p-2, -0x1.0000cd7b4652ep-2,
        0x1.9995ecfe6b309p-3, -0x1.550637128a8c7p-3, 0x1.246820a0adb9bp-3, -0x1.0571fff5840edp-3,
        0x1.e0694f349f448p-4, -0x1.70d406b211bbfp-4, 0x1.29452c5edbd49p-5};
    int64_t k;
    double t = em_log_split(x, &k) - 1.0, q = c[10];
    int i;

    for (i = 9; i >= 0; i--)
        q = q * t + c[i];
    return em_int_double(k) * EMATH_LN2_DD_HI + t * q;
}

/* The Stirling tail of btrs_stirling_tail for k >= 0, its series cut to
 * 1 / (12 (k + 1)) above 9: within 1 / (360 (k + 1)^3) <= 2.1e-6 of it. */
EM_INLINE double
btrs_rough_tail(double k)
{
    double r = 1.0 / (12.0 * (k + 1.0));
    int i;

    for (i = 9; i >= 0; i--)
        r = k <= i ? btrs_stirling_tab[i] : r;
    return r;
}

/* The acceptance test of a try outside the squeeze (count x on the
 * support) decided without em_log where that is safe: 1 the try is
 * accepted, -1 rejected, 0 undecided (then btrs_log_args, att_log and
 * btrs_accept decide).  It takes btrs_accept's sum from the same
 * arguments (btrs_log_args: the same bits) through btrs_rough_log, and
 * the four Stirling tails as btrs_rough_tail's (those of m and n - m, both
 * at least 10 for n p >= 10 and p <= 1/2, as one fraction).  Each
 * logarithm is then within (1.5e-9 + 2^-52) of its size of em_log's, the
 * products and sums differ from btrs_accept's by their roundings (a few
 * 2^-53 of the terms' sizes), and each tail is within 2.1e-6 of
 * btrs_stirling_tail's: this sum less the left side, D, is within 2^-24
 * of the terms' sizes (a margin of 40) plus 10^-5 (the four tails, 8.4e-6
 * at most) of btrs_accept's.  Beyond that distance from 0 the two agree,
 * so the verdict is btrs_accept's however it was reached; test_binomial
 * checks it at tries placed within ulps of the boundary.  The margin
 * grows with n: about 1 try in 10,000 is left undecided up to n = 10^4,
 * 1 in 1,000 at 10^6, and 1 to 5 in 100 at n near 2^32. */
EM_INLINE double
btrs_early(const btrs_consts *k, double x, double us, double v)
{
    const double n = k->n, m = k->m;
    double a[BTRS_NLOG], lg[BTRS_NLOG], t1, t2, t3, d, e, r;
    int i;

    btrs_log_args(k, x, us, v, a);
    for (i = 0; i < BTRS_NLOG; i++)
        lg[i] = btrs_rough_log(a[i]);
    t1 = (m + 0.5) * lg[1];
    t2 = (n + 1.0) * lg[2];
    t3 = (x + 0.5) * lg[3];
    d = t1 + (n + 2.0) / (12.0 * (m + 1.0) * (n - m + 1.0)) + t2 + t3 - btrs_rough_tail(x) -
        btrs_rough_tail(n - x) - lg[0];
    e = 0x1p-24 * (fabs(lg[0]) + fabs(t1) + fabs(t2) + fabs(t3) + 1.0) + 1e-5;
    r = d > e ? 1.0 : 0.0;
    return d < -e ? -1.0 : r;
}

#endif /* ATTRITION_BINOMIAL_KERNEL_H */
