"""The fused CPU engine vs PyTorch and ONNX Runtime (same nets, threads and inputs).

Usage: python bench/engine.py [--json] [--points N] [--threads 1,2] [--torch-compile]
(the same as ``viscoann bench engine``; rows in the JSON format of docs/design.md §7).
"""

import sys

from viscoann import cli

if __name__ == "__main__":
    sys.exit(cli.main(["bench", "engine", *sys.argv[1:]]))
