/* ptree.c -- parameter files as merged trees, on top of libinih.
 *
 * Contents: line reader feeding libinih; one file's tree; include
 * resolution and merging; path helpers.
 *
 * libinih 55 (Debian) cuts lines at 200 bytes, treats an indented line
 * after a key as a continuation, calls the handler only for keys (never for
 * an empty section) and has no line numbers in its handler.  We therefore
 * feed it one line at a time through our own reader: the reader counts
 * lines, strips leading blanks (indentation means nothing here), refuses
 * over-long lines instead of letting them shift line numbers, and records
 * section headers itself.
 */
#include "ptree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#define INI_MAX_INCLUDE_DEPTH 16

/* ---- tree building ---------------------------------------------------- */

static void
ptree_section_clear(ptree_section *s)
{
    size_t i;

    for (i = 0; i < s->nentry; i++) {
        att_mem_free(s->entries[i].key);
        att_mem_free(s->entries[i].value);
    }
    att_mem_free(s->entries);
    att_mem_free(s->type);
    att_mem_free(s->name);
}

void
ptree_free(ptree *t)
{
    size_t i;

    if (t == NULL)
        return;
    for (i = 0; i < t->nsection; i++)
        ptree_section_clear(&t->sections[i]);
    att_mem_free(t->sections);
    for (i = 0; i < t->nfile; i++)
        att_mem_free(t->files[i]);
    att_mem_free(t->files);
    att_mem_free(t);
}

char **
ptree_take_files(ptree *t, size_t *out_n)
{
    char **f = t->files;

    if (out_n == NULL)
        return NULL;
    *out_n = t->nfile;
    t->files = NULL;
    t->nfile = t->capfile = 0;
    return f;
}

/* Grows *arr (of *cap elements of size sz) to hold at least need. */
static bool
ptree_grow(void **arr, size_t *cap, size_t need, size_t sz)
{
    size_t ncap;
    void *p;

    if (need <= *cap)
        return true;
    ncap = *cap ? 2 * *cap : 8;
    while (ncap < need)
        ncap *= 2;
    p = att_mem_realloc(*arr, ncap * sz);
    if (p == NULL)
        return false;
    *arr = p;
    *cap = ncap;
    return true;
}

static ptree_section *
ptree_find_section(ptree *t, const char *type, const char *name)
{
    size_t i;

    for (i = 0; i < t->nsection; i++)
        if (strcmp(t->sections[i].type, type) == 0 && strcmp(t->sections[i].name, name) == 0)
            return &t->sections[i];
    return NULL;
}

static ptree_section *
ptree_add_section(ptree *t, const char *type, const char *name, att_origin origin)
{
    ptree_section *s;

    if (!ptree_grow((void **)&t->sections, &t->capsection, t->nsection + 1, sizeof *s))
        return NULL;
    s = &t->sections[t->nsection];
    memset(s, 0, sizeof *s);
    s->type = att_mem_strdup(type);
    s->name = att_mem_strdup(name);
    s->origin = origin;
    if (s->type == NULL || s->name == NULL) {
        ptree_section_clear(s);
        return NULL;
    }
    t->nsection++;
    return s;
}

static ptree_entry *
ptree_find_entry(ptree_section *s, const char *key)
{
    size_t i;

    for (i = 0; i < s->nentry; i++)
        if (strcmp(s->entries[i].key, key) == 0)
            return &s->entries[i];
    return NULL;
}

/* Sets key in s: replaces an existing value (keeping its position) or
 * appends.  Returns false on allocation failure. */
static bool
ptree_set_entry(ptree_section *s, const char *key, const char *value, att_origin origin)
{
    ptree_entry *e = ptree_find_entry(s, key);
    char *v = att_mem_strdup(value);

    if (v == NULL)
        return false;
    if (e != NULL) {
        att_mem_free(e->value);
        e->value = v;
        e->origin = origin;
        return true;
    }
    if (!ptree_grow((void **)&s->entries, &s->capentry, s->nentry + 1, sizeof *e)) {
        att_mem_free(v);
        return false;
    }
    e = &s->entries[s->nentry];
    e->key = att_mem_strdup(key);
    if (e->key == NULL) {
        att_mem_free(v);
        return false;
    }
    e->value = v;
    e->origin = origin;
    s->nentry++;
    return true;
}

/* Overlays src onto dst: src's keys win, new sections are added. */
static att_status
ptree_merge(ptree *dst, const ptree *src, att_error *err)
{
    size_t i, j;

    if (src == NULL)
        return ATT_FAIL(err, ATT_EINTERNAL, "nothing to merge");
    for (i = 0; i < src->nsection; i++) {
        const ptree_section *ss = &src->sections[i];
        ptree_section *ds = ptree_find_section(dst, ss->type, ss->name);
        if (ds == NULL && (ds = ptree_add_section(dst, ss->type, ss->name, ss->origin)) == NULL)
            return ATT_FAIL(err, ATT_ENOMEM, "out of memory merging parameter files");
        for (j = 0; j < ss->nentry; j++)
            if (!ptree_set_entry(ds, ss->entries[j].key, ss->entries[j].value,
                                 ss->entries[j].origin))
                return ATT_FAIL(err, ATT_ENOMEM, "out of memory merging parameter files");
    }
    return ATT_OK;
}

/* ---- one file through libinih ---------------------------------------- */

typedef struct {
    const char *path;      /* this file (owned by the top tree's files list) */
    const char *text;      /* its contents */
    size_t len, pos;       /* and the read position */
    long line;             /* line number of the line last handed to inih */
    const char *linestart; /* that line, as in the file, and its length */
    size_t linelen;
    ptree *tree;        /* this file's own sections */
    ptree_section *cur; /* the section keys go to */
    char **includes;    /* include targets in order, with their lines */
    long *include_line;
    size_t ninclude, capinclude, capline;
    att_error *err;
    att_status st; /* first failure seen by reader or handler */
} ptree_file;

static void
ptree_trim(char *s)
{
    size_t n = strlen(s), i = 0;

    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    while (s[i] == ' ' || s[i] == '\t')
        i++;
    memmove(s, s + i, n - i + 1);
}

/* Opens the section named by a header line "[type name]" (text after '['). */
static bool
ptree_open_section(ptree_file *f, const char *hdr, size_t n)
{
    char buf[256], *sp;
    const char *type, *name;
    att_origin o;

    if (n >= sizeof buf) {
        f->st = att_error_set(f->err, ATT_EPARSE, f->path, f->line, 0, NULL,
                              "expected a section header of at most %zu characters, found %zu",
                              sizeof buf - 1, n);
        return false;
    }
    memcpy(buf, hdr, n);
    buf[n] = '\0';
    ptree_trim(buf);
    sp = strpbrk(buf, " \t");
    type = buf;
    name = "";
    if (sp != NULL) {
        *sp = '\0';
        name = sp + 1;
        while (*name == ' ' || *name == '\t')
            name++;
    }
    f->cur = ptree_find_section(f->tree, type, name);
    if (f->cur != NULL)
        return true; /* a section repeated within one file merges */
    o.path = f->path;
    o.line = f->line;
    f->cur = ptree_add_section(f->tree, type, name, o);
    if (f->cur == NULL) {
        f->st = ATT_FAIL(f->err, ATT_ENOMEM, "out of memory reading %s", f->path);
        return false;
    }
    return true;
}

/* libinih's reader: hands over one line per call (see the file comment). */
static char *
ptree_reader(char *str, int num, void *stream)
{
    ptree_file *f = stream;
    const char *p, *nl;
    size_t n, cap = num > 2 ? (size_t)num - 2 : 0; /* room for "\n\0" */

    if (f->st != ATT_OK || f->pos >= f->len)
        return NULL;
    p = f->text + f->pos;
    nl = memchr(p, '\n', f->len - f->pos);
    n = nl ? (size_t)(nl - p) : f->len - f->pos;
    f->pos += n + (nl != NULL);
    f->line++;
    f->linestart = p;
    f->linelen = n;
    if (n > 0 && p[n - 1] == '\r')
        n--;
    if (f->line == 1 && n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
        p += 3; /* a UTF-8 byte-order mark is not part of the first line */
        n -= 3;
    }
    while (n > 0 && (*p == ' ' || *p == '\t')) {
        p++;
        n--;
    }
    if (n > cap) {
        f->st = att_error_set(f->err, ATT_EPARSE, f->path, f->line, 0, NULL,
                              "expected a line of at most %zu characters (libinih's limit), "
                              "found %zu; shorten it",
                              cap, n);
        return NULL;
    }
    if (n > 0 && *p == '[') {
        const char *close = memchr(p, ']', n);
        if (close != NULL && !ptree_open_section(f, p + 1, (size_t)(close - p - 1)))
            return NULL;
    }
    memcpy(str, p, n);
    str[n] = '\n';
    str[n + 1] = '\0';
    return str;
}

static int
ptree_handler(void *user, const char *section, const char *name, const char *value)
{
    ptree_file *f = user;
    ptree_entry *e;
    att_origin o;

    (void)section; /* inih truncates long section names: we track our own */
    if (f->st != ATT_OK)
        return 0;
    if (f->cur == NULL) {
        o.path = f->path;
        o.line = 0;
        f->cur = ptree_add_section(f->tree, "", "", o);
        if (f->cur == NULL) {
            f->st = ATT_FAIL(f->err, ATT_ENOMEM, "out of memory reading %s", f->path);
            return 0;
        }
    }
    if (name[0] == '\0') {
        f->st = att_error_set(f->err, ATT_EPARSE, f->path, f->line, 0, NULL,
                              "expected a key before '=', found nothing");
        return 0;
    }
    if (strcmp(name, "include") == 0) {
        if (!ptree_grow((void **)&f->includes, &f->capinclude, f->ninclude + 1, sizeof(char *)) ||
            !ptree_grow((void **)&f->include_line, &f->capline, f->ninclude + 1, sizeof(long)) ||
            (f->includes[f->ninclude] = att_mem_strdup(value)) == NULL) {
            f->st = ATT_FAIL(f->err, ATT_ENOMEM, "out of memory reading %s", f->path);
            return 0;
        }
        f->include_line[f->ninclude++] = f->line;
        return 1;
    }
    e = ptree_find_entry(f->cur, name);
    if (e != NULL) {
        f->st =
            att_error_set(f->err, ATT_EPARSE, f->path, f->line, 0, name,
                          "key repeated in [%s%s%s] (first at line %ld); "
                          "expected each key once per section",
                          f->cur->type, f->cur->name[0] ? " " : "", f->cur->name, e->origin.line);
        return 0;
    }
    o.path = f->path;
    o.line = f->line;
    if (!ptree_set_entry(f->cur, name, value, o)) {
        f->st = ATT_FAIL(f->err, ATT_ENOMEM, "out of memory reading %s", f->path);
        return 0;
    }
    return 1;
}

/* Describes the raw text of the line inih refused. */
static att_status
ptree_syntax_error(const char *path, const char *text, size_t len, long line, att_error *err)
{
    const char *p = text, *end = text + len, *nl;
    long l = 1;
    char shown[64];
    size_t n;

    while (l < line && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        p = nl + 1;
        l++;
    }
    nl = memchr(p, '\n', (size_t)(end - p));
    n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == ' '))
        n--;
    while (n > 0 && (*p == ' ' || *p == '\t')) {
        p++;
        n--;
    }
    if (n >= sizeof shown)
        n = sizeof shown - 1;
    memcpy(shown, p, n);
    shown[n] = '\0';
    if (shown[0] == '[')
        return att_error_set(err, ATT_EPARSE, path, line, 0, NULL,
                             "expected a section header \"[type name]\", found \"%s\" (no ']')",
                             shown);
    return att_error_set(err, ATT_EPARSE, path, line, 0, NULL,
                         "expected \"key = value\", \"[section]\" or a comment, found \"%s\"",
                         shown);
}

/* ---- includes and merging --------------------------------------------- */

static att_status
ptree_add_file(ptree *top, const char *path, const char **out)
{
    if (!ptree_grow((void **)&top->files, &top->capfile, top->nfile + 1, sizeof(char *)) ||
        (top->files[top->nfile] = att_mem_strdup(path)) == NULL)
        return ATT_ENOMEM;
    *out = top->files[top->nfile++];
    return ATT_OK;
}

/* Loads path into *out (its includes merged under its own keys).  stack
 * holds the files being included, for cycle detection. */
static att_status
ptree_load_rec(ptree *top,
               const char *path,
               const char **stack,
               size_t depth,
               att_params_reader reader,
               void *ctx,
               ptree **out,
               att_error *err)
{
    ptree_file f;
    ptree *own = NULL, *acc = NULL, *sub = NULL;
    char *text = NULL, *target = NULL;
    size_t len = 0, i;
    att_status st;
    int rc;

    memset(&f, 0, sizeof f);
    *out = NULL;
    st = ptree_add_file(top, path, &f.path);
    if (st != ATT_OK) {
        st = ATT_FAIL(err, ATT_ENOMEM, "out of memory reading %s", path);
        goto cleanup;
    }
    st = reader(ctx, f.path, &text, &len, err);
    if (st != ATT_OK)
        goto cleanup;
    if (strlen(text) != len) {
        st = att_error_set(err, ATT_EPARSE, f.path, 0, 0, NULL,
                           "expected text, found a NUL byte (is this a binary file?)");
        goto cleanup;
    }
    own = att_mem_calloc(1, sizeof *own);
    acc = att_mem_calloc(1, sizeof *acc);
    if (own == NULL || acc == NULL) {
        st = ATT_FAIL(err, ATT_ENOMEM, "out of memory reading %s", path);
        goto cleanup;
    }
    f.text = text;
    f.len = len;
    f.tree = own;
    f.err = err;
    rc = ini_parse_stream(ptree_reader, &f, ptree_handler, &f);
    /* Our reader stops at our first error, so whichever error has the
     * lower line is the first: inih's (a syntax error) or ours. */
    if (rc > 0 && (f.st == ATT_OK || rc < f.line)) {
        st = ptree_syntax_error(f.path, text, len, rc, err);
        goto cleanup;
    }
    if (f.st != ATT_OK) {
        st = f.st;
        goto cleanup;
    }
    if (rc < 0) {
        st = ATT_FAIL(err, ATT_ENOMEM, "out of memory reading %s", path);
        goto cleanup;
    }
    for (i = 0; i < f.ninclude; i++) {
        size_t k;
        if (f.includes[i][0] == '\0') {
            st = att_error_set(err, ATT_EPARSE, f.path, f.include_line[i], 0, "include",
                               "expected a file name, found nothing");
            goto cleanup;
        }
        target = ptree_path_resolve(f.path, f.includes[i]);
        if (target == NULL) {
            st = ATT_FAIL(err, ATT_ENOMEM, "out of memory reading %s", path);
            goto cleanup;
        }
        if (depth + 1 > INI_MAX_INCLUDE_DEPTH) {
            st = att_error_set(err, ATT_EDATA, f.path, f.include_line[i], 0, "include",
                               "expected includes nested at most %d deep, found deeper",
                               INI_MAX_INCLUDE_DEPTH);
            goto cleanup;
        }
        for (k = 0; k <= depth; k++)
            if (strcmp(stack[k], target) == 0) {
                st = att_error_set(err, ATT_EDATA, f.path, f.include_line[i], 0, "include",
                                   "include cycle: \"%s\" is already being read", target);
                goto cleanup;
            }
        stack[depth + 1] = target;
        st = ptree_load_rec(top, target, stack, depth + 1, reader, ctx, &sub, err);
        if (st == ATT_OK && sub == NULL)
            st = ATT_FAIL(err, ATT_EINTERNAL, "include produced no tree");
        if (st != ATT_OK) {
            if (st == ATT_ENOENT && err != NULL && err->line == 0)
                /* Point at the include line, keeping the reader's reason. */
                (void)att_error_set(err, ATT_ENOENT, f.path, f.include_line[i], 0, "include",
                                    "cannot read \"%.200s\": %.200s", target, err->msg);
            goto cleanup;
        }
        att_mem_free(target);
        target = NULL;
        st = ptree_merge(acc, sub, err);
        ptree_free(sub);
        sub = NULL;
        if (st != ATT_OK)
            goto cleanup;
    }
    st = ptree_merge(acc, own, err);
    if (st != ATT_OK)
        goto cleanup;
    *out = acc;
    acc = NULL;
cleanup:
    for (i = 0; i < f.ninclude; i++)
        att_mem_free(f.includes[i]);
    att_mem_free(f.includes);
    att_mem_free(f.include_line);
    att_mem_free(target);
    ptree_free(sub);
    ptree_free(own);
    ptree_free(acc);
    free(text); /* the reader's buffer comes from malloc, not the funnel */
    return st;
}

att_status
ptree_load(const char *path, att_params_reader reader, void *ctx, ptree **out, att_error *err)
{
    const char *stack[INI_MAX_INCLUDE_DEPTH + 1];
    ptree *top, *t = NULL;
    att_status st;
    *out = NULL;
    top = att_mem_calloc(1, sizeof *top);
    if (top == NULL)
        return ATT_FAIL(err, ATT_ENOMEM, "out of memory reading %s", path);
    stack[0] = path;
    st = ptree_load_rec(top, path, stack, 0, reader, ctx, &t, err);
    if (st != ATT_OK || t == NULL) {
        ptree_free(top);
        return st != ATT_OK ? st : ATT_FAIL(err, ATT_EINTERNAL, "no tree from %s", path);
    }
    /* The merged tree takes the files list (disabled sections are the
     * typed loader's business: only named sections may be disabled). */
    t->files = ptree_take_files(top, &t->nfile);
    t->capfile = t->nfile;
    ptree_free(top);
    *out = t;
    return ATT_OK;
}

/* ---- paths ------------------------------------------------------------ */

att_status
ptree_read_file(void *ctx, const char *path, char **out_text, size_t *out_len, att_error *err)
{
    char *buf = NULL, *copy;
    size_t len = 0;
    att_status st;

    (void)ctx;
    st = att_file_slurp(path, &buf, &len, err);
    if (st != ATT_OK)
        return st;
    /* The reader contract hands out malloc'd memory. */
    copy = malloc(len + 1);
    if (copy == NULL) {
        att_mem_free(buf);
        return ATT_FAIL(err, ATT_ENOMEM, "out of memory reading %s", path);
    }
    memcpy(copy, buf, len + 1);
    att_mem_free(buf);
    *out_text = copy;
    *out_len = len;
    return ATT_OK;
}

char *
ptree_path_resolve(const char *base, const char *rel)
{
    size_t nb = 0, nr = strlen(rel), i = 0, out = 0, root;
    const char *slash;
    char *p;

    if (rel[0] != '/' && (slash = strrchr(base, '/')) != NULL)
        nb = (size_t)(slash - base) + 1;
    p = att_mem_alloc(nb + nr + 2);
    if (p == NULL)
        return NULL;
    memcpy(p, base, nb);
    memcpy(p + nb, rel, nr + 1);
    /* Rewrite in place, component by component: "." and empty components
     * go, ".." removes the previous component unless that is ".." too. */
    root = p[0] == '/';
    out = i = root;
    while (p[i] != '\0') {
        size_t start = i, clen, last;
        while (p[i] != '\0' && p[i] != '/')
            i++;
        clen = i - start;
        if (p[i] == '/')
            i++;
        if (clen == 0 || (clen == 1 && p[start] == '.'))
            continue;
        if (clen == 2 && p[start] == '.' && p[start + 1] == '.') {
            last = out > root ? out - 1 : root; /* out - 1 is the '/' we wrote, or text */
            while (last > root && p[last - 1] != '/')
                last--;
            if (out > root && !(out - last == 2 && p[last] == '.' && p[last + 1] == '.')) {
                out = last > root ? last - 1 : root; /* drop "/comp" */
                continue;
            }
            if (root)
                continue; /* "/.." is "/" */
        }
        if (out > root)
            p[out++] = '/';
        memmove(p + out, p + start, clen);
        out += clen;
    }
    if (out == 0)
        p[out++] = '.';
    p[out] = '\0';
    return p;
}
