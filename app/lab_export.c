/* app/lab_export.c — the explorer's export key: every format ropecore's rope_export writes (the
 * code `ropescope export` runs), in its "== name ==" sections, plus the notes, written to a
 * temporary file and moved into place without ever replacing a file the user did not confirm. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lab.h"

static int export_text(const lab *L, rope_buf *out, rope_error *err)
{
    rope_notes *notes = calloc(1, sizeof *notes);
    if (!notes)
        return rope_fail(err, "out of memory");
    int rc = 0;
    for (int f = 0; f < ROPE_EXPORT_COUNT && rc == 0; f++) {
        if (rope_buf_printf(out, "%s== %s ==\n", out->len ? "\n" : "", rope_export_name((rope_export_format)f)))
            rc = rope_fail(err, "out of memory");
        else if (rope_export(&L->cfg, (rope_export_format)f, 0, out, notes, err))
            rc = -1;
    }
    if (rc == 0 && notes->n > 0) {
        rc = rope_buf_printf(out, "\n== notes ==\n");
        for (int k = 0; rc == 0 && k < notes->n; k++)
            rc = rope_buf_printf(out, "%s\n", notes->line[k]);
        if (rc)
            rc = rope_fail(err, "out of memory");
    }
    free(notes);
    return rc;
}

int lab_export(const lab *L, const char *path, int overwrite, rope_error *err)
{
    if (!path || !*path)
        return rope_fail(err, "export: give a file name");
    if (!overwrite && access(path, F_OK) == 0)
        return rope_fail(err, "%s exists; confirm to overwrite it or choose another name", path);
    rope_buf text = { 0 };
    if (export_text(L, &text, err)) {
        rope_buf_free(&text);
        return -1;
    }
    char tmp[4200];
    if (snprintf(tmp, sizeof tmp, "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof tmp) {
        rope_buf_free(&text);
        return rope_fail(err, "export: the path is too long");
    }
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        int e = errno;
        rope_buf_free(&text);
        return rope_fail(err, "cannot write %s: %s", tmp, strerror(e));
    }
    int bad = text.len && fwrite(text.data, 1, text.len, f) != text.len;
    bad |= fclose(f) != 0;
    rope_buf_free(&text);
    if (bad) {
        int e = errno;
        remove(tmp);
        return rope_fail(err, "cannot write %s: %s", tmp, strerror(e));
    }
    int rc;
    if (overwrite) {
        rc = rename(tmp, path);
    } else {
        /* link() refuses to replace an existing name, so a file created meanwhile is never lost */
        rc = link(tmp, path);
        if (rc != 0 && errno != EEXIST && access(path, F_OK) != 0)
            rc = rename(tmp, path); /* file systems without hard links */
    }
    int e = errno;
    remove(tmp);
    if (rc != 0)
        return rope_fail(err, "cannot write %s: %s", path, e == EEXIST ? "it exists" : strerror(e));
    return 0;
}
