/* test_skill.c -- the bootstrap intervals of a backtest's skill against
 * what they must be: the normal approximation of a proportion's interval
 * when many reports are resampled, twice as wide a variance when each
 * report brings two identical rows (the report, not the row, is the
 * unit), a ratio of mean WIS that every resample keeps, no interval
 * from fewer than 3 reports, buckets kept apart, and the same numbers
 * from the same seed. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <attrition/att_skill.h>

#include "att_test.h"

#define RESAMPLES 2000

/* A comparison of n rows: row i is report i / per, in bucket h; the model
 * inside both bands when (i / per) is even; WIS wm for the model and wb
 * for persistence; the other baselines and the ensemble not scored. */
static att_comparison
rows(size_t n, size_t per, att_horizon h, double wm, double wb)
{
    att_comparison c;
    size_t i;

    memset(&c, 0, sizeof c);
    c.report = calloc(n + 1, sizeof *c.report);
    assert_non_null(c.report);
    c.nreport = n;
    for (i = 0; i < n; i++) {
        att_scored_report *sr = &c.report[i];
        sr->report = i / per;
        sr->bucket = h;
        sr->fc[ATT_FC_MODEL].scored = true;
        sr->fc[ATT_FC_MODEL].in50 = sr->fc[ATT_FC_MODEL].in90 = (i / per) % 2 == 0;
        sr->fc[ATT_FC_MODEL].wis = wm;
        sr->fc[ATT_FC_PERSISTENCE].scored = true;
        sr->fc[ATT_FC_PERSISTENCE].in50 = 1;
        sr->fc[ATT_FC_PERSISTENCE].wis = wb;
    }
    return c;
}

static void
skill(const att_comparison *c, uint64_t seed, att_skill out[ATT_HORIZON_COUNT + 1])
{
    att_error err;

    assert_int_equal(att_compare_skill(c, RESAMPLES, seed, out, &err), ATT_OK);
}

/* 400 reports, half inside: 0.5 +- 1.96 sqrt(0.25 / 400) = 0.5 +- 0.049;
 * 200 reports of two identical rows each: 0.5 +- 0.069, not 0.049 as 400
 * independent rows would give.  The percentile bootstrap's own Monte
 * Carlo error at 2,000 resamples is about 0.003. */
static void
test_coverage_interval(void **state)
{
    att_comparison c = rows(400, 1, ATT_HORIZON_0_30, 1.0, 2.0);
    att_skill s[ATT_HORIZON_COUNT + 1];
    double half = 1.959964 * sqrt(0.25 / 400.0);

    (void)state;
    skill(&c, 1, s);
    assert_int_equal(s[ATT_HORIZON_0_30].rows, 400);
    assert_int_equal(s[ATT_HORIZON_0_30].reports, 400);
    assert_int_equal(s[ATT_HORIZON_0_30].n_interval[ATT_SKILL_MODEL], 400);
    att_assert_close(s[ATT_HORIZON_0_30].coverage50[ATT_SKILL_MODEL].est, 0.5, 1e-15, 0.0);
    att_assert_close(s[ATT_HORIZON_0_30].coverage50[ATT_SKILL_MODEL].lo, 0.5 - half, 0.0, 0.008);
    att_assert_close(s[ATT_HORIZON_0_30].coverage50[ATT_SKILL_MODEL].hi, 0.5 + half, 0.0, 0.008);
    free(c.report);

    c = rows(400, 2, ATT_HORIZON_0_30, 1.0, 2.0);
    half = 1.959964 * sqrt(0.25 / 200.0);
    skill(&c, 1, s);
    assert_int_equal(s[ATT_HORIZON_0_30].rows, 400);
    assert_int_equal(s[ATT_HORIZON_0_30].reports, 200);
    att_assert_close(s[ATT_HORIZON_0_30].coverage90[ATT_SKILL_MODEL].lo, 0.5 - half, 0.0, 0.008);
    att_assert_close(s[ATT_HORIZON_0_30].coverage90[ATT_SKILL_MODEL].hi, 0.5 + half, 0.0, 0.008);
    free(c.report);
}

/* Relative WIS is a ratio of means over the rows both score: WIS 1 and 3
 * against 2 and 1 is 4/3 (the mean of the ratios would be 1.75); equal
 * ratios on every report leave no spread; a forecaster that scores
 * nothing, or a baseline whose WIS is 0, gives no number at all. */
static void
test_relative_wis(void **state)
{
    att_comparison c = rows(2, 1, ATT_HORIZON_31_90, 1.0, 2.0);
    att_skill s[ATT_HORIZON_COUNT + 1];
    const att_skill *b = &s[ATT_HORIZON_31_90];

    (void)state;
    c.report[1].fc[ATT_FC_MODEL].wis = 3.0;
    c.report[1].fc[ATT_FC_PERSISTENCE].wis = 1.0;
    c.report[0].fc[ATT_FC_LINEAR].scored = true; /* WIS 0 */
    skill(&c, 1, s);
    att_assert_close(b->relative_wis[ATT_SKILL_MODEL][0].est, 4.0 / 3.0, 1e-15, 0.0);
    assert_int_equal(b->relative_wis[ATT_SKILL_MODEL][0].reports, 2);
    assert_true(isnan(b->relative_wis[ATT_SKILL_MODEL][0].lo)); /* 2 reports: no interval */
    assert_int_equal(b->n_both[ATT_SKILL_MODEL][0], 2);
    assert_true(isnan(b->relative_wis[ATT_SKILL_MODEL][2].est)); /* the line: WIS 0 */
    assert_int_equal(b->n_both[ATT_SKILL_MODEL][2], 1);
    assert_true(isnan(b->relative_wis[ATT_SKILL_MODEL][1].est)); /* never scored */
    assert_true(isnan(b->coverage50[ATT_SKILL_ENSEMBLE].est));
    assert_true(isnan(b->coverage50[ATT_SKILL_ENSEMBLE].lo));
    free(c.report);

    /* Five reports, WIS 1 and 3 against 2 and 1 in turn: resamples reach
     * the ratio of 1/2 alone (five times) and of 3/1 alone. */
    c = rows(5, 1, ATT_HORIZON_31_90, 1.0, 2.0);
    for (size_t i = 1; i < 5; i += 2) {
        c.report[i].fc[ATT_FC_MODEL].wis = 3.0;
        c.report[i].fc[ATT_FC_PERSISTENCE].wis = 1.0;
    }
    skill(&c, 1, s);
    att_assert_close(b->relative_wis[ATT_SKILL_MODEL][0].est, 9.0 / 8.0, 1e-15, 0.0);
    assert_true(b->relative_wis[ATT_SKILL_MODEL][0].lo < 0.8);
    assert_true(b->relative_wis[ATT_SKILL_MODEL][0].hi > 1.6);
    /* A baseline that scored 2 of the 5 reports: no interval. */
    for (size_t i = 0; i < 2; i++) {
        c.report[i].fc[ATT_FC_LINEAR].scored = true;
        c.report[i].fc[ATT_FC_LINEAR].wis = 1.0;
    }
    skill(&c, 1, s);
    att_assert_close(b->relative_wis[ATT_SKILL_MODEL][2].est, 4.0 / 2.0, 1e-15, 0.0);
    assert_int_equal(b->relative_wis[ATT_SKILL_MODEL][2].reports, 2);
    assert_int_equal(b->relative_wis[ATT_SKILL_MODEL][0].reports, 5);
    assert_true(isnan(b->relative_wis[ATT_SKILL_MODEL][2].lo));
    assert_true(isfinite(b->relative_wis[ATT_SKILL_MODEL][0].lo));
    free(c.report);

    c = rows(50, 1, ATT_HORIZON_31_90, 1.5, 2.0);
    skill(&c, 1, s);
    att_assert_close(b->relative_wis[ATT_SKILL_MODEL][0].est, 0.75, 1e-15, 0.0);
    att_assert_close(b->relative_wis[ATT_SKILL_MODEL][0].lo, 0.75, 1e-15, 0.0);
    att_assert_close(b->relative_wis[ATT_SKILL_MODEL][0].hi, 0.75, 1e-15, 0.0);
    free(c.report);
}

/* Rows of two buckets stay in theirs and meet in "all"; an empty bucket
 * has no numbers; the same seed gives the same bits, another seed other
 * bits; fewer than 100 resamples is refused. */
static void
test_buckets_and_seed(void **state)
{
    att_comparison c = rows(60, 1, ATT_HORIZON_NOWCAST, 1.0, 2.0);
    att_skill s[ATT_HORIZON_COUNT + 1], t[ATT_HORIZON_COUNT + 1];
    att_error err;
    size_t i;

    (void)state;
    for (i = 40; i < 60; i++) {
        c.report[i].bucket = ATT_HORIZON_91_365;
        c.report[i].fc[ATT_FC_MODEL].in50 = 1;
    }
    skill(&c, 3, s);
    assert_int_equal(s[ATT_HORIZON_NOWCAST].rows, 40);
    assert_int_equal(s[ATT_HORIZON_91_365].rows, 20);
    assert_int_equal(s[ATT_HORIZON_COUNT].rows, 60);
    assert_int_equal(s[ATT_HORIZON_0_30].rows, 0);
    assert_true(isnan(s[ATT_HORIZON_0_30].coverage50[ATT_SKILL_MODEL].est));
    att_assert_close(s[ATT_HORIZON_91_365].coverage50[ATT_SKILL_MODEL].est, 1.0, 1e-15, 0.0);
    att_assert_close(s[ATT_HORIZON_NOWCAST].coverage50[ATT_SKILL_MODEL].est, 0.5, 1e-15, 0.0);
    att_assert_close(s[ATT_HORIZON_COUNT].coverage50[ATT_SKILL_MODEL].est, 40.0 / 60.0, 1e-15, 0.0);
    skill(&c, 3, t);
    assert_memory_equal(s, t, sizeof s);
    skill(&c, 4, t);
    assert_true(s[ATT_HORIZON_COUNT].coverage50[ATT_SKILL_MODEL].lo !=
                    t[ATT_HORIZON_COUNT].coverage50[ATT_SKILL_MODEL].lo ||
                s[ATT_HORIZON_COUNT].coverage50[ATT_SKILL_MODEL].hi !=
                    t[ATT_HORIZON_COUNT].coverage50[ATT_SKILL_MODEL].hi);
    assert_int_equal(att_compare_skill(&c, 99, 3, s, &err), ATT_EINVAL);
    free(c.report);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_coverage_interval),
        cmocka_unit_test(test_relative_wis),
        cmocka_unit_test(test_buckets_and_seed),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
