#!/usr/bin/env bash
# tests/cli/live_snapshot.sh — the model panel (8) seen headless: after <Wait> its perplexities at L and s·L
# equal `ropescope ppl` on the same held-out passage and parameters for every method it shows; the L
# and s·L markers sit in the columns the documented axis mapping gives from the printed axis range;
# plain RoPE's loss past L is above YaRN's (the panel's numbers, and the per-position losses of
# `ropescope ppl`); a parameter change after <Wait> shows the old numbers as stale; zoom shows every
# sub-view; a missing model, a short passage and a head_dim mismatch each give one line in the panel;
# L adds the perplexity at 2·s·L, equal to `ropescope ppl --ctx 2·s·L` (or one line when the passage
# is too short for it).
# Exits 77 when Debian's `bible` (the held-out passage) is missing.
set -uo pipefail
bin=$1 src=$2
. "$src/tests/cli/lib/harness.sh"
export LC_ALL=C.UTF-8
unset NO_COLOR COLORTERM
if ! command -v bible >/dev/null 2>&1; then
  echo "SKIP: Debian's bible-kjv is not installed; the model panel has no passage"
  exit 77
fi
snap() { "$bin" tui --snapshot --size 200x60 "$@" 2>"$tmp/err"; }

# factor 4 keeps the window short (L = 512, s·L = 2048) while plain RoPE is already far past L
snap --method yarn --factor 4 --keys '<Wait>' >"$tmp/s.txt" || bad "snapshot with <Wait> failed: $(cat "$tmp/err")"
for m in yarn:4 none:1 linear:4; do
  meth=${m%:*} f=${m#*:}
  want=""
  for ctx in 512 2048; do
    v=$("$bin" ppl --ctx $ctx --max-chunks 1 --score all --method $meth --factor $f --json 2>"$tmp/err" \
        | $py -c 'import json,sys; print("%.4f" % json.load(sys.stdin)["ppl"])') || bad "ppl $meth $ctx: $(cat "$tmp/err")"
    want="$want/$v"
  done
  want="$meth ppl ${want#/}"
  grep -qF -- "$want" "$tmp/s.txt" && ok || bad "panel lacks '$want' (ropescope ppl); it shows: $(grep -oE "$meth ppl [^ ]+" "$tmp/s.txt" | head -1)"
done

# L: the perplexity at 2·s·L = 4096 on request, in the numbers, equal to `ropescope ppl --ctx 4096`
out=$(snap --method yarn --factor 4 --keys '<Wait>L<Wait>88z') || bad "snapshot with L failed: $(cat "$tmp/err")"
row=$(grep -F "at 2sL=4096" <<<"$out" | head -1)
[ -n "$row" ] && ok || bad "the numbers lack the 2·s·L row after L"
for m in yarn:4 none:1 linear:4; do
  meth=${m%:*} f=${m#*:}
  v=$("$bin" ppl --ctx 4096 --max-chunks 1 --score all --method $meth --factor $f --json 2>"$tmp/err" \
      | $py -c 'import json,sys; print("%.4f" % json.load(sys.stdin)["ppl"])') || bad "ppl $meth 4096: $(cat "$tmp/err")"
  grep -qF -- " $v" <<<"$row" && ok || bad "2·s·L row lacks $meth's $v (ropescope ppl --ctx 4096): $row"
done
grep -qF "at 2sL" <<<"$(snap --method yarn --factor 4 --keys '<Wait>88z')" && bad "2·s·L shown without L" || ok
# a passage long enough for s·L but not for 2·s·L: one line says so
for i in $(seq 1 45); do echo "line $i of a passage long enough for s.L and too short for twice that"; done >"$tmp/mid.txt"
out=$(snap --method yarn --factor 4 --text "$tmp/mid.txt" --keys '<Wait>L<Wait>88z') || bad "mid passage: exit $?"
grep -qF "2·s·L = 4096 needs more" <<<"$out" && ok || bad "mid passage: no one-line note for 2·s·L"
grep -qE "yarn ppl [0-9.]+/[0-9.]+" <<<"$out" && ok || bad "mid passage: the s·L numbers are gone"

# `ropescope passkey --filler heldout` reads the same passage as the panel's probe (grass stays the default)
out=$("$bin" passkey --lengths 512 --depths 0.5 --trials 1 --alternatives 1 --threads 1 --filler heldout 2>"$tmp/err") \
  || bad "passkey --filler heldout: $(cat "$tmp/err")"
grep -qF "filler heldout" <<<"$out" && ok || bad "passkey --filler heldout does not name its filler: $out"
out=$("$bin" passkey --lengths 512 --depths 0.5 --trials 1 --alternatives 1 --threads 1 2>&1)
grep -qF "filler grass" <<<"$out" && ok || bad "passkey's default filler is no longer grass: $out"

# the markers and the ordering of the losses
"$bin" ppl --ctx 2048 --max-chunks 1 --score all --per-position --json --method yarn --factor 4 >"$tmp/y.json"
"$bin" ppl --ctx 2048 --max-chunks 1 --score all --per-position --json --method none >"$tmp/n.json"
$py - "$tmp/s.txt" "$tmp/y.json" "$tmp/n.json" <<'PY' && ok || bad "model panel: markers or loss ordering"
import json, math, re, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
W = max(len(l) for l in lines)
lines = [l.ljust(W) for l in lines]
top = next(y for y, l in enumerate(lines) if "8 model · loss by position" in l)
left = lines[top].rfind("╭", 0, lines[top].index("8 model"))
right = lines[top].find("╮", left)
axis = next(y for y in range(top + 1, len(lines)) if "└" in lines[y][left + 1:right])
ycol = lines[axis].index("└", left + 1)
x0 = ycol + 1
seg = lines[axis][left + 1:right]
w = (left + 1 + seg.index("┘") if "┘" in seg else right) - ycol - 1
info = lines[axis + 2][left + 1:right]
m = re.search(r"x position \[([^,\]]+), ([^\]]+)\]", info)
assert m, info
lo, hi = float(m.group(1)), float(m.group(2))
def col(v): return x0 + math.floor((v - lo) / (hi - lo) * (w - 1) + 0.5)
def marker(label):
    for y in range(top + 1, axis):
        s = lines[y][left:right]
        if "▾" + label in s: return left + s.index("▾" + label)
        if label + "▾" in s: return left + s.index(label + "▾") + len(label)
    raise SystemExit("no marker " + label)
for v, label in ((512, "L=512"), (2048, "s·L=2048")):
    assert marker(label) == col(v), (label, marker(label), col(v))
# the panel's perplexities: plain RoPE at s·L far above YaRN's, while at L they are close
ppl = {k: tuple(map(float, re.search(k + r" ppl ([0-9.]+)/([0-9.]+)", "\n".join(lines)).groups())) for k in ("yarn", "none")}
assert ppl["none"][1] > 2 * ppl["yarn"][1], ppl
# the same from the per-position losses: the mean past L
y = json.load(open(sys.argv[2]))["loss_per_position"]
n = json.load(open(sys.argv[3]))["loss_per_position"]
past = lambda a: sum(a[512:]) / len(a[512:])
assert past(n) > past(y) + 0.5, (past(n), past(y))
print("markers at columns", marker("L=512"), marker("s·L=2048"), "; ppl at s·L none %.2f yarn %.2f" % (ppl["none"][1], ppl["yarn"][1]))
PY

# after <Wait>, a β change without waiting: the old numbers are shown as stale
out=$(snap --method yarn --factor 4 --keys '<Wait><Down><Right>') || bad "stale snapshot failed"
grep -qE "yarn ppl [0-9.]+/[0-9.]+ stale" <<<"$out" && ok || bad "a change after <Wait> did not mark yarn's numbers stale"
grep -qF "loss by position · held-out" <<<"$out" && bad "title without stale" || ok
grep -qE "none ppl [0-9.]+/[0-9.]+ stale" <<<"$out" && bad "plain RoPE does not read beta_fast, yet was marked stale" || ok
# zoom on the model panel shows every sub-view
out=$(snap --method yarn --factor 4 --keys '<Wait>88z') || bad "zoom snapshot failed"
for pat in "8a model · loss by position" "8b model · attention by distance" "8c model · numbers" "passkey 2048" \
           "continuation" "q=k=1 analytic"; do
  grep -qF -- "$pat" <<<"$out" && ok || bad "zoomed model panel lacks '$pat'"
done
# one line in the panel for each problem; the rest of the explorer keeps working
printf 'too short\n%.0s' {1..40} >"$tmp/short.txt"
out=$(snap --method yarn --factor 4 --text "$tmp/short.txt" --keys '<Wait>') || bad "short passage: exit $?"
grep -qF "the passage has 400 tokens" <<<"$out" && ok || bad "short passage: no one-line note"
grep -qF "1 wavelength per pair" <<<"$out" && ok || bad "short passage: the geometry panels are gone"
out=$(snap --method yarn --factor 4 --no-model --keys '<Wait>') || bad "--no-model: exit $?"
grep -qF "the model panel is off here" <<<"$out" && ok || bad "--no-model: no note"
out=$(ROPESCOPE_MODEL=/nonexistent.gguf snap --method yarn --factor 4 --keys '<Wait>') || bad "missing model: exit $?"
grep -qF "no model:" <<<"$out" && ok || bad "missing model: no one-line note"
out=$(snap --method yarn --head-dim 128 --keys '<Wait>') || bad "head_dim 128: exit $?"
grep -qF "the model's head_dim is 64" <<<"$out" && ok || bad "head_dim mismatch: no one-line note"
# <Wait> is a documented key name
out=$("$bin" tui --help)
grep -qF "<Wait>" <<<"$out" && ok || bad "tui --help does not mention <Wait>"

finish live_snapshot
