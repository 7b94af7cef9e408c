/* post_forward.c -- the forward pass and its adjoint (docs/model.md,
 * equations (1)-(4)): C, N, D at every distinct time from each cohort's
 * survival (advanced by exp(-h) per day where it stays in one phase), the
 * logs the reports read, over arrays (vmath.c); and the gradient back
 * from the per-time sums d log p / d C, N, D to the hazards and the
 * arrival counts, in one pass at the end.
 */
#include <math.h>

#include "emath.h"
#include "post.h"

/* Below this cumulative hazard survival exceeds 0.99 (-log 0.99). */
#define POST_NEAR_ONE 0.010050335853501441

/* Cohort j's survival e and its complement c at time i, stored and into
 * *e, *c, from time i - 1's there: a one-day step always follows a time
 * the cohort was present at (post_design_step), so *e, *c hold that
 * time's.  false where it has not arrived (1 and 0 stored, *e and *c
 * kept). */
static ATT_ALWAYS_INLINE bool
post_forward_step(
    const att_posterior *post, att_posterior_workspace *w, size_t i, size_t j, double *e, double *c)
{
    size_t k, na = post->narr, np = post->nphase;
    const double *L = post->expo + (i * na + j) * np;
    int step = post->step[i * na + j];
    double H = 0.0, ej = *e, cj = *c;

    if (step == POST_STEP_ABSENT) {
        w->surv[i * na + j] = 1.0;
        w->lost[i * na + j] = 0.0;
        return false;
    }
    if (step >= 0) {
        /* One day in one phase: e' = e q and 1 - e' = (1 - e) + e (1 - q),
         * a sum of positive terms that keeps its digits near e = 1. */
        cj += ej * w->omq[step];
        ej *= w->q[step];
    } else {
        for (k = 0; k < np; k++)
            H += w->hazard[k] * L[k];
        /* Where survival is still near 1 (e > 0.99), 1 - e would lose
         * digits: both from expm1 of the cumulative hazard. */
        if (H < POST_NEAR_ONE) {
            cj = -att_expm1(-H);
            ej = 1.0 - cj;
        } else {
            ej = att_exp(-H);
            cj = 1.0 - ej;
        }
    }
    w->surv[i * na + j] = *e = ej;
    w->lost[i * na + j] = *c = cj;
    return true;
}

/* The first version's C, N and D at every distinct time, and log D once
 * per value where a report reads it (equations (1)-(4)).  Survivals
 * advance by exp(-h_k) per day where a cohort stays in one phase, and are
 * computed afresh otherwise; the gradient is taken afterwards, in
 * post_forward_adjoint, from these.  Two cohorts at a time, each
 * survival's day-by-day product in a register; C, N, D add the cohorts in
 * their order. */
static void
post_forward_cohorts(const att_posterior *post, att_posterior_workspace *w)
{
    size_t i, j, k, np = post->nphase, na = post->narr, nt = post->ntime;
    double lastD = -1.0, lastlD = 0.0;
    double *C = w->val[ATT_MODEL_C], *N = w->val[ATT_MODEL_N], *D = w->val[ATT_MODEL_D];

    for (k = 0; k < np; k++) {
        w->omq[k] = w->hazard[k] == 0.0 ? 0.0 : -att_expm1(-w->hazard[k]);
        w->q[k] = 1.0 - w->omq[k]; /* exp(-h) to half an ulp, without an exp */
    }
    for (i = 0; i < nt; i++)
        C[i] = N[i] = D[i] = 0.0;
    for (j = 0; j < na; j += 2) {
        double n0 = w->count[j], e0 = 1.0, c0 = 0.0;
        double n1 = j + 1 < na ? w->count[j + 1] : 0.0, e1 = 1.0, c1 = 0.0;
        for (i = 0; i < nt; i++) {
            if (post_forward_step(post, w, i, j, &e0, &c0)) {
                N[i] += n0 * e0;
                C[i] += n0 * c0;
                D[i] += n0;
            }
            if (j + 1 < na && post_forward_step(post, w, i, j + 1, &e1, &c1)) {
                N[i] += n1 * e1;
                C[i] += n1 * c1;
                D[i] += n1;
            }
        }
    }
    for (i = 0; i < nt; i++)
        if (post->need[i] & POST_NEED(ATT_MODEL_D)) {
            /* D moves only at arrivals: one log per value. */
            if (D[i] != lastD) {
                lastD = D[i];
                lastlD = D[i] > 0.0 ? att_log(D[i]) : -HUGE_VAL;
            }
            w->lval[ATT_MODEL_D][i] = lastlD;
        }
}

/* C, N, D at every time (per cohort, or for a force stepped by days), then
 * log C and log N where reports read them, over arrays. */
void
post_forward_times(const att_posterior *post, att_posterior_workspace *w)
{
    if (post->extended)
        post_force_times(post, w);
    else
        post_forward_cohorts(post, w);
    /* log C and log N at every time at once (log 0 = -inf: m = 0). */
    if (post->need_all & POST_NEED(ATT_MODEL_C))
        att_vlog(w->simd, post->ntime, w->val[ATT_MODEL_C], w->lval[ATT_MODEL_C]);
    if (post->need_all & POST_NEED(ATT_MODEL_N))
        att_vlog(w->simd, post->ntime, w->val[ATT_MODEL_N], w->lval[ATT_MODEL_N]);
}

/* The log-scale sums into gval: d log p / d C = (d log p / d log C) / C.
 * A sum is nonzero only where its quantity is positive, and only the
 * quantities whose logs some report reads have one. */
static void
post_forward_close(const att_posterior *post, att_posterior_workspace *w)
{
    size_t i, k;

    for (k = 0; k < ATT_MODEL_NVAR; k++)
        if (post->need_all & POST_NEED(k)) {
            double *a = w->gval[k];
            const double *b = w->glog[k], *t = w->val[k];
            for (i = 0; i < post->ntime; i++)
                if (b[i] != 0.0)
                    a[i] += b[i] / t[i];
        }
}

/* The end of the gradient, once every report has pushed its share: the
 * per-time sums closed (post_forward_close), then the gradient with respect
 * to log h and the arrival coordinates from them: dC/dlog h_k = sum_j n_j
 * e_j h_k L_jk = -dN/dlog h_k, dC/dn_j = 1 - e_j, dN/dn_j = e_j, dD/dn_j
 * = 1 (equations (1)-(4)); and kappa's and sigma's shares. */
void
post_forward_adjoint(const att_posterior *post, att_posterior_workspace *w, double *grad)
{
    size_t i, j, k, nt = post->ntime, np = post->nphase, na = post->narr;
    const double *aC = w->gval[ATT_MODEL_C], *aN = w->gval[ATT_MODEL_N];
    const double *aD = w->gval[ATT_MODEL_D];
    double *f = w->fbuf;

    post_forward_close(post, w);
    if (post->extended) {
        post_force_adjoint(post, w, grad);
        return;
    }
    /* Per cohort j: f_t = (aC - aN) e_j at each time (0 before it
     * arrives), then per phase sum_t f_t L_jk(t) (n_j and h_k factor out
     * of every time) in four running sums, so that no sum waits on the one
     * before it; and for the count, sum_t aC c_j + aN e_j + aD. */
    for (j = 0; j < na; j++) {
        const double *e = w->surv + j, *c = w->lost + j;
        double sa = 0.0, chk = 0.0;
        size_t nonfinite = nt; /* the first time whose f is not finite */
        /* Absent before arr_from, present from there on (post_design.c):
         * no branch; chk turns NaN once some f is not finite, and the
         * first is looked for afterwards. */
        for (i = 0; i < post->arr_from[j]; i++)
            f[i] = 0.0;
        for (; i < nt; i++) {
            f[i] = (aC[i] - aN[i]) * e[i * na];
            chk += f[i] - f[i];
            sa += aC[i] * c[i * na] + aN[i] * e[i * na] + aD[i];
        }
        for (i = 0; chk != 0.0 && i < nt && nonfinite == nt; i++)
            if (!isfinite(f[i]))
                nonfinite = i;
        if (post->arr_par[j] != ATT_NONE)
            grad[post->arr_par[j]] += sa * w->dndu[j];
        for (k = 0; k < np; k++) {
            const double *L = post->expo_t + (j * np + k) * nt;
            double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
            if (post->phase_par[k] == ATT_NONE)
                continue;
            /* Before the phase's first day of exposure every term is +-0
             * (but for an f that is not finite: 0 times it is NaN), and a
             * sum that starts at +0 stays +0 adding them: skipped, from a
             * multiple of 4 so that each time keeps its sum. */
            i = post->expo_from[j * np + k];
            if (nonfinite < i)
                i = nonfinite & ~(size_t)3;
            for (; i + 4 <= nt; i += 4) {
                s0 += f[i] * L[i];
                s1 += f[i + 1] * L[i + 1];
                s2 += f[i + 2] * L[i + 2];
                s3 += f[i + 3] * L[i + 3];
            }
            for (; i < nt; i++)
                s0 += f[i] * L[i];
            w->hacc[j * np + k] = (s0 + s1) + (s2 + s3);
        }
    }
    for (k = 0; k < np; k++) {
        double sh = 0.0;
        if (post->phase_par[k] == ATT_NONE)
            continue;
        for (j = 0; j < na; j++)
            sh += w->count[j] * w->hacc[j * np + k];
        grad[post->phase_par[k]] += sh * w->hazard[k];
    }
    grad[post->i_kappa] += w->g_kappa;
    post_prior_noise_gradient(post, w, grad);
}
