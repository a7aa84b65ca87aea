"""Rules pages for administrators: read, edit, upload, check, activate, diff, dry-run."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from caseflow.admin.rulesdata import diff_tables, dry_run_facts, numbered, uploaded_texts
from caseflow.admin.runtime import runtime
from caseflow.admin.security import requires
from caseflow.domain.errors import NotFound
from caseflow.rules import check_rules_with_warnings
from caseflow.services import rulesets, whatif
from caseflow.services.cases import CHANNELS, PRIORITIES
from caseflow.services.explain import explain_facts
from caseflow.services.places import places
from caseflow.services.units import find_unit

PERIODS = ("7d", "30d", "90d")  # what-if replays the submissions of one of these
bp = Blueprint("admin_rules", __name__, url_prefix="/admin/rules")


@bp.get("/")
@requires("admin")
def rules() -> str:
    """The active set, each file with line numbers, and the history of activations."""
    rt = runtime()
    with rt.uow() as uow:
        active = rt.rules()
        history = rulesets.rule_history(uow)
        files = [(name, numbered(text, [], name)) for name, text in sorted(active.files.items())]
        return render_template("admin/rules.html", active=active, files=files, history=history)


def _candidate(rt_files: dict[str, str], texts: dict[str, str]) -> dict[str, str]:
    """Uploaded or edited files replace the active ones of the same name."""
    return {**rt_files, **texts}


def _check_or_activate(files: dict[str, str], focus: str | None) -> str | Response:
    """Check a candidate set; activate it when asked and valid; else show issues at lines,
    warnings, and what the set would have done to the last period's submissions."""
    issues, warnings = check_rules_with_warnings(files)
    rt = runtime()
    if request.form.get("op") == "activate" and not issues:
        with rt.uow() as uow:
            ruleset = rulesets.activate_rules(uow, files, by=current_user.username,
                                              now=rt.now(), source="admin UI")
        rt.forget_rules()
        flash(_("Activated version %(version)s.", version=ruleset.version), "ok")
        return redirect(url_for("admin_rules.rules"))
    since = request.form.get("since") or "30d"
    impact = None
    if not issues:
        with rt.uow() as uow:
            impact = whatif.preview(uow, rt.rules(), files, rt.now(), since)
    shown = [focus] if focus else sorted({i.file for i in [*issues, *warnings]
                                          if i.file in files})
    views = [(name, numbered(files[name], [*issues, *warnings], name))
             for name in shown if name in files]
    return render_template("admin/rules_check.html", issues=issues, warnings=warnings,
                           views=views, focus=focus, text=files.get(focus or "", ""),
                           files=sorted(files), status_ok=not issues, impact=impact,
                           since=since, periods=PERIODS)


@bp.route("/edit", methods=["GET", "POST"])
@requires("admin")
def edit() -> str | Response | tuple[str, int]:
    """Edit one file of the active set in a textarea; check it or activate it."""
    active = dict(runtime().rules().files)
    name = request.values.get("file") or sorted(active)[0]
    if request.method == "GET":
        return render_template("admin/rules_check.html", issues=None, warnings=[], views=[],
                               focus=name, text=active.get(name, ""), files=sorted(active),
                               status_ok=None, impact=None, since="30d", periods=PERIODS)
    text = request.form.get("text", "").replace("\r\n", "\n")
    return _check_or_activate(_candidate(active, {name: text}), name)


@bp.post("/upload")
@requires("admin")
def upload() -> str | Response:
    """Check (or activate) uploaded .yaml files or a .zip over the active set."""
    texts = uploaded_texts(request.files.getlist("files"))
    return _check_or_activate(_candidate(dict(runtime().rules().files), texts), None)


@bp.post("/rollback")
@requires("admin")
def rollback() -> Response:
    """Activate an earlier version again."""
    rt = runtime()
    with rt.uow() as uow:
        rulesets.activate_version(uow, request.form.get("version", ""), current_user.username,
                                  rt.now())
    rt.forget_rules()
    flash(_("Activated version %(version)s.", version=request.form.get("version")), "ok")
    return redirect(url_for("admin_rules.rules"))


@bp.get("/diff")
@requires("admin")
def diff() -> str:
    """What changed between two stored versions, file by file."""
    old, new = request.args.get("a", ""), request.args.get("b", "")
    with runtime().uow() as uow:
        versions = rulesets.stored_files(uow, (old, new))
    if old not in versions or new not in versions:
        raise NotFound("rule set version")
    return render_template("admin/rules_diff.html", a=old, b=new,
                           tables=diff_tables(versions[old], versions[new]))


@bp.route("/dry-run", methods=["GET", "POST"])
@requires("admin")
def dry_run() -> str:
    """Fill in a case and see where the active rules would send it, and why."""
    rt = runtime()
    rules, explained = rt.rules(), None
    with rt.uow() as uow:
        if request.method == "POST":
            place = find_unit(uow, request.form.get("unit", ""))
            explained = explain_facts(rules, dry_run_facts(request.form, place))
        return render_template("admin/rules_dry_run.html", rules=rules, places=places(uow),
                               channels=CHANNELS, priorities=PRIORITIES, form=request.form,
                               explained=explained)
