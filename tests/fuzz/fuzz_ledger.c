/* fuzz_ledger.c -- libFuzzer harness for the ledger parser (att_ledger_parse).
 * Any input must give a ledger or an error with a message, never a crash,
 * a hang or a leak; a ledger that loads must satisfy its invariants. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include <attrition/att_ledger.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const fuzz_classes[] = {"ua_gov",     "us_gov",   "kr_gov",   "western_gov",
                                           "think_tank", "ru_state", "kp_state", "media"};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    att_ledger *l = NULL;
    att_error err;
    bool used[64];
    size_t i;

    gsl_set_error_handler_off();
    if (att_ledger_parse("fuzz.csv", (const char *)data, size, fuzz_classes, 8, &l, &err) !=
        ATT_OK) {
        if (l != NULL || err.code == ATT_OK || err.msg[0] == '\0')
            abort(); /* a failure must say what failed, and return nothing */
        return 0;
    }
    for (i = 0; i < l->n; i++) {
        const att_report *r = &l->reports[i];
        if (r->asof_start > r->asof_end || r->asof_end > r->statement || r->cls >= 8 ||
            (r->repeat_of != ATT_NONE && r->repeat_of >= l->n))
            abort();
    }
    if (l->n <= 64)
        (void)att_ledger_used(l, INT32_MAX, used);
    att_ledger_free(l);
    return 0;
}
