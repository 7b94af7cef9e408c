/* binomial.c -- Binomial variates: inversion for small means, Hormann's
 * BTRS for the rest (binomial.h).  The BTRS constants are the paper's
 * (Hormann 1993, algorithm BTRS, with the table of Stirling corrections). */
#include "binomial.h"

#include <math.h>
#include <stdbool.h>

#include "emath.h"

/* Below this mean, inversion is cheaper than BTRS (and BTRS's hat is
 * valid only above it: Hormann requires n p >= 10). */
#define BINOMIAL_INVERSION_MEAN 10.0

/* log k! - [(k + 1/2) log(k + 1) - (k + 1) + log(2 pi)/2]: the error of
 * Stirling's formula at k + 1, exact below 10 and by its series above. */
static double
stirling_tail(double k)
{
    static const double tab[10] = {0.0810614667953272,  0.0413406959554092, 0.0276779256849983,
                                   0.02079067210376509, 0.0166446911898211, 0.0138761288230707,
                                   0.0118967099458917,  0.0104112652619720, 0.00925546218271273,
                                   0.00833056343336287};
    double kp1sq;

    if (k <= 9.0)
        return tab[(int)k];
    kp1sq = (k + 1.0) * (k + 1.0);
    return (1.0 / 12.0 - (1.0 / 360.0 - 1.0 / 1260.0 / kp1sq) / kp1sq) / (k + 1.0);
}

/* Sequential search of the CDF from 0, pmf by recurrence; p <= 1/2,
 * l1p = log1p(-p). */
static uint32_t
binomial_inversion(att_stream *s, uint32_t n, double p, double l1p)
{
    double q = 1.0 - p, r = p / q, f = att_exp((double)n * l1p);
    double u = att_stream_uniform(s);
    uint32_t k = 0;

    while (u > f) {
        u -= f;
        if (k == n)
            return n; /* rounding left u above the whole CDF: the top */
        k++;
        f *= r * (double)(n - k + 1) / (double)k;
        if (f <= 0.0)
            return k; /* underflow far in the tail */
    }
    return k;
}

/* BTRS for n p >= 10, p <= 1/2. */
static uint32_t
binomial_btrs(att_stream *s, uint32_t n, double p)
{
    double nd = (double)n, spq = sqrt(nd * p * (1.0 - p));
    double b = 1.15 + 2.53 * spq, a = -0.0873 + 0.0248 * b + 0.01 * p, c = nd * p + 0.5;
    double vr = 0.92 - 4.2 / b, r = p / (1.0 - p), alpha = (2.83 + 5.1 / b) * spq;
    double m = floor((nd + 1.0) * p), lm = 0.0;
    int have_lm = 0;

    for (;;) {
        double u = att_stream_uniform(s) - 0.5, v = att_stream_uniform(s);
        double us = 0.5 - fabs(u), k = floor((2.0 * a / us + b) * u + c);
        if (k < 0.0 || k > nd)
            continue; /* off the support: never accepted */
        if (us >= 0.07 && v <= vr)
            return (uint32_t)k; /* inside the squeeze */
        v = att_log(v * alpha / (a / (us * us) + b));
        if (!have_lm) {
            /* The mode's terms, needed only when the squeeze fails (about
             * one draw in ten at the projection's means). */
            lm = (m + 0.5) * att_log((m + 1.0) / (r * (nd - m + 1.0))) + stirling_tail(m) +
                 stirling_tail(nd - m);
            have_lm = 1;
        }
        if (v <= lm + (nd + 1.0) * att_log((nd - m + 1.0) / (nd - k + 1.0)) +
                     (k + 0.5) * att_log(r * (nd - k + 1.0) / (k + 1.0)) - stirling_tail(k) -
                     stirling_tail(nd - k))
            return (uint32_t)k;
    }
}

/* A Binomial(n, p) count: p above 1/2 as n less the count of 1 - p (exact
 * there), small means by inversion, with log1p(-p) from *l1p when the
 * caller took it once (NULL: taken here), the rest by BTRS. */
static uint32_t
binomial_draw(att_stream *s, uint32_t n, double p, const double *l1p)
{
    uint32_t k;
    bool flip = p > 0.5;

    if (n == 0 || !(p > 0.0))
        return 0;
    if (p >= 1.0)
        return n;
    if (flip)
        p = 1.0 - p;
    if ((double)n * p < BINOMIAL_INVERSION_MEAN)
        k = binomial_inversion(s, n, p, l1p != NULL ? *l1p : att_log1p(-p));
    else
        k = binomial_btrs(s, n, p);
    return flip ? n - k : k;
}

uint32_t
att_binomial(att_stream *s, uint32_t n, double p)
{
    return binomial_draw(s, n, p, NULL);
}

void
att_binomial_prepare(att_binomial_p *bp, double p)
{
    bp->p = p;
    bp->l1p = p > 0.0 && p < 1.0 ? att_log1p(-(p > 0.5 ? 1.0 - p : p)) : 0.0;
}

uint32_t
att_binomial_prepared(att_stream *s, uint32_t n, const att_binomial_p *bp)
{
    return binomial_draw(s, n, bp->p, &bp->l1p);
}
