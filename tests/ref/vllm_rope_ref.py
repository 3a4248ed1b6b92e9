#!/usr/bin/env python3
"""tests/ref/vllm_rope_ref.py — an independent float32 reimplementation of vLLM's RoPE classes
(vllm/model_executor/layers/rotary_embedding: RotaryEmbedding, LinearScaling, DynamicNTKScaling with
max_trained_positions, YaRNScaling as of its newest version read, DeepseekScaling, Llama3,
Phi3LongRoPEScaled), written from the formulas in shared/reference/rope-methods.md in numpy. It is
the oracle for ropescope's vllm flavor (check_vllm_parity.py).

Every function returns (inv_freq as float32 numpy array, cos/sin magnitude as a Python float)."""
import math

import numpy as np

f32 = np.float32


def _exponents(d):
    # torch.arange(0, rotary_dim, 2, dtype=torch.float) / rotary_dim
    return np.arange(0, d, 2, dtype=np.int64).astype(f32) / f32(d)


def default_inv(base, d):
    # RotaryEmbeddingBase._compute_inv_freq: 1 / base ** (arange/d); a Python float base meets a
    # float32 tensor, so the power is float32
    return f32(1.0) / (f32(base) ** _exponents(d))


def get_mscale(s, m=1.0):
    return 1.0 if s <= 1 else 0.1 * m * math.log(s) + 1.0


def linear(base, d, s):
    # the cache divides positions by s; the frequency in effect is inv/s
    return default_inv(base, d) / f32(s), 1.0


def dynamic(base, d, max_pos, s, trained=None):
    # built once for max_position M; the base only moves when M exceeds max_trained_positions T
    T = trained or max_pos
    if max_pos > T:
        base = base * (s * max_pos / T - (s - 1)) ** (d / (d - 2))
    return default_inv(base, d), 1.0


def _corr_range(base, d, L, bf, bs, truncate):
    def corr_dim(n):
        # num_rotations * 2 * pi in the denominator: 0 raises ZeroDivisionError in Python
        return (d * math.log(L / (n * 2 * math.pi))) / (2 * math.log(base))

    low, high = corr_dim(bf), corr_dim(bs)
    if truncate:
        low, high = math.floor(low), math.ceil(high)
    return max(low, 0), min(high, d - 1)


def _yarn_inv(base, d, L, s, bf, bs, truncate):
    low, high = _corr_range(base, d, L, bf, bs, truncate)
    if low == high:
        high += 0.001
    pos_freqs = f32(base) ** _exponents(d)
    extra = f32(1.0) / pos_freqs
    inter = f32(1.0) / (f32(s) * pos_freqs)
    ramp = np.clip((np.arange(d // 2, dtype=f32) - f32(low)) / (f32(high) - f32(low)), f32(0), f32(1))
    mask = f32(1) - ramp
    return inter * (f32(1) - mask) + extra * mask


def yarn(base, d, L, s, bf=32, bs=1, truncate=True, attention_factor=None, mscale=None,
         mscale_all_dim=None):
    # YaRNScalingRotaryEmbedding (newest read): betas as given, truncate honoured, magnitude
    # attention_factor > mscale/mscale_all_dim (both truthy) > get_mscale(s)
    inv = _yarn_inv(base, d, L, s, bf, bs, truncate)
    if attention_factor is not None:
        mag = float(attention_factor)
    elif mscale and mscale_all_dim:
        mag = get_mscale(s, mscale) / get_mscale(s, mscale_all_dim)
    else:
        mag = get_mscale(s)
    return inv, mag


def deepseek_yarn(base, d, L, s, bf=32, bs=1, mscale=1.0, mscale_all_dim=0.0):
    # DeepseekScalingRotaryEmbedding: always floor/ceil, magnitude mscale ratio with defaults 1 / 0
    inv = _yarn_inv(base, d, L, s, bf, bs, True)
    return inv, get_mscale(s, mscale) / get_mscale(s, mscale_all_dim)


def deepseek_softmax(s, mscale_all_dim=0.0):
    # DeepseekV2Attention: scaling *= yarn_get_mscale(s, mscale_all_dim) ** 2
    return get_mscale(s, mscale_all_dim) ** 2


def llama3(base, d, L, s, low, high):
    inv = default_inv(base, d)
    wl = f32(2 * math.pi) / inv
    out = np.where(wl > f32(L / low), inv / f32(s), inv)
    smooth = (f32(L) / wl - f32(low)) / f32(high - low) if high != low else np.zeros_like(inv)
    smoothed = (f32(1) - smooth) * out / f32(s) + smooth * out
    medium = ~(wl < f32(L / high)) & ~(wl > f32(L / low))
    return np.where(medium, smoothed, out).astype(f32), 1.0


def longrope(base, d, L, max_pos, max_model_len, short, long):
    # Phi3LongRoPEScaledRotaryEmbedding: long factors for every position iff max_model_len > L
    ext = np.asarray(long if max_model_len > L else short, dtype=f32)
    inv = f32(1.0) / (ext * (f32(base) ** _exponents(d)))
    scale = max_pos / L
    mag = 1.0 if scale <= 1.0 else math.sqrt(1 + math.log(scale) / math.log(L))
    return inv, mag
