#!/usr/bin/env python3
"""durable_rules against the Python evaluator, side by side on the same profiles.

    python3 benchmarks/engines.py            # 3,000 profiles, batch of 5,000 (a few minutes)
    python3 benchmarks/engines.py --quick    # 500 profiles, batch of 1,000

For each engine that can run here: the rules alone (`run_rules`: every stratum fired, facts
inferred, decisions made) and `evaluate()` end to end, in evaluations per second and median
latency (CPU time; the engines take turns every 50 profiles);
then `iso-advisor --engine E batch` CSV to CSV (wall time); and whether every assessment is
byte-identical. Target: the Python evaluator at least 20x the throughput of durable_rules.
The profiles are those of benchmarks/bench.py (seeded, every sector and answer).
"""
from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import CLOCK, ROOT, command, generate, ms, verdict, write_csv  # noqa: E402

from advisor import evaluate

from advisor import engines  # noqa: E402
from advisor.advice.assess import rulebase, run_rules  # noqa: E402
from advisor.advice.models import parse_profile  # noqa: E402

TARGET = 20
#: Engines take turns every BLOCK profiles: a busy neighbour hits both alike, and neither
#: runs with its caches just emptied by the other (turns per profile slowed python ~2x).
BLOCK = 50


def timed(call) -> float:
    start = CLOCK()
    call()
    return CLOCK() - start


def measure(profiles: list[dict], names: list[str]) -> dict:
    """CPU seconds per profile, per engine, for the rules alone and for evaluate()."""
    rb = rulebase()
    parsed = [parse_profile(p) for p in profiles]
    runners = {name: engines.engine_for(rb, name) for name in names}
    for profile in parsed[:100]:                      # warm up every path
        for name in names:
            run_rules(rb, profile, runners[name])
            evaluate(profile, rules=rb, engine=name)
    rules = {name: [] for name in names}
    full = {name: [] for name in names}
    same = 0
    for first in range(0, len(parsed), BLOCK):
        block = parsed[first:first + BLOCK]
        outputs: dict[str, list[str]] = {}
        for name in names:
            for profile in block:
                rules[name].append(timed(lambda: run_rules(rb, profile, runners[name])))
            outputs[name] = []
            for profile in block:
                start = CLOCK()
                outputs[name].append(evaluate(profile, rules=rb, engine=name).model_dump_json())
                full[name].append(CLOCK() - start)
        same += sum(len(set(texts)) == 1 for texts in zip(*outputs.values()))
    return {"rules": rules, "full": full, "same": same}


def batch(profiles: list[dict], names: list[str]) -> dict:
    """Wall seconds of `iso-advisor --engine NAME batch portfolio.csv --format csv --jobs 1`."""
    walls, outputs = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "portfolio.csv"
        write_csv(profiles, source)
        for name in names:
            out = Path(tmp) / f"scores-{name}.csv"
            start = time.perf_counter()
            done = subprocess.run([*command(), "--engine", name, "batch", str(source), "--format",
                                   "csv", "--output", str(out), "--jobs", "1"],
                                  cwd=ROOT, capture_output=True, text=True)
            walls[name] = time.perf_counter() - start
            if done.returncode:
                raise SystemExit(f"batch with --engine {name} failed:\n{done.stderr}")
            outputs[name] = out.read_bytes()
    return {"walls": walls, "same": len(set(outputs.values())) == 1}


def line(seconds: list[float]) -> str:
    return f"{len(seconds) / sum(seconds):>9,.0f}/s  median {ms(statistics.median(seconds)):>9}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="500 profiles, batch of 1,000")
    parser.add_argument("--profiles", type=int, help="profiles timed in-process (default 3000)")
    parser.add_argument("--batch", type=int,
                        help="profiles in the batch run (default 5000; 0 skips)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    n = args.profiles or (500 if args.quick else 3000)
    n_batch = args.batch if args.batch is not None else (1000 if args.quick else 5000)

    names = [name for name in engines.ENGINES if name == "python" or engines.default_name() == name]
    print(f"engines benchmark: Python {platform.python_version()}, engines {', '.join(names)}, "
          f"seed {args.seed}")
    if "durable" not in names:
        print(f"  (durable cannot run here: {engines.fallback_notice()})")
    m = measure(generate(n, args.seed), names)
    print(f"{n} profiles, CPU time per profile  rules only (run_rules)      evaluate() end to end")
    for name in names:
        print(f"  {name:<8}                      {line(m['rules'][name])}   "
              f"{line(m['full'][name])}")
    if len(names) == 2:
        throughput = {kind: {name: len(m[kind][name]) / sum(m[kind][name]) for name in names}
                      for kind in ("rules", "full")}
        rules_x = throughput["rules"]["python"] / throughput["rules"]["durable"]
        full_x = throughput["full"]["python"] / throughput["full"]["durable"]
        print(f"  python/durable                 {rules_x:>8.1f}x (target >= {TARGET}x: "
              f"{verdict(rules_x >= TARGET)})        {full_x:>5.1f}x")
        print(f"  identical assessments: {m['same']}/{n}")
    if n_batch:
        b = batch(generate(n_batch, args.seed + 1), names)
        walls = ", ".join(f"{name} {b['walls'][name]:.1f} s = {n_batch / b['walls'][name]:,.0f}/s"
                          for name in names)
        print(f"batch --jobs 1, {n_batch} profiles CSV->CSV (wall): {walls}; "
              f"outputs identical: {b['same']}")


if __name__ == "__main__":
    main()
