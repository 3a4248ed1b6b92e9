/* app/cmd/cmd_parity.c — `ropescope parity`: one config as transformers, llama.cpp and vLLM run it, side
 * by side (rope_parity_check does the comparison), as aligned text or one JSON object; --strict exits 1
 * when the engines disagree, for CI. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
#include "cmdutil.h"
#include "rope_parity.h"
#include "ropeargs.h"

static void help(void)
{
    printf("usage: ropescope parity (--config FILE | --preset NAME | RoPE flags) [--max-model-len N] [--json]\n"
           "                        [--strict]\n\n"
           "The config as each engine runs it: transformers (hf), llama.cpp (llamacpp) and vLLM (vllm, its\n"
           "newest rotary-embedding code; older releases in dated notes). Per engine: what it runs, the\n"
           "YaRN correction range, the cos/sin magnitude, the logit multiplier (magnitude^2 x the softmax\n"
           "scale), the largest per-pair inv_freq difference from transformers and where, and the config\n"
           "keys it reads or ignores; then one line per disagreement with its cause.\n\n"
           "Lengths: the served length (vLLM --max-model-len, llama.cpp -c) is the config's serving context\n"
           "(max_position_embeddings x factor for dynamic NTK) unless --max-model-len gives it; where\n"
           "transformers depends on the current length (dynamic NTK, LongRoPE) a prompt of min(L, served)\n"
           "tokens is compared too.\n\n"
           "Output:\n  --json                one object: hf, llamacpp, vllm (each with inv_freq and attention_factor),\n"
           "                        \"agree\": true|false, the differences and notes\n"
           "  --strict              exit 1 when the engines disagree (0 when they agree)\n"
           "Exit status: 0 (also on disagreement without --strict), 1 with --strict on disagreement,\n"
           "2 on a bad config (missing keys, unknown rope_type, contradictory keys) or flag.\n\n%s",
           ropeargs_help);
}

static cJSON *string_list(const char *csv)
{
    cJSON *a = cJSON_CreateArray();
    char buf[256];
    snprintf(buf, sizeof buf, "%s", csv);
    for (char *save = NULL, *t = strtok_r(buf, ", ", &save); t; t = strtok_r(NULL, ", ", &save))
        cJSON_AddItemToArray(a, cJSON_CreateString(t));
    return a;
}

static cJSON *inv_freq_json(const rope_table *t)
{
    double v[ROPE_MAX_PAIRS];
    for (int i = 0; i < t->n_pairs; i++)
        v[i] = t->pair[i].theta_scaled;
    return cmd_json_array(v, t->n_pairs);
}

static const char *what_name(rope_parity_what w)
{
    switch (w) {
    case ROPE_DIFF_REFUSED: return "refused";
    case ROPE_DIFF_INV_FREQ: return "inv_freq";
    case ROPE_DIFF_MAGNITUDE: return "magnitude";
    case ROPE_DIFF_SOFTMAX: return "softmax_scale";
    }
    return "?";
}

static int any_length_dependent(const rope_parity *pr)
{
    for (int f = 0; f < ROPE_FLAVOR_COUNT; f++)
        if (pr->eng[f].ok && pr->eng[f].length_dependent)
            return 1;
    return 0;
}

static int print_json(const char *source, const rope_parity *pr)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "source", source);
    cJSON_AddNumberToObject(o, "served_length", pr->served);
    cJSON_AddNumberToObject(o, "prompt_length", pr->prompt);
    int both = any_length_dependent(pr);
    for (int f = 0; f < ROPE_FLAVOR_COUNT; f++) {
        const rope_engine *e = &pr->eng[f];
        cJSON *j = cJSON_AddObjectToObject(o, rope_flavor_name((rope_flavor)f));
        cJSON_AddBoolToObject(j, "ok", e->ok);
        cJSON_AddStringToObject(j, "runs", e->runs);
        cJSON_AddItemToObject(j, "keys_read", string_list(e->keys_read));
        cJSON_AddItemToObject(j, "keys_ignored", string_list(e->keys_ignored));
        if (!e->ok) {
            cJSON_AddStringToObject(j, "error", e->error);
            cJSON_AddNullToObject(j, "inv_freq");
            cJSON_AddNullToObject(j, "attention_factor");
            continue;
        }
        cJSON_AddItemToObject(j, "inv_freq", inv_freq_json(&e->table));
        cJSON_AddNumberToObject(j, "attention_factor", e->table.magnitude);
        cJSON_AddNumberToObject(j, "softmax_multiplier", e->softmax_mult);
        cJSON_AddNumberToObject(j, "logit_multiplier", e->logit_mult);
        if (e->table.has_corr) {
            cJSON *c = cJSON_AddObjectToObject(j, "correction_range");
            cJSON_AddNumberToObject(c, "low", e->table.corr_low);
            cJSON_AddNumberToObject(c, "high", e->table.corr_high);
        } else {
            cJSON_AddNullToObject(j, "correction_range");
        }
        double rel;
        int at;
        rope_parity_max_rel(pr, (rope_flavor)f, 0, &rel, &at);
        cJSON_AddNumberToObject(j, "max_rel_vs_hf", rel);
        cJSON_AddNumberToObject(j, "max_rel_pair", at);
        if (both) {
            cJSON *s = cJSON_AddObjectToObject(j, "short");
            cJSON_AddNumberToObject(s, "length", pr->prompt);
            cJSON_AddItemToObject(s, "inv_freq", inv_freq_json(&e->table_short));
            cJSON_AddNumberToObject(s, "attention_factor", e->table_short.magnitude);
        }
    }
    cJSON_AddBoolToObject(o, "agree", pr->agree);
    cJSON *d = cJSON_AddArrayToObject(o, "differences");
    for (int k = 0; k < pr->n_diffs; k++) {
        cJSON *it = cJSON_CreateObject();
        cJSON_AddStringToObject(it, "engine", rope_flavor_name(pr->diff[k].engine));
        cJSON_AddStringToObject(it, "versus", rope_flavor_name(pr->diff[k].ref));
        cJSON_AddStringToObject(it, "what", what_name(pr->diff[k].what));
        cJSON_AddNumberToObject(it, "length", pr->diff[k].at_short ? pr->prompt : pr->served);
        cJSON_AddStringToObject(it, "line", pr->diff[k].line);
        cJSON_AddItemToArray(d, it);
    }
    cJSON *n = cJSON_AddArrayToObject(o, "notes");
    for (int k = 0; k < pr->n_notes; k++)
        cJSON_AddItemToArray(n, cJSON_CreateString(pr->note[k]));
    return cmd_print_json(o);
}

#define COL 30

static void row(const char *label, const char *cells[ROPE_FLAVOR_COUNT])
{
    printf("%-18s", label);
    for (int f = 0; f < ROPE_FLAVOR_COUNT; f++)
        printf(" %-*s", COL, cells[f]);
    putchar('\n');
}

static void print_text(const char *source, const rope_config *c, const rope_parity *pr)
{
    const rope_params *p = &c->params;
    char cell[ROPE_FLAVOR_COUNT][64];
    const char *cells[ROPE_FLAVOR_COUNT];
    for (int f = 0; f < ROPE_FLAVOR_COUNT; f++)
        cells[f] = cell[f];
    printf("parity %s: %s, rot dim %d, base %g, L %d, factor %g; served length %d\n\n", source,
           rope_method_get(p->method)->name, rope_params_rot_dim(p), p->base, p->orig_ctx, p->factor, pr->served);
    for (int f = 0; f < ROPE_FLAVOR_COUNT; f++)
        snprintf(cell[f], sizeof cell[f], "%s", rope_flavor_name((rope_flavor)f));
    row("", cells);
#define EACH(label, ...) do { for (int f = 0; f < ROPE_FLAVOR_COUNT; f++) { const rope_engine *e = &pr->eng[f]; \
        if (!e->ok) snprintf(cell[f], sizeof cell[f], "refuses"); else snprintf(cell[f], sizeof cell[f], __VA_ARGS__); } \
        row(label, cells); } while (0)
    for (int f = 0; f < ROPE_FLAVOR_COUNT; f++)
        snprintf(cell[f], sizeof cell[f], "%.*s", COL, pr->eng[f].runs);
    row("runs", cells);
    if (pr->eng[ROPE_FLAVOR_HF].table.has_corr)
        EACH("corr range", "%.6g-%.6g", e->table.corr_low, e->table.corr_high);
    EACH("magnitude", "%.6f", e->table.magnitude);
    EACH("softmax scale", "x%.6g", e->softmax_mult);
    EACH("logit multiplier", "x%.6f", e->logit_mult);
    int both = any_length_dependent(pr);
    for (int k = 0; k < (both ? 2 : 1); k++) {
        char label[40];
        snprintf(label, sizeof label, k ? "  at %d tokens" : "inv_freq vs hf", pr->prompt);
        for (int f = 0; f < ROPE_FLAVOR_COUNT; f++) {
            double rel;
            int at;
            rope_parity_max_rel(pr, (rope_flavor)f, k, &rel, &at);
            if (!pr->eng[f].ok)
                snprintf(cell[f], sizeof cell[f], "refuses");
            else if (f == ROPE_FLAVOR_HF)
                snprintf(cell[f], sizeof cell[f], "-");
            else if (rel <= ROPE_PARITY_REL_TOL)
                snprintf(cell[f], sizeof cell[f], "agree (%.2g)", rel);
            else
                snprintf(cell[f], sizeof cell[f], "%.4g%% at pair %d", rel * 100.0, at);
        }
        row(label, cells);
    }
    if (both) {
        char label[40];
        snprintf(label, sizeof label, "magnitude at %d", pr->prompt);
        EACH(label, "%.6f", e->table_short.magnitude);
    }
#undef EACH
    printf("\nkeys read / ignored:\n");
    for (int f = 0; f < ROPE_FLAVOR_COUNT; f++)
        printf("  %-9s read: %s%s%s\n", rope_flavor_name((rope_flavor)f),
               pr->eng[f].keys_read[0] ? pr->eng[f].keys_read : "(defaults only)",
               pr->eng[f].keys_ignored[0] ? "; ignored: " : "", pr->eng[f].keys_ignored);
    if (pr->n_diffs) {
        printf("\ndisagreements (%d):\n", pr->n_diffs);
        for (int k = 0; k < pr->n_diffs; k++)
            printf("  %s\n", pr->diff[k].line);
    }
    if (pr->n_notes) {
        printf("\nnotes:\n");
        for (int k = 0; k < pr->n_notes; k++)
            printf("  %s\n", pr->note[k]);
    }
    char status[160];
    rope_parity_status(pr, status, sizeof status);
    printf("\n%s\n", pr->agree ? "engines agree" : status);
}

int cmd_parity(int argc, char **argv)
{
    if (cmd_wants_help(argc, argv)) {
        help();
        return 0;
    }
    int rc = 0, json = 0, strict = 0, served = 0;
    unsigned char *used = calloc((size_t)argc + 1, 1);
    ropeargs *ra = malloc(sizeof *ra);
    rope_config *c = malloc(sizeof *c);
    rope_parity *pr = malloc(sizeof *pr);
    rope_buf buf = { 0 };
    rope_error err;
    if (!used || !ra || !c || !pr) {
        rc = cmd_error("parity", 1, "out of memory");
        goto done;
    }
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) { json = 1; used[i] = 1; }
        if (!strcmp(argv[i], "--strict")) { strict = 1; used[i] = 1; }
        if (ropeargs_is(argv[i], "--max-model-len")) {
            int at = i;
            const char *v = ropeargs_value(argc, argv, &i, "--max-model-len", &err);
            if (!v || ropeargs_int("--max-model-len", v, 1, 1 << 30, &served, &err)) {
                rc = cmd_error("parity", 2, "%s", err.msg);
                goto done;
            }
            for (int k = at; k <= i; k++) used[k] = 1;
        }
    }
    if (ropeargs_parse(argc, argv, ra, used, &err)) {
        rc = cmd_error("parity", 2, "%s", err.msg);
        goto done;
    }
    const char *left = cmd_leftover(argc, argv, used);
    if (left) {
        rc = cmd_error("parity", 2, "unknown argument '%s' (see ropescope parity --help)", left);
        goto done;
    }
    *c = ra->cfg;
    if (!ra->loaded) { /* flags: compare them as `export --format hf` writes them */
        rope_config_init(c);
        if (rope_export(&ra->cfg, ROPE_EXPORT_HF, 0, &buf, NULL, &err) ||
            rope_config_parse(buf.data, buf.len, "the exported settings", c, &err)) {
            rc = cmd_error("parity", 2, "%s", err.msg);
            goto done;
        }
    }
    if (rope_parity_check(c, served, pr, &err)) {
        rc = cmd_error("parity", 2, "%s", err.msg);
        goto done;
    }
    const char *source = ra->loaded ? ra->source : "flags";
    if (json) {
        if (print_json(source, pr)) {
            rc = cmd_error("parity", 1, "out of memory");
            goto done;
        }
    } else {
        print_text(source, c, pr);
    }
    rc = strict && !pr->agree ? 1 : 0;
done:
    rope_buf_free(&buf);
    free(pr);
    free(c);
    free(used);
    free(ra);
    return rc;
}
