/* att_common.h -- status codes, the error record and shared macros.
 *
 * Every fallible library function returns an att_status and, where the
 * caller passed one, fills an att_error with where the failure is (file,
 * line, column, field) and what was expected against what was found.  The
 * library never prints, exits or aborts.
 */
#ifndef ATTRITION_ATT_COMMON_H
#define ATTRITION_ATT_COMMON_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define ATT_NODISCARD    __attribute__((warn_unused_result))
#define ATT_INTERNAL     __attribute__((visibility("hidden")))
#define ATT_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define ATT_NODISCARD
#define ATT_INTERNAL
#define ATT_PRINTF(f, a)
#endif

/* Index value meaning "none" in index fields (repeat_of, revised_by, ...). */
#define ATT_NONE ((size_t)-1)

typedef enum {
    ATT_OK = 0,    /* success */
    ATT_EINVAL,    /* invalid argument: a caller's mistake */
    ATT_ENOMEM,    /* out of memory */
    ATT_EIO,       /* read or write failed */
    ATT_ENOENT,    /* an input file is missing or unreadable */
    ATT_EPARSE,    /* malformed input: syntax, unknown key, bad value */
    ATT_EDATA,     /* well-formed input that is inconsistent (dates, references) */
    ATT_ERANGE,    /* a value is out of its allowed range */
    ATT_ENOCONV,   /* a computation did not converge */
    ATT_EINTERNAL, /* an internal invariant failed: a bug */
    ATT_ECREATE,   /* an output file cannot be created */
    ATT_STATUS_COUNT
} att_status;

/* Sizes of the text fields of an att_error, terminating NUL included. */
#define ATT_ERROR_PATH_MAX  512
#define ATT_ERROR_FIELD_MAX 96
#define ATT_ERROR_MSG_MAX   512

/* Where and why something failed.  line and column are 1-based; 0 means
 * "not applicable".  Callers own it; functions fill it only on failure. */
typedef struct {
    att_status code;                 /* the status also returned */
    char path[ATT_ERROR_PATH_MAX];   /* file the error is in, or "" */
    long line;                       /* line in path, or 0 */
    int column;                      /* column (CSV: field number), or 0 */
    char field[ATT_ERROR_FIELD_MAX]; /* field or key name, or "" */
    char msg[ATT_ERROR_MSG_MAX];     /* what was expected, what was found */
} att_error;

/* A one-line English description of a status code; never NULL. */
const char *att_strerror(att_status code);

/* Clears an error record (code ATT_OK, empty strings).  err may be NULL. */
void att_error_clear(att_error *err);

/* Formats err as "path:line:column: field: msg", leaving out empty parts,
 * into buf of size n (always NUL-terminated when n > 0).  Returns buf. */
char *att_error_format(const att_error *err, char *buf, size_t n);

#ifdef __cplusplus
}
#endif

#endif /* ATTRITION_ATT_COMMON_H */
