/* kernels/model/model.h — the llama-style byte-level transformer: weights (loaded from or saved to GGUF),
 * an inference context (KV cache, RoPE cos/sin cache, scratch, thread pool) and sampling. Perplexity
 * is scored by kernels/eval (eval_ppl), the one scorer.
 *
 * Contract: the architecture is llama as llama.cpp runs it (llama.cpp src/models/llama.cpp): RMSNorm,
 * SwiGLU, RoPE on adjacent pairs (x[2i], x[2i+1]), MHA or GQA (consecutive query heads share a kv
 * head), tied or separate output, 256-token byte vocabulary (token = byte). The model never computes
 * a RoPE frequency: the context builds its cos/sin cache from a ropecore rope_table (θ'_i per pair,
 * the table's magnitude multiplied into both cos and sin). Methods whose table depends on the
 * sequence length (ROPE_USES_SEQ_LEN) get a new table for every model_eval call, computed for the
 * length the sequence reaches at the end of the call (as Hugging Face does per forward); keys already
 * cached are then either kept as rotated (MODEL_KV_KEEP, Hugging Face behaviour) or re-rotated with
 * the new table from stored pre-RoPE keys (MODEL_KV_REROTATE). All memory is allocated by
 * model_ctx_init: model_eval allocates nothing. Errors are -1 plus one rope_error line; nothing
 * prints or exits. */
#ifndef MODEL_H
#define MODEL_H

#include <stddef.h>
#include <stdint.h>
#include "gguf.h"
#include "kern.h"
#include "rope.h"

#define MODEL_VOCAB 256   /* byte vocabulary */
/* Decoding a model whose weights fit in this many bytes stays on one thread by default: its
 * per-token products are a few µs each, less than what handing them to a second core costs on a
 * shared 2-core machine (see model_ctx_params.decode_threads). */
#define MODEL_DECODE_SERIAL_BYTES ((size_t)4 << 20)

typedef struct model_hparams {
    int   n_vocab;      /* 256 */
    int   d_model;      /* llama.embedding_length */
    int   n_layer;      /* llama.block_count */
    int   n_head;       /* llama.attention.head_count */
    int   n_head_kv;    /* llama.attention.head_count_kv (divides n_head) */
    int   head_dim;     /* d_model / n_head, or llama.attention.key_length */
    int   n_ff;         /* llama.feed_forward_length */
    int   ctx_train;    /* llama.context_length, tokens */
    float norm_eps;     /* llama.attention.layer_norm_rms_epsilon */
    int   tied;         /* 1: no output.weight, token_embd is reused */
} model_hparams;

typedef struct model_layer {
    float *attn_norm;   /* [d_model] */
    float *wq;          /* [n_head·head_dim][d_model]   rows of wqkv */
    float *wk;          /* [n_head_kv·head_dim][d_model] rows of wqkv */
    float *wv;          /* [n_head_kv·head_dim][d_model] rows of wqkv */
    float *wqkv;        /* [(n_head + 2·n_head_kv)·head_dim][d_model]: wq, wk, wv stacked */
    float *wo;          /* [d_model][n_head·head_dim] */
    float *ffn_norm;    /* [d_model] */
    float *w_gate;      /* [n_ff][d_model]  rows of w_gu */
    float *w_up;        /* [n_ff][d_model]  rows of w_gu */
    float *w_gu;        /* [2·n_ff][d_model]: gate then up */
    float *w_down;      /* [d_model][n_ff] */
} model_layer;

typedef struct model {
    model_hparams hp;
    rope_params   rope;      /* defaults from the file's metadata (model_rope_from_gguf) */
    char          name[64];  /* general.name or "" */
    float *tok_embd;         /* [n_vocab][d_model] */
    float *out_norm;         /* [d_model] */
    float *output;           /* [n_vocab][d_model]; == tok_embd when tied */
    model_layer *layer;      /* [n_layer] */
    float  *mem;             /* one block holding every weight */
    size_t  n_params;        /* distinct parameters (tied output counted once) */
} model;

/* --- weights ----------------------------------------------------------------------------------- */

/* Checks a hyper-parameter set (positive sizes, n_head_kv | n_head, even head_dim, byte vocab). */
int  model_hparams_check(const model_hparams *hp, rope_error *err);
/* Allocates zeroed weights for hp (norm gains set to 1). */
int  model_alloc(model *m, const model_hparams *hp, rope_error *err);
/* Random weights: matrices uniform in ±scale/√fan_in, gains 1 + small noise; deterministic in seed. */
int  model_init_random(model *m, const model_hparams *hp, uint64_t seed, rope_error *err);
void model_free(model *m);

/* Reads a llama-architecture GGUF (F32/F16/BF16/Q8_0 weights, converted to float). Refuses another
 * architecture, missing/extra tensors, wrong shapes, unsupported types, a non-byte vocabulary and
 * wrongly typed keys, each with one line naming the file and the fix. */
int  model_from_gguf(model *m, const gguf_file *f, const char *where, rope_error *err);
int  model_load(model *m, const char *path, rope_error *err);

/* The default rope_params for a model file: head_dim, llama.rope.freq_base, context_length
 * (orig_ctx and max_pos), llama.rope.scaling.{type,factor,original_context_length,attn_factor}
 * (none/linear/yarn; `linear` with factor 1 is plain RoPE), HF flavor. Absent keys take llama.cpp's
 * defaults. Callers override fields afterwards. */
int  model_rope_from_gguf(const gguf_file *f, const model_hparams *hp, rope_params *p, rope_error *err);

/* Fills f (initialised by the caller) with the llama metadata, the byte-vocabulary SPM tokenizer
 * (llama.cpp src/llama-vocab.cpp), m->rope's scaling keys and the exact tensor set. 2-D weights are stored as
 * `wtype` (F32, F16 or Q8_0; 1-D gains stay F32); converted copies live in *scratch, which the
 * caller frees after writing. Tensor data of F32 weights points into m. */
int  model_to_gguf(const model *m, gguf_file *f, gguf_dtype wtype, void **scratch, rope_error *err);
/* model_to_gguf + gguf_write (atomic). */
int  model_save(const model *m, const char *path, gguf_dtype wtype, rope_error *err);

/* --- inference context --------------------------------------------------------------------------- */

typedef enum model_kv_mode {
    MODEL_KV_KEEP,      /* cached keys keep the rotation they were stored with (Hugging Face) */
    MODEL_KV_REROTATE   /* pre-RoPE keys are stored too; when the table changes every cached key is
                           rotated again with the new table */
} model_kv_mode;

typedef enum model_angles {
    MODEL_ANGLES_F64,   /* angle = p·θ'_i in double, cos/sin in double, rounded to float */
    MODEL_ANGLES_F32    /* angle = (float)p · inv_freq_f32 in float, as a float32 kernel does */
} model_angles;

typedef struct model_ctx_params {
    int           n_ctx;       /* KV-cache capacity, tokens */
    int           n_batch;     /* prefill block, tokens */
    int           n_threads;   /* threads including the caller */
    int           decode_threads; /* single-token calls: 0 = auto (1 when the weights fit in
                                     MODEL_DECODE_SERIAL_BYTES, else n_threads), 1 = one thread,
                                     any other value = n_threads */
    int           logits_all;  /* 1: logits for every position of each eval call */
    model_kv_mode kv_mode;
    model_angles  angles;
    rope_params   rope;        /* the method to run; head_dim must equal the model's */
    size_t        mem_limit;   /* refuse a context needing more bytes (0: model_mem_limit_default) */
} model_ctx_params;

/* A probe on the forward pass (model_ctx_set_probe). Both parts cost nothing when not asked for.
 * qk: called for every layer, position and slice of the fused projection row before RoPE is
 *   applied: row is [q (n_head·head_dim) | k (n_head_kv·head_dim) | v (n_head_kv·head_dim)] and
 *   columns [col_lo, col_hi) of it are final and not yet rotated. Calls come from the pool's
 *   threads at once, for different (position, column slice)s: write only to what they name.
 * weight_hist: [n_layer][n_head][n_ctx] doubles the caller owns (zeroed by the caller); every
 *   model_eval adds, for every query position m of the call and every key n <= m, the softmax
 *   weight from m to n into weight_hist[layer][head][m − n]. */
typedef struct model_probe {
    void  (*qk)(void *u, int layer, int pos, const float *row, int col_lo, int col_hi);
    void   *u;
    double *weight_hist;
} model_probe;

typedef struct model_ctx {
    const model *m;
    model_ctx_params cp;
    int n_past;                /* tokens in the cache */
    rope_params rope;          /* cp.rope with seq_len as last used */
    rope_table  table;         /* the table the newest keys were rotated with */
    unsigned    table_gen;     /* bumped whenever the table changes */
    unsigned    k_gen;         /* REROTATE: table_gen the cached keys are rotated with */
    int cs_lo, cs_hi;          /* cos/sin valid for positions [cs_lo, cs_hi) under table_gen */
    int n_pairs;               /* rotary pairs = table.n_pairs */
    float *rope_cos;           /* [n_ctx][n_pairs] magnitude·cos(angle) */
    float *rope_sin;           /* [n_ctx][n_pairs] magnitude·sin(angle) */
    float *k_cache;            /* [n_layer][n_ctx][n_head_kv·head_dim] keys after RoPE */
    float *v_cache;            /* [n_layer][n_ctx][n_head_kv·head_dim] */
    float *k_raw;              /* [n_layer][n_ctx][n_head_kv·head_dim] pre-RoPE keys (REROTATE), else NULL */
    float *logits;             /* [n_ctx or 1][n_vocab] from the last eval */
    int    n_logits;           /* rows in logits from the last eval */
    /* scratch for one block of n_batch tokens */
    float *x;                  /* [n_batch][d_model] residual stream */
    float *h;                  /* [n_batch][d_model] normalised input */
    float *qkv;                /* [n_batch][(n_head + 2·n_head_kv)·head_dim] */
    float *att;                /* [n_batch][n_head·head_dim] */
    float *ffn;                /* [n_batch][2·n_ff] gate|up, then silu(gate)·up in the first half */
    float *scores;             /* [n_threads][ATT_SLAB][n_ctx] attention rows of blocks too short for the tiled kernel */
    float *hloc;               /* [n_threads][d_model] per-thread normalised row (decode) */
    float *att_tile;           /* [n_threads][kern_attn_scratch(head_dim)] blocked-attention scratch */
    size_t bytes;              /* everything model_ctx_init allocated */
    size_t kv_bytes;           /* the KV cache (and pre-RoPE keys) alone */
    int    decode_serial;      /* single-token calls run on the calling thread */
    kern_pool *pool;
    model_probe probe;         /* see model_ctx_set_probe; zero = none */
    double *hist_part;         /* [n_threads][n_layer][n_head][n_ctx] per-thread weight sums, or NULL */
} model_ctx;

/* n_ctx = the model's training context, n_batch 512, 2 threads, logits for the last position, KEEP,
 * double-precision angles, rope = m->rope. */
void   model_ctx_params_default(const model *m, model_ctx_params *cp);
/* KV-cache bytes for n_ctx tokens (K and V, plus pre-RoPE keys under REROTATE). */
size_t model_kv_bytes(const model_hparams *hp, int n_ctx, model_kv_mode mode);

/* The memory guard (model_memlimit.c): model_parse_mem_max reads one cgroup limit line ("max" or a
 * byte count; 0 = no limit) and is -1 on anything else; model_cgroup_limit is the smallest limit of
 * this process's cgroups (v2 memory.max up the tree, v1 memory.limit_in_bytes), 0 if none;
 * model_mem_limit_default is 3/4 of the smaller of that and physical memory (what mem_limit 0 means). */
int model_parse_mem_max(const char *text, size_t *bytes);
size_t model_cgroup_limit(void);
size_t model_mem_limit_default(void);
int    model_ctx_init(model_ctx *c, const model *m, const model_ctx_params *cp, rope_error *err);
void   model_ctx_free(model_ctx *c);
/* Empties the cache (keeps the method). */
void   model_ctx_reset(model_ctx *c);
/* Keeps only the first n_past cached tokens (0 <= n_past <= c->n_past): the next model_eval
 * continues at position n_past and overwrites what followed; the kept keys stay as they were
 * rotated. For scoring several continuations of one prompt. */
int    model_ctx_rewind(model_ctx *c, int n_past, rope_error *err);
/* Switches method/parameters; empties the cache. */
int    model_ctx_set_rope(model_ctx *c, const rope_params *p, rope_error *err);

/* Installs (pr != NULL) or removes (NULL) the forward-pass probe. Asking for weight_hist allocates
 * per-thread partial sums here (n_threads·n_layer·n_head·n_ctx doubles); model_eval then adds them
 * into pr->weight_hist at its end. */
int    model_ctx_set_probe(model_ctx *c, const model_probe *pr, rope_error *err);

/* Appends n tokens at positions n_past … n_past+n−1 and runs them through the model in blocks of
 * n_batch. Logits: every position of this call when logits_all (model_logits(c, i), i < n), else
 * the last one (i = 0). A call that would pass n_ctx is an error and changes nothing. */
int    model_eval(model_ctx *c, const int *tokens, int n, rope_error *err);
const float *model_logits(const model_ctx *c, int i);   /* [n_vocab], NULL if i is out of range */

/* --- sampling ------------------------------------------------------------------------------------ */
typedef struct model_sampler {
    float    temperature;  /* <= 0: greedy */
    int      top_k;        /* <= 0: off */
    float    top_p;        /* >= 1: off */
    uint64_t state;        /* xorshift state, from the seed */
} model_sampler;

void model_sampler_init(model_sampler *s, float temperature, int top_k, float top_p, uint64_t seed);
/* A token id from logits[n_vocab] (n_vocab <= 4096): greedy picks the first maximum; otherwise
 * softmax(logits/T), keep the top_k most likely, then the smallest prefix with mass >= top_p,
 * renormalise and draw. */
int  model_sample(model_sampler *s, const float *logits, int n_vocab);

/* --- text to tokens --------------------------------------------------------------------------------- */

#define MODEL_TOKEN_EOS 2 /* the file's eos_token_id: byte 0x02, where llama.cpp stops generating */

/* The byte vocabulary tokenized exactly as llama.cpp's SPM tokenizer reads these files
 * (src/llama-vocab.cpp, llm_tokenizer_spm_session): every ' ' becomes U+2581 (E2 96 81), the text is
 * cut into UTF-8 symbols by each lead byte's length, a symbol that is exactly U+2581 is token 32 (the
 * vocabulary spells it "▁") and every other symbol is its bytes (id = byte). So a literal U+2581 in
 * the text is a space, and a space inside a broken UTF-8 sequence stays its three bytes. tok has
 * room for 3 * n ids (model_tokens_max), or is NULL to count; returns the number of tokens. */
#define model_tokens_max(n) (3 * (size_t)(n))
size_t model_tokenize(const unsigned char *text, size_t n, int *tok);

#endif
