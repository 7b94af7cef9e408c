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

#endif /* ATTRITION_CLI_PLOT_H */
