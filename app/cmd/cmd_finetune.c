/* app/cmd/cmd_finetune.c — `ropescope finetune`: continue a llama GGUF at a longer context with any RoPE
 * method and a mixed-length curriculum. The driver is shared with `ropescope train` (cmd_train.c). */
#include "cmd.h"

/* app/cmd_train.c: the train/finetune driver (finetune = 1 selects the fine-tuning defaults). */
int cmd_train_run(int argc, char **argv, int finetune);

int cmd_finetune(int argc, char **argv)
{
    return cmd_train_run(argc, argv, 1);
}
