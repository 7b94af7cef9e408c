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

/* A count or share prior's fields, null where they do not apply. */
static void
export_count_prior(json_t *o,
                   att_count_prior prior,
                   double count,
                   double low,
                   double high,
                   double median,
                   double log_sd,
                   bool *bad)
{
    static const char *const priors[] = {"fixed", "uniform", "lognormal", "share", "beta"};

    export_set(o, "prior", json_string(priors[prior]), bad);
    export_set(o, "count", prior == ATT_COUNT_FIXED ? json_real(count) : json_null(), bad);
    export_set(o, "low", prior == ATT_COUNT_UNIFORM ? json_real(low) : json_null(), bad);
    export_set(o, "high", prior == ATT_COUNT_UNIFORM ? json_real(high) : json_null(), bad);
    export_set(o, "log_mean",
               prior == ATT_COUNT_LOGNORMAL ? json_real(att_log(median)) : json_null(), bad);
    export_set(o, "log_sd", prior == ATT_COUNT_LOGNORMAL ? json_real(log_sd) : json_null(), bad);
}

/* The force's groups, departures and return to duty (docs/model.md 1.5),
 * written only for a model that has them, so that a first-version file
 * keeps its bytes and digest. */
static json_t *
export_force(const att_params *p, bool *bad)
{
    json_t *f = json_object(), *a = json_array(), *o;
    size_t k, ng = att_params_group_count(p);

    for (k = 0; k < ng; k++) {
        const att_group *g = p->ngroup > 0 ? &p->groups[k] : NULL;
        o = json_object();
        export_set(o, "name", json_string(g != NULL ? g->name : "all"), bad);
        export_set(o, "fixed", json_boolean(g == NULL || g->fixed), bad);
        export_set(o, "ratio",
                   g == NULL || g->fixed ? json_real(g != NULL ? g->ratio : 1.0) : json_null(),
                   bad);
        export_set(o, "log_ratio_mean",
                   g != NULL && !g->fixed ? json_real(att_log(g->ratio_median)) : json_null(), bad);
        export_set(o, "log_ratio_sd",
                   g != NULL && !g->fixed ? json_real(g->ratio_log_sd) : json_null(), bad);
        export_push(a, o, bad);
    }
    export_set(f, "groups", a, bad);
    a = json_array();
    for (k = 0; k < p->ndeparture; k++) {
        const att_departure *dp = &p->departures[k];
        o = json_object();
        export_set(o, "name", json_string(dp->name), bad);
        export_set(o, "time", json_integer(dp->date), bad);
        export_set(o, "date", export_date(dp->date), bad);
        export_set(o, "group", json_integer((json_int_t)dp->group), bad);
        export_set(o, "by_share", json_boolean(dp->by_share), bad);
        export_count_prior(o, dp->prior, dp->count, dp->low, dp->high, dp->median, dp->log_sd, bad);
        export_set(o, "share_a", dp->prior == ATT_COUNT_BETA ? json_real(dp->share_a) : json_null(),
                   bad);
        export_set(o, "share_b", dp->prior == ATT_COUNT_BETA ? json_real(dp->share_b) : json_null(),
                   bad);
        export_push(a, o, bad);
    }
    export_set(f, "departures", a, bad);
    o = json_object();
    export_set(o, "delay", json_integer(p->return_delay), bad);
    export_set(o, "fixed", json_boolean(p->return_fixed), bad);
    export_set(o, "share", p->return_fixed ? json_real(p->return_share) : json_null(), bad);
    export_set(o, "share_a", p->return_fixed ? json_null() : json_real(p->return_a), bad);
    export_set(o, "share_b", p->return_fixed ? json_null() : json_real(p->return_b), bad);
    export_set(f, "returns", o, bad);
    return f;
}

/* Noise per class or an undercount class (MODEL.md, "Undercounting
 * sources"): written only where used, so that other files keep their
 * bytes and digest. */
static bool
export_sources_extended(const att_params *p)
{
    size_t k;

    for (k = 0; k < p->nclass; k++)
        if (p->classes[k].undercount)
            return true;
    return p->noise_per_class;
}

static json_t *
export_sources(const att_params *p, bool *bad)
{
    json_t *s = json_object(), *a = json_array(), *o;
    size_t k;

    export_set(s, "noise", json_string(p->noise_per_class ? "per_class" : "shared"), bad);
    export_set(s, "sigma_spread", p->noise_per_class ? json_real(p->sigma_spread) : json_null(),
               bad);
    for (k = 0; k < p->nclass; k++) {
        const att_class *cl = &p->classes[k];
        o = json_object();
        export_set(o, "name", json_string(cl->name), bad);
        export_set(o, "undercount", json_boolean(cl->undercount), bad);
        export_set(o, "completeness_a",
                   cl->undercount ? json_real(cl->completeness_a) : json_null(), bad);
        export_set(o, "completeness_b",
                   cl->undercount ? json_real(cl->completeness_b) : json_null(), bad);
        export_push(a, o, bad);
    }
    export_set(s, "classes", a, bad);
    return s;
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
        o = json_object();
        export_set(o, "name", json_string(ar->name), &bad);
        export_set(o, "time", json_integer(ar->date), &bad);
        export_set(o, "date", export_date(ar->date), &bad);
        export_count_prior(o, ar->prior, ar->count, ar->low, ar->high, ar->median, ar->log_sd,
                           &bad);
        if (att_params_extended(p))
            export_set(o, "group", json_integer((json_int_t)ar->group), &bad);
        export_push(a, o, &bad);
    }
    export_set(doc, "arrivals", a, &bad);
    if (att_params_extended(p))
        export_set(doc, "force", export_force(p, &bad), &bad);
    if (export_sources_extended(p))
        export_set(doc, "sources", export_sources(p, &bad), &bad);
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
        if (export_sources_extended(p)) {
            /* log y = log m + bias (or log c_s) + e, e ~ N(0, sigma_noise^2), where the
             * noise names sigma (shared) or the class's sigma_s coordinate z_s. */
            size_t ci = att_kind_family(r->kind) == ATT_FAMILY_LOSSES
                            ? att_posterior_completeness_index(post, r->cls)
                            : ATT_NONE;
            export_set(o, "completeness",
                       ci == ATT_NONE ? json_null()
                                      : json_string(att_posterior_param(post, ci)->name),
                       &bad);
            size_t zi = att_posterior_noise_index(post, r->cls);
            export_set(o, "noise",
                       zi == ATT_NONE ? json_null()
                                      : json_string(att_posterior_param(post, zi)->name),
                       &bad);
        }
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
        if (att_params_extended(p)) {
            /* The groups it sums (all of them for the whole force). */
            json_t *gs = json_array();
            uint32_t set = att_ledger_group_set(r, p);
            for (k = 0; k < att_params_group_count(p); k++)
                if (set == 0 || (set >> k & 1u))
                    export_push(gs, json_integer((json_int_t)k), &bad);
            export_set(o, "groups", gs, &bad);
        }
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
