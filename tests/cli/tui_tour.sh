#!/usr/bin/env bash
# tests/cli/tui_tour.sh — the guided tour in a real terminal: tmux runs `ropescope tui --tour`, the test
# walks every step with n (each step's title, and what it set: the method in the title bar, YaRN's
# magnitude 0.1·ln 8 + 1, Llama 3's and LongRoPE's parameters), checks the explorer stays live inside
# the tour (Right changes the factor), that n past the end and N before the start say so, that N goes
# back and T leaves, and that q restores the terminal. Exits 77 (ctest: skipped) without tmux.
set -uo pipefail
bin=$1 src=$2
. "$src/tests/cli/lib/tmux.sh"

cat >"$tmp/tour.sh" <<EOF
export LC_ALL=C.UTF-8
"$bin" tui --tour
echo "exit=\$?"
stty -a | tr ' ;' '\n\n' | grep -xE -- '-?(icanon|echo)' | tr '\n' ' '
echo
echo "after-exit"
exec sleep 600
EOF
T new-session -d -s tour -x 160 -y 48 "sh $tmp/tour.sh"

# step: the tour line, then a string each step's parameters must put on screen
steps=(
  "one pair is a 2-D rotation|ropescope · none"
  "q·k depends only on m − n|ropescope · none"
  "wavelengths and r = L/λ|orig_ctx 4096"
  "plain RoPE past L|position 1024"
  "Position Interpolation (linear)|ropescope · linear"
  "NTK-aware: a larger base|ropescope · ntk"
  "NTK-by-parts: α and β|corr raw 20.9445..45.0269 -> 20..46"
  "YaRN: NTK-by-parts plus temperature|magnitude 1.2079442"
  "dynamic scaling|seq_len 16384"
  "Llama 3: wavelength bands|ropescope · llama3"
  "LongRoPE: searched per-pair factors|preset phi-3-mini-128k"
)
n=${#steps[@]}
if wait_for tour "tour 1/$n · "; then
  ok
  for ((k = 0; k < n; k++)); do
    title=${steps[$k]%%|*} want=${steps[$k]#*|}
    [ $k -gt 0 ] && T send-keys -t tour n
    wait_for tour "tour $((k + 1))/$n · $title" && ok || bad "step $((k + 1)): no '$title'"
    pane tour | grep -qF -- "$want" && ok || bad "step $((k + 1)) ($title): the screen lacks '$want'"
  done
  T send-keys -t tour n
  wait_for tour "is the last step" && ok || bad "n past the end did not say so"
  # the explorer stays live inside the tour: N back to Llama 3, then Right steps the factor 8 -> 9
  T send-keys -t tour N
  wait_for tour "tour 10/$n · Llama 3" && ok || bad "N did not go back"
  T send-keys -t tour Right
  wait_for tour "factor 9 " && ok || bad "Right inside the tour did not change the factor"
  pane tour | grep -qF "tour 10/$n" && ok || bad "changing a parameter left the tour"
  for ((k = 0; k < 10; k++)); do T send-keys -t tour N; done
  wait_for tour "is the first step" && ok || bad "N before the start did not say so"
  T send-keys -t tour T
  wait_for tour "tour closed" && ok || bad "T did not leave the tour"
  T send-keys -t tour T
  wait_for tour "tour 1/$n · " && ok || bad "T did not start the tour again"
  T send-keys -t tour q
  wait_for tour "after-exit" && ok || bad "the explorer did not exit"
  out=$(pane tour)
  grep -qF "exit=0" <<<"$out" && ok || bad "want exit=0: $(grep exit= <<<"$out")"
  grep -qE '(^| )icanon( |$)' <<<"$out" && grep -qE '(^| )echo( |$)' <<<"$out" && ok || bad "tty modes not restored"
  grep -qF "ERROR: AddressSanitizer" <<<"$out" && bad "AddressSanitizer report" || ok
else
  bad "ropescope tui --tour did not open on the tour"
fi

echo "tui_tour: $passes passed, $fails failed"
[ $fails -eq 0 ]
