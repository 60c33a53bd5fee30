"""Savage & Prescott (1978) reproduced: slip b every T on a vertical strike-slip fault through
a 15 km elastic lid over a Maxwell half-space (tau = eta/mu = 10.6 yr), the periodic steady
state's surface velocity against distance at several phases of the cycle, for several T/tau.
3-D: a 1,200 km rectangle, 150 events + the periodic spin-up (va.cycles.velocity); 2-D: the
image series (va.antiplane.cycle_velocity). Writes docs/savage_prescott.png and prints the
largest difference (of b/T) per distance band."""

import sys
import time

import numpy as np
import viscoann as va
from viscoann import antiplane, cycles, plot

MU, H, ETA = 30e9, 15e3, 1e19
TAU = ETA / MU
RATIOS = (0.5, 1.0, 2.0, 5.0)
PHASES = (0.05, 0.25, 0.5, 0.75, 0.95)


def main(out="docs/savage_prescott.png", length=1200e3, K=150):
    y = np.array([2, 5, 10, 15, 20, 30, 40, 60, 80, 100]) * 1e3
    st = va.Stations(np.zeros_like(y), y)
    model = va.EarthModel.canonical(ETA)
    fault = va.RectangularFault(0.0, 0.0, 0.5 * H, 90.0, 90.0, length, H, 0.0, 1.0)
    curves, refs, errs = {}, {}, []
    for ratio in RATIOS:
        T = ratio * TAU
        t0 = time.perf_counter()
        events = -T * np.arange(K)[::-1]
        v = cycles.velocity(
            model, fault, st, np.array(PHASES) * T, events, spinup=True, k_refine=0.5, r_refine=0.25
        )[..., 0]
        ref = antiplane.cycle_velocity(y[None, :], np.array(PHASES)[:, None], T, TAU, H)
        panel = f"T/τ = {ratio:g}"
        # left-lateral: the north side moves west; plotted as the magnitude
        curves[panel] = {f"{p:g}": -v[i] * T for i, p in enumerate(PHASES)}
        refs[panel] = {f"{p:g}": -ref[i] for i, p in enumerate(PHASES)}
        errs.append(np.abs(v * T - ref).max(axis=0))
        print(f"T/tau {ratio:g}: {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    errs = np.max(errs, axis=0)
    print("| distance [km] | " + " | ".join(f"{d:g}" for d in y / 1e3) + " |")
    print("|---|" + "---:|" * y.size)
    print("| max abs(3-D - 2-D) [b/T] | " + " | ".join(f"{e:.4f}" for e in errs) + " |")
    plot.cycle_profiles(
        y / 1e3,
        curves,
        out,
        reference=refs,
        title=f"Savage & Prescott (1978): {length / 1e3:g} km fault, {K} cycles + spin-up "
        "(—) and the 2-D image series (--)",
    )


if __name__ == "__main__":
    main(*sys.argv[1:2])
