/* ropecore/config/rope_export.c — writes a rope_config for other tools: Hugging Face config JSON (legacy
 * rope_scaling and v5 rope_parameters), vLLM arguments, llama.cpp flags and GGUF metadata keys, each
 * with notes on what the target cannot express; plus the growable text buffer they write into. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rope_config.h"
#include "rope_gguf_keys.h"
#include "rope_reason.h"

#define MAX_TOKENS (1 << 30)

/* --- rope_buf ------------------------------------------------------------------------------------ */

void rope_buf_free(rope_buf *b)
{
    if (!b)
        return;
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

int rope_buf_printf(rope_buf *b, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        va_end(ap2);
        return -1;
    }
    size_t need = b->len + (size_t)n + 1;
    if (need > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < need)
            cap *= 2;
        char *d = realloc(b->data, cap);
        if (!d) {
            va_end(ap2);
            return -1;
        }
        b->data = d;
        b->cap = cap;
    }
    vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap2);
    va_end(ap2);
    b->len += (size_t)n;
    return 0;
}

/* --- names ---------------------------------------------------------------------------------------- */

static const char *const format_names[ROPE_EXPORT_COUNT] = { "hf", "hf-v5", "vllm", "llamacpp", "gguf" };

const char *rope_export_name(rope_export_format f)
{
    return (unsigned)f < ROPE_EXPORT_COUNT ? format_names[f] : "?";
}

int rope_export_from_name(const char *name, rope_export_format *out)
{
    static const struct { const char *s; rope_export_format f; } aliases[] = {
        { "huggingface", ROPE_EXPORT_HF }, { "transformers", ROPE_EXPORT_HF }, { "hf_v5", ROPE_EXPORT_HF_V5 },
        { "v5", ROPE_EXPORT_HF_V5 }, { "llama.cpp", ROPE_EXPORT_LLAMACPP }, { "llama-cpp", ROPE_EXPORT_LLAMACPP },
    };
    for (int f = 0; name && f < ROPE_EXPORT_COUNT; f++)
        if (strcmp(name, format_names[f]) == 0) {
            *out = (rope_export_format)f;
            return 0;
        }
    for (size_t i = 0; name && i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcmp(name, aliases[i].s) == 0) {
            *out = aliases[i].f;
            return 0;
        }
    return -1;
}

/* --- numbers ---------------------------------------------------------------------------------------- */

typedef struct numstr { char s[40]; } numstr;

/* The shortest decimal that reads back as the same double. */
static numstr shortest(double v)
{
    numstr n;
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(n.s, sizeof n.s, "%.*g", prec, v);
        if (strtod(n.s, NULL) == v)
            break;
    }
    return n;
}

/* The shortest decimal that reads back as the same float32 (GGUF values are f32). */
static numstr shortest_f32(double v)
{
    numstr n;
    float f = (float)v;
    if (f == floorf(f) && fabsf(f) < 1e9f) { /* whole numbers without an exponent: 1000000, not 1e+06 */
        snprintf(n.s, sizeof n.s, "%.0f", (double)f);
        return n;
    }
    for (int prec = 6; prec <= 9; prec++) {
        snprintf(n.s, sizeof n.s, "%.*g", prec, (double)f);
        if (strtof(n.s, NULL) == f)
            break;
    }
    return n;
}

/* The same, spelled as a float for Python ("4.0", not "4": HF's validators want floats). */
static numstr flt(double v)
{
    numstr n = shortest(v);
    if (!strpbrk(n.s, ".eEni"))
        strcat(n.s, ".0");
    return n;
}

/* --- the exporter ---------------------------------------------------------------------------------- */

typedef struct exporter {
    const rope_config *c;
    const rope_params *p;
    const rope_table  *t;      /* HF-flavor table of p */
    rope_export_format fmt;
    int       ctx;             /* the context written (max_position_embeddings, -c, --max-model-len) */
    rope_buf *out;
    rope_notes *notes;
    int       oom;
} exporter;

static void put(exporter *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(exporter *e, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        e->oom = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        if (rope_buf_printf(e->out, "%s", small))
            e->oom = 1;
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        e->oom = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    if (rope_buf_printf(e->out, "%s", big))
        e->oom = 1;
    free(big);
}

static void note(exporter *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(exporter *e, const char *fmt, ...)
{
    rope_notes *n = e->notes;
    if (!n || n->n < 0 || n->n >= ROPE_MAX_NOTES)
        return;
    if (n->n == ROPE_MAX_NOTES - 1) {
        snprintf(n->line[n->n++], sizeof n->line[0], "%s: further notes omitted", rope_export_name(e->fmt));
        return;
    }
    char msg[240];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const char *who = rope_export_name(e->fmt);
    size_t w = strlen(who), k = strlen(msg), cap = sizeof n->line[0];
    char *line = n->line[n->n++];
    memcpy(line, who, w); /* "<format>: <message>", cut to the line's size */
    memcpy(line + w, ": ", 2);
    if (k > cap - w - 3)
        k = cap - w - 3;
    memcpy(line + w + 2, msg, k);
    line[w + 2 + k] = '\0';
}


/* The base a target gets: static NTK has no type anywhere, so its scaled base is baked in. */
static double export_base(const exporter *e)
{
    return e->p->method == ROPE_NTK ? e->t->base_scaled : e->p->base;
}

/* HF's dynamic NTK base at length len (L = max_position_embeddings); b when len <= L. */
static double dynamic_base_at(const rope_params *p, int rot_dim, int len)
{
    if (len <= p->max_pos)
        return p->base;
    double a = p->factor * (double)len / (double)p->max_pos - (p->factor - 1.0);
    return p->base * pow(a, (double)rot_dim / (double)(rot_dim - 2));
}

static int is_deepseek(const rope_config *c)
{
    return strncmp(c->model_type, "deepseek", 8) == 0;
}

static void note_truncate(exporter *e, const char *who)
{
    int a, b;
    double rel;
    if (rope_config_truncate_effect(e->p, &a, &b, &rel) == 0 && a >= 0)
        note(e, "%s rounds the YaRN correction range (no truncate:false): pairs %d-%d get a different "
                "frequency, by up to %.0f%%", who, a, b, rel * 100.0);
}

static void note_beta_zero(exporter *e)
{
    if (e->p->beta_fast == 0.0 || e->p->beta_slow == 0.0)
        note(e, "the config's beta_%s of 0 is written as transformers reads it (%g), not as given",
             e->p->beta_fast == 0.0 ? "fast" : "slow", e->p->beta_fast == 0.0 ? ROPE_BETA_FAST_DEFAULT : ROPE_BETA_SLOW_DEFAULT);
}

/* --- JSON writing -------------------------------------------------------------------------------- */

typedef struct jw {
    exporter *e;
    int pretty, depth, first;
} jw;

static void jw_key(jw *w, const char *key)
{
    if (!w->first)
        put(w->e, ",");
    if (w->pretty)
        put(w->e, "\n%*s", 2 * w->depth, "");
    else if (!w->first)
        put(w->e, " ");
    put(w->e, "\"%s\": ", key);
    w->first = 0;
}

static void jw_open(jw *w)
{
    put(w->e, "{");
    w->depth++;
    w->first = 1;
}

static void jw_close(jw *w)
{
    w->depth--;
    if (w->pretty && !w->first)
        put(w->e, "\n%*s", 2 * w->depth, "");
    put(w->e, "}");
    w->first = 0;
}

static void jw_float(jw *w, const char *key, double v) { jw_key(w, key); put(w->e, "%s", flt(v).s); }
static void jw_int(jw *w, const char *key, int v) { jw_key(w, key); put(w->e, "%d", v); }
static void jw_str(jw *w, const char *key, const char *v) { jw_key(w, key); put(w->e, "\"%s\"", v); }

static void jw_list(jw *w, const char *key, const double *v /* [n] */, int n)
{
    jw_key(w, key);
    put(w->e, "[");
    for (int i = 0; i < n; i++)
        put(w->e, "%s%s", i ? ", " : "", flt(v[i]).s);
    put(w->e, "]");
}

/* transformers' rope_type for each method (NULL: none exists, the base is baked instead). */
static const char *hf_type(rope_method m)
{
    switch (m) {
    case ROPE_NONE: return "default";
    case ROPE_LINEAR: return "linear";
    case ROPE_NTK: return NULL;
    case ROPE_DYNAMIC: return "dynamic";
    case ROPE_NTK_PARTS:
    case ROPE_YARN:
    case ROPE_DYNAMIC_YARN: return "yarn";
    case ROPE_LLAMA3: return "llama3";
    case ROPE_LONGROPE: return "longrope";
    default: return NULL;
    }
}

/* The value a target reads as betas: transformers turns 0 into the default. */
static void yarn_fields(jw *w, const exporter *e, int hf_betas)
{
    const rope_params *p = e->p;
    jw_float(w, "beta_fast", hf_betas ? p->beta_fast : rope_beta_fast(p));
    jw_float(w, "beta_slow", hf_betas ? p->beta_slow : rope_beta_slow(p));
    if (!p->truncate) {
        jw_key(w, "truncate");
        put(w->e, "false");
    }
    if (p->method == ROPE_NTK_PARTS) {
        jw_float(w, "attention_factor", 1.0);
        return;
    }
    if (p->mscale != 0.0)
        jw_float(w, "mscale", p->mscale);
    if (p->mscale_all_dim != 0.0)
        jw_float(w, "mscale_all_dim", p->mscale_all_dim);
    if (p->has_attention_factor)
        jw_float(w, "attention_factor", p->attention_factor);
}

/* Does the scaling dict carry original_max_position_embeddings? */
static int dict_has_orig(const exporter *e)
{
    rope_method m = e->p->method;
    if (m == ROPE_NONE || m == ROPE_NTK)
        return 0;
    if (m == ROPE_DYNAMIC) /* transformers ignores it there (L = max_position_embeddings) */
        return e->p->orig_ctx != e->p->max_pos;
    return 1;
}

static double export_base(const exporter *e);

/* The rope keys of the scaling dict (rope_type first; v5 also holds rope_theta and
 * partial_rotary_factor). hf_betas: write betas as given (a 0 stays 0). */
static void scaling_fields(jw *w, exporter *e, int legacy, int v5, int hf_betas)
{
    const rope_params *p = e->p;
    const char *type = hf_type(p->method);
    jw_str(w, "rope_type", type ? type : "default");
    if (legacy)
        jw_str(w, "type", type ? type : "default");
    if (v5) {
        jw_float(w, "rope_theta", export_base(e));
        if (p->partial_rotary != 1.0)
            jw_float(w, "partial_rotary_factor", p->partial_rotary);
    }
    if (p->method == ROPE_NONE || p->method == ROPE_NTK)
        return;
    jw_float(w, "factor", p->factor);
    if (dict_has_orig(e))
        jw_int(w, "original_max_position_embeddings", p->orig_ctx);
    if (rope_method_is_yarn(p->method))
        yarn_fields(w, e, hf_betas);
    if (p->method == ROPE_LLAMA3) {
        jw_float(w, "low_freq_factor", p->low_freq_factor);
        jw_float(w, "high_freq_factor", p->high_freq_factor);
    }
    if (p->method == ROPE_LONGROPE) {
        if (p->has_attention_factor)
            jw_float(w, "attention_factor", p->attention_factor);
        jw_list(w, "short_factor", p->short_factor, p->n_factors);
        jw_list(w, "long_factor", p->long_factor, p->n_factors);
    }
}

static void hf_geometry(jw *w, exporter *e, int v5)
{
    const rope_config *c = e->c;
    jw_int(w, "max_position_embeddings", e->ctx);
    if (!v5)
        jw_float(w, "rope_theta", export_base(e));
    jw_int(w, strcmp(c->raw.head_dim_key, "qk_rope_head_dim") == 0 ? "qk_rope_head_dim" : "head_dim",
           e->p->head_dim);
    if (!v5 && e->p->partial_rotary != 1.0)
        jw_float(w, "partial_rotary_factor", e->p->partial_rotary);
    /* a top-level original (Phi-3 style) where the dict has none or old Phi3Config wants it there */
    if ((!dict_has_orig(e) && e->p->orig_ctx != e->ctx) || (!v5 && e->p->method == ROPE_LONGROPE))
        jw_int(w, "original_max_position_embeddings", e->p->orig_ctx);
}

static void hf_notes(exporter *e, int v5)
{
    const rope_params *p = e->p;
    switch (p->method) {
    case ROPE_NTK:
        note(e, "transformers has no static NTK-aware rope_type: written as plain RoPE with rope_theta = "
                "b*s^(d/(d-2)) = %s (the same frequencies)", shortest(e->t->base_scaled).s);
        break;
    case ROPE_NTK_PARTS:
        note(e, "transformers has no NTK-by-parts rope_type: written as yarn with attention_factor 1.0 "
                "(the same frequencies, no temperature)");
        break;
    case ROPE_DYNAMIC_YARN:
        note(e, "transformers has no dynamic YaRN: written as static yarn at factor %g, which every "
                "length gets, short prompts included", p->factor);
        break;
    case ROPE_LONGROPE:
        if (!v5)
            note(e, "older Phi3Config versions accept only type, short_factor and long_factor in rope_scaling; "
                    "for them drop factor and rope_type (original_max_position_embeddings is also at top level)");
        break;
    default:
        break;
    }
    if (p->method != ROPE_NONE && p->method != ROPE_DYNAMIC && e->ctx != p->max_pos)
        note(e, "max_position_embeddings is written as %d (the config had %d) so loaders allow the extended "
                "context", e->ctx, p->max_pos);
    if (rope_method_is_yarn(p->method) && (p->beta_fast == 0.0 || p->beta_slow == 0.0))
        note(e, "a beta of 0 is written as given: transformers reads it as the default (32 / 1), vLLM and "
                "llama.cpp as 0");
}

static void export_hf(exporter *e, int v5)
{
    jw w = { e, 1, 0, 1 };
    jw_open(&w);
    hf_geometry(&w, e, v5);
    const char *type = hf_type(e->p->method);
    if (!v5 && (!type || e->p->method == ROPE_NONE)) {
        jw_key(&w, "rope_scaling");
        put(e, "null");
    } else {
        jw_key(&w, v5 ? "rope_parameters" : "rope_scaling");
        jw_open(&w);
        scaling_fields(&w, e, !v5, v5, 1);
        jw_close(&w);
    }
    jw_close(&w);
    put(e, "\n");
    hf_notes(e, v5);
}

/* --- vLLM ------------------------------------------------------------------------------------------ */

/* The max_model_len vLLM derives from the model's own config plus our rope_scaling override. */
static double vllm_derived_len(const exporter *e)
{
    const rope_params *p = e->p;
    switch (p->method) {
    case ROPE_NTK:
        return e->ctx; /* the override carries max_position_embeddings */
    case ROPE_NONE:
    case ROPE_LLAMA3:
    case ROPE_LONGROPE:
        return p->max_pos;
    case ROPE_NTK_PARTS:
    case ROPE_YARN:
    case ROPE_DYNAMIC_YARN:
        return (double)p->orig_ctx * p->factor;
    default:
        return (double)p->max_pos * p->factor;
    }
}

static int safe_repo(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              strchr("._/-", *s)))
            return 0;
    return 1;
}

static void vllm_notes(exporter *e)
{
    const rope_params *p = e->p;
    const rope_table *t = e->t;
    int rot = t->rot_dim;
    double s = p->factor;
    if (p->method == ROPE_DYNAMIC)
        note(e, "vLLM's dynamic NTK is static: one cos/sin cache of L*s = %d tokens; after PR #41277 its base "
                "stays %g, before it b*(s^2-s+1)^(d/(d-2)) = %.6g, for every length", rope_tokens_clamp(s * p->max_pos),
             p->base, p->base * pow(s * s - s + 1.0, (double)rot / (rot - 2)));
    if (p->method == ROPE_NTK)
        note(e, "NTK-aware has no vLLM rope_type: the scaled base %s is passed as rope_theta",
             shortest(t->base_scaled).s);
    if (p->method == ROPE_DYNAMIC_YARN)
        note(e, "vLLM has no dynamic YaRN: static yarn at factor %g for every length", s);
    if (rope_method_is_yarn(p->method) && is_deepseek(e->c))
        note(e, "DeepSeek configs go to vLLM's DeepseekScalingRotaryEmbedding (deepseek_yarn), which honours "
                "mscale and mscale_all_dim but always rounds the correction range");
    else if (rope_method_is_yarn(p->method) && fabs(t->magnitude - rope_mscale(s, 1.0)) > 1e-9)
        note(e, "vLLM before mid-2026 (vllm-project/vllm#48351, #48621) drops attention_factor/mscale for plain "
                "yarn: magnitude 0.1*ln(s)+1 = %.6f instead of %.6f (logits x%.4f instead of x%.4f); newer "
                "releases honour them", rope_mscale(s, 1.0),
             t->magnitude, rope_mscale(s, 1.0) * rope_mscale(s, 1.0), t->logit_mult);
    if (rope_method_is_yarn(p->method) && !p->truncate) {
        int a, b;
        double rel;
        if (rope_config_truncate_effect(p, &a, &b, &rel) == 0 && a >= 0)
            note(e, "truncate:false is honoured only by vLLM versions with PR #28244 (Nov 2025); older ones "
                    "round the range: pairs %d-%d differ by up to %.0f%%", a, b, rel * 100.0);
    }
    if (rope_method_is_yarn(p->method))
        note_beta_zero(e);
    if (p->method == ROPE_LONGROPE && e->ctx > p->orig_ctx)
        note(e, "with --max-model-len %d > L = %d vLLM uses the long factors for every position, short "
                "prompts included (transformers switches by the current length)", e->ctx, p->orig_ctx);
    if (e->ctx > vllm_derived_len(e) + 0.5)
        note(e, "--max-model-len %d exceeds the %.0f vLLM derives from the config; it refuses unless "
                "VLLM_ALLOW_LONG_MAX_MODEL_LEN=1 is set", e->ctx, vllm_derived_len(e));
}

static void export_vllm(exporter *e)
{
    const rope_params *p = e->p;
    const char *repo = safe_repo(e->c->repo) ? e->c->repo : "MODEL";
    jw w = { e, 0, 0, 1 };
    put(e, "vllm serve %s --hf-overrides '", repo);
    jw_open(&w);
    if (p->method != ROPE_NONE && p->method != ROPE_NTK) {
        jw_key(&w, "rope_scaling");
        jw_open(&w);
        scaling_fields(&w, e, 1, 0, 0);
        jw_close(&w);
    }
    jw_float(&w, "rope_theta", export_base(e));
    if (p->method == ROPE_NTK) /* no scaling type to derive the longer limit from */
        jw_int(&w, "max_position_embeddings", e->ctx);
    jw_close(&w);
    put(e, "' --max-model-len %d\n", e->ctx);
    vllm_notes(e);
}

/* --- llama.cpp flags ------------------------------------------------------------------------------ */

static void llamacpp_magnitude_note(exporter *e)
{
    const rope_params *p = e->p;
    double s = p->factor, m = e->t->magnitude, ggml = rope_mscale(s, 1.0);
    if (is_deepseek(e->c) && p->mscale_all_dim != 0.0) {
        note(e, "DeepSeek's mscale/mscale_all_dim reach llama.cpp only through the GGUF "
                "(deepseek2.rope.scaling.yarn_log_multiplier), not through flags");
        return;
    }
    if (fabs(m - ggml) > 1e-9)
        note(e, "llama.cpp recomputes the cos/sin magnitude as 0.1*ln(s)+1 = %.6f and overwrites "
                "--yarn-attn-factor; this config's is %.6f: put rope.scaling.attn_factor = %.6f in the GGUF",
             ggml, m, m / ggml);
}

static void export_llamacpp(exporter *e)
{
    const rope_params *p = e->p;
    int rot = e->t->rot_dim;
    switch (p->method) {
    case ROPE_NONE:
        put(e, "--rope-scaling none --rope-freq-base %s", shortest(p->base).s);
        break;
    case ROPE_LLAMA3:
    case ROPE_LONGROPE: /* the scaling lives in GGUF tensors */
        put(e, "--rope-freq-base %s", shortest(p->base).s);
        break;
    case ROPE_LINEAR:
        put(e, "--rope-scaling linear --rope-scale %s --rope-freq-base %s", shortest(p->factor).s,
            shortest(p->base).s);
        break;
    case ROPE_NTK:
        put(e, "--rope-scaling none --rope-freq-base %s", shortest(e->t->base_scaled).s);
        note(e, "NTK-aware has no llama.cpp scaling type: the scaled base b*s^(d/(d-2)) is passed as "
                "--rope-freq-base");
        break;
    case ROPE_DYNAMIC: {
        double b2 = dynamic_base_at(p, rot, e->ctx);
        put(e, "--rope-scaling none --rope-freq-base %s", shortest(b2).s);
        note(e, "llama.cpp has no dynamic NTK: the base is baked for -c %d (%s) and used at every length; "
                "transformers keeps %g until the sequence passes %d", e->ctx, shortest(b2).s, p->base, p->max_pos);
        break;
    }
    default: /* the YaRN family */
        put(e, "--rope-scaling yarn --rope-scale %s --yarn-orig-ctx %d --yarn-beta-fast %s --yarn-beta-slow %s "
               "--rope-freq-base %s", shortest(p->factor).s, p->orig_ctx, shortest(rope_beta_fast(p)).s,
            shortest(rope_beta_slow(p)).s, shortest(p->base).s);
        note_truncate(e, "llama.cpp");
        note_beta_zero(e);
        llamacpp_magnitude_note(e);
        if (p->method == ROPE_DYNAMIC_YARN)
            note(e, "llama.cpp has no dynamic YaRN: static YaRN at factor %g for every length", p->factor);
        break;
    }
    put(e, " -c %d\n", e->ctx);
    if (p->method == ROPE_LLAMA3)
        note(e, "llama3 scaling has no flag: convert_hf_to_gguf.py bakes it into the rope_freqs tensor from "
                "rope_scaling (see the gguf export); a GGUF without that tensor runs plain RoPE");
    if (p->method == ROPE_LONGROPE)
        note(e, "the LongRoPE lists are GGUF tensors written at conversion; llama.cpp uses the long list for "
                "every prompt when -c %d > L = %d, else the short one", e->ctx, p->orig_ctx);
}

/* --- GGUF keys ------------------------------------------------------------------------------------ */

/* Keys are written for llama.cpp's llama arch (what ropescope's GGUF files use); DeepSeek's YaRN
 * keys only exist in the deepseek2 arch, so those are named for it. */
static const char *gguf_arch(const rope_config *c)
{
    return is_deepseek(c) ? "deepseek2" : "llama";
}

static void kv(exporter *e, const char *arch, const char *key, const char *type, const char *value)
{
    char full[96];
    snprintf(full, sizeof full, "%s.%s", arch, key);
    put(e, "%-48s %-6s %s\n", full, type, value);
}

static void kv_f32(exporter *e, const char *arch, const char *key, double v)
{
    kv(e, arch, key, "f32", shortest_f32(v).s);
}

static void kv_u32(exporter *e, const char *arch, const char *key, int v)
{
    char s[16];
    snprintf(s, sizeof s, "%d", v);
    kv(e, arch, key, "u32", s);
}

static void tensor(exporter *e, const char *name, const double *v /* [n] */, int n)
{
    put(e, "tensor %s f32[%d] =", name, n);
    for (int i = 0; i < n; i++)
        put(e, " %s", shortest_f32(v[i]).s);
    put(e, "\n");
}

/* Prints the keys the one GGUF map (rope_gguf_keys.c) gives for q: the list the GGUF writer stores.
 * deepseek2 has no attn_factor key; its YaRN magnitude comes from yarn_log_multiplier instead. */
static int gguf_map_keys(exporter *e, const char *arch, const rope_params *q, rope_error *err)
{
    rope_gguf_keys k;
    if (rope_gguf_keys_from_params(q, q->orig_ctx, &k, err)) return -1;
    int ds = strcmp(arch, "deepseek2") == 0;
    for (int i = 0; i < k.n; i++) {
        const rope_gguf_kv *it = &k.kv[i];
        const char *suf = it->info->suffix;
        if (ds && strcmp(suf, "rope.scaling.attn_factor") == 0) continue;
        if (it->info->type == ROPE_GGUF_F32) kv_f32(e, arch, suf, it->num);
        else if (it->info->type == ROPE_GGUF_U32) kv_u32(e, arch, suf, (int)it->num);
        else kv(e, arch, suf, "string", it->str);
        if (ds && strcmp(suf, "rope.scaling.original_context_length") == 0 && q->mscale_all_dim != 0.0)
            kv_f32(e, arch, "rope.scaling.yarn_log_multiplier", 0.1 * q->mscale_all_dim);
    }
    return 0;
}

static int gguf_yarn(exporter *e, const char *arch, rope_error *err)
{
    const rope_params *p = e->p;
    double s = p->factor, ggml = rope_mscale(s, 1.0);
    rope_params q = *p;
    q.method = ROPE_YARN; /* dynamic YaRN: static at its factor; NTK-by-parts: YaRN at its magnitude (1) */
    if (p->method == ROPE_NTK_PARTS) {
        q.has_attention_factor = 1;
        q.attention_factor = e->t->magnitude;
    }
    if (gguf_map_keys(e, arch, &q, err)) return -1;
    if (strcmp(arch, "deepseek2") == 0) {
        if (p->mscale_all_dim != 0.0)
            note(e, "deepseek2 reads yarn_log_multiplier (the converter writes 0.1*mscale_all_dim, loaders "
                    "after PR #17945 divide by 0.1) and puts get_mscale(s, mscale_all_dim)^2 = %.6f into kq_scale",
                 pow(rope_mscale(s, p->mscale_all_dim), 2.0));
    } else if (fabs(e->t->magnitude - ggml) > 1e-9) {
        note(e, "attn_factor %.6f = magnitude %.6f / (0.1*ln(s)+1): llama.cpp's YaRN path multiplies its "
                "recomputed magnitude by it (the converter's yarn_attn_factor would be overwritten)",
             e->t->magnitude / ggml, e->t->magnitude);
    }
    if ((rope_beta_fast(p) != ROPE_BETA_FAST_DEFAULT || rope_beta_slow(p) != ROPE_BETA_SLOW_DEFAULT) && strcmp(arch, "llama") == 0)
        note(e, "the llama loader ignores yarn_beta_fast/slow in GGUF metadata (it uses 32/1): pass "
                "--yarn-beta-fast %g --yarn-beta-slow %g at run time", rope_beta_fast(p), rope_beta_slow(p));
    note_truncate(e, "llama.cpp");
    if (p->method == ROPE_DYNAMIC_YARN)
        note(e, "no dynamic YaRN in GGUF: static YaRN at factor %g", s);
    return 0;
}

static void gguf_llama3(exporter *e)
{
    double div[ROPE_MAX_PAIRS]; /* [n_pairs] θ/θ', the divisors llama.cpp applies per pair */
    const rope_table *t = e->t;
    for (int i = 0; i < t->n_pairs; i++)
        div[i] = t->pair[i].theta / t->pair[i].theta_scaled;
    tensor(e, "rope_freqs.weight", div, t->n_pairs);
    note(e, "llama3 scaling has no metadata key: convert_hf_to_gguf.py writes this rope_freqs tensor "
            "(1 = high frequency kept, %g = low frequency divided by s)", e->p->factor);
}

static void gguf_longrope(exporter *e, const char *arch)
{
    const rope_params *p = e->p;
    double sm = (double)e->ctx / p->orig_ctx;
    double attn = sm <= 1.0 ? 1.0 : sqrt(1.0 + log(sm) / log((double)p->orig_ctx));
    kv(e, arch, "rope.scaling.type", "string", "longrope");
    kv_u32(e, arch, "rope.scaling.original_context_length", p->orig_ctx);
    kv_f32(e, arch, "rope.scaling.attn_factor", attn);
    tensor(e, "rope_factors_short.weight", p->short_factor, p->n_factors);
    tensor(e, "rope_factors_long.weight", p->long_factor, p->n_factors);
    note(e, "the LongRoPE lists are tensors (rope_factors_short/long), not metadata");
    if (fabs(attn - e->t->magnitude) > 1e-6)
        note(e, "the converter writes attn_factor sqrt(1+ln(%d/%d)/ln %d) = %.6f from the context; this "
                "config's factor/attention_factor give %.6f", e->ctx, p->orig_ctx, p->orig_ctx, attn, e->t->magnitude);
}

/* none, linear and YaRN (and the NTK family baked into freq_base) print through the one GGUF map;
 * llama3 and LongRoPE, which GGUF holds as tensors, print here. */
static int export_gguf(exporter *e, rope_error *err)
{
    const rope_params *p = e->p;
    const char *arch = gguf_arch(e->c);
    kv_u32(e, arch, "context_length", e->ctx);
    kv_u32(e, arch, "rope.dimension_count", e->t->rot_dim);
    rope_params q = *p;
    switch (p->method) {
    case ROPE_NONE:
    case ROPE_NTK:
    case ROPE_DYNAMIC:
        q.method = ROPE_NONE;
        q.factor = 1.0;
        q.base = p->method == ROPE_DYNAMIC ? dynamic_base_at(p, e->t->rot_dim, e->ctx) : export_base(e);
        if (gguf_map_keys(e, arch, &q, err)) return -1;
        kv(e, arch, "rope.scaling.type", "string", "none"); /* stated, though a reader assumes it */
        if (p->method == ROPE_DYNAMIC)
            note(e, "no dynamic NTK in GGUF: freq_base is the base transformers reaches at %d tokens, baked "
                    "for every length", e->ctx);
        if (p->method == ROPE_NTK)
            note(e, "NTK-aware has no scaling type: the scaled base is written as freq_base");
        break;
    case ROPE_LINEAR:
        if (gguf_map_keys(e, arch, &q, err)) return -1;
        break;
    case ROPE_LLAMA3:
        kv_f32(e, arch, "rope.freq_base", export_base(e));
        gguf_llama3(e);
        break;
    case ROPE_LONGROPE:
        kv_f32(e, arch, "rope.freq_base", export_base(e));
        gguf_longrope(e, arch);
        break;
    default:
        if (gguf_yarn(e, arch, err)) return -1;
        break;
    }
    const char *mt = e->c->model_type;
    if (strcmp(arch, "llama") != 0)
        note(e, "keys for llama.cpp's %s arch (model_type %s)", arch, mt);
    else if (*mt && strcmp(mt, "llama") != 0 && strcmp(mt, "mistral") != 0)
        note(e, "keys for llama.cpp's llama arch; a converted %s model names them after its own arch "
                "(same suffixes and types)", mt);
    return 0;
}

/* --- entry ------------------------------------------------------------------------------------------ */

static int export_ctx(const rope_config *c, rope_export_format f, int ctx)
{
    const rope_params *p = &c->params;
    if (p->method == ROPE_DYNAMIC) {
        if (f == ROPE_EXPORT_HF || f == ROPE_EXPORT_HF_V5)
            return p->max_pos; /* transformers reads it as L */
        return ctx > 0 ? ctx : rope_tokens_clamp(p->factor * p->max_pos);
    }
    return ctx > 0 ? ctx : rope_config_serving_ctx(c);
}

int rope_export(const rope_config *c, rope_export_format f, int ctx, rope_buf *out, rope_notes *notes,
                rope_error *err)
{
    rope_error e2;
    if (!c || !out)
        return rope_fail(err, "export: nothing to export");
    if ((unsigned)f >= ROPE_EXPORT_COUNT)
        return rope_fail(err, "export: format %d is unknown; use hf, hf-v5, vllm, llamacpp or gguf", (int)f);
    if (ctx < 0 || ctx > MAX_TOKENS)
        return rope_fail(err, "export: context %d is out of range; use 1 to %d tokens (0 = s*L)", ctx, MAX_TOKENS);
    if (rope_params_validate(&c->params, &e2))
        return rope_fail(err, "export: %s", e2.msg);
    rope_params hp = c->params;
    hp.flavor = ROPE_FLAVOR_HF; /* every target is described in transformers' terms */
    if (hp.method == ROPE_DYNAMIC_YARN)
        hp.method = ROPE_YARN; /* exported as static YaRN at its factor */
    rope_table *t = malloc(sizeof *t);
    if (!t)
        return rope_fail(err, "export: out of memory");
    if (rope_table_compute(&hp, t, &e2)) {
        free(t);
        return rope_fail(err, "export: %s", e2.msg);
    }
    exporter e = { c, &c->params, t, f, export_ctx(c, f, ctx), out, notes, 0 };
    if ((f == ROPE_EXPORT_HF || f == ROPE_EXPORT_HF_V5) && ctx > 0 && c->params.method == ROPE_DYNAMIC)
        note(&e, "ctx %d not written: transformers' dynamic NTK reads max_position_embeddings (%d) as L", ctx,
             c->params.max_pos);
    switch (f) {
    case ROPE_EXPORT_HF: export_hf(&e, 0); break;
    case ROPE_EXPORT_HF_V5: export_hf(&e, 1); break;
    case ROPE_EXPORT_VLLM: export_vllm(&e); break;
    case ROPE_EXPORT_LLAMACPP: export_llamacpp(&e); break;
    default:
        if (export_gguf(&e, &e2)) {
            free(t);
            return rope_fail(err, "export: %s", e2.msg);
        }
        break;
    }
    free(t);
    if (e.oom)
        return rope_fail(err, "export: out of memory");
    return 0;
}
