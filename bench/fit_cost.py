"""What a rheology fit costs with the exact solver as the forward model: the synthetic case of
tests/test_fit.py (a 40 x 12 km strike-slip fault, 30 stations, 6 epochs, noise), least
squares for (eta_M, eta_K, H) with the exact backend's central-difference Jacobian at the
coarse resolution (tol 1e-3, k_refine = r_refine = 0.5) and at the default one (tol 1e-4);
the time of one forward solve, and an MCMC of 1e5 forward evaluations extrapolated."""

import sys
import time

from viscoann import backends, fit

sys.path.insert(0, "tests")
from test_fit import FAULT, TRUTH, _synthetic, _within  # noqa: E402


def main():
    obs, st = _synthetic()
    print(
        "| resolution | forward solve (s) | LSQ solves | LSQ (s) | max abs(est - truth)/sigma "
        "| MCMC 1e5 evaluations (extrapolated) |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for label, opts in (
        ("tol 1e-3, k/r_refine 0.5", dict(tol=1e-3, k_refine=0.5, r_refine=0.5)),
        ("tol 1e-4 (default refine)", dict(tol=1e-4)),
    ):
        k = backends.ExactKernel(**opts)
        k.displacement(FAULT, st, obs.times - 0.0, **TRUTH)  # warm
        t0 = time.perf_counter()
        for _ in range(3):
            k.displacement(FAULT, st, obs.times, **TRUTH)
        one = (time.perf_counter() - t0) / 3
        t0 = time.perf_counter()
        f = fit.rheology(obs, FAULT, st, kernel=k, initial=dict(eta_M=1e19, eta_K=3e18, H=15e3))
        t_lsq = time.perf_counter() - t0
        z = max(_within(f, TRUTH, k=1e9).values())
        print(
            f"| {label} | {one:.3f} | {f.n_forward} | {t_lsq:.1f} | {z:.2f} | "
            f"{1e5 * one / 3600:.1f} h |"
        )


if __name__ == "__main__":
    main()
