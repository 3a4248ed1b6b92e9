/* kernels/model/model_sample.c — next-token sampling (greedy, temperature, top-k, top-p with a seeded
 * xorshift generator) and llama.cpp-style perplexity over fixed-size chunks. */
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

/* −log softmax(logits)[target], in double */
static double nll(const float *logits, int n, int target)
{
    double mx = logits[0];
    for (int i = 1; i < n; i++) mx = logits[i] > mx ? logits[i] : mx;
    double s = 0.0;
    for (int i = 0; i < n; i++) s += exp((double)logits[i] - mx);
    return log(s) + mx - logits[target];
}

int model_perplexity(model_ctx *c, const int *tokens, long n_tokens, int chunk, model_ppl_result *r,
                     double *loss_pos, int (*progress)(void *u, int done, int total), void *u, rope_error *err)
{
    memset(r, 0, sizeof *r);
    if (chunk < 4) return rope_fail(err, "perplexity chunks of %d tokens are too short; use --ctx 4 or more", chunk);
    if (chunk > c->cp.n_ctx)
        return rope_fail(err, "chunk of %d tokens exceeds the context's %d", chunk, c->cp.n_ctx);
    if (!c->cp.logits_all) return rope_fail(err, "perplexity needs a context created with logits_all");
    if (n_tokens < 2L * chunk)
        return rope_fail(err, "the text has %ld tokens; perplexity at --ctx %d needs at least %d (two chunks)",
                         n_tokens, chunk, 2 * chunk);
    int n_chunks = (int)(n_tokens / chunk);
    int V = c->m->hp.n_vocab;
    int first = chunk / 2;
    double sum = 0.0, sum2 = 0.0;
    long count = 0;
    if (loss_pos) memset(loss_pos, 0, (size_t)(chunk - 1) * sizeof *loss_pos);
    for (int k = 0; k < n_chunks; k++) {
        const int *tk = tokens + (long)k * chunk;
        model_ctx_reset(c);
        if (model_eval(c, tk, chunk, err)) return -1;
        for (int p = 0; p < chunk - 1; p++) {
            if (p < first && !loss_pos) continue;
            double l = nll(model_logits(c, p), V, tk[p + 1]);
            if (loss_pos) loss_pos[p] += l / n_chunks;
            if (p >= first) {
                sum += l;
                sum2 += l * l;
                count++;
            }
        }
        if (progress && progress(u, k + 1, n_chunks)) return rope_fail(err, "cancelled");
    }
    model_ctx_reset(c);
    r->n_chunks = n_chunks;
    r->n_scored = count;
    r->nll = sum / count;
    double var = sum2 / count - r->nll * r->nll;
    r->nll_stderr = count > 1 && var > 0 ? sqrt(var / (count - 1)) : 0.0;
    r->ppl = exp(r->nll);
    return 0;
}
