/* test_fft.c -- the radix-2 FFT against the direct DFT, its inverse as
 * the inverse, and the twiddles' sine and cosine against GNU MPFR. */
#include <math.h>
#include <mpfr.h>
#include <stdlib.h>

#include "att_test.h"
#include "emath_cases.h"
#include "fft.h"

static void
test_against_direct_dft(void **state)
{
    static const size_t sizes[] = {1, 2, 4, 8, 64, 512};
    static double re[512], im[512], xr[512], xi[512];
    ec_stream r = {3};
    size_t s;

    (void)state;
    for (s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s], j, k;
        att_fft *f = att_fft_alloc(n);
        double norm = 0.0;
        assert_non_null(f);
        for (j = 0; j < n; j++) {
            xr[j] = re[j] = ec_uniform(&r, -1.0, 1.0);
            xi[j] = im[j] = ec_uniform(&r, -1.0, 1.0);
            norm += xr[j] * xr[j] + xi[j] * xi[j];
        }
        att_fft_run(f, re, im, false);
        for (k = 0; k < n; k++) {
            long double sr = 0.0L, si = 0.0L;
            for (j = 0; j < n; j++) {
                long double t = -2.0L * 3.14159265358979323846264338327950288L *
                                (long double)(j * k % n) / (long double)n;
                sr += xr[j] * cosl(t) - xi[j] * sinl(t);
                si += xr[j] * sinl(t) + xi[j] * cosl(t);
            }
            att_assert_close(re[k], (double)sr, 0, 1e-13 * sqrt(norm));
            att_assert_close(im[k], (double)si, 0, 1e-13 * sqrt(norm));
        }
        att_fft_run(f, re, im, true);
        for (j = 0; j < n; j++) {
            att_assert_close(re[j] / (double)n, xr[j], 0, 1e-14);
            att_assert_close(im[j] / (double)n, xi[j], 0, 1e-14);
        }
        att_fft_free(f);
    }
    assert_null(att_fft_alloc(0));
    assert_null(att_fft_alloc(12));
}

/* |y - e| in ulps of e; an exact zero (MPFR's is about 1e-77, from pi's
 * rounding) is met by an error below 2^-60. */
static double
fft_ulps(double y, const mpfr_t e)
{
    double d = mpfr_get_d(e, MPFR_RNDN);

    if (fabs(d) < 0x1p-200)
        return fabs(y) < 0x1p-60 ? 0.0 : HUGE_VAL;
    return fabs(y - d) / ldexp(1.0, (int)mpfr_get_exp(e) - 53);
}

/* Within 1 ulp of the exact sine and cosine of 2 pi k / n. */
static void
test_sincos_against_mpfr(void **state)
{
    mpfr_t t, e;
    size_t n, k;

    (void)state;
    mpfr_inits2(256, t, e, (mpfr_ptr)0);
    for (n = 4; n <= ((size_t)1 << 16); n *= 2)
        for (k = 0; k<n; k += n> 4096 ? 7 : 1) {
            double c, s, uc, us;
            att_sincos_turn(k, n, &c, &s);
            mpfr_const_pi(t, MPFR_RNDN);
            mpfr_mul_ui(t, t, 2 * k, MPFR_RNDN);
            mpfr_div_ui(t, t, n, MPFR_RNDN);
            mpfr_cos(e, t, MPFR_RNDN);
            uc = fft_ulps(c, e);
            mpfr_sin(e, t, MPFR_RNDN);
            us = fft_ulps(s, e);
            if (uc > 1.0 || us > 1.0)
                fail_msg("sincos_turn(%zu, %zu) = (%a, %a): %.2f and %.2f ulp", k, n, c, s, uc, us);
        }
    mpfr_clears(t, e, (mpfr_ptr)0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_direct_dft),
        cmocka_unit_test(test_sincos_against_mpfr),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
