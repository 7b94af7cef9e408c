/* compare.c -- scoring a fit made at an origin T against the reports
 * stated after it, beside naive baselines (att_compare.h; docs/model.md,
 * section 9).
 *
 * The model's predictive of a report is a mixture with one log-normal per
 * posterior draw s: log y ~ N(log m_s + b_s, sigma_s^2 + tau^2), where m_s
 * is the model quantity of draw s (the closed form up to T + 1, draw s's
 * projected path after it), b_s the source's bias (tau the class's scale
 * when the bias is not a parameter at T; 0 when the anchor pins it).  A
 * windowed report gives each draw one day of its window in turn, so the
 * mixture over draws is also a mixture over the window's days, as in the
 * likelihood (equation (10)).
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <attrition/att_compare.h>
#include <attrition/att_date.h>
#include <attrition/att_mixture.h>
#include <attrition/att_model.h>
#include <attrition/att_project.h>
#include <attrition/att_summary.h>
#include <attrition/att_wis.h>

#include "baseline.h"
#include "emath.h"
#include "internal.h"
#include "special.h"

/* A log score the log-CDFs cannot reach (-infinity) is floored here:
 * a report the predictive puts (numerically) no mass on scores -690.8. */
#define MASS_FLOOR 1e-300

/* A report whose model quantity is 0 in at least this share of the draws
 * is not scorable: its predictive has that much mass at log 0 = -infinity,
 * and the WIS's lowest quantile (1%) would be -infinity. */
#define ZERO_SHARE_MAX 0.01

/* Quantile levels' indices in att_wis_levels. */
enum { Q05 = 2, Q25 = 6, Q50 = 11, Q75 = 16, Q95 = 20 };

static const char *const horizon_names[ATT_HORIZON_COUNT] = {"nowcast", "0-30", "31-90", "91-365",
                                                             "over 365"};
static const char *const fc_names[ATT_FC_COUNT] = {"model", "persistence", "rate_forward", "linear",
                                                   "ensemble"};

const char *
att_horizon_name(att_horizon h)
{
    return h < ATT_HORIZON_COUNT ? horizon_names[h] : "?";
}

const char *
att_forecaster_name(att_forecaster f)
{
    return f < ATT_FC_COUNT ? fc_names[f] : "?";
}

static att_horizon
horizon_bucket(int32_t h)
{
    return h < 0      ? ATT_HORIZON_NOWCAST
           : h <= 30  ? ATT_HORIZON_0_30
           : h <= 90  ? ATT_HORIZON_31_90
           : h <= 365 ? ATT_HORIZON_91_365
                      : ATT_HORIZON_BEYOND;
}

/* ---- scoring one predictive (equations (21)-(25)) ------------------------------ */

static void
score_entry(const att_report *r, const att_mixture *m, att_score_entry *e)
{
    double q[ATT_WIS_NLEVELS], x, a, b;
    size_t i;

    att_mixture_quantiles(m, att_wis_levels, ATT_WIS_NLEVELS, q);
    e->clipped = false;
    if (r->kind == ATT_KIND_FRACTION)
        /* A fraction's predictive is clipped at 1 (docs/model.md, section
         * 9): the mass above sits at 1, so quantiles above it are 1.  The CDF below 1,
         * hence the PIT and the masses of figures in (0, 1], is unchanged. */
        for (i = 0; i < ATT_WIS_NLEVELS; i++)
            if (q[i] > 0.0) {
                q[i] = 0.0;
                e->clipped = true;
            }
    e->scored = true;
    e->reason[0] = '\0';
    for (i = 0; i < ATT_WIS_NLEVELS; i++)
        e->q[i] = att_exp(q[i]);
    e->q05 = e->q[Q05];
    e->q50 = e->q[Q50];
    e->q95 = e->q[Q95];
    e->pit = e->below = e->inside = e->above = e->wis = (double)NAN;
    e->in50 = e->in90 = -1;
    switch (r->qualifier) {
    case ATT_QUAL_APPROX:
        x = att_log(r->value);
        e->pit = att_mixture_cdf(m, x);
        e->in50 = q[Q25] <= x && x <= q[Q75];
        e->in90 = q[Q05] <= x && x <= q[Q95];
        e->wis = att_wis(q, x);
        e->log_score = att_mixture_logpdf(m, x);
        break;
    case ATT_QUAL_RANGE:
        a = att_log(r->low);
        b = att_log(r->high);
        e->below = att_mixture_cdf(m, a);
        e->above = att_mixture_sf(m, b);
        /* The mass inside from the components' log-CDF differences: far in
         * a tail, 1 - below - above would have no digits left. */
        e->log_score = att_mixture_log_mass(m, a, b);
        e->inside = att_exp(e->log_score);
        /* Inside a band: the band holds the whole range. */
        e->in50 = q[Q25] <= a && b <= q[Q75];
        e->in90 = q[Q05] <= a && b <= q[Q95];
        e->wis = att_wis_uniform(q, a, b);
        break;
    default:
        x = att_log(r->value);
        e->below = att_mixture_cdf(m, x);
        e->above = att_mixture_sf(m, x);
        e->log_score = r->qualifier == ATT_QUAL_AT_LEAST ? att_mixture_log_sf(m, x)
                                                         : att_mixture_log_cdf(m, x);
        break;
    }
    /* Beyond even the log-CDFs' reach (|z| > 1e150 or so): floored, never
     * -infinity in the output. */
    if (!isfinite(e->log_score))
        e->log_score = att_log(MASS_FLOOR);
}

static void
not_scored(att_score_entry *e, const char *reason)
{
    memset(e, 0, sizeof *e);
    att_strlcpy(e->reason, reason, sizeof e->reason);
    e->q05 = e->q50 = e->q95 = e->pit = e->below = e->inside = e->above = e->wis = e->log_score =
        (double)NAN;
    e->in50 = e->in90 = -1;
}

/* ---- the model's predictive ------------------------------------------------------- */

typedef struct {
    const att_params *p;
    const att_ledger *l;
    const att_posterior *post;
    const att_fit_result *fit;
    int32_t origin;
    size_t ndraw;
    double *vals;         /* per draw: its model values (att_posterior_nvalues) */
    att_model_values *mv; /* per draw: the same as the forward model reads them */
    att_projection proj;  /* paths from T + 1, one per draw (or none) */
    bool projected;
    double *mu, *sd, *w; /* scratch: ndraw + ATT_FC_POOLED each */
    size_t nmodel;       /* the model's last predictive: its components in mu, sd */
    double atom;         /* and its atom */
    double bmu[ATT_FC_POOLED], bsd[ATT_FC_POOLED]; /* each baseline's last predictive */
} compare_ctx;

/* Draw s's state at time t for the groups in set (0: the whole force):
 * the closed form up to T + 1, the path after.  The paths draw K and C,
 * not the rest of C, so the wounded are C - K on every day, the closed
 * form's days included. */
static att_state
draw_state(const compare_ctx *c, size_t s, int32_t t, uint32_t set)
{
    att_state st = {0.0, 0.0, 0.0, 0.0, 0.0};

    if (!c->projected || t <= c->origin + 1) {
        if (att_params_extended(c->p))
            att_model_states(c->p, &c->mv[s], t, 1, set, &st);
        else
            st = att_model_state(c->p, &c->mv[s], (double)t);
    } else if (set == 0 || c->proj.ngroup == 0) {
        size_t k = (size_t)(t - (c->origin + 1));
        st.strength = att_projection_path(&c->proj, ATT_SERIES_STRENGTH, k, s);
        st.casualties = att_projection_path(&c->proj, ATT_SERIES_CASUALTIES, k, s);
        st.killed = att_projection_path(&c->proj, ATT_SERIES_KILLED, k, s);
        st.deployed = att_projection_path(&c->proj, ATT_SERIES_COUNT, k, s);
    } else {
        size_t k = (size_t)(t - (c->origin + 1)), g;
        for (g = 0; g < c->proj.ngroup; g++)
            if (att_group_set_has(set, g)) {
                st.strength += att_projection_gpath(&c->proj, ATT_SERIES_STRENGTH, k, s, g);
                st.casualties += att_projection_gpath(&c->proj, ATT_SERIES_CASUALTIES, k, s, g);
                st.killed += att_projection_gpath(&c->proj, ATT_SERIES_KILLED, k, s, g);
                st.deployed += att_projection_gpath(&c->proj, ATT_SERIES_COUNT, k, s, g);
            }
    }
    st.wounded = st.casualties - st.killed;
    return st;
}

/* Draw s's point of a prior no report before T informed: the fraction
 * part of (s + 1/2) alpha, a Weyl sequence that fills (0, 1) evenly over
 * the draws without following their order (chains come one after
 * another); one irrational alpha per prior, so that two such priors are
 * not lined up. */
static double
prior_point(size_t s, double alpha)
{
    double u = ((double)s + 0.5) * alpha;

    u -= floor(u);
    return u > 0.0 ? u : 0.5;
}

#define ALPHA_COMPLETENESS 0.6180339887498949 /* the golden ratio's fraction part */
#define ALPHA_NOISE        0.4142135623730951 /* sqrt 2 - 1 */

/* An undercount class's log c_s at draw s when no report before T carried
 * it: from its prior, at prior_point; -HUGE_VAL where the quantile is 0
 * or not found (then the draw is an atom, as m = 0). */
static double
compl_prior_log(const att_params *p, size_t cls, size_t s)
{
    double c = att_beta_pinv(prior_point(s, ALPHA_COMPLETENESS), p->classes[cls].completeness_a,
                             p->classes[cls].completeness_b);

    return c > 0.0 && isfinite(c) ? att_log(c) : -HUGE_VAL;
}

/* The model quantity of report r, over the groups in set, in draw s
 * (equation (24)): a change over a period over the whole window, any
 * other at one of its days, by draw. */
static double
draw_quantity(const compare_ctx *c, const att_report *r, uint32_t set, size_t s)
{
    int32_t n = r->asof_end - r->asof_start + 1;
    att_model_kind mk = att_model_kind_get(r->kind, r->measure);
    att_state st, s0;

    if (mk.measure != ATT_MODEL_LEVEL) {
        s0 = draw_state(c, s, r->asof_start, set);
        st = draw_state(c, s, r->asof_end + 1, set);
    } else
        st = s0 = draw_state(c, s, r->asof_start + (int32_t)(s % (size_t)n) + 1, set);
    return att_model_state_quantity(&mk, &st, &s0, (double)n);
}

/* The model's scores of r into e; false (e says why) if it cannot. */
static bool
model_score(compare_ctx *c, const att_report *r, att_score_entry *e)
{
    att_family fam = att_kind_family(r->kind);
    size_t bias = att_posterior_bias_index(c->post, r->cls, fam), s, dim = c->fit->dim;
    bool listed = fam == ATT_FAMILY_LOSSES && c->p->classes[r->cls].undercount;
    /* A bias no report before T carried is drawn from its prior (tau); an
     * undercount class's completeness likewise (in log c_s: added below). */
    double tau = bias == ATT_NONE && !listed && !att_params_pinned(c->p, r->cls, fam)
                     ? c->p->classes[r->cls].tau[fam]
                     : 0.0;
    att_mixture m = {0, NULL, NULL, 0.0, NULL};
    size_t n = 0;
    uint32_t set = att_ledger_group_set(r, c->p); /* once, not per draw */

    /* A draw whose quantity is 0 (nobody deployed yet, no casualties yet,
     * nobody left on its path) is an atom at log 0 = -infinity. */
    for (s = 0; s < c->ndraw; s++) {
        double q = draw_quantity(c, r, set, s), sigma, lb;
        if (!(q > 0.0) || !isfinite(q))
            continue;
        att_posterior_report_error(c->post, c->fit->theta + s * dim, r->cls, fam, &lb, &sigma);
        /* A class no report before T carried: its completeness and its
         * own noise from their priors (sigma_s = sigma0 exp(omega z)). */
        if (listed && att_posterior_completeness_index(c->post, r->cls) == ATT_NONE &&
            !isfinite(lb = compl_prior_log(c->p, r->cls, s)))
            continue;
        if (c->p->noise_per_class && att_posterior_noise_index(c->post, r->cls) == ATT_NONE)
            sigma *= att_exp(c->p->sigma_spread * att_normal_quantile(prior_point(s, ALPHA_NOISE)));
        c->mu[n] = att_log(q) + lb;
        c->sd[n] = sqrt(sigma * sigma + tau * tau);
        n++;
    }
    m.n = c->nmodel = n;
    m.mu = c->mu;
    m.sd = c->sd;
    m.atom = c->atom = (double)(c->ndraw - n) / (double)c->ndraw;
    if (m.atom >= ZERO_SHARE_MAX) {
        char why[ATT_REASON_MAX];
        snprintf(why, sizeof why,
                 "the model's %s is 0 in %.1f%% of the draws (nothing deployed or lost yet, or "
                 "nobody left), at least %g%%",
                 att_kind_name(r->kind), 100.0 * m.atom, 100.0 * ZERO_SHARE_MAX);
        not_scored(e, why);
        return false;
    }
    score_entry(r, &m, e);
    return true;
}

/* Report i's row sr (its model entry made): its place and each
 * baseline's scores; each baseline's predictive is left in c for the
 * ensemble. */
static void
baselines_score(compare_ctx *c,
                const att_ledger *l,
                const bool *used,
                const att_spread *spread,
                int32_t origin,
                size_t i,
                att_scored_report *sr)
{
    const att_report *r = &l->reports[i];
    size_t f;

    sr->report = i;
    sr->horizon_days = r->asof_end - origin;
    sr->bucket = horizon_bucket(sr->horizon_days);
    sr->revision = r->revises != ATT_NONE;
    for (f = ATT_FC_PERSISTENCE; f < ATT_FC_POOLED; f++) {
        const char *bwhy;
        double fc = att_baseline_point(l, used, (att_forecaster)f, r, &bwhy);
        if (bwhy != NULL)
            not_scored(&sr->fc[f], bwhy);
        else {
            att_mixture m = {1, &c->bmu[f], &c->bsd[f], 0.0, NULL};
            c->bmu[f] = att_log(fc);
            c->bsd[f] = att_spread_sd(&spread[f], sr->horizon_days);
            score_entry(r, &m, &sr->fc[f]);
        }
    }
}

/* The ensemble's scores of r into sr's entry (MODEL.md, "Scoring against
 * later reports"): the linear pool of the model's predictive (still in
 * c's scratch) and of each baseline's that scored r, the weights
 * renormalised over them.  The model's atom keeps its share of the
 * model's weight; a forecaster of weight 0 adds no component. */
static void
ensemble_score(compare_ctx *c, const att_report *r, att_scored_report *sr, const double *w)
{
    bool avail[ATT_FC_POOLED];
    double wr[ATT_FC_POOLED], atom, live;
    size_t k, n = 0, s;
    att_mixture m;

    for (k = 0; k < ATT_FC_POOLED; k++)
        avail[k] = sr->fc[k].scored;
    if (!att_stacking_renormalise(w, avail, ATT_FC_POOLED, wr)) /* all of theirs 0: equal */
        (void)att_stacking_renormalise(att_ensemble_equal().w, avail, ATT_FC_POOLED, wr);
    atom = wr[ATT_FC_MODEL] * c->atom;
    live = 1.0 - atom;
    n = 0;
    if (wr[ATT_FC_MODEL] > 0.0)
        for (s = 0; s < c->nmodel; s++, n++)
            c->w[s] = wr[ATT_FC_MODEL] * (1.0 - c->atom) / (double)c->nmodel / live;
    for (k = ATT_FC_PERSISTENCE; k < ATT_FC_POOLED; k++)
        if (avail[k] && wr[k] > 0.0) {
            c->mu[n] = c->bmu[k];
            c->sd[n] = c->bsd[k];
            c->w[n++] = wr[k] / live;
        }
    m.n = n;
    m.mu = c->mu;
    m.sd = c->sd;
    m.atom = atom;
    m.w = c->w;
    score_entry(r, &m, &sr->fc[ATT_FC_ENSEMBLE]);
}

/* ---- summaries ------------------------------------------------------------------ */

static void
summarise(const att_comparison *cmp, const att_ledger *l, int bucket, att_score_summary *out)
{
    size_t f, i;

    for (f = 0; f < ATT_FC_COUNT; f++) {
        att_score_summary *s = &out[f];
        double c50 = 0.0, c90 = 0.0, wis = 0.0, lp = 0.0, lc = 0.0, mw = 0.0, bw = 0.0;
        size_t both = 0;
        memset(s, 0, sizeof *s);
        for (i = 0; i < cmp->nreport; i++) {
            const att_scored_report *sr = &cmp->report[i];
            const att_score_entry *e = &sr->fc[f];
            const att_report *r = &l->reports[sr->report];
            if ((bucket >= 0 && sr->bucket != (att_horizon)bucket) || !e->scored)
                continue;
            s->n++;
            if (r->qualifier == ATT_QUAL_APPROX || r->qualifier == ATT_QUAL_RANGE) {
                s->n_interval++;
                c50 += e->in50;
                c90 += e->in90;
                wis += e->wis;
                if (f != ATT_FC_MODEL && sr->fc[ATT_FC_MODEL].scored) {
                    mw += sr->fc[ATT_FC_MODEL].wis;
                    bw += e->wis;
                    both++;
                }
            }
            if (r->qualifier == ATT_QUAL_APPROX) {
                s->n_point++;
                lp += e->log_score;
            } else {
                s->n_censored++;
                lc += e->log_score;
            }
        }
        s->coverage50 = s->n_interval ? c50 / (double)s->n_interval : (double)NAN;
        s->coverage90 = s->n_interval ? c90 / (double)s->n_interval : (double)NAN;
        s->mean_wis = s->n_interval ? wis / (double)s->n_interval : (double)NAN;
        s->mean_log_score_point = s->n_point ? lp / (double)s->n_point : (double)NAN;
        s->mean_log_score_censored = s->n_censored ? lc / (double)s->n_censored : (double)NAN;
        s->relative_wis = f != ATT_FC_MODEL && both > 0 && bw > 0.0 ? mw / bw : (double)NAN;
    }
}

att_status
att_compare_pool(
    const att_comparison *list, size_t n, const att_ledger *l, att_comparison *out, att_error *err)
{
    size_t i, total = 0, h;

    memset(out, 0, sizeof *out);
    out->origin = INT32_MIN;
    out->projected_to = INT32_MIN;
    for (i = 0; i < n; i++)
        total += list[i].nreport;
    out->report = att_mem_calloc(total + 1, sizeof *out->report);
    out->not_scorable = att_mem_calloc(1, sizeof *out->not_scorable);
    if (out->report == NULL || out->not_scorable == NULL) {
        att_comparison_free(out);
        return ATT_FAIL(err, ATT_ENOMEM, "out of memory for the pooled scores");
    }
    for (i = 0; i < n; i++) {
        memcpy(out->report + out->nreport, list[i].report, list[i].nreport * sizeof *out->report);
        out->nreport += list[i].nreport;
    }
    summarise(out, l, -1, out->summary);
    for (h = 0; h < ATT_HORIZON_COUNT; h++)
        summarise(out, l, (int)h, out->by_horizon[h]);
    return ATT_OK;
}

/* ---- the ensemble's weights --------------------------------------------------- */

att_ensemble_weights
att_ensemble_equal(void)
{
    att_ensemble_weights e;
    size_t k;

    memset(&e, 0, sizeof e);
    for (k = 0; k < ATT_FC_POOLED; k++)
        e.w[k] = 1.0 / (double)ATT_FC_POOLED;
    return e;
}

static int
row_cmp(const void *key, const void *elem)
{
    size_t i = *(const size_t *)key, j = ((const att_scored_report *)elem)->report;

    return (i > j) - (i < j);
}

/* Report i's row in the latest comparison of list made before day
 * `before` that scored it (*from its index), or NULL.  A comparison's rows
 * are in ledger order. */
static const att_scored_report *
latest_row(const att_comparison *list, size_t n, size_t i, int32_t before, size_t *from)
{
    const att_scored_report *best = NULL, *row;
    size_t j;

    for (j = 0; j < n; j++) {
        if (list[j].origin >= before || (best != NULL && list[j].origin <= list[*from].origin))
            continue;
        row = bsearch(&i, list[j].report, list[j].nreport, sizeof *row, row_cmp);
        if (row == NULL && list[j].vintage != NULL)
            row = bsearch(&i, list[j].vintage, list[j].nvintage, sizeof *row, row_cmp);
        if (row != NULL) {
            best = row;
            *from = j;
        }
    }
    return best;
}

att_status
att_compare_weights(const att_comparison *list,
                    size_t n,
                    const att_ledger *l,
                    int32_t origin,
                    att_ensemble_weights *out,
                    att_error *err)
{
    double *logp = att_mem_alloc((l->n * ATT_FC_POOLED + 1) * sizeof *logp);
    bool *avail = att_mem_alloc((l->n * ATT_FC_POOLED + 1) * sizeof *avail);
    bool *seen = att_mem_calloc(n + 1, sizeof *seen);
    size_t i, k, rows = 0, from = 0;
    att_status st = ATT_OK;

    *out = att_ensemble_equal();
    if (logp == NULL || avail == NULL || seen == NULL) {
        st = ATT_FAIL(err, ATT_ENOMEM, "out of memory for the ensemble's weights");
        goto done;
    }
    for (i = 0; i < l->n; i++) {
        const att_report *r = &l->reports[i];
        const att_scored_report *row;
        /* The vintages known at the origin: a report revised by then
         * is not, one revised after it is. */
        if (r->statement > origin || r->repeat_of != ATT_NONE ||
            (r->revised_by != ATT_NONE && l->reports[r->revised_by].statement <= origin) ||
            (row = latest_row(list, n, i, r->statement, &from)) == NULL)
            continue;
        for (k = 0; k < ATT_FC_POOLED; k++) {
            avail[rows * ATT_FC_POOLED + k] = row->fc[k].scored;
            logp[rows * ATT_FC_POOLED + k] = row->fc[k].scored ? row->fc[k].log_score : 0.0;
        }
        seen[from] = true;
        rows++;
    }
    out->reports = rows;
    for (k = 0; k < n; k++)
        out->origins += seen[k];
    st = att_stacking_weights(logp, avail, rows, ATT_FC_POOLED, out->w, &out->fitted, err);
done:
    att_mem_free(logp);
    att_mem_free(avail);
    att_mem_free(seen);
    return st;
}

/* ---- the run ---------------------------------------------------------------------- */

void
att_comparison_free(att_comparison *c)
{
    if (c == NULL)
        return;
    att_mem_free(c->report);
    att_mem_free(c->not_scorable);
    att_mem_free(c->vintage);
    memset(c, 0, sizeof *c);
}

static void
ctx_free(compare_ctx *c)
{
    att_mem_free(c->vals);
    att_mem_free(c->mv);
    att_mem_free(c->mu);
    att_mem_free(c->sd);
    att_mem_free(c->w);
    att_projection_free(&c->proj);
}

/* Is report i one to score, and if not, why (NULL: score it). */
static const char *
skip_reason(const att_ledger *l, size_t i, char *buf, size_t n)
{
    const att_report *r = &l->reports[i];

    if (r->repeat_of != ATT_NONE) {
        snprintf(buf, n, "a repeat of %s", l->reports[r->repeat_of].id);
        return buf;
    }
    if (r->revised_by != ATT_NONE) {
        size_t last = r->revised_by;
        while (l->reports[last].revised_by != ATT_NONE)
            last = l->reports[last].revised_by;
        snprintf(buf, n, "superseded by %s, the latest vintage, which is scored",
                 l->reports[last].id);
        return buf;
    }
    return NULL;
}

att_status
att_compare_run(const att_params *p,
                const att_ledger *l,
                const att_posterior *post,
                const att_fit_result *fit,
                int32_t origin,
                const att_compare_params *cp,
                att_comparison *out,
                att_error *err)
{
    compare_ctx c;
    bool *used = NULL, *known = NULL;
    size_t i, s, f, dim = att_posterior_dim(post);
    int32_t last = INT32_MIN;
    char why[ATT_REASON_MAX];
    att_status st = ATT_OK;

    memset(out, 0, sizeof *out);
    memset(&c, 0, sizeof c);
    out->origin = origin;
    out->projected_to = INT32_MIN;
    c.p = p;
    c.l = l;
    c.post = post;
    c.fit = fit;
    c.origin = origin;
    c.ndraw = fit->chains * fit->draws;
    if (c.ndraw == 0 || fit->dim != dim || fit->value == NULL)
        return ATT_FAIL(err, ATT_EINVAL, "expected a fit of this posterior with draws");
    c.vals = att_mem_alloc((c.ndraw * att_posterior_nvalues(post) + 1) * sizeof *c.vals);
    c.mv = att_mem_alloc(c.ndraw * sizeof *c.mv);
    c.mu = att_mem_alloc((c.ndraw + ATT_FC_POOLED) * sizeof *c.mu);
    c.sd = att_mem_alloc((c.ndraw + ATT_FC_POOLED) * sizeof *c.sd);
    c.w = att_mem_alloc((c.ndraw + ATT_FC_POOLED) * sizeof *c.w);
    used = att_mem_alloc((l->n + 1) * sizeof *used);
    known = att_mem_alloc((l->n + 1) * sizeof *known);
    out->report = att_mem_calloc(l->n + 1, sizeof *out->report);
    out->not_scorable = att_mem_calloc(l->n + 1, sizeof *out->not_scorable);
    out->vintage = att_mem_calloc(l->n + 1, sizeof *out->vintage);
    if (out->vintage == NULL || c.vals == NULL || c.mv == NULL || c.mu == NULL || c.sd == NULL ||
        c.w == NULL || used == NULL || known == NULL || out->report == NULL ||
        out->not_scorable == NULL) {
        st = ATT_FAIL(err, ATT_ENOMEM, "out of memory for the comparison");
        goto done;
    }
    for (s = 0; s < c.ndraw; s++)
        att_posterior_values(post, fit->theta + s * dim, c.vals + s * att_posterior_nvalues(post),
                             &c.mv[s]);

    /* The projection, from T + 1 to the last day a scored report needs. */
    for (i = 0; i < l->n; i++) /* the scored and the superseded vintages (below) */
        if (l->reports[i].statement > origin && l->reports[i].repeat_of == ATT_NONE &&
            l->reports[i].asof_end + 1 > last)
            last = l->reports[i].asof_end + 1;
    if (last > origin + 1) {
        att_project_params pp = att_project_default_params();
        pp.paths = c.ndraw;
        pp.seed = cp->seed;
        pp.threads = cp->threads;
        pp.step = 1;
        pp.start = origin + 1;
        pp.horizon = last - (origin + 1);
        pp.keep_paths = true;
        pp.paths_only = true; /* no bands: only the paths are read */
        pp.history = false;
        if ((st = att_project_run(p, post, fit, &pp, &c.proj, err)) != ATT_OK)
            goto done;
        c.projected = true;
        out->projected_to = last;
    }

    (void)att_ledger_used(l, origin, used);
    out->ensemble = cp->ensemble != NULL ? *cp->ensemble : att_ensemble_equal();
    for (f = ATT_FC_PERSISTENCE; f < ATT_FC_POOLED; f++)
        if ((st = att_baseline_spread(l, used, (att_forecaster)f, known, &out->spread[f], err)) !=
            ATT_OK)
            goto done;
    for (i = 0; i < l->n; i++) {
        const att_report *r = &l->reports[i];
        att_scored_report *sr = &out->report[out->nreport];
        const char *skip;
        if (r->statement <= origin)
            continue;
        if ((skip = skip_reason(l, i, why, sizeof why)) != NULL) {
            /* Not scored; but a superseded vintage is the latest known
             * at a later origin before its revision, and the ensemble's
             * weights there learn from its scores here. */
            att_scored_report *v = &out->vintage[out->nvintage];
            if (r->repeat_of == ATT_NONE && model_score(&c, r, &v->fc[ATT_FC_MODEL])) {
                baselines_score(&c, l, used, out->spread, origin, i, v);
                not_scored(&v->fc[ATT_FC_ENSEMBLE], "a superseded vintage");
                out->nvintage++;
            }
        } else if (model_score(&c, r, &sr->fc[ATT_FC_MODEL])) {
            baselines_score(&c, l, used, out->spread, origin, i, sr);
            ensemble_score(&c, r, sr, out->ensemble.w);
            out->nreport++;
            continue;
        }
        att_not_scorable *ns = &out->not_scorable[out->nnot++];
        ns->report = i;
        att_strlcpy(ns->reason, skip != NULL ? skip : sr->fc[ATT_FC_MODEL].reason,
                    sizeof ns->reason);
        memset(sr, 0, sizeof *sr);
    }
    summarise(out, l, -1, out->summary);
    for (i = 0; i < ATT_HORIZON_COUNT; i++)
        summarise(out, l, (int)i, out->by_horizon[i]);
done:
    ctx_free(&c);
    att_mem_free(used);
    att_mem_free(known);
    if (st != ATT_OK)
        att_comparison_free(out);
    return st;
}
