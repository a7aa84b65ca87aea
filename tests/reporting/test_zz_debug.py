import random
from datetime import timedelta
from caseflow.services.cases import submit_case
from caseflow.services.reporting.rollup import kept, recount
from caseflow.services.sweep import sweep
from tests.factories import RESIDENT, build_tree, submission
from tests.reporting.helpers import act_as_anyone
from tests.reporting.test_summary import CATEGORIES, MOVES, PLACES

def test_debug(runtime, clock):
    users = build_tree(runtime)
    rules, chance = runtime.rules(), random.Random(int(__import__("os").environ.get("SEED", "11")))
    refs = []
    log = []
    def check():
        with runtime.uow() as uow:
            h, c = kept(uow.session), recount(uow.session)
        return [t for t in c if h[t] != c[t]], h, c
    for step in range(120):
        if step % 4 == 0:
            with runtime.uow() as uow:
                body = submission(category=chance.choice(CATEGORIES), unit=chance.choice(PLACES))
                refs.append(submit_case(uow, rules, body, RESIDENT, clock.now())[0].ref)
        for _ in range(chance.randrange(1, 4)):
            action, data = chance.choice(MOVES)
            ref = chance.choice(refs)
            clock.advance(timedelta(minutes=1))
            ok = act_as_anyone(runtime, users, ref, action, data)
            log.append((step, ref, action, ok))
            bad, h, c = check()
            if bad:
                print(log[-5:])
                for t in bad:
                    print(t, set(h[t]) ^ set(c[t]))
                assert False
        if step % 15 == 14:
            clock.advance(timedelta(hours=chance.randrange(12, 24 * 8)))
            sweep(runtime.uow, rules, clock.now())
            log.append((step, "sweep"))
            bad, h, c = check()
            if bad:
                print(log[-5:])
                for t in bad:
                    print(t, set(h[t]) ^ set(c[t]))
                assert False
