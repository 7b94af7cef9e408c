/* model.c -- the closed-form forward model (att_model.h; docs/model.md,
 * section 1, equations (1)-(5)), and the table of what each report kind
 * reads of it (5).
 *
 * The model is linear in the arrivals, and each arrival is a cohort whose
 * survival is exp(-cumulative hazard since it arrived); summing cohorts is
 * the closed form per segment written another way, with no ODE solver.
 */
#include <assert.h>
#include <math.h>

#include <attrition/att_model.h>

#include "emath.h"

double
att_model_overlap(const att_phase *ph, double from, double to)
{
    double lo = ph->start > from ? (double)ph->start : from;
    double hi = ph->end == ATT_DAY_OPEN || (double)ph->end > to ? to : (double)ph->end;

    return hi > lo ? hi - lo : 0.0;
}

double
att_model_cumhazard(const att_params *p, const double *hazard, double from, double to)
{
    double H = 0.0;
    size_t k;

    for (k = 0; k < p->nphase; k++)
        if (hazard[k] != 0.0)
            H += hazard[k] * att_model_overlap(&p->phases[k], from, to);
    return H;
}

att_state
att_model_state(const att_params *p, const att_model_values *v, double t)
{
    att_state s = {0.0, 0.0, 0.0, 0.0, 0.0};
    size_t j;

    if (att_params_extended(p)) {
        /* Day by day (force.c); t is a whole day there. */
        att_model_states(p, v, (int32_t)floor(t), 1, 0u, &s);
        return s;
    }
    for (j = 0; j < p->narrival; j++) {
        double tau = (double)p->arrivals[j].date, H;
        /* An arrival at 00:00 of day d is not there at 24:00 of day d - 1,
         * the same instant: counting strictly before t keeps a report "as
         * of" a day from seeing the next day's arrivals (docs/model.md). */
        if (!(tau < t))
            continue;
        H = att_model_cumhazard(p, v->hazard, tau, t);
        s.deployed += v->count[j];
        s.strength += v->count[j] * att_exp(-H);
        /* -expm1 keeps C's relative accuracy while the hazard is small. */
        s.casualties += v->count[j] * -att_expm1(-H);
    }
    s.killed = v->kappa * s.casualties;
    s.wounded = (1.0 - v->kappa) * s.casualties;
    return s;
}

/* Equation (5): a new kind, or a kind with another measure, is a row here. */
static const att_model_kind model_kinds[ATT_KIND_COUNT] = {
    [ATT_KIND_CASUALTIES] = {ATT_MODEL_C, ATT_MODEL_ALL, ATT_MODEL_LEVEL, false},
    [ATT_KIND_KILLED] = {ATT_MODEL_C, ATT_MODEL_KILLED, ATT_MODEL_LEVEL, false},
    [ATT_KIND_WOUNDED] = {ATT_MODEL_C, ATT_MODEL_NONFATAL, ATT_MODEL_LEVEL, false},
    [ATT_KIND_RATE] = {ATT_MODEL_C, ATT_MODEL_ALL, ATT_MODEL_DAILY, false},
    [ATT_KIND_FRACTION] = {ATT_MODEL_C, ATT_MODEL_ALL, ATT_MODEL_LEVEL, true},
    [ATT_KIND_STRENGTH] = {ATT_MODEL_N, ATT_MODEL_ALL, ATT_MODEL_LEVEL, false},
    [ATT_KIND_DEPLOYED] = {ATT_MODEL_D, ATT_MODEL_ALL, ATT_MODEL_LEVEL, false},
};

att_model_kind
att_model_kind_get(att_kind k, att_measure m)
{
    att_model_kind mk;

    assert(k < ATT_KIND_COUNT);
    mk = model_kinds[k];
    /* The ledger allows period and daily for the loss counts only. */
    if (m == ATT_MEASURE_PERIOD)
        mk.measure = ATT_MODEL_PERIOD;
    else if (m == ATT_MEASURE_DAILY)
        mk.measure = ATT_MODEL_DAILY;
    return mk;
}

/* The share of the variable a kind reads in s. */
static double
model_part(const att_state *s, const att_model_kind *mk)
{
    if (mk->var == ATT_MODEL_N)
        return s->strength;
    if (mk->var == ATT_MODEL_D)
        return s->deployed;
    return mk->share == ATT_MODEL_KILLED     ? s->killed
           : mk->share == ATT_MODEL_NONFATAL ? s->wounded
                                             : s->casualties;
}

double
att_model_state_quantity(const att_model_kind *mk,
                         const att_state *s,
                         const att_state *s0,
                         double ndays)
{
    double x = model_part(s, mk);

    if (mk->measure == ATT_MODEL_PERIOD)
        return x - model_part(s0, mk);
    if (mk->measure == ATT_MODEL_DAILY)
        return (x - model_part(s0, mk)) / ndays;
    if (mk->per_deployed)
        return s->deployed > 0.0 ? x / s->deployed : 0.0;
    return x;
}

double
att_model_quantity(const att_params *p,
                   const att_model_values *v,
                   att_kind kind,
                   att_measure m,
                   int32_t a,
                   int32_t b)
{
    att_model_kind mk = att_model_kind_get(kind, m);
    att_state s = att_model_state(p, v, (double)b + 1.0), s0 = s;

    if (mk.measure != ATT_MODEL_LEVEL)
        s0 = att_model_state(p, v, (double)a);
    return att_model_state_quantity(&mk, &s, &s0, (double)b - (double)a + 1.0);
}
