"""`iso-advisor serve`: the real command in a process of its own on a random loopback port, and
the README's curl examples run against it."""
from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from advisor.cli.app import cli
from advisor.cli.serve import is_loopback

from conftest import ROOT

README = (ROOT / "README.md").read_text()


def iso_advisor() -> list[str]:
    script = Path(sys.executable).parent / "iso-advisor"
    return [str(script)] if script.exists() else [sys.executable, "-m", "advisor"]


@pytest.fixture(scope="module")
def served():
    """`iso-advisor serve --port 0 --no-browser`; its URL from the line it prints."""
    process = subprocess.Popen([*iso_advisor(), "serve", "--port", "0", "--no-browser"],
                               stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        deadline = time.monotonic() + 90
        line = ""
        while "serving on" not in line:
            line = process.stderr.readline()
            if (not line and process.poll() is not None) or time.monotonic() > deadline:
                raise RuntimeError(f"serve did not start: {line}")
        url = re.search(r"serving on (http://127\.0\.0\.1:\d+)/", line).group(1)
        yield url
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()


def test_serve_answers_on_loopback_and_stops_on_ctrl_c(served):
    with httpx.Client(base_url=served) as client:
        answer = client.post("/v1/assessments", json={"name": "Acme", "sector": "construction",
                                                      "employees": 80})
        assert answer.status_code == 200 and answer.json()["organization"] == "Acme"
        assert client.get("/openapi.json").json()["info"]["title"] == "iso-advisor"


def _readme_curl_commands() -> list[str]:
    section = README.split("## HTTP API", 1)[1].split("\n## ", 1)[0]
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", section, re.S):
        for command in block.replace("\\\n", " ").splitlines():
            if command.strip().startswith("curl "):
                commands.append(command.split("  #")[0].strip())
    return commands


def test_the_readme_has_curl_examples():
    assert len(_readme_curl_commands()) >= 4


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
@pytest.mark.parametrize("command", _readme_curl_commands())
def test_readme_curl_examples_work(served, command):
    args = [a.replace("http://127.0.0.1:8000", served) for a in shlex.split(command)]
    result = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, timeout=120,
                            env={**os.environ, "NO_PROXY": "127.0.0.1"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith(("{", "[", "HTTP/")), result.stdout[:300]
    expects_problem = "constructon" in command
    assert ("urn:iso-advisor:problem:" in result.stdout) == expects_problem, result.stdout[:300]


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.1", "example.org"])
def test_serving_beyond_loopback_needs_an_api_key(host):
    result = CliRunner().invoke(cli, ["serve", "--host", host, "--no-browser"],
                                env={"ISO_ADVISOR_API_KEY": ""})
    assert result.exit_code == 2 and "--api-key" in result.stderr
    assert not is_loopback(host)


def test_a_short_api_key_is_refused():
    result = CliRunner().invoke(cli, ["serve", "--api-key", "short", "--no-browser"])
    assert result.exit_code == 2 and "16 characters" in result.stderr


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.5.5.5"])
def test_loopback_hosts(host):
    assert is_loopback(host)


def test_a_broken_rule_base_stops_serve_before_it_listens(tmp_path):
    (tmp_path / "rulebase.yaml").write_text("version: [\n")
    result = CliRunner().invoke(cli, ["--rules", str(tmp_path), "serve", "--no-browser"])
    assert result.exit_code == 1 and "rulebase.yaml" in result.stderr
