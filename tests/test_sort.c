/* test_sort.c -- att_sort against qsort: the same values in the same
 * order on random doubles of every sign and scale, with duplicates,
 * infinities and subnormals, at sizes on both sides of the small-array
 * cut-off; -0 before +0.  att_sort_index likewise, equal values in the
 * order of their indices. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "att_test.h"
#include "sort.h"

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    if (x == y) /* -0 before +0, as att_sort puts them */
        return signbit(y) - signbit(x);
    return (x > y) - (x < y);
}

/* A deterministic mix: scales from 1e-310 to 1e300, both signs, runs of
 * duplicates, every 97th an infinity. */
static double
value(size_t i)
{
    unsigned long h = (unsigned long)i * 2654435761UL % 1000003UL;
    double m = (double)(h % 1000) / 1000.0, e = (double)((h / 1000) % 62) * 10.0 - 310.0;

    if (i % 97 == 96)
        return i % 2 ? HUGE_VAL : -HUGE_VAL;
    if (i % 13 == 0)
        return 42.0;
    if (i % 29 == 0 || i % 5 == 2) /* zeros of both signs, many below 64 too */
        return i % 2 ? 0.0 : -0.0;
    return (h % 3 == 0 ? -1.0 : 1.0) * m * pow(10.0, e);
}

static void
test_against_qsort(void **state)
{
    static const size_t sizes[] = {0, 1, 2, 63, 64, 65, 1000, 4000, 40000};
    size_t s, i;

    (void)state;
    for (s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        size_t n = sizes[s];
        double *a = malloc((n + 1) * sizeof *a), *b = malloc((n + 1) * sizeof *b);
        assert_non_null(a);
        assert_non_null(b);
        for (i = 0; i < n; i++)
            a[i] = b[i] = value(i + 7 * s);
        att_sort(a, n);
        qsort(b, n, sizeof *b, cmp_double);
        for (i = 0; i < n; i++) {
            assert_memory_equal(&a[i], &b[i], sizeof a[i]); /* the bits, sign of 0 included */
            if (i > 0)
                assert_true(a[i - 1] <= a[i]);
        }
        free(a);
        free(b);
    }
}

/* Draws of one scale share their exponent bytes: the passes that would
 * move nothing are skipped, and the order is still right. */
static void
test_one_scale(void **state)
{
    enum { N = 5000 };
    double *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b);
    size_t i;

    (void)state;
    assert_non_null(a);
    assert_non_null(b);
    for (i = 0; i < N; i++)
        a[i] = b[i] = 1000.0 + (double)((i * 7919) % N);
    att_sort(a, N);
    qsort(b, N, sizeof *b, cmp_double);
    assert_memory_equal(a, b, N * sizeof *a);
    free(a);
    free(b);
}

/* att_sort_index against qsort of (value, index) pairs: the order of the
 * values (sign of 0 included) and, among equal ones, of their indices. */
typedef struct {
    double x;
    size_t i;
} pair;

static int
cmp_pair(const void *a, const void *b)
{
    const pair *p = a, *q = b;
    int c = cmp_double(&p->x, &q->x);

    return c != 0 ? c : (p->i > q->i) - (p->i < q->i);
}

static void
test_index_against_qsort(void **state)
{
    static const size_t sizes[] = {0, 1, 2, 63, 64, 65, 1000, 4000, 40000};
    size_t s, i;

    (void)state;
    for (s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        size_t n = sizes[s], *order = malloc((n + 1) * sizeof *order);
        double *x = malloc((n + 1) * sizeof *x);
        pair *p = malloc((n + 1) * sizeof *p);
        assert_non_null(order);
        assert_non_null(x);
        assert_non_null(p);
        for (i = 0; i < n; i++) {
            x[i] = value(i + 3 * s);
            p[i].x = x[i];
            p[i].i = i;
        }
        att_sort_index(order, x, n);
        qsort(p, n, sizeof *p, cmp_pair);
        for (i = 0; i < n; i++)
            assert_int_equal(order[i], p[i].i);
        free(order);
        free(x);
        free(p);
    }
}

/* Counts sorted by their 32 bits give what att_sort makes of them as
 * doubles: small counts (two passes), counts of every byte up to 2^32 - 1,
 * ties, and arrays below and above the insertion sort's limit. */
static void
test_counts(void **state)
{
    static const size_t sizes[] = {0, 1, 2, 63, 64, 65, 1000, 4000};
    static const uint32_t tops[] = {1, 2000, 65535, 16777216, 4294967295u};
    size_t s, t, i;

    (void)state;
    for (s = 0; s < sizeof sizes / sizeof *sizes; s++)
        for (t = 0; t < sizeof tops / sizeof *tops; t++) {
            size_t n = sizes[s];
            uint32_t *v = malloc((n + 1) * sizeof *v);
            double *x = malloc((n + 1) * sizeof *x), *y = malloc((n + 1) * sizeof *y);
            uint64_t h = 0x9E3779B97F4A7C15u * (s * 7 + t + 1);
            assert_non_null(v);
            assert_non_null(x);
            assert_non_null(y);
            for (i = 0; i < n; i++) {
                h ^= h >> 29;
                h *= 0xBF58476D1CE4E5B9u;
                h ^= h >> 32;
                v[i] = (uint32_t)(h % ((uint64_t)tops[t] + 1));
                y[i] = (double)v[i];
            }
            att_sort_counts(v, n, x);
            att_sort(y, n);
            assert_memory_equal(x, y, n * sizeof *x);
            free(v);
            free(x);
            free(y);
        }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_qsort),
        cmocka_unit_test(test_one_scale),
        cmocka_unit_test(test_index_against_qsort),
        cmocka_unit_test(test_counts),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
