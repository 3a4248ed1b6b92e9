# tests/cli/lib/tmux.sh — what the tests that drive the explorer in a real terminal share: a private
# tmux server (its own socket and config, so it never touches a tmux the tests run inside), the
# pass/fail counters, `pane` (what a session shows) and `wait_for` (poll a pane for a fixed string;
# no fixed sleeps). Source it after setting bin and src, and `limit` (polls of 0.1 s, default 300:
# 30 s, enough for a sanitizer build on a busy machine) if the test needs longer. Exits 77 (ctest:
# skipped) when tmux is not installed. The scratch dir $tmp and the server go away on exit.
if ! command -v tmux >/dev/null 2>&1; then
  echo "SKIP: tmux is not installed; $(basename "$0") did not run"
  exit 77
fi
unset TMUX
tmp=$(mktemp -d)
sock="ropescope-$(basename "$0" .sh)-$$-$RANDOM"
T() { tmux -L "$sock" -f "$tmp/tmux.conf" "$@"; }
cleanup() { T kill-server >/dev/null 2>&1; rm -rf "$tmp"; }
trap cleanup EXIT
fails=0 passes=0
ok()  { passes=$((passes+1)); }
bad() { echo "FAIL: $*"; fails=$((fails+1)); }

term=screen-256color
infocmp tmux-256color >/dev/null 2>&1 && term=tmux-256color
cat >"$tmp/tmux.conf" <<EOF
set -g default-terminal "$term"
set -g status off
set -g escape-time 10
set -g remain-on-exit on
EOF
limit=${limit:-300}

pane() { T capture-pane -p -t "$1" 2>/dev/null; }
# wait_for SESSION FIXED-STRING: poll until the pane shows it
wait_for() {
  local i
  for ((i = 0; i < limit; i++)); do
    pane "$1" | grep -qF -- "$2" && return 0
    sleep 0.1
  done
  echo "--- pane $1 while waiting for '$2':"; pane "$1"
  return 1
}
