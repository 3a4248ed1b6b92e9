/* tests/unit/test_parity.c — rope_parity: each engine's key mapping and the comparison, against closed
 * forms (get_mscale, the YaRN correction dimension, Llama 3's bands) and the published configs: the
 * magnitudes and softmax factors per engine, where the engines agree, the causes named, the status line,
 * contradictory configs refused, and the engine lint rules. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "rope_parity.h"

static rope_config cfg;
static rope_parity pr;              /* big: static */
static rope_lint_item items[64];

static double mscale(double s, double m) { return s <= 1.0 ? 1.0 : 0.1 * m * log(s) + 1.0; }

static void load(const char *name)
{
    rope_error err;
    CHECK(rope_preset_load(name, &cfg, &err) == 0);
    CHECK(rope_parity_check(&cfg, 0, &pr, &err) == 0);
}

static void parse(const char *json)
{
    rope_error err = { "" };
    if (rope_config_parse(json, strlen(json), "test", &cfg, &err))
        fprintf(stderr, "parse: %s\n", err.msg);
    CHECK(rope_parity_check(&cfg, 0, &pr, &err) == 0);
}

/* Ministral 3: a factor-16 YaRN with mscale = mscale_all_dim = 1 — transformers and today's vLLM 1.0,
 * llama.cpp 0.1 ln 16 + 1 = 1.2773, vLLM before the fix the same (a dated note). */
static void test_ministral(void)
{
    load("ministral-3-8b");
    CHECK_NEAR(pr.eng[ROPE_FLAVOR_HF].table.magnitude, 1.0, 1e-12);
    CHECK_NEAR(pr.eng[ROPE_FLAVOR_VLLM].table.magnitude, 1.0, 1e-12);
    CHECK_NEAR(pr.eng[ROPE_FLAVOR_LLAMACPP].table.magnitude, mscale(16, 1), 1e-6);
    CHECK(!pr.agree);
    CHECK_INT(pr.n_diffs, 1);
    CHECK_INT(pr.diff[0].engine, ROPE_FLAVOR_LLAMACPP);
    CHECK_INT(pr.diff[0].what, ROPE_DIFF_MAGNITUDE);
    CHECK_HAS(pr.diff[0].line, "recomputes the magnitude");
    char st[128];
    rope_parity_status(&pr, st, sizeof st);
    CHECK_STR(st, "llamacpp != hf: magnitude 1.28 vs 1.00");
    int dated = 0, unmodelled = 0;
    for (int k = 0; k < pr.n_notes; k++) {
        dated += strstr(pr.note[k], "vllm-project/vllm#48621") != NULL && strstr(pr.note[k], "1.2773") != NULL;
        unmodelled += strstr(pr.note[k], "llama_4_scaling_beta=0.1") != NULL;
    }
    CHECK_INT(dated, 1);
    CHECK_INT(unmodelled, 1);
    /* keys: llama.cpp ignores the mscale pair, vLLM reads it */
    CHECK_HAS(pr.eng[ROPE_FLAVOR_LLAMACPP].keys_ignored, "mscale_all_dim");
    CHECK_HAS(pr.eng[ROPE_FLAVOR_VLLM].keys_read, "mscale_all_dim");
}

/* Kimi K2 (DeepSeek-V3 MLA): cos/sin 1 everywhere, softmax x get_mscale(64, 1)^2, the β = 1/1 band
 * [floor(d(1)), ceil(d(1))] with d(n) = d ln(L/(2πn)) / (2 ln b). */
static void test_kimi(void)
{
    load("kimi-k2");
    CHECK(cfg.params.deepseek);
    double d1 = 64.0 * log(4096.0 / (2.0 * M_PI)) / (2.0 * log(50000.0));
    for (int f = 0; f < ROPE_FLAVOR_COUNT; f++) {
        CHECK(pr.eng[f].ok);
        CHECK_NEAR(pr.eng[f].table.magnitude, 1.0, 1e-12);
        CHECK_NEAR(pr.eng[f].softmax_mult, pow(mscale(64, 1), 2), 1e-12);
        CHECK_NEAR(pr.eng[f].logit_mult, pow(mscale(64, 1), 2), 1e-12);
        CHECK_NEAR(pr.eng[f].table.corr_low, floor(d1), 0);
        CHECK_NEAR(pr.eng[f].table.corr_high, ceil(d1), 0);
    }
    CHECK(pr.agree);
    CHECK_HAS(pr.eng[ROPE_FLAVOR_VLLM].runs, "DeepseekScaling");
}

/* Llama 4 Scout: llama3 with low = high = 1 has no blend band: θ/16 where λ > 8192, θ elsewhere. */
static void test_llama4(void)
{
    load("llama-4-scout");
    const rope_table *t = &pr.eng[ROPE_FLAVOR_HF].table;
    CHECK_INT(t->n_pairs, 64);
    for (int i = 0; i < 64; i++) {
        double th = pow(500000.0, -2.0 * i / 128.0), lambda = 2.0 * M_PI / th;
        CHECK_REL(t->pair[i].theta_scaled, lambda > 8192.0 ? th / 16.0 : th, 1e-12);
    }
    CHECK(pr.agree);
    int found = 0;
    for (int k = 0; k < pr.n_notes; k++)
        found += strstr(pr.note[k], "no_rope_layers[48: 12 NoPE]") != NULL;
    CHECK_INT(found, 1);
}

/* dynamic NTK: vLLM's one base b (no max_trained_positions) or b*(s*M/T - (s-1))^(d/(d-2)) with it;
 * llama.cpp none; transformers b*(s*l/L - (s-1))^(d/(d-2)) at the served length l = L*s. */
static void test_dynamic(void)
{
    parse("{\"head_dim\": 64, \"max_position_embeddings\": 2048, \"rope_theta\": 10000,"
          " \"rope_scaling\": {\"rope_type\": \"dynamic\", \"factor\": 4.0}}");
    CHECK_INT(pr.served, 8192);
    CHECK_INT(pr.prompt, 2048);
    double e = 64.0 / 62.0;
    CHECK_REL(pr.eng[ROPE_FLAVOR_HF].table.base_scaled, 1e4 * pow(4.0 * 4.0 - 3.0, e), 1e-12);
    CHECK_REL(pr.eng[ROPE_FLAVOR_HF].table_short.base_scaled, 1e4, 1e-12);
    CHECK_REL(pr.eng[ROPE_FLAVOR_VLLM].table.base_scaled, 1e4, 1e-12);
    CHECK_INT(pr.eng[ROPE_FLAVOR_LLAMACPP].params.method, ROPE_NONE);
    CHECK(pr.eng[ROPE_FLAVOR_HF].length_dependent);
    CHECK(!pr.agree);
    CHECK_INT(pr.n_diffs, 2); /* vllm and llama.cpp at the served length; equal at L */
    CHECK_HAS(pr.diff[0].line, "vLLM builds dynamic NTK once");
    CHECK_HAS(pr.diff[1].line, "llama.cpp has no dynamic NTK");
    CHECK_HAS(pr.eng[ROPE_FLAVOR_LLAMACPP].keys_ignored, "factor");

    parse("{\"head_dim\": 64, \"max_position_embeddings\": 8192, \"max_trained_positions\": 2048,"
          " \"rope_theta\": 1000, \"rope_scaling\": {\"rope_type\": \"dynamic\", \"factor\": 2.0}}");
    CHECK_REL(pr.eng[ROPE_FLAVOR_VLLM].table.base_scaled, 1000.0 * pow(2.0 * 8192 / 2048 - 1.0, e), 1e-12);
    CHECK_HAS(pr.eng[ROPE_FLAVOR_VLLM].keys_read, "max_trained_positions");
    CHECK_HAS(pr.eng[ROPE_FLAVOR_HF].keys_ignored, "max_trained_positions");
}

/* LongRoPE: vLLM and llama.cpp take the long list for every prompt when the served length exceeds L,
 * and sqrt(1 + ln(max_pos/L)/ln L) as the magnitude whatever factor says. */
static void test_longrope(void)
{
    load("phi-3-mini-128k");
    CHECK(pr.eng[ROPE_FLAVOR_VLLM].table.long_factors);
    CHECK(pr.eng[ROPE_FLAVOR_VLLM].table_short.long_factors);
    CHECK(!pr.eng[ROPE_FLAVOR_HF].table_short.long_factors);
    CHECK(pr.eng[ROPE_FLAVOR_HF].table.long_factors);
    CHECK_NEAR(pr.eng[ROPE_FLAVOR_VLLM].table.magnitude, sqrt(1.0 + log(32.0) / log(4096.0)), 1e-12);
    CHECK(!pr.agree);
    for (int k = 0; k < pr.n_diffs; k++) {
        CHECK(pr.diff[k].at_short);
        CHECK_HAS(pr.diff[k].line, "long factors once");
    }
    rope_error err;
    CHECK(rope_parity_check(&cfg, 4096, &pr, &err) == 0); /* served at L: short lists everywhere */
    CHECK(pr.agree);
}

static void test_refusals(void)
{
    rope_error err = { "" };
    const char *contra = "{\"head_dim\": 64, \"max_position_embeddings\": 4096, \"rope_scaling\":"
                         " {\"rope_type\": \"yarn\", \"type\": \"linear\", \"factor\": 2}}";
    CHECK(rope_config_parse(contra, strlen(contra), "t", &cfg, &err) == 0);
    CHECK(rope_parity_check(&cfg, 0, &pr, &err) == -1);
    CHECK_HAS(err.msg, "contradictory keys");
    /* a beta of 0: vLLM stops at load, the others run */
    const char *zero = "{\"head_dim\": 64, \"max_position_embeddings\": 4096, \"rope_scaling\":"
                       " {\"rope_type\": \"yarn\", \"factor\": 4, \"beta_fast\": 0}}";
    CHECK(rope_config_parse(zero, strlen(zero), "t", &cfg, &err) == 0);
    CHECK(rope_parity_check(&cfg, 0, &pr, &err) == 0);
    CHECK(!pr.eng[ROPE_FLAVOR_VLLM].ok && pr.eng[ROPE_FLAVOR_HF].ok && pr.eng[ROPE_FLAVOR_LLAMACPP].ok);
    CHECK_HAS(pr.eng[ROPE_FLAVOR_VLLM].error, "ZeroDivisionError");
    CHECK_INT(pr.diff[0].what, ROPE_DIFF_REFUSED);
    char st[128];
    rope_parity_status(&pr, st, sizeof st);
    CHECK_STR(st, "vllm refuses the config");
}

static void test_agree(void)
{
    load("llama-2-7b");
    CHECK(pr.agree);
    CHECK_INT(pr.n_diffs, 0);
    char st[64];
    rope_parity_status(&pr, st, sizeof st);
    CHECK_STR(st, "engines agree");
    load("qwen3-8b-yarn");
    CHECK(pr.agree);
    CHECK_NEAR(pr.eng[ROPE_FLAVOR_VLLM].table.magnitude, mscale(4, 1), 1e-12);
    CHECK_INT(pr.served, 131072);
}

static int find_rule(int n, const char *rule)
{
    for (int k = 0; k < n && k < 64; k++)
        if (strcmp(items[k].rule, rule) == 0)
            return 1;
    return 0;
}

static void test_lint_rules(void)
{
    rope_error err;
    CHECK(rope_preset_load("ministral-3-8b", &cfg, &err) == 0);
    int n = rope_lint(&cfg, items, 64);
    CHECK(find_rule(n, "engine-mscale-ignored"));
    CHECK(find_rule(n, "not-modelled"));
    CHECK(rope_lint_engines(&cfg, NULL, 0, 5) >= 7); /* counted past max, from n = 5 */
    CHECK(rope_preset_load("llama-2-7b", &cfg, &err) == 0);
    CHECK_INT(rope_lint_engines(&cfg, items, 64, 0), 0);
    const char *af = "{\"head_dim\": 128, \"max_position_embeddings\": 262144, \"rope_scaling\": {\"rope_type\":"
                     " \"yarn\", \"factor\": 64, \"original_max_position_embeddings\": 4096, \"attention_factor\": 1.0}}";
    CHECK(rope_config_parse(af, strlen(af), "t", &cfg, &err) == 0);
    n = rope_lint(&cfg, items, 64);
    CHECK(find_rule(n, "engine-attention-factor-dropped"));
    char want[16];
    snprintf(want, sizeof want, "%.4f", mscale(64, 1)); /* 1.4159, the number */
    for (int k = 0; k < n; k++)
        if (strcmp(items[k].rule, "engine-attention-factor-dropped") == 0)
            CHECK_HAS(items[k].what, want);
}

int main(void)
{
    test_ministral();
    test_kimi();
    test_llama4();
    test_dynamic();
    test_longrope();
    test_refusals();
    test_agree();
    test_lint_rules();
    return check_done("test_parity");
}
