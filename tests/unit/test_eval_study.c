/* tests/unit/test_eval_study.c — the whole-study functions of kernels/eval (what the commands and the
 * explorer's worker call): the passkey study picks the documented default lengths and depths (closed
 * form from the trained context), gives the same cells as the grid run by hand on a context made
 * separately (a second way), totals them, and cancels through its progress callback. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "corpus.h"
#include "eval.h"

static int stop_after(void *u, int done, int total)
{
    (void)total;
    return done >= *(int *)u;
}

static void test_passkey_study(void)
{
    model_hparams hp = { MODEL_VOCAB, 32, 1, 2, 1, 16, 48, 128, 1e-5f, 0 };
    model m;
    rope_error err = {{0}};
    CHECK_INT(model_init_random(&m, &hp, 11, &err), 0);
    eval_passkey_spec s;
    memset(&s, 0, sizeof s);
    s.depths[0] = 0.5;
    s.n_depths = 1;
    s.trials = 2;
    s.n_alt = 3;
    s.seed = 5;
    s.n_threads = 1;
    s.kv = MODEL_KV_KEEP;
    rope_params_init(&s.rope);
    s.rope.head_dim = 16;
    eval_passkey_study r;
    CHECK_INT(eval_passkey_study_run(&m, &s, &r, NULL, NULL, &err), 0);
    /* defaults: L/2, L, 2L, 4L, 8L with L = 128, keeping those >= CORPUS_TASK_MIN */
    int want[5], nw = 0;
    static const int mult2[] = { 1, 2, 4, 8, 16 };   /* 2·multiplier */
    for (int j = 0; j < 5; j++)
        if (128 * mult2[j] / 2 >= CORPUS_TASK_MIN) want[nw++] = 128 * mult2[j] / 2;
    CHECK_INT(s.n_lengths, nw);
    for (int j = 0; j < nw && j < s.n_lengths; j++) CHECK_INT(s.lengths[j], want[j]);
    CHECK_INT(r.n_cells, nw);
    CHECK_INT(r.n_trials, nw * 2);
    /* the grid by hand */
    model_ctx c;
    model_ctx_params cp;
    model_ctx_params_default(&m, &cp);
    cp.n_ctx = want[nw - 1];
    cp.n_threads = 1;
    cp.logits_all = 1;
    cp.rope = s.rope;
    CHECK_INT(model_ctx_init(&c, &m, &cp, &err), 0);
    eval_passkey_ws ws;
    CHECK_INT(eval_passkey_ws_init(&ws, want[nw - 1], 3, &err), 0);
    eval_passkey_cell cells[5];
    eval_passkey_trial tr[10];
    CHECK_INT(eval_passkey_grid(&c, &ws, want, nw, s.depths, 1, 2, 5, NULL, 0, cells, tr, NULL, NULL, &err), 0);
    int lp = 0, gen = 0;
    for (int k = 0; k < nw; k++) {
        CHECK_INT(r.cells[k].len, cells[k].len);
        CHECK_INT(r.cells[k].lp_correct, cells[k].lp_correct);
        CHECK_INT(r.cells[k].gen_correct, cells[k].gen_correct);
        CHECK_NEAR(r.cells[k].mean_margin, cells[k].mean_margin, 1e-9);
        lp += cells[k].lp_correct;
        gen += cells[k].gen_correct;
    }
    for (int t = 0; t < nw * 2; t++) {
        CHECK_INT(r.trials[t].key, tr[t].key);
        CHECK_NEAR(r.trials[t].lp_true, tr[t].lp_true, 1e-9);
    }
    CHECK_INT(r.lp_correct, lp);
    CHECK_INT(r.gen_correct, gen);
    eval_passkey_ws_free(&ws);
    model_ctx_free(&c);
    eval_passkey_study_free(&r);
    /* cancel after the first trial */
    int one = 1;
    CHECK_INT(eval_passkey_study_run(&m, &s, &r, stop_after, &one, &err), -1);
    CHECK_HAS(err.msg, "cancelled");
    CHECK(r.cells == NULL);
    model_free(&m);
}

int main(void)
{
    test_passkey_study();
    return check_done("test_eval_study");
}
