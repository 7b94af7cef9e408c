/* output.c -- write to a temporary file, then rename (see att_output.h).
 *
 * The temporary file is made by mkstemp in the target's folder (a rename
 * is atomic only within one file system), with the target's mode when it
 * exists and 0644 otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <attrition/att_output.h>

#include "internal.h"

#define OUTPUT_NEW_MODE 0644

struct att_output {
    FILE *f;
    char *path;    /* the target, or NULL for standard output */
    char *tmp;     /* the temporary file, or NULL when writing in place */
    bool in_place; /* a device, a FIFO or standard output */
};

att_output *
att_output_open(const char *path, att_error *err)
{
    att_output *o = att_mem_calloc(1, sizeof *o);
    struct stat sb;
    bool exists;
    int fd = -1;

    if (o == NULL) {
        (void)ATT_FAIL(err, ATT_ENOMEM, "out of memory");
        return NULL;
    }
    if (path == NULL || strcmp(path, "-") == 0) {
        o->f = stdout;
        o->in_place = true;
        return o;
    }
    o->path = att_mem_strdup(path);
    if (o->path == NULL)
        goto nomem;
    exists = stat(path, &sb) == 0;
    if (exists && !S_ISREG(sb.st_mode)) {
        o->in_place = true;
        o->f = fopen(path, "w");
        if (o->f == NULL)
            goto cannot;
        return o;
    }
    {
        const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
        size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0, n = strlen(path) + 16;
        o->tmp = att_mem_alloc(n);
        if (o->tmp == NULL)
            goto nomem;
        (void)snprintf(o->tmp, n, "%.*s.%s.XXXXXX", (int)dirlen, path, base);
    }
    fd = mkstemp(o->tmp);
    if (fd < 0) {
        att_mem_free(o->tmp);
        o->tmp = NULL; /* nothing to remove */
        goto cannot;
    }
    if (fchmod(fd, exists ? (sb.st_mode & 07777) : OUTPUT_NEW_MODE) != 0 ||
        (o->f = fdopen(fd, "w")) == NULL) {
        close(fd);
        goto cannot;
    }
    return o;
nomem:
    att_output_abort(o);
    (void)ATT_FAIL(err, ATT_ENOMEM, "out of memory");
    return NULL;
cannot:
    (void)att_error_set(err, ATT_ECREATE, path, 0, 0, NULL, "cannot create: %s", strerror(errno));
    att_output_abort(o);
    return NULL;
}

FILE *
att_output_stream(att_output *o)
{
    return o->f;
}

void
att_output_abort(att_output *o)
{
    if (o == NULL)
        return;
    if (o->f != NULL && o->f != stdout)
        fclose(o->f);
    if (o->tmp != NULL)
        (void)unlink(o->tmp);
    att_mem_free(o->tmp);
    att_mem_free(o->path);
    att_mem_free(o);
}

att_status
att_output_commit(att_output *o, att_error *err)
{
    const char *name = o->path ? o->path : "standard output";
    bool ok = fflush(o->f) == 0 && !ferror(o->f);
    att_status st = ATT_OK;
    int e = errno;

    if (ok && o->tmp != NULL)
        ok = fsync(fileno(o->f)) == 0;
    if (o->f != stdout) {
        ok = fclose(o->f) == 0 && ok;
        o->f = NULL;
    } else
        o->f = NULL;
    if (!ok) {
        e = errno ? errno : e;
        st = att_error_set(err, ATT_EIO, name, 0, 0, NULL, "write failed: %s%s", strerror(e),
                           o->tmp ? "; the previous file is unchanged" : "");
    } else if (o->tmp != NULL && rename(o->tmp, o->path) != 0) {
        st = att_error_set(err, ATT_EIO, name, 0, 0, NULL, "cannot put the file in place: %s",
                           strerror(errno));
    } else if (o->tmp != NULL) {
        att_mem_free(o->tmp);
        o->tmp = NULL; /* renamed: nothing to remove */
    }
    att_output_abort(o);
    return st;
}
