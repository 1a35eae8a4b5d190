#!/usr/bin/env python3
"""How close to the bare engine can evaluate() get? A lower bound, measured like bench.py.

    python3 benchmarks/floor.py [--profiles N]

Runs the latency part of bench.py twice on the same profiles: once as shipped, once with the
advisor's own logic taken out. In the second run `assess()` (decisions, priorities, reason
texts, effort, unknowns) is replaced by rebuilding an assessment of the same size from values
worked out beforehand, so what remains is the least any evaluate() producing this output must
do: validate the profile, feed the engine stratum by stratum, build the output objects. The gap
between the two ratios is what the logic costs; the floor is what no tuning of it can go below.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench  # noqa: E402

from advisor.advice import assess as assess_module  # noqa: E402
from advisor.advice.models import Assessment, Recommendation  # noqa: E402


def _copy(model):
    return type(model).trusted(**dict(model.__dict__))


def rebuild(a: Assessment) -> Assessment:
    """A new assessment equal to `a`, every object built again, nothing worked out."""
    recommendations = []
    for rec in a.recommendations:
        values = dict(rec.__dict__)
        values.update(reasons=[_copy(r) for r in rec.reasons], notes=[_copy(r) for r in rec.notes],
                      effort=_copy(rec.effort) if rec.effort else None)
        recommendations.append(Recommendation.trusted(**values))
    values = dict(a.__dict__)
    values.update(recommendations=recommendations, unknowns=[_copy(u) for u in a.unknowns],
                  inferred=[_copy(i) for i in a.inferred], notes=[_copy(n) for n in a.notes])
    return Assessment.trusted(**values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profiles", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    profiles = bench.generate(args.profiles, args.seed)

    shipped = bench.latency(profiles)
    ready = {p["name"]: assess_module.evaluate(p) for p in profiles}   # names are unique
    real_assess = assess_module.assess
    assess_module.assess = lambda rb, profile, run, **_: rebuild(ready[profile.name])
    try:
        floor = bench.latency(profiles)
    finally:
        assess_module.assess = real_assess
    for label, lat in (("evaluate() as shipped", shipped), ("without the logic", floor)):
        print(f"{label:24s} median {bench.ms(lat['median'])}, bare engine "
              f"{bench.ms(lat['bare'])}: {lat['median'] / lat['bare']:.2f}x")


if __name__ == "__main__":
    main()
