"""A 10-minute overnight segment of the English demo shop, recorded faster than real time.

The replay is built here: long quiet stretches the rundown fills with pitches, a burst of comments, the
same question from several viewers, abuse, a spam link, a long rambling question, a pasted flood and a
Chinese viewer. The show runs on its own programme clock (`clock: fast`) into an MP4 with an audit log;
the script then checks the log's hash chain and writes a summary.

    .venv/bin/python examples/overnight_demo.py [--out out/overnight] [--minutes 10] [--size 540x960]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

import assets
from compliance.audit import verify
from show.commands.run import run_show
from show.config import load_show

RAMBLE = ("ok so I have been watching for about an hour now and I like the calm of this stream, my sister gave "
          "me a mug like yours last winter and it broke when I moved flats, so I am looking for something "
          "similar but sturdier, is the stoneware coffee mug dishwasher safe and how much is it?")

# (fraction of the segment, user, text): a night in a small live room
NIGHT: list[tuple[float, str, str]] = [
    (0.0, "mia_k", "hi Nova! still up?"),  # the replay counts from its first comment
    (0.16, "dan.r", "how much is the hoodie?"),
    # a quiet stretch: the rundown pitches products
    (0.45, "sofia", "what colours does the tote bag come in?"),
    (0.455, "tom88", "how much is the hoodie?"),  # the same question again, from others
    (0.46, "jo_w", "how much is the hoodie?"),
    (0.465, "troll42", "you are a useless idiot bot"),
    (0.47, "promo_bot", "FREE followers!!! visit http://spam.example/now"),
    (0.475, "小明", "你是真人吗？"),
    (0.48, "kai", "is the desk lamp in stock?"),
    (0.485, "lee", "are you a real person??"),
    (0.62, "ramble", RAMBLE),
    (0.70, "paste", "buy buy buy " * 200),  # a flood pasted into the box
    (0.84, "owl", "do you ship to canada?"),
    (0.99, "mia_k", "good night Nova"),
]


def overnight_comments(minutes: float) -> list[dict[str, Any]]:
    """The night's comments with programme times for a segment of `minutes`."""
    length_s = minutes * 60.0
    return [{"id": f"n{i:02d}", "user": user, "text": text, "ts": round(frac * length_s, 2)}
            for i, (frac, user, text) in enumerate(NIGHT)]


def write_show(out: Path, minutes: float, size: tuple[int, int], model: dict[str, Any]) -> Path:
    """The replay and a SHOW.yaml that records it into out/show.mp4 on the programme's own clock."""
    out.mkdir(parents=True, exist_ok=True)
    replay = out / "overnight_comments.jsonl"
    replay.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in overnight_comments(minutes)),
                      encoding="utf-8")
    cfg = {"catalog": str(assets.path("demo_shop_en.yaml")), "platform": "local", "clock": "fast",
           "comments": {"replay": str(replay)}, "model": model, "minutes": minutes,
           "outputs": {"mp4": str(out / "show.mp4"), "size": list(size)}, "audit_log": str(out / "audit.jsonl")}
    path = out / "show.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def summarise(audit_path: Path, figures: dict[str, float], ok: bool) -> str:
    """A Markdown account of the night from the audit log: what came in, what was said, what was not."""
    log = [json.loads(line) for line in audit_path.read_text("utf-8").splitlines()]
    comments = [e["data"] for e in log if e["kind"] == "comment"]
    spoken = [e["data"] for e in log if e["kind"] == "spoken"]
    skipped = Counter(_reason(c) for c in comments if c["skip"])
    lines = [
        "# Overnight segment", "",
        f"- programme: {figures.get('on_air_s', 0)} s recorded in {figures.get('wall_s', 0)} s",
        f"- comments: {len(comments)} in, {figures.get('answered', 0)} answered, {sum(skipped.values())} skipped",
        f"- lines spoken: {dict(Counter(s['kind'] for s in spoken))}",
        f"- audit log: {len(log)} entries, hash chain {'intact' if ok else 'BROKEN'}", "",
        "| not answered because | comments |", "| --- | --- |",
        *(f"| {reason} | {n} |" for reason, n in skipped.most_common()), "",
        "## Answers", "",
        *(f"- **{c['user']}**: {c['text'][:80]} → {_said(spoken, c['id'])}" for c in comments if not c["skip"]),
    ]
    return "\n".join(lines) + "\n"


def _reason(comment: dict[str, Any]) -> str:
    flags = [f for f in comment["flags"] if f in ("duplicate", "abuse", "spam", "link", "too_long")]
    return flags[0] if flags else comment["skip"][:40]


def _said(spoken: list[dict[str, Any]], comment_id: str) -> str:
    return " ".join(s["text"] for s in spoken if s["comment_id"] == comment_id) or "(not spoken)"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="out/overnight")
    ap.add_argument("--minutes", type=float, default=10.0, help="length of the segment in programme minutes")
    ap.add_argument("--size", default="540x960", help="frame size WxH")
    ap.add_argument("--no-llm", action="store_true", help="speak the catalog's sentences without the model")
    args = ap.parse_args(argv)
    w, h = (int(x) for x in args.size.lower().split("x"))
    out = Path(args.out)
    show = write_show(out, args.minutes, (w, h), {"kind": "none"} if args.no_llm else {"kind": "llama_cpp"})
    figures = run_show(load_show(show), out_dir=out)
    result = verify(out / "audit.jsonl")
    (out / "summary.md").write_text(summarise(out / "audit.jsonl", figures, result.ok), encoding="utf-8")
    print(f"recording:  {out / 'show.mp4'}")
    print(f"audit log:  {out / 'audit.jsonl'} ({result.entries} entries, "
          f"{'verified' if result.ok else 'FAILED at line ' + str(result.bad_line) + ': ' + result.reason})")
    print(f"summary:    {out / 'summary.md'} (figures in {out / 'summary.json'})")
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
