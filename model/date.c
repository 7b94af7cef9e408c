/* date.c -- ISO 8601 dates <-> day numbers (days since 1970-01-01).
 *
 * The conversions are H. Hinnant's days_from_civil / civil_from_days
 * ("chrono-Compatible Low-Level Date Algorithms", 2013), exact for the
 * proleptic Gregorian calendar; the parser is strict: YYYY-MM-DD, nothing
 * before or after, and the day must exist.
 */
#include <stdio.h>
#include <string.h>

#include <attrition/att_date.h>

#include "internal.h"

int
att_date_days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

    if (month < 1 || month > 12)
        return 0;
    return days[month - 1] + (month == 2 && leap);
}

int32_t
att_date_from_ymd(int year, int month, int day)
{
    int y = year - (month <= 2);
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;                                            /* [0, 399] */
    int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1; /* [0, 365] */
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                    /* [0, 146096] */

    return (int32_t)(era * 146097 + doe - 719468);
}

void
att_date_to_ymd(int32_t dayno, int *out_year, int *out_month, int *out_day)
{
    int32_t z = dayno + 719468;
    int32_t era = (z >= 0 ? z : z - 146096) / 146097;
    int32_t doe = z - era * 146097;
    int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int32_t mp = (5 * doy + 2) / 153;
    int32_t d = doy - (153 * mp + 2) / 5 + 1;
    int32_t m = mp < 10 ? mp + 3 : mp - 9;
    int32_t y = yoe + era * 400 + (m <= 2);

    if (out_year)
        *out_year = (int)y;
    if (out_month)
        *out_month = (int)m;
    if (out_day)
        *out_day = (int)d;
}

static bool
date_digits(const char *s, size_t n, int *out)
{
    int v = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

att_status
att_date_parse(const char *s, int32_t *out_day, const char **why)
{
    int y, m, d;
    const char *reason = NULL;

    if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !date_digits(s, 4, &y) ||
        !date_digits(s + 5, 2, &m) || !date_digits(s + 8, 2, &d))
        reason = "not of the form YYYY-MM-DD";
    else if (y < ATT_DATE_YEAR_MIN || y > ATT_DATE_YEAR_MAX)
        reason = "year outside 1900-2999";
    else if (m < 1 || m > 12)
        reason = "month is not 01-12";
    else if (d < 1 || d > att_date_days_in_month(y, m))
        reason = "no such day in that month";
    if (reason != NULL) {
        if (why != NULL)
            *why = reason;
        return ATT_EPARSE;
    }
    *out_day = att_date_from_ymd(y, m, d);
    return ATT_OK;
}

char *
att_date_format(int32_t dayno, char *buf)
{
    int y, m, d;

    att_date_to_ymd(dayno, &y, &m, &d);
    /* y is within ATT_DATE_YEAR_MIN..MAX for every parsed date; the mask
     * only proves to the compiler that the text fits. */
    (void)snprintf(buf, ATT_DATE_BUFSIZE, "%04u-%02u-%02u", (unsigned)y % 10000u,
                   (unsigned)m % 100u, (unsigned)d % 100u);
    return buf;
}
