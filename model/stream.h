/* stream.h -- a Philox4x32-10 stream without the gsl_rng indirection
 * (private).  The projection resets one per (path, pool, day), millions of
 * times a run, so the reset and each uniform must be a few instructions.
 * Key and counter layout are att_rng's (rng.c): the same (seed, purpose, a,
 * b, c) gives the same numbers through either interface. */
#ifndef ATTRITION_STREAM_H
#define ATTRITION_STREAM_H

#include <Random123/philox.h>
#include <stdint.h>

#include "internal.h"

typedef struct {
    philox4x32_ctr_t ctr; /* v[0]: block index; v[1..3]: a, b, c */
    philox4x32_key_t key; /* (low 32 bits of seed, purpose ^ high bits << 8) */
    philox4x32_ctr_t out; /* the current block's outputs */
    unsigned next;        /* next output to hand out; 4 = block used up */
} att_stream;

static inline void
att_stream_reset(att_stream *s, uint64_t seed, uint32_t purpose, uint32_t a, uint32_t b, uint32_t c)
{
    s->key.v[0] = (uint32_t)seed;
    s->key.v[1] = purpose ^ ((uint32_t)(seed >> 32) << 8);
    s->ctr.v[0] = 0;
    s->ctr.v[1] = a;
    s->ctr.v[2] = b;
    s->ctr.v[3] = c;
    s->next = 4;
}

static inline uint32_t
att_stream_u32(att_stream *s)
{
    if (s->next == 4) {
        s->out = philox4x32(s->ctr, s->key);
        s->ctr.v[0]++;
        s->next = 0;
    }
    return s->out.v[s->next++];
}

/* (k + 1/2) / 2^32: uniform on (0, 1), never 0 nor 1, so logs are finite. */
static inline double
att_stream_uniform(att_stream *s)
{
    return ((double)att_stream_u32(s) + 0.5) / 4294967296.0;
}

#endif /* ATTRITION_STREAM_H */
