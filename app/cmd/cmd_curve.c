/* app/cmd/cmd_curve.c — `ropescope curve`: attention score against distance for one or more methods,
 * on a linear or log-spaced grid, as aligned text or JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cmd.h"
#include "cmdutil.h"
#include "ropeargs.h"

#define MAX_SERIES 48

static const struct { const char *name; rope_score_kind kind; } kinds[] = {
    { "ones", ROPE_SCORE_ONES }, { "bound", ROPE_SCORE_BOUND },
    { "random-mean", ROPE_SCORE_RANDOM_MEAN }, { "random-std", ROPE_SCORE_RANDOM_STD },
};
#define N_KINDS ((int)(sizeof kinds / sizeof kinds[0]))

static void help(void)
{
    printf("usage: ropescope curve [RoPE flags] [--methods M1,M2,…] [--kind K1,K2,…] [--from D] [--to D]\n"
           "                       [--points N] [--log] [--json]\n\n"
           "Attention score against relative distance D for the scaled frequencies theta'_i:\n"
           "  ones         s(D) = m^2 * sum_i cos(D theta'_i): q = k = 1 in every pair (RoFormer decay)\n"
           "  bound        m^2 * (1/(d/2)) * sum_j |S_j|, S_j = sum_{i<j} e^{i D theta'_i} (RoFormer's bound)\n"
           "  random-mean  E[s] for q = k ~ N(0, I): m^2 * sum_i 2 cos(D theta'_i)\n"
           "  random-std   its standard deviation: m^2 * sqrt(sum_i 4 cos^2(D theta'_i))\n"
           "  all          every kind\n"
           "m is the cos/sin magnitude of the method (so m^2 multiplies every logit).\n\n"
           "  --methods LIST  methods to compare (default: --method); `all` = every method\n"
           "  --kind LIST     default ones,bound\n"
           "  --from D, --to D  distance range in tokens (default 0 .. 4*s*L; a log grid starts at 1)\n"
           "  --points N      grid points (default 33; up to 10^7)\n"
           "  --log           log-spaced distances\n\n%s", ropeargs_help);
}

/* Splits a comma list in place into words; returns the count (at most max). */
static int split(char *s, char **words, int max)
{
    int n = 0;
    for (char *tok = strtok(s, ","); tok && n < max; tok = strtok(NULL, ","))
        words[n++] = tok;
    return n;
}

typedef struct series {
    rope_method method;
    rope_score_kind kind;
    double *y; /* [n points] */
    double magnitude;
} series;

/* Progress on stderr (a TTY only), at most twice a second: curves done out of all. */
#define SLICE (256 * ROPE_SCORE_RESYNC)
static void progress(double *last, double done, double total)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    double now = (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
    if (now - *last < 0.5 && done < total)
        return;
    *last = now;
    fprintf(stderr, "\rcurve: %.1f %% of %.0f curves", 100.0 * done / total, total);
}

int cmd_curve(int argc, char **argv)
{
    if (cmd_wants_help(argc, argv)) {
        help();
        return 0;
    }
    int rc = 0, json = 0, logg = 0, points = 33, have_from = 0, have_to = 0;
    double from = 0, to = 0;
    char methods_arg[256] = "", kinds_arg[256] = "ones,bound";
    unsigned char *used = calloc((size_t)argc + 1, 1);
    ropeargs *ra = malloc(sizeof *ra);
    rope_table *t = malloc(sizeof *t);
    double *grid = NULL;
    series ser[MAX_SERIES];
    int n_ser = 0;
    rope_error err;
    if (!used || !ra || !t) {
        rc = cmd_error("curve", 1, "out of memory");
        goto done;
    }
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int at = i;
        if (!strcmp(argv[i], "--json")) json = 1;
        else if (!strcmp(argv[i], "--log")) logg = 1;
        else if (ropeargs_is(argv[i], "--methods") || ropeargs_is(argv[i], "--kind")) {
            int is_m = ropeargs_is(argv[i], "--methods");
            if (!(v = ropeargs_value(argc, argv, &i, is_m ? "--methods" : "--kind", &err))) goto usage;
            snprintf(is_m ? methods_arg : kinds_arg, 256, "%s", v);
        } else if (ropeargs_is(argv[i], "--from")) {
            if (!(v = ropeargs_value(argc, argv, &i, "--from", &err)) ||
                ropeargs_double("--from", v, 0, 1e9, &from, &err)) goto usage;
            have_from = 1;
        } else if (ropeargs_is(argv[i], "--to")) {
            if (!(v = ropeargs_value(argc, argv, &i, "--to", &err)) ||
                ropeargs_double("--to", v, 0, 1e9, &to, &err)) goto usage;
            have_to = 1;
        } else if (ropeargs_is(argv[i], "--points")) {
            if (!(v = ropeargs_value(argc, argv, &i, "--points", &err)) ||
                ropeargs_int("--points", v, 2, 10000000, &points, &err)) goto usage;
        } else continue;
        for (int k = at; k <= i; k++) used[k] = 1;
    }
    if (ropeargs_parse(argc, argv, ra, used, &err))
        goto usage;
    const char *left = cmd_leftover(argc, argv, used);
    if (left) {
        rope_fail(&err, "unknown argument '%s' (see ropescope curve --help)", left);
        goto usage;
    }
    rope_params p = ra->cfg.params;
    rope_grid g = { have_from ? from : (logg ? 1.0 : 0.0),
                    have_to ? to : 4.0 * p.factor * p.orig_ctx, points, logg };
    if (rope_grid_check(&g, &err))
        goto usage;

    rope_method ms[ROPE_METHOD_COUNT];
    int n_m = 0;
    if (!methods_arg[0]) {
        ms[n_m++] = p.method;
    } else if (!strcmp(methods_arg, "all")) {
        for (int m = 0; m < ROPE_METHOD_COUNT; m++)
            if (m != ROPE_LONGROPE || p.n_factors) /* LongRoPE needs lists */
                ms[n_m++] = (rope_method)m;
    } else {
        char *words[ROPE_METHOD_COUNT + 1];
        int nw = split(methods_arg, words, ROPE_METHOD_COUNT + 1);
        if (nw > ROPE_METHOD_COUNT) { rope_fail(&err, "--methods: too many methods"); goto usage; }
        for (int k = 0; k < nw; k++)
            if (rope_method_from_name(words[k], &ms[n_m++])) {
                rope_fail(&err, "--methods: '%s' is unknown (see ropescope freqs --list-methods)", words[k]);
                goto usage;
            }
    }
    rope_score_kind ks[N_KINDS];
    int n_k = 0;
    if (!strcmp(kinds_arg, "all")) {
        for (int k = 0; k < N_KINDS; k++) ks[n_k++] = kinds[k].kind;
    } else {
        char *words[N_KINDS + 1];
        int nw = split(kinds_arg, words, N_KINDS + 1);
        for (int w = 0; w < nw; w++) {
            int k = 0;
            while (k < N_KINDS && strcmp(words[w], kinds[k].name)) k++;
            if (k == N_KINDS || n_k == N_KINDS) {
                rope_fail(&err, "--kind: '%s' is unknown; use ones, bound, random-mean, random-std or all",
                          words[w]);
                goto usage;
            }
            ks[n_k++] = kinds[k].kind;
        }
    }
    if (!(grid = malloc(sizeof(double) * (size_t)points))) { rc = cmd_error("curve", 1, "out of memory"); goto done; }
    for (int k = 0; k < points; k++)
        grid[k] = rope_grid_at(&g, k);
    int show = isatty(2) && (double)points * n_m * n_k > 4e6; /* only requests that take seconds */
    double last = 0.0;
    for (int a = 0; a < n_m; a++) {
        rope_params q = p;
        q.method = ms[a];
        if (rope_table_compute(&q, t, &err)) goto usage;
        for (int b = 0; b < n_k; b++) {
            series *s = &ser[n_ser];
            s->method = ms[a];
            s->kind = ks[b];
            s->magnitude = t->magnitude;
            if (!(s->y = malloc(sizeof(double) * (size_t)points))) { rc = cmd_error("curve", 1, "out of memory"); goto done; }
            n_ser++;
            for (int k0 = 0; k0 < points; k0 += SLICE) { /* slices, so a long request reports progress */
                int k1 = points - k0 > SLICE ? k0 + SLICE : points;
                if (rope_score_curve_range(t, ks[b], &g, k0, k1, s->y + k0, &err)) goto usage;
                if (show)
                    progress(&last, (double)(a * n_k + b) + (double)k1 / points, (double)(n_m * n_k));
            }
        }
    }
    if (show && last > 0.0)
        fputs("\r\033[K", stderr);
    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "original_context", p.orig_ctx);
        cJSON_AddNumberToObject(o, "factor", p.factor);
        cJSON_AddBoolToObject(o, "log", logg);
        cJSON_AddItemToObject(o, "distance", cmd_json_array(grid, points));
        cJSON *arr = cJSON_AddArrayToObject(o, "curves");
        for (int k = 0; k < n_ser; k++) {
            cJSON *c = cJSON_CreateObject();
            cJSON_AddStringToObject(c, "method", rope_method_get(ser[k].method)->name);
            for (int j = 0; j < N_KINDS; j++)
                if (kinds[j].kind == ser[k].kind) cJSON_AddStringToObject(c, "kind", kinds[j].name);
            cJSON_AddNumberToObject(c, "magnitude", ser[k].magnitude);
            cJSON_AddItemToObject(c, "values", cmd_json_array(ser[k].y, points));
            cJSON_AddItemToArray(arr, c);
        }
        rc = cmd_print_json(o);
    } else {
        printf("# attention score vs distance; L = %d, s*L = %g, head_dim %d\n", p.orig_ctx,
               p.factor * p.orig_ctx, p.head_dim);
        printf("%12s", "distance");
        for (int k = 0; k < n_ser; k++) {
            char h[64];
            const char *kn = "";
            for (int j = 0; j < N_KINDS; j++) if (kinds[j].kind == ser[k].kind) kn = kinds[j].name;
            snprintf(h, sizeof h, "%s:%s", rope_method_get(ser[k].method)->name, kn);
            printf(" %17s", h);
        }
        putchar('\n');
        for (int i = 0; i < points; i++) {
            printf("%12.6g", grid[i]);
            for (int k = 0; k < n_ser; k++) printf(" %17.8g", ser[k].y[i]);
            putchar('\n');
        }
    }
    goto done;
usage:
    rc = cmd_error("curve", 2, "%s", err.msg);
done:
    for (int k = 0; k < n_ser; k++) free(ser[k].y);
    free(grid);
    free(used);
    free(ra);
    free(t);
    return rc;
}
