/* decade.h -- the power of ten at or below a number, for axes and chart
 * steps (plot.c, project_cmd.c).  Exact comparisons against powers of ten
 * made by multiplication, never log10, whose last bits vary by processor,
 * so that a chart's steps and labels are the same everywhere. */
#ifndef ATTRITION_CLI_DECADE_H
#define ATTRITION_CLI_DECADE_H

#include <stddef.h>

/* 10^e at or below x (> 0, finite) with x < 10^(e+1), into *out_pow;
 * returns e.  Powers above 10^22 and below 1 are rounded once each, the
 * same way on every machine. */
static inline int
cli_decade(double x, double *out_pow)
{
    int e = 0;
    double p = 1.0, q = 1.0; /* below 1, p = 1 / q with q = 10^-e */

    while (x >= 10.0 * p && e < 308) {
        p *= 10.0;
        e++;
    }
    while (x < p && e > -300) {
        e--;
        q *= 10.0;
        p = 1.0 / q;
    }
    *out_pow = p;
    return e;
}

/* x (> 0, finite) rounded up to a round number: the smallest steps[i]
 * times x's decade that is at or above x, for steps ascending in [1, 10]
 * and ending in 10 (a chart's label steps, a plot's ticks). */
static inline double
cli_round_up(double x, const double *steps, size_t n)
{
    double e;
    size_t i;

    (void)cli_decade(x, &e);
    for (i = 0; i + 1 < n && steps[i] * e < x; i++)
        ;
    return steps[i] * e;
}

#endif /* ATTRITION_CLI_DECADE_H */
