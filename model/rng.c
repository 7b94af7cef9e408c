/* rng.c -- Philox4x32-10 streams as a gsl_rng type.
 *
 * Salmon, Moraes, Dror & Shaw (2011), "Parallel random numbers: as easy as
 * 1, 2, 3", SC11; the block function is Random123's philox.h.  The key is
 * (low 32 bits of the seed, purpose ^ high bits << 8); the counter is
 * (block index, a, b, c).  A block gives four 32-bit outputs.
 */
#include <string.h>

#include <attrition/att_rng.h>

#include "stream.h"

static unsigned long
rng_get(void *vstate)
{
    return att_stream_u32(vstate);
}

static double
rng_get_double(void *vstate)
{
    return att_stream_uniform(vstate);
}

static void
rng_set(void *vstate, unsigned long seed)
{
    att_stream_reset(vstate, seed, 0, 0, 0, 0);
}

static const gsl_rng_type rng_philox = {
    "att_philox4x32_10", 0xffffffffUL, 0, sizeof(att_stream), &rng_set, &rng_get, &rng_get_double};

void
att_rng_reset(
    gsl_rng *r, uint64_t seed, att_rng_purpose purpose, uint32_t a, uint32_t b, uint32_t c)
{
    att_stream_reset(r->state, seed, (uint32_t)purpose, a, b, c);
}

gsl_rng *
att_rng_alloc(uint64_t seed, att_rng_purpose purpose, uint32_t a, uint32_t b, uint32_t c)
{
    gsl_rng *r = gsl_rng_alloc(&rng_philox);

    if (r != NULL)
        att_rng_reset(r, seed, purpose, a, b, c);
    return r;
}

void
att_rng_philox4x32(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4])
{
    philox4x32_ctr_t c = {{ctr[0], ctr[1], ctr[2], ctr[3]}};
    philox4x32_key_t k = {{key[0], key[1]}};
    philox4x32_ctr_t o = philox4x32(c, k);

    memcpy(out, o.v, 4 * sizeof *out);
}
