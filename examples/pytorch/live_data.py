"""Live traffic for the walkthrough: features from the drifted distribution the retrained version saw,
and their true targets, which arrive later as feedback.

    /usr/bin/python3 examples/pytorch/live_data.py --rows 400 --out /tmp/mlp-live.json
"""
import argparse
import json

from mlp import task

parser = argparse.ArgumentParser()
parser.add_argument("--rows", type=int, default=400)
parser.add_argument("--shift", type=float, default=1.0)
parser.add_argument("--out", required=True)
args = parser.parse_args()

features, targets = task(seed=7, rows=args.rows, shift=args.shift)
with open(args.out, "w") as file:
    json.dump({"features": features.tolist(), "targets": targets.tolist()}, file)
print(f"{args.rows} live rows -> {args.out}")
