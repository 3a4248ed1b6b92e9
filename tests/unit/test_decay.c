/* tests/unit/test_decay.c — attention decay over distance (kernels/eval/eval_decay.h): the FFT curves
 * against a plain double-precision O(N²) sum written here over the same captured q/k (random models,
 * MHA and GQA, every method incl. the dynamic ones at their length-N table), the GEMM direct path
 * against the same sum, q = k = 1 against ropecore's analytic curve, the weight histogram's row
 * sums, a position-blind model's flat curve, and the refusals. */
#include <stdint.h>
#include <stdlib.h>
#include "check.h"
#include "eval_decay.h"
#include "model.h"
#include "panel_decay.h"

/* hp with head_dim 8 (4 pairs), trained context 32 */
static int make_model(model *m, int n_head, int n_head_kv, uint64_t seed)
{
    model_hparams hp = { MODEL_VOCAB, 8 * n_head, 2, n_head, n_head_kv, 8, 48, 32, 1e-5f, 0 };
    rope_error err = {{0}};
    if (model_init_random(m, &hp, seed, &err)) { fprintf(stderr, "%s\n", err.msg); return -1; }
    /* larger q/k rows so that the scores are not all near zero */
    for (int l = 0; l < hp.n_layer; l++) {
        size_t n = (size_t)(n_head + n_head_kv) * 8 * hp.d_model;
        for (size_t i = 0; i < n; i++) m->layer[l].wqkv[i] *= 4.0f;
    }
    return 0;
}

static int make_ctx(model_ctx *c, const model *m, int n_ctx, const rope_params *p, int threads)
{
    model_ctx_params cp;
    model_ctx_params_default(m, &cp);
    cp.n_ctx = n_ctx;
    cp.n_batch = 64;   /* several blocks, so the probe sees more than one forward block */
    cp.n_threads = threads;
    cp.rope = *p;
    rope_error err = {{0}};
    if (model_ctx_init(c, m, &cp, &err)) { fprintf(stderr, "%s\n", err.msg); return -1; }
    return 0;
}

static void text(int *t, int n, uint64_t s)
{
    for (int i = 0; i < n; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        t[i] = "the cat sat on a mat\n"[(s >> 33) % 21];
    }
}

/* Plain sum: S(Δ) = 1/(N−Δ) Σ_m Σ_i Re(mag² q̃_m conj(k̃_{m−Δ}) e^{iθ'_iΔ}) over rotary pairs plus the
 * plain dot of the non-rotating rest; *absmean the mean |q_m·k_{m−Δ}| (the float path's scale). */
static void naive(const eval_decay *d, int li, int h, int D, double *S, double *absmean)
{
    int N = d->n, hd = d->head_dim, qd = d->n_head * hd, kvd = d->n_head_kv * hd;
    int g = h / (d->n_head / d->n_head_kv);
    const rope_table *t = &d->table;
    double mag2 = t->magnitude * t->magnitude, s = 0, a = 0;
    for (int m = D; m < N; m++) {
        const float *q = d->q + ((size_t)li * N + m) * qd + (size_t)h * hd;
        const float *k = d->k + ((size_t)li * N + m - D) * kvd + (size_t)g * hd;
        double dot = 0;
        for (int i = 0; i < hd / 2; i++) {
            double qr = q[2 * i], qi = q[2 * i + 1], kr = k[2 * i], ki = k[2 * i + 1];
            double re = qr * kr + qi * ki, im = qi * kr - qr * ki;   /* q̃ conj(k̃) */
            if (i < t->n_pairs) {
                double ang = t->pair[i].theta_scaled * D;
                dot += mag2 * (re * cos(ang) - im * sin(ang));
            } else {
                dot += re;
            }
        }
        s += dot;
        a += fabs(dot);
    }
    *S = s / (N - D);
    *absmean = a / (N - D);
}

static void compare_model(int n_head, int n_head_kv, rope_method method, int partial, int threads)
{
    model m;
    if (make_model(&m, n_head, n_head_kv, 7 + method)) { CHECK(0); return; }
    const int N = 150;
    rope_params p = m.rope;
    p.method = method;
    p.factor = 4;
    if (partial) p.partial_rotary = 0.5;
    int np = rope_params_rot_dim(&p) / 2;
    if (method == ROPE_LONGROPE) {
        p.n_factors = np;
        for (int i = 0; i < np; i++) { p.short_factor[i] = 1.0 + 0.1 * i; p.long_factor[i] = 1.0 + 1.5 * i; }
    }
    model_ctx c;
    eval_decay d;
    rope_error err = {{0}};
    int tok[150];
    text(tok, N, 3);
    if (make_ctx(&c, &m, N, &p, threads)) { CHECK(0); model_free(&m); return; }
    if (eval_decay_init(&d, &m, N, 0, 0, threads, &err) || eval_decay_capture(&d, &c, tok, &err) ||
        eval_decay_scores_fft(&d, c.pool, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        CHECK(0);
        goto out;
    }
    /* the table is the one for length N (the dynamic methods rescale from it) */
    rope_params pn = p;
    pn.seq_len = N;
    rope_table tn;
    CHECK(rope_table_compute(&pn, &tn, &err) == 0);
    CHECK_INT(d.table.n_pairs, np);
    CHECK_NEAR(d.table.pair[np - 1].theta_scaled, tn.pair[np - 1].theta_scaled, 0);
    CHECK_NEAR(d.table.magnitude, tn.magnitude, 0);
    double *direct = malloc(sizeof(double) * d.n_layer * d.n_head * N);
    CHECK(direct && eval_decay_scores_direct(&d, c.pool, direct, &err) == 0);
    int bad_fft = 0, bad_dir = 0;
    for (int li = 0; li < d.n_layer; li++)
        for (int h = 0; h < d.n_head; h++) {
            const double *S = eval_decay_score(&d, li, h), *Sd = direct + ((size_t)li * d.n_head + h) * N;
            double wsum = 0;
            const double *hist = d.hist + ((size_t)li * d.n_head + h) * N;
            for (int D = 0; D < N; D++) {
                double want, am;
                naive(&d, li, h, D, &want, &am);
                if (!(fabs(S[D] - want) <= 1e-4 * fabs(want))) {
                    if (bad_fft++ < 3) fprintf(stderr, "fft: method %d layer %d head %d Δ %d: %.12g vs %.12g\n",
                                               method, li, h, D, S[D], want);
                }
                /* float rotation and products: relative to the products' scale */
                if (!(fabs(Sd[D] - want) <= 1e-4 * (fabs(want) + am))) {
                    if (bad_dir++ < 3) fprintf(stderr, "direct: method %d layer %d head %d Δ %d: %.12g vs %.12g\n",
                                               method, li, h, D, Sd[D], want);
                }
                wsum += hist[D];
                /* W(Δ) is the histogram over the N − Δ queries that reach back Δ */
                CHECK_NEAR(eval_decay_weight(&d, li, h)[D] * (N - D), hist[D], 1e-12 * N);
            }
            /* every query's weights sum to 1: the histogram sums to the query count */
            CHECK_NEAR(wsum, N, 1e-4);
        }
    CHECK_INT(bad_fft, 0);
    CHECK_INT(bad_dir, 0);
    free(direct);
out:
    eval_decay_free(&d);
    model_ctx_free(&c);
    model_free(&m);
}

/* q = k = 1 in every pair (real part 1): S(Δ) = mag²·Σ_i cos(Δθ'_i) = ropecore's ROPE_SCORE_ONES. */
static void ones_reduction(rope_method method)
{
    /* a head of 64 like the embedded model (the weights are not used: q and k are set here) */
    model m;
    model_hparams hp = { MODEL_VOCAB, 128, 1, 2, 1, 64, 32, 512, 1e-5f, 0 };
    rope_error err = {{0}};
    CHECK(model_init_random(&m, &hp, 2, &err) == 0);
    const int N = 3000;
    eval_decay d;
    if (eval_decay_init(&d, &m, N, 0, 1, 1, &err)) { fprintf(stderr, "%s\n", err.msg); CHECK(0); model_free(&m); return; }
    rope_params p = m.rope;
    p.method = method;
    p.factor = 8;
    p.seq_len = N;
    CHECK(rope_table_compute(&p, &d.table, &err) == 0);
    for (size_t i = 0; i < (size_t)N * 2 * 64; i++) d.q[i] = (i % 2) ? 0.0f : 1.0f;
    for (size_t i = 0; i < (size_t)N * 64; i++) d.k[i] = (i % 2) ? 0.0f : 1.0f;
    CHECK(eval_decay_scores_fft(&d, NULL, &err) == 0);
    double *want = malloc(sizeof(double) * N);
    rope_grid g = { 0, N - 1, N, 0 };
    CHECK(want && rope_score_curve(&d.table, ROPE_SCORE_ONES, &g, want, &err) == 0);
    double tol = 1e-9 * d.table.n_pairs * d.table.logit_mult;
    int bad = 0;
    for (int h = 0; h < 2; h++)
        for (int D = 0; D < N; D++)
            if (!(fabs(eval_decay_score(&d, 0, h)[D] - want[D]) <= tol) && bad++ < 3)
                fprintf(stderr, "ones: method %d Δ %d: %.12g vs %.12g\n", method, D, eval_decay_score(&d, 0, h)[D], want[D]);
    CHECK_INT(bad, 0);
    /* the curve is not trivially flat: it falls from its Δ = 0 value */
    CHECK_NEAR(want[0], d.table.logit_mult * 32, 1e-9);
    double lo = want[0];
    for (int D = 0; D < N; D++) lo = fmin(lo, want[D]);
    CHECK(lo < 0.8 * want[0]);
    free(want);
    eval_decay_free(&d);
    model_free(&m);
}

/* Position-blind: the rotary rows of wq and wk are zero (half the head rotates), so q·k only sees
 * the non-rotating half; on a text of one repeated byte every position's q and k are the same in
 * every layer, and S(Δ) is the same at every Δ. */
static void position_blind(void)
{
    model m;
    if (make_model(&m, 2, 1, 5)) { CHECK(0); return; }
    int hd = 8, d_model = m.hp.d_model;
    for (int l = 0; l < m.hp.n_layer; l++) {
        for (int h = 0; h < m.hp.n_head; h++)
            memset(m.layer[l].wq + (size_t)h * hd * d_model, 0, sizeof(float) * 4 * d_model);
        memset(m.layer[l].wk, 0, sizeof(float) * 4 * d_model);
    }
    rope_params p = m.rope;
    p.method = ROPE_YARN;
    p.factor = 4;
    p.partial_rotary = 0.5;
    const int N = 100;
    int tok[100];
    for (int i = 0; i < N; i++) tok[i] = 'a';
    model_ctx c;
    eval_decay d;
    rope_error err = {{0}};
    if (make_ctx(&c, &m, N, &p, 1)) { CHECK(0); model_free(&m); return; }
    CHECK(eval_decay_init(&d, &m, N, 0, 0, 1, &err) == 0);
    CHECK(eval_decay_capture(&d, &c, tok, &err) == 0);
    CHECK(eval_decay_scores_fft(&d, NULL, &err) == 0);
    for (int li = 0; li < d.n_layer; li++)
        for (int h = 0; h < d.n_head; h++) {
            const double *S = eval_decay_score(&d, li, h);
            CHECK(fabs(S[0]) > 1e-3);
            double worst = 0;
            for (int D = 1; D < N; D++) worst = fmax(worst, fabs(S[D] - S[0]));
            /* float rounding of layers ≥ 1 differs by position (attention over m + 1 equal values) and
             * reaches ~1e-5 of S(0) with either product kernel; a position-aware S moves by O(1) */
            CHECK_NEAR(worst, 0, 1e-4 * fabs(S[0]));
            /* uniform attention: query m gives 1/(m+1) to each key, so W(Δ) = mean of 1/(m+1), m ≥ Δ */
            for (int D = 0; D < N; D += 33) {
                double w = 0;
                for (int mm = D; mm < N; mm++) w += 1.0 / (mm + 1);
                CHECK_NEAR(eval_decay_weight(&d, li, h)[D], w / (N - D), 1e-6);
            }
        }
    eval_decay_free(&d);
    model_ctx_free(&c);
    model_free(&m);
}

static void refusals(void)
{
    model m;
    if (make_model(&m, 2, 1, 9)) { CHECK(0); return; }
    eval_decay d;
    rope_error err = {{0}};
    CHECK(eval_decay_init(&d, &m, 1, 0, 0, 1, &err) == -1);
    CHECK_HAS(err.msg, "at least 2");
    CHECK(eval_decay_init(&d, &m, 10, 2, 0, 1, &err) == -1);
    CHECK_HAS(err.msg, "layer 2 is out of range");
    CHECK(eval_decay_init(&d, &m, 10, 1, 2, 1, &err) == -1);
    CHECK(eval_decay_init(&d, &m, 10, 0, 0, 1, &err) == 0);
    /* a context shorter than N */
    model_ctx c;
    rope_params p = m.rope;
    if (make_ctx(&c, &m, 5, &p, 1) == 0) {
        int tok[10] = {0};
        CHECK(eval_decay_capture(&d, &c, tok, &err) == -1);
        CHECK_HAS(err.msg, "holds 5 tokens");
        model_ctx_free(&c);
    }
    eval_decay_free(&d);
    model_free(&m);
}

/* The figure's binning (panel 8's attention view): bins of a constant curve are the constant; bins
 * of S(Δ) = Δ are the range's mean distance, inside the range and increasing; a weight curve that is
 * 0 over a range gives NAN there (the log axis cannot show it); the points cover 1 … hi. */
static void figure(void)
{
    enum { N = 5000 };
    static double one[N], lin[N], w[N];
    for (int t = 0; t < N; t++) { one[t] = 1.0; lin[t] = t; w[t] = t < 100 ? 0.0 : 1.0 / (t + 1); }
    plot_figure f;
    CHECK(plot_figure_init(&f, 1 << 16, 1 << 12) == 0);
    plot_series *a = plot_decay_series(&f, "one", PLOT_ROLE_METHOD, PLOT_LINE, one, N - 1, 160, 0);
    plot_series *b = plot_decay_series(&f, "lin", PLOT_ROLE_METHOD, PLOT_LINE, lin, N - 1, 160, 0);
    plot_series *c = plot_decay_series(&f, "w", PLOT_ROLE_METHOD, PLOT_POINTS, w, N - 1, 160, 1);
    CHECK(a && b && c);
    CHECK(a->n > 20 && a->n <= 160);
    CHECK_INT(b->n, a->n);
    double prev = 0;
    int nan_lo = 1, pos_hi = 1;
    for (int j = 0; j < a->n; j++) {
        CHECK_NEAR(a->y[j], 1.0, 1e-12);
        CHECK(b->y[j] > prev && b->y[j] <= N - 1);
        prev = b->y[j];
        if (c->x[j] < 50) nan_lo &= isnan(c->y[j]) != 0;
        if (c->x[j] > 200) pos_hi &= c->y[j] > 0;
    }
    CHECK(nan_lo && pos_hi);
    CHECK_NEAR(b->y[0], 1.0, 1e-12);              /* the first range is Δ = 1 alone */
    CHECK_NEAR(b->y[b->n - 1], (N - 1 + (long)exp((159.0 / 160) * log(N - 1)) + 1) / 2.0, 1e-9);
    plot_figure_free(&f);
}

int main(void)
{
    figure();
    for (int meth = 0; meth < ROPE_METHOD_COUNT; meth++) compare_model(4, 4, (rope_method)meth, 0, 1);
    for (int meth = 0; meth < ROPE_METHOD_COUNT; meth++) compare_model(4, 2, (rope_method)meth, 0, 2);
    compare_model(4, 1, ROPE_YARN, 1, 2);        /* partial rotary: the non-rotating rest */
    compare_model(2, 1, ROPE_DYNAMIC_YARN, 0, 1);
    ones_reduction(ROPE_NONE);
    ones_reduction(ROPE_YARN);
    ones_reduction(ROPE_DYNAMIC);
    position_blind();
    refusals();
    return check_done("test_decay");
}
