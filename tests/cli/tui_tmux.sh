#!/usr/bin/env bash
# tests/cli/tui_tmux.sh — the real explorer in a real terminal: tmux runs `ropescope tui` in a
# pane, the test types keys, resizes the window (also below the minimum) and reads the pane.
# After every way out (q, Ctrl-C, F10, SIGTERM, SIGHUP, SIGINT, SIGABRT) the shell around it checks that the
# terminal is back: main screen, visible cursor, mouse reporting and keypad mode off, canonical mode
# and echo on.
# Waits poll the pane; no fixed sleeps. Exits 77 (ctest: skipped) when tmux is not installed.
set -uo pipefail
bin=$1 src=$2
. "$src/tests/cli/lib/tmux.sh"

llama2="--method yarn --head-dim 128 --base 10000 --orig-ctx 4096 --factor 8"
wait_gone() {
  local i
  for ((i = 0; i < limit; i++)); do
    pane "$1" | grep -qF -- "$2" || return 0
    sleep 0.1
  done
  return 1
}
flags() { T list-panes -t "$1" -F '#{alternate_on} #{cursor_flag} #{mouse_any_flag} #{keypad_cursor_flag}#{keypad_flag}'; }

# start SESSION W H ARGS...: the explorer inside a shell that reports how it left the terminal
start() {
  local s=$1 w=$2 h=$3; shift 3
  cat >"$tmp/$s.sh" <<EOF
export LC_ALL=C.UTF-8
"$bin" tui $*
echo "exit=\$?"
stty -a | tr ' ;' '\n\n' | grep -xE -- '-?(icanon|echo|isig|icrnl|opost)' | tr '\n' ' '
echo
echo "after-exit"
exec sleep 600
EOF
  T new-session -d -s "$s" -x "$w" -y "$h" "sh $tmp/$s.sh"
}
explorer_pid() {
  local sh; sh=$(T list-panes -t "$1" -F '#{pane_pid}')
  pgrep -P "$sh" -x ropescope 2>/dev/null || ps -o pid= --ppid "$sh" | head -1
}

# after SESSION WANT-EXIT: the program is gone and the terminal is restored
after() {
  local s=$1 want=$2
  wait_for "$s" "after-exit" || { bad "$s: the explorer did not exit"; return; }
  local out; out=$(pane "$s")
  grep -qF "exit=$want" <<<"$out" && ok || bad "$s: want exit=$want, pane: $(grep exit= <<<"$out")"
  local modes; modes=$(grep -E '(^| )-?icanon( |$)' <<<"$out" | head -1)
  local n_on; n_on=$(tr ' ' '\n' <<<"$modes" | grep -cxE 'icanon|echo|isig|icrnl|opost')
  [ "$n_on" -eq 5 ] && ok || bad "$s: tty modes not restored: '$modes'"
  grep -qF "corr raw" <<<"$out" && bad "$s: the explorer's screen is still visible" || ok
  [ "$(flags "$s")" = "0 1 0 00" ] && ok || bad "$s: alternate/cursor/mouse/keypad flags are '$(flags "$s")', want '0 1 0 00'"
  grep -qF "ERROR: AddressSanitizer" <<<"$out" && bad "$s: AddressSanitizer report" || ok
}

# --- a session: type, resize, overlay, quit with q ----------------------------------------------------------
start main 160 48 "$llama2"
if wait_for main "corr raw 20.9445..45.0269 -> 20..46"; then
  ok
  [ "$(flags main)" = "1 0 1 11" ] && ok || bad "running: alternate/cursor/mouse/keypad flags are '$(flags main)', want '1 0 1 11'"
  pane main | grep -qF "magnitude 1.2079442" && ok || bad "status magnitude"
  T send-keys -t main '=' '1' '6' Enter
  wait_for main "magnitude 1.2772589" && ok || bad "typing factor 16 did not update the status"
  pane main | grep -qF "s·L=65536" && ok || bad "typing factor 16 did not move the s·L marker"
  T send-keys -t main '?'
  wait_for main "keys · Esc closes" && ok || bad "? did not open the help"
  T send-keys -t main Escape
  wait_gone main "keys · Esc closes" && ok || bad "Esc did not close the help"
  T send-keys -t main F1
  wait_for main "keys · Esc closes" && ok || bad "F1 did not open the help"
  T send-keys -t main Escape
  wait_gone main "keys · Esc closes" && ok || bad "Esc did not close the help (2)"
  # below the minimum: the centred too-small screen, which ignores everything but quitting
  T resize-window -t main -x 40 -y 12
  wait_for main "have 40×12" && ok || bad "no too-small screen at 40x12"
  T resize-window -t main -x 30 -y 8
  wait_for main "have 30×8" && ok || bad "no too-small screen at 30x8"
  T send-keys -t main 'm'
  wait_for main "m ignored: too small" && ok || bad "the too-small screen did not acknowledge a key"
  T resize-window -t main -x 100 -y 30
  wait_for main "corr raw" && ok || bad "no relayout at 100x30"
  pane main | grep -qF "ropescope · yarn" && ok || bad "a key acted on the too-small screen"
  pane main | grep -qF "have " && bad "too-small text left over at 100x30" || ok
  T resize-window -t main -x 160 -y 48
  wait_for main "1 wavelength per pair" && ok || bad "no relayout at 160x48"
  T send-keys -t main 'm'
  wait_for main "ropescope · dynamic-yarn" && ok || bad "m did not change the method"
  T send-keys -t main q
  after main 0
else
  bad "the explorer did not start"
fi

# --- the other ways out --------------------------------------------------------------------------------------
start ctrlc 120 40 "$llama2"
wait_for ctrlc "corr raw" && T send-keys -t ctrlc C-c
after ctrlc 0

start f10 120 40 "$llama2"
wait_for f10 "corr raw" && T send-keys -t f10 F10
after f10 0

start small 30 10 "$llama2"
wait_for small "have 30×10" && ok || bad "starting below the minimum: no too-small screen"
T send-keys -t small q
after small 0

start term 120 40 "$llama2"
if wait_for term "corr raw"; then
  pid=$(explorer_pid term)
  [ -n "$pid" ] && kill -TERM "$pid"
  after term 143
fi

start hup 120 40 "$llama2"
if wait_for hup "corr raw"; then
  pid=$(explorer_pid hup)
  [ -n "$pid" ] && kill -HUP "$pid"
  after hup 129
fi

# a stray SIGINT (not the Ctrl-C key) also restores the terminal
start int 120 40 "$llama2"
if wait_for int "corr raw"; then
  pid=$(explorer_pid int)
  [ -n "$pid" ] && kill -INT "$pid"
  after int 130
fi

# the emergency exit (a fatal signal, SIGABRT here: only async-signal-safe writes) also leaves keypad mode
start abrt 120 40 "$llama2"
if wait_for abrt "corr raw"; then
  pid=$(explorer_pid abrt)
  [ -n "$pid" ] && kill -ABRT "$pid"
  after abrt 134
fi

# a 50 KB paste is handled between frames (the explorer once drew a frame per key: ~2 minutes)
start paste 120 40 "$llama2"
if wait_for paste "corr raw"; then
  { head -c 50000 /dev/zero | tr '\0' z; printf q; } >"$tmp/paste.txt"
  T load-buffer "$tmp/paste.txt"
  T paste-buffer -t paste
  after paste 0
fi

# NO_COLOR and an ASCII locale still give a working explorer
cat >"$tmp/ascii.sh" <<EOF
export LC_ALL=C NO_COLOR=1
"$bin" tui $llama2
echo "exit=\$?"
echo "after-exit"
exec sleep 600
EOF
T new-session -d -s ascii -x 120 -y 40 "sh $tmp/ascii.sh"
if wait_for ascii "corr raw 20.9445..45.0269 -> 20..46"; then
  pane ascii | LC_ALL=C grep -qP '[^\x00-\x7F]' && bad "C locale: non-ASCII on screen" || ok
  T send-keys -t ascii q
  wait_for ascii "exit=0" && ok || bad "ascii session did not exit cleanly"
fi

echo "tui_tmux: $passes passed, $fails failed"
[ $fails -eq 0 ]
