#!/usr/bin/env bash
# tests/cli/config_cli.sh — config files, presets, export and lint from the command line: published
# numbers come out of the presets, malformed files give one error line and exit 2, exports never
# overwrite a file without --force, and what export writes reads back to the same table.
set -uo pipefail
bin=$1 src=$2
. "$src/tests/cli/lib/harness.sh"

# presets carry their published numbers
has "pairs 20 .. 46" freqs --preset llama-2-7b --method yarn --factor 8
has "magnitude 1.0000000" freqs --preset deepseek-v3
has "raw 8.0928 .. 17.3980  ->  pairs 8.09" freqs --preset gpt-oss-20b
has "magnitude 1.1902381" freqs --preset phi-3-mini-128k
has "long factors in use" freqs --preset phi-3-mini-128k --seq-len 8192
has "short factors in use" freqs --preset phi-3-mini-128k --seq-len 4096
has "llama-3.1-8b" freqs --list-presets
# flags override the file
has "s 2" freqs --preset qwen2.5-7b-instruct-yarn --factor 2
has "per token  131072 bytes" kv --preset llama-3.1-8b --dtype f16

# malformed files
printf '{"rope_scaling": {"type": "yarn", "factor": "8"}, "head_dim": 64}' >"$tmp/typed.json"
usage_error "factor" freqs --config "$tmp/typed.json"
printf '{"rope_theta": 10000, "head_dim": 64, ' >"$tmp/trunc.json"
usage_error "trunc.json" freqs --config "$tmp/trunc.json"
usage_error "/nonexistent/config.json" freqs --config /nonexistent/config.json
usage_error "nosuch" freqs --preset nosuch
printf '{"rope_scaling": {"rope_type": "yarn", "factor": 0.5}, "head_dim": 64, "max_position_embeddings": 512}' >"$tmp/f.json"
usage_error "factor" freqs --config "$tmp/f.json"

# export: every format; the HF JSON reads back to the same frequencies (round trip)
has "--rope-scaling yarn" export --preset qwen2.5-7b-instruct-yarn --format llamacpp
has "--hf-overrides" export --preset qwen2.5-7b-instruct-yarn --format vllm
has "rope_parameters" export --preset qwen2.5-7b-instruct-yarn --format hf-v5
has "llama.rope.scaling.type" export --preset qwen2.5-7b-instruct-yarn --format gguf
"$bin" export --preset gpt-oss-20b --format llamacpp >/dev/null 2>"$tmp/warn"
grep -qi "truncate" "$tmp/warn" && ok || bad "llama.cpp export of truncate:false has no warning"
for p in $("$bin" freqs --list-presets | awk '{print $1}'); do
  "$bin" export --preset "$p" --format hf --output "$tmp/$p.json" 2>/dev/null || { bad "export $p"; continue; }
  "$bin" freqs --json --preset "$p" >"$tmp/a.json" 2>/dev/null
  "$bin" freqs --json --config "$tmp/$p.json" >"$tmp/b.json" 2>/dev/null
  $py -c 'import json,sys; a,b=(json.load(open(f)) for f in sys.argv[1:3]); sys.exit(0 if a["inv_freq"]==b["inv_freq"] and a["attention_factor"]==b["attention_factor"] else 1)' \
      "$tmp/a.json" "$tmp/b.json" && ok || bad "round trip of preset $p"
done
# never overwrite without asking
echo precious >"$tmp/keep.json"
"$bin" export --preset llama-2-7b --format hf --output "$tmp/keep.json" >/dev/null 2>"$tmp/err"
[ $? -ne 0 ] && grep -q "exists" "$tmp/err" && [ "$(cat "$tmp/keep.json")" = precious ] && ok || bad "export overwrote a file"
"$bin" export --preset llama-2-7b --format hf --output "$tmp/keep.json" --force >/dev/null 2>&1 && \
  grep -q rope_theta "$tmp/keep.json" && ok || bad "export --force"

# lint: pitfalls fire with exit 1; a clean preset passes
printf '{"rope_scaling": {"factor": 4.0}, "head_dim": 128, "max_position_embeddings": 4096}' >"$tmp/notype.json"
"$bin" lint --config "$tmp/notype.json" >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 1 ] && grep -q "factor-without-type" "$tmp/out" && ok || bad "lint factor without type (rc $rc)"
"$bin" lint --method yarn --factor 8 --beta-fast 1 --beta-slow 32 >"$tmp/out" 2>&1
[ $? -eq 1 ] && grep -qi "beta" "$tmp/out" && ok || bad "lint beta_fast <= beta_slow from flags"
"$bin" lint --preset llama-2-7b >"$tmp/out" 2>&1 && ok || bad "lint of a clean preset: $(cat "$tmp/out")"
"$bin" lint --json --preset deepseek-v3 >"$tmp/l.json" 2>&1
$py -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/l.json" && ok || bad "lint --json parses"

finish config_cli
