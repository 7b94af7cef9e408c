/* baseline.c -- naive forecasts and their spread (docs/model.md, section
 * 9.2): persistence, the latest daily figure carried forward, and a line
 * through one class's last two figures.
 *
 * A careful analyst forecasting by hand uses point figures, not bounds
 * ("at least 3,000" is not 3,000), does not draw a line through one
 * class's figure and another's, and judges the spread from how well the
 * same rule did before, not from a model's fitted noise.
 */
#include "baseline.h"

#include <math.h>
#include <string.h>

#include "emath.h"

#define SPREAD_ITER 200 /* golden-section steps per coordinate */

static bool
point_figure(const att_report *r)
{
    return r->qualifier == ATT_QUAL_APPROX || r->qualifier == ATT_QUAL_RANGE;
}

/* A point figure as one number: the value, or a range's geometric middle. */
static double
figure(const att_report *r)
{
    return r->qualifier == ATT_QUAL_RANGE ? sqrt(r->low * r->high) : r->value;
}

static bool
cumulative(att_kind k)
{
    return k == ATT_KIND_CASUALTIES || k == ATT_KIND_KILLED || k == ATT_KIND_WOUNDED;
}

/* "The latest": by statement date, then as-of end, then row. */
static bool
later(const att_report *a, const att_report *b)
{
    if (a->statement != b->statement)
        return a->statement > b->statement;
    if (a->asof_end != b->asof_end)
        return a->asof_end > b->asof_end;
    return a->rank > b->rank;
}

/* The latest point figure in used of kind k, measure m and groups, from
 * class cls (ATT_NONE: any), with an as-of end before `before`
 * (INT32_MAX: any); ATT_NONE if there is none. */
static size_t
latest(const att_ledger *l,
       const bool *used,
       att_kind k,
       att_measure m,
       const char *groups,
       size_t cls,
       int32_t before)
{
    size_t i, best = ATT_NONE;

    for (i = 0; i < l->n; i++) {
        const att_report *r = &l->reports[i];
        if (!used[i] || !point_figure(r) || r->kind != k || r->measure != m ||
            strcmp(r->groups, groups) != 0 || (cls != ATT_NONE && r->cls != cls) ||
            r->asof_end >= before)
            continue;
        if (best == ATT_NONE || later(r, &l->reports[best]))
            best = i;
    }
    return best;
}

/* The latest daily casualty figure of these groups: a rate, or
 * casualties measured daily. */
static size_t
latest_daily(const att_ledger *l, const bool *used, const char *groups)
{
    size_t a = latest(l, used, ATT_KIND_RATE, ATT_MEASURE_CUMULATIVE, groups, ATT_NONE, INT32_MAX);
    size_t b = latest(l, used, ATT_KIND_CASUALTIES, ATT_MEASURE_DAILY, groups, ATT_NONE, INT32_MAX);

    if (a == ATT_NONE || b == ATT_NONE)
        return a == ATT_NONE ? b : a;
    return later(&l->reports[a], &l->reports[b]) ? a : b;
}

/* Class cls's last two cumulative point figures of kind k with distinct
 * as-of ends: *b the latest, *a the latest of those about an earlier day. */
static bool
class_pair(const att_ledger *l,
           const bool *used,
           att_kind k,
           const char *groups,
           size_t cls,
           size_t *a,
           size_t *b)
{
    *b = latest(l, used, k, ATT_MEASURE_CUMULATIVE, groups, cls, INT32_MAX);
    if (*b == ATT_NONE)
        return false;
    *a = latest(l, used, k, ATT_MEASURE_CUMULATIVE, groups, cls, l->reports[*b].asof_end);
    return *a != ATT_NONE;
}

static double
persistence(const att_ledger *l, const bool *used, const att_report *r, const char **why)
{
    size_t a = latest(l, used, r->kind, r->measure, r->groups, r->cls, INT32_MAX);

    if (a == ATT_NONE) /* the class has none: any class's */
        a = latest(l, used, r->kind, r->measure, r->groups, ATT_NONE, INT32_MAX);
    if (a == ATT_NONE) {
        *why = "no earlier point figure of this kind";
        return 0.0;
    }
    return figure(&l->reports[a]);
}

static double
rate_forward(const att_ledger *l, const bool *used, const att_report *r, const char **why)
{
    size_t rate = latest_daily(l, used, r->groups);
    size_t a = latest(l, used, r->kind, ATT_MEASURE_CUMULATIVE, r->groups, ATT_NONE, INT32_MAX);
    double share = 1.0, base;

    if (rate == ATT_NONE || a == ATT_NONE) {
        *why =
            rate == ATT_NONE ? "no earlier daily figure" : "no earlier point figure of this kind";
        return 0.0;
    }
    base = figure(&l->reports[a]);
    if (r->kind != ATT_KIND_CASUALTIES) {
        /* Killed or wounded grow at their share of the casualty rate. */
        size_t cas = latest(l, used, ATT_KIND_CASUALTIES, ATT_MEASURE_CUMULATIVE, r->groups,
                            ATT_NONE, INT32_MAX);
        if (cas == ATT_NONE) {
            *why = "no earlier casualty figure to share the rate by";
            return 0.0;
        }
        share = fmin(base / figure(&l->reports[cas]), 1.0);
    }
    base += figure(&l->reports[rate]) * share * (double)(r->asof_end - l->reports[a].asof_end);
    if (!(base > 0.0)) {
        *why = "the rate carried back falls to zero";
        return 0.0;
    }
    return base;
}

static double
linear(const att_ledger *l, const bool *used, const att_report *r, const char **why)
{
    size_t a = ATT_NONE, b = ATT_NONE, cls;
    double y1, y2, t1, t2, fc;

    /* The scored report's class when it has a pair, else the class whose
     * pair is the latest. */
    if (!class_pair(l, used, r->kind, r->groups, r->cls, &a, &b)) {
        b = ATT_NONE;
        for (cls = 0; cls < l->nclass; cls++) {
            size_t ca, cb;
            if (cls != r->cls && class_pair(l, used, r->kind, r->groups, cls, &ca, &cb) &&
                (b == ATT_NONE || later(&l->reports[cb], &l->reports[b]))) {
                a = ca;
                b = cb;
            }
        }
    }
    if (b == ATT_NONE) {
        *why = "no class has two earlier point figures of this kind";
        return 0.0;
    }
    y1 = figure(&l->reports[a]);
    y2 = figure(&l->reports[b]);
    t1 = l->reports[a].asof_end;
    t2 = l->reports[b].asof_end;
    fc = y2 + (y2 - y1) / (t2 - t1) * ((double)r->asof_end - t2);
    if (!(fc > 0.0)) {
        *why = "the line through the last two figures is not positive there";
        return 0.0;
    }
    return fc;
}

double
att_baseline_point(
    const att_ledger *l, const bool *used, att_forecaster f, const att_report *r, const char **why)
{
    *why = NULL;
    if (f == ATT_FC_PERSISTENCE)
        return persistence(l, used, r, why);
    if (!cumulative(r->kind)) {
        *why = "this baseline scores casualties, killed and wounded only";
        return 0.0;
    }
    if (r->measure != ATT_MEASURE_CUMULATIVE) {
        *why = "this baseline scores cumulative figures only";
        return 0.0;
    }
    return f == ATT_FC_RATE_FORWARD ? rate_forward(l, used, r, why) : linear(l, used, r, why);
}

/* ---- the spread ------------------------------------------------------------------ */

double
att_spread_sd(const att_spread *s, int32_t h)
{
    double v = s->s0 * s->s0 + s->s1 * s->s1 * (h > 0 ? (double)h : 0.0) / 30.0;
    return fmax(sqrt(v), ATT_SPREAD_SD_MIN);
}

/* Minus the log likelihood of the errors at variances a + b h / 30 (each
 * floored at ATT_SPREAD_SD_MIN^2), constants left out. */
static double
spread_nll(const double *e, const int32_t *h, size_t n, double a, double b)
{
    double f = 0.0, vmin = ATT_SPREAD_SD_MIN * ATT_SPREAD_SD_MIN;
    size_t i;

    for (i = 0; i < n; i++) {
        double v = fmax(a + b * (h[i] > 0 ? (double)h[i] : 0.0) / 30.0, vmin);
        f += 0.5 * att_log(v) + 0.5 * e[i] * e[i] / v;
    }
    return f;
}

/* The x in [0, hi] that minimises f(ctx, x) by golden section (each
 * error's term is unimodal in its variance, so is their sum along one
 * coordinate in practice), compared with the end x = 0, where the
 * optimum of s0 or s1 often sits; *fbest gets its value. */
static double
golden_min(double (*f)(void *, double), void *ctx, double hi, double *fbest)
{
    const double g = 0.6180339887498949;
    double lo = 0.0, x1 = hi - g * hi, x2 = g * hi, f1 = f(ctx, x1), f2 = f(ctx, x2), f0;
    int it;

    for (it = 0; it < SPREAD_ITER && hi > 0.0; it++) {
        if (f1 <= f2) {
            hi = x2;
            x2 = x1;
            f2 = f1;
            x1 = hi - g * (hi - lo);
            f1 = f(ctx, x1);
        } else {
            lo = x1;
            x1 = x2;
            f1 = f2;
            x2 = lo + g * (hi - lo);
            f2 = f(ctx, x2);
        }
    }
    *fbest = f1 <= f2 ? f1 : f2;
    lo = f1 <= f2 ? x1 : x2;
    if ((f0 = f(ctx, 0.0)) <= *fbest) {
        *fbest = f0;
        lo = 0.0;
    }
    return lo;
}

typedef struct {
    const double *e;
    const int32_t *h;
    size_t n;
    double a, b, amax; /* the point, and the range of a */
} spread_ctx;

static double
spread_of_a(void *ctx, double a)
{
    spread_ctx *c = ctx;
    return spread_nll(c->e, c->h, c->n, a, c->b);
}

/* The profile over b: the likelihood at the best a for it (into c->a). */
static double
spread_of_b(void *ctx, double b)
{
    spread_ctx *c = ctx;
    double f;

    c->b = b;
    c->a = golden_min(spread_of_a, c, c->amax, &f);
    return f;
}

void
att_spread_fit(const double *e, const int32_t *h, size_t n, att_spread *out)
{
    spread_ctx c = {e, h, n, 0.0, 0.0, 0.0};
    double bmax = 0.0, b, f;
    size_t i;

    memset(out, 0, sizeof *out);
    out->errors = n;
    if (n < ATT_SPREAD_MIN_ERRORS) {
        out->s0 = ATT_SPREAD_S0;
        out->s1 = ATT_SPREAD_S1;
        out->fallback = true;
        return;
    }
    /* The optimum's variances lie within twice the errors' squares. */
    for (i = 0; i < n; i++) {
        c.amax = fmax(c.amax, 2.0 * e[i] * e[i]);
        if (h[i] > 0)
            bmax = fmax(bmax, 2.0 * e[i] * e[i] * 30.0 / (double)h[i]);
    }
    c.amax += 1e-12;
    b = golden_min(spread_of_b, &c, bmax, &f);
    (void)spread_of_b(&c, b); /* its a */
    out->s0 = sqrt(c.a);
    out->s1 = sqrt(b);
}

att_status
att_baseline_spread(const att_ledger *l,
                    const bool *used,
                    att_forecaster f,
                    bool *known,
                    att_spread *out,
                    att_error *err)
{
    double *e = att_mem_alloc((l->n + 1) * sizeof *e);
    int32_t *h = att_mem_alloc((l->n + 1) * sizeof *h);
    size_t j, n = 0;

    if (e == NULL || h == NULL) {
        att_mem_free(e);
        att_mem_free(h);
        return ATT_FAIL(err, ATT_ENOMEM, "out of memory for the baselines' spread");
    }
    for (j = 0; j < l->n; j++) {
        const att_report *r = &l->reports[j];
        const char *why;
        double fc;
        if (!used[j] || !point_figure(r))
            continue;
        (void)att_ledger_used(l, r->statement - 1, known);
        fc = att_baseline_point(l, known, f, r, &why);
        if (why != NULL)
            continue;
        e[n] = att_log(figure(r)) - att_log(fc);
        h[n] = r->asof_end - (r->statement - 1);
        n++;
    }
    att_spread_fit(e, h, n, out);
    att_mem_free(e);
    att_mem_free(h);
    return ATT_OK;
}
