/* tests/unit/test_viz_panels.c — what each panel's figure says for Llama-2 YaRN 8× (head_dim 128,
 * base 10000, L 4096, s 8), checked against closed forms computed here: λ_i = 2π·b^(2i/d), the
 * correction range d(n) = d·ln(L/(2πn))/(2 ln b) rounded to [20, 46], the paper's ramp in r, the
 * PI and NTK factors, YaRN's magnitude 0.1·ln s + 1, phases p·θ mod 2π. Then a whole frame. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "panel.h"
#include "tui_screen.h"

#define D 128
#define B 10000.0
#define LCTX 4096.0
#define S 8.0

static double lambda_of(int i) { return 2 * M_PI * pow(B, 2.0 * i / D); }
static double theta_of(int i) { return pow(B, -2.0 * i / D); }
static double corr_dim(double n) { return D * log(LCTX / (2 * M_PI * n)) / (2 * log(B)); }

/* the size hint a terminal gives a panel of c × r cells */
static const plot_size *cells(int c, int r)
{
    static plot_size s;
    s = tui_size_hint(c, r);
    return &s;
}

static plot_view *view_llama2(void)
{
    plot_view *v = malloc(sizeof *v);
    rope_params p;
    rope_error e;
    plot_view_init(v);
    rope_params_init(&p);
    p.method = ROPE_YARN;
    p.head_dim = D;
    p.base = B;
    p.orig_ctx = p.max_pos = (int)LCTX;
    p.factor = S;
    CHECK(plot_view_compute(v, &p, &e) == 0);
    return v;
}

static const plot_series *series_named(const plot_figure *f, const char *name)
{
    for (int i = 0; i < f->n_series; i++)
        if (!strcmp(f->series[i].name, name))
            return &f->series[i];
    return NULL;
}

static const plot_marker *marker_labelled(const plot_figure *f, const char *label)
{
    for (int i = 0; i < f->n_markers; i++)
        if (!strcmp(f->markers[i].label, label))
            return &f->markers[i];
    return NULL;
}

static void test_wavelength(const plot_view *v, plot_figure *f)
{
    rope_error e;
    CHECK(plot_panel_build(PLOT_PANEL_WAVELENGTH, v, cells(70, 20), f, &e) == 0);
    const plot_series *l = series_named(f, "λ"), *ls = series_named(f, "λ'");
    CHECK(l && ls);
    if (!l || !ls)
        return;
    CHECK_INT(l->n, D / 2);
    for (int i = 0; i < D / 2; i++)
        CHECK_REL(l->y[i], lambda_of(i), 1e-12);
    CHECK_REL(ls->y[63], lambda_of(63) * S, 1e-12); /* interpolated: λ' = s·λ */
    CHECK_REL(ls->y[0], lambda_of(0), 1e-12);       /* extrapolated: unchanged */
    CHECK(ls->emphasis);
    /* the correction range from the closed form, as Hugging Face rounds it */
    int lo = (int)floor(corr_dim(32.0)), hi = (int)ceil(corr_dim(1.0));
    CHECK_INT(lo, 20);
    CHECK_INT(hi, 46);
    /* γ_i = 1 − clamp((i − lo)/(hi − lo)): extrapolate up to lo, interpolate from hi */
    CHECK_INT(f->n_bands, 3);
    CHECK_NEAR(f->bands[0].x0, -0.5, 0);
    CHECK_NEAR(f->bands[0].x1, lo + 0.5, 0);
    CHECK_NEAR(f->bands[1].x1, hi - 1 + 0.5, 0);
    CHECK_NEAR(f->bands[2].x0, hi - 0.5, 0);
    CHECK_STR(f->bands[0].label, "extrap 0-20");
    CHECK_STR(f->bands[1].label, "blend 21-45");
    CHECK_STR(f->bands[2].label, "interp 46-63");
    const plot_marker *mL = marker_labelled(f, "L=4096"), *msL = marker_labelled(f, "s·L=32768");
    CHECK(mL && mL->horizontal && mL->at == LCTX);
    CHECK(msL && msL->horizontal && msL->at == S * LCTX);
    CHECK(f->y.log && f->y.lo <= lambda_of(0) && f->y.hi >= lambda_of(63) * S);
}

static void test_ramp(const plot_view *v, plot_figure *f)
{
    rope_error e;
    CHECK(plot_panel_build(PLOT_PANEL_RAMP, v, cells(70, 20), f, &e) == 0);
    const plot_series *r = series_named(f, "r"), *paper = series_named(f, "γ(r) paper"), *code = series_named(f, "γ code");
    CHECK(r && paper && code);
    if (!r || !paper || !code)
        return;
    for (int i = 0; i < D / 2; i++) {
        double ri = LCTX / lambda_of(i);
        double gp = ri < 1 ? 0 : ri > 32 ? 1 : (ri - 1) / 31; /* YaRN eq. 18 with α = 1, β = 32 */
        double gc = 1 - fmin(1, fmax(0, (i - 20.0) / 26.0));  /* the code's index ramp */
        CHECK_REL(r->y[i], ri, 1e-12);
        CHECK_NEAR(paper->y[i], gp, 1e-12);
        CHECK_NEAR(code->y[i], gc, 1e-12);
    }
    CHECK(paper->y2 && code->y2 && f->has_y2);
    const plot_marker *lo = marker_labelled(f, "lo 20"), *hi = marker_labelled(f, "hi 46");
    CHECK(lo && !lo->horizontal && lo->at == 20);
    CHECK(hi && !hi->horizontal && hi->at == 46);
    const plot_marker *a = marker_labelled(f, "α=beta_slow 1"), *b = marker_labelled(f, "β=beta_fast 32");
    CHECK(a && a->horizontal && a->at == 1);
    CHECK(b && b->horizontal && b->at == 32);
}

static void test_factor(const plot_view *v, plot_figure *f)
{
    rope_error e;
    CHECK(plot_panel_build(PLOT_PANEL_FACTOR, v, cells(70, 20), f, &e) == 0);
    const plot_series *pi = series_named(f, "linear"), *ntk = series_named(f, "ntk"), *yarn = series_named(f, "yarn");
    CHECK(pi && ntk && yarn);
    if (!pi || !ntk || !yarn)
        return;
    double b2 = B * pow(S, (double)D / (D - 2)); /* NTK-aware base */
    for (int i = 0; i < D / 2; i++) {
        CHECK_REL(pi->y[i], 1 / S, 1e-12);
        CHECK_REL(ntk->y[i], pow(b2, -2.0 * i / D) / theta_of(i), 1e-9);
    }
    CHECK(yarn->emphasis && !pi->emphasis);
    CHECK(series_named(f, "longrope") == NULL); /* no factor lists loaded */
    CHECK(strstr(f->note, "longrope") != NULL);
    /* the story subset: plain, PI, NTK, YaRN, Llama 3 (no bars under the current method) */
    CHECK(series_named(f, "none") && series_named(f, "llama3"));
    CHECK(series_named(f, "dynamic@32768") == NULL && series_named(f, "ntk-parts") == NULL);
    for (int k = 0; k < f->n_series; k++)
        CHECK(f->series[k].style != PLOT_BARS);
}

/* s(Δ)/(d/2) for q = k = 1 by the direct sum (not ropecore's rotation recurrence) */
static double ones_direct(const plot_view *v, double d)
{
    double acc = 0;
    for (int i = 0; i < D / 2; i++)
        acc += cos(d * v->table.pair[i].theta_scaled);
    return v->table.magnitude * v->table.magnitude * acc / (D / 2);
}

static void test_score(plot_view *v, plot_figure *f)
{
    rope_error e;
    CHECK_INT(v->score_log, 1);                 /* the default: a log distance axis */
    v->score_log = 0;                           /* the values below are on the linear grid */
    CHECK(plot_panel_build(PLOT_PANEL_SCORE, v, cells(70, 20), f, &e) == 0);
    const plot_series *y = series_named(f, "yarn"), *none = series_named(f, "none");
    CHECK(y && none);
    if (!y || !none)
        return;
    /* one point per dot column (70 cells × 2), each the mean of 8 samples of a grid of 140·8 points
     * from 0 to 2·s·L: the grid is rebuilt here from that definition */
    int bins = 140, per = PLOT_SCORE_PER_BIN, n = bins * per;
    CHECK_INT(y->n, bins);
    double step = 2 * S * LCTX / (n - 1);
    for (int j = 0; j < bins; j += 23) {
        double sx = 0, sy = 0;
        for (int q = 0; q < per; q++) {
            int k = j * per + q;
            double d = k == n - 1 ? 2 * S * LCTX : k * step;
            sx += d;
            sy += ones_direct(v, d);
        }
        CHECK_REL(y->x[j], sx / per, 1e-12);
        CHECK_NEAR(y->y[j], sy / per, 1e-9);
    }
    /* the smoothing removes the oscillation's streaks: past L the mean stays well inside ±1 */
    for (int j = bins / 2; j < bins; j++)
        CHECK(fabs(y->y[j]) < 0.5);
    CHECK(series_named(f, "yarn rel. bound (RoFormer)") != NULL);
    CHECK(marker_labelled(f, "L=4096") && marker_labelled(f, "s·L=32768"));
    CHECK(f->x.lo == 0 && f->x.hi == 2 * S * LCTX && !f->x.log);
    v->score_log = 1;
    CHECK(plot_panel_build(PLOT_PANEL_SCORE, v, cells(70, 20), f, &e) == 0);
    y = series_named(f, "yarn");
    CHECK(y && f->x.log && f->x.lo == 1 && f->x.hi == 2 * S * LCTX);
    /* the first log bin: Δ from 1 upward by the grid ratio, the mean of 4 direct sums */
    if (y) {
        int nl = bins * PLOT_SCORE_PER_BIN_LOG;
        double sx = 0, sy = 0;
        for (int q = 0; q < PLOT_SCORE_PER_BIN_LOG; q++) {
            double d = pow(2 * S * LCTX, (double)q / (nl - 1));
            sx += log(d);
            sy += ones_direct(v, d);
        }
        CHECK_REL(y->x[0], exp(sx / PLOT_SCORE_PER_BIN_LOG), 1e-12);
        CHECK_NEAR(y->y[0], sy / PLOT_SCORE_PER_BIN_LOG, 1e-9);
    }
}

static void test_phase(plot_view *v, plot_figure *f)
{
    rope_error e;
    v->position = 1000;
    CHECK(plot_panel_build(PLOT_PANEL_CLOCKS, v, cells(70, 20), f, &e) == 0);
    CHECK(f->n_dials >= 2);
    for (int k = 0; k < f->n_dials; k++) {
        const plot_dial *d = &f->dials[k];
        int i = d->pair;
        CHECK_NEAR(d->angle[0], fmod(1000 * theta_of(i), 2 * M_PI), 1e-9);
        CHECK_NEAR(d->angle[1], fmod(1000 * v->table.pair[i].theta_scaled, 2 * M_PI), 1e-9);
        /* λ_i > L ⇔ i > 16·log10(4096/2π) = 45.03 */
        CHECK_INT(d->short_turn, i >= 46);
    }
    v->n_sel = 2;
    v->sel[0] = 45;
    v->sel[1] = 46;
    CHECK(plot_panel_build(PLOT_PANEL_CLOCKS, v, cells(70, 20), f, &e) == 0);
    CHECK_INT(f->n_dials, 2);
    CHECK(!f->dials[0].short_turn && f->dials[1].short_turn);
    v->n_sel = 0;

    CHECK(plot_panel_build(PLOT_PANEL_HEATMAP, v, cells(70, 20), f, &e) == 0);
    CHECK_INT(f->n_heat, 2);
    const plot_heatmap *h = &f->heat[1];
    double P = S * LCTX;
    for (int c = 0; c < h->nx; c += 7) {
        double pos = c * P / (h->nx - 1);
        double want = fmod(pos * v->table.pair[0].theta_scaled, 2 * M_PI);
        CHECK_NEAR(h->v[c], want, 1e-6);
    }
}

/* The same panels from a pixel renderer's hint: 800 × 400 px, 8 × 16 px text, 1 px dots. The counts
 * follow from the hint alone: dials in 12-character × 6-line slots with one line kept for the note,
 * one score point per dot column (the mean of several samples), heatmap cells of 2 × 2 dots. */
static void test_pixel_hint(plot_view *v, plot_figure *f)
{
    rope_error e;
    plot_size px = { .w = 800, .h = 400, .text_w = 8, .text_h = 16, .dot_w = 1, .dot_h = 1 };
    CHECK_INT(plot_size_cols(&px), 100);
    CHECK_INT(plot_size_rows(&px), 25);
    CHECK(plot_panel_build(PLOT_PANEL_CLOCKS, v, &px, f, &e) == 0);
    CHECK_INT(f->n_dials, (800 / 96) * ((400 - 16) / 96));        /* 8 × 4 */
    v->score_log = 0;
    CHECK(plot_panel_build(PLOT_PANEL_SCORE, v, &px, f, &e) == 0);
    const plot_series *y = series_named(f, "yarn");
    CHECK(y && y->n == 800);                                      /* one point per dot column */
    v->score_log = 1;
    px.w = 300;
    CHECK(plot_panel_build(PLOT_PANEL_HEATMAP, v, &px, f, &e) == 0);
    CHECK_INT(f->heat[0].nx, (300 - 12 * 8) / 2 / 2);             /* 51 */
    CHECK_INT(f->heat[0].ny, D / 2);                              /* (400 − 80)/2 = 160 rows, capped at 64 pairs */
}

static void test_table(plot_view *v, plot_figure *f)
{
    rope_error e;
    CHECK(plot_panel_build(PLOT_PANEL_TABLE, v, cells(56, 40), f, &e) == 0);
    plot_table *t = &f->table;
    CHECK_INT(t->n_rows, 64);
    CHECK_STR(plot_table_cell(t, 20, 6), "extrap");
    CHECK_STR(plot_table_cell(t, 21, 6), "blend");
    CHECK_STR(plot_table_cell(t, 45, 6), "blend");
    CHECK_STR(plot_table_cell(t, 46, 6), "interp");
    CHECK_STR(plot_table_cell(t, 0, 1), "6.283");
    CHECK_STR(plot_table_cell(t, 63, 7), "0.125");
    CHECK_NEAR(t->bar[33], 1 - 13.0 / 26.0, 1e-12);
}

/* A whole frame: every panel drawn, the too-small screen below the minimum. */
static void test_frame(plot_view *v)
{
    tui_screen *s = malloc(sizeof *s);
    tui_grid g = { 0 };
    tui_chrome c;
    tui_hits hits;
    memset(&c, 0, sizeof c);
    c.visible = (1u << PLOT_PANEL_COUNT) - 1;
    snprintf(c.status, sizeof c.status, "status");
    CHECK(tui_screen_init(s, (tui_style){ 0, TUI_COLOR_TRUE }) == 0);
    CHECK(tui_grid_resize(&g, 200, 60) == 0);
    tui_screen_render(s, &g, &c, v, &hits);
    CHECK(!hits.too_small);
    CHECK_INT(hits.shown, (1u << PLOT_PANEL_COUNT) - 1);
    char row[1024];
    int found_title = 0;
    for (int y = 0; y < g.h; y++) {
        tui_grid_row(&g, y, row, sizeof row);
        found_title |= strstr(row, "1 wavelength per pair") != NULL;
    }
    CHECK(found_title);
    CHECK(tui_grid_resize(&g, 20, 5) == 0);
    tui_screen_render(s, &g, &c, v, &hits);
    CHECK(hits.too_small);
    char all[512];
    tui_grid_text(&g, all, sizeof all);
    CHECK_HAS(all, "have 20×5,");
    CHECK_HAS(all, "need 80×24");
    CHECK(tui_grid_resize(&g, 79, 24) == 0);
    tui_screen_render(s, &g, &c, v, &hits);
    tui_grid_text(&g, all, sizeof all);
    CHECK_HAS(all, "too small: have 79×24, need 80×24");
    tui_grid_free(&g);
    tui_screen_free(s);
    free(s);
}

/* truncate off: Hugging Face ramps over the raw range, llama.cpp still floors/ceils; the ramp panel
 * then shows llama.cpp's index ramp 1 − clamp((i − 20)/26) next to the current one */
static void test_flavor_ramp(void)
{
    plot_view *v = view_llama2();
    plot_figure f;
    rope_params p = v->params;
    rope_error e;
    p.truncate = 0;
    CHECK(plot_figure_init(&f, 100000, 10000) == 0);
    CHECK(plot_view_compute(v, &p, &e) == 0);
    CHECK(plot_panel_build(PLOT_PANEL_RAMP, v, cells(70, 20), &f, &e) == 0);
    const plot_series *cpp = series_named(&f, "γ llamacpp"), *code = series_named(&f, "γ code");
    CHECK(cpp && code);
    double lo = corr_dim(32.0), hi = corr_dim(1.0);
    for (int i = 0; cpp && code && i < D / 2; i++) {
        CHECK_NEAR(cpp->y[i], 1 - fmin(1, fmax(0, (i - 20.0) / 26.0)), 1e-6);
        CHECK_NEAR(code->y[i], 1 - fmin(1, fmax(0, (i - lo) / (hi - lo))), 1e-12);
    }
    p.truncate = 1; /* same range again: no second ramp */
    CHECK(plot_view_compute(v, &p, &e) == 0);
    CHECK(plot_panel_build(PLOT_PANEL_RAMP, v, cells(70, 20), &f, &e) == 0);
    CHECK(series_named(&f, "γ llamacpp") == NULL);
    plot_figure_free(&f);
    free(v);
}

int main(void)
{
    test_flavor_ramp();
    plot_view *v = view_llama2();
    plot_figure f;
    CHECK(plot_figure_init(&f, 200000, 100000) == 0);
    CHECK_REL(v->table.magnitude, 0.1 * log(S) + 1, 1e-12);
    test_wavelength(v, &f);
    test_ramp(v, &f);
    test_factor(v, &f);
    test_score(v, &f);
    test_phase(v, &f);
    test_pixel_hint(v, &f);
    test_table(v, &f);
    test_frame(v);
    /* a refused parameter leaves the view as it was */
    rope_params bad = v->params;
    rope_error e;
    bad.factor = 0.5;
    CHECK(plot_view_compute(v, &bad, &e) == -1);
    CHECK_HAS(e.msg, "factor");
    CHECK(v->params.factor == S);
    plot_figure_free(&f);
    free(v);
    return check_done("test_viz_panels");
}
