/* ropecore/config/rope_parity.c — each engine's key mapping of a config.json (transformers v5, llama.cpp's
 * convert_hf_to_gguf.py + llama_context, vLLM's get_rope and rotary-embedding classes, as read in
 * shared/reference/rope-methods.md) and the side-by-side comparison with a one-line cause per
 * disagreement. Frequencies come from ropecore (one table per flavor); this file decides inputs. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rope_parity.h"
#include "rope_reason.h"

/* --- small text helpers ------------------------------------------------------------------------- */

static void addf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void addf(char *buf, size_t n, const char *fmt, ...)
{
    size_t used = strlen(buf);
    if (used + 1 >= n)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + used, n - used, fmt, ap);
    va_end(ap);
}

static void add_key(char *buf, size_t n, const char *key)
{
    addf(buf, n, "%s%s", *buf ? ", " : "", key);
}

static const char *fl(rope_flavor f)
{
    return rope_flavor_name(f);
}

/* --- which keys each engine reads ------------------------------------------------------------------ */

typedef enum key_id {
    K_TYPE, K_FACTOR, K_ORIG, K_BETA_FAST, K_BETA_SLOW, K_TRUNCATE, K_MSCALE, K_MSCALE_ALL_DIM,
    K_ATTENTION_FACTOR, K_LOW, K_HIGH, K_SHORT, K_LONG, K_PARTIAL, K_THETA, K_TRAINED, K_COUNT
} key_id;

static const char *const key_names[K_COUNT] = {
    "rope_type", "factor", "original_max_position_embeddings", "beta_fast", "beta_slow", "truncate",
    "mscale", "mscale_all_dim", "attention_factor", "low_freq_factor", "high_freq_factor", "short_factor",
    "long_factor", "partial_rotary_factor", "rope_theta", "max_trained_positions",
};

static int key_present(const rope_config *c, key_id k)
{
    const rope_config_raw *r = &c->raw;
    switch (k) {
    case K_TYPE: return r->has_type || r->has_rope_type;
    case K_FACTOR: return r->has_factor;
    case K_ORIG: return r->has_orig_ctx;
    case K_BETA_FAST: return r->has_beta_fast;
    case K_BETA_SLOW: return r->has_beta_slow;
    case K_TRUNCATE: return r->has_truncate;
    case K_MSCALE: return r->has_mscale;
    case K_MSCALE_ALL_DIM: return r->has_mscale_all_dim;
    case K_ATTENTION_FACTOR: return r->has_attention_factor;
    case K_LOW: return r->has_low_freq_factor;
    case K_HIGH: return r->has_high_freq_factor;
    case K_SHORT: return r->n_short_factor >= 0;
    case K_LONG: return r->n_long_factor >= 0;
    case K_PARTIAL: return r->has_partial_rotary;
    case K_THETA: return r->has_rope_theta;
    case K_TRAINED: return c->params.trained_ctx > 0;
    case K_COUNT: break;
    }
    return 0;
}

/* 1 if engine f reads key k for this config's method (the file said rope_type m). */
static int engine_reads(rope_flavor f, const rope_params *p, key_id k)
{
    rope_method m = p->method;
    int yarn = rope_method_is_yarn(m), ds = p->deepseek;
    switch (k) {
    case K_TYPE: case K_THETA: case K_PARTIAL:
        return 1;
    case K_FACTOR:
        if (m == ROPE_NONE)
            return 0;
        if (m == ROPE_LONGROPE) /* vLLM and llama.cpp take max_position_embeddings / L instead */
            return f == ROPE_FLAVOR_HF;
        if (m == ROPE_DYNAMIC) /* llama.cpp's converter skips dynamic; vLLM reads it (cache length) */
            return f != ROPE_FLAVOR_LLAMACPP;
        return 1;
    case K_ORIG:
        return yarn || m == ROPE_LLAMA3 || m == ROPE_LONGROPE;
    case K_BETA_FAST: case K_BETA_SLOW:
        return yarn;
    case K_TRUNCATE: /* llama.cpp has no truncate; vLLM's DeepSeek class is not passed it */
        return yarn && f != ROPE_FLAVOR_LLAMACPP && !(f == ROPE_FLAVOR_VLLM && ds);
    case K_MSCALE:
        return yarn && f != ROPE_FLAVOR_LLAMACPP;
    case K_MSCALE_ALL_DIM: /* llama.cpp: the DeepSeek converter writes it as yarn_log_multiplier */
        return yarn && (f != ROPE_FLAVOR_LLAMACPP || ds);
    case K_ATTENTION_FACTOR:
        if (f == ROPE_FLAVOR_HF)
            return yarn || m == ROPE_LONGROPE;
        return f == ROPE_FLAVOR_VLLM && yarn && !ds;
    case K_LOW: case K_HIGH:
        return m == ROPE_LLAMA3;
    case K_SHORT: case K_LONG:
        return m == ROPE_LONGROPE;
    case K_TRAINED:
        return f == ROPE_FLAVOR_VLLM && m == ROPE_DYNAMIC;
    case K_COUNT: break;
    }
    return 0;
}

static void key_lists(const rope_config *c, rope_engine *e)
{
    e->keys_read[0] = e->keys_ignored[0] = '\0';
    for (int k = 0; k < K_COUNT; k++) {
        if (!key_present(c, (key_id)k))
            continue;
        if (engine_reads(e->flavor, &c->params, (key_id)k))
            add_key(e->keys_read, sizeof e->keys_read, key_names[k]);
        else
            add_key(e->keys_ignored, sizeof e->keys_ignored, key_names[k]);
    }
}

/* --- the key mapping --------------------------------------------------------------------------------- */

int rope_parity_served(const rope_config *c)
{
    const rope_params *p = &c->params;
    if (p->method == ROPE_DYNAMIC) /* vLLM derives max_model_len = max_position_embeddings x factor */
        return rope_tokens_clamp((double)p->max_pos * p->factor);
    return rope_config_serving_ctx(c);
}

static const char *runs_name(rope_flavor f, const rope_params *p)
{
    int ds = p->deepseek && rope_method_is_yarn(p->method);
    switch (f) {
    case ROPE_FLAVOR_VLLM:
        if (ds)
            return "DeepseekScaling/deepseek_yarn";
        switch (p->method) {
        case ROPE_NONE: return "RotaryEmbedding";
        case ROPE_LINEAR: return "LinearScaling";
        case ROPE_NTK: return "RotaryEmbedding (scaled base)"; /* export passes b' as rope_theta */
        case ROPE_DYNAMIC: return "DynamicNTKScaling (static)";
        case ROPE_LLAMA3: return "Llama3RotaryEmbedding";
        case ROPE_LONGROPE: return "Phi3LongRoPEScaled";
        default: return "YaRNScaling";
        }
    case ROPE_FLAVOR_LLAMACPP:
        if (ds)
            return "deepseek2 yarn (log_mul)";
        switch (p->method) {
        case ROPE_NONE: case ROPE_DYNAMIC: return "rope (no scaling type)";
        case ROPE_LINEAR: return "rope scaling linear";
        case ROPE_NTK: return "rope (scaled freq_base)";
        case ROPE_LLAMA3: return "rope_freqs tensor (llama3)";
        case ROPE_LONGROPE: return "longrope (factor tensors)";
        default: return "rope scaling yarn";
        }
    default:
        return rope_method_get(p->method)->name;
    }
}

int rope_engine_params(const rope_config *c, rope_flavor f, int served, rope_params *out, char *runs,
                       size_t runs_n, rope_error *err)
{
    rope_params p = c->params;
    if (served <= 0)
        served = rope_parity_served(c);
    p.flavor = f;
    p.seq_len = served; /* HF: a sequence of the served length; vLLM: max_model_len; llama.cpp: -c */
    if (f == ROPE_FLAVOR_LLAMACPP && p.method == ROPE_DYNAMIC) {
        p.method = ROPE_NONE; /* convert_hf_to_gguf skips rope_type dynamic: plain RoPE */
        p.factor = 1.0;
    }
    if (f == ROPE_FLAVOR_LLAMACPP && rope_method_is_yarn(p.method))
        p.has_attention_factor = 0; /* llama_context overwrites yarn_attn_factor whenever YaRN is on */
    if (f == ROPE_FLAVOR_VLLM && p.method == ROPE_LONGROPE)
        p.has_attention_factor = 0; /* get_rope forwards only short_mscale / long_mscale */
    if (f != ROPE_FLAVOR_VLLM)
        p.trained_ctx = 0;
    if (runs && runs_n)
        snprintf(runs, runs_n, "%s", runs_name(f, &c->params));
    rope_error e2;
    if (rope_params_validate(&p, &e2))
        return rope_fail(err, "%s", e2.msg);
    *out = p;
    return 0;
}

/* --- comparisons --------------------------------------------------------------------------------- */

static void max_rel(const rope_table *a, const rope_table *ref, double *rel, int *at)
{
    *rel = 0.0;
    *at = 0;
    if (a->n_pairs != ref->n_pairs) {
        *rel = INFINITY;
        return;
    }
    for (int i = 0; i < a->n_pairs; i++) {
        double r = fabs(a->pair[i].theta_scaled - ref->pair[i].theta_scaled) / ref->pair[i].theta_scaled;
        if (r > *rel) {
            *rel = r;
            *at = i;
        }
    }
}

static void note(rope_parity *pr, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(rope_parity *pr, const char *fmt, ...)
{
    if (pr->n_notes >= ROPE_PARITY_MAX_LINES)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(pr->note[pr->n_notes++], sizeof pr->note[0], fmt, ap);
    va_end(ap);
}

static rope_parity_diff *add_diff(rope_parity *pr, rope_flavor f, rope_parity_what what, int at_short)
{
    if (pr->n_diffs >= ROPE_PARITY_MAX_LINES)
        return NULL;
    rope_parity_diff *d = &pr->diff[pr->n_diffs++];
    memset(d, 0, sizeof *d);
    d->engine = f;
    d->ref = ROPE_FLAVOR_HF;
    d->what = what;
    d->at_short = at_short;
    return d;
}

/* Why engine f's frequencies differ from transformers'. */
static void cause_inv(const rope_parity *pr, const rope_config *c, rope_flavor f, int at_short, char *buf,
                      size_t n)
{
    const rope_params *p = &c->params;
    const rope_engine *h = &pr->eng[ROPE_FLAVOR_HF], *e = &pr->eng[f];
    const rope_table *ht = at_short ? &h->table_short : &h->table;
    if (p->method == ROPE_DYNAMIC && f == ROPE_FLAVOR_VLLM) {
        snprintf(buf, n, "vLLM builds dynamic NTK once at start-up with base %.6g (%s); transformers rescales "
                 "the base with the length: %.6g at %d tokens", e->table.base_scaled,
                 p->trained_ctx > 0 ? "max_trained_positions set" : "unscaled without max_trained_positions",
                 ht->base_scaled, at_short ? pr->prompt : pr->served);
    } else if (p->method == ROPE_DYNAMIC && f == ROPE_FLAVOR_LLAMACPP) {
        snprintf(buf, n, "llama.cpp has no dynamic NTK: convert_hf_to_gguf skips rope_type dynamic, so it runs "
                 "plain RoPE (base %.6g); transformers uses %.6g at %d tokens", p->base, ht->base_scaled,
                 at_short ? pr->prompt : pr->served);
    } else if (p->method == ROPE_LONGROPE) {
        const rope_table *et = at_short ? &e->table_short : &e->table;
        snprintf(buf, n, "%s picks the %s factors once from the served length %d (L = %d); transformers uses "
                 "the %s factors for a %d-token sequence and switches past L", f == ROPE_FLAVOR_VLLM ?
                 "vLLM (max_model_len)" : "llama.cpp (n_ctx)", et->long_factors ? "long" : "short", pr->served,
                 p->orig_ctx, ht->long_factors ? "long" : "short", at_short ? pr->prompt : pr->served);
    } else if (rope_method_is_yarn(p->method) && !p->truncate &&
               (f == ROPE_FLAVOR_LLAMACPP || (f == ROPE_FLAVOR_VLLM && p->deepseek))) {
        snprintf(buf, n, "%s always floors/ceils the correction range (%.3f-%.3f -> %g-%g): truncate: false "
                 "is not read%s", f == ROPE_FLAVOR_LLAMACPP ? "llama.cpp" : "vLLM's DeepSeek class",
                 ht->corr_low_raw, ht->corr_high_raw, e->table.corr_low, e->table.corr_high,
                 f == ROPE_FLAVOR_LLAMACPP ? " (ggml_rope_yarn_corr_dims; cf. vllm-project/vllm#27722)" : "");
    } else {
        snprintf(buf, n, "%s's rules for %s give other frequencies", fl(f), rope_method_get(p->method)->name);
    }
}

/* Why engine f's cos/sin magnitude differs from transformers'. */
static void cause_mag(const rope_config *c, rope_flavor f, char *buf, size_t n)
{
    const rope_params *p = &c->params;
    double s = p->factor;
    if (rope_method_is_yarn(p->method) && f == ROPE_FLAVOR_VLLM && p->deepseek) {
        snprintf(buf, n, "vLLM's DeepSeek class uses get_mscale(s, mscale=%g)/get_mscale(s, mscale_all_dim=%g) "
                 "with defaults 1 and 0; transformers uses that ratio only when both keys are set, else "
                 "0.1*ln(s)+1", p->mscale != 0.0 ? p->mscale : 1.0, p->mscale_all_dim);
    } else if (rope_method_is_yarn(p->method) && f == ROPE_FLAVOR_LLAMACPP && p->deepseek) {
        snprintf(buf, n, "llama.cpp's deepseek2 leaves cos/sin at 1 whenever mscale_all_dim is set (written as "
                 "yarn_log_multiplier; mscale is not read); transformers uses the mscale ratio only when both keys "
                 "are set, else 0.1*ln(s)+1");
    } else if (rope_method_is_yarn(p->method) && f == ROPE_FLAVOR_LLAMACPP) {
        snprintf(buf, n, "llama.cpp recomputes the magnitude from s as 0.1*ln(%g)+1 whenever YaRN is on; %s",
                 s, p->has_attention_factor ? "the explicit attention_factor is overwritten"
                                            : "mscale / mscale_all_dim are not read");
    } else if (p->method == ROPE_LONGROPE) {
        snprintf(buf, n, "%s computes sqrt(1 + ln(max_pos/L)/ln L) from max_position_embeddings %d / L %d; the "
                 "factor%s key is not read", f == ROPE_FLAVOR_VLLM ? "vLLM" : "llama.cpp's converter",
                 p->max_pos, p->orig_ctx, p->has_attention_factor ? " and attention_factor" : "");
    } else {
        snprintf(buf, n, "%s's magnitude rule for %s differs", fl(f), rope_method_get(p->method)->name);
    }
}

static void compare_engine(rope_parity *pr, const rope_config *c, rope_flavor f)
{
    const rope_engine *h = &pr->eng[ROPE_FLAVOR_HF], *e = &pr->eng[f];
    char cause[240];
    rope_parity_diff *d;
    if (!e->ok) {
        if ((d = add_diff(pr, f, ROPE_DIFF_REFUSED, 0)))
            snprintf(d->line, sizeof d->line, "%s != hf: %s refuses the config: %s", fl(f), fl(f), e->error);
        return;
    }
    int checks = h->length_dependent || e->length_dependent ? 2 : 1;
    for (int k = 0; k < checks; k++) {
        int at_short = k == 1;
        const rope_table *et = at_short ? &e->table_short : &e->table;
        const rope_table *ht = at_short ? &h->table_short : &h->table;
        double rel;
        int at;
        max_rel(et, ht, &rel, &at);
        char where[64] = "";
        if (checks == 2)
            snprintf(where, sizeof where, " at %d tokens", at_short ? pr->prompt : pr->served);
        if (rel > ROPE_PARITY_REL_TOL && (d = add_diff(pr, f, ROPE_DIFF_INV_FREQ, at_short))) {
            d->pair = at;
            d->max_rel = rel;
            cause_inv(pr, c, f, at_short, cause, sizeof cause);
            snprintf(d->line, sizeof d->line, "%s != hf%s: inv_freq up to %.4g%% apart (pair %d): %s", fl(f),
                     where, rel * 100.0, at, cause);
        }
        if (fabs(et->magnitude - ht->magnitude) > ROPE_PARITY_MAG_TOL && (d = add_diff(pr, f, ROPE_DIFF_MAGNITUDE, at_short))) {
            d->value = et->magnitude;
            d->ref_value = ht->magnitude;
            cause_mag(c, f, cause, sizeof cause);
            snprintf(d->line, sizeof d->line, "%s != hf%s: magnitude %.4f vs %.4f (logits x%.4f vs x%.4f): %s",
                     fl(f), where, et->magnitude, ht->magnitude, et->logit_mult * e->softmax_mult,
                     ht->logit_mult * h->softmax_mult, cause);
        }
    }
    if (fabs(e->softmax_mult - h->softmax_mult) > ROPE_PARITY_MAG_TOL && (d = add_diff(pr, f, ROPE_DIFF_SOFTMAX, 0))) {
        d->value = e->softmax_mult;
        d->ref_value = h->softmax_mult;
        snprintf(d->line, sizeof d->line, "%s != hf: softmax scale x%.4f vs x%.4f", fl(f), e->softmax_mult,
                 h->softmax_mult);
    }
}

/* --- notes: older releases and what ropescope does not model --------------------------------------------- */

static void dated_notes(rope_parity *pr, const rope_config *c)
{
    const rope_params *p = &c->params;
    const rope_table *v = &pr->eng[ROPE_FLAVOR_VLLM].table;
    double s = p->factor;
    int rot = rope_params_rot_dim(p);
    if (!pr->eng[ROPE_FLAVOR_VLLM].ok)
        return;
    if (rope_method_is_yarn(p->method) && !p->deepseek) {
        if (p->has_attention_factor && fabs(rope_mscale(s, 1.0) - v->magnitude) > ROPE_PARITY_MAG_TOL)
            note(pr, "vLLM before mid-2026 dropped an explicit attention_factor for yarn (get_rope did not forward "
                     "it): magnitude %.4f instead of %.4f (vllm-project/vllm#48351)", rope_mscale(s, 1.0),
                 v->magnitude);
        else if (p->mscale != 0.0 && p->mscale_all_dim != 0.0 &&
                 fabs(rope_mscale(s, 1.0) - v->magnitude) > ROPE_PARITY_MAG_TOL)
            note(pr, "vLLM's generic YaRN before the fix ignored mscale/mscale_all_dim: magnitude %.4f instead of "
                     "%.4f (vllm-project/vllm#48621; SGLang: sgl-project/sglang#22711)", rope_mscale(s, 1.0),
                 v->magnitude);
        int a, b;
        double rel;
        if (!p->truncate && rope_config_truncate_effect(p, &a, &b, &rel) == 0 && a >= 0)
            note(pr, "vLLM before PR #28244 (Nov 2025) rounded the correction range despite truncate: false: "
                     "pairs %d-%d up to %.0f%% off (vllm-project/vllm#27722)", a, b, rel * 100.0);
    }
    if (p->method == ROPE_DYNAMIC && s > 1.0)
        note(pr, "vLLM before PR #41277 (2026-04-29) used base b*(s^2-s+1)^(d/(d-2)) = %.6g for every length "
                 "(vllm-project/vllm#41236)", rope_ntk_base(p->base, s * s - s + 1.0, rot));
}

static void model_notes(rope_parity *pr, const rope_config *c)
{
    const rope_config_raw *r = &c->raw;
    if (r->n_unmodelled > 0)
        note(pr, "not modelled by ropescope (engines read these; the tables above ignore them): %s",
             r->unmodelled);
    if (r->per_layer)
        note(pr, "per-layer rope_parameters: ropescope compares the full_attention entry only");
    if (c->params.deepseek && rope_method_is_yarn(c->params.method) && c->params.mscale_all_dim != 0.0)
        note(pr, "DeepSeek attention: every engine also multiplies the softmax scale by get_mscale(s, "
                 "mscale_all_dim)^2 = %.4f (in the logit multipliers above)", rope_softmax_mult(&c->params));
}

/* --- entry ------------------------------------------------------------------------------------------------ */

static int contradictory(const rope_config *c, rope_error *err)
{
    const rope_config_raw *r = &c->raw;
    rope_method a, b;
    if (r->has_type && r->has_rope_type && strcmp(r->type, r->rope_type) != 0 &&
        !(rope_method_from_name(r->type, &a) == 0 && rope_method_from_name(r->rope_type, &b) == 0 && a == b))
        return rope_fail(err, "contradictory keys: rope_type \"%s\" and type \"%s\" (transformers and vLLM read "
                              "rope_type, older loaders type); give both the same value", r->rope_type, r->type);
    if (r->orig_ctx_top > 0 && r->orig_ctx_scaling > 0 && r->orig_ctx_top != r->orig_ctx_scaling)
        return rope_fail(err, "contradictory keys: original_max_position_embeddings is %d at the top level and %d "
                              "in the scaling dict (transformers takes the top level, vLLM the dict); make them "
                              "equal", r->orig_ctx_top, r->orig_ctx_scaling);
    if (r->rope_theta_conflict)
        return rope_fail(err, "contradictory keys: rope_theta is %g in the scaling dict and %g at the top level; "
                              "make them equal", c->params.base, r->rope_theta_top);
    return 0;
}

int rope_parity_check(const rope_config *c, int served, rope_parity *pr, rope_error *err)
{
    if (!c || !pr)
        return rope_fail(err, "parity: nothing to compare");
    if (contradictory(c, err))
        return -1;
    memset(pr, 0, sizeof *pr);
    pr->served = served > 0 ? served : rope_parity_served(c);
    pr->prompt = c->params.orig_ctx < pr->served ? c->params.orig_ctx : pr->served;
    for (int f = 0; f < ROPE_FLAVOR_COUNT; f++) {
        rope_engine *e = &pr->eng[f];
        rope_error e2;
        e->flavor = (rope_flavor)f;
        e->softmax_mult = 1.0;
        key_lists(c, e);
        if (rope_engine_params(c, (rope_flavor)f, pr->served, &e->params, e->runs, sizeof e->runs, &e2) ||
            rope_table_compute(&e->params, &e->table, &e2)) {
            snprintf(e->error, sizeof e->error, "%s", e2.msg);
            continue;
        }
        rope_params q = e->params;
        /* HF follows the current length; vLLM and llama.cpp keep the served-length choice */
        if (f == ROPE_FLAVOR_HF)
            q.seq_len = pr->prompt;
        if (rope_table_compute(&q, &e->table_short, &e2)) {
            snprintf(e->error, sizeof e->error, "%s", e2.msg);
            continue;
        }
        e->ok = 1;
        double rel;
        int at;
        max_rel(&e->table, &e->table_short, &rel, &at);
        e->length_dependent = rel > 0.0 || e->table.magnitude != e->table_short.magnitude;
        e->softmax_mult = rope_softmax_mult(&e->params);
        e->logit_mult = e->table.logit_mult * e->softmax_mult;
    }
    if (!pr->eng[ROPE_FLAVOR_HF].ok)
        return rope_fail(err, "%s", pr->eng[ROPE_FLAVOR_HF].error);
    for (int f = ROPE_FLAVOR_COUNT - 1; f >= 0; f--) /* vllm first: the serving engine people ask about */
        if (f != ROPE_FLAVOR_HF)
            compare_engine(pr, c, (rope_flavor)f);
    pr->agree = pr->n_diffs == 0;
    dated_notes(pr, c);
    model_notes(pr, c);
    return 0;
}

void rope_parity_max_rel(const rope_parity *pr, rope_flavor f, int at_short, double *rel, int *pair)
{
    const rope_engine *e = &pr->eng[f], *h = &pr->eng[ROPE_FLAVOR_HF];
    *rel = 0.0;
    *pair = 0;
    if (e->ok && h->ok)
        max_rel(at_short ? &e->table_short : &e->table, at_short ? &h->table_short : &h->table, rel, pair);
}

void rope_parity_status(const rope_parity *pr, char *buf, size_t n)
{
    if (!n)
        return;
    if (pr->agree) {
        snprintf(buf, n, "engines agree");
        return;
    }
    const rope_parity_diff *d = &pr->diff[0];
    switch (d->what) {
    case ROPE_DIFF_REFUSED:
        snprintf(buf, n, "%s refuses the config", fl(d->engine));
        break;
    case ROPE_DIFF_INV_FREQ:
        snprintf(buf, n, "%s != %s: inv_freq %.2g%% apart at pair %d", fl(d->engine), fl(d->ref),
                 d->max_rel * 100.0, d->pair);
        break;
    case ROPE_DIFF_MAGNITUDE:
        snprintf(buf, n, "%s != %s: magnitude %.2f vs %.2f", fl(d->engine), fl(d->ref), d->value, d->ref_value);
        break;
    case ROPE_DIFF_SOFTMAX:
        snprintf(buf, n, "%s != %s: softmax scale x%.2f vs x%.2f", fl(d->engine), fl(d->ref), d->value,
                 d->ref_value);
        break;
    }
}
