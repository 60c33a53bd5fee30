"""The float64 reference evaluation of a model file: in numpy, what the engines compute fused
(input transforms, geometry, MLP, output transform, azimuthal factors, exact elastic part), from
the file's metadata alone (format in :mod:`viscoann.export`). Training forms its features with
it; evaluation, benchmarks and tests judge the engines against it.

A ``model`` argument is a model file (path or bytes) or a model document: a dict as
:func:`viscoann.export.read` returns, or with the keyword arguments of
:func:`viscoann.export.to_bytes` plus ``weights``, ``biases``, ``activations`` (weights are
rounded to float32, as stored). :func:`features` needs only ``inputs`` and ``geometry``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from . import export, okada

#: The exact part a model file names (``elastic_part``) as a Python function
#: ``elastic(x, y, depth) -> (N, 3)``: the canonical source's Okada field on the surface.
ELASTIC_FIELDS: dict[str, Callable] = {"okada_point_strike_slip": okada.canonical_surface}

_ACTIVATIONS = {
    "tanh": np.tanh,
    "relu": lambda a: np.maximum(a, 0.0),
    "identity": lambda a: a,
    "sigmoid": lambda a: 1.0 / (1.0 + np.exp(-a)),
}


def _document(model) -> dict:
    if isinstance(model, dict):
        return model
    if isinstance(model, str | Path | bytes | bytearray):
        return export.read(model)
    raise ValueError(f"model must be a model file path, bytes or a dict, got {type(model)}")


def _transforms(model: dict) -> tuple[list[dict], list[dict], dict]:
    """Completed inputs, outputs and geometry of a model document."""
    ins = export.input_spec(model["inputs"])
    outs = export.output_spec(model["outputs"])
    geo = model.get("geometry")
    kind = geo.get("kind") if isinstance(geo, dict) else geo
    if model.get("weights") is not None:
        widths = [np.shape(model["weights"][0])[1]] + [np.shape(w)[0] for w in model["weights"]]
    else:  # features of a document without weights: the widths its inputs and outputs imply
        widths = [len(ins) - (kind == "radial_strike_slip"), len(outs)]
    return ins, outs, export.geometry_spec(geo, ins, widths)


def features(model, X) -> np.ndarray:
    """The net's input features at X, as the engines form them.

    Parameters
    ----------
    model : path, bytes or dict
        See the module docstring.
    X : array_like (N, n_inputs)
        Inputs in SI units, in the model's input order.

    Returns
    -------
    ndarray (N, n_features), float64
        z = scale * v + offset per input, v = log10(x + shift) for log10 inputs (else x); in
        the radial_strike_slip geometry x, y become one feature r_scale * hypot(x, y) + r_offset.
    """
    ins, _, geo = _transforms(_document(model))
    X = np.asarray(X, np.float64)
    if X.ndim != 2 or X.shape[1] != len(ins):
        raise ValueError(f"X has shape {X.shape}; need (N, {len(ins)})")
    Z = np.empty_like(X)
    for i, e in enumerate(ins):
        v = np.log10(X[:, i] + e.get("shift", 0.0)) if e["log10"] else X[:, i]
        Z[:, i] = e["scale"] * v + e["offset"]
    if geo["kind"] == "radial_strike_slip":
        r = geo["r_scale"] * np.hypot(X[:, 0], X[:, 1]) + geo["r_offset"]
        Z = np.column_stack([r, Z[:, 2:]])
    return Z


def forward(layers, activations, F) -> np.ndarray:
    """float64 forward pass of the MLP on features F (N, n_in) -> (N, n_out);
    ``layers`` = [(W (out, in), b (out,)), ...], one activation per layer."""
    h = np.asarray(F, np.float64)
    for (W, b), act in zip(layers, activations, strict=True):
        h = _ACTIVATIONS[act](h @ np.asarray(W, np.float64).T + np.asarray(b, np.float64))
    return h


def outputs(model, X, y, *, elastic: Callable | None = None) -> np.ndarray:
    """The net's outputs y (N, n_out) at inputs X turned into the model's outputs: output
    scale and offset, the azimuthal factors of the radial geometry, the exact elastic part
    (``elastic(x, y, depth) -> (N, 3)``, default :data:`ELASTIC_FIELDS` of the file's name)."""
    model = _document(model)
    _, outs, geo = _transforms(model)
    X = np.asarray(X, np.float64)
    u = np.asarray(y, np.float64) * [e["scale"] for e in outs] + [e["offset"] for e in outs]
    if geo["kind"] == "radial_strike_slip":
        from .exact import from_radial

        u = from_radial(X[:, 0], X[:, 1], u)
    part = model.get("elastic_part", "none")
    if part != "none":
        ix, iy, idep = model.get("elastic_inputs") or (0, 1, 2)
        field = elastic or ELASTIC_FIELDS[part]
        for dep in np.unique(X[:, idep]):
            m = X[:, idep] == dep
            u[m, :3] += np.asarray(field(X[m, ix], X[m, iy], dep)).reshape(-1, 3)
    return u


def predict(model, X, *, elastic: Callable | None = None) -> np.ndarray:
    """The engines' result in float64.

    Parameters
    ----------
    model, X
        As :func:`features` (the model with its weights).
    elastic : callable, optional
        ``elastic(x, y, depth) -> (N, 3)`` for the elastic part; default the function the
        file's ``elastic_part`` names (:data:`ELASTIC_FIELDS`).

    Returns
    -------
    ndarray (N, n_out), float64
    """
    model = _document(model)
    layers = [
        (np.asarray(W, np.float32), np.asarray(b, np.float32))
        for W, b in zip(model["weights"], model["biases"], strict=True)
    ]
    y = forward(layers, model["activations"], features(model, X))
    return outputs(model, X, y, elastic=elastic)
