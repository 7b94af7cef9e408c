/* cli_run.h -- running the attrition binary from the CLI tests: its exit
 * code, stdout and stderr, and golden files.  Each test executable passes
 * its own file names, so that two can run at once. */
#ifndef ATTRITION_TEST_CLI_RUN_H
#define ATTRITION_TEST_CLI_RUN_H

#include <stdbool.h>
#include <stddef.h>

/* Runs attrition with args in the source folder (so ./params is found),
 * stdout to out, stderr to err.  Returns the exit code. */
int cli_run(const char *out, const char *err, const char *const *args);

/* Runs args and expects exit code and that stderr contains want (or is
 * empty for NULL). */
void
cli_expect(const char *out, const char *err, const char *const *args, int code, const char *want);

/* The same, with stderr containing each of wants (NULL-terminated; NULL:
 * empty), from one run. */
void cli_expect_each(
    const char *out, const char *err, const char *const *args, int code, const char *const *wants);

/* Runs args, expects exit 0 and stdout equal to tests/golden/name (which
 * ATT_UPDATE_GOLDEN=1 rewrites). */
void cli_golden(const char *out, const char *err, const char *name, const char *const *args);

/* Text got (read from the file seen) against tests/golden/name, which
 * ATT_UPDATE_GOLDEN=1 rewrites. */
void cli_check_golden(const char *got, const char *name, const char *seen);

/* The same as cli_golden for an output that carries a fit's numbers,
 * whose fit fit_args (`fit --format json` with the same settings) prints:
 * its golden, tests/golden/<name without extension>.fit.json, is made
 * with the output's, and on a difference the message says whether the fit
 * moved by Monte Carlo noise or by a real change (cli_fit_verdict). */
void cli_golden_fit(const char *out,
                    const char *err,
                    const char *name,
                    const char *const *args,
                    const char *const *fit_args);

/* Monte Carlo noise: a fit's quantiles within this many combined MCSEs,
 * sqrt(mcse_now^2 + mcse_golden^2), of the golden fit's. */
#define CLI_NOISE_MCSE 4.0

/* Whether the fit JSON now_json differs from golden_json by Monte Carlo
 * noise only: every parameter's q05, q50 and q95 within CLI_NOISE_MCSE
 * combined MCSEs (the JSON's mcse_q05, ...).  msg (size n) says which,
 * with the largest distance and where. */
bool cli_fit_verdict(const char *now_json, const char *golden_json, char *msg, size_t n);

/* With CLI_RUN_NAME defined before the include, the test's own files and
 * short forms of the three calls. */
#ifdef CLI_RUN_NAME
#define OUT ATT_BINARY_DIR "/tests/" CLI_RUN_NAME "_stdout.txt"
#define ERR ATT_BINARY_DIR "/tests/" CLI_RUN_NAME "_stderr.txt"

static inline int
run(const char *out, const char *const *args)
{
    return cli_run(out, ERR, args);
}

static inline void
expect(const char *const *args, int code, const char *want)
{
    cli_expect(OUT, ERR, args, code, want);
}

static inline void
golden(const char *name, const char *const *args)
{
    cli_golden(OUT, ERR, name, args);
}

static inline void
golden_fit(const char *name, const char *const *args, const char *const *fit_args)
{
    cli_golden_fit(OUT, ERR, name, args, fit_args);
}
#endif

#endif /* ATTRITION_TEST_CLI_RUN_H */
