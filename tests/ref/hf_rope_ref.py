#!/usr/bin/env python3
"""tests/ref/hf_rope_ref.py — an independent float32 reimplementation of Hugging Face's RoPE
initialisation functions (transformers' src/transformers/modeling_rope_utils.py), in numpy, used as the oracle for ropescope's hf flavor.

usage: hf_rope_ref.py METHOD D BASE L MAX_POS S BETA_FAST BETA_SLOW TRUNCATE SEQ_LEN [LOW HIGH]
prints a JSON object: {"inv_freq": [...], "attention_factor": x}
"""
import json
import math
import sys

import numpy as np

f32 = np.float32


def default_inv(base, d):
    # 1 / base ** (arange(0, d, 2).float() / d), all float32
    return f32(1.0) / (f32(base) ** (np.arange(0, d, 2, dtype=np.int64).astype(f32) / f32(d)))


def get_mscale(s, m=1.0):
    return 1.0 if s <= 1 else 0.1 * m * math.log(s) + 1.0


def linear(base, d, s):
    return default_inv(base, d) / f32(s), 1.0


def dynamic(base, d, max_pos, s, seq_len):
    seq = max(seq_len, max_pos)
    # seq_len arrives as an int64 tensor, so the new base is a float32 computation
    t = f32(s) * f32(seq) / f32(max_pos) - f32(s - 1)
    b = f32(base) * t ** f32(d / (d - 2))
    return f32(1.0) / (b ** (np.arange(0, d, 2, dtype=np.int64).astype(f32) / f32(d))), 1.0


def yarn(base, d, L, s, bf, bs, truncate, temperature=True):
    bf = bf or 32
    bs = bs or 1

    def corr_dim(n):
        return (d * math.log(L / (n * 2 * math.pi))) / (2 * math.log(base))

    low, high = corr_dim(bf), corr_dim(bs)
    if truncate:
        low, high = math.floor(low), math.ceil(high)
    low, high = max(low, 0), min(high, d - 1)
    if low == high:
        high += 0.001
    pos_freqs = f32(base) ** (np.arange(0, d, 2, dtype=np.int64).astype(f32) / f32(d))
    extra = f32(1.0) / pos_freqs
    inter = f32(1.0) / (f32(s) * pos_freqs)
    lin = (np.arange(d // 2, dtype=f32) - f32(low)) / (f32(high) - f32(low))
    ramp = np.clip(lin, f32(0), f32(1))
    mask = f32(1) - ramp
    inv = inter * (f32(1) - mask) + extra * mask
    return inv, (get_mscale(s) if temperature else 1.0)


def llama3(base, d, L, s, low, high):
    inv = default_inv(base, d)
    low_wl, high_wl = L / low, L / high
    wl = f32(2 * math.pi) / inv
    out = np.where(wl > f32(low_wl), inv / f32(s), inv)
    smooth = (f32(L) / wl - f32(low)) / f32(high - low)
    smoothed = (f32(1) - smooth) * out / f32(s) + smooth * out
    medium = ~(wl < f32(high_wl)) & ~(wl > f32(low_wl))
    return np.where(medium, smoothed, out).astype(f32), 1.0


def main(a):
    method, d, base, L, max_pos, s, bf, bs, trunc, seq = a[:10]
    d, L, max_pos, seq = int(d), int(L), int(max_pos), int(seq)
    base, s, bf, bs, trunc = float(base), float(s), float(bf), float(bs), trunc in ("1", "on", "true")
    if method == "none":
        inv, att = default_inv(base, d), 1.0
    elif method == "linear":
        inv, att = linear(base, d, s)
    elif method == "dynamic":
        inv, att = dynamic(base, d, max_pos, s, seq)
    elif method == "yarn":
        inv, att = yarn(base, d, L, s, bf, bs, trunc)
    elif method == "ntk-parts":
        inv, att = yarn(base, d, L, s, bf, bs, trunc, temperature=False)
    elif method == "llama3":
        inv, att = llama3(base, d, L, s, float(a[10]), float(a[11]))
    else:
        sys.exit("unknown method " + method)
    print(json.dumps({"inv_freq": [float(x) for x in inv], "attention_factor": att}))


if __name__ == "__main__":
    main(sys.argv[1:])
