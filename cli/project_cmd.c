/* project_cmd.c -- `attrition [project] --scenario NAME`: fit the ledger (or
 * load --fit), project the scenario and its twin without waves, and print
 * a header, a weekly table, a fan chart, the thresholds and the twin's
 * comparison; as a table, CSV or JSON, and optionally a picture.  Several
 * scenarios (a,b,c) print side by side.  No numerics here: every number
 * comes from the library, and none that is not finite is printed. */
#include "project_cmd.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <attrition/att_date.h>
#include <attrition/att_fit.h>
#include <attrition/att_output.h>
#include <attrition/att_posterior.h>
#include <attrition/att_project.h>
#include <attrition/att_run.h>
#include <attrition/att_version.h>

#include "advice.h"
#include "decade.h"
#include "exit_codes.h"
#include "hub.h"
#include "plot.h"
#include "print.h"
#include "scenario.h"

#define CLI_SCENARIOS_MAX 16
#define CHART_WIDTH       64  /* columns of the fan chart's plot area */
#define CHART_HEIGHT      12  /* rows */
#define CHART_LABELS      6.0 /* labelled rows: every other one */

typedef struct {
    const char *name; /* as given */
    att_run *run;
    att_run_fit rf;            /* this scenario's posterior (and draws, unless shared) */
    const att_params *p;       /* rf.p */
    const att_ledger *l;       /* the run's */
    const att_posterior *post; /* rf.post */
    const char *params_digest; /* the run's */
    char anchor[512];
    const att_run_fit *sf; /* the draws: rf, or an earlier scenario's of the same digest */
    att_projection proj, twin;
    bool has_twin;
    att_project_params pp;
} scenario_view;

typedef struct {
    const cli_options *o;
    bool progress; /* stderr is a terminal and --quiet was not given */
    size_t n;
    scenario_view sv[CLI_SCENARIOS_MAX];
} project_ctx;

static const char *const verdict_names[] = {"good", "warning", "failed"};
static const char *const series_names[ATT_SERIES_COUNT] = {"strength", "casualties", "killed"};

/* ---- small formatting helpers --------------------------------------------------- */

/* Prints text wrapped at 79 columns, the first line after `lead` (which
 * sets the indent of the rest). */
static void
wrap(FILE *f, const char *lead, const char *text)
{
    size_t indent = strlen(lead), col = indent, len;
    const char *w = text, *e;

    fputs(lead, f);
    while (*w != '\0') {
        while (*w == ' ')
            w++;
        for (e = w; *e != '\0' && *e != ' '; e++)
            ;
        len = (size_t)(e - w);
        if (len == 0)
            break;
        if (col > indent && col + 1 + len > 79) {
            fprintf(f, "\n%*s", (int)indent, "");
            col = indent;
        } else if (col > indent) {
            fputc(' ', f);
            col++;
        }
        fwrite(w, 1, len, f);
        col += len;
        w = e;
    }
    fputc('\n', f);
}

/* A count, rounded, with thousands separators; "n/a" if not finite. */
static const char *
count(double x, char *buf, size_t n)
{
    if (!isfinite(x))
        return "n/a";
    return cli_count(floor(x + 0.5) + 0.0, buf, n); /* + 0.0: never "-0" */
}

static const char *
date_text(int32_t d, char *buf)
{
    return att_date_format(d, buf);
}

/* A probability for people: "<1%" and ">99%" rather than 0% or 100% when
 * it is neither. */
static const char *
percent(double p, char *buf, size_t n)
{
    if (p <= 0.0)
        snprintf(buf, n, "0%%");
    else if (p >= 1.0)
        snprintf(buf, n, "100%%");
    else if (p < 0.005)
        snprintf(buf, n, "<1%%");
    else if (p > 0.995)
        snprintf(buf, n, ">99%%");
    else
        snprintf(buf, n, "%.0f%%", 100.0 * p);
    return buf;
}

/* The JSON / CSV name of a level: q05, q50, q02_5, q97_5. */
static const char *
level_name(double level, char *buf, size_t n)
{
    char txt[32], *dot;
    double ip = floor(level);

    snprintf(txt, sizeof txt, "%.10g", level);
    dot = strchr(txt, '.');
    if (dot == NULL)
        snprintf(buf, n, "q%02.0f", ip);
    else
        snprintf(buf, n, "q%02.0f_%s", ip, dot + 1);
    return buf;
}

/* Indices of the median and of the band shown in the table: 5 and 95 when
 * present, else the outermost pair (levels always hold 50). */
static void
band_indices(const att_projection *r, size_t *lo, size_t *mid, size_t *hi)
{
    size_t j;

    *lo = 0;
    *hi = r->nlevels - 1;
    *mid = 0;
    for (j = 0; j < r->nlevels; j++) {
        if (r->levels[j] == 50.0)
            *mid = j;
        if (r->levels[j] == 5.0)
            *lo = j;
        if (r->levels[j] == 95.0)
            *hi = j;
    }
}

/* "12,345 (10,234-14,567)": the whole force's (group ATT_NONE) or a
 * group's series s at output date k. */
static const char *
band_text_of(const att_projection *r, size_t g, att_series s, size_t k, char *buf, size_t n)
{
    size_t lo, mid, hi;
    char a[32], b[32], c[32];

    band_indices(r, &lo, &mid, &hi);
    if (g == ATT_NONE)
        snprintf(buf, n, "%s (%s-%s)", count(att_projection_q(r, s, k, mid), a, sizeof a),
                 count(att_projection_q(r, s, k, lo), b, sizeof b),
                 count(att_projection_q(r, s, k, hi), c, sizeof c));
    else
        snprintf(buf, n, "%s (%s-%s)", count(att_projection_gq(r, g, s, k, mid), a, sizeof a),
                 count(att_projection_gq(r, g, s, k, lo), b, sizeof b),
                 count(att_projection_gq(r, g, s, k, hi), c, sizeof c));
    return buf;
}

static const char *
band_text(const att_projection *r, att_series s, size_t k, char *buf, size_t n)
{
    return band_text_of(r, ATT_NONE, s, k, buf, n);
}

/* ---- table --------------------------------------------------------------------- */

static void
print_header(FILE *f, const scenario_view *v)
{
    const att_params *p = v->p;
    const att_projection_params *pr = &p->projection;
    const att_run_fit *sf = v->sf;
    const att_fit_result *fit = &sf->fit;
    char a[32], b[32], c[32], d0[ATT_DATE_BUFSIZE], d1[ATT_DATE_BUFSIZE], rule[256];
    char line[1024], contingent[160];
    size_t w, used;

    fprintf(f, "attrition %s projection\n", ATT_VERSION_STRING);
    snprintf(line, sizeof line, "%s: %s", v->name, p->description[0] ? p->description : "-");
    wrap(f, "scenario    ", line);
    fprintf(f, "            %s, parameters sha256 %.16s\n", p->path, v->params_digest);
    fprintf(f, "ledger      %s sha256 %.16s; %zu of %zu reports used\n", v->l->path, v->l->digest,
            att_posterior_nreports(v->post), v->l->n);
    fprintf(f, "anchor      %s%s\n", v->anchor,
            p->nanchor == 0 ? " (consensus: every class's bias centred on 0)" : " (pinned to 0)");
    if (sf->loaded != NULL)
        snprintf(line, sizeof line, "loaded from %s (inputs sha256 %.16s), seed %lu", sf->loaded,
                 sf->digest, sf->fp.seed);
    else {
        char rf[128];
        cli_refit_text(fit, rf, sizeof rf);
        snprintf(line, sizeof line, "NUTS, %zu chains x (%zu warm-up + %zu draws), seed %lu%s%s",
                 sf->fp.chains, sf->fp.warmup, sf->fp.draws, sf->fp.seed, rf[0] ? "; " : "", rf);
    }
    wrap(f, "fit         ", line);
    snprintf(line, sizeof line, "max R-hat %s, min ESS bulk %s, tail %s; %zu divergent of %zu",
             cli_num(fit->rhat_max, 'f', 3, a, sizeof a),
             cli_num(fit->ess_bulk_min, 'f', 0, b, sizeof b),
             cli_num(fit->ess_tail_min, 'f', 0, c, sizeof c), fit->divergent_total,
             fit->chains * fit->draws);
    wrap(f, "diagnostics ", line);
    if (sf->verdict != ATT_FIT_GOOD)
        wrap(f, sf->verdict == ATT_FIT_FAILED ? "FAILED      " : "WARNING     ", sf->verdict_msg);
    snprintf(line, sizeof line, "%s to %s (%ld days), %s paths from %s posterior draws, seed %lu",
             date_text(pr->start, d0), date_text(pr->start + (int32_t)pr->horizon, d1), pr->horizon,
             count((double)v->proj.paths, a, sizeof a), count((double)v->proj.draws, b, sizeof b),
             v->pp.seed);
    wrap(f, "projection  ", line);
    snprintf(contingent, sizeof contingent, "%s's hazard", p->phases[p->nphase - 1].name);
    if (pr->hazard.kind == ATT_HAZARD_INHERIT)
        snprintf(line, sizeof line, "the contingent in theatre: %s (the last fitted phase)",
                 contingent);
    else
        snprintf(line, sizeof line, "the contingent in theatre: %s, then %s from %s", contingent,
                 cli_hazard_rule(p, &pr->hazard, "", rule, sizeof rule),
                 pr->hazard_from == ATT_FROM_FIRST_WAVE ? "the first wave's day"
                 : pr->hazard_from == ATT_FROM_DATE     ? date_text(pr->hazard_from_date, d0)
                                                        : "the start");
    if (p->ngroup > 0) {
        used = strlen(line);
        snprintf(line + used, sizeof line - used,
                 "; each group at that hazard times its multiplier");
    }
    for (w = 0; w < p->nwave; w++) {
        used = strlen(line);
        snprintf(line + used, sizeof line - used, "; wave %s%s%s%s: %s", p->waves[w].name,
                 p->ngroup > 0 ? " (" : "", p->ngroup > 0 ? p->groups[p->waves[w].group].name : "",
                 p->ngroup > 0 ? ")" : "",
                 cli_hazard_rule(p, &p->waves[w].hazard,
                                 p->ngroup > 0 ? "its group's" : "the contingent's", rule,
                                 sizeof rule));
    }
    wrap(f, "hazards     ", line);
    snprintf(line, sizeof line,
             "parameter (posterior draws), %s, process (%s daily casualties%s); %s",
             p->nwave > 0 ? "scenario (wave dates, sizes, hazard multipliers)"
                          : "no scenario uncertainty (no waves)",
             pr->counts == ATT_COUNTS_BINOMIAL ? "binomial" : "beta-binomial",
             p->ndeparture > 0 ? ", departures" : "",
             att_params_returns(p) ? "a share of the wounded returns to duty (docs/model.md 1.5)"
                                   : "wounded do not return");
    wrap(f, "uncertainty ", line);
    if (v->proj.capped_paths > 0) {
        snprintf(line, sizeof line,
                 "on %s of %s paths a departure's count met its group's strength: all of it "
                 "left (min(count, N)), so the mean path departs from the closed form there",
                 count((double)v->proj.capped_paths, a, sizeof a),
                 count((double)v->proj.paths, b, sizeof b));
        wrap(f, "capped      ", line);
    }
}

static void
print_weekly(FILE *f, const scenario_view *v)
{
    const att_projection *r = &v->proj;
    size_t k, lo, mid, hi, g;
    char d[ATT_DATE_BUFSIZE], s1[64], s2[64], s3[64], h[96];

    band_indices(r, &lo, &mid, &hi);
    {
        char l1[32], l2[32];
        snprintf(h, sizeof h, "q50 (%s-%s)", level_name(r->levels[lo], l1, sizeof l1),
                 level_name(r->levels[hi], l2, sizeof l2));
    }
    fprintf(f, "\n%-10s  %-22s  %-22s  %-20s\n", "date", "strength", "casualties", "killed");
    fprintf(f, "%-10s  %-22s  %-22s  %-20s\n", "", h, h, h);
    for (k = 0; k < r->ndates; k++)
        fprintf(f, "%-10s  %-22s  %-22s  %-20s\n", date_text(r->dates[k], d),
                band_text(r, ATT_SERIES_STRENGTH, k, s1, sizeof s1),
                band_text(r, ATT_SERIES_CASUALTIES, k, s2, sizeof s2),
                band_text(r, ATT_SERIES_KILLED, k, s3, sizeof s3));
    fprintf(f, "(strength: troops fit to fight at 00:00 of the date; casualties and killed:\n"
               "cumulative since the first arrival)\n");
    for (g = 0; g < r->ngroup; g++) {
        fprintf(f, "\ngroup %s\n", v->p->groups[g].name);
        fprintf(f, "%-10s  %-22s  %-22s  %-20s\n", "date", "strength", "casualties", "killed");
        for (k = 0; k < r->ndates; k++)
            fprintf(f, "%-10s  %-22s  %-22s  %-20s\n", date_text(r->dates[k], d),
                    band_text_of(r, g, ATT_SERIES_STRENGTH, k, s1, sizeof s1),
                    band_text_of(r, g, ATT_SERIES_CASUALTIES, k, s2, sizeof s2),
                    band_text_of(r, g, ATT_SERIES_KILLED, k, s3, sizeof s3));
    }
}

/* One column of the chart: the quantiles at the date nearest to time t. */
static const double *
chart_column(const att_projection *r, double t)
{
    size_t k, best = 0;
    double bd = HUGE_VAL;

    for (k = 0; k < r->nhist; k++)
        if (fabs((double)r->hist_dates[k] - t) < bd) {
            bd = fabs((double)r->hist_dates[k] - t);
            best = k;
        }
    for (k = 0; k < r->ndates; k++)
        if (fabs((double)r->dates[k] - t) < bd) {
            bd = fabs((double)r->dates[k] - t);
            best = r->nhist + k;
        }
    return best < r->nhist ? r->hist_q[ATT_SERIES_STRENGTH] + best * r->nlevels
                           : r->q[ATT_SERIES_STRENGTH] + (best - r->nhist) * r->nlevels;
}

/* The chart's top: six label steps of a round size, at or above x. */
static double
nice_top(double x)
{
    static const double steps[] = {1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0};

    return cli_round_up(x / CHART_LABELS, steps, sizeof steps / sizeof steps[0]) * CHART_LABELS;
}

static void
print_chart(FILE *f, const scenario_view *v, bool ascii)
{
    const att_projection *r = &v->proj;
    static const char *const uni[] = {" ", "\u2591", "\u2593", "\u2588", "\u2502"};
    static const char *const asc[] = {" ", ".", "+", "#", "|"};
    const char *const *g = ascii ? asc : uni;
    const char *cell[CHART_HEIGHT][CHART_WIDTH];
    size_t lo, mid, hi, inlo, inhi, i, j, row, col, startcol;
    unsigned marks = 0; /* 1: a deployed figure drawn, 2: a strength figure, 4: one of groups */
    double t0, t1, top = 0.0, dt;
    char buf[32], d0[ATT_DATE_BUFSIZE], d1[ATT_DATE_BUFSIZE], d2[ATT_DATE_BUFSIZE];

    band_indices(r, &lo, &mid, &hi);
    inlo = lo;
    inhi = hi;
    for (j = 0; j < r->nlevels; j++) {
        if (r->levels[j] == 25.0)
            inlo = j;
        if (r->levels[j] == 75.0)
            inhi = j;
    }
    t0 = r->nhist > 0 ? (double)r->hist_dates[0] : (double)r->dates[0];
    t1 = (double)r->dates[r->ndates - 1];
    dt = (t1 - t0) / CHART_WIDTH;
    for (col = 0; col < CHART_WIDTH; col++) {
        const double *q = chart_column(r, t0 + ((double)col + 0.5) * dt);
        if (isfinite(q[hi]) && q[hi] > top)
            top = q[hi];
    }
    for (i = 0; i < v->l->n; i++) {
        const att_report *rp = &v->l->reports[i];
        double y = rp->qualifier == ATT_QUAL_RANGE ? rp->high : rp->value;
        if ((rp->kind == ATT_KIND_DEPLOYED || rp->kind == ATT_KIND_STRENGTH) && y > top &&
            (double)rp->asof_end + 1.0 >= t0 && (double)rp->asof_end + 1.0 <= t1)
            top = y;
    }
    top = nice_top(top > 0.0 ? top : 1.0);
    for (col = 0; col < CHART_WIDTH; col++) {
        const double *q = chart_column(r, t0 + ((double)col + 0.5) * dt);
        for (row = 0; row < CHART_HEIGHT; row++) {
            double ylo = top * (double)(CHART_HEIGHT - 1 - row) / CHART_HEIGHT;
            double yhi = top * (double)(CHART_HEIGHT - row) / CHART_HEIGHT;
            cell[row][col] = g[0];
            if (q[mid] >= ylo && q[mid] < yhi)
                cell[row][col] = g[3];
            else if (q[inhi] >= ylo && q[inlo] < yhi)
                cell[row][col] = g[2];
            else if (q[hi] >= ylo && q[lo] < yhi)
                cell[row][col] = g[1];
        }
    }
    startcol = (size_t)(((double)r->dates[0] - t0) / dt);
    if (startcol < CHART_WIDTH)
        for (row = 0; row < CHART_HEIGHT; row++)
            if (cell[row][startcol] == g[0])
                cell[row][startcol] = g[4];
    /* Reported figures: D for deployed (troops sent: strength is at most
     * that), S for strength; a range at its midpoint; in lower case a
     * figure about some groups only (the bands are the whole force's). */
    for (i = 0; i < v->l->n; i++) {
        const att_report *rp = &v->l->reports[i];
        double t = (double)rp->asof_end + 1.0, y;
        if ((rp->kind != ATT_KIND_DEPLOYED && rp->kind != ATT_KIND_STRENGTH) ||
            rp->repeat_of != ATT_NONE || t < t0 || t > t1)
            continue;
        y = rp->qualifier == ATT_QUAL_RANGE ? 0.5 * (rp->low + rp->high) : rp->value;
        col = (size_t)((t - t0) / dt);
        row = (size_t)((double)CHART_HEIGHT - y / top * CHART_HEIGHT);
        if (col < CHART_WIDTH && row < CHART_HEIGHT) {
            bool some = rp->groups[0] != '\0';
            cell[row][col] =
                rp->kind == ATT_KIND_DEPLOYED ? (some ? "d" : "D") : (some ? "s" : "S");
            marks |= (rp->kind == ATT_KIND_DEPLOYED ? 1u : 2u) | (some ? 4u : 0u);
        }
    }
    fprintf(f, "\nstrength, troops fit to fight\n");
    for (row = 0; row < CHART_HEIGHT; row++) {
        if (row % 2 == 0)
            fprintf(f, "%9s %s",
                    count(top * (double)(CHART_HEIGHT - row) / CHART_HEIGHT, buf, sizeof buf),
                    ascii ? "+" : "\u2524");
        else
            fprintf(f, "%9s %s", "", ascii ? "|" : "\u2502");
        for (col = 0; col < CHART_WIDTH; col++)
            fputs(cell[row][col], f);
        fputc('\n', f);
    }
    fprintf(f, "%9s %s", "0", ascii ? "+" : "\u2514");
    for (col = 0; col < CHART_WIDTH; col++)
        fputs(ascii ? "-" : "\u2500", f);
    fputc('\n', f);
    date_text((int32_t)t0, d0);
    date_text(r->dates[0], d1);
    date_text(r->dates[r->ndates - 1], d2);
    {
        char axis[CHART_WIDTH + 16];
        size_t pos = startcol > 10 ? startcol - 5 : 11;
        memset(axis, ' ', sizeof axis);
        memcpy(axis, d0, 10);
        if (pos + 10 < CHART_WIDTH - 10)
            memcpy(axis + pos, d1, 10);
        memcpy(axis + CHART_WIDTH - 10, d2, 10);
        axis[CHART_WIDTH] = '\0';
        fprintf(f, "%11s%s\n", "", axis);
    }
    {
        char l1[16], l2[16], l3[16], l4[16];
        fprintf(f, "%11s%s median %s %s-%s %s %s-%s %s start%s%s\n", "", g[3], g[2],
                level_name(r->levels[inlo], l1, sizeof l1),
                level_name(r->levels[inhi], l2, sizeof l2), g[1],
                level_name(r->levels[lo], l3, sizeof l3), level_name(r->levels[hi], l4, sizeof l4),
                g[4], marks & 1 ? " D deployed (reported)" : "",
                marks & 2 ? " S strength (reported)" : "");
        if (marks & 4)
            fprintf(f, "%11sd, s: the same about some groups only\n", "");
    }
}

static void
threshold_sentence(FILE *f,
                   const att_threshold *th,
                   const att_threshold_result *tr,
                   const att_projection *r)
{
    char a[16], b[16], d0[ATT_DATE_BUFSIZE], d1[ATT_DATE_BUFSIZE], d2[ATT_DATE_BUFSIZE];
    char line[1024], *e = line;
    const char *desc = th->description[0] ? th->description : th->name;
    size_t n = sizeof line;

#define APPEND(...) (e += snprintf(e, n - (size_t)(e - line), __VA_ARGS__))
    APPEND("%s [%s]: already crossed at the start on %s of paths; ", desc, th->name,
           percent(tr->p_at_start, a, sizeof a));
    APPEND("crossed by %s with probability %s.", date_text(r->dates[r->ndates - 1], d0),
           percent(tr->probability, b, sizeof b));
    if (tr->date_q[1] == ATT_DAY_OPEN && tr->date_q[0] != ATT_DAY_OPEN)
        APPEND(" Median date: not within the horizon (90%% interval from %s to beyond it).",
               date_text(tr->date_q[0], d2));
    else if (tr->date_q[1] == ATT_DAY_OPEN)
        APPEND(" Median date: not within the horizon.");
    else if (tr->date_q[2] == ATT_DAY_OPEN)
        APPEND(" Median date %s; 90%% interval %s to beyond the horizon.",
               date_text(tr->date_q[1], d1), date_text(tr->date_q[0], d2));
    else
        APPEND(" Median date %s; 90%% interval %s to %s.", date_text(tr->date_q[1], d1),
               date_text(tr->date_q[0], d2), date_text(tr->date_q[2], d0));
#undef APPEND
    wrap(f, "- ", line);
}

static void
print_twin(FILE *f, const scenario_view *v)
{
    const att_projection *r = &v->proj, *w = &v->twin;
    size_t lo, mid, hi, last = r->ndates - 1;
    double dn[3], dc[3];
    char a[32], b[32], c[32], s1[64], s2[64], d[ATT_DATE_BUFSIZE], line[1024];

    band_indices(r, &lo, &mid, &hi);
    if (!v->has_twin) {
        fprintf(f, "\nThe scenario has no waves: nothing to compare with.\n");
        return;
    }
    if (att_projection_paired(r, w, ATT_SERIES_STRENGTH, r->levels[lo], &dn[0], NULL) != ATT_OK ||
        att_projection_paired(r, w, ATT_SERIES_STRENGTH, 50.0, &dn[1], NULL) != ATT_OK ||
        att_projection_paired(r, w, ATT_SERIES_STRENGTH, r->levels[hi], &dn[2], NULL) != ATT_OK ||
        att_projection_paired(r, w, ATT_SERIES_CASUALTIES, r->levels[lo], &dc[0], NULL) != ATT_OK ||
        att_projection_paired(r, w, ATT_SERIES_CASUALTIES, 50.0, &dc[1], NULL) != ATT_OK ||
        att_projection_paired(r, w, ATT_SERIES_CASUALTIES, r->levels[hi], &dc[2], NULL) != ATT_OK)
        return;
    snprintf(line, sizeof line,
             "Without its waves (same draws, same random numbers), strength on %s would be "
             "%s instead of %s: the waves add %s (%s-%s) troops fit to fight",
             date_text(r->dates[last], d), band_text(w, ATT_SERIES_STRENGTH, last, s1, sizeof s1),
             band_text(r, ATT_SERIES_STRENGTH, last, s2, sizeof s2), count(dn[1], a, sizeof a),
             count(dn[0], b, sizeof b), count(dn[2], c, sizeof c));
    snprintf(line + strlen(line), sizeof line - strlen(line), " and %s (%s-%s) casualties.",
             count(dc[1], a, sizeof a), count(dc[0], b, sizeof b), count(dc[2], c, sizeof c));
    fputc('\n', f);
    wrap(f, "", line);
}

static void
print_table(FILE *f, const scenario_view *v, bool ascii)
{
    size_t m;

    print_header(f, v);
    print_weekly(f, v);
    print_chart(f, v, ascii);
    if (v->p->nthreshold > 0)
        fprintf(f, "\nthresholds (first passage over all paths)\n");
    for (m = 0; m < v->p->nthreshold; m++)
        threshold_sentence(f, &v->p->thresholds[m], &v->proj.threshold[m], &v->proj);
    print_twin(f, v);
}

/* ---- csv ------------------------------------------------------------------------- */

static void
csv_date(FILE *f, int32_t d)
{
    char buf[ATT_DATE_BUFSIZE];

    if (d != ATT_DAY_OPEN)
        fputs(date_text(d, buf), f);
}

static void
print_csv(FILE *f, const scenario_view *v)
{
    const att_projection *r = &v->proj;
    const att_run_fit *sf = v->sf;
    size_t k, s, j, m;
    char name[32], d[ATT_DATE_BUFSIZE];

    fprintf(f, "# attrition %s projection\n# scenario: %s (%s)\n# parameters_sha256: %s\n",
            ATT_VERSION_STRING, v->name, v->p->path, v->params_digest);
    fprintf(f, "# ledger: %s\n# ledger_sha256: %s\n# reports_used: %zu\n# anchor: %s\n", v->l->path,
            v->l->digest, att_posterior_nreports(v->post), v->anchor);
    fprintf(f, "# fit: %s\n# fit_inputs_sha256: %s\n# seed: %lu\n# chains: %zu\n# draws: %zu\n",
            sf->loaded ? sf->loaded : "fitted", sf->digest, sf->fp.seed, sf->fit.chains,
            sf->fit.draws);
    fprintf(f, "# verdict: %s%s%s\n# paths: %zu\n# start: %s\n# horizon_days: %ld\n",
            verdict_names[sf->verdict], sf->verdict_msg[0] ? ": " : "", sf->verdict_msg, r->paths,
            date_text(v->p->projection.start, d), v->p->projection.horizon);
    fprintf(f, "date");
    for (s = 0; s < ATT_SERIES_COUNT; s++)
        for (j = 0; j < r->nlevels; j++)
            fprintf(f, ",%s_%s", series_names[s], level_name(r->levels[j], name, sizeof name));
    for (m = 0; m < r->nthreshold; m++)
        fprintf(f, ",p_%s", v->p->thresholds[m].name);
    fputc('\n', f);
    for (k = 0; k < r->ndates; k++) {
        fputs(date_text(r->dates[k], d), f);
        for (s = 0; s < ATT_SERIES_COUNT; s++)
            for (j = 0; j < r->nlevels; j++)
                fputc(',', f), cli_csv_num(f, att_projection_q(r, (att_series)s, k, j));
        for (m = 0; m < r->nthreshold; m++)
            fputc(',', f), cli_csv_num(f, r->threshold[m].by_date[k]);
        fputc('\n', f);
    }
    fprintf(f, "\n# section: thresholds\nname,p_at_start,probability,q05_date,q50_date,"
               "q95_date\n");
    for (m = 0; m < r->nthreshold; m++) {
        const att_threshold_result *tr = &r->threshold[m];
        fprintf(f, "%s,", v->p->thresholds[m].name);
        cli_csv_num(f, tr->p_at_start), fputc(',', f), cli_csv_num(f, tr->probability);
        for (j = 0; j < 3; j++)
            fputc(',', f), csv_date(f, tr->date_q[j]);
        fputc('\n', f);
    }
    if (r->ngroup > 0) {
        size_t g;
        fprintf(f, "\n# section: groups\ngroup,date");
        for (s = 0; s < ATT_SERIES_COUNT; s++)
            for (j = 0; j < r->nlevels; j++)
                fprintf(f, ",%s_%s", series_names[s], level_name(r->levels[j], name, sizeof name));
        fputc('\n', f);
        for (g = 0; g < r->ngroup; g++)
            for (k = 0; k < r->ndates; k++) {
                fprintf(f, "%s,%s", v->p->groups[g].name, date_text(r->dates[k], d));
                for (s = 0; s < ATT_SERIES_COUNT; s++)
                    for (j = 0; j < r->nlevels; j++)
                        fputc(',', f), cli_csv_num(f, att_projection_gq(r, g, (att_series)s, k, j));
                fputc('\n', f);
            }
    }
    if (v->has_twin) {
        fprintf(f, "\n# section: without_waves (last date)\nseries");
        for (j = 0; j < r->nlevels; j++)
            fprintf(f, ",%s", level_name(r->levels[j], name, sizeof name));
        fputc('\n', f);
        for (s = 0; s < ATT_SERIES_COUNT; s++) {
            fprintf(f, "%s", series_names[s]);
            for (j = 0; j < r->nlevels; j++)
                fputc(',', f), cli_csv_num(f, att_projection_q(&v->twin, (att_series)s,
                                                               v->twin.ndates - 1, j));
            fputc('\n', f);
        }
    }
}

/* ---- json ------------------------------------------------------------------------ */

static json_t *
jdate(int32_t d)
{
    char buf[ATT_DATE_BUFSIZE];

    return d == ATT_DAY_OPEN ? json_null() : json_string(date_text(d, buf));
}

/* {"q05": [...], "q50": [...], ...} of series s over n dates. */
static json_t *
json_series(const att_projection *r, const double *q, size_t n)
{
    json_t *o = json_object();
    size_t j, k;
    char name[32];

    for (j = 0; j < r->nlevels; j++) {
        json_t *a = json_array();
        for (k = 0; k < n; k++)
            json_array_append_new(a, cli_json_num(q[k * r->nlevels + j]));
        json_object_set_new(o, level_name(r->levels[j], name, sizeof name), a);
    }
    return o;
}

static json_t *
json_thresholds(const scenario_view *v, const att_projection *r)
{
    json_t *a = json_array();
    size_t m, k;

    for (m = 0; m < r->nthreshold; m++) {
        const att_threshold *th = &v->p->thresholds[m];
        const att_threshold_result *tr = &r->threshold[m];
        json_t *o = json_object(), *by = json_array();
        json_object_set_new(o, "name", json_string(th->name));
        json_object_set_new(o, "description", json_string(th->description));
        json_object_set_new(o, "quantity", json_string(att_quantity_name(th->quantity)));
        json_object_set_new(o, "direction", json_string(th->below ? "below" : "at_least"));
        json_object_set_new(o, "value", cli_json_num(th->value));
        json_object_set_new(o, "p_at_start", cli_json_num(tr->p_at_start));
        json_object_set_new(o, "probability", cli_json_num(tr->probability));
        for (k = 0; k < r->ndates; k++)
            json_array_append_new(by, cli_json_num(tr->by_date[k]));
        json_object_set_new(o, "probability_by_date", by);
        json_object_set_new(o, "q05_date", jdate(tr->date_q[0]));
        json_object_set_new(o, "q50_date", jdate(tr->date_q[1]));
        json_object_set_new(o, "q95_date", jdate(tr->date_q[2]));
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *
json_meta_project(const scenario_view *v)
{
    const att_run_fit *sf = v->sf;
    json_t *m = cli_json_meta("project", v->name, v->run, v->post, &sf->fp);
    json_t *d = json_object();

    json_object_set_new(m, "fit", sf->loaded ? json_string(sf->loaded) : json_string("fitted"));
    json_object_set_new(m, "fit_inputs_sha256", json_string(sf->digest));
    json_object_set_new(m, "paths", json_integer((json_int_t)v->proj.paths));
    json_object_set_new(m, "projection_seed", json_integer((json_int_t)v->pp.seed));
    json_object_set_new(d, "verdict", json_string(verdict_names[sf->verdict]));
    json_object_set_new(d, "message", json_string(sf->verdict_msg));
    json_object_set_new(d, "rhat_max", cli_json_num(sf->fit.rhat_max));
    json_object_set_new(d, "ess_bulk_min", cli_json_num(sf->fit.ess_bulk_min));
    json_object_set_new(d, "ess_tail_min", cli_json_num(sf->fit.ess_tail_min));
    json_object_set_new(d, "divergent", json_integer((json_int_t)sf->fit.divergent_total));
    json_object_set_new(m, "diagnostics", d);
    return m;
}

static json_t *
json_doc(const scenario_view *v)
{
    const att_projection *r = &v->proj;
    const att_projection_params *pr = &v->p->projection;
    json_t *doc = json_object(), *sc = json_object(), *dates = json_array();
    json_t *series = json_object(), *hist = json_object(), *hd = json_array(), *unc = json_array();
    size_t k, s;

    json_object_set_new(doc, "meta", json_meta_project(v));
    json_object_set_new(sc, "name", json_string(v->name));
    json_object_set_new(sc, "description", json_string(v->p->description));
    json_object_set_new(sc, "start", jdate(pr->start));
    json_object_set_new(sc, "horizon_days", json_integer((json_int_t)pr->horizon));
    json_object_set_new(
        sc, "count_model",
        json_string(pr->counts == ATT_COUNTS_BINOMIAL ? "binomial" : "beta-binomial"));
    json_array_append_new(unc, json_string("parameter"));
    if (v->p->nwave > 0)
        json_array_append_new(unc, json_string("scenario"));
    json_array_append_new(unc, json_string("process"));
    json_object_set_new(sc, "uncertainty", unc);
    json_object_set_new(sc, "wounded_return", json_boolean(att_params_returns(v->p)));
    if (att_params_extended(v->p))
        json_object_set_new(sc, "departure_capped_paths",
                            json_integer((json_int_t)v->proj.capped_paths));
    json_object_set_new(doc, "scenario", sc);
    for (k = 0; k < r->ndates; k++)
        json_array_append_new(dates, jdate(r->dates[k]));
    json_object_set_new(doc, "dates", dates);
    for (s = 0; s < ATT_SERIES_COUNT; s++)
        json_object_set_new(series, series_names[s], json_series(r, r->q[s], r->ndates));
    json_object_set_new(doc, "series", series);
    if (r->ngroup > 0) {
        json_t *gr = json_object();
        size_t g;
        for (g = 0; g < r->ngroup; g++) {
            json_t *gs = json_object();
            for (s = 0; s < ATT_SERIES_COUNT; s++)
                json_object_set_new(
                    gs, series_names[s],
                    json_series(r, r->gq[s] + g * r->ndates * r->nlevels, r->ndates));
            json_object_set_new(gr, v->p->groups[g].name, gs);
        }
        json_object_set_new(doc, "groups", gr);
    }
    json_object_set_new(doc, "thresholds", json_thresholds(v, r));
    for (k = 0; k < r->nhist; k++)
        json_array_append_new(hd, jdate(r->hist_dates[k]));
    json_object_set_new(hist, "dates", hd);
    for (s = 0; s < ATT_SERIES_COUNT; s++)
        json_object_set_new(hist, series_names[s], json_series(r, r->hist_q[s], r->nhist));
    json_object_set_new(doc, "fitted_period", hist);
    if (v->has_twin) {
        json_t *tw = json_object(), *ts = json_object();
        for (s = 0; s < ATT_SERIES_COUNT; s++)
            json_object_set_new(ts, series_names[s],
                                json_series(&v->twin, v->twin.q[s], v->twin.ndates));
        json_object_set_new(tw, "series", ts);
        json_object_set_new(tw, "thresholds", json_thresholds(v, &v->twin));
        json_object_set_new(doc, "without_waves", tw);
    } else
        json_object_set_new(doc, "without_waves", json_null());
    return doc;
}

/* ---- several scenarios side by side ---------------------------------------------- */

#define SIDE_COLUMNS 4  /* scenarios per block, to stay within 80 columns */
#define SIDE_LABEL   26 /* width of the row labels, at least */
#define SIDE_WIDTH   13 /* width of a scenario's column, at least */

/* The widths of one side-by-side table: wider than the defaults where a
 * scenario's or a threshold's name needs it. */
typedef struct {
    int label, width;
} side_layout;

/* A scenario as a column head: its name, or a file's name without its
 * folder and ".ini" (a path cut to the column would say nothing). */
static const char *
side_name(const char *name, char *buf, size_t n)
{
    const char *base = strrchr(name, '/');
    size_t len;

    base = base != NULL ? base + 1 : name;
    len = strlen(base);
    if (len > 4 && strcmp(base + len - 4, ".ini") == 0)
        len -= 4;
    snprintf(buf, n, "%.*s", (int)len, base);
    return buf;
}

/* One row of the side-by-side table: a label, then a cell per scenario
 * from first to last (exclusive). */
typedef const char *(*side_cell)(const scenario_view *v, size_t m, char *buf, size_t n);

static const char *
cell_end(const scenario_view *v, att_series s, double level, char *buf, size_t n)
{
    const att_projection *r = &v->proj;
    size_t j;

    for (j = 0; j < r->nlevels && r->levels[j] != level; j++)
        ;
    if (j == r->nlevels) {
        size_t lo, mid, hi;
        band_indices(r, &lo, &mid, &hi);
        j = level < 50.0 ? lo : hi;
    }
    return count(att_projection_q(r, s, r->ndates - 1, j), buf, n);
}

static void
side_row(FILE *f,
         const project_ctx *c,
         const side_layout *lay,
         size_t first,
         size_t last,
         const char *label,
         att_series s,
         double level)
{
    size_t i;
    char buf[32];

    fprintf(f, "%-*s", lay->label, label);
    for (i = first; i < last; i++)
        fprintf(f, "%*s", lay->width, cell_end(&c->sv[i], s, level, buf, sizeof buf));
    fputc('\n', f);
}

/* The threshold named `name` of v, or NULL. */
static const att_threshold_result *
side_threshold(const scenario_view *v, const char *name)
{
    size_t m;

    for (m = 0; m < v->p->nthreshold; m++)
        if (strcmp(v->p->thresholds[m].name, name) == 0)
            return &v->proj.threshold[m];
    return NULL;
}

static void
print_columns(FILE *f, const project_ctx *c)
{
    size_t first, last, i, m, lo, mid, hi;
    char buf[32], label[ATT_NAME_MAX + 32], d[ATT_DATE_BUFSIZE], lo_label[40], hi_label[40],
        lname[32], head[256];
    const scenario_view *v0 = &c->sv[0];
    side_layout lay;
    double lo_level, hi_level;

    /* The band shown: 5% and 95% when among the levels, else the
     * outermost pair (every scenario takes the same --quantiles). */
    band_indices(&v0->proj, &lo, &mid, &hi);
    lo_level = v0->proj.levels[lo];
    hi_level = v0->proj.levels[hi];
    snprintf(lo_label, sizeof lo_label, "  %s", level_name(lo_level, lname, sizeof lname));
    snprintf(hi_label, sizeof hi_label, "  %s", level_name(hi_level, lname, sizeof lname));

    fprintf(f, "attrition %s projection, %zu scenarios side by side (seed %lu)\n",
            ATT_VERSION_STRING, c->n, v0->pp.seed);
    lay.label = SIDE_LABEL;
    lay.width = SIDE_WIDTH;
    for (i = 0; i < c->n; i++) {
        char line[600];
        int w = (int)strlen(side_name(c->sv[i].name, head, sizeof head)) + 1;
        snprintf(line, sizeof line, "%s: %s", c->sv[i].name, c->sv[i].p->description);
        wrap(f, "  ", line);
        lay.width = w > lay.width ? w : lay.width;
        for (m = 0; m < c->sv[i].p->nthreshold; m++) {
            w = (int)strlen(c->sv[i].p->thresholds[m].name) + (int)strlen("P() by the end") + 1;
            lay.label = w > lay.label ? w : lay.label;
        }
    }
    for (first = 0; first < c->n; first = last) {
        last = first + SIDE_COLUMNS < c->n ? first + SIDE_COLUMNS : c->n;
        fprintf(f, "\n%-*s", lay.label, "");
        for (i = first; i < last; i++)
            fprintf(f, "%*s", lay.width, side_name(c->sv[i].name, head, sizeof head));
        fputc('\n', f);
        snprintf(label, sizeof label, "strength on %s",
                 date_text(v0->proj.dates[v0->proj.ndates - 1], d));
        side_row(f, c, &lay, first, last, label, ATT_SERIES_STRENGTH, 50.0);
        side_row(f, c, &lay, first, last, lo_label, ATT_SERIES_STRENGTH, lo_level);
        side_row(f, c, &lay, first, last, hi_label, ATT_SERIES_STRENGTH, hi_level);
        side_row(f, c, &lay, first, last, "casualties, cumulative", ATT_SERIES_CASUALTIES, 50.0);
        side_row(f, c, &lay, first, last, lo_label, ATT_SERIES_CASUALTIES, lo_level);
        side_row(f, c, &lay, first, last, hi_label, ATT_SERIES_CASUALTIES, hi_level);
        side_row(f, c, &lay, first, last, "killed, cumulative", ATT_SERIES_KILLED, 50.0);
        /* Thresholds by name, in the order the first scenario lists them,
         * then any the others add. */
        for (i = first; i < last; i++)
            for (m = 0; m < c->sv[i].p->nthreshold; m++) {
                const char *name = c->sv[i].p->thresholds[m].name;
                size_t k, seen = 0, j;
                for (k = first; k < i && !seen; k++)
                    seen = side_threshold(&c->sv[k], name) != NULL;
                if (seen)
                    continue;
                snprintf(label, sizeof label, "P(%s) by the end", name);
                fprintf(f, "%-*s", lay.label, label);
                for (j = first; j < last; j++) {
                    const att_threshold_result *tr = side_threshold(&c->sv[j], name);
                    fprintf(f, "%*s", lay.width,
                            tr ? percent(tr->probability, buf, sizeof buf) : "-");
                }
                fprintf(f, "\n%-*s", lay.label, "  already at the start");
                for (j = first; j < last; j++) {
                    const att_threshold_result *tr = side_threshold(&c->sv[j], name);
                    fprintf(f, "%*s", lay.width,
                            tr ? percent(tr->p_at_start, buf, sizeof buf) : "-");
                }
                fputc('\n', f);
            }
    }
    fprintf(f,
            "\n(medians and %s/%s quantiles over paths; scenarios with the same fit "
            "inputs share\none fit; each scenario's paths use the same random numbers)\n",
            lo_label + 2, hi_label + 2);
}

static void
print_side_by_side(FILE *f, const project_ctx *c, const char *format)
{
    size_t i, m;
    char d[ATT_DATE_BUFSIZE];

    if (strcmp(format, "table") == 0) {
        print_columns(f, c);
        return;
    }
    if (strcmp(format, "csv") == 0) {
        fprintf(f, "# attrition %s projection, scenarios side by side\n", ATT_VERSION_STRING);
        size_t lo0, mid0, hi0;
        char a[32], b[32];
        band_indices(&c->sv[0].proj, &lo0, &mid0, &hi0);
        level_name(c->sv[0].proj.levels[lo0], a, sizeof a);
        level_name(c->sv[0].proj.levels[hi0], b, sizeof b);
        fprintf(f,
                "scenario,end_date,strength_%s,strength_q50,strength_%s,casualties_%s,"
                "casualties_q50,casualties_%s,threshold,p_at_start,probability\n",
                a, b, a, b);
        for (i = 0; i < c->n; i++) {
            const scenario_view *v = &c->sv[i];
            const att_projection *r = &v->proj;
            size_t lo, mid, hi, last = r->ndates - 1;
            band_indices(r, &lo, &mid, &hi);
            for (m = 0; m < (r->nthreshold ? r->nthreshold : 1); m++) {
                fprintf(f, "%s,%s", v->name, date_text(r->dates[last], d));
                fputc(',', f), cli_csv_num(f, att_projection_q(r, ATT_SERIES_STRENGTH, last, lo));
                fputc(',', f), cli_csv_num(f, att_projection_q(r, ATT_SERIES_STRENGTH, last, mid));
                fputc(',', f), cli_csv_num(f, att_projection_q(r, ATT_SERIES_STRENGTH, last, hi));
                fputc(',', f), cli_csv_num(f, att_projection_q(r, ATT_SERIES_CASUALTIES, last, lo));
                fputc(',', f),
                    cli_csv_num(f, att_projection_q(r, ATT_SERIES_CASUALTIES, last, mid));
                fputc(',', f), cli_csv_num(f, att_projection_q(r, ATT_SERIES_CASUALTIES, last, hi));
                if (r->nthreshold > 0) {
                    fprintf(f, ",%s,", v->p->thresholds[m].name);
                    cli_csv_num(f, r->threshold[m].p_at_start);
                    fputc(',', f), cli_csv_num(f, r->threshold[m].probability);
                } else
                    fprintf(f, ",,,");
                fputc('\n', f);
            }
        }
    }
}

static json_t *
json_side_by_side(const project_ctx *c)
{
    json_t *doc = json_object(), *arr = json_array();
    size_t i, s;

    json_object_set_new(doc, "meta", json_meta_project(&c->sv[0]));
    for (i = 0; i < c->n; i++) {
        const scenario_view *v = &c->sv[i];
        const att_projection *r = &v->proj;
        json_t *o = json_object(), *end = json_object();
        json_object_set_new(o, "scenario", json_string(v->name));
        json_object_set_new(o, "end_date", jdate(r->dates[r->ndates - 1]));
        for (s = 0; s < ATT_SERIES_COUNT; s++)
            json_object_set_new(end, series_names[s],
                                json_series(r, r->q[s] + (r->ndates - 1) * r->nlevels, 1));
        json_object_set_new(o, "end", end);
        json_object_set_new(o, "thresholds", json_thresholds(v, r));
        json_array_append_new(arr, o);
    }
    json_object_set_new(doc, "scenarios", arr);
    return doc;
}

/* ---- the steps ----------------------------------------------------------------------- */

/* The draws for v: those of an earlier scenario with the same fit inputs
 * (digest), or its own, fitted or loaded, judged and saved.  Returns 0 or
 * the exit code (after printing why). */
static int
obtain_fit(project_ctx *c, scenario_view *v)
{
    const cli_options *o = c->o;
    att_error err;
    size_t i;

    att_error_clear(&err);
    for (i = 0; &c->sv[i] != v; i++)
        if (strcmp(c->sv[i].sf->digest, v->rf.digest) == 0) {
            v->sf = c->sv[i].sf;
            return 0;
        }
    v->sf = &v->rf;
    if (o->fit == NULL)
        cli_progress(c->progress, "fitting %s...", v->name);
    if (att_run_sample(&v->rf, o->fit, &err) != ATT_OK)
        return cli_report(&err);
    if (v->rf.verdict == ATT_FIT_FAILED && !o->force) {
        cli_progress_done(c->progress);
        return cli_fit_failed(v->run, &v->rf, "", "Nothing is projected", "project", o->fit == NULL,
                              c->progress);
    }
    /* Saved only once judged usable, as `attrition fit` does. */
    if (o->fit == NULL && o->save_fit != NULL && att_run_save(&v->rf, o->save_fit, &err) != ATT_OK)
        return cli_report(&err);
    return 0;
}

static int
project_one(project_ctx *c, scenario_view *v)
{
    const cli_options *o = c->o;
    att_error err;
    int rc;

    att_error_clear(&err);
    if ((rc = cli_scenario_open(o, v->name, &v->run)) != 0)
        return rc;
    v->pp = att_project_default_params();
    v->pp.paths = o->paths > 0 ? (size_t)o->paths : 0;
    v->pp.threads = o->threads > 0 ? (int)o->threads : 0;
    v->pp.step = o->daily ? 1 : 0;
    v->pp.views = o->plot != NULL; /* casualties per day and C / D: only a picture shows them */
    if (o->nlevels > 0) {
        v->pp.levels = o->levels;
        v->pp.nlevels = o->nlevels;
    }
    /* What the projection would refuse, refused before the fit. */
    if (att_project_check_with(att_run_params(v->run), &v->pp, &err) != ATT_OK ||
        att_run_posterior(v->run, INT32_MAX, &v->rf, &err) != ATT_OK)
        return cli_report(&err);
    v->p = v->rf.p;
    v->pp.seed = v->p->projection.seed;
    v->l = att_run_ledger(v->run);
    v->post = v->rf.post;
    v->params_digest = att_run_params_digest(v->run);
    cli_anchor_text(v->p, v->anchor, sizeof v->anchor);
    if ((rc = obtain_fit(c, v)) != 0)
        return rc;
    cli_progress(c->progress, "projecting %s...", v->name);
    if (att_project_run(v->p, v->post, &v->sf->fit, &v->pp, &v->proj, &err) != ATT_OK)
        return cli_report(&err);
    if (v->p->nwave > 0) {
        att_project_params twin = v->pp;
        twin.without_waves = true;
        twin.history = false; /* the same closed form as the scenario's: not shown twice */
        twin.views = false;
        if (att_project_run(v->p, v->post, &v->sf->fit, &twin, &v->twin, &err) != ATT_OK)
            return cli_report(&err);
        v->has_twin = true;
    }
    return 0;
}

static json_t *
output_json(const void *ctx)
{
    const project_ctx *c = ctx;

    return c->n > 1 ? json_side_by_side(c) : json_doc(&c->sv[0]);
}

static void
output_text(FILE *f, const void *ctx)
{
    const project_ctx *c = ctx;

    if (c->n > 1)
        print_side_by_side(f, c, c->o->format);
    else if (strcmp(c->o->format, "csv") == 0)
        print_csv(f, &c->sv[0]);
    else
        print_table(f, &c->sv[0], c->o->ascii);
}

/* --hub: each scenario's projection of the whole force (strength,
 * casualties, killed) at every output date and quantile level; the origin
 * is the day before the start, so that horizon 1 is the first day. */
static void
hub_rows(FILE *f, const void *ctx)
{
    const project_ctx *c = ctx;
    char id[300];
    size_t i, s, k, j;

    cli_hub_model_header(f, 0);
    for (i = 0; i < c->n; i++) {
        const att_projection *r = &c->sv[i].proj;
        int32_t origin = r->dates[0] - 1;
        const char *base = strrchr(c->sv[i].name, '/');
        base = base != NULL ? base + 1 : c->sv[i].name;
        snprintf(id, sizeof id, "attrition-%.*s", (int)strcspn(base, "."), base);
        for (s = 0; s < ATT_SERIES_COUNT; s++)
            for (k = 0; k < r->ndates; k++)
                for (j = 0; j < r->nlevels; j++)
                    cli_hub_model_row(f, id, origin, NULL, series_names[s], r->dates[k],
                                      r->dates[k] - origin, r->levels[j] / 100.0,
                                      r->q[s][k * r->nlevels + j]);
    }
}

static int
write_output(const project_ctx *c)
{
    int rc;

    if (c->o->hub != NULL && (rc = cli_hub_write(c->o->hub, hub_rows, c, NULL, 0)) != 0)
        return rc;
    return cli_write_output(c->o->output, strcmp(c->o->format, "json") == 0, 10, output_json,
                            output_text, c);
}

static int
write_plot(const project_ctx *c)
{
    const scenario_view *v = &c->sv[0];
    cli_plot_input in;
    char title[512];
    att_error err;

    att_error_clear(&err);
    snprintf(title, sizeof title, "%s: %s", v->name, v->p->description);
    in.title = title;
    in.p = v->p;
    in.l = v->l;
    in.proj = &v->proj;
    in.digest = v->sf->digest;
    if (cli_plot_write(c->o->plot, &in, &err) != ATT_OK)
        return cli_report(&err);
    return 0;
}

int
cli_project(const cli_options *o)
{
    project_ctx *c = calloc(1, sizeof *c);
    char *names = NULL, *tok, *save = NULL;
    size_t i;
    int rc = 0;

    if (c == NULL || (names = strdup(o->scenario)) == NULL) {
        free(c);
        fprintf(stderr, "attrition: out of memory\n");
        return CLI_EXIT_OSERR;
    }
    c->o = o;
    c->progress = cli_progress_on(o->quiet);
    for (tok = strtok_r(names, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        if (c->n == CLI_SCENARIOS_MAX) {
            fprintf(stderr, "attrition: --scenario: expected at most %d scenarios\n",
                    CLI_SCENARIOS_MAX);
            rc = CLI_EXIT_USAGE;
            goto done;
        }
        c->sv[c->n++].name = tok;
    }
    if (c->n == 0) {
        fprintf(stderr, "attrition: --scenario: expected a name, found \"%s\"\n", o->scenario);
        rc = CLI_EXIT_USAGE;
        goto done;
    }
    if (c->n > 1 && o->plot != NULL) {
        fprintf(stderr, "attrition: --plot: expected one scenario, found %zu\n", c->n);
        rc = CLI_EXIT_USAGE;
        goto done;
    }
    for (i = 0; i < c->n && rc == 0; i++)
        rc = project_one(c, &c->sv[i]);
    cli_progress_done(c->progress);
    if (rc == 0)
        rc = write_output(c);
    if (rc == 0 && o->plot != NULL)
        rc = write_plot(c);
    for (i = 0; rc == 0 && i < c->n; i++)
        if (c->sv[i].sf->verdict == ATT_FIT_FAILED)
            rc = CLI_EXIT_FAILED; /* printed only because of --force */
done:
    cli_progress_done(c->progress);
    for (i = 0; i < c->n; i++) {
        att_projection_free(&c->sv[i].proj);
        att_projection_free(&c->sv[i].twin);
        att_run_fit_free(&c->sv[i].rf);
        att_run_free(c->sv[i].run);
    }
    free(names);
    free(c);
    return rc;
}
