/* app/cli/cmd.h — the subcommands. Each cmd_NAME(argc, argv) gets argv[0] = its own name and returns
 * the process exit code: 0 ok, 1 failure, 2 usage error (bad flag, bad value, bad file). */
#ifndef CMD_H
#define CMD_H

typedef struct cmd_entry {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;   /* one line for `ropescope --help` */
} cmd_entry;

/* The table of subcommands, NULL-terminated (app/cli/main.c). */
extern const cmd_entry cmd_table[];

int cmd_freqs(int argc, char **argv);
int cmd_curve(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_lint(int argc, char **argv);
int cmd_parity(int argc, char **argv);
int cmd_kv(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_overview(int argc, char **argv);
int cmd_tui(int argc, char **argv);
int cmd_window(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_ppl(int argc, char **argv);
int cmd_passkey(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_decay(int argc, char **argv);
int cmd_probe(int argc, char **argv);

int cmd_train(int argc, char **argv);
int cmd_finetune(int argc, char **argv);

#endif
