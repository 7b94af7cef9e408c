/* run.c -- what a command does, as library calls (att_run.h): the scenario
 * and its ledger read once, the posterior at a cut-off with its digest,
 * draws sampled or read back, judged and saved, and leave-one-out
 * influence.  It sequences the modules that compute; it computes nothing
 * itself.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_sort.h>

#include <attrition/att_date.h>
#include <attrition/att_diagnostics.h>
#include <attrition/att_export.h>
#include <attrition/att_output.h>
#include <attrition/att_run.h>
#include <attrition/att_savefit.h>

#include "emath.h"
#include "internal.h"

struct att_run {
    att_params *p; /* as read, with the overrides */
    att_ledger *l; /* checked against p; later reports joined */
    int threads;
    char params_digest[ATT_DIGEST_HEX];
};

att_run_options
att_run_options_default(void)
{
    att_run_options o;

    memset(&o, 0, sizeof o);
    o.seed = -1;
    return o;
}

/* ---- reading ---------------------------------------------------------------------- */

/* The first line of text, with its length. */
/* The ledger of o (its text, its file, or the scenario's [model] ledger)
 * with o->later joined, parsed once against the scenario's classes (the
 * one place they are listed for the loader) and checked.  An error names
 * the file and line of its row; an unreadable [model] ledger, the
 * parameter file's line that names it. */
static att_status
run_ledger_load(att_run *r, const att_run_options *o, att_error *err)
{
    const att_params *p = r->p;
    const char *path = o->ledger != NULL ? o->ledger : p->ledger, *text = o->ledger_text, **cls;
    char *read = NULL, *later = NULL;
    att_ledger_text texts[2];
    size_t len = o->ledger_len, i;
    att_status st;

    if (path == NULL)
        return att_error_set(err, ATT_EDATA, p->path, 0, 0, "[model] ledger",
                             "expected a ledger file, found none; set it or pass --ledger FILE");
    if (text != NULL && o->ledger == NULL)
        return ATT_FAIL(err, ATT_EINVAL, "a ledger's text without its name");
    if (text == NULL && (st = att_file_slurp(path, &read, &len, err)) != ATT_OK) {
        if (st == ATT_ENOENT && o->ledger == NULL && err != NULL) {
            char reason[ATT_ERROR_MSG_MAX];
            att_strlcpy(reason, err->msg, sizeof reason);
            st = att_error_set(err, ATT_ENOENT, p->ledger_origin.path, p->ledger_origin.line, 0,
                               "[model] ledger", "cannot read \"%s\": %s", path, reason);
        }
        return st;
    }
    if (text == NULL)
        text = read;
    texts[0].name = path;
    texts[0].text = text;
    texts[0].len = len;
    if (o->later != NULL) {
        if ((st = att_file_slurp(o->later, &later, &texts[1].len, err)) != ATT_OK)
            goto done;
        texts[1].name = o->later;
        texts[1].text = later;
    }
    if ((cls = att_mem_alloc((p->nclass + 1) * sizeof *cls)) == NULL) {
        st = ATT_FAIL(err, ATT_ENOMEM, "out of memory");
        goto done;
    }
    for (i = 0; i < p->nclass; i++)
        cls[i] = p->classes[i].name;
    /* The later file has its own header: it is read as a second file of
     * the same ledger, so ids, repeats and revisions link across the two
     * and an error names the file and line it is on. */
    st = att_ledger_parse_texts(texts, o->later != NULL ? 2 : 1, cls, p->nclass, &r->l, err);
    att_mem_free(cls);
    if (st == ATT_OK)
        st = att_ledger_check(r->l, p, err);
done:
    att_mem_free(read);
    att_mem_free(later);
    return st;
}

att_status
att_run_open(const char *path, const att_run_options *o, att_run **out, att_error *err)
{
    att_run *r;
    att_status st;

    *out = NULL;
    if (path == NULL || o == NULL)
        return ATT_FAIL(err, ATT_EINVAL, "no parameter file or options given");
    if ((r = att_mem_calloc(1, sizeof *r)) == NULL)
        return ATT_FAIL(err, ATT_ENOMEM, "out of memory");
    r->threads = o->threads > 0 ? o->threads : 0;
    if ((st = att_params_load(path, &r->p, err)) != ATT_OK)
        goto fail;
    if (o->anchor != NULL && (st = att_params_set_anchor(r->p, o->anchor, err)) != ATT_OK)
        goto fail;
    if (o->chains > 0)
        r->p->chains = o->chains;
    if (o->warmup > 0)
        r->p->warmup = o->warmup;
    if (o->draws > 0)
        r->p->draws = o->draws;
    if (o->seed >= 0)
        r->p->projection.seed = (unsigned long)o->seed;
    if ((st = run_ledger_load(r, o, err)) != ATT_OK)
        goto fail;
    if ((st = att_digest_files((const char *const *)r->p->files, r->p->nfile, r->params_digest,
                               err)) != ATT_OK)
        goto fail;
    *out = r;
    return ATT_OK;
fail:
    att_run_free(r);
    return st;
}

void
att_run_free(att_run *r)
{
    if (r == NULL)
        return;
    att_ledger_free(r->l);
    att_params_free(r->p);
    att_mem_free(r);
}

const att_params *
att_run_params(const att_run *r)
{
    return r->p;
}

const att_ledger *
att_run_ledger(const att_run *r)
{
    return r->l;
}

const char *
att_run_params_digest(const att_run *r)
{
    return r->params_digest;
}

att_fit_params
att_run_fit_params(const att_run *r)
{
    att_fit_params fp = att_fit_params_of(r->p);

    fp.threads = r->threads;
    return fp;
}

int32_t
att_run_first_combat_day(const att_run *r)
{
    size_t k;

    for (k = 0; k < r->p->nphase; k++)
        if (att_params_phase_has_combat(&r->p->phases[k]))
            return r->p->phases[k].start;
    return INT32_MAX;
}

/* ---- the posterior and its draws ---------------------------------------------------- */

att_status
att_run_posterior(const att_run *r, int32_t cutoff, att_run_fit *f, att_error *err)
{
    char *json = NULL;
    att_status st;

    memset(f, 0, sizeof *f);
    f->cutoff = cutoff;
    f->fp = att_run_fit_params(r);
    if ((st = att_params_copy(r->p, &f->p, err)) != ATT_OK)
        return st;
    if (cutoff != INT32_MAX && (st = att_params_truncate(f->p, cutoff, err)) != ATT_OK)
        return st;
    if ((f->post = att_posterior_alloc(f->p, r->l, cutoff, err)) == NULL)
        return err != NULL ? err->code : ATT_ENOMEM;
    st = att_export_inputs(f->p, r->l, f->post, cutoff, &json, f->digest, err);
    att_export_free(json);
    return st;
}

att_status
att_run_sample(att_run_fit *f, const char *saved, att_error *err)
{
    att_status st;

    if (f->post == NULL)
        return ATT_FAIL(err, ATT_EINVAL, "no posterior to sample (att_run_posterior first)");
    att_fit_result_free(&f->fit);
    if (saved != NULL) {
        unsigned long seed;
        if ((st = att_savefit_load(saved, f->post, f->digest, &f->fit, &seed, err)) != ATT_OK)
            return st;
        f->fp.seed = seed;
        f->fp.chains = f->fit.chains;
        f->fp.draws = f->fit.draws;
        f->fp.warmup = 0;
        f->fit.threads = f->fp.threads;
        f->loaded = saved;
    } else if ((st = att_fit_run(f->post, &f->fp, &f->fit, err)) != ATT_OK)
        return st;
    f->verdict = att_fit_judge(&f->fit, f->verdict_msg, sizeof f->verdict_msg);
    return ATT_OK;
}

att_status
att_run_sample_near(att_run_fit *f, const att_run_fit *near, att_error *err)
{
    att_fit_warm warm;
    att_status st;

    if (near == NULL || near->post == NULL || near->fit.theta == NULL ||
        near->verdict == ATT_FIT_FAILED)
        return att_run_sample(f, NULL, err);
    if (f->post == NULL)
        return ATT_FAIL(err, ATT_EINVAL, "no posterior to sample (att_run_posterior first)");
    if ((st = att_fit_warm_near(f->post, &f->fp, near->post, &near->fit, &warm, err)) != ATT_OK)
        return st;
    if (warm.init == NULL)
        return att_run_sample(f, NULL, err);
    att_fit_result_free(&f->fit);
    f->fp.warm = &warm;
    st = att_fit_run(f->post, &f->fp, &f->fit, err);
    f->fp.warm = NULL;
    att_fit_warm_free(&warm);
    /* A warm start that failed (no workable step size from its metric,
     * say), or a fit that failed the policy, is tried again cold. */
    if (st == ATT_ENOMEM)
        return st;
    if (st == ATT_OK)
        f->verdict = att_fit_judge(&f->fit, f->verdict_msg, sizeof f->verdict_msg);
    return st != ATT_OK || f->verdict == ATT_FIT_FAILED ? att_run_sample(f, NULL, err) : ATT_OK;
}

att_status
att_run_save(const att_run_fit *f, const char *path, att_error *err)
{
    att_output *out = att_output_open(path, err);
    att_status st;

    if (out == NULL)
        return err != NULL ? err->code : ATT_ECREATE;
    st = att_savefit_write(att_output_stream(out), f->post, &f->fit, f->digest, f->fp.seed, err);
    if (st != ATT_OK) {
        att_output_abort(out);
        return st;
    }
    return att_output_commit(out, err);
}

void
att_run_fit_free(att_run_fit *f)
{
    if (f == NULL)
        return;
    att_fit_result_free(&f->fit);
    att_posterior_free(f->post);
    att_params_free(f->p);
    f->post = NULL;
    f->p = NULL;
}

/* ---- a failed fit's diagnosis and remedies --------------------------------------- */

/* One remedy: f's scenario changed by rm, fitted from the same streams. */
static att_status
run_try_remedy(const att_run *r,
               const att_run_fit *f,
               const att_remedy *rm,
               att_fit_verdict *verdict,
               char *msg,
               size_t n,
               att_error *err)
{
    att_params *q = NULL;
    att_posterior *post = NULL;
    att_fit_params fp = f->fp;
    att_fit_result fit;
    att_status st;

    memset(&fit, 0, sizeof fit);
    if ((st = att_params_copy(f->p, &q, err)) != ATT_OK)
        return st;
    att_remedy_apply(rm, q, &fp);
    if ((post = att_posterior_alloc(q, r->l, f->cutoff, err)) == NULL)
        st = err != NULL ? err->code : ATT_ENOMEM;
    else if ((st = att_fit_run(post, &fp, &fit, err)) == ATT_OK)
        *verdict = att_fit_judge(&fit, msg, n);
    att_fit_result_free(&fit);
    att_posterior_free(post);
    att_params_free(q);
    return st;
}

att_status
att_run_advise(
    const att_run *r, const att_run_fit *f, bool check, att_run_advice *out, att_error *err)
{
    att_status st;
    size_t i;

    memset(out, 0, sizeof *out);
    out->works = ATT_NONE;
    if ((st = att_fit_diagnose(f->p, f->post, &f->fp, &f->fit, &out->diag, err)) != ATT_OK)
        return st;
    for (i = 0; check && i < out->diag.nremedy; i++) {
        st = run_try_remedy(r, f, &out->diag.remedy[i], &out->verdict[i], out->verdict_msg[i],
                            sizeof out->verdict_msg[i], err);
        if (st != ATT_OK)
            return st;
        out->tried = i + 1;
        if (out->verdict[i] != ATT_FIT_FAILED) {
            out->works = i;
            break;
        }
    }
    return ATT_OK;
}

/* ---- leave-one-out influence ---------------------------------------------------------- */

/* The MCSE of one change: two independent fits' medians differ by sqrt 2
 * of one's MCSE; the largest over the hazards. */
static att_status
run_influence_mcse(const att_run_fit *f, att_influence *inf, att_error *err)
{
    const att_fit_result *fit = &f->fit;
    size_t S = fit->chains * fit->draws, n = fit->dim, k, s;
    double *col = att_mem_alloc((S + 1) * sizeof *col), mcse;
    att_diag_workspace *dw = att_diag_alloc(fit->chains, fit->draws, err);
    att_status st = ATT_OK;

    if (col == NULL || dw == NULL) {
        att_diag_free(dw);
        att_mem_free(col);
        return ATT_FAIL(err, ATT_ENOMEM, "out of memory");
    }
    inf->mcse = 0.0;
    for (k = 0; k < inf->nhaz && st == ATT_OK; k++) {
        for (s = 0; s < S; s++)
            col[s] = fit->value[s * n + inf->haz[k]];
        st = att_diag_mcse_quantile(dw, col, 0.5, &mcse, err);
        if (st == ATT_OK && isfinite(mcse) && mcse > inf->mcse)
            inf->mcse = mcse;
    }
    inf->mcse *= sqrt(2.0);
    att_diag_free(dw);
    att_mem_free(col);
    return st;
}

/* The refit without ledger report li: each hazard's median change. */
static att_status
run_influence_one(
    const att_run *r, const att_run_fit *f, size_t li, att_influence *inf, att_error *err)
{
    att_posterior *pi = att_posterior_alloc_without(f->p, r->l, f->cutoff, li, err);
    att_fit_result fi;
    att_fit_params fp = f->fp;
    att_fit_warm warm;
    att_status st;
    size_t k, m;

    memset(&fi, 0, sizeof fi);
    memset(&warm, 0, sizeof warm);
    /* From the full fit's draws: the posterior without one report is near
     * it (docs/model.md, section 5.8). */
    st = pi == NULL ? err->code : att_fit_warm_init(pi, &fp, f->post, &f->fit, &warm, err);
    fp.warm = warm.init != NULL ? &warm : NULL;
    if (st == ATT_OK)
        st = att_fit_run(pi, &fp, &fi, err);
    for (k = 0; st == ATT_OK && k < inf->nhaz; k++)
        for (m = 0; m < fi.dim; m++)
            if (strcmp(att_posterior_param(pi, m)->name,
                       att_posterior_param(f->post, inf->haz[k])->name) == 0)
                inf->change[li * inf->nhaz + k] =
                    fi.summary[m].q50 - f->fit.summary[inf->haz[k]].q50;
    att_fit_result_free(&fi);
    att_fit_warm_free(&warm);
    att_posterior_free(pi);
    return st;
}

/* The median of x[0..S) under weights exp(lw[s * stride]): linear
 * between the sorted draws' cumulative midpoints, which is the type-7
 * median when the weights are equal. */
static double
run_weighted_median(const double *x, const double *lw, size_t stride, size_t S, size_t *order)
{
    double c = 0.0, prev_p = 0.0, prev_x = 0.0;
    size_t j;

    gsl_sort_index(order, x, 1, S);
    for (j = 0; j < S; j++) {
        double w = att_exp(lw[order[j] * stride]), p = c + 0.5 * w;
        if (p >= 0.5)
            return j == 0 ? x[order[0]]
                          : prev_x + (x[order[j]] - prev_x) * (0.5 - prev_p) / (p - prev_p);
        c += w;
        prev_p = p;
        prev_x = x[order[j]];
    }
    return x[order[S - 1]];
}

/* Report i's changes from the fit's own draws with its PSIS weights, and
 * their Monte Carlo standard error: uneven weights leave n_eff = 1 /
 * sum w^2 of the S draws' worth, so a weighted median's MCSE is the
 * median's m times sqrt(S / n_eff); the change takes the unweighted
 * median's m too, as if the two were independent (the same draws make
 * them correlate positively: an upper bound, and sqrt 2 m, a refit's,
 * with equal weights). */
static att_status
run_influence_psis(const att_run_fit *f,
                   const att_loo *loo,
                   size_t i,
                   size_t li,
                   att_influence *inf,
                   att_error *err)
{
    const att_fit_result *fit = &f->fit;
    size_t S = fit->chains * fit->draws, k, s;
    double *col = att_mem_alloc((S + 1) * sizeof *col), sw2 = 0.0;
    size_t *order = att_mem_alloc((S + 1) * sizeof *order);

    if (col == NULL || order == NULL) {
        att_mem_free(col);
        att_mem_free(order);
        return ATT_FAIL(err, ATT_ENOMEM, "out of memory");
    }
    for (s = 0; s < S; s++) {
        double w = att_exp(loo->lw[s * loo->n + i]);
        sw2 += w * w;
    }
    inf->row_mcse[li] = inf->mcse * sqrt(0.5 * (1.0 + sw2 * (double)S));
    for (k = 0; k < inf->nhaz; k++) {
        for (s = 0; s < S; s++)
            col[s] = fit->value[s * fit->dim + inf->haz[k]];
        inf->change[li * inf->nhaz + k] =
            run_weighted_median(col, loo->lw + i, loo->n, S, order) - fit->summary[inf->haz[k]].q50;
    }
    att_mem_free(col);
    att_mem_free(order);
    return ATT_OK;
}

att_status
att_run_influence(const att_run *r,
                  const att_run_fit *f,
                  double k_max,
                  att_run_progress progress,
                  void *ctx,
                  att_influence *out,
                  att_error *err)
{
    size_t n = f->fit.dim, nused = att_posterior_nreports(f->post), i, k, done = 0;
    att_loo loo;
    att_status st;

    memset(out, 0, sizeof *out);
    memset(&loo, 0, sizeof loo);
    out->nrep = r->l->n;
    out->haz = att_mem_alloc((n + 1) * sizeof *out->haz);
    out->how = att_mem_calloc(out->nrep + 1, sizeof *out->how);
    out->k = att_mem_alloc((out->nrep + 1) * sizeof *out->k);
    out->row_mcse = att_mem_alloc((out->nrep + 1) * sizeof *out->row_mcse);
    if (out->haz == NULL || out->how == NULL || out->k == NULL || out->row_mcse == NULL) {
        att_influence_free(out);
        return ATT_FAIL(err, ATT_ENOMEM, "out of memory");
    }
    for (k = 0; k < n; k++)
        if (att_posterior_param(f->post, k)->kind == ATT_PAR_HAZARD)
            out->haz[out->nhaz++] = k;
    out->change = att_mem_alloc((out->nrep * out->nhaz + 1) * sizeof *out->change);
    if (out->change == NULL) {
        att_influence_free(out);
        return ATT_FAIL(err, ATT_ENOMEM, "out of memory");
    }
    for (i = 0; i < out->nrep * out->nhaz; i++)
        out->change[i] = (double)NAN; /* not computed */
    for (i = 0; i < out->nrep; i++)
        out->k[i] = out->row_mcse[i] = (double)NAN;
    if ((st = run_influence_mcse(f, out, err)) != ATT_OK ||
        (nused > 1 && (st = att_fit_loo(f->post, &f->fit, true, &loo, err)) != ATT_OK)) {
        att_influence_free(out);
        return st;
    }
    for (i = 0; nused > 1 && i < nused; i++)
        out->refits += !(loo.k[i] <= k_max);
    /* Without the only report there is nothing to fit: its row stays "not
     * computed".  Any other failure is an error naming the report. */
    for (i = 0; nused > 1 && i < nused; i++) {
        size_t li = att_posterior_report(f->post, i);
        att_error e;
        out->k[li] = loo.k[i];
        if (loo.k[i] <= k_max) {
            out->how[li] = ATT_INFLUENCE_PSIS;
            if ((st = run_influence_psis(f, &loo, i, li, out, err)) != ATT_OK)
                break;
            continue;
        }
        out->how[li] = ATT_INFLUENCE_REFIT;
        out->row_mcse[li] = out->mcse;
        if (progress != NULL)
            progress(ctx, done++, out->refits);
        att_error_clear(&e);
        if ((st = run_influence_one(r, f, li, out, &e)) != ATT_OK) {
            char why[2 * ATT_ERROR_MSG_MAX];
            att_error_format(&e, why, sizeof why);
            /* At the report's row, so that the analyst can find it. */
            st = att_error_set(err, st, r->l->files[r->l->reports[li].file].path,
                               r->l->reports[li].line, 0, "id", "refitting without report %s: %s",
                               r->l->reports[li].id, why);
            break;
        }
    }
    att_loo_free(&loo);
    if (st != ATT_OK)
        att_influence_free(out);
    return st;
}

void
att_influence_free(att_influence *inf)
{
    if (inf == NULL)
        return;
    att_mem_free(inf->haz);
    att_mem_free(inf->change);
    att_mem_free(inf->how);
    att_mem_free(inf->k);
    att_mem_free(inf->row_mcse);
    inf->row_mcse = NULL;
    inf->k = NULL;
    inf->haz = NULL;
    inf->change = NULL;
    inf->how = NULL;
    inf->k = NULL;
    inf->nhaz = inf->nrep = 0;
}
