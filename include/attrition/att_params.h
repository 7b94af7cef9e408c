/* att_params.h -- scenario and parameter files (the INI files in params/).
 *
 * A parameter file states everything the phase-hazard model and its
 * projection need: the ledger, phases with their hazard priors, arrivals,
 * source classes with their bias scales, the anchor, priors for kappa and
 * sigma, and the projection (waves as cohorts, thresholds, quantiles).
 * params/README.md documents every key; att_params_key_get() exposes the
 * same table, and a test keeps the two in step.
 *
 * Files are INI, read with libinih.  `include = FILE` (relative to the
 * including file) pulls in another file; the including file's keys win,
 * sections of the same name merge key by key, and `enabled = false` drops
 * an inherited section.
 */
#ifndef ATTRITION_ATT_PARAMS_H
#define ATTRITION_ATT_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <attrition/att_common.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ATT_NAME_MAX         48        /* section names, NUL included */
#define ATT_DAY_OPEN         INT32_MAX /* end day of an open-ended phase */
#define ATT_QUANTILES_MAX    32        /* levels in [projection] quantiles */
#define ATT_GROUP_MAX        16        /* [group] sections (a ledger row's groups are a bit set) */
#define ATT_RETURN_DELAY_MAX 365       /* days, [model] return_delay */

/* Families of report kinds, each with its own source bias (docs/model.md, section 2.1). */
typedef enum {
    ATT_FAMILY_LOSSES, /* casualties, killed, wounded, rate, fraction */
    ATT_FAMILY_FORCE,  /* strength, deployed */
    ATT_FAMILY_COUNT
} att_family;

/* Where a section or key was stated: for error messages that point at it. */
typedef struct {
    const char *path; /* the file (owned by the att_params), never NULL */
    long line;        /* 1-based line of the section header or key */
} att_origin;

/* A phase [start, end) with a daily casualty hazard. */
typedef struct {
    char name[ATT_NAME_MAX]; /* identifier, [A-Za-z][A-Za-z0-9_]* */
    int32_t start;           /* first day (00:00), day number */
    int32_t end;             /* first day after the phase, or ATT_DAY_OPEN */
    bool fixed;              /* true: the hazard is fixed, not a parameter */
    double hazard;           /* fixed daily hazard, 1/day (fixed phases) */
    double prior_median;     /* prior median of the hazard, 1/day (log h ~ N(log median, sd^2)) */
    double prior_log_sd;     /* prior sd of log h */
    att_origin origin;       /* the [phase NAME] header */
} att_phase;

/* How an arrival's (or a wave's) troop count is known. */
typedef enum {
    ATT_COUNT_FIXED,     /* exactly `count` */
    ATT_COUNT_UNIFORM,   /* uniform on [low, high] */
    ATT_COUNT_LOGNORMAL, /* log-normal with median and log sd */
    ATT_COUNT_SHARE,     /* waves only: a share of [projection] total */
    ATT_COUNT_BETA       /* departures' shares only: Beta(share_a, share_b) */
} att_count_prior;

/* A part of the force with its own hazard multiplier r_g: in phase k its
 * hazard is h_k r_g (docs/model.md, section 1.5).  With no [group]
 * declared there is one implicit group, index 0, with r = 1. */
typedef struct {
    char name[ATT_NAME_MAX]; /* identifier, used by arrivals, departures, waves, the ledger */
    bool fixed;              /* true: r_g is `ratio` (always for the reference group) */
    double ratio;            /* fixed r_g (1 for the reference group) */
    double ratio_median;     /* log r_g ~ Normal(log ratio_median, ratio_log_sd^2) */
    double ratio_log_sd;
    char *description; /* who is in it (may be "") */
    att_origin origin; /* the [group NAME] header */
} att_group;

/* Troops joining the contingent at 00:00 of `date`. */
typedef struct {
    char name[ATT_NAME_MAX]; /* identifier */
    int32_t date;            /* arrival day (a window's midpoint when uncertain) */
    att_count_prior prior;   /* FIXED, UNIFORM or LOGNORMAL */
    double count;            /* troops (FIXED) */
    double low, high;        /* troops (UNIFORM bounds) */
    double median, log_sd;   /* troops, and sd of log count (LOGNORMAL) */
    size_t group;            /* index into groups (0 with none declared) */
    att_origin origin;       /* the [arrival NAME] header */
} att_arrival;

/* Troops of one group leaving the theatre fit to fight at 00:00 of `date`,
 * after that day's arrivals and returns and before its casualties: a
 * count, of which min(count, N_g) leaves, or a share of N_g.  D does not
 * change (docs/model.md, section 1.5). */
typedef struct {
    char name[ATT_NAME_MAX]; /* identifier */
    int32_t date;            /* the day they leave (scheduled: the first possible day) */
    int32_t date_high;       /* scheduled: the last possible day; else date */
    bool scheduled;          /* date_low/date_high: the projection's, not fitted */
    size_t group;            /* index into groups (0 with none declared) */
    bool by_share;           /* a share of N_g (FIXED or BETA), else a count */
    att_count_prior prior;   /* FIXED, UNIFORM or LOGNORMAL (counts); FIXED or BETA (shares) */
    double count;            /* troops, or the share, when FIXED */
    double low, high;        /* troops (UNIFORM bounds) */
    double median, log_sd;   /* troops, and sd of log count (LOGNORMAL) */
    double share_a, share_b; /* the share ~ Beta(share_a, share_b) (BETA) */
    att_origin origin;       /* the [departure NAME] header */
} att_departure;

/* A source class: the scale of its bias per family, or for an undercount
 * class the prior of its loss figures' completeness. */
typedef struct {
    char name[ATT_NAME_MAX];      /* identifier, used in the ledger's source_class */
    double tau[ATT_FAMILY_COUNT]; /* sd of the log bias b_{s,f} (losses: unused if undercount) */
    bool undercount;              /* loss figures count a share c_s of the truth */
    double completeness_a;        /* c_s ~ Beta(completeness_a, completeness_b) */
    double completeness_b;
    char *description; /* who is in it (may be "") */
    att_origin origin; /* the [class NAME] header */
} att_class;

/* One pinned (class, family) bias of the anchor. */
typedef struct {
    size_t cls;        /* index into classes */
    att_family family; /* which family's bias is pinned to 0 */
} att_anchor_pair;

/* Which hazard a cohort carries in the projection. */
typedef enum {
    ATT_HAZARD_INHERIT, /* the contingent's rule (waves) or the last fitted phase (contingent) */
    ATT_HAZARD_PHASE,   /* a fitted phase's hazard times a multiplier */
    ATT_HAZARD_FIXED    /* a fixed daily hazard */
} att_hazard_kind;

typedef struct {
    att_hazard_kind kind; /* see att_hazard_kind */
    size_t phase;         /* index into phases (PHASE) */
    double mult_low;      /* multiplier range, log-uniform (PHASE); low == high for fixed */
    double mult_high;
    double value; /* fixed daily hazard, 1/day (FIXED) */
    bool dropped; /* att_params_truncate made a PHASE rule INHERIT: its phase (whose index in
                   * the scenario `phase` keeps) starts after the origin */
} att_hazard_rule;

/* A reinforcement wave: a cohort arriving on one day with its own hazard. */
typedef struct {
    char name[ATT_NAME_MAX]; /* identifier */
    size_t after;            /* ATT_NONE, or index of the wave this one follows */
    int32_t date_low;        /* arrival day range, uniform (absolute waves) */
    int32_t date_high;
    int32_t gap_low; /* days after the previous wave, uniform (relative waves) */
    int32_t gap_high;
    att_count_prior size_prior; /* FIXED, UNIFORM or SHARE */
    double size_low;            /* troops; equal bounds for a fixed size */
    double size_high;
    double share;           /* weight in [projection] total (SHARE) */
    att_hazard_rule hazard; /* the cohort's hazard */
    size_t group;           /* index into groups (0 with none declared) */
    att_origin origin;      /* the [wave NAME] header */
} att_wave;

typedef enum {
    ATT_QUANTITY_STRENGTH,      /* N(t), troops fit to fight */
    ATT_QUANTITY_CASUALTIES,    /* C(t) */
    ATT_QUANTITY_KILLED,        /* K(t) */
    ATT_QUANTITY_LOSS_FRACTION, /* C(t) / D(t) */
    ATT_QUANTITY_COUNT
} att_quantity;

/* A threshold crossed at first passage of quantity below / at least value. */
typedef struct {
    char name[ATT_NAME_MAX]; /* identifier */
    att_quantity quantity;   /* what is watched */
    bool below;              /* true: crossed when quantity < value; false: when >= value */
    double value;            /* troops, or a fraction for LOSS_FRACTION */
    char *description;       /* plain words (may be "") */
    size_t group;            /* the group watched, or ATT_NONE for the whole force */
    att_origin origin;       /* the [threshold NAME] header */
} att_threshold;

typedef enum { ATT_COUNTS_BINOMIAL, ATT_COUNTS_BETA_BINOMIAL } att_count_model;

/* When the contingent switches to [projection]'s hazard rule. */
typedef enum { ATT_FROM_START, ATT_FROM_FIRST_WAVE, ATT_FROM_DATE } att_hazard_from;

/* The metric NUTS adapts in warm-up ([model] metric; docs/model.md,
 * section 5.7): the variances, the covariance, or the covariance once a
 * window finds two coordinates correlated at 0.9 or more. */
typedef enum { ATT_METRIC_DIAG, ATT_METRIC_DENSE, ATT_METRIC_AUTO } att_metric;

typedef struct {
    int32_t start;               /* first projected day; INT32_MIN if not given */
    long horizon;                /* days projected */
    long step;                   /* days between output dates */
    att_count_model counts;      /* daily casualty distribution */
    double dispersion;           /* beta-binomial intra-cohort correlation, (0, 1) */
    att_hazard_rule hazard;      /* the contingent's hazard rule */
    att_hazard_from hazard_from; /* when that rule starts to apply */
    int32_t hazard_from_date;    /* the day, for ATT_FROM_DATE */
    bool has_total;              /* total_low/high given */
    double total_low;            /* reinforcement total for share waves, troops */
    double total_high;
    double quantiles[ATT_QUANTILES_MAX]; /* output levels, percent, ascending */
    size_t nquantiles;
    long paths;         /* simulated paths */
    unsigned long seed; /* the run's random seed (fit and projection) */
} att_projection_params;

typedef struct att_params {
    char *path;        /* the file loaded (as given) */
    char *description; /* one line for `attrition scenarios` (may be "") */
    char *ledger;      /* the ledger path, resolved against its file; NULL if not given */
    att_origin ledger_origin;

    size_t nanchor; /* 0: anchor = none (consensus) */
    att_anchor_pair *anchor;
    long chains; /* fit settings (defaults for --chains etc.) */
    long warmup;
    long draws;
    double adapt_delta;     /* NUTS step-size adaptation target */
    double adapt_delta_max; /* the highest target a refit after divergences may use */
    long max_depth;         /* NUTS tree depth limit */
    att_metric metric;      /* the metric NUTS adapts in warm-up */

    double kappa_a; /* kappa ~ Beta(kappa_a, kappa_b) */
    double kappa_b;
    double sigma_median;  /* sigma ~ LogNormal(log sigma_median, sigma_log_sd^2), log units */
    double sigma_log_sd;  /* prior sd of log sigma (with noise_per_class, of log sigma0) */
    bool noise_per_class; /* [model] noise = per_class: sigma_s = sigma0 exp(sigma_spread z_s) */
    double sigma_spread;  /* omega, fixed */

    /* Return to duty: a share rho of the non-fatal casualties rejoins its
     * group return_delay days later (docs/model.md, section 1.6).  None
     * when return_delay is 0. */
    bool return_fixed;   /* rho is return_share; else rho ~ Beta(return_a, return_b) */
    double return_share; /* fixed rho, [0, 1) */
    double return_a;     /* rho's beta prior */
    double return_b;
    long return_delay; /* days, >= 1; 0: wounded do not return */

    size_t nphase; /* in date order, contiguous */
    att_phase *phases;
    size_t ngroup; /* declared groups; 0: one implicit group */
    att_group *groups;
    size_t reference_group; /* the group whose r is 1 (0 with fewer than two) */
    size_t narrival;        /* in date order */
    att_arrival *arrivals;
    size_t ndeparture; /* in date order: the fitted ones, with a fixed date */
    att_departure *departures;
    size_t nscheduled; /* departures the projection schedules (date_low, date_high) */
    att_departure *scheduled;
    size_t nclass;
    att_class *classes;
    size_t nwave; /* in file order; `after` points backwards */
    att_wave *waves;
    size_t nthreshold;
    att_threshold *thresholds;
    att_projection_params projection;

    size_t nfile; /* every file read, the top one first (owned) */
    char **files;
} att_params;

/* Reads the text of a parameter file.  On success *out_text holds a
 * NUL-terminated buffer allocated with malloc (the loader frees it) of
 * length *out_len.  On failure fill err (ATT_ENOENT for a missing file). */
typedef att_status (*att_params_reader)(
    void *ctx, const char *path, char **out_text, size_t *out_len, att_error *err);

/* Loads and validates a parameter file and everything it includes, reading
 * files from disk.  On success *out holds the result (att_params_free it);
 * on failure *out is NULL and err says file:line, key, expected, found. */
ATT_NODISCARD att_status att_params_load(const char *path, att_params **out, att_error *err);

/* The same, with files served by reader(ctx, path, ...) instead of the disk
 * (the fuzzing harness serves includes from memory). */
ATT_NODISCARD att_status att_params_load_with(
    const char *path, att_params_reader reader, void *ctx, att_params **out, att_error *err);

/* Frees everything; NULL does nothing. */
void att_params_free(att_params *p);

/* Replaces p's anchor with spec ("none" or CLASS:FAMILY[,...], as the
 * [model] anchor key), as --anchor does.  On failure p is unchanged and
 * err says what was expected (its path is "--anchor"). */
ATT_NODISCARD att_status att_params_set_anchor(att_params *p, const char *spec, att_error *err);

/* A deep copy of p into *out (att_params_free it), origins included: a
 * run truncates copies at several origins while keeping the scenario it
 * loaded once. */
ATT_NODISCARD att_status att_params_copy(const att_params *p, att_params **out, att_error *err);

/* Restricts p to what was known at origin (docs/model.md, section 9): phases
 * that start after origin are dropped and the last remaining one becomes
 * open-ended; arrivals dated after origin are dropped (later arrivals come
 * only from the scenario's waves).  ATT_EDATA if nothing is left. */
ATT_NODISCARD att_status att_params_truncate(att_params *p, int32_t origin, att_error *err);

/* What att_params_truncate changed: full is the scenario, cut a copy of
 * it truncated at an origin.  Phases, arrivals and departures are in date
 * order, so the dropped ones are the last of each list. */
typedef struct {
    size_t phases_kept;     /* full's first so many phases are kept, the rest dropped */
    size_t arrivals_kept;   /* likewise */
    size_t departures_kept; /* likewise */
    int32_t scheduled_end;  /* the end full gives the last kept phase, which cut runs
                             * open-ended (ATT_DAY_OPEN: it was open-ended already) */
} att_truncation;

void att_params_truncation(const att_params *full, const att_params *cut, att_truncation *t);

/* Does the anchor pin the bias of (class cls, family f) to 0? */
bool att_params_pinned(const att_params *p, size_t cls, att_family f);

/* Can phase ph have casualties: a hazard with a prior, or a fixed one
 * above 0 (docs/model.md, section 1.2: a fixed hazard of 0 is no combat)?
 * Whatever the parameters, C grows only in such a phase. */
bool att_params_phase_has_combat(const att_phase *ph);

/* Index of the named phase / class / group, or ATT_NONE. */
size_t att_params_phase_index(const att_params *p, const char *name);
size_t att_params_class_index(const att_params *p, const char *name);
size_t att_params_group_index(const att_params *p, const char *name);

/* The number of groups the state is kept for: the declared ones, or the
 * one implicit group. */
size_t att_params_group_count(const att_params *p);

/* Does p use groups (two or more), departures (fitted or scheduled) or
 * return to duty?  If not,
 * its model is the first version's closed form per cohort (docs/model.md,
 * section 1.3), computed as before to the bit. */
bool att_params_extended(const att_params *p);

/* Is rho fixed or estimated, and is there any return to duty at all? */
bool att_params_returns(const att_params *p);

/* The family of a name ("losses", "force"); ATT_FAMILY_COUNT if unknown. */
att_family att_family_from_name(const char *name);
const char *att_family_name(att_family f);
const char *att_quantity_name(att_quantity q);

/* The documented key table (the rows of params/README.md). */
typedef struct {
    const char *section; /* "(top)", "model", "phase NAME", ... */
    const char *key;     /* the key */
    const char *type;    /* date, number, integer, text, ... */
    const char *unit;    /* unit or "-" */
    const char *defval;  /* default as text, or "required" / "-" */
    char range[96];      /* allowed values as text */
    const char *help;    /* one-line meaning */
} att_params_key;

/* Number of documented keys, and row i of the table (ATT_EINVAL past the end). */
size_t att_params_key_count(void);
ATT_NODISCARD att_status att_params_key_get(size_t i, att_params_key *out);

#ifdef __cplusplus
}
#endif

#endif /* ATTRITION_ATT_PARAMS_H */
