/* tests/unit/test_eval_shipped.c — the shape of the story on the two shipped models, on a small slice
 * of the held-out split (the same tokens for every number, so comparisons are between methods and
 * models, not between texts):
 *   - the base model (assets/ropescope-tiny.gguf, plain RoPE, trained at L): plain RoPE at 4·L is
 *     clearly worse than YaRN at 4·L, and YaRN at 4·L stays near the model's perplexity at L;
 *   - the YaRN 8× fine-tune (assets/ropescope-tiny-yarn8.gguf): at 8·L under its own YaRN it beats the
 *     base model's zero-shot YaRN at 8·L, and at L it stays close to the base model at L (the
 *     short-context regression is small).
 * Skipped (exit 77) while a model or Debian's `bible` is missing. ROPESCOPE_EVAL_MODEL and
 * ROPESCOPE_EVAL_FINETUNED point it at other GGUFs (e.g. training checkpoints). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "check.h"
#include "corpus.h"
#include "eval.h"

#define NAME "test_eval_shipped"

/* Perplexity of tok[0..n) at context ctx (llama.cpp scoring, n/ctx chunks) under method/factor. */
static double ppl_at(model_ctx *c, const rope_params *base, rope_method method, double factor, const int *tok,
                     long n, int ctx)
{
    rope_params p = *base;
    p.method = method;
    p.factor = factor;
    rope_error err = {{0}};
    eval_ppl_result r;
    if (model_ctx_set_rope(c, &p, &err) ||
        eval_ppl(c, tok, n, ctx, &(eval_ppl_opts){ 0, EVAL_SCORE_HALF, 0 }, &r, NULL, NULL, NULL, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        CHECK(0);
        return 0.0;
    }
    return r.ppl;
}

int main(void)
{
    const char *base_path = getenv("ROPESCOPE_EVAL_MODEL");
    const char *ft_path = getenv("ROPESCOPE_EVAL_FINETUNED");
    if (!base_path) base_path = ROPESCOPE_SOURCE_DIR "/assets/ropescope-tiny.gguf";
    if (!ft_path) ft_path = ROPESCOPE_SOURCE_DIR "/assets/ropescope-tiny-yarn8.gguf";
    if (access(base_path, R_OK) != 0) return check_skip(NAME, base_path);
    if (access(ft_path, R_OK) != 0) return check_skip(NAME, ft_path);
    char dir[64], kjv[96];
    snprintf(dir, sizeof dir, "/tmp/ropescope_shipped_XXXXXX");
    if (!mkdtemp(dir)) return 1;
    snprintf(kjv, sizeof kjv, "%s/kjv.txt", dir);
    rope_error err = {{0}};
    if (corpus_fetch_kjv(kjv, &err)) {
        rmdir(dir);
        return check_skip(NAME, err.msg);
    }
    corpus cor;
    CHECK_INT(corpus_load(&cor, kjv, &err), 0);
    unlink(kjv);
    rmdir(dir);
    model base, ft;
    CHECK_INT(model_load(&base, base_path, &err), 0);
    CHECK_INT(model_load(&ft, ft_path, &err), 0);
    if (check_failures) { fprintf(stderr, "%s\n", err.msg); return check_done(NAME); }
    const int L = base.hp.ctx_train;
    CHECK_INT(ft.rope.method, ROPE_YARN);
    CHECK_NEAR(ft.rope.factor, 8.0, 0.0);
    CHECK_INT(ft.rope.orig_ctx, L);

    /* the slice: the first 8·L held-out tokens (one chunk at 8·L, two at 4·L, eight at L) */
    long n = 8L * L;
    if ((long)cor.n_heldout < n) n = (long)cor.n_heldout;
    int *tok = malloc(sizeof(int) * (size_t)n);   /* [n] byte tokens */
    for (long i = 0; i < n; i++) tok[i] = cor.heldout[i];

    model_ctx cb, cf;
    model_ctx_params cp;
    model_ctx_params_default(&base, &cp);
    cp.n_ctx = (int)n;
    cp.logits_all = 1;
    CHECK_INT(model_ctx_init(&cb, &base, &cp, &err), 0);
    model_ctx_params_default(&ft, &cp);
    cp.n_ctx = (int)n;
    cp.logits_all = 1;
    CHECK_INT(model_ctx_init(&cf, &ft, &cp, &err), 0);
    if (check_failures) { fprintf(stderr, "%s\n", err.msg); return check_done(NAME); }

    double b_none_L = ppl_at(&cb, &base.rope, ROPE_NONE, 1, tok, n, L);
    double b_none_4L = ppl_at(&cb, &base.rope, ROPE_NONE, 1, tok, n, 4 * L);
    double b_yarn_4L = ppl_at(&cb, &base.rope, ROPE_YARN, 4, tok, n, 4 * L);
    double b_yarn_8L = ppl_at(&cb, &base.rope, ROPE_YARN, 8, tok, n, 8 * L);
    double f_yarn_8L = ppl_at(&cf, &ft.rope, ROPE_YARN, 8, tok, n, 8 * L);
    double f_yarn_L = ppl_at(&cf, &ft.rope, ROPE_YARN, 8, tok, n, L);
    printf("held-out slice (%ld tokens): base none %.3f at L, %.3f at 4L; base yarn %.3f at 4L (s 4), %.3f at 8L "
           "(s 8); fine-tuned yarn s 8: %.3f at 8L, %.3f at L\n", n, b_none_L, b_none_4L, b_yarn_4L, b_yarn_8L,
           f_yarn_8L, f_yarn_L);
    CHECK(b_none_4L > 1.5 * b_yarn_4L);     /* plain RoPE past L collapses; YaRN does not */
    CHECK(b_yarn_4L < 1.3 * b_none_L);      /* YaRN at 4·L stays near the in-range perplexity */
    CHECK(f_yarn_8L < b_yarn_8L);           /* the fine-tune bought something at 8·L */
    CHECK(f_yarn_L < 1.15 * b_none_L);      /* and kept the short context */

    model_ctx_free(&cb);
    model_ctx_free(&cf);
    model_free(&base);
    model_free(&ft);
    corpus_free(&cor);
    free(tok);
    return check_done(NAME);
}
