/* emath_cases.h -- the inputs of the elementary functions' tests
 * (test_emath.c against MPFR, test_emath_hash.c's bit hashes): each case
 * is a function, a range and a spacing (uniform or log-uniform), and the
 * i-th input of a case is made from the bits of a xorshift stream with
 * exact operations only, so that the inputs, like the outputs, are the
 * same on every machine. */
#ifndef ATTRITION_TEST_EMATH_CASES_H
#define ATTRITION_TEST_EMATH_CASES_H

#include <stdint.h>
#include <string.h>

/* A stream of 64-bit words (Marsaglia's xorshift64*, a fixed seed per case). */
typedef struct {
    uint64_t s;
} ec_stream;

static inline uint64_t
ec_next(ec_stream *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545F4914F6CDD1DULL;
}

/* Uniform on [a, b): a + (b - a) k / 2^53. */
static inline double
ec_uniform(ec_stream *r, double a, double b)
{
    return a + (b - a) * ((double)(ec_next(r) >> 11) * 0x1p-53);
}

/* Log-uniform on [2^e0, 2^e1) by its bits: a uniform exponent and
 * significand (e0, e1 within the normal range); sign random with neg. */
static inline double
ec_log_uniform(ec_stream *r, int e0, int e1, int neg)
{
    uint64_t w = ec_next(r), e = (uint64_t)(e0 + 1023) + (w >> 11) % (uint64_t)(e1 - e0);
    uint64_t bits = (e << 52) | (ec_next(r) >> 12);
    double x;

    if (neg && (w & 1u))
        bits |= (uint64_t)1 << 63;
    memcpy(&x, &bits, sizeof x);
    return x;
}

/* A subnormal or zero of random bits. */
static inline double
ec_subnormal(ec_stream *r)
{
    uint64_t bits = ec_next(r) >> 12;
    double x;

    memcpy(&x, &bits, sizeof x);
    return x;
}

#endif /* ATTRITION_TEST_EMATH_CASES_H */
