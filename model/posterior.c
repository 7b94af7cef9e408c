/* posterior.c -- log-posterior and gradient of the phase-hazard model.
 *
 * Contents: the parameter layout and priors; the report design (the
 * distinct days any window needs, each cohort's exposure to each phase on
 * them precomputed); the forward pass over those days (survivals advance
 * by exp(-h) per day) and log m at every point; the likelihood terms and
 * the window average, their exp, log and normal tails over arrays
 * (vmath.c, the project's own functions: the same bits on any
 * processor); the
 * gradient by per-day adjoint sums (d log p / d log C, N, D, then d C, N,
 * D), turned into hazard and arrival derivatives in one pass at the end;
 * the sampling coordinates.  Equation numbers refer to docs/model.md
 * (sections 1-3).
 *
 * The sampling coordinates (a section-3 coordinate choice beside (12),
 * used by the sampler only: theta stays what the mode, the summaries and
 * saved fits see).  On theta, a bias b_s can absorb the residuals of its
 * few point figures, so as sigma -> 0 its conditional sd shrinks with
 * sigma: Neal's funnel (section 7.2).  NUTS therefore runs on xi, which is
 * theta with each estimated bias replaced by its standardised offset
 *
 *   beta_s   = (b_s - mu_s) / sqrt(v_s),      v_s = 1 / Lambda_s,
 *   Lambda_s = 1 / tau_s^2 + sum_{i in P_s} p_i,   p_i = 1 / (sigma^2 + s_i^2 + r_i^2),
 *   mu_s     = v_s sum_{i in P_s} p_i (c_i - a_i),
 *
 * where P_s are the used point (approx) and range figures carrying b_s,
 * c_i is the log figure or the centre of a range's log bounds, r_i^2 a
 * range's log width squared over 12 (0 for a point), and a_i, s_i^2 are
 * the mean and variance of log m over report i's days where m > 0
 * whatever theta (a rate has one).  mu_s and v_s are then the
 * conditional mean and variance of b_s under a normal approximation of
 * (10) that counts the window's spread and a range's width as extra
 * noise: without it, a long window or a range (where the likelihood pins
 * b only to within that spread) would get a scale that shrinks with
 * sigma, a funnel the other way, or walls met in steps of tau.  A class
 * with no point or range figure gets b_s = tau_s beta_s.  mu_s and v_s depend
 * on sigma, the hazards, kappa and the arrivals only, which xi and theta
 * share, so the map is affine in beta for fixed values of those and
 *
 *   log p(xi) = log p(theta(xi)) (13) + sum_s log sqrt(v_s).
 *
 * Its gradient follows by the chain rule: log m at the pooled points
 * enters through a_i and s_i^2 and goes to the per-time sums (post_push_all)
 * like the likelihood's.  One-sided figures are left out of P_s: they pin
 * b_s on one side only.  What is left at small sigma is not a bias funnel
 * and no such map removes it: the likelihood of a windowed figure becomes
 * a comb with one tooth of width sigma per day (10), and a range or
 * one-sided figure a box with walls of width sigma.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_math.h>

#include <attrition/att_model.h>
#include <attrition/att_posterior.h>

#include "emath.h"
#include "normal.h"
#include "special.h"
#include "variates.h"
#include "vmath.h"

#define POST_LOG_SQRT_2PI 0.91893853320467274178032973640562 /* log sqrt(2 pi) */

/* One report of the likelihood. */
typedef struct {
    size_t ledger; /* index in the ledger */
    att_kind kind;
    att_qualifier qual;
    double ly, llo, lhi;  /* log figure, or log bounds of a range */
    double lwidth;        /* rates: log of the interval's length in days */
    double lnpoint;       /* log of the number of days in the window */
    size_t bias;          /* theta index of b_{s,f}, or ATT_NONE if pinned */
    size_t first, npoint; /* its evaluation points */
    double ndays;         /* days in the window (rates: 1), the sum of the points' mult */
    bool pooled;          /* a point or range report of an estimated bias: sets the bias's level */
    double lcentre;       /* pooled: log figure, or the centre of a range's log bounds */
    double lspread;       /* pooled: a range's variance on the log scale, w^2 / 12 */
    size_t lfirst;        /* pooled: its first point (0-based) where m > 0 whatever theta */
    double nlevel;        /* pooled: the days from lfirst on */
} post_report;

/* One evaluation point of a report: the index of its time in the sorted
 * list of distinct times, and of its start time for rates; and the number
 * of consecutive window days it stands for, whose model quantity is the
 * same whatever theta (deployed figures between arrivals, losses before
 * combat), so that the window's mean (10) takes one term per run. */
typedef struct {
    size_t ti;   /* time index */
    size_t ti0;  /* start time index (rates), ATT_NONE otherwise */
    double mult; /* days it stands for */
} post_point;

/* How a cohort's survival moves from the previous distinct time to this
 * one: not arrived, from scratch, or by one day in one phase (then it is
 * multiplied by exp(-h_k), computed once per evaluation). */
#define POST_STEP_ABSENT  (-2)
#define POST_STEP_SCRATCH (-1)

struct att_posterior {
    const att_params *p;
    size_t dim, nphase, narr;
    att_param_info *info;
    size_t *phase_par; /* theta index of each phase's log h, or ATT_NONE (fixed) */
    size_t *arr_par;   /* theta index of each arrival's count, or ATT_NONE (fixed) */
    size_t i_kappa, i_sigma;
    double kappa_lnbeta; /* log B(a, b) of kappa's prior, once */
    double *pmu, *plsd;  /* per parameter with a normal prior on theta: its mean and log sd */
    size_t nrep, npoint, maxpoint;
    post_report *rep;
    post_point *pt;
    size_t ntime; /* distinct evaluation times, ascending */
    double *times;
    double *expo;        /* per time: narr x nphase exposures (equation (2)) */
    double *expo_t;      /* the same by arrival and phase: ntime exposures each */
    int *step;           /* per time and arrival: POST_STEP_* or the phase of a one-day step */
    unsigned char *need; /* per time: POST_NEED_* bits, the logs some report reads */
    unsigned need_all;   /* the bits of every time together */
};

#define POST_NEED_C 1u
#define POST_NEED_N 2u
#define POST_NEED_D 4u

struct att_posterior_workspace {
    double *ell;             /* per point of a report: scratch (log-likelihoods, x_d, weights) */
    double *gm;              /* per point: d ell / d log m, or scratch for the tails and exp */
    double *gs;              /* per point: d ell / d log sigma */
    double *hazard, *count;  /* model values at theta */
    double *dndu;            /* d n_j / d theta_j of each arrival (0 when fixed) */
    double *gprior;          /* dim: the prior's gradient when the caller wants none */
    double *tC, *tN, *tD;    /* per time: C, N, D */
    double *lm;              /* per point: log m (equation (5)), -HUGE_VAL where m = 0 */
    double *lC, *lN, *lD;    /* per time: their logs (C, N at every time if any report reads
                              * them; D where one does) */
    double *aC, *aN, *aD;    /* per time: d log p / d C, N, D: the rates' terms directly, the
                              * rest from bC, bN, bD in post_close_sums, before post_adjoint */
    double *bC, *bN, *bD;    /* per time: d log p / d log C, N, D, summed over points */
    double *surv;            /* per time and arrival: exp(-H_j(t)) */
    double *lost;            /* per time and arrival: 1 - exp(-H_j(t)), accurately */
    double *q, *omq;         /* per phase: exp(-h_k) and 1 - exp(-h_k) */
    double *hacc;            /* per arrival and phase: post_adjoint's sums */
    double *fbuf;            /* per time: post_adjoint's scratch */
    double g_kappa, g_sigma; /* d log p / d logit kappa, d log sigma, from the reports */
    double lsigma, isigma;   /* log sigma and 1 / sigma at theta */
    double lkappa, lwounded; /* log kappa and log(1 - kappa), once per evaluation */
    double *rsum;            /* per report: the sum whose log its log-likelihood adds */
    double *blog;            /* dim: the biases' Lambda_s, then their logs */
    double *lgs, *lgl, *lgm; /* dim: for kappa and uniform arrivals, s = inv_logit(theta_i),
                              * log s and log(1 - s), once per evaluation */
    double *theta;           /* dim: theta of the sampling coordinates being evaluated */
    double *lam, *msum;      /* dim, biases: Lambda_s and M_s of the sampling coordinates */
    double *sqv;             /* dim, biases: sqrt(v_s) = Lambda_s^(-1/2) */
    double *lev_a, *lev_p;   /* per report, pooled: a_i and p_i of the sampling coordinates */
    att_simd simd;           /* the instruction set of the array functions (vmath.h) */
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
    att_mem_free(post->pmu);
    att_mem_free(post->plsd);
    att_mem_free(post->rep);
    att_mem_free(post->pt);
    att_mem_free(post->times);
    att_mem_free(post->expo);
    att_mem_free(post->expo_t);
    att_mem_free(post->step);
    att_mem_free(post->need);
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
    post->kappa_lnbeta = att_lnbeta(p->kappa_a, p->kappa_b);
    in = &post->info[n++];
    snprintf(in->name, sizeof in->name, "kappa");
    in->kind = ATT_PAR_KAPPA;
    /* sd of logit kappa under Beta(a, b): sqrt(trigamma(a) + trigamma(b)). */
    in->prior_sd = sqrt(att_trigamma(p->kappa_a) + att_trigamma(p->kappa_b));
    post->i_sigma = n;
    in = &post->info[n++];
    snprintf(in->name, sizeof in->name, "sigma");
    in->kind = ATT_PAR_SIGMA;
    in->prior_sd = p->sigma_log_sd; /* log sigma ~ Normal(log sigma_median, sigma_log_sd^2) */
    for (i = 0; i < ncls; i++)
        for (k = 0; k < ATT_FAMILY_COUNT; k++) {
            if (!has[i * 2 + k] || att_params_pinned(p, i, (att_family)k))
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
    /* The normal priors' constants, once (equation (11)). */
    post->pmu = att_mem_calloc(n + 1, sizeof *post->pmu);
    post->plsd = att_mem_calloc(n + 1, sizeof *post->plsd);
    if (post->pmu == NULL || post->plsd == NULL)
        return ATT_FAIL(err, ATT_ENOMEM, "out of memory");
    for (i = 0; i < n; i++) {
        in = &post->info[i];
        if (in->kind == ATT_PAR_HAZARD)
            post->pmu[i] = att_log(p->phases[in->index].prior_median);
        else if (in->kind == ATT_PAR_SIGMA)
            post->pmu[i] = att_log(p->sigma_median);
        else if (in->kind == ATT_PAR_ARRIVAL && p->arrivals[in->index].prior != ATT_COUNT_UNIFORM)
            post->pmu[i] = att_log(p->arrivals[in->index].median);
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

static int
post_double_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static size_t
post_time_index(const att_posterior *post, double t)
{
    size_t lo = 0, hi = post->ntime;

    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (post->times[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return lo; /* times holds every t asked for */
}

/* How cohort j's survival moves from time i - 1 to time i. */
static int
post_step(const att_posterior *post, size_t i, size_t j)
{
    size_t np = post->nphase, k, moved = ATT_NONE;
    const double *L = post->expo + (i * post->narr + j) * np, *L0;

    if (L[0] < 0.0)
        return POST_STEP_ABSENT;
    if (i == 0)
        return POST_STEP_SCRATCH;
    L0 = post->expo + ((i - 1) * post->narr + j) * np;
    if (L0[0] < 0.0)
        return POST_STEP_SCRATCH;
    for (k = 0; k < np; k++) {
        double dl = L[k] - L0[k];
        if (dl == 0.0)
            continue;
        if (dl != 1.0 || moved != ATT_NONE)
            return POST_STEP_SCRATCH;
        moved = k;
    }
    return moved == ATT_NONE ? POST_STEP_SCRATCH : (int)moved;
}

/* Whether report q's model quantity at pt is positive whatever theta: some
 * cohort has arrived (N, D; counts are > 0) and, for losses, has spent
 * time in a phase with combat (by pt->ti, or between pt->ti0 and pt->ti
 * for a rate).  Equations (1)-(5). */
static bool
post_positive(const att_posterior *post, const post_report *q, const post_point *pt)
{
    const att_params *p = post->p;
    size_t j, k, np = post->nphase;
    bool losses = att_kind_family(q->kind) == ATT_FAMILY_LOSSES;

    for (j = 0; j < post->narr; j++) {
        const double *L = post->expo + (pt->ti * post->narr + j) * np;
        const double *L0 =
            pt->ti0 != ATT_NONE ? post->expo + (pt->ti0 * post->narr + j) * np : NULL;
        if (L[0] < 0.0) /* not arrived */
            continue;
        if (!losses)
            return true;
        for (k = 0; k < np; k++) {
            double before = L0 != NULL && L0[0] >= 0.0 ? L0[k] : 0.0;
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
static bool
post_same_quantity(const att_posterior *post, att_kind kind, size_t a, size_t b)
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

/* Exposures and steps of every distinct time (equation (2)). */
static void
post_fill_times(att_posterior *post)
{
    size_t i, j, block = post->nphase * post->narr;

    for (i = 0; i < post->ntime; i++) {
        post_fill_exposure(post, post->times[i], post->expo + i * block);
        for (j = 0; j < post->narr; j++)
            post->step[i * post->narr + j] = post_step(post, i, j);
    }
}

/* The exposures by arrival and phase, for post_adjoint (once the times
 * are final). */
static void
post_transpose_exposures(att_posterior *post)
{
    size_t i, j, k, block = post->nphase * post->narr;

    for (j = 0; j < post->narr; j++)
        for (k = 0; k < post->nphase; k++)
            for (i = 0; i < post->ntime; i++)
                post->expo_t[(j * post->nphase + k) * post->ntime + i] =
                    post->expo[i * block + j * post->nphase + k];
}

/* Keeps only the times some point reads, renumbered, with their
 * exposures, steps and the logs each needs. */
static att_status
post_compact_times(att_posterior *post, att_error *err)
{
    size_t *map = att_mem_calloc(post->ntime + 1, sizeof *map), i, r, d, nt = 0;

    if (map == NULL)
        return ATT_FAIL(err, ATT_ENOMEM, "out of memory");
    for (i = 0; i < post->npoint; i++) {
        map[post->pt[i].ti] = 1;
        if (post->pt[i].ti0 != ATT_NONE)
            map[post->pt[i].ti0] = 1;
    }
    for (i = 0; i < post->ntime; i++)
        if (map[i]) {
            post->times[nt] = post->times[i];
            map[i] = nt++;
        }
    post->ntime = nt;
    for (i = 0; i < post->npoint; i++) {
        post->pt[i].ti = map[post->pt[i].ti];
        if (post->pt[i].ti0 != ATT_NONE)
            post->pt[i].ti0 = map[post->pt[i].ti0];
    }
    att_mem_free(map);
    post_fill_times(post);
    post_transpose_exposures(post);
    memset(post->need, 0, post->ntime);
    for (r = 0; r < post->nrep; r++) {
        const post_report *q = &post->rep[r];
        if (q->kind == ATT_KIND_RATE)
            continue; /* reads C itself, not its log */
        for (d = 0; d < q->npoint; d++)
            post->need[post->pt[q->first + d].ti] |= q->kind == ATT_KIND_STRENGTH   ? POST_NEED_N
                                                     : q->kind == ATT_KIND_DEPLOYED ? POST_NEED_D
                                                     : q->kind == ATT_KIND_FRACTION
                                                         ? POST_NEED_C | POST_NEED_D
                                                         : POST_NEED_C;
    }
    for (post->need_all = 0, i = 0; i < post->ntime; i++)
        post->need_all |= post->need[i];
    return ATT_OK;
}

att_posterior *
att_posterior_alloc(const att_params *p, const att_ledger *l, int32_t cutoff, att_error *err)
{
    return att_posterior_alloc_without(p, l, cutoff, ATT_NONE, err);
}

att_posterior *
att_posterior_alloc_without(
    const att_params *p, const att_ledger *l, int32_t cutoff, size_t skip, att_error *err)
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
    if (skip < l->n && used[skip]) {
        used[skip] = false;
        post->nrep--;
    }
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
    post->times = att_mem_calloc(nexpo + 1, sizeof *post->times);
    if (post->rep == NULL || post->pt == NULL || post->times == NULL) {
        (void)ATT_FAIL(err, ATT_ENOMEM, "out of memory");
        goto fail;
    }
    /* Every time any report needs, then sorted and made distinct. */
    nexpo = 0;
    for (i = 0; i < l->n; i++) {
        const att_report *rp = &l->reports[i];
        int32_t d;
        if (!used[i])
            continue;
        if (rp->kind == ATT_KIND_RATE) {
            post->times[nexpo++] = (double)rp->asof_end + 1.0;
            post->times[nexpo++] = (double)rp->asof_start;
        } else
            for (d = rp->asof_start; d <= rp->asof_end; d++)
                post->times[nexpo++] = (double)d + 1.0;
    }
    qsort(post->times, nexpo, sizeof *post->times, post_double_cmp);
    for (i = 0; i < nexpo; i++)
        if (post->ntime == 0 || post->times[i] != post->times[post->ntime - 1])
            post->times[post->ntime++] = post->times[i];
    post->expo = att_mem_calloc(post->ntime * block + 1, sizeof *post->expo);
    post->expo_t = att_mem_calloc(post->ntime * block + 1, sizeof *post->expo_t);
    post->step = att_mem_calloc(post->ntime * post->narr + 1, sizeof *post->step);
    post->need = att_mem_calloc(post->ntime + 1, sizeof *post->need);
    if (post->expo == NULL || post->expo_t == NULL || post->step == NULL || post->need == NULL) {
        (void)ATT_FAIL(err, ATT_ENOMEM, "out of memory");
        goto fail;
    }
    post_fill_times(post);
    for (i = r = 0; i < l->n; i++) {
        const att_report *rp = &l->reports[i];
        post_report *q;
        int32_t d;
        size_t k;
        if (!used[i])
            continue;
        q = &post->rep[r++];
        q->ledger = i;
        q->kind = rp->kind;
        q->qual = rp->qualifier;
        q->ly = rp->qualifier == ATT_QUAL_RANGE ? 0.0 : att_log(rp->value);
        q->llo = rp->qualifier == ATT_QUAL_RANGE ? att_log(rp->low) : 0.0;
        q->lhi = rp->qualifier == ATT_QUAL_RANGE ? att_log(rp->high) : 0.0;
        q->bias = att_posterior_bias_index(post, rp->cls, att_kind_family(rp->kind));
        q->lwidth = att_log((double)rp->asof_end - (double)rp->asof_start + 1.0);
        q->first = post->npoint;
        if (rp->kind == ATT_KIND_RATE) {
            /* From 00:00 of a to 24:00 of b, no averaging (equation (5)). */
            post_point *pt = &post->pt[post->npoint++];
            pt->ti = post_time_index(post, (double)rp->asof_end + 1.0);
            pt->ti0 = post_time_index(post, (double)rp->asof_start);
            pt->mult = 1.0;
        } else
            for (d = rp->asof_start; d <= rp->asof_end; d++) {
                /* As of day d means 24:00 of d (equation (10)). */
                size_t ti = post_time_index(post, (double)d + 1.0);
                post_point *pt;
                if (post->npoint > q->first &&
                    post_same_quantity(post, rp->kind, post->pt[post->npoint - 1].ti, ti)) {
                    post->pt[post->npoint - 1].mult += 1.0;
                    continue;
                }
                pt = &post->pt[post->npoint++];
                pt->ti = ti;
                pt->ti0 = ATT_NONE;
                pt->mult = 1.0;
            }
        q->npoint = post->npoint - q->first;
        q->ndays = rp->kind == ATT_KIND_RATE ? 1.0 : (double)(rp->asof_end - rp->asof_start + 1);
        q->lnpoint = att_log(q->ndays);
        /* A point figure of an estimated bias sets that bias's level in the
         * sampling coordinates, from its days where m > 0 whatever theta
         * (those with m = 0 can only come first: C and D never fall to 0). */
        for (q->lfirst = 0; q->lfirst < q->npoint; q->lfirst++)
            if (post_positive(post, q, &post->pt[q->first + q->lfirst]))
                break;
        q->pooled = (q->qual == ATT_QUAL_APPROX || q->qual == ATT_QUAL_RANGE) &&
                    q->bias != ATT_NONE && q->lfirst < q->npoint;
        q->lcentre = q->qual == ATT_QUAL_RANGE ? 0.5 * (q->llo + q->lhi) : q->ly;
        q->lspread = q->qual == ATT_QUAL_RANGE ? (q->lhi - q->llo) * (q->lhi - q->llo) / 12.0 : 0.0;
        for (q->nlevel = 0.0, k = q->lfirst; k < q->npoint; k++)
            q->nlevel += post->pt[q->first + k].mult;
        if (q->npoint > post->maxpoint)
            post->maxpoint = q->npoint;
    }
    if (post_compact_times(post, err) != ATT_OK)
        goto fail;
    att_mem_free(used);
    return post;
fail:
    att_mem_free(used);
    att_posterior_free(post);
    return NULL;
}

att_status
att_posterior_check_simd(att_error *err)
{
    att_simd s;

    return att_simd_choose(&s, err);
}

void
att_posterior_workspace_free(att_posterior_workspace *w)
{
    if (w == NULL)
        return;
    att_mem_free(w->ell);
    att_mem_free(w->gm);
    att_mem_free(w->gs);
    att_mem_free(w->hazard);
    att_mem_free(w->count);
    att_mem_free(w->dndu);
    att_mem_free(w->gprior);
    att_mem_free(w->tC);
    att_mem_free(w->tN);
    att_mem_free(w->tD);
    att_mem_free(w->lC);
    att_mem_free(w->lN);
    att_mem_free(w->lD);
    att_mem_free(w->aC);
    att_mem_free(w->aN);
    att_mem_free(w->aD);
    att_mem_free(w->lm);
    att_mem_free(w->bC);
    att_mem_free(w->bN);
    att_mem_free(w->bD);
    att_mem_free(w->surv);
    att_mem_free(w->lost);
    att_mem_free(w->q);
    att_mem_free(w->omq);
    att_mem_free(w->hacc);
    att_mem_free(w->fbuf);
    att_mem_free(w->theta);
    att_mem_free(w->lam);
    att_mem_free(w->msum);
    att_mem_free(w->sqv);
    att_mem_free(w->lev_a);
    att_mem_free(w->lev_p);
    att_mem_free(w->lgs);
    att_mem_free(w->rsum);
    att_mem_free(w->blog);
    att_mem_free(w->lgl);
    att_mem_free(w->lgm);
    att_mem_free(w);
}

att_posterior_workspace *
att_posterior_workspace_alloc(const att_posterior *post, att_error *err)
{
    att_posterior_workspace *w = att_mem_calloc(1, sizeof *w);
    size_t mp = post->maxpoint ? post->maxpoint : 1;

    if (w == NULL)
        goto fail;
    if (att_simd_choose(&w->simd, err) != ATT_OK) {
        att_posterior_workspace_free(w);
        return NULL;
    }
    w->ell = att_mem_calloc(mp, sizeof *w->ell);
    w->gm = att_mem_calloc(mp, sizeof *w->gm);
    w->gs = att_mem_calloc(mp, sizeof *w->gs);
    w->hazard = att_mem_calloc(post->nphase, sizeof *w->hazard);
    w->count = att_mem_calloc(post->narr + 1, sizeof *w->count);
    w->dndu = att_mem_calloc(post->narr + 1, sizeof *w->dndu);
    w->gprior = att_mem_calloc(post->dim + 1, sizeof *w->gprior);
    w->tC = att_mem_calloc(post->ntime + 1, sizeof *w->tC);
    w->tN = att_mem_calloc(post->ntime + 1, sizeof *w->tN);
    w->tD = att_mem_calloc(post->ntime + 1, sizeof *w->tD);
    w->lC = att_mem_calloc(post->ntime + 1, sizeof *w->lC);
    w->lN = att_mem_calloc(post->ntime + 1, sizeof *w->lN);
    w->lD = att_mem_calloc(post->ntime + 1, sizeof *w->lD);
    w->aC = att_mem_calloc(post->ntime + 1, sizeof *w->aC);
    w->aN = att_mem_calloc(post->ntime + 1, sizeof *w->aN);
    w->aD = att_mem_calloc(post->ntime + 1, sizeof *w->aD);
    w->lm = att_mem_calloc(post->npoint + 1, sizeof *w->lm);
    w->bC = att_mem_calloc(post->ntime + 1, sizeof *w->bC);
    w->bN = att_mem_calloc(post->ntime + 1, sizeof *w->bN);
    w->bD = att_mem_calloc(post->ntime + 1, sizeof *w->bD);
    w->surv = att_mem_calloc(post->ntime * post->narr + 1, sizeof *w->surv);
    w->lost = att_mem_calloc(post->ntime * post->narr + 1, sizeof *w->lost);
    w->q = att_mem_calloc(post->nphase + 1, sizeof *w->q);
    w->omq = att_mem_calloc(post->nphase + 1, sizeof *w->omq);
    w->hacc = att_mem_calloc(post->narr * post->nphase + 1, sizeof *w->hacc);
    w->fbuf = att_mem_calloc(post->ntime + 1, sizeof *w->fbuf);
    w->theta = att_mem_calloc(post->dim + 1, sizeof *w->theta);
    w->lam = att_mem_calloc(post->dim + 1, sizeof *w->lam);
    w->msum = att_mem_calloc(post->dim + 1, sizeof *w->msum);
    w->sqv = att_mem_calloc(post->dim + 1, sizeof *w->sqv);
    w->lev_a = att_mem_calloc(post->nrep + 1, sizeof *w->lev_a);
    w->lev_p = att_mem_calloc(post->nrep + 1, sizeof *w->lev_p);
    w->lgs = att_mem_calloc(post->dim + 1, sizeof *w->lgs);
    w->rsum = att_mem_calloc(post->nrep + 1, sizeof *w->rsum);
    w->blog = att_mem_calloc(post->dim + 1, sizeof *w->blog);
    w->lgl = att_mem_calloc(post->dim + 1, sizeof *w->lgl);
    w->lgm = att_mem_calloc(post->dim + 1, sizeof *w->lgm);
    if (w->lgs && w->lgl && w->lgm && w->rsum && w->blog && w->ell && w->gm && w->gs && w->hazard &&
        w->count && w->dndu && w->gprior && w->tC && w->tN && w->tD && w->lC && w->lN && w->lD &&
        w->aC && w->aN && w->aD && w->lm && w->bC && w->bN && w->bD && w->surv && w->lost && w->q &&
        w->omq && w->hacc && w->fbuf && w->theta && w->lam && w->msum && w->sqv && w->lev_a &&
        w->lev_p)
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
    return u >= 0.0 ? 1.0 / (1.0 + att_exp(-u)) : att_exp(u) / (1.0 + att_exp(u));
}

/* s = inv_logit(u), the same bits as post_inv_logit, with log s and
 * log(1 - s) into *out_ls and *out_l1s, from one exp and one log1p and
 * without overflow. */
static double
post_logistic(double u, double *out_ls, double *out_l1s)
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
            count[k] = a->low + (a->high - a->low) * post_inv_logit(theta[i]);
        else
            count[k] = att_exp(theta[i]);
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
        /* Only an arrival's index points into arrivals. */
        const att_arrival *a = in->kind == ATT_PAR_ARRIVAL ? &p->arrivals[in->index] : NULL;
        switch (in->kind) {
        case ATT_PAR_HAZARD:
        case ATT_PAR_SIGMA:
            out[i] = att_exp(theta[i]);
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
                         : att_exp(theta[i]);
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
        }
    }
}

/* ---- priors (equation (11)) ----------------------------------------------------- */

/* The normal prior of parameter i at x, its mean and log sd computed
 * once in post_layout. */
static double
post_normal_lpdf(const att_posterior *post, size_t i, double x, double *dx)
{
    double sd = post->info[i].prior_sd, z = (x - post->pmu[i]) / sd;

    *dx = -z / sd;
    return -0.5 * z * z - post->plsd[i] - POST_LOG_SQRT_2PI;
}

static double
post_log_prior(const att_posterior *post,
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
            lp += post_normal_lpdf(post, i, u, &d);
            grad[i] += d;
            break;
        case ATT_PAR_KAPPA: {
            /* Beta(a, b) density of kappa times the Jacobian kappa (1 - kappa). */
            double a = p->kappa_a, b = p->kappa_b, k = w->lgs[i];
            lp += a * w->lgl[i] + b * w->lgm[i] - post->kappa_lnbeta;
            grad[i] += a * (1.0 - k) - b * k;
            break;
        }
        case ATT_PAR_SIGMA: /* log sigma ~ N(log sigma_median, sigma_log_sd^2) */
        case ATT_PAR_BIAS:
            lp += post_normal_lpdf(post, i, u, &d);
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
                lp += post_normal_lpdf(post, i, u, &d);
                grad[i] += d;
            }
            break;
        }
        }
    }
    return lp;
}

/* ---- the likelihood --------------------------------------------------------------- */

/* Below this cumulative hazard survival exceeds 0.99 (-log 0.99). */
#define POST_NEAR_ONE 0.010050335853501441

/* C, N and D at every distinct time, and the logs the reports read
 * (log C, log N at every time, over arrays; log D once per value)
 * (equations (1)-(4)).  Survivals advance by exp(-h_k) per day where a
 * cohort stays in one phase, and are computed afresh otherwise; the
 * gradient is taken afterwards, in post_adjoint, from these. */
static void
post_eval_times(const att_posterior *post, att_posterior_workspace *w)
{
    size_t i, j, k, np = post->nphase, na = post->narr;
    double lastD = -1.0, lastlD = 0.0;
    const double *q = w->q, *omq = w->omq, *count = w->count;

    for (k = 0; k < np; k++) {
        w->omq[k] = w->hazard[k] == 0.0 ? 0.0 : -att_expm1(-w->hazard[k]);
        w->q[k] = 1.0 - w->omq[k]; /* exp(-h) to half an ulp, without an exp */
    }
    for (i = 0; i < post->ntime; i++) {
        double C = 0.0, N = 0.0, D = 0.0;
        double *e = w->surv + i * na, *c = w->lost + i * na;
        for (j = 0; j < na; j++) {
            const double *L = post->expo + (i * na + j) * np;
            int step = post->step[i * na + j];
            double nj = count[j], H = 0.0, ej, cj;
            if (step == POST_STEP_ABSENT) {
                e[j] = 1.0;
                c[j] = 0.0;
                continue;
            }
            if (step >= 0) {
                /* One day in one phase: e' = e q and 1 - e' = (1 - e) + e (1 - q),
                 * a sum of positive terms that keeps its digits near e = 1. */
                double ep = e[j - na];
                ej = ep * q[step];
                cj = c[j - na] + ep * omq[step];
            } else {
                for (k = 0; k < np; k++)
                    H += w->hazard[k] * L[k];
                /* Where survival is still near 1 (e > 0.99), 1 - e would
                 * lose digits: both from expm1 of the cumulative hazard. */
                if (H < POST_NEAR_ONE) {
                    cj = -att_expm1(-H);
                    ej = 1.0 - cj;
                } else {
                    ej = att_exp(-H);
                    cj = 1.0 - ej;
                }
            }
            /* In locals: e and c could overlap for all the compiler knows,
             * and it would read e[j] back after storing c[j]. */
            e[j] = ej;
            c[j] = cj;
            N += nj * ej;
            C += nj * cj;
            D += nj;
        }
        w->tC[i] = C;
        w->tN[i] = N;
        w->tD[i] = D;
        if (post->need[i] & POST_NEED_D) {
            /* D moves only at arrivals: one log per value. */
            if (D != lastD) {
                lastD = D;
                lastlD = D > 0.0 ? att_log(D) : -HUGE_VAL;
            }
            w->lD[i] = lastlD;
        }
    }
    /* log C and log N at every time at once (log 0 = -inf: m = 0). */
    if (post->need_all & POST_NEED_C)
        att_vlog(w->simd, post->ntime, w->tC, w->lC);
    if (post->need_all & POST_NEED_N)
        att_vlog(w->simd, post->ntime, w->tN, w->lN);
}

/* log m at each of q's points into out (equation (5)); -HUGE_VAL where
 * m = 0. */
static void
post_log_m_all(const att_posterior *post,
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

/* The forward pass: C, N, D at every time, then log m at every point of
 * every report, which the likelihood, the sampling coordinates and their
 * gradient all read. */
static void
post_forward(const att_posterior *post, att_posterior_workspace *w)
{
    size_t r;

    post_eval_times(post, w);
    for (r = 0; r < post->nrep; r++)
        post_log_m_all(post, w, &post->rep[r], w->lm + post->rep[r].first);
}

/* Adds g[d] = d log p / d log m at each of q's points to the per-time
 * sums of d log p / d log C, N, D, or for a rate to those of d log p / d C
 * (and to kappa's gradient); returns the sum of g, the bias's share.  The
 * log-scale sums are divided by C, N, D once per time, in
 * post_close_sums, rather than once per point. */
static double
post_push_all(const att_posterior *post,
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

/* The log-scale sums into aC, aN, aD: d log p / d C = (d log p / d log C)
 * / C.  A sum is nonzero only where its quantity is positive, and only
 * the quantities whose logs some report reads have one. */
static void
post_close_sums(const att_posterior *post, att_posterior_workspace *w)
{
    static const unsigned bit[3] = {POST_NEED_C, POST_NEED_N, POST_NEED_D};
    double *a[3], *bs[3];
    const double *t[3];
    size_t i, k;

    a[0] = w->aC, a[1] = w->aN, a[2] = w->aD;
    bs[0] = w->bC, bs[1] = w->bN, bs[2] = w->bD;
    t[0] = w->tC, t[1] = w->tN, t[2] = w->tD;
    for (k = 0; k < 3; k++)
        if (post->need_all & bit[k])
            for (i = 0; i < post->ntime; i++)
                if (bs[k][i] != 0.0)
                    a[k][i] += bs[k][i] / t[k][i];
}

/* The end of every report's gradient: g[d] = d ell / d log m at each
 * point to the per-time sums and to the bias (whose derivative is the
 * same), gsig to sigma's. */
static void
post_report_gradient(const att_posterior *post,
                     att_posterior_workspace *w,
                     const post_report *q,
                     double kappa,
                     const double *g,
                     double gsig,
                     double *grad)
{
    double gb = post_push_all(post, w, q, kappa, g);

    if (q->bias != ATT_NONE)
        grad[q->bias] += gb;
    w->g_sigma += gsig;
}

/* The end of the gradient, once every report has pushed its share: the
 * per-time sums closed (post_close_sums), then the gradient with respect
 * to log h and the arrival coordinates from them: dC/dlog h_k = sum_j n_j
 * e_j h_k L_jk = -dN/dlog h_k, dC/dn_j = 1 - e_j, dN/dn_j = e_j, dD/dn_j
 * = 1 (equations (1)-(4)); and kappa's and sigma's shares. */
static void
post_adjoint(const att_posterior *post, att_posterior_workspace *w, double *grad)
{
    size_t i, j, k, nt = post->ntime, np = post->nphase, na = post->narr;
    const double *aC = w->aC, *aN = w->aN, *aD = w->aD;
    double *f = w->fbuf;

    post_close_sums(post, w);
    /* Per cohort j: f_t = (aC - aN) e_j at each time (0 before it
     * arrives), then per phase sum_t f_t L_jk(t) (n_j and h_k factor out
     * of every time) in four running sums, so that no sum waits on the one
     * before it; and for the count, sum_t aC c_j + aN e_j + aD. */
    for (j = 0; j < na; j++) {
        double sa = 0.0;
        for (i = 0; i < nt; i++) {
            double e = w->surv[i * na + j];
            if (post->step[i * na + j] == POST_STEP_ABSENT) {
                f[i] = 0.0;
                continue;
            }
            f[i] = (aC[i] - aN[i]) * e;
            sa += aC[i] * w->lost[i * na + j] + aN[i] * e + aD[i];
        }
        if (post->arr_par[j] != ATT_NONE)
            grad[post->arr_par[j]] += sa * w->dndu[j];
        for (k = 0; k < np; k++) {
            const double *L = post->expo_t + (j * np + k) * nt;
            double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
            if (post->phase_par[k] == ATT_NONE)
                continue;
            for (i = 0; i + 4 <= nt; i += 4) {
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
    grad[post->i_sigma] += w->g_sigma;
}

/* One point's log-likelihood given log m (equations (7)-(9)), isig =
 * 1 / sigma; *gm and *gs get its derivatives with respect to log m (equal
 * to those with respect to the bias) and log sigma. */
static double
post_point_loglik(
    const post_report *q, double lm, double b, double isig, double lsigma, double *gm, double *gs)
{
    double z, za, zb, da, db, d, r;

    *gm = *gs = 0.0;
    if (lm == -HUGE_VAL) /* m = 0: only "up to" can still be true */
        return q->qual == ATT_QUAL_UP_TO ? 0.0 : -HUGE_VAL;
    switch (q->qual) {
    case ATT_QUAL_APPROX:
        z = (q->ly - lm - b) * isig;
        *gm = z * isig;
        *gs = z * z - 1.0;
        return -0.5 * z * z - lsigma - POST_LOG_SQRT_2PI;
    case ATT_QUAL_AT_LEAST: /* P(Y >= y) = Q(z) = Phi(-z) */
        z = (q->ly - lm - b) * isig;
        r = att_log_ndtr_d(-z, &d);
        *gm = d * isig;
        *gs = d * z;
        return r;
    case ATT_QUAL_UP_TO: /* P(Y <= y) = Phi(z) */
        z = (q->ly - lm - b) * isig;
        r = att_log_ndtr_d(z, &d);
        *gm = -d * isig;
        *gs = -d * z;
        return r;
    default: /* range: Phi(z_hi) - Phi(z_lo) */
        za = (q->llo - lm - b) * isig;
        zb = (q->lhi - lm - b) * isig;
        r = att_log_ndtr_diff(za, zb, &da, &db);
        *gm = -(da + db) * isig;
        *gs = -(da * za + db * zb);
        return r;
    }
}

/* Below this z a one-sided probability may leave the range where the tail
 * Q keeps its relative accuracy; a window with such a day is averaged on
 * the log scale instead. */
#define POST_LINEAR_FLOOR (-30.0)
#define POST_LOG_HALF     (-0.69314718055994530942) /* log(1/2) */

/* A windowed one-sided report's log-likelihood (equations (8) and (10))
 * on the probability scale, which takes one normal tail (with its density)
 * per day where the log scale takes four transcendentals: the mean of
 * P_d = Phi(s z_d) (s = +1 for up_to, -1 for at_least) is summed twice, as
 * sum P_d and as sum (1 - P_d) with each complement from its own tail, and
 * the log
 * comes from whichever sum keeps its digits.  With grad, the gradient
 * goes where post_report_loglik sends it.  false, with nothing added,
 * where some day is too far in the tail or every day's likelihood is 0
 * (the log scale handles those). */
static bool
post_window_one_sided(const att_posterior *post,
                      att_posterior_workspace *w,
                      const post_report *q,
                      double b,
                      double kappa,
                      double *grad,
                      double *out,
                      double *out_s)
{
    double s = q->qual == ATT_QUAL_UP_TO ? 1.0 : -1.0, sp = 0.0, sq = 0.0, n, gsig = 0.0, isp;
    const double *lm = w->lm + q->first;
    double *x = w->ell, *t = w->gm;
    size_t d;

    for (d = 0; d < q->npoint; d++) {
        /* m = 0: "up to" holds for sure, "at least" cannot. */
        x[d] = lm[d] == -HUGE_VAL ? s * HUGE_VAL : s * (q->ly - lm[d] - b) * w->isigma;
        if (x[d] < POST_LINEAR_FLOOR && x[d] != -HUGE_VAL)
            return false;
        t[d] = fabs(x[d]);
    }
    /* The smaller of P_d and 1 - P_d is Q(|x_d|) (0 at an infinite x_d),
     * the other its complement; phi(x_d), for the gradient, into gs. */
    att_vnormal_small_tail_pdf(w->simd, q->npoint, t, t, w->gs);
    for (d = 0; d < q->npoint; d++) {
        double mult = post->pt[q->first + d].mult, tail = t[d];
        sp += mult * (x[d] < 0.0 ? tail : 1.0 - tail);
        sq += mult * (x[d] < 0.0 ? 1.0 - tail : tail);
    }
    if (sp == 0.0)
        return false; /* a likelihood of 0: the log scale says so */
    n = q->ndays;
    /* log(sp / n), left to the caller's logs over arrays, or log1p(-sq / n) */
    *out = sp < sq ? 0.0 : att_log1p(-sq / n);
    *out_s = sp < sq ? sp / n : 1.0;
    if (grad == NULL)
        return true;
    isp = 1.0 / sp;
    /* d log mean P / d log m_d = -s phi(x_d) / (sigma sum P), and
     * d / d log sigma = -x_d phi(x_d) / sum P (z moves as -z). */
    for (d = 0; d < q->npoint; d++) {
        double phi = post->pt[q->first + d].mult * w->gs[d] * isp;
        if (isinf(x[d])) {
            w->gs[d] = 0.0; /* m = 0 whatever theta nearby */
            continue;
        }
        w->gs[d] = -s * phi * w->isigma;
        gsig -= x[d] * phi;
    }
    post_report_gradient(post, w, q, kappa, w->gs, gsig, grad);
    return true;
}

/* A windowed point figure's log-likelihood (equations (7) and (10)): the
 * loop of post_report_loglik with the normal density written out, since
 * these windows hold most of the ledger's days. */
static double
post_window_point(const att_posterior *post,
                  att_posterior_workspace *w,
                  const post_report *q,
                  double b,
                  double kappa,
                  double *grad,
                  double *out_s)
{
    const double *lm = w->lm + q->first;
    double mx = -HUGE_VAL, sum = 0.0, gsig = 0.0, *z = w->gm, *g = w->gs, ell;
    size_t d;

    for (d = 0; d < q->npoint; d++) {
        z[d] = (q->ly - lm[d] - b) * w->isigma;
        w->ell[d] = lm[d] == -HUGE_VAL ? -HUGE_VAL : -0.5 * z[d] * z[d];
        if (w->ell[d] > mx)
            mx = w->ell[d];
    }
    if (mx == -HUGE_VAL)
        return -HUGE_VAL;
    for (d = 0; d < q->npoint; d++)
        w->ell[d] -= mx;
    att_vexp(w->simd, q->npoint, w->ell, w->ell);
    for (d = 0; d < q->npoint; d++) {
        w->ell[d] *= post->pt[q->first + d].mult;
        sum += w->ell[d];
    }
    ell = mx - q->lnpoint - w->lsigma - POST_LOG_SQRT_2PI; /* + log(sum), the caller's */
    *out_s = sum;
    if (grad == NULL)
        return ell;
    sum = 1.0 / sum;
    for (d = 0; d < q->npoint; d++) {
        double wt = w->ell[d] * sum;
        g[d] = wt == 0.0 ? 0.0 : wt * z[d] * w->isigma;
        gsig += wt == 0.0 ? 0.0 : wt * (z[d] * z[d] - 1.0);
    }
    post_report_gradient(post, w, q, kappa, g, gsig, grad);
    return ell;
}

/* Report q's log-likelihood, the log of the mean of its points'
 * likelihoods (equation (10)), is the value returned plus log(*out_s): the
 * caller takes the logs of every report's *out_s at once, over an array
 * (1 where there is none to take).  With grad, its gradient goes to the
 * per-time sums (post_push_all) and to sigma, kappa and the bias. */
static double
post_report_loglik(const att_posterior *post,
                   att_posterior_workspace *w,
                   const post_report *q,
                   const double *theta,
                   double kappa,
                   double *grad,
                   double *out_s)
{
    size_t d;
    double b = q->bias == ATT_NONE ? 0.0 : theta[q->bias], mx = -HUGE_VAL, sum = 0.0, ell;
    double gsig = 0.0;

    *out_s = 1.0;
    if (q->npoint > 1 && (q->qual == ATT_QUAL_UP_TO || q->qual == ATT_QUAL_AT_LEAST) &&
        post_window_one_sided(post, w, q, b, kappa, grad, &ell, out_s))
        return ell;
    if (q->npoint > 1 && q->qual == ATT_QUAL_APPROX)
        return post_window_point(post, w, q, b, kappa, grad, out_s);
    for (d = 0; d < q->npoint; d++) {
        w->ell[d] = post_point_loglik(q, w->lm[q->first + d], b, w->isigma, w->lsigma, &w->gm[d],
                                      &w->gs[d]);
        if (w->ell[d] > mx)
            mx = w->ell[d];
    }
    if (mx == -HUGE_VAL)
        return -HUGE_VAL;
    if (q->npoint == 1) {
        ell = w->ell[0];
        w->ell[0] = 1.0; /* the weight */
    } else {
        /* A censored window here (point windows have their own path).
         * Near certainty (its days all but hold) the mean of the
         * probabilities is 1 + mean(expm1(l_d)), which keeps the digits
         * that 1 - tiny rounds away. */
        double near = 0.0;
        bool certain = mx > POST_LOG_HALF;
        for (d = 0; d < q->npoint && certain; d++)
            near += post->pt[q->first + d].mult * att_expm1(w->ell[d]);
        for (d = 0; d < q->npoint; d++) {
            w->ell[d] = post->pt[q->first + d].mult * att_exp(w->ell[d] - mx);
            sum += w->ell[d];
        }
        ell = mx - q->lnpoint; /* + log(sum), the caller's */
        *out_s = sum;
        if (certain && near / q->ndays > -0.5) {
            ell = att_log1p(near / q->ndays);
            *out_s = 1.0;
        }
        sum = 1.0 / sum;
        for (d = 0; d < q->npoint; d++)
            w->ell[d] *= sum;
    }
    if (grad == NULL)
        return ell;
    for (d = 0; d < q->npoint; d++) {
        double wt = w->ell[d];
        w->gm[d] = wt == 0.0 ? 0.0 : wt * w->gm[d];
        gsig += wt == 0.0 ? 0.0 : wt * w->gs[d];
    }
    post_report_gradient(post, w, q, kappa, w->gm, gsig, grad);
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

    for (k = 0; k < post->nphase; k++)
        w->hazard[k] = post->phase_par[k] == ATT_NONE ? p->phases[k].hazard
                                                      : att_exp(theta[post->phase_par[k]]);
    *sigma = att_exp(theta[post->i_sigma]);
    w->lsigma = theta[post->i_sigma];
    w->isigma = 1.0 / *sigma;
    /* The model values of att_posterior_model_values, the logistic ones
     * with their logs for the prior and the likelihood. */
    k = post->i_kappa;
    *kappa = w->lgs[k] = post_logistic(theta[k], &w->lgl[k], &w->lgm[k]);
    w->lkappa = w->lgl[k];
    w->lwounded = w->lgm[k];
    for (k = 0; k < post->narr; k++) {
        const att_arrival *a = &p->arrivals[k];
        size_t i = post->arr_par[k];
        double s;
        if (i == ATT_NONE) {
            w->count[k] = a->count;
            w->dndu[k] = 0.0;
        } else if (a->prior == ATT_COUNT_UNIFORM) {
            s = w->lgs[i] = post_logistic(theta[i], &w->lgl[i], &w->lgm[i]);
            w->count[k] = a->low + (a->high - a->low) * s;
            w->dndu[k] = (a->high - a->low) * s * (1.0 - s);
        } else
            w->dndu[k] = w->count[k] = att_exp(theta[i]);
    }
}

/* Prior and likelihood at theta, whose model values are in w (equation
 * (13)).  With grad, the gradient goes to grad, except the part that
 * passes through C, N, D, kappa and sigma, which is left in the per-time
 * sums and in w->g_kappa, w->g_sigma for the caller to finish.  g gets the
 * prior's gradient when grad is NULL. */
static double
post_terms(const att_posterior *post,
           att_posterior_workspace *w,
           const double *theta,
           double kappa,
           double *grad,
           double *g)
{
    double lp = post_log_prior(post, w, theta, g);
    size_t r;

    if (grad != NULL) {
        memset(w->aC, 0, post->ntime * sizeof *w->aC);
        memset(w->aN, 0, post->ntime * sizeof *w->aN);
        memset(w->aD, 0, post->ntime * sizeof *w->aD);
        memset(w->bC, 0, post->ntime * sizeof *w->bC);
        memset(w->bN, 0, post->ntime * sizeof *w->bN);
        memset(w->bD, 0, post->ntime * sizeof *w->bD);
        w->g_kappa = w->g_sigma = 0.0;
    }
    for (r = 0; r < post->nrep; r++) {
        double ell = post_report_loglik(post, w, &post->rep[r], theta, kappa, grad, &w->rsum[r]);
        if (ell == -HUGE_VAL)
            return -HUGE_VAL;
        lp += ell;
    }
    att_vlog(w->simd, post->nrep, w->rsum, w->rsum);
    for (r = 0; r < post->nrep; r++)
        lp += w->rsum[r]; /* -inf where a report's likelihood is 0 */
    return lp;
}

static bool
post_all_finite(const double *x, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return false;
    return true;
}

double
att_posterior_logp(const att_posterior *post,
                   att_posterior_workspace *w,
                   const double *theta,
                   double *grad)
{
    double kappa, sigma, lp;
    double *g = grad != NULL ? grad : w->gprior; /* the prior always writes a gradient */

    memset(g, 0, post->dim * sizeof *g);
    if (!post_all_finite(theta, post->dim))
        goto minus_infinity;
    post_prepare(post, w, theta, &kappa, &sigma);
    post_forward(post, w);
    lp = post_terms(post, w, theta, kappa, grad, g);
    if (lp == -HUGE_VAL)
        goto minus_infinity;
    if (grad != NULL) {
        post_adjoint(post, w, grad);
    }
    if (!isfinite(lp))
        goto minus_infinity;
    return lp;
minus_infinity:
    memset(g, 0, post->dim * sizeof *g);
    return -HUGE_VAL;
}

/* ---- the sampling coordinates (see the top of this file) ------------------- */

/* Lambda_s, M_s and sqrt(v_s) of every estimated bias, and a_i, p_i of
 * every pooled report, from the model values in w.  false where some
 * pooled log m is not finite (an underflow far out in the tails), where
 * the sampling coordinates are not defined. */
static bool
post_level(const att_posterior *post, att_posterior_workspace *w, double sigma)
{
    double s2 = sigma * sigma;
    size_t i, r, d;

    for (i = 0; i < post->dim; i++)
        if (post->info[i].kind == ATT_PAR_BIAS) {
            double tau = post->info[i].prior_sd;
            w->lam[i] = 1.0 / (tau * tau);
            w->msum[i] = 0.0;
        }
    for (r = 0; r < post->nrep; r++) {
        const post_report *q = &post->rep[r];
        const double *lm = w->lm + q->first;
        double n = q->nlevel, a = 0.0, v = 0.0;
        if (!q->pooled)
            continue;
        /* The mean and variance of log m over the window's days: a windowed
         * figure pins b only to within the spread of log m (equation (10)). */
        for (d = q->lfirst; d < q->npoint; d++) {
            if (!isfinite(lm[d]))
                return false;
            a += post->pt[q->first + d].mult * lm[d];
        }
        a /= n;
        for (d = q->lfirst; d < q->npoint; d++) {
            double e = lm[d] - a;
            v += post->pt[q->first + d].mult * e * e;
        }
        w->lev_a[r] = a;
        w->lev_p[r] = 1.0 / (s2 + v / n + q->lspread);
        w->lam[q->bias] += w->lev_p[r];
        w->msum[q->bias] += w->lev_p[r] * (q->lcentre - a);
    }
    for (i = 0; i < post->dim; i++)
        if (post->info[i].kind == ATT_PAR_BIAS) {
            if (!isfinite(w->lam[i]) || !isfinite(w->msum[i]))
                return false;
            w->sqv[i] = 1.0 / sqrt(w->lam[i]);
        }
    return true;
}

/* theta from the sampling coordinates xi, given post_level. */
static void
post_level_to_theta(const att_posterior *post,
                    const att_posterior_workspace *w,
                    const double *xi,
                    double *theta)
{
    size_t i;

    for (i = 0; i < post->dim; i++)
        theta[i] =
            post->info[i].kind != ATT_PAR_BIAS ? xi[i] : w->msum[i] / w->lam[i] + w->sqv[i] * xi[i];
}

/* The chain rule from the gradient at theta (grad, with the per-time sums
 * and w->g_sigma still open) to the gradient at xi, log-Jacobian included:
 * b_s moves with a_i, p_i (through log m at the pooled points, which go to
 * the per-time sums by post_push_all) and with sigma. */
static void
post_level_chain(const att_posterior *post,
                 att_posterior_workspace *w,
                 const double *xi,
                 double kappa,
                 double sigma,
                 double *grad)
{
    size_t i, r, d;

    for (r = 0; r < post->nrep; r++) {
        const post_report *q = &post->rep[r];
        double gb, v, c, p, ap, ar, n;
        if (!q->pooled)
            continue;
        i = q->bias;
        gb = grad[i]; /* d log p / d b_s, prior and likelihood */
        v = 1.0 / w->lam[i];
        c = w->msum[i] + 0.5 * xi[i] / w->sqv[i];
        p = w->lev_p[r];
        n = q->nlevel;
        /* Coefficients of dp_i and da_i: db_s = dp_i (v r_i - v^2 c) -
         * v p_i da_i, and d(-log Lambda_s / 2) = -v dp_i / 2; then dp_i =
         * -p_i^2 (2 sigma^2 dlog sigma + d s_i^2). */
        ap = gb * (v * (q->lcentre - w->lev_a[r]) - v * v * c) - 0.5 * v;
        ar = gb * v * p;
        w->g_sigma -= ap * p * p * 2.0 * sigma * sigma;
        for (d = 0; d < q->npoint; d++)
            w->gs[d] = d < q->lfirst
                           ? 0.0
                           : post->pt[q->first + d].mult *
                                 (-ar - 2.0 * ap * p * p * (w->lm[q->first + d] - w->lev_a[r])) / n;
        (void)post_push_all(post, w, q, kappa, w->gs);
    }
    for (i = 0; i < post->dim; i++)
        if (post->info[i].kind == ATT_PAR_BIAS)
            grad[i] *= w->sqv[i];
}

double
att_posterior_logp_sampling(const att_posterior *post,
                            att_posterior_workspace *w,
                            const double *xi,
                            double *grad)
{
    double kappa, sigma, lp;
    double *g = grad != NULL ? grad : w->gprior;
    size_t i, nb;

    memset(g, 0, post->dim * sizeof *g);
    if (!post_all_finite(xi, post->dim))
        goto minus_infinity;
    post_prepare(post, w, xi, &kappa, &sigma); /* phi and sigma are shared with theta */
    post_forward(post, w);
    if (!post_level(post, w, sigma))
        goto minus_infinity;
    post_level_to_theta(post, w, xi, w->theta);
    lp = post_terms(post, w, w->theta, kappa, grad, g);
    if (lp == -HUGE_VAL)
        goto minus_infinity;
    for (i = nb = 0; i < post->dim; i++)
        if (post->info[i].kind == ATT_PAR_BIAS)
            w->blog[nb++] = w->lam[i];
    att_vlog(w->simd, nb, w->blog, w->blog);
    for (i = 0; i < nb; i++)
        lp -= 0.5 * w->blog[i]; /* log sqrt(v_s) */
    if (grad != NULL) {
        post_level_chain(post, w, xi, kappa, sigma, grad);
        post_adjoint(post, w, grad);
    }
    if (!isfinite(lp))
        goto minus_infinity;
    return lp;
minus_infinity:
    memset(g, 0, post->dim * sizeof *g);
    return -HUGE_VAL;
}

att_status
att_posterior_from_sampling(const att_posterior *post,
                            att_posterior_workspace *w,
                            const double *xi,
                            double *out_theta,
                            att_error *err)
{
    double kappa, sigma;

    if (!post_all_finite(xi, post->dim))
        return ATT_FAIL(err, ATT_ERANGE, "expected finite sampling coordinates");
    post_prepare(post, w, xi, &kappa, &sigma);
    post_forward(post, w);
    if (!post_level(post, w, sigma))
        return ATT_FAIL(err, ATT_ERANGE, "the biases' levels are not finite at this point");
    post_level_to_theta(post, w, xi, out_theta);
    return ATT_OK;
}

att_status
att_posterior_to_sampling(const att_posterior *post,
                          att_posterior_workspace *w,
                          const double *theta,
                          double *out_xi,
                          att_error *err)
{
    double kappa, sigma;
    size_t i;

    if (!post_all_finite(theta, post->dim))
        return ATT_FAIL(err, ATT_ERANGE, "expected finite coordinates");
    post_prepare(post, w, theta, &kappa, &sigma);
    post_forward(post, w);
    if (!post_level(post, w, sigma))
        return ATT_FAIL(err, ATT_ERANGE, "the biases' levels are not finite at this point");
    for (i = 0; i < post->dim; i++)
        out_xi[i] = post->info[i].kind != ATT_PAR_BIAS
                        ? theta[i]
                        : (theta[i] - w->msum[i] / w->lam[i]) / w->sqv[i];
    return ATT_OK;
}

double
att_posterior_report_loglik(const att_posterior *post,
                            att_posterior_workspace *w,
                            const double *theta,
                            size_t i)
{
    double kappa, sigma, ell, s;

    post_prepare(post, w, theta, &kappa, &sigma);
    post_forward(post, w);
    ell = post_report_loglik(post, w, &post->rep[i], theta, kappa, NULL, &s);
    ell += att_log(s);
    return isnan(ell) ? -HUGE_VAL : ell; /* C or N overflowed: as att_posterior_logp says */
}
