"""Our fixed-Talbot inverse Laplace transform in mpmath and the Laplace-domain shear modulus
of a Burgers body: the independent references of the exact-solver and cycle tests."""

import math

import numpy as np
import pytest

mp = pytest.importorskip("mpmath")


def talbot(F, t, M=40, dps=50):
    """Our fixed-Talbot inverse Laplace transform (Abate & Valko 2004) in mpmath: contour
    s = r th (cot th + i), r = 2M / (5t); F may return a list (several transforms at once)."""
    with mp.workdps(dps):
        t = mp.mpf(t)
        r = mp.mpf(2 * M) / (5 * t)
        acc = np.array(F(r), dtype=object) * (0.5 * mp.exp(r * t))
        for k in range(1, M):
            th = k * mp.pi / M
            cot = mp.cot(th)
            s = r * th * (cot + 1j)
            sig = th + (th * cot - 1) * cot
            w = mp.exp(t * s) * (1 + 1j * sig)
            acc = acc + np.array([mp.re(w * f) for f in np.atleast_1d(F(s))], dtype=object)
        return np.array([float(r / M * a) for a in np.atleast_1d(acc)])


def mu_tilde(burgers, s):
    mu_M, eta_M, mu_K, eta_K = burgers.params()
    c = 1 / mp.mpf(mu_M)
    if not math.isinf(eta_M):
        c += 1 / (eta_M * s)
    if not math.isinf(eta_K):
        c += 1 / (mu_K + eta_K * s)
    return 1 / c
