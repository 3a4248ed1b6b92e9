/* kernels/kern_pool.c — a fork/join thread pool for 2-core machines: the caller is thread 0, each
 * run bumps a generation number, workers wait for it with a short bounded spin (a few µs, so the
 * back-to-back phases of one forward pass don't pay a futex wake-up each) and then sleep on a
 * condition variable, so an idle or starved pool never burns the other core. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "kern.h"

extern void openblas_set_num_threads(int);

/* Bounded spin before sleeping. No PAUSE instruction: in a KVM guest a PAUSE loop triggers
 * pause-loop exiting and the host deschedules the spinning vCPU, which is far slower than the
 * futex wake-up it was meant to avoid. A compiler barrier keeps the loop honest. */
#define SPIN_ITERS 20000
static inline void spin_relax(void) { __asm__ __volatile__("" ::: "memory"); }

struct kern_pool {
    int n;                          /* threads including the caller */
    pthread_t *tid;                 /* [n-1] */
    pthread_mutex_t mu;
    pthread_cond_t cv_work, cv_done;
    atomic_uint gen;                /* incremented per run */
    atomic_int pending;             /* workers still running the current task */
    atomic_int sleepers_done;       /* the caller is asleep waiting for pending == 0 */
    int quit;
    kern_task fn;
    void *arg;
};

typedef struct { kern_pool *p; int ith; } worker_arg;

static void *worker(void *a_)
{
    worker_arg *a = a_;
    kern_pool *p = a->p;
    int ith = a->ith;
    free(a);
    unsigned seen = 0;
    for (;;) {
        unsigned g;
        int spins = 0;
        while ((g = atomic_load_explicit(&p->gen, memory_order_acquire)) == seen && spins < SPIN_ITERS) {
            spin_relax();
            spins++;
        }
        if (g == seen) {
            pthread_mutex_lock(&p->mu);
            while ((g = atomic_load_explicit(&p->gen, memory_order_acquire)) == seen && !p->quit)
                pthread_cond_wait(&p->cv_work, &p->mu);
            pthread_mutex_unlock(&p->mu);
        }
        if (p->quit) return NULL;
        seen = g;
        p->fn(p->arg, ith, p->n);
        /* seq_cst on both sides: the caller's store of sleepers_done and load of pending must not
         * pass each other, or both sides could miss the wake-up. */
        if (atomic_fetch_sub(&p->pending, 1) == 1 && atomic_load(&p->sleepers_done)) {
            pthread_mutex_lock(&p->mu);
            pthread_cond_signal(&p->cv_done);
            pthread_mutex_unlock(&p->mu);
        }
    }
}

kern_pool *kern_pool_create(int n_threads, rope_error *err)
{
    if (n_threads < 1 || n_threads > 256)
        return rope_fail(err, "thread count %d is out of range; use 1 to 256 (this machine: 2)", n_threads), NULL;
    openblas_set_num_threads(1);
    kern_pool *p = calloc(1, sizeof *p);
    if (!p) return rope_fail(err, "out of memory creating a thread pool"), NULL;
    p->n = n_threads;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv_work, NULL);
    pthread_cond_init(&p->cv_done, NULL);
    p->tid = calloc((size_t)n_threads, sizeof *p->tid);
    if (!p->tid) { free(p); return rope_fail(err, "out of memory creating a thread pool"), NULL; }
    for (int i = 1; i < n_threads; i++) {
        worker_arg *a = malloc(sizeof *a);
        if (a) { a->p = p; a->ith = i; }
        if (!a || pthread_create(&p->tid[i - 1], NULL, worker, a) != 0) {
            free(a);
            p->n = i;           /* only the threads started so far */
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
    p->quit = 1;
    atomic_fetch_add(&p->gen, 1);
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

void kern_pool_run(kern_pool *p, kern_task fn, void *arg)
{
    if (!p || p->n == 1) { fn(arg, 0, 1); return; }
    p->fn = fn;
    p->arg = arg;
    atomic_store_explicit(&p->pending, p->n - 1, memory_order_relaxed);
    atomic_store_explicit(&p->sleepers_done, 0, memory_order_relaxed);
    pthread_mutex_lock(&p->mu);
    atomic_fetch_add_explicit(&p->gen, 1, memory_order_release);
    pthread_cond_broadcast(&p->cv_work);
    pthread_mutex_unlock(&p->mu);
    fn(arg, 0, p->n);
    int spins = 0;
    while (atomic_load_explicit(&p->pending, memory_order_acquire) > 0 && spins < SPIN_ITERS) {
        spin_relax();
        spins++;
    }
    if (atomic_load_explicit(&p->pending, memory_order_acquire) > 0) {
        pthread_mutex_lock(&p->mu);
        atomic_store(&p->sleepers_done, 1);
        while (atomic_load(&p->pending) > 0)
            pthread_cond_wait(&p->cv_done, &p->mu);
        pthread_mutex_unlock(&p->mu);
    }
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
