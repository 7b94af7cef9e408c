/* project_history.c -- what a projection says besides its paths' counts:
 * the fitted period (the closed form over the posterior draws, equation
 * (16) at dates before the start: the force's and each group's N, C and
 * K) and the views a picture draws beside them (casualties per day over
 * each step, and C / D), both over the draws and over the paths.
 *
 * Every band is a type-7 quantile over draws (fitted) or paths
 * (projected) of one quantity at one date, so that a picture's fans and
 * the table's bands are the same kind of figure.
 */
#include "project_history.h"

#include <string.h>

#include <attrition/att_model.h>
#include <attrition/att_project.h>
#include <attrition/att_summary.h>

#include "internal.h"
#include "sort.h"

void
att_quantiles_of(double *x, size_t n, const double *levels, size_t nlevels, double *out)
{
    size_t j;

    att_sort(x, n);
    for (j = 0; j < nlevels; j++)
        out[j] = att_summary_quantile(x, n, levels[j] / 100.0);
}

/* C / D, and 0 where nothing is deployed (then C is 0 too). */
static double
history_share(double c, double d)
{
    return d > 0.0 ? c / d : 0.0;
}

/* The columns of the fitted period, one value per draw at each of the m
 * dates (the nh dates and the start): date-major, x[k * nd + i]. */
typedef struct {
    size_t nd, m, G;
    double *s[ATT_SERIES_COUNT]; /* N, C, K of the force */
    double *deployed;            /* D, with views */
    double *g[ATT_SERIES_COUNT]; /* with groups: (g * m + k) * nd + i */
    att_state *day;              /* one draw's states over the span (force.c) */
    double *vals;                /* att_posterior_values' buffer */
} history_cols;

static void
history_cols_free(history_cols *h)
{
    size_t s;

    for (s = 0; s < ATT_SERIES_COUNT; s++) {
        att_mem_free(h->s[s]);
        att_mem_free(h->g[s]);
    }
    att_mem_free(h->deployed);
    att_mem_free(h->day);
    att_mem_free(h->vals);
}

static bool
history_cols_alloc(
    history_cols *h, const att_params *p, const att_posterior *post, size_t span, bool views)
{
    size_t s, n = h->m * h->nd;
    bool ok = true;

    for (s = 0; s < ATT_SERIES_COUNT; s++) {
        ok &= (h->s[s] = att_mem_alloc(n * sizeof(double))) != NULL;
        if (h->G > 1)
            ok &= (h->g[s] = att_mem_alloc(h->G * n * sizeof(double))) != NULL;
    }
    if (views)
        ok &= (h->deployed = att_mem_alloc(n * sizeof(double))) != NULL;
    if (att_params_extended(p)) /* stepped day by day (history_draw) */
        ok &= (h->day = att_mem_alloc(span * (h->G > 1 ? h->G : 1) * sizeof(att_state))) != NULL;
    ok &= (h->vals = att_mem_alloc((att_posterior_nvalues(post) + 1) * sizeof(double))) != NULL;
    return ok;
}

static void
history_put(history_cols *h, size_t at, att_state sv)
{
    h->s[ATT_SERIES_STRENGTH][at] = sv.strength;
    h->s[ATT_SERIES_CASUALTIES][at] = sv.casualties;
    h->s[ATT_SERIES_KILLED][at] = sv.killed;
    if (h->deployed != NULL)
        h->deployed[at] = sv.deployed;
}

/* Draw i's states at the m dates.  A force with groups, departures or
 * returns is stepped once over the span (att_model_state would step it
 * from the first arrival again at every date); its values are those of
 * att_model_state at each day. */
static void
history_draw(history_cols *h,
             const att_params *p,
             const att_posterior *post,
             const double *theta,
             const int32_t *t,
             size_t i)
{
    att_model_values v;
    size_t k, g, span = (size_t)(t[h->m - 1] - t[0]) + 1;

    att_posterior_values(post, theta, h->vals, &v);
    if (!att_params_extended(p)) {
        for (k = 0; k < h->m; k++)
            history_put(h, k * h->nd + i, att_model_state(p, &v, (double)t[k]));
        return;
    }
    att_model_states(p, &v, t[0], span, 0u, h->day);
    for (k = 0; k < h->m; k++)
        history_put(h, k * h->nd + i, h->day[t[k] - t[0]]);
    if (h->G < 2)
        return;
    att_model_group_states(p, &v, t[0], span, h->day);
    for (g = 0; g < h->G; g++)
        for (k = 0; k < h->m; k++) {
            const att_state *sv = &h->day[(size_t)(t[k] - t[0]) * h->G + g];
            size_t at = (g * h->m + k) * h->nd + i;
            h->g[ATT_SERIES_STRENGTH][at] = sv->strength;
            h->g[ATT_SERIES_CASUALTIES][at] = sv->casualties;
            h->g[ATT_SERIES_KILLED][at] = sv->killed;
        }
}

/* The fitted period's views: per draw, casualties per day over each step
 * and C / D at each date (D's column is their scratch). */
static void
history_views(history_cols *h, const int32_t *t, att_projection *out)
{
    size_t nd = h->nd, nh = h->m - 1, k, i;
    double *c = h->s[ATT_SERIES_CASUALTIES], *x = h->deployed;

    for (k = 0; k < nh; k++) {
        for (i = 0; i < nd; i++)
            x[k * nd + i] = history_share(c[k * nd + i], x[k * nd + i]);
        att_quantiles_of(x + k * nd, nd, out->levels, out->nlevels,
                         out->hist_share_q + k * out->nlevels);
    }
    for (k = 0; k < nh; k++) {
        double days = (double)(t[k + 1] - t[k]);
        for (i = 0; i < nd; i++)
            x[i] = (c[(k + 1) * nd + i] - c[k * nd + i]) / days;
        att_quantiles_of(x, nd, out->levels, out->nlevels, out->hist_rate_q + k * out->nlevels);
    }
}

att_status
att_project_history(const att_params *p,
                    const att_posterior *post,
                    const att_fit_result *fit,
                    int32_t start,
                    long step,
                    bool views,
                    att_projection *out,
                    att_error *err)
{
    history_cols h;
    size_t nd = fit->chains * fit->draws, nh = 0, i, k, s, g, nl = out->nlevels;
    int32_t first = start, tt, *t = NULL;
    att_status st = ATT_OK;
    bool ok;

    for (i = 0; i < p->narrival; i++)
        if (p->arrivals[i].date < first)
            first = p->arrivals[i].date;
    for (tt = start - (int32_t)step; tt + (int32_t)step > first; tt -= (int32_t)step)
        nh++;
    out->nhist = nh;
    if (nh == 0)
        return ATT_OK;
    memset(&h, 0, sizeof h);
    h.nd = nd;
    h.m = nh + 1;
    h.G = att_params_group_count(p);
    out->hist_dates = att_mem_alloc(nh * sizeof *out->hist_dates);
    t = att_mem_alloc(h.m * sizeof *t);
    ok = out->hist_dates != NULL && t != NULL &&
         history_cols_alloc(&h, p, post, (size_t)step * nh + 1, views);
    for (s = 0; s < ATT_SERIES_COUNT; s++) {
        ok &= (out->hist_q[s] = att_mem_alloc(nh * nl * sizeof(double))) != NULL;
        if (h.G > 1)
            ok &= (out->hist_gq[s] = att_mem_alloc(h.G * nh * nl * sizeof(double))) != NULL;
    }
    if (views) {
        ok &= (out->hist_rate_q = att_mem_alloc(nh * nl * sizeof(double))) != NULL;
        ok &= (out->hist_share_q = att_mem_alloc(nh * nl * sizeof(double))) != NULL;
    }
    if (!ok) {
        st = ATT_FAIL(err, ATT_ENOMEM, "out of memory for the fitted period's bands");
        goto done;
    }
    for (k = 0; k < nh; k++)
        t[k] = out->hist_dates[k] = start - (int32_t)((nh - k) * (size_t)step);
    t[nh] = start;
    for (i = 0; i < nd; i++)
        history_draw(&h, p, post, fit->theta + i * fit->dim, t, i);
    if (views)
        history_views(&h, t, out); /* before the sorts below, which break the draws' rows */
    for (s = 0; s < ATT_SERIES_COUNT; s++)
        for (k = 0; k < nh; k++) {
            att_quantiles_of(h.s[s] + k * nd, nd, out->levels, nl, out->hist_q[s] + k * nl);
            for (g = 0; g < h.G && h.G > 1; g++)
                att_quantiles_of(h.g[s] + (g * h.m + k) * nd, nd, out->levels, nl,
                                 out->hist_gq[s] + (g * nh + k) * nl);
        }
done:
    history_cols_free(&h);
    att_mem_free(t);
    return st;
}

att_status
att_project_views(
    const uint32_t *c, const uint32_t *d, size_t paths, att_projection *out, att_error *err)
{
    size_t n = paths, nl = out->nlevels, k, i;
    double *x = att_mem_alloc(n * sizeof *x);

    out->rate_q = att_mem_alloc(out->ndates * nl * sizeof(double));
    out->share_q = att_mem_alloc(out->ndates * nl * sizeof(double));
    if (x == NULL || out->rate_q == NULL || out->share_q == NULL) {
        att_mem_free(x);
        return ATT_FAIL(err, ATT_ENOMEM, "out of memory for the projection's views");
    }
    for (k = 0; k < out->ndates; k++) {
        for (i = 0; i < n; i++)
            x[i] = history_share((double)c[k * n + i], (double)d[k * n + i]);
        att_quantiles_of(x, n, out->levels, nl, out->share_q + k * nl);
    }
    for (k = 0; k + 1 < out->ndates; k++) {
        double days = (double)(out->dates[k + 1] - out->dates[k]);
        for (i = 0; i < n; i++)
            x[i] = ((double)c[(k + 1) * n + i] - (double)c[k * n + i]) / days;
        att_quantiles_of(x, n, out->levels, nl, out->rate_q + k * nl);
    }
    att_mem_free(x);
    return ATT_OK;
}
