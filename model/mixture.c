/* mixture.c -- a mixture of normals on the log scale (with an atom at
 * -infinity): CDF, tail, log-CDFs and masses that do not underflow,
 * density and quantiles (att_mixture.h; docs/model.md, section 9). */
#include <math.h>
#include <stdbool.h>

#include <attrition/att_mixture.h>

#include "emath.h"
#include "normal.h"
#include "vmath.h"

/* log(2 pi) / 2 */
#define LOG_SQRT_2PI 0.91893853320467274178

/* Component i's weight, its log, and their total: with no weights each
 * counts 1 and the sums are divided by n (1.0 * x and x + 0.0 are x, so
 * the equal-weight numbers are the same bits as before weights). */
#define MIXTURE_W(m, i)    ((m)->w != NULL ? (m)->w[i] : 1.0)
#define MIXTURE_LOGW(m, i) ((m)->w != NULL ? att_log((m)->w[i]) : 0.0)
#define MIXTURE_TOTAL(m)   ((m)->w != NULL ? 1.0 : (double)(m)->n)

/* Components per block of mixture_tails (on the stack). */
#define MIXTURE_BLOCK 256

/* The array functions' path: ATT_SIMD naming a path this processor
 * cannot run is refused where workspaces are made; here it falls back to
 * the scalar functions (the same bits either way, vmath.h). */
static att_simd
mixture_simd(void)
{
    att_simd simd;
    att_error err;

    return att_simd_choose(&simd, &err) == ATT_OK ? simd : ATT_SIMD_SCALAR;
}

/* Each component's small tail, so that F near 0 or 1 keeps its digits:
 * the sum of P(z) over the components below x, of Q(z) over those above,
 * and how many are above; a component at z = 0 counts as below when
 * zero_below (the survival function's side, as the CDF's is above).  P(z)
 * for z < 0 and Q(z) for z >= 0 are both the smaller tail Q(|z|), taken
 * for a block of components at a time by the array function.  With pdf,
 * also the sum of w_i exp(-z_i^2 / 2) / sd_i, the density's (not its
 * log: for Newton steps) without its constant factor. */
static void
mixture_tails(const att_mixture *m,
              att_simd simd,
              double x,
              bool zero_below,
              double *p,
              double *q,
              double *above,
              double *pdf)
{
    double z[MIXTURE_BLOCK], t[MIXTURE_BLOCK], e[MIXTURE_BLOCK], ph[MIXTURE_BLOCK], s = 0.0;
    size_t i0, k, nb;

    *p = *q = *above = 0.0;
    for (i0 = 0; i0 < m->n; i0 += nb) {
        nb = m->n - i0 < MIXTURE_BLOCK ? m->n - i0 : MIXTURE_BLOCK;
        for (k = 0; k < nb; k++) {
            z[k] = (x - m->mu[i0 + k]) / m->sd[i0 + k];
            e[k] = -0.5 * z[k] * z[k];
        }
        att_vnormal_small_tail_pdf(simd, nb, z, t, ph);
        if (pdf != NULL)
            att_vexp(simd, nb, e, e);
        for (k = 0; k < nb; k++) {
            double w = MIXTURE_W(m, i0 + k);
            if (zero_below ? !(z[k] > 0.0) : z[k] < 0.0)
                *p += w * t[k];
            else {
                *q += w * t[k];
                *above += w;
            }
            if (pdf != NULL)
                s += w * e[k] / m->sd[i0 + k];
        }
    }
    if (pdf != NULL)
        *pdf = s;
}

double
att_mixture_cdf(const att_mixture *m, double x)
{
    double lower, upper, above;

    /* F = (sum_{z<0} P(z) + sum_{z>=0} (1 - Q(z))) / n, weighted. */
    mixture_tails(m, mixture_simd(), x, false, &lower, &upper, &above, NULL);
    return m->atom + (1.0 - m->atom) * (lower + (above - upper)) / MIXTURE_TOTAL(m);
}

double
att_mixture_sf(const att_mixture *m, double x)
{
    double lower, upper, above;

    /* S = (sum_{z>0} Q(z) + sum_{z<=0} (1 - P(z))) / n, weighted. */
    mixture_tails(m, mixture_simd(), x, true, &lower, &upper, &above, NULL);
    return (1.0 - m->atom) * (upper + ((MIXTURE_TOTAL(m) - above) - lower)) / MIXTURE_TOTAL(m);
}

double
att_mixture_logpdf(const att_mixture *m, double x)
{
    double mx = -HUGE_VAL, s = 0.0;
    size_t i;

    for (i = 0; i < m->n; i++) {
        double z = (x - m->mu[i]) / m->sd[i],
               l = -0.5 * z * z - att_log(m->sd[i]) + MIXTURE_LOGW(m, i);
        if (l > mx)
            mx = l;
    }
    for (i = 0; i < m->n; i++) {
        double z = (x - m->mu[i]) / m->sd[i];
        s += att_exp(-0.5 * z * z - att_log(m->sd[i]) + MIXTURE_LOGW(m, i) - mx);
    }
    return mx + att_log(s / MIXTURE_TOTAL(m)) + att_log1p(-m->atom) - LOG_SQRT_2PI;
}

/* A running log-sum-exp, so that the tail functions below need no
 * buffer. */
typedef struct {
    double mx, s;
} mixture_lse;

static void
mixture_lse_add(mixture_lse *a, double l)
{
    if (l == -HUGE_VAL)
        return;
    if (l <= a->mx)
        a->s += att_exp(l - a->mx);
    else {
        a->s = a->s * att_exp(a->mx - l) + 1.0;
        a->mx = l;
    }
}

static double
mixture_lse_mean(const mixture_lse *a, const att_mixture *m)
{
    return a->s > 0.0 ? a->mx + att_log(a->s / MIXTURE_TOTAL(m)) + att_log1p(-m->atom) : -HUGE_VAL;
}

double
att_mixture_log_cdf(const att_mixture *m, double x)
{
    mixture_lse a = {-HUGE_VAL, 0.0};
    double l;
    size_t i;

    for (i = 0; i < m->n; i++)
        mixture_lse_add(&a, att_log_ndtr((x - m->mu[i]) / m->sd[i]) + MIXTURE_LOGW(m, i));
    l = mixture_lse_mean(&a, m);
    if (m->atom > 0.0) {
        /* log(atom + (1 - atom) F) = log(exp(la) + exp(l)), the larger
         * term factored out. */
        double la = att_log(m->atom);
        l = l > la ? l + att_log1p(att_exp(la - l)) : la + att_log1p(att_exp(l - la));
    }
    return l;
}

double
att_mixture_log_sf(const att_mixture *m, double x)
{
    mixture_lse a = {-HUGE_VAL, 0.0};
    size_t i;

    for (i = 0; i < m->n; i++)
        mixture_lse_add(&a, att_log_ndtr_upper((x - m->mu[i]) / m->sd[i]) + MIXTURE_LOGW(m, i));
    return mixture_lse_mean(&a, m);
}

double
att_mixture_log_mass(const att_mixture *m, double a, double b)
{
    mixture_lse acc = {-HUGE_VAL, 0.0};
    double da, db;
    size_t i;

    for (i = 0; i < m->n; i++)
        mixture_lse_add(&acc, att_log_ndtr_diff((a - m->mu[i]) / m->sd[i],
                                                (b - m->mu[i]) / m->sd[i], &da, &db) +
                                  MIXTURE_LOGW(m, i));
    return mixture_lse_mean(&acc, m);
}

/* F(x) and the density at x (not its log: for Newton steps) in one pass:
 * F the same bits as att_mixture_cdf. */
static void
mixture_cdf_pdf(const att_mixture *m, att_simd simd, double x, double *cdf, double *pdf)
{
    double lower, upper, above, s;

    mixture_tails(m, simd, x, false, &lower, &upper, &above, &s);
    *cdf = m->atom + (1.0 - m->atom) * (lower + (above - upper)) / MIXTURE_TOTAL(m);
    *pdf = (1.0 - m->atom) * s / MIXTURE_TOTAL(m) * att_exp(-LOG_SQRT_2PI);
}

void
att_mixture_quantiles(const att_mixture *m, const double *levels, size_t n, double *out)
{
    double lo = HUGE_VAL, hi = -HUGE_VAL;
    size_t i, j;
    att_simd simd = mixture_simd();

    for (i = 0; i < m->n; i++) {
        if (m->mu[i] - 12.0 * m->sd[i] < lo)
            lo = m->mu[i] - 12.0 * m->sd[i];
        if (m->mu[i] + 12.0 * m->sd[i] > hi)
            hi = m->mu[i] + 12.0 * m->sd[i];
    }
    for (j = 0; j < n; j++) {
        if (levels[j] <= m->atom) {
            out[j] = -HUGE_VAL;
            continue;
        }
        /* Newton on F(x) = level inside a bracket that every step
         * shrinks; a step that leaves the bracket bisects instead.  The
         * CDF is increasing and F(lo) < level < F(hi). */
        double a = lo, b = hi;
        double x = j > 0 && out[j - 1] > lo && out[j - 1] < hi ? out[j - 1] : 0.5 * (lo + hi);
        int it;
        for (it = 0; it < 200 && b - a > 1e-9; it++) {
            double g, d, next;
            mixture_cdf_pdf(m, simd, x, &g, &d);
            g -= levels[j];
            if (g < 0.0)
                a = x;
            else
                b = x;
            next = d > 0.0 ? x - g / d : 0.5 * (a + b);
            if (!(next > a && next < b))
                next = 0.5 * (a + b);
            if (fabs(next - x) < 1e-10) {
                x = next;
                break;
            }
            x = next;
        }
        out[j] = x;
    }
}
