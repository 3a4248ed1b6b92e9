#!/usr/bin/env bash
# tests/cli/llamacpp_parity.sh — the shipped GGUF in llama.cpp itself (optional): node-llama-cpp's
# prebuilt CPU llama.cpp loads assets/ropescope-tiny.gguf, and on the same prompt (bytes = token ids)
# its greedy continuation and the log-probability of every next byte are compared with ropescope's
# (`gen --temp 0` and `ppl --score all --per-position --json` on one chunk); llama.cpp's tokenizer gives
# the ids ropescope's model_tokenize gives (a literal U+2581 is a space).
# The package is never downloaded here: it is looked up in $NODE_LLAMA_CPP_DIR (default /work/npm-llama,
# the folder where `npm install node-llama-cpp@3.22` ran). Exit 77 (skipped) without node >= 20 or the
# package. With ROPESCOPE_LLAMACPP_INSTALL=1 a missing package is installed into $NODE_LLAMA_CPP_DIR first.
set -uo pipefail
bin=$1 src=$2
. "$src/tests/cli/lib/harness.sh"
dir=${NODE_LLAMA_CPP_DIR:-/work/npm-llama}
export NODE_LLAMA_CPP_DIR=$dir
major=$(node --version 2>/dev/null | sed -n 's/^v\([0-9]*\)\..*/\1/p')
if [ -z "$major" ] || [ "$major" -lt 20 ]; then
  echo "SKIP: node >= 20 is not installed; llama.cpp parity did not run"
  exit 77
fi
if [ ! -d "$dir/node_modules/node-llama-cpp" ] && [ "${ROPESCOPE_LLAMACPP_INSTALL:-0}" = 1 ]; then
  mkdir -p "$dir" && (cd "$dir" && npm install --no-audit --no-fund node-llama-cpp@3.22 >/dev/null 2>&1)
fi
if [ ! -d "$dir/node_modules/node-llama-cpp" ]; then
  echo "SKIP: node-llama-cpp is not in $dir (set NODE_LLAMA_CPP_DIR); llama.cpp parity did not run"
  exit 77
fi

model="$src/assets/ropescope-tiny.gguf"
printf 'The river ran under the old stone bridge, and the small green house stood in the field over the hill. ' >"$tmp/p.txt"
n=$(wc -c <"$tmp/p.txt") gen=32
if ! node "$src/tests/cli/lib/llamacpp_parity.mjs" "$model" "$tmp/p.txt" $gen >"$tmp/llama.json" 2>"$tmp/err"; then
  echo "SKIP: llama.cpp did not load through node-llama-cpp: $(tail -1 "$tmp/err")"
  exit 77
fi
"$bin" ppl --model "$model" --ctx "$n" --max-chunks 1 --score all --per-position --json --threads 1 "$tmp/p.txt" \
  >"$tmp/rs.json" 2>"$tmp/err" || bad "ppl: $(cat "$tmp/err")"
"$bin" gen --model "$model" --temp 0 -n $gen --threads 1 "$(cat "$tmp/p.txt")" >"$tmp/gen.txt" 2>"$tmp/err" \
  || bad "gen: $(cat "$tmp/err")"
$py - "$tmp/llama.json" "$tmp/rs.json" "$tmp/p.txt" "$tmp/gen.txt" <<'PY' && ok || bad "llama.cpp and ropescope differ (above)"
import json, sys
ll = json.load(open(sys.argv[1]))
rs = json.load(open(sys.argv[2]))
prompt = open(sys.argv[3], "rb").read()
gen = open(sys.argv[4], "rb").read()
a = ll["logprob"]
b = [-x for x in rs["loss_per_position"]]
assert len(a) == len(b) == len(prompt) - 1, (len(a), len(b), len(prompt))
d = [abs(x - y) for x, y in zip(a, b)]
mean_a, mean_b = sum(a) / len(a), sum(b) / len(b)
print(f"log-prob of {len(a)} bytes: max |diff| {max(d):.2e} nats, mean {mean_a:.6f} vs {mean_b:.6f}")
ok = max(d) < 5e-3 and abs(mean_a - mean_b) < 1e-4
cont = (gen[len(prompt):] if gen.startswith(prompt) else gen)[:len(ll["greedy"])]
greedy = bytes(ll["greedy"])
print(f"greedy: llama.cpp {greedy!r}\n        ropescope {cont!r}")
ok = ok and cont == greedy
# llama.cpp's tokenizer: the text's bytes, spaces as 32, and a literal U+2581 also as 32 (model_tokenize)
def rule(t):
    return list(t.encode().replace("\u2581".encode(), b" "))
for t, ids in zip(ll["texts"], ll["tokens"]):
    if ids != rule(t):
        print(f"tokens of {t!r}: llama.cpp {ids}, expected {rule(t)}")
        ok = False
sys.exit(0 if ok else 1)
PY
# ropescope reads a literal U+2581 as llama.cpp does: "a▁b" is 3 tokens (+ 1 generated = a KV of 4)
"$bin" gen --model "$model" --temp 0 -n 1 --stats --threads 1 "a$(printf '\xe2\x96\x81')b" >/dev/null 2>"$tmp/err" \
  && grep -qF "for 4 tokens" "$tmp/err" && ok || bad "gen a<U+2581>b: $(cat "$tmp/err")"
finish llamacpp_parity
