/* kernels/kern/kern_pool.c — a fork/join pool for a small, shared machine. A run is cut into n parts
 * that threads claim from one atomic counter (the caller claims too), so a worker that is asleep or
 * descheduled never holds the caller up: the caller simply runs the parts itself. Idle workers spin
 * briefly (without PAUSE) and then sleep on a condition variable; nothing spins unboundedly. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "kern.h"

extern void openblas_set_num_threads(int);

/* Bounded spin before sleeping. No PAUSE instruction: in a KVM guest a PAUSE loop triggers
 * pause-loop exiting and the host deschedules the spinning vCPU, which costs far more than the
 * futex wake-up the spin was meant to avoid. */
#define SPIN_ITERS 20000
static inline void spin_relax(void) { __asm__ __volatile__("" ::: "memory"); }

static _Thread_local int tid_of_thread;   /* 0 for callers, i for worker i */

struct kern_pool {
    int n;                           /* threads including the caller */
    pthread_t *tid;                  /* [n-1] */
    pthread_mutex_t mu;
    pthread_cond_t cv_work, cv_done;
    /* generation << 32 | parts << 16 | next unclaimed part: one word, so a thread still looking at
     * an old generation can never claim a part of the next one */
    _Alignas(64) _Atomic uint64_t claim;
    _Alignas(64) atomic_int done;          /* parts finished in the current generation */
    atomic_int caller_sleeps;              /* the caller waits on cv_done */
    atomic_int quit;
    _Atomic(kern_task) fn;
    _Atomic(void *) arg;
};

/* Claims and runs parts of generation g until none are left. */
static void run_parts(kern_pool *p, uint32_t g)
{
    for (;;) {
        uint64_t v = atomic_load(&p->claim);
        int parts = (int)((v >> 16) & 0xffff), part = (int)(v & 0xffff);
        if ((uint32_t)(v >> 32) != g || part >= parts) return;
        kern_task fn = atomic_load(&p->fn);
        void *arg = atomic_load(&p->arg);
        if (!atomic_compare_exchange_weak(&p->claim, &v, v + 1)) continue;
        fn(arg, part, parts);
        if (atomic_fetch_add(&p->done, 1) + 1 == parts && atomic_load(&p->caller_sleeps)) {
            pthread_mutex_lock(&p->mu);
            pthread_cond_signal(&p->cv_done);
            pthread_mutex_unlock(&p->mu);
        }
    }
}

static int has_work(kern_pool *p, uint32_t seen, uint32_t *g)
{
    uint64_t v = atomic_load(&p->claim);
    *g = (uint32_t)(v >> 32);
    return *g != seen;
}

typedef struct { kern_pool *p; int tid; } worker_arg;

static void *worker(void *a_)
{
    worker_arg *a = a_;
    kern_pool *p = a->p;
    tid_of_thread = a->tid;
    free(a);
    uint32_t seen = 0, g;
    for (;;) {
        int spins = 0;
        while (!has_work(p, seen, &g) && !atomic_load(&p->quit) && spins < SPIN_ITERS) {
            spin_relax();
            spins++;
        }
        if (!has_work(p, seen, &g) && !atomic_load(&p->quit)) {
            pthread_mutex_lock(&p->mu);
            while (!has_work(p, seen, &g) && !atomic_load(&p->quit)) pthread_cond_wait(&p->cv_work, &p->mu);
            pthread_mutex_unlock(&p->mu);
        }
        if (atomic_load(&p->quit)) return NULL;
        seen = g;
        run_parts(p, g);
    }
}

kern_pool *kern_pool_create(int n_threads, rope_error *err)
{
    if (n_threads < 1 || n_threads > 256)
        return rope_fail(err, "thread count %d is out of range; use 1 to 256 (this machine: 2)", n_threads), NULL;
    openblas_set_num_threads(1);
    kern_pool *p = aligned_alloc(64, (sizeof *p + 63) / 64 * 64);
    if (!p) return rope_fail(err, "out of memory creating a thread pool"), NULL;
    memset(p, 0, sizeof *p);
    p->n = n_threads;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv_work, NULL);
    pthread_cond_init(&p->cv_done, NULL);
    atomic_store(&p->claim, 0);   /* generation 0 has no parts */
    p->tid = calloc((size_t)n_threads, sizeof *p->tid);
    if (!p->tid) { free(p); return rope_fail(err, "out of memory creating a thread pool"), NULL; }
    for (int i = 1; i < n_threads; i++) {
        worker_arg *a = malloc(sizeof *a);
        if (a) { a->p = p; a->tid = i; }
        if (!a || pthread_create(&p->tid[i - 1], NULL, worker, a) != 0) {
            free(a);
            p->n = i;
            kern_pool_free(p);
            return rope_fail(err, "cannot start worker thread %d; use fewer threads", i), NULL;
        }
    }
    return p;
}

void kern_pool_free(kern_pool *p)
{
    if (!p) return;
    pthread_mutex_lock(&p->mu);
    atomic_store(&p->quit, 1);
    pthread_cond_broadcast(&p->cv_work);
    pthread_mutex_unlock(&p->mu);
    for (int i = 1; i < p->n; i++) pthread_join(p->tid[i - 1], NULL);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv_work);
    pthread_cond_destroy(&p->cv_done);
    free(p->tid);
    free(p);
}

int kern_pool_size(const kern_pool *p) { return p ? p->n : 1; }

int kern_pool_tid(void) { return tid_of_thread; }

void kern_pool_run(kern_pool *p, kern_task fn, void *arg)
{
    kern_pool_run_parts(p, fn, arg, p ? p->n : 1);
}

void kern_pool_run_parts(kern_pool *p, kern_task fn, void *arg, int parts)
{
    if (parts < 1) parts = 1;
    if (parts > 0xffff) parts = 0xffff;
    int saved_tid = tid_of_thread;          /* the caller is thread 0 of this pool */
    tid_of_thread = 0;
    if (!p || p->n == 1) {
        for (int i = 0; i < parts; i++) fn(arg, i, parts);
        tid_of_thread = saved_tid;
        return;
    }
    atomic_store(&p->fn, fn);
    atomic_store(&p->arg, arg);
    atomic_store(&p->done, 0);
    atomic_store(&p->caller_sleeps, 0);
    uint32_t g = (uint32_t)(atomic_load(&p->claim) >> 32) + 1;
    pthread_mutex_lock(&p->mu);
    atomic_store(&p->claim, (uint64_t)g << 32 | (uint64_t)parts << 16);   /* publishes the run */
    pthread_cond_broadcast(&p->cv_work);
    pthread_mutex_unlock(&p->mu);
    run_parts(p, g);
    int spins = 0;
    while (atomic_load(&p->done) < parts && spins < SPIN_ITERS) {
        spin_relax();
        spins++;
    }
    if (atomic_load(&p->done) < parts) {
        pthread_mutex_lock(&p->mu);
        atomic_store(&p->caller_sleeps, 1);
        while (atomic_load(&p->done) < parts) pthread_cond_wait(&p->cv_done, &p->mu);
        pthread_mutex_unlock(&p->mu);
    }
    tid_of_thread = saved_tid;
}

void kern_split(int n, int ith, int nth, int align, int *lo, int *hi)
{
    if (align < 1) align = 1;
    int units = (n + align - 1) / align;
    int a = (int)((long long)units * ith / nth) * align;
    int b = (int)((long long)units * (ith + 1) / nth) * align;
    *lo = a < n ? a : n;
    *hi = b < n ? b : n;
}
