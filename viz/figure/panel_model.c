/* viz/figure/panel_model.c — panel 8's three sub-views from the numbers the explorer's background jobs
 * computed (panel_model.h): loss by position (smoothed per column, L and s·L marked), measured
 * attention over distance (log Δ axis, binned, beside ropecore's q = k = 1 curve), and a text table
 * (perplexities, passkey probe, continuations shaded by log-probability). Stale parts are greyed. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "panel.h"
#include "panel_decay.h"
#include "panel_model.h"

char plot_model_shade(double lp)
{
    static const char ramp[] = PLOT_MODEL_SHADE;
    if (!(lp < 0.0)) return ramp[0];
    double lv = floor(-lp / 0.5);
    int k = lv > 9.0 ? 9 : (int)lv;
    return ramp[k];
}

static int stale(const plot_model *m, unsigned long stamp)
{
    return stamp != 0 && stamp != m->generation;
}

static void fmt_ppl(double v, unsigned long stamp, char *buf, size_t n)
{
    if (!stamp) snprintf(buf, n, "…");
    else snprintf(buf, n, "%.4f", v);
}

/* The title: the sub-view, the model and passage, "stale" when a part is. */
static void title(plot_figure *f, const plot_model *m, const char *what, int is_stale)
{
    snprintf(f->title, sizeof f->title, "model · %.40s%.4s%.31s%.9s", what, m->source[0] ? " · " : "", m->source,
             is_stale ? " · stale" : "");
}

/* The note: a problem, else progress, else the fallback. */
static void note(plot_figure *f, const plot_model *m, const char *fallback)
{
    snprintf(f->note, sizeof f->note, "%.159s", m->line[0] ? m->line : m->progress[0] ? m->progress : fallback);
}

static int loss_view(const plot_model *m, double w_chars, plot_figure *f, rope_error *err)
{
    f->kind = PLOT_KIND_XY;
    int any_stale = 0, n = m->n_loss;
    int bins = (int)(w_chars / 2); /* per-token loss is noisy: a mean over ~s·L/64 tokens per point */
    if (bins < 16) bins = 16;
    if (bins > 128) bins = 128;
    if (n > 1 && bins > n) bins = n;
    double lo_y = INFINITY, hi_y = -INFINITY;
    /* plain RoPE and the comparison first, the current method on top */
    static const int order[PLOT_MODEL_SLOTS] = { 1, 2, 0 };
    for (int oi = 0; oi < PLOT_MODEL_SLOTS; oi++) {
        const plot_model_slot *s = &m->slot[order[oi]];
        if (!s->used || !s->stamp_sL || !s->loss || n < 2) continue;
        int st = stale(m, s->stamp_sL);
        any_stale |= st;
        char name[PLOT_LABEL], a[24], b[24];
        fmt_ppl(s->ppl_L, s->stamp_L, a, sizeof a);
        fmt_ppl(s->ppl_sL, s->stamp_sL, b, sizeof b);
        snprintf(name, sizeof name, "%.12s ppl %.9s/%.9s%s", rope_method_get(s->method)->name, a, b, st ? " stale" : "");
        plot_series *ps = plot_add_series(f, name, st ? PLOT_ROLE_DIM : (plot_role)(PLOT_ROLE_METHOD + s->method),
                                          PLOT_LINE, bins);
        if (!ps) return rope_fail(err, "model panel: figure pool exhausted");
        ps->emphasis = order[oi] == 0 && !st;
        for (int b2 = 0; b2 < bins; b2++) {
            long p0 = (long)b2 * n / bins, p1 = (long)(b2 + 1) * n / bins;
            double sum = 0.0;
            for (long p = p0; p < p1; p++) sum += s->loss[p];
            double y = p1 > p0 ? sum / (double)(p1 - p0) : NAN;
            ps->x[b2] = 0.5 * (double)(p0 + p1);
            ps->y[b2] = y;
            if (isfinite(y)) { lo_y = fmin(lo_y, y); hi_y = fmax(hi_y, y); }
        }
    }
    double hi_x = m->sL > 1 ? m->sL : 2.0;
    char buf[PLOT_LABEL];
    if (m->L >= 1) {
        snprintf(buf, sizeof buf, "L=%d", m->L);
        plot_add_vmarker(f, m->L, PLOT_ROLE_MARK_CTX, buf);
    }
    if (m->sL > m->L) {
        snprintf(buf, sizeof buf, "s·L=%d", m->sL);
        plot_add_vmarker(f, m->sL, PLOT_ROLE_MARK_EXT, buf);
    }
    plot_axis_set(&f->x, 0, hi_x, 0, "position");
    if (!(lo_y <= hi_y)) { lo_y = 0; hi_y = 1; }
    plot_axis_fit(&f->y, lo_y, hi_y, 0, "loss nats");
    title(f, m, "loss by position", any_stale);
    char fb[160];
    if (lo_y == 0 && hi_y == 1 && !any_stale && !m->slot[0].stamp_sL)
        snprintf(fb, sizeof fb, "waiting for the model");
    else
        snprintf(fb, sizeof fb, "mean over %d-token bins; legend: ppl at L=%d / at %d (ropescope ppl --score all)",
                 n > 0 ? (n + bins - 1) / bins : 0, m->L, m->sL);
    note(f, m, fb);
    return 0;
}

static int attn_view(const plot_model *m, const rope_table *t, double w_chars, plot_figure *f, rope_error *err)
{
    f->kind = PLOT_KIND_XY;
    int n = m->attn_n, st = stale(m, m->stamp_attn);
    double hi = n > 2 ? n - 1 : fmax(2.0 * m->sL, 4.0);
    int bins = (int)(2 * w_chars);
    if (bins < 16) bins = 16;
    if (bins > 512) bins = 512;
    double lo_w = INFINITY, hi_w = 0;
    for (int k = 0; k < 2 && n > 2 && m->stamp_attn; k++)
        for (int part = 0; part < 2; part++) {
            const double *v = part ? m->weight[k] : m->score[k];
            if (!v) continue;
            char name[PLOT_LABEL];
            snprintf(name, sizeof name, "%s%s%s", rope_method_get(m->attn_method[k])->name,
                     part ? " weight" : " score", st ? " stale" : "");
            plot_series *s = plot_decay_series(f, name, st ? PLOT_ROLE_DIM : (plot_role)(PLOT_ROLE_METHOD + m->attn_method[k]),
                                               part ? PLOT_POINTS : PLOT_LINE, v, (long)hi, bins, part);
            if (!s) return rope_fail(err, "model panel: figure pool exhausted");
            s->y2 = part;
            s->emphasis = k == 0 && !part && !st;
            double mx = 0;
            for (int j = 0; j < s->n; j++) {
                double y = s->y[j];
                if (part && y > 0) { lo_w = fmin(lo_w, y); hi_w = fmax(hi_w, y); }
                if (!part && fabs(y) > mx) mx = fabs(y);
            }
            if (!part && mx > 0)
                for (int j = 0; j < s->n; j++) s->y[j] /= mx;
        }
    /* ropecore's q = k = 1 curve for the current table, on the same normalisation */
    rope_grid g = { 1.0, hi, bins, 1 };
    plot_series *a = plot_add_series(f, "q=k=1 analytic", PLOT_ROLE_PAPER, PLOT_LINE, bins);
    if (!a) return rope_fail(err, "model panel: figure pool exhausted");
    if (rope_score_curve(t, ROPE_SCORE_ONES, &g, a->y, err)) return -1;
    double mx = 0;
    for (int j = 0; j < g.n; j++) {
        a->x[j] = rope_grid_at(&g, j);
        if (fabs(a->y[j]) > mx) mx = fabs(a->y[j]);
    }
    for (int j = 0; j < g.n && mx > 0; j++) a->y[j] /= mx;
    char buf[PLOT_LABEL];
    if (m->L >= 1 && m->L <= hi) {
        snprintf(buf, sizeof buf, "L=%d", m->L);
        plot_add_vmarker(f, m->L, PLOT_ROLE_MARK_CTX, buf);
    }
    if (m->sL > m->L && m->sL <= hi + 1) { /* the window's last distance is s·L − 1 */
        snprintf(buf, sizeof buf, "s·L=%d", m->sL);
        plot_add_vmarker(f, fmin(m->sL, hi), PLOT_ROLE_MARK_EXT, buf);
    }
    plot_axis_set(&f->x, 1, hi, 1, "Δ tokens");
    plot_axis_set(&f->y, -1, 1, 0, "score/max");
    if (hi_w > 0) {
        f->has_y2 = 1;
        plot_axis_fit(&f->y2, lo_w, hi_w, 1, "mean weight");
    }
    char what[64], fb[160];
    if (m->layer < 0) snprintf(what, sizeof what, "attention by distance, mean of all heads");
    else snprintf(what, sizeof what, "attention by distance, layer %d head %d", m->layer, m->head < 0 ? 0 : m->head);
    title(f, m, what, st);
    snprintf(fb, sizeof fb, "%d tokens of the passage; each score curve ÷ its largest |value|; d/D layer/head",
             m->attn_n);
    note(f, m, fb);
    return 0;
}

/* A text row: label and up to four cells. */
static void row(plot_table *tb, int r, const char *label, const char *a, const char *b, const char *c,
                const char *d, plot_role role)
{
    const char *v[5] = { label, a, b, c, d };
    for (int k = 0; k < 5; k++)
        snprintf(plot_table_cell(tb, r, k), PLOT_CELL, "%.15s", v[k] ? v[k] : "");
    tb->row_role[r] = (unsigned char)role;
}

static int text_view(const plot_model *m, plot_figure *f, rope_error *err)
{
    f->kind = PLOT_KIND_TABLE;
    int gen_rows = m->stamp_gen && m->n_gen > 0 ? (m->n_gen + 14) / 15 : 0;
    int n_rows = 2 + (m->want_2sL ? 1 : 0) + 2 + 1 + 1 + gen_rows;
    if (plot_table_init(f, 5, n_rows)) return rope_fail(err, "model panel: figure pool exhausted");
    plot_table *tb = &f->table;
    static const int width[5] = { 13, 15, 15, 15, 15 };
    for (int c = 0; c < 5; c++) {
        tb->width[c] = width[c];
        tb->right[c] = 0;
    }
    tb->bar_col = -1;
    tb->role_col = 0;
    tb->cursor = -1;
    tb->scroll = 0;
    snprintf(tb->head[0], PLOT_CELL, "perplexity");
    int any_stale = 0;
    for (int k = 0; k < PLOT_MODEL_SLOTS; k++)
        snprintf(tb->head[1 + k], PLOT_CELL, "%s", m->slot[k].used ? rope_method_get(m->slot[k].method)->name : "");
    snprintf(tb->head[4], PLOT_CELL, " ");
    int r = 0;
    for (int which = 0; which < (m->want_2sL ? 3 : 2); which++) {
        char lab[32], c[3][32];
        int st = 0;
        snprintf(lab, sizeof lab, "at %s=%d", which == 2 ? "2sL" : which ? "sL" : "L",
                 which == 2 ? 2 * m->sL : which ? m->sL : m->L);
        for (int k = 0; k < PLOT_MODEL_SLOTS; k++) {
            const plot_model_slot *s = &m->slot[k];
            unsigned long stamp = which == 2 ? s->stamp_2sL : which ? s->stamp_sL : s->stamp_L;
            if (!s->used) { c[k][0] = '\0'; continue; }
            if (which == 2 && m->note_2sL[0] && !stamp) { snprintf(c[k], 24, "-"); continue; }
            fmt_ppl(which == 2 ? s->ppl_2sL : which ? s->ppl_sL : s->ppl_L, stamp, c[k], 24);
            if (stale(m, stamp)) { st = 1; strcat(c[k], " st"); }
        }
        any_stale |= st;
        row(tb, r++, lab, c[0], c[1], c[2], st ? "stale" : "", st ? PLOT_ROLE_DIM : PLOT_ROLE_TEXT);
    }
    /* passkey */
    {
        int st = stale(m, m->stamp_pk);
        any_stale |= st;
        char lab[32], a[32], b[32], c[32], d[32];
        snprintf(lab, sizeof lab, "passkey %d", m->pk_len);
        if (m->stamp_pk) {
            snprintf(a, sizeof a, "key %.2f", m->pk_lp_true);
            snprintf(b, sizeof b, "alt %.2f", m->pk_lp_alt);
            snprintf(c, sizeof c, "rank %d/%d", m->pk_rank, m->pk_n_alt + 1);
            snprintf(d, sizeof d, "gen %.6s %s", m->pk_gen, m->pk_gen_ok ? "ok" : "no");
        } else {
            snprintf(a, sizeof a, "…");
            b[0] = c[0] = d[0] = '\0';
        }
        row(tb, r++, lab, a, b, c, d, st ? PLOT_ROLE_DIM : PLOT_ROLE_TEXT);
        snprintf(lab, sizeof lab, "depth %.2f", m->pk_depth);
        snprintf(a, sizeof a, "key %d", m->pk_key);
        snprintf(b, sizeof b, "chance 1/%d", m->pk_n_alt + 1);
        row(tb, r++, m->stamp_pk ? lab : "", m->stamp_pk ? a : "", m->stamp_pk ? b : "",
            m->stamp_pk ? "log-prob nats" : "", st ? "stale" : "", st ? PLOT_ROLE_DIM : PLOT_ROLE_TEXT);
    }
    /* continuations */
    {
        int st = stale(m, m->stamp_gen);
        any_stale |= st;
        char lab[32], pr[32];
        snprintf(lab, sizeof lab, "after %d", m->ctx_gen);
        snprintf(pr, sizeof pr, "%.15s", m->prompt);
        row(tb, r++, "continuation", m->stamp_gen ? rope_method_get(m->gen_method[0])->name : "…", "shade",
            m->stamp_gen ? rope_method_get(m->gen_method[1])->name : "", "shade", st ? PLOT_ROLE_DIM : PLOT_ROLE_ACCENT);
        row(tb, r++, lab, "prompt:", pr, "", st ? "stale" : "", st ? PLOT_ROLE_DIM : PLOT_ROLE_TEXT);
        for (int g = 0; g < gen_rows; g++) {
            char cell[4][PLOT_CELL];
            for (int k = 0; k < 2; k++) {
                int j = 0;
                for (int t = g * 15; t < (g + 1) * 15 && t < m->n_gen; t++, j++) {
                    cell[2 * k][j] = m->gen_text[k][t];
                    cell[2 * k + 1][j] = plot_model_shade(m->gen_lp[k][t]);
                }
                cell[2 * k][j] = cell[2 * k + 1][j] = '\0';
            }
            char num[32];
            snprintf(num, sizeof num, "+%d", g * 15);
            row(tb, r++, num, cell[0], cell[1], cell[2], cell[3], st ? PLOT_ROLE_DIM : PLOT_ROLE_TEXT);
        }
    }
    tb->n_rows = r;
    title(f, m, "numbers", any_stale);
    note(f, m, m->note_2sL[0] ? m->note_2sL
                              : "shade: ' ' likely … '@' unlikely (0.5 nats a step); v comparison, g prompt, i passkey, L 2·s·L");
    return 0;
}

int plot_model_figure(const plot_model *m, const rope_table *t, int which, double w_chars, double h_chars,
                      plot_figure *f, rope_error *err)
{
    (void)h_chars;
    plot_figure_clear(f);
    if (which == PLOT_MODEL_ATTN) return attn_view(m, t, w_chars, f, err);
    if (which == PLOT_MODEL_TEXT) return text_view(m, f, err);
    return loss_view(m, w_chars, f, err);
}
