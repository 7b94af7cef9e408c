/* att_rng.h -- counter-based random streams (Philox4x32-10, Random123).
 *
 * Every random number is a function of (seed, purpose, a, b, c, i): the
 * key is (seed, purpose) and the counter (i, a, b, c), so a chain's or a
 * path's numbers never depend on which thread drew them or on what other
 * streams drew before.  The streams are exposed as a
 * gsl_rng; the library draws its variates from them with its own samplers
 * (model/variates.c), whose bits, unlike GSL's, do not depend on the
 * processor.
 */
#ifndef ATTRITION_ATT_RNG_H
#define ATTRITION_ATT_RNG_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

#include <attrition/att_common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What a stream is for: streams of different purposes never overlap. */
typedef enum {
    ATT_RNG_MCMC = 1,      /* a = chain */
    ATT_RNG_INIT = 2,      /* a = chain: dispersed starting points */
    ATT_RNG_SCENARIO = 3,  /* a = path: wave sizes, dates, multipliers */
    ATT_RNG_COUNTS = 4,    /* a = path, b = cohort, c = day: daily casualties */
    ATT_RNG_KILLED = 5,    /* a = path, b = cohort, c = day: killed among them */
    ATT_RNG_RETURNS = 6,   /* a = path, b = cohort, c = day: returns to duty */
    ATT_RNG_DEPART = 7,    /* a = path, b = departure, c = cohort: a share's leavers */
    ATT_RNG_BOOTSTRAP = 8, /* a = horizon bucket: resampling scored reports */
    ATT_RNG_TEST = 99      /* tests and simulations */
} att_rng_purpose;

/* A gsl_rng drawing from stream (seed, purpose, a, b, c); gsl_rng_free it.
 * NULL if out of memory. */
gsl_rng *att_rng_alloc(uint64_t seed, att_rng_purpose purpose, uint32_t a, uint32_t b, uint32_t c);

/* Moves r (made by att_rng_alloc) to another stream, from its start: no
 * allocation, so it can be done per path and per day. */
void att_rng_reset(
    gsl_rng *r, uint64_t seed, att_rng_purpose purpose, uint32_t a, uint32_t b, uint32_t c);

/* The raw block function, for the known-answer test: out = Philox4x32-10(ctr, key). */
void att_rng_philox4x32(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]);

#ifdef __cplusplus
}
#endif

#endif /* ATTRITION_ATT_RNG_H */
