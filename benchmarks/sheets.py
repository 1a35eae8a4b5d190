"""Spreadsheet benchmark: reading and scoring a large client workbook, time and peak memory.

    python benchmarks/sheets.py                      # 100,000 rows: read only, then write
    python benchmarks/sheets.py --rows 20000 --score # also the whole `batch x.xlsx --format xlsx`
    python benchmarks/sheets.py --make portfolio.xlsx --rows 40   # just write a sample workbook

Rows are the seeded synthetic profiles of benchmarks/bench.py, written as a consultant's sheet
(a title row, a client id column, labels as people type them). Each part runs in a fresh process,
so its peak RSS is its own. Not a test: numbers depend on the machine (see README).
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

COLUMNS = ["name", "sector", "employees", "sites", "countries", "customer_types",
           "customer_sectors", "bids_for_tenders", "tender_requirements", "customer_requirements",
           "regulations", "data_sensitivity", "environmental_impact", "ohs_risk",
           "annual_energy_tj", "ai_role", "certified", "implemented", "goals", "budget",
           "deadline_months"]


def make_workbook(path: Path, rows: int, seed: int = 2026) -> None:
    """A workbook of `rows` synthetic clients, streamed (write-only), with an id column."""
    from openpyxl import Workbook
    from bench import generate

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Clients")
    sheet.append(["Client portfolio (synthetic, seed %d)" % seed])
    sheet.append(["Client ID", *COLUMNS])
    for n, profile in enumerate(generate(rows, seed), 1):
        cells = [f"C-{n:06d}"]
        for column in COLUMNS:
            value = profile.get(column)
            if isinstance(value, list):
                value = "; ".join(value) if value else None
            cells.append(value)
        sheet.append(cells)
    book.save(path)


def _child(code: str, *args: str) -> tuple[float, float, float, int]:
    """Run `code` in a fresh interpreter: wall seconds, its peak RSS in MB, its CPU seconds
    (on a shared machine wall time also counts other people's work), its count."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          check=True)
    wall = time.perf_counter() - start
    count, peak, cpu = done.stdout.split()
    return wall, float(peak), float(cpu), int(count)


READ = """
import sys
from advisor.advice.batch import read_file
import resource
n = sum(1 for r in read_file(sys.argv[1]))
use = resource.getrusage(resource.RUSAGE_SELF)
print(n, use.ru_maxrss / 1024, use.ru_utime + use.ru_stime)
"""

WRITE = """
import sys, io
from advisor.advice.batch import read_file, Scored, BatchError, evaluate_many
from advisor.render.workbook import write_workbook
from advisor.advice.models import Assessment
import itertools
# one assessment, repeated: measures the workbook writer, not scoring
first = next(evaluate_many([r for r in itertools.islice(read_file(sys.argv[1]), 1)], jobs=1))
view = Scored.of(first, with_details=True)
rows = int(sys.argv[2])
with open(sys.argv[3], "wb") as out:
    write_workbook(((f"row {n}", view) for n in range(rows)), out)
import resource
use = resource.getrusage(resource.RUSAGE_SELF)
print(rows, use.ru_maxrss / 1024, use.ru_utime + use.ru_stime)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--score", action="store_true",
                        help="also run `batch --format xlsx --engine python --jobs 2` on it")
    parser.add_argument("--make", metavar="FILE", help="only write a sample workbook")
    parser.add_argument("--parts", default="read,write", help="read, write (comma-separated)")
    parser.add_argument("--source", metavar="FILE", help="a workbook made with --make earlier")
    parser.add_argument("--write-rows", type=int, default=None,
                        help="clients in the written workbook (default: --rows)")
    args = parser.parse_args()
    if args.make:
        make_workbook(Path(args.make), args.rows)
        return
    with tempfile.TemporaryDirectory() as folder:
        source = Path(args.source or Path(folder) / "clients.xlsx")
        if not args.source:
            start = time.perf_counter()
            make_workbook(source, args.rows)
            print(f"made {args.rows:,} rows: {source.stat().st_size / 1e6:.1f} MB in "
                  f"{time.perf_counter() - start:.1f} s")
        if "read" in args.parts:
            wall, peak, cpu, rows = _child(READ, str(source))
            print(json.dumps({"part": "read", "rows": rows, "wall_s": round(wall, 1),
                              "cpu_s": round(cpu, 1), "rows_per_cpu_s": round(rows / cpu),
                              "peak_rss_mb": round(peak)}))
        if "write" in args.parts:
            target = Path(folder) / "out.xlsx"
            wall, peak, cpu, rows = _child(WRITE, str(source), str(args.write_rows or args.rows),
                                           str(target))
            print(json.dumps({"part": "write workbook", "clients": rows, "wall_s": round(wall, 1),
                              "cpu_s": round(cpu, 1), "clients_per_cpu_s": round(rows / cpu),
                              "peak_rss_mb": round(peak),
                              "mb": round(target.stat().st_size / 1e6, 1)}))
        if args.score:
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "advisor", "--engine", "python", "batch",
                            str(source), "--format", "xlsx", "--jobs", "2", "-o",
                            str(Path(folder) / "scored.xlsx")], check=False, capture_output=True)
            wall = time.perf_counter() - start
            peak3 = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            print(json.dumps({"part": "batch xlsx -> xlsx (python engine, 2 jobs)",
                              "rows": args.rows, "seconds": round(wall, 1),
                              "rows_per_s": round(args.rows / wall),
                              "peak_rss_mb_any_process": round(peak3)}))


if __name__ == "__main__":
    main()
