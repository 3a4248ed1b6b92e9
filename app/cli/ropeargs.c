/* app/cli/ropeargs.c — parsing of the shared RoPE flags: a config file or preset first, then every
 * flag on top of it, with strict numbers and one-line messages that name the flag. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rope_knob.h"
#include "ropeargs.h"

/* The rows come from the knob table (rope_knob.c); --config and --preset are not knobs. */
const char *ropeargs_help_text(void)
{
    static char text[4096];
    if (text[0])
        return text;
    size_t at = (size_t)snprintf(text, sizeof text,
                                 "RoPE parameters (a --config or --preset is read first; flags override it):\n");
    char left[256] = "";
    for (int i = 0; i < ROPE_KNOB_COUNT && at < sizeof text; i++) {
        const rope_knob *k = rope_knob_get((rope_knob_id)i);
        size_t l = strlen(left);
        snprintf(left + l, sizeof left - l, "%s %s%s", k->flag, k->help_arg, k->help ? "" : ", ");
        if (!k->help)
            continue;
        at += (size_t)snprintf(text + at, sizeof text - at, "  %-21s %s\n", left, k->help);
        left[0] = '\0';
    }
    if (at < sizeof text)
        snprintf(text + at, sizeof text - at, "%s",
                 "  --config FILE         read a Hugging Face config.json\n"
                 "  --preset NAME         a published model config (see `ropescope freqs --list-presets`)\n");
    return text;
}

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
    return rope_parse_double(flag, s, lo, hi, out, err);
}

int ropeargs_int(const char *flag, const char *s, long lo, long hi, int *out, rope_error *err)
{
    return rope_parse_int(flag, s, lo, hi, out, err);
}

/* The commands that take their RoPE defaults from a model's GGUF: cmd_model_load warns for them on the
 * merged values (the model may already declare a method). The explorer is left out: it shows the
 * method and factor on screen and lets them change. */
static int warns_later(const char *cmd)
{
    static const char *const later[] = { "gen", "ppl", "passkey", "compare", "decay", "bench", "tui", "window" };
    for (size_t i = 0; i < sizeof later / sizeof later[0]; i++)
        if (!strcmp(cmd, later[i]))
            return 1;
    return 0;
}

int ropeargs_warn_plain(int argc, char **argv, const ropeargs *ra, const rope_params *p)
{
    int flag = 0, listed = argc > 0 && !strcmp(argv[0], "compare");
    for (int i = 1; i < argc; i++) {
        flag |= ropeargs_is(argv[i], "--factor");
        listed |= ropeargs_is(argv[i], "--methods");
    }
    /* a config whose dict says factor 8 with the default type resolves to factor 1: name the 8 */
    double s = !flag && ra->loaded && ra->cfg.raw.has_factor ? ra->cfg.raw.factor : p->factor;
    if (argc < 1 || listed || p->method != ROPE_NONE || !(s > 1.0))
        return 0;
    fprintf(stderr, "ropescope %s: warning: factor %g (%s) with method none is plain RoPE: the factor is ignored "
            "and nothing is extended; add --method yarn (or linear, ntk, dynamic, llama3)\n", argv[0], s,
            flag || !ra->loaded ? "--factor" : ra->source);
    return 1;
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
        const rope_knob *k = rope_knob_by_flag(argv[i]);
        if (!k)
            continue; /* not ours */
        int start = i;
        const char *v = ropeargs_value(argc, argv, &i, k->flag, err);
        if (!v || rope_knob_parse(k, k->flag, v, p, err))
            return -1;
        orig_given |= k->id == ROPE_KNOB_ORIG_CTX;
        max_pos_given |= k->id == ROPE_KNOB_MAX_POS;
        for (int j = start; j <= i; j++)
            consumed[j] = 1;
    }
    /* without a config, max_position_embeddings follows the original context unless given */
    if (orig_given && !max_pos_given && !ra->loaded)
        p->max_pos = p->orig_ctx;
    rope_error e2;
    if (rope_params_validate(p, &e2))
        return rope_fail(err, "%s%s%s", ra->loaded ? ra->source : "", ra->loaded ? ": " : "", e2.msg);
    if (argc > 0 && !warns_later(argv[0]))
        ropeargs_warn_plain(argc, argv, ra, p);
    return 0;
}
