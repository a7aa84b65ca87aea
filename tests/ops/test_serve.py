"""`caseflow serve --production` runs the gunicorn of its own environment, PATH or not."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import caseflow.cli.ops as ops
from caseflow.cli import main


def test_gunicorn_is_found_beside_python_without_the_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    started: list[tuple[str, list[str]]] = []
    monkeypatch.setattr(ops.os, "execv", lambda path, args: started.append((path, args)))
    monkeypatch.setattr("werkzeug.serving.run_simple", lambda *a, **k: None)
    result = CliRunner().invoke(main, ["serve", "--production", "--port", "8123"])
    assert result.exit_code == 0, result.output
    [(path, args)] = started
    assert path == str(Path(sys.executable).parent / "gunicorn") and Path(path).is_file()
    assert "127.0.0.1:8123" in args


def test_without_gunicorn_anywhere_it_is_one_line(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(ops.sys, "executable", str(tmp_path / "python"))
    result = CliRunner().invoke(main, ["serve", "--production"])
    assert result.exit_code == 1 and "gunicorn not found" in result.output
    assert "Traceback" not in result.output
