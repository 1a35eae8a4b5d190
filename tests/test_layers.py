"""The kernel knows nothing of ISO: the rule loader and the engines import no advice, claims,
render, cli or web code (a kind's schema is found by name when a rule base of that kind loads)."""
import ast
from pathlib import Path

import advisor

PACKAGE = Path(advisor.__file__).parent
#: Every module of the kernel and the engines, found on disk (a new one is covered unasked).
KNOWS_NOTHING_OF_ISO = sorted(str(p.relative_to(PACKAGE)) for folder in ("kernel", "engines")
                              for p in (PACKAGE / folder).glob("*.py"))
#: Known exceptions, each with why; an entry that no longer imports an outer layer fails, so
#: the list only shrinks. (`rules check` runs examples through evaluate(): issue 12 inverts it.)
KNOWN_EXCEPTIONS = {"kernel/rulecheck.py": "runs rule examples and samples through the advice"}
OUTER = ("advisor.advice", "advisor.claims", "advisor.render", "advisor.cli", "advisor.web",
         "advisor.inputs")


def imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.name}: relative import; write advisor.<package>"
            found.add(node.module or "")
            found |= {f"{node.module}.{alias.name}" for alias in node.names}   # from advisor import cli
    return found


def test_kernel_and_engines_import_nothing_from_the_outer_layers():
    assert "kernel/rulebase.py" in KNOWS_NOTHING_OF_ISO and "engines/durable.py" in KNOWS_NOTHING_OF_ISO
    for name in KNOWS_NOTHING_OF_ISO:
        bad = sorted(m for m in imports(PACKAGE / name) if m.startswith(OUTER))
        if name in KNOWN_EXCEPTIONS:
            assert bad, f"{name} no longer imports an outer layer: remove it from KNOWN_EXCEPTIONS"
        else:
            assert not bad, f"{name} imports {bad}"
