/* export.c -- canonical JSON of the fit inputs, and saved fits (Jansson).
 *
 * Canonical means: keys in the order written here, no whitespace, numbers
 * with 17 significant digits (JSON_REAL_PRECISION(17)), so that equal
 * inputs give equal bytes (see att_export.h).  Times are in days since
 * 1970-01-01: day d's 00:00 is d, its 24:00 is d + 1 (docs/model.md (5)).
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <attrition/att_date.h>
#include <attrition/att_export.h>

#include "emath.h"
#include "internal.h"

#define EXPORT_JSON_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17))

/* Sets key to v, recording an allocation failure in *bad. */
static void
export_set(json_t *o, const char *key, json_t *v, bool *bad)
{
    if (v == NULL || json_object_set_new(o, key, v) != 0)
        *bad = true;
}

static void
export_push(json_t *a, json_t *v, bool *bad)
{
    if (v == NULL || json_array_append_new(a, v) != 0)
        *bad = true;
}

static json_t *
export_date(int32_t day)
{
    char d[ATT_DATE_BUFSIZE];

    return json_string(att_date_format(day, d));
}

att_status
att_export_inputs(const att_params *p,
                  const att_ledger *l,
                  const att_posterior *post,
                  int32_t cutoff,
                  char **out_json,
                  char digest[ATT_DIGEST_HEX],
                  att_error *err)
{
    json_t *doc = json_object(), *a, *o;
    bool bad = doc == NULL;
    size_t i, k;
    char *text;

    *out_json = NULL;
    export_set(doc, "format", json_string(ATT_EXPORT_FORMAT), &bad);
    export_set(doc, "version", json_integer(ATT_EXPORT_VERSION), &bad);
    export_set(doc, "model", json_string("phase-hazard"), &bad);
    export_set(doc, "cutoff", cutoff == INT32_MAX ? json_null() : export_date(cutoff), &bad);
    export_set(doc, "time_origin", json_string("1970-01-01"), &bad);
    a = json_array();
    for (i = 0; i < p->nanchor; i++) {
        o = json_object();
        export_set(o, "class", json_string(p->classes[p->anchor[i].cls].name), &bad);
        export_set(o, "family", json_string(att_family_name(p->anchor[i].family)), &bad);
        export_push(a, o, &bad);
    }
    export_set(doc, "anchor", a, &bad);
    o = json_object();
    export_set(o, "kappa_a", json_real(p->kappa_a), &bad);
    export_set(o, "kappa_b", json_real(p->kappa_b), &bad);
    export_set(o, "sigma_median", json_real(p->sigma_median), &bad);
    export_set(o, "sigma_log_sd", json_real(p->sigma_log_sd), &bad);
    export_set(doc, "priors", o, &bad);
    a = json_array();
    for (k = 0; k < p->nphase; k++) {
        const att_phase *ph = &p->phases[k];
        o = json_object();
        export_set(o, "name", json_string(ph->name), &bad);
        export_set(o, "start", json_integer(ph->start), &bad);
        export_set(o, "end", ph->end == ATT_DAY_OPEN ? json_null() : json_integer(ph->end), &bad);
        export_set(o, "start_date", export_date(ph->start), &bad);
        export_set(o, "fixed", json_boolean(ph->fixed), &bad);
        export_set(o, "hazard", ph->fixed ? json_real(ph->hazard) : json_null(), &bad);
        export_set(o, "log_hazard_mean",
                   ph->fixed ? json_null() : json_real(att_log(ph->prior_median)), &bad);
        export_set(o, "log_hazard_sd", ph->fixed ? json_null() : json_real(ph->prior_log_sd), &bad);
        export_push(a, o, &bad);
    }
    export_set(doc, "phases", a, &bad);
    a = json_array();
    for (k = 0; k < p->narrival; k++) {
        const att_arrival *ar = &p->arrivals[k];
        static const char *const priors[] = {"fixed", "uniform", "lognormal", "share"};
        o = json_object();
        export_set(o, "name", json_string(ar->name), &bad);
        export_set(o, "time", json_integer(ar->date), &bad);
        export_set(o, "date", export_date(ar->date), &bad);
        export_set(o, "prior", json_string(priors[ar->prior]), &bad);
        export_set(o, "count", ar->prior == ATT_COUNT_FIXED ? json_real(ar->count) : json_null(),
                   &bad);
        export_set(o, "low", ar->prior == ATT_COUNT_UNIFORM ? json_real(ar->low) : json_null(),
                   &bad);
        export_set(o, "high", ar->prior == ATT_COUNT_UNIFORM ? json_real(ar->high) : json_null(),
                   &bad);
        export_set(o, "log_mean",
                   ar->prior == ATT_COUNT_LOGNORMAL ? json_real(att_log(ar->median)) : json_null(),
                   &bad);
        export_set(o, "log_sd",
                   ar->prior == ATT_COUNT_LOGNORMAL ? json_real(ar->log_sd) : json_null(), &bad);
        export_push(a, o, &bad);
    }
    export_set(doc, "arrivals", a, &bad);
    a = json_array();
    for (k = 0; k < p->nclass; k++) {
        o = json_object();
        export_set(o, "name", json_string(p->classes[k].name), &bad);
        export_set(o, "tau_losses", json_real(p->classes[k].tau[ATT_FAMILY_LOSSES]), &bad);
        export_set(o, "tau_force", json_real(p->classes[k].tau[ATT_FAMILY_FORCE]), &bad);
        export_push(a, o, &bad);
    }
    export_set(doc, "classes", a, &bad);
    a = json_array();
    for (k = 0; k < att_posterior_dim(post); k++)
        export_push(a, json_string(att_posterior_param(post, k)->name), &bad);
    export_set(doc, "parameters", a, &bad);
    a = json_array();
    for (i = 0; i < att_posterior_nreports(post); i++) {
        const att_report *r = &l->reports[att_posterior_report(post, i)];
        size_t bi = att_posterior_bias_index(post, r->cls, att_kind_family(r->kind));
        json_t *t = json_array();
        int32_t d;
        o = json_object();
        export_set(o, "id", json_string(r->id), &bad);
        export_set(o, "kind", json_string(att_kind_name(r->kind)), &bad);
        export_set(o, "qualifier", json_string(att_qualifier_name(r->qualifier)), &bad);
        export_set(o, "value", r->qualifier != ATT_QUAL_RANGE ? json_real(r->value) : json_null(),
                   &bad);
        export_set(o, "low", r->qualifier == ATT_QUAL_RANGE ? json_real(r->low) : json_null(),
                   &bad);
        export_set(o, "high", r->qualifier == ATT_QUAL_RANGE ? json_real(r->high) : json_null(),
                   &bad);
        export_set(o, "class", json_string(p->classes[r->cls].name), &bad);
        export_set(o, "family", json_string(att_family_name(att_kind_family(r->kind))), &bad);
        export_set(o, "bias",
                   bi == ATT_NONE ? json_null() : json_string(att_posterior_param(post, bi)->name),
                   &bad);
        export_set(o, "asof_start", export_date(r->asof_start), &bad);
        export_set(o, "asof_end", export_date(r->asof_end), &bad);
        if (r->kind == ATT_KIND_RATE) {
            /* From 00:00 of the first day to 24:00 of the last, not averaged. */
            export_set(o, "rate_from", json_integer(r->asof_start), &bad);
            export_set(o, "rate_to", json_integer((json_int_t)r->asof_end + 1), &bad);
            export_set(o, "rate_days", json_integer((json_int_t)r->asof_end - r->asof_start + 1),
                       &bad);
        } else
            for (d = r->asof_start; d <= r->asof_end; d++) /* 24:00 of each day */
                export_push(t, json_integer((json_int_t)d + 1), &bad);
        export_set(o, "times", t, &bad);
        export_push(a, o, &bad);
    }
    export_set(doc, "reports", a, &bad);
    text = bad ? NULL : json_dumps(doc, EXPORT_JSON_FLAGS);
    json_decref(doc);
    /* Copied into the library's own allocation, which att_export_free
     * releases: the caller need not know Jansson's allocator. */
    *out_json = text == NULL ? NULL : att_mem_strdup(text);
    free(text);
    if (*out_json == NULL)
        return ATT_FAIL(err, ATT_ENOMEM, "out of memory writing the fit inputs");
    if (digest != NULL)
        att_digest_bytes(*out_json, strlen(*out_json), digest);
    return ATT_OK;
}

void
att_export_free(char *json)
{
    att_mem_free(json);
}

att_status
att_savefit_write(FILE *f,
                  const att_posterior *post,
                  const att_fit_result *fit,
                  const char digest[ATT_DIGEST_HEX],
                  unsigned long seed,
                  att_error *err)
{
    size_t c, i, k, n = fit->dim;

    /* Written by hand, draw by draw, so that a large fit never needs a
     * second copy in memory; the format is plain JSON all the same. */
    fprintf(f, "{\"format\":\"%s\",\"version\":%d,\"inputs_sha256\":\"%s\",\"seed\":%lu,",
            ATT_SAVEFIT_FORMAT, ATT_EXPORT_VERSION, digest, seed);
    fprintf(f, "\"chains\":%zu,\"draws\":%zu,\"coordinates\":\"unconstrained\",\"parameters\":[",
            fit->chains, fit->draws);
    for (k = 0; k < n; k++)
        fprintf(f, "%s\"%s\"", k ? "," : "", att_posterior_param(post, k)->name);
    fprintf(f, "],\"draws_by_chain\":[");
    for (c = 0; c < fit->chains; c++) {
        fprintf(f, "%s\n[", c ? "," : "");
        for (i = 0; i < fit->draws; i++) {
            const double *th = fit->theta + (c * fit->draws + i) * n;
            fprintf(f, "%s[", i ? ",\n" : "");
            for (k = 0; k < n; k++)
                fprintf(f, "%s%.17g", k ? "," : "", th[k]);
            fputc(']', f);
        }
        fputc(']', f);
    }
    fprintf(f, "]}\n");
    if (ferror(f))
        return ATT_FAIL(err, ATT_EIO, "writing the saved fit failed");
    return ATT_OK;
}

/* Reads a whole number field, or fails with its name. */
static att_status
savefit_size(const char *name,
             json_t *doc,
             const char *key,
             size_t lo,
             size_t hi,
             size_t *out,
             att_error *err)
{
    json_t *v = json_object_get(doc, key);

    if (!json_is_integer(v) || json_integer_value(v) < (json_int_t)lo ||
        json_integer_value(v) > (json_int_t)hi)
        return att_error_set(err, ATT_EPARSE, name, 0, 0, key,
                             "expected a whole number in [%zu, %zu]", lo, hi);
    *out = (size_t)json_integer_value(v);
    return ATT_OK;
}

att_status
att_savefit_parse(const char *name,
                  const char *text,
                  size_t len,
                  const att_posterior *post,
                  const char digest[ATT_DIGEST_HEX],
                  att_fit_result *out,
                  unsigned long *out_seed,
                  att_error *err)
{
    json_error_t je;
    json_t *doc, *v, *chains;
    size_t n = att_posterior_dim(post), nc = 0, nd = 0, c, i, k;
    att_status st = ATT_OK;
    json_int_t seed;

    memset(out, 0, sizeof *out);
    doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (doc == NULL)
        return att_error_set(err, ATT_EPARSE, name, je.line > 0 ? je.line : 0,
                             je.column > 0 ? je.column : 0, NULL, "expected JSON: %s", je.text);
#define SAVEFIT_FAIL(key, ...)                                             \
    do {                                                                   \
        st = att_error_set(err, ATT_EPARSE, name, 0, 0, key, __VA_ARGS__); \
        goto cleanup;                                                      \
    } while (0)
    if (!json_is_object(doc))
        SAVEFIT_FAIL(NULL, "expected a JSON object");
    v = json_object_get(doc, "format");
    if (!json_is_string(v) || strcmp(json_string_value(v), ATT_SAVEFIT_FORMAT) != 0)
        SAVEFIT_FAIL("format", "expected \"%s\": this is not a saved attrition fit",
                     ATT_SAVEFIT_FORMAT);
    v = json_object_get(doc, "version");
    if (!json_is_integer(v) || json_integer_value(v) != ATT_EXPORT_VERSION)
        SAVEFIT_FAIL("version", "expected version %d", ATT_EXPORT_VERSION);
    v = json_object_get(doc, "seed");
    if (!json_is_integer(v) || (seed = json_integer_value(v)) < 0 || seed > 4294967295LL)
        SAVEFIT_FAIL("seed", "expected a whole number in [0, 4294967295]");
    if ((st = savefit_size(name, doc, "chains", 1, 64, &nc, err)) != ATT_OK ||
        (st = savefit_size(name, doc, "draws", ATT_DIAG_MIN_DRAWS, 1000000, &nd, err)) != ATT_OK)
        goto cleanup;
    v = json_object_get(doc, "parameters");
    if (!json_is_array(v) || json_array_size(v) != n)
        SAVEFIT_FAIL("parameters", "expected the %zu parameters of these inputs", n);
    for (k = 0; k < n; k++) {
        json_t *s = json_array_get(v, k);
        if (!json_is_string(s) ||
            strcmp(json_string_value(s), att_posterior_param(post, k)->name) != 0)
            SAVEFIT_FAIL("parameters", "expected parameter %zu to be \"%s\"", k + 1,
                         att_posterior_param(post, k)->name);
    }
    chains = json_object_get(doc, "draws_by_chain");
    if (!json_is_array(chains) || json_array_size(chains) != nc)
        SAVEFIT_FAIL("draws_by_chain", "expected %zu chains of draws", nc);
    out->dim = n;
    out->chains = nc;
    out->draws = nd;
    out->theta = att_mem_alloc(nc * nd * n * sizeof *out->theta);
    if (out->theta == NULL) {
        st = ATT_FAIL(err, ATT_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (c = 0; c < nc; c++) {
        json_t *ch = json_array_get(chains, c);
        if (!json_is_array(ch) || json_array_size(ch) != nd)
            SAVEFIT_FAIL("draws_by_chain", "expected %zu draws in chain %zu", nd, c + 1);
        for (i = 0; i < nd; i++) {
            json_t *dr = json_array_get(ch, i);
            if (!json_is_array(dr) || json_array_size(dr) != n)
                SAVEFIT_FAIL("draws_by_chain", "expected %zu values in draw %zu of chain %zu", n,
                             i + 1, c + 1);
            for (k = 0; k < n; k++) {
                json_t *x = json_array_get(dr, k);
                double d = json_is_number(x) ? json_number_value(x) : HUGE_VAL;
                if (!isfinite(d))
                    SAVEFIT_FAIL("draws_by_chain",
                                 "expected finite numbers, found another value in draw %zu of "
                                 "chain %zu",
                                 i + 1, c + 1);
                out->theta[(c * nd + i) * n + k] = d;
            }
        }
    }
    /* Valid: only now does it matter whether it is a fit of these inputs. */
    v = json_object_get(doc, "inputs_sha256");
    if (!json_is_string(v) || strlen(json_string_value(v)) != ATT_DIGEST_HEX - 1)
        SAVEFIT_FAIL("inputs_sha256", "expected a SHA-256 in hex");
    if (strcmp(json_string_value(v), digest) != 0) {
        st = att_error_set(err, ATT_EDATA, name, 0, 0, "inputs_sha256",
                           "expected a fit of these inputs (sha256 %.16s...), found one of other "
                           "inputs (%.16s...): refit, or use the scenario and ledger it was made "
                           "with",
                           digest, json_string_value(v));
        goto cleanup;
    }
    *out_seed = (unsigned long)seed;
    st = att_fit_complete(post, out, err);
#undef SAVEFIT_FAIL
cleanup:
    json_decref(doc);
    if (st != ATT_OK)
        att_fit_result_free(out);
    return st;
}

att_status
att_savefit_load(const char *path,
                 const att_posterior *post,
                 const char digest[ATT_DIGEST_HEX],
                 att_fit_result *out,
                 unsigned long *out_seed,
                 att_error *err)
{
    char *text = NULL;
    size_t len = 0;
    att_status st;

    memset(out, 0, sizeof *out);
    st = att_file_slurp(path, &text, &len, err);
    if (st == ATT_OK)
        st = att_savefit_parse(path, text, len, post, digest, out, out_seed, err);
    att_mem_free(text);
    return st;
}
