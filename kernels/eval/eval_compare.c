/* kernels/eval/eval_compare.c — the compare study and the perplexity sweep study (eval_compare.h):
 * the orchestration `ropescope compare` and `ppl --sweep` used to hold, on a context made here. */
#include <stdlib.h>
#include <string.h>
#include "corpus.h"
#include "eval_compare.h"

/* --- compare ------------------------------------------------------------------------------------- */

void eval_compare_free(eval_compare_result *r)
{
    if (r->rows)
        for (int i = 0; i < r->n_rows; i++)
            free(r->rows[i].cont);
    free(r->rows);
    memset(r, 0, sizeof *r);
}

/* The inner evaluations report chunks and trials; the caller hears "method i of n" (and may cancel). */
typedef struct cmp_prog {
    eval_progress fn;
    void *u;
    int i, n;
} cmp_prog;

static int inner_progress(void *u, int done, int total)
{
    cmp_prog *p = u;
    (void)done;
    (void)total;
    return p->fn ? p->fn(p->u, p->i, p->n) : 0;
}

/* Checks what the command checks in its own words, here in neutral ones; fills the defaults. */
static int compare_check(const model *m, eval_compare_spec *s, eval_compare_result *r, rope_error *err)
{
    int L = eval_base_ctx(m);
    if (s->n_methods < 1 || s->n_methods > EVAL_COMPARE_MAX_METHODS)
        return rope_fail(err, "compare: %d methods; give 1 to %d", s->n_methods, EVAL_COMPARE_MAX_METHODS);
    if (!s->ctx)
        s->ctx = 4 * L > CORPUS_TASK_MIN ? 4 * L : CORPUS_TASK_MIN;
    if (s->ctx < L)
        return rope_fail(err, "compare: the long context %d is shorter than the model's context L = %d", s->ctx, L);
    if (s->n < s->ctx)
        return rope_fail(err, "compare: the text has %ld tokens; a context of %d needs at least %d", s->n, s->ctx,
                         s->ctx);
    if (s->trials < 0 || s->trials > EVAL_COMPARE_MAX_TRIALS || s->n_gen < 0 || s->max_chunks < 1 ||
        s->segments < 1 || s->segments > EVAL_COMPARE_MAX_SEG)
        return rope_fail(err, "compare: trials 0 to %d, continuation >= 0, chunks >= 1 and 1 to %d segments",
                         EVAL_COMPARE_MAX_TRIALS, EVAL_COMPARE_MAX_SEG);
    if (s->segments > s->ctx - 1)
        s->segments = s->ctx - 1;
    r->n_prompt = s->prompt ? s->n_prompt : s->ctx - s->n_gen;
    if (r->n_prompt < 1)
        return rope_fail(err, "compare: a continuation of %d tokens leaves no prompt inside %d", s->n_gen, s->ctx);
    for (int i = 0; i < s->n_methods; i++) {
        rope_params t;
        rope_error e2;
        eval_method_params(&s->rope, s->methods[i], s->ctx, L, s->fixed_factor, &t);
        if (rope_params_validate(&t, &e2))
            return rope_fail(err, "%s: %s", rope_method_get(s->methods[i])->name, e2.msg);
    }
    r->L = L;
    r->ctx = s->ctx;
    r->segments = s->segments;
    r->shorts[0] = L / 2;
    r->shorts[1] = L;
    r->n_short = L / 2 >= 4 ? 2 : 1;
    if (r->n_short == 1)
        r->shorts[0] = L;
    return 0;
}

/* Method i's row: every evaluation at its parameters. */
static int compare_row(model_ctx *c, eval_passkey_ws *ws, const eval_compare_spec *s, const eval_compare_result *r,
                       const int *ptok, int *gen, double *loss, cmp_prog *pg, eval_compare_row *row, rope_error *err)
{
    int ctx = r->ctx;
    rope_params t;
    row->method = s->methods[pg->i];
    row->factor = eval_method_params(&s->rope, row->method, ctx, r->L, s->fixed_factor, &t);
    row->rope = t;
    if (pg->fn && pg->fn(pg->u, pg->i, pg->n))
        return rope_fail(err, "cancelled");
    if (model_ctx_set_rope(c, &t, err) ||
        eval_ppl(c, s->tok, s->n, ctx, &(eval_ppl_opts){ s->max_chunks, EVAL_SCORE_HALF, 0 }, &row->lng, loss,
                 inner_progress, pg, err))
        return -1;
    eval_segments(loss, ctx - 1, r->segments, row->seg);
    for (int k = 0; k < r->n_short; k++) {
        int chunks = (int)((long)s->max_chunks * ctx / r->shorts[k]);
        if (eval_ppl(c, s->tok, s->n, r->shorts[k], &(eval_ppl_opts){ chunks, EVAL_SCORE_HALF, 0 }, &row->shrt[k],
                     NULL, inner_progress, pg, err))
            return -1;
    }
    if (s->trials > 0) {
        double depths[EVAL_COMPARE_MAX_TRIALS];
        eval_passkey_cell cells[EVAL_COMPARE_MAX_TRIALS];
        for (int d = 0; d < s->trials; d++)
            depths[d] = s->trials > 1 ? (double)d / (s->trials - 1) : 0.5;
        if (eval_passkey_grid(c, ws, &ctx, 1, depths, s->trials, 1, s->seed, NULL, 0, cells, NULL, inner_progress,
                              pg, err))
            return -1;
        for (int d = 0; d < s->trials; d++) {
            row->pk_lp += cells[d].lp_correct;
            row->pk_gen += cells[d].gen_correct;
            row->pk_trials += cells[d].trials;
            row->pk_margin += cells[d].mean_margin / s->trials;
        }
    }
    if (s->n_gen > 0) {
        if (eval_greedy(c, ptok, r->n_prompt, s->n_gen, gen, err))
            return -1;
        memcpy(row->cont, gen, sizeof(int) * (size_t)s->n_gen);
    }
    return 0;
}

int eval_compare_run(const model *m, eval_compare_spec *s, eval_compare_result *r, eval_progress progress, void *u,
                     rope_error *err)
{
    memset(r, 0, sizeof *r);
    if (compare_check(m, s, r, err))
        return -2;
    int ctx = r->ctx, rc = -1, have_ws = 0;
    int need = ctx > r->n_prompt + s->n_gen ? ctx : r->n_prompt + s->n_gen;
    model_ctx c;
    model_ctx_params cp;
    model_ctx_params_default(m, &cp);
    cp.n_ctx = need;
    cp.n_threads = s->n_threads;
    cp.logits_all = 1;
    cp.kv_mode = s->kv;
    cp.rope = s->rope;
    if (model_ctx_init(&c, m, &cp, err))
        return -3;
    eval_passkey_ws ws;
    int *gen = malloc(sizeof(int) * (size_t)(s->n_gen > 0 ? s->n_gen : 1));
    double *loss = malloc(sizeof(double) * (size_t)ctx);
    int *ptok = malloc(sizeof(int) * (size_t)r->n_prompt);
    r->rows = calloc((size_t)s->n_methods, sizeof *r->rows);
    if (r->rows)
        r->n_rows = s->n_methods;
    if (!gen || !loss || !ptok || !r->rows) {
        rope_fail(err, "out of memory");
        goto out;
    }
    for (int i = 0; i < s->n_methods; i++)
        if (!(r->rows[i].cont = calloc((size_t)s->n_gen + 1, sizeof(int)))) {
            rope_fail(err, "out of memory");
            goto out;
        }
    if (s->trials > 0) {
        if (eval_passkey_ws_init(&ws, ctx, s->n_alt, err))
            goto out;
        have_ws = 1;
    }
    for (int i = 0; i < r->n_prompt; i++)
        ptok[i] = s->prompt ? s->prompt[i] : s->tok[i];
    cmp_prog pg = { progress, u, 0, s->n_methods };
    for (int i = 0; i < s->n_methods; i++) {
        pg.i = i;
        if (compare_row(&c, &ws, s, r, ptok, gen, loss, &pg, &r->rows[i], err))
            goto out;
    }
    /* plain RoPE at the short lengths: the "off" side of the regression */
    rope_params t;
    eval_method_params(&s->rope, ROPE_NONE, r->L, r->L, 0, &t);
    if (model_ctx_set_rope(&c, &t, err))
        goto out;
    for (int k = 0; k < r->n_short; k++) {
        int chunks = (int)((long)s->max_chunks * ctx / r->shorts[k]);
        if (eval_ppl(&c, s->tok, s->n, r->shorts[k], &(eval_ppl_opts){ chunks, EVAL_SCORE_HALF, 0 },
                     &r->none_short[k], NULL, inner_progress, &pg, err))
            goto out;
    }
    if (progress && progress(u, s->n_methods, s->n_methods)) {
        rope_fail(err, "cancelled");
        goto out;
    }
    rc = 0;
out:
    if (have_ws)
        eval_passkey_ws_free(&ws);
    model_ctx_free(&c);
    free(gen);
    free(loss);
    free(ptok);
    if (rc)
        eval_compare_free(r);
    return rc;
}

/* --- the perplexity sweep ------------------------------------------------------------------------- */

void eval_sweep_study_free(eval_sweep_study *r)
{
    free(r->pts);
    free(r->loss);
    memset(r, 0, sizeof *r);
}

int eval_sweep_study_run(const model *m, const eval_sweep_spec *s, eval_sweep_study *r, eval_progress progress,
                         void *u, rope_error *err)
{
    memset(r, 0, sizeof *r);
    int longest = 0, L = eval_base_ctx(m);
    for (int j = 0; j < s->n_ctxs; j++)
        if (s->ctxs[j] > longest)
            longest = s->ctxs[j];
    r->longest = longest;
    r->L = L;
    if (s->n_ctxs < 1 || s->n_methods < 1)
        return rope_fail(err, "sweep: no lengths or no methods"), -2;
    if (s->n < longest)
        return rope_fail(err, "the text has %ld tokens; length %d needs at least %d", s->n, longest, longest), -2;
    /* every method must be valid before the long work starts */
    for (int i = 0; i < s->n_methods; i++) {
        rope_params t;
        rope_error e2;
        eval_method_params(&s->rope, s->methods[i], longest, L, s->fixed_factor, &t);
        if (rope_params_validate(&t, &e2))
            return rope_fail(err, "%s: %s", rope_method_get(s->methods[i])->name, e2.msg), -2;
    }
    r->pts = calloc((size_t)s->n_methods * s->n_ctxs, sizeof *r->pts);
    r->loss = s->per_pos ? malloc(sizeof(double) * (size_t)s->n_methods * (longest - 1)) : NULL;
    if (!r->pts || (s->per_pos && !r->loss)) {
        eval_sweep_study_free(r);
        return rope_fail(err, "out of memory");
    }
    model_ctx c;
    model_ctx_params cp;
    model_ctx_params_default(m, &cp);
    cp.n_ctx = longest;
    cp.n_threads = s->n_threads;
    cp.logits_all = 1;
    cp.kv_mode = s->kv;
    cp.rope = s->rope;
    if (model_ctx_init(&c, m, &cp, err)) {
        eval_sweep_study_free(r);
        return -3;
    }
    int rc = eval_sweep(&c, &s->rope, s->methods, s->n_methods, s->ctxs, s->n_ctxs, s->fixed_factor, s->tok, s->n,
                        &s->opts, r->pts, r->loss, progress, u, err);
    model_ctx_free(&c);
    if (rc)
        eval_sweep_study_free(r);
    return rc ? -1 : 0;
}
