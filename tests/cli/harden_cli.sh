#!/usr/bin/env bash
# tests/cli/harden_cli.sh — refusals from issue 16: a full stdout is a failure, outputs are never
# renamed over links, devices, FIFOs or directories, a killed writer's temporary is swept, text inputs
# that are directories or endless are refused, and an overflowing RoPE config is refused.
set -uo pipefail
bin=$1 src=$2
. "$src/tests/cli/lib/harness.sh"

# fails EXIT PATTERN ARGS... : exit status EXIT and one stderr line containing PATTERN
fails() {
  local want=$1 pat=$2; shift 2
  "$bin" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"; local rc=$?
  [ $rc -eq "$want" ] || { bad "$* exited $rc, want $want: $(cat "$tmp/err")"; return; }
  [ "$(wc -l <"$tmp/err")" -eq 1 ] || { bad "$*: stderr is not one line: $(cat "$tmp/err")"; return; }
  grep -qF -- "$pat" "$tmp/err" && ok || bad "$*: error '$(cat "$tmp/err")' lacks '$pat'"
}
# full ARGS... : stdout to /dev/full is exit 1 with one line
full() {
  "$bin" "$@" </dev/null >/dev/full 2>"$tmp/err"; local rc=$?
  [ $rc -eq 1 ] || { bad "$* > /dev/full exited $rc, want 1"; return; }
  grep -qF "cannot write the output" "$tmp/err" && ok || bad "$* > /dev/full: $(cat "$tmp/err")"
}

if [ -w /dev/full ]; then
  full export
  full freqs --method yarn --factor 4
  full lint --preset llama-2-7b
  full overview
  full --help
fi

# outputs: a regular file or a new name only
echo keep >"$tmp/real.txt"
ln -s "$tmp/real.txt" "$tmp/link.txt"
mkfifo "$tmp/fifo"
fails 1 "symbolic link" export --output "$tmp/link.txt" --force
[ "$(cat "$tmp/real.txt")" = keep ] && ok || bad "export through a symlink changed its target"
fails 1 "not a regular file" export --output /dev/null --force
fails 1 "not a regular file" export --output "$tmp/fifo" --force
fails 1 "is a directory" export --output "$tmp" --force
fails 2 "not a regular file" train --out-dir "$tmp/run" --out /dev/null --steps 1
# a temporary left by a killed writer (its pid is gone) is removed by the next write
(exit 0) & dead=$!; wait $dead
touch "$tmp/new.txt.tmp.$dead"
"$bin" export --output "$tmp/new.txt" >/dev/null 2>&1 && [ -s "$tmp/new.txt" ] && ok || bad "export --output new.txt"
[ ! -e "$tmp/new.txt.tmp.$dead" ] && ok || bad "stale temporary not swept"

# text inputs
fails 2 "is a directory" ppl --ctx 64 "$tmp"
fails 2 "larger than the 64 MiB" ppl --ctx 64 /dev/zero

# a config whose finite numbers overflow the table
printf '{"rope_theta":10000,"head_dim":64,"max_position_embeddings":8192,"rope_scaling":{"rope_type":"yarn","factor":4,"original_max_position_embeddings":2048,"mscale":1e308,"mscale_all_dim":1}}' >"$tmp/over.json"
fails 2 "not finite" export --config "$tmp/over.json"
fails 2 "too close to zero" freqs --method yarn --factor 4 --beta-fast 1e-308

# compare --ctx below the model's L (512) is refused up front, not after the model ran
head -c 4000 "$src/README.md" >"$tmp/text.txt"
fails 2 "shorter than the model's context L = 512" compare --ctx 300 "$tmp/text.txt"

# gen's KV cache is sized by prompt + tokens, not the model's context (2 + 3 = 5)
"$bin" gen --stats -n 3 --temp 0 hi >/dev/null 2>"$tmp/err" && grep -qF "for 5 tokens" "$tmp/err" && ok || bad "gen --stats: $(cat "$tmp/err")"
# a curve request that takes seconds reports progress on a terminal's stderr, and nothing otherwise
"$bin" curve --kind ones --points 4100000 2>"$tmp/err" >/dev/null && [ ! -s "$tmp/err" ] && ok || bad "curve: stderr without a TTY: $(head -c 200 "$tmp/err")"
if command -v script >/dev/null 2>&1; then
  script -qc "'$bin' curve --kind ones --points 4100000 >/dev/null" /dev/null | tr '\r' '\n' >"$tmp/prog"
  grep -q "^curve: 100.0 % of 1 curves" "$tmp/prog" && ok || bad "curve: no progress on a TTY: $(head -c 200 "$tmp/prog")"
fi
finish harden_cli
