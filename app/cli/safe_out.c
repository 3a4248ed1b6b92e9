/* app/cli/safe_out.c — the one place the exit status learns about lost output: stdout's error flag,
 * its final flush and its close are all checked (a full disk or /dev/full is a failure, not exit 0). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "safe_out.h"

int safe_out_finish(const char *cmd, int rc)
{
    errno = 0;
    int bad = fflush(stdout) != 0;
    int e = errno;
    bad |= ferror(stdout) != 0;
    errno = 0;
    if (fclose(stdout) != 0) {
        bad = 1;
        if (!e) e = errno;
    }
    if (!bad) return rc;
    fprintf(stderr, "ropescope%s%s: cannot write the output: %s\n", cmd ? " " : "", cmd ? cmd : "",
            e ? strerror(e) : "write error");
    return rc ? rc : 1;
}
