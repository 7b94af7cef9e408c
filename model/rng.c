/* rng.c -- Philox4x32-10 streams as a gsl_rng type.
 *
 * Salmon, Moraes, Dror & Shaw (2011), "Parallel random numbers: as easy as
 * 1, 2, 3", SC11; the block function is Random123's philox.h.  The key is
 * (low 32 bits of the seed, purpose ^ high bits << 8); the counter is
 * (block index, a, b, c).  A block gives four 32-bit outputs.
 */
#include <Random123/philox.h>
#include <string.h>

#include <attrition/att_rng.h>

typedef struct {
    philox4x32_ctr_t ctr; /* v[0]: block index; v[1..3]: a, b, c */
    philox4x32_key_t key;
    philox4x32_ctr_t out; /* the current block's outputs */
    unsigned next;        /* next output to hand out; 4 = block used up */
} rng_state;

static unsigned long
rng_get(void *vstate)
{
    rng_state *s = vstate;

    if (s->next == 4) {
        s->out = philox4x32(s->ctr, s->key);
        s->ctr.v[0]++;
        s->next = 0;
    }
    return s->out.v[s->next++];
}

static double
rng_get_double(void *vstate)
{
    /* (k + 1/2) / 2^32: uniform on (0, 1), never 0 nor 1. */
    return ((double)rng_get(vstate) + 0.5) / 4294967296.0;
}

static void
rng_set(void *vstate, unsigned long seed)
{
    rng_state *s = vstate;

    memset(s, 0, sizeof *s);
    s->key.v[0] = (uint32_t)seed;
    s->next = 4;
}

static const gsl_rng_type rng_philox = {
    "att_philox4x32_10", 0xffffffffUL, 0, sizeof(rng_state), &rng_set, &rng_get, &rng_get_double};

void
att_rng_reset(
    gsl_rng *r, uint64_t seed, att_rng_purpose purpose, uint32_t a, uint32_t b, uint32_t c)
{
    rng_state *s = r->state;

    s->key.v[0] = (uint32_t)seed;
    s->key.v[1] = (uint32_t)purpose ^ ((uint32_t)(seed >> 32) << 8);
    s->ctr.v[0] = 0;
    s->ctr.v[1] = a;
    s->ctr.v[2] = b;
    s->ctr.v[3] = c;
    s->next = 4;
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
