"""The baselines the fused engines are timed against, on the same net and features: PyTorch
and ONNX Runtime (each imported inside its function; a missing one raises ImportError)."""

from __future__ import annotations

import numpy as np


def torch_mlp(W, B, acts, threads: int, double: bool = False):
    """The net as a torch ``nn.Sequential`` in eval mode (float32, or float64 with ``double``),
    torch on ``threads``."""
    import torch

    torch.set_num_threads(threads)
    dtype, np_dtype = (torch.float64, np.float64) if double else (torch.float32, np.float32)
    mods = []
    for w, b, a in zip(W, B, acts, strict=True):
        lin = torch.nn.Linear(w.shape[1], w.shape[0], dtype=dtype)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(np.asarray(w, np_dtype)))
            lin.bias.copy_(torch.from_numpy(np.asarray(b, np_dtype)))
        mods.append(lin)
        if a != "identity":
            mods.append(torch.nn.Tanh() if a == "tanh" else torch.nn.ReLU())
    return torch.nn.Sequential(*mods).eval()


def onnx_session(W, B, acts, threads: int):
    """The net as an ONNX Runtime CPU session (input "z" float32, output "u")."""
    import onnx
    import onnxruntime as ort
    from onnx import TensorProto, helper, numpy_helper

    nodes, inits, prev = [], [], "z"
    for li, (w, b, a) in enumerate(zip(W, B, acts, strict=True)):
        inits += [
            numpy_helper.from_array(np.asarray(w, np.float32).T.copy(), f"W{li}"),
            numpy_helper.from_array(np.asarray(b, np.float32), f"B{li}"),
        ]
        nodes += [
            helper.make_node("MatMul", [prev, f"W{li}"], [f"m{li}"]),
            helper.make_node("Add", [f"m{li}", f"B{li}"], [f"a{li}"]),
        ]
        prev = f"a{li}"
        if a != "identity":
            nodes.append(helper.make_node("Tanh" if a == "tanh" else "Relu", [prev], [f"h{li}"]))
            prev = f"h{li}"
    nodes.append(helper.make_node("Identity", [prev], ["u"]))
    graph = helper.make_graph(
        nodes,
        "mlp",
        [helper.make_tensor_value_info("z", TensorProto.FLOAT, [None, W[0].shape[1]])],
        [helper.make_tensor_value_info("u", TensorProto.FLOAT, [None, W[-1].shape[0]])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    onnx.checker.check_model(model)
    return ort.InferenceSession(model.SerializeToString(), so, providers=["CPUExecutionProvider"])


def batched(fn, Z, batch: int):
    """A function that runs ``fn`` over Z in batches of ``batch`` rows."""

    def run():
        for s in range(0, len(Z), batch):
            fn(Z[s : s + batch])

    return run
