/* test_emath_hash.c -- the bits of every function the library computes
 * beyond IEEE-754's basic operations, hashed over fixed inputs and held
 * against tests/golden/emath_hashes.txt, made once: on another processor
 * (vendor, vector width, FMA or not) a hash that differs says that
 * something processor-dependent reached a result, without running a fit.
 * The array functions of vmath.h are hashed on every path this processor
 * runs, and must give the scalar functions' bits element by element.
 * ATT_UPDATE_GOLDEN=1 rewrites the file after a deliberate change. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <attrition/att_rng.h>

#include "att_test.h"
#include "emath.h"
#include "emath_cases.h"
#include "fft.h"
#include "special.h"
#include "variates.h"
#include "vmath.h"

#define EH_N      100000 /* inputs per function */
#define EH_N_SLOW 3000   /* for the Beta quantile: 52 CDFs each, all hashed in beta_p's cases */
#define EH_GOLDEN ATT_SOURCE_DIR "/tests/golden/emath_hashes.txt"
#define EH_MAX    64

typedef struct {
    char name[48];
    unsigned long n;
    uint64_t hash;
} eh_entry;

typedef struct {
    eh_entry e[EH_MAX];
    size_t n;
} eh_table;

static void
eh_put(eh_table *t, const char *name, unsigned long n, uint64_t h)
{
    assert_true(t->n < EH_MAX);
    snprintf(t->e[t->n].name, sizeof t->e[t->n].name, "%s", name);
    t->e[t->n].n = n;
    t->e[t->n].hash = h;
    t->n++;
}

/* A mix of ranges and the special values, the same for every function
 * of one argument. */
static double
eh_input(ec_stream *r, unsigned long i, double lo, double hi)
{
    static const double special[] = {
        0.0,     -0.0,     1.0,      -1.0,      0x1p-1074,   -0x1p-1074,       0x1p-1022,
        DBL_MAX, -DBL_MAX, HUGE_VAL, -HUGE_VAL, (double)NAN, 709.782712893384, -745.1332191019411,
        26.55,   38.5,     0.5};
    unsigned long ns = sizeof special / sizeof special[0];

    if (i < ns)
        return special[i];
    switch (i % 4) {
    case 0:
        return ec_log_uniform(r, -1022, 1024, 1);
    case 1:
        return ec_log_uniform(r, -60, 10, 1);
    default:
        return ec_uniform(r, lo, hi);
    }
}

typedef double (*eh_fn)(double);

static double
eh_pdf(double z)
{
    double p;

    (void)att_normal_q_pdf(z, &p);
    return p;
}

static double
eh_mills(double z)
{
    double m;

    (void)att_log_normal_q_mills(z, &m);
    return m;
}

static double
eh_quantile(double x)
{
    return att_normal_quantile(fabs(x) <= 1.0 ? fabs(x) : 1.0 / fabs(x));
}

static double
eh_lgamma(double x)
{
    return att_lgamma(fabs(x));
}

static double
eh_trigamma(double x)
{
    return att_trigamma(fabs(x));
}

static const struct {
    const char *name;
    eh_fn f;
    double lo, hi;
} eh_fns[] = {
    {"exp", att_exp, -746.0, 710.0},         {"log", att_log, 0.0, 10.0},
    {"log1p", att_log1p, -1.0, 10.0},        {"expm1", att_expm1, -40.0, 40.0},
    {"erfc", att_erfc, -6.0, 28.0},          {"normal_q", att_normal_q, -9.0, 40.0},
    {"normal_pdf", eh_pdf, -40.0, 40.0},     {"log_normal_q", att_log_normal_q, -40.0, 60.0},
    {"normal_mills", eh_mills, -40.0, 60.0}, {"normal_quantile", eh_quantile, 0.0, 1.0},
    {"lgamma", eh_lgamma, 0.0, 50.0},        {"trigamma", eh_trigamma, 0.0, 50.0},
};

static void
eh_scalar(eh_table *t)
{
    size_t f;
    unsigned long i;

    for (f = 0; f < sizeof eh_fns / sizeof eh_fns[0]; f++) {
        ec_stream r = {0x5DEECE66DULL + f};
        uint64_t h = ATT_TEST_HASH_SEED;
        for (i = 0; i < EH_N; i++)
            h = att_test_hash(h, eh_fns[f].f(eh_input(&r, i, eh_fns[f].lo, eh_fns[f].hi)));
        eh_put(t, eh_fns[f].name, EH_N, h);
    }
}

/* Functions of two or three arguments, and the variates. */
static void
eh_others(eh_table *t)
{
    ec_stream r = {0xA5A5A5A5ULL};
    uint64_t h;
    unsigned long i;
    gsl_rng *g = att_rng_alloc(20241206, ATT_RNG_TEST, 7, 0, 0);

    assert_non_null(g);
    for (h = ATT_TEST_HASH_SEED, i = 0; i < EH_N; i++)
        h = att_test_hash(h,
                          att_pow(eh_input(&r, i, 0.0, 100.0), eh_input(&r, i + 7, -30.0, 30.0)));
    eh_put(t, "pow", EH_N, h);
    for (h = ATT_TEST_HASH_SEED, i = 0; i < EH_N; i++)
        h = att_test_hash(h, att_lnbeta(ec_uniform(&r, 0.01, 50.0), ec_uniform(&r, 0.01, 5000.0)));
    eh_put(t, "lnbeta", EH_N, h);
    for (h = ATT_TEST_HASH_SEED, i = 0; i < EH_N; i++)
        h = att_test_hash(h, att_beta_p(ec_uniform(&r, 0.0, 1.0), ec_uniform(&r, 0.05, 100.0),
                                        ec_uniform(&r, 0.05, 5000.0)));
    eh_put(t, "beta_p", EH_N, h);
    for (h = ATT_TEST_HASH_SEED, i = 0; i < EH_N_SLOW; i++)
        h = att_test_hash(h, att_beta_pinv(ec_uniform(&r, 0.0, 1.0), ec_uniform(&r, 1.0, 3000.0),
                                           ec_uniform(&r, 1.0, 3000.0)));
    eh_put(t, "beta_pinv", EH_N_SLOW, h);
    for (h = ATT_TEST_HASH_SEED, i = 0; i < EH_N; i++) {
        double c, s;
        size_t n = (size_t)1 << (2 + i % 20);
        att_sincos_turn((size_t)ec_next(&r) % n, n, &c, &s);
        h = att_test_hash(att_test_hash(h, c), s);
    }
    eh_put(t, "sincos_turn", EH_N, h);
    for (h = ATT_TEST_HASH_SEED, i = 0; i < EH_N; i++)
        h = att_test_hash(h, att_ran_normal(g));
    eh_put(t, "ran_normal", EH_N, h);
    for (h = ATT_TEST_HASH_SEED, i = 0; i < EH_N; i++)
        h = att_test_hash(h, att_ran_gamma(g, 0.1 + (double)(i % 97)));
    eh_put(t, "ran_gamma", EH_N, h);
    for (h = ATT_TEST_HASH_SEED, i = 0; i < EH_N; i++)
        h = att_test_hash(h, att_ran_beta(g, 0.3 + (double)(i % 13), 0.7 + (double)(i % 31)));
    eh_put(t, "ran_beta", EH_N, h);
    gsl_rng_free(g);
}

/* Function f of the arrays (exp, log, the smaller tail with the density,
 * log1p, division by z, expm1) on path s, n elements; y may be x. */
static void
eh_array_fn(int f, int s, size_t n, const double *x, double *y, double *z)
{
    if (f == 5)
        att_vexpm1((att_simd)s, n, x, y);
    else if (f == 4)
        att_vdiv((att_simd)s, n, x, z, y);
    else if (f == 0)
        att_vexp((att_simd)s, n, x, y);
    else if (f == 1)
        att_vlog((att_simd)s, n, x, y);
    else if (f == 2)
        att_vnormal_small_tail_pdf((att_simd)s, n, x, y, z);
    else
        att_vlog1p((att_simd)s, n, x, y);
}

/* The array functions on each path: the scalar bits, in place and not,
 * at every offset and length; then their hash under the path's name. */
static void
eh_arrays(eh_table *t)
{
    static double x[EH_N], y[EH_N], z[EH_N], ref[EH_N], ref2[EH_N], dv[EH_N];
    /* Each function's inputs: its range (log1p's reaches -1) and its
     * stream, the one its hash in the file was made with. */
    static const struct {
        const char *name;
        double lo, hi;
        unsigned stream;
    } fns[] = {{"vexp", -40.0, 40.0, 0},
               {"vlog", 0.0, 100.0, 1},
               {"vnormal_small_tail_pdf", -40.0, 40.0, 2},
               {"vlog1p", -1.0, 10.0, 4},
               {"vdiv", -1e3, 1e3, 5},
               {"vexpm1", -45.0, 45.0, 6}};
    int s, f;
    unsigned long i;

    for (f = 0; f < 6; f++) {
        ec_stream r = {0x77ULL + fns[f].stream}, rd = {0x99ULL};
        for (i = 0; i < EH_N; i++)
            x[i] = eh_input(&r, i, fns[f].lo, fns[f].hi);
        /* the divisors: the special values met by others, in turn */
        for (i = 0; i < EH_N && f == 4; i++)
            dv[i] = eh_input(&rd, (i + 5) % EH_N, -10.0, 10.0);
        for (i = 0; i < EH_N; i++)
            ref[i] = f == 0   ? att_exp(x[i])
                     : f == 1 ? att_log(x[i])
                     : f == 2 ? att_normal_small_tail_pdf(x[i], &ref2[i])
                     : f == 3 ? att_log1p(x[i])
                     : f == 4 ? x[i] / dv[i]
                              : att_expm1(x[i]);
        for (s = 0; s < ATT_SIMD_COUNT; s++) {
            char name[48];
            uint64_t h = ATT_TEST_HASH_SEED;
            size_t off, len;
            if (!att_simd_supported((att_simd)s))
                continue;
            eh_array_fn(f, s, EH_N, x, y, f == 4 ? dv : z);
            for (i = 0; i < EH_N; i++) {
                if (memcmp(&y[i], &ref[i], sizeof y[i]) != 0 ||
                    (f == 2 && memcmp(&z[i], &ref2[i], sizeof z[i]) != 0))
                    fail_msg("path %s, function %d, input %a: %a, the scalar function %a",
                             att_simd_name((att_simd)s), f, x[i], y[i], ref[i]);
                h = att_test_hash(h, y[i]);
                if (f == 2)
                    h = att_test_hash(h, z[i]);
            }
            snprintf(name, sizeof name, "%s/%s", fns[f].name, att_simd_name((att_simd)s));
            eh_put(t, name, EH_N, h);
            /* Short arrays at every offset, in place: the padded blocks. */
            for (off = 0; off < 9; off++)
                for (len = 0; len < 19; len++) {
                    memcpy(y, x + off, len * sizeof *y);
                    eh_array_fn(f, s, len, y, y, f == 4 ? dv + off : z);
                    for (i = 0; i < len; i++)
                        if (memcmp(&y[i], &ref[off + i], sizeof y[i]) != 0 ||
                            (f == 2 && memcmp(&z[i], &ref2[off + i], sizeof z[i]) != 0))
                            fail_msg("path %s, function %d, in place, offset %zu, length %zu: "
                                     "element %lu differs",
                                     att_simd_name((att_simd)s), f, off, len, i);
                }
        }
    }
}

/* The hash each path gives is the scalar one: the file holds one line per
 * function, and the array paths are checked against their scalar twins. */
static void
test_hashes(void **state)
{
    static eh_table t;
    char line[256];
    size_t i, j, found = 0;
    FILE *f;

    (void)state;
    t.n = 0;
    eh_scalar(&t);
    eh_others(&t);
    eh_arrays(&t);
    if (getenv("ATT_UPDATE_GOLDEN") != NULL) {
        f = fopen(EH_GOLDEN, "w");
        assert_non_null(f);
        fprintf(f, "# name inputs FNV-1a-64 of the outputs' bits (tests/test_emath_hash.c)\n");
        for (i = 0; i < t.n; i++)
            if (strchr(t.e[i].name, '/') == NULL || strstr(t.e[i].name, "/scalar") != NULL)
                fprintf(f, "%s %lu %016llx\n", t.e[i].name, t.e[i].n,
                        (unsigned long long)t.e[i].hash);
        fclose(f);
    }
    f = fopen(EH_GOLDEN, "r");
    if (f == NULL)
        fail_msg("no %s (run with ATT_UPDATE_GOLDEN=1 to make it)", EH_GOLDEN);
    while (fgets(line, sizeof line, f) != NULL) {
        char name[48];
        unsigned long n;
        unsigned long long h;
        if (line[0] == '#')
            continue;
        assert_int_equal(sscanf(line, "%47s %lu %llx", name, &n, &h), 3);
        for (i = 0; i < t.n; i++) {
            const char *slash = strchr(t.e[i].name, '/');
            size_t base = slash != NULL ? (size_t)(slash - t.e[i].name) : strlen(t.e[i].name);
            const char *gs = strchr(name, '/');
            size_t gbase = gs != NULL ? (size_t)(gs - name) : strlen(name);
            /* a path's hash is held against the file's scalar line */
            if (base != gbase || strncmp(t.e[i].name, name, base) != 0)
                continue;
            found++;
            if (t.e[i].n != n || t.e[i].hash != (uint64_t)h)
                fail_msg("%s: hash %016llx over %lu inputs, the golden %016llx over %lu: "
                         "its bits differ from those made once (a processor-dependent "
                         "function, or a change to be reviewed)",
                         t.e[i].name, (unsigned long long)t.e[i].hash, t.e[i].n, h, n);
        }
    }
    fclose(f);
    for (j = 0; j < t.n; j++)
        printf("%s %016llx\n", t.e[j].name, (unsigned long long)t.e[j].hash);
    assert_true(found >= t.n); /* every function has its line */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hashes),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
