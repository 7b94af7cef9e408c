/* compare_cmd.h -- `attrition compare` and `attrition backtest`. */
#ifndef ATTRITION_CLI_COMPARE_CMD_H
#define ATTRITION_CLI_COMPARE_CMD_H

#include "options.h"

/* Fits on what was known at --origin (compare) or at each statement date
 * (backtest), scores the later reports, prints; returns the exit code. */
int cli_compare(const cli_options *o);

#endif /* ATTRITION_CLI_COMPARE_CMD_H */
