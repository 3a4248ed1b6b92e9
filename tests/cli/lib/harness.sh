# tests/cli/lib/harness.sh — what every CLI test script shares: counters, a scratch dir, and the
# checks `has` (a command succeeds and prints a fixed string) and `usage_error` (exit 2, exactly one
# line on stderr naming the problem, nothing on stdout). Source it after setting bin and src.
py=/usr/bin/python3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0 passes=0
ok()  { passes=$((passes+1)); }
bad() { echo "FAIL: $*"; fails=$((fails+1)); }

# has PATTERN ARGS... : "$bin" ARGS succeeds and its stdout contains PATTERN (fixed string)
has() {
  local pat=$1; shift
  local out; out=$("$bin" "$@" 2>"$tmp/err") || { bad "$* exited $?: $(cat "$tmp/err")"; return; }
  grep -qF -- "$pat" <<<"$out" && ok || bad "$*: missing '$pat'"
}

# usage_error PATTERN ARGS... : exit 2, one stderr line containing PATTERN, nothing on stdout
usage_error() {
  local pat=$1; shift
  "$bin" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"; local rc=$?
  [ $rc -eq 2 ] || { bad "$* exited $rc, want 2"; return; }
  [ "$(wc -l <"$tmp/err")" -eq 1 ] || { bad "$*: stderr is not one line: $(cat "$tmp/err")"; return; }
  [ ! -s "$tmp/out" ] || { bad "$*: printed to stdout"; return; }
  grep -qF -- "$pat" "$tmp/err" && ok || bad "$*: error '$(cat "$tmp/err")' lacks '$pat'"
}

# finish NAME : the closing line, and the exit status
finish() {
  echo "$1: $passes passed, $fails failed"
  [ $fails -eq 0 ]
}
