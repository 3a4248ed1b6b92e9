/* app/explorer/tour.c — the guided tour's steps (see tour.h): from one pair's 2-D rotation and
 * "q·k depends only on m − n" through wavelengths, plain RoPE past L, PI, NTK-aware, NTK-by-parts,
 * YaRN, dynamic scaling and Llama 3 to LongRoPE, over Llama-2-7B's geometry (d 128, b 10000, L 4096). */
#include <stdio.h>
#include <string.h>
#include "tour.h"

#define P(id) TOUR_PANEL(PLOT_PANEL_##id)

static const tour_step steps[] = {
    { "one pair is a 2-D rotation",
      "RoPE splits q and k into d/2 pairs; pair i is a 2-D vector turned by the angle p·θ_i at position p, "
      "θ_i = b^(−2i/d) (b = base 10000). Nothing is added to the vector: position is an angle.",
      "panel 5: each dial is one pair at position p (thin hand); Left/Right halves or doubles p, a animates it", "",
      ROPE_NONE, 1, 128, 4096, 1e4, 32, 1, 0, NULL, 0.25, P(CLOCKS) | P(HEATMAP), PLOT_PANEL_CLOCKS,
      LAB_P_POSITION, 0 },
    { "q·k depends only on m − n",
      "Turn q by m·θ and k by n·θ: <R(mθ)q, R(nθ)k> = <q, R((n−m)θ)k>, so every pair's score depends on the "
      "distance Δ = m − n alone. Summed over pairs with q = k = 1: s(Δ) = Σ_i cos(Δ·θ_i).",
      "panel 6: s(Δ) starts at d/2 (shown as 1 per pair) and decays with distance, the fast pairs first", "",
      ROPE_NONE, 1, 128, 4096, 1e4, 32, 1, 0, NULL, 1, P(SCORE) | P(CLOCKS), PLOT_PANEL_SCORE, LAB_P_POSITION, 1 },
    { "wavelengths and r = L/λ",
      "Pair i repeats every λ_i = 2π/θ_i = 2π·b^(2i/d) tokens: from 6 tokens to ~54k. r_i = L/λ_i counts its "
      "turns within the training length L: r ≫ 1 pairs have seen every angle, r < 1 pairs never finished a turn.",
      "panel 1: λ per pair against the L line; panel 2: r (log) — the pairs under r = 1 are the fragile ones", "",
      ROPE_NONE, 1, 128, 4096, 1e4, 32, 1, 0, NULL, 1, P(WAVELENGTH) | P(RAMP) | P(TABLE), PLOT_PANEL_WAVELENGTH,
      LAB_P_ORIG_CTX, 1 },
    { "plain RoPE past L",
      "At p > L the slow pairs (r < 1) reach angles training never showed: the model extrapolates and its "
      "loss climbs. The fast pairs are fine: they wrapped around many times within L.",
      "panel 7: right of p = L the slow rows (bottom) take colours absent on the left; panel 5 at p = 2L; "
      "panel 8: the embedded model's loss climbing past L (its geometry: head_dim 64, L 512)",
      "",
      ROPE_NONE, 1, 64, 512, 1e4, 32, 1, 0, NULL, 2, P(HEATMAP) | P(CLOCKS) | TOUR_PANEL(TOUR_PANEL_MODEL),
      PLOT_PANEL_HEATMAP, LAB_P_POSITION, 1 },
    { "Position Interpolation (linear)",
      "PI divides every frequency by s: θ'_i = θ_i/s, so s·L positions fit the angles seen within L. Every pair "
      "is interpolated — also the fast ones, whose neighbouring positions are now s times closer in angle.",
      "panel 1: every pair shaded interpolated, λ' = s·λ; panel 3: linear's factor 1/s for all pairs", "",
      ROPE_LINEAR, 8, 128, 4096, 1e4, 32, 1, 0, NULL, 1, P(WAVELENGTH) | P(FACTOR) | P(SCORE), PLOT_PANEL_FACTOR,
      LAB_P_FACTOR, 1 },
    { "NTK-aware: a larger base",
      "Instead of dividing θ, raise the base: b' = b·s^(d/(d−2)). Pair 0 keeps θ, the slowest pair gets "
      "θ/s, and between them the factor falls geometrically — fast pairs keep their resolution.",
      "panel 3: ntk's factor from 1 down to 1/s, against linear's flat 1/s", "",
      ROPE_NTK, 8, 128, 4096, 1e4, 32, 1, 0, NULL, 1, P(FACTOR) | P(WAVELENGTH) | P(TABLE), PLOT_PANEL_FACTOR,
      LAB_P_FACTOR, 1 },
    { "NTK-by-parts: α and β",
      "Decide per pair by r = L/λ: r > β (beta_fast 32) keeps θ, r < α (beta_slow 1) gets θ/s, and between "
      "θ' = γ·θ + (1 − γ)·θ/s with the ramp γ. In pair index: d(n) = d·ln(L/(2πn))/(2·ln b).",
      "panel 2: the α and β lines and the ramp γ; panel 1: kept | blend | interpolated bands", "",
      ROPE_NTK_PARTS, 8, 128, 4096, 1e4, 32, 1, 0, NULL, 1, P(RAMP) | P(WAVELENGTH) | P(TABLE), PLOT_PANEL_RAMP,
      LAB_P_BETA_FAST, 1 },
    { "YaRN: NTK-by-parts plus temperature",
      "YaRN multiplies q and k by √(1/t) = 0.1·ln s + 1 (1.208 at s = 8), so the logits grow by its square "
      "(×1.459): interpolation flattens attention, the temperature sharpens it back.",
      "status line: magnitude and logits; panel 6: the score curve lifted above ntk-parts'; panel 8: the "
      "model's loss staying flat to s·L where plain RoPE's (v switches the comparison) climbs",
      "",
      ROPE_YARN, 8, 64, 512, 1e4, 32, 1, 0, NULL, 1, P(SCORE) | P(RAMP) | TOUR_PANEL(TOUR_PANEL_MODEL),
      PLOT_PANEL_SCORE, LAB_P_ATTN, 1 },
    { "dynamic scaling",
      "Dynamic NTK recomputes the base from the sequence length ℓ: b' = b·(s·ℓ/L − (s − 1))^(d/(d−2)). Up to "
      "ℓ = L nothing changes; past it the base grows step by step (dynamic-yarn: s = ℓ/L).",
      "seq_len is focused: Left/Right changes ℓ and panels 1 and 3 follow; at seq_len 0 every pair is kept", "",
      ROPE_DYNAMIC, 8, 128, 4096, 1e4, 32, 1, 16384, NULL, 1, P(FACTOR) | P(WAVELENGTH) | P(TABLE),
      PLOT_PANEL_FACTOR, LAB_P_SEQ_LEN, 1 },
    { "Llama 3: wavelength bands",
      "Llama 3.1 keeps pairs with λ < L/high_freq_factor (4), gives λ > L/low_freq_factor (1) θ/s, and blends "
      "between by r = L/λ: the NTK-by-parts idea with its bounds written as wavelengths (s 8, L 8192, b 500000).",
      "panel 2: r against the high 4 / low 1 lines; panel 1: llama3's own kept | blend | interpolated bands", "",
      ROPE_LLAMA3, 8, 128, 8192, 5e5, 32, 1, 0, NULL, 1, P(RAMP) | P(WAVELENGTH) | P(TABLE), PLOT_PANEL_RAMP,
      LAB_P_FACTOR, 1 },
    { "LongRoPE: searched per-pair factors",
      "LongRoPE (Phi-3) stores one divisor per pair, found by search: θ'_i = θ_i/f_i, a short list for ℓ ≤ L "
      "and a long one beyond, with magnitude √(1 + ln s/ln L). Loaded here: preset phi-3-mini-128k.",
      "panel 3: longrope's uneven factors against the formula methods; seq_len past L switches to the long list", "",
      ROPE_LONGROPE, 1, 0, 0, 0, 0, 0, 0, "phi-3-mini-128k", 1, P(FACTOR) | P(TABLE) | P(WAVELENGTH),
      PLOT_PANEL_FACTOR, LAB_P_SEQ_LEN, 1 },
};

#define N_STEPS ((int)(sizeof steps / sizeof steps[0]))

int tour_count(void)
{
    return N_STEPS;
}

const tour_step *tour_get(int i)
{
    return i >= 0 && i < N_STEPS ? &steps[i] : NULL;
}

unsigned tour_panels(const tour_step *s)
{
    unsigned all = (1u << PLOT_PANEL_COUNT) - 1u, m = s->panels & all;
    return m ? m : all;
}

static int preset_index(const char *name)
{
    for (int i = 0; i < rope_preset_count(); i++)
        if (strcmp(rope_preset_name(i), name) == 0)
            return i;
    return -1;
}

int tour_apply(lab *L, int i, rope_error *err)
{
    const tour_step *s = tour_get(i);
    if (!s)
        return rope_fail(err, "tour step %d does not exist (there are %d)", i + 1, N_STEPS);
    if (s->preset) {
        int k = preset_index(s->preset);
        if (k < 0)
            return rope_fail(err, "tour step %d needs preset %s, which is not compiled in", i + 1, s->preset);
        if (lab_load_preset(L, k, err))
            return -1;
        if (s->seq_len > 0) {
            rope_params q = L->cfg.params;
            q.seq_len = s->seq_len;
            if (lab_set_params(L, &q, err))
                return -1;
        }
    } else {
        rope_params q;
        rope_params_init(&q);
        q.method = s->method;
        q.factor = s->factor;
        q.head_dim = s->head_dim;
        q.base = s->base;
        q.orig_ctx = q.max_pos = s->orig_ctx;
        q.beta_fast = s->beta_fast;
        q.beta_slow = s->beta_slow;
        q.seq_len = s->seq_len;
        if (lab_set_params(L, &q, err))
            return -1;
        snprintf(L->source, sizeof L->source, "tour step %d", i + 1);
        L->preset = -1;
        lab_clear_dials(L);
    }
    if (s->position > 0 && lab_set_position(L, s->position * L->cfg.params.orig_ctx, err))
        return -1;
    lab_focus(L, s->focus);
    lab_set_animate(L, 0);
    lab_set_score(L, s->score_log, L->score_bound, L->score_methods);
    return 0;
}
