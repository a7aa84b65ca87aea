"""No English inside the Chinese UI: every message a service raises has its translation,
every error reads in Chinese, and the pages staff reach carry no untranslated words."""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from caseflow.admin.error_texts import is_known, translated
from caseflow.domain import errors
from caseflow.error_responses import explain
from tests.admin.conftest import login, new_case, text
from tests.factories import RESIDENT, STAFF, TREE

ROOT = Path(__file__).resolve().parents[2]
# The errors whose text a page shows, and which argument holds it.
SHOWN = {"InvalidInput": 1, "MalformedInput": 1, "Refused": 1, "Conflict": 0,
         "Unauthenticated": 0}
# ASCII words a Chinese page may carry: codes, formats, names of standards and products.
ALLOWED = {
    "CF", "CSV", "XLSX", "UTF", "JSON", "API", "YAML", "SVG", "ID", "Open311", "GeoReport",
    "caseflow", "English", "PNG", "JPEG", "WebP", "HEIC", "SHA", "sha256", "Excel", "WPS",
    "DTSTART", "VEVENT", "ISO", "SQLite", "PostgreSQL", "yes", "no", "owner_key",
    "address_id", "address_string", "lat", "long", "jurisdiction_id", "manifest", "backup",
    "year", "units", "anonymise_reporter", "after", "due_on",
} | {  # data, not words of the UI: usernames, unit codes, the test resident's label
    word for name in [*STAFF, *re.findall(r"code: ([\w-]+)", TREE), RESIDENT.label]
    for word in re.split(r"[^A-Za-z]+", name)
}
WORD = re.compile(r"(?<![\w.@/-])[A-Za-z]{3,}(?![\w.@/-])")


def _template(node: ast.AST) -> str | None:
    """A raised message as a sample: literal text kept, every variable part as "x1"."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "x1" for v in node.values)
    return None


def _raised_messages() -> dict[str, str]:
    found: dict[str, str] = {}
    for folder in ("caseflow/services", "caseflow/domain"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                        and node.func.id in SHOWN and len(node.args) > SHOWN[node.func.id]):
                    sample = _template(node.args[SHOWN[node.func.id]])
                    if sample is not None:
                        found[sample] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


def _english(shown: str) -> list[str]:
    return [word for word in WORD.findall(shown) if word not in ALLOWED]


def test_every_message_a_service_raises_has_a_translation(app):
    messages = _raised_messages()
    assert len(messages) > 100
    missing = [f"{where}: {text!r}" for text, where in messages.items() if not is_known(text)]
    assert missing == [], "add them to caseflow/admin/error_texts.py"
    with app.test_request_context(headers={"Cookie": "caseflow_lang=zh"}):
        english = {text: _english(translated(text)) for text in messages}
    assert {text: words for text, words in english.items() if words} == {}


ERRORS = [
    errors.InvalidInput("note", "is required"),
    errors.MalformedInput("title", "must be text"),
    errors.NotFound("case CF-1"),
    errors.PermissionDenied("this case is outside your jurisdiction"),
    errors.Unauthenticated(),
    errors.AccountLocked(datetime(2026, 3, 2, tzinfo=UTC)),
    errors.Refused(400, "the token has expired"),
    errors.StaleVersion(3),
    errors.ActionNotAllowed("resolve", "submitted", ["accept"]),
    errors.RulesInvalid([{"file": "layers.yaml", "line": 1, "message": "x"}]),
    errors.Conflict("the vote is already closed"),
]


def test_every_error_class_is_covered_here():
    classes = {cls for cls in vars(errors).values()
               if isinstance(cls, type) and issubclass(cls, errors.CaseflowError)}
    assert classes - {errors.CaseflowError} == {type(error) for error in ERRORS}


@pytest.mark.parametrize("error", ERRORS, ids=lambda error: type(error).__name__)
def test_every_error_reads_in_chinese(app, error):
    with app.test_request_context(headers={"Cookie": "caseflow_lang=zh"}):
        shown = explain(error)
    assert _english(shown) == [] and re.search(r"[\u4e00-\u9fff]", shown), shown


PAGES = {
    "butler": ["/inbox", "/cases/{ref}", "/intake", "/account/password"],
    "dispatcher": ["/inbox", "/intake"],
    "admin": ["/admin/users", "/admin/units", "/admin/rules/", "/admin/rules/dry-run"],
    "leader": ["/inbox"],
}


@pytest.mark.parametrize("user", sorted(PAGES))
def test_the_pages_staff_reach_carry_no_untranslated_words(app, client, user):
    ref, _token = new_case(app)
    login(client, user)
    for path in PAGES[user]:
        response = client.get(path.format(ref=ref))
        assert response.status_code == 200, path
        page = text(response)
        # Rules files and typed text are the administrator's own words, shown as written.
        shown = re.sub(r"<(script|style|pre|code|textarea)[^>]*>.*?</\1>", " ", page, flags=re.S)
        shown = re.sub(r'<table class="code-view.*?</table>', " ", shown, flags=re.S)
        shown = re.sub(r"<[^>]+>", " ", shown)  # words users read, not markup
        assert _english(shown) == [], path


def _rule_messages() -> dict[str, str]:
    """What the rules floor writes into issues: FileCheck.issue(line, message) and
    RuleIssue(file, line, message), variable parts as "x1"."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "caseflow" / "rules").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            at = {"issue": 1, "RuleIssue": 2}.get(name)
            if at is not None and len(node.args) > at:
                sample = _template(node.args[at])
                if sample is not None:
                    found[sample] = f"{path.relative_to(ROOT)}:{node.lineno}"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            # Messages built first and passed on: `message = f"..."`.
            if (isinstance(node, ast.Assign) and len(node.targets) == 1
                    and getattr(node.targets[0], "id", "") == "message"):
                sample = _template(node.value)
                if sample is not None:
                    found[sample] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


def test_every_rule_check_message_has_a_translation(app):
    from caseflow.admin.rule_texts import RULES

    messages = _rule_messages()
    assert len(messages) > 50
    missing = [f"{where}: {text!r}" for text, where in messages.items() if not RULES.is_known(text)]
    assert missing == [], "add them to caseflow/admin/rule_texts.py"
    with app.test_request_context(headers={"Cookie": "caseflow_lang=zh"}):
        untranslated = [text for text in messages if RULES.translated(text) == text]
    assert untranslated == []


def test_a_broken_rules_file_is_explained_in_chinese(app, client):
    from caseflow.app import runtime_of
    from tests.admin.conftest import post

    login(client, "admin")
    layers = runtime_of(app).rules().files["layers.yaml"]
    broken = layers.replace("unit_kind: property_office",
                            "unit_kind: [property_office]\n    colour: red", 1)
    body = text(post(client, "/admin/rules/edit", {"file": "layers.yaml", "text": broken,
                                                   "op": "check"},
                     "/admin/rules/edit?file=layers.yaml"))
    issues = re.findall(r'<td class="issue">(.*?)</td>', body)
    assert issues and all(re.search(r"[\u4e00-\u9fff]{2}", issue) for issue in issues), issues
    assert not any(" must be " in issue or "unknown key" in issue for issue in issues)
