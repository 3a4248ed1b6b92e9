/* app/cmd/bench_decay.c — `ropescope bench decay`: the attention decay of every layer and head of the
 * embedded model over 32,768 tokens, the FFT path (forward pass with the probe, then FFTW
 * cross-correlations) against the direct O(N²) sum over the same q/k; both times and the ratio. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "bench.h"
#include "cmdutil.h"
#include "eval_decay.h"
#include "flags.h"
#include "kern.h"
#include "model.h"
#include "modelcmd.h"
#include "ropeargs.h"

static const char help[] =
    "usage: ropescope bench decay [--model FILE.gguf] [--ctx N] [--threads T] [--text FILE] [--no-direct]\n"
    "                             [--no-bare] [RoPE flags]\n"
    "  Times `ropescope decay` over every layer and head: the forward pass with the q/k probe and the\n"
    "  weight histogram, the FFT cross-correlations, and the direct O(N^2) sum over the same q/k (float\n"
    "  GEMM of the rotated rows, double sums along the diagonals). One run each (the direct sum of 32k\n"
    "  tokens takes tens of seconds); prints the largest difference between the two paths' curves.\n"
    "  The split: the forward pass alone (no probe), the same with the probe (its q/k copy timed inside\n"
    "  the probe; the rest of its cost is the weight histogram), the buffers and FFTW plans, the FFTs.\n"
    "  --ctx N        tokens (default 32768)\n"
    "  --threads T    threads (default 2)\n"
    "  --text FILE    the first N bytes of FILE (default: a fixed byte pattern; the time does not depend on it)\n"
    "  --no-direct    time the FFT path only\n"
    "  --no-bare      skip the forward pass without the probe (the split's first line)\n"
    "The model's GGUF metadata sets the RoPE defaults; these flags override them:\n";

int bench_decay(int argc, char **argv)
{
    const char *cmd = "bench decay";
    if (cmd_wants_help(argc, argv)) { fputs(help, stdout); fputs(ropeargs_help, stdout); return 0; }
    unsigned char *used = calloc((size_t)argc + 1, 1);
    ropeargs *ra = malloc(sizeof *ra);
    rope_error err = {{0}};
    const char *mpath = NULL, *text = NULL;
    int ctx = 32768, threads = 2, no_direct = 0, no_bare = 0, rc = 0, have_ctx = 0;
    model m = {0};
    model_ctx c = {0};
    eval_decay d = {0};
    int *tok = NULL;
    double *direct = NULL;
    if (!used || !ra) { rc = cmd_error(cmd, 1, "out of memory"); goto out; }
    const flags_spec flags[] = {
        FLAG_STR("--model", &mpath),
        FLAG_STR("--text", &text),
        FLAG_INT("--ctx", &ctx, 2, 1 << 20),
        FLAG_INT("--threads", &threads, 1, 64),
        FLAG_SWITCH("--no-direct", &no_direct),
        FLAG_SWITCH("--no-bare", &no_bare),
    };
    if (flags_parse(argc, argv, flags, FLAGS_COUNT(flags), used, &err)) { rc = cmd_error(cmd, 2, "%s", err.msg); goto out; }
    if (ropeargs_parse(argc, argv, ra, used, &err)) { rc = cmd_error(cmd, 2, "%s", err.msg); goto out; }
    const char *left = cmd_leftover(argc, argv, used);
    if (left) { rc = cmd_error(cmd, 2, "unknown argument '%s' (see --help)", left); goto out; }
    rope_params p;
    if (cmd_model_load(argc, argv, mpath, ra, &m, &p, &err)) { rc = cmd_error(cmd, 2, "%s", err.msg); goto out; }
    if (text) {
        long n = 0;
        if (cmd_read_tokens(text, &tok, &n, &err)) { rc = cmd_error(cmd, 2, "%s", err.msg); goto out; }
        if (n < ctx) { rc = cmd_error(cmd, 2, "%s has %ld bytes; --ctx %d needs at least %d", text, n, ctx, ctx); goto out; }
    } else {
        tok = malloc(sizeof(int) * (size_t)ctx);
        if (!tok) { rc = cmd_error(cmd, 1, "out of memory"); goto out; }
        for (int i = 0; i < ctx; i++) tok[i] = (i * 7919 + 13) & 255;
    }
    model_ctx_params cp;
    model_ctx_params_default(&m, &cp);
    cp.n_ctx = ctx;
    cp.n_threads = threads;
    cp.rope = p;
    if (model_ctx_init(&c, &m, &cp, &err)) { rc = cmd_error(cmd, 1, "%s", err.msg); goto out; }
    have_ctx = 1;
    double ti0 = bench_now();
    if (eval_decay_init(&d, &m, ctx, 0, 0, threads, &err)) { rc = cmd_error(cmd, 1, "%s", err.msg); goto out; }
    double t_init = bench_now() - ti0;
    printf("bench decay: model %s (d_model %d, %d layers x %d heads of %d, %d kv heads), %d tokens, method %s, "
           "%d thread(s), %s\n", m.name[0] ? m.name : "?", m.hp.d_model, m.hp.n_layer, m.hp.n_head, m.hp.head_dim,
           m.hp.n_head_kv, ctx, rope_method_get(p.method)->name, threads, kern_backend());
    /* exact causal attention: QK^T and PV over the lower triangle, 2 flops per multiply-add */
    double att_flop = 4.0 * m.hp.n_layer * m.hp.n_head * m.hp.head_dim * ((double)ctx * (ctx + 1) / 2);
    printf("  (exact causal attention at this length: %.2f TFLOP)\n", att_flop * 1e-12);
    fflush(stdout);
    double t_bare = -1;
    if (!no_bare) {
        double tb = bench_now();
        model_ctx_reset(&c);
        if (model_eval(&c, tok, ctx, &err)) { rc = cmd_error(cmd, 1, "%s", err.msg); goto out; }
        t_bare = bench_now() - tb;
        printf("  forward pass alone (no probe)                        %8.2f s  (attention FLOP / time: %.0f GFLOP/s)\n", t_bare,
               att_flop / t_bare * 1e-9);
        fflush(stdout);
    }
    double t0 = bench_now();
    if (eval_decay_capture(&d, &c, tok, &err)) { rc = cmd_error(cmd, 1, "%s", err.msg); goto out; }
    double t1 = bench_now();
    if (eval_decay_scores_fft(&d, c.pool, &err)) { rc = cmd_error(cmd, 1, "%s", err.msg); goto out; }
    double t2 = bench_now();
    printf("  forward pass with the q/k probe and weight histogram  %8.2f s\n", t1 - t0);
    printf("    of which the q/k copy in the probe                 %8.2f s  (%.2f s summed over threads)\n",
           d.t_copy / threads, d.t_copy);
    if (t_bare >= 0)
        printf("    the weight histogram and the rest of the probe     %8.2f s  (with probe - alone - copy)\n",
               t1 - t0 - t_bare - d.t_copy / threads);
    printf("  buffers and FFTW plans (eval_decay_init)            %8.2f s\n", t_init);
    printf("  FFT cross-correlations (%d-point FFTW, double)     %8.2f s\n", d.n_fft, t2 - t1);
    printf("  FFT path (init + forward with probe + FFTs)          %8.2f s\n", t2 - t0 + t_init);
    if (!no_direct) {
        size_t n = (size_t)d.n_layer * d.n_head * ctx;
        direct = malloc(n * sizeof(double));
        if (!direct) { rc = cmd_error(cmd, 1, "out of memory"); goto out; }
        fflush(stdout);
        double t3 = bench_now();
        if (eval_decay_scores_direct(&d, c.pool, direct, &err)) { rc = cmd_error(cmd, 1, "%s", err.msg); goto out; }
        double t4 = bench_now();
        /* agreement, relative to each curve's largest |S| (single Δ near 0 would divide by ~0) */
        double worst = 0;
        for (int li = 0; li < d.n_layer; li++)
            for (int h = 0; h < d.n_head; h++) {
                const double *a = eval_decay_score(&d, li, h), *b = direct + ((size_t)li * d.n_head + h) * ctx;
                double top = 0, diff = 0;
                for (int t = 0; t < ctx; t++) { top = fmax(top, fabs(b[t])); diff = fmax(diff, fabs(a[t] - b[t])); }
                if (top > 0) worst = fmax(worst, diff / top);
            }
        printf("  direct O(N^2) sum over the same q/k                 %8.2f s\n", t4 - t3);
        printf("  direct / FFT cross-correlations %.1fx; direct + forward / FFT path %.1fx\n", (t4 - t3) / (t2 - t1),
               (t4 - t3 + t1 - t0) / (t2 - t0));
        printf("  largest |FFT - direct| / max|S| over every layer and head: %.2e\n", worst);
    }
out:
    if (have_ctx) model_ctx_free(&c);
    eval_decay_free(&d);
    model_free(&m);
    free(tok); free(direct); free(used); free(ra);
    return rc;
}
