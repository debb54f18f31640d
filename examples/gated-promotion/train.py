#!/usr/bin/env python3
"""Trains a logistic-regression classifier on train.csv and writes it as a model bundle.

    train.py OUT_DIR --features x1,x2 [--steps N] [--learning-rate R]

OUT_DIR gets config.json (the architecture: which input columns, in which order, and how it was
trained) and weights.json (the coefficients and the bias). Full-batch gradient descent from zero
weights in a fixed order, so the same arguments give the same bytes on every machine.
"""
import argparse
import csv
import json
import math
from pathlib import Path

HERE = Path(__file__).resolve().parent


def load(path, features):
    with open(path, newline="") as source:
        rows = list(csv.DictReader(source))
    return [[float(r[name]) for name in features] for r in rows], [int(r["label"]) for r in rows]


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def train(inputs, labels, steps, learning_rate):
    coefficients = [0.0] * len(inputs[0])
    bias = 0.0
    for _ in range(steps):
        gradient = [0.0] * len(coefficients)
        bias_gradient = 0.0
        for x, y in zip(inputs, labels):
            error = sigmoid(bias + sum(c * v for c, v in zip(coefficients, x))) - y
            for i, v in enumerate(x):
                gradient[i] += error * v
            bias_gradient += error
        coefficients = [c - learning_rate * g / len(inputs) for c, g in zip(coefficients, gradient)]
        bias -= learning_rate * bias_gradient / len(inputs)
    return coefficients, bias


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="bundle directory to write")
    parser.add_argument("--features", required=True, help="comma-separated input columns of train.csv")
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--learning-rate", type=float, default=0.5)
    args = parser.parse_args()

    features = args.features.split(",")
    inputs, labels = load(HERE / "train.csv", features)
    coefficients, bias = train(inputs, labels, args.steps, args.learning_rate)
    config = {
        "model_type": "logistic-regression",
        "features": features,
        "labels": [0, 1],
        "training": {"data": "train.csv", "steps": args.steps, "learning_rate": args.learning_rate,
                     "optimizer": "full-batch gradient descent"},
    }
    weights = {"coefficients": coefficients, "bias": bias}
    args.out.mkdir(parents=True, exist_ok=True)
    for name, value in (("config.json", config), ("weights.json", weights)):
        (args.out / name).write_text(json.dumps(value, indent=2) + "\n", encoding="ascii")
    correct = sum((sigmoid(bias + sum(c * v for c, v in zip(coefficients, x))) >= 0.5) == (y == 1)
                  for x, y in zip(inputs, labels))
    print(f"trained on {','.join(features)} for {args.steps} steps: training accuracy {correct / len(labels):.4f}")


if __name__ == "__main__":
    main()
