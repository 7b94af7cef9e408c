/* bench_clock.h -- the benchmarks' wall clock (monotonic, in seconds). */
#ifndef ATTRITION_BENCH_CLOCK_H
#define ATTRITION_BENCH_CLOCK_H

#include <time.h>

static inline double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#endif /* ATTRITION_BENCH_CLOCK_H */
