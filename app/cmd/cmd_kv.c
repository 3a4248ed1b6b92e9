/* app/cmd/cmd_kv.c — `ropescope kv`: KV-cache memory for a geometry, context length, dtype and batch:
 * 2 (K and V) × layers × kv heads × head_dim × tokens × batch × bytes per element. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
#include "cmdutil.h"
#include "ropeargs.h"

static const struct { const char *name; double bytes; } dtypes[] = {
    { "f32", 4.0 }, { "f16", 2.0 }, { "bf16", 2.0 }, { "fp8", 1.0 },
    { "q8_0", 34.0 / 32.0 }, { "q4_0", 18.0 / 32.0 },
};
#define N_DTYPES ((int)(sizeof dtypes / sizeof dtypes[0]))

static void help(void)
{
    printf("usage: ropescope kv [--config FILE | --preset NAME] [--layers N] [--kv-heads N] [--head-dim N]\n"
           "                    [--ctx N] [--dtype T] [--batch B] [--json]\n\n"
           "KV-cache memory = 2 (K and V) x layers x kv_heads x head_dim x ctx x batch x bytes/element.\n"
           "  --layers N, --kv-heads N   geometry (taken from the config when one is given)\n"
           "  --head-dim N               per-head width (config or RoPE flags)\n"
           "  --ctx N                    tokens per sequence (default: the larger of max_position_embeddings\n"
           "                             and s*L)\n"
           "  --dtype T                  f32 | f16 (default) | bf16 | fp8 | q8_0 | q4_0 (ggml block sizes)\n"
           "  --batch B                  sequences (default 1)\n");
}

static void human(double b, char *buf, size_t n)
{
    const char *u[] = { "B", "KiB", "MiB", "GiB", "TiB" };
    int k = 0;
    while (b >= 1024.0 && k < 4) { b /= 1024.0; k++; }
    snprintf(buf, n, "%.2f %s", b, u[k]);
}

int cmd_kv(int argc, char **argv)
{
    if (cmd_wants_help(argc, argv)) {
        help();
        return 0;
    }
    int rc = 0, json = 0, layers = 0, kv_heads = 0, ctx = 0, batch = 1, dt = 1;
    unsigned char *used = calloc((size_t)argc + 1, 1);
    ropeargs *ra = malloc(sizeof *ra);
    rope_error err;
    if (!used || !ra) { rc = cmd_error("kv", 1, "out of memory"); goto done; }
    for (int i = 1; i < argc; i++) {
        const char *v;
        int at = i;
        if (!strcmp(argv[i], "--json")) json = 1;
        else if (ropeargs_is(argv[i], "--layers")) {
            if (!(v = ropeargs_value(argc, argv, &i, "--layers", &err)) ||
                ropeargs_int("--layers", v, 1, 100000, &layers, &err)) goto usage;
        } else if (ropeargs_is(argv[i], "--kv-heads")) {
            if (!(v = ropeargs_value(argc, argv, &i, "--kv-heads", &err)) ||
                ropeargs_int("--kv-heads", v, 1, 100000, &kv_heads, &err)) goto usage;
        } else if (ropeargs_is(argv[i], "--ctx")) {
            if (!(v = ropeargs_value(argc, argv, &i, "--ctx", &err)) ||
                ropeargs_int("--ctx", v, 1, 1 << 30, &ctx, &err)) goto usage;
        } else if (ropeargs_is(argv[i], "--batch")) {
            if (!(v = ropeargs_value(argc, argv, &i, "--batch", &err)) ||
                ropeargs_int("--batch", v, 1, 1 << 20, &batch, &err)) goto usage;
        } else if (ropeargs_is(argv[i], "--dtype")) {
            if (!(v = ropeargs_value(argc, argv, &i, "--dtype", &err))) goto usage;
            for (dt = 0; dt < N_DTYPES && strcmp(v, dtypes[dt].name); dt++) {}
            if (dt == N_DTYPES) {
                rope_fail(&err, "--dtype: '%s' is unknown; use f32, f16, bf16, fp8, q8_0 or q4_0", v);
                goto usage;
            }
        } else continue;
        for (int k = at; k <= i; k++) used[k] = 1;
    }
    if (ropeargs_parse(argc, argv, ra, used, &err))
        goto usage;
    const char *left = cmd_leftover(argc, argv, used);
    if (left) { rope_fail(&err, "unknown argument '%s' (see ropescope kv --help)", left); goto usage; }
    const rope_config *c = &ra->cfg;
    if (!layers) layers = c->n_layers;
    if (!kv_heads) kv_heads = c->n_kv_heads;
    if (!layers || !kv_heads) {
        rope_fail(&err, "the geometry is incomplete: give --layers N and --kv-heads N, or a --config/--preset "
                        "that has num_hidden_layers and num_key_value_heads");
        goto usage;
    }
    const rope_params *p = &c->params;
    if (!ctx) {
        double sl = p->factor * p->orig_ctx;
        ctx = p->max_pos > sl ? p->max_pos : (int)(sl + 0.5);
    }
    double per_token = 2.0 * layers * kv_heads * (double)p->head_dim * dtypes[dt].bytes;
    double total = per_token * ctx * batch;
    int mla = strstr(c->model_type, "deepseek") != NULL;
    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "layers", layers);
        cJSON_AddNumberToObject(o, "kv_heads", kv_heads);
        cJSON_AddNumberToObject(o, "head_dim", p->head_dim);
        cJSON_AddNumberToObject(o, "ctx", ctx);
        cJSON_AddNumberToObject(o, "batch", batch);
        cJSON_AddStringToObject(o, "dtype", dtypes[dt].name);
        cJSON_AddNumberToObject(o, "bytes_per_token", per_token);
        cJSON_AddNumberToObject(o, "bytes", total);
        cJSON_AddBoolToObject(o, "mla_note", mla);
        rc = cmd_print_json(o);
    } else {
        char h1[32], h2[32];
        human(per_token, h1, sizeof h1);
        human(total, h2, sizeof h2);
        printf("geometry   %d layers x %d kv heads x head_dim %d, dtype %s, batch %d\n", layers, kv_heads,
               p->head_dim, dtypes[dt].name, batch);
        printf("per token  %.0f bytes (%s)\n", per_token, h1);
        printf("total      %d tokens -> %.0f bytes (%s)\n", ctx, total, h2);
        if (mla)
            printf("note       DeepSeek's MLA caches a compressed latent, not full K and V; this is the "
                   "uncompressed figure\n");
    }
    goto done;
usage:
    rc = cmd_error("kv", 2, "%s", err.msg);
done:
    free(used);
    free(ra);
    return rc;
}
