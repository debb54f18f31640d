#!/usr/bin/env python3
"""The held-out evaluation an evaluator watcher runs: accuracy of a model bundle on test.csv (beside
this script), printed as one JSON object of metrics, as `mlchain watch --evaluate` reads it.

    evaluate.py [BUNDLE_DIR]    prints {"accuracy": VALUE}

BUNDLE_DIR defaults to $MLCHAIN_MODEL_DIR, the verified checkout of the candidate that the watcher
made. The suite directory holds everything that decides the number (this script and the test set), so
its CID (`mlchain cid DIR`) names the evaluation exactly. Values have six decimals and no exponent.
"""
import csv
import json
import math
import os
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
    if len(sys.argv) > 2:
        sys.exit("usage: evaluate.py [BUNDLE_DIR]")
    bundle = sys.argv[1] if len(sys.argv) == 2 else os.environ.get("MLCHAIN_MODEL_DIR")
    if not bundle:
        sys.exit("evaluate.py: give BUNDLE_DIR or set MLCHAIN_MODEL_DIR")
    model = load_model(Path(bundle))
    with open(HERE / "test.csv", newline="") as source:
        rows = list(csv.DictReader(source))
    correct = sum((score(model, r) >= 0.5) == (r["label"] == "1") for r in rows)
    # The diagnostics go to stderr (the watcher's log); stdout is the metrics object alone.
    print(f"evaluate.py: {correct} of {len(rows)} held-out rows right", file=sys.stderr)
    print(f'{{"accuracy": {correct / len(rows):.6f}}}')


if __name__ == "__main__":
    main()
