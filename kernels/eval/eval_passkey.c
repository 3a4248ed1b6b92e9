/* kernels/eval/eval_passkey.c — passkey retrieval (eval.h): a landmark-attention style episode from
 * corpus_passkey, scored by the teacher-forced log-probability of the true key against alternative
 * keys and by greedy generation, one trial at a time or over a length × depth grid. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "corpus.h"
#include "eval.h"

int eval_passkey_ws_init(eval_passkey_ws *ws, int max_len, int n_alt, rope_error *err)
{
    memset(ws, 0, sizeof *ws);
    if (max_len < CORPUS_TASK_MIN)
        return rope_fail(err, "a passkey episode needs at least %d tokens; %d requested", CORPUS_TASK_MIN, max_len);
    if (n_alt < 0 || n_alt > EVAL_PASSKEY_MAX_ALT)
        return rope_fail(err, "%d alternative keys is out of range; use 0 to %d", n_alt, EVAL_PASSKEY_MAX_ALT);
    ws->max_len = max_len;
    ws->n_alt = n_alt;
    ws->buf = malloc((size_t)max_len);
    ws->tok = malloc(sizeof(int) * (size_t)max_len);
    ws->row = malloc(sizeof(float) * MODEL_VOCAB);
    ws->alt = malloc(sizeof(int) * (size_t)(n_alt > 0 ? n_alt : 1));
    if (!ws->buf || !ws->tok || !ws->row || !ws->alt) {
        eval_passkey_ws_free(ws);
        return rope_fail(err, "out of memory for passkey episodes of %d tokens", max_len);
    }
    return 0;
}

void eval_passkey_ws_free(eval_passkey_ws *ws)
{
    free(ws->buf);
    free(ws->tok);
    free(ws->row);
    free(ws->alt);
    memset(ws, 0, sizeof *ws);
}

static int argmax(const float *v, int n)
{
    int b = 0;
    for (int i = 1; i < n; i++)
        if (v[i] > v[b]) b = i;
    return b;
}

/* log P(" K" | prompt): the cache holds exactly the prompt (prompt_len tokens) and `row` its last
 * logits; ans[6] = ' ' and the key's digits. The cache is rewound to the prompt first: positions
 * >= n_past are overwritten by the next model_eval, the prompt's keys stay as they were cached. */
static int key_logprob(model_ctx *c, const float *row, int prompt_len, const int *ans, double *lp, rope_error *err)
{
    int V = c->m->hp.n_vocab;
    if (model_ctx_rewind(c, prompt_len, err)) return -1;
    double s = eval_logprob(row, V, ans[0]);
    if (model_eval(c, ans, EVAL_PASSKEY_GEN - 1, err)) return -1;
    for (int j = 0; j + 1 < EVAL_PASSKEY_GEN; j++) s += eval_logprob(model_logits(c, j), V, ans[j + 1]);
    *lp = s;
    return 0;
}

static void key_tokens(int key, int *ans)
{
    ans[0] = ' ';
    for (int j = 5; j >= 1; j--) {
        ans[j] = '0' + key % 10;
        key /= 10;
    }
}

int eval_passkey_run(model_ctx *c, eval_passkey_ws *ws, int len, int key, double depth, const int *alt,
                     int n_alt, const uint8_t *filler, size_t n_filler, size_t filler_off,
                     eval_passkey_trial *out, rope_error *err)
{
    memset(out, 0, sizeof *out);
    if (len > ws->max_len)
        return rope_fail(err, "passkey length %d exceeds the workspace's %d tokens", len, ws->max_len);
    if (len > c->cp.n_ctx)
        return rope_fail(err, "passkey length %d exceeds the context's %d tokens", len, c->cp.n_ctx);
    if (n_alt < 0 || n_alt > ws->n_alt)
        return rope_fail(err, "%d alternative keys; the workspace holds %d", n_alt, ws->n_alt);
    if (!c->cp.logits_all) return rope_fail(err, "the passkey test needs a context created with logits_all");
    int ap = 0;
    if (corpus_passkey(ws->buf, len, key, depth, filler, n_filler, filler_off, &ap, err)) return -1;
    int V = c->m->hp.n_vocab;
    for (int i = 0; i < ap; i++) ws->tok[i] = ws->buf[i];
    out->len = len;
    out->depth = depth;
    out->key = key;
    out->prompt_len = ap;

    model_ctx_reset(c);
    if (model_eval(c, ws->tok, ap, err)) return -1;
    memcpy(ws->row, model_logits(c, ap - 1), sizeof(float) * (size_t)V);

    /* greedy: EVAL_PASSKEY_GEN tokens after the prompt */
    int g[EVAL_PASSKEY_GEN];
    g[0] = argmax(ws->row, V);
    for (int k = 1; k < EVAL_PASSKEY_GEN; k++) {
        if (model_eval(c, &g[k - 1], 1, err)) return -1;
        g[k] = argmax(model_logits(c, 0), V);
    }
    int ans[EVAL_PASSKEY_GEN];
    key_tokens(key, ans);
    int from = g[0] == ' ' ? 1 : 0, ok = 1;
    for (int j = 0; j < 5; j++) ok &= from + j < EVAL_PASSKEY_GEN && g[from + j] == ans[1 + j];
    out->gen_correct = ok;
    for (int k = 0; k < EVAL_PASSKEY_GEN; k++) out->gen[k] = g[k] >= 32 && g[k] < 127 ? (char)g[k] : '?';
    out->gen[EVAL_PASSKEY_GEN] = '\0';

    /* teacher-forced log-probabilities of the key and the alternatives */
    if (key_logprob(c, ws->row, ap, ans, &out->lp_true, err)) return -1;
    out->rank = 1;
    out->lp_best_alt = -INFINITY;
    out->best_alt = 0;
    for (int a = 0; a < n_alt; a++) {
        int at[EVAL_PASSKEY_GEN];
        double lp;
        key_tokens(alt[a], at);
        if (key_logprob(c, ws->row, ap, at, &lp, err)) return -1;
        if (lp >= out->lp_true) out->rank++;
        if (lp > out->lp_best_alt) {
            out->lp_best_alt = lp;
            out->best_alt = alt[a];
        }
    }
    out->lp_correct = out->rank == 1;
    model_ctx_reset(c);
    return 0;
}

void eval_passkey_draw(uint64_t seed, int li, int di, int t, int n_alt, size_t n_filler, int *key, int *alt,
                       size_t *filler_off)
{
    uint64_t s = seed * 0x9E3779B97F4A7C15ull ^ ((uint64_t)(li & 0x1fffff) << 42 | (uint64_t)(di & 0x1fffff) << 21 |
                                                 (uint64_t)(t & 0x1fffff));
    corpus_rand(&s);
    *key = 10000 + (int)(corpus_rand(&s) % 90000);
    for (int a = 0; a < n_alt; a++) {
        int k, dup;
        do {
            k = 10000 + (int)(corpus_rand(&s) % 90000);
            dup = k == *key;
            for (int b = 0; b < a && !dup; b++) dup = alt[b] == k;
        } while (dup);
        alt[a] = k;
    }
    *filler_off = n_filler ? (size_t)(corpus_rand(&s) % n_filler) : 0;
}

int eval_passkey_grid(model_ctx *c, eval_passkey_ws *ws, const int *lengths, int n_lengths, const double *depths,
                      int n_depths, int trials, uint64_t seed, const uint8_t *filler, size_t n_filler,
                      eval_passkey_cell *cells, eval_passkey_trial *trial_out, eval_progress progress, void *u,
                      rope_error *err)
{
    if (n_lengths < 1 || n_depths < 1 || trials < 1)
        return rope_fail(err, "a passkey grid needs at least one length, one depth and one trial");
    for (int li = 0; li < n_lengths; li++)
        if (lengths[li] < CORPUS_TASK_MIN || lengths[li] > ws->max_len || lengths[li] > c->cp.n_ctx)
            return rope_fail(err, "passkey length %d is outside %d..%d", lengths[li], CORPUS_TASK_MIN,
                             ws->max_len < c->cp.n_ctx ? ws->max_len : c->cp.n_ctx);
    for (int di = 0; di < n_depths; di++)
        if (!(depths[di] >= 0.0 && depths[di] <= 1.0))
            return rope_fail(err, "passkey depth %g is outside [0, 1]", depths[di]);
    int total = n_lengths * n_depths * trials, done = 0;
    for (int li = 0; li < n_lengths; li++)
        for (int di = 0; di < n_depths; di++) {
            eval_passkey_cell *cell = &cells[li * n_depths + di];
            memset(cell, 0, sizeof *cell);
            cell->len = lengths[li];
            cell->depth = depths[di];
            double margin = 0.0;
            for (int t = 0; t < trials; t++) {
                int key;
                size_t off;
                eval_passkey_trial tr;
                eval_passkey_draw(seed, li, di, t, ws->n_alt, n_filler, &key, ws->alt, &off);
                if (eval_passkey_run(c, ws, lengths[li], key, depths[di], ws->alt, ws->n_alt, filler, n_filler, off,
                                     &tr, err))
                    return -1;
                cell->trials++;
                cell->lp_correct += tr.lp_correct;
                cell->gen_correct += tr.gen_correct;
                margin += ws->n_alt > 0 ? tr.lp_true - tr.lp_best_alt : 0.0;
                if (trial_out) trial_out[((size_t)li * n_depths + di) * trials + t] = tr;
                if (progress && progress(u, ++done, total)) return rope_fail(err, "cancelled");
            }
            cell->mean_margin = margin / trials;
        }
    return 0;
}

void eval_passkey_study_free(eval_passkey_study *r)
{
    free(r->cells);
    free(r->trials);
    memset(r, 0, sizeof *r);
}

int eval_passkey_study_run(const model *m, eval_passkey_spec *s, eval_passkey_study *r, eval_progress progress,
                           void *u, rope_error *err)
{
    memset(r, 0, sizeof *r);
    int L = eval_base_ctx(m);
    if (!s->n_lengths) {
        static const double mult[] = { 0.5, 1, 2, 4, 8 };
        for (int j = 0; j < 5; j++)
            if (L * mult[j] >= CORPUS_TASK_MIN && L * mult[j] <= (1 << 24)) s->lengths[s->n_lengths++] = (int)(L * mult[j]);
        if (!s->n_lengths) s->lengths[s->n_lengths++] = CORPUS_TASK_MIN;
    }
    if (!s->n_depths) {
        for (int k = 0; k < 5; k++) s->depths[k] = k / 4.0;
        s->n_depths = 5;
    }
    if (s->trials < 1) return rope_fail(err, "passkey: %d trials per cell; use 1 or more", s->trials);
    int longest = 0;
    for (int j = 0; j < s->n_lengths; j++) longest = s->lengths[j] > longest ? s->lengths[j] : longest;
    model_ctx c;
    model_ctx_params cp;
    model_ctx_params_default(m, &cp);
    cp.n_ctx = longest;
    cp.n_threads = s->n_threads;
    cp.logits_all = 1;
    cp.kv_mode = s->kv;
    cp.rope = s->rope;
    if (model_ctx_init(&c, m, &cp, err)) return -2;
    eval_passkey_ws ws;
    if (eval_passkey_ws_init(&ws, longest, s->n_alt, err)) {
        model_ctx_free(&c);
        return -1;
    }
    int rc = 0;
    r->n_cells = s->n_lengths * s->n_depths;
    r->cells = calloc((size_t)r->n_cells, sizeof *r->cells);
    r->trials = calloc((size_t)r->n_cells * s->trials, sizeof *r->trials);
    if (!r->cells || !r->trials) rc = rope_fail(err, "out of memory");
    else rc = eval_passkey_grid(&c, &ws, s->lengths, s->n_lengths, s->depths, s->n_depths, s->trials, s->seed,
                                s->filler, s->n_filler, r->cells, r->trials, progress, u, err);
    eval_passkey_ws_free(&ws);
    model_ctx_free(&c);
    if (rc) {
        eval_passkey_study_free(r);
        return -1;
    }
    for (int k = 0; k < r->n_cells; k++) {
        r->lp_correct += r->cells[k].lp_correct;
        r->gen_correct += r->cells[k].gen_correct;
        r->n_trials += r->cells[k].trials;
    }
    return 0;
}
