/* tests/unit/test_viz_plot.c — the figure model: axis mapping against the closed forms of the
 * contract in plot.h, nice ticks, range fitting, number formatting, and the pools' limits. */
#include <math.h>
#include <stdlib.h>
#include "check.h"
#include "plot.h"

static void test_mapping(void)
{
    plot_axis x, y;
    plot_axis_set(&x, 0.0, 63.0, 0, "pair d");
    /* column round(t·(n−1)) */
    CHECK_INT(plot_axis_cell(&x, 20.0, 70), (long long)floor(20.0 / 63.0 * 69.0 + 0.5));
    CHECK_INT(plot_axis_cell(&x, 0.0, 70), 0);
    CHECK_INT(plot_axis_cell(&x, 63.0, 70), 69);
    CHECK_INT(plot_axis_cell(&x, 126.0, 70), 138); /* off the axis: outside [0, n) */
    CHECK_NEAR(plot_axis_frac(&x, 31.5), 0.5, 1e-15);
    plot_axis_set(&y, 1.0, 1e6, 1, "λ");
    double t = log10(4096.0) / 6.0;
    CHECK_NEAR(plot_axis_frac(&y, 4096.0), t, 1e-14);
    CHECK_INT(plot_axis_row(&y, 4096.0, 20), (long long)floor((1.0 - t) * 19.0 + 0.5));
    CHECK_INT(plot_axis_row(&y, 1e6, 20), 0);
    CHECK_INT(plot_axis_row(&y, 1.0, 20), 19);
    CHECK(isnan(plot_axis_frac(&y, 0.0)));
    CHECK(isnan(plot_axis_frac(&y, -3.0)));
    CHECK_INT(plot_axis_cell(&y, -1.0, 10), -1);
}

static void test_ticks(void)
{
    plot_axis a;
    double t[16];
    plot_axis_set(&a, 0.0, 65536.0, 0, "Δ");
    int n = plot_axis_ticks(&a, 8, t);
    CHECK(n >= 2 && n <= 8);
    double step = t[1] - t[0];
    double mag = pow(10.0, floor(log10(step)));
    double m = step / mag;
    CHECK(fabs(m - 1) < 1e-9 || fabs(m - 2) < 1e-9 || fabs(m - 5) < 1e-9);
    CHECK_NEAR(t[0], 0.0, 0.0);
    for (int i = 0; i < n; i++) {
        CHECK(t[i] >= a.lo && t[i] <= a.hi);
        if (i) CHECK_NEAR(t[i] - t[i - 1], step, 1e-9);
    }
    plot_axis_set(&a, 1.0, 1e6, 1, "λ");
    n = plot_axis_ticks(&a, 16, t);
    CHECK_INT(n, 7);
    for (int i = 0; i < n; i++)
        CHECK_REL(t[i], pow(10.0, i), 1e-12);
    n = plot_axis_ticks(&a, 4, t); /* every second decade */
    CHECK(n <= 4 && n >= 3);
    CHECK_REL(t[1], 100.0, 1e-12);
}

static void test_fit(void)
{
    plot_axis a;
    plot_axis_fit(&a, 3.0, 4500.0, 1, "x");
    CHECK_REL(a.lo, 1.0, 1e-12);
    CHECK_REL(a.hi, 1e4, 1e-12);
    plot_axis_fit(&a, 6.283, 6.283e5, 1, "x");
    CHECK_REL(a.lo, 1.0, 1e-12);
    CHECK_REL(a.hi, 1e6, 1e-12);
    plot_axis_fit(&a, 0.3, 9.7, 0, "x");
    CHECK_NEAR(a.lo, 0.0, 1e-12);
    CHECK_NEAR(a.hi, 10.0, 1e-12);
    plot_axis_fit(&a, -0.31, 1.46, 0, "x");
    CHECK(a.lo <= -0.31 && a.hi >= 1.46);
    plot_axis_fit(&a, 2.0, 2.0, 0, "x"); /* degenerate: widened, not NaN */
    CHECK(a.hi > a.lo);
}

static void test_format(void)
{
    char b[32];
    plot_fmt_num(65536, b, sizeof b); CHECK_STR(b, "65.5k");
    plot_fmt_num(4096, b, sizeof b); CHECK_STR(b, "4096");
    plot_fmt_num(0.125, b, sizeof b); CHECK_STR(b, "0.125");
    plot_fmt_num(1.5e6, b, sizeof b); CHECK_STR(b, "1.5M");
    plot_fmt_num(0, b, sizeof b); CHECK_STR(b, "0");
    plot_fmt_num(-20000, b, sizeof b); CHECK_STR(b, "-20k");
    plot_fmt_num(1e-5, b, sizeof b); CHECK_STR(b, "1e-05");
}

static void test_pools(void)
{
    plot_figure f;
    CHECK(plot_figure_init(&f, 100, 64) == 0);
    plot_figure_clear(&f);
    plot_series *s = plot_add_series(&f, "a", PLOT_ROLE_TEXT, PLOT_LINE, 40);
    CHECK(s != NULL && s->n == 40);
    CHECK(plot_add_series(&f, "b", PLOT_ROLE_TEXT, PLOT_LINE, 40) == NULL); /* 80 + 80 > 100 */
    CHECK_INT(f.n_series, 1);
    CHECK(plot_add_series(&f, "c", PLOT_ROLE_TEXT, PLOT_LINE, 10) != NULL); /* the failed add freed its part */
    for (int i = 0; i < PLOT_MAX_MARKERS; i++)
        CHECK(plot_add_vmarker(&f, i, PLOT_ROLE_DIM, "m") == 0);
    CHECK(plot_add_vmarker(&f, 0, PLOT_ROLE_DIM, "m") == -1);
    CHECK(plot_table_init(&f, 3, 100) == -1); /* 3·100·16 bytes do not fit in 64 */
    plot_figure_clear(&f);
    CHECK_INT(f.n_series, 0);
    CHECK_INT(f.n_markers, 0);
    CHECK(plot_add_series(&f, "d", PLOT_ROLE_TEXT, PLOT_LINE, 50) != NULL);
    plot_figure_free(&f);
}

int main(void)
{
    test_mapping();
    test_ticks();
    test_fit();
    test_format();
    test_pools();
    return check_done("test_viz_plot");
}
