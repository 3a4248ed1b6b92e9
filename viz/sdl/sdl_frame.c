/* viz/sdl/sdl_frame.c — composes a window frame: title bar, parameter bar (the focused parameter
 * highlighted, unused ones dim), the panels, status and message lines, overlays and the tooltip
 * (see sdl_frame.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "sdl_frame.h"

#define FIG_DOUBLES (160 * 1024)
#define FIG_BYTES   (96 * 1024)

int sdl_frame_init(sdl_frame *fr)
{
    memset(fr, 0, sizeof *fr);
    for (int i = 0; i < PLOT_PANEL_COUNT; i++)
        if (plot_figure_init(&fr->fig[i], FIG_DOUBLES, FIG_BYTES)) {
            sdl_frame_free(fr);
            return -1;
        }
    for (int i = 0; i < PLOT_MAX_PARTS - 1; i++)
        if (plot_figure_init(&fr->part[i], FIG_DOUBLES, FIG_BYTES)) {
            sdl_frame_free(fr);
            return -1;
        }
    return 0;
}

void sdl_frame_free(sdl_frame *fr)
{
    for (int i = 0; i < PLOT_PANEL_COUNT; i++)
        plot_figure_free(&fr->fig[i]);
    for (int i = 0; i < PLOT_MAX_PARTS - 1; i++)
        plot_figure_free(&fr->part[i]);
}

static int draw_params(sdl_canvas *c, int y, const tui_chrome *ch, sdl_frame_hits *hits)
{
    int s = (int)lround(c->scale), lh = c->line_h[SDL_FONT_SANS], x = 8 * s, rows = 1;
    int W = c->surf->w, bh = lh + 4 * s;
    hits->n_params = ch->n_params;
    for (int k = 0; k < ch->n_params; k++) {
        const tui_param_item *it = &ch->params[k];
        int wn = sdl_text_w(c, SDL_FONT_SMALL, it->name), wv = sdl_text_w(c, SDL_FONT_BOLD, it->value);
        int w = wn + wv + 18 * s;
        if (x + w > W - 8 * s && x > 8 * s) {
            x = 8 * s;
            rows++;
        }
        int yy = y + (rows - 1) * (bh + 3 * s);
        SDL_Rect box = { x, yy, w, bh };
        hits->param[k] = box;
        if (it->focused)
            sdl_fill(c, box, sdl_argb(sdl_role_rgb(PLOT_ROLE_ACCENT), 0x50));
        sdl_frame_rect(c, box, 0xFF000000u | (it->focused ? sdl_role_rgb(PLOT_ROLE_ACCENT) : 0x343842u));
        uint32_t tc = sdl_role_rgb(it->unused ? PLOT_ROLE_DIM : PLOT_ROLE_TEXT);
        sdl_text(c, SDL_FONT_SMALL, x + 6 * s, yy + 3 * s, it->name, sdl_role_rgb(PLOT_ROLE_DIM), 0, 0);
        sdl_text(c, SDL_FONT_BOLD, x + 12 * s + wn, yy + 2 * s, it->value, tc, 0, 0);
        x += w + 6 * s;
    }
    return rows * (bh + 3 * s);
}

static void draw_overlay_box(sdl_canvas *c, SDL_Rect *box)
{
    sdl_fill(c, (SDL_Rect){ 0, 0, c->surf->w, c->surf->h }, 0x90000000u);
    sdl_fill(c, *box, 0xFF000000u | 0x23262Eu);
    sdl_frame_rect(c, *box, 0xFF000000u | sdl_role_rgb(PLOT_ROLE_ACCENT));
}

static void draw_help(sdl_canvas *c, const tui_chrome *ch, sdl_frame_hits *hits)
{
    int s = (int)lround(c->scale), lh = c->line_h[SDL_FONT_SANS];
    int W = c->surf->w, H = c->surf->h, bw = W < 760 * s ? W - 40 * s : 720 * s, bh = H - 80 * s;
    SDL_Rect box = { (W - bw) / 2, 40 * s, bw, bh };
    draw_overlay_box(c, &box);
    sdl_text(c, SDL_FONT_BOLD, box.x + 14 * s, box.y + 8 * s, "keys (the same in the terminal) — Esc closes",
             sdl_role_rgb(PLOT_ROLE_ACCENT), 0, 0);
    int rows = (bh - 24 * s - lh) / lh, first = ch->help_scroll;
    hits->help_rows = rows;
    for (int k = 0; k < rows && first + k < ch->n_help; k++) {
        int y = box.y + 16 * s + lh * (k + 1);
        sdl_text(c, SDL_FONT_MONO, box.x + 14 * s, y, ch->help[first + k].keys, sdl_role_rgb(PLOT_ROLE_MARK_CTX), 0, 0);
        sdl_text(c, SDL_FONT_SANS, box.x + 200 * s, y, ch->help[first + k].what, sdl_role_rgb(PLOT_ROLE_TEXT), 0,
                 bw - 214 * s);
    }
    int y = box.y + 16 * s + lh * (rows + 1);
    if (first + rows < ch->n_help + 4) {
        static const char *const mouse[] = {
            "window: drag the β / α lines (ramp), the regime edges and s·L (wavelength)",
            "window: wheel over a plot zooms its x axis; double-click resets; hover shows values",
        };
        for (int k = 0; k < 2 && y + lh < box.y + bh; k++, y += lh)
            sdl_text(c, SDL_FONT_SANS, box.x + 14 * s, y, mouse[k], sdl_role_rgb(PLOT_ROLE_DIM), 0, bw - 28 * s);
    }
}

static void draw_list(sdl_canvas *c, const tui_chrome *ch)
{
    int s = (int)lround(c->scale), lh = c->line_h[SDL_FONT_MONO];
    int W = c->surf->w, H = c->surf->h, bw = W < 860 * s ? W - 40 * s : 820 * s, bh = H - 80 * s;
    SDL_Rect box = { (W - bw) / 2, 40 * s, bw, bh };
    draw_overlay_box(c, &box);
    sdl_text(c, SDL_FONT_BOLD, box.x + 14 * s, box.y + 8 * s, ch->list_title, sdl_role_rgb(PLOT_ROLE_ACCENT), 0, 0);
    int rows = (bh - 24 * s - lh) / lh, first = ch->list_cursor - rows + 1;
    if (first < 0) first = 0;
    for (int k = 0; k < rows && first + k < ch->n_list; k++) {
        int y = box.y + 16 * s + lh * (k + 1), i = first + k;
        if (i == ch->list_cursor)
            sdl_fill(c, (SDL_Rect){ box.x + 8 * s, y, bw - 16 * s, lh }, sdl_argb(sdl_role_rgb(PLOT_ROLE_ACCENT), 0x50));
        sdl_text(c, SDL_FONT_MONO, box.x + 14 * s, y, ch->list[i], sdl_role_rgb(PLOT_ROLE_TEXT), 0, bw - 28 * s);
    }
}

static void draw_tooltip(sdl_canvas *c, const sdl_frame *fr)
{
    int s = (int)lround(c->scale), lh = c->line_h[SDL_FONT_MONO], n = 0, w = 0;
    char lines[12][96];
    const char *p = fr->tooltip;
    while (*p && n < 12) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len >= sizeof lines[0]) len = sizeof lines[0] - 1;
        memcpy(lines[n], p, len);
        lines[n][len] = '\0';
        int lw = sdl_text_w(c, SDL_FONT_MONO, lines[n]);
        if (lw > w) w = lw;
        n++;
        p = e ? e + 1 : p + strlen(p);
    }
    if (!n)
        return;
    SDL_Rect box = { fr->tip_x + 16 * s, fr->tip_y + 16 * s, w + 16 * s, n * lh + 10 * s };
    if (box.x + box.w > c->surf->w) box.x = fr->tip_x - box.w - 8 * s;
    if (box.y + box.h > c->surf->h) box.y = fr->tip_y - box.h - 8 * s;
    sdl_fill(c, box, 0xE8000000u | 0x2A2E38u);
    sdl_frame_rect(c, box, 0xFF000000u | sdl_role_rgb(PLOT_ROLE_ACCENT));
    for (int k = 0; k < n; k++)
        sdl_text(c, SDL_FONT_MONO, box.x + 8 * s, box.y + 5 * s + k * lh, lines[k], sdl_role_rgb(PLOT_ROLE_TEXT), 0, 0);
}

/* The tour's text word-wrapped to width w pixels, at most max lines, drawn downward from y; returns
 * the lines used (with max 0 it only counts). */
static int guide_lines(sdl_canvas *c, int x, int y, int w, const char *text, int max, int lh)
{
    char line[640];
    const char *p = text;
    int k = 0;
    while (*p && k < max) {
        while (*p == ' ')
            p++;
        size_t best = 0, n = 0;
        while (p[n]) {
            size_t e = n;
            while (p[e] && p[e] != ' ')
                e++;
            if (e >= sizeof line)
                break;
            memcpy(line, p, e);
            line[e] = '\0';
            if (sdl_text_w(c, SDL_FONT_SANS, line) > w && best > 0)
                break;
            best = e;
            n = e;
            while (p[n] == ' ')
                n++;
            if (!p[e])
                break;
        }
        if (best == 0)
            best = strlen(p) < sizeof line - 1 ? strlen(p) : sizeof line - 1;
        memcpy(line, p, best);
        line[best] = '\0';
        sdl_text(c, SDL_FONT_SANS, x, y + k * lh, line, sdl_role_rgb(PLOT_ROLE_TEXT), 0, w);
        p += best;
        k++;
    }
    return k;
}

void sdl_frame_render(sdl_frame *fr, sdl_canvas *c, const tui_chrome *ch, const plot_view *v,
                      sdl_frame_hits *hits)
{
    memset(hits, 0, sizeof *hits);
    sdl_unclip(c);
    sdl_clear(c, SDL_BG);
    int s = (int)lround(c->scale), W = c->surf->w, H = c->surf->h;
    int tb = c->line_h[SDL_FONT_BOLD] + 8 * s;
    sdl_fill(c, (SDL_Rect){ 0, 0, W, tb }, 0xFF000000u | 0x262A33u);
    int rw = sdl_text(c, SDL_FONT_SANS, W - 10 * s, 4 * s, ch->title_right, sdl_role_rgb(PLOT_ROLE_DIM), 2, 0);
    sdl_text(c, SDL_FONT_BOLD, 10 * s, 4 * s, ch->title, sdl_role_rgb(PLOT_ROLE_ACCENT), 0, W - rw - 30 * s);
    int top = tb + 4 * s;
    top += draw_params(c, top, ch, hits) + 2 * s;

    int lh = c->line_h[SDL_FONT_SANS], ym = H - lh - 4 * s, ys = ym - lh - 2 * s;
    sdl_fill(c, (SDL_Rect){ 0, ys - 3 * s, W, H - ys + 3 * s }, 0xFF000000u | 0x1F222A);
    sdl_text(c, SDL_FONT_SANS, 10 * s, ys, ch->status, sdl_role_rgb(PLOT_ROLE_TEXT), 0, W - 20 * s);
    if (ch->prompt[0])
        sdl_text(c, SDL_FONT_BOLD, 10 * s, ym, ch->prompt, sdl_role_rgb(PLOT_ROLE_ACCENT), 0, W - 20 * s);
    else if (ch->message[0])
        sdl_text(c, SDL_FONT_BOLD, 10 * s, ym, ch->message,
                 sdl_role_rgb(ch->message_error ? PLOT_ROLE_WARN : PLOT_ROLE_MARK_CTX), 0, W - 20 * s);
    else
        sdl_text(c, SDL_FONT_SANS, 10 * s, ym, ch->hints, sdl_role_rgb(PLOT_ROLE_DIM), 0, W - 20 * s);
    /* the live lint line and the tour's box (tui_screen.c draws the same in the terminal) */
    if (ch->lint[0]) {
        ys -= lh + 2 * s;
        sdl_fill(c, (SDL_Rect){ 0, ys - 3 * s, W, lh + 2 * s }, 0xFF000000u | 0x1F222A);
        sdl_text(c, ch->lint_warn ? SDL_FONT_BOLD : SDL_FONT_SANS, 10 * s, ys, ch->lint,
                 sdl_role_rgb(ch->lint_warn ? PLOT_ROLE_WARN : PLOT_ROLE_DIM), 0, W - 20 * s);
    }
    if (ch->guide_title[0]) {
        ys -= 4 * (lh + 2 * s);
        sdl_fill(c, (SDL_Rect){ 0, ys - 3 * s, W, 4 * (lh + 2 * s) }, 0xFF000000u | 0x262A33u);
        sdl_text(c, SDL_FONT_BOLD, 10 * s, ys, ch->guide_title, sdl_role_rgb(PLOT_ROLE_ACCENT), 0, W - 20 * s);
        guide_lines(c, 24 * s, ys + lh + 2 * s, W - 34 * s, ch->guide, 3, lh + 2 * s);
    }

    SDL_Rect area = { 4 * s, top, W - 8 * s, ys - 6 * s - top }, rect[PLOT_PANEL_COUNT];
    if (area.w < 40 || area.h < 40)
        return;
    hits->shown = sdl_glue_layout(area, c->scale, ch->visible, ch->focus_panel, ch->zoom, rect);
    for (int id = 0; id < PLOT_PANEL_COUNT; id++) {
        if (!(hits->shown & (1u << id)))
            continue;
        SDL_Rect r = { rect[id].x + 2 * s, rect[id].y + 2 * s, rect[id].w - 4 * s, rect[id].h - 4 * s };
        plot_figure *f = &fr->fig[id];
        int parts = plot_panel_parts((plot_panel_id)id, v, ch->zoom);
        if (parts > 1) { /* a zoomed panel with sub-views: all of them, in two columns */
            int rows = (parts + 1) / 2;
            for (int k = 0; k < parts && k < PLOT_MAX_PARTS; k++) {
                int rr = k / 2, cc = k % 2, in_row = rr == rows - 1 ? parts - rr * 2 : 2;
                SDL_Rect q = { r.x + r.w * cc / in_row, r.y + r.h * rr / rows, r.w / in_row, r.h / rows };
                plot_figure *pf = k ? &fr->part[k - 1] : f;
                if (sdl_glue_build_part((plot_panel_id)id, k, v, q, c->scale, pf, &fr->last_error)) {
                    plot_figure_clear(pf);
                    pf->kind = PLOT_KIND_XY;
                    snprintf(pf->note, sizeof pf->note, "%.159s", fr->last_error.msg);
                }
                char tag[8];
                snprintf(tag, sizeof tag, "%d%c", id + 1, 'a' + k);
                sdl_fig_hits spare;
                memset(&spare, 0, sizeof spare);
                sdl_draw_figure(c, pf, q, id == ch->focus_panel, tag, k ? &spare : &hits->fig[id]);
            }
            continue;
        }
        if (sdl_glue_build((plot_panel_id)id, v, r, c->scale, f, &fr->last_error)) {
            plot_figure_clear(f);
            f->kind = PLOT_KIND_XY;
            snprintf(f->note, sizeof f->note, "%.159s", fr->last_error.msg);
        }
        fr->full_lo[id] = f->x.lo;
        fr->full_hi[id] = f->x.hi;
        if (fr->zoomed[id] && f->kind == PLOT_KIND_XY) {
            f->x.lo = fr->x_lo[id];
            f->x.hi = fr->x_hi[id];
        }
        char tag[8];
        snprintf(tag, sizeof tag, "%d", id + 1);
        sdl_draw_figure(c, f, r, id == ch->focus_panel, tag, &hits->fig[id]);
    }
    if (ch->overlay == TUI_OVERLAY_HELP)
        draw_help(c, ch, hits);
    else if (ch->overlay == TUI_OVERLAY_LIST)
        draw_list(c, ch);
    else if (fr->tooltip[0])
        draw_tooltip(c, fr);
}
