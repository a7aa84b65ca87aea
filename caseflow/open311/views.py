"""The GeoReport v2 endpoints under /open311/v2/: parse, call one service, render."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, request, url_for

from caseflow.domain.errors import InvalidInput, NotFound, Refused, Unauthenticated
from caseflow.domain.policy import OUTSIDE, Actor
from caseflow.open311 import intake, mapping, params
from caseflow.open311.render import respond
from caseflow.services import georeport as queries
from caseflow.services import georeport_intake, resident_reports, rulesets, tokens
from caseflow.services.attachments import PhotoStore, Upload
from caseflow.services.georeport import ServiceRequest
from caseflow.services.runtime import Runtime
from caseflow.services.uow import UnitOfWork

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")
FMT = "<any(json,xml):fmt>"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
CONTACT = "caseflow 管理员 / caseflow administrator"
MEDIA_ENDPOINT = "attachments.download"  # the JSON API's photo download, when it is mounted
KEY_SERVICE = "Ask the administrator: caseflow tokens create USERNAME --can-submit"


def _rt() -> Runtime:
    return current_app.extensions["caseflow"]


def _lang() -> str:
    return request.accept_languages.best_match(["zh", "en"], default="zh") or "zh"


def _scope(uow: UnitOfWork) -> int | None:
    """The unit id of the `jurisdiction_id` given (404 if unknown), or None for everywhere."""
    return queries.jurisdiction(uow, request.values.get("jurisdiction_id") or "")


def _media_url(req: ServiceRequest) -> str | None:
    """The API's URL of the case's first photo (it needs a staff token to open)."""
    if MEDIA_ENDPOINT not in current_app.view_functions or req.first_attachment_id is None:
        return None
    return url_for(MEDIA_ENDPOINT, key=req.ref, attachment_id=req.first_attachment_id,
                   _external=True)


def _records(requests: list[ServiceRequest]) -> list[dict[str, Any]]:
    rules, lang = _rt().rules(), _lang()
    return [mapping.request_record(req, rules, lang, _media_url(req)) for req in requests]


@bp.before_request
def refuse_nul() -> None:
    """NUL cannot be stored or compared in PostgreSQL text; refuse it before any query."""
    texts = [request.path]
    for source in (request.args, request.form):
        texts.extend(text for pair in source.items(multi=True) for text in pair)
    if any("\x00" in text for text in texts):
        raise Refused(400, "parameters must not contain NUL characters")


@bp.get(f"/discovery.{FMT}")
def discovery(fmt: str) -> Response:
    """Service discovery: where the endpoint is, its formats, how to get a key."""
    rt = _rt()
    rt.rules()  # a fresh database activates the shipped rules on first use
    with rt.uow() as uow:
        _scope(uow)
        activation = rulesets.latest_activation(uow)
    changeset = mapping.w3c(activation.activated_at if activation else rt.now(), "UTC")
    url = url_for("open311.discovery", fmt=fmt, _external=True).rsplit("/", 1)[0]
    config = current_app.config
    body = mapping.discovery(
        url,
        changeset or "",
        config.get("OPEN311_CONTACT", CONTACT),
        config.get("OPEN311_KEY_SERVICE", KEY_SERVICE),
    )
    return respond(fmt, "discovery", body)


@bp.get(f"/services.{FMT}")
def services(fmt: str) -> Response:
    """Every category of the active rules as a service."""
    rules, lang = _rt().rules(), _lang()
    with _rt().uow() as uow:
        _scope(uow)
    body = [mapping.service(c, rules.categories, lang) for c in rules.categories.values()]
    return respond(fmt, "services", body)


@bp.get(f"/services/<code>.{FMT}")
def service_definition(code: str, fmt: str) -> Response:
    """The attributes one service asks for."""
    rules = _rt().rules()
    with _rt().uow() as uow:
        _scope(uow)
    if code not in rules.categories:
        raise NotFound(f"service_code {code!r}")
    return respond(
        fmt, "service_definition", mapping.service_definition(rules.categories[code], _lang())
    )


@bp.get(f"/requests.{FMT}")
def list_requests(fmt: str) -> Response:
    """Requests by id list, or by service, time window and status; newest first."""
    rt = _rt()
    rules = rt.rules()
    where = params.request_filter(request.args, rules.categories, rt.now(), rules.calendar.zone)
    with rt.uow() as uow:
        found = queries.find_requests(uow, where, _scope(uow))
    return respond(fmt, "service_requests", _records(found))


@bp.get(f"/requests/<ref>.{FMT}")
def get_request(ref: str, fmt: str) -> Response:
    """One request by its service_request_id (the case reference)."""
    with _rt().uow() as uow:
        found = queries.find_request(uow, ref, _scope(uow))
    return respond(fmt, "service_requests", _records([found]))


@bp.get(f"/tokens/<token>.{FMT}")
def get_token(token: str, fmt: str) -> Response:
    """The request a token stands for: null until a dispatcher has registered the case."""
    with _rt().uow() as uow:
        found = queries.token_status(uow, token, _scope(uow))
    if found.dismissed is not None:
        raise Refused(404, f"token {token!r} was dismissed by a dispatcher: {found.dismissed}")
    body = [{"service_request_id": found.service_request_id, "token": token}]
    return respond(fmt, "service_requests", body)


def _submitter(rt: Runtime, api_key: str) -> Actor:
    """The actor behind an api_key: a live caseflow API token allowed to submit, else 403."""
    if not api_key:
        raise Refused(403, "api_key is required to create a service request")
    with rt.uow() as uow:
        try:
            token = tokens.verify_token(uow, api_key, rt.now())
        except Unauthenticated as error:
            raise Refused(403, f"invalid api_key: {error.message}") from None
        if not token.can_submit:
            raise Refused(403, "this api_key may not create service requests")
        user = token.user
    return Actor(
        role=user.role, relation=OUTSIDE, user_id=user.id, label=f"open311:{user.username}"
    )


def _media() -> list[Upload]:
    """The photos sent as multipart `media` parts, each read up to its limit plus one byte."""
    most = int(current_app.config["ATTACHMENT_MAX_BYTES"]) + 1
    return [Upload(f.filename or "", f.read(most)) for f in request.files.getlist("media")
            if f.filename]


def _file(rt: Runtime, report: params.Report, inside: int | None, actor: Actor,
          media: list[Upload]) -> dict[str, Any]:
    """Place the report and submit it as a case with its photos and media_url link; one we
    cannot place waits for a dispatcher, its photos with it."""
    rules, now, lang = rt.rules(), rt.now(), _lang()
    category = rules.categories.get(report.service_code)
    if category is None:
        raise Refused(400, f"unknown service_code {report.service_code!r}; see services")
    limit = float(current_app.config.get("OPEN311_MAX_DISTANCE_M", 5000))
    store = PhotoStore.from_config(current_app.config, current_app.instance_path)
    with rt.uow() as uow:
        place = georeport_intake.locate(uow, intake.location(report), inside, limit)
        raw = intake.submission(report, category, place)
        try:
            if place is None:
                token = resident_reports.park_with_media(
                    uow, rules, raw, report.address_string, inside, actor, now, media,
                    report.media_url, store)
                # The spec's answer when there is no id yet: a token.
                return {"token": token,
                        "service_notice": mapping.waiting_notice(report.address_string, lang),
                        "account_id": report.account_id or None}
            filed = resident_reports.file_with_media(uow, rules, raw, actor, now, media,
                                                     report.media_url, store)
        except InvalidInput as error:
            raise intake.translate(error) from None
    notice = mapping.service_notice(
        filed.ref, filed.unit_name, filed.state, filed.deadlines, rules, lang
    )
    return {
        "service_request_id": filed.ref,
        "service_notice": notice,
        "account_id": report.account_id or None,
        "token": filed.token,
    }


@bp.post(f"/requests.{FMT}")
def create_request(fmt: str) -> Response:
    """Create a case from a form-encoded or multipart GeoReport request (photos as `media`
    parts, `media_url` kept as a link): its id, or a token if not placed."""
    if request.mimetype not in FORM_TYPES:
        raise Refused(400, "send the request as application/x-www-form-urlencoded")
    rt, form = _rt(), request.form.to_dict()
    with rt.uow() as uow:
        inside = _scope(uow)
    actor = _submitter(rt, form.pop("api_key", "").strip())
    created = _file(rt, params.report(form), inside, actor, _media())
    return respond(fmt, "service_requests", [created], 201)


@bp.route("/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unknown(rest: str) -> Response:
    """Anything else under /open311/v2/ answers the spec's 404, in the format asked for."""
    raise NotFound(f"/open311/v2/{rest}")
