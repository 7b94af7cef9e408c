/* att_ledger.h -- the report ledger: every public figure, one row each.
 *
 * data/README.md and docs/model.md, section 2.  The ledger is a CSV whose
 * first 13 columns are id, statement_date, asof_start, asof_end, source,
 * source_class, kind, qualifier, value, low, high, quote, doc; the extra
 * columns repeat_of, note and measure may follow (data/README.md).  Loading validates
 * every field and flags repeats and revisions:
 *   - a repeat has the same source class, kind, measure, figure and as-of
 *     window as an earlier row, or names it in repeat_of; it never enters a
 *     fit;
 *   - a revision has the same source, kind, measure and window as an
 *     earlier row but a new figure; the latest vintage known at a fit's cut-off replaces
 *     the earlier ones.
 * "Earlier" is by statement date, then by row.
 */
#ifndef ATTRITION_ATT_LEDGER_H
#define ATTRITION_ATT_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <attrition/att_common.h>
#include <attrition/att_params.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ATT_LEDGER_COLUMNS 13 /* the fixed leading columns */

typedef enum {
    ATT_KIND_CASUALTIES, /* C(t) */
    ATT_KIND_KILLED,     /* kappa C(t) */
    ATT_KIND_WOUNDED,    /* (1 - kappa) C(t): wounded, captured, missing */
    ATT_KIND_RATE,       /* mean daily casualties over [asof_start, asof_end] */
    ATT_KIND_FRACTION,   /* C(t) / D(t) */
    ATT_KIND_STRENGTH,   /* N(t) */
    ATT_KIND_DEPLOYED,   /* D(t) */
    ATT_KIND_COUNT
} att_kind;

typedef enum {
    ATT_QUAL_APPROX,   /* a point figure: value */
    ATT_QUAL_RANGE,    /* low..high */
    ATT_QUAL_AT_LEAST, /* value is a lower bound */
    ATT_QUAL_UP_TO,    /* value is an upper bound */
    ATT_QUAL_COUNT
} att_qualifier;

/* What a loss figure (casualties, killed, wounded) counts over its as-of
 * window a..b (MODEL.md, "Measures of a loss figure"; docs/model.md 1.4). */
typedef enum {
    ATT_MEASURE_CUMULATIVE, /* the total at 24:00 of the as-of day, averaged over the window */
    ATT_MEASURE_PERIOD,     /* the total from 00:00 of a to 24:00 of b */
    ATT_MEASURE_DAILY,      /* that total per day, divided by b - a + 1 */
    ATT_MEASURE_COUNT
} att_measure;

typedef struct {
    char *id;           /* unique row identifier */
    char *source;       /* who said it (free text; revisions match on it) */
    char *quote;        /* the sentence the figure comes from */
    char *doc;          /* the document: seed file name or URL */
    char *note;         /* curator's note, or "" */
    size_t cls;         /* index of source_class in the class list given to the loader */
    int32_t statement;  /* first public day, day number */
    int32_t asof_start; /* as-of window (for rate: the rate's interval), day numbers */
    int32_t asof_end;
    att_kind kind;
    att_measure measure; /* CUMULATIVE unless a loss figure's measure column says otherwise */
    char *groups;        /* the groups it covers, "a+b" in sorted order; "" for the whole force */
    att_qualifier qualifier;
    double value;         /* APPROX, AT_LEAST, UP_TO; 0 otherwise */
    double low, high;     /* RANGE; 0 otherwise */
    long line;            /* line of the row in its file */
    size_t file;          /* the file it was read from (att_ledger.files) */
    size_t rank;          /* position by (statement date, row), 0-based */
    size_t repeat_of;     /* the original this repeats, or ATT_NONE */
    bool repeat_explicit; /* named in the repeat_of column (else detected) */
    size_t revises;       /* the earlier vintage this one revises, or ATT_NONE */
    size_t revised_by;    /* the next vintage, or ATT_NONE */
} att_report;

/* One file of a ledger: its own header, so its own columns. */
typedef struct {
    char *path;        /* where it was read from (or the name given for a text) */
    int group_column;  /* 1-based column of `group`, 0 if there is none */
    int repeat_column; /* 1-based column of `repeat_of`, 0 if there is none */
} att_ledger_file;

typedef struct {
    char *path; /* where it was read from ("a.csv + b.csv" for several files) */
    size_t n;   /* reports, in file order (the files one after another) */
    att_report *reports;
    size_t nclass; /* the class names the rows were checked against (copied) */
    char **classes;
    char digest[65]; /* SHA-256 of the file's bytes (of several: of each one's length and
                      * bytes, in turn), lowercase hex */
    size_t nfile;
    att_ledger_file *files;
} att_ledger;

/* A ledger text to parse: its name (in messages) and bytes. */
typedef struct {
    const char *name;
    const char *text;
    size_t len;
} att_ledger_text;

/* Loads and validates the ledger at path.  Every source_class must be one
 * of the nclass names in classes.  On success *out holds the ledger
 * (att_ledger_free it); on failure *out is NULL and err says
 * file:line:column (the field number), the column name, what was expected
 * and what was found. */
ATT_NODISCARD att_status att_ledger_load(
    const char *path, const char *const *classes, size_t nclass, att_ledger **out, att_error *err);

/* The same from memory: name is used in messages and as the path. */
ATT_NODISCARD att_status att_ledger_parse(const char *name,
                                          const char *text,
                                          size_t len,
                                          const char *const *classes,
                                          size_t nclass,
                                          att_ledger **out,
                                          att_error *err);

/* The same for several texts read as one ledger, each with its own header
 * line (the 13 required columns in order, then any optional ones in any
 * order), LF or CRLF: ids, repeats and revisions link across them, and an
 * error names the text and its own line.  For a ledger and the later
 * reports joined to it (att_run_options.later). */
ATT_NODISCARD att_status att_ledger_parse_texts(const att_ledger_text *texts,
                                                size_t ntext,
                                                const char *const *classes,
                                                size_t nclass,
                                                att_ledger **out,
                                                att_error *err);

/* Frees everything; NULL does nothing. */
void att_ledger_free(att_ledger *l);

/* Marks in used[i] (n = l->n entries) whether report i enters a fit whose
 * information set is the vintages stated on or before cutoff (pass
 * INT32_MAX for all): stated by then, not a repeat, and not replaced by a
 * revision stated by then.  Returns how many are used. */
size_t att_ledger_used(const att_ledger *l, int32_t cutoff, bool *used);

/* Checks the ledger against a parameter file's phases and arrivals: a
 * report whose model quantity is 0 over its whole window (losses before the
 * first phase with a non-zero hazard, force before the first arrival) is a
 * data error naming the row. */
ATT_NODISCARD att_status att_ledger_check(const att_ledger *l, const att_params *p, att_error *err);

/* The groups report r covers as a bit set of p's groups (bit g for group
 * g), 0 for the whole force (an empty group column, or every group). */
uint32_t att_ledger_group_set(const att_report *r, const att_params *p);

/* Whether group g is in the set (0, the whole force, holds every group). */
static inline bool
att_group_set_has(uint32_t set, size_t g)
{
    return set == 0 || (set >> g & 1u) != 0;
}

const char *att_kind_name(att_kind k);
const char *att_qualifier_name(att_qualifier q);
const char *att_measure_name(att_measure m);
att_family att_kind_family(att_kind k);

#ifdef __cplusplus
}
#endif

#endif /* ATTRITION_ATT_LEDGER_H */
