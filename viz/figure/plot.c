/* viz/figure/plot.c — the figure model's storage, adders, axis mapping, ticks and number formatting
 * (see plot.h for the mapping contract every renderer and test follows). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "plot.h"

static void copy_label(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src ? src : "");
}

int plot_figure_init(plot_figure *f, size_t doubles, size_t bytes)
{
    memset(f, 0, sizeof *f);
    f->pool = malloc(doubles * sizeof *f->pool);
    f->text = malloc(bytes);
    if (!f->pool || !f->text) {
        plot_figure_free(f);
        return -1;
    }
    f->pool_cap = doubles;
    f->text_cap = bytes;
    return 0;
}

void plot_figure_free(plot_figure *f)
{
    free(f->pool);
    free(f->text);
    memset(f, 0, sizeof *f);
}

void plot_figure_clear(plot_figure *f)
{
    double *pool = f->pool;
    char *text = f->text;
    size_t pc = f->pool_cap, tc = f->text_cap;
    memset(f, 0, sizeof *f);
    f->pool = pool;
    f->text = text;
    f->pool_cap = pc;
    f->text_cap = tc;
    f->table.bar_col = -1;
    f->table.role_col = -1;
    f->table.cursor = -1;
}

double *plot_alloc(plot_figure *f, size_t n)
{
    if (n > f->pool_cap - f->pool_used)
        return NULL;
    double *p = f->pool + f->pool_used;
    f->pool_used += n;
    return p;
}

char *plot_alloc_text(plot_figure *f, size_t n)
{
    if (n > f->text_cap - f->text_used)
        return NULL;
    char *p = f->text + f->text_used;
    f->text_used += n;
    memset(p, 0, n);
    return p;
}

plot_series *plot_add_series(plot_figure *f, const char *name, plot_role role, plot_style style, int n)
{
    if (f->n_series >= PLOT_MAX_SERIES || n < 0)
        return NULL;
    size_t mark = f->pool_used;
    double *x = plot_alloc(f, (size_t)n), *y = plot_alloc(f, (size_t)n);
    if (!x || !y) {
        f->pool_used = mark;
        return NULL;
    }
    plot_series *s = &f->series[f->n_series++];
    memset(s, 0, sizeof *s);
    copy_label(s->name, sizeof s->name, name);
    s->role = role;
    s->style = style;
    s->legend = 1;
    s->n = n;
    s->x = x;
    s->y = y;
    return s;
}

int plot_add_band(plot_figure *f, double x0, double x1, plot_role role, const char *label)
{
    if (f->n_bands >= PLOT_MAX_BANDS)
        return -1;
    plot_band *b = &f->bands[f->n_bands++];
    b->x0 = x0;
    b->x1 = x1;
    b->role = role;
    copy_label(b->label, sizeof b->label, label);
    return 0;
}

static int add_marker(plot_figure *f, int horizontal, int y2, double at, plot_role role, const char *label)
{
    if (f->n_markers >= PLOT_MAX_MARKERS)
        return -1;
    plot_marker *m = &f->markers[f->n_markers++];
    m->horizontal = horizontal;
    m->y2 = y2;
    m->at = at;
    m->role = role;
    copy_label(m->label, sizeof m->label, label);
    return 0;
}

int plot_add_vmarker(plot_figure *f, double x, plot_role role, const char *label)
{
    return add_marker(f, 0, 0, x, role, label);
}

int plot_add_hmarker(plot_figure *f, double y, int y2, plot_role role, const char *label)
{
    return add_marker(f, 1, y2, y, role, label);
}

plot_heatmap *plot_add_heatmap(plot_figure *f, const char *title, int nx, int ny)
{
    if (f->n_heat >= PLOT_MAX_HEAT || nx < 1 || ny < 1)
        return NULL;
    double *v = plot_alloc(f, (size_t)nx * (size_t)ny);
    if (!v)
        return NULL;
    plot_heatmap *h = &f->heat[f->n_heat++];
    memset(h, 0, sizeof *h);
    copy_label(h->title, sizeof h->title, title);
    h->nx = nx;
    h->ny = ny;
    h->v = v;
    h->vmax = 1.0;
    return h;
}

plot_dial *plot_add_dial(plot_figure *f)
{
    if (f->n_dials >= PLOT_MAX_DIALS)
        return NULL;
    plot_dial *d = &f->dials[f->n_dials++];
    memset(d, 0, sizeof *d);
    return d;
}

int plot_table_init(plot_figure *f, int n_cols, int n_rows)
{
    plot_table *t = &f->table;
    if (n_cols < 1 || n_cols > PLOT_MAX_COLS || n_rows < 0)
        return -1;
    size_t mark_t = f->text_used, mark_p = f->pool_used;
    t->cells = plot_alloc_text(f, (size_t)n_rows * (size_t)n_cols * PLOT_CELL);
    t->row_role = (unsigned char *)plot_alloc_text(f, (size_t)n_rows + 1);
    t->bar = plot_alloc(f, (size_t)n_rows + 1);
    if (!t->cells || !t->row_role || !t->bar) {
        f->text_used = mark_t;
        f->pool_used = mark_p;
        return -1;
    }
    t->n_cols = n_cols;
    t->n_rows = n_rows;
    t->bar_col = -1;
    t->role_col = -1;
    t->cursor = -1;
    t->scroll = 0;
    return 0;
}

char *plot_table_cell(plot_table *t, int row, int col)
{
    return t->cells + ((size_t)row * (size_t)t->n_cols + (size_t)col) * PLOT_CELL;
}

/* --- axes ---------------------------------------------------------------------------------- */

void plot_axis_set(plot_axis *a, double lo, double hi, int log, const char *label)
{
    a->lo = lo;
    a->hi = hi;
    a->log = log;
    copy_label(a->label, sizeof a->label, label);
}

/* The 1-2-5 step that gives about `want` intervals over span. */
static double nice_step(double span, int want)
{
    double raw = span / (want > 0 ? want : 1);
    double mag = pow(10.0, floor(log10(raw)));
    double n = raw / mag;
    double step = n <= 1.0 ? 1.0 : n <= 2.0 ? 2.0 : n <= 5.0 ? 5.0 : 10.0;
    return step * mag;
}

void plot_axis_fit(plot_axis *a, double lo, double hi, int log, const char *label)
{
    if (!isfinite(lo) || !isfinite(hi)) {
        lo = 0.0;
        hi = 1.0;
    }
    if (lo > hi) {
        double t = lo;
        lo = hi;
        hi = t;
    }
    if (log) {
        if (lo <= 0.0)
            lo = hi > 0.0 ? hi * 1e-3 : 1.0;
        if (hi <= 0.0)
            hi = lo * 10.0;
        double l = pow(10.0, floor(log10(lo) + 1e-9)), h = pow(10.0, ceil(log10(hi) - 1e-9));
        if (h <= l)
            h = l * 10.0;
        plot_axis_set(a, l, h, 1, label);
        return;
    }
    if (hi - lo < 1e-12 * (fabs(lo) + fabs(hi)) || hi == lo) {
        double pad = fabs(lo) > 0 ? 0.1 * fabs(lo) : 1.0;
        lo -= pad;
        hi += pad;
    }
    double step = nice_step(hi - lo, 5);
    plot_axis_set(a, floor(lo / step + 1e-9) * step, ceil(hi / step - 1e-9) * step, 0, label);
}

double plot_axis_frac(const plot_axis *a, double v)
{
    if (a->log) {
        if (!(v > 0.0) || !(a->lo > 0.0) || !(a->hi > a->lo))
            return NAN;
        return (log10(v) - log10(a->lo)) / (log10(a->hi) - log10(a->lo));
    }
    if (!(a->hi != a->lo))
        return NAN;
    return (v - a->lo) / (a->hi - a->lo);
}

int plot_axis_cell(const plot_axis *a, double v, int n)
{
    double t = plot_axis_frac(a, v);
    if (!isfinite(t) || n < 1)
        return -1;
    double c = floor(t * (double)(n - 1) + 0.5);
    if (c < -1e6) c = -1e6;
    if (c > 1e6) c = 1e6;
    return (int)c;
}

int plot_axis_row(const plot_axis *a, double v, int n)
{
    double t = plot_axis_frac(a, v);
    if (!isfinite(t) || n < 1)
        return -1;
    double c = floor((1.0 - t) * (double)(n - 1) + 0.5);
    if (c < -1e6) c = -1e6;
    if (c > 1e6) c = 1e6;
    return (int)c;
}

int plot_axis_ticks(const plot_axis *a, int max, double *out)
{
    int k = 0;
    if (max < 1)
        return 0;
    if (a->log) {
        if (!(a->lo > 0.0) || !(a->hi > a->lo))
            return 0;
        int d0 = (int)ceil(log10(a->lo) - 1e-9), d1 = (int)floor(log10(a->hi) + 1e-9);
        int every = 1;
        while ((d1 - d0) / every + 1 > max)
            every++;
        for (int d = d0; d <= d1 && k < max; d += every)
            out[k++] = pow(10.0, d);
        return k;
    }
    if (!(a->hi > a->lo))
        return 0;
    double span = a->hi - a->lo, step = span;
    for (int want = max > 1 ? max - 1 : 1; want >= 1; want--) {
        step = nice_step(span, want);
        if (floor(a->hi / step + 1e-9) - ceil(a->lo / step - 1e-9) + 1.0 <= max)
            break;
    }
    for (double i = ceil(a->lo / step - 1e-9); i * step <= a->hi + step * 1e-9 && k < max; i += 1.0)
        out[k++] = fabs(i) < 0.5 ? 0.0 : i * step;
    return k;
}

void plot_fmt_num(double v, char *buf, size_t n)
{
    double a = fabs(v);
    if (!isfinite(v))
        snprintf(buf, n, "%s", isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
    else if (a == 0.0)
        snprintf(buf, n, "0");
    else if (a >= 1e9)
        snprintf(buf, n, "%.3gG", v / 1e9);
    else if (a >= 1e6)
        snprintf(buf, n, "%.3gM", v / 1e6);
    else if (a >= 1e4)
        snprintf(buf, n, "%.3gk", v / 1e3);
    else if (a >= 1e-3)
        snprintf(buf, n, "%.4g", v);
    else
        snprintf(buf, n, "%.0e", v);
}
