/* fixture.h -- a posterior built from in-memory texts, for the tests. */
#ifndef ATTRITION_TEST_FIXTURE_H
#define ATTRITION_TEST_FIXTURE_H

#include <attrition/att_ledger.h>
#include <attrition/att_params.h>
#include <attrition/att_posterior.h>

typedef struct {
    att_params *p;
    att_ledger *l;
    att_posterior *post;
    att_posterior_workspace *w;
} fixture;

/* Loads params and ledger texts and builds the posterior (all reports);
 * fails the test with the loader's message on error. */
void fixture_load(fixture *f, const char *params_text, const char *ledger_text);
void fixture_free(fixture *f);

/* A whole file as a NUL-terminated malloc'd string; fixture_slurp fails
 * the test where the file cannot be opened, fixture_read_file returns
 * NULL. */
char *fixture_slurp(const char *path);
char *fixture_read_file(const char *path);

/* The same for binary files: *len gets the size (NULL and 0 when the file
 * cannot be opened). */
unsigned char *fixture_read_bytes(const char *path, size_t *len);

/* Creates dir if needed and removes every file in it; counts its entries. */
void fixture_fresh_dir(const char *dir);
int fixture_count_entries(const char *dir);

/* An att_params_load_with reader that serves ctx, a NUL-terminated text,
 * whatever path is asked for. */
att_status fixture_reader(void *ctx, const char *path, char **out, size_t *len, att_error *err);

/* The shipped baseline scenario and ledger. */
void fixture_load_shipped(fixture *f, const char *scenario);

/* Every kind and qualifier, a rate, windows, a pinned class, a fixed, a
 * uniform and a log-normal arrival, a fixed phase with combat. */
#define ALL_PARAMS                                                                                 \
    "[model]\nanchor = us_gov:losses\n"                                                            \
    "[phase pre]\nstart = 2024-10-01\nend = 2024-12-06\nhazard = 0\n"                              \
    "[phase a1]\nstart = 2024-12-06\nend = 2025-01-15\nhazard_median = 0.006\nhazard_log_sd = 1\n" \
    "[phase mid]\nstart = 2025-01-15\nend = 2025-02-05\nhazard = 0.0007\n"                         \
    "[phase a2]\nstart = 2025-02-05\nhazard_median = 0.004\nhazard_log_sd = 0.8\n"                 \
    "[arrival x]\ndate = 2024-10-16\ncount_low = 9000\ncount_high = 13000\n"                       \
    "[arrival y]\ndate = 2025-01-22\ncount_median = 1500\ncount_log_sd = 0.4\n"                    \
    "[arrival z]\ndate = 2025-02-20\ncount = 700\n"                                                \
    "[class ua_gov]\ntau_losses = 0.7\ntau_force = 0.3\n"                                          \
    "[class us_gov]\ntau_losses = 0.5\ntau_force = 0.3\n"                                          \
    "[class think_tank]\ntau_losses = 0.5\ntau_force = 0.3\n"

#define ALL_HDR                                                                                \
    "id,statement_date,asof_start,asof_end,source,source_class,kind,qualifier,value,low,high," \
    "quote,doc,repeat_of\n"
#define ALL_ROWS                                                                      \
    "c1,2024-12-31,2024-12-21,2024-12-31,W,us_gov,casualties,approx,1000,,,q,d,\n"    \
    "c2,2024-12-31,2024-12-21,2024-12-31,Z,ua_gov,casualties,approx,3000,,,q,d,\n"    \
    "k1,2025-01-10,2025-01-10,2025-01-10,Z,ua_gov,killed,at_least,600,,,q,d,\n"       \
    "w1,2025-02-01,2025-01-20,2025-02-01,Z,ua_gov,wounded,range,,2000,3500,q,d,\n"    \
    "r1,2025-01-31,2024-12-06,2025-01-15,ISW,think_tank,rate,approx,92,,,q,d,\n"      \
    "f1,2025-01-31,2025-01-01,2025-01-31,ISW,think_tank,fraction,up_to,0.5,,,q,d,\n"  \
    "s1,2025-03-01,2025-03-01,2025-03-01,K,ua_gov,strength,approx,8000,,,q,d,\n"      \
    "d1,2025-01-05,2025-01-05,2025-01-05,U,us_gov,deployed,range,,10000,12000,q,d,\n" \
    "d2,2025-03-10,2025-03-01,2025-03-10,U,us_gov,deployed,at_least,12000,,,q,d,\n"

/* ALL_PARAMS's phases and classes for a force of three groups (an
 * estimated and a fixed hazard ratio), departures of every form and an
 * estimated return share: every parameter the extended model adds. */
#define FORCE_PARAMS                                                                               \
    "[model]\nanchor = us_gov:losses\nreference_group = inf\n"                                     \
    "return_share_a = 3\nreturn_share_b = 7\nreturn_delay = 20\n"                                  \
    "[phase pre]\nstart = 2024-10-01\nend = 2024-12-06\nhazard = 0\n"                              \
    "[phase a1]\nstart = 2024-12-06\nend = 2025-01-15\nhazard_median = 0.006\nhazard_log_sd = 1\n" \
    "[phase mid]\nstart = 2025-01-15\nend = 2025-02-05\nhazard = 0.0007\n"                         \
    "[phase a2]\nstart = 2025-02-05\nhazard_median = 0.004\nhazard_log_sd = 0.8\n"                 \
    "[group inf]\n[group art]\nhazard_ratio_median = 0.5\nhazard_ratio_log_sd = 0.5\n"             \
    "[group eng]\nhazard_ratio = 0.3\n"                                                            \
    "[arrival x]\ndate = 2024-10-16\ncount_low = 9000\ncount_high = 13000\ngroup = inf\n"          \
    "[arrival y]\ndate = 2024-11-20\ncount_median = 1500\ncount_log_sd = 0.4\ngroup = art\n"       \
    "[arrival z]\ndate = 2024-11-25\ncount = 700\ngroup = eng\n"                                   \
    "[arrival w]\ndate = 2025-01-22\ncount = 1000\ngroup = inf\n"                                  \
    "[departure da]\ndate = 2025-01-05\ncount_low = 200\ncount_high = 800\ngroup = inf\n"          \
    "[departure db]\ndate = 2025-01-20\ncount_median = 300\ncount_log_sd = 0.5\ngroup = art\n"     \
    "[departure dc]\ndate = 2025-02-10\nshare_a = 2\nshare_b = 18\ngroup = inf\n"                  \
    "[departure dd]\ndate = 2025-02-15\nshare = 0.2\ngroup = eng\n"                                \
    "[departure de]\ndate = 2025-03-01\ncount = 100\ngroup = art\n"                                \
    "[class ua_gov]\ntau_losses = 0.7\ntau_force = 0.3\n"                                          \
    "[class us_gov]\ntau_losses = 0.5\ntau_force = 0.3\n"                                          \
    "[class think_tank]\ntau_losses = 0.5\ntau_force = 0.3\n"

/* Every kind, qualifier and measure, over the whole force and over sets
 * of groups. */
#define FORCE_HDR                                                                              \
    "id,statement_date,asof_start,asof_end,source,source_class,kind,qualifier,value,low,high," \
    "quote,doc,measure,group\n"
#define FORCE_ROWS                                                                              \
    "c1,2024-12-31,2024-12-21,2024-12-31,W,us_gov,casualties,approx,1000,,,q,d,,inf\n"          \
    "c2,2024-12-31,2024-12-21,2024-12-31,Z,ua_gov,casualties,approx,3000,,,q,d,,\n"             \
    "k1,2025-01-10,2025-01-10,2025-01-10,Z,ua_gov,killed,at_least,300,,,q,d,,art+eng\n"         \
    "w1,2025-02-01,2025-01-20,2025-02-01,Z,ua_gov,wounded,range,,2000,3500,q,d,,inf\n"          \
    "r1,2025-01-31,2024-12-06,2025-01-15,ISW,think_tank,rate,approx,92,,,q,d,,\n"               \
    "f1,2025-01-31,2025-01-01,2025-01-31,ISW,think_tank,fraction,up_to,0.5,,,q,d,,inf\n"        \
    "s1,2025-03-01,2025-03-01,2025-03-01,K,ua_gov,strength,approx,8000,,,q,d,,inf\n"            \
    "s2,2025-03-05,2025-02-20,2025-03-05,K,ua_gov,strength,range,,500,1500,q,d,,art\n"          \
    "d1,2025-01-05,2025-01-05,2025-01-05,U,us_gov,deployed,range,,10000,14000,q,d,,\n"          \
    "d2,2025-03-10,2025-03-01,2025-03-10,U,us_gov,deployed,at_least,600,,,q,d,,eng\n"           \
    "p1,2025-01-20,2024-12-10,2025-01-10,Z,ua_gov,casualties,approx,300,,,q,d,period,art\n"     \
    "p2,2025-02-20,2025-01-20,2025-02-10,W,us_gov,killed,range,,200,900,q,d,period,art+inf\n"   \
    "p3,2025-03-20,2025-02-01,2025-03-10,Z,ua_gov,wounded,at_least,300,,,q,d,period,\n"         \
    "p4,2025-01-25,2025-01-01,2025-01-15,ISW,think_tank,casualties,up_to,400,,,q,d,daily,inf\n" \
    "p5,2025-02-25,2025-02-06,2025-02-20,Z,ua_gov,killed,approx,2,,,q,d,daily,eng\n"            \
    "p6,2025-03-25,2025-03-01,2025-03-20,W,us_gov,wounded,range,,30,90,q,d,daily,\n"

#endif /* ATTRITION_TEST_FIXTURE_H */
