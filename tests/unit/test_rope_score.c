/* tests/unit/test_rope_score.c — phases and score curves checked a second way: explicit 2-D
 * rotations of q and k, direct cos sums, closed forms at Δ = 0, and Monte Carlo for random q = k. */
#include <math.h>
#include <stdlib.h>
#include "check.h"
#include "rope.h"

static rope_table T;

static void yarn8(rope_params *p)
{
    rope_params_init(p);
    p->method = ROPE_YARN;
    p->head_dim = 64;
    p->orig_ctx = p->max_pos = 512;
    p->factor = 8;
}

/* Rotate (x0, x1) by angle a as a RoPE kernel does to an adjacent pair. */
static void rotate(double a, double x0, double x1, double *y0, double *y1)
{
    *y0 = x0 * cos(a) - x1 * sin(a);
    *y1 = x0 * sin(a) + x1 * cos(a);
}

static void test_phases(void)
{
    rope_params p;
    rope_error e;
    yarn8(&p);
    CHECK(rope_table_compute(&p, &T, &e) == 0);
    for (int i = 0; i < T.n_pairs; i += 7) {
        CHECK_REL(rope_phase(&T, i, 1000.0), 1000.0 * T.pair[i].theta_scaled, 1e-15);
        double w = rope_phase_wrapped(&T, i, 123457.0);
        CHECK(w >= 0 && w < 2 * M_PI);
        CHECK_NEAR(cos(w), cos(123457.0 * T.pair[i].theta_scaled), 1e-9);
    }
    /* fp32 angle error: zero at pos 0; at p ~ 1e5 within |φ|·2^-23 for the HF kernel (one fp32
     * product of two rounded numbers); ggml's iterated product drifts more at high pair index */
    double worst_hf = 0, worst_cpp = 0;
    for (int i = 0; i < T.n_pairs; i++) {
        CHECK_NEAR(rope_phase_f32_error(&T, i, 0.0), 0, 0);
        double phi = rope_phase(&T, i, 100003.0);
        double err = fabs(rope_phase_f32_error(&T, i, 100003.0));
        CHECK(err <= fabs(phi) * 2.0 * ldexp(1.0, -23) + 1e-12);
        if (err / phi > worst_hf) worst_hf = err / phi;
    }
    p.flavor = ROPE_FLAVOR_LLAMACPP;
    p.method = ROPE_NONE;
    CHECK(rope_table_compute(&p, &T, &e) == 0);
    for (int i = 0; i < T.n_pairs; i++) {
        double phi = rope_phase(&T, i, 100003.0);
        double err = fabs(rope_phase_f32_error(&T, i, 100003.0));
        if (err / phi > worst_cpp) worst_cpp = err / phi;
    }
    CHECK(worst_hf > 0);
    CHECK(worst_cpp > worst_hf);
}

static void test_curves(void)
{
    rope_params p;
    rope_error e;
    yarn8(&p);
    CHECK(rope_table_compute(&p, &T, &e) == 0);
    int n = T.n_pairs, np = 4096;
    double m2 = T.logit_mult;
    double *ones = malloc(sizeof(double) * np), *bound = malloc(sizeof(double) * np);
    double *mean = malloc(sizeof(double) * np), *sd = malloc(sizeof(double) * np);
    double *qk = malloc(sizeof(double) * np);
    rope_grid g = { 0, 40000, np, 0 };
    CHECK(rope_score_curve(&T, ROPE_SCORE_ONES, &g, ones, &e) == 0);
    CHECK(rope_score_curve(&T, ROPE_SCORE_BOUND, &g, bound, &e) == 0);
    CHECK(rope_score_curve(&T, ROPE_SCORE_RANDOM_MEAN, &g, mean, &e) == 0);
    CHECK(rope_score_curve(&T, ROPE_SCORE_RANDOM_STD, &g, sd, &e) == 0);
    /* Δ = 0: every cos is 1; |S_j| = j so the bound is (n+1)/2 */
    CHECK_REL(ones[0], n * m2, 1e-14);
    CHECK_REL(bound[0], (n + 1) / 2.0 * m2, 1e-14);
    CHECK_REL(mean[0], 2.0 * n * m2, 1e-14);
    CHECK_REL(sd[0], 2.0 * sqrt((double)n) * m2, 1e-14);
    /* the rotation recurrence against direct sums at every grid point */
    double worst = 0;
    for (int k = 0; k < np; k++) {
        double d = rope_grid_at(&g, k), s = 0, sr = 0, si = 0, b = 0;
        for (int i = 0; i < n; i++) {
            s += cos(d * T.pair[i].theta_scaled);
            sr += cos(d * T.pair[i].theta_scaled);
            si += sin(d * T.pair[i].theta_scaled);
            b += hypot(sr, si);
        }
        double dv = fabs(ones[k] - s * m2);
        if (dv > worst) worst = dv;
        CHECK_NEAR(bound[k], b / n * m2, 1e-8);
        CHECK(fabs(ones[k]) <= n * m2 + 1e-9);
    }
    CHECK(worst < 1e-9);

    /* q·k after rotating q at position m and k at position m − Δ, summed over pairs */
    double q[ROPE_MAX_HEAD_DIM], kk[ROPE_MAX_HEAD_DIM];
    srand(7);
    for (int i = 0; i < 2 * n; i++) {
        q[i] = rand() / (double)RAND_MAX - 0.5;
        kk[i] = rand() / (double)RAND_MAX - 0.5;
    }
    rope_grid g2 = { 0, 3000, 301, 0 };
    CHECK(rope_score_qk(&T, q, kk, &g2, qk, &e) == 0);
    for (int k = 0; k < 301; k += 10) {
        double delta = rope_grid_at(&g2, k), m = 5000.0, dot = 0;
        for (int i = 0; i < n; i++) {
            double a0, a1, b0, b1, mag = T.magnitude;
            rotate(m * T.pair[i].theta_scaled, q[2 * i], q[2 * i + 1], &a0, &a1);
            rotate((m - delta) * T.pair[i].theta_scaled, kk[2 * i], kk[2 * i + 1], &b0, &b1);
            dot += mag * a0 * mag * b0 + mag * a1 * mag * b1;
        }
        CHECK_NEAR(qk[k], dot, 1e-9);
    }

    /* random q = k ~ N(0, I): Monte Carlo mean and spread against the closed forms at Δ = 700 */
    double delta = 700, acc = 0, acc2 = 0;
    int trials = 20000;
    for (int t = 0; t < trials; t++) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            double u1 = (rand() + 1.0) / (RAND_MAX + 2.0), u2 = (rand() + 1.0) / (RAND_MAX + 2.0);
            double u3 = (rand() + 1.0) / (RAND_MAX + 2.0), u4 = (rand() + 1.0) / (RAND_MAX + 2.0);
            double x = sqrt(-2 * log(u1)) * cos(2 * M_PI * u2), y = sqrt(-2 * log(u3)) * cos(2 * M_PI * u4);
            s += (x * x + y * y) * cos(delta * T.pair[i].theta_scaled);
        }
        s *= m2;
        acc += s;
        acc2 += s * s;
    }
    rope_grid g3 = { 700, 701, 2, 0 };
    double mc_mean = acc / trials, mc_sd = sqrt(acc2 / trials - mc_mean * mc_mean), cf[2], cs[2];
    rope_score_curve(&T, ROPE_SCORE_RANDOM_MEAN, &g3, cf, &e);
    rope_score_curve(&T, ROPE_SCORE_RANDOM_STD, &g3, cs, &e);
    CHECK_NEAR(mc_mean, cf[0], 4 * cs[0] / sqrt(trials));
    CHECK_REL(mc_sd, cs[0], 0.05);

    /* a log grid evaluates every point directly */
    rope_grid gl = { 1, 1e7, 64, 1 };
    CHECK(rope_score_curve(&T, ROPE_SCORE_ONES, &gl, ones, &e) == 0);
    CHECK_NEAR(rope_grid_at(&gl, 0), 1, 0);
    CHECK_NEAR(rope_grid_at(&gl, 63), 1e7, 0);
    CHECK_REL(rope_grid_at(&gl, 21), pow(10, 7.0 * 21 / 63), 1e-13);
    double s = 0;
    for (int i = 0; i < n; i++)
        s += cos(rope_grid_at(&gl, 40) * T.pair[i].theta_scaled);
    CHECK_NEAR(ones[40], s * m2, 1e-9);

    /* bad grids */
    rope_grid bad1 = { 0, 100, 64, 1 }, bad2 = { 5, 5, 64, 0 }, bad3 = { 0, 100, 1, 0 }, bad4 = { 0, NAN, 8, 0 };
    e.msg[0] = 0;
    CHECK(rope_score_curve(&T, ROPE_SCORE_ONES, &bad1, ones, &e) == -1);
    CHECK_HAS(e.msg, "log");
    CHECK(rope_score_curve(&T, ROPE_SCORE_ONES, &bad2, ones, &e) == -1);
    CHECK(rope_score_curve(&T, ROPE_SCORE_ONES, &bad3, ones, &e) == -1);
    CHECK(rope_score_curve(&T, ROPE_SCORE_ONES, &bad4, ones, &e) == -1);
    free(ones); free(bound); free(mean); free(sd); free(qk);
}

/* PI compresses the decay curve in Δ by s exactly: s_PI(Δ) = s_none(Δ/s). */
static void test_pi_stretch(void)
{
    rope_params p;
    rope_error e;
    rope_params_init(&p);
    p.factor = 4;
    double a[2], b[2];
    rope_grid g1 = { 100, 200, 2, 0 }, g2 = { 400, 800, 2, 0 };
    CHECK(rope_table_compute(&p, &T, &e) == 0);
    rope_score_curve(&T, ROPE_SCORE_ONES, &g1, a, &e);
    p.method = ROPE_LINEAR;
    CHECK(rope_table_compute(&p, &T, &e) == 0);
    rope_score_curve(&T, ROPE_SCORE_ONES, &g2, b, &e);
    CHECK_NEAR(a[0], b[0], 1e-10);
    CHECK_NEAR(a[1], b[1], 1e-10);
}

/* Slices of a curve: bit for bit the whole curve from a multiple of ROPE_SCORE_RESYNC, and each
 * point within 1e-9 of a direct cos sum (the independent check) from any start. */
static void test_curve_range(void)
{
    rope_params p;
    yarn8(&p);
    rope_error e;
    CHECK(rope_table_compute(&p, &T, &e) == 0);
    enum { N = 3000 };
    rope_grid g = { 0.0, 60000.0, N, 0 };
    static double whole[N], part[N];
    CHECK(rope_score_curve(&T, ROPE_SCORE_RANDOM_STD, &g, whole, &e) == 0);
    for (int k0 = 0; k0 < N; k0 += 2 * ROPE_SCORE_RESYNC) {
        int k1 = k0 + 2 * ROPE_SCORE_RESYNC < N ? k0 + 2 * ROPE_SCORE_RESYNC : N;
        CHECK(rope_score_curve_range(&T, ROPE_SCORE_RANDOM_STD, &g, k0, k1, part + k0, &e) == 0);
    }
    int same = 1;
    for (int k = 0; k < N; k++)
        same &= part[k] == whole[k];
    CHECK(same);
    double ones[100];
    CHECK(rope_score_curve_range(&T, ROPE_SCORE_ONES, &g, 1001, 1101, ones, &e) == 0);
    double worst = 0.0;
    for (int k = 0; k < 100; k++) {
        double d = rope_grid_at(&g, 1001 + k), acc = 0.0;
        for (int i = 0; i < T.n_pairs; i++)
            acc += cos(d * T.pair[i].theta_scaled);
        acc *= T.logit_mult;
        worst = fmax(worst, fabs(ones[k] - acc));
    }
    CHECK(worst < 1e-9);
    CHECK(rope_score_curve_range(&T, ROPE_SCORE_ONES, &g, 10, 10, ones, &e) == -1);
    CHECK(rope_score_curve_range(&T, ROPE_SCORE_ONES, &g, 0, N + 1, ones, &e) == -1);
}

int main(void)
{
    test_phases();
    test_curves();
    test_pi_stretch();
    test_curve_range();
    return check_done("test_rope_score");
}
