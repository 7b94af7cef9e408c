/* att_date.h -- ISO 8601 calendar dates as whole day numbers.
 *
 * docs/model.md, section 1.1: time is a whole day number.  Day 0 is 1970-01-01
 * in the proleptic Gregorian calendar; an arrival dated d joins at 00:00 of
 * d, an as-of date d means 24:00 of d.
 */
#ifndef ATTRITION_ATT_DATE_H
#define ATTRITION_ATT_DATE_H

#include <stdint.h>

#include <attrition/att_common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Characters needed to format a date, NUL included ("YYYY-MM-DD"). */
#define ATT_DATE_BUFSIZE 11

/* Years accepted by the parser: wide enough for any campaign, narrow enough
 * that day arithmetic never overflows an int32_t. */
#define ATT_DATE_YEAR_MIN 1900
#define ATT_DATE_YEAR_MAX 2999

/* Day number of a valid (year, month 1-12, day 1-31) date. */
int32_t att_date_from_ymd(int year, int month, int day);

/* The (year, month, day) of a day number; any output pointer may be NULL. */
void att_date_to_ymd(int32_t dayno, int *out_year, int *out_month, int *out_day);

/* Parses exactly "YYYY-MM-DD" (a real calendar date, years
 * ATT_DATE_YEAR_MIN..ATT_DATE_YEAR_MAX) into *out_day.  On failure returns
 * ATT_EPARSE and, if why is not NULL, points *why at a static phrase saying
 * what is wrong ("month is not 01-12", ...); *out_day is untouched. */
ATT_NODISCARD att_status att_date_parse(const char *s, int32_t *out_day, const char **why);

/* Writes "YYYY-MM-DD" into buf (at least ATT_DATE_BUFSIZE bytes); returns buf. */
char *att_date_format(int32_t dayno, char *buf);

/* Days in a month of a year (Gregorian leap rule). */
int att_date_days_in_month(int year, int month);

#ifdef __cplusplus
}
#endif

#endif /* ATTRITION_ATT_DATE_H */
