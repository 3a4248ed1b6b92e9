/* ropecore/rope_error.h — the one-line error carrier every library in ropescope returns with -1.
 * Neutral: it knows nothing about RoPE, so a file reader or a thread pool can include it alone. */
#ifndef ROPE_ERROR_H
#define ROPE_ERROR_H

#define ROPE_ERR_LEN 320 /* bytes, including the terminating NUL */

/* One human-readable line: what is wrong, where, and how to fix it. */
typedef struct rope_error {
    char msg[ROPE_ERR_LEN];
} rope_error;

/* Formats into err (if non-NULL) and returns -1, so callers can `return rope_fail(err, ...)`. */
int rope_fail(rope_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
