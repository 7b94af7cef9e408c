/* bench_load.c -- how fast the inputs load: a synthetic ledger of growing
 * size through the libcsv parser and validator, and the shipped scenario
 * through the libinih include-and-merge loader.  Prints rows per second,
 * the fitted exponent of time against size, and peak RSS. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <gsl/gsl_errno.h>

#include <attrition/attrition.h>

#include "bench_clock.h"

/* A ledger of n distinct reports (so no repeats; every 10th a revision). */
static char *
synthetic_ledger(size_t n, size_t *len)
{
    size_t cap = 200 + n * 160, used = 0, i;
    char *buf = malloc(cap);

    if (buf == NULL)
        return NULL;
    used += (size_t)snprintf(buf, cap,
                             "id,statement_date,asof_start,asof_end,source,source_class,kind,"
                             "qualifier,value,low,high,quote,doc,repeat_of,note\n");
    for (i = 0; i < n; i++) {
        int day = (int)(i % 28) + 1, month = (int)(i / 28 % 12) + 1;
        used += (size_t)snprintf(buf + used, cap - used,
                                 "r%zu,2025-%02d-%02d,2025-%02d-01,2025-%02d-%02d,src%zu,%s,"
                                 "casualties,approx,%zu,,,\"A quote, with a comma.\",doc.txt,,\n",
                                 i, month, day, month, month, day, i % 10 == 9 ? i - 1 : i,
                                 i % 2 ? "ua_gov" : "us_gov", 1000 + i);
    }
    *len = used;
    return buf;
}

int
main(void)
{
    static const char *const classes[] = {"ua_gov", "us_gov"};
    static const size_t sizes[] = {1000, 10000, 100000};
    double t[3], x[3];
    size_t k;
    struct rusage ru;

    gsl_set_error_handler_off();
    printf("bench_load: ledger parse + validate + repeat/revision linking\n");
    for (k = 0; k < 3; k++) {
        size_t len = 0, reps = sizes[k] >= 100000 ? 1 : 5, r;
        char *text = synthetic_ledger(sizes[k], &len);
        double t0, best = HUGE_VAL;
        if (text == NULL)
            return 71;
        for (r = 0; r < reps; r++) {
            att_ledger *l = NULL;
            att_error err;
            t0 = now();
            if (att_ledger_parse("synthetic.csv", text, len, classes, 2, &l, &err) != ATT_OK) {
                fprintf(stderr, "bench_load: %s\n", err.msg);
                return 70;
            }
            t0 = now() - t0;
            best = t0 < best ? t0 : best;
            att_ledger_free(l);
        }
        t[k] = best;
        x[k] = (double)sizes[k];
        printf("  %7zu reports: %8.3f ms  (%.0f reports/s)\n", sizes[k], 1e3 * best,
               (double)sizes[k] / best);
        free(text);
    }
    /* Repeat and revision linking compares each report with the earlier
     * ones, so time grows faster than linearly; the exponent says how much. */
    printf("  fitted exponent of time against size (1k..100k): %.2f\n",
           (log(t[2]) - log(t[0])) / (log(x[2]) - log(x[0])));

    {
        const int reps = 200;
        double t0 = now();
        int r;
        for (r = 0; r < reps; r++) {
            att_params *p = NULL;
            att_error err;
            if (att_params_load(ATT_SOURCE_DIR "/params/reinforce30k.ini", &p, &err) != ATT_OK) {
                fprintf(stderr, "bench_load: %s\n", err.msg);
                return 70;
            }
            att_params_free(p);
        }
        printf("bench_load: reinforce30k.ini (+ baseline.ini): %.3f ms per load\n",
               1e3 * (now() - t0) / reps);
    }
    getrusage(RUSAGE_SELF, &ru);
    printf("bench_load: peak RSS %.1f MB\n", (double)ru.ru_maxrss / 1024.0);
    return 0;
}
