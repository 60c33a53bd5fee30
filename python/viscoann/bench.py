"""Benchmarks behind ``viscoann bench`` and ``bench/*.py``: medians of repeated runs, baselines
measured in the same process on the same inputs, rows in the JSON format of DESIGN §7.

Each topic is a function ``run_<topic>(args) -> list[dict]`` registered in ``TOPICS`` with
its argparse options; the CLI prints a table (or one JSON document with ``--json``).
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable

ROW_KEYS = (
    "impl", "device", "threads", "net", "n_points", "seconds_median", "points_per_s",
    "extrapolated_full_seconds", "mean_abs_residual", "notes",
)  # fmt: skip


def log(msg: str) -> None:
    """Progress and logs go to stderr, so ``--json`` stdout stays one JSON document."""
    print(msg, file=sys.stderr, flush=True)


def machine_info() -> dict:
    """CPU model, core count, SIMD flags and GPU of this machine."""
    from . import _core

    cpu, flags = platform.processor() or platform.machine(), []
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name") and cpu in ("", platform.machine()):
                    cpu = line.split(":", 1)[1].strip()
                elif line.startswith("flags"):
                    have = set(line.split(":", 1)[1].split())
                    flags = [x for x in ("avx2", "fma", "avx512f", "avx512_fp16", "amx_bf16")
                             if x in have]  # fmt: skip
                    break
    except OSError:
        pass
    gpu = _core.cuda_device_name() if _core.cuda_available() else None
    return {
        "cpu": cpu,
        "cores": os.cpu_count() or 1,
        "simd": flags,
        "gpu": gpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def median_seconds(fn: Callable[[], object], repeats: int = 5, warmup: int = 1) -> float:
    """Median wall time of ``fn()`` over ``repeats`` runs after ``warmup`` untimed runs."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def make_row(impl: str, device: str, threads: int, n_points: int, seconds: float, *,
             net: str | None = None, full_points: int | None = None,
             mean_abs_residual: float | None = None, notes: str = "", **extra) -> dict:  # fmt: skip
    """One result row; ``full_points`` extrapolates linearly to a full problem size."""
    row = {
        "impl": impl,
        "device": device,
        "threads": int(threads),
        "net": net,
        "n_points": int(n_points),
        "seconds_median": float(seconds),
        "points_per_s": float(n_points / seconds) if seconds > 0 else float("inf"),
        "extrapolated_full_seconds": (
            float(seconds * full_points / n_points) if full_points else None
        ),
        "mean_abs_residual": None if mean_abs_residual is None else float(mean_abs_residual),
        "notes": notes,
    }
    row.update(extra)
    return row


def format_table(rows: list[dict]) -> str:
    """Human-readable table of rows (the default output of ``viscoann bench``)."""
    head = f"{'impl':<14}{'device':<7}{'thr':>4} {'net':<8}{'points':>12}{'median s':>12}" \
           f"{'points/s':>12}{'full s':>11}  notes"  # fmt: skip
    lines = [head, "-" * len(head)]
    for r in rows:
        full = r["extrapolated_full_seconds"]
        lines.append(
            f"{r['impl']:<14}{r['device']:<7}{r['threads']:>4} {r['net'] or '-':<8}"
            f"{r['n_points']:>12,}{r['seconds_median']:>12.4g}{r['points_per_s']:>12.4g}"
            f"{(f'{full:.4g}' if full is not None else '-'):>11}  {r['notes']}"
        )
    return "\n".join(lines)


def emit(rows: list[dict], as_json: bool) -> None:
    if as_json:
        json.dump({"machine": machine_info(), "rows": rows}, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        print(format_table(rows))


# topic name -> (add_arguments(parser), run(args) -> rows); topics register themselves below.
TOPICS: dict[str, tuple[Callable, Callable]] = {}
