/* att_advice.h -- why a fit failed its convergence checks, and what to
 * change so that it passes.
 *
 * att_fit_diagnose reads a fit's draws (per-draw divergences, per-chain
 * means, correlations) and names one cause: divergences where a noise
 * parameter is small, divergences where another parameter is extreme,
 * chains that settled apart, two parameters the reports pin only
 * together, or too few effective draws.  With it come up to
 * ATT_REMEDY_MAX remedies, each a change of the parameter file (or of the
 * sampler's draws), to be tried in order: att_run_advise (att_run.h) fits
 * each and keeps the first that passes.  docs/model.md, section 5.6.
 */
#ifndef ATTRITION_ATT_ADVICE_H
#define ATTRITION_ATT_ADVICE_H

#include <stddef.h>

#include <attrition/att_fit.h>
#include <attrition/att_params.h>
#include <attrition/att_posterior.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    ATT_CAUSE_NONE,         /* the fit passed */
    ATT_CAUSE_SMALL_NOISE,  /* divergences where a noise parameter is small (a funnel) */
    ATT_CAUSE_DIVERGENCES,  /* divergences where another parameter is extreme */
    ATT_CAUSE_STUCK_CHAIN,  /* some chains settled apart from the others */
    ATT_CAUSE_UNIDENTIFIED, /* the reports pin two parameters only together */
    ATT_CAUSE_SHORT         /* chains agree, but too few effective draws */
} att_fit_cause;

/* The setting a remedy changes. */
typedef enum {
    ATT_SET_SIGMA_LOG_SD,  /* [priors] sigma_log_sd */
    ATT_SET_SIGMA_SPREAD,  /* [priors] sigma_spread */
    ATT_SET_HAZARD_LOG_SD, /* [phase NAME] hazard_log_sd */
    ATT_SET_TAU,           /* [class NAME] tau_losses or tau_force */
    ATT_SET_COUNT_LOG_SD,  /* [arrival NAME] count_log_sd */
    ATT_SET_RATIO_LOG_SD,  /* [group NAME] hazard_ratio_log_sd */
    ATT_SET_WARMUP,        /* --warmup */
    ATT_SET_DRAWS          /* --draws */
} att_setting;

typedef struct {
    att_setting setting;
    size_t index;      /* phase, class, arrival or group */
    att_family family; /* ATT_SET_TAU */
    double from, to;   /* the value now, and the one proposed */
} att_change;

#define ATT_REMEDY_CHANGES 4
#define ATT_REMEDY_MAX     3

typedef struct {
    size_t nchange;
    att_change change[ATT_REMEDY_CHANGES]; /* made together */
} att_remedy;

typedef struct {
    att_fit_cause cause;
    size_t param, other; /* the parameters concerned, or ATT_NONE */
    char what[1024];     /* the finding, in one or two sentences */
    size_t nremedy;
    att_remedy remedy[ATT_REMEDY_MAX]; /* to try in this order */
} att_fit_diagnosis;

/* Diagnoses r, a fit of post (built from p) with fp's settings.  A fit
 * that passes gets ATT_CAUSE_NONE.  Fails only for memory. */
ATT_NODISCARD att_status att_fit_diagnose(const att_params *p,
                                          const att_posterior *post,
                                          const att_fit_params *fp,
                                          const att_fit_result *r,
                                          att_fit_diagnosis *d,
                                          att_error *err);

/* Makes the remedy's changes in p and fp. */
void att_remedy_apply(const att_remedy *rm, att_params *p, att_fit_params *fp);

/* Writes the remedy as a reader would type it ("[phase lull] hazard_log_sd
 * = 2.5 (now 5)", changes joined by " and ") into buf (size n, always
 * terminated); returns the length it needed, as snprintf. */
size_t att_remedy_format(const att_params *p, const att_remedy *rm, char *buf, size_t n);

const char *att_fit_cause_name(att_fit_cause c);

#ifdef __cplusplus
}
#endif

#endif /* ATTRITION_ATT_ADVICE_H */
