/* print.c -- tables for people: the ledger, and a scenario as read.
 * Everything here formats what the library computed; no numerics. */
#include "print.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <attrition/att_date.h>
#include <attrition/att_output.h>
#include <attrition/att_version.h>

#include "exit_codes.h"
#include "scenario.h"

char *
cli_count(double v, char *buf, size_t n)
{
    char digits[32];
    size_t len, i, j = 0;

    if (v < 1000.0 || v != floor(v) || v >= 1e15) {
        snprintf(buf, n, "%g", v);
        return buf;
    }
    snprintf(digits, sizeof digits, "%.0f", v);
    len = strlen(digits);
    for (i = 0; i < len && j + 2 < n; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            buf[j++] = ',';
        buf[j++] = digits[i];
    }
    buf[j] = '\0';
    return buf;
}

const char *
cli_num(double x, char style, int digits, char *buf, size_t n)
{
    if (!isfinite(x))
        return "n/a";
    if (style == 'g' && fabs(x) >= 1e4 && fabs(x) < 1e12)
        snprintf(buf, n, "%.0f", x); /* troop counts read better whole */
    else if (style == 'f')
        snprintf(buf, n, "%.*f", digits, x);
    else if (style == '+')
        snprintf(buf, n, "%+.*f", digits, x);
    else
        snprintf(buf, n, "%.*g", digits, x);
    return buf;
}

void
cli_refit_text(const att_fit_result *fit, char *buf, size_t n)
{
    if (fit->refits == 0) {
        snprintf(buf, n, "%s", "");
        return;
    }
    snprintf(buf, n,
             "adapt_delta raised from %g to %g after more than %zu divergent transitions of %zu "
             "draws",
             fit->delta_first, fit->delta, fit->divergent_first - 1, fit->chains * fit->draws);
}

void
cli_anchor_text(const att_params *p, char *buf, size_t n)
{
    size_t i, used = 0;

    if (p->nanchor == 0) {
        snprintf(buf, n, "none");
        return;
    }
    buf[0] = '\0';
    for (i = 0; i < p->nanchor && used < n; i++)
        used += (size_t)snprintf(buf + used, n - used, "%s%s:%s", i ? "," : "",
                                 p->classes[p->anchor[i].cls].name,
                                 att_family_name(p->anchor[i].family));
}

char *
cli_figure(const att_report *r, char *buf, size_t n)
{
    char a[32], b[32];
    const char *unit = r->kind == ATT_KIND_RATE || r->measure == ATT_MEASURE_DAILY ? "/day"
                       : r->measure == ATT_MEASURE_PERIOD                          ? " (period)"
                                                                                   : "";

    switch (r->qualifier) {
    case ATT_QUAL_RANGE:
        snprintf(buf, n, "%s-%s%s", cli_count(r->low, a, sizeof a), cli_count(r->high, b, sizeof b),
                 unit);
        break;
    case ATT_QUAL_AT_LEAST:
        snprintf(buf, n, ">=%s%s", cli_count(r->value, a, sizeof a), unit);
        break;
    case ATT_QUAL_UP_TO:
        snprintf(buf, n, "<=%s%s", cli_count(r->value, a, sizeof a), unit);
        break;
    default:
        snprintf(buf, n, "~%s%s", cli_count(r->value, a, sizeof a), unit);
        break;
    }
    if (r->groups[0] != '\0') { /* the part of the force it covers */
        size_t used = strlen(buf);
        snprintf(buf + used, n - used, " [%s]", r->groups);
    }
    return buf;
}

static char *
print_window(const att_report *r, char *buf, size_t n)
{
    char a[ATT_DATE_BUFSIZE], b[ATT_DATE_BUFSIZE];

    if (r->asof_start == r->asof_end)
        snprintf(buf, n, "%s", att_date_format(r->asof_end, a));
    else
        snprintf(buf, n, "%s..%s", att_date_format(r->asof_start, a),
                 att_date_format(r->asof_end, b));
    return buf;
}

void
cli_print_ledger_counts(FILE *f, const att_ledger *l)
{
    size_t i, repeats = 0, superseded = 0, used;
    bool *u = calloc(l->n ? l->n : 1, sizeof *u);

    if (u == NULL) {
        fprintf(f, "%zu reports\n", l->n);
        return;
    }
    used = att_ledger_used(l, INT32_MAX, u);
    for (i = 0; i < l->n; i++) {
        repeats += l->reports[i].repeat_of != ATT_NONE;
        superseded += l->reports[i].repeat_of == ATT_NONE && l->reports[i].revised_by != ATT_NONE;
    }
    fprintf(f, "%zu reports: %zu used, %zu repeats left out, %zu earlier vintages revised\n", l->n,
            used, repeats, superseded);
    free(u);
}

void
cli_print_reports(FILE *f, const att_ledger *l)
{
    size_t i, j, idw = 2, *by_rank = calloc(l->n ? l->n : 1, sizeof *by_rank);
    char fig[64], win[32], st[ATT_DATE_BUFSIZE];

    if (by_rank == NULL)
        return;
    for (i = 0; i < l->n; i++) {
        by_rank[l->reports[i].rank] = i;
        if (strlen(l->reports[i].id) > idw)
            idw = strlen(l->reports[i].id);
    }
    fprintf(f, "ledger %s\nsha256 %s\n", l->path, l->digest);
    cli_print_ledger_counts(f, l);
    fprintf(f, "\n%-*s %-10s %-22s %-11s %-10s %-14s %s\n", (int)idw, "id", "stated", "as of",
            "class", "kind", "figure", "mark");
    for (j = 0; j < l->n; j++) {
        const att_report *r = &l->reports[by_rank[j]];
        char mark[160] = "";
        if (r->repeat_of != ATT_NONE)
            snprintf(mark, sizeof mark, "repeat of %s%s", l->reports[r->repeat_of].id,
                     r->repeat_explicit ? "" : " (detected)");
        else if (r->revised_by != ATT_NONE)
            snprintf(mark, sizeof mark, "revised by %s", l->reports[r->revised_by].id);
        if (r->repeat_of == ATT_NONE && r->revises != ATT_NONE)
            snprintf(mark + strlen(mark), sizeof mark - strlen(mark), "%srevises %s",
                     mark[0] ? "; " : "", l->reports[r->revises].id);
        if (mark[0] == '\0')
            fprintf(f, "%-*s %-10s %-22s %-11s %-10s %s\n", (int)idw, r->id,
                    att_date_format(r->statement, st), print_window(r, win, sizeof win),
                    l->classes[r->cls], att_kind_name(r->kind), cli_figure(r, fig, sizeof fig));
        else
            fprintf(f, "%-*s %-10s %-22s %-11s %-10s %-14s %s\n", (int)idw, r->id,
                    att_date_format(r->statement, st), print_window(r, win, sizeof win),
                    l->classes[r->cls], att_kind_name(r->kind), cli_figure(r, fig, sizeof fig),
                    mark);
    }
    fprintf(f, "\nOrdered by statement date, then row.  A repeat (same class, kind, figure and\n"
               "window as an earlier row, or named in repeat_of) never enters a fit; a\n"
               "revision (same source, kind and window, new figure) replaces the earlier\n"
               "vintage once it is stated.  For kind rate, \"as of\" is the rate's interval.\n");
    for (j = 0; j < l->n && l->reports[j].measure == ATT_MEASURE_CUMULATIVE; j++)
        ;
    if (j < l->n)
        fprintf(f, "A loss over a period (measure period, or daily: per day of it) has the "
                   "period\nas its \"as of\"; the measure is part of the repeat and revision "
                   "keys.\n");
    free(by_rank);
}

const char *
cli_hazard_rule(
    const att_params *p, const att_hazard_rule *h, const char *inherit, char *buf, size_t n)
{
    switch (h->kind) {
    case ATT_HAZARD_PHASE:
        if (h->mult_low == h->mult_high && h->mult_low == 1.0)
            snprintf(buf, n, "%s's hazard", p->phases[h->phase].name);
        else if (h->mult_low == h->mult_high)
            snprintf(buf, n, "%s's hazard x %g", p->phases[h->phase].name, h->mult_low);
        else
            snprintf(buf, n, "%s's hazard x %g-%g (log-uniform)", p->phases[h->phase].name,
                     h->mult_low, h->mult_high);
        return buf;
    case ATT_HAZARD_FIXED:
        snprintf(buf, n, "a fixed hazard of %g per day", h->value);
        return buf;
    default:
        return inherit;
    }
}

/* A count as its prior states it: "700", "uniform 9,000-13,000",
 * "log-normal, median 1,500, log sd 0.4". */
static void
cli_count_text(att_count_prior prior,
               double count,
               double low,
               double high,
               double median,
               double log_sd,
               char *buf,
               size_t n)
{
    char a[32], b[32];

    if (prior == ATT_COUNT_FIXED)
        snprintf(buf, n, "%s", cli_count(count, a, sizeof a));
    else if (prior == ATT_COUNT_UNIFORM)
        snprintf(buf, n, "uniform %s-%s", cli_count(low, a, sizeof a),
                 cli_count(high, b, sizeof b));
    else
        snprintf(buf, n, "log-normal, median %s, log sd %g", cli_count(median, a, sizeof a),
                 log_sd);
}

/* The groups and departures of a force by groups (docs/model.md 1.5),
 * name columns wname wide; nothing for a file without them. */
static void
cli_print_force(FILE *f, const att_params *p, int wname)
{
    char buf[160], d1[ATT_DATE_BUFSIZE];
    size_t i;

    if (p->ngroup > 0)
        fprintf(f, "\ngroups     %-*s %s\n", wname, "name", "hazard multiplier");
    for (i = 0; i < p->ngroup; i++) {
        const att_group *g = &p->groups[i];
        if (i == p->reference_group)
            snprintf(buf, sizeof buf, "1 (the reference group)");
        else if (g->fixed)
            snprintf(buf, sizeof buf, "%g", g->ratio);
        else
            snprintf(buf, sizeof buf, "log-normal, median %g, log sd %g", g->ratio_median,
                     g->ratio_log_sd);
        fprintf(f, "           %-*s %s%s%s\n", wname, g->name, buf, g->description[0] ? "; " : "",
                g->description);
    }
    if (p->ndeparture + p->nscheduled > 0)
        fprintf(f, "\ndepartures %-*s %-10s %s\n", wname, "name", "date", "troops leaving");
    for (i = 0; i < p->ndeparture + p->nscheduled; i++) {
        const att_departure *dp =
            i < p->ndeparture ? &p->departures[i] : &p->scheduled[i - p->ndeparture];
        if (dp->by_share && dp->prior == ATT_COUNT_FIXED)
            snprintf(buf, sizeof buf, "a share %g of the group", dp->count);
        else if (dp->by_share)
            snprintf(buf, sizeof buf, "a share ~ Beta(%g, %g) of the group", dp->share_a,
                     dp->share_b);
        else {
            size_t used;
            cli_count_text(dp->prior, dp->count, dp->low, dp->high, dp->median, dp->log_sd, buf,
                           sizeof buf);
            used = strlen(buf);
            snprintf(buf + used, sizeof buf - used, " (at most the group)");
        }
        fprintf(f, "           %-*s %-10s %s%s%s", wname, dp->name, att_date_format(dp->date, d1),
                buf, p->ngroup > 0 ? "; group " : "",
                p->ngroup > 0 ? p->groups[dp->group].name : "");
        if (dp->scheduled)
            fprintf(f, "; scheduled, a day to %s (projection only)",
                    att_date_format(dp->date_high, d1));
        fputc('\n', f);
    }
}

void
cli_print_scenario(FILE *f, const char *name, const att_params *p, const att_ledger *l)
{
    const att_projection_params *pr = &p->projection;
    char d1[ATT_DATE_BUFSIZE], d2[ATT_DATE_BUFSIZE], buf[160], a[32], b[32];
    double shares = 0.0;
    int wname = 12; /* the name columns: at least 12, as wide as the longest name */
    size_t i;

    for (i = 0; i < p->nphase; i++)
        cli_widen(&wname, p->phases[i].name);
    for (i = 0; i < p->narrival; i++)
        cli_widen(&wname, p->arrivals[i].name);
    for (i = 0; i < p->nclass; i++)
        cli_widen(&wname, p->classes[i].name);
    for (i = 0; i < p->ngroup; i++)
        cli_widen(&wname, p->groups[i].name);
    for (i = 0; i < p->ndeparture; i++)
        cli_widen(&wname, p->departures[i].name);
    fprintf(f, "scenario   %s (%s)\n", name, p->path);
    if (p->description[0] != '\0')
        fprintf(f, "           %s\n", p->description);
    fprintf(f, "files      ");
    for (i = 0; i < p->nfile; i++)
        fprintf(f, "%s%s", i ? ", " : "", p->files[i]);
    fprintf(f, "\nledger     %s\n           sha256 %s\n           ", l->path, l->digest);
    cli_print_ledger_counts(f, l);
    fprintf(f, "anchor     ");
    if (p->nanchor == 0)
        fprintf(f, "none (consensus: every class's bias centred on 0)\n");
    for (i = 0; i < p->nanchor; i++)
        fprintf(f, "%s%s:%s%s", i ? "," : "", p->classes[p->anchor[i].cls].name,
                att_family_name(p->anchor[i].family),
                i + 1 == p->nanchor ? " (pinned to 0)\n" : "");
    if (p->noise_per_class)
        fprintf(f,
                "model      phase-hazard; kappa ~ Beta(%g, %g); noise per class: sigma_s = sigma0 "
                "exp(%g z_s), z_s ~ Normal(0, 1), sigma0 ~ LogNormal(log %g, %g^2)\n",
                p->kappa_a, p->kappa_b, p->sigma_spread, p->sigma_median, p->sigma_log_sd);
    else
        fprintf(f,
                "model      phase-hazard; kappa ~ Beta(%g, %g); sigma ~ LogNormal(log %g, %g^2)\n",
                p->kappa_a, p->kappa_b, p->sigma_median, p->sigma_log_sd);
    fprintf(f, "fit        %ld chains x (%ld warm-up + %ld draws), seed %lu\n", p->chains,
            p->warmup, p->draws, pr->seed);

    fprintf(f, "\nphases     %-*s %-10s %-10s %s\n", wname, "name", "start", "end",
            "hazard (1/day)");
    for (i = 0; i < p->nphase; i++) {
        const att_phase *ph = &p->phases[i];
        if (ph->fixed)
            snprintf(buf, sizeof buf, "fixed %g", ph->hazard);
        else
            snprintf(buf, sizeof buf, "prior median %g, log sd %g", ph->prior_median,
                     ph->prior_log_sd);
        fprintf(f, "           %-*s %-10s %-10s %s\n", wname, ph->name,
                att_date_format(ph->start, d1),
                ph->end == ATT_DAY_OPEN ? "open" : att_date_format(ph->end, d2), buf);
    }
    fprintf(f, "\narrivals   %-*s %-10s %s\n", wname, "name", "date", "troops");
    for (i = 0; i < p->narrival; i++) {
        const att_arrival *ar = &p->arrivals[i];
        cli_count_text(ar->prior, ar->count, ar->low, ar->high, ar->median, ar->log_sd, buf,
                       sizeof buf);
        fprintf(f, "           %-*s %-10s %s%s%s\n", wname, ar->name, att_date_format(ar->date, d1),
                buf, p->ngroup > 0 ? "; group " : "",
                p->ngroup > 0 ? p->groups[ar->group].name : "");
    }
    cli_print_force(f, p, wname);
    fprintf(f, "\nclasses    %-*s %-10s %-10s %s\n", wname, "name", "tau loss", "tau force", "who");
    for (i = 0; i < p->nclass; i++) {
        const att_class *cl = &p->classes[i];
        if (cl->undercount) /* its loss figures carry c_s, not a bias */
            snprintf(buf, sizeof buf, "undercount: c ~ Beta(%g, %g)%s%s", cl->completeness_a,
                     cl->completeness_b, cl->description[0] ? "; " : "", cl->description);
        else
            snprintf(buf, sizeof buf, "%s", cl->description);
        char tl[32] = "-";
        if (!cl->undercount)
            snprintf(tl, sizeof tl, "%g", cl->tau[ATT_FAMILY_LOSSES]);
        fprintf(f, "           %-*s %-10s %-10g %s\n", wname, cl->name, tl,
                cl->tau[ATT_FAMILY_FORCE], buf);
    }

    fprintf(f, "\nprojection from %s, %ld days, output every %ld days, %ld paths\n",
            pr->start == INT32_MIN ? "(no start given)" : att_date_format(pr->start, d1),
            pr->horizon, pr->step, pr->paths);
    fprintf(f, "           daily casualties %s",
            pr->counts == ATT_COUNTS_BINOMIAL ? "binomial" : "beta-binomial");
    if (pr->counts == ATT_COUNTS_BETA_BINOMIAL)
        fprintf(f, " (dispersion %g)", pr->dispersion);
    if (!att_params_returns(p))
        fprintf(f, "; wounded do not return to duty\n");
    else if (p->return_fixed)
        fprintf(f, "; a share %g of the non-fatal casualties returns %ld days later\n",
                p->return_share, p->return_delay);
    else
        fprintf(f, "; a share ~ Beta(%g, %g) of the non-fatal casualties returns %ld days later\n",
                p->return_a, p->return_b, p->return_delay);
    const char *last = p->phases[p->nphase - 1].name;
    fprintf(f, "           contingent: %s",
            cli_hazard_rule(p, &pr->hazard, "the last phase's hazard", buf, sizeof buf));
    if (pr->hazard.kind != ATT_HAZARD_INHERIT && pr->hazard_from == ATT_FROM_FIRST_WAVE)
        fprintf(f, " from the first wave's arrival (%s's before)", last);
    else if (pr->hazard.kind != ATT_HAZARD_INHERIT && pr->hazard_from == ATT_FROM_DATE)
        fprintf(f, " from %s (%s's before)", att_date_format(pr->hazard_from_date, d1), last);
    fprintf(f, "\n");
    if (pr->has_total)
        fprintf(f, "           reinforcement total uniform %s-%s, split by share\n",
                cli_count(pr->total_low, a, sizeof a), cli_count(pr->total_high, b, sizeof b));
    fprintf(f, "           quantiles");
    for (i = 0; i < pr->nquantiles; i++)
        fprintf(f, "%s%g", i ? "," : " ", pr->quantiles[i]);
    fprintf(f, "%%\n");
    for (i = 0; i < p->nwave; i++)
        if (p->waves[i].size_prior == ATT_COUNT_SHARE)
            shares += p->waves[i].share;
    if (p->nwave == 0)
        fprintf(f, "waves      none\n");
    for (i = 0; i < p->nwave; i++) {
        const att_wave *w = &p->waves[i];
        char when[96], size[96];
        if (w->after != ATT_NONE)
            snprintf(when, sizeof when, "%ld-%ld days after %s", (long)w->gap_low,
                     (long)w->gap_high, p->waves[w->after].name);
        else if (w->date_low == w->date_high)
            snprintf(when, sizeof when, "on %s", att_date_format(w->date_low, d1));
        else
            snprintf(when, sizeof when, "between %s and %s", att_date_format(w->date_low, d1),
                     att_date_format(w->date_high, d2));
        if (w->size_prior == ATT_COUNT_SHARE)
            snprintf(size, sizeof size, "%.3g%% of the total", 100.0 * w->share / shares);
        else if (w->size_low == w->size_high)
            snprintf(size, sizeof size, "%s troops", cli_count(w->size_low, a, sizeof a));
        else
            snprintf(size, sizeof size, "%s-%s troops", cli_count(w->size_low, a, sizeof a),
                     cli_count(w->size_high, b, sizeof b));
        fprintf(f, "%s %-6s %s, %s, %s\n", i ? "          " : "waves     ", w->name, size, when,
                cli_hazard_rule(p, &w->hazard, "the contingent's hazard", buf, sizeof buf));
    }
    for (i = 0; i < p->nthreshold; i++) {
        const att_threshold *t = &p->thresholds[i];
        fprintf(f, "%s %s: %s %s %g%s%s%s\n", i ? "          " : "thresholds", t->name,
                att_quantity_name(t->quantity), t->below ? "below" : "at least", t->value,
                t->description[0] ? " (" : "", t->description, t->description[0] ? ")" : "");
    }
}

bool
cli_progress_on(bool quiet)
{
    return !quiet && isatty(STDERR_FILENO);
}

void
cli_progress(bool on, const char *fmt, ...)
{
    va_list ap;

    if (!on)
        return;
    fputs("\r\033[Kattrition: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fflush(stderr);
}

void
cli_progress_done(bool on)
{
    if (on)
        fputs("\r\033[K", stderr);
}

json_t *
cli_json_num(double x)
{
    return isfinite(x) ? json_real(x) : json_null();
}

void
cli_csv_text(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

int
cli_write_output(const char *path,
                 bool json,
                 unsigned digits,
                 json_t *(*json_doc)(const void *ctx),
                 void (*print)(FILE *f, const void *ctx),
                 const void *ctx)
{
    att_output *out;
    att_error err;

    att_error_clear(&err);
    if ((out = att_output_open(path, &err)) == NULL)
        return cli_report(&err);
    if (json) {
        if (!cli_json_write(att_output_stream(out), json_doc(ctx), digits)) {
            att_output_abort(out);
            fprintf(stderr, "attrition: writing the JSON output failed\n");
            return CLI_EXIT_IOERR;
        }
    } else
        print(att_output_stream(out), ctx);
    if (att_output_commit(out, &err) != ATT_OK)
        return cli_report(&err);
    return 0;
}

bool
cli_json_write(FILE *f, json_t *doc, unsigned digits)
{
    int bad =
        json_dumpf(doc, f, JSON_INDENT(2u) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(digits));

    json_decref(doc);
    return bad == 0 && fputc('\n', f) != EOF;
}

json_t *
cli_json_meta(const char *command,
              const char *scenario,
              const att_run *run,
              const att_posterior *post,
              const att_fit_params *fp)
{
    const att_params *p = att_run_params(run);
    const att_ledger *l = att_run_ledger(run);
    json_t *m = json_object(), *files = json_array(), *anchor = json_array();
    size_t i;

    json_object_set_new(m, "version", json_string(ATT_VERSION_STRING));
    json_object_set_new(m, "command", json_string(command));
    json_object_set_new(m, "scenario", json_string(scenario));
    for (i = 0; i < p->nfile; i++)
        json_array_append_new(files, json_string(p->files[i]));
    json_object_set_new(m, "parameter_files", files);
    json_object_set_new(m, "parameters_sha256", json_string(att_run_params_digest(run)));
    json_object_set_new(m, "ledger", json_string(l->path));
    json_object_set_new(m, "ledger_sha256", json_string(l->digest));
    json_object_set_new(m, "reports_used", json_integer((json_int_t)att_posterior_nreports(post)));
    for (i = 0; i < p->nanchor; i++) {
        char pair[128];
        snprintf(pair, sizeof pair, "%s:%s", p->classes[p->anchor[i].cls].name,
                 att_family_name(p->anchor[i].family));
        json_array_append_new(anchor, json_string(pair));
    }
    json_object_set_new(m, "anchor",
                        p->nanchor ? anchor : (json_decref(anchor), json_string("none")));
    json_object_set_new(m, "seed", json_integer((json_int_t)fp->seed));
    json_object_set_new(m, "chains", json_integer((json_int_t)fp->chains));
    json_object_set_new(m, "warmup", json_integer((json_int_t)fp->warmup));
    json_object_set_new(m, "draws", json_integer((json_int_t)fp->draws));
    json_object_set_new(m, "adapt_delta", json_real(fp->delta));
    json_object_set_new(m, "adapt_delta_max", json_real(fp->delta_max));
    json_object_set_new(m, "max_depth", json_integer((json_int_t)fp->max_depth));
    json_object_set_new(m, "metric",
                        json_string(fp->metric == ATT_METRIC_DENSE  ? "dense"
                                    : fp->metric == ATT_METRIC_AUTO ? "auto"
                                                                    : "diag"));
    return m;
}

void
cli_csv_num(FILE *f, double x)
{
    if (isfinite(x))
        fprintf(f, "%.10g", x);
}

void
cli_widen(int *width, const char *s)
{
    size_t n = strlen(s);

    if (n > (size_t)*width && n < 1000)
        *width = (int)n;
}
