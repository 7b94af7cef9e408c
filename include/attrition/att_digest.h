/* att_digest.h -- SHA-256 fingerprints of inputs (Nettle), as lowercase hex. */
#ifndef ATTRITION_ATT_DIGEST_H
#define ATTRITION_ATT_DIGEST_H

#include <stddef.h>

#include <attrition/att_common.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ATT_DIGEST_HEX 65 /* 64 hex digits and a NUL */

/* The SHA-256 of len bytes at data, in hex. */
void att_digest_bytes(const void *data, size_t len, char out[ATT_DIGEST_HEX]);

/* The SHA-256 of n byte strings, each preceded by its length ("%zu\n"),
 * in order (as att_digest_files does with files' contents). */
void
att_digest_parts(const void *const *data, const size_t *len, size_t n, char out[ATT_DIGEST_HEX]);

/* The SHA-256 of the files' contents, each preceded by its length, in
 * order: one fingerprint for a parameter file and its includes. */
ATT_NODISCARD att_status att_digest_files(const char *const *paths,
                                          size_t n,
                                          char out[ATT_DIGEST_HEX],
                                          att_error *err);

#ifdef __cplusplus
}
#endif

#endif /* ATTRITION_ATT_DIGEST_H */
