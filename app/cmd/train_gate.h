/* app/cmd/train_gate.h — the probes `train --probe-every` runs on a session's current weights, and
 * the gate that keeps a snapshot when one passes (issue 15's curriculum: never move on from a
 * plateau).
 *
 * Contract: every probe logs one line to stderr, "probe step N (T tokens): …". The copy probe
 * (ropescope probe copy, 16 passages) runs at distances 32, 64 and a copy gate's distance, on the
 * high bytes, or on the letters a-z for a letters gate (where a one-symbol match is ambiguous). A
 * passkey gate also runs the passkey study at its length (5 depths × 20 trials, the true key's
 * log-prob against 9 others, the grass filler, the model's own RoPE: what `ropescope passkey
 * --lengths LEN --trials 20` reports), through a GGUF export of the weights in DIR. A gate that
 * passes keeps DIR/model-gate-stepN.gguf. A probe that fails logs its reason; training goes on. */
#ifndef TRAIN_GATE_H
#define TRAIN_GATE_H

#include "rope_error.h"
#include "train.h"

typedef enum { TRAIN_GATE_NONE, TRAIN_GATE_COPY, TRAIN_GATE_LETTERS, TRAIN_GATE_PASSKEY } train_gate_kind;

typedef struct train_gate {
    train_gate_kind kind;
    int    at;         /* copy, letters: distance, tokens (>= 2); passkey: episode length (>= CORPUS_TASK_MIN) */
    double bound;      /* copy, letters: passes when second/first < bound; passkey: when the log-prob share >= bound */
    const char *dir;   /* where snapshots go */
} train_gate;

/* "copy:D:R", "letters:D:R" or "passkey:LEN:FRAC" into g (dir left alone); -1 with one line on a bad spec. */
int  train_gate_parse(const char *spec, train_gate *g, rope_error *err);
/* Runs the probes on s's current weights and applies the gate: 1 when it passed (snapshot kept), else 0. */
int  train_gate_run(const train_gate *g, train_session *s);

#endif
