#!/usr/bin/env bash
# tests/cli/parity_cli.sh — `ropescope parity`: each real difference between transformers, llama.cpp and
# vLLM is shown with its cause (gpt-oss-20b, deepseek-v3, a DeepSeek-style config with only
# mscale_all_dim, dynamic NTK, LongRoPE, Ministral 3), the numbers match closed forms and the
# independent reference in tests/ref, --strict exits 1 on disagreement and 0 on plain Llama-2, and bad
# configs give one line and exit 2.
set -uo pipefail
bin=$1 src=$2
. "$src/tests/cli/lib/harness.sh"

# strict_rc WANT ARGS... : `parity --strict ARGS` exits WANT
strict_rc() {
  local want=$1; shift
  "$bin" parity --strict "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
  [ $rc -eq "$want" ] && ok || bad "parity --strict $* exited $rc, want $want: $(cat "$tmp/err")"
}

# pycheck DESCRIPTION JSONFILE CODE : python CODE with o = the JSON, math and ref modules, exits 0
pycheck() {
  local what=$1 file=$2 code=$3
  PYTHONPATH="$src/tests/ref" $py -c "
import json, math, sys
import numpy as np
import hf_rope_ref as hf, vllm_rope_ref as vl
o = json.load(open('$file'))
def rel(a, b): return float(np.max(np.abs(np.asarray(a) - np.asarray(b)) / np.abs(np.asarray(b))))
$code
" && ok || bad "$what"
}

cat >"$tmp/ds_all_dim.json" <<'J'
{"model_type": "deepseek_v3", "qk_rope_head_dim": 64, "num_attention_heads": 128, "hidden_size": 7168,
 "max_position_embeddings": 163840, "rope_theta": 10000,
 "rope_scaling": {"type": "yarn", "factor": 40, "original_max_position_embeddings": 4096, "beta_fast": 32,
                  "beta_slow": 1, "mscale_all_dim": 1.0}}
J
cat >"$tmp/dynamic.json" <<'J'
{"model_type": "llama", "head_dim": 128, "num_attention_heads": 32, "max_position_embeddings": 4096,
 "rope_theta": 10000, "rope_scaling": {"rope_type": "dynamic", "factor": 4.0}}
J

# --- gpt-oss-20b: truncate false against llama.cpp's rounding ---------------------------------------
has "llamacpp != hf: inv_freq up to 76" parity --preset gpt-oss-20b
has "always floors/ceils the correction range" parity --preset gpt-oss-20b
has "vllm-project/vllm#27722" parity --preset gpt-oss-20b
strict_rc 1 --preset gpt-oss-20b
"$bin" parity --json --preset gpt-oss-20b >"$tmp/g.json" || bad "parity --json gpt-oss"
pycheck "gpt-oss: JSON keys, llama.cpp = the rounded range, vLLM = transformers" "$tmp/g.json" '
assert set(["hf", "llamacpp", "vllm", "agree"]) <= set(o) and o["agree"] is False
for f in ("hf", "llamacpp", "vllm"): assert "inv_freq" in o[f] and "attention_factor" in o[f]
unrounded, _ = hf.yarn(150000, 64, 4096, 32, 32, 1, False)
rounded, _ = hf.yarn(150000, 64, 4096, 32, 32, 1, True)
assert rel(o["hf"]["inv_freq"], unrounded) < 1e-6 and rel(o["vllm"]["inv_freq"], unrounded) < 1e-6
assert rel(o["llamacpp"]["inv_freq"], rounded) < 1e-6
d = np.abs(np.asarray(rounded, float) - np.asarray(unrounded, float)) / np.asarray(unrounded, float)
assert abs(o["llamacpp"]["max_rel_vs_hf"] - d.max()) < 1e-5 and o["llamacpp"]["max_rel_pair"] == int(d.argmax()) == 17
assert abs(o["hf"]["attention_factor"] - (0.1 * math.log(32) + 1)) < 1e-12
'

# --- deepseek-v3: all three agree (cos/sin 1, softmax x get_mscale(40, 1)^2) ---------------------------
"$bin" parity --json --preset deepseek-v3 >"$tmp/d.json" || bad "parity --json deepseek-v3"
pycheck "deepseek-v3: magnitude 1 and softmax (0.1 ln 40 + 1)^2 in every engine" "$tmp/d.json" '
m2 = (0.1 * math.log(40) + 1) ** 2
for f in ("hf", "llamacpp", "vllm"):
    assert abs(o[f]["attention_factor"] - 1.0) < 1e-12, f
    assert abs(o[f]["softmax_multiplier"] - m2) < 1e-9 and abs(o[f]["logit_multiplier"] - m2) < 1e-9, f
inv, _ = vl.deepseek_yarn(1e4, 64, 4096, 40, mscale=1.0, mscale_all_dim=1.0)
assert rel(o["vllm"]["inv_freq"], inv) < 1e-6 and o["agree"] is True
'
has "DeepseekScaling" parity --preset deepseek-v3
strict_rc 0 --preset deepseek-v3

# --- a DeepSeek-style config with only mscale_all_dim: transformers 1.3689, vLLM and llama.cpp 1.0 ------
has "vllm != hf: magnitude 1.0000 vs 1.3689" parity --config "$tmp/ds_all_dim.json"
has "vLLM's DeepSeek class uses get_mscale(s, mscale=1)/get_mscale(s, mscale_all_dim=1)" parity --config "$tmp/ds_all_dim.json"
has "vllm != hf: magnitude 1.00 vs 1.37" parity --config "$tmp/ds_all_dim.json"
strict_rc 1 --config "$tmp/ds_all_dim.json"
"$bin" parity --json --config "$tmp/ds_all_dim.json" >"$tmp/da.json"
pycheck "mscale_all_dim only: the three magnitudes" "$tmp/da.json" '
assert abs(o["hf"]["attention_factor"] - (0.1 * math.log(40) + 1)) < 1e-12
_, v = vl.deepseek_yarn(1e4, 64, 4096, 40, mscale_all_dim=1.0)
assert abs(o["vllm"]["attention_factor"] - v) < 1e-12 and abs(v - 1.0) < 1e-12
assert abs(o["llamacpp"]["attention_factor"] - 1.0) < 1e-12 and o["agree"] is False
assert [d["engine"] for d in o["differences"]] == ["vllm", "llamacpp"]
'

# --- dynamic NTK: transformers rescales with the length, vLLM builds one base, llama.cpp none ----------
has "served length 16384" parity --config "$tmp/dynamic.json"
has "vLLM builds dynamic NTK once at start-up with base 10000" parity --config "$tmp/dynamic.json"
has "llama.cpp has no dynamic NTK" parity --config "$tmp/dynamic.json"
has "vLLM before PR #41277" parity --config "$tmp/dynamic.json"
strict_rc 1 --config "$tmp/dynamic.json"
"$bin" parity --json --config "$tmp/dynamic.json" >"$tmp/n.json"
pycheck "dynamic: HF at 16384 tokens vs the static engines, equal at L" "$tmp/n.json" '
h, _ = hf.dynamic(1e4, 128, 4096, 4.0, 16384)
v, _ = vl.dynamic(1e4, 128, 4096, 4.0)
assert rel(o["hf"]["inv_freq"], h) < 1e-6 and rel(o["vllm"]["inv_freq"], v) < 1e-6
assert rel(o["llamacpp"]["inv_freq"], hf.default_inv(1e4, 128)) < 1e-6
assert rel(o["hf"]["short"]["inv_freq"], v) < 1e-6 and o["prompt_length"] == 4096
'

# --- LongRoPE: the served length picks the long factors for every prompt in vLLM and llama.cpp --------
has "vllm != hf at 4096 tokens: inv_freq up to" parity --preset phi-3-mini-128k
has "picks the long factors once from the served length 131072" parity --preset phi-3-mini-128k
strict_rc 1 --preset phi-3-mini-128k
strict_rc 0 --preset phi-3-mini-128k --max-model-len 4096

# --- a factor-16 YaRN with mscale = mscale_all_dim = 1 (issue: 1.2773 vs 1.0) -------------------------
has "llamacpp != hf: magnitude 1.2773 vs 1.0000" parity --preset ministral-3-8b
has "vllm-project/vllm#48621" parity --preset ministral-3-8b
has "not modelled by ropescope" parity --preset ministral-3-8b
has "llama_4_scaling_beta=0.1" parity --preset ministral-3-8b
has "no_rope_layers[48: 12 NoPE]" parity --preset llama-4-scout
has "rope_local_base_freq=10000" parity --preset gemma-3-27b

# --- agreement -----------------------------------------------------------------------------------------
strict_rc 0 --preset llama-2-7b
has "engines agree" parity --preset llama-2-7b
strict_rc 0 --method yarn --factor 8 --orig-ctx 4096 --max-pos 32768 --head-dim 128
"$bin" parity --json --preset llama-2-7b >"$tmp/l.json"
pycheck "llama-2: agree true, inv_freq = b^(-2i/d)" "$tmp/l.json" '
assert o["agree"] is True and o["differences"] == []
want = [1e4 ** (-2 * i / 128) for i in range(64)]
for f in ("hf", "llamacpp", "vllm"): assert rel(o[f]["inv_freq"], want) < 1e-12 and o[f]["attention_factor"] == 1
'
"$bin" parity --preset llama-2-7b --json >/dev/null && ok || bad "no --strict: exit 0"

# --- bad configs: one line, exit 2 ------------------------------------------------------------------------
printf '{"head_dim": 128, "max_position_embeddings": 4096, "rope_scaling": {"rope_type": "linear"}}' >"$tmp/nofactor.json"
usage_error "factor is missing" parity --config "$tmp/nofactor.json"
printf '{"head_dim": 128, "max_position_embeddings": 4096, "rope_scaling": {"rope_type": "warp", "factor": 2}}' >"$tmp/unknown.json"
usage_error "is unknown" parity --config "$tmp/unknown.json"
printf '{"head_dim": 128, "max_position_embeddings": 4096, "rope_scaling": {"rope_type": "yarn", "type": "linear", "factor": 2}}' >"$tmp/contra.json"
usage_error "contradictory keys: rope_type" parity --config "$tmp/contra.json"
printf '{"head_dim": 128, "max_position_embeddings": 8192, "original_max_position_embeddings": 4096, "rope_scaling": {"rope_type": "yarn", "factor": 2, "original_max_position_embeddings": 2048}}' >"$tmp/contra2.json"
usage_error "contradictory keys: original_max_position_embeddings" parity --config "$tmp/contra2.json"
printf '{"max_position_embeddings": 4096}' >"$tmp/nohead.json"
usage_error "head_dim is missing" parity --config "$tmp/nohead.json"
usage_error "unknown argument" parity --preset llama-2-7b --bogus
usage_error "--max-model-len" parity --preset llama-2-7b --max-model-len 0

# --- the vllm flavor in freqs keeps the JSON keys -----------------------------------------------------------
"$bin" freqs --json --flavor vllm --preset deepseek-v3 >"$tmp/f.json"
pycheck "freqs --flavor vllm --json" "$tmp/f.json" 'assert o["flavor"] == "vllm" and "inv_freq" in o and o["attention_factor"] == 1.0'

# --- the explorer: status line and the parity view (P) -------------------------------------------------------
has "engines agree" tui --snapshot --size 160x48 --preset llama-2-7b
has "vllm != hf: magnitude 1.00 vs 1.37" tui --snapshot --size 160x48 --config "$tmp/ds_all_dim.json"
has "engine parity: hf / llamacpp / vllm" tui --snapshot --size 160x48 --preset ministral-3-8b --keys P
has "llamacpp != hf: magnitude 1.2773 vs 1.0000" tui --snapshot --size 160x48 --preset ministral-3-8b --keys P
"$bin" tui --snapshot --size 160x48 --preset ministral-3-8b --keys 'P<Esc>' >"$tmp/s.txt" 2>&1
! grep -qF "engine parity:" "$tmp/s.txt" && ok || bad "Esc closes the parity view"
has "flavor vllm" tui --snapshot --size 160x48 --preset llama-2-7b --keys ff

# --- lint names the engines ---------------------------------------------------------------------------------
# lint_has PATTERN ARGS... : `lint ARGS` prints PATTERN (lint exits 1 when a warning fires)
lint_has() {
  local pat=$1; shift
  "$bin" lint "$@" >"$tmp/out" 2>&1; local rc=$?
  [ $rc -le 1 ] && grep -qF -- "$pat" "$tmp/out" && ok || bad "lint $*: rc $rc, missing '$pat'"
}
lint_has "engine-mscale-ignored: mscale 1 / mscale_all_dim 1: transformers runs magnitude 1.0000" --preset ministral-3-8b
lint_has "engine-dynamic-ntk" --config "$tmp/dynamic.json"
lint_has "engine-vllm-beta-zero" --method yarn --factor 8 --beta-fast 0
lint_has "engine-llama4-temperature" --preset llama-4-scout
lint_has "not-modelled" --preset gemma-3-27b

finish parity_cli
