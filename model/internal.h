/* internal.h -- private declarations shared by the model/ sources.
 * Not installed.  Everything here is ATT_INTERNAL (hidden visibility).
 */
#ifndef ATTRITION_INTERNAL_H
#define ATTRITION_INTERNAL_H

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <attrition/att_common.h>

#ifdef _OPENMP
#include <omp.h>
#endif

/* A function never inlined: where a breakpoint must hold in every build,
 * or where inlining costs (a loop's sum that GCC would keep in memory). */
#if defined(__GNUC__) || defined(__clang__)
#define ATT_NOINLINE __attribute__((noinline))
#else
#define ATT_NOINLINE
#endif

/* A static function always inlined: one called once a report, or a time
 * and cohort, from a hot loop, where the call and its saved registers
 * cost about as much as the body (GCC does not inline such a function by
 * itself once it has two callers or is large). */
#if defined(__GNUC__) || defined(__clang__)
#define ATT_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ATT_ALWAYS_INLINE inline
#endif

/* Asks for the cache line at p ahead of its use (a hint: never faults,
 * changes no result). */
#if defined(__GNUC__) || defined(__clang__)
#define ATT_PREFETCH(p) __builtin_prefetch(p)
#else
#define ATT_PREFETCH(p) ((void)(p))
#endif

/* The single failure funnel: every error return of the
 * library goes through att_error_vset (att_error_set and att_fail call
 * it; it is never inlined), so one breakpoint there catches them all.
 * path, field may be NULL; line, column may be 0.  Returns code. */
ATT_INTERNAL att_status att_error_set(att_error *err,
                                      att_status code,
                                      const char *path,
                                      long line,
                                      int column,
                                      const char *field,
                                      const char *fmt,
                                      ...) ATT_PRINTF(7, 8);

/* The same with a va_list: the funnel itself. */
ATT_INTERNAL att_status att_error_vset(att_error *err,
                                       att_status code,
                                       const char *path,
                                       long line,
                                       int column,
                                       const char *field,
                                       const char *fmt,
                                       va_list ap) ATT_PRINTF(7, 0);

/* Worker threads: as asked (> 0; at most ATT_THREADS_MAX, as --threads
 * takes them), else as many as OpenMP offers (the cores); 1 without
 * OpenMP, whose loops then run in turn. */
#define ATT_THREADS_MAX 256
static inline int
att_thread_count(int asked)
{
#ifdef _OPENMP
    if (asked <= 0)
        return omp_get_max_threads();
    return asked < ATT_THREADS_MAX ? asked : ATT_THREADS_MAX;
#else
    (void)asked;
    return 1;
#endif
}

/* Returns code itself, visibly, so that a reader and a static analyzer
 * both see that a failure is never ATT_OK. */
static inline att_status att_fail(att_error *err, att_status code, const char *fmt, ...)
    ATT_PRINTF(3, 4);

static inline att_status
att_fail(att_error *err, att_status code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    (void)att_error_vset(err, code, NULL, 0, 0, NULL, fmt, ap);
    va_end(ap);
    return code;
}

#define ATT_FAIL(err, code, ...) att_fail((err), (code), __VA_ARGS__)

/* Whether every one of x[0..n) is finite. */
static inline bool
att_all_finite(const double *x, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return false;
    return true;
}

/* The single allocation funnel: every allocation the library makes, and
 * libcsv's through csv_set_realloc_func, goes through these three, so that
 * a test can make the n-th one fail. */
ATT_INTERNAL void *att_mem_alloc(size_t size);
ATT_INTERNAL void *att_mem_calloc(size_t count, size_t size);
ATT_INTERNAL void *att_mem_realloc(void *ptr, size_t size);
ATT_INTERNAL void att_mem_free(void *ptr);
ATT_INTERNAL char *att_mem_strdup(const char *s);

/* Where a workspace carves its arrays from one block (att_mem_carve), each
 * starts at a multiple of this many bytes: a cache line, so that the
 * vector loops of vmath.c start on one as they would alone. */
#define ATT_MEM_ALIGN 64

/* Carves count objects of size bytes from a block at the offset *off,
 * rounded up to ATT_MEM_ALIGN, and moves *off past them.  A first pass with
 * base NULL only moves *off, so that the same list of arrays sizes the block
 * and then lays it out; it returns NULL.  *off becomes SIZE_MAX on
 * overflow, a size no allocation satisfies. */
ATT_INTERNAL void *att_mem_carve(void *base, size_t *off, size_t count, size_t size);

/* The first multiple of ATT_MEM_ALIGN at or after raw (which must have
 * ATT_MEM_ALIGN - 1 bytes to spare): the start of a block to carve. */
ATT_INTERNAL void *att_mem_align(void *raw);

/* A zeroed block of size bytes to carve, aligned (NULL when out of
 * memory); *raw gets what att_mem_free takes.  Inline, so that the
 * allocation goes through the caller's att_mem_calloc, which the
 * fault-injection test wraps (a call inside mem.c would not be). */
static inline void *
att_mem_block(size_t size, void **raw)
{
    *raw = size > SIZE_MAX - ATT_MEM_ALIGN ? NULL : att_mem_calloc(1, size + ATT_MEM_ALIGN);
    return *raw == NULL ? NULL : att_mem_align(*raw);
}

/* Reads a whole file into a NUL-terminated buffer (att_mem_free it).
 * A missing or unreadable file is ATT_ENOENT; a NUL byte inside is
 * ATT_EPARSE at its line. */
ATT_INTERNAL att_status att_file_slurp(const char *path,
                                       char **out_buf,
                                       size_t *out_len,
                                       att_error *err);

/* Levenshtein distance, capped at cap + 1 (cheap for "did you mean"). */
ATT_INTERNAL size_t att_edit_distance(const char *a, const char *b, size_t cap);

/* The closest of n candidates to word within a distance that makes a
 * suggestion useful, or NULL. */
ATT_INTERNAL const char *att_closest(const char *word, const char *const *cand, size_t n);

/* Seconds on the monotonic clock, for timings only (clock.c). */
ATT_INTERNAL double att_seconds(void);

/* The calling thread's CPU seconds, for timings only (clock.c): a chain's
 * own cost, however many threads share the cores. */
ATT_INTERNAL double att_thread_seconds(void);

/* Copies src into dst of size n, truncating; always NUL-terminates. */
ATT_INTERNAL void att_strlcpy(char *dst, const char *src, size_t n);

/* A name of a parameter file's section: [A-Za-z][A-Za-z0-9_]*, shorter
 * than ATT_NAME_MAX. */
ATT_INTERNAL bool att_is_name(const char *s);

/* Strict number parsing: the whole string must be a finite number. */
ATT_INTERNAL bool att_parse_double(const char *s, double *out);
ATT_INTERNAL bool att_parse_long(const char *s, long *out);

#endif /* ATTRITION_INTERNAL_H */
