/* example_fit.c -- what `attrition fit --scenario FILE --seed 7` does, from
 * a program that links libattrition (README, "The library"):
 *
 *   cc -std=c11 example_fit.c $(pkg-config --cflags --libs attrition)
 *   ./a.out /usr/local/share/attrition/params/baseline.ini
 *
 * It prints the convergence verdict and each parameter's posterior median
 * with its 90% interval.  CI builds it against an install and runs it. */
#include <stdint.h>
#include <stdio.h>

#include <attrition/attrition.h>

int
main(int argc, char **argv)
{
    att_run_options o = att_run_options_default();
    att_run *run = NULL;
    att_run_fit f = {0};
    att_error err;
    char msg[2 * ATT_ERROR_MSG_MAX];
    size_t k;
    int rc = 0;

    if (argc != 2) {
        fprintf(stderr, "usage: %s SCENARIO.ini\n", argv[0]);
        return 64;
    }
    o.seed = 7; /* as --seed 7; o.ledger, o.anchor, o.chains... as the other options */
    if (att_run_open(argv[1], &o, &run, &err) != ATT_OK ||
        att_run_posterior(run, INT32_MAX, &f, &err) != ATT_OK ||
        att_run_sample(&f, NULL, &err) != ATT_OK) {
        fprintf(stderr, "example_fit: %s\n", att_error_format(&err, msg, sizeof msg));
        rc = 1;
        goto done;
    }
    printf("%zu reports used, inputs sha256 %.16s, verdict %s%s%s\n",
           att_posterior_nreports(f.post), f.digest,
           f.verdict == ATT_FIT_GOOD      ? "good"
           : f.verdict == ATT_FIT_WARNING ? "warning"
                                          : "failed",
           f.verdict_msg[0] ? ": " : "", f.verdict_msg);
    for (k = 0; k < f.fit.dim; k++)
        printf("%-24s %12.6g  [%.6g, %.6g]\n", att_posterior_param(f.post, k)->name,
               f.fit.summary[k].q50, f.fit.summary[k].q05, f.fit.summary[k].q95);
done:
    att_run_fit_free(&f);
    att_run_free(run);
    return rc;
}
