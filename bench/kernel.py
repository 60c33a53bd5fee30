"""The neural kernel's C++ engine on a random-weight net of the shipped size: finite fault,
the seed grid's shape, scattered samples: ``python bench/kernel.py [--json]`` (the same as
``viscoann bench kernel``)."""

import sys

from viscoann.cli import main

if __name__ == "__main__":
    sys.exit(main(["bench", "kernel", *sys.argv[1:]]))
