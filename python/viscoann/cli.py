"""The ``viscoann`` command line. Options in km / yr are converted to SI at the edge.

Each subcommand is a ``_cmd_<name>(args)`` function registered by ``_add_<name>(sub)``; the
field commands live in ``cli_okada``, ``cli_solve`` and ``cli_predict``, the workflows
(``cycle``, ``fit``) in ``cli_workflows``, the checks they share in ``cli_options``. A
command checks every option before any work; a user error is one line on stderr naming the
option, its value and what is allowed, with exit status 2 (argparse's convention) and no
traceback; success is 0.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
from pathlib import Path

from . import __version__, cli_kernel, cli_okada, cli_predict, cli_solve, cli_workflows
from .cli_options import OUTPUT_RULES, check_outputs, require
from .conventions import YEAR


def _add_info(sub):
    p = sub.add_parser("info", help="print the build configuration")
    p.set_defaults(func=_cmd_info)


def _cmd_info(args) -> int:
    from . import _core
    from .cmake_package import cmake_dir

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
    from .bench.rows import emit

    emit(args.run(args), args.json)
    return 0


def _add_generate(sub):
    p = sub.add_parser("generate", help="training/test data on the seed's grids (HDF5 shards)")
    p.add_argument("out", help="output directory (resumes if it holds the same grid)")
    p.add_argument(
        "--grid",
        choices=["train", "test", "radial"],
        default="train",
        help="the seed's training grid, its test grid, or the radial functions' "
        "grid of the radial form (default train)",
    )
    p.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="shrink every axis by this factor, in (0, 1] (default 1: full size)",
    )
    p.add_argument(
        "--sizes",
        default=None,
        metavar="NXY,ND,NT,NM,NK",
        help="override axis sizes (points per horizontal axis, or distances for "
        "--grid radial, depths, times, eta_M values, eta_K values); '-' keeps "
        "the scaled size",
    )
    p.add_argument(
        "--layout",
        choices=["uniform", "stretched"],
        default="uniform",
        help="training points: the seed's uniform grid, or denser near the source",
    )
    p.add_argument(
        "--dask",
        default=None,
        metavar="ADDRESS",
        help="run shards on a Dask cluster: a scheduler address, or 'local'",
    )
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

    require("generate", "h5py", "tqdm", *(["distributed"] if args.dask else []))
    g = data.grid(args.grid, args.scale, _parse_sizes(args.sizes), args.layout)
    D, E, T, P = g.shape
    print(
        f"{args.grid} grid: {P} points x {D} depths x {T} times x {E} viscosities "
        f"= {g.n_samples:,} samples in {D * E} shards -> {args.out}",
        file=sys.stderr,
    )
    data.generate(args.out, g, dask=args.dask, progress=not args.no_progress)
    return 0


def _add_train(sub):
    p = sub.add_parser("train", help="train an MLP surrogate on `generate` shards (PyTorch)")
    p.add_argument("data", help="training data directory (from `viscoann generate`)")
    p.add_argument("out", help="run directory: model file, checkpoint, history, curves (resumes)")
    p.add_argument("--layers", type=int, default=6, help="hidden layers (default 6)")
    p.add_argument("--width", type=int, default=20, help="neurons per hidden layer (default 20)")
    p.add_argument(
        "--activations",
        default="tanh,relu",
        help="activation pattern over the hidden layers (default tanh,relu)",
    )
    p.add_argument(
        "--target",
        choices=["remainder", "full", "radial"],
        default="remainder",
        help="learn u(t) - u(0) on top of exact Okada (default), the full field, or "
        "the radial functions' remainder (data from --grid radial)",
    )
    p.add_argument(
        "--time-shift-yr",
        type=float,
        default=0.01,
        help="radial target: time feature log10(t + shift) (default 0.01 yr)",
    )
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--batch-size", type=int, default=1024)
    p.add_argument("--lr", type=float, default=3e-3, help="initial Adam learning rate")
    p.add_argument("--lr-final", type=float, default=3e-5, help="final (cosine decay)")
    p.add_argument("--loss", choices=["mse", "l1"], default="mse")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    p.add_argument(
        "--init-from",
        default=None,
        metavar="MODEL",
        help="start from the weights of this model file or run directory (fine-tuning, "
        "same architecture)",
    )
    p.add_argument(
        "--model", default=None, help="also copy the run's model file (.safetensors) here"
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_train)


def _cmd_train(args) -> int:

    require("train", "torch", "h5py", "tqdm", "matplotlib")
    check_outputs([("--model", args.model, (".safetensors",))])
    from . import atomic, plot, train

    cfg = train.TrainConfig(
        hidden_layers=args.layers,
        width=args.width,
        activations=tuple(a.strip() for a in args.activations.split(",")),
        target=args.target,
        epochs=args.epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        lr_final=args.lr_final,
        loss=args.loss,
        seed=args.seed,
        init_from=args.init_from,
        time_shift=args.time_shift_yr * YEAR,
    )
    cfg.check()
    out = Path(args.out)
    run = train.train(args.data, out, cfg, progress=not args.no_progress, threads=args.threads)
    plot.training_curves({cfg.name: run.history}, out / "training_curves.png")
    last = run.history[-1]
    print(
        f"{cfg.name} {cfg.target}: train loss {last['train_loss']:.4g}, "
        f"val loss {last['val_loss']:.4g} -> {run.path}",
        file=sys.stderr,
    )
    if args.model:
        atomic.write_bytes(args.model, run.path.read_bytes())
    return 0


def _add_plot(sub):
    p = sub.add_parser("plot", help="figures: the seed's experiments, training curves")
    figs = p.add_subparsers(dest="figure", required=True)
    w = figs.add_parser("warmup", help="seed Fig. 2: elastic warm-up (trains one net per size)")
    w.add_argument("out", help="output directory (elastic_warmup.png, elastic_warmup.json)")
    w.add_argument("--points", default="500,13450,42200", help="training-set sizes")
    w.add_argument("--depth-km", type=float, default=7.9, help="source depth, km (default 7.9)")
    w.add_argument("--steps", type=int, default=20000, help="Adam steps per net")
    w.add_argument("--layers", type=int, default=6)
    w.add_argument("--width", type=int, default=20)
    w.add_argument("--seed", type=int, default=0)
    w.add_argument("--no-progress", action="store_true")
    w.set_defaults(func=_cmd_plot_warmup)
    c = figs.add_parser(
        "canonical", help="seed Fig. 3: surrogates against the exact solver on the test grid"
    )
    c.add_argument("test", help="test data directory (`viscoann generate --grid test`)")
    c.add_argument(
        "models",
        nargs="+",
        metavar="LABEL=MODEL",
        help="model files (.safetensors) or training run directories",
    )
    c.add_argument("--out", required=True, help="output directory")
    c.add_argument("--no-progress", action="store_true")
    c.set_defaults(func=_cmd_plot_canonical)
    k = figs.add_parser("curves", help="training and validation loss of training runs")
    k.add_argument("out", help="output image (.png)")
    k.add_argument("runs", nargs="+", metavar="[LABEL=]RUN_DIR")
    k.set_defaults(func=_cmd_plot_curves)


def _labelled(items):
    out = {}
    for item in items:
        label, _, path = item.rpartition("=")
        out[label or path.rstrip("/").rsplit("/", 1)[-1]] = path
    return out


def _cmd_plot_warmup(args) -> int:
    require("plot warmup", "torch", "tqdm", "matplotlib")
    from . import experiments, plot, train

    sizes = [int(v) for v in args.points.split(",")]
    cfg = train.TrainConfig(
        hidden_layers=args.layers,
        width=args.width,
        target="full",
        batch_size=256,
        lr=3e-3,
        lr_final=1e-5,
        seed=args.seed,
    )
    r = experiments.elastic_warmup(
        sizes,
        depth=args.depth_km * 1e3,
        config=cfg,
        steps=args.steps,
        progress=not args.no_progress,
    )
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    plot.elastic_warmup(r, out / "elastic_warmup.png")
    experiments.save_warmup(r, out / "elastic_warmup.json")
    for run in r["runs"]:
        print(
            f"{run['n_points']:>7,} points: mean |residual| {run['mean_abs_residual']:.3e} "
            f"(mean |u| {r['mean_abs_u']:.3e})"
        )
    return 0


def _cmd_plot_canonical(args) -> int:
    require("plot canonical", "h5py", "tqdm", "matplotlib")
    from . import evaluate, plot

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    metrics = {}
    for label, path in _labelled(args.models).items():
        m = evaluate.evaluate(evaluate.predictor(path), args.test, progress=not args.no_progress)
        evaluate.save(m, out / f"canonical_{label}.json")
        metrics[label] = m
        print(f"{label}: " + ", ".join(f"{k} {v:.4g}" for k, v in evaluate.summary(m).items()))
    plot.canonical_residuals(metrics, out / "canonical_residuals.png")
    return 0


def _cmd_plot_curves(args) -> int:
    import json

    require("plot curves", "matplotlib")
    check_outputs([("out", args.out, "image")])
    from . import plot

    hist = {
        label: json.loads((Path(p) / "history.json").read_text())
        for label, p in _labelled(args.runs).items()
    }
    plot.training_curves(hist, args.out)
    return 0


def _add_export(sub):
    p = sub.add_parser(
        "export", help="copy a training run's model file, recording its test metrics"
    )
    p.add_argument("run", help="training run directory, or a model file (.safetensors)")
    p.add_argument("model", help="output model file (.safetensors)")
    p.add_argument(
        "--metrics",
        default=None,
        help="test-grid metrics JSON (`viscoann plot canonical`) to record in the "
        "model's provenance",
    )
    p.set_defaults(func=_cmd_export)


def _cmd_export(args) -> int:
    import json

    check_outputs([("model", args.model, (".safetensors",))])
    from . import evaluate, export, train

    model = export.read(train.model_path(args.run))
    if args.metrics:
        metrics = evaluate.recorded(json.loads(Path(args.metrics).read_text()))
        model["provenance"] = dict(model.get("provenance") or {}, test_metrics=metrics)
    path = export.write(args.model, model)
    print(f"wrote {path} ({path.stat().st_size:,} bytes)", file=sys.stderr)
    return 0


def _add_accuracy(sub):
    from .accuracy import add_arguments, run

    p = sub.add_parser(
        "accuracy", help="the surrogate against the exact solver per time after the event"
    )
    add_arguments(p)
    p.set_defaults(func=run)


_COMMANDS = [
    _add_info,
    _add_bench,
    cli_okada.add,
    cli_solve.add,
    cli_predict.add,
    cli_workflows.add_cycle,
    cli_workflows.add_fit,
    cli_kernel.add,
    _add_generate,
    _add_train,
    _add_plot,
    _add_export,
    _add_accuracy,
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="viscoann",
        description="Fast viscoelastic earthquake deformation, exact and neural. Options in "
        "km and yr; files in SI units (m, s, Pa s).",
        epilog=OUTPUT_RULES,
    )
    parser.add_argument("--version", action="version", version=f"viscoann {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for add in _COMMANDS:
        add(sub)
    return parser


# argparse reads "-1e19", "-inf" or "-20,10" as an option (its negative-number pattern has no
# exponent, inf or pairs), so a negative value would fail with "expected one argument"; a
# leading space makes the token a value, and float() and int() ignore the space.
_NEGATIVE = re.compile(r"^-(\d|\.\d|inf|nan)", re.IGNORECASE)


def _as_values(argv: list[str]) -> list[str]:
    def numeric(token):
        try:
            [float(v) for v in token.split(",")]
        except ValueError:
            return False
        return True

    return [" " + a if _NEGATIVE.match(a) and numeric(a) else a for a in argv]


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 2 a user error, 130 interrupted)."""
    argv = sys.argv[1:] if argv is None else [str(a) for a in argv]
    try:
        args = build_parser().parse_args(_as_values(argv))
    except SystemExit as done:  # --help, --version (0) or argparse's usage error (2)
        return done.code if isinstance(done.code, int) else 2
    args.argv = argv
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:  # stdout closed early (`viscoann okada | head`): stop quietly
        with contextlib.suppress(OSError, ValueError, AttributeError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except (ValueError, OSError, RuntimeError) as err:
        print(f"viscoann {args.command}: error: {err}", file=sys.stderr)
        return 2
    except MemoryError:
        print(f"viscoann {args.command}: error: out of memory", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"viscoann {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
