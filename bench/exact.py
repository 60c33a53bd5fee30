"""Exact solver on the seed paper's test grid: ``python bench/exact.py [--json]``
(same as ``viscoann bench exact``)."""

import sys

from viscoann import cli

if __name__ == "__main__":
    sys.exit(cli.main(["bench", "exact", *sys.argv[1:]]))
