/* app/cmd/cmd_probe.c — `ropescope probe copy|induction MODEL`: does a byte GGUF copy in context? The
 * copy probe prints the second-copy / first-copy loss of doubled random passages at chosen
 * distances; the induction probe prints each head's attention to the token after a previous match. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
#include "cmdutil.h"
#include "eval_probe.h"
#include "flags.h"
#include "assets.h"
#include "modelcmd.h"
#include "train.h"

static void help(void)
{
    printf("usage: ropescope probe copy MODEL.gguf [--dists LIST] [options]\n"
           "       ropescope probe induction MODEL.gguf [--dist D] [options]\n\n"
           "copy: D random symbols written twice (2D tokens); prints the mean loss on the first copy, on the\n"
           "second (its first token excluded) and their ratio. A model that retrieves what followed an earlier\n"
           "match scores the second copy far below the first; one that does not scores them the same.\n"
           "induction: on the same passages, each head's mean attention from a token of the second copy to the\n"
           "token after its previous occurrence (about 1/position for a head that does not look there).\n\n"
           "  --dists LIST       copy distances [16,32,64,96]\n"
           "  --dist D           induction distance [64]\n"
           "  --passages N       passages per distance [16]\n"
           "  --alphabet A       high (bytes 0x80-0xFF, 128 symbols) | letters (a-z) [high]\n"
           "  --seed N [1]       --threads T [2]\n");
}

int cmd_probe(int argc, char **argv)
{
    if (cmd_wants_help(argc, argv) || argc < 2) {
        help();
        return argc < 2 ? 2 : 0;
    }
    const char *sub = argv[1];
    int copy = !strcmp(sub, "copy"), ind = !strcmp(sub, "induction");
    if (!copy && !ind) return cmd_error("probe", 2, "unknown probe '%s'; use copy or induction", sub);
    const char *dists_s = "16,32,64,96";
    int dist = 64, passages = 16, alphabet = 0, threads = 2;
    long seed = 1;
    const flags_spec flags[] = {
        FLAG_STR(copy ? "--dists" : NULL, &dists_s),
        FLAG_INT(ind ? "--dist" : NULL, &dist, 2, 65536),
        FLAG_INT("--passages", &passages, 1, 4096),
        FLAG_CHOICE("--alphabet", &alphabet, "high|letters"),
        FLAG_LONG("--seed", &seed, 0, 2147483647),
        FLAG_INT("--threads", &threads, 1, 256),
    };
    unsigned char *used = calloc((size_t)argc + 1, 1);
    if (!used) return cmd_error("probe", 1, "out of memory");
    used[1] = 1;
    rope_error err;
    int rc = 0;
    const char *path = NULL;
    train_model m;
    int loaded = 0;
    enum { MAX_D = 64 };
    int dists[MAX_D], nd = 0;
    if (flags_parse(argc, argv, flags, FLAGS_COUNT(flags), used, &err)) { rc = cmd_error("probe", 2, "%s", err.msg); goto done; }
    for (int i = 2; i < argc; i++)
        if (!used[i]) { path = argv[i]; used[i] = 1; break; }
    const char *left = cmd_leftover(argc, argv, used);
    if (left) { rc = cmd_error("probe", 2, "unknown argument '%s' (see ropescope probe --help)", left); goto done; }
    if (!path) { rc = cmd_error("probe", 2, "give the model: ropescope probe %s MODEL.gguf", sub); goto done; }
    if (copy && cmd_parse_int_list("--dists", dists_s, 2, 65536, dists, MAX_D, &nd, &err)) {
        rc = cmd_error("probe", 2, "%s", err.msg);
        goto done;
    }
    char full[4096];
    if (train_model_load_gguf(&m, cli_model_path(path, full, sizeof full), &err)) {
        rc = cmd_error("probe", 1, "%s", err.msg);
        goto done;
    }
    loaded = 1;
    eval_probe_opts o;
    eval_probe_opts_default(&o);
    o.n_pass = passages;
    o.alphabet = alphabet ? EVAL_PROBE_LETTERS : EVAL_PROBE_HIGH;
    o.seed = (uint64_t)seed;
    o.n_threads = threads;
    if (copy) {
        eval_probe_copy res[MAX_D];
        if (eval_probe_copy_run(&m, dists, nd, &o, res, &err)) { rc = cmd_error("probe", 1, "%s", err.msg); goto done; }
        printf("copy probe: %s, %d passages of %s symbols per distance, seed %ld\n", path, passages,
               alphabet ? "letter" : "high-byte", seed);
        printf("%8s  %12s  %12s  %8s\n", "distance", "first nats", "second nats", "ratio");
        for (int k = 0; k < nd; k++)
            printf("%8d  %12.4f  %12.4f  %8.3f\n", res[k].dist, res[k].first, res[k].second, res[k].ratio);
    } else {
        int nh = m.hp.n_head, nl = m.hp.n_layer;
        double *score = malloc((size_t)nl * nh * sizeof(double));
        if (!score) { rc = cmd_error("probe", 1, "out of memory"); goto done; }
        if (eval_probe_induction(&m, dist, &o, score, &err)) {
            free(score);
            rc = cmd_error("probe", 1, "%s", err.msg);
            goto done;
        }
        double uniform = 0.0;   /* mean over the scored rows of 1/(t+1): attention spread evenly */
        for (int t = dist; t <= 2 * dist - 2; t++) uniform += 1.0 / (t + 1);
        uniform /= dist - 1 > 0 ? dist - 1 : 1;
        printf("induction probe: %s, distance %d, %d passages; attention to the token after the previous "
               "occurrence (uniform attention would give %.4f)\n", path, dist, passages, uniform);
        printf("layer");
        for (int h = 0; h < nh; h++) printf("  head %-3d", h);
        printf("\n");
        for (int l = 0; l < nl; l++) {
            printf("%5d", l);
            for (int h = 0; h < nh; h++) printf("  %8.4f", score[l * nh + h]);
            printf("\n");
        }
        free(score);
    }
done:
    if (loaded) train_model_free(&m);
    free(used);
    return rc;
}
