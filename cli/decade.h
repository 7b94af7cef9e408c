/* decade.h -- the power of ten at or below a number, for axes and chart
 * steps (plot.c, project_cmd.c).  Exact comparisons against powers of ten
 * made by multiplication, never log10, whose last bits vary by processor,
 * so that a chart's steps and labels are the same everywhere. */
#ifndef ATTRITION_CLI_DECADE_H
#define ATTRITION_CLI_DECADE_H

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

#endif /* ATTRITION_CLI_DECADE_H */
