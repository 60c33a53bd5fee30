"""Regenerate tests/data/kernel_tiny.safetensors: a small random-weight neural kernel (model
file format 3, geometry "elementary_kernel"; widths 3-8-8-20, K = 2 modes, a random basis on
154 points 0.2 apart in rho = r/H) for the C/C++ tests, the C example and the reader's fuzz
corpus. Values are checked against numpy in tests/test_kernel_engine.py, not stored.

Run: python tests/data/make_kernel_tiny.py
"""

from pathlib import Path

import numpy as np
from viscoann import export
from viscoann.kernel_train import FAMILY

HERE = Path(__file__).resolve().parent

#: Feature domains: d/H, log10(t/tau_M) (its lower end is the clamp), log10(1 + t/tau_K).
DOMAINS = ([0.02, 0.98], [-7.0, 3.0], [0.0, 4.5])


def kernel_bytes(widths, K, n_r, rho_spacing, seed, acts=("tanh",), mu=3e10) -> bytes:
    """A random-weight kernel file with ``widths`` (widths[0] = 3, widths[-1] = 10 K)."""
    rng = np.random.default_rng(seed)
    L = len(widths) - 1
    ws = [rng.normal(0, 1 / np.sqrt(widths[i]), (widths[i + 1], widths[i])) for i in range(L)]
    bs = [rng.normal(0, 0.1, widths[i + 1]) for i in range(L)]
    names = [acts[i % len(acts)] for i in range(L - 1)] + ["identity"]
    inputs = [
        {"name": n, "unit": u, "log10": False, "domain": d}
        for n, u, d in zip(
            export.KERNEL_FEATURES, export.KERNEL_FEATURE_UNITS, DOMAINS, strict=True
        )
    ]
    outputs = [
        {"name": f"c_{f}_{k}", "unit": "1", "scale": 0.5 * (1 + f), "offset": 0.01 * k}
        for f in range(export.KERNEL_FUNCTIONS)
        for k in range(K)
    ]
    geometry = {
        "kind": "elementary_kernel",
        "n_modes": K,
        "rho_spacing": rho_spacing,
        "n_r": n_r,
        "mu_M": mu,
        "mu_K": mu,
        "family": FAMILY,
    }
    basis = rng.normal(size=(export.KERNEL_FUNCTIONS, K, n_r))
    return export.to_bytes(
        ws,
        bs,
        names,
        inputs=inputs,
        outputs=outputs,
        geometry=geometry,
        basis=basis,
        provenance={
            "data": "random weights (tests/data/make_kernel_tiny.py)",
            "date": "2026-12-01",
        },
    )


def main():
    data = kernel_bytes([3, 8, 8, 20], K=2, n_r=154, rho_spacing=0.2, seed=2027)
    (HERE / "kernel_tiny.safetensors").write_bytes(data)
    print(f"wrote {HERE / 'kernel_tiny.safetensors'} ({len(data)} bytes)")


if __name__ == "__main__":
    main()
