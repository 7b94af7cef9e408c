/* ptree.h -- a parameter file as a merged tree of sections and keys (private).
 *
 * ptree.c reads files with libinih, follows `include = FILE`, and merges
 * sections by the rules in att_params.h; params.c then gives the keys their
 * types.  Every section and entry remembers the file and line it came from.
 */
#ifndef ATTRITION_PTREE_H
#define ATTRITION_PTREE_H

#include <attrition/att_params.h>

#include "internal.h"

typedef struct {
    char *key;
    char *value;
    att_origin origin;
} ptree_entry;

typedef struct {
    char *type;        /* the first word of the header ("" for keys before any section) */
    char *name;        /* the rest of the header, trimmed ("" if none) */
    att_origin origin; /* the header (for the top section: line 0 of the top file) */
    ptree_entry *entries;
    size_t nentry, capentry;
} ptree_section;

typedef struct {
    ptree_section *sections;
    size_t nsection, capsection;
    char **files; /* every file read, in order; origins point into these */
    size_t nfile, capfile;
} ptree;

/* Reads path (and its includes) through reader into *out (ptree_free it).
 * `enabled` is an ordinary key here: the typed loader drops disabled
 * sections. */
ATT_INTERNAL att_status
ptree_load(const char *path, att_params_reader reader, void *ctx, ptree **out, att_error *err);
ATT_INTERNAL void ptree_free(ptree *t);

/* Takes ownership of the files list (so origins outlive the tree). */
ATT_INTERNAL char **ptree_take_files(ptree *t, size_t *out_n);

/* The default reader: the file from disk. */
ATT_INTERNAL att_status
ptree_read_file(void *ctx, const char *path, char **out_text, size_t *out_len, att_error *err);

/* Joins dir-of(base) and rel (unless rel is absolute) and normalises "."
 * and ".." lexically.  Returns a new string, or NULL on allocation failure. */
ATT_INTERNAL char *ptree_path_resolve(const char *base, const char *rel);

#endif /* ATTRITION_PTREE_H */
