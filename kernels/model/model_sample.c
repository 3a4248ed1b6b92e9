/* kernels/model/model_sample.c — next-token sampling (greedy, temperature, top-k, top-p with a seeded
 * xorshift generator) and the text-to-token rule of the byte vocabulary as llama.cpp reads it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "model.h"

#define SAMPLE_MAX_VOCAB 4096

void model_sampler_init(model_sampler *s, float temperature, int top_k, float top_p, uint64_t seed)
{
    s->temperature = temperature;
    s->top_k = top_k;
    s->top_p = top_p;
    s->state = seed * 0x9e3779b97f4a7c15ull + 0x632be59bd9b4e019ull;
    if (!s->state) s->state = 1;
}

static double next_uniform(uint64_t *x)
{
    *x ^= *x << 13; *x ^= *x >> 7; *x ^= *x << 17;
    return (double)(*x >> 11) * (1.0 / 9007199254740992.0);   /* [0, 1) */
}

typedef struct cand { float p; int id; } cand;

static int before(const cand *x, const cand *y)   /* more likely first, then lower id */
{
    return x->p != y->p ? x->p > y->p : x->id < y->id;
}

/* In-place shell sort (glibc's qsort may allocate; decoding must not). */
static void sort_cands(cand *c, int n)
{
    static const int gaps[] = { 701, 301, 132, 57, 23, 10, 4, 1 };
    for (int gi = 0; gi < 8; gi++) {
        int g = gaps[gi];
        for (int i = g; i < n; i++) {
            cand t = c[i];
            int j = i;
            for (; j >= g && before(&t, &c[j - g]); j -= g) c[j] = c[j - g];
            c[j] = t;
        }
    }
}

int model_sample(model_sampler *s, const float *logits, int n)
{
    if (n > SAMPLE_MAX_VOCAB) n = SAMPLE_MAX_VOCAB;
    int best = 0;
    for (int i = 1; i < n; i++) if (logits[i] > logits[best]) best = i;
    if (s->temperature <= 0.0f || s->top_k == 1) return best;
    cand c[SAMPLE_MAX_VOCAB];
    double mx = logits[best], sum = 0.0;
    for (int i = 0; i < n; i++) {
        c[i].id = i;
        c[i].p = (float)exp(((double)logits[i] - mx) / s->temperature);
        sum += c[i].p;
    }
    for (int i = 0; i < n; i++) c[i].p = (float)(c[i].p / sum);
    sort_cands(c, n);
    int k = n;
    if (s->top_k > 0 && s->top_k < k) k = s->top_k;
    if (s->top_p < 1.0f) {
        double acc = 0.0;
        for (int i = 0; i < k; i++) {
            acc += c[i].p;
            if (acc >= s->top_p) { k = i + 1; break; }
        }
    }
    double mass = 0.0;
    for (int i = 0; i < k; i++) mass += c[i].p;
    double u = next_uniform(&s->state) * mass, acc = 0.0;
    for (int i = 0; i < k; i++) {
        acc += c[i].p;
        if (u < acc) return c[i].id;
    }
    return c[k - 1].id;
}

/* --- text to tokens (see model.h: llama.cpp's SPM reading of the byte vocabulary) ----------------------- */

/* Walks the text as if every ' ' were already E2 96 81 (the escaped text is never built); tok may be
 * NULL to count only. */
size_t model_tokenize(const unsigned char *text, size_t n, int *tok)
{
    static const unsigned char mark[3] = { 0xE2, 0x96, 0x81 };
    size_t out = 0, i = 0, sub = 0;   /* position: text[i], byte sub of its escaped form */
    while (i < n) {
        /* the symbol starts at (i, sub); its length is the UTF-8 length of its first byte */
        unsigned char lead = text[i] == ' ' ? mark[sub] : text[i];
        size_t len = lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
        unsigned char sym[4];
        size_t k = 0;
        while (k < len && i < n) {
            if (text[i] == ' ') {
                sym[k++] = mark[sub];
                if (++sub == 3) { sub = 0; i++; }
            } else {
                sym[k++] = text[i++];
            }
        }
        if (k == 3 && sym[0] == mark[0] && sym[1] == mark[1] && sym[2] == mark[2]) {
            if (tok) tok[out] = ' ';
            out++;
        } else {
            for (size_t j = 0; j < k; j++, out++)
                if (tok) tok[out] = sym[j];
        }
    }
    return out;
}
