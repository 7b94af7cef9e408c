/* summary.c -- posterior summaries in analysts' units (docs/model.md,
 * section 6).
 *
 * Every summary is computed draw by draw, then reduced to its 5%, 50% and
 * 95% quantiles (type 7, att_summary_quantile: the library's one quantile
 * of draws, which the projection, the scores and the diagnostics use too),
 * so that a ratio's interval is the interval of the ratio, not a ratio of
 * intervals.
 */
#include <math.h>
#include <string.h>

#include <gsl/gsl_statistics_double.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include <attrition/att_model.h>
#include <attrition/att_summary.h>

#include "emath.h"
#include "internal.h"
#include "sort.h"

/* A residual from a PIT of 0 or 1 would be infinite: it is shown clipped. */
#define SUMMARY_Z_CLIP 8.0

/* Below this many reports (or days of states) a draw's are taken on one
 * thread: a parallel region would cost more than it saves. */
#define SUMMARY_PAR_MIN 64

double
att_summary_quantile(const double *sorted, size_t n, double prob)
{
    return gsl_stats_quantile_from_sorted_data(sorted, 1, n, prob);
}

double
att_summary_quantile_ties(const double *sorted, size_t n, double prob)
{
    const size_t lo = (size_t)(prob * (double)(n - 1)); /* floor: prob >= 0 */

    if (lo >= n - 1)
        return sorted[n - 1];
    if (sorted[lo] == sorted[lo + 1])
        return sorted[lo];
    return att_summary_quantile(sorted, n, prob);
}

att_interval
att_interval_of(double *x, size_t n)
{
    att_interval r;

    att_sort(x, n);
    r.q05 = att_summary_quantile(x, n, 0.05);
    r.q50 = att_summary_quantile(x, n, 0.50);
    r.q95 = att_summary_quantile(x, n, 0.95);
    return r;
}

void
att_summary_free(att_summary *s)
{
    if (s == NULL)
        return;
    att_mem_free(s->hazard);
    att_mem_free(s->report);
    att_mem_free(s->source);
    att_mem_free(s->group);
    att_mem_free(s);
}

/* A force by groups (force.c): the state of the groups in set at time
 * lo + i, from the groups' states at lo, lo + 1, ... (G per time). */
static att_state
summary_set_state(const att_state *rows, size_t G, size_t i, uint32_t set, double kappa)
{
    att_state s = {0.0, 0.0, 0.0, 0.0, 0.0};
    size_t g;

    for (g = 0; g < G; g++)
        if (att_group_set_has(set, g)) {
            s.deployed += rows[i * G + g].deployed;
            s.strength += rows[i * G + g].strength;
            s.casualties += rows[i * G + g].casualties;
        }
    s.killed = kappa * s.casualties;
    s.wounded = (1.0 - kappa) * s.casualties;
    return s;
}

/* Draw s's r_g, N_g, C_g, K_g, D_g of every group at 24:00 of day last
 * into gq (five blocks of S per group), from the groups' states (rows,
 * from lo; NULL for a model with one group, whose state is the closed
 * form's). */
static void
summary_group_draw(const att_params *p,
                   const att_model_values *v,
                   const att_state *rows,
                   int32_t lo,
                   int32_t last,
                   double *gq,
                   size_t S,
                   size_t s)
{
    size_t G = att_params_group_count(p), g;

    for (g = 0; g < G; g++) {
        att_state st = rows != NULL ? rows[(size_t)(last + 1 - lo) * G + g]
                                    : att_model_state(p, v, (double)last + 1.0);
        double *q = gq + 5 * S * g;
        q[s] = v->ratio != NULL ? v->ratio[g] : 1.0;
        q[S + s] = st.strength;
        q[2 * S + s] = st.casualties;
        q[3 * S + s] = v->kappa * st.casualties;
        q[4 * S + s] = st.deployed;
    }
}

/* The end of phase ph for its mean strength: its own, or for the open
 * one the day after the last statement (at least a day after its start). */
static int32_t
summary_phase_end(const att_phase *ph, int32_t last)
{
    if (ph->end != ATT_DAY_OPEN)
        return ph->end;
    return last + 1 > ph->start ? last + 1 : ph->start + 1;
}

/* What every report of one draw reads: the model's states (rows, G per
 * time, for a force by groups; else cache, the whole force's state, one
 * per time: att_model_state's, which att_model_quantity reads too), from
 * time lo; and each source's log bias and noise in that draw, by
 * summary_key. */
typedef struct {
    const att_params *p;
    double kappa;
    const att_state *rows, *cache;
    int32_t lo;
    const double *lbias, *sigma;
} summary_draw;

/* A source's place in the per-draw tables: (class, family). */
static size_t
summary_key(size_t cls, att_family f)
{
    return cls * ATT_FAMILY_COUNT + (size_t)f;
}

/* The report's model quantity in draw dw, averaged over its window (over
 * a period: the change, or the rate), for the groups in set. */
static double
summary_window_mean(const summary_draw *dw, const att_report *r, uint32_t set)
{
    const att_state *rows = dw->rows, *cache = dw->cache;
    int32_t lo = dw->lo;
    size_t a = (size_t)(r->asof_start - lo), n = (size_t)(r->asof_end - r->asof_start) + 1, i;
    double sum = 0.0;
    att_model_kind mk = att_model_kind_get(r->kind, r->measure);

    if (rows != NULL) {
        size_t G = att_params_group_count(dw->p);
        if (mk.measure != ATT_MODEL_LEVEL) {
            att_state s0 = summary_set_state(rows, G, a, set, dw->kappa);
            att_state s1 = summary_set_state(rows, G, a + n, set, dw->kappa);
            return att_model_state_quantity(&mk, &s1, &s0, (double)n);
        }
        for (i = 1; i <= n; i++) {
            att_state s1 = summary_set_state(rows, G, a + i, set, dw->kappa);
            sum += att_model_state_quantity(&mk, &s1, &s1, 1.0);
        }
        return sum / (double)n;
    }
    if (mk.measure != ATT_MODEL_LEVEL)
        return att_model_state_quantity(&mk, &cache[a + n], &cache[a], (double)n);
    for (i = 1; i <= n; i++) /* as of day d: 24:00 of d, the time d + 1 */
        sum += att_model_state_quantity(&mk, &cache[a + i], &cache[a + i], 1.0);
    return sum / (double)n;
}

/* A report's logs, which every draw reads: of its central figure, and
 * of a bound's value or a range's bounds. */
typedef struct {
    double central, value, low, high;
} summary_logs;

/* The probability at one draw that bound r's claim holds, with the model
 * quantity m (lm its log), log bias b and noise sigma: P(Y >= y) for
 * at_least, P(Y <= y) for up_to, P(low <= Y <= high) for a range
 * (equations (8), (9)).  m = 0: only "up to" holds. */
static double
summary_holds(
    const att_report *r, const summary_logs *lg, double m, double lm, double b, double sigma)
{
    if (!(m > 0.0))
        return r->qualifier == ATT_QUAL_UP_TO ? 1.0 : 0.0;
    lm += b;
    switch (r->qualifier) {
    case ATT_QUAL_AT_LEAST:
        return att_normal_p((lm - lg->value) / sigma);
    case ATT_QUAL_UP_TO:
        return att_normal_p((lg->value - lm) / sigma);
    default: /* range */
        return att_normal_p((lg->high - lm) / sigma) - att_normal_p((lg->low - lm) / sigma);
    }
}

/* The report's central figure: value, a range's geometric middle, a bound. */
static double
summary_central(const att_report *r)
{
    return r->qualifier == ATT_QUAL_RANGE ? sqrt(r->low * r->high) : r->value;
}

static void
summary_logs_of(const att_report *r, summary_logs *lg)
{
    bool range = r->qualifier == ATT_QUAL_RANGE;

    lg->central = att_log(summary_central(r));
    lg->value = range ? 0.0 : att_log(r->value);
    lg->low = range ? att_log(r->low) : 0.0;
    lg->high = range ? att_log(r->high) : 0.0;
}

/* Report r (lg: its logs) in draw dw: the model quantity into *m, and to
 * *zsum the draw's residual z (a figure) or the probability that the
 * claim holds (a bound, (8) or (9)), to *pit its PIT. */
static void
summary_report_draw(const summary_draw *dw,
                    const att_report *r,
                    const summary_logs *lg,
                    uint32_t set,
                    double *m,
                    double *zsum,
                    double *pit)
{
    size_t key = summary_key(r->cls, att_kind_family(r->kind));
    double b = dw->lbias[key], sigma = dw->sigma[key], z, lm;

    *m = summary_window_mean(dw, r, set);
    lm = *m > 0.0 ? att_log(*m) : 0.0;
    z = *m > 0.0 ? (lg->central - lm - b) / sigma : SUMMARY_Z_CLIP;
    *zsum += r->qualifier == ATT_QUAL_APPROX ? z : summary_holds(r, lg, *m, lm, b, sigma);
    *pit += att_normal_p(z);
}

/* Report r's summary from its draws' sums (zsum, pit), model quantities
 * (mq, sorted here) and its source's log bias in each draw (lbias, every
 * nkey-th), buf S doubles of scratch. */
static void
summary_report_finish(const att_posterior *post,
                      size_t S,
                      const double *lbias,
                      size_t nkey,
                      const att_report *r,
                      double zsum,
                      double pit,
                      double *mq,
                      double *buf,
                      att_report_summary *rs)
{
    size_t s, key = summary_key(r->cls, att_kind_family(r->kind));
    size_t bi = att_posterior_bias_index(post, r->cls, att_kind_family(r->kind));

    rs->model = att_interval_of(mq, S);
    rs->bias_estimated =
        bi != ATT_NONE || (att_kind_family(r->kind) == ATT_FAMILY_LOSSES &&
                           att_posterior_completeness_index(post, r->cls) != ATT_NONE);
    for (s = 0; s < S; s++)
        buf[s] = summary_central(r) * att_exp(-lbias[s * nkey + key]);
    rs->debiased = att_interval_of(buf, S);
    rs->bound = r->qualifier != ATT_QUAL_APPROX;
    rs->z_from_pit = rs->bound;
    if (rs->bound) {
        /* A bound is no point: no de-biased figure, and a residual only
         * where its claim more likely fails than holds. */
        double u = zsum / (double)S;
        rs->holds = u;
        rs->pit = pit / (double)S;
        /* The sign a point figure's residual would have: a failing
         * "at least" (or a range above the model) is a figure above it. */
        double side = r->qualifier == ATT_QUAL_AT_LEAST ? 1.0
                      : r->qualifier == ATT_QUAL_UP_TO  ? -1.0
                      : rs->pit >= 0.5                  ? 1.0
                                                        : -1.0;
        rs->z = u >= 0.5 ? 0.0 : u <= 0.0 ? side * SUMMARY_Z_CLIP : -side * att_normal_quantile(u);
    } else
        rs->z = zsum / (double)S;
    if (rs->z > SUMMARY_Z_CLIP)
        rs->z = SUMMARY_Z_CLIP;
    if (rs->z < -SUMMARY_Z_CLIP)
        rs->z = -SUMMARY_Z_CLIP;
}

att_status
att_summary_compute(const att_params *p,
                    const att_ledger *l,
                    const att_posterior *post,
                    const att_fit_result *fit,
                    att_summary **out,
                    att_error *err)
{
    size_t S = fit->chains * fit->draws, n = fit->dim, s, k, i, j, ns = 0;
    int32_t last = INT32_MIN;
    att_summary *sm = att_mem_calloc(1, sizeof *sm);
    double *buf = NULL, *fac = NULL, *vals = NULL, *zsum = NULL, *pit = NULL, **mq = NULL;
    double *daily = NULL;      /* per hazard: its daily casualties at each draw (S each) */
    att_state *rows = NULL;    /* a force by groups: each group's state from lo to hi */
    att_state *cache = NULL;   /* else: the force's state from lo to hi */
    double *gq = NULL;         /* per group: r, N, C, K, D of each draw (S each) */
    uint32_t *sets = NULL;     /* per report: the groups it covers, looked up once */
    summary_logs *logs = NULL; /* per report: its figures' logs, taken once */
    double *lbias = NULL, *sigma = NULL; /* per draw and source (summary_key): log bias, noise */
    int32_t lo = INT32_MAX, hi = INT32_MIN;
    size_t ng = att_params_group_count(p), g, span, nkey;
    int nt = att_thread_count(fit->threads);
    att_status st = ATT_OK;

    *out = NULL;
    if (sm == NULL)
        return ATT_FAIL(err, ATT_ENOMEM, "out of memory");
    sm->nhazard = 0;
    for (k = 0; k < n; k++)
        sm->nhazard += att_posterior_param(post, k)->kind == ATT_PAR_HAZARD;
    sm->nreport = l->n;
    sm->hazard = att_mem_calloc(sm->nhazard + 1, sizeof *sm->hazard);
    sm->report = att_mem_calloc(l->n + 1, sizeof *sm->report);
    sm->source = att_mem_calloc(2 * p->nclass + 1, sizeof *sm->source);
    buf = att_mem_alloc((size_t)nt * S * sizeof *buf); /* a thread's scratch each */
    fac = att_mem_alloc(S * sizeof *fac);
    daily = att_mem_alloc((sm->nhazard * S + 1) * sizeof *daily);
    vals = att_mem_alloc((att_posterior_nvalues(post) + 1) * sizeof *vals);
    zsum = att_mem_calloc(l->n + 1, sizeof *zsum);
    pit = att_mem_calloc(l->n + 1, sizeof *pit);
    mq = att_mem_calloc(l->n + 1, sizeof *mq);
    sets = att_mem_alloc((l->n + 1) * sizeof *sets);
    logs = att_mem_alloc((l->n + 1) * sizeof *logs);
    nkey = (p->nclass > l->nclass ? p->nclass : l->nclass) * ATT_FAMILY_COUNT;
    lbias = att_mem_alloc((S * nkey + 1) * sizeof *lbias);
    sigma = att_mem_alloc((S * nkey + 1) * sizeof *sigma);
    if (!sm->hazard || !sm->report || !sm->source || !buf || !fac || !daily || !vals || !zsum ||
        !pit || !mq || !sets || !logs || !lbias || !sigma) {
        st = ATT_FAIL(err, ATT_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (i = 0; i < l->n; i++) {
        mq[i] = att_mem_alloc(S * sizeof **mq);
        if (mq[i] == NULL) {
            st = ATT_FAIL(err, ATT_ENOMEM, "out of memory");
            goto cleanup;
        }
        if (l->reports[i].statement > last)
            last = l->reports[i].statement;
        sets[i] = att_ledger_group_set(&l->reports[i], p);
        summary_logs_of(&l->reports[i], &logs[i]);
        lo = l->reports[i].asof_start < lo ? l->reports[i].asof_start : lo;
        hi = l->reports[i].asof_end + 1 > hi ? l->reports[i].asof_end + 1 : hi;
    }
    /* A force stepped by days: every group's state over every window and
     * phase, one pass per draw. */
    for (k = 0; k < p->nphase; k++) {
        lo = p->phases[k].start < lo ? p->phases[k].start : lo;
        hi = summary_phase_end(&p->phases[k], last) > hi ? summary_phase_end(&p->phases[k], last)
                                                         : hi;
    }
    if (att_params_extended(p)
            ? (rows = att_mem_alloc(((size_t)(hi - lo) + 1) * ng * sizeof *rows)) == NULL
            : (cache = att_mem_alloc(((size_t)(hi - lo) + 1) * sizeof *cache)) == NULL) {
        st = ATT_FAIL(err, ATT_ENOMEM, "out of memory");
        goto cleanup;
    }
    sm->ngroup = p->ngroup;
    sm->group_asof = last;
    if (p->ngroup > 0 && ((sm->group = att_mem_calloc(ng, sizeof *sm->group)) == NULL ||
                          (gq = att_mem_alloc(5 * ng * S * sizeof *gq)) == NULL)) {
        st = ATT_FAIL(err, ATT_ENOMEM, "out of memory");
        goto cleanup;
    }

    /* Hazards: per 1,000 and at the phase's mean strength. */
    for (k = 0, j = 0; k < n; k++) {
        const att_param_info *in = att_posterior_param(post, k);
        att_hazard_summary *h;
        if (in->kind != ATT_PAR_HAZARD)
            continue;
        h = &sm->hazard[j++];
        h->phase = in->index;
        for (s = 0; s < S; s++)
            buf[s] = fit->value[s * n + k];
        h->hazard = att_interval_of(buf, S);
        h->per_1000.q05 = 1000.0 * h->hazard.q05;
        h->per_1000.q50 = 1000.0 * h->hazard.q50;
        h->per_1000.q95 = 1000.0 * h->hazard.q95;
    }

    /* Each source's log bias and noise in each draw, once: every report
     * of the source reads them (the ledger's classes are the scenario's;
     * the table takes the more of the two). */
    for (s = 0; s < S; s++)
        for (k = 0; k < nkey; k++)
            att_posterior_report_error(post, fit->theta + s * n, k / ATT_FAMILY_COUNT,
                                       (att_family)(k % ATT_FAMILY_COUNT), &lbias[s * nkey + k],
                                       &sigma[s * nkey + k]);

    /* Draw by draw: the states once, then what each phase and report
     * reads of them; each report's sums over the draws in their order,
     * whatever the threads. */
    span = rows == NULL ? (size_t)(hi - lo) + 1 : 0;
    for (s = 0; s < S; s++) {
        att_model_values v;
        summary_draw dw;
        att_posterior_values(post, fit->theta + s * n, vals, &v);
        if (rows != NULL)
            att_model_group_states(p, &v, lo, ((size_t)(hi - lo) + 1), rows);
        if (gq != NULL)
            summary_group_draw(p, &v, rows, lo, last, gq, S, s);
        dw.p = p;
        dw.kappa = v.kappa;
        dw.rows = rows;
        dw.cache = cache;
        dw.lo = lo;
        dw.lbias = lbias + s * nkey;
        dw.sigma = sigma + s * nkey;
#pragma omp parallel num_threads(nt) if (nt > 1 && \
                                         (l->n >= SUMMARY_PAR_MIN || span >= SUMMARY_PAR_MIN))
        {
            size_t t, r;
            if (rows == NULL) {
#pragma omp for schedule(static)
                for (t = 0; t < span; t++)
                    cache[t] = att_model_state(p, &v, (double)lo + (double)t);
            }
#pragma omp for schedule(static)
            for (r = 0; r < l->n; r++)
                summary_report_draw(&dw, &l->reports[r], &logs[r], sets[r], &mq[r][s], &zsum[r],
                                    &pit[r]);
        }
        for (k = 0, j = 0; k < n; k++) {
            const att_param_info *in = att_posterior_param(post, k);
            const att_phase *ph;
            int32_t d, end;
            double mean_n = 0.0;
            if (in->kind != ATT_PAR_HAZARD)
                continue;
            ph = &p->phases[in->index];
            end = summary_phase_end(ph, last);
            if (rows == NULL) {
                for (d = ph->start; d < end; d++) /* strength at the start of each day */
                    mean_n += cache[d - lo].strength;
            } else {
                /* Each group at its own hazard: the sum of h r_g N_g. */
                for (d = ph->start; d < end; d++)
                    for (g = 0; g < ng; g++)
                        mean_n += v.ratio[g] * rows[(size_t)(d - lo) * ng + g].strength;
            }
            daily[j++ * S + s] = v.hazard[in->index] * mean_n / (double)(end - ph->start);
        }
    }
    for (j = 0; j < sm->nhazard; j++)
        sm->hazard[j].daily = att_interval_of(daily + j * S, S);
    for (g = 0; gq != NULL && g < ng; g++) {
        att_group_summary *gs = &sm->group[g];
        double *q = gq + 5 * S * g;
        gs->group = g;
        gs->ratio = att_interval_of(q, S);
        gs->strength = att_interval_of(q + S, S);
        gs->casualties = att_interval_of(q + 2 * S, S);
        gs->killed = att_interval_of(q + 3 * S, S);
        gs->deployed = att_interval_of(q + 4 * S, S);
    }
#pragma omp parallel for schedule(dynamic, 16) \
    num_threads(nt) if (nt > 1 && l->n >= SUMMARY_PAR_MIN)
    for (i = 0; i < l->n; i++) {
#ifdef _OPENMP
        double *own = buf + (size_t)omp_get_thread_num() * S;
#else
        double *own = buf;
#endif
        summary_report_finish(post, S, lbias, nkey, &l->reports[i], zsum[i], pit[i], mq[i], own,
                              &sm->report[i]);
    }

    /* Sources: every (class, family) some used report carries. */
    for (i = 0; i < p->nclass; i++)
        for (j = 0; j < ATT_FAMILY_COUNT; j++) {
            size_t used = 0, q, bi = att_posterior_bias_index(post, i, (att_family)j);
            att_source_summary *so;
            for (q = 0; q < att_posterior_nreports(post); q++) {
                const att_report *r = &l->reports[att_posterior_report(post, q)];
                used += r->cls == i && att_kind_family(r->kind) == (att_family)j;
            }
            if (used == 0)
                continue;
            so = &sm->source[ns++];
            so->cls = i;
            so->family = (att_family)j;
            so->reports = used;
            so->completeness = j == ATT_FAMILY_LOSSES && p->classes[i].undercount;
            so->own_sigma = p->noise_per_class;
            so->pinned = bi == ATT_NONE && !so->completeness;
            for (s = 0; s < S; s++) {
                buf[s] = sigma[s * nkey + summary_key(i, (att_family)j)];
                fac[s] = att_exp(lbias[s * nkey + summary_key(i, (att_family)j)]); /* 1 if pinned */
            }
            so->sigma = att_interval_of(buf, S);
            so->factor = att_interval_of(fac, S);
        }
    sm->nsource = ns;
    *out = sm;
    sm = NULL;
cleanup:
    if (mq != NULL)
        for (i = 0; i < l->n; i++)
            att_mem_free(mq[i]);
    att_mem_free(mq);
    att_mem_free(buf);
    att_mem_free(fac);
    att_mem_free(vals);
    att_mem_free(rows);
    att_mem_free(cache);
    att_mem_free(daily);
    att_mem_free(gq);
    att_mem_free(sets);
    att_mem_free(logs);
    att_mem_free(lbias);
    att_mem_free(sigma);
    att_mem_free(zsum);
    att_mem_free(pit);
    att_summary_free(sm);
    return st;
}
