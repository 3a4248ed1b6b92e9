/* app/explorer/tui_app.c — the explorer's controller: every key and mouse action, the input modes, and
 * the chrome text (title, parameter bar, status line built with tablefmt). See tui_app.h. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "tablefmt.h"
#include "tour.h"
#include "tui_app.h"

const tui_help_line tui_app_keys[] = {
    { "q  F10  Ctrl-C", "quit" },
    { "?  F1  h", "this help (Esc closes)" },
    { "Esc", "close an overlay, cancel typing" },
    { "m  M", "next / previous method" },
    { "T", "guided tour on / off (also ropescope tui --tour)" },
    { "n  N", "tour: next / previous step" },
    { "Up  Down", "focus the previous / next parameter (stops at the ends)" },
    { "Left Right  - +", "change the focused parameter" },
    { "=  Enter", "type a value for it (Enter applies)" },
    { "f", "flavor hf / llamacpp / vllm" },
    { "P", "engine parity: hf, llamacpp, vllm side by side (Esc closes)" },
    { "t", "truncate the correction range on / off" },
    { "[  ]", "previous / next preset (asks before replacing your method and factor)" },
    { "p", "pick a preset from the list" },
    { "r", "reset to the start-up parameters" },
    { "1 ... 8", "show / hide panel N (8: the model)" },
    { "Tab  Shift-Tab", "focus the next / previous panel" },
    { "z", "zoom the focused panel (again: back)" },
    { "j k  PgUp PgDn", "move the pair-table cursor" },
    { "Home  End", "first / last pair" },
    { "Space", "add / remove the cursor pair's dial" },
    { "x", "clear the dial selection" },
    { "a", "animate the position p" },
    { "l", "linear / log distance axis (score)" },
    { "b", "RoFormer bound on / off (score)" },
    { "c", "cycle the methods compared (score)" },
    { "e", "export: pick a format, then the file (the path written is shown)" },
    { "o", "model panel: next sub-view (zoom shows all)" },
    { "v", "model panel: next comparison method" },
    { "d  D", "model panel: attention layer (all = mean) / head" },
    { "g", "model panel: edit the continuation prompt" },
    { "i  w", "model panel: passkey depth / length" },
    { "L", "model panel: perplexity at 2·s·L too, once for the current parameters" },
    { "click", "focus a panel, a parameter, a pair" },
    { "wheel", "change the value under the pointer" },
};
const int tui_app_n_keys = (int)(sizeof tui_app_keys / sizeof tui_app_keys[0]);

/* The score panel's comparison sets (the current method is always drawn). */
static const unsigned score_sets[] = {
    (1u << ROPE_NONE) | (1u << ROPE_LINEAR),
    (1u << ROPE_NONE) | (1u << ROPE_LINEAR) | (1u << ROPE_NTK) | (1u << ROPE_YARN),
    0x1FFu,
    0u,
};
#define N_SCORE_SETS ((int)(sizeof score_sets / sizeof score_sets[0]))

static void say(tui_app *a, int error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void say(tui_app *a, int error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->message, sizeof a->message, fmt, ap);
    va_end(ap);
    a->message_error = error;
}

int tui_app_init(tui_app *a, const rope_config *start, const char *source, rope_error *err)
{
    memset(a, 0, sizeof *a);
    if (lab_init(&a->lab, start, source, err))
        return -1;
    plot_layout_init(&a->layout);
    live_opts_default(&a->lopt);
    a->live_stage = -1;
    a->n_presets = rope_preset_count();
    if (a->n_presets > TUI_APP_MAX_PRESETS)
        a->n_presets = TUI_APP_MAX_PRESETS;
    for (int i = 0; i < a->n_presets; i++) {
        snprintf(a->preset_line[i], sizeof a->preset_line[i], "%-28s %s", rope_preset_name(i), rope_preset_title(i));
        a->preset_ptr[i] = a->preset_line[i];
    }
    static const char *const what[ROPE_EXPORT_COUNT] = {
        "config.json fragment (legacy rope_scaling)", "config.json fragment (v5 rope_parameters)",
        "vllm serve --hf-overrides arguments", "llama-cli / llama-server flags", "GGUF metadata keys"
    };
    snprintf(a->format_line[0], sizeof a->format_line[0], "%-9s %s", "all", "every format in one file");
    for (int f = 0; f < ROPE_EXPORT_COUNT && f < 7; f++)
        snprintf(a->format_line[f + 1], sizeof a->format_line[f + 1], "%-9s %s", rope_export_name((rope_export_format)f),
                 what[f]);
    for (int f = 0; f <= ROPE_EXPORT_COUNT && f < 8; f++)
        a->format_ptr[f] = a->format_line[f];
    a->tour = -1;
    a->export_format = -1;
    if (a->lab.cfg.params.factor <= 1.0 && !a->lab.source[0])
        say(a, 0, "s = 1: every method is plain RoPE · Right raises s · m method · T tour");
    return 0;
}

void tui_app_free(tui_app *a)
{
    lab_free(&a->lab);
    free(a->parity);
    a->parity = NULL;
    if (a->live) { /* the worker is gone by now: nothing else touches the source */
        live_src_free(a->live);
        free(a->live);
        a->live = NULL;
    }
}

int tui_app_live(tui_app *a, const char *model_path, const char *text_path, int threads, rope_error *err)
{
    a->live = malloc(sizeof *a->live);
    if (!a->live)
        return rope_fail(err, "out of memory");
    live_src_init(a->live, model_path, text_path, threads);
    return 0;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static live_result *held_result(const tui_app *a)
{
    return a->lab.live.stamp ? (live_result *)a->lab.live.result : NULL;
}

/* Submits stage `stage` of the chain for the current parameters and options. */
static void live_submit(tui_app *a, int stage)
{
    live_job *j = calloc(1, sizeof *j);
    if (!j)
        return;
    j->src = a->live;
    j->stamp = a->lab.generation;
    j->stage = stage;
    j->p = a->lab.cfg.params;
    j->o = a->lopt;
    j->res = live_result_next(held_result(a), &j->p, &j->o, j->stamp);
    if (!j->res) {
        free(j);
        return;
    }
    a->live_sent = a->lab.generation;
    a->lopt_sent = a->lopt_ver;
    a->live_stage = stage;
    a->live_t0 = now_s();
    lab_live_started(&a->lab, live_stage_name(stage));
    worker_job job = { live_job_run, j, live_job_free, j->stamp };
    rope_error e;
    worker_submit(a->jobs, &job, &e);
}

void tui_app_live_kick(tui_app *a)
{
    if (!a->live || !a->jobs)
        return;
    live_result *h = held_result(a);
    if (h && (a->lab.live.stamp != a->lab.generation || a->lopt_derived != a->lopt_ver)) {
        /* at once, before any job: the parts the change does not touch become current, the rest stale */
        live_result *n = live_result_next(h, &a->lab.cfg.params, &a->lopt, a->lab.generation);
        if (n) {
            unsigned long pending = a->lab.live.pending;
            lab_live_post(&a->lab, a->lab.generation, 0, NULL, n, live_result_free);
            a->lab.live.pending = pending;
            a->lopt_derived = a->lopt_ver;
        }
    }
    if (!(a->layout.visible & (1u << PLOT_PANEL_MODEL)))
        return;
    if (a->live_sent == a->lab.generation && a->lopt_sent == a->lopt_ver)
        return;
    if (worker_is_sync(a->jobs) && !a->live_waiting)
        return; /* snapshots run the model only at <Wait>: frames stay deterministic and cheap */
    live_submit(a, 0);
}

int tui_app_collect(tui_app *a)
{
    worker_done d;
    if (!a->jobs || !worker_collect(a->jobs, &d))
        return 0;
    if (d.job.fn != live_job_run) {
        lab_live_post(&a->lab, d.job.stamp, d.rc, d.rc ? "the background job failed" : NULL, d.job.args,
                      d.job.free_args);
        return 1;
    }
    live_job *j = d.job.args;
    live_result *r = j->res;
    int stage = j->stage;
    unsigned long stamp = j->stamp;
    j->res = NULL;
    if (d.rc)
        snprintf(r->pm.line, sizeof r->pm.line, "%.199s", j->error);
    live_job_free(j);
    live_result_select(r, a->lopt.layer, a->lopt.head);
    lab_live_post(&a->lab, stamp, d.rc, d.rc ? r->pm.line : NULL, r, live_result_free);
    a->live_stage = -1;
    if (!d.rc && stage + 1 < LIVE_STAGES && stamp == a->lab.generation && a->lopt_sent == a->lopt_ver)
        live_submit(a, stage + 1);
    else
        tui_app_live_kick(a);
    return 1;
}

/* --- engine parity ------------------------------------------------------------------------------- */

static void parity_add(tui_app *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void parity_add(tui_app *a, const char *fmt, ...)
{
    if (a->n_parity_lines >= TUI_APP_PARITY_LINES)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->parity_line[a->n_parity_lines], sizeof a->parity_line[0], fmt, ap);
    va_end(ap);
    a->parity_ptr[a->n_parity_lines] = a->parity_line[a->n_parity_lines];
    a->n_parity_lines++;
}

/* Recomputes the parity of the current parameters when they changed since the last time. */
static void parity_refresh(tui_app *a)
{
    if (a->parity && a->parity_gen == a->lab.generation)
        return;
    rope_error e;
    a->n_parity_lines = 0;
    if (!a->parity)
        a->parity = malloc(sizeof *a->parity);
    if (!a->parity) {
        snprintf(a->parity_status, sizeof a->parity_status, "parity: out of memory");
        return;
    }
    a->parity_gen = a->lab.generation;
    if (rope_parity_check(&a->lab.cfg, 0, a->parity, &e)) {
        snprintf(a->parity_status, sizeof a->parity_status, "parity: %.140s", e.msg);
        parity_add(a, "%.190s", a->parity_status);
        return;
    }
    const rope_parity *pr = a->parity;
    rope_parity_status(pr, a->parity_status, sizeof a->parity_status);
    parity_add(a, "served length %d (vLLM --max-model-len, llama.cpp -c); short prompt %d", pr->served, pr->prompt);
    for (int f = 0; f < ROPE_FLAVOR_COUNT; f++) {
        const rope_engine *g = &pr->eng[f];
        double rel;
        int at;
        rope_parity_max_rel(pr, (rope_flavor)f, 0, &rel, &at);
        if (!g->ok)
            parity_add(a, "%-9s refuses: %.170s", rope_flavor_name((rope_flavor)f), g->error);
        else
            parity_add(a, "%-9s %-30.30s magnitude %.4f  logits x%.4f  inv_freq vs hf %.2g (pair %d)",
                       rope_flavor_name((rope_flavor)f), g->runs, g->table.magnitude, g->logit_mult, rel, at);
    }
    for (int k = 0; k < pr->n_diffs; k++)
        parity_add(a, "%.199s", pr->diff[k].line);
    for (int k = 0; k < pr->n_notes; k++)
        parity_add(a, "note: %.193s", pr->note[k]);
    parity_add(a, "%s", pr->agree ? "engines agree" : a->parity_status);
}

static void handle_parity(tui_app *a, const tui_event *ev)
{
    int k = ev->key;
    if (k == TUI_KEY_DOWN || k == 'j') a->parity_cursor++;
    else if (k == TUI_KEY_UP || k == 'k') a->parity_cursor--;
    else if (k == TUI_KEY_HOME) a->parity_cursor = 0;
    else if (k == TUI_KEY_END) a->parity_cursor = a->n_parity_lines - 1;
    else if (k == 'q' || k == TUI_KEY_F1 + 9 || k == TUI_CTRL('c')) a->quit = 1;
    else if (k == TUI_KEY_ESC || k == 'P' || k == TUI_KEY_ENTER) a->mode = TUI_MODE_NORMAL;
    if (a->parity_cursor >= a->n_parity_lines) a->parity_cursor = a->n_parity_lines - 1;
    if (a->parity_cursor < 0) a->parity_cursor = 0;
}

void tui_app_wait(tui_app *a)
{
    if (!a->jobs)
        return;
    a->live_waiting = 1;
    tui_app_live_kick(a);
    for (;;) {
        worker_wait(a->jobs);
        if (!tui_app_collect(a) && !worker_busy(a->jobs))
            break;
    }
    a->live_waiting = 0;
}

/* The model panel's plot_model for this frame: the held result (with the current generation, the
 * sub-view and the progress line) or the idle one. */
static void live_frame(tui_app *a)
{
    live_result *r = held_result(a);
    plot_model *m = r ? &r->pm : &a->idle_pm;
    if (!r) {
        memset(m, 0, sizeof *m);
        rope_params *p = &a->lab.cfg.params;
        m->L = p->orig_ctx;
        m->sL = live_window(p);
        m->layer = m->head = -1;
        if (!a->live)
            snprintf(m->line, sizeof m->line, "the model panel is off here");
        else if (a->jobs && worker_is_sync(a->jobs))
            snprintf(m->line, sizeof m->line, "not computed yet (--keys '<Wait>' runs the model)");
    }
    m->generation = a->lab.generation;
    m->view = a->lview;
    m->progress[0] = '\0';
    if (a->jobs && a->live_stage >= 0 && worker_busy(a->jobs)) {
        double done;
        char what[96];
        worker_progress(a->jobs, &done, what, sizeof what);
        double el = now_s() - a->live_t0, left = done > 0.02 ? el * (1 - done) / done : -1;
        char lt[32] = "";
        if (left >= 0) snprintf(lt, sizeof lt, " · ~%.1f s left", left);
        int pct = done < 0 ? 0 : done > 1 ? 100 : (int)(100 * done + 0.5);
        snprintf(m->progress, sizeof m->progress, "computing %.56s (step %d/%d) · %d %%%.24s",
                 what[0] ? what : live_stage_name(a->live_stage), a->live_stage + 1 > 9 ? 9 : a->live_stage + 1,
                 LIVE_STAGES, pct, lt);
    }
    lab_view_set_model(&a->lab, m);
}

/* --- helpers ----------------------------------------------------------------------------------- */

static void refused(tui_app *a, const rope_error *e)
{
    say(a, 1, "refused: %s", e->msg);
}

static void cursor_move(tui_app *a, int delta)
{
    lab_cursor_move(&a->lab, delta, a->hits.table_rows);
}

static void step(tui_app *a, lab_param k, int dir)
{
    rope_error e;
    if (lab_step(&a->lab, k, dir, &e))
        refused(a, &e);
    else
        a->message[0] = '\0';
}

static void toggle_panel(tui_app *a, int id)
{
    int r = plot_layout_toggle(&a->layout, id);
    if (r < 0)
        say(a, 1, "panel %d is the last one shown; show another first", id + 1);
    else
        say(a, 0, "panel %d %s %s", id + 1, plot_panel_name((plot_panel_id)id), r ? "shown" : "hidden");
}

static void toggle_selection(tui_app *a)
{
    int r = lab_toggle_dial(&a->lab);
    if (r < 0)
        say(a, 1, "at most %d dials; remove one first (x clears all)", PLOT_MAX_SEL);
    else
        say(a, 0, "pair %d: dial %s", a->lab.cursor, r ? "added" : "removed");
}

static void load_preset_now(tui_app *a, int index, int keep)
{
    rope_error e;
    if (keep ? lab_load_preset_keep(&a->lab, index, &e) : lab_load_preset(&a->lab, index, &e))
        refused(a, &e);
    else if (keep)
        say(a, 0, "loaded preset %s's geometry, kept your %s x%g", rope_preset_name(index),
            rope_method_get(a->lab.cfg.params.method)->name, a->lab.cfg.params.factor);
    else
        say(a, 0, "loaded preset %s: %s", rope_preset_name(index), rope_preset_title(index));
}

/* A preset replaces the method and factor: when the user chose others (not the start-up ones or
 * a preset's), ask first. */
static void load_preset(tui_app *a, int index)
{
    rope_config c;
    rope_error e;
    const rope_params *u = &a->lab.cfg.params;
    if (rope_preset_load(rope_preset_name(index), &c, &e)) {
        refused(a, &e);
        return;
    }
    int chosen = u->method != ROPE_NONE || u->factor != 1.0;
    if (chosen && (c.params.method != u->method || c.params.factor != u->factor)) {
        a->ask_preset = index;
        a->mode = TUI_MODE_PRESET_ASK;
        snprintf(a->input, sizeof a->input, "preset %s is %s x%g; you have %s x%g", rope_preset_name(index),
                 rope_method_get(c.params.method)->name, c.params.factor, rope_method_get(u->method)->name, u->factor);
        return;
    }
    load_preset_now(a, index, 0);
}

static void start_input(tui_app *a, tui_mode mode, const char *initial)
{
    a->mode = mode;
    snprintf(a->input, sizeof a->input, "%s", initial);
}

/* Appends a typed character to the input line (Enter is handled by each mode). */
static void input_char(tui_app *a, int key)
{
    size_t n = strlen(a->input);
    if (key < 32 || key > 0x10FFFF || n + 5 >= sizeof a->input)
        return;
    n += (size_t)tui_utf8_put((uint32_t)key, a->input + n);
    a->input[n] = '\0';
}

static void input_backspace(tui_app *a)
{
    size_t n = strlen(a->input);
    while (n > 0 && ((unsigned char)a->input[n - 1] & 0xC0) == 0x80)
        n--; /* continuation bytes */
    if (n > 0)
        n--;
    a->input[n] = '\0';
}

static void do_export(tui_app *a, int overwrite)
{
    rope_error e;
    char where[512] = "", cwd[400];
    if (a->input[0] != '/' && getcwd(cwd, sizeof cwd))
        snprintf(where, sizeof where, "%s/", cwd);
    rope_notes notes;
    notes.n = 0;
    if (lab_export_as(&a->lab, a->export_format, a->input, overwrite, &notes, &e))
        say(a, 1, "export failed: %s", e.msg);
    else if (a->export_format < 0)
        say(a, 0, "wrote every export format to %.300s%.200s", where, a->input);
    else
        say(a, 0, "wrote the %s export to %.200s%.100s%s%.120s", rope_export_name((rope_export_format)a->export_format),
            where, a->input, notes.n ? " · note: " : "", notes.n ? notes.line[0] : "");
}

/* --- modes --------------------------------------------------------------------------------------- */

static void handle_input(tui_app *a, const tui_event *ev)
{
    int k = ev->key;
    if (k == TUI_KEY_ESC) {
        a->mode = TUI_MODE_NORMAL;
        say(a, 0, "cancelled");
    } else if (k == TUI_KEY_BACKSPACE || k == TUI_KEY_DELETE) {
        input_backspace(a);
    } else if (k == TUI_CTRL('c')) {
        a->quit = 1;
    } else if (k == TUI_CTRL('u')) {
        a->input[0] = '\0';
    } else if (k > 0 && k < 0x110000) {
        input_char(a, k);
    }
}

static void handle_value(tui_app *a, const tui_event *ev)
{
    if (ev->key != TUI_KEY_ENTER) {
        handle_input(a, ev);
        return;
    }
    a->mode = TUI_MODE_NORMAL;
    if (!a->input[0]) {
        say(a, 0, "cancelled: nothing typed");
        return;
    }
    rope_error e;
    lab_param k = a->lab.focus;
    if (lab_set_text(&a->lab, k, a->input, &e)) {
        refused(a, &e);
        return;
    }
    char v[64];
    lab_param_text(&a->lab, k, v, sizeof v);
    say(a, 0, "%s = %s", lab_param_name(k), v);
}

static void handle_prompt(tui_app *a, const tui_event *ev)
{
    if (ev->key != TUI_KEY_ENTER) {
        handle_input(a, ev);
        return;
    }
    a->mode = TUI_MODE_NORMAL;
    if (!a->input[0]) {
        say(a, 0, "cancelled: the prompt is unchanged");
        return;
    }
    size_t n = 0;
    for (const char *p = a->input; *p && n + 1 < sizeof a->lopt.prompt; p++)
        if ((unsigned char)*p >= 32 && (unsigned char)*p < 127) /* byte tokens: printable ASCII */
            a->lopt.prompt[n++] = *p;
    a->lopt.prompt[n] = '\0';
    a->lopt_ver++;
    say(a, 0, "continuation prompt: \"%s\"", a->lopt.prompt);
}

/* The model panel's keys (o v d D g i w L); 1 if k was one. */
static int model_key(tui_app *a, int k)
{
    live_result *r = held_result(a);
    switch (k) {
    case 'o':
        a->lview = (a->lview + 1) % PLOT_MODEL_VIEWS;
        say(a, 0, "model panel: %s", a->lview == PLOT_MODEL_LOSS ? "loss by position" :
            a->lview == PLOT_MODEL_ATTN ? "attention over distance" : "numbers, passkey, continuations");
        return 1;
    case 'v': {
        rope_method meth[PLOT_MODEL_SLOTS];
        int used[PLOT_MODEL_SLOTS];
        live_slot_methods(&a->lab.cfg.params, (rope_method)((a->lopt.cmp + 1) % ROPE_METHOD_COUNT), meth, used);
        a->lopt.cmp = meth[2];
        a->lopt_ver++;
        say(a, 0, "model panel compares with %s", rope_method_get(a->lopt.cmp)->name);
        return 1;
    }
    case 'd': case 'D': {
        int nl = r ? r->att_layers : 0, nh = r ? r->att_heads : 0;
        if (nl < 1 || nh < 1) {
            say(a, 1, "no attention measured yet");
            return 1;
        }
        if (k == 'd') {
            a->lopt.layer = a->lopt.layer + 1 >= nl ? -1 : a->lopt.layer + 1;
            if (a->lopt.layer >= 0 && a->lopt.head < 0) a->lopt.head = 0;
        } else {
            if (a->lopt.layer < 0) a->lopt.layer = 0;
            a->lopt.head = (a->lopt.head + 1) % nh;
        }
        live_result_select(r, a->lopt.layer, a->lopt.head);
        if (a->lopt.layer < 0) say(a, 0, "attention: mean over every layer and head");
        else say(a, 0, "attention: layer %d head %d", a->lopt.layer, a->lopt.head);
        return 1;
    }
    case 'g': start_input(a, TUI_MODE_PROMPT, a->lopt.prompt); return 1;
    case 'i':
        a->lopt.pk_depth = a->lopt.pk_depth >= 1.0 ? 0.0 : a->lopt.pk_depth + 0.25;
        a->lopt_ver++;
        say(a, 0, "passkey depth %.2f", a->lopt.pk_depth);
        return 1;
    case 'L':
        a->lopt.want_2sL = a->lab.generation;
        a->lopt_ver++;
        say(a, 0, "model panel: perplexity at 2·s·L = %d for the current parameters", 2 * live_window(&a->lab.cfg.params));
        return 1;
    case 'w':
        a->lopt.pk_len_sel = (a->lopt.pk_len_sel + 1) % 3;
        a->lopt_ver++;
        say(a, 0, "passkey length %s", a->lopt.pk_len_sel == 0 ? "s·L" : a->lopt.pk_len_sel == 1 ? "s·L/2" : "L");
        return 1;
    }
    return 0;
}

static void handle_export_name(tui_app *a, const tui_event *ev)
{
    if (ev->key != TUI_KEY_ENTER) {
        handle_input(a, ev);
        return;
    }
    a->mode = TUI_MODE_NORMAL;
    if (!a->input[0]) {
        say(a, 0, "export cancelled: no file name");
        return;
    }
    if (access(a->input, F_OK) == 0) {
        a->mode = TUI_MODE_CONFIRM;
        return;
    }
    do_export(a, 0);
}

static void handle_confirm(tui_app *a, const tui_event *ev)
{
    a->mode = TUI_MODE_NORMAL;
    if (ev->key == 'y' || ev->key == 'Y')
        do_export(a, 1);
    else
        say(a, 0, "export cancelled: %s left as it was", a->input);
}

static void handle_help(tui_app *a, const tui_event *ev)
{
    int k = ev->key;
    if (k == TUI_KEY_DOWN || k == 'j') a->help_scroll++;
    else if (k == TUI_KEY_UP || k == 'k') a->help_scroll--;
    else if (k == TUI_KEY_PGDN) a->help_scroll += 10;
    else if (k == TUI_KEY_PGUP) a->help_scroll -= 10;
    else if (k == 'q' || k == TUI_KEY_F1 + 9 || k == TUI_CTRL('c')) a->quit = 1;
    else if (k != TUI_KEY_RESIZE && k != TUI_KEY_TICK) a->mode = TUI_MODE_NORMAL;
    if (a->help_scroll > tui_app_n_keys) a->help_scroll = tui_app_n_keys;
    if (a->help_scroll < 0) a->help_scroll = 0;
}

static void handle_presets(tui_app *a, const tui_event *ev)
{
    int k = ev->key;
    if (k == TUI_KEY_DOWN || k == 'j') a->preset_cursor++;
    else if (k == TUI_KEY_UP || k == 'k') a->preset_cursor--;
    else if (k == TUI_KEY_HOME) a->preset_cursor = 0;
    else if (k == TUI_KEY_END) a->preset_cursor = a->n_presets - 1;
    else if (k == TUI_KEY_ENTER) {
        a->mode = TUI_MODE_NORMAL;
        load_preset(a, a->preset_cursor);
    } else if (k == 'q' || k == TUI_KEY_F1 + 9 || k == TUI_CTRL('c')) a->quit = 1;
    else if (k == TUI_KEY_ESC) a->mode = TUI_MODE_NORMAL;
    if (a->preset_cursor >= a->n_presets) a->preset_cursor = a->n_presets - 1;
    if (a->preset_cursor < 0) a->preset_cursor = 0;
}

static void handle_formats(tui_app *a, const tui_event *ev)
{
    int k = ev->key, n = 1 + ROPE_EXPORT_COUNT;
    if (k == TUI_KEY_DOWN || k == 'j') a->format_cursor++;
    else if (k == TUI_KEY_UP || k == 'k') a->format_cursor--;
    else if (k == TUI_KEY_ENTER) {
        static const char *const ext[ROPE_EXPORT_COUNT] = { "json", "json", "txt", "txt", "txt" };
        int f = a->format_cursor - 1;
        a->export_format = f;
        a->mode = TUI_MODE_EXPORT;
        if (f < 0)
            snprintf(a->input, sizeof a->input, "ropescope-export.txt");
        else
            snprintf(a->input, sizeof a->input, "ropescope-export-%s.%s", rope_export_name((rope_export_format)f),
                     ext[f]);
        return;
    } else if (k == 'q' || k == TUI_KEY_F1 + 9 || k == TUI_CTRL('c')) a->quit = 1;
    else if (k == TUI_KEY_ESC) { a->mode = TUI_MODE_NORMAL; say(a, 0, "export cancelled"); }
    if (a->format_cursor >= n) a->format_cursor = n - 1;
    if (a->format_cursor < 0) a->format_cursor = 0;
}

static void handle_preset_ask(tui_app *a, const tui_event *ev)
{
    int k = ev->key;
    if (k == 'k' || k == 'K' || k == 'y' || k == 'Y') {
        a->mode = TUI_MODE_NORMAL;
        load_preset_now(a, a->ask_preset, 1);
    } else if (k == 'p' || k == 'P' || k == 'n') {
        a->mode = TUI_MODE_NORMAL;
        load_preset_now(a, a->ask_preset, 0);
    } else if (k == TUI_KEY_ESC) {
        a->mode = TUI_MODE_NORMAL;
        say(a, 0, "preset not loaded: your parameters are unchanged");
    } else if (k == TUI_CTRL('c')) {
        a->quit = 1;
    }
}

static void tour_say(tui_app *a)
{
    const tour_step *s = tour_get(a->tour);
    if (s)
        say(a, 0, "tour %d/%d: %s", a->tour + 1, tour_count(), s->title);
}

int tui_app_tour(tui_app *a, int step)
{
    if (step < 0) {
        a->tour = -1;
        plot_layout_init(&a->layout);
        say(a, 0, "tour closed: every panel shown; T starts it again");
        return 0;
    }
    if (step >= tour_count())
        step = tour_count() - 1;
    rope_error e;
    if (tour_apply(&a->lab, step, &e)) {
        refused(a, &e);
        return -1;
    }
    const tour_step *s = tour_get(step);
    a->tour = step;
    a->layout.visible = tour_panels(s);
    a->layout.zoom = 0;
    a->layout.focus = s->focus_panel;
    plot_layout_focus(&a->layout, s->focus_panel);
    if (!(a->layout.visible & (1u << a->layout.focus)))
        plot_layout_focus_step(&a->layout, 1);
    tour_say(a);
    return 0;
}

static int in_rect(tui_rect r, int x, int y)
{
    return x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h;
}

static void handle_mouse(tui_app *a, const tui_event *ev)
{
    const lab *L = &a->lab;
    int dir = ev->button == TUI_MOUSE_WHEEL_UP ? 1 : ev->button == TUI_MOUSE_WHEEL_DOWN ? -1 : 0;
    for (int i = 0; i < a->hits.n_params; i++)
        if (in_rect(a->hits.param[i], ev->x, ev->y)) {
            lab_focus(&a->lab, (lab_param)i);
            if (dir)
                step(a, (lab_param)i, dir);
            return;
        }
    for (int id = 0; id < PLOT_PANEL_COUNT; id++) {
        if (!(a->hits.shown & (1u << id)) || !in_rect(a->hits.panel[id], ev->x, ev->y))
            continue;
        if (!dir) {
            plot_layout_focus(&a->layout, id);
            if (id == PLOT_PANEL_TABLE) {
                int row = ev->y - a->hits.panel[id].y - 2; /* frame, header */
                if (row >= 0 && row < a->hits.table_rows && L->scroll + row < L->view.table.n_pairs)
                    lab_cursor_set(&a->lab, L->scroll + row, a->hits.table_rows);
            }
            return;
        }
        if (id == PLOT_PANEL_TABLE) {
            cursor_move(a, -3 * dir);
        } else if (id == PLOT_PANEL_CLOCKS || id == PLOT_PANEL_HEATMAP) {
            step(a, LAB_P_POSITION, dir);
        } else if (id == PLOT_PANEL_FACTOR || id == PLOT_PANEL_SCORE) {
            step(a, LAB_P_FACTOR, dir);
        } else {
            step(a, a->lab.focus, dir);
        }
        return;
    }
}

static void handle_normal(tui_app *a, const tui_event *ev)
{
    lab *L = &a->lab;
    int k = ev->key;
    rope_error e;
    char note[320];
    switch (k) {
    case 'q': case TUI_CTRL('c'): case TUI_KEY_F1 + 9: a->quit = 1; return;
    case '?': case 'h': case TUI_KEY_F1: a->mode = TUI_MODE_HELP; a->help_scroll = 0; return;
    case TUI_KEY_ESC:
        if (a->layout.zoom) plot_layout_set_zoom(&a->layout, 0);
        a->message[0] = '\0';
        return;
    case 'm': case 'M':
        if (lab_cycle_method(&a->lab, k == 'm' ? 1 : -1, note, sizeof note, &e))
            refused(a, &e);
        else if (note[0])
            say(a, 0, "%s", note);
        else
            say(a, 0, "method %s: %s", rope_method_get(a->lab.cfg.params.method)->name,
                rope_method_get(a->lab.cfg.params.method)->title);
        return;
    case TUI_KEY_UP:
    case TUI_KEY_DOWN:
        if (!lab_focus_step(L, k == TUI_KEY_UP ? -1 : 1))
            say(a, 0, "%s is the %s parameter (%s goes back)", lab_param_name(L->focus),
                k == TUI_KEY_UP ? "first" : "last", k == TUI_KEY_UP ? "Down" : "Up");
        else
            a->message[0] = '\0';
        return;
    case 'T':
        tui_app_tour(a, a->tour < 0 ? 0 : -1);
        return;
    case 'n': case 'N':
        if (a->tour < 0) {
            say(a, 0, "%c steps through the tour; T starts it", k);
            return;
        }
        if (k == 'n' && a->tour + 1 >= tour_count()) {
            say(a, 0, "tour %d/%d is the last step: N goes back, T leaves the tour", a->tour + 1, tour_count());
            return;
        }
        if (k == 'N' && a->tour == 0) {
            say(a, 0, "tour 1/%d is the first step: n goes on, T leaves the tour", tour_count());
            return;
        }
        tui_app_tour(a, a->tour + (k == 'n' ? 1 : -1));
        return;
    case TUI_KEY_RIGHT: case '+': step(a, a->lab.focus, 1); return;
    case TUI_KEY_LEFT: case '-': step(a, a->lab.focus, -1); return;
    case '=': case TUI_KEY_ENTER: start_input(a, TUI_MODE_VALUE, ""); return;
    case 'f': step(a, LAB_P_FLAVOR, 1); return;
    case 't': step(a, LAB_P_TRUNCATE, 1); return;
    case '[': case ']': {
        int n = a->n_presets;
        if (n < 1) { say(a, 1, "no presets compiled in"); return; }
        int i = a->lab.preset < 0 ? (k == ']' ? 0 : n - 1) : (a->lab.preset + (k == ']' ? 1 : n - 1)) % n;
        load_preset(a, i);
        return;
    }
    case 'p':
        if (a->n_presets < 1) { say(a, 1, "no presets compiled in"); return; }
        a->mode = TUI_MODE_PRESETS;
        a->preset_cursor = a->lab.preset < 0 ? 0 : a->lab.preset;
        return;
    case 'r':
        if (lab_reset(&a->lab, &e)) refused(a, &e);
        else say(a, 0, "reset to the start-up parameters%s%s", a->lab.source[0] ? " from " : "", a->lab.source);
        return;
    case TUI_KEY_TAB: plot_layout_focus_step(&a->layout, 1); return;
    case TUI_KEY_BACKTAB: plot_layout_focus_step(&a->layout, -1); return;
    case 'z': plot_layout_set_zoom(&a->layout, !a->layout.zoom); return;
    case 'j': cursor_move(a, 1); return;
    case 'k': cursor_move(a, -1); return;
    case TUI_KEY_PGDN: cursor_move(a, a->hits.table_rows > 1 ? a->hits.table_rows - 1 : 10); return;
    case TUI_KEY_PGUP: cursor_move(a, -(a->hits.table_rows > 1 ? a->hits.table_rows - 1 : 10)); return;
    case TUI_KEY_HOME: lab_cursor_set(L, 0, a->hits.table_rows); return;
    case TUI_KEY_END: lab_cursor_set(L, L->view.table.n_pairs - 1, a->hits.table_rows); return;
    case ' ': toggle_selection(a); return;
    case 'x': lab_clear_dials(L); say(a, 0, "dial selection cleared: an automatic spread of pairs"); return;
    case 'a':
        lab_set_animate(L, !L->animate);
        say(a, 0, "animation %s", L->animate ? "on" : "off");
        return;
    case 'l': lab_set_score(L, !L->score_log, L->score_bound, L->score_methods); return;
    case 'b': lab_set_score(L, L->score_log, !L->score_bound, L->score_methods); return;
    case 'c':
        a->score_set = (a->score_set + 1) % N_SCORE_SETS;
        lab_set_score(L, L->score_log, L->score_bound, score_sets[a->score_set]);
        say(a, 0, "score panel compares %s", a->score_set == 0 ? "none and linear" : a->score_set == 1 ?
            "none, linear, ntk and yarn" : a->score_set == 2 ? "every method" : "the current method only");
        return;
    case 'e': a->mode = TUI_MODE_FORMATS; return;
    case 'P':
        parity_refresh(a);
        a->mode = TUI_MODE_PARITY;
        a->parity_cursor = 0;
        return;
    case TUI_KEY_MOUSE: handle_mouse(a, ev); return;
    case TUI_KEY_TICK: if (a->lab.animate) lab_tick(&a->lab); return;
    case TUI_KEY_RESIZE: return;
    case TUI_KEY_WAIT: tui_app_wait(a); return;
    }
    if (model_key(a, k))
        return;
    if (k >= '1' && k <= '0' + PLOT_PANEL_COUNT) {
        toggle_panel(a, k - '1');
        return;
    }
    if (k > ' ' && k < 127)
        say(a, 1, "key '%c' does nothing here; ? lists the keys", k);
}

void tui_app_handle(tui_app *a, const tui_event *ev)
{
    if (ev->key == TUI_KEY_TICK && a->mode != TUI_MODE_NORMAL) {
        if (a->lab.animate) lab_tick(&a->lab);
        return;
    }
    switch (a->mode) {
    case TUI_MODE_VALUE: handle_value(a, ev); break;
    case TUI_MODE_EXPORT: handle_export_name(a, ev); break;
    case TUI_MODE_CONFIRM: handle_confirm(a, ev); break;
    case TUI_MODE_HELP: handle_help(a, ev); break;
    case TUI_MODE_PRESETS: handle_presets(a, ev); break;
    case TUI_MODE_PARITY: handle_parity(a, ev); break;
    case TUI_MODE_FORMATS: handle_formats(a, ev); break;
    case TUI_MODE_PRESET_ASK: handle_preset_ask(a, ev); break;
    case TUI_MODE_PROMPT: handle_prompt(a, ev); break;
    default: handle_normal(a, ev); break;
    }
    tui_app_live_kick(a);
}

/* --- the chrome ------------------------------------------------------------------------------------ */

static void status_line(tui_app *a, char *buf, size_t n)
{
    const plot_view *v = &a->lab.view;
    const rope_table *t = &v->table;
    char reg[200], corr[120] = "", alt[160] = "";
    tablefmt_regimes(t, reg, sizeof reg);
    if (t->has_corr)
        snprintf(corr, sizeof corr, "corr raw %.4f..%.4f -> %g..%g · ", t->corr_low_raw, t->corr_high_raw,
                 t->corr_low, t->corr_high);
    if (v->flavor_alt_ok) {
        /* the same per-pair comparison as the pair table's ≠ column, plus the range and magnitude */
        const rope_table *o = &v->flavor_alt;
        const char *name = rope_flavor_name(o->flavor);
        int diffs = plot_view_flavor_diffs(v);
        int same_mag = fabs(o->magnitude - t->magnitude) < 1e-6;
        int same_corr = !t->has_corr || (o->corr_low == t->corr_low && o->corr_high == t->corr_high);
        char pairs[48] = "";
        if (diffs)
            snprintf(pairs, sizeof pairs, "%d pair%s differ", diffs, diffs == 1 ? "" : "s");
        if (same_mag && same_corr && !diffs)
            snprintf(alt, sizeof alt, " · %s: same", name);
        else if (!same_corr)
            snprintf(alt, sizeof alt, " · %s: %s%scorr %g..%g, magnitude %.7f", name, pairs, diffs ? ", " : "",
                     o->corr_low, o->corr_high, o->magnitude);
        else if (!same_mag)
            snprintf(alt, sizeof alt, " · %s: %s%smagnitude %.7f", name, pairs, diffs ? ", " : "", o->magnitude);
        else
            snprintf(alt, sizeof alt, " · %s: %s", name, pairs);
    }
    parity_refresh(a);
    snprintf(buf, n, "%smagnitude %.7f · logits x%.7f · %s%s · %.60s", corr, t->magnitude, t->logit_mult, reg, alt,
             a->parity_status);
}

/* The live lint line: rope_lint's findings for the current parameters, as if they were written to
 * a config (the type, factor and betas as the explorer has them now), warnings and errors first. */
static void lint_line(const tui_app *a, char *buf, size_t n, int *warn)
{
    const rope_params *p = &a->lab.cfg.params;
    rope_config c = a->lab.cfg;
    rope_config_raw *r = &c.raw;
    const char *name = rope_method_get(p->method)->name;
    r->has_scaling = p->method != ROPE_NONE || p->factor != 1.0;
    r->has_type = r->has_rope_type = p->method != ROPE_NONE;
    snprintf(r->type, sizeof r->type, "%s", p->method != ROPE_NONE ? name : "");
    snprintf(r->rope_type, sizeof r->rope_type, "%s", p->method != ROPE_NONE ? name : "");
    r->has_factor = p->factor != 1.0 || (rope_method_get(p->method)->uses & ROPE_USES_FACTOR);
    r->factor = p->factor;
    r->beta_fast = p->beta_fast;
    r->beta_slow = p->beta_slow;
    /* the explorer always knows L; a config written from it has max_position_embeddings = s·L (as
     * `export` writes it), except for dynamic NTK, whose L is max_position_embeddings itself */
    if (!r->has_orig_ctx) {
        r->has_orig_ctx = 1;
        r->orig_ctx_scaling = p->orig_ctx;
    }
    r->has_max_pos = 1;
    double ext = floor(p->factor * p->orig_ctx + 0.5);
    if (p->method != ROPE_DYNAMIC && p->method != ROPE_NONE && c.params.max_pos < ext && ext < 2e9)
        c.params.max_pos = (int)ext;
    rope_lint_item items[16];
    int total = rope_lint(&c, items, 16), shown = total < 16 ? total : 16;
    int best = -1, n_warn = 0;
    for (int i = 0; i < shown; i++) {
        if (items[i].level >= ROPE_LINT_WARN)
            n_warn++;
        if (best < 0 || items[i].level > items[best].level)
            best = i;
    }
    buf[0] = '\0';
    *warn = 0;
    if (best < 0 || items[best].level < ROPE_LINT_WARN) {
        if (total > 0)
            snprintf(buf, n, "lint: no warnings · note %s%s (ropescope lint explains)", items[0].rule,
                     total > 1 ? " and more" : "");
        return;
    }
    *warn = 1;
    snprintf(buf, n, "lint %s %s: %.200s%s", items[best].level == ROPE_LINT_ERROR ? "error" : "warning",
             items[best].rule, items[best].what, n_warn > 1 ? " (+ more: ropescope lint)" : "");
}

void tui_app_chrome(tui_app *a)
{
    live_frame(a);
    tui_chrome *c = &a->chrome;
    const rope_params *p = &a->lab.cfg.params;
    const rope_method_info *mi = rope_method_get(p->method);
    memset(c, 0, sizeof *c);
    snprintf(c->title, sizeof c->title, "ropescope · %s — %.90s%s%.60s", mi->name, mi->title,
             a->lab.source[0] ? " · " : "", a->lab.source);
    snprintf(c->title_right, sizeof c->title_right, "? help  q quit");
    c->n_params = LAB_P_COUNT;
    for (int k = 0; k < LAB_P_COUNT; k++) {
        tui_param_item *it = &c->params[k];
        snprintf(it->name, sizeof it->name, "%s", lab_param_name((lab_param)k));
        lab_param_text(&a->lab, (lab_param)k, it->value, sizeof it->value);
        it->focused = k == (int)a->lab.focus;
        it->unused = !lab_param_used(&a->lab, (lab_param)k);
    }
    status_line(a, c->status, sizeof c->status);
    snprintf(c->message, sizeof c->message, "%s", a->message);
    c->message_error = a->message_error;
    snprintf(c->hints, sizeof c->hints, "m method  Up/Down parameter  Left/Right change  = type  [ ] presets  "
             "1-8 panels  z zoom  a animate  e export  ? help  q quit");
    switch (a->mode) {
    case TUI_MODE_VALUE:
        snprintf(c->prompt, sizeof c->prompt, "%s = %s_   (Enter applies, Esc cancels)",
                 lab_param_name(a->lab.focus), a->input);
        break;
    case TUI_MODE_EXPORT:
        snprintf(c->prompt, sizeof c->prompt, "export %s to: %s_   (Enter writes, Esc cancels)",
                 a->export_format < 0 ? "every format" : rope_export_name((rope_export_format)a->export_format),
                 a->input);
        break;
    case TUI_MODE_PRESET_ASK:
        snprintf(c->prompt, sizeof c->prompt, "%.250s: k keeps your method and factor, p takes the preset's, "
                 "Esc cancels", a->input);
        break;
    case TUI_MODE_CONFIRM:
        snprintf(c->prompt, sizeof c->prompt, "%s exists: overwrite it? y/n", a->input);
        break;
    case TUI_MODE_PROMPT:
        snprintf(c->prompt, sizeof c->prompt, "continuation prompt: %s_   (Enter applies, Esc cancels)", a->input);
        break;
    default: break;
    }
    lint_line(a, c->lint, sizeof c->lint, &c->lint_warn);
    const tour_step *ts = tour_get(a->tour);
    if (ts) {
        snprintf(c->guide_title, sizeof c->guide_title, "tour %d/%d · %s   (n next · N previous · T leaves)",
                 a->tour + 1, tour_count(), ts->title);
        int later = ts->later[0] && (ts->panels & ~((1u << PLOT_PANEL_COUNT) - 1u));
        snprintf(c->guide, sizeof c->guide, "%s  Look: %s.%s%s", ts->text, ts->look, later ? " Later: " : "",
                 later ? ts->later : "");
    }
    c->visible = a->layout.visible;
    c->focus_panel = a->layout.focus;
    c->zoom = a->layout.zoom;
    c->help = tui_app_keys;
    c->n_help = tui_app_n_keys;
    c->help_scroll = a->help_scroll;
    if (a->mode == TUI_MODE_HELP) {
        c->overlay = TUI_OVERLAY_HELP;
    } else if (a->mode == TUI_MODE_FORMATS) {
        c->overlay = TUI_OVERLAY_LIST;
        c->list = a->format_ptr;
        c->n_list = 1 + ROPE_EXPORT_COUNT;
        c->list_cursor = a->format_cursor;
        snprintf(c->list_title, sizeof c->list_title, "export format");
        c->list_hint = "↑↓ choose · Enter names the file · Esc closes";
    } else if (a->mode == TUI_MODE_PRESETS) {
        c->overlay = TUI_OVERLAY_LIST;
        c->list = a->preset_ptr;
        c->n_list = a->n_presets;
        c->list_cursor = a->preset_cursor;
        snprintf(c->list_title, sizeof c->list_title, "presets (%d)", a->n_presets);
    } else if (a->mode == TUI_MODE_PARITY) {
        c->overlay = TUI_OVERLAY_LIST;
        c->list = a->parity_ptr;
        c->n_list = a->n_parity_lines;
        c->list_cursor = a->parity_cursor;
        snprintf(c->list_title, sizeof c->list_title, "engine parity: hf / llamacpp / vllm (Esc closes)");
        c->list_hint = "↑↓ scroll · P Enter Esc close · `ropescope parity` prints it all";
    }
}
