/* sort.c -- doubles sorted ascending by a radix sort on their bits
 * (sort.h).
 *
 * A double's bits, as an unsigned integer, order the positive numbers;
 * flipping every bit of a negative one and the sign bit of a positive one
 * makes that order the numbers' order on the whole line.  Eight passes of
 * one byte each, least significant first, each stable: a pass whose byte
 * is the same for every key (the exponent's, for draws of one scale) is
 * skipped.
 */
#include "sort.h"

#include <string.h>

#include <gsl/gsl_sort.h>

#define SORT_SIGN ((uint64_t)1 << 63)

/* Below this a radix sort's passes cost more than they save. */
#define SORT_SMALL 64

static uint64_t
sort_key(double x)
{
    uint64_t u;

    memcpy(&u, &x, sizeof u);
    return (u & SORT_SIGN) ? ~u : u | SORT_SIGN;
}

static double
sort_value(uint64_t k)
{
    uint64_t u = (k & SORT_SIGN) ? k & ~SORT_SIGN : ~k;
    double x;

    memcpy(&x, &u, sizeof x);
    return x;
}

/* One stable pass on byte `pass` of the n keys a (and their indices ia,
 * when not NULL) into b (ib).  false, nothing moved, where that byte is
 * the same for every key: the order stays. */
static bool
sort_pass(const uint64_t *a, uint64_t *b, const size_t *ia, size_t *ib, size_t n, unsigned pass)
{
    unsigned shift = 8u * pass;
    size_t count[256], sum = 0, c, i;

    memset(count, 0, sizeof count);
    for (i = 0; i < n; i++)
        count[(a[i] >> shift) & 0xff]++;
    if (n == 0 || count[(a[0] >> shift) & 0xff] == n)
        return false;
    for (c = 0; c < 256; c++) {
        size_t k = count[c];
        count[c] = sum;
        sum += k;
    }
    if (ia == NULL) /* two loops: no test per key in att_sort's */
        for (i = 0; i < n; i++)
            b[count[(a[i] >> shift) & 0xff]++] = a[i];
    else
        for (i = 0; i < n; i++) {
            size_t to = count[(a[i] >> shift) & 0xff]++;
            b[to] = a[i];
            ib[to] = ia[i];
        }
    return true;
}

void
att_sort(double *x, size_t n)
{
    uint64_t *a, *b, *t;
    size_t i;
    unsigned pass;

    if (n < SORT_SMALL) {
        /* Insertion by key: the same order as the radix sort's. */
        for (i = 1; i < n; i++) {
            double v = x[i];
            uint64_t k = sort_key(v);
            size_t j = i;
            for (; j > 0 && sort_key(x[j - 1]) > k; j--)
                x[j] = x[j - 1];
            x[j] = v;
        }
        return;
    }
    a = att_mem_alloc(2 * n * sizeof *a);
    if (a == NULL) {
        gsl_sort(x, 1, n); /* -0 and +0 then in either order */
        return;
    }
    b = a + n;
    for (i = 0; i < n; i++)
        a[i] = sort_key(x[i]);
    for (pass = 0; pass < 8; pass++)
        if (sort_pass(a, b, NULL, NULL, n, pass)) {
            t = a;
            a = b;
            b = t;
        }
    for (i = 0; i < n; i++)
        x[i] = sort_value(a[i]);
    att_mem_free(a < b ? a : b);
}

void
att_sort_index(size_t *order, const double *x, size_t n)
{
    uint64_t *a, *b, *t;
    size_t *ia, *ib, *it, i;
    unsigned pass;

    a = att_mem_alloc(2 * n * sizeof *a + 2 * n * sizeof *ia + 1);
    if (a == NULL) {
        gsl_sort_index(order, x, 1, n);
        return;
    }
    b = a + n;
    ia = (size_t *)(b + n);
    ib = ia + n;
    for (i = 0; i < n; i++) {
        a[i] = sort_key(x[i]);
        ia[i] = i;
    }
    for (pass = 0; pass < 8; pass++)
        if (sort_pass(a, b, ia, ib, n, pass)) {
            t = a;
            a = b;
            b = t;
            it = ia;
            ia = ib;
            ib = it;
        }
    memcpy(order, ia, n * sizeof *order);
    att_mem_free(a < b ? a : b);
}

void
att_sort_counts(const uint32_t *v, size_t n, double *x)
{
    uint64_t *a, *b, *t;
    size_t i;
    unsigned pass;

    a = n < SORT_SMALL ? NULL : att_mem_alloc(2 * n * sizeof *a);
    if (a == NULL) {
        for (i = 0; i < n; i++)
            x[i] = (double)v[i];
        att_sort(x, n);
        return;
    }
    b = a + n;
    for (i = 0; i < n; i++)
        a[i] = v[i];
    for (pass = 0; pass < 4; pass++)
        if (sort_pass(a, b, NULL, NULL, n, pass)) {
            t = a;
            a = b;
            b = t;
        }
    for (i = 0; i < n; i++)
        x[i] = (double)a[i];
    att_mem_free(a < b ? a : b);
}
