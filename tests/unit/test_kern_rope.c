/* tests/unit/test_kern_rope.c — the one cos/sin cache rule (kern_rope.h) against closed forms: plain RoPE
 * rows are cos/sin(p·b^(−2i/d)), YaRN rows carry the magnitude 0.1·ln s + 1, the float32 path is what a
 * float32 kernel computes from the table's inv_freq_f32, and only the requested rows are written. */
#include <math.h>
#include <string.h>
#include "check.h"
#include "kern_rope.h"

enum { D = 16, NP = D / 2, ROWS = 40 };

static void test_plain(void)
{
    rope_params p;
    rope_params_init(&p);
    p.head_dim = D;
    static rope_table t;
    rope_error err;
    CHECK_INT(rope_table_compute(&p, &t, &err), 0);
    static float cs[ROWS * NP], sn[ROWS * NP];
    for (int k = 0; k < ROWS * NP; k++) cs[k] = sn[k] = -7.0f;
    kern_rope_cossin(&t, KERN_ANGLES_F64, 3, 30, cs, sn);
    double worst = 0;
    int untouched = 1;
    for (int q = 0; q < ROWS; q++)
        for (int i = 0; i < NP; i++) {
            float c = cs[q * NP + i], s = sn[q * NP + i];
            if (q < 3 || q >= 30) { untouched &= c == -7.0f && s == -7.0f; continue; }
            double a = q * pow(10000.0, -2.0 * i / D);
            worst = fmax(worst, fmax(fabs(c - cos(a)), fabs(s - sin(a))));
        }
    CHECK(untouched);
    CHECK(worst < 1e-7);
    /* float32 angles: (float)p · inv_freq_f32 in float */
    kern_rope_cossin(&t, KERN_ANGLES_F32, 0, ROWS, cs, sn);
    int same = 1;
    for (int q = 0; q < ROWS; q++)
        for (int i = 0; i < NP; i++) {
            float a = (float)q * t.pair[i].inv_freq_f32;
            same &= cs[q * NP + i] == cosf(a) && sn[q * NP + i] == sinf(a);
        }
    CHECK(same);
}

static void test_yarn_magnitude(void)
{
    rope_params p;
    rope_params_init(&p);
    p.head_dim = D;
    p.method = ROPE_YARN;
    p.factor = 4;
    static rope_table t;
    rope_error err;
    CHECK_INT(rope_table_compute(&p, &t, &err), 0);
    static float cs[ROWS * NP], sn[ROWS * NP];
    kern_rope_cossin(&t, KERN_ANGLES_F64, 0, ROWS, cs, sn);
    double m = 0.1 * log(4.0) + 1.0;
    double worst = 0;
    for (int q = 0; q < ROWS; q++)
        for (int i = 0; i < NP; i++) {
            double r = hypot(cs[q * NP + i], sn[q * NP + i]);
            worst = fmax(worst, fabs(r - m));
        }
    CHECK(worst < 1e-6);
    CHECK_NEAR(cs[0], m, 1e-7);                 /* position 0: angle 0 */
}

int main(void)
{
    test_plain();
    test_yarn_magnitude();
    return check_done("test_kern_rope");
}
