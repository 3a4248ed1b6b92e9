/* app/cmd/cmd_freqs.c — `ropescope freqs`: the per-pair table of one method, as aligned text or JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
#include "cmdutil.h"
#include "ropeargs.h"
#include "tablefmt.h"

static void help(void)
{
    printf("usage: ropescope freqs [RoPE flags] [--pos P] [--json] [--list-presets] [--list-methods]\n\n"
           "Per rotary pair i: theta_i = b^(-2i/d), the scaled theta'_i, wavelengths lambda = 2pi/theta,\n"
           "r = L/lambda (rotations within the original context), the ramp gamma (1 = original frequency\n"
           "kept, 0 = fully interpolated), the regime and the factor theta'/theta; plus the cos/sin\n"
           "magnitude, the logit multiplier and the YaRN correction range.\n\n%s"
           "\nPhases:\n  --pos P               add each pair's angle at position P (mod 2pi) and the error a float32\n"
           "                        kernel of the flavor makes there\n"
           "\nOutput:\n  --json                one object: inv_freq (theta' per pair), attention_factor (the\n"
           "                        cos/sin magnitude), and every per-pair field\n", ropeargs_help);
}

static int list_presets(void)
{
    for (int i = 0; i < rope_preset_count(); i++)
        printf("%-26s %s\n", rope_preset_name(i), rope_preset_title(i));
    return 0;
}

static int list_methods(void)
{
    for (int m = 0; m < ROPE_METHOD_COUNT; m++)
        printf("%-13s %s\n", rope_method_get(m)->name, rope_method_get(m)->title);
    return 0;
}

static cJSON *table_json(const rope_params *p, const rope_table *t, double pos)
{
    int n = t->n_pairs;
    double *v = malloc(sizeof(double) * (size_t)n);
    cJSON *o = cJSON_CreateObject();
    if (!v || !o) {
        free(v);
        cJSON_Delete(o);
        return NULL;
    }
    cJSON_AddStringToObject(o, "method", rope_method_get(p->method)->name);
    cJSON_AddStringToObject(o, "flavor", rope_flavor_name(p->flavor));
    cJSON_AddNumberToObject(o, "head_dim", p->head_dim);
    cJSON_AddNumberToObject(o, "rot_dim", t->rot_dim);
    cJSON_AddNumberToObject(o, "n_pairs", n);
    cJSON_AddNumberToObject(o, "base", p->base);
    cJSON_AddNumberToObject(o, "base_scaled", t->base_scaled);
    cJSON_AddNumberToObject(o, "original_context", p->orig_ctx);
    cJSON_AddNumberToObject(o, "max_position_embeddings", p->max_pos);
    cJSON_AddNumberToObject(o, "factor", p->factor);
    cJSON_AddNumberToObject(o, "scale", t->scale);
    cJSON_AddNumberToObject(o, "seq_len", p->seq_len);
    cJSON_AddNumberToObject(o, "attention_factor", t->magnitude);
    cJSON_AddNumberToObject(o, "logit_multiplier", t->logit_mult);
    if (t->has_corr) {
        cJSON *c = cJSON_AddObjectToObject(o, "correction_range");
        cJSON_AddNumberToObject(c, "low_raw", t->corr_low_raw);
        cJSON_AddNumberToObject(c, "high_raw", t->corr_high_raw);
        cJSON_AddNumberToObject(c, "low", t->corr_low);
        cJSON_AddNumberToObject(c, "high", t->corr_high);
    } else {
        cJSON_AddNullToObject(o, "correction_range");
    }
    if (p->method == ROPE_LONGROPE)
        cJSON_AddBoolToObject(o, "long_factors", t->long_factors);
#define FIELD(key, expr) do { for (int i = 0; i < n; i++) v[i] = (expr); \
        cJSON_AddItemToObject(o, key, cmd_json_array(v, n)); } while (0)
    FIELD("inv_freq", t->pair[i].theta_scaled);
    FIELD("inv_freq_f32", (double)t->pair[i].inv_freq_f32);
    FIELD("theta", t->pair[i].theta);
    FIELD("wavelength", t->pair[i].lambda);
    FIELD("wavelength_scaled", t->pair[i].lambda_scaled);
    FIELD("r", t->pair[i].r);
    FIELD("ramp", t->pair[i].ramp);
    FIELD("factor_per_pair", t->pair[i].factor);
    if (pos >= 0) {
        cJSON_AddNumberToObject(o, "position", pos);
        FIELD("phase", rope_phase_wrapped(t, i, pos));
        FIELD("phase_f32_error", rope_phase_f32_error(t, i, pos));
    }
#undef FIELD
    cJSON *reg = cJSON_AddArrayToObject(o, "regime");
    for (int i = 0; i < n; i++)
        cJSON_AddItemToArray(reg, cJSON_CreateString(rope_regime_name(t->pair[i].regime)));
    free(v);
    return o;
}

static void table_text(const rope_params *p, const rope_table *t, double pos)
{
    tablefmt_summary(stdout, p, t);
    printf("\n%4s %13s %13s %13s %13s %11s %7s  %-11s %9s", "i", "theta", "theta'", "lambda", "lambda'",
           "r", "gamma", "regime", "factor");
    if (pos >= 0)
        printf(" %10s %11s", "phase", "f32 error");
    putchar('\n');
    for (int i = 0; i < t->n_pairs; i++) {
        const rope_pair *q = &t->pair[i];
        printf("%4d %13.6e %13.6e %13.6g %13.6g %11.5g %7.4f  %-11s %9.6f", i, q->theta, q->theta_scaled,
               q->lambda, q->lambda_scaled, q->r, q->ramp, rope_regime_name(q->regime), q->factor);
        if (pos >= 0)
            printf(" %10.6f %11.3e", rope_phase_wrapped(t, i, pos), rope_phase_f32_error(t, i, pos));
        putchar('\n');
    }
    if (pos >= 0)
        printf("\nphase: angle of each pair at position %.0f, mod 2pi (rad); f32 error: what a float32 %s "
               "kernel computes minus the exact angle (rad)\n", pos, rope_flavor_name(p->flavor));
}

int cmd_freqs(int argc, char **argv)
{
    if (cmd_wants_help(argc, argv)) {
        help();
        return 0;
    }
    unsigned char *used = calloc((size_t)argc + 1, 1);
    ropeargs *ra = malloc(sizeof *ra);
    rope_table *t = malloc(sizeof *t);
    int rc = 0, json = 0;
    double pos = -1;
    rope_error err;
    if (!used || !ra || !t) {
        rc = cmd_error("freqs", 1, "out of memory");
        goto done;
    }
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--list-presets")) { rc = list_presets(); goto done; }
        if (!strcmp(argv[i], "--list-methods")) { rc = list_methods(); goto done; }
        if (!strcmp(argv[i], "--json")) { json = 1; used[i] = 1; }
        if (ropeargs_is(argv[i], "--pos")) {
            int at = i;
            const char *v = ropeargs_value(argc, argv, &i, "--pos", &err);
            if (!v || ropeargs_double("--pos", v, 0, 1e9, &pos, &err)) {
                rc = cmd_error("freqs", 2, "%s", err.msg);
                goto done;
            }
            for (int k = at; k <= i; k++) used[k] = 1;
        }
    }
    if (ropeargs_parse(argc, argv, ra, used, &err)) {
        rc = cmd_error("freqs", 2, "%s", err.msg);
        goto done;
    }
    const char *left = cmd_leftover(argc, argv, used);
    if (left) {
        rc = cmd_error("freqs", 2, "unknown argument '%s' (see ropescope freqs --help)", left);
        goto done;
    }
    if (rope_table_compute(&ra->cfg.params, t, &err)) {
        rc = cmd_error("freqs", 2, "%s", err.msg);
        goto done;
    }
    if (json)
        rc = cmd_print_json(table_json(&ra->cfg.params, t, pos));
    else
        table_text(&ra->cfg.params, t, pos);
done:
    free(used);
    free(ra);
    free(t);
    return rc;
}
