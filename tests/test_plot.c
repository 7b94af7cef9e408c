/* test_plot.c -- `--plot`: each format starts with its signature, the same
 * input gives the same bytes, a bad extension or a missing folder leaves
 * no file, and the PNG has the bands where the numbers put them.  The
 * projection is made by hand (cli/plot.c only draws); the scenario and the
 * ledger are the shipped ones. */
#include <cairo.h>
#include <dirent.h>
#include <fontconfig/fontconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <attrition/att_date.h>

#include "att_test.h"
#include "fixture.h"
#include "plot.h"

#define DIR_ ATT_BINARY_DIR "/tests/plot_dir"

/* cli/plot.c's layout: the plot areas' right edge and the panels' top and
 * bottom edges, in pixels. */
#define PLOT_RIGHT   760
#define STRENGTH_TOP 64
#define STRENGTH_BOT 364
#define CASUALTY_TOP 412
#define CASUALTY_BOT 712

#define NLEVELS ((size_t)5)

/* The factors of the median that make the five levels' values. */
static const double spread[NLEVELS] = {0.75, 0.9, 1.0, 1.1, 1.25};

typedef struct {
    att_params *p;
    att_ledger *l;
    att_projection proj;
    cli_plot_input in;
} plot_fixture;

/* Linear from a to b as i goes from 0 to n - 1. */
static double
ramp(double a, double b, size_t i, size_t n)
{
    return n < 2 ? a : a + (b - a) * (double)i / (double)(n - 1);
}

static double *
alloc_q(size_t n)
{
    double *q = calloc(n * NLEVELS, sizeof *q);

    assert_non_null(q);
    return q;
}

static void
fill_series(double *q, size_t n, double a, double b)
{
    size_t k, j;

    for (k = 0; k < n; k++)
        for (j = 0; j < NLEVELS; j++)
            q[k * NLEVELS + j] = ramp(a, b, k, n) * spread[j];
}

/* A projection from 2025-07-01 (baseline.ini's start) over 364 days by
 * weeks, with a fitted period back to the first arrival.  Strength ends
 * low (about 2,000) and casualties high (about 10,000): the bands sit in
 * the strength panel's lower half and the casualty panel's upper half. */
static void
make_projection(att_projection *r)
{
    static const double levels[NLEVELS] = {5, 25, 50, 75, 95};
    int32_t start = att_date_from_ymd(2025, 7, 1), first = att_date_from_ymd(2024, 10, 16);
    size_t k;

    memset(r, 0, sizeof *r);
    r->paths = 4000;
    r->draws = 4000;
    r->nlevels = NLEVELS;
    r->levels = malloc(sizeof levels);
    assert_non_null(r->levels);
    memcpy(r->levels, levels, sizeof levels);
    r->ndates = 53;
    r->dates = malloc(r->ndates * sizeof *r->dates);
    assert_non_null(r->dates);
    for (k = 0; k < r->ndates; k++)
        r->dates[k] = start + 7 * (int32_t)k;
    r->nhist = (size_t)(start - first) / 7;
    r->hist_dates = malloc(r->nhist * sizeof *r->hist_dates);
    assert_non_null(r->hist_dates);
    for (k = 0; k < r->nhist; k++)
        r->hist_dates[k] = start - 7 * (int32_t)(r->nhist - k);
    for (k = 0; k < ATT_SERIES_COUNT; k++) {
        r->q[k] = alloc_q(r->ndates);
        r->hist_q[k] = alloc_q(r->nhist);
    }
    fill_series(r->hist_q[ATT_SERIES_STRENGTH], r->nhist, 11000, 3500);
    fill_series(r->q[ATT_SERIES_STRENGTH], r->ndates, 3500, 2000);
    fill_series(r->hist_q[ATT_SERIES_CASUALTIES], r->nhist, 10, 8000);
    fill_series(r->q[ATT_SERIES_CASUALTIES], r->ndates, 8000, 10000);
    fill_series(r->hist_q[ATT_SERIES_KILLED], r->nhist, 3, 2400);
    fill_series(r->q[ATT_SERIES_KILLED], r->ndates, 2400, 3000);
    /* Values that must be skipped, never drawn. */
    r->hist_q[ATT_SERIES_STRENGTH][3 * NLEVELS + 2] = (double)NAN;
    for (k = 0; k < NLEVELS; k++)
        r->q[ATT_SERIES_CASUALTIES][10 * NLEVELS + k] = HUGE_VAL;
}

/* Frees what make_projection allocated (not att_projection_free: the
 * library did not make it). */
static void
free_projection(att_projection *r)
{
    size_t k;

    for (k = 0; k < ATT_SERIES_COUNT; k++) {
        free(r->q[k]);
        free(r->hist_q[k]);
    }
    free(r->dates);
    free(r->hist_dates);
    free(r->levels);
}

static int
setup(void **state)
{
    plot_fixture *f = calloc(1, sizeof *f);
    const char *cls[64];
    att_error err;
    char msg[1200];
    size_t i;

    assert_non_null(f);
    if (att_params_load(ATT_SOURCE_DIR "/params/baseline.ini", &f->p, &err) != ATT_OK)
        fail_msg("%s", att_error_format(&err, msg, sizeof msg));
    assert_true(f->p->nclass <= 64);
    for (i = 0; i < f->p->nclass; i++)
        cls[i] = f->p->classes[i].name;
    if (att_ledger_load(f->p->ledger, cls, f->p->nclass, &f->l, &err) != ATT_OK)
        fail_msg("%s", att_error_format(&err, msg, sizeof msg));
    make_projection(&f->proj);
    f->in.title = "baseline: a test projection";
    f->in.p = f->p;
    f->in.l = f->l;
    f->in.proj = &f->proj;
    f->in.digest = "0000003cdeadbeef";
    *state = f;
    return 0;
}

/* Frees cairo's and fontconfig's font caches, which leak checkers
 * (LeakSanitizer, valgrind) otherwise report: only when no cairo object is
 * left. */
static void
release_fonts(void)
{
    cairo_debug_reset_static_data();
    FcFini();
}

static int
teardown(void **state)
{
    plot_fixture *f = *state;

    free_projection(&f->proj);
    att_ledger_free(f->l);
    att_params_free(f->p);
    free(f);
    release_fonts();
    return 0;
}

static void
write_ok(const char *path, const cli_plot_input *in)
{
    att_error err;
    char msg[1200];

    if (cli_plot_write(path, in, &err) != ATT_OK)
        fail_msg("%s", att_error_format(&err, msg, sizeof msg));
}

/* cli_plot_write in a child process: cairo numbers SVG elements with
 * per-process counters, so a second plot in one process would differ in
 * its ids; every child starts from the same state. */
static att_status
write_in_child(const char *path, const cli_plot_input *in)
{
    pid_t pid;
    int status;

    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        att_error err;
        att_status st = cli_plot_write(path, in, &err);
        release_fonts();
        _exit((int)st);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    return (att_status)WEXITSTATUS(status);
}

static void
test_signatures(void **state)
{
    const plot_fixture *f = *state;
    static const unsigned char png_magic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    unsigned char *b;
    size_t n;

    fixture_fresh_dir(DIR_);
    write_ok(DIR_ "/a.png", &f->in);
    b = fixture_read_bytes(DIR_ "/a.png", &n);
    assert_true(n > 8 && memcmp(b, png_magic, 8) == 0);
    free(b);

    write_ok(DIR_ "/a.pdf", &f->in);
    b = fixture_read_bytes(DIR_ "/a.pdf", &n);
    assert_memory_equal(b, "%PDF-", 5);
    free(b);

    write_ok(DIR_ "/a.svg", &f->in);
    b = fixture_read_bytes(DIR_ "/a.svg", &n);
    assert_memory_equal(b, "<?xml", 5);
    assert_non_null(strstr((char *)b, "<svg"));
    assert_non_null(strstr((char *)b, "width=\"1000pt\""));
    /* The NaN and the infinities of the projection were skipped. */
    assert_null(strstr((char *)b, "nan"));
    assert_null(strstr((char *)b, "inf"));
    free(b);

    /* The extension's case does not matter. */
    write_ok(DIR_ "/b.PNG", &f->in);
    b = fixture_read_bytes(DIR_ "/b.PNG", &n);
    assert_true(n > 8 && memcmp(b, png_magic, 8) == 0);
    free(b);
    assert_int_equal(fixture_count_entries(DIR_), 4); /* no temporary file left */
}

static void
test_same_bytes(void **state)
{
    const plot_fixture *f = *state;
    static const char *const ext[] = {"svg", "png", "pdf"};
    char a[256], b[256];
    unsigned char *x, *y;
    size_t i, nx, ny;

    fixture_fresh_dir(DIR_);
    for (i = 0; i < 3; i++) {
        snprintf(a, sizeof a, "%s/one.%s", DIR_, ext[i]);
        snprintf(b, sizeof b, "%s/two.%s", DIR_, ext[i]);
        assert_int_equal(write_in_child(a, &f->in), ATT_OK);
        assert_int_equal(write_in_child(b, &f->in), ATT_OK);
        x = fixture_read_bytes(a, &nx);
        y = fixture_read_bytes(b, &ny);
        assert_int_equal(nx, ny);
        assert_memory_equal(x, y, nx);
        free(x);
        free(y);
    }
}

/* Where key first occurs in buf[0, n), or NULL (a PDF holds NUL bytes, so
 * no strstr). */
static const char *
find(const unsigned char *buf, size_t n, const char *key)
{
    size_t k = strlen(key), i;

    for (i = 0; i + k <= n; i++)
        if (memcmp(buf + i, key, k) == 0)
            return (const char *)buf + i;
    return NULL;
}

/* The PDF date after key ("/CreationDate"), as 14 digits, or "": cairo
 * 1.16 writes it without the "D:" of the PDF standard, later ones with. */
static void
pdf_date_of(const unsigned char *pdf, size_t n, const char *key, char *out)
{
    const char *s = find(pdf, n, key);

    out[0] = '\0';
    if (s == NULL)
        return;
    s += strlen(key);
    while (*s == ' ' || *s == '(')
        s++;
    if (strncmp(s, "D:", 2) == 0)
        s += 2;
    snprintf(out, 15, "%s", s);
}

/* The PDF's dates come from the digest: 0x3c seconds after 2000-01-01. */
static void
test_pdf_dates(void **state)
{
    plot_fixture *f = *state;
    cli_plot_input in = f->in;
    unsigned char *b;
    char date[16];
    size_t n;

    fixture_fresh_dir(DIR_);
    write_ok(DIR_ "/d.pdf", &in);
    b = fixture_read_bytes(DIR_ "/d.pdf", &n);
    pdf_date_of(b, n, "/CreationDate", date);
    assert_string_equal(date, "20000101000100");
    pdf_date_of(b, n, "/ModDate", date);
    assert_string_equal(date, "20000101000100");
    assert_non_null(find(b, n, "/Title (baseline: a test projection)"));
    free(b);

    /* 4,294,967,295 s mod 20 years: 508,055,295 s = 5880 days and
     * 23,295 s: 2016-02-06T06:28:15. */
    in.digest = "ffffffff";
    write_ok(DIR_ "/e.pdf", &in);
    b = fixture_read_bytes(DIR_ "/e.pdf", &n);
    pdf_date_of(b, n, "/CreationDate", date);
    assert_string_equal(date, "20160206062815");
    free(b);
}

static void
test_unknown_extension(void **state)
{
    const plot_fixture *f = *state;
    static const char *const bad[] = {DIR_ "/plot.txt", DIR_ "/plot", DIR_ "/x.svg/plot",
                                      DIR_ "/plot.svgz", DIR_ "/plot."};
    char want[1024];
    att_error err;
    size_t i;

    fixture_fresh_dir(DIR_);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(cli_plot_write(bad[i], &f->in, &err), ATT_EINVAL);
        assert_int_equal(err.code, ATT_EINVAL);
        snprintf(want, sizeof want, "expected a plot file ending .svg, .png or .pdf, found \"%s\"",
                 bad[i]);
        assert_string_equal(err.msg, want);
        assert_string_equal(err.path, bad[i]);
    }
    assert_int_equal(fixture_count_entries(DIR_), 0);
}

static void
test_missing_folder(void **state)
{
    const plot_fixture *f = *state;
    struct stat st;
    att_error err;

    fixture_fresh_dir(DIR_);
    assert_int_not_equal(cli_plot_write(DIR_ "/missing/plot.png", &f->in, &err), ATT_OK);
    assert_int_not_equal(err.code, ATT_OK);
    assert_true(stat(DIR_ "/missing", &st) != 0);
    assert_int_equal(fixture_count_entries(DIR_), 0);
}

typedef struct {
    int r, g, b;
} pixel;

static pixel
pixel_at(cairo_surface_t *s, int x, int y)
{
    const unsigned char *data = cairo_image_surface_get_data(s);
    uint32_t v;
    pixel p;

    memcpy(&v, data + (size_t)y * (size_t)cairo_image_surface_get_stride(s) + (size_t)x * 4,
           sizeof v);
    p.r = (int)(v >> 16 & 0xff);
    p.g = (int)(v >> 8 & 0xff);
    p.b = (int)(v & 0xff);
    return p;
}

/* The projected fans are blue; nothing else in the projection's columns
 * (phase shades, grid lines) is. */
static int
is_band(pixel p)
{
    return p.b > p.r + 30;
}

/* The light greys of the phases and the grid (or white). */
static int
is_shade(pixel p)
{
    return abs(p.r - p.g) <= 2 && abs(p.g - p.b) <= 2 && p.r >= 195;
}

/* Scans column x from top to bottom of a panel: the first and last band
 * pixels, and how many. */
static int
scan_band(cairo_surface_t *s, int x, int top, int bottom, int *first, int *last)
{
    int y, n = 0;

    *first = *last = -1;
    for (y = top + 2; y < bottom - 2; y++)
        if (is_band(pixel_at(s, x, y))) {
            if (*first < 0)
                *first = y;
            *last = y;
            n++;
        }
    return n;
}

static void
test_png_draws_the_bands(void **state)
{
    const plot_fixture *f = *state;
    cairo_surface_t *s;
    int x = PLOT_RIGHT - 20, first, last, n;
    int smid = (STRENGTH_TOP + STRENGTH_BOT) / 2, cmid = (CASUALTY_TOP + CASUALTY_BOT) / 2;

    fixture_fresh_dir(DIR_);
    write_ok(DIR_ "/p.png", &f->in);
    s = cairo_image_surface_create_from_png(DIR_ "/p.png");
    assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    assert_int_equal(cairo_image_surface_get_width(s), 1000);
    assert_int_equal(cairo_image_surface_get_height(s), 800);

    /* Strength near the end: 1,500-2,500 on an axis to at least 12,000
     * (the deployed reports): a band in the lower half, shade above it. */
    n = scan_band(s, x, STRENGTH_TOP, STRENGTH_BOT, &first, &last);
    assert_true(n >= 10);
    assert_true(first > smid);
    assert_true(last - first + 1 == n); /* one band, no gap */
    assert_true(is_band(pixel_at(s, x, (first + last) / 2)));
    assert_true(is_shade(pixel_at(s, x, STRENGTH_TOP + 50)));
    assert_false(is_band(pixel_at(s, x, STRENGTH_TOP + 50)));

    /* Casualties near the end: 7,500-12,500 on an axis not much above
     * 12,500: a band reaching into the upper half, shade above it. */
    n = scan_band(s, x, CASUALTY_TOP, CASUALTY_BOT, &first, &last);
    assert_true(n >= 10);
    assert_true(first < cmid);
    assert_true(last - first + 1 == n);
    assert_true(is_shade(pixel_at(s, x, first - 8)));

    /* Left of the fitted period's first date nothing is banded. */
    n = scan_band(s, 76, STRENGTH_TOP, STRENGTH_BOT, &first, &last);
    assert_int_equal(n, 0);
    cairo_surface_destroy(s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signatures),     cmocka_unit_test(test_same_bytes),
        cmocka_unit_test(test_pdf_dates),      cmocka_unit_test(test_unknown_extension),
        cmocka_unit_test(test_missing_folder), cmocka_unit_test(test_png_draws_the_bands),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
