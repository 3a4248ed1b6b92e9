/* app/explorer/live_model.h — the model panel's background work: the loaded model and passage (the
 * source), one request per parameter generation split into stages that run as worker jobs one after
 * another (perplexity at L, then at s·L with the loss by position, then attention over distance, the
 * continuations and the passkey probe, and on request the perplexity at 2·s·L), and the result they fill (a plot_model plus the arrays it
 * points into).
 *
 * Contract: the source is touched only by the job running on the worker thread (and freed after the
 * worker is); the UI thread only reads results handed over by worker_collect. A result for a new
 * request starts as a copy of the held one: a part whose method and parameters did not change is
 * reused and stamped current (so a β change re-runs only the methods β affects; the attention curves
 * and the continuations are reused per method too); a part of the same method under other
 * parameters is kept with its old stamp (drawn stale); anything else is dropped.
 * One forward serves several parts: the s·L window of the passage (tok[0..s·L)) is run once per
 * method as one model_eval call; its logits give the loss and ppl at s·L (scored as eval_ppl scores
 * one chunk), for the current method and plain RoPE the same call carries eval_decay's q/k probe
 * (the attention stage then only runs the FFT), and its KV cache, rewound to the continuation's
 * context (the passage's first s·L − |prompt| − 60 tokens), is where the current method's
 * continuation starts (methods that do not read the sequence length; the others prefill anew).
 * The numbers equal the commands': ppl at L is `ropescope ppl --ctx L --max-chunks 1 --score all`,
 * at s·L the same with --ctx s·L, at 2·s·L with --ctx 2·s·L. The evaluations are the library's own (eval_ppl_blocks,
 * eval_decay, eval_passkey_run; the continuations are eval_greedy's loop keeping each token's
 * log-prob). Nothing prints or exits. */
#ifndef LIVE_MODEL_H
#define LIVE_MODEL_H

#include "eval.h"
#include "eval_decay.h"
#include "model.h"
#include "panel_model.h"
#include "worker.h"

#define LIVE_STAGES 6             /* ppl at L, ppl at s·L + loss, attention, continuations, passkey, ppl at 2·s·L */
#define LIVE_PK_ALT 9             /* alternatives per passkey probe: chance is 1 in 10 */
#define LIVE_MAX_WINDOW (1 << 16) /* the longest s·L window the panel evaluates, tokens */

typedef struct live_src {
    const char *model_path;       /* NULL: the embedded model */
    const char *text_path;        /* NULL: the built-in held-out passage */
    int         threads;
    int         tried;            /* loading was attempted */
    char        error[200];       /* why the model or the passage is missing ("" fine) */
    model       m;
    int         have_model;
    char        name[64];
    int        *tok;              /* [n_tok] the passage */
    uint8_t    *bytes;            /* [n_tok] the same as bytes (passkey filler) */
    long        n_tok;
    model_ctx   ctx;
    int         have_ctx, ctx_n;
    eval_decay  dec[2];           /* [0] the current method's capture, [1] plain RoPE's */
    int         have_dec[2], dec_n[2];
    int         dec_ok[2];        /* dec[k] holds a capture of tok[0..dec_n[k]) under dec_p[k] */
    rope_params dec_p[2];
    int         cache_n;          /* ctx's cache holds tok[0..cache_n) fed as one forward under cache_p (0: nothing) */
    rope_params cache_p;
} live_src;

/* What the user asked the panel for, beside the lab's parameters. */
typedef struct live_opts {
    rope_method cmp;              /* the pinned comparison method */
    int         pk_len_sel;       /* 0: s·L, 1: s·L/2, 2: L */
    double      pk_depth;         /* 0 … 1 */
    char        prompt[64];
    int         layer, head;      /* attention shown; -1 = mean over all */
    unsigned long want_2sL;       /* the generation ppl at 2·s·L was asked for (0: never): it runs for
                                     that generation only, and stays shown (stale) after a change */
} live_opts;

typedef struct live_result {
    plot_model  pm;
    rope_params slot_pL[PLOT_MODEL_SLOTS]; /* the parameters each slot's ppl at L ran with */
    rope_params slot_psL[PLOT_MODEL_SLOTS];/* … and its s·L window */
    rope_params slot_p2sL[PLOT_MODEL_SLOTS];/* … and its 2·s·L one */
    double     *loss[PLOT_MODEL_SLOTS];    /* [pm.n_loss] */
    int         att_layers, att_heads;
    rope_params att_p[2];
    double     *att_score[2], *att_weight[2];  /* [layers][heads][attn_n] */
    double     *sel_score[2], *sel_weight[2];  /* [attn_n] the layer/head shown */
    rope_params pk_p, gen_p[2];
    char        gen_prompt[64];
    int         pk_len_asked;
    double      pk_depth_asked;
} live_result;

typedef struct live_job {
    live_src     *src;
    unsigned long stamp;
    int           stage;          /* 0 … LIVE_STAGES − 1 */
    rope_params   p;              /* the lab's parameters */
    live_opts     o;
    live_result  *res;            /* owned; handed to the lab when delivered */
    char          error[320];
    double        t_start;        /* monotonic seconds when submitted (progress estimates) */
} live_job;

void live_src_init(live_src *s, const char *model_path, const char *text_path, int threads);
void live_src_free(live_src *s);

void live_opts_default(live_opts *o);

/* A new result for generation `stamp` from the held one (may be NULL): the reuse rule above. NULL if
 * out of memory. */
live_result *live_result_next(const live_result *held, const rope_params *p, const live_opts *o,
                              unsigned long stamp);
live_result *live_result_copy(const live_result *r);
void live_result_free(void *r);
/* Refreshes pm's pointers and the selected attention curves (after a copy, or a layer/head change). */
void live_result_select(live_result *r, int layer, int head);

/* The worker job (worker_job_fn) and its argument's destructor. */
int  live_job_run(void *args, worker_progress_fn progress, void *ctx);
void live_job_free(void *args);

/* The stage's name for the progress line ("perplexity at s·L"). */
const char *live_stage_name(int stage);

/* The methods of the slots for parameters p and comparison cmp: [0] p's, [1] plain RoPE (unused
 * when p's method is plain RoPE), [2] cmp (moved on when it equals p's). */
void live_slot_methods(const rope_params *p, rope_method cmp, rope_method out[PLOT_MODEL_SLOTS], int used[PLOT_MODEL_SLOTS]);

/* The window s·L for p: max(2, factor)·L rounded, at most LIVE_MAX_WINDOW. */
int live_window(const rope_params *p);

#endif
