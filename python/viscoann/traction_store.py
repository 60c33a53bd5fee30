"""A store of the traction kernels' radial tables: what a ``_core.TractionKernels`` handle
builds (one table set per panel of its source-depth grid, at one set of times: the layered
solves, nearly all of the cost) in one HDF5 file, so that later runs over the same patches,
model, times and resolution only evaluate.

Layout (format ``viscoann-traction-store``, version 2): datasets ``model/<column>`` (the
model's per-layer columns, half-space last), ``patches`` (the handle's rows: east, north,
depth, strike, dip, rake, length, width), ``times`` [s]; attributes ``tol``, ``talbot_nodes``,
``k_refine``, ``r_refine``; per panel p a dataset ``panel<p>`` (float64, the handle's layout:
52 values per row since version 2, the stress integrals without their signed copies and zeros;
version 1 held all 76).

A build writes each panel, as it finishes, to its own file in ``<path>.partial/`` (written
whole or not at all), so an interrupted build resumes at the next panel; the HDF5 file is
assembled under a temporary name and renamed when complete.
"""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import numpy as np

from . import atomic
from .store import _COLUMNS, _require_same

FORMAT, VERSION = "viscoann-traction-store", 2
_RESOLUTION = ("tol", "talbot_nodes", "k_refine", "r_refine")


def attach(handle, path, *, model_columns, patches, times, resolution, progress=False) -> bool:
    """Gives ``handle`` the tables at ``times`` from the store at ``path``, or builds the store
    there (resuming ``<path>.partial``) from the handle. Returns True when the store existed.

    Raises
    ------
    ValueError
        The file (or the partial build) is of another format, or was made for other patches,
        another model, other times or another resolution: naming what differs.
    """
    import h5py

    path = Path(path)
    times = np.ascontiguousarray(times, dtype=float)
    want = dict(
        model=[np.asarray(c, dtype=float) for c in model_columns],
        patches=np.asarray(patches, dtype=float),
        times=times,
        **{k: resolution[k] for k in _RESOLUTION},
    )
    if path.exists():
        with h5py.File(path, "r") as f:
            if f.attrs.get("format") != FORMAT or int(f.attrs.get("version", -1)) != VERSION:
                raise ValueError(
                    f"{path}: not a {FORMAT} file of version {VERSION} "
                    f"(format {f.attrs.get('format')!r}, version {f.attrs.get('version')!r})"
                )
            _require_same(path, _meta_of(f), want)
            n = int(f.attrs["n_panels"])
            if n != handle.n_panels:
                raise ValueError(f"{path}: {n} panels, the handle has {handle.n_panels}")
            for p in range(n):
                d = f[f"panel{p}"]
                size = handle.panel_table_size(p, times.size)
                if d.shape != (size,):
                    raise ValueError(
                        f"{path}: panel{p} holds {d.size} values, the handle's grid {size}"
                    )
                # Read straight into the handle's memory (no copy of 1.5 GB at N = 1000).
                handle.fill_panel_tables(p, times, d.read_direct)
        return True
    partial = path.with_name(path.name + ".partial")
    partial.mkdir(parents=True, exist_ok=True)
    meta = partial / "meta.json"
    doc = {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in want.items()}
    doc["model"] = [c.tolist() for c in want["model"]]
    doc["version"] = VERSION
    if meta.exists():
        have = json.loads(meta.read_text())
        have["model"] = [np.asarray(c) for c in have["model"]]
        have.setdefault("version", 1)
        _require_same(partial, have, want | {"version": VERSION})
    else:
        atomic.write_text(meta, json.dumps(doc))
    panels = range(handle.n_panels)
    if progress:
        from tqdm import tqdm

        panels = tqdm(panels, desc="traction tables", unit="panel")
    for p in panels:
        part = partial / f"panel{p}.npy"
        if part.exists():
            handle.set_panel_tables(p, times, np.load(part))
            continue
        buf = io.BytesIO()
        np.save(buf, handle.panel_tables(p, times))
        atomic.write_bytes(part, buf.getvalue())
    tmp = path.with_name(f".{path.name}.tmp")
    with h5py.File(tmp, "w") as f:
        f.attrs["format"], f.attrs["version"] = FORMAT, VERSION
        f.attrs["n_panels"] = handle.n_panels
        for k in _RESOLUTION:
            f.attrs[k] = resolution[k]
        for name, c in zip(_COLUMNS, want["model"], strict=True):
            f.create_dataset(f"model/{name}", data=c)
        f.create_dataset("patches", data=want["patches"])
        f.create_dataset("times", data=times)
        for p in range(handle.n_panels):
            f.create_dataset(f"panel{p}", data=np.load(partial / f"panel{p}.npy"))
    os.replace(tmp, path)
    shutil.rmtree(partial)
    return False


def _meta_of(f) -> dict:
    meta = dict(
        model=[f[f"model/{c}"][()] for c in _COLUMNS],
        patches=f["patches"][()],
        times=f["times"][()],
    )
    return meta | {k: f.attrs[k] for k in _RESOLUTION}
