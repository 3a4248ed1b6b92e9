/* ropecore/rope.h — the single source of truth for RoPE frequencies and magnitudes.
 *
 * Contract: from one rope_params (method, geometry, scaling knobs, flavor) rope_table_compute()
 * fills one rope_table: per rotary pair the original and scaled inverse frequency, wavelengths,
 * r = L/λ, the blend weight γ, the regime and the factor θ'/θ; per table the cos/sin magnitude and
 * the YaRN correction range. Every consumer (panels, the model's cos/sin cache, exports) reads this
 * table; nothing else in ropescope computes a RoPE frequency. Pure functions of their inputs: no
 * globals, no I/O, no allocation, never exits; errors come back as -1 plus a rope_error message. */
#ifndef ROPE_H
#define ROPE_H

#include <stddef.h>
#include "rope_error.h"

#define ROPE_MAX_HEAD_DIM 1024
#define ROPE_MAX_PAIRS    (ROPE_MAX_HEAD_DIM / 2)

typedef enum rope_method {
    ROPE_NONE,         /* plain RoPE: positions past L are extrapolated */
    ROPE_LINEAR,       /* Position Interpolation: θ' = θ/s */
    ROPE_NTK,          /* static NTK-aware: b' = b·s^(d/(d-2)) */
    ROPE_DYNAMIC,      /* dynamic NTK, Hugging Face semantics (L = max_position_embeddings) */
    ROPE_NTK_PARTS,    /* NTK-by-parts: YaRN's ramp, no temperature */
    ROPE_YARN,         /* YaRN: NTK-by-parts + cos/sin magnitude */
    ROPE_DYNAMIC_YARN, /* YaRN with s = max(1, l/L) recomputed from the sequence length */
    ROPE_LLAMA3,       /* Llama 3.1 wavelength bands */
    ROPE_LONGROPE,     /* LongRoPE / Phi-3: searched per-pair factor lists */
    ROPE_METHOD_COUNT
} rope_method;

/* Where real implementations differ (transformers' modeling_rope_utils.py and ggml's rope op,
 * ggml_rope_yarn_corr_dims; vLLM's model_executor/layers/rotary_embedding; the YaRN paper,
 * arXiv 2309.00071). */
typedef enum rope_flavor {
    ROPE_FLAVOR_HF,       /* transformers: float64 correction range, truncate, mscale keys */
    ROPE_FLAVOR_LLAMACPP, /* ggml: float32 corr dims, always floor/ceil, MAX(0.001) guard,
                             magnitude recomputed from s, float32 iterated θ */
    ROPE_FLAVOR_VLLM,     /* vLLM's rotary_embedding classes (newest read: YaRN with attention_factor,
                             mscale pair and truncate; DeepSeek YaRN; static dynamic NTK; LongRoPE
                             chosen by max_model_len). How it reads rope_params: see `deepseek`,
                             `trained_ctx` and `seq_len` below; what it reads from a config.json is
                             ropecore/config/rope_parity.h's key mapping. */
    ROPE_FLAVOR_COUNT
} rope_flavor;

typedef enum rope_regime {
    ROPE_REGIME_EXTRAPOLATE, /* γ = 1: the pair keeps its original frequency */
    ROPE_REGIME_BLEND,       /* 0 < γ < 1 */
    ROPE_REGIME_INTERPOLATE  /* γ = 0: the pair is fully interpolated (θ/s) */
} rope_regime;

typedef struct rope_params {
    rope_method method;
    rope_flavor flavor;
    int    head_dim;         /* elements per attention head (even) */
    double partial_rotary;   /* fraction of head_dim that rotates, (0, 1]; rotary dim must be even */
    double base;             /* rope_theta b (> 1) */
    int    orig_ctx;         /* L: original_max_position_embeddings, tokens */
    int    max_pos;          /* max_position_embeddings, tokens; dynamic NTK uses it as L (as HF does) */
    double factor;           /* s >= 1 */
    double beta_fast;        /* YaRN β (rotations within L); HF turns 0 into 32 */
    double beta_slow;        /* YaRN α; HF turns 0 into 1 */
    int    truncate;         /* YaRN: floor/ceil the correction range (HF default 1; llama.cpp always) */
    double mscale;           /* DeepSeek `mscale`, 0 = absent */
    double mscale_all_dim;   /* DeepSeek `mscale_all_dim`, 0 = absent */
    int    has_attention_factor;
    double attention_factor; /* explicit cos/sin magnitude when has_attention_factor */
    double low_freq_factor;  /* Llama 3: λ > L/low  ⇒ θ/s */
    double high_freq_factor; /* Llama 3: λ < L/high ⇒ θ   */
    int    n_factors;        /* LongRoPE list length; must equal the number of rotary pairs */
    double short_factor[ROPE_MAX_PAIRS]; /* [n_factors] divisors of θ when length <= L */
    double long_factor[ROPE_MAX_PAIRS];  /* [n_factors] divisors of θ when length >  L */
    int    seq_len;          /* current sequence length, tokens; 0 = start-up (before any sequence).
                                vllm flavor: the served max_model_len (0 = max_pos), which picks
                                LongRoPE's list once for every position */
    int    deepseek;         /* DeepSeek-V2/V3-style attention (model_type deepseek_v2/_v3, kimi_k2):
                                vllm runs YaRN in its DeepSeek class (magnitude mscale/mscale_all_dim
                                with defaults 1/0, no truncate), llamacpp's deepseek2 leaves cos/sin at
                                1 when mscale_all_dim is set; hf ignores it. All three also multiply
                                the softmax scale by get_mscale(s, mscale_all_dim)^2 (rope_softmax_mult) */
    int    trained_ctx;      /* vllm dynamic NTK: max_trained_positions T, 0 = absent. The base is
                                b*(s*max_pos/T - (s-1))^(d/(d-2)) when max_pos > T, else b */
} rope_params;

typedef struct rope_pair {
    double theta;          /* original inverse frequency b^(-2i/d), rad/token */
    double theta_scaled;   /* θ' of the method, rad/token (double-precision formula, flavor rules) */
    float  inv_freq_f32;   /* θ' as the flavor's float32 arithmetic produces it */
    double lambda;         /* original wavelength 2π/θ, tokens */
    double lambda_scaled;  /* 2π/θ', tokens */
    double r;              /* rotations within L: L/λ */
    double ramp;           /* γ in [0,1]: 1 = original frequency kept, 0 = θ/s (see rope_pair_gamma) */
    rope_regime regime;
    double factor;         /* θ'/θ */
} rope_pair;

typedef struct rope_table {
    rope_method method;
    rope_flavor flavor;
    int    rot_dim;        /* rotary dimensions = 2·n_pairs */
    int    n_pairs;
    double scale;          /* the s in effect (dynamic methods: as resolved from seq_len) */
    double base_scaled;    /* the base in effect (NTK methods: b'; others: b) */
    double magnitude;      /* multiplier on cos and sin (so on q and k) */
    double logit_mult;     /* magnitude² — what q·k is multiplied by */
    int    has_corr;       /* the YaRN-family correction range below is meaningful */
    double corr_low_raw, corr_high_raw; /* d(β_fast), d(β_slow) before rounding and clamping */
    double corr_low, corr_high;         /* after rounding, clamping and guards: the ramp's ends */
    int    long_factors;   /* LongRoPE: 1 when the long list is in use */
    rope_pair pair[ROPE_MAX_PAIRS]; /* [n_pairs] */
} rope_table;

/* --- parameters ------------------------------------------------------------------------- */

/* Plain RoPE over the embedded model's geometry: head_dim 64, base 10000, L 512, s 1,
 * β 32/1, truncate on, Llama-3 factors 1/4, HF flavor. */
void rope_params_init(rope_params *p);

/* Checks every field the method reads; -1 with a message naming the parameter otherwise. */
int rope_params_validate(const rope_params *p, rope_error *err);

/* rotary dimension head_dim·partial_rotary (what HF computes: int(head_dim·factor)). */
int rope_params_rot_dim(const rope_params *p);

/* --- the method table ---------------------------------------------------------------------- */

/* Which rope_params fields a method reads (for the UI's focus list, exports and lint). */
enum {
    ROPE_USES_FACTOR   = 1u << 0,
    ROPE_USES_BETAS    = 1u << 1,
    ROPE_USES_TRUNCATE = 1u << 2,
    ROPE_USES_MSCALE   = 1u << 3, /* mscale, mscale_all_dim, attention_factor */
    ROPE_USES_LLAMA3   = 1u << 4,
    ROPE_USES_LISTS    = 1u << 5,
    ROPE_USES_SEQ_LEN  = 1u << 6,
    ROPE_USES_MAX_POS  = 1u << 7,
    ROPE_USES_ORIG_CTX = 1u << 8  /* original_max_position_embeddings, when a config gives it */
};

/* Which family a method belongs to: methods of one family share their formulas and their keys. */
typedef enum rope_family {
    ROPE_FAMILY_PLAIN,    /* none */
    ROPE_FAMILY_LINEAR,   /* linear (Position Interpolation) */
    ROPE_FAMILY_NTK,      /* ntk, dynamic: a larger base */
    ROPE_FAMILY_YARN,     /* ntk-parts, yarn, dynamic-yarn: the ramp between d(beta_fast) and d(beta_slow) */
    ROPE_FAMILY_LLAMA3,   /* llama3: wavelength bands */
    ROPE_FAMILY_LONGROPE  /* longrope: per-pair factor lists */
} rope_family;

/* YaRN's β defaults (the paper's β = 32 and α = 1); HF turns a written 0 into them. */
#define ROPE_BETA_FAST_DEFAULT 32.0
#define ROPE_BETA_SLOW_DEFAULT 1.0

typedef struct rope_method_info {
    rope_method id;
    const char *name;   /* CLI / JSON spelling, e.g. "yarn" */
    const char *title;  /* one line for people */
    unsigned    uses;   /* ROPE_USES_* */
    rope_family family;
    /* Fills t->pair[i].theta_scaled, .inv_freq_f32, .ramp and t's scale, base_scaled, magnitude and
     * corr fields; rope_table_compute has already set rot_dim, n_pairs and every .theta. */
    void (*fill)(const rope_params *p, rope_table *t);
} rope_method_info;

const rope_method_info *rope_method_get(rope_method m);           /* NULL if out of range */
int rope_method_is_yarn(rope_method m);  /* 1 for the YaRN family (ntk-parts, yarn, dynamic-yarn) */
/* The β in effect: the written value, or its default when it is 0 (HF: get("beta_fast") or 32). */
double rope_beta_fast(const rope_params *p);
double rope_beta_slow(const rope_params *p);
int rope_method_from_name(const char *name, rope_method *out);     /* accepts HF spellings too */
const char *rope_flavor_name(rope_flavor f);
int rope_flavor_from_name(const char *name, rope_flavor *out);
const char *rope_regime_name(rope_regime r);

/* The regime the table's method puts pair i in — the one rule every panel, table and status line
 * shows (rope_table_fill stores it in pair[i].regime): a pair the method leaves at its original
 * frequency (θ'/θ = 1 to 1e-9, e.g. every pair at s = 1, or llama3's short wavelengths) is
 * EXTRAPOLATE ("kept"); otherwise γ decides: 1 kept, 0 fully interpolated, between blended. */
rope_regime rope_pair_regime(const rope_table *t, int i);

/* Runs of equal regime over the pairs, in order: out[k] covers pairs first..last. Returns how many
 * runs there are (at most max are written). */
typedef struct rope_regime_run {
    rope_regime regime;
    int first, last;
} rope_regime_run;
int rope_regime_runs(const rope_table *t, rope_regime_run *out /* [max] */, int max);

/* --- the table ------------------------------------------------------------------------------- */

/* Validates p, then fills t. */
int rope_table_compute(const rope_params *p, rope_table *t, rope_error *err);

/* rope_table_compute without the validation, for params that already passed the rest of it (the last
 * step of rope_params_validate): -1 when the table is not finite (e.g. beta_fast 1e-308, mscale 1e308). */
int rope_table_fill(const rope_params *p, rope_table *t, rope_error *err);

/* --- helpers shared by the methods, exposed because panels and tests plot them ------------- */

double rope_mscale(double s, double m);            /* get_mscale: 1 if s <= 1 else 0.1·m·ln s + 1 */
double rope_corr_dim(int rot_dim, double base, double L, double rotations); /* d(n), float64 */
float  rope_corr_dim_f32(int rot_dim, float base, float L, float rotations); /* ggml's float32 form */
double rope_ramp_paper(double r, double alpha, double beta); /* YaRN Eq.18 γ(r), continuous in r */
double rope_ntk_base(double base, double s, int rot_dim);    /* b·s^(d/(d-2)) */
/* The softmax-scale multiplier a DeepSeek-style model adds on top of magnitude² (every engine:
 * get_mscale(s, mscale_all_dim)² when p->deepseek and YaRN is active, else 1). */
double rope_softmax_mult(const rope_params *p);

/* --- phases ----------------------------------------------------------------------------------- */

/* Angle of pair i at position pos, p·θ'_i in double, unwrapped (radians). */
double rope_phase(const rope_table *t, int i, double pos);
/* The same angle wrapped to [0, 2π). */
double rope_phase_wrapped(const rope_table *t, int i, double pos);
/* The angle a float32 kernel of this flavor computes at pos (HF: fp32 inv_freq × fp32 position;
 * llama.cpp CPU: fp32 position times theta_scale^i by repeated fp32 multiplies), minus the exact
 * double angle, in radians. */
double rope_phase_f32_error(const rope_table *t, int i, double pos);

/* --- score curves -------------------------------------------------------------------------------- */

typedef enum rope_score_kind {
    ROPE_SCORE_ONES,        /* s(Δ) = mag²·Σ_i cos(Δθ'_i): q = k = 1 in every pair (RoFormer) */
    ROPE_SCORE_BOUND,       /* mag²·(1/(d/2))·Σ_j |S_j|, S_j = Σ_{i<j} e^{iΔθ'_i}: RoFormer's bound */
    ROPE_SCORE_RANDOM_MEAN, /* E[s] for q = k ~ N(0, I): mag²·Σ_i 2·cos(Δθ'_i) */
    ROPE_SCORE_RANDOM_STD   /* its standard deviation: mag²·sqrt(Σ_i 4·cos²(Δθ'_i)) */
} rope_score_kind;

typedef struct rope_grid {
    double lo, hi;   /* distances Δ in tokens; a log grid needs lo > 0 */
    int    n;        /* points, >= 2 */
    int    log;      /* 1 = log-spaced, 0 = linear */
} rope_grid;

int    rope_grid_check(const rope_grid *g, rope_error *err);
double rope_grid_at(const rope_grid *g, int k);            /* the k-th Δ */

/* out[g->n]. A linear grid advances every pair by one complex rotation per point (exact to
 * ~1e-12); a log grid evaluates each point directly. */
int rope_score_curve(const rope_table *t, rope_score_kind kind, const rope_grid *g,
                     double *out, rope_error *err);
/* Points k0..k1-1 of the same curve into out[k1 - k0], bit for bit what rope_score_curve gives when
 * k0 is a multiple of ROPE_SCORE_RESYNC (a long curve in slices, e.g. to report progress). */
#define ROPE_SCORE_RESYNC 256
int rope_score_curve_range(const rope_table *t, rope_score_kind kind, const rope_grid *g, int k0, int k1,
                           double *out, rope_error *err);

/* Caller-supplied q and k (adjacent pairs, [rot_dim] each):
 * out[k] = mag²·Σ_i Re(q_i·conj(k_i)·e^{iΔ_k θ'_i}) — the RoPE'd q·k at distance Δ_k. */
int rope_score_qk(const rope_table *t, const double *q, const double *k, const rope_grid *g,
                  double *out, rope_error *err);

#endif
