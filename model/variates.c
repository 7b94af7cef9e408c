/* variates.c -- normal, gamma and beta variates (variates.h). */
#include "variates.h"

#include <math.h>

#include "emath.h"

double
att_ran_normal(const gsl_rng *r)
{
    double u, v, s;

    do {
        u = 2.0 * gsl_rng_uniform(r) - 1.0;
        v = 2.0 * gsl_rng_uniform(r) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    return u * sqrt(-2.0 * att_log(s) / s);
}

/* The squeeze's constant (Marsaglia and Tsang, step 4). */
#define VARIATES_SQUEEZE 0.0331

double
att_ran_gamma(const gsl_rng *r, double a)
{
    double d, c, x, v, u;

    if (a < 1.0) {
        /* Gamma(a) = Gamma(a + 1) U^(1/a) */
        u = gsl_rng_uniform_pos(r);
        return att_ran_gamma(r, a + 1.0) * att_pow(u, 1.0 / a);
    }
    d = a - 1.0 / 3.0;
    c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        do {
            x = att_ran_normal(r);
            v = 1.0 + c * x;
        } while (v <= 0.0);
        v = v * v * v;
        u = gsl_rng_uniform_pos(r);
        if (u < 1.0 - VARIATES_SQUEEZE * (x * x) * (x * x))
            return d * v;
        if (att_log(u) < 0.5 * x * x + d * (1.0 - v + att_log(v)))
            return d * v;
    }
}

double
att_ran_beta(const gsl_rng *r, double a, double b)
{
    double x = att_ran_gamma(r, a), y = att_ran_gamma(r, b);

    return x / (x + y);
}
