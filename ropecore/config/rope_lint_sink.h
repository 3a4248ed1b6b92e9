/* ropecore/config/rope_lint_sink.h — internal to the lint files (rope_lint.c, rope_lint_engines.c): where
 * rules write their findings. Rules beyond max are counted and written to a scratch item, so a caller
 * learns the total with a short array. */
#ifndef ROPE_LINT_SINK_H
#define ROPE_LINT_SINK_H

#include <stddef.h>
#include "rope_config.h"

typedef struct rope_lint_sink {
    rope_lint_item *items;      /* [max] the caller's array (NULL: count only) */
    int max, n;                 /* its length; findings so far */
    rope_lint_item scratch;     /* where findings beyond max write */
} rope_lint_sink;

/* The next finding, cleared, with its rule, level and source (the public reference: a paper's arXiv id,
 * a library file, a public issue). */
rope_lint_item *rope_lint_fire(rope_lint_sink *s, const char *rule, rope_lint_level level, const char *source);
/* printf into a finding's text field (a line longer than the field is cut). */
void rope_lint_text(char *dst, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#define WHAT(it, ...) rope_lint_text((it)->what, sizeof (it)->what, __VA_ARGS__)
#define FIX(it, ...)  rope_lint_text((it)->fix, sizeof (it)->fix, __VA_ARGS__)

#endif
