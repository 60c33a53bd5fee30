"""Traction kernels for earthquake-cycle simulators: ``python bench/stress.py [--json]`` (same
as ``viscoann bench stress``)."""

import sys

from viscoann import cli

if __name__ == "__main__":
    sys.exit(cli.main(["bench", "stress", *sys.argv[1:]]))
