/* test_output.c -- outputs are complete or absent: a new file appears
 * only on commit, abort leaves nothing, and a write that fails (a file
 * size limit, a full device) is an error that leaves the previous file
 * untouched and no temporary file behind. */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include <attrition/att_output.h>

#include "att_test.h"
#include "fixture.h"

#define DIR_ ATT_BINARY_DIR "/tests/output_dir"

/* Whether the file at path holds exactly want. */
static void
assert_file_is(const char *path, const char *want)
{
    char *got = fixture_read_file(path);

    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

/* A fresh folder holding out.txt with "previous\n": the file an
 * interrupted or failed write must leave alone. */
static void
fresh_dir_with_previous(void)
{
    FILE *f;

    fixture_fresh_dir(DIR_);
    f = fopen(DIR_ "/out.txt", "w");
    assert_non_null(f);
    fputs("previous\n", f);
    assert_int_equal(fclose(f), 0);
    fflush(NULL); /* nothing buffered is written twice by a forked child */
}
static void
test_new_file_appears_on_commit_only(void **state)
{
    att_error err;
    att_output *o;

    (void)state;
    fixture_fresh_dir(DIR_);
    o = att_output_open(DIR_ "/out.txt", &err);
    assert_non_null(o);
    fputs("hello\n", att_output_stream(o));
    assert_null(fixture_read_file(DIR_ "/out.txt"));  /* not there before commit */
    assert_int_equal(fixture_count_entries(DIR_), 1); /* the temporary file */
    assert_int_equal(att_output_commit(o, &err), ATT_OK);
    assert_file_is(DIR_ "/out.txt", "hello\n");
    assert_int_equal(fixture_count_entries(DIR_), 1); /* no temporary left */
}

static void
test_abort_leaves_nothing(void **state)
{
    att_error err;
    att_output *o;

    (void)state;
    fixture_fresh_dir(DIR_);
    o = att_output_open(DIR_ "/out.txt", &err);
    assert_non_null(o);
    fputs("partial", att_output_stream(o));
    att_output_abort(o);
    assert_int_equal(fixture_count_entries(DIR_), 0);
}

static void
test_size_limit_keeps_previous_file(void **state)
{
    pid_t pid;
    int status;

    (void)state;
    fresh_dir_with_previous();
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct rlimit rl = {1000, 1000};
        att_error err;
        att_output *o;
        int i;
        signal(SIGXFSZ, SIG_IGN); /* a write past the limit fails with EFBIG */
        setrlimit(RLIMIT_FSIZE, &rl);
        o = att_output_open(DIR_ "/out.txt", &err);
        if (o == NULL)
            _exit(2);
        for (i = 0; i < 100000; i++)
            fputs("0123456789", att_output_stream(o));
        _exit(att_output_commit(o, &err) == ATT_EIO && strstr(err.msg, "unchanged") ? 0 : 1);
    }
    assert_true(waitpid(pid, &status, 0) == pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_file_is(DIR_ "/out.txt", "previous\n");
    assert_int_equal(fixture_count_entries(DIR_), 1);
}

/* Size of the temporary file being written, or 0 if none yet. */
static long
temp_size(void)
{
    DIR *d = opendir(DIR_);
    struct dirent *e;
    struct stat sb;
    char p[1024];
    long size = 0;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        if (strncmp(e->d_name, ".out.txt.", 9) == 0) {
            snprintf(p, sizeof p, "%s/%s", DIR_, e->d_name);
            if (stat(p, &sb) == 0)
                size = (long)sb.st_size;
        }
    closedir(d);
    return size;
}

static void
test_kill_during_a_large_write_keeps_previous_file(void **state)
{
    pid_t pid;
    int status, waited;

    (void)state;
    fresh_dir_with_previous();
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        att_error err;
        att_output *o = att_output_open(DIR_ "/out.txt", &err);
        long i;
        if (o == NULL)
            _exit(2);
        for (i = 0;; i++) /* writes until killed */
            fputs("0123456789012345678901234567890123456789\n", att_output_stream(o));
    }
    /* Kill it in the middle of writing (at least 4 MB written). */
    for (waited = 0; temp_size() < (4L << 20) && waited < 2000; waited++) {
        struct timespec ts = {0, 5000000};
        nanosleep(&ts, NULL);
    }
    assert_true(kill(pid, SIGKILL) == 0);
    assert_true(waitpid(pid, &status, 0) == pid);
    assert_true(WIFSIGNALED(status));
    assert_file_is(DIR_ "/out.txt", "previous\n");
}

static void
test_full_device_is_an_error(void **state)
{
    att_error err;
    att_output *o;
    int i;

    (void)state;
    if (access("/dev/full", W_OK) != 0)
        skip();
    o = att_output_open("/dev/full", &err);
    assert_non_null(o);
    for (i = 0; i < 10000; i++)
        fputs("0123456789", att_output_stream(o));
    assert_int_equal(att_output_commit(o, &err), ATT_EIO);
}

static void
test_missing_folder_cannot_be_created(void **state)
{
    att_error err;

    (void)state;
    assert_null(att_output_open(DIR_ "/no/such/folder/out.txt", &err));
    assert_int_equal(err.code, ATT_ECREATE);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_file_appears_on_commit_only),
        cmocka_unit_test(test_abort_leaves_nothing),
        cmocka_unit_test(test_size_limit_keeps_previous_file),
        cmocka_unit_test(test_kill_during_a_large_write_keeps_previous_file),
        cmocka_unit_test(test_full_device_is_an_error),
        cmocka_unit_test(test_missing_folder_cannot_be_created),
    };

    gsl_set_error_handler_off();
    return cmocka_run_group_tests_name("output", tests, NULL, NULL);
}
