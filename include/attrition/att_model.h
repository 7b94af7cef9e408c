/* att_model.h -- the phase-hazard forward model in closed form.
 *
 * docs/model.md, section 1.3: dN/dt = arrivals(t) - h(t) N(t),
 * dC/dt = h(t) N(t), with h piecewise constant over the phases and step
 * arrivals.  Each arrival j is a cohort that has met the cumulative hazard
 * H_j(t) = sum_k h_k |[s_k, e_k) & [tau_j, t)| since it arrived, so
 *   D(t) = sum_j n_j [tau_j < t],  N(t) = sum_j n_j exp(-H_j(t)),
 *   C(t) = D(t) - N(t),  K(t) = kappa C(t)       (docs/model.md, (1)-(4)).
 * Time t is in days: day d's 00:00 is t = d, its 24:00 is t = d + 1.
 */
#ifndef ATTRITION_ATT_MODEL_H
#define ATTRITION_ATT_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include <attrition/att_ledger.h>
#include <attrition/att_params.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The model's quantities at one time. */
typedef struct {
    double deployed;   /* D(t), troops sent so far */
    double strength;   /* N(t), troops fit to fight */
    double casualties; /* C(t), killed + wounded + captured + missing */
    double killed;     /* K(t) = kappa C(t) */
    double wounded;    /* (1 - kappa) C(t): wounded, captured, missing */
} att_state;

/* The state a report kind reads. */
typedef enum {
    ATT_MODEL_C, /* C(t), casualties */
    ATT_MODEL_N, /* N(t), strength */
    ATT_MODEL_D, /* D(t), deployed */
    ATT_MODEL_NVAR
} att_model_var;

/* The share of C a loss figure counts (the whole for N and D). */
typedef enum {
    ATT_MODEL_ALL,     /* all of it */
    ATT_MODEL_KILLED,  /* kappa: killed */
    ATT_MODEL_NONFATAL /* 1 - kappa: wounded, captured, missing */
} att_model_share;

/* How a figure reads its quantity over its as-of window a..b (MODEL.md,
 * "Measures of a loss figure"). */
typedef enum {
    ATT_MODEL_LEVEL,  /* at 24:00 of each day of the window, averaged (MODEL.md's cumulative) */
    ATT_MODEL_PERIOD, /* the change from 00:00 of a to 24:00 of b */
    ATT_MODEL_DAILY   /* that change per day of it */
} att_model_measure;

/* How a report kind's model quantity is made from the state: the one
 * table of docs/model.md, (5), which att_model_quantity, the posterior
 * (on the log scale) and the scores read. */
typedef struct {
    att_model_var var;         /* the state it reads */
    att_model_share share;     /* the share of it */
    att_model_measure measure; /* at each day, or the change over the window per day */
    bool per_deployed;         /* divided by D at the same time, 0 where D = 0 (fraction) */
} att_model_kind;

/* The row of kind k (< ATT_KIND_COUNT) of that table, with a loss
 * figure's measure m (the ledger's measure column) applied. */
att_model_kind att_model_kind_get(att_kind k, att_measure m);

/* One point of parameter space in model units.  The last three matter
 * only to a force with groups, departures or return to duty
 * (att_params_extended); a first-version model leaves them 0. */
typedef struct {
    const double *hazard; /* daily hazard of every phase (fixed ones included), 1/day */
    const double *count;  /* troops of every arrival */
    double kappa;         /* killed share of casualties, (0, 1) */
    const double *ratio;  /* hazard multiplier r_g of every group; NULL: 1 for all */
    const double *depart; /* every departure's count, or its share; NULL with none */
    double rho;           /* the share of non-fatal casualties that return (0: none) */
} att_model_values;

/* Length (days) of phase ph's interval [start, end) within [from, to). */
double att_model_overlap(const att_phase *ph, double from, double to);

/* Cumulative hazard from time `from` to time `to` (>= from). */
double att_model_cumhazard(const att_params *p, const double *hazard, double from, double to);

/* D, N, C and K at time t: in closed form per cohort (equations (1)-(4)),
 * or for a force with groups, departures or return to duty day by day
 * (equations (1b)-(4b); t is then a whole day). */
att_state att_model_state(const att_params *p, const att_model_values *v, double t);

/* The state of the groups in the bit set `groups` (bit g for group g; 0
 * for the whole force) at the times from, from + 1, ..., from + n - 1
 * into out[0..n-1], in one pass over the days (force.c). */
void att_model_states(const att_params *p,
                      const att_model_values *v,
                      int32_t from,
                      size_t n,
                      uint32_t groups,
                      att_state *out);

/* Each group's state at the same times: out[i * G + g] for time from + i
 * and group g, G = att_params_group_count(p) (for a model without groups,
 * G = 1 and the state is the whole force's). */
void att_model_group_states(
    const att_params *p, const att_model_values *v, int32_t from, size_t n, att_state *out);

/* The model quantity of a report of this kind and measure (docs/model.md,
 * section 1.4): over a period (a period or daily measure, and rate), the
 * change from 00:00 of day a to 24:00 of day b, or its mean per day; for
 * every other figure, the quantity at 24:00 of day b (a is unused).
 * Fraction is C / D, and 0 where nothing is deployed yet. */
double att_model_quantity(const att_params *p,
                          const att_model_values *v,
                          att_kind kind,
                          att_measure m,
                          int32_t a,
                          int32_t b);

/* The same from states already known: s at 24:00 of the day the figure
 * describes (of b over a period) and, over a period only, s0 at 00:00 of
 * a, with ndays = b - a + 1 (else s0 and ndays are unused). */
double att_model_state_quantity(const att_model_kind *mk,
                                const att_state *s,
                                const att_state *s0,
                                double ndays);

#ifdef __cplusplus
}
#endif

#endif /* ATTRITION_ATT_MODEL_H */
