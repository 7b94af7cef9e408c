/* cli_run.c -- see cli_run.h. */
#include "cli_run.h"

#include <fcntl.h>
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
    int rc = cli_run(out, err_path, args);
    char *err = fixture_read_file(err_path);

    assert_non_null(err);
    if (rc != code || (want_err == NULL && err[0] != '\0') ||
        (want_err != NULL && strstr(err, want_err) == NULL))
        fail_msg("attrition %s ...: exit %d (expected %d), stderr \"%s\" (expected ~\"%s\")",
                 args[0] ? args[0] : "", rc, code, err, want_err ? want_err : "");
    free(err);
}

bool
cli_goldens_apply(void)
{
#ifdef ATT_HAVE_LIBMVEC
    return true;
#else
    printf("golden comparison skipped: the goldens were made with glibc's libmvec (x86-64, "
           "glibc 2.35 or later), which this build does not use\n");
    return false;
#endif
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
    else if (strcmp(want, got) != 0)
        fail_msg("%s differs from %s", seen, path);
    free(want);
}

static void
cli_golden_of(
    const char *out, const char *err, const char *name, const char *const *args, bool fitted)
{
    char *got;

    cli_expect(out, err, args, 0, NULL);
    got = fixture_read_file(out);
    assert_non_null(got);
    if (!fitted || cli_goldens_apply())
        cli_check_golden(got, name, out);
    free(got);
}

void
cli_golden(const char *out, const char *err, const char *name, const char *const *args)
{
    cli_golden_of(out, err, name, args, false);
}

void
cli_golden_fit(const char *out, const char *err, const char *name, const char *const *args)
{
    cli_golden_of(out, err, name, args, true);
}
