/* test_cli.c -- the attrition command as a user meets it: exit codes,
 * error messages that name file, line and field, a failed write, and
 * golden outputs for a fixed seed.  Set ATT_UPDATE_GOLDEN=1 to rewrite the
 * golden files after a deliberate change (then review the diff). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "att_test.h"
#include "bad_ledgers.h"
#include "bad_params.h"
#include "fixture.h"

#define OUT ATT_BINARY_DIR "/tests/cli_stdout.txt"
#define ERR ATT_BINARY_DIR "/tests/cli_stderr.txt"

/* Runs attrition with args in the source folder (so ./params is found),
 * stdout to stdout_path, stderr to ERR.  Returns the exit code. */
static int
run(const char *stdout_path, const char *const *args)
{
    char *argv[32];
    pid_t pid;
    int status = 0, n = 0;

    argv[n++] = (char *)(uintptr_t)ATT_CLI;
    while (*args != NULL && n < 31)
        argv[n++] = (char *)(uintptr_t)*args++;
    argv[n] = NULL;
    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fo = open(stdout_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int fe = open(ERR, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fo < 0 || fe < 0 || dup2(fo, 1) < 0 || dup2(fe, 2) < 0 || chdir(ATT_SOURCE_DIR) != 0)
            _exit(127);
        execv(ATT_CLI, argv);
        _exit(127);
    }
    assert_true(waitpid(pid, &status, 0) == pid);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

/* Expects exit code and that stderr contains want (or is empty for NULL). */
static void
expect(const char *const *args, int code, const char *want_err)
{
    int rc = run(OUT, args);
    char *err = fixture_read_file(ERR);

    assert_non_null(err);
    if (rc != code || (want_err == NULL && err[0] != '\0') ||
        (want_err != NULL && strstr(err, want_err) == NULL))
        fail_msg("attrition %s ...: exit %d (expected %d), stderr \"%s\" (expected ~\"%s\")",
                 args[0] ? args[0] : "", rc, code, err, want_err ? want_err : "");
    free(err);
}

static void
test_help_and_version(void **state)
{
    const char *help[] = {"--help", NULL}, *version[] = {"--version", NULL};
    char *out;

    (void)state;
    expect(help, 0, NULL);
    out = fixture_read_file(OUT);
    assert_non_null(strstr(out, "Usage: attrition"));
    assert_non_null(strstr(out, "64 usage error"));
    free(out);
    expect(version, 0, NULL);
    out = fixture_read_file(OUT);
    assert_string_equal(out, "attrition 0.1.0\n");
    free(out);
}

static void
test_usage_errors_exit_64(void **state)
{
    const char *bogus[] = {"--bogus", NULL};
    const char *chains[] = {"--chains", "0", NULL};
    const char *seed[] = {"--seed", "12x", NULL};
    const char *cmd[] = {"frobnicate", NULL};
    const char *scen[] = {"--scenario", "reinforce30", NULL};
    const char *notfor[] = {"reports", "--chains", "4", NULL};
    const char *anchor[] = {"--anchor", "ua_govt:losses", NULL};
    const char *noval[] = {"--ledger", NULL};
    const char *extra[] = {"check", "stray", NULL};

    (void)state;
    expect(bogus, 64, "attrition: unknown option '--bogus'");
    expect(chains, 64, "--chains: expected a whole number in 1-64, found \"0\"");
    expect(seed, 64, "--seed: expected a whole number");
    expect(cmd, 64, "unknown command 'frobnicate'");
    expect(scen, 64, "unknown scenario 'reinforce30'");
    expect(scen, 64, "reinforce30k");
    expect(notfor, 64, "--chains does not apply to 'reports'");
    expect(anchor, 64, "did you mean \"ua_gov\"");
    expect(noval, 64, "needs a value");
    expect(extra, 64, "unexpected argument 'stray'");
}

static void
test_input_errors_name_file_line_field(void **state)
{
    const char *missing[] = {"check", "--scenario", "tests/fixtures/missing.ini", NULL};
    const char *badkey[] = {"check", "--scenario", "tests/fixtures/bad_key.ini", NULL};
    const char *baddate[] = {"reports", "--ledger", "tests/fixtures/bad_date.csv", NULL};
    const char *noledger[] = {"reports", "--ledger", "tests/fixtures/none.csv", NULL};

    (void)state;
    expect(missing, 66, "attrition: tests/fixtures/missing.ini: cannot open");
    expect(badkey, 65,
           "attrition: tests/fixtures/bad_key.ini:5: [priors] kapa_a: unknown key (did you mean "
           "\"kappa_a\"?)");
    expect(baddate, 65,
           "attrition: tests/fixtures/bad_date.csv:3:2: statement_date: expected a date "
           "YYYY-MM-DD, found \"2025-02-30\" (no such day in that month)");
    expect(noledger, 66, "tests/fixtures/none.csv: cannot open");
}

static void
write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
}

/* The exit code documented for an input error of this status. */
static int
documented_exit(att_status code)
{
    return code == ATT_ENOENT ? 66 : 65;
}

/* Every malformed ledger of test_ledger through the command: the exit code,
 * and "attrition: FILE:LINE:FIELD: COLUMN:" on stderr. */
static void
test_every_bad_ledger_through_the_cli(void **state)
{
    const char *path = ATT_BINARY_DIR "/tests/bad_ledger.csv";
    const char *args[] = {"reports", "--ledger", path, NULL};
    char want[1200];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof bad_ledgers / sizeof bad_ledgers[0]; i++) {
        const bad_ledger_case *c = &bad_ledgers[i];
        write_file(path, c->text);
        if (c->line == 0)
            snprintf(want, sizeof want, "attrition: %s: ", path);
        else if (c->column == 0)
            snprintf(want, sizeof want, "attrition: %s:%ld: ", path, c->line);
        else
            snprintf(want, sizeof want, "attrition: %s:%ld:%d: %s%s", path, c->line, c->column,
                     c->field ? c->field : "", c->field ? ": " : "");
        expect(args, documented_exit(c->code), want);
        expect(args, documented_exit(c->code), c->msg);
    }
    print_message("%zu malformed ledgers checked through the CLI\n", i);
}

/* Every malformed parameter file of test_params through the command. */
static void
test_every_bad_params_through_the_cli(void **state)
{
    const char *main_ini = ATT_BINARY_DIR "/tests/main.ini";
    const char *inc_ini = ATT_BINARY_DIR "/tests/inc.ini";
    const char *args[] = {"check", "--scenario", main_ini, NULL};
    char want[1200];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof bad_params / sizeof bad_params[0]; i++) {
        const bad_params_case *c = &bad_params[i];
        const char *named = strcmp(c->path, "main.ini") == 0 ? main_ini : inc_ini;
        write_file(main_ini, c->text);
        write_file(inc_ini, c->included ? c->included : "; unused\n");
        if (c->line == 0)
            snprintf(want, sizeof want, "attrition: %s: ", named);
        else
            snprintf(want, sizeof want, "attrition: %s:%ld: ", named, c->line);
        expect(args, documented_exit(c->code), want);
        if (c->field != NULL)
            expect(args, documented_exit(c->code), c->field);
        expect(args, documented_exit(c->code), c->msg);
    }
    print_message("%zu malformed parameter files checked through the CLI\n", i);
}

static void
test_failed_write_exits_74(void **state)
{
    /* The main command's whole output, from a small fit (--force: its
     * verdict would stop it before the write otherwise). */
    const char *args[] = {"--scenario", "reinforce30k", "--chains", "2",   "--warmup", "50",
                          "--draws",    "50",           "--paths",  "200", "--force",  NULL};
    int rc;

    (void)state;
    if (access("/dev/full", W_OK) != 0)
        skip();
    rc = run("/dev/full", args);
    assert_int_equal(rc, 74);
}

/* Compares stdout of args with tests/golden/name (or rewrites it). */
static void
golden(const char *name, const char *const *args)
{
    char path[1024], *want, *got;
    FILE *f;

    snprintf(path, sizeof path, "%s/tests/golden/%s", ATT_SOURCE_DIR, name);
    expect(args, 0, NULL);
    got = fixture_read_file(OUT);
    assert_non_null(got);
    if (getenv("ATT_UPDATE_GOLDEN") != NULL) {
        f = fopen(path, "wb");
        assert_non_null(f);
        fputs(got, f);
        fclose(f);
    }
    want = fixture_read_file(path);
    if (want == NULL)
        fail_msg("no golden file %s (run with ATT_UPDATE_GOLDEN=1 to create it)", path);
    if (strcmp(want, got) != 0)
        fail_msg("stdout differs from %s; see %s", path, OUT);
    free(want);
    free(got);
}

static void
test_golden_outputs(void **state)
{
    const char *reports[] = {"reports", NULL};
    const char *scenarios[] = {"scenarios", NULL};
    const char *check[] = {"check", "--scenario", "reinforce30k", NULL};
    const char *run30k[] = {"--scenario", "reinforce30k", NULL};
    const char *anchored[] = {"project",  "--scenario", "builders6k", "--anchor", "us_gov:losses",
                              "--chains", "2",          "--seed",     "7",        NULL};

    (void)state;
    golden("reports.txt", reports);
    golden("scenarios.txt", scenarios);
    golden("check_reinforce30k.txt", check);
    golden("run_reinforce30k.txt", run30k);
    golden("project_builders6k_anchored.txt", anchored);
}

/* The fit from the command line: the same bytes for 1 and 2 threads, a
 * golden JSON for a fixed seed, and a saved fit.  Few draws keep it fast,
 * so the verdict is "failed" (ESS < 100): --force prints it, exit 1. */
static void
test_fit_command(void **state)
{
    const char *one = ATT_BINARY_DIR "/tests/fit1.json", *two = ATT_BINARY_DIR "/tests/fit2.json";
    const char *saved = ATT_BINARY_DIR "/tests/fit_saved.json";
    const char *a1[] = {"fit",       "--chains", "2",        "--warmup", "80",       "--draws",
                        "40",        "--seed",   "3",        "--force",  "--format", "json",
                        "--threads", "1",        "--output", one,        NULL};
    const char *a2[] = {"fit",      "--chains", "2",          "--warmup", "80",   "--draws",   "40",
                        "--seed",   "3",        "--force",    "--format", "json", "--threads", "2",
                        "--output", two,        "--save-fit", saved,      NULL};
    const char *nof[] = {"fit",     "--chains", "2",      "--warmup", "80",
                         "--draws", "40",       "--seed", "3",        NULL};
    char *x, *y, *z, path[1024];
    FILE *f;

    (void)state;
    expect(a1, 1, NULL);
    expect(a2, 1, NULL);
    x = fixture_read_file(one);
    y = fixture_read_file(two);
    assert_non_null(x);
    assert_non_null(y);
    assert_string_equal(x, y); /* threads never change a result */
    assert_non_null(strstr(x, "\"verdict\": \"failed\""));
    snprintf(path, sizeof path, "%s/tests/golden/fit_small.json", ATT_SOURCE_DIR);
    if (getenv("ATT_UPDATE_GOLDEN") != NULL) {
        f = fopen(path, "wb");
        assert_non_null(f);
        fputs(x, f);
        fclose(f);
    }
    z = fixture_read_file(path);
    if (z == NULL || strcmp(x, z) != 0)
        fail_msg("%s differs from %s", one, path);
    free(z);
    z = fixture_read_file(saved);
    assert_non_null(z);
    assert_non_null(strstr(z, "\"format\":\"attrition-fit\""));
    free(x);
    free(y);
    free(z);
    /* Without --force a failed fit prints nothing and says why. */
    expect(nof, 1, "the fit failed its convergence checks");
    x = fixture_read_file(OUT);
    assert_string_equal(x, "");
    free(x);
}

/* Lines of text that do not start with '#': a CSV's data without its header. */
static char *
data_lines(const char *text)
{
    char *out = malloc(strlen(text) + 1), *o = out;
    const char *line = text;

    assert_non_null(out);
    while (*line != '\0') {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) + 1 : strlen(line);
        if (line[0] != '#') {
            memcpy(o, line, len);
            o += len;
        }
        line += len;
    }
    *o = '\0';
    return out;
}

/* The projection from the command line: the same bytes for 1 and 2
 * threads and from the saved fit loaded back; the JSON keys of the
 * contract; --quantiles; several scenarios; a fit of other inputs
 * refused. */
static void
test_project_command(void **state)
{
    const char *a = ATT_BINARY_DIR "/tests/proj1.csv", *b = ATT_BINARY_DIR "/tests/proj2.csv";
    const char *c = ATT_BINARY_DIR "/tests/proj3.csv", *fit = ATT_BINARY_DIR "/tests/proj_fit.json";
    const char *j = ATT_BINARY_DIR "/tests/proj.json";
    const char *one[] = {"--scenario", "reinforce30k", "--chains", "4",   "--warmup",   "300",
                         "--draws",    "300",          "--paths",  "500", "--threads",  "1",
                         "--format",   "csv",          "--output", a,     "--save-fit", fit,
                         NULL};
    const char *two[] = {"project", "--scenario", "reinforce30k", "--chains", "4",   "--warmup",
                         "300",     "--draws",    "300",          "--paths",  "500", "--threads",
                         "2",       "--format",   "csv",          "--output", b,     NULL};
    const char *loaded[] = {"--scenario", "reinforce30k", "--fit",    fit, "--paths", "500",
                            "--format",   "csv",          "--output", c,   NULL};
    const char *json[] = {
        "--scenario", "builders6k",  "--fit",       fit,        "--paths", "300", "--format",
        "json",       "--quantiles", "2.5,50,97.5", "--output", j,         NULL};
    const char *several[] = {
        "--scenario", "reinforce30k,none,builders6k", "--fit", fit, "--paths", "300", NULL};
    const char *other[] = {"--scenario", "reinforce30k",  "--fit", fit,
                           "--anchor",   "us_gov:losses", NULL};
    const char *ascii[] = {"--scenario", "none", "--fit", fit, "--paths", "300", "--ascii", NULL};
    char *x, *y, *z, *dx, *dz;

    (void)state;
    expect(one, 0, NULL);
    expect(two, 0, NULL);
    x = fixture_read_file(a);
    y = fixture_read_file(b);
    assert_non_null(x);
    assert_non_null(y);
    assert_string_equal(x, y); /* threads never change a result */
    expect(loaded, 0, NULL);
    z = fixture_read_file(c);
    assert_non_null(z);
    assert_non_null(strstr(z, "# fit: "));
    dx = data_lines(x);
    dz = data_lines(z);
    assert_string_equal(dx, dz); /* the saved fit projects the same numbers */
    assert_non_null(strstr(dx, "strength_q05,strength_q25,strength_q50"));
    free(dx);
    free(dz);
    free(x);
    free(y);
    free(z);

    expect(json, 0, NULL);
    x = fixture_read_file(j);
    assert_non_null(x);
    assert_non_null(strstr(x, "\"q02_5\""));
    assert_non_null(strstr(x, "\"q97_5\""));
    assert_null(strstr(x, "\"q05\""));
    assert_non_null(strstr(x, "\"probability_by_date\""));
    assert_non_null(strstr(x, "\"p_at_start\""));
    assert_non_null(strstr(x, "\"q50_date\""));
    assert_non_null(strstr(x, "\"casualties\""));
    assert_non_null(strstr(x, "\"wounded_return\": false"));
    assert_null(strstr(x, "threads"));
    assert_null(strstr(x, "nan"));
    free(x);

    expect(several, 0, NULL);
    x = fixture_read_file(OUT);
    assert_non_null(strstr(x, "3 scenarios side by side"));
    assert_non_null(strstr(x, "P(half_lost) by the end"));
    free(x);
    expect(ascii, 0, NULL);
    x = fixture_read_file(OUT);
    assert_non_null(strstr(x, "# median"));
    assert_null(strstr(x, "\u2588"));
    free(x);
    expect(other, 65, "proj_fit.json: ");
}

/* compare and backtest from the command line: the JSON keys of the
 * contract, a later file's report scored, usage errors. */
static void
test_compare_command(void **state)
{
    const char *later = ATT_BINARY_DIR "/tests/later.csv", *j = ATT_BINARY_DIR "/tests/cmp.json";
    const char *cmp[] = {"compare",  "--origin", "2025-02-13", "--later", later, "--chains",
                         "2",        "--warmup", "150",        "--draws", "150", "--force",
                         "--format", "json",     "--output",   j,         NULL};
    const char *svg = ATT_BINARY_DIR "/tests/backtest.svg";
    const char *bt[] = {"backtest", "--chains", "1",    "--warmup", "100", "--draws", "100",
                        "--force",  "--format", "json", "--plot",   svg,   NULL};
    const char *noorigin[] = {"compare", NULL};
    const char *badorigin[] = {"compare", "--origin", "2025-02-30", NULL};
    char *x;
    FILE *f;
    int rc;

    (void)state;
    f = fopen(later, "w");
    assert_non_null(f);
    fputs("id,statement_date,asof_start,asof_end,source,source_class,kind,qualifier,value,low,"
          "high,quote,doc,repeat_of,note\n"
          "later_1,2025-09-01,2025-08-31,2025-08-31,Someone,media,casualties,approx,6000,,,"
          "q,d,,\n",
          f);
    fclose(f);
    rc = run(OUT, cmp);
    assert_true(rc == 0 || rc == 1);
    x = fixture_read_file(j);
    assert_non_null(x);
    assert_non_null(strstr(x, "\"origin\": \"2025-02-13\""));
    assert_non_null(strstr(x, "\"id\": \"later_1\""));
    assert_non_null(strstr(x, "\"horizon_days\": 199"));
    assert_non_null(strstr(x, "\"pit\""));
    assert_non_null(strstr(x, "\"in90\""));
    assert_non_null(strstr(x, "\"log_score\""));
    assert_non_null(strstr(x, "\"revision\""));
    assert_non_null(strstr(x, "\"relative_wis\""));
    assert_non_null(strstr(x, "\"mean_log_score_censored\""));
    assert_non_null(strstr(x, "\"not_scorable\""));
    assert_null(strstr(x, "nan"));
    free(x);
    rc = run(OUT, bt);
    assert_true(rc == 0 || rc == 1);
    x = fixture_read_file(OUT);
    assert_non_null(strstr(x, "\"origins\""));
    assert_non_null(strstr(x, "\"summary_by_horizon\""));
    assert_non_null(strstr(x, "\"91-365\""));
    free(x);
    x = fixture_read_file(svg);
    assert_non_null(x);
    assert_non_null(strstr(x, "<svg"));
    free(x);
    expect(noorigin, 64, "expected --origin DATE");
    expect(badorigin, 64, "--origin: expected a date");
}

static void
test_export_data(void **state)
{
    const char *args[] = {"export-data", "--origin", "2025-01-10", NULL};
    const char *bad[] = {"export-data", "--origin", "2025-13-10", NULL};
    char *x;

    (void)state;
    expect(args, 0, NULL);
    x = fixture_read_file(OUT);
    assert_non_null(strstr(x, "\"cutoff\":\"2025-01-10\""));
    assert_null(strstr(x, "h_lull")); /* the lull starts later */
    free(x);
    expect(bad, 64, "--origin: expected a date");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help_and_version),
        cmocka_unit_test(test_usage_errors_exit_64),
        cmocka_unit_test(test_input_errors_name_file_line_field),
        cmocka_unit_test(test_every_bad_ledger_through_the_cli),
        cmocka_unit_test(test_every_bad_params_through_the_cli),
        cmocka_unit_test(test_failed_write_exits_74),
        cmocka_unit_test(test_golden_outputs),
        cmocka_unit_test(test_fit_command),
        cmocka_unit_test(test_project_command),
        cmocka_unit_test(test_compare_command),
        cmocka_unit_test(test_export_data),
    };

    gsl_set_error_handler_off();
    return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
