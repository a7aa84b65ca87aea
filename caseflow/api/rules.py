"""The active rule set; check and dry-run rule files (never activates anything)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from caseflow.api.auth import STAFF_ROLES, requires
from caseflow.api.common import Blueprint, problems, runtime
from caseflow.api.schemas import (
    ExplainRequestSchema,
    ExplainSchema,
    RuleFilesSchema,
    RulesCheckSchema,
    RulesInfoSchema,
)
from caseflow.rules import RuleSet, check_rules, content_version, load_rules_from_texts
from caseflow.services.explain import explain_route

blp = Blueprint("rules", __name__, url_prefix="/api/v1/rules", description="Rules (规则)")


def _with_active(files: dict[str, str]) -> dict[str, str]:
    # A file sent alone is checked against the active versions of the others.
    return {**dict(runtime().rules().files), **files}


@blp.route("", methods=["GET"])
@blp.response(200, RulesInfoSchema)
@problems(blp, 401, 403)
@requires(STAFF_ROLES)
def active() -> dict[str, Any]:
    """The active rule set: version, files, layers and categories."""
    rules: RuleSet = runtime().rules()
    return {
        "version": rules.version,
        "files": sorted(rules.files),
        "layers": [asdict(layer) for layer in rules.layers],
        "categories": [asdict(c) for c in rules.categories.values()],
    }


@blp.route("/check", methods=["POST"])
@blp.arguments(RuleFilesSchema)
@blp.response(200, RulesCheckSchema)
@problems(blp, 400, 401, 403, 413)
@requires(("admin",))
def check(body: dict[str, Any]) -> dict[str, Any]:
    """Validate rule files (merged over the active set); every issue with file and line."""
    files = _with_active(body["files"])
    issues = check_rules(files)
    version = None if issues else content_version(files)
    return {"valid": not issues, "version": version, "issues": [asdict(i) for i in issues]}


@blp.route("/explain", methods=["POST"])
@blp.arguments(ExplainRequestSchema)
@blp.response(200, ExplainSchema)
@problems(blp, 400, 401, 403, 413)
@requires(STAFF_ROLES)
def explain(body: dict[str, Any]) -> dict[str, Any]:
    """Where the rules (active, or the files given) would send a grievance, and why."""
    rt = runtime()
    rules = load_rules_from_texts(_with_active(body["files"])) if body.get("files") else rt.rules()
    with rt.uow() as uow:
        return explain_route(uow, rules, body["case"])
