"""Okada point-source throughput vs okada_wrapper: ``python bench/okada.py [--json]``
(the same as ``viscoann bench okada``)."""

import sys

from viscoann.cli import main

if __name__ == "__main__":
    sys.exit(main(["bench", "okada", *sys.argv[1:]]))
