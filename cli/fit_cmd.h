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

/* Writes fit as a saved fit (att_savefit_write) to path, atomically;
 * digest is the SHA-256 of its fit inputs (att_export_inputs).  Returns 0,
 * or an exit code after saying why on stderr. */
int cli_save_fit(const char *path,
                 const att_posterior *post,
                 const att_fit_result *fit,
                 const char *digest,
                 unsigned long seed);

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
