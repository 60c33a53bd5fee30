"""Regenerate tests/data/surrogate_tiny.safetensors and surrogate_tiny_expected.csv: a small
canonical-input MLP (6-8-8-3, tanh/relu/identity, seed 2026) and its float64 outputs at five
points, computed here with numpy (independently of the native engine).

Run: python tests/data/make_surrogate_tiny.py
"""

from pathlib import Path

import numpy as np
from viscoann import export

HERE = Path(__file__).resolve().parent


def main():
    rng = np.random.default_rng(2026)
    widths = [6, 8, 8, 3]
    ws = [rng.normal(size=(widths[i + 1], widths[i])) / np.sqrt(widths[i]) for i in range(3)]
    bs = [0.1 * rng.normal(size=widths[i + 1]) for i in range(3)]
    ws = [w.astype(np.float32).astype(np.float64) for w in ws]  # the file stores float32
    bs = [b.astype(np.float32).astype(np.float64) for b in bs]
    acts = ["tanh", "relu", "identity"]
    outputs = [dict(e, scale=1e-9) for e in export.CANONICAL_OUTPUTS]
    path = export.save(
        HERE / "surrogate_tiny.safetensors",
        ws,
        bs,
        acts,
        inputs=export.CANONICAL_INPUTS,
        outputs=outputs,
        provenance={
            "data": "random weights (tests/data/make_surrogate_tiny.py)",
            "date": "2026-11-25",
        },
    )
    spec = export.input_spec(export.CANONICAL_INPUTS)
    X = np.array(
        [
            [10e3, 5e3, 7.9e3, 3.15576e8, 1e19, 1e18],
            [-50e3, 20e3, 1e3, 0.0, 1e18, 1e17],
            [99e3, -99e3, 14e3, 3.15576e9, 1e21, 1e20],
            [0.0, 1e3, 5e3, 1e7, 3e19, 2e18],
            [-12.5e3, -70e3, 10e3, 1.5e9, 5e20, 5e19],
        ]
    )
    Z = X.copy()
    for i, e in enumerate(spec):
        if e["log10"]:
            Z[:, i] = np.log10(Z[:, i])
        Z[:, i] = e["scale"] * Z[:, i] + e["offset"]
    h = np.tanh(Z @ ws[0].T + bs[0])
    h = np.maximum(h @ ws[1].T + bs[1], 0.0)
    u = 1e-9 * (h @ ws[2].T + bs[2])
    rows = np.column_stack([X, u])
    head = "x_m,y_m,depth_m,t_s,eta_M_Pas,eta_K_Pas,ux,uy,uz"
    np.savetxt(
        HERE / "surrogate_tiny_expected.csv",
        rows,
        fmt="%.17g",
        delimiter=",",
        header=head,
        comments="",
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
