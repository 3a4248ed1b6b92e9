/* kernels/train/train_model.c — the trainer's view of a llama model: hyper-parameters, one float block
 * holding every weight with a tensor table in GGUF order, random initialisation, and GGUF
 * import/export in the llama layout with the byte-vocabulary SPM tokenizer (GGUF spec, ggml docs/gguf.md; llama.cpp src/llama-vocab.cpp). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "train.h"

void train_hparams_default(train_hparams *hp)
{
    memset(hp, 0, sizeof *hp);
    hp->n_vocab = TRAIN_VOCAB;
    hp->d_model = 256;
    hp->n_layer = 4;
    hp->n_head = 4;
    hp->n_head_kv = 4;
    hp->head_dim = 64;
    hp->n_ff = 768;
    hp->tied = 0;
    hp->norm_eps = 1e-5f;
    hp->ctx_train = 512;
}

int train_hparams_check(const train_hparams *hp, rope_error *err)
{
    if (hp->n_vocab != TRAIN_VOCAB)
        return rope_fail(err, "vocabulary of %d tokens; the trainer handles the 256-token byte vocabulary only",
                         hp->n_vocab);
    if (hp->d_model < 2 || hp->d_model > 16384)
        return rope_fail(err, "d_model %d is out of range; use 2 to 16384", hp->d_model);
    if (hp->n_layer < 1 || hp->n_layer > TRAIN_MAX_LAYER)
        return rope_fail(err, "%d layers is out of range; use 1 to %d", hp->n_layer, TRAIN_MAX_LAYER);
    if (hp->n_head < 1 || hp->n_head_kv < 1 || hp->n_head % hp->n_head_kv)
        return rope_fail(err, "%d heads with %d kv heads: the kv heads must divide the heads",
                         hp->n_head, hp->n_head_kv);
    if (hp->head_dim < 2 || hp->head_dim % 2 || hp->head_dim > ROPE_MAX_HEAD_DIM)
        return rope_fail(err, "head_dim %d must be even, 2 to %d", hp->head_dim, ROPE_MAX_HEAD_DIM);
    if (hp->n_ff < 1 || hp->n_ff > 1 << 20)
        return rope_fail(err, "ffn width %d is out of range", hp->n_ff);
    if (!(hp->norm_eps > 0.0f && hp->norm_eps < 1.0f))
        return rope_fail(err, "RMSNorm epsilon %g must be in (0, 1)", (double)hp->norm_eps);
    if (hp->ctx_train < 1)
        return rope_fail(err, "training context %d must be positive", hp->ctx_train);
    return 0;
}

int train_hparams_same(const train_hparams *a, const train_hparams *b)
{
    return a->n_vocab == b->n_vocab && a->d_model == b->d_model && a->n_layer == b->n_layer &&
           a->n_head == b->n_head && a->n_head_kv == b->n_head_kv && a->head_dim == b->head_dim &&
           a->n_ff == b->n_ff && a->tied == b->tied && a->norm_eps == b->norm_eps;
}

void train_hparams_describe(const train_hparams *hp, char *buf, size_t n)
{
    snprintf(buf, n, "d_model %d, %d layers, %d/%d heads x %d, ffn %d, %s", hp->d_model, hp->n_layer,
             hp->n_head, hp->n_head_kv, hp->head_dim, hp->n_ff, hp->tied ? "tied output" : "separate output");
}

/* --- layout ----------------------------------------------------------------------------------- */

static size_t pad16(size_t x) { return (x + 15) & ~(size_t)15; }

static void add_tensor(train_model *m, const char *name, int n_dims, int64_t cols, int64_t rows,
                       size_t off, int decay)
{
    train_tensor *t = &m->tensors[m->n_tensors++];
    snprintf(t->name, sizeof t->name, "%s", name);
    t->n_dims = n_dims;
    t->ne[0] = cols;
    t->ne[1] = n_dims == 2 ? rows : 1;
    t->off = off;
    t->n = (size_t)cols * (size_t)(n_dims == 2 ? rows : 1);
    t->decay = decay;
}

int train_model_init(train_model *m, const train_hparams *hp, rope_error *err)
{
    memset(m, 0, sizeof *m);
    if (train_hparams_check(hp, err)) return -1;
    m->hp = *hp;
    const size_t d = (size_t)hp->d_model, hd = (size_t)hp->head_dim, V = (size_t)hp->n_vocab;
    const size_t qd = (size_t)hp->n_head * hd, kd = (size_t)hp->n_head_kv * hd, ff = (size_t)hp->n_ff;
    size_t off = 0;
    m->off_tok_embd = off; off = pad16(off + V * d);
    for (int l = 0; l < hp->n_layer; l++) {
        train_layer_off *L = &m->layer[l];
        L->attn_norm = off; off = pad16(off + d);
        L->wqkv = off;      off = pad16(off + (qd + 2 * kd) * d);
        L->wo = off;        off = pad16(off + d * qd);
        L->ffn_norm = off;  off = pad16(off + d);
        L->w_gu = off;      off = pad16(off + 2 * ff * d);
        L->w_down = off;    off = pad16(off + d * ff);
    }
    m->off_out_norm = off; off = pad16(off + d);
    if (hp->tied) m->off_output = m->off_tok_embd;
    else { m->off_output = off; off = pad16(off + V * d); }
    m->n_params = off;
    m->w = calloc(off, sizeof(float));
    m->tensors = calloc((size_t)(3 + 9 * hp->n_layer), sizeof *m->tensors);
    if (!m->w || !m->tensors) {
        train_model_free(m);
        return rope_fail(err, "out of memory allocating %zu weights", off);
    }
    char nm[48];
    add_tensor(m, "token_embd.weight", 2, (int64_t)d, (int64_t)V, m->off_tok_embd, 1);
    for (int l = 0; l < hp->n_layer; l++) {
        const train_layer_off *L = &m->layer[l];
#define T(suffix, nd, c, r, o, dec) do { snprintf(nm, sizeof nm, "blk.%d." suffix, l); \
        add_tensor(m, nm, nd, (int64_t)(c), (int64_t)(r), o, dec); } while (0)
        T("attn_norm.weight", 1, d, 1, L->attn_norm, 0);
        T("attn_q.weight", 2, d, qd, L->wqkv, 1);
        T("attn_k.weight", 2, d, kd, L->wqkv + qd * d, 1);
        T("attn_v.weight", 2, d, kd, L->wqkv + (qd + kd) * d, 1);
        T("attn_output.weight", 2, qd, d, L->wo, 1);
        T("ffn_norm.weight", 1, d, 1, L->ffn_norm, 0);
        T("ffn_gate.weight", 2, d, ff, L->w_gu, 1);
        T("ffn_up.weight", 2, d, ff, L->w_gu + ff * d, 1);
        T("ffn_down.weight", 2, ff, d, L->w_down, 1);
#undef T
    }
    add_tensor(m, "output_norm.weight", 1, (int64_t)d, 1, m->off_out_norm, 0);
    if (!hp->tied) add_tensor(m, "output.weight", 2, (int64_t)d, (int64_t)V, m->off_output, 1);
    for (int i = 0; i < m->n_tensors; i++)
        if (!m->tensors[i].decay)
            for (size_t k = 0; k < m->tensors[i].n; k++) m->w[m->tensors[i].off + k] = 1.0f;
    rope_params_init(&m->rope);
    m->rope.head_dim = hp->head_dim;
    m->rope.orig_ctx = m->rope.max_pos = hp->ctx_train;
    snprintf(m->name, sizeof m->name, "ropescope-byte-llama");
    return 0;
}

void train_model_free(train_model *m)
{
    free(m->w);
    free(m->tensors);
    memset(m, 0, sizeof *m);
}

int train_model_find(const train_model *m, const char *name)
{
    for (int i = 0; i < m->n_tensors; i++)
        if (!strcmp(m->tensors[i].name, name)) return i;
    return -1;
}

void train_model_randomize(train_model *m, uint64_t seed)
{
    uint64_t rng = seed ^ 0x5DEECE66Dull;
    double sc_out = 1.0 / sqrt(2.0 * m->hp.n_layer);
    for (int i = 0; i < m->n_tensors; i++) {
        const train_tensor *t = &m->tensors[i];
        float *w = m->w + t->off;
        if (!t->decay) {
            for (size_t k = 0; k < t->n; k++) w[k] = 1.0f;
            continue;
        }
        double sd = 0.02;
        if (strstr(t->name, "attn_output") || strstr(t->name, "ffn_down")) sd *= sc_out;
        for (size_t k = 0; k < t->n; k += 2) {   /* Box–Muller pairs */
            double u1 = corpus_rand_unit(&rng), u2 = corpus_rand_unit(&rng);
            double r = sqrt(-2.0 * log(1.0 - u1)), a = 2.0 * M_PI * u2;
            w[k] = (float)(sd * r * cos(a));
            if (k + 1 < t->n) w[k + 1] = (float)(sd * r * sin(a));
        }
    }
}

/* --- conversion to and from the engine's model (its GGUF reader/writer is the one the project uses) --- */

/* Copies n floats between the two layouts (dir 0: train → model, 1: model → train). */
static void xfer(float *mdl, float *trn, size_t n, int dir)
{
    if (dir == 0) memcpy(mdl, trn, n * sizeof(float));
    else memcpy(trn, mdl, n * sizeof(float));
}

static void xfer_all(model *mm, train_model *m, int dir)
{
    const train_hparams *hp = &m->hp;
    size_t d = (size_t)hp->d_model, V = (size_t)hp->n_vocab, ff = (size_t)hp->n_ff;
    size_t qkvd = (size_t)(hp->n_head + 2 * hp->n_head_kv) * hp->head_dim, qd = (size_t)hp->n_head * hp->head_dim;
    xfer(mm->tok_embd, m->w + m->off_tok_embd, V * d, dir);
    xfer(mm->out_norm, m->w + m->off_out_norm, d, dir);
    if (!hp->tied) xfer(mm->output, m->w + m->off_output, V * d, dir);
    for (int l = 0; l < hp->n_layer; l++) {
        const train_layer_off *L = &m->layer[l];
        model_layer *ML = &mm->layer[l];
        xfer(ML->attn_norm, m->w + L->attn_norm, d, dir);
        xfer(ML->wqkv, m->w + L->wqkv, qkvd * d, dir);       /* wq, wk, wv stacked in both */
        xfer(ML->wo, m->w + L->wo, d * qd, dir);
        xfer(ML->ffn_norm, m->w + L->ffn_norm, d, dir);
        xfer(ML->w_gu, m->w + L->w_gu, 2 * ff * d, dir);     /* gate, up stacked in both */
        xfer(ML->w_down, m->w + L->w_down, d * ff, dir);
    }
}

/* The RoPE as a llama GGUF can state it: static NTK is plain RoPE with the scaled base. */
static int exportable_rope(const rope_params *p, rope_params *out, rope_error *err)
{
    *out = *p;
    if (p->method == ROPE_NONE || p->method == ROPE_LINEAR || p->method == ROPE_YARN) return 0;
    if (p->method == ROPE_NTK) {
        rope_table *t = malloc(sizeof *t);
        if (!t) return rope_fail(err, "out of memory");
        int rc = rope_table_compute(p, t, err);
        if (!rc) {
            out->method = ROPE_NONE;
            out->base = t->base_scaled;
            out->factor = 1.0;
        }
        free(t);
        return rc;
    }
    const rope_method_info *mi = rope_method_get(p->method);
    return rope_fail(err, "RoPE method %s cannot be stated in a llama GGUF (llama.cpp reads none, linear and "
                          "yarn; ntk is written as a new base); train with one of those", mi ? mi->name : "?");
}

int train_rope_exportable(const rope_params *p, rope_error *err)
{
    rope_params q;
    return exportable_rope(p, &q, err);
}

int train_model_to_model(const train_model *m, model *out, rope_error *err)
{
    if (model_alloc(out, &m->hp, err)) return -1;
    if (exportable_rope(&m->rope, &out->rope, err)) { model_free(out); return -1; }
    snprintf(out->name, sizeof out->name, "%s", m->name);
    xfer_all(out, (train_model *)m, 0);
    return 0;
}

int train_model_from_model(train_model *m, const model *src, rope_error *err)
{
    train_hparams hp = src->hp;
    if (train_model_init(m, &hp, err)) return -1;
    m->rope = src->rope;
    snprintf(m->name, sizeof m->name, "%s", src->name);
    xfer_all((model *)src, m, 1);
    return 0;
}

int train_model_save_gguf(const train_model *m, const char *path, rope_error *err)
{
    model mm;
    if (train_model_to_model(m, &mm, err)) return -1;
    int rc = model_save(&mm, path, GGUF_DTYPE_F32, err);
    model_free(&mm);
    return rc;
}

int train_model_load_gguf(train_model *m, const char *path, rope_error *err)
{
    model mm;
    memset(m, 0, sizeof *m);
    if (model_load(&mm, path, err)) return -1;
    int rc = train_model_from_model(m, &mm, err);
    model_free(&mm);
    if (rc) {
        rope_error e = *err;
        return rope_fail(err, "%s: %s", path, e.msg);
    }
    return 0;
}
