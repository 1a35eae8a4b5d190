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


def test_adding_a_standard_and_a_regulation_as_readme_shows(tmp_path):
    import shutil

    import yaml

    from advisor import evaluate
    from advisor.kernel.rulebase import shipped_rules_dir
    section = README.split("### Adding a standard, a regulation or a sector", 1)[1]
    standard_yaml, regulation_yaml = re.findall(r"```yaml\n(.*?)```", section, re.S)[:2]
    folder = tmp_path / "rules"
    shutil.copytree(shipped_rules_dir(), folder, ignore=shutil.ignore_patterns("claims"))
    (folder / "claims").mkdir()                 # planning.yaml reads the edition table there
    shutil.copy(shipped_rules_dir() / "claims" / "editions.yaml", folder / "claims")
    cat = yaml.safe_load((folder / "catalog.yaml").read_text())
    cat["standards"] += yaml.safe_load(standard_yaml)
    (folder / "catalog.yaml").write_text(yaml.safe_dump(cat))
    vocab = yaml.safe_load((folder / "vocabulary.yaml").read_text())
    vocab["vocabularies"]["regulations"]["values"] += yaml.safe_load(regulation_yaml)
    (folder / "vocabulary.yaml").write_text(yaml.safe_dump(vocab))
    a = evaluate({"name": "X", "sector": "professional_services", "employees": 9,
                  "regulations": ["Cyber Resilience Act"], "implemented": ["ISO 30401:2018"]},
                 rules=folder)
    rec = next(r for r in a.recommendations if r.standard == "ISO 30401")
    assert rec.currently == "implemented" and rec.title == "Knowledge management systems"
