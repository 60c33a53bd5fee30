"""``viscoann bench engine --device cuda``: the fused CUDA engine (FP32 and tensor-core paths)
against PyTorch on the same GPU, same nets, same points, in one process."""

from __future__ import annotations

import numpy as np

from .baselines import torch_mlp
from .rows import log, make_row, median_seconds
from .workloads import canonical_inputs, flops_per_point, random_model


def run_cuda(args) -> list[dict]:
    """The rows of ``bench engine --device cuda`` (options of :mod:`viscoann.bench.engine`)."""
    import tempfile

    from .. import _core, reference
    from ..surrogate import Surrogate

    if not _core.cuda_available():
        raise RuntimeError("bench engine --device cuda: no CUDA GPU is present on this machine")
    gpu = _core.cuda_device_name()
    n = args.points
    X, Z = canonical_inputs(n)
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        for width in [int(w) for w in args.widths.split(",")]:
            name = f"{args.depth}x{width}"
            path, W, B, acts = random_model(f"{tmp}/{name}.safetensors", width, args.depth)
            net = Surrogate.load(path)
            ref = reference.predict(path, X[:100_000])
            flops = flops_per_point(W)
            ours = {}
            for precision in ("fp32", "tensor_fp16"):
                out = np.empty((n, 3), np.float32)

                def run(precision=precision, out=out, net=net):
                    net.predict(
                        X,
                        device="cuda",
                        dtype=np.float32,
                        precision=precision,
                        check_domain=False,
                        out=out,
                    )

                try:
                    sec = median_seconds(run, args.repeats)
                except RuntimeError as e:  # e.g. a width the tensor-core path does not take
                    log(f"{name} cuda {precision}: {e}")
                    continue
                err = float(np.abs(out[:100_000] - ref).max() / np.abs(ref).max())
                ours[precision] = sec
                rows.append(
                    make_row(
                        "viscoann",
                        "cuda",
                        1,
                        n,
                        sec,
                        net=name,
                        notes=f"fused CUDA {precision} on {gpu}, end to end (host float64 in, "
                        f"float32 out, PCIe included); {flops * n / sec * 1e-12:.2f} TFLOP/s",
                        max_rel_error_vs_float64=err,
                    )
                )
                log(
                    f"{name} viscoann cuda {precision}: {n / sec / 1e6:.1f} M points/s, "
                    f"error {err:.1e}"
                )
            if args.no_baselines or not ours:
                continue
            rows += _torch_cuda_rows(W, B, acts, Z, args, name, min(ours.values()))
    return rows


def _torch_cuda_rows(W, B, acts, Z, args, name, ours_sec) -> list[dict]:
    import torch

    model = torch_mlp(W, B, acts, 1).cuda()
    n = len(Z)
    rows = []
    with torch.inference_mode():
        Zg = torch.from_numpy(Z).cuda()
        for label, fn in (
            ("eager, inputs already on the GPU", lambda: model(Zg)),
            ("eager, host inputs, PCIe both ways", lambda: model(torch.from_numpy(Z).cuda()).cpu()),
        ):

            def run(fn=fn):
                fn()
                torch.cuda.synchronize()

            sec = median_seconds(run, args.repeats)
            rows.append(
                make_row(
                    "torch",
                    "cuda",
                    1,
                    n,
                    sec,
                    net=name,
                    notes=f"{label}, float32 pre-transformed inputs, one batch; viscoann's best "
                    f"is {sec / ours_sec:.1f}x faster",
                    speedup_viscoann=sec / ours_sec,
                )
            )
    return rows
