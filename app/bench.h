/* app/bench.h — benchmark targets of `ropescope bench TARGET`: each prints figures (medians of
 * repeated runs) and returns an exit code. Timings never appear in tests. */
#ifndef BENCH_H
#define BENCH_H

/* monotonic seconds */
double bench_now(void);
/* median of v[0..n) (sorts v) */
double bench_median(double *v, int n);

int bench_core(int argc, char **argv);
int bench_tui(int argc, char **argv);
int bench_model(int argc, char **argv);

#endif
