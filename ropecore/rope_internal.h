/* ropecore/rope_internal.h — helpers shared between ropecore's own files; not part of the API. */
#ifndef ROPE_INTERNAL_H
#define ROPE_INTERNAL_H

#include "rope.h"

/* Un-scaled float32 inverse frequencies of `base` as the flavor computes them. */
void rope_base_f32(rope_flavor flavor, double base, int rot_dim, int n_pairs, float *out /* [n_pairs] */);

#endif
