/* kernels/kern/kern_rope.h — the one cos/sin cache rule: the per-position cos/sin rows the forward pass
 * (kernels/model) and the trainer (kernels/train) rotate q and k with, built from ropecore's rope_table
 * and nothing else (ropecore is the single source of truth for θ'_i and the magnitude).
 *
 * Contract: rows are [position][n_pairs] floats, row p at cos + p·n_pairs; only rows lo … hi−1 are
 * written. Never allocates, never fails. */
#ifndef KERN_ROPE_H
#define KERN_ROPE_H

#include "rope.h"

typedef enum kern_angles {
    KERN_ANGLES_F64,   /* angle = p·θ'_i in double, m·cos/m·sin in double, rounded to float */
    KERN_ANGLES_F32    /* angle = (float)p · inv_freq_f32 in float, (float)m·cosf, as a float32 kernel does */
} kern_angles;

/* cos[p·n + i] = m·cos(p·θ'_i), sin[p·n + i] = m·sin(p·θ'_i) for p in [lo, hi) and i < n = t->n_pairs,
 * m = t->magnitude. */
void kern_rope_cossin(const rope_table *t, kern_angles angles, int lo, int hi,
                      float *cos_rows /* [hi][n_pairs] */, float *sin_rows /* [hi][n_pairs] */);

#endif
