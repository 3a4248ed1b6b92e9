/* tests/unit/test_rope_methods.c — every method against values derived independently of the code:
 * the published constants and correction ranges of the YaRN paper (arXiv 2309.00071) and
 * transformers' modeling_rope_utils.py, closed forms recomputed here from the papers' formulas, and flavor differences. */
#include <math.h>
#include <stdlib.h>
#include "check.h"
#include "rope.h"

static rope_table T; /* large: keep it off the stack */

static void geom(rope_params *p, int d, double base, int L, double s)
{
    rope_params_init(p);
    p->head_dim = d;
    p->base = base;
    p->orig_ctx = p->max_pos = L;
    p->factor = s;
}

static void compute(const rope_params *p)
{
    rope_error e;
    int rc = rope_table_compute(p, &T, &e);
    CHECK(rc == 0);
    if (rc)
        fprintf(stderr, "  %s\n", e.msg);
}

/* Published correction ranges (transformers _compute_yarn_parameters; YaRN paper Eq. 17-20). */
static void test_correction_ranges(void)
{
    static const struct { int d; double b; int L; double bf, bs, raw_lo, raw_hi; int lo, hi; } cases[] = {
        { 128, 1e4, 4096, 32, 1, 20.94, 45.03, 20, 46 },   /* Llama-2 */
        { 128, 1e4, 4096, 16, 2, NAN, NAN, 25, 41 },
        { 128, 1e6, 32768, 32, 1, NAN, NAN, 23, 40 },      /* Qwen2.5 */
        { 64, 1e4, 4096, 32, 1, NAN, NAN, 10, 23 },        /* DeepSeek-V3 rope part */
        { 64, 150000, 4096, 32, 1, 8.093, 17.398, 8, 18 }, /* gpt-oss, truncated */
        { 64, 1e4, 256, 32, 1, NAN, NAN, 0, 13 },          /* tiny */
        { 128, 1e4, 2048, 32, 1, NAN, NAN, 16, 41 },       /* Llama 1 */
        { 64, 1e4, 1024, 32, 1, NAN, NAN, 5, 18 },
        { 32, 1e4, 128, 32, 1, -0.78, NAN, 0, 6 },
    };
    rope_params p;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        geom(&p, cases[k].d, cases[k].b, cases[k].L, 8);
        p.method = ROPE_YARN;
        p.beta_fast = cases[k].bf;
        p.beta_slow = cases[k].bs;
        for (int fl = 0; fl < ROPE_FLAVOR_COUNT; fl++) {
            p.flavor = (rope_flavor)fl;
            compute(&p);
            CHECK(T.has_corr);
            if (!isnan(cases[k].raw_lo))
                CHECK_NEAR(T.corr_low_raw, cases[k].raw_lo, 0.005);
            if (!isnan(cases[k].raw_hi))
                CHECK_NEAR(T.corr_high_raw, cases[k].raw_hi, 0.005);
            CHECK_NEAR(T.corr_low, cases[k].lo, 0);
            CHECK_NEAR(T.corr_high, cases[k].hi, 0);
        }
    }
}

/* Llama-2 YaRN 8x: pairs 0-20 keep θ, 21-45 blend, 46-63 get θ/8; γ linear in the index between. */
static void test_yarn_llama2(void)
{
    rope_params p;
    geom(&p, 128, 1e4, 4096, 8);
    p.method = ROPE_YARN;
    compute(&p);
    CHECK_INT(T.n_pairs, 64);
    for (int i = 0; i < 64; i++) {
        double th = pow(1e4, -2.0 * i / 128.0);
        double g = i <= 20 ? 1.0 : (i >= 46 ? 0.0 : 1.0 - (i - 20) / 26.0);
        CHECK_REL(T.pair[i].theta, th, 1e-14);
        CHECK_NEAR(T.pair[i].ramp, g, 1e-12);
        CHECK_REL(T.pair[i].theta_scaled, th * (g + (1 - g) / 8.0), 1e-12);
        CHECK_INT(T.pair[i].regime, i <= 20 ? ROPE_REGIME_EXTRAPOLATE
                                   : (i >= 46 ? ROPE_REGIME_INTERPOLATE : ROPE_REGIME_BLEND));
        CHECK_REL(T.pair[i].lambda, 2 * M_PI / th, 1e-14);
        CHECK_REL(T.pair[i].r, 4096.0 * th / (2 * M_PI), 1e-12);
    }
    /* YaRN Eq.22: sqrt(1/t) = 0.1 ln s + 1; s = 8 gives 1.2079 (paper), logits x 1.459 */
    CHECK_NEAR(T.magnitude, 1.2079, 5e-5);
    CHECK_NEAR(T.logit_mult, 1.459, 5e-4);

    p.method = ROPE_NTK_PARTS; /* same frequencies, no temperature */
    compute(&p);
    CHECK_NEAR(T.magnitude, 1.0, 0);
    CHECK_REL(T.pair[30].theta_scaled, pow(1e4, -60.0 / 128) * ((1 - 10 / 26.0) + (10 / 26.0) / 8), 1e-12);
}

static void test_mscale_table(void)
{
    static const double s[] = { 2, 4, 8, 16, 32, 64 };
    static const double m[] = { 1.069, 1.139, 1.208, 1.277, 1.347, 1.416 };
    static const double lm[] = { 1.143, 1.297, 1.459, 1.631, 1.813, 2.005 };
    for (int k = 0; k < 6; k++) {
        CHECK_NEAR(rope_mscale(s[k], 1.0), m[k], 6e-4);
        CHECK_NEAR(rope_mscale(s[k], 1.0) * rope_mscale(s[k], 1.0), lm[k], 6e-4);
    }
    CHECK_NEAR(rope_mscale(1.0, 1.0), 1.0, 0);
    CHECK_NEAR(rope_mscale(0.5, 1.0), 1.0, 0);
}

/* NTK-aware base for b = 1e4, d = 128 (YaRN's "NTK θ = 20k" row and its s = 4, 8 siblings). */
static void test_ntk(void)
{
    CHECK_NEAR(rope_ntk_base(1e4, 2, 128), 20221, 0.5);
    CHECK_NEAR(rope_ntk_base(1e4, 4, 128), 40890, 0.5);
    CHECK_NEAR(rope_ntk_base(1e4, 8, 128), 82685, 0.5);
    rope_params p;
    geom(&p, 128, 1e4, 4096, 2);
    p.method = ROPE_NTK;
    compute(&p);
    double b2 = 1e4 * pow(2.0, 128.0 / 126.0);
    for (int i = 0; i < 64; i++)
        CHECK_REL(T.pair[i].theta_scaled, pow(b2, -2.0 * i / 128), 1e-13);
    CHECK_NEAR(T.pair[0].factor, 1.0, 1e-15);   /* the fastest pair is untouched */
    CHECK_REL(T.pair[63].factor, 0.5, 1e-12);   /* the slowest pair gets exactly θ/s */
    CHECK_NEAR(T.magnitude, 1.0, 0);
}

/* Dynamic NTK, HF: L = max_position_embeddings; Llama-2 s = 8 at 8192 → 10000·9^(64/63),
 * at 32768 → 10000·57^(64/63); below L (or at start-up) the base is unchanged. */
static void test_dynamic(void)
{
    rope_params p;
    geom(&p, 128, 1e4, 4096, 8);
    p.method = ROPE_DYNAMIC;
    compute(&p);
    CHECK_NEAR(T.base_scaled, 1e4, 1e-9);
    p.seq_len = 4000;
    compute(&p);
    CHECK_NEAR(T.base_scaled, 1e4, 1e-9);
    p.seq_len = 8192;
    compute(&p);
    CHECK_REL(T.base_scaled, 1e4 * pow(9.0, 64.0 / 63.0), 1e-13);
    p.seq_len = 32768;
    compute(&p);
    CHECK_REL(T.base_scaled, 1e4 * pow(57.0, 64.0 / 63.0), 1e-13);
    CHECK_REL(T.pair[10].theta_scaled, pow(1e4 * pow(57.0, 64.0 / 63.0), -20.0 / 128), 1e-13);
    /* HF uses max_position_embeddings, not the original context */
    p.orig_ctx = 1024;
    compute(&p);
    CHECK_REL(T.base_scaled, 1e4 * pow(57.0, 64.0 / 63.0), 1e-13);
}

static void test_linear(void)
{
    rope_params p;
    geom(&p, 64, 1e4, 512, 4);
    p.method = ROPE_LINEAR;
    compute(&p);
    for (int i = 0; i < 32; i++) {
        CHECK_REL(T.pair[i].factor, 0.25, 1e-15);
        CHECK_REL(T.pair[i].lambda_scaled, 4 * 2 * M_PI * pow(1e4, 2.0 * i / 64), 1e-12);
        CHECK_INT(T.pair[i].regime, ROPE_REGIME_INTERPOLATE);
    }
    p.method = ROPE_NONE;
    compute(&p);
    for (int i = 0; i < 32; i++) {
        CHECK_NEAR(T.pair[i].factor, 1.0, 0);
        CHECK_INT(T.pair[i].regime, ROPE_REGIME_EXTRAPOLATE);
    }
}

/* Dynamic YaRN: s = max(1, l/L); at 4L it equals static YaRN at s = 4, magnitude included. */
static void test_dynamic_yarn(void)
{
    rope_params p;
    geom(&p, 128, 1e4, 4096, 8);
    p.method = ROPE_DYNAMIC_YARN;
    compute(&p);
    CHECK_NEAR(T.scale, 1.0, 0);
    CHECK_NEAR(T.magnitude, 1.0, 0);
    for (int i = 0; i < 64; i++)
        CHECK_REL(T.pair[i].theta_scaled, T.pair[i].theta, 1e-15);
    p.seq_len = 4 * 4096;
    compute(&p);
    CHECK_NEAR(T.scale, 4.0, 0);
    CHECK_NEAR(T.magnitude, 0.1 * log(4.0) + 1, 1e-15);
    CHECK_REL(T.pair[63].theta_scaled, pow(1e4, -126.0 / 128) / 4, 1e-12);
}

/* Llama 3.1: L 8192, b 500000, s 8, low 1, high 4: λ < 2048 kept, λ > 8192 divided by 8,
 * between: (1−k)θ/8 + kθ with k = (L/λ − 1)/(4 − 1). */
static void test_llama3(void)
{
    rope_params p;
    geom(&p, 128, 500000, 8192, 8);
    p.method = ROPE_LLAMA3;
    compute(&p);
    int kept = 0, divided = 0, blended = 0;
    for (int i = 0; i < 64; i++) {
        double th = pow(500000.0, -2.0 * i / 128), lam = 2 * M_PI / th, want;
        if (lam < 2048) { want = th; kept++; }
        else if (lam > 8192) { want = th / 8; divided++; }
        else { double k = (8192 / lam - 1) / 3; want = (1 - k) * th / 8 + k * th; blended++; }
        CHECK_REL(T.pair[i].theta_scaled, want, 1e-12);
    }
    CHECK(kept > 0 && divided > 0 && blended > 0);
    CHECK_NEAR(T.magnitude, 1.0, 0);
}

/* LongRoPE: θ/ext_i, short list up to L, long past it; magnitude sqrt(1 + ln s / ln L):
 * Phi-3-mini-128k (s = 131072/4096 = 32, L = 4096) gives 1.190238. */
static void test_longrope(void)
{
    rope_params p;
    geom(&p, 96, 1e4, 4096, 32);
    p.max_pos = 131072;
    p.method = ROPE_LONGROPE;
    p.n_factors = 48;
    for (int i = 0; i < 48; i++) {
        p.short_factor[i] = 1.0 + 0.01 * i;
        p.long_factor[i] = 1.0 + 0.5 * i;
    }
    compute(&p);
    CHECK(!T.long_factors);
    CHECK_NEAR(T.magnitude, 1.190238, 1e-6);
    for (int i = 0; i < 48; i++)
        CHECK_REL(T.pair[i].theta_scaled, pow(1e4, -2.0 * i / 96) / (1.0 + 0.01 * i), 1e-13);
    p.seq_len = 4096;   /* exactly L: still short */
    compute(&p);
    CHECK(!T.long_factors);
    p.seq_len = 4097;
    compute(&p);
    CHECK(T.long_factors);
    CHECK_REL(T.pair[47].theta_scaled, pow(1e4, -94.0 / 96) / (1.0 + 0.5 * 47), 1e-13);
    p.has_attention_factor = 1;
    p.attention_factor = 1.25;
    compute(&p);
    CHECK_NEAR(T.magnitude, 1.25, 0);
}

/* YaRN magnitude resolution (HF): attention_factor verbatim; mscale and mscale_all_dim both set ⇒
 * their ratio (1 for DeepSeek-V3's 1.0/1.0); only one set ⇒ 0.1 ln s + 1. */
static void test_magnitude_keys(void)
{
    rope_params p;
    geom(&p, 64, 1e4, 4096, 40);
    p.method = ROPE_YARN;
    p.mscale = 1.0;
    p.mscale_all_dim = 1.0;
    compute(&p);
    CHECK_NEAR(T.magnitude, 1.0, 1e-15);
    p.mscale = 0.707;
    compute(&p);
    CHECK_REL(T.magnitude, (0.0707 * log(40.0) + 1) / (0.1 * log(40.0) + 1), 1e-14);
    p.mscale = 0.0;
    compute(&p);
    CHECK_REL(T.magnitude, 0.1 * log(40.0) + 1, 1e-14);
    p.has_attention_factor = 1;
    p.attention_factor = 1.485;
    compute(&p);
    CHECK_NEAR(T.magnitude, 1.485, 0); /* verbatim, never multiplied (pain #9) */
    p.flavor = ROPE_FLAVOR_LLAMACPP;  /* llama.cpp overwrites it with the recomputed value */
    compute(&p);
    CHECK_NEAR(T.magnitude, 0.1 * log(40.0) + 1, 1e-6);
}

/* hf vs llamacpp (ggml src/ggml.c ggml_rope_yarn_corr_dims vs transformers): gpt-oss truncate:false differs at pairs 9…17 by up to
 * 76 % (pair 17); β = 0 is the default in HF but literal in llama.cpp; the float32 iterated θ. */
static void test_flavors(void)
{
    rope_params p;
    static rope_table hf;
    geom(&p, 64, 150000, 4096, 32);
    p.method = ROPE_YARN;
    p.truncate = 0;
    compute(&p);
    hf = T;
    CHECK_NEAR(hf.corr_low, 8.093, 0.0005);
    CHECK_NEAR(hf.corr_high, 17.398, 0.0005);
    p.flavor = ROPE_FLAVOR_LLAMACPP;
    compute(&p);
    CHECK_NEAR(T.corr_low, 8, 0);
    CHECK_NEAR(T.corr_high, 18, 0);
    for (int i = 0; i < 32; i++) {
        double rel = fabs(T.pair[i].theta_scaled - hf.pair[i].theta_scaled) / hf.pair[i].theta_scaled;
        if (i >= 9 && i <= 17)
            CHECK(rel > 1e-3);
        else
            CHECK(rel < 1e-5);
    }
    /* pair 17: HF γ = 1 − (17 − 8.093)/(17.398 − 8.093), llama.cpp γ = 0.1 */
    double g = 1 - (17 - hf.corr_low) / (hf.corr_high - hf.corr_low);
    CHECK_REL(hf.pair[17].theta_scaled, hf.pair[17].theta * (g + (1 - g) / 32), 1e-12);
    CHECK_NEAR(T.pair[17].ramp, 0.1, 1e-6);
    CHECK_NEAR(T.pair[17].theta_scaled / hf.pair[17].theta_scaled - 1, 0.76, 0.01);

    geom(&p, 128, 1e4, 4096, 8);
    p.method = ROPE_YARN;
    p.beta_fast = 0;
    compute(&p);
    CHECK_NEAR(T.corr_low, 20, 0); /* HF: 0 → 32 */
    p.flavor = ROPE_FLAVOR_LLAMACPP;
    compute(&p);
    CHECK(isinf(T.corr_low_raw)); /* d(0) = +inf: every pair extrapolated */
    for (int i = 0; i < 64; i++)
        CHECK_NEAR(T.pair[i].ramp, 1.0, 0);

    /* beta_fast < beta_slow: llama.cpp's MAX(0.001, high − low) guard vs HF's plain division */
    p.beta_fast = 1;
    p.beta_slow = 32;
    compute(&p);
    for (int i = 0; i < 64; i++)
        CHECK(T.pair[i].ramp == 1.0 || T.pair[i].ramp == 0.0);
    p.flavor = ROPE_FLAVOR_HF;
    compute(&p);
    CHECK_NEAR(T.corr_low, 45, 0); /* floor(d(1) = 45.03) */
    CHECK_NEAR(T.corr_high, 21, 0); /* ceil(d(32) = 20.94) */

    /* float32 θ: HF (pow per pair) within 1e-6 relative; ggml's iterated product drifts further */
    geom(&p, 128, 1e4, 4096, 1);
    double worst_hf = 0, worst_cpp = 0;
    for (int fl = 0; fl < 2; fl++) {
        p.flavor = (rope_flavor)fl;
        compute(&p);
        for (int i = 0; i < 64; i++) {
            double rel = fabs(T.pair[i].inv_freq_f32 - T.pair[i].theta) / T.pair[i].theta;
            if (fl == 0 && rel > worst_hf) worst_hf = rel;
            if (fl == 1 && rel > worst_cpp) worst_cpp = rel;
        }
    }
    CHECK(worst_hf < 1e-6);
    CHECK(worst_cpp > worst_hf && worst_cpp > 1e-6 && worst_cpp < 2e-5);
}

static void test_partial_rotary(void)
{
    rope_params p;
    geom(&p, 128, 1e4, 4096, 1);
    p.partial_rotary = 0.5;
    compute(&p);
    CHECK_INT(T.rot_dim, 64);
    CHECK_INT(T.n_pairs, 32);
    CHECK_REL(T.pair[1].theta, pow(1e4, -2.0 / 64), 1e-14);
}

static void test_paper_ramp(void)
{
    CHECK_NEAR(rope_ramp_paper(0.5, 1, 32), 0, 0);
    CHECK_NEAR(rope_ramp_paper(40, 1, 32), 1, 0);
    CHECK_NEAR(rope_ramp_paper(16.5, 1, 32), 0.5, 1e-15);
}

static void expect_invalid(const rope_params *p, const char *word)
{
    rope_error e = { { 0 } };
    CHECK(rope_table_compute(p, &T, &e) == -1);
    CHECK_HAS(e.msg, word);
}

static void test_invalid(void)
{
    rope_params p;
    geom(&p, 63, 1e4, 4096, 2); expect_invalid(&p, "head_dim");
    geom(&p, 0, 1e4, 4096, 2); expect_invalid(&p, "head_dim");
    geom(&p, 64, 1e4, 4096, 0.5); expect_invalid(&p, "factor");
    geom(&p, 64, NAN, 4096, 2); expect_invalid(&p, "base");
    geom(&p, 64, -10, 4096, 2); expect_invalid(&p, "base");
    geom(&p, 64, INFINITY, 4096, 2); expect_invalid(&p, "base");
    geom(&p, 64, 1e4, 0, 2); expect_invalid(&p, "original context");
    geom(&p, 64, 1e4, 4096, NAN); expect_invalid(&p, "factor");
    geom(&p, 64, 1e4, 4096, 2); p.partial_rotary = 0.3; expect_invalid(&p, "rotary");
    geom(&p, 64, 1e4, 4096, 2); p.beta_fast = -1; expect_invalid(&p, "beta");
    geom(&p, 64, 1e4, 4096, 2); p.method = ROPE_LLAMA3; p.low_freq_factor = 5; expect_invalid(&p, "low_freq"); /* low > high 4 */
    geom(&p, 64, 1e4, 4096, 2); p.method = ROPE_LONGROPE; expect_invalid(&p, "longrope");
    geom(&p, 64, 1e4, 4096, 2); p.method = ROPE_LONGROPE; p.n_factors = 31; expect_invalid(&p, "32");
    geom(&p, 64, 1e4, 4096, 2); p.has_attention_factor = 1; p.attention_factor = 0; expect_invalid(&p, "attention_factor");
    geom(&p, 64, 1e4, 4096, 2); p.method = (rope_method)99; expect_invalid(&p, "method");
}

static void test_names(void)
{
    rope_method m;
    for (int k = 0; k < ROPE_METHOD_COUNT; k++) {
        CHECK(rope_method_from_name(rope_method_get(k)->name, &m) == 0);
        CHECK_INT(m, k);
        CHECK(rope_method_get(k)->fill != NULL);
    }
    CHECK(rope_method_from_name("default", &m) == 0 && m == ROPE_NONE);
    CHECK(rope_method_from_name("su", &m) == 0 && m == ROPE_LONGROPE);
    CHECK(rope_method_from_name("dynamic_yarn", &m) == 0 && m == ROPE_DYNAMIC_YARN);
    CHECK(rope_method_from_name("yarnn", &m) == -1);
    CHECK(rope_method_from_name("", &m) == -1);
    CHECK(rope_method_get(ROPE_METHOD_COUNT) == NULL);
}

int main(void)
{
    test_correction_ranges();
    test_yarn_llama2();
    test_mscale_table();
    test_ntk();
    test_dynamic();
    test_linear();
    test_dynamic_yarn();
    test_llama3();
    test_longrope();
    test_magnitude_keys();
    test_flavors();
    test_partial_rotary();
    test_paper_ramp();
    test_invalid();
    test_names();
    return check_done("test_rope_methods");
}
