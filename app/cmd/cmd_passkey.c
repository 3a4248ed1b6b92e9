/* app/cmd/cmd_passkey.c — `ropescope passkey`: passkey retrieval accuracy over a grid of episode lengths
 * × key depths under any RoPE method, each trial scored by the teacher-forced log-probability of the
 * true key against alternatives and by greedy generation (kernels/eval.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cmdutil.h"
#include "flags.h"
#include "heldout.h"
#include "modelcmd.h"
#include "corpus.h"
#include "eval.h"
#include "model.h"
#include "ropeargs.h"
#include "ropeecho.h"


#define PK_MAX_LIST EVAL_PASSKEY_MAX_LIST

static const char help[] =
    "usage: ropescope passkey [--model FILE.gguf] [--lengths N,N,...] [--depths X,X,...] [--trials N] [--seed S]\n"
    "                         [--alternatives N] [--filler FILE] [--threads T] [--kv keep|rerotate] [--json]\n"
    "                         [RoPE flags]\n"
    "  Passkey retrieval (landmark-attention template): a 5-digit key stated once inside filler text and asked\n"
    "  for at the end, built by the same corpus code that trains the model. Each trial is scored twice:\n"
    "  log-prob  the true key's teacher-forced log-probability beats every one of N random other keys\n"
    "  greedy    the first 5 digits generated greedily (after one space) are the key\n"
    "  --lengths LIST     episode lengths in tokens, >= 200 (default L/2, L, 2L, 4L, 8L; L = trained context)\n"
    "  --depths LIST      where the key sits in the filler, 0 = start, 1 = end (default 0,0.25,0.5,0.75,1)\n"
    "  --trials N         trials per cell, each with its own key (default 4)\n"
    "  --seed S           keys and filler offsets (default 1)\n"
    "  --alternatives N   other keys for the log-prob score (default 9: chance is 10%)\n"
    "  --filler FILE      filler text read from FILE at a random offset (default: the grass sentences);\n"
    "                     heldout: the built-in held-out KJV passage (the explorer's model panel reads it)\n"
    "  --threads T        threads (default 2)\n"
    "  --kv MODE          dynamic methods: keep cached keys as rotated (default) or rerotate them\n"
    "  --json             the grid and every trial as one object\n"
    "The method runs exactly as the RoPE flags give it (e.g. --method yarn --factor 8) at every length.\n"
    "The model's GGUF metadata sets the RoPE defaults; these flags override them:\n";

static int progress_cb(void *u, int done, int total)
{
    if (*(int *)u) fprintf(stderr, "\rpasskey: trial %d/%d", done, total);
    if (*(int *)u && done == total) fputc('\n', stderr);
    return 0;
}

int cmd_passkey(int argc, char **argv)
{
    const char *cmd = "passkey";
    if (cmd_wants_help(argc, argv)) { fputs(help, stdout); fputs(ropeargs_help, stdout); return 0; }
    unsigned char *used = calloc((size_t)argc + 1, 1);
    ropeargs *ra = malloc(sizeof *ra);
    rope_error err = {{0}};
    const char *mpath = NULL, *len_list = NULL, *depth_list = NULL, *filler_path = NULL;
    int threads = 2, json = 0, rc = 0, trials = 4, seed = 1, n_alt = 9;
    eval_passkey_spec *sp = calloc(1, sizeof *sp);
    eval_passkey_study st = {0};
    model_kv_mode kv = MODEL_KV_KEEP;
    model m = {0};
    uint8_t *filler = NULL;
    size_t n_filler = 0;
    if (!used || !ra || !sp) { rc = cmd_error(cmd, 1, "out of memory"); goto out; }
    const flags_spec flags[] = {
        FLAG_SWITCH("--json", &json),
        FLAG_STR("--model", &mpath),
        FLAG_STR("--lengths", &len_list),
        FLAG_STR("--depths", &depth_list),
        FLAG_STR("--filler", &filler_path),
        FLAG_INT("--trials", &trials, 1, 100000),
        FLAG_INT("--seed", &seed, 0, 2147483647),
        FLAG_INT("--alternatives", &n_alt, 0, EVAL_PASSKEY_MAX_ALT),
        FLAG_INT("--threads", &threads, 1, 64),
        FLAG_KV("--kv", &kv),
    };
    if (flags_parse(argc, argv, flags, FLAGS_COUNT(flags), used, &err)) {
        rc = cmd_error(cmd, 2, "%s", err.msg);
        goto out;
    }
    if (ropeargs_parse(argc, argv, ra, used, &err)) { rc = cmd_error(cmd, 2, "%s", err.msg); goto out; }
    for (int i = 1; i < argc; i++)
        if (!used[i]) { rc = cmd_error(cmd, 2, "unknown argument '%s' (see --help)", argv[i]); goto out; }
    if (len_list && cmd_parse_int_list("--lengths", len_list, CORPUS_TASK_MIN, 1 << 24, sp->lengths, PK_MAX_LIST,
                                       &sp->n_lengths, &err)) {
        rc = cmd_error(cmd, 2, "%s (an episode needs at least %d tokens)", err.msg, CORPUS_TASK_MIN);
        goto out;
    }
    if (depth_list && cmd_parse_double_list("--depths", depth_list, 0, 1, sp->depths, PK_MAX_LIST, &sp->n_depths, &err)) {
        rc = cmd_error(cmd, 2, "%s", err.msg);
        goto out;
    }
    rope_params p;
    if (cmd_model_load(argc, argv, mpath, ra, &m, &p, &err)) { rc = cmd_error(cmd, 2, "%s", err.msg); goto out; }
    int L = eval_base_ctx(&m);
    if (filler_path && !strcmp(filler_path, "heldout")) {
        int *tk = NULL;
        long nt = 0;
        if (cli_heldout_tokens(&tk, &nt, &err)) { rc = cmd_error(cmd, 1, "%s", err.msg); goto out; }
        filler = malloc((size_t)nt + 1);
        if (!filler) { free(tk); rc = cmd_error(cmd, 1, "out of memory for the held-out passage"); goto out; }
        for (long i = 0; i < nt; i++) filler[i] = (uint8_t)tk[i];
        n_filler = (size_t)nt;
        free(tk);
        if (!n_filler) { rc = cmd_error(cmd, 1, "the held-out passage is empty"); goto out; }
    } else if (filler_path) {
        FILE *fp = fopen(filler_path, "rb");
        if (!fp) { rc = cmd_error(cmd, 2, "%s: cannot open the filler file", filler_path); goto out; }
        struct stat fst;
        if (fstat(fileno(fp), &fst) == 0 && S_ISDIR(fst.st_mode)) {
            fclose(fp);
            rc = cmd_error(cmd, 2, "%s is a directory, not a filler text file", filler_path);
            goto out;
        }
        size_t cap = 1 << 16;
        filler = malloc(cap);
        size_t got;
        while (filler && (got = fread(filler + n_filler, 1, cap - n_filler, fp)) > 0) {
            n_filler += got;
            if (n_filler > (size_t)CMD_TEXT_MAX) {
                fclose(fp);
                rc = cmd_error(cmd, 2, "%s is larger than the %d MiB a filler file may have; take a slice",
                               filler_path, CMD_TEXT_MAX >> 20);
                goto out;
            }
            if (n_filler == cap) {
                uint8_t *g = realloc(filler, cap *= 2);
                if (!g) { free(filler); filler = NULL; }
                filler = g;
            }
        }
        fclose(fp);
        if (!filler) { rc = cmd_error(cmd, 1, "out of memory reading %s", filler_path); goto out; }
        if (!n_filler) { rc = cmd_error(cmd, 2, "%s: the filler file is empty", filler_path); goto out; }
    }
    sp->trials = trials;
    sp->n_alt = n_alt;
    sp->seed = (uint64_t)seed;
    sp->filler = filler;
    sp->n_filler = n_filler;
    sp->n_threads = threads;
    sp->kv = kv;
    sp->rope = p;
    int show = !json && isatty(2);
    int r = eval_passkey_study_run(&m, sp, &st, progress_cb, &show, &err);
    if (r == -2) {
        int longest = 0;
        for (int j = 0; j < sp->n_lengths; j++) longest = sp->lengths[j] > longest ? sp->lengths[j] : longest;
        /* the engine's advice names --ctx; here the length comes from --lengths */
        char *adv = strstr(err.msg, "use a smaller --ctx");
        if (adv) snprintf(adv, sizeof err.msg - (size_t)(adv - err.msg), "use shorter --lengths");
        rc = cmd_error(cmd, 2, "--lengths %d: %s", longest, err.msg);
        goto out;
    }
    if (r) { rc = cmd_error(cmd, 1, "%s", err.msg); goto out; }
    const eval_passkey_cell *cells = st.cells;
    const eval_passkey_trial *tr = st.trials;
    int n_len = sp->n_lengths, n_dep = sp->n_depths;
    const int *lengths = sp->lengths;
    const double *depths = sp->depths;
    const char *mname = rope_method_get(p.method)->name;
    int tot_lp = st.lp_correct, tot_gen = st.gen_correct, tot = st.n_trials, longest = 0;
    for (int j = 0; j < n_len; j++) longest = lengths[j] > longest ? lengths[j] : longest;
    if (json) {
        cJSON *o = cJSON_CreateObject(), *ca = cJSON_CreateArray();
        cJSON_AddStringToObject(o, "model", m.name);
        cJSON_AddNumberToObject(o, "ctx_train", L);
        cJSON_AddStringToObject(o, "method", mname);
        cJSON_AddNumberToObject(o, "factor", p.factor);
        cJSON_AddItemToObject(o, "rope", ropeecho_json(&p, longest));
        cJSON_AddStringToObject(o, "kv", kv == MODEL_KV_KEEP ? "keep" : "rerotate");
        cJSON_AddNumberToObject(o, "trials", trials);
        cJSON_AddNumberToObject(o, "alternatives", n_alt);
        cJSON_AddNumberToObject(o, "seed", seed);
        cJSON_AddStringToObject(o, "filler", filler_path ? filler_path : "grass");
        cJSON_AddNumberToObject(o, "lp_accuracy", (double)tot_lp / tot);
        cJSON_AddNumberToObject(o, "gen_accuracy", (double)tot_gen / tot);
        for (int k = 0; k < n_len * n_dep; k++) {
            cJSON *e = cJSON_CreateObject(), *ta = cJSON_CreateArray();
            cJSON_AddNumberToObject(e, "length", cells[k].len);
            cJSON_AddNumberToObject(e, "depth", cells[k].depth);
            cJSON_AddNumberToObject(e, "trials", cells[k].trials);
            cJSON_AddNumberToObject(e, "lp_correct", cells[k].lp_correct);
            cJSON_AddNumberToObject(e, "gen_correct", cells[k].gen_correct);
            cJSON_AddNumberToObject(e, "mean_margin", cells[k].mean_margin);
            for (int t = 0; t < trials; t++) {
                const eval_passkey_trial *x = &tr[(size_t)k * trials + t];
                cJSON *te = cJSON_CreateObject();
                cJSON_AddNumberToObject(te, "key", x->key);
                cJSON_AddNumberToObject(te, "lp_true", x->lp_true);
                if (n_alt) {
                    cJSON_AddNumberToObject(te, "lp_best_alt", x->lp_best_alt);
                    cJSON_AddNumberToObject(te, "best_alt", x->best_alt);
                }
                cJSON_AddNumberToObject(te, "rank", x->rank);
                cJSON_AddBoolToObject(te, "lp_correct", x->lp_correct);
                cJSON_AddStringToObject(te, "gen", x->gen);
                cJSON_AddBoolToObject(te, "gen_correct", x->gen_correct);
                cJSON_AddItemToArray(ta, te);
            }
            cJSON_AddItemToObject(e, "trial", ta);
            cJSON_AddItemToArray(ca, e);
        }
        cJSON_AddItemToObject(o, "cells", ca);
        rc = cmd_print_json(o);
        goto out;
    }
    char ext[64];
    printf("model %s: trained context L = %d%s; method %s, factor %g, kv %s\n", m.name[0] ? m.name : "?", L,
           cmd_model_extended(&m, ext, sizeof ext), mname,
           p.factor, kv == MODEL_KV_KEEP ? "keep" : "rerotate");
    char echo[512];
    printf("rope at %d tokens: %s\n", longest, ropeecho_text(&p, longest, echo, sizeof echo));
    printf("passkey: %d trials per cell (seed %d), filler %s; each cell: log-prob correct (vs %d other keys) / "
           "greedy correct\n", trials, seed, filler_path ? filler_path : "grass", n_alt);
    printf("%-8s", "length");
    for (int d = 0; d < n_dep; d++) {
        char h[24];
        snprintf(h, sizeof h, "depth %.2g", depths[d]);
        printf(" %11s", h);
    }
    printf(" %11s\n", "all");
    for (int l = 0; l < n_len; l++) {
        int rl = 0, rg = 0, rt = 0;
        printf("%-8d", lengths[l]);
        for (int d = 0; d < n_dep; d++) {
            const eval_passkey_cell *e = &cells[l * n_dep + d];
            char s[32];
            snprintf(s, sizeof s, "%d/%d", e->lp_correct, e->gen_correct);
            printf(" %11s", s);
            rl += e->lp_correct;
            rg += e->gen_correct;
            rt += e->trials;
        }
        char s[48];
        snprintf(s, sizeof s, "%3.0f%%/%3.0f%%", 100.0 * rl / rt, 100.0 * rg / rt);
        printf(" %11s\n", s);
    }
    printf("accuracy: log-prob %.1f%%, greedy %.1f%% over %d trials\n", 100.0 * tot_lp / tot, 100.0 * tot_gen / tot, tot);
out:
    eval_passkey_study_free(&st);
    if (m.mem) model_free(&m);
    free(filler);
    free(sp);
    free(used);
    free(ra);
    return rc;
}
