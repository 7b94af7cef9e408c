/* ledger.c -- the report ledger: CSV through libcsv, validated field by field.
 *
 * Contents: row collection (libcsv, fed one physical line at a time so that
 * every message has an exact line); field validation; ordering, repeats and
 * revisions (MODEL.md, "Repeats and revisions"); the information set at a
 * cut-off; consistency with a parameter file.
 */
#include <csv.h>
#include <math.h>
#include <nettle/sha2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <attrition/att_date.h>
#include <attrition/att_ledger.h>

#include "internal.h"

static const char *const ledger_columns[ATT_LEDGER_COLUMNS] = {
    "id",     "statement_date", "asof_start", "asof_end", "source", "source_class", "kind",
    "qualifier", "value", "low",  "high",       "quote",    "doc"};
enum { COL_ID, COL_STATEMENT, COL_ASOF_START, COL_ASOF_END, COL_SOURCE, COL_CLASS, COL_KIND,
       COL_QUALIFIER, COL_VALUE, COL_LOW, COL_HIGH, COL_QUOTE, COL_DOC };

/* The documented extra columns. */
static const char *const ledger_extras[] = {"repeat_of", "note"};
enum { EXTRA_REPEAT_OF, EXTRA_NOTE, EXTRA_COUNT };

static const char *const ledger_kinds[ATT_KIND_COUNT] = {
    "casualties", "killed", "wounded", "rate", "fraction", "strength", "deployed"};
static const char *const ledger_qualifiers[ATT_QUAL_COUNT] = {"approx", "range", "at_least",
                                                              "up_to"};

/* Figures above this are refused: no force or loss count of any war comes
 * near it, so a larger one is a typing error, not a report. */
#define LEDGER_VALUE_MAX 1e9

typedef struct {
    const char *path;
    att_error *err;
    att_status st;
    const char *const *classes;
    size_t nclass;
    long line;                 /* physical line being fed */
    size_t rows_ended;         /* rows completed while feeding this line */
    char **fields;             /* the row being collected */
    size_t nfield, capfield;
    bool have_header;
    size_t ncol;               /* columns in the header */
    size_t extra_col[EXTRA_COUNT]; /* column of each extra, or ATT_NONE */
    char **repeat_ids;         /* per report: the repeat_of text, or NULL */
    att_ledger *l;
    size_t capreport;
} ledger_ctx;

/* ---- messages ----------------------------------------------------------- */

static att_status
ledger_fail(ledger_ctx *c, size_t col, att_status code, const char *fmt, ...) ATT_PRINTF(4, 5);

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
        if (col < ATT_LEDGER_COLUMNS)
            field = ledger_columns[col];
        else if (col == c->extra_col[EXTRA_REPEAT_OF])
            field = "repeat_of";
        else if (col == c->extra_col[EXTRA_NOTE])
            field = "note";
    }
    c->st = att_error_set(c->err, code, c->path, c->line,
                          col != ATT_NONE ? (int)col + 1 : 0, field, "%s", msg);
    return c->st;
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
ledger_enum(ledger_ctx *c, size_t col, const char *const *words, size_t n, const char *what,
            size_t *out)
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
ledger_number(ledger_ctx *c, size_t col, bool required, const char *qual, bool fraction,
              double *out)
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
                                 ledger_columns[i],
                                 ledger_show(c->fields[i], shown, sizeof shown));
    for (j = 0; j < EXTRA_COUNT; j++)
        c->extra_col[j] = ATT_NONE;
    for (i = ATT_LEDGER_COLUMNS; i < c->nfield; i++) {
        size_t e = ledger_word(ledger_extras, EXTRA_COUNT, c->fields[i]);
        if (e == ATT_NONE) {
            const char *near = att_closest(c->fields[i], ledger_extras, EXTRA_COUNT);
            return att_error_set(c->err, c->st = ATT_EPARSE, c->path, c->line, (int)i + 1, NULL,
                                 "expected an extra column repeat_of or note, found \"%s\"%s%s%s",
                                 ledger_show(c->fields[i], shown, sizeof shown),
                                 near ? " (did you mean \"" : "", near ? near : "",
                                 near ? "\"?)" : "");
        }
        if (c->extra_col[e] != ATT_NONE)
            return att_error_set(c->err, c->st = ATT_EPARSE, c->path, c->line, (int)i + 1, NULL,
                                 "expected column \"%s\" once, found it again",
                                 ledger_extras[e]);
        c->extra_col[e] = i;
    }
    c->ncol = c->nfield;
    c->have_header = true;
    return ATT_OK;
}

/* Validates the collected row and appends it as a report. */
static att_status
ledger_row(ledger_ctx *c)
{
    att_ledger *l = c->l;
    att_report *r;
    size_t k, i;
    const char *rep;
    char shown[64], d1[ATT_DATE_BUFSIZE], d2[ATT_DATE_BUFSIZE];
    bool fraction;

    if (!c->have_header)
        return ledger_header(c);
    if (c->nfield != c->ncol)
        return ledger_fail(c, ATT_NONE, ATT_EPARSE,
                           "expected %zu fields (as in the header), found %zu", c->ncol,
                           c->nfield);
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
    r->repeat_of = r->revises = r->revised_by = ATT_NONE;
    l->n++; /* from here on the row owns its strings (freed with the ledger) */

    if (!ledger_is_id(c->fields[COL_ID]))
        return ledger_fail(c, COL_ID, ATT_EPARSE,
                           "expected an identifier of letters, digits, _ - . (at most 64), "
                           "found \"%s\"",
                           ledger_show(c->fields[COL_ID], shown, sizeof shown));
    for (i = 0; i + 1 < l->n; i++)
        if (strcmp(l->reports[i].id, c->fields[COL_ID]) == 0)
            return ledger_fail(c, COL_ID, ATT_EDATA,
                               "expected a unique id, found \"%s\" already used on line %ld",
                               c->fields[COL_ID], l->reports[i].line);
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
    if (ledger_enum(c, COL_QUALIFIER, ledger_qualifiers, ATT_QUAL_COUNT, "a qualifier", &k) !=
        ATT_OK)
        return c->st;
    r->qualifier = (att_qualifier)k;
    fraction = r->kind == ATT_KIND_FRACTION;
    if (ledger_number(c, COL_VALUE, r->qualifier != ATT_QUAL_RANGE, ledger_qualifiers[k],
                      fraction, &r->value) != ATT_OK ||
        ledger_number(c, COL_LOW, r->qualifier == ATT_QUAL_RANGE, ledger_qualifiers[k], fraction,
                      &r->low) != ATT_OK ||
        ledger_number(c, COL_HIGH, r->qualifier == ATT_QUAL_RANGE, ledger_qualifiers[k],
                      fraction, &r->high) != ATT_OK)
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
    rep = c->extra_col[EXTRA_REPEAT_OF] != ATT_NONE ? c->fields[c->extra_col[EXTRA_REPEAT_OF]]
                                                    : "";
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

static int
ledger_rank_cmp(const void *a, const void *b)
{
    const att_report *const *x = a, *const *y = b;

    if ((*x)->statement != (*y)->statement)
        return (*x)->statement < (*y)->statement ? -1 : 1;
    return ((*x)->line > (*y)->line) - ((*x)->line < (*y)->line);
}

static bool
ledger_same_figure(const att_report *a, const att_report *b)
{
    return a->qualifier == b->qualifier && a->value == b->value && a->low == b->low &&
           a->high == b->high;
}

static bool
ledger_same_window(const att_report *a, const att_report *b)
{
    return a->kind == b->kind && a->asof_start == b->asof_start && a->asof_end == b->asof_end;
}

static att_status
ledger_link(ledger_ctx *c)
{
    att_ledger *l = c->l;
    att_report **by_rank;
    size_t i, j, n = l->n;

    if (n == 0)
        return ATT_OK;
    by_rank = att_mem_calloc(n, sizeof *by_rank);
    if (by_rank == NULL)
        return ATT_FAIL(c->err, ATT_ENOMEM, "out of memory");
    for (i = 0; i < n; i++)
        by_rank[i] = &l->reports[i];
    qsort(by_rank, n, sizeof *by_rank, ledger_rank_cmp);
    for (i = 0; i < n; i++)
        by_rank[i]->rank = i;
    for (i = 0; i < n && c->st == ATT_OK; i++) {
        att_report *r = by_rank[i];
        size_t ri = (size_t)(r - l->reports);
        const char *named = c->repeat_ids[ri];
        c->line = r->line;
        if (named != NULL) {
            for (j = 0; j < n && strcmp(l->reports[j].id, named) != 0; j++)
                ;
            if (j == n)
                (void)ledger_fail(c, c->extra_col[EXTRA_REPEAT_OF], ATT_EDATA,
                                  "expected the id of an earlier row, found \"%s\" (no such id)",
                                  named);
            else if (l->reports[j].rank >= r->rank)
                (void)ledger_fail(c, c->extra_col[EXTRA_REPEAT_OF], ATT_EDATA,
                                  "expected the id of an earlier row (by statement date, then "
                                  "row), found \"%s\" on line %ld, which is not earlier",
                                  named, l->reports[j].line);
            else if (l->reports[j].cls != r->cls ||
                     l->reports[j].asof_start != r->asof_start ||
                     l->reports[j].asof_end != r->asof_end)
                (void)ledger_fail(c, c->extra_col[EXTRA_REPEAT_OF], ATT_EDATA,
                                  "expected a repeat to carry the original's source class and "
                                  "as-of window (line %ld), found them different",
                                  l->reports[j].line);
            else {
                r->repeat_of = l->reports[j].repeat_of != ATT_NONE ? l->reports[j].repeat_of : j;
                r->repeat_explicit = true;
            }
            continue;
        }
        for (j = 0; j < i; j++) {
            const att_report *q = by_rank[j];
            if (q->repeat_of == ATT_NONE && q->cls == r->cls && ledger_same_window(q, r) &&
                ledger_same_figure(q, r)) {
                r->repeat_of = (size_t)(q - l->reports);
                break;
            }
        }
        if (r->repeat_of != ATT_NONE)
            continue;
        /* The latest earlier vintage of the same (source, kind, window). */
        for (j = i; j-- > 0;) {
            att_report *q = by_rank[j];
            if (q->repeat_of == ATT_NONE && q->revised_by == ATT_NONE &&
                ledger_same_window(q, r) && strcasecmp(q->source, r->source) == 0 &&
                !ledger_same_figure(q, r)) {
                q->revised_by = ri;
                r->revises = (size_t)(q - l->reports);
                break;
            }
        }
    }
    att_mem_free(by_rank);
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
    }
    for (i = 0; i < l->nclass; i++)
        att_mem_free(l->classes[i]);
    att_mem_free(l->classes);
    att_mem_free(l->reports);
    att_mem_free(l->path);
    att_mem_free(l);
}

static void
ledger_digest(const char *text, size_t len, char out[65])
{
    struct sha256_ctx h;
    uint8_t d[SHA256_DIGEST_SIZE];
    size_t i;

    sha256_init(&h);
    sha256_update(&h, len, (const uint8_t *)text);
    sha256_digest(&h, SHA256_DIGEST_SIZE, d);
    for (i = 0; i < SHA256_DIGEST_SIZE; i++)
        (void)snprintf(out + 2 * i, 3, "%02x", d[i]);
}

att_status
att_ledger_parse(const char *name, const char *text, size_t len, const char *const *classes,
                 size_t nclass, att_ledger **out, att_error *err)
{
    struct csv_parser csv;
    bool csv_ready = false;
    ledger_ctx c;
    size_t pos = 0, i;
    att_ledger *l;

    *out = NULL;
    memset(&c, 0, sizeof c);
    c.path = name;
    c.err = err;
    c.classes = classes;
    c.nclass = nclass;
    l = c.l = att_mem_calloc(1, sizeof *l);
    if (l == NULL || (l->path = att_mem_strdup(name)) == NULL ||
        (nclass > 0 && (l->classes = att_mem_calloc(nclass, sizeof *l->classes)) == NULL)) {
        c.st = ATT_FAIL(err, ATT_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (i = 0; i < nclass; i++) {
        if ((l->classes[i] = att_mem_strdup(classes[i])) == NULL) {
            c.st = ATT_FAIL(err, ATT_ENOMEM, "out of memory");
            goto cleanup;
        }
        l->nclass++;
    }
    ledger_digest(text, len, l->digest);
    if (csv_init(&csv, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        c.st = ATT_FAIL(err, ATT_ENOMEM, "out of memory");
        goto cleanup;
    }
    csv_ready = true;
    csv_set_realloc_func(&csv, att_mem_realloc);
    csv_set_free_func(&csv, att_mem_free);
    /* Feed one physical line at a time: each non-blank line must end
     * exactly one row, so a newline inside quotes is caught on its line. */
    while (pos < len && c.st == ATT_OK) {
        const char *p = text + pos, *nl = memchr(p, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - p) + 1 : len - pos, k;
        bool blank = true;
        c.line++;
        pos += n;
        for (k = 0; k < n && blank; k++)
            blank = p[k] == ' ' || p[k] == '\t' || p[k] == '\r' || p[k] == '\n';
        if (blank)
            continue;
        if (memchr(p, '\0', n) != NULL) {
            (void)ledger_fail(&c, ATT_NONE, ATT_EPARSE, "expected text, found a NUL byte");
            break;
        }
        c.rows_ended = 0;
        if (csv_parse(&csv, p, n, ledger_on_field, ledger_on_row, &c) != n) {
            if (c.st == ATT_OK)
                (void)ledger_fail(&c, c.nfield, ATT_EPARSE,
                                  "malformed quoting (%s): a quoted field must be closed by "
                                  "\" followed by a comma or the end of the line",
                                  csv_strerror(csv_error(&csv)));
            break;
        }
        if (nl == NULL && c.st == ATT_OK &&
            csv_fini(&csv, ledger_on_field, ledger_on_row, &c) != 0) {
            (void)ledger_fail(&c, c.nfield, ATT_EPARSE,
                              "expected a closing quote before the end of the file");
            break;
        }
        if (c.st == ATT_OK && c.rows_ended != 1)
            (void)ledger_fail(&c, c.nfield, ATT_EPARSE,
                              "expected one row per line, found a quoted field running past "
                              "the end of the line (unclosed quote?)");
    }
    if (c.st == ATT_OK && !c.have_header)
        c.st = att_error_set(err, ATT_EPARSE, name, 0, 0, NULL,
                             "expected a header line and reports, found an empty file");
    if (c.st == ATT_OK && l->n == 0)
        c.st = att_error_set(err, ATT_EDATA, name, 0, 0, NULL,
                             "expected at least one report after the header, found none");
    if (c.st == ATT_OK)
        (void)ledger_link(&c);
    if (c.st == ATT_OK) {
        *out = l;
        l = NULL;
    }
cleanup:
    if (csv_ready)
        csv_free(&csv);
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
att_ledger_load(const char *path, const char *const *classes, size_t nclass, att_ledger **out,
                att_error *err)
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

att_status
att_ledger_check(const att_ledger *l, const att_params *p, att_error *err)
{
    int32_t first_combat = INT32_MAX, first_arrival = p->arrivals[0].date;
    size_t i;
    char d1[ATT_DATE_BUFSIZE], d2[ATT_DATE_BUFSIZE];

    for (i = 0; i < p->nphase && first_combat == INT32_MAX; i++)
        if (!p->phases[i].fixed || p->phases[i].hazard > 0.0)
            first_combat = p->phases[i].start;
    for (i = 0; i < l->n; i++) {
        const att_report *r = &l->reports[i];
        bool losses = att_kind_family(r->kind) == ATT_FAMILY_LOSSES;
        size_t k;
        if (r->kind == ATT_KIND_RATE && r->repeat_of == ATT_NONE) {
            /* A rate is 0 unless some day of its interval has combat. */
            for (k = 0; k < p->nphase; k++) {
                const att_phase *ph = &p->phases[k];
                if ((!ph->fixed || ph->hazard > 0.0) && ph->start <= r->asof_end &&
                    (ph->end == ATT_DAY_OPEN || ph->end > r->asof_start))
                    break;
            }
            if (k == p->nphase)
                return att_error_set(err, ATT_EDATA, l->path, r->line, 0, "asof_start",
                                     "report %s: expected a rate interval with at least one day "
                                     "of combat, found %s..%s inside phases of zero hazard",
                                     r->id, att_date_format(r->asof_start, d1),
                                     att_date_format(r->asof_end, d2));
        }
        /* C is 0 through the end of the day before combat starts; D before
         * the first arrival (as-of dates mean 24:00). */
        int32_t zero_until = losses ? first_combat - 1 : first_arrival - 1;
        if (r->repeat_of != ATT_NONE || r->asof_end > zero_until)
            continue;
        return att_error_set(err, ATT_EDATA, l->path, r->line, 0, "asof_end",
                             "report %s: expected a window ending on or after %s, found %s: its "
                             "model quantity is 0 over the whole window (%s)",
                             r->id, att_date_format(zero_until + 1, d1),
                             att_date_format(r->asof_end, d2),
                             losses ? "no casualties before the first phase with combat"
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

att_family
att_kind_family(att_kind k)
{
    return k == ATT_KIND_STRENGTH || k == ATT_KIND_DEPLOYED ? ATT_FAMILY_FORCE : ATT_FAMILY_LOSSES;
}
