/* model.c -- the closed-form forward model (att_model.h; docs/model.md,
 * section 1, equations (1)-(5)).
 *
 * The model is linear in the arrivals, and each arrival is a cohort whose
 * survival is exp(-cumulative hazard since it arrived); summing cohorts is
 * the closed form per segment written another way, with no ODE solver.
 */
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
    att_state s = {0.0, 0.0, 0.0, 0.0};
    size_t j;

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
    return s;
}

double
att_model_quantity(
    const att_params *p, const att_model_values *v, att_kind kind, int32_t a, int32_t b)
{
    att_state s = att_model_state(p, v, (double)b + 1.0);

    switch (kind) {
    case ATT_KIND_CASUALTIES:
        return s.casualties;
    case ATT_KIND_KILLED:
        return s.killed;
    case ATT_KIND_WOUNDED:
        return (1.0 - v->kappa) * s.casualties;
    case ATT_KIND_RATE: {
        att_state s0 = att_model_state(p, v, (double)a);
        return (s.casualties - s0.casualties) / ((double)b - (double)a + 1.0);
    }
    case ATT_KIND_FRACTION:
        return s.deployed > 0.0 ? s.casualties / s.deployed : 0.0;
    case ATT_KIND_STRENGTH:
        return s.strength;
    case ATT_KIND_DEPLOYED:
        return s.deployed;
    default:
        return 0.0;
    }
}
