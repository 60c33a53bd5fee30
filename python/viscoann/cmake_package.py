"""Where the installed CMake package lies, for C++ users of a pip install:
``python -m viscoann --cmake-dir`` prints it (add it to CMAKE_PREFIX_PATH)."""

from pathlib import Path


def cmake_dir() -> Path:
    """Directory to add to CMAKE_PREFIX_PATH for ``find_package(viscoann)``."""
    return Path(__file__).resolve().parent / "lib" / "cmake" / "viscoann"
