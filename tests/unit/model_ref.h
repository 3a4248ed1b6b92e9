/* tests/unit/model_ref.h — a scalar reference forward pass for the model tests: plain double loops,
 * one token at a time, no KV-cache tricks, RoPE angles straight from rope_table (p·θ'_i, magnitude
 * on cos and sin). `calls` splits the sequence the way the fast path is called: every token of a call
 * uses the table computed for the sequence length at the end of that call; cached keys either keep
 * the rotation of their own call (keep) or take the current call's (rerotate). */
#ifndef MODEL_REF_H
#define MODEL_REF_H

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "model.h"

static void ref_rmsnorm(const double *x, const float *g, double *o, int n, double eps)
{
    double ss = 0;
    for (int i = 0; i < n; i++) ss += x[i] * x[i];
    double k = 1.0 / sqrt(ss / n + eps);
    for (int i = 0; i < n; i++) o[i] = x[i] * k * g[i];
}

static void ref_matvec(const float *W, const double *x, double *y, int rows, int cols)
{
    for (int r = 0; r < rows; r++) {
        double s = 0;
        for (int c = 0; c < cols; c++) s += (double)W[(size_t)r * cols + c] * x[c];
        y[r] = s;
    }
}

static void ref_rope(double *v, int hd, const rope_table *t, int pos)
{
    for (int i = 0; i < t->n_pairs && 2 * i + 1 < hd; i++) {
        double a = pos * t->pair[i].theta_scaled;
        double c = t->magnitude * cos(a), s = t->magnitude * sin(a);
        double x0 = v[2 * i], x1 = v[2 * i + 1];
        v[2 * i] = x0 * c - x1 * s;
        v[2 * i + 1] = x0 * s + x1 * c;
    }
}

/* Logits for every position: out[n][n_vocab]. calls[n_calls] are the eval-call lengths (sum = n). */
static int ref_forward(const model *m, const rope_params *rp, const int *tok, int n, const int *calls, int n_calls,
                       int rerotate, double *out)
{
    const model_hparams *hp = &m->hp;
    int d = hp->d_model, hd = hp->head_dim, qd = hp->n_head * hd, kvd = hp->n_head_kv * hd, ff = hp->n_ff;
    int group = hp->n_head / hp->n_head_kv;
    const rope_method_info *mi = rope_method_get(rp->method);
    int dyn = (mi->uses & ROPE_USES_SEQ_LEN) != 0;
    double *kraw = calloc((size_t)hp->n_layer * n * kvd, sizeof(double));
    double *krot = calloc((size_t)hp->n_layer * n * kvd, sizeof(double));
    double *vc = calloc((size_t)hp->n_layer * n * kvd, sizeof(double));
    double *x = malloc(sizeof(double) * d), *h = malloc(sizeof(double) * d);
    double *q = malloc(sizeof(double) * qd), *k = malloc(sizeof(double) * kvd), *v = malloc(sizeof(double) * kvd);
    double *att = malloc(sizeof(double) * qd), *o = malloc(sizeof(double) * d), *s = malloc(sizeof(double) * n);
    double *g = malloc(sizeof(double) * ff), *u = malloc(sizeof(double) * ff), *y = malloc(sizeof(double) * d);
    rope_table *tab = malloc(sizeof *tab);
    int t = 0, ok = 0;
    for (int ci = 0; ci < n_calls; ci++) {
        rope_params p = *rp;
        p.seq_len = dyn ? t + calls[ci] : 0;
        if (rope_table_compute(&p, tab, NULL)) goto done;
        if (rerotate)   /* every cached key takes this call's table */
            for (int l = 0; l < hp->n_layer; l++)
                for (int j = 0; j < t; j++) {
                    double *kr = krot + ((size_t)l * n + j) * kvd;
                    memcpy(kr, kraw + ((size_t)l * n + j) * kvd, sizeof(double) * kvd);
                    for (int gi = 0; gi < hp->n_head_kv; gi++) ref_rope(kr + gi * hd, hd, tab, j);
                }
        for (int e = t + calls[ci]; t < e; t++) {
            for (int i = 0; i < d; i++) x[i] = m->tok_embd[(size_t)tok[t] * d + i];
            for (int l = 0; l < hp->n_layer; l++) {
                const model_layer *L = &m->layer[l];
                ref_rmsnorm(x, L->attn_norm, h, d, hp->norm_eps);
                ref_matvec(L->wq, h, q, qd, d);
                ref_matvec(L->wk, h, k, kvd, d);
                ref_matvec(L->wv, h, v, kvd, d);
                memcpy(kraw + ((size_t)l * n + t) * kvd, k, sizeof(double) * kvd);
                memcpy(vc + ((size_t)l * n + t) * kvd, v, sizeof(double) * kvd);
                for (int hh = 0; hh < hp->n_head; hh++) ref_rope(q + hh * hd, hd, tab, t);
                for (int gi = 0; gi < hp->n_head_kv; gi++) ref_rope(k + gi * hd, hd, tab, t);
                memcpy(krot + ((size_t)l * n + t) * kvd, k, sizeof(double) * kvd);
                for (int hh = 0; hh < hp->n_head; hh++) {
                    int gi = hh / group;
                    double mx = -1e300, sum = 0;
                    for (int j = 0; j <= t; j++) {
                        const double *kj = krot + ((size_t)l * n + j) * kvd + gi * hd;
                        double dot = 0;
                        for (int c = 0; c < hd; c++) dot += q[hh * hd + c] * kj[c];
                        s[j] = dot / sqrt((double)hd);
                        mx = s[j] > mx ? s[j] : mx;
                    }
                    for (int j = 0; j <= t; j++) { s[j] = exp(s[j] - mx); sum += s[j]; }
                    for (int c = 0; c < hd; c++) {
                        double a = 0;
                        for (int j = 0; j <= t; j++) a += s[j] / sum * vc[((size_t)l * n + j) * kvd + gi * hd + c];
                        att[hh * hd + c] = a;
                    }
                }
                ref_matvec(L->wo, att, o, d, qd);
                for (int i = 0; i < d; i++) x[i] += o[i];
                ref_rmsnorm(x, L->ffn_norm, h, d, hp->norm_eps);
                ref_matvec(L->w_gate, h, g, ff, d);
                ref_matvec(L->w_up, h, u, ff, d);
                for (int i = 0; i < ff; i++) g[i] = g[i] / (1 + exp(-g[i])) * u[i];
                ref_matvec(L->w_down, g, y, d, ff);
                for (int i = 0; i < d; i++) x[i] += y[i];
            }
            ref_rmsnorm(x, m->out_norm, h, d, hp->norm_eps);
            ref_matvec(m->output, h, out + (size_t)t * hp->n_vocab, hp->n_vocab, d);
        }
    }
    ok = 1;
done:
    free(kraw); free(krot); free(vc); free(x); free(h); free(q); free(k); free(v);
    free(att); free(o); free(s); free(g); free(u); free(y); free(tab);
    return ok ? 0 : -1;
}

#endif
