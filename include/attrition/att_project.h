/* att_project.h -- the projection (docs/model.md, section 8,
 * equations (16)-(20)).
 *
 * From [projection] start over the horizon, every path takes a posterior
 * draw's closed-form state at the start (N rounded to whole troops), draws
 * the scenario (wave dates, sizes, hazard multipliers) and then, day by
 * day, adds the day's arrivals and draws each cohort's casualties,
 * Binomial(N, 1 - e^{-h}) (or beta-binomial); killed are Binomial(new
 * casualties, kappa).  The bands carry parameter, scenario and process
 * uncertainty; wounded never return.
 *
 * Every random number is keyed on (seed, purpose, path, cohort, day)
 * (att_rng.h), so a path's numbers do not depend on the thread that draws
 * it, and a scenario and its twin without waves use the same numbers
 * wherever they have the same cohorts (common random numbers).  Memory is
 * O(paths x output dates).
 */
#ifndef ATTRITION_ATT_PROJECT_H
#define ATTRITION_ATT_PROJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <attrition/att_fit.h>
#include <attrition/att_params.h>
#include <attrition/att_posterior.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The projected series. */
typedef enum {
    ATT_SERIES_STRENGTH,   /* N: troops fit to fight */
    ATT_SERIES_CASUALTIES, /* C: cumulative casualties since the first arrival */
    ATT_SERIES_KILLED,     /* K: cumulative killed */
    ATT_SERIES_COUNT
} att_series;

/* Largest memory a projection may take for its per-path values; larger
 * requests are refused with a message (fewer paths, a longer step). */
#define ATT_PROJECT_MEMORY_MAX ((size_t)1 << 30)

typedef struct {
    size_t paths;         /* simulated paths; 0: [projection] paths */
    unsigned long seed;   /* the run's seed */
    int threads;          /* worker threads; 0: as many as the cores */
    long step;            /* days between output dates; 0: [projection] step */
    const double *levels; /* quantile levels, percent, ascending; NULL: [projection] quantiles */
    size_t nlevels;
    bool without_waves; /* the twin: the same scenario with its waves removed */
    int32_t start;      /* first projected day; INT32_MIN: [projection] start */
    long horizon;       /* days projected; 0: [projection] horizon */
    bool keep_paths;    /* keep every path's values (att_projection path) */
    bool history;       /* the fitted period's bands (hist_*); off where unused */
    bool views;         /* casualties per day and the casualty share (rate_q, share_q and
                           with history hist_rate_q, hist_share_q): for a picture */
    bool paths_only;    /* with keep_paths: the paths alone, no bands, means or thresholds
                           (a caller that reads only paths: compare) */
} att_project_params;

/* paths, step, levels, start and horizon from the file; seed 1; threads 0;
 * waves on; paths not kept; the fitted period's bands on; views off. */
att_project_params att_project_default_params(void);

typedef struct {
    double p_at_start;  /* share of paths already crossed at the start */
    double probability; /* share crossed by the last output date (first passage) */
    double *by_date;    /* per output date: share crossed by it */
    int32_t date_q[3];  /* first-passage day at 5%, 50%, 95% of paths; ATT_DAY_OPEN when
                           that quantile lies beyond the horizon */
} att_threshold_result;

typedef struct {
    size_t paths;                /* simulated paths */
    size_t draws;                /* posterior draws they use (path i uses draw i * draws / paths) */
    size_t nlevels;              /* quantile levels */
    double *levels;              /* percent */
    size_t ndates;               /* output dates, start and last day included */
    int32_t *dates;              /* day numbers; a value at date d is the state at 00:00 of d */
    double *q[ATT_SERIES_COUNT]; /* ndates x nlevels, date after date (type-7 quantiles) */
    double *mean[ATT_SERIES_COUNT]; /* ndates means */
    double *end[ATT_SERIES_COUNT];  /* per path, the value at the last date (paired comparisons) */
    size_t nhist;                   /* dates of the fitted period, before the start */
    int32_t *hist_dates;            /* every step back from the start to the first arrival */
    double *hist_q[ATT_SERIES_COUNT];  /* nhist x nlevels: the closed form over the draws */
    double *hist_gq[ATT_SERIES_COUNT]; /* with groups: ngroup x nhist x nlevels, as gq */
    /* With views (NULL otherwise).  Casualties per day over the step from a
     * date to the next (mean over the step, on each path or at each draw);
     * C / D at each date, 0 where nothing is deployed yet. */
    double *rate_q;       /* (ndates - 1) x nlevels: from dates[k] to dates[k + 1] */
    double *share_q;      /* ndates x nlevels */
    double *hist_rate_q;  /* nhist x nlevels: from hist_dates[k] to the next, or the start */
    double *hist_share_q; /* nhist x nlevels */
    size_t nthreshold;
    att_threshold_result *threshold; /* as the file's [threshold] sections */
    double deployed_end_q50;         /* median troops deployed at the last date */
    size_t capped_paths; /* paths on which a departure's count met its group's strength: there
                            min(count, N_g) leaves, and the mean departs from the closed form */
    double seconds_loop; /* wall time of the simulation loop */
    bool killed_daily;   /* killed thinned every day (a killed threshold) */
    uint32_t *path[ATT_SERIES_COUNT + 1];  /* with keep_paths: ndates x paths, date after date,
                                              N, C, K and D (troops deployed); else NULL */
    size_t ngroup;                         /* groups with their own bands (0 without [group]) */
    double *gq[ATT_SERIES_COUNT];          /* ngroup x ndates x nlevels, group after group */
    double *gmean[ATT_SERIES_COUNT];       /* ngroup x ndates */
    uint32_t *gpath[ATT_SERIES_COUNT + 1]; /* with keep_paths and groups: (date x paths + path)
                                              x ngroup + group, N, C, K and D; else NULL */
} att_projection;

/* Checks that p can be projected as its file says: a start, in the last
 * phase, after every arrival, before every wave and scheduled departure
 * (ATT_EDATA with the file and line), and its paths and output dates
 * within ATT_PROJECT_MEMORY_MAX (ATT_ERANGE): what att_project_run
 * refuses of the file, refused first with the same message. */
ATT_NODISCARD att_status att_project_check(const att_params *p, att_error *err);

/* The same for a projection made with pp's settings (start, horizon,
 * step, paths, kept paths or views in place of the file's): exactly what
 * att_project_run refuses before it starts, with the same message. */
ATT_NODISCARD att_status att_project_check_with(const att_params *p,
                                                const att_project_params *pp,
                                                att_error *err);

/* Projects p from the draws of fit (made on post).  On success *out holds
 * the result (att_projection_free it). */
ATT_NODISCARD att_status att_project_run(const att_params *p,
                                         const att_posterior *post,
                                         const att_fit_result *fit,
                                         const att_project_params *pp,
                                         att_projection *out,
                                         att_error *err);
void att_projection_free(att_projection *r);

/* Quantile (level in percent, type 7) over paths of a's value minus b's at
 * the last date, path by path: what the waves add, when b is a's twin.
 * ATT_EINVAL if a and b differ in paths. */
ATT_NODISCARD att_status att_projection_paired(const att_projection *a,
                                               const att_projection *b,
                                               att_series s,
                                               double level,
                                               double *out,
                                               att_error *err);

/* With keep_paths: path i's value of series s (or ATT_SERIES_COUNT for the
 * troops deployed) at output date k. */
static inline uint32_t
att_projection_path(const att_projection *r, size_t s, size_t k, size_t i)
{
    return r->path[s][k * r->paths + i];
}

/* Group g's value of series s at output date k and level index j. */
static inline double
att_projection_gq(const att_projection *r, size_t g, att_series s, size_t k, size_t j)
{
    return r->gq[s][(g * r->ndates + k) * r->nlevels + j];
}

/* With keep_paths and groups: group g's value of series s (or
 * ATT_SERIES_COUNT for the troops deployed) at output date k on path i. */
static inline uint32_t
att_projection_gpath(const att_projection *r, size_t s, size_t k, size_t i, size_t g)
{
    return r->gpath[s][(k * r->paths + i) * r->ngroup + g];
}

/* The value of series s at output date k and level index j. */
static inline double
att_projection_q(const att_projection *r, att_series s, size_t k, size_t j)
{
    return r->q[s][k * r->nlevels + j];
}

#ifdef __cplusplus
}
#endif

#endif /* ATTRITION_ATT_PROJECT_H */
