"""The soak's night of traffic has what a real night has: quiet stretches, bursts, repeats, abuse, long
and multilingual comments, and every line is a valid comment."""

from __future__ import annotations

from pathlib import Path

from bench.traffic import night, write_night
from dialogue.sources import read_comments
from dialogue.types import Comment


def test_a_night_has_bursts_quiet_stretches_and_hard_comments(tmp_path: Path) -> None:
    rows = night(2.0)
    ts = [float(r["ts"]) for r in rows]  # type: ignore[arg-type]
    assert ts == sorted(ts) and ts[-1] < 2 * 3600
    gaps = [b - a for a, b in zip(ts, ts[1:], strict=False)]
    assert max(gaps) > 120, "no quiet stretch"
    per_second: dict[int, int] = {}
    for t in ts:
        per_second[int(t)] = per_second.get(int(t), 0) + 1
    assert max(per_second.values()) >= 19, "no 20/s burst"
    texts = [str(r["text"]) for r in rows]
    assert len(set(texts)) < len(texts), "no repeats"
    assert any(len(t) > 4000 for t in texts) and any("卫衣" in t for t in texts)
    assert night(2.0) == rows, "the same seed gives the same night"
    n = write_night(tmp_path / "n.jsonl", 0.5)
    items = read_comments(tmp_path / "n.jsonl")
    assert len(items) == n and all(isinstance(c, Comment) for c in items)
