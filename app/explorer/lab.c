/* app/explorer/lab.c — the explorer's intent and every change a user can make to it: parameter steps and
 * typed values (validated by ropecore before they are accepted), method cycling, presets, reset,
 * the position animation, the pair cursor, dials and score options (see lab.h; the view is
 * lab_view.c's, the live results lab_live.c's). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "lab.h"
#include "rope_knob.h"

/* The parameter bar's rows: knobs of ropecore's table (rope_knob.h), plus the clocks' position, which
 * is the view's, not a RoPE parameter (-1). */
static const int param_knob[LAB_P_COUNT] = {
    ROPE_KNOB_FACTOR, ROPE_KNOB_BETA_FAST, ROPE_KNOB_BETA_SLOW, ROPE_KNOB_ORIG_CTX, ROPE_KNOB_BASE,
    ROPE_KNOB_HEAD_DIM, ROPE_KNOB_ATTENTION_FACTOR, ROPE_KNOB_TRUNCATE, ROPE_KNOB_FLAVOR, -1, ROPE_KNOB_SEQ_LEN
};

static const rope_knob *param_knob_of(lab_param k)
{
    return (unsigned)k < LAB_P_COUNT && param_knob[k] >= 0 ? rope_knob_get((rope_knob_id)param_knob[k]) : NULL;
}

const char *lab_param_name(lab_param k)
{
    const rope_knob *kn = param_knob_of(k);
    return kn ? kn->name : k == LAB_P_POSITION ? "position" : "?";
}

int lab_init(lab *L, const rope_config *start, const char *source, rope_error *err)
{
    memset(L, 0, sizeof *L);
    L->start = *start;
    L->cfg = *start;
    snprintf(L->start_source, sizeof L->start_source, "%s", source ? source : "");
    snprintf(L->source, sizeof L->source, "%s", L->start_source);
    plot_view_init(&L->view);
    L->position = start->params.orig_ctx;
    L->score_log = L->view.score_log;
    L->score_bound = L->view.score_bound;
    L->score_methods = L->view.score_methods;
    L->preset = -1;
    L->focus = LAB_P_FACTOR;
    if (lab_view_compute(L, &start->params, err))
        return -1;
    L->generation = 1;
    return 0;
}

void lab_free(lab *L)
{
    lab_live_post(L, (unsigned long)-1, 0, NULL, NULL, NULL); /* drops the held result */
}

int lab_set_params(lab *L, const rope_params *p, rope_error *err)
{
    rope_params q = *p; /* p may point into L */
    if (lab_view_compute(L, &q, err))
        return -1;
    L->cfg.params = q;
    L->generation++;
    return 0;
}

int lab_param_used(const lab *L, lab_param k)
{
    const rope_knob *kn = param_knob_of(k);
    return kn ? rope_knob_used(kn, L->cfg.params.method) : 1;
}

void lab_param_text(const lab *L, lab_param k, char *buf, size_t n)
{
    const rope_knob *kn = param_knob_of(k);
    if (kn)
        rope_knob_format(kn, &L->cfg.params, &L->view.table, buf, n);
    else if (k == LAB_P_POSITION)
        snprintf(buf, n, "%.10g", L->view.position);
    else
        snprintf(buf, n, "?");
}

/* orig_ctx and max_position_embeddings move together while they are equal (no config told them
 * apart); a config with a larger max_position_embeddings keeps its own. */
static void set_orig(rope_params *q, int v)
{
    if (q->max_pos == q->orig_ctx)
        q->max_pos = v;
    q->orig_ctx = v;
}

static int set_position(lab *L, double pos, rope_error *err)
{
    return lab_set_position(L, pos, err);
}

int lab_step(lab *L, lab_param k, int dir, rope_error *err)
{
    rope_params q = L->cfg.params;
    const rope_knob *kn = param_knob_of(k);
    if (k == LAB_P_POSITION) {
        double p = L->view.position;
        int up = dir > 0;
        return set_position(L, up ? (p < 1 ? 1 : 2 * p) : (p <= 1 ? 0 : floor(p / 2)), err);
    }
    if (!kn)
        return rope_fail(err, "parameter %d does not exist", (int)k);
    if (rope_knob_step(kn, &q, dir, &L->view.table, err))
        return -1;
    if (kn->id == ROPE_KNOB_ORIG_CTX) {
        int v = q.orig_ctx;
        q.orig_ctx = L->cfg.params.orig_ctx;
        set_orig(&q, v);
    }
    return lab_set_params(L, &q, err);
}

int lab_set_text(lab *L, lab_param k, const char *text, rope_error *err)
{
    rope_params q = L->cfg.params;
    const rope_knob *kn = param_knob_of(k);
    while (*text == ' ')
        text++;
    if (k == LAB_P_POSITION) {
        double d;
        if (rope_parse_double(lab_param_name(k), text, 0, 1e12, &d, err))
            return -1;
        return set_position(L, d, err);
    }
    if (!kn)
        return rope_fail(err, "parameter %d does not exist", (int)k);
    if (rope_knob_parse(kn, kn->name, text, &q, err))
        return -1;
    if (kn->id == ROPE_KNOB_ORIG_CTX) {
        int v = q.orig_ctx;
        q.orig_ctx = L->cfg.params.orig_ctx;
        set_orig(&q, v);
    }
    return lab_set_params(L, &q, err);
}

int lab_cycle_method(lab *L, int dir, char *note, size_t n, rope_error *err)
{
    rope_params q = L->cfg.params;
    if (note && n)
        note[0] = '\0';
    for (int tries = 0; tries < ROPE_METHOD_COUNT; tries++) {
        int m = ((int)q.method + (dir > 0 ? 1 : ROPE_METHOD_COUNT - 1)) % ROPE_METHOD_COUNT;
        q.method = (rope_method)m;
        rope_error e2;
        if (rope_params_validate(&q, &e2) == 0)
            return lab_set_params(L, &q, err);
        if (note && n)
            snprintf(note, n, "%s skipped: %s", rope_method_get(q.method)->name, e2.msg);
    }
    return rope_fail(err, "no method accepts the current parameters");
}

int lab_load_preset(lab *L, int index, rope_error *err)
{
    if (index < 0 || index >= rope_preset_count())
        return rope_fail(err, "preset %d does not exist (there are %d)", index, rope_preset_count());
    rope_config c;
    if (rope_preset_load(rope_preset_name(index), &c, err))
        return -1;
    if (lab_set_params(L, &c.params, err))
        return -1;
    L->cfg = c;
    snprintf(L->source, sizeof L->source, "preset %s", rope_preset_name(index));
    L->preset = index;
    lab_clear_dials(L);
    return 0;
}

int lab_load_preset_keep(lab *L, int index, rope_error *err)
{
    if (index < 0 || index >= rope_preset_count())
        return rope_fail(err, "preset %d does not exist (there are %d)", index, rope_preset_count());
    rope_config c;
    if (rope_preset_load(rope_preset_name(index), &c, err))
        return -1;
    const rope_params *u = &L->cfg.params;
    c.params.method = u->method;
    c.params.factor = u->factor;
    c.params.beta_fast = u->beta_fast;
    c.params.beta_slow = u->beta_slow;
    c.params.seq_len = u->seq_len;
    if (lab_set_params(L, &c.params, err))
        return -1;
    L->cfg = c;
    snprintf(L->source, sizeof L->source, "preset %s (method and factor kept)", rope_preset_name(index));
    L->preset = index;
    lab_clear_dials(L);
    return 0;
}

int lab_reset(lab *L, rope_error *err)
{
    if (lab_set_params(L, &L->start.params, err))
        return -1;
    L->cfg = L->start;
    snprintf(L->source, sizeof L->source, "%s", L->start_source);
    L->position = L->start.params.orig_ctx;
    L->n_sel = 0;
    L->cursor = L->scroll = 0;
    L->animate = 0;
    L->preset = -1;
    lab_view_sync(L);
    return 0;
}

void lab_tick(lab *L)
{
    double L0 = L->cfg.params.orig_ctx, span = 2.0 * fmax(L0, L->view.table.scale * L0);
    double step = fmax(1.0, floor(L0 / 128.0));
    double p = L->position + step;
    L->position = p > span ? 0.0 : p;
    lab_view_sync(L);
}

/* --- intent that does not change the parameters -------------------------------------------------- */

void lab_focus(lab *L, lab_param k)
{
    if ((unsigned)k < LAB_P_COUNT)
        L->focus = k;
}

int lab_focus_step(lab *L, int dir)
{
    int k = (int)L->focus + (dir < 0 ? -1 : 1);
    if (k < 0 || k >= LAB_P_COUNT)
        return 0;
    L->focus = (lab_param)k;
    return 1;
}

int lab_set_position(lab *L, double pos, rope_error *err)
{
    if (!(pos >= 0.0 && pos <= 1e12))
        return rope_fail(err, "position %g is out of range; use 0 to 1e12 tokens", pos);
    L->position = pos;
    lab_view_sync(L);
    return 0;
}

void lab_set_animate(lab *L, int on)
{
    L->animate = on != 0;
}

void lab_cursor_set(lab *L, int index, int rows)
{
    int n = L->view.table.n_pairs;
    if (rows < 1)
        rows = 10;
    L->cursor = index;
    if (L->cursor >= n) L->cursor = n - 1;
    if (L->cursor < 0) L->cursor = 0;
    if (L->cursor < L->scroll) L->scroll = L->cursor;
    if (L->cursor >= L->scroll + rows) L->scroll = L->cursor - rows + 1;
    if (L->scroll < 0) L->scroll = 0;
    lab_view_sync(L);
}

void lab_cursor_move(lab *L, int delta, int rows)
{
    lab_cursor_set(L, L->cursor + delta, rows);
}

int lab_toggle_dial(lab *L)
{
    for (int i = 0; i < L->n_sel; i++)
        if (L->sel[i] == L->cursor) {
            memmove(&L->sel[i], &L->sel[i + 1], sizeof L->sel[0] * (size_t)(L->n_sel - i - 1));
            L->n_sel--;
            lab_view_sync(L);
            return 0;
        }
    if (L->n_sel >= PLOT_MAX_SEL)
        return -1;
    L->sel[L->n_sel++] = L->cursor;
    lab_view_sync(L);
    return 1;
}

void lab_clear_dials(lab *L)
{
    L->n_sel = 0;
    lab_view_sync(L);
}

void lab_set_score(lab *L, int log_axis, int bound, unsigned methods)
{
    L->score_log = log_axis != 0;
    L->score_bound = bound != 0;
    L->score_methods = methods;
    lab_view_sync(L);
}
