/* plot.h -- `--plot FILE.svg|.png|.pdf`: fan charts of the projection drawn
 * with cairo. */
#ifndef ATTRITION_CLI_PLOT_H
#define ATTRITION_CLI_PLOT_H

#include <attrition/att_common.h>
#include <attrition/att_ledger.h>
#include <attrition/att_params.h>
#include <attrition/att_project.h>

typedef struct {
    const char *title;          /* first line of the title, e.g. the scenario and its description */
    const att_params *p;        /* phases (shaded), thresholds, projection start */
    const att_ledger *l;        /* the reports, drawn as points and range bars */
    const att_projection *proj; /* fitted period (hist_*) and projection (q, dates) */
    const char *digest;         /* hex SHA-256 of the inputs: fixes the PDF's dates */
} cli_plot_input;

/* Draws the charts into path; the format comes from its extension (.svg,
 * .png, .pdf).  Written atomically (att_output).  ATT_EINVAL for another
 * extension, with the message saying which are known. */
att_status cli_plot_write(const char *path, const cli_plot_input *in, att_error *err);

/* One origin of a backtest: the projection of cumulative casualties made
 * there (the closed form of the fit at the origin, then the paths). */
typedef struct {
    int32_t origin;       /* the day the fit knew everything stated by */
    size_t n;             /* dates */
    const int32_t *dates; /* day numbers, from origin + 1, weekly */
    const double *q05;    /* casualties, 5%, 50% and 95% over paths, per date */
    const double *q50;
    const double *q95;
} cli_backtest_fan;

typedef struct {
    const char *title;   /* e.g. "backtest: baseline" */
    const att_params *p; /* phases (shaded) */
    const att_ledger *l; /* the reports: casualty figures as points and range bars,
                            coloured by source class; those stated after an origin are
                            what that origin's projection is judged against */
    size_t nfan;         /* origins drawn, oldest first */
    const cli_backtest_fan *fan;
    const char *digest; /* hex SHA-256 of the inputs: fixes the PDF's dates */
} cli_backtest_plot_input;

/* `attrition backtest --plot FILE`: one panel of cumulative casualties over
 * time, each origin's median projection as a line (a colour ramp from old
 * to new, its 5-95% band faint), a tick at each origin, and the casualty
 * reports.  Format, atomicity and errors as cli_plot_write. */
att_status cli_plot_backtest(const char *path, const cli_backtest_plot_input *in, att_error *err);

/* Frees cairo's and fontconfig's caches; called once at exit, after the
 * last plot, so that a leak checker sees a clean exit. */
void cli_plot_release(void);

#endif /* ATTRITION_CLI_PLOT_H */
