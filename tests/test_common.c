/* test_common.c -- status messages and error formatting. */
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include <attrition/att_common.h>

#include "att_test.h"
#include "internal.h"

static void
test_strerror_every_status_has_a_message(void **state)
{
    int c;

    (void)state;
    for (c = 0; c < ATT_STATUS_COUNT; c++) {
        const char *m = att_strerror((att_status)c);
        assert_non_null(m);
        assert_true(strlen(m) > 3);
        assert_string_not_equal(m, "unknown status");
    }
    assert_string_equal(att_strerror(ATT_STATUS_COUNT), "unknown status");
}

static void
test_error_format_full(void **state)
{
    att_error e;
    char buf[256];

    (void)state;
    assert_int_equal(att_error_set(&e, ATT_EPARSE, "params/x.ini", 14, 3, "[wave w1] size",
                                   "expected a number in (0, 1e7], found \"%s\"", "-1.5"),
                     ATT_EPARSE);
    assert_int_equal(e.code, ATT_EPARSE);
    assert_string_equal(att_error_format(&e, buf, sizeof buf),
                        "params/x.ini:14:3: [wave w1] size: expected a number in (0, 1e7], "
                        "found \"-1.5\"");
}

static void
test_error_format_parts_left_out(void **state)
{
    att_error e;
    char buf[256];

    (void)state;
    (void)att_error_set(&e, ATT_ENOMEM, NULL, 0, 0, NULL, "%s", "");
    assert_string_equal(att_error_format(&e, buf, sizeof buf), "out of memory");
    (void)att_error_set(&e, ATT_ENOENT, "a.csv", 0, 0, NULL, "cannot open");
    assert_string_equal(att_error_format(&e, buf, sizeof buf), "a.csv: cannot open");
    /* Truncation keeps the buffer terminated. */
    assert_int_equal(strlen(att_error_format(&e, buf, 5)), 4);
    assert_int_equal(att_error_set(NULL, ATT_EIO, NULL, 0, 0, NULL, "x"), ATT_EIO);
}

static void
test_parse_numbers_strict(void **state)
{
    double d;
    long l;

    (void)state;
    assert_true(att_parse_double("0.0137", &d));
    att_assert_close(d, 0.0137, 0, 0);
    assert_false(att_parse_double("1,000", &d));
    assert_false(att_parse_double("12 ", &d));
    assert_false(att_parse_double("nan", &d));
    assert_false(att_parse_double("inf", &d));
    assert_false(att_parse_double("1e999", &d));
    assert_false(att_parse_double("", &d));
    assert_true(att_parse_long("-42", &l));
    assert_int_equal(l, -42);
    assert_false(att_parse_long("4.2", &l));
    assert_false(att_parse_long("99999999999999999999", &l));
}

static void
test_edit_distance_and_suggestions(void **state)
{
    static const char *const words[] = {"hazard_median", "hazard_log_sd", "hazard", "start"};

    (void)state;
    assert_int_equal(att_edit_distance("kitten", "sitting", 10), 3);
    assert_int_equal(att_edit_distance("", "abc", 10), 3);
    assert_int_equal(att_edit_distance("same", "same", 0), 0);
    assert_int_equal(att_edit_distance("abcdef", "uvwxyz", 2), 3); /* capped */
    assert_string_equal(att_closest("hazard_medain", words, 4), "hazard_median");
    assert_string_equal(att_closest("strat", words, 4), "start");
    assert_null(att_closest("zzzzzzzz", words, 4));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strerror_every_status_has_a_message),
        cmocka_unit_test(test_error_format_full),
        cmocka_unit_test(test_error_format_parts_left_out),
        cmocka_unit_test(test_parse_numbers_strict),
        cmocka_unit_test(test_edit_distance_and_suggestions),
    };

    gsl_set_error_handler_off();
    return cmocka_run_group_tests_name("common", tests, NULL, NULL);
}
