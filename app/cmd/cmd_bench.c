/* app/cmd/cmd_bench.c — `ropescope bench TARGET`: dispatch, timing helpers, and `bench core` (every
 * method's table plus a 4096-point score curve at head_dim 128). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "bench.h"
#include "cmd.h"
#include "cmdutil.h"
#include "ropeargs.h"

static const struct { const char *name; int (*run)(int, char **); const char *summary; } targets[] = {
    { "core", bench_core, "recompute every method's table + a 4096-point score curve, head_dim 128" },
    { "model", bench_model, "transformer prefill/decode tok/s (pp512/tg128, like llama-bench)" },
    { "train", bench_train, "trainer tok/s and share of this machine's measured fp32 peak (forward + backward + AdamW)" },
    { "decay", bench_decay, "attention decay of every layer and head over 32k tokens: FFT path vs the direct O(N^2) sum" },
    { "tui", bench_tui, "explorer frame time (p50/p99) with all panels at 200x60, headless" },
    { "window", bench_window, "window frame time (p50/p99) with all panels at 1600x1000, software-rendered" },
    { "live", bench_live, "the explorer's model panel: full re-evaluation at s·L = 4096 after a beta_fast step, 2 threads" },
};
#define N_TARGETS ((int)(sizeof targets / sizeof targets[0]))

double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double bench_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

#define ROUNDS 301
#define POINTS 4096

/* Llama-2 geometry (head_dim 128, base 10000, L 4096, s 8); LongRoPE gets lists ramping 1 → s. */
static void bench_params(rope_params *p)
{
    rope_params_init(p);
    p->head_dim = 128;
    p->orig_ctx = p->max_pos = 4096;
    p->factor = 8.0;
    p->seq_len = 32768;
    p->n_factors = 64;
    for (int i = 0; i < 64; i++) {
        p->short_factor[i] = 1.0;
        p->long_factor[i] = 1.0 + 7.0 * i / 63.0;
    }
}

int bench_core(int argc, char **argv)
{
    if (cmd_wants_help(argc, argv)) {
        printf("usage: ropescope bench core\n  Recomputes every method's frequency table and a %d-point score curve at head_dim 128,\n"
               "  %d rounds; prints the medians.\n", POINTS, ROUNDS);
        return 0;
    }
    if (argc > 1) return cmd_error("bench core", 2, "unknown argument '%s' (see --help)", argv[1]);
    rope_params p;
    rope_table *t = malloc(sizeof *t);
    double *curve = malloc(sizeof(double) * POINTS);
    double *round = malloc(sizeof(double) * ROUNDS), *tab = malloc(sizeof(double) * ROUNDS);
    double *lin = malloc(sizeof(double) * ROUNDS), *lg = malloc(sizeof(double) * ROUNDS);
    if (!t || !curve || !round || !tab || !lin || !lg) {
        free(t); free(curve); free(round); free(tab); free(lin); free(lg);
        return cmd_error("bench", 1, "out of memory");
    }
    bench_params(&p);
    rope_grid g_lin = { 0.0, 4.0 * 8 * 4096, POINTS, 0 }, g_log = { 1.0, 1e7, POINTS, 1 };
    rope_error err;
    double sink = 0.0;
    for (int r = 0; r < ROUNDS; r++) {
        double t0 = bench_now(), tt = 0.0;
        for (int m = 0; m < ROPE_METHOD_COUNT; m++) {
            p.method = (rope_method)m;
            double a = bench_now();
            if (rope_table_compute(&p, t, &err))
                return cmd_error("bench", 1, "%s", err.msg);
            tt += bench_now() - a;
        }
        p.method = ROPE_YARN;
        rope_table_compute(&p, t, &err);
        double a = bench_now();
        rope_score_curve(t, ROPE_SCORE_ONES, &g_lin, curve, &err);
        double b = bench_now();
        sink += curve[POINTS - 1];
        round[r] = (b - t0) - 0.0;
        tab[r] = tt;
        lin[r] = b - a;
        double c = bench_now();
        rope_score_curve(t, ROPE_SCORE_ONES, &g_log, curve, &err);
        lg[r] = bench_now() - c;
        sink += curve[0];
    }
    printf("bench core: head_dim 128 (64 pairs), %d methods, %d rounds, medians\n", ROPE_METHOD_COUNT, ROUNDS);
    printf("  all %d tables                     %9.1f us\n", ROPE_METHOD_COUNT, 1e6 * bench_median(tab, ROUNDS));
    printf("  score curve, %d linear points   %9.1f us\n", POINTS, 1e6 * bench_median(lin, ROUNDS));
    printf("  tables + linear curve (target <1 ms) %6.1f us\n", 1e6 * bench_median(round, ROUNDS));
    printf("  score curve, %d log points      %9.1f us  (direct cos/sin per point)\n", POINTS,
           1e6 * bench_median(lg, ROUNDS));
    if (sink == 12345.678) putchar(' ');
    free(t); free(curve); free(round); free(tab); free(lin); free(lg);
    return 0;
}

int cmd_bench(int argc, char **argv)
{
    /* only `bench --help`: `bench TARGET --help` is the target's own help */
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        printf("usage: ropescope bench TARGET\n\ntargets:\n");
        for (int i = 0; i < N_TARGETS; i++)
            printf("  %-8s %s\n", targets[i].name, targets[i].summary);
        return argc < 2 ? 2 : 0;
    }
    for (int i = 0; i < N_TARGETS; i++)
        if (!strcmp(argv[1], targets[i].name)) {
            if ((targets[i].run == bench_tui || targets[i].run == bench_live) && cmd_wants_help(argc - 1, argv + 1)) {   /* has no help of its own */
                printf("usage: ropescope bench tui\n  %s\n", targets[i].summary);
                return 0;
            }
            return targets[i].run(argc - 1, argv + 1);
        }
    return cmd_error("bench", 2, "unknown target '%s' (see ropescope bench --help)", argv[1]);
}
