/* att_summary.h -- what a fit says, in the units an analyst reads:
 * hazards as casualties per 1,000 troops per day and per day at the
 * phase's mean strength; per report, the model quantity, the de-biased
 * figure and a standardised residual; per source class, its bias factor.
 * All are 5%, 50% and 95% posterior quantiles over the draws
 * (docs/model.md, section 6).
 */
#ifndef ATTRITION_ATT_SUMMARY_H
#define ATTRITION_ATT_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>

#include <attrition/att_fit.h>
#include <attrition/att_ledger.h>
#include <attrition/att_posterior.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    double q05, q50, q95;
} att_interval;

typedef struct {
    size_t phase;          /* index into the parameter file's phases */
    att_interval hazard;   /* 1/day */
    att_interval per_1000; /* casualties per 1,000 troops per day */
    att_interval daily;    /* casualties per day at the phase's mean strength */
} att_hazard_summary;

typedef struct {
    att_interval model;    /* the model quantity, averaged over the window's days */
    att_interval debiased; /* a figure (approx) times exp(-b); unset for a bound */
    double z;              /* a figure: standardised residual; a bound: Phi^-1(holds) where
                              holds < 1/2, else 0 (a claim met is no outlier) */
    bool z_from_pit;       /* z is a bound's (at_least, up_to, range), not a figure's */
    bool bias_estimated;   /* false: the bias is pinned by the anchor (or unknown: 0) */
    bool bound;            /* at_least, up_to or range: holds and pit are set */
    double holds;          /* posterior predictive probability that the claim holds */
    double pit;            /* where the bound (a range's middle) falls in the predictive */
} att_report_summary;

typedef struct {
    size_t cls; /* index into the parameter file's classes */
    att_family family;
    bool pinned;         /* by the anchor: factor exactly 1 */
    att_interval factor; /* exp(b): how the class's figures run against the model */
    size_t reports;      /* used reports of this class and family */
    bool completeness;   /* an undercount class's losses: factor is its completeness c_s */
    bool own_sigma;      /* noise = per_class: sigma is the class's own sigma_s */
    att_interval sigma;  /* the noise of its figures on the log scale */
} att_source_summary;

/* One group of a force with declared groups (docs/model.md 1.5), at
 * 24:00 of the ledger's last statement date. */
typedef struct {
    size_t group;            /* index into the parameter file's groups */
    att_interval ratio;      /* its hazard multiplier r_g (fixed: three equal values) */
    att_interval strength;   /* N_g */
    att_interval casualties; /* C_g */
    att_interval killed;     /* K_g = kappa C_g */
    att_interval deployed;   /* D_g */
} att_group_summary;

typedef struct {
    size_t nhazard;
    att_hazard_summary *hazard;
    size_t nreport; /* one per ledger report, repeats included */
    att_report_summary *report;
    size_t nsource;
    att_source_summary *source;
    size_t ngroup; /* the declared groups (0 without [group] sections) */
    att_group_summary *group;
    int32_t group_asof; /* the day whose 24:00 the groups' states are at */
} att_summary;

/* Summarises fit (drawn from post, built on p and l).  An open last phase's
 * mean strength is taken up to the ledger's last statement date.  Runs on
 * fit->threads threads; the result is the same for any number.  On
 * success *out holds the summary (att_summary_free it). */
ATT_NODISCARD att_status att_summary_compute(const att_params *p,
                                             const att_ledger *l,
                                             const att_posterior *post,
                                             const att_fit_result *fit,
                                             att_summary **out,
                                             att_error *err);
void att_summary_free(att_summary *s);

/* 5%, 50% and 95% type-7 quantiles of x[0..n) (sorted in place). */
att_interval att_interval_of(double *x, size_t n);

/* The type-7 quantile (R's default; Hyndman and Fan 1996) at prob in
 * [0, 1] of sorted[0..n), n >= 1, in increasing order:
 * (1 - h) x[i] + h x[i + 1] with i = floor(prob (n - 1)) and h its
 * fraction, x[n - 1] at prob = 1, exactly as
 * gsl_stats_quantile_from_sorted_data computes it.  The library's one
 * quantile of draws. */
double att_summary_quantile(const double *sorted, size_t n, double prob);

/* The same, but x[i] itself where x[i] = x[i + 1], as R returns it, where
 * (1 - h) x + h x may be off by an ulp: for tail indicators I(x <= q) of
 * discrete draws, which depend on that (diagnostics.c). */
double att_summary_quantile_ties(const double *sorted, size_t n, double prob);

#ifdef __cplusplus
}
#endif

#endif /* ATTRITION_ATT_SUMMARY_H */
