#!/usr/bin/env bash
# tests/cli/tui_snapshot.sh — the explorer seen headless (`ropescope tui --snapshot`): for Llama-2
# YaRN 8x the regime boundaries sit at pairs 20 and 46, the L and s·L markers sit at the columns
# and rows the documented axis mapping predicts from each panel's printed axis range, typed values
# change the status line to 0.1·ln s + 1, bad values are refused, and the bad inputs (tiny
# terminal, no TTY, unknown preset, bad --keys) give the documented screens and one-line errors.
set -uo pipefail
bin=$1 src=$2
. "$src/tests/cli/lib/harness.sh"
export LC_ALL=C.UTF-8
unset NO_COLOR COLORTERM

llama2="--method yarn --head-dim 128 --base 10000 --orig-ctx 4096 --factor 8"
snap() { "$bin" tui --snapshot "$@" 2>"$tmp/err"; }

# has PATTERN ARGS...: the snapshot succeeds and contains PATTERN
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

# --- meaning: markers at the predicted cells, regimes at the right pairs -----------------------------
snap --size 160x48 $llama2 >"$tmp/s.txt" || bad "llama2 snapshot failed: $(cat "$tmp/err")"
$py - "$tmp/s.txt" <<'PY' && ok || bad "llama2 snapshot: marker positions and regimes"
import math, re, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
W = max(len(l) for l in lines)
lines = [l.ljust(W) for l in lines]
def rnd(x): return math.floor(x + 0.5)

def panel(fragment):
    """(top row, left col, right col) of the frame whose top edge holds fragment"""
    for y, l in enumerate(lines):
        i = l.find(fragment)
        if i >= 0:
            return y, max(l.rfind("╭", 0, i), l.rfind("╭", 0, i)), l.find("╮", i)
    raise SystemExit("no panel " + fragment)

def plot_area(fragment):
    top, left, right = panel(fragment)
    axis = next(y for y in range(top + 1, len(lines)) if "└" in lines[y][left + 1:right])
    ycol = lines[axis].index("└", left + 1)
    seg = lines[axis][left + 1:right]
    rcol = left + 1 + seg.index("┘") if "┘" in seg else right   # y2 axis or the frame
    x0, w = ycol + 1, rcol - ycol - 1
    y1 = axis - 1
    y0 = y1
    while lines[y0 - 1][ycol] in "│┤":
        y0 -= 1
    info = lines[axis + 2][left + 1:right]
    return dict(top=top, left=left, right=right, x0=x0, w=w, y0=y0, h=y1 - y0 + 1, info=info)

def axis_range(info, which):
    m = re.search(r"(?:^| )%s (.+?) \[([^,\]]+), ([^\]]+)\]( log)?" % which, info)
    assert m, (which, info)
    return float(m.group(2)), float(m.group(3)), bool(m.group(4))

def frac(v, lo, hi, log):
    if log:
        return (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))
    return (v - lo) / (hi - lo)

def vmarker_col(p, label):
    # the label row above the plot, or the plot's first row when two labels would touch
    for y in range(p["top"] + 1, p["y0"] + 1):
        seg = lines[y][p["left"]:p["right"]]
        if "▾" + label in seg:
            return p["left"] + seg.index("▾" + label)
        if label + "▾" in seg:
            return p["left"] + seg.index(label + "▾") + len(label)
    raise SystemExit("no marker " + label)

def hmarker_row(p, label):
    for y in range(p["y0"], p["y0"] + p["h"]):
        if label in lines[y][p["left"]:p["right"]]:
            return y
    raise SystemExit("no marker " + label)

L, s = 4096, 8
# score panel: vertical L and s·L on a log Δ axis (the default) running from 1 to 2·s·L
sc = plot_area("6 attention score")
lo, hi, lg = axis_range(sc["info"], "x")
assert (lo, hi, lg) == (1, 2 * s * L, True), (lo, hi, lg)
for v, label in ((L, "L=4096"), (s * L, "s·L=32768")):
    want = sc["x0"] + rnd(frac(v, lo, hi, lg) * (sc["w"] - 1))
    got = vmarker_col(sc, label)
    assert got == want, (label, got, want)

# wavelength panel: horizontal L and s·L on the log λ axis
wl = plot_area("1 wavelength per pair")
lo, hi, lg = axis_range(wl["info"], "y")
assert lg
for v, label in ((L, "L=4096"), (s * L, "s·L=32768")):
    want = wl["y0"] + rnd((1 - frac(v, lo, hi, lg)) * (wl["h"] - 1))
    assert hmarker_row(wl, label) == want, (label, hmarker_row(wl, label), want)

# ramp panel: the code's ramp ends at pairs 20 and 46, from d(n) = d·ln(L/(2πn))/(2 ln b)
d, b = 128, 1e4
corr = lambda n: d * math.log(L / (2 * math.pi * n)) / (2 * math.log(b))
lo_pair, hi_pair = math.floor(corr(32)), math.ceil(corr(1))
assert (lo_pair, hi_pair) == (20, 46)
rp = plot_area("2 rotations")
lo, hi, lg = axis_range(rp["info"], "x")
for v, label in ((lo_pair, "lo 20"), (hi_pair, "hi 46")):
    want = rp["x0"] + rnd(frac(v, lo, hi, lg) * (rp["w"] - 1))
    assert vmarker_col(rp, label) == want, (label, vmarker_col(rp, label), want)
# the band strip names the three regimes with their pair ranges
strip = lines[rp["top"] + 1] + lines[wl["top"] + 1]
for name in ("extrap 0-20", "blend 21-45", "interp"):
    assert name in strip, name

# pair table rows 20 and 21: the last extrapolated and the first blended pair
text = "\n".join(lines)
for i in (0, 19, 20, 21, 33):
    g = 1 - min(1, max(0, (i - 20) / 26))
    regime = "extrap" if g >= 1 else "blend"
    assert re.search(r"│ *%d +\S+ +\S+ +\S+ +%.3f +\S* *%s\b" % (i, g, regime), text), (i, g, regime)

# status line: correction range and magnitude 0.1·ln s + 1 (logits: its square)
mag = 0.1 * math.log(s) + 1
status = " · ".join(lines[-4:-2])  # the status may wrap onto two lines above the message
assert "corr raw 20.9445..45.0269 -> 20..46" in status, status
assert "magnitude %.7f" % mag in status and "logits x%.7f" % (mag * mag) in status, status
assert "extrapolate 0-20 (21)  blend 21-45 (25)  interpolate 46-63 (18)" in status, status
PY

# the far end of the table: pair 45 still blends (γ = 1/26), pair 46 is interpolated
snap --size 160x48 $llama2 --keys '<End>' >"$tmp/end.txt" || bad "<End> snapshot failed"
$py - "$tmp/end.txt" <<'PY' && ok || bad "pair table rows 45/46"
import re, sys
t = open(sys.argv[1], encoding="utf-8").read()
assert re.search(r"│ *45 +\S+ +\S+ +\S+ +%.3f +\S* *blend\b" % (1 / 26), t)
assert re.search(r"│ *46 +\S+ +\S+ +\S+ +0\.000 +interp\b", t)
assert re.search(r"│ *63 .*interp +0\.125", t)
PY

# --- typing values -------------------------------------------------------------------------------------
mag16=$($py -c 'import math; m=0.1*math.log(16)+1; print("magnitude %.7f · logits x%.7f" % (m, m*m))')
has "$mag16" $llama2 --keys '=16<Enter>'
has "factor = 16" $llama2 --keys '=16<Enter>'
has "s·L=65536" $llama2 --keys '=16<Enter>'
has "factor 9" $llama2 --keys '+'
has "factor 7" $llama2 --keys '<Left>'
has "beta_fast 33" $llama2 --keys '<Down><Right>'
has "refused: factor 0.5 is below 1" $llama2 --keys '=0.5<Enter>'
has "magnitude 1.2079442" $llama2 --keys '=0.5<Enter>'
has "refused: factor: 'abc' is not a finite number" $llama2 --keys '=abc<Enter>'
has "refused: head_dim 7 is odd" $llama2 --keys '<Down><Down><Down><Down><Down>=7<Enter>'
has "cancelled" $llama2 --keys '=12<Esc>'
has "factor 8 " $llama2 --keys '=12<Esc>'
# truncate off: Hugging Face keeps the raw range, llama.cpp always rounds
has "-> 20.9445..45.0269" $llama2 --keys 't'
# the status line counts the pairs that differ as the table's ≠ column does: HF ramps over
# 20.94..45.03, llama.cpp over 20..46, so pairs 21..45 (25) get another γ
has "llamacpp: 25 pairs differ, corr 20..46" $llama2 --keys 't'
has "hf: same" $llama2 --keys 'f'
# the position, by hand and animated (one step = L/128 tokens)
has "position 1234" $llama2 --keys '<Down><Down><Down><Down><Down><Down><Down><Down><Down>=1234<Enter>'
# Up/Down stop at the ends and say so (no silent wrap)
has "factor is the first parameter" $llama2 --keys '<Up>'
has "seq_len is the last parameter" $llama2 --keys '<Down><Down><Down><Down><Down><Down><Down><Down><Down><Down><Down>'
has "position 4160" $llama2 --keys 'a<Tick><Tick>'
has "phase at p=4160" $llama2 --keys 'a<Tick><Tick>'

# --- methods, panels, overlays, presets ----------------------------------------------------------------
has "ropescope · dynamic-yarn" $llama2 --keys 'm'
has "ropescope · ntk-parts" $llama2 --keys 'M'
has "longrope skipped" $llama2 --method llama3 --keys 'm'
has "ropescope · none" $llama2 --method llama3 --keys 'm'
lacks "1 wavelength per pair" $llama2 --keys '1'
has "panel 1 wavelength hidden" $llama2 --keys '1'
lacks "2 rotations" $llama2 --keys 'z'
has "1 wavelength per pair" $llama2 --keys 'z'
has "5 phase at p" $llama2 --keys '<Tab><Tab><Tab><Tab>z'
lacks "1 wavelength per pair" $llama2 --keys '<Tab><Tab><Tab><Tab>z'
has "keys · Esc closes" $llama2 --keys '?'
has "keys · Esc closes" $llama2 --keys '<F1>'
for k in "quit" "export: pick a format" "zoom the focused panel" "change the value under the pointer"; do
  has "$k" $llama2 --keys 'h'
done
lacks "keys · Esc closes" $llama2 --keys '?<Esc>'
has "score panel compares every method" $llama2 --keys 'cc'
has "log Δ axis" $llama2 --keys '8'
has "linear Δ axis" $llama2 --keys '8l'
if "$bin" freqs --preset llama-2-7b >/dev/null 2>&1; then
  has "preset " $llama2 --keys ']'
  has "presets (" $llama2 --keys 'p'
  # yarn x8 is the user's choice: the preset asks before replacing it; p takes the preset's, k keeps it
  has "k keeps your method and factor" $llama2 --keys 'p<Down><Enter>'
  has "loaded preset" $llama2 --keys 'p<Down><Enter>p'
  has "kept your yarn x8" $llama2 --keys 'p<Down><Enter>k'
  has "ropescope · yarn" $llama2 --keys 'p<Down><Enter>k'
  has "preset not loaded" $llama2 --keys 'p<Down><Enter><Esc>'
else
  echo "note: presets unavailable in this build; preset keys not checked"
fi
# reset returns to the command line's parameters
has "factor 8 " $llama2 --keys '+++r'

# --- mouse: the wheel over a parameter changes it, a click focuses it -----------------------------------
snap --size 160x48 $llama2 >"$tmp/m.txt"
pos=$($py - "$tmp/m.txt" <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
for y, l in enumerate(lines[:4]):
    for name in ("factor 8", "beta_fast 32"):
        if name in l:
            print("%d,%d" % (l.index(name) + 2, y), end=" ")
PY
)
set -- $pos
has "factor 9" $llama2 --keys "<WheelUp:$1>"
has "factor 7" $llama2 --keys "<WheelDown:$1>"
has "beta_fast 33" $llama2 --keys "<Click:$2>+"

# --- sizes ---------------------------------------------------------------------------------------------
snap --size 20x5 >"$tmp/small.txt" || bad "20x5 snapshot exited $?"
$py - "$tmp/small.txt" <<'PY' && ok || bad "20x5 shows the centred too-small screen"
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")[:-1]
assert len(lines) == 5, lines
body = [l for l in lines if l.strip()]
assert [l.strip() for l in body[:3]] == ["too small:", "have 20×5,", "need 80×24"], body
for l in body:  # centred: equal margins to within one cell
    left = len(l) - len(l.lstrip()); right = 20 - len(l)
    assert abs(left - right) <= 1, (l, left, right)
PY
has "too small: have 79×24, need 80×24" --size 79x24
has "too small: have 80×23, need 80×24" --size 80x23
lacks "too small" --size 80x24
has "have 40×12" $llama2 --keys '<Resize:40x12>'
# below the minimum only quitting works: m is ignored, the method stays yarn after growing back
has "ropescope · yarn" $llama2 --keys '<Resize:40x12>m<Resize:160x48>'
has "m ignored: too small" $llama2 --keys '<Resize:40x12>m'
# q is accepted on the too-small screen (nothing after it runs)
has "have 40×12" $llama2 --keys '<Resize:40x12>q<Resize:160x48>'
has "corr raw 20.9445" $llama2 --size 200x60
has "7 angle mod 2π" $llama2 --size 200x60

# --- character sets and colour ---------------------------------------------------------------------------
snap --size 120x40 $llama2 >"$tmp/u.txt"
grep -qP '[\x{2801}-\x{28FF}]' "$tmp/u.txt" && ok || bad "UTF-8 snapshot has no braille"
LC_ALL=C "$bin" tui --snapshot --size 120x40 $llama2 >"$tmp/c.txt" 2>/dev/null
LC_ALL=C grep -q -P '[^\x00-\x7F]' "$tmp/c.txt" && bad "C locale snapshot is not 7-bit" || ok
snap --size 120x40 --ascii $llama2 >"$tmp/a.txt"
LC_ALL=C grep -q -P '[^\x00-\x7F]' "$tmp/a.txt" && bad "--ascii snapshot is not 7-bit" || ok
grep -qF "corr raw 20.9445..45.0269 -> 20..46" "$tmp/a.txt" && ok || bad "--ascii lost the status line"
grep -qF $'\033[' "$tmp/u.txt" && bad "plain snapshot has escape sequences" || ok
# (outputs go to files first: with pipefail an early-exiting grep would fail the pipeline)
ansi() { local out=$1; shift; "$bin" tui --snapshot --ansi "$@" $llama2 >"$tmp/$out" 2>&1; }
COLORTERM=truecolor ansi t.txt
grep -qF '38;2;' "$tmp/t.txt" && ok || bad "--ansi truecolor"
ansi 256.txt
grep -qF '38;5;' "$tmp/256.txt" && ok || bad "--ansi 256 colours"
ansi 16.txt --colors 16
grep -qF '38;' "$tmp/16.txt" && bad "--colors 16 used 256/RGB" || ok
grep -qE $'\033\\[0(;[0-9]+)*;9[0-7]' "$tmp/16.txt" && ok || bad "--colors 16 has no bright colours"
NO_COLOR=1 ansi nc.txt
grep -qF '38;' "$tmp/nc.txt" && bad "NO_COLOR still coloured" || ok
ansi nc2.txt --no-color
grep -qF '38;' "$tmp/nc2.txt" && bad "--no-color still coloured" || ok
grep -qF $'\033[0;1' "$tmp/nc2.txt" && ok || bad "--no-color lost bold"

# --- export: every format, never overwriting without a yes --------------------------------------------------
snap $llama2 --keys "e<Enter><C-u>$tmp/exp.txt<Enter>" >"$tmp/o.txt"
grep -qF "wrote every export format to $tmp/exp.txt" "$tmp/o.txt" && ok || bad "export message"
for f in hf hf-v5 vllm llamacpp gguf; do
  grep -qF "== $f ==" "$tmp/exp.txt" 2>/dev/null && ok || bad "export lacks section $f"
done
"$bin" export $llama2 --format hf 2>/dev/null >"$tmp/hf.txt"
grep -qF "$(head -3 "$tmp/hf.txt" | tail -1)" "$tmp/exp.txt" && ok || bad "export differs from ropescope export"
echo keep >"$tmp/keep.txt"
has "exists: overwrite it? y/n" $llama2 --keys "e<Enter><C-u>$tmp/keep.txt<Enter>"
snap $llama2 --keys "e<Enter><C-u>$tmp/keep.txt<Enter>n" >"$tmp/o.txt"
[ "$(cat "$tmp/keep.txt")" = keep ] && ok || bad "export overwrote without a yes"
grep -qF "export cancelled" "$tmp/o.txt" && ok || bad "no cancel message"
snap $llama2 --keys "e<Enter><C-u>$tmp/keep.txt<Enter>y" >/dev/null
grep -qF "== gguf ==" "$tmp/keep.txt" && ok || bad "export with y did not overwrite"
ls "$tmp" | grep -q '\.tmp\.' && bad "export left a temporary file" || ok
has "export failed" $llama2 --keys "e<Enter><C-u>$tmp/no/such/dir/x.txt<Enter>"
# e picks one format: the file holds exactly what `ropescope export --format F` prints, and the
# message names the path written
has "export format" $llama2 --keys "e"
for pick in "<Down>:hf" "<Down><Down><Down>:vllm" "<Down><Down><Down><Down><Down>:gguf"; do
  keys=${pick%%:*}; f=${pick##*:}
  snap $llama2 --keys "e$keys<Enter><C-u>$tmp/one-$f<Enter>" >"$tmp/o.txt"
  grep -qF "wrote the $f export to $tmp/one-$f" "$tmp/o.txt" && ok || bad "e picks $f: message"
  "$bin" export $llama2 --format $f 2>/dev/null >"$tmp/cli-$f"
  cmp -s "$tmp/cli-$f" "$tmp/one-$f" && ok || bad "e picks $f: file differs from ropescope export --format $f"
done

# --- bad input ---------------------------------------------------------------------------------------------------
usage_error "needs a terminal" tui
usage_error "needs a terminal"
usage_error "nope" tui --snapshot --preset nope
usage_error "nope" tui --preset nope
usage_error "<Bogus>" tui --snapshot --keys '<Bogus>'
usage_error "not closed" tui --snapshot --keys '<Up'
usage_error "--size" tui --snapshot --size 0x5
usage_error "--colors" tui --snapshot --colors rainbow
usage_error "unknown argument" tui --snapshot --frobnicate
usage_error "factor" tui --snapshot --factor 0.5
"$bin" tui --help >"$tmp/help.txt"
grep -qF "<Resize:WxH>" "$tmp/help.txt" && ok || bad "tui --help lacks the key syntax"
grep -qF "F10" "$tmp/help.txt" && ok || bad "tui --help lacks the key list"
"$bin" --help >"$tmp/help.txt"
grep -qF "tui" "$tmp/help.txt" && ok || bad "ropescope --help lacks tui"

finish tui_snapshot
