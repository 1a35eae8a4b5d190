"""Heavy load: threads, process pools and long runs give the sequential answers and keep memory flat.

Sizes keep each test under ~10 s (durable_rules holds the GIL, so threads add no speed; an
evaluation with its unknowns takes ~4 ms on a quiet 2-core machine, 10 ms or more on a busy one):
8 threads x 200 calls, 400 evaluations for memory. ISO_ADVISOR_STRESS=1 runs the full sizes of
issue 8: 8 threads x 1,000 calls and 20,000 evaluations for memory.
The benchmark (`benchmarks/bench.py --only memory`) measures RSS over 100,000 precisely.
"""
from __future__ import annotations

import multiprocessing
import os
import random
import subprocess
import sys
import threading
from concurrent.futures import ProcessPoolExecutor

import pytest

from advisor import Assessment, evaluate, evaluate_many
from advisor.advice.batch import BatchError

from conftest import ROOT
from test_engine import random_profile

STRESS = os.environ.get("ISO_ADVISOR_STRESS") == "1"
THREADS = 8
CALLS_PER_THREAD = 1000 if STRESS else 200
RSS_EVALUATIONS = 20_000 if STRESS else 400
RSS_GROWTH_MB = 30


def varied(n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    return [{**random_profile(rng), "name": f"Org {i}"} for i in range(n)]


def as_json(results) -> list[str]:
    return [r.model_dump_json() if isinstance(r, Assessment) else repr(r) for r in results]


@pytest.mark.slow
def test_threads_hammering_evaluate_get_the_sequential_answers(rb):
    profiles = varied(40, seed=8)
    expected = [evaluate(p, rules=rb).model_dump_json() for p in profiles]
    wrong: list[tuple[int, int]] = []
    failures: list[BaseException] = []

    def hammer(thread: int) -> None:
        try:
            for call in range(CALLS_PER_THREAD):
                n = (thread * 7 + call) % len(profiles)     # threads overlap on the same profiles
                if evaluate(profiles[n], rules=rb).model_dump_json() != expected[n]:
                    wrong.append((thread, n))
        except BaseException as exc:  # noqa: BLE001 - reported below, with the thread's input
            failures.append(exc)

    threads = [threading.Thread(target=hammer, args=(t,)) for t in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == [] and wrong == []


def _evaluate_json(profile: dict) -> str:
    return evaluate(profile).model_dump_json()


@pytest.mark.parametrize("method", ["spawn", "fork"])
@pytest.mark.slow
def test_a_process_pool_of_evaluate_calls_gives_the_sequential_bytes(method):
    """Fresh processes (spawn: another hash seed, a cold engine) answer byte for byte the same."""
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"{method} is not available here")
    profiles = varied(12, seed=9)
    expected = [_evaluate_json(p) for p in profiles]
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context(method)) as pool:
        assert list(pool.map(_evaluate_json, profiles, chunksize=4)) == expected


@pytest.mark.slow
def test_evaluate_many_in_a_pool_matches_sequential_with_failures_in_place(rb):
    profiles = varied(80, seed=10)
    for n in range(0, 80, 13):
        profiles[n] = {**profiles[n], "employees": 0}       # invalid: a record with an error
    sequential = list(evaluate_many(profiles, jobs=1, rules=rb))
    pooled = list(evaluate_many(profiles, jobs=2, rules=rb, chunksize=8))
    assert as_json(pooled) == as_json(sequential)
    assert sum(isinstance(r, BatchError) for r in pooled) == 7


RSS_CHILD = """
import random, sys
sys.path[:0] = [{root!r}, {tests!r}]
from advisor import AdvisorError, evaluate
from test_engine import random_profile

def rss_mb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) / 1024

rng = random.Random(11)
profiles = [random_profile(rng) for _ in range(100)] + [{{"name": "Bad", "employees": 0}}]
def run(n):
    for i in range(n):
        try:
            evaluate(profiles[i % len(profiles)])
        except AdvisorError:
            pass
run(100)                              # warm up: engine registered, caches filled
before = rss_mb()
run({count})
print(before, rss_mb())
"""


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads RSS from /proc")
@pytest.mark.slow
def test_memory_stays_flat_over_many_evaluations():
    code = RSS_CHILD.format(root=str(ROOT), tests=str(ROOT / "tests"), count=RSS_EVALUATIONS)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=3600)
    assert done.returncode == 0, done.stderr
    before, after = map(float, done.stdout.split())
    assert after - before < RSS_GROWTH_MB, (before, after)


@pytest.mark.parametrize("fmt", ["json", "markdown", "csv", "jsonl"])
def test_every_output_format_streams_records_as_they_are_scored(fmt):
    """No format holds the batch in memory: record n is written before profile n + 2 is read."""
    from advisor.render.batch import write_batch

    read: list[int] = []

    def profiles():
        for n, profile in enumerate(varied(6, seed=12)):
            read.append(n)
            yield profile

    class Stream(list):
        def write(self, text: str) -> None:
            self.append((len(read), text))

    stream = Stream()
    results = evaluate_many(profiles(), jobs=1)
    write_batch(((f"item {n}", r) for n, r in enumerate(results)), stream, fmt, summary=True)
    records = [(seen, text) for seen, text in stream if "item " in text]
    assert [seen for seen, _ in records] == [1, 2, 3, 4, 5, 6]
