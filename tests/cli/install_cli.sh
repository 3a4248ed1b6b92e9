#!/usr/bin/env bash
# tests/cli/install_cli.sh — the program is relocatable: `cmake --install` puts the binary in bin/ and
# the embedded models in share/ropescope/; the installed binary, run from another directory with no
# source tree in sight, finds its model by itself (ppl on a short text gives the same perplexity as the
# build tree's binary), $ROPESCOPE_MODEL overrides it, and a binary whose models are gone says where it
# looked in one line.
set -uo pipefail
bin=$1 src=$2
. "$src/tests/cli/lib/harness.sh"
build=$(dirname "$bin")
[ -f "$src/assets/ropescope-tiny.gguf" ] || { echo "install_cli: no embedded model, skipped"; exit 77; }

prefix="$tmp/prefix"
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; bad "cmake --install failed"; }
[ -x "$prefix/bin/ropescope" ] && ok || bad "no bin/ropescope in the prefix"
[ -f "$prefix/share/ropescope/ropescope-tiny.gguf" ] && ok || bad "no share/ropescope/ropescope-tiny.gguf"

head -c 3000 "$src/README.md" > "$tmp/text.txt"
ppl_of() { sed -n 's/.*PPL = \([0-9.]*\).*/\1/p' | head -1; }
want=$(cd "$tmp" && "$bin" ppl --ctx 256 --threads 1 text.txt 2>&1 | ppl_of)
[ -n "$want" ] && ok || bad "the build tree's binary gave no perplexity"
# a copy of the prefix somewhere else, run from / (same environment: OpenBLAS picks its kernels from it)
cp -r "$prefix" "$tmp/moved"
got=$(cd / && env -u ROPESCOPE_MODEL "$tmp/moved/bin/ropescope" ppl --ctx 256 --threads 1 "$tmp/text.txt" 2>&1 | ppl_of)
[ -n "$got" ] && [ "$got" = "$want" ] && ok || bad "installed binary: PPL '$got', build tree '$want'"

# ROPESCOPE_MODEL overrides; a missing model names the path tried
ROPESCOPE_MODEL="$tmp/none.gguf" "$tmp/moved/bin/ropescope" ppl --ctx 256 "$tmp/text.txt" >"$tmp/out" 2>"$tmp/err"
[ $? -ne 0 ] && grep -qF "$tmp/none.gguf" "$tmp/err" && ok || bad "ROPESCOPE_MODEL not honoured: $(cat "$tmp/err")"
rm -rf "$tmp/moved/share"
"$tmp/moved/bin/ropescope" ppl --ctx 256 "$tmp/text.txt" >"$tmp/out" 2>"$tmp/err"
[ $? -ne 0 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -qF "share/ropescope/ropescope-tiny.gguf" "$tmp/err" && ok \
  || bad "no model: want one line naming the path, got: $(cat "$tmp/err")"
finish install_cli
