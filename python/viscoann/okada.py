"""Elastic half-space: Okada (1992, BSSA 82, 1018-1040) point source (DC3D0) and finite
rectangle (DC3D), evaluated in C++ (float64, all cores).

Frame (Okada's): x along strike, y perpendicular to strike, z up; the free surface is z = 0
and observation points have z <= 0. Source depth is positive downward. SI units: metres,
degrees for the dip, potency in m^3, slip in m. alpha = (lambda + mu) / (lambda + 2 mu);
2/3 for a Poisson solid (lambda = mu). All arguments broadcast against each other (numpy
rules; ``potency`` and ``slip`` carry their components in the last axis).

Singular points (at the point source, or on an edge of the rectangle) get NaN in u and g and
raise a :class:`SingularPointWarning` with their count; ``return_flags=True`` also returns
a boolean mask of them.
"""

from __future__ import annotations

import warnings

import numpy as np

from . import _core
from .conventions import threads_count

__all__ = ["point", "rectangle", "canonical_surface", "SingularPointWarning"]


class SingularPointWarning(RuntimeWarning):
    """Some points are singular for Okada's solution; their u and g are NaN."""


def _columns(names, values):
    """Broadcast the arguments; return (shape, 1-D float64 columns of length n or 1)."""
    arrays = [np.asarray(v, dtype=np.float64) for v in values]
    try:
        shape = np.broadcast_shapes(*(a.shape for a in arrays))
    except ValueError:
        shapes = ", ".join(f"{n}{a.shape}" for n, a in zip(names, arrays, strict=True))
        raise ValueError(f"arguments do not broadcast to one shape: {shapes}") from None
    cols = [
        a.reshape(1) if a.size == 1 else np.ascontiguousarray(np.broadcast_to(a, shape)).ravel()
        for a in arrays
    ]
    return shape, cols


def _components(name, value, k):
    a = np.asarray(value, dtype=np.float64)
    if a.ndim == 0 or a.shape[-1] != k:
        raise ValueError(f"{name} must have {k} components in its last axis, got shape {a.shape}")
    return [a[..., i] for i in range(k)]


def _finish(shape, u, g, flags, n_singular, gradients, return_flags):
    u = u.reshape(shape + (3,))
    out = [u]
    if gradients:
        out.append(g.reshape(shape + (3, 3)))
    if n_singular:
        warnings.warn(
            f"{n_singular} of {flags.size} points are singular (at the source or on a fault "
            "edge); their u and g are NaN (return_flags=True gives the mask)",
            SingularPointWarning,
            stacklevel=3,
        )
    if return_flags:
        out.append(flags.reshape(shape).astype(bool))
    return out[0] if len(out) == 1 else tuple(out)


def point(
    x, y, z, depth, dip, potency, alpha=2 / 3, gradients=False, *, return_flags=False, threads=None
):
    """Displacement of point sources in an elastic half-space (Okada 1992, DC3D0).

    Parameters
    ----------
    x, y, z : array_like
        Observation points (m), Okada's frame: x along strike, y across, z up, z <= 0.
    depth : array_like
        Source depth (m), > 0.
    dip : array_like
        Dip (degrees), in [0, 90].
    potency : array_like, shape (..., 4)
        Potencies (m^3): strike-slip (left-lateral positive), dip-slip (reverse positive),
        tensile (opening positive), inflation (volume change).
    alpha : array_like, optional
        (lambda + mu) / (lambda + 2 mu), in (0, 1); 2/3 for lambda = mu.
    gradients : bool, optional
        Also return the displacement gradient.
    return_flags : bool, optional
        Also return a boolean mask of the singular points (at the source).
    threads : int, optional
        Threads to use; None or 0: all hardware threads (the default).

    Returns
    -------
    u : ndarray, shape (..., 3)
        Displacement (ux, uy, uz) in m, in Okada's frame; ... is the broadcast shape.
    g : ndarray, shape (..., 3, 3)
        With ``gradients=True``: g[..., i, j] = du_i / dx_j (dimensionless).
    singular : ndarray of bool, shape (...)
        With ``return_flags=True``.

    Raises
    ------
    ValueError
        Naming the argument and its allowed range: depth <= 0, z > 0, dip outside [0, 90],
        alpha outside (0, 1), NaN or inf anywhere, shapes that do not broadcast.
    """
    names = ["x", "y", "z", "depth", "dip", "pot1", "pot2", "pot3", "pot4", "alpha"]
    values = [x, y, z, depth, dip, *_components("potency", potency, 4), alpha]
    shape, cols = _columns(names, values)
    u, g, flags, ns = _core.okada_point(*cols, bool(gradients), threads_count(threads))
    return _finish(shape, u, g, flags, ns, gradients, return_flags)


def rectangle(
    x,
    y,
    z,
    depth,
    dip,
    al1,
    al2,
    aw1,
    aw2,
    slip,
    alpha=2 / 3,
    gradients=False,
    *,
    return_flags=False,
    threads=None,
):
    """Displacement of rectangular dislocations in an elastic half-space (Okada 1992, DC3D).

    Parameters
    ----------
    x, y, z : array_like
        Observation points (m), Okada's frame: x along strike, y across, z up, z <= 0.
    depth : array_like
        Depth of the fault's reference point (m), > 0.
    dip : array_like
        Dip (degrees), in [0, 90].
    al1, al2 : array_like
        Fault extent along strike from the reference point (m), al1 <= al2.
    aw1, aw2 : array_like
        Fault extent up-dip from the reference point (m), aw1 <= aw2, and the top
        ``depth - aw2 * sin(dip)`` not above the surface.
    slip : array_like, shape (..., 3)
        Dislocation (m): strike-slip (left-lateral positive), dip-slip (reverse positive),
        tensile (opening positive).
    alpha : array_like, optional
        (lambda + mu) / (lambda + 2 mu), in (0, 1); 2/3 for lambda = mu.
    gradients, return_flags, threads
        As for :func:`point`; singular points are those on a fault edge.

    Returns
    -------
    u : ndarray, shape (..., 3)
        Displacement (m). With ``gradients=True`` also g (..., 3, 3), g[..., i, j] = du_i/dx_j;
        with ``return_flags=True`` also the singular mask (...).

    Raises
    ------
    ValueError
        Naming the argument and its allowed range (as :func:`point`, plus al1 <= al2,
        aw1 <= aw2 and the fault top below the surface).
    """
    names = [
        "x",
        "y",
        "z",
        "depth",
        "dip",
        "al1",
        "al2",
        "aw1",
        "aw2",
        "slip[0]",
        "slip[1]",
        "slip[2]",
        "alpha",
    ]
    values = [x, y, z, depth, dip, al1, al2, aw1, aw2, *_components("slip", slip, 3), alpha]
    shape, cols = _columns(names, values)
    u, g, flags, ns = _core.okada_rectangle(*cols, bool(gradients), threads_count(threads))
    return _finish(shape, u, g, flags, ns, gradients, return_flags)


def canonical_surface(x, y, depth, alpha=2 / 3, *, threads=None):
    """Surface displacement of the canonical source (docs/design.md): fastest path.

    Vertical strike-slip point source striking along +x (DC3D0, dip 90, POT1 = 1 m^3,
    left-lateral positive) at ``depth`` (m, > 0), observed at (x, y, 0) (m; x east along
    strike, y north). Returns u (..., 3) in m per m^3 of potency.
    """
    shape, cols = _columns(["x", "y", "depth"], [x, y, depth])
    u = _core.okada_canonical_surface(*cols, float(alpha), threads_count(threads))
    return u.reshape(shape + (3,))
