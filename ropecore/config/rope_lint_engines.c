/* ropecore/config/rope_lint_engines.c — lint rules for the known divergences between engines
 * (transformers, vLLM, llama.cpp, exllamav3) that a config triggers: each names the engines, gives this
 * config's numbers and cites the public report. `ropescope parity` shows the same side by side. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "rope_config.h"
#include "rope_lint_sink.h"

typedef struct elint {
    const rope_config *c;
    const rope_params *p;
    rope_lint_sink out;
} elint;

static rope_lint_item *fire(elint *L, const char *rule, rope_lint_level level, const char *source)
{
    return rope_lint_fire(&L->out, rule, level, source);
}

/* The YaRN magnitude transformers resolves (attention_factor > mscale pair > 0.1 ln s + 1). */
static double hf_magnitude(const rope_params *p)
{
    double s = p->factor;
    if (p->has_attention_factor)
        return p->attention_factor;
    if (p->mscale != 0.0 && p->mscale_all_dim != 0.0)
        return rope_mscale(s, p->mscale) / rope_mscale(s, p->mscale_all_dim);
    return rope_mscale(s, 1.0);
}

/* Plain (non-DeepSeek) YaRN whose magnitude is not 0.1 ln s + 1: engines that recompute it from s differ. */
static void rule_yarn_magnitude(elint *L)
{
    const rope_params *p = L->p;
    double s = p->factor, want = hf_magnitude(p), recomputed = rope_mscale(s, 1.0);
    if (p->method != ROPE_YARN || p->deepseek || s <= 1.0 || fabs(want - recomputed) < 1e-9)
        return;
    if (p->has_attention_factor) {
        rope_lint_item *it = fire(L, "engine-attention-factor-dropped", ROPE_LINT_WARN,
            "vllm-project/vllm #48351; ggml-org/llama.cpp src/llama-model.cpp (yarn_attn_factor)");
        WHAT(it, "attention_factor %g: vLLM before mid-2026 dropped it (vllm-project/vllm#48351) and llama.cpp "
                 "overwrites it: magnitude %.4f where transformers uses %.4f (logits x%.4f vs x%.4f)",
             p->attention_factor, recomputed, want, recomputed * recomputed, want * want);
        FIX(it, "serve with a vLLM that has the fix and check `ropescope parity`; for llama.cpp pass "
                "--rope-scale/--yarn-attn-factor so that the product is %.4f", want);
    } else {
        rope_lint_item *it = fire(L, "engine-mscale-ignored", ROPE_LINT_WARN,
            "vllm-project/vllm #48621; sgl-project/sglang #22711");
        WHAT(it, "mscale %g / mscale_all_dim %g: transformers runs magnitude %.4f; llama.cpp and vLLM's generic "
                 "YaRN before the fix ignore the pair: %.4f (vllm-project/vllm#48621, sgl-project/sglang#22711)",
             p->mscale, p->mscale_all_dim, want, recomputed);
        FIX(it, "write the magnitude you mean as attention_factor %.6g too, and check `ropescope parity` with "
                "the engine version you deploy", want);
    }
}

/* exllamav3 lost the magnitude when mscale = mscale_all_dim = 1 (DeepSeek-style configs). */
static void rule_exllamav3(elint *L)
{
    const rope_params *p = L->p;
    if (!rope_method_is_yarn(p->method) || p->factor <= 1.0 || p->mscale == 0.0 || p->mscale != p->mscale_all_dim)
        return;
    rope_lint_item *it = fire(L, "engine-magnitude-lost", ROPE_LINT_INFO,
            "turboderp-org/exllamav3 #259");
    char where[64] = "";
    if (p->deepseek)
        snprintf(where, sizeof where, " (here softmax x%.4f)", rope_softmax_mult(p));
    WHAT(it, "mscale = mscale_all_dim = %g: one exllamav3 release lost the YaRN magnitude for this pair%s: "
             "coherent-looking, semantically wrong output (turboderp-org/exllamav3#259)", p->mscale, where);
    FIX(it, "on exllamav3 use a release with the fix; compare the engine's logits with transformers on a long prompt");
}

static void rule_vllm_beta_zero(elint *L)
{
    const rope_params *p = L->p;
    if (!rope_method_is_yarn(p->method) || (p->beta_fast != 0.0 && p->beta_slow != 0.0))
        return;
    rope_lint_item *it = fire(L, "engine-vllm-beta-zero", ROPE_LINT_ERROR,
            "vllm/model_executor/layers/rotary_embedding.py (yarn_find_correction_dim divides by beta)");
    WHAT(it, "beta_%s is 0: transformers turns it into the default, llama.cpp uses it, vLLM divides by it in "
             "yarn_find_correction_dim and stops at load with ZeroDivisionError", p->beta_fast == 0.0 ? "fast" : "slow");
    FIX(it, "write the value you mean (defaults 32 and 1)");
}

static void rule_dynamic(elint *L)
{
    const rope_params *p = L->p;
    if (p->method != ROPE_DYNAMIC || p->factor <= 1.0)
        return;
    int rot = rope_params_rot_dim(p);
    double s = p->factor;
    rope_lint_item *it = fire(L, "engine-dynamic-ntk", ROPE_LINT_WARN,
            "vllm-project/vllm #41236 and PR #41277; transformers modeling_rope_utils.py (_compute_dynamic_ntk_parameters)");
    WHAT(it, "dynamic NTK past %d tokens: transformers rescales the base with the length (%.6g at %d); vLLM keeps "
             "one base%s (before PR #41277 %.6g; vllm-project/vllm#41236); llama.cpp runs plain RoPE", p->max_pos,
         rope_ntk_base(p->base, s * s - s + 1.0, rot), (int)fmin(s * p->max_pos, 1 << 30),
         p->trained_ctx > 0 ? ", set by max_trained_positions" : ", b unscaled", rope_ntk_base(p->base, s * s - s + 1.0, rot));
    FIX(it, "pick a static method (yarn, linear) all engines run alike, or pin one engine and check `ropescope parity`");
}

static void rule_longrope_magnitude(elint *L)
{
    const rope_params *p = L->p;
    if (p->method != ROPE_LONGROPE)
        return;
    double L0 = p->orig_ctx, sm = (double)p->max_pos / L0;
    double engines = sm <= 1.0 ? 1.0 : sqrt(1.0 + log(sm) / log(L0));
    double hf = p->has_attention_factor ? p->attention_factor
              : (p->factor <= 1.0 ? 1.0 : sqrt(1.0 + log(p->factor) / log(L0)));
    if (fabs(engines - hf) < 1e-9)
        return;
    rope_lint_item *it = fire(L, "engine-longrope-magnitude", ROPE_LINT_WARN,
            "transformers modeling_rope_utils.py (_compute_longrope_parameters); vllm/model_executor/layers/rotary_embedding.py (Phi3LongRoPE)");
    WHAT(it, "LongRoPE magnitude: transformers %.4f (%s); vLLM and llama.cpp's converter take sqrt(1 + ln(%d/%d)/ln "
             "%d) = %.4f, ignoring factor and attention_factor", hf,
         p->has_attention_factor ? "attention_factor" : "from factor", p->max_pos, p->orig_ctx, p->orig_ctx, engines);
    FIX(it, "make factor = max_position_embeddings / original_max_position_embeddings and drop attention_factor, "
            "or set vLLM's short_mscale/long_mscale to %.6g", hf);
}

static void rule_llama4_temperature(elint *L)
{
    if (!strstr(L->c->raw.unmodelled, "attn_temperature_tuning"))
        return;
    rope_lint_item *it = fire(L, "engine-llama4-temperature", ROPE_LINT_INFO,
            "vllm model_executor/models/llama4.py (attn_temperature_tuning)");
    WHAT(it, "attn_temperature_tuning: transformers follows config.json; vLLM reads the generation config and "
             "enables it by default only for --max-model-len > 32768 (models/llama4.py): NoPE-layer queries differ");
    FIX(it, "pass --override-generation-config '{\"attn_temperature_tuning\": true}' to vLLM when serving short contexts");
}

static void rule_not_modelled(elint *L)
{
    const rope_config_raw *r = &L->c->raw;
    if (r->n_unmodelled <= 0)
        return;
    rope_lint_item *it = fire(L, "not-modelled", ROPE_LINT_INFO,
            "each engine's model file for the keys named, e.g. vllm/model_executor/models/llama4.py");
    WHAT(it, "ropescope does not model %s (tables, parity and exports cover RoPE frequencies and magnitude)",
         r->unmodelled);
    FIX(it, "check these keys against each engine's model code before deploying");
}

int rope_lint_engines(const rope_config *c, rope_lint_item *items, int max, int n)
{
    if (!c || (unsigned)c->params.method >= ROPE_METHOD_COUNT)
        return n;
    elint L;
    memset(&L, 0, sizeof L);
    L.c = c;
    L.p = &c->params;
    L.out.items = items;
    L.out.max = items ? max : 0;
    L.out.n = n;
    rule_yarn_magnitude(&L);
    rule_exllamav3(&L);
    rule_vllm_beta_zero(&L);
    rule_dynamic(&L);
    rule_longrope_magnitude(&L);
    rule_llama4_temperature(&L);
    rule_not_modelled(&L);
    return L.out.n;
}
