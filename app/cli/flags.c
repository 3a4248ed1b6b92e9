/* app/cli/flags.c — one loop over argv for a command's table of flags (flags.h); every value is read by
 * ropeargs' strict parsers so the messages match the RoPE flags'. */
#include <stdio.h>
#include <string.h>
#include "flags.h"
#include "ropeargs.h"

/* *idx = the position of v among the '|'-separated words of choices; else -1 with
 * "FLAG: 'V' is not A or B" (three or more words: "A, B or C"). */
static int parse_choice(const char *flag, const char *v, const char *choices, int *idx, rope_error *err)
{
    int count = 1;
    for (const char *c = choices; *c; c++) count += *c == '|';
    char list[256];
    size_t len = 0;
    const char *c = choices;
    for (int k = 0; k < count; k++) {
        size_t w = strcspn(c, "|");
        if (strlen(v) == w && strncmp(v, c, w) == 0) {
            *idx = k;
            return 0;
        }
        const char *sep = k == 0 ? "" : k == count - 1 ? " or " : ", ";
        if (len < sizeof list) {
            int m = snprintf(list + len, sizeof list - len, "%s%.*s", sep, (int)w, c);
            len += m > 0 ? (size_t)m : 0;
        }
        c += w + (c[w] == '|');
    }
    return rope_fail(err, "%s: '%s' is not %s", flag, v, list);
}

/* Reads the flag at argv[*i] (already matched to s) and its value, advancing *i past the value. */
static int parse_one(int argc, char **argv, int *i, const flags_spec *s, rope_error *err)
{
    if (s->kind == FLAGS_SWITCH) {
        *(int *)s->dst = 1;
        return 0;
    }
    const char *v = ropeargs_value(argc, argv, i, s->name, err);
    if (!v) return -1;
    int t = 0;
    switch (s->kind) {
    case FLAGS_STR:
        *(const char **)s->dst = v;
        return 0;
    case FLAGS_INT:
        return ropeargs_int(s->name, v, (long)s->lo, (long)s->hi, (int *)s->dst, err);
    case FLAGS_LONG:
        if (ropeargs_int(s->name, v, (long)s->lo, (long)s->hi, &t, err)) return -1;
        *(long *)s->dst = t;
        return 0;
    case FLAGS_DBL:
        return ropeargs_double(s->name, v, s->lo, s->hi, (double *)s->dst, err);
    case FLAGS_KV:
        if (parse_choice(s->name, v, "keep|rerotate", &t, err)) return -1;
        *(model_kv_mode *)s->dst = t ? MODEL_KV_REROTATE : MODEL_KV_KEEP;
        return 0;
    case FLAGS_CHOICE:
        return parse_choice(s->name, v, s->choices, (int *)s->dst, err);
    case FLAGS_SWITCH:
        break;
    }
    return rope_fail(err, "%s: unknown kind of flag", s->name);
}

int flags_parse(int argc, char **argv, const flags_spec *specs, int n, unsigned char *used, rope_error *err)
{
    for (int i = 1; i < argc; i++) {
        if (used && used[i]) continue;
        const flags_spec *s = NULL;
        for (int k = 0; k < n && !s; k++) {
            const char *name = specs[k].name;
            if (name && (specs[k].kind == FLAGS_SWITCH ? strcmp(argv[i], name) == 0 : ropeargs_is(argv[i], name)))
                s = &specs[k];
        }
        if (!s) {
            if (!used) return i;        /* every word must be a flag: the caller names this one */
            continue;                   /* a RoPE flag, a positional argument: not ours */
        }
        int at = i;
        if (parse_one(argc, argv, &i, s, err)) return -1;
        if (used)
            for (int j = at; j <= i; j++) used[j] = 1;
    }
    return 0;
}
