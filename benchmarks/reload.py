#!/usr/bin/env python3
"""A long-running process that reloads an edited rule base: does its memory stay bounded?

    python3 benchmarks/reload.py                 # 100 reloads, each with one rule's threshold edited
    python3 benchmarks/reload.py --reloads 300 --edit text

Each reload copies no file: it rewrites one rule of a copy of the shipped rule base (`--edit
condition` changes a threshold, so one ruleset's content changes; `--edit text` changes only
a rule's wording), loads it and evaluates a profile with the durable engine, as a server whose
rule files are edited would. It prints the resident memory every 10 reloads and the growth per
reload. The engine registers a ruleset once per content and deletes it when no engine of the
MAX_ENGINES rule bases used last has it, so memory should level off after MAX_ENGINES reloads.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(os.environ.get("ISO_ADVISOR_ROOT") or Path(__file__).resolve().parents[1])
sys.path.insert(0, str(ROOT))

from advisor import evaluate  # noqa: E402
from advisor.engines import durable  # noqa: E402
from advisor.kernel import rulebase as rulebase_module  # noqa: E402

PROFILE = {"name": "Acme", "sector": "construction", "employees": 80, "bids_for_tenders": True}


def rss_mb() -> float:
    """Current resident set size (Linux /proc), else the peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reloads", type=int, default=100)
    parser.add_argument("--edit", choices=["condition", "text"], default="condition")
    args = parser.parse_args()
    if not durable.available():
        print("durable_rules is not installed here: nothing to measure")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "rules"
        shutil.copytree(rulebase_module.shipped_rules_dir(), folder)
        target = folder / "hard_demands.yaml"
        original = target.read_text()
        assert "{annual_energy_tj: {gt: 85}}" in original
        evaluate(PROFILE, rules=folder, engine="durable")
        start = rss_mb()
        registered = lambda: len(durable._users)  # noqa: E731 - rulesets registered and live
        before = registered()
        print(f"reloads  RSS MB  rulesets live  ({args.edit} edited each time)")
        print(f"{0:>7}  {start:6.1f}  {before:>13}")
        for n in range(1, args.reloads + 1):
            if args.edit == "condition":      # one threshold: one ruleset's content changes
                text = original.replace("{gt: 85}", "{gt: %d}" % (85 + n), 1)
            else:
                text = original.replace("title: ", f"title: v{n} ", 1)
            target.write_text(text)
            rulebase_module._recent.clear()
            assessment = evaluate(PROFILE, rules=folder, engine="durable")
            assert assessment.recommendations
            if n == args.reloads // 2:
                mid_rss = rss_mb()
            if n % 10 == 0:
                print(f"{n:>7}  {rss_mb():6.1f}  {registered():>13}")
        grown = rss_mb() - start
        print(f"growth: {grown:.1f} MB over {args.reloads} reloads, {grown / args.reloads:.2f} MB "
              f"per reload; {registered()} rulesets live after {args.reloads} edits "
              f"({before} before)")
        if args.reloads > 2 * durable.MAX_ENGINES:
            half = mid_rss
            print(f"second half: {rss_mb() - half:+.1f} MB over the last "
                  f"{args.reloads - args.reloads // 2} reloads")
    return 0


if __name__ == "__main__":
    sys.exit(main())
