"""Where caseflow keeps its files, and settings read from the environment."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def instance_path() -> Path:
    """`CASEFLOW_INSTANCE_PATH`, or `instance/` beside the package, whatever the cwd."""
    path = Path(os.environ.get("CASEFLOW_INSTANCE_PATH") or PROJECT_ROOT / "instance")
    path.mkdir(parents=True, exist_ok=True)
    return path.resolve()


def rules_dir() -> Path:
    """`CASEFLOW_RULES_DIR`, or the shipped `rules/`."""
    return Path(os.environ.get("CASEFLOW_RULES_DIR") or PROJECT_ROOT / "rules").resolve()


def secret_key(instance: Path) -> str:
    """`CASEFLOW_SECRET_KEY`, or a random key kept in the instance folder across restarts."""
    if os.environ.get("CASEFLOW_SECRET_KEY"):
        return os.environ["CASEFLOW_SECRET_KEY"]
    keyfile = instance / "secret_key"
    if not keyfile.exists():
        keyfile.write_text(secrets.token_hex(32))
        keyfile.chmod(0o600)
    return keyfile.read_text().strip()
