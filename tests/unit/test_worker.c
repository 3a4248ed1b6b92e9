/* tests/unit/test_worker.c — the explorer's worker (app/explorer/worker.c): synchronous mode runs jobs
 * inline; latest wins (a queued job is replaced and freed unrun, the running one sees the cancel
 * through its progress callback and is freed undelivered); the wake pipe turns readable exactly when
 * a result is ready; worker_wait and worker_free. Jobs synchronise with the test through gates (no
 * timing assertions). Also built under ThreadSanitizer by tools/setup.sh test. */
#include <poll.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include "check.h"
#include "worker.h"

typedef struct job_args {
    int        id;
    int        wait_gate;     /* 1: after starting, wait for *gate before returning */
    int        until_cancel;  /* 1: loop on progress until it reports a cancel */
    int        fail;          /* 1: the job returns -1 */
    atomic_int *gate;
    atomic_int started, ran_to_end, saw_cancel;
    atomic_int *freed;        /* bit id set when freed */
    long       sum;           /* the job's result: 1 + 2 + … + 1000 */
} job_args;

static void nap(void)
{
    struct timespec ts = { 0, 1000000 }; /* 1 ms */
    nanosleep(&ts, NULL);
}

static void free_args(void *p)
{
    job_args *a = p;
    atomic_fetch_or(a->freed, 1 << a->id);
    free(a);
}

static int job(void *p, worker_progress_fn progress, void *ctx)
{
    job_args *a = p;
    atomic_store(&a->started, 1);
    if (progress(ctx, 0.5, "half"))
        atomic_store(&a->saw_cancel, 1);
    while (a->until_cancel && !atomic_load(&a->saw_cancel)) {
        if (progress(ctx, 0.5, "half"))
            atomic_store(&a->saw_cancel, 1);
        nap();
    }
    while (a->wait_gate && !atomic_load(a->gate)) {
        if (progress(ctx, 0.5, "half"))
            atomic_store(&a->saw_cancel, 1);
        nap();
    }
    for (int i = 1; i <= 1000; i++)
        a->sum += i;
    atomic_store(&a->ran_to_end, 1);
    return a->fail ? -1 : 0;
}

static job_args *args_new(int id, atomic_int *gate, atomic_int *freed)
{
    job_args *a = calloc(1, sizeof *a);
    a->id = id;
    a->gate = gate;
    a->freed = freed;
    return a;
}

static void wait_started(job_args *a)
{
    while (!atomic_load(&a->started))
        nap();
}

static void test_sync(void)
{
    rope_error e;
    atomic_int gate = 1, freed = 0;
    worker *w = worker_new(1, &e);
    CHECK(w != NULL);
    CHECK_INT(worker_is_sync(w), 1);
    CHECK_INT(worker_wake_fd(w), -1);
    worker_done d;
    CHECK_INT(worker_collect(w, &d), 0);
    job_args *a = args_new(1, &gate, &freed);
    worker_job j = { job, a, free_args, 7 };
    CHECK_INT(worker_submit(w, &j, &e), 0);
    CHECK_INT(atomic_load(&a->ran_to_end), 1);     /* ran inline, before submit returned */
    CHECK_INT(worker_busy(w), 0);
    CHECK_INT(worker_collect(w, &d), 1);
    CHECK(d.job.args == a);
    CHECK_INT(d.job.stamp, 7);
    CHECK_INT(d.rc, 0);
    CHECK_INT(a->sum, 500500);                     /* n(n+1)/2 */
    CHECK_INT(worker_collect(w, &d), 0);           /* delivered once */
    CHECK_INT(atomic_load(&a->saw_cancel), 0);     /* inline jobs are never cancelled */
    free_args(a);
    /* an uncollected result is freed by the next one and by worker_free */
    job_args *b = args_new(2, &gate, &freed), *c = args_new(3, &gate, &freed);
    worker_job jb = { job, b, free_args, 8 }, jc = { job, c, free_args, 9 };
    worker_submit(w, &jb, &e);
    worker_submit(w, &jc, &e);
    CHECK_INT(atomic_load(&freed) & (1 << 2), 1 << 2);
    worker_free(w);
    CHECK_INT(atomic_load(&freed), (1 << 1) | (1 << 2) | (1 << 3));
    worker_job none = { NULL, NULL, NULL, 0 };
    w = worker_new(1, &e);
    CHECK_INT(worker_submit(w, &none, &e), -1);
    CHECK_HAS(e.msg, "function");
    worker_free(w);
}

static void test_latest_wins(void)
{
    rope_error e;
    atomic_int gate = 0, freed = 0;
    worker *w = worker_new(0, &e);
    CHECK(w != NULL);
    job_args *a = args_new(1, &gate, &freed), *b = args_new(2, &gate, &freed), *c = args_new(3, &gate, &freed);
    a->wait_gate = 1; /* A keeps running after it sees the cancel, until the gate opens */
    worker_job ja = { job, a, free_args, 1 }, jb = { job, b, free_args, 2 }, jc = { job, c, free_args, 3 };
    CHECK_INT(worker_submit(w, &ja, &e), 0);
    wait_started(a);
    CHECK_INT(worker_busy(w), 1);
    double done = 0;
    char what[32] = "";
    while (done != 0.5)
        worker_progress(w, &done, what, sizeof what), nap();
    CHECK_STR(what, "half");
    worker_submit(w, &jb, &e);     /* cancels A; B is queued */
    worker_submit(w, &jc, &e);     /* replaces B: freed, never run */
    CHECK_INT(atomic_load(&freed) & (1 << 2), 1 << 2);
    atomic_store(&gate, 1);
    worker_wait(w);
    CHECK_INT(worker_busy(w), 0);
    worker_done d;
    CHECK_INT(worker_collect(w, &d), 1);
    CHECK(d.job.args == c);        /* only the latest is delivered */
    CHECK_INT(d.job.stamp, 3);
    CHECK_INT(c->sum, 500500);
    CHECK_INT(worker_collect(w, &d), 0);
    /* A saw the cancel through its progress callback and was freed, not delivered */
    CHECK_INT(atomic_load(&freed) & (1 << 1), 1 << 1);
    free_args(c);
    worker_free(w);
    CHECK_INT(atomic_load(&freed), (1 << 1) | (1 << 2) | (1 << 3));
}

static void test_cancel_flag(void)
{
    rope_error e;
    atomic_int gate = 1, freed = 0;
    worker *w = worker_new(0, &e);
    job_args *a = args_new(1, &gate, &freed), *b = args_new(2, &gate, &freed);
    a->until_cancel = 1; /* loops until progress() returns non-zero */
    atomic_int a_saw = 0;
    worker_job ja = { job, a, NULL, 1 }, jb = { job, b, free_args, 2 };
    worker_submit(w, &ja, &e);
    wait_started(a);
    worker_submit(w, &jb, &e);
    worker_wait(w);
    a_saw = atomic_load(&a->saw_cancel);
    CHECK_INT(a_saw, 1);           /* the loop could only end through the cancel */
    worker_done d;
    CHECK_INT(worker_collect(w, &d), 1);
    CHECK(d.job.args == b);
    CHECK_INT(atomic_load(&b->saw_cancel), 0); /* the cancel flag was reset for B */
    free_args(b);
    free(a);                       /* free_args NULL: the worker left A alone */
    /* worker_free cancels a job that would otherwise never end */
    job_args *c = args_new(3, &gate, &freed);
    c->until_cancel = 1;
    worker_job jc = { job, c, free_args, 3 };
    worker_submit(w, &jc, &e);
    wait_started(c);
    worker_free(w);
    CHECK_INT(atomic_load(&freed) & (1 << 3), 1 << 3);
}

static void test_wake_pipe(void)
{
    rope_error e;
    atomic_int gate = 0, freed = 0;
    worker *w = worker_new(0, &e);
    int fd = worker_wake_fd(w);
    CHECK(fd >= 0);
    struct pollfd pf = { fd, POLLIN, 0 };
    CHECK_INT(poll(&pf, 1, 0), 0);                 /* nothing ready */
    job_args *a = args_new(4, &gate, &freed);
    a->wait_gate = 1;
    a->fail = 1;                                  /* a failed job is delivered too */
    worker_job ja = { job, a, free_args, 5 };
    worker_submit(w, &ja, &e);
    wait_started(a);
    CHECK_INT(poll(&pf, 1, 0), 0);                 /* running, not ready */
    atomic_store(&gate, 1);
    CHECK_INT(poll(&pf, 1, 30000), 1);             /* wakes when it is ready */
    CHECK(pf.revents & POLLIN);
    worker_done d;
    CHECK_INT(worker_collect(w, &d), 1);
    CHECK_INT(d.rc, -1);
    CHECK_INT(d.job.stamp, 5);
    pf.revents = 0;
    CHECK_INT(poll(&pf, 1, 0), 0);                 /* collect drained the pipe */
    free_args(d.job.args);
    worker_free(w);
}

int main(void)
{
    test_sync();
    test_latest_wins();
    test_cancel_flag();
    test_wake_pipe();
    return check_done("test_worker");
}
