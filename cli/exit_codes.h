/* exit_codes.h -- the documented exit codes (values from <sysexits.h>) and
 * the mapping from library status to exit code.  README.md, `--help` and
 * docs/attrition.1 list the same table. */
#ifndef ATTRITION_CLI_EXIT_CODES_H
#define ATTRITION_CLI_EXIT_CODES_H

#include <attrition/att_common.h>

enum {
    CLI_EXIT_OK = 0,         /* output written completely */
    CLI_EXIT_FAILED = 1,     /* the computation failed (no convergence, degenerate posterior) */
    CLI_EXIT_USAGE = 64,     /* unknown option, bad option value, unknown scenario */
    CLI_EXIT_DATAERR = 65,   /* malformed or inconsistent ledger or parameter file */
    CLI_EXIT_NOINPUT = 66,   /* an input file is missing or unreadable */
    CLI_EXIT_SOFTWARE = 70,  /* an internal invariant failed: a bug */
    CLI_EXIT_OSERR = 71,     /* out of memory or another system failure */
    CLI_EXIT_CANTCREAT = 73, /* the output file cannot be created */
    CLI_EXIT_IOERR = 74      /* a write failed; no partial file is left */
};

static inline int
cli_exit_code(att_status st)
{
    switch (st) {
    case ATT_OK:
        return CLI_EXIT_OK;
    case ATT_EPARSE:
    case ATT_EDATA:
    case ATT_ERANGE:
        return CLI_EXIT_DATAERR;
    case ATT_ENOENT:
        return CLI_EXIT_NOINPUT;
    case ATT_ENOMEM:
        return CLI_EXIT_OSERR;
    case ATT_EIO:
        return CLI_EXIT_IOERR;
    case ATT_ECREATE:
        return CLI_EXIT_CANTCREAT;
    case ATT_ENOCONV:
        return CLI_EXIT_FAILED;
    default:
        return CLI_EXIT_SOFTWARE;
    }
}

#endif /* ATTRITION_CLI_EXIT_CODES_H */
