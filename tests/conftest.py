"""Shared pytest fixtures: paths to reference data, and the CUDA skip reason."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


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
