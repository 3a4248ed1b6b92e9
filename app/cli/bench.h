/* app/cli/bench.h — benchmark targets of `ropescope bench TARGET`: each prints figures (medians of
 * repeated runs) and returns an exit code. Timings never appear in tests. */
#ifndef BENCH_H
#define BENCH_H

/* This machine's fp32 FMA peak on `threads` threads, GFLOP/s, measured at the first call for that
 * thread count (about 0.3 s, kern_peak_gflops) and remembered; -1 if it cannot be measured. */
double bench_peak_gflops(int threads);

/* monotonic seconds */
double bench_now(void);
/* median of v[0..n) (sorts v) */
double bench_median(double *v, int n);

int bench_core(int argc, char **argv);
int bench_tui(int argc, char **argv);
int bench_window(int argc, char **argv);
int bench_model(int argc, char **argv);
int bench_train(int argc, char **argv);
int bench_decay(int argc, char **argv);
int bench_live(int argc, char **argv);

/* Times cfg's shape (hp, seq_len, batch, n_threads) for `steps` steps after a warm-up step and prints
 * the figures; *tok_per_s (may be NULL) receives the median tokens/s. Returns an exit code. */
struct train_config;
int bench_train_shape(const char *cmd, const struct train_config *cfg, int steps, double *tok_per_s);

#endif
