/* post.h -- the posterior's private structures, shared by its files (not
 * installed).
 *
 * The log posterior (att_posterior.h) is split by job, each file's
 * functions carrying its name: posterior.c (the public functions, which
 * stitch the others), post_prior.c (theta's layout, transforms and priors,
 * equations (11)-(13)), post_design.c (the reports' evaluation points and
 * times, and the cohorts' exposures on them), post_forward.c (C, N, D at
 * those times, equations (1)-(4), and the adjoint back to the hazards and
 * arrivals), post_quantity.c (each report's log m and its adjoint, by
 * kind and measure, equation (5)), post_loglik.c (the likelihood terms,
 * by qualifier, and the window mean, (7)-(10)) and post_sampling.c (the
 * sampler's coordinates, section 3).  Equation numbers refer to
 * docs/model.md.
 */
#ifndef ATTRITION_POST_H
#define ATTRITION_POST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <attrition/att_ledger.h>
#include <attrition/att_model.h>
#include <attrition/att_params.h>
#include <attrition/att_posterior.h>

#include "internal.h"
#include "vmath.h"

#define POST_LOG_SQRT_2PI 0.91893853320467274178032973640562 /* log sqrt(2 pi) */

/* One report of the likelihood. */
typedef struct {
    size_t ledger;     /* index in the ledger */
    att_model_kind mk; /* what it reads of the model: its kind's row of (5) (model.c) */
    att_qualifier qual;
    double ly, llo, lhi;  /* log figure, or log bounds of a range */
    double lwidth;        /* daily measure: log of the interval's length in days (else 0) */
    double lnpoint;       /* log of the number of days in the window */
    size_t bias;          /* theta index of b_{s,f}, or ATT_NONE if pinned (or undercount) */
    size_t cpl;           /* an undercount class's loss figure: theta index of logit c_s, whose
                           * log c_s takes the bias's place; else ATT_NONE */
    size_t noise;         /* its noise slot: 0, or its class with noise = per_class */
    size_t first, npoint; /* its evaluation points */
    double ndays;         /* days in the window (rates: 1), the sum of the points' mult */
    bool unit;            /* every point's mult is 1: the hot loops skip the products (same
                           * bits) */
    bool pooled;          /* a point or range report of an estimated bias: sets the bias's level */
    size_t lfirst;        /* pooled: its first point (0-based) where m > 0 whatever theta */
    int path;             /* POST_PATH_*: how its likelihood is taken (post_loglik.c) */
    size_t vo;            /* the vector paths: its first day in the workspace's vx, vz (a
                           * range's lower bounds, then its upper bounds) */
    size_t so;            /* a one-sided or range figure: its slot in the
                           * workspace's psum (two), pok, plg (post_loglik_prob); else
                           * ATT_NONE */
} post_report;

/* A pooled report as the levels and the chain rule read it
 * (post_sampling.c), in one cache line: its points from lfirst on. */
typedef struct {
    size_t first, n;       /* its first point from lfirst on, and their number */
    size_t bias, noise;    /* as post_report's */
    double rnlevel;        /* 1 / n_i, n_i its days from lfirst on */
    double lspread;        /* a range's variance on the log scale, w^2 / 12 (else 0) */
    double lcentre;        /* log figure, or the centre of a range's log bounds */
    att_model_share share; /* what kappa's gradient reads (post_quantity_kappa) */
    bool unit;             /* every point's mult is 1 */
} post_pool;

/* How a report's likelihood is taken (post_loglik.c).  A windowed point
 * figure needs one exp per day, a one-sided figure one normal tail per day
 * and a range two (one of a single evaluation point too): their days are laid
 * out one after another (windows, one-sided, ranges) so that the whole
 * ledger's take one call over an array each. */
#define POST_PATH_POINTS    0 /* a point figure of one evaluation point */
#define POST_PATH_WINDOW    1 /* a point figure over more than one day */
#define POST_PATH_ONE_SIDED 2 /* an "at least" or "up to" */
#define POST_PATH_RANGE     3 /* a range */

/* The slots of q's days in the vector paths' arrays: two a day (lower and
 * upper bounds) for a range. */
static inline size_t
post_vslots(const post_report *q)
{
    return (q->path == POST_PATH_RANGE ? 2 : 1) * q->npoint;
}

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
    void *block[4]; /* the arrays below, in four blocks: the parameters' (post_prior.c), the
                     * reports', the times' (post_design.c, once the times are known) and
                     * post_quantity_push's lists and log m's indices (the same, once the
                     * points are) */
    const att_params *p;
    size_t dim, nphase, narr;
    att_param_info *info;
    size_t *phase_par;       /* theta index of each phase's log h, or ATT_NONE (fixed) */
    size_t *arr_par;         /* theta index of each arrival's count, or ATT_NONE (fixed) */
    size_t i_kappa, i_sigma; /* i_sigma: log sigma, or log sigma0 with noise = per_class */
    size_t nslot;            /* noise slots: 1, or the classes with noise = per_class */
    size_t *noise_par;       /* per class: theta index of z_s (per_class), or ATT_NONE */
    size_t *cpl_par;         /* per class: theta index of logit c_s (undercount), or ATT_NONE */
    double *cpl_lmedian;     /* per class: log of c_s's prior median (undercount; else 0), once */
    double omega;            /* sigma_spread: sigma_s = sigma0 exp(omega z_s) */
    double kappa_lnbeta;     /* log B(a, b) of kappa's prior, once */
    double *pmu, *plsd;      /* per parameter with a normal prior on theta: its mean and log sd;
                              * a departure's share or rho with a beta prior: log B(a, b) in pmu */
    /* A force with groups, departures or returns (att_params_extended):
     * its parameters, and the days the forward steps (post_force.c). */
    bool extended;
    size_t ngroup, ndep;
    size_t *grp_par; /* theta index of each group's log r, or ATT_NONE (fixed) */
    size_t *dep_par; /* theta index of each departure's coordinate, or ATT_NONE (fixed) */
    size_t i_rho;    /* theta index of logit rho, or ATT_NONE (fixed, or no returns) */
    int32_t day0;    /* the first arrival's day: the first day stepped */
    size_t ndays;    /* days stepped: day0 .. day0 + ndays - 1 */
    int *dphase;     /* per day stepped: its phase, or -1 before the first */
    size_t nrep, npoint, maxpoint;
    size_t nvwin, nvside;    /* days of the windows' and the one-sided reports' paths */
    size_t nvrange;          /* bounds of the ranges' days (two a day) */
    size_t *perrep, nperiod; /* the reports of a change over a period (one point each), in
                              * order */
    post_pool *pool;         /* the pooled reports (post_report.pooled), in order */
    size_t npool;            /* their number */
    size_t *order;           /* per used report in ledger order (the public index): its
                              * index in rep, which runs in evaluation order (post_design.c) */
    size_t nacc;             /* the per-time log sums some point adds to (post_quantity_push) */
    size_t *acc_slot;        /* each one's slot in the workspace's gsum */
    size_t *acc_off;         /* its points in acc_pt: from acc_off[2k] those that add (a level
                              * of its variable), from acc_off[2k + 1] to acc_off[2k + 2]
                              * those that subtract (per deployed, from log D's) */
    size_t *acc_pt;
    /* Log m of a level at point i, over the workspace's ltab (post_quantity_log_m):
     * (ltab[lm_add[i]] + ltab[3 lstride + lm_share[i]]) - ltab[lm_sub[i]], its variable's log
     * at its time plus its share's log, less log D's at its time (per deployed) or 0 (the
     * slot 3 lstride); a change over a period's point reads 0 for both logs (its log m has
     * a pass of its own, which reads its share's slot).  Flat, so that the pass reads 9 bytes a
     * point and no report. */
    size_t lstride; /* ntime + 1, up to a multiple of 8 (whole cache lines): ltab's stride */
    uint32_t *lm_add, *lm_sub;
    unsigned char *lm_share; /* 0 (the whole), 1 (killed) or 2 (wounded) */
    size_t *prep, nprob;     /* the one-sided and range figures (post_report.so) */
    post_report *rep;
    post_point *pt;
    size_t ntime; /* distinct evaluation times, ascending */
    double *times;
    uint32_t *tset;    /* per time: the groups it sums (att_ledger_group_set; 0: the whole force) */
    double *expo;      /* per time: narr x nphase exposures (equation (2)) */
    double *expo_t;    /* the same by arrival and phase: ntime exposures each */
    size_t *expo_from; /* by arrival and phase: the first time with exposure, down to a
                        * multiple of 4 (post_forward_adjoint's sums start there) */
    size_t *arr_from;  /* per arrival: its first time present; without groups it is
                        * present at every later one (post_forward_adjoint) */
    int *step;         /* per time and arrival: POST_STEP_* or the phase of a one-day step */
    unsigned char *need; /* per time: POST_NEED_* bits, the logs some report reads */
    unsigned need_all;   /* the bits of every time together */
};

/* The passes over every report ask for report r + POST_AHEAD's lines
 * while they take report r, where the reports take more than
 * POST_AHEAD_BYTES: on a large ledger they (160 bytes each on
 * x86-64, 1.6 MB at 10,000) stream from beyond L2, and the hardware
 * prefetchers left each pass waiting on its first read of a report; below
 * a few thousand reports the requests gained nothing and cost 2.5% of the
 * instructions (bench/README.md). */
#define POST_AHEAD       6
#define POST_AHEAD_BYTES ((size_t)512 * 1024)

static inline void
post_report_ahead(const att_posterior *post, size_t r)
{
    const char *p;
    size_t o;

    if (post->nrep <= POST_AHEAD_BYTES / sizeof *post->rep)
        return; /* a constant after the first report: a branch the predictor keeps */
    p = (const char *)(post->rep + (r + POST_AHEAD < post->nrep ? r + POST_AHEAD : r));
    for (o = 0; o < sizeof *post->rep; o += ATT_MEM_ALIGN) /* every line, wherever it starts */
        ATT_PREFETCH(p + o);
    ATT_PREFETCH(p + sizeof *post->rep - 1);
}

/* The slots of the workspace's ltab after the three logs' arrays: 0, log
 * kappa and log(1 - kappa), the terms of log m that are no log of C, N or
 * D (post_quantity_log_m). */
#define POST_LTAB_TAIL 3

/* The bit of post->need for the log of C, N or D (att_model_var). */
#define POST_NEED(var) (1u << (var))

/* The per-time sums in the workspace's gsum: d log p / d log C, N, D,
 * then d log p / d C, N, D, ntime each. */
#define POST_GLOG(var) ((size_t)(var))
#define POST_GVAL(var) ((size_t)ATT_MODEL_NVAR + (size_t)(var))
#define POST_NSUM(nt)  (2 * (size_t)ATT_MODEL_NVAR * (nt))
/* Every array lives in one block (posterior.c carves it). */
struct att_posterior_workspace {
    void *block;                  /* the block, as att_mem_free takes it */
    double *ell;                  /* per point of a report: scratch (log-likelihoods, x_d,
                                   * weights) */
    double *gm;                   /* per point: d ell / d log m, or scratch for the tails, exp */
    double *gs;                   /* per point: d ell / d log sigma */
    double *hazard, *count;       /* model values at theta */
    double *dndu;                 /* d n_j / d theta_j of each arrival (0 when fixed) */
    double *gprior;               /* dim: the prior's gradient when the caller wants none */
    double *val[ATT_MODEL_NVAR];  /* per time: C, N, D (indexed by att_model_var) */
    double *lm;                   /* per point: log m (equation (5)), -HUGE_VAL where m = 0 */
    double *pdv;                  /* per period report: its change, then the change's log */
    double *lval[ATT_MODEL_NVAR]; /* per time: their logs (C, N at every time if any report
                                   * reads them; D where one does), in ltab */
    double *ltab;                 /* lval's arrays post->lstride apart, then 0, log kappa and
                                   * log(1 - kappa) (post_quantity_log_m) */
    double *gval[ATT_MODEL_NVAR]; /* per time: d log p / d C, N, D: the daily measures' terms
                                   * directly, the rest from glog in post_forward_adjoint */
    double *glog[ATT_MODEL_NVAR]; /* per time: d log p / d log C, N, D, summed over points */
    double *gsum;                 /* glog and gval, one after another */
    double *gpt;                  /* per point: d log p / d log m, from the likelihood, then
                                   * plus the sampling coordinates' (post_sampling_chain) */
    double *surv;                 /* per time and arrival: exp(-H_j(t)) */
    double *lost;                 /* per time and arrival: 1 - exp(-H_j(t)), accurately */
    double *q, *omq;              /* per phase: exp(-h_k) and 1 - exp(-h_k) */
    double *hacc;                 /* per arrival and phase: post_forward_adjoint's sums */
    double *fbuf;                 /* per time: post_forward_adjoint's scratch */
    double *ratio, *depart;       /* per group, per departure: r_g and the count or share */
    double *dratio, *ddep;        /* d r_g / d log r_g; d value / d its coordinate */
    double rho, drho;             /* rho and d rho / d logit rho */
    double *fN1, *flost;          /* extended, per day and group: N after the day's events,
                                   * and the day's casualties */
    double *fval[ATT_MODEL_NVAR]; /* extended, per boundary (ndays + 1) and group: C, N, D */
    double *fadj[ATT_MODEL_NVAR]; /* extended, the same: d log p / d C_g, N_g, D_g */
    double *fret;                 /* extended, per day and group: d log p / d casualties,
                                   * through the returns they make */
    double *fdep;                 /* extended, per departure: N_g just before it */
    double g_kappa;               /* d log p / d logit kappa, from the reports */
    double *gsig;                 /* per noise slot: d log p / d log sigma_s, from the reports */
    double *sig, *lsig, *isig;    /* per noise slot: sigma_s, its log and 1 / sigma_s */
    double *rsum;                 /* per report: the sum whose log its log-likelihood adds */
    double *rpk;                  /* per report: those sums not 1, packed (their logs) */
    double *rmx;                  /* per report: a window's shift of its log terms
                                   * (post_loglik_prepare), or 1 where a one-sided figure's
                                   * days are all above the floor, else 0 */
    double *vx, *vz, *vphi;       /* per day of the vector paths (post_report.vo): exp's or the
                                   * tail's argument, then value; z; the density */
    double *psum, *pok, *plg;     /* per one-sided or range figure (post_report.so):
                                   * its two sums on the probability scale, whether that
                                   * scale holds (1 or 0), the log of its complements' mean */
    double *blog;                 /* dim: the biases' Lambda_s, then their logs */
    double *lgs, *lgl, *lgm;      /* dim: for kappa and uniform arrivals, s = inv_logit(theta_i),
                                   * log s and log(1 - s), once per evaluation */
    double *theta;                /* dim: theta of the sampling coordinates being evaluated */
    double *lam, *msum;           /* dim, biases: Lambda_s and M_s of the sampling coordinates */
    double *bv, *bc;              /* dim, biases: v_s = 1 / Lambda_s and post_sampling_chain's
                                   * c_s */
    double *sqv;                  /* dim, biases: sqrt(v_s) = Lambda_s^(-1/2) */
    double *lev_a, *lev_p;        /* per pooled report (post->pool): a_i and p_i of the
                                   * sampling coordinates */
    att_simd simd;                /* the instruction set of the array functions (vmath.h) */
};

/* ---- post_prior.c ---- */

/* theta's layout (hazards, kappa, sigma, the biases some used report
 * carries, arrivals) and the normal priors' constants into post. */
ATT_INTERNAL att_status post_prior_layout(att_posterior *post,
                                          const att_ledger *l,
                                          const bool *used,
                                          att_error *err);

/* The model values at theta into w (hazards, counts with dn/du, kappa,
 * sigma and their logs); *kappa and *sigma get kappa and sigma. */
ATT_INTERNAL void post_prior_values(const att_posterior *post,
                                    att_posterior_workspace *w,
                                    const double *theta,
                                    double *kappa,
                                    double *sigma);

/* The reports' d log p / d log sigma_s (w->gsig) added to theta's
 * gradient: to log sigma, or with noise = per_class (log sigma_s = log
 * sigma0 + omega z_s) to log sigma0 and omega times to z_s. */
ATT_INTERNAL void post_prior_noise_gradient(const att_posterior *post,
                                            const att_posterior_workspace *w,
                                            double *grad);

/* The log prior at theta (equations (11)-(12)), its gradient added to
 * grad; needs post_prior_values at theta. */
ATT_INTERNAL double post_prior_logp(const att_posterior *post,
                                    const att_posterior_workspace *w,
                                    const double *theta,
                                    double *grad);

/* ---- post_design.c ---- */

/* The reports of l marked in used, their evaluation points, the distinct
 * times they read and the cohorts' exposures and steps on them, into
 * post (whose layout is set). */
ATT_INTERNAL att_status post_design_build(att_posterior *post,
                                          const att_ledger *l,
                                          const bool *used,
                                          att_error *err);

/* ---- post_forward.c ---- */

/* C, N, D at every distinct time and the logs the reports read
 * (equations (1)-(4)), from the model values in w. */
ATT_INTERNAL void post_forward_times(const att_posterior *post, att_posterior_workspace *w);

/* The gradient through C, N, D: the per-time sums closed, then to the
 * hazards and arrivals, and kappa's and sigma's shares, added to grad. */
ATT_INTERNAL void
post_forward_adjoint(const att_posterior *post, att_posterior_workspace *w, double *grad);

/* ---- post_force.c ---- */

/* The days the extended forward steps and their phases, into post. */
ATT_INTERNAL att_status post_force_design(att_posterior *post, att_error *err);

/* The extended model's C, N, D at every distinct time (for its set of
 * groups), stepping the groups day by day (equations (1b)-(4b)), and log D
 * where a report reads it (post_forward_times takes the other logs). */
ATT_INTERNAL void post_force_times(const att_posterior *post, att_posterior_workspace *w);

/* Its adjoint: from the per-time sums to the hazards, the groups'
 * multipliers, the arrivals, the departures, rho and kappa, into grad. */
ATT_INTERNAL void
post_force_adjoint(const att_posterior *post, att_posterior_workspace *w, double *grad);

/* ---- post_quantity.c ---- */

/* Whether report q's model quantity at pt is positive whatever theta. */
ATT_INTERNAL bool
post_quantity_positive(const att_posterior *post, const post_report *q, const post_point *pt);

/* Whether a report reading var has the same model quantity at times a
 * and b whatever theta. */
ATT_INTERNAL bool
post_quantity_same(const att_posterior *post, att_model_var var, size_t a, size_t b);

/* The POST_NEED bits of the logs report q reads. */
ATT_INTERNAL unsigned post_quantity_need(const post_report *q);

/* Where log m of q's points comes from in the workspace's ltab (post->lm_add,
 * lm_sub, lm_share), once q's points and post->lstride are known. */
ATT_INTERNAL void post_quantity_log_m_index(att_posterior *post, const post_report *q);

/* log m at every point of every report into w->lm (equation (5)). */
ATT_INTERNAL void post_quantity_log_m(const att_posterior *post, att_posterior_workspace *w);

/* Adds w->gpt[i] = d log p / d log m at every point i to the per-time sums,
 * once a gradient, after the likelihood and the sampling coordinates have
 * both written theirs: a level's to d log p / d log C, N, D (per deployed,
 * less to log D's; through post->acc_pt), a change over a period's to
 * d log p / d C, N, D (divided by the change); the sums are divided by C,
 * N, D once per time, in post_forward_adjoint, rather than once per point. */
ATT_INTERNAL void post_quantity_push(const att_posterior *post, att_posterior_workspace *w);

/* A report's share to kappa's gradient (share: what it reads of the
 * casualties), from gsum, the sum of its points' d log p / d log m taken
 * in their order (also its bias's share).  Inline: every report takes it
 * once or twice a gradient. */
static inline void
post_quantity_kappa(att_posterior_workspace *w, att_model_share share, double kappa, double gsum)
{
    if (share == ATT_MODEL_KILLED)
        w->g_kappa += gsum * (1.0 - kappa);
    else if (share == ATT_MODEL_NONFATAL)
        w->g_kappa -= gsum * kappa;
}

/* ---- post_loglik.c ---- */

/* Report r's log-likelihood (equation (10)) is the value returned plus
 * log(*out_s); with grad, its gradient goes where post_loglik_terms says. */
ATT_INTERNAL double post_loglik_report(const att_posterior *post,
                                       att_posterior_workspace *w,
                                       size_t r,
                                       const double *theta,
                                       double kappa,
                                       double *grad,
                                       double *out_s);

/* Prior and likelihood at theta (equation (13)), whose model values and
 * log m are in w. */
ATT_INTERNAL double post_loglik_terms(const att_posterior *post,
                                      att_posterior_workspace *w,
                                      const double *theta,
                                      double kappa,
                                      double *grad,
                                      double *g);

/* ---- post_sampling.c ---- */

/* Lambda_s, M_s, sqrt(v_s) of every estimated bias and a_i, p_i of every
 * pooled report (each at its noise slot's sigma, post_prior_values's);
 * false where the sampling coordinates are not defined. */
ATT_INTERNAL bool post_sampling_level(const att_posterior *post, att_posterior_workspace *w);

/* theta from the sampling coordinates xi, given post_sampling_level. */
ATT_INTERNAL void post_sampling_to_theta(const att_posterior *post,
                                         const att_posterior_workspace *w,
                                         const double *xi,
                                         double *theta);

/* The chain rule from the gradient at theta to the gradient at xi,
 * log-Jacobian included (w->gpt not yet pushed, w->gsig still open). */
ATT_INTERNAL void post_sampling_chain(const att_posterior *post,
                                      att_posterior_workspace *w,
                                      const double *xi,
                                      double kappa,
                                      double *grad);

#endif /* ATTRITION_POST_H */
