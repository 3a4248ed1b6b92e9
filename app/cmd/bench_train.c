/* app/cmd/bench_train.c — `ropescope bench train`: the trainer's speed (forward + backward + gradient
 * clipping + AdamW on random tokens, median step time) and its share of this machine's fp32 FMA peak,
 * measured in the same run, on two fixed shapes (fp32, AdamW, batch 16 × 256), or on one shape given
 * with flags; also the timing loop behind `ropescope train --bench`. */
#include <stdio.h>
#include <stdlib.h>
#include "bench.h"
#include "cmdutil.h"
#include "flags.h"
#include "train.h"

double bench_peak_gflops(int threads)
{
    static double cache[65];                  /* by thread count; 0 = not yet measured */
    if (threads < 1 || threads > 64) return -1.0;
    if (cache[threads] == 0.0) {
        rope_error err;
        kern_pool *p = threads > 1 ? kern_pool_create(threads, &err) : NULL;
        if (threads > 1 && !p) return -1.0;
        cache[threads] = kern_peak_gflops(p, 0.3);
        kern_pool_free(p);
    }
    return cache[threads];
}

int bench_train_shape(const char *cmd, const train_config *cfg, int steps, double *tok_per_s)
{
    rope_error err;
    train_model m;
    if (train_model_init(&m, &cfg->hp, &err)) return cmd_error(cmd, 2, "%s", err.msg);
    train_model_randomize(&m, 1);
    int N = cfg->batch * cfg->seq_len;
    train_ctx *c = train_ctx_create(&m, N, cfg->seq_len, cfg->n_threads, &err);
    if (!c) { train_model_free(&m); return cmd_error(cmd, 1, "%s", err.msg); }
    int *tok = malloc(sizeof(int) * (size_t)N), *tgt = malloc(sizeof(int) * (size_t)N);   /* [N] */
    int *len = malloc(sizeof(int) * (size_t)cfg->batch);                                    /* [batch] */
    float *mo = calloc(m.n_params, sizeof(float)), *ve = calloc(m.n_params, sizeof(float));
    double *dt = malloc(sizeof(double) * (size_t)steps);                                    /* [steps] s */
    int rc = 0;
    if (!tok || !tgt || !len || !mo || !ve || !dt) { rc = cmd_error(cmd, 1, "out of memory"); goto out; }
    uint64_t r = 1;
    for (int i = 0; i < N; i++) { tok[i] = (int)(corpus_rand(&r) & 255); tgt[i] = (int)(corpus_rand(&r) & 255); }
    for (int i = 0; i < cfg->batch; i++) len[i] = cfg->seq_len;
    train_batch b = { N, tok, tgt, cfg->batch, len, NULL };
    for (int s = -1; s < steps; s++) {       /* one untimed warm-up step */
        double t0 = bench_now(), loss;
        if (train_step_fb(c, &b, 1, &loss, NULL, &err)) { rc = cmd_error(cmd, 1, "%s", err.msg); goto out; }
        float *g = train_ctx_grad(c);
        train_clip_grad(g, m.n_params, 1.0);
        train_adamw(&m, g, mo, ve, s + 2, 1e-3, &cfg->opt);
        if (s >= 0) dt[s] = bench_now() - t0;
    }
    double med = bench_median(dt, steps);
    double tps = N / med, gf = tps * train_flops_per_token(&cfg->hp, cfg->seq_len) * 1e-9;
    char desc[160];
    train_hparams_describe(&cfg->hp, desc, sizeof desc);
    printf("  %s, %zu weights; batch %d x %d, %d thread%s\n", desc, m.n_params, cfg->batch, cfg->seq_len,
           cfg->n_threads, cfg->n_threads > 1 ? "s" : "");
    printf("    step (forward + backward + clip + AdamW): median %.3f s of %d (min %.3f, max %.3f)\n", med, steps,
           dt[0], dt[steps - 1]);
    double peak = bench_peak_gflops(cfg->n_threads);
    printf("    %.0f tokens/s, %.1f GFLOP/s of model FLOPs = %.1f%% of this machine's %.0f GFLOP/s fp32 FMA peak"
           " (%s, %d thread%s, measured now); activations %.0f MiB\n", tps, gf, peak > 0 ? 100.0 * gf / peak : 0.0,
           peak, kern_isa_name(kern_isa_active()), cfg->n_threads, cfg->n_threads > 1 ? "s" : "",
           train_ctx_bytes(c) / 1048576.0);
    if (tok_per_s) *tok_per_s = tps;
out:
    free(tok); free(tgt); free(len); free(mo); free(ve); free(dt);
    train_ctx_free(c);
    train_model_free(&m);
    return rc;
}

static const char help[] =
    "usage: ropescope bench train [--threads T] [--steps N]\n"
    "  The trainer's tokens/s (forward + backward + clip + AdamW on random tokens, median of N steps,\n"
    "  default 9, after one warm-up step) on two shapes (d128 x 4 layers, d256 x 6 layers; fp32, AdamW,\n"
    "  batch 16 x 256), and the model FLOP/s as a share of this machine's fp32 FMA peak, measured in the\n"
    "  same run on T threads with the kernel set in use. No figure from another machine is used.\n"
    "  Model FLOPs per token = 6 x matmul weights + 12 x layers x ctx x n_head*head_dim.\n"
    "  Another shape: ropescope train --bench --d-model D --layers L --heads H --ffn F --ctx N --batch B\n";

int bench_train(int argc, char **argv)
{
    const char *cmd = "bench train";
    if (cmd_wants_help(argc, argv)) { fputs(help, stdout); return 0; }
    int threads = 2, steps = 9;
    rope_error err;
    const flags_spec flags[] = {
        FLAG_INT("--threads", &threads, 1, 64),
        FLAG_INT("--steps", &steps, 1, 1000),
    };
    int bad = flags_parse(argc, argv, flags, FLAGS_COUNT(flags), NULL, &err);
    if (bad < 0) return cmd_error(cmd, 2, "%s", err.msg);
    if (bad > 0) return cmd_error(cmd, 2, "unknown argument '%s' (see ropescope bench train --help)", argv[bad]);
    static const struct { int d, layers, heads, ffn; } anchors[] = {
        { 128, 4, 4, 384 },    /* 0.92 M parameters */
        { 256, 6, 8, 688 },    /* 4.9 M parameters */
    };
    double peak = bench_peak_gflops(threads);
    printf("bench train: fp32, AdamW, batch 16 x 256 tokens, %d thread%s, median of %d steps\n", threads,
           threads > 1 ? "s" : "", steps);
    printf("  this machine's fp32 FMA peak: %.0f GFLOP/s on %d thread%s (%s FMA chains, measured now)\n", peak,
           threads, threads > 1 ? "s" : "", kern_isa_name(kern_isa_active()));
    for (size_t k = 0; k < sizeof anchors / sizeof anchors[0]; k++) {
        train_config cfg;
        train_config_default(&cfg);
        cfg.hp.d_model = anchors[k].d;
        cfg.hp.n_layer = anchors[k].layers;
        cfg.hp.n_head = cfg.hp.n_head_kv = anchors[k].heads;
        cfg.hp.head_dim = anchors[k].d / anchors[k].heads;
        cfg.hp.n_ff = anchors[k].ffn;
        cfg.hp.ctx_train = cfg.seq_len = 256;
        cfg.batch = 16;
        cfg.n_threads = threads;
        cfg.rope.head_dim = cfg.hp.head_dim;
        double tps = 0.0;
        int rc = bench_train_shape(cmd, &cfg, steps, &tps);
        if (rc) return rc;
    }
    return 0;
}
