/* fit_cmd.h -- `attrition fit`: fit the model and print the posterior. */
#ifndef ATTRITION_CLI_FIT_CMD_H
#define ATTRITION_CLI_FIT_CMD_H

#include <attrition/att_ledger.h>
#include <attrition/att_params.h>

#include "options.h"

/* Runs the fit of p on l with the options' overrides, prints it in the
 * chosen format, and returns the exit code. */
int cli_fit(const cli_options *o, const att_params *p, const att_ledger *l);

#endif /* ATTRITION_CLI_FIT_CMD_H */
