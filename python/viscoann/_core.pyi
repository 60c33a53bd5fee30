# Type stubs for the native module viscoann._core (see bindings/).
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

__version__: str
built_with_cuda: bool

def cuda_available() -> bool: ...
def cuda_device_name() -> str: ...
def okada_point(
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    z: NDArray[np.float64],
    depth: NDArray[np.float64],
    dip: NDArray[np.float64],
    pot1: NDArray[np.float64],
    pot2: NDArray[np.float64],
    pot3: NDArray[np.float64],
    pot4: NDArray[np.float64],
    alpha: NDArray[np.float64],
    gradients: bool,
    threads: int,
) -> tuple[NDArray[np.float64], NDArray[np.float64] | None, NDArray[np.uint8], int]: ...
def okada_rectangle(
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    z: NDArray[np.float64],
    depth: NDArray[np.float64],
    dip: NDArray[np.float64],
    al1: NDArray[np.float64],
    al2: NDArray[np.float64],
    aw1: NDArray[np.float64],
    aw2: NDArray[np.float64],
    disl1: NDArray[np.float64],
    disl2: NDArray[np.float64],
    disl3: NDArray[np.float64],
    alpha: NDArray[np.float64],
    gradients: bool,
    threads: int,
) -> tuple[NDArray[np.float64], NDArray[np.float64] | None, NDArray[np.uint8], int]: ...
def okada_canonical_surface(
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    depth: NDArray[np.float64],
    alpha: float,
    threads: int,
) -> NDArray[np.float64]: ...
def canonical_displacement(
    thickness: NDArray[np.float64],
    lam: NDArray[np.float64],
    mu_M: NDArray[np.float64],
    eta_M: NDArray[np.float64],
    mu_K: NDArray[np.float64],
    eta_K: NDArray[np.float64],
    depth: float,
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    t: NDArray[np.float64],
    talbot_nodes: int = 20,
    k_refine: float = 1.0,
    r_refine: float = 1.0,
    dense: bool = False,
    threads: int = 0,
    subtract_homogeneous: bool = True,
    velocity: bool = False,
) -> NDArray[np.float64]: ...
def point_source_displacement(
    thickness: NDArray[np.float64],
    lam: NDArray[np.float64],
    mu_M: NDArray[np.float64],
    eta_M: NDArray[np.float64],
    mu_K: NDArray[np.float64],
    eta_K: NDArray[np.float64],
    depth: float,
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    t: NDArray[np.float64],
    *,
    dip: float | None = None,
    potency: NDArray[np.float64] | None = None,
    potency_tensor: NDArray[np.float64] | None = None,
    talbot_nodes: int = 20,
    k_refine: float = 1.0,
    r_refine: float = 1.0,
    dense: bool = False,
    threads: int = 0,
    subtract_homogeneous: bool = True,
    velocity: bool = False,
) -> NDArray[np.float64]: ...
def elementary_tables(
    thickness: NDArray[np.float64],
    lam: NDArray[np.float64],
    mu_M: NDArray[np.float64],
    eta_M: NDArray[np.float64],
    mu_K: NDArray[np.float64],
    eta_K: NDArray[np.float64],
    depth: float,
    r_max: float,
    times: NDArray[np.float64],
    talbot_nodes: int = 20,
    k_refine: float = 1.0,
    r_refine: float = 1.0,
    threads: int = 0,
    velocity: bool = False,
    spacing: float = 0.0,
) -> dict[str, Any]: ...
def depth_field(
    thickness: NDArray[np.float64],
    lam: NDArray[np.float64],
    mu_M: NDArray[np.float64],
    eta_M: NDArray[np.float64],
    mu_K: NDArray[np.float64],
    eta_K: NDArray[np.float64],
    depth: float,
    potency_tensors: NDArray[np.float64],
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    z: NDArray[np.float64],
    times: NDArray[np.float64],
    talbot_nodes: int = 20,
    k_refine: float = 1.0,
    r_refine: float = 1.0,
    dense: bool = False,
    threads: int = 0,
    homogeneous: bool = True,
) -> dict[str, NDArray[np.float64]]: ...
def depth_factors(
    thickness: NDArray[np.float64],
    lam: NDArray[np.float64],
    mu_M: NDArray[np.float64],
    eta_M: NDArray[np.float64],
    mu_K: NDArray[np.float64],
    eta_K: NDArray[np.float64],
    times: NDArray[np.float64],
    talbot_nodes: int = 20,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]: ...
def tables_displacement(
    depth: float,
    h: float,
    times: NDArray[np.float64],
    g: list[NDArray[np.float64]],
    weights: NDArray[np.float64],
    r: NDArray[np.float64],
    kappa: NDArray[np.float64],
    kappa_r: NDArray[np.float64],
    constant: float,
    potency_tensors: NDArray[np.float64],
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    homogeneous: bool = True,
    threads: int = 0,
) -> NDArray[np.float64]: ...
def okada_potency(
    dip: float, potency: NDArray[np.float64], mu: float, lam: float
) -> tuple[float, float, float, float, float, float]: ...
def seed_grid(
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    depths: NDArray[np.float64],
    times: NDArray[np.float64],
    eta_M: NDArray[np.float64],
    eta_K: NDArray[np.float64],
    talbot_nodes: int = 20,
    k_refine: float = 1.0,
    r_refine: float = 1.0,
    threads: int = 0,
) -> tuple[NDArray[np.float64], dict[str, float]]: ...
def canonical_from_radial(
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    g: NDArray[np.float64],
) -> NDArray[np.float64]: ...

class FormatError(ValueError): ...

class Surrogate:
    @staticmethod
    def load(path: str) -> Surrogate: ...
    @staticmethod
    def from_bytes(data: bytes) -> Surrogate: ...
    n_inputs: int
    n_outputs: int
    widths: list[int]
    activations: list[str]
    input_names: list[str]
    input_units: list[str]
    output_names: list[str]
    output_units: list[str]
    domain_lower: list[float]
    domain_upper: list[float]
    metadata_json: str
    def predict(
        self,
        X: np.ndarray,
        device: str = "cpu",
        threads: int = 0,
        isa: str = "auto",
        float32: bool = False,
        precision: str = "fp32",
        postseismic: bool = False,
    ) -> np.ndarray: ...
    def predict_into(
        self,
        X: np.ndarray,
        out: np.ndarray,
        device: str = "cpu",
        threads: int = 0,
        isa: str = "auto",
        precision: str = "fp32",
        postseismic: bool = False,
    ) -> None: ...
    def predict_grid(
        self,
        x: np.ndarray,
        y: np.ndarray,
        depths: np.ndarray,
        times: np.ndarray,
        eta_M: np.ndarray,
        eta_K: np.ndarray,
        device: str = "cpu",
        threads: int = 0,
        isa: str = "auto",
        float32: bool = False,
        precision: str = "fp32",
        postseismic: bool = False,
    ) -> np.ndarray: ...
    def grid_outside_domain(
        self,
        x: np.ndarray,
        y: np.ndarray,
        depths: np.ndarray,
        times: np.ndarray,
        eta_M: np.ndarray,
        eta_K: np.ndarray,
    ) -> list[int]: ...
    def in_domain(self, X: np.ndarray) -> np.ndarray: ...

def cpu_isa_supported(isa: str) -> bool: ...
def cpu_isa_selected() -> str: ...
def fma_peak_gflops(threads: int = 0, seconds: float = 0.2) -> float: ...

class Kernel:
    """The neural kernel's engine (viscoann/kernel.hpp); out_of_domain counts the (model,
    time) pairs of a call outside the kernel's family."""

    @staticmethod
    def load(path: str) -> Kernel: ...
    @staticmethod
    def from_bytes(data: bytes) -> Kernel: ...
    info: dict
    metadata_json: str
    def remainder(
        self,
        depth: float,
        eta_M: np.ndarray,
        eta_K: np.ndarray,
        H: np.ndarray,
        times: np.ndarray,
        tensors: np.ndarray,
        x: np.ndarray,
        y: np.ndarray,
        quantities: Sequence[str] = ("u",),
        threads: int = 0,
    ) -> NDArray[np.float64]: ...  # (E, Q, T, S, 3)
    def remainder_depths(
        self,
        depths: np.ndarray,
        start: np.ndarray,
        eta_M: np.ndarray,
        eta_K: np.ndarray,
        H: np.ndarray,
        times: np.ndarray,
        tensors: np.ndarray,
        x: np.ndarray,
        y: np.ndarray,
        quantities: Sequence[str] = ("u",),
        threads: int = 0,
    ) -> NDArray[np.float64]: ...  # (E, Q, T, S, 3), summed over the depths
    def displacement(
        self,
        depth: float,
        eta_M: np.ndarray,
        eta_K: np.ndarray,
        H: np.ndarray,
        times: np.ndarray,
        tensors: np.ndarray,
        x: np.ndarray,
        y: np.ndarray,
        quantities: Sequence[str] = ("u",),
        threads: int = 0,
    ) -> NDArray[np.float64]: ...  # (E, Q, T, S, 3), Okada on the "u" rows
    def coefficients(
        self,
        depth: float,
        eta_M: np.ndarray,
        eta_K: np.ndarray,
        H: np.ndarray,
        times: np.ndarray,
        quantities: Sequence[str] = ("u",),
        threads: int = 0,
    ) -> NDArray[np.float64]: ...  # (E, Q, T, 10, K)
    def samples(
        self,
        depth: np.ndarray,
        eta_M: np.ndarray,
        eta_K: np.ndarray,
        H: np.ndarray,
        t: np.ndarray,
        tensors: np.ndarray,
        x: np.ndarray,
        y: np.ndarray,
        threads: int = 0,
    ) -> NDArray[np.float64]: ...  # (n, 3)
    def out_of_domain(
        self, depth: float, eta_M: np.ndarray, eta_K: np.ndarray, H: np.ndarray, times: np.ndarray
    ) -> int: ...

def basis_synthesis(
    basis: NDArray[np.float64],
    r_spacing: float,
    C: NDArray[np.float64],
    tensors: NDArray[np.float64],
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    threads: int = 0,
) -> NDArray[np.float64]: ...  # (R, S, 3)
