/* app/cli/ropeargs.c — parsing of the shared RoPE flags: a config file or preset first, then every
 * flag on top of it, with strict numbers and one-line messages that name the flag. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ropeargs.h"

const char ropeargs_help[] =
    "RoPE parameters (a --config or --preset is read first; flags override it):\n"
    "  --method M            none | linear | ntk | dynamic | ntk-parts | yarn | dynamic-yarn |\n"
    "                        llama3 | longrope (HF spellings such as rope_type values work too)\n"
    "  --flavor F            hf (default) | llamacpp: whose arithmetic and rules to follow\n"
    "  --head-dim N          elements per attention head (even)             [64]\n"
    "  --partial-rotary X    fraction of head_dim that rotates, (0,1]          [1]\n"
    "  --base B              rope_theta                                       [10000]\n"
    "  --orig-ctx L          original (pre-extension) context, tokens          [512]\n"
    "  --max-pos N           max_position_embeddings (dynamic NTK's L)         [= orig-ctx]\n"
    "  --factor S            scale factor s >= 1                               [1]\n"
    "  --beta-fast X         YaRN beta (high-frequency bound, rotations in L)  [32]\n"
    "  --beta-slow X         YaRN alpha (low-frequency bound)                  [1]\n"
    "  --truncate on|off     floor/ceil the YaRN correction range              [on]\n"
    "  --mscale X, --mscale-all-dim X, --attention-factor X   YaRN magnitude keys (HF semantics)\n"
    "  --low-freq-factor X, --high-freq-factor X              Llama 3 bands   [1, 4]\n"
    "  --seq-len N           current sequence length for dynamic methods (0 = start-up) [0]\n"
    "  --config FILE         read a Hugging Face config.json\n"
    "  --preset NAME         a published model config (see `ropescope freqs --list-presets`)\n";

int ropeargs_is(const char *arg, const char *flag)
{
    size_t n = strlen(flag);
    return strncmp(arg, flag, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

const char *ropeargs_value(int argc, char **argv, int *i, const char *flag, rope_error *err)
{
    const char *eq = strchr(argv[*i], '=');
    if (eq && strncmp(argv[*i], "--", 2) == 0)
        return eq + 1;
    if (*i + 1 >= argc) {
        rope_fail(err, "%s needs a value (see --help)", flag);
        return NULL;
    }
    return argv[++*i];
}

int ropeargs_double(const char *flag, const char *s, double lo, double hi, double *out, rope_error *err)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end != s && *end == '\0' && errno == ERANGE && fabs(v) < 1.0)
        return rope_fail(err, "%s: '%s' is too close to zero (below 2.2e-308, the smallest normal double)", flag, s);
    if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v))
        return rope_fail(err, "%s: '%s' is not a finite number", flag, s);
    if (v < lo || v > hi)
        return rope_fail(err, "%s: %s is out of range; use %g to %g", flag, s, lo, hi);
    *out = v;
    return 0;
}

int ropeargs_int(const char *flag, const char *s, long lo, long hi, int *out, rope_error *err)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || errno == ERANGE)
        return rope_fail(err, "%s: '%s' is not a whole number", flag, s);
    if (v < lo || v > hi)
        return rope_fail(err, "%s: %s is out of range; use %ld to %ld", flag, s, lo, hi);
    *out = (int)v;
    return 0;
}

static int parse_bool(const char *flag, const char *s, int *out, rope_error *err)
{
    static const char *yes[] = { "on", "true", "1", "yes" }, *no[] = { "off", "false", "0", "no" };
    for (int k = 0; k < 4; k++) {
        if (strcmp(s, yes[k]) == 0) { *out = 1; return 0; }
        if (strcmp(s, no[k]) == 0) { *out = 0; return 0; }
    }
    return rope_fail(err, "%s: '%s' is not on/off (true/false)", flag, s);
}

/* Loads --config / --preset (the last one given wins); returns -1 on error. */
static int load_source(int argc, char **argv, ropeargs *ra, unsigned char *consumed, rope_error *err)
{
    for (int i = 1; i < argc; i++) {
        int is_cfg = ropeargs_is(argv[i], "--config"), is_pre = ropeargs_is(argv[i], "--preset");
        if (!is_cfg && !is_pre)
            continue;
        consumed[i] = 1;
        int at = i;
        const char *v = ropeargs_value(argc, argv, &i, is_cfg ? "--config" : "--preset", err);
        if (!v)
            return -1;
        consumed[i] = 1;
        (void)at;
        rope_error e2;
        int rc = is_cfg ? rope_config_load(v, &ra->cfg, &e2) : rope_preset_load(v, &ra->cfg, &e2);
        if (rc)
            return rope_fail(err, "%s", e2.msg);
        snprintf(ra->source, sizeof ra->source, "%s%s", is_cfg ? "" : "preset ", v);
        ra->loaded = 1;
    }
    return 0;
}

#define BIG 1e12

int ropeargs_parse(int argc, char **argv, ropeargs *ra, unsigned char *consumed, rope_error *err)
{
    memset(ra, 0, sizeof *ra);
    rope_config_init(&ra->cfg);
    if (load_source(argc, argv, ra, consumed, err))
        return -1;
    rope_params *p = &ra->cfg.params;
    int max_pos_given = 0, orig_given = 0;
    for (int i = 1; i < argc; i++) {
        if (consumed[i] || strncmp(argv[i], "--", 2) != 0)
            continue;
        int start = i, rc = 0;
        const char *v;
        char flag[32];
        snprintf(flag, sizeof flag, "%.*s", (int)strcspn(argv[i], "="), argv[i]);
#define VALUE() do { v = ropeargs_value(argc, argv, &i, flag, err); if (!v) return -1; } while (0)
        if (!strcmp(flag, "--method")) {
            VALUE();
            if (rope_method_from_name(v, &p->method))
                return rope_fail(err, "--method: '%s' is unknown; use none, linear, ntk, dynamic, ntk-parts, "
                                      "yarn, dynamic-yarn, llama3 or longrope", v);
        } else if (!strcmp(flag, "--flavor")) {
            VALUE();
            if (rope_flavor_from_name(v, &p->flavor))
                return rope_fail(err, "--flavor: '%s' is unknown; use hf or llamacpp", v);
        } else if (!strcmp(flag, "--head-dim")) {
            VALUE(); rc = ropeargs_int(flag, v, 1, 1 << 20, &p->head_dim, err);
        } else if (!strcmp(flag, "--partial-rotary")) {
            VALUE(); rc = ropeargs_double(flag, v, -BIG, BIG, &p->partial_rotary, err);
        } else if (!strcmp(flag, "--base")) {
            VALUE(); rc = ropeargs_double(flag, v, -BIG, BIG, &p->base, err);
        } else if (!strcmp(flag, "--orig-ctx")) {
            VALUE(); rc = ropeargs_int(flag, v, 1, 1 << 30, &p->orig_ctx, err); orig_given = 1;
        } else if (!strcmp(flag, "--max-pos")) {
            VALUE(); rc = ropeargs_int(flag, v, 1, 1 << 30, &p->max_pos, err); max_pos_given = 1;
        } else if (!strcmp(flag, "--factor")) {
            VALUE(); rc = ropeargs_double(flag, v, -BIG, BIG, &p->factor, err);
        } else if (!strcmp(flag, "--beta-fast")) {
            VALUE(); rc = ropeargs_double(flag, v, -BIG, BIG, &p->beta_fast, err);
        } else if (!strcmp(flag, "--beta-slow")) {
            VALUE(); rc = ropeargs_double(flag, v, -BIG, BIG, &p->beta_slow, err);
        } else if (!strcmp(flag, "--truncate")) {
            VALUE(); rc = parse_bool(flag, v, &p->truncate, err);
        } else if (!strcmp(flag, "--mscale")) {
            VALUE(); rc = ropeargs_double(flag, v, -BIG, BIG, &p->mscale, err);
        } else if (!strcmp(flag, "--mscale-all-dim")) {
            VALUE(); rc = ropeargs_double(flag, v, -BIG, BIG, &p->mscale_all_dim, err);
        } else if (!strcmp(flag, "--attention-factor")) {
            VALUE(); rc = ropeargs_double(flag, v, -BIG, BIG, &p->attention_factor, err);
            p->has_attention_factor = 1;
        } else if (!strcmp(flag, "--low-freq-factor")) {
            VALUE(); rc = ropeargs_double(flag, v, -BIG, BIG, &p->low_freq_factor, err);
        } else if (!strcmp(flag, "--high-freq-factor")) {
            VALUE(); rc = ropeargs_double(flag, v, -BIG, BIG, &p->high_freq_factor, err);
        } else if (!strcmp(flag, "--seq-len")) {
            VALUE(); rc = ropeargs_int(flag, v, 0, 1 << 30, &p->seq_len, err);
        } else {
            continue; /* not ours */
        }
#undef VALUE
        if (rc)
            return -1;
        for (int k = start; k <= i; k++)
            consumed[k] = 1;
    }
    /* without a config, max_position_embeddings follows the original context unless given */
    if (orig_given && !max_pos_given && !ra->loaded)
        p->max_pos = p->orig_ctx;
    rope_error e2;
    if (rope_params_validate(p, &e2))
        return rope_fail(err, "%s%s%s", ra->loaded ? ra->source : "", ra->loaded ? ": " : "", e2.msg);
    return 0;
}
