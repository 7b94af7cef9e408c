/* fit_cmd.c -- `attrition fit`.  Runs the library's fit, applies the
 * convergence policy and prints: a header (scenario, digests, anchor,
 * seed, chains, diagnostics), the parameters, the hazards in analysts'
 * units, every report against the model, and the sources' bias factors;
 * as a table, CSV or JSON.  No numerics here: every number comes from the
 * library, and none that is not finite is printed. */
#include "fit_cmd.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <attrition/att_date.h>
#include <attrition/att_digest.h>
#include <attrition/att_export.h>
#include <attrition/att_fit.h>
#include <attrition/att_output.h>
#include <attrition/att_posterior.h>
#include <attrition/att_savefit.h>
#include <attrition/att_summary.h>
#include <attrition/att_version.h>

#include "exit_codes.h"
#include "print.h"
#include "scenario.h"

/* Above this posterior sd / prior sd, the data barely moved the prior. */
#define CLI_PRIOR_DOMINATED 0.7

typedef struct {
    const att_params *p;
    const att_ledger *l;
    const att_posterior *post;
    const att_fit_result *fit;
    const att_summary *sum;
    const att_fit_params *fp;
    att_fit_verdict verdict;
    char verdict_msg[512];
    char params_digest[ATT_DIGEST_HEX];
    const char *scenario;
    const char *format; /* table, csv or json */
    char anchor[512];
    double *infl; /* per ledger report and hazard parameter: change of the median when the
                     report is left out, 1/day (NaN: not refitted); NULL without --influence */
    size_t nhaz;
    double infl_mcse; /* Monte Carlo standard error of a median difference, 1/day */
    bool progress;    /* progress on stderr */
} fit_view;

static const char *const verdict_names[] = {"good", "warning", "failed"};

static double
sd_ratio(const fit_view *v, size_t k)
{
    return v->fit->sd_theta[k] / att_posterior_param(v->post, k)->prior_sd;
}


static const char *
reported_text(const att_report *r, char *buf, size_t n)
{
    return cli_figure(r, buf, n);
}

static void print_influence_table(FILE *f, const fit_view *v);

/* ---- table --------------------------------------------------------------- */

static void
print_table(FILE *f, const fit_view *v)
{
    const att_fit_result *fit = v->fit;
    char a[32], b[32], c[32], d[32], e[32], g[32], fig[128];
    size_t k, i;

    fprintf(f, "attrition %s fit\n", ATT_VERSION_STRING);
    fprintf(f, "scenario    %s (%s); parameters sha256 %.16s\n", v->scenario, v->p->path,
            v->params_digest);
    fprintf(f, "ledger      %s sha256 %.16s; %zu of %zu reports used\n", v->l->path, v->l->digest,
            att_posterior_nreports(v->post), v->l->n);
    fprintf(f, "anchor      %s%s\n", v->anchor,
            v->p->nanchor == 0 ? " (consensus: every class's bias centred on 0)"
                               : " (pinned to 0)");
    fprintf(f,
            "sampler     NUTS, %zu chains x (%zu warm-up + %zu draws), seed %lu, adapt_delta %g\n",
            v->fp->chains, v->fp->warmup, v->fp->draws, v->fp->seed, v->fp->delta);
    cli_refit_text(fit, fig, sizeof fig);
    if (fig[0] != '\0')
        fprintf(f, "refit       %s\n", fig);
    fprintf(f, "diagnostics max R-hat %s, min ESS bulk %s, tail %s, %zu divergent of %zu draws\n",
            cli_num(fit->rhat_max, 'f', 3, a, sizeof a),
            cli_num(fit->ess_bulk_min, 'f', 0, b, sizeof b),
            cli_num(fit->ess_tail_min, 'f', 0, c, sizeof c), fit->divergent_total,
            fit->chains * fit->draws);
    if (v->verdict != ATT_FIT_GOOD)
        fprintf(f, "%s     %s\n", v->verdict == ATT_FIT_FAILED ? "FAILED " : "WARNING",
                v->verdict_msg);
    fprintf(f, "\n%-24s %10s %10s %10s %6s %8s %8s %6s\n", "parameter", "q05", "q50", "q95",
            "R-hat", "ESS bulk", "ESS tail", "sd/sd0");
    for (k = 0; k < fit->dim; k++) {
        const att_diag_summary *s = &fit->summary[k];
        double r = sd_ratio(v, k);
        fprintf(f, "%-24s %10s %10s %10s %6s %8s %8s %6s%s\n",
                att_posterior_param(v->post, k)->name, cli_num(s->q05, 'g', 4, a, sizeof a),
                cli_num(s->q50, 'g', 4, b, sizeof b), cli_num(s->q95, 'g', 4, c, sizeof c),
                cli_num(s->rhat, 'f', 3, d, sizeof d), cli_num(s->ess_bulk, 'f', 0, e, sizeof e),
                cli_num(s->ess_tail, 'f', 0, g, sizeof g), cli_num(r, 'f', 2, fig, sizeof fig),
                r > CLI_PRIOR_DOMINATED ? "  prior-dominated" : "");
    }
    fprintf(f, "(h: daily casualty hazard; sd/sd0: posterior sd over prior sd, unconstrained)\n");

    fprintf(f, "\n%-12s %-32s %s\n", "phase", "casualties per 1,000 per day",
            "casualties per day at mean strength");
    for (i = 0; i < v->sum->nhazard; i++) {
        const att_hazard_summary *h = &v->sum->hazard[i];
        char l1[128], l2[128];
        snprintf(l1, sizeof l1, "%s (%s-%s)", cli_num(h->per_1000.q50, 'g', 3, a, sizeof a),
                 cli_num(h->per_1000.q05, 'g', 3, b, sizeof b),
                 cli_num(h->per_1000.q95, 'g', 3, c, sizeof c));
        snprintf(l2, sizeof l2, "%s (%s-%s)", cli_num(h->daily.q50, 'g', 3, a, sizeof a),
                 cli_num(h->daily.q05, 'g', 3, b, sizeof b),
                 cli_num(h->daily.q95, 'g', 3, c, sizeof c));
        fprintf(f, "%-12s %-32s %s\n", v->p->phases[h->phase].name, l1, l2);
    }

    fprintf(f, "\n%-30s %-10s %-14s %-24s %-24s %6s %s\n", "report", "kind", "reported",
            "model q50 (q05-q95)", "de-biased q50 (q05-q95)", "z", "mark");
    for (i = 0; i < v->l->n; i++) {
        const att_report *r = &v->l->reports[i];
        const att_report_summary *rs = &v->sum->report[i];
        char m[128], db[128], mark[160] = "";
        snprintf(m, sizeof m, "%s (%s-%s)", cli_num(rs->model.q50, 'g', 4, a, sizeof a),
                 cli_num(rs->model.q05, 'g', 4, b, sizeof b),
                 cli_num(rs->model.q95, 'g', 4, c, sizeof c));
        snprintf(db, sizeof db, "%s (%s-%s)", cli_num(rs->debiased.q50, 'g', 4, a, sizeof a),
                 cli_num(rs->debiased.q05, 'g', 4, b, sizeof b),
                 cli_num(rs->debiased.q95, 'g', 4, c, sizeof c));
        if (r->repeat_of != ATT_NONE)
            snprintf(mark, sizeof mark, "repeat of %s (not fitted)",
                     v->l->reports[r->repeat_of].id);
        else if (r->revised_by != ATT_NONE)
            snprintf(mark, sizeof mark, "revised by %s (not fitted)",
                     v->l->reports[r->revised_by].id);
        else if (rs->z_from_pit)
            snprintf(mark, sizeof mark, "z from the PIT");
        fprintf(f, "%-30s %-10s %-14s %-24s %-24s %6s %s\n", r->id, att_kind_name(r->kind),
                reported_text(r, fig, sizeof fig), m, db, cli_num(rs->z, '+', 2, d, sizeof d),
                mark);
    }
    fprintf(f, "(model: the model quantity averaged over the window; de-biased: the figure "
               "divided by its source's bias factor)\n");

    fprintf(f, "\nsources\n");
    for (i = 0; i < v->sum->nsource; i++) {
        const att_source_summary *s = &v->sum->source[i];
        const char *cls = v->p->classes[s->cls].name, *fam = att_family_name(s->family);
        if (s->pinned)
            fprintf(f, "  %s's %s figures are the anchor: pinned at x1 (%zu report%s)\n", cls, fam,
                    s->reports, s->reports == 1 ? "" : "s");
        else
            fprintf(f,
                    "  %s's %s figures run x%s (90%%: %s-%s) of the model's estimate, "
                    "anchor: %s (%zu report%s)\n",
                    cls, fam, cli_num(s->factor.q50, 'f', 2, a, sizeof a),
                    cli_num(s->factor.q05, 'f', 2, b, sizeof b),
                    cli_num(s->factor.q95, 'f', 2, c, sizeof c),
                    v->p->nanchor == 0 ? "consensus" : v->anchor, s->reports,
                    s->reports == 1 ? "" : "s");
    }
    if (v->infl != NULL)
        print_influence_table(f, v);
    fprintf(f, "\nSuccessive figures from one source share errors beyond its bias, so these "
               "intervals are\nsomewhat too narrow (docs/model.md).\n");
}

/* ---- csv ------------------------------------------------------------------- */

static void
csv_num(FILE *f, double x)
{
    if (isfinite(x))
        fprintf(f, "%.6g", x);
}

static void
print_csv(FILE *f, const fit_view *v)
{
    const att_fit_result *fit = v->fit;
    size_t k, i;

    fprintf(f, "# attrition %s fit\n# scenario: %s (%s)\n# parameters_sha256: %s\n",
            ATT_VERSION_STRING, v->scenario, v->p->path, v->params_digest);
    fprintf(f, "# ledger: %s\n# ledger_sha256: %s\n# reports_used: %zu\n# anchor: %s\n", v->l->path,
            v->l->digest, att_posterior_nreports(v->post), v->anchor);
    fprintf(f, "# seed: %lu\n# chains: %zu\n# warmup: %zu\n# draws: %zu\n# adapt_delta: %g\n",
            v->fp->seed, v->fp->chains, v->fp->warmup, v->fp->draws, v->fp->delta);
    fprintf(f, "# verdict: %s%s%s\n", verdict_names[v->verdict], v->verdict_msg[0] ? ": " : "",
            v->verdict_msg);
    fprintf(f, "# divergent: %zu\n", fit->divergent_total);
    if (fit->refits > 0) {
        char rf[128];
        cli_refit_text(fit, rf, sizeof rf);
        fprintf(f, "# refit: %s\n", rf);
    }
    fprintf(f, "name,q05,q50,q95,rhat,ess_bulk,ess_tail,sd_ratio,prior_dominated\n");
    for (k = 0; k < fit->dim; k++) {
        const att_diag_summary *s = &fit->summary[k];
        fprintf(f, "%s,", att_posterior_param(v->post, k)->name);
        csv_num(f, s->q05), fputc(',', f), csv_num(f, s->q50), fputc(',', f);
        csv_num(f, s->q95), fputc(',', f), csv_num(f, s->rhat), fputc(',', f);
        csv_num(f, s->ess_bulk), fputc(',', f), csv_num(f, s->ess_tail), fputc(',', f);
        csv_num(f, sd_ratio(v, k));
        fprintf(f, ",%s\n", sd_ratio(v, k) > CLI_PRIOR_DOMINATED ? "true" : "false");
    }
    fprintf(f, "\n# section: reports\nid,kind,qualifier,value,low,high,model_q05,model_q50,"
               "model_q95,debiased_q05,debiased_q50,debiased_q95,z,z_from_pit,repeat_of,"
               "revised_by\n");
    for (i = 0; i < v->l->n; i++) {
        const att_report *r = &v->l->reports[i];
        const att_report_summary *rs = &v->sum->report[i];
        cli_csv_text(f, r->id);
        fprintf(f, ",%s,%s,", att_kind_name(r->kind), att_qualifier_name(r->qualifier));
        if (r->qualifier != ATT_QUAL_RANGE)
            csv_num(f, r->value);
        fputc(',', f);
        if (r->qualifier == ATT_QUAL_RANGE)
            csv_num(f, r->low), fputc(',', f), csv_num(f, r->high);
        else
            fputc(',', f);
        fputc(',', f);
        csv_num(f, rs->model.q05), fputc(',', f), csv_num(f, rs->model.q50), fputc(',', f);
        csv_num(f, rs->model.q95), fputc(',', f), csv_num(f, rs->debiased.q05), fputc(',', f);
        csv_num(f, rs->debiased.q50), fputc(',', f), csv_num(f, rs->debiased.q95), fputc(',', f);
        csv_num(f, rs->z);
        fprintf(f, ",%s,", rs->z_from_pit ? "true" : "false");
        if (r->repeat_of != ATT_NONE)
            cli_csv_text(f, v->l->reports[r->repeat_of].id);
        fputc(',', f);
        if (r->revised_by != ATT_NONE)
            cli_csv_text(f, v->l->reports[r->revised_by].id);
        fputc('\n', f);
    }
    fprintf(f, "\n# section: sources\nclass,family,factor,q05,q95,pinned,reports\n");
    for (i = 0; i < v->sum->nsource; i++) {
        const att_source_summary *s = &v->sum->source[i];
        fprintf(f, "%s,%s,", v->p->classes[s->cls].name, att_family_name(s->family));
        csv_num(f, s->factor.q50), fputc(',', f), csv_num(f, s->factor.q05), fputc(',', f);
        csv_num(f, s->factor.q95);
        fprintf(f, ",%s,%zu\n", s->pinned ? "true" : "false", s->reports);
    }
}

/* ---- json -------------------------------------------------------------------- */

/* A posterior interval as {q05, q50, q95}, null where one cannot be
 * computed. */
static json_t *
jinterval(const att_interval *iv)
{
    json_t *o = json_object();
    json_object_set_new(o, "q05", cli_json_num(iv->q05));
    json_object_set_new(o, "q50", cli_json_num(iv->q50));
    json_object_set_new(o, "q95", cli_json_num(iv->q95));
    return o;
}

json_t *
cli_json_meta(const char *command,
              const char *scenario,
              const att_params *p,
              const att_ledger *l,
              const att_posterior *post,
              const char *params_digest,
              const att_fit_params *fp)
{
    json_t *m = json_object(), *files = json_array(), *anchor = json_array();
    size_t i;

    json_object_set_new(m, "version", json_string(ATT_VERSION_STRING));
    json_object_set_new(m, "command", json_string(command));
    json_object_set_new(m, "scenario", json_string(scenario));
    for (i = 0; i < p->nfile; i++)
        json_array_append_new(files, json_string(p->files[i]));
    json_object_set_new(m, "parameter_files", files);
    json_object_set_new(m, "parameters_sha256", json_string(params_digest));
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
    return m;
}

static json_t *
json_reported(const att_report *r)
{
    json_t *o;

    switch (r->qualifier) {
    case ATT_QUAL_APPROX:
        return json_real(r->value);
    case ATT_QUAL_RANGE:
        o = json_object();
        json_object_set_new(o, "low", json_real(r->low));
        json_object_set_new(o, "high", json_real(r->high));
        return o;
    default:
        o = json_object();
        json_object_set_new(o, r->qualifier == ATT_QUAL_AT_LEAST ? "at_least" : "up_to",
                            json_real(r->value));
        return o;
    }
}

static json_t *
json_doc(const fit_view *v)
{
    const att_fit_result *fit = v->fit;
    json_t *doc = json_object(), *pars = json_array(), *reps = json_array(), *srcs = json_array(),
           *haz = json_array(), *diag = json_object(), *steps = json_array();
    size_t k, i;

    json_object_set_new(
        doc, "meta",
        cli_json_meta("fit", v->scenario, v->p, v->l, v->post, v->params_digest, v->fp));
    for (k = 0; k < fit->dim; k++) {
        const att_diag_summary *s = &fit->summary[k];
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(att_posterior_param(v->post, k)->name));
        json_object_set_new(o, "q05", cli_json_num(s->q05));
        json_object_set_new(o, "q50", cli_json_num(s->q50));
        json_object_set_new(o, "q95", cli_json_num(s->q95));
        json_object_set_new(o, "mcse_q05", cli_json_num(s->mcse_q05));
        json_object_set_new(o, "mcse_q50", cli_json_num(s->mcse_q50));
        json_object_set_new(o, "mcse_q95", cli_json_num(s->mcse_q95));
        json_object_set_new(o, "rhat", cli_json_num(s->rhat));
        json_object_set_new(o, "ess_bulk", cli_json_num(s->ess_bulk));
        json_object_set_new(o, "ess_tail", cli_json_num(s->ess_tail));
        json_object_set_new(o, "sd_ratio", cli_json_num(sd_ratio(v, k)));
        json_object_set_new(o, "prior_dominated",
                            json_boolean(sd_ratio(v, k) > CLI_PRIOR_DOMINATED));
        json_array_append_new(pars, o);
    }
    json_object_set_new(doc, "parameters", pars);
    for (i = 0; i < v->sum->nhazard; i++) {
        const att_hazard_summary *h = &v->sum->hazard[i];
        json_t *o = json_object();
        json_object_set_new(o, "phase", json_string(v->p->phases[h->phase].name));
        json_object_set_new(o, "per_1000_per_day", jinterval(&h->per_1000));
        json_object_set_new(o, "daily_at_mean_strength", jinterval(&h->daily));
        json_array_append_new(haz, o);
    }
    json_object_set_new(doc, "hazards", haz);
    for (i = 0; i < v->l->n; i++) {
        const att_report *r = &v->l->reports[i];
        const att_report_summary *rs = &v->sum->report[i];
        json_t *o = json_object();
        json_object_set_new(o, "id", json_string(r->id));
        json_object_set_new(o, "kind", json_string(att_kind_name(r->kind)));
        json_object_set_new(o, "model", jinterval(&rs->model));
        json_object_set_new(o, "reported", json_reported(r));
        json_object_set_new(o, "debiased", jinterval(&rs->debiased));
        json_object_set_new(o, "z", cli_json_num(rs->z));
        json_object_set_new(o, "z_from_pit", json_boolean(rs->z_from_pit));
        json_object_set_new(o, "repeat_of",
                            r->repeat_of != ATT_NONE ? json_string(v->l->reports[r->repeat_of].id)
                                                     : json_null());
        json_object_set_new(o, "revised_by",
                            r->revised_by != ATT_NONE ? json_string(v->l->reports[r->revised_by].id)
                                                      : json_null());
        json_array_append_new(reps, o);
    }
    json_object_set_new(doc, "reports", reps);
    for (i = 0; i < v->sum->nsource; i++) {
        const att_source_summary *s = &v->sum->source[i];
        json_t *o = json_object();
        json_object_set_new(o, "class", json_string(v->p->classes[s->cls].name));
        json_object_set_new(o, "family", json_string(att_family_name(s->family)));
        json_object_set_new(o, "factor", cli_json_num(s->factor.q50));
        json_object_set_new(o, "q05", cli_json_num(s->factor.q05));
        json_object_set_new(o, "q95", cli_json_num(s->factor.q95));
        json_object_set_new(o, "pinned", json_boolean(s->pinned));
        json_object_set_new(o, "reports", json_integer((json_int_t)s->reports));
        json_array_append_new(srcs, o);
    }
    json_object_set_new(doc, "sources", srcs);
    json_object_set_new(diag, "verdict", json_string(verdict_names[v->verdict]));
    json_object_set_new(diag, "message", json_string(v->verdict_msg));
    json_object_set_new(diag, "rhat_max", cli_json_num(fit->rhat_max));
    json_object_set_new(diag, "ess_bulk_min", cli_json_num(fit->ess_bulk_min));
    json_object_set_new(diag, "ess_tail_min", cli_json_num(fit->ess_tail_min));
    json_object_set_new(diag, "divergent", json_integer((json_int_t)fit->divergent_total));
    json_object_set_new(diag, "adapt_delta", cli_json_num(fit->delta));
    json_object_set_new(diag, "refits", json_integer((json_int_t)fit->refits));
    json_object_set_new(diag, "divergent_first", json_integer((json_int_t)fit->divergent_first));
    for (i = 0; i < fit->chains; i++)
        json_array_append_new(steps, cli_json_num(fit->stepsize[i]));
    json_object_set_new(diag, "stepsize", steps);
    json_object_set_new(doc, "diagnostics", diag);
    return doc;
}

/* ---- influence ------------------------------------------------------------------- */

/* Refits without each used report and records how each hazard's median
 * moves.  Hazard k of the full fit is parameter haz[k]. */
static int
compute_influence(fit_view *v, const att_fit_params *fp)
{
    size_t i, k, m, nh = 0, n = v->fit->dim, nl = v->l->n;
    size_t haz[64];
    att_error err;

    for (k = 0; k < n && nh < 64; k++)
        if (att_posterior_param(v->post, k)->kind == ATT_PAR_HAZARD)
            haz[nh++] = k;
    v->nhaz = nh;
    v->infl = malloc((nl * nh + 1) * sizeof *v->infl);
    if (v->infl == NULL) {
        fprintf(stderr, "attrition: --influence: out of memory\n");
        return CLI_EXIT_OSERR;
    }
    {
        /* Two independent fits' medians differ by sqrt 2 of one's MCSE. */
        size_t S = v->fit->chains * v->fit->draws, s;
        double *col = malloc(S * sizeof *col), mcse;
        att_diag_workspace *dw = att_diag_alloc(v->fit->chains, v->fit->draws, &err);
        if (col == NULL || dw == NULL) {
            att_diag_free(dw);
            free(col);
            fprintf(stderr, "attrition: --influence: out of memory\n");
            return CLI_EXIT_OSERR;
        }
        v->infl_mcse = 0.0;
        for (k = 0; k < nh; k++) {
            for (s = 0; s < S; s++)
                col[s] = v->fit->value[s * n + haz[k]];
            if (att_diag_mcse_quantile(dw, col, 0.5, &mcse, &err) != ATT_OK) {
                char buf[2 * ATT_ERROR_MSG_MAX];
                att_diag_free(dw);
                free(col);
                fprintf(stderr, "attrition: --influence: %s\n",
                        att_error_format(&err, buf, sizeof buf));
                return cli_exit_code(err.code);
            }
            if (isfinite(mcse) && mcse > v->infl_mcse)
                v->infl_mcse = mcse;
        }
        v->infl_mcse *= sqrt(2.0);
        att_diag_free(dw);
        free(col);
    }
    for (i = 0; i < nl * nh; i++)
        v->infl[i] = nan(""); /* not refitted */
    for (i = 0; i < att_posterior_nreports(v->post); i++) {
        size_t li = att_posterior_report(v->post, i);
        cli_progress(v->progress, "refitting without report %zu of %zu...", i + 1,
                     att_posterior_nreports(v->post));
        att_posterior *pi;
        att_fit_result fi;
        /* Without the only report there is nothing to fit: that row stays
         * "not refitted".  Any other failure (out of memory, a sampler
         * error) is the command's error, not a silent blank. */
        if (att_posterior_nreports(v->post) == 1)
            continue;
        pi = att_posterior_alloc_without(v->p, v->l, INT32_MAX, li, &err);
        if (pi == NULL || att_fit_run(pi, fp, &fi, &err) != ATT_OK) {
            char buf[2 * ATT_ERROR_MSG_MAX];
            att_posterior_free(pi);
            cli_progress_done(v->progress);
            fprintf(stderr, "attrition: --influence: refitting without report %s: %s\n",
                    v->l->reports[li].id, att_error_format(&err, buf, sizeof buf));
            return err.code == ATT_OK ? CLI_EXIT_SOFTWARE : cli_exit_code(err.code);
        }
        for (k = 0; k < nh; k++)
            for (m = 0; m < fi.dim; m++)
                if (strcmp(att_posterior_param(pi, m)->name,
                           att_posterior_param(v->post, haz[k])->name) == 0)
                    v->infl[li * nh + k] = fi.summary[m].q50 - v->fit->summary[haz[k]].q50;
        att_fit_result_free(&fi);
        att_posterior_free(pi);
    }
    cli_progress_done(v->progress);
    return 0;
}

static void
print_influence_table(FILE *f, const fit_view *v)
{
    size_t i, k, n = v->fit->dim;
    int width = 30; /* the longest report id's, at least */
    char a[32];

    for (i = 0; i < v->l->n; i++)
        if (strlen(v->l->reports[i].id) > (size_t)width)
            width = (int)strlen(v->l->reports[i].id);
    fprintf(f,
            "\ninfluence: change in each hazard's median (per 1,000 per day) without the "
            "report\n%-*s",
            width, "report");
    for (k = 0; k < n; k++)
        if (att_posterior_param(v->post, k)->kind == ATT_PAR_HAZARD)
            fprintf(f, " %10s", att_posterior_param(v->post, k)->name);
    fputc('\n', f);
    for (i = 0; i < v->l->n; i++) {
        const att_report *r = &v->l->reports[i];
        if (r->repeat_of != ATT_NONE || r->revised_by != ATT_NONE)
            continue;
        fprintf(f, "%-*s", width, r->id);
        for (k = 0; k < v->nhaz; k++)
            fprintf(f, " %10s", cli_num(1000.0 * v->infl[i * v->nhaz + k], '+', 3, a, sizeof a));
        fputc('\n', f);
    }
    fprintf(f,
            "(Monte Carlo standard error of each change: about %s per 1,000 per day; "
            "smaller changes are noise)\n",
            cli_num(1000.0 * v->infl_mcse, 'g', 2, a, sizeof a));
}

/* ---- the command ------------------------------------------------------------ */

static json_t *
output_json(const void *ctx)
{
    return json_doc(ctx);
}

static void
output_text(FILE *f, const void *ctx)
{
    const fit_view *v = ctx;

    if (strcmp(v->format, "csv") == 0)
        print_csv(f, v);
    else
        print_table(f, v);
}

int
cli_save_fit(const char *path,
             const att_posterior *post,
             const att_fit_result *fit,
             const char *digest,
             unsigned long seed)
{
    att_output *out;
    att_error err;

    att_error_clear(&err);
    if ((out = att_output_open(path, &err)) == NULL)
        return cli_report(&err);
    if (att_savefit_write(att_output_stream(out), post, fit, digest, seed, &err) != ATT_OK) {
        att_output_abort(out);
        return cli_report(&err);
    }
    if (att_output_commit(out, &err) != ATT_OK)
        return cli_report(&err);
    return 0;
}

att_fit_params
cli_fit_params(const cli_options *o, const att_params *p)
{
    att_fit_params fp = att_fit_params_of(p);

    if (o->chains > 0)
        fp.chains = (size_t)o->chains;
    if (o->warmup > 0)
        fp.warmup = (size_t)o->warmup;
    if (o->draws > 0)
        fp.draws = (size_t)o->draws;
    if (o->seed >= 0)
        fp.seed = (unsigned long)o->seed;
    fp.threads = o->threads > 0 ? (int)o->threads : 0;
    return fp;
}

int
cli_fit(const cli_options *o, const att_params *p, const att_ledger *l)
{
    att_fit_params fp = cli_fit_params(o, p);
    att_posterior *post = NULL;
    att_fit_result fit;
    att_summary *sum = NULL;
    att_error err;
    fit_view v;
    char msg[2 * ATT_ERROR_MSG_MAX];
    int rc = CLI_EXIT_OK;

    memset(&fit, 0, sizeof fit);
    memset(&v, 0, sizeof v);
    if (att_digest_files((const char *const *)p->files, p->nfile, v.params_digest, &err) != ATT_OK)
        goto fail;
    post = att_posterior_alloc(p, l, INT32_MAX, &err);
    if (post == NULL)
        goto fail;
    v.progress = cli_progress_on(o->quiet);
    cli_progress(v.progress, "fitting %s...", o->scenario);
    if (att_fit_run(post, &fp, &fit, &err) != ATT_OK) {
        cli_progress_done(v.progress);
        goto fail;
    }
    cli_progress_done(v.progress);
    v.p = p;
    v.l = l;
    v.post = post;
    v.fit = &fit;
    v.fp = &fp;
    v.scenario = o->scenario;
    v.format = o->format;
    cli_anchor_text(p, v.anchor, sizeof v.anchor);
    v.verdict = att_fit_judge(&fit, v.verdict_msg, sizeof v.verdict_msg);
    if (v.verdict == ATT_FIT_FAILED && !o->force) {
        fprintf(stderr,
                "attrition: the fit failed its convergence checks: %s.\nNo estimates are "
                "printed: rerun with more --warmup and --draws, or --force to print them "
                "anyway.\n",
                v.verdict_msg);
        rc = CLI_EXIT_FAILED;
        goto cleanup;
    }
    if (att_summary_compute(p, l, post, &fit, &sum, &err) != ATT_OK)
        goto fail;
    if (o->influence && (rc = compute_influence(&v, &fp)) != 0)
        goto cleanup;
    v.sum = sum;
    if ((rc = cli_write_output(o->output, strcmp(o->format, "json") == 0, 6, output_json,
                               output_text, &v)) != 0)
        goto cleanup;
    if (o->save_fit != NULL) {
        char digest[ATT_DIGEST_HEX], *json = NULL;
        att_status st = att_export_inputs(p, l, post, INT32_MAX, &json, digest, &err);
        att_export_free(json);
        if (st != ATT_OK)
            goto fail;
        if ((rc = cli_save_fit(o->save_fit, post, &fit, digest, fp.seed)) != 0)
            goto cleanup;
    }
    if (v.verdict == ATT_FIT_FAILED)
        rc = CLI_EXIT_FAILED; /* printed only because of --force */
    goto cleanup;
fail:
    fprintf(stderr, "attrition: %s\n", att_error_format(&err, msg, sizeof msg));
    rc = cli_exit_code(err.code);
cleanup:
    free(v.infl);
    att_summary_free(sum);
    att_fit_result_free(&fit);
    att_posterior_free(post);
    return rc;
}
