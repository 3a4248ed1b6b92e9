/* viz/figure/panel_view.c — the view the panels read: every table recomputed from ropecore for the
 * current parameters, and the dispatch from panel ids to figure functions. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "panel.h"
#include "panel_model.h"

void plot_view_init(plot_view *v)
{
    memset(v, 0, sizeof *v);
    rope_params_init(&v->params);
    v->position = 1000.0;
    v->score_methods = (1u << ROPE_NONE) | (1u << ROPE_LINEAR);
    v->score_bound = 1;
    v->score_log = 1; /* the decay and the L / s·L region read on a log distance axis */
}

static int is_yarn_family(rope_method m)
{
    return m == ROPE_NTK_PARTS || m == ROPE_YARN || m == ROPE_DYNAMIC_YARN;
}

static int uses_length(rope_method m)
{
    return m == ROPE_DYNAMIC || m == ROPE_DYNAMIC_YARN || m == ROPE_LONGROPE;
}

int plot_view_compute(plot_view *v, const rope_params *p, rope_error *err)
{
    if (rope_params_validate(p, err))
        return -1;
    rope_error e2;
    if (rope_table_compute(p, &v->table, err))
        return -1;
    v->params = *p;

    double len = p->factor * (double)p->orig_ctx;
    v->compare_len = p->seq_len > 0 ? p->seq_len : (int)fmin(len, (double)(1 << 30));

    v->method_ok = 0;
    for (int m = 0; m < ROPE_METHOD_COUNT; m++) {
        if (m == (int)p->method) {
            v->method[m] = v->table;
            v->method_ok |= 1u << m;
            continue;
        }
        rope_params q = *p;
        q.method = (rope_method)m;
        if (uses_length(q.method) && q.seq_len == 0)
            q.seq_len = v->compare_len;
        if (rope_table_compute(&q, &v->method[m], &e2) == 0)
            v->method_ok |= 1u << m;
    }

    if (is_yarn_family(p->method)) {
        v->yarn = v->table;
    } else {
        rope_params q = *p;
        q.method = ROPE_YARN;
        if (rope_table_compute(&q, &v->yarn, &e2))
            v->yarn = v->table; /* cannot happen for valid params; keep something drawable */
    }

    rope_params q = *p;
    q.flavor = p->flavor == ROPE_FLAVOR_HF ? ROPE_FLAVOR_LLAMACPP : ROPE_FLAVOR_HF;
    v->flavor_alt_ok = rope_table_compute(&q, &v->flavor_alt, &e2) == 0;

    int n = v->table.n_pairs;
    if (v->cursor >= n) v->cursor = n - 1;
    if (v->cursor < 0) v->cursor = 0;
    if (v->scroll > v->cursor) v->scroll = v->cursor;
    if (v->scroll < 0) v->scroll = 0;
    int k = 0;
    for (int i = 0; i < v->n_sel; i++)
        if (v->sel[i] < n)
            v->sel[k++] = v->sel[i];
    v->n_sel = k;
    if (!(v->position >= 0.0))
        v->position = 0.0;
    return 0;
}

void plot_view_regime_note(const plot_view *v, char *buf, size_t n)
{
    const rope_table *t = &v->table;
    const rope_params *p = &v->params;
    const char *name = rope_method_get(t->method)->name;
    int kept = 0;
    for (int i = 0; i < t->n_pairs; i++)
        kept += t->pair[i].regime == ROPE_REGIME_EXTRAPOLATE;
    if (t->method == ROPE_NONE)
        snprintf(buf, n, "none: plain RoPE keeps every pair; past L it extrapolates");
    else if (kept == t->n_pairs && (t->method == ROPE_DYNAMIC || t->method == ROPE_DYNAMIC_YARN))
        snprintf(buf, n, "%s: s resolves to 1 until seq_len passes L, so every pair is kept", name);
    else if (kept == t->n_pairs)
        snprintf(buf, n, "s = 1: %s keeps every pair (plain RoPE); raise the factor", name);
    else if (t->method == ROPE_LINEAR)
        snprintf(buf, n, "linear: every pair interpolated, θ' = θ/%g", p->factor);
    else if (rope_method_is_yarn(t->method))
        snprintf(buf, n, "shaded: %s regimes, beta_fast %g / beta_slow %g", name, rope_beta_fast(p),
                 rope_beta_slow(p));
    else if (t->method == ROPE_LLAMA3)
        snprintf(buf, n, "shaded: llama3 bands, high_freq_factor %g / low_freq_factor %g", p->high_freq_factor,
                 p->low_freq_factor);
    else if (t->method == ROPE_NTK || t->method == ROPE_DYNAMIC)
        snprintf(buf, n, "shaded: %s, base %.4g: pair 0 kept, the rest move toward θ/s", name, t->base_scaled);
    else
        snprintf(buf, n, "shaded: %s regimes from its per-pair factors", name);
}

int plot_view_flavor_differs(const plot_view *v, int i)
{
    if (!v->flavor_alt_ok || i < 0 || i >= v->flavor_alt.n_pairs || i >= v->table.n_pairs)
        return 0;
    const rope_pair *a = &v->table.pair[i], *b = &v->flavor_alt.pair[i];
    return fabs(a->ramp - b->ramp) > 1e-6 || fabs(a->theta_scaled - b->theta_scaled) > 1e-6 * a->theta_scaled;
}

int plot_view_flavor_diffs(const plot_view *v)
{
    int k = 0;
    for (int i = 0; i < v->table.n_pairs; i++)
        k += plot_view_flavor_differs(v, i);
    return k;
}

int plot_view_clock_pairs(const plot_view *v, int max, int *out)
{
    int n = v->table.n_pairs, k = 0;
    if (max < 1 || n < 1)
        return 0;
    if (v->n_sel > 0) {
        for (int i = 0; i < v->n_sel && k < max; i++)
            out[k++] = v->sel[i];
        return k;
    }
    int want = max < n ? max : n;
    for (int j = 0; j < want; j++) {
        int i = want == 1 ? 0 : (int)floor((double)j * (n - 1) / (want - 1) + 0.5);
        if (k == 0 || out[k - 1] != i)
            out[k++] = i;
    }
    return k;
}

static const char *const panel_names[PLOT_PANEL_COUNT] = {
    "wavelength", "ramp", "factor", "table", "clocks", "score", "heatmap", "model"
};

const char *plot_panel_name(plot_panel_id id)
{
    return (unsigned)id < PLOT_PANEL_COUNT ? panel_names[id] : "?";
}

int plot_size_cols(const plot_size *s)
{
    double c = s->text_w > 0 ? floor(s->w / s->text_w) : 0;
    return c < 4 ? 4 : c > 1e6 ? 1000000 : (int)c;
}

int plot_size_rows(const plot_size *s)
{
    double r = s->text_h > 0 ? floor(s->h / s->text_h) : 0;
    return r < 4 ? 4 : r > 1e6 ? 1000000 : (int)r;
}

/* The sizes a panel function may rely on: at least 4 characters by 4 lines, and sane units. */
static plot_size sane(const plot_size *size)
{
    plot_size z = *size;
    if (!(z.text_w > 0)) z.text_w = 1;
    if (!(z.text_h > 0)) z.text_h = 1;
    if (!(z.dot_w > 0)) z.dot_w = z.text_w;
    if (!(z.dot_h > 0)) z.dot_h = z.text_h;
    if (!(z.w >= 4 * z.text_w)) z.w = 4 * z.text_w;
    if (!(z.h >= 4 * z.text_h)) z.h = 4 * z.text_h;
    return z;
}

int plot_panel_model(const plot_view *v, const plot_size *size, plot_figure *f, rope_error *err)
{
    if (!v->model) {
        f->kind = PLOT_KIND_XY;
        snprintf(f->title, sizeof f->title, "model");
        snprintf(f->note, sizeof f->note, "the model panel has no results yet");
        plot_axis_set(&f->x, 0, 1, 0, "position");
        plot_axis_set(&f->y, 0, 1, 0, "loss nats");
        return 0;
    }
    int which = v->model->view >= 0 && v->model->view < PLOT_MODEL_VIEWS ? v->model->view : 0;
    return plot_model_figure(v->model, &v->table, which, size->w / size->text_w, size->h / size->text_h, f, err);
}

int plot_panel_parts(plot_panel_id id, const plot_view *v, int zoomed)
{
    return id == PLOT_PANEL_MODEL && zoomed && v->model ? PLOT_MODEL_VIEWS : 1;
}

int plot_panel_build_part(plot_panel_id id, int part, const plot_view *v, const plot_size *size,
                          plot_figure *f, rope_error *err)
{
    if (id != PLOT_PANEL_MODEL || !v->model || part < 0 || part >= PLOT_MODEL_VIEWS)
        return plot_panel_build(id, v, size, f, err);
    plot_size z = sane(size);
    int rc = plot_model_figure(v->model, &v->table, part, z.w / z.text_w, z.h / z.text_h, f, err);
    if (rc)
        snprintf(f->note, sizeof f->note, "%.150s", err ? err->msg : "cannot draw this panel");
    return rc;
}

int plot_panel_build(plot_panel_id id, const plot_view *v, const plot_size *size, plot_figure *f,
                     rope_error *err)
{
    typedef int (*panel_fn)(const plot_view *, const plot_size *, plot_figure *, rope_error *);
    static const panel_fn fns[PLOT_PANEL_COUNT] = {
        plot_panel_wavelength, plot_panel_ramp, plot_panel_factor, plot_panel_table,
        plot_panel_clocks, plot_panel_score, plot_panel_heatmap, plot_panel_model
    };
    plot_figure_clear(f);
    if ((unsigned)id >= PLOT_PANEL_COUNT)
        return rope_fail(err, "panel %d does not exist", (int)id);
    plot_size z = sane(size);
    int rc = fns[id](v, &z, f, err);
    if (rc)
        snprintf(f->note, sizeof f->note, "%.150s", err ? err->msg : "cannot draw this panel");
    return rc;
}
