/* tests/unit/test_eval_compare.c — the compare and sweep studies of kernels/eval/eval_compare.h (what
 * `compare`, `ppl --sweep` and the explorer's worker call): each number equals the same evaluation run
 * by hand on a context made separately (a second way), the defaults and the regression's short lengths
 * follow their closed forms from L, a spec that does not fit is -2 with nothing allocated, and the
 * progress callback cancels. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "corpus.h"
#include "eval_compare.h"

#define N_TOK 2000

static int stop_at(void *u, int done, int total)
{
    (void)total;
    return done >= *(int *)u;
}

static int seen_max(void *u, int done, int total)
{
    int *v = u;
    if (done > v[0]) v[0] = done;
    v[1] = total;
    return 0;
}

static void make_text(int *tok, int n)
{
    uint64_t x = 7;
    for (int i = 0; i < n; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        tok[i] = 'a' + (int)((x >> 33) % 26);
    }
}

/* ppl at length ctx with method m on a fresh context, by hand */
static double ppl_by_hand(const model *md, const rope_params *base, rope_method m, int at, int ctx, int L, int chunks,
                          const int *tok)
{
    rope_error err = {{0}};
    rope_params t;
    eval_method_params(base, m, at, L, 0, &t);
    model_ctx c;
    model_ctx_params cp;
    model_ctx_params_default(md, &cp);
    cp.n_ctx = ctx;
    cp.n_threads = 1;
    cp.logits_all = 1;
    cp.rope = t;
    CHECK_INT(model_ctx_init(&c, md, &cp, &err), 0);
    eval_ppl_result r;
    CHECK_INT(eval_ppl(&c, tok, N_TOK, ctx, &(eval_ppl_opts){ chunks, EVAL_SCORE_HALF, 0 }, &r, NULL, NULL, NULL, &err),
              0);
    model_ctx_free(&c);
    return r.ppl;
}

static void test_compare(void)
{
    model_hparams hp = { MODEL_VOCAB, 32, 1, 2, 1, 16, 48, 128, 1e-5f, 0 };
    model m;
    rope_error err = {{0}};
    CHECK_INT(model_init_random(&m, &hp, 11, &err), 0);
    static int tok[N_TOK];
    make_text(tok, N_TOK);
    eval_compare_spec s;
    memset(&s, 0, sizeof s);
    s.methods[0] = ROPE_NONE;
    s.methods[1] = ROPE_YARN;
    s.n_methods = 2;
    s.max_chunks = 1;
    s.segments = 4;
    s.trials = 2;
    s.n_alt = 2;
    s.seed = 3;
    s.n_gen = 5;
    s.n_threads = 1;
    s.kv = MODEL_KV_KEEP;
    rope_params_init(&s.rope);
    s.rope.head_dim = 16;
    s.rope.orig_ctx = s.rope.max_pos = 128;
    s.tok = tok;
    s.n = N_TOK;
    eval_compare_result r;
    int prog[2] = { -1, 0 };
    CHECK_INT(eval_compare_run(&m, &s, &r, seen_max, prog, &err), 0);
    /* ctx 0 = max(4L, CORPUS_TASK_MIN); short lengths L/2 and L */
    int want_ctx = 4 * 128 > CORPUS_TASK_MIN ? 4 * 128 : CORPUS_TASK_MIN;
    CHECK_INT(s.ctx, want_ctx);
    CHECK_INT(r.ctx, want_ctx);
    CHECK_INT(r.n_short, 2);
    CHECK_INT(r.shorts[0], 64);
    CHECK_INT(r.shorts[1], 128);
    CHECK_INT(r.n_prompt, want_ctx - 5);
    CHECK_INT(prog[0], 2); /* the last call says "2 of 2" */
    CHECK_INT(prog[1], 2);
    /* the matched factor: yarn at 4L runs at s = 4, none keeps 1 */
    CHECK_NEAR(r.rows[1].factor, 4.0, 0);
    CHECK_INT(r.rows[1].rope.method, ROPE_YARN);
    /* every perplexity equals the evaluation by hand on a separate context */
    for (int i = 0; i < 2; i++) {
        double lng = ppl_by_hand(&m, &s.rope, s.methods[i], want_ctx, want_ctx, 128, 1, tok);
        CHECK_NEAR(r.rows[i].lng.ppl, lng, 1e-9 * lng);
        for (int k = 0; k < 2; k++) {
            int chunks = want_ctx / r.shorts[k];
            double sh = ppl_by_hand(&m, &s.rope, s.methods[i], want_ctx, r.shorts[k], 128, chunks, tok);
            CHECK_NEAR(r.rows[i].shrt[k].ppl, sh, 1e-9 * sh);
        }
        CHECK_INT(r.rows[i].pk_trials, 2);
    }
    /* none at the short lengths is the same run as the none row's short columns */
    for (int k = 0; k < 2; k++) CHECK_NEAR(r.none_short[k].ppl, r.rows[0].shrt[k].ppl, 1e-9 * r.none_short[k].ppl);
    eval_compare_free(&r);
    CHECK(r.rows == NULL);

    /* does not fit: -2, nothing to free */
    s.ctx = 100; /* < L */
    CHECK_INT(eval_compare_run(&m, &s, &r, NULL, NULL, &err), -2);
    CHECK(r.rows == NULL);
    s.ctx = 4096; /* longer than the text */
    CHECK_INT(eval_compare_run(&m, &s, &r, NULL, NULL, &err), -2);
    CHECK_HAS(err.msg, "needs at least 4096");
    s.ctx = 256;
    s.methods[1] = ROPE_LONGROPE; /* no lists */
    CHECK_INT(eval_compare_run(&m, &s, &r, NULL, NULL, &err), -2);
    CHECK_HAS(err.msg, "longrope: ");
    /* cancel before the second method */
    s.methods[1] = ROPE_LINEAR;
    int at = 1;
    CHECK_INT(eval_compare_run(&m, &s, &r, stop_at, &at, &err), -1);
    CHECK_HAS(err.msg, "cancelled");
    CHECK(r.rows == NULL);
    model_free(&m);
}

static void test_sweep(void)
{
    model_hparams hp = { MODEL_VOCAB, 32, 1, 2, 1, 16, 48, 64, 1e-5f, 0 };
    model m;
    rope_error err = {{0}};
    CHECK_INT(model_init_random(&m, &hp, 5, &err), 0);
    static int tok[N_TOK];
    make_text(tok, N_TOK);
    static const int ctxs[] = { 64, 256 };
    static const rope_method ms[] = { ROPE_NONE, ROPE_LINEAR };
    eval_sweep_spec s = { ctxs, 2, ms, 2, 0, { 2, EVAL_SCORE_HALF, 0 }, 1, 1, MODEL_KV_KEEP, { 0 }, tok, N_TOK };
    rope_params_init(&s.rope);
    s.rope.head_dim = 16;
    s.rope.orig_ctx = s.rope.max_pos = 64;
    eval_sweep_study r;
    CHECK_INT(eval_sweep_study_run(&m, &s, &r, NULL, NULL, &err), 0);
    CHECK_INT(r.longest, 256);
    CHECK(r.loss != NULL);
    /* linear at 256 runs at s = 256/64 = 4; each point equals the run by hand (2 chunks of 256 = 8 of 64) */
    CHECK_NEAR(r.pts[3].factor, 4.0, 0);
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            double want = ppl_by_hand(&m, &s.rope, ms[i], ctxs[j], ctxs[j], 64, 2 * 256 / ctxs[j], tok);
            CHECK_NEAR(r.pts[i * 2 + j].r.ppl, want, 1e-9 * want);
        }
    eval_sweep_study_free(&r);
    static const int too_long[] = { 64, 4096 };
    s.ctxs = too_long;
    CHECK_INT(eval_sweep_study_run(&m, &s, &r, NULL, NULL, &err), -2);
    CHECK(r.pts == NULL);
    model_free(&m);
}

int main(void)
{
    test_compare();
    test_sweep();
    return check_done("test_eval_compare");
}
