/* fuzz_params.c -- libFuzzer harness for the parameter-file loader with
 * its include resolver.  The input holds up to four files separated by NUL
 * bytes: main.ini, then a.ini, b.ini and c.ini, served from memory by the
 * reader callback, so includes, cycles and merges are fuzzed too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include <attrition/att_params.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_FILES 4

typedef struct {
    const char *text[FUZZ_FILES];
    size_t len[FUZZ_FILES];
} fuzz_fs;

static const char *const fuzz_names[FUZZ_FILES] = {"main.ini", "a.ini", "b.ini", "c.ini"};

static att_status
fuzz_reader(void *ctx, const char *path, char **out, size_t *len, att_error *err)
{
    const fuzz_fs *fs = ctx;
    size_t i;

    for (i = 0; i < FUZZ_FILES; i++)
        if (strcmp(path, fuzz_names[i]) == 0 && fs->text[i] != NULL) {
            *out = malloc(fs->len[i] + 1);
            if (*out == NULL)
                return ATT_ENOMEM;
            memcpy(*out, fs->text[i], fs->len[i]);
            (*out)[fs->len[i]] = '\0';
            *len = fs->len[i];
            return ATT_OK;
        }
    if (err != NULL) {
        err->code = ATT_ENOENT;
        strcpy(err->msg, "no such file");
        err->line = 0;
        err->path[0] = '\0';
    }
    return ATT_ENOENT;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_fs fs;
    att_params *p = NULL;
    att_error err;
    size_t i, start = 0, f = 0;

    gsl_set_error_handler_off();
    memset(&fs, 0, sizeof fs);
    for (i = 0; i <= size && f < FUZZ_FILES; i++)
        if (i == size || data[i] == '\0') {
            fs.text[f] = (const char *)data + start;
            fs.len[f] = i - start;
            f++;
            start = i + 1;
        }
    if (att_params_load_with("main.ini", fuzz_reader, &fs, &p, &err) != ATT_OK) {
        if (p != NULL || err.code == ATT_OK || err.msg[0] == '\0')
            abort();
        return 0;
    }
    /* Invariants of a loaded file: phases contiguous, the last open. */
    for (i = 0; i + 1 < p->nphase; i++)
        if (p->phases[i].end != p->phases[i + 1].start)
            abort();
    if (p->nphase == 0 || p->phases[p->nphase - 1].end != ATT_DAY_OPEN || p->narrival == 0)
        abort();
    att_params_free(p);
    return 0;
}
