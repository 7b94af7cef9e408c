/* plot.c -- `--plot FILE.svg|.png|.pdf`: stacked fan charts (strength,
 * cumulative casualties, and where the ledger has such figures casualties
 * per day and casualties as a share of the troops deployed) over the
 * fitted period and the projection, with the ledger's reports, the phases
 * and a legend, drawn with cairo; and
 * `backtest --plot`: one panel of cumulative casualties with the median
 * projection made at each origin.  One drawing routine per chart serves
 * the three formats; the bytes depend only on the input (the PDF's dates
 * come from the input digest).  No numerics here beyond placing things:
 * every number comes from the library. */
#include "plot.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <attrition/att_date.h>
#include <attrition/att_output.h>

#include "decade.h"

/* The page, in pixels (PNG) or points (SVG, PDF): 800 high with two
 * panels, PLOT_EXTRA_H more for each smaller panel below them. */
#define PLOT_W       1000
#define PLOT_H       800
#define PLOT_EXTRA_H 248.0
#define PLOT_SMALL_H 200.0 /* the plot area of a smaller panel */

/* Layout: the plot areas of the panels share their left and right edges;
 * the legend is a column to their right, the caption below them (at
 * PLOT_CAPTION_Y on a page of two panels). */
#define PLOT_LEFT      72.0
#define PLOT_RIGHT     760.0
#define PLOT_LEGEND_X  778.0
#define PLOT_CAPTION_Y 752.0
#define PLOT_FONT      "DejaVu Sans"
#define PLOT_TWO_PI    6.283185307179586

/* 20 years in seconds (2000-2019, five leap days): the span of the PDF's
 * fixed dates. */
#define PLOT_DATE_SPAN (7305L * 86400L)

typedef enum { FMT_SVG, FMT_PNG, FMT_PDF, FMT_NONE } plot_format;

typedef struct {
    double r, g, b;
} rgb;

/* Okabe-Ito: told apart with every common colour-vision deficiency.  Black
 * last, so that it goes to a ninth class only when eight are used. */
static const rgb class_palette[] = {
    {0.902, 0.624, 0.000}, /* orange */
    {0.337, 0.706, 0.914}, /* sky blue */
    {0.000, 0.620, 0.451}, /* bluish green */
    {0.941, 0.894, 0.259}, /* yellow */
    {0.000, 0.447, 0.698}, /* blue */
    {0.835, 0.369, 0.000}, /* vermillion */
    {0.800, 0.475, 0.655}, /* reddish purple */
    {0.000, 0.000, 0.000}, /* black */
};
#define PLOT_NPALETTE (sizeof class_palette / sizeof class_palette[0])

typedef struct {
    rgb outer, inner, median;
} fan_style;

/* The fitted period in muted violet, the projection in blue: told apart
 * without the start line, and neither a class colour's twin. */
static const fan_style fitted_style = {
    {0.870, 0.855, 0.925}, {0.705, 0.680, 0.835}, {0.300, 0.260, 0.480}};
static const fan_style projected_style = {
    {0.800, 0.870, 0.950}, {0.560, 0.700, 0.870}, {0.040, 0.200, 0.450}};
static const rgb phase_shade[2] = {{0.955, 0.955, 0.955}, {0.905, 0.905, 0.905}};
static const rgb ink = {0.15, 0.15, 0.15};
static const rgb paper = {1.0, 1.0, 1.0};
static const rgb grey_text = {0.35, 0.35, 0.35};
static const rgb grid_line = {0.80, 0.80, 0.80};

typedef enum { MARK_CIRCLE, MARK_DIAMOND, MARK_TRIANGLE, MARK_SQUARE } mark_shape;

/* The panels, top to bottom; a report is drawn on one of them. */
enum {
    PANEL_STRENGTH,   /* N, and D's reports (an upper bound on N) */
    PANEL_CASUALTIES, /* cumulative C; K and C - K reports beside it */
    PANEL_PER_DAY,    /* casualties per day: rates, daily and period figures over a window */
    PANEL_SHARE,      /* C / D: fractions */
    PANEL_COUNT
};

/* Which levels make the bands: indices into proj->levels, ATT_NONE where
 * absent. */
typedef struct {
    size_t lo, hi;       /* the outermost pair: the wide band */
    size_t in_lo, in_hi; /* 25 and 75, when present and not the outer pair */
    size_t med;          /* 50 */
} band_levels;

/* What every drawing step needs: the input and the x axis.  Exactly one
 * of r (cli_plot_write) and bt (cli_plot_backtest) is set. */
typedef struct plot_ctx plot_ctx;
struct plot_ctx {
    const char *title;                 /* the page's title, and the PDF's */
    const char *digest;                /* fixes the PDF's dates */
    const att_params *p;               /* phases, or NULL */
    const att_ledger *l;               /* reports, or NULL */
    const att_projection *r;           /* the projection's two panels */
    const cli_backtest_plot_input *bt; /* the backtest's origins */
    band_levels lv;
    double x0, x1;            /* days at the left and right edges of the plot areas */
    int32_t start;            /* first projected day */
    bool shown[PANEL_COUNT];  /* the panels on the page */
    double height, caption_y; /* the page's height, the caption's first line */
    void (*draw)(cairo_t *cr, const plot_ctx *c); /* the page */
};

typedef struct {
    int which; /* PANEL_* */
    att_series series;
    const char *title;
    double top, bottom; /* the plot area, page units */
    double ymax, ystep; /* the y axis runs from 0 to ymax in steps of ystep */
} panel;

/* A fan's points: part 0 then part 1 (the fitted period is followed by the
 * projection's first date so that the two fans meet).  Point k of a part
 * at level j is q[part][k * nlevels + j]; where q[0] is NULL (a backtest's
 * fan, one part) it is level[j][k] instead.  A view of steps (mid) has a
 * point per step between consecutive dates of d[0] then d[1], at the
 * step's middle, its values all in q[0]. */
typedef struct {
    const int32_t *d[2];
    const double *q[2];
    size_t n[2];
    size_t nlevels;
    const double *level[3];
    bool mid;
} fan_view;

/* ---- small helpers -------------------------------------------------------- */

static void
fail(att_error *err, att_status code, const char *path, const char *msg)
{
    if (err == NULL)
        return;
    att_error_clear(err);
    err->code = code;
    snprintf(err->path, sizeof err->path, "%s", path ? path : "");
    snprintf(err->msg, sizeof err->msg, "%s", msg);
}

/* Whether s is ext (lower case) in either case. */
static bool
same_ext(const char *s, const char *ext)
{
    for (; *ext != '\0'; s++, ext++)
        if (*s != *ext && *s != *ext - ('a' - 'A'))
            return false;
    return *s == '\0';
}

static plot_format
format_of(const char *path)
{
    static const char *const ext[] = {"svg", "png", "pdf"};
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
    size_t i;

    if (dot == NULL || (slash != NULL && dot < slash))
        return FMT_NONE;
    for (i = 0; i < 3; i++)
        if (same_ext(dot + 1, ext[i]))
            return (plot_format)i;
    return FMT_NONE;
}

static void
set_rgb(cairo_t *cr, rgb c)
{
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

static void
font(cairo_t *cr, double size, bool bold)
{
    cairo_select_font_face(cr, PLOT_FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

static double
text_width(cairo_t *cr, const char *s)
{
    cairo_text_extents_t e;

    cairo_text_extents(cr, s, &e);
    return e.x_advance;
}

/* s with its baseline at y; align 0 puts its left end at x, 0.5 its middle,
 * 1 its right end. */
static void
text_at(cairo_t *cr, double x, double y, const char *s, double align)
{
    cairo_move_to(cr, x - align * text_width(cr, s), y);
    cairo_show_text(cr, s);
}

/* A tick value: whole numbers with thousands separators ("12,000"), finer
 * steps with as many decimals as the step needs. */
static void
tick_label(double v, double step, char *buf, size_t n)
{
    char digits[32];
    size_t len, i, o = 0;
    long long x;

    if (step < 1.0) {
        double unused;
        /* 0.25 and 0.1 take one decimal, 0.05 two (step * (1 + 1e-9):
         * a step of 0.1 may be computed a hair below it). */
        int dec = -cli_decade(step * (1.0 + 1e-9), &unused);
        snprintf(buf, n, "%.*f", dec, v);
        return;
    }
    x = (long long)llround(v);
    if (x < 0 && o + 1 < n)
        buf[o++] = '-';
    snprintf(digits, sizeof digits, "%lld", x < 0 ? -x : x);
    len = strlen(digits);
    for (i = 0; i < len && o + 2 < n; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
}

/* 1, 2, 2.5 or 5 times a power of ten, near range / ticks. */
static double
nice_step(double range, int ticks)
{
    static const double steps[] = {1.0, 2.0, 2.5, 5.0, 10.0};

    return cli_round_up(range / ticks, steps, sizeof steps / sizeof steps[0]);
}

/* "25" for 25, "2.5" for 2.5: a level as the legend shows it. */
static void
level_text(double level, char *buf, size_t n)
{
    snprintf(buf, n, "%g", level);
}

/* ---- the data ------------------------------------------------------------- */

static size_t
level_index(const att_projection *r, double level)
{
    size_t j;

    for (j = 0; j < r->nlevels; j++)
        if (r->levels[j] == level)
            return j;
    return ATT_NONE;
}

static band_levels
find_levels(const att_projection *r)
{
    band_levels b = {ATT_NONE, ATT_NONE, ATT_NONE, ATT_NONE, ATT_NONE};

    if (r->nlevels >= 2 && r->levels[0] < r->levels[r->nlevels - 1]) {
        b.lo = 0;
        b.hi = r->nlevels - 1;
    }
    b.in_lo = level_index(r, 25.0);
    b.in_hi = level_index(r, 75.0);
    if (b.in_lo == ATT_NONE || b.in_hi == ATT_NONE || (b.in_lo == b.lo && b.in_hi == b.hi))
        b.in_lo = b.in_hi = ATT_NONE;
    b.med = level_index(r, 50.0);
    return b;
}

/* Panel pn's values over the fitted period and over the projection. */
static void
panel_values(const att_projection *r, const panel *pn, const double **hist, const double **proj)
{
    switch (pn->which) {
    case PANEL_PER_DAY:
        *hist = r->hist_rate_q;
        *proj = r->rate_q;
        break;
    case PANEL_SHARE:
        *hist = r->hist_share_q;
        *proj = r->share_q;
        break;
    default:
        *hist = r->hist_q[pn->series];
        *proj = r->q[pn->series];
        break;
    }
}

/* The fitted period's fan, joined to the projection's first point (for
 * the per-day panel, the last fitted step ends at the start). */
static fan_view
fitted_view(const att_projection *r, const panel *pn)
{
    const double *hist, *proj;
    fan_view v;

    memset(&v, 0, sizeof v);
    v.nlevels = r->nlevels;
    v.mid = pn->which == PANEL_PER_DAY;
    panel_values(r, pn, &hist, &proj);
    if (r->nhist == 0 || hist == NULL)
        return v;
    v.d[0] = r->hist_dates;
    v.q[0] = hist;
    v.n[0] = r->nhist;
    if (r->ndates > 0 && proj != NULL) {
        v.d[1] = r->dates;
        v.q[1] = proj;
        v.n[1] = 1;
    }
    return v;
}

static fan_view
projected_view(const att_projection *r, const panel *pn)
{
    const double *hist, *proj;
    fan_view v;

    memset(&v, 0, sizeof v);
    v.nlevels = r->nlevels;
    v.mid = pn->which == PANEL_PER_DAY;
    panel_values(r, pn, &hist, &proj);
    if (r->ndates == 0 || proj == NULL)
        return v;
    v.d[0] = r->dates;
    v.q[0] = proj;
    v.n[0] = r->ndates;
    return v;
}

/* A backtest origin's fan: levels 0, 1, 2 are 5, 50 and 95%. */
static fan_view
backtest_view(const cli_backtest_fan *fan)
{
    fan_view v;

    memset(&v, 0, sizeof v);
    v.nlevels = 3;
    if (fan->dates == NULL)
        return v;
    v.d[0] = fan->dates;
    v.n[0] = fan->n;
    v.level[0] = fan->q05;
    v.level[1] = fan->q50;
    v.level[2] = fan->q95;
    return v;
}

static size_t
view_size(const fan_view *v)
{
    size_t n = v->n[0] + v->n[1];

    return v->mid && n > 0 ? n - 1 : n;
}

/* Date i of d[0] then d[1]. */
static double
view_date(const fan_view *v, size_t i)
{
    return i < v->n[0] ? v->d[0][i] : v->d[1][i - v->n[0]];
}

/* Point i of the view at level j; false where the value is not finite. */
static bool
view_point(const fan_view *v, size_t i, size_t j, double *day, double *val)
{
    size_t part = i < v->n[0] ? 0 : 1, k = part == 0 ? i : i - v->n[0];

    if (v->mid) {
        *day = 0.5 * (view_date(v, i) + view_date(v, i + 1));
        *val = v->q[0][i * v->nlevels + j];
        return isfinite(*val);
    }
    *day = v->d[part][k];
    if (v->q[0] != NULL)
        *val = v->q[part][k * v->nlevels + j];
    else
        *val = v->level[j] != NULL ? v->level[j][k] : (double)NAN;
    return isfinite(*val);
}

/* The panel a report is drawn on (PANEL_*): a loss over a period is not a
 * point of the cumulative curve but casualties per day over its window. */
static int
report_panel(const att_report *rep)
{
    switch (rep->kind) {
    case ATT_KIND_STRENGTH:
    case ATT_KIND_DEPLOYED:
        return PANEL_STRENGTH;
    case ATT_KIND_CASUALTIES:
    case ATT_KIND_KILLED: /* their own marks: K and (1 - kappa) C, below C */
    case ATT_KIND_WOUNDED:
        return rep->measure == ATT_MEASURE_CUMULATIVE ? PANEL_CASUALTIES : PANEL_PER_DAY;
    case ATT_KIND_RATE:
        return PANEL_PER_DAY;
    case ATT_KIND_FRACTION:
        return PANEL_SHARE;
    default:
        return -1;
    }
}

/* The factor that puts a report's figure on its panel's scale: a period's
 * total divided by its days is its mean per day. */
static double
report_scale(const att_report *rep)
{
    return rep->measure == ATT_MEASURE_PERIOD && rep->kind != ATT_KIND_RATE
               ? 1.0 / ((double)(rep->asof_end - rep->asof_start) + 1.0)
               : 1.0;
}

/* Whether report i is drawn: repeats are left out (the original is drawn at
 * the same place or near it, and a second mark would suggest a second
 * figure). */
static bool
report_drawn(const att_report *rep)
{
    return rep->repeat_of == ATT_NONE && report_panel(rep) >= 0;
}

/* Whether the chart of c draws rep: on a panel the page has (the
 * backtest's only panel is the casualties'). */
static bool
report_shown(const plot_ctx *c, const att_report *rep)
{
    return report_drawn(rep) && c->shown[report_panel(rep)];
}

/* The figures a report spans on its panel's scale, for the y axis; false
 * if none is finite. */
static bool
report_span(const att_report *rep, double *lo, double *hi)
{
    double f = report_scale(rep);

    if (rep->qualifier == ATT_QUAL_RANGE) {
        *lo = rep->low * f;
        *hi = rep->high * f;
    } else {
        *lo = *hi = rep->value * f;
    }
    return isfinite(*lo) && isfinite(*hi);
}

static void
widen(double *lo, double *hi, double x)
{
    if (x < *lo)
        *lo = x;
    if (x > *hi)
        *hi = x;
}

/* The first and last of n dates. */
static void
widen_dates(double *lo, double *hi, const int32_t *d, size_t n)
{
    if (n == 0 || d == NULL)
        return;
    widen(lo, hi, d[0]);
    widen(lo, hi, d[n - 1]);
}

/* The x range: the fitted period, the projection (or the backtest's
 * origins and their projections), the phases' starts and the drawn
 * reports, padded a little so that edge marks stay whole. */
static void
x_range(plot_ctx *c)
{
    double lo = HUGE_VAL, hi = -HUGE_VAL, pad;
    size_t i;

    if (c->r != NULL) {
        widen_dates(&lo, &hi, c->r->hist_dates, c->r->nhist);
        widen_dates(&lo, &hi, c->r->dates, c->r->ndates);
    }
    for (i = 0; c->bt != NULL && i < c->bt->nfan; i++) {
        widen_dates(&lo, &hi, c->bt->fan[i].dates, c->bt->fan[i].n);
        widen(&lo, &hi, c->bt->fan[i].origin);
    }
    if (c->p != NULL && c->p->nphase > 0 && c->p->phases[0].start != INT32_MIN)
        widen(&lo, &hi, c->p->phases[0].start);
    if (c->l != NULL)
        for (i = 0; i < c->l->n; i++) {
            const att_report *rep = &c->l->reports[i];
            if (!report_shown(c, rep))
                continue;
            widen(&lo, &hi, (double)rep->asof_end + 1.0);
            if (report_panel(rep) == PANEL_PER_DAY)
                widen(&lo, &hi, (double)rep->asof_start);
        }
    if (!(lo <= hi))
        lo = hi = c->start;
    pad = fmax(1.0, 0.015 * (hi - lo));
    c->x0 = lo - pad;
    c->x1 = hi + pad;
}

static void
view_max(const fan_view *v, double *hi)
{
    size_t i, j;
    double day, val, lo = 0.0;

    for (i = 0; i < view_size(v); i++)
        for (j = 0; j < v->nlevels; j++)
            if (view_point(v, i, j, &day, &val))
                widen(&lo, hi, val);
}

/* The y axis of a panel: from 0 to a whole number of steps above every
 * band and every drawn report, with room for the at-least arrows. */
static void
y_range(const plot_ctx *c, panel *pn)
{
    fan_view v;
    double hi = 0.0, lo = 0.0, a, b;
    size_t i;

    if (c->r != NULL) {
        v = fitted_view(c->r, pn);
        view_max(&v, &hi);
        v = projected_view(c->r, pn);
        view_max(&v, &hi);
    }
    for (i = 0; c->bt != NULL && i < c->bt->nfan; i++) {
        v = backtest_view(&c->bt->fan[i]);
        view_max(&v, &hi);
    }
    if (c->l != NULL)
        for (i = 0; i < c->l->n; i++) {
            const att_report *rep = &c->l->reports[i];
            if (report_shown(c, rep) && report_panel(rep) == pn->which && report_span(rep, &a, &b))
                widen(&lo, &hi, b * (rep->qualifier == ATT_QUAL_AT_LEAST ? 1.12 : 1.0));
        }
    if (!(hi > 0.0) || !isfinite(hi))
        hi = 1.0;
    pn->ystep = nice_step(hi * 1.04, 6);
    pn->ymax = ceil(hi * 1.04 / pn->ystep) * pn->ystep;
}

static double
px(const plot_ctx *c, double day)
{
    return PLOT_LEFT + (day - c->x0) / (c->x1 - c->x0) * (PLOT_RIGHT - PLOT_LEFT);
}

static double
py(const panel *pn, double v)
{
    return pn->bottom - v / pn->ymax * (pn->bottom - pn->top);
}

/* ---- drawing ---------------------------------------------------------------- */

static void
clip_to(cairo_t *cr, const panel *pn)
{
    cairo_rectangle(cr, PLOT_LEFT, pn->top, PLOT_RIGHT - PLOT_LEFT, pn->bottom - pn->top);
    cairo_clip(cr);
}

static void
draw_phases(cairo_t *cr, const plot_ctx *c, const panel *pn)
{
    const att_params *p = c->p;
    size_t i;

    if (p == NULL)
        return;
    font(cr, 9.0, false);
    for (i = 0; i < p->nphase; i++) {
        const att_phase *ph = &p->phases[i];
        double a = fmax(ph->start, c->x0);
        double b = fmin(ph->end == ATT_DAY_OPEN ? c->x1 : (double)ph->end, c->x1);
        double xa = px(c, a), xb = px(c, b), w;
        if (!(b > a))
            continue;
        set_rgb(cr, phase_shade[i % 2]);
        cairo_rectangle(cr, xa, pn->top, xb - xa, pn->bottom - pn->top);
        cairo_fill(cr);
        /* A name too wide for its phase goes a line lower, clear of its
         * neighbours' names. */
        w = text_width(cr, ph->name);
        set_rgb(cr, grey_text);
        text_at(cr, 0.5 * (xa + xb), pn->top + (w + 4.0 <= xb - xa ? 11.0 : 22.0), ph->name, 0.5);
    }
}

/* The band between levels a and b, one polygon per run of finite points. */
static void
draw_band(cairo_t *cr, const plot_ctx *c, const panel *pn, const fan_view *v, size_t a, size_t b)
{
    size_t n = view_size(v), s = 0, e, i;
    double day, va, vb;

    while (s < n) {
        while (s < n && !(view_point(v, s, a, &day, &va) && view_point(v, s, b, &day, &vb)))
            s++;
        for (e = s; e < n && view_point(v, e, a, &day, &va) && view_point(v, e, b, &day, &vb);)
            e++;
        if (e - s >= 2) {
            for (i = s; i < e; i++) {
                (void)view_point(v, i, b, &day, &vb);
                cairo_line_to(cr, px(c, day), py(pn, vb));
            }
            for (i = e; i-- > s;) {
                (void)view_point(v, i, a, &day, &va);
                cairo_line_to(cr, px(c, day), py(pn, va));
            }
            cairo_close_path(cr);
            cairo_fill(cr);
        }
        s = e;
    }
}

/* The median, broken where a value is not finite. */
static void
draw_line(cairo_t *cr, const plot_ctx *c, const panel *pn, const fan_view *v, size_t j)
{
    size_t i;
    double day, val;
    bool on = false;

    for (i = 0; i < view_size(v); i++) {
        if (!view_point(v, i, j, &day, &val)) {
            on = false;
            continue;
        }
        if (on)
            cairo_line_to(cr, px(c, day), py(pn, val));
        else
            cairo_move_to(cr, px(c, day), py(pn, val));
        on = true;
    }
    cairo_stroke(cr);
}

static void
draw_fan(cairo_t *cr, const plot_ctx *c, const panel *pn, const fan_view *v, const fan_style *st)
{
    if (c->lv.lo != ATT_NONE) {
        set_rgb(cr, st->outer);
        draw_band(cr, c, pn, v, c->lv.lo, c->lv.hi);
    }
    if (c->lv.in_lo != ATT_NONE) {
        set_rgb(cr, st->inner);
        draw_band(cr, c, pn, v, c->lv.in_lo, c->lv.in_hi);
    }
    if (c->lv.med != ATT_NONE) {
        set_rgb(cr, st->median);
        cairo_set_line_width(cr, 1.8);
        draw_line(cr, c, pn, v, c->lv.med);
    }
}

static void
draw_marker(cairo_t *cr, double x, double y, mark_shape shape, double size, rgb fill, rgb edge)
{
    if (shape == MARK_DIAMOND) {
        cairo_move_to(cr, x, y - 1.3 * size);
        cairo_line_to(cr, x + 1.3 * size, y);
        cairo_line_to(cr, x, y + 1.3 * size);
        cairo_line_to(cr, x - 1.3 * size, y);
        cairo_close_path(cr);
    } else if (shape == MARK_TRIANGLE) {
        cairo_move_to(cr, x, y - 1.3 * size);
        cairo_line_to(cr, x + 1.2 * size, y + 0.8 * size);
        cairo_line_to(cr, x - 1.2 * size, y + 0.8 * size);
        cairo_close_path(cr);
    } else if (shape == MARK_SQUARE) {
        cairo_rectangle(cr, x - 0.9 * size, y - 0.9 * size, 1.8 * size, 1.8 * size);
    } else {
        cairo_new_sub_path(cr);
        cairo_arc(cr, x, y, size, 0.0, PLOT_TWO_PI);
    }
    set_rgb(cr, fill);
    cairo_fill_preserve(cr);
    set_rgb(cr, edge);
    cairo_set_line_width(cr, edge.r == ink.r && edge.g == ink.g && edge.b == ink.b ? 0.8 : 1.6);
    cairo_stroke(cr);
}

/* A vertical arrow of length len from (x, y), up for len > 0. */
static void
draw_arrow(cairo_t *cr, double x, double y, double len, rgb col)
{
    double tip = y - len, back = len > 0 ? 5.0 : -5.0;

    set_rgb(cr, col);
    cairo_set_line_width(cr, 1.8);
    cairo_move_to(cr, x, y);
    cairo_line_to(cr, x, tip + 0.5 * back);
    cairo_stroke(cr);
    cairo_move_to(cr, x, tip);
    cairo_line_to(cr, x - 3.5, tip + back);
    cairo_line_to(cr, x + 3.5, tip + back);
    cairo_close_path(cr);
    cairo_fill(cr);
}

/* A bar from (xa, ya) to (xb, yb), vertical or horizontal, with a tick
 * across each end: a range (low to high), or a window (a rate, a daily or
 * a period figure, from the window's first day to the end of its last). */
static void
draw_bar(
    cairo_t *cr, double xa, double ya, double xb, double yb, double tick, double width, rgb col)
{
    double tx = xa == xb ? tick : 0.0, ty = xa == xb ? 0.0 : tick;

    set_rgb(cr, col);
    cairo_set_line_width(cr, width);
    cairo_move_to(cr, xa, ya);
    cairo_line_to(cr, xb, yb);
    cairo_move_to(cr, xa - tx, ya - ty);
    cairo_line_to(cr, xa + tx, ya + ty);
    cairo_move_to(cr, xb - tx, yb - ty);
    cairo_line_to(cr, xb + tx, yb + ty);
    cairo_stroke(cr);
}

static void
draw_range_bar(cairo_t *cr, double x, double ylo, double yhi, rgb col)
{
    draw_bar(cr, x, ylo, x, yhi, 4.0, 2.0, col);
}

static rgb
class_colour(size_t cls)
{
    return class_palette[cls % PLOT_NPALETTE];
}

static void
draw_reports(cairo_t *cr, const plot_ctx *c, const panel *pn)
{
    int which = pn->which;
    const att_ledger *l = c->l;
    size_t i;
    double lo, hi;

    if (l == NULL)
        return;
    for (i = 0; i < l->n; i++) {
        const att_report *rep = &l->reports[i];
        mark_shape shape = rep->kind == ATT_KIND_DEPLOYED  ? MARK_DIAMOND
                           : rep->kind == ATT_KIND_KILLED  ? MARK_TRIANGLE
                           : rep->kind == ATT_KIND_WOUNDED ? MARK_SQUARE
                                                           : MARK_CIRCLE;
        /* A figure about some groups only is hollow: the bands are the
         * whole force's, the dashed lines the groups'. */
        rgb col = class_colour(rep->cls), fill = rep->groups[0] != '\0' ? paper : col;
        rgb edge = rep->groups[0] != '\0' ? col : ink;
        double x = px(c, (double)rep->asof_end + 1.0);
        if (!report_shown(c, rep) || report_panel(rep) != which || !report_span(rep, &lo, &hi))
            continue;
        if (which == PANEL_PER_DAY) {
            double xa = px(c, (double)rep->asof_start);
            draw_bar(cr, xa, py(pn, lo), x, py(pn, lo), 3.0, 1.6, col);
            if (hi != lo)
                draw_bar(cr, xa, py(pn, hi), x, py(pn, hi), 3.0, 1.6, col);
            x = 0.5 * (xa + x);
        }
        switch (rep->qualifier) {
        case ATT_QUAL_RANGE:
            draw_range_bar(cr, x, py(pn, lo), py(pn, hi), col);
            draw_marker(cr, x, py(pn, 0.5 * (lo + hi)), shape, 3.0, fill, edge);
            break;
        case ATT_QUAL_AT_LEAST:
        case ATT_QUAL_UP_TO:
            draw_arrow(cr, x, py(pn, lo), rep->qualifier == ATT_QUAL_AT_LEAST ? 18.0 : -18.0, col);
            draw_marker(cr, x, py(pn, lo), shape, 4.0, fill, edge);
            break;
        default:
            draw_marker(cr, x, py(pn, lo), shape, 4.0, fill, edge);
            break;
        }
    }
}

/* Month ticks, every 1, 2, 3, 6 or 12 months so that at most 12 show. */
static void
draw_x_axis(cairo_t *cr, const plot_ctx *c, const panel *pn)
{
    static const int every[] = {1, 2, 3, 6, 12};
    int y0, m0, y1, m1, step = 12, y, m;
    size_t k;
    char label[32];

    att_date_to_ymd((int32_t)ceil(c->x0), &y0, &m0, NULL);
    att_date_to_ymd((int32_t)floor(c->x1), &y1, &m1, NULL);
    for (k = 0; k < sizeof every / sizeof every[0]; k++)
        if (((y1 - y0) * 12 + (m1 - m0)) / every[k] <= 11) {
            step = every[k];
            break;
        }
    font(cr, 9.5, false);
    for (y = y0, m = m0; y < y1 || (y == y1 && m <= m1); y += m / 12, m = m % 12 + 1) {
        double day = att_date_from_ymd(y, m, 1), x = px(c, day);
        if ((m - 1) % step != 0 || day < c->x0 || day > c->x1)
            continue;
        set_rgb(cr, grid_line);
        cairo_set_line_width(cr, 0.5);
        cairo_move_to(cr, x, pn->top);
        cairo_line_to(cr, x, pn->bottom);
        cairo_stroke(cr);
        set_rgb(cr, ink);
        cairo_set_line_width(cr, 0.8);
        cairo_move_to(cr, x, pn->bottom);
        cairo_line_to(cr, x, pn->bottom + 4.0);
        cairo_stroke(cr);
        snprintf(label, sizeof label, "%04d-%02d", y, m);
        text_at(cr, x, pn->bottom + 15.0, label, 0.5);
    }
}

static void
draw_y_axis(cairo_t *cr, const panel *pn)
{
    char label[48];
    double v;
    int k;

    font(cr, 9.5, false);
    for (k = 0; (v = k * pn->ystep) <= pn->ymax * (1.0 + 1e-9); k++) {
        double y = py(pn, v);
        set_rgb(cr, grid_line);
        cairo_set_line_width(cr, 0.5);
        cairo_move_to(cr, PLOT_LEFT, y);
        cairo_line_to(cr, PLOT_RIGHT, y);
        cairo_stroke(cr);
        set_rgb(cr, ink);
        cairo_set_line_width(cr, 0.8);
        cairo_move_to(cr, PLOT_LEFT - 4.0, y);
        cairo_line_to(cr, PLOT_LEFT, y);
        cairo_stroke(cr);
        tick_label(v, pn->ystep, label, sizeof label);
        text_at(cr, PLOT_LEFT - 7.0, y + 3.5, label, 1.0);
    }
}

/* The projection's start: a dashed line, "fitted" to its left and
 * "projected" to its right. */
static void
draw_start(cairo_t *cr, const plot_ctx *c, const panel *pn)
{
    static const double dash[] = {5.0, 3.0};
    double x = px(c, c->start);

    if (c->start < c->x0 || c->start > c->x1)
        return;
    set_rgb(cr, ink);
    cairo_set_line_width(cr, 1.2);
    cairo_set_dash(cr, dash, 2, 0.0);
    cairo_move_to(cr, x, pn->top);
    cairo_line_to(cr, x, pn->bottom);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0.0);
    font(cr, 10.0, true);
    text_at(cr, x - 5.0, pn->top + 36.0, "fitted", 1.0);
    text_at(cr, x + 5.0, pn->top + 36.0, "projected", 0.0);
}

/* A panel's background (phases, grid), its x axis, then the clip for its
 * contents; panel_end draws the reports above the contents and closes the
 * panel. */
static void
panel_begin(cairo_t *cr, const plot_ctx *c, const panel *pn)
{
    cairo_save(cr);
    clip_to(cr, pn);
    draw_phases(cr, c, pn);
    draw_y_axis(cr, pn);
    cairo_restore(cr);
    draw_x_axis(cr, c, pn);
    cairo_save(cr);
    clip_to(cr, pn);
}

static void
panel_end(cairo_t *cr, const plot_ctx *c, const panel *pn)
{
    draw_reports(cr, c, pn);
    cairo_restore(cr);
    /* The y tick labels sit outside the clip: drawn again unclipped. */
    draw_y_axis(cr, pn);
    set_rgb(cr, ink);
    cairo_set_line_width(cr, 1.0);
    cairo_rectangle(cr, PLOT_LEFT, pn->top, PLOT_RIGHT - PLOT_LEFT, pn->bottom - pn->top);
    cairo_stroke(cr);
    font(cr, 11.5, true);
    text_at(cr, PLOT_LEFT, pn->top - 7.0, pn->title, 0.0);
}

/* A group's dash pattern: solid lines are the whole force's. */
static void
group_dash(cairo_t *cr, size_t g)
{
    static const double dashes[4][2] = {{6.0, 3.0}, {2.0, 2.5}, {9.0, 3.0}, {4.0, 4.0}};

    cairo_set_dash(cr, dashes[g % 4], 2, 0.0);
}

/* Each group's median, dashed, in ink: over the fitted period
 * (att_projection hist_gq) and the projection (gq), in one line. */
static void
draw_group_medians(cairo_t *cr, const plot_ctx *c, const panel *pn)
{
    const att_projection *r = c->r;
    const double *hq = r->hist_gq[pn->series];
    size_t g, k, nh = hq != NULL ? r->nhist : 0;

    if (r->ngroup == 0 || c->lv.med == ATT_NONE || pn->which > PANEL_CASUALTIES)
        return;
    for (g = 0; g < r->ngroup; g++) {
        set_rgb(cr, ink);
        cairo_set_line_width(cr, 1.2);
        group_dash(cr, g);
        for (k = 0; k < nh + r->ndates; k++) {
            double x = px(c, (double)(k < nh ? r->hist_dates[k] : r->dates[k - nh]));
            double y = py(pn, k < nh ? hq[(g * nh + k) * r->nlevels + c->lv.med]
                                     : att_projection_gq(r, g, pn->series, k - nh, c->lv.med));
            if (k == 0)
                cairo_move_to(cr, x, y);
            else
                cairo_line_to(cr, x, y);
        }
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0.0);
    }
}

static void
draw_panel(cairo_t *cr, const plot_ctx *c, const panel *pn)
{
    fan_view fv = fitted_view(c->r, pn), pv = projected_view(c->r, pn);

    panel_begin(cr, c, pn);
    draw_fan(cr, c, pn, &fv, &fitted_style);
    draw_fan(cr, c, pn, &pv, &projected_style);
    draw_group_medians(cr, c, pn);
    draw_start(cr, c, pn);
    panel_end(cr, c, pn);
}

/* ---- the backtest's origins ------------------------------------------------ */

/* Viridis, from the oldest origin (green) to the newest (dark violet):
 * ordered in lightness, so that the order shows in grey and with every
 * common colour-vision deficiency; the newest, drawn last, is the darkest.
 * Its light yellow end is left out: too faint on the phases' shades. */
static const rgb origin_ramp[] = {
    {0.369, 0.788, 0.384}, /* #5ec962 */
    {0.129, 0.569, 0.549}, /* #21918c */
    {0.231, 0.322, 0.545}, /* #3b528b */
    {0.267, 0.004, 0.329}, /* #440154 */
};
#define PLOT_NRAMP ((size_t)(sizeof origin_ramp / sizeof origin_ramp[0]))

/* The opacity of an origin's 5-95% band: faint, and darker where bands
 * overlap; fainter where many overlap, so that a dozen make no wall. */
#define PLOT_BAND_ALPHA     0.12
#define PLOT_BANDS_ALPHA    0.6 /* the most that all the bands add up to */
#define PLOT_BAND_ALPHA_MIN 0.03

/* At most this many origins get a row in the legend (every k-th, ending
 * with the newest). */
#define PLOT_ORIGIN_ROWS 20

/* Origin i of n on the ramp. */
static rgb
origin_colour(size_t i, size_t n)
{
    double t = n < 2 ? 1.0 : (double)i / (double)(n - 1), f;
    size_t k;
    rgb a, b, o;

    t *= (double)(PLOT_NRAMP - 1);
    k = (size_t)t;
    if (k >= PLOT_NRAMP - 1)
        return origin_ramp[PLOT_NRAMP - 1];
    f = t - (double)k;
    a = origin_ramp[k];
    b = origin_ramp[k + 1];
    o.r = a.r + f * (b.r - a.r);
    o.g = a.g + f * (b.g - a.g);
    o.b = a.b + f * (b.b - a.b);
    return o;
}

/* The opacity of each of n bands. */
static double
band_alpha(size_t n)
{
    return n == 0 ? PLOT_BAND_ALPHA
                  : fmax(PLOT_BAND_ALPHA_MIN, fmin(PLOT_BAND_ALPHA, PLOT_BANDS_ALPHA / (double)n));
}

/* An origin's mark: a tick 10 units up from y. */
static void
origin_tick(cairo_t *cr, double x, double y, rgb col)
{
    set_rgb(cr, col);
    cairo_set_line_width(cr, 2.0);
    cairo_move_to(cr, x, y);
    cairo_line_to(cr, x, y - 10.0);
    cairo_stroke(cr);
}

/* Every band first, so that no band veils an older origin's median; then
 * the medians and the ticks, oldest first. */
static void
draw_origins(cairo_t *cr, const plot_ctx *c, const panel *pn)
{
    size_t n = c->bt->nfan, i;
    fan_view v;

    for (i = 0; i < n; i++) {
        rgb col = origin_colour(i, n);
        v = backtest_view(&c->bt->fan[i]);
        cairo_set_source_rgba(cr, col.r, col.g, col.b, band_alpha(n));
        draw_band(cr, c, pn, &v, 0, 2);
    }
    for (i = 0; i < n; i++) {
        rgb col = origin_colour(i, n);
        v = backtest_view(&c->bt->fan[i]);
        set_rgb(cr, col);
        cairo_set_line_width(cr, 1.8);
        draw_line(cr, c, pn, &v, 1);
        origin_tick(cr, px(c, c->bt->fan[i].origin), pn->bottom, col);
    }
}

/* ---- legend and caption -------------------------------------------------- */

static void
swatch(cairo_t *cr, double x, double y, rgb col)
{
    set_rgb(cr, col);
    cairo_rectangle(cr, x, y - 8.0, 16.0, 10.0);
    cairo_fill(cr);
}

static void
legend_line(cairo_t *cr, double x, double y, rgb col)
{
    set_rgb(cr, col);
    cairo_set_line_width(cr, 1.8);
    cairo_move_to(cr, x, y - 3.0);
    cairo_line_to(cr, x + 16.0, y - 3.0);
    cairo_stroke(cr);
}

static void
legend_text(cairo_t *cr, double x, double y, const char *s)
{
    set_rgb(cr, ink);
    font(cr, 10.0, false);
    text_at(cr, x, y, s, 0.0);
}

static void
legend_head(cairo_t *cr, double y, const char *s)
{
    set_rgb(cr, ink);
    font(cr, 10.5, true);
    text_at(cr, PLOT_LEGEND_X, y, s, 0.0);
}

/* The bands' rows: a fitted and a projected swatch, then the levels. */
static double
legend_bands(cairo_t *cr, const plot_ctx *c, double y)
{
    const double *lv = c->r->levels;
    double x = PLOT_LEGEND_X, tx = x + 42.0;
    char a[24], b[24], s[64];

    legend_head(cr, y, "Model: fitted, projected");
    y += 17.0;
    if (c->lv.lo != ATT_NONE) {
        level_text(lv[c->lv.lo], a, sizeof a);
        level_text(lv[c->lv.hi], b, sizeof b);
        snprintf(s, sizeof s, "%s-%s%% band", a, b);
        swatch(cr, x, y, fitted_style.outer);
        swatch(cr, x + 20.0, y, projected_style.outer);
        legend_text(cr, tx, y, s);
        y += 15.0;
    }
    if (c->lv.in_lo != ATT_NONE) {
        level_text(lv[c->lv.in_lo], a, sizeof a);
        level_text(lv[c->lv.in_hi], b, sizeof b);
        snprintf(s, sizeof s, "%s-%s%% band", a, b);
        swatch(cr, x, y, fitted_style.inner);
        swatch(cr, x + 20.0, y, projected_style.inner);
        legend_text(cr, tx, y, s);
        y += 15.0;
    }
    if (c->lv.med != ATT_NONE) {
        legend_line(cr, x, y, fitted_style.median);
        legend_line(cr, x + 20.0, y, projected_style.median);
        legend_text(cr, tx, y, "median");
        y += 15.0;
    }
    return y;
}

/* The groups' rows: each group's dash and name. */
static double
legend_groups(cairo_t *cr, const plot_ctx *c, double y)
{
    size_t g;

    if (c->r->ngroup == 0)
        return y;
    legend_head(cr, y, "Groups (medians)");
    y += 17.0;
    for (g = 0; g < c->r->ngroup; g++) {
        set_rgb(cr, ink);
        cairo_set_line_width(cr, 1.2);
        group_dash(cr, g);
        cairo_move_to(cr, PLOT_LEGEND_X, y - 3.0);
        cairo_line_to(cr, PLOT_LEGEND_X + 16.0, y - 3.0);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0.0);
        legend_text(cr, PLOT_LEGEND_X + 22.0, y, c->p->groups[g].name);
        y += 15.0;
    }
    return y;
}

/* The origins' rows: each origin's tick and median with its date (every
 * k-th where they are many), then the band. */
static double
legend_origins(cairo_t *cr, const cli_backtest_plot_input *bt, double y)
{
    size_t n = bt->nfan, i;
    size_t step = n > PLOT_ORIGIN_ROWS ? (n + PLOT_ORIGIN_ROWS - 1) / PLOT_ORIGIN_ROWS : 1;
    double x = PLOT_LEGEND_X, tx = x + 22.0;
    char s[64], date[ATT_DATE_BUFSIZE];
    cairo_pattern_t *ramp;

    legend_head(cr, y, "Median projected from");
    y += 17.0;
    for (i = 0; i < n; i++) {
        rgb col = origin_colour(i, n);
        if ((n - 1 - i) % step != 0)
            continue;
        origin_tick(cr, x + 1.0, y + 2.0, col);
        legend_line(cr, x + 1.0, y, col);
        legend_text(cr, tx, y, att_date_format(bt->fan[i].origin, date));
        y += 15.0;
    }
    if (step > 1) {
        snprintf(s, sizeof s, "(1 in %zu of %zu origins)", step, n);
        legend_text(cr, tx, y, s);
        y += 15.0;
    }
    if (n == 0)
        return y;
    /* The band: a swatch of the faint colours, oldest to newest, as dark
     * as one band where few are drawn (many are fainter, too faint for a
     * swatch). */
    ramp = cairo_pattern_create_linear(x, 0.0, x + 16.0, 0.0);
    for (i = 0; i < PLOT_NRAMP; i++) {
        rgb col = n < 2 ? origin_colour(0, 1) : origin_ramp[i];
        cairo_pattern_add_color_stop_rgba(ramp, (double)i / (double)(PLOT_NRAMP - 1), col.r, col.g,
                                          col.b, PLOT_BAND_ALPHA);
    }
    cairo_set_source(cr, ramp);
    cairo_rectangle(cr, x, y - 8.0, 16.0, 10.0);
    cairo_fill(cr);
    cairo_pattern_destroy(ramp);
    legend_text(cr, tx, y, "5-95% band");
    return y + 15.0;
}

/* The marks' rows; the deployed diamond only where it is drawn. */
static double
legend_reports(cairo_t *cr, double y, bool deployed)
{
    double x = PLOT_LEGEND_X, mx = x + 8.0, tx = x + 22.0;
    const rgb plain = {0.75, 0.75, 0.75};

    legend_head(cr, y, "Reports");
    y += 17.0;
    draw_marker(cr, mx, y - 3.5, MARK_CIRCLE, 4.0, plain, ink);
    legend_text(cr, tx, y, "figure (approximately)");
    y += 17.0;
    draw_range_bar(cr, mx, y + 2.0, y - 10.0, ink);
    legend_text(cr, tx, y, "range (low to high)");
    y += 17.0;
    draw_arrow(cr, mx, y + 1.0, 12.0, ink);
    legend_text(cr, tx, y, "at least");
    y += 17.0;
    draw_arrow(cr, mx, y - 10.0, -12.0, ink);
    legend_text(cr, tx, y, "up to");
    y += 17.0;
    draw_marker(cr, mx, y - 3.5, MARK_CIRCLE, 4.0, paper, ink);
    legend_text(cr, tx, y, "hollow: about some groups");
    y += 17.0;
    draw_marker(cr, mx, y - 3.5, MARK_TRIANGLE, 4.0, plain, ink);
    legend_text(cr, tx, y, "killed (K, a share of C)");
    y += 17.0;
    draw_marker(cr, mx, y - 3.5, MARK_SQUARE, 4.0, plain, ink);
    legend_text(cr, tx, y, "wounded (C - K)");
    if (!deployed)
        return y + 17.0;
    y += 17.0;
    draw_marker(cr, mx, y - 3.5, MARK_DIAMOND, 4.0, plain, ink);
    legend_text(cr, tx, y, "deployed: troops sent,");
    y += 13.0;
    legend_text(cr, tx, y, "an upper bound on strength");
    return y + 17.0;
}

/* One row per source class with a drawn report. */
static double
legend_classes(cairo_t *cr, const plot_ctx *c, double y)
{
    const att_ledger *l = c->l;
    size_t k, i;

    if (l == NULL)
        return y;
    legend_head(cr, y, "Source class");
    y += 17.0;
    for (k = 0; k < l->nclass && y < c->caption_y - 10.0; k++) {
        for (i = 0; i < l->n; i++)
            if (l->reports[i].cls == k && report_shown(c, &l->reports[i]))
                break;
        if (i == l->n)
            continue;
        draw_marker(cr, PLOT_LEGEND_X + 8.0, y - 3.5, MARK_CIRCLE, 4.0, class_colour(k), ink);
        legend_text(cr, PLOT_LEGEND_X + 22.0, y, l->classes[k]);
        y += 15.0;
    }
    return y;
}

/* Two lines: first, then lead and what is not drawn: the reports of the
 * kinds no panel shows ("kinds reports") and the repeats; a third line for
 * the per-day panel. */
static void
draw_caption(cairo_t *cr, const plot_ctx *c, const char *first, const char *lead, const char *kinds)
{
    const att_ledger *l = c->l;
    size_t i, repeats = 0, other = 0;
    char s[320];

    if (l != NULL)
        for (i = 0; i < l->n; i++) {
            if (l->reports[i].repeat_of != ATT_NONE)
                repeats++;
            else if (!report_shown(c, &l->reports[i]))
                other++;
        }
    set_rgb(cr, grey_text);
    font(cr, 9.5, false);
    text_at(cr, PLOT_LEFT, c->caption_y, first, 0.0);
    if (other > 0)
        snprintf(s, sizeof s, "%sNot drawn: %zu %s report%s, and %zu repeat%s of earlier reports.",
                 lead, other, kinds, other == 1 ? "" : "s", repeats, repeats == 1 ? "" : "s");
    else
        snprintf(s, sizeof s, "%sNot drawn: %zu repeat%s of earlier reports.", lead, repeats,
                 repeats == 1 ? "" : "s");
    text_at(cr, PLOT_LEFT, c->caption_y + 15.0, s, 0.0);
    if (c->shown[PANEL_PER_DAY])
        text_at(cr, PLOT_LEFT, c->caption_y + 30.0,
                "Per day: a rate or a daily figure, and a total over a period divided by its "
                "days, each as a bar over its window; the model's, over each step.",
                0.0);
}

/* A white page with the title, shrunk to fit if long. */
static void
draw_page(cairo_t *cr, const plot_ctx *c)
{
    double w;

    cairo_set_source_rgb(cr, 1.0, 1.0, 1.0);
    cairo_paint(cr);
    set_rgb(cr, ink);
    font(cr, 15.0, true);
    w = text_width(cr, c->title);
    if (w > PLOT_W - PLOT_LEFT - 12.0) /* a long title shrinks to fit the page */
        font(cr, fmax(8.0, 15.0 * (PLOT_W - PLOT_LEFT - 12.0) / w), true);
    text_at(cr, PLOT_LEFT, 28.0, c->title, 0.0);
}

static void
draw_plot(cairo_t *cr, const plot_ctx *c)
{
    panel pn[PANEL_COUNT] = {
        {PANEL_STRENGTH, ATT_SERIES_STRENGTH, "Strength: troops fit to fight", 64.0, 364.0, 1, 1},
        {PANEL_CASUALTIES, ATT_SERIES_CASUALTIES, "Cumulative casualties", 412.0, 712.0, 1, 1},
        {PANEL_PER_DAY, ATT_SERIES_CASUALTIES, "Casualties per day", 0, 0, 1, 1},
        {PANEL_SHARE, ATT_SERIES_CASUALTIES, "Casualties as a share of the troops deployed (C / D)",
         0, 0, 1, 1}};
    char first[320];
    double y, top = 712.0 + 48.0;
    int k;

    draw_page(cr, c);
    for (k = 0; k < PANEL_COUNT; k++) {
        if (!c->shown[k])
            continue;
        if (k > PANEL_CASUALTIES) {
            pn[k].top = top;
            pn[k].bottom = top + PLOT_SMALL_H;
            top += PLOT_EXTRA_H;
        }
        y_range(c, &pn[k]);
        draw_panel(cr, c, &pn[k]);
    }
    y = legend_bands(cr, c, pn[0].top + 4.0);
    y = legend_groups(cr, c, y + 10.0);
    y = legend_reports(cr, y + 14.0, true);
    (void)legend_classes(cr, c, y + 4.0);
    snprintf(first, sizeof first,
             "Fitted: the model over the posterior draws; projected: %zu simulated paths. "
             "A report as of day d is placed at the end of d.",
             c->r->paths);
    draw_caption(cr, c, first, "", "other");
}

static void
draw_backtest(cairo_t *cr, const plot_ctx *c)
{
    panel pn = {
        PANEL_CASUALTIES, ATT_SERIES_CASUALTIES, "Cumulative casualties", 64.0, 712.0, 1, 1};
    double y;

    draw_page(cr, c);
    y_range(c, &pn);
    panel_begin(cr, c, &pn);
    draw_origins(cr, c, &pn);
    panel_end(cr, c, &pn);
    y = legend_origins(cr, c->bt, pn.top + 4.0);
    y = legend_reports(cr, y + 14.0, false);
    (void)legend_classes(cr, c, y + 4.0);
    draw_caption(cr, c,
                 "Each line: the median projection made at an origin with the reports stated by "
                 "then; band 5-95%. Points: reported casualty figures.",
                 "Ticks on the time axis: the origins. A report as of day d is placed at the end "
                 "of d. ",
                 "non-casualty");
}

/* ---- output ----------------------------------------------------------------- */

static cairo_status_t
write_stream(void *closure, const unsigned char *data, unsigned int length)
{
    return fwrite(data, 1, length, closure) == length ? CAIRO_STATUS_SUCCESS
                                                      : CAIRO_STATUS_WRITE_ERROR;
}

/* A fixed date for the PDF: 2000-01-01 plus the digest's first 8 hex
 * digits in seconds, modulo 20 years, so that the same input gives the same
 * bytes and different inputs rarely share a date. */
static void
pdf_date(const char *digest, char *buf, size_t n)
{
    unsigned long v = 0;
    long secs;
    int32_t day;
    int y, m, d, i;

    for (i = 0; digest != NULL && i < 8 && digest[i] != '\0'; i++) {
        char ch = digest[i];
        int h = ch >= '0' && ch <= '9'   ? ch - '0'
                : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                         : -1;
        if (h < 0)
            break;
        v = v * 16 + (unsigned long)h;
    }
    secs = (long)(v % (unsigned long)PLOT_DATE_SPAN);
    day = att_date_from_ymd(2000, 1, 1) + (int32_t)(secs / 86400);
    att_date_to_ymd(day, &y, &m, &d);
    secs %= 86400;
    snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d", y, m, d, (int)(secs / 3600),
             (int)(secs / 60 % 60), (int)(secs % 60));
}

/* Draws c onto a surface of the format writing to f; cairo's status. */
static cairo_status_t
render(plot_format fmt, const plot_ctx *c, FILE *f)
{
    cairo_surface_t *s;
    cairo_t *cr;
    cairo_status_t st;
    char date[32];

    if (fmt == FMT_SVG)
        s = cairo_svg_surface_create_for_stream(write_stream, f, PLOT_W, c->height);
    else if (fmt == FMT_PDF)
        s = cairo_pdf_surface_create_for_stream(write_stream, f, PLOT_W, c->height);
    else
        s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, PLOT_W, (int)c->height);
    st = cairo_surface_status(s);
    if (st != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return st;
    }
    if (fmt == FMT_PDF) {
        pdf_date(c->digest, date, sizeof date);
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, date);
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, date);
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, c->title);
    }
    cr = cairo_create(s);
    c->draw(cr, c);
    st = cairo_status(cr);
    cairo_destroy(cr);
    if (st == CAIRO_STATUS_SUCCESS && fmt == FMT_PNG) {
        cairo_surface_flush(s);
        st = cairo_surface_write_to_png_stream(s, write_stream, f);
    }
    cairo_surface_finish(s); /* SVG and PDF write their end here */
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    return st;
}

/* The format of path, or FMT_NONE with err saying which are known. */
static plot_format
path_format(const char *path, att_error *err)
{
    plot_format fmt = format_of(path);
    char msg[ATT_ERROR_MSG_MAX];

    if (fmt == FMT_NONE) {
        snprintf(msg, sizeof msg,
                 "expected a plot file ending .svg, .png or .pdf, found \"%.400s\"", path);
        fail(err, ATT_EINVAL, path, msg);
    }
    return fmt;
}

/* Computes c's page and x axis and draws it into path, atomically. */
static att_status
write_plot(const char *path, plot_format fmt, plot_ctx *c, att_error *err)
{
    att_output *o;
    cairo_status_t st;
    char msg[ATT_ERROR_MSG_MAX];
    int k, extra = 0;

    for (k = PANEL_CASUALTIES + 1; k < PANEL_COUNT; k++)
        extra += c->shown[k];
    c->height = PLOT_H + extra * PLOT_EXTRA_H;
    c->caption_y = PLOT_CAPTION_Y + extra * PLOT_EXTRA_H;
    x_range(c);
    o = att_output_open(path, err);
    if (o == NULL)
        return err != NULL ? err->code : ATT_ECREATE;
    st = render(fmt, c, att_output_stream(o));
    if (st != CAIRO_STATUS_SUCCESS) {
        att_output_abort(o);
        snprintf(msg, sizeof msg, "cannot draw the plot: %s", cairo_status_to_string(st));
        fail(err, ATT_EIO, path, msg);
        return ATT_EIO;
    }
    return att_output_commit(o, err);
}

att_status
cli_plot_write(const char *path, const cli_plot_input *in, att_error *err)
{
    plot_format fmt;
    plot_ctx c;
    size_t i;

    if (path == NULL || in == NULL || in->proj == NULL) {
        fail(err, ATT_EINVAL, path, "no projection to plot");
        return ATT_EINVAL;
    }
    fmt = path_format(path, err);
    if (fmt == FMT_NONE)
        return ATT_EINVAL;
    memset(&c, 0, sizeof c);
    c.title = in->title != NULL ? in->title : "attrition projection";
    c.digest = in->digest;
    c.p = in->p;
    c.l = in->l;
    c.r = in->proj;
    c.lv = find_levels(c.r);
    c.start = in->p != NULL && in->p->projection.start != INT32_MIN ? in->p->projection.start
              : c.r->ndates > 0                                     ? c.r->dates[0]
                                                                    : 0;
    c.shown[PANEL_STRENGTH] = c.shown[PANEL_CASUALTIES] = true;
    /* The smaller panels where the ledger has their figures and the
     * projection their views. */
    for (i = 0; c.l != NULL && i < c.l->n; i++) {
        int k = report_panel(&c.l->reports[i]);
        if (report_drawn(&c.l->reports[i]) && k > PANEL_CASUALTIES)
            c.shown[k] = (k == PANEL_PER_DAY ? c.r->rate_q : c.r->share_q) != NULL;
    }
    c.draw = draw_plot;
    return write_plot(path, fmt, &c, err);
}

att_status
cli_plot_backtest(const char *path, const cli_backtest_plot_input *in, att_error *err)
{
    plot_format fmt;
    plot_ctx c;

    if (path == NULL || in == NULL || (in->nfan > 0 && in->fan == NULL)) {
        fail(err, ATT_EINVAL, path, "no backtest to plot");
        return ATT_EINVAL;
    }
    fmt = path_format(path, err);
    if (fmt == FMT_NONE)
        return ATT_EINVAL;
    memset(&c, 0, sizeof c);
    c.title = in->title != NULL ? in->title : "attrition backtest";
    c.digest = in->digest;
    c.p = in->p;
    c.l = in->l;
    c.bt = in;
    c.start = in->nfan > 0 ? in->fan[in->nfan - 1].origin : 0;
    c.shown[PANEL_CASUALTIES] = true;
    c.draw = draw_backtest;
    return write_plot(path, fmt, &c, err);
}

void
cli_plot_release(void)
{
    cairo_debug_reset_static_data();
    FcFini();
}
