/* att_output.h -- output files that are complete or absent.
 *
 * A regular file (or a path that does not exist yet) is written to a
 * temporary file in the same folder, then flushed, synced and renamed over
 * the target only when everything succeeded: a crash, a full disk or a
 * size limit leaves the previous file as it was.  Anything else (a device,
 * a FIFO, "-" for standard output) is written in place, with every write
 * and the final flush checked.
 */
#ifndef ATTRITION_ATT_OUTPUT_H
#define ATTRITION_ATT_OUTPUT_H

#include <stdio.h>

#include <attrition/att_common.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct att_output att_output; /* opaque */

/* Opens path for writing ("-" or NULL: standard output).  NULL on failure
 * with err filled (ATT_ECREATE when the file or its temporary cannot be
 * created). */
ATT_NODISCARD att_output *att_output_open(const char *path, att_error *err);

/* The stream to write to (valid until commit or abort). */
FILE *att_output_stream(att_output *o);

/* Finishes: checks every write, flushes, syncs and renames into place;
 * frees o in every case.  ATT_EIO (the target untouched) if anything
 * failed. */
ATT_NODISCARD att_status att_output_commit(att_output *o, att_error *err);

/* Gives up: removes the temporary file, frees o.  NULL does nothing. */
void att_output_abort(att_output *o);

#ifdef __cplusplus
}
#endif

#endif /* ATTRITION_ATT_OUTPUT_H */
