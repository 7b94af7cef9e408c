/* att_test.h -- helpers shared by the cmocka tests. */
#ifndef ATTRITION_ATT_TEST_H
#define ATTRITION_ATT_TEST_H

#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

/* Tolerance tiers, as multiples of the machine epsilon. */
#define ATT_TOL_EXACT (4.0 * DBL_EPSILON)
#define ATT_TOL_TIGHT (1024.0 * DBL_EPSILON)

/* cmocka 1.1.5 has no assert_double_equal: this prints both values. */
#define att_assert_close(actual, expected, rtol, atol)                                 \
    do {                                                                               \
        const double a_ = (actual), e_ = (expected);                                   \
        if (!(fabs(a_ - e_) <= (atol) + (rtol)*fabs(e_)))                              \
            fail_msg("%s = %.17g, expected %.17g (rtol %g, atol %g)", #actual, a_, e_, \
                     (double)(rtol), (double)(atol));                                  \
    } while (0)

/* FNV-1a-64 over the bits of x, every NaN as one NaN: hashes of results
 * held to those made once (the same bits on every processor). */
#define ATT_TEST_HASH_SEED 0xcbf29ce484222325ULL

static inline uint64_t
att_test_hash(uint64_t h, double x)
{
    uint64_t b;
    int i;

    if (isnan(x))
        x = (double)NAN;
    memcpy(&b, &x, sizeof b);
    for (i = 0; i < 8; i++) {
        h ^= (b >> (8 * i)) & 0xffu;
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* Source and build folders, set by CMake. */
#ifndef ATT_SOURCE_DIR
#error "ATT_SOURCE_DIR must be defined by the build"
#endif

#endif /* ATTRITION_ATT_TEST_H */
