/* viz/tui/tui_draw_table.c — text tables in character cells: a bold header, the rows from the
 * scroll offset, the cursor row reversed, per-row role colour, one column of 8-level bars, and a
 * footer with the visible range and the figure's note. */
#include <stdio.h>
#include <string.h>
#include "tui_draw.h"
#include "tui_glyph.h"

void tui_draw_table(tui_grid *g, tui_rect in, const plot_figure *f, const tui_style *st, int *rows_shown)
{
    const plot_table *t = &f->table;
    uint32_t text = tui_role_rgb(PLOT_ROLE_TEXT), dim = tui_role_rgb(PLOT_ROLE_DIM);
    int body = in.h - 2; /* header and footer */
    if (body < 1) body = in.h - 1;
    if (rows_shown) *rows_shown = body > 0 ? body : 0;
    if (body < 1 || t->n_cols < 1)
        return;
    int first = t->scroll;
    /* the cursor row is always visible, whatever the scroll offset says */
    if (t->cursor >= 0 && t->cursor >= first + body) first = t->cursor - body + 1;
    if (t->cursor >= 0 && t->cursor < first) first = t->cursor;
    if (first > t->n_rows - body) first = t->n_rows - body;
    if (first < 0) first = 0;
    int x = in.x;
    int colx[PLOT_MAX_COLS];
    for (int c = 0; c < t->n_cols; c++) {
        colx[c] = x;
        int w = t->width[c], len = tui_text_width(t->head[c]);
        tui_text(g, t->right[c] ? x + w - len : x, in.y, in.x + in.w - x, t->head[c], text, TUI_DEFAULT,
                 TUI_BOLD | TUI_UNDERLINE);
        x += w + 1;
    }
    for (int k = 0; k < body && first + k < t->n_rows; k++) {
        int row = first + k, y = in.y + 1 + k;
        int cur = row == t->cursor;
        uint8_t attr = cur ? TUI_REVERSE : 0;
        uint32_t role = tui_role_rgb((plot_role)t->row_role[row]);
        if (cur)
            tui_fill(g, (tui_rect){ in.x, y, in.w, 1 }, ' ', text, TUI_DEFAULT, attr);
        for (int c = 0; c < t->n_cols; c++) {
            int w = t->width[c];
            if (colx[c] >= in.x + in.w)
                break;
            int room = in.x + in.w - colx[c];
            if (w > room) w = room;
            if (c == t->bar_col) {
                int e = (int)(t->bar[row] * w * 8 + 0.5);
                for (int i = 0; i < w; i++, e -= 8)
                    tui_put(g, colx[c] + i, y, tui_hbar_glyph(e, st->ascii), role, TUI_DEFAULT, attr);
                continue;
            }
            const char *s = t->cells + ((size_t)row * (size_t)t->n_cols + (size_t)c) * PLOT_CELL;
            int len = tui_text_width(s);
            int xx = t->right[c] && len < w ? colx[c] + w - len : colx[c];
            tui_text(g, xx, y, w, s, c == t->role_col ? role : text, TUI_DEFAULT, attr);
        }
    }
    if (in.h >= 3) {
        char foot[220];
        int last = first + body < t->n_rows ? first + body : t->n_rows;
        snprintf(foot, sizeof foot, "rows %d-%d of %d · %s", first, last - 1, t->n_rows, f->note);
        tui_text(g, in.x, in.y + in.h - 1, in.w, foot, dim, TUI_DEFAULT, 0);
    }
}
