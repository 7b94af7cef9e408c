/* post_sampling.c -- the sampler's coordinates xi (docs/model.md,
 * section 3; att_posterior_logp_sampling).
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
 * enters through a_i and s_i^2 and is added to the likelihood's at those
 * points, which post_quantity_push then takes to the per-time sums.  One-sided figures
 * are left out of P_s: they pin b_s on one side only.  What is left at
 * small sigma is not a bias funnel and no such map removes it: the
 * likelihood of a windowed figure becomes a comb with one tooth of width
 * sigma per day (10), and a range or one-sided figure a box with walls of
 * width sigma.
 */
#include <math.h>

#include "post.h"

/* Lambda_s, M_s and sqrt(v_s) of every estimated bias, and a_i, p_i of
 * every pooled report, from the model values in w.  false where some
 * pooled log m is not finite (an underflow far out in the tails), where
 * the sampling coordinates are not defined. */
bool
post_sampling_level(const att_posterior *post, att_posterior_workspace *w)
{
    size_t i, k, d;

    for (i = 0; i < post->dim; i++)
        if (post->info[i].kind == ATT_PAR_BIAS) {
            double tau = post->info[i].prior_sd;
            w->lam[i] = 1.0 / (tau * tau);
            w->msum[i] = 0.0;
        }
    for (k = 0; k < post->npool; k++) {
        const post_pool *q = &post->pool[k];
        const post_point *pt = post->pt + q->first;
        const double *lm = w->lm + q->first;
        double a = 0.0, v = 0.0, s2 = w->sig[q->noise] * w->sig[q->noise], p;
        /* The mean and variance of log m over the window's days: a windowed
         * figure pins b only to within the spread of log m (equation (10)). */
        if (q->unit) /* the same sums with mult = 1 */
            for (d = 0; d < q->n; d++)
                a += lm[d];
        else
            for (d = 0; d < q->n; d++)
                a += pt[d].mult * lm[d];
        if (!isfinite(a))
            return false; /* some log m is not: their logs are far from overflowing */
        a *= q->rnlevel;
        for (d = 0; d < q->n; d++) {
            double e = lm[d] - a;
            v += (q->unit ? e : pt[d].mult * e) * e;
        }
        p = 1.0 / (s2 + v * q->rnlevel + q->lspread);
        w->lev_a[k] = a;
        w->lev_p[k] = p;
        w->lam[q->bias] += p;
        w->msum[q->bias] += p * (q->lcentre - a);
    }
    for (i = 0; i < post->dim; i++)
        if (post->info[i].kind == ATT_PAR_BIAS) {
            if (!isfinite(w->lam[i]) || !isfinite(w->msum[i]))
                return false;
            w->sqv[i] = 1.0 / sqrt(w->lam[i]);
        }
    return true;
}

/* theta from the sampling coordinates xi, given post_sampling_level. */
void
post_sampling_to_theta(const att_posterior *post,
                       const att_posterior_workspace *w,
                       const double *xi,
                       double *theta)
{
    size_t i;

    for (i = 0; i < post->dim; i++)
        theta[i] =
            post->info[i].kind != ATT_PAR_BIAS ? xi[i] : w->msum[i] / w->lam[i] + w->sqv[i] * xi[i];
}

/* The chain rule from the gradient at theta (grad, with w->gpt not yet
 * pushed and w->gsig still open) to the gradient at xi, log-Jacobian
 * included: b_s moves with a_i, p_i (through log m at the pooled points,
 * whose share is added to the likelihood's in w->gpt) and with sigma.
 * 1 / n_i is the design's (rnlevel): a division a report would make its
 * few days wait on. */
void
post_sampling_chain(const att_posterior *post,
                    att_posterior_workspace *w,
                    const double *xi,
                    double kappa,
                    double *grad)
{
    size_t i, k, d;

    /* v_s and c_s, once a bias rather than once a report. */
    for (i = 0; i < post->dim; i++)
        if (post->info[i].kind == ATT_PAR_BIAS) {
            w->bv[i] = 1.0 / w->lam[i];
            w->bc[i] = w->msum[i] + 0.5 * xi[i] / w->sqv[i];
        }
    for (k = 0; k < post->npool; k++) {
        const post_pool *q = &post->pool[k];
        const post_point *pt = post->pt + q->first;
        const double *lm = w->lm + q->first;
        double gb = grad[q->bias]; /* d log p / d b_s, prior and likelihood */
        double v = w->bv[q->bias], c = w->bc[q->bias], p = w->lev_p[k], ap, ar, t, gq = 0.0;
        double la = w->lev_a[k], sigma = w->sig[q->noise], *g = w->gpt + q->first;
        /* Coefficients of dp_i and da_i: db_s = dp_i (v r_i - v^2 c) -
         * v p_i da_i, and d(-log Lambda_s / 2) = -v dp_i / 2; then dp_i =
         * -p_i^2 (2 sigma^2 dlog sigma + d s_i^2); the point's share is
         * mult (-ar - t (log m - a_i)) with ar = v p_i gb / n_i and t =
         * 2 ap p_i^2 / n_i. */
        ap = gb * (v * (q->lcentre - la) - v * v * c) - 0.5 * v;
        ar = gb * v * p;
        w->gsig[q->noise] -= ap * p * p * 2.0 * sigma * sigma;
        t = 2.0 * ap * p * p * q->rnlevel;
        ar *= q->rnlevel;
        if (q->unit)
            for (d = 0; d < q->n; d++) {
                double e = -ar - t * (lm[d] - la);
                g[d] += e;
                gq += e;
            }
        else
            for (d = 0; d < q->n; d++) {
                double e = pt[d].mult * (-ar - t * (lm[d] - la));
                g[d] += e;
                gq += e;
            }
        post_quantity_kappa(w, q->share, kappa, gq);
    }
    for (i = 0; i < post->dim; i++)
        if (post->info[i].kind == ATT_PAR_BIAS)
            grad[i] *= w->sqv[i];
}
