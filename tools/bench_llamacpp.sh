#!/usr/bin/env bash
# tools/bench_llamacpp.sh — llama.cpp and ropescope side by side on the same GGUF: prefill (ppN) and
# decode (tgN) tokens/s, alternating the two engines round by round, best round of each, and the ratios.
#
# llama.cpp comes from the npm package node-llama-cpp (prebuilt CPU llama.cpp; it picks the ggml CPU
# variant for this machine at load time). Install it once, outside the repository:
#   mkdir -p /work/npm-llama && cd /work/npm-llama && npm install node-llama-cpp@3.22
# The package ships neither llama-bench nor headers, so tools/bench_llamacpp.mjs times llama_decode
# through the package's own calls: prefill = one evaluateWithoutGeneratingNewTokens() of N tokens
# (one batch), decode = N calls of one token each (their figure includes the JavaScript binding's
# per-call cost, so llama.cpp's decode is understated; prefill is one call and not affected).
#
# usage: tools/bench_llamacpp.sh [--ropescope BIN] [--model FILE.gguf] [--threads "1 2"] [--pp "512 4096"]
#                                [--tg N] [--reps R] [--rounds K]
# env:   NODE_LLAMA_CPP_DIR  where node-llama-cpp is installed (default /work/npm-llama)
# Exit 77 when node or the package is missing (nothing was measured).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin="$here/../build/ropescope"
model="$here/../assets/ropescope-tiny.gguf"
threads="1 2"; pps="512 4096"; tg=128; reps=3; rounds=2
while [ $# -gt 0 ]; do
  case "$1" in
    --ropescope) bin=$2; shift 2 ;;
    --model) model=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --pp) pps=$2; shift 2 ;;
    --tg) tg=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench_llamacpp.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
export NODE_LLAMA_CPP_DIR=${NODE_LLAMA_CPP_DIR:-/work/npm-llama}
if ! command -v node >/dev/null || [ ! -d "$NODE_LLAMA_CPP_DIR/node_modules/node-llama-cpp" ]; then
  echo "bench_llamacpp.sh: node-llama-cpp not found in $NODE_LLAMA_CPP_DIR (see --help); skipped" >&2
  exit 77
fi
[ -x "$bin" ] || { echo "bench_llamacpp.sh: no ropescope binary at $bin (use --ropescope)" >&2; exit 1; }
[ -r "$model" ] || { echo "bench_llamacpp.sh: cannot read $model" >&2; exit 1; }

best() { awk -v a="$1" -v b="$2" 'BEGIN { print (a > b ? a : b) }'; }
echo "model: $model"
echo "cpu:   $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); $(nproc) cores"
echo "isa:   $(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx2|fma|avx512f|avx512bw|avx512vl|avx512_bf16|avx512_vnni)$' | tr '\n' ' ')"
"$bin" bench model --model "$model" --pp 1 --tg 1 --reps 1 | grep '^kernels:' | sed 's/^/ropescope /'
printf '%-8s %-7s %12s %12s %7s %12s %12s %7s\n' threads pp "rs pp t/s" "llama pp t/s" ratio \
       "rs tg t/s" "llama tg t/s" ratio
for t in $threads; do
  for pp in $pps; do
    rs_pp=0; rs_tg=0; lc_pp=0; lc_tg=0; info=""
    for ((k = 0; k < rounds; k++)); do
      out=$("$bin" bench model --model "$model" --threads "$t" --pp "$pp" --tg "$tg" --reps "$reps")
      rs_pp=$(best "$rs_pp" "$(echo "$out" | sed -n "s/^pp$pp: \([0-9.]*\) tok.*/\1/p")")
      rs_tg=$(best "$rs_tg" "$(echo "$out" | sed -n "s/^tg$tg: \([0-9.]*\) tok.*/\1/p")")
      out=$(node "$here/bench_llamacpp.mjs" "$model" "$t" "$pp" "$tg" "$reps")
      lc_pp=$(best "$lc_pp" "$(echo "$out" | sed -n 's/.* pp=\([0-9.]*\) .*/\1/p')")
      lc_tg=$(best "$lc_tg" "$(echo "$out" | sed -n 's/.* tg=\([0-9.]*\) .*/\1/p')")
      info=$(echo "$out" | sed -n 's/.* cpu=//p')
    done
    awk -v t="$t" -v pp="$pp" -v a="$rs_pp" -v b="$lc_pp" -v c="$rs_tg" -v d="$lc_tg" 'BEGIN {
      printf "%-8s %-7s %12.0f %12.0f %6.2fx %12.0f %12.0f %6.2fx\n", t, "pp" pp, a, b, a / b, c, d, c / d }'
  done
done
echo "llama.cpp ggml: $info"
echo "(best of $rounds alternating rounds, each a median of $reps runs; tg$tg decode)"
