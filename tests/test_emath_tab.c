/* test_emath_tab.c -- model/emath_tab.h and model/emath_tab.c are what
 * tools/gen_emath_tab.c writes from GNU MPFR, byte for byte: a table can
 * change only through its generator, whose own checks (`gen_emath_tab
 * report`: the erfcx fits' relative errors) this test also holds below
 * 2^-57. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "att_test.h"
#include "fixture.h"

static char *
run(const char *arg)
{
    char cmd[1024], *buf = NULL;
    size_t n = 0, cap = 0, got;
    FILE *p;

    snprintf(cmd, sizeof cmd, "%s %s", ATT_GEN_EMATH_TAB, arg);
    p = popen(cmd, "r");
    assert_non_null(p);
    do {
        if (n + 4096 + 1 > cap) {
            cap = 2 * cap + 8192;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        got = fread(buf + n, 1, 4096, p);
        n += got;
    } while (got > 0);
    buf[n] = '\0';
    assert_int_equal(pclose(p), 0);
    return buf;
}

static void
check(const char *arg, const char *file)
{
    char *made = run(arg), *have = fixture_read_file(file);

    assert_non_null(have);
    if (strcmp(made, have) != 0)
        fail_msg("%s is not what `gen_emath_tab %s` writes: run it again (tools/gen_emath_tab.c)",
                 file, arg);
    free(made);
    free(have);
}

static void
test_tables_are_generated(void **state)
{
    (void)state;
    check("h", ATT_SOURCE_DIR "/model/emath_tab.h");
    check("c", ATT_SOURCE_DIR "/model/emath_tab.c");
}

static void
test_fits_are_accurate(void **state)
{
    char *rep = run("report"), *worst = strstr(rep, "erfcx: worst ");
    double w;

    (void)state;
    assert_non_null(worst);
    assert_int_equal(sscanf(worst, "erfcx: worst %lf", &w), 1);
    if (!(w < 0x1p-57))
        fail_msg("the erfcx fits' worst relative error is %g, above 2^-57", w);
    free(rep);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tables_are_generated),
        cmocka_unit_test(test_fits_are_accurate),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
