/* ropecore/rope_score.c — attention score vs distance for a rope_table: the q = k = 1 curve
 * (RoFormer's long-term decay), its upper bound, the mean and spread for random q = k, and the
 * score of caller-supplied q and k. */
#include <math.h>
#include <stdlib.h>
#include "rope.h"

#define MAX_DELTA 1e9
#define MAX_POINTS 10000000
/* a linear grid re-evaluates the rotations directly every RESYNC points to bound rounding drift */
#define RESYNC ROPE_SCORE_RESYNC

int rope_grid_check(const rope_grid *g, rope_error *err)
{
    if (g->n < 2 || g->n > MAX_POINTS)
        return rope_fail(err, "grid has %d points; use 2 to %d", g->n, MAX_POINTS);
    if (!isfinite(g->lo) || !isfinite(g->hi) || g->lo < 0.0 || g->hi > MAX_DELTA || !(g->hi > g->lo))
        return rope_fail(err, "distance range %g..%g is invalid; use 0 <= from < to <= %g tokens",
                         g->lo, g->hi, MAX_DELTA);
    if (g->log && !(g->lo > 0.0))
        return rope_fail(err, "a log-spaced grid needs a start above 0 (have %g); use e.g. --from 1", g->lo);
    return 0;
}

double rope_grid_at(const rope_grid *g, int k)
{
    double u = (double)k / (double)(g->n - 1);
    if (k == g->n - 1)
        return g->hi;
    return g->log ? g->lo * pow(g->hi / g->lo, u) : g->lo + (g->hi - g->lo) * u;
}

/* The value of one curve at one distance from per-pair unit phasors (c_i, s_i) = e^{iΔθ'_i}. */
static double score_point(const rope_table *t, rope_score_kind kind, const double *c, const double *s)
{
    int n = t->n_pairs;
    double acc = 0.0;
    switch (kind) {
    case ROPE_SCORE_ONES:
        for (int i = 0; i < n; i++)
            acc += c[i];
        break;
    case ROPE_SCORE_RANDOM_MEAN:
        for (int i = 0; i < n; i++)
            acc += 2.0 * c[i];
        break;
    case ROPE_SCORE_RANDOM_STD:
        for (int i = 0; i < n; i++)
            acc += 4.0 * c[i] * c[i];
        acc = sqrt(acc);
        break;
    case ROPE_SCORE_BOUND: {
        double sr = 0.0, si = 0.0; /* S_j = Σ_{i<j} e^{iΔθ_i}, j = 1..n */
        for (int j = 0; j < n; j++) {
            sr += c[j];
            si += s[j];
            acc += hypot(sr, si);
        }
        acc /= n;
        break;
    }
    }
    return acc * t->logit_mult;
}

/* Walks the grid keeping e^{iΔθ'_i} for every pair in (c, s), calling back per point. */
typedef double (*point_fn)(const rope_table *t, const void *ctx, const double *c, const double *s);

static int walk_grid(const rope_table *t, const rope_grid *g, int k0, int k1, point_fn fn, const void *ctx,
                     double *out, rope_error *err)
{
    if (rope_grid_check(g, err))
        return -1;
    if (k0 < 0 || k1 > g->n || k0 >= k1)
        return rope_fail(err, "grid points %d..%d are outside 0..%d", k0, k1, g->n);
    int n = t->n_pairs;
    double c[ROPE_MAX_PAIRS], s[ROPE_MAX_PAIRS], rc[ROPE_MAX_PAIRS], rs[ROPE_MAX_PAIRS];
    double step = (g->hi - g->lo) / (double)(g->n - 1);
    if (!g->log)
        for (int i = 0; i < n; i++) {
            sincos(step * t->pair[i].theta_scaled, &rs[i], &rc[i]);
        }
    for (int k = k0; k < k1; k++) {
        if (g->log || k % RESYNC == 0 || k == k0) {
            double d = rope_grid_at(g, k);
            for (int i = 0; i < n; i++) {
                sincos(d * t->pair[i].theta_scaled, &s[i], &c[i]);
            }
        } else {
            for (int i = 0; i < n; i++) { /* (c + i s)·(rc + i rs) */
                double cn = c[i] * rc[i] - s[i] * rs[i];
                s[i] = s[i] * rc[i] + c[i] * rs[i];
                c[i] = cn;
            }
        }
        out[k - k0] = fn(t, ctx, c, s);
    }
    return 0;
}

static double kind_point(const rope_table *t, const void *ctx, const double *c, const double *s)
{
    return score_point(t, *(const rope_score_kind *)ctx, c, s);
}

int rope_score_curve(const rope_table *t, rope_score_kind kind, const rope_grid *g, double *out,
                     rope_error *err)
{
    if ((unsigned)kind > ROPE_SCORE_RANDOM_STD)
        return rope_fail(err, "unknown score curve kind %d", (int)kind);
    return rope_score_curve_range(t, kind, g, 0, g->n, out, err);
}

int rope_score_curve_range(const rope_table *t, rope_score_kind kind, const rope_grid *g, int k0, int k1,
                           double *out, rope_error *err)
{
    if ((unsigned)kind > ROPE_SCORE_RANDOM_STD)
        return rope_fail(err, "unknown score curve kind %d", (int)kind);
    return walk_grid(t, g, k0, k1, kind_point, &kind, out, err);
}

/* Re(q_i·conj(k_i)·e^{iφ}) = a_i cos φ − b_i sin φ with a_i + i b_i = q_i·conj(k_i). */
typedef struct qk_ctx {
    double a[ROPE_MAX_PAIRS], b[ROPE_MAX_PAIRS];
} qk_ctx;

static double qk_point(const rope_table *t, const void *ctx, const double *c, const double *s)
{
    const qk_ctx *q = ctx;
    double acc = 0.0;
    for (int i = 0; i < t->n_pairs; i++)
        acc += q->a[i] * c[i] - q->b[i] * s[i];
    return acc * t->logit_mult;
}

int rope_score_qk(const rope_table *t, const double *q, const double *k, const rope_grid *g, double *out,
                  rope_error *err)
{
    qk_ctx *ctx = malloc(sizeof *ctx);
    if (!ctx)
        return rope_fail(err, "out of memory for the q/k score curve");
    for (int i = 0; i < t->n_pairs; i++) {
        double qa = q[2 * i], qb = q[2 * i + 1], ka = k[2 * i], kb = k[2 * i + 1];
        if (!isfinite(qa) || !isfinite(qb) || !isfinite(ka) || !isfinite(kb)) {
            free(ctx);
            return rope_fail(err, "q or k has a non-finite value at pair %d", i);
        }
        ctx->a[i] = qa * ka + qb * kb;
        ctx->b[i] = qb * ka - qa * kb;
    }
    int rc = walk_grid(t, g, 0, g->n, qk_point, ctx, out, err);
    free(ctx);
    return rc;
}
