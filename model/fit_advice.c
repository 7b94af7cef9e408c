/* fit_advice.c -- why a fit failed, and remedies to try (docs/model.md,
 * section 5.6).
 *
 * The policy of att_fit_judge says that a fit failed; this module says
 * why, from the draws themselves, in the order a careful analyst would
 * look: where the divergent transitions sit, then whether the chains
 * settled apart, then what the worst-mixing parameter moves with.  Each
 * cause comes with changes of the parameter file that address it; none
 * is promised to work: att_run_advise fits each and says which did.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include <attrition/att_advice.h>

#include "internal.h"
#include "sort.h"

#define ADV_DIV_MIN   5   /* fewer divergences say nothing of where they sit */
#define ADV_DIV_SHARE 0.4 /* of them in a noise parameter's lowest quarter (0.25 by chance) */
#define ADV_DIV_SHIFT 1.0 /* their mean this many posterior sds from the draws' mean */
#define ADV_APART     3.0 /* chains apart: a gap of this many within-chain sds */
#define ADV_CORR      0.5 /* the worst parameter's partner, |correlation| at least */
#define ADV_TAU_MAX   3.0 /* a widened bias prior stays a prior */
#define ADV_DRAWS_MAX 8   /* more draws: at most this factor */

const char *
att_fit_cause_name(att_fit_cause c)
{
    switch (c) {
    case ATT_CAUSE_NONE:
        return "none";
    case ATT_CAUSE_SMALL_NOISE:
        return "divergences at small noise";
    case ATT_CAUSE_DIVERGENCES:
        return "divergences at extreme values";
    case ATT_CAUSE_STUCK_CHAIN:
        return "chains settled apart";
    case ATT_CAUSE_UNIDENTIFIED:
        return "a direction the reports do not identify";
    case ATT_CAUSE_SHORT:
        return "too few effective draws";
    }
    return "unknown";
}

/* Two significant digits: the value printed is the value tried.  Powers
 * of ten by products, not pow or log10, so that the bits do not depend on
 * the processor (docs/model.md, section 10). */
static double
adv_round(double x)
{
    double e = 1.0;

    if (!(x > 0.0) || !isfinite(x))
        return x;
    while (x >= 100.0 * e)
        e *= 10.0;
    while (x < 10.0 * e)
        e /= 10.0;
    return round(x / e) * e;
}

/* The setting that holds the prior spread of parameter k, scaled by
 * factor; false where the prior has no such single setting (kappa, a
 * uniform count, a completeness, a return share, a departure). */
static bool
adv_spread_of(
    const att_params *p, const att_posterior *post, size_t k, double factor, att_change *c)
{
    const att_param_info *in = att_posterior_param(post, k);

    memset(c, 0, sizeof *c);
    c->index = in->index;
    c->family = in->family;
    switch (in->kind) {
    case ATT_PAR_HAZARD:
        c->setting = ATT_SET_HAZARD_LOG_SD;
        c->from = p->phases[in->index].prior_log_sd;
        break;
    case ATT_PAR_BIAS:
        c->setting = ATT_SET_TAU;
        c->from = p->classes[in->index].tau[in->family];
        break;
    case ATT_PAR_ARRIVAL:
        if (p->arrivals[in->index].prior != ATT_COUNT_LOGNORMAL)
            return false;
        c->setting = ATT_SET_COUNT_LOG_SD;
        c->from = p->arrivals[in->index].log_sd;
        break;
    case ATT_PAR_RATIO:
        c->setting = ATT_SET_RATIO_LOG_SD;
        c->from = p->groups[in->index].ratio_log_sd;
        break;
    case ATT_PAR_SIGMA:
        c->setting = ATT_SET_SIGMA_LOG_SD;
        c->from = p->sigma_log_sd;
        break;
    case ATT_PAR_NOISE:
        c->setting = ATT_SET_SIGMA_SPREAD;
        c->from = p->sigma_spread;
        break;
    default:
        return false;
    }
    c->to = adv_round(c->from * factor);
    return c->to > 0.0;
}

/* Appends a remedy of one narrowed prior (k's spread times factor). */
static void
adv_add_narrow(
    const att_params *p, const att_posterior *post, size_t k, double factor, att_fit_diagnosis *d)
{
    att_remedy *rm = &d->remedy[d->nremedy];

    if (d->nremedy < ATT_REMEDY_MAX && adv_spread_of(p, post, k, factor, &rm->change[0])) {
        rm->nchange = 1;
        d->nremedy++;
    }
}

static void
adv_add_sampler(att_setting s, size_t from, size_t to, att_fit_diagnosis *d)
{
    att_remedy *rm = &d->remedy[d->nremedy];

    if (d->nremedy == ATT_REMEDY_MAX)
        return;
    memset(rm, 0, sizeof *rm);
    rm->nchange = 1;
    rm->change[0].setting = s;
    rm->change[0].from = (double)from;
    rm->change[0].to = (double)to;
    d->nremedy++;
}

/* Column k of the draws (theta or value) into col; its mean and sd. */
static void
adv_column(
    const att_fit_result *r, const double *x, size_t k, double *col, double *mean, double *sd)
{
    size_t S = r->chains * r->draws, i;

    for (i = 0; i < S; i++)
        col[i] = x[i * r->dim + k];
    *mean = gsl_stats_mean(col, 1, S);
    *sd = gsl_stats_sd_m(col, 1, S, *mean);
}

static bool
adv_is_noise(const att_posterior *post, size_t k)
{
    att_param_kind kind = att_posterior_param(post, k)->kind;
    return kind == ATT_PAR_SIGMA || kind == ATT_PAR_NOISE;
}

/* Divergences in a noise parameter's lowest quarter, or else where one
 * parameter sits far from the bulk. */
static void
adv_divergences(const att_params *p,
                const att_posterior *post,
                const att_fit_result *r,
                double *col,
                att_fit_diagnosis *d)
{
    size_t S = r->chains * r->draws, n = r->dim, i, k, ndiv = 0, best = ATT_NONE, hits = 0;
    double best_share = 0.0, best_q = 0.0, mean, sd, shift = 0.0;

    for (i = 0; i < S; i++)
        ndiv += r->divergent_at[i] != 0;
    if (ndiv < ADV_DIV_MIN) /* a loaded fit keeps no flags */
        return;
    for (k = 0; k < n; k++) {
        size_t c = 0;
        double q;
        if (!adv_is_noise(post, k))
            continue;
        adv_column(r, r->value, k, col, &mean, &sd);
        att_sort(col, S);
        q = gsl_stats_quantile_from_sorted_data(col, 1, S, 0.25);
        for (i = 0; i < S; i++)
            c += r->divergent_at[i] && r->value[i * n + k] <= q;
        if ((double)c / (double)ndiv > best_share) {
            best_share = (double)c / (double)ndiv;
            best = k;
            best_q = q;
            hits = c;
        }
    }
    /* A quarter by chance; a share this far above it is not. */
    if (best != ATT_NONE && best_share >= ADV_DIV_SHARE &&
        best_share >= 0.25 + 3.0 * sqrt(0.1875 / (double)ndiv)) {
        const char *name = att_posterior_param(post, best)->name;
        d->cause = ATT_CAUSE_SMALL_NOISE;
        d->param = best;
        snprintf(d->what, sizeof d->what,
                 "%zu of the %zu divergent transitions (%.0f%%; a quarter by chance) came where "
                 "%s was in its lowest quarter, below %.3g: where the reports can be met almost "
                 "exactly the posterior narrows into a funnel that no step size follows, and "
                 "a higher adapt_delta (%g here) does not widen it",
                 hits, ndiv, 100.0 * best_share, name, best_q, r->delta);
        /* A prior that reaches less far below its median keeps the
         * sampler out of the funnel's neck. */
        adv_add_narrow(p, post, best, 0.5, d);
        adv_add_narrow(p, post, best, 0.25, d);
        return;
    }
    best = ATT_NONE;
    for (k = 0; k < n; k++) {
        double md = 0.0, z;
        adv_column(r, r->theta, k, col, &mean, &sd);
        for (i = 0; i < S; i++)
            if (r->divergent_at[i])
                md += col[i] / (double)ndiv;
        z = sd > 0.0 ? (md - mean) / sd : 0.0;
        if (fabs(z) > fabs(shift)) {
            shift = z;
            best = k;
        }
    }
    d->cause = ATT_CAUSE_DIVERGENCES;
    if (best == ATT_NONE || fabs(shift) < ADV_DIV_SHIFT) {
        snprintf(d->what, sizeof d->what,
                 "the %zu divergent transitions are spread over the posterior, none of its "
                 "parameters more than %.1f posterior sds from its mean there",
                 ndiv, ADV_DIV_SHIFT);
        return;
    }
    d->param = best;
    snprintf(d->what, sizeof d->what,
             "the %zu divergent transitions came where %s was %s: on average %.1f posterior sds "
             "%s its mean, a region whose curvature the step size cannot follow",
             ndiv, att_posterior_param(post, best)->name, shift < 0 ? "low" : "high", fabs(shift),
             shift < 0 ? "below" : "above");
    adv_add_narrow(p, post, best, 0.5, d);
    adv_add_narrow(p, post, best, 0.25, d);
}

/* The per-chain means of parameter k of x (theta or value) and the
 * pooled within-chain sd. */
static double
adv_chain_means_of(const att_fit_result *r, const double *x, size_t k, double *means)
{
    size_t c, i, D = r->draws;
    double w = 0.0;

    for (c = 0; c < r->chains; c++) {
        double m = 0.0, v = 0.0;
        for (i = 0; i < D; i++)
            m += x[(c * D + i) * r->dim + k] / (double)D;
        for (i = 0; i < D; i++) {
            double e = x[(c * D + i) * r->dim + k] - m;
            v += e * e / (double)(D - 1);
        }
        means[c] = m;
        w += v / (double)r->chains;
    }
    return sqrt(w);
}

/* On the sampler's scale. */
static double
adv_chain_means(const att_fit_result *r, size_t k, double *means)
{
    return adv_chain_means_of(r, r->theta, k, means);
}

/* The mean of the chain means apart (*ma) and of the rest (*mr). */
static void
adv_sides(const double *means, const bool *apart, size_t C, size_t napart, double *ma, double *mr)
{
    size_t c;

    *ma = *mr = 0.0;
    for (c = 0; c < C; c++) {
        if (apart[c])
            *ma += means[c] / (double)napart;
        else
            *mr += means[c] / (double)(C - napart);
    }
}

/* Chains that settled apart: the largest gap between sorted chain means of
 * the worst-R-hat parameter, against the within-chain sd.  true if found. */
static bool
adv_chains_apart(const att_params *p,
                 const att_posterior *post,
                 const att_fit_params *fp,
                 const att_fit_result *r,
                 double *means,
                 size_t *order,
                 bool *apart,
                 att_fit_diagnosis *d)
{
    size_t n = r->dim, C = r->chains, k, j, c, worst = 0, cut = 0, napart = 0;
    size_t top = ATT_NONE, nnoise = 0, noise[ATT_REMEDY_CHANGES];
    double gap = 0.0, w, rh = -1.0, sep_top = 0.0, dlog = 0.0;
    char who[96] = "";
    size_t used = 0;

    if (C < 2)
        return false;
    for (k = 0; k < n; k++) {
        double x = r->summary[k].rhat;
        if (isnan(x))
            x = HUGE_VAL;
        if (x > rh) {
            rh = x;
            worst = k;
        }
    }
    w = adv_chain_means(r, worst, means);
    for (c = 0; c < C; c++)
        order[c] = c;
    gsl_sort_index(order, means, 1, C);
    for (c = 0; c + 1 < C; c++)
        if (means[order[c + 1]] - means[order[c]] > gap) {
            gap = means[order[c + 1]] - means[order[c]];
            cut = c + 1;
        }
    if (!(gap > ADV_APART * w))
        return false;
    /* The smaller side is apart; on a tie, the upper one. */
    for (c = 0; c < C; c++)
        apart[order[c]] = (cut < C - cut) ? c < cut : c >= cut;
    for (c = 0; c < C; c++)
        if (apart[c]) {
            napart++;
            if (used < sizeof who) {
                int m = snprintf(who + used, sizeof who - used, "%s%zu", used ? ", " : "", c + 1);
                used += m > 0 ? (size_t)m : 0;
            }
        }
    /* Which parameters the two sides disagree on, in within-chain sds. */
    for (j = 0; j < n; j++) {
        double wj = adv_chain_means(r, j, means), ma, mr, sep;
        adv_sides(means, apart, C, napart, &ma, &mr);
        sep = wj > 0.0 ? fabs(ma - mr) / wj : (ma != mr ? HUGE_VAL : 0.0);
        if (sep > sep_top) {
            sep_top = sep;
            top = j;
        }
        if (att_posterior_param(post, j)->kind == ATT_PAR_HAZARD && fabs(ma - mr) > dlog)
            dlog = fabs(ma - mr);
        if (sep > ADV_APART && att_posterior_param(post, j)->kind == ATT_PAR_NOISE &&
            nnoise < ATT_REMEDY_CHANGES)
            noise[nnoise++] = j;
    }
    d->cause = ATT_CAUSE_STUCK_CHAIN;
    d->param = worst;
    d->other = top;
    {
        /* Said in model units: a hazard of 0.013 against 0.0049. */
        double ma, mr;
        adv_chain_means_of(r, r->value, worst, means);
        adv_sides(means, apart, C, napart, &ma, &mr);
        snprintf(d->what, sizeof d->what,
                 "chain%s %s settled apart from the others: %s (R-hat %.2f) has mean %.3g "
                 "there against %.3g, %.0f within-chain sds apart; they differ most in %s%s",
                 napart > 1 ? "s" : "", who, att_posterior_param(post, worst)->name, rh, ma, mr,
                 w > 0.0 ? gap / w : HUGE_VAL,
                 top != ATT_NONE ? att_posterior_param(post, top)->name : "?",
                 nnoise > 0 ? ", and in which class's figures the model meets closely: the "
                              "classes disagree by more than their biases' priors allow"
                            : "");
    }
    if (nnoise > 0) {
        /* Room for the classes' disagreement in their biases... */
        att_remedy *rm = &d->remedy[d->nremedy];
        memset(rm, 0, sizeof *rm);
        for (j = 0; j < nnoise; j++) {
            size_t cls = att_posterior_param(post, noise[j])->index, b;
            for (b = 0; b < n; b++) {
                const att_param_info *in = att_posterior_param(post, b);
                if (in->kind == ATT_PAR_BIAS && in->index == cls &&
                    in->family == ATT_FAMILY_LOSSES) {
                    att_change *ch = &rm->change[rm->nchange];
                    double to = fmax(2.0 * p->classes[cls].tau[ATT_FAMILY_LOSSES], dlog);
                    ch->setting = ATT_SET_TAU;
                    ch->index = cls;
                    ch->family = ATT_FAMILY_LOSSES;
                    ch->from = p->classes[cls].tau[ATT_FAMILY_LOSSES];
                    ch->to = adv_round(fmin(to, ADV_TAU_MAX));
                    if (ch->to > ch->from)
                        rm->nchange++;
                }
            }
        }
        if (rm->nchange > 0)
            d->nremedy++;
        /* ...or classes' noise held closer together. */
        adv_add_narrow(p, post, noise[0], 0.25, d);
        return true;
    }
    /* A chain still on its way from its start: four times the warm-up. */
    adv_add_sampler(ATT_SET_WARMUP, fp->warmup, 4 * fp->warmup, d);
    if (top != ATT_NONE)
        adv_add_narrow(p, post, top, 0.5, d);
    return true;
}

/* The worst-mixing parameter and what it moves with. */
static void
adv_mixing(const att_params *p,
           const att_posterior *post,
           const att_fit_params *fp,
           const att_fit_result *r,
           double *col,
           double *col2,
           att_fit_diagnosis *d)
{
    size_t n = r->dim, S = r->chains * r->draws, k, j, worst = 0, partner = ATT_NONE;
    double ess = HUGE_VAL, rbest = 0.0, mk, sk, mj, sj;
    int x, scale = 0;

    for (k = 0; k < n; k++) {
        double e = fmin(r->summary[k].ess_bulk, r->summary[k].ess_tail);
        if (isnan(e))
            e = 0.0;
        if (e < ess) {
            ess = e;
            worst = k;
        }
    }
    /* On both scales: a ridge straight in one (h1 t1 + h2 t2 fixed) is
     * curved in the other, and the curve weakens a linear correlation. */
    for (x = 0; x < 2; x++) {
        const double *v = x == 0 ? r->theta : r->value;
        adv_column(r, v, worst, col, &mk, &sk);
        for (j = 0; j < n && sk > 0.0; j++) {
            double rr;
            if (j == worst)
                continue;
            adv_column(r, v, j, col2, &mj, &sj);
            if (!(sj > 0.0))
                continue;
            rr = gsl_stats_covariance_m(col, 1, col2, 1, S, mk, mj) / (sk * sj);
            if (fabs(rr) > fabs(rbest)) {
                rbest = rr;
                partner = j;
                scale = x;
            }
        }
    }
    d->param = worst;
    if (partner != ATT_NONE && fabs(rbest) >= ADV_CORR) {
        const att_param_info *a = att_posterior_param(post, worst),
                             *b = att_posterior_param(post, partner);
        double ra = r->sd_theta[worst] / a->prior_sd, rb = r->sd_theta[partner] / b->prior_sd;
        size_t loose = rb > ra ? partner : worst, tight = loose == worst ? partner : worst;
        att_remedy *rm;
        d->cause = ATT_CAUSE_UNIDENTIFIED;
        d->other = partner;
        snprintf(d->what, sizeof d->what,
                 "%s (ESS %.0f) moves with %s (correlation %+.2f on the %s scale): the "
                 "reports pin a combination of the two, not each (sd/sd0 %.2f and %.2f), and the "
                 "posterior is a long ridge the chains cross slowly",
                 a->name, ess, b->name, rbest, scale == 0 ? "sampler's" : "model's", ra, rb);
        /* The prior of the one the reports say least about carries the
         * direction; narrowing it shortens the ridge. */
        adv_add_narrow(p, post, loose, 0.5, d);
        rm = &d->remedy[d->nremedy];
        if (d->nremedy < ATT_REMEDY_MAX && adv_spread_of(p, post, loose, 0.5, &rm->change[0]) &&
            adv_spread_of(p, post, tight, 0.5, &rm->change[1])) {
            rm->nchange = 2;
            d->nremedy++;
        }
        if (d->nremedy == 0)
            adv_add_narrow(p, post, tight, 0.5, d);
        return;
    }
    {
        size_t f = ess > 0.0 ? (size_t)ceil(ATT_FIT_ESS_WARN / ess) : ADV_DRAWS_MAX;
        if (f > ADV_DRAWS_MAX)
            f = ADV_DRAWS_MAX;
        if (f < 2)
            f = 2;
        d->cause = ATT_CAUSE_SHORT;
        snprintf(d->what, sizeof d->what,
                 "the chains agree (max R-hat %.3f) and no parameter moves closely with %s, "
                 "but it has only %.0f effective draws: the chains mix slowly, not wrongly",
                 r->rhat_max, att_posterior_param(post, worst)->name, ess);
        adv_add_sampler(ATT_SET_DRAWS, fp->draws, f * fp->draws, d);
    }
}

att_status
att_fit_diagnose(const att_params *p,
                 const att_posterior *post,
                 const att_fit_params *fp,
                 const att_fit_result *r,
                 att_fit_diagnosis *d,
                 att_error *err)
{
    size_t S = r->chains * r->draws, C = r->chains;
    double *col = NULL, *col2 = NULL, *means = NULL;
    size_t *order = NULL;
    bool *apart = NULL;
    char msg[8];

    memset(d, 0, sizeof *d);
    d->param = d->other = ATT_NONE;
    if (att_fit_judge(r, msg, sizeof msg) != ATT_FIT_FAILED)
        return ATT_OK;
    col = att_mem_alloc(S * sizeof *col);
    col2 = att_mem_alloc(S * sizeof *col2);
    means = att_mem_alloc(C * sizeof *means);
    order = att_mem_alloc(C * sizeof *order);
    apart = att_mem_calloc(C, sizeof *apart);
    if (col == NULL || col2 == NULL || means == NULL || order == NULL || apart == NULL) {
        att_mem_free(col);
        att_mem_free(col2);
        att_mem_free(means);
        att_mem_free(order);
        att_mem_free(apart);
        return ATT_FAIL(err, ATT_ENOMEM, "out of memory");
    }
    if ((double)r->divergent_total > ATT_FIT_DIV_FAIL * (double)S)
        adv_divergences(p, post, r, col, d);
    if (d->cause == ATT_CAUSE_NONE && r->rhat_max > ATT_FIT_RHAT_FAIL)
        (void)adv_chains_apart(p, post, fp, r, means, order, apart, d);
    if (d->cause == ATT_CAUSE_NONE)
        adv_mixing(p, post, fp, r, col, col2, d);
    att_mem_free(col);
    att_mem_free(col2);
    att_mem_free(means);
    att_mem_free(order);
    att_mem_free(apart);
    return ATT_OK;
}

void
att_remedy_apply(const att_remedy *rm, att_params *p, att_fit_params *fp)
{
    size_t i;

    for (i = 0; i < rm->nchange; i++) {
        const att_change *c = &rm->change[i];
        switch (c->setting) {
        case ATT_SET_SIGMA_LOG_SD:
            p->sigma_log_sd = c->to;
            break;
        case ATT_SET_SIGMA_SPREAD:
            p->sigma_spread = c->to;
            break;
        case ATT_SET_HAZARD_LOG_SD:
            p->phases[c->index].prior_log_sd = c->to;
            break;
        case ATT_SET_TAU:
            p->classes[c->index].tau[c->family] = c->to;
            break;
        case ATT_SET_COUNT_LOG_SD:
            p->arrivals[c->index].log_sd = c->to;
            break;
        case ATT_SET_RATIO_LOG_SD:
            p->groups[c->index].ratio_log_sd = c->to;
            break;
        case ATT_SET_WARMUP:
            fp->warmup = (size_t)c->to;
            break;
        case ATT_SET_DRAWS:
            fp->draws = (size_t)c->to;
            break;
        }
    }
}

size_t
att_remedy_format(const att_params *p, const att_remedy *rm, char *buf, size_t n)
{
    size_t i, used = 0;

    if (n > 0)
        buf[0] = '\0';
    for (i = 0; i < rm->nchange; i++) {
        const att_change *c = &rm->change[i];
        char sec[ATT_NAME_MAX + 16];
        const char *key = "";
        int m;
        switch (c->setting) {
        case ATT_SET_SIGMA_LOG_SD:
        case ATT_SET_SIGMA_SPREAD:
            snprintf(sec, sizeof sec, "[priors]");
            key = c->setting == ATT_SET_SIGMA_LOG_SD ? "sigma_log_sd" : "sigma_spread";
            break;
        case ATT_SET_HAZARD_LOG_SD:
            snprintf(sec, sizeof sec, "[phase %s]", p->phases[c->index].name);
            key = "hazard_log_sd";
            break;
        case ATT_SET_TAU:
            snprintf(sec, sizeof sec, "[class %s]", p->classes[c->index].name);
            key = c->family == ATT_FAMILY_LOSSES ? "tau_losses" : "tau_force";
            break;
        case ATT_SET_COUNT_LOG_SD:
            snprintf(sec, sizeof sec, "[arrival %s]", p->arrivals[c->index].name);
            key = "count_log_sd";
            break;
        case ATT_SET_RATIO_LOG_SD:
            snprintf(sec, sizeof sec, "[group %s]", p->groups[c->index].name);
            key = "hazard_ratio_log_sd";
            break;
        case ATT_SET_WARMUP:
        case ATT_SET_DRAWS:
            m = snprintf(buf + (used < n ? used : n), used < n ? n - used : 0,
                         "%s--%s %.0f (now %.0f)", i ? " and " : "",
                         c->setting == ATT_SET_WARMUP ? "warmup" : "draws", c->to, c->from);
            used += m > 0 ? (size_t)m : 0;
            continue;
        }
        m = snprintf(buf + (used < n ? used : n), used < n ? n - used : 0, "%s%s %s = %g (now %g)",
                     i ? " and " : "", sec, key, c->to, c->from);
        used += m > 0 ? (size_t)m : 0;
    }
    return used;
}
