/* kernels/eval/eval.c — perplexity over chunks, the method × length sweep, position segments and greedy
 * continuation (eval.h). The passkey test lives in eval_passkey.c. Every loop here runs on buffers
 * the caller or model_ctx_init allocated. */
#include <math.h>
#include <string.h>
#include "eval.h"

double eval_logprob(const float *logits, int n_vocab, int target)
{
    double mx = logits[0];
    for (int v = 1; v < n_vocab; v++)
        if (logits[v] > mx) mx = logits[v];
    double sum = 0.0;
    for (int v = 0; v < n_vocab; v++) sum += exp((double)logits[v] - mx);
    return (double)logits[target] - mx - log(sum);
}

static int ppl_run(model_ctx *c, const int *tok, long n, int ctx, const eval_ppl_opts *o, eval_ppl_result *r,
                   double *loss_pos, eval_progress progress, void *u, int per_block, rope_error *err)
{
    int max_chunks = o->max_chunks, block = o->block > 0 && o->block < ctx ? o->block : ctx;
    memset(r, 0, sizeof *r);
    if (ctx < 2) return rope_fail(err, "perplexity needs chunks of at least 2 tokens; %d requested", ctx);
    if (ctx > c->cp.n_ctx)
        return rope_fail(err, "a chunk of %d tokens exceeds the context's %d tokens", ctx, c->cp.n_ctx);
    if (!c->cp.logits_all) return rope_fail(err, "perplexity needs a context created with logits_all");
    if (n < ctx)
        return rope_fail(err, "the text has %ld tokens; perplexity at context %d needs at least %d", n, ctx, ctx);
    if (max_chunks < 0) return rope_fail(err, "max_chunks %d is negative; use 0 (all) or more", max_chunks);
    if (o->block < 0) return rope_fail(err, "block %d is negative; use 0 (one call per chunk) or more", o->block);
    long avail = n / ctx;
    int n_chunks = max_chunks > 0 && max_chunks < avail ? max_chunks : (int)(avail > 1 << 30 ? 1 << 30 : avail);
    int V = c->m->hp.n_vocab;
    int first = o->score == EVAL_SCORE_HALF ? ctx / 2 : 0;
    if (first > ctx - 2) first = ctx - 2;
    double sum = 0.0, sum2 = 0.0;
    long count = 0;
    if (loss_pos) memset(loss_pos, 0, (size_t)(ctx - 1) * sizeof *loss_pos);
    int per_chunk = (ctx + block - 1) / block;
    for (int k = 0; k < n_chunks; k++) {
        const int *tk = tok + (long)k * ctx;
        model_ctx_reset(c);
        for (int at = 0; at < ctx; at += block) {
            int nb = ctx - at < block ? ctx - at : block;
            if (model_eval(c, tk + at, nb, err)) return -1;
            int lo = loss_pos || at >= first ? at : first;
            for (int p = lo; p < at + nb && p < ctx - 1; p++) {
                double l = -eval_logprob(model_logits(c, p - at), V, tk[p + 1]);
                if (loss_pos) loss_pos[p] += l / n_chunks;
                if (p >= first) {
                    sum += l;
                    sum2 += l * l;
                    count++;
                }
            }
            if (per_block && progress &&
                progress(u, k * per_chunk + at / block + 1, n_chunks * per_chunk))
                return rope_fail(err, "cancelled");
        }
        if (!per_block && progress && progress(u, k + 1, n_chunks)) return rope_fail(err, "cancelled");
    }
    model_ctx_reset(c);
    r->n_chunks = n_chunks;
    r->n_scored = count;
    r->nll = sum / (double)count;
    double var = sum2 / (double)count - r->nll * r->nll;
    r->nll_stderr = count > 1 && var > 0 ? sqrt(var / (double)(count - 1)) : 0.0;
    r->ppl = exp(r->nll);
    return 0;
}

int eval_ppl(model_ctx *c, const int *tok, long n, int ctx, const eval_ppl_opts *o, eval_ppl_result *r,
             double *loss_pos, eval_progress progress, void *u, rope_error *err)
{
    return ppl_run(c, tok, n, ctx, o, r, loss_pos, progress, u, 0, err);
}

int eval_ppl_blocks(model_ctx *c, const int *tok, long n, int ctx, const eval_ppl_opts *o, eval_ppl_result *r,
                    double *loss_pos, eval_progress progress, void *u, rope_error *err)
{
    return ppl_run(c, tok, n, ctx, o, r, loss_pos, progress, u, 1, err);
}

void eval_segments(const double *loss, int n, int n_seg, double *seg)
{
    for (int k = 0; k < n_seg; k++) {
        long lo = (long)k * n / n_seg, hi = (long)(k + 1) * n / n_seg;
        double s = 0.0;
        for (long p = lo; p < hi; p++) s += loss[p];
        seg[k] = hi > lo ? s / (double)(hi - lo) : NAN;
    }
}

int eval_base_ctx(const model *m)
{
    int L = m->hp.ctx_train, o = m->rope.orig_ctx;
    return o > 0 && o < L ? o : L;
}

double eval_method_params(const rope_params *base, rope_method m, int ctx, int ctx_train, double fixed_factor,
                          rope_params *out)
{
    *out = *base;
    out->method = m;
    out->seq_len = 0;
    const rope_method_info *mi = rope_method_get(m);
    if (fixed_factor > 0)
        out->factor = fixed_factor;
    else if (mi && !(mi->uses & ROPE_USES_SEQ_LEN))
        out->factor = ctx > ctx_train && ctx_train > 0 ? (double)ctx / (double)ctx_train : 1.0;
    return out->factor;
}

/* Progress over a whole sweep: offsets each point's chunk count. */
typedef struct sweep_prog {
    eval_progress fn;
    void *u;
    int done, total;
} sweep_prog;

static int sweep_cb(void *u, int done, int total)
{
    (void)total;
    sweep_prog *s = u;
    return s->fn ? s->fn(s->u, s->done + done, s->total) : 0;
}

/* Chunks of ctx tokens that cover what max_chunks chunks of the longest length cover. */
static long span_chunks(int max_chunks, int longest, int ctx)
{
    long ch = (long)max_chunks * longest / ctx;
    return ch < 1 ? 1 : ch > 1 << 30 ? 1 << 30 : ch;
}

int eval_sweep(model_ctx *c, const rope_params *base, const rope_method *methods, int n_methods,
               const int *ctxs, int n_ctxs, double fixed_factor, const int *tok, long n, const eval_ppl_opts *o,
               eval_sweep_point *out, double *loss_long, eval_progress progress, void *u, rope_error *err)
{
    int max_chunks = o->max_chunks;
    if (n_methods < 1 || n_ctxs < 1) return rope_fail(err, "a sweep needs at least one method and one length");
    int longest = 0;
    sweep_prog sp = { progress, u, 0, 0 };
    for (int j = 0; j < n_ctxs; j++) {
        if (ctxs[j] < 2 || ctxs[j] > c->cp.n_ctx)
            return rope_fail(err, "length %d is outside the context's range 2..%d", ctxs[j], c->cp.n_ctx);
        if (n < ctxs[j])
            return rope_fail(err, "the text has %ld tokens; length %d needs at least %d", n, ctxs[j], ctxs[j]);
        if (ctxs[j] > longest) longest = ctxs[j];
    }
    for (int j = 0; j < n_ctxs; j++) {
        long ch = n / ctxs[j];
        if (max_chunks > 0 && ch > span_chunks(max_chunks, longest, ctxs[j])) ch = span_chunks(max_chunks, longest, ctxs[j]);
        sp.total += (int)(ch > 1 << 20 ? 1 << 20 : ch) * n_methods;
    }
    int ctx_train = eval_base_ctx(c->m);
    for (int i = 0; i < n_methods; i++) {
        int long_done = 0;
        for (int j = 0; j < n_ctxs; j++) {
            eval_sweep_point *pt = &out[(size_t)i * n_ctxs + j];
            rope_params p;
            pt->method = methods[i];
            pt->ctx = ctxs[j];
            pt->factor = eval_method_params(base, methods[i], ctxs[j], ctx_train, fixed_factor, &p);
            if (model_ctx_set_rope(c, &p, err)) return -1;
            double *lp = NULL;
            if (loss_long && ctxs[j] == longest && !long_done) {
                lp = loss_long + (size_t)i * (longest - 1);
                long_done = 1;
            }
            eval_ppl_opts po = *o;
            po.max_chunks = max_chunks > 0 ? (int)span_chunks(max_chunks, longest, ctxs[j]) : 0;
            if (eval_ppl(c, tok, n, ctxs[j], &po, &pt->r, lp, sweep_cb, &sp, err)) return -1;
            sp.done += pt->r.n_chunks;
        }
    }
    return 0;
}

int eval_greedy(model_ctx *c, const int *prompt, int n_prompt, int n_gen, int *out, rope_error *err)
{
    if (n_prompt < 1) return rope_fail(err, "greedy continuation needs a prompt of at least one token");
    if (n_gen < 0 || (long)n_prompt + n_gen - 1 > c->cp.n_ctx)
        return rope_fail(err, "a prompt of %d tokens and %d generated need a context of %d; it holds %d", n_prompt,
                         n_gen, n_prompt + n_gen - 1, c->cp.n_ctx);
    int V = c->m->hp.n_vocab;
    model_ctx_reset(c);
    if (model_eval(c, prompt, n_prompt, err)) return -1;
    for (int k = 0; k < n_gen; k++) {
        const float *lg = model_logits(c, c->n_logits - 1);
        int best = 0;
        for (int v = 1; v < V; v++)
            if (lg[v] > lg[best]) best = v;
        out[k] = best;
        if (k + 1 < n_gen && model_eval(c, &best, 1, err)) return -1;
    }
    return 0;
}
