#!/usr/bin/env bash
# tests/cli/hf_parity.sh — per-pair inverse frequencies agree with an independent numpy float32
# reimplementation of Hugging Face's RoPE functions to 1e-6 relative.
set -euo pipefail
bin=$1 src=$2
exec /usr/bin/python3 "$src/tests/ref/check_hf_parity.py" "$bin"
