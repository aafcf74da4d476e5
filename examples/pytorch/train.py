"""Trains the MLP on the first data set and exports it as version 1 of model `mlp`.

    /usr/bin/python3 examples/pytorch/train.py --repository models --expected /tmp/mlp-v1.json
"""
import argparse
import time

import onnx
import torch

from mlp import Mlp, export, task, train, write_expected

parser = argparse.ArgumentParser()
parser.add_argument("--repository", required=True, help="the model repository folder to export into")
parser.add_argument("--name", default="mlp")
parser.add_argument("--expected", help="where to write test inputs and PyTorch's outputs (JSON)")
args = parser.parse_args()

torch.manual_seed(0)
model = Mlp()
started = time.perf_counter()
features, targets = task(seed=1, rows=2000)
loss = train(model, features, targets)
path = export(model, args.repository, args.name, 1)
onnx.checker.check_model(onnx.load(path))
if args.expected:
    write_expected(model, args.expected, seed=100, rows=8)
print(f"{args.name} version 1: training loss {loss:.4f} in {time.perf_counter() - started:.1f} s -> {path}")
