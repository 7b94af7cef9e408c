/* post_prior.c -- theta's layout, its transforms and the priors
 * (docs/model.md, section 3, equations (11)-(12)): which parameters
 * theta holds and in which order, the model values at theta (with the
 * logs the likelihood reads), the constrained values, the prior's centre
 * and draws from it, and the log prior with its gradient.
 */
#include <math.h>
#include <stdio.h>

#include <gsl/gsl_math.h>

#include "emath.h"
#include "post.h"
#include "special.h"
#include "variates.h"

/* The parameters' arrays for at most maxdim parameters, in one block
 * (*raw); NULL when out of memory. */
static void *
post_prior_carve(att_posterior *post, void **raw, size_t maxdim)
{
    size_t off = 0, np = post->nphase + 1, na = post->narr + 1, nd = maxdim + 1;
    size_t ng = post->ngroup + 1, ndep = post->ndep + 1, nc = post->p->nclass + 1;
    unsigned char *base = NULL;
    int pass;

    for (pass = 0; pass < 2; pass++) {
        if (pass == 1 && (base = att_mem_block(off, raw)) == NULL)
            return NULL;
        off = 0;
        post->info = att_mem_carve(base, &off, nd, sizeof *post->info);
        post->phase_par = att_mem_carve(base, &off, np, sizeof *post->phase_par);
        post->arr_par = att_mem_carve(base, &off, na, sizeof *post->arr_par);
        post->grp_par = att_mem_carve(base, &off, ng, sizeof *post->grp_par);
        post->dep_par = att_mem_carve(base, &off, ndep, sizeof *post->dep_par);
        post->noise_par = att_mem_carve(base, &off, nc, sizeof *post->noise_par);
        post->cpl_par = att_mem_carve(base, &off, nc, sizeof *post->cpl_par);
        post->cpl_lmedian = att_mem_carve(base, &off, nc, sizeof *post->cpl_lmedian);
        post->pmu = att_mem_carve(base, &off, nd, sizeof *post->pmu);
        post->plsd = att_mem_carve(base, &off, nd, sizeof *post->plsd);
    }
    return base;
}

/* The extended model's parameters after the arrivals, from theta index
 * n: each group's log r with a prior, each uncertain departure (its count
 * as an arrival's, a share through its logit), logit rho with a prior.
 * Returns the next index. */
static size_t
post_prior_layout_force(att_posterior *post, size_t n)
{
    const att_params *p = post->p;
    att_param_info *in;
    size_t k;

    for (k = 0; k < post->ngroup; k++) {
        const att_group *g = &p->groups[k];
        post->grp_par[k] = ATT_NONE;
        if (p->ngroup == 0 || g->fixed)
            continue;
        in = &post->info[n];
        snprintf(in->name, sizeof in->name, "r_%s", g->name);
        in->kind = ATT_PAR_RATIO;
        in->index = k;
        in->prior_sd = g->ratio_log_sd;
        post->grp_par[k] = n++;
    }
    for (k = 0; k < post->ndep; k++) {
        const att_departure *dp = &p->departures[k];
        post->dep_par[k] = ATT_NONE;
        if (dp->prior == ATT_COUNT_FIXED)
            continue;
        in = &post->info[n];
        snprintf(in->name, sizeof in->name, "dep_%s", dp->name);
        in->kind = ATT_PAR_DEPARTURE;
        in->index = k;
        in->prior_sd = dp->prior == ATT_COUNT_UNIFORM ? M_PI / sqrt(3.0)
                       : dp->prior == ATT_COUNT_BETA
                           ? sqrt(att_trigamma(dp->share_a) + att_trigamma(dp->share_b))
                           : dp->log_sd;
        post->dep_par[k] = n++;
    }
    post->i_rho = ATT_NONE;
    if (att_params_returns(p) && !p->return_fixed) {
        in = &post->info[n];
        snprintf(in->name, sizeof in->name, "rho");
        in->kind = ATT_PAR_RETURN;
        in->prior_sd = sqrt(att_trigamma(p->return_a) + att_trigamma(p->return_b));
        post->i_rho = n++;
    }
    return n;
}

att_status
post_prior_layout(att_posterior *post, const att_ledger *l, const bool *used, att_error *err)
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
    if (post_prior_carve(post, &post->block[0],
                         p->nphase + 2 + 3 * ncls + p->narrival + post->ngroup + post->ndep + 1) ==
        NULL)
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
    post->kappa_lnbeta = att_lnbeta(p->kappa_a, p->kappa_b);
    in = &post->info[n++];
    snprintf(in->name, sizeof in->name, "kappa");
    in->kind = ATT_PAR_KAPPA;
    /* sd of logit kappa under Beta(a, b): sqrt(trigamma(a) + trigamma(b)). */
    in->prior_sd = sqrt(att_trigamma(p->kappa_a) + att_trigamma(p->kappa_b));
    post->i_sigma = n;
    in = &post->info[n++];
    snprintf(in->name, sizeof in->name, p->noise_per_class ? "sigma0" : "sigma");
    in->kind = ATT_PAR_SIGMA;
    in->prior_sd = p->sigma_log_sd; /* log sigma ~ Normal(log sigma_median, sigma_log_sd^2) */
    /* With noise = per_class, z_s of each class some used report carries
     * (named after sigma_s, its constrained value). */
    post->nslot = p->noise_per_class ? ncls : 1;
    post->omega = p->sigma_spread;
    for (i = 0; i < ncls; i++) {
        const att_class *cl = &p->classes[i];
        double med =
            cl->undercount ? att_beta_pinv(0.5, cl->completeness_a, cl->completeness_b) : 1.0;
        post->noise_par[i] = post->cpl_par[i] = ATT_NONE;
        post->cpl_lmedian[i] = cl->undercount && med > 0.0 && isfinite(med) ? att_log(med) : 0.0;
        if (!p->noise_per_class || !(has[i * 2] || has[i * 2 + 1]))
            continue;
        in = &post->info[n];
        snprintf(in->name, sizeof in->name, "sigma_%s", p->classes[i].name);
        in->kind = ATT_PAR_NOISE;
        in->index = i;
        in->prior_sd = 1.0; /* z_s ~ Normal(0, 1) */
        post->noise_par[i] = n++;
    }
    for (i = 0; i < ncls; i++)
        for (k = 0; k < ATT_FAMILY_COUNT; k++) {
            if (!has[i * 2 + k])
                continue;
            if (k == ATT_FAMILY_LOSSES && p->classes[i].undercount) {
                /* logit c_s in place of the losses bias. */
                in = &post->info[n];
                snprintf(in->name, sizeof in->name, "c_%s", p->classes[i].name);
                in->kind = ATT_PAR_COMPLETENESS;
                in->index = i;
                in->family = ATT_FAMILY_LOSSES;
                in->prior_sd = sqrt(att_trigamma(p->classes[i].completeness_a) +
                                    att_trigamma(p->classes[i].completeness_b));
                post->cpl_par[i] = n++;
                continue;
            }
            if (att_params_pinned(p, i, (att_family)k))
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
    n = post_prior_layout_force(post, n);
    post->dim = n;
    /* The normal priors' constants, once (equation (11)). */
    for (i = 0; i < n; i++) {
        in = &post->info[i];
        if (in->kind == ATT_PAR_HAZARD)
            post->pmu[i] = att_log(p->phases[in->index].prior_median);
        else if (in->kind == ATT_PAR_SIGMA)
            post->pmu[i] = att_log(p->sigma_median);
        else if (in->kind == ATT_PAR_ARRIVAL && p->arrivals[in->index].prior != ATT_COUNT_UNIFORM)
            post->pmu[i] = att_log(p->arrivals[in->index].median);
        else if (in->kind == ATT_PAR_RATIO)
            post->pmu[i] = att_log(p->groups[in->index].ratio_median);
        else if (in->kind == ATT_PAR_DEPARTURE) {
            const att_departure *dp = &p->departures[in->index];
            post->pmu[i] = dp->prior == ATT_COUNT_BETA        ? att_lnbeta(dp->share_a, dp->share_b)
                           : dp->prior == ATT_COUNT_LOGNORMAL ? att_log(dp->median)
                                                              : 0.0;
        } else if (in->kind == ATT_PAR_RETURN)
            post->pmu[i] = att_lnbeta(p->return_a, p->return_b);
        else if (in->kind == ATT_PAR_COMPLETENESS)
            post->pmu[i] = att_lnbeta(p->classes[in->index].completeness_a,
                                      p->classes[in->index].completeness_b);
        post->plsd[i] = att_log(in->prior_sd);
    }
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

static double
post_prior_inv_logit(double u)
{
    return u >= 0.0 ? 1.0 / (1.0 + att_exp(-u)) : att_exp(u) / (1.0 + att_exp(u));
}

/* s = inv_logit(u), the same bits as post_prior_inv_logit, with log s and
 * log(1 - s); defined below. */
static double post_prior_logistic(double u, double *out_ls, double *out_l1s);

size_t
att_posterior_completeness_index(const att_posterior *post, size_t cls)
{
    return cls < post->p->nclass ? post->cpl_par[cls] : ATT_NONE;
}

size_t
att_posterior_noise_index(const att_posterior *post, size_t cls)
{
    return cls < post->p->nclass ? post->noise_par[cls] : ATT_NONE;
}

void
att_posterior_report_error(const att_posterior *post,
                           const double *theta,
                           size_t cls,
                           att_family f,
                           double *lbias,
                           double *sigma)
{
    size_t bi = att_posterior_bias_index(post, cls, f), ci = ATT_NONE, zi = ATT_NONE;
    double l1c;

    if (f == ATT_FAMILY_LOSSES)
        ci = att_posterior_completeness_index(post, cls);
    if (bi != ATT_NONE)
        *lbias = theta[bi];
    else if (ci != ATT_NONE)
        (void)post_prior_logistic(theta[ci], lbias, &l1c); /* log c_s */
    else if (f == ATT_FAMILY_LOSSES && cls < post->p->nclass)
        *lbias = post->cpl_lmedian[cls]; /* a list no used report carries: its prior's median */
    else
        *lbias = 0.0;
    if (cls < post->p->nclass)
        zi = post->noise_par[cls];
    *sigma = zi == ATT_NONE ? att_exp(theta[post->i_sigma])
                            : att_exp(theta[post->i_sigma] + post->omega * theta[zi]);
}

/* s = inv_logit(u), the same bits as post_prior_inv_logit, with log s and
 * log(1 - s) into *out_ls and *out_l1s, from one exp and one log1p and
 * without overflow. */
static double
post_prior_logistic(double u, double *out_ls, double *out_l1s)
{
    double e = att_exp(-fabs(u)), l = att_log1p(e);

    *out_ls = u >= 0.0 ? -l : u - l;
    *out_l1s = u >= 0.0 ? -u - l : -l;
    return u >= 0.0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
}

void
att_posterior_model_values(
    const att_posterior *post, const double *theta, double *hazard, double *count, double *kappa)
{
    const att_params *p = post->p;
    size_t k;

    for (k = 0; k < post->nphase; k++)
        hazard[k] = post->phase_par[k] == ATT_NONE ? p->phases[k].hazard
                                                   : att_exp(theta[post->phase_par[k]]);
    for (k = 0; k < post->narr; k++) {
        const att_arrival *a = &p->arrivals[k];
        size_t i = post->arr_par[k];
        if (i == ATT_NONE)
            count[k] = a->count;
        else if (a->prior == ATT_COUNT_UNIFORM)
            count[k] = a->low + (a->high - a->low) * post_prior_inv_logit(theta[i]);
        else
            count[k] = att_exp(theta[i]);
    }
    *kappa = post_prior_inv_logit(theta[post->i_kappa]);
}

/* A departure's count or share from its coordinate u, and d value / d u. */
static double
post_prior_departure(const att_departure *dp, double u, double *dvdu)
{
    double s;

    switch (dp->prior) {
    case ATT_COUNT_UNIFORM:
        s = post_prior_inv_logit(u);
        *dvdu = (dp->high - dp->low) * s * (1.0 - s);
        return dp->low + (dp->high - dp->low) * s;
    case ATT_COUNT_BETA:
        s = post_prior_inv_logit(u);
        *dvdu = s * (1.0 - s);
        return s;
    case ATT_COUNT_LOGNORMAL:
        return *dvdu = att_exp(u);
    default:
        *dvdu = 0.0;
        return dp->count;
    }
}

size_t
att_posterior_nvalues(const att_posterior *post)
{
    return post->nphase + post->narr + post->ngroup + post->ndep;
}

/* r_g, the departures' values and rho at theta, with their derivatives
 * (dratio, ddep, drho may be NULL). */
static void
post_prior_force_values(const att_posterior *post,
                        const double *theta,
                        double *ratio,
                        double *dratio,
                        double *depart,
                        double *ddep,
                        double *rho,
                        double *drho)
{
    const att_params *p = post->p;
    size_t k;
    double d;

    for (k = 0; k < post->ngroup; k++) {
        size_t i = post->grp_par[k];
        ratio[k] = i != ATT_NONE ? att_exp(theta[i]) : p->ngroup > 0 ? p->groups[k].ratio : 1.0;
        if (dratio != NULL)
            dratio[k] = i != ATT_NONE ? ratio[k] : 0.0;
    }
    for (k = 0; k < post->ndep; k++) {
        size_t i = post->dep_par[k];
        depart[k] = post_prior_departure(&p->departures[k], i != ATT_NONE ? theta[i] : 0.0, &d);
        if (ddep != NULL)
            ddep[k] = d;
    }
    if (post->i_rho != ATT_NONE) {
        double s = post_prior_inv_logit(theta[post->i_rho]);
        *rho = s;
        d = s * (1.0 - s);
    } else {
        *rho = att_params_returns(p) ? p->return_share : 0.0;
        d = 0.0;
    }
    if (drho != NULL)
        *drho = d;
}

void
att_posterior_values(const att_posterior *post,
                     const double *theta,
                     double *buf,
                     att_model_values *v)
{
    double *hazard = buf, *count = buf + post->nphase, *ratio = count + post->narr;
    double *depart = ratio + post->ngroup;

    att_posterior_model_values(post, theta, hazard, count, &v->kappa);
    post_prior_force_values(post, theta, ratio, NULL, depart, NULL, &v->rho, NULL);
    v->hazard = hazard;
    v->count = count;
    v->ratio = ratio;
    v->depart = post->ndep > 0 ? depart : NULL;
}

void
att_posterior_constrain(const att_posterior *post, const double *theta, double *out)
{
    const att_params *p = post->p;
    size_t i;

    for (i = 0; i < post->dim; i++) {
        const att_param_info *in = &post->info[i];
        /* Only an arrival's index points into arrivals. */
        const att_arrival *a = in->kind == ATT_PAR_ARRIVAL ? &p->arrivals[in->index] : NULL;
        switch (in->kind) {
        case ATT_PAR_HAZARD:
        case ATT_PAR_SIGMA:
            out[i] = att_exp(theta[i]);
            break;
        case ATT_PAR_KAPPA:
            out[i] = post_prior_inv_logit(theta[i]);
            break;
        case ATT_PAR_BIAS:
            out[i] = theta[i];
            break;
        case ATT_PAR_ARRIVAL:
            out[i] = a->prior == ATT_COUNT_UNIFORM
                         ? a->low + (a->high - a->low) * post_prior_inv_logit(theta[i])
                         : att_exp(theta[i]);
            break;
        case ATT_PAR_RATIO:
            out[i] = att_exp(theta[i]);
            break;
        case ATT_PAR_DEPARTURE: {
            double d;
            out[i] = post_prior_departure(&p->departures[in->index], theta[i], &d);
            break;
        }
        case ATT_PAR_RETURN:
        case ATT_PAR_COMPLETENESS:
            out[i] = post_prior_inv_logit(theta[i]);
            break;
        case ATT_PAR_NOISE: /* sigma_s = sigma0 exp(omega z_s) */
            out[i] = att_exp(theta[post->i_sigma] + post->omega * theta[i]);
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
            theta[i] = att_log(p->phases[in->index].prior_median);
            break;
        case ATT_PAR_KAPPA:
            theta[i] = att_log(p->kappa_a / p->kappa_b); /* logit of the prior mean */
            break;
        case ATT_PAR_SIGMA:
            theta[i] = att_log(p->sigma_median);
            break;
        case ATT_PAR_BIAS:
            theta[i] = 0.0;
            break;
        case ATT_PAR_ARRIVAL:
            theta[i] = p->arrivals[in->index].prior == ATT_COUNT_UNIFORM
                           ? 0.0
                           : att_log(p->arrivals[in->index].median);
            break;
        case ATT_PAR_RATIO:
            theta[i] = att_log(p->groups[in->index].ratio_median);
            break;
        case ATT_PAR_DEPARTURE: {
            const att_departure *dp = &p->departures[in->index];
            theta[i] = dp->prior == ATT_COUNT_UNIFORM ? 0.0
                       : dp->prior == ATT_COUNT_BETA  ? att_log(dp->share_a / dp->share_b)
                                                      : att_log(dp->median);
            break;
        }
        case ATT_PAR_RETURN:
            theta[i] = att_log(p->return_a / p->return_b); /* logit of the prior mean */
            break;
        case ATT_PAR_NOISE:
            theta[i] = 0.0;
            break;
        case ATT_PAR_COMPLETENESS:
            theta[i] = att_log(p->classes[in->index].completeness_a /
                               p->classes[in->index].completeness_b);
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
        const att_arrival *a = in->kind == ATT_PAR_ARRIVAL ? &p->arrivals[in->index] : NULL;
        double k, s;
        switch (in->kind) {
        case ATT_PAR_HAZARD:
            theta[i] = att_log(p->phases[in->index].prior_median) +
                       p->phases[in->index].prior_log_sd * att_ran_normal(rng);
            break;
        case ATT_PAR_KAPPA:
            k = att_ran_beta(rng, p->kappa_a, p->kappa_b);
            theta[i] = att_log(k) - att_log1p(-k);
            break;
        case ATT_PAR_SIGMA:
            theta[i] = att_log(p->sigma_median) + p->sigma_log_sd * att_ran_normal(rng);
            break;
        case ATT_PAR_BIAS:
            theta[i] = in->prior_sd * att_ran_normal(rng);
            break;
        case ATT_PAR_ARRIVAL:
            if (a->prior == ATT_COUNT_UNIFORM) {
                s = gsl_rng_uniform_pos(rng);
                theta[i] = att_log(s) - att_log1p(-s);
            } else
                theta[i] = att_log(a->median) + a->log_sd * att_ran_normal(rng);
            break;
        case ATT_PAR_RATIO:
            theta[i] = att_log(p->groups[in->index].ratio_median) +
                       p->groups[in->index].ratio_log_sd * att_ran_normal(rng);
            break;
        case ATT_PAR_DEPARTURE: {
            const att_departure *dp = &p->departures[in->index];
            if (dp->prior == ATT_COUNT_LOGNORMAL) {
                theta[i] = att_log(dp->median) + dp->log_sd * att_ran_normal(rng);
                break;
            }
            s = dp->prior == ATT_COUNT_BETA ? att_ran_beta(rng, dp->share_a, dp->share_b)
                                            : gsl_rng_uniform_pos(rng);
            theta[i] = att_log(s) - att_log1p(-s);
            break;
        }
        case ATT_PAR_RETURN:
            s = att_ran_beta(rng, p->return_a, p->return_b);
            theta[i] = att_log(s) - att_log1p(-s);
            break;
        case ATT_PAR_NOISE:
            theta[i] = att_ran_normal(rng);
            break;
        case ATT_PAR_COMPLETENESS:
            s = att_ran_beta(rng, p->classes[in->index].completeness_a,
                             p->classes[in->index].completeness_b);
            theta[i] = att_log(s) - att_log1p(-s);
            break;
        }
    }
}

/* The normal prior of parameter i at x, its mean and log sd computed
 * once in post_prior_layout. */
static double
post_prior_normal_lpdf(const att_posterior *post, size_t i, double x, double *dx)
{
    double sd = post->info[i].prior_sd, z = (x - post->pmu[i]) / sd;

    *dx = -z / sd;
    return -0.5 * z * z - post->plsd[i] - POST_LOG_SQRT_2PI;
}

/* A Beta(a, b) density of s = inv_logit(theta_i) times the Jacobian
 * s (1 - s), with lnb = log B(a, b); its gradient added to grad[i]. */
static double
post_prior_beta_logit(
    const att_posterior_workspace *w, size_t i, double a, double b, double lnb, double *grad)
{
    grad[i] += a * (1.0 - w->lgs[i]) - b * w->lgs[i];
    return a * w->lgl[i] + b * w->lgm[i] - lnb;
}

double
post_prior_logp(const att_posterior *post,
                const att_posterior_workspace *w,
                const double *theta,
                double *grad)
{
    const att_params *p = post->p;
    double lp = 0.0, d;
    size_t i;

    for (i = 0; i < post->dim; i++) {
        const att_param_info *in = &post->info[i];
        double u = theta[i];
        switch (in->kind) {
        case ATT_PAR_HAZARD: /* log h ~ N(log median, sd^2) */
            lp += post_prior_normal_lpdf(post, i, u, &d);
            grad[i] += d;
            break;
        case ATT_PAR_KAPPA: /* Beta(a, b) density of kappa times the Jacobian */
            lp += post_prior_beta_logit(w, i, p->kappa_a, p->kappa_b, post->kappa_lnbeta, grad);
            break;
        case ATT_PAR_SIGMA: /* log sigma ~ N(log sigma_median, sigma_log_sd^2) */
        case ATT_PAR_BIAS:
            lp += post_prior_normal_lpdf(post, i, u, &d);
            grad[i] += d;
            break;
        case ATT_PAR_ARRIVAL: {
            const att_arrival *a = &p->arrivals[in->index];
            if (a->prior == ATT_COUNT_UNIFORM) {
                /* Uniform on [L, H]: -log(H - L), times the Jacobian
                 * (H - L) s (1 - s); what is left is log s + log(1 - s). */
                lp += w->lgl[i] + w->lgm[i];
                grad[i] += 1.0 - 2.0 * w->lgs[i];
            } else {
                lp += post_prior_normal_lpdf(post, i, u, &d);
                grad[i] += d;
            }
            break;
        }
        case ATT_PAR_RATIO: /* log r ~ N(log median, sd^2) */
            lp += post_prior_normal_lpdf(post, i, u, &d);
            grad[i] += d;
            break;
        case ATT_PAR_DEPARTURE: {
            const att_departure *dp = &p->departures[in->index];
            if (dp->prior == ATT_COUNT_LOGNORMAL) {
                lp += post_prior_normal_lpdf(post, i, u, &d);
                grad[i] += d;
            } else if (dp->prior == ATT_COUNT_UNIFORM) {
                lp += w->lgl[i] + w->lgm[i];
                grad[i] += 1.0 - 2.0 * w->lgs[i];
            } else
                lp += post_prior_beta_logit(w, i, dp->share_a, dp->share_b, post->pmu[i], grad);
            break;
        }
        case ATT_PAR_RETURN:
            lp += post_prior_beta_logit(w, i, p->return_a, p->return_b, post->pmu[i], grad);
            break;
        case ATT_PAR_NOISE: /* z_s ~ N(0, 1) */
            lp += post_prior_normal_lpdf(post, i, u, &d);
            grad[i] += d;
            break;
        case ATT_PAR_COMPLETENESS: /* c_s ~ Beta(a, b) through its logit */
            lp += post_prior_beta_logit(w, i, p->classes[in->index].completeness_a,
                                        p->classes[in->index].completeness_b, post->pmu[i], grad);
            break;
        }
    }
    return lp;
}

void
post_prior_noise_gradient(const att_posterior *post, const att_posterior_workspace *w, double *grad)
{
    size_t s;

    if (!post->p->noise_per_class) {
        grad[post->i_sigma] += w->gsig[0];
        return;
    }
    for (s = 0; s < post->nslot; s++)
        if (post->noise_par[s] != ATT_NONE) {
            grad[post->i_sigma] += w->gsig[s];
            grad[post->noise_par[s]] += post->omega * w->gsig[s];
        }
}

/* Model values at theta into w, with dn/du for each arrival. */
void
post_prior_values(const att_posterior *post,
                  att_posterior_workspace *w,
                  const double *theta,
                  double *kappa,
                  double *sigma)
{
    const att_params *p = post->p;
    size_t k;

    for (k = 0; k < post->nphase; k++)
        w->hazard[k] = post->phase_par[k] == ATT_NONE ? p->phases[k].hazard
                                                      : att_exp(theta[post->phase_par[k]]);
    *sigma = att_exp(theta[post->i_sigma]);
    w->sig[0] = *sigma;
    w->lsig[0] = theta[post->i_sigma];
    w->isig[0] = 1.0 / *sigma;
    for (k = 0; k < post->p->nclass; k++) {
        size_t i = post->noise_par[k];
        if (i != ATT_NONE) { /* log sigma_s = log sigma0 + omega z_s */
            w->lsig[k] = theta[post->i_sigma] + post->omega * theta[i];
            w->sig[k] = att_exp(w->lsig[k]);
            w->isig[k] = 1.0 / w->sig[k];
        }
        if ((i = post->cpl_par[k]) != ATT_NONE)
            w->lgs[i] = post_prior_logistic(theta[i], &w->lgl[i], &w->lgm[i]);
    }
    /* The model values of att_posterior_model_values, the logistic ones
     * with their logs for the prior and the likelihood. */
    k = post->i_kappa;
    *kappa = w->lgs[k] = post_prior_logistic(theta[k], &w->lgl[k], &w->lgm[k]);
    for (k = 0; k < post->narr; k++) {
        const att_arrival *a = &p->arrivals[k];
        size_t i = post->arr_par[k];
        double s;
        if (i == ATT_NONE) {
            w->count[k] = a->count;
            w->dndu[k] = 0.0;
        } else if (a->prior == ATT_COUNT_UNIFORM) {
            s = w->lgs[i] = post_prior_logistic(theta[i], &w->lgl[i], &w->lgm[i]);
            w->count[k] = a->low + (a->high - a->low) * s;
            w->dndu[k] = (a->high - a->low) * s * (1.0 - s);
        } else
            w->dndu[k] = w->count[k] = att_exp(theta[i]);
    }
    if (!post->extended)
        return;
    /* Logistic coordinates keep s, log s, log(1 - s) for the prior. */
    for (k = 0; k < post->ndep; k++) {
        size_t i = post->dep_par[k];
        if (i != ATT_NONE && post->p->departures[k].prior != ATT_COUNT_LOGNORMAL)
            w->lgs[i] = post_prior_logistic(theta[i], &w->lgl[i], &w->lgm[i]);
    }
    if (post->i_rho != ATT_NONE)
        w->lgs[post->i_rho] =
            post_prior_logistic(theta[post->i_rho], &w->lgl[post->i_rho], &w->lgm[post->i_rho]);
    post_prior_force_values(post, theta, w->ratio, w->dratio, w->depart, w->ddep, &w->rho,
                            &w->drho);
}
