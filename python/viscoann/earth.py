"""Layered Earth models and shear rheologies (docs/design.md, "Conventions"), SI units.

Each layer has an unrelaxed Lamé ``lam`` [Pa] and a shear rheology; the bulk modulus
K = lam + 2 mu/3 is purely elastic, so lambda(s) = K - 2 mu(s)/3 in the Laplace domain.
Validation (finite, positive values) happens in the C++ core when a model is solved.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

__all__ = ["Burgers", "Maxwell", "StandardLinearSolid", "Elastic", "Layer", "EarthModel"]

_INF = math.inf


@dataclass(frozen=True, eq=False)
class Burgers:
    """Burgers body: Maxwell element (``mu_M`` [Pa], ``eta_M`` [Pa s]) in series with a
    Kelvin–Voigt element (``mu_K`` [Pa], ``eta_K`` [Pa s]).

    Laplace-domain shear modulus 1/mu(s) = 1/mu_M + 1/(eta_M s) + 1/(mu_K + eta_K s), evaluated
    in the C++ core (cpp/src/rheology.cpp). ``eta_K = inf`` gives a Maxwell body, ``eta_M =
    inf`` a standard linear solid; :class:`Maxwell`, :class:`StandardLinearSolid` and
    :class:`Elastic` are those special cases. Bodies compare equal when their four parameters
    do, whichever class built them.
    """

    mu_M: float
    eta_M: float
    mu_K: float
    eta_K: float

    def params(self) -> tuple[float, float, float, float]:
        """(mu_M, eta_M, mu_K, eta_K) as the core expects them."""
        return (float(self.mu_M), float(self.eta_M), float(self.mu_K), float(self.eta_K))

    def __eq__(self, other):
        if not isinstance(other, Burgers):
            return NotImplemented
        return self.params() == other.params()

    def __hash__(self):
        return hash(self.params())


class Maxwell(Burgers):
    """Maxwell body: spring ``mu`` [Pa] in series with dashpot ``eta`` [Pa s]; relaxation time
    eta/mu. A :class:`Burgers` body with an infinite Kelvin viscosity."""

    def __init__(self, mu: float, eta: float):
        super().__init__(mu, eta, _INF, _INF)

    @property
    def mu(self) -> float:
        return self.mu_M

    @property
    def eta(self) -> float:
        return self.eta_M

    def __repr__(self) -> str:
        return f"Maxwell(mu={self.mu_M!r}, eta={self.eta_M!r})"


class StandardLinearSolid(Burgers):
    """Standard linear solid: spring ``mu_M`` [Pa] in series with a Kelvin–Voigt element
    (``mu_K`` [Pa], ``eta_K`` [Pa s]). Unrelaxed modulus mu_M, relaxed modulus
    mu_M mu_K/(mu_M + mu_K), relaxation time eta_K/(mu_M + mu_K). A :class:`Burgers` body
    with an infinite Maxwell viscosity."""

    def __init__(self, mu_M: float, mu_K: float, eta_K: float):
        super().__init__(mu_M, _INF, mu_K, eta_K)

    def __repr__(self) -> str:
        return f"StandardLinearSolid(mu_M={self.mu_M!r}, mu_K={self.mu_K!r}, eta_K={self.eta_K!r})"


class Elastic(Burgers):
    """Elastic shear modulus ``mu`` [Pa]: a :class:`Burgers` body whose dashpots are both
    infinite (it never relaxes)."""

    def __init__(self, mu: float):
        super().__init__(mu, _INF, _INF, _INF)

    @property
    def mu(self) -> float:
        return self.mu_M

    def __repr__(self) -> str:
        return f"Elastic(mu={self.mu_M!r})"


@dataclass(frozen=True)
class Layer:
    """A layer of ``thickness`` [m] (None for the half-space) with shear ``rheology`` and
    unrelaxed Lamé ``lam`` [Pa] (default: equal to the unrelaxed mu, Poisson's ratio 0.25)."""

    thickness: float | None
    rheology: Burgers
    lam: float | None = None

    @property
    def lame_lambda(self) -> float:
        return float(self.rheology.mu_M if self.lam is None else self.lam)


@dataclass(frozen=True)
class EarthModel:
    """Layers from the free surface down over a half-space (``halfspace.thickness`` is None)."""

    layers: list[Layer] = field(default_factory=list)
    halfspace: Layer = None  # type: ignore[assignment]

    def __post_init__(self):
        if self.halfspace is None:
            raise ValueError("halfspace is required (a Layer with thickness None)")
        object.__setattr__(self, "layers", list(self.layers))

    @classmethod
    def canonical(cls, eta_M: float, eta_K: float = _INF) -> EarthModel:
        """The seed paper's model: 15 km elastic layer over a Burgers half-space,
        mu = lambda = 30 GPa unrelaxed, mu_M = mu_K = 30 GPa, viscosities eta_M, eta_K [Pa s].
        The member H = 15 km of :meth:`family`."""
        return cls.family(eta_M, eta_K, H=15e3)

    @classmethod
    def family(cls, eta_M: float, eta_K: float = _INF, H: float = 15e3) -> EarthModel:
        """The family of the neural kernel (docs/design.md, "The neural kernel"): an elastic
        lid of thickness ``H`` [m] (mu = lambda = 30 GPa) over a Burgers half-space
        (mu_M = mu_K = 30 GPa, lambda = 30 GPa, viscosities ``eta_M``, ``eta_K`` [Pa s];
        ``eta_K = inf``: Maxwell). The one builder of these models.

        Raises
        ------
        ValueError
            ``H`` not finite > 0 (the viscosities are checked by the core when solved).
        """
        H = float(H)
        if not (math.isfinite(H) and H > 0):
            raise ValueError(f"H = {H!r} is invalid; allowed: finite > 0 m")
        mu = 30e9
        return cls(
            layers=[Layer(H, Elastic(mu), lam=mu)],
            halfspace=Layer(None, Burgers(mu, float(eta_M), mu, float(eta_K)), lam=mu),
        )

    def relaxation_time(self) -> float:
        """The longest relaxation time [s] of the model's viscous elements (eta/mu of every
        Maxwell and Kelvin element, per layer); 0 for an elastic model."""
        out = 0.0
        for layer in [*self.layers, self.halfspace]:
            mu_M, eta_M, mu_K, eta_K = layer.rheology.params()
            for eta, mu in ((eta_M, mu_M), (eta_K, mu_K)):
                if math.isfinite(eta) and mu > 0:
                    out = max(out, eta / mu)
        return out

    def interfaces(self) -> list[float]:
        """Depths [m] of the bottoms of ``layers`` (the interfaces), top down."""
        z, out = 0.0, []
        for layer in self.layers:
            z += float(layer.thickness)
            out.append(z)
        return out

    def layer_index(self, depth: float) -> int:
        """Index of the layer holding ``depth`` [m] (``len(layers)``: the half-space); a depth
        on an interface belongs to the layer above, as in the C++ core."""
        for i, z in enumerate(self.interfaces()):
            if depth <= z:
                return i
        return len(self.layers)

    def layer_at(self, depth: float) -> Layer:
        """The layer (or the half-space) holding ``depth`` [m]; see :meth:`layer_index`."""
        i = self.layer_index(depth)
        return self.layers[i] if i < len(self.layers) else self.halfspace

    def columns(self) -> list[np.ndarray]:
        """Per-layer columns (thickness, lam, mu_M, eta_M, mu_K, eta_K), half-space last."""
        rows = []
        for i, layer in enumerate([*self.layers, self.halfspace]):
            half = i == len(self.layers)
            if not half and layer.thickness is None:
                raise ValueError(f"layers[{i}].thickness = None is invalid; allowed: finite > 0 m")
            thick = 0.0 if half else float(layer.thickness)
            rows.append((thick, layer.lame_lambda, *layer.rheology.params()))
        return [np.array(c, dtype=float) for c in zip(*rows, strict=True)]
