"""Accuracy of a neural kernel against the exact solver, measured as a user forms it: the
postseismic signal u(t) - u(0), with u(0) taken from the kernel itself (Okada's, exactly),
per time bin log-uniform from 1 hour to 1000 yr.

For each case (an elementary point source, a random rectangle, a 20-patch fault) at held-out
parameters (H, eta_M, eta_K drawn from the family, Maxwell included, none equal to a training
value by construction: continuous draws), stations at random azimuths and log-uniform
distances 1-300 km. Per bin: mean |residual| / mean |signal| and the 99th percentile of
|residual| / mean |signal| over every (case, station, component, time) of the bin.
"""

from __future__ import annotations

import math

import numpy as np

from . import exact_sources
from .earth import EarthModel
from .sources import Fault, PointSource, RectangularFault
from .stations import Stations

YEAR = 365.25 * 86400.0
#: Bin edges [s]: 1 hour, 1 day, 1 week, 1 month, 1, 10, 100, 1000 yr.
BIN_EDGES = np.array(
    [3600.0, 86400.0, 7 * 86400.0, 30 * 86400.0, YEAR, 10 * YEAR, 100 * YEAR, 1000 * YEAR]
)
BIN_NAMES = ("1 h-1 d", "1 d-1 wk", "1 wk-1 mo", "1 mo-1 yr", "1-10 yr", "10-100 yr", "100-1000 yr")
#: Point sources that isolate the elementary sources (sources.hpp): vertical strike-slip (E3,
#: m = 2), vertical dip-slip (E2, m = 1), horizontal tensile crack (E0, m = 0) and inflation
#: (E0 + E1, m = 0).
ELEMENTARY = ("E0", "E1", "E2", "E3")


def draw_params(rng, family) -> dict:
    H = rng.uniform(*family["H"])
    eta_M = 10.0 ** rng.uniform(*np.log10(family["eta_M"]))
    eta_K = math.inf if rng.uniform() < 0.2 else 10.0 ** rng.uniform(*np.log10(family["eta_K"]))
    return {"eta_M": eta_M, "eta_K": eta_K, "H": H}


def _stations(rng, n, r_max) -> Stations:
    r = 10.0 ** rng.uniform(3.0, math.log10(r_max), n)
    phi = rng.uniform(0, 2 * math.pi, n)
    return Stations(east=r * np.cos(phi), north=r * np.sin(phi))


def _times(rng, per_bin) -> np.ndarray:
    lo, hi = np.log10(BIN_EDGES[:-1]), np.log10(BIN_EDGES[1:])
    return np.sort((10.0 ** rng.uniform(lo[:, None], hi[:, None], (lo.size, per_bin))).ravel())


def _elementary(kind, depth) -> PointSource:
    args = {
        "E3": dict(strike=90, dip=90, rake=0, potency=1.0),
        "E2": dict(strike=90, dip=90, rake=90, potency=1.0),
        "E0": dict(strike=90, dip=0, rake=0, potency=0.0, opening=1.0),
        "E1": dict(strike=90, dip=0, rake=0, potency=0.0, inflation=1.0),
    }[kind]
    return PointSource(depth=depth, **args)


def _rectangle(rng, H) -> RectangularFault:
    L, W = rng.uniform(2e3, 30e3), rng.uniform(2e3, 0.6 * H)
    dip = rng.uniform(15, 90)
    half = 0.5 * W * math.sin(math.radians(dip))
    depth = rng.uniform(1e3 + half, H - 1e3 - half)
    return RectangularFault(
        rng.uniform(-5e3, 5e3),
        rng.uniform(-5e3, 5e3),
        depth,
        rng.uniform(0, 360),
        dip,
        L,
        W,
        rng.uniform(-180, 180),
        1.0,
    )


def _fault(rng, H) -> Fault:
    # 20 patches: a 5 x 4 grid on one plane.
    strike, dip, rake = rng.uniform(0, 360), rng.uniform(20, 90), rng.uniform(-180, 180)
    L, W = 4e3, min(0.8 * (H - 2e3), 16e3) / 4
    s, c = math.sin(math.radians(strike)), math.cos(math.radians(strike))
    sd, cd = math.sin(math.radians(dip)), math.cos(math.radians(dip))
    top = 1e3 + 0.5 * W * sd
    patches = []
    for i in range(5):
        for j in range(4):
            a = (i - 2) * L
            d = top + (j + 0.5) * W * sd
            b = -(j + 0.5) * W * cd  # horizontally down dip: to the right of strike
            east, north = a * s + b * c, a * c - b * s
            patches.append(
                RectangularFault(east, north, d, strike, dip, L, W, rake, rng.uniform(0.5, 2))
            )
    return Fault(patches)


def cases(rng, family, kind):
    p = draw_params(rng, family)
    H = p["H"]
    if kind in ELEMENTARY:
        src = _elementary(kind, rng.uniform(family["depth_margin"], H - family["depth_margin"]))
    elif kind == "rectangle":
        src = _rectangle(rng, H)
    else:
        src = _fault(rng, H)
    return p, src


def evaluate(
    kernel,
    kinds=(*ELEMENTARY, "rectangle", "fault20"),
    per_kind=3,
    n_stations=60,
    per_bin=2,
    seed=12345,
    progress=False,
) -> dict:
    """Per kind and bin: {"mean": mean|res|/mean|sig|, "p99": p99|res|/mean|sig|}; also over
    all kinds ("all"). ``kernel`` a :class:`viscoann.NeuralKernel`."""
    rng = np.random.default_rng(seed)
    fam = kernel.family
    times = _times(rng, per_bin)
    t_all = np.concatenate([[0.0], times])
    bins = np.digitize(times, BIN_EDGES) - 1
    res = {k: [[] for _ in BIN_NAMES] for k in kinds}
    sig = {k: [[] for _ in BIN_NAMES] for k in kinds}
    for kind in kinds:
        for _ in range(per_kind):
            p, src = cases(rng, fam, kind)
            st = _stations(rng, n_stations, 0.98 * fam["r_max"])
            model = EarthModel.family(**p)
            ue = exact_sources.displacement(model, src, st, t_all)
            uk = kernel.displacement(src, st, t_all, **p)
            se, sk = ue[1:] - ue[0], uk[1:] - uk[0]
            for b in range(len(BIN_NAMES)):
                m = bins == b
                res[kind][b].append(np.abs(sk[m] - se[m]).ravel())
                sig[kind][b].append(np.abs(se[m]).ravel())
            if progress:
                print(kind, p, float(np.abs(sk - se).mean() / np.abs(se).mean()), flush=True)
    out = {}
    for kind in (*kinds, "all"):
        ks = kinds if kind == "all" else (kind,)
        rows = []
        for b in range(len(BIN_NAMES)):
            r = np.concatenate([x for k in ks for x in res[k][b]])
            s = np.concatenate([x for k in ks for x in sig[k][b]])
            rows.append(
                {
                    "bin": BIN_NAMES[b],
                    "mean": float(r.mean() / s.mean()),
                    "p99": float(np.percentile(r, 99) / s.mean()),
                }
            )
        out[kind] = rows
    return out
