/* app/cli/exportfile.c — every export format in sections, and the careful file write (exportfile.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "exportfile.h"
#include "gguf.h"

int exportfile_all(const rope_config *c, int ctx, rope_buf *out, rope_notes *notes, rope_error *err)
{
    for (int f = 0; f < ROPE_EXPORT_COUNT; f++) {
        if (rope_buf_printf(out, "%s== %s ==\n", out->len ? "\n" : "", rope_export_name((rope_export_format)f)))
            return rope_fail(err, "out of memory");
        if (rope_export(c, (rope_export_format)f, ctx, out, notes, err))
            return -1;
    }
    return 0;
}

int exportfile_write(const char *path, const char *text, size_t len, int overwrite, rope_error *err)
{
    if (!path || !*path)
        return rope_fail(err, "export: give a file name");
    if (gguf_out_check(path, err)) return -1;    /* a regular file or a new name, never a link or device */
    gguf_out_sweep(path);
    if (!overwrite && access(path, F_OK) == 0)
        return rope_fail(err, "%s exists; confirm (--force) to overwrite it or choose another name", path);
    char tmp[4200];
    if (snprintf(tmp, sizeof tmp, "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof tmp)
        return rope_fail(err, "export: the path is too long");
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return rope_fail(err, "cannot write %s: %s", tmp, strerror(errno));
    int bad = len && fwrite(text, 1, len, f) != len;
    bad |= fclose(f) != 0;
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
