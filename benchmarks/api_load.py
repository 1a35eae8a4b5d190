"""A bounded load test of the HTTP API on loopback, next to the library's own throughput.

Starts `iso-advisor serve --port 0` in a process of its own, sends POST /v1/assessments from
concurrent clients (each one keep-alive connection), and prints requests/s, p50/p99 latency and
errors beside `evaluate()` called in this process on the same profiles. Every loop is bounded
in requests and seconds, and the server is stopped at the end.

    .venv/bin/python benchmarks/api_load.py                    # 2,000 requests, 4 clients
    .venv/bin/python benchmarks/api_load.py --requests 500 --clients 8 --engine python
"""
from __future__ import annotations

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-06-30"


def profiles() -> list[dict]:
    return [yaml.safe_load(p.read_text()) for p in sorted((ROOT / "profiles").glob("*.yaml"))]


def library_rate(items: list[dict], seconds: float, engine: str | None
                 ) -> tuple[float, int, float]:
    """evaluate() calls per second of wall time in this process over about `seconds` (after a
    warm-up), the number of calls, and the CPU milliseconds per call."""
    from advisor import evaluate
    for item in items:
        evaluate(item, engine=engine, as_of=AS_OF)
    done, started, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - started < seconds:
        evaluate(items[done % len(items)], engine=engine, as_of=AS_OF)
        done += 1
    return (done / (time.perf_counter() - started), done,
            (time.process_time() - cpu) * 1000 / max(1, done))


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far (Linux /proc), None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def start_server(engine: str | None) -> tuple[subprocess.Popen, str]:
    script = Path(sys.executable).parent / "iso-advisor"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "advisor"]
    command += (["--engine", engine] if engine else []) + ["serve", "--port", "0", "--no-browser"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        found = re.search(r"serving on (http://127\.0\.0\.1:\d+)/", line)
        if found:
            threading.Thread(target=process.stderr.read, daemon=True).start()   # keep draining
            return process, found.group(1)
        if not line and process.poll() is not None:
            break
    process.kill()
    raise SystemExit("the server did not start")


def load(url: str, items: list[dict], requests: int, clients: int, seconds: float) -> dict:
    """`requests` POSTs spread over `clients` threads, stopping early after `seconds`."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(requests))
    stop_at = time.monotonic() + seconds

    def client() -> None:
        with httpx.Client(base_url=url, timeout=60) as http:
            while time.monotonic() < stop_at:
                with lock:
                    n = next(counter, None)
                if n is None:
                    return
                started = time.perf_counter()
                try:
                    answer = http.post("/v1/assessments", params={"as_of": AS_OF},
                                       json=items[n % len(items)])
                    ok = answer.status_code == 200
                    problem = None if ok else f"HTTP {answer.status_code}"
                except httpx.HTTPError as exc:
                    problem = type(exc).__name__
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    if problem:
                        errors.append(problem)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    ordered = sorted(latencies)
    return {"sent": len(latencies), "errors": len(errors), "kinds": sorted(set(errors)),
            "rate": len(latencies) / wall, "wall": wall,
            "p50": statistics.median(ordered) * 1000 if ordered else float("nan"),
            "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
            if ordered else float("nan")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=90.0, help="stop sending after this")
    parser.add_argument("--library-seconds", type=float, default=10.0)
    parser.add_argument("--engine", choices=["durable", "python"],
                        default=os.environ.get("ISO_ADVISOR_ENGINE"))
    args = parser.parse_args()
    items = profiles()
    load_average = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"profiles: {len(items)} samples, cycled; as_of {AS_OF}; engine: "
          f"{args.engine or 'default'}; {os.cpu_count()} CPUs, load average {load_average}",
          flush=True)
    rate, done, cpu_ms = library_rate(items, args.library_seconds, args.engine)
    print(f"library  evaluate() in one process: {rate:8.0f} evaluations/s "
          f"({done} calls; {1000 / rate:.2f} ms wall, {cpu_ms:.2f} ms CPU each)", flush=True)
    process, url = start_server(args.engine)
    try:
        with httpx.Client(base_url=url, timeout=60) as warm:
            for item in items:
                warm.post("/v1/assessments", params={"as_of": AS_OF}, json=item)
        cpu_before = cpu_seconds(process.pid)
        result = load(url, items, args.requests, args.clients, args.seconds)
        cpu_after = cpu_seconds(process.pid)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
    print(f"HTTP API POST /v1/assessments, {args.clients} clients on loopback: "
          f"{result['rate']:8.0f} requests/s ({result['sent']} requests in {result['wall']:.1f} s)")
    print(f"         latency p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms; errors: "
          f"{result['errors']}" + (f" ({', '.join(result['kinds'])})" if result["errors"] else ""))
    if cpu_before is not None and cpu_after is not None and result["sent"]:
        server_ms = (cpu_after - cpu_before) * 1000 / result["sent"]
        print(f"         server CPU per request {server_ms:.2f} ms "
              f"({server_ms / cpu_ms:.2f}x the library's CPU per evaluate())")
    print(f"API / library throughput: {result['rate'] / rate:.2f}x (wall clock, same run)")
    if result["errors"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
