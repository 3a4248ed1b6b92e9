/* ropecore/rope_methods.c — one fill function per RoPE method, listed in one method table.
 * Each computes θ'_i in double from the method's formula (with its flavor's rules: rounding of the
 * correction range, guards, magnitude source), and separately the float32 value the flavor's real
 * implementation produces (HF and vLLM: torch float32 ops; llama.cpp: ggml's float32 op). */
#include <math.h>
#include <string.h>
#include "rope.h"
#include "rope_internal.h"

/* --- shared helpers ---------------------------------------------------------------------------- */

double rope_mscale(double s, double m)
{
    return s <= 1.0 ? 1.0 : 0.1 * m * log(s) + 1.0;
}

double rope_corr_dim(int rot_dim, double base, double L, double rotations)
{
    return (double)rot_dim * log(L / (rotations * 2.0 * M_PI)) / (2.0 * log(base));
}

float rope_corr_dim_f32(int rot_dim, float base, float L, float rotations)
{
    return (float)rot_dim * logf(L / (rotations * 2.0f * (float)M_PI)) / (2.0f * logf(base));
}

double rope_ramp_paper(double r, double alpha, double beta)
{
    if (r < alpha)
        return 0.0;
    if (r > beta)
        return 1.0;
    return (r - alpha) / (beta - alpha);
}

double rope_ntk_base(double base, double s, int rot_dim)
{
    return base * pow(s, (double)rot_dim / (double)(rot_dim - 2));
}

/* transformers' DeepseekV3Attention (yarn_apply_mscale, when mscale_all_dim is truthy), vLLM's
 * DeepseekV2Attention (scaling *= yarn_get_mscale(s, mscale_all_dim)^2, default 0) and llama.cpp's
 * deepseek2 kq_scale all give get_mscale(s, mscale_all_dim)^2 on the softmax. */
double rope_softmax_mult(const rope_params *p)
{
    if (!p->deepseek || !rope_method_is_yarn(p->method) || p->mscale_all_dim == 0.0)
        return 1.0;
    double m = rope_mscale(p->factor, p->mscale_all_dim);
    return m * m;
}

static double clamp01(double x)
{
    return x < 0.0 ? 0.0 : (x > 1.0 ? 1.0 : x);
}

/* γ for methods that are not written as a blend: where θ' sits between θ/s (0) and θ (1). */
static double gamma_from_factor(double f, double s)
{
    if (s <= 1.0)
        return 1.0;
    return clamp01((f - 1.0 / s) / (1.0 - 1.0 / s));
}

/* The un-scaled float32 inverse frequencies of a base, as each flavor computes them:
 * HF: 1 / powf(b, (float)(2i)/(float)d); ggml CPU: theta_scale^i by i repeated multiplies. */
void rope_base_f32(rope_flavor flavor, double base, int rot_dim, int n_pairs, float *out /* [n_pairs] */)
{
    if (flavor == ROPE_FLAVOR_LLAMACPP) {
        float theta_scale = powf((float)base, -2.0f / (float)rot_dim);
        float th = 1.0f;
        for (int i = 0; i < n_pairs; i++) {
            out[i] = th;
            th *= theta_scale;
        }
    } else {
        float b = (float)base;
        for (int i = 0; i < n_pairs; i++)
            out[i] = 1.0f / powf(b, (float)(2 * i) / (float)rot_dim);
    }
}

static void set_pair(rope_table *t, int i, double theta_scaled, float f32, double gamma)
{
    t->pair[i].theta_scaled = theta_scaled;
    t->pair[i].inv_freq_f32 = f32;
    t->pair[i].ramp = gamma;
}

/* --- none, linear ---------------------------------------------------------------------------- */

static void fill_none(const rope_params *p, rope_table *t)
{
    float f32[ROPE_MAX_PAIRS];
    rope_base_f32(p->flavor, p->base, t->rot_dim, t->n_pairs, f32);
    for (int i = 0; i < t->n_pairs; i++)
        set_pair(t, i, t->pair[i].theta, f32[i], 1.0);
    t->scale = 1.0;
}

static void fill_linear(const rope_params *p, rope_table *t)
{
    float f32[ROPE_MAX_PAIRS];
    double s = p->factor;
    rope_base_f32(p->flavor, p->base, t->rot_dim, t->n_pairs, f32);
    float freq_scale = 1.0f / (float)s; /* ggml multiplies by 1/s; torch divides by s */
    for (int i = 0; i < t->n_pairs; i++) {
        float v = p->flavor == ROPE_FLAVOR_LLAMACPP ? freq_scale * f32[i] : f32[i] / (float)s;
        set_pair(t, i, t->pair[i].theta / s, v, s > 1.0 ? 0.0 : 1.0);
    }
}

/* --- NTK-aware base change: static and dynamic ----------------------------------------------- */

static void fill_with_base(const rope_params *p, rope_table *t, double base_scaled, float base_f32)
{
    float f32[ROPE_MAX_PAIRS];
    rope_base_f32(p->flavor, base_f32, t->rot_dim, t->n_pairs, f32);
    for (int i = 0; i < t->n_pairs; i++) {
        double th = pow(base_scaled, -2.0 * i / (double)t->rot_dim);
        set_pair(t, i, th, f32[i], gamma_from_factor(th / t->pair[i].theta, t->scale));
    }
    t->base_scaled = base_scaled;
}

static void fill_ntk(const rope_params *p, rope_table *t)
{
    double b2 = rope_ntk_base(p->base, p->factor, t->rot_dim);
    fill_with_base(p, t, b2, (float)b2);
}

/* HF _compute_dynamic_ntk_parameters: ℓ = max(seq_len, max_position_embeddings),
 * b' = b·(s·ℓ/L − (s−1))^(d/(d−2)) with L = max_position_embeddings; seq_len is an int64 tensor in
 * HF, so b' is a float32 there. Without a sequence (start-up) ℓ = L and b' = b. */
static void fill_dynamic(const rope_params *p, rope_table *t)
{
    double L = p->max_pos, s = p->factor;
    if (p->flavor == ROPE_FLAVOR_VLLM) {
        /* vLLM DynamicNTKScalingRotaryEmbedding: one cache built at start-up for max_position M,
         * b' = b*(s*M/T - (s-1))^(d/(d-2)) if M > T (T = max_trained_positions), else b unscaled;
         * the sequence length never enters. */
        double T = p->trained_ctx > 0 ? p->trained_ctx : L;
        double a = L > T ? s * L / T - (s - 1.0) : 1.0;
        double b2 = L > T ? p->base * pow(a, (double)t->rot_dim / (double)(t->rot_dim - 2)) : p->base;
        t->scale = a;
        fill_with_base(p, t, b2, (float)b2); /* a Python float base, cast to float32 by torch.pow */
        return;
    }
    double len = p->seq_len > p->max_pos ? p->seq_len : L;
    double alpha = s * len / L - (s - 1.0);
    double expo = (double)t->rot_dim / (double)(t->rot_dim - 2);
    double b2 = p->base * pow(alpha, expo);
    float alpha_f = (float)s * (float)len / (float)L - ((float)s - 1.0f);
    float b2_f = (float)p->base * powf(alpha_f, (float)expo);
    t->scale = alpha; /* the NTK "alpha" in effect */
    fill_with_base(p, t, b2, p->flavor == ROPE_FLAVOR_LLAMACPP ? (float)b2 : b2_f);
}

/* --- YaRN family: NTK-by-parts, YaRN, dynamic YaRN -------------------------------------------- */

/* The magnitude HF resolves for YaRN at scale s (transformers' modeling_rope_utils.py,
 * _compute_yarn_parameters). */
static double yarn_magnitude_hf(const rope_params *p, double s)
{
    if (p->has_attention_factor)
        return p->attention_factor;
    if (p->mscale != 0.0 && p->mscale_all_dim != 0.0)
        return rope_mscale(s, p->mscale) / rope_mscale(s, p->mscale_all_dim);
    return rope_mscale(s, 1.0);
}

/* The correction range and ramp as HF computes them (float64, optional truncate, == guard). */
static void yarn_range_hf(const rope_params *p, rope_table *t, int truncate, double *low, double *high)
{
    double bf = rope_beta_fast(p), bs = rope_beta_slow(p); /* HF: get("beta_fast") or 32 */
    t->corr_low_raw = rope_corr_dim(t->rot_dim, p->base, p->orig_ctx, bf);
    t->corr_high_raw = rope_corr_dim(t->rot_dim, p->base, p->orig_ctx, bs);
    double lo = t->corr_low_raw, hi = t->corr_high_raw;
    if (truncate) {
        lo = floor(lo);
        hi = ceil(hi);
    }
    lo = fmax(lo, 0.0);
    hi = fmin(hi, (double)(t->rot_dim - 1));
    if (lo == hi)
        hi += 0.001;
    *low = lo;
    *high = hi;
}

/* ggml_rope_yarn_corr_dims: float32, always floor/ceil; the ramp divides by MAX(0.001, high−low). */
static void yarn_range_ggml(const rope_params *p, rope_table *t, float *low, float *high)
{
    float raw_lo = rope_corr_dim_f32(t->rot_dim, (float)p->base, (float)p->orig_ctx, (float)p->beta_fast);
    float raw_hi = rope_corr_dim_f32(t->rot_dim, (float)p->base, (float)p->orig_ctx, (float)p->beta_slow);
    t->corr_low_raw = raw_lo;
    t->corr_high_raw = raw_hi;
    *low = fmaxf(0.0f, floorf(raw_lo));
    *high = fminf((float)(t->rot_dim - 1), ceilf(raw_hi));
}

static void fill_yarn_at(const rope_params *p, rope_table *t, double s, int temperature)
{
    float base[ROPE_MAX_PAIRS];
    rope_base_f32(p->flavor, p->base, t->rot_dim, t->n_pairs, base);
    t->scale = s;
    t->has_corr = 1;
    if (p->flavor == ROPE_FLAVOR_LLAMACPP) {
        float lo, hi, freq_scale = 1.0f / (float)s;
        yarn_range_ggml(p, t, &lo, &hi);
        t->corr_low = lo;
        t->corr_high = hi;
        for (int i = 0; i < t->n_pairs; i++) {
            float y = ((float)i - lo) / fmaxf(0.001f, hi - lo);
            float g = 1.0f - fminf(1.0f, fmaxf(0.0f, y));
            float ext = base[i], itp = freq_scale * base[i];
            double th = t->pair[i].theta;
            set_pair(t, i, th / s * (1.0 - g) + th * g, itp * (1.0f - g) + ext * g, g);
        }
        /* llama.cpp recomputes the magnitude from s whenever YaRN is active (explicit values are
         * overwritten); NTK-by-parts has no temperature by definition. */
        t->magnitude = temperature ? 1.0f + 0.1f * logf((float)s) : 1.0;
        if (s <= 1.0)
            t->magnitude = 1.0;
        /* deepseek2: the converter writes yarn_log_multiplier from mscale_all_dim and llama_context
         * sets get_mscale(s, m)/get_mscale(s, log_mul) with m = log_mul, i.e. cos/sin at 1 */
        if (p->deepseek && p->mscale_all_dim != 0.0)
            t->magnitude = 1.0;
        return;
    }
    double lo, hi;
    /* vLLM's DeepSeek class calls yarn_find_correction_range without truncate: always floor/ceil */
    yarn_range_hf(p, t, p->flavor == ROPE_FLAVOR_VLLM && p->deepseek ? 1 : p->truncate, &lo, &hi);
    t->corr_low = lo;
    t->corr_high = hi;
    float lo_f = (float)lo, hi_f = (float)hi, s_f = (float)s;
    for (int i = 0; i < t->n_pairs; i++) {
        double g = 1.0 - clamp01(((double)i - lo) / (hi - lo));
        /* torch: ramp = clamp((arange − low)/(high − low)), mask = 1 − ramp, all float32 */
        float gf = 1.0f - fminf(1.0f, fmaxf(0.0f, ((float)i - lo_f) / (hi_f - lo_f)));
        float pos_freq = powf((float)p->base, (float)(2 * i) / (float)t->rot_dim);
        float ext = 1.0f / pos_freq, itp = 1.0f / (s_f * pos_freq);
        double th = t->pair[i].theta;
        set_pair(t, i, th / s * (1.0 - g) + th * g, itp * (1.0f - gf) + ext * gf, g);
    }
    if (!temperature)
        t->magnitude = 1.0;
    else if (p->flavor == ROPE_FLAVOR_VLLM && p->deepseek)
        /* DeepseekScalingRotaryEmbedding: mscale defaults to 1, mscale_all_dim to 0 (0 = absent here),
         * attention_factor is not among the keys get_rope forwards to it */
        t->magnitude = rope_mscale(s, p->mscale != 0.0 ? p->mscale : 1.0) / rope_mscale(s, p->mscale_all_dim);
    else
        t->magnitude = yarn_magnitude_hf(p, s); /* vLLM's newest YaRNScalingRotaryEmbedding: same rule */
}

static void fill_ntk_parts(const rope_params *p, rope_table *t) { fill_yarn_at(p, t, p->factor, 0); }
static void fill_yarn(const rope_params *p, rope_table *t) { fill_yarn_at(p, t, p->factor, 1); }

/* s = max(1, l/L), recomputed with the sequence length; at start-up (no sequence) s = 1. */
static void fill_dynamic_yarn(const rope_params *p, rope_table *t)
{
    if (p->flavor == ROPE_FLAVOR_VLLM) { /* vLLM has no dynamic YaRN: static yarn at the configured factor */
        fill_yarn_at(p, t, p->factor > 1.0 ? p->factor : 1.0, 1);
        return;
    }
    double s = (double)p->seq_len / (double)p->orig_ctx;
    fill_yarn_at(p, t, s > 1.0 ? s : 1.0, 1);
}

/* --- Llama 3.1 ------------------------------------------------------------------------------------ */

static void fill_llama3(const rope_params *p, rope_table *t)
{
    float base[ROPE_MAX_PAIRS];
    rope_base_f32(p->flavor, p->base, t->rot_dim, t->n_pairs, base);
    double s = p->factor, L = p->orig_ctx, lo = p->low_freq_factor, hi = p->high_freq_factor;
    double wl_low = L / lo, wl_high = L / hi;
    float s_f = (float)s, L_f = (float)L, lo_f = (float)lo, hi_f = (float)hi;
    for (int i = 0; i < t->n_pairs; i++) {
        double th = t->pair[i].theta, wl = 2.0 * M_PI / th, g;
        if (wl > wl_low)
            g = 0.0;
        else if (wl < wl_high)
            g = 1.0;
        else
            g = hi > lo ? (L / wl - lo) / (hi - lo) : 0.0; /* vLLM: smooth = 0 when low == high */
        double ts = (1.0 - g) * th / s + g * th;
        float f32;
        if (p->flavor == ROPE_FLAVOR_LLAMACPP) {
            /* the converter bakes a rope_freqs divisor per pair (float32); the op divides by it */
            f32 = base[i] / (float)(th / ts);
        } else {
            float inv = base[i], wlf = 2.0f * (float)M_PI / inv;
            float v = wlf > L_f / lo_f ? inv / s_f : inv;
            if (!(wlf < L_f / hi_f) && !(wlf > L_f / lo_f)) {
                float sm = hi_f > lo_f ? (L_f / wlf - lo_f) / (hi_f - lo_f) : 0.0f;
                v = (1.0f - sm) * v / s_f + sm * v;
            }
            f32 = v;
        }
        set_pair(t, i, ts, f32, g);
    }
    t->scale = s;
}

/* --- LongRoPE ------------------------------------------------------------------------------------- */

static void fill_longrope(const rope_params *p, rope_table *t)
{
    float base[ROPE_MAX_PAIRS];
    rope_base_f32(p->flavor, p->base, t->rot_dim, t->n_pairs, base);
    t->long_factors = p->seq_len > p->orig_ctx; /* llama.cpp keys this on n_ctx: pass it as seq_len */
    if (p->flavor == ROPE_FLAVOR_VLLM) /* max_model_len > L, decided once (0 = the config's maximum) */
        t->long_factors = (p->seq_len > 0 ? p->seq_len : p->max_pos) > p->orig_ctx;
    const double *ext = t->long_factors ? p->long_factor : p->short_factor;
    double s = p->factor;
    t->scale = s;
    for (int i = 0; i < t->n_pairs; i++) {
        double th = t->pair[i].theta / ext[i];
        float pos_freq = powf((float)p->base, (float)(2 * i) / (float)t->rot_dim);
        float f32 = p->flavor == ROPE_FLAVOR_LLAMACPP ? base[i] / (float)ext[i]
                                                      : 1.0f / ((float)ext[i] * pos_freq);
        set_pair(t, i, th, f32, gamma_from_factor(1.0 / ext[i], s));
    }
    double L = p->orig_ctx;
    if (p->flavor == ROPE_FLAVOR_LLAMACPP || p->flavor == ROPE_FLAVOR_VLLM) {
        /* llama.cpp's converter writes sqrt(1 + ln(max_pos/L)/ln L); vLLM's Phi3LongRoPE class computes
         * the same (short_mscale/long_mscale aside); both ignore factor/attention_factor */
        double sm = (double)p->max_pos / L;
        t->magnitude = sm <= 1.0 ? 1.0 : sqrt(1.0 + log(sm) / log(L));
    } else if (p->has_attention_factor) {
        t->magnitude = p->attention_factor;
    } else {
        t->magnitude = s <= 1.0 ? 1.0 : sqrt(1.0 + log(s) / log(L));
    }
}

/* --- the method table --------------------------------------------------------------------------- */

static const rope_method_info methods[ROPE_METHOD_COUNT] = {
    { ROPE_NONE, "none", "plain RoPE (extrapolation past L)", 0, ROPE_FAMILY_PLAIN, fill_none },
    { ROPE_LINEAR, "linear", "Position Interpolation: theta/s for every pair", ROPE_USES_FACTOR,
      ROPE_FAMILY_LINEAR, fill_linear },
    { ROPE_NTK, "ntk", "NTK-aware: base b*s^(d/(d-2))", ROPE_USES_FACTOR, ROPE_FAMILY_NTK, fill_ntk },
    { ROPE_DYNAMIC, "dynamic", "dynamic NTK (HF): base grows with the sequence past max_position_embeddings",
      ROPE_USES_FACTOR | ROPE_USES_SEQ_LEN | ROPE_USES_MAX_POS, ROPE_FAMILY_NTK, fill_dynamic },
    { ROPE_NTK_PARTS, "ntk-parts", "NTK-by-parts: ramp between beta_fast and beta_slow, no temperature",
      ROPE_USES_FACTOR | ROPE_USES_BETAS | ROPE_USES_TRUNCATE | ROPE_USES_ORIG_CTX, ROPE_FAMILY_YARN,
      fill_ntk_parts },
    { ROPE_YARN, "yarn", "YaRN: NTK-by-parts plus attention temperature",
      ROPE_USES_FACTOR | ROPE_USES_BETAS | ROPE_USES_TRUNCATE | ROPE_USES_MSCALE | ROPE_USES_ORIG_CTX,
      ROPE_FAMILY_YARN, fill_yarn },
    { ROPE_DYNAMIC_YARN, "dynamic-yarn", "dynamic YaRN: s = max(1, l/L) from the sequence length",
      ROPE_USES_BETAS | ROPE_USES_TRUNCATE | ROPE_USES_MSCALE | ROPE_USES_SEQ_LEN | ROPE_USES_ORIG_CTX,
      ROPE_FAMILY_YARN, fill_dynamic_yarn },
    { ROPE_LLAMA3, "llama3", "Llama 3.1: keep short wavelengths, theta/s for long ones, blend between",
      ROPE_USES_FACTOR | ROPE_USES_LLAMA3 | ROPE_USES_ORIG_CTX, ROPE_FAMILY_LLAMA3, fill_llama3 },
    { ROPE_LONGROPE, "longrope", "LongRoPE (Phi-3): searched per-pair factors, short/long lists",
      ROPE_USES_FACTOR | ROPE_USES_LISTS | ROPE_USES_SEQ_LEN | ROPE_USES_MSCALE | ROPE_USES_MAX_POS |
      ROPE_USES_ORIG_CTX, ROPE_FAMILY_LONGROPE, fill_longrope },
};

const rope_method_info *rope_method_get(rope_method m)
{
    return (unsigned)m < ROPE_METHOD_COUNT ? &methods[m] : NULL;
}

int rope_method_is_yarn(rope_method m)
{
    return (unsigned)m < ROPE_METHOD_COUNT && methods[m].family == ROPE_FAMILY_YARN;
}

double rope_beta_fast(const rope_params *p)
{
    return p->beta_fast != 0.0 ? p->beta_fast : ROPE_BETA_FAST_DEFAULT;
}

double rope_beta_slow(const rope_params *p)
{
    return p->beta_slow != 0.0 ? p->beta_slow : ROPE_BETA_SLOW_DEFAULT;
}

int rope_method_from_name(const char *name, rope_method *out)
{
    static const struct { const char *s; rope_method m; } aliases[] = {
        { "default", ROPE_NONE }, { "plain", ROPE_NONE }, { "rope", ROPE_NONE },
        { "pi", ROPE_LINEAR }, { "ntk-aware", ROPE_NTK }, { "dynamic-ntk", ROPE_DYNAMIC },
        { "ntk-by-parts", ROPE_NTK_PARTS }, { "by-parts", ROPE_NTK_PARTS },
        { "deepseek-yarn", ROPE_YARN }, { "su", ROPE_LONGROPE },
    };
    char buf[32];
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n >= sizeof buf)
        return -1;
    for (size_t i = 0; i <= n; i++) /* accept '_' for '-' (HF spells rope types with '_') */
        buf[i] = name[i] == '_' ? '-' : name[i];
    for (int m = 0; m < ROPE_METHOD_COUNT; m++)
        if (strcmp(buf, methods[m].name) == 0) {
            *out = (rope_method)m;
            return 0;
        }
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcmp(buf, aliases[i].s) == 0) {
            *out = aliases[i].m;
            return 0;
        }
    return -1;
}
