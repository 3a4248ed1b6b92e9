#!/usr/bin/env bash
# ropescope set-up: install the Debian packages that are missing, build, then either open the
# explorer (no argument) or run every test (`test`). Idempotent: a second run installs nothing and
# rebuilds only what changed.
#   bash tools/setup.sh          install + build + open the explorer
#   bash tools/setup.sh [run] --preset llama-2-7b --method yarn   ... with those flags (any explorer flags)
#   bash tools/setup.sh test     install + build (-Werror) + run the suite, then again under ASan+UBSan,
#                                then the worker, lab, model-panel and kernel tests under ThreadSanitizer
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mode=${1:-run}
case "$mode" in
  -*) mode=run ;;                       # flags only: the explorer opens with them
  run|test|build) shift ;;
  *) echo "setup.sh: unknown mode '$mode' (use: run, test or build; run takes the explorer's flags)" >&2; exit 2 ;;
esac
if [ "$mode" != run ] && [ $# -gt 0 ]; then
  echo "setup.sh: $mode takes no arguments (got: $*)" >&2; exit 2
fi

# Debian packages the build, the program and the tests need.
pkgs=(build-essential cmake pkg-config clang libclang-rt-14-dev
      libncurses-dev libcjson-dev libfftw3-dev libopenblas-dev
      libsdl2-dev libsdl2-ttf-dev libpng-dev fonts-dejavu-core
      tmux xvfb python3 python3-numpy bible-kjv)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

jobs=$(nproc 2>/dev/null || echo 2)
build() { # build DIR [cmake args...]
  local dir=$1; shift
  cmake -S "$here" -B "$here/$dir" -DCMAKE_BUILD_TYPE=Release "$@" > "$here/$dir.configure.log" 2>&1 \
    || { cat "$here/$dir.configure.log" >&2; exit 1; }
  cmake --build "$here/$dir" -j "$jobs"
}

case "$mode" in
  build)
    build build
    ;;
  run)
    build build
    exec "$here/build/ropescope" "$@"
    ;;
  test)
    build build -DROPESCOPE_WERROR=ON
    (cd "$here/build" && ctest --output-on-failure -j "$jobs")
    echo "== the same suite under ASan+UBSan =="
    build build-asan -DROPESCOPE_WERROR=ON -DROPESCOPE_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
    (cd "$here/build-asan" && ctest --output-on-failure -j "$jobs")
    echo "== the worker, lab, model-panel and kernel (thread pool, dispatch) tests under ThreadSanitizer =="
    cmake -S "$here" -B "$here/build-tsan" -DCMAKE_BUILD_TYPE=Debug -DROPESCOPE_WERROR=ON -DROPESCOPE_TSAN=ON \
      > "$here/build-tsan.configure.log" 2>&1 || { cat "$here/build-tsan.configure.log" >&2; exit 1; }
    cmake --build "$here/build-tsan" -j "$jobs" --target test_worker test_lab test_live test_kernels
    (cd "$here/build-tsan" && ctest --output-on-failure -R '^test_(worker|lab|live|kernels)$')
    echo "== a short fuzz run of each harness (regression check; the long runs are manual) =="
    bash "$here/tests/fuzz/run_short.sh" 30
    ;;
esac
