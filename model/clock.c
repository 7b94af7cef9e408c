/* clock.c -- the clocks the sampler and the fit time themselves with:
 * the monotonic one and the calling thread's CPU time (never part of a
 * result, so they cannot break reproducibility). */
#include <time.h>

#include "internal.h"

double
att_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double
att_thread_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
