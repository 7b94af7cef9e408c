/* compare_cmd.c -- `attrition compare` and `attrition backtest`: fit on
 * what was known at an origin (or at each statement date), score the
 * reports stated after it with the model and the three baselines, and
 * print the scores per report and their summaries; as a table, CSV or
 * JSON.  No numerics here: every number comes from the library. */
#include "compare_cmd.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <attrition/att_compare.h>
#include <attrition/att_date.h>
#include <attrition/att_fit.h>
#include <attrition/att_output.h>
#include <attrition/att_posterior.h>
#include <attrition/att_project.h>
#include <attrition/att_run.h>
#include <attrition/att_skill.h>
#include <attrition/att_version.h>

#include "advice.h"
#include "exit_codes.h"
#include "hub.h"
#include "plot.h"
#include "print.h"
#include "scenario.h"

#define CLI_PATH_MAX 4096

/* Resamples of the reports behind backtest's intervals of skill. */
#define CLI_SKILL_RESAMPLES 2000

/* One origin's fit and scores. */
typedef struct {
    int32_t origin;
    bool skipped;
    char why[ATT_ERROR_MSG_MAX + 64]; /* why it was skipped */
    att_run_fit rf;                   /* the posterior at the origin, its draws, their verdict */
    att_comparison cmp;
    att_projection fan; /* backtest --plot: casualties projected from the origin */
    bool has_fan;
    bool train; /* compare: an earlier origin fitted only for the ensemble's weights */
} origin_view;

typedef struct {
    const cli_options *o;
    att_run *run;
    const att_params *p0;      /* the scenario as read (for the header) */
    const att_ledger *l;       /* the ledger, with --later joined */
    const char *params_digest; /* of the parameter files */
    char anchor[512];
    size_t n;
    origin_view *ov;
    size_t ntrain;
    origin_view *tr;       /* compare: the earlier origins the ensemble learns from */
    att_comparison pooled; /* backtest */
    att_skill skill[ATT_HORIZON_COUNT + 1]; /* backtest: per bucket, then over all */
    size_t candidates; /* compare: reports stated by the origin after an earlier statement date */
} compare_ctx;

/* ---- one origin -------------------------------------------------------------------- */

/* backtest --plot: the casualties projected from the origin, weekly, to a
 * month past the last report (no fan where the scenario cannot start
 * there, e.g. a wave before it: the plot leaves that origin out). */
static void
project_fan(const compare_ctx *c, origin_view *v)
{
    static const double levels[3] = {5.0, 50.0, 95.0};
    att_project_params pp = att_project_default_params();
    int32_t last = v->origin + 30;
    att_error err;
    size_t i;

    for (i = 0; i < c->l->n; i++)
        if (c->l->reports[i].asof_end + 30 > last)
            last = c->l->reports[i].asof_end + 30;
    pp.paths = v->rf.fit.chains * v->rf.fit.draws;
    pp.seed = v->rf.p->projection.seed;
    pp.threads = c->o->threads > 0 ? (int)c->o->threads : 0;
    pp.step = 7;
    pp.start = v->origin + 1;
    pp.horizon = last - pp.start;
    pp.levels = levels;
    pp.nlevels = 3;
    pp.history = false;
    v->has_fan = att_project_run(v->rf.p, v->rf.post, &v->rf.fit, &pp, &v->fan, &err) == ATT_OK;
}

/* ---- what an origin changed (docs/model.md, section 9) ---------------------------- */

/* The names of the scenario's phases (what 0), arrivals (1) or departures
 * (2) that truncation t dropped, ", "-joined; "" for none. */
static const char *
dropped_names(const compare_ctx *c, const att_truncation *t, int what, char *buf, size_t n)
{
    const att_params *p = c->p0;
    size_t i, used = 0, kept, all;

    kept = what == 0 ? t->phases_kept : what == 1 ? t->arrivals_kept : t->departures_kept;
    all = what == 0 ? p->nphase : what == 1 ? p->narrival : p->ndeparture;
    buf[0] = '\0';
    for (i = kept; i < all && used < n; i++) {
        const char *name = what == 0   ? p->phases[i].name
                           : what == 1 ? p->arrivals[i].name
                                       : p->departures[i].name;
        int m = snprintf(buf + used, n - used, "%s%s", used ? ", " : "", name);
        used += m > 0 ? (size_t)m : 0;
    }
    return buf;
}

/* The hazard a cohort carries after the origin: the contingent's (w =
 * ATT_NONE) or wave w's; *dropped gets the phase its rule named that the
 * origin dropped, or NULL. */
static const char *
cohort_hazard(
    const compare_ctx *c, const origin_view *v, size_t w, const char **dropped, char *buf, size_t n)
{
    const att_params *cut = v->rf.p;
    const att_projection_params *pr = &cut->projection;
    const att_hazard_rule *h = w == ATT_NONE ? &pr->hazard : &cut->waves[w].hazard;
    const char *last = cut->phases[cut->nphase - 1].name;
    char inherit[ATT_NAME_MAX + 64], d[ATT_DATE_BUFSIZE];
    size_t used;

    *dropped = h->dropped ? c->p0->phases[h->phase].name : NULL;
    if (w == ATT_NONE)
        snprintf(inherit, sizeof inherit, "%s's hazard (the last phase left)", last);
    else
        snprintf(inherit, sizeof inherit, "the contingent's");
    /* cli_hazard_rule returns its third argument for an inherited rule. */
    if (cli_hazard_rule(cut, h, inherit, buf, n) != buf)
        snprintf(buf, n, "%s", inherit);
    if (w != ATT_NONE)
        return buf;
    used = strlen(buf);
    if (h->kind != ATT_HAZARD_INHERIT && pr->hazard_from == ATT_FROM_FIRST_WAVE && used < n)
        snprintf(buf + used, n - used, " from the first wave's arrival (%s's before)", last);
    else if (h->kind != ATT_HAZARD_INHERIT && pr->hazard_from == ATT_FROM_DATE && used < n)
        snprintf(buf + used, n - used, " from %s (%s's before)",
                 att_date_format(pr->hazard_from_date, d), last);
    return buf;
}

/* The text table's lines on what the origin changed. */
static void
print_changes(FILE *f, const compare_ctx *c, const origin_view *v, const char *indent)
{
    const att_params *cut = v->rf.p;
    att_truncation t;
    char names[1024], hz[512], d[ATT_DATE_BUFSIZE];
    const char *dropped;
    size_t w;

    att_params_truncation(c->p0, cut, &t);
    if (t.phases_kept < c->p0->nphase)
        fprintf(f, "%sphases dropped (they start after the origin): %s\n", indent,
                dropped_names(c, &t, 0, names, sizeof names));
    if (t.arrivals_kept < c->p0->narrival)
        fprintf(f,
                "%sarrivals dropped (dated after it; later troops come only from the "
                "scenario's waves): %s\n",
                indent, dropped_names(c, &t, 1, names, sizeof names));
    if (t.departures_kept < c->p0->ndeparture)
        fprintf(f, "%sdepartures dropped: %s\n", indent,
                dropped_names(c, &t, 2, names, sizeof names));
    if (t.scheduled_end != ATT_DAY_OPEN)
        fprintf(f, "%s%s, scheduled to end %s, runs open-ended from the origin\n", indent,
                cut->phases[cut->nphase - 1].name, att_date_format(t.scheduled_end, d));
    fprintf(f, "%safter the origin the contingent carries %s", indent,
            cohort_hazard(c, v, ATT_NONE, &dropped, hz, sizeof hz));
    if (dropped != NULL)
        fprintf(f, ", in place of the scenario's %s's, which starts after the origin", dropped);
    fputc('\n', f);
    for (w = 0; w < cut->nwave; w++) {
        fprintf(f, "%swave %s carries %s", indent, cut->waves[w].name,
                cohort_hazard(c, v, w, &dropped, hz, sizeof hz));
        if (dropped != NULL)
            fprintf(f, ", in place of the scenario's %s's, which starts after the origin", dropped);
        fputc('\n', f);
    }
}

/* The same as CSV rows, one per cohort. */
static void
csv_changes(FILE *f, const compare_ctx *c, const origin_view *v)
{
    const att_params *cut = v->rf.p;
    att_truncation t;
    char ph[1024], ar[1024], de[1024], hz[512], d[ATT_DATE_BUFSIZE], e[ATT_DATE_BUFSIZE];
    const char *dropped;
    size_t w;

    att_params_truncation(c->p0, cut, &t);
    dropped_names(c, &t, 0, ph, sizeof ph);
    dropped_names(c, &t, 1, ar, sizeof ar);
    dropped_names(c, &t, 2, de, sizeof de);
    for (w = 0; w <= cut->nwave; w++) {
        size_t k = w == 0 ? ATT_NONE : w - 1;
        fprintf(f, "%s,", att_date_format(v->origin, d));
        cli_csv_text(f, ph);
        fputc(',', f);
        cli_csv_text(f, ar);
        fputc(',', f);
        cli_csv_text(f, de);
        fprintf(f, ",%s,%s,%s,", cut->phases[cut->nphase - 1].name,
                t.scheduled_end != ATT_DAY_OPEN ? att_date_format(t.scheduled_end, e) : "",
                k == ATT_NONE ? "contingent" : cut->waves[k].name);
        cli_csv_text(f, cohort_hazard(c, v, k, &dropped, hz, sizeof hz));
        fprintf(f, ",%s\n", dropped != NULL ? dropped : "");
    }
}

static json_t *
json_names(const char *joined)
{
    json_t *a = json_array();
    const char *s = joined;

    while (*s != '\0') {
        size_t len = strcspn(s, ",");
        json_array_append_new(a, json_stringn(s, len));
        s += len;
        s += strspn(s, ", ");
    }
    return a;
}

static json_t *
json_changes(const compare_ctx *c, const origin_view *v)
{
    const att_params *cut = v->rf.p;
    json_t *o = json_object(), *cohorts = json_array();
    att_truncation t;
    char names[1024], hz[512], d[ATT_DATE_BUFSIZE];
    const char *dropped;
    size_t w;

    att_params_truncation(c->p0, cut, &t);
    json_object_set_new(o, "phases_dropped",
                        json_names(dropped_names(c, &t, 0, names, sizeof names)));
    json_object_set_new(o, "arrivals_dropped",
                        json_names(dropped_names(c, &t, 1, names, sizeof names)));
    json_object_set_new(o, "departures_dropped",
                        json_names(dropped_names(c, &t, 2, names, sizeof names)));
    json_object_set_new(o, "open_phase", json_string(cut->phases[cut->nphase - 1].name));
    json_object_set_new(o, "scheduled_end",
                        t.scheduled_end != ATT_DAY_OPEN
                            ? json_string(att_date_format(t.scheduled_end, d))
                            : json_null());
    for (w = 0; w <= cut->nwave; w++) {
        size_t k = w == 0 ? ATT_NONE : w - 1;
        json_t *x = json_object();
        json_object_set_new(x, "cohort",
                            json_string(k == ATT_NONE ? "contingent" : cut->waves[k].name));
        json_object_set_new(x, "hazard",
                            json_string(cohort_hazard(c, v, k, &dropped, hz, sizeof hz)));
        json_object_set_new(x, "named_phase_dropped",
                            dropped != NULL ? json_string(dropped) : json_null());
        json_array_append_new(cohorts, x);
    }
    json_object_set_new(o, "cohorts", cohorts);
    return o;
}

/* Fits and scores at v->origin, the ensemble weighted by ew.  Returns 0,
 * or an exit code after printing why; with soft (backtest, and the
 * ensemble's earlier origins), a problem of this origin marks it skipped
 * and returns 0.  An earlier origin is always sampled afresh, never saved
 * or plotted: --fit and --save-fit are the origin's.  prev, the origin
 * fitted before this one or NULL, gives the chains a warm start
 * (att_run_sample_near) where it was fitted. */
static int
run_origin(compare_ctx *c,
           origin_view *v,
           const origin_view *prev,
           bool soft,
           const att_ensemble_weights *ew)
{
    const char *saved = v->train ? NULL : c->o->fit;
    const cli_options *o = c->o;
    att_compare_params cp;
    char d[ATT_DATE_BUFSIZE], msg[2 * ATT_ERROR_MSG_MAX];
    att_error err;

    att_error_clear(&err);
    att_date_format(v->origin, d);
    if (v->origin < att_run_first_combat_day(c->run)) {
        snprintf(v->why, sizeof v->why, "the origin is before the first phase with a hazard");
        goto skip;
    }
    if (att_run_posterior(c->run, v->origin, &v->rf, &err) != ATT_OK ||
        (saved != NULL
             ? att_run_sample(&v->rf, saved, &err)
             : att_run_sample_near(&v->rf, prev != NULL && !prev->skipped ? &prev->rf : NULL,
                                   &err)) != ATT_OK)
        goto fail;
    if (v->rf.verdict == ATT_FIT_FAILED && !o->force) {
        char at[ATT_DATE_BUFSIZE + 16];
        if (soft) {
            cli_fit_failed_brief(c->run, &v->rf, v->why, sizeof v->why);
            goto skip;
        }
        snprintf(at, sizeof at, " at the origin %s", d);
        return cli_fit_failed(c->run, &v->rf, at, "Nothing is scored", "score it", saved == NULL,
                              cli_progress_on(o->quiet));
    }
    /* Saved once judged usable, as `attrition fit` does, for a later
     * `compare --fit FILE` (its digest is of the inputs known at the origin). */
    if (!v->train && o->fit == NULL && o->save_fit != NULL &&
        att_run_save(&v->rf, o->save_fit, &err) != ATT_OK)
        return cli_report(&err);
    cp.seed = v->rf.p->projection.seed;
    cp.threads = o->threads > 0 ? (int)o->threads : 0;
    cp.ensemble = ew;
    if (att_compare_run(v->rf.p, c->l, v->rf.post, &v->rf.fit, v->origin, &cp, &v->cmp, &err) !=
        ATT_OK)
        goto fail;
    if (o->plot != NULL && !v->train)
        project_fan(c, v);
    return 0;
fail:
    if (!soft)
        return cli_report(&err);
    snprintf(v->why, sizeof v->why, "%s", att_error_format(&err, msg, sizeof msg));
skip:
    if (!soft) {
        fprintf(stderr, "attrition: origin %s: %s\n", d, v->why);
        return CLI_EXIT_USAGE;
    }
    v->skipped = true;
    return 0;
}

/* ---- table ------------------------------------------------------------------------- */

static const char *
num(double x, int digits, char *buf, size_t n)
{
    return cli_num(x, 'g', digits, buf, n);
}

/* The PIT, or the masses, as a short text. */
static const char *
pit_text(const att_report *r, const att_score_entry *e, char *buf, size_t n)
{
    if (r->qualifier == ATT_QUAL_APPROX)
        snprintf(buf, n, "%.3f", e->pit);
    else if (r->qualifier == ATT_QUAL_RANGE)
        snprintf(buf, n, "%.2f/%.2f/%.2f", e->below, e->inside, e->above);
    else
        snprintf(buf, n, "%.2f|%.2f", e->below, e->above);
    return buf;
}

static const char *
yes_no(int x)
{
    return x < 0 ? "-" : x ? "yes" : "no";
}

/* "model 0.412, persistence 0.3, ... (learned from 9 reports scored at 4
 * earlier origins)" or why the weights are equal. */
static const char *
weights_text(const att_ensemble_weights *e, char *buf, size_t n)
{
    size_t k, len = 0;

    buf[0] = '\0';
    for (k = 0; k < ATT_FC_POOLED && len < n; k++)
        len += (size_t)snprintf(buf + len, n - len, "%s%s %.3f", k ? ", " : "",
                                att_forecaster_name((att_forecaster)k), e->w[k]);
    if (len >= n)
        return buf;
    if (e->fitted)
        snprintf(buf + len, n - len,
                 " (stacking: learned from %zu reports scored at %zu earlier "
                 "origin%s)",
                 e->reports, e->origins, e->origins == 1 ? "" : "s");
    else
        snprintf(buf + len, n - len,
                 " (equal: %zu report%s stated by the origin scored from an "
                 "earlier one, fewer than %d)",
                 e->reports, e->reports == 1 ? "" : "s", ATT_STACKING_MIN_REPORTS);
    return buf;
}

static void
print_summary_table(FILE *f, const att_score_summary *s, const char *title)
{
    size_t k;
    char a[32], b[32], c[32], d[32], e[32], g[32];

    fprintf(f, "\n%s\n%-13s %4s %6s %6s %9s %12s %11s %9s\n", title, "forecaster", "n", "cov50",
            "cov90", "mean WIS", "log S point", "log S cens.", "rel. WIS");
    for (k = 0; k < ATT_FC_COUNT; k++)
        fprintf(f, "%-13s %4zu %6s %6s %9s %12s %11s %9s\n", att_forecaster_name((att_forecaster)k),
                s[k].n, num(s[k].coverage50, 3, a, sizeof a), num(s[k].coverage90, 3, b, sizeof b),
                num(s[k].mean_wis, 3, c, sizeof c), num(s[k].mean_log_score_point, 4, d, sizeof d),
                num(s[k].mean_log_score_censored, 3, e, sizeof e),
                k == ATT_FC_MODEL ? "" : num(s[k].relative_wis, 3, g, sizeof g));
}

static void
print_origin(FILE *f, const compare_ctx *c, const origin_view *v)
{
    const att_comparison *cmp = &v->cmp;
    char d[ATT_DATE_BUFSIZE], a[32], b[32], e[32], g[32], fig[64], band[96], pit[64], w[256];
    int wrep = 30, wfig = 14; /* at least 30 and 14; as wide as the longest id and figure */
    size_t i;

    fprintf(f, "\norigin %s: fitted on %zu reports stated by then; ", att_date_format(v->origin, d),
            att_posterior_nreports(v->rf.post));
    if (c->o->fit != NULL)
        fprintf(f, "fit loaded from %s\n", c->o->fit);
    else
        fprintf(f, "NUTS %zu x (%zu + %zu), seed %lu\n", v->rf.fp.chains, v->rf.fp.warmup,
                v->rf.fp.draws, v->rf.fp.seed);
    fprintf(f, "diagnostics max R-hat %s, min ESS bulk %s; %zu divergent\n",
            cli_num(v->rf.fit.rhat_max, 'f', 3, a, sizeof a),
            cli_num(v->rf.fit.ess_bulk_min, 'f', 0, b, sizeof b), v->rf.fit.divergent_total);
    if (v->rf.verdict != ATT_FIT_GOOD)
        fprintf(f, "%s %s\n", v->rf.verdict == ATT_FIT_FAILED ? "FAILED (--force)" : "WARNING",
                v->rf.verdict_msg);
    print_changes(f, c, v, "");
    fprintf(f, "%zu reports stated after it scored, %zu not scorable\n\n", cmp->nreport, cmp->nnot);
    for (i = 0; i < c->l->n; i++) {
        cli_widen(&wrep, c->l->reports[i].id);
        cli_widen(&wfig, cli_figure(&c->l->reports[i], fig, sizeof fig));
    }
    fprintf(f, "%-*s %-10s %-8s %-*s %-26s %-14s %-3s %-3s %7s %8s\n", wrep, "report", "kind",
            "horizon", wfig, "reported", "model q50 (q05-q95)", "PIT or mass", "50", "90", "WIS",
            "log S");
    for (i = 0; i < cmp->nreport; i++) {
        const att_scored_report *sr = &cmp->report[i];
        const att_report *r = &c->l->reports[sr->report];
        const att_score_entry *m = &sr->fc[ATT_FC_MODEL];
        snprintf(band, sizeof band, "%s (%s-%s)", num(m->q50, 4, a, sizeof a),
                 num(m->q05, 4, b, sizeof b), num(m->q95, 4, e, sizeof e));
        fprintf(f, "%-*s %-10s %-8s %-*s %-26s %-14s %-3s %-3s %7s %8s%s\n", wrep, r->id,
                att_kind_name(r->kind), att_horizon_name(sr->bucket), wfig,
                cli_figure(r, fig, sizeof fig), band, pit_text(r, m, pit, sizeof pit),
                yes_no(m->in50), yes_no(m->in90),
                isfinite(m->wis) ? num(m->wis, 3, g, sizeof g) : "-",
                num(m->log_score, 4, a, sizeof a),
                sr->revision ? " (revision)"
                : m->clipped ? " (clipped at 1)"
                             : "");
    }
    if (cmp->nreport > 0)
        fprintf(f, "(PIT for point figures; below/inside/above a range; below|above a bound. "
                   "WIS and log score\non the log scale; 50, 90: inside the central interval)\n");
    for (i = 0; i < cmp->nnot; i++)
        fprintf(f, "not scorable: %s: %s\n", c->l->reports[cmp->not_scorable[i].report].id,
                cmp->not_scorable[i].reason);
    if (cmp->nreport > 0) {
        print_summary_table(f, cmp->summary,
                            "summary (point and range reports for coverage and WIS)");
        fprintf(f, "baselines' spread on the log scale, s(h) = sqrt(s0^2 + s1^2 h / 30), "
                   "fitted to each one's own\none-step errors on the reports stated by the "
                   "origin:\n");
        for (i = ATT_FC_PERSISTENCE; i < ATT_FC_POOLED; i++) {
            const att_spread *sp = &cmp->spread[i];
            fprintf(f, "  %-14s s0 %s, s1 %s (%zu error%s%s)\n",
                    att_forecaster_name((att_forecaster)i), num(sp->s0, 3, a, sizeof a),
                    num(sp->s1, 3, b, sizeof b), sp->errors, sp->errors == 1 ? "" : "s",
                    sp->fallback ? ": too few, the defaults" : "");
        }
        if (c->o->command == CLI_CMD_COMPARE && c->ntrain == 0)
            fprintf(f,
                    "ensemble weights: equal (at most %zu reports stated by the origin came "
                    "after an earlier\nstatement date, fewer than %d: no earlier origin was "
                    "fitted to learn them)\n",
                    c->candidates, ATT_STACKING_MIN_REPORTS);
        else
            fprintf(f, "ensemble weights: %s\n", weights_text(&cmp->ensemble, w, sizeof w));
        fprintf(f, "\n(relative WIS: the model's mean WIS over the reports both score, over the "
                   "baseline's or the\nensemble's; below 1 means the model did better)\n");
    }
}

/* "0.412 (0.301-0.530)", or "-" where undefined. */
static const char *
interval_text(const att_bootstrap_interval *iv, char *buf, size_t n)
{
    char a[32], b[32], e[32];

    if (!isfinite(iv->est))
        snprintf(buf, n, "-");
    else if (!isfinite(iv->lo))
        snprintf(buf, n, "%s [%zu]", num(iv->est, 3, a, sizeof a), iv->reports);
    else
        snprintf(buf, n, "%s (%s-%s) [%zu]", num(iv->est, 3, a, sizeof a),
                 num(iv->lo, 3, b, sizeof b), num(iv->hi, 3, e, sizeof e), iv->reports);
    return buf;
}

static const char *const judged_names[ATT_SKILL_JUDGED] = {"model", "ensemble"};

/* backtest: per horizon bucket, the model's and the ensemble's coverage
 * and relative WIS against each baseline, with bootstrap intervals. */
static void
print_skill(FILE *f, const att_skill *sk)
{
    size_t h, j, b;
    char c50[64], c90[64], rel[ATT_SKILL_BASELINES][64], rows[32], reps[32];

    fprintf(f,
            "\nskill by horizon: each figure, its %g%% bootstrap interval over the reports (%d "
            "resamples; a\nreport scored from several origins is resampled whole; none from "
            "fewer than %d reports, nor\nwhere fewer than half the resamples define it) and [the "
            "reports behind it]. Here relative WIS\nis the model's or the ensemble's over the "
            "baseline's: below 1, better than the baseline; an\ninterval that holds 1 does not "
            "tell them apart.\n",
            100.0 * ATT_SKILL_LEVEL, CLI_SKILL_RESAMPLES, ATT_SKILL_MIN_REPORTS);
    fprintf(f, "%-9s %4s %7s %-9s %-25s %-25s %-25s %-25s %s\n", "horizon", "rows", "reports", "",
            "cov50", "cov90", "rel. WIS pers.", "rel. WIS rate", "rel. WIS line");
    for (h = 0; h <= ATT_HORIZON_COUNT; h++) {
        const att_skill *s = &sk[h];
        if (s->rows == 0)
            continue;
        snprintf(rows, sizeof rows, "%zu", s->rows);
        snprintf(reps, sizeof reps, "%zu", s->reports);
        for (j = 0; j < ATT_SKILL_JUDGED; j++) {
            for (b = 0; b < ATT_SKILL_BASELINES; b++)
                interval_text(&s->relative_wis[j][b], rel[b], sizeof rel[b]);
            fprintf(f, "%-9s %4s %7s %-9s %-25s %-25s %-25s %-25s %s\n",
                    j                        ? ""
                    : h == ATT_HORIZON_COUNT ? "all"
                                             : att_horizon_name((att_horizon)h),
                    j ? "" : rows, j ? "" : reps, judged_names[j],
                    interval_text(&s->coverage50[j], c50, sizeof c50),
                    interval_text(&s->coverage90[j], c90, sizeof c90), rel[0], rel[1], rel[2]);
        }
    }
}

static void
print_header(FILE *f, const compare_ctx *c, const char *what)
{
    fprintf(f, "attrition %s %s\n", ATT_VERSION_STRING, what);
    fprintf(f, "scenario    %s (%s), parameters sha256 %.16s\n", c->o->scenario, c->p0->path,
            c->params_digest);
    fprintf(f, "ledger      %s sha256 %.16s, %zu reports\n", c->l->path, c->l->digest, c->l->n);
    fprintf(f, "anchor      %s\n", c->anchor);
}

static void
print_table(FILE *f, const compare_ctx *c)
{
    size_t i, h;
    char d[ATT_DATE_BUFSIZE], a[32], b[32], e[32], g[32], w[256];

    print_header(f, c, c->o->command == CLI_CMD_BACKTEST ? "backtest" : "compare");
    for (i = 0; i < c->n && c->o->command == CLI_CMD_COMPARE; i++)
        print_origin(f, c, &c->ov[i]);
    if (c->o->command != CLI_CMD_BACKTEST)
        return;
    fprintf(f, "\n%-12s %7s %10s %14s %14s %14s\n", "origin", "scored", "model WIS",
            "rel. WIS pers.", "rel. WIS rate", "rel. WIS line");
    for (i = 0; i < c->n; i++) {
        const origin_view *v = &c->ov[i];
        att_date_format(v->origin, d);
        if (v->skipped) {
            fprintf(f, "%-12s skipped: %s\n", d, v->why);
            continue;
        }
        fprintf(f, "%-12s %7zu %10s %14s %14s %14s\n", d, v->cmp.nreport,
                num(v->cmp.summary[ATT_FC_MODEL].mean_wis, 3, a, sizeof a),
                num(v->cmp.summary[ATT_FC_PERSISTENCE].relative_wis, 3, b, sizeof b),
                num(v->cmp.summary[ATT_FC_RATE_FORWARD].relative_wis, 3, e, sizeof e),
                num(v->cmp.summary[ATT_FC_LINEAR].relative_wis, 3, g, sizeof g));
    }
    fprintf(f, "\nthe ensemble's weights at each origin (MODEL.md: stacking over the reports "
               "stated by then,\neach scored from an earlier origin):\n");
    for (i = 0; i < c->n; i++)
        if (!c->ov[i].skipped)
            fprintf(f, "%-12s %s\n", att_date_format(c->ov[i].origin, d),
                    weights_text(&c->ov[i].cmp.ensemble, w, sizeof w));
    fprintf(f, "\nwhat each origin changed in the scenario (docs/model.md, section 9):\n");
    for (i = 0; i < c->n; i++) {
        const origin_view *v = &c->ov[i];
        if (v->skipped)
            continue;
        fprintf(f, "%s\n", att_date_format(v->origin, d));
        print_changes(f, c, v, "  ");
    }
    print_summary_table(f, c->pooled.summary, "all origins");
    for (h = 0; h < ATT_HORIZON_COUNT; h++) {
        char title[64];
        if (c->pooled.by_horizon[h][ATT_FC_MODEL].n == 0)
            continue;
        snprintf(title, sizeof title, "horizon: %s%s", att_horizon_name((att_horizon)h),
                 h == ATT_HORIZON_NOWCAST ? " (the report looks back before the origin)"
                                          : " days after the origin");
        print_summary_table(f, c->pooled.by_horizon[h], title);
    }
    fprintf(f, "\n(relative WIS in the summaries above: the model's mean WIS over the reports "
               "both score, over the\nbaseline's or the ensemble's; below 1 means the model "
               "did better)\n");
    print_skill(f, c->skill);
    fprintf(f,
            "\n(every origin's own scores: attrition compare --origin DATE, or --format json)\n");
}

/* ---- csv ---------------------------------------------------------------------------- */

static void
csv_num(FILE *f, double x)
{
    fputc(',', f);
    cli_csv_num(f, x);
}

static void
csv_summary(FILE *f, const char *origin, const char *bucket, const att_score_summary *s)
{
    size_t k;

    for (k = 0; k < ATT_FC_COUNT; k++) {
        fprintf(f, "%s,%s,%s,%zu", origin, bucket, att_forecaster_name((att_forecaster)k), s[k].n);
        csv_num(f, s[k].coverage50);
        csv_num(f, s[k].coverage90);
        csv_num(f, s[k].mean_wis);
        csv_num(f, s[k].mean_log_score_point);
        csv_num(f, s[k].mean_log_score_censored);
        csv_num(f, s[k].relative_wis);
        fputc('\n', f);
    }
}

static void
csv_interval(FILE *f,
             const char *bucket,
             const char *who,
             const char *stat,
             const char *against,
             size_t n,
             const att_bootstrap_interval *iv)
{
    fprintf(f, "%s,%s,%s,%s,%zu,%zu", bucket, who, stat, against, n, iv->reports);
    csv_num(f, iv->est);
    csv_num(f, iv->lo);
    csv_num(f, iv->hi);
    fputc('\n', f);
}

static void
csv_skill(FILE *f, const att_skill *sk)
{
    size_t h, j, b;

    fprintf(f,
            "\n# section: skill (%g%% percentile bootstrap over reports, %d resamples)\n"
            "bucket,forecaster,statistic,against,rows,reports,estimate,low,high\n",
            100.0 * ATT_SKILL_LEVEL, CLI_SKILL_RESAMPLES);
    for (h = 0; h <= ATT_HORIZON_COUNT; h++) {
        const att_skill *s = &sk[h];
        const char *bucket = h == ATT_HORIZON_COUNT ? "all" : att_horizon_name((att_horizon)h);
        for (j = 0; j < ATT_SKILL_JUDGED; j++) {
            csv_interval(f, bucket, judged_names[j], "coverage50", "", s->n_interval[j],
                         &s->coverage50[j]);
            csv_interval(f, bucket, judged_names[j], "coverage90", "", s->n_interval[j],
                         &s->coverage90[j]);
            for (b = 0; b < ATT_SKILL_BASELINES; b++)
                csv_interval(f, bucket, judged_names[j], "relative_wis",
                             att_forecaster_name((att_forecaster)(ATT_FC_PERSISTENCE + b)),
                             s->n_both[j][b], &s->relative_wis[j][b]);
        }
    }
}

static void
print_csv(FILE *f, const compare_ctx *c)
{
    size_t i, j, k, h;
    char d[ATT_DATE_BUFSIZE];

    fprintf(f, "# attrition %s %s\n# scenario: %s (%s)\n# parameters_sha256: %s\n",
            ATT_VERSION_STRING, c->o->command == CLI_CMD_BACKTEST ? "backtest" : "compare",
            c->o->scenario, c->p0->path, c->params_digest);
    fprintf(f, "# ledger: %s\n# ledger_sha256: %s\n# anchor: %s\n", c->l->path, c->l->digest,
            c->anchor);
    fprintf(f, "origin,id,kind,qualifier,horizon_days,bucket,revision,forecaster,scored,q05,q50,"
               "q95,pit,below,inside,above,in50,in90,wis,log_score,reason\n");
    for (i = 0; i < c->n; i++) {
        const origin_view *v = &c->ov[i];
        att_date_format(v->origin, d);
        for (j = 0; !v->skipped && j < v->cmp.nreport; j++) {
            const att_scored_report *sr = &v->cmp.report[j];
            const att_report *r = &c->l->reports[sr->report];
            for (k = 0; k < ATT_FC_COUNT; k++) {
                const att_score_entry *e = &sr->fc[k];
                fprintf(f, "%s,", d);
                cli_csv_text(f, r->id);
                fprintf(f, ",%s,%s,%d,%s,%s,%s,%s", att_kind_name(r->kind),
                        att_qualifier_name(r->qualifier), (int)sr->horizon_days,
                        att_horizon_name(sr->bucket), sr->revision ? "true" : "false",
                        att_forecaster_name((att_forecaster)k), e->scored ? "true" : "false");
                csv_num(f, e->q05), csv_num(f, e->q50), csv_num(f, e->q95), csv_num(f, e->pit);
                csv_num(f, e->below), csv_num(f, e->inside), csv_num(f, e->above);
                fprintf(f, ",%s,%s",
                        e->in50 < 0 ? ""
                        : e->in50   ? "true"
                                    : "false",
                        e->in90 < 0 ? ""
                        : e->in90   ? "true"
                                    : "false");
                csv_num(f, e->wis), csv_num(f, e->log_score);
                fputc(',', f);
                cli_csv_text(f, e->scored ? "" : e->reason);
                fputc('\n', f);
            }
        }
    }
    fprintf(f, "\n# section: summary\norigin,bucket,forecaster,n,coverage50,coverage90,mean_wis,"
               "mean_log_score_point,mean_log_score_censored,relative_wis\n");
    for (i = 0; i < c->n; i++)
        if (!c->ov[i].skipped)
            csv_summary(f, att_date_format(c->ov[i].origin, d), "all", c->ov[i].cmp.summary);
    if (c->o->command == CLI_CMD_BACKTEST) {
        csv_summary(f, "all", "all", c->pooled.summary);
        for (h = 0; h < ATT_HORIZON_COUNT; h++)
            csv_summary(f, "all", att_horizon_name((att_horizon)h), c->pooled.by_horizon[h]);
    }
    fprintf(f, "\n# section: ensemble_weights\norigin,reports,origins,fitted");
    for (k = 0; k < ATT_FC_POOLED; k++)
        fprintf(f, ",%s", att_forecaster_name((att_forecaster)k));
    fputc('\n', f);
    for (i = 0; i < c->n; i++) {
        const att_ensemble_weights *e = &c->ov[i].cmp.ensemble;
        if (c->ov[i].skipped)
            continue;
        fprintf(f, "%s,%zu,%zu,%s", att_date_format(c->ov[i].origin, d), e->reports, e->origins,
                e->fitted ? "true" : "false");
        for (k = 0; k < ATT_FC_POOLED; k++)
            csv_num(f, e->w[k]);
        fputc('\n', f);
    }
    if (c->o->command == CLI_CMD_BACKTEST)
        csv_skill(f, c->skill);
    fprintf(f, "\n# section: origin_changes\norigin,phases_dropped,arrivals_dropped,"
               "departures_dropped,open_phase,scheduled_end,cohort,hazard,named_phase_dropped\n");
    for (i = 0; i < c->n; i++)
        if (!c->ov[i].skipped)
            csv_changes(f, c, &c->ov[i]);
    fprintf(f, "\n# section: not_scorable\norigin,id,reason\n");
    for (i = 0; i < c->n; i++)
        for (j = 0; !c->ov[i].skipped && j < c->ov[i].cmp.nnot; j++) {
            fprintf(f, "%s,", att_date_format(c->ov[i].origin, d));
            cli_csv_text(f, c->l->reports[c->ov[i].cmp.not_scorable[j].report].id);
            fputc(',', f);
            cli_csv_text(f, c->ov[i].cmp.not_scorable[j].reason);
            fputc('\n', f);
        }
}

/* ---- json --------------------------------------------------------------------------- */

static json_t *
jbool(int x)
{
    return x < 0 ? json_null() : json_boolean(x);
}

/* The report's PIT as a number, or its masses as an object. */
static json_t *
json_pit(const att_report *r, const att_score_entry *e)
{
    json_t *o;

    if (r->qualifier == ATT_QUAL_APPROX)
        return cli_json_num(e->pit);
    o = json_object();
    json_object_set_new(o, "below", cli_json_num(e->below));
    json_object_set_new(o, "inside", cli_json_num(e->inside));
    json_object_set_new(o, "above", cli_json_num(e->above));
    return o;
}

static void
json_entry(json_t *o, const att_report *r, const att_score_entry *e)
{
    json_object_set_new(o, "q05", cli_json_num(e->q05));
    json_object_set_new(o, "q50", cli_json_num(e->q50));
    json_object_set_new(o, "q95", cli_json_num(e->q95));
    json_object_set_new(o, "pit", json_pit(r, e));
    json_object_set_new(o, "in50", jbool(e->in50));
    json_object_set_new(o, "in90", jbool(e->in90));
    json_object_set_new(o, "wis", cli_json_num(e->wis));
    json_object_set_new(o, "log_score", cli_json_num(e->log_score));
    if (e->clipped)
        json_object_set_new(o, "clipped_at_1", json_true());
}

static json_t *
json_summary(const att_score_summary *s)
{
    json_t *o = json_object();
    size_t k;

    for (k = 0; k < ATT_FC_COUNT; k++) {
        json_t *x = json_object();
        json_object_set_new(x, "n", json_integer((json_int_t)s[k].n));
        json_object_set_new(x, "coverage50", cli_json_num(s[k].coverage50));
        json_object_set_new(x, "coverage90", cli_json_num(s[k].coverage90));
        json_object_set_new(x, "mean_wis", cli_json_num(s[k].mean_wis));
        json_object_set_new(x, "mean_log_score_point", cli_json_num(s[k].mean_log_score_point));
        json_object_set_new(x, "mean_log_score_censored",
                            cli_json_num(s[k].mean_log_score_censored));
        if (k != ATT_FC_MODEL)
            json_object_set_new(x, "relative_wis", cli_json_num(s[k].relative_wis));
        json_object_set_new(o, att_forecaster_name((att_forecaster)k), x);
    }
    return o;
}

static json_t *
json_origin(const compare_ctx *c, const origin_view *v, bool meta)
{
    json_t *doc = json_object(), *reps = json_array(), *ns = json_array(), *bs;
    char d[ATT_DATE_BUFSIZE];
    size_t i, k;

    if (meta)
        json_object_set_new(
            doc, "meta", cli_json_meta("compare", c->o->scenario, c->run, v->rf.post, &v->rf.fp));
    json_object_set_new(doc, "origin", json_string(att_date_format(v->origin, d)));
    if (!meta) {
        json_object_set_new(doc, "reports_used",
                            json_integer((json_int_t)att_posterior_nreports(v->rf.post)));
        json_object_set_new(doc, "seed", json_integer((json_int_t)v->rf.fp.seed));
    }
    for (i = 0; i < v->cmp.nreport; i++) {
        const att_scored_report *sr = &v->cmp.report[i];
        const att_report *r = &c->l->reports[sr->report];
        json_t *o = json_object();
        json_object_set_new(o, "id", json_string(r->id));
        json_object_set_new(o, "kind", json_string(att_kind_name(r->kind)));
        json_object_set_new(o, "horizon_days", json_integer(sr->horizon_days));
        json_object_set_new(o, "bucket", json_string(att_horizon_name(sr->bucket)));
        json_entry(o, r, &sr->fc[ATT_FC_MODEL]);
        json_object_set_new(o, "revision", json_boolean(sr->revision));
        bs = json_object();
        for (k = ATT_FC_PERSISTENCE; k < ATT_FC_POOLED; k++) {
            json_t *b = json_object();
            if (sr->fc[k].scored)
                json_entry(b, r, &sr->fc[k]);
            else
                json_object_set_new(b, "reason", json_string(sr->fc[k].reason));
            json_object_set_new(bs, att_forecaster_name((att_forecaster)k), b);
        }
        json_object_set_new(o, "baselines", bs);
        bs = json_object();
        json_entry(bs, r, &sr->fc[ATT_FC_ENSEMBLE]);
        json_object_set_new(o, "ensemble", bs);
        json_array_append_new(reps, o);
    }
    json_object_set_new(doc, "changes", json_changes(c, v));
    json_object_set_new(doc, "reports", reps);
    json_object_set_new(doc, "summary", json_summary(v->cmp.summary));
    {
        json_t *sp = json_object();
        for (i = ATT_FC_PERSISTENCE; i < ATT_FC_POOLED; i++) {
            json_t *o = json_object();
            json_object_set_new(o, "s0", cli_json_num(v->cmp.spread[i].s0));
            json_object_set_new(o, "s1", cli_json_num(v->cmp.spread[i].s1));
            json_object_set_new(o, "errors", json_integer((json_int_t)v->cmp.spread[i].errors));
            json_object_set_new(o, "default", json_boolean(v->cmp.spread[i].fallback));
            json_object_set_new(sp, att_forecaster_name((att_forecaster)i), o);
        }
        json_object_set_new(doc, "baseline_spread", sp);
    }
    {
        const att_ensemble_weights *e = &v->cmp.ensemble;
        json_t *o = json_object(), *w = json_object();
        for (k = 0; k < ATT_FC_POOLED; k++)
            json_object_set_new(w, att_forecaster_name((att_forecaster)k), cli_json_num(e->w[k]));
        json_object_set_new(o, "weights", w);
        json_object_set_new(o, "reports", json_integer((json_int_t)e->reports));
        json_object_set_new(o, "origins", json_integer((json_int_t)e->origins));
        json_object_set_new(o, "fitted", json_boolean(e->fitted));
        json_object_set_new(doc, "ensemble_weights", o);
    }
    for (i = 0; i < v->cmp.nnot; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "id", json_string(c->l->reports[v->cmp.not_scorable[i].report].id));
        json_object_set_new(o, "reason", json_string(v->cmp.not_scorable[i].reason));
        json_array_append_new(ns, o);
    }
    json_object_set_new(doc, "not_scorable", ns);
    return doc;
}

static json_t *
json_interval(size_t n, const att_bootstrap_interval *iv)
{
    json_t *o = json_object();

    json_object_set_new(o, "rows", json_integer((json_int_t)n));
    json_object_set_new(o, "reports", json_integer((json_int_t)iv->reports));
    json_object_set_new(o, "estimate", cli_json_num(iv->est));
    json_object_set_new(o, "low", cli_json_num(iv->lo));
    json_object_set_new(o, "high", cli_json_num(iv->hi));
    return o;
}

/* backtest's skill: per bucket ("all" last), each judged forecaster's
 * coverage and relative WIS with their bootstrap intervals. */
static json_t *
json_skill(const att_skill *sk)
{
    json_t *doc = json_object(), *buckets = json_object();
    size_t h, j, b;

    json_object_set_new(doc, "level", json_real(ATT_SKILL_LEVEL));
    json_object_set_new(doc, "resamples", json_integer(CLI_SKILL_RESAMPLES));
    for (h = 0; h <= ATT_HORIZON_COUNT; h++) {
        const att_skill *s = &sk[h];
        json_t *o = json_object();
        json_object_set_new(o, "rows", json_integer((json_int_t)s->rows));
        json_object_set_new(o, "reports", json_integer((json_int_t)s->reports));
        for (j = 0; j < ATT_SKILL_JUDGED; j++) {
            json_t *x = json_object(), *rel = json_object();
            json_object_set_new(x, "coverage50",
                                json_interval(s->n_interval[j], &s->coverage50[j]));
            json_object_set_new(x, "coverage90",
                                json_interval(s->n_interval[j], &s->coverage90[j]));
            for (b = 0; b < ATT_SKILL_BASELINES; b++)
                json_object_set_new(rel,
                                    att_forecaster_name((att_forecaster)(ATT_FC_PERSISTENCE + b)),
                                    json_interval(s->n_both[j][b], &s->relative_wis[j][b]));
            json_object_set_new(x, "relative_wis", rel);
            json_object_set_new(o, judged_names[j], x);
        }
        json_object_set_new(buckets,
                            h == ATT_HORIZON_COUNT ? "all" : att_horizon_name((att_horizon)h), o);
    }
    json_object_set_new(doc, "by_horizon", buckets);
    return doc;
}

static json_t *
json_doc(const compare_ctx *c)
{
    json_t *doc, *origins, *skipped, *byh;
    char d[ATT_DATE_BUFSIZE];
    size_t i, h;
    const origin_view *first = NULL;

    if (c->o->command == CLI_CMD_COMPARE)
        return json_origin(c, &c->ov[0], true);
    doc = json_object();
    origins = json_array();
    skipped = json_array();
    byh = json_object();
    for (i = 0; i < c->n && first == NULL; i++)
        if (!c->ov[i].skipped)
            first = &c->ov[i];
    if (first != NULL) {
        json_t *m =
            cli_json_meta("backtest", c->o->scenario, c->run, first->rf.post, &first->rf.fp);
        json_object_del(m, "reports_used");
        json_object_set_new(doc, "meta", m);
    }
    for (i = 0; i < c->n; i++) {
        if (c->ov[i].skipped) {
            json_t *o = json_object();
            json_object_set_new(o, "origin", json_string(att_date_format(c->ov[i].origin, d)));
            json_object_set_new(o, "reason", json_string(c->ov[i].why));
            json_array_append_new(skipped, o);
        } else
            json_array_append_new(origins, json_origin(c, &c->ov[i], false));
    }
    json_object_set_new(doc, "origins", origins);
    json_object_set_new(doc, "skipped", skipped);
    json_object_set_new(doc, "summary", json_summary(c->pooled.summary));
    for (h = 0; h < ATT_HORIZON_COUNT; h++)
        json_object_set_new(byh, att_horizon_name((att_horizon)h),
                            json_summary(c->pooled.by_horizon[h]));
    json_object_set_new(doc, "summary_by_horizon", byh);
    json_object_set_new(doc, "skill", json_skill(c->skill));
    return doc;
}

/* ---- the command ---------------------------------------------------------------------- */

static int
cmp_day(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

    return (x > y) - (x < y);
}

/* The ledger's distinct statement dates before day bound, ascending, as
 * the origins of ov; their count.  days: scratch of the ledger's size. */
static size_t
statement_days(const att_ledger *l, int32_t bound, int32_t *days, origin_view *ov)
{
    size_t i, m = 0, n = 0;

    for (i = 0; i < l->n; i++)
        if (l->reports[i].statement < bound)
            days[m++] = l->reports[i].statement;
    qsort(days, m, sizeof *days, cmp_day);
    for (i = 0; i < m; i++)
        if (i == 0 || days[i] != days[i - 1])
            ov[n++].origin = days[i];
    return n;
}

/* The origins: --origin, or every distinct statement date but the last. */
static int
make_origins(compare_ctx *c)
{
    const cli_options *o = c->o;
    int32_t *days, last = INT32_MIN;
    size_t i;

    c->ov = calloc(c->l->n + 1, sizeof *c->ov);
    days = malloc((c->l->n + 1) * sizeof *days);
    if (c->ov == NULL || days == NULL) {
        free(days);
        fprintf(stderr, "attrition: out of memory\n");
        return CLI_EXIT_OSERR;
    }
    if (o->command == CLI_CMD_COMPARE) {
        free(days);
        int rc = cli_origin_day(o, &c->ov[0].origin);
        if (rc != 0)
            return rc;
        c->n = 1;
        return 0;
    }
    for (i = 0; i < c->l->n; i++)
        last = c->l->reports[i].statement > last ? c->l->reports[i].statement : last;
    c->n = statement_days(c->l, last, days, c->ov);
    free(days);
    return 0;
}

/* compare: the earlier origins the ensemble's weights are learned from
 * (MODEL.md): every distinct statement date before the last one on or
 * before the origin (a later one scores nothing stated by the origin),
 * when at least ATT_STACKING_MIN_REPORTS reports stated by the origin
 * come after the first of them (fewer: equal weights, no fit needed). */
static int
make_training(compare_ctx *c)
{
    int32_t origin = c->ov[0].origin, first = INT32_MAX, last = INT32_MIN, *days;
    size_t i, later = 0;

    for (i = 0; i < c->l->n; i++) {
        int32_t d = c->l->reports[i].statement;
        if (d < origin && d < first)
            first = d;
        if (d <= origin && d > last)
            last = d;
    }
    for (i = 0; i < c->l->n; i++) {
        const att_report *r = &c->l->reports[i];
        later += r->statement > first && r->statement <= origin && r->repeat_of == ATT_NONE;
    }
    c->candidates = later;
    if (later < ATT_STACKING_MIN_REPORTS)
        return 0;
    c->tr = calloc(c->l->n + 1, sizeof *c->tr);
    days = malloc((c->l->n + 1) * sizeof *days);
    if (c->tr == NULL || days == NULL) {
        free(days);
        fprintf(stderr, "attrition: out of memory\n");
        return CLI_EXIT_OSERR;
    }
    c->ntrain = statement_days(c->l, last, days, c->tr);
    free(days);
    for (i = 0; i < c->ntrain; i++)
        c->tr[i].train = true;
    return 0;
}

/* The ensemble's weights at origin, from the comparisons of pool made
 * before it (MODEL.md): 0, or an exit code after printing why. */
static int
weights_at(const compare_ctx *c,
           const origin_view *pool,
           size_t n,
           int32_t origin,
           att_ensemble_weights *ew)
{
    att_comparison *list = calloc(n + 1, sizeof *list);
    size_t i, k = 0;
    att_error err;
    int rc = 0;

    att_error_clear(&err);
    if (list == NULL) {
        fprintf(stderr, "attrition: out of memory\n");
        return CLI_EXIT_OSERR;
    }
    for (i = 0; i < n; i++)
        if (!pool[i].skipped && pool[i].origin < origin)
            list[k++] = pool[i].cmp;
    if (att_compare_weights(list, k, c->l, origin, ew, &err) != ATT_OK)
        rc = cli_report(&err);
    free(list);
    return rc;
}

static int
write_plot(const compare_ctx *c)
{
    cli_backtest_fan *fans = calloc(c->n + 1, sizeof *fans);
    double *buf = NULL;
    size_t i, k, nf = 0, total = 0;
    cli_backtest_plot_input in;
    char title[256];
    att_error err;
    int rc = 0;

    att_error_clear(&err);
    for (i = 0; i < c->n; i++)
        if (c->ov[i].has_fan)
            total += c->ov[i].fan.ndates;
    buf = malloc((3 * total + 1) * sizeof *buf);
    if (fans == NULL || buf == NULL) {
        free(fans);
        free(buf);
        fprintf(stderr, "attrition: out of memory\n");
        return CLI_EXIT_OSERR;
    }
    total = 0;
    for (i = 0; i < c->n; i++) {
        const att_projection *r = &c->ov[i].fan;
        cli_backtest_fan *fn = &fans[nf];
        if (!c->ov[i].has_fan)
            continue;
        fn->origin = c->ov[i].origin;
        fn->n = r->ndates;
        fn->dates = r->dates;
        fn->q05 = buf + total;
        fn->q50 = buf + total + r->ndates;
        fn->q95 = buf + total + 2 * r->ndates;
        for (k = 0; k < r->ndates; k++) {
            buf[total + k] = att_projection_q(r, ATT_SERIES_CASUALTIES, k, 0);
            buf[total + r->ndates + k] = att_projection_q(r, ATT_SERIES_CASUALTIES, k, 1);
            buf[total + 2 * r->ndates + k] = att_projection_q(r, ATT_SERIES_CASUALTIES, k, 2);
        }
        total += 3 * r->ndates;
        nf++;
    }
    snprintf(title, sizeof title, "backtest: %s, projections made at %zu origins", c->o->scenario,
             nf);
    in.title = title;
    in.p = c->p0;
    in.l = c->l;
    in.nfan = nf;
    in.fan = fans;
    in.digest = c->l->digest;
    if (cli_plot_backtest(c->o->plot, &in, &err) != ATT_OK)
        rc = cli_report(&err);
    free(fans);
    free(buf);
    return rc;
}

static json_t *
output_json(const void *ctx)
{
    return json_doc(ctx);
}

static void
output_text(FILE *f, const void *ctx)
{
    const compare_ctx *c = ctx;

    if (strcmp(c->o->format, "csv") == 0)
        print_csv(f, c);
    else
        print_table(f, c);
}

/* --hub: every origin's scored reports, each forecaster that scored them,
 * at the WIS's 23 levels. */
static void
hub_rows(FILE *f, const void *ctx)
{
    static const char *const ids[ATT_FC_COUNT] = {"attrition-model", "baseline-persistence",
                                                  "baseline-rate_forward", "baseline-linear",
                                                  "attrition-ensemble"};
    const compare_ctx *c = ctx;
    char t[256];
    size_t i, j, k, q;

    cli_hub_model_header(f, 1);
    for (i = 0; i < c->n; i++) {
        const origin_view *v = &c->ov[i];
        for (j = 0; !v->skipped && j < v->cmp.nreport; j++) {
            const att_scored_report *sr = &v->cmp.report[j];
            const att_report *r = &c->l->reports[sr->report];
            cli_hub_target(r, t, sizeof t);
            for (k = 0; k < ATT_FC_COUNT; k++)
                for (q = 0; sr->fc[k].scored && q < ATT_WIS_NLEVELS; q++)
                    cli_hub_model_row(f, ids[k], v->origin, r->id, t, r->asof_end, sr->horizon_days,
                                      att_wis_levels[q], sr->fc[k].q[q]);
        }
    }
}

static int
write_output(const compare_ctx *c)
{
    int rc;

    if (c->o->hub != NULL) {
        int32_t first = INT32_MAX;
        size_t i;
        for (i = 0; i < c->n; i++)
            if (!c->ov[i].skipped && c->ov[i].origin < first)
                first = c->ov[i].origin;
        if ((rc = cli_hub_write(c->o->hub, hub_rows, c, c->l, first)) != 0)
            return rc;
    }
    return cli_write_output(c->o->output, strcmp(c->o->format, "json") == 0, 10, output_json,
                            output_text, c);
}

int
cli_compare(const cli_options *o)
{
    compare_ctx c;
    att_error err;
    size_t i, nok = 0;
    bool progress;
    int rc;

    memset(&c, 0, sizeof c);
    c.o = o;
    att_error_clear(&err);
    if ((rc = cli_scenario_open(o, o->scenario, &c.run)) != 0)
        goto done;
    c.p0 = att_run_params(c.run);
    c.l = att_run_ledger(c.run);
    c.params_digest = att_run_params_digest(c.run);
    cli_anchor_text(c.p0, c.anchor, sizeof c.anchor);
    if ((rc = make_origins(&c)) != 0 ||
        (o->command == CLI_CMD_COMPARE && (rc = make_training(&c)) != 0))
        goto done;
    progress = cli_progress_on(o->quiet);
    for (i = 0; i < c.ntrain && rc == 0; i++) {
        char d[ATT_DATE_BUFSIZE];
        cli_progress(progress,
                     "fitting at the earlier origin %s for the ensemble's weights "
                     "(%zu of %zu)...",
                     att_date_format(c.tr[i].origin, d), i + 1, c.ntrain);
        rc = run_origin(&c, &c.tr[i], i > 0 ? &c.tr[i - 1] : NULL, true, NULL);
        cli_progress_done(progress);
        if (rc == 0 && c.tr[i].skipped)
            fprintf(stderr,
                    "attrition: the earlier origin %s is left out of the ensemble's weights: "
                    "%s\n",
                    att_date_format(c.tr[i].origin, d), c.tr[i].why);
    }
    for (i = 0; i < c.n && rc == 0; i++) {
        char d[ATT_DATE_BUFSIZE];
        att_ensemble_weights ew;
        bool bt = o->command == CLI_CMD_BACKTEST;
        if ((rc = weights_at(&c, bt ? c.ov : c.tr, bt ? i : c.ntrain, c.ov[i].origin, &ew)) != 0)
            break;
        cli_progress(progress, "fitting at the origin %s (%zu of %zu)...",
                     att_date_format(c.ov[i].origin, d), i + 1, c.n);
        /* compare's origin is fitted cold, as `attrition fit` would */
        rc = run_origin(&c, &c.ov[i], bt && i > 0 ? &c.ov[i - 1] : NULL, bt, &ew);
        cli_progress_done(progress);
        nok += rc == 0 && !c.ov[i].skipped;
    }
    if (rc != 0)
        goto done;
    if (o->command == CLI_CMD_BACKTEST) {
        att_comparison *list = calloc(nok + 1, sizeof *list);
        size_t k = 0;
        if (list == NULL) {
            rc = CLI_EXIT_OSERR;
            goto done;
        }
        for (i = 0; i < c.n; i++)
            if (!c.ov[i].skipped)
                list[k++] = c.ov[i].cmp;
        if (att_compare_pool(list, k, c.l, &c.pooled, &err) != ATT_OK ||
            att_compare_skill(&c.pooled, CLI_SKILL_RESAMPLES, c.p0->projection.seed, c.skill,
                              &err) != ATT_OK)
            rc = cli_report(&err);
        free(list);
        if (rc != 0)
            goto done;
    }
    rc = write_output(&c);
    if (rc == 0 && o->plot != NULL)
        rc = write_plot(&c);
    for (i = 0; rc == 0 && i < c.n; i++)
        if (!c.ov[i].skipped && c.ov[i].rf.verdict == ATT_FIT_FAILED)
            rc = CLI_EXIT_FAILED; /* printed only because of --force */
done:
    for (i = 0; c.ov != NULL && i < c.n; i++) {
        att_comparison_free(&c.ov[i].cmp);
        att_projection_free(&c.ov[i].fan);
        att_run_fit_free(&c.ov[i].rf);
    }
    for (i = 0; c.tr != NULL && i < c.ntrain; i++) {
        att_comparison_free(&c.tr[i].cmp);
        att_run_fit_free(&c.tr[i].rf);
    }
    att_comparison_free(&c.pooled);
    free(c.tr);
    free(c.ov);
    att_run_free(c.run);
    return rc;
}
