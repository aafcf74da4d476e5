"""Weight-only int8 quantization of an ONNX model, with nothing but the `onnx` package and numpy.

    /usr/bin/python3 examples/pytorch/quantize.py models/mlp/2/model.onnx models/mlp/3/model.onnx

Every float32 weight of a MatMul, a Gemm or a Conv that is an initializer (a constant of the graph)
becomes int8 with one scale per output channel, symmetric (zero point 0), and a DequantizeLinear node
turns it back into float32 in front of its operator. Activations stay float32, so no calibration data
is needed and any input the float model takes, the quantized one takes too. What it gives: weights take
a quarter of the bytes on disk (a file that is mostly weights shrinks to about 0.25x; a tiny model,
whose file is mostly names and structure, much less), to download, pull and roll out. What it costs:
ONNX Runtime turns the weights back into float32 on every run (about twice the run time of a wide MLP,
measured), and each weight is off by at most half a step of its channel's scale (max |w| / 127 / 2),
which the outputs feel as a small error to be checked on real inputs (see docs/lifecycle.md for the
measured figures).

ONNX Runtime's own `quantize_dynamic` (Python) does more (int8 activations, MatMulInteger kernels)
and is the tool to use where `pip install onnxruntime` works; this script is for machines where only
`python3-onnx` and `python3-numpy` can be installed.
"""
import argparse
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

# Operators whose weight input is quantized: input index, and whether the output channel is the last
# axis of the weight (MatMul's B is [K, N]) or the first (Gemm's B with transB=1 is [N, K], Conv's W is
# [M, C, kH, kW]).
WEIGHT_INPUTS = {"MatMul": 1, "Gemm": 1, "Conv": 1}


def channel_axis(node, weight):
    if node.op_type == "MatMul":
        return weight.ndim - 1
    if node.op_type == "Gemm":
        trans_b = next((a.i for a in node.attribute if a.name == "transB"), 0)
        return 0 if trans_b else 1
    return 0


def quantize_weight(weight, axis):
    """Symmetric per-channel int8: scale = max |w| / 127 over each channel; all-zero channels get 1."""
    reduce_axes = tuple(i for i in range(weight.ndim) if i != axis)
    largest = np.max(np.abs(weight), axis=reduce_axes)
    scale = np.where(largest > 0, largest / 127.0, 1.0).astype(np.float32)
    shape = [1] * weight.ndim
    shape[axis] = -1
    quantized = np.clip(np.rint(weight / scale.reshape(shape)), -127, 127).astype(np.int8)
    return quantized, scale


def quantize(model, min_elements):
    graph = model.graph
    initializers = {init.name: init for init in graph.initializer}
    consumers = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    dequantize_nodes = []
    report = []
    for node in list(graph.node):
        index = WEIGHT_INPUTS.get(node.op_type)
        if index is None or len(node.input) <= index:
            continue
        name = node.input[index]
        init = initializers.get(name)
        if init is None or init.data_type != TensorProto.FLOAT:
            continue
        weight = numpy_helper.to_array(init)
        if weight.ndim < 2 or weight.size < min_elements:
            continue
        # A weight shared with other operators keeps its float form for them: quantize only weights whose
        # every consumer is a quantizable operator with the same channel axis.
        axis = channel_axis(node, weight)
        users = consumers.get(name, [])
        if any(WEIGHT_INPUTS.get(u.op_type) is None or channel_axis(u, weight) != axis for u in users):
            continue
        quantized, scale = quantize_weight(weight, axis)
        graph.initializer.remove(init)
        del initializers[name]
        graph.initializer.extend(
            [
                numpy_helper.from_array(quantized, f"{name}_quantized"),
                numpy_helper.from_array(scale, f"{name}_scale"),
                numpy_helper.from_array(np.zeros(scale.shape, dtype=np.int8), f"{name}_zero_point"),
            ]
        )
        # The DequantizeLinear output keeps the weight's name, so the operators that read it are unchanged.
        dequantize_nodes.append(
            helper.make_node(
                "DequantizeLinear",
                [f"{name}_quantized", f"{name}_scale", f"{name}_zero_point"],
                [name],
                name=f"{name}_dequantize",
                axis=axis,
            )
        )
        restored = quantized.astype(np.float32) * scale.reshape([-1 if i == axis else 1 for i in range(weight.ndim)])
        error = np.max(np.abs(restored - weight))
        report.append((name, node.op_type, weight.shape, float(error)))
    # Constants first: nodes stay in topological order.
    for node in reversed(dequantize_nodes):
        graph.node.insert(0, node)
    return report


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", help="the float32 ONNX model")
    parser.add_argument("out", help="where to write the quantized model (folders are created)")
    parser.add_argument(
        "--min-elements",
        type=int,
        default=16,
        help="weights with fewer elements stay float32 (their scales would weigh as much)",
    )
    args = parser.parse_args()

    model = onnx.load(args.model)
    # Per-axis DequantizeLinear needs opset 13.
    opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 0)
    if opset < 13:
        raise SystemExit(f"{args.model} uses opset {opset}; per-channel DequantizeLinear needs 13 or later")
    report = quantize(model, args.min_elements)
    if not report:
        raise SystemExit(f"{args.model} has no float32 MatMul, Gemm or Conv weights to quantize")
    onnx.checker.check_model(model)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    onnx.save(model, args.out)
    before, after = os.path.getsize(args.model), os.path.getsize(args.out)
    for name, op, shape, error in report:
        print(f"  {op} {name} {list(shape)}: int8 per channel, max weight error {error:.2e}")
    print(f"quantized {len(report)} weights: {before} bytes -> {after} bytes (ratio {after / before:.2f}) -> {args.out}")


if __name__ == "__main__":
    main()
