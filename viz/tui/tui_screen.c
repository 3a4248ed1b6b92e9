/* viz/tui/tui_screen.c — composes one explorer frame: title bar, parameter bar (focused parameter
 * reversed), panels from the layout, status and message lines, the help and pick-list overlays,
 * and the centred "too small" screen (see tui_screen.h). */
#include <stdio.h>
#include <string.h>
#include "tui_screen.h"

/* pool sizes per figure: score curves are the largest (≤ 4096 points × 2 × ~11 curves) */
#define FIG_DOUBLES (160 * 1024)
#define FIG_BYTES   (96 * 1024)

int tui_screen_init(tui_screen *s, tui_style style)
{
    memset(s, 0, sizeof *s);
    s->style = style;
    for (int i = 0; i < PLOT_PANEL_COUNT; i++)
        if (plot_figure_init(&s->fig[i], FIG_DOUBLES, FIG_BYTES)) {
            tui_screen_free(s);
            return -1;
        }
    for (int i = 0; i < PLOT_MAX_PARTS - 1; i++)
        if (plot_figure_init(&s->part[i], FIG_DOUBLES, FIG_BYTES)) {
            tui_screen_free(s);
            return -1;
        }
    return 0;
}

void tui_screen_free(tui_screen *s)
{
    for (int i = 0; i < PLOT_PANEL_COUNT; i++)
        plot_figure_free(&s->fig[i]);
    for (int i = 0; i < PLOT_MAX_PARTS - 1; i++)
        plot_figure_free(&s->part[i]);
}

void tui_screen_too_small(tui_grid *g, const tui_style *st, const char *note)
{
    char have[64], need[64], line[160];
    const char *x = st->ascii ? "x" : "×";
    snprintf(have, sizeof have, "have %d%s%d,", g->w, x, g->h);
    snprintf(need, sizeof need, "need %d%s%d", TUI_MIN_W, x, TUI_MIN_H);
    snprintf(line, sizeof line, "too small: %s %s", have, need);
    const char *lines[5];
    int n = 0;
    if (tui_text_width(line) <= g->w) {
        lines[n++] = line;
    } else {
        lines[n++] = "too small:";
        lines[n++] = have;
        lines[n++] = need;
    }
    if (g->h > n + 1)
        lines[n++] = "q quits";
    if (note && *note && g->h > n + 1)
        lines[n++] = note;
    uint32_t warn = tui_role_rgb(PLOT_ROLE_WARN);
    int y0 = (g->h - n) / 2;
    for (int i = 0; i < n; i++) {
        int w = tui_text_width(lines[i]);
        int x0 = (g->w - w) / 2;
        if (x0 < 0) x0 = 0;
        int dim = lines[i] == note || !strcmp(lines[i], "q quits");
        tui_text(g, x0, y0 + i, g->w, lines[i], dim ? tui_role_rgb(PLOT_ROLE_DIM) : warn, TUI_DEFAULT, TUI_BOLD);
    }
}

/* The parameter bar: items flow left to right and wrap; returns the rows used. */
static int draw_params(tui_grid *g, int y, const tui_chrome *c, tui_hits *hits)
{
    int x = 1, rows = 1;
    uint32_t text = tui_role_rgb(PLOT_ROLE_TEXT), dim = tui_role_rgb(PLOT_ROLE_AXIS);
    uint32_t acc = tui_role_rgb(PLOT_ROLE_ACCENT);
    hits->n_params = c->n_params;
    for (int i = 0; i < c->n_params; i++) {
        const tui_param_item *p = &c->params[i];
        char item[96];
        snprintf(item, sizeof item, " %s %s ", p->name, p->value);
        int w = tui_text_width(item);
        if (x + w > g->w && x > 1) {
            x = 1;
            rows++;
        }
        int yy = y + rows - 1;
        uint8_t attr = p->focused ? TUI_REVERSE | TUI_BOLD : 0;
        uint32_t fg = p->focused ? acc : p->unused ? dim : text;
        tui_text(g, x, yy, g->w - x, item, fg, TUI_DEFAULT, attr);
        hits->param[i] = (tui_rect){ x, yy, w, 1 };
        x += w + 1;
    }
    return rows;
}

static void draw_help(tui_grid *g, const tui_chrome *c, const tui_style *st, tui_hits *hits)
{
    int kw = 0, ww = 0;
    for (int i = 0; i < c->n_help; i++) {
        int a = tui_text_width(c->help[i].keys), b = tui_text_width(c->help[i].what);
        if (a > kw) kw = a;
        if (b > ww) ww = b;
    }
    int colw = kw + 2 + ww;
    int bw = g->w - 4, bh = g->h - 2;
    int two = c->n_help > bh - 3 && 2 * colw + 7 <= bw;
    int per_col = two ? (c->n_help + 1) / 2 : c->n_help;
    int inner_w = two ? 2 * colw + 3 : colw;
    if (inner_w + 4 < bw) bw = inner_w + 4;
    if (per_col + 3 < bh) bh = per_col + 3;
    tui_rect r = { (g->w - bw) / 2, (g->h - bh) / 2, bw, bh };
    tui_fill(g, r, ' ', TUI_DEFAULT, TUI_DEFAULT, 0);
    tui_draw_frame(g, r, "keys · Esc closes", 1, st);
    tui_rect in = tui_rect_inner(r);
    int rows = in.h - 1;
    hits->help_rows = rows;
    int first = c->help_scroll;
    if (first > per_col - rows) first = per_col - rows;
    if (first < 0) first = 0;
    uint32_t acc = tui_role_rgb(PLOT_ROLE_ACCENT), text = tui_role_rgb(PLOT_ROLE_TEXT);
    for (int col = 0; col < (two ? 2 : 1); col++)
        for (int k = 0; k < rows; k++) {
            int i = col * per_col + first + k;
            if (i >= c->n_help || (two && col == 0 && first + k >= per_col))
                break;
            int x = in.x + 1 + col * (colw + 3);
            tui_text(g, x, in.y + k, kw, c->help[i].keys, acc, TUI_DEFAULT, TUI_BOLD);
            tui_text(g, x + kw + 2, in.y + k, in.x + in.w - (x + kw + 2), c->help[i].what, text, TUI_DEFAULT, 0);
        }
    char foot[96];
    snprintf(foot, sizeof foot, "%d keys%s", c->n_help, per_col > rows ? " · ↑↓ scroll" : "");
    tui_text(g, in.x + 1, in.y + in.h - 1, in.w - 1, foot, tui_role_rgb(PLOT_ROLE_DIM), TUI_DEFAULT, 0);
}

static void draw_list(tui_grid *g, const tui_chrome *c, const tui_style *st)
{
    int w = 0;
    for (int i = 0; i < c->n_list; i++) {
        int k = tui_text_width(c->list[i]);
        if (k > w) w = k;
    }
    int bw = w + 6 < g->w - 4 ? w + 6 : g->w - 4, bh = c->n_list + 3 < g->h - 2 ? c->n_list + 3 : g->h - 2;
    tui_rect r = { (g->w - bw) / 2, (g->h - bh) / 2, bw, bh };
    tui_fill(g, r, ' ', TUI_DEFAULT, TUI_DEFAULT, 0);
    tui_draw_frame(g, r, c->list_title, 1, st);
    tui_rect in = tui_rect_inner(r);
    int rows = in.h - 1, first = c->list_cursor - rows + 1;
    if (first < 0) first = 0;
    for (int k = 0; k < rows && first + k < c->n_list; k++) {
        int i = first + k, cur = i == c->list_cursor;
        if (cur)
            tui_fill(g, (tui_rect){ in.x, in.y + k, in.w, 1 }, ' ', TUI_DEFAULT, TUI_DEFAULT, TUI_REVERSE);
        tui_text(g, in.x + 1, in.y + k, in.w - 1, c->list[i], tui_role_rgb(cur ? PLOT_ROLE_ACCENT : PLOT_ROLE_TEXT),
                 TUI_DEFAULT, cur ? TUI_REVERSE | TUI_BOLD : 0);
    }
    tui_text(g, in.x + 1, in.y + in.h - 1, in.w - 1, c->list_hint ? c->list_hint : "↑↓ choose · Enter loads · Esc closes",
             tui_role_rgb(PLOT_ROLE_DIM), TUI_DEFAULT, 0);
}

/* Draws the status above row `below`; returns its first row. */
static int draw_status(tui_grid *g, int below, const char *status)
{
    uint32_t fg = tui_role_rgb(PLOT_ROLE_TEXT);
    int room = g->w - 2;
    if (tui_text_width(status) <= room) {
        tui_text(g, 1, below - 1, room, status, fg, TUI_DEFAULT, 0);
        return below - 1;
    }
    /* the last separator that keeps the first line within the width */
    const char *split = NULL, *p = status;
    int col = 0;
    while (*p && col <= room) {
        if (!strncmp(p, " · ", strlen(" · ")))
            split = p;
        tui_utf8_next(&p);
        col++;
    }
    if (!split) {
        tui_text(g, 1, below - 1, room, status, fg, TUI_DEFAULT, 0);
        return below - 1;
    }
    char first[512];
    size_t n = (size_t)(split - status) < sizeof first - 1 ? (size_t)(split - status) : sizeof first - 1;
    memcpy(first, status, n);
    first[n] = '\0';
    tui_text(g, 1, below - 2, room, first, fg, TUI_DEFAULT, 0);
    tui_text(g, 1, below - 1, room, split + strlen(" · "), fg, TUI_DEFAULT, 0);
    return below - 2;
}

/* Word-wraps text into at most max lines of width w (UTF-8, one cell per code point); returns how
 * many lines were written into lines[max][n]. The last line ends with "…" when text is cut. */
static int wrap_text(const char *text, int w, int max, char lines[][320])
{
    int k = 0;
    const char *p = text;
    while (*p && k < max) {
        while (*p == ' ')
            p++;
        const char *q = p, *cut = NULL;
        int col = 0;
        while (*q && col < w) {
            if (*q == ' ')
                cut = q;
            tui_utf8_next(&q);
            col++;
        }
        if (!*q)
            cut = q;
        else if (!cut || cut == p)
            cut = q; /* one word longer than the line */
        size_t n = (size_t)(cut - p) < 319 ? (size_t)(cut - p) : 319;
        memcpy(lines[k], p, n);
        lines[k][n] = '\0';
        k++;
        p = cut;
    }
    while (*p == ' ')
        p++;
    if (*p && k > 0) { /* cut short: say so */
        size_t n = strlen(lines[k - 1]);
        while (n > 0 && tui_text_width(lines[k - 1]) > w - 1) {
            do n--; while (n > 0 && ((unsigned char)lines[k - 1][n] & 0xC0) == 0x80);
            lines[k - 1][n] = '\0';
        }
        snprintf(lines[k - 1] + n, 320 - n, "…");
    }
    return k;
}

/* The tour's box (title line + wrapped text) ending above row `below`; returns its first row. */
static int draw_guide(tui_grid *g, int below, const tui_chrome *c, int max_lines)
{
    char lines[4][320];
    if (max_lines > 4) max_lines = 4;
    if (max_lines < 1) return below;
    int n = wrap_text(c->guide, g->w - 4, max_lines, lines);
    int y0 = below - 1 - n;
    uint32_t acc = tui_role_rgb(PLOT_ROLE_ACCENT), text = tui_role_rgb(PLOT_ROLE_TEXT);
    tui_text(g, 1, y0, g->w - 2, c->guide_title, acc, TUI_DEFAULT, TUI_BOLD | TUI_UNDERLINE);
    for (int i = 0; i < n; i++)
        tui_text(g, 3, y0 + 1 + i, g->w - 4, lines[i], text, TUI_DEFAULT, 0);
    return y0;
}

plot_size tui_size_hint(int cols, int rows)
{
    return (plot_size){ .w = cols, .h = rows, .text_w = 1.0, .text_h = 1.0, .dot_w = 0.5, .dot_h = 0.25 };
}

void tui_screen_render(tui_screen *s, tui_grid *g, const tui_chrome *c, const plot_view *v, tui_hits *hits)
{
    const tui_style *st = &s->style;
    memset(hits, 0, sizeof *hits);
    g->ascii = st->ascii;
    tui_grid_clear(g);
    if (g->w < TUI_MIN_W || g->h < TUI_MIN_H) {
        hits->too_small = 1;
        tui_screen_too_small(g, st, c->message);
        return;
    }
    /* title bar */
    uint32_t bar = st->mode == TUI_COLOR_MONO ? TUI_DEFAULT : 0x303030;
    uint8_t bar_attr = st->mode == TUI_COLOR_MONO ? TUI_REVERSE : 0;
    tui_fill(g, (tui_rect){ 0, 0, g->w, 1 }, ' ', tui_role_rgb(PLOT_ROLE_TEXT), bar, bar_attr);
    int rw = tui_text_width(c->title_right);
    tui_text(g, 1, 0, g->w - rw - 3, c->title, tui_role_rgb(PLOT_ROLE_ACCENT), bar, bar_attr | TUI_BOLD);
    tui_text(g, g->w - rw - 1, 0, rw, c->title_right, tui_role_rgb(PLOT_ROLE_DIM), bar, bar_attr);
    int top = 1 + draw_params(g, 1, c, hits);

    /* status (one line, or two split at a " · " when it is too long) and the message line */
    int ym = g->h - 1;
    int ys = draw_status(g, ym, c->status);
    if (c->prompt[0])
        tui_text(g, 1, ym, g->w - 2, c->prompt, tui_role_rgb(PLOT_ROLE_ACCENT), TUI_DEFAULT, TUI_BOLD);
    else if (c->message[0])
        tui_text(g, 1, ym, g->w - 2, c->message, tui_role_rgb(c->message_error ? PLOT_ROLE_WARN : PLOT_ROLE_MARK_CTX),
                 TUI_DEFAULT, TUI_BOLD);
    else
        tui_text(g, 1, ym, g->w - 2, c->hints, tui_role_rgb(PLOT_ROLE_DIM), TUI_DEFAULT, 0);

    /* the live lint line and the tour's box, above the status, while panels keep ≥ 12 rows */
    if (c->lint[0] && ys - top > 13) {
        ys--;
        tui_text(g, 1, ys, g->w - 2, c->lint, tui_role_rgb(c->lint_warn ? PLOT_ROLE_WARN : PLOT_ROLE_DIM),
                 TUI_DEFAULT, c->lint_warn ? TUI_BOLD : 0);
    }
    if (c->guide_title[0]) {
        int room = ys - top - 12 - 1;
        ys = draw_guide(g, ys, c, room < 1 ? 1 : room > 3 ? 3 : room);
    }

    /* panels; when some do not fit, one line says which and how to reach them */
    tui_rect area = { 0, top, g->w, ys - top };
    hits->shown = tui_layout_panels(area, c->visible, c->focus_panel, c->zoom, hits->panel);
    unsigned hidden = c->visible & ~hits->shown;
    if (hidden && area.h > 8) {
        area.h--;
        hits->shown = tui_layout_panels(area, c->visible, c->focus_panel, c->zoom, hits->panel);
        hidden = c->visible & ~hits->shown;
        char line[320];
        int n = snprintf(line, sizeof line, "%s", c->zoom ? "zoomed; also shown:" : "hidden:");
        for (int id = 0; id < PLOT_PANEL_COUNT && n < (int)sizeof line - 40; id++)
            if (hidden & (1u << id))
                n += snprintf(line + n, sizeof line - (size_t)n, " %d %s", id + 1, plot_panel_name((plot_panel_id)id));
        snprintf(line + n, sizeof line - (size_t)n, "%s", c->zoom ? " · z or Esc unzooms"
                 : " · Tab pages to them · z zooms one · digits hide others · a larger terminal shows all");
        tui_text_fit(g, 1, area.y + area.h, g->w - 2, line, tui_role_rgb(PLOT_ROLE_MARK_BETA), TUI_DEFAULT, 0);
    }
    for (int id = 0; id < PLOT_PANEL_COUNT; id++) {
        if (!(hits->shown & (1u << id)))
            continue;
        tui_rect r = hits->panel[id];
        plot_figure *f = &s->fig[id];
        int parts = plot_panel_parts((plot_panel_id)id, v, c->zoom);
        if (parts > 1) { /* a zoomed panel with sub-views: all of them, two columns when wide */
            int cols = r.w >= 2 * TUI_PANEL_MIN_W ? 2 : 1, rows = (parts + cols - 1) / cols;
            for (int k = 0; k < parts && k < PLOT_MAX_PARTS; k++) {
                int rr = k / cols, cc = k % cols, in_row = rr == rows - 1 ? parts - rr * cols : cols;
                int y0 = r.y + r.h * rr / rows, y1 = r.y + r.h * (rr + 1) / rows;
                int x0 = r.x + r.w * cc / in_row, x1 = r.x + r.w * (cc + 1) / in_row;
                tui_rect q = { x0, y0, x1 - x0, y1 - y0 };
                plot_figure *pf = k ? &s->part[k - 1] : f;
                plot_size hint = tui_size_hint(q.w - 2, q.h - 2);
                if (plot_panel_build_part((plot_panel_id)id, k, v, &hint, pf, &s->last_error))
                    pf->kind = PLOT_KIND_XY;
                char tag[8];
                snprintf(tag, sizeof tag, "%d%c", id + 1, 'a' + k);
                tui_draw_figure(g, q, pf, st, id == c->focus_panel, tag);
            }
            continue;
        }
        plot_size hint = tui_size_hint(r.w - 2, r.h - 2);
        if (plot_panel_build((plot_panel_id)id, v, &hint, f, &s->last_error))
            f->kind = PLOT_KIND_XY; /* draws the note (the error) over empty axes */
        char tag[8];
        snprintf(tag, sizeof tag, "%d", id + 1);
        tui_draw_figure(g, r, f, st, id == c->focus_panel, tag);
        if (id == PLOT_PANEL_TABLE) {
            tui_rect in = tui_rect_inner(r);
            hits->table_rows = in.h - 2 > 0 ? in.h - 2 : 0;
        }
    }

    if (c->overlay == TUI_OVERLAY_HELP)
        draw_help(g, c, st, hits);
    else if (c->overlay == TUI_OVERLAY_LIST)
        draw_list(g, c, st);
}
