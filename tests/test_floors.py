"""The floors, read from the import graph: edges parse, call one service and render.

An edge (api, admin, open311, cli) that imported a model or SQLAlchemy, opened the unit of
work's session or committed would be reading or writing the database in its own way, and
the rules of visibility and the meaning of a figure would drift apart again.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "caseflow"
EDGES = ("api", "admin", "open311", "cli")
FLOORS = {"domain": 0, "rules": 1, "services": 2, **{edge: 3 for edge in EDGES}}
FORBIDDEN_IN_EDGES = ("caseflow.models", "sqlalchemy")


def _modules(floor: str) -> list[Path]:
    return sorted((PACKAGE / floor).rglob("*.py"))


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in a file, relative imports made absolute."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            found.append((node.lineno, node.module))
    return found


def _where(path: Path, line: int) -> str:
    return f"{path.relative_to(PACKAGE.parent)}:{line}"


@pytest.mark.parametrize("edge", EDGES)
def test_edges_import_no_model_and_no_sqlalchemy(edge: str) -> None:
    wrong = [
        f"{_where(path, line)} imports {module}"
        for path in _modules(edge)
        for line, module in _imports(path)
        if module.startswith(FORBIDDEN_IN_EDGES)
    ]
    assert wrong == []


@pytest.mark.parametrize("edge", EDGES)
def test_edges_neither_open_the_session_nor_commit(edge: str) -> None:
    wrong = []
    for path in _modules(edge):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("commit", "session"):
                # flask's `session` (the cookie) is a name, not an attribute of a unit of work
                owner = node.value
                if isinstance(owner, ast.Name) and owner.id in ("uow", "unit_of_work", "rt"):
                    wrong.append(f"{_where(path, node.lineno)} uses {owner.id}.{node.attr}")
    assert wrong == []


@pytest.mark.parametrize("floor", ["domain", "rules", "services"])
def test_imports_only_go_down(floor: str) -> None:
    level = FLOORS[floor]
    wrong = []
    for path in _modules(floor):
        for line, module in _imports(path):
            parts = module.split(".")
            if parts[0] != "caseflow" or len(parts) < 2 or parts[1] not in FLOORS:
                continue
            if FLOORS[parts[1]] > level:
                wrong.append(f"{_where(path, line)} imports {module} from a floor above")
    assert wrong == []


def test_domain_is_pure() -> None:
    wrong = [
        f"{_where(path, line)} imports {module}"
        for path in _modules("domain")
        for line, module in _imports(path)
        if module.split(".")[0] in ("flask", "sqlalchemy", "caseflow") and
        not module.startswith("caseflow.domain")
    ]
    assert wrong == []


@pytest.mark.parametrize("module", ["caseflow.cli", "caseflow.api", "caseflow.admin",
                                    "caseflow.open311", "caseflow.error_responses", "wsgi"])
def test_each_entry_point_imports_on_its_own(module: str) -> None:
    """A fresh interpreter imports it first: no import cycle hides behind another's order."""
    done = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True,
                          text=True, cwd=PACKAGE.parent, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
