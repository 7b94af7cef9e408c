/* ledger.c -- the report ledger: CSV through libcsv, validated field by field.
 *
 * Contents: row collection (libcsv, fed one physical line at a time so that
 * every message has an exact line); field validation; ordering, repeats and
 * revisions (docs/model.md, section 3.4; data/README.md); the information set at a
 * cut-off; consistency with a parameter file.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <csv.h>

#include <attrition/att_date.h>
#include <attrition/att_digest.h>
#include <attrition/att_ledger.h>

#include "internal.h"

static const char *const ledger_columns[ATT_LEDGER_COLUMNS] = {
    "id",        "statement_date", "asof_start", "asof_end", "source", "source_class", "kind",
    "qualifier", "value",          "low",        "high",     "quote",  "doc"};
enum {
    COL_ID,
    COL_STATEMENT,
    COL_ASOF_START,
    COL_ASOF_END,
    COL_SOURCE,
    COL_CLASS,
    COL_KIND,
    COL_QUALIFIER,
    COL_VALUE,
    COL_LOW,
    COL_HIGH,
    COL_QUOTE,
    COL_DOC
};

/* The documented extra columns. */
static const char *const ledger_extras[] = {"repeat_of", "note", "measure", "group"};
enum { EXTRA_REPEAT_OF, EXTRA_NOTE, EXTRA_MEASURE, EXTRA_GROUP, EXTRA_COUNT };

static const char *const ledger_kinds[ATT_KIND_COUNT] = {
    "casualties", "killed", "wounded", "rate", "fraction", "strength", "deployed"};
static const char *const ledger_qualifiers[ATT_QUAL_COUNT] = {"approx", "range", "at_least",
                                                              "up_to"};
static const char *const ledger_measures[ATT_MEASURE_COUNT] = {"cumulative", "period", "daily"};

/* Figures above this are refused: no force or loss count of any war comes
 * near it, so a larger one is a typing error, not a report. */
#define LEDGER_VALUE_MAX 1e9

typedef struct {
    const char *path; /* the text being read */
    size_t file;      /* its index in l->files */
    att_error *err;
    att_status st;
    const char *const *classes;
    size_t nclass;
    long line;         /* physical line being fed */
    size_t rows_ended; /* rows completed while feeding this line */
    char **fields;     /* the row being collected */
    size_t nfield, capfield;
    bool have_header;
    size_t ncol;                   /* columns in the header */
    size_t extra_col[EXTRA_COUNT]; /* column of each extra, or ATT_NONE */
    char **repeat_ids;             /* per report: the repeat_of text, or NULL */
    att_ledger *l;
    size_t capreport;
} ledger_ctx;

/* ---- messages ----------------------------------------------------------- */

static att_status ledger_fail(ledger_ctx *c, size_t col, att_status code, const char *fmt, ...)
    ATT_PRINTF(4, 5);

static att_status
ledger_fail(ledger_ctx *c, size_t col, att_status code, const char *fmt, ...)
{
    char msg[ATT_ERROR_MSG_MAX];
    const char *field = NULL;
    va_list ap;

    va_start(ap, fmt);
    (void)vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (col != ATT_NONE) {
        size_t e;
        if (col < ATT_LEDGER_COLUMNS)
            field = ledger_columns[col];
        for (e = 0; e < EXTRA_COUNT; e++)
            if (col == c->extra_col[e])
                field = ledger_extras[e];
    }
    c->st = att_error_set(c->err, code, c->path, c->line, col != ATT_NONE ? (int)col + 1 : 0, field,
                          "%s", msg);
    return c->st;
}

/* An error about row r, wherever it was read (linking looks at every
 * file's rows at once): column is 1-based, 0 for the whole row. */
static att_status ledger_fail_row(
    ledger_ctx *c, const att_report *r, int column, const char *field, const char *fmt, ...)
    ATT_PRINTF(5, 6);

static att_status
ledger_fail_row(
    ledger_ctx *c, const att_report *r, int column, const char *field, const char *fmt, ...)
{
    char msg[ATT_ERROR_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    (void)vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    c->st = att_error_set(c->err, ATT_EDATA, c->l->files[r->file].path, r->line, column, field,
                          "%s", msg);
    return c->st;
}

/* "line 5", or "line 5 of b.csv" when the row is in another file than r. */
static const char *
ledger_where(const att_ledger *l, const att_report *q, const att_report *r, char *buf, size_t n)
{
    if (q->file == r->file)
        snprintf(buf, n, "line %ld", q->line);
    else
        snprintf(buf, n, "line %ld of %s", q->line, l->files[q->file].path);
    return buf;
}

/* Shows at most 60 characters of a found value. */
static const char *
ledger_show(const char *s, char *buf, size_t n)
{
    size_t len = strlen(s);

    if (len < n && len <= 60)
        return s;
    (void)snprintf(buf, n, "%.57s...", s);
    return buf;
}

/* ---- field validation ---------------------------------------------------- */

static size_t
ledger_word(const char *const *words, size_t n, const char *s)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(words[i], s) == 0)
            return i;
    return ATT_NONE;
}

static att_status
ledger_enum(
    ledger_ctx *c, size_t col, const char *const *words, size_t n, const char *what, size_t *out)
{
    const char *s = c->fields[col], *near;
    char list[256] = "", shown[64];
    size_t i;

    *out = ledger_word(words, n, s);
    if (*out != ATT_NONE)
        return ATT_OK;
    for (i = 0; i < n; i++)
        (void)snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
                       words[i]);
    near = att_closest(s, words, n);
    return ledger_fail(c, col, ATT_EPARSE, "expected %s (%s), found \"%s\"%s%s%s", what, list,
                       ledger_show(s, shown, sizeof shown), near ? " (did you mean \"" : "",
                       near ? near : "", near ? "\"?)" : "");
}

static att_status
ledger_date(ledger_ctx *c, size_t col, int32_t *out)
{
    const char *why = "";
    char shown[64];

    if (c->fields[col][0] == '\0')
        return ledger_fail(c, col, ATT_EPARSE, "expected a date YYYY-MM-DD, found nothing");
    if (att_date_parse(c->fields[col], out, &why) != ATT_OK)
        return ledger_fail(c, col, ATT_EPARSE, "expected a date YYYY-MM-DD, found \"%s\" (%s)",
                           ledger_show(c->fields[col], shown, sizeof shown), why);
    return ATT_OK;
}

/* A figure: required (must be a finite positive number) or must be empty. */
static att_status
ledger_number(
    ledger_ctx *c, size_t col, bool required, const char *qual, bool fraction, double *out)
{
    const char *s = c->fields[col];
    char shown[64];

    *out = 0.0;
    if (!required) {
        if (s[0] != '\0')
            return ledger_fail(c, col, ATT_EPARSE,
                               "expected an empty field for qualifier %s, found \"%s\"", qual,
                               ledger_show(s, shown, sizeof shown));
        return ATT_OK;
    }
    if (s[0] == '\0')
        return ledger_fail(c, col, ATT_EPARSE, "expected a number for qualifier %s, found nothing",
                           qual);
    if (!att_parse_double(s, out))
        return ledger_fail(c, col, ATT_EPARSE, "expected a plain number%s, found \"%s\"",
                           strchr(s, ',') ? " (no thousands separators)" : "",
                           ledger_show(s, shown, sizeof shown));
    if (!(*out > 0.0) || *out > LEDGER_VALUE_MAX)
        return ledger_fail(c, col, ATT_ERANGE, "expected a number in (0, %g], found %s",
                           LEDGER_VALUE_MAX, ledger_show(s, shown, sizeof shown));
    if (fraction && *out > 1.0)
        return ledger_fail(c, col, ATT_ERANGE,
                           "expected a fraction in (0, 1] for kind fraction, found %s",
                           ledger_show(s, shown, sizeof shown));
    return ATT_OK;
}

static bool
ledger_is_id(const char *s)
{
    size_t i;

    if (s[0] == '\0' || strlen(s) > 64)
        return false;
    for (i = 0; s[i]; i++) {
        char ch = s[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '_' || ch == '-' || ch == '.'))
            return false;
    }
    return true;
}

/* The measure column: empty is cumulative; period and daily only for
 * casualties, killed and wounded (a rate is casualties per day already). */
static att_status
ledger_measure(ledger_ctx *c, att_report *r)
{
    size_t col = c->extra_col[EXTRA_MEASURE], m;

    r->measure = ATT_MEASURE_CUMULATIVE;
    if (col == ATT_NONE || c->fields[col][0] == '\0')
        return ATT_OK;
    if (ledger_enum(c, col, ledger_measures, ATT_MEASURE_COUNT, "a measure", &m) != ATT_OK)
        return c->st;
    r->measure = (att_measure)m;
    if (r->measure != ATT_MEASURE_CUMULATIVE && r->kind != ATT_KIND_CASUALTIES &&
        r->kind != ATT_KIND_KILLED && r->kind != ATT_KIND_WOUNDED)
        return ledger_fail(c, col, ATT_EDATA,
                           "expected cumulative or nothing for a %s figure (period and daily "
                           "measure casualties, killed and wounded%s), found \"%s\"",
                           ledger_kinds[r->kind],
                           r->kind == ATT_KIND_RATE ? "; a rate is daily casualties already" : "",
                           c->fields[col]);
    return ATT_OK;
}

static int
ledger_strcmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The group column: empty is the whole force; else group names joined by
 * +, kept in one spelling (sorted, no repeats) so that the repeat and
 * revision keys compare sets.  The names are checked against the
 * scenario's groups by att_ledger_check. */
static att_status
ledger_groups(ledger_ctx *c, att_report *r)
{
    size_t col = c->extra_col[EXTRA_GROUP], n = 0, i, len, off;
    char *names[ATT_GROUP_MAX + 1], *s, *tok, *out;
    char shown[64];

    if (col == ATT_NONE || c->fields[col][0] == '\0') {
        r->groups = att_mem_strdup("");
        return r->groups != NULL ? ATT_OK : ledger_fail(c, ATT_NONE, ATT_ENOMEM, "out of memory");
    }
    s = c->fields[col];
    len = strlen(s);
    for (tok = s;; tok++) {
        char *end = strchr(tok, '+');
        if (end != NULL)
            *end = '\0';
        if (!att_is_name(tok) || n == ATT_GROUP_MAX) {
            if (end != NULL)
                *end = '+';
            for (i = 0; i < len; i++)
                if (s[i] == '\0')
                    s[i] = '+';
            if (n == ATT_GROUP_MAX)
                return ledger_fail(c, col, ATT_EPARSE,
                                   "expected at most %d groups, found more in \"%s\"",
                                   ATT_GROUP_MAX, ledger_show(s, shown, sizeof shown));
            return ledger_fail(c, col, ATT_EPARSE,
                               "expected group names joined by + (inf, inf+art), found \"%s\"",
                               ledger_show(s, shown, sizeof shown));
        }
        names[n++] = tok;
        if (end == NULL)
            break;
        tok = end;
    }
    qsort(names, n, sizeof names[0], ledger_strcmp);
    if ((out = att_mem_alloc(len + 1)) == NULL)
        return ledger_fail(c, ATT_NONE, ATT_ENOMEM, "out of memory");
    for (i = 0, off = 0; i < n; i++) {
        size_t k = strlen(names[i]);
        if (i > 0 && strcmp(names[i], names[i - 1]) == 0) {
            att_mem_free(out);
            return ledger_fail(c, col, ATT_EDATA, "expected each group once, found %s twice",
                               names[i]);
        }
        if (i > 0)
            out[off++] = '+';
        memcpy(out + off, names[i], k); /* the names and their + fit in len */
        off += k;
    }
    out[off] = '\0';
    r->groups = out;
    return ATT_OK;
}

static att_status
ledger_header(ledger_ctx *c)
{
    size_t i, j;
    char shown[64];

    if (c->nfield < ATT_LEDGER_COLUMNS)
        return ledger_fail(c, ATT_NONE, ATT_EPARSE,
                           "expected a header of at least %d columns, found %zu",
                           ATT_LEDGER_COLUMNS, c->nfield);
    for (i = 0; i < ATT_LEDGER_COLUMNS; i++)
        if (strcmp(c->fields[i], ledger_columns[i]) != 0)
            return att_error_set(c->err, c->st = ATT_EPARSE, c->path, c->line, (int)i + 1, NULL,
                                 "expected header column %zu to be \"%s\", found \"%s\"", i + 1,
                                 ledger_columns[i], ledger_show(c->fields[i], shown, sizeof shown));
    for (j = 0; j < EXTRA_COUNT; j++)
        c->extra_col[j] = ATT_NONE;
    for (i = ATT_LEDGER_COLUMNS; i < c->nfield; i++) {
        size_t e = ledger_word(ledger_extras, EXTRA_COUNT, c->fields[i]);
        if (e == ATT_NONE) {
            const char *near = att_closest(c->fields[i], ledger_extras, EXTRA_COUNT);
            return att_error_set(
                c->err, c->st = ATT_EPARSE, c->path, c->line, (int)i + 1, NULL,
                "expected an extra column repeat_of, note, measure or group, found "
                "\"%s\"%s%s%s",
                ledger_show(c->fields[i], shown, sizeof shown), near ? " (did you mean \"" : "",
                near ? near : "", near ? "\"?)" : "");
        }
        if (c->extra_col[e] != ATT_NONE)
            return att_error_set(c->err, c->st = ATT_EPARSE, c->path, c->line, (int)i + 1, NULL,
                                 "expected column \"%s\" once, found it again", ledger_extras[e]);
        c->extra_col[e] = i;
    }
    c->ncol = c->nfield;
    c->have_header = true;
    c->l->files[c->file].group_column =
        c->extra_col[EXTRA_GROUP] == ATT_NONE ? 0 : (int)c->extra_col[EXTRA_GROUP] + 1;
    c->l->files[c->file].repeat_column =
        c->extra_col[EXTRA_REPEAT_OF] == ATT_NONE ? 0 : (int)c->extra_col[EXTRA_REPEAT_OF] + 1;
    return ATT_OK;
}

/* Validates the collected row and appends it as a report. */
static att_status
ledger_row(ledger_ctx *c)
{
    att_ledger *l = c->l;
    att_report *r;
    size_t k;
    const char *rep;
    char shown[64], d1[ATT_DATE_BUFSIZE], d2[ATT_DATE_BUFSIZE];
    bool fraction;

    if (!c->have_header)
        return ledger_header(c);
    if (c->nfield != c->ncol)
        return ledger_fail(c, ATT_NONE, ATT_EPARSE,
                           "expected %zu fields (as in the header), found %zu", c->ncol, c->nfield);
    if (l->n == c->capreport) {
        size_t ncap = c->capreport ? 2 * c->capreport : 64;
        att_report *nr = att_mem_realloc(l->reports, ncap * sizeof *nr);
        char **ni;
        if (nr == NULL)
            return ledger_fail(c, ATT_NONE, ATT_ENOMEM, "out of memory");
        l->reports = nr;
        ni = att_mem_realloc(c->repeat_ids, ncap * sizeof *ni);
        if (ni == NULL)
            return ledger_fail(c, ATT_NONE, ATT_ENOMEM, "out of memory");
        c->repeat_ids = ni;
        c->capreport = ncap;
    }
    r = &l->reports[l->n];
    memset(r, 0, sizeof *r);
    c->repeat_ids[l->n] = NULL;
    r->line = c->line;
    r->file = c->file;
    r->repeat_of = r->revises = r->revised_by = ATT_NONE;
    l->n++; /* from here on the row owns its strings (freed with the ledger) */

    if (!ledger_is_id(c->fields[COL_ID]))
        return ledger_fail(c, COL_ID, ATT_EPARSE,
                           "expected an identifier of letters, digits, _ - . (at most 64), "
                           "found \"%s\"",
                           ledger_show(c->fields[COL_ID], shown, sizeof shown));
    if (ledger_date(c, COL_STATEMENT, &r->statement) != ATT_OK ||
        ledger_date(c, COL_ASOF_START, &r->asof_start) != ATT_OK ||
        ledger_date(c, COL_ASOF_END, &r->asof_end) != ATT_OK)
        return c->st;
    if (r->asof_start > r->asof_end)
        return ledger_fail(c, COL_ASOF_END, ATT_EDATA,
                           "expected asof_end on or after asof_start (%s), found %s",
                           att_date_format(r->asof_start, d1), att_date_format(r->asof_end, d2));
    if (r->asof_end > r->statement)
        return ledger_fail(c, COL_ASOF_END, ATT_EDATA,
                           "expected asof_end on or before statement_date (%s), found %s: a "
                           "figure cannot describe days after it was said",
                           att_date_format(r->statement, d1), att_date_format(r->asof_end, d2));
    if (c->fields[COL_SOURCE][0] == '\0')
        return ledger_fail(c, COL_SOURCE, ATT_EPARSE, "expected who said it, found nothing");
    if (ledger_enum(c, COL_CLASS, c->classes, c->nclass, "a source class declared by the scenario",
                    &r->cls) != ATT_OK)
        return c->st;
    if (ledger_enum(c, COL_KIND, ledger_kinds, ATT_KIND_COUNT, "a kind", &k) != ATT_OK)
        return c->st;
    r->kind = (att_kind)k;
    if (ledger_measure(c, r) != ATT_OK || ledger_groups(c, r) != ATT_OK)
        return c->st;
    if (ledger_enum(c, COL_QUALIFIER, ledger_qualifiers, ATT_QUAL_COUNT, "a qualifier", &k) !=
        ATT_OK)
        return c->st;
    r->qualifier = (att_qualifier)k;
    fraction = r->kind == ATT_KIND_FRACTION;
    if (ledger_number(c, COL_VALUE, r->qualifier != ATT_QUAL_RANGE, ledger_qualifiers[k], fraction,
                      &r->value) != ATT_OK ||
        ledger_number(c, COL_LOW, r->qualifier == ATT_QUAL_RANGE, ledger_qualifiers[k], fraction,
                      &r->low) != ATT_OK ||
        ledger_number(c, COL_HIGH, r->qualifier == ATT_QUAL_RANGE, ledger_qualifiers[k], fraction,
                      &r->high) != ATT_OK)
        return c->st;
    if (r->qualifier == ATT_QUAL_RANGE && !(r->low < r->high))
        return ledger_fail(c, COL_HIGH, ATT_EDATA, "expected high > low (%s), found %s",
                           c->fields[COL_LOW], c->fields[COL_HIGH]);
    if (c->fields[COL_QUOTE][0] == '\0')
        return ledger_fail(c, COL_QUOTE, ATT_EPARSE,
                           "expected the sentence the figure comes from, found nothing");
    if (c->fields[COL_DOC][0] == '\0')
        return ledger_fail(c, COL_DOC, ATT_EPARSE,
                           "expected the document (seed file or URL), found nothing");
    rep = c->extra_col[EXTRA_REPEAT_OF] != ATT_NONE ? c->fields[c->extra_col[EXTRA_REPEAT_OF]] : "";
    /* Take the strings: id, source, quote, doc, note and the repeat_of text. */
    r->id = c->fields[COL_ID];
    r->source = c->fields[COL_SOURCE];
    r->quote = c->fields[COL_QUOTE];
    r->doc = c->fields[COL_DOC];
    c->fields[COL_ID] = c->fields[COL_SOURCE] = c->fields[COL_QUOTE] = c->fields[COL_DOC] = NULL;
    if (c->extra_col[EXTRA_NOTE] != ATT_NONE) {
        r->note = c->fields[c->extra_col[EXTRA_NOTE]];
        c->fields[c->extra_col[EXTRA_NOTE]] = NULL;
    } else if ((r->note = att_mem_strdup("")) == NULL)
        return ledger_fail(c, ATT_NONE, ATT_ENOMEM, "out of memory");
    if (rep[0] != '\0') {
        c->repeat_ids[l->n - 1] = c->fields[c->extra_col[EXTRA_REPEAT_OF]];
        c->fields[c->extra_col[EXTRA_REPEAT_OF]] = NULL;
    }
    return ATT_OK;
}

/* ---- libcsv callbacks ----------------------------------------------------- */

static void
ledger_clear_fields(ledger_ctx *c)
{
    size_t i;

    for (i = 0; i < c->nfield; i++)
        att_mem_free(c->fields[i]);
    c->nfield = 0;
}

static void
ledger_on_field(void *s, size_t len, void *data)
{
    ledger_ctx *c = data;
    char *f;

    if (c->st != ATT_OK)
        return;
    if (c->nfield == c->capfield) {
        size_t ncap = c->capfield ? 2 * c->capfield : 32;
        char **nf = att_mem_realloc(c->fields, ncap * sizeof *nf);
        if (nf == NULL) {
            (void)ledger_fail(c, ATT_NONE, ATT_ENOMEM, "out of memory");
            return;
        }
        c->fields = nf;
        c->capfield = ncap;
    }
    f = att_mem_alloc(len + 1);
    if (f == NULL) {
        (void)ledger_fail(c, ATT_NONE, ATT_ENOMEM, "out of memory");
        return;
    }
    if (len > 0)
        memcpy(f, s, len);
    f[len] = '\0';
    c->fields[c->nfield++] = f;
}

static void
ledger_on_row(int term, void *data)
{
    ledger_ctx *c = data;

    (void)term;
    c->rows_ended++;
    if (c->st == ATT_OK)
        (void)ledger_row(c);
    ledger_clear_fields(c);
}

/* ---- order, repeats, revisions -------------------------------------------- */

/* The passes below sort index arrays and walk groups of equal keys, so
 * linking costs O(n log n) however long the ledger. */

static int
ledger_rank_cmp(const void *a, const void *b, void *ctx)
{
    const att_report *x = (const att_report *)ctx + *(const size_t *)a;
    const att_report *y = (const att_report *)ctx + *(const size_t *)b;

    if (x->statement != y->statement)
        return x->statement < y->statement ? -1 : 1;
    return (x > y) - (x < y); /* then row: the files one after another */
}

static int
ledger_id_cmp(const void *a, const void *b, void *ctx)
{
    const att_report *x = (const att_report *)ctx + *(const size_t *)a;
    const att_report *y = (const att_report *)ctx + *(const size_t *)b;
    int c = strcmp(x->id, y->id);

    return c != 0 ? c : (x > y) - (x < y);
}

#define LEDGER_CMP(a, b)               \
    do {                               \
        if ((a) != (b))                \
            return (a) < (b) ? -1 : 1; \
    } while (0)

/* Repeat key: class, kind, measure, figure, window; then rank. */
static int
ledger_repeat_cmp(const void *a, const void *b, void *ctx)
{
    const att_report *x = (const att_report *)ctx + *(const size_t *)a;
    const att_report *y = (const att_report *)ctx + *(const size_t *)b;

    int c = strcmp(x->groups, y->groups);

    if (c != 0)
        return c;
    LEDGER_CMP(x->cls, y->cls);
    LEDGER_CMP(x->kind, y->kind);
    LEDGER_CMP(x->measure, y->measure);
    LEDGER_CMP(x->qualifier, y->qualifier);
    LEDGER_CMP(x->value, y->value);
    LEDGER_CMP(x->low, y->low);
    LEDGER_CMP(x->high, y->high);
    LEDGER_CMP(x->asof_start, y->asof_start);
    LEDGER_CMP(x->asof_end, y->asof_end);
    LEDGER_CMP(x->rank, y->rank);
    return 0;
}

/* Revision key: source (ignoring case), kind, measure, window; then rank. */
static int
ledger_revision_cmp(const void *a, const void *b, void *ctx)
{
    const att_report *x = (const att_report *)ctx + *(const size_t *)a;
    const att_report *y = (const att_report *)ctx + *(const size_t *)b;
    int c = strcasecmp(x->source, y->source);

    if (c == 0)
        c = strcmp(x->groups, y->groups);
    if (c != 0)
        return c;
    LEDGER_CMP(x->kind, y->kind);
    LEDGER_CMP(x->measure, y->measure);
    LEDGER_CMP(x->asof_start, y->asof_start);
    LEDGER_CMP(x->asof_end, y->asof_end);
    LEDGER_CMP(x->rank, y->rank);
    return 0;
}

static bool
ledger_same_figure(const att_report *a, const att_report *b)
{
    return a->qualifier == b->qualifier && a->value == b->value && a->low == b->low &&
           a->high == b->high;
}

/* Sorts idx[0..n) with cmp(a, b, reports): qsort_r is not in C11 nor POSIX,
 * so a plain heap sort (in place, O(n log n), no allocation). */
static void
ledger_sort(size_t *idx, size_t n, int (*cmp)(const void *, const void *, void *), void *ctx)
{
    size_t start, end, root, child, t;

    if (n < 2)
        return;
    for (start = n / 2; start-- > 0;) {
        for (root = start; (child = 2 * root + 1) < n; root = child) {
            if (child + 1 < n && cmp(&idx[child], &idx[child + 1], ctx) < 0)
                child++;
            if (cmp(&idx[root], &idx[child], ctx) >= 0)
                break;
            t = idx[root], idx[root] = idx[child], idx[child] = t;
        }
    }
    for (end = n; --end > 0;) {
        t = idx[0], idx[0] = idx[end], idx[end] = t;
        for (root = 0; (child = 2 * root + 1) < end; root = child) {
            if (child + 1 < end && cmp(&idx[child], &idx[child + 1], ctx) < 0)
                child++;
            if (cmp(&idx[root], &idx[child], ctx) >= 0)
                break;
            t = idx[root], idx[root] = idx[child], idx[child] = t;
        }
    }
}

/* Index of the report with this id, by binary search in by_id. */
static size_t
ledger_find_id(const att_ledger *l, const size_t *by_id, const char *id)
{
    size_t lo = 0, hi = l->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(l->reports[by_id[mid]].id, id);
        if (c == 0)
            return by_id[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return ATT_NONE;
}

/* Ids unique; ranks; explicit repeats; detected repeats; revision chains. */
static att_status
ledger_link(ledger_ctx *c)
{
    att_ledger *l = c->l;
    att_report *rep = l->reports;
    size_t *by_rank = NULL, *by_id = NULL, *work = NULL, i, k, n = l->n, first = ATT_NONE;
    char where[ATT_ERROR_PATH_MAX + 32];

    if (n == 0 || c->repeat_ids == NULL)
        return c->st;
    by_rank = att_mem_calloc(n, sizeof *by_rank);
    by_id = att_mem_calloc(n, sizeof *by_id);
    work = att_mem_calloc(n, sizeof *work);
    if (by_rank == NULL || by_id == NULL || work == NULL) {
        c->st = ATT_FAIL(c->err, ATT_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (i = 0; i < n; i++)
        by_rank[i] = by_id[i] = i;
    ledger_sort(by_id, n, ledger_id_cmp, rep);
    /* Of all duplicated ids, report the second occurrence that comes first. */
    for (i = 1; i < n; i++)
        if (strcmp(rep[by_id[i]].id, rep[by_id[i - 1]].id) == 0 &&
            (first == ATT_NONE || by_id[i] < by_id[first]))
            first = i;
    if (first != ATT_NONE) {
        const att_report *r = &rep[by_id[first]];
        (void)ledger_fail_row(c, r, COL_ID + 1, "id",
                              "expected a unique id, found \"%s\" already used on %s", r->id,
                              ledger_where(l, &rep[by_id[first - 1]], r, where, sizeof where));
        goto cleanup;
    }
    ledger_sort(by_rank, n, ledger_rank_cmp, rep);
    for (i = 0; i < n; i++)
        rep[by_rank[i]].rank = i;

    /* Explicit repeats, in rank order so that a named row is resolved to
     * its own original first. */
    for (i = 0; i < n && c->st == ATT_OK; i++) {
        att_report *r = &rep[by_rank[i]];
        const char *named = c->repeat_ids[by_rank[i]];
        int col = l->files[r->file].repeat_column;
        if (named == NULL)
            continue;
        k = ledger_find_id(l, by_id, named);
        if (k == ATT_NONE)
            (void)ledger_fail_row(c, r, col, "repeat_of",
                                  "expected the id of an earlier row, found \"%s\" (no such id)",
                                  named);
        else if (rep[k].rank >= r->rank)
            (void)ledger_fail_row(c, r, col, "repeat_of",
                                  "expected the id of an earlier row (by statement date, then "
                                  "row), found \"%s\" on %s, which is not earlier",
                                  named, ledger_where(l, &rep[k], r, where, sizeof where));
        else if (rep[k].cls != r->cls || rep[k].asof_start != r->asof_start ||
                 rep[k].asof_end != r->asof_end)
            (void)ledger_fail_row(c, r, col, "repeat_of",
                                  "expected a repeat to carry the original's source class and "
                                  "as-of window (%s), found them different",
                                  ledger_where(l, &rep[k], r, where, sizeof where));
        else {
            r->repeat_of = k; /* rooted below, once detected repeats are known */
            r->repeat_explicit = true;
        }
    }
    if (c->st != ATT_OK)
        goto cleanup;

    /* Detected repeats: in each group of equal (class, kind, figure,
     * window), every row after the earliest repeats it; a row already
     * named a repeat keeps its own target (rooted below either way). */
    for (i = 0; i < n; i++)
        work[i] = i;
    ledger_sort(work, n, ledger_repeat_cmp, rep);
    for (i = 0; i < n; i = k) {
        for (k = i + 1; k < n; k++) {
            att_report *r = &rep[work[k]];
            const att_report *q = &rep[work[i]];
            if (q->cls != r->cls || q->kind != r->kind || q->measure != r->measure ||
                strcmp(q->groups, r->groups) != 0 || !ledger_same_figure(q, r) ||
                q->asof_start != r->asof_start || q->asof_end != r->asof_end)
                break;
            if (!r->repeat_explicit)
                r->repeat_of = work[i];
        }
    }

    /* A repeat points at the original, never at another repeat: in rank
     * order, each named row is already rooted when a later one uses it. */
    for (i = 0; i < n; i++) {
        att_report *r = &rep[by_rank[i]];
        if (r->repeat_of != ATT_NONE && rep[r->repeat_of].repeat_of != ATT_NONE)
            r->repeat_of = rep[r->repeat_of].repeat_of;
    }

    /* Revisions: in each group of equal (source, kind, window), each
     * non-repeat row revises the one before it. */
    for (i = k = 0; i < n; i++)
        if (rep[i].repeat_of == ATT_NONE)
            work[k++] = i;
    n = k;
    ledger_sort(work, n, ledger_revision_cmp, rep);
    for (i = 1; i < n && c->st == ATT_OK; i++) {
        att_report *q = &rep[work[i - 1]], *r = &rep[work[i]];
        if (strcasecmp(q->source, r->source) != 0 || q->kind != r->kind ||
            q->measure != r->measure || strcmp(q->groups, r->groups) != 0 ||
            q->asof_start != r->asof_start || q->asof_end != r->asof_end)
            continue;
        if (q->cls != r->cls) {
            /* Vintages of one source must carry one class: otherwise the
             * revision would silently change whose bias applies. */
            (void)ledger_fail_row(c, r, COL_CLASS + 1, "source_class",
                                  "expected source \"%s\" to keep its class %s (%s), found %s",
                                  r->source, l->classes[q->cls],
                                  ledger_where(l, q, r, where, sizeof where), l->classes[r->cls]);
            break;
        }
        q->revised_by = work[i];
        r->revises = work[i - 1];
    }
cleanup:
    att_mem_free(by_rank);
    att_mem_free(by_id);
    att_mem_free(work);
    return c->st;
}

/* ---- public ----------------------------------------------------------------- */

void
att_ledger_free(att_ledger *l)
{
    size_t i;

    if (l == NULL)
        return;
    for (i = 0; i < l->n; i++) {
        att_report *r = &l->reports[i];
        att_mem_free(r->id);
        att_mem_free(r->source);
        att_mem_free(r->quote);
        att_mem_free(r->doc);
        att_mem_free(r->note);
        att_mem_free(r->groups);
    }
    for (i = 0; l->classes != NULL && i < l->nclass; i++)
        att_mem_free(l->classes[i]);
    att_mem_free(l->classes);
    att_mem_free(l->reports);
    for (i = 0; l->files != NULL && i < l->nfile; i++)
        att_mem_free(l->files[i].path);
    att_mem_free(l->files);
    att_mem_free(l->path);
    att_mem_free(l);
}


/* Feeds one text, with its own header, into c (c->file says which). */
static void
ledger_feed(ledger_ctx *c, const att_ledger_text *t)
{
    struct csv_parser csv;
    const char *text = t->text;
    size_t pos = 0, len = t->len;

    c->path = t->name;
    c->line = 0;
    c->have_header = false;
    if (csv_init(&csv, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        c->st = ATT_FAIL(c->err, ATT_ENOMEM, "out of memory");
        return;
    }
    /* A UTF-8 byte-order mark (spreadsheets write one) is not part of the
     * header; the digest still covers every byte. */
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
        pos = 3;
    csv_set_realloc_func(&csv, att_mem_realloc);
    csv_set_free_func(&csv, att_mem_free);
    /* Feed one physical line at a time: each non-blank line must end
     * exactly one row, so a newline inside quotes is caught on its line. */
    while (pos < len && c->st == ATT_OK) {
        const char *p = text + pos, *nl = memchr(p, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - p) + 1 : len - pos, k;
        bool blank = true;
        c->line++;
        pos += n;
        for (k = 0; k < n && blank; k++)
            blank = p[k] == ' ' || p[k] == '\t' || p[k] == '\r' || p[k] == '\n';
        if (blank)
            continue;
        if (memchr(p, '\0', n) != NULL) {
            (void)ledger_fail(c, ATT_NONE, ATT_EPARSE, "expected text, found a NUL byte");
            break;
        }
        c->rows_ended = 0;
        if (csv_parse(&csv, p, n, ledger_on_field, ledger_on_row, c) != n) {
            int ce = csv_error(&csv);
            if (c->st == ATT_OK && (ce == CSV_ENOMEM || ce == CSV_ETOOBIG))
                (void)ledger_fail(c, ATT_NONE, ATT_ENOMEM, "out of memory reading the ledger");
            else if (c->st == ATT_OK)
                (void)ledger_fail(c, c->nfield, ATT_EPARSE,
                                  "malformed quoting (%s): a quoted field must be closed by "
                                  "\" followed by a comma or the end of the line",
                                  csv_strerror(csv_error(&csv)));
            break;
        }
        if (nl == NULL && c->st == ATT_OK &&
            csv_fini(&csv, ledger_on_field, ledger_on_row, c) != 0) {
            (void)ledger_fail(c, c->nfield, ATT_EPARSE,
                              "expected a closing quote before the end of the file");
            break;
        }
        if (c->st == ATT_OK && c->rows_ended != 1)
            (void)ledger_fail(c, c->nfield, ATT_EPARSE,
                              "expected one row per line, found a quoted field running past "
                              "the end of the line (unclosed quote?)");
    }
    csv_free(&csv);
    ledger_clear_fields(c);
    if (c->st == ATT_OK && !c->have_header)
        c->st = att_error_set(c->err, ATT_EPARSE, t->name, 0, 0, NULL,
                              "expected a header line and reports, found an empty file");
}

/* SHA-256 of one text's bytes; of several, of each one's length and bytes
 * in turn (so that no two splits of the same bytes agree). */
static att_status
ledger_digest(const att_ledger_text *texts, size_t ntext, char out[ATT_DIGEST_HEX], att_error *err)
{
    const void **data;
    size_t *len, i;

    if (ntext == 1) {
        att_digest_bytes(texts[0].text, texts[0].len, out);
        return ATT_OK;
    }
    data = att_mem_alloc(ntext * sizeof *data);
    len = att_mem_alloc(ntext * sizeof *len);
    if (data == NULL || len == NULL) {
        att_mem_free(data);
        att_mem_free(len);
        return ATT_FAIL(err, ATT_ENOMEM, "out of memory");
    }
    for (i = 0; i < ntext; i++) {
        data[i] = texts[i].text;
        len[i] = texts[i].len;
    }
    att_digest_parts(data, len, ntext, out);
    att_mem_free(data);
    att_mem_free(len);
    return ATT_OK;
}

att_status
att_ledger_parse_texts(const att_ledger_text *texts,
                       size_t ntext,
                       const char *const *classes,
                       size_t nclass,
                       att_ledger **out,
                       att_error *err)
{
    ledger_ctx c;
    size_t i, used = 0, before;
    att_ledger *l;

    *out = NULL;
    memset(&c, 0, sizeof c);
    c.err = err;
    c.classes = classes;
    c.nclass = nclass;
    if (ntext == 0)
        return ATT_FAIL(err, ATT_EINVAL, "no ledger text given");
    l = c.l = att_mem_calloc(1, sizeof *l);
    if (l == NULL || (l->files = att_mem_calloc(ntext, sizeof *l->files)) == NULL ||
        (nclass > 0 && (l->classes = att_mem_calloc(nclass, sizeof *l->classes)) == NULL)) {
        c.st = ATT_FAIL(err, ATT_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (i = 0; i < ntext; i++) {
        if ((l->files[i].path = att_mem_strdup(texts[i].name)) == NULL) {
            c.st = ATT_FAIL(err, ATT_ENOMEM, "out of memory");
            goto cleanup;
        }
        l->nfile++;
        used += strlen(texts[i].name) + 3;
    }
    if ((l->path = att_mem_alloc(used + 1)) == NULL) {
        c.st = ATT_FAIL(err, ATT_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (i = 0, used = 0; i < ntext; i++)
        used += (size_t)sprintf(l->path + used, "%s%s", i ? " + " : "", texts[i].name);
    for (i = 0; i < nclass; i++) {
        if ((l->classes[i] = att_mem_strdup(classes[i])) == NULL) {
            c.st = ATT_FAIL(err, ATT_ENOMEM, "out of memory");
            goto cleanup;
        }
        l->nclass++;
    }
    if ((c.st = ledger_digest(texts, ntext, l->digest, err)) != ATT_OK)
        goto cleanup;
    for (i = 0; i < ntext && c.st == ATT_OK; i++) {
        before = l->n;
        c.file = i;
        ledger_feed(&c, &texts[i]);
        if (c.st == ATT_OK && l->n == before)
            c.st = att_error_set(err, ATT_EDATA, texts[i].name, 0, 0, NULL,
                                 "expected at least one report after the header, found none");
    }
    if (c.st == ATT_OK)
        (void)ledger_link(&c);
    if (c.st == ATT_OK) {
        *out = l;
        l = NULL;
    }
cleanup:
    ledger_clear_fields(&c);
    att_mem_free(c.fields);
    if (c.repeat_ids != NULL)
        for (i = 0; i < (c.l ? c.l->n : 0); i++)
            att_mem_free(c.repeat_ids[i]);
    att_mem_free(c.repeat_ids);
    att_ledger_free(l);
    return c.st;
}

att_status
att_ledger_parse(const char *name,
                 const char *text,
                 size_t len,
                 const char *const *classes,
                 size_t nclass,
                 att_ledger **out,
                 att_error *err)
{
    att_ledger_text t = {name, text, len};

    return att_ledger_parse_texts(&t, 1, classes, nclass, out, err);
}

att_status
att_ledger_load(
    const char *path, const char *const *classes, size_t nclass, att_ledger **out, att_error *err)
{
    char *text = NULL;
    size_t len = 0;
    att_status st;

    *out = NULL;
    st = att_file_slurp(path, &text, &len, err);
    if (st == ATT_OK)
        st = att_ledger_parse(path, text, len, classes, nclass, out, err);
    att_mem_free(text);
    return st;
}

size_t
att_ledger_used(const att_ledger *l, int32_t cutoff, bool *used)
{
    size_t i, n = 0;

    for (i = 0; i < l->n; i++) {
        const att_report *r = &l->reports[i];
        size_t next = r->revised_by;
        used[i] = r->statement <= cutoff && r->repeat_of == ATT_NONE &&
                  (next == ATT_NONE || l->reports[next].statement > cutoff);
        n += used[i];
    }
    return n;
}

uint32_t
att_ledger_group_set(const att_report *r, const att_params *p)
{
    uint32_t set = 0, all;
    const char *s = r->groups;
    size_t ng = att_params_group_count(p);

    while (*s != '\0') {
        size_t len = strcspn(s, "+"), g;
        for (g = 0; g < p->ngroup; g++)
            if (strlen(p->groups[g].name) == len && strncmp(p->groups[g].name, s, len) == 0)
                set |= 1u << g;
        s += len + (s[len] == '+');
    }
    all = ng >= 32 ? UINT32_MAX : (1u << ng) - 1u;
    return set == all ? 0u : set;
}

/* Every group a report names is one of p's. */
static att_status
ledger_check_groups(const att_ledger *l, const att_report *r, const att_params *p, att_error *err)
{
    const char *s = r->groups;

    while (*s != '\0') {
        size_t len = strcspn(s, "+"), g;
        for (g = 0; g < p->ngroup; g++)
            if (strlen(p->groups[g].name) == len && strncmp(p->groups[g].name, s, len) == 0)
                break;
        if (g == p->ngroup)
            return att_error_set(err, ATT_EDATA, l->files[r->file].path, r->line,
                                 l->files[r->file].group_column, "group",
                                 "report %s: expected %s, found \"%.*s\"", r->id,
                                 p->ngroup == 0 ? "no group (the scenario declares no [group])"
                                                : "a group the scenario declares",
                                 (int)len, s);
        s += len + (s[len] == '+');
    }
    return ATT_OK;
}

/* The first day troops of the groups in set are in theatre, and the first
 * day of combat with them there (INT32_MAX for none). */
static void
ledger_first_days(const att_params *p, uint32_t set, int32_t *first_arrival, int32_t *first_combat)
{
    size_t j, k;

    *first_arrival = *first_combat = INT32_MAX;
    for (j = 0; j < p->narrival; j++)
        if (set == 0 || (set >> p->arrivals[j].group & 1u)) {
            *first_arrival = p->arrivals[j].date;
            break;
        }
    for (k = 0; k < p->nphase && *first_arrival != INT32_MAX; k++) {
        const att_phase *ph = &p->phases[k];
        int32_t from = ph->start > *first_arrival ? ph->start : *first_arrival;
        if (att_params_phase_has_combat(ph) && (ph->end == ATT_DAY_OPEN || ph->end > from)) {
            *first_combat = from;
            break;
        }
    }
}

att_status
att_ledger_check(const att_ledger *l, const att_params *p, att_error *err)
{
    int32_t first_combat, first_arrival;
    size_t i, k;
    char d1[ATT_DATE_BUFSIZE], d2[ATT_DATE_BUFSIZE];

    for (i = 0; i < l->n; i++) {
        const att_report *r = &l->reports[i];
        bool losses = att_kind_family(r->kind) == ATT_FAMILY_LOSSES;
        int32_t zero_until;
        att_status st = ledger_check_groups(l, r, p, err);
        if (st != ATT_OK)
            return st;
        /* Casualties start with the first day of combat after someone of
         * the report's groups arrived. */
        ledger_first_days(p, att_ledger_group_set(r, p), &first_arrival, &first_combat);
        /* C is 0 through the end of the day before combat with troops in
         * theatre; D before the first arrival (as-of dates mean 24:00). */
        zero_until = losses ? first_combat - 1 : first_arrival - 1;
        if (r->repeat_of != ATT_NONE)
            continue;
        if (r->kind == ATT_KIND_RATE || r->measure != ATT_MEASURE_CUMULATIVE) {
            /* A rate, or a loss over a period, is 0 unless some day of its
             * interval has combat with troops present. */
            int32_t from = r->asof_start > first_arrival ? r->asof_start : first_arrival;
            for (k = 0; k < p->nphase; k++) {
                const att_phase *ph = &p->phases[k];
                if (att_params_phase_has_combat(ph) && ph->start <= r->asof_end &&
                    (ph->end == ATT_DAY_OPEN || ph->end > from) && from <= r->asof_end)
                    break;
            }
            if (k == p->nphase)
                return att_error_set(
                    err, ATT_EDATA, l->files[r->file].path, r->line, COL_ASOF_START + 1,
                    "asof_start",
                    "report %s: expected a %s with at least one day of combat with "
                    "troops in theatre, found %s..%s",
                    r->id, r->kind == ATT_KIND_RATE ? "rate interval" : "period",
                    att_date_format(r->asof_start, d1), att_date_format(r->asof_end, d2));
            continue;
        }
        if (r->asof_end > zero_until)
            continue;
        return att_error_set(
            err, ATT_EDATA, l->files[r->file].path, r->line, COL_ASOF_END + 1, "asof_end",
            "report %s: expected a window ending on or after %s, found %s: its "
            "model quantity is 0 over the whole window (%s)",
            r->id, att_date_format(zero_until + 1, d1), att_date_format(r->asof_end, d2),
            losses ? "no casualties before combat with troops in theatre"
                   : "nothing deployed before the first arrival");
    }
    return ATT_OK;
}

const char *
att_kind_name(att_kind k)
{
    return (unsigned)k < ATT_KIND_COUNT ? ledger_kinds[k] : "?";
}

const char *
att_qualifier_name(att_qualifier q)
{
    return (unsigned)q < ATT_QUAL_COUNT ? ledger_qualifiers[q] : "?";
}

const char *
att_measure_name(att_measure m)
{
    return (unsigned)m < ATT_MEASURE_COUNT ? ledger_measures[m] : "?";
}

att_family
att_kind_family(att_kind k)
{
    return k == ATT_KIND_STRENGTH || k == ATT_KIND_DEPLOYED ? ATT_FAMILY_FORCE : ATT_FAMILY_LOSSES;
}
