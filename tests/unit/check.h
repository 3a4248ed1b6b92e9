/* tests/unit/check.h — the few assertion macros every unit test uses. A failed check prints
 * file:line and the values, and the test exits 1 at the end (check_done). */
#ifndef CHECK_H
#define CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int check_failures;
static int check_count;

#define CHECK(cond) do { check_count++; if (!(cond)) { check_failures++; \
    fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); } } while (0)

/* |got - want| <= tol (absolute) */
#define CHECK_NEAR(got, want, tol) do { double g_ = (got), w_ = (want); check_count++; \
    if (!(fabs(g_ - w_) <= (tol))) { check_failures++; \
    fprintf(stderr, "%s:%d: %s = %.17g, want %.17g (tol %g)\n", __FILE__, __LINE__, #got, g_, w_, (double)(tol)); } } while (0)

/* relative: |got - want| <= tol·|want| */
#define CHECK_REL(got, want, tol) do { double g_ = (got), w_ = (want); check_count++; \
    if (!(fabs(g_ - w_) <= (tol) * fabs(w_))) { check_failures++; \
    fprintf(stderr, "%s:%d: %s = %.17g, want %.17g (rel tol %g)\n", __FILE__, __LINE__, #got, g_, w_, (double)(tol)); } } while (0)

#define CHECK_INT(got, want) do { long long g_ = (got), w_ = (want); check_count++; \
    if (g_ != w_) { check_failures++; \
    fprintf(stderr, "%s:%d: %s = %lld, want %lld\n", __FILE__, __LINE__, #got, g_, w_); } } while (0)

#define CHECK_STR(got, want) do { const char *g_ = (got), *w_ = (want); check_count++; \
    if (!g_ || strcmp(g_, w_) != 0) { check_failures++; \
    fprintf(stderr, "%s:%d: %s = \"%s\", want \"%s\"\n", __FILE__, __LINE__, #got, g_ ? g_ : "(null)", w_); } } while (0)

/* substring */
#define CHECK_HAS(hay, needle) do { const char *h_ = (hay), *n_ = (needle); check_count++; \
    if (!h_ || !strstr(h_, n_)) { check_failures++; \
    fprintf(stderr, "%s:%d: \"%s\" not found in %s\n", __FILE__, __LINE__, n_, #hay); } } while (0)

static inline int check_done(const char *name) {
    printf("%s: %d checks, %d failed\n", name, check_count, check_failures);
    return check_failures ? 1 : 0;
}

/* A test that cannot run here (a missing package or asset): says why and returns ctest's skip code. */
#define CHECK_SKIP_CODE 77
static inline int check_skip(const char *name, const char *why) {
    printf("%s: skipped (%s)\n", name, why);
    return CHECK_SKIP_CODE;
}

#endif
