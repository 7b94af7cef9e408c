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
#include <attrition/att_fit.h>
#include <attrition/att_loo.h>
#include <attrition/att_posterior.h>
#include <attrition/att_run.h>
#include <attrition/att_summary.h>
#include <attrition/att_version.h>

#include "advice.h"
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
    const att_run *run;
    const att_run_fit *rf; /* the posterior, its draws and their verdict */
    const char *scenario;
    const char *format; /* table, csv or json */
    int32_t origin;     /* --origin: only what was stated by then; INT32_MAX: everything */
    char anchor[512];
    const att_influence *infl;        /* NULL without --influence */
    const att_loo *loo;               /* PSIS-LOO over the used reports */
    att_posterior_workspace *ll_work; /* --loglik */
    double *ll_row;
    bool progress; /* progress on stderr */
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
static void print_loo_table(FILE *f, const fit_view *v);
static const char *loo_report_id(const fit_view *v, size_t i);
static json_t *json_loo(const fit_view *v);

/* ---- table --------------------------------------------------------------- */

/* "q50 (q05-q95)" of an interval, g format with sig digits, into buf. */
static const char *
interval_text(const att_interval *iv, int sig, char *buf, size_t n)
{
    char a[32], b[32], c[32];

    snprintf(buf, n, "%s (%s-%s)", cli_num(iv->q50, 'g', sig, a, sizeof a),
             cli_num(iv->q05, 'g', sig, b, sizeof b), cli_num(iv->q95, 'g', sig, c, sizeof c));
    return buf;
}

/* The groups of a force with [group] sections: hazard multiplier,
 * strength and losses at 24:00 of the last statement date. */
static void
print_groups(FILE *f, const fit_view *v)
{
    char d[ATT_DATE_BUFSIZE], t[5][96];
    int wg = 12;
    size_t g;

    if (v->sum->ngroup == 0)
        return;
    for (g = 0; g < v->sum->ngroup; g++)
        cli_widen(&wg, v->p->groups[g].name);
    fprintf(f, "\ngroups at 24:00 of %s (q50 (q05-q95))\n", att_date_format(v->sum->group_asof, d));
    fprintf(f, "%-*s %-22s %-24s %-24s %-24s %s\n", wg, "group", "hazard multiplier", "strength N",
            "casualties C", "killed K", "deployed D");
    for (g = 0; g < v->sum->ngroup; g++) {
        const att_group_summary *gs = &v->sum->group[g];
        fprintf(f, "%-*s %-22s %-24s %-24s %-24s %s%s\n", wg, v->p->groups[gs->group].name,
                interval_text(&gs->ratio, 3, t[0], sizeof t[0]),
                interval_text(&gs->strength, 4, t[1], sizeof t[1]),
                interval_text(&gs->casualties, 4, t[2], sizeof t[2]),
                interval_text(&gs->killed, 4, t[3], sizeof t[3]),
                interval_text(&gs->deployed, 4, t[4], sizeof t[4]),
                gs->group == v->p->reference_group ? "  (reference)" : "");
    }
}

static void
print_table(FILE *f, const fit_view *v)
{
    const att_fit_result *fit = v->fit;
    char a[32], b[32], c[32], d[32], e[32], g[32], fig[128];
    int wpar = 24, wphase = 12, wrep = 30, wfig = 14; /* at least; wider for longer names */
    size_t k, i;

    for (k = 0; k < fit->dim; k++)
        cli_widen(&wpar, att_posterior_param(v->post, k)->name);
    for (i = 0; i < v->sum->nhazard; i++)
        cli_widen(&wphase, v->p->phases[v->sum->hazard[i].phase].name);
    for (i = 0; i < v->l->n; i++) {
        cli_widen(&wrep, v->l->reports[i].id);
        cli_widen(&wfig, reported_text(&v->l->reports[i], fig, sizeof fig));
    }

    fprintf(f, "attrition %s fit\n", ATT_VERSION_STRING);
    fprintf(f, "scenario    %s (%s); parameters sha256 %.16s\n", v->scenario, v->p->path,
            att_run_params_digest(v->run));
    fprintf(f, "ledger      %s sha256 %.16s; %zu of %zu reports used\n", v->l->path, v->l->digest,
            att_posterior_nreports(v->post), v->l->n);
    if (v->origin != INT32_MAX) {
        char od[ATT_DATE_BUFSIZE];
        fprintf(f,
                "origin      %s: only what was stated by then (the fit 'compare --origin' makes; "
                "the rows after it are shown against it)\n",
                att_date_format(v->origin, od));
    }
    fprintf(f, "anchor      %s%s\n", v->anchor,
            v->p->nanchor == 0 ? " (consensus: every class's bias centred on 0)"
                               : " (pinned to 0)");
    fprintf(f,
            "sampler     NUTS, %zu chains x (%zu warm-up + %zu draws), seed %lu, adapt_delta %g\n",
            v->fp->chains, v->fp->warmup, v->fp->draws, v->fp->seed, v->fp->delta);
    cli_refit_text(fit, fig, sizeof fig);
    if (fig[0] != '\0')
        fprintf(f, "refit       %s\n", fig);
    if (fit->dense_chains > 0)
        snprintf(fig, sizeof fig, "dense in %zu of %zu chains", fit->dense_chains, fit->chains);
    else
        snprintf(fig, sizeof fig, "diagonal");
    if (fit->laplace_chains > 0)
        snprintf(fig + strlen(fig), sizeof fig - strlen(fig),
                 "; warm-up from the mode's curvature in %zu of %zu chains", fit->laplace_chains,
                 fit->chains);
    if (fit->dense_chains > 0 || fit->laplace_chains > 0)
        fprintf(f, "metric      %s (docs/model.md, section 5.7)\n", fig);
    fprintf(f, "diagnostics max R-hat %s, min ESS bulk %s, tail %s, %zu divergent of %zu draws\n",
            cli_num(fit->rhat_max, 'f', 3, a, sizeof a),
            cli_num(fit->ess_bulk_min, 'f', 0, b, sizeof b),
            cli_num(fit->ess_tail_min, 'f', 0, c, sizeof c), fit->divergent_total,
            fit->chains * fit->draws);
    if (v->rf->verdict != ATT_FIT_GOOD)
        fprintf(f, "%s     %s\n", v->rf->verdict == ATT_FIT_FAILED ? "FAILED " : "WARNING",
                v->rf->verdict_msg);
    fprintf(f, "\n%-*s %10s %10s %10s %6s %8s %8s %6s\n", wpar, "parameter", "q05", "q50", "q95",
            "R-hat", "ESS bulk", "ESS tail", "sd/sd0");
    for (k = 0; k < fit->dim; k++) {
        const att_diag_summary *s = &fit->summary[k];
        double r = sd_ratio(v, k);
        fprintf(f, "%-*s %10s %10s %10s %6s %8s %8s %6s%s\n", wpar,
                att_posterior_param(v->post, k)->name, cli_num(s->q05, 'g', 4, a, sizeof a),
                cli_num(s->q50, 'g', 4, b, sizeof b), cli_num(s->q95, 'g', 4, c, sizeof c),
                cli_num(s->rhat, 'f', 3, d, sizeof d), cli_num(s->ess_bulk, 'f', 0, e, sizeof e),
                cli_num(s->ess_tail, 'f', 0, g, sizeof g), cli_num(r, 'f', 2, fig, sizeof fig),
                r > CLI_PRIOR_DOMINATED ? "  prior-dominated" : "");
    }
    fprintf(f, "(h: daily casualty hazard; sd/sd0: posterior sd over prior sd, unconstrained)\n");

    fprintf(f, "\n%-*s %-32s %s\n", wphase, "phase", "casualties per 1,000 per day",
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
        fprintf(f, "%-*s %-32s %s\n", wphase, v->p->phases[h->phase].name, l1, l2);
    }

    print_groups(f, v);
    fprintf(f, "\n%-*s %-10s %-*s %-24s %-24s %6s %s\n", wrep, "report", "kind", wfig, "reported",
            "model q50 (q05-q95)", "de-biased q50 (q05-q95)", "z", "mark");
    for (i = 0; i < v->l->n; i++) {
        const att_report *r = &v->l->reports[i];
        const att_report_summary *rs = &v->sum->report[i];
        char m[128], db[128], mark[160] = "";
        snprintf(m, sizeof m, "%s (%s-%s)", cli_num(rs->model.q50, 'g', 4, a, sizeof a),
                 cli_num(rs->model.q05, 'g', 4, b, sizeof b),
                 cli_num(rs->model.q95, 'g', 4, c, sizeof c));
        if (rs->bound) /* a bound is no point to de-bias */
            snprintf(db, sizeof db, "-");
        else
            snprintf(db, sizeof db, "%s (%s-%s)", cli_num(rs->debiased.q50, 'g', 4, a, sizeof a),
                     cli_num(rs->debiased.q05, 'g', 4, b, sizeof b),
                     cli_num(rs->debiased.q95, 'g', 4, c, sizeof c));
        if (r->repeat_of != ATT_NONE)
            snprintf(mark, sizeof mark, "repeat of %s (not fitted)",
                     v->l->reports[r->repeat_of].id);
        else if (r->revised_by != ATT_NONE)
            snprintf(mark, sizeof mark, "revised by %s (not fitted)",
                     v->l->reports[r->revised_by].id);
        else if (rs->bound)
            snprintf(mark, sizeof mark, "bound %s with p %s; at the %s%% point of the model's",
                     rs->holds >= 0.5 ? "holds" : "fails", cli_num(rs->holds, 'f', 2, a, sizeof a),
                     cli_num(100.0 * rs->pit, 'f', 0, b, sizeof b));
        fprintf(f, "%-*s %-10s %-*s %-24s %-24s %6s %s\n", wrep, r->id, att_kind_name(r->kind),
                wfig, reported_text(r, fig, sizeof fig), m, db, cli_num(rs->z, '+', 2, d, sizeof d),
                mark);
    }
    fprintf(f, "(model: the model quantity averaged over the window; de-biased: the figure "
               "divided by its source's bias factor;\n a bound: p that its claim holds under the "
               "model and its source's bias and noise, z only where it more likely fails)\n");

    fprintf(f, "\nsources\n");
    for (i = 0; i < v->sum->nsource; i++) {
        const att_source_summary *s = &v->sum->source[i];
        const char *cls = v->p->classes[s->cls].name, *fam = att_family_name(s->family);
        if (s->pinned)
            fprintf(f, "  %s's %s figures are the anchor: pinned at x1 (%zu report%s)\n", cls, fam,
                    s->reports, s->reports == 1 ? "" : "s");
        else if (s->completeness)
            fprintf(f,
                    "  %s's %s figures count a share %s (90%%: %s-%s) of the model's, its "
                    "completeness c (undercount class, %zu report%s)\n",
                    cls, fam, cli_num(s->factor.q50, 'f', 2, a, sizeof a),
                    cli_num(s->factor.q05, 'f', 2, b, sizeof b),
                    cli_num(s->factor.q95, 'f', 2, c, sizeof c), s->reports,
                    s->reports == 1 ? "" : "s");
        else
            fprintf(f,
                    "  %s's %s figures run x%s (90%%: %s-%s) of the model's estimate, "
                    "anchor: %s (%zu report%s)\n",
                    cls, fam, cli_num(s->factor.q50, 'f', 2, a, sizeof a),
                    cli_num(s->factor.q05, 'f', 2, b, sizeof b),
                    cli_num(s->factor.q95, 'f', 2, c, sizeof c),
                    v->p->nanchor == 0 ? "consensus" : v->anchor, s->reports,
                    s->reports == 1 ? "" : "s");
        /* With noise per class, each class's own sigma, once. */
        if (s->own_sigma && (i == 0 || v->sum->source[i - 1].cls != s->cls))
            fprintf(f, "  %s's figures scatter with sigma %s (90%%: %s-%s) on the log scale\n", cls,
                    cli_num(s->sigma.q50, 'f', 3, a, sizeof a),
                    cli_num(s->sigma.q05, 'f', 3, b, sizeof b),
                    cli_num(s->sigma.q95, 'f', 3, c, sizeof c));
    }
    print_loo_table(f, v);
    if (v->infl != NULL)
        print_influence_table(f, v);
    fprintf(f, "\nSuccessive figures from one source share errors beyond its bias, so these "
               "intervals are\nsomewhat too narrow (docs/model.md).\n");
}

/* ---- csv ------------------------------------------------------------------- */

static void
print_csv(FILE *f, const fit_view *v)
{
    const att_fit_result *fit = v->fit;
    size_t k, i;

    fprintf(f, "# attrition %s fit\n# scenario: %s (%s)\n# parameters_sha256: %s\n",
            ATT_VERSION_STRING, v->scenario, v->p->path, att_run_params_digest(v->run));
    fprintf(f, "# ledger: %s\n# ledger_sha256: %s\n# reports_used: %zu\n# anchor: %s\n", v->l->path,
            v->l->digest, att_posterior_nreports(v->post), v->anchor);
    if (v->origin != INT32_MAX) {
        char d[ATT_DATE_BUFSIZE];
        fprintf(f, "# origin: %s\n", att_date_format(v->origin, d));
    }
    fprintf(f, "# seed: %lu\n# chains: %zu\n# warmup: %zu\n# draws: %zu\n# adapt_delta: %g\n",
            v->fp->seed, v->fp->chains, v->fp->warmup, v->fp->draws, v->fp->delta);
    fprintf(f, "# verdict: %s%s%s\n", verdict_names[v->rf->verdict],
            v->rf->verdict_msg[0] ? ": " : "", v->rf->verdict_msg);
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
        cli_csv_num(f, s->q05), fputc(',', f), cli_csv_num(f, s->q50), fputc(',', f);
        cli_csv_num(f, s->q95), fputc(',', f), cli_csv_num(f, s->rhat), fputc(',', f);
        cli_csv_num(f, s->ess_bulk), fputc(',', f), cli_csv_num(f, s->ess_tail), fputc(',', f);
        cli_csv_num(f, sd_ratio(v, k));
        fprintf(f, ",%s\n", sd_ratio(v, k) > CLI_PRIOR_DOMINATED ? "true" : "false");
    }
    fprintf(f, "\n# section: reports\nid,kind,qualifier,value,low,high,model_q05,model_q50,"
               "model_q95,debiased_q05,debiased_q50,debiased_q95,z,z_from_pit,repeat_of,"
               "revised_by,holds,bound_pit\n");
    for (i = 0; i < v->l->n; i++) {
        const att_report *r = &v->l->reports[i];
        const att_report_summary *rs = &v->sum->report[i];
        cli_csv_text(f, r->id);
        fprintf(f, ",%s,%s,", att_kind_name(r->kind), att_qualifier_name(r->qualifier));
        if (r->qualifier != ATT_QUAL_RANGE)
            cli_csv_num(f, r->value);
        fputc(',', f);
        if (r->qualifier == ATT_QUAL_RANGE)
            cli_csv_num(f, r->low), fputc(',', f), cli_csv_num(f, r->high);
        else
            fputc(',', f);
        fputc(',', f);
        cli_csv_num(f, rs->model.q05), fputc(',', f), cli_csv_num(f, rs->model.q50), fputc(',', f);
        cli_csv_num(f, rs->model.q95), fputc(',', f);
        if (!rs->bound)
            cli_csv_num(f, rs->debiased.q05), fputc(',', f), cli_csv_num(f, rs->debiased.q50),
                fputc(',', f), cli_csv_num(f, rs->debiased.q95), fputc(',', f);
        else
            fputs(",,,", f);
        cli_csv_num(f, rs->z);
        fprintf(f, ",%s,", rs->z_from_pit ? "true" : "false");
        if (r->repeat_of != ATT_NONE)
            cli_csv_text(f, v->l->reports[r->repeat_of].id);
        fputc(',', f);
        if (r->revised_by != ATT_NONE)
            cli_csv_text(f, v->l->reports[r->revised_by].id);
        fputc(',', f);
        if (rs->bound)
            cli_csv_num(f, rs->holds), fputc(',', f), cli_csv_num(f, rs->pit);
        else
            fputc(',', f);
        fputc('\n', f);
    }
    if (v->sum->ngroup > 0) {
        char d[ATT_DATE_BUFSIZE];
        fprintf(f, "\n# section: groups (at 24:00 of %s)\ngroup,quantity,q05,q50,q95\n",
                att_date_format(v->sum->group_asof, d));
        for (i = 0; i < v->sum->ngroup; i++) {
            const att_group_summary *gs = &v->sum->group[i];
            const att_interval *iv[5] = {&gs->ratio, &gs->strength, &gs->casualties, &gs->killed,
                                         &gs->deployed};
            static const char *const names[5] = {"hazard_multiplier", "strength", "casualties",
                                                 "killed", "deployed"};
            for (k = 0; k < 5; k++) {
                fprintf(f, "%s,%s,", v->p->groups[gs->group].name, names[k]);
                cli_csv_num(f, iv[k]->q05), fputc(',', f), cli_csv_num(f, iv[k]->q50);
                fputc(',', f), cli_csv_num(f, iv[k]->q95), fputc('\n', f);
            }
        }
    }
    fprintf(f, "\n# section: sources\nclass,family,factor,q05,q95,pinned,reports,completeness,"
               "sigma,sigma_q05,sigma_q95\n");
    for (i = 0; i < v->sum->nsource; i++) {
        const att_source_summary *s = &v->sum->source[i];
        fprintf(f, "%s,%s,", v->p->classes[s->cls].name, att_family_name(s->family));
        cli_csv_num(f, s->factor.q50), fputc(',', f), cli_csv_num(f, s->factor.q05), fputc(',', f);
        cli_csv_num(f, s->factor.q95);
        fprintf(f, ",%s,%zu,%s,", s->pinned ? "true" : "false", s->reports,
                s->completeness ? "true" : "false");
        cli_csv_num(f, s->sigma.q50), fputc(',', f), cli_csv_num(f, s->sigma.q05), fputc(',', f);
        cli_csv_num(f, s->sigma.q95), fputc('\n', f);
    }
    fprintf(f, "\n# section: loo (PSIS-LOO; the report id total: the sums, and se)\n"
               "id,elpd_loo,p_loo,pareto_k,se\n");
    for (i = 0; i < v->loo->n; i++) {
        cli_csv_text(f, loo_report_id(v, i));
        fputc(',', f), cli_csv_num(f, v->loo->elpd_i[i]), fputc(',', f);
        cli_csv_num(f, v->loo->p_loo_i[i]), fputc(',', f), cli_csv_num(f, v->loo->k[i]);
        fputs(",\n", f);
    }
    fputs("total,", f);
    cli_csv_num(f, v->loo->elpd), fputc(',', f), cli_csv_num(f, v->loo->p_loo), fputs(",,", f);
    cli_csv_num(f, v->loo->se), fputc('\n', f);
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

    json_object_set_new(doc, "meta", cli_json_meta("fit", v->scenario, v->run, v->post, v->fp));
    if (v->origin != INT32_MAX) {
        char d[ATT_DATE_BUFSIZE];
        json_object_set_new(json_object_get(doc, "meta"), "origin",
                            json_string(att_date_format(v->origin, d)));
    }
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
    if (v->sum->ngroup > 0) {
        json_t *gr = json_array();
        char d[ATT_DATE_BUFSIZE];
        for (i = 0; i < v->sum->ngroup; i++) {
            const att_group_summary *gs = &v->sum->group[i];
            json_t *o = json_object();
            json_object_set_new(o, "group", json_string(v->p->groups[gs->group].name));
            json_object_set_new(o, "reference", json_boolean(gs->group == v->p->reference_group));
            json_object_set_new(o, "hazard_multiplier", jinterval(&gs->ratio));
            json_object_set_new(o, "strength", jinterval(&gs->strength));
            json_object_set_new(o, "casualties", jinterval(&gs->casualties));
            json_object_set_new(o, "killed", jinterval(&gs->killed));
            json_object_set_new(o, "deployed", jinterval(&gs->deployed));
            json_array_append_new(gr, o);
        }
        json_object_set_new(doc, "groups_asof",
                            json_string(att_date_format(v->sum->group_asof, d)));
        json_object_set_new(doc, "groups", gr);
    }
    for (i = 0; i < v->l->n; i++) {
        const att_report *r = &v->l->reports[i];
        const att_report_summary *rs = &v->sum->report[i];
        json_t *o = json_object();
        json_object_set_new(o, "id", json_string(r->id));
        json_object_set_new(o, "kind", json_string(att_kind_name(r->kind)));
        json_object_set_new(o, "model", jinterval(&rs->model));
        json_object_set_new(o, "reported", json_reported(r));
        json_object_set_new(o, "debiased", rs->bound ? json_null() : jinterval(&rs->debiased));
        json_object_set_new(o, "z", cli_json_num(rs->z));
        json_object_set_new(o, "z_from_pit", json_boolean(rs->z_from_pit));
        json_object_set_new(o, "holds", rs->bound ? cli_json_num(rs->holds) : json_null());
        json_object_set_new(o, "bound_pit", rs->bound ? cli_json_num(rs->pit) : json_null());
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
        json_object_set_new(o, "completeness", json_boolean(s->completeness));
        json_object_set_new(o, "sigma", cli_json_num(s->sigma.q50));
        json_object_set_new(o, "sigma_q05", cli_json_num(s->sigma.q05));
        json_object_set_new(o, "sigma_q95", cli_json_num(s->sigma.q95));
        json_array_append_new(srcs, o);
    }
    json_object_set_new(doc, "sources", srcs);
    json_object_set_new(doc, "loo", json_loo(v));
    json_object_set_new(diag, "verdict", json_string(verdict_names[v->rf->verdict]));
    json_object_set_new(diag, "message", json_string(v->rf->verdict_msg));
    json_object_set_new(diag, "rhat_max", cli_json_num(fit->rhat_max));
    json_object_set_new(diag, "ess_bulk_min", cli_json_num(fit->ess_bulk_min));
    json_object_set_new(diag, "ess_tail_min", cli_json_num(fit->ess_tail_min));
    json_object_set_new(diag, "divergent", json_integer((json_int_t)fit->divergent_total));
    json_object_set_new(diag, "adapt_delta", cli_json_num(fit->delta));
    json_object_set_new(diag, "refits", json_integer((json_int_t)fit->refits));
    json_object_set_new(diag, "dense_chains", json_integer((json_int_t)fit->dense_chains));
    json_object_set_new(diag, "laplace_chains", json_integer((json_int_t)fit->laplace_chains));
    json_object_set_new(diag, "divergent_first", json_integer((json_int_t)fit->divergent_first));
    for (i = 0; i < fit->chains; i++)
        json_array_append_new(steps, cli_json_num(fit->stepsize[i]));
    json_object_set_new(diag, "stepsize", steps);
    json_object_set_new(doc, "diagnostics", diag);
    return doc;
}

/* ---- leave-one-out ------------------------------------------------------------------ */

static const char *
loo_report_id(const fit_view *v, size_t i)
{
    return v->l->reports[att_posterior_report(v->post, i)].id;
}

static void
print_loo_table(FILE *f, const fit_view *v)
{
    const att_loo *lo = v->loo;
    int width = 30;
    char a[32], b[32], c[32];
    size_t i;

    for (i = 0; i < lo->n; i++)
        cli_widen(&width, loo_report_id(v, i));
    fprintf(f,
            "\nleave-one-out (PSIS-LOO, Vehtari, Gelman and Gabry 2017): elpd_loo %s (SE %s), "
            "p_loo %s;\n%zu of %zu used reports with Pareto k above %g\n",
            cli_num(lo->elpd, 'f', 1, a, sizeof a), cli_num(lo->se, 'f', 1, b, sizeof b),
            cli_num(lo->p_loo, 'f', 1, c, sizeof c), lo->n_bad, lo->n, ATT_LOO_K_BAD);
    fprintf(f, "%-*s %9s %7s %8s\n", width, "report", "elpd_loo", "p_loo", "Pareto k");
    for (i = 0; i < lo->n; i++)
        fprintf(f, "%-*s %9s %7s %8s%s\n", width, loo_report_id(v, i),
                cli_num(lo->elpd_i[i], 'f', 2, a, sizeof a),
                cli_num(lo->p_loo_i[i], 'f', 2, b, sizeof b),
                cli_num(lo->k[i], 'f', 2, c, sizeof c),
                lo->k[i] <= ATT_LOO_K_BAD ? "" : "  unreliable: refit without it (--influence)");
}

static json_t *
json_loo(const fit_view *v)
{
    const att_loo *lo = v->loo;
    json_t *o = json_object(), *reps = json_array();
    size_t i;

    json_object_set_new(o, "elpd_loo", cli_json_num(lo->elpd));
    json_object_set_new(o, "se", cli_json_num(lo->se));
    json_object_set_new(o, "p_loo", cli_json_num(lo->p_loo));
    json_object_set_new(o, "k_threshold", cli_json_num(ATT_LOO_K_BAD));
    json_object_set_new(o, "k_above", json_integer((json_int_t)lo->n_bad));
    for (i = 0; i < lo->n; i++) {
        json_t *r = json_object();
        json_object_set_new(r, "id", json_string(loo_report_id(v, i)));
        json_object_set_new(r, "elpd_loo", cli_json_num(lo->elpd_i[i]));
        json_object_set_new(r, "p_loo", cli_json_num(lo->p_loo_i[i]));
        json_object_set_new(r, "pareto_k",
                            isfinite(lo->k[i]) ? cli_json_num(lo->k[i]) : json_null());
        json_array_append_new(reps, r);
    }
    json_object_set_new(o, "reports", reps);
    return o;
}

/* fit --loglik FILE: chain, draw, then each used report's log-likelihood
 * (v->ll_work and v->ll_row allocated by the caller, so that nothing here
 * can fail half-way). */
static void
print_loglik(FILE *f, const void *ctx)
{
    const fit_view *v = ctx;
    const att_fit_result *fit = v->fit;
    size_t n = att_posterior_nreports(v->post), S = fit->chains * fit->draws, i, s;
    att_posterior_workspace *w = v->ll_work;
    double *ll = v->ll_row;

    fprintf(f, "chain,draw");
    for (i = 0; i < n; i++) {
        fputc(',', f);
        cli_csv_text(f, loo_report_id(v, i));
    }
    fputc('\n', f);
    for (s = 0; s < S && w != NULL && ll != NULL; s++) {
        att_posterior_loglik_reports(v->post, w, fit->theta + s * fit->dim, ll);
        fprintf(f, "%zu,%zu", s / fit->draws + 1, s % fit->draws + 1);
        for (i = 0; i < n; i++)
            fprintf(f, ",%.17g", ll[i]);
        fputc('\n', f);
    }
}

/* ---- influence ------------------------------------------------------------------- */

static void
influence_progress(void *ctx, size_t i, size_t n)
{
    const fit_view *v = ctx;

    cli_progress(v->progress,
                 "refitting without a report whose Pareto k is above %g: %zu of "
                 "%zu...",
                 ATT_INFLUENCE_K_MAX, i + 1, n);
}

static void
print_influence_table(FILE *f, const fit_view *v)
{
    const att_influence *inf = v->infl;
    size_t i, k, n = v->fit->dim, npsis = 0;
    int width = 30; /* the longest report id's, at least */
    char a[32];

    for (i = 0; i < v->l->n; i++)
        cli_widen(&width, v->l->reports[i].id);
    fprintf(f,
            "\ninfluence: change in each hazard's median (per 1,000 per day) without the "
            "report\n%-*s",
            width, "report");
    for (k = 0; k < n; k++)
        if (att_posterior_param(v->post, k)->kind == ATT_PAR_HAZARD)
            fprintf(f, " %10s", att_posterior_param(v->post, k)->name);
    fprintf(f, " %10s %8s  %s\n", "MCSE", "Pareto k", "how");
    for (i = 0; i < v->l->n; i++) {
        const att_report *r = &v->l->reports[i];
        if (r->repeat_of != ATT_NONE || r->revised_by != ATT_NONE)
            continue;
        fprintf(f, "%-*s", width, r->id);
        for (k = 0; k < inf->nhaz; k++)
            fprintf(f, " %10s",
                    cli_num(1000.0 * inf->change[i * inf->nhaz + k], '+', 3, a, sizeof a));
        fprintf(f, " %10s", cli_num(1000.0 * inf->row_mcse[i], 'g', 2, a, sizeof a));
        fprintf(f, " %8s  %s\n", cli_num(inf->k[i], 'f', 2, a, sizeof a),
                inf->how[i] == ATT_INFLUENCE_REFIT  ? "refit"
                : inf->how[i] == ATT_INFLUENCE_PSIS ? "PSIS"
                                                    : "-");
        npsis += inf->how[i] == ATT_INFLUENCE_PSIS;
    }
    fprintf(f,
            "(%zu reports from the fit's own draws weighted as if the report were left out "
            "(PSIS), %zu refitted\n because their Pareto k is above %g; MCSE: the Monte Carlo "
            "standard error of the row's\n changes, %s for a refit, more where PSIS weights are "
            "uneven; smaller changes are noise)\n",
            npsis, inf->refits, ATT_INFLUENCE_K_MAX,
            cli_num(1000.0 * inf->mcse, 'g', 2, a, sizeof a));
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
cli_fit(const cli_options *o, const att_run *run)
{
    att_run_fit rf;
    att_influence inf;
    att_loo loo;
    att_summary *sum = NULL;
    att_error err;
    fit_view v;
    int rc = CLI_EXIT_OK;

    memset(&v, 0, sizeof v);
    memset(&inf, 0, sizeof inf);
    memset(&loo, 0, sizeof loo);
    att_error_clear(&err);
    if ((rc = cli_origin_day(o, &v.origin)) != 0)
        return rc;
    if (v.origin != INT32_MAX) {
        char d[ATT_DATE_BUFSIZE];
        /* What compare refuses at an origin, refused here too. */
        if (v.origin < att_run_first_combat_day(run)) {
            fprintf(stderr,
                    "attrition: --origin %s: expected a date on or after the first phase with a "
                    "hazard (%s): before it there is nothing to fit\n",
                    o->origin, att_date_format(att_run_first_combat_day(run), d));
            return CLI_EXIT_USAGE;
        }
    }
    if (att_run_posterior(run, v.origin, &rf, &err) != ATT_OK)
        goto fail;
    v.progress = cli_progress_on(o->quiet);
    cli_progress(v.progress, "fitting %s...", o->scenario);
    if (att_run_sample(&rf, NULL, &err) != ATT_OK) {
        cli_progress_done(v.progress);
        goto fail;
    }
    cli_progress_done(v.progress);
    v.run = run;
    v.rf = &rf;
    v.p = rf.p;
    v.l = att_run_ledger(run);
    v.post = rf.post;
    v.fit = &rf.fit;
    v.fp = &rf.fp;
    v.scenario = o->scenario;
    v.format = o->format;
    cli_anchor_text(rf.p, v.anchor, sizeof v.anchor);
    if (rf.verdict == ATT_FIT_FAILED && !o->force) {
        rc = cli_fit_failed(run, &rf, "", "No estimates are printed", "print them", true,
                            v.progress);
        goto cleanup;
    }
    if (att_summary_compute(rf.p, v.l, rf.post, &rf.fit, &sum, &err) != ATT_OK ||
        att_fit_loo(rf.post, &rf.fit, false, &loo, &err) != ATT_OK)
        goto fail;
    v.loo = &loo;
    if (o->influence) {
        att_status st =
            att_run_influence(run, &rf, ATT_INFLUENCE_K_MAX, influence_progress, &v, &inf, &err);
        cli_progress_done(v.progress);
        if (st != ATT_OK) {
            char buf[2 * ATT_ERROR_MSG_MAX];
            fprintf(stderr, "attrition: --influence: %s\n",
                    att_error_format(&err, buf, sizeof buf));
            rc = cli_exit_code(err.code);
            goto cleanup;
        }
        v.infl = &inf;
    }
    v.sum = sum;
    if ((rc = cli_write_output(o->output, strcmp(o->format, "json") == 0, 6, output_json,
                               output_text, &v)) != 0)
        goto cleanup;
    if (o->save_fit != NULL && att_run_save(&rf, o->save_fit, &err) != ATT_OK)
        goto fail;
    if (o->loglik != NULL) {
        v.ll_work = att_posterior_workspace_alloc(rf.post, &err);
        v.ll_row = malloc((att_posterior_nreports(rf.post) + 1) * sizeof *v.ll_row);
        if (v.ll_work == NULL || v.ll_row == NULL) {
            att_posterior_workspace_free(v.ll_work);
            free(v.ll_row);
            fprintf(stderr, "attrition: --loglik: out of memory\n");
            rc = CLI_EXIT_OSERR;
            goto cleanup;
        }
        rc = cli_write_output(o->loglik, false, 0, NULL, print_loglik, &v);
        att_posterior_workspace_free(v.ll_work);
        free(v.ll_row);
        if (rc != 0)
            goto cleanup;
    }
    if (rf.verdict == ATT_FIT_FAILED)
        rc = CLI_EXIT_FAILED; /* printed only because of --force */
    goto cleanup;
fail:
    rc = cli_report(&err);
cleanup:
    att_influence_free(&inf);
    att_loo_free(&loo);
    att_summary_free(sum);
    att_run_fit_free(&rf);
    return rc;
}

/* ---- variants ranked by PSIS-LOO -------------------------------------------------- */

#define FIT_VARIANTS_MAX 16
#define CLI_VARIANT_AT   300

typedef struct {
    const char *name;
    att_run *run;
    att_run_fit rf;
    att_loo loo;
    double diff, se_diff; /* against the best */
} fit_variant;

typedef struct {
    const cli_options *o;
    size_t n;
    fit_variant v[FIT_VARIANTS_MAX];
    size_t best;
} rank_view;

static void
rank_text(FILE *f, const void *ctx)
{
    const rank_view *r = ctx;
    const att_posterior *post = r->v[0].rf.post;
    const att_ledger *l = att_run_ledger(r->v[0].run);
    char a[32], b[32], c[32], d[32], e[32];
    int width = 20;
    size_t i;
    bool csv = strcmp(r->o->format, "csv") == 0;

    for (i = 0; i < r->n; i++)
        cli_widen(&width, r->v[i].name);
    if (csv)
        fprintf(f,
                "# attrition %s fit: variants ranked by PSIS-LOO\n# ledger: %s\n"
                "scenario,elpd_loo,se,p_loo,elpd_diff,se_diff,k_above\n",
                ATT_VERSION_STRING, l->path);
    else
        fprintf(f,
                "attrition %s fit: variants ranked by PSIS-LOO (docs/model.md, section 6.2)\n"
                "ledger      %s sha256 %.16s; the same %zu used reports in each\n\n"
                "%-*s %9s %6s %6s %10s %8s %6s\n",
                ATT_VERSION_STRING, l->path, l->digest, att_posterior_nreports(post), width,
                "scenario", "elpd_loo", "SE", "p_loo", "elpd_diff", "SE_diff", "k>0.7");
    for (i = 0; i < r->n; i++) {
        const fit_variant *v = &r->v[i];
        if (csv) {
            cli_csv_text(f, v->name);
            fputc(',', f), cli_csv_num(f, v->loo.elpd), fputc(',', f), cli_csv_num(f, v->loo.se);
            fputc(',', f), cli_csv_num(f, v->loo.p_loo), fputc(',', f), cli_csv_num(f, v->diff);
            fputc(',', f), cli_csv_num(f, v->se_diff);
            fprintf(f, ",%zu\n", v->loo.n_bad);
            continue;
        }
        fprintf(f, "%-*s %9s %6s %6s %10s %8s %6zu\n", width, v->name,
                cli_num(v->loo.elpd, 'f', 1, a, sizeof a), cli_num(v->loo.se, 'f', 1, b, sizeof b),
                cli_num(v->loo.p_loo, 'f', 1, c, sizeof c), cli_num(v->diff, 'f', 1, d, sizeof d),
                cli_num(v->se_diff, 'f', 1, e, sizeof e), v->loo.n_bad);
    }
    if (!csv)
        fprintf(f, "\n(elpd_diff: each variant's elpd_loo minus the best's, over the same "
                   "reports;\n SE_diff = sqrt(n var(elpd_i - elpd_best,i)). A difference within "
                   "about 2 SE_diff is\n not a difference; reports with Pareto k above 0.7 make a "
                   "variant's elpd_loo unreliable.)\n");
}

static json_t *
rank_json(const void *ctx)
{
    const rank_view *r = ctx;
    json_t *doc = json_object(), *arr = json_array();
    size_t i;

    json_object_set_new(doc, "ledger", json_string(att_run_ledger(r->v[0].run)->path));
    json_object_set_new(doc, "reports",
                        json_integer((json_int_t)att_posterior_nreports(r->v[0].rf.post)));
    for (i = 0; i < r->n; i++) {
        const fit_variant *v = &r->v[i];
        json_t *o = json_object();
        json_object_set_new(o, "scenario", json_string(v->name));
        json_object_set_new(o, "elpd_loo", cli_json_num(v->loo.elpd));
        json_object_set_new(o, "se", cli_json_num(v->loo.se));
        json_object_set_new(o, "p_loo", cli_json_num(v->loo.p_loo));
        json_object_set_new(o, "elpd_diff", cli_json_num(v->diff));
        json_object_set_new(o, "se_diff", cli_json_num(v->se_diff));
        json_object_set_new(o, "k_above", json_integer((json_int_t)v->loo.n_bad));
        json_array_append_new(arr, o);
    }
    json_object_set_new(doc, "variants", arr);
    return doc;
}

/* Do a and b use the same reports, in the same order (by id)? */
static bool
rank_same_reports(const fit_variant *a, const fit_variant *b)
{
    const att_ledger *la = att_run_ledger(a->run), *lb = att_run_ledger(b->run);
    size_t i, n = att_posterior_nreports(a->rf.post);

    if (n != att_posterior_nreports(b->rf.post))
        return false;
    for (i = 0; i < n; i++)
        if (strcmp(la->reports[att_posterior_report(a->rf.post, i)].id,
                   lb->reports[att_posterior_report(b->rf.post, i)].id) != 0)
            return false;
    return true;
}

static int
rank_fit_one(const cli_options *o, fit_variant *v, int32_t origin, bool progress)
{
    att_error err;

    att_error_clear(&err);
    if (att_run_posterior(v->run, origin, &v->rf, &err) != ATT_OK)
        return cli_report(&err);
    cli_progress(progress, "fitting %s...", v->name);
    if (att_run_sample(&v->rf, NULL, &err) != ATT_OK) {
        cli_progress_done(progress);
        return cli_report(&err);
    }
    cli_progress_done(progress);
    if (v->rf.verdict == ATT_FIT_FAILED && !o->force) {
        char at[CLI_VARIANT_AT];
        snprintf(at, sizeof at, " of %s", v->name);
        return cli_fit_failed(v->run, &v->rf, at, "Nothing is ranked", "rank anyway", true,
                              progress);
    }
    if (att_fit_loo(v->rf.post, &v->rf.fit, false, &v->loo, &err) != ATT_OK)
        return cli_report(&err);
    return 0;
}

int
cli_fit_rank(const cli_options *o)
{
    rank_view r;
    char *names = strdup(o->scenario), *tok, *save = NULL;
    int32_t origin;
    bool progress = cli_progress_on(o->quiet);
    size_t i;
    int rc = 0;

    memset(&r, 0, sizeof r);
    r.o = o;
    if (names == NULL) {
        fprintf(stderr, "attrition: out of memory\n");
        return CLI_EXIT_OSERR;
    }
    if ((rc = cli_origin_day(o, &origin)) != 0)
        goto done;
    if (o->influence || o->save_fit != NULL || o->loglik != NULL) {
        fprintf(stderr, "attrition: --scenario with several variants ranks them; --influence, "
                        "--save-fit and --loglik take one scenario\n");
        rc = CLI_EXIT_USAGE;
        goto done;
    }
    for (tok = strtok_r(names, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        if (r.n == FIT_VARIANTS_MAX) {
            fprintf(stderr, "attrition: --scenario: expected at most %d variants\n",
                    FIT_VARIANTS_MAX);
            rc = CLI_EXIT_USAGE;
            goto done;
        }
        r.v[r.n++].name = tok;
    }
    for (i = 0; i < r.n && rc == 0; i++) {
        if ((rc = cli_scenario_open(o, r.v[i].name, &r.v[i].run)) != 0)
            break;
        rc = rank_fit_one(o, &r.v[i], origin, progress);
        if (rc == 0 && i > 0 && !rank_same_reports(&r.v[0], &r.v[i])) {
            fprintf(stderr,
                    "attrition: --scenario: expected variants of one ledger, using the same "
                    "reports; %s and %s do not (elpd_loo compares fits of the same data only)\n",
                    r.v[0].name, r.v[i].name);
            rc = CLI_EXIT_DATAERR;
        }
    }
    if (rc != 0)
        goto done;
    for (i = 1; i < r.n; i++)
        if (r.v[i].loo.elpd > r.v[r.best].loo.elpd)
            r.best = i;
    for (i = 0; i < r.n && rc == 0; i++) {
        att_error err;
        if (att_loo_diff(&r.v[r.best].loo, &r.v[i].loo, &r.v[i].diff, &r.v[i].se_diff, &err) !=
            ATT_OK)
            rc = cli_report(&err);
    }
    /* Best first; ties keep the order given. */
    for (i = 1; i < r.n && rc == 0; i++) {
        size_t j = i;
        while (j > 0 && r.v[j].diff > r.v[j - 1].diff) {
            fit_variant t = r.v[j];
            r.v[j] = r.v[j - 1];
            r.v[j - 1] = t;
            j--;
        }
    }
    if (rc == 0)
        rc = cli_write_output(o->output, strcmp(o->format, "json") == 0, 6, rank_json, rank_text,
                              &r);
done:
    for (i = 0; i < r.n; i++) {
        att_loo_free(&r.v[i].loo);
        att_run_fit_free(&r.v[i].rf);
        att_run_free(r.v[i].run);
    }
    free(names);
    return rc;
}
