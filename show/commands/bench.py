"""`nightshift bench AREA`: its arguments here; the benches themselves (the `bench` package) load only when run.

`bench` sits above the show (it drives whole shows): this command is the one place in `show/` that reaches it,
and only when `nightshift bench` runs.
"""

from __future__ import annotations

import argparse
from typing import Any

AREAS = ("dialogue", "voice", "avatar", "show", "busy", "console", "soak", "load")


def add_bench_parser(sub: Any) -> argparse.ArgumentParser:
    """The `bench` subcommand's parser (its model arguments are added by the caller, as for other commands)."""
    b: argparse.ArgumentParser = sub.add_parser("bench", help="measure a part and write the bench JSON")
    b.add_argument("area", choices=list(AREAS))
    b.add_argument("--json", default=None, help="write the figures to this file")
    b.add_argument("--n", type=int, default=None, help="how many samples")
    b.add_argument("--hours", type=float, default=8.0, help="soak: hours of programme time (default 8)")
    b.add_argument("--clock", choices=["fast", "realtime"], default="fast",
                   help="soak: the programme's own clock (faster than real time), or the wall clock")
    b.add_argument("--rate", type=float, default=200.0, help="load: comments a second into the ingest (default 200)")
    b.add_argument("--seconds", type=float, default=60.0, help="load: how long the flood lasts (default 60)")
    b.add_argument("--events", action=argparse.BooleanOptionalAction, default=True,
                   help="load: room events beside the flood (500 likes, 50 joins, 2 gifts a second), after a quiet "
                        "and an events-only window that give their CPU cost (default on; --no-events: the flood alone)")
    b.add_argument("--window", type=float, default=60.0,
                   help="load: seconds of each window, quiet and events only, before the flood (default 60)")
    return b


def run_bench_command(args: argparse.Namespace) -> int:
    """Run the bench for `args.area`; the bench package is imported only now."""
    from bench import run_bench

    return run_bench(args)
