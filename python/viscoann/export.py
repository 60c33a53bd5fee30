"""Write surrogate model files: safetensors holding float32 weights plus a ``"viscoann"``
metadata document (format below) that the native reader (cpp/src/model_io.cpp) checks strictly.

Format version 1. Tensors ``layers.{l}.weight`` (F32, shape [out, in], PyTorch layout) and
``layers.{l}.bias`` (F32, [out]). ``__metadata__["viscoann"]`` is a JSON document::

    {"format": "viscoann-mlp", "version": 1,
     "widths": [n_in, hidden..., n_out],
     "activations": ["tanh", "relu", ..., "identity"],         # one per layer
     "inputs":  [{"name", "unit", "log10": bool, "domain": [lo, hi] (SI, before log10),
                  "scale", "offset"}, ...],                      # z = scale*(log10?)(x) + offset
     "outputs": [{"name", "unit", "scale", "offset"}, ...],     # u = scale*y + offset
     "elastic_part": "none" | "okada_point_strike_slip",        # exact part added (DESIGN §8)
     "elastic_inputs": [ix, iy, idepth],                        # when elastic_part is not none
     "provenance": {...}}                                       # free-form: data, date, metrics

Only numpy is needed to write a file; :func:`save_torch` imports torch lazily.
"""

from __future__ import annotations

import datetime
import json
import struct
from collections.abc import Sequence
from pathlib import Path

import numpy as np

FORMAT = "viscoann-mlp"
VERSION = 1
ACTIVATIONS = ("identity", "tanh", "relu", "sigmoid")
ELASTIC_PARTS = ("none", "okada_point_strike_slip")

YEAR = 365.25 * 86400.0

#: The canonical surrogate inputs of DESIGN §3 (SI; viscosities through log10).
CANONICAL_INPUTS = (
    {"name": "x", "unit": "m", "log10": False, "domain": [-100e3, 100e3]},
    {"name": "y", "unit": "m", "log10": False, "domain": [-100e3, 100e3]},
    {"name": "depth", "unit": "m", "log10": False, "domain": [1e3, 14e3]},
    {"name": "t", "unit": "s", "log10": False, "domain": [0.0, 100 * YEAR]},
    {"name": "eta_M", "unit": "Pa s", "log10": True, "domain": [1e18, 1e21]},
    {"name": "eta_K", "unit": "Pa s", "log10": True, "domain": [1e17, 1e20]},
)
#: The canonical outputs: displacement per unit potency.
CANONICAL_OUTPUTS = (
    {"name": "ux", "unit": "m/m^3"},
    {"name": "uy", "unit": "m/m^3"},
    {"name": "uz", "unit": "m/m^3"},
)


def input_spec(inputs: Sequence[dict]) -> list[dict]:
    """Complete input descriptions: the affine map defaults to domain -> [-1, 1] (after log10)."""
    out = []
    for k, d in enumerate(inputs):
        e = {
            "name": str(d["name"]),
            "unit": str(d.get("unit", "")),
            "log10": bool(d.get("log10", False)),
            "domain": [float(d["domain"][0]), float(d["domain"][1])],
        }
        lo, hi = e["domain"]
        if not lo <= hi:
            raise ValueError(f"inputs[{k}] domain = {e['domain']} must have lower <= upper")
        if e["log10"]:
            if lo <= 0:
                raise ValueError(f"inputs[{k}] is log10 but its domain {e['domain']} is not > 0")
            lo, hi = np.log10(lo), np.log10(hi)
        if "scale" in d:
            e["scale"], e["offset"] = float(d["scale"]), float(d.get("offset", 0.0))
        else:
            e["scale"] = 2.0 / (hi - lo) if hi > lo else 1.0
            e["offset"] = -(hi + lo) / (hi - lo) if hi > lo else -lo
        out.append(e)
    return out


def output_spec(outputs: Sequence[dict]) -> list[dict]:
    """Complete output descriptions (scale 1, offset 0 unless given)."""
    return [
        {
            "name": str(d["name"]),
            "unit": str(d.get("unit", "")),
            "scale": float(d.get("scale", 1.0)),
            "offset": float(d.get("offset", 0.0)),
        }
        for d in outputs
    ]


def to_bytes(
    weights: Sequence[np.ndarray],
    biases: Sequence[np.ndarray],
    activations: Sequence[str],
    *,
    inputs: Sequence[dict],
    outputs: Sequence[dict],
    elastic_part: str = "none",
    elastic_inputs: Sequence[int] | None = None,
    provenance: dict | None = None,
) -> bytes:
    """The model file as bytes.

    Parameters
    ----------
    weights : list of arrays (out_l, in_l)
        Layer weights in PyTorch ``nn.Linear`` layout; stored as float32.
    biases : list of arrays (out_l,)
    activations : list of str
        One per layer, from ``ACTIVATIONS`` (the last is usually ``"identity"``).
    inputs, outputs : list of dict
        See :func:`input_spec` / :func:`output_spec`; lengths must match the widths.
    elastic_part : {"none", "okada_point_strike_slip"}
        Exact part the engine adds to the scaled output (DESIGN §8).
    elastic_inputs : 3 ints, optional
        Indices of (x, y, depth) among the inputs for the elastic part (default 0, 1, 2).
    provenance : dict, optional
        Free-form JSON-serialisable record (data, code version, metrics); the date is added.
    """
    if len(weights) != len(biases) or len(weights) != len(activations) or not weights:
        raise ValueError(
            f"got {len(weights)} weights, {len(biases)} biases, {len(activations)} activations; "
            "need the same positive number of each"
        )
    ws = [np.ascontiguousarray(w, dtype="<f4") for w in weights]
    bs = [np.ascontiguousarray(b, dtype="<f4") for b in biases]
    widths = [int(ws[0].shape[1])] + [int(w.shape[0]) for w in ws]
    for li, (w, b) in enumerate(zip(ws, bs, strict=True)):
        if w.ndim != 2 or w.shape[1] != widths[li] or b.shape != (w.shape[0],):
            raise ValueError(
                f"layer {li}: weight shape {w.shape} / bias shape {b.shape} do not "
                f"chain from width {widths[li]}"
            )
        if not (np.isfinite(w).all() and np.isfinite(b).all()):
            raise ValueError(f"layer {li} holds non-finite weights or biases")
    for li, a in enumerate(activations):
        if a not in ACTIVATIONS:
            raise ValueError(f"activations[{li}] = {a!r} is not one of {ACTIVATIONS}")
    ins, outs = input_spec(inputs), output_spec(outputs)
    if len(ins) != widths[0] or len(outs) != widths[-1]:
        raise ValueError(
            f"{len(ins)} inputs / {len(outs)} outputs described, the widths say "
            f"{widths[0]} / {widths[-1]}"
        )
    if elastic_part not in ELASTIC_PARTS:
        raise ValueError(f"elastic_part = {elastic_part!r} is not one of {ELASTIC_PARTS}")
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "widths": widths,
        "activations": list(activations),
        "inputs": ins,
        "outputs": outs,
        "elastic_part": elastic_part,
    }
    if elastic_part != "none":
        doc["elastic_inputs"] = [int(i) for i in (elastic_inputs or (0, 1, 2))]
    prov = dict(provenance or {})
    prov.setdefault("date", datetime.datetime.now(datetime.timezone.utc).isoformat())
    from . import __version__

    prov.setdefault("viscoann_version", __version__)
    doc["provenance"] = prov

    header: dict = {"__metadata__": {"viscoann": json.dumps(doc, sort_keys=False)}}
    blobs, offset = [], 0
    for li, (w, b) in enumerate(zip(ws, bs, strict=True)):
        for name, arr in ((f"layers.{li}.weight", w), (f"layers.{li}.bias", b)):
            raw = arr.tobytes()
            header[name] = {
                "dtype": "F32",
                "shape": list(arr.shape),
                "data_offsets": [offset, offset + len(raw)],
            }
            blobs.append(raw)
            offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # pad so the data section is 8-byte aligned
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def save(path: str | Path, weights, biases, activations, **kwargs) -> Path:
    """Write a model file; arguments as :func:`to_bytes`. Returns the path."""
    path = Path(path)
    path.write_bytes(to_bytes(weights, biases, activations, **kwargs))
    return path


def torch_layers(model) -> tuple[list[np.ndarray], list[np.ndarray], list[str]]:
    """Weights, biases and activations of a torch ``nn.Sequential`` of Linear + activations.

    Each Linear may be followed by at most one of Tanh, ReLU, Sigmoid (else identity).
    """
    import torch.nn as nn

    kinds = {nn.Tanh: "tanh", nn.ReLU: "relu", nn.Sigmoid: "sigmoid", nn.Identity: None}
    ws, bs, acts = [], [], []
    for k, mod in enumerate(model):
        if isinstance(mod, nn.Linear):
            ws.append(mod.weight.detach().cpu().double().numpy())
            b = mod.bias
            bs.append(
                np.zeros(mod.out_features) if b is None else b.detach().cpu().double().numpy()
            )
            acts.append("identity")
        elif type(mod) in kinds:
            if kinds[type(mod)] is None:
                continue
            if not acts or acts[-1] != "identity":
                raise ValueError(f"module {k} ({type(mod).__name__}) does not follow a Linear")
            acts[-1] = kinds[type(mod)]
        else:
            raise ValueError(f"module {k} ({type(mod).__name__}) is not Linear/Tanh/ReLU/Sigmoid")
    return ws, bs, acts


def save_torch(path: str | Path, model, **kwargs) -> Path:
    """Write a torch ``nn.Sequential`` MLP as a model file (keyword arguments as
    :func:`to_bytes`: ``inputs``, ``outputs``, ``elastic_part``, ``provenance``)."""
    ws, bs, acts = torch_layers(model)
    return save(path, ws, bs, acts, **kwargs)
