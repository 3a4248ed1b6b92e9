/* kernels/train/train.h — the trainer: forward + backward + AdamW for exactly the llama architecture the
 * engine runs (RMSNorm, SwiGLU, RoPE on adjacent pairs from a ropecore table, MHA/GQA, tied or
 * separate output, 256-token byte vocabulary), checkpoints, and GGUF import/export.
 *
 * Contract:
 * - All weights live in one float block (train_model.w) described by a tensor table in GGUF order;
 *   gradients and the AdamW moments use the same layout, so offsets work for all four.
 * - The RoPE cos/sin cache is built only from rope_table_compute(): angle p·θ'_i (double), both cos
 *   and sin multiplied by the table's magnitude, positions restarting at 0 in every sequence. Any
 *   ropecore method trains (dynamic methods get the table of each sequence's length).
 * - A batch is a list of consecutive sequences of any lengths (a mixed-length curriculum is a batch
 *   with short and long sequences); attention is causal within each sequence.
 * - Results are deterministic for a given thread count (fixed work partition, fixed reduction order),
 *   so a checkpoint resumed with the same thread count continues bit for bit.
 * - Large products go to OpenBLAS sgemm (single-threaded inside each pool thread); attention is
 *   computed in query blocks from Q, K, V and the row log-sum-exp (the probabilities are recomputed
 *   in the backward pass, so memory grows with T, not T²).
 * - Checkpoints and GGUF files are written to a temporary file and renamed: an interrupted or failed
 *   write (disk full) leaves the previous file untouched. GGUF goes through the engine's model
 *   (model.h), so the trainer writes exactly what the engine and llama.cpp load.
 * - A train_session holds pointers into itself: initialise it in place and never copy or move it.
 * Nothing prints or exits; errors are -1 plus one rope_error line. */
#ifndef TRAIN_H
#define TRAIN_H

#include <stddef.h>
#include <stdint.h>
#include "corpus.h"
#include "gguf.h"
#include "kern.h"
#include "model.h"
#include "rope.h"

#define TRAIN_VOCAB     256     /* byte vocabulary: token id = byte value */
#define TRAIN_MAX_LAYER 64
#define TRAIN_MAX_SCHED 8       /* entries of a context-length schedule */

/* --- the model --------------------------------------------------------------------------------- */

/* The trainer's architecture is the model's hparams (model.h): one struct, so a trained model is saved
 * and a saved one fine-tuned without a field-by-field copy. ctx_train is the tokens per training
 * sequence. */
typedef model_hparams train_hparams;

/* Offsets (in floats) of one layer's tensors in the parameter block. */
typedef struct train_layer_off {
    size_t attn_norm;  /* [d_model] */
    size_t wqkv;       /* [(n_head + 2·n_head_kv)·head_dim][d_model]: wq rows, then wk, then wv */
    size_t wo;         /* [d_model][n_head·head_dim] */
    size_t ffn_norm;   /* [d_model] */
    size_t w_gu;       /* [2·n_ff][d_model]: gate rows, then up rows */
    size_t w_down;     /* [d_model][n_ff] */
} train_layer_off;

typedef struct train_tensor {
    char    name[48];  /* GGUF name, e.g. "blk.0.attn_q.weight" */
    int     n_dims;    /* 1 or 2 */
    int64_t ne[2];     /* GGUF order: ne[0] = columns (contiguous), ne[1] = rows */
    size_t  off;       /* first element in the parameter block */
    size_t  n;         /* elements */
    int     decay;     /* 1 for matrices (weight decay applies), 0 for norm gains */
} train_tensor;

typedef struct train_model {
    train_hparams hp;
    rope_params   rope;       /* the RoPE the weights are trained with (written as GGUF rope keys) */
    char          name[64];   /* general.name */
    size_t        n_params;   /* floats in w (tied output counted once) */
    float        *w;          /* [n_params] every weight */
    int           n_tensors;
    train_tensor *tensors;    /* [n_tensors] in GGUF order */
    size_t off_tok_embd;      /* [n_vocab][d_model] */
    size_t off_out_norm;      /* [d_model] */
    size_t off_output;        /* [n_vocab][d_model]; == off_tok_embd when tied */
    train_layer_off layer[TRAIN_MAX_LAYER];
} train_model;

/* d_model 256, 4 layers, 4 heads (head_dim 64), ffn 768, untied, eps 1e-5, ctx 512. */
void train_hparams_default(train_hparams *hp);
int  train_hparams_check(const train_hparams *hp, rope_error *err);
/* 1 if a and b describe the same architecture (every field but ctx_train). */
int  train_hparams_same(const train_hparams *a, const train_hparams *b);
/* One line, e.g. "d_model 256, 4 layers, 4/4 heads × 64, ffn 768, untied". */
void train_hparams_describe(const train_hparams *hp, char *buf, size_t n);

/* Allocates zeroed weights (gains 1) and the tensor table; m->rope = plain RoPE for head_dim with
 * base 10000 and orig_ctx = ctx_train. */
int  train_model_init(train_model *m, const train_hparams *hp, rope_error *err);
/* Deterministic random weights: N(0, 0.02²) matrices, output projections (wo, w_down) scaled by
 * 1/√(2·n_layer), gains 1. */
void train_model_randomize(train_model *m, uint64_t seed);
void train_model_free(train_model *m);
/* Index of a tensor by GGUF name, or -1. */
int  train_model_find(const train_model *m, const char *name);

/* GGUF goes through the engine's model (kernels/model.h), so the trainer writes and reads exactly
 * what `ropescope gen/ppl` and llama.cpp load: the llama layout, byte-vocabulary SPM tokenizer, all
 * F32, with m->rope as the file's rope keys. Static NTK is written as plain RoPE with the scaled
 * base; dynamic, ntk-parts, llama3 and longrope have no llama GGUF form and are refused. */
int  train_rope_exportable(const rope_params *p, rope_error *err);
int  train_model_to_model(const train_model *m, model *out, rope_error *err);     /* model_alloc'd copy */
int  train_model_from_model(train_model *m, const model *src, rope_error *err);
int  train_model_save_gguf(const train_model *m, const char *path, rope_error *err); /* atomic */
/* Reads any llama GGUF the engine reads (F32/F16/BF16/Q8_0) with a byte vocabulary. */
int  train_model_load_gguf(train_model *m, const char *path, rope_error *err);

/* --- forward and backward ----------------------------------------------------------------------------- */

typedef struct train_batch {
    int        n_tokens;   /* N = Σ seq_len */
    const int *tokens;     /* [N] input ids */
    const int *targets;    /* [N] the id to predict after each input; -1 = not scored */
    int        n_seq;
    const int *seq_len;    /* [n_seq] consecutive sequences; positions restart at 0 in each */
    const float *weight;   /* [N] loss weight of each scored token (>= 0), NULL = all 1: the loss is
                              Σ w·nll / Σ w over scored tokens */
} train_batch;

typedef struct train_ctx train_ctx;   /* activations, gradients, scratch, the cos/sin caches */

/* A context for batches of up to max_tokens tokens and sequences of up to max_seq tokens. */
train_ctx *train_ctx_create(const train_model *m, int max_tokens, int max_seq, int n_threads,
                            rope_error *err);
void   train_ctx_free(train_ctx *c);
/* The RoPE to train with (validated; head_dim must equal the model's and rotate fully). Until set,
 * m->rope is used. */
int    train_ctx_set_rope(train_ctx *c, const rope_params *p, rope_error *err);
/* The gradient block [n_params] the last backward pass wrote. */
float *train_ctx_grad(train_ctx *c);
/* Per-token NLL (nats) of the last forward pass, [n_tokens] (0 where not scored). */
const float *train_ctx_nll(const train_ctx *c);
/* Bytes the context allocated. */
size_t train_ctx_bytes(const train_ctx *c);

/* Attention probability (after softmax) from token n to token j of the same sequence (batch indices,
 * j <= n) in layer l, head h, of the last forward pass (whose batch must still exist); -1 if the
 * indices do not name such a pair. */
double train_ctx_attn(const train_ctx *c, int l, int h, int n, int j);

/* Runs the batch; *loss = mean NLL over scored tokens (nats; weighted by b->weight when given),
 * *n_scored their count. With
 * backward = 1 the gradient of *loss w.r.t. every weight is written to train_ctx_grad(). */
int train_step_fb(train_ctx *c, const train_batch *b, int backward, double *loss, long *n_scored,
                  rope_error *err);

/* Model FLOPs per token of one forward + backward at sequence length T (6·matmul params + the
 * causal attention products), for tokens/s → GFLOP/s. */
double train_flops_per_token(const train_hparams *hp, int T);

/* --- the optimizer -------------------------------------------------------------------------------------- */

typedef struct train_opt {
    double lr_max;        /* peak learning rate (> 0) */
    double lr_min;        /* floor of the cosine decay */
    long   warmup;        /* steps of linear warm-up from lr_max/warmup to lr_max */
    long   total;         /* steps; the cosine reaches lr_min at step total */
    double beta1, beta2;  /* 0.9, 0.95 */
    double eps;           /* 1e-8 */
    double weight_decay;  /* 0.1, on matrices only (decoupled, as PyTorch AdamW) */
    double clip;          /* global gradient-norm clip (<= 0: off) */
    int    constant;      /* 1: lr_max after the warm-up (no decay; lr_min unused) */
} train_opt;

void   train_opt_default(train_opt *o);   /* 2e-3 → 1e-4, warmup 200, total 1000, 0.9/0.95, wd 0.1, clip 1 */
int    train_opt_check(const train_opt *o, rope_error *err);
/* The learning rate of 0-based step `step`: warm-up, then cosine to lr_min (or constant). */
double train_lr_at(const train_opt *o, long step);
/* Global L2 norm of g[n] (double accumulation); if clip > 0 and the norm exceeds it, g is scaled by
 * clip/norm. Returns the norm before clipping. */
double train_clip_grad(float *g, size_t n, double clip);
/* One AdamW update with 1-based step t and learning rate lr, exactly PyTorch's AdamW:
 *   p ← p·(1 − lr·wd) (decayed tensors only); m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²;
 *   p ← p − lr·(m/(1−β1^t)) / (√(v/(1−β2^t)) + eps). */
void   train_adamw(train_model *m, const float *g, float *mom, float *vel, long t, double lr,
                   const train_opt *o);

/* --- a training session: model + optimizer + data + checkpoints ------------------------------------------ */

typedef struct train_config {
    train_hparams hp;        /* architecture (hp.ctx_train = the long sequence length) */
    rope_params   rope;      /* the method to train with */
    int      seq_len;        /* tokens per (long) training sequence */
    int      batch;          /* sequences of seq_len tokens per step (a row of the batch) */
    int      short_len;      /* curriculum: rows may instead hold seq_len/short_len sequences of short_len */
    double   short_frac;     /* fraction of rows made of short sequences (0: none) */
    corpus_mix mix;          /* the task mixture */
    long     repeat_steps;   /* the first repeat_steps steps draw only repeat episodes (induction warm-up) */
    float    kind_weight[CORPUS_TOKEN_KINDS]; /* loss weight of each corpus_token (all 1: plain mean) */
    int      n_sched;        /* context schedule: 0 = seq_len throughout; else from step sched_step[k] on, */
    long     sched_step[TRAIN_MAX_SCHED]; /* rows hold sched_len[k] tokens (increasing steps, the first 0; */
    int      sched_len[TRAIN_MAX_SCHED];  /* lengths <= seq_len, which sizes the buffers and eval windows) */
    train_opt opt;
    uint64_t seed;           /* weights and data */
    int      n_threads;
    int      eval_seqs;      /* held-out windows of seq_len scored by train_session_eval */
} train_config;

/* seq_len 512, batch 16, no curriculum, default mix, default optimizer, seed 1, 2 threads, 16 eval
 * windows, architecture train_hparams_default, plain RoPE for its head_dim. */
void train_config_default(train_config *cfg);
/* Usage errors: sizes, a learning rate of 0, seq_len not a multiple of short_len, … */
int  train_config_check(const train_config *cfg, rope_error *err);

typedef struct train_session {
    train_config cfg;
    train_model  model;
    const corpus *data;
    train_ctx   *ctx;
    float       *mom, *vel;  /* [n_params] AdamW moments */
    long         step;       /* optimizer steps done */
    uint64_t     cursor;     /* training sequences drawn so far (the data cursor) */
    uint64_t     rng;        /* session RNG state (advanced once per step; saved) */
    double       tokens;     /* training tokens seen */
    /* batch buffers */
    int   *tokens_buf, *targets_buf, *seqlen_buf;   /* [batch·seq_len], [batch·seq_len], [rows·…] */
    uint8_t *bytes_buf;                              /* [seq_len + 1] */
    uint8_t *kind_buf;                               /* [seq_len + 1] corpus_token of each byte */
    float   *weight_buf;                             /* [batch·seq_len] loss weights */
    int   *eval_tok, *eval_tgt, *eval_len;          /* held-out windows */
    int    eval_n;
} train_session;

typedef struct train_stats {
    long   step;             /* steps done after this one */
    double loss;             /* mean training NLL of the step's batch, nats */
    double lr;
    double grad_norm;        /* before clipping */
    int    n_tokens;         /* tokens in the batch */
    double flops;            /* model FLOPs of the step (train_flops_per_token at each sequence's length) */
} train_stats;

/* A new session from random weights (init = NULL) or from a model (copied: fine-tuning). The
 * model's architecture must match cfg->hp. The corpus must outlive the session. */
int  train_session_init(train_session *s, const train_config *cfg, const train_model *init,
                        const corpus *data, rope_error *err);
void train_session_free(train_session *s);
/* The sequence length rows use at step `step` (the schedule's, or seq_len). */
int  train_config_len_at(const train_config *cfg, long step);
/* One optimizer step on the next batch. */
int  train_session_step(train_session *s, train_stats *st, rope_error *err);
/* Mean NLL (nats) over the fixed held-out windows with the current weights. */
int  train_session_eval(train_session *s, double *loss, rope_error *err);

/* Checkpoint: architecture, RoPE, run configuration, weights, AdamW moments, step, data cursor,
 * RNG, corpus hash, then a checksum; written atomically. Version 4 added the recall fraction and
 * distance, the loss weights, the constant schedule and the context schedule; older files read
 * them as recall 0, weights 1, cosine, no schedule. Version 5 added the recall form (older: spans). */
int  train_ckpt_save(const train_session *s, const char *path, rope_error *err);
/* Resumes a session: the file must exist, pass its checksum, and match cfg's architecture and
 * corpus (another architecture is refused with both descriptions). The run configuration stored in
 * the file is used; cfg->opt.total and n_threads may differ (extending a run). */
int  train_session_resume(train_session *s, const train_config *cfg, const corpus *data,
                          const char *path, rope_error *err);
/* Changes a resumed (or running) session's learning-rate schedule, task mixture, loss weights and
 * context schedule to next's (the optimizer state, step, data cursor and RNG are kept). Refused
 * where it cannot apply: another seq_len, batch, seed or short-row curriculum, or a schedule
 * length above the buffers' seq_len. */
int  train_session_retune(train_session *s, const train_config *next, rope_error *err);

/* --- the run loop --------------------------------------------------------------------------------------- */

typedef enum train_event {
    TRAIN_EV_STEP,           /* after a step (every log_every steps and the last) */
    TRAIN_EV_EVAL,           /* after a held-out evaluation */
    TRAIN_EV_CKPT,           /* after a checkpoint was written */
    TRAIN_EV_SNAPSHOT,       /* after a step's GGUF snapshot was written */
    TRAIN_EV_PROBE           /* after every probe_every-th step: the caller may probe the weights (its time
                                is not counted in the throughput) */
} train_event;

typedef struct train_progress {
    train_event ev;
    long   step, total;
    double loss;             /* STEP: mean over the steps since the last report; EVAL: held-out loss */
    double lr, grad_norm;
    double tok_per_s;        /* over the steps since the last report */
    double elapsed_s;        /* wall time of this run */
    double eta_s;            /* remaining steps at the average rate of this run */
    double gflops;           /* model GFLOP/s over the steps since the last report */
    const char *path;        /* CKPT, SNAPSHOT: the file */
} train_progress;

/* Return non-zero to stop the run (a checkpoint is still written). */
typedef int (*train_progress_fn)(void *user, const train_progress *p);

typedef struct train_run_opts {
    const char *ckpt_path;   /* NULL: no checkpoints */
    double ckpt_every_s;     /* wall-clock seconds between checkpoints */
    int    log_every;        /* steps between STEP reports */
    int    eval_every;       /* steps between held-out evaluations (0: only at the end) */
    const char *gguf_path;   /* exported at every checkpoint and at the end (NULL: never) */
    const long *snapshots;   /* [n_snapshots] steps after which the model is also kept as its own GGUF */
    int    n_snapshots;
    const char *snapshot_prefix; /* their paths: prefix + step + ".gguf", e.g. "DIR/model-step" */
    long   probe_every;      /* steps between TRAIN_EV_PROBE reports (0: none) */
} train_run_opts;

/* Steps until s->step == total (or the callback asks to stop), with periodic evaluations,
 * checkpoints and GGUF exports, snapshots at the listed steps, and a final checkpoint + export. */
int train_run(train_session *s, const train_run_opts *ro, train_progress_fn fn, void *user,
              rope_error *err);

#endif
