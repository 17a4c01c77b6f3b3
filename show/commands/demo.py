"""`nightshift demo`: the bundled English and Chinese shops through their comment replays.

Writes, per shop, every reply (JSONL), its spoken audio (WAV), the whole show's audio, and one
readable summary for both shops.
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

import assets
from dialogue.catalog import load_catalog
from dialogue.engine import DialogueEngine
from dialogue.llm import load_llm
from dialogue.retrieval import Retriever
from dialogue.sources import read_comments
from show.replay import ReplayResult, ReplayShow
from voice.tts import create as create_voice

log = logging.getLogger("nightshift.demo")

SHOPS = [("en", "demo_shop_en.yaml", "demo_comments_en.jsonl", "piper"),
         ("zh", "demo_shop_zh.yaml", "demo_comments_zh.jsonl", "espeak")]


def run_demo(args: argparse.Namespace) -> int:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    llm = load_llm(args.model)
    max_s = args.minutes * 60 if args.minutes else None
    results: list[tuple[str, ReplayResult, str]] = []
    for code, catalog_file, comments_file, voice_name in SHOPS:
        catalog = load_catalog(assets.path(catalog_file))
        items = read_comments(assets.path(comments_file))
        engine = DialogueEngine(catalog, llm, Retriever.with_default_embedder(catalog))
        voice = create_voice(voice_name)
        started = time.perf_counter()
        log.info("%s: %d comments, voice %s", catalog.shop.name, len(items), voice_name)
        show = ReplayShow(engine, voice, out / code, max_show_s=max_s)
        result = show.run(items)
        log.info("%s: %.0f s of show in %.1f s", catalog.shop.name, result.show_s, time.perf_counter() - started)
        if not args.no_video:
            _record(show, out / code / "show.mp4", catalog.lang, catalog.shop.name)
        results.append((catalog.shop.name, result, code))
    summary = out / "summary.md"
    summary.write_text(_summary(results), encoding="utf-8")
    print(f"demo written to {out}/  (read {summary})")
    return 0


def _record(show: ReplayShow, path: Path, lang: str, producer: str) -> None:
    """The show's video: the host idles between lines and speaks each at its time; labelled as AI."""
    from avatar.clip import write_clip
    from compliance.metadata import aigc_json, aigc_label

    items: list[object] = []
    t = 0.0
    for at, speech in show.timeline:
        if at > t:
            items.append(at - t)
        items.append(speech)
        t = at + speech.duration_s
    started = time.perf_counter()
    clip = write_clip(items, assets.path("portraits/default.png"), path, lang,  # type: ignore[arg-type]
                      {"AIGC": aigc_json(aigc_label(producer))})
    log.info("video: %s, %.0f s, rendered in %.0f s (%d frames dropped)", path, clip.duration_s,
             time.perf_counter() - started, clip.stats.frames_dropped)


def _summary(results: list[tuple[str, ReplayResult, str]]) -> str:
    lines = ["# Nightshift demo", "",
             "All speech below is AI-generated; every fact comes from the shop's catalog.", ""]
    for name, r, code in results:
        counts: dict[str, int] = {}
        for rec in r.records:
            counts[str(rec["action"])] = counts.get(str(rec["action"]), 0) + 1
        lines += [f"## {name} ({code})", "",
                  f"- show length: {r.show_s:.0f} s, video in `{code}/show.mp4` (labelled as AI-generated), "
                  f"audio in `{code}/show.wav`",
                  f"- comments: {len(r.records)} — " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())),
                  f"- utterances: {len(r.utterances)} "
                  f"({sum(u.kind == 'pitch' for u in r.utterances)} pitch sentences)", "",
                  "| comment | action | what the host said / why not |", "| --- | --- | --- |"]
        for rec in r.records:
            flags = [str(f) for f in rec["flags"]]  # type: ignore[attr-defined]
            why = rec["text"] or ", ".join(f for f in flags if not f.startswith(("intent:", "lang:")))
            lines.append(f"| {rec['id']} | {rec['action']} | {str(why).replace('|', '/')} |")
        lines.append("")
    return "\n".join(lines)
