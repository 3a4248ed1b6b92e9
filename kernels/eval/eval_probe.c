/* kernels/eval/eval_probe.c — the copy probe (second-copy against first-copy loss on doubled random
 * passages) and the per-head induction score, both run through the trainer's forward pass on a
 * train_model (a GGUF loaded with train_model_load_gguf, or a training session's weights). */
#include <stdlib.h>
#include <string.h>
#include "eval_probe.h"

void eval_probe_opts_default(eval_probe_opts *o)
{
    o->n_pass = 8;
    o->alphabet = EVAL_PROBE_HIGH;
    o->seed = 1;
    o->n_threads = 2;
}

void eval_probe_passage(int *out, int dist, eval_probe_alphabet a, uint64_t seed, int index)
{
    uint64_t rng = (seed + 0x51ED27ull) * 0x9E3779B97F4A7C15ull ^ ((uint64_t)dist << 32 | (uint32_t)index);
    corpus_rand(&rng);
    for (int i = 0; i < dist; i++) {
        uint64_t r = corpus_rand(&rng);
        out[i] = a == EVAL_PROBE_LETTERS ? 'a' + (int)(r % 26) : 0x80 + (int)(r % 128);
        out[dist + i] = out[i];
    }
}

/* One batch of o->n_pass passages of distance dist run forward in ctx (created here). */
typedef struct probe_batch {
    train_ctx *ctx;
    int *tok, *tgt, *len;     /* [n_pass·(2D−1)], [n_pass·(2D−1)], [n_pass] */
    int T;                    /* 2D − 1 tokens per sequence */
    train_batch b;            /* kept: the context's attention rows refer to it */
} probe_batch;

static void probe_free(probe_batch *p)
{
    train_ctx_free(p->ctx);
    free(p->tok); free(p->tgt); free(p->len);
    memset(p, 0, sizeof *p);
}

static int probe_forward(probe_batch *p, const train_model *m, int dist, const eval_probe_opts *o, rope_error *err)
{
    memset(p, 0, sizeof *p);
    if (dist < 2 || dist > 1 << 16) return rope_fail(err, "probe distance %d is out of range (2 to 65536)", dist);
    if (o->n_pass < 1 || o->n_pass > 4096) return rope_fail(err, "%d probe passages: use 1 to 4096", o->n_pass);
    int T = 2 * dist - 1, N = o->n_pass * T;
    p->T = T;
    p->tok = malloc((size_t)N * sizeof(int));
    p->tgt = malloc((size_t)N * sizeof(int));
    p->len = malloc((size_t)o->n_pass * sizeof(int));
    int *pass = malloc((size_t)2 * dist * sizeof(int));
    if (!p->tok || !p->tgt || !p->len || !pass) {
        free(pass);
        probe_free(p);
        return rope_fail(err, "out of memory for the probe");
    }
    for (int k = 0; k < o->n_pass; k++) {
        eval_probe_passage(pass, dist, o->alphabet, o->seed, k);
        for (int t = 0; t < T; t++) {
            p->tok[k * T + t] = pass[t];
            p->tgt[k * T + t] = pass[t + 1];
        }
        p->len[k] = T;
    }
    free(pass);
    p->ctx = train_ctx_create(m, N, T, o->n_threads, err);
    if (!p->ctx) { probe_free(p); return -1; }
    p->b = (train_batch){ N, p->tok, p->tgt, o->n_pass, p->len, NULL };
    double loss;
    if (train_step_fb(p->ctx, &p->b, 0, &loss, NULL, err)) { probe_free(p); return -1; }
    return 0;
}

int eval_probe_copy_run(const train_model *m, const int *dists, int n, const eval_probe_opts *o,
                        eval_probe_copy *res, rope_error *err)
{
    for (int k = 0; k < n; k++) {
        int D = dists[k];
        probe_batch p;
        if (probe_forward(&p, m, D, o, err)) return -1;
        const float *nll = train_ctx_nll(p.ctx);
        double s1 = 0.0, s2 = 0.0;
        long n1 = 0, n2 = 0;
        for (int q = 0; q < o->n_pass; q++)
            for (int t = 0; t < p.T; t++) {
                /* nll[t] predicts passage token t+1 */
                if (t + 1 < D) { s1 += nll[q * p.T + t]; n1++; }
                else if (t + 1 > D) { s2 += nll[q * p.T + t]; n2++; }
            }
        res[k].dist = D;
        res[k].first = n1 ? s1 / (double)n1 : 0.0;
        res[k].second = n2 ? s2 / (double)n2 : 0.0;
        res[k].ratio = res[k].first > 0.0 ? res[k].second / res[k].first : 0.0;
        probe_free(&p);
    }
    return 0;
}

int eval_probe_induction(const train_model *m, int dist, const eval_probe_opts *o, double *score,
                         rope_error *err)
{
    probe_batch p;
    if (probe_forward(&p, m, dist, o, err)) return -1;
    const train_hparams *hp = &m->hp;
    for (int l = 0; l < hp->n_layer; l++)
        for (int h = 0; h < hp->n_head; h++) {
            double sum = 0.0;
            long cnt = 0;
            for (int q = 0; q < o->n_pass; q++)
                for (int t = dist; t <= 2 * dist - 2; t++) {
                    double a = train_ctx_attn(p.ctx, l, h, q * p.T + t, q * p.T + t - dist + 1);
                    if (a >= 0.0) { sum += a; cnt++; }
                }
            score[l * hp->n_head + h] = cnt ? sum / (double)cnt : 0.0;
        }
    probe_free(&p);
    return 0;
}
