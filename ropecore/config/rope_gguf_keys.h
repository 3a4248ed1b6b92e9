/* ropecore/config/rope_gguf_keys.h — the one map between rope_params and llama.cpp's GGUF RoPE metadata
 * (`<arch>.rope.freq_base`, `<arch>.rope.scaling.*`): pure data plus two functions, used by the GGUF
 * reader and writer (kernels/gguf) and by the GGUF-keys export (rope_export.c).
 *
 * Contract: keys are named by their suffix after "<arch>." (e.g. "rope.scaling.factor"). GGUF expresses
 * three methods: none, linear and yarn (static YaRN with factor, original context, attention factor and
 * betas); every other method is refused with one line saying why. What GGUF cannot hold: the flavor (a
 * reader gets Hugging Face semantics), `truncate` (llama.cpp always truncates), max_position_embeddings
 * and seq_len; mscale/mscale_all_dim are stored as the magnitude they give (attn_factor), so they read
 * back as an explicit attention factor with the same table. Never prints, never exits. */
#ifndef ROPE_GGUF_KEYS_H
#define ROPE_GGUF_KEYS_H

#include "rope.h"

typedef enum rope_gguf_type {
    ROPE_GGUF_U32,
    ROPE_GGUF_F32,
    ROPE_GGUF_STR
} rope_gguf_type;

/* One row of the map: a key the reader knows, its GGUF type, and whether the writer stores it
 * (legacy keys are read, never written). */
typedef struct rope_gguf_key_info {
    const char    *suffix;   /* after "<arch>.", e.g. "rope.scaling.factor" */
    rope_gguf_type type;
    int            written;  /* 0 = read only (legacy spelling) */
} rope_gguf_key_info;

/* The table: every key the reader knows, in the order the writer stores them. */
const rope_gguf_key_info *rope_gguf_key_table(int *n);

#define ROPE_GGUF_MAX_KV 12

typedef struct rope_gguf_kv {
    const rope_gguf_key_info *info; /* a row of the table */
    double num;                     /* U32, F32 (the value as stored: a float32 for F32) */
    char   str[32];                 /* STR (longer values are cut) */
} rope_gguf_kv;

/* A list of (key, type, value), in table order, each key at most once. */
typedef struct rope_gguf_keys {
    int          n;
    rope_gguf_kv kv[ROPE_GGUF_MAX_KV];
} rope_gguf_keys;

/* The row for a suffix, or NULL. */
const rope_gguf_key_info *rope_gguf_key_find(const char *suffix);

/* Reader side: clears k, then adds one key found in a file (F32 and U32 in num, STR in s). -1 when the
 * suffix is not in the table or the list is full. */
void rope_gguf_keys_init(rope_gguf_keys *k);
int  rope_gguf_keys_add(rope_gguf_keys *k, const char *suffix, double num, const char *s);
const rope_gguf_kv *rope_gguf_keys_get(const rope_gguf_keys *k, const char *suffix);

/* params → keys: freq_base and the scaling keys that describe p. Keys equal to what a reader assumes
 * when they are absent are left out (rope.scaling.type for none, betas 32/1, an attention factor equal to YaRN's own 0.1·ln s + 1,
 * original_context_length for none/linear when it equals implied_orig_ctx, the context length the
 * file declares). -1 with one line for a method GGUF cannot express or a value it cannot hold. */
int rope_gguf_keys_from_params(const rope_params *p, int implied_orig_ctx, rope_gguf_keys *out,
                               rope_error *err);

/* keys → params: p must hold the reader's defaults (rope_params_init, then head_dim, orig_ctx and
 * max_pos from the file's hyperparameters); the keys found override them as llama.cpp reads them
 * (legacy rope.scale_linear when rope.scaling.factor is absent, factor 0 = none, no type = linear when
 * factor > 1). arch names the keys in error messages. -1 with one line on a value ropescope cannot run. */
int rope_gguf_keys_to_params(const rope_gguf_keys *k, const char *arch, rope_params *p, rope_error *err);

#endif
