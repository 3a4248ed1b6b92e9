/* kernels/model/model_memlimit.c — how much memory a context may take: 3/4 of the smaller of physical
 * memory and the cgroup's limit (v2 memory.max of this process's group and its parents, or v1
 * memory.limit_in_bytes), so a container's limit refuses a context instead of the OOM killer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "model.h"

int model_parse_mem_max(const char *text, size_t *bytes)
{
    *bytes = 0;
    while (*text == ' ' || *text == '\t') text++;
    if (!strncmp(text, "max", 3) && (text[3] == '\0' || text[3] == '\n')) return 0;
    if (*text < '0' || *text > '9') return -1;
    char *end;
    unsigned long long v = strtoull(text, &end, 10);
    if (*end != '\0' && *end != '\n') return -1;
    /* cgroup v1 writes "no limit" as a page-rounded LONG_MAX */
    *bytes = v >= (1ull << 62) ? 0 : (size_t)v;
    return 0;
}

static size_t read_limit(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    char line[64];
    size_t v = 0;
    if (fgets(line, sizeof line, f) && model_parse_mem_max(line, &v)) v = 0;
    fclose(f);
    return v;
}

static size_t min_nz(size_t a, size_t b) { return !a ? b : !b ? a : a < b ? a : b; }

size_t model_cgroup_limit(void)
{
    size_t lim = read_limit("/sys/fs/cgroup/memory.max");
    lim = min_nz(lim, read_limit("/sys/fs/cgroup/memory/memory.limit_in_bytes"));
    FILE *f = fopen("/proc/self/cgroup", "r");
    char line[4096];
    while (f && fgets(line, sizeof line, f)) {
        const char *fmt = NULL;
        char *p = NULL;
        if (!strncmp(line, "0::/", 4)) {                         /* cgroup v2 */
            fmt = "/sys/fs/cgroup%s/memory.max";
            p = line + 3;
        } else if ((p = strstr(line, ":memory:/"))) {            /* cgroup v1 memory controller */
            fmt = "/sys/fs/cgroup/memory%s/memory.limit_in_bytes";
            p += 8;
        } else {
            continue;
        }
        p[strcspn(p, "\n")] = '\0';
        char path[4200];
        while (*p) {                                             /* the group, then each parent */
            snprintf(path, sizeof path, fmt, p);
            lim = min_nz(lim, read_limit(path));
            char *slash = strrchr(p, '/');
            if (!slash || slash == p) break;
            *slash = '\0';
        }
    }
    if (f) fclose(f);
    return lim;
}

size_t model_mem_limit_default(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
    size_t phys = pages > 0 && psz > 0 ? (size_t)pages * (size_t)psz : (size_t)1 << 36;
    return min_nz(phys, model_cgroup_limit()) / 4 * 3;
}
