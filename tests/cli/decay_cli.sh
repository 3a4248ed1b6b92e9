#!/usr/bin/env bash
# tests/cli/decay_cli.sh — `ropescope decay` and `bench decay` on a tiny random llama GGUF (written
# below with plain struct packing, 2 layers, GQA): the JSON has the promised shape, every curve's
# weights add up to one per query position, --mean is the mean of the heads, the FFT and direct
# paths agree in `bench decay`, and bad input (N < 2, a non-llama model, layer/head out of range, a
# text shorter than N) gives one error line and exit 2.
set -uo pipefail
bin=$1 src=$2
. "$src/tests/cli/lib/harness.sh"

# mk.py PATH ARCH: d_model 32, 4 heads of 8 (2 kv heads), 2 layers, ffn 48, trained context 64, byte vocab.
cat >"$tmp/mk.py" <<'PY'
import random, struct, sys
path, arch = sys.argv[1], sys.argv[2]
rnd = random.Random(5)
d, nh, nkv, hd, ff, V, L, nl = 32, 4, 2, 8, 48, 256, 64, 2
def st(x): b = x.encode(); return struct.pack('<Q', len(b)) + b
meta = []
def kv(key, typ, payload): meta.append(st(key) + struct.pack('<i', typ) + payload)
kv('general.architecture', 8, st(arch))
kv('general.name', 8, st('decay-test'))
for k, v in (('context_length', L), ('embedding_length', d), ('block_count', nl), ('feed_forward_length', ff),
             ('attention.head_count', nh), ('attention.head_count_kv', nkv), ('rope.dimension_count', hd)):
    kv(arch + '.' + k, 4, struct.pack('<I', v))
kv(arch + '.attention.layer_norm_rms_epsilon', 6, struct.pack('<f', 1e-5))
kv(arch + '.rope.freq_base', 6, struct.pack('<f', 10000.0))
names = ['\u2581' if b == 32 else '<0x%02X>' % b for b in range(V)]
kv('tokenizer.ggml.model', 8, st('llama'))
kv('tokenizer.ggml.tokens', 9, struct.pack('<iQ', 8, V) + b''.join(st(t) for t in names))
kv('tokenizer.ggml.token_type', 9, struct.pack('<iQ', 5, V) + b''.join(struct.pack('<i', 1 if b == 32 else 6) for b in range(V)))
shapes = [('token_embd.weight', (d, V)), ('output_norm.weight', (d,)), ('output.weight', (d, V))]
for l in range(nl):
    shapes += [('blk.%d.attn_norm.weight' % l, (d,)), ('blk.%d.attn_q.weight' % l, (d, nh * hd)),
               ('blk.%d.attn_k.weight' % l, (d, nkv * hd)), ('blk.%d.attn_v.weight' % l, (d, nkv * hd)),
               ('blk.%d.attn_output.weight' % l, (nh * hd, d)), ('blk.%d.ffn_norm.weight' % l, (d,)),
               ('blk.%d.ffn_gate.weight' % l, (d, ff)), ('blk.%d.ffn_up.weight' % l, (d, ff)),
               ('blk.%d.ffn_down.weight' % l, (ff, d))]
info, data = b'', b''
for name, ne in shapes:
    cnt = 1
    for x in ne: cnt *= x
    vals = [1.0] * cnt if len(ne) == 1 else [rnd.uniform(-0.8, 0.8) for _ in range(cnt)]
    raw = struct.pack('<%df' % cnt, *vals)
    info += st(name) + struct.pack('<I', len(ne)) + b''.join(struct.pack('<q', x) for x in ne) + struct.pack('<iQ', 0, len(data))
    data += raw + b'\0' * (-len(raw) % 32)
head = b'GGUF' + struct.pack('<I', 3) + struct.pack('<qq', len(shapes), len(meta)) + b''.join(meta) + info
open(path, 'wb').write(head + b'\0' * (-len(head) % 32) + data)
PY
$py "$tmp/mk.py" "$tmp/m.gguf" llama || { echo "FAIL: python writer"; exit 1; }
$py "$tmp/mk.py" "$tmp/gpt2.gguf" gpt2
$py -c "import random; r=random.Random(2); print(''.join(r.choice('the sky is blue. ') for _ in range(700)))" >"$tmp/t.txt"
M=(--model "$tmp/m.gguf" --threads 2)

# --- JSON: shape, weights, the factor rule ---
"$bin" decay "${M[@]}" --ctx 300 --methods none,yarn,dynamic --json "$tmp/t.txt" >"$tmp/j1" 2>"$tmp/err" && ok || bad "decay --json: $(cat "$tmp/err")"
$py - "$tmp/j1" <<'PY' && ok || bad "decay json: $(head -c 400 "$tmp/j1")"
import json, sys
o = json.load(open(sys.argv[1]))
N = 300
assert o['ctx'] == N and o['distance'] == list(range(N)) and o['ctx_train'] == 64, o.keys()
cv = o['curves']
assert len(cv) == 3 * 2 * 4, len(cv)                       # methods x layers x heads
assert [c['method'] for c in cv[::8]] == ['none', 'yarn', 'dynamic']
for c in cv:
    assert len(c['score']) == N and len(c['weight']) == N
    # every query position's softmax weights add up to 1: sum over D of W(D)·(N − D) = N
    tot = sum(w * (N - d) for d, w in enumerate(c['weight']))
    assert abs(tot - N) < 1e-3, (c['method'], c['layer'], c['head'], tot)
    assert c['weight'][0] > 0 and all(w >= 0 for w in c['weight'])
    if c['method'] == 'yarn':
        assert c['factor'] == N / 64 and c['magnitude'] > 1, c['factor']   # matched factor, YaRN's temperature
PY
# --mean is the mean over the heads of each layer
"$bin" decay "${M[@]}" --ctx 200 --layer 1 --json "$tmp/t.txt" >"$tmp/a" 2>&1
"$bin" decay "${M[@]}" --ctx 200 --layer 1 --mean --json "$tmp/t.txt" >"$tmp/b" 2>&1
"$bin" decay "${M[@]}" --ctx 200 --layer 1 --head 3 --json "$tmp/t.txt" >"$tmp/c" 2>&1
$py - "$tmp/a" "$tmp/b" "$tmp/c" <<'PY' && ok || bad "--mean/--head: $(head -c 300 "$tmp/b")"
import json, sys
a, b, c = (json.load(open(x)) for x in sys.argv[1:4])
assert [x['head'] for x in a['curves']] == [0, 1, 2, 3] and all(x['layer'] == 1 for x in a['curves'])
assert len(b['curves']) == 1 and b['curves'][0]['head'] == -1
for d in range(200):
    m = sum(x['score'][d] for x in a['curves']) / 4
    assert abs(b['curves'][0]['score'][d] - m) <= 1e-9 * (1 + abs(m)), d
assert len(c['curves']) == 1 and c['curves'][0]['head'] == 3 and c['curves'][0]['score'] == a['curves'][3]['score']
PY
has "mean attention weight at distance D:" decay "${M[@]}" --ctx 300 --method yarn --factor 4 "$tmp/t.txt"
has "D=256" decay "${M[@]}" --ctx 300 --method yarn --factor 4 "$tmp/t.txt"     # s·L = 4·64
# --- bench decay: the two paths agree ---
out=$("$bin" bench decay "${M[@]}" --ctx 256 --text "$tmp/t.txt" 2>&1) && ok || bad "bench decay: $out"
v=$(sed -n 's/.*largest |FFT - direct| \/ max|S| over every layer and head: //p' <<<"$out")
$py -c "import sys; sys.exit(0 if float('$v') < 1e-5 else 1)" && ok || bad "bench decay: paths differ by $v"

# --- bad input ---
usage_error "--ctx" decay "${M[@]}" --ctx 1 "$tmp/t.txt"
usage_error "llama" decay --model "$tmp/gpt2.gguf" --ctx 100 "$tmp/t.txt"
usage_error "--layer 2 is out of range" decay "${M[@]}" --ctx 100 --layer 2 "$tmp/t.txt"
usage_error "--head 4 is out of range" decay "${M[@]}" --ctx 100 --head 4 "$tmp/t.txt"
usage_error "needs at least 5000" decay "${M[@]}" --ctx 5000 "$tmp/t.txt"
usage_error "--ctx N is required" decay "${M[@]}" "$tmp/t.txt"
usage_error "no text file" decay "${M[@]}" --ctx 100
finish decay_cli
