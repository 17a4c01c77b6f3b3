"""Talking clips: text → normalised → synthesised → animated → rendered → a labelled MP4.

`render_clip` is what `nightshift say TEXT --portrait IMG --out clip.mp4` runs; `write_clip` plays
any sequence of utterances and pauses into one MP4 (the demo show). Every clip carries the AI label
twice: burned into its frames, and as the `AIGC` container tag (docs/compliance.md §1 and §3).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from avatar.program import Program, ProgramStats
from avatar.sinks.encode import metadata_text
from avatar.sinks.mp4 import Mp4Sink
from compliance.metadata import aigc_label
from voice.types import Speech

log = logging.getLogger(__name__)

FPS = 25
SIZE = (720, 1280)
LEAD_S = 0.4  # idle face before the first word: the mouth can move ahead of the sound
TAIL_S = 0.4


@dataclass
class ClipResult:
    """What was written: the file, its length, the speech (with its place in the clip), the frame stats."""

    path: Path
    duration_s: float
    fps: float
    size: tuple[int, int]
    speech: Speech | None  # the spoken text (render_clip), None for a multi-part write_clip
    speech_start_s: float  # where `speech` starts in the clip
    stats: ProgramStats
    metadata: dict[str, str]
    voice: str = ""
    lang: str = ""
    render_s: float = 0.0  # wall time of the whole job
    parts: list[tuple[float, Speech]] = field(default_factory=list)  # (start in the clip, utterance)


def default_labeller(lang: str, fps: float) -> Callable[[np.ndarray], None]:
    """The visible AI label from `compliance/`, drawn on every frame (the opening card first)."""
    from compliance.labels import Labeller

    return Labeller(lang, fps=fps)


def write_clip(
    items: Iterable[Speech | float],
    portrait: str | Path,
    out_mp4: str | Path,
    lang: str,
    metadata: Mapping[str, Any] | None = None,
    *,
    fps: float = FPS,
    size: tuple[int, int] = SIZE,
    seed: int = 0,
    lead_s: float = LEAD_S,
    tail_s: float = TAIL_S,
    overlay: Callable[[np.ndarray], None] | None = None,
) -> ClipResult:
    """Play utterances (Speech) and pauses (seconds, float) in order into one MP4 with the portrait's face.

    Raises avatar.rig.RigError for an unusable portrait and SinkError for an unwritable output.
    """
    from avatar.animate import Animator
    from avatar.render import Renderer
    from avatar.rig import build_rig

    started = time.perf_counter()
    rig = build_rig(str(portrait), size=size)
    renderer = Renderer(rig)
    animator = Animator(fps=fps, seed=seed)
    items = list(items)
    first = next((i for i in items if isinstance(i, Speech)), None)
    rate = first.sample_rate if first is not None else 22050
    tags = metadata_text(metadata if metadata is not None else {"AIGC": aigc_label("nightshift")})
    sink = Mp4Sink(out_mp4, tags)
    parts: list[tuple[float, Speech]] = []
    label = overlay if overlay is not None else default_labeller(lang, fps)
    program = Program(render=renderer.render, animator=animator, sinks=[sink], fps=fps, sample_rate=rate,
                      realtime=False, overlay=lambda frame, _pts: label(frame))

    starts: list[float] = []  # where each utterance began (its first audio)

    def on_event(kind: str, pts: float) -> None:
        if kind == "first_audio":
            starts.append(pts)

    def pause(seconds: float) -> None:  # the idle face and silence, at least `seconds`, on the frame grid
        program.run_for(max(0, math.ceil(seconds * fps - 1e-6)) / fps)

    program.start()
    try:
        pause(lead_s)
        for item in items:
            if program.failed:
                break
            if isinstance(item, Speech):
                program.enqueue(item, on_event=on_event)
                while program.speaking:
                    program.run_for(1.0 / fps)
                parts.append((starts[-1], item))
            else:
                pause(float(item))
        pause(tail_s)
        sink.close()  # the file's trailer: its failure is the clip's (stopping the programme would only log it)
    finally:
        program.stop()
    if program.failed:
        raise program.failed[0][1]
    if program.stats.blocked:
        Path(out_mp4).unlink(missing_ok=True)
        raise RuntimeError(f"{out_mp4}: the AI label could not be drawn on {program.stats.blocked} frames")
    height, width = program.last_frame.shape[:2] if program.last_frame is not None else (size[1], size[0])
    result = ClipResult(
        path=Path(out_mp4), duration_s=sink.duration_s, fps=fps, size=(width, height),
        speech=parts[0][1] if len(parts) == 1 else None, speech_start_s=parts[0][0] if parts else 0.0,
        stats=program.stats, metadata=tags, render_s=time.perf_counter() - started, parts=parts,
    )
    log.info("wrote %s: %.1f s, %d frames (%.1f ms render per frame) in %.1f s", result.path, result.duration_s,
             program.stats.sent, program.stats.render_ms_per_frame, result.render_s)
    return result


def render_clip(
    text: str,
    portrait: str | Path,
    out_mp4: str | Path,
    voice_backend: Any = "piper",
    lang: str | None = None,
    metadata: Mapping[str, Any] | None = None,
    **options: Any,
) -> ClipResult:
    """Say `text` with the face from `portrait` into `out_mp4` (H.264 + AAC, labelled as AI).

    `voice_backend` is a voice.tts backend or its registry name; `lang` defaults to a guess from the
    text; `metadata` defaults to a fresh {"AIGC": …} label; `options` go to `write_clip` (fps, size, seed).
    Raises ValueError for empty text or a language the voice cannot speak.
    """
    from voice.normalize import base_lang, guess_lang, normalize
    from voice.stream import speak
    from voice.tts.base import create

    text = (text or "").strip()
    if not text:
        raise ValueError("nothing to say: the text is empty")
    lang = lang or guess_lang(text)
    backend = create(voice_backend) if isinstance(voice_backend, str) else voice_backend
    if base_lang(lang) not in backend.capabilities.languages:
        raise ValueError(f"the {backend.name or voice_backend} voice does not speak {lang!r}")
    speech = speak(backend, normalize(text, lang), lang)
    result = write_clip([speech], portrait, out_mp4, lang, metadata, **options)
    result.voice, result.lang = backend.name or str(voice_backend), lang
    return result
