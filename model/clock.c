/* clock.c -- the monotonic clock the sampler and the fit time themselves
 * with (never part of a result, so it cannot break reproducibility). */
#include <time.h>

#include "internal.h"

double
att_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
