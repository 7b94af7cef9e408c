/* scenario.h -- finding scenario files by name. */
#ifndef ATTRITION_CLI_SCENARIO_H
#define ATTRITION_CLI_SCENARIO_H

#include <stddef.h>
#include <stdio.h>

#include <attrition/att_ledger.h>
#include <attrition/att_params.h>
#include <attrition/att_run.h>

#include "options.h"

/* The folders searched for NAME.ini, in order: ./params, then the installed
 * share directory. */
#define CLI_LOCAL_PARAMS "params"

/* Resolves NAME or FILE to a path in buf (size n).  A value with a '/' or
 * ending in ".ini" is a file; otherwise NAME.ini is looked up in
 * ./params, then in the installed share folder (beside the running
 * binary, then the one the build was configured for).  Returns 0, or the
 * usage exit code after printing "unknown scenario" with the names known. */
int cli_scenario_path(const char *name, char *buf, size_t n);

/* Lists the scenario names of the first folder that has any, sorted, into
 * names (each a malloc'd string; free with cli_scenario_names_free); dir
 * (size dir_size) gets that folder. */
size_t cli_scenario_names(char ***names, char *dir, size_t dir_size);
void cli_scenario_names_free(char **names, size_t n);

/* Prints the folders a scenario name is looked up in ("a, b nor c"). */
void cli_scenario_dirs_print(FILE *f);

/* Opens scenario `name` as a run (att_run_open) with the options'
 * overrides: --ledger, --anchor, --later, --chains, --warmup, --draws,
 * --seed, --threads.  Returns 0, or the exit code after printing the
 * error. */
int cli_scenario_open(const cli_options *o, const char *name, att_run **out);

/* --origin as a day into *day (INT32_MAX when not given).  Returns 0, or
 * 64 after printing what was expected and found. */
int cli_origin_day(const cli_options *o, int32_t *day);

/* Prints "attrition: file:line: ..." for err and returns its exit code
 * (64 for an error in an option's value, whose path is the option). */
int cli_report(const att_error *err);

#endif /* ATTRITION_CLI_SCENARIO_H */
