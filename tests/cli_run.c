/* cli_run.c -- see cli_run.h. */
#include "cli_run.h"

#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "att_test.h"
#include "fixture.h"

int
cli_run(const char *out, const char *err, const char *const *args)
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
        int fo = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int fe = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fo < 0 || fe < 0 || dup2(fo, 1) < 0 || dup2(fe, 2) < 0 || chdir(ATT_SOURCE_DIR) != 0)
            _exit(127);
        execv(ATT_CLI, argv);
        _exit(127);
    }
    assert_true(waitpid(pid, &status, 0) == pid);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

void
cli_expect(
    const char *out, const char *err_path, const char *const *args, int code, const char *want_err)
{
    const char *wants[2] = {want_err, NULL};

    cli_expect_each(out, err_path, args, code, want_err != NULL ? wants : NULL);
}

void
cli_expect_each(const char *out,
                const char *err_path,
                const char *const *args,
                int code,
                const char *const *wants)
{
    int rc = cli_run(out, err_path, args);
    char *err = fixture_read_file(err_path);
    size_t i;

    assert_non_null(err);
    if (rc != code || (wants == NULL && err[0] != '\0'))
        fail_msg("attrition %s ...: exit %d (expected %d), stderr \"%s\" (expected %s)",
                 args[0] ? args[0] : "", rc, code, err, wants ? "text" : "nothing");
    for (i = 0; wants != NULL && wants[i] != NULL; i++)
        if (strstr(err, wants[i]) == NULL)
            fail_msg("attrition %s ...: stderr \"%s\" (expected ~\"%s\")", args[0] ? args[0] : "",
                     err, wants[i]);
    free(err);
}

/* The file name of golden name's fit: "run_reinforce30k.txt" ->
 * "run_reinforce30k.fit.json". */
static void
cli_fit_golden_name(const char *name, char *buf, size_t n)
{
    const char *dot = strrchr(name, '.');
    int base = dot != NULL ? (int)(dot - name) : (int)strlen(name);

    snprintf(buf, n, "%.*s.fit.json", base, name);
}

bool
cli_fit_verdict(const char *now_json, const char *golden_json, char *msg, size_t n)
{
    json_t *now = json_loads(now_json, 0, NULL), *gold = json_loads(golden_json, 0, NULL);
    json_t *pn = json_object_get(now, "parameters"), *pg = json_object_get(gold, "parameters");
    static const char *const qs[] = {"q05", "q50", "q95"};
    double worst = 0.0;
    char where[128] = "";
    size_t i, k;
    bool noise = true;

    if (!json_is_array(pn) || !json_is_array(pg) || json_array_size(pn) != json_array_size(pg)) {
        snprintf(msg, n, "a real change: the fits do not have the same parameters");
        noise = false;
        goto done;
    }
    for (i = 0; i < json_array_size(pg); i++) {
        json_t *a = json_array_get(pn, i), *b = json_array_get(pg, i);
        const char *name = json_string_value(json_object_get(b, "name"));
        if (name == NULL || strcmp(name, json_string_value(json_object_get(a, "name"))) != 0) {
            snprintf(msg, n, "a real change: parameter %zu is %s in the golden", i,
                     name != NULL ? name : "?");
            noise = false;
            goto done;
        }
        for (k = 0; k < 3; k++) {
            char mk[16];
            double qa, qb, ma, mb, z;
            snprintf(mk, sizeof mk, "mcse_%s", qs[k]);
            qa = json_number_value(json_object_get(a, qs[k]));
            qb = json_number_value(json_object_get(b, qs[k]));
            ma = json_number_value(json_object_get(a, mk));
            mb = json_number_value(json_object_get(b, mk));
            z = fabs(qa - qb) / sqrt(ma * ma + mb * mb);
            if (!(z <= worst)) { /* NaN (no MCSE) counts as the worst */
                worst = z;
                snprintf(where, sizeof where, "%s's %s (%.6g against the golden's %.6g)", name,
                         qs[k], qa, qb);
            }
        }
    }
    noise = worst <= CLI_NOISE_MCSE;
    if (noise)
        snprintf(msg, n,
                 "Monte Carlo noise: every parameter's quantiles lie within %g combined MCSEs of "
                 "the golden's (at most %.2f, %s): the same posterior, other draws",
                 CLI_NOISE_MCSE, worst, where);
    else
        snprintf(msg, n, "a real change: %s is %.1f combined MCSEs from the golden's", where,
                 worst);
done:
    json_decref(now);
    json_decref(gold);
    return noise;
}

void
cli_check_golden(const char *got, const char *name, const char *seen)
{
    char path[1024], *want;
    FILE *f;

    snprintf(path, sizeof path, "%s/tests/golden/%s", ATT_SOURCE_DIR, name);
    if (getenv("ATT_UPDATE_GOLDEN") != NULL) {
        f = fopen(path, "wb");
        assert_non_null(f);
        fputs(got, f);
        fclose(f);
    }
    want = fixture_read_file(path);
    if (want == NULL)
        fail_msg("no golden file %s (run with ATT_UPDATE_GOLDEN=1 to create it)", path);
    else if (strcmp(want, got) != 0) {
        char verdict[512] = "";
        /* A fit's JSON says itself whether the difference is noise. */
        if (strstr(name, ".json") != NULL && strstr(got, "\"mcse_q50\"") != NULL)
            (void)cli_fit_verdict(got, want, verdict, sizeof verdict);
        fail_msg("%s differs from %s%s%s", seen, path, verdict[0] ? ": " : "", verdict);
    }
    free(want);
}

void
cli_golden(const char *out, const char *err, const char *name, const char *const *args)
{
    char *got;

    cli_expect(out, err, args, 0, NULL);
    got = fixture_read_file(out);
    assert_non_null(got);
    cli_check_golden(got, name, out);
    free(got);
}

void
cli_golden_fit(const char *out,
               const char *err,
               const char *name,
               const char *const *args,
               const char *const *fit_args)
{
    char path[1024], fitname[256], *got, *want, *fit_now, *fit_gold, verdict[1536];
    FILE *f;

    cli_expect(out, err, args, 0, NULL);
    got = fixture_read_file(out);
    assert_non_null(got);
    snprintf(path, sizeof path, "%s/tests/golden/%s", ATT_SOURCE_DIR, name);
    cli_fit_golden_name(name, fitname, sizeof fitname);
    if (getenv("ATT_UPDATE_GOLDEN") != NULL) {
        f = fopen(path, "wb");
        assert_non_null(f);
        fputs(got, f);
        fclose(f);
        (void)cli_run(out, err, fit_args); /* the fit behind it, for the verdict below */
        fit_now = fixture_read_file(out);
        assert_non_null(fit_now);
        cli_check_golden(fit_now, fitname, out);
        free(fit_now);
    }
    want = fixture_read_file(path);
    if (want == NULL)
        fail_msg("no golden file %s (run with ATT_UPDATE_GOLDEN=1 to create it)", path);
    else if (strcmp(want, got) != 0) {
        /* Which kind of difference: the fit behind the output, against the
         * golden's fit (made with it), quantile by quantile. */
        (void)cli_run(out, err, fit_args);
        fit_now = fixture_read_file(out);
        snprintf(path, sizeof path, "%s/tests/golden/%s", ATT_SOURCE_DIR, fitname);
        fit_gold = fixture_read_file(path);
        if (fit_now == NULL || fit_gold == NULL)
            snprintf(verdict, sizeof verdict, "no fit to tell noise from change (%s)", path);
        else
            (void)cli_fit_verdict(fit_now, fit_gold, verdict, sizeof verdict);
        fail_msg("the output of attrition %s ... differs from %s/tests/golden/%s: %s", args[0],
                 ATT_SOURCE_DIR, name, verdict);
    }
    free(want);
    free(got);
}
