#!/usr/bin/env bash
# tests/cli/live_tmux.sh — the model panel (8) in a real terminal: the explorer keeps answering while the
# worker evaluates; after a quick burst of beta_fast and factor changes the panel ends on the last
# parameters (its perplexities equal `ropescope ppl` for them), the first frame showing the new
# parameters never shows the old numbers as current (they are marked stale), and q quits at once
# while a job is running. Exits 77 when tmux or Debian's `bible` (the held-out passage) is missing.
set -uo pipefail
bin=$1 src=$2
if ! command -v bible >/dev/null 2>&1; then
  echo "SKIP: Debian's bible-kjv is not installed; the model panel has no passage"
  exit 77
fi
limit=600   # polls of 0.1 s: a minute, for a sanitizer build on a busy machine
. "$src/tests/cli/lib/tmux.sh"
# idle SESSION: the panel has results for the parameters shown and nothing is computing
idle() {
  local i p
  for ((i = 0; i < limit; i++)); do
    p=$(pane "$1")
    if grep -qF "yarn ppl" <<<"$p" && ! grep -qF "computing" <<<"$p" && ! grep -qF "stale" <<<"$p" \
       && ! grep -qF "…" <<<"$(grep -F "yarn ppl" <<<"$p")"; then
      return 0
    fi
    sleep 0.1
  done
  echo "--- pane $1 never went idle:"; pane "$1"
  return 1
}
start() {
  local s=$1; shift
  cat >"$tmp/$s.sh" <<EOF
export LC_ALL=C.UTF-8
start=\$(date +%s%N)
"$bin" tui $*
echo "exit=\$?"
echo "after-exit"
exec sleep 600
EOF
  T new-session -d -s "$s" -x 200 -y 60 "sh $tmp/$s.sh"
}
# the parameter bar's value of NAME
param() { pane "$1" | grep -oE "  $2 [^ ]+" | head -1 | awk '{print $2}'; }
# "A/B": the yarn legend's perplexities at L and s·L
legend() { pane "$1" | grep -oE "yarn ppl [0-9.]+/[0-9.]+( stale)?" | head -1; }

start live --method yarn --factor 2 --threads 2
if ! idle live; then
  bad "the model panel never showed results for the start parameters"
else
  ok
  before=$(legend live)
  # a burst: beta_fast up three times, factor up twice and down once (focus starts on factor)
  T send-keys -t live Down Right Right Right Up Right Right Left
  # the first frame whose parameter bar shows the burst's end must not show the old numbers as current
  want_bf=35 seen=0
  for ((i = 0; i < 200; i++)); do
    p=$(pane live)
    if grep -qE "  beta_fast $want_bf " <<<"$p" && grep -qE "  factor 3 " <<<"$p"; then seen=1; break; fi
    sleep 0.05
  done
  [ $seen = 1 ] && ok || bad "the parameter bar never showed beta_fast $want_bf, factor 3: $(pane live | sed -n 2p)"
  cur=$(grep -oE "yarn ppl [0-9.]+/[0-9.]+( stale)?" <<<"$p" | head -1)
  if [ "$cur" = "${before% stale}" ]; then
    bad "the first frame at the new parameters shows the old numbers '$before' as current"
  else
    ok
  fi
  idle live && ok || bad "the panel did not settle after the burst"
  f=$(param live factor) b=$(param live beta_fast)
  [ "$f" = 3 ] && [ "$b" = "$want_bf" ] && ok || bad "the explorer ended on factor $f beta_fast $b, want 3 and $want_bf"
  got=$(legend live)
  # the same numbers from the command line: one window of L = 512 and of s·L = 1536, every prediction
  pl=$("$bin" ppl --ctx 512 --max-chunks 1 --score all --method yarn --factor "$f" --beta-fast "$b" --json \
       | python3 -c 'import json,sys; print("%.4f" % json.load(sys.stdin)["ppl"])')
  ps=$("$bin" ppl --ctx 1536 --max-chunks 1 --score all --method yarn --factor "$f" --beta-fast "$b" --json \
       | python3 -c 'import json,sys; print("%.4f" % json.load(sys.stdin)["ppl"])')
  [ "$got" = "yarn ppl $pl/$ps" ] && ok || bad "the panel shows '$got', ropescope ppl gives $pl/$ps"
  # q while a job runs: the explorer is gone within two seconds
  T send-keys -t live Right
  sleep 0.3
  t0=$(date +%s%N)
  T send-keys -t live q
  gone=0
  for ((i = 0; i < 100; i++)); do
    pane live | grep -qF "after-exit" && { gone=1; break; }
    sleep 0.02
  done
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  [ $gone = 1 ] && ok || bad "q mid-job: the explorer had not exited after ${ms} ms"
  pane live | grep -qF "exit=0" && ok || bad "q mid-job: exit status $(pane live | grep exit=)"
  echo "q mid-job: exited after ${ms} ms"
fi

echo "live_tmux: $passes passed, $fails failed"
[ $fails -eq 0 ]
