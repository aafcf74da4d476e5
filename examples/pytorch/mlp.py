"""The model of the PyTorch example: a 10→20→10 MLP with ReLU, a seeded synthetic regression task,
plain PyTorch training, and the export to ONNX that modelport serves."""
import json
import os

import torch
from torch import nn

INPUTS = 10
HIDDEN = 20
OUTPUTS = 10
# ONNX Runtime 1.30 reads opsets up to 26; torch 1.13 writes up to 17.
OPSET = 17


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(INPUTS, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, OUTPUTS))

    def forward(self, features):
        return self.layers(features)


def task(seed, rows, shift=0.0):
    """A synthetic regression task: targets are a fixed nonlinear function of the features. `shift`
    moves the features' distribution, as live data drifts away from what a model was trained on."""
    generator = torch.Generator().manual_seed(seed)
    mixing = torch.randn(INPUTS, OUTPUTS, generator=torch.Generator().manual_seed(1234))
    features = torch.randn(rows, INPUTS, generator=generator) + shift
    targets = torch.tanh(features @ mixing / 3.0) + 0.1 * features[:, :OUTPUTS] ** 2
    return features, targets


def train(model, features, targets, steps=400, seed=0):
    """Full-batch Adam on mean squared error; a few hundred steps take well under a second."""
    torch.manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    loss = torch.tensor(0.0)
    for _ in range(steps):
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(features), targets)
        loss.backward()
        optimizer.step()
    return float(loss)


def export(model, repository, name, version):
    """Writes `<repository>/<name>/<version>/model.onnx` with a dynamic batch axis and named tensors."""
    folder = os.path.join(repository, name, str(version))
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "model.onnx")
    model.eval()
    torch.onnx.export(
        model,
        torch.zeros(1, INPUTS),
        path,
        input_names=["features"],
        output_names=["prediction"],
        dynamic_axes={"features": {0: "batch"}, "prediction": {0: "batch"}},
        opset_version=OPSET,
    )
    return path


def write_expected(model, path, seed, rows, shift=0.0):
    """Inputs and PyTorch's own outputs for them, for checking what the server answers."""
    features, targets = task(seed, rows, shift)
    with torch.no_grad():
        outputs = model(features)
    with open(path, "w") as file:
        json.dump(
            {
                "features": features.tolist(),
                "prediction": outputs.tolist(),
                "targets": targets.tolist(),
            },
            file,
        )
