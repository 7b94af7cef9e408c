/* project_cmd.h -- `attrition [project] --scenario NAME[,NAME...]`. */
#ifndef ATTRITION_CLI_PROJECT_CMD_H
#define ATTRITION_CLI_PROJECT_CMD_H

#include "options.h"

/* Fits (or loads --fit), projects and prints one scenario, or several side
 * by side; returns the exit code. */
int cli_project(const cli_options *o);

#endif /* ATTRITION_CLI_PROJECT_CMD_H */
