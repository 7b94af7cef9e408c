/* binomial.h -- Binomial(n, p) variates from a Philox stream (private).
 *
 * GSL's gsl_ran_binomial costs 80-100 ns a draw; the projection draws
 * millions.  Small means (n min(p, 1-p) < 10) by inversion of the CDF
 * (one uniform, so nearby n and p give nearby counts: common random
 * numbers stay in step); larger ones by Hormann's BTRS, transformed
 * rejection with squeeze (W. Hormann, "The generation of binomial random
 * variates", J. Statist. Comput. Simul. 46 (1993) 101-110), about 1.15
 * uniform pairs a draw.  test_binomial checks both against GSL's pmf. */
#ifndef ATTRITION_BINOMIAL_H
#define ATTRITION_BINOMIAL_H

#include <stdint.h>

#include "stream.h"
#include "vmath.h"

/* A Binomial(n, p) count; p outside (0, 1) is clamped (0 gives 0, 1 gives n). */
ATT_INTERNAL uint32_t att_binomial(att_stream *s, uint32_t n, double p);

/* A success probability drawn from many times, with what inversion needs
 * of it taken once: the same counts as att_binomial's, bit for bit. */
typedef struct {
    double p;
    double l1p; /* log1p(-min(p, 1 - p)) */
} att_binomial_p;

ATT_INTERNAL void att_binomial_prepare(att_binomial_p *bp, double p);
ATT_INTERNAL uint32_t att_binomial_prepared(att_stream *s, uint32_t n, const att_binomial_p *bp);

/* Inversion's sequential search of the CDF from 0, pmf by recurrence, for
 * the uniform u, p <= 1/2 and f = (1 - p)^n (the pmf at 0, as att_exp of
 * n att_log1p(-p)): the count of att_binomial's small means, for
 * binomial_many.c. */
ATT_INTERNAL uint32_t att_binomial_search(double u, uint32_t n, double p, double f);

/* out[j] = a Binomial(n[j], p[j]) count from the stream (seed, purpose,
 * a[j], b[j], c) as att_stream_reset makes it, for j < m: att_binomial's
 * count, bit for bit, whatever the path simd (binomial_many.c). */
ATT_INTERNAL void att_binomial_many(att_simd simd,
                                    uint64_t seed,
                                    uint32_t purpose,
                                    uint32_t c,
                                    size_t m,
                                    const uint32_t *a,
                                    const uint32_t *b,
                                    const uint32_t *n,
                                    const double *p,
                                    uint32_t *out);

/* The same counts with every acceptance test of BTRS taken through its
 * logarithms (att_binomial_many decides most without them, btrs_early):
 * for the tests. */
ATT_INTERNAL void att_binomial_many_exact(att_simd simd,
                                          uint64_t seed,
                                          uint32_t purpose,
                                          uint32_t c,
                                          size_t m,
                                          const uint32_t *a,
                                          const uint32_t *b,
                                          const uint32_t *n,
                                          const double *p,
                                          uint32_t *out);

#endif /* ATTRITION_BINOMIAL_H */
