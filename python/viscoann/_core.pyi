# Type stubs for the native module viscoann._core (see bindings/).
import numpy as np

__version__: str
built_with_cuda: bool

def cuda_available() -> bool: ...
def cuda_device_name() -> str: ...

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
    ) -> np.ndarray: ...
    def predict_into(
        self,
        X: np.ndarray,
        out: np.ndarray,
        device: str = "cpu",
        threads: int = 0,
        isa: str = "auto",
    ) -> None: ...
    def in_domain(self, X: np.ndarray) -> np.ndarray: ...

def cpu_isa_supported(isa: str) -> bool: ...
def cpu_isa_selected() -> str: ...
def fma_peak_gflops(threads: int = 0, seconds: float = 0.2) -> float: ...
