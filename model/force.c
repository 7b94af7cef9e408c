/* force.c -- the force day by day (docs/model.md, section 1.5,
 * equations (1b)-(4b)): groups with their own hazard multiplier,
 * departures and return to duty.
 *
 * Every event falls at 00:00 of a day and the hazard is constant within
 * a day, so stepping one day at a time with the day's closed form is
 * exact: at 00:00 of day d a group gains its arrivals and its returns
 * (rho (1 - kappa) times its casualties of day d - delay), then loses its
 * departures; over the day it loses N (1 - e^{-h r}) to casualties.  With
 * returns there is no closed form per segment any more; without them the
 * first version's closed form (model.c) is kept, to the bit.
 */
#include <assert.h>
#include <math.h>
#include <string.h>

#include <attrition/att_model.h>

#include "emath.h"

/* The ring slot of day d (day numbers may in principle be negative). */
static size_t
force_slot(int32_t d, long delay)
{
    long r = (long)d % delay;

    return (size_t)(r < 0 ? r + delay : r);
}

/* One group's running state and its last return_delay days' casualties. */
typedef struct {
    double strength, casualties, deployed;
    double lost[ATT_RETURN_DELAY_MAX]; /* casualties of day d at d % delay */
} force_group;

/* Adds group g's state to *s when g is in the set. */
static void
force_sum(const force_group *gs, size_t ng, uint32_t groups, att_state *s)
{
    size_t g;

    s->deployed = s->strength = s->casualties = 0.0;
    for (g = 0; g < ng; g++)
        if (att_group_set_has(groups, g)) {
            s->deployed += gs[g].deployed;
            s->strength += gs[g].strength;
            s->casualties += gs[g].casualties;
        }
}

/* The state at one time into out: the sum over the set of groups, or
 * (per_group) one state per group. */
static void
force_put(
    const force_group *gs, size_t ng, uint32_t groups, bool per_group, double kappa, att_state *out)
{
    size_t g, n = per_group ? ng : 1;

    if (per_group)
        for (g = 0; g < ng; g++) {
            out[g].deployed = gs[g].deployed;
            out[g].strength = gs[g].strength;
            out[g].casualties = gs[g].casualties;
        }
    else
        force_sum(gs, ng, groups, out);
    for (g = 0; g < n; g++) {
        out[g].killed = kappa * out[g].casualties;
        out[g].wounded = (1.0 - kappa) * out[g].casualties;
    }
}

/* att_model_states and att_model_group_states: out has n states, or n
 * rows of one state per group. */
static void
force_run(const att_params *p,
          const att_model_values *v,
          int32_t from,
          size_t n,
          uint32_t groups,
          bool per_group,
          att_state *out)
{
    force_group gs[ATT_GROUP_MAX];
    double omq[ATT_GROUP_MAX] = {0}; /* each group's 1 - e^{-h r} in the current phase */
    size_t ng = att_params_group_count(p), g, i = 0, ia = 0, id = 0, k = 0;
    int kq = -2; /* the phase omq is for (-1: before the first) */
    long delay = p->return_delay;
    int32_t day, last = from + (int32_t)n - 1;
    att_state zero = {0.0, 0.0, 0.0, 0.0, 0.0};
    size_t row = per_group ? ng : 1;

    if (!att_params_extended(p)) {
        /* One group: the closed form per cohort, to the bit as before. */
        for (i = 0; i < n; i++)
            out[i] = att_model_state(p, v, (double)from + (double)i);
        return;
    }
    assert(ng <= ATT_GROUP_MAX && delay <= ATT_RETURN_DELAY_MAX);
    memset(gs, 0, ng * sizeof gs[0]);
    /* Nothing has arrived by 00:00 of the first arrival's day. */
    day = p->arrivals[0].date;
    for (; i < n && from + (int32_t)i <= day; i++)
        for (g = 0; g < row; g++)
            out[i * row + g] = zero;
    for (; day < last; day++) {
        int kd;
        while (k + 1 < p->nphase && p->phases[k].end <= day)
            k++;
        kd = day >= p->phases[k].start ? (int)k : -1;
        if (kd != kq) {
            /* The hazard is constant within a phase: one expm1 per group. */
            for (g = 0; g < ng; g++) {
                double x = kd < 0 ? 0.0 : v->hazard[kd] * (v->ratio != NULL ? v->ratio[g] : 1.0);
                omq[g] = x == 0.0 ? 0.0 : -att_expm1(-x);
            }
            kq = kd;
        }
        for (; ia < p->narrival && p->arrivals[ia].date == day; ia++) {
            force_group *a = &gs[p->arrivals[ia].group];
            a->strength += v->count[ia];
            a->deployed += v->count[ia];
        }
        for (g = 0; g < ng; g++) {
            force_group *a = &gs[g];
            double lost;
            if (delay > 0)
                a->strength += v->rho * (1.0 - v->kappa) * a->lost[force_slot(day, delay)];
            for (size_t j = id; j < p->ndeparture && p->departures[j].date == day; j++) {
                const att_departure *dp = &p->departures[j];
                if (dp->group != g)
                    continue;
                if (dp->by_share)
                    a->strength -= v->depart[j] * a->strength;
                else
                    a->strength -= v->depart[j] < a->strength ? v->depart[j] : a->strength;
            }
            lost = a->strength * omq[g];
            a->strength -= lost;
            a->casualties += lost;
            if (delay > 0)
                a->lost[force_slot(day, delay)] = lost;
        }
        while (id < p->ndeparture && p->departures[id].date == day)
            id++;
        /* Now at 00:00 of day + 1. */
        if (day + 1 >= from && i < n) {
            force_put(gs, ng, groups, per_group, v->kappa, &out[i * row]);
            i++;
        }
    }
}

void
att_model_states(const att_params *p,
                 const att_model_values *v,
                 int32_t from,
                 size_t n,
                 uint32_t groups,
                 att_state *out)
{
    force_run(p, v, from, n, groups, false, out);
}

void
att_model_group_states(
    const att_params *p, const att_model_values *v, int32_t from, size_t n, att_state *out)
{
    force_run(p, v, from, n, 0u, true, out);
}
