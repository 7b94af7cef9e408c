/* nuts.c -- the No-U-Turn sampler with a diagonal or a dense metric.
 *
 * Hoffman & Gelman (2014), JMLR 15, "The No-U-Turn Sampler", with the
 * refinements Stan uses (Betancourt 2017, "A Conceptual Introduction to
 * Hamiltonian Monte Carlo", arXiv:1701.02434): multinomial sampling of the
 * trajectory, biased progressive sampling between subtrees, the
 * generalised no-U-turn criterion on momentum sums, checked also across
 * the seams of merged subtrees; dual-averaging step-size adaptation and
 * Stan's windowed estimation of the metric (75 / 25 doubling / 50
 * iterations), diagonal, dense (Stan's dense_e: the window's covariance,
 * regularised the same way), or chosen at each window's end by the
 * correlations it found (docs/model.md, section 5.7).  The structure follows Stan's base_nuts and
 * windowed_adaptation so that results are comparable (docs/model.md, (15)).
 * Two departures, both by the caller's choice: a first metric from the
 * mode's curvature where the unit metric would not suit (laplace.h), the
 * windows then regularised toward it (section 5.7, (15d)), and a warm
 * start's metric kept through a warm-up that adapts the step size alone
 * (section 5.8).
 *
 * Contents: the phase point; leapfrog; tree building; adaptation; the chain.
 */
#include "nuts.h"

#include <math.h>
#include <string.h>

#include "emath.h"
#include "variates.h"

#define NUTS_MAX_DELTA_H 1000.0 /* energy error that marks a divergence (Stan's) */
#define NUTS_DA_GAMMA    0.05   /* dual averaging (Hoffman & Gelman 2014, sec. 3.2) */
#define NUTS_DA_KAPPA    0.75
#define NUTS_DA_T0       10.0
#define NUTS_INIT_BUFFER 75 /* Stan's windowed adaptation */
#define NUTS_TERM_BUFFER 50
#define NUTS_BASE_WINDOW 25
#define NUTS_MAX_TREE    16 /* hard cap on max_depth: 65,536 leapfrogs per draw */
/* NUTS_METRIC_AUTO: a window whose largest |correlation| between two
 * coordinates reaches this makes the metric dense (a diagonal metric
 * cannot follow such a ridge: the step size shrinks to its width). */
#define NUTS_DENSE_CORR 0.9
/* ... and only up to this many coordinates (the dense metric costs n^2 a
 * leapfrog step, against a gradient that grows with the ledger). */
#define NUTS_DENSE_MAX_DIM 200
/* The unit metric suits a posterior whose scales lie within this factor
 * of 1 (its first iterations' trees stay short); beyond, the warm-up
 * starts from the mode's curvature (laplace.h). */
#define NUTS_UNIT_SUITS 10.0
/* A warm-up from the mode's curvature regularises each window's estimate
 * toward that covariance, counted as this many draws, where Stan's
 * regularises toward 1e-3 I with the weight of 5: on posteriors of scales
 * 0.01 and below 1e-3 is no small number, and a window of 25 or 50 draws
 * estimates 15 coordinates' covariance worse than the mode's curvature
 * does (docs/model.md, section 5.7). */
#define NUTS_PRIOR_DRAWS 50.0

/* A point in phase space. */
typedef struct {
    double *q, *p, *g; /* position, momentum, gradient of log p at q */
    double logp;
} nuts_point;

typedef struct {
    const nuts_target *target;
    size_t n;
    double eps;
    double *inv_metric; /* the diagonal metric's inverse (n) */
    bool dense;         /* the metric is minv (n x n) instead */
    double *minv;       /* the dense inverse metric, row-major */
    double *chol;       /* its lower Cholesky factor L, minv = L L^T */
    double *vel;        /* scratch: a velocity minv p */
    gsl_rng *rng;
    bool divergent;
    size_t n_leapfrog;
    double sum_metro;
    /* per-depth scratch for the recursion: the final subtree's proposal
     * and the momenta, sharp momenta and sums at the seams */
    nuts_point prop_final[NUTS_MAX_TREE + 1];
    double *p_init_end[NUTS_MAX_TREE + 1], *ps_init_end[NUTS_MAX_TREE + 1];
    double *rho_init[NUTS_MAX_TREE + 1], *p_final_beg[NUTS_MAX_TREE + 1];
    double *ps_final_beg[NUTS_MAX_TREE + 1], *rho_final[NUTS_MAX_TREE + 1];
    double *rho_ext;
} nuts_ctx;

static void
nuts_copy(const nuts_ctx *c, nuts_point *dst, const nuts_point *src)
{
    memcpy(dst->q, src->q, c->n * sizeof *dst->q);
    memcpy(dst->p, src->p, c->n * sizeof *dst->p);
    memcpy(dst->g, src->g, c->n * sizeof *dst->g);
    dst->logp = src->logp;
}

/* The velocity minv p ("sharp" momentum) into out. */
static void
nuts_sharp(const nuts_ctx *c, const double *p, double *out)
{
    size_t i, j, n = c->n;

    if (!c->dense) {
        for (i = 0; i < n; i++)
            out[i] = c->inv_metric[i] * p[i];
        return;
    }
    for (i = 0; i < n; i++) {
        const double *row = c->minv + i * n;
        double s = 0.0;
        for (j = 0; j < n; j++)
            s += row[j] * p[j];
        out[i] = s;
    }
}

static double
nuts_hamiltonian(const nuts_ctx *c, const nuts_point *z)
{
    double k = 0.0;
    size_t i;

    if (!c->dense)
        for (i = 0; i < c->n; i++)
            k += c->inv_metric[i] * z->p[i] * z->p[i];
    else {
        nuts_sharp(c, z->p, c->vel);
        for (i = 0; i < c->n; i++)
            k += z->p[i] * c->vel[i];
    }
    return -z->logp + 0.5 * k;
}

/* The velocity of z's momentum right after nuts_hamiltonian(c, z), which
 * left it in c->vel when the metric is dense: the same bits, one product
 * fewer. */
static void
nuts_sharp_after_h(const nuts_ctx *c, const double *p, double *out)
{
    if (c->dense)
        memcpy(out, c->vel, c->n * sizeof *out);
    else
        nuts_sharp(c, p, out);
}

/* p ~ N(0, M), M = minv^-1: with minv = L L^T, p = L^-T u for u ~ N(0, I)
 * (a back substitution; as many normal variates as the diagonal draws). */
static void
nuts_sample_momentum(nuts_ctx *c, nuts_point *z)
{
    size_t i, k, n = c->n;

    if (!c->dense) {
        for (i = 0; i < n; i++)
            z->p[i] = att_ran_normal(c->rng) / sqrt(c->inv_metric[i]);
        return;
    }
    for (i = 0; i < n; i++)
        z->p[i] = att_ran_normal(c->rng);
    for (i = n; i-- > 0;) {
        double s = z->p[i];
        for (k = i + 1; k < n; k++)
            s -= c->chol[k * n + i] * z->p[k];
        z->p[i] = s / c->chol[i * n + i];
    }
}

static void
nuts_leapfrog(nuts_ctx *c, nuts_point *z, double eps)
{
    size_t i;

    for (i = 0; i < c->n; i++)
        z->p[i] += 0.5 * eps * z->g[i];
    if (!c->dense)
        for (i = 0; i < c->n; i++)
            z->q[i] += eps * c->inv_metric[i] * z->p[i];
    else {
        nuts_sharp(c, z->p, c->vel);
        for (i = 0; i < c->n; i++)
            z->q[i] += eps * c->vel[i];
    }
    z->logp = c->target->logp(c->target->ctx, z->q, z->g);
    for (i = 0; i < c->n; i++)
        z->p[i] += 0.5 * eps * z->g[i];
}

static double
nuts_log_sum_exp(double a, double b)
{
    if (a == -HUGE_VAL)
        return b;
    if (b == -HUGE_VAL)
        return a;
    return a > b ? a + att_log1p(att_exp(b - a)) : b + att_log1p(att_exp(a - b));
}

static bool
nuts_criterion(const nuts_ctx *c, const double *ps_minus, const double *ps_plus, const double *rho)
{
    double a = 0.0, b = 0.0;
    size_t i;

    for (i = 0; i < c->n; i++) {
        a += ps_plus[i] * rho[i];
        b += ps_minus[i] * rho[i];
    }
    return a > 0.0 && b > 0.0;
}

static void
nuts_add(const nuts_ctx *c, double *dst, const double *a, const double *b)
{
    size_t i;

    for (i = 0; i < c->n; i++)
        dst[i] = a[i] + b[i];
}

/* Stan's base_nuts::build_tree: extends the trajectory from *z by 2^depth
 * leapfrog steps in direction sign, proposes a point from the new subtree
 * into *prop, and returns whether the subtree is valid (no divergence, no
 * U-turn inside). */
static bool
nuts_build(nuts_ctx *c,
           size_t depth,
           nuts_point *z,
           nuts_point *prop,
           double *ps_beg,
           double *ps_end,
           double *rho,
           double *p_beg,
           double *p_end,
           double H0,
           double sign,
           double *log_sum_w)
{
    size_t i, d;
    double lw_init = -HUGE_VAL, lw_final = -HUGE_VAL, lw_sub;
    bool persist;

    if (depth == 0) {
        double h;
        nuts_leapfrog(c, z, sign * c->eps);
        c->n_leapfrog++;
        h = nuts_hamiltonian(c, z);
        if (isnan(h))
            h = HUGE_VAL;
        if (h - H0 > NUTS_MAX_DELTA_H)
            c->divergent = true;
        *log_sum_w = nuts_log_sum_exp(*log_sum_w, H0 - h);
        c->sum_metro += H0 - h > 0.0 ? 1.0 : att_exp(H0 - h);
        nuts_copy(c, prop, z);
        nuts_sharp_after_h(c, z->p, ps_beg);
        memcpy(ps_end, ps_beg, c->n * sizeof *ps_end);
        for (i = 0; i < c->n; i++)
            rho[i] += z->p[i];
        memcpy(p_beg, z->p, c->n * sizeof *p_beg);
        memcpy(p_end, z->p, c->n * sizeof *p_end);
        return !c->divergent;
    }
    d = depth;
    memset(c->rho_init[d], 0, c->n * sizeof(double));
    if (!nuts_build(c, depth - 1, z, prop, ps_beg, c->ps_init_end[d], c->rho_init[d], p_beg,
                    c->p_init_end[d], H0, sign, &lw_init))
        return false;
    memset(c->rho_final[d], 0, c->n * sizeof(double));
    if (!nuts_build(c, depth - 1, z, &c->prop_final[d], c->ps_final_beg[d], ps_end, c->rho_final[d],
                    c->p_final_beg[d], p_end, H0, sign, &lw_final))
        return false;
    lw_sub = nuts_log_sum_exp(lw_init, lw_final);
    *log_sum_w = nuts_log_sum_exp(*log_sum_w, lw_sub);
    if (lw_final > lw_sub || gsl_rng_uniform(c->rng) < att_exp(lw_final - lw_sub))
        nuts_copy(c, prop, &c->prop_final[d]);
    /* rho of the subtree into the caller's sum; the checks use it alone. */
    nuts_add(c, c->rho_ext, c->rho_init[d], c->rho_final[d]);
    for (i = 0; i < c->n; i++)
        rho[i] += c->rho_ext[i];
    persist = nuts_criterion(c, ps_beg, ps_end, c->rho_ext);
    nuts_add(c, c->rho_ext, c->rho_init[d], c->p_final_beg[d]);
    persist = persist && nuts_criterion(c, ps_beg, c->ps_final_beg[d], c->rho_ext);
    nuts_add(c, c->rho_ext, c->rho_final[d], c->p_init_end[d]);
    persist = persist && nuts_criterion(c, c->ps_init_end[d], ps_end, c->rho_ext);
    return persist;
}

/* Buffers of one transition (allocated once per chain). */
typedef struct {
    nuts_point z, fwd, bck, sample, prop;
    double *rho, *rho_fwd, *rho_bck;
    double *p_fwd_fwd, *p_fwd_bck, *p_bck_fwd, *p_bck_bck;
    double *ps_fwd_fwd, *ps_fwd_bck, *ps_bck_fwd, *ps_bck_bck;
} nuts_buffers;

/* One NUTS transition from *cur (Stan's base_nuts::transition).  Returns
 * the acceptance statistic; sets *depth_out. */
static double
nuts_transition(nuts_ctx *c, nuts_buffers *b, nuts_point *cur, size_t max_depth, size_t *depth_out)
{
    double H0, log_sum_w = 0.0;
    size_t depth = 0, n = c->n;

    nuts_copy(c, &b->z, cur);
    nuts_sample_momentum(c, &b->z);
    nuts_copy(c, &b->fwd, &b->z);
    nuts_copy(c, &b->bck, &b->z);
    nuts_copy(c, &b->sample, &b->z);
    H0 = nuts_hamiltonian(c, &b->z);
    nuts_sharp_after_h(c, b->z.p, b->ps_fwd_fwd);
    memcpy(b->ps_fwd_bck, b->ps_fwd_fwd, n * sizeof(double));
    memcpy(b->ps_bck_fwd, b->ps_fwd_fwd, n * sizeof(double));
    memcpy(b->ps_bck_bck, b->ps_fwd_fwd, n * sizeof(double));
    memcpy(b->p_fwd_fwd, b->z.p, n * sizeof(double));
    memcpy(b->p_fwd_bck, b->z.p, n * sizeof(double));
    memcpy(b->p_bck_fwd, b->z.p, n * sizeof(double));
    memcpy(b->p_bck_bck, b->z.p, n * sizeof(double));
    memcpy(b->rho, b->z.p, n * sizeof(double));
    c->divergent = false;
    c->n_leapfrog = 0;
    c->sum_metro = 0.0;
    while (depth < max_depth) {
        double lw_sub = -HUGE_VAL;
        bool valid, persist;
        memset(b->rho_fwd, 0, n * sizeof(double));
        memset(b->rho_bck, 0, n * sizeof(double));
        if (gsl_rng_uniform(c->rng) > 0.5) {
            /* The trajectory so far becomes the backward part: its seam
             * with the new subtree is its forward-most point. */
            memcpy(b->rho_bck, b->rho, n * sizeof(double));
            memcpy(b->p_bck_fwd, b->p_fwd_fwd, n * sizeof(double));
            memcpy(b->ps_bck_fwd, b->ps_fwd_fwd, n * sizeof(double));
            valid = nuts_build(c, depth, &b->fwd, &b->prop, b->ps_fwd_bck, b->ps_fwd_fwd,
                               b->rho_fwd, b->p_fwd_bck, b->p_fwd_fwd, H0, 1.0, &lw_sub);
        } else {
            /* Mirrored: the seam is the backward-most point so far. */
            memcpy(b->rho_fwd, b->rho, n * sizeof(double));
            memcpy(b->p_fwd_bck, b->p_bck_bck, n * sizeof(double));
            memcpy(b->ps_fwd_bck, b->ps_bck_bck, n * sizeof(double));
            valid = nuts_build(c, depth, &b->bck, &b->prop, b->ps_bck_fwd, b->ps_bck_bck,
                               b->rho_bck, b->p_bck_fwd, b->p_bck_bck, H0, -1.0, &lw_sub);
        }
        if (!valid)
            break;
        depth++;
        if (lw_sub > log_sum_w || gsl_rng_uniform(c->rng) < att_exp(lw_sub - log_sum_w))
            nuts_copy(c, &b->sample, &b->prop);
        log_sum_w = nuts_log_sum_exp(log_sum_w, lw_sub);
        nuts_add(c, b->rho, b->rho_bck, b->rho_fwd);
        persist = nuts_criterion(c, b->ps_bck_bck, b->ps_fwd_fwd, b->rho);
        nuts_add(c, c->rho_ext, b->rho_bck, b->p_fwd_bck);
        persist = persist && nuts_criterion(c, b->ps_bck_bck, b->ps_fwd_bck, c->rho_ext);
        nuts_add(c, c->rho_ext, b->rho_fwd, b->p_bck_fwd);
        persist = persist && nuts_criterion(c, b->ps_bck_fwd, b->ps_fwd_fwd, c->rho_ext);
        if (!persist)
            break;
    }
    nuts_copy(c, cur, &b->sample);
    *depth_out = depth;
    return c->n_leapfrog ? c->sum_metro / (double)c->n_leapfrog : 0.0;
}

/* Stan's base_hamiltonian::init_stepsize: double or halve eps until one
 * leapfrog step's acceptance crosses 0.8.  Returns false if eps runs away. */
static bool
nuts_init_stepsize(nuts_ctx *c, nuts_buffers *b, const nuts_point *cur)
{
    double H0, h, dH;
    int direction, guard;

    nuts_copy(c, &b->z, cur);
    nuts_sample_momentum(c, &b->z);
    H0 = nuts_hamiltonian(c, &b->z);
    nuts_leapfrog(c, &b->z, c->eps);
    h = nuts_hamiltonian(c, &b->z);
    dH = H0 - (isnan(h) ? HUGE_VAL : h);
    direction = dH > att_log(0.8) ? 1 : -1;
    for (guard = 0; guard < 200; guard++) {
        nuts_copy(c, &b->z, cur);
        nuts_sample_momentum(c, &b->z);
        H0 = nuts_hamiltonian(c, &b->z);
        nuts_leapfrog(c, &b->z, c->eps);
        h = nuts_hamiltonian(c, &b->z);
        dH = H0 - (isnan(h) ? HUGE_VAL : h);
        if ((direction == 1 && !(dH > att_log(0.8))) || (direction == -1 && !(dH < att_log(0.8))))
            return true;
        c->eps = direction == 1 ? 2.0 * c->eps : 0.5 * c->eps;
        if (c->eps > 1e7 || c->eps < 1e-300)
            return false;
    }
    return false;
}

/* Dual averaging of log eps (Hoffman & Gelman 2014, algorithm 5). */
typedef struct {
    double mu, s_bar, x_bar;
    size_t counter;
} nuts_da;

static void
nuts_da_restart(nuts_da *da, double eps)
{
    da->mu = att_log(10.0 * eps);
    da->s_bar = da->x_bar = 0.0;
    da->counter = 0;
}

static double
nuts_da_learn(nuts_da *da, double accept, double delta)
{
    double eta, x, x_eta, k;

    da->counter++;
    k = (double)da->counter;
    accept = accept > 1.0 ? 1.0 : accept;
    eta = 1.0 / (k + NUTS_DA_T0);
    da->s_bar = (1.0 - eta) * da->s_bar + eta * (delta - accept);
    x = da->mu - da->s_bar * sqrt(k) / NUTS_DA_GAMMA;
    x_eta = att_pow(k, -NUTS_DA_KAPPA);
    da->x_bar = (1.0 - x_eta) * da->x_bar + x_eta * x;
    return att_exp(x);
}

/* Stan's windowed_adaptation, for the metric. */
typedef struct {
    size_t warmup, init_buffer, term_buffer, window, next_window, counter;
    size_t nsamp;
    int metric;          /* NUTS_METRIC_*: diag keeps the variances alone */
    double *mean, *m2;   /* Welford's running moments: n, or n x n (lower half) */
    double *d;           /* scratch: q - the old mean */
    const double *prior; /* the first metric's covariance (n x n): the mode's, or an adapting
                          * warm start's; NULL where the warm-up started from the unit metric */
} nuts_windows;

/* A window's regularised estimate of entry (i, j) of the covariance from
 * m draws and the estimate s: toward the first metric's covariance where
 * the warm-up started from one, else Stan's (1e-3 on the diagonal, weight
 * 5). */
static double
nuts_windows_reg(const nuts_windows *wa, size_t i, size_t j, size_t n, double m, double s)
{
    const double w = NUTS_PRIOR_DRAWS;
    double v;

    if (wa->prior != NULL)
        return (m / (m + w)) * s + (w / (m + w)) * wa->prior[i * n + j];
    v = (m / (m + 5.0)) * s;
    if (i == j)
        v += 1e-3 * (5.0 / (m + 5.0));
    return v;
}

static void
nuts_windows_init(nuts_windows *wa, size_t warmup)
{
    wa->warmup = warmup;
    wa->init_buffer = NUTS_INIT_BUFFER;
    wa->term_buffer = NUTS_TERM_BUFFER;
    wa->window = NUTS_BASE_WINDOW;
    if (warmup < 20) {
        wa->init_buffer = warmup; /* too short to estimate a metric */
        wa->term_buffer = 0;
        wa->window = 0;
    } else if (wa->init_buffer + wa->window + wa->term_buffer > warmup) {
        wa->init_buffer = (size_t)(0.15 * (double)warmup);
        wa->term_buffer = (size_t)(0.1 * (double)warmup);
        wa->window = warmup - (wa->init_buffer + wa->term_buffer);
    }
    wa->counter = 0;
    wa->nsamp = 0;
    wa->next_window = wa->init_buffer + wa->window - 1;
}

bool
att_nuts_cholesky(const double *a, double *l, size_t n)
{
    size_t i, j, k;

    memset(l, 0, n * n * sizeof *l);
    for (j = 0; j < n; j++) {
        double s = a[j * n + j];
        for (k = 0; k < j; k++)
            s -= l[j * n + k] * l[j * n + k];
        if (!(s > 0.0))
            return false;
        l[j * n + j] = sqrt(s);
        for (i = j + 1; i < n; i++) {
            double t = a[i * n + j];
            for (k = 0; k < j; k++)
                t -= l[i * n + k] * l[j * n + k];
            l[i * n + j] = t / l[j * n + j];
        }
    }
    return true;
}

/* Whether two coordinates of the covariance (or sums of squares) a
 * (n x n, lower half read) correlate at NUTS_DENSE_CORR or more, for at
 * most NUTS_DENSE_MAX_DIM coordinates. */
static bool
nuts_ridge(const double *a, size_t n)
{
    size_t i, j;

    for (i = 0; i < n && n <= NUTS_DENSE_MAX_DIM; i++)
        for (j = 0; j < i; j++) {
            double v = a[i * n + i] * a[j * n + j];
            if (v > 0.0 && a[i * n + j] * a[i * n + j] >= NUTS_DENSE_CORR * NUTS_DENSE_CORR * v)
                return true;
        }
    return false;
}

/* The first metric from cov0 (the Laplace approximation at the mode, or
 * a warm start's), dense where dense is asked, or full moments are kept
 * and cov0 has a ridge; false, the unit metric kept, where the unit
 * metric already suits: every scale within a factor NUTS_UNIT_SUITS of 1
 * and no ridge (those fits keep Stan's warm-up, and their bits).  keep: a
 * warm start's metric, always taken. */
static bool
nuts_first_metric(nuts_ctx *c, const double *cov0, bool dense, bool full, bool keep)
{
    size_t i, n = c->n;
    bool ridge = nuts_ridge(cov0, n), suits = !ridge && !keep;

    for (i = 0; i < n; i++)
        if (!(cov0[i * n + i] * NUTS_UNIT_SUITS * NUTS_UNIT_SUITS >= 1.0 &&
              cov0[i * n + i] <= NUTS_UNIT_SUITS * NUTS_UNIT_SUITS))
            suits = false;
    if (suits)
        return false;
    for (i = 0; i < n; i++)
        c->inv_metric[i] = cov0[i * n + i];
    if (full && (dense || ridge)) {
        memcpy(c->minv, cov0, n * n * sizeof *c->minv);
        c->dense = att_nuts_cholesky(c->minv, c->chol, n);
    }
    return true;
}

/* At a window's end, with the full moments: the regularised covariance
 * into c's dense metric (Stan's dense_e) when the metric is dense, or
 * auto and the window found a correlation of at least NUTS_DENSE_CORR;
 * false to keep a diagonal one. */
static bool
nuts_windows_dense(const nuts_windows *wa, nuts_ctx *c, double m)
{
    size_t i, j, n = c->n;
    bool dense = wa->metric == NUTS_METRIC_DENSE;

    if (m < 2.0 || !(dense || nuts_ridge(wa->m2, n)))
        return false;
    for (i = 0; i < n; i++)
        for (j = 0; j <= i; j++) {
            double v = nuts_windows_reg(wa, i, j, n, m, wa->m2[i * n + j] / (m - 1.0));
            c->minv[i * n + j] = c->minv[j * n + i] = v;
        }
    return att_nuts_cholesky(c->minv, c->chol, n);
}

/* Adds q if in a window; at a window's end, writes the regularised
 * variance (or covariance) into c's metric and returns true. */
static bool
nuts_windows_learn(nuts_windows *wa, const double *q, nuts_ctx *c)
{
    size_t i, j, n = c->n, end_slow = wa->warmup - wa->term_buffer;
    bool in_window = wa->window > 0 && wa->counter >= wa->init_buffer && wa->counter < end_slow &&
                     wa->counter != wa->warmup;
    bool full = wa->metric != NUTS_METRIC_DIAG;

    if (in_window && !full) {
        wa->nsamp++;
        for (i = 0; i < n; i++) {
            double d = q[i] - wa->mean[i];
            wa->mean[i] += d / (double)wa->nsamp;
            wa->m2[i] += d * (q[i] - wa->mean[i]);
        }
    } else if (in_window) {
        /* The same steps, with the products across coordinates: the
         * diagonal's bits are those of the diagonal case. */
        wa->nsamp++;
        for (i = 0; i < n; i++) {
            wa->d[i] = q[i] - wa->mean[i];
            wa->mean[i] += wa->d[i] / (double)wa->nsamp;
        }
        for (i = 0; i < n; i++)
            for (j = 0; j <= i; j++)
                wa->m2[i * n + j] += wa->d[i] * (q[j] - wa->mean[j]);
    }
    if (wa->window > 0 && wa->counter == wa->next_window && wa->counter != wa->warmup) {
        double m = (double)wa->nsamp;
        /* Compute the next window (Stan's compute_next_window). */
        if (wa->next_window != end_slow - 1) {
            size_t boundary;
            wa->window *= 2;
            wa->next_window = wa->counter + wa->window;
            if (wa->next_window != end_slow - 1) {
                boundary = wa->next_window + 2 * wa->window;
                if (boundary >= end_slow)
                    wa->next_window = end_slow - 1;
            }
        }
        c->dense = full && nuts_windows_dense(wa, c, m);
        for (i = 0; i < n; i++) {
            double m2 = full ? wa->m2[i * n + i] : wa->m2[i];
            double var = m > 1.0 ? m2 / (m - 1.0) : 1.0;
            c->inv_metric[i] = nuts_windows_reg(wa, i, i, n, m, var);
            wa->mean[i] = 0.0;
        }
        memset(wa->m2, 0, (full ? n * n : n) * sizeof *wa->m2);
        wa->nsamp = 0;
        wa->counter++;
        return true;
    }
    wa->counter++;
    return false;
}

/* ---- the chain ------------------------------------------------------------- */

/* A chain between its steps: everything att_nuts_run keeps from one
 * iteration to the next. */
struct nuts_chain {
    nuts_params np;
    nuts_ctx c;
    nuts_buffers b;
    nuts_point cur;
    nuts_windows wa;
    nuts_da da;
    double *block, *mat;
    size_t it, max_depth;
    double sum_accept;
    double *out_draws;
    unsigned char *out_divergent;
    nuts_stats stats;
    bool full, done;
};

att_status
att_nuts_start(const nuts_target *target,
               const nuts_params *np,
               gsl_rng *rng,
               const double *init,
               double *out_draws,
               unsigned char *out_divergent,
               nuts_chain **out,
               att_error *err)
{
    size_t n = target->dim, i;
    nuts_chain *ch = att_mem_calloc(1, sizeof *ch);
    double *p;
    size_t nvec = 3 * 7 + 3 * (NUTS_MAX_TREE + 1) + 6 * (NUTS_MAX_TREE + 1) + 17;
    att_status st = ATT_OK;

    *out = NULL;
    if (ch == NULL)
        return ATT_FAIL(err, ATT_ENOMEM, "out of memory");
    ch->np = *np;
    ch->max_depth = np->max_depth < NUTS_MAX_TREE ? np->max_depth : NUTS_MAX_TREE;
    ch->out_draws = out_draws;
    ch->out_divergent = out_divergent;
    /* The full moments only where a dense metric can come of them. */
    ch->full = np->metric == NUTS_METRIC_DENSE ||
               (np->metric == NUTS_METRIC_AUTO && n <= NUTS_DENSE_MAX_DIM);
    ch->c.target = target;
    ch->c.n = n;
    ch->c.rng = rng;
    ch->block = att_mem_calloc(nvec * n + 1, sizeof *ch->block);
    /* A dense metric's matrices and the full moments: 3 n^2. */
    ch->mat = ch->full ? att_mem_calloc(3 * n * n + 1, sizeof *ch->mat) : NULL;
    if (ch->block == NULL || (ch->full && ch->mat == NULL)) {
        att_nuts_free(ch);
        return ATT_FAIL(err, ATT_ENOMEM, "out of memory");
    }
    p = ch->block;
#define NUTS_TAKE()    (p += n, p - n)
#define NUTS_POINT(pt) ((pt).q = NUTS_TAKE(), (pt).p = NUTS_TAKE(), (pt).g = NUTS_TAKE())
    NUTS_POINT(ch->cur);
    NUTS_POINT(ch->b.z);
    NUTS_POINT(ch->b.fwd);
    NUTS_POINT(ch->b.bck);
    NUTS_POINT(ch->b.sample);
    NUTS_POINT(ch->b.prop);
    for (i = 0; i <= NUTS_MAX_TREE; i++) {
        NUTS_POINT(ch->c.prop_final[i]);
        ch->c.p_init_end[i] = NUTS_TAKE();
        ch->c.ps_init_end[i] = NUTS_TAKE();
        ch->c.rho_init[i] = NUTS_TAKE();
        ch->c.p_final_beg[i] = NUTS_TAKE();
        ch->c.ps_final_beg[i] = NUTS_TAKE();
        ch->c.rho_final[i] = NUTS_TAKE();
    }
    ch->b.rho = NUTS_TAKE();
    ch->b.rho_fwd = NUTS_TAKE();
    ch->b.rho_bck = NUTS_TAKE();
    ch->b.p_fwd_fwd = NUTS_TAKE();
    ch->b.p_fwd_bck = NUTS_TAKE();
    ch->b.p_bck_fwd = NUTS_TAKE();
    ch->b.p_bck_bck = NUTS_TAKE();
    ch->b.ps_fwd_fwd = NUTS_TAKE();
    ch->b.ps_fwd_bck = NUTS_TAKE();
    ch->b.ps_bck_fwd = NUTS_TAKE();
    ch->b.ps_bck_bck = NUTS_TAKE();
    ch->c.rho_ext = NUTS_TAKE();
    ch->c.inv_metric = NUTS_TAKE();
    ch->wa.mean = NUTS_TAKE();
    ch->wa.m2 = NUTS_TAKE();
    ch->wa.d = NUTS_TAKE();
    ch->c.vel = NUTS_TAKE();
    if (ch->full) {
        ch->c.minv = ch->mat;
        ch->c.chol = ch->mat + n * n;
        ch->wa.m2 = ch->mat + 2 * n * n;
    }
#undef NUTS_POINT
#undef NUTS_TAKE
    for (i = 0; i < n; i++)
        ch->c.inv_metric[i] = 1.0;
    ch->stats.laplace = np->cov0 != NULL &&
                        nuts_first_metric(&ch->c, np->cov0, np->metric == NUTS_METRIC_DENSE,
                                          ch->full, np->keep_metric) &&
                        !np->keep_metric;
    memcpy(ch->cur.q, init, n * sizeof *ch->cur.q);
    ch->cur.logp = target->logp(target->ctx, ch->cur.q, ch->cur.g);
    ch->c.eps = np->eps0 > 0.0 ? np->eps0 : 1.0;
    if (!isfinite(ch->cur.logp))
        st = ATT_FAIL(err, ATT_EINVAL, "the starting point has zero posterior density");
    else if (!nuts_init_stepsize(&ch->c, &ch->b, &ch->cur))
        st = ATT_FAIL(err, ATT_ENOCONV,
                      "no workable leapfrog step size: the posterior is "
                      "degenerate or its density not smooth");
    if (st != ATT_OK) {
        att_nuts_free(ch);
        return st;
    }
    nuts_da_restart(&ch->da, ch->c.eps);
    nuts_windows_init(&ch->wa, np->keep_metric ? 0 : np->warmup);
    ch->wa.metric = ch->full ? np->metric : NUTS_METRIC_DIAG;
    ch->wa.prior = ch->stats.laplace ? np->cov0 : NULL;
    *out = ch;
    return ATT_OK;
}

att_status
att_nuts_step(nuts_chain *ch, size_t iterations, bool *done, att_error *err)
{
    const nuts_params *np = &ch->np;
    size_t total = np->warmup + np->draws, depth;
    size_t end = total - ch->it < iterations ? total : ch->it + iterations;
    double t0 = att_seconds(), *part;

    for (; ch->it < end && !ch->done; ch->it++) {
        size_t it = ch->it;
        double accept;
        /* The run's chains together have passed the bound: the run will
         * be discarded whatever this chain does next (att_fit_run). */
        if (np->stop_count != NULL && atomic_load(np->stop_count) > np->stop_above) {
            ch->done = true;
            break;
        }
        if (it == np->warmup) {
            /* End of adaptation: the averaged step size (dual averaging). */
            if (np->warmup > 0)
                ch->c.eps = att_exp(ch->da.x_bar);
            ch->stats.seconds_warmup += att_seconds() - t0;
            t0 = att_seconds();
        }
        accept = nuts_transition(&ch->c, &ch->b, &ch->cur, ch->max_depth, &depth);
        ch->stats.leapfrogs += ch->c.n_leapfrog;
        if (it < np->warmup) {
            ch->c.eps = nuts_da_learn(&ch->da, accept, np->delta);
            if (nuts_windows_learn(&ch->wa, ch->cur.q, &ch->c)) {
                if (!nuts_init_stepsize(&ch->c, &ch->b, &ch->cur)) {
                    ch->done = true;
                    return ATT_FAIL(err, ATT_ENOCONV,
                                    "no workable leapfrog step size after "
                                    "the metric was updated");
                }
                nuts_da_restart(&ch->da, ch->c.eps);
            }
            continue;
        }
        memcpy(ch->out_draws + (it - np->warmup) * ch->c.n, ch->cur.q,
               ch->c.n * sizeof *ch->out_draws);
        if (ch->out_divergent != NULL)
            ch->out_divergent[it - np->warmup] = ch->c.divergent;
        ch->stats.divergent += ch->c.divergent;
        ch->stats.depth_hits += depth >= ch->max_depth;
        ch->stats.draws_done++;
        ch->sum_accept += accept;
        if (np->stop_count != NULL && ch->c.divergent)
            (void)atomic_fetch_add(np->stop_count, 1);
    }
    part = ch->it <= np->warmup ? &ch->stats.seconds_warmup : &ch->stats.seconds_draws;
    *part += att_seconds() - t0;
    ch->done = ch->done || ch->it == total;
    *done = ch->done;
    return ATT_OK;
}

void
att_nuts_finish(const nuts_chain *ch, double *out_inv_metric, nuts_stats *stats)
{
    size_t i, n = ch->c.n;

    *stats = ch->stats;
    stats->stepsize = ch->c.eps;
    stats->dense = ch->c.dense;
    stats->mean_accept = stats->draws_done ? ch->sum_accept / (double)stats->draws_done : 0.0;
    if (out_inv_metric != NULL)
        for (i = 0; i < n; i++)
            out_inv_metric[i] = ch->c.dense ? ch->c.minv[i * n + i] : ch->c.inv_metric[i];
}

void
att_nuts_free(nuts_chain *ch)
{
    if (ch == NULL)
        return;
    att_mem_free(ch->block);
    att_mem_free(ch->mat);
    att_mem_free(ch);
}

att_status
att_nuts_run(const nuts_target *target,
             const nuts_params *np,
             gsl_rng *rng,
             const double *init,
             double *out_draws,
             unsigned char *out_divergent,
             double *out_inv_metric,
             nuts_stats *stats,
             att_error *err)
{
    nuts_chain *ch;
    bool done;
    att_status st;

    memset(stats, 0, sizeof *stats);
    if ((st = att_nuts_start(target, np, rng, init, out_draws, out_divergent, &ch, err)) !=
            ATT_OK ||
        ch == NULL)
        return st;
    st = att_nuts_step(ch, np->warmup + np->draws, &done, err);
    att_nuts_finish(ch, st == ATT_OK ? out_inv_metric : NULL, stats);
    att_nuts_free(ch);
    return st;
}
