#!/usr/bin/env python3
"""tests/ref/check_vllm_parity.py — runs `ropescope freqs --flavor vllm --json` on every method vLLM
supports (flags, and small config files where only a config can say it: DeepSeek attention,
max_trained_positions) and compares inv_freq, inv_freq_f32 and the magnitude with the independent
numpy float32 reference in vllm_rope_ref.py: 1e-6 relative on frequencies, 1e-12 on magnitudes.

usage: check_vllm_parity.py ROPESCOPE SOURCE_DIR [-v]"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vllm_rope_ref as ref  # noqa: E402

BIN, SRC = sys.argv[1], sys.argv[2]
TMP = tempfile.mkdtemp(prefix="vllm_parity_")


def flags(method, d, base, L, mp, s, extra=()):
    return ["--method", method, "--head-dim", str(d), "--base", repr(float(base)), "--orig-ctx", str(L),
            "--max-pos", str(mp), "--factor", str(s)] + list(extra)


def config(name, obj):
    path = os.path.join(TMP, name + ".json")
    with open(path, "w") as f:
        json.dump(obj, f)
    return ["--config", path]


def deepseek(name, scaling):
    sc = {"type": "yarn", "factor": 40, "original_max_position_embeddings": 4096, "beta_fast": 32,
          "beta_slow": 1}
    sc.update(scaling)
    return config(name, {"model_type": "deepseek_v3", "qk_rope_head_dim": 64, "rope_theta": 10000,
                         "max_position_embeddings": 163840, "rope_scaling": sc})


with open(os.path.join(SRC, "assets/presets/phi-3-mini-128k.json")) as f:
    PHI = json.load(f)["rope_scaling"]

# (label, ropescope arguments, reference thunk)
CASES = [
    ("none d128", flags("none", 128, 1e4, 4096, 4096, 1), lambda: (ref.default_inv(1e4, 128), 1.0)),
    ("none d64", flags("none", 64, 1e4, 512, 512, 1), lambda: (ref.default_inv(1e4, 64), 1.0)),
    ("none partial 0.5", flags("none", 128, 1e4, 4096, 4096, 1, ["--partial-rotary", "0.5"]),
     lambda: (ref.default_inv(1e4, 64), 1.0)),
    ("linear 8x", flags("linear", 128, 1e4, 4096, 4096, 8), lambda: ref.linear(1e4, 128, 8)),
    ("linear 3x", flags("linear", 64, 1e4, 512, 512, 3), lambda: ref.linear(1e4, 64, 3)),
    ("dynamic, no max_trained_positions", flags("dynamic", 128, 1e4, 4096, 4096, 8, ["--seq-len", "32768"]),
     lambda: ref.dynamic(1e4, 128, 4096, 8)),
    ("dynamic, max_trained_positions 2048 < 8192",
     config("dyn_trained", {"head_dim": 64, "rope_theta": 1000.0, "max_position_embeddings": 8192,
                            "max_trained_positions": 2048, "rope_scaling": {"rope_type": "dynamic", "factor": 2.0}}),
     lambda: ref.dynamic(1000.0, 64, 8192, 2.0, 2048)),
    ("dynamic, max_trained_positions = max_pos",
     config("dyn_same", {"head_dim": 64, "rope_theta": 1e4, "max_position_embeddings": 2048,
                         "rope_scaling": {"rope_type": "dynamic", "factor": 4.0, "max_trained_positions": 2048}}),
     lambda: ref.dynamic(1e4, 64, 2048, 4.0, 2048)),
    ("yarn Llama-2 8x", flags("yarn", 128, 1e4, 4096, 4096, 8), lambda: ref.yarn(1e4, 128, 4096, 8)),
    ("yarn beta 16/2", flags("yarn", 128, 1e4, 4096, 4096, 16, ["--beta-fast", "16", "--beta-slow", "2"]),
     lambda: ref.yarn(1e4, 128, 4096, 16, 16, 2)),
    ("yarn Qwen2.5 4x", flags("yarn", 128, 1e6, 32768, 32768, 4), lambda: ref.yarn(1e6, 128, 32768, 4)),
    ("yarn gpt-oss truncate off", flags("yarn", 64, 150000, 4096, 131072, 32, ["--truncate", "off"]),
     lambda: ref.yarn(150000, 64, 4096, 32, truncate=False)),
    ("yarn tiny", flags("yarn", 64, 1e4, 256, 256, 8), lambda: ref.yarn(1e4, 64, 256, 8)),
    ("yarn attention_factor 1 at 64x", flags("yarn", 128, 1e4, 4096, 4096, 64, ["--attention-factor", "1"]),
     lambda: ref.yarn(1e4, 128, 4096, 64, attention_factor=1.0)),
    ("yarn mscale pair 0.707/1 at 16x",
     flags("yarn", 128, 1e4, 4096, 4096, 16, ["--mscale", "0.707", "--mscale-all-dim", "1"]),
     lambda: ref.yarn(1e4, 128, 4096, 16, mscale=0.707, mscale_all_dim=1.0)),
    ("yarn mscale_all_dim only at 16x", flags("yarn", 128, 1e4, 4096, 4096, 16, ["--mscale-all-dim", "1"]),
     lambda: ref.yarn(1e4, 128, 4096, 16, mscale_all_dim=1.0)),
    ("ntk-parts", flags("ntk-parts", 128, 1e4, 4096, 4096, 8),
     lambda: (ref.yarn(1e4, 128, 4096, 8)[0], 1.0)),
    ("dynamic-yarn -> static yarn", flags("dynamic-yarn", 128, 1e4, 4096, 4096, 8, ["--seq-len", "9000"]),
     lambda: ref.yarn(1e4, 128, 4096, 8)),
    ("deepseek_yarn DeepSeek-V3", deepseek("ds_v3", {"mscale": 1.0, "mscale_all_dim": 1.0}),
     lambda: ref.deepseek_yarn(1e4, 64, 4096, 40, mscale=1.0, mscale_all_dim=1.0)),
    ("deepseek_yarn mscale_all_dim only", deepseek("ds_all_dim", {"mscale_all_dim": 1.0}),
     lambda: ref.deepseek_yarn(1e4, 64, 4096, 40, mscale_all_dim=1.0)),
    ("deepseek_yarn mscale only", deepseek("ds_mscale", {"mscale": 0.707}),
     lambda: ref.deepseek_yarn(1e4, 64, 4096, 40, mscale=0.707)),
    ("deepseek_yarn ignores truncate false", deepseek("ds_trunc", {"mscale": 1.0, "mscale_all_dim": 1.0,
                                                                     "truncate": False}),
     lambda: ref.deepseek_yarn(1e4, 64, 4096, 40, mscale=1.0, mscale_all_dim=1.0)),
    ("llama3 Llama-3.1", flags("llama3", 128, 500000, 8192, 131072, 8, ["--low-freq-factor", "1",
                                                                        "--high-freq-factor", "4"]),
     lambda: ref.llama3(500000, 128, 8192, 8, 1, 4)),
    ("longrope max_model_len 4096 (short)", ["--preset", "phi-3-mini-128k", "--seq-len", "4096"],
     lambda: ref.longrope(1e4, 96, 4096, 131072, 4096, PHI["short_factor"], PHI["long_factor"])),
    ("longrope max_model_len 8192 (long)", ["--preset", "phi-3-mini-128k", "--seq-len", "8192"],
     lambda: ref.longrope(1e4, 96, 4096, 131072, 8192, PHI["short_factor"], PHI["long_factor"])),
    ("longrope default max_model_len", ["--preset", "phi-3-mini-128k"],
     lambda: ref.longrope(1e4, 96, 4096, 131072, 131072, PHI["short_factor"], PHI["long_factor"])),
]

worst, failed = 0.0, 0
for label, args, thunk in CASES:
    out = subprocess.run([BIN, "freqs", "--json", "--flavor", "vllm"] + args, capture_output=True, text=True)
    if out.returncode != 0:
        failed += 1
        print(f"FAIL {label}: exit {out.returncode}: {out.stderr.strip()}")
        continue
    got = json.loads(out.stdout)
    inv, mag = thunk()
    want = np.asarray(inv, dtype=np.float64)
    for key in ("inv_freq", "inv_freq_f32"):
        have = np.asarray(got[key], dtype=np.float64)
        rel = float(np.max(np.abs(have - want) / np.abs(want))) if have.shape == want.shape else float("inf")
        worst = max(worst, rel)
        if "-v" in sys.argv:
            print(f"{label:40s} {key:13s} {rel:.3g}")
        if rel > 1e-6:
            failed += 1
            print(f"FAIL {label} {key}: max relative difference {rel:.3g}")
    if abs(got["attention_factor"] - mag) > 1e-12:
        failed += 1
        print(f"FAIL {label}: attention_factor {got['attention_factor']} vs {mag}")

# a beta of 0 is a load error in vLLM (ZeroDivisionError), not the default
out = subprocess.run([BIN, "freqs", "--flavor", "vllm"] + flags("yarn", 64, 1e4, 512, 512, 8, ["--beta-fast", "0"]),
                     capture_output=True, text=True)
try:
    ref.yarn(1e4, 64, 512, 8, bf=0)
    ref_raises = False
except ZeroDivisionError:
    ref_raises = True
if not (ref_raises and out.returncode == 2 and "ZeroDivisionError" in out.stderr):
    failed += 1
    print(f"FAIL beta_fast 0: exit {out.returncode}, {out.stderr.strip()}")

print(f"vllm parity: {len(CASES)} configs, worst relative difference {worst:.3g} (tolerance 1e-6)")
sys.exit(1 if failed else 0)
