/* app/explorer/worker.c — the worker thread and its latest-wins slot: a mutex-guarded queued job, the
 * running job with an atomic cancel flag read by its progress callback, one undelivered result,
 * and a self-pipe that wakes the UI loop (see worker.h). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "worker.h"

struct worker {
    int             sync;
    pthread_t       thread;
    int             started;
    pthread_mutex_t mu;
    pthread_cond_t  cv;        /* a job was queued, or quit */
    pthread_cond_t  idle;      /* the worker became idle */
    int             quit;
    int             has_queued, running, has_done;
    worker_job      queued;
    worker_done     done;
    atomic_int      cancel;    /* the running job must stop */
    double          progress;
    char            what[96];
    int             pipe_rd, pipe_wr;
};

static void drop(worker_job *j)
{
    if (j->free_args && j->args)
        j->free_args(j->args);
    j->args = NULL;
}

static int on_progress(void *ctx, double done, const char *what)
{
    worker *w = ctx;
    pthread_mutex_lock(&w->mu);
    w->progress = done;
    if (what)
        snprintf(w->what, sizeof w->what, "%s", what);
    pthread_mutex_unlock(&w->mu);
    return atomic_load(&w->cancel);
}

static int on_progress_sync(void *ctx, double done, const char *what)
{
    worker *w = ctx;
    w->progress = done;
    if (what)
        snprintf(w->what, sizeof w->what, "%s", what);
    return 0;
}

/* Stores a finished job as the one undelivered result (mu held, or sync). */
static void deliver(worker *w, const worker_job *job, int rc)
{
    if (w->has_done)
        drop(&w->done.job); /* never collected: a newer one replaces it */
    w->done.job = *job;
    w->done.rc = rc;
    w->has_done = 1;
}

static void *run(void *arg)
{
    worker *w = arg;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->quit && !w->has_queued)
            pthread_cond_wait(&w->cv, &w->mu);
        if (w->quit)
            break;
        worker_job job = w->queued;
        w->has_queued = 0;
        w->running = 1;
        w->progress = 0.0;
        w->what[0] = '\0';
        atomic_store(&w->cancel, 0);
        pthread_mutex_unlock(&w->mu);
        int rc = job.fn(job.args, on_progress, w);
        pthread_mutex_lock(&w->mu);
        w->running = 0;
        if (atomic_load(&w->cancel)) {
            drop(&job);
        } else {
            deliver(w, &job, rc);
            char b = 1;
            ssize_t r = write(w->pipe_wr, &b, 1); /* a full pipe already wakes the loop */
            (void)r;
        }
        if (!w->has_queued)
            pthread_cond_broadcast(&w->idle);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

worker *worker_new(int sync, rope_error *err)
{
    worker *w = calloc(1, sizeof *w);
    if (!w) {
        rope_fail(err, "out of memory");
        return NULL;
    }
    w->sync = sync != 0;
    w->pipe_rd = w->pipe_wr = -1;
    atomic_init(&w->cancel, 0);
    if (w->sync)
        return w;
    int fd[2];
    if (pipe(fd)) {
        rope_fail(err, "cannot create the worker's wake pipe: %s", strerror(errno));
        free(w);
        return NULL;
    }
    w->pipe_rd = fd[0];
    w->pipe_wr = fd[1];
    for (int i = 0; i < 2; i++) {
        fcntl(fd[i], F_SETFL, fcntl(fd[i], F_GETFL) | O_NONBLOCK);
        fcntl(fd[i], F_SETFD, FD_CLOEXEC);
    }
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    pthread_cond_init(&w->idle, NULL);
    if (pthread_create(&w->thread, NULL, run, w)) {
        rope_fail(err, "cannot start the worker thread");
        worker_free(w);
        return NULL;
    }
    w->started = 1;
    return w;
}

void worker_free(worker *w)
{
    if (!w)
        return;
    if (!w->sync) {
        pthread_mutex_lock(&w->mu);
        w->quit = 1;
        atomic_store(&w->cancel, 1);
        pthread_cond_broadcast(&w->cv);
        pthread_mutex_unlock(&w->mu);
        if (w->started)
            pthread_join(w->thread, NULL);
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->cv);
        pthread_cond_destroy(&w->idle);
        close(w->pipe_rd);
        close(w->pipe_wr);
    }
    if (w->has_queued)
        drop(&w->queued);
    if (w->has_done)
        drop(&w->done.job);
    free(w);
}

int worker_submit(worker *w, const worker_job *job, rope_error *err)
{
    if (!job || !job->fn)
        return rope_fail(err, "worker: a job needs a function");
    if (w->sync) {
        w->progress = 0.0;
        w->what[0] = '\0';
        int rc = job->fn(job->args, on_progress_sync, w);
        deliver(w, job, rc);
        return 0;
    }
    pthread_mutex_lock(&w->mu);
    if (w->has_queued)
        drop(&w->queued); /* replaced before it ran */
    w->queued = *job;
    w->has_queued = 1;
    if (w->running)
        atomic_store(&w->cancel, 1);
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    return 0;
}

int worker_collect(worker *w, worker_done *out)
{
    if (w->sync) {
        if (!w->has_done)
            return 0;
        *out = w->done;
        w->has_done = 0;
        return 1;
    }
    char buf[64];
    while (read(w->pipe_rd, buf, sizeof buf) > 0)
        ;
    pthread_mutex_lock(&w->mu);
    int got = w->has_done;
    if (got) {
        *out = w->done;
        w->has_done = 0;
    }
    pthread_mutex_unlock(&w->mu);
    return got;
}

void worker_wait(worker *w)
{
    if (w->sync)
        return;
    pthread_mutex_lock(&w->mu);
    while (w->has_queued || w->running)
        pthread_cond_wait(&w->idle, &w->mu);
    pthread_mutex_unlock(&w->mu);
}

int worker_busy(worker *w)
{
    if (w->sync)
        return 0;
    pthread_mutex_lock(&w->mu);
    int busy = w->has_queued || w->running;
    pthread_mutex_unlock(&w->mu);
    return busy;
}

void worker_progress(worker *w, double *done, char *what, size_t n)
{
    if (!w->sync)
        pthread_mutex_lock(&w->mu);
    int active = w->sync ? 0 : w->running;
    if (done)
        *done = active ? w->progress : 0.0;
    if (what && n)
        snprintf(what, n, "%s", active ? w->what : "");
    if (!w->sync)
        pthread_mutex_unlock(&w->mu);
}

int worker_wake_fd(const worker *w)
{
    return w->pipe_rd;
}

int worker_is_sync(const worker *w)
{
    return w->sync;
}
