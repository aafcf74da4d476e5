"""Retrains version 1 of the MLP on new data, whose features have drifted, and exports version 2.

    /usr/bin/python3 examples/pytorch/retrain.py --repository models --expected /tmp/mlp-v2.json
"""
import argparse
import os
import time

import onnx
import torch
from onnx import numpy_helper

from mlp import Mlp, export, task, train, write_expected

parser = argparse.ArgumentParser()
parser.add_argument("--repository", required=True)
parser.add_argument("--name", default="mlp")
parser.add_argument("--shift", type=float, default=1.0, help="how far the new data's features moved")
parser.add_argument("--expected")
args = parser.parse_args()


def load_version_1(model):
    """Version 1's weights read back from its ONNX file: the repository is the source of truth."""
    graph = onnx.load(os.path.join(args.repository, args.name, "1", "model.onnx")).graph
    weights = {init.name: torch.from_numpy(numpy_helper.to_array(init).copy()) for init in graph.initializer}
    model.load_state_dict(weights)


model = Mlp()
load_version_1(model)
started = time.perf_counter()
new_features, new_targets = task(seed=2, rows=2000, shift=args.shift)
old_features, old_targets = task(seed=3, rows=500)
# Mostly new data, some old, so the new version does not forget what still comes in.
loss = train(model, torch.cat([new_features, old_features]), torch.cat([new_targets, old_targets]), seed=1)
path = export(model, args.repository, args.name, 2)
onnx.checker.check_model(onnx.load(path))
if args.expected:
    write_expected(model, args.expected, seed=101, rows=8, shift=args.shift)
print(f"{args.name} version 2: training loss {loss:.4f} in {time.perf_counter() - started:.1f} s -> {path}")
