#!/usr/bin/env python3
"""The drift check: how far live traffic has moved a model bundle's scores from the reference data.

    evaluate.py BUNDLE_DIR    prints drift=VALUE and live_accuracy=VALUE

drift is the population stability index (PSI) of the model's scores on live.csv against its scores on
reference.csv, over ten bins cut at the reference scores' deciles: sum((live% - ref%) * ln(live% / ref%)).
The usual reading: below 0.1 stable, 0.1 to 0.25 a moderate shift, above 0.25 a significant one.
live_accuracy uses the labels that arrived later for the live sample.

The suite directory holds everything that decides the numbers (this script and both samples), so its
CID (`mlchain cid DIR`) names the evaluation exactly. Values have six decimals and no exponent.
"""
import bisect
import csv
import json
import math
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BINS = 10
# An empty bin would make ln(0): count it as this share instead, as PSI implementations usually do.
FLOOR = 0.0001


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


def read(name):
    with open(HERE / name, newline="") as source:
        return list(csv.DictReader(source))


def shares(scores, edges):
    counts = [0] * BINS
    for s in scores:
        counts[bisect.bisect_right(edges, s)] += 1
    return [max(c / len(scores), FLOOR) for c in counts]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: evaluate.py BUNDLE_DIR")
    model = load_model(Path(sys.argv[1]))
    reference = sorted(score(model, r) for r in read("reference.csv"))
    live_rows = read("live.csv")
    live = [score(model, r) for r in live_rows]
    edges = [reference[len(reference) * i // BINS] for i in range(1, BINS)]
    psi = sum((l - r) * math.log(l / r) for l, r in zip(shares(live, edges), shares(reference, edges)))
    correct = sum((s >= 0.5) == (r["label"] == "1") for s, r in zip(live, live_rows))
    print(f"drift={psi:.6f}")
    print(f"live_accuracy={correct / len(live_rows):.6f}")


if __name__ == "__main__":
    main()
