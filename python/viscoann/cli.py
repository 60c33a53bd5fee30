"""The ``viscoann`` command line. Options in km / yr are converted to SI here, at the edge.

Each subcommand is a ``_cmd_<name>(args)`` function registered by ``_add_<name>(sub)``.
"""

from __future__ import annotations

import argparse
import sys

from . import __version__


def _add_info(sub):
    p = sub.add_parser("info", help="print the build configuration")
    p.set_defaults(func=_cmd_info)


def _cmd_info(args) -> int:
    from . import _core
    from .__main__ import cmake_dir

    print(f"viscoann {__version__}")
    print(f"CUDA engine built: {_core.built_with_cuda}; GPU available: {_core.cuda_available()}")
    print(f"CMake package dir: {cmake_dir()}")
    return 0


def _add_bench(sub):
    from .bench import TOPICS

    p = sub.add_parser("bench", help="benchmarks (JSON rows with --json)")
    topics = p.add_subparsers(dest="topic", required=True)
    for name, (add_arguments, run) in TOPICS.items():
        t = topics.add_parser(name)
        t.add_argument("--json", action="store_true", help="print one JSON document on stdout")
        add_arguments(t)
        t.set_defaults(func=_cmd_bench, run=run)


def _cmd_bench(args) -> int:
    from .bench import emit

    emit(args.run(args), args.json)
    return 0


def _add_generate(sub):
    p = sub.add_parser("generate", help="training/test data on the seed's grids (HDF5 shards)")
    p.add_argument("out", help="output directory (resumes if it holds the same grid)")
    p.add_argument("--grid", choices=["train", "test"], default="train",
                   help="the seed's training grid or its test grid (default train)")
    p.add_argument("--scale", type=float, default=1.0,
                   help="shrink every axis by this factor, in (0, 1] (default 1: full size)")
    p.add_argument("--sizes", default=None, metavar="NXY,ND,NT,NM,NK",
                   help="override axis sizes (points per horizontal axis, depths, times, "
                        "eta_M values, eta_K values); '-' keeps the scaled size")
    p.add_argument("--dask", default=None, metavar="ADDRESS",
                   help="run shards on a Dask cluster: a scheduler address, or 'local'")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_generate)


def _parse_sizes(text: str | None):
    if text is None:
        return None
    try:
        return [None if v.strip() == "-" else int(v) for v in text.split(",")]
    except ValueError:
        raise ValueError(
            f"--sizes must be 5 comma-separated integers or '-', got {text!r}"
        ) from None


def _cmd_generate(args) -> int:
    from . import data

    g = data.grid(args.grid, args.scale, _parse_sizes(args.sizes))
    D, E, T, P = g.shape
    print(f"{args.grid} grid: {P} points x {D} depths x {T} times x {E} viscosities "
          f"= {g.n_samples:,} samples in {D * E} shards -> {args.out}", file=sys.stderr)
    data.generate(args.out, g, dask=args.dask, progress=not args.no_progress)
    return 0


_COMMANDS = [_add_info, _add_bench, _add_generate]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="viscoann", description="Fast viscoelastic earthquake deformation, exact and neural."
    )
    parser.add_argument("--version", action="version", version=f"viscoann {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for add in _COMMANDS:
        add(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (ValueError, OSError) as err:
        print(f"viscoann {args.command}: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
