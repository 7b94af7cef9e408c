/* wis.c -- the interval score, the weighted interval score and its
 * expectation under a uniform (att_wis.h; docs/model.md, equations
 * (21)-(23)). */
#include <math.h>

#include <attrition/att_wis.h>


const double att_wis_levels[ATT_WIS_NLEVELS] = {0.01, 0.025, 0.05, 0.10, 0.15, 0.20,  0.25, 0.30,
                                                0.35, 0.40,  0.45, 0.50, 0.55, 0.60,  0.65, 0.70,
                                                0.75, 0.80,  0.85, 0.90, 0.95, 0.975, 0.99};

double
att_wis_interval_score(double l, double u, double alpha, double y)
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
        s += alpha / 2.0 * att_wis_interval_score(q[i], q[ATT_WIS_NLEVELS - 1 - i], alpha, y);
    }
    return s / ((double)k + 0.5);
}

/* E[(q - Y)+] for Y uniform on [a, b], a < b. */
static double
wis_shortfall_uniform(double q, double a, double b)
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
        s += att_wis_levels[i] * (ey - q[i]) + wis_shortfall_uniform(q[i], a, b);
    return s / ((double)k + 0.5);
}
