"""Station time series from the exact solver: the scattered path (va.exact.canonical, every
sample its own (x, y, t)) against the structured grid (va.exact.grid) on the same 200 points
and times, one (depth, viscosity) group; medians of 5 runs after one warm-up."""

import statistics
import time

import numpy as np
import viscoann as va
from viscoann.conventions import YEAR


def median_seconds(fn, repeats=5):
    fn()
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def main():
    rng = np.random.default_rng(0)
    x, y = rng.uniform(-100e3, 100e3, (2, 200))
    print("| times | exact.canonical (s) | exact.grid (s) |\n|---:|---:|---:|")
    for nt in (1, 3, 11, 41):
        t = np.concatenate([[0.0], np.logspace(-2, 2, nt - 1)]) * YEAR if nt > 1 else [YEAR]
        t = np.asarray(t)
        X = np.column_stack(
            [
                np.repeat(x, nt),
                np.repeat(y, nt),
                np.full(200 * nt, 10e3),
                np.tile(t, 200),
                np.full(200 * nt, 1e19),
                np.full(200 * nt, 1e18),
            ]
        )
        a = median_seconds(lambda X=X: va.exact.canonical(X))
        b = median_seconds(lambda t=t: va.exact.grid(x, y, [10e3], t, [[1e19, 1e18]]))
        print(f"| {nt} | {a:.3f} | {b:.3f} |")


if __name__ == "__main__":
    main()
