/* advice.h -- what the CLI says when a fit fails its convergence checks. */
#ifndef ATTRITION_CLI_ADVICE_H
#define ATTRITION_CLI_ADVICE_H

#include <stdbool.h>

#include <attrition/att_run.h>

/* Prints to stderr that f's fit failed, its diagnosed cause, and the
 * remedies: with check, each fitted in turn until one passes (the
 * progress line says so while it runs).  `at` names the fit (""; or " at
 * the origin 2025-02-28"), `withheld` what is not printed ("No estimates
 * are printed"), `forced` what --force does ("print them").  Returns CLI_EXIT_FAILED, or the exit
 * code of an error met on the way. */
int cli_fit_failed(const att_run *r,
                   const att_run_fit *f,
                   const char *at,
                   const char *withheld,
                   const char *forced,
                   bool check,
                   bool progress);

/* One line for a fit skipped by backtest: the policy's sentence and the
 * diagnosed cause, without remedies tried. */
void cli_fit_failed_brief(const att_run *r, const att_run_fit *f, char *buf, size_t n);

#endif /* ATTRITION_CLI_ADVICE_H */
