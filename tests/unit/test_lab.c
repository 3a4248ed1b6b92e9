/* tests/unit/test_lab.c — the explorer's state (app/explorer/lab*.c): intent changes go through lab
 * functions and bump the generation only when the parameters change; a refused change leaves the
 * state as it was; the view mirrors the intent (its tables checked against closed forms: n_pairs =
 * d/2, YaRN's magnitude 0.1·ln s + 1); the cursor and dials follow the pair count; live results are
 * stamped with their generation, stale ones never reported current and a late one never replaces a
 * newer one; a synchronous worker's result flows into the live part; the controller moves the
 * cursor through the lab. */
#include <math.h>
#include <stdlib.h>
#include "check.h"
#include "lab.h"
#include "tui_app.h"
#include "worker.h"

static rope_config yarn8(void)
{
    rope_config c;
    rope_config_init(&c);
    c.params.method = ROPE_YARN;
    c.params.head_dim = 128;
    c.params.orig_ctx = c.params.max_pos = 4096;
    c.params.factor = 8.0;
    return c;
}

static int n_freed;
static void free_result(void *p)
{
    n_freed++;
    free(p);
}

static int *boxed(int v)
{
    int *p = malloc(sizeof *p);
    *p = v;
    return p;
}

static void test_intent_and_view(lab *L)
{
    rope_error e;
    rope_config c = yarn8();
    CHECK_INT(lab_init(L, &c, "cli", &e), 0);
    CHECK_INT(L->generation, 1);
    CHECK_INT(L->view.table.n_pairs, 64);                        /* d / 2 */
    CHECK_NEAR(L->view.table.magnitude, 0.1 * log(8.0) + 1.0, 1e-12);
    CHECK_NEAR(L->position, 4096.0, 0);                          /* starts at L */
    CHECK_NEAR(L->view.position, L->position, 0);

    /* a parameter step: a new generation and new tables */
    CHECK_INT(lab_step(L, LAB_P_FACTOR, 1, &e), 0);
    CHECK_NEAR(L->cfg.params.factor, 9.0, 0);
    CHECK_INT(L->generation, 2);
    CHECK_NEAR(L->view.table.magnitude, 0.1 * log(9.0) + 1.0, 1e-12);
    /* a refused change: nothing moves */
    rope_params before = L->cfg.params;
    CHECK_INT(lab_set_text(L, LAB_P_HEAD_DIM, "3", &e), -1);
    CHECK_INT(L->generation, 2);
    CHECK_INT(L->cfg.params.head_dim, before.head_dim);
    CHECK_INT(L->view.table.n_pairs, 64);
    CHECK_INT(lab_set_position(L, -1.0, &e), -1);
    CHECK_NEAR(L->position, 4096.0, 0);

    /* intent that is not a parameter: no new generation, the view follows */
    CHECK_INT(lab_set_position(L, 1234.5, &e), 0);
    CHECK_NEAR(L->view.position, 1234.5, 0);
    CHECK_INT(lab_focus_step(L, -1), 0);                         /* the first stays: no silent wrap */
    CHECK_INT(L->focus, LAB_P_FACTOR);
    CHECK_INT(lab_focus_step(L, 1), 1);
    CHECK_INT(L->focus, LAB_P_BETA_FAST);
    lab_focus(L, LAB_P_SEQ_LEN);
    CHECK_INT(lab_focus_step(L, 1), 0);                          /* … and so does the last */
    CHECK_INT(L->focus, LAB_P_SEQ_LEN);
    lab_focus(L, LAB_P_BASE);
    CHECK_INT(L->focus, LAB_P_BASE);
    lab_cursor_move(L, 1000, 10);
    CHECK_INT(L->cursor, 63);                                    /* clamped to the last pair */
    CHECK_INT(L->scroll, 54);                                    /* 10 rows: 54..63 visible */
    CHECK_INT(L->view.cursor, 63);
    CHECK_INT(L->view.scroll, 54);
    lab_cursor_set(L, 50, 10);
    CHECK_INT(L->scroll, 50);
    CHECK_INT(lab_toggle_dial(L), 1);
    lab_cursor_set(L, 3, 10);
    CHECK_INT(lab_toggle_dial(L), 1);
    CHECK_INT(L->view.n_sel, 2);
    CHECK_INT(L->view.sel[0], 50);
    CHECK_INT(lab_toggle_dial(L), 0);                            /* removes pair 3's */
    CHECK_INT(L->view.n_sel, 1);
    lab_set_score(L, 1, 0, 1u << ROPE_NTK);
    CHECK_INT(L->view.score_log, 1);
    CHECK_INT(L->view.score_bound, 0);
    CHECK_INT(L->view.score_methods, 1u << ROPE_NTK);
    CHECK_INT(L->generation, 2);

    /* fewer pairs: the cursor and the dials follow the new count */
    lab_cursor_set(L, 60, 10);
    CHECK_INT(lab_set_text(L, LAB_P_HEAD_DIM, "64", &e), 0);
    CHECK_INT(L->generation, 3);
    CHECK_INT(L->view.table.n_pairs, 32);
    CHECK_INT(L->cursor, 31);
    CHECK_INT(L->n_sel, 0);                                      /* pair 50 is gone */
    CHECK_INT(L->view.n_sel, 0);

    /* for 20 dials only PLOT_MAX_SEL fit */
    int added = 0;
    for (int i = 0; i < 20; i++) {
        lab_cursor_set(L, i, 10);
        added += lab_toggle_dial(L) == 1;
    }
    CHECK_INT(added, PLOT_MAX_SEL);
    lab_clear_dials(L);
    CHECK_INT(L->view.n_sel, 0);

    /* reset returns to the start */
    CHECK_INT(lab_reset(L, &e), 0);
    CHECK_INT(L->cfg.params.head_dim, 128);
    CHECK_NEAR(L->view.position, 4096.0, 0);
    CHECK_INT(L->generation, 4);
}

static void test_live(lab *L)
{
    rope_error e;
    rope_config c = yarn8();
    CHECK_INT(lab_init(L, &c, "", &e), 0);
    CHECK_INT(lab_live_state_of(L), LAB_LIVE_NONE);
    lab_live_started(L, "ppl at L");
    CHECK_INT(lab_live_busy(L), 1);
    lab_live_post(L, L->generation, 0, NULL, boxed(1), free_result);
    CHECK_INT(lab_live_state_of(L), LAB_LIVE_CURRENT);
    CHECK_INT(lab_live_busy(L), 0);
    unsigned long g1 = L->generation;
    CHECK_INT(lab_step(L, LAB_P_BETA_FAST, 1, &e), 0);
    CHECK_INT(lab_live_state_of(L), LAB_LIVE_STALE);             /* older parameters */
    lab_live_started(L, "ppl at L");
    unsigned long g2 = L->generation;
    CHECK_INT(lab_step(L, LAB_P_BETA_FAST, 1, &e), 0);
    unsigned long g3 = L->generation;
    CHECK_INT(lab_live_busy(L), 0);                              /* the pending job is for g2 */
    lab_live_post(L, g3, 0, NULL, boxed(3), free_result);
    CHECK_INT(n_freed, 1);                                       /* g1's result replaced */
    CHECK_INT(lab_live_state_of(L), LAB_LIVE_CURRENT);
    lab_live_post(L, g2, 0, NULL, boxed(2), free_result);        /* arrives late */
    CHECK_INT(n_freed, 2);                                       /* dropped, never shown */
    CHECK_INT(L->live.stamp, g3);
    CHECK_INT(*(int *)L->live.result, 3);
    CHECK(g1 < g2 && g2 < g3);
    lab_live_post(L, g3, -1, "no model file", NULL, NULL);       /* a failure is a result too */
    CHECK_INT(n_freed, 3);
    CHECK_INT(L->live.rc, -1);
    CHECK_STR(L->live.error, "no model file");
    lab_free(L);
    CHECK_INT(lab_live_state_of(L), LAB_LIVE_NONE);
}

/* a job computing s·L for its own copy of the parameters */
typedef struct span_job { rope_params p; double span; } span_job;
static int span_fn(void *args, worker_progress_fn progress, void *ctx)
{
    span_job *j = args;
    if (progress(ctx, 0.0, "span"))
        return -1;
    j->span = j->p.factor * j->p.orig_ctx;
    return 0;
}

static void test_worker_to_live(lab *L)
{
    rope_error e;
    rope_config c = yarn8();
    CHECK_INT(lab_init(L, &c, "", &e), 0);
    worker *w = worker_new(1, &e);
    span_job *j = malloc(sizeof *j);
    j->p = L->cfg.params;
    worker_job job = { span_fn, j, free, L->generation };
    lab_live_started(L, "span");
    CHECK_INT(worker_submit(w, &job, &e), 0);
    worker_done d;
    CHECK_INT(worker_collect(w, &d), 1);
    lab_live_post(L, d.job.stamp, d.rc, NULL, d.job.args, d.job.free_args);
    CHECK_INT(lab_live_state_of(L), LAB_LIVE_CURRENT);
    CHECK_NEAR(((span_job *)L->live.result)->span, 8.0 * 4096, 0);
    CHECK_INT(lab_step(L, LAB_P_FACTOR, -1, &e), 0);
    CHECK_INT(lab_live_state_of(L), LAB_LIVE_STALE);
    worker_free(w);
    lab_free(L);
}

static void test_controller(void)
{
    rope_error e;
    rope_config c = yarn8();
    tui_app *a = malloc(sizeof *a);
    CHECK_INT(tui_app_init(a, &c, "", &e), 0);
    tui_event ev = { .key = 'j' };
    for (int i = 0; i < 5; i++)
        tui_app_handle(a, &ev);
    CHECK_INT(a->lab.cursor, 5);
    CHECK_INT(a->lab.view.cursor, 5);
    ev.key = ' ';
    tui_app_handle(a, &ev);
    CHECK_INT(a->lab.view.n_sel, 1);
    CHECK_HAS(a->message, "pair 5: dial added");
    ev.key = TUI_KEY_END;
    tui_app_handle(a, &ev);
    CHECK_INT(a->lab.view.cursor, 63);
    ev.key = 'l';
    CHECK_INT(a->lab.view.score_log, 1);                         /* log by default … */
    tui_app_handle(a, &ev);
    CHECK_INT(a->lab.view.score_log, 0);                         /* … l makes it linear */
    CHECK_INT(a->lab.generation, 1);                             /* none of these were parameters */
    ev.key = TUI_KEY_RIGHT;
    tui_app_handle(a, &ev);
    CHECK_INT(a->lab.generation, 2);
    free(a);
}

int main(void)
{
    lab *L = malloc(sizeof *L);
    test_intent_and_view(L);
    test_live(L);
    test_worker_to_live(L);
    free(L);
    test_controller();
    return check_done("test_lab");
}
