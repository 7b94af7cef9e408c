/* advice.c -- a failed fit's cause and a remedy that was seen to work. */
#include "advice.h"

#include <stdio.h>
#include <string.h>

#include "exit_codes.h"
#include "print.h"

int
cli_fit_failed(const att_run *r,
               const att_run_fit *f,
               const char *at,
               const char *withheld,
               const char *forced,
               bool check,
               bool progress)
{
    att_run_advice a;
    att_error err;
    char buf[1024], msg[2 * ATT_ERROR_MSG_MAX];
    size_t i;
    att_status st;

    att_error_clear(&err);
    fprintf(stderr, "attrition: the fit%s failed its convergence checks: %s.\n", at,
            f->verdict_msg);
    if (check)
        cli_progress(progress, "diagnosing the fit and trying remedies...");
    st = att_run_advise(r, f, check, &a, &err);
    cli_progress_done(progress && check);
    if (st != ATT_OK) {
        fprintf(stderr, "attrition: while trying remedies: %s\n",
                att_error_format(&err, msg, sizeof msg));
        return cli_exit_code(err.code);
    }
    fprintf(stderr, "Cause (%s): %s.\n", att_fit_cause_name(a.diag.cause), a.diag.what);
    if (a.diag.nremedy == 0) {
        fprintf(stderr,
                "Remedy: none this tool can try (the parameter concerned has no single prior "
                "setting); a report that informs it, or a narrower prior, is what would help.\n");
    } else if (!check) {
        for (i = 0; i < a.diag.nremedy; i++) {
            att_remedy_format(f->p, &a.diag.remedy[i], buf, sizeof buf);
            fprintf(stderr, "%s %s (not checked here)\n", i ? "   or:" : "Remedy:", buf);
        }
    } else {
        for (i = 0; i < a.tried; i++) {
            att_remedy_format(f->p, &a.diag.remedy[i], buf, sizeof buf);
            if (i == a.works)
                fprintf(stderr,
                        "Remedy: %s.\n  Checked: with it the same fit (same seed) passes%s%s.\n",
                        buf, a.verdict[i] == ATT_FIT_WARNING ? ", with warnings: " : "",
                        a.verdict[i] == ATT_FIT_WARNING ? a.verdict_msg[i] : "");
            else
                fprintf(stderr, "Tried: %s: the fit still fails (%s).\n", buf, a.verdict_msg[i]);
        }
        if (a.works == ATT_NONE)
            fprintf(stderr, "None of the remedies tried passed: the cause above is what to "
                            "address, in the ledger or the priors.\n");
    }
    fprintf(stderr, "%s: %s--force to %s anyway.\n", withheld,
            a.works != ATT_NONE ? "make that change and run again, or " : "", forced);
    return CLI_EXIT_FAILED;
}

void
cli_fit_failed_brief(const att_run *r, const att_run_fit *f, char *buf, size_t n)
{
    att_run_advice a;
    att_error err;

    att_error_clear(&err);
    if (att_run_advise(r, f, false, &a, &err) == ATT_OK && a.diag.cause != ATT_CAUSE_NONE)
        snprintf(buf, n, "the fit failed its convergence checks (%s; cause: %s)", f->verdict_msg,
                 att_fit_cause_name(a.diag.cause));
    else
        snprintf(buf, n, "the fit failed its convergence checks (%s)", f->verdict_msg);
}
