/* app/cmd/cmd_decay.c — `ropescope decay`: attention decay over distance on a real model: per layer and
 * head the mean pre-softmax score S(Δ) and the mean softmax weight W(Δ) at every distance of an
 * N-token text, for one or several RoPE methods (kernels/eval/eval_decay.h, FFT cross-correlations). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmdutil.h"
#include "eval.h"
#include "eval_decay.h"
#include "flags.h"
#include "model.h"
#include "modelcmd.h"
#include "ropeargs.h"

#define DECAY_MAX_METHODS 16
#define DECAY_MAX_DIST 12

static const char help[] =
    "usage: ropescope decay [--model FILE.gguf] --ctx N [--methods M,M,...] [--layer L] [--head H] [--mean]\n"
    "                       [--threads T] [--json] [RoPE flags] TEXTFILE\n"
    "  Attention decay over distance on the model: the first N bytes of TEXTFILE run through the forward\n"
    "  pass once per method; for every layer and head\n"
    "    score(D)   mean over m >= D of q_m . k_(m-D): the dot product after RoPE (the method's magnitude\n"
    "               included), before the 1/sqrt(head_dim) scale; computed from the pre-RoPE q and k with\n"
    "               FFT cross-correlations per rotary pair (exact, not sampled)\n"
    "    weight(D)  mean over m >= D of the softmax weight from m to m-D in the forward pass\n"
    "  --ctx N          tokens (>= 2; the text needs at least N bytes)\n"
    "  --methods LIST   methods to compare (default: the one the RoPE flags give); a method that does not\n"
    "                   scale from the length runs with --factor if given, else max(1, N/L) (as compare)\n"
    "  --layer L        only layer L (default: every layer)\n"
    "  --head H         only head H (default: every head)\n"
    "  --mean           the mean over heads of each layer instead of every head\n"
    "  --threads T      threads (default 2)\n"
    "  --json           one object: {\"ctx\": N, \"distance\": [0, 1, ...], \"curves\": [{\"method\", \"layer\",\n"
    "                   \"head\", \"score\": [...], \"weight\": [...]}, ...]} (head -1 = the mean)\n"
    "The text table shows a few distances (1, 10, 100, L, 2L, s.L, N-1 where below N).\n"
    "The model's GGUF metadata sets the RoPE defaults; these flags override them:\n";

/* Copies d's curves of every captured layer into score/weight [n_layer][rows][N]: head `head` only
 * (rows 1), the mean over heads (rows 1) or every head (rows n_head). */
static void keep_rows(const eval_decay *d, int head, int mean, double *score, double *weight)
{
    int N = d->n;
    int h0 = head >= 0 ? head : 0, h1 = head >= 0 ? head + 1 : d->n_head;
    int rows = mean || head >= 0 ? 1 : d->n_head;
    for (int li = 0; li < d->n_layer; li++) {
        double *s = score + (size_t)li * rows * N, *w = weight + (size_t)li * rows * N;
        if (mean) {
            memset(s, 0, (size_t)N * sizeof(double));
            memset(w, 0, (size_t)N * sizeof(double));
        }
        for (int h = h0; h < h1; h++) {
            const double *S = eval_decay_score(d, li, h), *W = eval_decay_weight(d, li, h);
            double *so = mean ? s : s + (size_t)(h - h0) * N, *wo = mean ? w : w + (size_t)(h - h0) * N;
            double f = mean ? 1.0 / (h1 - h0) : 1.0;
            for (int t = 0; t < N; t++) {
                so[t] = (mean ? so[t] : 0.0) + f * S[t];
                wo[t] = (mean ? wo[t] : 0.0) + f * W[t];
            }
        }
    }
}

int cmd_decay(int argc, char **argv)
{
    const char *cmd = "decay";
    if (cmd_wants_help(argc, argv)) { fputs(help, stdout); fputs(ropeargs_help, stdout); return 0; }
    unsigned char *used = calloc((size_t)argc + 1, 1);
    ropeargs *ra = malloc(sizeof *ra);
    rope_error err = {{0}};
    const char *mpath = NULL, *method_list = NULL, *text = NULL;
    int ctx = 0, layer = -1, head = -1, mean = 0, threads = 2, json = 0, rc = 0, have_ctx = 0;
    rope_method methods[DECAY_MAX_METHODS];
    double factors[DECAY_MAX_METHODS], scales[DECAY_MAX_METHODS], mags[DECAY_MAX_METHODS];
    int n_methods = 0;
    model m = {0};
    model_ctx c = {0};
    eval_decay d = {0};
    int *tok = NULL;
    double *score = NULL, *weight = NULL;
    if (!used || !ra) { rc = cmd_error(cmd, 1, "out of memory"); goto out; }
    const flags_spec flags[] = {
        FLAG_SWITCH("--json", &json),
        FLAG_SWITCH("--mean", &mean),
        FLAG_STR("--model", &mpath),
        FLAG_STR("--methods", &method_list),
        FLAG_INT("--ctx", &ctx, 2, 1 << 24),
        FLAG_INT("--layer", &layer, 0, 1 << 20),
        FLAG_INT("--head", &head, 0, 1 << 20),
        FLAG_INT("--threads", &threads, 1, 64),
    };
    if (flags_parse(argc, argv, flags, FLAGS_COUNT(flags), used, &err)) { rc = cmd_error(cmd, 2, "%s", err.msg); goto out; }
    if (ropeargs_parse(argc, argv, ra, used, &err)) { rc = cmd_error(cmd, 2, "%s", err.msg); goto out; }
    for (int i = 1; i < argc; i++) {
        if (used[i]) continue;
        if (argv[i][0] == '-' && argv[i][1]) { rc = cmd_error(cmd, 2, "unknown argument '%s' (see --help)", argv[i]); goto out; }
        if (text) { rc = cmd_error(cmd, 2, "more than one text file ('%s' and '%s')", text, argv[i]); goto out; }
        text = argv[i];
    }
    if (!ctx) { rc = cmd_error(cmd, 2, "--ctx N is required (the tokens the decay is measured over)"); goto out; }
    if (!text) { rc = cmd_error(cmd, 2, "no text file given (see --help)"); goto out; }
    if (mean && head >= 0) { rc = cmd_error(cmd, 2, "--mean and --head both choose the heads; use one"); goto out; }
    if (method_list &&
        cmd_parse_methods("--methods", method_list, methods, DECAY_MAX_METHODS, &n_methods, &err)) {
        rc = cmd_error(cmd, 2, "%s", err.msg);
        goto out;
    }
    rope_params p;
    if (cmd_model_load(argc, argv, mpath, ra, &m, &p, &err)) { rc = cmd_error(cmd, 2, "%s", err.msg); goto out; }
    if (layer >= m.hp.n_layer) {
        rc = cmd_error(cmd, 2, "--layer %d is out of range: the model has layers 0 to %d", layer, m.hp.n_layer - 1);
        goto out;
    }
    if (head >= m.hp.n_head) {
        rc = cmd_error(cmd, 2, "--head %d is out of range: the model has heads 0 to %d", head, m.hp.n_head - 1);
        goto out;
    }
    if (!method_list) methods[n_methods++] = p.method;
    int L = eval_base_ctx(&m);
    long n_text = 0;
    if (cmd_read_tokens(text, &tok, &n_text, &err)) { rc = cmd_error(cmd, 2, "%s", err.msg); goto out; }
    if (n_text < ctx) { rc = cmd_error(cmd, 2, "%s has %ld bytes; --ctx %d needs at least %d", text, n_text, ctx, ctx); goto out; }
    double fixed = cmd_flag_given(argc, argv, "--factor") ? p.factor : 0;
    rope_params mp[DECAY_MAX_METHODS];
    for (int i = 0; i < n_methods; i++) {
        factors[i] = eval_method_params(&p, methods[i], ctx, L, fixed, &mp[i]);
        if (rope_params_validate(&mp[i], &err)) {
            rc = cmd_error(cmd, 2, "%s: %s", rope_method_get(methods[i])->name, err.msg);
            goto out;
        }
    }
    model_ctx_params cp;
    model_ctx_params_default(&m, &cp);
    cp.n_ctx = ctx;
    cp.n_threads = threads;
    cp.rope = mp[0];
    if (model_ctx_init(&c, &m, &cp, &err)) { rc = cmd_error(cmd, 2, "%s", err.msg); goto out; }
    have_ctx = 1;
    if (eval_decay_init(&d, &m, ctx, layer >= 0 ? layer : 0, layer >= 0 ? 1 : 0, threads, &err)) {
        rc = cmd_error(cmd, 1, "%s", err.msg);
        goto out;
    }
    int rows = mean || head >= 0 ? 1 : m.hp.n_head;
    size_t per = (size_t)d.n_layer * rows * ctx;
    score = malloc((size_t)n_methods * per * sizeof(double));
    weight = malloc((size_t)n_methods * per * sizeof(double));
    if (!score || !weight) { rc = cmd_error(cmd, 1, "out of memory for %d curves of %d points", n_methods, ctx); goto out; }
    for (int i = 0; i < n_methods; i++) {
        if (model_ctx_set_rope(&c, &mp[i], &err) || eval_decay_capture(&d, &c, tok, &err) ||
            eval_decay_scores_fft(&d, c.pool, &err)) {
            rc = cmd_error(cmd, 1, "%s: %s", rope_method_get(methods[i])->name, err.msg);
            goto out;
        }
        scales[i] = d.table.scale;
        mags[i] = d.table.magnitude;
        keep_rows(&d, head, mean, score + i * per, weight + i * per);
    }

    if (json) {
        cJSON *o = cJSON_CreateObject(), *ca = cJSON_CreateArray();
        cJSON_AddStringToObject(o, "model", m.name);
        cJSON_AddNumberToObject(o, "ctx_train", L);
        cJSON_AddNumberToObject(o, "ctx", ctx);
        cJSON_AddStringToObject(o, "text", text);
        cJSON_AddStringToObject(o, "factor_rule", fixed > 0 ? "fixed" : "matched");
        double *dist = malloc((size_t)ctx * sizeof(double));
        if (!dist) { cJSON_Delete(o); cJSON_Delete(ca); rc = cmd_error(cmd, 1, "out of memory"); goto out; }
        for (int t = 0; t < ctx; t++) dist[t] = t;
        cJSON_AddItemToObject(o, "distance", cmd_json_array(dist, ctx));
        free(dist);
        for (int i = 0; i < n_methods; i++)
            for (int li = 0; li < d.n_layer; li++)
                for (int r = 0; r < rows; r++) {
                    size_t off = i * per + ((size_t)li * rows + r) * ctx;
                    cJSON *e = cJSON_CreateObject();
                    cJSON_AddStringToObject(e, "method", rope_method_get(methods[i])->name);
                    cJSON_AddNumberToObject(e, "factor", factors[i]);
                    cJSON_AddNumberToObject(e, "scale", scales[i]);
                    cJSON_AddNumberToObject(e, "magnitude", mags[i]);
                    cJSON_AddNumberToObject(e, "layer", d.layer_lo + li);
                    cJSON_AddNumberToObject(e, "head", mean ? -1 : head >= 0 ? head : r);
                    cJSON_AddItemToObject(e, "score", cmd_json_array(score + off, ctx));
                    cJSON_AddItemToObject(e, "weight", cmd_json_array(weight + off, ctx));
                    cJSON_AddItemToArray(ca, e);
                }
        cJSON_AddItemToObject(o, "curves", ca);
        rc = cmd_print_json(o);
        goto out;
    }
    /* the distances of the table */
    double smax = 1;
    for (int i = 0; i < n_methods; i++) smax = fmax(smax, scales[i]);
    long cand[] = { 1, 10, 100, L, 2L * L, (long)lround(smax * L), ctx - 1 };
    long dists[DECAY_MAX_DIST];
    int nd = 0;
    for (size_t j = 0; j < sizeof cand / sizeof cand[0]; j++) {
        if (cand[j] < 1 || cand[j] >= ctx) continue;
        int dup = 0;
        for (int q = 0; q < nd; q++) dup |= dists[q] == cand[j];
        if (!dup) dists[nd++] = cand[j];
    }
    for (int a = 1; a < nd; a++)
        for (int b = a; b > 0 && dists[b - 1] > dists[b]; b--) { long t = dists[b]; dists[b] = dists[b - 1]; dists[b - 1] = t; }
    printf("model %s: trained context L = %d; %d tokens of %s; %d layer(s) x %d head(s)%s\n", m.name[0] ? m.name : "?",
           L, ctx, text, d.n_layer, m.hp.n_head, mean ? ", mean over heads" : "");
    for (int part = 0; part < 2; part++) {
        printf("%s\n", part == 0 ? "mean score q.k (after RoPE, before 1/sqrt(d)) at distance D:"
                                 : "mean attention weight at distance D:");
        printf("%-13s %6s %5s %4s", "method", "factor", "layer", "head");
        for (int j = 0; j < nd; j++) {
            char h[24];
            snprintf(h, sizeof h, "D=%ld", dists[j]);
            printf(" %10s", h);
        }
        putchar('\n');
        for (int i = 0; i < n_methods; i++)
            for (int li = 0; li < d.n_layer; li++)
                for (int r = 0; r < rows; r++) {
                    const double *v = (part == 0 ? score : weight) + i * per + ((size_t)li * rows + r) * ctx;
                    char hs[16];
                    if (mean) snprintf(hs, sizeof hs, "mean");
                    else snprintf(hs, sizeof hs, "%d", head >= 0 ? head : r);
                    printf("%-13s %6g %5d %4s", rope_method_get(methods[i])->name, factors[i], d.layer_lo + li, hs);
                    for (int j = 0; j < nd; j++) printf(part == 0 ? " %10.3f" : " %10.3g", v[dists[j]]);
                    putchar('\n');
                }
    }
out:
    if (have_ctx) model_ctx_free(&c);
    eval_decay_free(&d);
    model_free(&m);
    free(tok); free(score); free(weight);
    free(used); free(ra);
    return rc;
}
