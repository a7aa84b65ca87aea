"""`caseflow meetings plan-due|series|agenda` and `caseflow campaigns …` from the shell."""

from __future__ import annotations

from dataclasses import asdict

import click

from caseflow.cli.common import echo_json, plain_errors, runtime
from caseflow.cli.meetings import AS_OPTION, meetings_group
from caseflow.services import campaigns
from caseflow.services.deliberation import rhythm
from caseflow.services.deliberation.access import viewer_named


@meetings_group.command("plan-due")
def plan_due() -> None:
    """Plan the joint meetings' sittings due soon, with their agendas (the sweep does too)."""
    rt = runtime()
    with plain_errors(), rt.uow() as uow:
        planned = rhythm.plan_due(uow, rt.rules(), rt.now())
    click.echo(f"planned {len(planned)} sittings: {', '.join(map(str, planned)) or '-'}")


@meetings_group.command("series")
@AS_OPTION
def series(username: str | None) -> None:
    """Print the standing joint meetings within reach, with their latest sittings."""
    rt = runtime()
    with plain_errors(), rt.uow() as uow:
        echo_json([asdict(s) for s in rhythm.series_for(uow, viewer_named(uow, username))])


@meetings_group.command("agenda")
@click.argument("meeting_id", type=int)
@AS_OPTION
def agenda(meeting_id: int, username: str | None) -> None:
    """Print MEETING_ID's agenda: hard cases with why, the hotspot, the decisions."""
    rt = runtime()
    with plain_errors(), rt.uow() as uow:
        echo_json(asdict(rhythm.meeting_agenda(uow, viewer_named(uow, username), meeting_id)))


@click.group("campaigns")
def campaigns_group() -> None:
    """Opinion campaigns (征求意见)."""


@campaigns_group.command("list")
@AS_OPTION
def list_campaigns(username: str | None) -> None:
    """Print the campaigns within reach with their counts."""
    rt = runtime()
    with plain_errors(), rt.uow() as uow:
        echo_json([asdict(c) for c in campaigns.campaigns_for(uow, viewer_named(uow, username))])


@campaigns_group.command("show")
@click.argument("campaign_id", type=int)
@AS_OPTION
def show_campaign(campaign_id: int, username: str | None) -> None:
    """Print CAMPAIGN_ID's counts by topic, channel and complex, and its opinions."""
    rt = runtime()
    with plain_errors(), rt.uow() as uow:
        echo_json(asdict(campaigns.campaign_for(uow, viewer_named(uow, username), campaign_id)))
