/* binomial.c -- Binomial variates: inversion for small means, Hormann's
 * BTRS for the rest (binomial.h).  The BTRS constants are the paper's
 * (Hormann 1993, algorithm BTRS, with the table of Stirling corrections). */
#include "binomial.h"

#include <math.h>
#include <stdbool.h>

#include "binomial_kernel.h"
#include "emath.h"

uint32_t
att_binomial_search(double u, uint32_t n, double p, double f)
{
    double r = p / (1.0 - p);
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

/* Inversion; p <= 1/2, l1p = log1p(-p). */
static uint32_t
binomial_inversion(att_stream *s, uint32_t n, double p, double l1p)
{
    double f = att_exp((double)n * l1p);

    return att_binomial_search(att_stream_uniform(s), n, p, f);
}

/* BTRS for n p >= 10, p <= 1/2 (binomial_kernel.h). */
static uint32_t
binomial_btrs(att_stream *s, uint32_t n, double p)
{
    const btrs_consts bc = btrs_setup((double)n, p);

    for (;;) {
        double u = att_stream_uniform(s) - 0.5, v = att_stream_uniform(s);
        double us = 0.5 - fabs(u), k = btrs_count(&bc, u, us), lg[BTRS_NLOG], e;
        int j;
        if (k < 0.0 || k > bc.n)
            continue; /* off the support: never accepted */
        if (us >= 0.07 && v <= bc.vr)
            return (uint32_t)k;        /* inside the squeeze */
        e = btrs_early(&bc, k, us, v); /* the test's verdict, mostly without em_log */
        if (e != 0.0) {
            if (e > 0.0)
                return (uint32_t)k;
            continue;
        }
        btrs_log_args(&bc, k, us, v, lg);
        for (j = 0; j < BTRS_NLOG; j++)
            lg[j] = att_log(lg[j]);
        if (btrs_accept(bc.n, bc.m, k, lg))
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
    if ((double)n * p < BTRS_MIN_MEAN)
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
