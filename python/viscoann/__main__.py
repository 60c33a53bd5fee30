"""``python -m viscoann --cmake-dir`` prints the CMake package directory; else runs the CLI."""

import sys

from .cli import main
from .cmake_package import cmake_dir

if __name__ == "__main__":
    if sys.argv[1:] == ["--cmake-dir"]:
        print(cmake_dir())
    else:
        sys.exit(main())
