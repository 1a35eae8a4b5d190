"""The README stays true: its library example runs, and CI runs its test command."""
import re

from conftest import ROOT

README = (ROOT / "README.md").read_text()


def test_library_example_runs(capsys):
    code = re.search(r"```python\n(.*?)```", README, re.S).group(1)
    exec(compile(code, "README.md", "exec"), {})
    assert "sector ('construction',)" in capsys.readouterr().out


def test_ci_runs_the_readme_test_command():
    test_command = next(line for line in README.splitlines() if line.endswith("pytest -q")
                        and line.startswith("python3 -m venv"))
    assert test_command in (ROOT / ".ci" / "run").read_text()


def test_quick_start_sample_exists():
    sample = re.search(r"iso-advisor evaluate (profiles/\S+\.yaml)", README).group(1)
    assert (ROOT / sample).is_file()
