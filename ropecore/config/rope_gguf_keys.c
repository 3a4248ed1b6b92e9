/* ropecore/config/rope_gguf_keys.c — the table of llama.cpp's GGUF RoPE keys and the two directions of
 * the map (rope_gguf_keys.h): params → (key, type, value) for the writer and the export, and
 * (key, value) → params for the reader, with llama.cpp's reading rules (llama.cpp src/llama-model.cpp, hparams loading). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rope_gguf_keys.h"

/* Every key the reader knows, in the order the writer stores them. */
static const rope_gguf_key_info KEYS[] = {
    { "rope.freq_base",                            ROPE_GGUF_F32, 1 },
    { "rope.scaling.type",                         ROPE_GGUF_STR, 1 },
    { "rope.scaling.factor",                       ROPE_GGUF_F32, 1 },
    { "rope.scaling.original_context_length",      ROPE_GGUF_U32, 1 },
    { "rope.scaling.attn_factor",                  ROPE_GGUF_F32, 1 },
    { "rope.scaling.yarn_beta_fast",               ROPE_GGUF_F32, 1 },
    { "rope.scaling.yarn_beta_slow",               ROPE_GGUF_F32, 1 },
    { "rope.scale_linear",                         ROPE_GGUF_F32, 0 }, /* legacy spelling of the linear factor */
};
enum { N_KEYS = (int)(sizeof KEYS / sizeof KEYS[0]) };

const rope_gguf_key_info *rope_gguf_key_table(int *n)
{
    if (n) *n = N_KEYS;
    return KEYS;
}

const rope_gguf_key_info *rope_gguf_key_find(const char *suffix)
{
    for (int i = 0; i < N_KEYS; i++)
        if (strcmp(KEYS[i].suffix, suffix) == 0) return &KEYS[i];
    return NULL;
}

void rope_gguf_keys_init(rope_gguf_keys *k)
{
    memset(k, 0, sizeof *k);
}

int rope_gguf_keys_add(rope_gguf_keys *k, const char *suffix, double num, const char *s)
{
    const rope_gguf_key_info *ki = rope_gguf_key_find(suffix);
    if (!ki || k->n >= ROPE_GGUF_MAX_KV || rope_gguf_keys_get(k, suffix)) return -1;
    rope_gguf_kv *kv = &k->kv[k->n++];
    kv->info = ki;
    kv->num = ki->type == ROPE_GGUF_F32 ? (double)(float)num : num;
    if (ki->type == ROPE_GGUF_STR) snprintf(kv->str, sizeof kv->str, "%s", s ? s : "");
    return 0;
}

const rope_gguf_kv *rope_gguf_keys_get(const rope_gguf_keys *k, const char *suffix)
{
    for (int i = 0; i < k->n; i++)
        if (strcmp(k->kv[i].info->suffix, suffix) == 0) return &k->kv[i];
    return NULL;
}

/* Why a method has no GGUF metadata form; NULL for the three it has. */
static const char *refusal(rope_method m)
{
    switch (m) {
    case ROPE_NONE: case ROPE_LINEAR: case ROPE_YARN: return NULL;
    case ROPE_NTK: return "NTK-aware scaling has no scaling type (only a baked freq_base, which reads back as none)";
    case ROPE_DYNAMIC: return "dynamic NTK re-scales with the sequence length and GGUF holds static parameters";
    case ROPE_DYNAMIC_YARN: return "dynamic YaRN re-scales with the sequence length and GGUF holds static parameters";
    case ROPE_NTK_PARTS: return "llama.cpp's yarn type always applies a magnitude; NTK-by-parts has none and no type of its own";
    case ROPE_LLAMA3: return "llama3 scaling has no metadata key (llama.cpp reads a rope_freqs tensor)";
    case ROPE_LONGROPE: return "LongRoPE's factor lists are tensors (rope_factors_short/long), not metadata";
    default: return "the method is unknown";
    }
}

static int f32_ok(double v)
{
    return isfinite(v) && fabs(v) < 3.4e38;
}

int rope_gguf_keys_from_params(const rope_params *p, int implied_orig_ctx, rope_gguf_keys *out, rope_error *err)
{
    rope_gguf_keys_init(out);
    const rope_method_info *mi = rope_method_get(p->method);
    const char *why = refusal(p->method);
    if (why)
        return rope_fail(err, "method %s cannot be stored in GGUF metadata: %s; GGUF expresses none, linear and yarn",
                         mi ? mi->name : "?", why);
    if (!(p->base > 1.0 && f32_ok(p->base)))
        return rope_fail(err, "base %g cannot be stored as GGUF rope.freq_base (a finite float32 > 1)", p->base);
    if (!(p->factor >= 1.0 && f32_ok(p->factor)))
        return rope_fail(err, "factor %g cannot be stored as GGUF rope.scaling.factor (a finite float32 >= 1)",
                         p->factor);
    if (p->orig_ctx < 1)
        return rope_fail(err, "original context %d cannot be stored in GGUF (a u32 >= 1)", p->orig_ctx);
    int bad = rope_gguf_keys_add(out, "rope.freq_base", p->base, NULL);
    if (p->method == ROPE_NONE) {
        /* nothing: no type and no factor read as none */
    } else if (p->method == ROPE_LINEAR) {
        bad |= rope_gguf_keys_add(out, "rope.scaling.type", 0, "linear");
        bad |= rope_gguf_keys_add(out, "rope.scaling.factor", p->factor, NULL);
    } else {
        rope_params hp = *p;
        hp.flavor = ROPE_FLAVOR_HF; /* the magnitude in transformers' terms, as the reader rebuilds it */
        rope_table *t = malloc(sizeof *t);
        if (!t) return rope_fail(err, "out of memory");
        rope_error e2;
        if (rope_table_compute(&hp, t, &e2)) {
            free(t);
            return rope_fail(err, "%s", e2.msg);
        }
        double mag = t->magnitude, ggml = rope_mscale(p->factor, 1.0);
        free(t);
        double bf = rope_beta_fast(p), bs = rope_beta_slow(p);
        bad |= rope_gguf_keys_add(out, "rope.scaling.type", 0, "yarn");
        bad |= rope_gguf_keys_add(out, "rope.scaling.factor", p->factor, NULL);
        bad |= rope_gguf_keys_add(out, "rope.scaling.original_context_length", p->orig_ctx, NULL);
        if (fabs(mag - ggml) > 1e-9) /* llama.cpp: magnitude = attn_factor·(0.1·ln s + 1) */
            bad |= rope_gguf_keys_add(out, "rope.scaling.attn_factor", mag / ggml, NULL);
        if (bf != ROPE_BETA_FAST_DEFAULT || bs != ROPE_BETA_SLOW_DEFAULT) {
            bad |= rope_gguf_keys_add(out, "rope.scaling.yarn_beta_fast", bf, NULL);
            bad |= rope_gguf_keys_add(out, "rope.scaling.yarn_beta_slow", bs, NULL);
        }
    }
    if (p->method != ROPE_YARN && p->orig_ctx != implied_orig_ctx)
        bad |= rope_gguf_keys_add(out, "rope.scaling.original_context_length", p->orig_ctx, NULL);
    if (bad) return rope_fail(err, "GGUF RoPE keys: the list is full");
    /* table order, whatever order they were added in */
    rope_gguf_keys sorted;
    rope_gguf_keys_init(&sorted);
    for (int i = 0; i < N_KEYS; i++) {
        const rope_gguf_kv *kv = rope_gguf_keys_get(out, KEYS[i].suffix);
        if (kv) sorted.kv[sorted.n++] = *kv;
    }
    *out = sorted;
    return 0;
}

static double num_or(const rope_gguf_keys *k, const char *suffix, double dflt)
{
    const rope_gguf_kv *kv = rope_gguf_keys_get(k, suffix);
    return kv ? kv->num : dflt;
}

int rope_gguf_keys_to_params(const rope_gguf_keys *k, const char *arch, rope_params *p, rope_error *err)
{
    float base = (float)num_or(k, "rope.freq_base", 10000.0);
    float factor = (float)num_or(k, "rope.scaling.factor", 1.0);
    float attn = (float)num_or(k, "rope.scaling.attn_factor", 1.0);
    float lin = (float)num_or(k, "rope.scale_linear", 0.0);
    double orig = num_or(k, "rope.scaling.original_context_length", 0.0);
    const rope_gguf_kv *tk = rope_gguf_keys_get(k, "rope.scaling.type");
    const char *type = tk ? tk->str : NULL;
    if (!rope_gguf_keys_get(k, "rope.scaling.factor") && lin > 0.0f) factor = lin;
    if (!(base > 1.0f && isfinite(base)))
        return rope_fail(err, "%s.rope.freq_base = %g; it must be a finite number > 1", arch, (double)base);
    if (factor == 0.0f) factor = 1.0f;     /* llama.cpp treats 0 as "no scaling" */
    if (!(factor >= 1.0f && isfinite(factor)))
        return rope_fail(err, "%s.rope.scaling.factor = %g; ropescope supports factors >= 1", arch, (double)factor);
    p->base = base;
    p->factor = factor;
    if (orig > 0) p->orig_ctx = (int)orig;
    if (!type) type = factor > 1.0f ? "linear" : "none";
    if (strcmp(type, "none") == 0) {
        p->method = ROPE_NONE;
        p->factor = 1.0;
    } else if (strcmp(type, "linear") == 0) {
        p->method = factor > 1.0f ? ROPE_LINEAR : ROPE_NONE;
    } else if (strcmp(type, "yarn") == 0) {
        p->method = ROPE_YARN;
        if (attn != 1.0f) {                /* llama.cpp: magnitude = attn_factor·(1 + 0.1·ln s) */
            p->has_attention_factor = 1;
            p->attention_factor = attn * rope_mscale(factor, 1.0);
        }
        p->beta_fast = num_or(k, "rope.scaling.yarn_beta_fast", p->beta_fast);
        p->beta_slow = num_or(k, "rope.scaling.yarn_beta_slow", p->beta_slow);
    } else {
        return rope_fail(err, "%s.rope.scaling.type = \"%s\" is not supported here; use none, linear or yarn", arch,
                         type);
    }
    if (attn != 1.0f && p->method != ROPE_YARN)
        return rope_fail(err, "%s.rope.scaling.attn_factor = %g is supported only with yarn scaling", arch,
                         (double)attn);
    return 0;
}
