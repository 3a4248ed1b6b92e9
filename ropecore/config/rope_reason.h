/* ropecore/config/rope_reason.h — conclusions drawn from a resolved config that both the exports and
 * lint state: the serving context, and the effect of YaRN's truncate. Pure functions of their inputs;
 * no printing, no exit. */
#ifndef ROPE_REASON_H
#define ROPE_REASON_H

#include "rope_config.h"

/* The context a model with this config serves: what export writes as max_position_embeddings,
 * vLLM's --max-model-len and llama.cpp's -c when ctx is 0. max(max_position_embeddings, s·L) for
 * the scaling methods; max_position_embeddings for none and dynamic (HF's dynamic NTK reads it as
 * L), and for linear/ntk configs whose file itself set that factor and gave max_position_embeddings
 * but no original length (such files count the extension in it). */
int rope_config_serving_ctx(const rope_config *c);

/* What rounding the YaRN correction range does to p (truncate: false, as gpt-oss sets, against the
 * floor/ceil that llama.cpp and older vLLM always apply): the first and last pair whose θ' changes
 * and the largest relative change. *first = -1 when nothing changes or p is not YaRN-family;
 * -1 if the tables cannot be computed. */
int rope_config_truncate_effect(const rope_params *p, int *first, int *last, double *max_rel);

/* v rounded to whole tokens and clamped to [1, 2^30] (NaN gives 1). */
int rope_tokens_clamp(double v);

#endif
