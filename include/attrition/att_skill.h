/* att_skill.h -- how much a backtest's scores can be trusted: per horizon
 * bucket, the coverage of the model and of the ensemble and their relative
 * WIS against each baseline, each with a bootstrap interval over the
 * scored reports (docs/model.md, section 9).
 *
 * The unit resampled is the report, not the row: a report scored from
 * several origins brings all its rows along, since its rows share the
 * report's own surprise and are not independent.
 */
#ifndef ATTRITION_ATT_SKILL_H
#define ATTRITION_ATT_SKILL_H

#include <stddef.h>
#include <stdint.h>

#include <attrition/att_common.h>
#include <attrition/att_compare.h>
#include <attrition/att_ledger.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The central interval of the percentile bootstrap. */
#define ATT_SKILL_LEVEL 0.95

/* A statistic resting on fewer reports than this has no interval
 * (resampling one or two reports gives a narrow interval that means
 * nothing). */
#define ATT_SKILL_MIN_REPORTS 3

/* The forecasters judged against the baselines. */
enum { ATT_SKILL_MODEL, ATT_SKILL_ENSEMBLE, ATT_SKILL_JUDGED };
/* The baselines they are judged against (ATT_FC_PERSISTENCE + b). */
#define ATT_SKILL_BASELINES (ATT_FC_POOLED - 1)

/* An estimate and its bootstrap interval; all NaN where undefined (no
 * report to score, or a baseline's WIS of 0); lo and hi NaN when fewer
 * than ATT_SKILL_MIN_REPORTS reports are behind it. */
typedef struct {
    double est, lo, hi;
    size_t reports; /* the reports behind it (the rows' distinct reports) */
} att_bootstrap_interval;

typedef struct {
    size_t rows;                         /* scored rows: one per report and origin that scored it */
    size_t reports;                      /* distinct reports among them: the bootstrap's units */
    size_t n_interval[ATT_SKILL_JUDGED]; /* point and range rows each scored */
    att_bootstrap_interval coverage50[ATT_SKILL_JUDGED];
    att_bootstrap_interval coverage90[ATT_SKILL_JUDGED];
    size_t n_both[ATT_SKILL_JUDGED][ATT_SKILL_BASELINES]; /* rows both score (WIS) */
    att_bootstrap_interval relative_wis[ATT_SKILL_JUDGED][ATT_SKILL_BASELINES];
} att_skill;

/* The skill of the rows of c (a pooled backtest, or one comparison) in
 * each horizon bucket (out[0 .. ATT_HORIZON_COUNT - 1]) and over all of
 * them (out[ATT_HORIZON_COUNT]), with percentile intervals at
 * ATT_SKILL_LEVEL from `resamples` resamples of the reports (at least
 * 100), drawn from seed's bootstrap stream.  Relative WIS is the judged
 * forecaster's mean WIS over the rows both score divided by the
 * baseline's. */
ATT_NODISCARD att_status att_compare_skill(const att_comparison *c,
                                           size_t resamples,
                                           uint64_t seed,
                                           att_skill out[ATT_HORIZON_COUNT + 1],
                                           att_error *err);

#ifdef __cplusplus
}
#endif

#endif /* ATTRITION_ATT_SKILL_H */
