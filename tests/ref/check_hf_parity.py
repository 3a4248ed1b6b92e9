#!/usr/bin/env python3
"""tests/ref/check_hf_parity.py — runs `ropescope freqs --json` for a grid of methods and geometries
(published models' config.json values plus edge cases) and compares inv_freq and the magnitude
with the independent numpy float32 reference in hf_rope_ref.py: 1e-6 relative, as the issue asks.

usage: check_hf_parity.py ROPESCOPE"""
import json
import subprocess
import sys

import numpy as np

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import hf_rope_ref as ref  # noqa: E402

BIN = sys.argv[1]
# (method, d, base, L, max_pos, s, beta_fast, beta_slow, truncate, seq_len, extra)
CASES = [
    ("none", 128, 1e4, 4096, 4096, 1, 32, 1, 1, 0),
    ("none", 64, 1e4, 512, 512, 1, 32, 1, 1, 0),
    ("linear", 128, 1e4, 4096, 4096, 8, 32, 1, 1, 0),
    ("linear", 64, 1e4, 512, 512, 3, 32, 1, 1, 0),
    ("dynamic", 128, 1e4, 4096, 4096, 8, 32, 1, 1, 0),
    ("dynamic", 128, 1e4, 4096, 4096, 8, 32, 1, 1, 8192),
    ("dynamic", 128, 1e4, 4096, 4096, 8, 32, 1, 1, 32768),
    ("dynamic", 64, 1e4, 512, 512, 4, 32, 1, 1, 3000),
    ("yarn", 128, 1e4, 4096, 4096, 8, 32, 1, 1, 0),      # Llama-2 8x
    ("yarn", 128, 1e4, 4096, 4096, 16, 16, 2, 1, 0),
    ("yarn", 128, 1e6, 32768, 32768, 4, 32, 1, 1, 0),    # Qwen2.5 4x
    ("yarn", 64, 1e4, 4096, 4096, 40, 32, 1, 1, 0),      # DeepSeek-V3 rope part
    ("yarn", 64, 150000, 4096, 4096, 32, 32, 1, 0, 0),   # gpt-oss, truncate false
    ("yarn", 64, 1e4, 256, 256, 8, 32, 1, 1, 0),         # tiny
    ("yarn", 64, 1e4, 512, 512, 8, 32, 1, 1, 0),         # the embedded model's geometry
    ("yarn", 64, 1e4, 512, 512, 8, 0, 0, 1, 0),          # betas of 0 -> HF defaults
    ("ntk-parts", 128, 1e4, 4096, 4096, 8, 32, 1, 1, 0),
    ("llama3", 128, 500000, 8192, 131072, 8, 32, 1, 1, 0, 1, 4),  # Llama-3.1
    ("llama3", 64, 1e4, 512, 512, 8, 32, 1, 1, 0, 1, 4),
]

worst = 0.0
failed = 0
for c in CASES:
    method, d, base, L, mp, s, bf, bs, tr, seq = c[:10]
    args = [BIN, "freqs", "--json", "--method", method, "--head-dim", str(d), "--base", repr(base),
            "--orig-ctx", str(L), "--max-pos", str(mp), "--factor", str(s), "--beta-fast", str(bf),
            "--beta-slow", str(bs), "--truncate", "on" if tr else "off", "--seq-len", str(seq)]
    extra = []
    if method == "llama3":
        args += ["--low-freq-factor", str(c[10]), "--high-freq-factor", str(c[11])]
        extra = [str(c[10]), str(c[11])]
    got = json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)
    inv, att = {
        "none": lambda: (ref.default_inv(base, d), 1.0),
        "linear": lambda: ref.linear(base, d, s),
        "dynamic": lambda: ref.dynamic(base, d, mp, s, seq),
        "yarn": lambda: ref.yarn(base, d, L, s, bf, bs, tr),
        "ntk-parts": lambda: ref.yarn(base, d, L, s, bf, bs, tr, temperature=False),
        "llama3": lambda: ref.llama3(base, d, L, s, c[10], c[11]),
    }[method]()
    want = np.asarray(inv, dtype=np.float64)
    for key in ("inv_freq", "inv_freq_f32"):
        have = np.asarray(got[key], dtype=np.float64)
        rel = float(np.max(np.abs(have - want) / np.abs(want)))
        worst = max(worst, rel)
        if "-v" in sys.argv: print(c[0], c[1:10], key, f"{rel:.3g}")
        if have.shape != want.shape or rel > 1e-6:
            failed += 1
            print(f"FAIL {c} {key}: max relative difference {rel:.3g}")
    if abs(got["attention_factor"] - att) > 1e-12:
        failed += 1
        print(f"FAIL {c}: attention_factor {got['attention_factor']} vs {att}")

print(f"hf parity: {len(CASES)} configs, worst relative difference {worst:.3g} (tolerance 1e-6)")
sys.exit(1 if failed else 0)
