/* file.c -- reading input files whole.
 *
 * Inputs (ledgers, parameter files) are small; reading them whole lets the
 * parsers report exact line numbers and refuse NUL bytes up front.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* Inputs larger than this are refused rather than read into memory. */
#define FILE_MAX_BYTES ((size_t)1 << 30)

att_status
att_file_slurp(const char *path, char **out_buf, size_t *out_len, att_error *err)
{
    FILE *f = NULL;
    char *buf = NULL, *tmp;
    size_t len = 0, cap = 0, got, i;
    long line = 1;
    att_status st = ATT_OK;

    *out_buf = NULL;
    *out_len = 0;
    f = fopen(path, "rb");
    if (f == NULL) {
        st = att_error_set(err, ATT_ENOENT, path, 0, 0, NULL, "cannot open: %s", strerror(errno));
        goto cleanup;
    }
    for (;;) {
        if (cap - len < 4096 + 1) {
            if (cap > FILE_MAX_BYTES) {
                st = att_error_set(err, ATT_ERANGE, path, 0, 0, NULL, "file larger than %zu bytes",
                                   FILE_MAX_BYTES);
                goto cleanup;
            }
            cap = cap ? 2 * cap : 8192;
            tmp = att_mem_realloc(buf, cap);
            if (tmp == NULL) {
                st = att_error_set(err, ATT_ENOMEM, path, 0, 0, NULL, "out of memory reading");
                goto cleanup;
            }
            buf = tmp;
        }
        got = fread(buf + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        st = att_error_set(err, ATT_ENOENT, path, 0, 0, NULL, "read failed: %s", strerror(errno));
        goto cleanup;
    }
    buf[len] = '\0';
    for (i = 0; i < len; i++) {
        if (buf[i] == '\n')
            line++;
        else if (buf[i] == '\0') {
            st = att_error_set(err, ATT_EPARSE, path, line, 0, NULL,
                               "expected text, found a NUL byte (is this a binary file?)");
            goto cleanup;
        }
    }
    *out_buf = buf;
    *out_len = len;
    buf = NULL;
cleanup:
    if (f != NULL)
        fclose(f);
    att_mem_free(buf);
    return st;
}
