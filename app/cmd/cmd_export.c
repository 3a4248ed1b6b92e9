/* app/cmd/cmd_export.c — `ropescope export`: the current parameters in every format other tools read
 * (Hugging Face legacy and v5 JSON, vLLM, llama.cpp, GGUF keys), with what each cannot express. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
#include "cmdutil.h"
#include "exportfile.h"
#include "ropeargs.h"

static void help(void)
{
    printf("usage: ropescope export [RoPE flags] [--format F] [--ctx N] [--output FILE [--force]] [--json]\n\n"
           "  --format F    hf | hf-v5 | vllm | llamacpp | gguf | all (default all)\n"
           "  --ctx N       serving context for vLLM and llama.cpp (default s*L)\n"
           "  --output FILE write to FILE instead of stdout (never overwrites without --force)\n"
           "Notes on what a target cannot express go to stderr (or into the JSON).\n\n%s", ropeargs_help);
}

int cmd_export(int argc, char **argv)
{
    if (cmd_wants_help(argc, argv)) {
        help();
        return 0;
    }
    int rc = 0, json = 0, force = 0, ctx = 0, all = 1;
    rope_export_format fmt = ROPE_EXPORT_HF;
    const char *out_path = NULL;
    unsigned char *used = calloc((size_t)argc + 1, 1);
    ropeargs *ra = malloc(sizeof *ra);
    rope_buf buf = { 0 };
    rope_notes *notes = calloc(1, sizeof *notes);
    cJSON *root = NULL;
    rope_error err;
    if (!used || !ra || !notes) { rc = cmd_error("export", 1, "out of memory"); goto done; }
    for (int i = 1; i < argc; i++) {
        const char *v;
        int at = i;
        if (!strcmp(argv[i], "--json")) json = 1;
        else if (!strcmp(argv[i], "--force")) force = 1;
        else if (ropeargs_is(argv[i], "--format")) {
            if (!(v = ropeargs_value(argc, argv, &i, "--format", &err))) goto usage;
            all = !strcmp(v, "all");
            if (!all && rope_export_from_name(v, &fmt)) {
                rope_fail(&err, "--format: '%s' is unknown; use hf, hf-v5, vllm, llamacpp, gguf or all", v);
                goto usage;
            }
        } else if (ropeargs_is(argv[i], "--ctx")) {
            if (!(v = ropeargs_value(argc, argv, &i, "--ctx", &err)) ||
                ropeargs_int("--ctx", v, 1, 1 << 30, &ctx, &err)) goto usage;
        } else if (ropeargs_is(argv[i], "--output") || !strcmp(argv[i], "-o")) {
            if (!(out_path = ropeargs_value(argc, argv, &i, "--output", &err))) goto usage;
        } else continue;
        for (int k = at; k <= i; k++) used[k] = 1;
    }
    if (ropeargs_parse(argc, argv, ra, used, &err))
        goto usage;
    const char *left = cmd_leftover(argc, argv, used);
    if (left) { rope_fail(&err, "unknown argument '%s' (see ropescope export --help)", left); goto usage; }
    if (json)
        root = cJSON_CreateObject();
    if (all && !json) {
        if (exportfile_all(&ra->cfg, ctx, &buf, notes, &err)) {
            rc = cmd_error("export", 1, "%s", err.msg);
            goto done;
        }
    }
    for (int f = 0; f < ROPE_EXPORT_COUNT && (json || !all); f++) {
        if (!all && f != (int)fmt)
            continue;
        int n0 = notes->n;
        size_t start = buf.len;
        if (rope_export(&ra->cfg, (rope_export_format)f, ctx, &buf, notes, &err)) {
            rc = cmd_error("export", 1, "%s", err.msg);
            goto done;
        }
        if (root) {
            cJSON *o = cJSON_AddObjectToObject(root, rope_export_name(f));
            cJSON_AddStringToObject(o, "text", buf.data ? buf.data + start : "");
            cJSON *na = cJSON_AddArrayToObject(o, "notes");
            for (int k = n0; k < notes->n; k++)
                cJSON_AddItemToArray(na, cJSON_CreateString(notes->line[k]));
        }
    }
    if (root) {
        char *s = cJSON_Print(root);
        rope_buf_free(&buf);
        if (!s || rope_buf_printf(&buf, "%s\n", s)) { free(s); rc = cmd_error("export", 1, "out of memory"); goto done; }
        free(s);
    } else {
        for (int k = 0; k < notes->n; k++)
            fprintf(stderr, "warning: %s\n", notes->line[k]);
    }
    if (out_path) {
        if (exportfile_write(out_path, buf.data ? buf.data : "", buf.len, force, &err)) {
            rc = cmd_error("export", 1, "%s", err.msg);
            goto done;
        }
    } else if (buf.len) {
        fwrite(buf.data, 1, buf.len, stdout);
    }
    goto done;
usage:
    rc = cmd_error("export", 2, "%s", err.msg);
done:
    cJSON_Delete(root);
    rope_buf_free(&buf);
    free(notes);
    free(used);
    free(ra);
    return rc;
}
