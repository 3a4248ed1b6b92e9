/* ropecore/rope_error.c — the one-line error carrier shared by every library in ropescope. */
#include <stdarg.h>
#include <stdio.h>
#include "rope_error.h"

int rope_fail(rope_error *err, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return -1;
}
