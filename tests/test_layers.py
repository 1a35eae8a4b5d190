"""The kernel knows nothing of ISO: the rule loader and the engines import no advice, claims,
render, cli or web code (a kind's schema is found by name when a rule base of that kind loads)."""
import ast
from pathlib import Path

import advisor

PACKAGE = Path(advisor.__file__).parent
KNOWS_NOTHING_OF_ISO = ["kernel/conditions.py", "kernel/operators.py", "kernel/rulebase.py", "kernel/yaml_cache.py",
                        "engines/__init__.py", "engines/durable.py", "engines/python.py"]
OUTER = ("advisor.advice", "advisor.claims", "advisor.render", "advisor.cli", "advisor.web",
         "advisor.inputs")


def imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_kernel_and_engines_import_nothing_from_the_outer_layers():
    for name in KNOWS_NOTHING_OF_ISO:
        bad = sorted(m for m in imports(PACKAGE / name) if m.startswith(OUTER))
        assert not bad, f"{name} imports {bad}"
