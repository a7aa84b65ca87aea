"""Who a note on a case is written for: the handling staff only, or the resident too.

A staff note is internal unless the caseworker chooses to reply to the resident; what a
resident writes (a comment, an evaluation, a report) is theirs, so it is always public.
"""

from __future__ import annotations

from caseflow.domain.errors import InvalidInput
from caseflow.domain.policy import OWNER

INTERNAL = "internal"  # 内部备注: staff read it, residents and the public never do
PUBLIC_REPLY = "public"  # 回复居民: the resident, Open311 and the notice board read it
VISIBILITIES = (INTERNAL, PUBLIC_REPLY)


def note_visibility(relation: str, requested: str | None) -> str:
    """The visibility an event's note is stored with; InvalidInput names a bad value."""
    if relation == OWNER:
        return PUBLIC_REPLY  # the resident's own words are never hidden from them
    if requested is None or requested == "":
        return INTERNAL
    if requested not in VISIBILITIES:
        raise InvalidInput("visibility", f"must be one of {', '.join(VISIBILITIES)}")
    return requested
