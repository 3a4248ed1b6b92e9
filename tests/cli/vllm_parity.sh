#!/usr/bin/env bash
# tests/cli/vllm_parity.sh — the vllm flavor's per-pair inverse frequencies and magnitudes agree with
# an independent numpy float32 reimplementation of vLLM's rotary-embedding classes, every method.
set -euo pipefail
bin=$1 src=$2
exec /usr/bin/python3 "$src/tests/ref/check_vllm_parity.py" "$bin" "$src"
