/* fixture.c -- see fixture.h. */
#include "fixture.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

att_status
fixture_reader(void *ctx, const char *path, char **out, size_t *len, att_error *err)
{
    (void)path;
    (void)err;
    *len = strlen(ctx);
    *out = malloc(*len + 1);
    if (*out == NULL)
        return ATT_ENOMEM;
    memcpy(*out, ctx, *len + 1);
    return ATT_OK;
}

/* The scenario's class names, as the ledger loaders take them. */
static void
fixture_classes(const fixture *f, const char **cls)
{
    size_t i;

    assert_true(f->p->nclass <= 256);
    for (i = 0; i < f->p->nclass; i++)
        cls[i] = f->p->classes[i].name;
}

/* The posterior (all reports) and its workspace, from f->p and f->l. */
static void
fixture_build(fixture *f)
{
    att_error err;
    char msg[1200];

    f->post = att_posterior_alloc(f->p, f->l, INT32_MAX, &err);
    if (f->post == NULL)
        fail_msg("%s", att_error_format(&err, msg, sizeof msg));
    f->w = att_posterior_workspace_alloc(f->post, &err);
    assert_non_null(f->w);
}

void
fixture_load(fixture *f, const char *params_text, const char *ledger_text)
{
    att_error err;
    char msg[1200];
    const char *cls[256];

    memset(f, 0, sizeof *f);
    if (att_params_load_with("t.ini", fixture_reader, (void *)(uintptr_t)params_text, &f->p,
                             &err) != ATT_OK)
        fail_msg("%s", att_error_format(&err, msg, sizeof msg));
    fixture_classes(f, cls);
    if (att_ledger_parse("t.csv", ledger_text, strlen(ledger_text), cls, f->p->nclass, &f->l,
                         &err) != ATT_OK)
        fail_msg("%s", att_error_format(&err, msg, sizeof msg));
    fixture_build(f);
}

void
fixture_free(fixture *f)
{
    att_posterior_workspace_free(f->w);
    att_posterior_free(f->post);
    att_ledger_free(f->l);
    att_params_free(f->p);
    memset(f, 0, sizeof *f);
}

char *
fixture_slurp(const char *path)
{
    char *buf = fixture_read_file(path);

    if (buf == NULL)
        fail_msg("cannot open %s", path);
    return buf;
}

char *
fixture_read_file(const char *path)
{
    size_t len;

    return (char *)fixture_read_bytes(path, &len);
}

unsigned char *
fixture_read_bytes(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    unsigned char *buf;
    long n;

    *len = 0;
    if (fp == NULL)
        return NULL;
    fseek(fp, 0, SEEK_END);
    n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
    buf[n] = '\0';
    fclose(fp);
    *len = (size_t)n;
    return buf;
}

void
fixture_fresh_dir(const char *dir)
{
    DIR *d;
    struct dirent *e;
    char p[1024];

    mkdir(dir, 0755);
    d = opendir(dir);
    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        }
    closedir(d);
}

int
fixture_count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

void
fixture_load_shipped(fixture *f, const char *scenario)
{
    char path[1024];
    att_error err;
    char msg[1200];
    const char *cls[256];

    memset(f, 0, sizeof *f);
    snprintf(path, sizeof path, "%s/params/%s.ini", ATT_SOURCE_DIR, scenario);
    if (att_params_load(path, &f->p, &err) != ATT_OK)
        fail_msg("%s", att_error_format(&err, msg, sizeof msg));
    fixture_classes(f, cls);
    if (att_ledger_load(f->p->ledger, cls, f->p->nclass, &f->l, &err) != ATT_OK)
        fail_msg("%s", att_error_format(&err, msg, sizeof msg));
    fixture_build(f);
}
