/* kernels/model/model.c — the transformer's weights: allocation, random initialisation, loading a
 * llama-architecture GGUF (strict key types, exact tensor set and shapes) and saving one in the
 * layout llama.cpp accepts with the byte-vocabulary SPM tokenizer. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model.h"
#include "gguf_rope.h"

#define PAD_FLOATS 16   /* each array starts on a 64-byte boundary */

static size_t pad(size_t n) { return (n + PAD_FLOATS - 1) / PAD_FLOATS * PAD_FLOATS; }

int model_hparams_check(const model_hparams *hp, rope_error *err)
{
    if (hp->n_vocab != MODEL_VOCAB)
        return rope_fail(err, "the vocabulary has %d tokens; ropescope runs byte-vocabulary models (256 tokens)",
                         hp->n_vocab);
    if (hp->d_model < 1 || hp->d_model > 65536 || hp->n_layer < 1 || hp->n_layer > 1024 || hp->n_ff < 1 ||
        hp->n_ff > 1 << 20 || hp->n_head < 1 || hp->n_head > 1024 || hp->ctx_train < 1)
        return rope_fail(err, "model sizes out of range (d_model %d, layers %d, ffn %d, heads %d, context %d)",
                         hp->d_model, hp->n_layer, hp->n_ff, hp->n_head, hp->ctx_train);
    if (hp->n_head_kv < 1 || hp->n_head % hp->n_head_kv)
        return rope_fail(err, "head_count_kv %d must divide head_count %d", hp->n_head_kv, hp->n_head);
    if (hp->head_dim < 2 || hp->head_dim % 2 || hp->head_dim > ROPE_MAX_HEAD_DIM)
        return rope_fail(err, "head_dim %d must be even, from 2 to %d", hp->head_dim, ROPE_MAX_HEAD_DIM);
    if (!(hp->norm_eps > 0.0f && hp->norm_eps < 1.0f))
        return rope_fail(err, "layer_norm_rms_epsilon %g must be in (0, 1)", (double)hp->norm_eps);
    return 0;
}

int model_alloc(model *m, const model_hparams *hp, rope_error *err)
{
    memset(m, 0, sizeof *m);
    if (model_hparams_check(hp, err)) return -1;
    m->hp = *hp;
    size_t d = (size_t)hp->d_model, V = (size_t)hp->n_vocab, ff = (size_t)hp->n_ff;
    size_t qd = (size_t)hp->n_head * hp->head_dim, kvd = (size_t)hp->n_head_kv * hp->head_dim;
    size_t per_layer = pad(d) + pad((qd + 2 * kvd) * d) + pad(d * qd) + pad(d) + pad(2 * ff * d) + pad(d * ff);
    size_t total = pad(V * d) + pad(d) + (hp->tied ? 0 : pad(V * d)) + per_layer * (size_t)hp->n_layer;
    m->mem = aligned_alloc(64, total * sizeof(float));
    m->layer = calloc((size_t)hp->n_layer, sizeof *m->layer);
    if (!m->mem || !m->layer) {
        model_free(m);
        return rope_fail(err, "out of memory allocating %zu MiB of weights", total * 4 >> 20);
    }
    memset(m->mem, 0, total * sizeof(float));
    float *p = m->mem;
#define TAKE(n) (p += pad(n), p - pad(n))
    m->tok_embd = TAKE(V * d);
    m->out_norm = TAKE(d);
    m->output = hp->tied ? m->tok_embd : TAKE(V * d);
    for (int l = 0; l < hp->n_layer; l++) {
        model_layer *L = &m->layer[l];
        L->attn_norm = TAKE(d);
        L->wqkv = TAKE((qd + 2 * kvd) * d);
        L->wq = L->wqkv;
        L->wk = L->wqkv + qd * d;
        L->wv = L->wk + kvd * d;
        L->wo = TAKE(d * qd);
        L->ffn_norm = TAKE(d);
        L->w_gu = TAKE(2 * ff * d);
        L->w_gate = L->w_gu;
        L->w_up = L->w_gu + ff * d;
        L->w_down = TAKE(d * ff);
        for (size_t i = 0; i < d; i++) L->attn_norm[i] = L->ffn_norm[i] = 1.0f;
    }
#undef TAKE
    for (size_t i = 0; i < d; i++) m->out_norm[i] = 1.0f;
    m->n_params = V * d * (hp->tied ? 1 : 2) + d +
                  (size_t)hp->n_layer * (2 * d + (qd + 2 * kvd) * d + d * qd + 3 * ff * d);
    rope_params_init(&m->rope);
    m->rope.head_dim = hp->head_dim;
    m->rope.orig_ctx = m->rope.max_pos = hp->ctx_train;
    return 0;
}

void model_free(model *m)
{
    free(m->mem);
    free(m->layer);
    memset(m, 0, sizeof *m);
}

static uint64_t xs(uint64_t *s)
{
    *s ^= *s << 13; *s ^= *s >> 7; *s ^= *s << 17;
    return *s;
}
static float urand(uint64_t *s) { return (float)((xs(s) >> 11) * (1.0 / 9007199254740992.0)) * 2.0f - 1.0f; }

static void fill_u(float *x, size_t n, float a, uint64_t *s) { for (size_t i = 0; i < n; i++) x[i] = a * urand(s); }

int model_init_random(model *m, const model_hparams *hp, uint64_t seed, rope_error *err)
{
    if (model_alloc(m, hp, err)) return -1;
    uint64_t s = seed * 0x9e3779b97f4a7c15ull + 0x1234567ull;
    if (!s) s = 1;
    size_t d = (size_t)hp->d_model, V = (size_t)hp->n_vocab, ff = (size_t)hp->n_ff;
    size_t qd = (size_t)hp->n_head * hp->head_dim, kvd = (size_t)hp->n_head_kv * hp->head_dim;
    float a_d = sqrtf(3.0f / (float)d);
    fill_u(m->tok_embd, V * d, 1.0f, &s);
    if (!hp->tied) fill_u(m->output, V * d, a_d, &s);
    for (size_t i = 0; i < d; i++) m->out_norm[i] = 1.0f + 0.1f * urand(&s);
    for (int l = 0; l < hp->n_layer; l++) {
        model_layer *L = &m->layer[l];
        fill_u(L->wqkv, (qd + 2 * kvd) * d, a_d, &s);
        fill_u(L->wo, d * qd, sqrtf(3.0f / (float)qd) * 0.5f, &s);
        fill_u(L->w_gu, 2 * ff * d, a_d, &s);
        fill_u(L->w_down, d * ff, sqrtf(3.0f / (float)ff) * 0.5f, &s);
        for (size_t i = 0; i < d; i++) {
            L->attn_norm[i] = 1.0f + 0.1f * urand(&s);
            L->ffn_norm[i] = 1.0f + 0.1f * urand(&s);
        }
    }
    return 0;
}

/* --- GGUF → model --------------------------------------------------------------------------------- */

/* A u32 count that may also be stored as a per-layer [u32] array with equal entries. */
static int get_count(const gguf_file *f, const char *key, int required, uint32_t *out, const char *where,
                     rope_error *err)
{
    rope_error e;
    int r = gguf_get_u32(f, key, out, &e);
    if (r == 1) return 1;
    if (r == 0) {
        if (required) return rope_fail(err, "%s: required key %s is missing (not a complete llama GGUF)", where, key);
        return 0;
    }
    uint64_t n;
    const void *d;
    if (gguf_get_arr(f, key, GGUF_TYPE_UINT32, &n, &d, &e) == 1 && n > 0) {
        const uint32_t *a = d;
        for (uint64_t i = 1; i < n; i++)
            if (a[i] != a[0])
                return rope_fail(err, "%s: %s differs between layers; ropescope needs one value for all layers",
                                 where, key);
        *out = a[0];
        return 1;
    }
    const gguf_kv *kv = gguf_get(f, key);
    return rope_fail(err, "%s: GGUF key %s has type %s, expected u32 (or one u32 per layer); rewrite the file "
                     "with the right type", where, key, kv->type == GGUF_TYPE_ARRAY ? "array" : gguf_type_name(kv->type));
}

int model_rope_from_gguf(const gguf_file *f, const model_hparams *hp, rope_params *p, rope_error *err)
{
    rope_params_init(p);
    p->head_dim = hp->head_dim;
    p->orig_ctx = p->max_pos = hp->ctx_train;
    return gguf_get_rope(f, "llama", p, err);
}

typedef struct want_tensor {
    char name[GGUF_MAX_NAME];
    int n_dims;
    int64_t ne[2];
    float *dst;
} want_tensor;

/* The llama tensor set for hp: exactly these names with these shapes ([ne0, ne1], 1-D: ne1 = 1), checked
 * against the file's directory before anything is allocated. */
static int check_tensor_set(const gguf_file *f, const model_hparams *hp, const char *where, rope_error *err)
{
    int64_t d = hp->d_model, V = hp->n_vocab, ff = hp->n_ff;
    int64_t qd = (int64_t)hp->n_head * hp->head_dim, kvd = (int64_t)hp->n_head_kv * hp->head_dim;
    static const char *const lname[9] = { "attn_norm", "attn_q", "attn_k", "attn_v", "attn_output", "ffn_norm",
                                          "ffn_gate", "ffn_up", "ffn_down" };
    const int64_t lne[9][3] = { { 1, d, 1 }, { 2, d, qd }, { 2, d, kvd }, { 2, d, kvd }, { 2, qd, d },
                                { 1, d, 1 }, { 2, d, ff }, { 2, d, ff }, { 2, ff, d } };   /* n_dims, ne0, ne1 */
    int n_want = 2 + (hp->tied ? 0 : 1) + 9 * hp->n_layer;
    for (int i = -3; i < 9 * hp->n_layer; i++) {
        char nm[GGUF_MAX_NAME];
        int64_t nd = 2, a = d, b = V;
        if (i == -3) snprintf(nm, sizeof nm, "token_embd.weight");
        else if (i == -2) { snprintf(nm, sizeof nm, "output_norm.weight"); nd = 1; b = 1; }
        else if (i == -1) { if (hp->tied) continue; snprintf(nm, sizeof nm, "output.weight"); }
        else {
            snprintf(nm, sizeof nm, "blk.%d.%s.weight", i / 9, lname[i % 9]);
            nd = lne[i % 9][0]; a = lne[i % 9][1]; b = lne[i % 9][2];
        }
        int ti = gguf_find_tensor(f, nm);
        if (ti < 0) return rope_fail(err, "%s: tensor '%s' is missing", where, nm);
        const gguf_tensor *t = &f->tensors[ti];
        if (t->n_dims != nd || t->ne[0] != a || (nd == 2 && t->ne[1] != b)) {
            char got[96];
            int o = snprintf(got, sizeof got, "[");
            for (int j = 0; j < t->n_dims; j++)
                o += snprintf(got + o, sizeof got - (size_t)o, "%s%lld", j ? ", " : "", (long long)t->ne[j]);
            snprintf(got + o, sizeof got - (size_t)o, "]");
            return nd == 1 ? rope_fail(err, "%s: tensor '%s' has the wrong shape %s, want [%lld]", where, nm, got,
                                       (long long)a)
                           : rope_fail(err, "%s: tensor '%s' has the wrong shape %s, want [%lld, %lld]", where, nm,
                                       got, (long long)a, (long long)b);
        }
    }
    for (int i = 0; i < f->n_tensors && f->n_tensors != n_want; i++) {
        const char *nm = f->tensors[i].name;   /* printable ASCII: the reader refuses anything else */
        int known = !strcmp(nm, "token_embd.weight") || !strcmp(nm, "output_norm.weight") ||
                    (!hp->tied && !strcmp(nm, "output.weight"));
        char *end;
        if (!known && !strncmp(nm, "blk.", 4) && nm[4] >= '0' && nm[4] <= '9') {
            long l = strtol(nm + 4, &end, 10);
            for (int k = 0; k < 9 && !known && *end == '.' && l < hp->n_layer; k++) {
                size_t n = strlen(lname[k]);
                known = !strncmp(end + 1, lname[k], n) && !strcmp(end + 1 + n, ".weight");
            }
        }
        if (!known)
            return rope_fail(err, "%s: unexpected tensor '%s' (ropescope and llama.cpp expect exactly the llama "
                             "tensor set; biases, fused qkv and rope_freqs are not supported)", where, nm);
    }
    return 0;
}

int model_from_gguf(model *m, const gguf_file *f, const char *where, rope_error *err)
{
    rope_error e;
    memset(m, 0, sizeof *m);
    const char *arch = NULL;
    int r = gguf_get_str(f, "general.architecture", &arch, &e);
    if (r < 0) return rope_fail(err, "%s: %s", where, e.msg);
    if (r == 0) return rope_fail(err, "%s: general.architecture is missing; this is not a model file", where);
    if (strcmp(arch, "llama") != 0) {
        char safe[64];
        const gguf_kv *akv = gguf_get(f, "general.architecture");
        return rope_fail(err, "%s: architecture is '%s'%s; ropescope runs llama-architecture models only", where,
                         gguf_sanitize(safe, sizeof safe, arch, (size_t)akv->str.len),
                         strlen(arch) != akv->str.len ? " (with an embedded NUL byte)" : "");
    }
    if (gguf_get(f, "general.architecture")->str.len != strlen(arch))
        return rope_fail(err, "%s: general.architecture holds an embedded NUL byte", where);

    model_hparams hp = {0};
    uint32_t ctx, d, nl, ff = 0, nh = 0, nkv = 0, kl = 0, vl = 0, rot = 0, vocab = 0;
    float eps;
    if (get_count(f, "llama.context_length", 1, &ctx, where, err) < 0 ||
        get_count(f, "llama.embedding_length", 1, &d, where, err) < 0 ||
        get_count(f, "llama.block_count", 1, &nl, where, err) < 0 ||
        get_count(f, "llama.feed_forward_length", 1, &ff, where, err) < 0 ||
        get_count(f, "llama.attention.head_count", 1, &nh, where, err) < 0 ||
        get_count(f, "llama.attention.head_count_kv", 0, &nkv, where, err) < 0 ||
        get_count(f, "llama.attention.key_length", 0, &kl, where, err) < 0 ||
        get_count(f, "llama.attention.value_length", 0, &vl, where, err) < 0 ||
        get_count(f, "llama.rope.dimension_count", 0, &rot, where, err) < 0 ||
        get_count(f, "llama.vocab_size", 0, &vocab, where, err) < 0)
        return -1;
    r = gguf_get_f32(f, "llama.attention.layer_norm_rms_epsilon", &eps, &e);
    if (r < 0) return rope_fail(err, "%s: %s", where, e.msg);
    if (r == 0) return rope_fail(err, "%s: required key llama.attention.layer_norm_rms_epsilon is missing", where);
    if (ctx > (1u << 24) || d > 65536 || nl > 1024 || nh == 0 || nh > 1024 || ff > (1u << 20) || kl > 4096)
        return rope_fail(err, "%s: model sizes out of range (context %u, d_model %u, layers %u, heads %u, ffn %u)",
                         where, ctx, d, nl, nh, ff);
    hp.ctx_train = (int)ctx;
    hp.d_model = (int)d;
    hp.n_layer = (int)nl;
    hp.n_ff = (int)ff;
    hp.n_head = (int)nh;
    hp.n_head_kv = nkv ? (int)nkv : (int)nh;
    hp.norm_eps = eps;
    if (kl || vl) {
        if (kl != vl)
            return rope_fail(err, "%s: key_length %u differs from value_length %u; ropescope needs them equal", where, kl, vl);
        hp.head_dim = (int)kl;
    } else {
        if (d % nh) return rope_fail(err, "%s: embedding_length %u is not a multiple of head_count %u", where, d, nh);
        hp.head_dim = (int)(d / nh);
    }
    if (rot && (int)rot != hp.head_dim)
        return rope_fail(err, "%s: rope.dimension_count %u differs from head_dim %d (llama.cpp: invalid n_rot)",
                         where, rot, hp.head_dim);

    int it = gguf_find_tensor(f, "token_embd.weight");
    if (it < 0) return rope_fail(err, "%s: tensor 'token_embd.weight' is missing", where);
    hp.n_vocab = (int)f->tensors[it].ne[1];
    if (f->tensors[it].n_dims != 2 || f->tensors[it].ne[0] != (int64_t)d)
        return rope_fail(err, "%s: tensor 'token_embd.weight' has the wrong shape (want [%u, n_vocab])", where, d);
    if (vocab && vocab != (uint32_t)hp.n_vocab)
        return rope_fail(err, "%s: llama.vocab_size %u differs from token_embd's %d rows", where, vocab, hp.n_vocab);
    uint64_t ntok;
    const void *toks;
    r = gguf_get_arr(f, "tokenizer.ggml.tokens", GGUF_TYPE_STRING, &ntok, &toks, &e);
    if (r < 0) return rope_fail(err, "%s: %s", where, e.msg);
    if (r == 1 && ntok != (uint64_t)hp.n_vocab)
        return rope_fail(err, "%s: tokenizer.ggml.tokens has %llu entries but token_embd has %d rows", where,
                         (unsigned long long)ntok, hp.n_vocab);
    hp.tied = gguf_find_tensor(f, "output.weight") < 0;
    rope_error he;
    if (model_hparams_check(&hp, &he)) return rope_fail(err, "%s: %s", where, he.msg);

    /* every tensor present with its shape, and no other, before a byte of weights is allocated: the
       file's own tensor data then bounds the allocation (a header claiming GiB of weights is refused) */
    if (check_tensor_set(f, &hp, where, err)) return -1;
    if (model_alloc(m, &hp, err)) return -1;
    if (model_rope_from_gguf(f, &hp, &m->rope, &e)) {
        model_free(m);
        return rope_fail(err, "%s: %s", where, e.msg);
    }
    const char *name = NULL;
    if (gguf_get_str(f, "general.name", &name, &e) == 1) {
        const gguf_kv *nkv = gguf_get(f, "general.name");
        if (nkv->str.len != strlen(name)) {
            model_free(m);
            return rope_fail(err, "%s: general.name holds an embedded NUL byte", where);
        }
        gguf_sanitize(m->name, sizeof m->name, name, (size_t)nkv->str.len);   /* printed by the commands */
    }

    /* The exact tensor set llama.cpp creates for this model. */
    int64_t qd = (int64_t)hp.n_head * hp.head_dim, kvd = (int64_t)hp.n_head_kv * hp.head_dim;
    int n_want = 2 + (hp.tied ? 0 : 1) + 9 * hp.n_layer;
    want_tensor *w = calloc((size_t)n_want, sizeof *w);
    if (!w) { model_free(m); return rope_fail(err, "%s: out of memory", where); }
    int k = 0;
#define WANT(nm, nd, a, b, p) do { snprintf(w[k].name, GGUF_MAX_NAME, "%s", nm); w[k].n_dims = nd; \
        w[k].ne[0] = a; w[k].ne[1] = b; w[k].dst = p; k++; } while (0)
    WANT("token_embd.weight", 2, d, hp.n_vocab, m->tok_embd);
    WANT("output_norm.weight", 1, d, 1, m->out_norm);
    if (!hp.tied) WANT("output.weight", 2, d, hp.n_vocab, m->output);
    for (int l = 0; l < hp.n_layer; l++) {
        model_layer *L = &m->layer[l];
        char nm[GGUF_MAX_NAME];
#define WL(suffix, nd, a, b, p) do { snprintf(nm, sizeof nm, "blk.%d." suffix, l); WANT(nm, nd, a, b, p); } while (0)
        WL("attn_norm.weight", 1, d, 1, L->attn_norm);
        WL("attn_q.weight", 2, d, qd, L->wq);
        WL("attn_k.weight", 2, d, kvd, L->wk);
        WL("attn_v.weight", 2, d, kvd, L->wv);
        WL("attn_output.weight", 2, qd, d, L->wo);
        WL("ffn_norm.weight", 1, d, 1, L->ffn_norm);
        WL("ffn_gate.weight", 2, d, ff, L->w_gate);
        WL("ffn_up.weight", 2, d, ff, L->w_up);
        WL("ffn_down.weight", 2, ff, d, L->w_down);
#undef WL
    }
#undef WANT
    int bad = 0;
    for (int i = 0; i < n_want && !bad; i++) {
        int ti = gguf_find_tensor(f, w[i].name);
        if (ti < 0) {
            bad = rope_fail(err, "%s: tensor '%s' is missing", where, w[i].name);
            break;
        }
        const gguf_tensor *t = &f->tensors[ti];
        if (t->n_dims != w[i].n_dims || t->ne[0] != w[i].ne[0] || (w[i].n_dims == 2 && t->ne[1] != w[i].ne[1])) {
            char got[96];
            int o = snprintf(got, sizeof got, "[");
            for (int j = 0; j < t->n_dims; j++)
                o += snprintf(got + o, sizeof got - (size_t)o, "%s%lld", j ? ", " : "", (long long)t->ne[j]);
            snprintf(got + o, sizeof got - (size_t)o, "]");
            if (w[i].n_dims == 1)
                bad = rope_fail(err, "%s: tensor '%s' has the wrong shape %s, want [%lld]", where, w[i].name, got,
                                (long long)w[i].ne[0]);
            else
                bad = rope_fail(err, "%s: tensor '%s' has the wrong shape %s, want [%lld, %lld]", where, w[i].name,
                                got, (long long)w[i].ne[0], (long long)w[i].ne[1]);
            break;
        }
        if (gguf_tensor_to_f32(t, w[i].dst, &e)) bad = rope_fail(err, "%s: %s", where, e.msg);
    }
    if (!bad && f->n_tensors != n_want) {
        for (int i = 0; i < f->n_tensors; i++) {
            int found = 0;
            for (int j = 0; j < n_want && !found; j++) found = strcmp(f->tensors[i].name, w[j].name) == 0;
            if (!found) {
                bad = rope_fail(err, "%s: unexpected tensor '%s' (ropescope and llama.cpp expect exactly the llama "
                                "tensor set; biases, fused qkv and rope_freqs are not supported)", where,
                                f->tensors[i].name);
                break;
            }
        }
    }
    for (int i = 0; i < n_want && !bad; i++) {     /* NaN or inf anywhere poisons every result */
        size_t n = (size_t)w[i].ne[0] * (size_t)w[i].ne[1];
        for (size_t j = 0; j < n; j++)
            if (!isfinite(w[i].dst[j])) {
                bad = rope_fail(err, "%s: tensor '%s' holds NaN or inf (element %zu); the file is damaged", where,
                                w[i].name, j);
                break;
            }
    }
    free(w);
    if (bad) { model_free(m); return -1; }
    return 0;
}

int model_load(model *m, const char *path, rope_error *err)
{
    gguf_file f;
    memset(m, 0, sizeof *m);
    if (gguf_open(&f, path, err)) return -1;
    int r = model_from_gguf(m, &f, path, err);
    gguf_free(&f);
    return r;
}

/* --- model → GGUF ------------------------------------------------------------------------------------ */

static int add_matrix(gguf_file *f, const char *name, const float *x, int64_t in, int64_t out, gguf_dtype wt,
                      uint8_t **cursor, rope_error *err)
{
    int64_t ne[2] = { in, out };
    if (wt == GGUF_DTYPE_F32) return gguf_add_tensor(f, name, wt, 2, ne, x, err);
    uint8_t *dst = *cursor;
    int64_t n = in * out;
    if (wt == GGUF_DTYPE_F16) {
        for (int64_t i = 0; i < n; i++) { uint16_t h = gguf_f32_to_f16(x[i]); memcpy(dst + 2 * i, &h, 2); }
        *cursor += (size_t)n * 2;
    } else {
        gguf_quantize_q8_0(x, n, dst);
        *cursor += (size_t)(n / GGUF_Q8_0_BLOCK) * GGUF_Q8_0_BYTES;
    }
    return gguf_add_tensor(f, name, wt, 2, ne, dst, err);
}

int model_to_gguf(const model *m, gguf_file *f, gguf_dtype wtype, void **scratch, rope_error *err)
{
    const model_hparams *hp = &m->hp;
    *scratch = NULL;
    if (wtype != GGUF_DTYPE_F32 && wtype != GGUF_DTYPE_F16 && wtype != GGUF_DTYPE_Q8_0)
        return rope_fail(err, "weights can be saved as F32, F16 or Q8_0, not %s", gguf_dtype_name(wtype));
    if (wtype == GGUF_DTYPE_Q8_0 && (hp->d_model % 32 || (hp->n_head * hp->head_dim) % 32 || hp->n_ff % 32))
        return rope_fail(err, "Q8_0 needs d_model, n_head·head_dim and n_ff to be multiples of 32");
    const rope_params *rp = &m->rope;
    int ok = 0;
    ok |= gguf_set_str(f, "general.architecture", "llama");
    ok |= gguf_set_str(f, "general.name", m->name[0] ? m->name : "ropescope");
    ok |= gguf_set_u32(f, "general.file_type", wtype == GGUF_DTYPE_F32 ? 0 : wtype == GGUF_DTYPE_F16 ? 1 : 7);
    ok |= gguf_set_u32(f, "llama.context_length", (uint32_t)hp->ctx_train);
    ok |= gguf_set_u32(f, "llama.embedding_length", (uint32_t)hp->d_model);
    ok |= gguf_set_u32(f, "llama.block_count", (uint32_t)hp->n_layer);
    ok |= gguf_set_u32(f, "llama.feed_forward_length", (uint32_t)hp->n_ff);
    ok |= gguf_set_u32(f, "llama.attention.head_count", (uint32_t)hp->n_head);
    ok |= gguf_set_u32(f, "llama.attention.head_count_kv", (uint32_t)hp->n_head_kv);
    if (hp->head_dim * hp->n_head != hp->d_model) {
        ok |= gguf_set_u32(f, "llama.attention.key_length", (uint32_t)hp->head_dim);
        ok |= gguf_set_u32(f, "llama.attention.value_length", (uint32_t)hp->head_dim);
    }
    ok |= gguf_set_f32(f, "llama.attention.layer_norm_rms_epsilon", hp->norm_eps);
    ok |= gguf_set_u32(f, "llama.rope.dimension_count", (uint32_t)hp->head_dim);
    if (gguf_set_rope(f, "llama", rp, hp->ctx_train, err)) return -1; /* every key the reader knows */
    ok |= gguf_set_u32(f, "llama.vocab_size", (uint32_t)hp->n_vocab);
    /* byte-vocabulary SPM tokenizer (llama.cpp src/llama-vocab.cpp, LLAMA_VOCAB_TYPE_SPM) */
    char names[MODEL_VOCAB][8];
    const char *tok[MODEL_VOCAB];
    int32_t ttype[MODEL_VOCAB];
    float scores[MODEL_VOCAB];
    for (int b = 0; b < MODEL_VOCAB; b++) {
        if (b == 0x20) snprintf(names[b], sizeof names[b], "\xe2\x96\x81");
        else snprintf(names[b], sizeof names[b], "<0x%02X>", b);
        tok[b] = names[b];
        ttype[b] = b == 0x20 ? 1 : 6;
        scores[b] = 0.0f;
    }
    ok |= gguf_set_str(f, "tokenizer.ggml.model", "llama");
    ok |= gguf_set_arr_str(f, "tokenizer.ggml.tokens", tok, MODEL_VOCAB);
    ok |= gguf_set_arr(f, "tokenizer.ggml.scores", GGUF_TYPE_FLOAT32, scores, MODEL_VOCAB);
    ok |= gguf_set_arr(f, "tokenizer.ggml.token_type", GGUF_TYPE_INT32, ttype, MODEL_VOCAB);
    ok |= gguf_set_bool(f, "tokenizer.ggml.add_space_prefix", 0);
    ok |= gguf_set_bool(f, "tokenizer.ggml.add_bos_token", 0);
    ok |= gguf_set_bool(f, "tokenizer.ggml.add_eos_token", 0);
    ok |= gguf_set_u32(f, "tokenizer.ggml.bos_token_id", 1);
    /* eos aliases byte 0x02 (MODEL_TOKEN_EOS): every id is a byte. llama.cpp warns "special_eos_id is
     * not in special_eog_ids" because it finds end-of-generation tokens by their text only. */
    ok |= gguf_set_u32(f, "tokenizer.ggml.eos_token_id", MODEL_TOKEN_EOS);
    if (ok) return rope_fail(err, "out of memory building GGUF metadata");

    int64_t d = hp->d_model, V = hp->n_vocab, ff = hp->n_ff;
    int64_t qd = (int64_t)hp->n_head * hp->head_dim, kvd = (int64_t)hp->n_head_kv * hp->head_dim;
    uint8_t *cur = NULL;
    if (wtype != GGUF_DTYPE_F32) {
        size_t n = (size_t)(V * d * 2 + hp->n_layer * ((qd + 2 * kvd) * d + d * qd + 3 * ff * d));
        *scratch = malloc(n * 2 + 64);
        if (!*scratch) return rope_fail(err, "out of memory converting weights");
        cur = *scratch;
    }
    int64_t ne1[1] = { d };
    char nm[GGUF_MAX_NAME];
    if (add_matrix(f, "token_embd.weight", m->tok_embd, d, V, wtype, &cur, err)) return -1;
    for (int l = 0; l < hp->n_layer; l++) {
        const model_layer *L = &m->layer[l];
#define NM(s) (snprintf(nm, sizeof nm, "blk.%d." s, l), nm)
        if (gguf_add_tensor(f, NM("attn_norm.weight"), GGUF_DTYPE_F32, 1, ne1, L->attn_norm, err) ||
            add_matrix(f, NM("attn_q.weight"), L->wq, d, qd, wtype, &cur, err) ||
            add_matrix(f, NM("attn_k.weight"), L->wk, d, kvd, wtype, &cur, err) ||
            add_matrix(f, NM("attn_v.weight"), L->wv, d, kvd, wtype, &cur, err) ||
            add_matrix(f, NM("attn_output.weight"), L->wo, qd, d, wtype, &cur, err) ||
            gguf_add_tensor(f, NM("ffn_norm.weight"), GGUF_DTYPE_F32, 1, ne1, L->ffn_norm, err) ||
            add_matrix(f, NM("ffn_gate.weight"), L->w_gate, d, ff, wtype, &cur, err) ||
            add_matrix(f, NM("ffn_up.weight"), L->w_up, d, ff, wtype, &cur, err) ||
            add_matrix(f, NM("ffn_down.weight"), L->w_down, ff, d, wtype, &cur, err))
            return -1;
#undef NM
    }
    if (gguf_add_tensor(f, "output_norm.weight", GGUF_DTYPE_F32, 1, ne1, m->out_norm, err)) return -1;
    if (!hp->tied && add_matrix(f, "output.weight", m->output, d, V, wtype, &cur, err)) return -1;
    return 0;
}

int model_save(const model *m, const char *path, gguf_dtype wtype, rope_error *err)
{
    gguf_file f;
    gguf_init(&f);
    void *scratch = NULL;
    int r = model_to_gguf(m, &f, wtype, &scratch, err);
    if (r == 0) r = gguf_write(&f, path, err);
    gguf_free(&f);
    free(scratch);
    return r;
}
