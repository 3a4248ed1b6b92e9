/* app/explorer/lab_export.c — the explorer's export key: every format ropecore's rope_export writes (the
 * code `ropescope export` runs), in its "== name ==" sections, plus the notes, written to a
 * temporary file and moved into place without ever replacing a file the user did not confirm. */
#include <stdlib.h>
#include "exportfile.h"
#include "lab.h"

int lab_export(const lab *L, const char *path, int overwrite, rope_error *err)
{
    rope_buf text = { 0 };
    rope_notes *notes = calloc(1, sizeof *notes);
    int rc = notes ? exportfile_all(&L->cfg, 0, &text, notes, err) : rope_fail(err, "out of memory");
    if (rc == 0 && notes->n > 0) {
        rc = rope_buf_printf(&text, "\n== notes ==\n");
        for (int k = 0; rc == 0 && k < notes->n; k++)
            rc = rope_buf_printf(&text, "%s\n", notes->line[k]);
        if (rc)
            rc = rope_fail(err, "out of memory");
    }
    if (rc == 0)
        rc = exportfile_write(path, text.data ? text.data : "", text.len, overwrite, err);
    free(notes);
    rope_buf_free(&text);
    return rc;
}

int lab_export_as(const lab *L, int format, const char *path, int overwrite, rope_notes *notes, rope_error *err)
{
    if (format < 0)
        return lab_export(L, path, overwrite, err);
    if (format >= ROPE_EXPORT_COUNT)
        return rope_fail(err, "export format %d does not exist", format);
    rope_buf text = { 0 };
    int rc = rope_export(&L->cfg, (rope_export_format)format, 0, &text, notes, err);
    if (rc == 0)
        rc = exportfile_write(path, text.data ? text.data : "", text.len, overwrite, err);
    rope_buf_free(&text);
    return rc;
}
