#!/usr/bin/env bash
# tests/cli/model_cli.sh — gen, ppl and bench model from the command line, on a tiny llama GGUF that
# a second, independent writer (the Python below, plain struct packing) produces: the C reader must
# accept it, the commands must run any method, and bad models or prompts give one error line, exit 2.
set -uo pipefail
bin=$1 src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0 passes=0
ok()  { passes=$((passes+1)); }
bad() { echo "FAIL: $*"; fails=$((fails+1)); }

# A tiny llama GGUF: d_model 32, 2 heads (1 kv head), 1 layer, ffn 48, byte vocabulary, arch $1.
cat >"$tmp/mk.py" <<'EOF'
import random, struct, sys
path, arch = sys.argv[1], sys.argv[2]
random.seed(7)
d, nh, nkv, hd, ff, V = 32, 2, 1, 16, 48, 256
def s(x): b = x.encode(); return struct.pack('<Q', len(b)) + b
kv = []
def add(k, t, payload): kv.append(s(k) + struct.pack('<i', t) + payload)
u32 = lambda v: struct.pack('<I', v)
add('general.architecture', 8, s(arch))
for k, v in [('context_length', 64), ('embedding_length', d), ('block_count', 1), ('feed_forward_length', ff),
             ('attention.head_count', nh), ('attention.head_count_kv', nkv), ('rope.dimension_count', hd)]:
    add('llama.' + k, 4, u32(v))
add('llama.attention.layer_norm_rms_epsilon', 6, struct.pack('<f', 1e-5))
add('llama.rope.freq_base', 6, struct.pack('<f', 10000.0))
toks = ['\u2581' if b == 0x20 else '<0x%02X>' % b for b in range(V)]
add('tokenizer.ggml.model', 8, s('llama'))
add('tokenizer.ggml.tokens', 9, struct.pack('<iQ', 8, V) + b''.join(s(t) for t in toks))
add('tokenizer.ggml.token_type', 9, struct.pack('<iQ', 5, V) + b''.join(struct.pack('<i', 1 if b == 0x20 else 6) for b in range(V)))
tensors = [('token_embd.weight', [d, V]), ('output_norm.weight', [d]), ('blk.0.attn_norm.weight', [d]),
           ('blk.0.attn_q.weight', [d, nh * hd]), ('blk.0.attn_k.weight', [d, nkv * hd]),
           ('blk.0.attn_v.weight', [d, nkv * hd]), ('blk.0.attn_output.weight', [nh * hd, d]),
           ('blk.0.ffn_norm.weight', [d]), ('blk.0.ffn_gate.weight', [d, ff]), ('blk.0.ffn_up.weight', [d, ff]),
           ('blk.0.ffn_down.weight', [ff, d])]
infos, blob = b'', b''
for name, ne in tensors:
    n = 1
    for x in ne: n *= x
    data = struct.pack('<%df' % n, *[1.0 if len(ne) == 1 else random.uniform(-0.3, 0.3) for _ in range(n)])
    infos += s(name) + u32(len(ne)) + b''.join(struct.pack('<q', x) for x in ne) + struct.pack('<iQ', 0, len(blob))
    blob += data + b'\0' * (-len(data) % 32)
head = b'GGUF' + u32(3) + struct.pack('<qq', len(tensors), len(kv)) + b''.join(kv) + infos
open(path, 'wb').write(head + b'\0' * (-len(head) % 32) + blob)
EOF
python3 "$tmp/mk.py" "$tmp/m.gguf" llama || { echo "FAIL: python writer"; exit 1; }
python3 "$tmp/mk.py" "$tmp/gpt2.gguf" gpt2
python3 -c "import random; random.seed(1); print(''.join(random.choice('abc de\n') for _ in range(400)))" >"$tmp/t.txt"

one_error() {   # one_error WANT_RC PATTERN args…
  local rc_want=$1 pat=$2; shift 2
  "$bin" "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
  [ $rc -eq "$rc_want" ] || { bad "$* exited $rc, want $rc_want: $(cat "$tmp/err")"; return; }
  [ "$(wc -l <"$tmp/err")" -eq 1 ] || { bad "$*: stderr is not one line: $(cat "$tmp/err")"; return; }
  grep -qF -- "$pat" "$tmp/err" && ok || bad "$*: error '$(cat "$tmp/err")' lacks '$pat'"
}

out=$("$bin" ppl --model "$tmp/m.gguf" --ctx 32 "$tmp/t.txt" 2>"$tmp/err") && ok || bad "ppl: $(cat "$tmp/err")"
grep -q "Final estimate: PPL = " <<<"$out" && ok || bad "ppl output: $out"
out=$("$bin" ppl --model "$tmp/m.gguf" --ctx 128 --method yarn --factor 4 --json "$tmp/t.txt" 2>"$tmp/err") && ok || bad "ppl yarn: $(cat "$tmp/err")"
python3 -c "import json,sys; o=json.loads(sys.argv[1]); assert o['method']=='yarn' and o['chunks']==3 and o['ppl']>1, o" "$out" && ok || bad "ppl json: $out"
out=$("$bin" ppl --model "$tmp/m.gguf" --ctx 64 --method dynamic --factor 2 --kv rerotate --json "$tmp/t.txt" 2>"$tmp/err") && ok || bad "ppl dynamic: $(cat "$tmp/err")"
out=$("$bin" gen --model "$tmp/m.gguf" -n 12 --temp 0 "abc" 2>"$tmp/err") && ok || bad "gen: $(cat "$tmp/err")"
[ "${out:0:3}" = "abc" ] && ok || bad "gen does not echo the prompt: $out"
a=$("$bin" gen --model "$tmp/m.gguf" -n 20 --seed 5 "ab" 2>/dev/null); b=$("$bin" gen --model "$tmp/m.gguf" -n 20 --seed 5 "ab" 2>/dev/null)
[ "$a" = "$b" ] && ok || bad "gen with one seed differs between runs"

one_error 2 "architecture is 'gpt2'" ppl --model "$tmp/gpt2.gguf" --ctx 32 "$tmp/t.txt"
one_error 2 "needs at least 1000" ppl --model "$tmp/m.gguf" --ctx 500 "$tmp/t.txt"
one_error 2 "use --ctx" gen --model "$tmp/m.gguf" --ctx 4 "longer than four"
one_error 2 "--ctx N is required" ppl --model "$tmp/m.gguf" "$tmp/t.txt"
one_error 2 "cannot open" ppl --model "$tmp/none.gguf" --ctx 32 "$tmp/t.txt"
head -c 100 "$tmp/m.gguf" >"$tmp/cut.gguf"
one_error 2 "cannot fit" gen --model "$tmp/cut.gguf" "x"

# each bench target prints its own help, not the generic target list
for t in model train; do
  out=$("$bin" bench $t --help 2>&1) && grep -q "^usage: ropescope bench $t " <<<"$out" \
    && ! grep -q "^targets:" <<<"$out" && ok || bad "bench $t --help: $(head -2 <<<"$out")"
done
out=$("$bin" bench model --model "$tmp/m.gguf" --pp 32 --tg 4 --reps 1 2>"$tmp/err") && ok || bad "bench model: $(cat "$tmp/err")"
grep -q "^pp32: " <<<"$out" && grep -q "^tg4: " <<<"$out" && ok || bad "bench model output: $out"

# a shipped model by its short name (ropescope-NAME.gguf in assets/) is the same file as its path;
# a name that is neither a file nor a shipped model is one error naming it
byname=$("$bin" ppl --model tiny-yarn8 --ctx 256 --max-chunks 1 "$tmp/t.txt" 2>&1) || bad "ppl --model tiny-yarn8: $byname"
bypath=$("$bin" ppl --model "$src/assets/ropescope-tiny-yarn8.gguf" --ctx 256 --max-chunks 1 "$tmp/t.txt" 2>&1)
[ -n "$byname" ] && [ "$byname" = "$bypath" ] && ok || bad "--model tiny-yarn8 differs from its path: $byname / $bypath"
one_error 2 "nosuchmodel" ppl --model nosuchmodel --ctx 32 "$tmp/t.txt"

echo "model_cli: $passes passed, $fails failed"
[ $fails -eq 0 ]
