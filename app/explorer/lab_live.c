/* app/explorer/lab_live.c — the lab's live part: the last result of a background job, stamped with the
 * parameter generation it was computed for, and the progress of the job still running. A result
 * for older parameters is STALE and never reported as CURRENT (see lab.h). */
#include <stdio.h>
#include "lab.h"

void lab_live_started(lab *L, const char *what)
{
    lab_live *v = &L->live;
    v->pending = L->generation;
    v->progress = 0.0;
    snprintf(v->what, sizeof v->what, "%s", what ? what : "");
}

void lab_live_progress(lab *L, double done, const char *what)
{
    lab_live *v = &L->live;
    v->progress = done < 0.0 ? 0.0 : done > 1.0 ? 1.0 : done;
    if (what)
        snprintf(v->what, sizeof v->what, "%s", what);
}

void lab_live_post(lab *L, unsigned long stamp, int rc, const char *error, void *result,
                   void (*free_result)(void *))
{
    lab_live *v = &L->live;
    if (v->stamp && stamp != (unsigned long)-1 && stamp < v->stamp) {
        if (result && free_result)
            free_result(result); /* a late result never replaces a newer one */
        return;
    }
    if (v->result && v->free_result)
        v->free_result(v->result);
    if (stamp == (unsigned long)-1) { /* lab_free: drop everything */
        v->result = NULL;
        v->free_result = NULL;
        v->stamp = 0;
        v->pending = 0;
        return;
    }
    v->result = result;
    v->free_result = free_result;
    v->stamp = stamp;
    v->rc = rc;
    snprintf(v->error, sizeof v->error, "%s", error ? error : "");
    if (v->pending == stamp)
        v->pending = 0;
}

lab_live_state lab_live_state_of(const lab *L)
{
    if (L->live.stamp == 0)
        return LAB_LIVE_NONE;
    return L->live.stamp == L->generation ? LAB_LIVE_CURRENT : LAB_LIVE_STALE;
}

int lab_live_busy(const lab *L)
{
    return L->live.pending != 0 && L->live.pending == L->generation;
}
