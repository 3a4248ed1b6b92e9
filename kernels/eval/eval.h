/* kernels/eval/eval.h — the evaluations that show what each RoPE method does to a real model: perplexity
 * over chunks (llama.cpp's scoring or every position), perplexity vs context length for a list of
 * methods, mean loss by position segment, passkey retrieval and greedy continuation.
 *
 * Contract: every function runs on a caller-made model_ctx (logits_all = 1, n_ctx at least the
 * longest length asked for) and switches its method with model_ctx_set_rope; on return the cache
 * is in an unspecified state (call model_ctx_reset or model_ctx_set_rope before reusing it).
 * Passkey prompts come from corpus_passkey (the same builder training uses). Buffers are
 * allocated before any per-token loop (eval_passkey_ws); nothing prints or exits: progress goes
 * through a callback whose non-zero return cancels (-1, "cancelled"), errors are -1 plus one
 * rope_error line. */
#ifndef EVAL_H
#define EVAL_H

#include <stddef.h>
#include <stdint.h>
#include "model.h"
#include "rope.h"

/* Called after each unit of work (a chunk, a trial); non-zero cancels. */
typedef int (*eval_progress)(void *u, int done, int total);

/* --- perplexity ------------------------------------------------------------------------------- */

typedef enum eval_score {
    EVAL_SCORE_HALF,   /* llama.cpp: predictions at positions ctx/2 … ctx−2 of each chunk */
    EVAL_SCORE_ALL     /* every prediction, positions 0 … ctx−2 (YaRN's --truncate protocol) */
} eval_score;

/* How chunks are scored. */
typedef struct eval_ppl_opts {
    int        max_chunks;  /* chunks scored, 0 = all (eval_sweep: chunks of the longest length) */
    eval_score score;
    int        block;       /* tokens per model_eval call inside a chunk, 0 = the whole chunk in one call.
                               Static methods give the same numbers either way (to rounding); methods
                               with ROPE_USES_SEQ_LEN re-scale at every call, as while generating, and
                               the context's kv_mode decides what happens to the keys already cached. */
} eval_ppl_opts;

typedef struct eval_ppl_result {
    double ppl;         /* exp(nll) */
    double nll;         /* mean NLL over every scored token, nats */
    double nll_stderr;  /* standard error of that mean */
    int    n_chunks;
    long   n_scored;
} eval_ppl_result;

/* Perplexity of tok[0..n) in consecutive chunks of ctx tokens, each evaluated from an empty cache at
 * positions 0…ctx−1 (in one call, or in calls of o->block tokens); the first o->max_chunks chunks
 * (0 = all ⌊n/ctx⌋, at least one needed). The method is the context's current one. loss_pos (may
 * be NULL) receives [ctx−1]: the mean over chunks of the NLL of predicting token p+1 at position p,
 * for every p whatever o->score says. progress counts chunks. */
int eval_ppl(model_ctx *c, const int *tok, long n, int ctx, const eval_ppl_opts *o, eval_ppl_result *r,
             double *loss_pos, eval_progress progress, void *u, rope_error *err);

/* eval_ppl whose progress is called after every block of o->block tokens, counting blocks over all
 * chunks, so a long chunk can be cancelled between blocks (the explorer's model panel). */
int eval_ppl_blocks(model_ctx *c, const int *tok, long n, int ctx, const eval_ppl_opts *o, eval_ppl_result *r,
                    double *loss_pos, eval_progress progress, void *u, rope_error *err);

/* seg[k] = mean of loss[lo_k … hi_k) with lo_k = ⌊k·n/n_seg⌋, hi_k = ⌊(k+1)·n/n_seg⌋ (1 <= n_seg <= n). */
void eval_segments(const double *loss, int n, int n_seg, double *seg);

/* The context the model's positions were first trained at: the RoPE's original context when its
 * GGUF declares one shorter than context_length (a model fine-tuned with YaRN 8x from 512 to 4096
 * reports 512), else context_length. Sweeps, passkey grids and the matched-factor rule measure
 * lengths in units of it, so a base model and its extended fine-tune share one table. */
int eval_base_ctx(const model *m);

/* The parameters method m runs with at evaluation length ctx: `base` (the model's defaults plus the
 * user's flags) with method m and seq_len 0, and the factor
 *   fixed_factor > 0:                       fixed_factor for every method;
 *   else a method without ROPE_USES_SEQ_LEN: max(1, ctx / ctx_train) (matched to the length);
 *   else (dynamic, dynamic-yarn):           base->factor (they scale from the sequence length).
 * Returns the factor set. */
double eval_method_params(const rope_params *base, rope_method m, int ctx, int ctx_train, double fixed_factor,
                          rope_params *out);

/* One point of a sweep. */
typedef struct eval_sweep_point {
    rope_method     method;
    int             ctx;      /* evaluation length, tokens */
    double          factor;   /* the factor it ran with (eval_method_params) */
    eval_ppl_result r;
} eval_sweep_point;

/* Perplexity for every (method, length): out[i·n_ctxs + j] for methods[i] at ctxs[j]. Every length
 * covers the same span of text: o->max_chunks counts chunks of the longest length, and a length ctx
 * gets ⌊max_chunks·longest/ctx⌋ chunks (0 = all chunks at every length). loss_long (may be NULL)
 * receives [n_methods][max(ctxs)−1]: each method's per-position loss at the longest length.
 * progress counts chunks over the whole sweep. */
int eval_sweep(model_ctx *c, const rope_params *base, const rope_method *methods, int n_methods,
               const int *ctxs, int n_ctxs, double fixed_factor, const int *tok, long n, const eval_ppl_opts *o,
               eval_sweep_point *out, double *loss_long, eval_progress progress, void *u, rope_error *err);

/* --- passkey ---------------------------------------------------------------------------------- */

#define EVAL_PASSKEY_GEN 6    /* greedy tokens generated per trial: " " and the 5 digits */
#define EVAL_PASSKEY_MAX_ALT 1000

typedef struct eval_passkey_ws {
    int      max_len;   /* longest episode, tokens */
    int      n_alt;     /* alternative keys per trial */
    uint8_t *buf;       /* [max_len] the episode's bytes */
    int     *tok;       /* [max_len] the episode's tokens */
    float   *row;       /* [n_vocab] logits after the prompt */
    int     *alt;       /* [n_alt] alternative keys of the current trial */
} eval_passkey_ws;

int  eval_passkey_ws_init(eval_passkey_ws *ws, int max_len, int n_alt, rope_error *err);
void eval_passkey_ws_free(eval_passkey_ws *ws);

typedef struct eval_passkey_trial {
    int    len;          /* episode length, tokens (prompt + " K.\n") */
    double depth;        /* where the key sentence sits in the filler, [0, 1] */
    int    key;          /* the true key */
    int    prompt_len;   /* tokens before the answer */
    double lp_true;      /* log P(" K" | prompt), teacher-forced over its 6 tokens, nats */
    double lp_best_alt;  /* the highest such log-prob among the alternatives */
    int    best_alt;     /* that alternative key */
    int    rank;         /* 1 + alternatives whose log-prob is >= lp_true */
    int    lp_correct;   /* rank == 1: the true key strictly beats every alternative */
    int    gen_correct;  /* greedy output (one leading space skipped) starts with the key's 5 digits */
    char   gen[EVAL_PASSKEY_GEN + 1]; /* the greedy bytes, NUL-terminated (non-printing bytes as '?') */
} eval_passkey_trial;

/* One trial: builds the episode with corpus_passkey(len, key, depth, filler from filler_off;
 * filler NULL = the grass sentences), evaluates the prompt once, generates EVAL_PASSKEY_GEN tokens
 * greedily, then for the key and each of alt[0..n_alt) rewinds the cache to the prompt and
 * teacher-forces " K". Needs len <= ws->max_len, n_alt <= ws->n_alt, len <= c's n_ctx. */
int eval_passkey_run(model_ctx *c, eval_passkey_ws *ws, int len, int key, double depth, const int *alt,
                     int n_alt, const uint8_t *filler, size_t n_filler, size_t filler_off,
                     eval_passkey_trial *out, rope_error *err);

/* The keys of trial t of grid cell (li, di) for a seed: the true key, n_alt distinct alternatives
 * (all 10000..99999, all different from each other) and the filler offset (< n_filler, 0 when
 * n_filler is 0). A pure function of its arguments. */
void eval_passkey_draw(uint64_t seed, int li, int di, int t, int n_alt, size_t n_filler, int *key, int *alt,
                       size_t *filler_off);

typedef struct eval_passkey_cell {
    int    len;
    double depth;
    int    trials;
    int    lp_correct;     /* trials scored correct by log-prob */
    int    gen_correct;    /* trials scored correct by greedy generation */
    double mean_margin;    /* mean of lp_true − lp_best_alt, nats */
} eval_passkey_cell;

/* The grid: cells[li·n_depths + di] for lengths[li] × depths[di], `trials` trials each with keys
 * from eval_passkey_draw(seed, li, di, t, ws->n_alt, …). trial_out (may be NULL) receives
 * [n_lengths][n_depths][trials]. The method is the context's current one. progress counts trials. */
int eval_passkey_grid(model_ctx *c, eval_passkey_ws *ws, const int *lengths, int n_lengths, const double *depths,
                      int n_depths, int trials, uint64_t seed, const uint8_t *filler, size_t n_filler,
                      eval_passkey_cell *cells, eval_passkey_trial *trial_out, eval_progress progress, void *u,
                      rope_error *err);

/* A whole passkey study on a model, as `ropescope passkey` and the explorer's worker run it. */
#define EVAL_PASSKEY_MAX_LIST 32

typedef struct eval_passkey_spec {
    int            lengths[EVAL_PASSKEY_MAX_LIST]; /* episode lengths, tokens (>= CORPUS_TASK_MIN) */
    int            n_lengths;   /* 0 = L/2, L, 2L, 4L, 8L (L = eval_base_ctx), those in range */
    double         depths[EVAL_PASSKEY_MAX_LIST];  /* key depths in [0, 1] */
    int            n_depths;    /* 0 = 0, 0.25, 0.5, 0.75, 1 */
    int            trials;      /* per cell */
    int            n_alt;       /* alternative keys per trial (<= EVAL_PASSKEY_MAX_ALT) */
    uint64_t       seed;
    const uint8_t *filler;      /* NULL = the grass sentences */
    size_t         n_filler;
    int            n_threads;
    model_kv_mode  kv;
    rope_params    rope;        /* the method, as given, at every length */
} eval_passkey_spec;

typedef struct eval_passkey_study {
    int                 n_cells;    /* n_lengths·n_depths */
    eval_passkey_cell  *cells;      /* [n_lengths][n_depths] */
    eval_passkey_trial *trials;     /* [n_lengths][n_depths][trials] */
    int                 lp_correct, gen_correct, n_trials; /* totals over every cell */
} eval_passkey_study;

/* Fills the defaults of s in place (lengths, depths), makes a context for the longest length, runs the
 * grid and totals it. -1 with one line on failure; -2 when the model cannot hold a context of the
 * longest length (err holds the engine's reason). progress counts trials; non-zero cancels. */
int  eval_passkey_study_run(const model *m, eval_passkey_spec *s, eval_passkey_study *r, eval_progress progress,
                            void *u, rope_error *err);
void eval_passkey_study_free(eval_passkey_study *r);

/* --- generation -------------------------------------------------------------------------------- */

/* From an empty cache: evaluates prompt[0..n_prompt) and appends n_gen greedy tokens to out
 * (first maximum wins). Needs n_prompt + n_gen − 1 <= n_ctx. */
int eval_greedy(model_ctx *c, const int *prompt, int n_prompt, int n_gen, int *out, rope_error *err);

/* log softmax(logits)[target] in double, logits [n_vocab]. */
double eval_logprob(const float *logits, int n_vocab, int target);

#endif
