"""Earthquake sources: point sources (any mechanism) and rectangular faults, in ENU metres.

Angles and frames are those of :mod:`viscoann.frames` (Aki & Richards 2002). Every source
reduces to point sources of Okada's (1992) DC3D0 mechanisms on planes of given strike and dip
(:meth:`PointSource.dc3d0`), or to rectangles (DC3D); the solver superposes them.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import frames
from .earth import EarthModel

__all__ = ["PointSource", "RectangularFault", "Fault"]

# Okada's own tolerance for a fault top touching the free surface (okada.cpp, kEps) [m].
_SURFACE_EPS = 1e-6


def _finite(name: str, value) -> float:
    return frames._finite(name, value)


def _unrelaxed(model: EarthModel, depth: float) -> tuple[float, float]:
    layer = model.layer_at(depth)
    return float(layer.rheology.params()[0]), float(layer.lame_lambda)


@dataclass(frozen=True, kw_only=True)
class PointSource:
    """A point source at (``east``, ``north``) [m] and ``depth`` [m] > 0, a step at t = 0.

    Either a slip mechanism: ``strike``, ``dip``, ``rake`` [deg] (Aki & Richards) with exactly
    one of ``potency`` [m^3] (slip x area) or ``moment`` [N m] (M0 = mu P, mu the unrelaxed
    shear modulus at the source depth, resolved when solved), plus ``opening`` [m^3] and
    ``inflation`` [m^3], DC3D0's tensile (POT3) and inflation (POT4) potencies on the same
    plane; or a moment tensor ``m_ned`` (see :meth:`from_moment_tensor`).

    Raises
    ------
    ValueError
        Naming the argument: a NaN or infinite value, depth <= 0, an angle out of range
        (:func:`viscoann.frames.check_angles`), both or neither of potency and moment.
    """

    depth: float
    east: float = 0.0
    north: float = 0.0
    strike: float | None = None
    dip: float | None = None
    rake: float | None = None
    potency: float | None = None
    moment: float | None = None
    opening: float = 0.0
    inflation: float = 0.0
    m_ned: tuple[float, ...] | None = None

    def __post_init__(self):
        def set_(k, v):  # the dataclass is frozen
            object.__setattr__(self, k, v)

        for k in ("east", "north", "depth", "opening", "inflation"):
            set_(k, _finite(k, getattr(self, k)))
        if not self.depth > 0:
            raise ValueError(f"depth = {self.depth} is invalid; allowed: > 0 m")
        if self.m_ned is not None:
            given = [
                k
                for k in ("strike", "dip", "rake", "potency", "moment")
                if getattr(self, k) is not None
            ] + [k for k in ("opening", "inflation") if getattr(self, k) != 0.0]
            if given:
                raise ValueError(
                    f"{given[0]} is invalid with m_ned; allowed: a moment tensor alone"
                )
            m = tuple(np.asarray(self.m_ned, dtype=float).reshape(-1))
            if len(m) != 6:
                raise ValueError(
                    f"m_ned has {len(m)} values; allowed: 6 (Mnn, Mee, Mdd, Mne, Mnd, Med)"
                )
            for name, v in zip(("Mnn", "Mee", "Mdd", "Mne", "Mnd", "Med"), m, strict=True):
                _finite(f"m_ned.{name}", v)
            set_("m_ned", m)
            return
        for k in ("strike", "dip", "rake"):
            if getattr(self, k) is None:
                raise ValueError(f"{k} = None is invalid; allowed: degrees (or use m_ned)")
        s, d, r = frames.check_angles(self.strike, self.dip, self.rake)
        set_("strike", s), set_("dip", d), set_("rake", r)
        if (self.potency is None) == (self.moment is None):
            got = "both" if self.potency is not None else "neither"
            raise ValueError(f"potency and moment: {got} given; allowed: exactly one of them")
        k = "potency" if self.potency is not None else "moment"
        set_(k, _finite(k, getattr(self, k)))

    @classmethod
    def from_moment_tensor(cls, east, north, depth, m_ned) -> PointSource:
        """A point source of moment tensor ``m_ned`` = (Mnn, Mee, Mdd, Mne, Mnd, Med) [N m]
        (Aki & Richards, NED). When solved it becomes the potency tensor
        P = (M - lam tr(M) I / (3 lam + 2 mu)) / (2 mu) of the unrelaxed moduli at the source
        depth; in a viscoelastic source layer P is what stays fixed."""
        return cls(east=east, north=north, depth=depth, m_ned=tuple(np.ravel(m_ned)))

    def scalar_potency(self, model: EarthModel) -> float:
        """Slip potency [m^3] (``moment`` / mu at the source depth when a moment was given);
        0 for a moment-tensor source."""
        if self.m_ned is not None:
            return 0.0
        if self.potency is not None:
            return self.potency
        return self.moment / _unrelaxed(model, self.depth)[0]

    def moment_tensor(self, model: EarthModel) -> np.ndarray:
        """(Mnn, Mee, Mdd, Mne, Mnd, Med) [N m] with the unrelaxed moduli at the source depth
        (DC3D0's inflation is the isotropic mu POT4 I)."""
        if self.m_ned is not None:
            return np.array(self.m_ned)
        mu, lam = _unrelaxed(model, self.depth)
        _, _, n, s = frames.fault_vectors(self.strike, self.dip, self.rake)
        m = mu * self.scalar_potency(model) * (np.outer(s, n) + np.outer(n, s))
        m += self.opening * (lam * np.eye(3) + 2.0 * mu * np.outer(n, n))
        m += self.inflation * mu * np.eye(3)
        return frames.tensor_to_ned6(m)

    def dc3d0(self, model: EarthModel) -> list[tuple[float, float, np.ndarray]]:
        """The source as DC3D0 point sources: [(strike, dip, potency (4,))], all at this
        location; the potencies are Okada's (strike-slip, dip-slip, tensile, inflation) [m^3]
        on the plane (strike, dip) [deg]. A moment tensor gives up to three tensile sources,
        one per eigenvector of its potency tensor."""
        if self.m_ned is None:
            p, r = self.scalar_potency(model), math.radians(self.rake)
            pot = np.array([p * math.cos(r), p * math.sin(r), self.opening, self.inflation])
            return [(self.strike, self.dip, pot)]
        mu, lam = _unrelaxed(model, self.depth)
        ptens = frames.potency_tensor_from_moment(frames.tensor_from_ned6(self.m_ned), mu, lam)
        vals, vecs = np.linalg.eigh(ptens)
        scale = np.abs(vals).max()
        out = []
        for v, n in zip(vals, vecs.T, strict=True):
            if abs(v) <= 1e-15 * scale:
                continue  # a vanishing principal potency: nothing to solve
            strike, dip = frames.plane_from_normal(n)
            # A tensile potency v on the plane of normal n is the potency tensor v n n^T.
            out.append((strike, dip, np.array([0.0, 0.0, v, 0.0])))
        return out


@dataclass(frozen=True)
class RectangularFault:
    """A rectangular dislocation, uniform slip.

    Parameters
    ----------
    east, north, depth : float
        Centre of the rectangle [m]; depth > 0.
    strike, dip, rake : float
        Aki & Richards angles [deg].
    length, width : float
        Extent along strike and down dip [m], > 0; the top edge, at depth
        ``depth - width/2 sin(dip)``, must not be above the surface (a surface-breaking
        fault has it at 0, to 1 µm).
    slip : float
        Slip of the hanging wall [m] in the rake direction.
    opening : float, optional
        Tensile opening [m].

    Raises
    ------
    ValueError
        Naming the argument: NaN or infinite, an angle out of range, length or width <= 0
        (zero area), the top above the surface.
    """

    east: float
    north: float
    depth: float
    strike: float
    dip: float
    length: float
    width: float
    rake: float
    slip: float
    opening: float = 0.0
    where: str = field(default="", compare=False, repr=False)

    def __post_init__(self):
        p = f"{self.where}." if self.where else ""
        for k in ("east", "north", "depth", "length", "width", "slip", "opening"):
            object.__setattr__(self, k, _finite(p + k, getattr(self, k)))
        s, d, r = frames.check_angles(self.strike, self.dip, self.rake, where=self.where)
        object.__setattr__(self, "strike", s)
        object.__setattr__(self, "dip", d)
        object.__setattr__(self, "rake", r)
        for k in ("length", "width"):
            if not getattr(self, k) > 0:
                raise ValueError(
                    f"{p}{k} = {getattr(self, k)} is invalid; allowed: > 0 m (a patch of zero area)"
                )
        if self.top < -_SURFACE_EPS:
            raise ValueError(
                f"{p}depth = {self.depth} is invalid for width {self.width} and dip {self.dip}: "
                f"the top edge is {-self.top:g} m above the surface; allowed: "
                "depth >= width/2 sin(dip)"
            )

    @property
    def top(self) -> float:
        """Depth of the top edge [m]."""
        return self.depth - 0.5 * self.width * math.sin(math.radians(self.dip))

    @property
    def bottom(self) -> float:
        """Depth of the bottom edge [m]."""
        return self.depth + 0.5 * self.width * math.sin(math.radians(self.dip))

    @property
    def area(self) -> float:
        return self.length * self.width

    def corners(self) -> np.ndarray:
        """(4, 3) ENU corners [m] (z = -depth): top start, top end, bottom end, bottom start
        (start/end along strike)."""
        along, updip, _, _ = frames.fault_vectors(self.strike, self.dip)
        c = np.array([self.east, self.north, -self.depth])
        a, w = 0.5 * self.length * along, 0.5 * self.width * updip
        return np.array([c - a + w, c + a + w, c + a - w, c - a - w])

    def subdivide(self, n_along: int, n_down: int) -> Fault:
        """The same slip on ``n_along`` x ``n_down`` equal sub-rectangles."""
        if int(n_along) < 1 or int(n_down) < 1:
            raise ValueError(f"n_along, n_down = {n_along}, {n_down} are invalid; allowed: >= 1")
        along, updip, _, _ = frames.fault_vectors(self.strike, self.dip)
        dl, dw = self.length / n_along, self.width / n_down
        out = []
        for i in range(n_along):
            for j in range(n_down):
                xi = -0.5 * self.length + (i + 0.5) * dl
                eta = 0.5 * self.width - (j + 0.5) * dw
                c = np.array([self.east, self.north, -self.depth]) + xi * along + eta * updip
                out.append(
                    RectangularFault(
                        c[0],
                        c[1],
                        -c[2],
                        self.strike,
                        self.dip,
                        dl,
                        dw,
                        self.rake,
                        self.slip,
                        self.opening,
                    )
                )
        return Fault(out)


# Columns of a fault file: name -> (RectangularFault field, factor to SI).
_COLUMNS = {
    "depth_km": ("depth", 1e3),
    "strike_deg": ("strike", 1.0),
    "dip_deg": ("dip", 1.0),
    "length_km": ("length", 1e3),
    "width_km": ("width", 1e3),
    "rake_deg": ("rake", 1.0),
    "slip_m": ("slip", 1.0),
}


class Fault:
    """A fault of rectangular patches (:class:`RectangularFault`), superposed.

    Raises
    ------
    ValueError
        No patches, or an entry that is not a RectangularFault.
    """

    def __init__(self, patches):
        patches = list(patches)
        if not patches:
            raise ValueError("patches is empty; allowed: one or more RectangularFault")
        for i, p in enumerate(patches):
            if not isinstance(p, RectangularFault):
                raise ValueError(f"patches[{i}] is a {type(p).__name__}; allowed: RectangularFault")
        self.patches = patches

    def __len__(self) -> int:
        return len(self.patches)

    def __iter__(self):
        return iter(self.patches)

    def __getitem__(self, i):
        return self.patches[i]

    def __repr__(self) -> str:
        return f"Fault({len(self)} patches)"

    @classmethod
    def from_file(cls, path, origin=None) -> Fault:
        """Read patches from CSV or JSON.

        Columns (CSV header; JSON: a list of objects with these keys, or an object with
        ``"patches"`` and optionally ``"origin": [lon, lat]``): ``east_km, north_km`` (or
        ``lon_deg, lat_deg``, projected around ``origin`` as in
        :meth:`viscoann.Stations.from_lonlat`) of the patch centre, ``depth_km`` of the
        centre, ``strike_deg, dip_deg, rake_deg`` (Aki & Richards), ``length_km`` along
        strike, ``width_km`` down dip, ``slip_m``, optional ``opening_m``. CSV lines starting
        with ``#`` are comments.

        Raises
        ------
        ValueError
            Naming the file, the row and the column: a missing column or a bad value.
        """
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".json":
            doc = json.loads(path.read_text())
            if isinstance(doc, dict):
                if origin is None and "origin" in doc:
                    origin = doc["origin"]
                rows = doc.get("patches")
            else:
                rows = doc
            if not isinstance(rows, list):
                raise ValueError(f"{path}: expected a list of patches or {{'patches': [...]}}")
        elif suffix == ".csv":
            with path.open(newline="") as f:
                lines = [ln for ln in f if ln.strip() and not ln.lstrip().startswith("#")]
            rows = list(csv.DictReader(lines, skipinitialspace=True))
        else:
            raise ValueError(f"{path}: suffix {suffix!r} is invalid; allowed: .csv or .json")
        if not rows:
            raise ValueError(f"{path}: no patches")
        return cls(_patches_from_rows(path, rows, origin))


def _patches_from_rows(path, rows, origin):
    keys = set(rows[0])
    if {"east_km", "north_km"} <= keys:
        position = ("east_km", "north_km")
    elif {"lon_deg", "lat_deg"} <= keys:
        position = ("lon_deg", "lat_deg")
        if origin is None:
            raise ValueError(f"{path}: lon_deg/lat_deg columns need an origin (lon, lat)")
    else:
        raise ValueError(f"{path}: missing columns east_km, north_km (or lon_deg, lat_deg)")
    missing = [c for c in _COLUMNS if c not in keys]
    if missing:
        raise ValueError(f"{path}: missing column {missing[0]}")

    def number(i, row, col):
        try:
            return float(row[col])
        except (TypeError, ValueError, KeyError):
            raise ValueError(
                f"{path}: row {i} column {col} = {row.get(col)!r} is invalid; allowed: a number"
            ) from None

    a = np.array([number(i, r, position[0]) for i, r in enumerate(rows)])
    b = np.array([number(i, r, position[1]) for i, r in enumerate(rows)])
    if position[0] == "lon_deg":
        from .projection import LocalProjection

        east, north = LocalProjection(origin).forward(a, b)
    else:
        east, north = a * 1e3, b * 1e3
    out = []
    for i, row in enumerate(rows):
        kw = {f: number(i, row, c) * k for c, (f, k) in _COLUMNS.items()}
        opening = number(i, row, "opening_m") if row.get("opening_m") not in (None, "") else 0.0
        try:
            out.append(
                RectangularFault(
                    east=east[i], north=north[i], opening=opening, where=f"row {i}", **kw
                )
            )
        except ValueError as err:
            raise ValueError(f"{path}: {err}") from None
    return out
