/* kernels/eval/eval_probe.h — probes of in-context copying: the loss on the second copy of a doubled
 * random passage against the first (does the model retrieve what followed an earlier match?), and a
 * per-head induction score (attention from a token to the token after its previous occurrence).
 *
 * Contract: a probe passage of distance D is D random symbols written twice (2·D tokens, positions
 * 0…2D−1 of one sequence). The first copy's loss is the mean NLL of predicting tokens 1…D−1, the
 * second's of tokens D+1…2D−1 (the second copy's first token is not predictable from the passage).
 * A model that copies scores the second copy far below the first; one that does not scores them the
 * same. Passages are a pure function of (seed, distance, passage index). The model runs through the
 * trainer's forward pass (the same numbers training reports) with the model's own RoPE. Nothing
 * prints or exits; errors are -1 plus one rope_error line. */
#ifndef EVAL_PROBE_H
#define EVAL_PROBE_H

#include <stdint.h>
#include "train.h"

typedef enum eval_probe_alphabet {
    EVAL_PROBE_HIGH,      /* bytes 0x80…0xFF (the recall episodes' alphabet: 128 symbols) */
    EVAL_PROBE_LETTERS    /* lower-case letters a…z (26 symbols, in-distribution for text) */
} eval_probe_alphabet;

typedef struct eval_probe_opts {
    int      n_pass;      /* passages per distance (a batch) */
    eval_probe_alphabet alphabet;
    uint64_t seed;
    int      n_threads;
} eval_probe_opts;

/* n_pass 8, high alphabet, seed 1, 2 threads */
void eval_probe_opts_default(eval_probe_opts *o);

typedef struct eval_probe_copy {
    int    dist;          /* D: tokens between a symbol and its copy */
    double first;         /* mean NLL on the first copy, nats/token */
    double second;        /* mean NLL on the second copy */
    double ratio;         /* second / first (< 1: the model copies) */
} eval_probe_copy;

/* Fills passage index `index` of distance dist: out[0..2·dist). */
void eval_probe_passage(int *out, int dist, eval_probe_alphabet a, uint64_t seed, int index);

/* The copy probe at each of dists[0..n) (each >= 2); res[k] for dists[k]. */
int eval_probe_copy_run(const train_model *m, const int *dists, int n, const eval_probe_opts *o,
                        eval_probe_copy *res, rope_error *err);

/* Induction score of every head on passages of distance dist: score[l·n_head + h] = mean over the
 * second copy's tokens t = D…2D−2 of the attention from t to t−D+1 (the token that followed the
 * previous occurrence of token t). A head that does not look there scores about 1/t. */
int eval_probe_induction(const train_model *m, int dist, const eval_probe_opts *o, double *score,
                         rope_error *err);

#endif
