/* fit_cmd.h -- `attrition fit`: fit the model and print the posterior. */
#ifndef ATTRITION_CLI_FIT_CMD_H
#define ATTRITION_CLI_FIT_CMD_H

#include <jansson.h>

#include <attrition/att_fit.h>
#include <attrition/att_ledger.h>
#include <attrition/att_params.h>
#include <attrition/att_posterior.h>

#include "options.h"

/* Runs the fit of p on l with the options' overrides, prints it in the
 * chosen format, and returns the exit code. */
int cli_fit(const cli_options *o, const att_params *p, const att_ledger *l);

/* The sampler settings: the scenario's, with the options' overrides. */
att_fit_params cli_fit_params(const cli_options *o, const att_params *p);

/* The JSON "meta" object shared by fit and project: version, command,
 * scenario, files and digests, anchor, seed and sampler settings (never
 * --threads or --output, which do not change results). */
json_t *cli_json_meta(const char *command,
                      const char *scenario,
                      const att_params *p,
                      const att_ledger *l,
                      const att_posterior *post,
                      const char *params_digest,
                      const att_fit_params *fp);

#endif /* ATTRITION_CLI_FIT_CMD_H */
