/* app/cmd/cmd_lint.c — `ropescope lint`: the known RoPE-scaling pitfalls in a config (or in the
 * settings given by flags, linted as they would be exported to a Hugging Face config), each with the
 * public source that documents it. A bare {"rope_scaling": …} fragment takes the fields it lacks from
 * a --preset or from the flags. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
#include "cmdutil.h"
#include "ropeargs.h"

#define MAX_ITEMS 64
#define FRAGMENT_MAX_BYTES (1 << 20)

static const char *level_name(rope_lint_level l)
{
    return l == ROPE_LINT_ERROR ? "error" : l == ROPE_LINT_WARN ? "warn" : "info";
}

/* The file as cJSON when it is a fragment: an object without the attention geometry (no head_dim,
 * hidden_size, qk_rope_head_dim or text_config) — a rope_scaling / rope_parameters dict on its own.
 * NULL when it is a whole config (or not JSON: rope_config_load then names the problem). */
static cJSON *read_fragment(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(FRAGMENT_MAX_BYTES + 1);
    size_t n = buf ? fread(buf, 1, FRAGMENT_MAX_BYTES + 1, f) : 0;
    fclose(f);
    cJSON *o = NULL;
    if (buf && n <= FRAGMENT_MAX_BYTES) {
        o = cJSON_ParseWithLength(buf, n);
        static const char *const whole[] = { "head_dim", "hidden_size", "qk_rope_head_dim", "text_config" };
        for (size_t i = 0; o && i < sizeof whole / sizeof whole[0]; i++)
            if (!cJSON_IsObject(o) || cJSON_GetObjectItemCaseSensitive(o, whole[i])) {
                cJSON_Delete(o);
                o = NULL;
            }
    }
    free(buf);
    return o;
}

/* The base config the fragment completes: the preset's JSON, or the flags exported as an HF config.
 * Then every top-level key of the fragment replaces the base's. The merged text is malloc'd. */
static char *merge_fragment(const ropeargs *ra, const cJSON *frag, rope_error *err)
{
    rope_buf buf = { 0 };
    const char *text = NULL;
    if (ra->loaded && !strncmp(ra->source, "preset ", 7)) {
        for (int i = 0; i < rope_preset_count(); i++)
            if (!strcmp(rope_preset_name(i), ra->cfg.name))
                text = rope_preset_json(i);
    }
    if (!text) {
        if (rope_export(&ra->cfg, ROPE_EXPORT_HF, 0, &buf, NULL, err))
            return NULL;
        text = buf.data;
    }
    cJSON *base = cJSON_Parse(text);
    rope_buf_free(&buf);
    if (!base) {
        rope_fail(err, "cannot read the base config");
        return NULL;
    }
    for (const cJSON *it = frag->child; it; it = it->next) {
        cJSON *copy = cJSON_Duplicate(it, 1);
        if (cJSON_GetObjectItemCaseSensitive(base, it->string))
            cJSON_ReplaceItemInObjectCaseSensitive(base, it->string, copy);
        else
            cJSON_AddItemToObject(base, it->string, copy);
    }
    char *out = cJSON_PrintUnformatted(base);
    cJSON_Delete(base);
    if (!out)
        rope_fail(err, "out of memory");
    return out;
}

int cmd_lint(int argc, char **argv)
{
    if (cmd_wants_help(argc, argv)) {
        printf("usage: ropescope lint (--config FILE | --preset NAME | RoPE flags) [--json]\n"
               "       ropescope lint --config FRAGMENT.json (--preset NAME | RoPE flags) [--json]\n\n"
               "Names each known pitfall the config reveals, what goes wrong with its numbers, the fix, and the\n"
               "public source (paper, library file or issue) that documents it.\n"
               "Exit status: 0 when nothing above info fired, 1 when a warning or error did, 2 on bad input.\n"
               "Without a file the flags are linted as `ropescope export --format hf` would write them.\n"
               "A FRAGMENT is a file holding only {\"rope_scaling\": {...}} (or rope_parameters, rope_theta,\n"
               "max_position_embeddings ...) without head_dim/hidden_size: the fields it lacks come from\n"
               "--preset NAME, else from the RoPE flags (and their defaults); its own keys win.\n\n%s",
               ropeargs_help);
        return 0;
    }
    int rc = 0, json = 0, argc2 = 0;
    char **argv2 = calloc((size_t)argc + 1, sizeof *argv2);
    unsigned char *used = calloc((size_t)argc + 1, 1);
    ropeargs *ra = malloc(sizeof *ra);
    rope_config *c = malloc(sizeof *c);
    rope_lint_item *items = calloc(MAX_ITEMS, sizeof *items);
    rope_buf buf = { 0 };
    rope_error err;
    cJSON *frag = NULL;
    char *merged = NULL, frag_path[256] = "";
    if (!argv2 || !used || !ra || !c || !items) { rc = cmd_error("lint", 1, "out of memory"); goto done; }
    /* a fragment leaves the words --config FILE out of what ropeargs reads */
    for (int i = 0; i < argc; i++) {
        if (i > 0 && ropeargs_is(argv[i], "--config") && !frag) {
            int at = i;
            const char *v = ropeargs_value(argc, argv, &i, "--config", &err);
            if (!v) { rc = cmd_error("lint", 2, "%s", err.msg); goto done; }
            if ((frag = read_fragment(v))) {
                snprintf(frag_path, sizeof frag_path, "%s", v);
                continue;
            }
            for (int k = at; k <= i; k++) argv2[argc2++] = argv[k];
            continue;
        }
        argv2[argc2++] = argv[i];
    }
    for (int i = 1; i < argc2; i++)
        if (!strcmp(argv2[i], "--json")) { json = 1; used[i] = 1; }
    if (ropeargs_parse(argc2, argv2, ra, used, &err)) { rc = cmd_error("lint", 2, "%s", err.msg); goto done; }
    const char *left = cmd_leftover(argc2, argv2, used);
    if (left) { rc = cmd_error("lint", 2, "unknown argument '%s' (see ropescope lint --help)", left); goto done; }
    char source[640]; /* frag_path (256) + ra->source (256) + the words around them */
    snprintf(source, sizeof source, "%s", ra->loaded ? ra->source : "(flags)");
    *c = ra->cfg;
    if (frag) {
        rope_config_init(c);
        if (!(merged = merge_fragment(ra, frag, &err)) ||
            rope_config_parse(merged, strlen(merged), frag_path, c, &err)) {
            rc = cmd_error("lint", 2, "%s", err.msg);
            goto done;
        }
        if (ra->loaded)
            snprintf(source, sizeof source, "%s (the rest from %s)", frag_path, ra->source);
        else
            snprintf(source, sizeof source, "%s (the rest from the flags: head_dim %d, rope_theta %g, "
                     "max_position_embeddings %d)", frag_path, ra->cfg.params.head_dim, ra->cfg.params.base,
                     ra->cfg.params.max_pos);
    } else if (!ra->loaded) {
        rope_config_init(c);
        if (rope_export(&ra->cfg, ROPE_EXPORT_HF, 0, &buf, NULL, &err) ||
            rope_config_parse(buf.data, buf.len, "the exported settings", c, &err)) {
            rc = cmd_error("lint", 2, "%s", err.msg);
            goto done;
        }
    }
    int n = rope_lint(c, items, MAX_ITEMS), shown = n < MAX_ITEMS ? n : MAX_ITEMS, worst = -1;
    for (int k = 0; k < shown; k++)
        if ((int)items[k].level > worst) worst = items[k].level;
    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "source", frag ? source : ra->loaded ? ra->source : "flags");
        cJSON *arr = cJSON_AddArrayToObject(o, "findings");
        for (int k = 0; k < shown; k++) {
            cJSON *it = cJSON_CreateObject();
            cJSON_AddStringToObject(it, "rule", items[k].rule);
            cJSON_AddStringToObject(it, "level", level_name(items[k].level));
            cJSON_AddStringToObject(it, "what", items[k].what);
            cJSON_AddStringToObject(it, "fix", items[k].fix);
            cJSON_AddStringToObject(it, "see", items[k].source ? items[k].source : "");
            cJSON_AddItemToArray(arr, it);
        }
        if (cmd_print_json(o)) { rc = cmd_error("lint", 1, "out of memory"); goto done; }
    } else {
        printf("lint %s: %d finding%s\n", source, n, n == 1 ? "" : "s");
        for (int k = 0; k < shown; k++)
            printf("%-5s %s: %s\n      fix: %s\n      see: %s\n", level_name(items[k].level), items[k].rule,
                   items[k].what, items[k].fix, items[k].source ? items[k].source : "");
    }
    rc = worst >= ROPE_LINT_WARN ? 1 : 0;
done:
    cJSON_Delete(frag);
    free(merged);
    rope_buf_free(&buf);
    free(items);
    free(c);
    free(used);
    free(argv2);
    free(ra);
    return rc;
}
