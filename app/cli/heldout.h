/* app/cli/heldout.h — the built-in held-out passage: the held-out split of the King James Bible from
 * Debian's bible-kjv (the same text and split the trainer uses, kernels/train/corpus.h), produced at
 * run time by running `bible`; nothing is downloaded or stored. The model commands and the explorer's
 * model panel read it when no text file is given.
 *
 * Contract: -1 with one line naming the package when `bible` is missing; nothing prints or exits. */
#ifndef HELDOUT_H
#define HELDOUT_H

#include <stddef.h>
#include "rope_error.h"

/* What error messages and headers call the passage. */
#define CLI_HELDOUT_NAME "the built-in held-out KJV passage"

/* The held-out split as byte tokens: *tok is malloc'd [*n] (the caller frees it). */
int cli_heldout_tokens(int **tok, long *n, rope_error *err);

/* The tokens of `path`, or of the held-out passage when path is NULL; *name receives what to call
 * the text in output (path, or CLI_HELDOUT_NAME). */
int cli_text_tokens(const char *path, int **tok, long *n, const char **name, rope_error *err);

#endif
