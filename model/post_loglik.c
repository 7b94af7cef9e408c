/* post_loglik.c -- the likelihood terms (docs/model.md, equations
 * (6)-(10)): a point figure of one evaluation point (7), the window mean
 * of a report's points on the probability scale (windowed point figures,
 * and every one-sided and range figure, one of a single point too), the
 * log scale that censored figures fall back to (one point's term by
 * qualifier), their gradients with respect to log m, the bias and log
 * sigma, and the sum over reports with the prior (13).
 */
#include <math.h>
#include <string.h>

#include "emath.h"
#include "normal.h"
#include "post.h"

/* The end of every report's gradient, once g[d] = d ell / d log m at each
 * point is in w->gpt (which post_quantity_push takes to the per-time sums
 * once every report's is there): gb, their sum in the points' order, to
 * the bias (whose derivative is the same; an undercount class's log c_s
 * moves as c_s's logit times 1 - c_s) and to kappa, gsig to its noise
 * slot's log sigma. */
static ATT_ALWAYS_INLINE void
post_loglik_gradient(att_posterior_workspace *w,
                     const post_report *q,
                     double kappa,
                     double gb,
                     double gsig,
                     double *grad)
{
    post_quantity_kappa(w, q->mk.share, kappa, gb);
    if (q->bias != ATT_NONE)
        grad[q->bias] += gb;
    if (q->cpl != ATT_NONE)
        grad[q->cpl] += gb * (1.0 - w->lgs[q->cpl]);
    w->gsig[q->noise] += gsig;
}

/* A censored figure's log-likelihood at one point given log m (equations
 * (8)-(9)), isig = 1 / sigma, on the log scale that such a figure falls
 * back to (post_loglik_finish); *gm and *gs get its derivatives with
 * respect to log m (equal to those with respect to the bias) and log
 * sigma. */
static double
post_loglik_point(const post_report *q, double lm, double b, double isig, double *gm, double *gs)
{
    double z, za, zb, da, db, d, r;

    *gm = *gs = 0.0;
    if (lm == -HUGE_VAL) /* m = 0: only "up to" can still be true */
        return q->qual == ATT_QUAL_UP_TO ? 0.0 : -HUGE_VAL;
    switch (q->qual) {
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
    default: /* range: Phi(z_hi) - Phi(z_lo) (a point figure never comes here) */
        za = (q->llo - lm - b) * isig;
        zb = (q->lhi - lm - b) * isig;
        r = att_log_ndtr_diff(za, zb, &da, &db);
        *gm = -(da + db) * isig;
        *gs = -(da * za + db * zb);
        return r;
    }
}

/* A point figure of one evaluation point (a level on one day, or over
 * days with one model value; a change over a period): equation (7)
 * alone, and with grad its gradient, as the mean of one point would take
 * it, its weight 1 written out (0.0 + keeps the sums' first additions).
 * -inf where m = 0 or where the term is not a number, before any
 * gradient, as that mean's largest term would have it. */
static ATT_ALWAYS_INLINE double
post_loglik_day(
    att_posterior_workspace *w, const post_report *q, double b, double kappa, double *grad)
{
    double lm = w->lm[q->first], isig = w->isig[q->noise], z, gm, ell;

    z = (q->ly - lm - b) * isig;
    ell = -0.5 * z * z - w->lsig[q->noise] - POST_LOG_SQRT_2PI;
    if (!(ell > -HUGE_VAL)) /* m = 0 (z = +inf), or not a number */
        return -HUGE_VAL;
    if (grad != NULL) {
        gm = z * isig;
        w->gpt[q->first] = gm;
        post_loglik_gradient(w, q, kappa, 0.0 + gm, 0.0 + (z * z - 1.0), grad);
    }
    return ell;
}

/* Below this z a one-sided probability may leave the range where the tail
 * Q keeps its relative accuracy; a figure with such a day is averaged on
 * the log scale instead. */
#define POST_LINEAR_FLOOR (-30.0)
#define POST_LOG_HALF     (-0.69314718055994530942) /* log(1/2) */

/* Below this largest log term a window's terms are shifted before their
 * exp (post_loglik_prepare): above it the largest exp is far from
 * underflowing. */
#define POST_WINDOW_FLOOR (-500.0)

/* A report's bias term: its class's bias, an undercount class's log c_s,
 * or 0. */
static double
post_loglik_bias(const att_posterior_workspace *w, const post_report *q, const double *theta)
{
    return q->bias != ATT_NONE  ? theta[q->bias]
           : q->cpl != ATT_NONE ? w->lgl[q->cpl] /* log c_s */
                                : 0.0;
}

/* The first half of a vector path's report r (q): what its days'
 * transcendentals take, into vx (and z into vz) at q->vo.  A window's
 * log terms, for exp, less the shift kept in rmx[r] (their largest where
 * it is below POST_WINDOW_FLOOR, else 0; -inf where every term is); a one-sided
 * figure's |x_d|, for the normal tail, with rmx[r] = 0 where some day is
 * so far in the tail that the probability scale loses its digits; a
 * range's |z| at its lower bounds, then at its upper ones. */
static ATT_ALWAYS_INLINE void
post_loglik_prepare(const att_posterior_workspace *w, const post_report *q, size_t r, double b)
{
    const double *lm = w->lm + q->first;
    double *x = w->vz + q->vo, *t = w->vx + q->vo, isig = w->isig[q->noise], ly = q->ly;
    size_t d;

    if (q->path == POST_PATH_WINDOW) {
        double mx = -HUGE_VAL;
        for (d = 0; d < q->npoint; d++) {
            /* m = 0: a term of -inf, whatever sigma (-0.5 x_d^2 is NaN
             * where sigma overflowed: x_d = inf * 0) */
            double xd = (ly - lm[d] - b) * isig;
            double td = lm[d] == -HUGE_VAL ? -HUGE_VAL : -0.5 * xd * xd;
            x[d] = xd;
            t[d] = td;
            mx = td > mx ? td : mx;
        }
        /* Shifted by the largest term only where exp would underflow. */
        if (mx < POST_WINDOW_FLOOR && mx != -HUGE_VAL)
            for (d = 0; d < q->npoint; d++)
                t[d] -= mx;
        else if (mx != -HUGE_VAL)
            mx = 0.0;
        w->rmx[r] = mx;
    } else if (q->path == POST_PATH_RANGE) {
        size_t n = q->npoint;
        double llo = q->llo, lhi = q->lhi;
        for (d = 0; d < n; d++) {
            /* m = 0: both bounds at +infinity, a probability of 0 */
            double xa = (llo - lm[d] - b) * isig, xb = (lhi - lm[d] - b) * isig;
            x[d] = xa;
            x[n + d] = xb;
            t[d] = fabs(xa);
            t[n + d] = fabs(xb);
        }
    } else {
        double s = q->qual == ATT_QUAL_UP_TO ? 1.0 : -1.0, ok = 1.0;
        for (d = 0; d < q->npoint; d++) {
            /* m = 0: "up to" holds for sure, "at least" cannot (s inf, even
             * where sigma overflowed). */
            double xd = lm[d] == -HUGE_VAL ? s * HUGE_VAL : s * (ly - lm[d] - b) * isig;
            x[d] = xd;
            ok = xd < POST_LINEAR_FLOOR && xd != -HUGE_VAL ? 0.0 : ok;
            t[d] = fabs(xd);
        }
        w->rmx[r] = ok;
    }
}

/* The vector paths' transcendentals over days [from, to) of the windows
 * (exp) and of the one-sided reports and ranges (the smaller tail
 * Q(|x_d|), 0 at an infinite x_d, and phi(x_d) into vphi). */
static void
post_loglik_vector(const att_posterior *post, att_posterior_workspace *w, size_t from, size_t to)
{
    size_t wend = to < post->nvwin ? to : post->nvwin, sbeg = from > wend ? from : wend;

    if (from < wend)
        att_vexp(w->simd, wend - from, w->vx + from, w->vx + from);
    if (sbeg < to)
        att_vnormal_small_tail_pdf(w->simd, to - sbeg, w->vx + sbeg, w->vx + sbeg, w->vphi + sbeg);
}

/* Below this ratio of what a day's difference of tails starts from (their
 * sum, or 1 between the bounds) to its probability, the difference keeps
 * all but 4 of its 53 bits; a narrower range in z units goes to the log
 * scale (post_loglik_points). */
#define POST_RANGE_CANCEL 16.0

/* A one-sided or range report's (q's, the r-th's) sums on the
 * probability scale, from its days' tails in vx (post_loglik_vector):
 * sum[0] that of the days' probabilities P_d, sum[1] that of their
 * complements, each day's from the smaller tails (post_loglik_one_sided,
 * post_loglik_range).  false where the probability scale does not hold
 * and the log scale takes the report: a one-sided day too far in the
 * tail (rmx[r] = 0) or a likelihood of 0; a range's day whose difference
 * would cancel (a range narrow in z units), or a probability near the
 * underflow. */
static ATT_ALWAYS_INLINE bool
post_loglik_prob_sums(const att_posterior *post,
                      const att_posterior_workspace *w,
                      size_t r,
                      double *sum)
{
    const post_report *q = &post->rep[r];
    const double *x = w->vz + q->vo, *t = w->vx + q->vo;
    size_t n = q->npoint, d;
    double sp = 0.0, sq = 0.0;

    if (q->path == POST_PATH_ONE_SIDED) {
        if (w->rmx[r] == 0.0)
            return false;
        /* The smaller of P_d and 1 - P_d is Q(|x_d|), the other its complement. */
        for (d = 0; d < n; d++) {
            double mult = post->pt[q->first + d].mult, tail = t[d];
            sp += mult * (x[d] < 0.0 ? tail : 1.0 - tail);
            sq += mult * (x[d] < 0.0 ? 1.0 - tail : tail);
        }
        sum[0] = sp;
        sum[1] = sq;
        return sp != 0.0;
    }
    for (d = 0; d < n; d++) {
        double mult = post->pt[q->first + d].mult, ta = t[d], tb = t[n + d];
        bool between = x[d] < 0.0 && x[n + d] > 0.0;
        double pd = between ? 1.0 - ta - tb : x[d] >= 0.0 ? ta - tb : tb - ta;
        double cd = between ? ta + tb : 1.0 - pd;
        /* ta - tb loses the bits of (ta + tb) / pd, 1 - ta - tb those of 1 / pd */
        if ((between ? 1.0 : ta + tb) > POST_RANGE_CANCEL * pd)
            return false;
        sp += mult * pd;
        sq += mult * cd;
    }
    sum[0] = sp;
    sum[1] = sq;
    return sp > 0x1p-900;
}

/* The log of the mean of n days' probabilities from their sum sp and the
 * sum sq of their complements: log(sp / n), left to the caller's logs over
 * arrays (*out_s), or lg = log1p(-sq / n) where that keeps more digits. */
static double
post_loglik_sums(double sp, double sq, double n, double lg, double *out_s)
{
    *out_s = sp < sq ? sp / n : 1.0;
    return sp < sq ? 0.0 : lg;
}

/* A one-sided report's log-likelihood (equations (8) and (10))
 * on the probability scale, which takes one normal tail (with its density)
 * per day where the log scale takes four transcendentals: the mean of
 * P_d = Phi(s z_d) (s = +1 for up_to, -1 for at_least) is summed twice, as
 * sum P_d and as sum (1 - P_d) with each complement from its own tail
 * (post_loglik_prob_sums, into sum), and the log comes from whichever sum
 * keeps its digits (lg: log1p(-sum[1] / n), where it is taken).  Its
 * days' tails and densities are in vx, vphi (post_loglik_vector).  With
 * grad, the gradient goes where post_loglik_report sends it. */
static ATT_ALWAYS_INLINE double
post_loglik_one_sided(const att_posterior *post,
                      att_posterior_workspace *w,
                      const post_report *q,
                      double kappa,
                      const double *sum,
                      double lg,
                      double *grad,
                      double *out_s)
{
    double s = q->qual == ATT_QUAL_UP_TO ? 1.0 : -1.0, gsig = 0.0, gb = 0.0, isp, ell;
    double isig = w->isig[q->noise];
    const double *x = w->vz + q->vo, *pdf = w->vphi + q->vo;
    double *g = w->gpt + q->first;
    size_t d;

    ell = post_loglik_sums(sum[0], sum[1], q->ndays, lg, out_s);
    if (grad == NULL)
        return ell;
    isp = 1.0 / sum[0];
    /* d log mean P / d log m_d = -s phi(x_d) / (sigma sum P), and
     * d / d log sigma = -x_d phi(x_d) / sum P (z moves as -z). */
    for (d = 0; d < q->npoint; d++) {
        double phi = post->pt[q->first + d].mult * pdf[d] * isp;
        if (isinf(x[d])) {
            g[d] = 0.0; /* m = 0 whatever theta nearby */
            continue;
        }
        g[d] = -s * phi * isig;
        gsig -= x[d] * phi;
        gb += g[d];
    }
    post_loglik_gradient(w, q, kappa, gb, gsig, grad);
    return ell;
}

/* A range's log-likelihood (equations (9) and (10)) on the
 * probability scale, from its days' two normal tails in vx (lower bounds,
 * then upper; post_loglik_vector): P_d = Phi(zb) - Phi(za) is Q(za) -
 * Q(zb) where za >= 0 (the model value below both bounds), Phi(zb) -
 * Phi(za) where zb <= 0 (above both) and 1 - Phi(za) - Q(zb) between,
 * each from the smaller tails, as att_log_ndtr_diff takes them; their
 * sums are post_loglik_prob_sums's (sum), and near certainty the log
 * comes from the complements (lg), as for a one-sided figure. */
static ATT_ALWAYS_INLINE double
post_loglik_range(const att_posterior *post,
                  att_posterior_workspace *w,
                  const post_report *q,
                  double kappa,
                  const double *sum,
                  double lg,
                  double *grad,
                  double *out_s)
{
    size_t n = q->npoint, d;
    const double *z = w->vz + q->vo, *pdf = w->vphi + q->vo;
    double *g = w->gpt + q->first;
    double isig = w->isig[q->noise], gsig = 0.0, gb = 0.0, isp, ell;

    ell = post_loglik_sums(sum[0], sum[1], q->ndays, lg, out_s);
    if (grad == NULL)
        return ell;
    isp = 1.0 / sum[0];
    /* d P_d / d log m_d = (phi(za) - phi(zb)) / sigma, and d / d log sigma
     * = za phi(za) - zb phi(zb) (z moves as -z). */
    for (d = 0; d < n; d++) {
        double mult = post->pt[q->first + d].mult * isp;
        if (isinf(z[d])) {
            g[d] = 0.0; /* m = 0 whatever theta nearby (both bounds at +inf) */
            continue;
        }
        g[d] = mult * (pdf[d] - pdf[n + d]) * isig;
        gsig += mult * (z[d] * pdf[d] - z[n + d] * pdf[n + d]);
        gb += g[d];
    }
    post_loglik_gradient(w, q, kappa, gb, gsig, grad);
    return ell;
}

/* The probability-scale sums of every one-sided and range report
 * (post->prep, at their slots q->so), and the logs of their complements'
 * means over one array (vmath.h) where those are taken: what
 * post_loglik_finish then reads instead of taking them report by report.
 * w->pok says whether the probability scale holds. */
static void
post_loglik_prob(const att_posterior *post, att_posterior_workspace *w)
{
    size_t k;

    for (k = 0; k < post->nprob; k++) {
        size_t r = post->prep[k];
        double *sum = w->psum + 2 * k;
        bool ok = post_loglik_prob_sums(post, w, r, sum);
        w->pok[k] = ok ? 1.0 : 0.0;
        w->plg[k] = ok && !(sum[0] < sum[1]) ? -sum[1] / post->rep[r].ndays : 0.0;
    }
    att_vlog1p(w->simd, post->nprob, w->plg, w->plg);
}

/* A windowed point figure's log-likelihood (equations (7) and (10)) from
 * its days' exp(ell_d - mx) in vx (post_loglik_vector), with the normal
 * density written out, since these windows hold most of the ledger's
 * days; mx is post_loglik_prepare's shift (-inf: every day's term is). */
static ATT_ALWAYS_INLINE double
post_loglik_window(const att_posterior *post,
                   att_posterior_workspace *w,
                   const post_report *q,
                   double mx,
                   double kappa,
                   double *grad,
                   double *out_s)
{
    double sum = 0.0, gsig = 0.0, gb = 0.0, *e = w->vx + q->vo, *g = w->gpt + q->first, ell;
    const double *z = w->vz + q->vo;
    double isig = w->isig[q->noise];
    size_t d;

    if (mx == -HUGE_VAL)
        return -HUGE_VAL;
    if (q->unit)
        for (d = 0; d < q->npoint; d++)
            sum += e[d];
    else
        for (d = 0; d < q->npoint; d++) {
            e[d] *= post->pt[q->first + d].mult;
            sum += e[d];
        }
    ell = mx - q->lnpoint - w->lsig[q->noise] - POST_LOG_SQRT_2PI; /* + log(sum), the caller's */
    *out_s = sum;
    if (grad == NULL)
        return ell;
    sum = 1.0 / sum;
    /* A weight of 0 (m = 0, or an exp that underflowed) adds nothing, even
     * where z or z^2 is infinite. */
    for (d = 0; d < q->npoint; d++) {
        double wt = e[d] * sum, zd = z[d];
        g[d] = wt == 0.0 ? 0.0 : wt * zd * isig;
        gsig += wt == 0.0 ? 0.0 : wt * (zd * zd - 1.0);
        gb += g[d];
    }
    post_loglik_gradient(w, q, kappa, gb, gsig, grad);
    return ell;
}

/* Report r's (q's) log-likelihood by points on the log scale, the
 * fallback of the one-sided and range figures (see post_loglik_finish). */
static double
post_loglik_points(const att_posterior *post,
                   att_posterior_workspace *w,
                   const post_report *q,
                   double b,
                   double kappa,
                   double *grad,
                   double *out_s)
{
    size_t d;
    double mx = -HUGE_VAL, sum = 0.0, ell, gsig = 0.0, gb = 0.0;

    for (d = 0; d < q->npoint; d++) {
        w->ell[d] =
            post_loglik_point(q, w->lm[q->first + d], b, w->isig[q->noise], &w->gm[d], &w->gs[d]);
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
        w->gpt[q->first + d] = wt == 0.0 ? 0.0 : wt * w->gm[d];
        gsig += wt == 0.0 ? 0.0 : wt * w->gs[d];
        gb += w->gpt[q->first + d];
    }
    post_loglik_gradient(w, q, kappa, gb, gsig, grad);
    return ell;
}

/* The second half of report r's (q's) log-likelihood, once its vector
 * path's transcendentals are taken (and with pre, post_loglik_prob's
 * sums): see post_loglik_report.  The bias is looked up only by the
 * paths that read it. */
static ATT_ALWAYS_INLINE double
post_loglik_finish(const att_posterior *post,
                   att_posterior_workspace *w,
                   size_t r,
                   const double *theta,
                   double kappa,
                   bool pre,
                   double *grad,
                   double *out_s)
{
    const post_report *q = &post->rep[r];

    *out_s = 1.0;
    if (q->path == POST_PATH_ONE_SIDED || q->path == POST_PATH_RANGE) {
        double own[2], lg;
        const double *sum = pre ? w->psum + 2 * q->so : own;
        bool ok;
        if (pre) {
            ok = w->pok[q->so] != 0.0;
            lg = w->plg[q->so];
        } else {
            ok = post_loglik_prob_sums(post, w, r, own);
            lg = ok && !(own[0] < own[1]) ? att_log1p(-own[1] / q->ndays) : 0.0;
        }
        if (ok && q->path == POST_PATH_ONE_SIDED)
            return post_loglik_one_sided(post, w, q, kappa, sum, lg, grad, out_s);
        if (ok)
            return post_loglik_range(post, w, q, kappa, sum, lg, grad, out_s);
    }
    if (q->path == POST_PATH_WINDOW)
        return post_loglik_window(post, w, q, w->rmx[r], kappa, grad, out_s);
    if (q->path == POST_PATH_POINTS)
        return post_loglik_day(w, q, post_loglik_bias(w, q, theta), kappa, grad);
    return post_loglik_points(post, w, q, post_loglik_bias(w, q, theta), kappa, grad, out_s);
}

/* Report r's log-likelihood, the log of the mean of its points'
 * likelihoods (equation (10)), is the value returned plus log(*out_s): the
 * caller takes the logs of every report's *out_s at once, over an array
 * (1 where there is none to take).  With grad, its gradient goes to
 * w->gpt at its points (post_quantity_push takes those on) and to sigma,
 * kappa and the bias.
 * post_loglik_terms takes the same steps for every report, each over the
 * whole ledger, so that the transcendentals run over long arrays. */
double
post_loglik_report(const att_posterior *post,
                   att_posterior_workspace *w,
                   size_t r,
                   const double *theta,
                   double kappa,
                   double *grad,
                   double *out_s)
{
    const post_report *q = &post->rep[r];

    if (q->path != POST_PATH_POINTS) {
        post_loglik_prepare(w, q, r, post_loglik_bias(w, q, theta));
        post_loglik_vector(post, w, q->vo, q->vo + post_vslots(q));
    }
    return post_loglik_finish(post, w, r, theta, kappa, false, grad, out_s);
}

/* lp + x[0] + ... + x[n - 1] in four running sums, so that no addition
 * waits on the one before it, then (s0 + s1) + (s2 + s3).  Not inlined, so
 * that the sums stay in registers (within post_loglik_terms GCC kept a sum
 * on the stack). */
ATT_NOINLINE static double
post_loglik_add(double lp, const double *x, size_t n)
{
    double s0 = lp, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    size_t i;

    for (i = 0; i + 4 <= n; i += 4) {
        s0 += x[i];
        s1 += x[i + 1];
        s2 += x[i + 2];
        s3 += x[i + 3];
    }
    for (; i < n; i++)
        s0 += x[i];
    return (s0 + s1) + (s2 + s3);
}

/* Prior and likelihood at theta, whose model values are in w (equation
 * (13)).  With grad, the gradient goes to grad, except the part that
 * passes through C, N, D, kappa and sigma, which is left in w->gpt (per
 * point, for post_quantity_push), w->g_kappa and w->gsig for the caller to
 * finish.  g gets the
 * prior's gradient when grad is NULL. */
double
post_loglik_terms(const att_posterior *post,
                  att_posterior_workspace *w,
                  const double *theta,
                  double kappa,
                  double *grad,
                  double *g)
{
    double lp = post_prior_logp(post, w, theta, g);
    size_t r, n;

    if (grad != NULL) {
        memset(w->gsum, 0, POST_NSUM(post->ntime) * sizeof *w->gsum);
        w->g_kappa = 0.0;
        memset(w->gsig, 0, post->nslot * sizeof *w->gsig);
    }
    for (r = 0; r < post->nrep; r++) {
        post_report_ahead(post, r);
        if (post->rep[r].path != POST_PATH_POINTS)
            post_loglik_prepare(w, &post->rep[r], r, post_loglik_bias(w, &post->rep[r], theta));
    }
    post_loglik_vector(post, w, 0, post->nvwin + post->nvside + post->nvrange);
    post_loglik_prob(post, w);
    for (r = 0; r < post->nrep; r++) {
        double ell;
        post_report_ahead(post, r);
        ell = post_loglik_finish(post, w, r, theta, kappa, true, grad, &w->rsum[r]);
        if (ell == -HUGE_VAL)
            return -HUGE_VAL;
        lp += ell;
    }
    /* The logs of the sums over one array, only of those that are not 1
     * (log 1 adds nothing), packed without a branch: whether a sum is 1
     * follows no pattern. */
    for (r = n = 0; r < post->nrep; r++) {
        w->rpk[n] = w->rsum[r];
        n += w->rsum[r] != 1.0;
    }
    att_vlog(w->simd, n, w->rpk, w->rpk);
    return post_loglik_add(lp, w->rpk, n); /* -inf where a report's likelihood is 0 */
}
