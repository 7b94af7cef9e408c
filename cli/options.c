/* options.c -- one table declares every option: it drives getopt_long,
 * the per-subcommand checks, value parsing and --help. */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <attrition/att_version.h>

#include "exit_codes.h"

#define CMD(c) (1u << (c))
#define SCORES (CMD(CLI_CMD_COMPARE) | CMD(CLI_CMD_BACKTEST))
#define ALL                                                                                \
    (CMD(CLI_CMD_PROJECT) | CMD(CLI_CMD_REPORTS) | CMD(CLI_CMD_CHECK) | CMD(CLI_CMD_FIT) | \
     CMD(CLI_CMD_EXPORT) | SCORES)
#define FITS (CMD(CLI_CMD_PROJECT) | CMD(CLI_CMD_FIT) | SCORES)
#define PROJ CMD(CLI_CMD_PROJECT)

typedef enum { OPT_FLAG, OPT_TEXT, OPT_LONG } opt_type;

typedef struct {
    const char *name; /* long name */
    int shortname;    /* short letter, or a value > 255 for none */
    opt_type type;
    const char *metavar; /* shown in --help */
    long lo, hi;         /* range, OPT_LONG */
    unsigned commands;   /* where it applies */
    const char *help;
} cli_option;

enum {
    O_SCENARIO = 's',
    O_HELP = 'h',
    O_VERSION = 'V',
    O_LEDGER = 256,
    O_ANCHOR,
    O_CHAINS,
    O_WARMUP,
    O_DRAWS,
    O_SEED,
    O_THREADS,
    O_FORCE,
    O_SAVE_FIT,
    O_FORMAT,
    O_OUTPUT,
    O_ORIGIN,
    O_INFLUENCE,
    O_FIT,
    O_PATHS,
    O_QUANTILES,
    O_DAILY,
    O_QUIET,
    O_ASCII,
    O_PLOT,
    O_LATER,
    O_LOGLIK,
    O_HUB
};

static const cli_option cli_table[] = {
    {"scenario", O_SCENARIO, OPT_TEXT, "NAME|FILE", 0, 0, ALL,
     "params/NAME.ini or a file (default baseline); project: a,b,c side by side; fit: a,b,c "
     "ranked by PSIS-LOO"},
    {"ledger", O_LEDGER, OPT_TEXT, "FILE", 0, 0, ALL,
     "report ledger CSV (default: the scenario's)"},
    {"anchor", O_ANCHOR, OPT_TEXT, "SPEC", 0, 0, FITS,
     "none or CLASS:FAMILY[,...]: biases pinned to 0 (default: the scenario's)"},
    {"chains", O_CHAINS, OPT_LONG, "N", 1, 64, FITS, "MCMC chains (default: the scenario's)"},
    {"warmup", O_WARMUP, OPT_LONG, "N", 10, 1000000, FITS, "warm-up iterations per chain"},
    {"draws", O_DRAWS, OPT_LONG, "N", 10, 1000000, FITS, "kept draws per chain"},
    {"seed", O_SEED, OPT_LONG, "N", 0, 4294967295L, FITS, "random seed (default: the scenario's)"},
    {"threads", O_THREADS, OPT_LONG, "N", 1, 256, FITS, "worker threads; never changes results"},
    {"force", O_FORCE, OPT_FLAG, NULL, 0, 0, FITS, "print estimates even from a failed fit"},
    {"save-fit", O_SAVE_FIT, OPT_TEXT, "FILE", 0, 0, CMD(CLI_CMD_FIT) | PROJ | CMD(CLI_CMD_COMPARE),
     "write the posterior draws as JSON (compare: the fit at the origin)"},
    {"hub", O_HUB, OPT_TEXT, "PREFIX", 0, 0, PROJ | SCORES,
     "also write the forecasts as hubverse quantile tables PREFIX-model-output.csv (and, "
     "compare, backtest: PREFIX-oracle-output.csv)"},
    {"loglik", O_LOGLIK, OPT_TEXT, "FILE", 0, 0, CMD(CLI_CMD_FIT),
     "write each draw's log-likelihood of each used report as CSV (for loo and the like)"},
    {"fit", O_FIT, OPT_TEXT, "FILE", 0, 0, PROJ | CMD(CLI_CMD_COMPARE),
     "project (or score) from a fit saved with --save-fit instead of fitting"},
    {"later", O_LATER, OPT_TEXT, "FILE", 0, 0, SCORES,
     "compare, backtest: a CSV of later reports to score too (any valid ledger file)"},
    {"paths", O_PATHS, OPT_LONG, "N", 1, 10000000, PROJ,
     "simulated paths (default: the scenario's)"},
    {"quantiles", O_QUANTILES, OPT_TEXT, "LIST", 0, 0, PROJ,
     "percent levels, ascending, 50 included (default 5,25,50,75,95)"},
    {"daily", O_DAILY, OPT_FLAG, NULL, 0, 0, PROJ, "one output row per day, not per step"},
    {"ascii", O_ASCII, OPT_FLAG, NULL, 0, 0, PROJ, "draw the fan chart in plain ASCII"},
    {"plot", O_PLOT, OPT_TEXT, "FILE", 0, 0, PROJ | CMD(CLI_CMD_BACKTEST),
     "draw the fan charts into FILE.svg, FILE.png or FILE.pdf"},
    {"quiet", O_QUIET, OPT_FLAG, NULL, 0, 0, FITS,
     "no progress on standard error (it shows only on a terminal)"},
    {"format", O_FORMAT, OPT_TEXT, "FMT", 0, 0, CMD(CLI_CMD_FIT) | PROJ | SCORES,
     "table, csv or json (default table)"},
    {"influence", O_INFLUENCE, OPT_FLAG, NULL, 0, 0, CMD(CLI_CMD_FIT),
     "how each hazard's median moves without each report (PSIS; refits where k > 0.5)"},
    {"origin", O_ORIGIN, OPT_TEXT, "DATE", 0, 0,
     CMD(CLI_CMD_EXPORT) | CMD(CLI_CMD_COMPARE) | CMD(CLI_CMD_FIT),
     "cut-off: only what was stated by DATE (YYYY-MM-DD; fit: the fit compare makes there)"},
    {"output", O_OUTPUT, OPT_TEXT, "FILE", 0, 0, FITS | CMD(CLI_CMD_EXPORT),
     "write to FILE (complete or not at all) instead of standard output"},
    {"help", O_HELP, OPT_FLAG, NULL, 0, 0, ALL | CMD(CLI_CMD_SCENARIOS),
     "print this help and exit"},
    {"version", O_VERSION, OPT_FLAG, NULL, 0, 0, ALL | CMD(CLI_CMD_SCENARIOS),
     "print the version and exit"},
};
#define CLI_NOPT (sizeof cli_table / sizeof cli_table[0])

static const char *const cli_commands[CLI_CMD_COUNT] = {
    "project", "reports", "scenarios", "check", "fit", "export-data", "compare", "backtest"};
static const char *const cli_command_help[CLI_CMD_COUNT] = {
    "fit the scenario to the ledger and project it (the default)",
    "the ledger as a table, repeats and revisions marked, validated",
    "the parameter files, each with its one-line description",
    "validate a scenario and its ledger; prints what was read",
    "fit the model by MCMC and print the posterior, per report and per source",
    "write the resolved fit inputs as canonical JSON (what peers and saved fits use)",
    "fit on what was known at --origin, score the reports stated after it",
    "compare at every statement date of the ledger, summary by horizon"};

void
cli_help(FILE *f)
{
    size_t i;

    fprintf(f,
            "attrition %s -- casualty rates from contradictory reports, and force "
            "depletion\n\n",
            ATT_VERSION_STRING);
    fprintf(f, "Usage: attrition [COMMAND] [OPTIONS]\n"
               "       attrition --scenario reinforce30k\n\nCommands:\n");
    for (i = 0; i < CLI_CMD_COUNT; i++)
        fprintf(f, "  %-12s %s\n", cli_commands[i], cli_command_help[i]);
    fprintf(f, "\nOptions:\n");
    for (i = 0; i < CLI_NOPT; i++) {
        const cli_option *o = &cli_table[i];
        char lhs[48];
        if (o->shortname < 256)
            snprintf(lhs, sizeof lhs, "-%c, --%s%s%s", o->shortname, o->name, o->metavar ? " " : "",
                     o->metavar ? o->metavar : "");
        else
            snprintf(lhs, sizeof lhs, "    --%s%s%s", o->name, o->metavar ? " " : "",
                     o->metavar ? o->metavar : "");
        fprintf(f, "  %-26s %s", lhs, o->help);
        if (o->type == OPT_LONG)
            fprintf(f, " [%ld-%ld]", o->lo, o->hi);
        fprintf(f, "\n");
    }
    fprintf(f, "\nExit codes:\n"
               "  0 success; 1 the computation failed; 64 usage error; 65 malformed or\n"
               "  inconsistent ledger or parameter file; 66 input file missing or unreadable;\n"
               "  70 internal error (a bug); 71 out of memory or system error; 73 output file\n"
               "  cannot be created; 74 write failed (no partial file is left)\n");
}

static int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
cli_usage_error(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "attrition: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'attrition --help'.\n");
    return CLI_EXIT_USAGE;
}

static bool
cli_parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || errno == ERANGE || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

/* "5,25,50,75,95": ascending levels in (0, 100), 50 among them. */
static bool
cli_parse_levels(const char *s, cli_options *o)
{
    bool has50 = false;
    char *end;

    o->nlevels = 0;
    for (;;) {
        double v;
        errno = 0;
        v = strtod(s, &end);
        if (end == s || errno == ERANGE || !(v > 0.0 && v < 100.0) ||
            o->nlevels == CLI_LEVELS_MAX || (o->nlevels > 0 && v <= o->levels[o->nlevels - 1]))
            return false;
        has50 |= v == 50.0;
        o->levels[o->nlevels++] = v;
        if (*end == '\0')
            return has50;
        if (*end != ',')
            return false;
        s = end + 1;
    }
}

int
cli_parse(int argc, char **argv, cli_options *o)
{
    struct option longopts[CLI_NOPT + 1];
    char shortopts[64], rangebuf[64];
    size_t i, ns = 0;
    int ch;

    memset(o, 0, sizeof *o);
    o->command = CLI_CMD_PROJECT;
    o->chains = o->warmup = o->draws = o->threads = o->seed = o->paths = -1;
    if (argc > 1 && argv[1][0] != '-') {
        for (i = 0; i < CLI_CMD_COUNT && strcmp(argv[1], cli_commands[i]) != 0; i++)
            ;
        if (i == CLI_CMD_COUNT)
            return cli_usage_error("unknown command '%s': expected project, fit, reports, "
                                   "scenarios, check, export-data, compare or backtest",
                                   argv[1]);
        o->command = (cli_command)i;
        argv[1] = argv[0];
        argv++;
        argc--;
    }
    shortopts[ns++] = ':';
    for (i = 0; i < CLI_NOPT; i++) {
        longopts[i].name = cli_table[i].name;
        longopts[i].has_arg = cli_table[i].type == OPT_FLAG ? no_argument : required_argument;
        longopts[i].flag = NULL;
        longopts[i].val = cli_table[i].shortname;
        if (cli_table[i].shortname < 256) {
            shortopts[ns++] = (char)cli_table[i].shortname;
            if (cli_table[i].type != OPT_FLAG)
                shortopts[ns++] = ':';
        }
    }
    shortopts[ns] = '\0';
    memset(&longopts[CLI_NOPT], 0, sizeof(struct option));
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        const cli_option *opt = NULL;
        /* Inside a cluster (-xV) argv[optind - 1] is not the option: name
         * a short option by optopt. */
        if (ch == '?' && optopt > 0 && optopt < 256)
            return cli_usage_error("unknown option '-%c'", optopt);
        if (ch == '?')
            return cli_usage_error("unknown option '%s'", argv[optind - 1]);
        if (ch == ':' && optopt > 0 && optopt < 256)
            return cli_usage_error("option '-%c' needs a value", optopt);
        if (ch == ':')
            return cli_usage_error("option '%s' needs a value", argv[optind - 1]);
        for (i = 0; i < CLI_NOPT; i++)
            if (cli_table[i].shortname == ch)
                opt = &cli_table[i];
        if (opt == NULL)
            return cli_usage_error("unknown option '%s'", argv[optind - 1]);
        if (!(opt->commands & CMD(o->command)))
            return cli_usage_error("option --%s does not apply to '%s'", opt->name,
                                   cli_commands[o->command]);
        if (opt->type == OPT_LONG) {
            long v;
            if (!cli_parse_long(optarg, opt->lo, opt->hi, &v)) {
                snprintf(rangebuf, sizeof rangebuf, "%ld-%ld", opt->lo, opt->hi);
                fprintf(stderr,
                        "attrition: --%s: expected a whole number in %s, found \"%s\"\n"
                        "Try 'attrition --help'.\n",
                        opt->name, rangebuf, optarg);
                return CLI_EXIT_USAGE;
            }
            switch (ch) {
            case O_CHAINS:
                o->chains = v;
                break;
            case O_WARMUP:
                o->warmup = v;
                break;
            case O_DRAWS:
                o->draws = v;
                break;
            case O_SEED:
                o->seed = v;
                break;
            case O_PATHS:
                o->paths = v;
                break;
            default:
                o->threads = v;
                break;
            }
            continue;
        }
        if (opt->type == OPT_TEXT && optarg[0] == '\0')
            return cli_usage_error("option --%s needs a non-empty value", opt->name);
        switch (ch) {
        case O_SCENARIO:
            o->scenario = optarg;
            break;
        case O_LEDGER:
            o->ledger = optarg;
            break;
        case O_ANCHOR:
            o->anchor = optarg;
            break;
        case O_SAVE_FIT:
            o->save_fit = optarg;
            break;
        case O_LOGLIK:
            o->loglik = optarg;
            break;
        case O_HUB:
            o->hub = optarg;
            break;
        case O_FORMAT:
            if (strcmp(optarg, "table") != 0 && strcmp(optarg, "csv") != 0 &&
                strcmp(optarg, "json") != 0)
                return cli_usage_error("--format: expected table, csv or json, found \"%s\"",
                                       optarg);
            o->format = optarg;
            break;
        case O_OUTPUT:
            o->output = optarg;
            break;
        case O_ORIGIN:
            o->origin = optarg;
            break;
        case O_FORCE:
            o->force = true;
            break;
        case O_INFLUENCE:
            o->influence = true;
            break;
        case O_FIT:
            o->fit = optarg;
            break;
        case O_LATER:
            o->later = optarg;
            break;
        case O_QUANTILES:
            if (!cli_parse_levels(optarg, o))
                return cli_usage_error("--quantiles: expected ascending percent levels in (0, "
                                       "100) with 50 among them, at most %d, found \"%s\"",
                                       CLI_LEVELS_MAX, optarg);
            break;
        case O_DAILY:
            o->daily = true;
            break;
        case O_QUIET:
            o->quiet = true;
            break;
        case O_ASCII:
            o->ascii = true;
            break;
        case O_PLOT: {
            size_t len = strlen(optarg);
            const char *ext = len >= 4 ? optarg + len - 4 : "";
            if (strcasecmp(ext, ".svg") != 0 && strcasecmp(ext, ".png") != 0 &&
                strcasecmp(ext, ".pdf") != 0)
                return cli_usage_error("--plot: expected a file ending .svg, .png or .pdf, "
                                       "found \"%s\"",
                                       optarg);
            o->plot = optarg;
            break;
        }
        case O_HELP:
            o->help = true;
            break;
        default:
            o->version = true;
            break;
        }
    }
    if (optind < argc)
        return cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (o->scenario == NULL)
        o->scenario = "baseline";
    if (o->command == CLI_CMD_COMPARE && o->origin == NULL && !o->help && !o->version)
        return cli_usage_error("compare: expected --origin DATE (YYYY-MM-DD), found none");
    if (strchr(o->scenario, ',') != NULL && o->command != CLI_CMD_PROJECT &&
        o->command != CLI_CMD_FIT)
        return cli_usage_error("--scenario: several scenarios (a,b,c) only for 'project' and "
                               "'fit' (variants ranked), found \"%s\"",
                               o->scenario);
    if (o->format == NULL)
        o->format = "table";
    return 0;
}
