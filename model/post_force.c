/* post_force.c -- the forward pass and its adjoint for a force with
 * groups, departures or return to duty (docs/model.md, section 1.5,
 * equations (1b)-(4b)).
 *
 * The groups are stepped one day at a time from the first arrival to the
 * last time a report reads, as force.c does (the same operations in the
 * same order, so that the two agree to the bit); each time's C, N, D is
 * the sum over its set of groups.  The adjoint runs the days backwards:
 * the per-time sums land on the day boundaries of their groups, then each
 * day's step is undone in reverse (losses, departures, returns, arrivals),
 * carrying d log p / d N_g from one day to the one before and sending the
 * losses' share of the returns d days back.  Its cost is days x groups,
 * whatever the number of reports, arrivals or phases.
 */
#include <math.h>
#include <string.h>

#include "emath.h"
#include "post.h"

att_status
post_force_design(att_posterior *post, att_error *err)
{
    const att_params *p = post->p;
    double last = 0.0;
    size_t i, u, k = 0;

    post->day0 = p->arrivals[0].date;
    for (i = 0; i < post->ntime; i++)
        if (post->times[i] > last)
            last = post->times[i];
    /* Time t is 00:00 of day t: the days day0 .. t - 1 lead to it. */
    post->ndays = last > (double)post->day0 ? (size_t)(last - (double)post->day0) : 0;
    post->dphase = att_mem_calloc(post->ndays + 1, sizeof *post->dphase);
    if (post->dphase == NULL)
        return ATT_FAIL(err, ATT_ENOMEM, "out of memory");
    for (u = 0; u < post->ndays; u++) {
        int32_t day = post->day0 + (int32_t)u;
        while (k + 1 < p->nphase && p->phases[k].end <= day)
            k++;
        post->dphase[u] = day >= p->phases[k].start ? (int)k : -1;
    }
    return ATT_OK;
}

/* 1 - e^{-h_k r_g} of every group in phase k (-1: before the first, 0)
 * into omq: the hazard is constant within a phase, so one expm1 per group
 * and phase rather than per day. */
static void
post_force_omq(const att_posterior *post, const att_posterior_workspace *w, int k, double *omq)
{
    size_t g;

    for (g = 0; g < post->ngroup; g++) {
        double x = k < 0 ? 0.0 : w->hazard[k] * w->ratio[g];
        omq[g] = x == 0.0 ? 0.0 : -att_expm1(-x);
    }
}

/* The boundary (day0 + b) a time reads, 0 for times at or before day0. */
static size_t
post_force_boundary(const att_posterior *post, double t)
{
    return t > (double)post->day0 ? (size_t)(t - (double)post->day0) : 0;
}

void
post_force_times(const att_posterior *post, att_posterior_workspace *w)
{
    const att_params *p = post->p;
    size_t G = post->ngroup, U = post->ndays, u, g, i, ia = 0, id = 0, v;
    long delay = p->return_delay;
    double kappa = w->lgs[post->i_kappa], ret = w->rho * (1.0 - kappa);
    double *vC = w->fval[ATT_MODEL_C], *vN = w->fval[ATT_MODEL_N], *vD = w->fval[ATT_MODEL_D];
    double omq[ATT_GROUP_MAX] = {0};
    int kq = -2;

    for (g = 0; g < G; g++)
        vC[g] = vN[g] = vD[g] = 0.0;
    for (u = 0; u < U; u++) {
        int32_t day = post->day0 + (int32_t)u;
        int k = post->dphase[u];
        double *nC = vC + (u + 1) * G, *nN = vN + (u + 1) * G, *nD = vD + (u + 1) * G;
        size_t jend = id;
        for (g = 0; g < G; g++) {
            nC[g] = vC[u * G + g];
            nN[g] = vN[u * G + g];
            nD[g] = vD[u * G + g];
        }
        for (; ia < post->narr && p->arrivals[ia].date == day; ia++) {
            nN[p->arrivals[ia].group] += w->count[ia];
            nD[p->arrivals[ia].group] += w->count[ia];
        }
        while (jend < post->ndep && p->departures[jend].date == day)
            jend++;
        if (k != kq) {
            post_force_omq(post, w, k, omq);
            kq = k;
        }
        for (g = 0; g < G; g++) {
            double n = nN[g], lost;
            size_t j;
            if (delay > 0 && u >= (size_t)delay)
                n += ret * w->flost[(u - (size_t)delay) * G + g];
            for (j = id; j < jend; j++) {
                if (p->departures[j].group != g)
                    continue;
                w->fdep[j] = n;
                if (p->departures[j].by_share)
                    n -= w->depart[j] * n;
                else
                    n -= w->depart[j] < n ? w->depart[j] : n;
            }
            lost = n * omq[g];
            w->fN1[u * G + g] = n;
            w->flost[u * G + g] = lost;
            nN[g] = n - lost;
            nC[g] += lost;
        }
        id = jend;
    }
    for (i = 0; i < post->ntime; i++) {
        size_t b = post_force_boundary(post, post->times[i]);
        uint32_t set = post->tset[i];
        for (v = 0; v < ATT_MODEL_NVAR; v++) {
            double sum = 0.0;
            for (g = 0; g < G && b > 0; g++)
                if (att_group_set_has(set, g))
                    sum += w->fval[v][b * G + g];
            w->val[v][i] = sum;
        }
        if (post->need[i] & POST_NEED(ATT_MODEL_D))
            w->lval[ATT_MODEL_D][i] =
                w->val[ATT_MODEL_D][i] > 0.0 ? att_log(w->val[ATT_MODEL_D][i]) : -HUGE_VAL;
    }
}

/* The per-time sums d log p / d C, N, D onto their groups' boundaries. */
static void
post_force_scatter(const att_posterior *post, att_posterior_workspace *w)
{
    size_t G = post->ngroup, i, g, v, nb = (post->ndays + 1) * G;

    for (v = 0; v < ATT_MODEL_NVAR; v++)
        memset(w->fadj[v], 0, nb * sizeof *w->fadj[v]);
    for (i = 0; i < post->ntime; i++) {
        size_t b = post_force_boundary(post, post->times[i]);
        uint32_t set = post->tset[i];
        if (b == 0) /* nothing there yet, whatever theta */
            continue;
        for (g = 0; g < G; g++)
            if (att_group_set_has(set, g))
                for (v = 0; v < ATT_MODEL_NVAR; v++)
                    w->fadj[v][b * G + g] += w->gval[v][i];
    }
}

void
post_force_adjoint(const att_posterior *post, att_posterior_workspace *w, double *grad)
{
    const att_params *p = post->p;
    size_t G = post->ngroup, U = post->ndays, u, g, ia = post->narr, id = post->ndep;
    long delay = p->return_delay;
    double kappa = w->lgs[post->i_kappa], ret = w->rho * (1.0 - kappa);
    double g_rho = 0.0, g_kap = 0.0;
    /* Per group: the sums of d log p / d C and d D over the boundaries
     * after the day, and d log p / d N at the next boundary through the
     * days after it. */
    double gC[ATT_GROUP_MAX] = {0}, gD[ATT_GROUP_MAX] = {0}, gN[ATT_GROUP_MAX] = {0};
    double omqs[ATT_GROUP_MAX] = {0};
    int kq = -2;

    post_force_scatter(post, w);
    memset(w->fret, 0, (U + 1) * G * sizeof *w->fret);
    for (u = U; u-- > 0;) {
        int32_t day = post->day0 + (int32_t)u;
        int k = post->dphase[u];
        double h = k >= 0 ? w->hazard[k] : 0.0;
        size_t alo, dlo;
        /* Arrivals and departures dated after the days stepped (after the
         * last day any report reads) play no part: pass over them. */
        while (ia > 0 && p->arrivals[ia - 1].date > day)
            ia--;
        while (id > 0 && p->departures[id - 1].date > day)
            id--;
        alo = ia;
        dlo = id;
        if (k != kq) {
            post_force_omq(post, w, k, omqs);
            kq = k;
        }
        while (alo > 0 && p->arrivals[alo - 1].date == day)
            alo--;
        while (dlo > 0 && p->departures[dlo - 1].date == day)
            dlo--;
        for (g = 0; g < G; g++) {
            size_t b = (u + 1) * G + g, j;
            double n = w->fN1[u * G + g], lost = w->flost[u * G + g], x = h * w->ratio[g];
            double gNend, glost, gn, omq = omqs[g];
            gC[g] += w->fadj[ATT_MODEL_C][b];
            gD[g] += w->fadj[ATT_MODEL_D][b];
            gNend = gN[g] + w->fadj[ATT_MODEL_N][b];
            /* N' = n - lost, C' = C + lost, lost = n (1 - e^{-x}). */
            glost = gC[g] + w->fret[u * G + g] - gNend;
            if (x != 0.0) {
                double gx = glost * (n - lost) * x; /* d lost / d log x = n e^{-x} x */
                if (post->phase_par[k] != ATT_NONE)
                    grad[post->phase_par[k]] += gx;
                if (post->grp_par[g] != ATT_NONE)
                    grad[post->grp_par[g]] += gx;
            }
            gn = gNend + glost * omq;
            for (j = id; j-- > dlo;) {
                const att_departure *dp = &p->departures[j];
                double nb = w->fdep[j];
                if (dp->group != g)
                    continue;
                if (dp->by_share) {
                    if (post->dep_par[j] != ATT_NONE)
                        grad[post->dep_par[j]] -= gn * nb * w->ddep[j];
                    gn *= 1.0 - w->depart[j];
                } else if (w->depart[j] < nb) {
                    if (post->dep_par[j] != ATT_NONE)
                        grad[post->dep_par[j]] -= gn * w->ddep[j];
                } else
                    gn = 0.0; /* all of the group left: nothing before matters */
            }
            if (delay > 0 && u >= (size_t)delay) {
                double c = w->flost[(u - (size_t)delay) * G + g];
                w->fret[(u - (size_t)delay) * G + g] += gn * ret;
                g_rho += gn * (1.0 - kappa) * c;
                g_kap -= gn * w->rho * c;
            }
            for (j = alo; j < ia; j++)
                if (p->arrivals[j].group == g && post->arr_par[j] != ATT_NONE)
                    grad[post->arr_par[j]] += (gn + gD[g]) * w->dndu[j];
            gN[g] = gn;
        }
        ia = alo;
        id = dlo;
    }
    if (post->i_rho != ATT_NONE)
        grad[post->i_rho] += g_rho * w->drho;
    w->g_kappa += g_kap * kappa * (1.0 - kappa);
    grad[post->i_kappa] += w->g_kappa;
    post_prior_noise_gradient(post, w, grad);
}
