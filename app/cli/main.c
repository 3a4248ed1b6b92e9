/* app/cli/main.c — ropescope's entry point: the subcommand table and dispatch. With no arguments, or
 * with only flags (`ropescope --preset llama-2-7b --method yarn`), it opens the explorer with them;
 * every subcommand has --help and returns 0 ok, 1 failure, 2 usage error. */
#include <stdio.h>
#include <string.h>
#include "cmd.h"
#include "safe_out.h"

const cmd_entry cmd_table[] = {
    { "freqs", cmd_freqs, "per-pair frequencies, wavelengths, ramp and magnitude for a method" },
    { "curve", cmd_curve, "attention score vs distance (q = k = 1, RoFormer bound, random q = k)" },
    { "export", cmd_export, "write settings for Hugging Face, vLLM, llama.cpp and GGUF" },
    { "lint", cmd_lint, "name the known pitfalls in a config" },
    { "parity", cmd_parity, "the config as transformers, llama.cpp and vLLM run it, and why they differ" },
    { "kv", cmd_kv, "KV-cache memory for a geometry and context" },
    { "bench", cmd_bench, "benchmarks that print figures (core, model, train, tui, window)" },
    { "overview", cmd_overview, "a one-screen summary of every method for the current parameters" },
    { "gen", cmd_gen, "generate text from a prompt under any RoPE method" },
    { "ppl", cmd_ppl, "perplexity of a text file at a context length, scored like llama.cpp" },
    { "passkey", cmd_passkey, "passkey retrieval over context lengths x key depths (log-prob and greedy)" },
    { "decay", cmd_decay, "attention decay over distance on the model: mean score and weight per layer and head (FFT)" },
    { "probe", cmd_probe, "does a model copy in context? second/first-copy loss and per-head induction scores" },
    { "compare", cmd_compare, "several methods on one input: perplexity, loss by position, passkey, continuation" },
    { "tui", cmd_tui, "the terminal explorer (also: ropescope with no arguments)" },
    { "window", cmd_window, "the same explorer in an SDL2 window (drag the β lines); --screenshot writes a PNG" },
    { "train", cmd_train, "train the byte-level llama model (AdamW, resumable checkpoints, GGUF export)" },
    { "finetune", cmd_finetune, "continue a GGUF at a longer context with any RoPE method" },
    { NULL, NULL, NULL }
};

static void usage(FILE *f)
{
    fprintf(f, "usage: ropescope [COMMAND] [--help] [options]\n\n"
               "See RoPE and its context-extension methods: PI, NTK-aware, dynamic NTK, NTK-by-parts,\n"
               "YaRN, dynamic YaRN, Llama 3 and LongRoPE.\n\ncommands:\n");
    for (const cmd_entry *c = cmd_table; c->name; c++)
        fprintf(f, "  %-9s %s\n", c->name, c->summary);
    fprintf(f, "\nWith no command, opens the explorer; flags without a command go to it (`ropescope --preset\n"
               "llama-2-7b --method yarn --factor 8` = `ropescope tui ...`). `ropescope COMMAND --help` for each.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return cmd_tui(1, (char *[]){ "tui", NULL });
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return safe_out_finish(NULL, 0);
    }
    if (argv[1][0] == '-' && argv[1][1]) { /* flags only: the explorer with them, as `ropescope tui FLAGS` */
        argv[0] = "tui";
        return safe_out_finish("tui", cmd_tui(argc, argv));
    }
    for (const cmd_entry *c = cmd_table; c->name; c++)
        if (!strcmp(argv[1], c->name))
            return safe_out_finish(c->name, c->run(argc - 1, argv + 1));
    fprintf(stderr, "ropescope: unknown command '%s'; run `ropescope --help` for the list\n", argv[1]);
    return 2;
}
