/* print.h -- the human-readable tables the CLI prints. */
#ifndef ATTRITION_CLI_PRINT_H
#define ATTRITION_CLI_PRINT_H

#include <stdio.h>

#include <attrition/att_ledger.h>
#include <attrition/att_params.h>

/* A report's figure as text: "~3,800", "10,000-12,000", ">=11,000",
 * "<=0.5", with "/day" for rates. */
char *cli_figure(const att_report *r, char *buf, size_t n);

/* The ledger as a table with repeat and revision marks and a legend. */
void cli_print_reports(FILE *f, const att_ledger *l);

/* The scenario as read: files, ledger, anchor, fit settings, phases,
 * arrivals, classes, projection, waves and thresholds. */
void cli_print_scenario(FILE *f, const char *name, const att_params *p, const att_ledger *l);

/* One line on what the ledger holds and what a fit would use. */
void cli_print_ledger_counts(FILE *f, const att_ledger *l);

#endif /* ATTRITION_CLI_PRINT_H */
