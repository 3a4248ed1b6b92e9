/* tests/unit/test_mergecfg.c — the text patch behind `export --merge-into` (app/cli/mergecfg.h): a key
 * present is replaced in place and every other byte is the original's, a missing key is appended with
 * the config's indentation, a key given twice is replaced both times (Python keeps the last), an empty
 * object, text_config, skip-if-absent keys, and refusals of what is not an object. Expected texts are
 * written out by hand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "mergecfg.h"

static char *patch(const char *cfg, const char *p, const char *const *skip)
{
    char *out = NULL;
    rope_error err = {{0}};
    if (mergecfg_patch(cfg, strlen(cfg), p, skip, &out, &err)) {
        fprintf(stderr, "mergecfg: %s\n", err.msg);
        return NULL;
    }
    return out;
}

static void expect(const char *cfg, const char *p, const char *const *skip, const char *want)
{
    char *got = patch(cfg, p, skip);
    CHECK_STR(got, want);
    free(got);
}

int main(void)
{
    static const char *const skip[] = { "head_dim", NULL };
    /* replace in place; untouched bytes keep their spelling */
    expect("{\n  \"a\": 1e-05,\n  \"rope_theta\": 10000.0,\n  \"b\": [1, 2]\n}\n",
           "{\n  \"rope_theta\": 500000.0\n}",
           NULL,
           "{\n  \"a\": 1e-05,\n  \"rope_theta\": 500000.0,\n  \"b\": [1, 2]\n}\n");
    /* append after the last key, with the config's indentation; a nested value is re-indented */
    expect("{\n    \"a\": \"x,}\\\"\"\n}",
           "{\n  \"rope_scaling\": {\n    \"factor\": 4.0\n  }\n}",
           NULL,
           "{\n    \"a\": \"x,}\\\"\",\n    \"rope_scaling\": {\n      \"factor\": 4.0\n    }\n}");
    /* a key given twice is replaced both times */
    expect("{\"f\": 1, \"f\": 2}", "{\"f\": 3}", NULL, "{\"f\": 3, \"f\": 3}");
    /* an empty object */
    expect("{}", "{\n  \"f\": 3\n}", NULL, "{\n  \"f\": 3\n}");
    /* skip_if_absent: head_dim only replaced */
    expect("{\"x\": 1}", "{\"head_dim\": 64, \"y\": 2}", skip, "{\"x\": 1,\n\"y\": 2}");
    expect("{\"head_dim\": 128}", "{\"head_dim\": 64}", skip, "{\"head_dim\": 64}");
    /* text_config holds the language model when the top level has no geometry or scaling */
    expect("{\"text_config\": {\"num_attention_heads\": 8}, \"v\": {}}", "{\"rope_theta\": 1.0}", NULL,
           "{\"text_config\": {\"num_attention_heads\": 8,\n\"rope_theta\": 1.0}, \"v\": {}}");
    /* refusals */
    char *out = NULL;
    rope_error err = {{0}};
    CHECK_INT(mergecfg_patch("[1, 2]", 6, "{}", NULL, &out, &err), -1);
    CHECK_HAS(err.msg, "not a JSON object");
    CHECK_INT(mergecfg_patch("{\"a\": ", 6, "{}", NULL, &out, &err), -1);
    CHECK(out == NULL);
    return check_done("test_mergecfg");
}
