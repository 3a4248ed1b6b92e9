/* app/explorer/lab.c — the explorer's state and every change a user can make to it: parameter steps and
 * typed values (validated by ropecore before they are accepted), method cycling, presets, reset
 * and the position animation (see lab.h). */
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
    L->view.position = start->params.orig_ctx;
    L->preset = -1;
    L->focus = LAB_P_FACTOR;
    if (plot_view_compute(&L->view, &start->params, err))
        return -1;
    L->generation = 1;
    return 0;
}

int lab_set_params(lab *L, const rope_params *p, rope_error *err)
{
    rope_params q = *p; /* p may point into L */
    if (plot_view_compute(&L->view, &q, err))
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
    if (!(pos >= 0.0 && pos <= 1e12))
        return rope_fail(err, "position %g is out of range; use 0 to 1e12 tokens", pos);
    L->view.position = pos;
    return 0;
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
    L->view.n_sel = 0;
    return 0;
}

int lab_reset(lab *L, rope_error *err)
{
    if (lab_set_params(L, &L->start.params, err))
        return -1;
    L->cfg = L->start;
    snprintf(L->source, sizeof L->source, "%s", L->start_source);
    L->view.position = L->start.params.orig_ctx;
    L->view.n_sel = 0;
    L->view.cursor = L->view.scroll = 0;
    L->animate = 0;
    L->preset = -1;
    return 0;
}

void lab_tick(lab *L)
{
    double L0 = L->cfg.params.orig_ctx, span = 2.0 * fmax(L0, L->view.table.scale * L0);
    double step = fmax(1.0, floor(L0 / 128.0));
    double p = L->view.position + step;
    L->view.position = p > span ? 0.0 : p;
}
