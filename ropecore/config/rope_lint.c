/* ropecore/config/rope_lint.c — `lint`: each known RoPE-scaling pitfall (the public reports each rule names) as a
 * stable rule that says what goes wrong with this config's own numbers and how to fix it. Rules read
 * what the file said (rope_config_raw) and the HF-flavor rope_table of the resolved parameters. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rope_config.h"
#include "rope_lint_sink.h"
#include "rope_reason.h"

/* Scaling-dict keys some loader reads: an unknown key is compared with these for a suggestion. */
static const char *const suggest_keys[] = {
    "type", "rope_type", "rope_theta", "partial_rotary_factor", "factor", "original_max_position_embeddings",
    "attention_factor", "beta_fast", "beta_slow", "mscale", "mscale_all_dim", "truncate", "low_freq_factor",
    "high_freq_factor", "short_factor", "long_factor",
};

typedef struct linter {
    const rope_config *c;
    const rope_params *p;
    const rope_table  *t;       /* HF-flavor table of p (dynamic YaRN at its factor); NULL if invalid */
    rope_lint_sink out;
} linter;

rope_lint_item *rope_lint_fire(rope_lint_sink *s, const char *rule, rope_lint_level level, const char *source)
{
    rope_lint_item *it = s->n < s->max ? &s->items[s->n] : &s->scratch;
    s->n++;
    memset(it, 0, sizeof *it);
    it->rule = rule;
    it->level = level;
    it->source = source;
    return it;
}

void rope_lint_text(char *dst, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(dst, n, fmt, ap);
    va_end(ap);
}

static rope_lint_item *fire(linter *L, const char *rule, rope_lint_level level, const char *source)
{
    return rope_lint_fire(&L->out, rule, level, source);
}

static int reads_orig(rope_method m)
{
    const rope_method_info *mi = rope_method_get(m);
    return mi && (mi->uses & ROPE_USES_ORIG_CTX);
}

static const char *dict_name(const rope_config *c)
{
    return c->raw.scaling_v5 ? "rope_parameters" : "rope_scaling";
}

static int tokens(double v)
{
    v = floor(v + 0.5);
    if (!(v >= 0.0)) /* NaN from a config built in code */
        return 0;
    return v > (double)(1 << 30) ? 1 << 30 : (int)v;
}

/* Counts of pairs that keep θ (γ = 1), blend, and are fully interpolated (γ = 0). */
static void regime_counts(const rope_table *t, int *keep, int *blend, int *interp)
{
    *keep = *blend = *interp = 0;
    for (int i = 0; i < t->n_pairs; i++) {
        double g = t->pair[i].ramp;
        if (g >= 1.0 - 1e-12)
            ++*keep;
        else if (g <= 1e-12)
            ++*interp;
        else
            ++*blend;
    }
}

/* --- what the file said ------------------------------------------------------------------------ */

static void rule_factor_without_type(linter *L)
{
    const rope_config_raw *r = &L->c->raw;
    if (!r->has_scaling || !r->has_factor)
        return;
    if (!r->has_type && !r->has_rope_type) {
        rope_lint_item *it = fire(L, "factor-without-type", ROPE_LINT_WARN,
                               "transformers src/transformers/modeling_rope_utils.py (rope_type defaults to \"default\"); huggingface/transformers #25957");
        WHAT(it, "%s has factor %g but no rope_type or type: transformers fills rope_type \"default\" and "
                 "ignores the factor, so this is plain RoPE with no extension past %d tokens",
             dict_name(L->c), r->factor, L->p->max_pos);
        FIX(it, "add \"rope_type\" (and \"type\" with the same value for older loaders): \"yarn\" with "
                "original_max_position_embeddings, or \"linear\", \"dynamic\", \"llama3\"");
    } else if (L->p->method == ROPE_NONE && r->factor != 1.0) {
        rope_lint_item *it = fire(L, "factor-with-default-type", ROPE_LINT_WARN,
                               "transformers src/transformers/modeling_rope_utils.py (_compute_default_rope_parameters reads no factor)");
        WHAT(it, "rope_type \"%s\" with factor %g: the default type ignores the factor, so this is plain RoPE",
             r->has_rope_type ? r->rope_type : r->type, r->factor);
        FIX(it, "set the rope_type you mean (yarn, linear, dynamic, llama3), or drop the factor");
    }
}

static void rule_missing_original(linter *L)
{
    const rope_params *p = L->p;
    if (!reads_orig(p->method) || !L->c->raw.has_scaling || L->c->raw.has_orig_ctx)
        return;
    int guess = tokens(p->max_pos / (p->factor > 1.0 ? p->factor : 1.0));
    rope_lint_item *it = fire(L, "missing-original", ROPE_LINT_WARN,
                               "NVIDIA/Megatron-LM #1418; NVIDIA-NeMo #14686 (gpt-oss L 131072 instead of 4096)");
    if (rope_method_is_yarn(p->method) && L->t && p->factor > 1.0) {
        rope_params q = *p;
        rope_table *alt = malloc(sizeof *alt);
        q.orig_ctx = guess;
        q.flavor = ROPE_FLAVOR_HF;
        if (q.method == ROPE_DYNAMIC_YARN)
            q.method = ROPE_YARN;
        if (alt && rope_table_compute(&q, alt, NULL) == 0)
            WHAT(it, "original_max_position_embeddings is missing, so L = max_position_embeddings = %d: the "
                     "YaRN band is pairs %g-%g; with L = %d it would be %g-%g (transformers <= 4.50 always "
                     "used max_position_embeddings)", p->max_pos, L->t->corr_low, L->t->corr_high,
                 guess, alt->corr_low, alt->corr_high);
        free(alt);
    }
    if (!it->what[0])
        WHAT(it, "original_max_position_embeddings is missing, so L = max_position_embeddings = %d: every "
                 "length-dependent part of %s is computed from %d, not the pretraining context",
             p->max_pos, rope_method_get(p->method)->name, p->max_pos);
    FIX(it, "add \"original_max_position_embeddings\": the pretraining context (max_position_embeddings / "
            "factor = %d if max_position_embeddings already counts the extension)", guess);
}

static void rule_original_equals_max(linter *L)
{
    const rope_params *p = L->p;
    if (!reads_orig(p->method) || !L->c->raw.has_orig_ctx || p->orig_ctx != p->max_pos || p->factor <= 1.0)
        return;
    int ext = tokens(p->factor * p->orig_ctx);
    rope_lint_item *it = fire(L, "original-equals-max-pos", ROPE_LINT_WARN,
                               "huggingface/transformers #38224 (factor recomputed as max/original), fixed by PR #40320");
    WHAT(it, "original_max_position_embeddings = max_position_embeddings = %d with factor %g: transformers "
             "4.51-4.55 recompute factor = 1 (no scaling), and engines capped at max_position_embeddings "
             "stop at %d, not %d", p->max_pos, p->factor, p->max_pos, ext);
    FIX(it, "set max_position_embeddings to factor x original = %d (or use transformers >= 4.56 and pass "
            "--max-model-len %d to vLLM)", ext, ext);
}

static void rule_max_pos_mismatch(linter *L)
{
    const rope_params *p = L->p;
    const rope_config_raw *r = &L->c->raw;
    if (!(reads_orig(p->method) || p->method == ROPE_LINEAR) || !r->has_orig_ctx || !r->has_max_pos ||
        !r->has_factor || p->orig_ctx == p->max_pos)
        return;
    int ext = tokens(p->factor * p->orig_ctx);
    if (abs(ext - p->max_pos) < 1)
        return;
    if (p->method == ROPE_LLAMA3) {
        rope_lint_item *it = fire(L, "max-pos-not-factor-times-original", ROPE_LINT_INFO,
                               "huggingface/transformers #38224 and PR #40320; vllm-project/vllm #8793");
        WHAT(it, "max_position_embeddings %d is not factor x original = %g x %d = %d: llama3 divides the "
                 "low frequencies by %g only, so positions past %d rely on training at that length (Llama 3.1 "
                 "publishes exactly this)", p->max_pos, p->factor, p->orig_ctx, ext, p->factor, ext);
        FIX(it, "nothing to change for Meta's checkpoints; for your own, train up to max_position_embeddings or "
                "set it to %d", ext);
        return;
    }
    rope_lint_item *it = fire(L, "max-pos-not-factor-times-original", ROPE_LINT_WARN,
                               "huggingface/transformers #38224 and PR #40320; vllm-project/vllm #8793");
    WHAT(it, "max_position_embeddings %d is not factor x original = %g x %d = %d: transformers before 4.56 "
             "took factor = %d/%d = %.4g instead of %g; vLLM derives its limit for yarn from "
             "original x factor = %d", p->max_pos, p->factor, p->orig_ctx, ext, p->max_pos, p->orig_ctx,
         (double)p->max_pos / p->orig_ctx, p->factor, ext);
    FIX(it, "make them agree: max_position_embeddings = %d, or factor = %.6g", ext,
        (double)p->max_pos / p->orig_ctx);
}

static int type_method(const char *s, rope_method *m)
{
    if (strcmp(s, "mrope") == 0) {
        *m = ROPE_NONE;
        return 0;
    }
    return rope_method_from_name(s, m);
}

static void rule_type_conflict(linter *L)
{
    const rope_config_raw *r = &L->c->raw;
    rope_method a, b;
    if (!r->has_type || !r->has_rope_type || strcmp(r->type, r->rope_type) == 0)
        return;
    if (type_method(r->rope_type, &a) == 0 && type_method(r->type, &b) == 0 && a == b)
        return; /* two spellings of one method, e.g. su / longrope */
    rope_lint_item *it = fire(L, "type-rope-type-conflict", ROPE_LINT_ERROR,
                               "huggingface/transformers #25957 (type renamed rope_type); vllm-project/vllm #37886");
    WHAT(it, "rope_type \"%s\" and type \"%s\" disagree: transformers >= 4.45 and vLLM read rope_type, older "
             "loaders read type, so the same file gives different models", r->rope_type, r->type);
    FIX(it, "give both keys the same value, the method you mean");
}

static int edit_distance(const char *a, const char *b)
{
    int la = (int)strlen(a), lb = (int)strlen(b), row[64];
    if (la > 62 || lb > 62)
        return 99;
    for (int j = 0; j <= lb; j++)
        row[j] = j;
    for (int i = 1; i <= la; i++) {
        int diag = row[0];
        row[0] = i;
        for (int j = 1; j <= lb; j++) {
            int up = row[j], best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *rope_lint_suggest_type(const char *name)
{
    static const char *const types[] = { "default", "linear", "dynamic", "yarn", "llama3", "longrope", "su",
                                         "ntk", "ntk-parts", "dynamic-yarn", "mrope" };
    const char *best = NULL;
    int best_d = 3;
    char low[64];
    size_t n = 0;
    for (; name[n] && n + 1 < sizeof low; n++)
        low[n] = (char)(name[n] >= 'A' && name[n] <= 'Z' ? name[n] - 'A' + 'a' : name[n]);
    low[n] = '\0';
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        if (strcmp(low, types[i]) == 0)
            return types[i]; /* a wrong case: "YaRN", "Linear" */
        int d = edit_distance(low, types[i]);
        if (d < best_d && d < (int)strlen(types[i])) {
            best_d = d;
            best = types[i];
        }
    }
    return best;
}

static void rule_unknown_key(linter *L)
{
    const rope_config_raw *r = &L->c->raw;
    if (r->n_unknown_keys <= 0)
        return;
    const char *key = strrchr(r->unknown_key, '.');
    key = key ? key + 1 : r->unknown_key;
    const char *best = NULL;
    int best_d = 4;
    for (size_t i = 0; i < sizeof suggest_keys / sizeof suggest_keys[0]; i++) {
        int d = edit_distance(key, suggest_keys[i]);
        if (d < best_d || (strstr(suggest_keys[i], key) && strlen(key) > 5 && d < 12)) {
            best_d = d < best_d ? d : best_d;
            best = suggest_keys[i];
        }
    }
    rope_lint_item *it = fire(L, "unknown-scaling-key", ROPE_LINT_WARN,
                               "ml-explore/mlx-lm #5 and jquesnelle/yarn #16 (scaling keys silently ignored)");
    WHAT(it, "%s is a key no loader reads%s%s: it is silently ignored", r->unknown_key,
         r->n_unknown_keys > 1 ? " (one of several)" : "", best ? ", probably a misspelling" : "");
    if (best)
        FIX(it, "did you mean \"%s\"? Fix the spelling", best);
    else
        FIX(it, "remove it, or check the loader's documentation for the key you meant");
}

static void rule_duplicate_key(linter *L)
{
    const rope_config_raw *r = &L->c->raw;
    if (r->n_duplicate_keys <= 0)
        return;
    rope_lint_item *it = fire(L, "duplicate-key", ROPE_LINT_WARN,
                               "RFC 8259 section 4 (names SHOULD be unique; behaviour otherwise unpredictable); Python json docs");
    WHAT(it, "%s appears more than once: Python's json (transformers) keeps the last value, cJSON-based and "
             "some other readers keep the first", r->duplicate_key);
    FIX(it, "keep one occurrence with the value you mean");
}

static void rule_conflicting_spellings(linter *L)
{
    const rope_config_raw *r = &L->c->raw;
    if (r->both_spellings) {
        rope_lint_item *it = fire(L, "scaling-both-spellings", ROPE_LINT_WARN,
                               "transformers v5 src/transformers/modeling_rope_utils.py (rope_scaling or rope_parameters)");
        WHAT(it, "both rope_scaling and rope_parameters are present: transformers v5 uses rope_scaling "
                 "(`rope_scaling or rope_parameters`), tools reading only the v5 key use rope_parameters");
        FIX(it, "keep one spelling (rope_parameters for transformers v5, rope_scaling for older loaders)");
    }
    if (r->rope_theta_conflict) {
        rope_lint_item *it = fire(L, "rope-theta-conflict", ROPE_LINT_WARN,
                               "transformers v5 src/transformers/modeling_rope_utils.py (standardize_rope_params)");
        WHAT(it, "%s.rope_theta = %g but the top-level rope_theta = %g: transformers v5 uses the dict's value, "
                 "readers of the top level use the other", dict_name(L->c), L->p->base, r->rope_theta_top);
        FIX(it, "make them equal, or drop the top-level key");
    }
    if (r->orig_ctx_top > 0 && r->orig_ctx_scaling > 0 && r->orig_ctx_top != r->orig_ctx_scaling) {
        rope_lint_item *it = fire(L, "original-conflict", ROPE_LINT_WARN,
                               "transformers src/transformers/models/phi3/configuration_phi3.py; vllm rotary_embedding get_rope");
        WHAT(it, "top-level original_max_position_embeddings = %d but %s's = %d: transformers takes the top "
                 "level (the Phi-3 rule), vLLM and llama.cpp's converter read %s's", r->orig_ctx_top,
             dict_name(L->c), r->orig_ctx_scaling, dict_name(L->c));
        FIX(it, "make them equal");
    }
    if (!r->has_max_pos && r->has_orig_ctx) {
        rope_lint_item *it = fire(L, "missing-max-pos", ROPE_LINT_INFO,
                               "transformers src/transformers/models/llama/configuration_llama.py (max_position_embeddings=2048)");
        WHAT(it, "max_position_embeddings is missing: ropescope assumed factor x original = %d; transformers "
                 "uses the model class default instead (2048 for Llama)", L->p->max_pos);
        FIX(it, "add \"max_position_embeddings\": %d", L->p->max_pos);
    }
}

/* --- YaRN knobs ---------------------------------------------------------------------------------- */

static void rule_betas(linter *L)
{
    const rope_params *p = L->p;
    if (!rope_method_is_yarn(p->method))
        return;
    double bf = rope_beta_fast(p), bs = rope_beta_slow(p);
    if (bf <= bs) {
        rope_lint_item *it = fire(L, "beta-order", ROPE_LINT_ERROR,
                               "YaRN, arXiv 2309.00071 section 3.2 (alpha < beta); llama.cpp common/arg.cpp --yarn-beta-fast/slow");
        int rot = rope_params_rot_dim(p);
        WHAT(it, "beta_fast %g <= beta_slow %g: d(beta_fast) = %.2f >= d(beta_slow) = %.2f, so the ramp runs "
                 "backwards and collapses", bf, bs, rope_corr_dim(rot, p->base, p->orig_ctx, bf),
             rope_corr_dim(rot, p->base, p->orig_ctx, bs));
        FIX(it, "beta_fast is the high-frequency bound in rotations within L (default 32) and must exceed "
                "beta_slow (default 1); swap them");
    }
    if (p->beta_fast == 0.0 || p->beta_slow == 0.0) {
        int fast = p->beta_fast == 0.0;
        rope_lint_item *it = fire(L, "beta-zero", ROPE_LINT_WARN,
                               "transformers modeling_rope_utils.py (get(\"beta_fast\") or 32); llama.cpp src/llama-context.cpp");
        WHAT(it, "beta_%s is 0: transformers reads it as the default %g (band pairs %g-%g); vLLM and llama.cpp "
                 "use 0 as written: d(0) is infinite, so %s", fast ? "fast" : "slow", fast ? ROPE_BETA_FAST_DEFAULT : ROPE_BETA_SLOW_DEFAULT,
             L->t ? L->t->corr_low : 0.0, L->t ? L->t->corr_high : 0.0,
             fast ? "no pair is interpolated (plain RoPE past L)" : "no pair is fully interpolated");
        FIX(it, "write the value you mean explicitly (32 and 1 are the defaults)");
    }
}

static void rule_mscale(linter *L)
{
    const rope_params *p = L->p;
    double s = p->factor, ms = p->mscale, ma = p->mscale_all_dim;
    if (!rope_method_is_yarn(p->method))
        return;
    if (p->has_attention_factor && (ms != 0.0 || ma != 0.0)) {
        double pair = ms != 0.0 && ma != 0.0 ? rope_mscale(s, ms) / rope_mscale(s, ma) : rope_mscale(s, 1.0);
        rope_lint_item *it = fire(L, "attention-factor-twice", ROPE_LINT_WARN,
                               "sgl-project/sglang PR #33558 (attention_factor squared: GSM8K -20 points)");
        WHAT(it, "attention_factor %g and mscale %g / mscale_all_dim %g are both set: transformers uses "
                 "attention_factor verbatim (the mscale pair alone gives %.4f); an engine that multiplies them "
                 "gets %.4f", p->attention_factor, ms, ma, pair, p->attention_factor * pair);
        FIX(it, "keep one: attention_factor (the final cos/sin magnitude) or the mscale pair");
        return;
    }
    if (p->has_attention_factor)
        return;
    if (ms != 0.0 && ms == ma && s > 1.0) {
        double m2 = rope_mscale(s, ma) * rope_mscale(s, ma);
        rope_lint_item *it = fire(L, "mscale-equals-all-dim", ROPE_LINT_INFO,
                               "ggml-org/llama.cpp #7118 and PR #17945; DeepSeek-V3 config.json");
        WHAT(it, "mscale = mscale_all_dim = %g: cos/sin magnitude 1, the temperature moves to the softmax scale, "
                 "x get_mscale(%g, %g)^2 = %.4f; an engine ignoring mscale_all_dim leaves x1, one using cos/sin "
                 "scales only the rotary dims", ms, s, ma, m2);
        FIX(it, "check that the engine scales the softmax by get_mscale(s, mscale_all_dim)^2 and leaves cos/sin "
                "at 1 (transformers, vLLM and llama.cpp's deepseek2 do)");
    } else if ((ms != 0.0) != (ma != 0.0) && s > 1.0) {
        double vllm = rope_mscale(s, ms != 0.0 ? ms : 1.0) / rope_mscale(s, ma);
        rope_lint_item *it = fire(L, "mscale-partial", ROPE_LINT_WARN,
                               "vllm-project/vllm PR #46280 and #48623; ml-explore/mlx-lm PR #1507 (logit scale off 27-42%)");
        WHAT(it, "only %s = %g is set: transformers needs both for the ratio and puts 0.1 ln s + 1 = %.4f on "
                 "cos/sin; vLLM's DeepSeek path (defaults mscale 1, mscale_all_dim 0) gives %.4f",
             ms != 0.0 ? "mscale" : "mscale_all_dim", ms != 0.0 ? ms : ma, rope_mscale(s, 1.0), vllm);
        FIX(it, "set both mscale and mscale_all_dim (DeepSeek uses 1.0 and 1.0), or an explicit attention_factor");
    }
}

/* The YaRN reference code (jquesnelle/yarn scaled_rope) and vLLM's YaRN class multiply the ramp by
 * extrapolation_factor e: a kept pair gets (1 - e)·θ/s + e·θ. transformers does not read the key. */
static void rule_extrapolation_factor(linter *L)
{
    const rope_config_raw *r = &L->c->raw;
    const rope_params *p = L->p;
    if (!rope_method_is_yarn(p->method) || !r->has_extrapolation_factor || r->extrapolation_factor == 1.0)
        return;
    double e = r->extrapolation_factor;
    rope_lint_item *it = fire(L, "extrapolation-factor", ROPE_LINT_WARN,
                              "jquesnelle/yarn scaled_rope/LlamaYaRNScaledRotaryEmbedding.py; vLLM "
                              "model_executor/layers/rotary_embedding (YaRNScalingRotaryEmbedding); YaRN, arXiv 2309.00071");
    WHAT(it, "extrapolation_factor %g: vLLM and the YaRN reference code scale the ramp by it, so the pairs YaRN "
             "keeps at theta get %.0f%% of theta/s (the local-order detail it exists to keep); transformers "
             "ignores the key, so engines disagree", e, 100.0 * (1.0 - e));
    FIX(it, "remove it (1, the only value the YaRN paper uses); move the band with beta_fast/beta_slow, which "
            "every engine reads");
}

/* YaRN's temperature: attention_factor defaults to 0.1 ln s + 1; 1.0 turns it off. */
static void rule_attention_factor_one(linter *L)
{
    const rope_params *p = L->p;
    if ((p->method != ROPE_YARN && p->method != ROPE_DYNAMIC_YARN) || !p->has_attention_factor ||
        p->attention_factor != 1.0 || !(p->factor > 1.0) || p->mscale != 0.0 || p->mscale_all_dim != 0.0)
        return;
    double m = rope_mscale(p->factor, 1.0);
    rope_lint_item *it = fire(L, "attention-factor-one", ROPE_LINT_WARN,
                              "YaRN, arXiv 2309.00071 section 3.4 (sqrt(1/t) = 0.1 ln s + 1); transformers "
                              "modeling_rope_utils.py (_compute_yarn_parameters)");
    WHAT(it, "attention_factor 1.0 switches YaRN's temperature off: at factor %g it is 0.1 ln s + 1 = %.4f "
             "(q.k x%.4f), which the YaRN paper tunes to keep attention sharp past L; without it long-context "
             "perplexity rises", p->factor, m, m * m);
    FIX(it, "drop attention_factor (transformers then computes %.4f), or write %.4f", m, m);
}

static void rule_band(linter *L)
{
    const rope_params *p = L->p;
    const rope_table *t = L->t;
    if (!rope_method_is_yarn(p->method) || !t || !t->has_corr || rope_beta_fast(p) <= rope_beta_slow(p) ||
        t->corr_low_raw >= 1.0)
        return;
    int keep, blend, interp, rot = t->rot_dim;
    regime_counts(t, &keep, &blend, &interp);
    double beta4 = p->orig_ctx / (2.0 * M_PI * pow(p->base, 8.0 / rot)); /* d(beta4) = 4 */
    rope_lint_item *it = fire(L, "yarn-band-empty", ROPE_LINT_WARN,
                               "YaRN, arXiv 2309.00071 section 3.2 (NTK-by-parts ramp between alpha and beta)");
    WHAT(it, "with L = %d, d(beta_fast = %g) = %.2f < 1: %d pair%s keep%s the original frequency, %d blend and "
             "%d are interpolated, so YaRN acts like PI plus temperature", p->orig_ctx, rope_beta_fast(p),
         t->corr_low_raw, keep, keep == 1 ? "" : "s", keep == 1 ? "s" : "", blend, interp);
    if (beta4 > rope_beta_slow(p))
        FIX(it, "lower beta_fast to keep high-frequency pairs (beta_fast = %.3g keeps pairs 0-4), or accept "
                "PI-like behaviour at this L", beta4);
    else
        FIX(it, "L = %d is too short for a band with beta_slow %g; accept PI-like behaviour or lower beta_slow",
            p->orig_ctx, rope_beta_slow(p));
}

static void rule_truncate(linter *L)
{
    const rope_params *p = L->p;
    int a, b;
    double rel;
    if (!rope_method_is_yarn(p->method) || p->truncate || !L->t)
        return;
    if (rope_config_truncate_effect(p, &a, &b, &rel) || a < 0)
        return;
    rope_lint_item *it = fire(L, "truncate-false", ROPE_LINT_INFO,
                               "vllm-project/vllm #27722 and PR #28244 (truncate for gpt-oss); ollama/ollama PR #18263");
    WHAT(it, "truncate: false keeps the correction range unrounded (%.3f-%.3f); llama.cpp, and vLLM before "
             "PR #28244, round it to %g-%g, changing pairs %d-%d by up to %.0f%%", L->t->corr_low_raw,
         L->t->corr_high_raw, fmax(floor(L->t->corr_low_raw), 0.0),
         fmin(ceil(L->t->corr_high_raw), (double)(L->t->rot_dim - 1)), a, b, rel * 100.0);
    FIX(it, "serve with transformers >= 4.55 or a vLLM with PR #28244; llama.cpp cannot express it");
}

static void rule_factor_one(linter *L)
{
    const rope_params *p = L->p;
    if (p->method == ROPE_NONE || p->method == ROPE_DYNAMIC_YARN || p->method == ROPE_LONGROPE ||
        p->factor != 1.0)
        return;
    rope_lint_item *it = fire(L, "factor-one", ROPE_LINT_WARN,
                               "transformers src/transformers/modeling_rope_utils.py (factor 1 leaves theta unchanged)");
    WHAT(it, "method %s with factor 1: nothing is scaled (theta' = theta, magnitude 1)",
         rope_method_get(p->method)->name);
    FIX(it, "set factor to the extension you want (target context / L = %d), or drop the scaling", p->orig_ctx);
}

static void rule_llama3(linter *L)
{
    const rope_params *p = L->p;
    if (p->method != ROPE_LLAMA3 || p->low_freq_factor <= p->high_freq_factor)
        return;
    rope_lint_item *it = fire(L, "llama3-band-order", ROPE_LINT_ERROR,
                               "transformers modeling_rope_utils.py (_compute_llama3_parameters); Llama 3.1 config.json");
    WHAT(it, "low_freq_factor %g >= high_freq_factor %g: the blend divides by high - low = %g; transformers "
             "divides by zero at equality, vLLM sets the blend to 0, and the bands overlap", p->low_freq_factor,
         p->high_freq_factor, p->high_freq_factor - p->low_freq_factor);
    FIX(it, "low must be below high (Llama 3.1 uses 1.0 and 4.0)");
}

static void rule_longrope_lists(linter *L)
{
    const rope_params *p = L->p;
    const rope_config_raw *r = &L->c->raw;
    if (p->method != ROPE_LONGROPE)
        return;
    int pairs = rope_params_rot_dim(p) / 2;
    int ns = r->n_short_factor >= 0 ? r->n_short_factor : p->n_factors;
    int nl = r->n_long_factor >= 0 ? r->n_long_factor : p->n_factors;
    if (ns == pairs && nl == pairs)
        return;
    rope_lint_item *it = fire(L, "longrope-list-length", ROPE_LINT_ERROR,
                               "LongRoPE, arXiv 2402.13753; transformers modeling_rope_utils.py (_compute_longrope_parameters)");
    WHAT(it, "short_factor has %d and long_factor %d values but the rotary dimension %d has %d pairs: the "
             "factors no longer line up with the frequencies (transformers fails to broadcast)", ns, nl,
         2 * pairs, pairs);
    FIX(it, "give exactly %d values per list, one per rotary pair", pairs);
}

/* --- behaviour over time ---------------------------------------------------------------------------- */

static void rule_dynamic(linter *L)
{
    const rope_params *p = L->p;
    const rope_config_raw *r = &L->c->raw;
    int rot = rope_params_rot_dim(p);
    if (p->method == ROPE_DYNAMIC) {
        double a = 2.0 * p->factor - (p->factor - 1.0); /* at length 2L */
        rope_lint_item *it = fire(L, "dynamic-kv-cache", ROPE_LINT_WARN,
                               "huggingface/transformers #25104; YaRN, arXiv 2309.00071 section 3.3");
        WHAT(it, "dynamic NTK changes the base once the sequence passes L = max_position_embeddings = %d (at "
                 "%d tokens b' = %.6g): keys already in the KV cache keep the old rotation, so attention to "
                 "them is inconsistent", p->max_pos, tokens(2.0 * p->max_pos),
             p->base * pow(a, (double)rot / (rot - 2)));
        FIX(it, "cache keys before RoPE and re-rotate when the base changes, or re-prefill after crossing L; "
                "or use a static method fine-tuned for the length");
        if (r->has_orig_ctx && p->orig_ctx != p->max_pos) {
            it = fire(L, "dynamic-ignores-original", ROPE_LINT_WARN,
                               "huggingface/transformers #24986; meta-llama/llama #359");
            WHAT(it, "dynamic NTK reads max_position_embeddings = %d as the original length and ignores "
                     "original_max_position_embeddings = %d (transformers in every version, vLLM too): the "
                     "base starts growing at %d, not %d", p->max_pos, p->orig_ctx, p->max_pos,
                 p->orig_ctx);
            FIX(it, "set max_position_embeddings to the pretraining length %d, or use yarn, which reads "
                    "original_max_position_embeddings", p->orig_ctx);
        }
    } else if (p->method == ROPE_DYNAMIC_YARN) {
        rope_lint_item *it = fire(L, "dynamic-kv-cache", ROPE_LINT_WARN,
                               "huggingface/transformers #25104; YaRN, arXiv 2309.00071 section 3.3");
        WHAT(it, "dynamic YaRN recomputes s = length / L past L = %d (s = 2 at %d tokens, magnitude %.4f): "
                 "keys already in the KV cache keep the rotation of the s they were written with (YaRN 3.3)", p->orig_ctx, tokens(2.0 * p->orig_ctx), rope_mscale(2.0, 1.0));
        FIX(it, "cache keys before RoPE and re-rotate when s changes, or re-prefill after crossing L");
    } else if (p->method == ROPE_LONGROPE) {
        rope_lint_item *it = fire(L, "longrope-switch", ROPE_LINT_INFO,
                               "huggingface/transformers PR #33129; ggml-org/llama.cpp #8995");
        WHAT(it, "LongRoPE switches from the short to the long factors past L = %d: keys cached with the short "
                 "factors keep them (transformers re-prefills at L+1, llama.cpp picks by -c, vLLM by "
                 "--max-model-len)", p->orig_ctx);
        FIX(it, "fix the choice per deployment (a serving context above %d means long factors for every "
                "prompt) or re-prefill when a sequence crosses L", p->orig_ctx);
    }
}

static void rule_static_yarn(linter *L)
{
    const rope_params *p = L->p;
    if (p->method != ROPE_YARN || p->factor <= 1.0 || !L->t)
        return;
    int keep, blend, interp;
    regime_counts(L->t, &keep, &blend, &interp);
    rope_lint_item *it = fire(L, "static-yarn-short-context", ROPE_LINT_INFO,
                               "QwenLM/Qwen3 #1567 (Arena-Hard 39 -> 26.5); vllm-project/vllm #18728");
    WHAT(it, "static YaRN applies factor %g to every prompt, even those shorter than L = %d: %d of %d pairs are "
             "interpolated and %d blended, q.k x%.3f (Qwen warns of lower quality on short texts)",
         p->factor, p->orig_ctx, interp, L->t->n_pairs, blend, L->t->logit_mult);
    FIX(it, "enable it only when prompts exceed L, with the smallest factor that covers the longest prompt "
            "(s = needed length / %d), or use dynamic-yarn", p->orig_ctx);
}

/* --- entry ------------------------------------------------------------------------------------------- */

int rope_lint(const rope_config *c, rope_lint_item *items, int max)
{
    if (!c)
        return 0;
    linter L;
    memset(&L, 0, sizeof L);
    L.c = c;
    L.p = &c->params;
    L.out.items = items;
    L.out.max = items ? max : 0;
    rope_params hp = c->params;
    hp.flavor = ROPE_FLAVOR_HF;
    if (hp.method == ROPE_DYNAMIC_YARN)
        hp.method = ROPE_YARN; /* the band at the configured factor */
    rope_table *t = malloc(sizeof *t);
    if (t && rope_table_compute(&hp, t, NULL) == 0)
        L.t = t;
    if ((unsigned)c->params.method < ROPE_METHOD_COUNT) {
        rule_factor_without_type(&L);
        rule_type_conflict(&L);
        rule_unknown_key(&L);
        rule_duplicate_key(&L);
        rule_conflicting_spellings(&L);
        rule_missing_original(&L);
        rule_original_equals_max(&L);
        rule_max_pos_mismatch(&L);
        rule_factor_one(&L);
        rule_betas(&L);
        rule_band(&L);
        rule_mscale(&L);
        rule_extrapolation_factor(&L);
        rule_attention_factor_one(&L);
        rule_truncate(&L);
        rule_llama3(&L);
        rule_longrope_lists(&L);
        rule_dynamic(&L);
        rule_static_yarn(&L);
    }
    L.out.n = rope_lint_engines(c, items, L.out.max, L.out.n);
    free(t);
    return L.out.n;
}
