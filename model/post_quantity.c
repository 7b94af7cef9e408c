/* post_quantity.c -- the model quantity of each report (docs/model.md,
 * equation (5)): log m at its points from the logs of C, N, D at the
 * design's times, its adjoint (d log p / d log m to the per-time sums and
 * to kappa), and what the design needs to know of it (where m > 0 and
 * where it stays the same whatever theta).  A new kind or measure is a row
 * of att_model_kind_get's table (model.c) read here.
 */
#include <math.h>

#include "emath.h"
#include "post.h"

/* Whether report q's model quantity at pt is positive whatever theta: some
 * cohort has arrived (N, D; counts are > 0) and, for losses, has spent
 * time in a phase with combat (by pt->ti, or between pt->ti0 and pt->ti
 * for a rate).  Equations (1)-(5). */
bool
post_quantity_positive(const att_posterior *post, const post_report *q, const post_point *pt)
{
    const att_params *p = post->p;
    size_t j, k, np = post->nphase;
    bool losses = att_kind_family(q->kind) == ATT_FAMILY_LOSSES;

    for (j = 0; j < post->narr; j++) {
        /* A rate counts exposure from its start time on, other figures from arrival. */
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

/* Whether a report of this kind has the same model quantity at times a
 * and b whatever theta: the same cohorts have arrived and, but for
 * deployed figures, each has the same exposure to every phase that can
 * have casualties (equations (1)-(5)). */
bool
post_quantity_same(const att_posterior *post, att_kind kind, size_t a, size_t b)
{
    const att_params *p = post->p;
    size_t j, k, np = post->nphase;

    for (j = 0; j < post->narr; j++) {
        const double *La = post->expo + (a * post->narr + j) * np;
        const double *Lb = post->expo + (b * post->narr + j) * np;
        if ((La[0] < 0.0) != (Lb[0] < 0.0))
            return false;
        if (La[0] < 0.0 || kind == ATT_KIND_DEPLOYED)
            continue;
        for (k = 0; k < np; k++)
            if (att_params_phase_has_combat(&p->phases[k]) && La[k] != Lb[k])
                return false;
    }
    return true;
}

/* log m at each of q's points into out (equation (5)); -HUGE_VAL where
 * m = 0. */
static void
post_quantity_log_m_report(const att_posterior *post,
                           const att_posterior_workspace *w,
                           const post_report *q,
                           double *out)
{
    const post_point *pt = post->pt + q->first;
    const double *l = q->kind == ATT_KIND_STRENGTH   ? w->lN
                      : q->kind == ATT_KIND_DEPLOYED ? w->lD
                                                     : w->lC;
    double off = q->kind == ATT_KIND_KILLED    ? w->lkappa
                 : q->kind == ATT_KIND_WOUNDED ? w->lwounded
                                               : 0.0;
    size_t d;

    if (q->kind == ATT_KIND_RATE)
        for (d = 0; d < q->npoint; d++) {
            double dC = w->tC[pt[d].ti] - w->tC[pt[d].ti0];
            out[d] = dC > 0.0 ? att_log(dC) - q->lwidth : -HUGE_VAL;
        }
    else if (q->kind == ATT_KIND_FRACTION)
        for (d = 0; d < q->npoint; d++)
            out[d] = w->lC[pt[d].ti] - w->lD[pt[d].ti];
    else
        for (d = 0; d < q->npoint; d++)
            out[d] = l[pt[d].ti] + off;
}

void
post_quantity_log_m(const att_posterior *post, att_posterior_workspace *w)
{
    size_t r;

    for (r = 0; r < post->nrep; r++)
        post_quantity_log_m_report(post, w, &post->rep[r], w->lm + post->rep[r].first);
}

/* Adds g[d] = d log p / d log m at each of q's points to the per-time
 * sums of d log p / d log C, N, D, or for a rate to those of d log p / d C
 * (and to kappa's gradient); returns the sum of g, the bias's share.  The
 * log-scale sums are divided by C, N, D once per time, in
 * post_forward_close, rather than once per point. */
double
post_quantity_push(const att_posterior *post,
                   att_posterior_workspace *w,
                   const post_report *q,
                   double kappa,
                   const double *g)
{
    const post_point *pt = post->pt + q->first;
    double *a = q->kind == ATT_KIND_STRENGTH ? w->bN : q->kind == ATT_KIND_DEPLOYED ? w->bD : w->bC;
    double sum = 0.0;
    size_t d;

    for (d = 0; d < q->npoint; d++) {
        size_t ti = pt[d].ti;
        if (g[d] == 0.0)
            continue;
        if (q->kind == ATT_KIND_RATE) {
            double dC = w->tC[ti] - w->tC[pt[d].ti0];
            w->aC[ti] += g[d] / dC;
            w->aC[pt[d].ti0] -= g[d] / dC;
        } else {
            a[ti] += g[d];
            if (q->kind == ATT_KIND_FRACTION)
                w->bD[ti] -= g[d];
        }
        sum += g[d];
    }
    if (q->kind == ATT_KIND_KILLED)
        w->g_kappa += sum * (1.0 - kappa);
    else if (q->kind == ATT_KIND_WOUNDED)
        w->g_kappa -= sum * kappa;
    return sum;
}
