/* bad_ledgers.h -- malformed ledgers, shared by test_ledger (library status, line, field) and
 * test_cli (exit code, message). */
#ifndef ATTRITION_BAD_LEDGERS_H
#define ATTRITION_BAD_LEDGERS_H

#include <attrition/att_common.h>

#define HDR                                                                                    \
    "id,statement_date,asof_start,asof_end,source,source_class,kind,qualifier,value,low,high," \
    "quote,doc,repeat_of,note\n"
#define HDRM                                                                                   \
    "id,statement_date,asof_start,asof_end,source,source_class,kind,qualifier,value,low,high," \
    "quote,doc,measure\n"
#define HDRG                                                                                   \
    "id,statement_date,asof_start,asof_end,source,source_class,kind,qualifier,value,low,high," \
    "quote,doc,group\n"
#define GOOD                                                                        \
    "r1,2025-01-05,2025-01-05,2025-01-05,Zelensky,ua_gov,casualties,approx,3800,,," \
    "\"Today 3,800 killed or wounded.\",001.txt,,\n"

typedef struct {
    const char *name;
    const char *text;
    att_status code;
    long line;
    int column;        /* field number, 1-based; 0 for the whole row */
    const char *field; /* column name, or NULL */
    const char *msg;   /* substring of the message */
} bad_ledger_case;

#define ROW(rest) "r2," rest "\n"

static const bad_ledger_case bad_ledgers[] = {
    {"misnamed header column",
     "id,statement,asof_start,asof_end,source,source_class,kind,qualifier,value,low,high,quote,"
     "doc\n" GOOD,
     ATT_EPARSE, 1, 2, NULL, "to be \"statement_date\", found \"statement\""},
    {"header too short", "id,statement_date,asof_start\n" GOOD, ATT_EPARSE, 1, 0, NULL,
     "at least 13 columns, found 3"},
    {"unknown extra column",
     "id,statement_date,asof_start,asof_end,source,source_class,kind,qualifier,value,low,high,"
     "quote,doc,repeat\n",
     ATT_EPARSE, 1, 14, NULL, "did you mean \"repeat_of\""},
    {"extra column twice",
     "id,statement_date,asof_start,asof_end,source,source_class,kind,qualifier,value,low,high,"
     "quote,doc,note,note\n",
     ATT_EPARSE, 1, 15, NULL, "once"},
    {"too few fields", HDR "r1,2025-01-05,2025-01-05\n", ATT_EPARSE, 2, 0, NULL,
     "expected 15 fields (as in the header), found 3"},
    {"bad id", HDR "r 1,2025-01-05,2025-01-05,2025-01-05,Z,ua_gov,casualties,approx,1,,,q,d,,\n",
     ATT_EPARSE, 2, 1, "id", "identifier"},
    {"duplicate id",
     HDR GOOD "r1,2025-01-06,2025-01-06,2025-01-06,Z,ua_gov,killed,approx,1,,,q,d,,\n", ATT_EDATA,
     3, 1, "id", "already used on line 2"},
    {"bad statement date",
     HDR ROW("2025-13-05,2025-01-05,2025-01-05,Z,ua_gov,killed,approx,1,,,q,d,,"), ATT_EPARSE, 2, 2,
     "statement_date", "month is not 01-12"},
    {"no such day", HDR ROW("2025-02-05,2025-02-29,2025-02-01,Z,ua_gov,killed,approx,1,,,q,d,,"),
     ATT_EPARSE, 2, 3, "asof_start", "no such day in that month"},
    {"empty date", HDR ROW("2025-02-05,2025-02-01,,Z,ua_gov,killed,approx,1,,,q,d,,"), ATT_EPARSE,
     2, 4, "asof_end", "found nothing"},
    {"window reversed",
     HDR ROW("2025-02-05,2025-02-03,2025-02-01,Z,ua_gov,killed,approx,1,,,q,d,,"), ATT_EDATA, 2, 4,
     "asof_end", "on or after asof_start"},
    {"window after the statement",
     HDR ROW("2025-02-05,2025-02-01,2025-02-06,Z,ua_gov,killed,approx,1,,,q,d,,"), ATT_EDATA, 2, 4,
     "asof_end", "cannot describe days after it was said"},
    {"no source", HDR ROW("2025-02-05,2025-02-01,2025-02-05,,ua_gov,killed,approx,1,,,q,d,,"),
     ATT_EPARSE, 2, 5, "source", "who said it"},
    {"undeclared class",
     HDR ROW("2025-02-05,2025-02-01,2025-02-05,Z,ua_govt,killed,approx,1,,,q,d,,"), ATT_EPARSE, 2,
     6, "source_class", "did you mean \"ua_gov\""},
    {"unknown kind", HDR ROW("2025-02-05,2025-02-01,2025-02-05,Z,ua_gov,casualty,approx,1,,,q,d,,"),
     ATT_EPARSE, 2, 7, "kind", "did you mean \"casualties\""},
    {"unknown qualifier",
     HDR ROW("2025-02-05,2025-02-01,2025-02-05,Z,ua_gov,killed,about,1,,,q,d,,"), ATT_EPARSE, 2, 8,
     "qualifier", "expected a qualifier (approx, range, at_least, up_to)"},
    {"approx without value",
     HDR ROW("2025-02-05,2025-02-01,2025-02-05,Z,ua_gov,killed,approx,,,,q,d,,"), ATT_EPARSE, 2, 9,
     "value", "expected a number for qualifier approx, found nothing"},
    {"approx with a low bound",
     HDR ROW("2025-02-05,2025-02-01,2025-02-05,Z,ua_gov,killed,approx,5,4,,q,d,,"), ATT_EPARSE, 2,
     10, "low", "expected an empty field"},
    {"range with a value",
     HDR ROW("2025-02-05,2025-02-01,2025-02-05,Z,ua_gov,killed,range,5,4,6,q,d,,"), ATT_EPARSE, 2,
     9, "value", "expected an empty field for qualifier range"},
    {"range reversed", HDR ROW("2025-02-05,2025-02-01,2025-02-05,Z,ua_gov,killed,range,,6,6,q,d,,"),
     ATT_EDATA, 2, 11, "high", "expected high > low"},
    {"negative figure",
     HDR ROW("2025-02-05,2025-02-01,2025-02-05,Z,ua_gov,killed,up_to,-5,,,q,d,,"), ATT_ERANGE, 2, 9,
     "value", "expected a number in (0, 1e+09]"},
    {"zero figure", HDR ROW("2025-02-05,2025-02-01,2025-02-05,Z,ua_gov,killed,at_least,0,,,q,d,,"),
     ATT_ERANGE, 2, 9, "value", "found 0"},
    {"thousands separator",
     HDR ROW("2025-02-05,2025-02-01,2025-02-05,Z,ua_gov,killed,approx,\"3,800\",,,q,d,,"),
     ATT_EPARSE, 2, 9, "value", "no thousands separators"},
    {"fraction above one",
     HDR ROW("2025-02-05,2025-02-01,2025-02-05,Z,ua_gov,fraction,approx,1.5,,,q,d,,"), ATT_ERANGE,
     2, 9, "value", "fraction in (0, 1]"},
    {"fraction range above one",
     HDR ROW("2025-02-05,2025-02-01,2025-02-05,Z,ua_gov,fraction,range,,0.5,1.2,q,d,,"), ATT_ERANGE,
     2, 11, "high", "fraction in (0, 1]"},
    {"not a number", HDR ROW("2025-02-05,2025-02-01,2025-02-05,Z,ua_gov,killed,approx,nan,,,q,d,,"),
     ATT_EPARSE, 2, 9, "value", "expected a plain number, found \"nan\""},
    {"absurdly large",
     HDR ROW("2025-02-05,2025-02-01,2025-02-05,Z,ua_gov,killed,approx,1e12,,,q,d,,"), ATT_ERANGE, 2,
     9, "value", "(0, 1e+09]"},
    {"no quote", HDR ROW("2025-02-05,2025-02-01,2025-02-05,Z,ua_gov,killed,approx,5,,,,d,,"),
     ATT_EPARSE, 2, 12, "quote", "the sentence the figure comes from"},
    {"no document", HDR ROW("2025-02-05,2025-02-01,2025-02-05,Z,ua_gov,killed,approx,5,,,q,,,"),
     ATT_EPARSE, 2, 13, "doc", "seed file or URL"},
    {"unclosed quote",
     HDR GOOD ROW(
         "2025-02-05,2025-02-01,2025-02-05,Z,ua_gov,killed,approx,5,,,\"q,d,,") "r3,2025-02-05,"
                                                                                "2025-02-01,2025-"
                                                                                "02-05,Z,ua_gov,"
                                                                                "killed,approx,5,,,"
                                                                                "q,d,,\n",
     ATT_EPARSE, 3, 12, "quote", "unclosed quote"},
    {"unclosed quote at the end", HDR GOOD "r2,\"2025-02-05", ATT_EPARSE, 3, 2, "statement_date",
     "closing quote before the end of the file"},
    {"stray quote",
     HDR ROW("2025-02-05,2025-02-01,2025-02-05,Z,ua_gov,killed,approx,5,,,\"q\"x,d,,"), ATT_EPARSE,
     2, 12, "quote", "malformed quoting"},
    {"repeat of an unknown id",
     HDR GOOD ROW("2025-02-05,2025-01-05,2025-01-05,Z,ua_gov,killed,approx,5,,,q,d,r9,"), ATT_EDATA,
     3, 14, "repeat_of", "no such id"},
    {"repeat of a later row",
     HDR GOOD ROW("2025-01-01,2024-12-30,2024-12-30,Z,ua_gov,killed,approx,5,,,q,d,r1,"), ATT_EDATA,
     3, 14, "repeat_of", "which is not earlier"},
    {"repeat with another window",
     HDR GOOD ROW("2025-02-05,2025-01-04,2025-01-05,Z,ua_gov,killed,approx,5,,,q,d,r1,"), ATT_EDATA,
     3, 14, "repeat_of", "the original's source class and as-of window"},
    {"one source in two classes",
     HDR GOOD ROW(
         "2025-02-05,2025-01-05,2025-01-05,Zelensky,us_gov,casualties,approx,3800,,,q,d,,"),
     ATT_EDATA, 3, 6, "source_class", "to keep its class ua_gov (line 2), found us_gov"},
    {"duplicate id reported at its second use",
     HDR GOOD "r9,2025-01-06,2025-01-06,2025-01-06,Z,ua_gov,killed,approx,1,,,q,d,,\n"
              "r9,2025-01-07,2025-01-07,2025-01-07,Z,ua_gov,killed,approx,2,,,q,d,,\n"
              "r1,2025-01-08,2025-01-08,2025-01-08,Z,ua_gov,killed,approx,3,,,q,d,,\n",
     ATT_EDATA, 4, 1, "id", "\"r9\" already used on line 3"},
    {"one source in three classes",
     HDR "a,2025-02-01,2025-01-01,2025-01-31,Kyiv,ua_gov,casualties,approx,4000,,,q,d,,\n"
         "b,2025-02-02,2025-01-01,2025-01-31,KYIV,us_gov,casualties,approx,4500,,,q,d,,\n",
     ATT_EDATA, 3, 6, "source_class", "to keep its class ua_gov (line 2), found us_gov"},
    {"unknown measure",
     HDRM "r1,2025-01-31,2025-01-01,2025-01-31,Z,ua_gov,casualties,approx,500,,,q,d,monthly\n",
     ATT_EPARSE, 2, 14, "measure", "expected a measure"},
    {"measure of a strength figure",
     HDRM "r1,2025-01-31,2025-01-01,2025-01-31,Z,ua_gov,strength,approx,500,,,q,d,period\n",
     ATT_EDATA, 2, 14, "measure", "cumulative or nothing for a strength figure"},
    {"measure of a rate",
     HDRM "r1,2025-01-31,2025-01-01,2025-01-31,Z,ua_gov,rate,approx,50,,,q,d,daily\n", ATT_EDATA, 2,
     14, "measure", "a rate is daily casualties already"},
    {"measure column twice",
     "id,statement_date,asof_start,asof_end,source,source_class,kind,qualifier,value,low,high,"
     "quote,doc,measure,measure\n",
     ATT_EPARSE, 1, 15, NULL, "once"},
    {"empty item in a group list",
     HDRG "r1,2025-01-31,2025-01-01,2025-01-31,Z,ua_gov,casualties,approx,500,,,q,d,inf++art\n",
     ATT_EPARSE, 2, 14, "group", "expected group names joined by +"},
    {"group not a name",
     HDRG "r1,2025-01-31,2025-01-01,2025-01-31,Z,ua_gov,casualties,approx,500,,,q,d,1st\n",
     ATT_EPARSE, 2, 14, "group", "found \"1st\""},
    {"group twice",
     HDRG "r1,2025-01-31,2025-01-01,2025-01-31,Z,ua_gov,casualties,approx,500,,,q,d,art+inf+art\n",
     ATT_EDATA, 2, 14, "group", "each group once, found art twice"},
    {"empty file", "", ATT_EPARSE, 0, 0, NULL, "empty file"},
    {"header only", HDR, ATT_EDATA, 0, 0, NULL, "at least one report"},
};

#endif /* ATTRITION_BAD_LEDGERS_H */
