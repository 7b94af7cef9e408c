/* test_vmath.c -- choosing the array functions' path: ATT_SIMD names one
 * (or is refused, saying why), and without it the widest instruction set
 * this processor runs, with gathers only where a probe timed them faster.
 * (That every path gives the scalar functions' bits is
 * test_emath_hash.c's.) */
#include <stdlib.h>
#include <string.h>

#include "att_test.h"
#include "vmath.h"

static void
test_default_is_widest(void **state)
{
    att_simd s = ATT_SIMD_COUNT;
    att_error err;
    int k;

    (void)state;
    assert_int_equal(unsetenv("ATT_SIMD"), 0);
    assert_int_equal(att_simd_choose(&s, &err), ATT_OK);
    assert_int_equal(att_simd_base(s), s); /* no probe: the plain loops */
    assert_true(att_simd_supported(s));
    for (k = (int)s + 1; k <= ATT_SIMD_AVX512; k++) /* no wider set runs here */
        assert_false(att_simd_supported((att_simd)k));
    assert_true(att_simd_supported(ATT_SIMD_SCALAR));
}

/* The timed choice: the same instruction set, with or without gathers;
 * ATT_SIMD, when set, is taken as it is (no probe). */
static void
test_timed(void **state)
{
    att_simd plain = ATT_SIMD_COUNT, timed = ATT_SIMD_COUNT;
    att_error err;

    (void)state;
    assert_int_equal(unsetenv("ATT_SIMD"), 0);
    assert_int_equal(att_simd_choose(&plain, &err), ATT_OK);
    assert_int_equal(att_simd_choose_timed(&timed, &err), ATT_OK);
    assert_int_equal(att_simd_base(timed), plain);
    assert_true(att_simd_supported(timed));
    assert_int_equal(setenv("ATT_SIMD", "sse2", 1), 0);
    assert_int_equal(att_simd_choose_timed(&timed, &err), ATT_OK);
    assert_int_equal(timed, ATT_SIMD_SSE2);
    if (att_simd_supported(ATT_SIMD_AVX2)) {
        assert_int_equal(setenv("ATT_SIMD", "avx2", 1), 0);
        assert_int_equal(att_simd_choose_timed(&timed, &err), ATT_OK);
        assert_int_equal(timed, ATT_SIMD_AVX2);
    }
    assert_int_equal(setenv("ATT_SIMD", "avx3", 1), 0);
    timed = ATT_SIMD_COUNT;
    assert_int_equal(att_simd_choose_timed(&timed, &err), ATT_EINVAL);
    assert_int_equal(timed, ATT_SIMD_COUNT);
    assert_int_equal(unsetenv("ATT_SIMD"), 0);
}

/* A gather path runs wherever its instruction set does, and is that set's. */
static void
test_gather_twins(void **state)
{
    (void)state;
    assert_int_equal(att_simd_base(ATT_SIMD_AVX2_GATHER), ATT_SIMD_AVX2);
    assert_int_equal(att_simd_base(ATT_SIMD_AVX512_GATHER), ATT_SIMD_AVX512);
    assert_int_equal(att_simd_base(ATT_SIMD_SSE2), ATT_SIMD_SSE2);
    assert_int_equal(att_simd_supported(ATT_SIMD_AVX2_GATHER), att_simd_supported(ATT_SIMD_AVX2));
    assert_int_equal(att_simd_supported(ATT_SIMD_AVX512_GATHER),
                     att_simd_supported(ATT_SIMD_AVX512));
    assert_string_equal(att_simd_name(ATT_SIMD_AVX512_GATHER), "avx512-gather");
}

static void
test_named_paths(void **state)
{
    att_error err;
    int k;

    (void)state;
    for (k = 0; k < ATT_SIMD_COUNT; k++) {
        att_simd s = ATT_SIMD_COUNT;
        att_status st;
        assert_int_equal(setenv("ATT_SIMD", att_simd_name((att_simd)k), 1), 0);
        st = att_simd_choose(&s, &err);
        if (att_simd_supported((att_simd)k)) {
            assert_int_equal(st, ATT_OK);
            assert_int_equal(s, k);
        } else {
            assert_int_equal(st, ATT_EINVAL);
            assert_non_null(strstr(err.msg, "cannot run that path"));
            assert_int_equal(s, ATT_SIMD_COUNT); /* untouched */
        }
    }
    assert_int_equal(setenv("ATT_SIMD", "avx3", 1), 0);
    assert_int_equal(att_simd_choose(&(att_simd){ATT_SIMD_SCALAR}, &err), ATT_EINVAL);
    assert_non_null(strstr(err.msg, "expected scalar, sse2, avx2, avx512, avx2-gather or "
                                    "avx512-gather, found \"avx3\""));
    assert_string_equal(att_simd_name(ATT_SIMD_COUNT), "?");
    assert_int_equal(unsetenv("ATT_SIMD"), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_is_widest),
        cmocka_unit_test(test_named_paths),
        cmocka_unit_test(test_timed),
        cmocka_unit_test(test_gather_twins),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
