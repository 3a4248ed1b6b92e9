#!/usr/bin/env bash
# tests/cli/eval_cli.sh — ppl --sweep, passkey and compare from the command line on a tiny random llama
# GGUF (written below with plain struct packing): the JSON has the promised shape and obeys the factor
# rule, a position-blind model scores the same under every method, and bad input (missing model, bad
# or oversized lengths, unknown methods) gives one error line and exit 2.
set -uo pipefail
bin=$1 src=$2
. "$src/tests/cli/lib/harness.sh"

# mk.py PATH BLIND: d_model 32, 2 heads of 16 (1 kv head), 1 layer, ffn 48, trained context 64, byte vocab.
# BLIND=1 zeroes the attention output, so no position reaches the logits.
cat >"$tmp/mk.py" <<'PY'
import random, struct, sys
path, blind = sys.argv[1], sys.argv[2] == '1'
rnd = random.Random(3)
d, nh, nkv, hd, ff, V, L = 32, 2, 1, 16, 48, 256, 64
def st(x): b = x.encode(); return struct.pack('<Q', len(b)) + b
meta = []
def kv(key, typ, payload): meta.append(st(key) + struct.pack('<i', typ) + payload)
kv('general.architecture', 8, st('llama'))
kv('general.name', 8, st('eval-test'))
for k, v in (('context_length', L), ('embedding_length', d), ('block_count', 1), ('feed_forward_length', ff),
             ('attention.head_count', nh), ('attention.head_count_kv', nkv), ('rope.dimension_count', hd)):
    kv('llama.' + k, 4, struct.pack('<I', v))
kv('llama.attention.layer_norm_rms_epsilon', 6, struct.pack('<f', 1e-5))
kv('llama.rope.freq_base', 6, struct.pack('<f', 10000.0))
names = ['\u2581' if b == 32 else '<0x%02X>' % b for b in range(V)]
kv('tokenizer.ggml.model', 8, st('llama'))
kv('tokenizer.ggml.tokens', 9, struct.pack('<iQ', 8, V) + b''.join(st(t) for t in names))
kv('tokenizer.ggml.token_type', 9, struct.pack('<iQ', 5, V) + b''.join(struct.pack('<i', 1 if b == 32 else 6) for b in range(V)))
shapes = [('token_embd.weight', (d, V)), ('output_norm.weight', (d,)), ('output.weight', (d, V)),
          ('blk.0.attn_norm.weight', (d,)), ('blk.0.attn_q.weight', (d, nh * hd)), ('blk.0.attn_k.weight', (d, nkv * hd)),
          ('blk.0.attn_v.weight', (d, nkv * hd)), ('blk.0.attn_output.weight', (nh * hd, d)),
          ('blk.0.ffn_norm.weight', (d,)), ('blk.0.ffn_gate.weight', (d, ff)), ('blk.0.ffn_up.weight', (d, ff)),
          ('blk.0.ffn_down.weight', (ff, d))]
info, data = b'', b''
for name, ne in shapes:
    cnt = 1
    for x in ne: cnt *= x
    if len(ne) == 1: vals = [1.0] * cnt
    elif blind and name == 'blk.0.attn_output.weight': vals = [0.0] * cnt
    else: vals = [rnd.uniform(-0.4, 0.4) for _ in range(cnt)]
    raw = struct.pack('<%df' % cnt, *vals)
    info += st(name) + struct.pack('<I', len(ne)) + b''.join(struct.pack('<q', x) for x in ne) + struct.pack('<iQ', 0, len(data))
    data += raw + b'\0' * (-len(raw) % 32)
head = b'GGUF' + struct.pack('<I', 3) + struct.pack('<qq', len(shapes), len(meta)) + b''.join(meta) + info
open(path, 'wb').write(head + b'\0' * (-len(head) % 32) + data)
PY
$py "$tmp/mk.py" "$tmp/m.gguf" 0 || { echo "FAIL: python writer"; exit 1; }
$py "$tmp/mk.py" "$tmp/blind.gguf" 1
$py -c "import random; r=random.Random(2); print(''.join(r.choice('the sky is blue. ') for _ in range(2200)))" >"$tmp/t.txt"
M=(--model "$tmp/m.gguf" --threads 1)

# --- ppl sweep ---
out=$("$bin" ppl "${M[@]}" --sweep --methods none,linear,ntk,dynamic,yarn,dynamic-yarn,ntk-parts --max-chunks 1 \
      --per-position --segments 4 --json "$tmp/t.txt" 2>"$tmp/err") && ok || bad "ppl --sweep: $(cat "$tmp/err")"
$py - "$out" <<'PY' && ok || bad "ppl --sweep json: $out"
import json, sys
o = json.loads(sys.argv[1])
assert o['ctx'] == [32, 64, 128, 256, 512, 1024] and o['factor_rule'] == 'matched' and o['ctx_train'] == 64, o
pts = o['points']; assert len(pts) == 7 * 6
for p in pts:
    assert p['chunks'] == 1024 // p['ctx'] and p['ppl'] > 1, p   # the same span of text at every length
    if p['method'] in ('linear', 'ntk', 'yarn', 'ntk-parts'):
        assert p['factor'] == max(1, p['ctx'] / 64), p
# at lengths <= L the matched factor is 1: the static methods are plain RoPE
none = {p['ctx']: p['ppl'] for p in pts if p['method'] == 'none'}
for p in pts:
    if p['ctx'] <= 64 and p['method'] in ('linear', 'ntk', 'dynamic'):
        assert abs(p['ppl'] / none[p['ctx']] - 1) < 1e-5, p
pp = o['per_position']
assert pp['ctx'] == 1024 and pp['segments'] == 4 and len(pp['loss']['yarn']) == 4, pp
PY
has "factor: fixed 8 for every method" ppl "${M[@]}" --ctx-list 32,64 --methods none,yarn --factor 8 --max-chunks 1 "$tmp/t.txt"
has "factor: s = max(1, ctx/64)" ppl "${M[@]}" --ctx-list 64,128 --methods none,yarn --max-chunks 2 --score all "$tmp/t.txt"
has "mean loss (nats/token) by position at ctx 128" ppl "${M[@]}" --ctx-list 64,128 --per-position --max-chunks 1 "$tmp/t.txt"
# --block: a static method scores the same fed in blocks; a dynamic one re-scales per call and differs
a=$("$bin" ppl "${M[@]}" --ctx-list 256 --methods yarn,dynamic-yarn --max-chunks 2 --json "$tmp/t.txt" 2>&1)
b=$("$bin" ppl "${M[@]}" --ctx-list 256 --methods yarn,dynamic-yarn --max-chunks 2 --block 32 --json "$tmp/t.txt" 2>&1)
$py - "$a" "$b" <<'PY' && ok || bad "--block: $a $b"
import json, sys
a, b = (json.loads(x) for x in sys.argv[1:3])
assert b['block'] == 32
pa, pb = ([p['ppl'] for p in o['points']] for o in (a, b))
assert abs(pa[0] / pb[0] - 1) < 1e-4 and abs(pa[1] / pb[1] - 1) > 1e-6, (pa, pb)
PY
# the single-context form is unchanged
has "Final estimate: PPL = " ppl "${M[@]}" --ctx 64 "$tmp/t.txt"
# a position-blind model: every method, the same perplexity at every length
out=$("$bin" ppl --model "$tmp/blind.gguf" --threads 1 --ctx-list 32,256 --methods none,linear,ntk,dynamic,yarn,dynamic-yarn \
      --max-chunks 2 --json "$tmp/t.txt" 2>"$tmp/err") && ok || bad "ppl blind: $(cat "$tmp/err")"
$py - "$out" <<'PY' && ok || bad "blind model: methods differ: $out"
import json, sys
o = json.loads(sys.argv[1])
ref = {p['ctx']: p['ppl'] for p in o['points'] if p['method'] == 'none'}
assert all(abs(p['ppl'] / ref[p['ctx']] - 1) < 1e-9 for p in o['points']), o['points']
PY

# --- passkey ---
out=$("$bin" passkey "${M[@]}" --lengths 200,300 --depths 0,1 --trials 2 --alternatives 3 --method yarn --factor 4 \
      --json 2>"$tmp/err") && ok || bad "passkey: $(cat "$tmp/err")"
$py - "$out" <<'PY' && ok || bad "passkey json: $out"
import json, sys
o = json.loads(sys.argv[1])
assert o['method'] == 'yarn' and o['factor'] == 4 and o['alternatives'] == 3 and len(o['cells']) == 4, o
for c in o['cells']:
    assert c['trials'] == 2 and len(c['trial']) == 2, c
    for t in c['trial']:
        assert 10000 <= t['key'] <= 99999 and t['lp_true'] < 0 and 1 <= t['rank'] <= 4 and len(t['gen']) == 6, t
        assert t['lp_correct'] == (t['lp_true'] > t['lp_best_alt']), t
PY
a=$("$bin" passkey "${M[@]}" --lengths 200 --depths 0.5 --trials 2 --seed 9 2>/dev/null)
b=$("$bin" passkey "${M[@]}" --lengths 200 --depths 0.5 --trials 2 --seed 9 2>/dev/null)
[ -n "$a" ] && [ "$a" = "$b" ] && ok || bad "passkey with one seed differs between runs"
grep -q "^accuracy: log-prob" <<<"$a" && ok || bad "passkey text: $a"
has "filler $tmp/t.txt" passkey "${M[@]}" --lengths 220 --depths 0.5 --trials 1 --filler "$tmp/t.txt"

# --- compare ---
out=$("$bin" compare "${M[@]}" --methods none,yarn,dynamic --ctx 256 --max-chunks 1 --trials 2 -n 8 --segments 4 \
      --json "$tmp/t.txt" 2>"$tmp/err") && ok || bad "compare: $(cat "$tmp/err")"
$py - "$out" <<'PY' && ok || bad "compare json: $out"
import json, sys
o = json.loads(sys.argv[1])
assert o['ctx'] == 256 and [m['method'] for m in o['methods']] == ['none', 'yarn', 'dynamic'], o
for m in o['methods']:
    assert len(m['segment_loss']) == 4 and len(m['continuation']) == 8 and m['passkey']['trials'] == 2, m
    assert [s['ctx'] for s in m['short_context']] == [32, 64], m
assert o['methods'][1]['factor'] == 4
none = o['methods'][0]
assert all(abs(s['change']) < 1e-12 for s in none['short_context']), none
PY
has "greedy continuation" compare "${M[@]}" --methods none,linear --ctx 200 --max-chunks 1 --trials 1 -n 4 --prompt "the sky" "$tmp/t.txt"

# --- bad input: one line, exit 2 ---
usage_error "cannot open" ppl --model "$tmp/none.gguf" --sweep "$tmp/t.txt"
usage_error "cannot open" passkey --model "$tmp/none.gguf"
usage_error "cannot open" compare --model "$tmp/none.gguf" "$tmp/t.txt"
usage_error "--ctx-list: 'abc' is not a whole number" ppl "${M[@]}" --ctx-list 64,abc "$tmp/t.txt"
usage_error "--ctx-list: empty item" ppl "${M[@]}" --ctx-list 64,,128 "$tmp/t.txt"
usage_error "--lengths: 100 is out of range" passkey "${M[@]}" --lengths 100
usage_error "--lengths: 'x' is not a whole number" passkey "${M[@]}" --lengths 300,x
usage_error "--depths: 1.5 is out of range" passkey "${M[@]}" --depths 0,1.5
usage_error "unknown method 'rope9'" ppl "${M[@]}" --sweep --methods none,rope9 "$tmp/t.txt"
usage_error "length 4096 needs at least 4096" ppl "${M[@]}" --ctx-list 64,4096 "$tmp/t.txt"
usage_error "--block: -1 is out of range" ppl "${M[@]}" --ctx 64 --block -1 "$tmp/t.txt"
usage_error "--sweep and --ctx-list" ppl "${M[@]}" --sweep --ctx-list 64 "$tmp/t.txt"
usage_error "longrope" ppl "${M[@]}" --ctx-list 64 --methods none,longrope "$tmp/t.txt"
# lengths beyond memory: refused before anything is allocated
usage_error "use shorter --lengths" passkey "${M[@]}" --lengths 300,16000000
usage_error "needs at least 16000000" compare "${M[@]}" --ctx 16000000 "$tmp/t.txt"
finish eval_cli
