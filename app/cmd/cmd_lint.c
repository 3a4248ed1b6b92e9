/* app/cmd/cmd_lint.c — `ropescope lint`: the known RoPE-scaling pitfalls in a config (or in the
 * settings given by flags, linted as they would be exported to a Hugging Face config). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
#include "cmdutil.h"
#include "ropeargs.h"

#define MAX_ITEMS 64

static const char *level_name(rope_lint_level l)
{
    return l == ROPE_LINT_ERROR ? "error" : l == ROPE_LINT_WARN ? "warn" : "info";
}

int cmd_lint(int argc, char **argv)
{
    if (cmd_wants_help(argc, argv)) {
        printf("usage: ropescope lint (--config FILE | --preset NAME | RoPE flags) [--json]\n\n"
               "Names each known pitfall the config reveals, what goes wrong with its numbers, and the fix.\n"
               "Exit status: 0 when nothing above info fired, 1 when a warning or error did, 2 on bad input.\n"
               "Without a file the flags are linted as `ropescope export --format hf` would write them.\n\n%s",
               ropeargs_help);
        return 0;
    }
    int rc = 0, json = 0;
    unsigned char *used = calloc((size_t)argc + 1, 1);
    ropeargs *ra = malloc(sizeof *ra);
    rope_config *c = malloc(sizeof *c);
    rope_lint_item *items = calloc(MAX_ITEMS, sizeof *items);
    rope_buf buf = { 0 };
    rope_error err;
    if (!used || !ra || !c || !items) { rc = cmd_error("lint", 1, "out of memory"); goto done; }
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--json")) { json = 1; used[i] = 1; }
    if (ropeargs_parse(argc, argv, ra, used, &err)) { rc = cmd_error("lint", 2, "%s", err.msg); goto done; }
    const char *left = cmd_leftover(argc, argv, used);
    if (left) { rc = cmd_error("lint", 2, "unknown argument '%s' (see ropescope lint --help)", left); goto done; }
    *c = ra->cfg;
    if (!ra->loaded) {
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
        cJSON_AddStringToObject(o, "source", ra->loaded ? ra->source : "flags");
        cJSON *arr = cJSON_AddArrayToObject(o, "findings");
        for (int k = 0; k < shown; k++) {
            cJSON *it = cJSON_CreateObject();
            cJSON_AddStringToObject(it, "rule", items[k].rule);
            cJSON_AddStringToObject(it, "level", level_name(items[k].level));
            cJSON_AddStringToObject(it, "what", items[k].what);
            cJSON_AddStringToObject(it, "fix", items[k].fix);
            cJSON_AddItemToArray(arr, it);
        }
        if (cmd_print_json(o)) { rc = cmd_error("lint", 1, "out of memory"); goto done; }
    } else {
        printf("lint %s: %d finding%s\n", ra->loaded ? ra->source : "(flags)", n, n == 1 ? "" : "s");
        for (int k = 0; k < shown; k++)
            printf("%-5s %s: %s\n      fix: %s\n", level_name(items[k].level), items[k].rule, items[k].what,
                   items[k].fix);
    }
    rc = worst >= ROPE_LINT_WARN ? 1 : 0;
done:
    rope_buf_free(&buf);
    free(items);
    free(c);
    free(used);
    free(ra);
    return rc;
}
