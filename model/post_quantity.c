/* post_quantity.c -- the model quantity of each report (docs/model.md,
 * equation (5)): log m at its points from the logs of C, N, D at the
 * design's times, its adjoint (d log p / d log m to the per-time sums and
 * to kappa), and what the design needs to know of it (where m > 0 and
 * where it stays the same whatever theta).  A new kind or measure is a row
 * of att_model_kind_get's table (model.c) read here.
 */
#include <math.h>

#include "post.h"

/* Whether report q's model quantity at pt is positive whatever theta: some
 * cohort has arrived (N, D; counts are > 0) and, for C or a share of it,
 * has spent time in a phase with combat (by pt->ti, or between pt->ti0 and
 * pt->ti over a period).  Equations (1)-(5). */
/* The first day before time t on which a departure of a count (which
 * can take the whole group) leaves group g, or t if none does. */
static double
post_quantity_emptied(const att_params *p, size_t g, double t)
{
    size_t j;

    for (j = 0; j < p->ndeparture && (double)p->departures[j].date < t; j++)
        if (p->departures[j].group == g && !p->departures[j].by_share)
            return (double)p->departures[j].date;
    return t;
}

/* post_quantity_positive for a force with groups, departures or returns
 * (equations (1b)-(4b)): some arrival of the time's groups is there and,
 * for losses, has had a day of combat (from the period's start, over a
 * period); N, and losses over a period, only while no departure of a
 * count can have emptied its group. */
static bool
post_quantity_positive_force(const att_posterior *post, const post_report *q, const post_point *pt)
{
    const att_params *p = post->p;
    double t = post->times[pt->ti], t0 = pt->ti0 != ATT_NONE ? post->times[pt->ti0] : 0.0;
    uint32_t set = post->tset[pt->ti];
    size_t j, k;

    for (j = 0; j < post->narr; j++) {
        const att_arrival *a = &p->arrivals[j];
        double from = (double)a->date > t0 ? (double)a->date : t0, until;
        if ((set != 0 && !(set >> a->group & 1u)) || !((double)a->date < t))
            continue;
        if (q->mk.var == ATT_MODEL_D)
            return true;
        /* After its group may have been emptied, a cohort counts for
         * nothing certain: N and losses from then on may be 0. */
        until = post_quantity_emptied(p, a->group, t);
        if (q->mk.var == ATT_MODEL_N) {
            if (until == t)
                return true;
            continue;
        }
        for (k = 0; k < p->nphase; k++)
            if (att_params_phase_has_combat(&p->phases[k]) &&
                att_model_overlap(&p->phases[k], from, until) > 0.0)
                return true;
    }
    return false;
}

bool
post_quantity_positive(const att_posterior *post, const post_report *q, const post_point *pt)
{
    const att_params *p = post->p;
    size_t j, k, np = post->nphase;
    bool losses = q->mk.var == ATT_MODEL_C;

    if (post->extended)
        return post_quantity_positive_force(post, q, pt);

    for (j = 0; j < post->narr; j++) {
        /* A change over a period counts exposure from its start time on,
         * other figures from arrival. */
        bool from_start = pt->ti0 != ATT_NONE;
        const double *L = post->expo + (pt->ti * post->narr + j) * np;
        const double *L0 = post->expo + ((from_start ? pt->ti0 : pt->ti) * post->narr + j) * np;
        if (L[0] < 0.0) /* not arrived */
            continue;
        if (!losses)
            return true;
        for (k = 0; k < np; k++) {
            double before = from_start && L0[0] >= 0.0 ? L0[k] : 0.0;
            if (att_params_phase_has_combat(&p->phases[k]) && L[k] > before)
                return true;
        }
    }
    return false;
}

/* Whether a report reading var has the same model quantity at times a
 * and b whatever theta: the same cohorts have arrived and, but for D,
 * each has the same exposure to every phase that can have casualties
 * (equations (1)-(5)). */
bool
post_quantity_same(const att_posterior *post, att_model_var var, size_t a, size_t b)
{
    const att_params *p = post->p;
    size_t j, k, np = post->nphase;

    if (post->extended) {
        /* Returns and departures move N and C on days without combat: only
         * D, which moves at arrivals alone, is the same between arrivals. */
        if (post->tset[a] != post->tset[b] || var != ATT_MODEL_D)
            return a == b;
        for (j = 0; j < post->narr; j++) {
            const att_arrival *ar = &p->arrivals[j];
            if ((post->tset[a] == 0 || (post->tset[a] >> ar->group & 1u)) &&
                ((double)ar->date < post->times[a]) != ((double)ar->date < post->times[b]))
                return false;
        }
        return true;
    }
    for (j = 0; j < post->narr; j++) {
        const double *La = post->expo + (a * post->narr + j) * np;
        const double *Lb = post->expo + (b * post->narr + j) * np;
        if ((La[0] < 0.0) != (Lb[0] < 0.0))
            return false;
        if (La[0] < 0.0 || var == ATT_MODEL_D)
            continue;
        for (k = 0; k < np; k++)
            if (att_params_phase_has_combat(&p->phases[k]) && La[k] != Lb[k])
                return false;
    }
    return true;
}

unsigned
post_quantity_need(const post_report *q)
{
    if (q->mk.measure != ATT_MODEL_LEVEL)
        return 0u; /* reads the values themselves, not their logs */
    return POST_NEED(q->mk.var) | (q->mk.per_deployed ? POST_NEED(ATT_MODEL_D) : 0u);
}

/* q's share as a slot of ltab's tail (POST_LTAB_TAIL), which holds its
 * log: 0 for the whole, log kappa for killed, log(1 - kappa) for wounded
 * (equation (5)). */
static unsigned char
post_quantity_share_slot(const post_report *q)
{
    return q->mk.share == ATT_MODEL_KILLED ? 1 : q->mk.share == ATT_MODEL_NONFATAL ? 2 : 0;
}

/* The indices of log m's terms at q's points: its variable's log at the
 * point's time, its share's log, and log D's at that time per deployed,
 * else the 0 of ltab's tail (x - 0 is x, bit for bit, rounding to
 * nearest); a change over a period, whose log m has a pass of its own,
 * reads 0 for both logs (and its share's slot is that pass's). */
void
post_quantity_log_m_index(att_posterior *post, const post_report *q)
{
    size_t zero = ATT_MODEL_NVAR * post->lstride, i;
    bool level = q->mk.measure == ATT_MODEL_LEVEL;

    for (i = q->first; i < q->first + q->npoint; i++) {
        size_t ti = post->pt[i].ti;
        post->lm_add[i] = (uint32_t)(level ? (size_t)q->mk.var * post->lstride + ti : zero);
        post->lm_sub[i] =
            (uint32_t)(level && q->mk.per_deployed ? ATT_MODEL_D * post->lstride + ti : zero);
        post->lm_share[i] = post_quantity_share_slot(q);
    }
}

/* log m at every point (equation (5)): the levels' in one flat pass over
 * post's indices into ltab (post_quantity_log_m_index), the variable's log plus
 * the share's, less log D's per deployed; then each change over a period
 * or daily measure, whose one point the flat pass left at 0: the changes'
 * logs all over one array (att_log's bits, vmath.h), then its log m, the
 * change's log plus the share's (per day: less lwidth, the log of its
 * days), or -HUGE_VAL where the change is not positive (whose log nothing
 * reads). */
void
post_quantity_log_m(const att_posterior *post, att_posterior_workspace *w)
{
    const double *L = w->ltab;
    const uint32_t *add = post->lm_add, *sub = post->lm_sub;
    const unsigned char *share = post->lm_share;
    double *lm = w->lm, *tail = w->ltab + ATT_MODEL_NVAR * post->lstride;
    size_t i, k;

    tail[0] = 0.0; /* the slots of post_quantity_share_slot */
    tail[1] = w->lgl[post->i_kappa];
    tail[2] = w->lgm[post->i_kappa];
    for (i = 0; i < post->npoint; i++)
        lm[i] = (L[add[i]] + tail[share[i]]) - L[sub[i]];
    if (post->nperiod == 0)
        return;
    for (k = 0; k < post->nperiod; k++) {
        const post_report *q = &post->rep[post->perrep[k]];
        const post_point *pt = post->pt + q->first;
        const double *v = w->val[q->mk.var];
        lm[q->first] = w->pdv[k] = v[pt->ti] - v[pt->ti0];
    }
    att_vlog(w->simd, post->nperiod, w->pdv, w->pdv);
    for (k = 0; k < post->nperiod; k++) {
        const post_report *q = &post->rep[post->perrep[k]];
        double *lq = lm + q->first;
        lq[0] = lq[0] > 0.0 ? w->pdv[k] + tail[share[q->first]] - q->lwidth : -HUGE_VAL;
    }
}

/* Each sum of glog from its lists (post_design_accumulate), its terms in
 * the points' order, the additions before the subtractions; then the
 * periods' terms into gval. */
void
post_quantity_push(const att_posterior *post, att_posterior_workspace *w)
{
    const double *g = w->gpt;
    double *a = w->gsum;
    size_t i, k;

    for (k = 0; k < post->nacc; k++) {
        const size_t *o = post->acc_off + 2 * k;
        double s = 0.0;
        for (i = o[0]; i < o[1]; i++)
            s += g[post->acc_pt[i]];
        for (; i < o[2]; i++)
            s -= g[post->acc_pt[i]];
        a[post->acc_slot[k]] = s;
    }
    for (k = 0; k < post->nperiod; k++) {
        const post_report *q = &post->rep[post->perrep[k]];
        const post_point *pt = post->pt + q->first; /* a period's one point */
        const double *v = w->val[q->mk.var];
        double *gv = w->gval[q->mk.var], dv;
        if (g[q->first] == 0.0)
            continue;
        dv = v[pt->ti] - v[pt->ti0];
        gv[pt->ti] += g[q->first] / dv;
        gv[pt->ti0] -= g[q->first] / dv;
    }
}
