/* test_ledger.c -- the report ledger: the shipped file, repeats and
 * revisions on small ledgers, the information set at a cut-off, the
 * digest, and a table of malformed ledgers asserting status, line, field
 * number and column name. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include <attrition/att_date.h>
#include <attrition/att_ledger.h>

#include "att_test.h"
#include "bad_ledgers.h"
#include "fixture.h"

static const char *const classes[] = {"ua_gov", "us_gov", "think_tank"};
#define NCLASS 3

static att_status
parse(const char *text, att_ledger **out, att_error *err)
{
    att_error_clear(err);
    return att_ledger_parse("mem.csv", text, strlen(text), classes, NCLASS, out, err);
}

static size_t
find(const att_ledger *l, const char *id)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        if (strcmp(l->reports[i].id, id) == 0)
            return i;
    fail_msg("no report %s", id);
    return ATT_NONE;
}

static void
test_shipped_ledger(void **state)
{
    static const char *const shipped_classes[] = {
        "ua_gov", "us_gov", "kr_gov", "western_gov", "think_tank", "ru_state", "kp_state", "media"};
    att_ledger *l = NULL;
    att_error err;
    bool used[64];
    char msg[1200];
    size_t i, repeats = 0, k;

    (void)state;
    if (att_ledger_load(ATT_SOURCE_DIR "/data/reports.csv", shipped_classes, 8, &l, &err) != ATT_OK)
        fail_msg("%s", att_error_format(&err, msg, sizeof msg));
    assert_true(l->n >= 15 && l->n <= 64);
    for (i = 0; i < l->n; i++)
        repeats += l->reports[i].repeat_of != ATT_NONE;
    assert_int_equal(att_ledger_used(l, INT32_MAX, used), l->n - repeats);
    /* The Kyiv "about 4,000" is repeated three times, never refitted. */
    k = find(l, "ua_4000_20250210");
    assert_int_equal(l->reports[k].repeat_of, ATT_NONE);
    assert_int_equal(l->reports[find(l, "ua_4000_20250213")].repeat_of, k);
    assert_int_equal(l->reports[find(l, "ua_4000_20250428")].repeat_of, k);
    /* ISW's rate is over its own interval, from the start of combat. */
    k = find(l, "isw_rate_92_20250131");
    assert_int_equal(l->reports[k].kind, ATT_KIND_RATE);
    assert_int_equal(l->reports[k].asof_start, att_date_from_ymd(2024, 12, 6));
    att_assert_close(l->reports[k].value, 92, 0, 0);
    assert_int_equal(strlen(l->digest), 64);
    att_ledger_free(l);
}

static void
test_detected_and_explicit_repeats(void **state)
{
    const char *text = HDR GOOD
        "r2,2025-02-01,2025-01-05,2025-01-05,Newsweek,ua_gov,casualties,approx,3800,,,q,d,,\n"
        "r3,2025-02-02,2025-01-05,2025-01-05,Kyiv,ua_gov,fraction,approx,0.32,,,q,d,r2,\n"
        "r4,2025-02-03,2025-01-05,2025-01-05,Pentagon,us_gov,casualties,approx,3800,,,q,d,,\n";
    att_ledger *l = NULL;
    att_error err;

    (void)state;
    assert_int_equal(parse(text, &l, &err), ATT_OK);
    assert_int_equal(l->reports[1].repeat_of, 0); /* same class, kind, figure, window */
    assert_false(l->reports[1].repeat_explicit);
    assert_int_equal(l->reports[2].repeat_of, 0); /* named r2, which repeats r1 */
    assert_true(l->reports[2].repeat_explicit);
    assert_int_equal(l->reports[3].repeat_of, ATT_NONE); /* another class: not a repeat */
    att_ledger_free(l);
}

/* Reviewer's case: a row matching an explicit repeat is a repeat too. */
static void
test_repeat_of_an_explicit_repeat(void **state)
{
    const char *text =
        HDR "a,2025-02-10,2025-01-06,2025-02-10,Kyiv,ua_gov,casualties,approx,4000,,,q,d,,\n"
            "b,2025-02-10,2025-01-06,2025-02-10,Kyiv,ua_gov,fraction,approx,0.333,,,q,d,a,\n"
            "c,2025-02-13,2025-01-06,2025-02-10,Ukraine,ua_gov,fraction,approx,0.333,,,q,d,,\n";
    att_ledger *l = NULL;
    att_error err;
    bool used[3];

    (void)state;
    assert_int_equal(parse(text, &l, &err), ATT_OK);
    assert_int_equal(l->reports[1].repeat_of, 0);
    assert_int_equal(l->reports[2].repeat_of, 0); /* via b, rooted at a */
    assert_int_equal(att_ledger_used(l, INT32_MAX, used), 1);
    att_ledger_free(l);
}

/* A byte-order mark before the header is skipped (and still digested). */
static void
test_bom_is_skipped(void **state)
{
    att_ledger *l = NULL;
    att_error err;

    (void)state;
    assert_int_equal(parse("\xef\xbb\xbf" HDR GOOD, &l, &err), ATT_OK);
    assert_int_equal(l->n, 1);
    assert_int_equal(l->reports[0].line, 2);
    att_ledger_free(l);
}

static void
test_revisions_and_cutoffs(void **state)
{
    /* Rows out of date order on purpose: order is by statement date, then row. */
    const char *text =
        HDR "c,2025-03-01,2025-01-01,2025-01-31,ISW,think_tank,casualties,approx,1500,,,q,d,,\n"
            "a,2025-02-01,2025-01-01,2025-01-31,ISW,think_tank,casualties,approx,1000,,,q,d,,\n"
            "b,2025-02-15,2025-01-01,2025-01-31,isw,think_tank,casualties,range,,1100,1300,q,d,,\n"
            "x,2025-02-20,2025-01-01,2025-01-31,CSIS,think_tank,casualties,approx,999,,,q,d,,\n";
    att_ledger *l = NULL;
    att_error err;
    bool used[4];

    (void)state;
    assert_int_equal(parse(text, &l, &err), ATT_OK);
    assert_int_equal(l->reports[1].rank, 0);
    assert_int_equal(l->reports[0].rank, 3);
    assert_int_equal(l->reports[1].revised_by, 2); /* a -> b (source matched ignoring case) */
    assert_int_equal(l->reports[2].revises, 1);
    assert_int_equal(l->reports[2].revised_by, 0); /* b -> c */
    assert_int_equal(l->reports[0].revises, 2);
    assert_int_equal(l->reports[3].revises, ATT_NONE); /* another source */
    /* Known on 2025-02-10: only a.  On 2025-02-16: b replaces a.  Later: c. */
    assert_int_equal(att_ledger_used(l, att_date_from_ymd(2025, 1, 31), used), 0);
    assert_int_equal(att_ledger_used(l, att_date_from_ymd(2025, 2, 10), used), 1);
    assert_true(used[1]);
    assert_int_equal(att_ledger_used(l, att_date_from_ymd(2025, 2, 16), used), 1);
    assert_true(used[2]);
    assert_false(used[1]);
    assert_int_equal(att_ledger_used(l, INT32_MAX, used), 2);
    assert_true(used[0] && used[3] && !used[1] && !used[2]);
    att_ledger_free(l);
}

static void
test_csv_details(void **state)
{
    /* CRLF line ends, blank lines, quoted commas and doubled quotes, the
     * 13 fixed columns only, and no final newline. */
    const char *text =
        "id,statement_date,asof_start,asof_end,source,source_class,kind,qualifier,value,low,"
        "high,quote,doc\r\n\r\n"
        "r1,2025-01-05,2025-01-05,2025-01-05,\"Zelensky, on a podcast\",ua_gov,rate,at_least,"
        "92,,,\"He said \"\"about 92\"\" a day.\",001.txt\r\n"
        "\n"
        "r2,2025-01-06,2025-01-01,2025-01-06,US,us_gov,deployed,range,,10000,12000,q,d";
    att_ledger *l = NULL;
    att_error err;
    char msg[1200];

    (void)state;
    if (parse(text, &l, &err) != ATT_OK)
        fail_msg("%s", att_error_format(&err, msg, sizeof msg));
    assert_int_equal(l->n, 2);
    assert_string_equal(l->reports[0].source, "Zelensky, on a podcast");
    assert_string_equal(l->reports[0].quote, "He said \"about 92\" a day.");
    assert_int_equal(l->reports[0].line, 3);
    assert_int_equal(l->reports[1].line, 5);
    assert_int_equal(l->reports[1].qualifier, ATT_QUAL_RANGE);
    att_assert_close(l->reports[1].high, 12000, 0, 0);
    assert_string_equal(l->reports[1].note, "");
    att_ledger_free(l);
}

static void
test_digest_is_sha256_of_the_bytes(void **state)
{
    att_ledger *l = NULL;
    att_error err;

    (void)state;
    assert_int_equal(parse(HDR GOOD, &l, &err), ATT_OK);
    /* Reference: printf '%s' "$HDR$GOOD" | sha256sum (coreutils 9.1). */
    assert_string_equal(l->digest,
                        "759983445312b0bf73b402441aa3ffca015637a80ea29d44076641922acc5a7a");
    att_ledger_free(l);
}

static void
test_check_against_phases(void **state)
{
    const char *base = ATT_SOURCE_DIR "/params/baseline.ini";
    static const char *const cls[] = {"ua_gov",     "us_gov",   "kr_gov",   "western_gov",
                                      "think_tank", "ru_state", "kp_state", "media"};
    const char *before = HDR GOOD
        "r2,2024-12-01,2024-11-20,2024-11-30,Zelensky,ua_gov,casualties,approx,100,,,q,d,,\n";
    const char *rate_in_transit =
        HDR GOOD "r2,2024-12-10,2024-11-01,2024-12-05,ISW,think_tank,rate,approx,10,,,q,d,,\n";
    const char *deployed_early =
        HDR GOOD "r2,2024-12-01,2024-10-15,2024-10-15,US,us_gov,deployed,approx,9000,,,q,d,,\n";
    att_params *p = NULL;
    att_ledger *l = NULL;
    att_error err;

    (void)state;
    assert_int_equal(att_params_load(base, &p, &err), ATT_OK);
    if (att_ledger_parse("m.csv", before, strlen(before), cls, 8, &l, &err) != ATT_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(att_ledger_check(l, p, &err), ATT_EDATA);
    assert_int_equal(err.line, 3);
    assert_non_null(strstr(err.msg, "no casualties before combat with troops in theatre"));
    att_ledger_free(l);
    assert_int_equal(
        att_ledger_parse("m.csv", rate_in_transit, strlen(rate_in_transit), cls, 8, &l, &err),
        ATT_OK);
    assert_int_equal(att_ledger_check(l, p, &err), ATT_EDATA);
    assert_string_equal(err.field, "asof_start");
    att_ledger_free(l);
    assert_int_equal(
        att_ledger_parse("m.csv", deployed_early, strlen(deployed_early), cls, 8, &l, &err),
        ATT_OK);
    assert_int_equal(att_ledger_check(l, p, &err), ATT_EDATA);
    assert_non_null(strstr(err.msg, "nothing deployed before the first arrival"));
    att_ledger_free(l);
    att_params_free(p);
}

/* The measure column: default cumulative, part of the repeat and revision
 * keys, and a loss over a period with no day of combat refused. */
static void
test_measures(void **state)
{
    static const char *const cls[] = {"ua_gov",     "us_gov",   "kr_gov",   "western_gov",
                                      "think_tank", "ru_state", "kp_state", "media"};
    const char *text =
        HDRM "a,2025-01-31,2025-01-01,2025-01-31,Z,ua_gov,casualties,approx,500,,,q,d,period\n"
             "b,2025-02-01,2025-01-01,2025-01-31,Z,ua_gov,casualties,approx,500,,,q,d,\n"
             "c,2025-02-02,2025-01-01,2025-01-31,Z,ua_gov,casualties,approx,500,,,q,d,period\n"
             "d,2025-02-03,2025-01-01,2025-01-31,Z,ua_gov,killed,approx,9,,,q,d,daily\n"
             "e,2025-02-04,2025-01-01,2025-01-31,Z,ua_gov,killed,approx,8,,,q,d,daily\n"
             "f,2025-02-05,2025-01-01,2025-01-31,Z,ua_gov,killed,approx,300,,,q,d,cumulative\n";
    const char *in_transit =
        HDRM "a,2024-12-10,2024-11-01,2024-12-05,Z,ua_gov,wounded,approx,10,,,q,d,period\n";
    att_params *p = NULL;
    att_ledger *l = NULL;
    att_error err;

    (void)state;
    if (att_ledger_parse("m.csv", text, strlen(text), cls, 8, &l, &err) != ATT_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(l->reports[find(l, "a")].measure, ATT_MEASURE_PERIOD);
    assert_int_equal(l->reports[find(l, "b")].measure, ATT_MEASURE_CUMULATIVE);
    assert_int_equal(l->reports[find(l, "d")].measure, ATT_MEASURE_DAILY);
    assert_int_equal(l->reports[find(l, "f")].measure, ATT_MEASURE_CUMULATIVE);
    /* b has a's figure and window but not its measure: no repeat; c has all. */
    assert_int_equal(l->reports[find(l, "b")].repeat_of, ATT_NONE);
    assert_int_equal(l->reports[find(l, "c")].repeat_of, find(l, "a"));
    /* e revises d (same source, kind, measure, window); f, cumulative, does not. */
    assert_int_equal(l->reports[find(l, "e")].revises, find(l, "d"));
    assert_int_equal(l->reports[find(l, "f")].revises, ATT_NONE);
    assert_string_equal(att_measure_name(ATT_MEASURE_DAILY), "daily");
    att_ledger_free(l);

    assert_int_equal(att_params_load(ATT_SOURCE_DIR "/params/baseline.ini", &p, &err), ATT_OK);
    assert_int_equal(att_ledger_parse("m.csv", in_transit, strlen(in_transit), cls, 8, &l, &err),
                     ATT_OK);
    assert_int_equal(att_ledger_check(l, p, &err), ATT_EDATA);
    assert_string_equal(err.field, "asof_start");
    assert_non_null(strstr(err.msg, "expected a period with at least one day of combat"));
    att_ledger_free(l);
    att_params_free(p);
}

/* The group column: one spelling per set, part of the repeat and revision
 * keys, checked against the scenario's groups, and read as a bit set. */
static void
test_groups(void **state)
{
    static const char *const cls[] = {"ua_gov", "us_gov"};
    const char *text =
        HDRG "a,2025-01-31,2025-01-01,2025-01-31,Z,ua_gov,casualties,approx,500,,,q,d,inf+art\n"
             "b,2025-02-01,2025-01-01,2025-01-31,Y,ua_gov,casualties,approx,500,,,q,d,art+inf\n"
             "c,2025-02-02,2025-01-01,2025-01-31,X,ua_gov,casualties,approx,500,,,q,d,inf\n"
             "d,2025-02-03,2025-01-01,2025-01-31,X,ua_gov,casualties,approx,600,,,q,d,art\n"
             "e,2025-02-04,2025-01-01,2025-01-31,X,ua_gov,casualties,approx,700,,,q,d,art\n"
             "f,2025-02-05,2025-01-01,2025-01-31,X,ua_gov,casualties,approx,800,,,q,d,\n";
    const char *scenario =
        "[phase a]\nstart = 2024-12-01\nhazard_median = 0.01\nhazard_log_sd = 1\n"
        "[group inf]\n[group art]\nhazard_ratio = 0.5\n"
        "[arrival x]\ndate = 2024-12-01\ncount = 100\ngroup = inf\n"
        "[arrival y]\ndate = 2024-12-01\ncount = 100\ngroup = art\n"
        "[class ua_gov]\ntau_losses = 1\ntau_force = 1\n[model]\nreference_group = inf\n";
    const char *unknown =
        HDRG "a,2025-01-31,2025-01-01,2025-01-31,Z,ua_gov,casualties,approx,500,,,q,d,inf+arty\n";
    att_params *p = NULL;
    att_ledger *l = NULL;
    att_error err;

    (void)state;
    if (att_ledger_parse("g.csv", text, strlen(text), cls, 2, &l, &err) != ATT_OK)
        fail_msg("%s", err.msg);
    assert_string_equal(l->reports[find(l, "a")].groups, "art+inf");
    assert_string_equal(l->reports[find(l, "f")].groups, "");
    assert_int_equal(l->files[0].group_column, 14);
    /* b repeats a (the same set however written); c, d, e, f do not. */
    assert_int_equal(l->reports[find(l, "b")].repeat_of, find(l, "a"));
    assert_int_equal(l->reports[find(l, "c")].repeat_of, ATT_NONE);
    /* e revises d (same source, group); neither c (inf) nor f (the whole force). */
    assert_int_equal(l->reports[find(l, "e")].revises, find(l, "d"));
    assert_int_equal(l->reports[find(l, "d")].revises, ATT_NONE);
    assert_int_equal(l->reports[find(l, "f")].revises, ATT_NONE);
    assert_int_equal(
        att_params_load_with("s.ini", fixture_reader, (void *)(uintptr_t)scenario, &p, &err),
        ATT_OK);
    assert_int_equal(att_ledger_check(l, p, &err), ATT_OK);
    assert_int_equal(att_ledger_group_set(&l->reports[find(l, "c")], p), 1u);
    assert_int_equal(att_ledger_group_set(&l->reports[find(l, "d")], p), 2u);
    assert_int_equal(att_ledger_group_set(&l->reports[find(l, "a")], p), 0u); /* every group */
    assert_int_equal(att_ledger_group_set(&l->reports[find(l, "f")], p), 0u);
    att_ledger_free(l);
    assert_int_equal(att_ledger_parse("g.csv", unknown, strlen(unknown), cls, 2, &l, &err), ATT_OK);
    assert_int_equal(att_ledger_check(l, p, &err), ATT_EDATA);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 14);
    assert_string_equal(err.field, "group");
    assert_non_null(strstr(err.msg, "found \"arty\""));
    att_ledger_free(l);
    att_params_free(p);
}

/* Reviewer's case: combat starts before anyone arrives. */
static void
test_check_first_arrival_after_combat(void **state)
{
    static const char *const cls[] = {"ua_gov", "us_gov", "think_tank"};
    const char *ini_text =
        "[phase a]\nstart = 2025-01-01\nhazard_median = 0.01\nhazard_log_sd = 1\n"
        "[arrival x]\ndate = 2025-02-01\ncount = 100\n"
        "[class ua_gov]\ntau_losses = 1\ntau_force = 1\n"
        "[class us_gov]\ntau_losses = 1\ntau_force = 1\n"
        "[class think_tank]\ntau_losses = 1\ntau_force = 1\n";
    const char *cas =
        HDR "r,2025-01-10,2025-01-10,2025-01-10,Z,ua_gov,casualties,approx,5,,,q,d,,\n";
    const char *rate = HDR "r,2025-01-10,2025-01-02,2025-01-09,Z,ua_gov,rate,approx,5,,,q,d,,\n";
    const char *ok = HDR "r,2025-02-10,2025-01-20,2025-02-03,Z,ua_gov,rate,approx,5,,,q,d,,\n";
    att_params *p = NULL;
    att_ledger *l = NULL;
    att_error err;
    FILE *f = fopen(ATT_BINARY_DIR "/tests/first_arrival.ini", "w");

    (void)state;
    assert_non_null(f);
    fputs(ini_text, f);
    fclose(f);
    assert_int_equal(att_params_load(ATT_BINARY_DIR "/tests/first_arrival.ini", &p, &err), ATT_OK);
    assert_int_equal(att_ledger_parse("m.csv", cas, strlen(cas), cls, 3, &l, &err), ATT_OK);
    assert_int_equal(att_ledger_check(l, p, &err), ATT_EDATA);
    assert_int_equal(err.column, 4);
    att_ledger_free(l);
    assert_int_equal(att_ledger_parse("m.csv", rate, strlen(rate), cls, 3, &l, &err), ATT_OK);
    assert_int_equal(att_ledger_check(l, p, &err), ATT_EDATA);
    att_ledger_free(l);
    assert_int_equal(att_ledger_parse("m.csv", ok, strlen(ok), cls, 3, &l, &err), ATT_OK);
    assert_int_equal(att_ledger_check(l, p, &err), ATT_OK);
    att_ledger_free(l);
    att_params_free(p);
}

/* ---- malformed ledgers ------------------------------------------------------ */


static void
test_malformed_ledgers(void **state)
{
    size_t i;
    char msg[1200];

    (void)state;
    for (i = 0; i < sizeof bad_ledgers / sizeof bad_ledgers[0]; i++) {
        const bad_ledger_case *c = &bad_ledgers[i];
        att_ledger *l = NULL;
        att_error err;
        att_status st = parse(c->text, &l, &err);
        att_error_format(&err, msg, sizeof msg);
        if (st != c->code || strcmp(err.path, "mem.csv") != 0 || err.line != c->line ||
            err.column != c->column ||
            (c->field != NULL ? strcmp(err.field, c->field) != 0 : err.field[0] != '\0') ||
            strstr(err.msg, c->msg) == NULL)
            fail_msg("case \"%s\": got status %d, \"%s\"; expected status %d at line %ld "
                     "column %d field \"%s\" msg ~\"%s\"",
                     c->name, (int)st, msg, (int)c->code, c->line, c->column,
                     c->field ? c->field : "", c->msg);
        assert_null(l);
    }
    print_message("%zu malformed ledgers checked\n", sizeof bad_ledgers / sizeof bad_ledgers[0]);
}

static void
test_nul_byte_and_missing_file(void **state)
{
    const char text[] =
        HDR "r1,2025-01-05,2025-01-05,2025-01-05,Z,ua_gov,killed,approx,1,,,q\0,d,,\n";
    att_ledger *l = NULL;
    att_error err;

    (void)state;
    assert_int_equal(att_ledger_parse("mem.csv", text, sizeof text - 1, classes, NCLASS, &l, &err),
                     ATT_EPARSE);
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.msg, "NUL byte"));
    assert_int_equal(att_ledger_load("/nonexistent/reports.csv", classes, NCLASS, &l, &err),
                     ATT_ENOENT);
    assert_null(l);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_ledger),
        cmocka_unit_test(test_detected_and_explicit_repeats),
        cmocka_unit_test(test_repeat_of_an_explicit_repeat),
        cmocka_unit_test(test_bom_is_skipped),
        cmocka_unit_test(test_revisions_and_cutoffs),
        cmocka_unit_test(test_csv_details),
        cmocka_unit_test(test_digest_is_sha256_of_the_bytes),
        cmocka_unit_test(test_check_against_phases),
        cmocka_unit_test(test_measures),
        cmocka_unit_test(test_groups),
        cmocka_unit_test(test_check_first_arrival_after_combat),
        cmocka_unit_test(test_malformed_ledgers),
        cmocka_unit_test(test_nul_byte_and_missing_file),
    };

    gsl_set_error_handler_off();
    return cmocka_run_group_tests_name("ledger", tests, NULL, NULL);
}
