/* post_design.c -- the report design of the posterior (docs/model.md,
 * sections 1.1, 1.4 and 2.5): the distinct times any report's window
 * reads (24:00 of each as-of day; a rate's two ends), each cohort's
 * exposure to each phase on them (equation (2)) and how its survival moves
 * from one to the next, each report's evaluation points (runs of days
 * whose model quantity is the same whatever theta take one point), and
 * which logs of C, N, D each time needs.  Built once per posterior.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include <attrition/att_model.h>

#include "emath.h"
#include "post.h"

static void
post_design_exposure(const att_posterior *post, double t, double *out)
{
    const att_params *p = post->p;
    size_t j, k;

    for (j = 0; j < post->narr; j++) {
        double tau = (double)p->arrivals[j].date;
        for (k = 0; k < post->nphase; k++)
            /* A cohort not yet arrived (tau >= t, equation (1)) is marked
             * with a negative exposure in phase 0. */
            out[j * post->nphase + k] =
                tau < t ? att_model_overlap(&p->phases[k], tau, t) : (k == 0 ? -1.0 : 0.0);
    }
}

/* A time some report reads, with the set of groups it sums (0: the
 * whole force, the only set of a first-version model). */
typedef struct {
    uint32_t set;
    double t;
} post_design_key;

/* A used report's place in the evaluation order: the reports are taken
 * grouped by kind, measure and qualifier, and by window length within
 * each group, so that each pass's branches on them and its loops over a
 * report's days repeat from one report to the next.  In ledger order a
 * gradient over 10,000 synthetic reports took 1.6 times as long, over
 * 1,000 no longer: the branch predictor, it seems, learns the sequence of
 * a thousand reports but not of ten thousand (bench/README.md).  The
 * order is part of the log density's bits (its sums run in it); the
 * public functions keep the ledger's. */
typedef struct {
    int kind, measure, qual;
    int32_t span;
    size_t ledger, pub; /* its index in the ledger, and among the used reports */
} post_design_rank;

static int
post_design_rank_cmp(const void *a, const void *b)
{
    const post_design_rank *x = a, *y = b;

    if (x->kind != y->kind)
        return (x->kind > y->kind) - (x->kind < y->kind);
    if (x->measure != y->measure)
        return (x->measure > y->measure) - (x->measure < y->measure);
    if (x->qual != y->qual)
        return (x->qual > y->qual) - (x->qual < y->qual);
    if (x->span != y->span)
        return (x->span > y->span) - (x->span < y->span);
    return (x->ledger > y->ledger) - (x->ledger < y->ledger);
}

/* The used reports of l in evaluation order (nrep of them) into out. */
static void
post_design_order(const att_ledger *l, const bool *used, post_design_rank *out)
{
    size_t i, n = 0;

    for (i = 0; i < l->n; i++)
        if (used[i]) {
            const att_report *rp = &l->reports[i];
            out[n].kind = (int)rp->kind;
            out[n].measure = (int)rp->measure;
            out[n].qual = (int)rp->qualifier;
            out[n].span = rp->asof_end - rp->asof_start;
            out[n].ledger = i;
            out[n].pub = n;
            n++;
        }
    qsort(out, n, sizeof *out, post_design_rank_cmp);
}

/* By set, then by time: within a set the times ascend. */
static int
post_design_cmp(const void *a, const void *b)
{
    const post_design_key *x = a, *y = b;

    if (x->set != y->set)
        return (x->set > y->set) - (x->set < y->set);
    return (x->t > y->t) - (x->t < y->t);
}

static size_t
post_design_time_index(const att_posterior *post, uint32_t set, double t)
{
    size_t lo = 0, hi = post->ntime;

    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (post->tset[mid] < set || (post->tset[mid] == set && post->times[mid] <= t))
            lo = mid;
        else
            hi = mid;
    }
    return lo; /* the design holds every (set, t) asked for */
}

/* How cohort j's survival moves from time i - 1 to time i. */
static int
post_design_step(const att_posterior *post, size_t i, size_t j)
{
    size_t np = post->nphase, k, moved = ATT_NONE;
    const double *L = post->expo + (i * post->narr + j) * np, *L0;

    if (L[0] < 0.0)
        return POST_STEP_ABSENT;
    if (i == 0)
        return POST_STEP_SCRATCH;
    L0 = post->expo + ((i - 1) * post->narr + j) * np;
    if (L0[0] < 0.0)
        return POST_STEP_SCRATCH;
    for (k = 0; k < np; k++) {
        double dl = L[k] - L0[k];
        if (dl == 0.0)
            continue;
        if (dl != 1.0 || moved != ATT_NONE)
            return POST_STEP_SCRATCH;
        moved = k;
    }
    return moved == ATT_NONE ? POST_STEP_SCRATCH : (int)moved;
}

/* Exposures and steps of every distinct time (equation (2)). */
static void
post_design_fill_times(att_posterior *post)
{
    size_t i, j, block = post->nphase * post->narr;

    for (i = 0; i < post->ntime; i++) {
        post_design_exposure(post, post->times[i], post->expo + i * block);
        for (j = 0; j < post->narr; j++)
            post->step[i * post->narr + j] = post_design_step(post, i, j);
    }
}

/* The exposures by arrival and phase, and each arrival's arr_from, for
 * post_forward_adjoint (once the times and steps are final). */
static void
post_design_transpose(att_posterior *post)
{
    size_t i, j, k, block = post->nphase * post->narr;

    for (j = 0; j < post->narr; j++) {
        i = 0;
        while (i < post->ntime && post->step[i * post->narr + j] == POST_STEP_ABSENT)
            i++;
        post->arr_from[j] = i;
#ifndef NDEBUG
        /* Without groups every time is the whole force's and the times
         * ascend: a cohort is absent until it arrives, never after. */
        for (; i < post->ntime; i++)
            assert(post->extended || post->step[i * post->narr + j] != POST_STEP_ABSENT);
#endif
        for (k = 0; k < post->nphase; k++) {
            size_t jk = j * post->nphase + k, from = post->ntime;
            for (i = 0; i < post->ntime; i++) {
                post->expo_t[jk * post->ntime + i] = post->expo[i * block + jk];
                if (from == post->ntime && post->expo[i * block + jk] > 0.0)
                    from = i;
            }
            post->expo_from[jk] = from & ~(size_t)3;
        }
    }
}

/* Keeps only the times some point reads, renumbered, with their
 * exposures, steps and the logs each needs. */
static att_status
post_design_compact(att_posterior *post, att_error *err)
{
    size_t *map = att_mem_calloc(post->ntime + 1, sizeof *map), i, r, d, nt = 0;

    if (map == NULL)
        return ATT_FAIL(err, ATT_ENOMEM, "out of memory");
    for (i = 0; i < post->npoint; i++) {
        map[post->pt[i].ti] = 1;
        if (post->pt[i].ti0 != ATT_NONE)
            map[post->pt[i].ti0] = 1;
    }
    for (i = 0; i < post->ntime; i++)
        if (map[i]) {
            post->times[nt] = post->times[i];
            post->tset[nt] = post->tset[i];
            map[i] = nt++;
        }
    post->ntime = nt;
    for (i = 0; i < post->npoint; i++) {
        post->pt[i].ti = map[post->pt[i].ti];
        if (post->pt[i].ti0 != ATT_NONE)
            post->pt[i].ti0 = map[post->pt[i].ti0];
    }
    att_mem_free(map);
    post_design_fill_times(post);
    post_design_transpose(post);
    memset(post->need, 0, post->ntime);
    for (r = 0; r < post->nrep; r++) {
        const post_report *q = &post->rep[r];
        unsigned need = post_quantity_need(q);
        for (d = 0; d < q->npoint && need != 0; d++)
            post->need[post->pt[q->first + d].ti] |= (unsigned char)need;
    }
    for (post->need_all = 0, i = 0; i < post->ntime; i++)
        post->need_all |= post->need[i];
    return ATT_OK;
}

/* Each report's likelihood path, and the vector paths' days laid out
 * one after another: the windows', the one-sided reports', then the
 * ranges' (two bounds a day). */
static void
post_design_paths(att_posterior *post)
{
    size_t r, pass;

    post->nvwin = post->nvside = post->nvrange = post->nprob = 0;
    for (r = 0; r < post->nrep; r++) {
        post_report *q = &post->rep[r];
        q->path = q->qual == ATT_QUAL_APPROX ? (q->npoint < 2 ? POST_PATH_POINTS : POST_PATH_WINDOW)
                  : q->qual == ATT_QUAL_RANGE ? POST_PATH_RANGE
                                              : POST_PATH_ONE_SIDED;
        q->so = ATT_NONE;
        if (q->path == POST_PATH_ONE_SIDED || q->path == POST_PATH_RANGE) {
            q->so = post->nprob;
            post->prep[post->nprob++] = r;
        }
    }
    for (pass = POST_PATH_WINDOW; pass <= POST_PATH_RANGE; pass++)
        for (r = 0; r < post->nrep; r++) {
            post_report *q = &post->rep[r];
            if (q->path != (int)pass)
                continue;
            q->vo = post->nvwin + post->nvside + post->nvrange;
            *(pass == POST_PATH_WINDOW      ? &post->nvwin
              : pass == POST_PATH_ONE_SIDED ? &post->nvside
                                            : &post->nvrange) += post_vslots(q);
        }
}

/* The reports' arrays (np points, nexpo times at most) in one block;
 * NULL when out of memory.  Two passes of one list: the first sizes it. */
static void *
post_design_carve_reports(att_posterior *post, size_t np, size_t nexpo)
{
    unsigned char *base = NULL;
    size_t off = 0;
    int pass;

    for (pass = 0; pass < 2; pass++) {
        if (pass == 1 && (base = att_mem_block(off, &post->block[1])) == NULL)
            return NULL;
        off = 0;
        post->rep = att_mem_carve(base, &off, post->nrep + 1, sizeof *post->rep);
        post->prep = att_mem_carve(base, &off, post->nrep + 1, sizeof *post->prep);
        post->perrep = att_mem_carve(base, &off, post->nrep + 1, sizeof *post->perrep);
        post->pool = att_mem_carve(base, &off, post->nrep + 1, sizeof *post->pool);
        post->order = att_mem_carve(base, &off, post->nrep + 1, sizeof *post->order);
        post->pt = att_mem_carve(base, &off, np + 1, sizeof *post->pt);
        post->times = att_mem_carve(base, &off, nexpo + 1, sizeof *post->times);
        post->tset = att_mem_carve(base, &off, nexpo + 1, sizeof *post->tset);
    }
    return base;
}

/* The per-time arrays, once the distinct times are known, in one block. */
static void *
post_design_carve_times(att_posterior *post)
{
    size_t off = 0, block = post->nphase * post->narr, nt = post->ntime;
    unsigned char *base = NULL;
    int pass;

    for (pass = 0; pass < 2; pass++) {
        if (pass == 1 && (base = att_mem_block(off, &post->block[2])) == NULL)
            return NULL;
        off = 0;
        post->expo = att_mem_carve(base, &off, nt * block + 1, sizeof *post->expo);
        post->expo_t = att_mem_carve(base, &off, nt * block + 1, sizeof *post->expo_t);
        post->expo_from = att_mem_carve(base, &off, block + 1, sizeof *post->expo_from);
        post->arr_from = att_mem_carve(base, &off, post->narr + 1, sizeof *post->arr_from);
        post->step = att_mem_carve(base, &off, nt * post->narr + 1, sizeof *post->step);
        post->need = att_mem_carve(base, &off, nt + 1, sizeof *post->need);
    }
    return base;
}

/* Where q's points send d log p / d log m: a level to the sum of its
 * variable's log at the time (even slots of cnt) and, per deployed, with
 * sign -1 to log D's (odd slots); a change over a period nowhere, since
 * post_quantity_push takes it apart.  Counts them in cnt, or with list,
 * puts each point at its slot's next place (cnt) and moves that on. */
static void
post_design_route(const att_posterior *post, const post_report *q, size_t *cnt, size_t *list)
{
    size_t nt = post->ntime, i, end = q->first + q->npoint;

    if (q->mk.measure != ATT_MODEL_LEVEL)
        return;
    for (i = q->first; i < end; i++) {
        size_t *add = &cnt[2 * (POST_GLOG(q->mk.var) * nt + post->pt[i].ti)];
        size_t *sub = &cnt[2 * (POST_GLOG(ATT_MODEL_D) * nt + post->pt[i].ti) + 1];
        if (list != NULL)
            list[*add] = i;
        ++*add;
        if (!q->mk.per_deployed)
            continue;
        if (list != NULL)
            list[*sub] = i;
        ++*sub;
    }
}

/* A pooled report as the levels and the chain rule read it: its points
 * from lfirst on, the figure (a range's centre) and a range's spread on
 * the log scale, 1 / n_i. */
static void
post_design_pool(const att_posterior *post, const post_report *q, post_pool *o)
{
    double nlevel = 0.0;
    size_t k;

    for (k = q->lfirst; k < q->npoint; k++)
        nlevel += post->pt[q->first + k].mult;
    o->first = q->first + q->lfirst;
    o->n = q->npoint - q->lfirst;
    o->bias = q->bias;
    o->noise = q->noise;
    o->rnlevel = 1.0 / nlevel;
    o->lspread = q->qual == ATT_QUAL_RANGE ? (q->lhi - q->llo) * (q->lhi - q->llo) / 12.0 : 0.0;
    o->lcentre = q->qual == ATT_QUAL_RANGE ? 0.5 * (q->llo + q->lhi) : q->ly;
    o->share = q->mk.share;
    o->unit = q->unit;
}

/* One cache line a pooled report (the carve aligns to ATT_MEM_ALIGN). */
_Static_assert(ATT_MEM_ALIGN % sizeof(post_pool) == 0, "a pooled report straddles cache lines");

/* The lists post_quantity_push sums, in one block: per slot of glog that
 * some point adds to, its points in their order, then those that subtract
 * from it, in theirs; the same terms in the same order as a scatter in
 * the points' order would add them, without its stores waiting on one
 * another.  In the same block, log m's indices (post_quantity_log_m_index). */
static att_status
post_design_accumulate(att_posterior *post, att_error *err)
{
    size_t nsum = POST_GVAL(0) * post->ntime, *cnt, r, k, s, n, off = 0; /* glog's */
    /* log m's indices into ltab (post_quantity_log_m_index) are 32 bits */
    size_t most = (UINT32_MAX - POST_LTAB_TAIL) / ATT_MODEL_NVAR / 8 * 8 - 1;
    unsigned char *base = NULL;
    int pass;

    if (post->ntime > most)
        return ATT_FAIL(err, ATT_ERANGE,
                        "expected at most %zu distinct evaluation times (days, by set of groups), "
                        "found %zu",
                        most, post->ntime);
    post->lstride = (post->ntime + 8) / 8 * 8;
    if ((cnt = att_mem_calloc(2 * nsum + 1, sizeof *cnt)) == NULL)
        return ATT_FAIL(err, ATT_ENOMEM, "out of memory");
    for (r = 0; r < post->nrep; r++)
        post_design_route(post, &post->rep[r], cnt, NULL);
    for (post->nacc = n = s = 0; s < nsum; s++) {
        post->nacc += cnt[2 * s] + cnt[2 * s + 1] > 0;
        n += cnt[2 * s] + cnt[2 * s + 1];
    }
    for (pass = 0; pass < 2; pass++) {
        if (pass == 1 && (base = att_mem_block(off, &post->block[3])) == NULL) {
            att_mem_free(cnt);
            return ATT_FAIL(err, ATT_ENOMEM, "out of memory");
        }
        off = 0;
        post->acc_slot = att_mem_carve(base, &off, post->nacc + 1, sizeof *post->acc_slot);
        post->acc_off = att_mem_carve(base, &off, 2 * post->nacc + 1, sizeof *post->acc_off);
        post->acc_pt = att_mem_carve(base, &off, n + 1, sizeof *post->acc_pt);
        post->lm_add = att_mem_carve(base, &off, post->npoint + 1, sizeof *post->lm_add);
        post->lm_sub = att_mem_carve(base, &off, post->npoint + 1, sizeof *post->lm_sub);
        post->lm_share = att_mem_carve(base, &off, post->npoint + 1, sizeof *post->lm_share);
    }
    /* Each used slot's two ranges; cnt becomes their next free places. */
    for (n = k = s = 0; s < nsum; s++) {
        size_t add = cnt[2 * s], sub = cnt[2 * s + 1];
        if (add + sub == 0)
            continue;
        post->acc_slot[k] = s;
        post->acc_off[2 * k] = cnt[2 * s] = n;
        post->acc_off[2 * k + 1] = cnt[2 * s + 1] = n + add;
        n += add + sub;
        k++;
    }
    post->acc_off[2 * k] = n;
    for (r = 0; r < post->nrep; r++)
        post_design_route(post, &post->rep[r], cnt, post->acc_pt);
    att_mem_free(cnt);
    for (r = 0; r < post->nrep; r++)
        post_quantity_log_m_index(post, &post->rep[r]);
    return ATT_OK;
}

att_status
post_design_build(att_posterior *post, const att_ledger *l, const bool *used, att_error *err)
{
    size_t i, r, np = 0, nexpo = 0;
    post_design_key *keys;
    post_design_rank *rank;
    att_status st;

    for (i = 0; i < l->n; i++)
        if (used[i]) {
            const att_report *rp = &l->reports[i];
            bool over = att_model_kind_get(rp->kind, rp->measure).measure != ATT_MODEL_LEVEL;
            size_t w = over ? 1 : (size_t)(rp->asof_end - rp->asof_start + 1);
            np += w;
            nexpo += over ? 2 : w;
        }
    if (post_design_carve_reports(post, np, nexpo) == NULL ||
        (keys = att_mem_alloc((nexpo + 1) * sizeof *keys)) == NULL)
        return ATT_FAIL(err, ATT_ENOMEM, "out of memory");
    /* Every (set, time) any report needs, then sorted and made distinct. */
    nexpo = 0;
    for (i = 0; i < l->n; i++) {
        const att_report *rp = &l->reports[i];
        uint32_t set = att_ledger_group_set(rp, post->p);
        int32_t d;
        if (!used[i])
            continue;
        if (att_model_kind_get(rp->kind, rp->measure).measure != ATT_MODEL_LEVEL) {
            keys[nexpo].set = keys[nexpo + 1].set = set;
            keys[nexpo++].t = (double)rp->asof_end + 1.0;
            keys[nexpo++].t = (double)rp->asof_start;
        } else
            for (d = rp->asof_start; d <= rp->asof_end; d++) {
                keys[nexpo].set = set;
                keys[nexpo++].t = (double)d + 1.0;
            }
    }
    qsort(keys, nexpo, sizeof *keys, post_design_cmp);
    for (i = 0; i < nexpo; i++)
        if (post->ntime == 0 || keys[i].t != post->times[post->ntime - 1] ||
            keys[i].set != post->tset[post->ntime - 1]) {
            post->times[post->ntime] = keys[i].t;
            post->tset[post->ntime++] = keys[i].set;
        }
    att_mem_free(keys);
    if (post_design_carve_times(post) == NULL ||
        (rank = att_mem_alloc((post->nrep + 1) * sizeof *rank)) == NULL)
        return ATT_FAIL(err, ATT_ENOMEM, "out of memory");
    post_design_fill_times(post);
    post_design_order(l, used, rank);
    for (r = 0; r < post->nrep; r++) {
        const att_report *rp = &l->reports[rank[r].ledger];
        post_report *q = &post->rep[r];
        int32_t d;
        size_t k;
        uint32_t set;
        post->order[rank[r].pub] = r;
        q->ledger = rank[r].ledger;
        set = att_ledger_group_set(rp, post->p);
        q->mk = att_model_kind_get(rp->kind, rp->measure);
        q->qual = rp->qualifier;
        q->ly = rp->qualifier == ATT_QUAL_RANGE ? 0.0 : att_log(rp->value);
        q->llo = rp->qualifier == ATT_QUAL_RANGE ? att_log(rp->low) : 0.0;
        q->lhi = rp->qualifier == ATT_QUAL_RANGE ? att_log(rp->high) : 0.0;
        q->bias = att_posterior_bias_index(post, rp->cls, att_kind_family(rp->kind));
        q->cpl = att_kind_family(rp->kind) == ATT_FAMILY_LOSSES ? post->cpl_par[rp->cls] : ATT_NONE;
        q->noise = post->p->noise_per_class ? rp->cls : 0;
        q->lwidth = q->mk.measure == ATT_MODEL_DAILY
                        ? att_log((double)rp->asof_end - (double)rp->asof_start + 1.0)
                        : 0.0;
        q->first = post->npoint;
        if (q->mk.measure != ATT_MODEL_LEVEL) {
            /* From 00:00 of a to 24:00 of b, no averaging (equation (5)). */
            post_point *pt = &post->pt[post->npoint++];
            pt->ti = post_design_time_index(post, set, (double)rp->asof_end + 1.0);
            pt->ti0 = post_design_time_index(post, set, (double)rp->asof_start);
            pt->mult = 1.0;
        } else
            for (d = rp->asof_start; d <= rp->asof_end; d++) {
                /* As of day d means 24:00 of d (equation (10)). */
                size_t ti = post_design_time_index(post, set, (double)d + 1.0);
                post_point *pt;
                if (post->npoint > q->first &&
                    post_quantity_same(post, q->mk.var, post->pt[post->npoint - 1].ti, ti)) {
                    post->pt[post->npoint - 1].mult += 1.0;
                    continue;
                }
                pt = &post->pt[post->npoint++];
                pt->ti = ti;
                pt->ti0 = ATT_NONE;
                pt->mult = 1.0;
            }
        q->npoint = post->npoint - q->first;
        q->ndays =
            q->mk.measure != ATT_MODEL_LEVEL ? 1.0 : (double)(rp->asof_end - rp->asof_start + 1);
        q->lnpoint = att_log(q->ndays);
        /* A point figure of an estimated bias sets that bias's level in the
         * sampling coordinates, from its days where m > 0 whatever theta
         * (those with m = 0 can only come first: C and D never fall to 0). */
        for (q->lfirst = 0; q->lfirst < q->npoint; q->lfirst++)
            if (post_quantity_positive(post, q, &post->pt[q->first + q->lfirst]))
                break;
        q->pooled = (q->qual == ATT_QUAL_APPROX || q->qual == ATT_QUAL_RANGE) &&
                    q->bias != ATT_NONE && q->lfirst < q->npoint;
        /* With departures m can fall back to 0 (a count takes a whole
         * group): such a report sets no level. */
        for (k = q->lfirst; q->pooled && post->extended && k < q->npoint; k++)
            q->pooled = post_quantity_positive(post, q, &post->pt[q->first + k]);
        if (q->npoint > post->maxpoint)
            post->maxpoint = q->npoint;
    }
    att_mem_free(rank);
    post_design_paths(post);
    if ((st = post_design_compact(post, err)) != ATT_OK)
        return st;
    for (post->nperiod = post->npool = r = 0; r < post->nrep; r++) {
        post_report *q = &post->rep[r];
        if (q->mk.measure != ATT_MODEL_LEVEL)
            post->perrep[post->nperiod++] = r;
        for (q->unit = true, i = 0; i < q->npoint; i++)
            q->unit = q->unit && post->pt[q->first + i].mult == 1.0;
        if (q->pooled)
            post_design_pool(post, q, &post->pool[post->npool++]);
    }
    return post_design_accumulate(post, err);
}
