/* tests/unit/test_lint.c — every lint rule fires on a config crafted to show its pitfall, with this
 * config's numbers in the message, and stays silent on the clean presets; the published presets fire
 * exactly the rules their numbers call for. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "rope_config.h"

#define MAX_ITEMS 32

static rope_config cfg;
static rope_lint_item items[MAX_ITEMS];

static int lint_json(const char *json)
{
    rope_error err = { "" };
    if (rope_config_parse(json, strlen(json), "lint.json", &cfg, &err)) {
        fprintf(stderr, "parse: %s\n", err.msg);
        CHECK(0);
        return -1;
    }
    return rope_lint(&cfg, items, MAX_ITEMS);
}

static const rope_lint_item *find(int n, const char *rule)
{
    for (int k = 0; k < n && k < MAX_ITEMS; k++)
        if (strcmp(items[k].rule, rule) == 0)
            return &items[k];
    return NULL;
}

/* Every message fits its field (not cut) and says something. */
static void check_items(int n)
{
    for (int k = 0; k < n && k < MAX_ITEMS; k++) {
        size_t w = strlen(items[k].what), f = strlen(items[k].fix);
        if (w >= sizeof items[k].what - 1 || f >= sizeof items[k].fix - 1)
            fprintf(stderr, "%s: message cut: %s / %s\n", items[k].rule, items[k].what, items[k].fix);
        CHECK(w > 20 && w < sizeof items[k].what - 1);
        CHECK(f > 10 && f < sizeof items[k].fix - 1);
        CHECK(strchr(items[k].what, '\n') == NULL && strchr(items[k].fix, '\n') == NULL);
        /* every reason names a public source (an arXiv id, a library file or a public issue / PR), never
         * a number of the project's own notes */
        const char *src = items[k].source;
        CHECK(src != NULL && strlen(src) > 10);
        if (src)
            CHECK(strstr(src, "arXiv ") || strstr(src, ".py") || strstr(src, ".cpp") || strstr(src, "#") ||
                  strstr(src, "RFC ") || strstr(src, "config.json"));
        CHECK(strstr(items[k].what, "pain #") == NULL);
    }
}

/* --- the presets --------------------------------------------------------------------------------- */

static void expect_preset(const char *name, const char *const *rules, int n_rules)
{
    rope_error err;
    CHECK(rope_preset_load(name, &cfg, &err) == 0);
    int n = rope_lint(&cfg, items, MAX_ITEMS);
    check_items(n);
    if (n != n_rules) {
        fprintf(stderr, "preset %s: %d findings, want %d:", name, n, n_rules);
        for (int k = 0; k < n && k < MAX_ITEMS; k++)
            fprintf(stderr, " %s", items[k].rule);
        fprintf(stderr, "\n");
    }
    CHECK_INT(n, n_rules);
    for (int k = 0; k < n_rules; k++)
        CHECK(find(n, rules[k]) != NULL);
}

static void test_presets(void)
{
    expect_preset("llama-2-7b", NULL, 0);
    expect_preset("mistral-7b", NULL, 0);
    expect_preset("ropescope-tiny", NULL, 0);
    static const char *const llama3[] = { "max-pos-not-factor-times-original" };
    expect_preset("llama-3.1-8b", llama3, 1);
    CHECK_INT(items[0].level, ROPE_LINT_INFO); /* Meta publishes 131072 over 8 x 8192 on purpose */
    CHECK_HAS(items[0].what, "8 x 8192 = 65536");
    static const char *const qwen[] = { "original-equals-max-pos", "static-yarn-short-context" };
    expect_preset("qwen2.5-7b-instruct-yarn", qwen, 2);
    static const char *const deepseek[] = { "mscale-equals-all-dim", "static-yarn-short-context",
                                             "engine-magnitude-lost" };
    expect_preset("deepseek-v3", deepseek, 3);
    /* the softmax factor get_mscale(40, 1)^2 = (0.1 ln 40 + 1)^2 */
    char want[32];
    snprintf(want, sizeof want, "%.4f", pow(0.1 * log(40.0) + 1.0, 2.0));
    CHECK_HAS(items[0].what, want);
    static const char *const gptoss[] = { "truncate-false", "static-yarn-short-context" };
    expect_preset("gpt-oss-20b", gptoss, 2);
    CHECK_HAS(items[0].what, "(8.093-17.398)"); /* transformers _compute_yarn_parameters */
    CHECK_HAS(items[0].what, "pairs 9-17 by up to 76%");
    static const char *const phi3[] = { "longrope-switch" };
    expect_preset("phi-3-mini-128k", phi3, 1);
}

/* --- one crafted config per rule ----------------------------------------------------------------- */

#define HD "\"head_dim\": 64, "

static const struct { const char *rule; rope_lint_level level; const char *json; const char *says; } crafted[] = {
    { "factor-without-type", ROPE_LINT_WARN,
      "{\"head_dim\": 128, \"max_position_embeddings\": 4096, \"rope_scaling\": {\"factor\": 8.0}}",
      "factor 8 but no rope_type" },
    { "factor-with-default-type", ROPE_LINT_WARN,
      "{" HD "\"max_position_embeddings\": 4096, \"rope_scaling\": {\"rope_type\": \"default\", \"factor\": 4.0}}",
      "\"default\" with factor 4" },
    { "type-rope-type-conflict", ROPE_LINT_ERROR,
      "{" HD "\"max_position_embeddings\": 4096, \"rope_scaling\": {\"rope_type\": \"yarn\", \"type\": \"linear\","
      " \"factor\": 4.0, \"original_max_position_embeddings\": 1024}}", "\"yarn\" and type \"linear\"" },
    { "unknown-scaling-key", ROPE_LINT_WARN,
      "{" HD "\"max_position_embeddings\": 4096, \"rope_scaling\": {\"rope_type\": \"linear\", \"factor\": 4.0,"
      " \"orig_max_position_embeddings\": 1024}}", "rope_scaling.orig_max_position_embeddings" },
    { "duplicate-key", ROPE_LINT_WARN,
      "{" HD "\"max_position_embeddings\": 4096, \"max_position_embeddings\": 8192}", "max_position_embeddings" },
    { "scaling-both-spellings", ROPE_LINT_WARN,
      "{" HD "\"max_position_embeddings\": 4096, \"rope_scaling\": {\"rope_type\": \"linear\", \"factor\": 2.0},"
      " \"rope_parameters\": {\"rope_type\": \"linear\", \"factor\": 4.0}}", "rope_scaling and rope_parameters" },
    { "rope-theta-conflict", ROPE_LINT_WARN,
      "{" HD "\"max_position_embeddings\": 4096, \"rope_theta\": 10000.0, \"rope_parameters\":"
      " {\"rope_type\": \"default\", \"rope_theta\": 1000000.0}}", "rope_theta = 1e+06 but the top-level" },
    { "original-conflict", ROPE_LINT_WARN,
      "{" HD "\"max_position_embeddings\": 16384, \"original_max_position_embeddings\": 4096, \"rope_scaling\":"
      " {\"rope_type\": \"yarn\", \"factor\": 4.0, \"original_max_position_embeddings\": 2048}}", "= 4096 but" },
    { "missing-max-pos", ROPE_LINT_INFO,
      "{" HD "\"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4.0, \"original_max_position_embeddings\":"
      " 1024}}", "= 4096" },
    /* L falls back to max_position_embeddings = 16384: band [15, 28]; at 4096 it is [10, 23] (DeepSeek-V3's config.json) */
    { "missing-original", ROPE_LINT_WARN,
      "{" HD "\"max_position_embeddings\": 16384, \"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4.0}}",
      "band is pairs 15-28; with L = 4096 it would be 10-23" },
    { "original-equals-max-pos", ROPE_LINT_WARN,
      "{" HD "\"max_position_embeddings\": 8192, \"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 2.0,"
      " \"original_max_position_embeddings\": 8192}}", "stop at 8192, not 16384" },
    { "max-pos-not-factor-times-original", ROPE_LINT_WARN,
      "{" HD "\"max_position_embeddings\": 32768, \"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4.0,"
      " \"original_max_position_embeddings\": 4096}}", "4 x 4096 = 16384" },
    { "factor-one", ROPE_LINT_WARN,
      "{" HD "\"max_position_embeddings\": 4096, \"rope_scaling\": {\"rope_type\": \"linear\", \"factor\": 1.0}}",
      "linear with factor 1" },
    { "beta-order", ROPE_LINT_ERROR,
      "{" HD "\"max_position_embeddings\": 16384, \"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4.0,"
      " \"original_max_position_embeddings\": 4096, \"beta_fast\": 1, \"beta_slow\": 32}}", "beta_fast 1 <= beta_slow 32" },
    { "beta-zero", ROPE_LINT_WARN,
      "{" HD "\"max_position_embeddings\": 16384, \"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4.0,"
      " \"original_max_position_embeddings\": 4096, \"beta_fast\": 0}}", "default 32 (band pairs 10-23)" },
    /* tiny L: d(32) = 64 ln(256/(64 pi)) / (2 ln 1e4) = 0.84; YaRN paper (arXiv 2309.00071) Eq. 17-20: pair 0 only */
    { "yarn-band-empty", ROPE_LINT_WARN,
      "{" HD "\"max_position_embeddings\": 2048, \"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 8.0,"
      " \"original_max_position_embeddings\": 256}}", "d(beta_fast = 32) = 0.84 < 1: 1 pair keeps" },
    { "attention-factor-twice", ROPE_LINT_WARN,
      "{" HD "\"max_position_embeddings\": 16384, \"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4.0,"
      " \"original_max_position_embeddings\": 4096, \"attention_factor\": 1.2, \"mscale\": 0.707,"
      " \"mscale_all_dim\": 1.0}}", "attention_factor 1.2 and mscale 0.707" },
    { "mscale-equals-all-dim", ROPE_LINT_INFO,
      "{" HD "\"max_position_embeddings\": 16384, \"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4.0,"
      " \"original_max_position_embeddings\": 4096, \"mscale\": 0.707, \"mscale_all_dim\": 0.707}}", "= 0.707" },
    /* only mscale_all_dim = 1: HF 0.1 ln 4 + 1 = 1.1386 on cos/sin, vLLM's DeepSeek path 1.0 (deepseek_scaling_rope.py) */
    { "mscale-partial", ROPE_LINT_WARN,
      "{" HD "\"max_position_embeddings\": 16384, \"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4.0,"
      " \"original_max_position_embeddings\": 4096, \"mscale_all_dim\": 1.0}}", "= 1.1386 on cos/sin; vLLM's" },
    { "truncate-false", ROPE_LINT_INFO,
      "{" HD "\"max_position_embeddings\": 16384, \"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4.0,"
      " \"original_max_position_embeddings\": 4096, \"truncate\": false}}", "truncate: false" },
    { "dynamic-kv-cache", ROPE_LINT_WARN,
      "{" HD "\"max_position_embeddings\": 4096, \"rope_scaling\": {\"rope_type\": \"dynamic\", \"factor\": 2.0}}",
      "at 8192 tokens b' = 31082.2" }, /* 10000·(2·8192/4096 − 1)^(64/62) */
    { "dynamic-ignores-original", ROPE_LINT_WARN,
      "{" HD "\"max_position_embeddings\": 4096, \"rope_scaling\": {\"rope_type\": \"dynamic\", \"factor\": 2.0,"
      " \"original_max_position_embeddings\": 2048}}", "starts growing at 4096, not 2048" },
    { "longrope-switch", ROPE_LINT_INFO,
      "{\"head_dim\": 8, \"max_position_embeddings\": 8192, \"original_max_position_embeddings\": 4096,"
      " \"rope_scaling\": {\"type\": \"longrope\", \"short_factor\": [1, 1, 1, 1], \"long_factor\": [1, 2, 3, 4]}}",
      "past L = 4096" },
    /* extrapolation_factor 0.25: a kept pair gets (1 - 0.25) of θ/s, i.e. 75 % */
    { "extrapolation-factor", ROPE_LINT_WARN,
      "{" HD "\"max_position_embeddings\": 16384, \"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4.0,"
      " \"original_max_position_embeddings\": 4096, \"extrapolation_factor\": 0.25}}", "get 75% of theta/s" },
    /* attention_factor 1.0 at s = 8: the default is 0.1 ln 8 + 1 = 1.2079, q.k x 1.4591 */
    { "attention-factor-one", ROPE_LINT_WARN,
      "{" HD "\"max_position_embeddings\": 32768, \"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 8.0,"
      " \"original_max_position_embeddings\": 4096, \"attention_factor\": 1.0}}", "= 1.2079 (q.k x1.4591)" },
    { "static-yarn-short-context", ROPE_LINT_INFO,
      "{" HD "\"max_position_embeddings\": 16384, \"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4.0,"
      " \"original_max_position_embeddings\": 4096}}", "factor 4 to every prompt" },
};

static void test_crafted(void)
{
    for (size_t k = 0; k < sizeof crafted / sizeof crafted[0]; k++) {
        int n = lint_json(crafted[k].json);
        check_items(n);
        const rope_lint_item *it = find(n, crafted[k].rule);
        if (!it) {
            fprintf(stderr, "rule %s did not fire; got", crafted[k].rule);
            for (int j = 0; j < n && j < MAX_ITEMS; j++)
                fprintf(stderr, " %s", items[j].rule);
            fprintf(stderr, "\n");
            CHECK(0);
            continue;
        }
        CHECK_INT(it->level, crafted[k].level);
        if (!strstr(it->what, crafted[k].says))
            fprintf(stderr, "%s: \"%s\"\n", crafted[k].rule, it->what);
        CHECK_HAS(it->what, crafted[k].says);
    }
}

/* Rules about settings the parser refuses: lint still names them on configs built in code. */
static void test_code_built(void)
{
    rope_config_init(&cfg);
    cfg.params.method = ROPE_LLAMA3;
    cfg.params.factor = 8.0;
    cfg.params.low_freq_factor = 4.0;
    cfg.params.high_freq_factor = 1.0;
    int n = rope_lint(&cfg, items, MAX_ITEMS);
    check_items(n);
    CHECK(find(n, "llama3-band-order") != NULL);

    rope_config_init(&cfg);
    cfg.params.method = ROPE_LONGROPE;
    cfg.params.factor = 4.0;
    cfg.params.n_factors = 31; /* head_dim 64 has 32 pairs */
    for (int i = 0; i < 31; i++)
        cfg.params.short_factor[i] = cfg.params.long_factor[i] = 1.0;
    n = rope_lint(&cfg, items, MAX_ITEMS);
    check_items(n);
    const rope_lint_item *it = find(n, "longrope-list-length");
    CHECK(it != NULL);
    if (it)
        CHECK_HAS(it->what, "31 and long_factor 31 values but the rotary dimension 64 has 32 pairs");

    /* dynamic YaRN: the KV-cache rule */
    rope_config_init(&cfg);
    cfg.params.method = ROPE_DYNAMIC_YARN;
    cfg.params.orig_ctx = 4096;
    n = rope_lint(&cfg, items, MAX_ITEMS);
    CHECK(find(n, "dynamic-kv-cache") != NULL);

    /* garbage parameters: no crash, no table-based rule */
    memset(&cfg, 0, sizeof cfg);
    cfg.params.method = ROPE_YARN;
    cfg.params.factor = NAN;
    cfg.params.beta_fast = -1;
    n = rope_lint(&cfg, items, MAX_ITEMS);
    check_items(n);
    /* beta_fast -1 <= the default beta_slow 1: the parameter rule still speaks; the table cannot be
     * computed (head_dim 0), so the rules that read it stay silent */
    CHECK(find(n, "beta-order") != NULL);
    CHECK(find(n, "yarn-band-empty") == NULL);
    CHECK(find(n, "static-yarn-short-context") == NULL);
    cfg.params.method = (rope_method)99;
    CHECK_INT(rope_lint(&cfg, items, MAX_ITEMS), 0);
    CHECK_INT(rope_lint(NULL, items, MAX_ITEMS), 0);
}

/* The two new rules stay silent where they should: extrapolation_factor 1, an attention_factor that
 * is not 1, attention_factor 1 with the DeepSeek mscale pair, and on a method that is not YaRN. */
static void test_quiet(void)
{
    static const char *const quiet[] = {
        "{" HD "\"max_position_embeddings\": 16384, \"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4.0,"
        " \"original_max_position_embeddings\": 4096, \"extrapolation_factor\": 1.0, \"attention_factor\": 1.1}}",
        "{" HD "\"max_position_embeddings\": 16384, \"rope_scaling\": {\"rope_type\": \"linear\", \"factor\": 4.0,"
        " \"extrapolation_factor\": 0.5}}",
    };
    for (size_t k = 0; k < sizeof quiet / sizeof quiet[0]; k++) {
        int n = lint_json(quiet[k]);
        check_items(n);
        CHECK(find(n, "extrapolation-factor") == NULL);
        CHECK(find(n, "attention-factor-one") == NULL);
    }
}

/* "did you mean": a wrong case or a near spelling of a rope_type, and the parser's message using it */
static void test_suggest(void)
{
    CHECK_STR(rope_lint_suggest_type("YaRN"), "yarn");
    CHECK_STR(rope_lint_suggest_type("Linear"), "linear");
    CHECK_STR(rope_lint_suggest_type("lama3"), "llama3");
    CHECK_STR(rope_lint_suggest_type("dinamic"), "dynamic");
    CHECK(rope_lint_suggest_type("rotary-embedding-xl") == NULL);
    rope_error err = { "" };
    const char *json = "{" HD "\"rope_scaling\": {\"rope_type\": \"Yarn\", \"factor\": 4.0}}";
    CHECK(rope_config_parse(json, strlen(json), "c.json", &cfg, &err) == -1);
    CHECK_HAS(err.msg, "did you mean \"yarn\"?");
}

static void test_counts(void)
{
    const char *json = "{" HD "\"max_position_embeddings\": 16384, \"rope_scaling\": {\"rope_type\": \"yarn\","
                       " \"type\": \"linear\", \"factor\": 4.0, \"beta_fast\": 0}}";
    int all = lint_json(json);
    CHECK(all >= 3);
    CHECK_INT(rope_lint(&cfg, NULL, 0), all); /* counting only */
    memset(items, 0, sizeof items);
    CHECK_INT(rope_lint(&cfg, items, 1), all);
    CHECK(items[0].rule != NULL && items[1].rule == NULL); /* only max items written */
}

int main(void)
{
    test_presets();
    test_crafted();
    test_code_built();
    test_quiet();
    test_suggest();
    test_counts();
    return check_done("test_lint");
}
