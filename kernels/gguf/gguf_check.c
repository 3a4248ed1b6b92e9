/* kernels/gguf/gguf_check.c — the hostile-input guards shared by the reader, the writer and the commands:
 * terminal-safe copies of untrusted strings, the identifier rule for keys and tensor names, refusing
 * to rename over anything but a regular file, and sweeping temporaries a killed writer left behind. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "gguf.h"

char *gguf_sanitize(char *dst, size_t size, const char *src, size_t len)
{
    if (!size) return dst;
    size_t o = 0;
    const unsigned char *s = (const unsigned char *)src;
    for (size_t i = 0; i < len; i++) {
        unsigned char b = s[i];
        size_t k = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;   /* bytes in this UTF-8 sequence */
        int bad_seq = b >= 0x80 && b < 0xc0;   /* a continuation byte with no lead: C1 on 8-bit terminals */
        for (size_t j = 1; j < k && i + j < len; j++)
            bad_seq |= (s[i + j] & 0xc0) != 0x80;   /* a lead byte whose sequence is cut by another byte */
        if (bad_seq) {
            if (o + 1 >= size) break;
            dst[o++] = '?';
            continue;                  /* only the offending byte goes; what follows is read afresh */
        }
        if (b < 0x20 || b == 0x7f || (b == 0xc2 && i + 1 < len && s[i + 1] >= 0x80 && s[i + 1] <= 0x9f)) {
            b = '?';               /* C0 controls, DEL, and U+0080..U+009F (C1: CSI, OSC, ...) */
            i += k - 1;
            k = 1;
        }
        if (k > len - i || o + k >= size) break;   /* never end inside a sequence */
        if (k == 1) dst[o++] = (char)b;
        else { memcpy(dst + o, s + i, k); o += k; i += k - 1; }
    }
    dst[o] = '\0';
    return dst;
}

int gguf_ident_ok(const char *s, size_t len)
{
    if (!s || !len) return 0;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e) return 0;
    return 1;
}

int gguf_out_check(const char *path, rope_error *err)
{
    if (!path || !*path) return rope_fail(err, "no output file name given");
    struct stat st;
    if (lstat(path, &st) != 0) {
        if (errno == ENOENT) return 0;
        return rope_fail(err, "%s: %s", path, strerror(errno));
    }
    if (S_ISLNK(st.st_mode))
        return rope_fail(err, "%s is a symbolic link; refusing to replace it (give the real file's path)", path);
    if (S_ISDIR(st.st_mode))
        return rope_fail(err, "%s is a directory; give a file name", path);
    if (!S_ISREG(st.st_mode))
        return rope_fail(err, "%s is not a regular file (a device, FIFO or socket); refusing to replace it", path);
    return 0;
}

int gguf_out_sweep(const char *path)
{
    if (!path || !*path) return 0;
    const char *slash = strrchr(path, '/');
    size_t dlen = slash ? (size_t)(slash - path) : 0;
    const char *base = slash ? slash + 1 : path;
    size_t blen = strlen(base);
    char *dir = malloc(dlen + 2);
    if (!dir) return 0;
    if (slash) {
        memcpy(dir, path, dlen ? dlen : 1);
        dir[dlen ? dlen : 1] = '\0';
    } else {
        strcpy(dir, ".");
    }
    DIR *d = opendir(dir);
    int removed = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        const char *n = e->d_name;
        if (strncmp(n, base, blen) || strncmp(n + blen, ".tmp.", 5)) continue;
        const char *q = n + blen + 5;
        char *end;
        errno = 0;
        long pid = strtol(q, &end, 10);
        if (end == q || errno || pid <= 0 || (*end && *end != '.')) continue;
        if (*end == '.' && strlen(end + 1) != 6) continue;
        if (pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue;
        size_t full = strlen(dir) + 1 + strlen(n) + 1;
        char *fp = malloc(full);
        if (!fp) break;
        snprintf(fp, full, "%s/%s", dir, n);
        struct stat st;
        if (lstat(fp, &st) == 0 && S_ISREG(st.st_mode) && unlink(fp) == 0) removed++;
        free(fp);
    }
    if (d) closedir(d);
    free(dir);
    return removed;
}
