/* diagnostics.c -- R-hat, bulk and tail ESS, quantiles and their MCSE.
 *
 * Contents: the workspace; checks and splitting; rank normalisation;
 * R-hat; ESS (FFT autocovariance, Geyer's initial monotone sequence); the
 * public functions.
 *
 * Reference: Vehtari, Gelman, Simpson, Carpenter and Buerkner (2021),
 * "Rank-normalization, folding, and localization: An improved R-hat for
 * assessing convergence of MCMC", Bayesian Analysis 16(2) 667-718, and its
 * reference implementation, the R package posterior (R/convergence.R:
 * .split_chains, z_scale, fold_draws, .rhat, .ess, ess_quantile,
 * mcse_quantile), which this file follows step by step.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_statistics_double.h>

#include <attrition/att_diagnostics.h>
#include <attrition/att_summary.h>

#include "emath.h"
#include "fft.h"
#include "internal.h"
#include "sort.h"
#include "special.h"

/* C11's NAN is a float constant; this is the double the outputs hold. */
#define DIAG_NAN ((double)NAN)

#define DIAG_LN10 2.30258509299404568402 /* log 10 */

/* A series is constant when max - min < DIAG_CONSTANT_TOL, as posterior's
 * is_constant (tol = .Machine$double.eps, an absolute tolerance). */
#define DIAG_CONSTANT_TOL DBL_EPSILON

/* Blom's fractional offset c of the rank back-transform
 * (r - c) / (S - 2c + 1) (posterior's backtransform_ranks; Blom 1958). */
#define DIAG_BLOM_OFFSET 0.375

/* ESS needs at least this many draws per split chain (posterior's .ess). */
#define DIAG_ESS_MIN_DRAWS 3

/* Tail-ESS uses the indicators of these quantiles (the paper's tail-ESS). */
#define DIAG_TAIL_LOW  0.05
#define DIAG_TAIL_HIGH 0.95

/* mcse_quantile takes the Beta quantiles at Phi(-1) and Phi(1), written to
 * 7 digits as in posterior (R/convergence.R, .mcse_quantile). */
#define DIAG_MCSE_P_LOW  0.1586553
#define DIAG_MCSE_P_HIGH 0.8413447

struct att_diag_workspace {
    size_t n_chains; /* M, chains as given */
    size_t n_draws;  /* N, draws per chain as given */
    size_t half;     /* floor(N / 2): draws per split chain */
    size_t n_split;  /* 2 M half: draws in the split chains (middle draws left out) */
    size_t n_total;  /* M N: all draws */
    size_t fft_len;  /* power of two >= 2 half: zero padding makes the FFT linear */
    double *sorted;  /* n_total: sorted copy of the draws */
    double *tmp;     /* n_total: folded draws or quantile indicators, as the draws */
    double *split;   /* n_split: split chain k at [k half, (k + 1) half) */
    size_t *order;   /* n_split: permutation sorting split, for the ranks */
    double *fft;     /* fft_len: one split chain, its spectrum, its autocovariance */
    double *fft_im;  /* fft_len: their imaginary parts */
    att_fft *plan;   /* the transform of length fft_len */
    double
        *zrank; /* n_split: the normal score of each whole rank r, Phi^-1((r - c) / (S - 2c + 1)) */
    double *acov;  /* half: autocovariance at each lag, averaged over split chains */
    double *rho;   /* half: autocorrelation estimates (Geyer's sequence) */
    double *means; /* 2 M: split chain means */
};

/* The normal score of rank r among s: Phi^-1((r - c) / (s - 2c + 1)). */
static double
diag_rank_score(double r, double s)
{
    return att_normal_quantile((r - DIAG_BLOM_OFFSET) / (s - 2.0 * DIAG_BLOM_OFFSET + 1.0));
}

/* --- The workspace --------------------------------------------------- */

att_diag_workspace *
att_diag_alloc(size_t n_chains, size_t n_draws, att_error *err)
{
    att_diag_workspace *w = NULL;
    size_t half, n_total, len = 1, k;

    if (n_chains < 1) {
        ATT_FAIL(err, ATT_EINVAL, "n_chains: expected at least 1 chain, found 0");
        return NULL;
    }
    if (n_draws < ATT_DIAG_MIN_DRAWS) {
        ATT_FAIL(err, ATT_EINVAL, "n_draws: expected at least %d draws per chain, found %zu",
                 ATT_DIAG_MIN_DRAWS, n_draws);
        return NULL;
    }
    /* Every buffer holds at most n_total doubles or size_t, fft_len <= 4 half
     * <= 2 n_total: bounding n_total by SIZE_MAX / 16 keeps every size
     * computation below from overflowing. */
    if (n_chains > SIZE_MAX / 16 / n_draws) {
        ATT_FAIL(err, ATT_ENOMEM, "%zu chains of %zu draws: too many draws to index", n_chains,
                 n_draws);
        return NULL;
    }
    n_total = n_chains * n_draws;
    half = n_draws / 2;
    while (len < 2 * half)
        len *= 2;

    w = att_mem_calloc(1, sizeof *w);
    if (w == NULL)
        goto nomem;
    w->n_chains = n_chains;
    w->n_draws = n_draws;
    w->half = half;
    w->n_split = 2 * n_chains * half;
    w->n_total = n_total;
    w->fft_len = len;
    w->sorted = att_mem_calloc(n_total, sizeof *w->sorted);
    w->tmp = att_mem_calloc(n_total, sizeof *w->tmp);
    w->split = att_mem_calloc(w->n_split, sizeof *w->split);
    w->order = att_mem_calloc(w->n_split, sizeof *w->order);
    w->fft = att_mem_calloc(len, sizeof *w->fft);
    w->fft_im = att_mem_calloc(len, sizeof *w->fft_im);
    w->plan = att_fft_alloc(len);
    w->zrank = att_mem_calloc(w->n_split + 1, sizeof *w->zrank);
    w->acov = att_mem_calloc(half, sizeof *w->acov);
    w->rho = att_mem_calloc(half, sizeof *w->rho);
    w->means = att_mem_calloc(2 * n_chains, sizeof *w->means);
    if (w->sorted == NULL || w->tmp == NULL || w->split == NULL || w->order == NULL ||
        w->fft == NULL || w->acov == NULL || w->rho == NULL || w->means == NULL ||
        w->fft_im == NULL || w->plan == NULL || w->zrank == NULL)
        goto nomem;
    /* Ties aside, every parameter's ranks are 1..S: their scores once. */
    for (k = 0; k < w->n_split; k++)
        w->zrank[k] = diag_rank_score((double)(k + 1), (double)w->n_split);
    return w;

nomem:
    att_diag_free(w);
    ATT_FAIL(err, ATT_ENOMEM, "out of memory for diagnostics of %zu chains of %zu draws", n_chains,
             n_draws);
    return NULL;
}

void
att_diag_free(att_diag_workspace *w)
{
    if (w == NULL)
        return;
    att_mem_free(w->means);
    att_mem_free(w->rho);
    att_mem_free(w->acov);
    att_mem_free(w->fft);
    att_mem_free(w->fft_im);
    att_fft_free(w->plan);
    att_mem_free(w->zrank);
    att_mem_free(w->order);
    att_mem_free(w->split);
    att_mem_free(w->tmp);
    att_mem_free(w->sorted);
    att_mem_free(w);
}

/* --- Checks and splitting -------------------------------------------- */

static att_status
diag_check_draws(const att_diag_workspace *w, const double *draws, att_error *err)
{
    size_t k;

    for (k = 0; k < w->n_total; k++)
        if (!isfinite(draws[k]))
            return ATT_FAIL(err, ATT_EDATA,
                            "draws: draw %zu of chain %zu (0-based) is %g; draws must be finite",
                            k % w->n_draws, k / w->n_draws, draws[k]);
    return ATT_OK;
}

static att_status
diag_check_prob(double prob, att_error *err)
{
    if (!(prob >= 0.0 && prob <= 1.0))
        return ATT_FAIL(err, ATT_EINVAL, "prob: expected a probability in [0, 1], found %g", prob);
    return ATT_OK;
}

/* Fills w->sorted with the draws in increasing order. */
static void
diag_sort(att_diag_workspace *w, const double *draws)
{
    memcpy(w->sorted, draws, w->n_total * sizeof *draws);
    att_sort(w->sorted, w->n_total);
}

/* Type-7 quantile of the sorted draws, ties returned exactly: the tail
 * indicators I(x <= q) of discrete draws depend on it (summary.c). */
static double
diag_quantile(const att_diag_workspace *w, double prob)
{
    return att_summary_quantile_ties(w->sorted, w->n_total, prob);
}

/* Splits each chain in two halves of floor(N / 2) draws, leaving out the
 * middle draw of an odd chain; split chain k < M is the first half of chain
 * k, split chain M + k its second half (posterior's .split_chains). */
static void
diag_split(att_diag_workspace *w, const double *x)
{
    size_t c, h = w->half, m = w->n_chains;

    for (c = 0; c < m; c++) {
        memcpy(w->split + c * h, x + c * w->n_draws, h * sizeof *x);
        memcpy(w->split + (m + c) * h, x + c * w->n_draws + (w->n_draws - h), h * sizeof *x);
    }
}

/* True when max - min of the n values is below DIAG_CONSTANT_TOL. */
static bool
diag_is_constant(const double *x, size_t n)
{
    double lo = x[0], hi = x[0];
    size_t i;

    for (i = 1; i < n; i++) {
        if (x[i] < lo)
            lo = x[i];
        if (x[i] > hi)
            hi = x[i];
    }
    return hi - lo < DIAG_CONSTANT_TOL;
}

/* --- Rank normalisation ---------------------------------------------- */

/* Replaces the split draws by their normal scores
 * Phi^-1((r - c) / (S - 2c + 1)), r the rank among all S split draws with
 * ties given their average rank (posterior's z_scale). */
static void
diag_rank_normalise(att_diag_workspace *w)
{
    const double s = (double)w->n_split;
    size_t i = 0, j, k;

    att_sort_index(w->order, w->split, w->n_split);
    while (i < w->n_split) {
        double r, z;

        for (j = i; j + 1 < w->n_split && w->split[w->order[j + 1]] == w->split[w->order[i]];)
            j++;
        /* Ranks i + 1 .. j + 1 share their mean; the group's values are
         * only overwritten once its extent is known. */
        r = (double)(i + j + 2) / 2.0;
        z = i == j ? w->zrank[i] : diag_rank_score(r, s);
        for (k = i; k <= j; k++)
            w->split[w->order[k]] = z;
        i = j + 1;
    }
}

/* --- R-hat ----------------------------------------------------------- */

/* Split-R-hat of the split chains in w->split (posterior's .rhat): sqrt((B / W + n - 1) / n) with B
 * = n var(chain means) and W the mean within-chain variance, both with divisor (count - 1).  NaN
 * for constant input; +Inf when W = 0 < B. */
static double
diag_rhat_split(att_diag_workspace *w)
{
    const size_t k_chains = 2 * w->n_chains, n = w->half;
    double var_between, var_within = 0.0;
    size_t k;

    if (diag_is_constant(w->split, w->n_split))
        return DIAG_NAN;
    for (k = 0; k < k_chains; k++) {
        const double *x = w->split + k * n;
        w->means[k] = gsl_stats_mean(x, 1, n);
        var_within += gsl_stats_variance_m(x, 1, n, w->means[k]);
    }
    var_within /= (double)k_chains;
    var_between = (double)n * gsl_stats_variance(w->means, 1, k_chains);
    return sqrt((var_between / var_within + (double)n - 1.0) / (double)n);
}

/* --- ESS ------------------------------------------------------------- */

/* Adds the biased autocovariance (1/n) sum_i y_i y_{i+t}, y = x - mean(x),
 * of one split chain x to w->acov, at every lag t < n.  The linear
 * correlation comes from a zero-padded radix-2 FFT: |FFT(y)|^2, transformed
 * back, is the circular autocorrelation, which equals the linear one when
 * the length is at least 2n.  A chain of equal values adds 0, as in
 * posterior's autocovariance. */
static void
diag_add_autocov(att_diag_workspace *w, const double *x, double mean)
{
    const size_t n = w->half, len = w->fft_len;
    double *f = w->fft;
    size_t i, t;

    for (i = 1; i < n && x[i] == x[0]; i++)
        ;
    if (i == n)
        return;
    for (i = 0; i < n; i++)
        f[i] = x[i] - mean;
    memset(f + n, 0, (len - n) * sizeof *f);
    memset(w->fft_im, 0, len * sizeof *w->fft_im);
    att_fft_run(w->plan, f, w->fft_im, false);
    for (i = 0; i < len; i++) {
        f[i] = f[i] * f[i] + w->fft_im[i] * w->fft_im[i];
        w->fft_im[i] = 0.0;
    }
    att_fft_run(w->plan, f, w->fft_im, true);
    /* the inverse leaves out its 1 / len */
    for (t = 0; t < n; t++)
        w->acov[t] += f[t] / ((double)len * (double)n);
}

/* ESS of the split chains in w->split (the paper's multi-chain ESS;
 * posterior's .ess, followed line by line).  *out_ess is NaN for split
 * chains shorter than DIAG_ESS_MIN_DRAWS or constant input; *out_capped
 * tells whether tau was raised to 1 / log10(S), capping the ESS at
 * S log10(S). */
static void
diag_ess_split(att_diag_workspace *w, double *out_ess, bool *out_capped)
{
    const size_t k_chains = 2 * w->n_chains, n = w->half, s = w->n_split;
    double mean_var, var_plus, rho_even, rho_odd, sum, tau, bound;
    double *rho = w->rho, *acov = w->acov;
    size_t k, t, max_t;

    *out_ess = DIAG_NAN;
    *out_capped = false;
    if (n < DIAG_ESS_MIN_DRAWS || diag_is_constant(w->split, s))
        return;

    memset(acov, 0, n * sizeof *acov);
    for (k = 0; k < k_chains; k++) {
        const double *x = w->split + k * n;

        w->means[k] = gsl_stats_mean(x, 1, n);
        diag_add_autocov(w, x, w->means[k]);
    }
    for (t = 0; t < n; t++)
        acov[t] /= (double)k_chains;
    mean_var = acov[0] * (double)n / (double)(n - 1);
    var_plus = mean_var * (double)(n - 1) / (double)n;
    var_plus += gsl_stats_variance(w->means, 1, k_chains); /* k_chains >= 2 */

    /* Geyer's initial positive sequence: sums of adjacent pairs of
     * autocorrelations (rho_t = 1 - (W - mean acov_t) / var_plus)
     * while they stay positive, leaving the last pairs for the bias term. */
    memset(rho, 0, n * sizeof *rho);
    t = 0;
    rho_even = 1.0;
    rho[0] = rho_even;
    rho_odd = 1.0 - (mean_var - acov[1]) / var_plus;
    rho[1] = rho_odd;
    while (t + 5 < n && rho_even + rho_odd > 0.0) {
        t += 2;
        rho_even = 1.0 - (mean_var - acov[t]) / var_plus;
        rho_odd = 1.0 - (mean_var - acov[t + 1]) / var_plus;
        if (rho_even + rho_odd >= 0.0) {
            rho[t] = rho_even;
            rho[t + 1] = rho_odd;
        }
    }
    max_t = t;
    /* The last positive even-lag term enters the improved estimate, which
     * reduces variance for antithetic chains. */
    if (rho_even > 0.0)
        rho[max_t] = rho_even;

    /* Geyer's initial monotone sequence. */
    for (t = 2; t + 2 <= max_t; t += 2)
        if (rho[t] + rho[t + 1] > rho[t - 2] + rho[t - 1]) {
            rho[t] = (rho[t - 2] + rho[t - 1]) / 2.0;
            rho[t + 1] = rho[t];
        }

    /* tau = -1 + 2 sum_{t < max_t} rho_t + rho_{max_t}.  posterior writes
     * the sum as sum(rho_hat_t[1:max_t]), which for max_t = 0 is R's 1:0 =
     * c(1, 0), that is rho_0 = 1 (Stan's head(max_s) with max_s = 1 agrees):
     * kept, so that ESS = S / 2 when the pair loop never runs. */
    sum = 0.0;
    if (max_t == 0)
        sum = rho[0];
    for (t = 0; t < max_t; t++)
        sum += rho[t];
    tau = -1.0 + 2.0 * sum + rho[max_t];
    /* Safety bound against negative tau: ESS <= S log10(S). */
    bound = DIAG_LN10 / att_log((double)s); /* 1 / log10(S) */
    if (tau < bound) {
        tau = bound;
        *out_capped = true;
    }
    *out_ess = (double)s / tau;
}

/* The ESS of the quantile of probability prob of the draws: w->sorted must
 * hold the sorted draws (posterior's .ess_quantile). */
static void
diag_ess_quantile(
    att_diag_workspace *w, const double *draws, double prob, double *out_ess, bool *out_capped)
{
    double q;
    size_t k;

    *out_ess = DIAG_NAN;
    *out_capped = false;
    if (w->sorted[w->n_total - 1] - w->sorted[0] < DIAG_CONSTANT_TOL)
        return;
    if (prob == 1.0)
        prob = ((double)w->n_total - 0.5) / (double)w->n_total;
    q = diag_quantile(w, prob);
    for (k = 0; k < w->n_total; k++)
        w->tmp[k] = draws[k] <= q ? 1.0 : 0.0;
    diag_split(w, w->tmp);
    diag_ess_split(w, out_ess, out_capped);
}

/* Tail-ESS with w->sorted filled; NaN if either indicator's ESS is. */
static void
diag_ess_tail(att_diag_workspace *w, const double *draws, double *out_ess, bool *out_capped)
{
    double lo, hi;
    bool lo_capped, hi_capped;

    diag_ess_quantile(w, draws, DIAG_TAIL_LOW, &lo, &lo_capped);
    diag_ess_quantile(w, draws, DIAG_TAIL_HIGH, &hi, &hi_capped);
    if (isnan(lo) || isnan(hi)) {
        *out_ess = DIAG_NAN;
        *out_capped = false;
    } else {
        /* The cap is the largest ESS there is: the minimum is capped only
         * when both are. */
        *out_ess = lo <= hi ? lo : hi;
        *out_capped = lo_capped && hi_capped;
    }
}

/* The improved R-hat with w->sorted filled. */
static double
diag_rhat(att_diag_workspace *w, const double *draws)
{
    const double med = diag_quantile(w, 0.5);
    double bulk, tail;
    size_t k;

    diag_split(w, draws);
    diag_rank_normalise(w);
    bulk = diag_rhat_split(w);
    for (k = 0; k < w->n_total; k++)
        w->tmp[k] = fabs(draws[k] - med);
    diag_split(w, w->tmp);
    diag_rank_normalise(w);
    tail = diag_rhat_split(w);
    if (isnan(bulk) || isnan(tail))
        return DIAG_NAN;
    return bulk >= tail ? bulk : tail;
}

/* The MCSE of the prob-quantile with w->sorted filled (posterior's
 * mcse_quantile): NaN where its ESS is; ATT_ENOCONV where a Beta quantile
 * fails. */
static att_status
diag_mcse_sorted(
    att_diag_workspace *w, const double *draws, double prob, double *out_mcse, att_error *err)
{
    const double s = (double)w->n_total;
    double ess, a, b, lo, hi, i_lo, i_hi;
    bool capped;

    diag_ess_quantile(w, draws, prob, &ess, &capped);
    if (isnan(ess)) {
        *out_mcse = DIAG_NAN;
        return ATT_OK;
    }
    /* A central 68% interval for the quantile's rank fraction is
     * Beta(ess p + 1, ess (1 - p) + 1); its ends pick order statistics. */
    a = ess * prob + 1.0;
    b = ess * (1.0 - prob) + 1.0;
    lo = att_beta_pinv(DIAG_MCSE_P_LOW, a, b);
    hi = att_beta_pinv(DIAG_MCSE_P_HIGH, a, b);
    if (!isfinite(lo) || !isfinite(hi))
        return ATT_FAIL(err, ATT_ENOCONV, "mcse_quantile: Beta(%g, %g) quantile did not converge",
                        a, b);
    /* R's 1-based ssims[max(floor(lo S), 1)] and ssims[min(ceiling(hi S), S)]. */
    i_lo = fmax(floor(lo * s), 1.0);
    i_hi = fmin(ceil(hi * s), s);
    *out_mcse = (w->sorted[(size_t)i_hi - 1] - w->sorted[(size_t)i_lo - 1]) / 2.0;
    return ATT_OK;
}

/* --- Public functions ------------------------------------------------ */

att_status
att_diag_summarise(att_diag_workspace *w,
                   const double *draws,
                   att_diag_summary *out,
                   att_error *err)
{
    att_diag_summary s;
    bool capped;
    att_status st;

    st = diag_check_draws(w, draws, err);
    if (st != ATT_OK)
        return st;
    memset(&s, 0, sizeof s);
    diag_sort(w, draws);
    s.q05 = diag_quantile(w, DIAG_TAIL_LOW);
    s.q50 = diag_quantile(w, 0.5);
    s.q95 = diag_quantile(w, DIAG_TAIL_HIGH);
    s.mean = gsl_stats_mean(draws, 1, w->n_total);
    s.sd = gsl_stats_sd_m(draws, 1, w->n_total, s.mean);

    s.rhat = diag_rhat(w, draws);
    if (isnan(s.rhat))
        s.flags |= ATT_DIAG_RHAT_NAN;

    diag_split(w, draws);
    diag_rank_normalise(w);
    diag_ess_split(w, &s.ess_bulk, &capped);
    if (isnan(s.ess_bulk))
        s.flags |= ATT_DIAG_BULK_NAN;
    if (capped)
        s.flags |= ATT_DIAG_BULK_CAPPED;

    diag_ess_tail(w, draws, &s.ess_tail, &capped);
    if (isnan(s.ess_tail))
        s.flags |= ATT_DIAG_TAIL_NAN;
    if (capped)
        s.flags |= ATT_DIAG_TAIL_CAPPED;

    if ((st = diag_mcse_sorted(w, draws, DIAG_TAIL_LOW, &s.mcse_q05, err)) != ATT_OK ||
        (st = diag_mcse_sorted(w, draws, 0.5, &s.mcse_q50, err)) != ATT_OK ||
        (st = diag_mcse_sorted(w, draws, DIAG_TAIL_HIGH, &s.mcse_q95, err)) != ATT_OK)
        return st;
    *out = s;
    return ATT_OK;
}

att_status
att_diag_rhat(att_diag_workspace *w, const double *draws, double *out_rhat, att_error *err)
{
    att_status st = diag_check_draws(w, draws, err);

    if (st != ATT_OK)
        return st;
    diag_sort(w, draws);
    *out_rhat = diag_rhat(w, draws);
    return ATT_OK;
}

att_status
att_diag_rhat_basic(att_diag_workspace *w, const double *draws, double *out_rhat, att_error *err)
{
    att_status st = diag_check_draws(w, draws, err);

    if (st != ATT_OK)
        return st;
    diag_split(w, draws);
    *out_rhat = diag_rhat_split(w);
    return ATT_OK;
}

att_status
att_diag_ess_bulk(att_diag_workspace *w, const double *draws, double *out_ess, att_error *err)
{
    double ess;
    bool capped;
    att_status st = diag_check_draws(w, draws, err);

    if (st != ATT_OK)
        return st;
    diag_split(w, draws);
    diag_rank_normalise(w);
    diag_ess_split(w, &ess, &capped);
    *out_ess = ess;
    return ATT_OK;
}

att_status
att_diag_ess_tail(att_diag_workspace *w, const double *draws, double *out_ess, att_error *err)
{
    double ess;
    bool capped;
    att_status st = diag_check_draws(w, draws, err);

    if (st != ATT_OK)
        return st;
    diag_sort(w, draws);
    diag_ess_tail(w, draws, &ess, &capped);
    *out_ess = ess;
    return ATT_OK;
}

att_status
att_diag_ess_basic(att_diag_workspace *w, const double *draws, double *out_ess, att_error *err)
{
    double ess;
    bool capped;
    att_status st = diag_check_draws(w, draws, err);

    if (st != ATT_OK)
        return st;
    diag_split(w, draws);
    diag_ess_split(w, &ess, &capped);
    *out_ess = ess;
    return ATT_OK;
}

att_status
att_diag_ess_quantile(
    att_diag_workspace *w, const double *draws, double prob, double *out_ess, att_error *err)
{
    double ess;
    bool capped;
    att_status st = diag_check_prob(prob, err);

    if (st == ATT_OK)
        st = diag_check_draws(w, draws, err);
    if (st != ATT_OK)
        return st;
    diag_sort(w, draws);
    diag_ess_quantile(w, draws, prob, &ess, &capped);
    *out_ess = ess;
    return ATT_OK;
}

att_status
att_diag_mcse_quantile(
    att_diag_workspace *w, const double *draws, double prob, double *out_mcse, att_error *err)
{
    att_status st = diag_check_prob(prob, err);

    if (st == ATT_OK)
        st = diag_check_draws(w, draws, err);
    if (st != ATT_OK)
        return st;
    diag_sort(w, draws);
    return diag_mcse_sorted(w, draws, prob, out_mcse, err);
}

att_status
att_diag_quantiles(att_diag_workspace *w,
                   const double *draws,
                   const double *probs,
                   size_t n_probs,
                   double *out_q,
                   att_error *err)
{
    size_t k;
    att_status st;

    for (k = 0; k < n_probs; k++) {
        st = diag_check_prob(probs[k], err);
        if (st != ATT_OK)
            return st;
    }
    st = diag_check_draws(w, draws, err);
    if (st != ATT_OK)
        return st;
    diag_sort(w, draws);
    for (k = 0; k < n_probs; k++)
        out_q[k] = diag_quantile(w, probs[k]);
    return ATT_OK;
}
