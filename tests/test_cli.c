/* test_cli.c -- the attrition command as a user meets it: exit codes,
 * error messages that name file, line and field, a failed write, and
 * golden outputs for a fixed seed (the commands' own tests are in
 * test_cli_commands.c).  Set ATT_UPDATE_GOLDEN=1 to rewrite the
 * golden files after a deliberate change (then review the diff). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "att_test.h"
#include "bad_ledgers.h"
#include "bad_params.h"
#define CLI_RUN_NAME "cli"
#include "cli_run.h"
#include "fixture.h"

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
    {
        /* Every option --help lists, the man page and the README describe. */
        char *man = fixture_slurp(ATT_SOURCE_DIR "/docs/attrition.1");
        char *readme = fixture_slurp(ATT_SOURCE_DIR "/README.md");
        const char *p = out;
        int n = 0;
        while ((p = strstr(p, " --")) != NULL) {
            char opt[40], roff[80];
            size_t len = strcspn(p + 1, " \n"), i, k = 0;
            /* Option lines only: "  -s, --x" or "      --x". */
            if (!(p[-1] == ',' || (p[-1] == ' ' && p[-2] == ' '))) {
                p += 3;
                continue;
            }
            assert_true(len < sizeof opt);
            memcpy(opt, p + 1, len);
            opt[len] = '\0';
            for (i = 0; i < len && k + 3 < sizeof roff; i++) {
                if (opt[i] == '-')
                    roff[k++] = '\\';
                roff[k++] = opt[i];
            }
            roff[k] = '\0';
            if (strstr(man, roff) == NULL || strstr(readme, opt) == NULL)
                fail_msg("%s: not in docs/attrition.1 (as %s) or README.md", opt, roff);
            n++;
            p += 3;
        }
        assert_true(n >= 20);
        free(man);
        free(readme);
    }
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
    {
        /* The array functions' path (docs/model.md, section 10): a name
         * it does not know is a usage error, before any work. */
        const char *check[] = {"check", NULL};
        const char *was = getenv("ATT_SIMD");
        char saved[32] = "";
        if (was != NULL)
            snprintf(saved, sizeof saved, "%s", was);
        assert_int_equal(setenv("ATT_SIMD", "avx3", 1), 0);
        expect(check, 64,
               "ATT_SIMD: expected scalar, sse2, avx2, avx512, avx2-gather or "
               "avx512-gather, found \"avx3\"");
        if (was != NULL)
            setenv("ATT_SIMD", saved, 1);
        else
            unsetenv("ATT_SIMD");
    }
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
        {
            const char *wants[] = {want, c->msg, NULL};
            cli_expect_each(OUT, ERR, args, documented_exit(c->code), wants);
        }
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
        {
            const char *wants[] = {want, c->msg, c->field, NULL}; /* field may end the list */
            cli_expect_each(OUT, ERR, args, documented_exit(c->code), wants);
        }
    }
    print_message("%zu malformed parameter files checked through the CLI\n", i);
}

/* Whatever the projection refuses of a scenario, `check` refuses first
 * with the same message and exit code: a start before the last phase, a
 * projection too large for memory; and the projection, with --paths
 * making it small, does not.  A ledger of one's own classes says to pass
 * the scenario that declares them. */
static void
test_check_refuses_what_the_projection_refuses(void **state)
{
    const char *ini = ATT_BINARY_DIR "/tests/parity.ini";
    const char *check[] = {"check", "--scenario", ini, NULL};
    const char *proj[] = {"--scenario", ini, "--quiet", NULL};
    const char *small[] = {"--scenario", ini,  "--quiet", "--paths", "200",     "--chains", "1",
                           "--warmup",   "20", "--draws", "20",      "--force", NULL};
    const char *mine = ATT_BINARY_DIR "/tests/mine.csv";
    const char *reports[] = {"reports", "--ledger", mine, NULL};
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"[projection]\nstart = 2025-03-01\n",
         "start: expected [projection] start on or after the last phase's start (2025-04-26, "
         "phase low)"},
        {"[projection]\npaths = 10000000\nstep = 1\n",
         "[projection] paths: expected a projection within 1024 MiB, found 10000000 paths x 366 "
         "output dates"},
    };
    char text[512], *from_check, *from_proj, *csv;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(text, sizeof text, "include = %s/params/baseline.ini\n%s", ATT_SOURCE_DIR,
                 cases[i].text);
        write_file(ini, text);
        cli_expect(OUT, ERR, check, 65, cases[i].want);
        from_check = fixture_read_file(ERR);
        cli_expect(OUT, ERR, proj, 65, cases[i].want);
        from_proj = fixture_read_file(ERR);
        assert_string_equal(from_check, from_proj);
        free(from_check);
        free(from_proj);
    }
    /* The projection's own settings are what it checks: it runs (from a
     * short fit, shown with --force, exit 1). */
    assert_int_equal(cli_run(OUT, ERR, small), 1);
    csv = fixture_read_file(OUT);
    assert_non_null(strstr(csv, "\ndate        strength"));
    free(csv);

    csv = fixture_read_file(ATT_SOURCE_DIR "/data/reports.csv");
    assert_non_null(csv);
    {
        char *p = strstr(csv, ",think_tank,");
        assert_non_null(p);
        memcpy(p, ",thinktank_", 11); /* the same length: a class of one's own */
    }
    write_file(mine, csv);
    free(csv);
    {
        const char *wants[] = {"source_class: expected a source class declared by the scenario",
                               "declare them in a scenario and pass it with --scenario FILE", NULL};
        cli_expect_each(OUT, ERR, reports, 65, wants);
    }
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

static void
test_golden_outputs(void **state)
{
    const char *reports[] = {"reports", NULL};
    const char *scenarios[] = {"scenarios", NULL};
    const char *check[] = {"check", "--scenario", "reinforce30k", NULL};
    const char *run30k[] = {"--scenario", "reinforce30k", NULL};
    const char *run30k_fit[] = {"fit", "--scenario", "reinforce30k", "--format", "json", NULL};
    const char *anchored[] = {"project",  "--scenario", "builders6k", "--anchor", "us_gov:losses",
                              "--chains", "2",          "--seed",     "7",        NULL};
    const char *anchored_fit[] = {
        "fit", "--scenario", "builders6k", "--anchor", "us_gov:losses", "--chains",
        "2",   "--seed",     "7",          "--format", "json",          NULL};

    (void)state;
    golden("reports.txt", reports);
    golden("scenarios.txt", scenarios);
    golden("check_reinforce30k.txt", check);
    golden_fit("run_reinforce30k.txt", run30k, run30k_fit);
    golden_fit("project_builders6k_anchored.txt", anchored, anchored_fit);
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
        cmocka_unit_test(test_check_refuses_what_the_projection_refuses),
        cmocka_unit_test(test_failed_write_exits_74),
        cmocka_unit_test(test_golden_outputs),
    };

    gsl_set_error_handler_off();
    return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
