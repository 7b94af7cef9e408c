/* skill.c -- a backtest's skill per horizon bucket with percentile
 * bootstrap intervals over the scored reports (att_skill.h; docs/model.md,
 * section 9).
 *
 * Every statistic is a ratio of two sums over rows (a coverage: rows
 * inside over rows scored; a relative WIS: the judged forecaster's WIS
 * over the baseline's, on the rows both score), so each report is reduced
 * once to its numerators and denominators and a resample only adds them
 * up.
 */
#include <math.h>
#include <string.h>

#include <gsl/gsl_rng.h>
#include <gsl/gsl_statistics_double.h>

#include <attrition/att_rng.h>
#include <attrition/att_skill.h>

#include "internal.h"
#include "sort.h"

#define J ATT_SKILL_JUDGED
#define B ATT_SKILL_BASELINES

/* The statistics: coverage50 and coverage90 of each judged forecaster,
 * then its relative WIS against each baseline. */
enum { S_COV50 = 0, S_COV90 = J, S_REL = 2 * J, NSTAT = 2 * J + J * B };

/* A resample needs at least this share of its statistics defined, or
 * the interval is left undefined rather than drawn from a few. */
#define DEFINED_MIN 0.5

typedef struct {
    double num[NSTAT], den[NSTAT];
    size_t rows[NSTAT]; /* the rows behind each */
} unit_sums;

static const att_forecaster judged[J] = {ATT_FC_MODEL, ATT_FC_ENSEMBLE};

static void
add_row(unit_sums *u, const att_scored_report *sr)
{
    size_t j, b;

    for (j = 0; j < J; j++) {
        const att_score_entry *e = &sr->fc[judged[j]];
        if (!e->scored || e->in50 < 0) /* one-sided: no coverage, no WIS */
            continue;
        u->num[S_COV50 + j] += e->in50;
        u->den[S_COV50 + j] += 1.0;
        u->rows[S_COV50 + j]++;
        u->num[S_COV90 + j] += e->in90;
        u->den[S_COV90 + j] += 1.0;
        u->rows[S_COV90 + j]++;
        for (b = 0; b < B; b++) {
            const att_score_entry *eb = &sr->fc[ATT_FC_PERSISTENCE + b];
            if (!eb->scored)
                continue;
            u->num[S_REL + j * B + b] += e->wis;
            u->den[S_REL + j * B + b] += eb->wis;
            u->rows[S_REL + j * B + b]++;
        }
    }
}

static double
ratio(double num, double den)
{
    return den > 0.0 ? num / den : (double)NAN;
}

static att_bootstrap_interval *
stat_slot(att_skill *s, size_t k)
{
    if (k < S_COV90)
        return &s->coverage50[k - S_COV50];
    if (k < S_REL)
        return &s->coverage90[k - S_COV90];
    return &s->relative_wis[(k - S_REL) / B][(k - S_REL) % B];
}

/* The rows of c in bucket h (ATT_HORIZON_COUNT: all) into *s. */
static att_status
skill_bucket(
    const att_comparison *c, int h, size_t resamples, uint64_t seed, att_skill *s, att_error *err)
{
    size_t i, j, b, k, nunit = 0, maxrep = 0, *unit_of = NULL, units[NSTAT] = {0};
    unit_sums *u = NULL, tot, rs;
    double *draws = NULL, *vals = NULL;
    gsl_rng *rng = NULL;
    att_status st = ATT_OK;

    memset(s, 0, sizeof *s);
    memset(&tot, 0, sizeof tot);
    for (i = 0; i < c->nreport; i++)
        if (c->report[i].report > maxrep)
            maxrep = c->report[i].report;
    unit_of = att_mem_alloc((maxrep + 1) * sizeof *unit_of);
    u = att_mem_calloc(c->nreport + 1, sizeof *u);
    draws = att_mem_alloc((NSTAT * resamples + 1) * sizeof *draws);
    vals = att_mem_alloc((resamples + 1) * sizeof *vals);
    rng = att_rng_alloc(seed, ATT_RNG_BOOTSTRAP, (uint32_t)h, 0, 0);
    if (unit_of == NULL || u == NULL || draws == NULL || vals == NULL || rng == NULL) {
        st = ATT_FAIL(err, ATT_ENOMEM, "out of memory for the bootstrap of the skill");
        goto done;
    }
    for (i = 0; i <= maxrep; i++)
        unit_of[i] = ATT_NONE;
    for (i = 0; i < c->nreport; i++) {
        const att_scored_report *sr = &c->report[i];
        if (h < ATT_HORIZON_COUNT && sr->bucket != (att_horizon)h)
            continue;
        if (unit_of[sr->report] == ATT_NONE)
            unit_of[sr->report] = nunit++;
        add_row(&u[unit_of[sr->report]], sr);
        add_row(&tot, sr);
        s->rows++;
    }
    s->reports = nunit;
    for (i = 0; i < nunit; i++)
        for (k = 0; k < NSTAT; k++)
            units[k] += u[i].rows[k] > 0;
    for (j = 0; j < J; j++) {
        s->n_interval[j] = tot.rows[S_COV50 + j];
        for (b = 0; b < B; b++)
            s->n_both[j][b] = tot.rows[S_REL + j * B + b];
    }
    for (k = 0; k < NSTAT; k++) {
        att_bootstrap_interval *iv = stat_slot(s, k);
        iv->est = ratio(tot.num[k], tot.den[k]);
        iv->lo = iv->hi = (double)NAN;
        iv->reports = units[k];
    }
    if (nunit < ATT_SKILL_MIN_REPORTS)
        goto done;
    for (i = 0; i < resamples; i++) {
        memset(&rs, 0, sizeof rs);
        for (j = 0; j < nunit; j++) {
            const unit_sums *pick = &u[gsl_rng_uniform_int(rng, nunit)];
            for (k = 0; k < NSTAT; k++) {
                rs.num[k] += pick->num[k];
                rs.den[k] += pick->den[k];
            }
        }
        for (k = 0; k < NSTAT; k++)
            draws[k * resamples + i] = ratio(rs.num[k], rs.den[k]);
    }
    for (k = 0; k < NSTAT; k++) {
        att_bootstrap_interval *iv = stat_slot(s, k);
        size_t n = 0;
        if (!isfinite(iv->est) || units[k] < ATT_SKILL_MIN_REPORTS)
            continue;
        for (i = 0; i < resamples; i++)
            if (isfinite(draws[k * resamples + i]))
                vals[n++] = draws[k * resamples + i];
        if ((double)n < DEFINED_MIN * (double)resamples)
            continue;
        att_sort(vals, n);
        iv->lo = gsl_stats_quantile_from_sorted_data(vals, 1, n, 0.5 * (1.0 - ATT_SKILL_LEVEL));
        iv->hi = gsl_stats_quantile_from_sorted_data(vals, 1, n, 0.5 * (1.0 + ATT_SKILL_LEVEL));
    }
done:
    gsl_rng_free(rng);
    att_mem_free(unit_of);
    att_mem_free(u);
    att_mem_free(draws);
    att_mem_free(vals);
    return st;
}

att_status
att_compare_skill(const att_comparison *c,
                  size_t resamples,
                  uint64_t seed,
                  att_skill out[ATT_HORIZON_COUNT + 1],
                  att_error *err)
{
    int h;

    if (resamples < 100)
        return ATT_FAIL(err, ATT_EINVAL, "expected at least 100 bootstrap resamples, found %zu",
                        resamples);
    for (h = 0; h <= ATT_HORIZON_COUNT; h++) {
        att_status st = skill_bucket(c, h, resamples, seed, &out[h], err);
        if (st != ATT_OK)
            return st;
    }
    return ATT_OK;
}
