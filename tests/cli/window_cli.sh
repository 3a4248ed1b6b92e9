#!/usr/bin/env bash
# tests/cli/window_cli.sh — `ropescope window` from the command line: --screenshot writes a PNG of the
# asked size without any display (signature and IHDR read here), --keys drive it, bad flags and
# --keys without --screenshot are one-line usage errors, no display (or only SDL's dummy/offscreen
# driver) is exit 2 with one line, and under Xvfb (when installed) the real window opens, draws
# frames and closes.
set -uo pipefail
bin=$1 src=$2
. "$src/tests/cli/lib/harness.sh"
unset DISPLAY WAYLAND_DISPLAY SDL_VIDEODRIVER
[ -r /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || { echo "window_cli: skipped (no DejaVu fonts)"; exit 77; }

llama2="--method yarn --head-dim 128 --base 10000 --orig-ctx 4096 --factor 8"

# size_of FILE: "W H" from a PNG's IHDR, or nothing when the file is not a PNG
size_of() {
  $py - "$1" <<'PY'
import struct, sys
b = open(sys.argv[1], 'rb').read(33)
if b[:8] == b'\x89PNG\r\n\x1a\n' and b[12:16] == b'IHDR':
    print(*struct.unpack('>II', b[16:24]))
PY
}

# --- screenshots, headless ------------------------------------------------------------------------
for size in 1600x1000 900x600; do
  "$bin" window --screenshot "$tmp/s.png" --size $size $llama2 >"$tmp/out" 2>"$tmp/err" \
    || bad "screenshot $size exited $?: $(cat "$tmp/err")"
  [ "$(size_of "$tmp/s.png")" = "${size/x/ }" ] && ok || bad "screenshot $size: PNG size '$(size_of "$tmp/s.png")'"
  [ ! -s "$tmp/out" ] && [ ! -s "$tmp/err" ] && ok || bad "screenshot $size printed something"
done
"$bin" window --screenshot "$tmp/k.png" --size 1000x700 --scale 2 --keys 'm?<Esc>=16<Enter><Click:100,100><WheelUp:300,300>' \
  $llama2 2>"$tmp/err" && [ "$(size_of "$tmp/k.png")" = "1000 700" ] && ok || bad "screenshot with --keys: $(cat "$tmp/err")"
cmp -s "$tmp/s.png" "$tmp/k.png" && bad "screenshots with different keys are identical" || ok

# --- usage errors ---------------------------------------------------------------------------------
usage_error "<Nope>" window --screenshot "$tmp/x.png" --keys '<Nope>'
usage_error "--size" window --screenshot "$tmp/x.png" --size 10x10
usage_error "--scale" window --screenshot "$tmp/x.png" --scale 9
usage_error "--keys needs --screenshot" window --keys q
usage_error "unknown argument" window --bogus
"$bin" window --screenshot /nonexistent-dir/x.png >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -qF "cannot write" "$tmp/err" && ok \
  || bad "unwritable screenshot: exit $rc, '$(cat "$tmp/err")'"
[ ! -e "$tmp/x.png" ] && ok || bad "a failed screenshot left a file"
has "drag the β" window --help

# --- no display: one line, exit 2 -----------------------------------------------------------------
usage_error "no display" window
SDL_VIDEODRIVER=dummy usage_error "no display" window
SDL_VIDEODRIVER=offscreen usage_error "no display" window

# --- a real window under Xvfb -----------------------------------------------------------------------
if command -v xvfb-run >/dev/null 2>&1; then
  # (libdbus, which SDL's X11 path loads, keeps a buffer at exit: no leak check for this one run)
  ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 timeout 60 xvfb-run -a "$bin" window --frames 5 --size 800x600 $llama2 >"$tmp/out" 2>"$tmp/err" \
    && ok || bad "window under Xvfb exited $?: $(cat "$tmp/err")"
fi

finish window_cli
