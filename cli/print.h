/* print.h -- the human-readable tables the CLI prints. */
#ifndef ATTRITION_CLI_PRINT_H
#define ATTRITION_CLI_PRINT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include <attrition/att_fit.h>
#include <attrition/att_ledger.h>
#include <attrition/att_params.h>
#include <attrition/att_run.h>

/* v with thousands separators when it is a whole number >= 1000 ("12,345"),
 * else as %g. */
char *cli_count(double v, char *buf, size_t n);

/* A number, or "n/a" where it cannot be computed (never nan or inf):
 * style 'g' with digits significant figures (whole above 10,000), 'f' with
 * digits decimals, '+' signed with digits decimals. */
const char *cli_num(double x, char style, int digits, char *buf, size_t n);

/* The anchor as the [model] anchor key states it: "none" or CLASS:FAMILY,... */
void cli_anchor_text(const att_params *p, char *buf, size_t n);

/* What a fit's refits did, as a clause ("adapt_delta raised from 0.8 to
 * 0.95 after more than 40 divergent transitions of 4000 draws": the first
 * run stops there); "" when none. */
void cli_refit_text(const att_fit_result *fit, char *buf, size_t n);

/* A report's figure as text: "~3,800", "10,000-12,000", ">=11,000",
 * "<=0.5", with "/day" for rates and daily measures, " (period)" over a
 * period, and the groups it covers in brackets ("~900 [art+inf]"). */
char *cli_figure(const att_report *r, char *buf, size_t n);

/* The ledger as a table with repeat and revision marks and a legend. */
void cli_print_reports(FILE *f, const att_ledger *l);

/* The scenario as read: files, ledger, anchor, fit settings, phases,
 * arrivals, classes, projection, waves and thresholds. */
void cli_print_scenario(FILE *f, const char *name, const att_params *p, const att_ledger *l);

/* One line on what the ledger holds and what a fit would use. */
void cli_print_ledger_counts(FILE *f, const att_ledger *l);

/* A command's output, atomically to path (stdout for NULL or "-"): with
 * json, the document json_doc(ctx) returns (digits significant), else
 * what print(f, ctx) writes.
 * Returns 0, or an exit code after saying why on stderr. */
int cli_write_output(const char *path,
                     bool json,
                     unsigned digits,
                     json_t *(*json_doc)(const void *ctx),
                     void (*print)(FILE *f, const void *ctx),
                     const void *ctx);

/* A hazard rule in words ("low's hazard x 1-2 (log-uniform)", "a fixed
 * hazard of 0.001 per day"), in buf (size n); inherit itself for a rule
 * that inherits. */
const char *cli_hazard_rule(
    const att_params *p, const att_hazard_rule *h, const char *inherit, char *buf, size_t n);

/* Widens *width to s's length: a table's name column, at least its
 * default and as wide as its longest name. */
void cli_widen(int *width, const char *s);

/* x as a CSV field (10 significant figures), or nothing where it is not
 * finite: an empty field, never nan or inf. */
void cli_csv_num(FILE *f, double x);

/* s as one CSV field, quoted, with its quotes doubled (RFC 4180). */
void cli_csv_text(FILE *f, const char *s);

/* A number for JSON: null where it is not finite (never NaN or infinity). */
json_t *cli_json_num(double x);

/* The JSON "meta" object of fit, project, compare and backtest: version,
 * command, scenario, files and digests, the reports post uses, anchor,
 * seed and sampler settings fp (never --threads or --output, which do not
 * change results). */
json_t *cli_json_meta(const char *command,
                      const char *scenario,
                      const att_run *run,
                      const att_posterior *post,
                      const att_fit_params *fp);

/* Writes doc to f (indented, keys in order, reals with digits significant
 * figures) and a newline, and frees doc.  false if the write failed. */
bool cli_json_write(FILE *f, json_t *doc, unsigned digits);

/* Progress on stderr, for steps longer than a second: only when stderr is
 * a terminal and --quiet was not given (cli_progress_on).  Each message
 * replaces the previous one on its line; cli_progress_done clears it. */
bool cli_progress_on(bool quiet);
void cli_progress(bool on, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cli_progress_done(bool on);

#endif /* ATTRITION_CLI_PRINT_H */
