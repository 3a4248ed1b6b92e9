/* app/explorer/lab.c — the explorer's intent and every change a user can make to it: parameter steps and
 * typed values (validated by ropecore before they are accepted), method cycling, presets, reset,
 * the position animation, the pair cursor, dials and score options (see lab.h; the view is
 * lab_view.c's, the live results lab_live.c's). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "lab.h"
#include "ropeargs.h"

static const char *const param_names[LAB_P_COUNT] = {
    "factor", "beta_fast", "beta_slow", "orig_ctx", "base", "head_dim",
    "attn_factor", "truncate", "flavor", "position", "seq_len"
};

const char *lab_param_name(lab_param k)
{
    return (unsigned)k < LAB_P_COUNT ? param_names[k] : "?";
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
    unsigned uses = rope_method_get(L->cfg.params.method)->uses;
    switch (k) {
    case LAB_P_FACTOR: return (uses & ROPE_USES_FACTOR) != 0;
    case LAB_P_BETA_FAST:
    case LAB_P_BETA_SLOW: return (uses & ROPE_USES_BETAS) != 0;
    case LAB_P_TRUNCATE: return (uses & ROPE_USES_TRUNCATE) != 0;
    case LAB_P_ATTN: return (uses & ROPE_USES_MSCALE) != 0;
    case LAB_P_SEQ_LEN: return (uses & ROPE_USES_SEQ_LEN) != 0;
    default: return 1;
    }
}

void lab_param_text(const lab *L, lab_param k, char *buf, size_t n)
{
    const rope_params *p = &L->cfg.params;
    switch (k) {
    case LAB_P_FACTOR: snprintf(buf, n, "%g", p->factor); break;
    case LAB_P_BETA_FAST: snprintf(buf, n, "%g", p->beta_fast); break;
    case LAB_P_BETA_SLOW: snprintf(buf, n, "%g", p->beta_slow); break;
    case LAB_P_ORIG_CTX: snprintf(buf, n, "%d", p->orig_ctx); break;
    case LAB_P_BASE: snprintf(buf, n, "%g", p->base); break;
    case LAB_P_HEAD_DIM: snprintf(buf, n, "%d", p->head_dim); break;
    case LAB_P_ATTN:
        if (p->has_attention_factor) snprintf(buf, n, "%g", p->attention_factor);
        else snprintf(buf, n, "auto(%.4g)", L->view.table.magnitude);
        break;
    case LAB_P_TRUNCATE: snprintf(buf, n, "%s", p->truncate ? "on" : "off"); break;
    case LAB_P_FLAVOR: snprintf(buf, n, "%s", rope_flavor_name(p->flavor)); break;
    case LAB_P_POSITION: snprintf(buf, n, "%.10g", L->view.position); break;
    case LAB_P_SEQ_LEN: snprintf(buf, n, "%d%s", p->seq_len, p->seq_len ? "" : " (start-up)"); break;
    default: snprintf(buf, n, "?"); break;
    }
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
    int up = dir > 0;
    switch (k) {
    case LAB_P_FACTOR:
        q.factor = up ? (q.factor < 2 ? q.factor + 0.25 : q.factor + 1)
                      : (q.factor <= 2 ? q.factor - 0.25 : q.factor - 1);
        if (!up && q.factor < 1.0 && L->cfg.params.factor > 1.0)
            q.factor = 1.0;
        break;
    case LAB_P_BETA_FAST:
        q.beta_fast += up ? 1.0 : -1.0;
        break;
    case LAB_P_BETA_SLOW: {
        double st = (up ? q.beta_slow < 2 : q.beta_slow <= 2) ? 0.25 : 1.0;
        q.beta_slow += up ? st : -st;
        break;
    }
    case LAB_P_ORIG_CTX: {
        long v = up ? 2L * q.orig_ctx : q.orig_ctx / 2;
        if (v < 1 || v > (1L << 30))
            return rope_fail(err, "orig_ctx %ld is out of range; use 1 to %d tokens", v, 1 << 30);
        set_orig(&q, (int)v);
        break;
    }
    case LAB_P_BASE:
        q.base = up ? q.base * 2 : q.base / 2;
        break;
    case LAB_P_HEAD_DIM:
        q.head_dim = up ? q.head_dim * 2 : q.head_dim / 2;
        break;
    case LAB_P_ATTN: {
        double cur = q.has_attention_factor ? q.attention_factor : L->view.table.magnitude;
        q.has_attention_factor = 1;
        q.attention_factor = floor((cur + (up ? 0.05 : -0.05)) * 1000 + 0.5) / 1000;
        break;
    }
    case LAB_P_TRUNCATE: q.truncate = !q.truncate; break;
    case LAB_P_FLAVOR:
        q.flavor = q.flavor == ROPE_FLAVOR_HF ? ROPE_FLAVOR_LLAMACPP : ROPE_FLAVOR_HF;
        break;
    case LAB_P_POSITION: {
        double p = L->view.position;
        return set_position(L, up ? (p < 1 ? 1 : 2 * p) : (p <= 1 ? 0 : floor(p / 2)), err);
    }
    case LAB_P_SEQ_LEN: {
        long v = up ? (q.seq_len ? 2L * q.seq_len : q.orig_ctx) : (q.seq_len <= q.orig_ctx / 2 ? 0 : q.seq_len / 2);
        if (v > (1L << 30))
            return rope_fail(err, "seq_len %ld is out of range; use 0 to %d tokens", v, 1 << 30);
        q.seq_len = (int)v;
        break;
    }
    default:
        return rope_fail(err, "parameter %d does not exist", (int)k);
    }
    return lab_set_params(L, &q, err);
}

static int parse_bool(const char *s, int *out)
{
    static const char *yes[] = { "on", "true", "1", "yes" }, *no[] = { "off", "false", "0", "no" };
    for (int i = 0; i < 4; i++) {
        if (!strcasecmp(s, yes[i])) { *out = 1; return 0; }
        if (!strcasecmp(s, no[i])) { *out = 0; return 0; }
    }
    return -1;
}

#define BIG 1e12

int lab_set_text(lab *L, lab_param k, const char *text, rope_error *err)
{
    rope_params q = L->cfg.params;
    const char *name = lab_param_name(k);
    double d;
    int i;
    while (*text == ' ')
        text++;
    switch (k) {
    case LAB_P_FACTOR:
    case LAB_P_BETA_FAST:
    case LAB_P_BETA_SLOW:
    case LAB_P_BASE:
        if (ropeargs_double(name, text, -BIG, BIG, &d, err))
            return -1;
        if (k == LAB_P_FACTOR) q.factor = d;
        else if (k == LAB_P_BETA_FAST) q.beta_fast = d;
        else if (k == LAB_P_BETA_SLOW) q.beta_slow = d;
        else q.base = d;
        break;
    case LAB_P_ORIG_CTX:
        if (ropeargs_int(name, text, 1, 1 << 30, &i, err))
            return -1;
        set_orig(&q, i);
        break;
    case LAB_P_HEAD_DIM:
        if (ropeargs_int(name, text, -100000, 100000, &i, err))
            return -1;
        q.head_dim = i;
        break;
    case LAB_P_SEQ_LEN:
        if (ropeargs_int(name, text, 0, 1 << 30, &i, err))
            return -1;
        q.seq_len = i;
        break;
    case LAB_P_ATTN:
        if (!strcasecmp(text, "auto") || !strcasecmp(text, "none") || !*text) {
            q.has_attention_factor = 0;
            break;
        }
        if (ropeargs_double(name, text, -BIG, BIG, &d, err))
            return -1;
        q.has_attention_factor = 1;
        q.attention_factor = d;
        break;
    case LAB_P_TRUNCATE:
        if (parse_bool(text, &q.truncate))
            return rope_fail(err, "truncate: '%s' is not on/off", text);
        break;
    case LAB_P_FLAVOR:
        if (rope_flavor_from_name(text, &q.flavor))
            return rope_fail(err, "flavor: '%s' is unknown; use hf or llamacpp", text);
        break;
    case LAB_P_POSITION:
        if (ropeargs_double(name, text, 0, BIG, &d, err))
            return -1;
        return set_position(L, d, err);
    default:
        return rope_fail(err, "parameter %d does not exist", (int)k);
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

void lab_focus_step(lab *L, int dir)
{
    L->focus = (lab_param)((L->focus + (dir < 0 ? LAB_P_COUNT - 1 : 1)) % LAB_P_COUNT);
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
