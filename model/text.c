/* text.c -- small string helpers: strict number parsing, bounded copies,
 * and the edit distance behind "did you mean" suggestions.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <attrition/att_params.h>

#include "internal.h"

/* A suggestion is offered when it is at most this many edits away and
 * closer than half the word's length (so "x" does not suggest "kappa"). */
#define TEXT_SUGGEST_MAX_EDITS 3

void
att_strlcpy(char *dst, const char *src, size_t n)
{
    size_t len;

    if (n == 0)
        return;
    len = strlen(src);
    if (len >= n)
        len = n - 1;
    memcpy(dst, src, len);
    dst[len] = '\0';
}

/* Plain decimal numbers only: no hexadecimal, no blanks, no "inf". */
static bool
text_plain_number(const char *s)
{
    size_t i;

    for (i = 0; s[i]; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == 'e' || s[i] == 'E' ||
              s[i] == '+' || s[i] == '-'))
            return false;
    return i > 0;
}

bool
att_parse_double(const char *s, double *out)
{
    char *end;
    double v;

    if (s == NULL || !text_plain_number(s))
        return false;
    errno = 0;
    v = strtod(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v))
        return false;
    *out = v;
    return true;
}

bool
att_parse_long(const char *s, long *out)
{
    char *end;
    long v;

    if (s == NULL || !text_plain_number(s))
        return false;
    errno = 0;
    v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || errno == ERANGE)
        return false;
    *out = v;
    return true;
}

size_t
att_edit_distance(const char *a, const char *b, size_t cap)
{
    /* Two rows of the Wagner-Fischer table; names here are short, and a
     * longer word is simply "too far" to suggest. */
    enum { TEXT_MAXLEN = 64 };
    size_t prev[TEXT_MAXLEN + 1], cur[TEXT_MAXLEN + 1];
    size_t la = strlen(a), lb = strlen(b), i, j;

    if (la > TEXT_MAXLEN || lb > TEXT_MAXLEN)
        return cap + 1;
    for (j = 0; j <= lb; j++)
        prev[j] = j;
    for (i = 1; i <= la; i++) {
        size_t rowmin;
        cur[0] = i;
        rowmin = cur[0];
        for (j = 1; j <= lb; j++) {
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            size_t m = del < ins ? del : ins;
            cur[j] = m < sub ? m : sub;
            if (cur[j] < rowmin)
                rowmin = cur[j];
        }
        if (rowmin > cap)
            return cap + 1;
        memcpy(prev, cur, (lb + 1) * sizeof prev[0]);
    }
    return prev[lb] <= cap ? prev[lb] : cap + 1;
}

const char *
att_closest(const char *word, const char *const *cand, size_t n)
{
    const char *best = NULL;
    size_t bestd = TEXT_SUGGEST_MAX_EDITS + 1, i, limit = strlen(word) / 2;

    if (limit > TEXT_SUGGEST_MAX_EDITS)
        limit = TEXT_SUGGEST_MAX_EDITS;
    if (limit == 0)
        limit = 1;
    for (i = 0; i < n; i++) {
        size_t d = att_edit_distance(word, cand[i], limit);
        if (d <= limit && d < bestd) {
            bestd = d;
            best = cand[i];
        }
    }
    return best;
}

bool
att_is_name(const char *s)
{
    size_t i, n = strlen(s);

    if (n == 0 || n >= ATT_NAME_MAX)
        return false;
    if (!((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')))
        return false;
    for (i = 1; i < n; i++) {
        char ch = s[i];
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
              ch == '_'))
            return false;
    }
    return true;
}
