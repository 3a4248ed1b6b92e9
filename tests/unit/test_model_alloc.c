/* tests/unit/test_model_alloc.c — the decode loop allocates nothing: malloc/calloc/realloc are
 * counted (interposed) across 100 sampled decode steps under a dynamic method, in both KV modes.
 * Skipped under AddressSanitizer, which owns the allocator. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include "check.h"
#include "model.h"

#if defined(__SANITIZE_ADDRESS__)
int main(void)
{
    return check_skip("test_model_alloc", "AddressSanitizer owns the allocator");
}
#else
static int counting;
static long n_alloc;

void *malloc(size_t n)
{
    static void *(*real)(size_t);
    if (!real) real = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
    if (counting) __atomic_add_fetch(&n_alloc, 1, __ATOMIC_RELAXED);
    return real(n);
}

void *realloc(void *p, size_t n)
{
    static void *(*real)(void *, size_t);
    if (!real) real = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
    if (counting) __atomic_add_fetch(&n_alloc, 1, __ATOMIC_RELAXED);
    return real(p, n);
}

int main(void)
{
    model m;
    model_hparams hp = { MODEL_VOCAB, 64, 2, 4, 2, 16, 96, 32, 1e-5f, 0 };
    rope_error err = {{0}};
    CHECK_INT(model_init_random(&m, &hp, 1, &err), 0);
    for (int mode = 0; mode < 2; mode++) {
        model_ctx_params cp;
        model_ctx_params_default(&m, &cp);
        cp.n_ctx = 256;
        cp.n_threads = 2;
        cp.decode_threads = 2;
        cp.kv_mode = mode ? MODEL_KV_REROTATE : MODEL_KV_KEEP;
        cp.rope.method = ROPE_DYNAMIC;
        cp.rope.factor = 2;
        model_ctx c;
        CHECK_INT(model_ctx_init(&c, &m, &cp, &err), 0);
        int t[40];
        for (int i = 0; i < 40; i++) t[i] = i * 3;
        CHECK_INT(model_eval(&c, t, 40, &err), 0);
        model_sampler s;
        model_sampler_init(&s, 0.8f, 40, 0.9f, 1);
        n_alloc = 0;
        counting = 1;
        int bad = 0;
        for (int i = 0; i < 100; i++) {
            int k = model_sample(&s, model_logits(&c, 0), MODEL_VOCAB);
            bad += model_eval(&c, &k, 1, &err) != 0;
        }
        counting = 0;
        CHECK_INT(bad, 0);
        CHECK_INT(n_alloc, 0);
        model_ctx_free(&c);
    }
    model_free(&m);
    return check_done("test_model_alloc");
}
#endif
