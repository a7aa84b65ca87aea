"""The active rule set; check, dry-run and what-if rule files (never activates anything)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from marshmallow import Schema, fields

from caseflow.api.auth import STAFF_ROLES, requires
from caseflow.api.common import Blueprint, problems, runtime
from caseflow.api.schemas import (
    ExplainRequestSchema,
    ExplainSchema,
    RuleFilesSchema,
    RuleIssueSchema,
    RulesCheckSchema,
    RulesInfoSchema,
    Text,
)
from caseflow.rules import (
    RuleSet,
    check_rules_with_warnings,
    content_version,
    load_rules_from_texts,
)
from caseflow.services import whatif
from caseflow.services.explain import explain_route


class RulesCheckWarningsSchema(RulesCheckSchema):
    """The check, with warnings that do not block activation (e.g. overlapping rules)."""

    warnings = fields.List(fields.Nested(RuleIssueSchema), required=True)


class WhatIfRequestSchema(RuleFilesSchema):
    """Candidate rule files (over the active set) and the period to replay."""

    since = Text(load_default="30d", metadata={"description": "e.g. 30d, 12h or 2w"})


class WhatIfSchema(Schema):
    """How the candidate would have routed the submissions of the period."""

    since = Text(required=True)
    until = Text(required=True)
    active_version = Text(required=True)
    candidate_version = Text(required=True)
    cases = fields.Integer(required=True, metadata={"description": "cases replayed"})
    moved = fields.Integer(required=True, metadata={"description": "routed differently"})
    deadlines_changed = fields.Integer(required=True)
    rule_changed = fields.Integer(required=True)
    by_layer = fields.List(fields.Dict(), required=True)
    by_unit = fields.List(fields.Dict(), required=True)
    by_category = fields.List(fields.Dict(), required=True)
    examples = fields.List(fields.Dict(), required=True)


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
@blp.response(200, RulesCheckWarningsSchema)
@problems(blp, 400, 401, 403, 413)
@requires(("admin",))
def check(body: dict[str, Any]) -> dict[str, Any]:
    """Validate rule files (merged over the active set); every issue and warning with file
    and line. Warnings (e.g. overlapping routing rules) do not make the set invalid."""
    files = _with_active(body["files"])
    issues, warnings = check_rules_with_warnings(files)
    version = None if issues else content_version(files)
    return {"valid": not issues, "version": version, "issues": [asdict(i) for i in issues],
            "warnings": [asdict(w) for w in warnings]}


@blp.route("/whatif", methods=["POST"])
@blp.arguments(WhatIfRequestSchema)
@blp.response(200, WhatIfSchema)
@problems(blp, 400, 401, 403, 413, 422)
@requires(("admin",))
def what_if(body: dict[str, Any]) -> dict[str, Any]:
    """Replay the submissions of the period through the candidate files (merged over the
    active set): how many cases would be routed differently. Nothing is changed."""
    rt = runtime()
    with rt.uow() as uow:
        result = whatif.preview(uow, rt.rules(), _with_active(body["files"]), rt.now(),
                                body.get("since"))
    return result.as_json()


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
