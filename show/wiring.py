"""The backends a show's config names, built through their registries: the voice and its fallback, the
language model, the outputs and the comment source. Nothing here knows a backend by name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from avatar.sinks.base import SINKS, VideoSink
from dialogue.llm.base import LLM, MODELS, ModelSettings
from dialogue.sources.base import CommentSource, SourceContext, open_source
from show.config import OutputsConfig, ShowConfig
from voice.tts.base import VOICES, TTSBackend, VoiceSettings
from voice.tts.base import parse as parse_voice

if TYPE_CHECKING:
    from avatar.program import Program
    from compliance.audit import AuditLog


def voice(cfg: ShowConfig) -> TTSBackend:
    """The show's voice."""
    return VOICES.build(cfg.voice)


def fallback_voice(settings: VoiceSettings) -> TTSBackend | None:
    """The voice that takes over when the show's voice fails mid-show (its own defaults); None if it is the same."""
    if settings.fallback == settings.kind:
        return None
    return VOICES.build(parse_voice({"kind": settings.fallback}))


def voice_file(backend: TTSBackend) -> str | None:
    """The model file a voice was loaded from, for the consent check (None: the voice has no file of its own)."""
    for attr in ("model_path", "model", "model_dir"):
        v = getattr(backend, attr, None)
        if isinstance(v, (str, Path)) and Path(v).exists():
            return str(v)
    return None


def model(settings: ModelSettings) -> LLM | None:
    """The show's language model; None for `kind: none`."""
    return MODELS.build(settings)


# What the show adds to the outputs it opens, by sink kind: the files carry the AIGC label.
_LABELLED: dict[str, Callable[[str], dict[str, Any]]] = {
    # One encoder thread: x264's default of 1.5 threads per core would take the cores the model needs.
    # Fragmented: a night's index is not held in memory, and a file cut short plays.
    "mp4": lambda label: {"metadata": {"AIGC": label}, "threads": 1, "fragmented": True},
    "wav": lambda label: {"metadata": {"AIGC": label}},
}


def _options(kind: str, label_json: str) -> dict[str, Any]:
    add = _LABELLED.get(kind)
    return add(label_json) if add is not None else {}


def sinks(outputs: OutputsConfig, label_json: str) -> list[VideoSink]:
    """Every output the config asks for, built by its sink kind."""
    return [SINKS.create(kind, *args, **_options(kind, label_json)) for kind, args in outputs.wanted()]


def recording(path: str | Path, label_json: str, *, origin_s: float = 0.0) -> VideoSink:
    """The show's MP4, labelled (a recording that goes on in a new file starts at `origin_s`)."""
    return SINKS.create("mp4", path, origin_s=origin_s, **_options("mp4", label_json))


def comment_source(cfg: ShowConfig, program: Program, audit: AuditLog) -> CommentSource:
    """The show's comment source, open. A live source announces itself once; a replay follows the programme's
    clock when it runs faster than the wall clock."""
    from show.operator import announce

    context = SourceContext(clock=None if program.realtime else (lambda: program.now_s), record=audit.append,
                            announce=announce,
                            reserved_tokens=(cfg.console.token,) if cfg.console.token is not None else ())
    return open_source(cfg.comments, context)
