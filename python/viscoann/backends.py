"""Providers of step responses for the workflows (earthquake cycles, fitting rheology): one
interface, so that the neural kernel plugs in beside the exact solver.

A backend answers ``displacement(source, stations, times, **rheology)`` and
``velocity(...)`` -> (T, S, 3), the field of the source's slip as a step at t = 0: the call of
:func:`viscoann.exact.displacement` without the model, of :class:`viscoann.exact.Store`, and of
the planned neural kernel (``net.displacement(source, stations, times, eta_M=..., ...)``).
Optional methods, used when present:

- ``responses(patches, stations, times, velocity)`` -> (P, T, S, 3): every patch's field,
  sharing work between patches (the exact backend builds each depth's tables once);
- ``lag_nodes(velocity)`` -> the only times it can answer (a store's), or None for any;
- ``relaxed(source, stations)`` -> (S, 3): the fully relaxed displacement (t -> infinity).

:func:`as_backend` turns what a user passes (an EarthModel, a Store, a kernel and its
rheology) into one of these.
"""

from __future__ import annotations

import math

import numpy as np

from . import exact_sources
from .conventions import threads_count
from .earth import EarthModel

__all__ = ["ExactModel", "ExactKernel", "StoreBackend", "as_backend", "RELAXED_TIMES"]

#: The relaxed field is taken at this many of the model's longest relaxation times: the slowest
#: approach (a fault cutting the whole lid, 2-D) is ~tau/t, so 1e-5 of the relaxed offset.
RELAXED_TIMES = 1e5
#: Options of the exact solver (everything else a caller passes is rheology).
SOLVER_OPTIONS = ("tol", "talbot_nodes", "k_refine", "r_refine", "threads", "progress")
#: The rheology parameters of the kernel family (docs/design.md, "The neural kernel").
FAMILY_PARAMS = ("eta_M", "eta_K", "H")


class _CappedTables(exact_sources.DirectTables):
    """Direct tables whose radial reach is at least ``r_cap``: shared by per-patch calls, each
    depth's tables are then built once for all of them."""

    def __init__(self, model, times, velocity, opts, r_cap):
        super().__init__(model, times, velocity, opts)
        self.r_cap = r_cap

    def remainder(self, depth, tensors, x, y, r_max):
        return super().remainder(depth, tensors, x, y, max(r_max, self.r_cap))


def _reach(patches, stations) -> float:
    """The largest distance [m] from a patch corner (or point) to a station."""
    pts = []
    flat = []
    for p in patches:
        flat.extend(p if isinstance(p, list | tuple) else getattr(p, "patches", [p]))
    for p in flat:
        if hasattr(p, "corners"):
            pts.extend(np.asarray(p.corners())[:, :2])
        else:
            pts.append((p.east, p.north))
    pts = np.asarray(pts)
    de = np.maximum(
        np.abs(stations.east.max() - pts[:, 0]), np.abs(stations.east.min() - pts[:, 0])
    )
    dn = np.maximum(
        np.abs(stations.north.max() - pts[:, 1]), np.abs(stations.north.min() - pts[:, 1])
    )
    return float(np.hypot(de, dn).max()) * 1.001 + 1.0


class ExactModel:
    """The exact solver for one Earth ``model``; ``options`` are the solver's (tol,
    talbot_nodes, k_refine, r_refine, threads, progress) as :func:`viscoann.exact.displacement`.

    ``share_tables``: per-patch responses share each source depth's tables, built once at the
    largest station distance of any patch (the wavenumber rule follows that reach, so they
    differ from one-patch solves within the solver's resolution: 6e-8 of the largest field in
    tests/test_cycles.py at k_refine = r_refine = 0.5); False solves each patch on its own.
    """

    name = "exact"

    def __init__(self, model: EarthModel, share_tables: bool = True, **options):
        if not isinstance(model, EarthModel):
            raise ValueError(f"model is a {type(model).__name__}; allowed: viscoann.EarthModel")
        bad = sorted(set(options) - set(SOLVER_OPTIONS))
        if bad:
            raise ValueError(
                f"{bad[0]} is not an option of the exact solver; allowed: {SOLVER_OPTIONS}"
            )
        self.model, self.options, self.share_tables = model, options, bool(share_tables)

    def __repr__(self) -> str:
        return f"ExactModel({self.model!r})"

    def displacement(self, source, stations, times):
        return exact_sources.displacement(self.model, source, stations, times, **self.options)

    def velocity(self, source, stations, times):
        return exact_sources.velocity(self.model, source, stations, times, **self.options)

    def responses(self, patches, stations, times, velocity, reach=None):
        """(P, T, S, 3): each patch's field (a patch may be a list: their sum), one table per
        depth for all patches, spanning ``reach`` [m] (default: every patch to every
        station)."""
        t = np.atleast_1d(np.asarray(times, dtype=float))
        o = dict(self.options)
        opts = dict(
            talbot_nodes=o.get("talbot_nodes", 20),
            k_refine=o.get("k_refine", 1.0),
            r_refine=o.get("r_refine", 1.0),
            threads=threads_count(o.get("threads")),
        )
        reach = _reach(patches, stations) if reach is None else float(reach)
        o.pop("progress", None)
        out = np.empty((len(patches), t.size, len(stations), 3))
        shared = None
        for i, p in enumerate(patches):
            if shared is None or not self.share_tables:
                shared = _CappedTables(self.model, t, velocity, opts, reach)
                if not self.share_tables:
                    shared = None
            out[i] = exact_sources._field(
                self.model, p, stations, t, velocity=velocity, tables=shared, **o
            )
        return out

    def lag_nodes(self, velocity):
        return None

    def relaxed_time(self) -> float:
        """The time [s] at which :meth:`relaxed` evaluates (0 for an elastic model)."""
        return RELAXED_TIMES * self.model.relaxation_time()

    def relaxed(self, source, stations, reach=None):
        """The fully relaxed displacement (S, 3): the field at :data:`RELAXED_TIMES` longest
        relaxation times (relative error ~1e-5 for the slowest case, a fault cutting the lid);
        with ``reach``, on tables spanning it (as :meth:`responses`)."""
        t = [self.relaxed_time()]
        if reach is None:
            return self.displacement(source, stations, t)[0]
        return self.responses([source], stations, t, False, reach=reach)[0, 0]

    def describe(self) -> dict:
        return {"backend": "exact", "model": repr(self.model)}


class StoreBackend:
    """A :class:`viscoann.exact.Store`: answers only at its times (the workflows interpolate
    between them)."""

    name = "exact-store"

    def __init__(self, store):
        self.store = store

    def displacement(self, source, stations, times):
        return self.store.displacement(source, stations, times)

    def velocity(self, source, stations, times):
        return self.store.velocity(source, stations, times)

    def lag_nodes(self, velocity):
        t = self.store.times
        return t[t > 0] if velocity else t

    def relaxed(self, source, stations):
        need = RELAXED_TIMES * self.store.model.relaxation_time()
        last = float(self.store.times.max())
        if last < need:
            raise ValueError(
                f"the store's last time {last:.6g} s is too early for the relaxed field; allowed: "
                f">= {need:.6g} s ({RELAXED_TIMES:g} relaxation times): build it with that time"
            )
        return self.store.displacement(source, stations, [last])[0]

    def describe(self) -> dict:
        return {
            "backend": "exact-store",
            "store": str(self.store.path),
            "model": repr(self.store.model),
        }


class ExactKernel:
    """The exact solver over a family of Earth models, with the interface of the neural
    kernel: ``displacement(source, stations, times, eta_M=..., eta_K=..., H=...,
    jacobian=None)``.

    ``family(**rheology) -> EarthModel`` builds the model (default
    :meth:`viscoann.EarthModel.family`); ``options`` go to the solver. The Jacobian of this
    backend is by central differences in log10 of each parameter (step ``log_step``, default
    0.01: 2 solves a parameter, error ~ (0.01 ln 10)^2 / 6 ~ 1e-5 of the derivative's scale);
    the neural kernel has its own (by automatic differentiation).
    """

    name = "exact"

    def __init__(self, family=None, log_step: float = 0.01, **options):
        if not (0 < log_step <= 0.1):
            raise ValueError(f"log_step = {log_step!r} is invalid; allowed: (0, 0.1]")
        self.family = EarthModel.family if family is None else family
        self.log_step, self.options = float(log_step), options
        ExactModel(EarthModel.family(1e19), **options)  # the options are checked now

    def __repr__(self) -> str:
        return "ExactKernel()"

    def at(self, **rheology) -> ExactModel:
        """The exact backend of one member of the family."""
        return ExactModel(self.family(**rheology), **self.options)

    def displacement(self, source, stations, times, jacobian=None, **rheology):
        """(T, S, 3) displacement; with ``jacobian`` (parameter names), also J (T, S, 3, K):
        d u / d log10 p for each named p, by central differences."""
        return self._field("displacement", source, stations, times, jacobian, rheology)

    def velocity(self, source, stations, times, jacobian=None, **rheology):
        return self._field("velocity", source, stations, times, jacobian, rheology)

    def _field(self, kind, source, stations, times, jacobian, rheology):
        u = getattr(self.at(**rheology), kind)(source, stations, times)
        if jacobian is None:
            return u
        cols = []
        for name in jacobian:
            if name not in rheology:
                raise ValueError(f"jacobian names {name!r}; allowed: one of {sorted(rheology)}")
            v = float(rheology[name])
            if not (math.isfinite(v) and v > 0):
                raise ValueError(f"{name} = {v!r} has no log10 derivative; allowed: finite > 0")
            f = 10.0**self.log_step
            up = getattr(self.at(**{**rheology, name: v * f}), kind)(source, stations, times)
            dn = getattr(self.at(**{**rheology, name: v / f}), kind)(source, stations, times)
            cols.append((up - dn) / (2.0 * self.log_step))
        return u, np.stack(cols, axis=-1)

    def describe(self, **rheology) -> dict:
        return {"backend": "exact", "model": repr(self.family(**rheology))}


class _Bound:
    """A kernel with its rheology fixed: the backend interface without rheology keywords."""

    def __init__(self, kernel, rheology):
        self.kernel, self.rheology = kernel, dict(rheology)
        self.name = getattr(kernel, "name", type(kernel).__name__)

    def displacement(self, source, stations, times):
        return self.kernel.displacement(source, stations, times, **self.rheology)

    def velocity(self, source, stations, times):
        return self.kernel.velocity(source, stations, times, **self.rheology)

    def describe(self) -> dict:
        d = getattr(self.kernel, "describe", None)
        out = d(**self.rheology) if d is not None else {"backend": self.name}
        return {**out, **{k: repr(v) for k, v in self.rheology.items()}}


class _BoundResponses(_Bound):
    """A bound kernel that also computes every patch at once (its ``responses``)."""

    def responses(self, patches, stations, times, velocity, reach=None):
        return self.kernel.responses(patches, stations, times, velocity, **self.rheology)


def as_backend(model_or_kernel, **kwargs):
    """The backend for what a user passes, with rheology and solver options in ``kwargs``:

    - an :class:`viscoann.EarthModel` -> :class:`ExactModel` (``kwargs``: solver options);
    - a :class:`viscoann.exact.Store` -> :class:`StoreBackend` (no ``kwargs``);
    - an :class:`ExactKernel` -> the exact solver of the family member named by the rheology
      in ``kwargs`` (eta_M, eta_K, H);
    - any other kernel with ``displacement``/``velocity`` taking rheology keywords (the neural
      kernel) -> bound to the rheology in ``kwargs``.

    Raises
    ------
    ValueError
        Naming the argument: an object of none of these kinds, or keywords it does not take.
    """
    from .store import Store

    if isinstance(model_or_kernel, EarthModel):
        return ExactModel(model_or_kernel, **kwargs)
    if isinstance(model_or_kernel, Store):
        if kwargs:
            raise ValueError(
                f"{sorted(kwargs)[0]} is not taken by a Store (its model and resolution are fixed)"
            )
        return StoreBackend(model_or_kernel)
    if isinstance(model_or_kernel, ExactKernel):
        solver = {k: v for k, v in kwargs.items() if k in SOLVER_OPTIONS}
        rheology = {k: v for k, v in kwargs.items() if k not in SOLVER_OPTIONS}
        kernel = model_or_kernel
        if solver:
            kernel = ExactKernel(kernel.family, kernel.log_step, **{**kernel.options, **solver})
        return kernel.at(**rheology)
    if isinstance(model_or_kernel, ExactModel | StoreBackend):
        if kwargs:
            raise ValueError(
                f"{sorted(kwargs)[0]} is not taken by a {type(model_or_kernel).__name__} "
                "(give solver options when building it)"
            )
        return model_or_kernel
    if hasattr(model_or_kernel, "displacement") and hasattr(model_or_kernel, "velocity"):
        if not kwargs and hasattr(model_or_kernel, "describe"):
            return model_or_kernel
        bound = _BoundResponses if hasattr(model_or_kernel, "responses") else _Bound
        return bound(model_or_kernel, kwargs)
    raise ValueError(
        f"model_or_kernel is a {type(model_or_kernel).__name__}; allowed: viscoann.EarthModel, "
        "viscoann.exact.Store, or a kernel with displacement/velocity (viscoann.backends)"
    )
