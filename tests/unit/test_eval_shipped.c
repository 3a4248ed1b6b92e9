/* tests/unit/test_eval_shipped.c — the shape of the story on the shipped model, on a small slice of
 * the held-out split: plain RoPE at 4·L is clearly worse than YaRN at 4·L (the same text, so the
 * comparison is between methods, not between texts). Skipped (exit 0 with a note) while assets/ropescope-tiny.gguf or Debian's
 * `bible` is missing. ROPESCOPE_EVAL_MODEL points it at another GGUF (e.g. a training checkpoint). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "check.h"
#include "corpus.h"
#include "eval.h"

int main(void)
{
    const char *path = getenv("ROPESCOPE_EVAL_MODEL");
    if (!path) path = ROPESCOPE_SOURCE_DIR "/assets/ropescope-tiny.gguf";
    if (access(path, R_OK) != 0) {
        printf("test_eval_shipped: skipped (no %s yet)\n", path);
        return 0;
    }
    char dir[64], kjv[96];
    snprintf(dir, sizeof dir, "/tmp/ropescope_shipped_XXXXXX");
    if (!mkdtemp(dir)) return 1;
    snprintf(kjv, sizeof kjv, "%s/kjv.txt", dir);
    rope_error err = {{0}};
    if (corpus_fetch_kjv(kjv, &err)) {
        printf("test_eval_shipped: skipped (%s)\n", err.msg);
        rmdir(dir);
        return 0;
    }
    corpus cor;
    model m;
    CHECK_INT(corpus_load(&cor, kjv, &err), 0);
    unlink(kjv);
    rmdir(dir);
    CHECK_INT(model_load(&m, path, &err), 0);
    if (check_failures) { fprintf(stderr, "%s\n", err.msg); return check_done("test_eval_shipped"); }
    int L = m.hp.ctx_train;
    int ctxs[] = { L, 4 * L };
    long n = (long)cor.n_heldout < 8L * L ? (long)cor.n_heldout : 8L * L;
    int *tok = malloc(sizeof(int) * (size_t)n);
    for (long i = 0; i < n; i++) tok[i] = cor.heldout[i];
    model_ctx_params cp;
    model_ctx_params_default(&m, &cp);
    cp.n_ctx = 4 * L;
    cp.logits_all = 1;
    model_ctx c;
    CHECK_INT(model_ctx_init(&c, &m, &cp, &err), 0);
    rope_method ms[] = { ROPE_NONE, ROPE_YARN };
    eval_sweep_point pts[4];
    CHECK_INT(eval_sweep(&c, &m.rope, ms, 2, ctxs, 2, 0, tok, n, &(eval_ppl_opts){ 2, EVAL_SCORE_HALF, 0 }, pts, NULL, NULL, NULL, &err), 0);
    double none_L = pts[0].r.ppl, none_4L = pts[1].r.ppl, yarn_4L = pts[3].r.ppl;
    printf("held-out slice: none ppl %.3f at L, %.3f at 4L; yarn (s 4) %.3f at 4L\n", none_L, none_4L, yarn_4L);
    CHECK(none_4L > 1.5 * yarn_4L);
    model_ctx_free(&c);
    model_free(&m);
    corpus_free(&cor);
    free(tok);
    return check_done("test_eval_shipped");
}
