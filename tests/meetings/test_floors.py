"""The meeting and vote edges stay on their floor: no models, no SQLAlchemy, no commits."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "caseflow"
EDGES = ["api/meetings.py", "api/meeting_schemas.py", "admin/meetings.py", "cli/meetings.py"]


def imported(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("edge", EDGES)
def test_the_edge_imports_no_models_nor_sqlalchemy_and_never_commits(edge):
    source = (ROOT / edge).read_text(encoding="utf-8")
    modules = imported(ast.parse(source))
    assert not [m for m in modules if m.startswith(("caseflow.models", "sqlalchemy"))]
    assert ".commit(" not in source and "uow.session" not in source
