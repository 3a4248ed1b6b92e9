/* app/cmd/cmd_compare.c — `ropescope compare`: several RoPE methods on one input, side by side:
 * perplexity at a long context, loss by position segment, the short-context regression (each method
 * on vs off at L/2 and L), a passkey result and a greedy continuation of a prompt. Parse, then
 * eval_compare_run (kernels/eval/eval_compare.h) runs the study, then print. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cmdutil.h"
#include "flags.h"
#include "heldout.h"
#include "modelcmd.h"
#include "corpus.h"
#include "eval.h"
#include "eval_compare.h"
#include "model.h"
#include "ropeargs.h"
#include "ropeecho.h"


static const char help[] =
    "usage: ropescope compare [--model FILE.gguf] [--methods M,M,...] [--ctx N] [--max-chunks N] [--segments K]\n"
    "                         [--trials N] [--alternatives N] [--seed S] [--prompt TEXT] [-n N] [--threads T]\n"
    "                         [--kv keep|rerotate] [--json] [RoPE flags] [TEXTFILE]\n"
    "  Runs every method on the same input and prints, side by side:\n"
    "  - perplexity at --ctx N (llama.cpp scoring: predictions at N/2 … N-2 of each chunk of TEXTFILE;\n"
    "    no TEXTFILE: the held-out split of Debian's bible-kjv, produced at run time)\n"
    "  - the short-context regression: perplexity at L/2 and L (L = trained context) with the method set\n"
    "    up exactly as it runs at N (same factor), against plain RoPE (`none`) at the same lengths\n"
    "  - the mean loss per position segment across the N-token window\n"
    "  - a passkey episode of N tokens per trial, key depths spread over 0 … 1 (log-prob vs N other keys,\n"
    "    and greedy)\n"
    "  - the greedy continuation of a prompt\n"
    "  --methods LIST     default none,linear,ntk,dynamic,yarn,dynamic-yarn\n"
    "  --ctx N            the long context, tokens (default 4L)\n"
    "  --factor S         one factor for every method (default: s = max(1, N/L) for static methods; dynamic\n"
    "                     methods keep the model's factor and scale from the sequence length)\n"
    "  --max-chunks N     chunks of N tokens scored at the long context (default 2; the regression scores the\n"
    "                     same number of tokens)\n"
    "  --segments K       position segments (default 8)\n"
    "  --trials N         passkey trials (default 5), --alternatives N other keys (default 9), --seed S (1)\n"
    "  --prompt TEXT      continuation prompt (default: the first N-n bytes of TEXTFILE, so the continuation\n"
    "                     starts near position N)\n"
    "  -n N               bytes to continue (default 60)\n"
    "  --threads T        threads (default 2); --kv MODE: dynamic methods keep (default) or rerotate keys\n"
    "  --json             everything as one object\n"
    "The model's GGUF metadata sets the RoPE defaults; these flags override them:\n";

/* Shows "compare: METHOD (i/n)" on a terminal while the study runs. */
typedef struct cmp_show {
    int on, last;
    const rope_method *methods;
} cmp_show;

static int show_progress(void *u, int done, int total)
{
    cmp_show *sh = u;
    if (!sh->on || done == sh->last) return 0;
    sh->last = done;
    if (done < total) fprintf(stderr, "\rcompare: %s (%d/%d)        ", rope_method_get(sh->methods[done])->name, done + 1, total);
    else fprintf(stderr, "\r%60s\r", "");
    return 0;
}

/* Bytes for one line of text output: newlines and other control bytes shown as '|' and '?'. */
static void show_bytes(const char *s, int n)
{
    for (int i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        putchar(ch == '\n' ? '|' : ch < 32 || ch >= 127 ? '?' : ch);
    }
}

/* The continuation's tokens as bytes, NUL-terminated, in buf[n + 1]. */
static const char *cont_text(const int *cont, int n, char *buf)
{
    for (int k = 0; k < n; k++) buf[k] = (char)cont[k];
    buf[n] = '\0';
    return buf;
}

int cmd_compare(int argc, char **argv)
{
    const char *cmd = "compare";
    if (cmd_wants_help(argc, argv)) { fputs(help, stdout); fputs(ropeargs_help, stdout); return 0; }
    unsigned char *used = calloc((size_t)argc + 1, 1);
    ropeargs *ra = malloc(sizeof *ra);
    eval_compare_spec *sp = calloc(1, sizeof *sp);
    eval_compare_result res = { 0 };
    rope_error err = {{0}};
    const char *mpath = NULL, *text = NULL, *method_list = NULL, *prompt = NULL;
    int threads = 2, json = 0, rc = 0, ctx = 0, max_chunks = 2, segments = 8, trials = 5, n_alt = 9, seed = 1;
    int n_gen = 60, n_methods = 0;
    rope_method methods[EVAL_COMPARE_MAX_METHODS];
    model_kv_mode kv = MODEL_KV_KEEP;
    model m = {0};
    int *tok = NULL, *ptok = NULL;
    char *cbuf = NULL;
    if (!used || !ra || !sp) { rc = cmd_error(cmd, 1, "out of memory"); goto out; }
    const flags_spec flags[] = {
        FLAG_SWITCH("--json", &json),
        FLAG_STR("--model", &mpath),
        FLAG_STR("--methods", &method_list),
        FLAG_STR("--prompt", &prompt),
        FLAG_INT("--ctx", &ctx, CORPUS_TASK_MIN, 1 << 24),
        FLAG_INT("--max-chunks", &max_chunks, 1, 1 << 20),
        FLAG_INT("--segments", &segments, 1, EVAL_COMPARE_MAX_SEG),
        FLAG_INT("--trials", &trials, 0, EVAL_COMPARE_MAX_TRIALS),
        FLAG_INT("--alternatives", &n_alt, 0, EVAL_PASSKEY_MAX_ALT),
        FLAG_INT("--seed", &seed, 0, 2147483647),
        FLAG_INT("-n", &n_gen, 0, 4096),
        FLAG_INT("--threads", &threads, 1, 64),
        FLAG_KV("--kv", &kv),
    };
    if (flags_parse(argc, argv, flags, FLAGS_COUNT(flags), used, &err)) {
        rc = cmd_error(cmd, 2, "%s", err.msg);
        goto out;
    }
    if (ropeargs_parse(argc, argv, ra, used, &err)) { rc = cmd_error(cmd, 2, "%s", err.msg); goto out; }
    for (int i = 1; i < argc; i++) {
        if (used[i]) continue;
        if (argv[i][0] == '-' && argv[i][1]) { rc = cmd_error(cmd, 2, "unknown argument '%s' (see --help)", argv[i]); goto out; }
        if (text) { rc = cmd_error(cmd, 2, "more than one text file ('%s' and '%s')", text, argv[i]); goto out; }
        text = argv[i];
    }
    if (method_list) {
        if (cmd_parse_methods("--methods", method_list, methods, EVAL_COMPARE_MAX_METHODS, &n_methods, &err)) {
            rc = cmd_error(cmd, 2, "%s", err.msg);
            goto out;
        }
    } else {
        static const rope_method def[] = { ROPE_NONE, ROPE_LINEAR, ROPE_NTK, ROPE_DYNAMIC, ROPE_YARN, ROPE_DYNAMIC_YARN };
        for (n_methods = 0; n_methods < 6; n_methods++) methods[n_methods] = def[n_methods];
    }
    if (prompt && !prompt[0]) { rc = cmd_error(cmd, 2, "--prompt is empty"); goto out; }
    rope_params p;
    if (cmd_model_load(argc, argv, mpath, ra, &m, &p, &err)) { rc = cmd_error(cmd, 2, "%s", err.msg); goto out; }
    int L = eval_base_ctx(&m);
    if (!ctx) ctx = 4 * L > CORPUS_TASK_MIN ? 4 * L : CORPUS_TASK_MIN;
    if (ctx < L) {     /* the short-context columns score chunks of L/2 and L tokens inside --ctx */
        rc = cmd_error(cmd, 2, "--ctx %d is shorter than the model's context L = %d (compare also scores L/2 and "
                       "L); use --ctx %d or more", ctx, L, L);
        goto out;
    }
    long n = 0;
    if (cli_text_tokens(text, &tok, &n, &text, &err)) { rc = cmd_error(cmd, 2, "%s", err.msg); goto out; }
    if (n < ctx) { rc = cmd_error(cmd, 2, "%s has %ld bytes; --ctx %d needs at least %d", text, n, ctx, ctx); goto out; }
    int n_prompt = prompt ? (int)strlen(prompt) : ctx - n_gen;
    if (n_prompt < 1) { rc = cmd_error(cmd, 2, "-n %d leaves no prompt inside --ctx %d", n_gen, ctx); goto out; }
    if (prompt) {
        if (!(ptok = malloc(sizeof(int) * (size_t)n_prompt))) { rc = cmd_error(cmd, 1, "out of memory"); goto out; }
        for (int i = 0; i < n_prompt; i++) ptok[i] = (unsigned char)prompt[i];
    }
    double fixed = cmd_flag_given(argc, argv, "--factor") ? p.factor : 0;
    memcpy(sp->methods, methods, sizeof methods);
    sp->n_methods = n_methods;
    sp->ctx = ctx;
    sp->fixed_factor = fixed;
    sp->max_chunks = max_chunks;
    sp->segments = segments;
    sp->trials = trials;
    sp->n_alt = n_alt;
    sp->seed = (uint64_t)seed;
    sp->prompt = ptok;
    sp->n_prompt = prompt ? n_prompt : 0;
    sp->n_gen = n_gen;
    sp->n_threads = threads;
    sp->kv = kv;
    sp->rope = p;
    sp->tok = tok;
    sp->n = n;
    cmp_show sh = { !json && isatty(2), -1, methods };
    int r = eval_compare_run(&m, sp, &res, show_progress, &sh, &err);
    if (r == -3) { rc = cmd_error(cmd, 2, "--ctx: %s", err.msg); goto out; }
    if (r == -2) { rc = cmd_error(cmd, 2, "%s", err.msg); goto out; }
    if (r) {
        if (sh.on) fputc('\n', stderr);
        rc = cmd_error(cmd, 1, "%s", err.msg);
        goto out;
    }
    segments = res.segments;
    const int n_short = res.n_short, *shorts = res.shorts;
    const eval_ppl_result *none_short = res.none_short;
    eval_compare_row *rows = res.rows;
    if (!(cbuf = malloc((size_t)n_gen + 1))) { rc = cmd_error(cmd, 1, "out of memory"); goto out; }
    if (json) {
        cJSON *o = cJSON_CreateObject(), *ma = cJSON_CreateArray();
        cJSON_AddStringToObject(o, "model", m.name);
        cJSON_AddNumberToObject(o, "ctx_train", L);
        cJSON_AddNumberToObject(o, "ctx", ctx);
        cJSON_AddStringToObject(o, "text", text);
        cJSON_AddNumberToObject(o, "max_chunks", max_chunks);
        cJSON_AddStringToObject(o, "factor_rule", fixed > 0 ? "fixed" : "matched");
        cJSON_AddStringToObject(o, "kv", kv == MODEL_KV_KEEP ? "keep" : "rerotate");
        cJSON_AddNumberToObject(o, "passkey_trials", trials);
        cJSON_AddNumberToObject(o, "alternatives", n_alt);
        cJSON_AddNumberToObject(o, "prompt_tokens", n_prompt);
        cJSON *ns = cJSON_CreateArray();
        for (int k = 0; k < n_short; k++) {
            cJSON *e = cJSON_CreateObject();
            cJSON_AddNumberToObject(e, "ctx", shorts[k]);
            cJSON_AddNumberToObject(e, "ppl", none_short[k].ppl);
            cJSON_AddItemToArray(ns, e);
        }
        cJSON_AddItemToObject(o, "none_short", ns);
        for (int i = 0; i < n_methods; i++) {
            eval_compare_row *r = &rows[i];
            cJSON *e = cJSON_CreateObject(), *sa = cJSON_CreateArray();
            cJSON_AddStringToObject(e, "method", rope_method_get(r->method)->name);
            cJSON_AddNumberToObject(e, "factor", r->factor);
            cJSON_AddItemToObject(e, "rope", ropeecho_json(&r->rope, ctx));
            cJSON_AddNumberToObject(e, "ppl", r->lng.ppl);
            cJSON_AddNumberToObject(e, "nll", r->lng.nll);
            cJSON_AddNumberToObject(e, "nll_stderr", r->lng.nll_stderr);
            cJSON_AddNumberToObject(e, "chunks", r->lng.n_chunks);
            cJSON_AddItemToObject(e, "segment_loss", cmd_json_array(r->seg, segments));
            for (int k = 0; k < n_short; k++) {
                cJSON *s = cJSON_CreateObject();
                cJSON_AddNumberToObject(s, "ctx", shorts[k]);
                cJSON_AddNumberToObject(s, "ppl", r->shrt[k].ppl);
                cJSON_AddNumberToObject(s, "ppl_none", none_short[k].ppl);
                cJSON_AddNumberToObject(s, "change", r->shrt[k].ppl / none_short[k].ppl - 1);
                cJSON_AddItemToArray(sa, s);
            }
            cJSON_AddItemToObject(e, "short_context", sa);
            cJSON *pk = cJSON_CreateObject();
            cJSON_AddNumberToObject(pk, "length", ctx);
            cJSON_AddNumberToObject(pk, "trials", r->pk_trials);
            cJSON_AddNumberToObject(pk, "lp_correct", r->pk_lp);
            cJSON_AddNumberToObject(pk, "gen_correct", r->pk_gen);
            cJSON_AddNumberToObject(pk, "mean_margin", r->pk_margin);
            cJSON_AddItemToObject(e, "passkey", pk);
            cJSON_AddStringToObject(e, "continuation", cont_text(r->cont, n_gen, cbuf));
            cJSON_AddItemToArray(ma, e);
        }
        cJSON_AddItemToObject(o, "methods", ma);
        rc = cmd_print_json(o);
        goto out;
    }
    char ext[64];
    printf("model %s: trained context L = %d%s; long context %d tokens; kv %s\n", m.name[0] ? m.name : "?", L,
           cmd_model_extended(&m, ext, sizeof ext), ctx,
           kv == MODEL_KV_KEEP ? "keep" : "rerotate");
    if (fixed > 0) printf("factor: fixed %g for every method\n", fixed);
    else printf("factor: s = max(1, %d/%d) = %g for static methods; dynamic methods keep factor %g and scale from the "
                "sequence length\n", ctx, L, ctx > L ? (double)ctx / L : 1.0, p.factor);
    printf("text %s: perplexity scored like llama.cpp (second half of each chunk), %d chunk(s) at %d; the short\n"
           "lengths score the same number of tokens, with each method set up as at %d (on) vs none (off)\n",
           text, rows[0].lng.n_chunks, ctx, ctx);
    printf("%-13s %8s %10s", "method", "factor", "ppl@ctx");
    for (int k = 0; k < n_short; k++) {
        char h[32];
        snprintf(h, sizeof h, "ppl@%d", shorts[k]);
        printf(" %9s %7s", h, "vs none");
    }
    printf(" %11s %7s\n", "passkey lp", "greedy");
    for (int i = 0; i < n_methods; i++) {
        eval_compare_row *r = &rows[i];
        const rope_method_info *mi = rope_method_get(r->method);
        char f[16];
        if (mi->uses & ROPE_USES_FACTOR) snprintf(f, sizeof f, "%g", r->factor);
        else snprintf(f, sizeof f, "-");
        printf("%-13s %8s %10.4f", mi->name, f, r->lng.ppl);
        for (int k = 0; k < n_short; k++)
            printf(" %9.4f %+6.1f%%", r->shrt[k].ppl, 100.0 * (r->shrt[k].ppl / none_short[k].ppl - 1));
        char a[24], b[24];
        snprintf(a, sizeof a, "%d/%d", r->pk_lp, r->pk_trials);
        snprintf(b, sizeof b, "%d/%d", r->pk_gen, r->pk_trials);
        printf(" %11s %7s\n", a, b);
    }
    printf("\nrope each method ran with at %d tokens:\n", ctx);
    for (int i = 0; i < n_methods; i++) {
        char echo[512];
        printf("  %s\n", ropeecho_text(&rows[i].rope, ctx, echo, sizeof echo));
    }
    cmd_print_segments_header(ctx, segments, 10);
    for (int i = 0; i < n_methods; i++) cmd_print_segments_row(rope_method_get(rows[i].method)->name, rows[i].seg, segments, 10);
    if (n_gen > 0) {
        int tail = n_prompt < 50 ? n_prompt : 50;
        printf("\ngreedy continuation (%d bytes; newlines shown as |) of a %d-token prompt ending \"", n_gen, n_prompt);
        if (prompt) show_bytes(prompt + n_prompt - tail, tail);
        else for (int i = n_prompt - tail; i < n_prompt; i++) { char ch = (char)tok[i]; show_bytes(&ch, 1); }
        printf("\"\n");
        for (int i = 0; i < n_methods; i++) {
            printf("%-13s \"", rope_method_get(rows[i].method)->name);
            show_bytes(cont_text(rows[i].cont, n_gen, cbuf), n_gen);
            printf("\"\n");
        }
    }
out:
    eval_compare_free(&res);
    if (m.mem) model_free(&m);
    free(tok);
    free(ptok);
    free(cbuf);
    free(used);
    free(sp);
    free(ra);
    return rc;
}
