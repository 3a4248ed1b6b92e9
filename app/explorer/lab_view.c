/* app/explorer/lab_view.c — the lab's view: every table the panels read, derived from the intent. The
 * only writer of lab.view: tables are recomputed from ropecore for new parameters, and the display
 * intent (position, cursor, dials, score options) is copied in (see lab.h). */
#include <string.h>
#include "lab.h"

void lab_view_sync(lab *L)
{
    plot_view *v = &L->view;
    v->position = L->position;
    v->cursor = L->cursor;
    v->scroll = L->scroll;
    v->n_sel = L->n_sel;
    memcpy(v->sel, L->sel, sizeof v->sel);
    v->score_log = L->score_log;
    v->score_bound = L->score_bound;
    v->score_methods = L->score_methods;
}

int lab_view_compute(lab *L, const rope_params *p, rope_error *err)
{
    rope_params q = *p; /* p may point into L */
    if (plot_view_compute(&L->view, &q, err))
        return -1;
    /* the intent follows the new pair count (the same clamping plot_view_compute applies) */
    int n = L->view.table.n_pairs;
    if (L->cursor >= n) L->cursor = n - 1;
    if (L->cursor < 0) L->cursor = 0;
    if (L->scroll > L->cursor) L->scroll = L->cursor;
    if (L->scroll < 0) L->scroll = 0;
    int k = 0;
    for (int i = 0; i < L->n_sel; i++)
        if (L->sel[i] < n)
            L->sel[k++] = L->sel[i];
    L->n_sel = k;
    if (!(L->position >= 0.0))
        L->position = 0.0;
    lab_view_sync(L);
    return 0;
}

void lab_view_set_model(lab *L, const struct plot_model *m)
{
    L->view.model = m;
}
