/* options.h -- the command line: subcommands, the option table, parsing. */
#ifndef ATTRITION_CLI_OPTIONS_H
#define ATTRITION_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define CLI_LEVELS_MAX 32 /* --quantiles levels (ATT_QUANTILES_MAX) */

typedef enum {
    CLI_CMD_PROJECT,   /* the default: fit, project and print a scenario */
    CLI_CMD_REPORTS,   /* the ledger as a table */
    CLI_CMD_SCENARIOS, /* the parameter files with their descriptions */
    CLI_CMD_CHECK,     /* validate a scenario and its ledger */
    CLI_CMD_FIT,       /* fit the model and print the posterior */
    CLI_CMD_EXPORT,    /* the resolved fit inputs as canonical JSON */
    CLI_CMD_COMPARE,   /* score a fit made at an origin against later reports */
    CLI_CMD_BACKTEST,  /* compare at every statement date */
    CLI_CMD_COUNT
} cli_command;

/* Everything the command line can say; -1 / NULL mean "not given", so the
 * scenario file's value stands. */
typedef struct {
    cli_command command;
    const char *scenario; /* NAME or FILE; default "baseline" */
    const char *ledger;   /* overrides [model] ledger */
    const char *anchor;   /* overrides [model] anchor */
    long chains, warmup, draws, threads;
    long seed;
    bool force;
    bool influence; /* fit: refit without each report */
    const char *save_fit;
    const char *loglik;            /* fit --loglik FILE */
    const char *hub;               /* --hub PREFIX: hubverse tables */
    const char *format;            /* table (default), csv or json */
    const char *output;            /* file for the output; NULL or "-": standard output */
    const char *origin;            /* cut-off date, YYYY-MM-DD, or NULL */
    const char *fit;               /* project: a saved fit to project from, or NULL */
    long paths;                    /* project: simulated paths */
    double levels[CLI_LEVELS_MAX]; /* --quantiles, percent; nlevels 0: the scenario's */
    size_t nlevels;
    bool daily;        /* one output row per day */
    bool quiet;        /* no progress on stderr */
    bool ascii;        /* plain-ASCII fan chart */
    const char *plot;  /* picture file, or NULL */
    const char *later; /* compare, backtest: a CSV of later reports, or NULL */
    bool help, version;
} cli_options;

/* Parses argv into *o.  Returns 0 on success; on a usage error prints
 * "attrition: ..." and a hint to stderr and returns the usage exit code. */
int cli_parse(int argc, char **argv, cli_options *o);

/* Prints the help text (with live defaults) to f. */
void cli_help(FILE *f);

#endif /* ATTRITION_CLI_OPTIONS_H */
