"""Local map projection of longitude/latitude to ENU metres around an origin (pyproj).

The solver's Earth is flat: a layered half-space. Positions are projected with the azimuthal
equidistant projection centred on the origin (WGS84), which keeps distances and azimuths from
the origin exact; distances between other points are distorted by about (r/R)^2 / 6 at a
distance r from the origin (R = 6371 km): 4e-4 at 300 km, 1e-3 at 500 km. Beyond
``WARN_DISTANCE`` a :class:`LargeRegionWarning` is raised, beyond ``MAX_DISTANCE`` (where the
flat-Earth model itself fails) a ValueError.
"""

from __future__ import annotations

import warnings

import numpy as np

__all__ = ["LocalProjection", "LargeRegionWarning", "WARN_DISTANCE", "MAX_DISTANCE"]

WARN_DISTANCE = 500e3  # m: projection distortion ~1e-3
MAX_DISTANCE = 2000e3  # m: distortion ~1.6e-2, Earth curvature no longer negligible


class LargeRegionWarning(UserWarning):
    """Points far from the projection origin: the flat-Earth, small-region assumption is
    stretched (see :mod:`viscoann.projection`)."""


def _check_lonlat(name_lon, lon, name_lat, lat):
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    for name, v, lo, hi in ((name_lon, lon, -180.0, 360.0), (name_lat, lat, -90.0, 90.0)):
        bad = ~(np.isfinite(v) & (v >= lo) & (v <= hi))
        if bad.any():
            i = int(np.flatnonzero(bad.ravel())[0])
            raise ValueError(
                f"{name}[{i}] = {v.ravel()[i]} is invalid; allowed: [{lo:g}, {hi:g}] degrees"
            )
    return lon, lat


class LocalProjection:
    """Azimuthal equidistant projection centred on ``origin`` = (lon, lat) [deg].

    Raises
    ------
    ValueError
        An origin that is not two finite (lon, lat) degrees in range.
    RuntimeError
        pyproj is not installed.
    """

    def __init__(self, origin):
        o = np.asarray(origin, dtype=float).reshape(-1)
        if o.size != 2:
            raise ValueError(f"origin = {origin!r} is invalid; allowed: (lon, lat) in degrees")
        lon0, lat0 = _check_lonlat("origin.lon", o[:1], "origin.lat", o[1:])
        self.origin = (float(lon0[0]), float(lat0[0]))
        try:
            import pyproj
        except ImportError as err:
            raise RuntimeError(
                "lon/lat positions need pyproj: pip install pyproj (or viscoann[io])"
            ) from err
        crs = pyproj.CRS.from_proj4(
            f"+proj=aeqd +lat_0={self.origin[1]!r} +lon_0={self.origin[0]!r} "
            "+datum=WGS84 +units=m +no_defs"
        )
        self._fwd = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)
        self._inv = pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True)

    def forward(self, lon, lat):
        """(lon, lat) [deg] -> (east, north) [m], arrays of the broadcast shape.

        Warns :class:`LargeRegionWarning` past ``WARN_DISTANCE`` from the origin; raises
        ValueError past ``MAX_DISTANCE`` or for an invalid lon/lat (naming it)."""
        lon, lat = _check_lonlat("lon", lon, "lat", lat)
        lon, lat = np.broadcast_arrays(lon, lat)
        e, n = self._fwd.transform(lon, lat)
        e, n = np.asarray(e, dtype=float), np.asarray(n, dtype=float)
        r = np.hypot(e, n)
        if r.size and r.max() > MAX_DISTANCE:
            i = int(np.argmax(r.ravel()))
            raise ValueError(
                f"lon/lat[{i}] = ({lon.ravel()[i]}, {lat.ravel()[i]}) is {r.max() / 1e3:.0f} km "
                f"from the origin; allowed: <= {MAX_DISTANCE / 1e3:.0f} km (flat-Earth model)"
            )
        if r.size and r.max() > WARN_DISTANCE:
            warnings.warn(
                f"points up to {r.max() / 1e3:.0f} km from the origin: the local projection "
                f"distorts distances by ~{(r.max() / 6371e3) ** 2 / 6:.1e} there, and the "
                "flat-Earth model ignores curvature",
                LargeRegionWarning,
                stacklevel=2,
            )
        return e, n

    def inverse(self, east, north):
        """(east, north) [m] -> (lon, lat) [deg]."""
        lon, lat = self._inv.transform(np.asarray(east, float), np.asarray(north, float))
        return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)

    def __repr__(self) -> str:
        return f"LocalProjection(origin={self.origin})"
