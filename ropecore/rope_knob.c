/* ropecore/rope_knob.c — the RoPE knob table (rope_knob.h) and the one way each knob's word is
 * parsed, its value printed and its +/- step taken, shared by the CLI flags and the explorer. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rope_knob.h"

#define BIG     1e12
#define MAX_CTX (1 << 30)
#define AT(field) offsetof(rope_params, field)

/* The --help text keeps its own alignment: a row whose flags are longer than the column carries
 * the spaces before its text. */
static const rope_knob knobs[ROPE_KNOB_COUNT] = {
    { ROPE_KNOB_METHOD, "method", "--method", "rope_type", ROPE_KNOB_METHODS, AT(method), -1, 0, 0, "",
      ROPE_STEP_NEXT, 0, NULL, "M",
      "none | linear | ntk | dynamic | ntk-parts | yarn | dynamic-yarn |\n"
      "                        llama3 | longrope (HF spellings such as rope_type values work too)" },
    { ROPE_KNOB_FLAVOR, "flavor", "--flavor", NULL, ROPE_KNOB_FLAVORS, AT(flavor), -1, 0, 0, "",
      ROPE_STEP_NEXT, 0, NULL, "F", "hf (default) | llamacpp | vllm: whose arithmetic and rules to follow" },
    { ROPE_KNOB_HEAD_DIM, "head_dim", "--head-dim", "head_dim", ROPE_KNOB_INT, AT(head_dim), -1, 1, 1 << 20, "",
      ROPE_STEP_DOUBLE, 0, NULL, "N", "elements per attention head (even)             [64]" },
    { ROPE_KNOB_PARTIAL_ROTARY, "partial_rotary", "--partial-rotary", "partial_rotary_factor", ROPE_KNOB_REAL,
      AT(partial_rotary), -1, -BIG, BIG, "", ROPE_STEP_NONE, 0, NULL, "X",
      "fraction of head_dim that rotates, (0,1]          [1]" },
    { ROPE_KNOB_BASE, "base", "--base", "rope_theta", ROPE_KNOB_REAL, AT(base), -1, -BIG, BIG, "",
      ROPE_STEP_DOUBLE, 0, NULL, "B", "rope_theta                                       [10000]" },
    { ROPE_KNOB_ORIG_CTX, "orig_ctx", "--orig-ctx", "original_max_position_embeddings", ROPE_KNOB_INT,
      AT(orig_ctx), -1, 1, MAX_CTX, " tokens", ROPE_STEP_DOUBLE, 0, NULL, "L",
      "original (pre-extension) context, tokens          [512]" },
    { ROPE_KNOB_MAX_POS, "max_pos", "--max-pos", "max_position_embeddings", ROPE_KNOB_INT, AT(max_pos), -1,
      1, MAX_CTX, " tokens", ROPE_STEP_NONE, ROPE_USES_MAX_POS, NULL, "N",
      "max_position_embeddings (dynamic NTK's L)         [= orig-ctx]" },
    { ROPE_KNOB_FACTOR, "factor", "--factor", "factor", ROPE_KNOB_REAL, AT(factor), -1, -BIG, BIG, "",
      ROPE_STEP_FACTOR, ROPE_USES_FACTOR, NULL, "S", "scale factor s >= 1                               [1]" },
    { ROPE_KNOB_BETA_FAST, "beta_fast", "--beta-fast", "beta_fast", ROPE_KNOB_REAL, AT(beta_fast), -1, -BIG, BIG,
      "", ROPE_STEP_UNIT, ROPE_USES_BETAS, NULL, "X", "YaRN beta (high-frequency bound, rotations in L)  [32]" },
    { ROPE_KNOB_BETA_SLOW, "beta_slow", "--beta-slow", "beta_slow", ROPE_KNOB_REAL, AT(beta_slow), -1, -BIG, BIG,
      "", ROPE_STEP_FINE, ROPE_USES_BETAS, NULL, "X", "YaRN alpha (low-frequency bound)                  [1]" },
    { ROPE_KNOB_TRUNCATE, "truncate", "--truncate", "truncate", ROPE_KNOB_BOOL, AT(truncate), -1, 0, 1, "",
      ROPE_STEP_TOGGLE, ROPE_USES_TRUNCATE, NULL, "on|off",
      "floor/ceil the YaRN correction range              [on]" },
    { ROPE_KNOB_MSCALE, "mscale", "--mscale", "mscale", ROPE_KNOB_REAL, AT(mscale), -1, -BIG, BIG, "",
      ROPE_STEP_NONE, ROPE_USES_MSCALE, NULL, "X", NULL },
    { ROPE_KNOB_MSCALE_ALL_DIM, "mscale_all_dim", "--mscale-all-dim", "mscale_all_dim", ROPE_KNOB_REAL,
      AT(mscale_all_dim), -1, -BIG, BIG, "", ROPE_STEP_NONE, ROPE_USES_MSCALE, NULL, "X", NULL },
    { ROPE_KNOB_ATTENTION_FACTOR, "attn_factor", "--attention-factor", "attention_factor", ROPE_KNOB_REAL_AUTO,
      AT(attention_factor), (int)AT(has_attention_factor), -BIG, BIG, "", ROPE_STEP_MAGNITUDE, ROPE_USES_MSCALE,
      NULL, "X", "  YaRN magnitude keys (HF semantics)" },
    { ROPE_KNOB_LOW_FREQ_FACTOR, "low_freq_factor", "--low-freq-factor", "low_freq_factor", ROPE_KNOB_REAL,
      AT(low_freq_factor), -1, -BIG, BIG, "", ROPE_STEP_NONE, ROPE_USES_LLAMA3, NULL, "X", NULL },
    { ROPE_KNOB_HIGH_FREQ_FACTOR, "high_freq_factor", "--high-freq-factor", "high_freq_factor", ROPE_KNOB_REAL,
      AT(high_freq_factor), -1, -BIG, BIG, "", ROPE_STEP_NONE, ROPE_USES_LLAMA3, NULL, "X",
      "             Llama 3 bands   [1, 4]" },
    { ROPE_KNOB_SEQ_LEN, "seq_len", "--seq-len", NULL, ROPE_KNOB_INT, AT(seq_len), -1, 0, MAX_CTX, " tokens",
      ROPE_STEP_SEQ, ROPE_USES_SEQ_LEN, " (start-up)", "N",
      "current sequence length for dynamic methods (0 = start-up) [0]" },
};

const rope_knob *rope_knob_get(rope_knob_id id)
{
    return (unsigned)id < ROPE_KNOB_COUNT ? &knobs[id] : NULL;
}

const rope_knob *rope_knob_by_flag(const char *arg)
{
    size_t n = arg ? strcspn(arg, "=") : 0;
    for (int i = 0; n && i < ROPE_KNOB_COUNT; i++)
        if (strlen(knobs[i].flag) == n && strncmp(arg, knobs[i].flag, n) == 0)
            return &knobs[i];
    return NULL;
}

const rope_knob *rope_knob_by_name(const char *name)
{
    for (int i = 0; name && i < ROPE_KNOB_COUNT; i++)
        if (strcmp(name, knobs[i].name) == 0)
            return &knobs[i];
    return NULL;
}

int rope_knob_used(const rope_knob *k, rope_method m)
{
    const rope_method_info *mi = rope_method_get(m);
    return k->uses == 0 || (mi && (mi->uses & k->uses) != 0);
}

/* --- words ------------------------------------------------------------------------------------ */

int rope_parse_double(const char *label, const char *s, double lo, double hi, double *out, rope_error *err)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end != s && *end == '\0' && errno == ERANGE && fabs(v) < 1.0)
        return rope_fail(err, "%s: '%s' is too close to zero (below 2.2e-308, the smallest normal double)", label, s);
    if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v))
        return rope_fail(err, "%s: '%s' is not a finite number", label, s);
    if (v < lo || v > hi)
        return rope_fail(err, "%s: %s is out of range; use %g to %g", label, s, lo, hi);
    *out = v;
    return 0;
}

int rope_parse_int(const char *label, const char *s, long lo, long hi, int *out, rope_error *err)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || errno == ERANGE)
        return rope_fail(err, "%s: '%s' is not a whole number", label, s);
    if (v < lo || v > hi)
        return rope_fail(err, "%s: %s is out of range; use %ld to %ld", label, s, lo, hi);
    *out = (int)v;
    return 0;
}

static int same_word(const char *a, const char *b) /* ASCII, any letter case */
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
    return *a == *b;
}

int rope_parse_bool(const char *s, int *out)
{
    static const char *const yes[] = { "on", "true", "yes", "1" }, *const no[] = { "off", "false", "no", "0" };
    for (int i = 0; s && i < 4; i++) {
        if (same_word(s, yes[i])) { *out = 1; return 0; }
        if (same_word(s, no[i])) { *out = 0; return 0; }
    }
    return -1;
}

/* --- the knobs' values ------------------------------------------------------------------------- */

static double *real_at(const rope_knob *k, rope_params *p) { return (double *)((char *)p + k->offset); }
static int *int_at(const rope_knob *k, rope_params *p) { return (int *)((char *)p + k->offset); }
static int *has_at(const rope_knob *k, rope_params *p) { return (int *)((char *)p + k->has_offset); }
static double real_of(const rope_knob *k, const rope_params *p) { return *real_at(k, (rope_params *)p); }
static int int_of(const rope_knob *k, const rope_params *p) { return *int_at(k, (rope_params *)p); }

int rope_knob_parse(const rope_knob *k, const char *label, const char *text, rope_params *p, rope_error *err)
{
    double d;
    int i;
    switch (k->type) {
    case ROPE_KNOB_REAL:
        if (rope_parse_double(label, text, k->lo, k->hi, &d, err))
            return -1;
        *real_at(k, p) = d;
        return 0;
    case ROPE_KNOB_REAL_AUTO:
        if (!*text || same_word(text, "auto") || same_word(text, "none")) {
            *has_at(k, p) = 0;
            return 0;
        }
        if (rope_parse_double(label, text, k->lo, k->hi, &d, err))
            return -1;
        *real_at(k, p) = d;
        *has_at(k, p) = 1;
        return 0;
    case ROPE_KNOB_INT:
        if (rope_parse_int(label, text, (long)k->lo, (long)k->hi, &i, err))
            return -1;
        *int_at(k, p) = i;
        return 0;
    case ROPE_KNOB_BOOL:
        if (rope_parse_bool(text, &i))
            return rope_fail(err, "%s: '%s' is not on/off (true/false)", label, text);
        *int_at(k, p) = i;
        return 0;
    case ROPE_KNOB_METHODS:
        if (rope_method_from_name(text, &p->method))
            return rope_fail(err, "%s: '%s' is unknown; use none, linear, ntk, dynamic, ntk-parts, "
                                  "yarn, dynamic-yarn, llama3 or longrope", label, text);
        return 0;
    case ROPE_KNOB_FLAVORS:
        if (rope_flavor_from_name(text, &p->flavor))
            return rope_fail(err, "%s: '%s' is unknown; use hf, llamacpp or vllm", label, text);
        return 0;
    }
    return rope_fail(err, "%s: knob type %d is unknown", label, (int)k->type);
}

void rope_knob_format(const rope_knob *k, const rope_params *p, const rope_table *t, char *buf, size_t n)
{
    switch (k->type) {
    case ROPE_KNOB_REAL:
        snprintf(buf, n, "%g", real_of(k, p));
        return;
    case ROPE_KNOB_REAL_AUTO:
        if (*has_at(k, (rope_params *)p))
            snprintf(buf, n, "%g", real_of(k, p));
        else if (t)
            snprintf(buf, n, "auto(%.4g)", t->magnitude);
        else
            snprintf(buf, n, "auto");
        return;
    case ROPE_KNOB_INT:
        snprintf(buf, n, "%d%s", int_of(k, p), int_of(k, p) == 0 && k->zero_note ? k->zero_note : "");
        return;
    case ROPE_KNOB_BOOL:
        snprintf(buf, n, "%s", int_of(k, p) ? "on" : "off");
        return;
    case ROPE_KNOB_METHODS: {
        const rope_method_info *mi = rope_method_get(p->method);
        snprintf(buf, n, "%s", mi ? mi->name : "?");
        return;
    }
    case ROPE_KNOB_FLAVORS:
        snprintf(buf, n, "%s", rope_flavor_name(p->flavor));
        return;
    }
    snprintf(buf, n, "?");
}

/* ±0.25 below 2, ±1 from 2 up (at exactly 2: up by 1, down by 0.25). */
static double step_fine(double v, int up)
{
    double st = (up ? v < 2 : v <= 2) ? 0.25 : 1.0;
    return up ? v + st : v - st;
}

static int set_whole(const rope_knob *k, rope_params *p, long v, rope_error *err)
{
    if (v < (long)k->lo || v > (long)k->hi)
        return rope_fail(err, "%s %ld is out of range; use %ld to %ld%s", k->name, v, (long)k->lo, (long)k->hi,
                         k->unit);
    *int_at(k, p) = (int)v;
    return 0;
}

int rope_knob_step(const rope_knob *k, rope_params *p, int dir, const rope_table *t, rope_error *err)
{
    int up = dir > 0;
    switch (k->step) {
    case ROPE_STEP_NONE:
        break;
    case ROPE_STEP_FACTOR: {
        double old = real_of(k, p), v = step_fine(old, up);
        *real_at(k, p) = !up && v < 1.0 && old > 1.0 ? 1.0 : v;
        return 0;
    }
    case ROPE_STEP_FINE:
        *real_at(k, p) = step_fine(real_of(k, p), up);
        return 0;
    case ROPE_STEP_UNIT:
        *real_at(k, p) = real_of(k, p) + (up ? 1.0 : -1.0);
        return 0;
    case ROPE_STEP_DOUBLE:
        if (k->type == ROPE_KNOB_INT)
            return set_whole(k, p, up ? 2L * int_of(k, p) : int_of(k, p) / 2, err);
        *real_at(k, p) = up ? real_of(k, p) * 2 : real_of(k, p) / 2;
        return 0;
    case ROPE_STEP_TOGGLE:
        *int_at(k, p) = !int_of(k, p);
        return 0;
    case ROPE_STEP_NEXT:
        if (k->type == ROPE_KNOB_FLAVORS) {
            p->flavor = (rope_flavor)(((int)p->flavor + (up ? 1 : ROPE_FLAVOR_COUNT - 1)) % ROPE_FLAVOR_COUNT);
            return 0;
        }
        if (k->type == ROPE_KNOB_METHODS) {
            p->method = (rope_method)(((int)p->method + (up ? 1 : ROPE_METHOD_COUNT - 1)) % ROPE_METHOD_COUNT);
            return 0;
        }
        break;
    case ROPE_STEP_MAGNITUDE: {
        if (!*has_at(k, p) && !t)
            return rope_fail(err, "%s: the magnitude in effect is unknown; type a value", k->name);
        double cur = *has_at(k, p) ? real_of(k, p) : t->magnitude;
        *has_at(k, p) = 1;
        *real_at(k, p) = floor((cur + (up ? 0.05 : -0.05)) * 1000 + 0.5) / 1000;
        return 0;
    }
    case ROPE_STEP_SEQ: {
        long v = int_of(k, p);
        v = up ? (v ? 2L * v : p->orig_ctx) : (v <= p->orig_ctx / 2 ? 0 : v / 2);
        return set_whole(k, p, v, err);
    }
    }
    return rope_fail(err, "%s has no step; type a value", k->name);
}

void rope_knob_copy(const rope_knob *k, rope_params *dst, const rope_params *src)
{
    switch (k->type) {
    case ROPE_KNOB_REAL:
        *real_at(k, dst) = real_of(k, src);
        break;
    case ROPE_KNOB_REAL_AUTO:
        *real_at(k, dst) = real_of(k, src);
        *has_at(k, dst) = *has_at(k, (rope_params *)src);
        break;
    case ROPE_KNOB_INT:
    case ROPE_KNOB_BOOL:
        *int_at(k, dst) = int_of(k, src);
        break;
    case ROPE_KNOB_METHODS:
        dst->method = src->method;
        break;
    case ROPE_KNOB_FLAVORS:
        dst->flavor = src->flavor;
        break;
    }
}
