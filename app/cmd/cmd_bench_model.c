/* app/cmd/cmd_bench_model.c — `ropescope bench model`: prefill and decode speed of the transformer the
 * way llama-bench measures it (pp: N prompt tokens from an empty cache; tg: N tokens decoded one at
 * a time from an empty cache), median of repeated runs, on a random model of a chosen shape or on a
 * GGUF file. */
#include <stdio.h>
#include <stdlib.h>
#include "assets.h"
#include "bench.h"
#include "cmdutil.h"
#include "flags.h"
#include "model.h"

static const char help[] =
    "usage: ropescope bench model [--model FILE.gguf] [--threads T] [--decode-threads D] [--pp N] [--tg N] [--reps R]\n"
    "                             [--d-model D] [--heads H] [--kv-heads K] [--layers L] [--ffn F]\n"
    "  Prefill (ppN) and decode (tgN) tokens/s, median of R runs (default 5), like llama-bench.\n"
    "  Without --model: a random F32 byte model, default d_model 128, 4 heads, 4 layers, ffn 384.\n"
    "  --decode-threads D: threads for single-token steps (default: 1 for models under 4 MiB, else T)\n"
    "  --kernels best|avx512|avx2|portable: the vector kernel set (default best: chosen at start-up from\n"
    "                                       the CPU's instruction set; the line 'kernels:' says which)\n"
    "  Side by side with llama.cpp on the same file: tools/bench_llamacpp.sh --model FILE.gguf\n";

int bench_model(int argc, char **argv)
{
    const char *cmd = "bench model";
    if (cmd_wants_help(argc, argv)) { fputs(help, stdout); return 0; }
    const char *path = NULL;
    int threads = 2, pp = 512, tg = 128, reps = 5, dthreads = 0;
    model_hparams hp = { MODEL_VOCAB, 128, 4, 4, 4, 32, 384, 512, 1e-5f, 0 };
    int kv = 0, isa = 0;   /* isa: index into "best|avx512|avx2|portable" */
    rope_error err = {{0}};
    const flags_spec flags[] = {
        FLAG_STR("--model", &path),
        FLAG_INT("--threads", &threads, 1, 64),
        FLAG_INT("--decode-threads", &dthreads, 1, 64),
        FLAG_INT("--pp", &pp, 1, 1 << 20),
        FLAG_INT("--tg", &tg, 1, 1 << 20),
        FLAG_INT("--reps", &reps, 1, 1000),
        FLAG_INT("--d-model", &hp.d_model, 1, 8192),
        FLAG_INT("--heads", &hp.n_head, 1, 256),
        FLAG_INT("--kv-heads", &kv, 1, 256),
        FLAG_INT("--layers", &hp.n_layer, 1, 256),
        FLAG_INT("--ffn", &hp.n_ff, 1, 65536),
        FLAG_CHOICE("--kernels", &isa, "best|avx512|avx2|portable"),
    };
    int bad = flags_parse(argc, argv, flags, FLAGS_COUNT(flags), NULL, &err);
    if (bad < 0) return cmd_error(cmd, 2, "%s", err.msg);
    if (bad > 0) return cmd_error(cmd, 2, "unknown argument '%s' (see --help)", argv[bad]);
    if (isa > 0) {
        kern_isa want = isa == 1 ? KERN_ISA_AVX512 : isa == 2 ? KERN_ISA_AVX2 : KERN_ISA_PORTABLE;
        if (kern_set_isa(want))
            return cmd_error(cmd, 1, "this CPU cannot run the %s kernels (best here: %s)", kern_isa_name(want),
                             kern_isa_name(kern_isa_best()));
    }
    model m;
    if (path) {
        char full[4096];
        if (model_load(&m, cli_model_path(path, full, sizeof full), &err)) return cmd_error(cmd, 1, "%s", err.msg);
    } else {
        hp.n_head_kv = kv ? kv : hp.n_head;
        if (hp.d_model % hp.n_head) return cmd_error(cmd, 2, "--d-model %d is not a multiple of --heads %d", hp.d_model, hp.n_head);
        hp.head_dim = hp.d_model / hp.n_head;
        if (model_init_random(&m, &hp, 1, &err)) return cmd_error(cmd, 2, "%s", err.msg);
    }
    model_ctx_params cp;
    model_ctx_params_default(&m, &cp);
    cp.n_ctx = pp > tg ? pp : tg;
    cp.n_batch = pp;
    cp.n_threads = threads;
    cp.decode_threads = dthreads;
    cp.rope.max_pos = cp.rope.max_pos > cp.n_ctx ? cp.rope.max_pos : cp.n_ctx;
    model_ctx c;
    if (model_ctx_init(&c, &m, &cp, &err)) { model_free(&m); return cmd_error(cmd, 1, "%s", err.msg); }
    int *tok = malloc(sizeof(int) * (size_t)cp.n_ctx);
    if (!tok) { model_ctx_free(&c); model_free(&m); return cmd_error(cmd, 1, "out of memory"); }
    for (int i = 0; i < cp.n_ctx; i++) tok[i] = (int)(((unsigned)i * 7919u + 13u) & 255u);   /* no signed overflow */
    double *tp = malloc(sizeof(double) * (size_t)reps), *tt = malloc(sizeof(double) * (size_t)reps);
    int rc = 0;
    /* one warm-up of each */
    for (int r = -1; r < reps && !rc; r++) {
        model_ctx_reset(&c);
        double t0 = bench_now();
        rc = model_eval(&c, tok, pp, &err);
        double t1 = bench_now();
        model_ctx_reset(&c);
        for (int i = 0; i < tg && !rc; i++) rc = model_eval(&c, tok + i, 1, &err);
        double t2 = bench_now();
        if (r >= 0) { tp[r] = pp / (t1 - t0); tt[r] = tg / (t2 - t1); }
    }
    if (rc) {
        rc = cmd_error(cmd, 1, "%s", err.msg);
    } else {
        printf("model: d_model %d, heads %d (kv %d), head_dim %d, layers %d, ffn %d, vocab %d, %.2f M params, F32 in memory\n",
               m.hp.d_model, m.hp.n_head, m.hp.n_head_kv, m.hp.head_dim, m.hp.n_layer, m.hp.n_ff, m.hp.n_vocab,
               m.n_params / 1e6);
        printf("kernels: %s; threads %d (decode %d); KV cache %.2f MiB for %d tokens\n", kern_backend(), threads,
               c.decode_serial ? 1 : threads, c.kv_bytes / 1048576.0, cp.n_ctx);
        printf("pp%d: %.0f tok/s (median of %d)\n", pp, bench_median(tp, reps), reps);
        printf("tg%d: %.0f tok/s (median of %d)\n", tg, bench_median(tt, reps), reps);
    }
    free(tok); free(tp); free(tt);
    model_ctx_free(&c);
    model_free(&m);
    return rc;
}
