"""``python -m viscoann --cmake-dir`` prints the CMake package directory; else runs the CLI."""

import sys
from pathlib import Path


def cmake_dir() -> Path:
    """Directory to add to CMAKE_PREFIX_PATH for ``find_package(viscoann)``."""
    return Path(__file__).resolve().parent / "lib" / "cmake" / "viscoann"


if __name__ == "__main__":
    if sys.argv[1:] == ["--cmake-dir"]:
        print(cmake_dir())
    else:
        from .cli import main

        sys.exit(main())
