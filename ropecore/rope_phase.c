/* ropecore/rope_phase.c — the angle of a pair at a position: exact (double) and the error a
 * float32 kernel of the table's flavor makes there. */
#include <math.h>
#include "rope.h"

double rope_phase(const rope_table *t, int i, double pos)
{
    return pos * t->pair[i].theta_scaled;
}

double rope_phase_wrapped(const rope_table *t, int i, double pos)
{
    double a = fmod(rope_phase(t, i, pos), 2.0 * M_PI);
    if (a < 0.0)
        a += 2.0 * M_PI;
    return a;
}

/* HF: freqs = inv_freq(fp32) × position(fp32), one fp32 product.
 * ggml CPU: theta = (float)p, multiplied by theta_scale once per pair up to i (theta_scale from the
 * base in effect), then the pair's factor in fp32 (freq_scale / ramp mix / freq_factor divisor). */
double rope_phase_f32_error(const rope_table *t, int i, double pos)
{
    double exact = rope_phase(t, i, pos);
    float angle;
    if (t->flavor == ROPE_FLAVOR_LLAMACPP) {
        float theta_scale = powf((float)t->base_scaled, -2.0f / (float)t->rot_dim);
        float x = (float)pos;
        for (int j = 0; j < i; j++)
            x *= theta_scale;
        double f = t->pair[i].theta_scaled / pow(t->base_scaled, -2.0 * i / (double)t->rot_dim);
        angle = f == 1.0 ? x : x * (float)f;
    } else {
        angle = (float)pos * t->pair[i].inv_freq_f32;
    }
    return (double)angle - exact;
}
