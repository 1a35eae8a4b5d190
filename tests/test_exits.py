"""One error-to-exit table: every error's exit code and HTTP status come from advisor.errors.OUTCOMES,
and only the command group (advisor.cli.app) ends a command with a code."""
from __future__ import annotations

import ast
import inspect
from pathlib import Path

from click.testing import CliRunner

import advisor
from advisor import errors
from advisor.cli.app import EXIT_CODES, cli
from advisor.errors import OUTCOMES, AdvisorError, EngineError, ProfileError, RuleBaseError, outcome

PACKAGE = Path(advisor.__file__).parent


def test_every_error_class_has_its_row_before_the_rows_of_its_bases():
    classes = [c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, AdvisorError)]
    listed = [cls for cls, _ in OUTCOMES]
    assert set(listed) == set(classes)
    for n, cls in enumerate(listed):
        assert not any(issubclass(cls, earlier) for earlier in listed[:n]), cls


def test_outcomes_are_the_ones_the_readme_and_the_api_promise():
    assert {found.exit_code for _, found in OUTCOMES} == {1}      # contract: 1 = invalid input
    assert outcome(ProfileError("x")).http_status == 422
    assert outcome(RuleBaseError("x")).http_status == 503            # the server's rules, not the client
    assert outcome(EngineError("x")).problem_type == "engine-failure"
    assert set(EXIT_CODES.values()) == {1, 130}


def test_only_the_command_group_ends_a_command_with_an_exit_code():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    node.func.attr == "exit" and isinstance(node.func.value, ast.Name) and \
                    node.func.value.id in ("ctx", "sys"):
                found.append(str(path.relative_to(PACKAGE)))
    assert set(found) == {"cli/app.py"}


def test_an_invalid_profile_exits_with_the_tables_code(tmp_path):
    profile = tmp_path / "p.yaml"
    profile.write_text("name: X\nsector: nowhere\nemployees: 3\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["evaluate", str(profile)])
    assert result.exit_code == outcome(ProfileError("x")).exit_code == 1
    assert "sector" in result.stderr and "Traceback" not in result.stderr
