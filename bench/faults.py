"""Any source through the exact solver's elementary tables: ``python bench/faults.py [--json]``
(same as ``viscoann bench faults``)."""

import sys

from viscoann import cli

if __name__ == "__main__":
    sys.exit(cli.main(["bench", "faults", *sys.argv[1:]]))
