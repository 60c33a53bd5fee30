"""Shared pytest fixtures and helpers: paths to reference data, random nets, and the CUDA skip
reason."""

from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


def random_net(widths, acts, seed):
    """A random MLP as (weights, biases, activations): hidden layers use ``acts`` cyclically,
    the last is linear."""
    rng = np.random.default_rng(seed)
    layers = range(len(widths) - 1)
    ws = [rng.normal(0, 1 / np.sqrt(widths[i]), (widths[i + 1], widths[i])) for i in layers]
    bs = [rng.normal(0, 0.1, widths[i + 1]) for i in layers]
    names = [acts[i % len(acts)] for i in range(len(widths) - 2)] + ["identity"]
    return ws, bs, names


def pytest_collection_modifyitems(config, items):
    import viscoann

    if viscoann.cuda_available():
        return
    reason = (
        "no CUDA GPU present"
        if viscoann.built_with_cuda
        else "this build has no CUDA engine (no CUDA toolkit at build time)"
    )
    for item in items:
        if item.get_closest_marker("cuda") is not None:
            item.add_marker(pytest.mark.skip(reason=reason))
