/* viz/tui/tui_draw_xy.c — XY figures in character cells: shaded bands with a label strip, marker
 * lines with their labels, 8-level bars, braille lines over a dot canvas, y (and right y2) axes
 * with ticks, the x axis, an axis-range line, the legend and the note. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "tui_canvas.h"
#include "tui_draw.h"
#include "tui_glyph.h"

#define MAX_TICKS 16

static int clampi(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

/* Widest tick label of an axis over n rows. */
static int tick_labels(const plot_axis *a, int rows, double *ticks, int *nt)
{
    int max = rows / 2 + 1;
    if (max > MAX_TICKS) max = MAX_TICKS;
    if (max < 2) max = 2;
    *nt = plot_axis_ticks(a, max, ticks);
    int w = 1;
    for (int i = 0; i < *nt; i++) {
        char b[32];
        plot_fmt_num(ticks[i], b, sizeof b);
        int k = (int)strlen(b);
        if (k > w) w = k;
    }
    return w > 7 ? 7 : w;
}

/* Cells the legend needs on one line. */
static int legend_width(const plot_figure *f)
{
    int w = 0;
    for (int i = 0; i < f->n_series; i++)
        if (f->series[i].legend && f->series[i].name[0])
            w += 2 + tui_text_width(f->series[i].name) + 2;
    return w;
}

void tui_xy_layout_of(tui_rect in, const plot_figure *f, tui_xy_layout *o)
{
    int has_v = 0;
    for (int i = 0; i < f->n_markers; i++)
        has_v |= !f->markers[i].horizontal;
    int lw = legend_width(f);
    int top = (f->n_bands > 0) + has_v;
    int want_info = 1, want_legend = lw > 0 ? (lw + in.w - 1) / (in.w > 0 ? in.w : 1) : 0;
    int want_note = f->note[0] != 0;
    if (want_legend > 3) want_legend = 3;
    /* give up the note, then legend rows, then the range line until the area has 3 rows */
    for (;;) {
        int bottom = 2 + want_info + want_legend + want_note;
        if (in.h - top - bottom >= 3 || (!want_info && !want_legend && !want_note))
            break;
        if (want_note) want_note = 0;
        else if (want_legend) want_legend--;
        else want_info = 0;
    }
    int bottom = 2 + want_info + want_legend + want_note;
    int y = in.y;
    o->strip_row = f->n_bands > 0 ? y++ : -1;
    o->vlabel_row = has_v ? y++ : -1;
    int ah = in.h - top - bottom;
    if (ah < 1) ah = 1;
    double ticks[MAX_TICKS];
    int nt;
    int ylw = tick_labels(&f->y, ah, ticks, &nt);
    int y2w = f->has_y2 ? tick_labels(&f->y2, ah, ticks, &nt) : 0;
    o->yaxis_col = in.x + ylw;
    o->y2axis_col = f->has_y2 ? in.x + in.w - 1 - y2w - 1 : -1;
    int right = f->has_y2 ? o->y2axis_col - 1 : in.x + in.w - 1;
    o->area = (tui_rect){ o->yaxis_col + 1, y, right - o->yaxis_col, ah };
    if (o->area.w < 1) o->area.w = 1;
    y += ah;
    o->axis_row = y++;
    o->tick_row = y++;
    o->info_row = want_info ? y++ : -1;
    o->legend_row = want_legend ? y : -1;
    o->legend_rows = want_legend;
    y += want_legend;
    o->note_row = want_note ? y++ : -1;
}

static void axis_desc(const plot_axis *a, const char *which, char *buf, size_t n)
{
    snprintf(buf, n, "%s %s [%g, %g]%s", which, a->label, a->lo, a->hi, a->log ? " log" : "");
}

/* Columns of the bands in the strip: [c0, c1] per band, adjacent bands never overlap. */
static void draw_bands(tui_grid *g, const tui_xy_layout *L, const plot_figure *f, const tui_style *st)
{
    int prev_end = -1;
    for (int b = 0; b < f->n_bands; b++) {
        const plot_band *band = &f->bands[b];
        double t0 = plot_axis_frac(&f->x, band->x0), t1 = plot_axis_frac(&f->x, band->x1);
        if (!isfinite(t0) || !isfinite(t1))
            continue;
        int c0 = (int)floor(t0 * (L->area.w - 1) + 0.5), c1 = (int)floor(t1 * (L->area.w - 1) + 0.5);
        c0 = clampi(c0, 0, L->area.w - 1);
        c1 = clampi(c1, 0, L->area.w - 1);
        if (c0 <= prev_end) c0 = prev_end + 1;
        if (c1 < c0)
            continue;
        prev_end = c1;
        uint32_t shade = st->mode == TUI_COLOR_MONO ? TUI_DEFAULT : tui_role_shade(band->role);
        tui_set_bg(g, (tui_rect){ L->area.x + c0, L->area.y, c1 - c0 + 1, L->area.h }, shade);
        if (L->strip_row < 0)
            continue;
        uint32_t fg = tui_role_rgb(band->role);
        int x = L->area.x + c0, span = c1 - c0 + 1;
        tui_fill(g, (tui_rect){ x, L->strip_row, span, 1 }, ' ', fg, shade, 0);
        if (b > 0) {
            tui_put(g, x, L->strip_row, 0x2502, fg, shade, 0);
            x++;
            span--;
        }
        /* the full label, else its first word, else as much as fits */
        char label[PLOT_LABEL];
        snprintf(label, sizeof label, "%s", band->label);
        if (tui_text_width(label) > span) {
            char *sp = strchr(label, ' ');
            if (sp) *sp = '\0';
        }
        tui_text(g, x, L->strip_row, span, label, fg, shade, 0);
    }
}

/* Places a vertical marker's label on row y: right of the ▾ when it fits, else left of it, never
 * past the area's edges; returns 0 when it would overlap cells already used on that row
 * (used[A->w], one flag per column), leaving nothing drawn. */
static int place_vlabel(tui_grid *g, const tui_rect *A, int y, int c, const char *label, uint32_t fg,
                        unsigned char *used, int mark)
{
    int len = tui_text_width(label), x0;
    if (len + 1 > A->w)
        len = A->w - 1;
    if (c + 1 + len <= A->w)
        x0 = c;                 /* ▾ then the label */
    else
        x0 = c - len;           /* the label then ▾ */
    if (x0 < 0)
        x0 = 0;
    for (int k = x0; k <= x0 + len && k < A->w; k++)
        if (used[k])
            return 0;
    for (int k = x0; k <= x0 + len && k < A->w; k++)
        used[k] = 1;
    if (mark)
        tui_put(g, A->x + c, y, 0x25BE, fg, TUI_DEFAULT, TUI_BOLD);
    tui_text(g, A->x + (x0 == c ? c + 1 : x0), y, len, label, fg, TUI_DEFAULT, TUI_BOLD);
    return 1;
}

static void draw_markers(tui_grid *g, const tui_xy_layout *L, const plot_figure *f, int labels)
{
    const tui_rect *A = &L->area;
    unsigned char used[2][512];
    memset(used, 0, sizeof used);
    for (int i = 0; i < f->n_markers; i++) {
        const plot_marker *m = &f->markers[i];
        uint32_t fg = tui_role_rgb(m->role);
        if (!m->horizontal) {
            int c = plot_axis_cell(&f->x, m->at, A->w);
            if (c < 0 || c >= A->w)
                continue;
            if (!labels) {
                for (int y = A->y; y < A->y + A->h; y++) {
                    tui_cell *cell = tui_grid_at(g, A->x + c, y);
                    tui_put(g, A->x + c, y, 0x2506, fg, cell ? cell->bg : TUI_DEFAULT, 0);
                }
            } else if (L->vlabel_row >= 0 && A->w <= 512) {
                /* labels never merge: a label that would touch another goes to the plot's first row */
                if (!place_vlabel(g, A, L->vlabel_row, c, m->label, fg, used[0], 1) &&
                    place_vlabel(g, A, A->y, c, m->label, fg, used[1], 1))
                    tui_put(g, A->x + c, L->vlabel_row, 0x25BE, fg, TUI_DEFAULT, TUI_BOLD);
            }
            continue;
        }
        const plot_axis *ax = m->y2 ? &f->y2 : &f->y;
        int r = plot_axis_row(ax, m->at, A->h);
        if (r < 0 || r >= A->h)
            continue;
        int y = A->y + r;
        if (!labels) {
            for (int x = A->x; x < A->x + A->w; x++) {
                tui_cell *cell = tui_grid_at(g, x, y);
                tui_put(g, x, y, 0x2504, fg, cell ? cell->bg : TUI_DEFAULT, 0);
            }
        } else {
            int len = tui_text_width(m->label);
            if (len + 1 > A->w)
                len = A->w - 1;
            int x = A->x + A->w - len;
            tui_put(g, x - 1, y, ' ', fg, TUI_DEFAULT, 0);
            tui_text(g, x, y, len, m->label, fg, TUI_DEFAULT, TUI_BOLD);
        }
    }
}

/* The x value at the centre of column c of a w-column area (the inverse of plot_axis_cell). */
static double column_value(const plot_axis *a, int c, int w)
{
    double t = w > 1 ? (double)c / (w - 1) : 0.0;
    if (a->log)
        return pow(10.0, log10(a->lo) + t * (log10(a->hi) - log10(a->lo)));
    return a->lo + t * (a->hi - a->lo);
}

/* Each column shows the bar of the point nearest to it, so bars leave no gaps. */
static void draw_bars(tui_grid *g, const tui_xy_layout *L, const plot_figure *f, const tui_style *st)
{
    const tui_rect *A = &L->area;
    for (int s = 0; s < f->n_series; s++) {
        const plot_series *ser = &f->series[s];
        if (ser->style != PLOT_BARS || ser->n < 1)
            continue;
        const plot_axis *ay = ser->y2 ? &f->y2 : &f->y;
        uint32_t fg = tui_role_rgb(ser->role);
        double spacing = ser->n > 1 ? fabs(ser->x[ser->n - 1] - ser->x[0]) / (ser->n - 1) : 1.0;
        for (int c = 0; c < A->w; c++) {
            double xv = column_value(&f->x, c, A->w);
            int best = 0;
            for (int i = 1; i < ser->n; i++)
                if (fabs(ser->x[i] - xv) < fabs(ser->x[best] - xv))
                    best = i;
            if (fabs(ser->x[best] - xv) > spacing)
                continue;
            double t = plot_axis_frac(ay, ser->y[best]);
            if (!isfinite(t))
                continue;
            int e = clampi((int)floor(t * A->h * 8 + 0.5), 0, A->h * 8);
            for (int r = 0; r < A->h && e > 0; r++, e -= 8) {
                int y = A->y + A->h - 1 - r;
                tui_cell *cell = tui_grid_at(g, A->x + c, y);
                tui_put(g, A->x + c, y, tui_vbar_glyph(e, st->ascii), fg, cell ? cell->bg : TUI_DEFAULT, TUI_DIM);
            }
        }
    }
}

/* Dot coordinates of a point, or 0 if it has none. */
static int dot_of(const plot_figure *f, const plot_series *s, int i, int W, int H, int *x, int *y)
{
    const plot_axis *ay = s->y2 ? &f->y2 : &f->y;
    double tx = plot_axis_frac(&f->x, s->x[i]), ty = plot_axis_frac(ay, s->y[i]);
    if (!isfinite(tx) || !isfinite(ty))
        return 0;
    tx = fmax(-1.0, fmin(2.0, tx));
    ty = fmax(-1.0, fmin(2.0, ty));
    *x = (int)floor(tx * (W - 1) + 0.5);
    *y = (int)floor((1.0 - ty) * (H - 1) + 0.5);
    return 1;
}

static void plot_series_dots(tui_canvas *cv, const plot_figure *f, const plot_series *s)
{
    int W = 2 * cv->w, H = 4 * cv->h, role = (int)s->role, bold = s->emphasis;
    int px = 0, py = 0, have = 0;
    for (int i = 0; i < s->n; i++) {
        int x, y;
        if (!dot_of(f, s, i, W, H, &x, &y)) {
            have = 0;
            continue;
        }
        if (s->style == PLOT_POINTS) {
            tui_canvas_dot(cv, x, y, role, bold);
        } else if (s->style == PLOT_STEPS) {
            /* hold each value between the midpoints to its neighbours, join the steps vertically */
            int nx = x, ny = y;
            int has_next = i + 1 < s->n && dot_of(f, s, i + 1, W, H, &nx, &ny);
            int half = has_next ? (nx - x) / 2 : have ? (x - px) / 2 : 0;
            int xl = have ? (px + x + 1) / 2 : x - half;
            int xr = has_next ? (x + nx) / 2 : x + half;
            if (have)
                tui_canvas_line(cv, xl, py, xl, y, role, bold);
            tui_canvas_line(cv, xl, y, xr, y, role, bold);
        } else if (have) {
            tui_canvas_line(cv, px, py, x, y, role, bold);
        } else {
            tui_canvas_dot(cv, x, y, role, bold);
        }
        px = x;
        py = y;
        have = 1;
    }
}

static void draw_series(tui_grid *g, const tui_xy_layout *L, const plot_figure *f, const tui_style *st)
{
    const tui_rect *A = &L->area;
    tui_canvas cv;
    if (tui_canvas_init(&cv, A->w, A->h))
        return;
    for (int pass = 0; pass < 2; pass++)
        for (int s = 0; s < f->n_series; s++)
            if (f->series[s].style != PLOT_BARS && f->series[s].emphasis == pass)
                plot_series_dots(&cv, f, &f->series[s]);
    for (int cy = 0; cy < A->h; cy++)
        for (int cx = 0; cx < A->w; cx++) {
            uint32_t ch = tui_canvas_glyph(&cv, cx, cy, st->ascii);
            if (!ch)
                continue;
            size_t k = (size_t)cy * (size_t)cv.w + (size_t)cx;
            tui_cell *cell = tui_grid_at(g, A->x + cx, A->y + cy);
            tui_put(g, A->x + cx, A->y + cy, ch, tui_role_rgb((plot_role)cv.role[k]),
                    cell ? cell->bg : TUI_DEFAULT, cv.bold[k] ? TUI_BOLD : 0);
        }
    tui_canvas_free(&cv);
}

/* Without colour every braille curve looks alike: each line series then gets its own mark,
 * stamped on the curve every few columns (offset per series so marks do not pile up) and shown in
 * the legend. -1: no mark (colour is on, or the series is not a drawn line). */
static int mono_mark(const plot_figure *f, const tui_style *st, int s)
{
    if (st->mode != TUI_COLOR_MONO || f->series[s].style == PLOT_BARS)
        return -1;
    int k = 0, lines = 0;
    for (int i = 0; i < f->n_series; i++)
        if (f->series[i].style != PLOT_BARS && f->series[i].legend && f->series[i].name[0]) {
            if (i < s)
                k++;
            lines++;
        }
    return lines > 1 && f->series[s].legend && f->series[s].name[0] ? k : -1;
}

static uint32_t mark_glyph(int k, int ascii)
{
    static const uint32_t uni[] = { 0x25CF, 0x25CB, 0x25C6, 0x25C7, 0x25B2, 0x25B3, 0x25A0, 0x25A1, 0x2605, 0x2606,
                                    0x00D7, '+', 0x2666, 0x2660, 0x2663, 0x2665 };
    static const char asc[] = "ox+#@%&=$ABCDEF";
    return ascii ? (uint32_t)(unsigned char)asc[k % 15] : uni[k % 16];
}

static void draw_mono_marks(tui_grid *g, const tui_xy_layout *L, const plot_figure *f, const tui_style *st)
{
    const tui_rect *A = &L->area;
    int stride = 9;
    for (int s = 0; s < f->n_series; s++) {
        int k = mono_mark(f, st, s);
        const plot_series *ser = &f->series[s];
        if (k < 0 || ser->n < 1)
            continue;
        const plot_axis *ay = ser->y2 ? &f->y2 : &f->y;
        for (int c = 1 + (k * 3) % stride; c < A->w; c += stride) {
            double xv = column_value(&f->x, c, A->w);
            int best = -1;
            for (int i = 0; i < ser->n; i++)
                if (isfinite(ser->y[i]) && (best < 0 || fabs(ser->x[i] - xv) < fabs(ser->x[best] - xv)))
                    best = i;
            if (best < 0)
                continue;
            int r = plot_axis_row(ay, ser->y[best], A->h);
            if (r < 0 || r >= A->h || plot_axis_cell(&f->x, ser->x[best], A->w) != c)
                continue;
            tui_put(g, A->x + c, A->y + r, mark_glyph(k, st->ascii), TUI_DEFAULT, TUI_DEFAULT,
                    ser->emphasis ? TUI_BOLD : 0);
        }
    }
}

static void draw_axes(tui_grid *g, const tui_xy_layout *L, const plot_figure *f)
{
    const tui_rect *A = &L->area;
    uint32_t ax = tui_role_rgb(PLOT_ROLE_AXIS), tx = tui_role_rgb(PLOT_ROLE_DIM);
    double ticks[MAX_TICKS];
    int nt;
    /* left axis */
    for (int y = A->y; y < A->y + A->h; y++)
        tui_put(g, L->yaxis_col, y, 0x2502, ax, TUI_DEFAULT, 0);
    tick_labels(&f->y, A->h, ticks, &nt);
    int last = -10;
    for (int i = nt - 1; i >= 0; i--) {
        int r = plot_axis_row(&f->y, ticks[i], A->h);
        if (r < 0 || r >= A->h || r == last)
            continue;
        last = r;
        char b[32];
        plot_fmt_num(ticks[i], b, sizeof b);
        int w = tui_text_width(b);
        tui_text(g, L->yaxis_col - w, A->y + r, w, b, tx, TUI_DEFAULT, 0);
        tui_put(g, L->yaxis_col, A->y + r, 0x2524, ax, TUI_DEFAULT, 0);
    }
    /* right axis */
    if (f->has_y2 && L->y2axis_col >= 0) {
        for (int y = A->y; y < A->y + A->h; y++)
            tui_put(g, L->y2axis_col, y, 0x2502, ax, TUI_DEFAULT, 0);
        tick_labels(&f->y2, A->h, ticks, &nt);
        last = -10;
        for (int i = nt - 1; i >= 0; i--) {
            int r = plot_axis_row(&f->y2, ticks[i], A->h);
            if (r < 0 || r >= A->h || r == last)
                continue;
            last = r;
            char b[32];
            plot_fmt_num(ticks[i], b, sizeof b);
            tui_text(g, L->y2axis_col + 1, A->y + r, 6, b, tx, TUI_DEFAULT, 0);
            tui_put(g, L->y2axis_col, A->y + r, 0x251C, ax, TUI_DEFAULT, 0);
        }
    }
    /* x axis */
    for (int x = A->x; x < A->x + A->w; x++)
        tui_put(g, x, L->axis_row, 0x2500, ax, TUI_DEFAULT, 0);
    tui_put(g, L->yaxis_col, L->axis_row, 0x2514, ax, TUI_DEFAULT, 0);
    if (f->has_y2 && L->y2axis_col >= 0)
        tui_put(g, L->y2axis_col, L->axis_row, 0x2518, ax, TUI_DEFAULT, 0);
    int max = A->w / 8;
    if (max > MAX_TICKS) max = MAX_TICKS;
    if (max < 2) max = 2;
    nt = plot_axis_ticks(&f->x, max, ticks);
    int free_from = L->yaxis_col - 2;
    for (int i = 0; i < nt; i++) {
        int c = plot_axis_cell(&f->x, ticks[i], A->w);
        if (c < 0 || c >= A->w)
            continue;
        tui_put(g, A->x + c, L->axis_row, 0x252C, ax, TUI_DEFAULT, 0);
        char b[32];
        plot_fmt_num(ticks[i], b, sizeof b);
        int w = tui_text_width(b), x = A->x + c - w / 2;
        if (x + w > A->x + A->w + 1)
            x = A->x + A->w + 1 - w;
        if (x < free_from)
            continue;
        tui_text(g, x, L->tick_row, w, b, tx, TUI_DEFAULT, 0);
        free_from = x + w + 1;
    }
}

static void draw_footer(tui_grid *g, tui_rect in, const tui_xy_layout *L, const plot_figure *f, const tui_style *st)
{
    uint32_t tx = tui_role_rgb(PLOT_ROLE_DIM);
    if (L->info_row >= 0) {
        char line[480], a[140], b[140], c[140];
        axis_desc(&f->x, "x", a, sizeof a);
        axis_desc(&f->y, "y", b, sizeof b);
        if (f->has_y2) {
            axis_desc(&f->y2, "y2", c, sizeof c);
            snprintf(line, sizeof line, "%s · %s · %s", a, b, c);
        } else {
            snprintf(line, sizeof line, "%s · %s", a, b);
        }
        tui_text(g, in.x, L->info_row, in.w, line, tx, TUI_DEFAULT, 0);
    }
    if (L->legend_row >= 0) {
        int x = in.x, row = 0;
        for (int s = 0; s < f->n_series; s++) {
            const plot_series *ser = &f->series[s];
            if (!ser->legend || !ser->name[0])
                continue;
            int w = 2 + tui_text_width(ser->name) + 2;
            if (x + w - 2 > in.x + in.w && x > in.x) {
                if (++row >= L->legend_rows)
                    break;
                x = in.x;
            }
            int y = L->legend_row + row;
            uint32_t fg = tui_role_rgb(ser->role);
            uint32_t sw = ser->style == PLOT_STEPS ? 0x2510 : ser->emphasis ? 0x2501 : 0x2500;
            int mk = mono_mark(f, st, s);
            if (mk >= 0)
                sw = mark_glyph(mk, st->ascii);
            tui_put(g, x, y, sw, fg, TUI_DEFAULT, TUI_BOLD);
            tui_text(g, x + 2, y, in.x + in.w - x - 2, ser->name, fg, TUI_DEFAULT, ser->emphasis ? TUI_BOLD : 0);
            x += w;
        }
    }
    if (L->note_row >= 0)
        tui_text_fit(g, in.x, L->note_row, in.w, f->note, tx, TUI_DEFAULT, 0);
}

void tui_draw_xy(tui_grid *g, tui_rect in, const plot_figure *f, const tui_style *st)
{
    tui_xy_layout L;
    tui_xy_layout_of(in, f, &L);
    draw_bands(g, &L, f, st);
    draw_markers(g, &L, f, 0);
    draw_bars(g, &L, f, st);
    draw_series(g, &L, f, st);
    draw_mono_marks(g, &L, f, st);
    draw_markers(g, &L, f, 1);
    draw_axes(g, &L, f);
    draw_footer(g, in, &L, f, st);
}
