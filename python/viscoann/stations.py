"""Observation stations on the free surface, ENU metres around the origin of the problem."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

__all__ = ["Stations"]


class Stations:
    """Surface stations at (``east``, ``north``) [m] with optional ``names``.

    Attributes
    ----------
    east, north : ndarray, (S,)
    names : tuple of str, (S,)
        ``"S0", "S1", ...`` when not given.
    lon, lat : ndarray (S,) or None
        Geographic positions [deg] when built from them.

    Raises
    ------
    ValueError
        Naming the argument: not 1-D, unequal lengths, empty, NaN or infinite, names of the
        wrong length or repeated.
    """

    def __init__(self, east, north, names=None):
        e = np.atleast_1d(np.asarray(east, dtype=float))
        n = np.atleast_1d(np.asarray(north, dtype=float))
        for name, a in (("east", e), ("north", n)):
            if a.ndim != 1:
                raise ValueError(f"{name} has shape {a.shape}; allowed: 1-D (S,)")
            bad = ~np.isfinite(a)
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise ValueError(f"{name}[{i}] = {a[i]} is invalid; allowed: finite metres")
        if e.size != n.size or e.size == 0:
            raise ValueError(
                f"east and north have lengths {e.size} and {n.size}; allowed: equal, >= 1"
            )
        if names is None:
            names = [f"S{i}" for i in range(e.size)]
        names = tuple(str(s) for s in names)
        if len(names) != e.size:
            raise ValueError(f"names has {len(names)} entries; allowed: {e.size} (one a station)")
        if len(set(names)) != len(names):
            dup = next(s for s in names if names.count(s) > 1)
            raise ValueError(f"names: {dup!r} is repeated; allowed: unique names")
        self.east, self.north, self.names = e, n, names
        self.lon = self.lat = None

    def __len__(self) -> int:
        return self.east.size

    def __repr__(self) -> str:
        return f"Stations({len(self)})"

    @classmethod
    def from_lonlat(cls, lon, lat, origin, names=None) -> Stations:
        """Stations at geographic (``lon``, ``lat``) [deg], projected to ENU metres around
        ``origin`` = (lon, lat) [deg] by :class:`viscoann.projection.LocalProjection`
        (azimuthal equidistant; small-region assumption: a warning past 500 km, an error past
        2000 km from the origin)."""
        from .projection import LocalProjection

        lon = np.atleast_1d(np.asarray(lon, dtype=float))
        lat = np.atleast_1d(np.asarray(lat, dtype=float))
        if lon.shape != lat.shape or lon.ndim != 1:
            raise ValueError(f"lon, lat have shapes {lon.shape}, {lat.shape}; allowed: equal 1-D")
        east, north = LocalProjection(origin).forward(lon, lat)
        out = cls(east, north, names)
        out.lon, out.lat = lon, lat
        return out

    @classmethod
    def from_file(cls, path, origin=None) -> Stations:
        """Read stations from a CSV file with a header: ``name`` (optional) and
        ``east_km, north_km`` or ``lon_deg, lat_deg`` (then ``origin`` is needed, see
        :meth:`from_lonlat`). Lines starting with ``#`` are comments.

        Raises
        ------
        ValueError
            Naming the file, row and column of a missing or bad value.
        """
        path = Path(path)
        with path.open(newline="") as f:
            lines = [ln for ln in f if ln.strip() and not ln.lstrip().startswith("#")]
        rows = list(csv.DictReader(lines, skipinitialspace=True))
        if not rows:
            raise ValueError(f"{path}: no stations")
        keys = set(rows[0])
        if {"east_km", "north_km"} <= keys:
            cols = ("east_km", "north_km")
        elif {"lon_deg", "lat_deg"} <= keys:
            cols = ("lon_deg", "lat_deg")
        else:
            raise ValueError(f"{path}: missing columns east_km, north_km (or lon_deg, lat_deg)")

        def number(i, row, col):
            try:
                return float(row[col])
            except (TypeError, ValueError):
                raise ValueError(
                    f"{path}: row {i} column {col} = {row[col]!r} is invalid; allowed: a number"
                ) from None

        a = [number(i, r, cols[0]) for i, r in enumerate(rows)]
        b = [number(i, r, cols[1]) for i, r in enumerate(rows)]
        names = [r["name"] for r in rows] if "name" in keys else None
        if cols[0] == "lon_deg":
            if origin is None:
                raise ValueError(f"{path}: lon_deg/lat_deg columns need an origin (lon, lat)")
            return cls.from_lonlat(a, b, origin, names)
        return cls(np.array(a) * 1e3, np.array(b) * 1e3, names)
