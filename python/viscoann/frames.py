"""Frames and angles of sources and stations: ENU, NED and Okada's frame (the one owner).

Aki & Richards (2002, Box 4.4) angles in degrees: strike clockwise from north, the fault dips
to the right of the strike direction, rake in the fault plane from the strike direction,
counter-clockwise seen from the hanging wall (0 left-lateral, 90 reverse, -90 normal, 180
right-lateral). Frames, all right-handed:

- ENU: x east, y north, z up (the package's frame; depth = -z).
- NED: x north, y east, z down (moment tensors: Mnn, Mee, Mdd, Mne, Mnd, Med).
- Okada (1992) for a plane of strike phi: x along strike, y = 90 deg counter-clockwise from it
  (seen from above), z up; the plane dips towards -y, the hanging wall is on the -y side, and
  Okada's (strike-slip, dip-slip, tensile) = slip (cos rake, sin rake, opening). Strike 90,
  dip 90, rake 0 is the canonical source: Okada's frame is then ENU.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "check_angles",
    "okada_axes",
    "enu_to_okada",
    "okada_to_enu",
    "enu_to_ned",
    "ned_to_enu",
    "fault_vectors",
    "moment_tensor_ned",
    "tensor_from_ned6",
    "tensor_to_ned6",
    "potency_tensor_from_moment",
    "plane_from_normal",
]


def _finite(name: str, value) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} = {value!r} is invalid; allowed: a finite number") from None
    if not math.isfinite(v):
        raise ValueError(f"{name} = {v} is invalid; allowed: a finite number")
    return v


def check_angles(strike, dip, rake=0.0, *, where: str = "") -> tuple[float, float, float]:
    """Validate Aki & Richards angles [deg]; return them as floats.

    Raises
    ------
    ValueError
        Naming the angle (prefixed by ``where``): strike outside [0, 360), dip outside
        [0, 90], rake outside [-180, 180], or not finite.
    """
    p = f"{where}." if where else ""
    s, d, r = _finite(p + "strike", strike), _finite(p + "dip", dip), _finite(p + "rake", rake)
    if not 0.0 <= s < 360.0:
        raise ValueError(f"{p}strike = {s} is invalid; allowed: [0, 360) degrees")
    if not 0.0 <= d <= 90.0:
        raise ValueError(f"{p}dip = {d} is invalid; allowed: [0, 90] degrees")
    if not -180.0 <= r <= 180.0:
        raise ValueError(f"{p}rake = {r} is invalid; allowed: [-180, 180] degrees")
    return s, d, r


def okada_axes(strike_deg):
    """Okada's x and y axes for ``strike`` [deg] in ENU (east, north) components:
    ((x_e, x_n), (y_e, y_n))."""
    phi = np.radians(strike_deg)
    return (np.sin(phi), np.cos(phi)), (-np.cos(phi), np.sin(phi))


def enu_to_okada(east, north, strike):
    """Horizontal ENU components (points or vectors) -> Okada's (x, y) for ``strike`` [deg]."""
    (xe, xn), (ye, yn) = okada_axes(strike)
    east, north = np.asarray(east, float), np.asarray(north, float)
    return east * xe + north * xn, east * ye + north * yn


def okada_to_enu(x, y, strike):
    """Okada's horizontal (x, y) for ``strike`` [deg] -> ENU (east, north)."""
    (xe, xn), (ye, yn) = okada_axes(strike)
    x, y = np.asarray(x, float), np.asarray(y, float)
    return x * xe + y * ye, x * xn + y * yn


def enu_to_ned(v):
    """Vectors (..., 3) ENU -> NED."""
    v = np.asarray(v, float)
    return np.stack([v[..., 1], v[..., 0], -v[..., 2]], axis=-1)


def ned_to_enu(v):
    """Vectors (..., 3) NED -> ENU (the same swap, it is its own inverse)."""
    return enu_to_ned(v)


def fault_vectors(strike, dip, rake=0.0):
    """Unit vectors of a fault plane in ENU, each (3,).

    Returns
    -------
    strike_dir, updip, normal, slip
        Along strike; up the dip in the plane; the normal pointing into the hanging wall
        (upward, z >= 0); the slip of the hanging wall relative to the footwall,
        cos(rake) strike_dir + sin(rake) updip.
    """
    s, d, r = (math.radians(a) for a in (strike, dip, rake))
    along = np.array([math.sin(s), math.cos(s), 0.0])
    left = np.array([-math.cos(s), math.sin(s), 0.0])  # Okada's y
    up = np.array([0.0, 0.0, 1.0])
    updip = math.cos(d) * left + math.sin(d) * up
    normal = -math.sin(d) * left + math.cos(d) * up
    slip = math.cos(r) * along + math.sin(r) * updip
    return along, updip, normal, slip


def tensor_from_ned6(m6):
    """(Mnn, Mee, Mdd, Mne, Mnd, Med) -> the symmetric 3 x 3 tensor in ENU."""
    nn, ee, dd, ne, nd, ed = (float(v) for v in m6)
    ned = np.array([[nn, ne, nd], [ne, ee, ed], [nd, ed, dd]])
    p = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, -1.0]])  # NED -> ENU
    return p @ ned @ p.T


def tensor_to_ned6(m_enu):
    """A symmetric 3 x 3 ENU tensor -> (Mnn, Mee, Mdd, Mne, Mnd, Med)."""
    p = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, -1.0]])
    m = p.T @ np.asarray(m_enu, float) @ p
    return np.array([m[0, 0], m[1, 1], m[2, 2], m[0, 1], m[0, 2], m[1, 2]])


def moment_tensor_ned(strike, dip, rake, m0=1.0):
    """Double-couple moment tensor M0 (slip n^T + n slip^T) as NED six components [N m]."""
    _, _, n, s = fault_vectors(strike, dip, rake)
    return tensor_to_ned6(m0 * (np.outer(s, n) + np.outer(n, s)))


def potency_tensor_from_moment(m_enu, mu, lam):
    """Potency tensor P [m^3] of a moment tensor M [N m] with moduli ``mu``, ``lam`` [Pa]:
    the inverse of M = lam tr(P) I + 2 mu P."""
    m = np.asarray(m_enu, float)
    tr = np.trace(m)
    return (m - lam * tr / (3.0 * lam + 2.0 * mu) * np.eye(3)) / (2.0 * mu)


def plane_from_normal(normal) -> tuple[float, float]:
    """(strike, dip) [deg] of the plane with unit normal ``normal`` (ENU; its sign is free).

    The normal is flipped upward; it then points into the hanging wall as in
    :func:`fault_vectors`. A horizontal plane gets strike 0.
    """
    n = np.asarray(normal, float)
    n = n / np.linalg.norm(n)
    if n[2] < 0:
        n = -n
    h = math.hypot(n[0], n[1])
    dip = math.degrees(math.atan2(h, n[2]))
    if h < 1e-15:
        return 0.0, 0.0
    # normal = sin(dip) (cos phi, -sin phi, .) in (east, north): see fault_vectors.
    strike = math.degrees(math.atan2(-n[1], n[0])) % 360.0
    return (0.0 if strike >= 360.0 else strike), dip
