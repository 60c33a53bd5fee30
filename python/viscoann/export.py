"""Write and read surrogate model files: safetensors holding float32 weights plus a
``"viscoann"`` metadata document (format below) that the native reader (cpp/src/model_io.cpp)
checks strictly. The file is the only description of a model: training writes it, and
everything that evaluates a model reads it.

Format version 2 (docs/design.md §5; the reader also takes version 1, which has no "shift" and
no "geometry").
Tensors ``layers.{l}.weight`` (F32, shape [out, in], PyTorch layout) and ``layers.{l}.bias``
(F32, [out]). ``__metadata__["viscoann"]`` is a JSON document::

    {"format": "viscoann-mlp", "version": 2,
     "widths": [n_features, hidden..., n_out],
     "activations": ["tanh", "relu", ..., "identity"],         # one per layer
     "inputs":  [{"name", "unit", "log10": bool, "domain": [lo, hi] (SI, before log10),
                  "shift" (optional, log10 inputs only, default 0),
                  "scale", "offset"}, ...],   # z = scale*x + offset, x -> log10(x+shift) if log10
     "outputs": [{"name", "unit", "scale", "offset"}, ...],     # u = scale*y + offset
     "geometry": {"kind": "cartesian"}                           # features = inputs (default)
               | {"kind": "radial_strike_slip", "r_scale", "r_offset"},
     "elastic_part": "none" | "okada_point_strike_slip",        # exact part added (docs/design.md)
     "elastic_inputs": [ix, iy, idepth],                        # when elastic_part is not none
     "tensors_crc32": "8 hex digits",    # CRC-32 (zlib.crc32) of the data section, verified
     "provenance": {...}}                                       # free-form: data, date, metrics

The tensors tile the data section in file order with no bytes before, between or after them;
``tensors_crc32`` covers all of it (files written before it was added have none and still load).

Format version 3: the neural kernel (``geometry`` "elementary_kernel"; docs/design.md, "The
neural kernel"). One more tensor, ``basis`` (F32, [10, K, n_r]): the radial basis
psi_fk(rho_j) of the ten elementary radial functions f (sources.hpp's order) on
rho_j = j rho_spacing in rho = r/H (the family's elastic moduli are uniform, so H is its only
length). The geometry entry is ``{"kind": "elementary_kernel", "n_modes": K, "rho_spacing",
"n_r", "mu_M", "mu_K", "family": {"H": [lo, hi], "depth_margin", "eta_M": [lo, hi],
"eta_K": [lo, hi], "maxwell": bool, "r_max", "t_max"}}`` (SI). The three inputs are the
features ``KERNEL_FEATURES`` q = (d/H, log10(t/tau_M), log10(1 + t/tau_K)), tau = eta/mu of
the half-space's Maxwell and Kelvin elements (tau_K = inf: Maxwell), each z = scale q + offset
with no log10; q_1 is clamped below at its domain's lower end (earlier times have the
early-time shape; the factor w below carries their size). The 10 K outputs c_fk (index f K + k,
after output scale/offset) give the layered remainder (field minus the lid's Okada) of a unit
elementary source as g_f(r, t) = w(x) H^-2 sum_k c_fk psi_fk(r/H), with x = t/tau_M + t/tau_K
and w = x/(1 + x): zero at t = 0, so u(0) is Okada's exactly, and linear in t at early times as
the remainder itself (the first-order term of the moduli in 1/s). The basis serves offsets up
to (n_r - 3) rho_spacing H; the family's r_max must lie within it at the smallest H.

``shift`` makes log features of inputs whose domain touches 0 (log10(t + 1 day)); a point needs
x + shift > 0. ``geometry`` "radial_strike_slip" (docs/design.md): the net learns the radial
functions (g_r, g_φ, g_z) of the canonical vertical strike-slip source and the engine applies
the azimuthal factors exactly (as :func:`viscoann.exact.from_radial`). The inputs stay the
canonical (x, y, depth, t, eta_M, eta_K) with x, y first (their own scale/offset unused: 1, 0);
the net's features are z_r = r_scale*hypot(x, y) + r_offset, then the transformed inputs 2..,
so widths[0] = n_inputs - 1; its 3 outputs, after output scale/offset, are (g_r, g_φ, g_z) and
the engine returns ux, uy, uz (the elastic part, if any, is added after the rotation).

Only numpy is needed to write or read a file; :func:`save_torch` imports torch lazily. The
float64 evaluation of a file is :func:`viscoann.reference.predict`.
"""

from __future__ import annotations

import datetime
import json
import struct
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from . import atomic
from .conventions import DOMAIN, INPUT_NAMES, INPUT_UNITS, LOG10_INPUTS, OUTPUT_NAMES, OUTPUT_UNIT

FORMAT = "viscoann-mlp"
VERSION = 2
#: The version of files with the "elementary_kernel" geometry (the neural kernel).
VERSION_KERNEL = 3
ACTIVATIONS = ("identity", "tanh", "relu", "sigmoid")
ELASTIC_PARTS = ("none", "okada_point_strike_slip")
GEOMETRIES = ("cartesian", "radial_strike_slip", "elementary_kernel")
#: The neural kernel's three features q, in order; the engine computes them from the source
#: depth d, the lid thickness H, the time t and tau = eta / mu of the half-space's elements.
KERNEL_FEATURES = ("depth_over_H", "log10_t_over_tau_M", "log10_1p_t_over_tau_K")
KERNEL_FEATURE_UNITS = ("1", "1", "1")
#: Radial functions per mode (the four elementary sources' ten, sources.hpp's order).
KERNEL_FUNCTIONS = 10
_KERNEL_FAMILY_KEYS = ("H", "depth_margin", "eta_M", "eta_K", "maxwell", "r_max", "t_max")

#: The canonical surrogate inputs (:mod:`viscoann.conventions`) as model-file input entries.
CANONICAL_INPUTS = tuple(
    {"name": n, "unit": u, "log10": n in LOG10_INPUTS, "domain": list(DOMAIN[n])}
    for n, u in zip(INPUT_NAMES, INPUT_UNITS, strict=True)
)
#: The canonical outputs: displacement per unit potency.
CANONICAL_OUTPUTS = tuple({"name": n, "unit": OUTPUT_UNIT} for n in OUTPUT_NAMES)


def input_spec(inputs: Sequence[dict]) -> list[dict]:
    """Complete input descriptions: the affine map defaults to domain -> [-1, 1] (after
    log10(x + shift) for log10 inputs; ``shift`` is optional, log10 inputs only)."""
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
        shift = 0.0
        if "shift" in d:
            shift = float(d["shift"])
            if not np.isfinite(shift):
                raise ValueError(f"inputs[{k}] ({e['name']}) shift = {shift} must be finite")
            if not e["log10"]:
                raise ValueError(
                    f"inputs[{k}] ({e['name']}) has shift = {shift} but is not "
                    "log10: shift applies to log10 inputs only"
                )
            e["shift"] = shift
        if e["log10"]:
            if not lo + shift > 0:
                raise ValueError(
                    f"inputs[{k}] is log10 but its domain {e['domain']} is not > 0"
                    + (f" after the shift {shift}" if shift else "")
                )
            lo, hi = np.log10(lo + shift), np.log10(hi + shift)
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


def geometry_spec(geometry, ins: list[dict], widths: Sequence[int]) -> dict:
    """Checked geometry entry (see the module docstring) for complete inputs ``ins`` (from
    :func:`input_spec`, edited in place: x, y get scale 1, offset 0 in the radial geometry) and
    layer ``widths``. ``None``/"cartesian" -> {"kind": "cartesian"}. Radial: r_scale and
    r_offset default to mapping r in [0, hypot(max |x|, max |y|)] of the domain to [-1, 1]."""
    if geometry is None or geometry == "cartesian":
        geometry = {"kind": "cartesian"}
    if isinstance(geometry, str):
        geometry = {"kind": geometry}
    if not isinstance(geometry, dict):
        raise ValueError(f"geometry = {geometry!r} must be None, a kind or a dict")
    kind = geometry.get("kind")
    if kind not in GEOMETRIES:
        raise ValueError(f"geometry kind = {kind!r} is not one of {GEOMETRIES}")
    if kind == "elementary_kernel":
        return _kernel_geometry(geometry, ins, widths)
    if kind == "cartesian":
        if set(geometry) != {"kind"}:
            raise ValueError(f"geometry 'cartesian' takes no parameters; got {sorted(geometry)}")
        if len(ins) != widths[0]:
            raise ValueError(f"{len(ins)} inputs described, the widths say {widths[0]}")
        return {"kind": "cartesian"}
    extra = set(geometry) - {"kind", "r_scale", "r_offset"}
    if extra:
        raise ValueError(f"geometry 'radial_strike_slip' got unknown keys {sorted(extra)}")
    if len(ins) != widths[0] + 1:
        raise ValueError(
            f"geometry 'radial_strike_slip' needs widths[0] = n_inputs - 1 = {len(ins) - 1} "
            f"(x, y become one feature r); the weights give widths[0] = {widths[0]}"
        )
    if widths[-1] != 3:
        raise ValueError(
            "geometry 'radial_strike_slip' needs 3 net outputs (g_r, g_phi, g_z); "
            f"the weights give {widths[-1]}"
        )
    for k, name in enumerate(("x", "y")):
        if ins[k]["name"] != name or ins[k]["log10"]:
            raise ValueError(
                f"geometry 'radial_strike_slip' needs {name} (not log10) as "
                f"inputs[{k}]; got {ins[k]['name']!r}"
            )
    (x0, x1), (y0, y1) = ins[0]["domain"], ins[1]["domain"]
    r_max = float(np.hypot(max(abs(x0), abs(x1)), max(abs(y0), abs(y1)))) or 1.0
    r_scale = float(geometry.get("r_scale", 2.0 / r_max))
    r_offset = float(geometry.get("r_offset", -1.0))
    if not (np.isfinite(r_scale) and r_scale > 0):
        raise ValueError(f"geometry r_scale = {r_scale} must be finite and > 0")
    if not np.isfinite(r_offset):
        raise ValueError(f"geometry r_offset = {r_offset} must be finite")
    for k in (0, 1):
        ins[k]["scale"], ins[k]["offset"] = 1.0, 0.0
    return {"kind": kind, "r_scale": r_scale, "r_offset": r_offset}


def _kernel_geometry(geometry: dict, ins: list[dict], widths: Sequence[int]) -> dict:
    """Checked "elementary_kernel" geometry (module docstring, format version 3)."""
    keys = {"kind", "n_modes", "rho_spacing", "n_r", "mu_M", "mu_K", "family"}
    if set(geometry) != keys:
        raise ValueError(f"geometry 'elementary_kernel' needs keys {sorted(keys)}")
    K, n_r = int(geometry["n_modes"]), int(geometry["n_r"])
    dr, mu_M, mu_K = (float(geometry[k]) for k in ("rho_spacing", "mu_M", "mu_K"))
    if K < 1 or n_r < 4:
        raise ValueError(f"geometry n_modes = {K} must be >= 1 and n_r = {n_r} >= 4")
    if not all(np.isfinite(v) and v > 0 for v in (dr, mu_M, mu_K)):
        raise ValueError("geometry rho_spacing, mu_M, mu_K must be finite and > 0")
    if widths[0] != len(KERNEL_FEATURES) or widths[-1] != KERNEL_FUNCTIONS * K:
        raise ValueError(
            f"geometry 'elementary_kernel' needs widths[0] = {len(KERNEL_FEATURES)} and "
            f"widths[-1] = {KERNEL_FUNCTIONS} n_modes = {KERNEL_FUNCTIONS * K}; got {widths}"
        )
    names = tuple(e["name"] for e in ins)
    if names != KERNEL_FEATURES or any(e["log10"] for e in ins):
        raise ValueError(f"geometry 'elementary_kernel' needs inputs {KERNEL_FEATURES} (not log10)")
    fam = dict(geometry["family"])
    if set(fam) != set(_KERNEL_FAMILY_KEYS):
        raise ValueError(f"geometry family needs keys {sorted(_KERNEL_FAMILY_KEYS)}")
    out = {"kind": "elementary_kernel", "n_modes": K, "rho_spacing": dr, "n_r": n_r}
    out |= {"mu_M": mu_M, "mu_K": mu_K}
    out["family"] = {
        "H": [float(v) for v in fam["H"]],
        "depth_margin": float(fam["depth_margin"]),
        "eta_M": [float(v) for v in fam["eta_M"]],
        "eta_K": [float(v) for v in fam["eta_K"]],
        "maxwell": bool(fam["maxwell"]),
        "r_max": float(fam["r_max"]),
        "t_max": float(fam["t_max"]),
    }
    if out["family"]["r_max"] > dr * (n_r - 3) * out["family"]["H"][0]:
        raise ValueError(
            "geometry family r_max must lie within the basis grid at the smallest H: "
            "(n_r - 3) rho_spacing H[0]"
        )
    return out


def to_bytes(
    weights: Sequence[np.ndarray],
    biases: Sequence[np.ndarray],
    activations: Sequence[str],
    *,
    inputs: Sequence[dict],
    outputs: Sequence[dict],
    elastic_part: str = "none",
    elastic_inputs: Sequence[int] | None = None,
    geometry: dict | str | None = None,
    provenance: dict | None = None,
    basis: np.ndarray | None = None,
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
        Exact part the engine adds to the scaled output (docs/design.md).
    elastic_inputs : 3 ints, optional
        Indices of (x, y, depth) among the inputs for the elastic part (default 0, 1, 2).
    geometry : None, "cartesian" or dict, optional
        ``{"kind": "radial_strike_slip", "r_scale": s, "r_offset": o}``: the net learns the
        radial functions of the canonical source (module docstring); r_scale, r_offset default
        to mapping r over the x, y domain to [-1, 1]. See :func:`geometry_spec`.
    provenance : dict, optional
        Free-form JSON-serialisable record (data, code version, metrics); the date is added.
    basis : array (10, n_modes, n_r), optional
        The radial basis of an "elementary_kernel" geometry (required there, refused
        elsewhere); stored as float32 tensor ``basis``.
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
    if len(outs) != widths[-1]:
        raise ValueError(f"{len(outs)} outputs described, the widths say {widths[-1]}")
    geo = geometry_spec(geometry, ins, widths)
    if elastic_part not in ELASTIC_PARTS:
        raise ValueError(f"elastic_part = {elastic_part!r} is not one of {ELASTIC_PARTS}")
    kernel = geo["kind"] == "elementary_kernel"
    tensors = []
    for li, (w, b) in enumerate(zip(ws, bs, strict=True)):
        tensors += [(f"layers.{li}.weight", w), (f"layers.{li}.bias", b)]
    if kernel:
        shape = (KERNEL_FUNCTIONS, geo["n_modes"], geo["n_r"])
        if basis is None or np.shape(basis) != shape:
            raise ValueError(f"an 'elementary_kernel' needs basis of shape {shape}")
        basis = np.ascontiguousarray(basis, dtype="<f4")
        if not np.isfinite(basis).all():
            raise ValueError("basis holds non-finite values")
        tensors.append(("basis", basis))
    elif basis is not None:
        raise ValueError("basis is only for the 'elementary_kernel' geometry")
    doc = {
        "format": FORMAT,
        "version": VERSION_KERNEL if kernel else VERSION,
        "widths": widths,
        "activations": list(activations),
        "inputs": ins,
        "outputs": outs,
        "geometry": geo,
        "elastic_part": elastic_part,
    }
    if elastic_part != "none":
        doc["elastic_inputs"] = [int(i) for i in (elastic_inputs or (0, 1, 2))]
    prov = dict(provenance or {})
    prov.setdefault("date", datetime.datetime.now(datetime.timezone.utc).isoformat())
    from . import __version__

    prov.setdefault("viscoann_version", __version__)
    data = b"".join(a.tobytes() for _, a in tensors)
    doc["tensors_crc32"] = f"{zlib.crc32(data):08x}"  # the data section as written below
    doc["provenance"] = prov

    header: dict = {"__metadata__": {"viscoann": json.dumps(doc, sort_keys=False)}}
    blobs, offset = [], 0
    for name, arr in tensors:
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
    """Write a model file (a temporary file, then renamed); arguments as :func:`to_bytes`.
    Returns the path."""
    return atomic.write_bytes(path, to_bytes(weights, biases, activations, **kwargs))


#: The entries of a model document that :func:`to_bytes` takes as keyword arguments.
_DOC_KEYS = (
    "inputs",
    "outputs",
    "elastic_part",
    "elastic_inputs",
    "geometry",
    "provenance",
    "basis",
)


def model_bytes(model: dict) -> bytes:
    """The model file of a model document: a dict as :func:`read` returns (``weights``,
    ``biases``, ``activations``, ``inputs``, ``outputs`` and optionally ``geometry``,
    ``elastic_part``, ``elastic_inputs``, ``provenance``); the inverse of :func:`read`."""
    kw = {k: model[k] for k in _DOC_KEYS if model.get(k) is not None}
    return to_bytes(model["weights"], model["biases"], model["activations"], **kw)


def write(path: str | Path, model: dict) -> Path:
    """Write a model document (see :func:`model_bytes`) as a model file; returns the path."""
    return atomic.write_bytes(path, model_bytes(model))


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
    :func:`to_bytes`: ``inputs``, ``outputs``, ``elastic_part``, ``geometry``, ``provenance``)."""
    ws, bs, acts = torch_layers(model)
    return save(path, ws, bs, acts, **kwargs)


# ---- reading back --------------------------------------------------------------------------
def read(source: str | Path | bytes) -> dict:
    """A model file's contents with numpy only: the metadata document's entries plus
    ``weights`` / ``biases`` (float32 arrays). No checks beyond the layout (the native reader
    is the strict one)."""
    data = bytes(source) if isinstance(source, bytes | bytearray) else Path(source).read_bytes()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    body = data[8 + n :]
    doc = json.loads(header["__metadata__"]["viscoann"])

    def tensor(name):
        e = header[name]
        b, end = e["data_offsets"]
        return np.frombuffer(body[b:end], dtype="<f4").reshape(e["shape"]).astype(np.float32)

    L = len(doc["activations"])
    doc["weights"] = [tensor(f"layers.{li}.weight") for li in range(L)]
    doc["biases"] = [tensor(f"layers.{li}.bias") for li in range(L)]
    if "basis" in header:
        doc["basis"] = tensor("basis")
    return doc
