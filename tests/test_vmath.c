/* test_vmath.c -- exp, log and erfc over arrays against libm and GSL's
 * own erfc, at special values, and the same bits for a value wherever it
 * sits in an array of whatever length; and that the build found libmvec
 * where glibc has it. */
#include <math.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_erf.h>

#include "att_test.h"
#include "vmath.h"

#define VM_N 1001 /* odd: the padded last pair is exercised */

typedef void (*vm_fn)(size_t n, const double *x, double *y);

/* libmvec is within 4 ulps of libm: 1e-15 relative, with room. */
static void
test_against_libm(void **state)
{
    static double x[VM_N], y[VM_N];
    size_t i;

    (void)state;
    for (i = 0; i < VM_N; i++)
        x[i] = -745.0 + 1454.0 * (double)i / (VM_N - 1); /* exp's whole range */
    att_vexp(VM_N, x, y);
    for (i = 0; i < VM_N; i++)
        att_assert_close(y[i], exp(x[i]), 1e-15, 0.0);
    for (i = 0; i < VM_N; i++)
        x[i] = pow(10.0, -300.0 + 600.0 * (double)i / (VM_N - 1));
    att_vlog(VM_N, x, y);
    for (i = 0; i < VM_N; i++)
        att_assert_close(y[i], log(x[i]), 1e-15, 0.0);
    for (i = 0; i < VM_N; i++)
        x[i] = 1.0 + 1e-9 * (double)i; /* log near 1, where relative error shows */
    att_vlog(VM_N, x, y);
    for (i = 0; i < VM_N; i++)
        att_assert_close(y[i], log(x[i]), 1e-15, 0.0);
}

/* erfc against GSL's (a separate implementation), from the left tail to
 * the edge of underflow, relative: the one-sided windows use the tails. */
static void
test_erfc_against_gsl(void **state)
{
    static double x[VM_N], y[VM_N];
    size_t i;

    (void)state;
    for (i = 0; i < VM_N; i++)
        x[i] = -6.0 + 32.0 * (double)i / (VM_N - 1);
    att_verfc(VM_N, x, y);
    for (i = 0; i < VM_N; i++) {
        att_assert_close(y[i], erfc(x[i]), 1e-14, 0.0);
        att_assert_close(y[i], gsl_sf_erfc(x[i]), 1e-13, 0.0);
    }
}

static void
test_special_values(void **state)
{
    double x[5] = {-HUGE_VAL, HUGE_VAL, 0.0, -800.0, 1000.0}, y[5];

    (void)state;
    att_vexp(5, x, y);
    assert_true(y[0] == 0.0 && y[1] == HUGE_VAL && y[2] == 1.0 && y[3] == 0.0 && y[4] == HUGE_VAL);
    att_vlog(3, x + 1, y); /* inf, 0, -800 */
    assert_true(y[0] == HUGE_VAL && y[1] == -HUGE_VAL && isnan(y[2]));
    att_verfc(3, x, y);
    assert_true(y[0] == 2.0 && y[1] == 0.0 && y[2] == 1.0);
}

/* Each value's result alone, at an odd or even place, in place or not:
 * the same bits (the posterior's reproducibility rests on it). */
static void
test_same_bits_anywhere(void **state)
{
    static const vm_fn fn[3] = {att_vexp, att_vlog, att_verfc};
    static double x[VM_N], y[VM_N], z[VM_N];
    size_t f, i;

    (void)state;
    for (i = 0; i < VM_N; i++)
        x[i] = 0.5 + 7.3 * sin(0.37 * (double)i) * sin(0.37 * (double)i);
    for (f = 0; f < 3; f++) {
        fn[f](VM_N, x, y);
        for (i = 0; i < VM_N; i++) {
            double one;
            fn[f](1, &x[i], &one);
            assert_memory_equal(&one, &y[i], sizeof one);
        }
        fn[f](VM_N - 1, x + 1, z); /* every value moves by one place */
        assert_memory_equal(z, y + 1, (VM_N - 1) * sizeof *z);
        memcpy(z, x, sizeof z);
        fn[f](VM_N, z, z);
        assert_memory_equal(z, y, sizeof z);
    }
}

/* Where glibc has the three vector functions (x86-64, 2.35 and later)
 * the build must have found them: a silent fallback to libm would pass
 * the tests above and leave the goldens unmatched. */
static void
test_libmvec_found_where_it_exists(void **state)
{
    (void)state;
#if defined(__x86_64__) && defined(__GLIBC__) && \
    (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 35))
#ifndef ATT_HAVE_LIBMVEC
    fail_msg("glibc %d.%d on x86-64 has libmvec's exp, log and erfc, but the build did not "
             "find them (see ATT_HAVE_LIBMVEC in model/CMakeLists.txt)",
             __GLIBC__, __GLIBC_MINOR__);
#endif
#else
    skip();
#endif
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_libm),
        cmocka_unit_test(test_erfc_against_gsl),
        cmocka_unit_test(test_special_values),
        cmocka_unit_test(test_same_bits_anywhere),
        cmocka_unit_test(test_libmvec_found_where_it_exists),
    };

    gsl_set_error_handler_off();
    return cmocka_run_group_tests_name("vmath", tests, NULL, NULL);
}
