"""Wiring from config: a backend is its module, its settings and its registration, nothing else; old SHOW.yaml
spellings still load; a wrong kind names the kinds there are."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pytest
import yaml
from pydantic import Field

from core.registry import Registry
from dialogue.errors import InputError
from dialogue.sources.base import SOURCES, CommentSource, SourceContext, SourceSettings, open_source
from dialogue.types import BadComment, Comment
from show import wiring
from show.config import load_show
from voice.tts.base import VOICES, TTSBackend, TTSCapabilities, VoiceSettings
from voice.types import Speech

REPO = Path(__file__).resolve().parents[2]


# --- a voice and a comment source that exist only in this test -------------------------------------------


class HumSettings(VoiceSettings):
    """`voice: {kind: hum, pitch_hz: 220}`"""

    kind: Literal["hum"] = "hum"
    pitch_hz: float = Field(default=220.0, gt=0)


class HumVoice(TTSBackend):
    """Hums a tenth of a second per word."""

    name = "hum"

    def __init__(self, *, pitch_hz: float) -> None:
        self.pitch_hz = pitch_hz
        self.capabilities = TTSCapabilities(languages=("en",), timeline=False, sample_rate=16000)

    def synthesize(self, text: str, lang: str) -> Speech:
        t = np.arange(1600 * len(text.split())) / 16000
        pcm = (np.sin(2 * np.pi * self.pitch_hz * t) * 8000).astype(np.int16)
        return Speech(pcm=pcm, sample_rate=16000, text=text, voice=f"hum:{self.pitch_hz:g}")


class CannedSettings(SourceSettings):
    """`comments: {kind: canned, texts: [...]}`"""

    kind: Literal["canned"] = "canned"
    texts: list[str]


class CannedSource(CommentSource):
    name = "canned"

    def __init__(self, texts: list[str], record: Any) -> None:
        self.texts, self.record = texts, record

    def __iter__(self) -> Iterator[Comment | BadComment]:
        for i, text in enumerate(self.texts):
            yield Comment(f"c{i}", "viewer", text)


def open_canned(*, texts: list[str], context: SourceContext) -> CannedSource:
    return CannedSource(texts, context.record)


@pytest.fixture
def own_backends() -> Iterator[None]:
    VOICES.register("hum", HumSettings, HumVoice)
    SOURCES.register("canned", CannedSettings, open_canned)
    yield
    VOICES.unregister("hum")
    SOURCES.unregister("canned")


def _show(tmp_path: Path, **sections: Any) -> Path:
    cfg = {"catalog": "shop.yaml", "comments": {"kind": "stdin"}, **sections}
    path = tmp_path / "show.yaml"
    path.write_text(yaml.safe_dump(cfg), encoding="utf-8")
    return path


def test_a_backend_registered_anywhere_is_chosen_by_its_kind(tmp_path: Path, own_backends: None) -> None:
    cfg = load_show(_show(tmp_path, voice={"kind": "hum", "pitch_hz": 330, "fallback": "hum"},
                          comments={"kind": "canned", "texts": ["hello", "is it real?"]}))
    voice = wiring.voice(cfg)
    assert isinstance(voice, HumVoice) and voice.pitch_hz == 330
    assert voice.synthesize("two words", "en").duration_s == pytest.approx(0.2)
    assert wiring.fallback_voice(cfg.voice) is None  # its own fallback
    records: list[tuple[str, dict[str, Any]]] = []
    source = open_source(cfg.comments, SourceContext(record=lambda kind, data: records.append((kind, data))))
    assert [c.text for c in source if isinstance(c, Comment)] == ["hello", "is it real?"]
    with pytest.raises(InputError, match=r"voice\.pitch_hz"):  # its own fields, validated with the path named
        load_show(_show(tmp_path, voice={"kind": "hum", "pitch_hz": -1}))


def test_a_wrong_kind_names_the_kinds_there_are(tmp_path: Path, own_backends: None) -> None:
    with pytest.raises(InputError) as e:
        load_show(_show(tmp_path, voice={"kind": "robot"}))
    assert "voice.kind: unknown voice 'robot'; choose one of coqui, espeak, hum, piper" in str(e.value)
    with pytest.raises(InputError) as e:
        load_show(_show(tmp_path, model={"kind": "gpt"}))
    assert "model.kind: unknown model 'gpt'; choose one of llama_cpp, none, openai, transformers" in str(e.value)
    with pytest.raises(InputError) as e:
        load_show(_show(tmp_path, comments={"kind": "irc"}))
    assert "comments.kind: unknown comment source 'irc'; choose one of canned, http, replay, stdin" in str(e.value)
    with pytest.raises(InputError, match="voice.fallback: .*unknown voice 'robot'"):
        load_show(_show(tmp_path, voice={"kind": "espeak", "fallback": "robot"}))


def test_old_spellings_still_load(tmp_path: Path) -> None:
    cfg = load_show(_show(tmp_path, comments={"replay": "chat.jsonl", "speed": 4.0},
                          voice={"model": "v.onnx"}, model={"path": "m.gguf"}))
    assert (cfg.comments.kind, cfg.comments.replay, cfg.comments.speed) == ("replay", str(tmp_path / "chat.jsonl"), 4.0)
    assert (cfg.voice.kind, cfg.voice.model) == ("piper", str(tmp_path / "v.onnx"))  # type: ignore[attr-defined]
    assert (cfg.model.kind, cfg.model.path) == ("llama_cpp", str(tmp_path / "m.gguf"))  # type: ignore[attr-defined]
    http = load_show(_show(tmp_path, comments={"http_port": 8765, "token_env": "SHOP_TOKEN"})).comments
    assert (http.kind, http.port, http.token_env, http.replay) == ("http", 8765, "SHOP_TOKEN", None)  # type: ignore[attr-defined]
    assert load_show(_show(tmp_path, comments={"stdin": True})).comments.kind == "stdin"
    served = load_show(_show(tmp_path, model={"kind": "openai", "url": "http://127.0.0.1:8080", "path": "qwen"})).model
    assert served.options() == {"base_url": "http://127.0.0.1:8080", "model": "qwen"}  # a model's name, not a file
    default = load_show(_show(tmp_path, comments={"replay": "c.jsonl"}))
    assert (default.voice.kind, default.voice.fallback, default.model.kind) == ("piper", "espeak", "llama_cpp")


def test_the_new_spellings_load(tmp_path: Path) -> None:
    cfg = load_show(_show(tmp_path, comments={"kind": "replay", "path": "chat.jsonl", "start_s": 2.0},
                          voice={"kind": "espeak", "fallback": "piper"}, model={"kind": "none"}))
    assert (cfg.comments.kind, cfg.comments.replay) == ("replay", str(tmp_path / "chat.jsonl"))
    assert (cfg.voice.kind, cfg.voice.fallback, cfg.model.kind) == ("espeak", "piper", "none")
    assert wiring.model(cfg.model) is None
    assert load_show(_show(tmp_path, comments={"kind": "http", "port": 0})).comments.kind == "http"


@pytest.mark.parametrize(("comments", "message"), [
    ({}, "comments.kind: give kind: http | replay | stdin"),
    ({"replay": "a.jsonl", "http_port": 8765}, "comments: http_port and replay name 2 comment sources"),
    ({"stdin": False}, "comments: stdin: false names no comment source"),
    ({"kind": "replay"}, "comments.path: required field is missing"),
    ({"replay": "a.jsonl", "token": "an-ingest-token"}, "comments.token: unknown field"),
])
def test_what_is_wrong_with_comments_is_said_with_its_path(tmp_path: Path, comments: dict[str, Any],
                                                           message: str) -> None:
    with pytest.raises(InputError) as e:
        load_show(_show(tmp_path, comments=comments))
    assert message in str(e.value)


def test_a_registry_finds_its_modules_and_says_what_it_does_not_know() -> None:
    reg: Registry[object] = Registry("widget", package="voice.tts", skip=("base", "coqui", "piper", "espeak"))
    assert reg.names() == []
    with pytest.raises(ValueError, match="unknown widget 'x'; choose one of $"):
        reg.get("x")


def test_listing_backends_loads_none_of_their_libraries() -> None:
    code = (
        "import sys\n"
        "sys.modules['httpx'] = None\n"  # importing the model interface must not need httpx
        "import dialogue.llm.base\n"
        "del sys.modules['httpx']\n"
        "from dialogue.llm import MODELS\n"
        "from dialogue.sources import SOURCES\n"
        "from voice.tts import VOICES\n"
        "from avatar.sinks.base import SINKS\n"
        "print(MODELS.names(), SOURCES.names(), VOICES.names(), SINKS.names())\n"
        "heavy = ['httpx', 'fastapi', 'uvicorn', 'llama_cpp', 'piper', 'onnxruntime', 'TTS', 'torch', 'av', 'pygame',\n"
        "         'sounddevice', 'transformers']\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert out.returncode == 0, out.stderr
    names, loaded = out.stdout.splitlines()
    assert names == ("['llama_cpp', 'none', 'openai', 'transformers'] ['http', 'replay', 'stdin'] "
                     "['coqui', 'espeak', 'piper'] ['audio', 'mp4', 'rtmp', 'wav', 'window']")
    assert loaded == "[]"
