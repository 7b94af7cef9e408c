/* hub.h -- forecasts as hubverse tables (https://hubverse.io, "model
 * output" and "oracle output"), for scoring tools that read them:
 * PREFIX-model-output.csv holds one row per forecaster, task and quantile
 * level; PREFIX-oracle-output.csv what was later reported.  docs/model.md,
 * section 9. */
#ifndef ATTRITION_CLI_HUB_H
#define ATTRITION_CLI_HUB_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <attrition/att_ledger.h>

/* The hub's target of a report: its kind, then its measure unless
 * cumulative, then its groups ("killed daily inf"), in buf (size n). */
const char *cli_hub_target(const att_report *r, char *buf, size_t n);

/* The model-output header (report: with a report_id column). */
void cli_hub_model_header(FILE *f, int report);

/* One model-output row. */
void cli_hub_model_row(FILE *f,
                       const char *model_id,
                       int32_t origin,
                       const char *report_id,
                       const char *target,
                       int32_t target_end,
                       int32_t horizon,
                       double level,
                       double value);

/* The oracle-output file: each point (approx) figure of l stated after
 * the earliest origin; ranges and bounds have no single value. */
void cli_hub_oracle(FILE *f, const att_ledger *l, int32_t after);

/* Writes PREFIX-model-output.csv with print (complete or not at all) and,
 * when l is not NULL, PREFIX-oracle-output.csv.  Returns 0 or an exit
 * code after saying why. */
int cli_hub_write(const char *prefix,
                  void (*print)(FILE *f, const void *ctx),
                  const void *ctx,
                  const att_ledger *l,
                  int32_t after);

#endif /* ATTRITION_CLI_HUB_H */
