/* app/cmd/cmd_ppl.c — `ropescope ppl`: perplexity of a text file at a context length, scored the way
 * llama.cpp's perplexity tool scores (chunks from an empty cache, second half of each chunk), under
 * any RoPE method, or swept over lengths × methods with the loss by position segment. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cmdutil.h"
#include "flags.h"
#include "heldout.h"
#include "modelcmd.h"
#include "eval.h"
#include "eval_compare.h"
#include "model.h"
#include "ropeargs.h"
#include "ropeecho.h"

#define PPL_MAX_LIST 32

static const char help[] =
    "usage: ropescope ppl [--model FILE.gguf] --ctx N [--threads T] [--kv keep|rerotate] [--per-position]\n"
    "                     [--max-chunks N] [--score half|all] [--block B] [--json] [RoPE flags] [TEXTFILE]\n"
    "       ropescope ppl [--model FILE.gguf] (--sweep | --ctx-list N,N,...) [--methods M,M,...] [--max-chunks N]\n"
    "                     [--score half|all] [--block B] [--per-position] [--segments K] [--threads T]\n"
    "                     [--kv keep|rerotate] [--json] [RoPE flags] [TEXTFILE]\n"
    "  Perplexity of TEXTFILE (bytes = tokens) at context N, scored as llama.cpp's perplexity tool does:\n"
    "  floor(T/N) chunks of N tokens, each from an empty cache, predictions at N/2 … N-2 scored.\n"
    "  (no TEXTFILE: the held-out split of Debian's bible-kjv, produced at run time, never trained on)\n"
    "  --model FILE     a llama GGUF with the byte vocabulary (default: the embedded model)\n"
    "  --ctx N          tokens per chunk (the text needs at least 2N bytes, or N with --max-chunks/--score)\n"
    "  --threads T      threads (default 2)\n"
    "  --kv MODE        dynamic methods: keep cached keys as rotated (default) or rerotate them\n"
    "  --per-position   also print the mean loss at every position of the window (sweep: by segment)\n"
    "  --max-chunks N   score only the first N chunks (0 = all, the default); in a sweep N chunks of the\n"
    "                   longest length, and each shorter length scores the same span of text in more chunks\n"
    "  --score MODE     half: predictions at N/2 … N-2 (llama.cpp, default); all: every prediction 0 … N-2\n"
    "  --block B        feed each chunk in calls of B tokens (default: one call). Static methods score the\n"
    "                   same; dynamic ones re-scale at every call, as while generating (--kv decides what\n"
    "                   happens to keys already cached). In one call they equal their static counterpart\n"
    "                   at s = ctx/L.\n"
    "  --json           one object: ppl, nll, nll_stderr, chunks, scored, ctx, method, rope (the parameters\n"
    "                   it ran with: betas, correction range, magnitude, ...), loss_per_position\n"
    "Sweep: perplexity vs context length for each method, and the loss by position across the longest window.\n"
    "  --sweep          lengths L/2, L, 2L, 4L, 8L, 16L (L = the model's trained context; for a model\n"
    "                   extended by fine-tuning, the original context its RoPE declares)\n"
    "  --ctx-list LIST  explicit lengths instead, e.g. 512,1024,4096\n"
    "  --methods LIST   e.g. none,linear,ntk,dynamic,yarn,dynamic-yarn,ntk-parts (default: the --method in effect)\n"
    "  --segments K     position segments of the longest length for --per-position (default 8)\n"
    "  Factor: with --factor S every method runs at S; without it each static method runs at\n"
    "  s = max(1, ctx/L) at each length, and dynamic, dynamic-yarn keep the model's factor (they scale\n"
    "  themselves from the sequence length). The output states which rule was used.\n"
    "  Short-context regression (a method on vs off at lengths <= L): `--ctx-list 256,512 --factor S`\n"
    "  here, or `ropescope compare`, which prints it for every method it compares.\n"
    "The model's GGUF metadata sets the RoPE defaults; these flags override them:\n";

static int progress_cb(void *u, int done, int total)
{
    if (*(int *)u) fprintf(stderr, "\rppl: chunk %d/%d", done, total);
    if (*(int *)u && done == total) fputc('\n', stderr);
    return 0;
}

/* "L", "2L", "L/2" or "" for a length relative to the trained context L. */
static void len_label(int ctx, int L, char *buf, size_t n)
{
    if (L > 0 && ctx == L) snprintf(buf, n, "L");
    else if (L > 0 && ctx % L == 0) snprintf(buf, n, "%dL", ctx / L);
    else if (ctx > 0 && L % ctx == 0) snprintf(buf, n, "L/%d", L / ctx);
    else buf[0] = '\0';
}

typedef struct sweep_req {
    const char *text;
    const int *tok;
    long n;
    int ctxs[PPL_MAX_LIST];
    int n_ctxs;
    rope_method methods[PPL_MAX_LIST];
    int n_methods;
    double fixed;       /* > 0: one factor for every method */
    int max_chunks;
    eval_score score;
    int block;
    int per_pos, segments, threads, json;
    model_kv_mode kv;
} sweep_req;

static int run_sweep(const char *cmd, const model *m, const rope_params *p, const sweep_req *q)
{
    rope_error err = {{0}};
    int rc = 0, longest = 0, L = eval_base_ctx(m);
    for (int j = 0; j < q->n_ctxs; j++)
        if (q->ctxs[j] > longest) longest = q->ctxs[j];
    if (q->n < longest)
        return cmd_error(cmd, 2, "%s has %ld bytes; length %d needs at least %d", q->text, q->n, longest, longest);
    if (q->per_pos && (q->segments < 1 || q->segments > longest - 1))
        return cmd_error(cmd, 2, "--segments %d: use 1 to %d for a longest length of %d", q->segments, longest - 1,
                         longest);
    eval_sweep_study st = { 0 };
    double *seg = q->per_pos ? malloc(sizeof(double) * (size_t)q->segments) : NULL;
    if (q->per_pos && !seg) return cmd_error(cmd, 1, "out of memory");
    int show = !q->json && isatty(2);
    eval_sweep_spec sp = { q->ctxs, q->n_ctxs, q->methods, q->n_methods, q->fixed, { q->max_chunks, q->score, q->block },
                           q->per_pos, q->threads, q->kv, *p, q->tok, q->n };
    int r = eval_sweep_study_run(m, &sp, &st, progress_cb, &show, &err);
    if (r) { rc = cmd_error(cmd, r == -1 ? 1 : 2, "%s", err.msg); goto out; }
    const eval_sweep_point *pts = st.pts;
    const double *loss = st.loss;
    const char *score = q->score == EVAL_SCORE_HALF ? "half" : "all";
    if (q->json) {
        cJSON *o = cJSON_CreateObject(), *ctxa = cJSON_CreateArray(), *ma = cJSON_CreateArray(),
              *pa = cJSON_CreateArray();
        cJSON_AddStringToObject(o, "model", m->name);
        cJSON_AddNumberToObject(o, "ctx_train", L);
        cJSON_AddStringToObject(o, "text", q->text);
        cJSON_AddNumberToObject(o, "tokens", (double)q->n);
        cJSON_AddStringToObject(o, "score", score);
        cJSON_AddNumberToObject(o, "max_chunks", q->max_chunks);
        cJSON_AddNumberToObject(o, "block", q->block);
        cJSON_AddStringToObject(o, "factor_rule", q->fixed > 0 ? "fixed" : "matched");
        if (q->fixed > 0) cJSON_AddNumberToObject(o, "factor", q->fixed);
        cJSON_AddStringToObject(o, "kv", q->kv == MODEL_KV_KEEP ? "keep" : "rerotate");
        for (int j = 0; j < q->n_ctxs; j++) cJSON_AddItemToArray(ctxa, cJSON_CreateNumber(q->ctxs[j]));
        for (int i = 0; i < q->n_methods; i++)
            cJSON_AddItemToArray(ma, cJSON_CreateString(rope_method_get(q->methods[i])->name));
        cJSON_AddItemToObject(o, "ctx", ctxa);
        cJSON_AddItemToObject(o, "methods", ma);
        for (int k = 0; k < q->n_methods * q->n_ctxs; k++) {
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "method", rope_method_get(pts[k].method)->name);
            cJSON_AddNumberToObject(e, "ctx", pts[k].ctx);
            cJSON_AddNumberToObject(e, "factor", pts[k].factor);
            cJSON_AddNumberToObject(e, "ppl", pts[k].r.ppl);
            cJSON_AddNumberToObject(e, "nll", pts[k].r.nll);
            cJSON_AddNumberToObject(e, "nll_stderr", pts[k].r.nll_stderr);
            cJSON_AddNumberToObject(e, "chunks", pts[k].r.n_chunks);
            cJSON_AddNumberToObject(e, "scored", (double)pts[k].r.n_scored);
            rope_params t;
            eval_method_params(p, pts[k].method, pts[k].ctx, L, q->fixed, &t);
            cJSON_AddItemToObject(e, "rope", ropeecho_json(&t, pts[k].ctx));
            cJSON_AddItemToArray(pa, e);
        }
        cJSON_AddItemToObject(o, "points", pa);
        if (q->per_pos) {
            cJSON *pp = cJSON_CreateObject(), *lo = cJSON_CreateArray(), *hi = cJSON_CreateArray(),
                  *ls = cJSON_CreateObject();
            cJSON_AddNumberToObject(pp, "ctx", longest);
            cJSON_AddNumberToObject(pp, "segments", q->segments);
            for (int k = 0; k < q->segments; k++) {
                cJSON_AddItemToArray(lo, cJSON_CreateNumber((double)((long)k * (longest - 1) / q->segments)));
                cJSON_AddItemToArray(hi, cJSON_CreateNumber((double)((long)(k + 1) * (longest - 1) / q->segments)));
            }
            cJSON_AddItemToObject(pp, "segment_start", lo);
            cJSON_AddItemToObject(pp, "segment_end", hi);
            for (int i = 0; i < q->n_methods; i++) {
                eval_segments(loss + (size_t)i * (longest - 1), longest - 1, q->segments, seg);
                cJSON_AddItemToObject(ls, rope_method_get(q->methods[i])->name, cmd_json_array(seg, q->segments));
            }
            cJSON_AddItemToObject(pp, "loss", ls);
            cJSON_AddItemToObject(o, "per_position", pp);
        }
        rc = cmd_print_json(o);
        goto out;
    }
    printf("model %s: d_model %d, %d layers, %d heads (kv %d), trained context L = %d", m->name[0] ? m->name : "?",
           m->hp.d_model, m->hp.n_layer, m->hp.n_head, m->hp.n_head_kv, L);
    char ext[64];
    printf("%s\n", cmd_model_extended(m, ext, sizeof ext));
    printf("text %s: %ld tokens; scoring %s", q->text, q->n,
           q->score == EVAL_SCORE_HALF ? "llama.cpp (predictions at ctx/2 .. ctx-2 of each chunk)"
                                       : "every prediction of each chunk");
    if (q->max_chunks > 0)
        printf(",\n  the first %ld tokens at every length (%d chunk(s) of the longest)", (long)q->max_chunks * longest,
               q->max_chunks);
    if (q->block > 0) printf(",\n  each chunk fed in calls of %d tokens (dynamic methods re-scale at every call)", q->block);
    printf("\n");
    if (q->fixed > 0)
        printf("factor: fixed %g for every method\n", q->fixed);
    else
        printf("factor: s = max(1, ctx/%d) at each length for static methods; dynamic methods keep factor %g and "
               "scale from the sequence length\n", L, p->factor);
    char lab[16];
    printf("%-13s", "perplexity");
    for (int j = 0; j < q->n_ctxs; j++) { len_label(q->ctxs[j], L, lab, sizeof lab); printf(" %9s", lab); }
    printf("\n%-13s", "ctx");
    for (int j = 0; j < q->n_ctxs; j++) printf(" %9d", q->ctxs[j]);
    printf("\n%-13s", "chunks");
    for (int j = 0; j < q->n_ctxs; j++) printf(" %9d", pts[j].r.n_chunks);
    if (q->fixed <= 0) {
        printf("\n%-13s", "s (static)");
        for (int j = 0; j < q->n_ctxs; j++) printf(" %9g", q->ctxs[j] > L ? (double)q->ctxs[j] / L : 1.0);
    }
    printf("\n");
    for (int i = 0; i < q->n_methods; i++) {
        printf("%-13s", rope_method_get(q->methods[i])->name);
        for (int j = 0; j < q->n_ctxs; j++) printf(" %9.4f", pts[i * q->n_ctxs + j].r.ppl);
        printf("\n");
    }
    printf("\nrope at the longest length, %d tokens:\n", longest);
    for (int i = 0; i < q->n_methods; i++) {
        rope_params t;
        char echo[512];
        eval_method_params(p, q->methods[i], longest, L, q->fixed, &t);
        printf("  %s\n", ropeecho_text(&t, longest, echo, sizeof echo));
    }
    if (q->per_pos) {
        cmd_print_segments_header(longest, q->segments, 11);
        for (int i = 0; i < q->n_methods; i++) {
            eval_segments(loss + (size_t)i * (longest - 1), longest - 1, q->segments, seg);
            cmd_print_segments_row(rope_method_get(q->methods[i])->name, seg, q->segments, 11);
        }
    }
out:
    eval_sweep_study_free(&st);
    free(seg);
    return rc;
}

int cmd_ppl(int argc, char **argv)
{
    const char *cmd = "ppl";
    if (cmd_wants_help(argc, argv)) { fputs(help, stdout); fputs(ropeargs_help, stdout); return 0; }
    unsigned char *used = calloc((size_t)argc + 1, 1);
    ropeargs *ra = malloc(sizeof *ra);
    sweep_req *q = calloc(1, sizeof *q);
    rope_error err = {{0}};
    const char *mpath = NULL, *text = NULL, *ctx_list = NULL, *method_list = NULL;
    int ctx = 0, threads = 2, json = 0, per_pos = 0, rc = 0, sweep = 0, max_chunks = 0, segments = 8;
    int block = 0, score_pick = -1;     /* --score: -1 not given, 0 half, 1 all */
    model_kv_mode kv = MODEL_KV_KEEP;
    model m = {0};
    int *tok = NULL;
    double *loss = NULL;
    model_ctx c = {0};
    int have_ctx = 0;
    if (!used || !ra || !q) { rc = cmd_error(cmd, 1, "out of memory"); goto out; }
    const flags_spec flags[] = {
        FLAG_SWITCH("--json", &json),
        FLAG_SWITCH("--per-position", &per_pos),
        FLAG_SWITCH("--sweep", &sweep),
        FLAG_STR("--model", &mpath),
        FLAG_STR("--ctx-list", &ctx_list),
        FLAG_STR("--methods", &method_list),
        FLAG_INT("--ctx", &ctx, 4, 1 << 24),
        FLAG_INT("--max-chunks", &max_chunks, 0, 1 << 30),
        FLAG_INT("--block", &block, 0, 1 << 24),
        FLAG_INT("--segments", &segments, 1, 4096),
        FLAG_CHOICE("--score", &score_pick, "half|all"),
        FLAG_INT("--threads", &threads, 1, 64),
        FLAG_KV("--kv", &kv),
    };
    if (flags_parse(argc, argv, flags, FLAGS_COUNT(flags), used, &err)) {
        rc = cmd_error(cmd, 2, "%s", err.msg);
        goto out;
    }
    int score_given = score_pick >= 0;
    eval_score score = score_pick == 1 ? EVAL_SCORE_ALL : EVAL_SCORE_HALF;
    if (ropeargs_parse(argc, argv, ra, used, &err)) { rc = cmd_error(cmd, 2, "%s", err.msg); goto out; }
    for (int i = 1; i < argc; i++) {
        if (used[i]) continue;
        if (argv[i][0] == '-' && argv[i][1]) { rc = cmd_error(cmd, 2, "unknown argument '%s' (see --help)", argv[i]); goto out; }
        if (text) { rc = cmd_error(cmd, 2, "more than one text file ('%s' and '%s')", text, argv[i]); goto out; }
        text = argv[i];
    }
    int is_sweep = sweep || ctx_list || method_list;
    if (sweep && ctx_list) { rc = cmd_error(cmd, 2, "--sweep and --ctx-list both give the lengths; use one"); goto out; }
    if (is_sweep && (sweep || ctx_list) && ctx) { rc = cmd_error(cmd, 2, "--ctx and --sweep/--ctx-list both give the lengths; use one"); goto out; }
    if (ctx_list && cmd_parse_int_list("--ctx-list", ctx_list, 4, 1 << 24, q->ctxs, PPL_MAX_LIST, &q->n_ctxs, &err)) {
        rc = cmd_error(cmd, 2, "%s", err.msg);
        goto out;
    }
    if (method_list &&
        cmd_parse_methods("--methods", method_list, q->methods, PPL_MAX_LIST, &q->n_methods, &err)) {
        rc = cmd_error(cmd, 2, "%s", err.msg);
        goto out;
    }
    if (!ctx && !is_sweep) { rc = cmd_error(cmd, 2, "--ctx N is required (tokens per chunk), or --sweep / --ctx-list"); goto out; }
    if (is_sweep && !sweep && !ctx_list && !ctx) { rc = cmd_error(cmd, 2, "--methods needs lengths: --ctx N, --ctx-list or --sweep"); goto out; }
    rope_params p;
    if (cmd_model_load(argc, argv, mpath, ra, &m, &p, &err)) { rc = cmd_error(cmd, 2, "%s", err.msg); goto out; }
    long n = 0;
    if (cli_text_tokens(text, &tok, &n, &text, &err)) { rc = cmd_error(cmd, 2, "%s", err.msg); goto out; }

    if (is_sweep) {
        if (sweep) {
            static const double mult[] = { 0.5, 1, 2, 4, 8, 16 };
            for (int j = 0; j < 6; j++) {
                int v = (int)(eval_base_ctx(&m) * mult[j]);
                if (v >= 4) q->ctxs[q->n_ctxs++] = v;
            }
        } else if (!ctx_list) {
            q->ctxs[q->n_ctxs++] = ctx;
        }
        if (!method_list) q->methods[q->n_methods++] = p.method;
        q->text = text;
        q->tok = tok;
        q->n = n;
        q->fixed = cmd_flag_given(argc, argv, "--factor") ? p.factor : 0;
        q->max_chunks = max_chunks;
        q->score = score;
        q->block = block;
        q->per_pos = per_pos;
        q->segments = segments;
        q->threads = threads;
        q->json = json;
        q->kv = kv;
        rc = run_sweep(cmd, &m, &p, q);
        goto out;
    }

    int use_eval = max_chunks > 0 || score_given || block > 0;
    if (n < (use_eval ? 1L : 2L) * ctx) {
        rc = cmd_error(cmd, 2, "%s has %ld bytes; perplexity at --ctx %d needs at least %d", text, n, ctx,
                       (use_eval ? 1 : 2) * ctx);
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
    eval_ppl_result r;
    int show = !json && isatty(2);
    if (!loss) { rc = cmd_error(cmd, 1, "out of memory"); goto out; }
    /* without --max-chunks/--score/--block: every chunk, llama.cpp's scoring (the text has >= 2 chunks) */
    eval_ppl_opts po = { max_chunks, score, block };
    if (eval_ppl(&c, tok, n, ctx, &po, &r, loss, progress_cb, &show, &err)) {
        rc = cmd_error(cmd, 1, "%s", err.msg);
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
        cJSON_AddStringToObject(o, "score", score == EVAL_SCORE_HALF ? "half" : "all");
        cJSON_AddItemToObject(o, "rope", ropeecho_json(&p, ctx));
        if (per_pos) cJSON_AddItemToObject(o, "loss_per_position", cmd_json_array(loss, ctx - 1));
        rc = cmd_print_json(o);
    } else {
        printf("model %s: d_model %d, %d layers, %d heads (kv %d), trained context %d\n", m.name[0] ? m.name : "?",
               m.hp.d_model, m.hp.n_layer, m.hp.n_head, m.hp.n_head_kv, m.hp.ctx_train);
        printf("method %s, factor %g, ctx %d, %d chunks, %ld scored tokens\n", mname, p.factor, ctx, r.n_chunks,
               r.n_scored);
        char echo[512];
        printf("rope: %s\n", ropeecho_text(&p, ctx, echo, sizeof echo));
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
    free(q);
    return rc;
}
