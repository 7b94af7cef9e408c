/* score.c -- interval scores, WIS and a normal mixture's CDF, density and
 * quantiles (att_score.h; docs/model.md, equations (21)-(23)). */
#include <math.h>

#include <attrition/att_score.h>

#include "emath.h"
#include "normal.h"

/* log(2 pi) / 2 */
#define LOG_SQRT_2PI 0.91893853320467274178

const double att_wis_levels[ATT_WIS_NLEVELS] = {0.01, 0.025, 0.05, 0.10, 0.15, 0.20,  0.25, 0.30,
                                                0.35, 0.40,  0.45, 0.50, 0.55, 0.60,  0.65, 0.70,
                                                0.75, 0.80,  0.85, 0.90, 0.95, 0.975, 0.99};

double
att_interval_score(double l, double u, double alpha, double y)
{
    double s = u - l;

    if (y < l)
        s += 2.0 / alpha * (l - y);
    if (y > u)
        s += 2.0 / alpha * (y - u);
    return s;
}

double
att_wis(const double q[ATT_WIS_NLEVELS], double y)
{
    const size_t mid = ATT_WIS_NLEVELS / 2, k = mid;
    double s = 0.5 * fabs(y - q[mid]);
    size_t i;

    for (i = 0; i < k; i++) {
        double alpha = 2.0 * att_wis_levels[i];
        s += alpha / 2.0 * att_interval_score(q[i], q[ATT_WIS_NLEVELS - 1 - i], alpha, y);
    }
    return s / ((double)k + 0.5);
}

/* E[(q - Y)+] for Y uniform on [a, b], a < b. */
static double
shortfall_uniform(double q, double a, double b)
{
    if (q <= a)
        return 0.0;
    if (q >= b)
        return q - 0.5 * (a + b);
    return (q - a) * (q - a) / (2.0 * (b - a));
}

double
att_wis_uniform(const double q[ATT_WIS_NLEVELS], double a, double b)
{
    const size_t k = ATT_WIS_NLEVELS / 2;
    double s = 0.0, ey = 0.5 * (a + b);
    size_t i;

    if (!(b > a))
        return att_wis(q, a);
    /* WIS = sum over the 23 levels of the pinball loss rho_tau(y - q_tau)
     * / (K + 1/2), and E rho_tau(Y - q) = tau (E Y - q) + E (q - Y)+. */
    for (i = 0; i < ATT_WIS_NLEVELS; i++)
        s += att_wis_levels[i] * (ey - q[i]) + shortfall_uniform(q[i], a, b);
    return s / ((double)k + 0.5);
}

double
att_mixture_cdf(const att_mixture *m, double x)
{
    double lower = 0.0, upper = 0.0;
    size_t i, above = 0;

    /* Each component adds its small tail, so that F near 0 or 1 keeps its
     * digits: F = (sum_{z<0} P(z) + sum_{z>=0} (1 - Q(z))) / n. */
    for (i = 0; i < m->n; i++) {
        double z = (x - m->mu[i]) / m->sd[i];
        if (z < 0.0)
            lower += att_normal_p(z);
        else {
            upper += att_normal_q(z);
            above++;
        }
    }
    return m->atom + (1.0 - m->atom) * (lower + ((double)above - upper)) / (double)m->n;
}

double
att_mixture_sf(const att_mixture *m, double x)
{
    double lower = 0.0, upper = 0.0;
    size_t i, below = 0;

    for (i = 0; i < m->n; i++) {
        double z = (x - m->mu[i]) / m->sd[i];
        if (z > 0.0)
            upper += att_normal_q(z);
        else {
            lower += att_normal_p(z);
            below++;
        }
    }
    return (1.0 - m->atom) * (upper + ((double)below - lower)) / (double)m->n;
}

double
att_mixture_logpdf(const att_mixture *m, double x)
{
    double mx = -HUGE_VAL, s = 0.0;
    size_t i;

    for (i = 0; i < m->n; i++) {
        double z = (x - m->mu[i]) / m->sd[i], l = -0.5 * z * z - att_log(m->sd[i]);
        if (l > mx)
            mx = l;
    }
    for (i = 0; i < m->n; i++) {
        double z = (x - m->mu[i]) / m->sd[i];
        s += att_exp(-0.5 * z * z - att_log(m->sd[i]) - mx);
    }
    return mx + att_log(s / (double)m->n) + att_log1p(-m->atom) - LOG_SQRT_2PI;
}

/* A running log-sum-exp, so that the tail functions below need no
 * buffer. */
typedef struct {
    double mx, s;
} lse;

static void
lse_add(lse *a, double l)
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
lse_mean(const lse *a, const att_mixture *m)
{
    return a->s > 0.0 ? a->mx + att_log(a->s / (double)m->n) + att_log1p(-m->atom) : -HUGE_VAL;
}

double
att_mixture_log_cdf(const att_mixture *m, double x)
{
    lse a = {-HUGE_VAL, 0.0};
    double l;
    size_t i;

    for (i = 0; i < m->n; i++)
        lse_add(&a, att_log_ndtr((x - m->mu[i]) / m->sd[i]));
    l = lse_mean(&a, m);
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
    lse a = {-HUGE_VAL, 0.0};
    size_t i;

    for (i = 0; i < m->n; i++)
        lse_add(&a, att_log_ndtr_upper((x - m->mu[i]) / m->sd[i]));
    return lse_mean(&a, m);
}

double
att_mixture_log_mass(const att_mixture *m, double a, double b)
{
    lse acc = {-HUGE_VAL, 0.0};
    double da, db;
    size_t i;

    for (i = 0; i < m->n; i++)
        lse_add(&acc,
                att_log_ndtr_diff((a - m->mu[i]) / m->sd[i], (b - m->mu[i]) / m->sd[i], &da, &db));
    return lse_mean(&acc, m);
}

/* The density at x (not its log): for Newton steps. */
static double
mixture_pdf(const att_mixture *m, double x)
{
    double s = 0.0;
    size_t i;

    for (i = 0; i < m->n; i++) {
        double z = (x - m->mu[i]) / m->sd[i];
        s += att_exp(-0.5 * z * z) / m->sd[i];
    }
    return (1.0 - m->atom) * s / (double)m->n * att_exp(-LOG_SQRT_2PI);
}

void
att_mixture_quantiles(const att_mixture *m, const double *levels, size_t n, double *out)
{
    double lo = HUGE_VAL, hi = -HUGE_VAL;
    size_t i, j;

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
            double g = att_mixture_cdf(m, x) - levels[j], d = mixture_pdf(m, x), next;
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
