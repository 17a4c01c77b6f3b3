"""Per-utterance latency trace and the run summary (comments seen / answered / skipped / held, p50/p95)."""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

STAGES = ("received", "triaged", "first_token", "first_sentence", "gated", "synthesised", "first_audio",
          "mouth_open")


@dataclass
class Trace:
    """Wall-clock seconds (monotonic) at which one utterance passed each stage."""

    key: str
    kind: str  # answer, pitch, operator, disclosure, holding
    text: str = ""
    at: dict[str, float] = field(default_factory=dict)

    def mark(self, stage: str, t: float | None = None) -> None:
        self.at.setdefault(stage, time.monotonic() if t is None else t)

    def ms(self, a: str, b: str) -> float | None:
        if a in self.at and b in self.at:
            return round((self.at[b] - self.at[a]) * 1000.0, 1)
        return None


@dataclass
class RunSummary:
    comments_seen: int = 0
    answered: int = 0
    skipped: int = 0
    held: int = 0
    blocked: int = 0
    frames: int = 0
    frames_dropped: int = 0
    on_air_s: float = 0.0
    paused_s: float = 0.0
    comment_to_audio_ms: list[float] = field(default_factory=list)

    def figures(self) -> dict[str, float]:
        lat = np.array(self.comment_to_audio_ms or [0.0])
        d = {k: v for k, v in asdict(self).items() if k != "comment_to_audio_ms"}
        d["comment_to_audio_p50_ms"] = round(float(np.percentile(lat, 50)), 1)
        d["comment_to_audio_p95_ms"] = round(float(np.percentile(lat, 95)), 1)
        return d

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.figures(), indent=2) + "\n", encoding="utf-8")
