#!/usr/bin/env python3
"""The held-out evaluation: accuracy of a model bundle on test.csv (beside this script).

    evaluate.py BUNDLE_DIR    prints accuracy=VALUE

The suite directory holds everything that decides the number (this script and the test set), so its
CID (`mlchain cid DIR`) names the evaluation exactly. Values have six decimals and no exponent.
"""
import csv
import json
import math
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def load_model(bundle):
    config = json.loads((bundle / "config.json").read_text())
    weights = json.loads((bundle / "weights.json").read_text())
    if config.get("model_type") != "logistic-regression":
        sys.exit(f"evaluate.py: {bundle}: not a logistic-regression bundle")
    return config["features"], weights["coefficients"], weights["bias"]


def score(model, row):
    features, coefficients, bias = model
    z = bias + sum(c * float(row[name]) for c, name in zip(coefficients, features))
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: evaluate.py BUNDLE_DIR")
    model = load_model(Path(sys.argv[1]))
    with open(HERE / "test.csv", newline="") as source:
        rows = list(csv.DictReader(source))
    correct = sum((score(model, r) >= 0.5) == (r["label"] == "1") for r in rows)
    print(f"accuracy={correct / len(rows):.6f}")


if __name__ == "__main__":
    main()
