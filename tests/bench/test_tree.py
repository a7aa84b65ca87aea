"""The benchmark forest's holders, read in bulk, are the ones the unit service finds."""

from __future__ import annotations

from pathlib import Path

from bench import tree
from bench.classes import NOW
from caseflow.domain.clock import FrozenClock
from caseflow.services import migrations
from caseflow.services.runtime import Runtime
from caseflow.services.units import holder_for


def test_bulk_holders_match_holder_for(tmp_path: Path) -> None:
    runtime = Runtime.from_url(f"sqlite:///{tmp_path / 'tree.sqlite'}", clock=FrozenClock(NOW))
    migrations.upgrade(runtime.engine)
    rules = runtime.rules()
    forest = tree.build(runtime, rules)
    places = sorted(set(forest.places))
    assert len(places) > 1000
    with runtime.uow() as uow:
        for place in places[::97]:
            expected = {layer.id: holder_for(uow.session, place, layer.unit_kind)
                        for layer in rules.layers}
            assert forest.holders[place] == expected
            assert all(expected.values())
    runtime.engine.dispose()
