/* viz/sdl/sdl_plot.c — the pixel renderer of a plot_figure: XY plots, heatmaps, dials and tables.
 * The axis mapping is plot.h's (plot_axis_cell / plot_axis_row over the plot area's pixels). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "sdl_plot.h"
#include "tui_color.h"

uint32_t sdl_role_rgb(plot_role r)
{
    return tui_role_rgb(r) & 0xFFFFFF;
}

int sdl_axis_x(const plot_axis *a, double v, SDL_Rect area)
{
    int c = plot_axis_cell(a, v, area.w);
    return c == -1 && !isfinite(plot_axis_frac(a, v)) ? -1 : area.x + c;
}

int sdl_axis_y(const plot_axis *a, double v, SDL_Rect area)
{
    int r = plot_axis_row(a, v, area.h);
    return r == -1 && !isfinite(plot_axis_frac(a, v)) ? -1 : area.y + r;
}

static double axis_from_frac(const plot_axis *a, double t)
{
    if (a->log) {
        if (!(a->lo > 0) || !(a->hi > 0))
            return NAN;
        double l0 = log10(a->lo), l1 = log10(a->hi);
        return pow(10.0, l0 + t * (l1 - l0));
    }
    return a->lo + t * (a->hi - a->lo);
}

double sdl_axis_value_x(const plot_axis *a, int px, SDL_Rect area)
{
    if (area.w < 2)
        return NAN;
    return axis_from_frac(a, (double)(px - area.x) / (area.w - 1));
}

double sdl_axis_value_y(const plot_axis *a, int py, SDL_Rect area)
{
    if (area.h < 2)
        return NAN;
    return axis_from_frac(a, 1.0 - (double)(py - area.y) / (area.h - 1));
}

/* sub-pixel position (for curves): the same mapping without rounding, at the pixel centre */
static double fx(const plot_axis *a, double v, SDL_Rect A) { return A.x + plot_axis_frac(a, v) * (A.w - 1) + 0.5; }
static double fy(const plot_axis *a, double v, SDL_Rect A) { return A.y + (1.0 - plot_axis_frac(a, v)) * (A.h - 1) + 0.5; }

#define CYC_LUT 1024

uint32_t sdl_colormap(double t, int cyclic)
{
    if (cyclic) { /* the terminal's colour wheel, tabulated once (a heatmap asks per pixel) */
        static uint32_t lut[CYC_LUT];
        static int ready;
        if (!ready) {
            for (int i = 0; i < CYC_LUT; i++)
                lut[i] = tui_cyclic_rgb((double)i / CYC_LUT) & 0xFFFFFF;
            ready = 1;
        }
        t -= floor(t);
        int i = (int)(t * CYC_LUT + 0.5);
        return lut[i >= CYC_LUT ? i - CYC_LUT : i];
    }
    /* sequential: five anchors, linear in RGB between them */
    static const uint32_t anchor[5] = { 0x440154, 0x3B528B, 0x21918C, 0x5EC962, 0xFDE725 };
    if (!(t > 0)) t = 0;
    if (t > 1) t = 1;
    double s = t * 4;
    int i = (int)s;
    if (i > 3) i = 3;
    double u = s - i;
    uint32_t a = anchor[i], b = anchor[i + 1], out = 0;
    for (int sh = 0; sh <= 16; sh += 8) {
        double ca = (a >> sh) & 0xFF, cb = (b >> sh) & 0xFF;
        out |= (uint32_t)lround(ca + u * (cb - ca)) << sh;
    }
    return out;
}

/* --- chrome of a panel ---------------------------------------------------------------------------- */

static SDL_Rect panel_frame(sdl_canvas *c, const plot_figure *f, SDL_Rect r, int focused, const char *tag)
{
    int s = (int)lround(c->scale), lh = c->line_h[SDL_FONT_BOLD];
    sdl_fill(c, r, 0xFF000000u | SDL_PANEL_BG);
    sdl_frame_rect(c, r, 0xFF000000u | (focused ? sdl_role_rgb(PLOT_ROLE_ACCENT) : 0x343842u));
    int pad = 6 * s;
    int tw = tag && *tag ? sdl_text(c, SDL_FONT_SMALL, r.x + pad, r.y + 3 * s, tag, sdl_role_rgb(PLOT_ROLE_DIM), 0, 0) + 6 * s : 0;
    sdl_text(c, SDL_FONT_BOLD, r.x + pad + tw, r.y + 2 * s, f->title,
             sdl_role_rgb(focused ? PLOT_ROLE_ACCENT : PLOT_ROLE_TEXT), 0, r.w - 2 * pad - tw);
    SDL_Rect in = { r.x + pad, r.y + lh + 4 * s, r.w - 2 * pad, r.h - lh - 6 * s };
    if (f->note[0]) {
        int nh = c->line_h[SDL_FONT_SMALL];
        sdl_text(c, SDL_FONT_SMALL, in.x, r.y + r.h - nh - 2 * s, f->note, sdl_role_rgb(PLOT_ROLE_DIM), 0, in.w);
        in.h -= nh;
    }
    return in;
}

/* --- XY ------------------------------------------------------------------------------------------- */

static void legend(sdl_canvas *c, const plot_figure *f, SDL_Rect in)
{
    int s = (int)lround(c->scale), x = in.x + in.w, y = in.y;
    for (int i = f->n_series - 1; i >= 0; i--) {
        const plot_series *se = &f->series[i];
        if (!se->legend && !(se->name[0] && f->n_series <= 6))
            continue;
        if (!se->name[0])
            continue;
        int w = sdl_text_w(c, SDL_FONT_SMALL, se->name);
        if (x - w - 22 * s < in.x + in.w / 3)
            break;
        x -= w;
        sdl_text(c, SDL_FONT_SMALL, x, y, se->name, sdl_role_rgb(PLOT_ROLE_TEXT), 0, 0);
        double ly = y + c->line_h[SDL_FONT_SMALL] / 2.0;
        sdl_line(c, x - 16 * s, ly, x - 4 * s, ly, se->emphasis ? 2.5 * s : 1.5 * s, 0xFF000000u | sdl_role_rgb(se->role));
        x -= 24 * s;
    }
}

static void draw_series(sdl_canvas *c, const plot_figure *f, const plot_series *se, SDL_Rect A)
{
    const plot_axis *ya = se->y2 ? &f->y2 : &f->y;
    uint32_t col = 0xFF000000u | sdl_role_rgb(se->role);
    double w = (se->emphasis ? 2.4 : 1.4) * c->scale;
    double half = se->n > 1 ? 0.5 * fabs(fx(&f->x, se->x[1], A) - fx(&f->x, se->x[0], A)) : 2.0;
    double bottom = A.y + A.h;
    double px0 = NAN, py0 = NAN;
    for (int i = 0; i < se->n; i++) {
        double x = fx(&f->x, se->x[i], A), y = fy(ya, se->y[i], A);
        if (!isfinite(se->y[i]) || !isfinite(x) || !isfinite(y)) {
            px0 = py0 = NAN;
            continue;
        }
        if (y < A.y - 4.0 * A.h) y = A.y - 4.0 * A.h;   /* far off the axis: keep the numbers sane */
        if (y > A.y + 5.0 * A.h) y = A.y + 5.0 * A.h;
        switch (se->style) {
        case PLOT_LINE:
            if (isfinite(px0))
                sdl_line(c, px0, py0, x, y, w, col);
            else if (se->n == 1)
                sdl_disc(c, x, y, w, col);
            break;
        case PLOT_POINTS:
            sdl_disc(c, x, y, 1.6 * c->scale, col);
            break;
        case PLOT_STEPS:
            if (isfinite(px0))
                sdl_line(c, x - half, py0, x - half, y, w, col);
            sdl_line(c, x - half, y, x + half, y, w, col);
            break;
        case PLOT_BARS: {
            int x0 = (int)floor(x - half), x1 = (int)floor(x + half);
            if (x1 <= x0) x1 = x0 + 1;
            sdl_fill(c, (SDL_Rect){ x0, (int)floor(y), x1 - x0, (int)(bottom - floor(y)) }, sdl_argb(col, 0x48));
            break;
        }
        }
        px0 = x;
        py0 = y;
    }
}

static void ticks(sdl_canvas *c, const plot_axis *a, SDL_Rect A, int which)
{ /* which: 0 x (below), 1 y (left), 2 y2 (right) */
    double t[12];
    int n = plot_axis_ticks(a, 12, t), s = (int)lround(c->scale);
    uint32_t dim = sdl_role_rgb(PLOT_ROLE_DIM);
    int lastx = -100000;
    for (int i = 0; i < n; i++) {
        char buf[32];
        plot_fmt_num(t[i], buf, sizeof buf);
        if (which == 0) {
            int x = sdl_axis_x(a, t[i], A), w = sdl_text_w(c, SDL_FONT_SMALL, buf);
            sdl_vline(c, x, A.y + A.h, A.y + A.h + 3 * s, 0xFF000000u | dim);
            if (x - w / 2 > lastx + 6 * s) {
                sdl_text(c, SDL_FONT_SMALL, x, A.y + A.h + 4 * s, buf, dim, 1, 0);
                lastx = x + w / 2;
            }
        } else {
            int y = sdl_axis_y(a, t[i], A);
            if (which == 1)
                sdl_hline(c, A.x, A.x + A.w - 1, y, 0x1CFFFFFFu);
            int x = which == 1 ? A.x - 5 * s : A.x + A.w + 5 * s;
            sdl_hline(c, which == 1 ? A.x - 3 * s : A.x + A.w, which == 1 ? A.x - 1 : A.x + A.w + 2 * s, y,
                      0xFF000000u | dim);
            sdl_text(c, SDL_FONT_SMALL, x, y - c->line_h[SDL_FONT_SMALL] / 2, buf, dim, which == 1 ? 2 : 0, 0);
        }
    }
}

static void draw_xy(sdl_canvas *c, const plot_figure *f, SDL_Rect in, sdl_fig_hits *hits)
{
    int s = (int)lround(c->scale), lh = c->line_h[SDL_FONT_SMALL];
    legend(c, f, in);
    SDL_Rect A = { in.x + 48 * s, in.y + lh + 2 * s, in.w - 48 * s - (f->has_y2 ? 40 : 8) * s, in.h - 2 * lh - 8 * s };
    if (A.w < 8 || A.h < 8)
        return;
    hits->area = A;
    /* bands: translucent fills, [col(x0), col(x1)) */
    for (int i = 0; i < f->n_bands; i++) {
        const plot_band *b = &f->bands[i];
        int x0 = sdl_axis_x(&f->x, b->x0, A), x1 = sdl_axis_x(&f->x, b->x1, A);
        if (x0 < A.x) x0 = A.x;
        if (x1 > A.x + A.w) x1 = A.x + A.w;
        if (x1 > x0) {
            sdl_fill(c, (SDL_Rect){ x0, A.y, x1 - x0, A.h }, sdl_argb(sdl_role_rgb(b->role), 0x30));
            int w = sdl_text_w(c, SDL_FONT_SMALL, b->label);
            if (w + 4 * s < x1 - x0)
                sdl_text(c, SDL_FONT_SMALL, (x0 + x1) / 2, A.y + A.h - lh - 2 * s, b->label, sdl_role_rgb(b->role), 1, 0);
        }
    }
    ticks(c, &f->x, A, 0);
    ticks(c, &f->y, A, 1);
    if (f->has_y2)
        ticks(c, &f->y2, A, 2);
    sdl_frame_rect(c, (SDL_Rect){ A.x - 1, A.y - 1, A.w + 2, A.h + 2 }, 0xFF000000u | 0x4A4F5Au);
    sdl_text(c, SDL_FONT_SMALL, A.x + A.w, A.y + A.h + 4 * s + lh, f->x.label, sdl_role_rgb(PLOT_ROLE_DIM), 2, 0);
    sdl_text(c, SDL_FONT_SMALL, in.x, in.y, f->y.label, sdl_role_rgb(PLOT_ROLE_DIM), 0, 0);
    if (f->has_y2)
        sdl_text(c, SDL_FONT_SMALL, A.x + A.w + 6 * s, in.y, f->y2.label, sdl_role_rgb(PLOT_ROLE_DIM), 0, 0);

    sdl_clip(c, A);
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < f->n_series; i++)
            if (f->series[i].emphasis == pass)
                draw_series(c, f, &f->series[i], A);
    /* markers: crisp one-pixel lines in their exact column / row, labels at the top / right */
    for (int i = 0; i < f->n_markers; i++) {
        const plot_marker *m = &f->markers[i];
        uint32_t col = sdl_role_rgb(m->role);
        if (m->horizontal) {
            int y = sdl_axis_y(m->y2 ? &f->y2 : &f->y, m->at, A);
            if (y < A.y || y >= A.y + A.h)
                continue;
            sdl_hline(c, A.x, A.x + A.w - 1, y, 0xFF000000u | col);
            sdl_text(c, SDL_FONT_SMALL, A.x + A.w - 4 * s, y - lh, m->label, col, 2, 0);
        } else {
            int x = sdl_axis_x(&f->x, m->at, A);
            if (x < A.x || x >= A.x + A.w)
                continue;
            sdl_vline(c, x, A.y, A.y + A.h - 1, 0xFF000000u | col);
            sdl_text(c, SDL_FONT_SMALL, x + 3 * s, A.y + 2 * s + (i % 2) * lh, m->label, col, 0, 0);
        }
    }
    sdl_unclip(c);
}

/* --- heatmaps ------------------------------------------------------------------------------------- */

static void draw_heat(sdl_canvas *c, const plot_figure *f, SDL_Rect in, sdl_fig_hits *hits)
{
    int s = (int)lround(c->scale), lh = c->line_h[SDL_FONT_SMALL], n = f->n_heat;
    if (n < 1)
        return;
    int gap = 16 * s, left = 40 * s;
    int w = (in.w - left - gap * (n - 1)) / n, h = in.h - 2 * lh - 8 * s;
    if (w < 8 || h < 8)
        return;
    hits->n_heat = n;
    for (int k = 0; k < n; k++) {
        const plot_heatmap *hm = &f->heat[k];
        SDL_Rect A = { in.x + left + k * (w + gap), in.y + lh + 2 * s, w, h };
        hits->heat[k] = A;
        if (k == 0)
            hits->area = A;
        sdl_text(c, SDL_FONT_SMALL, A.x, in.y, hm->title, sdl_role_rgb(PLOT_ROLE_TEXT), 0, A.w);
        double span = hm->vmax - hm->vmin;
        for (int y = 0; y < A.h; y++) {
            int iy = hm->ny > 1 ? (int)((double)y * hm->ny / A.h) : 0;
            if (iy >= hm->ny) iy = hm->ny - 1;
            uint32_t *row = (uint32_t *)((uint8_t *)c->surf->pixels + (size_t)(A.y + y) * (size_t)c->surf->pitch);
            if (A.y + y < 0 || A.y + y >= c->surf->h)
                continue;
            for (int x = 0; x < A.w; x++) {
                if (A.x + x < 0 || A.x + x >= c->surf->w)
                    continue;
                /* linear along the position axis (wrapped for angles), nearest across pairs */
                double gx = hm->nx > 1 ? (double)x * (hm->nx - 1) / (A.w > 1 ? A.w - 1 : 1) : 0;
                int ix = (int)gx;
                if (ix >= hm->nx - 1) ix = hm->nx > 1 ? hm->nx - 2 : 0;
                double u = gx - ix, a = hm->v[iy * hm->nx + ix];
                double b = hm->nx > 1 ? hm->v[iy * hm->nx + ix + 1] : a;
                double t0 = span > 0 ? (a - hm->vmin) / span : 0, t1 = span > 0 ? (b - hm->vmin) / span : 0;
                if (hm->cyclic && fabs(t1 - t0) > 0.5)
                    t1 += t1 < t0 ? 1.0 : -1.0;
                row[A.x + x] = 0xFF000000u | sdl_colormap(t0 + u * (t1 - t0), hm->cyclic);
            }
        }
        sdl_frame_rect(c, (SDL_Rect){ A.x - 1, A.y - 1, A.w + 2, A.h + 2 }, 0xFF000000u | 0x4A4F5Au);
        ticks(c, &f->x, A, 0);
        if (k == 0) {
            char buf[32];
            plot_fmt_num(f->y.lo, buf, sizeof buf);
            sdl_text(c, SDL_FONT_SMALL, A.x - 4 * s, A.y, buf, sdl_role_rgb(PLOT_ROLE_DIM), 2, 0);
            plot_fmt_num(f->y.hi, buf, sizeof buf);
            sdl_text(c, SDL_FONT_SMALL, A.x - 4 * s, A.y + A.h - lh, buf, sdl_role_rgb(PLOT_ROLE_DIM), 2, 0);
        }
        sdl_clip(c, A);
        for (int i = 0; i < f->n_markers; i++) {
            const plot_marker *m = &f->markers[i];
            if (m->horizontal)
                continue;
            int x = sdl_axis_x(&f->x, m->at, A);
            sdl_vline(c, x, A.y, A.y + A.h - 1, 0xFF000000u | sdl_role_rgb(m->role));
            sdl_text(c, SDL_FONT_SMALL, x + 3 * s, A.y + 2 * s, m->label, 0xFFFFFF, 0, 0);
        }
        sdl_unclip(c);
    }
}

/* --- dials ---------------------------------------------------------------------------------------- */

static void draw_dials(sdl_canvas *c, const plot_figure *f, SDL_Rect in)
{
    int n = f->n_dials, lh = c->line_h[SDL_FONT_SMALL];
    if (n < 1)
        return;
    /* the largest face for which n dials fit in a grid */
    int best_cols = 1;
    double best_r = 0;
    for (int cols = 1; cols <= n; cols++) {
        int rows = (n + cols - 1) / cols;
        double cw = (double)in.w / cols, ch = (double)in.h / rows - lh;
        double r = 0.42 * fmin(cw, ch);
        if (r > best_r) {
            best_r = r;
            best_cols = cols;
        }
    }
    if (best_r < 3)
        return;
    int rows = (n + best_cols - 1) / best_cols;
    double cw = (double)in.w / best_cols, ch = (double)in.h / rows;
    for (int i = 0; i < n; i++) {
        const plot_dial *d = &f->dials[i];
        double cx = in.x + (i % best_cols + 0.5) * cw, cy = in.y + (i / best_cols) * ch + (ch - lh) / 2;
        uint32_t face = sdl_role_rgb(d->role);
        sdl_disc(c, cx, cy, best_r, sdl_argb(face, 0x22));
        sdl_ring(c, cx, cy, best_r, 1.5 * c->scale, 0xFF000000u | face);
        for (int k = 0; k < 12; k++) {
            double a = 2 * M_PI * k / 12;
            sdl_line(c, cx + 0.88 * best_r * sin(a), cy - 0.88 * best_r * cos(a), cx + best_r * sin(a),
                     cy - best_r * cos(a), 1.0 * c->scale, sdl_argb(face, 0xA0));
        }
        sdl_line(c, cx, cy, cx + 0.65 * best_r * sin(d->angle[0]), cy - 0.65 * best_r * cos(d->angle[0]),
                 2.0 * c->scale, 0xFF000000u | sdl_role_rgb(PLOT_ROLE_ORIG));
        sdl_line(c, cx, cy, cx + 0.92 * best_r * sin(d->angle[1]), cy - 0.92 * best_r * cos(d->angle[1]),
                 2.6 * c->scale, 0xFF000000u | sdl_role_rgb(PLOT_ROLE_SCALED));
        sdl_disc(c, cx, cy, 2.5 * c->scale, 0xFF000000u | sdl_role_rgb(PLOT_ROLE_TEXT));
        char label[PLOT_LABEL + 8];
        snprintf(label, sizeof label, "%s%s", d->label, d->short_turn ? " ◌" : "");
        sdl_text(c, SDL_FONT_SMALL, (int)cx, (int)(cy + best_r + 2), label,
                 sdl_role_rgb(d->short_turn ? PLOT_ROLE_WARN : PLOT_ROLE_TEXT), 1, (int)cw);
    }
}

/* --- table ---------------------------------------------------------------------------------------- */

static void draw_table(sdl_canvas *c, const plot_figure *f, SDL_Rect in, sdl_fig_hits *hits)
{
    const plot_table *t = &f->table;
    int rh = c->line_h[SDL_FONT_MONO], cw = sdl_text_w(c, SDL_FONT_MONO, "0"), s = (int)lround(c->scale);
    if (cw < 1)
        cw = 7;
    int xs[PLOT_MAX_COLS + 1], x = in.x;
    for (int k = 0; k < t->n_cols; k++) {
        xs[k] = x;
        x += (t->width[k] + 1) * cw;
    }
    xs[t->n_cols] = x;
    for (int k = 0; k < t->n_cols; k++) {
        int right = t->right[k];
        sdl_text(c, SDL_FONT_MONO, right ? xs[k] + t->width[k] * cw : xs[k], in.y, t->head[k],
                 sdl_role_rgb(PLOT_ROLE_DIM), right ? 2 : 0, 0);
    }
    sdl_hline(c, in.x, in.x + in.w - 1, in.y + rh, 0xFF000000u | 0x343842u);
    int y0 = in.y + rh + 2 * s, shown = (in.h - rh - 2 * s) / rh;
    hits->table_y0 = y0;
    hits->row_h = rh;
    hits->table_rows = shown > 0 ? shown : 0;
    sdl_clip(c, in);
    for (int r = 0; r < shown && t->scroll + r < t->n_rows; r++) {
        int row = t->scroll + r, y = y0 + r * rh;
        if (row == t->cursor)
            sdl_fill(c, (SDL_Rect){ in.x, y, in.w, rh }, sdl_argb(sdl_role_rgb(PLOT_ROLE_ACCENT), 0x40));
        for (int k = 0; k < t->n_cols; k++) {
            const char *cell = t->cells + ((size_t)row * (size_t)t->n_cols + (size_t)k) * PLOT_CELL;
            uint32_t col = sdl_role_rgb(k == t->role_col ? (plot_role)t->row_role[row] : PLOT_ROLE_TEXT);
            if (k == t->bar_col) {
                double b = t->bar[row];
                int w = (int)lround((t->width[k] * cw) * (b > 0 ? (b < 1 ? b : 1) : 0));
                sdl_fill(c, (SDL_Rect){ xs[k], y + 2 * s, w, rh - 4 * s }, sdl_argb(sdl_role_rgb(PLOT_ROLE_SCALED), 0xC0));
                continue;
            }
            sdl_text(c, SDL_FONT_MONO, t->right[k] ? xs[k] + t->width[k] * cw : xs[k], y, cell, col, t->right[k] ? 2 : 0, 0);
        }
    }
    sdl_unclip(c);
}

void sdl_draw_figure(sdl_canvas *c, const plot_figure *f, SDL_Rect r, int focused, const char *tag,
                     sdl_fig_hits *hits)
{
    memset(hits, 0, sizeof *hits);
    hits->panel = r;
    sdl_clip(c, r);
    SDL_Rect in = panel_frame(c, f, r, focused, tag);
    switch (f->kind) {
    case PLOT_KIND_XY: draw_xy(c, f, in, hits); break;
    case PLOT_KIND_HEATMAP: draw_heat(c, f, in, hits); break;
    case PLOT_KIND_DIALS: draw_dials(c, f, in); break;
    case PLOT_KIND_TABLE: draw_table(c, f, in, hits); break;
    }
    sdl_unclip(c);
}
