"""The neural kernel (docs/design.md, "The neural kernel"): one network for every mechanism,
fault and elastic-lid thickness of the family

    elastic lid of thickness H (mu = lambda = 30 GPa) over a Burgers half-space
    (mu_M = mu_K = 30 GPa, lambda = 30 GPa; eta_M, eta_K, or Maxwell with eta_K = inf).

It learns the layered remainder (the field minus the lid's Okada) of the four elementary point
sources as ten radial functions g_f(r; d, t, eta_M, eta_K, H) = w(x) H^-2 sum_k c_fk
psi_fk(r/H), a net for the coefficients c of (d/H, t/tau_M, t/tau_K) and a radial basis psi
tabulated in rho = r/H (H is the family's only length; model file format v3,
:mod:`viscoann.export`); w vanishes at t = 0, so u(0) is Okada's exactly and u(t) - u(0) is the
learned remainder alone. Sources, stations, the exact azimuthal factors, Okada's part and the
quadrature of rectangles are the exact solver's (:mod:`viscoann.exact_sources`): the kernel is
a provider of radial functions in place of the exact tables. Derivatives (velocity, the
Jacobian in log10 of eta_M, eta_K, H) are forward-mode through the net in the engine, never
differences.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np

from . import _core, exact_sources
from .conventions import threads_count
from .earth import EarthModel
from .surrogate import OutOfDomainWarning

__all__ = ["NeuralKernel", "PreparedKernel"]

#: The parameters a Jacobian may name, and the engine's quantity for each.
_DERIVATIVES = {"eta_M": "d_log10_eta_M", "eta_K": "d_log10_eta_K", "H": "d_H"}


def _options(options) -> tuple[float, int]:
    """(tol, native threads) from a call's keywords; anything else is refused."""
    tol = options.pop("tol", 1e-5)
    threads = threads_count(options.pop("threads", None))
    if options:
        raise ValueError(f"{sorted(options)[0]} is not an option; allowed: tol, threads")
    return tol, threads


def _models(eta_M, eta_K, H):
    """(many, eta_M, eta_K, H): the parameters broadcast to one length E as contiguous float
    arrays, ``many`` whether any was given as an array."""
    arrays = [np.asarray(v, dtype=float) for v in (eta_M, eta_K, H)]
    many = any(a.ndim > 0 for a in arrays)
    flat = np.broadcast_arrays(*(np.atleast_1d(a) for a in arrays))
    return (many, *(np.ascontiguousarray(a.ravel()) for a in flat))


def _jacobian_names(jacobian) -> tuple:
    names = tuple(jacobian or ())
    for n in names:
        if n not in _DERIVATIVES:
            raise ValueError(f"jacobian names {n!r}; allowed: {tuple(_DERIVATIVES)}")
    return names


class _SharedKernelTables:
    """The kernel as a tables provider whose coefficient rows (the net's output) are computed
    once per source depth and reused by every call at that depth (the patches of a cycle's
    fault share the depths of their quadrature rows); each call then only synthesises."""

    def __init__(self, kernel, times, eta_M, eta_K, H, quantity, threads):
        self.kernel, self.times, self.quantity, self.threads = kernel, times, quantity, threads
        self.params = [np.array([v], dtype=float) for v in (eta_M, eta_K, H)]
        self.spacing = kernel.info["rho_spacing"] * float(H)
        self._rows = {}

    def remainder(self, depth, tensors, x, y, r_max):
        key = float(depth)
        if key not in self._rows:
            c = self.kernel._engine.coefficients(
                key, *self.params, self.times, quantities=(self.quantity,), threads=self.threads
            )
            self._rows[key] = np.ascontiguousarray(c[0, 0])  # (T, 10, K)
        return _core.basis_synthesis(
            self.kernel._basis(),
            self.spacing,
            self._rows[key],
            np.ascontiguousarray(tensors, dtype=float),
            np.ascontiguousarray(x, dtype=float),
            np.ascontiguousarray(y, dtype=float),
            self.threads,
        )


class NeuralKernel:
    """A trained kernel (a model file of format v3).

    Build with :meth:`pretrained` (the shipped kernel), :meth:`load` or :meth:`from_bytes`.
    ``family`` holds the trained ranges (SI): H, eta_M, eta_K, depth_margin, r_max, t_max.
    """

    def __init__(self, engine, path=None, data=None):
        self._engine = engine
        self.path, self._data, self._basis_cache = path, data, None
        self.info = dict(engine.info)
        keys = ("H", "depth_margin", "eta_M", "eta_K", "maxwell", "r_max", "t_max")
        self.family = {k: self.info[k] for k in keys}

    @classmethod
    def pretrained(cls, name: str = "kernel") -> NeuralKernel:
        """The kernel shipped with the package (``viscoann/models/<name>.safetensors``); its
        training data, settings and measured accuracy are in ``metadata["provenance"]``."""
        models = Path(__file__).resolve().parent / "models"
        path = models / f"{name}.safetensors"
        if not path.is_file():
            have = sorted(p.stem for p in models.glob("kernel*.safetensors"))
            raise ValueError(f"name = {name!r} is not a shipped kernel; shipped: {have}")
        return cls.load(path)

    @classmethod
    def load(cls, path) -> NeuralKernel:
        """Read a model file (the strict native reader: FormatError naming what is wrong)."""
        data = Path(path).read_bytes()
        return cls(_core.Kernel.from_bytes(data), path=Path(path), data=data)

    @classmethod
    def from_bytes(cls, data: bytes) -> NeuralKernel:
        return cls(_core.Kernel.from_bytes(bytes(data)), data=bytes(data))

    def _basis(self) -> np.ndarray:
        """The radial basis (10, K, n_r) as float64, read from the file once."""
        if self._basis_cache is None:
            from . import export

            self._basis_cache = np.ascontiguousarray(export.read(self._data)["basis"], dtype=float)
        return self._basis_cache

    @property
    def metadata(self) -> dict:
        """The file's metadata document (provenance included)."""
        import json

        return json.loads(self._engine.metadata_json)

    def __repr__(self) -> str:
        return f"NeuralKernel(K={self.info['n_modes']}, path={str(self.path)!r})"

    def model(self, eta_M, eta_K=math.inf, H=15e3) -> EarthModel:
        """The family member of these parameters (what the exact solver would be given)."""
        return EarthModel.family(eta_M, eta_K, H)

    # ---- fields ---------------------------------------------------------------------------
    def displacement(
        self, source, stations, times, eta_M, eta_K=math.inf, H=15e3, jacobian=None, **options
    ):
        """Surface displacement (T, S, 3) [m] of ``source`` (as :func:`viscoann.exact.displacement`)
        at ``stations`` and ``times`` [s] after the slip, in the family member (eta_M, eta_K, H).

        ``eta_M``, ``eta_K``, ``H`` may be arrays of one length E (many models in one call):
        the result is then (E, T, S, 3). ``jacobian``: names among ("eta_M", "eta_K", "H");
        returns (u, J) with J (..., T, S, 3, len(jacobian)) = d u / d log10 p, through the net.
        ``options``: ``tol`` (the quadrature of rectangles, default 1e-5), ``threads``.

        Warns OutOfDomainWarning for untrained but physical inputs (H, eta, times beyond the
        family, a source within the depth margin of the surface or the lid's base); raises
        ValueError naming the value and the range for impossible ones (eta <= 0, H <= 0, a
        source at or below the lid's base, which this kernel does not represent, stations
        beyond the basis, (n_r - 3) rho_spacing H from a source: 482 km at H = 15 km for the
        shipped kernel).
        """
        return self._field(source, stations, times, eta_M, eta_K, H, jacobian, False, options)

    def velocity(
        self, source, stations, times, eta_M, eta_K=math.inf, H=15e3, jacobian=None, **options
    ):
        """Surface velocity (T, S, 3) [m/s] at ``times`` > 0, d/dt through the net (arguments
        as :meth:`displacement`)."""
        return self._field(source, stations, times, eta_M, eta_K, H, jacobian, True, options)

    def _field(self, source, stations, times, eta_M, eta_K, H, jacobian, velocity, options):
        tol, th = _options(options)
        t = exact_sources._check_times(times, velocity)
        names = _jacobian_names(jacobian)
        if names and velocity:
            raise ValueError("jacobian is available for displacement only")
        many, eM, eK, hH = _models(eta_M, eta_K, H)
        self._check(source, stations, t, eM, eK, hH)
        # The models of one lid share its quadrature (and Okada's part): one engine call each.
        u = np.empty((eM.size, t.size, len(stations), 3))
        J = np.empty((*u.shape, len(names)))
        for h in np.unique(hH):
            sel = np.flatnonzero(hH == h)
            pk = PreparedKernel(self, source, stations, t, float(h), tol, th, velocity)
            u[sel], J[sel] = pk._evaluate(eM[sel], eK[sel], hH[sel], names)
        if not names:
            return u if many else u[0]
        return (u, J) if many else (u[0], J[0])

    def _check(self, source, stations, t, eM, eK, hH, depths=None):
        """Impossible inputs raise (before any work); untrained ones warn. ``depths``: the
        sources' top and bottom depths, if known (a prepared kernel's)."""
        for name, v, allow_inf in (("eta_M", eM, False), ("eta_K", eK, True), ("H", hH, False)):
            bad = ~(v > 0) | (~np.isfinite(v) if not allow_inf else np.isnan(v))
            if bad.any():
                rng = "> 0 Pa s, or inf (Maxwell)" if allow_inf else "finite > 0"
                raise ValueError(f"{name} = {float(v[bad][0]):g} is invalid; allowed: {rng}")
        fam = self.family
        depths = _source_depths(source) if depths is None else depths
        top, bottom = min(depths), max(depths)
        if bottom >= hH.min():
            raise ValueError(
                f"a source reaches depth {bottom:.6g} m, at or below the lid's base H = "
                f"{hH.min():.6g} m; allowed: sources within the elastic lid (0, H)"
            )
        issues = []
        (h0, h1), (m0, m1), (k0, k1) = fam["H"], fam["eta_M"], fam["eta_K"]
        if ((hH < h0) | (hH > h1)).any():
            issues.append(f"H outside [{h0:.6g}, {h1:.6g}] m")
        if ((eM < m0) | (eM > m1)).any():
            issues.append(f"eta_M outside [{m0:.3g}, {m1:.3g}] Pa s")
        kelvin = np.isfinite(eK)
        if ((eK[kelvin] < k0) | (eK[kelvin] > k1)).any():
            issues.append(f"eta_K outside [{k0:.3g}, {k1:.3g}] Pa s or inf")
        if t.max(initial=0.0) > fam["t_max"]:
            issues.append(f"times beyond {fam['t_max']:.6g} s")
        m = fam["depth_margin"]
        if top < m or bottom > hH.min() - m:
            issues.append(f"source depths outside [{m:.6g} m, H - {m:.6g} m]")
        if issues:
            warnings.warn(
                "untrained inputs (the kernel extrapolates): " + "; ".join(issues),
                OutOfDomainWarning,
                stacklevel=4,
            )

    def describe(self, **rheology) -> dict:
        return {"backend": "neural-kernel", "path": str(self.path), **self.info}

    def responses(
        self, patches, stations, times, velocity, eta_M, eta_K=math.inf, H=15e3, **options
    ):
        """(P, T, S, 3): each patch's field (a patch may be a list: their sum) in one model,
        the net's rows of each source depth computed once for all patches (what a cycle's
        step responses ask: :mod:`viscoann.cycles`). ``options``: tol, threads."""
        tol, th = _options(options)
        t = exact_sources._check_times(times, velocity)
        _, eM, eK, hH = _models(eta_M, eta_K, H)
        if eM.size != 1:
            raise ValueError("responses takes one model: scalar eta_M, eta_K, H")
        model = EarthModel.family(float(eM[0]), float(eK[0]), float(hH[0]))
        shared = _SharedKernelTables(self, t, eM[0], eK[0], hH[0], "v" if velocity else "u", th)
        self._check(list(patches), stations, t, eM, eK, hH)
        out = np.empty((len(patches), t.size, len(stations), 3))
        for i, p in enumerate(patches):
            out[i] = exact_sources._field(
                model, p, stations, t, velocity=velocity, tables=shared, tol=tol, threads=th
            )
        return out

    def prepare(self, source, stations, times, H_min=None, tol=1e-5, threads=None):
        """The forward model of fixed ``source``, ``stations`` and ``times`` for many
        rheologies (a fit's, an MCMC's): :class:`PreparedKernel`.

        Okada's part is the same for every member of the family (the lid's moduli are
        fixed), and so are the quadrature nodes once chosen: for the thinnest lid ``H_min`` [m]
        the fit will ask (default: the family's smallest, raised to the deepest source plus the
        depth margin), which is the finest quadrature (nodes within the remainder's decay
        depth 2H - d), so thicker lids are served at least as accurately."""
        t = exact_sources._check_times(times, False)
        depths = _source_depths(source)
        floor = max(depths) + self.family["depth_margin"]
        H_q = max(float(H_min) if H_min is not None else self.family["H"][0], floor)
        return PreparedKernel(self, source, stations, t, H_q, tol, threads_count(threads))


class _Recorder:
    """A tables provider that keeps the remainder's requests (point sources and quadrature
    nodes per depth) and answers zero: the exact machinery then returns Okada's part alone."""

    def __init__(self, times):
        self.times, self.calls = times, {}

    def remainder(self, depth, tensors, x, y, r_max):
        self.calls.setdefault(float(depth), []).append((tensors, x, y))
        return np.zeros((self.times.size, x.shape[1], 3))


class PreparedKernel:
    """A :class:`NeuralKernel` bound to fixed sources, stations and times
    (:meth:`NeuralKernel.prepare`): Okada's part and the quadrature nodes are computed once;
    each call evaluates the remainder for arrays of models in one engine call: every (source
    depth, model, time) row through the net together."""

    def __init__(self, kernel, source, stations, times, H_quadrature, tol, threads, velocity=False):
        self.kernel, self.source, self.stations, self.times = kernel, source, stations, times
        self.H_quadrature, self.threads, self.velocity = H_quadrature, threads, velocity
        self.extent = _source_depths(source)
        rec = _Recorder(times)
        model = EarthModel.family(1e19, math.inf, H_quadrature)  # rheology: unused by Okada's
        self.okada = exact_sources._field(
            model, source, stations, times, velocity=velocity, tables=rec, tol=tol, threads=threads
        )
        # The quadrature's sources by depth, concatenated: one engine call for all depths.
        calls = list(rec.calls.items())
        self.depths = np.array([d for d, _ in calls])
        self.start = np.cumsum([0] + [sum(len(c[0]) for c in cs) for _, cs in calls])
        parts = [c for _, cs in calls for c in cs]
        empty = (np.zeros((0, 6)), np.zeros((0, len(stations))), np.zeros((0, len(stations))))
        self.tensors, self.x, self.y = (
            np.ascontiguousarray(
                np.concatenate([c[j] for c in parts]) if parts else empty[j], float
            )
            for j in range(3)
        )

    def __repr__(self) -> str:
        return (
            f"PreparedKernel({len(self.depths)} source depths, {len(self.stations)} stations, "
            f"{self.times.size} times, quadrature for H >= {self.H_quadrature:.6g} m)"
        )

    def displacement(self, eta_M, eta_K=math.inf, H=15e3, jacobian=None):
        """(E, T, S, 3) [m] for arrays of E models (scalars: (T, S, 3)); ``jacobian`` as
        :meth:`NeuralKernel.displacement` (d u / d log10 p, through the net)."""
        many, eM, eK, hH = _models(eta_M, eta_K, H)
        if (hH < self.H_quadrature).any():
            raise ValueError(
                f"H = {float(hH.min()):.6g} m is invalid for this PreparedKernel; allowed: >= "
                f"{self.H_quadrature:.6g} m (its quadrature's lid; prepare with a smaller H_min)"
            )
        names = _jacobian_names(jacobian)
        self.kernel._check(self.source, self.stations, self.times, eM, eK, hH, self.extent)
        u, J = self._evaluate(eM, eK, hH, names)
        if names:
            return (u, J) if many else (u[0], J[0])
        return u if many else u[0]

    def _evaluate(self, eM, eK, hH, names):
        """(u (E, T, S, 3), J (E, T, S, 3, len(names))) for checked models: the remainder of
        every source depth, model and quantity in one engine call, plus Okada's part."""
        q = ("v" if self.velocity else "u", *(_DERIVATIVES[n] for n in names))
        out = self.kernel._engine.remainder_depths(
            self.depths,
            self.start,
            eM,
            eK,
            hH,
            self.times,
            self.tensors,
            self.x,
            self.y,
            quantities=q,
            threads=self.threads,
        )
        J = np.moveaxis(out[:, 1:], 1, -1)
        if "H" in names:
            J[..., names.index("H")] *= math.log(10.0) * hH[:, None, None, None]
        return out[:, 0] + self.okada[None], J


def _source_depths(source) -> list[float]:
    """Top and bottom depths [m] of every source."""
    out = []
    for s in exact_sources._sources(source):
        if hasattr(s, "top"):
            out += [s.top, s.bottom]
        else:
            out.append(s.depth)
    return out
