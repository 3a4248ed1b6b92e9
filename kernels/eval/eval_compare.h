/* kernels/eval/eval_compare.h — whole studies that `ropescope compare` and `ropescope ppl --sweep` run,
 * and that the explorer's worker can run the same way: each makes its own model_ctx from the model,
 * runs, and hands back every number; the command only parses and prints.
 *
 * Contract: nothing prints or exits; progress goes through eval_progress (non-zero cancels: -1,
 * "cancelled"). -2 means the spec does not fit the model or the text (the error names the reason in
 * neutral words: a length, a token count), -3 that the model cannot hold the context (the engine's
 * reason), -1 a failure while running; results are freed on error. */
#ifndef EVAL_COMPARE_H
#define EVAL_COMPARE_H

#include <stdint.h>
#include "eval.h"

/* --- compare ------------------------------------------------------------------------------------- */

#define EVAL_COMPARE_MAX_METHODS 16
#define EVAL_COMPARE_MAX_SEG     64
#define EVAL_COMPARE_MAX_TRIALS  64

typedef struct eval_compare_spec {
    rope_method   methods[EVAL_COMPARE_MAX_METHODS];
    int           n_methods;
    int           ctx;           /* the long context, tokens; 0 = max(4L, CORPUS_TASK_MIN) (L = eval_base_ctx) */
    double        fixed_factor;  /* > 0: one factor for every method; else eval_method_params' matched rule */
    int           max_chunks;    /* chunks of ctx scored; the short lengths score the same number of tokens */
    int           segments;      /* position segments of the ctx window (clamped to ctx − 1) */
    int           trials;        /* passkey trials at length ctx, key depths spread over 0 … 1; 0 = none */
    int           n_alt;         /* alternative keys per trial */
    uint64_t      seed;
    const int    *prompt;        /* continuation prompt tokens; NULL = the first ctx − n_gen tokens of tok */
    int           n_prompt;
    int           n_gen;         /* greedy tokens to continue; 0 = none */
    int           n_threads;
    model_kv_mode kv;
    rope_params   rope;          /* the model's defaults plus the user's flags (each method starts from it) */
    const int    *tok;           /* the text's tokens [n] */
    long          n;
} eval_compare_spec;

typedef struct eval_compare_row {
    rope_method     method;
    double          factor;                      /* the factor it ran with at ctx */
    rope_params     rope;                        /* the parameters it ran with at ctx */
    eval_ppl_result lng;                         /* perplexity at ctx */
    eval_ppl_result shrt[2];                     /* at L/2 and L (short[0..n_short)) */
    double          seg[EVAL_COMPARE_MAX_SEG];   /* [segments] mean loss per position segment, nats */
    int             pk_lp, pk_gen, pk_trials;    /* passkey: correct by log-prob, by greedy, trials */
    double          pk_margin;                   /* mean over depths of the mean log-prob margin, nats */
    int            *cont;                        /* [n_gen] the greedy continuation's tokens */
} eval_compare_row;

typedef struct eval_compare_result {
    int               L;               /* eval_base_ctx of the model */
    int               ctx;             /* the long context used */
    int               segments;        /* as used */
    int               n_short;         /* 2 (L/2 and L), or 1 (L) when L/2 < 4 */
    int               shorts[2];       /* the short lengths */
    int               n_prompt;        /* the prompt's length, tokens */
    eval_ppl_result   none_short[2];   /* plain RoPE at the short lengths: the "off" side */
    int               n_rows;
    eval_compare_row *rows;            /* [n_methods] */
} eval_compare_result;

/* Fills s->ctx when 0 and runs every method on the same input: perplexity at ctx (llama.cpp scoring),
 * the loss by position segment, the short-context regression (each method set up as at ctx, scored at
 * L/2 and L, against none at the same lengths), a passkey episode of ctx tokens per trial and a greedy
 * continuation. -2 when ctx < L, the text is shorter than ctx, the prompt leaves no room, a method's
 * parameters are invalid ("METHOD: reason"); -3 when the model cannot hold the context. progress(u, i, n_methods) before
 * method i (and during its chunks), (u, n_methods, n_methods) at the end. */
int  eval_compare_run(const model *m, eval_compare_spec *s, eval_compare_result *r, eval_progress progress, void *u,
                      rope_error *err);
void eval_compare_free(eval_compare_result *r);

/* --- the perplexity sweep ------------------------------------------------------------------------- */

typedef struct eval_sweep_spec {
    const int     *ctxs;         /* [n_ctxs] evaluation lengths */
    int            n_ctxs;
    const rope_method *methods;  /* [n_methods] */
    int            n_methods;
    double         fixed_factor; /* as eval_sweep */
    eval_ppl_opts  opts;
    int            per_pos;      /* 1: keep each method's loss by position at the longest length */
    int            n_threads;
    model_kv_mode  kv;
    rope_params    rope;         /* base parameters */
    const int     *tok;
    long           n;
} eval_sweep_spec;

typedef struct eval_sweep_study {
    int               longest;   /* the longest length */
    int               L;         /* eval_base_ctx */
    eval_sweep_point *pts;       /* [n_methods · n_ctxs] as eval_sweep */
    double           *loss;      /* per_pos: [n_methods][longest − 1], else NULL */
} eval_sweep_study;

/* Checks every method at the longest length, makes a context for it and runs eval_sweep. -2 when the
 * text is shorter than the longest length or a method's parameters are invalid ("METHOD: reason"); -3
 * when the model cannot hold the length. progress counts chunks over the whole sweep. */
int  eval_sweep_study_run(const model *m, const eval_sweep_spec *s, eval_sweep_study *r, eval_progress progress,
                          void *u, rope_error *err);
void eval_sweep_study_free(eval_sweep_study *r);

#endif
