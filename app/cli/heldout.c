/* app/cli/heldout.c — the held-out passage (heldout.h): the KJV read from `bible` into memory, split by
 * corpus_from_memory exactly as the trainer splits it, and its held-out part returned as tokens. */
#include <stdint.h>
#include <stdlib.h>
#include "corpus.h"
#include "heldout.h"
#include "modelcmd.h"

int cli_heldout_tokens(int **tok, long *n, rope_error *err)
{
    *tok = NULL;
    *n = 0;
    char *text;
    size_t len;
    if (corpus_read_kjv(&text, &len, err))
        return -1;
    corpus c;
    int rc = corpus_from_memory(&c, text, len, err);
    free(text);
    if (rc)
        return -1;
    int *t = malloc(sizeof *t * (c.n_heldout ? c.n_heldout : 1));
    if (!t) {
        corpus_free(&c);
        return rope_fail(err, "out of memory for the held-out passage");
    }
    for (size_t i = 0; i < c.n_heldout; i++)
        t[i] = c.heldout[i];
    *tok = t;
    *n = (long)c.n_heldout;
    corpus_free(&c);
    return 0;
}

int cli_text_tokens(const char *path, int **tok, long *n, const char **name, rope_error *err)
{
    *name = path ? path : CLI_HELDOUT_NAME;
    if (path)
        return cmd_read_tokens(path, tok, n, err);
    return cli_heldout_tokens(tok, n, err);
}
