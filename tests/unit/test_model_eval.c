/* tests/unit/test_model_eval.c — sampling against closed-form distributions (temperature, top-k,
 * top-p, determinism by seed) and eval_ppl (the one perplexity scorer) against the reference forward
 * pass scored by hand the way llama.cpp's perplexity tool scores (second half of each chunk). */
#include <stdint.h>
#include <stdio.h>
#include "check.h"
#include "model_ref.h"
#include "eval.h"

static void freq(model_sampler *s, const float *lg, int n, int draws, double *out)
{
    for (int i = 0; i < n; i++) out[i] = 0;
    for (int k = 0; k < draws; k++) out[model_sample(s, lg, n)] += 1.0 / draws;
}

static void test_sampler(void)
{
    float lg[4] = { (float)log(1), (float)log(2), (float)log(3), (float)log(4) };
    model_sampler s;
    double f[4];
    enum { D = 40000 };
    const double tol = 0.012;    /* > 4.5 standard deviations at D draws */
    model_sampler_init(&s, 0.0f, 0, 1.0f, 1);
    CHECK_INT(model_sample(&s, lg, 4), 3);
    float tie[3] = { 1, 5, 5 };
    CHECK_INT(model_sample(&s, tie, 3), 1);
    model_sampler_init(&s, 1.0f, 1, 1.0f, 1);
    CHECK_INT(model_sample(&s, lg, 4), 3);
    /* T = 1: p ∝ 1, 2, 3, 4 */
    model_sampler_init(&s, 1.0f, 0, 1.0f, 42);
    freq(&s, lg, 4, D, f);
    for (int i = 0; i < 4; i++) CHECK_NEAR(f[i], (i + 1) / 10.0, tol);
    /* T = 0.5: p ∝ 1, 4, 9, 16 */
    model_sampler_init(&s, 0.5f, 0, 1.0f, 43);
    freq(&s, lg, 4, D, f);
    for (int i = 0; i < 4; i++) CHECK_NEAR(f[i], (i + 1) * (i + 1) / 30.0, tol);
    /* top-k 2: 3/7, 4/7 */
    model_sampler_init(&s, 1.0f, 2, 1.0f, 44);
    freq(&s, lg, 4, D, f);
    CHECK_NEAR(f[0] + f[1], 0, 0);
    CHECK_NEAR(f[2], 3 / 7.0, tol);
    CHECK_NEAR(f[3], 4 / 7.0, tol);
    /* top-p 0.5: 0.4 + 0.3 ≥ 0.5 → the two largest */
    model_sampler_init(&s, 1.0f, 0, 0.5f, 45);
    freq(&s, lg, 4, D, f);
    CHECK_NEAR(f[0] + f[1], 0, 0);
    CHECK_NEAR(f[3], 4 / 7.0, tol);
    /* top-p 0.35: only the largest */
    model_sampler_init(&s, 1.0f, 0, 0.35f, 46);
    freq(&s, lg, 4, 1000, f);
    CHECK_NEAR(f[3], 1, 1e-9);
    /* the same seed gives the same draws, another seed others */
    model_sampler a, b, c;
    model_sampler_init(&a, 1.0f, 0, 1.0f, 7);
    model_sampler_init(&b, 1.0f, 0, 1.0f, 7);
    model_sampler_init(&c, 1.0f, 0, 1.0f, 8);
    int same = 0, diff = 0;
    for (int k = 0; k < 200; k++) {
        int x = model_sample(&a, lg, 4), y = model_sample(&b, lg, 4), z = model_sample(&c, lg, 4);
        same += x == y;
        diff += x != z;
    }
    CHECK_INT(same, 200);
    CHECK(diff > 20);
}

static void test_ppl(void)
{
    model_hparams hp = { MODEL_VOCAB, 48, 2, 4, 2, 12, 64, 64, 1e-5f, 1 };
    model m;
    rope_error err = {{0}};
    CHECK_INT(model_init_random(&m, &hp, 5, &err), 0);
    enum { CH = 24, NT = 3 * CH + 10 };
    int tok[NT];
    uint64_t x = 99;
    for (int i = 0; i < NT; i++) { x = x * 6364136223846793005ull + 1; tok[i] = (int)(x >> 58) + 'a'; }
    model_ctx_params cp;
    model_ctx_params_default(&m, &cp);
    cp.n_ctx = 32;
    cp.logits_all = 1;
    cp.n_batch = 10;
    model_ctx c;
    CHECK_INT(model_ctx_init(&c, &m, &cp, &err), 0);
    eval_ppl_result r;
    const eval_ppl_opts half = { 0, EVAL_SCORE_HALF, 0 };
    double loss_pos[CH - 1];
    CHECK_INT(eval_ppl(&c, tok, NT, CH, &half, &r, loss_pos, NULL, NULL, &err), 0);
    CHECK_INT(r.n_chunks, 3);
    CHECK_INT(r.n_scored, 3 * (CH - 1 - CH / 2));
    /* by hand: each chunk alone, reference logits, NLL of tokens CH/2+1 … CH−1 */
    double sum = 0, pos[CH - 1] = {0};
    long cnt = 0;
    double *ref = malloc(sizeof(double) * CH * MODEL_VOCAB);
    int one[1] = { CH };
    for (int k = 0; k < 3; k++) {
        ref_forward(&m, &m.rope, tok + k * CH, CH, one, 1, 0, ref);
        for (int p = 0; p < CH - 1; p++) {
            const double *lg = ref + (size_t)p * MODEL_VOCAB;
            double mx = lg[0], s = 0;
            for (int v = 1; v < MODEL_VOCAB; v++) mx = fmax(mx, lg[v]);
            for (int v = 0; v < MODEL_VOCAB; v++) s += exp(lg[v] - mx);
            double nll = log(s) + mx - lg[tok[k * CH + p + 1]];
            pos[p] += nll / 3;
            if (p >= CH / 2) { sum += nll; cnt++; }
        }
    }
    free(ref);
    CHECK_INT(cnt, r.n_scored);
    CHECK_REL(r.nll, sum / cnt, 1e-5);
    CHECK_REL(r.ppl, exp(sum / cnt), 1e-5);
    for (int p = 0; p < CH - 1; p++) CHECK_NEAR(loss_pos[p], pos[p], 1e-4);
    CHECK(r.nll_stderr > 0 && r.nll_stderr < r.nll);
    /* too little text, too long a chunk */
    CHECK_INT(eval_ppl(&c, tok, CH - 1, CH, &half, &r, NULL, NULL, NULL, &err), -1);
    CHECK_HAS(err.msg, "at least 24");
    CHECK_INT(eval_ppl(&c, tok, NT, 40, &half, &r, NULL, NULL, NULL, &err), -1);
    model_ctx_free(&c);
    model_free(&m);
}

int main(void)
{
    test_sampler();
    test_ppl();
    return check_done("test_model_eval");
}
