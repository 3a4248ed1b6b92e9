#!/usr/bin/env bash
# tests/cli/train_cli.sh — `ropescope train` and `finetune` from the command line on a tiny model and
# a generated text: a short run writes a checkpoint and a GGUF that `ppl` loads, --resume continues it
# to a longer schedule, finetune continues the GGUF at a longer context with YaRN, the repeat warm-up
# is reported, and bad input (a missing corpus, a learning rate of 0, a context not divisible into the
# short sequences, fractions over 1, a warm-up longer than the run, a checkpoint of another
# architecture, an existing checkpoint without --resume, a method GGUF cannot hold) gives one error
# line and a non-zero exit, leaving the run's files as they were.
set -uo pipefail
bin=$1 src=$2
. "$src/tests/cli/lib/harness.sh"

# a generated corpus: numbered sentences (no third-party text)
$py - "$tmp/text.txt" <<'PY'
import random, sys
r = random.Random(5)
words = "the a river stone cloud light of and in over under green blue small old new house field".split()
with open(sys.argv[1], "w") as f:
    for i in range(3000):
        f.write(" ".join(r.choice(words) for _ in range(r.randint(4, 12))).capitalize() + ".\n")
PY

tiny=(--corpus "$tmp/text.txt" --d-model 16 --layers 2 --heads 2 --ffn 32 --ctx 64 --batch 2 --threads 1
      --warmup 2 --eval-every 5 --log-every 5 --ckpt-every 1000)
run="$tmp/run"

# a short run: progress lines, a checkpoint, a GGUF the engine loads
if "$bin" train --out-dir "$run" "${tiny[@]}" --steps 10 --repeat-warmup 3 --repeat-frac 0.1 >"$tmp/out" 2>"$tmp/log"; then
  ok
  grep -q '^step 10/10  loss' "$tmp/log" && ok || bad "train: no progress line for step 10: $(tail -3 "$tmp/log")"
  grep -q '3 repeat-only warm-up steps' "$tmp/log" && ok || bad "train: the warm-up is not reported"
  grep -q 'held-out loss' "$tmp/log" && ok || bad "train: no held-out evaluation"
  [ -s "$run/ckpt.bin" ] && [ -s "$run/model.gguf" ] && [ -s "$run/heldout.txt" ] && ok \
    || bad "train: missing ckpt.bin, model.gguf or heldout.txt"
  has "Final estimate: PPL" ppl --model "$run/model.gguf" --ctx 64 --max-chunks 2 --threads 1 "$run/heldout.txt"
else
  bad "train exited $?: $(tail -3 "$tmp/log")"
fi

# an existing checkpoint is never overwritten by a fresh start
sum=$(md5sum <"$run/ckpt.bin")
usage_error "--resume" train --out-dir "$run" "${tiny[@]}" --steps 10
[ "$(md5sum <"$run/ckpt.bin")" = "$sum" ] && ok || bad "train: a refused start changed ckpt.bin"

# --resume continues to a longer schedule
if "$bin" train --out-dir "$run" "${tiny[@]}" --steps 14 --repeat-warmup 3 --repeat-frac 0.1 --resume >"$tmp/out" 2>"$tmp/log"; then
  grep -q 'resumed .* at step 10' "$tmp/log" && ok || bad "resume: not resumed at step 10: $(head -3 "$tmp/log")"
  grep -q 'finished at step 14/14' "$tmp/log" && ok || bad "resume: did not finish at 14"
else
  bad "train --resume exited $?: $(tail -3 "$tmp/log")"
fi

# another architecture cannot resume this checkpoint: one line, exit 1, the file untouched
sum=$(md5sum <"$run/ckpt.bin")
"$bin" train --out-dir "$run" "${tiny[@]}" --ffn 48 --steps 14 --resume >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q 'another architecture' "$tmp/err" && ok \
  || bad "resume with another architecture: exit $rc, '$(cat "$tmp/err")'"
[ "$(md5sum <"$run/ckpt.bin")" = "$sum" ] && ok || bad "a refused resume changed ckpt.bin"
# a schedule that ends before the checkpoint's step is refused, not "finished at step 14/5"
gsum=$(md5sum <"$run/model.gguf")
usage_error "--steps 5 is below the checkpoint's step 14" train --out-dir "$run" "${tiny[@]}" --steps 5 --resume
[ "$(md5sum <"$run/ckpt.bin")$(md5sum <"$run/model.gguf")" = "$sum$gsum" ] && ok || bad "a refused resume rewrote the run"

# finetune the GGUF at 2x its context with YaRN, keeping some short rows
ft="$tmp/ft"
if "$bin" finetune --model "$run/model.gguf" --out-dir "$ft" --corpus "$tmp/text.txt" --ctx 128 --batch 2 \
     --steps 4 --threads 1 --method yarn --factor 2 --short-frac 0.5 --eval-every 2 --snapshots 1,3 >"$tmp/out" 2>"$tmp/log"; then
  grep -q 'rope yarn factor 2 base 10000 orig ctx 64' "$tmp/log" && ok || bad "finetune: rope line: $(head -2 "$tmp/log")"
  grep -q 'short rows 0.50 x 64' "$tmp/log" && ok || bad "finetune: curriculum line: $(sed -n 2p "$tmp/log")"
  has "method yarn" ppl --model "$ft/model.gguf" --ctx 128 --max-chunks 1 --threads 1 "$ft/heldout.txt"
  # the ppl and passkey headers say the context was extended, and from what (compare shares the helper)
  has "L = 64 (extended to 128 by fine-tuning)" ppl --model "$ft/model.gguf" --ctx-list 64,128 --max-chunks 1 \
    --threads 1 "$ft/heldout.txt"
  has "L = 64 (extended to 128 by fine-tuning)" passkey --model "$ft/model.gguf" --lengths 200 --depths 0.5 \
    --trials 1 --threads 1
  # snapshots: the listed steps only, each a GGUF of its own that differs from the final model
  [ -s "$ft/model-step1.gguf" ] && [ -s "$ft/model-step3.gguf" ] && [ ! -e "$ft/model-step2.gguf" ] && ok \
    || bad "finetune --snapshots 1,3: $(ls "$ft")"
  grep -q "snapshot step 3 -> $ft/model-step3.gguf" "$tmp/log" && ok || bad "finetune: snapshot not reported"
  cmp -s "$ft/model-step3.gguf" "$ft/model.gguf" && bad "snapshot 3 equals the step-4 model" || ok
else
  bad "finetune exited $?: $(tail -3 "$tmp/log")"
fi

# recall episodes with loss weights, a context schedule, constant lr, the probe and its gate
rc_run="$tmp/recall"
if "$bin" train --out-dir "$rc_run" "${tiny[@]}" --steps 6 --passkey-frac 0 --kv-frac 0 --copy-frac 0 \
     --recall-frac 1 --recall-dmax 24 --copy-weight 3 --lr-schedule constant --ctx-schedule 32@0,64@3 \
     --probe-every 3 --gate copy:16:2 >"$tmp/out" 2>"$tmp/log"; then
  grep -q '1.00 recall (distances to 24)' "$tmp/log" && ok || bad "recall: mix line: $(sed -n 3p "$tmp/log")"
  grep -q 'lr schedule constant; loss weights copy 3, answer 1; context schedule 32@0,64@3' "$tmp/log" && ok \
    || bad "recall: schedule line: $(sed -n 4p "$tmp/log")"
  grep -q '^probe step 3 (192 tokens): copy  @32 .* @64 .* @16 ' "$tmp/log" && ok \
    || bad "recall: probe line (2 rows x 32 tokens x 3 steps): $(grep probe "$tmp/log")"
  grep -q '^probe step 6 (576 tokens)' "$tmp/log" && ok || bad "recall: no probe at step 6 after the schedule's 64"
  # an untrained model copies nothing, so only a gate above ratio 1 passes: the snapshots are its
  [ -s "$rc_run/model-gate-step3.gguf" ] && [ -s "$rc_run/model-gate-step6.gguf" ] && ok \
    || bad "gate copy:16:2: $(ls "$rc_run")"
  grep -q 'gate copy:16:2 passed at step 3' "$tmp/log" && ok || bad "gate not reported"
else
  bad "train with recall exited $?: $(tail -3 "$tmp/log")"
fi
# a gate that an untrained model cannot pass keeps nothing
if "$bin" train --out-dir "$tmp/nogate" "${tiny[@]}" --steps 4 --probe-every 2 --gate copy:16:0.05 >"$tmp/out" 2>"$tmp/log"; then
  ls "$tmp/nogate" | grep -q gate && bad "gate 0.05 kept a snapshot" || ok
  grep -q '^probe step 4' "$tmp/log" && ok || bad "no probe at step 4"
else
  bad "train with an unreachable gate exited $?: $(tail -3 "$tmp/log")"
fi
# the passkey gate: each probe logs the study at its length; an untrained model is near chance (1 in 10)
if "$bin" train --out-dir "$tmp/pkgate" "${tiny[@]}" --steps 2 --probe-every 2 --gate passkey:256:1 >"$tmp/out" 2>"$tmp/log"; then
  line=$(grep '^probe step 2 ([0-9]* tokens): passkey @256 log-prob ' "$tmp/log")
  [ -n "$line" ] && ok || bad "passkey gate: no passkey probe line: $(grep probe "$tmp/log")"
  n=$(sed -n 's/.*log-prob \([0-9]*\)\/100 .*/\1/p' <<<"$line")
  [ -n "$n" ] && [ "$n" -ge 2 ] && [ "$n" -le 25 ] && ok || bad "passkey gate: an untrained model at '$n' of 100, not near chance"
  ls "$tmp/pkgate" | grep -q -e gate -e probe && bad "passkey:256:1 kept a file: $(ls "$tmp/pkgate")" || ok
else
  bad "train with a passkey gate exited $?: $(tail -3 "$tmp/log")"
fi
if "$bin" train --out-dir "$tmp/pkgate2" "${tiny[@]}" --steps 2 --probe-every 2 --gate passkey:256:0.01 >"$tmp/out" 2>"$tmp/log"; then
  [ -s "$tmp/pkgate2/model-gate-step2.gguf" ] && grep -q 'gate passkey:256:0.01 passed at step 2' "$tmp/log" && ok \
    || bad "passkey:256:0.01 kept no snapshot: $(ls "$tmp/pkgate2"; grep gate "$tmp/log")"
  has "passkey" passkey --model "$tmp/pkgate2/model-gate-step2.gguf" --lengths 256 --trials 1
else
  bad "train with a passable passkey gate exited $?: $(tail -3 "$tmp/log")"
fi
# the letters gate probes a-z; --gate-stop ends the run at the first gate that passes, checkpoint written
if "$bin" train --out-dir "$tmp/lgate" "${tiny[@]}" --steps 10 --probe-every 2 --gate letters:16:2 --gate-stop \
     >"$tmp/out" 2>"$tmp/log"; then
  grep -q '^probe step 2 ([0-9]* tokens): copy (letters)  @32 ' "$tmp/log" && ok || bad "letters gate: probe line: $(grep probe "$tmp/log")"
  grep -q 'stopped at step 2/10' "$tmp/log" && [ -s "$tmp/lgate/model-gate-step2.gguf" ] && [ -s "$tmp/lgate/ckpt.bin" ] && ok \
    || bad "--gate-stop did not end the run at the gate: $(tail -2 "$tmp/log"; ls "$tmp/lgate")"
else
  bad "train with --gate-stop exited $?: $(tail -3 "$tmp/log")"
fi
usage_error "--gate-stop needs a --gate" train --out-dir "$tmp/r3" "${tiny[@]}" --gate-stop
usage_error "passkey:LEN:FRAC" train --out-dir "$tmp/r3" "${tiny[@]}" --gate passkey:64:0.9
usage_error "passkey:LEN:FRAC" train --out-dir "$tmp/r3" "${tiny[@]}" --gate passkey:256:1.5
# --resume takes a new lr, schedule and mixture and says so; a new batch or context cannot apply
if "$bin" train --out-dir "$rc_run" "${tiny[@]}" --steps 8 --resume --lr 5e-4 --lr-schedule cosine --recall-frac 0.5 \
     --recall-form alphabets >"$tmp/out" 2>"$tmp/log"; then
  grep -q 'resume changes lr 0.002 -> 0.0005' "$tmp/log" && ok || bad "resume: lr change not logged: $(cat "$tmp/log")"
  grep -q 'resume changes lr-schedule constant -> cosine' "$tmp/log" && ok || bad "resume: schedule change not logged"
  grep -q 'resume changes recall-frac 1 -> 0.5' "$tmp/log" && ok || bad "resume: mixture change not logged"
  grep -q 'resume changes recall-form spans -> alphabets' "$tmp/log" && ok || bad "resume: recall-form change not logged"
  grep -q 'finished at step 8/8' "$tmp/log" && ok || bad "resume: did not finish at 8"
else
  bad "resume with new settings exited $?: $(tail -3 "$tmp/log")"
fi
sum=$(md5sum <"$rc_run/ckpt.bin")
usage_error "batch cannot change" train --out-dir "$rc_run" "${tiny[@]}" --steps 9 --resume --batch 3
usage_error "context cannot change" train --out-dir "$rc_run" "${tiny[@]/64/128}" --steps 9 --resume
[ "$(md5sum <"$rc_run/ckpt.bin")" = "$sum" ] && ok || bad "a refused resume changed ckpt.bin"
usage_error "--gate" train --out-dir "$tmp/r2" "${tiny[@]}" --gate copy:64
usage_error "--ctx-schedule" train --out-dir "$tmp/r2" "${tiny[@]}" --ctx-schedule 32-0

# the probes on a trained model: a table per distance, a row per layer
has "      16  " probe copy "$rc_run/model.gguf" --dists 16,24 --passages 2 --threads 1
has "ratio" probe copy "$rc_run/model.gguf" --dists 8 --passages 2 --alphabet letters --threads 1
has "    1  " probe induction "$rc_run/model.gguf" --dist 16 --passages 2 --threads 1
usage_error "unknown probe" probe copies "$rc_run/model.gguf"
usage_error "give the model" probe copy --dists 8
"$bin" probe copy "$tmp/missing.gguf" >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && ok || bad "probe of a missing file: exit $rc, '$(cat "$tmp/err")'"

# bad input: one line, exit 2
usage_error "cannot open" train --out-dir "$tmp/r2" "${tiny[@]/$tmp\/text.txt/$tmp/missing.txt}" --steps 2
usage_error "learning rate" train --out-dir "$tmp/r2" "${tiny[@]}" --lr 0
usage_error "not divisible" finetune --model "$run/model.gguf" --out-dir "$tmp/r3" --corpus "$tmp/text.txt" --ctx 160 \
  --short-ctx 64 --short-frac 0.5
usage_error "add up to at most 1" train --out-dir "$tmp/r2" "${tiny[@]}" --passkey-frac 0.5 --kv-frac 0.3 --repeat-frac 0.3
usage_error "repeat warm-up" train --out-dir "$tmp/r2" "${tiny[@]}" --steps 5 --repeat-warmup 6
usage_error "--ctx N is required" finetune --model "$run/model.gguf" --out-dir "$tmp/r3"
usage_error "" finetune --model "$run/model.gguf" --out-dir "$tmp/r3" --ctx 128 --method dynamic --factor 2
usage_error "unknown argument" train --out-dir "$tmp/r2" --bogus
usage_error "--snapshots" train --out-dir "$tmp/r2" "${tiny[@]}" --steps 5 --snapshots 2,9
[ ! -e "$tmp/r2/ckpt.bin" ] && [ ! -e "$tmp/r3/ckpt.bin" ] && ok || bad "a refused run wrote a checkpoint"

finish train_cli
