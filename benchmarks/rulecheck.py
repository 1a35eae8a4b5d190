#!/usr/bin/env python3
"""How `rules check` scales with the number of rules.

    python3 benchmarks/rulecheck.py                  # 100, 300, 1,000 and 6,000 generated rules
    python3 benchmarks/rulecheck.py --sizes 100,200 --engine python

Each size adds that many generated rules (one threshold test each, with examples) to a copy of the
shipped rule base and times `advisor.kernel.rulecheck.check` on it (wall time). Near-linear
means the time ratio stays close to (or below) the size ratio; the script prints both, each
size against the first. The shipped rule base's own checks are a fixed cost in every size.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(os.environ.get("ISO_ADVISOR_ROOT") or Path(__file__).resolve().parents[1])
sys.path.insert(0, str(ROOT))

from advisor.kernel import rulecheck  # noqa: E402
from advisor.kernel.rulebase import shipped_rules_dir  # noqa: E402


def generated(n: int) -> dict:
    rules = []
    for k in range(n):
        limit = 10 + k % 5000
        rules.append({
            "id": f"generated-{k}", "title": f"Generated rule {k}",
            "when": {"all": [{"employees": {"gt": limit}}, {"sector": "retail"}]},
            "then": {"recommend": "implement", "standard": "ISO 9001", "driver": "internal"},
            "text": f"Generated rule {k} fires above {limit} people.", "rationale": "Benchmark.",
            "source": "benchmarks/rulecheck.py",
            "examples": {"fires": [{"sector": "retail", "employees": limit + 1}],
                         "not_fires": [{"sector": "retail", "employees": limit}]}})
    return {"rules": rules}


def timed_check(n: int, engine: str | None) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "rules"
        shutil.copytree(shipped_rules_dir(), folder)
        (folder / "zz_generated.yaml").write_text(yaml.safe_dump(generated(n), sort_keys=False))
        start = time.perf_counter()
        findings = rulecheck.check(folder, engine=engine)
        return time.perf_counter() - start, len(findings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,300,1000,6000")
    parser.add_argument("--engine", default=None, help="durable or python (default: the default)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = []
    for n in sizes:
        seconds, findings = timed_check(n, args.engine)
        results.append((n, seconds))
        print(f"{n:>6} generated rules: rules check {seconds:8.1f} s ({findings} findings)")
    n0, t0 = results[0]
    for n, seconds in results[1:]:
        print(f"{n0} -> {n} rules: size x{n / n0:.1f}, time x{seconds / t0:.1f} "
              f"(linear would be x{n / n0:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
