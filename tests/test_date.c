/* test_date.c -- day numbers against independent references, and the
 * strict parser. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_errno.h>

#include <attrition/att_date.h>

#include "att_test.h"

/* Day numbers from POSIX's own arithmetic (timegm-free: the formula of
 * POSIX.1-2017 "Seconds Since the Epoch", XBD 4.16), an independent method. */
static long
posix_days(int y, int m, int d)
{
    int yday = d - 1, k;
    long yy = y - 1900;

    for (k = 1; k < m; k++)
        yday += att_date_days_in_month(y, k);
    return yday + (yy - 70) * 365 + (yy - 69) / 4 - (yy - 1) / 100 + (yy + 299) / 400;
}

static void
test_known_days(void **state)
{
    (void)state;
    assert_int_equal(att_date_from_ymd(1970, 1, 1), 0);
    /* 2024-12-06 is day 20063: 54 years of days since 1970 (13 leap
     * years: 1972..2020) plus 340 days into 2024 (a leap year). */
    assert_int_equal(att_date_from_ymd(2024, 12, 6), 54 * 365 + 13 + 340);
    assert_int_equal(att_date_from_ymd(2000, 3, 1) - att_date_from_ymd(2000, 2, 28), 2);
    assert_int_equal(att_date_from_ymd(1900, 3, 1) - att_date_from_ymd(1900, 2, 28), 1);
}

static void
test_round_trip_against_posix_formula(void **state)
{
    int y, m, d;

    (void)state;
    for (y = 1970; y <= 2999; y += 7) /* the formula holds from the Epoch on */
        for (m = 1; m <= 12; m++)
            for (d = 1; d <= att_date_days_in_month(y, m); d += 3) {
                int32_t n = att_date_from_ymd(y, m, d);
                int y2, m2, d2;
                assert_int_equal(n, posix_days(y, m, d));
                att_date_to_ymd(n, &y2, &m2, &d2);
                assert_int_equal(y2, y);
                assert_int_equal(m2, m);
                assert_int_equal(d2, d);
            }
}

static void
test_parse_and_format(void **state)
{
    int32_t n = 0;
    char buf[ATT_DATE_BUFSIZE];
    const char *why = NULL;

    (void)state;
    assert_int_equal(att_date_parse("2025-02-05", &n, &why), ATT_OK);
    assert_string_equal(att_date_format(n, buf), "2025-02-05");
    assert_int_equal(att_date_parse("2024-02-29", &n, &why), ATT_OK);
    assert_int_equal(att_date_parse("2025-02-29", &n, &why), ATT_EPARSE);
    assert_string_equal(why, "no such day in that month");
    assert_int_equal(att_date_parse("2025-13-01", &n, &why), ATT_EPARSE);
    assert_string_equal(why, "month is not 01-12");
    assert_int_equal(att_date_parse("1899-12-31", &n, &why), ATT_EPARSE);
    assert_string_equal(why, "year outside 1900-2999");
    assert_int_equal(att_date_parse("2025-1-05", &n, &why), ATT_EPARSE);
    assert_int_equal(att_date_parse("2025-01-05 ", &n, &why), ATT_EPARSE);
    assert_int_equal(att_date_parse("05/01/2025", &n, &why), ATT_EPARSE);
    assert_string_equal(why, "not of the form YYYY-MM-DD");
    assert_int_equal(att_date_parse(NULL, &n, NULL), ATT_EPARSE);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_days),
        cmocka_unit_test(test_round_trip_against_posix_formula),
        cmocka_unit_test(test_parse_and_format),
    };

    gsl_set_error_handler_off();
    return cmocka_run_group_tests_name("date", tests, NULL, NULL);
}
