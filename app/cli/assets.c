/* app/cli/assets.c — finding the data files relative to the running binary (assets.h): next to it,
 * or in the install prefix (bin/../share/ropescope). Linux's /proc/self/exe names the binary. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "assets.h"

/* The directory holding the running binary, without a trailing slash; "." if it cannot be read. */
static void exe_dir(char *dir, size_t size)
{
    char path[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
    if (n <= 0) {
        snprintf(dir, size, ".");
        return;
    }
    path[n] = '\0';
    char *slash = strrchr(path, '/');
    if (slash) *slash = '\0';
    snprintf(dir, size, "%s", slash && path[0] ? path : "/");
}

const char *cli_asset_path(const char *name, char *buf, size_t size)
{
    char dir[PATH_MAX];
    exe_dir(dir, sizeof dir);
    static const char *const rel[] = { "assets", "../share/ropescope" };
    for (size_t k = 0; k < sizeof rel / sizeof rel[0]; k++) {
        snprintf(buf, size, "%s/%s/%s", dir, rel[k], name);
        if (access(buf, R_OK) == 0)
            return buf;
    }
    return buf;
}

const char *cli_default_model(char *buf, size_t size)
{
    const char *env = getenv("ROPESCOPE_MODEL");
    if (env && *env) {
        snprintf(buf, size, "%s", env);
        return buf;
    }
    return cli_asset_path("ropescope-tiny.gguf", buf, size);
}

const char *cli_model_path(const char *arg, char *buf, size_t size)
{
    if (!arg) return cli_default_model(buf, size);
    size_t n = strlen(arg);
    if (n && !strchr(arg, '/') && access(arg, F_OK) != 0 && !(n >= 5 && !strcmp(arg + n - 5, ".gguf"))) {
        char name[256];
        snprintf(name, sizeof name, "ropescope-%s.gguf", arg);
        cli_asset_path(name, buf, size);
        if (access(buf, R_OK) == 0) return buf;
    }
    snprintf(buf, size, "%s", arg);
    return buf;
}
