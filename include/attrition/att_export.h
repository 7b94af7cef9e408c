/* att_export.h -- the resolved fit inputs as canonical JSON.
 *
 * The canonical JSON (`attrition export-data`) holds exactly what the
 * likelihood and the priors use: the reports after repeats and revisions,
 * each with the times of its window's days; the phases, arrivals, classes,
 * priors, anchor, cut-off and the parameter names in order.  Keys are in a
 * fixed order and numbers are printed with 17 significant digits, so the
 * same inputs give the same bytes and the same SHA-256 (the fit digest),
 * which a saved fit carries (att_savefit.h).
 */
#ifndef ATTRITION_ATT_EXPORT_H
#define ATTRITION_ATT_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include <attrition/att_digest.h>
#include <attrition/att_posterior.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ATT_EXPORT_FORMAT  "attrition-fit-inputs"
#define ATT_EXPORT_VERSION 1

/* The canonical JSON of post's inputs (cutoff as given to the posterior,
 * INT32_MAX for none) into a NUL-terminated string (att_export_free it),
 * and its SHA-256 into digest (may be NULL). */
ATT_NODISCARD att_status att_export_inputs(const att_params *p,
                                           const att_ledger *l,
                                           const att_posterior *post,
                                           int32_t cutoff,
                                           char **out_json,
                                           char digest[ATT_DIGEST_HEX],
                                           att_error *err);

/* Frees att_export_inputs' string; NULL is a no-op. */
void att_export_free(char *json);

#ifdef __cplusplus
}
#endif

#endif /* ATTRITION_ATT_EXPORT_H */
