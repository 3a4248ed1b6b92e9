/* ropecore/config/rope_parity.h — `parity`: one config as each engine runs it (transformers, llama.cpp,
 * vLLM) side by side, with every disagreement and its cause in one line.
 *
 * Contract: rope_engine_params() is each engine's key mapping — which keys of the config.json it reads,
 * which it ignores and what it runs — as rope_params for that engine's flavor (ropecore computes every
 * frequency). rope_parity_check() evaluates all three at the served length (vLLM's max_model_len,
 * llama.cpp's -c) and, where an engine depends on the current length (transformers' dynamic NTK and
 * LongRoPE), also at a prompt no longer than L. vLLM follows the newest rotary-embedding code read
 * (YaRNScalingRotaryEmbedding with attention_factor, mscale, mscale_all_dim and truncate); what older
 * releases did is kept as dated notes. vLLM code read (vllm/model_executor/layers/rotary_embedding/):
 * __init__.py get_rope (07b12f1b), yarn_scaling_rope.py (0cd57848), deepseek_scaling_rope.py (00d678e1),
 * dynamic_ntk_scaling_rope.py (3cfbaf33, and the max_trained_positions version its tests describe),
 * phi3_long_rope_scaled_rope.py (17d618b0), llama3_rope.py (045d7575); llama.cpp and transformers as in
 * shared/reference/rope-methods.md. Pure functions of their inputs: no printing, no exit; errors are
 * -1 plus one rope_error line (bad config: contradictory keys). */
#ifndef ROPE_PARITY_H
#define ROPE_PARITY_H

#include "rope_config.h"

#define ROPE_PARITY_MAX_LINES 16
#define ROPE_PARITY_REL_TOL   1e-6   /* inv_freq agree within this relative difference */
#define ROPE_PARITY_MAG_TOL   1e-9   /* magnitudes and logit multipliers agree within this */

typedef struct rope_engine {
    rope_flavor flavor;
    int    ok;                /* 0: the engine refuses the config (error says why) */
    char   error[ROPE_ERR_LEN];
    char   runs[64];          /* what it runs: vLLM class (YaRNScaling...), llama.cpp path, HF rope_type */
    rope_params params;       /* after the engine's key mapping, at the served length */
    rope_table  table;        /* at the served length */
    int    length_dependent;  /* the engine's table changes with the current length (HF dynamic, LongRoPE) */
    rope_table  table_short;  /* at the short prompt (equal to table unless length_dependent) */
    double softmax_mult;      /* extra multiplier on q.k from the softmax scale (DeepSeek: mscale_all_dim^2) */
    double logit_mult;        /* magnitude^2 x softmax_mult at the served length */
    char   keys_read[240];    /* config keys the engine reads, comma-separated */
    char   keys_ignored[240]; /* keys present in the file that it ignores */
} rope_engine;

typedef enum rope_parity_what {
    ROPE_DIFF_REFUSED,        /* the engine does not load the config */
    ROPE_DIFF_INV_FREQ,       /* per-pair frequencies differ beyond ROPE_PARITY_REL_TOL */
    ROPE_DIFF_MAGNITUDE,      /* cos/sin magnitude differs */
    ROPE_DIFF_SOFTMAX         /* the softmax-scale multiplier differs */
} rope_parity_what;

typedef struct rope_parity_diff {
    rope_flavor engine, ref;  /* engine compared with ref (transformers) */
    rope_parity_what what;
    int    at_short;          /* found at the short prompt, not at the served length */
    int    pair;              /* INV_FREQ: where the largest relative difference is */
    double max_rel;           /* INV_FREQ: that difference */
    double value, ref_value;  /* MAGNITUDE / SOFTMAX: the engine's and the reference's */
    char   line[480];         /* "vllm != hf: magnitude 1.0000 vs 1.3689: <cause>" */
} rope_parity_diff;

typedef struct rope_parity {
    int    served;            /* served length: vLLM max_model_len, llama.cpp -c, HF's longest sequence */
    int    prompt;            /* the short prompt (min(L, served)) for length-dependent engines */
    rope_engine eng[ROPE_FLAVOR_COUNT]; /* indexed by rope_flavor */
    int    agree;             /* no diff: every inv_freq within 1e-6 relative and equal magnitudes */
    int    n_diffs;
    rope_parity_diff diff[ROPE_PARITY_MAX_LINES];
    int    n_notes;           /* dated notes on older releases, and what ropescope does not model */
    char   note[ROPE_PARITY_MAX_LINES][320];
} rope_parity;

/* The length parity serves: vLLM's derived max_model_len for dynamic NTK (max_position_embeddings x
 * factor), rope_config_serving_ctx otherwise. */
int rope_parity_served(const rope_config *c);

/* Engine f's key mapping of c at the served length; runs (may be NULL) gets what it runs. -1 with a
 * message when the engine refuses the config. */
int rope_engine_params(const rope_config *c, rope_flavor f, int served, rope_params *out, char *runs,
                       size_t runs_n, rope_error *err);

/* Fills *out (large: allocate it). served 0 = rope_parity_served(c). -1 when the config is
 * contradictory (rope_type vs type, two original lengths, two rope_theta values). */
int rope_parity_check(const rope_config *c, int served, rope_parity *out, rope_error *err);

/* The largest relative inv_freq difference of engine f from transformers and its pair, at the served
 * length (at_short 0) or the short prompt (1); 0 and pair 0 when either engine refused. */
void rope_parity_max_rel(const rope_parity *pr, rope_flavor f, int at_short, double *rel, int *pair);

/* A status line: "engines agree" or the first disagreement ("vllm != hf: magnitude 1.28 vs 1.00"). */
void rope_parity_status(const rope_parity *pr, char *buf, size_t n);

#endif
