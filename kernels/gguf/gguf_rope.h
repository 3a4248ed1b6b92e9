/* kernels/gguf/gguf_rope.h — RoPE parameters in and out of a GGUF file's metadata, through the one map
 * in ropecore/config/rope_gguf_keys.h (the same table the GGUF-keys export prints).
 *
 * Contract: keys are "<arch>." + a suffix of the map's table. gguf_get_rope reads every key the map
 * knows (a key of the wrong type is an error) and applies llama.cpp's reading rules on top of the
 * defaults p holds; gguf_set_rope stores every key the map gives for p, or refuses with one line a
 * method GGUF cannot express. Never prints, never exits. */
#ifndef GGUF_ROPE_H
#define GGUF_ROPE_H

#include "gguf.h"
#include "rope_gguf_keys.h"

/* p holds the reader's defaults (head_dim, orig_ctx, max_pos from the hyperparameters). */
int gguf_get_rope(const gguf_file *f, const char *arch, rope_params *p, rope_error *err);
/* implied_orig_ctx: the context length the file declares (what a reader assumes without the key). */
int gguf_set_rope(gguf_file *f, const char *arch, const rope_params *p, int implied_orig_ctx, rope_error *err);

#endif
