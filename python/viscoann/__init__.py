"""viscoann: fast viscoelastic earthquake deformation, exact and neural.

SI units everywhere (m, s, Pa, Pa s); x east, y north, z up. ``import viscoann`` loads only
numpy and the native core: training, export, data and plotting modules (torch, h5py,
matplotlib) are imported lazily on first use.
"""

import importlib

from . import conventions, exact, exact_sources, frames, okada
from ._core import FormatError, __version__, built_with_cuda, cuda_available, cuda_device_name
from .earth import Burgers, EarthModel, Elastic, Layer, Maxwell, StandardLinearSolid
from .kernel import NeuralKernel
from .observations import Observations
from .okada import SingularPointWarning
from .projection import LargeRegionWarning
from .sources import Fault, PointSource, RectangularFault
from .stations import Stations
from .surrogate import OutOfDomainError, OutOfDomainWarning, Surrogate

__all__ = [
    "Burgers",
    "EarthModel",
    "Elastic",
    "Fault",
    "FormatError",
    "LargeRegionWarning",
    "Layer",
    "Maxwell",
    "NeuralKernel",
    "Observations",
    "OutOfDomainError",
    "OutOfDomainWarning",
    "PointSource",
    "RectangularFault",
    "SingularPointWarning",
    "StandardLinearSolid",
    "Stations",
    "Surrogate",
    "__version__",
    "built_with_cuda",
    "cuda_available",
    "conventions",
    "cuda_device_name",
    "exact",
    "exact_sources",
    "frames",
    "okada",
]

# Modules that pull in heavy optional dependencies, reached lazily as attributes.
_LAZY = {
    "train",
    "experiments",
    "export",
    "reference",
    "evaluate",
    "data",
    "plot",
    "bench",
    "cli",
    "antiplane",
    "backends",
    "cycles",
    "fit",
}


def __getattr__(name):
    if name in _LAZY:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'viscoann' has no attribute {name!r}")
