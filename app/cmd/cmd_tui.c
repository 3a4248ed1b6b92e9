/* app/cmd/cmd_tui.c — `ropescope tui` (and `ropescope` with no arguments): the terminal explorer, or
 * with --snapshot the frame after a key sequence as text on stdout, without a terminal. Owns the
 * process-level duties: the TTY check, signals and atexit restoring the terminal, the frame loop. */
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cmd.h"
#include "cmdutil.h"
#include "modelcmd.h"
#include "ropeargs.h"
#include "tui_app.h"
#include "tui_curses.h"
#include "tui_snapshot.h"

typedef struct tui_opts {
    int snapshot, ansi, ascii, no_color, no_mouse, tour, no_model, threads;
    int w, h;
    const char *keys, *model, *text;
    int force_mode;
    tui_color_mode mode;
} tui_opts;

static void help(void)
{
    printf("usage: ropescope tui [RoPE flags] [--tour] [--ascii] [--no-color] [--colors MODE] [--no-mouse]\n"
           "       ropescope tui --snapshot [--size WxH] [--keys KEYS] [--ansi] [RoPE flags]\n\n"
           "The terminal explorer (also `ropescope` with no arguments): wavelengths, the YaRN ramp,\n"
           "per-pair factors of every method, the pair table, phase clocks, attention score vs\n"
           "distance, the angle heatmap and the embedded model under the current parameters, all\n"
           "recomputed from ropecore on every change (the model in the background).\n\n"
           "  --tour          open on the guided tour's first step (n next, N previous, T leaves)\n"
           "  --snapshot      print the frame after --keys as text instead of opening the terminal\n"
           "  --size WxH      snapshot size in cells                              [160x48]\n"
           "  --keys KEYS     keys fed to the explorer before the snapshot; literal characters,\n"
           "                  plus <Up> <Down> <Left> <Right> <Home> <End> <PgUp> <PgDn> <Enter>\n"
           "                  <Esc> <Tab> <BackTab> <BS> <Del> <Space> <lt> (a '<') <F1>..<F12>\n"
           "                  <C-a>..<C-z> <Click:X,Y> <WheelUp:X,Y> <WheelDown:X,Y> (cells from 0)\n"
           "                  <Resize:WxH> <Tick> (one animation step); e.g. --keys '=16<Enter>'\n"
           "  --ansi          keep colours in the snapshot (ANSI SGR sequences)\n"
           "  --ascii         7-bit characters only (automatic when the locale is not UTF-8)\n"
           "  --no-color      no colour (also when NO_COLOR is set)\n"
           "  --colors MODE   auto | truecolor | 256 | 16 | mono: at most this many colours  [auto]\n"
           "  --no-mouse      do not capture the mouse\n"
           "  --model FILE    the model panel's model (a byte-vocabulary llama GGUF, or a shipped model's\n"
           "                  name: tiny, tiny-yarn8; its RoPE metadata sets the starting parameters)\n"
           "                                                                     [the embedded model]\n"
           "  --text FILE     the model panel's passage   [the held-out split of Debian's bible-kjv]\n"
           "  --threads N     the model panel's threads                                         [2]\n"
           "  --no-model      no model panel (panel 8 stays empty, nothing runs in the background)\n"
           "  <Wait> in --keys waits for the model panel's background jobs (snapshots compute the model\n"
           "  only there)\n\n"
           "keys:\n");
    for (int i = 0; i < tui_app_n_keys; i++)
        printf("  %-18s %s\n", tui_app_keys[i].keys, tui_app_keys[i].what);
    printf("\n%s", ropeargs_help);
}

/* Parses the command's own flags, marking what it used. */
static int parse_opts(int argc, char **argv, unsigned char *used, tui_opts *o, rope_error *err)
{
    memset(o, 0, sizeof *o);
    o->w = 160;
    o->h = 48;
    o->threads = 2;
    for (int i = 1; i < argc; i++) {
        int at = i;
        const char *v;
        if (!strcmp(argv[i], "--snapshot")) o->snapshot = 1;
        else if (!strcmp(argv[i], "--ansi")) o->ansi = 1;
        else if (!strcmp(argv[i], "--ascii")) o->ascii = 1;
        else if (!strcmp(argv[i], "--no-color")) o->no_color = 1;
        else if (!strcmp(argv[i], "--no-mouse")) o->no_mouse = 1;
        else if (!strcmp(argv[i], "--tour")) o->tour = 1;
        else if (!strcmp(argv[i], "--no-model")) o->no_model = 1;
        else if (ropeargs_is(argv[i], "--model")) {
            if (!(o->model = ropeargs_value(argc, argv, &i, "--model", err)))
                return -1;
        } else if (ropeargs_is(argv[i], "--text")) {
            if (!(o->text = ropeargs_value(argc, argv, &i, "--text", err)))
                return -1;
        } else if (ropeargs_is(argv[i], "--threads")) {
            if (!(v = ropeargs_value(argc, argv, &i, "--threads", err)))
                return -1;
            char tail;
            if (sscanf(v, "%d%c", &o->threads, &tail) != 1 || o->threads < 1 || o->threads > 64)
                return rope_fail(err, "--threads: '%s' is not a number from 1 to 64", v);
        }
        else if (ropeargs_is(argv[i], "--size")) {
            if (!(v = ropeargs_value(argc, argv, &i, "--size", err)))
                return -1;
            char tail;
            if (sscanf(v, "%dx%d%c", &o->w, &o->h, &tail) != 2 || o->w < 1 || o->h < 1 || o->w > 1000 || o->h > 1000)
                return rope_fail(err, "--size: '%s' is not WxH with 1..1000 cells each, e.g. 160x48", v);
        } else if (ropeargs_is(argv[i], "--keys")) {
            if (!(o->keys = ropeargs_value(argc, argv, &i, "--keys", err)))
                return -1;
        } else if (ropeargs_is(argv[i], "--colors")) {
            if (!(v = ropeargs_value(argc, argv, &i, "--colors", err)))
                return -1;
            if (strcmp(v, "auto") != 0) {
                if (tui_color_mode_from_name(v, &o->mode))
                    return rope_fail(err, "--colors: '%s' is unknown; use auto, truecolor, 256, 16 or mono", v);
                o->force_mode = 1;
            }
        } else
            continue;
        for (int k = at; k <= i; k++)
            used[k] = 1;
    }
    return 0;
}

/* Feeds one event; below the minimum size only quitting works (other keys are acknowledged). */
static void feed(tui_app *a, const tui_event *ev, int too_small)
{
    if (too_small) {
        if (ev->key == 'q' || ev->key == TUI_CTRL('c') || ev->key == TUI_KEY_F1 + 9)
            a->quit = 1;
        else if (ev->key != TUI_KEY_RESIZE && ev->key != TUI_KEY_TICK) {
            char name[40];
            tui_key_name(ev, name, sizeof name);
            snprintf(a->message, sizeof a->message, "%s ignored: too small", name);
            a->message_error = 1;
        }
        return;
    }
    tui_app_handle(a, ev);
}

static int run_snapshot(tui_app *a, const tui_opts *o, int ascii)
{
    tui_color_mode mode = TUI_COLOR_MONO;
    if (o->ansi) {
        const char *ct = getenv("COLORTERM");
        int truecolor = ct && (!strcmp(ct, "truecolor") || !strcmp(ct, "24bit"));
        mode = tui_color_pick(truecolor ? 0x1000000 : 256, ct, getenv("NO_COLOR"), o->no_color);
        if (o->force_mode && o->mode < mode)
            mode = o->mode;
    }
    tui_style st = { ascii, mode };
    tui_screen *scr = calloc(1, sizeof *scr);
    tui_grid g = { 0 };
    tui_out out = { 0 };
    rope_error err;
    int rc = 0;
    if (!scr || tui_screen_init(scr, st) || tui_grid_resize(&g, o->w, o->h)) {
        free(scr);
        tui_grid_free(&g);
        return cmd_error("tui", 1, "out of memory");
    }
    const char *k = o->keys;
    tui_event ev;
    tui_app_chrome(a);
    tui_screen_render(scr, &g, &a->chrome, &a->lab.view, &a->hits);
    for (;;) {
        int got = tui_keyseq_next(&k, &ev, &err);
        if (got < 0) {
            rc = cmd_error("tui", 2, "%s", err.msg);
            goto done;
        }
        if (got == 0 || a->quit)
            break;
        if (ev.key == TUI_KEY_RESIZE && tui_grid_resize(&g, ev.w, ev.h)) {
            rc = cmd_error("tui", 1, "out of memory");
            goto done;
        }
        feed(a, &ev, a->hits.too_small);
        tui_app_collect(a); /* synchronous worker: a job submitted by this key is done */
        tui_app_chrome(a);
        tui_screen_render(scr, &g, &a->chrome, &a->lab.view, &a->hits);
    }
    if (tui_snapshot(&g, o->ansi, mode, &out)) {
        rc = cmd_error("tui", 1, "out of memory");
        goto done;
    }
    if (fwrite(out.data, 1, out.len, stdout) != out.len || fflush(stdout))
        rc = cmd_error("tui", 1, "cannot write the snapshot to stdout");
done:
    tui_out_free(&out);
    tui_grid_free(&g);
    tui_screen_free(scr);
    free(scr);
    return rc;
}

/* --- the interactive loop ------------------------------------------------------------------------- */

static volatile sig_atomic_t quit_signal;

static void on_quit_signal(int sig)
{
    if (quit_signal) { /* a second signal: the loop is not listening, restore now and die */
        tui_term_emergency();
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    quit_signal = sig;
}

static void on_fatal_signal(int sig)
{
    tui_term_emergency();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_quit_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = on_fatal_signal;
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
    sigaction(SIGABRT, &sa, NULL);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return 1e3 * (double)ts.tv_sec + 1e-6 * (double)ts.tv_nsec;
}

/* Handles every event already waiting (a paste arrives as thousands of keys) before the next
 * redraw, so a frame costs one render however much was typed; after DRAIN_MS the loop draws
 * once to show progress and comes back for the rest. A resize is picked up by the frame. */
#define DRAIN_MS 50.0
static void drain_input(tui_app *a)
{
    double t0 = now_ms();
    tui_event ev;
    while (!a->quit && !quit_signal && tui_term_read(&ev, 0)) {
        if (ev.key != TUI_KEY_RESIZE)
            feed(a, &ev, a->hits.too_small);
        if (now_ms() - t0 > DRAIN_MS)
            break;
    }
}

static int run_terminal(tui_app *a, const tui_opts *o, int ascii)
{
    rope_error err;
    tui_term_opts to = { !o->no_mouse, o->no_color, o->force_mode, o->mode };
    tui_color_mode mode;
    install_signals();
    atexit(tui_term_close);
    if (tui_term_open(&to, &mode, &err))
        return cmd_error("tui", 1, "%s", err.msg);
    tui_style st = { ascii, mode };
    tui_screen *scr = calloc(1, sizeof *scr);
    tui_grid g = { 0 };
    if (!scr || tui_screen_init(scr, st)) {
        free(scr);
        tui_term_close();
        return cmd_error("tui", 1, "out of memory");
    }
    int dirty = 1, rc = 0;
    tui_app_live_kick(a); /* the model panel starts computing for the start-up parameters */
    while (!a->quit && !quit_signal) {
        int w, h;
        tui_term_size(&w, &h);
        if (w != g.w || h != g.h) {
            if (tui_grid_resize(&g, w, h)) {
                rc = 1;
                break;
            }
            dirty = 1;
        }
        if (dirty) {
            tui_app_chrome(a);
            tui_screen_render(scr, &g, &a->chrome, &a->lab.view, &a->hits);
            tui_term_blit(&g, mode);
            dirty = 0;
        }
        /* wait for the terminal or the worker's wake pipe, never for work */
        tui_event ev;
        int got = tui_term_read(&ev, 0), timed_out = 0; /* input ncurses already buffered */
        if (!got) {
            int wake = a->jobs ? worker_wake_fd(a->jobs) : -1;
            struct pollfd pf[2] = { { STDIN_FILENO, POLLIN, 0 }, { wake, POLLIN, 0 } };
            int n = poll(pf, wake >= 0 ? 2 : 1, a->lab.animate ? 50 : 200);
            timed_out = n == 0;
            if (wake >= 0 && (pf[1].revents & POLLIN) && tui_app_collect(a))
                dirty = 1;
            if (!timed_out)
                got = tui_term_read(&ev, 0); /* a key, a mouse report, or the resize after SIGWINCH */
        }
        if (got) {
            if (ev.key != TUI_KEY_RESIZE)
                feed(a, &ev, a->hits.too_small);
            dirty = 1;
            drain_input(a);
        } else if (timed_out && a->lab.animate && !a->hits.too_small) {
            ev = (tui_event){ .key = TUI_KEY_TICK };
            tui_app_handle(a, &ev);
            dirty = 1;
        }
    }
    tui_term_close();
    tui_grid_free(&g);
    tui_screen_free(scr);
    free(scr);
    if (rc)
        return cmd_error("tui", 1, "out of memory");
    if (quit_signal) {
        int sig = quit_signal;
        signal(sig, SIG_DFL);
        raise(sig);
    }
    return 0;
}

int cmd_tui(int argc, char **argv)
{
    if (cmd_wants_help(argc, argv)) {
        help();
        return 0;
    }
    rope_error err;
    tui_opts o;
    unsigned char *used = calloc((size_t)argc + 1, 1);
    ropeargs *ra = malloc(sizeof *ra);
    tui_app *a = malloc(sizeof *a);
    int rc = 0;
    if (!used || !ra || !a) {
        rc = cmd_error("tui", 1, "out of memory");
        goto done;
    }
    if (parse_opts(argc, argv, used, &o, &err) || ropeargs_parse(argc, argv, ra, used, &err)) {
        rc = cmd_error("tui", 2, "%s", err.msg);
        goto done;
    }
    const char *left = cmd_leftover(argc, argv, used);
    if (left) {
        rc = cmd_error("tui", 2, "unknown argument '%s' (see ropescope tui --help)", left);
        goto done;
    }
    if (!o.snapshot && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
        rc = cmd_error("tui", 2, "the explorer needs a terminal (stdin and stdout are not both a TTY); "
                                 "use `ropescope tui --snapshot` for text output");
        goto done;
    }
    if (o.model && !o.no_model) { /* the model's RoPE metadata under the explicit flags, as `ropescope ppl` */
        model m = { 0 };
        rope_params p;
        if (cmd_model_load(argc, argv, o.model, ra, &m, &p, &err)) {
            rc = cmd_error("tui", 2, "%s", err.msg);
            goto done;
        }
        model_free(&m);
        p.seq_len = ra->cfg.params.seq_len;
        ra->cfg.params = p;
    }
    setlocale(LC_ALL, "");
    int ascii = o.ascii || strcmp(nl_langinfo(CODESET), "UTF-8") != 0;
    if (tui_app_init(a, &ra->cfg, ra->loaded ? ra->source : "", &err)) {
        rc = cmd_error("tui", 2, "%s", err.msg);
        goto done;
    }
    if (o.tour && tui_app_tour(a, 0)) {
        tui_app_free(a);
        rc = cmd_error("tui", 1, "the tour's first step was refused: %s", a->message);
        goto done;
    }
    a->jobs = worker_new(o.snapshot, &err); /* snapshots run jobs inline: deterministic frames */
    if (a->jobs && !o.no_model && tui_app_live(a, o.model, o.text, o.threads, &err)) {
        worker_free(a->jobs);
        a->jobs = NULL;
    }
    if (!a->jobs) {
        tui_app_free(a);
        rc = cmd_error("tui", 1, "%s", err.msg);
        goto done;
    }
    rc = o.snapshot ? run_snapshot(a, &o, ascii) : run_terminal(a, &o, ascii);
    worker_free(a->jobs);
    tui_app_free(a);
done:
    free(used);
    free(ra);
    free(a);
    return rc;
}
