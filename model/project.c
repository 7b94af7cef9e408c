/* project.c -- the projection (docs/model.md, section 8,
 * equations (16)-(20)).
 *
 * A path is simulated in three steps: its scenario (wave dates, sizes and
 * hazards, from the SCENARIO stream), its pools, and its days.  A pool is
 * a set of cohorts whose hazards agree on every day from the moment they
 * share it, so one binomial serves them all (the sum of binomials with one
 * p is a binomial): in reinforce30k the contingent and its three waves
 * become one pool on the first wave's day.  Killed are thinned once per
 * output step (one binomial over the step's casualties), or daily when a
 * threshold watches them.  Both shortcuts are exact in distribution
 * (pools only under binomial counts).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include <attrition/att_date.h>
#include <attrition/att_model.h>
#include <attrition/att_project.h>
#include <attrition/att_rng.h>
#include <attrition/att_summary.h>

#include "binomial.h"
#include "emath.h"
#include "internal.h"
#include "project_history.h"
#include "sort.h"
#include "stream.h"
#include "variates.h"
#include "vmath.h"

/* Above this many troops in one path the counts would leave uint32_t. */
#define PROJECT_TROOPS_MAX 2.0e9

/* Paths simulated side by side by project_block (a force by groups: one
 * at a time, in the first's scratch). */
#define PROJECT_BLOCK 64

att_project_params
att_project_default_params(void)
{
    att_project_params pp;

    memset(&pp, 0, sizeof pp);
    pp.seed = 1;
    pp.start = INT32_MIN;
    pp.history = true;
    return pp;
}

/* ---- checks ----------------------------------------------------------------- */

/* Earliest possible day of wave w (relative waves follow their anchor). */
static int32_t
project_wave_earliest(const att_params *p, size_t w)
{
    const att_wave *wv = &p->waves[w];

    if (wv->after == ATT_NONE)
        return wv->date_low;
    return project_wave_earliest(p, wv->after) + wv->gap_low;
}

/* The checks of att_project_check for a projection starting on day start. */
static att_status
project_check_at(const att_params *p, int32_t start, att_error *err)
{
    const att_phase *last;
    char a[ATT_DATE_BUFSIZE], b[ATT_DATE_BUFSIZE];
    size_t j, w;

    if (start == INT32_MIN)
        return att_error_set(err, ATT_EDATA, p->path, 0, 0, "start",
                             "[projection] start: expected a date to project from, found none");
    if (p->nphase == 0)
        return att_error_set(err, ATT_EDATA, p->path, 0, 0, NULL,
                             "expected at least one [phase] to project from, found none");
    for (j = 0; j < p->nscheduled; j++)
        if (p->scheduled[j].date < start)
            return att_error_set(err, ATT_EDATA, p->scheduled[j].origin.path,
                                 p->scheduled[j].origin.line, 0, "date_low",
                                 "expected a scheduled departure on or after the projection's "
                                 "start (%s), found one from %s",
                                 att_date_format(start, a),
                                 att_date_format(p->scheduled[j].date, b));
    last = &p->phases[p->nphase - 1];
    att_date_format(start, a);
    if (start < last->start) {
        att_date_format(last->start, b);
        return att_error_set(err, ATT_EDATA, last->origin.path, last->origin.line, 0, "start",
                             "expected [projection] start on or after the last phase's start "
                             "(%s, phase %s): the contingent keeps the last fitted phase's "
                             "hazard; found start %s",
                             b, last->name, a);
    }
    for (j = 0; j < p->narrival; j++)
        if (p->arrivals[j].date >= start) {
            att_date_format(p->arrivals[j].date, b);
            return att_error_set(err, ATT_EDATA, p->arrivals[j].origin.path,
                                 p->arrivals[j].origin.line, 0, "date",
                                 "expected an [arrival] before the projection start %s, found "
                                 "%s: enter arrivals from the start on as a [wave]",
                                 a, b);
        }
    for (w = 0; w < p->nwave; w++)
        if (project_wave_earliest(p, w) < start) {
            att_date_format(project_wave_earliest(p, w), b);
            return att_error_set(err, ATT_EDATA, p->waves[w].origin.path, p->waves[w].origin.line,
                                 0, "date",
                                 "expected wave %s on or after the projection start %s, found "
                                 "it can arrive on %s (a wave before the start is an [arrival])",
                                 p->waves[w].name, a, b);
        }
    return ATT_OK;
}

/* Per path: three counts per output date (four with the troops deployed),
 * a day per threshold, and a double per date while summarising; refused
 * above ATT_PROJECT_MEMORY_MAX. */
static att_status
project_check_memory(const att_params *p, size_t paths, size_t ndates, bool with_d, att_error *err)
{
    double bytes = (double)paths *
                   ((double)ndates * (ATT_SERIES_COUNT + (with_d ? 1.0 : 0.0)) * sizeof(uint32_t) +
                    (double)(p->nthreshold + 1) * sizeof(int32_t) + 3 * sizeof(double));

    if (paths > UINT32_MAX)
        return att_error_set(err, ATT_ERANGE, p->path, 0, 0, "[projection] paths",
                             "expected at most %lu paths, found %zu", (unsigned long)UINT32_MAX,
                             paths);
    if (bytes > (double)ATT_PROJECT_MEMORY_MAX)
        return att_error_set(err, ATT_ERANGE, p->path, 0, 0, "[projection] paths",
                             "expected a projection within %zu MiB, found %zu paths x %zu output "
                             "dates (%.0f MiB): use fewer paths or a longer step",
                             ATT_PROJECT_MEMORY_MAX >> 20, paths, ndates, bytes / 1048576.0);
    return ATT_OK;
}

static size_t project_make_dates(int32_t start, int32_t horizon, long step, int32_t *dates);

att_status
att_project_check_with(const att_params *p, const att_project_params *pp, att_error *err)
{
    const att_projection_params *pr = &p->projection;
    int32_t start = pp->start != INT32_MIN ? pp->start : pr->start;
    long horizon = pp->horizon > 0 ? pp->horizon : pr->horizon;
    long step = pp->step > 0 ? pp->step : pr->step;
    size_t paths = pp->paths > 0 ? pp->paths : (size_t)pr->paths;
    att_status st = project_check_at(p, start, err);

    if (st != ATT_OK)
        return st;
    return project_check_memory(p, paths, project_make_dates(start, (int32_t)horizon, step, NULL),
                                pp->keep_paths || pp->views, err);
}

att_status
att_project_check(const att_params *p, att_error *err)
{
    att_project_params pp = att_project_default_params();

    return att_project_check_with(p, &pp, err);
}

/* ---- one path ------------------------------------------------------------------- */

/* Per-thread scratch for one path. */
typedef struct {
    double *hazard;  /* nphase: the draw's hazards */
    double *count;   /* narrival: the draw's arrival counts */
    int32_t *wdate;  /* nwave: arrival days */
    uint32_t *wsize; /* nwave: troops */
    double *whazard; /* nwave: daily hazard */
    size_t *wpool;   /* nwave: pool joined */
    uint32_t *pn;    /* pools (nwave + 1): troops fit to fight */
    double *phazard; /* pools: daily hazard (constant ones) */
    double *pq;      /* pools: 1 - e^{-hazard} */
    uint32_t *pkey;  /* pools: cohort index of the stream */
    gsl_rng *rng;    /* beta-binomial's beta draws */
    /* A force by groups (project_path_force): */
    double *vals;    /* the draw's model values (att_posterior_values) */
    att_state *rows; /* each group's state on the return delay's days before the start */
    uint32_t *ring;  /* per cohort: its non-fatal casualties of the last return_delay days */
    size_t *pgroup;  /* per cohort: its group */
    int32_t *sdate;  /* per scheduled departure: its day on this path */
    double *svalue;  /* per scheduled departure: its count or share on this path */
} project_scratch;

/* Everything shared by the paths of one run (read-only inside the loop). */
typedef struct {
    const att_params *p;
    const att_posterior *post;
    const att_fit_result *fit;
    uint64_t seed;
    size_t paths, ndraw, nstep_days, ndates;
    int32_t start, horizon;
    const int32_t *dates;
    bool waves, killed_daily;
    double share_sum;
    /* outputs, date-major: vals[s][k * paths + i]; vals[ATT_SERIES_COUNT]
     * (troops deployed) only when paths are kept or views asked for */
    uint32_t *vals[ATT_SERIES_COUNT + 1];
    uint32_t *deployed_end;
    int32_t *first;  /* nthreshold x paths: first-passage day, INT32_MAX never */
    bool force;      /* groups, departures or returns: project_path_force */
    uint8_t *capped; /* per path: a departure's count met its group's strength (force) */
    size_t ngroup;   /* with declared groups: their count, and their values */
    uint32_t *gvals[ATT_SERIES_COUNT + 1]; /* (date x paths + path) x ngroup + group; the
                                            * last, deployed, only when paths are kept */
    att_simd simd;                         /* att_binomial_many's path */
} project_run;

static double
project_uniform_in(att_stream *s, double lo, double hi)
{
    return lo + (hi - lo) * att_stream_uniform(s);
}

/* A whole day in [lo, hi], uniform. */
static int32_t
project_uniform_day(att_stream *s, int32_t lo, int32_t hi)
{
    double k = floor(att_stream_uniform(s) * ((double)hi - (double)lo + 1.0));

    return lo + (int32_t)k;
}

/* A hazard rule's daily hazard on this path (equation (17)); inherit is
 * the value the caller passes. */
static double
project_rule_hazard(const att_hazard_rule *h, const double *hazard, double inherit, att_stream *s)
{
    double m;

    switch (h->kind) {
    case ATT_HAZARD_PHASE:
        m = h->mult_low;
        if (h->mult_high > h->mult_low)
            m = att_exp(project_uniform_in(s, att_log(h->mult_low), att_log(h->mult_high)));
        return hazard[h->phase] * m;
    case ATT_HAZARD_FIXED:
        return h->value;
    default:
        return inherit;
    }
}

/* Does the state after day t cross threshold th (equation (20))?  n, c, k,
 * d: troops. */
static bool
project_crossed(const att_threshold *th, double n, double c, double k, double d)
{
    double x = th->quantity == ATT_QUANTITY_STRENGTH     ? n
               : th->quantity == ATT_QUANTITY_CASUALTIES ? c
               : th->quantity == ATT_QUANTITY_KILLED     ? k
               : d > 0.0                                 ? c / d
                                                         : 0.0;
    return th->below ? x < th->value : x >= th->value;
}

static void
project_check_thresholds(
    const project_run *r, size_t i, int32_t t, double n, double c, double k, double d)
{
    size_t m;

    for (m = 0; m < r->p->nthreshold; m++) {
        int32_t *f = &r->first[m * r->paths + i];
        if (*f == INT32_MAX && project_crossed(&r->p->thresholds[m], n, c, k, d))
            *f = t;
    }
}

/* Casualties of one pool on one day (equation (18)), q = 1 - e^{-h}:
 * binomial, or beta-binomial with intra-cohort correlation rho. */
static uint32_t
project_pool_casualties(
    const project_run *r, project_scratch *ws, att_stream *s, uint32_t n, double q)
{
    const att_projection_params *pr = &r->p->projection;

    if (pr->counts == ATT_COUNTS_BETA_BINOMIAL && q > 0.0) {
        double rho = pr->dispersion, a = q * (1.0 - rho) / rho, b = (1.0 - q) * (1.0 - rho) / rho;
        /* The beta draw comes from the same keyed stream, through gsl_rng. */
        memcpy(ws->rng->state, s, sizeof *s);
        q = att_ran_beta(ws->rng, a, b);
        memcpy(s, ws->rng->state, sizeof *s);
    }
    return att_binomial(s, n, q);
}

/* Path i's scenario (equation (17)): the contingent's rule's hazard
 * (returned), the total, then every wave's day, size and hazard into ws,
 * and the day *from on which the contingent takes its rule.  With ratio
 * (a force by groups), a wave's default rule is its group's: the
 * contingent's times r_g, a fixed hazard as it is. */
static double
project_scenario(const project_run *r,
                 project_scratch *ws,
                 size_t i,
                 const double *hazard,
                 const double *ratio,
                 int32_t *from)
{
    const att_params *p = r->p;
    const att_projection_params *pr = &p->projection;
    double h_rule, total = 0.0, cum = 0.0;
    att_stream s;
    size_t w;

    att_stream_reset(&s, r->seed, ATT_RNG_SCENARIO, (uint32_t)i, 0, 0);
    h_rule = project_rule_hazard(&pr->hazard, hazard, hazard[p->nphase - 1], &s);
    if (pr->has_total)
        total = project_uniform_in(&s, pr->total_low, pr->total_high);
    *from = pr->hazard_from == ATT_FROM_DATE ? pr->hazard_from_date : r->start;
    for (w = 0; w < p->nwave; w++) {
        const att_wave *wv = &p->waves[w];
        double size, inherit = h_rule;
        att_stream_reset(&s, r->seed, ATT_RNG_SCENARIO, (uint32_t)i, (uint32_t)w + 1, 0);
        ws->wdate[w] =
            wv->after == ATT_NONE
                ? project_uniform_day(&s, wv->date_low, wv->date_high)
                : ws->wdate[wv->after] + project_uniform_day(&s, wv->gap_low, wv->gap_high);
        if (wv->size_prior == ATT_COUNT_SHARE) {
            /* Cumulative rounding: the share waves add up to the total. */
            double before = floor(total * cum / r->share_sum + 0.5);
            cum += wv->share;
            size = floor(total * cum / r->share_sum + 0.5) - before;
        } else
            size = floor(project_uniform_in(&s, wv->size_low, wv->size_high) + 0.5);
        ws->wsize[w] = (uint32_t)size;
        if (ratio != NULL && pr->hazard.kind != ATT_HAZARD_FIXED)
            inherit = h_rule * ratio[wv->group];
        ws->whazard[w] = project_rule_hazard(&wv->hazard, hazard, inherit, &s);
        if (pr->hazard_from == ATT_FROM_FIRST_WAVE && (w == 0 || ws->wdate[w] < *from))
            *from = ws->wdate[w];
    }
    return h_rule;
}

/* One path of a block in its days: what project_block carries from day to
 * day besides its scratch's pools. */
typedef struct {
    size_t i, np;      /* the path; its pools */
    int32_t from;      /* the day the contingent takes its rule */
    double kappa;      /* the share killed among casualties */
    double q_last;     /* the contingent's daily probability before from */
    double q_rule;     /* and from it */
    double n, c, k, d; /* fit to fight (the pools' sum), casualties, killed, deployed */
    uint32_t step_cas; /* casualties since the last output date, not yet thinned */
    int32_t next;      /* the next day a wave arrives (INT32_MAX: none) */
} project_lane;

/* Draws of one day across a block's paths, gathered for one call of
 * att_binomial_many: the stream's a and b, n and p, the count, and whose
 * it is (the lane, and the pool's troops). */
typedef struct {
    uint32_t *a, *b, *n, *x;
    double *p;
    size_t *lane;
    uint32_t **slot; /* the pool's troops, for a day's casualties */
} project_draws;

/* Per thread: the scratch of each path of a block, their lanes, and room
 * for a day's draws (a pool of each path at most). */
typedef struct {
    project_scratch *ws; /* PROJECT_BLOCK: the first whole, the others in bulk */
    char *bulk;
    project_lane *lane;
    project_draws dr;
} project_block_ws;

/* The first day after `after` on which a wave of ws arrives, INT32_MAX if
 * none does. */
static int32_t
project_next_wave(const project_run *r, const project_scratch *ws, int32_t after)
{
    int32_t next = INT32_MAX;
    size_t w;

    for (w = 0; r->waves && w < r->p->nwave; w++)
        if (ws->wdate[w] > after && ws->wdate[w] < next)
            next = ws->wdate[w];
    return next;
}

/* Path i's scenario, pools and starting state (equations (16)-(17)) into
 * ws and *ln; false if its troops would overflow the counters. */
static bool
project_path_start(const project_run *r, project_scratch *ws, size_t i, project_lane *ln)
{
    const att_params *p = r->p;
    const att_projection_params *pr = &p->projection;
    const size_t nw = p->nwave, draw = (size_t)(((uint64_t)i * r->ndraw) / r->paths);
    att_model_values v;
    att_state st;
    double h_last, h_rule, n0;
    size_t w, m, np = 1;
    const bool pool = pr->counts != ATT_COUNTS_BETA_BINOMIAL;

    att_posterior_model_values(r->post, r->fit->theta + draw * r->fit->dim, ws->hazard, ws->count,
                               &ln->kappa);
    v.hazard = ws->hazard;
    v.count = ws->count;
    v.kappa = ln->kappa;
    v.ratio = NULL;
    v.depart = NULL;
    v.rho = 0.0;
    st = att_model_state(p, &v, (double)r->start); /* equation (16) */

    h_last = ws->hazard[p->nphase - 1];
    h_rule = project_scenario(r, ws, i, ws->hazard, NULL, &ln->from);

    /* Pools: the contingent is pool 0; a wave joins it when their hazards
     * agree from the wave's day on, or an earlier wave with its hazard.
     * Not under the beta-binomial: there each cohort draws its own p a
     * day, and one draw for a pool would correlate them all. */
    n0 = floor(st.strength + 0.5);
    ln->i = i;
    ln->c = floor(st.casualties + 0.5);
    ln->k = floor(st.killed + 0.5);
    ln->d = n0 + ln->c;
    ln->step_cas = 0;
    if (ln->d > PROJECT_TROOPS_MAX)
        return false;
    ws->pn[0] = (uint32_t)n0;
    ws->pkey[0] = 0;
    for (w = 0; r->waves && w < nw; w++) {
        double hw = ws->whazard[w];
        ws->wpool[w] = ATT_NONE;
        if (pool && hw == h_rule && (ws->wdate[w] >= ln->from || h_last == h_rule))
            ws->wpool[w] = 0;
        for (m = 1; pool && m < np && ws->wpool[w] == ATT_NONE; m++)
            if (ws->phazard[m] == hw)
                ws->wpool[w] = m;
        if (ws->wpool[w] == ATT_NONE) {
            ws->wpool[w] = np;
            ws->pn[np] = 0;
            ws->phazard[np] = hw;
            ws->pkey[np] = (uint32_t)w + 1;
            np++;
        }
        if (ln->d + ws->wsize[w] > PROJECT_TROOPS_MAX)
            return false;
        ln->d += ws->wsize[w];
    }
    ln->d = n0 + ln->c;
    ln->n = n0;
    ln->np = np;
    ln->next = project_next_wave(r, ws, r->start - 1);
    /* Each pool's daily probability, once: its hazard is constant. */
    ln->q_last = -att_expm1(-h_last);
    ln->q_rule = -att_expm1(-h_rule);
    for (m = 1; m < np; m++)
        ws->pq[m] = -att_expm1(-ws->phazard[m]);
    project_check_thresholds(r, i, r->start, n0, ln->c, ln->k, ln->d);
    return true;
}

/* The counts of a day's gathered draws dr[0..nd) into dr->x, from the
 * streams (purpose, a, b, c): binomial, all at once, or beta-binomial
 * (counts only) one by one. */
static void
project_draw(const project_run *r,
             project_scratch *ws,
             const project_draws *dr,
             size_t nd,
             att_rng_purpose purpose,
             uint32_t c)
{
    size_t j;

    if (purpose == ATT_RNG_COUNTS && r->p->projection.counts == ATT_COUNTS_BETA_BINOMIAL) {
        for (j = 0; j < nd; j++) {
            att_stream s;
            att_stream_reset(&s, r->seed, purpose, dr->a[j], dr->b[j], c);
            dr->x[j] = project_pool_casualties(r, ws, &s, dr->n[j], dr->p[j]);
        }
        return;
    }
    att_binomial_many(r->simd, r->seed, (uint32_t)purpose, c, nd, dr->a, dr->b, dr->n, dr->p,
                      dr->x);
}

/* Adds a draw (path ln->i of lane l, stream b, n troops at p; slot: its
 * pool's troops, NULL for the killed) as dr's entry *nd. */
static void
project_draw_add(project_draws *dr,
                 size_t *nd,
                 const project_lane *ln,
                 size_t l,
                 uint32_t *slot,
                 uint32_t b,
                 uint32_t n,
                 double p)
{
    dr->a[*nd] = (uint32_t)ln->i;
    dr->b[*nd] = b;
    dr->n[*nd] = n;
    dr->p[*nd] = p;
    dr->lane[*nd] = l;
    dr->slot[*nd] = slot;
    (*nd)++;
}

/* project_check_thresholds for the nl paths of a block (lane[l].i =
 * lane[0].i + l), threshold by threshold. */
static void
project_block_thresholds(const project_run *r, const project_lane *lane, size_t nl, int32_t t)
{
    size_t m, l;

    for (m = 0; m < r->p->nthreshold; m++) {
        const att_threshold th = r->p->thresholds[m]; /* a copy: f's stores cannot alias it */
        int32_t *f = &r->first[m * r->paths + lane[0].i];
        for (l = 0; l < nl; l++)
            if (f[l] == INT32_MAX &&
                project_crossed(&th, lane[l].n, lane[l].c, lane[l].k, lane[l].d))
                f[l] = t;
    }
}

/* Simulates paths i0 .. i0 + nl - 1 side by side, day by day, so that each
 * day's draws of all of them go through one call (equations (18)-(19));
 * every path's counts are those it would draw alone.  False if a path's
 * troops would overflow the counters. */
static bool
project_block(const project_run *r, project_block_ws *bw, size_t i0, size_t nl)
{
    const att_params *p = r->p;
    const size_t nw = p->nwave;
    project_draws *dr = &bw->dr;
    int32_t t, end = r->start + r->horizon;
    size_t l, w, m, j, nd, out = 0;

    for (l = 0; l < nl; l++)
        if (!project_path_start(r, &bw->ws[l], i0 + l, &bw->lane[l]))
            return false;
    for (t = r->start;; t++) {
        if (t == r->dates[out]) {
            if (!r->killed_daily) {
                for (l = 0, nd = 0; l < nl; l++)
                    if (bw->lane[l].step_cas > 0)
                        project_draw_add(dr, &nd, &bw->lane[l], l, NULL, 0, bw->lane[l].step_cas,
                                         bw->lane[l].kappa);
                project_draw(r, bw->ws, dr, nd, ATT_RNG_KILLED, (uint32_t)out);
                for (j = 0; j < nd; j++) {
                    bw->lane[dr->lane[j]].k += dr->x[j];
                    bw->lane[dr->lane[j]].step_cas = 0;
                }
            }
            for (l = 0; l < nl; l++) {
                const project_lane *ln = &bw->lane[l];
                const size_t at = out * r->paths + ln->i;
                r->vals[ATT_SERIES_STRENGTH][at] = (uint32_t)ln->n;
                r->vals[ATT_SERIES_CASUALTIES][at] = (uint32_t)ln->c;
                r->vals[ATT_SERIES_KILLED][at] = (uint32_t)ln->k;
                if (r->vals[ATT_SERIES_COUNT] != NULL)
                    r->vals[ATT_SERIES_COUNT][at] = (uint32_t)ln->d;
            }
            out++;
        }
        if (t == end)
            break;
        for (l = 0, nd = 0; l < nl; l++) {
            project_scratch *ws = &bw->ws[l];
            project_lane *ln = &bw->lane[l];
            if (t == ln->next) {
                for (w = 0; w < nw; w++)
                    if (ws->wdate[w] == t) {
                        ws->pn[ws->wpool[w]] += ws->wsize[w];
                        ln->n += ws->wsize[w];
                        ln->d += ws->wsize[w];
                    }
                ln->next = project_next_wave(r, ws, t);
            }
            for (m = 0; m < ln->np; m++) {
                double q = m > 0 ? ws->pq[m] : t >= ln->from ? ln->q_rule : ln->q_last;
                if (ws->pn[m] > 0 && q != 0.0)
                    project_draw_add(dr, &nd, ln, l, &ws->pn[m], ws->pkey[m], ws->pn[m], q);
            }
        }
        project_draw(r, bw->ws, dr, nd, ATT_RNG_COUNTS, (uint32_t)(t - r->start));
        for (j = 0; j < nd; j++) {
            project_lane *ln = &bw->lane[dr->lane[j]];
            uint32_t x = dr->x[j];
            *dr->slot[j] -= x;
            ln->n -= x;
            ln->c += x;
            if (!r->killed_daily)
                ln->step_cas += x;
        }
        if (r->killed_daily) {
            /* Each pool its own stream (cohort + 1; 0 is the per-step
             * one): shared uniforms would make the pools' killed move
             * together, and their sum would not be binomial. */
            size_t nk = 0;
            for (j = 0; j < nd; j++)
                if (dr->x[j] > 0) {
                    const project_lane *ln = &bw->lane[dr->lane[j]];
                    /* in place: entry nk <= j is read no more */
                    project_draw_add(dr, &nk, ln, dr->lane[j], NULL, dr->b[j] + 1, dr->x[j],
                                     ln->kappa);
                }
            project_draw(r, bw->ws, dr, nk, ATT_RNG_KILLED, (uint32_t)(t - r->start));
            for (j = 0; j < nk; j++)
                bw->lane[dr->lane[j]].k += dr->x[j];
        }
        project_block_thresholds(r, bw->lane, nl, t + 1);
    }
    for (l = 0; l < nl; l++)
        r->deployed_end[bw->lane[l].i] = (uint32_t)bw->lane[l].d;
    return true;
}

/* ---- a force with groups, departures and returns ----------------------------- */

/* Troops leaving group g's cohorts (the first ncoh of pn, with groups in
 * pgroup) by departure j at value x (its count or share): a share leaves
 * each cohort binomially; a count, min(count, N_g) rounded, is split over
 * the cohorts in proportion to their troops by largest remainders. */
static bool
project_depart(const project_run *r,
               project_scratch *ws,
               size_t i,
               const att_departure *dp,
               size_t j,
               double x,
               size_t ncoh)
{
    double total = 0.0, want, taken = 0.0;
    size_t m, left;
    att_stream s;

    for (m = 0; m < ncoh; m++)
        if (ws->pgroup[m] == dp->group)
            total += ws->pn[m];
    if (total == 0.0)
        return !dp->by_share && x > 0.0;
    if (dp->by_share) {
        for (m = 0; m < ncoh; m++)
            if (ws->pgroup[m] == dp->group && ws->pn[m] > 0) {
                att_stream_reset(&s, r->seed, ATT_RNG_DEPART, (uint32_t)i, (uint32_t)j,
                                 (uint32_t)m);
                ws->pn[m] -= att_binomial(&s, ws->pn[m], x);
            }
        return false;
    }
    want = floor((x < total ? x : total) + 0.5);
    /* Each cohort's whole share now, its remainder in phazard (free in a
     * force by groups, whose cohorts are never pooled). */
    for (m = 0; m < ncoh; m++) {
        double share = ws->pgroup[m] == dp->group ? want * ws->pn[m] / total : 0.0;
        double whole = floor(share);
        ws->phazard[m] = ws->pgroup[m] == dp->group ? share - whole : -1.0;
        ws->pn[m] -= (uint32_t)whole;
        taken += whole;
    }
    /* What is left goes one each to the largest remainders (the first
     * cohort on ties): deterministic, and the split sums to want. */
    for (left = (size_t)(want - taken); left > 0; left--) {
        size_t best = ncoh;
        for (m = 0; m < ncoh; m++)
            if (ws->phazard[m] >= 0.0 && ws->pn[m] > 0 &&
                (best == ncoh || ws->phazard[m] > ws->phazard[best]))
                best = m;
        if (best == ncoh)
            break;
        ws->pn[best]--;
        ws->phazard[best] = -1.0;
    }
    return x >= total; /* the cap min(count, N_g) binds */
}

/* Path i's day and count or share of scheduled departure j (its own
 * stream after the waves'): the day uniform in its range, the count or
 * share from its prior, as for waves. */
static void
project_schedule(const project_run *r, project_scratch *ws, size_t i, size_t j)
{
    const att_departure *dp = &r->p->scheduled[j];
    att_stream s;
    double u;

    att_stream_reset(&s, r->seed, ATT_RNG_SCENARIO, (uint32_t)i, (uint32_t)(r->p->nwave + 1 + j),
                     0);
    ws->sdate[j] = project_uniform_day(&s, dp->date, dp->date_high);
    switch (dp->prior) {
    case ATT_COUNT_UNIFORM:
        ws->svalue[j] = project_uniform_in(&s, dp->low, dp->high);
        break;
    case ATT_COUNT_LOGNORMAL:
        u = att_stream_uniform(&s);
        ws->svalue[j] = att_exp(att_log(dp->median) + dp->log_sd * att_normal_quantile(u));
        break;
    case ATT_COUNT_BETA:
        /* The beta draw from the same keyed stream, through gsl_rng. */
        memcpy(ws->rng->state, &s, sizeof s);
        ws->svalue[j] = att_ran_beta(ws->rng, dp->share_a, dp->share_b);
        break;
    default:
        ws->svalue[j] = dp->count;
        break;
    }
}

/* Each group's troops fit to fight into n[g], the force's into n[ng]; and
 * the force's C, K, D from the groups'. */
static void
project_group_sums(
    const project_scratch *ws, size_t ncoh, size_t ng, double *n, double *c, double *k, double *d)
{
    size_t m, g;

    for (g = 0; g <= ng; g++)
        n[g] = 0.0;
    for (m = 0; m < ncoh; m++)
        n[ws->pgroup[m]] += ws->pn[m];
    c[ng] = k[ng] = d[ng] = 0.0;
    for (g = 0; g < ng; g++) {
        n[ng] += n[g];
        c[ng] += c[g];
        k[ng] += k[g];
        d[ng] += d[g];
    }
}

/* Thresholds of a force by groups: on the whole force's values (at ng),
 * or on the group's a threshold names. */
static void
project_check_group_thresholds(const project_run *r,
                               size_t i,
                               int32_t t,
                               const double *n,
                               const double *c,
                               const double *k,
                               const double *d,
                               size_t ng)
{
    size_t m;

    for (m = 0; m < r->p->nthreshold; m++) {
        const att_threshold *th = &r->p->thresholds[m];
        int32_t *f = &r->first[m * r->paths + i];
        size_t g = th->group == ATT_NONE ? ng : th->group;
        if (*f == INT32_MAX && project_crossed(th, n[g], c[g], k[g], d[g]))
            *f = t;
    }
}

/* Simulates path i of a force with groups, departures or return to duty
 * (docs/model.md, sections 1.5 and 8): each group's troops in theatre are
 * a cohort at the contingent's rule times the group's multiplier, each
 * wave a cohort of its group; departures dated in the horizon leave their
 * group's cohorts; each cohort's non-fatal casualties return return_delay
 * days later, binomially at the draw's rho (those of the days before the
 * start from the draw's state, rounded).  No cohorts are pooled, and the
 * killed are drawn every day (the returns need them).  False if its
 * troops would overflow the counters. */
static bool
project_path_force(const project_run *r, project_scratch *ws, size_t i)
{
    const att_params *p = r->p;
    const att_projection_params *pr = &p->projection;
    const size_t nw = p->nwave, draw = (size_t)(((uint64_t)i * r->ndraw) / r->paths);
    const size_t ng = att_params_group_count(p), ncoh = ng + (r->waves ? nw : 0);
    const size_t delay = (size_t)p->return_delay;
    att_model_values v;
    att_binomial_p kb; /* kappa, drawn from every day */
    att_stream s;
    double h_last, h_rule;
    double n[ATT_GROUP_MAX + 1] = {0}, c[ATT_GROUP_MAX + 1] = {0}, k[ATT_GROUP_MAX + 1] = {0},
                             d[ATT_GROUP_MAX + 1] = {0};
    double q_last[ATT_GROUP_MAX], q_rule[ATT_GROUP_MAX];
    int32_t from, t, end = r->start + r->horizon;
    size_t w, m, g, j, out = 0;

    att_posterior_values(r->post, r->fit->theta + draw * r->fit->dim, ws->vals, &v);
    att_binomial_prepare(&kb, v.kappa);
    /* Each group's state on the delay's days before the start and at it
     * (equation (16), by group). */
    att_model_group_states(p, &v, r->start - (int32_t)delay, delay + 1, ws->rows);

    /* The scenario, drawn as project_path draws it. */
    h_last = v.hazard[p->nphase - 1];
    h_rule = project_scenario(r, ws, i, v.hazard, v.ratio, &from);
    for (j = 0; j < p->nscheduled; j++)
        project_schedule(r, ws, i, j);

    /* Cohorts: each group's contingent, then the waves. */
    for (g = 0; g < ng; g++) {
        const att_state *st = &ws->rows[delay * ng + g];
        double hg = h_last * v.ratio[g];
        if (st->deployed > PROJECT_TROOPS_MAX)
            return false;
        ws->pn[g] = (uint32_t)floor(st->strength + 0.5);
        ws->pgroup[g] = g;
        ws->pkey[g] = (uint32_t)(nw + 1 + g); /* apart from the waves' 1..nw */
        c[g] = floor(st->casualties + 0.5);
        k[g] = floor(st->killed + 0.5);
        d[g] = floor(st->deployed + 0.5);
        q_last[g] = hg == 0.0 ? 0.0 : -att_expm1(-hg);
        hg = pr->hazard.kind == ATT_HAZARD_FIXED ? h_rule : h_rule * v.ratio[g];
        q_rule[g] = hg == 0.0 ? 0.0 : -att_expm1(-hg);
    }
    for (m = ng; m < ncoh; m++) {
        w = m - ng;
        if (ws->wsize[w] > PROJECT_TROOPS_MAX)
            return false;
        ws->pn[m] = 0;
        ws->pgroup[m] = p->waves[w].group;
        ws->pkey[m] = (uint32_t)w + 1;
        ws->pq[m] = ws->whazard[w] == 0.0 ? 0.0 : -att_expm1(-ws->whazard[w]);
    }
    if (delay > 0)
        memset(ws->ring, 0, ncoh * delay * sizeof *ws->ring);

    project_group_sums(ws, ncoh, ng, n, c, k, d);
    project_check_group_thresholds(r, i, r->start, n, c, k, d, ng);
    for (t = r->start;; t++) {
        size_t u = (size_t)(t - r->start);
        if (t == r->dates[out]) {
            size_t at = out * r->paths + i;
            project_group_sums(ws, ncoh, ng, n, c, k, d);
            if (d[ng] > PROJECT_TROOPS_MAX)
                return false;
            r->vals[ATT_SERIES_STRENGTH][at] = (uint32_t)n[ng];
            r->vals[ATT_SERIES_CASUALTIES][at] = (uint32_t)c[ng];
            r->vals[ATT_SERIES_KILLED][at] = (uint32_t)k[ng];
            if (r->vals[ATT_SERIES_COUNT] != NULL)
                r->vals[ATT_SERIES_COUNT][at] = (uint32_t)d[ng];
            for (g = 0; g < r->ngroup; g++) {
                r->gvals[ATT_SERIES_STRENGTH][at * r->ngroup + g] = (uint32_t)n[g];
                r->gvals[ATT_SERIES_CASUALTIES][at * r->ngroup + g] = (uint32_t)c[g];
                r->gvals[ATT_SERIES_KILLED][at * r->ngroup + g] = (uint32_t)k[g];
                if (r->gvals[ATT_SERIES_COUNT] != NULL)
                    r->gvals[ATT_SERIES_COUNT][at * r->ngroup + g] = (uint32_t)d[g];
            }
            out++;
        }
        if (t == end)
            break;
        /* 00:00: arrivals, returns, then departures (equations (1b)-(2b)). */
        for (m = ng; m < ncoh; m++)
            if (ws->wdate[m - ng] == t) {
                ws->pn[m] += ws->wsize[m - ng];
                d[ws->pgroup[m]] += ws->wsize[m - ng];
            }
        for (m = 0; delay > 0 && m < ncoh; m++) {
            uint32_t *slot = &ws->ring[m * delay + u % delay], back;
            if (u < delay && m < ng) {
                /* Casualties of a day before the start: the draw's, rounded. */
                const att_state *a = &ws->rows[u * ng + m], *b = a + ng;
                double x = (1.0 - v.kappa) * (b->casualties - a->casualties);
                *slot = x > 0.0 ? (uint32_t)floor(x + 0.5) : 0u;
            }
            if (*slot == 0)
                continue;
            att_stream_reset(&s, r->seed, ATT_RNG_RETURNS, (uint32_t)i, ws->pkey[m], (uint32_t)u);
            back = att_binomial(&s, *slot, v.rho);
            ws->pn[m] += back;
            *slot = 0;
        }
        for (j = 0; j < p->ndeparture; j++)
            if (p->departures[j].date == t &&
                project_depart(r, ws, i, &p->departures[j], j, v.depart[j], ncoh))
                r->capped[i] = 1;
        for (j = 0; j < p->nscheduled; j++)
            if (ws->sdate[j] == t &&
                project_depart(r, ws, i, &p->scheduled[j], p->ndeparture + j, ws->svalue[j], ncoh))
                r->capped[i] = 1;
        /* The day's casualties, cohort by cohort. */
        for (m = 0; m < ncoh; m++) {
            double q = m >= ng ? ws->pq[m] : t >= from ? q_rule[m] : q_last[m];
            uint32_t x, kx;
            if (ws->pn[m] == 0 || q == 0.0)
                continue;
            att_stream_reset(&s, r->seed, ATT_RNG_COUNTS, (uint32_t)i, ws->pkey[m], (uint32_t)u);
            x = project_pool_casualties(r, ws, &s, ws->pn[m], q);
            ws->pn[m] -= x;
            att_stream_reset(&s, r->seed, ATT_RNG_KILLED, (uint32_t)i, ws->pkey[m] + 1,
                             (uint32_t)u);
            kx = att_binomial_prepared(&s, x, &kb);
            c[ws->pgroup[m]] += x;
            k[ws->pgroup[m]] += kx;
            if (delay > 0)
                ws->ring[m * delay + u % delay] = x - kx;
        }
        if (p->nthreshold > 0) {
            project_group_sums(ws, ncoh, ng, n, c, k, d);
            project_check_group_thresholds(r, i, t + 1, n, c, k, d, ng);
        }
    }
    project_group_sums(ws, ncoh, ng, n, c, k, d);
    r->deployed_end[i] = (uint32_t)d[ng];
    return true;
}

/* ---- the run ------------------------------------------------------------------ */

static void
project_scratch_free(project_scratch *ws)
{
    if (ws == NULL)
        return;
    gsl_rng_free(ws->rng);
    att_mem_free(ws->hazard);
    att_mem_free(ws->count);
    att_mem_free(ws->wdate);
    att_mem_free(ws->wsize);
    att_mem_free(ws->whazard);
    att_mem_free(ws->wpool);
    att_mem_free(ws->pn);
    att_mem_free(ws->phazard);
    att_mem_free(ws->pq);
    att_mem_free(ws->pkey);
    att_mem_free(ws->vals);
    att_mem_free(ws->rows);
    att_mem_free(ws->ring);
    att_mem_free(ws->pgroup);
    att_mem_free(ws->sdate);
    att_mem_free(ws->svalue);
}

static bool
project_scratch_alloc(project_scratch *ws, const att_params *p, const att_posterior *post)
{
    size_t nw = p->nwave + att_params_group_count(p) + 1, ng = att_params_group_count(p);
    size_t delay = (size_t)p->return_delay;

    memset(ws, 0, sizeof *ws);
    ws->hazard = att_mem_alloc(p->nphase * sizeof *ws->hazard);
    ws->count = att_mem_alloc((p->narrival + 1) * sizeof *ws->count);
    ws->wdate = att_mem_alloc(nw * sizeof *ws->wdate);
    ws->wsize = att_mem_alloc(nw * sizeof *ws->wsize);
    ws->whazard = att_mem_alloc(nw * sizeof *ws->whazard);
    ws->wpool = att_mem_alloc(nw * sizeof *ws->wpool);
    ws->pn = att_mem_alloc(nw * sizeof *ws->pn);
    ws->phazard = att_mem_alloc(nw * sizeof *ws->phazard);
    ws->pq = att_mem_alloc(nw * sizeof *ws->pq);
    ws->pkey = att_mem_alloc(nw * sizeof *ws->pkey);
    if (p->projection.counts == ATT_COUNTS_BETA_BINOMIAL || p->nscheduled > 0)
        ws->rng = att_rng_alloc(0, ATT_RNG_COUNTS, 0, 0, 0);
    if (att_params_extended(p)) {
        ws->vals = att_mem_alloc((att_posterior_nvalues(post) + 1) * sizeof *ws->vals);
        ws->rows = att_mem_alloc((delay + 1) * ng * sizeof *ws->rows);
        ws->ring = att_mem_calloc(nw * delay + 1, sizeof *ws->ring);
        ws->pgroup = att_mem_alloc(nw * sizeof *ws->pgroup);
        ws->sdate = att_mem_alloc((p->nscheduled + 1) * sizeof *ws->sdate);
        ws->svalue = att_mem_alloc((p->nscheduled + 1) * sizeof *ws->svalue);
        if (!ws->vals || !ws->rows || !ws->ring || !ws->pgroup || !ws->sdate || !ws->svalue)
            return false;
    }
    return ws->hazard && ws->count && ws->wdate && ws->wsize && ws->whazard && ws->wpool &&
           ws->pn && ws->phazard && ws->pq && ws->pkey &&
           (ws->rng != NULL ||
            (p->projection.counts != ATT_COUNTS_BETA_BINOMIAL && p->nscheduled == 0));
}

/* The scratch of a block's lanes after the first, carved from one
 * allocation at base (NULL: only counted): the pools' and waves' arrays
 * that project_block uses, each rounded to 8 bytes.  Returns the bytes a
 * lane takes. */
static size_t
project_lane_carve(project_scratch *ws, const att_params *p, char *base)
{
    const size_t nw = p->nwave + att_params_group_count(p) + 1;
    size_t at = 0;

#define PROJECT_CARVE(field, count)                           \
    do {                                                      \
        if (base != NULL)                                     \
            ws->field = (void *)(base + at);                  \
        at += ((count) * sizeof *ws->field + 7) & ~(size_t)7; \
    } while (0)
    PROJECT_CARVE(hazard, p->nphase);
    PROJECT_CARVE(count, p->narrival + 1);
    PROJECT_CARVE(wdate, nw);
    PROJECT_CARVE(wsize, nw);
    PROJECT_CARVE(whazard, nw);
    PROJECT_CARVE(wpool, nw);
    PROJECT_CARVE(pn, nw);
    PROJECT_CARVE(phazard, nw);
    PROJECT_CARVE(pq, nw);
    PROJECT_CARVE(pkey, nw);
#undef PROJECT_CARVE
    return at;
}

static void
project_block_free(project_block_ws *bw)
{
    if (bw->ws != NULL)
        project_scratch_free(&bw->ws[0]);
    att_mem_free(bw->ws);
    att_mem_free(bw->bulk);
    att_mem_free(bw->lane);
    att_mem_free(bw->dr.a);
    att_mem_free(bw->dr.b);
    att_mem_free(bw->dr.n);
    att_mem_free(bw->dr.x);
    att_mem_free(bw->dr.p);
    att_mem_free(bw->dr.lane);
    att_mem_free(bw->dr.slot);
}

/* The first lane's scratch is whole (a force by groups and the
 * beta-binomial's generator use it); the others are carved. */
static bool
project_block_alloc(project_block_ws *bw, const att_params *p, const att_posterior *post)
{
    const size_t nd = PROJECT_BLOCK * (p->nwave + 1); /* a day's draws at most */
    const size_t lane_bytes = project_lane_carve(NULL, p, NULL);
    size_t l;

    memset(bw, 0, sizeof *bw);
    bw->ws = att_mem_calloc(PROJECT_BLOCK, sizeof *bw->ws);
    bw->bulk = att_mem_alloc((PROJECT_BLOCK - 1) * lane_bytes);
    bw->lane = att_mem_alloc(PROJECT_BLOCK * sizeof *bw->lane);
    bw->dr.a = att_mem_alloc(nd * sizeof *bw->dr.a);
    bw->dr.b = att_mem_alloc(nd * sizeof *bw->dr.b);
    bw->dr.n = att_mem_alloc(nd * sizeof *bw->dr.n);
    bw->dr.x = att_mem_alloc(nd * sizeof *bw->dr.x);
    bw->dr.p = att_mem_alloc(nd * sizeof *bw->dr.p);
    bw->dr.lane = att_mem_alloc(nd * sizeof *bw->dr.lane);
    bw->dr.slot = att_mem_alloc(nd * sizeof *bw->dr.slot);
    if (!bw->ws || !bw->bulk || !bw->lane || !bw->dr.a || !bw->dr.b || !bw->dr.n || !bw->dr.x ||
        !bw->dr.p || !bw->dr.lane || !bw->dr.slot)
        return false;
    for (l = 1; l < PROJECT_BLOCK; l++)
        project_lane_carve(&bw->ws[l], p, bw->bulk + (l - 1) * lane_bytes);
    return project_scratch_alloc(&bw->ws[0], p, post);
}

void
att_projection_free(att_projection *r)
{
    size_t s, m;

    if (r == NULL)
        return;
    for (s = 0; s < ATT_SERIES_COUNT; s++) {
        att_mem_free(r->q[s]);
        att_mem_free(r->mean[s]);
        att_mem_free(r->end[s]);
        att_mem_free(r->hist_q[s]);
        att_mem_free(r->hist_gq[s]);
        att_mem_free(r->gq[s]);
        att_mem_free(r->gmean[s]);
    }
    for (s = 0; s <= ATT_SERIES_COUNT; s++) {
        att_mem_free(r->path[s]);
        att_mem_free(r->gpath[s]);
    }
    for (m = 0; r->threshold != NULL && m < r->nthreshold; m++)
        att_mem_free(r->threshold[m].by_date);
    att_mem_free(r->threshold);
    att_mem_free(r->levels);
    att_mem_free(r->dates);
    att_mem_free(r->hist_dates);
    att_mem_free(r->rate_q);
    att_mem_free(r->share_q);
    att_mem_free(r->hist_rate_q);
    att_mem_free(r->hist_share_q);
    memset(r, 0, sizeof *r);
}

/* Output dates: start, every step, and the last day. */
static size_t
project_make_dates(int32_t start, int32_t horizon, long step, int32_t *dates)
{
    size_t n = 0;
    int32_t t;

    for (t = start; t < start + horizon; t += (int32_t)step) {
        if (dates != NULL)
            dates[n] = t;
        n++;
    }
    if (dates != NULL)
        dates[n] = start + horizon;
    return n + 1;
}

static int
project_cmp_day(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

    return (x > y) - (x < y);
}

/* Summaries of the per-path values: quantiles and means per date, the
 * last date's values per path, and the thresholds. */
static att_status
project_summarise(const project_run *r, att_projection *out, size_t nthreads, att_error *err)
{
    size_t n = r->paths, k, s, i, m, j;
    int failed = 0;
    double *x = att_mem_alloc(n * sizeof *x);
    int32_t *f = att_mem_alloc(n * sizeof *f);
    att_status st = ATT_OK;

    for (s = 0; s < ATT_SERIES_COUNT; s++) {
        out->q[s] = att_mem_alloc(r->ndates * out->nlevels * sizeof(double));
        out->mean[s] = att_mem_alloc(r->ndates * sizeof(double));
        out->end[s] = att_mem_alloc(n * sizeof(double));
        if (out->q[s] == NULL || out->mean[s] == NULL || out->end[s] == NULL)
            st = ATT_ENOMEM;
    }
    out->nthreshold = r->p->nthreshold;
    out->threshold = att_mem_calloc(out->nthreshold + 1, sizeof *out->threshold);
    for (m = 0; out->threshold != NULL && m < out->nthreshold; m++)
        if ((out->threshold[m].by_date = att_mem_alloc(r->ndates * sizeof(double))) == NULL)
            st = ATT_ENOMEM;
    if (x == NULL || f == NULL || out->threshold == NULL || st != ATT_OK) {
        st = ATT_FAIL(err, ATT_ENOMEM, "out of memory for the projection's summaries");
        goto done;
    }
    for (s = 0; s < ATT_SERIES_COUNT; s++)
        for (i = 0; i < n; i++)
            out->end[s][i] = (double)r->vals[s][(r->ndates - 1) * n + i];
            /* Each series' date on its own, on the run's threads (each with its
             * own buffer): the same numbers for any number of them. */
#pragma omp parallel num_threads((int)nthreads) reduction(| : failed)
    {
        double *xt = att_mem_alloc(n * sizeof *xt);
        size_t c;
        failed |= xt == NULL;
#pragma omp for schedule(static)
        for (c = 0; c < ATT_SERIES_COUNT * r->ndates; c++) {
            const size_t cs = c / r->ndates, ck = c % r->ndates, nl = out->nlevels;
            const uint32_t *v = r->vals[cs] + ck * n;
            double sum = 0.0;
            size_t ci, cj;
            for (ci = 0; ci < n; ci++)
                sum += (double)v[ci];
            out->mean[cs][ck] = sum / (double)n;
            if (xt == NULL)
                continue;
            att_sort_counts(v, n, xt);
            for (cj = 0; cj < nl; cj++)
                out->q[cs][ck * nl + cj] = att_summary_quantile(xt, n, out->levels[cj] / 100.0);
        }
        att_mem_free(xt);
    }
    if (failed) {
        st = ATT_FAIL(err, ATT_ENOMEM, "out of memory for the projection's summaries");
        goto done;
    }
    /* Each group's bands, as the force's. */
    out->ngroup = r->ngroup;
    for (s = 0; s < ATT_SERIES_COUNT && r->ngroup > 0; s++) {
        size_t g;
        out->gq[s] = att_mem_alloc(r->ngroup * r->ndates * out->nlevels * sizeof(double));
        out->gmean[s] = att_mem_alloc(r->ngroup * r->ndates * sizeof(double));
        if (out->gq[s] == NULL || out->gmean[s] == NULL) {
            st = ATT_FAIL(err, ATT_ENOMEM, "out of memory for the projection's summaries");
            goto done;
        }
        for (g = 0; g < r->ngroup; g++)
            for (k = 0; k < r->ndates; k++) {
                const uint32_t *v = r->gvals[s] + k * n * r->ngroup + g;
                double sum = 0.0;
                for (i = 0; i < n; i++) {
                    x[i] = (double)v[i * r->ngroup];
                    sum += x[i];
                }
                out->gmean[s][g * r->ndates + k] = sum / (double)n;
                att_quantiles_of(x, n, out->levels, out->nlevels,
                                 out->gq[s] + (g * r->ndates + k) * out->nlevels);
            }
    }
    for (i = 0; i < n; i++)
        x[i] = (double)r->deployed_end[i];
    att_sort(x, n);
    out->deployed_end_q50 = att_summary_quantile(x, n, 0.5);
    for (i = 0, out->capped_paths = 0; i < n; i++)
        out->capped_paths += r->capped[i];
    for (m = 0; m < out->nthreshold; m++) {
        att_threshold_result *tr = &out->threshold[m];
        static const double lv[3] = {0.05, 0.50, 0.95};
        size_t crossed = 0;
        memcpy(f, r->first + m * n, n * sizeof *f);
        qsort(f, n, sizeof *f, project_cmp_day);
        for (i = 0; i < n && f[i] == r->start; i++)
            ;
        tr->p_at_start = (double)i / (double)n;
        for (k = 0, i = 0; k < r->ndates; k++) {
            while (i < n && f[i] <= r->dates[k])
                i++;
            tr->by_date[k] = (double)i / (double)n;
        }
        tr->probability = tr->by_date[r->ndates - 1];
        for (i = 0; i < n; i++)
            crossed += f[i] != INT32_MAX;
        /* The inverse empirical CDF: the first day by which a share lv of
         * the paths have crossed; beyond the horizon if fewer ever do. */
        for (j = 0; j < 3; j++) {
            size_t idx = (size_t)ceil(lv[j] * (double)n - 1e-9);
            idx = idx == 0 ? 0 : idx - 1;
            tr->date_q[j] = idx < crossed ? f[idx] : ATT_DAY_OPEN;
        }
    }
done:
    att_mem_free(x);
    att_mem_free(f);
    return st;
}

att_status
att_project_run(const att_params *p,
                const att_posterior *post,
                const att_fit_result *fit,
                const att_project_params *pp,
                att_projection *out,
                att_error *err)
{
    const att_projection_params *pr = &p->projection;
    project_run r;
    project_block_ws *bw = NULL;
    size_t s, i, m, nthreads = 1, nblock;
    long step = pp->step > 0 ? pp->step : pr->step;
    int overflow = 0;
    double t0;
    bool with_d = pp->keep_paths || pp->views; /* troops deployed per path */
    att_status st;

    memset(out, 0, sizeof *out);
    memset(&r, 0, sizeof r);
    r.start = pp->start != INT32_MIN ? pp->start : pr->start;
    r.horizon = (int32_t)(pp->horizon > 0 ? pp->horizon : pr->horizon);
    if ((st = att_project_check_with(p, pp, err)) != ATT_OK)
        return st;
    if (fit->chains * fit->draws == 0 || fit->dim != att_posterior_dim(post))
        return ATT_FAIL(err, ATT_EINVAL, "expected a fit of this posterior with draws");
    r.p = p;
    r.post = post;
    r.fit = fit;
    if ((st = att_simd_choose_timed(&r.simd, err)) != ATT_OK)
        return st;
    r.seed = pp->seed;
    r.paths = pp->paths > 0 ? pp->paths : (size_t)pr->paths;
    r.ndraw = fit->chains * fit->draws;
    r.waves = !pp->without_waves;
    r.force = att_params_extended(p);
    r.ngroup = p->ngroup;
    for (m = 0; m < p->nthreshold; m++)
        r.killed_daily |= p->thresholds[m].quantity == ATT_QUANTITY_KILLED;
    for (i = 0; i < p->nwave; i++)
        if (p->waves[i].size_prior == ATT_COUNT_SHARE)
            r.share_sum += p->waves[i].share;
    r.ndates = project_make_dates(r.start, r.horizon, step, NULL);

    out->paths = r.paths;
    out->draws = r.ndraw;
    out->ndates = r.ndates;
    out->killed_daily = r.killed_daily;
    out->nlevels = pp->levels != NULL ? pp->nlevels : pr->nquantiles;
    out->levels = att_mem_alloc(out->nlevels * sizeof *out->levels);
    out->dates = att_mem_alloc(r.ndates * sizeof *out->dates);
    for (s = 0; s < ATT_SERIES_COUNT + (with_d ? 1u : 0u); s++)
        r.vals[s] = att_mem_alloc(r.ndates * r.paths * sizeof(uint32_t));
    r.deployed_end = att_mem_alloc(r.paths * sizeof *r.deployed_end);
    r.capped = att_mem_calloc(r.paths + 1, sizeof *r.capped);
    for (s = 0; s < ATT_SERIES_COUNT + (pp->keep_paths ? 1u : 0u) && r.ngroup > 0; s++)
        if ((r.gvals[s] = att_mem_alloc(r.ndates * r.paths * r.ngroup * sizeof(uint32_t))) == NULL)
            st = ATT_ENOMEM;
    r.first = att_mem_alloc((p->nthreshold * r.paths + 1) * sizeof *r.first);
#ifdef _OPENMP
    nthreads = pp->threads > 0 ? (size_t)pp->threads : (size_t)omp_get_max_threads();
#endif
    bw = att_mem_calloc(nthreads, sizeof *bw);
    if (out->levels == NULL || out->dates == NULL || r.vals[0] == NULL || r.vals[1] == NULL ||
        r.vals[2] == NULL || (with_d && r.vals[ATT_SERIES_COUNT] == NULL) ||
        r.deployed_end == NULL || r.capped == NULL || r.first == NULL || bw == NULL ||
        st != ATT_OK) {
        st =
            ATT_FAIL(err, ATT_ENOMEM, "out of memory for %zu paths x %zu dates", r.paths, r.ndates);
        goto done;
    }
    for (i = 0; i < nthreads; i++)
        if (!project_block_alloc(&bw[i], p, post)) {
            st = ATT_FAIL(err, ATT_ENOMEM, "out of memory for the paths' scratch");
            goto done;
        }
    memcpy(out->levels, pp->levels != NULL ? pp->levels : pr->quantiles,
           out->nlevels * sizeof *out->levels);
    project_make_dates(r.start, r.horizon, step, out->dates);
    r.dates = out->dates;
    for (i = 0; i < p->nthreshold * r.paths; i++)
        r.first[i] = INT32_MAX;

    t0 = att_seconds();
    nblock = (r.paths + PROJECT_BLOCK - 1) / PROJECT_BLOCK;
#pragma omp parallel for schedule(static) num_threads((int)nthreads) reduction(| : overflow)
    for (i = 0; i < nblock; i++) {
        const size_t i0 = i * PROJECT_BLOCK,
                     nl = r.paths - i0 < PROJECT_BLOCK ? r.paths - i0 : PROJECT_BLOCK;
        size_t l;
        int tid = 0;
#ifdef _OPENMP
        tid = omp_get_thread_num();
#endif
        if (!r.force)
            overflow |= !project_block(&r, &bw[tid], i0, nl);
        for (l = 0; r.force && l < nl; l++)
            overflow |= !project_path_force(&r, &bw[tid].ws[0], i0 + l);
    }
    out->seconds_loop = att_seconds() - t0;
    if (overflow) {
        st = ATT_FAIL(err, ATT_ERANGE,
                      "expected at most %.0f troops in a path, found more: check the "
                      "arrival and wave sizes",
                      PROJECT_TROOPS_MAX);
        goto done;
    }
    if (!(pp->paths_only && pp->keep_paths) &&
        (st = project_summarise(&r, out, nthreads, err)) != ATT_OK)
        goto done;
    if (pp->views)
        st = att_project_views(r.vals[ATT_SERIES_CASUALTIES], r.vals[ATT_SERIES_COUNT], r.paths,
                               out, err);
    if (st == ATT_OK && pp->history)
        st = att_project_history(p, post, fit, r.start, step, pp->views, out, err);
    out->ngroup = r.ngroup; /* also where project_summarise did not run */
    if (st == ATT_OK && pp->keep_paths)
        for (s = 0; s <= ATT_SERIES_COUNT; s++) {
            out->path[s] = r.vals[s];
            r.vals[s] = NULL;
            out->gpath[s] = r.gvals[s];
            r.gvals[s] = NULL;
        }
done:
    for (i = 0; bw != NULL && i < nthreads; i++)
        project_block_free(&bw[i]);
    att_mem_free(bw);
    for (s = 0; s <= ATT_SERIES_COUNT; s++)
        att_mem_free(r.vals[s]);
    for (s = 0; s <= ATT_SERIES_COUNT; s++)
        att_mem_free(r.gvals[s]);
    att_mem_free(r.deployed_end);
    att_mem_free(r.capped);
    att_mem_free(r.first);
    if (st != ATT_OK)
        att_projection_free(out);
    return st;
}

att_status
att_projection_paired(const att_projection *a,
                      const att_projection *b,
                      att_series s,
                      double level,
                      double *out,
                      att_error *err)
{
    size_t i, n = a->paths;
    double *x;

    if (b->paths != n || a->end[s] == NULL || b->end[s] == NULL)
        return ATT_FAIL(err, ATT_EINVAL, "expected two projections of the same paths");
    x = att_mem_alloc(n * sizeof *x);
    if (x == NULL)
        return ATT_FAIL(err, ATT_ENOMEM, "out of memory");
    for (i = 0; i < n; i++)
        x[i] = a->end[s][i] - b->end[s][i];
    att_quantiles_of(x, n, &level, 1, out);
    att_mem_free(x);
    return ATT_OK;
}
