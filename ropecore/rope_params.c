/* ropecore/rope_params.c — defaults and validation of rope_params, and the name tables for
 * flavors and regimes. Every message names the parameter, its value and a valid alternative. */
#include <math.h>
#include <string.h>
#include "rope.h"

void rope_params_init(rope_params *p)
{
    memset(p, 0, sizeof *p);
    p->method = ROPE_NONE;
    p->flavor = ROPE_FLAVOR_HF;
    p->head_dim = 64;
    p->partial_rotary = 1.0;
    p->base = 10000.0;
    p->orig_ctx = 512;
    p->max_pos = 512;
    p->factor = 1.0;
    p->beta_fast = ROPE_BETA_FAST_DEFAULT;
    p->beta_slow = ROPE_BETA_SLOW_DEFAULT;
    p->truncate = 1;
    p->low_freq_factor = 1.0;
    p->high_freq_factor = 4.0;
}

int rope_params_rot_dim(const rope_params *p)
{
    double r = (double)p->head_dim * p->partial_rotary;
    if (!(r >= 0.0 && r <= (double)ROPE_MAX_HEAD_DIM))
        return 0;
    return (int)r; /* HF: int(head_dim * partial_rotary_factor) */
}

#define MAX_CTX (1 << 30)

static int check_finite(const char *name, double v, rope_error *err)
{
    if (!isfinite(v))
        return rope_fail(err, "%s is %g: it must be a finite number", name, v);
    return 0;
}

static int validate_lists(const rope_params *p, int n_pairs, rope_error *err)
{
    if (p->n_factors == 0)
        return rope_fail(err, "longrope needs short_factor and long_factor lists of %d values "
                              "(head_dim/2); load them with --config FILE or --preset phi-3-mini-128k",
                         n_pairs);
    if (p->n_factors != n_pairs)
        return rope_fail(err, "longrope factor lists have %d values but the rotary dimension %d has "
                              "%d pairs; give exactly %d values per list",
                         p->n_factors, 2 * n_pairs, n_pairs, n_pairs);
    for (int i = 0; i < n_pairs; i++) {
        if (!(isfinite(p->short_factor[i]) && p->short_factor[i] > 0.0))
            return rope_fail(err, "short_factor[%d] is %g: every LongRoPE factor must be a positive number",
                             i, p->short_factor[i]);
        if (!(isfinite(p->long_factor[i]) && p->long_factor[i] > 0.0))
            return rope_fail(err, "long_factor[%d] is %g: every LongRoPE factor must be a positive number",
                             i, p->long_factor[i]);
    }
    return 0;
}

int rope_params_validate(const rope_params *p, rope_error *err)
{
    if ((unsigned)p->method >= ROPE_METHOD_COUNT)
        return rope_fail(err, "method %d is unknown; use one of none, linear, ntk, dynamic, ntk-parts, "
                              "yarn, dynamic-yarn, llama3, longrope", (int)p->method);
    if ((unsigned)p->flavor >= ROPE_FLAVOR_COUNT)
        return rope_fail(err, "flavor %d is unknown; use hf, llamacpp or vllm", (int)p->flavor);
    if (p->head_dim < 2 || p->head_dim > ROPE_MAX_HEAD_DIM)
        return rope_fail(err, "head_dim %d is out of range; use an even number from 2 to %d (e.g. 64 or 128)",
                         p->head_dim, ROPE_MAX_HEAD_DIM);
    if (p->head_dim % 2)
        return rope_fail(err, "head_dim %d is odd: RoPE rotates pairs of dimensions, so it must be even "
                              "(e.g. %d)", p->head_dim, p->head_dim + 1);
    if (check_finite("partial_rotary_factor", p->partial_rotary, err))
        return -1;
    if (!(p->partial_rotary > 0.0 && p->partial_rotary <= 1.0))
        return rope_fail(err, "partial_rotary_factor %g is out of range; use a fraction in (0, 1], "
                              "e.g. 0.5 or 1", p->partial_rotary);
    int rot = rope_params_rot_dim(p);
    if (rot < 2 || rot % 2)
        return rope_fail(err, "head_dim %d x partial_rotary_factor %g gives %d rotary dimensions; it must "
                              "be an even number >= 2", p->head_dim, p->partial_rotary, rot);
    if (check_finite("base (rope_theta)", p->base, err))
        return -1;
    if (!(p->base > 1.0))
        return rope_fail(err, "base (rope_theta) %g must be greater than 1 (e.g. 10000 or 500000)", p->base);
    if (p->orig_ctx < 1 || p->orig_ctx > MAX_CTX)
        return rope_fail(err, "original context %d is out of range; use 1 to %d tokens (e.g. 4096)",
                         p->orig_ctx, MAX_CTX);
    if (p->max_pos < 1 || p->max_pos > MAX_CTX)
        return rope_fail(err, "max_position_embeddings %d is out of range; use 1 to %d tokens",
                         p->max_pos, MAX_CTX);
    if (check_finite("factor", p->factor, err))
        return -1;
    if (p->factor < 1.0)
        return rope_fail(err, "factor %g is below 1: context extension scales the context up; use a "
                              "factor >= 1 (e.g. 8 for 8x)", p->factor);
    if (p->factor > 1e6)
        return rope_fail(err, "factor %g is absurd; use at most 1e6", p->factor);
    if (check_finite("beta_fast", p->beta_fast, err) || check_finite("beta_slow", p->beta_slow, err))
        return -1;
    if (p->beta_fast < 0.0 || p->beta_slow < 0.0)
        return rope_fail(err, "beta_fast %g / beta_slow %g: betas count rotations within L and cannot be "
                              "negative (defaults 32 and 1)", p->beta_fast, p->beta_slow);
    if (check_finite("mscale", p->mscale, err) || check_finite("mscale_all_dim", p->mscale_all_dim, err))
        return -1;
    if (p->mscale < 0.0 || p->mscale_all_dim < 0.0)
        return rope_fail(err, "mscale %g / mscale_all_dim %g cannot be negative", p->mscale, p->mscale_all_dim);
    if (p->has_attention_factor) {
        if (check_finite("attention_factor", p->attention_factor, err))
            return -1;
        if (!(p->attention_factor > 0.0 && p->attention_factor < 100.0))
            return rope_fail(err, "attention_factor %g is out of range; it multiplies cos and sin, use a "
                                  "value in (0, 100) (YaRN's default is 0.1*ln(s)+1)", p->attention_factor);
    }
    if (p->method == ROPE_LLAMA3) {
        if (check_finite("low_freq_factor", p->low_freq_factor, err) ||
            check_finite("high_freq_factor", p->high_freq_factor, err))
            return -1;
        /* low == high (Llama 4 publishes 1 and 1) leaves no blend band: both engines accept it */
        if (!(p->low_freq_factor > 0.0 && p->high_freq_factor >= p->low_freq_factor))
            return rope_fail(err, "llama3 needs 0 < low_freq_factor <= high_freq_factor (have %g and %g; "
                                  "Llama 3.1 uses 1 and 4)", p->low_freq_factor, p->high_freq_factor);
    }
    if (p->method == ROPE_LONGROPE && validate_lists(p, rot / 2, err))
        return -1;
    if (p->seq_len < 0 || p->seq_len > MAX_CTX)
        return rope_fail(err, "sequence length %d is out of range; use 0 (start-up) to %d tokens",
                         p->seq_len, MAX_CTX);
    if (p->trained_ctx < 0 || p->trained_ctx > MAX_CTX)
        return rope_fail(err, "max_trained_positions %d is out of range; use 0 (absent) to %d tokens",
                         p->trained_ctx, MAX_CTX);
    /* vLLM's yarn_find_correction_dim divides by num_rotations*2*pi: a beta of 0 stops the load */
    if (p->flavor == ROPE_FLAVOR_VLLM && rope_method_is_yarn(p->method) &&
        (p->beta_fast == 0.0 || p->beta_slow == 0.0))
        return rope_fail(err, "vllm: beta_%s 0 raises ZeroDivisionError in vLLM's yarn_find_correction_dim "
                              "(it does not turn 0 into the default as transformers does); write %g",
                         p->beta_fast == 0.0 ? "fast" : "slow",
                         p->beta_fast == 0.0 ? ROPE_BETA_FAST_DEFAULT : ROPE_BETA_SLOW_DEFAULT);
    rope_table t;                       /* finite parameters can still overflow into a NaN table */
    return rope_table_fill(p, &t, err);
}

static const char *const flavor_names[ROPE_FLAVOR_COUNT] = { "hf", "llamacpp", "vllm" };

const char *rope_flavor_name(rope_flavor f)
{
    return (unsigned)f < ROPE_FLAVOR_COUNT ? flavor_names[f] : "?";
}

int rope_flavor_from_name(const char *name, rope_flavor *out)
{
    static const struct { const char *s; rope_flavor f; } names[] = {
        { "hf", ROPE_FLAVOR_HF }, { "huggingface", ROPE_FLAVOR_HF }, { "transformers", ROPE_FLAVOR_HF },
        { "llamacpp", ROPE_FLAVOR_LLAMACPP }, { "llama.cpp", ROPE_FLAVOR_LLAMACPP },
        { "ggml", ROPE_FLAVOR_LLAMACPP }, { "vllm", ROPE_FLAVOR_VLLM },
    };
    for (size_t i = 0; name && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i].s) == 0) {
            *out = names[i].f;
            return 0;
        }
    return -1;
}

const char *rope_regime_name(rope_regime r)
{
    switch (r) {
    case ROPE_REGIME_EXTRAPOLATE: return "extrapolate";
    case ROPE_REGIME_BLEND: return "blend";
    case ROPE_REGIME_INTERPOLATE: return "interpolate";
    }
    return "?";
}
