"""What a rheology fit costs with the exact solver as the forward model: the synthetic case of
tests/test_fit.py (a 40 x 12 km strike-slip fault, 30 stations, 6 epochs, noise), least
squares for (eta_M, eta_K, H) with the exact backend's central-difference Jacobian at the
coarse resolution (tol 1e-3, k_refine = r_refine = 0.5) and at the default one (tol 1e-4),
then the shipped neural kernel (its own Jacobian); the time of one forward solve (median of
5), an MCMC of 1e5 forward evaluations extrapolated, and each solve's cost against the
kernel's, all in this one run; then an MCMC of 1e5 forward evaluations with the kernel
actually run (32 walkers x 3125 steps, the walkers of a move in one call of the prepared
kernel), its wall time (the LSQ start included) and seconds per forward evaluation."""

import statistics
import sys
import time

from viscoann import NeuralKernel, backends, fit

sys.path.insert(0, "tests")
from test_fit import FAULT, TRUTH, _synthetic, _within  # noqa: E402


def main():
    obs, st = _synthetic()
    print(
        "| forward model | forward solve (s) | LSQ solves | LSQ (s) | max abs(est - truth)/sigma "
        "| MCMC 1e5 evaluations (extrapolated) | solve / kernel's |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    cases = [
        (
            "exact, tol 1e-3, k/r_refine 0.5",
            backends.ExactKernel(tol=1e-3, k_refine=0.5, r_refine=0.5),
        ),
        ("exact, tol 1e-4 (default refine)", backends.ExactKernel(tol=1e-4)),
        ("neural kernel (shipped)", NeuralKernel.pretrained()),
    ]
    results = []
    for label, k in cases:
        k.displacement(FAULT, st, obs.times, **TRUTH)  # warm
        runs = []
        for _ in range(5):
            t0 = time.perf_counter()
            k.displacement(FAULT, st, obs.times, **TRUTH)
            runs.append(time.perf_counter() - t0)
        one = statistics.median(runs)
        t0 = time.perf_counter()
        f = fit.rheology(obs, FAULT, st, kernel=k, initial=dict(eta_M=1e19, eta_K=3e18, H=15e3))
        t_lsq = time.perf_counter() - t0
        z = max(_within(f, TRUTH, k=1e9).values())
        results.append((label, one, f.n_forward, t_lsq, z))
    kernel_one = results[-1][1]
    for label, one, n, t_lsq, z in results:
        mcmc = 1e5 * one
        shown = f"{mcmc / 3600:.1f} h" if mcmc > 3600 else f"{mcmc:.0f} s"
        print(
            f"| {label} | {one:.4f} | {n} | {t_lsq:.2f} | {z:.2f} | {shown} | "
            f"{one / kernel_one:.0f}x |"
        )
    net = cases[-1][1]
    t0 = time.perf_counter()
    mc = fit.rheology(
        obs,
        FAULT,
        st,
        kernel=net,
        initial=dict(eta_M=1e19, eta_K=3e18, H=15e3),
        method="mcmc",
        walkers=32,
        steps=3125,
        seed=2,
    )
    t_mc = time.perf_counter() - t0
    per = t_mc / mc.n_forward
    z = max(_within(mc, TRUTH, k=1e9).values())
    print(
        f"\nMCMC with the neural kernel: {mc.n_forward} forward evaluations in {t_mc:.1f} s "
        f"(LSQ start included): {per * 1e3:.2f} ms each; "
        f"max abs(median - truth)/sigma {z:.2f}"
    )


if __name__ == "__main__":
    main()
