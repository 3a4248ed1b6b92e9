/* viz/tui/tui_draw_dials.c — phase dials in character cells: a braille circle per pair in its regime
 * colour, the original hand (dotted, shorter) and the scaled hand (solid, bold), the pair's label and a
 * mark for pairs that do not complete one turn within L. */
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include "tui_canvas.h"
#include "tui_draw.h"

#define FACE_COLS (PLOT_DIAL_COLS - 2)
#define FACE_ROWS (PLOT_DIAL_ROWS - 1)

static void hand(tui_canvas *cv, double cx, double cy, double len, double angle, int role, int bold)
{
    int x1 = (int)floor(cx + len * sin(angle) + 0.5), y1 = (int)floor(cy - len * cos(angle) + 0.5);
    tui_canvas_line(cv, (int)floor(cx + 0.5), (int)floor(cy + 0.5), x1, y1, role, bold);
}

/* The original hand: dotted (every other dot) and shorter, so it differs from the solid scaled
 * hand by shape in every colour mode, not by boldness alone. */
static void hand_dotted(tui_canvas *cv, double cx, double cy, double len, double angle, int role)
{
    int x0 = (int)floor(cx + 0.5), y0 = (int)floor(cy + 0.5);
    int x1 = (int)floor(cx + len * sin(angle) + 0.5), y1 = (int)floor(cy - len * cos(angle) + 0.5);
    int n = abs(x1 - x0) > abs(y1 - y0) ? abs(x1 - x0) : abs(y1 - y0);
    for (int k = 0; k <= n; k += 2) {
        double t = n ? (double)k / n : 0.0;
        tui_canvas_dot(cv, (int)floor(x0 + t * (x1 - x0) + 0.5), (int)floor(y0 + t * (y1 - y0) + 0.5), role, 0);
    }
    tui_canvas_dot(cv, x1, y1, role, 0);
}

static void draw_dial(tui_grid *g, int x, int y, const plot_dial *d, const tui_style *st)
{
    tui_canvas cv;
    if (tui_canvas_init(&cv, FACE_COLS, FACE_ROWS))
        return;
    double cx = (2 * FACE_COLS - 1) / 2.0, cy = (4 * FACE_ROWS - 1) / 2.0;
    double R = fmin(cx, cy);
    for (int k = 0; k < 72; k++) {
        double a = 2 * M_PI * k / 72;
        tui_canvas_dot(&cv, (int)floor(cx + R * sin(a) + 0.5), (int)floor(cy - R * cos(a) + 0.5), d->role, 0);
    }
    hand_dotted(&cv, cx, cy, 0.7 * R, d->angle[0], PLOT_ROLE_ORIG);
    hand(&cv, cx, cy, 0.95 * R, d->angle[1], PLOT_ROLE_SCALED, 1);
    for (int r = 0; r < FACE_ROWS; r++)
        for (int c = 0; c < FACE_COLS; c++) {
            uint32_t ch = tui_canvas_glyph(&cv, c, r, st->ascii);
            if (!ch)
                continue;
            size_t k = (size_t)r * FACE_COLS + (size_t)c;
            tui_put(g, x + c, y + r, ch, tui_role_rgb((plot_role)cv.role[k]), TUI_DEFAULT,
                    cv.bold[k] ? TUI_BOLD : 0);
        }
    tui_canvas_free(&cv);
    char label[PLOT_LABEL + 8];
    snprintf(label, sizeof label, "%s%s", d->label, d->short_turn ? " ◌" : "");
    int w = tui_text_width(label);
    if (w > PLOT_DIAL_COLS) w = PLOT_DIAL_COLS;
    tui_text(g, x + (FACE_COLS - w) / 2, y + FACE_ROWS, w, label, tui_role_rgb(d->role), TUI_DEFAULT,
             d->short_turn ? TUI_BOLD : 0);
}

void tui_draw_dials(tui_grid *g, tui_rect in, const plot_figure *f, const tui_style *st)
{
    int note = f->note[0] && in.h > PLOT_DIAL_ROWS;
    int per_row = in.w / PLOT_DIAL_COLS, rows = (in.h - note) / PLOT_DIAL_ROWS;
    if (per_row < 1 || rows < 1)
        return;
    int n = f->n_dials < per_row * rows ? f->n_dials : per_row * rows;
    int used_rows = (n + per_row - 1) / per_row;
    int cols_used = n < per_row ? n : per_row;
    int x0 = in.x + (in.w - cols_used * PLOT_DIAL_COLS) / 2 + 1;
    int y0 = in.y + (in.h - note - used_rows * PLOT_DIAL_ROWS) / 2;
    for (int k = 0; k < n; k++)
        draw_dial(g, x0 + (k % per_row) * PLOT_DIAL_COLS, y0 + (k / per_row) * PLOT_DIAL_ROWS, &f->dials[k], st);
    if (note)
        tui_text_fit(g, in.x, in.y + in.h - 1, in.w, f->note, tui_role_rgb(PLOT_ROLE_DIM), TUI_DEFAULT, 0);
}
