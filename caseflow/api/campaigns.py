"""Opinion campaigns (征求意见): open, collect, count, link cases, publish."""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from marshmallow import Schema, fields, validate

from caseflow.api.auth import STAFF_ROLES, current_viewer, requires
from caseflow.api.common import Blueprint, problems, rate_limit, runtime
from caseflow.services import campaigns

blp = Blueprint("campaigns", __name__, url_prefix="/api/v1",
                description="Opinion campaigns (征求意见)")
Text = fields.String


class CampaignInSchema(Schema):
    """A campaign to open."""

    area = Text(required=True, metadata={"description": "the running unit's code"})
    title = Text(required=True)
    description = Text(load_default="")
    complexes = fields.List(Text(), load_default=list,
                            metadata={"description": "complex codes it covers"})
    topics = fields.List(Text(), required=True)
    closes_at = fields.AwareDateTime(required=True)


class OpinionInSchema(Schema):
    """An opinion: residents send `web` without a token; staff record meeting or intake."""

    topic = Text(required=True)
    text = Text(required=True)
    channel = Text(load_default="web", validate=validate.OneOf(campaigns.CHANNELS))
    complex = Text(load_default="")
    author_name = Text(load_default="")
    author_phone = Text(load_default="")
    meeting_id = fields.Integer(load_default=None, allow_none=True)


class OpinionSchema(Schema):
    """An opinion as read (author masked unless you handle personal data)."""

    id = fields.Integer()
    topic = Text()
    text = Text()
    channel = Text()
    complex_name = Text()
    author = Text()
    case = Text(attribute="case_ref", allow_none=True)
    meeting_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()


class CampaignSchema(Schema):
    """A campaign with its counts."""

    id = fields.Integer()
    title = Text()
    description = Text()
    area = Text(attribute="area_code")
    area_name = Text()
    status = Text()
    opens_at = fields.DateTime()
    closes_at = fields.DateTime()
    topics = fields.List(Text())
    total = fields.Integer()
    by_topic = fields.Dict(keys=Text(), values=fields.Integer())
    by_channel = fields.Dict(keys=Text(), values=fields.Dict())
    by_complex = fields.Dict(keys=Text(), values=fields.Integer())
    cases = fields.Integer(metadata={"description": "opinions linked to a case"})
    summary = Text()
    published_at = fields.DateTime(allow_none=True)
    opinions = fields.List(fields.Nested(OpinionSchema))


class LinkSchema(Schema):
    """Link an opinion to an existing case, or register a new case from it."""

    case = Text(load_default="", metadata={"description": "an existing case's reference"})
    category = Text(load_default="", metadata={"description": "for a new case"})


class CloseSchema(Schema):
    """Stop collecting; publish the summary with the counts."""

    summary = Text(load_default="")
    publish = fields.Boolean(load_default=True)


class OpinionCreatedSchema(Schema):
    """What was created."""

    id = fields.Integer()
    case = Text()



@blp.route("/campaigns", methods=["POST"])
@blp.arguments(CampaignInSchema)
@blp.response(201, CampaignSchema)
@problems(blp, 401, 403, 404, 422)
@requires(STAFF_ROLES)
def open_campaign(body: dict[str, Any]) -> campaigns.CampaignView:
    """Open a campaign in your area."""
    rt = runtime()
    with rt.uow() as uow:
        viewer = current_viewer()
        new = campaigns.open_campaign(uow, viewer, rt.now(), campaigns.CampaignCommand(**body))
        return campaigns.campaign_for(uow, viewer, new)


@blp.route("/campaigns", methods=["GET"])
@blp.response(200, CampaignSchema(many=True))
def list_campaigns() -> list[campaigns.CampaignView]:
    """Staff: the campaigns of their area; everyone else: open and published ones."""
    rt = runtime()
    with rt.uow() as uow:
        viewer = current_viewer()
        if viewer.is_staff:
            return campaigns.campaigns_for(uow, viewer)
        return campaigns.public_campaigns(uow, rt.now())


@blp.route("/campaigns/<int:campaign_id>", methods=["GET"])
@blp.response(200, CampaignSchema)
@problems(blp, 403, 404)
def get_campaign(campaign_id: int) -> campaigns.CampaignView:
    """Staff of its area: counts and opinions; everyone else: the public counts."""
    rt = runtime()
    with rt.uow() as uow:
        viewer = current_viewer()
        if viewer.is_staff:
            return campaigns.campaign_for(uow, viewer, campaign_id)
        return campaigns.public_campaign(uow, rt.now(), campaign_id)


@blp.route("/campaigns/<int:campaign_id>/opinions", methods=["POST"])
@blp.arguments(OpinionInSchema)
@blp.response(201, OpinionCreatedSchema)
@problems(blp, 403, 404, 409, 422)
def give_opinion(body: dict[str, Any], campaign_id: int) -> dict[str, Any]:
    """Give an opinion while the campaign is open."""
    rt = runtime()
    with rt.uow() as uow:
        made = campaigns.give_opinion(uow, current_viewer(), rt.now(), campaign_id,
                                      campaigns.OpinionCommand(**body))
    return {"id": made, "case": ""}


@blp.route("/campaigns/opinions/<int:opinion_id>/case", methods=["POST"])
@blp.arguments(LinkSchema)
@blp.response(200, OpinionCreatedSchema)
@problems(blp, 401, 403, 404, 409, 422)
@requires(STAFF_ROLES)
def link_case(body: dict[str, Any], opinion_id: int) -> dict[str, Any]:
    """Link the opinion to a case, registering a new one when no reference is given."""
    rt = runtime()
    with rt.uow() as uow:
        ref = campaigns.spin_out_case(uow, rt.rules(), current_viewer(), rt.now(), opinion_id,
                                      body["category"], body["case"])
    return {"id": opinion_id, "case": ref}


@blp.route("/campaigns/<int:campaign_id>/close", methods=["POST"])
@blp.arguments(CloseSchema)
@blp.response(200, CampaignSchema)
@problems(blp, 401, 403, 404, 409, 422)
@requires(STAFF_ROLES)
def close_campaign(body: dict[str, Any], campaign_id: int) -> campaigns.CampaignView:
    """Stop collecting opinions, and publish the summary."""
    rt = runtime()
    with rt.uow() as uow:
        campaigns.close_campaign(uow, current_viewer(), rt.now(), campaign_id, body["summary"],
                                 body["publish"])
        return campaigns.campaign_for(uow, current_viewer(), campaign_id)


def after_register(app: Flask) -> None:
    """Rate-limit anonymous opinions like anonymous reports, here and on the public page's
    form; token holders are exempt."""
    rate_limit(app, "campaigns.give_opinion", lambda: app.config["SUBMIT_RATE_LIMIT"],
               exempt_when=lambda: bool(request.headers.get("Authorization")))
    if "admin_campaigns.public_page" in app.view_functions:
        rate_limit(app, "admin_campaigns.public_page", lambda: app.config["SUBMIT_RATE_LIMIT"],
                   methods=["POST"])
