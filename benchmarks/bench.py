#!/usr/bin/env python3
"""How fast and how lean is iso-advisor? One run prints every number the README quotes.

    python3 benchmarks/bench.py            # full run (several minutes on 2 cores)
    python3 benchmarks/bench.py --quick    # smaller numbers, about a minute

Measures, on synthetic profiles (seeded, spread over every sector and answer):
1. `evaluate()`: evaluations per second, median and p99 latency;
2. the bare durable_rules cost of the same profiles (assert_fact + delete_state into the same
   rulesets, facts prepared beforehand: no advisor layer), and the ratio of the two medians;
3. end-to-end `iso-advisor batch` (CSV in, CSV out) with --jobs 1 and --jobs 2, wall time;
4. peak and current RSS of a process after 10,000 and after 100,000 evaluations;
5. cold start of `iso-advisor evaluate profiles/<sample>.yaml` (the whole process).
Targets (2-core machine) are printed next to each number. Speed is never asserted in tests.
"""
from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from advisor.advice import catalog  # noqa: E402
from advisor.advice.models import (AiRole, CustomerType, Goal, Level, Regulation, Sector,  # noqa: E402
                            Sensitivity, parse_profile)

COUNTRIES = ["DE", "FR", "IT", "ES", "NL", "BE", "AT", "PL", "CZ", "SE", "IE", "GB", "US", "CH",
             "JP", "CN", "IN", "CA", "AU", "BR"]
SPELLINGS = {name: [name, name.replace(" ", "").lower(), name.split(" ")[-1]]
             for name in catalog.NAMES}
GUIDANCE = ["ISO 26000", "ISO 31000", "ISO 9004"]


def _some(rng: random.Random, values: list, most: int) -> list:
    return rng.sample(values, rng.randint(0, min(most, len(values))))


def _maybe(rng: random.Random, values: list, unknown: float = 0.25):
    return None if rng.random() < unknown else rng.choice(values)


def generate(n: int, seed: int = 2026) -> list[dict]:
    """`n` valid, varied profiles: every sector, every answer, unknowns included."""
    rng = random.Random(seed)
    sectors = [s.value for s in Sector]
    standards = list(catalog.NAMES)
    profiles = []
    for i in range(n):
        bids = _maybe(rng, [True, False])
        held = rng.sample(standards, rng.choice([0, 0, 1, 1, 2, 3]))
        rest = [s for s in standards if s not in held]
        profile = {
            "name": f"Org {i:06d} {rng.choice(['GmbH', 'Ltd', 'SA', 'Inc', 'AB', 'srl'])}",
            "sector": sectors[i % len(sectors)],
            "employees": max(1, int(10 ** rng.uniform(0, 3.8))),
            "sites": rng.choice([1, 1, 1, 2, 3, 5, 12]),
            "countries": _some(rng, COUNTRIES, 4),
            "customer_types": _some(rng, [c.value for c in CustomerType], 3),
            "customer_sectors": _some(rng, sectors, 3),
            "bids_for_tenders": bids,
            "tender_requirements": [rng.choice(SPELLINGS[s]) for s in _some(rng, rest, 2)]
            if bids else [],
            "customer_requirements": [rng.choice(SPELLINGS[s]) for s in _some(rng, rest, 2)],
            "regulations": _some(rng, [r.value for r in Regulation], 3),
            "data_sensitivity": _maybe(rng, [s.value for s in Sensitivity]),
            "environmental_impact": _maybe(rng, [v.value for v in Level]),
            "ohs_risk": _maybe(rng, [v.value for v in Level]),
            "annual_energy_tj": None if rng.random() < 0.4 else round(10 ** rng.uniform(-1, 3.5), 1),
            "ai_role": _maybe(rng, [a.value for a in AiRole]),
            "certified": held,
            "implemented": _some(rng, [s for s in rest], 2) + (
                [rng.choice(GUIDANCE)] if rng.random() < 0.05 else []),
            "goals": _some(rng, [g.value for g in Goal], 4),
            "budget": _maybe(rng, [v.value for v in Level]),
            "deadline_months": None if rng.random() < 0.6 else rng.randint(3, 36),
        }
        profile["implemented"] = [s for s in profile["implemented"] if s not in held]
        parse_profile(profile)          # every generated profile is valid
        profiles.append(profile)
    return profiles


def write_csv(profiles: list[dict], path: Path) -> None:
    """Profiles as a spreadsheet would hold them: lists joined by ';', unknowns as empty cells."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        fields = list(profiles[0])
        writer.writerow(fields)
        for p in profiles:
            writer.writerow(["" if p[f] is None else ";".join(p[f]) if isinstance(p[f], list)
                             else str(p[f]).lower() if isinstance(p[f], bool) else p[f]
                             for f in fields])


#: CPU time of this process: on a shared machine wall time mostly measures the neighbours.
CLOCK = time.process_time


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


# -- 1 and 2: evaluate() against the bare engine ----------------------------------------------

class _Recorder:
    """Wraps an engine: records the fact each stratum is fired with, for the bare replay."""

    def __init__(self, engine):
        self.engine, self.facts, self.name = engine, [], engine.name

    def fire(self, stratum, fact):
        self.facts.append(dict(fact))
        return self.engine.fire(stratum, fact)


def latency(profiles: list[dict]) -> dict:
    from advisor import evaluate
    from advisor.advice.assess import rulebase, run_rules
    from advisor.engines.durable import _get_host, encode_fact, engine_for

    rb = rulebase()
    engine = engine_for(rb)
    host = _get_host()
    replays = []
    for p in profiles:                  # the facts each stratum sees, from a real run
        recorder = _Recorder(engine)
        run_rules(rb, parse_profile(p), recorder)
        replays.append(recorder.facts)
    sids = itertools.count(10**9)

    def bare(facts: list[dict]) -> tuple[float, float]:
        """CPU time of assert_fact + delete_state alone, and of encoding the facts (once per
        stratum, as the advisor does) for durable_rules."""
        start = CLOCK()
        encoded = [encode_fact(fact, "") for fact in facts]
        encoding = CLOCK() - start
        calls = []
        for stratum, fact in enumerate(encoded):
            for name in engine._rulesets[stratum]:
                sid = str(next(sids))
                engine._traces[sid] = []        # the rule actions record into it
                calls.append((name, sid, dict(fact, sid=sid)))
        start = CLOCK()
        for name, sid, fact in calls:
            host.assert_fact(name, fact)
            host.delete_state(name, sid)
        elapsed = CLOCK() - start
        for _, sid, _ in calls:
            engine._traces.pop(sid, None)
        return elapsed, encoding

    for p, facts in zip(profiles[:200], replays):      # warm up both paths
        evaluate(p)
        bare(facts)
    full, engine_only, encoding = [], [], []
    for p, facts in zip(profiles, replays):            # interleaved: noise hits both alike
        engine_time, encode_time = bare(facts)
        engine_only.append(engine_time)
        encoding.append(engine_time + encode_time)
        start = CLOCK()
        evaluate(p)
        full.append(CLOCK() - start)
    full.sort()
    return {"n": len(full), "per_s": len(full) / sum(full), "median": statistics.median(full),
            "p99": full[int(len(full) * 0.99) - 1], "bare": statistics.median(engine_only),
            "bare_encoded": statistics.median(encoding),
            "rulesets": sum(len(r) for r in engine._rulesets), "rules": len(rb.instances),
            "version": rb.version}


# -- 3: end-to-end batch ----------------------------------------------------------------------

def command() -> list[str]:
    """The console script installed beside this Python (as in the README's virtual environment),
    else one on PATH, else `python -m advisor`: the same program."""
    beside = Path(sys.executable).parent / "iso-advisor"
    script = str(beside) if beside.is_file() else shutil.which("iso-advisor")
    return [script] if script else [sys.executable, "-m", "advisor"]


def batch(profiles: list[dict], folder: Path) -> dict:
    source = folder / "portfolio.csv"
    write_csv(profiles, source)
    walls, cpus, outputs = {}, {}, {}
    for jobs in (1, 2):
        out = folder / f"scores-{jobs}.csv"
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run([*command(), "batch", str(source), "--format", "csv",
                               "--output", str(out), "--jobs", str(jobs)],
                              cwd=ROOT, capture_output=True, text=True)
        walls[jobs] = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)   # includes the pool's workers
        cpus[jobs] = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        if done.returncode:
            raise SystemExit(f"batch --jobs {jobs} failed:\n{done.stderr}")
        outputs[jobs] = out.read_bytes()
    return {"n": len(profiles), "walls": walls, "cpus": cpus, "same": outputs[1] == outputs[2]}


# -- 4: memory --------------------------------------------------------------------------------

_RSS_CHILD = """
import json, sys
sys.path.insert(0, {root!r}); sys.path.insert(0, {here!r})
from bench import generate
from advisor import evaluate
def status():
    fields = dict(line.split(":", 1) for line in open("/proc/self/status"))
    return {{k: int(fields[k].split()[0]) / 1024 for k in ("VmHWM", "VmRSS")}}
profiles = generate(2000, seed=7)
marks, done, report = {marks}, 0, {{}}
for mark in marks:
    while done < mark:
        evaluate(profiles[done % len(profiles)])
        done += 1
    report[mark] = status()
print(json.dumps(report))
"""


def memory(marks: tuple[int, int]) -> dict:
    code = _RSS_CHILD.format(root=str(ROOT), here=str(Path(__file__).parent), marks=list(marks))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        raise SystemExit(f"memory run failed:\n{done.stderr}")
    return {int(k): v for k, v in json.loads(done.stdout).items()}


# -- 5: cold start ----------------------------------------------------------------------------

def cold_start(runs: int) -> dict:
    """Wall and CPU times of whole `evaluate` processes, with bytecode cached as after
    `pip install` (in a temporary folder, even where PYTHONDONTWRITEBYTECODE is set), taken in
    turn with a bare interpreter start: on a shared machine the speed of the moment shows."""
    sample = ROOT / "profiles" / "automotive-supplier.yaml"
    argv = [*command(), "evaluate", str(sample.relative_to(ROOT))]
    interpreter = [sys.executable, "-c", "pass"]
    times: dict[str, list[tuple[float, float]]] = {"advisor": [], "interpreter": []}
    with tempfile.TemporaryDirectory() as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        for run in range(runs + 1):
            for name, command_line in (("advisor", argv), ("interpreter", interpreter)):
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                start = time.perf_counter()
                subprocess.run(command_line, cwd=ROOT, check=True, capture_output=True, env=env)
                wall = time.perf_counter() - start
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
                if run:     # the first run writes the bytecode cache and warms the disk cache
                    times[name].append((wall, cpu))
    advisor = sorted(times["advisor"])
    return {"argv": argv, "wall": statistics.median(w for w, _ in advisor),
            "cpu": statistics.median(c for _, c in advisor), "fastest": advisor[0][0],
            "slowest": advisor[-1][0],
            "interpreter": statistics.median(w for w, _ in times["interpreter"])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller numbers, about a minute")
    parser.add_argument("--profiles", type=int, help="profiles for evaluate() (default 5000)")
    parser.add_argument("--batch", type=int, help="profiles for the batch run (default 20000)")
    parser.add_argument("--rss", type=int, nargs=2, metavar=("FIRST", "SECOND"),
                        help="evaluations at the two RSS marks (default 10000 100000)")
    parser.add_argument("--cold-runs", type=int, default=None, help="cold-start runs (default 9)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--only", default="latency,batch,memory,cold",
                        help="comma-separated parts to run (default: all): latency,batch,memory,cold")
    args = parser.parse_args()
    parts = set(args.only.split(","))
    n_eval = args.profiles or (1000 if args.quick else 5000)
    n_batch = args.batch or (2000 if args.quick else 20000)
    marks = tuple(args.rss or ((2000, 20000) if args.quick else (10000, 100000)))
    cold_runs = args.cold_runs or (5 if args.quick else 9)

    import platform
    try:
        from importlib.metadata import version
        durable = version("durable-rules")
    except Exception:
        durable = "?"
    print(f"iso-advisor benchmark: Python {platform.python_version()}, durable-rules {durable}, "
          f"{os.cpu_count()} CPUs, {platform.machine()}, seed {args.seed}, load average "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()) + " at start")

    if "latency" in parts:
        report_latency(generate(n_eval, args.seed))
    if "batch" in parts:
        report_batch(generate(n_batch, args.seed + 1))
    if "memory" in parts:
        report_memory(marks)
    if "cold" in parts:
        report_cold(cold_runs)


def report_latency(profiles: list[dict]) -> None:
    lat = latency(profiles)
    ratio = lat["median"] / lat["bare"]
    print(f"rule base {lat['version']}: {lat['rules']} rule instances in {lat['rulesets']} "
          "durable rulesets")
    print(f"evaluate():      {lat['n']} profiles, {lat['per_s']:.0f} evaluations/s per core, "
          f"median {ms(lat['median'])}, p99 {ms(lat['p99'])} (CPU time)")
    print(f"bare engine:     median {ms(lat['bare'])} CPU for assert_fact + delete_state alone, "
          f"{ms(lat['bare_encoded'])} with encoding the facts")
    print(f"ratio:           {ratio:.2f}x the bare engine (target <= 1.3x: {verdict(ratio <= 1.3)}); "
          f"{lat['median'] / lat['bare_encoded']:.2f}x counting the encoding as engine cost")


def report_batch(profiles: list[dict]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        b = batch(profiles, Path(tmp))
    one, two = b["walls"][1], b["walls"][2]
    speedup = one / two
    for jobs, wall in b["walls"].items():
        print(f"batch --jobs {jobs}:  {b['n']} profiles CSV->CSV in {wall:.1f} s = "
              f"{b['n'] / wall:.0f} profiles/s ({b['cpus'][jobs]:.1f} s CPU in all processes)")
    print(f"                 speed-up {speedup:.2f}x (target >= 1.7x: {verdict(speedup >= 1.7)}); "
          f"outputs identical: {b['same']}")


def report_memory(marks: tuple[int, int]) -> None:
    rss = memory(marks)
    first, second = (rss[m] for m in marks)
    growth = second["VmRSS"] - first["VmRSS"]
    print(f"memory:          after {marks[0]} evaluations VmHWM {first['VmHWM']:.1f} MB, VmRSS "
          f"{first['VmRSS']:.1f} MB; after {marks[1]}: VmHWM {second['VmHWM']:.1f} MB, VmRSS "
          f"{second['VmRSS']:.1f} MB")
    print(f"                 growth {growth:+.1f} MB RSS, {second['VmHWM'] - first['VmHWM']:+.1f} MB "
          f"peak (target < 10 MB: {verdict(max(growth, second['VmHWM'] - first['VmHWM']) < 10)})")


def report_cold(cold_runs: int) -> None:
    cold = cold_start(cold_runs)
    shown = " ".join(Path(a).name if i == 0 else a for i, a in enumerate(cold["argv"]))
    print(f"cold start:      `{shown}` median {ms(cold['wall'])} wall, {ms(cold['cpu'])} CPU over "
          f"{cold_runs} runs (target < 300 ms: {verdict(cold['wall'] < 0.3)})")
    print(f"                 fastest {ms(cold['fastest'])}, slowest {ms(cold['slowest'])}; "
          f"`python -c pass` alone: median {ms(cold['interpreter'])}")


if __name__ == "__main__":
    main()
