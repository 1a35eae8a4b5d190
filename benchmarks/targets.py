#!/usr/bin/env python3
"""Every speed target of issue 13, in one run, as ratios measured side by side.

    python3 benchmarks/targets.py                   # a few minutes on 2 cores
    python3 benchmarks/targets.py --quick           # smaller runs, under a minute
    python3 benchmarks/targets.py --batch 1000000   # the issue's full batch size

1. The built-in evaluator's rules against a hand-written Python function for the same slice
   (the 48 rule instances of hard_demands.yaml in the first stratum: fired rule ids in firing
   order and the decisions they make), on the same facts; every output is compared.
2. `evaluate()` on the built-in evaluator against its rules alone (`run_rules`: every stratum
   fired, facts inferred, decisions made) on the same profiles.
3. `iso-advisor --version` against `python -c "import click"`, and `iso-advisor evaluate SAMPLE
   --engine python` beside `python -c pass` (CPU time of whole processes, medians).
4. `iso-advisor --engine python batch` of a large CSV with `--jobs 2`: wall time, and the parent
   process's RSS sampled from its start to its end. A size below 1,000,000 is extrapolated
   linearly, and printed as an extrapolation.
5. durable_rules' own cost (assert_fact + delete_state of the same facts, no advisor) and the
   advisor's share on top, where durable_rules runs.

Times are CPU time where one process is measured (on a shared machine wall time measures the
neighbours), wall time for the batch (it is what a user waits). Nothing here is asserted in a
test; the targets are printed next to the numbers.
"""
from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import CLOCK, ROOT, command, generate, ms, verdict, write_csv  # noqa: E402

from advisor.advice import catalog  # noqa: E402
from advisor.advice.assess import base_fact, decide, evaluate, rulebase, run_rules  # noqa: E402
from advisor.advice.models import parse_profile  # noqa: E402
from advisor.engines import engine_for  # noqa: E402
from advisor.engines.python import _Compiler  # noqa: E402

SLICE_FILE = "hard_demands.yaml"
SAMPLE = "profiles/automotive-supplier.yaml"
BLOCK = 50          # the two sides take turns every BLOCK items: load hits both alike


# -- 1. a hand-written reference for one slice of the rules ----------------------------------

AUTOMOTIVE_OEM_SECTORS = frozenset({"automotive", "manufacturing", "chemicals"})
TIER2_SECTORS = frozenset({"manufacturing", "chemicals", "mining", "logistics_transport", "other"})
AEROSPACE_BUYERS = frozenset({"aerospace_primes", "airlines", "defence_buyers"})
AEROSPACE_SECTORS = frozenset({"aerospace_defence", "manufacturing", "automotive", "chemicals"})
FOOD_BUYER_SECTORS = frozenset({"retail", "food_beverage", "hospitality"})
FOOD_BUYERS = frozenset({"food_retailers", "gfsi_food_makers"})
CLOUD_EXTENSIONS = frozenset({"ISO/IEC 27017", "ISO/IEC 27018"})


def hand_written(names: tuple[str, ...]) -> Callable[[dict[str, Any]], tuple[list[str], dict]]:
    """What the slice's rules say, written by hand as one would without a rule engine: the
    fired rule ids in firing order and the strongest decision per standard."""
    tender_keys = {name: f"tender-gate[{name}]" for name in names}
    customer_keys = {name: f"customer-gate[{name}]" for name in names}
    blank = dict.fromkeys(names, "not_needed")

    def rules(fact: dict[str, Any]) -> tuple[list[str], dict]:
        fired: list[str] = []
        decisions = dict(blank)

        def certify(key: str, standard: str) -> None:
            fired.append(key)
            decisions[standard] = "certify"

        tenders, customers = fact["tender_requirements"], fact["customer_requirements"]
        sector, buyers = fact["sector"], fact["customer_sectors"]
        key_customers, roles = fact["key_customers"], fact["site_roles"]
        activities, countries = fact["activities"], fact["countries"]
        if tenders:
            for name in names:
                if name in tenders:
                    certify(tender_keys[name], name)
        if customers:
            for name in names:
                if name in customers:
                    certify(customer_keys[name], name)
        car_makers = key_customers is not None and "car_makers" in key_customers
        produces = roles is None or "production" in roles
        if ((sector == "automotive" and "automotive" in buyers)
                or (car_makers and sector in AUTOMOTIVE_OEM_SECTORS)) and produces:
            certify("automotive-oem-supplier", "IATF 16949")
        if "automotive" in buyers and sector in TIER2_SECTORS:
            certify("automotive-tier2-supplier", "ISO 9001")
        aerospace_buyers = key_customers is not None and not AEROSPACE_BUYERS.isdisjoint(key_customers)
        if (("aerospace_defence" in buyers or aerospace_buyers) and sector in AEROSPACE_SECTORS
                and (roles is None or "production" in roles or "design" in roles)):
            certify("aerospace-supplier", "AS9100")
        if (sector == "aerospace_defence" and "aerospace_defence" not in buyers
                and not aerospace_buyers):
            fired.append("aerospace-sector-quality")
            if decisions["AS9100"] == "not_needed":
                decisions["AS9100"] = "implement"
        sells_food = not FOOD_BUYER_SECTORS.isdisjoint(buyers)
        if (sector == "food_beverage" and sells_food
                and (activities is None or "primary_production" not in activities)):
            certify("food-retail-supplier", "FSSC 22000")
        if (activities is not None and "food_contact_packaging" in activities
                and (sells_food or (key_customers is not None
                                    and not FOOD_BUYERS.isdisjoint(key_customers)))):
            certify("food-packaging-supplier", "FSSC 22000")
        if "mdsap" in fact["regulations"] or (sector == "medical_devices" and "CA" in countries):
            certify("mdsap-canada", "ISO 13485")
        energy, established = fact["annual_energy_tj"], fact["established_in"]
        if energy is not None and energy > 27 and (
                (established is not None and "DE" in established)
                or (established is None and "DE" in countries)):
            certify("germany-enefg-enms", "ISO 50001")
        if (("IATF 16949" in customers or "IATF 16949" in tenders or car_makers)
                and ((roles is not None and "production" not in roles)
                     or (roles is None and activities is not None
                         and "software_development" in activities))):
            certify("iatf-ineligible-quality", "ISO 9001")
        if not CLOUD_EXTENSIONS.isdisjoint(customers) or not CLOUD_EXTENSIONS.isdisjoint(tenders):
            certify("cloud-extensions", "ISO/IEC 27001")
        return fired, decisions

    return rules


def slice_ratio(profiles: list[dict]) -> dict:
    rb = rulebase()
    layer = [i for i in rb.strata[0] if i.rule.file == SLICE_FILE]
    by_key = {i.key: i for i in layer}
    fire = _Compiler().function(layer, f"{SLICE_FILE} slice")     # what PythonEngine compiles

    def evaluator(fact: dict[str, Any]) -> tuple[list[str], dict]:
        fired = [by_key[key] for key in fire(fact)]                 # as run_rules does
        return [i.key for i in fired], decide(fired)

    reference = hand_written(catalog.NAMES)
    facts = [base_fact(rb, parse_profile(p)) for p in profiles]
    wrong = sum(evaluator(f) != reference(f) for f in facts)
    fired = sum(len(reference(f)[0]) for f in facts)
    times: dict[str, float] = {"evaluator": 0.0, "reference": 0.0}
    for _ in range(3):                                 # each fact several times: µs per call
        for first in range(0, len(facts), BLOCK):
            block = facts[first:first + BLOCK]
            for name, function in (("evaluator", evaluator), ("reference", reference)):
                start = CLOCK()
                for fact in block:
                    function(fact)
                times[name] += CLOCK() - start
    calls = 3 * len(facts)
    return {"instances": len(layer), "n": len(facts), "wrong": wrong, "fired": fired / len(facts),
            "evaluator": times["evaluator"] / calls, "reference": times["reference"] / calls}


# -- 2. evaluate() against its rules alone ------------------------------------------------------

def overhead(profiles: list[dict]) -> dict:
    rb = rulebase()
    engine = engine_for(rb, "python")
    parsed = [parse_profile(p) for p in profiles]
    for profile in parsed[:100]:                       # warm up both paths
        run_rules(rb, profile, engine)
        evaluate(profile, rules=rb, engine="python")
    rules_only: list[float] = []
    full: list[float] = []
    for first in range(0, len(parsed), BLOCK):
        block = parsed[first:first + BLOCK]
        for profile in block:
            start = CLOCK()
            run_rules(rb, profile, engine)
            rules_only.append(CLOCK() - start)
        for profile in block:
            start = CLOCK()
            evaluate(profile, rules=rb, engine="python")
            full.append(CLOCK() - start)
    return {"n": len(parsed), "rules": statistics.median(rules_only),
            "full": statistics.median(full), "rules_total": sum(rules_only),
            "full_total": sum(full)}


# -- 3. whole processes -------------------------------------------------------------------------

def processes(runs: int) -> dict[str, float]:
    """Median CPU seconds of each command line, taken in turn, bytecode cached as after
    `pip install` (the first round writes it and is not counted)."""
    python = sys.executable
    lines = {"version": [*command(), "--version"],
             "import click": [python, "-c", "import click"],
             "evaluate": [*command(), "--engine", "python", "evaluate", SAMPLE],
             "pass": [python, "-c", "pass"]}
    cpu: dict[str, list[float]] = {name: [] for name in lines}
    with tempfile.TemporaryDirectory() as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        for run in range(runs + 1):
            for name, argv in lines.items():
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                subprocess.run(argv, cwd=ROOT, check=True, capture_output=True, env=env)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                if run:
                    cpu[name].append(after.ru_utime + after.ru_stime
                                     - before.ru_utime - before.ru_stime)
    return {name: statistics.median(times) for name, times in cpu.items()}


# -- 4. a large batch ---------------------------------------------------------------------------

def rss_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def big_batch(rows: int, seed: int) -> dict:
    distinct = generate(min(rows, 20_000), seed)
    with tempfile.TemporaryDirectory() as tmp:
        source, out = Path(tmp) / "portfolio.csv", Path(tmp) / "scores.csv"
        copies = [dict(p, name=f"{p['name']} #{n // len(distinct)}")
                  for n, p in ((n, distinct[n % len(distinct)]) for n in range(rows))]
        write_csv(copies, source)
        del copies
        start = time.perf_counter()
        child = subprocess.Popen([*command(), "--engine", "python", "batch", str(source),
                                  "--format", "csv", "--output", str(out), "--jobs", "2"],
                                 cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        samples: list[tuple[float, float]] = []
        while child.poll() is None:
            rss = rss_mb(child.pid)
            if rss is not None:
                samples.append((time.perf_counter() - start, rss))
            time.sleep(0.25)
        wall = time.perf_counter() - start
        error = child.stderr.read().decode("utf-8", "replace") if child.stderr else ""
        if child.returncode:
            raise SystemExit(f"batch failed:\n{error}")
        with out.open(encoding="utf-8") as scores:
            records = sum(1 for _ in scores) - 1
    # start: once the workers run (a few seconds in); end: the last sample before exit
    settled = [rss for at, rss in samples if at >= min(5.0, wall / 4)] or [s[1] for s in samples]
    return {"rows": rows, "records": records, "wall": wall, "rss_start": settled[0],
            "rss_end": settled[-1], "rss_peak": max(settled)}


# -- 5. durable_rules --------------------------------------------------------------------------

def durable_share(profiles: list[dict]) -> dict | None:
    from advisor.engines import durable
    if not durable.available():
        return None
    from bench import latency
    return latency(profiles)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs, under a minute")
    parser.add_argument("--profiles", type=int, help="profiles for parts 1, 2, 5 (default 2000)")
    parser.add_argument("--batch", type=int, help="CSV rows for part 4 (default 10000)")
    parser.add_argument("--runs", type=int, help="process runs per command in part 3 (default 9)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    n = args.profiles or (500 if args.quick else 2000)
    rows = args.batch or (2_000 if args.quick else 10_000)
    runs = args.runs or (5 if args.quick else 9)
    print(f"issue 13 targets: Python {platform.python_version()}, {os.cpu_count()} CPUs, seed "
          f"{args.seed}, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} at start")
    profiles = generate(n, args.seed)

    s = slice_ratio(profiles)
    ratio = s["evaluator"] / s["reference"]
    print(f"1. rules, slice of {s['instances']} rule instances ({SLICE_FILE}, stratum 0), "
          f"{s['n']} facts, {s['fired']:.1f} fired on average, outputs differing: {s['wrong']}")
    print(f"   built-in evaluator {s['evaluator'] * 1e6:.1f} µs, hand-written "
          f"{s['reference'] * 1e6:.1f} µs: {ratio:.2f}x (target <= 1.5x: {verdict(ratio <= 1.5)})")

    o = overhead(profiles)
    ratio = o["full"] / o["rules"]
    print(f"2. evaluate() on the python engine, {o['n']} profiles: median {ms(o['full'])} against "
          f"run_rules {ms(o['rules'])}: {ratio:.2f}x (target <= 4x: {verdict(ratio <= 4)}; "
          f"totals {o['full_total'] / o['rules_total']:.2f}x)")

    p = processes(runs)
    ratio = p["version"] / p["import click"]
    print(f"3. `iso-advisor --version` {ms(p['version'])} CPU, `python -c \"import click\"` "
          f"{ms(p['import click'])}: {ratio:.2f}x (target <= 3x: {verdict(ratio <= 3)})")
    print(f"   `iso-advisor --engine python evaluate {SAMPLE}` {ms(p['evaluate'])} CPU, "
          f"`python -c pass` {ms(p['pass'])} (target < 150 ms: "
          f"{verdict(p['evaluate'] < 0.150)}); medians of {runs} runs")

    b = big_batch(rows, args.seed + 1)
    per_s = b["rows"] / b["wall"]
    million = 1_000_000 / per_s
    kind = "measured" if b["rows"] >= 1_000_000 else "EXTRAPOLATED linearly from this run"
    print(f"4. batch --engine python --jobs 2, {b['rows']:,} CSV rows -> {b['records']:,} records "
          f"in {b['wall']:.1f} s wall = {per_s:,.0f} rows/s")
    print(f"   1,000,000 rows: {million:.0f} s ({kind}; target < 180 s: {verdict(million < 180)})")
    print(f"   parent RSS {b['rss_start']:.1f} MB once running, {b['rss_end']:.1f} MB at the end, "
          f"peak {b['rss_peak']:.1f} MB ({b['rss_end'] - b['rss_start']:+.1f} MB)")

    d = durable_share(profiles)
    if d is None:
        print("5. durable_rules does not run here: no share to report")
    else:
        share = d["median"] - d["bare"]
        print(f"5. durable_rules alone (assert_fact + delete_state, {d['rulesets']} rulesets): "
              f"median {ms(d['bare'])}; evaluate() on durable {ms(d['median'])}: the advisor's "
              f"share {ms(share)} ({share / d['median']:.0%}), {d['median'] / d['bare']:.2f}x")


if __name__ == "__main__":
    main()
