/* main.c -- the attrition command: parse options, call the library, print,
 * and map the library's status to a documented exit code. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include <attrition/att_export.h>
#include <attrition/att_output.h>
#include <attrition/att_posterior.h>
#include <attrition/attrition.h>

#include "exit_codes.h"
#include "fit_cmd.h"
#include "options.h"
#include "print.h"
#include "scenario.h"

#define CLI_PATH_MAX    4096
#define CLI_MAX_CLASSES 256

static int
cli_fail(const att_error *err)
{
    char buf[2 * ATT_ERROR_MSG_MAX];

    if (err->code == ATT_OK) {
        /* A failure that gave no reason is a bug, never a success. */
        fprintf(stderr, "attrition: internal error: a step failed without saying why\n");
        return CLI_EXIT_SOFTWARE;
    }
    fprintf(stderr, "attrition: %s\n", att_error_format(err, buf, sizeof buf));
    return cli_exit_code(err->code);
}

/* Loads the scenario and its ledger, validated against each other. */
static int
cli_load(const cli_options *o, att_params **out_p, att_ledger **out_l)
{
    char path[CLI_PATH_MAX];
    const char **classes = NULL;
    const char *ledger;
    att_error err;
    size_t i;
    int rc;

    *out_p = NULL;
    *out_l = NULL;
    att_error_clear(&err);
    rc = cli_scenario_path(o->scenario, path, sizeof path);
    if (rc != 0)
        return rc;
    if (att_params_load(path, out_p, &err) != ATT_OK)
        return cli_fail(&err);
    if (o->anchor != NULL && att_params_set_anchor(*out_p, o->anchor, &err) != ATT_OK) {
        fprintf(stderr, "attrition: --anchor: %s\n", err.msg);
        return CLI_EXIT_USAGE;
    }
    ledger = o->ledger != NULL ? o->ledger : (*out_p)->ledger;
    if (ledger == NULL) {
        fprintf(stderr,
                "attrition: %s: [model] ledger: expected a ledger file, found none; "
                "set it or pass --ledger FILE\n",
                path);
        return CLI_EXIT_DATAERR;
    }
    classes = malloc(((*out_p)->nclass + 1) * sizeof *classes);
    if (classes == NULL) {
        fprintf(stderr, "attrition: out of memory\n");
        return CLI_EXIT_OSERR;
    }
    for (i = 0; i < (*out_p)->nclass; i++)
        classes[i] = (*out_p)->classes[i].name;
    rc = 0;
    if (att_ledger_load(ledger, classes, (*out_p)->nclass, out_l, &err) != ATT_OK) {
        if (err.code == ATT_ENOENT && o->ledger == NULL) {
            /* Point at the parameter file's line that named the ledger. */
            char reason[ATT_ERROR_MSG_MAX];
            snprintf(reason, sizeof reason, "%s", err.msg);
            fprintf(stderr, "attrition: %s:%ld: [model] ledger: cannot read \"%s\": %s\n",
                    (*out_p)->ledger_origin.path, (*out_p)->ledger_origin.line, ledger, reason);
            rc = CLI_EXIT_NOINPUT;
        } else
            rc = cli_fail(&err);
    } else if (att_ledger_check(*out_l, *out_p, &err) != ATT_OK)
        rc = cli_fail(&err);
    free(classes);
    return rc;
}

static int
cli_scenarios(void)
{
    char **names, path[CLI_PATH_MAX];
    const char *dir;
    size_t n = cli_scenario_names(&names, &dir), i;

    if (n == 0) {
        fprintf(stderr, "attrition: no scenario files (*.ini) in ./params nor %s/params\n",
                ATT_DATADIR);
        return CLI_EXIT_NOINPUT;
    }
    printf("scenarios in %s/\n", dir);
    for (i = 0; i < n; i++) {
        att_params *p = NULL;
        att_error err;
        char msg[2 * ATT_ERROR_MSG_MAX];
        snprintf(path, sizeof path, "%s/%s.ini", dir, names[i]);
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
cli_export(const cli_options *o, att_params *p, const att_ledger *l)
{
    int32_t cutoff = INT32_MAX;
    att_posterior *post = NULL;
    att_output *out = NULL;
    char *json = NULL;
    const char *why = "";
    att_error err;
    char msg[2 * ATT_ERROR_MSG_MAX];
    int rc = 0;

    if (o->origin != NULL) {
        if (att_date_parse(o->origin, &cutoff, &why) != ATT_OK) {
            fprintf(stderr,
                    "attrition: --origin: expected a date YYYY-MM-DD, found \"%s\" (%s)\n"
                    "Try 'attrition --help'.\n",
                    o->origin, why);
            return CLI_EXIT_USAGE;
        }
        if (att_params_truncate(p, cutoff, &err) != ATT_OK)
            goto fail;
    }
    post = att_posterior_alloc(p, l, cutoff, &err);
    if (post == NULL || att_export_inputs(p, l, post, cutoff, &json, NULL, &err) != ATT_OK)
        goto fail;
    out = att_output_open(o->output, &err);
    if (out == NULL)
        goto fail;
    fputs(json, att_output_stream(out));
    fputc('\n', att_output_stream(out));
    if (att_output_commit(out, &err) != ATT_OK)
        goto fail;
    goto cleanup;
fail:
    fprintf(stderr, "attrition: %s\n", att_error_format(&err, msg, sizeof msg));
    rc = cli_exit_code(err.code);
cleanup:
    free(json);
    att_posterior_free(post);
    return rc;
}

static int
cli_run(const cli_options *o)
{
    att_params *p = NULL;
    att_ledger *l = NULL;
    int rc;

    if (o->command == CLI_CMD_SCENARIOS)
        return cli_scenarios();
    if (o->save_fit != NULL && o->command == CLI_CMD_PROJECT) {
        fprintf(stderr, "attrition: --save-fit: the projection does not fit yet in this version; "
                        "use 'attrition fit --save-fit FILE'\n");
        return CLI_EXIT_USAGE;
    }
    rc = cli_load(o, &p, &l);
    if (rc != 0)
        goto cleanup;
    if (o->chains > 0)
        p->chains = o->chains;
    if (o->warmup > 0)
        p->warmup = o->warmup;
    if (o->draws > 0)
        p->draws = o->draws;
    if (o->seed >= 0)
        p->projection.seed = (unsigned long)o->seed;
    switch (o->command) {
    case CLI_CMD_FIT:
        rc = cli_fit(o, p, l);
        break;
    case CLI_CMD_EXPORT:
        rc = cli_export(o, p, l);
        break;
    case CLI_CMD_REPORTS:
        cli_print_reports(stdout, l);
        break;
    case CLI_CMD_CHECK:
        printf("ok: %s: %zu phases, %zu arrivals, %zu classes, %zu waves, %zu thresholds "
               "(%zu file%s read)\n",
               p->path, p->nphase, p->narrival, p->nclass, p->nwave, p->nthreshold, p->nfile,
               p->nfile == 1 ? "" : "s");
        printf("ok: %s: ", l->path);
        cli_print_ledger_counts(stdout, l);
        break;
    default:
        cli_print_scenario(stdout, o->scenario, p, l);
        printf("\nThe projection is not implemented yet: nothing was projected.  The fit it\n"
               "will start from is: attrition fit --scenario %s\n",
               o->scenario);
        break;
    }
cleanup:
    att_ledger_free(l);
    att_params_free(p);
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
    else
        rc = cli_run(&o);
    /* Output that did not reach its destination is a failure (disk full,
     * closed pipe): say so rather than exit 0. */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "attrition: writing the output failed\n");
        return CLI_EXIT_IOERR;
    }
    return rc;
}
