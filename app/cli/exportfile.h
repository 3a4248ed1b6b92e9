/* app/cli/exportfile.h — what `ropescope export` and the explorer's export key share: every format in
 * "== name ==" sections (rope_export underneath), and a file write that never half-writes and never
 * replaces a file unless asked. */
#ifndef EXPORTFILE_H
#define EXPORTFILE_H

#include <stddef.h>
#include "rope_config.h"

/* Appends every export format of c to out, each under a "== name ==" line; notes collects what the
 * targets cannot express (may be NULL). ctx as for rope_export. */
int exportfile_all(const rope_config *c, int ctx, rope_buf *out, rope_notes *notes, rope_error *err);

/* Writes text[0..len) to path through a temporary file in the same directory. Without overwrite an
 * existing path is an error (also one created while writing: the final step is link(), which
 * refuses to replace a name). */
int exportfile_write(const char *path, const char *text, size_t len, int overwrite, rope_error *err);

#endif
