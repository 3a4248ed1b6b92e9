/* ropecore/config/rope_config.h — model configs in and out: Hugging Face config.json (legacy
 * `rope_scaling` and v5 `rope_parameters`), the presets in assets/presets, exports for Hugging Face,
 * vLLM, llama.cpp and GGUF, and `lint` for the known pitfalls.
 *
 * Contract: parsing resolves a config exactly as transformers v5 does (modeling_rope_utils.py) into a
 * rope_params, keeps the model geometry the KV-cache calculator needs, and records what the file
 * literally said (so lint can name what was missing, duplicated or contradictory). No globals besides
 * the read-only preset table, no printing, no exit; errors are -1 plus a one-line rope_error. */
#ifndef ROPE_CONFIG_H
#define ROPE_CONFIG_H

#include <stddef.h>
#include <stdio.h>
#include "rope.h"

/* What the file literally held (presence flags and the raw spellings), for lint and export. */
typedef struct rope_config_raw {
    int  has_scaling;          /* a rope_scaling or rope_parameters object was present */
    int  scaling_v5;           /* it was spelled rope_parameters */
    int  has_type, has_rope_type;
    char type[32], rope_type[32];            /* the raw strings ("" if absent) */
    int  has_factor, has_orig_ctx, orig_ctx_top_level;
    int  has_beta_fast, has_beta_slow;
    double beta_fast, beta_slow;             /* as written (HF turns 0 into the default) */
    int  has_truncate, has_mscale, has_mscale_all_dim, has_attention_factor;
    int  has_low_freq_factor, has_high_freq_factor;
    int  n_short_factor, n_long_factor;      /* list lengths as written (-1 = absent) */
    int  has_max_pos;
    int  has_partial_rotary;
    int  has_rope_theta;
    /* additions: what lint and export need beyond the presence flags */
    double factor;                           /* factor as written (1 if absent) */
    int  orig_ctx_scaling, orig_ctx_top;     /* original_max_position_embeddings in the dict / at top level (0 = absent) */
    int  both_spellings;                     /* rope_scaling and rope_parameters both non-empty (rope_scaling wins) */
    int  per_layer;                          /* v5 per-layer-type dict: its "full_attention" entry was used */
    int  rope_theta_conflict;                /* top-level rope_theta differs from rope_parameters.rope_theta */
    double rope_theta_top;                   /* the top-level value when rope_theta_conflict */
    char head_dim_key[40];                   /* "head_dim", "qk_rope_head_dim", "hidden_size/num_attention_heads" */
    int  n_duplicate_keys;                   /* keys read that appear more than once (Python keeps the last) */
    char duplicate_key[48];                  /* the first such key, e.g. "rope_scaling.factor" */
    int  n_unknown_keys;                     /* keys in the scaling dict that no loader reads (typos) */
    char unknown_key[48];                    /* the first such key */
    int  n_unmodelled;                       /* keys some engine reads that ropescope's tables do not model */
    char unmodelled[200];                    /* "no_rope_layers[48: 12 NoPE], attention_chunk_size=8192, ..." */
    int  has_extrapolation_factor;           /* the YaRN reference code's / vLLM's key (HF does not read it) */
    double extrapolation_factor;             /* as written (1 if absent) */
} rope_config_raw;

typedef struct rope_config {
    rope_params params;       /* resolved as Hugging Face resolves it */
    char   name[64];          /* preset name, model_type or "" */
    char   model_type[64];    /* config's model_type, "" if absent */
    int    hidden_size;       /* d_model, 0 if absent */
    int    n_layers;          /* num_hidden_layers, 0 if absent */
    int    n_heads;           /* num_attention_heads, 0 if absent */
    int    n_kv_heads;        /* num_key_value_heads (defaults to n_heads) */
    int    vocab_size;        /* 0 if absent */
    char   title[96];         /* "_title" (presets), "" if absent */
    char   repo[96];          /* "_repo": the Hugging Face repository id (presets), "" if absent */
    rope_config_raw raw;
} rope_config;

/* A config with rope_params_init's defaults and no geometry. */
void rope_config_init(rope_config *c);

/* Parses a Hugging Face config.json held in json[0..len). `where` names the source in messages
 * (a path or "preset NAME"). Malformed, truncated or wrongly typed JSON, unknown rope types and
 * absurd values are errors naming the key. */
int rope_config_parse(const char *json, size_t len, const char *where, rope_config *c, rope_error *err);
int rope_config_load(const char *path, rope_config *c, rope_error *err);
/* Reads all of f (at most 16 MiB) into *data (malloc'd, *len bytes; the caller frees it). The buffer
 * grows through grow (realloc, or a stand-in in tests): a failed growth is an error, never a short read. */
int rope_config_read_stream(FILE *f, const char *name, void *(*grow)(void *, size_t), char **data, size_t *len,
                            rope_error *err);

/* Presets compiled in from the JSON files in assets/presets. */
int         rope_preset_count(void);
const char *rope_preset_name(int i);   /* e.g. "llama-2-7b" */
const char *rope_preset_title(int i);  /* e.g. "Llama-2-7B (plain RoPE, L 4096)" */
const char *rope_preset_json(int i);   /* the config.json text */
int rope_preset_load(const char *name, rope_config *c, rope_error *err);

/* --- export ---------------------------------------------------------------------------------- */

typedef enum rope_export_format {
    ROPE_EXPORT_HF,        /* config.json fragment, legacy rope_scaling + rope_theta */
    ROPE_EXPORT_HF_V5,     /* config.json fragment, v5 rope_parameters */
    ROPE_EXPORT_VLLM,      /* vllm serve --hf-overrides '{…}' --max-model-len N */
    ROPE_EXPORT_LLAMACPP,  /* llama-cli/llama-server flags */
    ROPE_EXPORT_GGUF,      /* llama.* GGUF metadata keys with their types */
    ROPE_EXPORT_COUNT
} rope_export_format;

const char *rope_export_name(rope_export_format f);               /* "hf", "hf-v5", "vllm", "llamacpp", "gguf" */
int rope_export_from_name(const char *name, rope_export_format *out);

/* A growable text buffer. */
typedef struct rope_buf {
    char  *data;   /* NUL-terminated when len > 0 */
    size_t len, cap;
} rope_buf;
void rope_buf_free(rope_buf *b);   /* frees and zeroes; a zeroed rope_buf is an empty buffer */
int  rope_buf_printf(rope_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define ROPE_MAX_NOTES 16
typedef struct rope_notes {
    int  n;
    char line[ROPE_MAX_NOTES][240]; /* each: what the target cannot express, and its consequence */
} rope_notes;

/* Appends the export of c in format f to out; what the target cannot express goes to notes
 * (appended after notes->n; notes may be NULL; each line starts with the format's name).
 * ctx is the serving context length for targets that need one (0 = rope_config_serving_ctx).
 * Parsing an ROPE_EXPORT_HF or _HF_V5 export gives the same rope_params back, except where a note
 * says otherwise (ntk → plain RoPE with the NTK base baked in, ntk-parts → yarn with
 * attention_factor 1, dynamic-yarn → static yarn) and max_position_embeddings, which becomes the
 * serving context. */
int rope_export(const rope_config *c, rope_export_format f, int ctx, rope_buf *out,
                rope_notes *notes, rope_error *err);

/* --- lint ------------------------------------------------------------------------------------- */

typedef enum rope_lint_level { ROPE_LINT_INFO, ROPE_LINT_WARN, ROPE_LINT_ERROR } rope_lint_level;

typedef struct rope_lint_item {
    const char     *rule;      /* stable name, e.g. "factor-without-type" */
    rope_lint_level level;
    char what[240];            /* what goes wrong, with this config's numbers */
    char fix[240];             /* how to fix it */
    const char *source;        /* the public reference: a paper (arXiv id), a library file or a public
                                  issue, e.g. "huggingface/transformers #38224" (static text) */
} rope_lint_item;

/* Fills up to max items (items may be NULL when max is 0); returns how many rules fired (may
 * exceed max). Rules read c->raw (what the file said) and the rope_table of c->params. */
int rope_lint(const rope_config *c, rope_lint_item *items, int max);

/* The engine-divergence rules (rope_lint_engines.c), called by rope_lint: appends the rules c triggers
 * at items[n] onward (those past max are counted, not stored) and returns the new count. */
int rope_lint_engines(const rope_config *c, rope_lint_item *items, int max, int n);

/* "did you mean": the rope_type spelling closest to name (a wrong case, "YaRN", or up to two edits,
 * "yarm"), or NULL when none is close. Used by the parser's unknown-type message. */
const char *rope_lint_suggest_type(const char *name);

#endif
