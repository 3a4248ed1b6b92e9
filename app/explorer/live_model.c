/* app/explorer/live_model.c — the model panel's jobs (live_model.h): loading the model and the passage
 * once on the worker thread, the five stages, each a call into kernels/eval with a progress callback
 * that cancels, and the results with their per-part generation stamps and reuse rule. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "assets.h"
#include "corpus.h"
#include "heldout.h"
#include "live_model.h"
#include "modelcmd.h"

void live_src_init(live_src *s, const char *model_path, const char *text_path, int threads)
{
    memset(s, 0, sizeof *s);
    s->model_path = model_path;
    s->text_path = text_path;
    s->threads = threads > 0 ? threads : 2;
}

void live_src_free(live_src *s)
{
    for (int k = 0; k < 2; k++)
        if (s->have_dec[k]) eval_decay_free(&s->dec[k]);
    if (s->have_ctx) model_ctx_free(&s->ctx);
    if (s->have_model) model_free(&s->m);
    free(s->tok);
    free(s->bytes);
    memset(s, 0, sizeof *s);
}

void live_opts_default(live_opts *o)
{
    memset(o, 0, sizeof *o);
    o->cmp = ROPE_LINEAR;
    o->pk_len_sel = 0;
    o->pk_depth = 0.5;
    snprintf(o->prompt, sizeof o->prompt, "And it came to pass, ");
    o->layer = -1;
    o->head = -1;
}

int live_window(const rope_params *p)
{
    double s = p->factor > 2.0 ? p->factor : 2.0;
    double w = floor(s * p->orig_ctx + 0.5);
    return w > LIVE_MAX_WINDOW ? LIVE_MAX_WINDOW : w < 8 ? 8 : (int)w;
}

/* The parameters a slot's method runs with: the lab's, sequence length from the text (0), and every
 * field the method does not read (ropecore's ROPE_USES_* flags) at its default, so changing a knob
 * another method reads (β for plain RoPE or linear) does not re-run this one. */
static rope_params slot_params(const rope_params *p, rope_method m)
{
    rope_params q = *p, d;
    rope_params_init(&d);
    unsigned uses = rope_method_get(m)->uses;
    q.method = m;
    q.seq_len = 0;
    if (!(uses & ROPE_USES_FACTOR)) q.factor = 1.0;
    if (!(uses & ROPE_USES_BETAS)) { q.beta_fast = d.beta_fast; q.beta_slow = d.beta_slow; }
    if (!(uses & ROPE_USES_TRUNCATE)) q.truncate = d.truncate;
    if (!(uses & ROPE_USES_MSCALE)) {
        q.mscale = d.mscale;
        q.mscale_all_dim = d.mscale_all_dim;
        q.has_attention_factor = d.has_attention_factor;
        q.attention_factor = d.attention_factor;
    }
    if (!(uses & ROPE_USES_LLAMA3)) { q.low_freq_factor = d.low_freq_factor; q.high_freq_factor = d.high_freq_factor; }
    if (!(uses & ROPE_USES_LISTS)) {
        q.n_factors = 0;
        memset(q.short_factor, 0, sizeof q.short_factor);
        memset(q.long_factor, 0, sizeof q.long_factor);
    }
    return q;
}

void live_slot_methods(const rope_params *p, rope_method cmp, rope_method out[PLOT_MODEL_SLOTS],
                       int used[PLOT_MODEL_SLOTS])
{
    out[0] = p->method;
    out[1] = ROPE_NONE;
    used[0] = 1;
    used[1] = p->method != ROPE_NONE;
    /* the comparison: cmp, or the next method that is neither of the others and runs without lists */
    rope_method c = cmp;
    for (int k = 0; k < ROPE_METHOD_COUNT; k++) {
        rope_error e;
        rope_params q = slot_params(p, c);
        if (c != out[0] && c != ROPE_NONE && rope_params_validate(&q, &e) == 0) break;
        c = (rope_method)((c + 1) % ROPE_METHOD_COUNT);
    }
    out[2] = c;
    used[2] = c != out[0] && c != ROPE_NONE;
}

const char *live_stage_name(int stage)
{
    static const char *const names[LIVE_STAGES] = {
        "perplexity at L", "perplexity and loss at s·L", "attention over distance", "continuations", "passkey probe",
        "perplexity at 2·s·L"
    };
    return stage >= 0 && stage < LIVE_STAGES ? names[stage] : "?";
}

/* --- results ------------------------------------------------------------------------------------- */

static double *dup_arr(const double *a, size_t n, int *fail)
{
    if (!a) return NULL;
    double *b = malloc(sizeof *b * (n ? n : 1));
    if (!b) { *fail = 1; return NULL; }
    memcpy(b, a, sizeof *b * n);
    return b;
}

void live_result_free(void *v)
{
    live_result *r = v;
    if (!r) return;
    for (int k = 0; k < PLOT_MODEL_SLOTS; k++) free(r->loss[k]);
    for (int k = 0; k < 2; k++) {
        free(r->att_score[k]);
        free(r->att_weight[k]);
        free(r->sel_score[k]);
        free(r->sel_weight[k]);
    }
    free(r);
}

live_result *live_result_copy(const live_result *r)
{
    live_result *c = malloc(sizeof *c);
    if (!c) return NULL;
    *c = *r;
    int fail = 0;
    size_t na = (size_t)r->att_layers * r->att_heads * r->pm.attn_n;
    for (int k = 0; k < PLOT_MODEL_SLOTS; k++) c->loss[k] = dup_arr(r->loss[k], (size_t)r->pm.n_loss, &fail);
    for (int k = 0; k < 2; k++) {
        c->att_score[k] = dup_arr(r->att_score[k], na, &fail);
        c->att_weight[k] = dup_arr(r->att_weight[k], na, &fail);
        c->sel_score[k] = dup_arr(r->sel_score[k], (size_t)r->pm.attn_n, &fail);
        c->sel_weight[k] = dup_arr(r->sel_weight[k], (size_t)r->pm.attn_n, &fail);
    }
    if (fail) {
        live_result_free(c);
        return NULL;
    }
    live_result_select(c, r->pm.layer, r->pm.head);
    return c;
}

void live_result_select(live_result *r, int layer, int head)
{
    plot_model *m = &r->pm;
    int nl = r->att_layers, nh = r->att_heads, n = m->attn_n;
    if (layer >= nl) layer = nl - 1;
    if (head >= nh) head = nh - 1;
    m->layer = layer;
    m->head = layer < 0 ? -1 : head < 0 ? 0 : head;
    for (int k = 0; k < PLOT_MODEL_SLOTS; k++) m->slot[k].loss = r->loss[k];
    for (int k = 0; k < 2; k++) {
        m->score[k] = m->weight[k] = NULL;
        if (!r->att_score[k] || !r->sel_score[k] || !r->sel_weight[k] || n < 1) continue;
        for (int d = 0; d < n; d++) {
            double s = 0, w = 0;
            int cnt = 0;
            for (int l = 0; l < nl; l++)
                for (int h = 0; h < nh; h++) {
                    if (m->layer >= 0 && (l != m->layer || h != m->head)) continue;
                    size_t at = ((size_t)l * nh + h) * n + d;
                    s += r->att_score[k][at];
                    w += r->att_weight[k][at];
                    cnt++;
                }
            r->sel_score[k][d] = cnt ? s / cnt : NAN;
            r->sel_weight[k][d] = cnt ? w / cnt : NAN;
        }
        m->score[k] = r->sel_score[k];
        m->weight[k] = r->sel_weight[k];
    }
}

static int same(const rope_params *a, const rope_params *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

/* The reuse rule for one part: identical parameters → current; same method → kept (stale);
 * otherwise dropped (returns 0 and the caller clears the part). */
static int keep(const rope_params *had, const rope_params *want, unsigned long *stamp, unsigned long now)
{
    if (!*stamp) return 0;
    if (same(had, want)) {
        *stamp = now;
        return 1;
    }
    return had->method == want->method;
}

static int pk_length(const live_opts *o, int L, int sL)
{
    int len = o->pk_len_sel == 1 ? sL / 2 : o->pk_len_sel == 2 ? L : sL;
    return len < CORPUS_TASK_MIN ? CORPUS_TASK_MIN : len;
}

live_result *live_result_next(const live_result *held, const rope_params *p, const live_opts *o,
                              unsigned long stamp)
{
    live_result *r = held ? live_result_copy(held) : calloc(1, sizeof *r);
    if (!r) return NULL;
    plot_model *m = &r->pm;
    m->generation = stamp;
    m->line[0] = m->progress[0] = '\0';
    int L = p->orig_ctx, sL = live_window(p);
    int window_changed = m->sL != sL || m->L != L;
    m->L = L;
    m->sL = sL;
    rope_method meth[PLOT_MODEL_SLOTS];
    int used[PLOT_MODEL_SLOTS];
    live_slot_methods(p, o->cmp, meth, used);
    for (int k = 0; k < PLOT_MODEL_SLOTS; k++) {
        plot_model_slot *s = &m->slot[k];
        rope_params want = slot_params(p, meth[k]);
        int ok_L = used[k] && s->used && s->method == meth[k] && keep(&r->slot_pL[k], &want, &s->stamp_L, stamp);
        int ok_sL = used[k] && s->used && s->method == meth[k] && !window_changed &&
                    keep(&r->slot_psL[k], &want, &s->stamp_sL, stamp);
        int ok_2sL = used[k] && s->used && s->method == meth[k] && !window_changed &&
                     keep(&r->slot_p2sL[k], &want, &s->stamp_2sL, stamp);
        if (!ok_2sL) s->stamp_2sL = 0;
        if (!ok_L) s->stamp_L = 0;
        if (!ok_sL) {
            s->stamp_sL = 0;
            free(r->loss[k]);
            r->loss[k] = NULL;
        }
        s->used = used[k];
        s->method = meth[k];
    }
    if (window_changed) {
        for (int k = 0; k < PLOT_MODEL_SLOTS; k++) { free(r->loss[k]); r->loss[k] = NULL; m->slot[k].stamp_sL = 0; }
    }
    m->want_2sL = o->want_2sL != 0;
    if (window_changed || o->want_2sL == stamp) m->note_2sL[0] = '\0';
    m->n_loss = sL - 1;
    /* attention: current method and plain RoPE */
    {
        rope_params want0 = slot_params(p, p->method), want1 = slot_params(p, ROPE_NONE);
        int ok = m->stamp_attn && !window_changed && same(&r->att_p[0], &want0) && same(&r->att_p[1], &want1);
        if (ok) m->stamp_attn = stamp;
        else if (window_changed || r->att_p[0].method != p->method) {
            m->stamp_attn = 0;
            for (int k = 0; k < 2; k++) {
                free(r->att_score[k]); free(r->att_weight[k]); free(r->sel_score[k]); free(r->sel_weight[k]);
                r->att_score[k] = r->att_weight[k] = r->sel_score[k] = r->sel_weight[k] = NULL;
            }
            m->attn_n = 0;
        }
        m->attn_method[0] = p->method;
        m->attn_method[1] = ROPE_NONE;
    }
    /* passkey */
    {
        rope_params want = slot_params(p, p->method);
        int len = pk_length(o, L, sL);
        if (r->pk_len_asked != len || r->pk_depth_asked != o->pk_depth || !keep(&r->pk_p, &want, &m->stamp_pk, stamp))
            m->stamp_pk = 0;
        r->pk_len_asked = len;
        r->pk_depth_asked = o->pk_depth;
        m->pk_len = len;
        m->pk_depth = o->pk_depth;
    }
    /* continuations */
    {
        rope_params w0 = slot_params(p, meth[0]), w1 = slot_params(p, meth[2]);
        int same_prompt = strcmp(r->gen_prompt, o->prompt) == 0;
        if (m->stamp_gen && same_prompt && !window_changed && same(&r->gen_p[0], &w0) && same(&r->gen_p[1], &w1))
            m->stamp_gen = stamp;
        else if (!same_prompt || window_changed || r->gen_p[0].method != w0.method || r->gen_p[1].method != w1.method)
            m->stamp_gen = 0;
        snprintf(m->prompt, sizeof m->prompt, "%s", o->prompt);
    }
    live_result_select(r, o->layer, o->head);
    return r;
}

/* --- the jobs ------------------------------------------------------------------------------------- */

void live_job_free(void *args)
{
    live_job *j = args;
    if (!j) return;
    live_result_free(j->res);
    free(j);
}

/* Progress of one evaluation mapped into the stage's share: [lo, hi) of the stage's 0..1. */
typedef struct prog {
    worker_progress_fn fn;
    void *ctx;
    double lo, hi;
    const char *what;
} prog;

static int prog_cb(void *u, int done, int total)
{
    prog *p = u;
    double f = total > 0 ? (double)done / total : 1.0;
    return p->fn ? p->fn(p->ctx, p->lo + (p->hi - p->lo) * f, p->what) : 0;
}

static int load(live_src *s, rope_error *err)
{
    if (s->tried) return s->error[0] ? rope_fail(err, "%s", s->error) : 0;
    s->tried = 1;
    char path[4096];
    const char *mp = cli_model_path(s->model_path, path, sizeof path);
    rope_error e;
    if (model_load(&s->m, mp, &e)) {
        snprintf(s->error, sizeof s->error, "no model: %.180s", e.msg);
        return rope_fail(err, "%s", s->error);
    }
    s->have_model = 1;
    snprintf(s->name, sizeof s->name, "%s", s->m.name[0] ? s->m.name : "model");
    const char *name;
    if (cli_text_tokens(s->text_path, &s->tok, &s->n_tok, &name, &e)) {
        snprintf(s->error, sizeof s->error, "no passage: %.180s", e.msg);
        return rope_fail(err, "%s", s->error);
    }
    s->bytes = malloc((size_t)s->n_tok + 1);
    if (!s->bytes) {
        snprintf(s->error, sizeof s->error, "out of memory for the passage");
        return rope_fail(err, "%s", s->error);
    }
    for (long i = 0; i < s->n_tok; i++) s->bytes[i] = (uint8_t)s->tok[i];
    return 0;
}

/* A context of at least n tokens running p. */
static int need_ctx(live_src *s, int n, const rope_params *p, rope_error *err)
{
    s->cache_n = 0;
    if (s->have_ctx && s->ctx_n >= n) return model_ctx_set_rope(&s->ctx, p, err);
    if (s->have_ctx) { model_ctx_free(&s->ctx); s->have_ctx = 0; }
    model_ctx_params cp;
    model_ctx_params_default(&s->m, &cp);
    cp.n_ctx = n;
    cp.n_threads = s->threads;
    cp.logits_all = 1;
    cp.rope = *p;
    if (model_ctx_init(&s->ctx, &s->m, &cp, err)) return -1;
    s->have_ctx = 1;
    s->ctx_n = n;
    return 0;
}

/* dec[cap] ready for n tokens. */
static int need_dec(live_src *s, int cap, int n, rope_error *err)
{
    if (s->have_dec[cap] && s->dec_n[cap] != n) {
        eval_decay_free(&s->dec[cap]);
        s->have_dec[cap] = 0;
    }
    s->dec_ok[cap] = 0;
    if (!s->have_dec[cap]) {
        if (eval_decay_init(&s->dec[cap], &s->m, n, 0, 0, 1, err)) return -1;
        s->have_dec[cap] = 1;
        s->dec_n[cap] = n;
    }
    return 0;
}

/* Adds the NLL of predicting tok[p+1] at positions at … at+nb−1 (< n−1) from the context's logits
 * rows 0 … nb−1, as eval_ppl does for one chunk scored at every position. */
static void score_rows(const model_ctx *c, const int *tok, int at, int nb, int n, double *loss, double *sum,
                       double *sum2, long *count)
{
    int V = c->m->hp.n_vocab;
    for (int p = at; p < at + nb && p < n - 1; p++) {
        double l = -eval_logprob(model_logits(c, p - at), V, tok[p + 1]);
        if (loss) loss[p] = l;
        *sum += l;
        *sum2 += l * l;
        (*count)++;
    }
}

/* The window tok[0..n) under q from an empty cache, the one forward several parts share: the loss at
 * every position (loss [n−1], may be NULL) and the perplexity into *pr exactly as eval_ppl scores
 * one chunk of n with EVAL_SCORE_ALL; cap 0 or 1: the same forward, one model_eval call, carries
 * eval_decay's probe into dec[cap]; cap −1: calls of 512 tokens for methods that do not read the
 * sequence length (one call for those that do, as the panel's ppl always ran them), asking the
 * progress callback between them. The cache is left holding the window (cache_n, cache_p). */
static int window_forward(live_src *s, int n, const rope_params *q, int cap, double *loss, eval_ppl_result *pr,
                          prog *pg, rope_error *err)
{
    model_ctx *c = &s->ctx;
    double sum = 0.0, sum2 = 0.0;
    long count = 0;
    memset(pr, 0, sizeof *pr);
    if (need_ctx(s, n, q, err)) return -1;
    if (cap >= 0) {
        if (need_dec(s, cap, n, err) || eval_decay_capture(&s->dec[cap], c, s->tok, err)) return -1;
        s->dec_ok[cap] = 1;
        s->dec_p[cap] = *q;
        score_rows(c, s->tok, 0, n, n, loss, &sum, &sum2, &count);
        if (pg && prog_cb(pg, 1, 1)) return rope_fail(err, "cancelled");
    } else {
        int dyn = (rope_method_get(q->method)->uses & ROPE_USES_SEQ_LEN) != 0, block = dyn ? n : 512;
        model_ctx_reset(c);
        for (int at = 0; at < n; at += block) {
            int nb = n - at < block ? n - at : block;
            if (model_eval(c, s->tok + at, nb, err)) return -1;
            score_rows(c, s->tok, at, nb, n, loss, &sum, &sum2, &count);
            if (pg && prog_cb(pg, at + nb, n)) return rope_fail(err, "cancelled");
        }
    }
    s->cache_n = n;
    s->cache_p = *q;
    pr->n_chunks = 1;
    pr->n_scored = count;
    pr->nll = sum / (double)count;
    double var = sum2 / (double)count - pr->nll * pr->nll;
    pr->nll_stderr = count > 1 && var > 0 ? sqrt(var / (double)(count - 1)) : 0.0;
    pr->ppl = exp(pr->nll);
    return 0;
}

static int stage_ppl(live_job *j, int at_sL, worker_progress_fn fn, void *fctx, rope_error *err)
{
    live_src *s = j->src;
    live_result *r = j->res;
    plot_model *m = &r->pm;
    int ctx = at_sL ? m->sL : m->L, n_want = 0, done = 0;
    for (int k = 0; k < PLOT_MODEL_SLOTS; k++)
        n_want += m->slot[k].used && (at_sL ? m->slot[k].stamp_sL : m->slot[k].stamp_L) != j->stamp;
    if (!n_want) return 0;
    if (s->n_tok < (long)ctx)
        return rope_fail(err, "the passage has %ld tokens; a window of %d needs more (--text FILE)", s->n_tok, ctx);
    /* at s·L the current method goes last, so its window stays in the cache for its continuation */
    static const int order_sL[PLOT_MODEL_SLOTS] = { 1, 2, 0 };
    for (int i = 0; i < PLOT_MODEL_SLOTS; i++) {
        int k = at_sL ? order_sL[i] : i;
        plot_model_slot *sl = &m->slot[k];
        if (!sl->used || (at_sL ? sl->stamp_sL : sl->stamp_L) == j->stamp) continue;
        rope_params q = slot_params(&j->p, sl->method);
        double *loss = NULL;
        eval_ppl_result pr;
        char what[96];
        snprintf(what, sizeof what, "%s for %s", live_stage_name(at_sL), rope_method_get(sl->method)->name);
        prog pg = { fn, fctx, (double)done / n_want, (double)(done + 1) / n_want, what };
        if (at_sL) {
            loss = malloc(sizeof *loss * (size_t)(ctx > 1 ? ctx - 1 : 1));
            if (!loss) return rope_fail(err, "out of memory for the loss curve");
            /* the current method and plain RoPE capture their attention in the same forward */
            int cap = sl->method == j->p.method ? 0 : sl->method == ROPE_NONE ? 1 : -1;
            if (fn && fn(fctx, pg.lo, what)) {
                free(loss);
                return rope_fail(err, "cancelled");
            }
            if (window_forward(s, ctx, &q, cap, loss, &pr, &pg, err)) {
                free(loss);
                return -1;
            }
        } else {
            if (need_ctx(s, ctx, &q, err)) return -1;
            int dyn = (rope_method_get(sl->method)->uses & ROPE_USES_SEQ_LEN) != 0;
            eval_ppl_opts po = { 1, EVAL_SCORE_ALL, dyn ? 0 : 512 };
            if (eval_ppl_blocks(&s->ctx, s->tok, s->n_tok, ctx, &po, &pr, NULL, prog_cb, &pg, err)) return -1;
        }
        done++;
        if (at_sL) {
            r->slot_psL[k] = q;
            free(r->loss[k]);
            r->loss[k] = loss;
            sl->ppl_sL = pr.ppl;
            sl->stamp_sL = j->stamp;
        } else {
            r->slot_pL[k] = q;
            sl->ppl_L = pr.ppl;
            sl->stamp_L = j->stamp;
        }
    }
    return 0;
}

static int stage_attn(live_job *j, worker_progress_fn fn, void *fctx, rope_error *err)
{
    live_src *s = j->src;
    live_result *r = j->res;
    plot_model *m = &r->pm;
    if (m->stamp_attn == j->stamp) return 0;
    int n = m->sL;
    if (s->n_tok < (long)n) return rope_fail(err, "the passage has %ld tokens; attention over %d needs more", s->n_tok, n);
    int nl = s->m.hp.n_layer, nh = s->m.hp.n_head;
    size_t na = (size_t)nl * nh * n;
    int shape_ok = m->attn_n == n && r->att_layers == nl && r->att_heads == nh;
    double *sc[2] = { NULL, NULL }, *wt[2] = { NULL, NULL }, *ss[2] = { NULL, NULL }, *sw[2] = { NULL, NULL };
    rope_params want[2];
    int rc = 0;
    for (int k = 0; k < 2 && !rc; k++) {
        want[k] = slot_params(&j->p, k ? ROPE_NONE : j->p.method);
        ss[k] = malloc(sizeof(double) * (size_t)n);
        sw[k] = malloc(sizeof(double) * (size_t)n);
        if (!ss[k] || !sw[k]) { rc = rope_fail(err, "out of memory for the attention curves"); break; }
        /* a method whose parameters did not change keeps its curves (plain RoPE after a β step) */
        if (shape_ok && r->att_score[k] && r->att_weight[k] && same(&r->att_p[k], &want[k])) continue;
        sc[k] = malloc(sizeof(double) * na);
        wt[k] = malloc(sizeof(double) * na);
        if (!sc[k] || !wt[k]) { rc = rope_fail(err, "out of memory for the attention curves"); break; }
        char what[96];
        snprintf(what, sizeof what, "attention over distance for %s", rope_method_get(want[k].method)->name);
        if (fn && fn(fctx, 0.5 * k, what)) { rc = rope_fail(err, "cancelled"); break; }
        /* the capture the s·L forward made, or a forward of its own */
        int d = -1;
        for (int i = 0; i < 2 && d < 0; i++)
            if (s->dec_ok[i] && s->dec_n[i] == n && same(&s->dec_p[i], &want[k])) d = i;
        if (d < 0) {
            d = k;
            if (need_ctx(s, n, &want[k], err) || need_dec(s, d, n, err) ||
                eval_decay_capture(&s->dec[d], &s->ctx, s->tok, err)) { rc = -1; break; }
            s->dec_ok[d] = 1;
            s->dec_p[d] = want[k];
            s->cache_n = n;
            s->cache_p = want[k];
            if (fn && fn(fctx, 0.5 * k + 0.35, what)) { rc = rope_fail(err, "cancelled"); break; }
        }
        if (eval_decay_scores_fft(&s->dec[d], NULL, err)) { rc = -1; break; }
        for (int l = 0; l < nl; l++)
            for (int h = 0; h < nh; h++) {
                memcpy(sc[k] + ((size_t)l * nh + h) * n, eval_decay_score(&s->dec[d], l, h), sizeof(double) * (size_t)n);
                memcpy(wt[k] + ((size_t)l * nh + h) * n, eval_decay_weight(&s->dec[d], l, h), sizeof(double) * (size_t)n);
            }
    }
    if (rc) {
        for (int k = 0; k < 2; k++) { free(sc[k]); free(wt[k]); free(ss[k]); free(sw[k]); }
        return -1;
    }
    for (int k = 0; k < 2; k++) {
        free(r->sel_score[k]);
        free(r->sel_weight[k]);
        r->sel_score[k] = ss[k];
        r->sel_weight[k] = sw[k];
        if (!sc[k]) continue;
        free(r->att_score[k]);
        free(r->att_weight[k]);
        r->att_score[k] = sc[k];
        r->att_weight[k] = wt[k];
        r->att_p[k] = want[k];
    }
    r->att_layers = nl;
    r->att_heads = nh;
    m->attn_n = n;
    m->stamp_attn = j->stamp;
    live_result_select(r, j->o.layer, j->o.head);
    return 0;
}

static int stage_passkey(live_job *j, worker_progress_fn fn, void *fctx, rope_error *err)
{
    live_src *s = j->src;
    live_result *r = j->res;
    plot_model *m = &r->pm;
    if (m->stamp_pk == j->stamp) return 0;
    int len = r->pk_len_asked;
    rope_params q = slot_params(&j->p, j->p.method);
    if (fn && fn(fctx, 0.0, "passkey probe")) return rope_fail(err, "cancelled");
    if (need_ctx(s, len, &q, err)) return -1;
    eval_passkey_ws ws;
    if (eval_passkey_ws_init(&ws, len, LIVE_PK_ALT, err)) return -1;
    int key, alt[LIVE_PK_ALT];
    size_t off;
    eval_passkey_draw(12, 0, 0, 0, LIVE_PK_ALT, (size_t)s->n_tok, &key, alt, &off);
    eval_passkey_trial t;
    int rc = eval_passkey_run(&s->ctx, &ws, len, key, r->pk_depth_asked, alt, LIVE_PK_ALT, s->bytes,
                              (size_t)s->n_tok, off, &t, err);
    eval_passkey_ws_free(&ws);
    if (rc) return -1;
    m->pk_key = key;
    m->pk_lp_true = t.lp_true;
    m->pk_lp_alt = t.lp_best_alt;
    m->pk_best_alt = t.best_alt;
    m->pk_rank = t.rank;
    m->pk_n_alt = LIVE_PK_ALT;
    m->pk_gen_ok = t.gen_correct;
    snprintf(m->pk_gen, sizeof m->pk_gen, "%s", t.gen);
    r->pk_p = q;
    m->stamp_pk = j->stamp;
    return 0;
}

/* Greedy continuation as eval_greedy (first maximum wins) of prompt[0..n_prompt): the first `cached`
 * tokens are taken from the cache as it stands (rewound to them; 0: from an empty cache), the rest
 * fed in blocks of 512, then token by token, asking the progress callback between them so a new
 * request cancels it at once. */
static int greedy(live_src *s, const int *prompt, int n_prompt, int cached, int n_gen, int *out, double *lp,
                  worker_progress_fn fn, void *fctx, double base, const char *what, rope_error *err)
{
    model_ctx *c = &s->ctx;
    int V = c->m->hp.n_vocab;
    s->cache_n = 0;
    if (cached > 0) {
        if (model_ctx_rewind(c, cached, err)) return -1;
    } else {
        model_ctx_reset(c);
    }
    for (int at = cached; at < n_prompt; at += 512) {
        int nb = n_prompt - at < 512 ? n_prompt - at : 512;
        if (model_eval(c, prompt + at, nb, err)) return -1;
        if (fn && fn(fctx, base + 0.4 * (at + nb) / n_prompt, what)) return rope_fail(err, "cancelled");
    }
    for (int k = 0; k < n_gen; k++) {
        const float *lg = model_logits(c, c->n_logits - 1);
        int best = 0;
        for (int v = 1; v < V; v++)
            if (lg[v] > lg[best]) best = v;
        out[k] = best;
        lp[k] = eval_logprob(lg, V, best);
        if (fn && fn(fctx, base + 0.4 + 0.1 * (k + 1) / n_gen, what)) return rope_fail(err, "cancelled");
        if (k + 1 < n_gen && model_eval(c, &best, 1, err)) return -1;
    }
    return 0;
}

static int stage_gen(live_job *j, worker_progress_fn fn, void *fctx, rope_error *err)
{
    live_src *s = j->src;
    live_result *r = j->res;
    plot_model *m = &r->pm;
    if (m->stamp_gen == j->stamp) return 0;
    int G = PLOT_MODEL_GEN, P = (int)strlen(j->o.prompt), sL = m->sL;
    int C = sL - P - G;
    if (C < 1) C = 1;
    /* the context is the start of the passage: the s·L window's first C tokens, already in the cache */
    if (s->n_tok < C) return rope_fail(err, "the passage is too short for a context of %d tokens", C);
    int *prompt = malloc(sizeof(int) * (size_t)(C + P));
    if (!prompt) return rope_fail(err, "out of memory for the continuation");
    memcpy(prompt, s->tok, sizeof(int) * (size_t)C);
    for (int i = 0; i < P; i++) prompt[C + i] = (unsigned char)j->o.prompt[i];
    rope_method meth[PLOT_MODEL_SLOTS];
    int used[PLOT_MODEL_SLOTS];
    live_slot_methods(&j->p, j->o.cmp, meth, used);
    rope_method gm[2] = { meth[0], used[2] ? meth[2] : ROPE_NONE };
    int same_prompt = m->stamp_gen && strcmp(r->gen_prompt, j->o.prompt) == 0 && m->ctx_gen == C && m->n_gen == G;
    int rc = 0;
    for (int k = 0; k < 2 && !rc; k++) {
        rope_params q = slot_params(&j->p, gm[k]);
        /* a method whose parameters did not change keeps its continuation (the comparison after a β step) */
        if (same_prompt && m->gen_method[k] == gm[k] && same(&r->gen_p[k], &q)) continue;
        char what[96];
        snprintf(what, sizeof what, "continuation under %s", rope_method_get(gm[k])->name);
        if (fn && fn(fctx, 0.5 * k, what)) { rc = rope_fail(err, "cancelled"); break; }
        int out[PLOT_MODEL_GEN];
        int dyn = (rope_method_get(gm[k])->uses & ROPE_USES_SEQ_LEN) != 0;
        int cached = !dyn && s->cache_n >= C && C + P + G <= s->ctx_n && same(&s->cache_p, &q) ? C : 0;
        if ((!cached && need_ctx(s, C + P + G, &q, err)) ||
            greedy(s, prompt, C + P, cached, G, out, m->gen_lp[k], fn, fctx, 0.5 * k, what, err)) {
            rc = -1;
            break;
        }
        for (int t = 0; t < G; t++)
            m->gen_text[k][t] = out[t] == '\n' ? '|' : out[t] >= 32 && out[t] < 127 ? (char)out[t] : '?';
        m->gen_text[k][G] = '\0';
        m->gen_method[k] = gm[k];
        r->gen_p[k] = q;
    }
    free(prompt);
    if (rc) return -1;
    m->n_gen = G;
    m->ctx_gen = C;
    snprintf(r->gen_prompt, sizeof r->gen_prompt, "%s", j->o.prompt);
    m->stamp_gen = j->stamp;
    return 0;
}

/* Perplexity at 2·s·L, only for the generation it was asked for: `ropescope ppl --ctx 2·s·L
 * --max-chunks 1 --score all` for every slot. A passage too short for it is the note's one line,
 * not a failure of the panel. */
static int stage_ppl2(live_job *j, worker_progress_fn fn, void *fctx, rope_error *err)
{
    live_src *s = j->src;
    live_result *r = j->res;
    plot_model *m = &r->pm;
    if (j->o.want_2sL != j->stamp) return 0;
    int ctx = 2 * m->sL, n_want = 0, done = 0;
    for (int k = 0; k < PLOT_MODEL_SLOTS; k++) n_want += m->slot[k].used && m->slot[k].stamp_2sL != j->stamp;
    if (!n_want) return 0;
    if (s->n_tok < (long)ctx) {
        snprintf(m->note_2sL, sizeof m->note_2sL, "the passage has %ld tokens; 2·s·L = %d needs more (--text FILE)",
                 s->n_tok, ctx);
        return 0;
    }
    m->note_2sL[0] = '\0';
    /* a context of its own: s->ctx keeps the size eval_decay's probe expects and the cached window */
    model_ctx c;
    model_ctx_params cp;
    model_ctx_params_default(&s->m, &cp);
    cp.n_ctx = ctx;
    cp.n_threads = s->threads;
    cp.logits_all = 1;
    cp.rope = slot_params(&j->p, m->slot[0].method);
    if (model_ctx_init(&c, &s->m, &cp, err)) return -1;
    int rc = 0;
    for (int k = 0; k < PLOT_MODEL_SLOTS && !rc; k++) {
        plot_model_slot *sl = &m->slot[k];
        if (!sl->used || sl->stamp_2sL == j->stamp) continue;
        rope_params q = slot_params(&j->p, sl->method);
        int dyn = (rope_method_get(sl->method)->uses & ROPE_USES_SEQ_LEN) != 0;
        eval_ppl_opts po = { 1, EVAL_SCORE_ALL, dyn ? 0 : 512 };
        eval_ppl_result pr;
        char what[96];
        snprintf(what, sizeof what, "%s for %s", live_stage_name(5), rope_method_get(sl->method)->name);
        prog pg = { fn, fctx, (double)done / n_want, (double)(done + 1) / n_want, what };
        if (model_ctx_set_rope(&c, &q, err) ||
            eval_ppl_blocks(&c, s->tok, s->n_tok, ctx, &po, &pr, NULL, prog_cb, &pg, err)) {
            rc = -1;
            break;
        }
        done++;
        r->slot_p2sL[k] = q;
        sl->ppl_2sL = pr.ppl;
        sl->stamp_2sL = j->stamp;
    }
    model_ctx_free(&c);
    return rc;
}

int live_job_run(void *args, worker_progress_fn fn, void *fctx)
{
    live_job *j = args;
    rope_error err = { { 0 } };
    live_src *s = j->src;
    if (load(s, &err)) {
        snprintf(j->error, sizeof j->error, "%s", err.msg);
        return -1;
    }
    snprintf(j->res->pm.source, sizeof j->res->pm.source, "%.40s on %s (%ld tokens)", s->name,
             s->text_path ? "the --text file" : "held-out KJV", s->n_tok);
    if (s->m.hp.head_dim != j->p.head_dim) {
        snprintf(j->error, sizeof j->error, "the model's head_dim is %d, the explorer's %d: start with the model's "
                 "(--head-dim %d)", s->m.hp.head_dim, j->p.head_dim, s->m.hp.head_dim);
        return -1;
    }
    int rc;
    switch (j->stage) {
    case 0: rc = stage_ppl(j, 0, fn, fctx, &err); break;
    case 1: rc = stage_ppl(j, 1, fn, fctx, &err); break;
    case 2: rc = stage_attn(j, fn, fctx, &err); break;
    case 3: rc = stage_gen(j, fn, fctx, &err); break;
    case 4: rc = stage_passkey(j, fn, fctx, &err); break;
    default: rc = stage_ppl2(j, fn, fctx, &err); break;
    }
    if (rc) snprintf(j->error, sizeof j->error, "%s", err.msg);
    return rc;
}
