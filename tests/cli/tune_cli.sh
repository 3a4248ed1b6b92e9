#!/usr/bin/env bash
# tests/cli/tune_cli.sh — the engineer's guard rails from the command line: a factor > 1 with method none
# warns once on stderr wherever it happens (and not where a --methods list names none on purpose), the
# model commands echo the RoPE parameters they ran with (text and JSON, checked against the closed
# forms d(β) = rot·ln(L/(2πβ))/(2 ln b) and 0.1 ln s + 1), lint's rules with public sources,
# `export --merge-into` and the README's entry points (`ropescope --preset X`).
set -uo pipefail
bin=$1 src=$2
. "$src/tests/cli/lib/harness.sh"

$py -c "
import random; r = random.Random(1); w = 'the of and to in that he was for it with as his on be at by'.split()
print(' '.join(r.choice(w) for _ in range(1500)))" >"$tmp/t.txt"

# warned PATTERN ARGS... : succeeds, and stderr holds exactly one warning line containing PATTERN
warned() {
  local pat=$1; shift
  "$bin" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null || { bad "$* exited $?: $(cat "$tmp/err")"; return; }
  [ "$(grep -c 'warning:' "$tmp/err")" -eq 1 ] && grep -qF -- "$pat" "$tmp/err" && ok \
    || bad "$*: want one warning with '$pat', stderr: $(cat "$tmp/err")"
}
# quiet ARGS... : succeeds with no warning on stderr
quiet() {
  "$bin" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null || { bad "$* exited $?: $(cat "$tmp/err")"; return; }
  grep -q 'warning:' "$tmp/err" && bad "$*: unexpected warning: $(cat "$tmp/err")" || ok
}

# --- factor > 1 with method none ---
warned "ropescope freqs: warning: factor 8 (--factor) with method none" freqs --factor 8
warned "add --method yarn" curve --factor 8 --to 100 --points 5
warned "ropescope export: warning: factor 4" export --format hf --factor 4
warned "ropescope overview: warning" overview --factor 8
warned "factor 8 (--factor)" freqs --preset llama-2-7b --factor 8
warned "ropescope gen: warning: factor 4 (--factor)" gen -n 2 --temp 0 --threads 1 --factor 4 ab
warned "ropescope ppl: warning: factor 4" ppl --ctx 64 --max-chunks 1 --threads 1 --factor 4 "$tmp/t.txt"
warned "ropescope passkey: warning" passkey --lengths 200 --depths 0.5 --trials 1 --alternatives 1 --threads 1 --factor 2
printf '{"head_dim":64,"rope_theta":10000,"max_position_embeddings":4096,"rope_scaling":{"rope_type":"default","factor":8}}' >"$tmp/def.json"
warned "factor 8 ($tmp/def.json)" freqs --config "$tmp/def.json"
quiet freqs --method yarn --factor 8
quiet freqs --factor 1
quiet curve --methods none,yarn --factor 8 --to 100 --points 5
quiet ppl --ctx-list 64 --methods none,yarn --max-chunks 1 --threads 1 --factor 4 "$tmp/t.txt"
quiet compare --methods none,yarn --ctx 512 --max-chunks 1 --trials 0 -n 0 --threads 1 --factor 2 "$tmp/t.txt"
# a usage error still names the problem (the warning, when given, is a separate line)
usage_error "factor 0.5 is below 1" freqs --factor 0.5

# --- the echo of the effective RoPE parameters ---
# closed forms for the embedded model (head_dim 64, base 10000, L 512): d(32) = 3.2475, d(1) = 15.2887
has "rope: method yarn (hf), factor 4, L 512, base 10000, beta_fast 32, beta_slow 1, correction range pairs 3-16 (d = 3.25-15.29), magnitude 1.1386" \
    ppl --ctx 64 --max-chunks 1 --threads 1 --method yarn --factor 4 "$tmp/t.txt"
has "rope at 200 tokens: method yarn (hf), factor 2," passkey --lengths 200 --depths 0.5 --trials 1 --alternatives 1 \
    --threads 1 --method yarn --factor 2
has "method linear (hf), factor 2, L 512, base 10000, magnitude 1.0000" compare --methods none,linear --ctx 1024 \
    --max-chunks 1 --trials 0 -n 0 --threads 1 "$tmp/t.txt"
"$bin" gen -n 2 --temp 0 --threads 1 --method yarn --factor 8 --beta-fast 16 ab >/dev/null 2>"$tmp/err" \
  && grep -qF "gen: rope method yarn (hf), factor 8, L 512, base 10000, beta_fast 16, beta_slow 1" "$tmp/err" && ok \
  || bad "gen echo: $(cat "$tmp/err")"
chk_rope() {  # python: the "rope" objects in JSON $1 (a path expression) match the closed forms
  $py - "$1" "$2" <<'PY'
import json, math, sys
o = json.loads(sys.argv[1])
ropes = eval(sys.argv[2], {}, {'o': o})
def d(beta, rot=64, L=512, b=10000.0): return rot * math.log(L / (2 * math.pi * beta)) / (2 * math.log(b))
for r in ropes:
    assert r['orig_ctx'] == 512 and r['base'] == 10000, r
    if r['method'] in ('yarn', 'ntk-parts', 'dynamic-yarn'):
        lo, hi = r['correction_range_raw']
        assert abs(lo - d(r['beta_fast'])) < 1e-9 and abs(hi - d(r['beta_slow'])) < 1e-9, r
        assert r['correction_range'] == [math.floor(lo), math.ceil(hi)], r
    if r['method'] == 'yarn':
        assert abs(r['magnitude'] - (0.1 * math.log(r['factor']) + 1)) < 1e-12, r
        assert abs(r['logit_scale'] - r['magnitude'] ** 2) < 1e-12, r
    if r['method'] in ('none', 'linear'):
        assert r['magnitude'] == 1, r
PY
}
out=$("$bin" ppl --ctx 64 --max-chunks 1 --threads 1 --method yarn --factor 8 --beta-fast 16 --json "$tmp/t.txt" 2>"$tmp/err")
chk_rope "$out" "[o['rope']]" && ok || bad "ppl --json rope: $out"
out=$("$bin" ppl --ctx-list 64,1024 --methods none,yarn,linear --max-chunks 1 --threads 1 --json "$tmp/t.txt" 2>"$tmp/err")
chk_rope "$out" "[p['rope'] for p in o['points']] if all(p['rope']['factor'] == max(1, p['ctx'] / 512) for p in o['points'] if p['method'] != 'none') else None" \
  && ok || bad "ppl sweep --json rope: $out"
out=$("$bin" passkey --lengths 200 --depths 0.5 --trials 1 --alternatives 1 --threads 1 --method yarn --factor 2 --json 2>"$tmp/err")
chk_rope "$out" "[o['rope']]" && ok || bad "passkey --json rope: $out"
out=$("$bin" compare --methods none,yarn --ctx 1024 --max-chunks 1 --trials 0 -n 0 --threads 1 --json "$tmp/t.txt" 2>"$tmp/err")
chk_rope "$out" "[m['rope'] for m in o['methods']] if o['methods'][1]['rope']['factor'] == 2 else None" && ok \
  || bad "compare --json rope: $out"
out=$("$bin" gen -n 3 --temp 0 --threads 1 --method yarn --factor 4 --json ab 2>"$tmp/err")
chk_rope "$out" "[o['rope']] if o['tokens'] == 3 and len(o['text']) == 3 and o['prompt'] == 'ab' else None" && ok \
  || bad "gen --json: $out"

# --- lint: the new rules with their public sources, a bare fragment, "did you mean" ---
printf '{"rope_scaling":{"rope_type":"yarn","factor":8,"original_max_position_embeddings":4096,"attention_factor":1.0,"extrapolation_factor":0.5}}' >"$tmp/frag.json"
"$bin" lint --config "$tmp/frag.json" --preset llama-2-7b >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 1 ] && grep -qF "lint $tmp/frag.json (the rest from preset llama-2-7b)" "$tmp/out" && ok || bad "lint fragment + preset (rc $rc): $(cat "$tmp/out" "$tmp/err")"
grep -qF "attention-factor-one: attention_factor 1.0 switches YaRN's temperature off: at factor 8 it is 0.1 ln s + 1 = 1.2079" "$tmp/out" && ok || bad "attention-factor-one: $(cat "$tmp/out")"
grep -qF "see: YaRN, arXiv 2309.00071" "$tmp/out" && ok || bad "lint cites the YaRN paper: $(cat "$tmp/out")"
grep -qF "extrapolation-factor: extrapolation_factor 0.5" "$tmp/out" && ok || bad "extrapolation-factor: $(cat "$tmp/out")"
! grep -q "pain #" "$tmp/out" && ok || bad "lint cites an internal number: $(cat "$tmp/out")"
out=$("$bin" lint --config "$tmp/frag.json" --head-dim 128 --base 500000 --json 2>"$tmp/err")
$py - "$out" <<'PY' && ok || bad "lint fragment + flags --json: $out"
import json, sys
o = json.loads(sys.argv[1])
assert 'head_dim 128, rope_theta 500000' in o['source'], o['source']
rules = {f['rule']: f for f in o['findings']}
assert {'attention-factor-one', 'extrapolation-factor'} <= set(rules), rules.keys()
assert all(f['see'] for f in o['findings']), o
PY
printf '{"head_dim":128,"rope_theta":10000,"max_position_embeddings":16384,"rope_scaling":{"rope_type":"YaRN","factor":4,"original_max_position_embeddings":4096}}' >"$tmp/case.json"
usage_error 'did you mean "yarn"?' lint --config "$tmp/case.json"
printf '{"head_dim":128,"rope_scaling":{"type":"lineaer","factor":4}}' >"$tmp/typo.json"
usage_error 'did you mean "linear"?' freqs --config "$tmp/typo.json"

# --- export --merge-into: a patched copy of a real config, never a silent overwrite ---
cat >"$tmp/config.json" <<'JSON'
{
  "architectures": [
    "LlamaForCausalLM"
  ],
  "bos_token_id": 1,
  "hidden_size": 4096,
  "initializer_range": 0.02,
  "max_position_embeddings": 4096,
  "model_type": "llama",
  "num_attention_heads": 32,
  "num_hidden_layers": 32,
  "rms_norm_eps": 1e-05,
  "rope_scaling": null,
  "rope_theta": 10000.0,
  "torch_dtype": "float16",
  "vocab_size": 32000
}
JSON
cp "$tmp/config.json" "$tmp/orig.json"
"$bin" export --merge-into "$tmp/config.json" --method yarn --factor 4 --output "$tmp/new.json" 2>"$tmp/err" \
  && grep -qF "wrote $tmp/new.json" "$tmp/err" && ok || bad "merge-into --output: $(cat "$tmp/err")"
$py - "$tmp/orig.json" "$tmp/new.json" <<'PY' && ok || bad "merge-into: keys, order or values changed: $(cat "$tmp/new.json")"
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
assert list(a) == list(b), (list(a), list(b))                     # the same keys in the same order
for k in a:
    if k not in ('rope_scaling', 'max_position_embeddings'):
        assert a[k] == b[k] and type(a[k]) == type(b[k]), k          # every other key untouched
rs = b['rope_scaling']
assert rs['rope_type'] == 'yarn' and rs['factor'] == 4.0 and rs['original_max_position_embeddings'] == 4096, rs
assert b['max_position_embeddings'] == 4 * 4096, b                 # s·L
# bytes outside the patched values are the original's (e.g. 1e-05 and 10000.0 keep their spelling)
t = open(sys.argv[2]).read()
assert '"rms_norm_eps": 1e-05,' in t and '"rope_theta": 10000.0,' in t and t.endswith('}\n'), t
PY
"$bin" export --merge-into "$tmp/config.json" --method yarn --factor 4 --output "$tmp/config.json" >"$tmp/out" 2>"$tmp/err"
[ $? -ne 0 ] && grep -qF "exists; confirm (--force)" "$tmp/err" && cmp -s "$tmp/config.json" "$tmp/orig.json" && ok \
  || bad "merge-into over its own config without --force: $(cat "$tmp/err")"
"$bin" export --merge-into "$tmp/config.json" --method linear --factor 2 --output "$tmp/config.json" --force 2>/dev/null \
  && $py -c "import json,sys; c = json.load(open(sys.argv[1])); assert c['rope_scaling']['rope_type'] == 'linear' and c['max_position_embeddings'] == 8192, c" "$tmp/config.json" \
  && ok || bad "merge-into --force: $(cat "$tmp/config.json")"
# stdout by default; the linear serving context is s·L as the help says (also for a preset)
has '"factor": 8.0' export --merge-into "$tmp/orig.json" --method linear --factor 8
has "--max-model-len 16384" export --preset llama-2-7b --method linear --factor 4 --format vllm
# a v5 config keeps its spelling; a multimodal config is patched in text_config
printf '{"head_dim": 64, "max_position_embeddings": 2048, "rope_parameters": {"rope_type": "default", "rope_theta": 10000.0}, "extra": [1, 2]}\n' >"$tmp/v5.json"
out=$("$bin" export --merge-into "$tmp/v5.json" --method yarn --factor 2 2>/dev/null)
$py - "$out" <<'PY' && ok || bad "merge-into v5: $out"
import json, sys
c = json.loads(sys.argv[1])
assert 'rope_scaling' not in c and c['rope_parameters']['rope_type'] == 'yarn' and c['extra'] == [1, 2], c
assert list(c)[:2] == ['head_dim', 'max_position_embeddings'], list(c)
PY
printf '{"model_type": "mm", "text_config": {"hidden_size": 512, "num_attention_heads": 8, "max_position_embeddings": 1024}, "vision_config": {"x": 1}}\n' >"$tmp/mm.json"
out=$("$bin" export --merge-into "$tmp/mm.json" --method yarn --factor 4 2>/dev/null)
$py - "$out" <<'PY' && ok || bad "merge-into text_config: $out"
import json, sys
c = json.loads(sys.argv[1])
t = c['text_config']
assert 'rope_scaling' not in c and t['rope_scaling']['factor'] == 4.0 and t['max_position_embeddings'] == 4096, c
assert 'head_dim' not in t and c['vision_config'] == {'x': 1}, c
PY
usage_error "use --format hf or hf-v5" export --merge-into "$tmp/orig.json" --method yarn --factor 2 --format vllm
usage_error "cannot open" export --merge-into "$tmp/missing.json" --method yarn --factor 2

# --- `ropescope --preset X` (flags without a command) opens the explorer with them ---
a=$("$bin" --preset llama-2-7b --method yarn --factor 8 --snapshot --size 120x40 2>&1)
b=$("$bin" tui --preset llama-2-7b --method yarn --factor 8 --snapshot --size 120x40 2>&1)
[ -n "$a" ] && [ "$a" = "$b" ] && grep -qF "preset llama-2-7b" <<<"$a" && grep -qF "factor 8" <<<"$a" && ok \
  || bad "ropescope --preset ... --snapshot differs from tui: $a"
usage_error "ropescope tui: unknown argument '--bogus'" --bogus
"$bin" --help | grep -qF "flags without a command go to it" && ok || bad "--help does not say flags open the explorer"

finish tune_cli
