"""`nightshift demo`: the bundled English and Chinese shops, each as a whole show on the bundled defaults.

Each shop runs the real show loop (triage → responder → compliance gate → voice → programme) from its
comment replay into a labelled recording, on the programme's own clock (faster than real time: nothing
goes live). Per shop: show.mp4, show.wav, audit.jsonl (hash-chained; verified here), replies.jsonl (one
record per comment), utterances.jsonl and a WAV per spoken line; and one summary.md for both.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path
from typing import IO

import yaml

import assets
from compliance.audit import verify
from compliance.gate import Utterance
from compliance.metadata import aigc_label, wav_info
from dialogue.catalog import load_catalog
from dialogue.sources import read_comments
from dialogue.types import Comment, RoomEvent
from show.commands.run import run_show
from show.config import load_show
from show.events import LineStarted
from show.progress import ShowProgress
from show.runtime import Brain
from show.terminal import run_log
from voice.types import Speech
from voice.wav import write_wav

log = logging.getLogger("nightshift.demo")

SHOPS = [("en", "demo_shop_en.yaml", "demo_comments_en.jsonl", "piper"),
         ("zh", "demo_shop_zh.yaml", "demo_comments_zh.jsonl", "espeak")]


def run_demo(args: argparse.Namespace) -> int:
    out = Path(args.out).resolve()  # the generated show.yaml resolves relative paths against its own folder
    out.mkdir(parents=True, exist_ok=True)
    with run_log(out / "run.log", verbose=bool(getattr(args, "verbose", False))) as term:
        print(f"Nightshift demo: two shops, each a whole show on the programme's own clock, into {out}/",
              file=term, flush=True)
        results = []
        for code, catalog_file, comments_file, voice in SHOPS:
            done = _one_shop(out, code, catalog_file, comments_file, voice, args, term)
            if done is None:
                return 1
            results.append(done)
        summary = out / "summary.md"
        summary.write_text(_summary(out, results), encoding="utf-8")
        print(_where(out, [r[0] for r in results], video=not args.no_video), file=term, flush=True)
    return 0


def _one_shop(out: Path, code: str, catalog_file: str, comments_file: str, voice: str, args: argparse.Namespace,
              term: IO[str]) -> tuple[str, str, dict[str, float], int] | None:
    shop_dir = out / code
    shop_dir.mkdir(parents=True, exist_ok=True)
    for stale in ("audit.jsonl", "audit.jsonl.head"):  # a demo starts a fresh log each time
        (shop_dir / stale).unlink(missing_ok=True)
    show_yaml = _show_file(shop_dir, catalog_file, comments_file, voice, args)
    catalog = load_catalog(assets.path(catalog_file))
    lines = _LineRecorder(shop_dir, catalog.shop.name)
    progress = ShowProgress(f"{code} {catalog.shop.name}", _programme_s(comments_file, args.minutes), term)

    def prepare(brain: Brain) -> None:
        lines.attach(brain)
        progress.attach(brain)

    started = time.perf_counter()
    try:
        figures = run_show(load_show(show_yaml), out_dir=shop_dir, prepare=prepare)
    finally:
        progress.close()
        lines.close()
    check = verify(shop_dir / "audit.jsonl")
    if not check.ok:
        log.error("%s: the audit log does not verify: line %s: %s", code, check.bad_line, check.reason)
        return None
    log.info("%s: %.0f s of show in %.0f s", code, figures["on_air_s"], time.perf_counter() - started)
    return code, catalog_file, figures, check.entries


def _programme_s(comments_file: str, minutes: float | None) -> float:
    """About how long the replay's show lasts: its comments' time span and a little for the last answers."""
    stamps = [c.ts for c in read_comments(assets.path(comments_file)) if isinstance(c, Comment | RoomEvent) and c.ts is not None]
    span = (max(stamps) - min(stamps) + 15.0) if stamps else 60.0
    return min(span, minutes * 60.0) if minutes else span


def _where(out: Path, codes: list[str], *, video: bool) -> str:
    rows = [f"demo written to {out}/", f"  summary.md      what each viewer asked and what the host said: {out / 'summary.md'}"]
    for code in codes:
        d = out / code
        rows += [f"  {code}/show.mp4     the host on screen, labelled as AI-generated: {d / 'show.mp4'}" if video
                 else f"  {code}/show.wav     the host's voice, labelled as AI-generated: {d / 'show.wav'}",
                 f"  {code}/audit.jsonl  every comment, gate decision and spoken line (nightshift audit verify)"]
    rows.append(f"  run.log         the libraries' own messages: {out / 'run.log'}")
    return "\n".join(rows)


def _show_file(shop_dir: Path, catalog: str, comments: str, voice: str, args: argparse.Namespace) -> Path:
    cfg: dict[str, object] = {
        "catalog": str(assets.path(catalog)), "platform": "local", "clock": "fast",
        "voice": {"kind": voice}, "comments": {"replay": str(assets.path(comments))},
        "outputs": {"wav": str(shop_dir / "show.wav"),
                    **({} if args.no_video else {"mp4": str(shop_dir / "show.mp4")})},
        "audit_log": str(shop_dir / "audit.jsonl"), "pitch_interval_s": 20.0,
        "console": {"enabled": False},
    }
    if args.minutes:
        cfg["minutes"] = float(args.minutes)
    if args.model:
        cfg["model"] = {"path": str(Path(args.model).resolve())}
    path = shop_dir / "show.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


class _LineRecorder:
    """Saves each spoken line as its own labelled WAV and lists them in utterances.jsonl."""

    def __init__(self, shop_dir: Path, producer: str) -> None:
        self.dir = shop_dir / "lines"
        self.dir.mkdir(exist_ok=True)
        for old in self.dir.glob("*.wav"):
            old.unlink()
        self.info = wav_info(aigc_label(producer))
        self._f = (shop_dir / "utterances.jsonl").open("w", encoding="utf-8")
        self.n = 0

    def attach(self, brain: Brain) -> None:
        brain.bus.subscribe(LineStarted, self.started)

    def started(self, e: LineStarted) -> None:
        if e.speech is not None:
            self.line(e.utterance, e.speech, e.at_s)

    def line(self, u: Utterance, speech: Speech, at_s: float) -> None:
        self.n += 1
        name = f"lines/{self.n:03d}-{u.kind}.wav"
        write_wav(self.dir.parent / name, speech.pcm, speech.sample_rate, self.info)
        self._f.write(json.dumps({"at_s": round(at_s, 3), "kind": u.kind, "text": u.text, "audio": name,
                                  "duration_s": round(speech.duration_s, 3), "comment_id": u.comment_id},
                                 ensure_ascii=False) + "\n")
        self._f.flush()

    def close(self) -> None:
        self._f.close()


def _summary(out: Path, results: list[tuple[str, str, dict[str, float], int]]) -> str:
    lines = ["# Nightshift demo", "",
             "All speech below is AI-generated; every fact comes from the shop's catalog. Each shop ran the",
             "whole show loop into a recording labelled as AI-generated (in every frame and in the file's",
             "`AIGC` metadata), with a hash-chained audit log (`nightshift audit verify`).", ""]
    for code, catalog_file, f, entries in results:
        name = load_catalog(assets.path(catalog_file)).shop.name
        rows = [json.loads(x) for x in (out / code / "replies.jsonl").read_text("utf-8").splitlines()]
        utts = [json.loads(x) for x in (out / code / "utterances.jsonl").read_text("utf-8").splitlines()]
        counts: dict[str, int] = {}
        for r in rows:
            counts[r["action"]] = counts.get(r["action"], 0) + 1
        lines += [f"## {name} ({code})", "",
                  f"- on air: {f['on_air_s']:.0f} s — `{code}/show.mp4`, `{code}/show.wav`",
                  f"- comments: {len(rows)} — " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())),
                  f"- lines spoken: {len(utts)} ({sum(u['kind'] == 'pitch' for u in utts)} pitch sentences), "
                  f"frames dropped: {f['frames_dropped']:.0f}",
                  f"- audit log: `{code}/audit.jsonl`, {entries} entries, chain verified", "",
                  "| comment | action | what the host said / why not |", "| --- | --- | --- |"]
        for r in rows:
            why = r["text"] or ", ".join(x for x in r["flags"] if not x.startswith(("intent:", "lang:")))
            lines.append(f"| {r['id']} | {r['action']} | {str(why).replace('|', '/')} |")
        lines.append("")
    return "\n".join(lines)
