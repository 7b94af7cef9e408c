/* main.c -- the attrition command: parse options, call the library, print,
 * and map the library's status to a documented exit code. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include <attrition/att_export.h>
#include <attrition/att_output.h>
#include <attrition/att_posterior.h>
#include <attrition/att_project.h>
#include <attrition/attrition.h>

#include "compare_cmd.h"
#include "exit_codes.h"
#include "fit_cmd.h"
#include "options.h"
#include "plot.h"
#include "print.h"
#include "project_cmd.h"
#include "scenario.h"

#define CLI_PATH_MAX 4096

static int
cli_scenarios(void)
{
    char **names, path[CLI_PATH_MAX], dir[CLI_PATH_MAX];
    size_t n = cli_scenario_names(&names, dir, sizeof dir), i;

    if (n == 0) {
        fprintf(stderr, "attrition: no scenario files (*.ini) in ");
        cli_scenario_dirs_print(stderr);
        fputc('\n', stderr);
        return CLI_EXIT_NOINPUT;
    }
    printf("scenarios in %s/\n", dir);
    for (i = 0; i < n; i++) {
        att_params *p = NULL;
        att_error err;
        char msg[2 * ATT_ERROR_MSG_MAX];
        if ((size_t)snprintf(path, sizeof path, "%s/%s.ini", dir, names[i]) >= sizeof path)
            continue; /* a path too long to open */
        if (att_params_load(path, &p, &err) == ATT_OK)
            printf("  %-14s %s\n", names[i], p->description);
        else
            printf("  %-14s (does not load: %s)\n", names[i],
                   att_error_format(&err, msg, sizeof msg));
        att_params_free(p);
    }
    cli_scenario_names_free(names, n);
    return 0;
}

/* `attrition export-data`: the canonical JSON of the fit inputs. */
static int
cli_export(const cli_options *o, const att_run *run)
{
    int32_t cutoff;
    att_run_fit f;
    att_output *out = NULL;
    char *json = NULL;
    att_error err;
    int rc = 0;

    memset(&f, 0, sizeof f);
    att_error_clear(&err);
    if ((rc = cli_origin_day(o, &cutoff)) != 0)
        return rc;
    if (att_run_posterior(run, cutoff, &f, &err) != ATT_OK ||
        att_export_inputs(f.p, att_run_ledger(run), f.post, cutoff, &json, NULL, &err) != ATT_OK ||
        (out = att_output_open(o->output, &err)) == NULL)
        goto fail;
    fputs(json, att_output_stream(out));
    fputc('\n', att_output_stream(out));
    if (att_output_commit(out, &err) != ATT_OK)
        goto fail;
    goto cleanup;
fail:
    rc = cli_report(&err);
cleanup:
    att_export_free(json);
    att_run_fit_free(&f);
    return rc;
}

static int
cli_run(const cli_options *o)
{
    att_run *run = NULL;
    const att_params *p;
    const att_ledger *l;
    att_error err;
    int rc;

    att_error_clear(&err);
    if (o->command == CLI_CMD_SCENARIOS)
        return cli_scenarios();
    if (o->command == CLI_CMD_PROJECT)
        return cli_project(o);
    if (o->command == CLI_CMD_COMPARE || o->command == CLI_CMD_BACKTEST)
        return cli_compare(o);
    if (o->command == CLI_CMD_FIT && strchr(o->scenario, ',') != NULL)
        return cli_fit_rank(o);
    if ((rc = cli_scenario_open(o, o->scenario, &run)) != 0)
        return rc;
    p = att_run_params(run);
    l = att_run_ledger(run);
    switch (o->command) {
    case CLI_CMD_FIT:
        rc = cli_fit(o, run);
        break;
    case CLI_CMD_EXPORT:
        rc = cli_export(o, run);
        break;
    case CLI_CMD_REPORTS:
        cli_print_reports(stdout, l);
        break;
    case CLI_CMD_CHECK:
        /* What the projection would refuse of this file, refused here
         * first; a file with no [projection] start is for fits only. */
        if (p->projection.start != INT32_MIN && att_project_check(p, &err) != ATT_OK) {
            rc = cli_report(&err);
            break;
        }
        printf("ok: %s: %zu phases, %zu arrivals, %zu classes, %zu waves, %zu thresholds", p->path,
               p->nphase, p->narrival, p->nclass, p->nwave, p->nthreshold);
        if (p->ngroup > 0 || p->ndeparture + p->nscheduled > 0) /* docs/model.md 1.5 */
            printf(", %zu groups, %zu departures", p->ngroup, p->ndeparture + p->nscheduled);
        printf(" (%zu file%s read)\n", p->nfile, p->nfile == 1 ? "" : "s");
        printf("ok: %s: ", l->path);
        cli_print_ledger_counts(stdout, l);
        printf("\n");
        cli_print_scenario(stdout, o->scenario, p, l);
        break;
    default:
        break;
    }
    att_run_free(run);
    return rc;
}

int
main(int argc, char **argv)
{
    cli_options o;
    int rc;

    gsl_set_error_handler_off();
    rc = cli_parse(argc, argv, &o);
    if (rc != 0)
        return rc;
    if (o.help)
        cli_help(stdout);
    else if (o.version)
        printf("attrition %s\n", ATT_VERSION_STRING);
    else {
        att_error err;
        if (att_posterior_check_simd(&err) != ATT_OK) {
            fprintf(stderr, "attrition: %s\n", err.msg);
            return CLI_EXIT_USAGE;
        }
        rc = cli_run(&o);
    }
    if (o.plot != NULL)
        cli_plot_release();
    /* Output that did not reach its destination is a failure (disk full,
     * closed pipe): say so rather than exit 0. */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "attrition: writing the output failed\n");
        return CLI_EXIT_IOERR;
    }
    return rc;
}
