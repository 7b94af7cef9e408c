/* scenario.c -- scenario names to files (./params first, then the installed
 * share directory: beside the running binary, then the configured
 * ATT_DATADIR/params), and loading a scenario with its ledger. */
#include "scenario.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <attrition/att_date.h>

#include "exit_codes.h"

#define CLI_PATH_MAX  4096
#define SCENARIO_NDIR 3

/* The folders a scenario name is looked up in, in order, into dirs;
 * returns how many: ./params; the share folder relative to the running
 * binary (BINDIR/ATT_DATADIR_REL/params: right wherever the install's
 * prefix, as `cmake --install --prefix` may move it); the folder the
 * build was configured for, unless it is the same. */
static size_t
scenario_dirs(char dirs[SCENARIO_NDIR][CLI_PATH_MAX])
{
    char exe[CLI_PATH_MAX], *slash;
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    size_t n = 0;

    snprintf(dirs[n++], CLI_PATH_MAX, "%s", CLI_LOCAL_PARAMS);
    if (len > 0) {
        exe[len] = '\0';
        slash = strrchr(exe, '/');
        if (slash != NULL) {
            *slash = '\0';
            if ((size_t)snprintf(dirs[n], CLI_PATH_MAX, "%s/%s/params", exe, ATT_DATADIR_REL) <
                CLI_PATH_MAX)
                n++;
        }
    }
    if (n == 1 || strcmp(dirs[1], ATT_DATADIR "/params") != 0)
        snprintf(dirs[n++], CLI_PATH_MAX, "%s", ATT_DATADIR "/params");
    return n;
}

static int
scenario_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t
scenario_list_dir(const char *dir, char ***out)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL, **tmp;
    size_t n = 0, cap = 0;

    *out = NULL;
    if (d == NULL)
        return 0;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len <= 4 || strcmp(e->d_name + len - 4, ".ini") != 0)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            tmp = realloc(names, cap * sizeof *names);
            if (tmp == NULL)
                break;
            names = tmp;
        }
        names[n] = malloc(len - 3);
        if (names[n] == NULL)
            break;
        memcpy(names[n], e->d_name, len - 4);
        names[n][len - 4] = '\0';
        n++;
    }
    closedir(d);
    if (n > 0)
        qsort(names, n, sizeof *names, scenario_cmp);
    *out = names;
    return n;
}

size_t
cli_scenario_names(char ***names, char *dir, size_t dir_size)
{
    char dirs[SCENARIO_NDIR][CLI_PATH_MAX];
    size_t i, n, nd = scenario_dirs(dirs);

    for (i = 0; i < nd; i++) {
        n = scenario_list_dir(dirs[i], names);
        if (n > 0) {
            snprintf(dir, dir_size, "%s", dirs[i]);
            return n;
        }
        free(*names);
    }
    *names = NULL;
    snprintf(dir, dir_size, "%s", dirs[0]);
    return 0;
}

void
cli_scenario_dirs_print(FILE *f)
{
    char dirs[SCENARIO_NDIR][CLI_PATH_MAX];
    size_t i, nd = scenario_dirs(dirs);

    for (i = 0; i < nd; i++)
        fprintf(f, "%s%s", i == 0 ? "" : i + 1 == nd ? " nor " : ", ", dirs[i]);
}

void
cli_scenario_names_free(char **names, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

int
cli_scenario_path(const char *name, char *buf, size_t n)
{
    struct stat sb;
    char dirs[SCENARIO_NDIR][CLI_PATH_MAX], dir[CLI_PATH_MAX], **names;
    size_t i, len = strlen(name), nn, nd;

    if (strchr(name, '/') != NULL || (len > 4 && strcmp(name + len - 4, ".ini") == 0)) {
        snprintf(buf, n, "%s", name);
        return 0; /* a file: a missing one is reported by the loader (exit 66) */
    }
    nd = scenario_dirs(dirs);
    for (i = 0; i < nd; i++) {
        if ((size_t)snprintf(buf, n, "%s/%s.ini", dirs[i], name) >= n)
            continue;
        if (stat(buf, &sb) == 0 && S_ISREG(sb.st_mode))
            return 0;
    }
    fprintf(stderr, "attrition: unknown scenario '%s': no %s.ini in ", name, name);
    cli_scenario_dirs_print(stderr);
    nn = cli_scenario_names(&names, dir, sizeof dir);
    if (nn > 0) {
        fprintf(stderr, "\nknown scenarios:");
        for (i = 0; i < nn; i++)
            fprintf(stderr, " %s", names[i]);
    }
    fprintf(stderr, "\nTry 'attrition scenarios'.\n");
    cli_scenario_names_free(names, nn);
    return CLI_EXIT_USAGE;
}

int
cli_report(const att_error *err)
{
    char buf[2 * ATT_ERROR_MSG_MAX];

    if (err->code == ATT_OK) {
        /* A failure that gave no reason is a bug, never a success. */
        fprintf(stderr, "attrition: internal error: a step failed without saying why\n");
        return CLI_EXIT_SOFTWARE;
    }
    fprintf(stderr, "attrition: %s\n", att_error_format(err, buf, sizeof buf));
    /* An error in an option's value ("--anchor") is the caller's. */
    if (strncmp(err->path, "--", 2) == 0)
        return CLI_EXIT_USAGE;
    return cli_exit_code(err->code);
}

int
cli_origin_day(const cli_options *o, int32_t *day)
{
    const char *why = "";

    *day = INT32_MAX;
    if (o->origin == NULL || att_date_parse(o->origin, day, &why) == ATT_OK)
        return 0;
    fprintf(stderr,
            "attrition: --origin: expected a date YYYY-MM-DD, found \"%s\" (%s)\n"
            "Try 'attrition --help'.\n",
            o->origin, why);
    return CLI_EXIT_USAGE;
}

int
cli_scenario_open(const cli_options *o, const char *name, att_run **out)
{
    att_run_options ro = att_run_options_default();
    char path[CLI_PATH_MAX];
    att_error err;
    int rc;

    *out = NULL;
    att_error_clear(&err);
    if ((rc = cli_scenario_path(name, path, sizeof path)) != 0)
        return rc;
    ro.ledger = o->ledger;
    ro.anchor = o->anchor;
    ro.later = o->later;
    ro.chains = o->chains;
    ro.warmup = o->warmup;
    ro.draws = o->draws;
    ro.seed = o->seed;
    ro.threads = o->threads > 0 ? (int)o->threads : 0;
    if (att_run_open(path, &ro, out, &err) != ATT_OK) {
        rc = cli_report(&err);
        /* A ledger of one's own with classes of one's own: the classes are
         * the scenario's, so the fix is a scenario that declares them. */
        if (err.code == ATT_EPARSE && strcmp(err.field, "source_class") == 0 && o->ledger != NULL)
            fprintf(stderr,
                    "attrition: the source classes are those the scenario (%s) declares in its "
                    "[class NAME] sections: for classes of your own, declare them in a scenario "
                    "and pass it with --scenario FILE\n",
                    name);
        return rc;
    }
    return 0;
}
