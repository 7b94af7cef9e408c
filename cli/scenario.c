/* scenario.c -- scenario names to files: ./params first, then the
 * installed share directory (ATT_DATADIR/params). */
#include "scenario.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "exit_codes.h"

static const char *const scenario_dirs[] = {CLI_LOCAL_PARAMS, ATT_DATADIR "/params"};

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
cli_scenario_names(char ***names, const char **dir)
{
    size_t i, n;

    for (i = 0; i < sizeof scenario_dirs / sizeof scenario_dirs[0]; i++) {
        n = scenario_list_dir(scenario_dirs[i], names);
        if (n > 0) {
            *dir = scenario_dirs[i];
            return n;
        }
        free(*names);
    }
    *names = NULL;
    *dir = scenario_dirs[0];
    return 0;
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
    size_t i, len = strlen(name), nn;
    char **names;
    const char *dir;

    if (strchr(name, '/') != NULL || (len > 4 && strcmp(name + len - 4, ".ini") == 0)) {
        snprintf(buf, n, "%s", name);
        return 0; /* a file: a missing one is reported by the loader (exit 66) */
    }
    for (i = 0; i < sizeof scenario_dirs / sizeof scenario_dirs[0]; i++) {
        if ((size_t)snprintf(buf, n, "%s/%s.ini", scenario_dirs[i], name) >= n)
            continue;
        if (stat(buf, &sb) == 0 && S_ISREG(sb.st_mode))
            return 0;
    }
    fprintf(stderr, "attrition: unknown scenario '%s': no %s/%s.ini nor %s/%s.ini", name,
            scenario_dirs[0], name, scenario_dirs[1], name);
    nn = cli_scenario_names(&names, &dir);
    if (nn > 0) {
        fprintf(stderr, "\nknown scenarios:");
        for (i = 0; i < nn; i++)
            fprintf(stderr, " %s", names[i]);
    }
    fprintf(stderr, "\nTry 'attrition scenarios'.\n");
    cli_scenario_names_free(names, nn);
    return CLI_EXIT_USAGE;
}
