#!/usr/bin/env bash
# tests/cli/tui_teach.sh — the explorer's panels never contradict each other or hide what they lose,
# seen headless (`ropescope tui --snapshot`): panels 1 and 2 shade the current method's own regimes
# (Llama 3.1's bands from λ = 2π·b^(2i/d) against L/4 and L/1, linear all interpolated, s = 1 none),
# agreeing with the status line; the status line's flavor comparison counts the pairs the table marks;
# no panel title is cut inside a number at 80×24, 120×40, 160×48, 200×60; no 16-colour text is SGR 30
# without bold; NO_COLOR and ASCII keep curves and symbols apart; the live lint line; hidden panels named.
set -uo pipefail
bin=$1 src=$2
. "$src/tests/cli/lib/harness.sh"
export LC_ALL=C.UTF-8
unset NO_COLOR COLORTERM

snap() { "$bin" tui --snapshot "$@" 2>"$tmp/err"; }
has() {
  local pat=$1; shift
  local out; out=$(snap "$@") || { bad "tui --snapshot $* exited $?: $(cat "$tmp/err")"; return; }
  grep -qF -- "$pat" <<<"$out" && ok || bad "tui --snapshot $*: missing '$pat'"
}
lacks() {
  local pat=$1; shift
  local out; out=$(snap "$@") || { bad "tui --snapshot $* exited $?"; return; }
  grep -qF -- "$pat" <<<"$out" && bad "tui --snapshot $*: unexpected '$pat'" || ok
}

llama31="--method llama3 --head-dim 128 --base 500000 --orig-ctx 8192 --factor 8"
llama2="--method yarn --head-dim 128 --base 10000 --orig-ctx 4096 --factor 8"

# --- bands follow the method ---------------------------------------------------------------------------
# Llama 3.1 (closed form): pair i keeps θ when λ_i < L/high = 2048, gets θ/s when λ_i > L/low = 8192
snap --size 160x48 $llama31 >"$tmp/l3.txt" || bad "llama3 snapshot failed"
$py - "$tmp/l3.txt" <<'PY' && ok || bad "llama3: bands in panels 1, 2 and the status line"
import math, sys
text = open(sys.argv[1], encoding="utf-8").read()
lines = text.split("\n")
lam = [2 * math.pi * 500000 ** (2 * i / 128) for i in range(64)]
keep = [i for i in range(64) if lam[i] < 8192 / 4]
interp = [i for i in range(64) if lam[i] > 8192 / 1]
k1, i0 = keep[-1], interp[0]
assert keep == list(range(k1 + 1)) and interp == list(range(i0, 64)), (keep, interp)
# the band strips of panels 1 and 2 (the row under their titles)
for title in ("1 wavelength per pair", "2 rotations r = L/λ"):
    y = next(n for n, l in enumerate(lines) if title in l)
    strip = lines[y + 1]
    assert "extrap 0-%d" % k1 in strip and "interp %d-63" % i0 in strip, (title, strip, k1, i0)
status = " ".join(lines[-5:])
want = "extrapolate 0-%d (%d)  blend %d-%d (%d)  interpolate %d-63 (%d)" % (
    k1, k1 + 1, k1 + 1, i0 - 1, i0 - 1 - k1, i0, 64 - i0)
assert want in status, (want, status)
PY
lacks "shaded: YaRN regimes" --size 160x48 $llama31
has "shaded: llama3 bands" --size 160x48 --keys 8 $llama31
# linear: every pair interpolated; s = 1: nothing is (whatever the method)
has "every pair interp 0-31" --size 160x48 --method linear --factor 4
has "interpolate 0-31 (32)" --size 160x48 --method linear --factor 4
for m in yarn llama3 linear ntk; do
  has "every pair kept 0-31" --size 160x48 --method $m --factor 1
  has "extrapolate 0-31 (32)" --size 160x48 --method $m --factor 1
  lacks "  blend " --size 160x48 --method $m --factor 1
  lacks "│blend" --size 160x48 --method $m --factor 1
done
has "s = 1: every method is plain RoPE" --size 160x48
# swapped betas: the status line's flavor comparison counts what the table's ≠ column marks
snap --size 160x48 $llama2 --beta-fast 1 --beta-slow 32 >"$tmp/sw.txt" || bad "swapped betas snapshot"
$py - "$tmp/sw.txt" <<'PY' && ok || bad "swapped betas: status and table disagree"
import re, sys
t = open(sys.argv[1], encoding="utf-8").read()
n_table = int(re.search(r"≠: (\d+) pairs? differ under llamacpp", t).group(1))
m = re.search(r"llamacpp: (\d+) pairs? differ", t)
assert m and int(m.group(1)) == n_table and n_table > 0, (m and m.group(0), n_table)
assert "llamacpp: same" not in t
PY

# --- the live lint line --------------------------------------------------------------------------------
has "lint error beta-order" --size 160x48 $llama2 --beta-fast 1 --beta-slow 32
has "lint warning factor-without-type" --size 160x48 --factor 8
has "lint error beta-order" --size 160x48 $llama2 --keys '<Down>=0.5<Enter>'
lacks "lint error" --size 160x48 $llama2

# --- titles are never cut inside a number ------------------------------------------------------------------
# the full titles from a screen wide enough for all of them, then each size's visible title must be the
# full one or a word-boundary prefix of it followed by " …"
check_titles() {
  local args=$1
  snap --size 600x120 $args >"$tmp/full.txt" || { bad "600x120 $args"; return; }
  for size in 80x24 120x40 160x48 200x60; do
    snap --size $size $args >"$tmp/t-$size.txt" || { bad "$size $args"; continue; }
    $py - "$tmp/full.txt" "$tmp/t-$size.txt" <<'PY' && ok || bad "$size $args: a title is cut badly"
import re, sys
def titles(path):
    out = {}
    for l in open(path, encoding="utf-8").read().split("\n"):
        for m in re.finditer(r"[╭┏][─━] (\d+) (.*?) [─━]*[╮┓]", l):
            out[m.group(1)] = m.group(2).rstrip()
    return out
full, seen = titles(sys.argv[1]), titles(sys.argv[2])
assert seen, "no titles"
for k, t in seen.items():
    f = full[k]
    if t == f:
        continue
    assert t.endswith(" …"), (k, t, f)
    p = t[:-2]
    assert f.startswith(p) and (len(f) == len(p) or f[len(p)] == " "), (k, t, f)
    assert not re.search(r"[\d.]$", p) or f[len(p)] == " ", (k, t, f)
PY
  done
}
check_titles "$llama2"
check_titles "$llama31"
check_titles "--tour"

# --- hidden panels are named -------------------------------------------------------------------------------
has "hidden: 3 factor" --size 80x24 $llama2
has "Tab pages to them" --size 120x30 $llama2
lacks "hidden:" --size 200x60 $llama2

# --- colour modes: no SGR 30 caption without bold in 16 colours; NO_COLOR and ASCII keep things apart -----
for keys in "" "?" "p" "T" "e" "<Tab>z"; do
  "$bin" tui --snapshot --ansi --colors 16 --size 160x48 $llama2 --keys "$keys" >"$tmp/a16.txt" 2>/dev/null ||
    { bad "16-colour snapshot '$keys'"; continue; }
  $py - "$tmp/a16.txt" <<'PY' && ok || bad "16 colours, keys '$keys': SGR 30 without bold"
import re, sys
t = open(sys.argv[1], encoding="utf-8").read()
seqs = re.findall(r"\x1b\[([0-9;]*)m([^\x1b]*)", t)
assert seqs, "no SGR sequences at all"
for params, text in seqs:
    p = params.split(";")
    assert not ("30" in p and "1" not in p and text.strip()), (params, text[:20])
PY
done
# NO_COLOR: each curve its own mark, in the plot and in the legend
NO_COLOR=1 snap --size 160x48 $llama2 >"$tmp/nc.txt"
grep -qF "● none  ○ linear" "$tmp/nc.txt" && ok || bad "NO_COLOR: score legend without distinct marks"
# ASCII: words for 2π, … and ≠
snap --ascii --size 160x48 $llama2 >"$tmp/as.txt"
grep -qF "angle mod 2pi" "$tmp/as.txt" && ok || bad "ASCII: 2π is not '2pi'"
grep -qF "...; colour: angle 0 ... 2pi" "$tmp/as.txt" || grep -qF "0 (top) ... 63" "$tmp/as.txt" && ok || bad "ASCII: … is not '...'"
grep -qF "!=: 0 pairs differ" "$tmp/as.txt" && ok || bad "ASCII: ≠ is not '!='"
LC_ALL=C grep -qP '[^\x00-\x7F]' "$tmp/as.txt" && bad "ASCII snapshot has non-ASCII bytes" || ok
# the clock hands differ by shape: the title says which is which in words
has "dotted hand θ, solid hand θ'" --size 200x60 --keys 8 $llama2

finish tui_teach
