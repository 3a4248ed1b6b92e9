/* kernels/train/corpus.h — the training and evaluation data: natural English (the King James Bible from
 * Debian's bible-kjv package, fetched at run time, never stored in the repository) mixed with
 * generated long-range tasks (passkey episodes, key–value recall, copy episodes) spread over the whole
 * window.
 *
 * Contract: a corpus is one cleaned text split deterministically into a training part and a held-out
 * part (every CORPUS_HOLDOUT_EVERY-th block of CORPUS_BLOCK bytes, cut at line starts); every number
 * the project reports is measured on the held-out part. Sampling is stateless: sequence number
 * `index` of stream `seed` is a pure function of (corpus, mix, seed, index, length), so a data cursor
 * is just a sequence count and resuming replays exactly the same bytes. Tokens are bytes (id = byte
 * value). Nothing here prints or exits; errors are -1 plus one rope_error line. */
#ifndef CORPUS_H
#define CORPUS_H

#include <stddef.h>
#include <stdint.h>
#include "rope_error.h"

#define CORPUS_BLOCK        65536  /* bytes per split block (before cutting at a line start) */
#define CORPUS_HOLDOUT_EVERY 12    /* block b is held out when b % 12 == CORPUS_HOLDOUT_PHASE */
#define CORPUS_HOLDOUT_PHASE 6
#define CORPUS_MIN_TEXT     4096   /* a smaller text is refused */

/* The command that prints the whole KJV, one verse per line, with "Ge1:1 " style references. */
#define CORPUS_KJV_COMMAND "bible -f \"Gen1:1-Rev22:21\""

typedef struct corpus {
    uint8_t *text;      /* [n_text] the whole cleaned text */
    size_t   n_text;
    uint8_t *train;     /* [n_train] training split (held-out blocks removed, joined at line starts) */
    size_t   n_train;
    uint8_t *heldout;   /* [n_heldout] held-out split: the held-out blocks, in order */
    size_t   n_heldout;
    uint64_t hash;      /* FNV-1a 64 of text: checkpoints refuse a different corpus */
} corpus;

/* Reads a text file (any bytes; must hold at least CORPUS_MIN_TEXT bytes) and splits it. */
int  corpus_load(corpus *c, const char *path, rope_error *err);
/* The same from memory (copied). */
int  corpus_from_memory(corpus *c, const void *text, size_t n, rope_error *err);
void corpus_free(corpus *c);

/* Runs CORPUS_KJV_COMMAND, strips the verse references and writes the text to path atomically
 * (temporary file in the same directory, then rename). Fails with a line naming the missing
 * package when `bible` is not installed. */
int  corpus_fetch_kjv(const char *path, rope_error *err);
/* The same text in memory: *text is malloc'd (the caller frees it), *n_text its length. */
int  corpus_read_kjv(char **text, size_t *n_text, rope_error *err);
/* Strips a leading verse reference ("Ge1:1 ", "1Chr12:3 ", "SSol2:1 ") from every line of
 * buf[0..n), in place; returns the new length. Lines without a reference are kept as they are. */
size_t corpus_strip_refs(char *buf, size_t n);

/* Writes the held-out split to path atomically (for `ropescope ppl` and the evaluations). */
int  corpus_write_heldout(const corpus *c, const char *path, rope_error *err);

/* --- the mixture ----------------------------------------------------------------------------- */
typedef enum corpus_kind {
    CORPUS_TEXT,        /* a window of the training text at a random offset */
    CORPUS_PASSKEY,     /* a passkey episode filling the whole window */
    CORPUS_KV,          /* key–value recall filling the whole window */
    CORPUS_COPY,        /* a random list repeated with filler between the repeats (dense copying, the
                           skill retrieval is built on) */
    CORPUS_REPEAT,      /* short random lists, each repeated back to back (the induction warm-up) */
    CORPUS_RECALL       /* random symbols of a large alphabet with spans copied from random distances
                           (content-based copying; fits any window of CORPUS_RECALL_MIN tokens or more) */
} corpus_kind;
#define CORPUS_KINDS 6

/* What each byte of a sample is, as a target (the loss weights of train_config.kind_weight). */
typedef enum corpus_token {
    CORPUS_TOK_PLAIN,   /* anything else */
    CORPUS_TOK_COPY,    /* predictable by copying from earlier in the window (a recall span after its
                           first byte) */
    CORPUS_TOK_ANSWER   /* the key of a passkey episode's final answer */
} corpus_token;
#define CORPUS_TOKEN_KINDS 3

typedef struct corpus_mix {
    double passkey;     /* fraction of sequences that are passkey episodes */
    double kv;          /* fraction that are key–value recall */
    double copy;        /* fraction that are copy episodes */
    double repeat;      /* fraction that are repeat episodes */
    double recall;      /* fraction that are recall episodes (corpus_recall) */
    int    recall_dmax; /* longest copy distance of a recall episode (0: the whole window) */
    int    recall_form; /* CORPUS_RECALL_SPANS (corpus_recall), _DOUBLE (corpus_recall_double), _MIXED (corpus_recall_mixed), _ALPHABETS (corpus_recall_alphabets) */
    double grass;       /* fraction of task episodes whose filler is the repeated "grass" sentences
                           (the rest use training text as filler) */
} corpus_mix;

/* passkey 0.15, kv 0.10, copy 0.10, repeat 0, recall 0 (distances over the whole window), grass 0.3 */
void corpus_mix_default(corpus_mix *mx);

/* Fills out[0..len) with sequence `index` of stream `seed` drawn from the training split (len >= 2).
 * Tasks need len >= CORPUS_TASK_MIN; shorter windows are always text. Returns the kind drawn. */
#define CORPUS_TASK_MIN 200
corpus_kind corpus_sample(const corpus *c, const corpus_mix *mx, uint64_t seed, uint64_t index,
                          int len, uint8_t *out);
/* The same sample, and kind[0..len) (may be NULL) receives each byte's corpus_token. Recall
 * episodes are drawn for any len >= CORPUS_RECALL_MIN (the fractions are drawn in the order passkey,
 * kv, copy, repeat, recall, so a mix with recall 0 gives exactly corpus_sample's earlier streams). */
corpus_kind corpus_sample_kinds(const corpus *c, const corpus_mix *mx, uint64_t seed, uint64_t index,
                                int len, uint8_t *out, uint8_t *kind);

/* --- task builders (shared by training and the evaluations) ------------------------------------ */

/* The filler of the landmark-attention passkey test. */
extern const char corpus_grass[];

/* A passkey episode of exactly len bytes (len >= CORPUS_TASK_MIN):
 *   "Find the pass key hidden in the text below and remember it.\n" FILLER_A "\n"
 *   "The pass key is K. Remember it. K is the pass key.\n" FILLER_B "\n"
 *   "What is the pass key? The pass key is K.\n"
 * with K the 5-digit key (10000..99999) and FILLER_A/B one filler split at `depth` ∈ [0,1] of its
 * length. filler = NULL uses corpus_grass repeated; otherwise filler[0..n_filler) is read from
 * offset `filler_off` on (wrapping). *answer_pos (may be NULL) receives the offset of the answer,
 * i.e. of the space before the final K: the prompt is out[0..answer_pos) and the answer is the 6
 * bytes " K" that follow. -1 (with message) if len is too small or the key is not 5 digits. */
int corpus_passkey(uint8_t *out, int len, int key, double depth, const uint8_t *filler,
                   size_t n_filler, size_t filler_off, int *answer_pos, rope_error *err);

/* A key–value recall episode of exactly len bytes: n_pairs lines "The code of NAME is K." at random
 * places in the filler, then n_query lines "What is the code of NAME? It is K." for distinct pairs.
 * Randomness from *rng (splitmix64 state). Returns 0, or -1 if len is too small. */
int corpus_kv(uint8_t *out, int len, int n_pairs, int n_query, uint64_t *rng, const uint8_t *filler,
              size_t n_filler, size_t filler_off, rope_error *err);

/* A copy episode of exactly len bytes: "Repeat the list every time.\n", then a list of random 5-digit
 * numbers and names (12–96 bytes) repeated until the window is full, with filler gaps between the
 * repeats (per episode none, up to 64, up to 256 or up to len/2 bytes). */
int corpus_copy(uint8_t *out, int len, uint64_t *rng, const uint8_t *filler, size_t n_filler, size_t filler_off,
                rope_error *err);

/* A repeat episode of exactly len bytes (len >= 2): lists of 1–4 items (5-digit numbers and names,
 * space-separated, ending in a newline), each written 2–6 times back to back, then the next list,
 * until the window is full. Everything after a list's first copy is predictable by copying — the
 * densest signal for the attention heads that find an earlier match and copy what followed it (the
 * skill passkey retrieval needs), which natural text alone teaches only after far more tokens. */
int corpus_repeat(uint8_t *out, int len, uint64_t *rng, rope_error *err);

/* A recall episode of exactly len bytes (len >= CORPUS_RECALL_MIN), every byte from the alphabet
 * CORPUS_RECALL_LO..0xFF (128 symbols, none of them text): spans of 4–16 fresh random symbols
 * alternate at random with spans of 4–16 symbols copied from d bytes earlier, d uniform in
 * [CORPUS_RECALL_DMIN, min(dmax, bytes written so far)] (dmax <= 0: no limit) and the span no longer
 * than d. kind (may be NULL) marks every copied byte after a span's first as CORPUS_TOK_COPY (the
 * first is not predictable: where a copy starts is random), the rest CORPUS_TOK_PLAIN. A copied
 * bigram is reliable: 16,384 bigrams against windows of a few hundred bytes. */
#define CORPUS_RECALL_MIN  16
#define CORPUS_RECALL_SPANS  0
#define CORPUS_RECALL_DOUBLE 1
#define CORPUS_RECALL_MIXED  2
#define CORPUS_RECALL_ALPHABETS 3
#define CORPUS_RECALL_DMIN 8
#define CORPUS_RECALL_LO   0x80
int corpus_recall(uint8_t *out, uint8_t *kind, int len, int dmax, uint64_t *rng, rope_error *err);

/* A doubled recall episode of exactly len bytes (len >= CORPUS_RECALL_MIN): passages of D symbols of
 * the same alphabet, D uniform in [4, min(dmax, len/2, CORPUS_RECALL_DOUBLE_MAX)] (dmax <= 0: len/2),
 * each written twice back to back, until the window is full (a last passage that does not fit twice is
 * cut). Every byte of a second copy after its first is CORPUS_TOK_COPY. Up to 128 symbols a passage's
 * symbols are distinct (drawn without replacement): the byte is what followed the one earlier occurrence
 * of the byte before it — the canonical induction-head data (repeated random tokens), where a one-symbol
 * match is always reliable. Longer passages (copy distances past 128, for wider windows) draw symbols
 * independently; a match of two or three symbols then identifies the place. */
#define CORPUS_RECALL_DOUBLE_MAX 1024

/* As corpus_recall_double, but each passage draws its symbols from the high bytes or, with probability
 * 1/2, from printable ASCII CORPUS_PRINT_LO..CORPUS_PRINT_HI (94 symbols: letters, digits, punctuation),
 * so a copier formed on the high bytes carries over to the bytes text and passkeys are written in. */
#define CORPUS_PRINT_LO 0x21
#define CORPUS_PRINT_HI 0x7E
int corpus_recall_mixed(uint8_t *out, uint8_t *kind, int len, int dmax, uint64_t *rng, rope_error *err);
/* As corpus_recall_mixed, but a passage's alphabet is one of four, each with probability 1/4: the high
 * bytes, printable ASCII, the digits 0-9 and the letters a-z. Over 10 or 26 symbols most passages are
 * longer than the alphabet, so a one-symbol match is ambiguous and the copy needs a match of two or
 * three symbols, which is what a five-digit key written in text asks of the model. */
int corpus_recall_alphabets(uint8_t *out, uint8_t *kind, int len, int dmax, uint64_t *rng, rope_error *err);
int corpus_recall_double(uint8_t *out, uint8_t *kind, int len, int dmax, uint64_t *rng, rope_error *err);

/* splitmix64: advances *state and returns the next 64 random bits. */
uint64_t corpus_rand(uint64_t *state);
/* Uniform double in [0, 1). */
double   corpus_rand_unit(uint64_t *state);

#endif
