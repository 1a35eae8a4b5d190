"""Faults: an interrupted or terminated batch, a dying worker and a failing rule action lose
nothing silently. The command exits non-zero with a message, no partial output is left and the
previous output file is intact; a failing rule names itself and the profile, and the batch goes on.
"""
from __future__ import annotations

import datetime as dt
import csv
import io
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from advisor import Assessment, evaluate_many
from advisor.advice import batch as batch_module
from advisor.engines import durable as engine_module
from advisor.advice.batch import BatchError
from advisor.cli.app import cli

from conftest import ROOT

PREVIOUS = "previous output\n"
ROWS = 3000                     # minutes of work: the batch is surely still running when signalled


def big_csv(folder: Path, rows: int = ROWS) -> Path:
    path = folder / "many.csv"
    lines = ["name,sector,employees,countries,bids_for_tenders"]
    lines += [f"Org {n},construction,{n % 400 + 1},DE;FR,{n % 2 == 0}" for n in range(rows)]
    path.write_text("\n".join(lines) + "\n")
    return path


def start_batch(folder: Path, jobs: int) -> tuple[subprocess.Popen, Path]:
    out = folder / "scores.csv"
    out.write_text(PREVIOUS)
    process = subprocess.Popen(
        [sys.executable, "-m", "advisor", "batch", str(big_csv(folder)), "--output", str(out),
         "--jobs", str(jobs)], cwd=folder, env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return process, out


def wait_until(condition, process: subprocess.Popen, what: str) -> None:
    """Poll until `condition()` holds; the process ending first (or 2 minutes) is a failure."""
    deadline = time.monotonic() + 120
    while not condition():
        assert process.poll() is None, f"ended before {what}: {process.communicate()}"
        assert time.monotonic() < deadline, f"no {what} after 2 minutes"
        time.sleep(0.02)


def temporary_files(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def assert_nothing_lost(folder: Path, out: Path) -> None:
    assert out.read_text() == PREVIOUS
    assert temporary_files(folder) == []


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


needs_proc = pytest.mark.skipif(
    not Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists(),
    reason="finds worker processes through /proc (Linux)")


def alive(pid: int) -> bool:
    """The process runs (a zombie, dead but not yet reaped by its parent, does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@needs_proc
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP],
                         ids=["SIGINT", "SIGTERM", "SIGHUP"])
@pytest.mark.slow
def test_a_signalled_batch_stops_with_a_message_and_keeps_the_previous_output(tmp_path, signum):
    """With workers running: they must not print tracebacks or outlive the batch. SIGHUP is
    what a closed terminal sends. The workers start once the output is open."""
    process, out = start_batch(tmp_path, jobs=2)
    wait_until(lambda: len(_children(process.pid)) == 2, process, "both workers started")
    workers = _children(process.pid)
    process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert stderr.strip() == "interrupted; nothing was written"
    assert_nothing_lost(tmp_path, out)
    assert not [pid for pid in workers if alive(pid)]


@needs_proc
@pytest.mark.slow
def test_a_batch_killed_with_sigkill_leaves_no_worker_and_no_temporary_file(tmp_path):
    """SIGKILL cannot be handled: the workers die with their parent (PR_SET_PDEATHSIG) and the
    output being written has no name until it is complete (O_TMPFILE)."""
    process, out = start_batch(tmp_path, jobs=2)
    wait_until(lambda: len(_children(process.pid)) == 2, process, "both workers started")
    workers = _children(process.pid)
    process.kill()
    process.communicate(timeout=120)
    deadline = time.monotonic() + 60
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in workers if alive(pid)]
    assert_nothing_lost(tmp_path, out)


@needs_proc
def test_a_killed_worker_fails_the_batch_with_a_message(tmp_path):
    process, out = start_batch(tmp_path, jobs=2)
    wait_until(lambda: _children(process.pid), process, "a worker started")
    os.kill(_children(process.pid)[0], signal.SIGKILL)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 1
    assert stderr.startswith("error: a worker process died while scoring; run with --jobs 1")
    assert_nothing_lost(tmp_path, out)


def test_a_worker_that_exits_mid_batch_fails_the_batch(tmp_path, monkeypatch):
    parent = os.getpid()
    real = batch_module.evaluate

    def dies_in_a_worker(profile, **kw):
        if os.getpid() != parent and profile.name == "Org 150":
            os._exit(3)                           # as a segfault in the engine would
        return real(profile, **kw)

    monkeypatch.setattr(batch_module, "evaluate", dies_in_a_worker)
    out = tmp_path / "scores.csv"
    out.write_text(PREVIOUS)
    result = CliRunner().invoke(cli, ["batch", str(big_csv(tmp_path, rows=200)), "--jobs", "2",
                                      "--output", str(out)])
    assert result.exit_code == 1
    assert "a worker process died while scoring" in result.stderr
    assert "Traceback" not in result.output
    assert_nothing_lost(tmp_path, out)


def patch_rule_actions(rb, monkeypatch, trace_type: type[list]) -> None:
    """Rule actions of the durable engine record into a `trace_type` for profile 'Bad': its
    `append` runs inside the engine, where durable_rules swallows what escapes."""
    engine = engine_module.engine_for(rb.at(dt.date.today()))   # the rules evaluate() uses today

    class Traces(dict):
        bad = False

        def __setitem__(self, key, value):
            super().__setitem__(key, trace_type(value) if self.bad else value)

    traces = Traces()
    real_fire = engine.fire

    def fire(stratum, fact):
        traces.bad = fact["name"] == "Bad"
        return real_fire(stratum, fact)

    monkeypatch.setattr(engine_module, "_traces", traces)
    monkeypatch.setattr(engine, "fire", fire)


class Exploding(list):
    def append(self, item):
        raise RuntimeError("boom")


class Interrupted(list):
    def append(self, item):
        signal.raise_signal(signal.SIGINT)        # Ctrl-C arriving mid-evaluation
        super().append(item)


needs_durable = pytest.mark.skipif(not engine_module.available(),
                                   reason="rule actions run inside durable_rules, which does not run here")


@pytest.fixture
def action_fails_for_bad(rb, monkeypatch):
    patch_rule_actions(rb, monkeypatch, Exploding)


FAILED_RULE = re.compile(r"rule \S+ failed in its action: RuntimeError\('boom'\) \(profile 'Bad'\)")


PROFILES = [{"name": name, "sector": "construction", "employees": 80}
            for name in ("Good", "Bad", "Also good")]


@needs_durable
def test_a_failing_rule_action_is_a_record_naming_rule_and_profile(rb, action_fails_for_bad):
    good, bad, also = evaluate_many(PROFILES, jobs=1, rules=rb)
    assert isinstance(good, Assessment) and isinstance(also, Assessment)
    assert isinstance(bad, BatchError) and bad.kind == "engine failure"
    assert bad.location == "item 2" and FAILED_RULE.search(bad.message()), bad.message()


@needs_durable
def test_the_batch_command_reports_a_failing_rule_and_goes_on(tmp_path, action_fails_for_bad):
    sheet = tmp_path / "s.csv"
    sheet.write_text("name,sector,employees\nGood,retail,5\nBad,retail,5\nFine,retail,9\n")
    result = CliRunner().invoke(cli, ["batch", str(sheet), "--jobs", "1"])
    assert result.exit_code == 1
    assert result.stderr.startswith("scored 2 profiles, 1 failed:")
    assert FAILED_RULE.search(result.stderr) and "s.csv, row 3" in result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["organization"], r["ISO 9001"]) for r in rows] == [
        ("Good", "not_needed"), ("Bad", ""), ("Fine", "not_needed")]
    assert FAILED_RULE.search(rows[1]["error"])


@needs_durable
def test_ctrl_c_inside_a_rule_action_stops_the_batch_between_records(rb, monkeypatch):
    """Raised inside the action, the KeyboardInterrupt would be swallowed by durable_rules: the
    batch would go on with a rule silently missing from 'Bad'. Deferred, it stops the batch."""
    patch_rule_actions(rb, monkeypatch, Interrupted)
    scored = []
    with pytest.raises(KeyboardInterrupt):
        for result in evaluate_many(PROFILES, jobs=1, rules=rb):
            scored.append(result.organization)
    assert scored == ["Good"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_an_abandoned_batch_leaves_ctrl_c_working(rb):
    results = evaluate_many(PROFILES, jobs=1, rules=rb)
    assert next(results).organization == "Good"
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL



@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs /dev/null")
def test_output_through_a_link_to_a_device_writes_to_it_and_leaves_the_link(tmp_path):
    """Renaming the temporary file onto the path would replace the link (or, given /dev/null
    itself as root, the device) with a regular file."""
    link = tmp_path / "scores.csv"
    link.symlink_to("/dev/null")
    result = CliRunner().invoke(cli, ["batch", str(ROOT / "profiles" / "bank.yaml"),
                                      "--output", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == "/dev/null"
    assert Path("/dev/null").is_char_device()
    assert temporary_files(tmp_path) == []


def test_a_replaced_output_keeps_its_permissions_and_its_link(tmp_path):
    real = tmp_path / "real.csv"
    real.write_text(PREVIOUS)
    real.chmod(0o640)
    (tmp_path / "link.csv").symlink_to(real)
    result = CliRunner().invoke(cli, ["batch", str(ROOT / "profiles" / "bank.yaml"),
                                      "--output", str(tmp_path / "link.csv")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "link.csv").is_symlink() and real.read_text().startswith("source,")
    assert real.stat().st_mode & 0o777 == 0o640


# -- issue 20: processes and output files -------------------------------------------------------

def test_stop_signals_are_deferred_to_the_end_of_a_record():
    """The CLI, not the library, owns signals: inside `between_records` a signal arriving while a
    record is computed takes effect once it is done."""
    from advisor.cli.signals import between_records, stop_like_interrupt

    def records():
        yield 1
        signal.raise_signal(signal.SIGTERM)       # arrives mid-record
        yield 2
        yield 3

    seen = []
    with pytest.raises(KeyboardInterrupt), stop_like_interrupt():
        for record in between_records(records()):
            seen.append(record)
    assert seen == [1]
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    assert signal.getsignal(signal.SIGHUP) is signal.SIG_DFL


def test_the_library_installs_no_signal_handler(rb):
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    seen = []

    def spy(signum, handler):
        seen.append(signum)
        return before.get(signum)

    original = signal.signal
    signal.signal = spy
    try:
        assert len(list(evaluate_many(PROFILES * 3, jobs=1, rules=rb))) == 9
    finally:
        signal.signal = original
    assert seen == []


def test_jobs_above_the_cpu_count_are_capped_with_a_note(tmp_path):
    result = CliRunner().invoke(cli, ["batch", str(big_csv(tmp_path, rows=5)), "--jobs", "4096"])
    assert result.exit_code == 0, result.output
    assert f"note: --jobs 4096 is more than the {batch_module.default_jobs()} CPUs" in result.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_is_reported_as_such_not_as_an_internal_error(tmp_path):
    result = CliRunner().invoke(cli, ["batch", str(big_csv(tmp_path, rows=50)), "--jobs", "1",
                                      "--output", "/dev/full"])
    assert result.exit_code == 1
    assert "No space left on device (ENOSPC)" in result.stderr
    assert "internal error" not in result.stderr


def test_output_onto_a_hard_linked_file_keeps_the_link(tmp_path):
    out = tmp_path / "scores.csv"
    out.write_text(PREVIOUS)
    other = tmp_path / "other-name.csv"
    os.link(out, other)
    result = CliRunner().invoke(cli, ["batch", str(ROOT / "profiles" / "bank.yaml"),
                                      "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_ino == other.stat().st_ino and other.read_text().startswith("source,")
    assert temporary_files(tmp_path) == []


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
def test_root_writing_into_a_users_file_keeps_the_users_ownership(tmp_path):
    out = tmp_path / "scores.csv"
    out.write_text(PREVIOUS)
    os.chown(out, 4321, 4321)
    out.chmod(0o640)
    result = CliRunner().invoke(cli, ["batch", str(ROOT / "profiles" / "bank.yaml"),
                                      "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert (out.stat().st_uid, out.stat().st_gid) == (4321, 4321)
    assert out.stat().st_mode & 0o777 == 0o640 and out.read_text().startswith("source,")
