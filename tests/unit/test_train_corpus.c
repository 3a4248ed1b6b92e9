/* tests/unit/test_train_corpus.c — the training data: verse references stripped, the deterministic
 * train/held-out split (disjoint, covering, line-aligned), passkey and key–value episodes of exact
 * length whose answers are what the text states, copy episodes whose list comes back, and the
 * stateless sampler's determinism and mix. */
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "corpus.h"

static void test_strip(void)
{
    char buf[] = "Ge1:1 In the beginning God created.\n1Chr12:3 The chief was Ahiezer.\nSSol2:1 I am the rose.\n"
                 "no reference here\n3Jn1:14 But I trust.\nPsa119:176 I have gone astray";
    size_t n = corpus_strip_refs(buf, strlen(buf));
    buf[n] = 0;
    CHECK_STR(buf, "In the beginning God created.\nThe chief was Ahiezer.\nI am the rose.\nno reference here\n"
                   "But I trust.\nI have gone astray");
}

static char *make_text(size_t n)
{
    char *t = malloc(n + 1);
    uint64_t r = 5;
    for (size_t i = 0; i < n; i++) {
        uint64_t x = corpus_rand(&r) % 40;
        t[i] = x == 0 ? '\n' : x < 8 ? ' ' : (char)('a' + x % 26);
    }
    t[n] = 0;
    return t;
}

static void test_split(void)
{
    size_t n = 1000000;
    char *t = make_text(n);
    corpus c;
    rope_error err;
    CHECK(corpus_from_memory(&c, t, n, &err) == 0);
    CHECK(c.n_train + c.n_heldout == n);
    CHECK(c.n_heldout > n / 20 && c.n_heldout < n / 5);
    /* the first held-out block is block 6 of n/24 bytes, both ends moved to the next line start; the
     * training text is everything before it followed by everything after it */
    size_t blk = n / 24, lo = 6 * blk, hi = 7 * blk;
    while (lo < n && t[lo - 1] != '\n') lo++;
    while (hi < n && t[hi - 1] != '\n') hi++;
    CHECK(memcmp(c.heldout, t + lo, hi - lo) == 0);
    CHECK(memcmp(c.train, t, lo) == 0);
    CHECK(memcmp(c.train + lo, t + hi, 1000) == 0);
    /* deterministic */
    corpus c2;
    CHECK(corpus_from_memory(&c2, t, n, &err) == 0);
    CHECK(c2.n_heldout == c.n_heldout && memcmp(c2.heldout, c.heldout, c.n_heldout) == 0);
    CHECK(c2.hash == c.hash);
    corpus_free(&c2);
    corpus_free(&c);
    /* any size: the parts add up to the text, nothing read past its end */
    for (size_t m = 5000; m < n; m = m * 3 + 7) {
        CHECK(corpus_from_memory(&c, t, m, &err) == 0);
        CHECK(c.n_train + c.n_heldout == m);
        CHECK(memcmp(c.train + c.n_train - 100, t + m - 100, 100) == 0);   /* the last block is training text */
        corpus_free(&c);
    }
    CHECK(corpus_from_memory(&c, t, 100, &err) == -1);    /* too small */
    free(t);
}

static int count(const char *hay, size_t n, const char *needle)
{
    int k = 0;
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++) k += memcmp(hay + i, needle, m) == 0;
    return k;
}

static void test_passkey(void)
{
    uint8_t out[4096];
    int ans;
    rope_error err;
    for (int len = 200; len <= 4096; len *= 2) {
        for (int k = 0; k <= 4; k++) {
            double depth = k / 4.0;
            memset(out, 0, sizeof out);
            CHECK(corpus_passkey(out, len, 48213, depth, NULL, 0, 3, &ans, &err) == 0);
            CHECK(out[len - 1] == '\n');
            CHECK(memcmp(out + ans, " 48213.\n", 8) == 0);
            CHECK(ans + 8 == len);
            CHECK(count((const char *)out, (size_t)len, "48213") == 3);
            CHECK(count((const char *)out, (size_t)len, "The pass key is 48213. Remember it.") == 1);
            CHECK(memcmp(out + ans - 15, "The pass key is", 15) == 0);
            /* the key statement sits at the requested depth of the filler */
            const char *at = strstr((const char *)out, "\nThe pass key is 48213");
            int head = (int)strlen("Find the pass key hidden in the text below and remember it.\n");
            int fill = len - head - (int)strlen("\nThe pass key is 48213. Remember it. 48213 is the pass key.\n") -
                       (int)strlen("\nWhat is the pass key? The pass key is") - 8;
            CHECK(at != NULL);
            if (at) CHECK_NEAR((double)(at - (const char *)out - head), depth * fill, 0.51);
        }
    }
    CHECK(corpus_passkey(out, 100, 48213, 0.5, NULL, 0, 0, &ans, &err) == -1);
    CHECK(corpus_passkey(out, 400, 123, 0.5, NULL, 0, 0, &ans, &err) == -1);
    /* text filler is read from the given offset on */
    const char *txt = "alpha beta gamma delta\n";
    CHECK(corpus_passkey(out, 300, 10001, 0.0, (const uint8_t *)txt, strlen(txt), 6, &ans, &err) == 0);
    CHECK(memcmp(out + ans, " 10001.\n", 8) == 0);
    CHECK(strstr((const char *)out, "\nThe pass key is 10001. Remember it. 10001 is the pass key.\nbeta gamma") != NULL);
}

static void test_kv(void)
{
    uint8_t out[2049];
    rope_error err;
    for (int seed = 1; seed <= 20; seed++) {
        uint64_t r = (uint64_t)seed;
        int pairs = 1 + seed % 6, q = 1 + seed % pairs;
        CHECK(corpus_kv(out, 2048, pairs, q, &r, NULL, 0, 0, &err) == 0);
        out[2048] = 0;
        CHECK(count((const char *)out, 2048, "The code of ") == pairs);
        CHECK(count((const char *)out, 2048, "What is the code of ") == q);
        /* every answer equals the value stated for that name earlier */
        const char *s = (const char *)out;
        int answered = 0;
        while ((s = strstr(s, "What is the code of ")) != NULL) {
            char name[32];
            int val;
            if (sscanf(s, "What is the code of %31[a-z]? It is %d.", name, &val) == 2) {
                char stmt[80];
                snprintf(stmt, sizeof stmt, "The code of %s is %d.", name, val);
                CHECK(strstr((const char *)out, stmt) != NULL);
                CHECK(strstr((const char *)out, stmt) < s);
                answered++;
            }
            s++;
        }
        CHECK_INT(answered, q);
        CHECK(out[2047] == '\n');
    }
    uint64_t r = 1;
    CHECK(corpus_kv(out, 60, 3, 2, &r, NULL, 0, 0, &err) == -1);
}

static void test_copy(void)
{
    uint8_t out[1025];
    rope_error err;
    const char *head = "Repeat the list every time.\n";
    size_t nh = strlen(head);
    int repeated = 0;
    for (int seed = 1; seed <= 40; seed++) {
        uint64_t r = (uint64_t)seed;
        memset(out, 0, sizeof out);
        CHECK(corpus_copy(out, 1024, &r, NULL, 0, 0, &err) == 0);
        out[1024] = 0;
        CHECK(memcmp(out, head, nh) == 0);
        CHECK(out[1023] != 0);
        const char *list = (const char *)out + nh, *eol = strchr(list, '\n');
        CHECK(eol != NULL);
        if (!eol) continue;
        size_t n = (size_t)(eol - list) + 1;
        CHECK(n >= 12 && n <= 100);
        /* the list comes back, whole, at least once more in 1024 bytes (gaps are at most 512) */
        const char *again = memmem(eol + 1, (size_t)((const char *)out + 1024 - (eol + 1)), list, n);
        CHECK(again != NULL);
        repeated += again != NULL;
    }
    CHECK_INT(repeated, 40);
    uint64_t r = 1;
    CHECK(corpus_copy(out, 40, &r, NULL, 0, 0, &err) == -1);
}

/* Lines of 1–4 items (5-digit numbers or lowercase names), each written 2–6 times in a row; only the
 * window's last line and run may be cut short. */
static void test_repeat(void)
{
    enum { LEN = 4096 };
    static uint8_t out[LEN + 1];
    rope_error err;
    int runs = 0, bytes_copyable = 0;
    for (int seed = 1; seed <= 20; seed++) {
        uint64_t r = (uint64_t)seed;
        memset(out, 0, sizeof out);
        CHECK(corpus_repeat(out, LEN, &r, &err) == 0);
        CHECK(out[LEN - 1] != 0);
        const char *p = (const char *)out, *end = p + LEN;
        const char *prev = NULL;
        size_t prev_n = 0;
        int run = 0;
        while (p < end) {
            const char *eol = memchr(p, '\n', (size_t)(end - p));
            size_t n = eol ? (size_t)(eol - p) + 1 : (size_t)(end - p);
            if (!eol) {                    /* the cut-off tail: the current list again, or a new one begun */
                for (size_t i = 0; i < n; i++)
                    CHECK((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'z') || p[i] == ' ');
                break;
            }
            int items = 1;
            for (size_t i = 0; i + 1 < n; i++) {
                char ch = p[i];
                CHECK((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || ch == ' ');
                items += ch == ' ';
            }
            CHECK(items >= 1 && items <= 4);
            if (prev && n == prev_n && memcmp(p, prev, n) == 0) {
                run++;
                bytes_copyable += (int)n;
            } else {
                if (prev) { CHECK(run >= 2 && run <= 6); runs++; }
                run = 1;
            }
            prev = p;
            prev_n = n;
            p += n;
        }
    }
    CHECK(runs > 100);
    /* most of the window repeats an earlier line (2–6 copies: on average 4, i.e. 3/4 copyable) */
    CHECK(bytes_copyable > 20 * LEN / 2);
    uint64_t r = 1;
    CHECK(corpus_repeat(out, 1, &r, &err) == -1);
}

static void test_sampler(void)
{
    size_t n = 300000;
    char *t = make_text(n);
    corpus c;
    rope_error err;
    CHECK(corpus_from_memory(&c, t, n, &err) == 0);
    corpus_mix mx;
    corpus_mix_default(&mx);
    uint8_t a[513], b[513];
    mx.repeat = 0.20;
    int kinds[CORPUS_KINDS] = { 0 };
    for (uint64_t i = 0; i < 4000; i++) {
        corpus_kind k = corpus_sample(&c, &mx, 7, i, 513, a);
        kinds[k]++;
        if (i % 97 == 0) {
            CHECK(corpus_sample(&c, &mx, 7, i, 513, b) == k);
            CHECK(memcmp(a, b, 513) == 0);
        }
        if (k == CORPUS_TEXT && i % 50 == 0)     /* a text window is a verbatim span of the training text */
            CHECK(memmem(c.train, c.n_train, a, 513) != NULL);
    }
    /* the mix: 15% passkey, 10% kv, 10% copy (binomial sd ≈ 0.6%, 0.5%, 0.5%) */
    CHECK_NEAR(kinds[CORPUS_PASSKEY] / 4000.0, 0.15, 0.03);
    CHECK_NEAR(kinds[CORPUS_KV] / 4000.0, 0.10, 0.03);
    CHECK_NEAR(kinds[CORPUS_COPY] / 4000.0, 0.10, 0.03);
    CHECK_NEAR(kinds[CORPUS_REPEAT] / 4000.0, 0.20, 0.03);
    /* without copy and repeat episodes neither is drawn, and a text window stays the same window */
    corpus_mix nocopy = mx;
    nocopy.copy = 0;
    nocopy.repeat = 0;
    int kinds2[CORPUS_KINDS] = { 0 };
    for (uint64_t i = 0; i < 1000; i++) {
        corpus_kind k = corpus_sample(&c, &nocopy, 7, i, 513, a);
        kinds2[k]++;
        if (k == CORPUS_PASSKEY || k == CORPUS_KV) CHECK(corpus_sample(&c, &mx, 7, i, 513, b) == k);
    }
    CHECK_INT(kinds2[CORPUS_COPY], 0);
    CHECK_INT(kinds2[CORPUS_REPEAT], 0);
    /* the warm-up mix: repeat episodes only */
    corpus_mix warm = { .repeat = 1.0 };
    for (uint64_t i = 0; i < 100; i++) CHECK(corpus_sample(&c, &warm, 7, i, 513, a) == CORPUS_REPEAT);
    /* another seed, another stream */
    corpus_sample(&c, &mx, 8, 0, 513, b);
    corpus_sample(&c, &mx, 7, 0, 513, a);
    CHECK(memcmp(a, b, 513) != 0);
    /* short windows are always text */
    for (uint64_t i = 0; i < 200; i++) CHECK(corpus_sample(&c, &mx, 7, i, 64, a) == CORPUS_TEXT);
    corpus_free(&c);
    free(t);
}

/* Recall episodes: the alphabet, every byte marked as copied repeats the bigram at one distance in the
 * allowed range, distances reach across the whole window, and they fit a 16-token window. */
static void test_recall(void)
{
    enum { L = 512 };
    uint8_t out[L], kind[L];
    rope_error err;
    int n_copy = 0, d_max_seen = 0, bad_alpha = 0, bad_copy = 0, long_d = 0;
    for (uint64_t seed = 1; seed <= 200; seed++) {
        uint64_t rng = seed;
        int dmax = seed % 2 ? 0 : 120;
        CHECK(corpus_recall(out, kind, L, dmax, &rng, &err) == 0);
        for (int i = 0; i < L; i++) {
            bad_alpha += out[i] < CORPUS_RECALL_LO;
            if (kind[i] != CORPUS_TOK_COPY) continue;
            n_copy++;
            /* some distance d in range repeats both this byte and the one before it */
            int lim = dmax > 0 && dmax < i - 1 ? dmax : i - 1, found = 0;
            for (int d = CORPUS_RECALL_DMIN; d <= lim && !found; d++)
                if (out[i] == out[i - d] && out[i - 1] == out[i - 1 - d]) {
                    found = 1;
                    if (d > d_max_seen && dmax == 0) d_max_seen = d;
                    if (dmax == 0 && d > L / 2) long_d++;
                }
            bad_copy += !found;
        }
    }
    CHECK_INT(bad_alpha, 0);
    CHECK_INT(bad_copy, 0);
    /* half the spans are copies, 9 of their average 10 bytes marked: about 45 % of all bytes */
    CHECK(n_copy > 200 * L / 4);
    CHECK(d_max_seen > 3 * L / 4);        /* distances over the whole window */
    CHECK(long_d > 100);
    uint64_t rng = 77;
    CHECK(corpus_recall(out, NULL, 16, 0, &rng, &err) == 0);   /* the smallest window */
    CHECK(corpus_recall(out, kind, 15, 0, &rng, &err) == -1);
    CHECK_HAS(err.msg, "at least 16");
    /* the sampler draws them at short contexts, in their fraction, and corpus_sample_kinds agrees with
       corpus_sample byte for byte */
    size_t n = 100000;
    char *t = make_text(n);
    corpus c;
    CHECK(corpus_from_memory(&c, t, n, &err) == 0);
    corpus_mix mx;
    corpus_mix_default(&mx);
    mx.recall = 0.3;
    mx.recall_dmax = 100;
    uint8_t a[129], b[129], ka[129];
    int n_rec = 0;
    for (uint64_t i = 0; i < 2000; i++) {
        corpus_kind k = corpus_sample_kinds(&c, &mx, 3, i, 129, a, ka);
        CHECK(corpus_sample(&c, &mx, 3, i, 129, b) == k);
        CHECK(memcmp(a, b, 129) == 0);
        n_rec += k == CORPUS_RECALL;
        if (k != CORPUS_RECALL) for (int j = 0; j < 129; j++) CHECK(ka[j] == CORPUS_TOK_PLAIN);
    }
    CHECK_NEAR(n_rec / 2000.0, 0.30, 0.04);      /* binomial sd 1 % */
    /* with recall 0 the stream is what it was: a mix's other kinds keep their draws */
    corpus_mix m0 = mx;
    m0.recall = 0.0;
    for (uint64_t i = 0; i < 300; i++) {
        corpus_kind k0 = corpus_sample(&c, &m0, 3, i, 513, (uint8_t[513]){ 0 });
        corpus_kind k1 = corpus_sample(&c, &mx, 3, i, 513, (uint8_t[513]){ 0 });
        if (k1 != CORPUS_RECALL) CHECK(k0 == k1);
    }
    /* passkey episodes mark the five digits of the final answer, which repeat the key given earlier */
    corpus_mix pk = { .passkey = 1.0 };
    uint8_t e[600], ke[600];
    CHECK(corpus_sample_kinds(&c, &pk, 5, 0, 600, e, ke) == CORPUS_PASSKEY);
    int first = -1, n_ans = 0;
    for (int j = 0; j < 600; j++)
        if (ke[j] == CORPUS_TOK_ANSWER) { n_ans++; if (first < 0) first = j; }
    CHECK_INT(n_ans, 5);
    if (first >= 0) {
        char key[6];
        memcpy(key, e + first, 5);
        key[5] = 0;
        for (int j = 0; j < 5; j++) CHECK(key[j] >= '0' && key[j] <= '9');
        char said[40];
        snprintf(said, sizeof said, "The pass key is %s.", key);
        CHECK(memmem(e, (size_t)first, said, strlen(said)) != NULL);
        CHECK(e[first - 1] == ' ');
    }
    corpus_free(&c);
    free(t);
}

/* Doubled passages: checked by the induction rule itself — every byte marked COPY is what followed
 * the most recent earlier occurrence of the byte before it, at a distance within [4, dmax] (no limit:
 * the alphabet's 128 symbols) — and the
 * marked share against the closed form E[(D−1)/(2D)] for D uniform in [4, dmax]. */
static void test_recall_double(void)
{
    enum { L = 4096 };
    static uint8_t out[L], kind[L];
    rope_error err;
    for (int dmax = 40; dmax <= 256 - CORPUS_RECALL_LO; dmax += 256 - CORPUS_RECALL_LO - 40) {
        int hi = dmax, bad_alpha = 0, bad_rule = 0, bad_dist = 0;
        long n_copy = 0, n_all = 0;
        for (int e = 0; e < 60; e++) {
            uint64_t rng = 1000 + (uint64_t)e;
            CHECK(corpus_recall_double(out, kind, L, dmax, &rng, &err) == 0);
            for (int i = 0; i < L; i++) {
                bad_alpha += out[i] < CORPUS_RECALL_LO;
                if (kind[i] != CORPUS_TOK_COPY) continue;
                int j = i - 2;
                while (j >= 0 && out[j] != out[i - 1]) j--;
                bad_rule += j < 0 || out[j + 1] != out[i];
                bad_dist += j >= 0 && (i - 1 - j < 4 || i - 1 - j > hi);
                n_copy++;
            }
            n_all += L;   /* the cut last passage biases the share by at most 2·hi/L */
        }
        CHECK_INT(bad_alpha, 0);
        CHECK_INT(bad_rule, 0);
        CHECK_INT(bad_dist, 0);
        double want = 0;   /* share of marked bytes in a full passage pair, weighted by its length 2D */
        double wsum = 0;
        for (int d = 4; d <= hi; d++) { want += d - 1; wsum += 2.0 * d; }
        CHECK_NEAR(n_copy / (double)n_all, want / wsum, 0.02);
    }
    /* Passages longer than the alphabet (dmax 0 at 1024: D up to 512): every marked byte is the byte one
     * passage length D earlier, where D is the distance back to the last earlier occurrence of the
     * preceding four symbols (a 4-gram of 128 symbols repeats by chance ~D^2/2^29 times per passage). */
    long n_long = 0, bad_long = 0, n_far = 0;
    for (int e = 0; e < 40; e++) {
        uint64_t rng = 77 + (uint64_t)e;
        CHECK(corpus_recall_double(out, kind, 1024, 0, &rng, &err) == 0);
        for (int i = 5; i < 1024; i++) {
            if (kind[i] != CORPUS_TOK_COPY) continue;
            int j = i - 2;
            while (j >= 3 && memcmp(out + j - 3, out + i - 4, 4)) j--;
            if (j < 3) continue;   /* the first bytes of a copy have no 4-gram before them */
            n_long++;
            bad_long += out[j + 1] != out[i];
            n_far += i - 1 - j > 256 - CORPUS_RECALL_LO;
        }
    }
    CHECK(n_long > 1000);
    CHECK(n_far > n_long / 4);               /* copy distances past the alphabet's size do occur */
    CHECK(bad_long * 200 < n_long);           /* chance repeats of a 4-gram: well under 0.5 % */
    /* mixed: the same rule within each passage's alphabet; both alphabets occur, about half each */
    long n_ascii = 0, n_high = 0, bad_mixed = 0, bad_byte = 0;
    for (int e = 0; e < 40; e++) {
        uint64_t rng = 500 + (uint64_t)e;
        CHECK(corpus_recall_mixed(out, kind, L, 40, &rng, &err) == 0);
        for (int i = 0; i < L; i++) {
            int hi_byte = out[i] >= CORPUS_RECALL_LO, ascii = out[i] >= CORPUS_PRINT_LO && out[i] <= CORPUS_PRINT_HI;
            bad_byte += !hi_byte && !ascii;
            n_high += hi_byte;
            n_ascii += ascii;
            if (kind[i] != CORPUS_TOK_COPY) continue;
            int j = i - 2;
            while (j >= 0 && out[j] != out[i - 1]) j--;
            bad_mixed += j < 0 || out[j + 1] != out[i] || i - 1 - j > 40;
        }
    }
    CHECK_INT(bad_byte, 0);
    CHECK_INT(bad_mixed, 0);
    CHECK_NEAR(n_ascii / (double)(n_ascii + n_high), 0.5, 0.05);
    /* alphabets: a passage is a run of d+1 plain bytes (the first copy and the second's first byte)
     * then d-1 copied ones, each equal to the byte d earlier, all from one of the four alphabets,
     * each alphabet about a quarter of the passages */
    long n_pass[4] = { 0 }, bad_copy = 0, bad_alpha = 0;
    for (int e = 0; e < 200; e++) {
        uint64_t rng = 900 + (uint64_t)e;
        CHECK(corpus_recall_alphabets(out, kind, L, 40, &rng, &err) == 0);
        for (int i = 0; i < L;) {
            int p = i;
            while (p < L && kind[p] != CORPUS_TOK_COPY) p++;
            if (p == L) break;                       /* a last passage cut before its copy */
            int d = p - i - 1, q = p;
            while (q < L && kind[q] == CORPUS_TOK_COPY) q++;
            bad_copy += d < 4 || d > 40 || (q < L && q - p != d - 1);
            for (int k = p; k < q; k++) bad_copy += d < 1 || out[k] != out[k - d];
            int all[4] = { 1, 1, 1, 1 };                 /* high, printable, digits, letters */
            for (int k = i; k < q; k++) {
                int c = out[k];
                all[0] &= c >= CORPUS_RECALL_LO;
                all[1] &= c >= CORPUS_PRINT_LO && c <= CORPUS_PRINT_HI;
                all[2] &= c >= '0' && c <= '9';
                all[3] &= c >= 'a' && c <= 'z';
            }
            int a = all[0] ? 0 : all[2] ? 2 : all[3] ? 3 : all[1] ? 1 : -1;  /* the smallest that holds it */
            if (a < 0) { bad_alpha++; i = q; continue; }
            n_pass[a]++;
            i = q;
        }
    }
    CHECK_INT(bad_copy, 0);
    CHECK_INT(bad_alpha, 0);
    long n_all = n_pass[0] + n_pass[1] + n_pass[2] + n_pass[3];
    CHECK(n_all > 1000);
    for (int a = 0; a < 4; a++) CHECK_NEAR(n_pass[a] / (double)n_all, 0.25, 0.04);
    uint64_t rng = 5;
    CHECK(corpus_recall_mixed(out, kind, 15, 0, &rng, &err) == -1);
    CHECK(corpus_recall_double(out, kind, 15, 0, &rng, &err) == -1);
    CHECK(corpus_recall_alphabets(out, kind, 15, 0, &rng, &err) == -1);
    CHECK_HAS(err.msg, "at least 16");
}

int main(void)
{
    test_recall();
    test_recall_double();
    test_strip();
    test_split();
    test_passkey();
    test_kv();
    test_copy();
    test_repeat();
    test_sampler();
    return check_done("test_train_corpus");
}
