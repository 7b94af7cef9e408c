/* att_compare.h -- scoring a fit made at an origin against the reports
 * stated after it, beside naive baselines (docs/model.md,
 * section 9).
 *
 * The caller fits on the information set at the origin T (parameters
 * truncated with att_params_truncate, posterior with cut-off T).  Then
 * every report stated after T is scored: its predictive is the model
 * quantity of each draw (closed form up to T, the projection from T day by
 * day after it) through the source's bias and noise, a mixture of
 * log-normals; each baseline's is one log-normal around its point
 * forecast.
 */
#ifndef ATTRITION_ATT_COMPARE_H
#define ATTRITION_ATT_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <attrition/att_fit.h>
#include <attrition/att_ledger.h>
#include <attrition/att_params.h>
#include <attrition/att_posterior.h>
#include <attrition/att_stacking.h>
#include <attrition/att_wis.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Horizon buckets of asof_end - T. */
typedef enum {
    ATT_HORIZON_NOWCAST, /* < 0: the report looks back before the origin */
    ATT_HORIZON_0_30,
    ATT_HORIZON_31_90,
    ATT_HORIZON_91_365,
    ATT_HORIZON_BEYOND, /* more than 365 days */
    ATT_HORIZON_COUNT
} att_horizon;

/* Who forecasts: the model, three baselines, and their linear pool
 * (docs/model.md, section 9). */
typedef enum {
    ATT_FC_MODEL,
    ATT_FC_PERSISTENCE,  /* the last point figure of the kind (the class's, else any class's) */
    ATT_FC_RATE_FORWARD, /* the latest daily figure carried forward from the latest figure */
    ATT_FC_LINEAR,       /* the line through one class's last two figures of the kind */
    ATT_FC_ENSEMBLE,     /* the pool of the ATT_FC_POOLED above, stacking weights */
    ATT_FC_COUNT
} att_forecaster;

/* The forecasters the ensemble pools: the model and the baselines. */
#define ATT_FC_POOLED ATT_FC_ENSEMBLE

/* The ensemble's weights at an origin (MODEL.md, "Scoring against later
 * reports"): stacking over the reports stated on or before it, each scored
 * from an earlier origin; equal below ATT_STACKING_MIN_REPORTS of them. */
typedef struct {
    double w[ATT_FC_POOLED]; /* summing to 1; renormalised per report over those that score it */
    size_t reports;          /* the reports they were learned from */
    size_t origins;          /* the earlier origins those were scored at */
    bool fitted;             /* false: equal weights */
} att_ensemble_weights;

#define ATT_REASON_MAX 160

/* A baseline's spread on the log scale at horizon h days (0 for a
 * nowcast): s(h) = sqrt(s0^2 + s1^2 h / 30), fitted to its own one-step
 * errors (docs/model.md, section 9). */
typedef struct {
    double s0, s1;
    size_t errors; /* one-step errors it was fitted to */
    bool fallback; /* fewer than 3: s0 = 0.3, s1 = 0.15 */
} att_spread;

/* One forecaster's scores of one report. */
typedef struct {
    bool scored;                 /* false: this forecaster cannot score it (reason says why) */
    char reason[ATT_REASON_MAX]; /* why not, when !scored */
    double q05, q50, q95;        /* predictive quantiles of the figure (natural scale) */
    double q[ATT_WIS_NLEVELS];   /* the same at the WIS's levels (att_wis_levels) */
    double pit;                  /* point reports: the PIT; NaN otherwise */
    double below, inside, above; /* range: masses; one-sided: below / above the bound
                                    (inside NaN); NaN for point reports */
    int in50, in90;              /* inside the central 50% / 90% interval; -1: one-sided */
    double wis;                  /* on the log scale; NaN for one-sided reports */
    double log_score;            /* point: log density of log y; else log of the asserted mass */
    bool clipped;                /* a fraction whose predictive reached above 1, clipped at 1 */
} att_score_entry;

typedef struct {
    size_t report;        /* ledger index */
    int32_t horizon_days; /* asof_end - T */
    att_horizon bucket;
    bool revision; /* it revises an earlier vintage; scored as the latest one */
    att_score_entry fc[ATT_FC_COUNT];
} att_scored_report;

typedef struct {
    size_t report;               /* ledger index */
    char reason[ATT_REASON_MAX]; /* why the model cannot score it */
} att_not_scorable;

/* Means over the reports a forecaster scored. */
typedef struct {
    size_t n;          /* reports scored */
    size_t n_interval; /* point and range reports (coverage, WIS) */
    double coverage50; /* share inside the central 50% interval */
    double coverage90;
    double mean_wis;
    size_t n_point, n_censored;
    double mean_log_score_point;
    double mean_log_score_censored;
    double relative_wis; /* baselines and the ensemble: the model's mean WIS over the
                            reports both score over this one's; NaN for the model, or
                            when undefined */
} att_score_summary;

typedef struct {
    int32_t origin;
    size_t nreport;
    att_scored_report *report; /* in statement order */
    size_t nnot;
    att_not_scorable *not_scorable;
    size_t nvintage;
    att_scored_report *vintage; /* the superseded vintages stated after the origin, not
                                   scored here but by the model and baselines for the
                                   ensemble's weights at later origins (no ensemble entry);
                                   in ledger order */
    att_score_summary summary[ATT_FC_COUNT];
    att_score_summary by_horizon[ATT_HORIZON_COUNT][ATT_FC_COUNT];
    att_spread spread[ATT_FC_COUNT]; /* each baseline's spread (unused for the model) */
    att_ensemble_weights ensemble;   /* the weights its ensemble used */
    int32_t projected_to; /* last day the projection reached (INT32_MIN if none needed) */
} att_comparison;

typedef struct {
    unsigned long seed;                   /* the projection's seed */
    int threads;                          /* worker threads; 0: as many as the cores */
    const att_ensemble_weights *ensemble; /* NULL: equal weights, learned from nothing */
} att_compare_params;

/* Scores the reports of l stated after origin.  p must be truncated at
 * origin and post built on (p, l) with cut-off origin; fit is post's.
 * On success *out holds the result (att_comparison_free it). */
ATT_NODISCARD att_status att_compare_run(const att_params *p,
                                         const att_ledger *l,
                                         const att_posterior *post,
                                         const att_fit_result *fit,
                                         int32_t origin,
                                         const att_compare_params *cp,
                                         att_comparison *out,
                                         att_error *err);
void att_comparison_free(att_comparison *c);

/* The scored reports of n comparisons (a backtest's origins) pooled into
 * *out, with its summaries overall and by horizon (origin INT32_MIN; no
 * not-scorable list).  att_comparison_free it. */
ATT_NODISCARD att_status att_compare_pool(
    const att_comparison *list, size_t n, const att_ledger *l, att_comparison *out, att_error *err);

/* The ensemble's weights at origin, from the comparisons made at earlier
 * origins (list, n; any order; those at or after origin are ignored): each
 * report stated on or before origin, not a repeat, is taken from the
 * latest of them whose origin precedes its statement date and that scored
 * it (its row, or its vintage row when it was revised later), with every
 * pooled forecaster's log score (att_stacking_weights).  A report revised
 * by the origin is left out: its revision is the vintage known then.
 * Fewer than ATT_STACKING_MIN_REPORTS such reports: equal weights. */
ATT_NODISCARD att_status att_compare_weights(const att_comparison *list,
                                             size_t n,
                                             const att_ledger *l,
                                             int32_t origin,
                                             att_ensemble_weights *out,
                                             att_error *err);

/* Equal weights, learned from nothing. */
att_ensemble_weights att_ensemble_equal(void);

/* "nowcast", "0-30", "31-90", "91-365", "over 365". */
const char *att_horizon_name(att_horizon h);
/* "model", "persistence", "rate_forward", "linear", "ensemble". */
const char *att_forecaster_name(att_forecaster f);

#ifdef __cplusplus
}
#endif

#endif /* ATTRITION_ATT_COMPARE_H */
