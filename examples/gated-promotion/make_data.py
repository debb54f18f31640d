#!/usr/bin/env python3
"""Writes the example's data sets (train.csv and the suites' CSVs) from a fixed seed.

The CSVs are committed, so the suites' CIDs never change; this script says how they were made and
makes them again byte for byte (it draws only from random.random(), whose sequence Python keeps
stable across versions, and formats with a fixed number of decimals).

Each row is x1,x2,x3,label. x1 and x2 carry the signal. x3 is a sensor reading that, in the data
collected before deployment, also tracks the label: a model that uses it scores higher on the
held-out set. In the live sample the sensor has been replaced: x3 reads high for everyone and no
longer tracks the label, which is the shift the drift suite measures.
"""
import math
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent


def gauss(rng, mean):
    # Box-Muller from random.random(): random.gauss's algorithm may change between Python versions.
    u1 = 1.0 - rng.random()
    u2 = rng.random()
    return mean + math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


def row(rng, live):
    label = 1 if rng.random() < 0.5 else 0
    sign = 1.0 if label else -1.0
    x1 = gauss(rng, sign * 1.0)
    x2 = gauss(rng, sign * 1.0)
    x3 = gauss(rng, 1.5) if live else gauss(rng, sign * 1.0)
    return f"{x1:.4f},{x2:.4f},{x3:.4f},{label}\n"


def write(path, rng, count, live=False):
    with open(path, "w", encoding="ascii", newline="\n") as out:
        out.write("x1,x2,x3,label\n")
        for _ in range(count):
            out.write(row(rng, live))


def main():
    rng = random.Random(20261206)
    write(HERE / "train.csv", rng, 600)
    write(HERE / "suites" / "holdout" / "test.csv", rng, 400)
    write(HERE / "suites" / "drift" / "reference.csv", rng, 400)
    write(HERE / "suites" / "drift" / "live.csv", rng, 400, live=True)


if __name__ == "__main__":
    main()
