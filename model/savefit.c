/* savefit.c -- saved fits: every draw of a fit with the digest of its
 * inputs (att_savefit.h), written draw by draw and read back with Jansson,
 * validated whole before the digest is checked against the inputs in use.
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <attrition/att_export.h>
#include <attrition/att_savefit.h>

#include "internal.h"

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
