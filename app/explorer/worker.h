/* app/explorer/worker.h — the explorer's background worker: one thread and a latest-wins job slot. A job
 * is a function, its opaque arguments and a progress/cancel callback, so any evaluation that takes
 * such a callback (kernels/eval) runs on it unchanged.
 *
 * Contract: worker_submit never blocks on work. A new job replaces a queued one (freed, never run)
 * and cancels the running one: the running job's next progress call returns non-zero and the job
 * should return; a cancelled job is freed, never delivered. A finished job is delivered once, on the
 * caller's thread, by worker_collect; the wake fd (the read end of a pipe) becomes readable when one
 * is ready, so a UI loop can poll it beside the terminal. In synchronous mode (--snapshot, bench
 * tui) worker_submit runs the job inline and it is ready at once: results are deterministic.
 * No printing, no exit. */
#ifndef WORKER_H
#define WORKER_H

#include "rope.h"

/* Reports progress (done in 0..1, what: a short phrase or NULL); returns non-zero when the job is
 * cancelled and must stop. Called from the job's thread. */
typedef int (*worker_progress_fn)(void *ctx, double done, const char *what);
/* The job: computes into its args; 0 ok, -1 failed (it may write its reason into its args). */
typedef int (*worker_job_fn)(void *args, worker_progress_fn progress, void *ctx);

typedef struct worker_job {
    worker_job_fn fn;
    void         *args;
    void        (*free_args)(void *args);  /* NULL: args are not freed */
    unsigned long stamp;                   /* e.g. the parameter generation it computes for */
} worker_job;

typedef struct worker_done {
    worker_job job;                        /* the caller owns job.args now */
    int        rc;                         /* the job's return */
} worker_done;

typedef struct worker worker;

/* sync = 1: no thread; jobs run inside worker_submit. NULL if out of resources (err says why). */
worker *worker_new(int sync, rope_error *err);
/* Cancels the running job, waits for it, frees everything queued or undelivered. */
void    worker_free(worker *w);

/* Latest wins (see the contract). -1 only if job->fn is NULL. */
int  worker_submit(worker *w, const worker_job *job, rope_error *err);
/* Takes the finished job, if any (1), and drains the wake pipe; 0 when none is ready. */
int  worker_collect(worker *w, worker_done *out);
/* Blocks until no job is queued or running (the <Wait> of snapshots). */
void worker_wait(worker *w);
/* 1 while a job is queued or running. */
int  worker_busy(worker *w);
/* The running job's last progress report (0 and "" when idle). */
void worker_progress(worker *w, double *done, char *what, size_t n);
/* Readable when a finished job is ready (poll it with POLLIN); -1 in synchronous mode. */
int  worker_wake_fd(const worker *w);
int  worker_is_sync(const worker *w);

#endif
