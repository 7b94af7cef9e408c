/* posterior.c -- log-posterior and gradient of the phase-hazard model.
 *
 * Contents: the parameter layout and priors; the report design (every day
 * of every window, with the overlap of each cohort's exposure and each
 * phase precomputed, so an evaluation is a few exp() per day); the
 * likelihood terms; the window average.  Equation numbers refer to
 * docs/model.md; MODEL.md, "Observations" and "The baseline model", is the
 * contract.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_psi.h>

#include <attrition/att_model.h>
#include <attrition/att_posterior.h>

#include "normal.h"

#define POST_LOG_SQRT_2PI 0.91893853320467274178032973640562 /* log sqrt(2 pi) */

/* One report of the likelihood. */
typedef struct {
    size_t ledger; /* index in the ledger */
    att_kind kind;
    att_qualifier qual;
    double ly, llo, lhi;  /* log figure, or log bounds of a range */
    double lwidth;        /* rates: log of the interval's length in days */
    size_t bias;          /* theta index of b_{s,f}, or ATT_NONE if pinned */
    size_t first, npoint; /* its evaluation points */
} post_report;

/* One evaluation time: per arrival, whether it is there and, per phase,
 * how long it has been exposed to that phase (equation (2)).  Rates use
 * two times, the end (t) and the start (t0). */
typedef struct {
    double t;
    size_t expo;  /* offset of narrival * nphase exposures at t in post->expo */
    size_t expo0; /* at the start, for rates; ATT_NONE otherwise */
} post_point;

struct att_posterior {
    const att_params *p;
    size_t dim, nphase, narr;
    att_param_info *info;
    size_t *phase_par; /* theta index of each phase's log h, or ATT_NONE (fixed) */
    size_t *arr_par;   /* theta index of each arrival's count, or ATT_NONE (fixed) */
    size_t i_kappa, i_sigma;
    size_t nrep, npoint, maxpoint;
    post_report *rep;
    post_point *pt;
    double *expo; /* exposures: npoint (x2 for rates) x narr x nphase */
};

struct att_posterior_workspace {
    size_t nmodel;              /* nphase + narr + 1: d log m / d (log h_k, n_j, logit kappa) */
    double *ell;                /* per point of a report: its log-likelihood */
    double *gm;                 /* per point: d ell / d log m */
    double *gs;                 /* per point: d ell / d log sigma */
    double *dlm;                /* per point: d log m / d model coordinates (nmodel each) */
    double *hazard, *count;     /* model values at theta */
    double *dndu;               /* d n_j / d theta_j of each arrival (0 when fixed) */
    double *gprior;             /* dim: the prior's gradient when the caller wants none */
    double *dC, *dC0, *dN, *dD; /* derivatives of C, N, D (nmodel each) */
};

/* ---- layout --------------------------------------------------------------- */

void
att_posterior_free(att_posterior *post)
{
    if (post == NULL)
        return;
    att_mem_free(post->info);
    att_mem_free(post->phase_par);
    att_mem_free(post->arr_par);
    att_mem_free(post->rep);
    att_mem_free(post->pt);
    att_mem_free(post->expo);
    att_mem_free(post);
}

size_t
att_posterior_dim(const att_posterior *post)
{
    return post->dim;
}

const att_param_info *
att_posterior_param(const att_posterior *post, size_t i)
{
    return i < post->dim ? &post->info[i] : NULL;
}

size_t
att_posterior_nreports(const att_posterior *post)
{
    return post->nrep;
}

size_t
att_posterior_report(const att_posterior *post, size_t i)
{
    return post->rep[i].ledger;
}

static bool
post_pinned(const att_params *p, size_t cls, att_family f)
{
    size_t i;

    for (i = 0; i < p->nanchor; i++)
        if (p->anchor[i].cls == cls && p->anchor[i].family == f)
            return true;
    return false;
}

static void
post_fill_exposure(const att_posterior *post, double t, double *out)
{
    const att_params *p = post->p;
    size_t j, k;

    for (j = 0; j < post->narr; j++) {
        double tau = (double)p->arrivals[j].date;
        for (k = 0; k < post->nphase; k++)
            /* A cohort not yet arrived (tau >= t, equation (1)) is marked
             * with a negative exposure in phase 0. */
            out[j * post->nphase + k] =
                tau < t ? att_model_overlap(&p->phases[k], tau, t) : (k == 0 ? -1.0 : 0.0);
    }
}

/* Sets up theta's layout: hazards, kappa, sigma, biases, arrivals. */
static att_status
post_layout(att_posterior *post, const att_ledger *l, const bool *used, att_error *err)
{
    const att_params *p = post->p;
    bool has[2 * 256] = {false};
    size_t i, k, n = 0, ncls = p->nclass;
    att_param_info *in;

    if (ncls > 256)
        return ATT_FAIL(err, ATT_ERANGE, "at most 256 source classes, found %zu", ncls);
    for (i = 0; i < l->n; i++)
        if (used[i])
            has[l->reports[i].cls * 2 + (size_t)att_kind_family(l->reports[i].kind)] = true;
    post->info = att_mem_calloc(p->nphase + 2 + 2 * ncls + p->narrival, sizeof *post->info);
    post->phase_par = att_mem_calloc(p->nphase, sizeof *post->phase_par);
    post->arr_par = att_mem_calloc(p->narrival, sizeof *post->arr_par);
    if (post->info == NULL || post->phase_par == NULL || post->arr_par == NULL)
        return ATT_FAIL(err, ATT_ENOMEM, "out of memory");
    for (k = 0; k < p->nphase; k++) {
        post->phase_par[k] = ATT_NONE;
        if (p->phases[k].fixed)
            continue;
        in = &post->info[n];
        snprintf(in->name, sizeof in->name, "h_%s", p->phases[k].name);
        in->kind = ATT_PAR_HAZARD;
        in->index = k;
        in->prior_sd = p->phases[k].prior_log_sd;
        post->phase_par[k] = n++;
    }
    post->i_kappa = n;
    in = &post->info[n++];
    snprintf(in->name, sizeof in->name, "kappa");
    in->kind = ATT_PAR_KAPPA;
    /* sd of logit kappa under Beta(a, b): sqrt(trigamma(a) + trigamma(b)). */
    in->prior_sd = sqrt(gsl_sf_psi_1(p->kappa_a) + gsl_sf_psi_1(p->kappa_b));
    post->i_sigma = n;
    in = &post->info[n++];
    snprintf(in->name, sizeof in->name, "sigma");
    in->kind = ATT_PAR_SIGMA;
    in->prior_sd = M_PI / sqrt(8.0); /* sd of log|X| for a normal X: pi / sqrt 8 */
    for (i = 0; i < ncls; i++)
        for (k = 0; k < ATT_FAMILY_COUNT; k++) {
            if (!has[i * 2 + k] || post_pinned(p, i, (att_family)k))
                continue;
            in = &post->info[n++];
            snprintf(in->name, sizeof in->name, "b_%s_%s", p->classes[i].name,
                     att_family_name((att_family)k));
            in->kind = ATT_PAR_BIAS;
            in->index = i;
            in->family = (att_family)k;
            in->prior_sd = p->classes[i].tau[k];
        }
    for (k = 0; k < p->narrival; k++) {
        post->arr_par[k] = ATT_NONE;
        if (p->arrivals[k].prior == ATT_COUNT_FIXED)
            continue;
        in = &post->info[n];
        snprintf(in->name, sizeof in->name, "n_%s", p->arrivals[k].name);
        in->kind = ATT_PAR_ARRIVAL;
        in->index = k;
        /* Uniform via logit: the coordinate is standard logistic, sd pi/sqrt 3. */
        in->prior_sd =
            p->arrivals[k].prior == ATT_COUNT_UNIFORM ? M_PI / sqrt(3.0) : p->arrivals[k].log_sd;
        post->arr_par[k] = n++;
    }
    post->dim = n;
    return ATT_OK;
}

size_t
att_posterior_bias_index(const att_posterior *post, size_t cls, att_family f)
{
    size_t i;

    for (i = 0; i < post->dim; i++)
        if (post->info[i].kind == ATT_PAR_BIAS && post->info[i].index == cls &&
            post->info[i].family == f)
            return i;
    return ATT_NONE;
}

att_posterior *
att_posterior_alloc(const att_params *p, const att_ledger *l, int32_t cutoff, att_error *err)
{
    att_posterior *post = NULL;
    bool *used = NULL;
    size_t i, r, np = 0, nexpo = 0, block;

    post = att_mem_calloc(1, sizeof *post);
    used = att_mem_calloc(l->n ? l->n : 1, sizeof *used);
    if (post == NULL || used == NULL) {
        (void)ATT_FAIL(err, ATT_ENOMEM, "out of memory");
        goto fail;
    }
    post->p = p;
    post->nphase = p->nphase;
    post->narr = p->narrival;
    block = post->nphase * post->narr;
    post->nrep = att_ledger_used(l, cutoff, used);
    if (post->nrep == 0) {
        (void)att_error_set(err, ATT_EDATA, l->path, 0, 0, NULL,
                            "expected at least one report to fit, found none known by the "
                            "cut-off (after repeats and revisions)");
        goto fail;
    }
    if (post_layout(post, l, used, err) != ATT_OK)
        goto fail;
    for (i = 0; i < l->n; i++)
        if (used[i]) {
            const att_report *rp = &l->reports[i];
            size_t w = rp->kind == ATT_KIND_RATE ? 1 : (size_t)(rp->asof_end - rp->asof_start + 1);
            np += w;
            nexpo += rp->kind == ATT_KIND_RATE ? 2 : w;
        }
    post->rep = att_mem_calloc(post->nrep, sizeof *post->rep);
    post->pt = att_mem_calloc(np, sizeof *post->pt);
    post->expo = att_mem_calloc(nexpo * block + 1, sizeof *post->expo);
    if (post->rep == NULL || post->pt == NULL || post->expo == NULL) {
        (void)ATT_FAIL(err, ATT_ENOMEM, "out of memory");
        goto fail;
    }
    nexpo = 0;
    for (i = r = 0; i < l->n; i++) {
        const att_report *rp = &l->reports[i];
        post_report *q;
        int32_t d;
        if (!used[i])
            continue;
        q = &post->rep[r++];
        q->ledger = i;
        q->kind = rp->kind;
        q->qual = rp->qualifier;
        q->ly = rp->qualifier == ATT_QUAL_RANGE ? 0.0 : log(rp->value);
        q->llo = rp->qualifier == ATT_QUAL_RANGE ? log(rp->low) : 0.0;
        q->lhi = rp->qualifier == ATT_QUAL_RANGE ? log(rp->high) : 0.0;
        q->bias = att_posterior_bias_index(post, rp->cls, att_kind_family(rp->kind));
        q->lwidth = log((double)rp->asof_end - (double)rp->asof_start + 1.0);
        q->first = post->npoint;
        if (rp->kind == ATT_KIND_RATE) {
            /* From 00:00 of a to 24:00 of b, no averaging (equation (5)). */
            post_point *pt = &post->pt[post->npoint++];
            pt->t = (double)rp->asof_end + 1.0;
            pt->expo = nexpo++ * block;
            pt->expo0 = nexpo++ * block;
            post_fill_exposure(post, pt->t, post->expo + pt->expo);
            post_fill_exposure(post, (double)rp->asof_start, post->expo + pt->expo0);
        } else
            for (d = rp->asof_start; d <= rp->asof_end; d++) {
                /* As of day d means 24:00 of d (equation (10)). */
                post_point *pt = &post->pt[post->npoint++];
                pt->t = (double)d + 1.0;
                pt->expo = nexpo++ * block;
                pt->expo0 = ATT_NONE;
                post_fill_exposure(post, pt->t, post->expo + pt->expo);
            }
        q->npoint = post->npoint - q->first;
        if (q->npoint > post->maxpoint)
            post->maxpoint = q->npoint;
    }
    att_mem_free(used);
    return post;
fail:
    att_mem_free(used);
    att_posterior_free(post);
    return NULL;
}

void
att_posterior_workspace_free(att_posterior_workspace *w)
{
    if (w == NULL)
        return;
    att_mem_free(w->ell);
    att_mem_free(w->gm);
    att_mem_free(w->gs);
    att_mem_free(w->dlm);
    att_mem_free(w->hazard);
    att_mem_free(w->count);
    att_mem_free(w->dndu);
    att_mem_free(w->gprior);
    att_mem_free(w->dC);
    att_mem_free(w->dC0);
    att_mem_free(w->dN);
    att_mem_free(w->dD);
    att_mem_free(w);
}

att_posterior_workspace *
att_posterior_workspace_alloc(const att_posterior *post, att_error *err)
{
    att_posterior_workspace *w = att_mem_calloc(1, sizeof *w);
    size_t nm = post->nphase + post->narr + 1, mp = post->maxpoint ? post->maxpoint : 1;

    if (w == NULL)
        goto fail;
    w->nmodel = nm;
    w->ell = att_mem_calloc(mp, sizeof *w->ell);
    w->gm = att_mem_calloc(mp, sizeof *w->gm);
    w->gs = att_mem_calloc(mp, sizeof *w->gs);
    w->dlm = att_mem_calloc(mp * nm, sizeof *w->dlm);
    w->hazard = att_mem_calloc(post->nphase, sizeof *w->hazard);
    w->count = att_mem_calloc(post->narr + 1, sizeof *w->count);
    w->dndu = att_mem_calloc(post->narr + 1, sizeof *w->dndu);
    w->gprior = att_mem_calloc(post->dim + 1, sizeof *w->gprior);
    w->dC = att_mem_calloc(nm, sizeof *w->dC);
    w->dC0 = att_mem_calloc(nm, sizeof *w->dC0);
    w->dN = att_mem_calloc(nm, sizeof *w->dN);
    w->dD = att_mem_calloc(nm, sizeof *w->dD);
    if (w->ell && w->gm && w->gs && w->dlm && w->hazard && w->count && w->dndu && w->gprior &&
        w->dC && w->dC0 && w->dN && w->dD)
        return w;
fail:
    att_posterior_workspace_free(w);
    (void)ATT_FAIL(err, ATT_ENOMEM, "out of memory");
    return NULL;
}

/* ---- transforms (equation (12)) ---------------------------------------------- */

static double
post_inv_logit(double u)
{
    return u >= 0.0 ? 1.0 / (1.0 + exp(-u)) : exp(u) / (1.0 + exp(u));
}

/* log(inv_logit(u)) without overflow. */
static double
post_log_inv_logit(double u)
{
    return u >= 0.0 ? -log1p(exp(-u)) : u - log1p(exp(u));
}

void
att_posterior_model_values(
    const att_posterior *post, const double *theta, double *hazard, double *count, double *kappa)
{
    const att_params *p = post->p;
    size_t k;

    for (k = 0; k < post->nphase; k++)
        hazard[k] =
            post->phase_par[k] == ATT_NONE ? p->phases[k].hazard : exp(theta[post->phase_par[k]]);
    for (k = 0; k < post->narr; k++) {
        const att_arrival *a = &p->arrivals[k];
        size_t i = post->arr_par[k];
        if (i == ATT_NONE)
            count[k] = a->count;
        else if (a->prior == ATT_COUNT_UNIFORM)
            count[k] = a->low + (a->high - a->low) * post_inv_logit(theta[i]);
        else
            count[k] = exp(theta[i]);
    }
    *kappa = post_inv_logit(theta[post->i_kappa]);
}

void
att_posterior_constrain(const att_posterior *post, const double *theta, double *out)
{
    const att_params *p = post->p;
    size_t i;

    for (i = 0; i < post->dim; i++) {
        const att_param_info *in = &post->info[i];
        const att_arrival *a = &p->arrivals[in->index];
        switch (in->kind) {
        case ATT_PAR_HAZARD:
        case ATT_PAR_SIGMA:
            out[i] = exp(theta[i]);
            break;
        case ATT_PAR_KAPPA:
            out[i] = post_inv_logit(theta[i]);
            break;
        case ATT_PAR_BIAS:
            out[i] = theta[i];
            break;
        case ATT_PAR_ARRIVAL:
            out[i] = a->prior == ATT_COUNT_UNIFORM
                         ? a->low + (a->high - a->low) * post_inv_logit(theta[i])
                         : exp(theta[i]);
            break;
        }
    }
}

void
att_posterior_prior_center(const att_posterior *post, double *theta)
{
    const att_params *p = post->p;
    size_t i;

    for (i = 0; i < post->dim; i++) {
        const att_param_info *in = &post->info[i];
        switch (in->kind) {
        case ATT_PAR_HAZARD:
            theta[i] = log(p->phases[in->index].prior_median);
            break;
        case ATT_PAR_KAPPA:
            theta[i] = log(p->kappa_a / p->kappa_b); /* logit of the prior mean */
            break;
        case ATT_PAR_SIGMA:
            theta[i] = log(p->sigma_scale * 0.6744897501960817); /* the prior median */
            break;
        case ATT_PAR_BIAS:
            theta[i] = 0.0;
            break;
        case ATT_PAR_ARRIVAL:
            theta[i] = p->arrivals[in->index].prior == ATT_COUNT_UNIFORM
                           ? 0.0
                           : log(p->arrivals[in->index].median);
            break;
        }
    }
}

void
att_posterior_prior_draw(const att_posterior *post, gsl_rng *rng, double *theta)
{
    const att_params *p = post->p;
    size_t i;

    for (i = 0; i < post->dim; i++) {
        const att_param_info *in = &post->info[i];
        const att_arrival *a = &p->arrivals[in->index];
        double k, s;
        switch (in->kind) {
        case ATT_PAR_HAZARD:
            theta[i] = log(p->phases[in->index].prior_median) +
                       p->phases[in->index].prior_log_sd * gsl_ran_ugaussian(rng);
            break;
        case ATT_PAR_KAPPA:
            k = gsl_ran_beta(rng, p->kappa_a, p->kappa_b);
            theta[i] = log(k) - log1p(-k);
            break;
        case ATT_PAR_SIGMA:
            theta[i] = log(fabs(p->sigma_scale * gsl_ran_ugaussian(rng)));
            break;
        case ATT_PAR_BIAS:
            theta[i] = in->prior_sd * gsl_ran_ugaussian(rng);
            break;
        case ATT_PAR_ARRIVAL:
            if (a->prior == ATT_COUNT_UNIFORM) {
                s = gsl_rng_uniform_pos(rng);
                theta[i] = log(s) - log1p(-s);
            } else
                theta[i] = log(a->median) + a->log_sd * gsl_ran_ugaussian(rng);
            break;
        }
    }
}

/* ---- priors (equation (11)) ----------------------------------------------------- */

static double
post_normal_lpdf(double x, double mu, double sd, double *dx)
{
    double z = (x - mu) / sd;

    *dx = -z / sd;
    return -0.5 * z * z - log(sd) - POST_LOG_SQRT_2PI;
}

static double
post_log_prior(const att_posterior *post, const double *theta, double *grad)
{
    const att_params *p = post->p;
    double lp = 0.0, d;
    size_t i;

    for (i = 0; i < post->dim; i++) {
        const att_param_info *in = &post->info[i];
        double u = theta[i];
        switch (in->kind) {
        case ATT_PAR_HAZARD: /* log h ~ N(log median, sd^2) */
            lp += post_normal_lpdf(u, log(p->phases[in->index].prior_median),
                                   p->phases[in->index].prior_log_sd, &d);
            grad[i] += d;
            break;
        case ATT_PAR_KAPPA: {
            /* Beta(a, b) density of kappa times the Jacobian kappa (1 - kappa). */
            double a = p->kappa_a, b = p->kappa_b, k = post_inv_logit(u);
            lp += a * post_log_inv_logit(u) + b * post_log_inv_logit(-u) - gsl_sf_lnbeta(a, b);
            grad[i] += a * (1.0 - k) - b * k;
            break;
        }
        case ATT_PAR_SIGMA: {
            /* Half-normal(s) density of sigma times the Jacobian sigma. */
            double s = p->sigma_scale, sig = exp(u);
            lp += M_LN2 - POST_LOG_SQRT_2PI - log(s) - 0.5 * (sig / s) * (sig / s) + u;
            grad[i] += 1.0 - (sig / s) * (sig / s);
            break;
        }
        case ATT_PAR_BIAS:
            lp += post_normal_lpdf(u, 0.0, in->prior_sd, &d);
            grad[i] += d;
            break;
        case ATT_PAR_ARRIVAL: {
            const att_arrival *a = &p->arrivals[in->index];
            if (a->prior == ATT_COUNT_UNIFORM) {
                /* Uniform on [L, H]: -log(H - L), times the Jacobian
                 * (H - L) s (1 - s); what is left is log s + log(1 - s). */
                lp += post_log_inv_logit(u) + post_log_inv_logit(-u);
                grad[i] += 1.0 - 2.0 * post_inv_logit(u);
            } else {
                lp += post_normal_lpdf(u, log(a->median), a->log_sd, &d);
                grad[i] += d;
            }
            break;
        }
        }
    }
    return lp;
}

/* ---- the likelihood --------------------------------------------------------------- */

/* C (or its start value for rates), N and D at one exposure block, with
 * their derivatives with respect to the model coordinates (log h_k for
 * k < nphase, n_j at nphase + j) (equations (1)-(4)). */
static void
post_state(const att_posterior *post,
           att_posterior_workspace *w,
           const double *expo,
           double *out_C,
           double *out_N,
           double *out_D,
           double *dC,
           double *dN,
           double *dD)
{
    size_t j, k, np = post->nphase;
    double C = 0.0, N = 0.0, D = 0.0;

    memset(dC, 0, w->nmodel * sizeof *dC);
    memset(dN, 0, w->nmodel * sizeof *dN);
    memset(dD, 0, w->nmodel * sizeof *dD);
    for (j = 0; j < post->narr; j++) {
        const double *L = expo + j * np;
        double H = 0.0, e, em, nj = w->count[j];
        if (L[0] < 0.0)
            continue; /* not arrived yet */
        for (k = 0; k < np; k++)
            H += w->hazard[k] * L[k];
        /* One transcendental: expm1 keeps C's relative accuracy for small H. */
        em = expm1(-H);
        e = 1.0 + em;
        N += nj * e;
        C -= nj * em;
        D += nj;
        for (k = 0; k < np; k++) {
            double dh = nj * e * w->hazard[k] * L[k]; /* d C / d log h_k */
            dC[k] += dh;
            dN[k] -= dh;
        }
        dC[np + j] = -em;
        dN[np + j] = e;
        dD[np + j] = 1.0;
    }
    *out_C = C;
    *out_N = N;
    *out_D = D;
}

/* log m at a point and d log m / d model coordinates (nmodel values,
 * the last one for logit kappa); -HUGE_VAL when m = 0 (equation (5)). */
static double
post_log_m(const att_posterior *post,
           att_posterior_workspace *w,
           const post_report *q,
           const post_point *pt,
           double kappa,
           double *dlm)
{
    double C, N, D, C0, N0, D0, lm;
    size_t i, nm = w->nmodel;

    post_state(post, w, post->expo + pt->expo, &C, &N, &D, w->dC, w->dN, w->dD);
    memset(dlm, 0, nm * sizeof *dlm);
    switch (q->kind) {
    case ATT_KIND_CASUALTIES:
    case ATT_KIND_KILLED:
    case ATT_KIND_WOUNDED:
        if (!(C > 0.0))
            return -HUGE_VAL;
        for (i = 0; i + 1 < nm; i++)
            dlm[i] = w->dC[i] / C;
        lm = log(C);
        if (q->kind == ATT_KIND_KILLED) {
            lm += log(kappa);
            dlm[nm - 1] = 1.0 - kappa;
        } else if (q->kind == ATT_KIND_WOUNDED) {
            lm += log1p(-kappa);
            dlm[nm - 1] = -kappa;
        }
        return lm;
    case ATT_KIND_RATE:
        post_state(post, w, post->expo + pt->expo0, &C0, &N0, &D0, w->dC0, w->dN, w->dD);
        if (!(C - C0 > 0.0))
            return -HUGE_VAL;
        for (i = 0; i + 1 < nm; i++)
            dlm[i] = (w->dC[i] - w->dC0[i]) / (C - C0);
        return log(C - C0) - q->lwidth;
    case ATT_KIND_FRACTION:
        if (!(C > 0.0) || !(D > 0.0))
            return -HUGE_VAL;
        for (i = 0; i + 1 < nm; i++)
            dlm[i] = w->dC[i] / C - w->dD[i] / D;
        return log(C) - log(D);
    case ATT_KIND_STRENGTH:
        if (!(N > 0.0))
            return -HUGE_VAL;
        for (i = 0; i + 1 < nm; i++)
            dlm[i] = w->dN[i] / N;
        return log(N);
    default: /* deployed */
        if (!(D > 0.0))
            return -HUGE_VAL;
        for (i = 0; i + 1 < nm; i++)
            dlm[i] = w->dD[i] / D;
        return log(D);
    }
}

/* One point's log-likelihood given log m (equations (7)-(9)); *gm and *gs
 * get its derivatives with respect to log m (equal to those with respect
 * to the bias) and log sigma. */
static double
post_point_loglik(const post_report *q, double lm, double b, double sigma, double *gm, double *gs)
{
    double z, za, zb, da, db, d, r;

    *gm = *gs = 0.0;
    if (lm == -HUGE_VAL) /* m = 0: only "up to" can still be true */
        return q->qual == ATT_QUAL_UP_TO ? 0.0 : -HUGE_VAL;
    switch (q->qual) {
    case ATT_QUAL_APPROX:
        z = (q->ly - lm - b) / sigma;
        *gm = z / sigma;
        *gs = z * z - 1.0;
        return -0.5 * z * z - log(sigma) - POST_LOG_SQRT_2PI;
    case ATT_QUAL_AT_LEAST: /* P(Y >= y) = Q(z) = Phi(-z) */
        z = (q->ly - lm - b) / sigma;
        r = att_log_ndtr(-z);
        d = att_dlog_ndtr_given(-z, r);
        *gm = d / sigma;
        *gs = d * z;
        return r;
    case ATT_QUAL_UP_TO: /* P(Y <= y) = Phi(z) */
        z = (q->ly - lm - b) / sigma;
        r = att_log_ndtr(z);
        d = att_dlog_ndtr_given(z, r);
        *gm = -d / sigma;
        *gs = -d * z;
        return r;
    default: /* range: Phi(z_hi) - Phi(z_lo) */
        za = (q->llo - lm - b) / sigma;
        zb = (q->lhi - lm - b) / sigma;
        r = att_log_ndtr_diff(za, zb, &da, &db);
        *gm = -(da + db) / sigma;
        *gs = -(da * za + db * zb);
        return r;
    }
}

/* Report q's log-likelihood, the log of the mean of its points'
 * likelihoods (equation (10)); adds its gradient to grad unless NULL. */
static double
post_report_loglik(const att_posterior *post,
                   att_posterior_workspace *w,
                   const post_report *q,
                   const double *theta,
                   double kappa,
                   double sigma,
                   double *grad)
{
    size_t d, i, nm = w->nmodel, np = post->nphase;
    double b = q->bias == ATT_NONE ? 0.0 : theta[q->bias], mx = -HUGE_VAL, sum = 0.0, ell;

    for (d = 0; d < q->npoint; d++) {
        double lm = post_log_m(post, w, q, &post->pt[q->first + d], kappa, w->dlm + d * nm);
        w->ell[d] = post_point_loglik(q, lm, b, sigma, &w->gm[d], &w->gs[d]);
        if (w->ell[d] > mx)
            mx = w->ell[d];
    }
    if (mx == -HUGE_VAL)
        return -HUGE_VAL;
    for (d = 0; d < q->npoint; d++)
        sum += exp(w->ell[d] - mx);
    ell = mx + log(sum) - log((double)q->npoint);
    if (grad == NULL)
        return ell;
    for (d = 0; d < q->npoint; d++) {
        double wt = exp(w->ell[d] - mx) / sum, g = wt * w->gm[d];
        const double *dlm = w->dlm + d * nm;
        if (wt == 0.0)
            continue;
        for (i = 0; i < np; i++)
            if (post->phase_par[i] != ATT_NONE)
                grad[post->phase_par[i]] += g * dlm[i];
        for (i = 0; i < post->narr; i++)
            if (post->arr_par[i] != ATT_NONE)
                grad[post->arr_par[i]] += g * dlm[np + i] * w->dndu[i];
        grad[post->i_kappa] += g * dlm[nm - 1];
        grad[post->i_sigma] += wt * w->gs[d];
        if (q->bias != ATT_NONE)
            grad[q->bias] += g;
    }
    return ell;
}

/* Model values at theta into w, with dn/du for each arrival. */
static void
post_prepare(const att_posterior *post,
             att_posterior_workspace *w,
             const double *theta,
             double *kappa,
             double *sigma)
{
    const att_params *p = post->p;
    size_t k;

    att_posterior_model_values(post, theta, w->hazard, w->count, kappa);
    *sigma = exp(theta[post->i_sigma]);
    for (k = 0; k < post->narr; k++) {
        const att_arrival *a = &p->arrivals[k];
        size_t i = post->arr_par[k];
        double s;
        if (i == ATT_NONE)
            w->dndu[k] = 0.0;
        else if (a->prior == ATT_COUNT_UNIFORM) {
            s = post_inv_logit(theta[i]);
            w->dndu[k] = (a->high - a->low) * s * (1.0 - s);
        } else
            w->dndu[k] = w->count[k];
    }
}

double
att_posterior_logp(const att_posterior *post,
                   att_posterior_workspace *w,
                   const double *theta,
                   double *grad)
{
    double kappa, sigma, lp;
    double *g = grad != NULL ? grad : w->gprior; /* the prior always writes a gradient */
    size_t r, i;

    memset(g, 0, post->dim * sizeof *g);
    for (i = 0; i < post->dim; i++)
        if (!isfinite(theta[i]))
            goto minus_infinity;
    post_prepare(post, w, theta, &kappa, &sigma);
    lp = post_log_prior(post, theta, g);
    for (r = 0; r < post->nrep; r++) {
        double ell = post_report_loglik(post, w, &post->rep[r], theta, kappa, sigma, grad);
        if (ell == -HUGE_VAL)
            goto minus_infinity;
        lp += ell;
    }
    if (!isfinite(lp))
        goto minus_infinity;
    return lp;
minus_infinity:
    memset(g, 0, post->dim * sizeof *g);
    return -HUGE_VAL;
}

double
att_posterior_report_loglik(const att_posterior *post,
                            att_posterior_workspace *w,
                            const double *theta,
                            size_t i)
{
    double kappa, sigma;

    post_prepare(post, w, theta, &kappa, &sigma);
    return post_report_loglik(post, w, &post->rep[i], theta, kappa, sigma, NULL);
}
