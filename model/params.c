/* params.c -- typed, validated scenario parameters from a merged INI tree.
 *
 * Contents: the key table (params_keys.def); value parsers; per-section
 * fillers; cross-checks (phases contiguous, one form per count, waves and
 * anchors resolved); the public lookup helpers.
 *
 * Every error names the file and line of the key or section at fault, what
 * was expected and what was found, with a "did you mean" where a known
 * name is close.  Reference: docs/model.md, sections 1, 3 and 8;
 * params/README.md documents each key.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <attrition/att_date.h>
#include <attrition/att_params.h>

#include "ptree.h"

typedef enum {
    PS_TOP,
    PS_MODEL,
    PS_PRIORS,
    PS_PROJECTION,
    PS_PHASE,
    PS_GROUP,
    PS_ARRIVAL,
    PS_DEPARTURE,
    PS_CLASS,
    PS_WAVE,
    PS_THRESHOLD,
    PS_COUNT
} params_sec;

/* Section words as written in a header, and as documented. */
static const char *const params_sec_word[PS_COUNT] = {"",      "model", "priors",   "projection",
                                                      "phase", "group", "arrival",  "departure",
                                                      "class", "wave",  "threshold"};
static const char *const params_sec_doc[PS_COUNT] = {
    "(top)",        "model",          "priors",     "projection", "phase NAME",    "group NAME",
    "arrival NAME", "departure NAME", "class NAME", "wave NAME",  "threshold NAME"};

typedef enum {
    PT_TEXT,
    PT_PATH,
    PT_DATE,
    PT_DATE_OPEN,
    PT_NUM,
    PT_INT,
    PT_ENUM,
    PT_NAME,
    PT_ANCHOR,
    PT_LEVELS,
    PT_BOOL,
    PT_FROM
} params_type;

static const char *const params_type_name[] = {"text",   "path",    "date",    "date",
                                               "number", "integer", "word",    "name",
                                               "anchor", "list",    "boolean", "word or date"};

typedef enum {
#define PK(id, sec, key, type, def, lo, hi, bounds, choices, unit, help) PK_##id,
#include "params_keys.def"
#undef PK
    PK_COUNT
} params_key_id;

typedef struct {
    params_sec sec;
    const char *key;
    params_type type;
    const char *defval;
    double lo, hi;
    const char *bounds;
    const char *choices;
    const char *unit;
    const char *help;
} params_keydef;

static const params_keydef params_keys[PK_COUNT] = {
#define PK(id, sec, key, type, def, lo, hi, bounds, choices, unit, help) \
    {sec, key, type, def, lo, hi, bounds, choices, unit, help},
#include "params_keys.def"
#undef PK
};

/* A parsed value of any key type. */
typedef struct {
    double num;
    long integer;
    int32_t day;
    size_t choice; /* ENUM: index in choices; FROM: 0 start, 1 first_wave, 2 date */
    bool flag;
    const char *text; /* TEXT, PATH, NAME, ANCHOR: the raw value (borrowed) */
    double levels[ATT_QUANTILES_MAX];
    size_t nlevels;
} params_val;

/* Conversion state: the result being filled and where we are. */
typedef struct {
    att_params *p;
    att_error *err;
    const ptree_section *sec; /* section being converted */
    bool given[PK_COUNT];     /* keys stated in that section */
    att_origin at[PK_COUNT];  /* and where */
    const char *anchor_text;  /* resolved once classes are known */
    att_origin anchor_at;
    const char *reference; /* [model] reference_group, resolved once groups are known */
    att_origin reference_at;
    bool *ratio_given;      /* per group: hazard_ratio or its prior stated */
    const char *proj_phase; /* [projection] hazard_phase, resolved later */
    att_origin proj_phase_at;
    const char **wave_after; /* per wave: `after` and hazard_phase names, borrowed */
    const char **wave_phase;
    att_origin *wave_after_at, *wave_phase_at;
} params_ctx;

/* ---- messages ----------------------------------------------------------- */

static att_status
params_fail_at(params_ctx *c, att_origin at, const char *key, att_status code, const char *fmt, ...)
    ATT_PRINTF(5, 6);

static att_status
params_fail_at(params_ctx *c, att_origin at, const char *key, att_status code, const char *fmt, ...)
{
    char msg[ATT_ERROR_MSG_MAX], field[256];
    va_list ap;

    va_start(ap, fmt);
    (void)vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (c->sec != NULL && c->sec->type[0] != '\0')
        (void)snprintf(field, sizeof field, "[%.40s%s%.40s]%s%.40s", c->sec->type,
                       c->sec->name[0] ? " " : "", c->sec->name, key ? " " : "", key ? key : "");
    else
        att_strlcpy(field, key ? key : "", sizeof field);
    return att_error_set(c->err, code, at.path, at.line, 0, field, "%s", msg);
}

/* The numeric range of a key as text, e.g. "(0, 1]". */
static void
params_range_text(const params_keydef *k, char *buf, size_t n)
{
    if (k->type == PT_NUM || k->type == PT_INT)
        (void)snprintf(buf, n, "%c%.15g, %.15g%c", k->bounds[0], k->lo, k->hi, k->bounds[1]);
    else if (k->type == PT_ENUM || k->type == PT_BOOL) {
        size_t i, j = 0;
        for (i = 0; k->choices[i] != '\0' && j + 3 < n; i++) {
            if (k->choices[i] == '|') {
                buf[j++] = ',';
                buf[j++] = ' ';
            } else
                buf[j++] = k->choices[i];
        }
        buf[j] = '\0';
    } else
        att_strlcpy(buf, k->choices, n);
}

static bool
params_in_range(const params_keydef *k, double v)
{
    bool lo_ok = k->bounds[0] == '(' ? v > k->lo : v >= k->lo;
    bool hi_ok = k->bounds[1] == ')' ? v < k->hi : v <= k->hi;
    return lo_ok && hi_ok;
}

/* ---- value parsers ------------------------------------------------------ */

/* Index of word in a "a|b|c" list, or ATT_NONE; *closest gets a suggestion. */
static size_t
params_choice(const char *choices, const char *word, char *closest, size_t n)
{
    const char *p = choices;
    size_t i = 0, bestd = 4;

    closest[0] = '\0';
    while (*p != '\0') {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        char opt[64];
        size_t d;
        if (len >= sizeof opt)
            len = sizeof opt - 1;
        memcpy(opt, p, len);
        opt[len] = '\0';
        if (strcmp(opt, word) == 0)
            return i;
        d = att_edit_distance(word, opt, 3);
        if (d <= 3 && d < bestd && d <= strlen(opt) / 2 + 1) {
            bestd = d;
            att_strlcpy(closest, opt, n);
        }
        i++;
        p += len + (bar != NULL);
        if (bar == NULL)
            break;
    }
    return ATT_NONE;
}

static att_status
params_levels(params_ctx *c, const params_keydef *k, const ptree_entry *e, params_val *v)
{
    char buf[512], *tok, *save = NULL;
    bool has_median = false;
    size_t n = 0;

    if (strlen(e->value) >= sizeof buf)
        return params_fail_at(c, e->origin, e->key, ATT_EPARSE, "expected a shorter list");
    att_strlcpy(buf, e->value, sizeof buf);
    if (buf[0] == '\0')
        return params_fail_at(c, e->origin, e->key, ATT_EPARSE,
                              "expected a list of percent levels, found nothing");
    if (strstr(buf, ",,") != NULL || buf[0] == ',' || buf[strlen(buf) - 1] == ',')
        return params_fail_at(c, e->origin, e->key, ATT_EPARSE,
                              "expected percent levels separated by single commas, found an "
                              "empty item in \"%s\"",
                              e->value);
    for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        double x;
        char *t = tok;
        size_t len;
        while (*t == ' ')
            t++;
        len = strlen(t);
        while (len > 0 && t[len - 1] == ' ')
            t[--len] = '\0';
        if (!att_parse_double(t, &x) || !params_in_range(k, x))
            return params_fail_at(c, e->origin, e->key, ATT_EPARSE,
                                  "expected percent levels in (0, 100) separated by commas, "
                                  "found \"%s\"",
                                  t);
        if (n == ATT_QUANTILES_MAX)
            return params_fail_at(c, e->origin, e->key, ATT_ERANGE,
                                  "expected at most %d levels, found more", ATT_QUANTILES_MAX);
        if (n > 0 && x <= v->levels[n - 1])
            return params_fail_at(c, e->origin, e->key, ATT_EPARSE,
                                  "expected ascending levels, found %g after %g", x,
                                  v->levels[n - 1]);
        has_median |= x == 50.0;
        v->levels[n++] = x;
    }
    if (n == 0)
        return params_fail_at(c, e->origin, e->key, ATT_EPARSE,
                              "expected a list of percent levels, found nothing");
    if (!has_median)
        return params_fail_at(c, e->origin, e->key, ATT_EPARSE,
                              "expected the list to include 50 (the median), found \"%s\"",
                              e->value);
    v->nlevels = n;
    return ATT_OK;
}

/* Parses e's value as key k's type into v. */
static att_status
params_parse_value(params_ctx *c, const params_keydef *k, const ptree_entry *e, params_val *v)
{
    const char *s = e->value, *why = "";
    char range[128], sugg[64];

    memset(v, 0, sizeof *v);
    v->text = s;
    params_range_text(k, range, sizeof range);
    switch (k->type) {
    case PT_TEXT:
    case PT_PATH:
    case PT_ANCHOR:
        if (k->type == PT_PATH && s[0] == '\0')
            return params_fail_at(c, e->origin, e->key, ATT_EPARSE,
                                  "expected a file path, found nothing");
        return ATT_OK;
    case PT_NAME:
        if (!att_is_name(s))
            return params_fail_at(c, e->origin, e->key, ATT_EPARSE,
                                  "expected %s (letters, digits, _), found \"%s\"", k->choices, s);
        return ATT_OK;
    case PT_DATE_OPEN:
        if (strcmp(s, "open") == 0) {
            v->day = ATT_DAY_OPEN;
            return ATT_OK;
        }
        /* fall through */
    case PT_DATE:
        if (att_date_parse(s, &v->day, &why) != ATT_OK)
            return params_fail_at(c, e->origin, e->key, ATT_EPARSE,
                                  "expected %s, found \"%s\" (%s)", range, s, why);
        return ATT_OK;
    case PT_NUM:
        if (!att_parse_double(s, &v->num) || !params_in_range(k, v->num))
            return params_fail_at(c, e->origin, e->key, ATT_EPARSE,
                                  "expected a number in %s, found \"%s\"", range, s);
        return ATT_OK;
    case PT_INT:
        if (!att_parse_long(s, &v->integer) || !params_in_range(k, (double)v->integer))
            return params_fail_at(c, e->origin, e->key, ATT_EPARSE,
                                  "expected a whole number in %s, found \"%s\"", range, s);
        return ATT_OK;
    case PT_ENUM:
    case PT_BOOL:
        v->choice = params_choice(k->choices, s, sugg, sizeof sugg);
        if (v->choice == ATT_NONE)
            return params_fail_at(c, e->origin, e->key, ATT_EPARSE,
                                  "expected one of %s, found \"%s\"%s%s%s", range, s,
                                  sugg[0] ? " (did you mean \"" : "", sugg, sugg[0] ? "\"?)" : "");
        v->flag = v->choice == 0;
        return ATT_OK;
    case PT_FROM:
        if (strcmp(s, "start") == 0)
            v->choice = 0;
        else if (strcmp(s, "first_wave") == 0)
            v->choice = 1;
        else if (att_date_parse(s, &v->day, &why) == ATT_OK)
            v->choice = 2;
        else
            return params_fail_at(c, e->origin, e->key, ATT_EPARSE, "expected %s, found \"%s\"",
                                  range, s);
        return ATT_OK;
    case PT_LEVELS:
        return params_levels(c, k, e, v);
    }
    return ATT_FAIL(c->err, ATT_EINTERNAL, "unknown key type");
}

/* ---- filling the structures ------------------------------------------- */

static att_status
params_dup(params_ctx *c, char **dst, const char *s)
{
    char *d = att_mem_strdup(s);

    if (d == NULL)
        return ATT_FAIL(c->err, ATT_ENOMEM, "out of memory");
    att_mem_free(*dst);
    *dst = d;
    return ATT_OK;
}

static void
params_set_hazard(att_hazard_rule *h, params_key_id id, params_key_id base, const params_val *v)
{
    /* base is the section's HAZARD_PHASE key; the next four follow it in
     * params_keys.def: MULTIPLIER, MULTIPLIER_LOW, MULTIPLIER_HIGH, HAZARD. */
    switch ((int)id - (int)base) {
    case 1:
        h->mult_low = h->mult_high = v->num;
        break;
    case 2:
        h->mult_low = v->num;
        break;
    case 3:
        h->mult_high = v->num;
        break;
    case 4:
        h->kind = ATT_HAZARD_FIXED;
        h->value = v->num;
        break;
    default:
        break;
    }
}

/* The index of the group named name into *out: an error if no [group] is
 * declared or none has that name. */
static att_status
params_group_ref(params_ctx *c, const char *key, const char *name, att_origin at, size_t *out)
{
    const att_params *p = c->p;
    const char *cand[64], *near;
    size_t i, n = p->ngroup < 64 ? p->ngroup : 64;

    if (p->ngroup == 0)
        return params_fail_at(c, at, key, ATT_EDATA,
                              "expected no group: no [group NAME] section is declared, found "
                              "\"%s\"",
                              name);
    *out = att_params_group_index(p, name);
    if (*out != ATT_NONE)
        return ATT_OK;
    for (i = 0; i < n; i++)
        cand[i] = p->groups[i].name;
    near = att_closest(name, cand, n);
    return params_fail_at(c, at, key, ATT_EDATA,
                          "expected the name of a [group], found \"%s\"%s%s%s", name,
                          near ? " (did you mean \"" : "", near ? near : "", near ? "\"?)" : "");
}

/* Stores one parsed value.  item is the named section's element index. */
static att_status
params_store(params_ctx *c, params_key_id id, size_t item, const params_val *v, att_origin at)
{
    att_params *p = c->p;
    att_projection_params *pr = &p->projection;
    /* params_allocate made every array, one element more than its
     * sections, before any value is stored. */
    att_phase *ph = &p->phases[item];
    att_arrival *ar = &p->arrivals[item];
    att_group *gr = &p->groups[item];
    att_departure *dp = &p->departures[item];
    att_class *cl = &p->classes[item];
    att_wave *wv = &p->waves[item];
    att_threshold *th = &p->thresholds[item];
    size_t i;

    switch (id) {
    case PK_TOP_DESCRIPTION:
        return params_dup(c, &p->description, v->text);
    case PK_TOP_INCLUDE:  /* handled by ptree.c */
    case PK_MODEL_FAMILY: /* one family so far: nothing to store */
    case PK_PHASE_ENABLED:
    case PK_GROUP_ENABLED:
    case PK_DEPARTURE_ENABLED:
    case PK_ARRIVAL_ENABLED:
    case PK_CLASS_ENABLED:
    case PK_WAVE_ENABLED:
    case PK_THRESHOLD_ENABLED: /* "false" never gets here: ptree.c drops the section */
        return ATT_OK;
    case PK_MODEL_LEDGER: {
        char *path = ptree_path_resolve(at.path, v->text);
        if (path == NULL)
            return ATT_FAIL(c->err, ATT_ENOMEM, "out of memory");
        att_mem_free(p->ledger);
        p->ledger = path;
        p->ledger_origin = at;
        return ATT_OK;
    }
    case PK_MODEL_ANCHOR:
        /* The default "none" lives in a temporary buffer: keep NULL for it. */
        c->anchor_text = strcmp(v->text, "none") == 0 ? NULL : v->text;
        c->anchor_at = at;
        return ATT_OK;
    case PK_MODEL_CHAINS:
        p->chains = v->integer;
        return ATT_OK;
    case PK_MODEL_WARMUP:
        p->warmup = v->integer;
        return ATT_OK;
    case PK_MODEL_DRAWS:
        p->draws = v->integer;
        return ATT_OK;
    case PK_MODEL_ADAPT_DELTA:
        p->adapt_delta = v->num;
        return ATT_OK;
    case PK_MODEL_ADAPT_DELTA_MAX:
        p->adapt_delta_max = v->num;
        return ATT_OK;
    case PK_MODEL_MAX_DEPTH:
        p->max_depth = v->integer;
        return ATT_OK;
    case PK_MODEL_METRIC:
        p->metric = (att_metric)v->choice;
        return ATT_OK;
    case PK_MODEL_REFERENCE_GROUP:
        c->reference = v->text;
        c->reference_at = at;
        return ATT_OK;
    case PK_MODEL_RETURN_SHARE:
        p->return_fixed = true;
        p->return_share = v->num;
        return ATT_OK;
    case PK_MODEL_RETURN_SHARE_A:
        p->return_fixed = false;
        p->return_a = v->num;
        return ATT_OK;
    case PK_MODEL_RETURN_SHARE_B:
        p->return_b = v->num;
        return ATT_OK;
    case PK_MODEL_RETURN_DELAY:
        p->return_delay = v->integer;
        return ATT_OK;
    case PK_GROUP_HAZARD_RATIO:
        gr->fixed = true;
        gr->ratio = v->num;
        c->ratio_given[item] = true;
        return ATT_OK;
    case PK_GROUP_HAZARD_RATIO_MEDIAN:
        gr->ratio_median = v->num;
        c->ratio_given[item] = true;
        return ATT_OK;
    case PK_GROUP_HAZARD_RATIO_LOG_SD:
        gr->ratio_log_sd = v->num;
        c->ratio_given[item] = true;
        return ATT_OK;
    case PK_GROUP_DESCRIPTION:
        return params_dup(c, &gr->description, v->text);
    case PK_ARRIVAL_GROUP:
        return params_group_ref(c, "group", v->text, at, &ar->group);
    case PK_DEPARTURE_DATE:
        dp->date = dp->date_high = v->day;
        return ATT_OK;
    case PK_DEPARTURE_DATE_LOW:
        dp->date = v->day;
        dp->scheduled = true;
        return ATT_OK;
    case PK_DEPARTURE_DATE_HIGH:
        dp->date_high = v->day;
        return ATT_OK;
    case PK_DEPARTURE_GROUP:
        return params_group_ref(c, "group", v->text, at, &dp->group);
    case PK_DEPARTURE_COUNT:
    case PK_DEPARTURE_SHARE:
        dp->count = v->num;
        return ATT_OK;
    case PK_DEPARTURE_COUNT_LOW:
        dp->low = v->num;
        return ATT_OK;
    case PK_DEPARTURE_COUNT_HIGH:
        dp->high = v->num;
        return ATT_OK;
    case PK_DEPARTURE_COUNT_MEDIAN:
        dp->median = v->num;
        return ATT_OK;
    case PK_DEPARTURE_COUNT_LOG_SD:
        dp->log_sd = v->num;
        return ATT_OK;
    case PK_DEPARTURE_SHARE_A:
        dp->share_a = v->num;
        return ATT_OK;
    case PK_DEPARTURE_SHARE_B:
        dp->share_b = v->num;
        return ATT_OK;
    case PK_PRIORS_KAPPA_A:
        p->kappa_a = v->num;
        return ATT_OK;
    case PK_PRIORS_KAPPA_B:
        p->kappa_b = v->num;
        return ATT_OK;
    case PK_PRIORS_SIGMA_MEDIAN:
        p->sigma_median = v->num;
        return ATT_OK;
    case PK_PRIORS_SIGMA_LOG_SD:
        p->sigma_log_sd = v->num;
        return ATT_OK;
    case PK_PRIORS_SIGMA_SPREAD:
        p->sigma_spread = v->num;
        return ATT_OK;
    case PK_MODEL_NOISE:
        p->noise_per_class = v->choice == 1;
        return ATT_OK;
    case PK_PHASE_START:
        ph->start = v->day;
        return ATT_OK;
    case PK_PHASE_END:
        ph->end = v->day;
        return ATT_OK;
    case PK_PHASE_HAZARD:
        ph->fixed = true;
        ph->hazard = v->num;
        return ATT_OK;
    case PK_PHASE_HAZARD_MEDIAN:
        ph->prior_median = v->num;
        return ATT_OK;
    case PK_PHASE_HAZARD_LOG_SD:
        ph->prior_log_sd = v->num;
        return ATT_OK;
    case PK_ARRIVAL_DATE:
        ar->date = v->day;
        return ATT_OK;
    case PK_ARRIVAL_COUNT:
        ar->count = v->num;
        return ATT_OK;
    case PK_ARRIVAL_COUNT_LOW:
        ar->low = v->num;
        return ATT_OK;
    case PK_ARRIVAL_COUNT_HIGH:
        ar->high = v->num;
        return ATT_OK;
    case PK_ARRIVAL_COUNT_MEDIAN:
        ar->median = v->num;
        return ATT_OK;
    case PK_ARRIVAL_COUNT_LOG_SD:
        ar->log_sd = v->num;
        return ATT_OK;
    case PK_CLASS_TAU_LOSSES:
        cl->tau[ATT_FAMILY_LOSSES] = v->num;
        return ATT_OK;
    case PK_CLASS_TAU_FORCE:
        cl->tau[ATT_FAMILY_FORCE] = v->num;
        return ATT_OK;
    case PK_CLASS_DESCRIPTION:
        return params_dup(c, &cl->description, v->text);
    case PK_CLASS_UNDERCOUNT:
        cl->undercount = v->flag;
        return ATT_OK;
    case PK_CLASS_COMPLETENESS_A:
        cl->completeness_a = v->num;
        return ATT_OK;
    case PK_CLASS_COMPLETENESS_B:
        cl->completeness_b = v->num;
        return ATT_OK;
    case PK_WAVE_DATE:
        wv->date_low = wv->date_high = v->day;
        return ATT_OK;
    case PK_WAVE_DATE_LOW:
        wv->date_low = v->day;
        return ATT_OK;
    case PK_WAVE_DATE_HIGH:
        wv->date_high = v->day;
        return ATT_OK;
    case PK_WAVE_AFTER:
        c->wave_after[item] = v->text;
        c->wave_after_at[item] = at;
        return ATT_OK;
    case PK_WAVE_GAP_LOW:
        wv->gap_low = (int32_t)v->integer;
        return ATT_OK;
    case PK_WAVE_GAP_HIGH:
        wv->gap_high = (int32_t)v->integer;
        return ATT_OK;
    case PK_WAVE_SIZE:
        wv->size_prior = ATT_COUNT_FIXED;
        wv->size_low = wv->size_high = v->num;
        return ATT_OK;
    case PK_WAVE_SIZE_LOW:
        wv->size_low = v->num;
        return ATT_OK;
    case PK_WAVE_SIZE_HIGH:
        wv->size_high = v->num;
        return ATT_OK;
    case PK_WAVE_SHARE:
        wv->share = v->num;
        return ATT_OK;
    case PK_WAVE_HAZARD_PHASE:
        c->wave_phase[item] = v->text;
        c->wave_phase_at[item] = at;
        return ATT_OK;
    case PK_WAVE_HAZARD_MULTIPLIER:
    case PK_WAVE_HAZARD_MULTIPLIER_LOW:
    case PK_WAVE_HAZARD_MULTIPLIER_HIGH:
    case PK_WAVE_HAZARD:
        params_set_hazard(&wv->hazard, id, PK_WAVE_HAZARD_PHASE, v);
        return ATT_OK;
    case PK_THRESHOLD_QUANTITY:
        th->quantity = (att_quantity)v->choice;
        return ATT_OK;
    case PK_THRESHOLD_DIRECTION:
        th->below = v->choice == 0;
        return ATT_OK;
    case PK_THRESHOLD_VALUE:
        th->value = v->num;
        return ATT_OK;
    case PK_THRESHOLD_DESCRIPTION:
        return params_dup(c, &th->description, v->text);
    case PK_THRESHOLD_GROUP:
        return params_group_ref(c, "group", v->text, at, &th->group);
    case PK_WAVE_GROUP:
        return params_group_ref(c, "group", v->text, at, &wv->group);
    case PK_PROJ_START:
        pr->start = v->day;
        return ATT_OK;
    case PK_PROJ_HORIZON:
        pr->horizon = v->integer;
        return ATT_OK;
    case PK_PROJ_STEP:
        pr->step = v->integer;
        return ATT_OK;
    case PK_PROJ_COUNT_MODEL:
        pr->counts = (att_count_model)v->choice;
        return ATT_OK;
    case PK_PROJ_DISPERSION:
        pr->dispersion = v->num;
        return ATT_OK;
    case PK_PROJ_HAZARD_PHASE:
        c->proj_phase = v->text;
        c->proj_phase_at = at;
        return ATT_OK;
    case PK_PROJ_HAZARD_MULTIPLIER:
    case PK_PROJ_HAZARD_MULTIPLIER_LOW:
    case PK_PROJ_HAZARD_MULTIPLIER_HIGH:
    case PK_PROJ_HAZARD:
        params_set_hazard(&pr->hazard, id, PK_PROJ_HAZARD_PHASE, v);
        return ATT_OK;
    case PK_PROJ_HAZARD_FROM:
        pr->hazard_from = (att_hazard_from)v->choice;
        pr->hazard_from_date = v->day;
        return ATT_OK;
    case PK_PROJ_TOTAL_LOW:
        pr->total_low = v->num;
        return ATT_OK;
    case PK_PROJ_TOTAL_HIGH:
        pr->total_high = v->num;
        return ATT_OK;
    case PK_PROJ_QUANTILES:
        for (i = 0; i < v->nlevels; i++)
            pr->quantiles[i] = v->levels[i];
        pr->nquantiles = v->nlevels;
        return ATT_OK;
    case PK_PROJ_PATHS:
        pr->paths = v->integer;
        return ATT_OK;
    case PK_PROJ_SEED:
        pr->seed = (unsigned long)v->integer;
        return ATT_OK;
    case PK_COUNT:
        break;
    }
    return ATT_FAIL(c->err, ATT_EINTERNAL, "unhandled parameter key");
}

static size_t
params_find_key(params_sec sec, const char *key)
{
    size_t i;

    for (i = 0; i < PK_COUNT; i++)
        if (params_keys[i].sec == sec && strcmp(params_keys[i].key, key) == 0)
            return i;
    return ATT_NONE;
}

/* Keys of earlier versions, refused with what to write instead. */
static const struct {
    params_sec sec;
    const char *key, *hint;
} params_retired_keys[] = {
    {PS_PRIORS, "sigma_scale",
     "no longer a key: sigma's prior is log-normal (docs/model.md, section 3.2; the half-normal "
     "let the posterior reach sigma near 0): state sigma_median (default 0.25) and "
     "sigma_log_sd (default 0.5) instead"},
};

/* The hint for a retired key of this section, or NULL. */
static const char *
params_retired(params_sec sec, const char *key)
{
    size_t i;

    for (i = 0; i < sizeof params_retired_keys / sizeof params_retired_keys[0]; i++)
        if (params_retired_keys[i].sec == sec && strcmp(params_retired_keys[i].key, key) == 0)
            return params_retired_keys[i].hint;
    return NULL;
}

/* A key the table marks required that this section may leave out: an
 * undercount class has no losses bias, so no tau_losses. */
static bool
params_not_required(const params_ctx *c, params_key_id id, size_t item)
{
    return id == PK_CLASS_TAU_LOSSES && c->p->classes[item].undercount;
}

/* Converts one section: defaults first, then its keys. */
static att_status
params_convert_section(params_ctx *c, params_sec sec, size_t item)
{
    const char *cand[PK_COUNT];
    size_t i, ncand = 0;
    params_val v;
    att_status st;

    memset(c->given, 0, sizeof c->given);
    for (i = 0; i < PK_COUNT; i++) {
        const params_keydef *k = &params_keys[i];
        ptree_entry def;
        char defkey[64], defval[64];
        if (k->sec != sec)
            continue;
        cand[ncand++] = k->key;
        c->at[i] = c->sec->origin;
        if (strcmp(k->defval, "-") == 0 || strcmp(k->defval, "required") == 0)
            continue;
        att_strlcpy(defkey, k->key, sizeof defkey);
        att_strlcpy(defval, k->defval, sizeof defval);
        def.key = defkey;
        def.value = defval;
        def.origin = c->sec->origin;
        st = params_parse_value(c, k, &def, &v);
        if (st == ATT_OK)
            st = params_store(c, (params_key_id)i, item, &v, def.origin);
        if (st != ATT_OK)
            return st;
    }
    for (i = 0; i < c->sec->nentry; i++) {
        const ptree_entry *e = &c->sec->entries[i];
        size_t id = params_find_key(sec, e->key);
        const char *hint = params_retired(sec, e->key);
        if (hint != NULL)
            return params_fail_at(c, e->origin, e->key, ATT_EPARSE, "%s", hint);
        if (id == ATT_NONE) {
            const char *near = att_closest(e->key, cand, ncand);
            return params_fail_at(c, e->origin, e->key, ATT_EPARSE, "unknown key%s%s%s",
                                  near ? " (did you mean \"" : "", near ? near : "",
                                  near ? "\"?)" : "");
        }
        st = params_parse_value(c, &params_keys[id], e, &v);
        if (st == ATT_OK)
            st = params_store(c, (params_key_id)id, item, &v, e->origin);
        if (st != ATT_OK)
            return st;
        c->given[id] = true;
        c->at[id] = e->origin;
    }
    for (i = 0; i < PK_COUNT; i++)
        if (params_keys[i].sec == sec && strcmp(params_keys[i].defval, "required") == 0 &&
            !c->given[i] && !params_not_required(c, (params_key_id)i, item))
            return params_fail_at(c, c->sec->origin, params_keys[i].key, ATT_EPARSE,
                                  "expected this key in the section, found none");
    return ATT_OK;
}

/* Checks that exactly one of several alternative key groups is complete.
 * groups: up to 3 groups of up to 3 keys, PK_COUNT-terminated. */
static att_status
params_one_of(params_ctx *c, const char *what, const params_key_id groups[][3], size_t ngroups)
{
    size_t g, k, complete = 0;
    char list[256] = "";

    for (g = 0; g < ngroups; g++) {
        size_t have = 0, n = 0;
        char one[96] = "";
        for (k = 0; k < 3 && groups[g][k] != PK_COUNT; k++, n++) {
            have += c->given[groups[g][k]];
            (void)snprintf(one + strlen(one), sizeof one - strlen(one), "%s%s", k ? " + " : "",
                           params_keys[groups[g][k]].key);
        }
        (void)snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
                       g ? (g + 1 == ngroups ? " or " : ", ") : "", one);
        if (have > 0 && have < n) {
            for (k = 0; k < n && c->given[groups[g][k]]; k++)
                ;
            return params_fail_at(c, c->sec->origin, params_keys[groups[g][k]].key, ATT_EPARSE,
                                  "expected %s to come with %s, found it missing", one,
                                  params_keys[groups[g][k]].key);
        }
        if (have == n) {
            complete++;
        }
    }
    if (complete == 1)
        return ATT_OK;
    return params_fail_at(c, c->sec->origin, NULL, ATT_EPARSE,
                          "expected exactly one %s: %s; found %s", what, list,
                          complete == 0 ? "none" : "more than one");
}

/* ---- the section walk --------------------------------------------------- */

static params_sec
params_section_kind(const char *word)
{
    size_t i;

    for (i = 0; i < PS_COUNT; i++)
        if (strcmp(params_sec_word[i], word) == 0)
            return (params_sec)i;
    return PS_COUNT;
}

static att_status
params_check_header(params_ctx *c, params_sec *out)
{
    const ptree_section *s = c->sec;
    params_sec k = params_section_kind(s->type);
    const char *near;

    if (s->type[0] == '\0' && s->origin.line > 0)
        return att_error_set(c->err, ATT_EPARSE, s->origin.path, s->origin.line, 0, NULL,
                             "expected a section name between the brackets, found none");
    if (k == PS_COUNT) {
        near = att_closest(s->type, params_sec_word + 1, PS_COUNT - 1);
        return att_error_set(c->err, ATT_EPARSE, s->origin.path, s->origin.line, 0, NULL,
                             "unknown section [%s%s%s]: expected model, priors, projection, "
                             "phase, group, arrival, departure, class, wave or threshold%s%s%s",
                             s->type, s->name[0] ? " " : "", s->name,
                             near ? " (did you mean [" : "", near ? near : "", near ? "]?)" : "");
    }
    if (k >= PS_PHASE && !att_is_name(s->name))
        return att_error_set(c->err, ATT_EPARSE, s->origin.path, s->origin.line, 0, NULL,
                             "expected [%s NAME] with NAME of letters, digits and _ (at most "
                             "%d), found [%s%s%s]",
                             s->type, ATT_NAME_MAX - 1, s->type, s->name[0] ? " " : "", s->name);
    if (k < PS_PHASE && k != PS_TOP && s->name[0] != '\0')
        return att_error_set(c->err, ATT_EPARSE, s->origin.path, s->origin.line, 0, NULL,
                             "expected [%s] with no name, found [%s %s]", s->type, s->type,
                             s->name);
    *out = k;
    return ATT_OK;
}

static void
params_hazard_init(att_hazard_rule *h)
{
    h->kind = ATT_HAZARD_INHERIT;
    h->phase = ATT_NONE;
}

/* A count stated as exactly one of count, count_low + count_high and
 * count_median + count_log_sd (the five keys from base on, in
 * params_keys.def's order, for arrivals and departures alike): which one
 * into *prior, and count_low below count_high. */
static att_status
params_check_count(params_ctx *c,
                   params_key_id base,
                   const char *what,
                   double low,
                   double high,
                   att_count_prior *prior)
{
    const params_key_id k1 = (params_key_id)(base + 1), k2 = (params_key_id)(base + 2);
    const params_key_id k3 = (params_key_id)(base + 3), k4 = (params_key_id)(base + 4);
    const params_key_id alt[3][3] = {
        {base, PK_COUNT, PK_COUNT}, {k1, k2, PK_COUNT}, {k3, k4, PK_COUNT}};
    att_status st = params_one_of(c, what, alt, 3);

    *prior = c->given[base] ? ATT_COUNT_FIXED
             : c->given[k1] ? ATT_COUNT_UNIFORM
                            : ATT_COUNT_LOGNORMAL;
    if (st == ATT_OK && *prior == ATT_COUNT_UNIFORM && low >= high)
        st = params_fail_at(c, c->at[k2], "count_high", ATT_EDATA,
                            "expected count_high > count_low (%g), found %g", low, high);
    return st;
}

/* With [group] sections declared, a section of troops names its group. */
static att_status
params_check_group_given(params_ctx *c, params_key_id key)
{
    if (c->p->ngroup > 0 && !c->given[key])
        return params_fail_at(c, c->sec->origin, "group", ATT_EPARSE,
                              "expected group = NAME: [group] sections are declared, found none");
    return ATT_OK;
}

/* An undercount class states its completeness prior and no losses bias;
 * any other class no completeness. */
static att_status
params_check_class(params_ctx *c, const att_class *cl)
{
    if (!cl->undercount) {
        if (c->given[PK_CLASS_COMPLETENESS_A] || c->given[PK_CLASS_COMPLETENESS_B]) {
            params_key_id k = c->given[PK_CLASS_COMPLETENESS_A] ? PK_CLASS_COMPLETENESS_A
                                                                : PK_CLASS_COMPLETENESS_B;
            return params_fail_at(c, c->at[k], params_keys[k].key, ATT_EPARSE,
                                  "expected undercount = true with a completeness prior, found "
                                  "a class whose loss figures carry a bias");
        }
        return ATT_OK;
    }
    if (c->given[PK_CLASS_TAU_LOSSES])
        return params_fail_at(c, c->at[PK_CLASS_TAU_LOSSES], "tau_losses", ATT_EPARSE,
                              "expected no losses bias in an undercount class (its completeness "
                              "c_s takes its place), found tau_losses");
    if (!c->given[PK_CLASS_COMPLETENESS_A] || !c->given[PK_CLASS_COMPLETENESS_B])
        return params_fail_at(
            c, c->given[PK_CLASS_COMPLETENESS_A] ? c->at[PK_CLASS_COMPLETENESS_A] : c->sec->origin,
            c->given[PK_CLASS_COMPLETENESS_A] ? "completeness_b" : "completeness_a", ATT_EPARSE,
            "expected completeness_a and completeness_b (c_s ~ Beta(a, b)) with undercount = "
            "true, found %s",
            c->given[PK_CLASS_COMPLETENESS_A] || c->given[PK_CLASS_COMPLETENESS_B] ? "one of them"
                                                                                   : "neither");
    return ATT_OK;
}

/* Section-specific checks after a named section's keys are in. */
static att_status
params_check_item(params_ctx *c, params_sec sec, size_t item)
{
    att_params *p = c->p;
    att_status st = ATT_OK;

    if (sec == PS_PHASE) {
        att_phase *ph = &p->phases[item];
        static const params_key_id alt[][3] = {
            {PK_PHASE_HAZARD, PK_COUNT, PK_COUNT},
            {PK_PHASE_HAZARD_MEDIAN, PK_PHASE_HAZARD_LOG_SD, PK_COUNT}};
        st = params_one_of(c, "hazard", alt, 2);
        if (st == ATT_OK && ph->end != ATT_DAY_OPEN && ph->end <= ph->start)
            st = params_fail_at(c, c->at[PK_PHASE_END], "end", ATT_EDATA,
                                "expected an end after start, found one on or before it");
    } else if (sec == PS_ARRIVAL) {
        att_arrival *ar = &p->arrivals[item];
        st = params_check_count(c, PK_ARRIVAL_COUNT, "count", ar->low, ar->high, &ar->prior);
        if (st == ATT_OK)
            st = params_check_group_given(c, PK_ARRIVAL_GROUP);
    } else if (sec == PS_CLASS) {
        st = params_check_class(c, &p->classes[item]);
    } else if (sec == PS_GROUP) {
        att_group *gr = &p->groups[item];
        static const params_key_id alt[][3] = {
            {PK_GROUP_HAZARD_RATIO, PK_COUNT, PK_COUNT},
            {PK_GROUP_HAZARD_RATIO_MEDIAN, PK_GROUP_HAZARD_RATIO_LOG_SD, PK_COUNT}};
        if (c->ratio_given[item])
            st = params_one_of(c, "hazard ratio", alt, 2);
        else {
            gr->fixed = true; /* the reference group, checked with [model] */
            gr->ratio = 1.0;
        }
    } else if (sec == PS_DEPARTURE) {
        att_departure *dp = &p->departures[item];
        static const params_key_id share[][3] = {
            {PK_DEPARTURE_SHARE, PK_COUNT, PK_COUNT},
            {PK_DEPARTURE_SHARE_A, PK_DEPARTURE_SHARE_B, PK_COUNT}};
        static const params_key_id when[][3] = {
            {PK_DEPARTURE_DATE, PK_COUNT, PK_COUNT},
            {PK_DEPARTURE_DATE_LOW, PK_DEPARTURE_DATE_HIGH, PK_COUNT}};
        if ((st = params_one_of(c, "departure date", when, 2)) != ATT_OK)
            return st;
        if (dp->date_high < dp->date)
            return params_fail_at(c, c->at[PK_DEPARTURE_DATE_HIGH], "date_high", ATT_EDATA,
                                  "expected date_high on or after date_low, found it before");
        bool count = false;
        int key;
        for (key = PK_DEPARTURE_COUNT; key <= PK_DEPARTURE_COUNT_LOG_SD; key++)
            count |= c->given[key];
        dp->by_share = c->given[PK_DEPARTURE_SHARE] || c->given[PK_DEPARTURE_SHARE_A] ||
                       c->given[PK_DEPARTURE_SHARE_B];
        if (dp->by_share && count)
            return params_fail_at(c, c->sec->origin, NULL, ATT_EPARSE,
                                  "expected a count or a share of the group, found both");
        if (dp->by_share) {
            st = params_one_of(c, "share", share, 2);
            dp->prior = c->given[PK_DEPARTURE_SHARE] ? ATT_COUNT_FIXED : ATT_COUNT_BETA;
        } else
            st = params_check_count(c, PK_DEPARTURE_COUNT, "count or share", dp->low, dp->high,
                                    &dp->prior);
        if (st == ATT_OK)
            st = params_check_group_given(c, PK_DEPARTURE_GROUP);
    } else if (sec == PS_WAVE) {
        att_wave *wv = &p->waves[item];
        static const params_key_id when[][3] = {{PK_WAVE_DATE, PK_COUNT, PK_COUNT},
                                                {PK_WAVE_DATE_LOW, PK_WAVE_DATE_HIGH, PK_COUNT},
                                                {PK_WAVE_AFTER, PK_WAVE_GAP_LOW, PK_WAVE_GAP_HIGH}};
        static const params_key_id size[][3] = {{PK_WAVE_SIZE, PK_COUNT, PK_COUNT},
                                                {PK_WAVE_SIZE_LOW, PK_WAVE_SIZE_HIGH, PK_COUNT},
                                                {PK_WAVE_SHARE, PK_COUNT, PK_COUNT}};
        st = params_one_of(c, "arrival date", when, 3);
        if (st == ATT_OK)
            st = params_one_of(c, "size", size, 3);
        if (st != ATT_OK)
            return st;
        if (c->given[PK_WAVE_SIZE_LOW])
            wv->size_prior = ATT_COUNT_UNIFORM;
        else if (c->given[PK_WAVE_SHARE])
            wv->size_prior = ATT_COUNT_SHARE;
        if (wv->date_high < wv->date_low)
            return params_fail_at(c, c->at[PK_WAVE_DATE_HIGH], "date_high", ATT_EDATA,
                                  "expected date_high on or after date_low, found it before");
        if (wv->gap_high < wv->gap_low)
            return params_fail_at(c, c->at[PK_WAVE_GAP_HIGH], "gap_high", ATT_EDATA,
                                  "expected gap_high >= gap_low (%ld), found %ld",
                                  (long)wv->gap_low, (long)wv->gap_high);
        if (wv->size_prior == ATT_COUNT_UNIFORM && wv->size_high < wv->size_low)
            return params_fail_at(c, c->at[PK_WAVE_SIZE_HIGH], "size_high", ATT_EDATA,
                                  "expected size_high >= size_low (%g), found %g", wv->size_low,
                                  wv->size_high);
        if ((st = params_check_group_given(c, PK_WAVE_GROUP)) != ATT_OK)
            return st;
    } else if (sec == PS_THRESHOLD) {
        att_threshold *th = &p->thresholds[item];
        if (th->quantity == ATT_QUANTITY_LOSS_FRACTION && th->value > 1.0)
            st = params_fail_at(c, c->at[PK_THRESHOLD_VALUE], "value", ATT_ERANGE,
                                "expected a fraction in (0, 1] for loss_fraction, found %g",
                                th->value);
    }
    return st;
}

/* Checks a hazard rule's keys: multipliers need a phase, and one form only. */
static att_status
params_check_hazard(
    params_ctx *c, att_hazard_rule *h, params_key_id base, const char *phase, att_origin phase_at)
{
    bool range = c->given[base + 2] || c->given[base + 3];

    if (c->given[base + 2] != c->given[base + 3])
        return params_fail_at(c, c->sec->origin,
                              params_keys[base + (c->given[base + 2] ? 3 : 2)].key, ATT_EPARSE,
                              "expected hazard_multiplier_low and hazard_multiplier_high "
                              "together, found one");
    if (range && c->given[base + 1])
        return params_fail_at(c, c->at[base + 1], "hazard_multiplier", ATT_EPARSE,
                              "expected hazard_multiplier or a _low/_high range, found both");
    if (range && h->mult_high < h->mult_low)
        return params_fail_at(c, c->at[base + 3], "hazard_multiplier_high", ATT_EDATA,
                              "expected hazard_multiplier_high >= hazard_multiplier_low");
    if (c->given[base + 4] && (phase != NULL || range || c->given[base + 1]))
        return params_fail_at(c, c->at[base + 4], "hazard", ATT_EPARSE,
                              "expected either a fixed hazard or hazard_phase with a "
                              "multiplier, found both");
    if (phase == NULL && (range || c->given[base + 1]))
        return params_fail_at(c, c->at[range ? base + 2 : base + 1], params_keys[base + 1].key,
                              ATT_EPARSE, "expected hazard_phase with a multiplier, found none");
    if (phase != NULL) {
        size_t k = att_params_phase_index(c->p, phase);
        if (k == ATT_NONE) {
            const char *cand[64];
            size_t i, n = c->p->nphase < 64 ? c->p->nphase : 64;
            const char *near;
            for (i = 0; i < n; i++)
                cand[i] = c->p->phases[i].name;
            near = att_closest(phase, cand, n);
            return params_fail_at(c, phase_at, "hazard_phase", ATT_EDATA,
                                  "expected the name of a [phase], found \"%s\"%s%s%s", phase,
                                  near ? " (did you mean \"" : "", near ? near : "",
                                  near ? "\"?)" : "");
        }
        h->kind = ATT_HAZARD_PHASE;
        h->phase = k;
    }
    return ATT_OK;
}

static int
params_phase_cmp(const void *a, const void *b)
{
    const att_phase *x = a, *y = b;
    return (x->start > y->start) - (x->start < y->start);
}

/* By date, then by where they were stated: qsort is not stable, and the
 * order names the parameters (n_ of arrivals, dep_ of departures). */
static int
params_dated_cmp(int32_t dx, att_origin ox, int32_t dy, att_origin oy)
{
    int c = strcmp(ox.path, oy.path);

    if (dx != dy)
        return (dx > dy) - (dx < dy);
    return c != 0 ? c : (ox.line > oy.line) - (ox.line < oy.line);
}

static int
params_arrival_cmp(const void *a, const void *b)
{
    const att_arrival *x = a, *y = b;

    return params_dated_cmp(x->date, x->origin, y->date, y->origin);
}

static int
params_departure_cmp(const void *a, const void *b)
{
    const att_departure *x = a, *y = b;

    return params_dated_cmp(x->date, x->origin, y->date, y->origin);
}

static att_status
params_check_phases(params_ctx *c)
{
    att_params *p = c->p;
    size_t i;

    c->sec = NULL;
    if (p->nphase == 0)
        return att_error_set(c->err, ATT_EDATA, p->path, 0, 0, NULL,
                             "expected at least one [phase NAME] section, found none");
    /* Phases may be written in any order; they are used in date order. */
    qsort(p->phases, p->nphase, sizeof *p->phases, params_phase_cmp);
    if (p->phases[p->nphase - 1].end != ATT_DAY_OPEN) {
        const att_phase *z = &p->phases[p->nphase - 1];
        return att_error_set(c->err, ATT_EDATA, z->origin.path, z->origin.line, 0, "end",
                             "expected the last phase, [phase %s], to be open-ended (end = open): "
                             "every day after it needs a hazard",
                             z->name);
    }
    for (i = 0; i + 1 < p->nphase; i++) {
        const att_phase *a = &p->phases[i], *b = &p->phases[i + 1];
        char d1[ATT_DATE_BUFSIZE], d2[ATT_DATE_BUFSIZE];
        if (a->end == ATT_DAY_OPEN)
            return att_error_set(c->err, ATT_EDATA, a->origin.path, a->origin.line, 0, "end",
                                 "expected an end date: only the last phase may be open, and "
                                 "[phase %s] follows",
                                 b->name);
        if (a->end != b->start)
            return att_error_set(c->err, ATT_EDATA, b->origin.path, b->origin.line, 0, "start",
                                 "expected [phase %s] to start where [phase %s] ends (%s), "
                                 "found %s (phases must be contiguous: no gap, no overlap)",
                                 b->name, a->name, att_date_format(a->end, d1),
                                 att_date_format(b->start, d2));
    }
    return ATT_OK;
}

/* Parses an anchor ("none" or CLASS:FAMILY[,...]) against p's classes into
 * p->anchor; errors point at `at` with field name `field`. */
static att_status
params_parse_anchor(
    att_params *p, const char *text, att_origin at, const char *field, att_error *err)
{
    char buf[512], *tok, *save = NULL;
    att_anchor_pair *pairs;
    size_t n = 1, i, npair = 0;

    if (strlen(text) >= sizeof buf)
        return att_error_set(err, ATT_EPARSE, at.path, at.line, 0, field,
                             "expected a list shorter than %zu characters", sizeof buf);
    if (strcmp(text, "none") == 0) {
        att_mem_free(p->anchor);
        p->anchor = NULL;
        p->nanchor = 0;
        return ATT_OK;
    }
    att_strlcpy(buf, text, sizeof buf);
    if (buf[0] == '\0')
        return att_error_set(err, ATT_EPARSE, at.path, at.line, 0, field,
                             "expected none or CLASS:FAMILY pairs, found nothing");
    if (strstr(buf, ",,") != NULL || buf[0] == ',' || buf[strlen(buf) - 1] == ',')
        return att_error_set(err, ATT_EPARSE, at.path, at.line, 0, field,
                             "expected CLASS:FAMILY pairs separated by single commas, found an "
                             "empty item in \"%s\"",
                             text);
    for (tok = buf; *tok; tok++) {
        n += *tok == ',';
        if (*tok == '\t')
            *tok = ' ';
    }
    pairs = att_mem_calloc(n, sizeof *pairs);
    if (pairs == NULL)
        return ATT_FAIL(err, ATT_ENOMEM, "out of memory");
    for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        char *colon, *t = tok;
        size_t cls;
        att_family fam;
        while (*t == ' ')
            t++;
        for (i = strlen(t); i > 0 && t[i - 1] == ' '; i--)
            t[i - 1] = '\0';
        colon = strchr(t, ':');
        if (colon == NULL) {
            att_mem_free(pairs);
            return att_error_set(err, ATT_EPARSE, at.path, at.line, 0, field,
                                 "expected none or CLASS:FAMILY pairs, found \"%s\"", t);
        }
        *colon = '\0';
        cls = att_params_class_index(p, t);
        fam = att_family_from_name(colon + 1);
        if (cls == ATT_NONE || fam == ATT_FAMILY_COUNT) {
            const char *cand[64], *near;
            size_t k, nc = p->nclass < 64 ? p->nclass : 64;
            for (k = 0; k < nc; k++)
                cand[k] = p->classes[k].name;
            near = cls == ATT_NONE ? att_closest(t, cand, nc) : NULL;
            att_mem_free(pairs);
            if (cls == ATT_NONE)
                return att_error_set(err, ATT_EDATA, at.path, at.line, 0, field,
                                     "expected a declared [class], found \"%s\"%s%s%s", t,
                                     near ? " (did you mean \"" : "", near ? near : "",
                                     near ? "\"?)" : "");
            return att_error_set(err, ATT_EPARSE, at.path, at.line, 0, field,
                                 "expected family losses or force, found \"%s\"", colon + 1);
        }
        if (fam == ATT_FAMILY_LOSSES && p->classes[cls].undercount) {
            att_mem_free(pairs);
            return att_error_set(err, ATT_EDATA, at.path, at.line, 0, field,
                                 "expected a pair with a bias to pin, found %s:losses: an "
                                 "undercount class's loss figures carry its completeness c_s, "
                                 "which its prior (completeness_a, completeness_b) sets instead",
                                 t);
        }
        for (i = 0; i < npair; i++)
            if (pairs[i].cls == cls && pairs[i].family == fam) {
                att_mem_free(pairs);
                return att_error_set(err, ATT_EDATA, at.path, at.line, 0, field,
                                     "expected each pair once, found %s:%s twice", t, colon + 1);
            }
        pairs[npair].cls = cls;
        pairs[npair].family = fam;
        npair++;
    }
    if (npair == 0) {
        att_mem_free(pairs);
        return att_error_set(err, ATT_EPARSE, at.path, at.line, 0, field,
                             "expected none or CLASS:FAMILY pairs, found \"%s\"", text);
    }
    att_mem_free(p->anchor);
    p->anchor = pairs;
    p->nanchor = npair;
    return ATT_OK;
}

static att_status
params_resolve_anchor(params_ctx *c)
{
    if (c->anchor_text == NULL)
        return ATT_OK;
    return params_parse_anchor(c->p, c->anchor_text, c->anchor_at, "[model] anchor", c->err);
}

/* A named section whose `enabled` is false is dropped (an inherited one
 * switched off); its other keys are not checked. */
static bool
params_disabled(const ptree_section *s)
{
    size_t i;

    for (i = 0; i < s->nentry; i++)
        if (strcmp(s->entries[i].key, "enabled") == 0)
            return strcmp(s->entries[i].value, "false") == 0;
    return false;
}

/* Counts named sections per kind and allocates the arrays. */
static att_status
params_allocate(params_ctx *c, const ptree *t)
{
    att_params *p = c->p;
    size_t counts[PS_COUNT] = {0}, i;
    params_sec k = PS_COUNT;

    for (i = 0; i < t->nsection; i++) {
        att_status st;
        c->sec = &t->sections[i];
        st = params_check_header(c, &k);
        if (st != ATT_OK)
            return st;
        if (k == PS_GROUP && counts[k] == ATT_GROUP_MAX) /* at the first one too many */
            return att_error_set(c->err, ATT_ERANGE, c->sec->origin.path, c->sec->origin.line, 0,
                                 NULL, "expected at most %d [group] sections, found more",
                                 ATT_GROUP_MAX);
        counts[k]++;
    }
    c->sec = NULL;
    p->phases = att_mem_calloc(counts[PS_PHASE] + 1, sizeof *p->phases);
    p->arrivals = att_mem_calloc(counts[PS_ARRIVAL] + 1, sizeof *p->arrivals);
    p->groups = att_mem_calloc(counts[PS_GROUP] + 1, sizeof *p->groups);
    p->departures = att_mem_calloc(counts[PS_DEPARTURE] + 1, sizeof *p->departures);
    c->ratio_given = att_mem_calloc(counts[PS_GROUP] + 1, sizeof *c->ratio_given);
    p->classes = att_mem_calloc(counts[PS_CLASS] + 1, sizeof *p->classes);
    p->waves = att_mem_calloc(counts[PS_WAVE] + 1, sizeof *p->waves);
    p->thresholds = att_mem_calloc(counts[PS_THRESHOLD] + 1, sizeof *p->thresholds);
    c->wave_after = att_mem_calloc(counts[PS_WAVE] + 1, sizeof *c->wave_after);
    c->wave_phase = att_mem_calloc(counts[PS_WAVE] + 1, sizeof *c->wave_phase);
    c->wave_after_at = att_mem_calloc(counts[PS_WAVE] + 1, sizeof *c->wave_after_at);
    c->wave_phase_at = att_mem_calloc(counts[PS_WAVE] + 1, sizeof *c->wave_phase_at);
    if (!p->phases || !p->arrivals || !p->groups || !p->departures || !c->ratio_given ||
        !p->classes || !p->waves || !p->thresholds || !c->wave_after || !c->wave_phase ||
        !c->wave_after_at || !c->wave_phase_at)
        return ATT_FAIL(c->err, ATT_ENOMEM, "out of memory");
    return ATT_OK;
}

/* Adds the named section c->sec of kind k as a new element; returns its index. */
static size_t
params_new_item(params_ctx *c, params_sec k)
{
    att_params *p = c->p;
    const ptree_section *s = c->sec;
    size_t item;

    switch (k) {
    case PS_PHASE:
        item = p->nphase++;
        att_strlcpy(p->phases[item].name, s->name, ATT_NAME_MAX);
        p->phases[item].origin = s->origin;
        return item;
    case PS_ARRIVAL:
        item = p->narrival++;
        att_strlcpy(p->arrivals[item].name, s->name, ATT_NAME_MAX);
        p->arrivals[item].origin = s->origin;
        return item;
    case PS_GROUP:
        item = p->ngroup++;
        att_strlcpy(p->groups[item].name, s->name, ATT_NAME_MAX);
        p->groups[item].origin = s->origin;
        return item;
    case PS_DEPARTURE:
        item = p->ndeparture++;
        att_strlcpy(p->departures[item].name, s->name, ATT_NAME_MAX);
        p->departures[item].origin = s->origin;
        return item;
    case PS_CLASS:
        item = p->nclass++;
        att_strlcpy(p->classes[item].name, s->name, ATT_NAME_MAX);
        p->classes[item].origin = s->origin;
        return item;
    case PS_WAVE:
        item = p->nwave++;
        att_strlcpy(p->waves[item].name, s->name, ATT_NAME_MAX);
        p->waves[item].origin = s->origin;
        p->waves[item].after = ATT_NONE;
        params_hazard_init(&p->waves[item].hazard);
        return item;
    default:
        item = p->nthreshold++;
        p->thresholds[item].group = ATT_NONE;
        att_strlcpy(p->thresholds[item].name, s->name, ATT_NAME_MAX);
        p->thresholds[item].origin = s->origin;
        return item;
    }
}

/* A wave's references: its `after` wave and its hazard phase. */
static att_status
params_check_wave_refs(params_ctx *c, size_t item)
{
    att_params *p = c->p;
    size_t w;
    att_status st;

    st = params_check_hazard(c, &p->waves[item].hazard, PK_WAVE_HAZARD_PHASE, c->wave_phase[item],
                             c->wave_phase_at[item]);
    if (st != ATT_OK || c->wave_after[item] == NULL)
        return st;
    for (w = 0; w < item && strcmp(p->waves[w].name, c->wave_after[item]) != 0; w++)
        ;
    if (w == item)
        return params_fail_at(c, c->wave_after_at[item], "after", ATT_EDATA,
                              "expected the name of a [wave] above this one, found \"%s\"",
                              c->wave_after[item]);
    p->waves[item].after = w;
    return ATT_OK;
}

/* [projection]'s cross-checks: hazard rule, first-wave switch, total. */
static att_status
params_check_projection(params_ctx *c)
{
    att_params *p = c->p;
    att_projection_params *pr = &p->projection;
    size_t w, shares = 0;
    att_status st;

    st = params_check_hazard(c, &pr->hazard, PK_PROJ_HAZARD_PHASE, c->proj_phase, c->proj_phase_at);
    if (st != ATT_OK)
        return st;
    if (c->given[PK_PROJ_TOTAL_LOW] != c->given[PK_PROJ_TOTAL_HIGH])
        return params_fail_at(c, c->sec->origin,
                              c->given[PK_PROJ_TOTAL_LOW] ? "total_high" : "total_low", ATT_EPARSE,
                              "expected total_low and total_high together, found one");
    pr->has_total = c->given[PK_PROJ_TOTAL_LOW];
    if (pr->has_total && pr->total_high < pr->total_low)
        return params_fail_at(c, c->at[PK_PROJ_TOTAL_HIGH], "total_high", ATT_EDATA,
                              "expected total_high >= total_low (%g), found %g", pr->total_low,
                              pr->total_high);
    if (pr->hazard_from == ATT_FROM_FIRST_WAVE && p->nwave == 0)
        return params_fail_at(c, c->at[PK_PROJ_HAZARD_FROM], "hazard_from", ATT_EDATA,
                              "expected a [wave] for hazard_from = first_wave, found none");
    for (w = 0; w < p->nwave; w++) {
        if (p->waves[w].size_prior != ATT_COUNT_SHARE)
            continue;
        shares++;
        if (!pr->has_total)
            return att_error_set(c->err, ATT_EDATA, p->waves[w].origin.path,
                                 p->waves[w].origin.line, 0, "share",
                                 "expected [projection] total_low and total_high for a wave "
                                 "sized by share, found none");
    }
    if (pr->has_total && shares == 0)
        return params_fail_at(c, c->at[PK_PROJ_TOTAL_LOW], "total_low", ATT_EDATA,
                              "expected a [wave] with share to split the total among, found "
                              "none");
    return ATT_OK;
}

/* [model]'s cross-checks: the reference group and return to duty. */
static att_status
params_check_model(params_ctx *c)
{
    att_params *p = c->p;
    size_t g = 0;

    if (c->reference != NULL) {
        att_status st = params_group_ref(c, "reference_group", c->reference, c->reference_at, &g);
        if (st != ATT_OK)
            return st;
        p->reference_group = g;
    } else if (p->ngroup > 1)
        /* At [model]'s header, or at the second group's where the file has
         * no [model] section (its origin has no line). */
        return params_fail_at(c, c->sec->origin.line > 0 ? c->sec->origin : p->groups[1].origin,
                              "reference_group", ATT_EPARSE,
                              "expected reference_group = NAME (the group whose hazard "
                              "multiplier is 1) with %zu [group] sections, found none",
                              p->ngroup);
    if (p->ngroup > 0 && c->ratio_given[p->reference_group]) {
        const att_group *gr = &p->groups[p->reference_group];
        return att_error_set(c->err, ATT_EDATA, gr->origin.path, gr->origin.line, 0, "hazard_ratio",
                             "expected no hazard ratio for the reference group (its multiplier "
                             "is 1), found one");
    }
    for (g = 0; g < p->ngroup; g++) {
        const att_group *gr = &p->groups[g];
        if (g != p->reference_group && !c->ratio_given[g])
            return att_error_set(c->err, ATT_EPARSE, gr->origin.path, gr->origin.line, 0,
                                 "hazard_ratio",
                                 "expected hazard_ratio, or hazard_ratio_median + "
                                 "hazard_ratio_log_sd, for a group other than the reference "
                                 "group (%s); found none",
                                 p->groups[p->reference_group].name);
    }
    if (c->given[PK_MODEL_RETURN_SHARE] &&
        (c->given[PK_MODEL_RETURN_SHARE_A] || c->given[PK_MODEL_RETURN_SHARE_B]))
        return params_fail_at(c, c->at[PK_MODEL_RETURN_SHARE], "return_share", ATT_EPARSE,
                              "expected return_share or return_share_a + return_share_b, found "
                              "both");
    if (c->given[PK_MODEL_RETURN_SHARE_A] != c->given[PK_MODEL_RETURN_SHARE_B])
        return params_fail_at(
            c, c->sec->origin,
            c->given[PK_MODEL_RETURN_SHARE_A] ? "return_share_b" : "return_share_a", ATT_EPARSE,
            "expected return_share_a and return_share_b together, found one");
    if (!c->given[PK_MODEL_RETURN_SHARE] && !c->given[PK_MODEL_RETURN_SHARE_A]) {
        if (c->given[PK_MODEL_RETURN_DELAY])
            return params_fail_at(c, c->at[PK_MODEL_RETURN_DELAY], "return_delay", ATT_EPARSE,
                                  "expected return_share or its prior with return_delay, found "
                                  "neither");
        p->return_fixed = true;
        p->return_share = 0.0;
        p->return_delay = 0;
    } else if (!c->given[PK_MODEL_RETURN_DELAY])
        return params_fail_at(c, c->sec->origin, "return_delay", ATT_EPARSE,
                              "expected return_delay (days from a casualty to the return) with "
                              "return to duty, found none");
    return ATT_OK;
}

/* Departures in date order, each after an arrival of its group. */
static att_status
params_check_departures(params_ctx *c)
{
    att_params *p = c->p;
    size_t i, a;

    for (i = 0; i < p->ngroup; i++) {
        for (a = 0; a < p->narrival && p->arrivals[a].group != i; a++)
            ;
        if (a == p->narrival)
            return att_error_set(c->err, ATT_EDATA, p->groups[i].origin.path,
                                 p->groups[i].origin.line, 0, NULL,
                                 "expected an [arrival] with group = %s, found none: a group "
                                 "with no troops has nothing to fit",
                                 p->groups[i].name);
    }
    qsort(p->departures, p->ndeparture, sizeof *p->departures, params_departure_cmp);
    /* Scheduled departures (a range of days) are the projection's: apart
     * from the fitted ones, which keep their date order. */
    p->scheduled = att_mem_calloc(p->ndeparture + 1, sizeof *p->scheduled);
    if (p->scheduled == NULL)
        return ATT_FAIL(c->err, ATT_ENOMEM, "out of memory");
    for (i = a = 0; i < p->ndeparture; i++)
        if (p->departures[i].scheduled)
            p->scheduled[p->nscheduled++] = p->departures[i];
        else
            p->departures[a++] = p->departures[i];
    p->ndeparture = a;
    for (i = 0; i < p->ndeparture; i++) {
        const att_departure *dp = &p->departures[i];
        for (a = 0; a < p->narrival; a++)
            if (p->arrivals[a].group == dp->group && p->arrivals[a].date <= dp->date)
                break;
        if (a == p->narrival) {
            char d[ATT_DATE_BUFSIZE];
            return att_error_set(c->err, ATT_EDATA, dp->origin.path, dp->origin.line, 0, "date",
                                 "expected a departure on or after an arrival of its group%s%s, "
                                 "found %s before any",
                                 p->ngroup > 0 ? " " : "",
                                 p->ngroup > 0 ? p->groups[dp->group].name : "",
                                 att_date_format(dp->date, d));
        }
    }
    return ATT_OK;
}

/* Converts every section of t into c->p.  Phases go first (and are sorted)
 * so that waves and [projection] can refer to them by index. */
static att_status
params_convert(params_ctx *c, const ptree *t)
{
    static const params_sec order[] = {PS_PHASE, PS_GROUP,     PS_ARRIVAL,   PS_DEPARTURE,
                                       PS_CLASS, PS_THRESHOLD, PS_WAVE,      PS_TOP,
                                       PS_MODEL, PS_PRIORS,    PS_PROJECTION};
    att_params *p = c->p;
    ptree_section empty;
    char empty_type[16], empty_name[1] = "";
    att_status st;
    size_t o, i, a;
    params_sec k = PS_COUNT;

    st = params_allocate(c, t);
    if (st != ATT_OK)
        return st;
    params_hazard_init(&p->projection.hazard);
    p->projection.start = INT32_MIN;
    for (o = 0; o < sizeof order / sizeof order[0]; o++) {
        const ptree_section *found = NULL;
        for (i = 0; i < t->nsection; i++) {
            size_t item = 0;
            c->sec = &t->sections[i];
            if (params_check_header(c, &k) != ATT_OK || k != order[o])
                continue;
            if (k < PS_PHASE) {
                found = c->sec;
                break;
            }
            if (params_disabled(c->sec))
                continue;
            item = params_new_item(c, k);
            st = params_convert_section(c, k, item);
            if (st == ATT_OK)
                st = params_check_item(c, k, item);
            if (st == ATT_OK && k == PS_WAVE)
                st = params_check_wave_refs(c, item);
            if (st != ATT_OK)
                return st;
        }
        if (order[o] < PS_PHASE) {
            /* Singletons are converted even when absent, for their defaults. */
            memset(&empty, 0, sizeof empty);
            att_strlcpy(empty_type, params_sec_word[order[o]], sizeof empty_type);
            empty.type = empty_type;
            empty.name = empty_name;
            empty.origin.path = p->files[0];
            c->sec = found ? found : &empty;
            st = params_convert_section(c, order[o], 0);
            if (st == ATT_OK && order[o] == PS_PROJECTION)
                st = params_check_projection(c);
            if (st == ATT_OK && order[o] == PS_MODEL)
                st = params_check_model(c);
            if (st == ATT_OK && order[o] == PS_PRIORS && c->given[PK_PRIORS_SIGMA_SPREAD] &&
                !p->noise_per_class)
                st = params_fail_at(c, c->at[PK_PRIORS_SIGMA_SPREAD], "sigma_spread", ATT_EPARSE,
                                    "expected [model] noise = per_class with sigma_spread, found "
                                    "one noise for every class (noise = shared)");
            if (st != ATT_OK)
                return st;
        }
        if (order[o] == PS_PHASE && (st = params_check_phases(c)) != ATT_OK)
            return st;
    }
    c->sec = NULL;
    if (p->narrival == 0)
        return att_error_set(c->err, ATT_EDATA, p->path, 0, 0, NULL,
                             "expected at least one [arrival NAME] section, found none");
    if (p->nclass == 0)
        return att_error_set(c->err, ATT_EDATA, p->path, 0, 0, NULL,
                             "expected at least one [class NAME] section, found none");
    qsort(p->arrivals, p->narrival, sizeof *p->arrivals, params_arrival_cmp);
    for (a = 0; a < p->narrival; a++)
        if (p->arrivals[a].date < p->phases[0].start) {
            char d1[ATT_DATE_BUFSIZE];
            return att_error_set(c->err, ATT_EDATA, p->arrivals[a].origin.path,
                                 p->arrivals[a].origin.line, 0, "date",
                                 "expected an arrival on or after the first phase's start (%s)",
                                 att_date_format(p->phases[0].start, d1));
        }
    st = params_check_departures(c);
    return st != ATT_OK ? st : params_resolve_anchor(c);
}

/* ---- public ------------------------------------------------------------- */

void
att_params_free(att_params *p)
{
    size_t i;

    if (p == NULL)
        return;
    for (i = 0; p->classes && i < p->nclass; i++)
        att_mem_free(p->classes[i].description);
    for (i = 0; p->groups && i < p->ngroup; i++)
        att_mem_free(p->groups[i].description);
    for (i = 0; p->thresholds && i < p->nthreshold; i++)
        att_mem_free(p->thresholds[i].description);
    for (i = 0; i < p->nfile; i++)
        att_mem_free(p->files[i]);
    att_mem_free(p->files);
    att_mem_free(p->phases);
    att_mem_free(p->arrivals);
    att_mem_free(p->groups);
    att_mem_free(p->departures);
    att_mem_free(p->scheduled);
    att_mem_free(p->classes);
    att_mem_free(p->waves);
    att_mem_free(p->thresholds);
    att_mem_free(p->anchor);
    att_mem_free(p->ledger);
    att_mem_free(p->description);
    att_mem_free(p->path);
    att_mem_free(p);
}

att_status
att_params_load_with(
    const char *path, att_params_reader reader, void *ctx, att_params **out, att_error *err)
{
    ptree *t = NULL;
    att_params *p = NULL;
    params_ctx c;
    att_status st;

    memset(&c, 0, sizeof c);
    *out = NULL;
    if (path == NULL || reader == NULL)
        return ATT_FAIL(err, ATT_EINVAL, "no parameter file given");
    st = ptree_load(path, reader, ctx, &t, err);
    if (st != ATT_OK)
        goto cleanup;
    p = att_mem_calloc(1, sizeof *p);
    if (p == NULL || (p->path = att_mem_strdup(path)) == NULL) {
        st = ATT_FAIL(err, ATT_ENOMEM, "out of memory");
        goto cleanup;
    }
    /* The files outlive the tree: every origin points into them. */
    p->files = ptree_take_files(t, &p->nfile);
    c.p = p;
    c.err = err;
    st = params_convert(&c, t);
    if (st != ATT_OK)
        goto cleanup;
    *out = p;
    p = NULL;
cleanup:
    att_mem_free(c.ratio_given);
    att_mem_free(c.wave_after);
    att_mem_free(c.wave_phase);
    att_mem_free(c.wave_after_at);
    att_mem_free(c.wave_phase_at);
    /* Errors may point into p->files: keep them alive by copying the path
     * into err (att_error_set already copied it), then free. */
    att_params_free(p);
    ptree_free(t);
    return st;
}

att_status
att_params_load(const char *path, att_params **out, att_error *err)
{
    return att_params_load_with(path, ptree_read_file, NULL, out, err);
}

/* The copy's origin for o: the same line of the copy's own file (origins
 * point into p->files; one that does not, e.g. "--anchor", is static). */
static att_origin
params_origin_copy(const att_params *p, const att_params *q, att_origin o)
{
    size_t i;

    for (i = 0; i < p->nfile; i++)
        if (o.path == p->files[i]) {
            o.path = q->files[i];
            break;
        }
    return o;
}

/* A copy of n elements of size sz at src (NULL for NULL); *ok turns false
 * when it cannot be made. */
static void *
params_memdup(const void *src, size_t n, size_t sz, bool *ok)
{
    void *d;

    if (src == NULL || !*ok)
        return NULL;
    if ((d = att_mem_alloc(n * sz)) == NULL)
        *ok = false;
    else
        memcpy(d, src, n * sz);
    return d;
}

att_status
att_params_copy(const att_params *p, att_params **out, att_error *err)
{
    att_params *q = att_mem_calloc(1, sizeof *q);
    size_t i;
    bool ok;

    *out = NULL;
    if (q == NULL)
        return ATT_FAIL(err, ATT_ENOMEM, "out of memory");
    *q = *p;
    q->path = q->description = q->ledger = NULL;
    q->anchor = NULL;
    q->phases = NULL;
    q->arrivals = NULL;
    q->groups = NULL;
    q->departures = NULL;
    q->scheduled = NULL;
    q->classes = NULL;
    q->waves = NULL;
    q->thresholds = NULL;
    q->files = NULL;
    q->nfile = 0;
    ok = (q->files = att_mem_calloc(p->nfile + 1, sizeof *q->files)) != NULL;
    for (i = 0; ok && i < p->nfile; i++, q->nfile++)
        ok = (q->files[i] = att_mem_strdup(p->files[i])) != NULL;
    ok = ok && (q->path = att_mem_strdup(p->path)) != NULL &&
         (q->description = att_mem_strdup(p->description)) != NULL &&
         (p->ledger == NULL || (q->ledger = att_mem_strdup(p->ledger)) != NULL) &&
         (q->classes = att_mem_calloc(p->nclass + 1, sizeof *q->classes)) != NULL &&
         (q->groups = att_mem_calloc(p->ngroup + 1, sizeof *q->groups)) != NULL &&
         (q->thresholds = att_mem_calloc(p->nthreshold + 1, sizeof *q->thresholds)) != NULL;
    q->anchor = params_memdup(p->anchor, p->nanchor, sizeof *p->anchor, &ok);
    q->phases = params_memdup(p->phases, p->nphase, sizeof *p->phases, &ok);
    q->arrivals = params_memdup(p->arrivals, p->narrival, sizeof *p->arrivals, &ok);
    q->waves = params_memdup(p->waves, p->nwave, sizeof *p->waves, &ok);
    q->departures = params_memdup(p->departures, p->ndeparture, sizeof *p->departures, &ok);
    q->scheduled = params_memdup(p->scheduled, p->nscheduled, sizeof *p->scheduled, &ok);
    /* Descriptions are owned: copy them one by one, so that a failure
     * leaves a structure att_params_free can take apart. */
    for (i = 0; ok && i < p->nclass; i++) {
        q->classes[i] = p->classes[i];
        ok = (q->classes[i].description = att_mem_strdup(p->classes[i].description)) != NULL;
    }
    for (i = 0; ok && i < p->ngroup; i++) {
        q->groups[i] = p->groups[i];
        ok = (q->groups[i].description = att_mem_strdup(p->groups[i].description)) != NULL;
    }
    for (i = 0; ok && i < p->nthreshold; i++) {
        q->thresholds[i] = p->thresholds[i];
        ok = (q->thresholds[i].description = att_mem_strdup(p->thresholds[i].description)) != NULL;
    }
    if (!ok) {
        att_params_free(q); /* what is not copied yet is NULL */
        return ATT_FAIL(err, ATT_ENOMEM, "out of memory");
    }
    q->ledger_origin = params_origin_copy(p, q, p->ledger_origin);
    for (i = 0; i < p->nphase; i++)
        q->phases[i].origin = params_origin_copy(p, q, p->phases[i].origin);
    for (i = 0; i < p->narrival; i++)
        q->arrivals[i].origin = params_origin_copy(p, q, p->arrivals[i].origin);
    for (i = 0; i < p->nclass; i++)
        q->classes[i].origin = params_origin_copy(p, q, p->classes[i].origin);
    for (i = 0; i < p->ngroup; i++)
        q->groups[i].origin = params_origin_copy(p, q, p->groups[i].origin);
    for (i = 0; i < p->ndeparture; i++)
        q->departures[i].origin = params_origin_copy(p, q, p->departures[i].origin);
    for (i = 0; i < p->nscheduled; i++)
        q->scheduled[i].origin = params_origin_copy(p, q, p->scheduled[i].origin);
    for (i = 0; i < p->nwave; i++)
        q->waves[i].origin = params_origin_copy(p, q, p->waves[i].origin);
    for (i = 0; i < p->nthreshold; i++)
        q->thresholds[i].origin = params_origin_copy(p, q, p->thresholds[i].origin);
    *out = q;
    return ATT_OK;
}

att_status
att_params_truncate(att_params *p, int32_t origin, att_error *err)
{
    size_t np = 0, na = 0, i;
    char d[ATT_DATE_BUFSIZE];

    while (np < p->nphase && p->phases[np].start <= origin)
        np++;
    while (na < p->narrival && p->arrivals[na].date <= origin)
        na++;
    if (np == 0 || na == 0)
        return att_error_set(err, ATT_EDATA, p->path, 0, 0, NULL,
                             "expected a phase and an arrival on or before the origin %s, found "
                             "%s",
                             att_date_format(origin, d), np == 0 ? "no phase" : "no arrival");
    p->nphase = np;
    p->phases[np - 1].end = ATT_DAY_OPEN;
    p->narrival = na;
    /* Departures dated after the origin are not known yet either (docs/model.md, section 9). */
    while (p->ndeparture > 0 && p->departures[p->ndeparture - 1].date > origin)
        p->ndeparture--;
    /* Waves and the projection may name dropped phases: they fall back to
     * the contingent's rule. */
    for (i = 0; i < p->nwave; i++)
        if (p->waves[i].hazard.kind == ATT_HAZARD_PHASE && p->waves[i].hazard.phase >= np) {
            p->waves[i].hazard.kind = ATT_HAZARD_INHERIT;
            p->waves[i].hazard.dropped = true; /* said by compare and backtest */
        }
    if (p->projection.hazard.kind == ATT_HAZARD_PHASE && p->projection.hazard.phase >= np) {
        p->projection.hazard.kind = ATT_HAZARD_INHERIT;
        p->projection.hazard.dropped = true;
    }
    return ATT_OK;
}

void
att_params_truncation(const att_params *full, const att_params *cut, att_truncation *t)
{
    t->phases_kept = cut->nphase;
    t->arrivals_kept = cut->narrival;
    t->departures_kept = cut->ndeparture;
    t->scheduled_end = cut->nphase > 0 ? full->phases[cut->nphase - 1].end : ATT_DAY_OPEN;
}

att_status
att_params_set_anchor(att_params *p, const char *spec, att_error *err)
{
    att_origin at = {"--anchor", 0};

    return params_parse_anchor(p, spec, at, NULL, err);
}

bool
att_params_pinned(const att_params *p, size_t cls, att_family f)
{
    size_t i;

    for (i = 0; i < p->nanchor; i++)
        if (p->anchor[i].cls == cls && p->anchor[i].family == f)
            return true;
    return false;
}

bool
att_params_phase_has_combat(const att_phase *ph)
{
    return !ph->fixed || ph->hazard > 0.0;
}

size_t
att_params_phase_index(const att_params *p, const char *name)
{
    size_t i;

    for (i = 0; i < p->nphase; i++)
        if (strcmp(p->phases[i].name, name) == 0)
            return i;
    return ATT_NONE;
}

size_t
att_params_group_index(const att_params *p, const char *name)
{
    size_t i;

    for (i = 0; i < p->ngroup; i++)
        if (strcmp(p->groups[i].name, name) == 0)
            return i;
    return ATT_NONE;
}

size_t
att_params_group_count(const att_params *p)
{
    return p->ngroup > 0 ? p->ngroup : 1;
}

bool
att_params_returns(const att_params *p)
{
    return p->return_delay > 0;
}

bool
att_params_extended(const att_params *p)
{
    return p->ngroup > 1 || p->ndeparture > 0 || p->nscheduled > 0 || att_params_returns(p);
}

size_t
att_params_class_index(const att_params *p, const char *name)
{
    size_t i;

    for (i = 0; i < p->nclass; i++)
        if (strcmp(p->classes[i].name, name) == 0)
            return i;
    return ATT_NONE;
}

static const char *const params_family_names[ATT_FAMILY_COUNT] = {"losses", "force"};
static const char *const params_quantity_names[ATT_QUANTITY_COUNT] = {"strength", "casualties",
                                                                      "killed", "loss_fraction"};

att_family
att_family_from_name(const char *name)
{
    size_t i;

    for (i = 0; i < ATT_FAMILY_COUNT; i++)
        if (strcmp(params_family_names[i], name) == 0)
            return (att_family)i;
    return ATT_FAMILY_COUNT;
}

const char *
att_family_name(att_family f)
{
    return (unsigned)f < ATT_FAMILY_COUNT ? params_family_names[f] : "?";
}

const char *
att_quantity_name(att_quantity q)
{
    return (unsigned)q < ATT_QUANTITY_COUNT ? params_quantity_names[q] : "?";
}

size_t
att_params_key_count(void)
{
    return PK_COUNT;
}

att_status
att_params_key_get(size_t i, att_params_key *out)
{
    const params_keydef *k;

    if (i >= PK_COUNT)
        return ATT_EINVAL;
    k = &params_keys[i];
    out->section = params_sec_doc[k->sec];
    out->key = k->key;
    out->type = params_type_name[k->type];
    out->unit = k->unit;
    out->defval = k->defval;
    params_range_text(k, out->range, sizeof out->range);
    out->help = k->help;
    return ATT_OK;
}
