"""Layered Earth models and shear rheologies (DESIGN §3), SI units.

Each layer has an unrelaxed Lamé ``lam`` [Pa] and a shear rheology; the bulk modulus
K = lam + 2 mu/3 is purely elastic, so lambda(s) = K - 2 mu(s)/3 in the Laplace domain.
Validation (finite, positive values) happens in the C++ core when a model is solved.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

__all__ = ["Elastic", "Maxwell", "StandardLinearSolid", "Burgers", "Layer", "EarthModel"]

_INF = math.inf


@dataclass(frozen=True)
class Burgers:
    """Burgers body: Maxwell element (``mu_M`` [Pa], ``eta_M`` [Pa s]) in series with a
    Kelvin–Voigt element (``mu_K`` [Pa], ``eta_K`` [Pa s]).

    Laplace-domain shear modulus 1/mu(s) = 1/mu_M + 1/(eta_M s) + 1/(mu_K + eta_K s).
    ``eta_K = inf`` gives a Maxwell body, ``eta_M = inf`` a standard linear solid.
    """

    mu_M: float
    eta_M: float
    mu_K: float
    eta_K: float

    def params(self) -> tuple[float, float, float, float]:
        """(mu_M, eta_M, mu_K, eta_K) as the core expects them."""
        return (float(self.mu_M), float(self.eta_M), float(self.mu_K), float(self.eta_K))

    def shear_modulus(self, s):
        """mu(s) [Pa] at complex Laplace variable(s) ``s`` [1/s] (numpy broadcasting)."""
        mu_M, eta_M, mu_K, eta_K = self.params()
        s = np.asarray(s, dtype=complex)
        c = 1.0 / mu_M + (0 if math.isinf(eta_M) else 1.0 / (eta_M * s))
        c = c + (0 if math.isinf(eta_K) else 1.0 / (mu_K + eta_K * s))
        return 1.0 / c

    @property
    def unrelaxed(self) -> float:
        """Instantaneous shear modulus [Pa] (mu_M)."""
        return float(self.mu_M)

    @property
    def relaxed(self) -> float:
        """Long-time shear modulus [Pa]: 0 with a finite eta_M, else mu_M mu_K/(mu_M + mu_K)."""
        mu_M, eta_M, mu_K, eta_K = self.params()
        if not math.isinf(eta_M):
            return 0.0
        if not math.isinf(eta_K):
            return mu_M * mu_K / (mu_M + mu_K)
        return mu_M


def Elastic(mu: float) -> Burgers:
    """Elastic shear modulus ``mu`` [Pa] (a Burgers body with both dashpots infinite)."""
    return Burgers(mu, _INF, _INF, _INF)


def Maxwell(mu: float, eta: float) -> Burgers:
    """Maxwell body: spring ``mu`` [Pa] in series with dashpot ``eta`` [Pa s];
    relaxation time eta/mu."""
    return Burgers(mu, eta, _INF, _INF)


def StandardLinearSolid(mu_M: float, mu_K: float, eta_K: float) -> Burgers:
    """Standard linear solid (Burgers with eta_M = inf): spring ``mu_M`` [Pa] in series with a
    Kelvin–Voigt element (``mu_K`` [Pa], ``eta_K`` [Pa s]). Unrelaxed modulus mu_M, relaxed
    modulus mu_M mu_K/(mu_M + mu_K), relaxation time eta_K/(mu_M + mu_K)."""
    return Burgers(mu_M, _INF, mu_K, eta_K)


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
        mu = lambda = 30 GPa unrelaxed, mu_M = mu_K = 30 GPa, viscosities eta_M, eta_K [Pa s]."""
        mu = 30e9
        return cls(
            layers=[Layer(15e3, Elastic(mu), lam=mu)],
            halfspace=Layer(None, Burgers(mu, float(eta_M), mu, float(eta_K)), lam=mu),
        )

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
