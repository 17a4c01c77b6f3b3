"""SHOW.yaml: everything a live show needs, validated once; errors name the field path.

`voice:`, `model:` and `comments:` each name a `kind` of backend; the fields that follow are that backend's
own, defined beside it (voice.tts.piper.PiperSettings, ...) and looked up in its registry, so a backend
registered later is as valid as a built-in one. Old spellings still load: `comments: {replay: x.jsonl}`,
`{http_port: 8765}`, `{stdin: true}`. Relative paths are resolved against the folder that holds SHOW.yaml.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from core.validation import describe_validation_error
from core.yamlfile import load_yaml
from dialogue.errors import InputError
from dialogue.llm.base import MODELS, ModelSettings
from dialogue.llm.base import parse as parse_model
from dialogue.sources.base import SOURCES, SourceSettings
from voice.tts.base import VOICES, VoiceSettings
from voice.tts.base import parse as parse_voice


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OutputsConfig(_Strict):
    """Where the programme goes: each key but size and fps is a sink kind (avatar.sinks), given its file or URL,
    or `true`."""

    window: bool = False
    mp4: str | None = None
    wav: str | None = None  # the programme's sound alone, as a WAV file (labelled like the MP4)
    rtmp: str | None = Field(default=None, pattern=r"^rtmps?://")
    audio_device: bool = False
    size: tuple[int, int] = (720, 1280)
    fps: float = Field(default=25.0, gt=0, le=60)

    _SINKS: ClassVar[tuple[tuple[str, str], ...]] = (  # (key, sink kind), in the order the programme feeds them
        ("mp4", "mp4"), ("wav", "wav"), ("rtmp", "rtmp"), ("window", "window"), ("audio_device", "audio"))

    def wanted(self) -> list[tuple[str, tuple[str, ...]]]:
        """Each output asked for: (sink kind, its arguments: the file or URL, none for a window or a device)."""
        values = ((kind, getattr(self, key)) for key, kind in self._SINKS)
        return [(kind, () if value is True else (value,)) for kind, value in values if value]


class ConsoleConfig(_Strict):
    enabled: bool = True
    host: str = "127.0.0.1"
    port: int = Field(default=8700, ge=0, le=65535)
    token: str | None = Field(default=None, min_length=12)  # default: a new one, printed once at the start
    preview_fps: float = Field(default=15.0, ge=1, le=30)  # the console's picture
    idle_prompt_s: float = Field(default=180.0, gt=0)  # no input this long: "are you there?"
    idle_answer_s: float = Field(default=30.0, gt=0)  # unanswered this long: heartbeats stop
    takeover: bool = True  # the operator may drive the host from their webcam and mic (needs mediapipe)


class OperatorConfig(_Strict):
    approval: Literal["none", "answers", "all"] = "none"
    unattended: bool = False
    heartbeat_lapse_s: float | None = Field(default=None, gt=0)


class SigningConfig(_Strict):
    """C2PA content credentials for the finished recordings: a certificate chain (PEM) and its key."""

    cert: str
    key: str
    alg: Literal["ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "ED25519"] = "ES256"


class ShowConfig(_Strict):
    """A validated SHOW.yaml."""

    catalog: str
    portrait: str | None = None
    language: str | None = None  # default: the catalog's
    platform: Literal["douyin", "wechat_channels", "generic", "local"] = "local"
    voice: Annotated[VoiceSettings, VOICES.field()] = Field(default_factory=lambda: parse_voice({}))
    model: Annotated[ModelSettings, MODELS.field()] = Field(default_factory=lambda: parse_model({}))
    outputs: OutputsConfig = OutputsConfig()
    console: ConsoleConfig = ConsoleConfig()
    operator: OperatorConfig = OperatorConfig()
    comments: Annotated[SourceSettings, SOURCES.field()]
    consent: str | None = None  # the consent records (default: consent.yaml beside SHOW.yaml, if there)
    signing: SigningConfig | None = None  # sign each finished MP4 with C2PA (trainedAlgorithmicMedia)
    audit_log: str = "out/audit.jsonl"
    pitch_interval_s: float = Field(default=30.0, gt=0)
    minutes: float | None = Field(default=None, gt=0)
    # realtime: the programme runs on the wall clock (any output). fast: a recording made as fast as the
    # machine renders it, on the programme's own clock (a replay into MP4 only: the demo, rehearsals).
    clock: Literal["realtime", "fast"] = "realtime"

    @model_validator(mode="after")
    def _fast_is_offline(self) -> ShowConfig:
        if self.clock == "fast":
            o = self.outputs
            if o.window or o.rtmp or o.audio_device or not self.comments.replay:
                raise ValueError("clock: fast makes a recording from a replay: outputs may only be mp4 and "
                                 "wav, and comments must be a replay file")
        return self

    @model_validator(mode="after")
    def _own_ingest_token(self) -> ShowConfig:
        token = getattr(self.comments, "token", None)  # a source that takes a token never takes the console's
        if token is not None and token == self.console.token:
            raise ValueError("comments.token is the console's token: a connector must never hold the operator's")
        return self

    @property
    def live(self) -> bool:
        """A live show: anything that streams out, or a platform profile."""
        return self.outputs.rtmp is not None or self.platform in ("douyin", "wechat_channels", "generic")


# the backends' own files are resolved by their settings (core.registry.SettingsPath)
_PATH_FIELDS = (("catalog",), ("portrait",), ("consent",), ("audit_log",), ("outputs", "mp4"), ("outputs", "wav"),
                ("signing", "cert"), ("signing", "key"))


def _resolve(data: dict[str, Any], base: Path) -> None:
    for path in _PATH_FIELDS:
        node: Any = data
        for key in path[:-1]:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict) and isinstance(node.get(path[-1]), str):
            p = Path(node[path[-1]]).expanduser()
            node[path[-1]] = str(p if p.is_absolute() else base / p)


def load_show(path: str | Path) -> ShowConfig:
    """Read and validate SHOW.yaml; InputError names the field on any problem."""
    p = Path(path)
    data = load_yaml(p)
    if not isinstance(data, dict):
        raise InputError(str(p), "SHOW.yaml must be a mapping (catalog:, comments:, outputs: ...)")
    if "consent" not in data and (p.parent / "consent.yaml").is_file():
        data["consent"] = "consent.yaml"  # where `nightshift consent add` writes when run beside SHOW.yaml
    _resolve(data, p.parent)
    try:
        return ShowConfig.model_validate(data, context={"base": str(p.parent)})
    except ValidationError as err:
        raise InputError(str(p), "; ".join(describe_validation_error(err))) from None
