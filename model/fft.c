/* fft.c -- radix-2 complex FFT (fft.h): bit-reversal permutation, then
 * Cooley-Tukey butterflies (Cooley and Tukey, Math. Comp. 19 (1965)
 * 297-301) with precomputed twiddles. */
#include "fft.h"

#include "emath_kernel.h"

#define FFT_2PI_HI 0x1.921fb54442d18p+2  /* 2 pi */
#define FFT_2PI_LO 0x1.1a62633145c07p-52 /* 2 pi - FFT_2PI_HI */

struct att_fft {
    size_t n;
    double *wr, *wi; /* n / 2 twiddles: cos and -sin of 2 pi k / n */
};

/* sin x and cos x for x = 2 pi t, 0 <= t <= 1/8, by their Taylor series
 * (the terms after x^19 and x^20 below 2^-64) at x's leading part, and
 * the first-order term of its low part: x is taken as a pair, so that
 * 2 pi's rounding does not reach the result. */
static void
fft_sincos_octant(double t, double *c, double *s)
{
    double xl, x = em_two_prod(FFT_2PI_HI, t, &xl), x2;

    xl += FFT_2PI_LO * t;
    x2 = x * x;

    *s = x + x * x2 *
                 (-1.0 / 6.0 +
                  x2 * (1.0 / 120.0 +
                        x2 * (-1.0 / 5040.0 +
                              x2 * (1.0 / 362880.0 +
                                    x2 * (-1.0 / 39916800.0 +
                                          x2 * (1.0 / 6227020800.0 +
                                                x2 * (-1.0 / 1307674368000.0 +
                                                      x2 * (1.0 / 355687428096000.0 -
                                                            x2 / 121645100408832000.0))))))));
    *c = 1.0 +
         x2 * (-0.5 +
               x2 * (1.0 / 24.0 +
                     x2 * (-1.0 / 720.0 +
                           x2 * (1.0 / 40320.0 +
                                 x2 * (-1.0 / 3628800.0 +
                                       x2 * (1.0 / 479001600.0 +
                                             x2 * (-1.0 / 87178291200.0 +
                                                   x2 * (1.0 / 20922789888000.0 +
                                                         x2 * (-1.0 / 6402373705728000.0 +
                                                               x2 / 2432902008176640000.0)))))))));
    {
        double s0 = *s;
        *s += *c * xl;
        *c -= s0 * xl;
    }
}


void
att_sincos_turn(size_t k, size_t n, double *out_cos, double *out_sin)
{
    size_t q = n / 4, o = n / 8;
    double c, s, t;
    int quadrant;

    k %= n;
    quadrant = (int)(k / q);
    k %= q; /* the angle within its quadrant: 2 pi k / n in [0, pi / 2) */
    if (k <= o)
        fft_sincos_octant((double)k / (double)n, &c, &s);
    else {
        /* cos(pi/2 - y) = sin y */
        fft_sincos_octant((double)(q - k) / (double)n, &s, &c);
    }
    /* rotate by quarter turns: (c, s) -> (-s, c) */
    for (; quadrant > 0; quadrant--) {
        t = c;
        c = -s;
        s = t;
    }
    *out_cos = c;
    *out_sin = s;
}

att_fft *
att_fft_alloc(size_t n)
{
    att_fft *f;
    size_t k;

    if (n == 0 || (n & (n - 1)) != 0)
        return NULL;
    f = att_mem_calloc(1, sizeof *f);
    if (f == NULL)
        return NULL;
    f->n = n;
    f->wr = att_mem_calloc(n / 2 + 1, sizeof *f->wr);
    f->wi = att_mem_calloc(n / 2 + 1, sizeof *f->wi);
    if (f->wr == NULL || f->wi == NULL) {
        att_fft_free(f);
        return NULL;
    }
    for (k = 0; k < n / 2; k++) {
        double c, s;
        if (n >= 4)
            att_sincos_turn(k, n, &c, &s);
        else
            c = 1.0, s = 0.0; /* n = 2: k = 0 only */
        f->wr[k] = c;
        f->wi[k] = -s;
    }
    return f;
}

void
att_fft_free(att_fft *f)
{
    if (f == NULL)
        return;
    att_mem_free(f->wr);
    att_mem_free(f->wi);
    att_mem_free(f);
}

void
att_fft_run(const att_fft *f, double *re, double *im, bool inverse)
{
    size_t n = f->n, i, j, len, k;
    double sign = inverse ? -1.0 : 1.0;

    for (i = 1, j = 0; i < n; i++) {
        size_t bit = n >> 1;
        for (; j & bit; bit >>= 1)
            j ^= bit;
        j |= bit;
        if (i < j) {
            double t = re[i];
            re[i] = re[j];
            re[j] = t;
            t = im[i];
            im[i] = im[j];
            im[j] = t;
        }
    }
    for (len = 2; len <= n; len <<= 1) {
        size_t half = len / 2, step = n / len;
        for (i = 0; i < n; i += len)
            for (k = 0; k < half; k++) {
                double wr = f->wr[k * step], wi = sign * f->wi[k * step];
                size_t a = i + k, b = a + half;
                double xr = re[b] * wr - im[b] * wi, xi = re[b] * wi + im[b] * wr;
                re[b] = re[a] - xr;
                im[b] = im[a] - xi;
                re[a] += xr;
                im[a] += xi;
            }
    }
}
