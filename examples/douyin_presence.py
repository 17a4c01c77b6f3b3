"""A rehearsal of the `douyin` profile: the host pauses when the operator's heartbeats stop and resumes when
they come back (docs/compliance.md §4).

The demo portrait may never go live (§5), so this runs the show's own parts — Brain,
Gate, Presence — into a local recording. A thread stands in for the console: it sends heartbeats, falls
silent for a while (the operator steps away), then sends them again. Comments keep arriving throughout.

    .venv/bin/python examples/douyin_presence.py [--out out/douyin_presence] [--seconds 24] [--away-at 6]
        [--away 7] [--lapse 2]
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

import assets
from avatar.animate import Animator
from avatar.program import Program
from avatar.render import Renderer
from avatar.rig import build_rig
from avatar.sinks.base import create as create_sink
from compliance.audit import AuditLog, verify
from compliance.gate import Gate
from compliance.labels import Labeller
from compliance.metadata import aigc_json, aigc_label
from compliance.presence import Presence
from compliance.profiles import get_profile
from compliance.slate import draw_slate
from dialogue.catalog import load_catalog
from dialogue.engine import DialogueEngine
from dialogue.retrieval import Retriever
from dialogue.rundown import Rundown
from dialogue.types import Comment
from show.runtime import Brain
from voice.tts import create as create_voice

OPERATOR = "night-shift-operator"
QUESTIONS = ["how much is the hoodie?", "is the mug in stock?", "what colours does the tote come in?",
             "how much are the socks?", "do you ship to canada?", "is the desk lamp in stock?",
             "what sizes does the hoodie come in?", "how much is the tea?"]


def heartbeats(presence: Presence, stop: threading.Event, *, away_at: float, away_s: float) -> None:
    """The console's heartbeats every 0.5 s, except while the operator is away."""
    start = time.monotonic()
    while not stop.is_set():
        t = time.monotonic() - start
        if not away_at <= t < away_at + away_s:
            presence.heartbeat(OPERATOR)
        stop.wait(0.5)


def viewers(every_s: float, stop: threading.Event) -> Iterator[Comment]:
    """A steady trickle of questions, as a live room sends them."""
    i = 0
    while not stop.wait(every_s):
        yield Comment(f"v{i:02d}", f"viewer{i % 5}", QUESTIONS[i % len(QUESTIONS)])
        i += 1


def timeline(audit_path: Path) -> list[tuple[float, str]]:
    """(seconds since the last show started, what happened) for every presence change, pause and resume."""
    entries = [json.loads(x) for x in audit_path.read_text("utf-8").splitlines()]
    start = max(i for i, e in enumerate(entries) if e["kind"] == "show_start")  # an earlier rehearsal's log goes on
    t0 = entries[start]["ts"]
    events = []
    for e in entries[start:]:
        d = e["data"]
        if e["kind"] == "presence":
            events.append((e["ts"] - t0, f"operator {d['state']}" + (f" (silent {d['silent_s']} s)"
                                                                     if d.get("silent_s") else "")))
        elif e["kind"] in ("paused", "resumed"):
            events.append((e["ts"] - t0, f"{e['kind']} ({d['reason']})"))
        elif e["kind"] == "spoken" and d["kind"] == "holding":
            events.append((e["ts"] - t0, f"host says: {d['text']}"))
    return events


def rehearse(out: Path, *, seconds: float, away_at: float, away_s: float, lapse_s: float,
             size: tuple[int, int] = (360, 640)) -> Path:
    """Record the rehearsal into out/rehearsal.mp4 with its audit log; returns the log's path."""
    out.mkdir(parents=True, exist_ok=True)
    catalog = load_catalog(assets.path("demo_shop_en.yaml"))
    profile = get_profile("douyin", heartbeat_lapse_s=lapse_s)
    audit = AuditLog(out / "audit.jsonl")
    presence = Presence(profile.heartbeat_lapse_s)
    refused = profile.check_start(live=False, unattended=True)  # what no setting gets around
    print(f"{profile.title} refuses an unattended host: {refused.reasons[0]}")
    start = profile.check_start(live=False, unattended=False, operator_present=True)
    audit.append("show_start_check", start.to_audit())

    rig = build_rig(str(assets.path("portraits/default.png")), size=size)
    label, fps = Labeller(catalog.lang, fps=25.0), 25.0
    recording = create_sink("mp4", out / "rehearsal.mp4", threads=1,
                            metadata={"AIGC": aigc_json(aigc_label(catalog.shop.name))})
    program = Program(render=Renderer(rig).render, animator=Animator(fps=fps), sinks=[recording], fps=fps)

    def overlay(frame: np.ndarray, pts: float) -> None:
        if program.slate:
            draw_slate(frame, catalog.lang)
        label(frame)

    program.overlay = overlay
    gate = Gate(profile, audit, presence, promotions=[*catalog.promotions, *(f.a for f in catalog.faq)])
    engine = DialogueEngine(catalog, None, Retriever.with_default_embedder(catalog))
    brain = Brain(engine=engine, gate=gate, audit=audit, program=program, voice=create_voice("piper"),
                  fallback_voice=create_voice("espeak"), rundown=Rundown(catalog, interval_s=20.0),
                  presence=presence, lang=catalog.lang)
    stop = threading.Event()
    beats = threading.Thread(target=heartbeats, args=(presence, stop), daemon=True,
                             kwargs={"away_at": away_at, "away_s": away_s})
    beats.start()
    brain.feed(viewers(2.0, stop))
    audit.append("show_start", {"platform": profile.name, "live": False, "rehearsal": True})
    program.start()
    try:
        summary = brain.run(until_s=seconds, stop_when_done=False)
    finally:
        stop.set()
        program.stop()
    audit.append("show_end", summary.figures())
    audit.close()
    return out / "audit.jsonl"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="out/douyin_presence")
    ap.add_argument("--seconds", type=float, default=24.0, help="length of the rehearsal")
    ap.add_argument("--away-at", type=float, default=6.0, help="when the operator steps away (s)")
    ap.add_argument("--away", type=float, default=7.0, help="how long the operator is away (s)")
    ap.add_argument("--lapse", type=float, default=2.0, help="heartbeat silence that pauses the host (s)")
    args = ap.parse_args(argv)
    out = Path(args.out)
    log = rehearse(out, seconds=args.seconds, away_at=args.away_at, away_s=args.away, lapse_s=args.lapse)
    for t, what in timeline(log):
        print(f"  {t:6.1f} s  {what}")
    result = verify(log)
    print(f"recording:  {out / 'rehearsal.mp4'}")
    print(f"audit log:  {log} ({result.entries} entries, {'verified' if result.ok else 'FAILED: ' + result.reason})")
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
