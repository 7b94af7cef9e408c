/* test_plot.c -- `--plot`: each format starts with its signature, the same
 * input gives the same bytes, a bad extension or a missing folder leaves
 * no file, and the PNG has the bands where the numbers put them.  The
 * projection is made by hand (cli/plot.c only draws); the scenario and the
 * ledger are the shipped ones.  The same for `backtest --plot`
 * (cli_plot_backtest), with three origins made by hand and a small ledger
 * with every qualifier. */
#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <attrition/att_date.h>

#include "att_test.h"
#include "decade.h"
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
#define BACKTEST_TOP 64 /* the backtest's one panel */
#define BACKTEST_BOT 712

#define NLEVELS ((size_t)5)

/* The backtest: three origins, each projected over 40 weeks. */
#define NORIGIN ((size_t)3)
#define NWEEKS  ((size_t)40)

/* Casualties, 5% and 95%, as factors of the median. */
#define BT_LO 0.8
#define BT_HI 1.25

/* The ramp's colours at the oldest, middle and newest origins (cli/plot.c's
 * viridis), 0-255. */
static const int origin_rgb[NORIGIN][3] = {{94, 201, 98}, {46, 114, 139}, {68, 1, 84}};

/* Casualty figures of every qualifier and class, a repeat, and two reports
 * no backtest panel shows (strength, rate). */
#define BT_LEDGER                                                                              \
    "id,statement_date,asof_start,asof_end,source,source_class,kind,qualifier,value,low,high," \
    "quote,doc,repeat_of\n"                                                                    \
    "c1,2024-12-31,2024-12-21,2024-12-31,W,us_gov,casualties,approx,1000,,,q,d,\n"             \
    "c2,2024-12-31,2024-12-21,2024-12-31,Z,ua_gov,casualties,approx,3000,,,q,d,\n"             \
    "c3,2025-02-12,2025-02-01,2025-02-10,K,kr_gov,casualties,range,,2000,5000,q,d,\n"          \
    "c4,2025-07-02,2025-06-01,2025-06-30,M,media,casualties,at_least,6000,,,q,d,\n"            \
    "c5,2025-09-02,2025-08-01,2025-08-31,T,think_tank,casualties,up_to,9000,,,q,d,\n"          \
    "c6,2025-01-03,2024-12-21,2024-12-31,Z,ua_gov,casualties,approx,3000,,,q,d,c2\n"           \
    "s1,2025-03-01,2025-03-01,2025-03-01,K,ua_gov,strength,approx,8000,,,q,d,\n"               \
    "r1,2025-01-31,2024-12-06,2025-01-15,T,think_tank,rate,approx,92,,,q,d,\n"

/* The factors of the median that make the five levels' values. */
static const double spread[NLEVELS] = {0.75, 0.9, 1.0, 1.1, 1.25};

/* A backtest origin's arrays, owned by the test (cli_backtest_fan's are
 * const). */
typedef struct {
    int32_t *dates;
    double *q05, *q50, *q95;
} fan_arrays;

typedef struct {
    att_params *p;
    att_ledger *l;
    att_projection proj;
    cli_plot_input in;
    att_ledger *bt_l; /* BT_LEDGER */
    fan_arrays arr[NORIGIN];
    cli_backtest_fan fan[NORIGIN];
    cli_backtest_plot_input bt;
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

/* Origin i of the backtest: 2025-01-15, 2025-03-01, 2025-05-01, each over
 * 40 weeks from the next day, its median rising linearly to 9,000, 10,000
 * and 12,000; the newest ends last.  The oldest has a NaN and an
 * infinity, which must be skipped. */
static void
make_fan(fan_arrays *a, cli_backtest_fan *fan, size_t i)
{
    static const int month[NORIGIN] = {1, 3, 5}, day[NORIGIN] = {15, 1, 1};
    static const double from[NORIGIN] = {1500, 2500, 4000}, to[NORIGIN] = {9000, 10000, 12000};
    int32_t *d = malloc(NWEEKS * sizeof *d);
    double *q05 = malloc(NWEEKS * sizeof *q05), *q50 = malloc(NWEEKS * sizeof *q50),
           *q95 = malloc(NWEEKS * sizeof *q95);
    size_t k;

    assert_true(d != NULL && q05 != NULL && q50 != NULL && q95 != NULL);
    a->dates = d;
    a->q05 = q05;
    a->q50 = q50;
    a->q95 = q95;
    fan->origin = att_date_from_ymd(2025, month[i], day[i]);
    for (k = 0; k < NWEEKS; k++) {
        d[k] = fan->origin + 1 + 7 * (int32_t)k;
        q50[k] = ramp(from[i], to[i], k, NWEEKS);
        q05[k] = BT_LO * q50[k];
        q95[k] = BT_HI * q50[k];
    }
    if (i == 0) {
        q50[5] = (double)NAN;
        q05[7] = -HUGE_VAL;
        q95[8] = HUGE_VAL;
    }
    fan->n = NWEEKS;
    fan->dates = d;
    fan->q05 = q05;
    fan->q50 = q50;
    fan->q95 = q95;
}

static void
free_fan(fan_arrays *a)
{
    free(a->dates);
    free(a->q05);
    free(a->q50);
    free(a->q95);
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
    if (att_ledger_parse("bt.csv", BT_LEDGER, strlen(BT_LEDGER), cls, f->p->nclass, &f->bt_l,
                         &err) != ATT_OK)
        fail_msg("%s", att_error_format(&err, msg, sizeof msg));
    for (i = 0; i < NORIGIN; i++)
        make_fan(&f->arr[i], &f->fan[i], i);
    f->bt.title = "backtest: a test";
    f->bt.p = f->p;
    f->bt.l = f->bt_l;
    f->bt.nfan = NORIGIN;
    f->bt.fan = f->fan;
    f->bt.digest = "0000003cdeadbeef";
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    plot_fixture *f = *state;
    size_t i;

    for (i = 0; i < NORIGIN; i++)
        free_fan(&f->arr[i]);
    att_ledger_free(f->bt_l);
    free_projection(&f->proj);
    att_ledger_free(f->l);
    att_params_free(f->p);
    free(f);
    cli_plot_release();
    return 0;
}

/* The projection's chart of in, or the backtest's of bt where in is NULL. */
static att_status
plot_either(const char *path,
            const cli_plot_input *in,
            const cli_backtest_plot_input *bt,
            att_error *err)
{
    return in != NULL ? cli_plot_write(path, in, err) : cli_plot_backtest(path, bt, err);
}

static void
plot_ok(const char *path, const cli_plot_input *in, const cli_backtest_plot_input *bt)
{
    att_error err;
    char msg[1200];

    if (plot_either(path, in, bt, &err) != ATT_OK)
        fail_msg("%s", att_error_format(&err, msg, sizeof msg));
}

static void
write_ok(const char *path, const cli_plot_input *in)
{
    plot_ok(path, in, NULL);
}

static void
backtest_ok(const char *path, const cli_backtest_plot_input *bt)
{
    plot_ok(path, NULL, bt);
}

/* plot_either in a child process: cairo numbers SVG elements with
 * per-process counters, so a second plot in one process would differ in
 * its ids; every child starts from the same state. */
static att_status
plot_in_child(const char *path, const cli_plot_input *in, const cli_backtest_plot_input *bt)
{
    pid_t pid;
    int status;

    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        att_error err;
        att_status st = plot_either(path, in, bt, &err);
        cli_plot_release();
        _exit((int)st);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    return (att_status)WEXITSTATUS(status);
}

/* Each format's signature, whatever the extension's case; the NaN and the
 * infinities of the input were skipped; no temporary file is left. */
static void
check_signatures(const cli_plot_input *in, const cli_backtest_plot_input *bt)
{
    static const unsigned char png_magic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    unsigned char *b;
    size_t n;

    fixture_fresh_dir(DIR_);
    plot_ok(DIR_ "/a.png", in, bt);
    b = fixture_read_bytes(DIR_ "/a.png", &n);
    assert_true(n > 8 && memcmp(b, png_magic, 8) == 0);
    free(b);

    plot_ok(DIR_ "/a.pdf", in, bt);
    b = fixture_read_bytes(DIR_ "/a.pdf", &n);
    assert_memory_equal(b, "%PDF-", 5);
    free(b);

    plot_ok(DIR_ "/a.svg", in, bt);
    b = fixture_read_bytes(DIR_ "/a.svg", &n);
    assert_memory_equal(b, "<?xml", 5);
    assert_non_null(strstr((char *)b, "<svg"));
    assert_non_null(strstr((char *)b, "width=\"1000pt\""));
    assert_null(strstr((char *)b, "nan"));
    assert_null(strstr((char *)b, "inf"));
    free(b);

    plot_ok(DIR_ "/b.PNG", in, bt);
    b = fixture_read_bytes(DIR_ "/b.PNG", &n);
    assert_true(n > 8 && memcmp(b, png_magic, 8) == 0);
    free(b);
    assert_int_equal(fixture_count_entries(DIR_), 4);
}

static void
test_signatures(void **state)
{
    const plot_fixture *f = *state;

    check_signatures(&f->in, NULL);
}

static void
test_backtest_signatures(void **state)
{
    const plot_fixture *f = *state;

    check_signatures(NULL, &f->bt);
}

/* Two writes of each format, each in a fresh process, give the same
 * bytes. */
static void
check_same_bytes(const cli_plot_input *in, const cli_backtest_plot_input *bt)
{
    static const char *const ext[] = {"svg", "png", "pdf"};
    char a[256], b[256];
    unsigned char *x, *y;
    size_t i, nx, ny;

    fixture_fresh_dir(DIR_);
    for (i = 0; i < 3; i++) {
        snprintf(a, sizeof a, "%s/one.%s", DIR_, ext[i]);
        snprintf(b, sizeof b, "%s/two.%s", DIR_, ext[i]);
        assert_int_equal(plot_in_child(a, in, bt), ATT_OK);
        assert_int_equal(plot_in_child(b, in, bt), ATT_OK);
        x = fixture_read_bytes(a, &nx);
        y = fixture_read_bytes(b, &ny);
        assert_int_equal(nx, ny);
        assert_memory_equal(x, y, nx);
        free(x);
        free(y);
    }
}

static void
test_same_bytes(void **state)
{
    const plot_fixture *f = *state;

    check_same_bytes(&f->in, NULL);
}

static void
test_backtest_same_bytes(void **state)
{
    const plot_fixture *f = *state;

    check_same_bytes(NULL, &f->bt);
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

/* ATT_EINVAL naming the known extensions, and no file. */
static void
check_unknown_extension(const cli_plot_input *in, const cli_backtest_plot_input *bt)
{
    static const char *const bad[] = {DIR_ "/plot.txt", DIR_ "/plot", DIR_ "/x.svg/plot",
                                      DIR_ "/plot.svgz", DIR_ "/plot."};
    char want[1024];
    att_error err;
    size_t i;

    fixture_fresh_dir(DIR_);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(plot_either(bad[i], in, bt, &err), ATT_EINVAL);
        assert_int_equal(err.code, ATT_EINVAL);
        snprintf(want, sizeof want, "expected a plot file ending .svg, .png or .pdf, found \"%s\"",
                 bad[i]);
        assert_string_equal(err.msg, want);
        assert_string_equal(err.path, bad[i]);
    }
    assert_int_equal(fixture_count_entries(DIR_), 0);
}

static void
test_unknown_extension(void **state)
{
    const plot_fixture *f = *state;

    check_unknown_extension(&f->in, NULL);
}

static void
test_backtest_unknown_extension(void **state)
{
    const plot_fixture *f = *state;

    check_unknown_extension(NULL, &f->bt);
}

/* No input, or origins without their array: ATT_EINVAL and no file.  No
 * origin at all still draws the reports. */
static void
test_backtest_bad_input(void **state)
{
    const plot_fixture *f = *state;
    cli_backtest_plot_input bt = f->bt;
    att_error err;

    fixture_fresh_dir(DIR_);
    assert_int_equal(cli_plot_backtest(DIR_ "/a.png", NULL, &err), ATT_EINVAL);
    assert_int_equal(err.code, ATT_EINVAL);
    bt.fan = NULL;
    assert_int_equal(cli_plot_backtest(DIR_ "/a.png", &bt, &err), ATT_EINVAL);
    assert_int_equal(fixture_count_entries(DIR_), 0);
    bt.nfan = 0;
    backtest_ok(DIR_ "/a.png", &bt);
    assert_int_equal(fixture_count_entries(DIR_), 1);
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

/* Dark grey ink (cli/plot.c's 0.15), or a thin ink line anti-aliased over
 * the light shades: the group medians' dashes. */
static int
is_ink(pixel p)
{
    return p.r < 160 && abs(p.r - p.g) <= 12 && abs(p.g - p.b) <= 12;
}

/* Rows of ink below the strength band in the projection's columns
 * (x from PLOT_RIGHT - 60 to PLOT_RIGHT - 10): the dashed group lines. */
static int
ink_below_band(cairo_surface_t *s)
{
    int x, y, first, last, n = 0;

    for (x = PLOT_RIGHT - 60; x < PLOT_RIGHT - 10; x++) {
        if (scan_band(s, x, STRENGTH_TOP, STRENGTH_BOT, &first, &last) == 0)
            continue;
        for (y = last + 3; y < STRENGTH_BOT - 3; y++)
            n += is_ink(pixel_at(s, x, y));
    }
    return n;
}

/* A projection with a group: its median (1,000 troops, below the
 * force's band) drawn dashed in ink; none without groups. */
static void
test_png_draws_group_medians(void **state)
{
    const plot_fixture *f = *state;
    att_projection r = f->proj;
    cli_plot_input in = f->in;
    double *gq[ATT_SERIES_COUNT];
    cairo_surface_t *s;
    size_t k, i;

    for (k = 0; k < ATT_SERIES_COUNT; k++) {
        gq[k] = alloc_q(r.ndates);
        for (i = 0; i < r.ndates * NLEVELS; i++)
            gq[k][i] = k == ATT_SERIES_STRENGTH ? 1000.0 : 500.0;
        r.gq[k] = gq[k];
    }
    r.ngroup = 1;
    in.proj = &r;
    fixture_fresh_dir(DIR_);
    write_ok(DIR_ "/none.png", &f->in);
    s = cairo_image_surface_create_from_png(DIR_ "/none.png");
    assert_int_equal(ink_below_band(s), 0);
    cairo_surface_destroy(s);
    write_ok(DIR_ "/g.png", &in);
    s = cairo_image_surface_create_from_png(DIR_ "/g.png");
    assert_true(ink_below_band(s) >= 20);
    cairo_surface_destroy(s);
    for (k = 0; k < ATT_SERIES_COUNT; k++)
        free(gq[k]);
}

/* Whether p is within tol of c (0-255) in every channel. */
static int
near_colour(pixel p, const int c[3], int tol)
{
    return abs(p.r - c[0]) <= tol && abs(p.g - c[1]) <= tol && abs(p.b - c[2]) <= tol;
}

/* ---- the per-day and share panels ------------------------------------------ */

/* Their plot areas on a page of four panels (cli/plot.c's layout). */
#define PER_DAY_TOP 760
#define PER_DAY_BOT 960
#define SHARE_TOP   1008
#define SHARE_BOT   1208

/* The first class's colour (Okabe-Ito orange, 230 159 0), also where a
 * thin line blends it with the light shades; nothing else drawn there is
 * red far above blue. */
static int
is_orange(pixel p)
{
    return p.r > 150 && p.r - p.b > 90;
}

/* Three figures of the first class: 60 a day over the 40 days from 1
 * December, 2,400 over the 120 days from 1 February (20 a day), and a
 * share of 0.5. */
#define VIEW_LEDGER_FMT                                                                        \
    "id,statement_date,asof_start,asof_end,source,source_class,kind,qualifier,value,low,high," \
    "quote,doc,repeat_of,measure\n"                                                            \
    "r1,2025-01-09,2024-12-01,2025-01-09,T,%s,rate,approx,60,,,q,d,,\n"                        \
    "p1,2025-05-31,2025-02-01,2025-05-31,T,%s,casualties,approx,2400,,,q,d,,period\n"          \
    "f1,2025-04-01,2025-04-01,2025-04-01,T,%s,fraction,approx,0.5,,,q,d,,\n"

/* Row by row within [top, bottom): the widest spread of the first class's
 * colour (rightmost minus leftmost x), the row's y in the middle of the
 * widest rows, and their ends.  Rows within `skip` of y_skip are passed
 * over (0: none). */
static int
widest_rows(cairo_surface_t *s, int top, int bottom, int y_skip, int skip, int *xa, int *xb)
{
    int y, x, best = -1, y_first = -1, y_last = -1;

    for (y = top + 2; y < bottom - 2; y++) {
        int lo = -1, hi = -1;
        if (skip > 0 && abs(y - y_skip) <= skip)
            continue;
        for (x = 74; x < PLOT_RIGHT - 2; x++)
            if (is_orange(pixel_at(s, x, y))) {
                if (lo < 0)
                    lo = x;
                hi = x;
            }
        if (lo < 0)
            continue;
        if (hi - lo > best) {
            best = hi - lo;
            y_first = y_last = y;
            *xa = lo;
            *xb = hi;
        } else if (hi - lo == best && y == y_last + 1) {
            y_last = y;
        }
    }
    return best < 0 ? -1 : (y_first + y_last) / 2;
}

/* With views the page grows by two panels.  Casualties per day: a rate
 * and a period's total (divided by its 120 days) each a bar over its
 * window, their heights (60 : 20), lengths (40 : 120 days) and left ends
 * (62 days apart) in proportion, whatever the axes' scales.  The
 * share: the fraction 0.5 at the fitted band's top (0.4 x 1.25). */
static void
test_png_draws_per_day_and_share(void **state)
{
    const plot_fixture *f = *state;
    att_projection r = f->proj;
    cli_plot_input in = f->in;
    const char *c0 = f->p->classes[0].name;
    char text[1024], msg[1200];
    att_ledger *l = NULL;
    att_error err;
    const char *cls[64];
    double *rate = alloc_q(r.ndates), *hrate = alloc_q(r.nhist), *share = alloc_q(r.ndates),
           *hshare = alloc_q(r.nhist);
    cairo_surface_t *s;
    int ra = 0, rb = 0, pa = 0, pb = 0, fa = 0, fb = 0, y_rate, y_period, y_frac, y, x;
    size_t i;

    for (i = 0; i < f->p->nclass; i++)
        cls[i] = f->p->classes[i].name;
    snprintf(text, sizeof text, VIEW_LEDGER_FMT, c0, c0, c0);
    if (att_ledger_parse("v.csv", text, strlen(text), cls, f->p->nclass, &l, &err) != ATT_OK)
        fail_msg("%s", att_error_format(&err, msg, sizeof msg));
    /* No fitted fan per day (NaN, skipped): only the reports are coloured
     * there. */
    for (i = 0; i < r.nhist * NLEVELS; i++)
        hrate[i] = (double)NAN;
    fill_series(rate, r.ndates - 1, 30, 30);
    fill_series(share, r.ndates, 0.4, 0.4);
    fill_series(hshare, r.nhist, 0.4, 0.4);
    r.rate_q = rate;
    r.hist_rate_q = hrate;
    r.share_q = share;
    r.hist_share_q = hshare;
    in.proj = &r;
    in.l = l;
    fixture_fresh_dir(DIR_);
    write_ok(DIR_ "/v.png", &in);
    s = cairo_image_surface_create_from_png(DIR_ "/v.png");
    assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    assert_int_equal(cairo_image_surface_get_height(s), 800 + 2 * 248);

    y_period = widest_rows(s, PER_DAY_TOP, PER_DAY_BOT, 0, 0, &pa, &pb);
    y_rate = widest_rows(s, PER_DAY_TOP, PER_DAY_BOT, y_period, 8, &ra, &rb);
    assert_true(y_period > 0 && y_rate > 0);
    assert_true(y_rate < y_period); /* 60 above 20 */
    att_assert_close((double)(PER_DAY_BOT - y_rate) / (PER_DAY_BOT - y_period), 3.0, 0.0, 0.1);
    att_assert_close((double)(pb - pa) / (rb - ra), 3.0, 0.0, 0.12);
    att_assert_close((double)(pa - ra) / (rb - ra), 1.55, 0.0, 0.1);

    /* The share's marker: the middle of its orange rows is the fitted
     * band's top a few pixels to its left. */
    y_frac = widest_rows(s, SHARE_TOP, SHARE_BOT, 0, 0, &fa, &fb);
    assert_true(y_frac > 0);
    x = fa - 6;
    for (y = SHARE_TOP + 26; y < SHARE_BOT && is_shade(pixel_at(s, x, y)); y++)
        ;
    assert_true(abs(y - y_frac) <= 2);
    cairo_surface_destroy(s);

    /* Without views the same ledger leaves the page at two panels. */
    r.rate_q = r.hist_rate_q = r.share_q = r.hist_share_q = NULL;
    write_ok(DIR_ "/n.png", &in);
    s = cairo_image_surface_create_from_png(DIR_ "/n.png");
    assert_int_equal(cairo_image_surface_get_height(s), 800);
    cairo_surface_destroy(s);
    att_ledger_free(l);
    free(rate);
    free(hrate);
    free(share);
    free(hshare);
}

/* The newest origin's faint band over the phases' greys: red and blue
 * above green (the greys have all three equal). */
static int
is_violet_tint(pixel p)
{
    return p.g >= 150 && p.b - p.g >= 5 && p.r - p.g >= 3;
}

/* The first x in row y, left to right, whose pixel is near c; -1 if none. */
static int
find_in_row(cairo_surface_t *s, int y, const int c[3])
{
    int x;

    for (x = 74; x < PLOT_RIGHT - 2; x++)
        if (near_colour(pixel_at(s, x, y), c, 30))
            return x;
    return -1;
}

static void
test_png_draws_the_origins(void **state)
{
    const plot_fixture *f = *state;
    cairo_surface_t *s;
    int x = PLOT_RIGHT - 20, y, line_first = -1, line_last = -1, band_first = -1, band_last = -1;
    int tick[NORIGIN], n[NORIGIN] = {0, 0, 0}, line_start = -1;
    double yl, bot = BACKTEST_BOT;
    size_t i;

    fixture_fresh_dir(DIR_);
    backtest_ok(DIR_ "/o.png", &f->bt);
    s = cairo_image_surface_create_from_png(DIR_ "/o.png");
    assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    assert_int_equal(cairo_image_surface_get_width(s), 1000);

    /* Near the right edge only the newest origin's projection is drawn:
     * its median, dark violet, inside its faint band. */
    for (y = BACKTEST_TOP + 2; y < BACKTEST_BOT - 2; y++) {
        pixel p = pixel_at(s, x, y);
        int line = near_colour(p, origin_rgb[NORIGIN - 1], 40);
        if (line) {
            if (line_first < 0)
                line_first = y;
            line_last = y;
        }
        if (line || is_violet_tint(p)) {
            if (band_first < 0)
                band_first = y;
            band_last = y;
        }
    }
    assert_true(line_first > 0 && line_last - line_first <= 3);
    assert_true(band_first < line_first - 20 && band_last > line_last + 20);
    /* The axis starts at 0 at the panel's bottom edge, so the median, 5%
     * and 95% are in proportion there whatever the axis's top. */
    yl = 0.5 * (line_first + line_last);
    att_assert_close((bot - yl) / (bot - band_first), 1.0 / BT_HI, 0.0, 0.02);
    att_assert_close((bot - band_last) / (bot - yl), BT_LO, 0.0, 0.02);
    /* Far above the band, the phases' grey. */
    assert_true(band_first - 30 > BACKTEST_TOP + 30);
    assert_true(is_shade(pixel_at(s, x, band_first - 30)));
    assert_true(is_shade(pixel_at(s, x, BACKTEST_TOP + 30)));

    /* Every origin's colour is drawn (median and tick); the newest median
     * starts where its tick is (a day later). */
    for (x = 74; x < PLOT_RIGHT - 2; x++)
        for (y = BACKTEST_TOP + 2; y < BACKTEST_BOT - 2; y++)
            for (i = 0; i < NORIGIN; i++)
                if (near_colour(pixel_at(s, x, y), origin_rgb[i], 20)) {
                    if (i == NORIGIN - 1 && y < BACKTEST_BOT - 15 && line_start < 0)
                        line_start = x;
                    n[i]++;
                }
    for (i = 0; i < NORIGIN; i++)
        assert_true(n[i] >= 150);

    /* The ticks at the bottom edge: in the origins' order, spaced as their
     * dates (45 then 61 days). */
    for (i = 0; i < NORIGIN; i++) {
        tick[i] = find_in_row(s, BACKTEST_BOT - 4, origin_rgb[i]);
        assert_true(tick[i] > 0);
    }
    assert_true(tick[0] < tick[1] && tick[1] < tick[2]);
    att_assert_close((double)(tick[1] - tick[0]) / (tick[2] - tick[0]), 45.0 / 106.0, 0.0, 0.015);
    assert_true(line_start >= tick[2] - 1 && line_start <= tick[2] + 4);
    cairo_surface_destroy(s);
}

/* cli_decade: the power of ten at or below x, exactly the double a
 * literal gives on both sides of 1 and at the boundaries, and within a few
 * roundings of it beyond 10^22 (the products round there). */
static void
test_decade(void **state)
{
    static const struct {
        double x, pow;
        int e;
    } c[] = {{1.0, 1.0, 0},    {9.999, 1.0, 0},  {10.0, 10.0, 1},   {999.0, 100.0, 2},
             {1000.0, 1e3, 3}, {0.5, 0.1, -1},   {0.1, 0.1, -1},    {0.0999, 0.01, -2},
             {0.05, 0.01, -2}, {3e-7, 1e-7, -7}, {2.5e25, 1e25, 25}};
    size_t i;
    double p;

    (void)state;
    for (i = 0; i < sizeof c / sizeof c[0]; i++) {
        assert_int_equal(cli_decade(c[i].x, &p), c[i].e);
        att_assert_close(p, c[i].pow, c[i].pow > 1e22 ? 1e-15 : 0.0, 0.0);
    }
}

/* cli_round_up: the smallest step times the decade at or above x, with x
 * on a step (kept), just above one (the next), and past the last step of
 * its decade (10 times the decade). */
static void
test_round_up(void **state)
{
    static const double ticks[] = {1.0, 2.0, 2.5, 5.0, 10.0};
    static const struct {
        double x, want;
    } c[] = {{1.0, 1.0},     {1.01, 2.0},  {2.0, 2.0},    {2.01, 2.5},
             {2.6, 5.0},     {5.01, 10.0}, {9.99, 10.0},  {250.0, 250.0},
             {251.0, 500.0}, {0.03, 0.05}, {0.0123, 0.02}};
    size_t i;

    (void)state;
    for (i = 0; i < sizeof c / sizeof c[0]; i++)
        att_assert_close(cli_round_up(c[i].x, ticks, 5), c[i].want, 1e-15, 0.0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decade),
        cmocka_unit_test(test_round_up),
        cmocka_unit_test(test_signatures),
        cmocka_unit_test(test_same_bytes),
        cmocka_unit_test(test_pdf_dates),
        cmocka_unit_test(test_unknown_extension),
        cmocka_unit_test(test_missing_folder),
        cmocka_unit_test(test_png_draws_the_bands),
        cmocka_unit_test(test_png_draws_group_medians),
        cmocka_unit_test(test_png_draws_per_day_and_share),
        cmocka_unit_test(test_backtest_signatures),
        cmocka_unit_test(test_backtest_same_bytes),
        cmocka_unit_test(test_backtest_unknown_extension),
        cmocka_unit_test(test_backtest_bad_input),
        cmocka_unit_test(test_png_draws_the_origins),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
