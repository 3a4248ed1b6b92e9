#!/usr/bin/env bash
# tests/fuzz/run_short.sh — the regression fuzz run of the README's test command: builds the three
# libFuzzer harnesses with clang and runs each for SECONDS (default 30) from the checked-in corpus
# (copied to a scratch dir, so the tree is never changed). Any crash, sanitizer report or oracle abort
# fails the run. Usage: bash tests/fuzz/run_short.sh [SECONDS]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
secs="${1:-30}"
bdir="$here/build-fuzz"
CC=clang cmake -S "$here" -B "$bdir" -DROPESCOPE_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$bdir" -j 2 --target fuzz_gguf fuzz_model fuzz_config >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
run() {   # name, dict or "", seed dirs...
  local name="$1" dict="$2"; shift 2
  mkdir -p "$work/$name"
  for d in "$@"; do cp "$d"/* "$work/$name"/ 2>/dev/null || true; done
  local extra=()
  [ -n "$dict" ] && extra+=("-dict=$dict")
  echo "== fuzz $name: ${secs} s from $(ls "$work/$name" | wc -l) seeds =="
  if ! "$bdir/tests/fuzz/$name" "${extra[@]}" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 \
       -artifact_prefix="$work/$name-" "$work/$name" >"$work/$name.log" 2>&1; then
    tail -40 "$work/$name.log"
    echo "fuzz $name FAILED (artifacts above; the log was $work/$name.log)" >&2
    exit 1
  fi
  grep -E "^Done [0-9]+ runs" "$work/$name.log" || tail -2 "$work/$name.log"
}
run fuzz_gguf "" "$here/tests/fuzz/gguf_seeds" "$here/tests/fuzz/model_seeds"
run fuzz_model "" "$here/tests/fuzz/model_seeds" "$here/tests/fuzz/gguf_seeds"
run fuzz_config "$here/tests/fuzz/config.dict" "$here/assets/presets" "$here/tests/data/configs"
echo "fuzz: all harnesses ran ${secs} s without a finding"
