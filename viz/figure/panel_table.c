/* viz/figure/panel_table.c — the scrollable pair table: index, λ, λ', r, γ (number and bar), regime,
 * factor θ'/θ, and a mark where the other flavor's arithmetic gives a different pair. */
#include <math.h>
#include <stdio.h>
#include "panel.h"

static const char *regime_short(rope_regime r)
{
    return r == ROPE_REGIME_EXTRAPOLATE ? "extrap" : r == ROPE_REGIME_BLEND ? "blend" : "interp";
}

int plot_panel_table(const plot_view *v, const plot_size *size, plot_figure *f, rope_error *err)
{
    (void)size;
    enum { C_D, C_LAM, C_LAMS, C_R, C_GAMMA, C_BAR, C_REGIME, C_FACTOR, C_FLAVOR, N_COLS };
    static const char *const head[N_COLS] = { "d", "λ", "λ'", "r", "γ", "", "regime", "θ'/θ", "≠" };
    static const int width[N_COLS] = { 3, 6, 6, 6, 5, 4, 6, 7, 1 };
    static const int right[N_COLS] = { 1, 1, 1, 1, 1, 0, 0, 1, 0 };
    const rope_table *t = &v->table;
    f->kind = PLOT_KIND_TABLE;
    snprintf(f->title, sizeof f->title, "pairs (%d), %s", t->n_pairs, rope_method_get(t->method)->name);
    if (plot_table_init(f, N_COLS, t->n_pairs))
        return rope_fail(err, "pair table: figure pool exhausted");
    plot_table *tb = &f->table;
    for (int c = 0; c < N_COLS; c++) {
        snprintf(tb->head[c], PLOT_CELL, "%s", head[c]);
        tb->width[c] = width[c];
        tb->right[c] = right[c];
    }
    tb->bar_col = C_BAR;
    tb->role_col = C_REGIME;
    int diffs = 0;
    for (int i = 0; i < t->n_pairs; i++) {
        const rope_pair *q = &t->pair[i];
        snprintf(plot_table_cell(tb, i, C_D), PLOT_CELL, "%d", i);
        plot_fmt_num(q->lambda, plot_table_cell(tb, i, C_LAM), PLOT_CELL);
        plot_fmt_num(q->lambda_scaled, plot_table_cell(tb, i, C_LAMS), PLOT_CELL);
        plot_fmt_num(q->r, plot_table_cell(tb, i, C_R), PLOT_CELL);
        snprintf(plot_table_cell(tb, i, C_GAMMA), PLOT_CELL, "%.3f", q->ramp);
        snprintf(plot_table_cell(tb, i, C_REGIME), PLOT_CELL, "%s", regime_short(q->regime));
        snprintf(plot_table_cell(tb, i, C_FACTOR), PLOT_CELL, "%.4g", q->factor);
        int d = plot_view_flavor_differs(v, i);
        diffs += d;
        snprintf(plot_table_cell(tb, i, C_FLAVOR), PLOT_CELL, "%s", d ? "*" : "");
        tb->bar[i] = q->ramp;
        tb->row_role[i] = (unsigned char)(q->regime == ROPE_REGIME_EXTRAPOLATE ? PLOT_ROLE_EXTRAP
                                        : q->regime == ROPE_REGIME_BLEND ? PLOT_ROLE_BLEND : PLOT_ROLE_INTERP);
    }
    tb->cursor = v->cursor;
    tb->scroll = v->scroll;
    snprintf(f->note, sizeof f->note, "≠: %d pair%s differ under %s", diffs, diffs == 1 ? "" : "s",
             rope_flavor_name(v->flavor_alt.flavor));
    return 0;
}
