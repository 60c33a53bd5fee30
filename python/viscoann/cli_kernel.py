"""``viscoann kernel``: the neural kernel's data, training and accuracy (docs/design.md, "The
neural kernel"). Sizes are checked before any work; data and training resume where they stopped."""

from __future__ import annotations

import json
import sys

from .cli_options import UsageError, check_count


def add(sub):
    p = sub.add_parser("kernel", help="the neural kernel: data, training, accuracy")
    jobs = p.add_subparsers(dest="job", required=True)
    g = jobs.add_parser("generate", help="exact training data (resumable shards)")
    g.add_argument("out", help="data directory")
    g.add_argument("--shards", type=int, default=80, help="shards to have (default 80)")
    g.add_argument("--shard-size", type=int, default=8, help="samples per shard (default 8)")
    g.add_argument("--times", type=int, default=40, help="times per sample (default 40)")
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("--dask", default=None, help="'local' or a scheduler address")
    g.add_argument("--no-progress", action="store_true")
    g.set_defaults(func=_generate)
    t = jobs.add_parser("train", help="train a kernel on generated data (resumable)")
    t.add_argument("data", nargs="+", help="data directories")
    t.add_argument("--out", required=True, help="run directory (kernel.safetensors inside)")
    t.add_argument("--modes", type=int, default=16, help="radial basis modes K (default 16)")
    t.add_argument(
        "--method",
        choices=("random-features", "adam"),
        default="random-features",
        help="random-features (default: one wide random tanh layer, the last layer solved "
        "exactly; how the shipped kernel was made) or adam (a deep net descended)",
    )
    t.add_argument("--hidden", type=int, default=6000, help="random-features: hidden units")
    t.add_argument(
        "--scale", type=float, default=3.6, help="random-features: first-layer weight scale"
    )
    t.add_argument("--layers", type=int, default=3, help="adam: hidden layers")
    t.add_argument("--width", type=int, default=128, help="adam: their width")
    t.add_argument("--epochs", type=int, default=400, help="adam: epochs")
    t.add_argument("--minutes", type=float, default=0.0, help="time budget (0: none)")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--no-progress", action="store_true")
    t.set_defaults(func=_train)
    a = jobs.add_parser("accuracy", help="per time bin against the exact solver (JSON)")
    a.add_argument("--model", default=None, help="model file (default: the shipped kernel)")
    a.add_argument("--per-kind", type=int, default=2, help="cases per source kind (default 2)")
    a.add_argument("--stations", type=int, default=40, help="stations per case (default 40)")
    a.add_argument("--seed", type=int, default=12345)
    a.set_defaults(func=_accuracy)


def _generate(args) -> int:
    from . import kernel_data

    check_count("--shards", args.shards, 1)
    check_count("--shard-size", args.shard_size, 1)
    if not 2 <= args.times <= 1000:
        raise UsageError(f"--times {args.times} is invalid; allowed: 2..1000")
    out = kernel_data.generate(
        args.out,
        args.shards,
        shard_size=args.shard_size,
        seed=args.seed,
        times_per_sample=args.times,
        progress=not args.no_progress,
        dask=args.dask,
    )
    print(f"wrote {out}", file=sys.stderr)
    return 0


def _train(args) -> int:
    from . import kernel_train

    for opt, v in (("--modes", args.modes), ("--layers", args.layers), ("--width", args.width)):
        check_count(opt, v, 1)
    check_count("--epochs", args.epochs, 1)
    if not 1 <= args.hidden <= 8192:
        raise UsageError(f"--hidden {args.hidden} is invalid; allowed: 1..8192")
    if not 0 < args.scale < 100:
        raise UsageError(f"--scale {args.scale} is invalid; allowed: (0, 100)")
    if args.minutes < 0:
        raise UsageError(f"--minutes {args.minutes} is invalid; allowed: >= 0")
    if args.method == "random-features":
        rf = kernel_train.RandomFeatureConfig(
            n_modes=args.modes, hidden=args.hidden, scale=args.scale, seed=args.seed
        )
        path = kernel_train.fit_random_features(
            args.data, args.out, rf, progress=not args.no_progress
        )
        print(f"wrote {path}", file=sys.stderr)
        return 0
    cfg = kernel_train.KernelTrainConfig(
        n_modes=args.modes,
        layers=args.layers,
        width=args.width,
        epochs=args.epochs,
        minutes=args.minutes,
        seed=args.seed,
    )
    path = kernel_train.train(args.data, args.out, cfg, progress=not args.no_progress)
    print(f"wrote {path}", file=sys.stderr)
    return 0


def _accuracy(args) -> int:
    from . import kernel_accuracy
    from .kernel import NeuralKernel

    check_count("--per-kind", args.per_kind, 1)
    check_count("--stations", args.stations, 1)
    net = NeuralKernel.load(args.model) if args.model else NeuralKernel.pretrained()
    out = kernel_accuracy.evaluate(
        net, per_kind=args.per_kind, n_stations=args.stations, seed=args.seed
    )
    print(json.dumps(out, indent=1))
    return 0
