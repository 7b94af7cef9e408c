/* fit_cmd.h -- `attrition fit`: fit the model and print the posterior. */
#ifndef ATTRITION_CLI_FIT_CMD_H
#define ATTRITION_CLI_FIT_CMD_H

#include <attrition/att_run.h>

#include "options.h"

/* Fits the run's posterior, prints it in the chosen format (with
 * --influence, the leave-one-out table), saves it with --save-fit, and
 * returns the exit code. */
int cli_fit(const cli_options *o, const att_run *run);

/* `attrition fit --scenario a,b,...`: each variant of one ledger fitted and
 * ranked by PSIS-LOO, with each one's elpd difference from the best and
 * its standard error. */
int cli_fit_rank(const cli_options *o);

#endif /* ATTRITION_CLI_FIT_CMD_H */
