/* test_cases.c -- the shipped cases beyond the seed, as a user runs them
 * (slow: a full fit each): the second case's main run (`attrition
 * --scenario avdiivka`, docs/avdiivka.md) byte for byte against its
 * golden, and its check.  Set ATT_UPDATE_GOLDEN=1 to rewrite the golden
 * after a deliberate change (then review the diff). */
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "att_test.h"
#define CLI_RUN_NAME "cases"
#include "cli_run.h"
#include "fixture.h"

static void
test_avdiivka(void **state)
{
    const char *check[] = {"check", "--scenario", "avdiivka", NULL};
    const char *main_run[] = {"--scenario", "avdiivka", NULL};
    char *out;

    (void)state;
    expect(check, 0, NULL);
    out = fixture_read_file(OUT);
    assert_non_null(strstr(out, "ok: params/avdiivka.ini: 6 phases, 4 arrivals, 8 classes"));
    free(out);
    golden("run_avdiivka.txt", main_run);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_avdiivka),
    };

    gsl_set_error_handler_off();
    return cmocka_run_group_tests_name("cases", tests, NULL, NULL);
}
