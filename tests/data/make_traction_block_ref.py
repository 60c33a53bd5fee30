"""The reference of tests/cpp/test_traction.cpp: va.exact.traction_kernels of three patches.

Run on the tree of hsrc f0c100c, where traction_kernels was Python (Okada DC3D at depth and the
quadrature of the remainder in exact_stress.py); it now calls the C++ block, so rerunning this
script compares the C++ with itself."""

import time

import numpy as np
import viscoann as va
from viscoann import exact_stress

YR = 365.25 * 86400.0
model = va.EarthModel(
    [
        va.Layer(12e3, va.Elastic(30e9), lam=28e9),
        va.Layer(10e3, va.Burgers(32e9, 3e18, 32e9, 4e17), lam=35e9),
    ],
    va.Layer(None, va.Maxwell(40e9, 1e19), lam=40e9),
)
P = [
    va.RectangularFault(0.0, 0.0, 6e3, 20.0, 70.0, 2e3, 2e3, 30.0, 1.0),
    va.RectangularFault(9e3, 4e3, 14e3, 110.0, 90.0, 3e3, 6e3, -60.0, 1.0),  # crosses 12 km
    va.RectangularFault(-5e3, 8e3, 18e3, 300.0, 40.0, 3e3, 2e3, 150.0, 1.0),
]
times = np.array([0.0, 3.0, 30.0]) * YR
t0 = time.time()
k, fl = exact_stress.traction_kernels(model, P, P, times, return_flags=True)
print(time.time() - t0, fl)
with open(__import__("pathlib").Path(__file__).with_name("traction_block_ref.txt"), "w") as f:
    f.write(
        "# viscoann traction_kernels (Python, before the C++ block): model and patches as "
        "tests/cpp/test_traction.cpp\n"
    )
    f.write("# T R S; then times; then k[t, r, s, c] one per line (Pa per m of slip)\n")
    f.write(f"{k.shape[0]} {k.shape[1]} {k.shape[2]}\n")
    f.write(" ".join(repr(float(t)) for t in times) + "\n")
    for v in k.ravel():
        f.write(repr(float(v)) + "\n")
print(k[:, :, :, 1])
