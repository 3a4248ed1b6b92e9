/* app/cmd/cmd_export.c — `ropescope export`: the current parameters in every format other tools read
 * (Hugging Face legacy and v5 JSON, vLLM, llama.cpp, GGUF keys), with what each cannot express. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
#include "cmdutil.h"
#include "exportfile.h"
#include "mergecfg.h"
#include "ropeargs.h"

#define MERGE_MAX_BYTES (16 << 20)

static void help(void)
{
    printf("usage: ropescope export [RoPE flags] [--format F] [--ctx N] [--output FILE [--force]] [--json]\n"
           "       ropescope export --merge-into config.json [RoPE flags] [--format hf|hf-v5] [--output FILE [--force]]\n\n"
           "  --format F    hf | hf-v5 | vllm | llamacpp | gguf | all (default all)\n"
           "  --ctx N       serving context for vLLM and llama.cpp, and the hf max_position_embeddings\n"
           "                (default s*L; max_position_embeddings when it is larger, or when a linear/ntk file\n"
           "                set this factor itself and gave no original_max_position_embeddings)\n"
           "  --output FILE write to FILE instead of stdout (never overwrites without --force)\n"
           "  --merge-into CONFIG  patch a Hugging Face config.json: its RoPE keys (rope_scaling or\n"
           "                rope_parameters, rope_theta, max_position_embeddings) take the exported values, every\n"
           "                other key, its order and its spelling stay as they were. The config is also read as\n"
           "                --config (unless --config/--preset is given), so flags change only what they name.\n"
           "                The result goes to stdout or --output FILE; CONFIG itself is never changed unless\n"
           "                it is the --output and --force is given.\n"
           "Notes on what a target cannot express go to stderr (or into the JSON).\n\n%s", ropeargs_help);
}

/* The whole file, at most MERGE_MAX_BYTES; malloc'd, NUL-terminated. */
static char *read_text(const char *path, size_t *len, rope_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        rope_fail(err, "%s: cannot open the config", path);
        return NULL;
    }
    char *t = malloc(MERGE_MAX_BYTES + 1);
    size_t n = t ? fread(t, 1, MERGE_MAX_BYTES + 1, f) : 0;
    int bad = ferror(f);
    fclose(f);
    if (!t || bad || n > MERGE_MAX_BYTES) {
        rope_fail(err, "%s: %s", path, !t ? "out of memory" : bad ? "a read error occurred" : "larger than 16 MiB");
        free(t);
        return NULL;
    }
    t[n] = '\0';
    *len = n;
    return t;
}

/* --merge-into: fmt -2 = the spelling the config uses, -1 = all (refused), else hf or hf-v5. */
static int merge_into(const char *path, const ropeargs *ra, int fmt, int ctx, int json, const char *out_path,
                      int force)
{
    static const char *const only_replace[] = { "head_dim", NULL }; /* a config may derive it */
    rope_error err;
    if (json)
        return cmd_error("export", 2, "--merge-into writes a config, not JSON about one; leave out --json");
    if (fmt == -2)
        fmt = ra->cfg.raw.scaling_v5 ? ROPE_EXPORT_HF_V5 : ROPE_EXPORT_HF;
    if (fmt != ROPE_EXPORT_HF && fmt != ROPE_EXPORT_HF_V5)
        return cmd_error("export", 2, "--merge-into writes a Hugging Face config: use --format hf or hf-v5 (default: "
                         "the spelling the config already uses)");
    size_t len = 0;
    rope_buf buf = { 0 };
    rope_notes notes = { 0 };
    char *text = read_text(path, &len, &err), *merged = NULL;
    rope_config *back = malloc(sizeof *back);
    int rc = 0;
    if (!text) { rc = cmd_error("export", 2, "%s", err.msg); goto out; }
    if (!back) { rc = cmd_error("export", 1, "out of memory"); goto out; }
    if (rope_export(&ra->cfg, (rope_export_format)fmt, ctx, &buf, &notes, &err) ||
        mergecfg_patch(text, len, buf.data, only_replace, &merged, &err)) {
        rc = cmd_error("export", 2, "%s: %s", path, err.msg);
        goto out;
    }
    /* the merged file must read as a config (a bug here must not reach a file) */
    rope_config_init(back);
    if (rope_config_parse(merged, strlen(merged), "the merged config", back, &err)) {
        rc = cmd_error("export", 1, "%s", err.msg);
        goto out;
    }
    for (int k = 0; k < notes.n; k++)
        fprintf(stderr, "warning: %s\n", notes.line[k]);
    if (out_path) {
        if (exportfile_write(out_path, merged, strlen(merged), force, &err)) {
            rc = cmd_error("export", 1, "%s", err.msg);
            goto out;
        }
        fprintf(stderr, "export: wrote %s (%s patched with %s, method %s, factor %g)\n", out_path, path,
                rope_export_name((rope_export_format)fmt), rope_method_get(back->params.method)->name,
                back->params.factor);
    } else {
        fputs(merged, stdout);
    }
out:
    free(back);
    free(text);
    free(merged);
    rope_buf_free(&buf);
    return rc;
}

int cmd_export(int argc, char **argv)
{
    if (cmd_wants_help(argc, argv)) {
        help();
        return 0;
    }
    int rc = 0, json = 0, force = 0, ctx = 0, all = 1;
    rope_export_format fmt = ROPE_EXPORT_HF;
    const char *out_path = NULL, *merge = NULL;
    int fmt_given = 0, src_given = 0, argc2 = 0;
    char **argv2 = calloc((size_t)argc + 3, sizeof *argv2);
    unsigned char *used = calloc((size_t)argc + 3, 1);   /* + the "--config CONFIG" --merge-into adds */
    ropeargs *ra = malloc(sizeof *ra);
    rope_buf buf = { 0 };
    rope_notes *notes = calloc(1, sizeof *notes);
    cJSON *root = NULL;
    rope_error err;
    if (!used || !ra || !notes || !argv2) { rc = cmd_error("export", 1, "out of memory"); goto done; }
    for (int i = 1; i < argc; i++) {
        const char *v;
        int at = i;
        if (!strcmp(argv[i], "--json")) json = 1;
        else if (!strcmp(argv[i], "--force")) force = 1;
        else if (ropeargs_is(argv[i], "--format")) {
            if (!(v = ropeargs_value(argc, argv, &i, "--format", &err))) goto usage;
            all = !strcmp(v, "all");
            fmt_given = 1;
            if (!all && rope_export_from_name(v, &fmt)) {
                rope_fail(&err, "--format: '%s' is unknown; use hf, hf-v5, vllm, llamacpp, gguf or all", v);
                goto usage;
            }
        } else if (ropeargs_is(argv[i], "--ctx")) {
            if (!(v = ropeargs_value(argc, argv, &i, "--ctx", &err)) ||
                ropeargs_int("--ctx", v, 1, 1 << 30, &ctx, &err)) goto usage;
        } else if (ropeargs_is(argv[i], "--output") || !strcmp(argv[i], "-o")) {
            if (!(out_path = ropeargs_value(argc, argv, &i, "--output", &err))) goto usage;
        } else if (ropeargs_is(argv[i], "--merge-into")) {
            if (!(merge = ropeargs_value(argc, argv, &i, "--merge-into", &err))) goto usage;
        } else {
            src_given |= ropeargs_is(argv[i], "--config") || ropeargs_is(argv[i], "--preset");
            continue;
        }
        for (int k = at; k <= i; k++) used[k] = 1;
    }
    for (int i = 0; i < argc; i++) argv2[argc2++] = argv[i];
    if (merge && !src_given) { /* the config is the starting point: flags change only what they name */
        argv2[argc2++] = "--config";
        argv2[argc2++] = (char *)merge;
    }
    if (ropeargs_parse(argc2, argv2, ra, used, &err))
        goto usage;
    const char *left = cmd_leftover(argc, argv, used);
    if (left) { rope_fail(&err, "unknown argument '%s' (see ropescope export --help)", left); goto usage; }
    if (merge) {
        rc = merge_into(merge, ra, fmt_given ? (all ? -1 : (int)fmt) : -2, ctx, json, out_path, force);
        goto done;
    }
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
    free(argv2);
    free(used);
    free(ra);
    return rc;
}
