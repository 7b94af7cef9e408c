/* export.c -- canonical JSON of the fit inputs (Jansson).
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
        if (r->kind == ATT_KIND_RATE || r->measure != ATT_MEASURE_CUMULATIVE) {
            /* From 00:00 of the first day to 24:00 of the last, not
             * averaged.  A loss figure's measure is written only when it
             * is not cumulative, so that a ledger without one keeps its
             * digest. */
            static const char *const keys[2][3] = {{"rate_from", "rate_to", "rate_days"},
                                                   {"period_from", "period_to", "period_days"}};
            const char *const *key = keys[r->kind != ATT_KIND_RATE];
            if (r->kind != ATT_KIND_RATE)
                export_set(o, "measure", json_string(att_measure_name(r->measure)), &bad);
            export_set(o, key[0], json_integer(r->asof_start), &bad);
            export_set(o, key[1], json_integer((json_int_t)r->asof_end + 1), &bad);
            export_set(o, key[2], json_integer((json_int_t)r->asof_end - r->asof_start + 1), &bad);
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
