"""`iso-advisor --version` and `--help` start without loading models, the rule base, an engine
or a renderer (issue 13: they took over 300 ms loading pydantic to print a version). Checked in a
fresh interpreter, by which modules it loaded, never by a clock: benchmarks/bench.py times it."""
import json
import subprocess
import sys

import pytest

HEAVY = ("pydantic", "yaml", "durable", "advisor.advice", "advisor.claims", "advisor.kernel.rulebase",
         "advisor.engines.durable", "advisor.engines.python", "advisor.render.assessment",
         "advisor.web")

PROBE = """
import json, sys
from advisor.cli.app import cli
try:
    cli.main({args!r}, prog_name="iso-advisor", standalone_mode=False)
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def loaded_by(*args: str) -> tuple[str, list[str]]:
    done = subprocess.run([sys.executable, "-c", PROBE.format(args=list(args))],
                          capture_output=True, text=True, check=True)
    return done.stdout, json.loads(done.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize("args", [("--version",), ("--help",), ("rules", "--help"),
                                  ("evaluate", "--help"), ("batch", "--help")])
def test_start_up_loads_no_models(args):
    output, modules = loaded_by(*args)
    assert output.strip()                       # it did print its version or help
    heavy = [m for m in modules if m.startswith(HEAVY)]
    assert not heavy, f"iso-advisor {' '.join(args)} loaded {heavy}"


def test_a_command_that_runs_still_loads_what_it_needs():
    """The probe can see loading at all: `standards` reads the catalog."""
    output, modules = loaded_by("standards")
    assert "ISO 9001" in output and "advisor.advice.catalog" in modules
