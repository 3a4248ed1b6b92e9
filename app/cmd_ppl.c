/* app/cmd_ppl.c — `ropescope ppl`: perplexity of a text file at a context length, scored the way
 * llama.cpp's perplexity tool scores (chunks from an empty cache, second half of each chunk), under
 * any RoPE method; also the model-loading and RoPE-flag merging that `gen` shares. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cmdutil.h"
#include "model.h"
#include "ropeargs.h"

/* The embedded model: the file named by $ROPESCOPE_MODEL, else assets/ropescope-tiny.gguf in the
 * source tree (the trained model lands there in a later issue). */
#ifndef ROPESCOPE_DEFAULT_MODEL
#define ROPESCOPE_DEFAULT_MODEL "assets/ropescope-tiny.gguf"
#endif

/* Shared with cmd_gen.c: loads --model (or the embedded model) and sets *p to the model's RoPE
 * defaults overridden by every RoPE flag given explicitly (a --config/--preset replaces all of them
 * but the head geometry). -1 with a message. */
int cmd_model_load(int argc, char **argv, const char *path, const ropeargs *ra, model *m, rope_params *p,
                   rope_error *err);

int cmd_model_load(int argc, char **argv, const char *path, const ropeargs *ra, model *m, rope_params *p,
                   rope_error *err)
{
    if (!path) path = getenv("ROPESCOPE_MODEL");
    if (!path) path = ROPESCOPE_DEFAULT_MODEL;
    if (model_load(m, path, err)) return -1;
    *p = m->rope;
    const rope_params *u = &ra->cfg.params;
    if (ra->loaded) {
        *p = *u;
        p->head_dim = m->hp.head_dim;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) != 0) continue;
#define TAKE(flag, field) if (ropeargs_is(a, flag)) p->field = u->field
        TAKE("--method", method);
        TAKE("--flavor", flavor);
        TAKE("--partial-rotary", partial_rotary);
        TAKE("--base", base);
        TAKE("--orig-ctx", orig_ctx);
        TAKE("--max-pos", max_pos);
        TAKE("--factor", factor);
        TAKE("--beta-fast", beta_fast);
        TAKE("--beta-slow", beta_slow);
        TAKE("--truncate", truncate);
        TAKE("--mscale", mscale);
        TAKE("--mscale-all-dim", mscale_all_dim);
        TAKE("--low-freq-factor", low_freq_factor);
        TAKE("--high-freq-factor", high_freq_factor);
#undef TAKE
        if (ropeargs_is(a, "--attention-factor")) {
            p->has_attention_factor = u->has_attention_factor;
            p->attention_factor = u->attention_factor;
        }
        if (ropeargs_is(a, "--head-dim") && u->head_dim != m->hp.head_dim) {
            int hd = m->hp.head_dim;
            model_free(m);
            return rope_fail(err, "--head-dim %d differs from the model's head_dim %d; leave it out", u->head_dim, hd);
        }
    }
    if (u->n_factors && (ra->loaded || p->method == ROPE_LONGROPE)) {
        p->n_factors = u->n_factors;
        memcpy(p->short_factor, u->short_factor, sizeof p->short_factor);
        memcpy(p->long_factor, u->long_factor, sizeof p->long_factor);
    }
    p->seq_len = 0;
    if (rope_params_validate(p, err)) { model_free(m); return -1; }
    return 0;
}

static const char help[] =
    "usage: ropescope ppl [--model FILE.gguf] --ctx N [--threads T] [--kv keep|rerotate] [--per-position]\n"
    "                     [--json] [RoPE flags] TEXTFILE\n"
    "  Perplexity of TEXTFILE (bytes = tokens) at context N, scored as llama.cpp's perplexity tool does:\n"
    "  floor(T/N) chunks of N tokens, each from an empty cache, predictions at N/2 … N-2 scored.\n"
    "  --model FILE     a llama GGUF with the byte vocabulary (default: the embedded model)\n"
    "  --ctx N          tokens per chunk (the text needs at least 2N bytes)\n"
    "  --threads T      threads (default 2)\n"
    "  --kv MODE        dynamic methods: keep cached keys as rotated (default) or rerotate them\n"
    "  --per-position   also print the mean loss at every position of the window\n"
    "  --json           one object: ppl, nll, nll_stderr, chunks, scored, ctx, method, loss_per_position\n"
    "The model's GGUF metadata sets the RoPE defaults; these flags override them:\n";

static int progress_cb(void *u, int done, int total)
{
    if (*(int *)u) fprintf(stderr, "\rppl: chunk %d/%d", done, total);
    if (*(int *)u && done == total) fputc('\n', stderr);
    return 0;
}

int cmd_ppl(int argc, char **argv)
{
    const char *cmd = "ppl";
    if (cmd_wants_help(argc, argv)) { fputs(help, stdout); fputs(ropeargs_help, stdout); return 0; }
    unsigned char *used = calloc((size_t)argc + 1, 1);
    ropeargs *ra = malloc(sizeof *ra);
    rope_error err = {{0}};
    const char *mpath = NULL, *text = NULL;
    int ctx = 0, threads = 2, json = 0, per_pos = 0, rc = 0;
    model_kv_mode kv = MODEL_KV_KEEP;
    model m = {0};
    int *tok = NULL;
    double *loss = NULL;
    model_ctx c = {0};
    int have_ctx = 0;
    if (!used || !ra) { rc = cmd_error(cmd, 1, "out of memory"); goto out; }
    for (int i = 1; i < argc && !rc; i++) {
        const char *a = argv[i], *v;
        int at = i;
        if (!strcmp(a, "--json")) { json = 1; used[i] = 1; continue; }
        if (!strcmp(a, "--per-position")) { per_pos = 1; used[i] = 1; continue; }
        if (ropeargs_is(a, "--model")) {
            if (!(mpath = ropeargs_value(argc, argv, &i, "--model", &err))) rc = cmd_error(cmd, 2, "%s", err.msg);
        } else if (ropeargs_is(a, "--ctx")) {
            if (!(v = ropeargs_value(argc, argv, &i, "--ctx", &err)) || ropeargs_int("--ctx", v, 4, 1 << 24, &ctx, &err))
                rc = cmd_error(cmd, 2, "%s", err.msg);
        } else if (ropeargs_is(a, "--threads")) {
            if (!(v = ropeargs_value(argc, argv, &i, "--threads", &err)) ||
                ropeargs_int("--threads", v, 1, 64, &threads, &err))
                rc = cmd_error(cmd, 2, "%s", err.msg);
        } else if (ropeargs_is(a, "--kv")) {
            if (!(v = ropeargs_value(argc, argv, &i, "--kv", &err))) rc = cmd_error(cmd, 2, "%s", err.msg);
            else if (!strcmp(v, "keep")) kv = MODEL_KV_KEEP;
            else if (!strcmp(v, "rerotate")) kv = MODEL_KV_REROTATE;
            else rc = cmd_error(cmd, 2, "--kv: '%s' is not keep or rerotate", v);
        } else {
            continue;
        }
        for (int j = at; j <= i; j++) used[j] = 1;
    }
    if (rc) goto out;
    if (ropeargs_parse(argc, argv, ra, used, &err)) { rc = cmd_error(cmd, 2, "%s", err.msg); goto out; }
    for (int i = 1; i < argc; i++) {
        if (used[i]) continue;
        if (argv[i][0] == '-' && argv[i][1]) { rc = cmd_error(cmd, 2, "unknown argument '%s' (see --help)", argv[i]); goto out; }
        if (text) { rc = cmd_error(cmd, 2, "more than one text file ('%s' and '%s')", text, argv[i]); goto out; }
        text = argv[i];
    }
    if (!text) { rc = cmd_error(cmd, 2, "no text file given (see --help)"); goto out; }
    if (!ctx) { rc = cmd_error(cmd, 2, "--ctx N is required (tokens per chunk)"); goto out; }
    rope_params p;
    if (cmd_model_load(argc, argv, mpath, ra, &m, &p, &err)) { rc = cmd_error(cmd, 2, "%s", err.msg); goto out; }

    FILE *fp = fopen(text, "rb");
    if (!fp) { rc = cmd_error(cmd, 2, "%s: cannot open the text file", text); goto out; }
    long n = 0, cap = 1 << 16;
    tok = malloc(sizeof(int) * (size_t)cap);
    int ch;
    while (tok && (ch = fgetc(fp)) != EOF) {
        if (n == cap) {
            int *t = realloc(tok, sizeof(int) * (size_t)(cap *= 2));
            if (!t) { free(tok); tok = NULL; break; }
            tok = t;
        }
        tok[n++] = ch;
    }
    fclose(fp);
    if (!tok) { rc = cmd_error(cmd, 1, "out of memory reading %s", text); goto out; }
    if (n < 2L * ctx) {
        rc = cmd_error(cmd, 2, "%s has %ld bytes; perplexity at --ctx %d needs at least %d", text, n, ctx, 2 * ctx);
        goto out;
    }
    model_ctx_params cp;
    model_ctx_params_default(&m, &cp);
    cp.n_ctx = ctx;
    cp.n_threads = threads;
    cp.logits_all = 1;
    cp.kv_mode = kv;
    cp.rope = p;
    if (model_ctx_init(&c, &m, &cp, &err)) { rc = cmd_error(cmd, 1, "%s", err.msg); goto out; }
    have_ctx = 1;
    loss = calloc((size_t)ctx, sizeof *loss);
    model_ppl_result r;
    int show = !json && isatty(2);
    if (!loss || model_perplexity(&c, tok, n, ctx, &r, loss, progress_cb, &show, &err)) {
        rc = cmd_error(cmd, 1, "%s", loss ? err.msg : "out of memory");
        goto out;
    }
    const char *mname = rope_method_get(p.method)->name;
    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "ppl", r.ppl);
        cJSON_AddNumberToObject(o, "nll", r.nll);
        cJSON_AddNumberToObject(o, "nll_stderr", r.nll_stderr);
        cJSON_AddNumberToObject(o, "chunks", r.n_chunks);
        cJSON_AddNumberToObject(o, "scored", (double)r.n_scored);
        cJSON_AddNumberToObject(o, "ctx", ctx);
        cJSON_AddStringToObject(o, "method", mname);
        cJSON_AddNumberToObject(o, "factor", p.factor);
        cJSON_AddStringToObject(o, "kv", kv == MODEL_KV_KEEP ? "keep" : "rerotate");
        if (per_pos) cJSON_AddItemToObject(o, "loss_per_position", cmd_json_array(loss, ctx - 1));
        rc = cmd_print_json(o);
    } else {
        printf("model %s: d_model %d, %d layers, %d heads (kv %d), trained context %d\n", m.name[0] ? m.name : "?",
               m.hp.d_model, m.hp.n_layer, m.hp.n_head, m.hp.n_head_kv, m.hp.ctx_train);
        printf("method %s, factor %g, ctx %d, %d chunks, %ld scored tokens\n", mname, p.factor, ctx, r.n_chunks,
               r.n_scored);
        if (per_pos)
            for (int i = 0; i < ctx - 1; i++) printf("pos %d loss %.6f\n", i, loss[i]);
        printf("Final estimate: PPL = %.4f +/- %.5f\n", r.ppl, r.ppl * r.nll_stderr);
    }
out:
    if (have_ctx) model_ctx_free(&c);
    if (m.mem) model_free(&m);
    free(tok);
    free(loss);
    free(used);
    free(ra);
    return rc;
}
