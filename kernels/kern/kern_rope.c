/* kernels/kern/kern_rope.c — builds cos/sin cache rows from a rope_table (kern_rope.h), in double or as a
 * float32 kernel computes them. */
#include <math.h>
#include <stddef.h>
#include "kern_rope.h"

void kern_rope_cossin(const rope_table *t, kern_angles angles, int lo, int hi, float *cos_rows, float *sin_rows)
{
    int np = t->n_pairs;
    double mag = t->magnitude;
    for (int p = lo; p < hi; p++) {
        float *cs = cos_rows + (size_t)p * np, *sn = sin_rows + (size_t)p * np;
        if (angles == KERN_ANGLES_F32) {
            float fp = (float)p, fm = (float)mag;
            for (int i = 0; i < np; i++) {
                float a = fp * t->pair[i].inv_freq_f32;
                cs[i] = fm * cosf(a);
                sn[i] = fm * sinf(a);
            }
        } else {
            for (int i = 0; i < np; i++) {
                double a = (double)p * t->pair[i].theta_scaled;
                cs[i] = (float)(mag * cos(a));
                sn[i] = (float)(mag * sin(a));
            }
        }
    }
}
