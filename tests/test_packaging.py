"""The wheel carries the rule base and data files, so an installed advisor finds them anywhere."""
import subprocess
import sys
import zipfile

import pytest

from conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out),
                    str(ROOT)], check=True, capture_output=True)
    return zipfile.ZipFile(next(out.glob("iso_advisor-*.whl")))


def test_wheel_contains_every_rule_file_and_data(wheel):
    names = set(wheel.namelist())
    shipped = {f"advisor/rules/{p.name}" for p in (ROOT / "rules").glob("*.yaml")}
    assert shipped and shipped <= names
    assert {"advisor/rules/CHANGELOG.md", "advisor/data/countries.json", "advisor/py.typed"} <= names


def test_wheel_declares_the_console_script(wheel):
    entry = next(n for n in wheel.namelist() if n.endswith("entry_points.txt"))
    assert "iso-advisor = advisor.cli:main" in wheel.read(entry).decode()


def test_wheel_contains_the_claim_rule_base(wheel):
    shipped = {f"advisor/rules/claims/{p.name}" for p in (ROOT / "rules" / "claims").iterdir()}
    assert shipped and shipped <= set(wheel.namelist())
