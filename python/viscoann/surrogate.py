"""Exported MLP surrogates on the native engines (docs/design.md §5, §7).

A model file (written by :mod:`viscoann.export`) holds the weights, the feature transforms and
the training domain; the engine applies the transforms fused with the network.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np

from . import _core
from .conventions import threads_count


class OutOfDomainWarning(UserWarning):
    """Some points lie outside the model's training domain (their outputs are extrapolated).

    Attributes
    ----------
    count : int
        Number of points outside.
    mask : ndarray of bool, shape (N,)
        True for points inside the domain (as :meth:`Surrogate.in_domain` returns).
    """

    def __init__(self, message: str, count: int = 0, mask: np.ndarray | None = None):
        super().__init__(message)
        self.count = count
        self.mask = mask


class OutOfDomainError(ValueError):
    """Some points lie outside the training domain and ``strict=True`` was asked for.

    Attributes as :class:`OutOfDomainWarning` (``count``, ``mask``; for a grid, ``mask`` is
    None and the message names the axes).
    """

    def __init__(self, message: str, count: int = 0, mask: np.ndarray | None = None):
        super().__init__(message)
        self.count = count
        self.mask = mask


def _report_outside(message: str, count: int, mask, strict: bool) -> None:
    if strict:
        raise OutOfDomainError(message + " (strict=True)", count, mask)
    warnings.warn(OutOfDomainWarning(message, count, mask), stacklevel=3)


class Surrogate:
    """A model file loaded for prediction. Immutable and thread-safe; predictions release
    the GIL, so several Python threads may predict at once.

    Use :meth:`load` (or :meth:`from_bytes`) to construct.
    """

    def __init__(self, core: _core.Surrogate, path: Path | None = None):
        self._core = core
        self.path = path

    @classmethod
    def load(cls, path: str | os.PathLike) -> Surrogate:
        """Read a model file.

        Raises
        ------
        OSError
            The file cannot be read (missing, a directory, no permission); the message names
            the path.
        viscoann.FormatError (a ValueError)
            The file is malformed, unsupported or damaged (bytes after the tensors, an input
            scale of 0, tensor data that fail the file's CRC-32); the message names the problem.
        """
        return cls(_core.Surrogate.load(os.fspath(path)), Path(path))

    @classmethod
    def pretrained(cls, name: str = "canonical") -> Surrogate:
        """A surrogate shipped with the package (``viscoann/models/<name>.safetensors``).

        ``"canonical"``: the canonical source in the canonical Earth model over the canonical
        domain (docs/design.md §3), trained on the exact solver's data on the seed's training grid;
        its training provenance and test-grid metrics are in ``metadata["provenance"]``.

        Raises
        ------
        ValueError
            ``name`` is not a shipped model (the message lists those that are).
        """
        models = Path(__file__).resolve().parent / "models"
        path = models / f"{name}.safetensors"
        if not path.is_file():
            have = sorted(p.stem for p in models.glob("*.safetensors"))
            raise ValueError(f"name = {name!r} is not a shipped model; shipped: {have}")
        return cls.load(path)

    @classmethod
    def from_bytes(cls, data: bytes) -> Surrogate:
        """Parse a model file image held in memory (errors as :meth:`load`)."""
        return cls(_core.Surrogate.from_bytes(bytes(data)))

    # ---- description -------------------------------------------------------------------
    @property
    def widths(self) -> list[int]:
        """Layer widths, the net's features first: [n_features, hidden..., n_out]
        (n_features = n_inputs, or n_inputs - 1 in the radial geometry)."""
        return self._core.widths

    @property
    def n_inputs(self) -> int:
        """Columns of X (the length of ``input_names``)."""
        return self._core.n_inputs

    @property
    def geometry(self) -> str | dict:
        """``"cartesian"`` (the net maps the inputs to the outputs), or the model file's
        geometry entry, e.g. ``{"kind": "radial_strike_slip", "r_scale": .., "r_offset": ..}``
        (the net learns radial functions; the engine applies the azimuthal factors)."""
        geo = self.metadata.get("geometry") or {"kind": "cartesian"}
        return "cartesian" if geo.get("kind") == "cartesian" else geo

    @property
    def activations(self) -> list[str]:
        return self._core.activations

    @property
    def input_names(self) -> list[str]:
        return self._core.input_names

    @property
    def input_units(self) -> list[str]:
        return self._core.input_units

    @property
    def output_names(self) -> list[str]:
        return self._core.output_names

    @property
    def output_units(self) -> list[str]:
        return self._core.output_units

    @property
    def domain(self) -> np.ndarray:
        """Training domain, shape (n_in, 2): [lower, upper] per input in SI units."""
        return np.column_stack([self._core.domain_lower, self._core.domain_upper])

    @property
    def metadata(self) -> dict:
        """The model file's ``viscoann`` metadata document (transforms, provenance)."""
        import json

        return json.loads(self._core.metadata_json)

    def __repr__(self) -> str:
        net = "x".join(str(w) for w in self.widths)
        geo = self.geometry
        kind = "" if geo == "cartesian" else f", {geo['kind']}"
        return f"Surrogate({net}, {'/'.join(self.activations)}{kind})"

    # ---- evaluation --------------------------------------------------------------------
    def _as_points(self, X) -> tuple[np.ndarray, tuple]:
        X = np.asarray(X, dtype=np.float64)
        n_in = self.n_inputs
        if X.ndim == 0 or X.shape[-1] != n_in:
            raise ValueError(
                f"X has shape {X.shape}; its last axis must have {n_in} inputs "
                f"({', '.join(self.input_names)})"
            )
        lead = X.shape[:-1]
        return np.ascontiguousarray(X.reshape(-1, n_in)), lead

    def in_domain(self, X) -> np.ndarray:
        """True for points inside the training domain (:attr:`domain`), each bound met within
        a relative tolerance of 1e-9 (so ``np.logspace`` ending at 100 yr is inside).

        Parameters
        ----------
        X : array_like (..., n_in)
            Inputs in SI units, in the order of ``input_names``.

        Returns
        -------
        ndarray of bool, shape (...)

        Raises
        ------
        ValueError
            Physically impossible inputs, as :meth:`predict`.
        """
        P, lead = self._as_points(X)
        return self._core.in_domain(P).reshape(lead)

    def predict(
        self,
        X,
        device: str = "cpu",
        threads: int | None = None,
        dtype=np.float64,
        *,
        postseismic: bool = False,
        isa: str = "auto",
        precision: str = "fp32",
        check_domain: bool = True,
        strict: bool = False,
        out: np.ndarray | None = None,
    ) -> np.ndarray:
        """Evaluate the surrogate.

        Parameters
        ----------
        X : array_like (..., n_in)
            Inputs in SI units, in the order of ``input_names`` (canonical: x, y, depth, t,
            eta_M, eta_K in m, m, m, s, Pa s, Pa s).
        device : {"cpu", "cuda"}
        threads : int, optional
            CPU threads; None or 0: all cores (the default).
        dtype : {numpy.float64, numpy.float32}
            Output type; compute is float32 in every engine.
        postseismic : bool
            Return the postseismic field u(t) - u(0) with the exact u(0) removed inside the
            engine: models that learned a remainder (the shipped one) have the engine add
            Okada's elastic field u(0) to the learned part; ``postseismic=True`` skips adding
            it, so u(0) is exactly Okada's and nothing learned stands in for it. Prefer it to
            ``predict(t) - predict(0)``, which subtracts the net's own error at t = 0 (see the
            accuracy table in ``viscoann/models/README.md``). Needs a model with an elastic
            part (ValueError otherwise).
        isa : {"auto", "scalar", "avx2", "avx512"}
            Force a CPU path (default: the best this CPU has, or ``VISCOANN_CPU_ISA``).
        precision : {"fp32", "tensor_fp16"}
            CUDA arithmetic: FP32, or FP16 tensor cores with FP32 accumulation (widths <= 64;
            see bench/RESULTS.md for its measured error).
        check_domain : bool
            Warn (:class:`OutOfDomainWarning`, with the count and mask) when points lie
            outside the training domain (:meth:`in_domain`).
        strict : bool
            Raise :class:`OutOfDomainError` (a ValueError) instead of warning.
        out : ndarray (N, n_out), optional
            C-contiguous float64 or float32 array to write into (``dtype`` is then ignored);
            reusing one avoids allocating (and page-faulting) a fresh output per call.

        Returns
        -------
        ndarray (..., n_out)
            Outputs in the units of ``output_units`` (canonical: ux, uy, uz in m per m^3; a
            radial-geometry model returns them too, its azimuthal factors applied in the engine;
            at the epicentre, x = y = 0, the field is its r -> 0 limit, 0).

        Raises
        ------
        ValueError
            Physically impossible inputs, before any warning: non-finite values, depth <= 0,
            t < 0, eta_M or eta_K <= 0, log10 inputs with x + shift <= 0; bad shapes/options.
            The message names the row, column, value and allowed range.
        OutOfDomainError
            ``strict=True`` and some points lie outside the training domain.
        RuntimeError
            ``device="cuda"`` when this build or machine has no CUDA engine.
        """
        P, lead = self._as_points(X)
        dt = np.dtype(dtype)
        if dt not in (np.float64, np.float32):
            raise ValueError(f"dtype = {dt} is not float64 or float32")
        threads = threads_count(threads)
        if check_domain or strict:
            mask = self._core.in_domain(P)  # raises first for impossible inputs
            outside = int(mask.size - np.count_nonzero(mask))
            if outside:
                _report_outside(
                    f"{outside} of {mask.size} points lie outside the training domain "
                    "(outputs there are extrapolated; see Surrogate.in_domain)",
                    outside,
                    mask.reshape(lead),
                    strict,
                )
        if out is not None:
            self._core.predict_into(P, out, device, threads, isa, precision, postseismic)
            return out
        y = self._core.predict(P, device, threads, isa, dt == np.float32, precision, postseismic)
        return y.reshape(*lead, y.shape[-1])

    def predict_grid(
        self,
        x,
        y,
        depths,
        times,
        etas,
        device: str = "cpu",
        threads: int | None = None,
        dtype=np.float64,
        *,
        postseismic: bool = False,
        isa: str = "auto",
        precision: str = "fp32",
        check_domain: bool = True,
        strict: bool = False,
    ) -> np.ndarray:
        """Evaluate a canonical surrogate on a structured grid without building the inputs.

        Every combination of viscosity structure, depth, time and point is evaluated; on
        ``device="cuda"`` the points are generated on the GPU, so only the axes cross PCIe.

        Parameters
        ----------
        x, y : array_like (P,)
            Surface points, east and north, m.
        depths : array_like (D,)
            Source depths, m.
        times : array_like (T,)
            Times after the event, s.
        etas : array_like (E, 2)
            Rows (eta_M, eta_K), Pa s.
        device, threads, dtype, postseismic, isa, precision, check_domain, strict
            As :meth:`predict` (the warning and the error name the axes that leave the
            training domain).

        Returns
        -------
        ndarray (E, D, T, P, n_out)
            The layout of :func:`viscoann.exact.grid`.

        Raises
        ------
        ValueError
            Physically impossible axis values (non-finite, depths <= 0, times < 0,
            viscosities <= 0), naming the axis, index and value; bad shapes.
        OutOfDomainError
            ``strict=True`` and some axis values lie outside the training domain.
        """
        x, y, depths, times = (
            np.ascontiguousarray(a, dtype=np.float64).ravel() for a in (x, y, depths, times)
        )
        etas = np.ascontiguousarray(etas, dtype=np.float64).reshape(-1, 2)
        if x.shape != y.shape:
            raise ValueError(f"x has shape {x.shape} but y has shape {y.shape}")
        threads = threads_count(threads)
        dt = np.dtype(dtype)
        if dt not in (np.float64, np.float32):
            raise ValueError(f"dtype = {dt} is not float64 or float32")
        axes = (
            x,
            y,
            depths,
            times,
            np.ascontiguousarray(etas[:, 0]),
            np.ascontiguousarray(etas[:, 1]),
        )
        if check_domain or strict:
            counts = self._core.grid_outside_domain(*axes)  # raises first for impossible values
            names = ("x", "y", "depths", "times", "eta_M", "eta_K")
            bad = [f"{names[i]} ({c} of {axes[i].size})" for i, c in enumerate(counts) if c]
            if bad:
                _report_outside(
                    f"grid axes {', '.join(bad)} leave the training domain "
                    "(outputs there are extrapolated; see Surrogate.domain)",
                    int(sum(counts)),
                    None,
                    strict,
                )
        return self._core.predict_grid(
            *axes, device, threads, isa, dt == np.float32, precision, postseismic
        )
