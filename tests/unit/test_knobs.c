/* tests/unit/test_knobs.c — walks ropecore's knob table (rope_knob.h) and checks that the CLI
 * (ropeargs_parse) and the explorer (lab_set_text / lab_param_text) accept, refuse and print every
 * knob the same way. Expected texts are written by hand here, not taken from the code's output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "lab.h"
#include "rope_knob.h"
#include "ropeargs.h"

/* For every knob: words to type and what both sides must then print (the baseline is yarn, s = 1,
 * whose YaRN magnitude 0.1·ln(1) + 1 = 1 is what "auto" shows), and one word both must refuse. */
typedef struct sample {
    rope_knob_id id;
    const char  *word[4];
    const char  *shown[4];
    const char  *bad;
} sample;

static const sample samples[] = {
    { ROPE_KNOB_METHOD, { "linear", "dynamic_yarn", "pi" }, { "linear", "dynamic-yarn", "linear" }, "cubic" },
    { ROPE_KNOB_FLAVOR, { "llamacpp", "ggml", "hf" }, { "llamacpp", "llamacpp", "hf" }, "torch" },
    { ROPE_KNOB_HEAD_DIM, { "128", "32" }, { "128", "32" }, "64.5" },
    { ROPE_KNOB_PARTIAL_ROTARY, { "0.5", "1" }, { "0.5", "1" }, "half" },
    { ROPE_KNOB_BASE, { "1e4", "500000" }, { "10000", "500000" }, "1e4x" },
    { ROPE_KNOB_ORIG_CTX, { "4096", "2048" }, { "4096", "2048" }, "0" },
    { ROPE_KNOB_MAX_POS, { "8192" }, { "8192" }, "-1" },
    { ROPE_KNOB_FACTOR, { "8", "2.5" }, { "8", "2.5" }, "inf" },
    { ROPE_KNOB_BETA_FAST, { "16", "64" }, { "16", "64" }, "" },
    { ROPE_KNOB_BETA_SLOW, { "2", "0.5" }, { "2", "0.5" }, "nan" },
    { ROPE_KNOB_TRUNCATE, { "ON", "False", "yes", "0" }, { "on", "off", "on", "off" }, "maybe" },
    { ROPE_KNOB_MSCALE, { "0.707" }, { "0.707" }, "1,0" },
    { ROPE_KNOB_MSCALE_ALL_DIM, { "1" }, { "1" }, "one" },
    { ROPE_KNOB_ATTENTION_FACTOR, { "1.25", "AUTO", "0.5", "none" }, { "1.25", "auto(1)", "0.5", "auto(1)" }, "x" },
    { ROPE_KNOB_LOW_FREQ_FACTOR, { "2" }, { "2" }, "2 " },
    { ROPE_KNOB_HIGH_FREQ_FACTOR, { "8" }, { "8" }, "8x" },
    { ROPE_KNOB_SEQ_LEN, { "2048", "0" }, { "2048", "0 (start-up)" }, "-5" },
};
#define N_SAMPLES (int)(sizeof samples / sizeof samples[0])

/* The CLI's result for `--method yarn [FLAG WORD]` (flag_eq: as --flag=word); -1 if refused. */
static int cli_parse(const rope_knob *k, const char *word, int flag_eq, rope_params *out, rope_error *err)
{
    char eq[128];
    char *argv[6] = { "ropescope", "--method", "yarn", NULL, NULL, NULL };
    int argc = 3;
    if (k) {
        if (flag_eq) {
            snprintf(eq, sizeof eq, "%s=%s", k->flag, word);
            argv[argc++] = eq;
        } else {
            argv[argc++] = (char *)k->flag;
            argv[argc++] = (char *)word;
        }
    }
    unsigned char used[6] = { 0 };
    ropeargs ra;
    if (ropeargs_parse(argc, argv, &ra, used, err))
        return -1;
    for (int i = 1; i < argc; i++)
        CHECK(used[i]); /* every word was the knob's */
    *out = ra.cfg.params;
    return 0;
}

/* The explorer's parameter row showing knob k, or LAB_P_COUNT when the bar does not show it. */
static lab_param lab_row(const rope_knob *k)
{
    for (int r = 0; r < LAB_P_COUNT; r++)
        if (strcmp(lab_param_name((lab_param)r), k->name) == 0)
            return (lab_param)r;
    return LAB_P_COUNT;
}

static void test_every_knob(void)
{
    rope_error err;
    rope_params base;
    CHECK(cli_parse(NULL, NULL, 0, &base, &err) == 0);
    rope_config start;
    rope_config_init(&start);
    start.params = base;
    lab *L = malloc(sizeof *L);
    rope_table *t = malloc(sizeof *t);
    CHECK(L && t);
    if (!L || !t) {
        free(L);
        free(t);
        return;
    }
    int covered[ROPE_KNOB_COUNT] = { 0 }, rows = 0;
    for (int s = 0; s < N_SAMPLES; s++) {
        const sample *sm = &samples[s];
        const rope_knob *k = rope_knob_get(sm->id);
        CHECK(k != NULL && k->id == sm->id);
        if (!k)
            continue;
        covered[k->id] = 1;
        lab_param row = lab_row(k);
        rows += row != LAB_P_COUNT;
        for (int w = 0; w < 4 && sm->word[w]; w++) {
            char cli_text[64], lab_text[64];
            rope_params p, p_eq;
            int rc = cli_parse(k, sm->word[w], 0, &p, &err);
            if (rc)
                fprintf(stderr, "%s %s: %s\n", k->flag, sm->word[w], err.msg);
            CHECK(rc == 0);
            CHECK(cli_parse(k, sm->word[w], 1, &p_eq, &err) == 0);
            if (rc)
                continue;
            CHECK(rope_table_compute(&p, t, &err) == 0);
            rope_knob_format(k, &p, t, cli_text, sizeof cli_text);
            CHECK_STR(cli_text, sm->shown[w]);
            rope_knob_format(k, &p_eq, t, cli_text, sizeof cli_text);
            CHECK_STR(cli_text, sm->shown[w]);
            if (row == LAB_P_COUNT)
                continue;
            CHECK(lab_init(L, &start, "", &err) == 0);
            rc = lab_set_text(L, row, sm->word[w], &err);
            if (rc)
                fprintf(stderr, "explorer %s %s: %s\n", k->name, sm->word[w], err.msg);
            CHECK(rc == 0);
            lab_param_text(L, row, lab_text, sizeof lab_text);
            CHECK_STR(lab_text, sm->shown[w]);
        }
        /* the same refusal on both sides, each naming the knob its own way */
        rope_params p;
        CHECK(cli_parse(k, sm->bad, 0, &p, &err) == -1);
        CHECK_HAS(err.msg, k->flag);
        if (row != LAB_P_COUNT) {
            CHECK(lab_init(L, &start, "", &err) == 0);
            unsigned long gen = L->generation;
            CHECK(lab_set_text(L, row, sm->bad, &err) == -1);
            CHECK_HAS(err.msg, k->name);
            CHECK_INT((long long)L->generation, (long long)gen); /* refused: state unchanged */
        }
    }
    for (int i = 0; i < ROPE_KNOB_COUNT; i++) {
        if (!covered[i])
            fprintf(stderr, "knob %s has no sample in test_knobs.c\n", rope_knob_get((rope_knob_id)i)->name);
        CHECK(covered[i]);
    }
    /* every row of the explorer's bar but the position is a knob of the table */
    CHECK_INT(rows, LAB_P_COUNT - 1);
    CHECK(rope_knob_by_name(lab_param_name(LAB_P_POSITION)) == NULL);
    free(L);
    free(t);
}

/* The table's own lookups and the --help rows built from it. */
static void test_table(void)
{
    const char *help = ropeargs_help;
    for (int i = 0; i < ROPE_KNOB_COUNT; i++) {
        const rope_knob *k = rope_knob_get((rope_knob_id)i);
        CHECK_INT(k->id, i);
        CHECK(rope_knob_by_flag(k->flag) == k);
        CHECK(rope_knob_by_name(k->name) == k);
        char with_value[64];
        snprintf(with_value, sizeof with_value, "%s=1", k->flag);
        CHECK(rope_knob_by_flag(with_value) == k);
        snprintf(with_value, sizeof with_value, "%s %s", k->flag, k->help_arg);
        CHECK_HAS(help, with_value);
    }
    CHECK(rope_knob_by_flag("--factorx") == NULL);
    CHECK(rope_knob_by_flag("--fact") == NULL);
    CHECK(rope_knob_get(ROPE_KNOB_COUNT) == NULL);
    /* which methods read a knob: from the method table (YaRN reads the betas, linear does not) */
    const rope_knob *bf = rope_knob_get(ROPE_KNOB_BETA_FAST);
    CHECK(rope_knob_used(bf, ROPE_YARN) && rope_knob_used(bf, ROPE_NTK_PARTS) && !rope_knob_used(bf, ROPE_LINEAR));
    CHECK(rope_knob_used(rope_knob_get(ROPE_KNOB_BASE), ROPE_NONE));
    CHECK(!rope_knob_used(rope_knob_get(ROPE_KNOB_LOW_FREQ_FACTOR), ROPE_YARN));
    CHECK(rope_knob_used(rope_knob_get(ROPE_KNOB_LOW_FREQ_FACTOR), ROPE_LLAMA3));
    /* the family the method table names */
    CHECK(rope_method_is_yarn(ROPE_DYNAMIC_YARN) && rope_method_is_yarn(ROPE_NTK_PARTS));
    CHECK(!rope_method_is_yarn(ROPE_LLAMA3) && !rope_method_is_yarn(ROPE_DYNAMIC));
    /* HF turns a written 0 into the paper's β = 32, α = 1 */
    rope_params p;
    rope_params_init(&p);
    p.beta_fast = p.beta_slow = 0.0;
    CHECK_NEAR(rope_beta_fast(&p), 32.0, 0);
    CHECK_NEAR(rope_beta_slow(&p), 1.0, 0);
}

/* +/- steps by the table's rules, with values worked out by hand. */
static void test_steps(void)
{
    rope_error err;
    rope_params p;
    rope_params_init(&p);
    const rope_knob *f = rope_knob_get(ROPE_KNOB_FACTOR);
    p.factor = 1.75;
    CHECK(rope_knob_step(f, &p, +1, NULL, &err) == 0);
    CHECK_NEAR(p.factor, 2.0, 0);
    CHECK(rope_knob_step(f, &p, +1, NULL, &err) == 0);
    CHECK_NEAR(p.factor, 3.0, 0);
    p.factor = 1.1;
    CHECK(rope_knob_step(f, &p, -1, NULL, &err) == 0);
    CHECK_NEAR(p.factor, 1.0, 0); /* stops at 1 on the way down */
    const rope_knob *o = rope_knob_get(ROPE_KNOB_ORIG_CTX);
    p.orig_ctx = 1 << 30;
    CHECK(rope_knob_step(o, &p, +1, NULL, &err) == -1);
    CHECK_INT(p.orig_ctx, 1 << 30);
    const rope_knob *s = rope_knob_get(ROPE_KNOB_SEQ_LEN);
    p.orig_ctx = 512;
    p.seq_len = 0;
    CHECK(rope_knob_step(s, &p, +1, NULL, &err) == 0);
    CHECK_INT(p.seq_len, 512);
    p.seq_len = 256;
    CHECK(rope_knob_step(s, &p, -1, NULL, &err) == 0);
    CHECK_INT(p.seq_len, 0);
    const rope_knob *tr = rope_knob_get(ROPE_KNOB_TRUNCATE);
    CHECK(rope_knob_step(tr, &p, +1, NULL, &err) == 0);
    CHECK_INT(p.truncate, 0);
    CHECK(rope_knob_step(rope_knob_get(ROPE_KNOB_MSCALE), &p, +1, NULL, &err) == -1);
}

int main(void)
{
    test_table();
    test_every_knob();
    test_steps();
    return check_done("test_knobs");
}
