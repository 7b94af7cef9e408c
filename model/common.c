/* common.c -- status messages and the error funnel.
 *
 * att_error_vset is the one place every library failure passes through
 * (att_error_set and internal.h's att_fail call it):
 * put a breakpoint on it to catch any error at its source.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

static const char *const common_messages[ATT_STATUS_COUNT] = {
    [ATT_OK] = "success",
    [ATT_EINVAL] = "invalid argument",
    [ATT_ENOMEM] = "out of memory",
    [ATT_EIO] = "input/output error",
    [ATT_ENOENT] = "file missing or unreadable",
    [ATT_EPARSE] = "malformed input",
    [ATT_EDATA] = "inconsistent data",
    [ATT_ERANGE] = "value out of range",
    [ATT_ENOCONV] = "computation did not converge",
    [ATT_EINTERNAL] = "internal error (a bug: please report it)",
    [ATT_ECREATE] = "output file cannot be created",
};

const char *
att_strerror(att_status code)
{
    if ((unsigned)code >= ATT_STATUS_COUNT)
        return "unknown status";
    return common_messages[code];
}

void
att_error_clear(att_error *err)
{
    if (err == NULL)
        return;
    memset(err, 0, sizeof *err);
}

/* Not inlined into att_error_set, so that the one breakpoint holds in
 * every build. */
ATT_NOINLINE att_status
att_error_vset(att_error *err,
               att_status code,
               const char *path,
               long line,
               int column,
               const char *field,
               const char *fmt,
               va_list ap)
{
    if (err == NULL)
        return code;
    err->code = code;
    att_strlcpy(err->path, path ? path : "", sizeof err->path);
    err->line = line;
    err->column = column;
    att_strlcpy(err->field, field ? field : "", sizeof err->field);
    (void)vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    return code;
}

att_status
att_error_set(att_error *err,
              att_status code,
              const char *path,
              long line,
              int column,
              const char *field,
              const char *fmt,
              ...)
{
    va_list ap;

    va_start(ap, fmt);
    (void)att_error_vset(err, code, path, line, column, field, fmt, ap);
    va_end(ap);
    return code;
}

char *
att_error_format(const att_error *err, char *buf, size_t n)
{
    size_t used = 0;
    int k;

    if (n == 0)
        return buf;
    buf[0] = '\0';
    if (err == NULL)
        return buf;
#define COMMON_APPEND(...)                                   \
    do {                                                     \
        if (used < n) {                                      \
            k = snprintf(buf + used, n - used, __VA_ARGS__); \
            if (k > 0)                                       \
                used += (size_t)k;                           \
        }                                                    \
    } while (0)
    if (err->path[0] != '\0') {
        COMMON_APPEND("%s:", err->path);
        if (err->line > 0)
            COMMON_APPEND("%ld:", err->line);
        if (err->column > 0)
            COMMON_APPEND("%d:", err->column);
        COMMON_APPEND(" ");
    }
    if (err->field[0] != '\0')
        COMMON_APPEND("%s: ", err->field);
    COMMON_APPEND("%s", err->msg[0] != '\0' ? err->msg : att_strerror(err->code));
#undef COMMON_APPEND
    return buf;
}
