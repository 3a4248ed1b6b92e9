#!/usr/bin/env bash
# tests/cli/core_cli.sh — the core subcommands from the outside: published numbers appear in the
# text and JSON outputs, every bad input gives exactly one error line and exit 2, files are never
# overwritten without --force.
set -uo pipefail
bin=$1 src=$2
. "$src/tests/cli/lib/harness.sh"

llama2="--method yarn --head-dim 128 --base 10000 --orig-ctx 4096 --factor 8"
# Llama-2 YaRN 8x: correction range 20.94/45.03 -> [20, 46], mscale(8) = 1.2079, the three regimes
has "raw 20.9445 .. 45.0269  ->  pairs 20 .. 46" freqs $llama2
has "magnitude 1.2079442 on cos and sin" freqs $llama2
has "extrapolate 0-20 (21)  blend 21-45 (25)  interpolate 46-63 (18)" freqs $llama2
has "20221" freqs --method ntk --head-dim 128 --factor 2
has "yarn" freqs --list-methods
has "usage: ropescope freqs" freqs --help
has "usage: ropescope" --help

# JSON: inv_freq over 64 pairs, attention_factor = 0.1 ln 8 + 1, θ'_63 = θ_63/8
"$bin" freqs --json $llama2 >"$tmp/f.json" && $py - "$tmp/f.json" <<'PY' && ok || bad "freqs --json values"
import json, math, sys
o = json.load(open(sys.argv[1]))
assert len(o["inv_freq"]) == 64 and len(o["regime"]) == 64
assert abs(o["attention_factor"] - (0.1 * math.log(8) + 1)) < 1e-12
assert abs(o["inv_freq"][63] - 10000 ** (-126 / 128) / 8) < 1e-18
assert o["correction_range"]["low"] == 20 and o["correction_range"]["high"] == 46
PY

# phases: pair i at position p is p*theta'_i mod 2pi; the fp32 error is within |phi|*2^-22
"$bin" freqs --json --method linear --factor 4 --pos 123456 >"$tmp/p.json" && $py - "$tmp/p.json" <<'PY' && ok || bad "freqs --pos phases"
import json, math, sys
o = json.load(open(sys.argv[1]))
for i, (ph, err) in enumerate(zip(o["phase"], o["phase_f32_error"])):
    phi = 123456 * 10000 ** (-2 * i / 64) / 4
    assert abs(ph - math.fmod(phi, 2 * math.pi)) < 1e-9, (i, ph)
    assert abs(err) <= phi * 2 ** -22 + 1e-12, (i, err)
PY

# curve: at distance 0 every cosine is 1, so s(0) = n_pairs * magnitude^2
"$bin" curve --json $llama2 --kind ones,bound --points 5 >"$tmp/c.json" && $py - "$tmp/c.json" <<'PY' && ok || bad "curve --json values"
import json, math, sys
o = json.load(open(sys.argv[1]))
m2 = (0.1 * math.log(8) + 1) ** 2
assert o["distance"][0] == 0 and o["distance"][-1] == 4 * 8 * 4096
ones, bound = o["curves"][0]["values"], o["curves"][1]["values"]
assert abs(ones[0] - 64 * m2) < 1e-9 and abs(bound[0] - 32.5 * m2) < 1e-9
PY
has "none:ones" curve --methods none,linear,yarn --points 3
has "1e+07" curve --log --from 1 --to 1e7 --points 3

# kv: Llama-3.1-8B geometry in f16: 2*32*8*128*2 = 131072 bytes per token; 131072 tokens = 16 GiB
has "per token  131072 bytes (128.00 KiB)" kv --layers 32 --kv-heads 8 --head-dim 128 --ctx 131072
has "17179869184 bytes (16.00 GiB)" kv --layers 32 --kv-heads 8 --head-dim 128 --ctx 131072
has "q8_0" kv --layers 2 --kv-heads 2 --head-dim 64 --ctx 512 --dtype q8_0

# bad input: one line, exit 2
usage_error "head_dim 63 is odd" freqs --head-dim 63
usage_error "factor 0.5 is below 1" freqs --factor 0.5
usage_error "--base: 'nan' is not a finite number" freqs --base nan
usage_error "--factor: 'inf' is not a finite number" freqs --factor inf
usage_error "must be greater than 1" freqs --base -5
usage_error "--method: 'bogus' is unknown" freqs --method bogus
usage_error "--factor needs a value" freqs --factor
usage_error "'abc' is not a finite number" freqs --factor abc
usage_error "unknown argument '--frobnicate'" freqs --frobnicate
usage_error "--head-dim: '64x' is not a whole number" freqs --head-dim 64x
usage_error "longrope needs short_factor" freqs --method longrope
usage_error "low_freq_factor" freqs --method llama3 --low-freq-factor 5 --high-freq-factor 4
usage_error "--kind: 'zigzag' is unknown" curve --kind zigzag
usage_error "log-spaced grid needs a start above 0" curve --log --from 0
usage_error "--points" curve --points 1
usage_error "geometry is incomplete" kv
usage_error "--dtype: 'f12' is unknown" kv --layers 1 --kv-heads 1 --dtype f12
"$bin" nosuchcommand >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "unknown command exit code"

finish core_cli
