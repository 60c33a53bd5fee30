"""Units, frame and the canonical surrogate's conventions: the one Python home of these values
(docs/design.md, "Conventions"). Every module imports them from here; none writes them again.

SI units in every API: metres, seconds, pascals, pascal-seconds. Frame: x east, y north, z up;
observation points on the free surface unless stated; source depth positive downward;
displacements (ux, uy, uz) east, north, up. ``viscoann.okada`` keeps Okada's own frame
(x along strike, y across, z up), which for the canonical source (striking along +x) is this one.
"""

from __future__ import annotations

import math
import operator

DAY = 86400.0  # s
YEAR = 365.25 * DAY  # s: one year is 365.25 days

FRAME = "x east, y north, z up; source depth positive down; (ux, uy, uz) east, north, up"

#: The canonical surrogate's inputs, in this order, and their SI units.
INPUT_NAMES = ("x", "y", "depth", "t", "eta_M", "eta_K")
INPUT_UNITS = ("m", "m", "m", "s", "Pa s", "Pa s")
#: Inputs that enter the net as log10 (the viscosities).
LOG10_INPUTS = ("eta_M", "eta_K")
#: The canonical surrogate domain [lower, upper] per input, SI (viscosities in Pa s).
DOMAIN = {
    "x": (-100e3, 100e3),
    "y": (-100e3, 100e3),
    "depth": (1e3, 14e3),
    "t": (0.0, 100.0 * YEAR),
    "eta_M": (1e18, 1e21),
    "eta_K": (1e17, 1e20),
}
#: The outputs: displacement east, north, up per unit potency of the canonical source.
OUTPUT_NAMES = ("ux", "uy", "uz")
OUTPUT_UNIT = "m/m^3"
#: Farthest epicentral distance of the domain (its corner), m.
R_MAX = math.hypot(DOMAIN["x"][1], DOMAIN["y"][1])


def threads_count(threads) -> int:
    """The native core's thread count for a Python ``threads`` argument: None and 0 mean all
    cores (the core's 0), a positive integer that many threads.

    Raises
    ------
    ValueError
        ``threads`` negative or not an integer.
    """
    if threads is None:
        return 0
    try:
        n = operator.index(threads)
    except TypeError:
        raise ValueError(
            f"threads = {threads!r} is invalid; allowed: None or 0 (all cores), or an integer >= 1"
        ) from None
    if n < 0:
        raise ValueError(
            f"threads = {n} is invalid; allowed: None or 0 (all cores), or an integer >= 1"
        )
    return n
