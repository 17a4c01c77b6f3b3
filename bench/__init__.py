"""Benchmarks behind `nightshift bench AREA`: each writes a flat {name_unit: number} JSON."""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path


def machine() -> str:
    import os

    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def run_bench(args: argparse.Namespace) -> int:
    if args.area == "dialogue":
        from bench.dialogue import bench_dialogue

        figures = bench_dialogue(n=args.n or 3, model=args.model)
    elif args.area == "voice":
        from bench.voice import bench_voice

        figures = bench_voice(n=args.n or 10)
    elif args.area == "avatar":
        from bench.avatar import bench_avatar

        figures = bench_avatar(n=args.n or 250)
    elif args.area == "show":
        from bench.show import bench_show

        figures = bench_show(n=args.n or 12, out=Path(args.json).with_suffix("") if args.json else None)
    elif args.area == "busy":
        from bench.busy import bench_busy

        figures = bench_busy(out=Path(args.json).with_suffix("") if args.json else None)
    elif args.area == "console":
        from bench.console import bench_console

        figures = bench_console(n=args.n or 3)
    elif args.area == "soak":
        from bench.soak import bench_soak

        out = Path(args.json).with_suffix("") if args.json else None
        figures = bench_soak(hours=args.hours, out=out, clock=args.clock)
    elif args.area == "load":
        from bench.load import bench_load

        out = Path(args.json).with_suffix("") if args.json else None
        figures = bench_load(rate=args.rate, seconds=args.seconds, model=not args.no_llm, out=out, events=args.events,
                             window_s=args.window)
    else:  # pragma: no cover - argparse restricts the choices
        return 2
    text = json.dumps(figures, indent=2, sort_keys=True)
    print(text)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    print(f"# {args.area} on {machine()}, {time.strftime('%Y-%m-%d')}", file=sys.stderr)
    return 0
