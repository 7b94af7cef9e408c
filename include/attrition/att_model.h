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
} att_state;

/* One point of parameter space in model units. */
typedef struct {
    const double *hazard; /* daily hazard of every phase (fixed ones included), 1/day */
    const double *count;  /* troops of every arrival */
    double kappa;         /* killed share of casualties, (0, 1) */
} att_model_values;

/* Length (days) of phase ph's interval [start, end) within [from, to). */
double att_model_overlap(const att_phase *ph, double from, double to);

/* Cumulative hazard from time `from` to time `to` (>= from). */
double att_model_cumhazard(const att_params *p, const double *hazard, double from, double to);

/* D, N, C and K at time t, in closed form. */
att_state att_model_state(const att_params *p, const att_model_values *v, double t);

/* The model quantity of a report of this kind (docs/model.md, section 1.4): for
 * rate, the mean daily casualties from 00:00 of day a to 24:00 of day b;
 * for every other kind, the quantity at 24:00 of day b (a is unused).
 * Fraction is C / D, and 0 where nothing is deployed yet. */
double att_model_quantity(
    const att_params *p, const att_model_values *v, att_kind kind, int32_t a, int32_t b);

#ifdef __cplusplus
}
#endif

#endif /* ATTRITION_ATT_MODEL_H */
