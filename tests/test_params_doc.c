/* test_params_doc.c -- params/README.md documents every key exactly as the
 * loader's table has it (section, key, type, unit, default, range,
 * meaning), and nothing else. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include <attrition/att_params.h>

#include "att_test.h"

#define DOC_MAX_ROWS 256
#define DOC_CELLS    7

typedef struct {
    char cell[DOC_CELLS][256];
    bool matched;
} doc_row;

/* Splits "| a | `b` | ... |" into trimmed cells without backticks. */
static int
doc_split(const char *line, doc_row *r)
{
    const char *p = line + 1;
    int n = 0;

    while (*p != '\0' && *p != '\n' && n < DOC_CELLS) {
        const char *bar = strchr(p, '|');
        size_t len, i, j = 0;
        if (bar == NULL)
            break;
        len = (size_t)(bar - p);
        for (i = 0; i < len && j + 1 < sizeof r->cell[n]; i++)
            if (p[i] != '`')
                r->cell[n][j++] = p[i];
        r->cell[n][j] = '\0';
        while (j > 0 && r->cell[n][j - 1] == ' ')
            r->cell[n][--j] = '\0';
        memmove(r->cell[n], r->cell[n] + strspn(r->cell[n], " "),
                strlen(r->cell[n] + strspn(r->cell[n], " ")) + 1);
        n++;
        p = bar + 1;
    }
    return n;
}

static void
test_readme_matches_key_table(void **state)
{
    FILE *f = fopen(ATT_SOURCE_DIR "/params/README.md", "r");
    static doc_row rows[DOC_MAX_ROWS];
    char line[1024];
    size_t nrow = 0, i, j, n = att_params_key_count();
    bool in_keys = false;

    (void)state;
    assert_non_null(f);
    while (fgets(line, sizeof line, f) != NULL) {
        doc_row r;
        if (strncmp(line, "## ", 3) == 0)
            in_keys = strncmp(line, "## Keys", 7) == 0;
        if (!in_keys || line[0] != '|' || strncmp(line, "| section", 9) == 0 ||
            strncmp(line, "| ---", 5) == 0)
            continue;
        memset(&r, 0, sizeof r);
        if (doc_split(line, &r) != DOC_CELLS)
            fail_msg("params/README.md: a key row needs %d cells: %s", DOC_CELLS, line);
        assert_true(nrow < DOC_MAX_ROWS);
        rows[nrow++] = r;
    }
    fclose(f);
    for (i = 0; i < n; i++) {
        att_params_key k;
        const char *want[DOC_CELLS];
        assert_int_equal(att_params_key_get(i, &k), ATT_OK);
        want[0] = k.section;
        want[1] = k.key;
        want[2] = k.type;
        want[3] = k.unit;
        want[4] = k.defval[0] != '\0' ? k.defval : "(empty)";
        want[5] = k.range;
        want[6] = k.help;
        for (j = 0; j < nrow; j++)
            if (strcmp(rows[j].cell[0], want[0]) == 0 && strcmp(rows[j].cell[1], want[1]) == 0)
                break;
        if (j == nrow)
            fail_msg("params/README.md does not document [%s] %s", want[0], want[1]);
        for (size_t c = 2; c < DOC_CELLS; c++)
            if (strcmp(rows[j].cell[c], want[c]) != 0)
                fail_msg("params/README.md: [%s] %s: column %zu says \"%s\", the code \"%s\"",
                         want[0], want[1], c + 1, rows[j].cell[c], want[c]);
        rows[j].matched = true;
    }
    for (j = 0; j < nrow; j++)
        if (!rows[j].matched)
            fail_msg("params/README.md documents [%s] %s, which the loader does not know",
                     rows[j].cell[0], rows[j].cell[1]);
    assert_int_equal(nrow, n);
    print_message("%zu keys documented\n", n);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_readme_matches_key_table),
    };

    gsl_set_error_handler_off();
    return cmocka_run_group_tests_name("params_doc", tests, NULL, NULL);
}
