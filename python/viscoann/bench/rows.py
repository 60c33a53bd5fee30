"""The benchmark rows of docs/design.md ("Public interface"): timing by medians of repeated
runs, one row per measurement, the machine, and the table or JSON document ``viscoann bench``
prints. Every topic module builds its rows with these; this module imports no topic."""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable

ROW_KEYS = (
    "impl",
    "device",
    "threads",
    "net",
    "n_points",
    "seconds_median",
    "points_per_s",
    "extrapolated_full_seconds",
    "mean_abs_residual",
    "notes",
)


def log(msg: str) -> None:
    """Progress and logs go to stderr, so ``--json`` stdout stays one JSON document."""
    print(msg, file=sys.stderr, flush=True)


def machine_info() -> dict:
    """CPU model, core count, SIMD flags and GPU of this machine."""
    from .. import _core

    cpu, flags = platform.processor() or platform.machine(), []
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name") and cpu in ("", platform.machine()):
                    cpu = line.split(":", 1)[1].strip()
                elif line.startswith("flags"):
                    have = set(line.split(":", 1)[1].split())
                    flags = [
                        x
                        for x in ("avx2", "fma", "avx512f", "avx512_fp16", "amx_bf16")
                        if x in have
                    ]
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
    return timed(fn, repeats, warmup)[0]


def timed(fn: Callable[[], object], repeats: int = 5, warmup: int = 1) -> tuple[float, float]:
    """Median wall and median process-CPU seconds of ``fn()`` over ``repeats`` runs after
    ``warmup`` untimed runs. On a shared machine the CPU time shows the cost free of
    time-slicing by other processes."""
    for _ in range(warmup):
        fn()
    wall, cpu = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall), statistics.median(cpu)


def make_row(
    impl: str,
    device: str,
    threads: int,
    n_points: int,
    seconds: float,
    *,
    net: str | None = None,
    full_points: int | None = None,
    mean_abs_residual: float | None = None,
    notes: str = "",
    **extra,
) -> dict:
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
    head = (
        f"{'impl':<14}{'device':<7}{'thr':>4} {'net':<8}{'points':>12}{'median s':>12}"
        f"{'points/s':>12}{'full s':>11}  notes"
    )
    lines = [head, "-" * len(head)]

    def num(v, spec):
        return "-" if v is None else format(v, spec)

    for r in rows:
        lines.append(
            f"{r['impl']:<14}{r['device']:<7}{r['threads']:>4} {r['net'] or '-':<8}"
            f"{num(r['n_points'], ','):>12}{num(r['seconds_median'], '.4g'):>12}"
            f"{num(r['points_per_s'], '.4g'):>12}{num(r['extrapolated_full_seconds'], '.4g'):>11}"
            f"  {r['notes']}"
        )
    return "\n".join(lines)


def emit(rows: list[dict], as_json: bool) -> None:
    """Print the rows: one JSON document ``{"machine": ..., "rows": [...]}`` with ``as_json``,
    else the table."""
    if as_json:
        json.dump({"machine": machine_info(), "rows": rows}, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        print(format_table(rows))
