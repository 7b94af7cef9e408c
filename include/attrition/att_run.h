/* att_run.h -- what a command of the tool does, as library calls.
 *
 * A run is a scenario and its ledger, read and checked once with the
 * caller's overrides (another ledger, an anchor, sampler settings, the
 * seed) applied once, and optionally a file of later reports joined to the
 * ledger.  From a run: the posterior at a cut-off with the digest of its
 * fit inputs (att_run_posterior), its draws from the sampler or from a
 * saved fit of the same digest, judged by the convergence policy
 * (att_run_sample), saved for later (att_run_save), and the influence of
 * each report on the hazards (att_run_influence).  `attrition fit`,
 * `project`, `compare` and `backtest` are these calls and their printing.
 *
 * No numerics live here: the run calls the modules that do them, and
 * keeps nothing beyond what a run needs.
 */
#ifndef ATTRITION_ATT_RUN_H
#define ATTRITION_ATT_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <attrition/att_advice.h>
#include <attrition/att_common.h>
#include <attrition/att_digest.h>
#include <attrition/att_fit.h>
#include <attrition/att_ledger.h>
#include <attrition/att_loo.h>
#include <attrition/att_params.h>
#include <attrition/att_posterior.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What a caller may change of the scenario as read. */
typedef struct {
    const char *ledger;      /* the ledger instead of [model] ledger, or NULL */
    const char *ledger_text; /* with ledger (its name in messages): the ledger's text
                              * instead of the file's, ledger_len bytes; or NULL */
    size_t ledger_len;
    const char *anchor; /* instead of [model] anchor ("none" or CLASS:FAMILY,...), or NULL */
    const char *later;  /* reports to join to the ledger (its header, its columns), or NULL */
    long chains;        /* > 0: instead of [model] chains; likewise warmup, draws */
    long warmup;
    long draws;
    long seed;   /* >= 0: instead of [projection] seed (the fit's and projection's) */
    int threads; /* worker threads, 0: as many as cores; never changes a result */
} att_run_options;

/* No override: the scenario as written. */
att_run_options att_run_options_default(void);

typedef struct att_run att_run;

/* Reads the parameter file at path and its ledger (o->ledger, or the file's
 * [model] ledger) with o->later joined to it, applies o's overrides, and
 * checks the ledger against the scenario.  Errors name the file, line and
 * field; an error in an option's value has the option's name ("--anchor")
 * as its path.  On failure *out is NULL. */
ATT_NODISCARD att_status att_run_open(const char *path,
                                      const att_run_options *o,
                                      att_run **out,
                                      att_error *err);

/* Frees everything; NULL does nothing. */
void att_run_free(att_run *r);

/* The scenario with the overrides applied, and the ledger (later reports
 * joined); both live as long as r. */
const att_params *att_run_params(const att_run *r);
const att_ledger *att_run_ledger(const att_run *r);

/* The SHA-256 of every parameter file read (att_digest_files), as hex. */
const char *att_run_params_digest(const att_run *r);

/* The sampler settings: the scenario's with the overrides and threads. */
att_fit_params att_run_fit_params(const att_run *r);

/* The first day with a hazard that can be above 0 (INT32_MAX: none): a
 * cut-off before it has nothing to fit. */
int32_t att_run_first_combat_day(const att_run *r);

/* The posterior at a cut-off and its draws. */
typedef struct {
    int32_t cutoff;              /* reports stated after it are left out; INT32_MAX: none */
    att_params *p;               /* the scenario as known at the cut-off (owned) */
    att_posterior *post;         /* of p and the run's ledger at the cut-off */
    char digest[ATT_DIGEST_HEX]; /* SHA-256 of the fit inputs (att_export_inputs) */
    att_fit_params fp;           /* the sampler settings; a loaded fit's own chains,
                                  * draws and seed (warmup 0) */
    att_fit_result fit;          /* after att_run_sample */
    const char *loaded;          /* the saved fit read (the caller's string), or NULL */
    att_fit_verdict verdict;     /* the convergence policy's (att_fit_judge) */
    char verdict_msg[512];       /* its sentence */
} att_run_fit;

/* Builds f's posterior at cutoff: the scenario truncated there
 * (att_params_truncate) unless cutoff is INT32_MAX, the reports known then,
 * and the digest of those inputs.  f is zeroed first; att_run_fit_free it
 * whatever the outcome. */
ATT_NODISCARD att_status att_run_posterior(const att_run *r,
                                           int32_t cutoff,
                                           att_run_fit *f,
                                           att_error *err);

/* f's draws: read from the saved fit at `saved` (whose digest must be
 * f's), or sampled with f->fp when saved is NULL (draws of an earlier call
 * are freed first); then judged (f->verdict).  A failed verdict is not an
 * error: the caller decides what to show. */
ATT_NODISCARD att_status att_run_sample(att_run_fit *f, const char *saved, att_error *err);

/* f's draws sampled from a warm start out of near's (a fit of a
 * neighbouring cut-off that passed the policy; att_fit_warm_near), or
 * cold where near is NULL, did not pass, or gives no warm start; a warm
 * fit that fails the policy is sampled again cold, so that a warm start
 * never loses a fit (docs/model.md, section 5.8). */
ATT_NODISCARD att_status att_run_sample_near(att_run_fit *f,
                                             const att_run_fit *near,
                                             att_error *err);

/* Writes f's draws as a saved fit to path, atomically (a temporary file
 * renamed: no partial file is left on failure). */
ATT_NODISCARD att_status att_run_save(const att_run_fit *f, const char *path, att_error *err);

void att_run_fit_free(att_run_fit *f);

/* Called before each refit of att_run_influence (i of n, from 0). */
/* What a failed fit's diagnosis found, and what came of its remedies. */
typedef struct {
    att_fit_diagnosis diag;                  /* the cause, and the remedies to try */
    size_t tried;                            /* remedies fitted, in order */
    size_t works;                            /* the first that passed, or ATT_NONE */
    att_fit_verdict verdict[ATT_REMEDY_MAX]; /* of each remedy tried */
    char verdict_msg[ATT_REMEDY_MAX][512];   /* att_fit_judge's sentence for each */
} att_run_advice;

/* Diagnoses f's fit (att_fit_diagnose); with check, fits f's posterior
 * again under each remedy in turn, same seed and sampler settings but for
 * the remedy's changes, until one passes the policy.  Costs up to
 * ATT_REMEDY_MAX fits. */
ATT_NODISCARD att_status att_run_advise(
    const att_run *r, const att_run_fit *f, bool check, att_run_advice *out, att_error *err);

typedef void (*att_run_progress)(void *ctx, size_t i, size_t n);

/* Leave-one-out influence: how far each hazard's posterior median moves
 * when one report is left out and the model refitted. */
typedef struct {
    size_t nhaz;        /* hazard parameters */
    size_t *haz;        /* their indices in the full fit's parameters */
    size_t nrep;        /* rows: the ledger's reports */
    double *change;     /* nrep x nhaz, 1/day; NaN where not refitted (a report
                         * not used, or the only one) */
    double mcse;        /* Monte Carlo standard error of one refit's change, 1/day:
                         * sqrt 2 times the largest MCSE of a hazard's median */
    double *row_mcse;   /* per row: that of its changes, 1/day: mcse for a refit, more
                         * for a PSIS row whose weights are uneven (docs/model.md,
                         * section 6.2); NaN where not computed */
    unsigned char *how; /* per row: ATT_INFLUENCE_NONE, _PSIS or _REFIT */
    double *k;          /* per row: the report's Pareto k (NaN where not used) */
    size_t refits;      /* reports refitted */
} att_influence;

/* fit --influence's k_max: a report's changes from PSIS weights up to this
 * Pareto k, from a refit above it.  Below 0.5 the weights' variance is
 * finite and their n_eff gives a weighted median's Monte Carlo error
 * (row_mcse); between 0.5 and ATT_LOO_K_BAD, where PSIS-LOO's elpd is
 * still reliable, the error shrinks more slowly than n_eff says, and on the
 * shipped ledger a report at k 0.66 (in the draws of the time) moved a
 * hazard by half what its refit did, 4.5 of those MCSEs away
 * (docs/model.md, section 6.2). */
#define ATT_INFLUENCE_K_MAX 0.5

enum {
    ATT_INFLUENCE_NONE, /* not used by the fit, or the only report */
    ATT_INFLUENCE_PSIS, /* from the fit's draws, weighted as if the report were left out */
    ATT_INFLUENCE_REFIT /* refitted without it: its Pareto k is above k_max */
};

/* How each hazard's median moves without each report f's posterior uses:
 * from the draws of f with PSIS-LOO weights (att_loo.h) where the
 * report's Pareto k is at most k_max (ATT_INFLUENCE_K_MAX; a negative k_max
 * refits every report), else by refitting without it, with f's sampler
 * settings.  A refit that fails is an error at the
 * report's ledger line (field "id"), saying why.  progress (may be NULL)
 * is called before each refit. */
ATT_NODISCARD att_status att_run_influence(const att_run *r,
                                           const att_run_fit *f,
                                           double k_max,
                                           att_run_progress progress,
                                           void *ctx,
                                           att_influence *out,
                                           att_error *err);

void att_influence_free(att_influence *inf);

#ifdef __cplusplus
}
#endif

#endif /* ATTRITION_ATT_RUN_H */
