"""`python -m bench [scenario ...] [--size N] [--repeat K] [--db URL]`: run, print, save JSON."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
from pathlib import Path

from bench import dataset
from bench.context import Context
from bench.harness import Result, load_now, machine, table, verdicts, write_json

SCENARIOS = ("act", "api", "submit", "routing", "sweep", "reports", "summary", "memory",
             "whatif")


def parse(argv: list[str]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("scenarios", nargs="*", choices=[*SCENARIOS, []], metavar="scenario",
                        help=f"any of {', '.join(SCENARIOS)} (default: all)")
    parser.add_argument("--size", type=int, default=1_000_000, help="cases to generate")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per scenario")
    parser.add_argument("--db", default=os.environ.get("CASEFLOW_DATABASE_URL"),
                        help="a PostgreSQL server URL (default: SQLite files)")
    parser.add_argument("--fresh", action="store_true", help="regenerate the data")
    parser.add_argument("--quick", action="store_true", help="tiny counts (the smoke test)")
    parser.add_argument("--json", default=None, help="where to write the results JSON")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Generate (or reuse) the data, run the scenarios, print the table, write the JSON."""
    args = parse(sys.argv[1:] if argv is None else argv)
    chosen = args.scenarios or list(SCENARIOS)
    start = time.perf_counter()
    data = dataset.prepare(args.size, args.db, fresh=args.fresh)
    made = f"generated in {data.generated_in:.1f} s" if data.generated_in else "reused"
    print(f"data: {args.size:,} cases ({made}) at {data.url}", flush=True)
    ctx = Context(data, args.repeat, quick=args.quick)
    results: list[Result] = []
    command = " ".join(["python -m bench", *(sys.argv[1:] if argv is None else argv)])
    settings = {"size": args.size, "repeat": args.repeat, "backend": ctx.backend,
                "scenarios": chosen, "command": command, "generated_in": data.generated_in,
                "machine_at_start": machine()}
    for name in chosen:
        module = importlib.import_module(f"bench.scenarios.{name}")
        before = load_now()
        print(f"running {name} … (load {before[0]:.2f} on {os.cpu_count()} CPUs)", flush=True)
        found = module.run(ctx)
        after = load_now()
        for result in found:
            result.load = {"start": before, "end": after}
        results.extend(found)
        if found:  # as each scenario ends: a long run interrupted still leaves its figures
            print(table(found), flush=True)
        write_json(results, settings | {"partial": True}, Path(args.json) if args.json else None)
    print()
    print(table(results))
    print()
    print(verdicts(results))
    settings["total_seconds"] = time.perf_counter() - start
    path = write_json(results, settings, Path(args.json) if args.json else None)
    print(f"\nwritten {path}")
    return 0 if all(r.ok is not False for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
