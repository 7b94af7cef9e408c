/* hub.c -- the hubverse model-output and oracle-output layouts. */
#include "hub.h"

#include <string.h>

#include <attrition/att_date.h>

#include "print.h"

const char *
cli_hub_target(const att_report *r, char *buf, size_t n)
{
    snprintf(buf, n, "%s%s%s%s%s", att_kind_name(r->kind),
             r->measure != ATT_MEASURE_CUMULATIVE ? " " : "",
             r->measure != ATT_MEASURE_CUMULATIVE ? att_measure_name(r->measure) : "",
             r->groups[0] != '\0' ? " " : "", r->groups);
    return buf;
}

void
cli_hub_model_header(FILE *f, int report)
{
    fprintf(f,
            "model_id,origin_date,%starget,horizon,target_end_date,output_type,"
            "output_type_id,value\n",
            report ? "report_id," : "");
}

void
cli_hub_model_row(FILE *f,
                  const char *model_id,
                  int32_t origin,
                  const char *report_id,
                  const char *target,
                  int32_t target_end,
                  int32_t horizon,
                  double level,
                  double value)
{
    char d[ATT_DATE_BUFSIZE], e[ATT_DATE_BUFSIZE];

    fprintf(f, "%s,%s,", model_id, att_date_format(origin, d));
    if (report_id != NULL) {
        cli_csv_text(f, report_id);
        fputc(',', f);
    }
    cli_csv_text(f, target);
    fprintf(f, ",%d,%s,quantile,%g,", (int)horizon, att_date_format(target_end, e), level);
    cli_csv_num(f, value);
    fputc('\n', f);
}

void
cli_hub_oracle(FILE *f, const att_ledger *l, int32_t after)
{
    char t[256], d[ATT_DATE_BUFSIZE];
    size_t i;

    fprintf(f, "report_id,target,target_end_date,output_type,output_type_id,oracle_value\n");
    for (i = 0; i < l->n; i++) {
        const att_report *r = &l->reports[i];
        if (r->statement <= after || r->qualifier != ATT_QUAL_APPROX || r->repeat_of != ATT_NONE)
            continue;
        cli_csv_text(f, r->id);
        fputc(',', f);
        cli_csv_text(f, cli_hub_target(r, t, sizeof t));
        fprintf(f, ",%s,quantile,,", att_date_format(r->asof_end, d));
        cli_csv_num(f, r->value);
        fputc('\n', f);
    }
}

typedef struct {
    const att_ledger *l;
    int32_t after;
} hub_oracle_ctx;

static void
hub_oracle_print(FILE *f, const void *ctx)
{
    const hub_oracle_ctx *c = ctx;
    cli_hub_oracle(f, c->l, c->after);
}

int
cli_hub_write(const char *prefix,
              void (*print)(FILE *f, const void *ctx),
              const void *ctx,
              const att_ledger *l,
              int32_t after)
{
    char path[4096];
    hub_oracle_ctx oc = {l, after};
    int rc;

    snprintf(path, sizeof path, "%s-model-output.csv", prefix);
    if ((rc = cli_write_output(path, false, 0, NULL, print, ctx)) != 0 || l == NULL)
        return rc;
    snprintf(path, sizeof path, "%s-oracle-output.csv", prefix);
    return cli_write_output(path, false, 0, NULL, hub_oracle_print, &oc);
}
