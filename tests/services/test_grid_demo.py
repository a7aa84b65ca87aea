"""The grid's demo: people at 莱茵水岸 and 华熙LIVE·528锦都, 代办, a review date, a task."""

from __future__ import annotations

from sqlalchemy import select

from caseflow.models import Case, Membership, ProxySubmission, Unit, User
from caseflow.services.accounts import viewer_named
from caseflow.services.demo import seed_demo
from caseflow.services.grid.demo import seed_grid_demo
from caseflow.services.grid.tasks import tasks_of


def test_the_grid_demo_seeds_people_a_review_date_and_a_task_due_soon(runtime):
    seed_demo(runtime)
    counts = seed_grid_demo(runtime)
    assert counts["grid people"] == 5 and seed_grid_demo(runtime) == {}
    now = runtime.now()
    with runtime.uow() as uow:
        session = uow.session
        held = set(session.execute(
            select(Membership.role, Unit.code).join(Unit, Unit.id == Membership.unit_id)
            .where(Membership.role.in_(("liaison", "volunteer", "butler")))))
        assert ("liaison", "leshan-rhine-waterfront-b8") in held
        assert ("liaison", "chengdu-huaxi-528-b1") in held
        assert ("volunteer", "chengdu-huaxi-528-b4") in held
        assert ("butler", "leshan-rhine-waterfront-b8") in held
        deferred = session.scalar(select(Case).where(Case.title == "地下车库雨天积水"))
        assert deferred.state == "deferred" and deferred.deferred_until > now
        assert deferred.warning_from <= now < deferred.overdue_from  # due soon, not overdue
        by = session.scalar(select(User.username).join(
            ProxySubmission, ProxySubmission.by_user_id == User.id))
        assert by == "liaison.rhine8"
        [soon, later] = tasks_of(uow, runtime.rules(), viewer_named(uow, "butler.rhine"), now)
    assert (soon.status, later.status) == ("warning", "on_time")
