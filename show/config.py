"""SHOW.yaml: everything a live show needs, validated once; errors name the field path.

Relative paths are resolved against the folder that holds SHOW.yaml.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from dialogue.catalog import describe_validation_error
from dialogue.errors import InputError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class VoiceConfig(_Strict):
    kind: Literal["piper", "espeak", "coqui"] = "piper"
    model: str | None = None  # a Piper .onnx voice or a Coqui model folder
    fallback: Literal["piper", "espeak"] = "espeak"  # used when the main voice fails mid-show
    # true: this model is no real person's voice (e.g. trained on a licensed dataset), so it needs no consent
    # record; the declaration and the file's hash go into the audit log. A record for the file still decides.
    synthetic: bool = False


class ModelConfig(_Strict):
    kind: Literal["llama_cpp", "openai", "transformers", "none"] = "llama_cpp"
    path: str | None = None
    url: str | None = None
    timeout_s: float = Field(default=3.0, gt=0, le=60)
    # a viewer waits for the first words: a model that has not phrased its first checked sentence by then
    # gives way to the catalog's own words (0: wait up to timeout_s)
    first_sentence_s: float = Field(default=0.55, ge=0, le=60)


class OutputsConfig(_Strict):
    window: bool = False
    mp4: str | None = None
    wav: str | None = None  # the programme's sound alone, as a WAV file (labelled like the MP4)
    rtmp: str | None = Field(default=None, pattern=r"^rtmps?://")
    audio_device: bool = False
    size: tuple[int, int] = (720, 1280)
    fps: float = Field(default=25.0, gt=0, le=60)


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


class CommentsConfig(_Strict):
    replay: str | None = None
    speed: float = Field(default=1.0, gt=0)
    start_s: float = Field(default=0.0, ge=0)  # a replay: when its first comment arrives (show seconds)
    http_port: int | None = Field(default=None, ge=0, le=65535)
    # The ingest's own token, sent by the connector as Authorization: Bearer (never the console's): token_env
    # names the environment variable that holds it (kept out of SHOW.yaml), or token gives it. Neither: a new
    # one each run, printed once at the start.
    token: str | None = Field(default=None, min_length=12)
    token_env: str | None = Field(default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    # web pages that may post comments, as scheme://host:port; none by default (a connector is not a page)
    allowed_origins: list[Annotated[str, Field(pattern=r"^https?://[^/\s]+$")]] = []
    stdin: bool = False

    @model_validator(mode="after")
    def _one_source(self) -> CommentsConfig:
        if not (self.replay or self.http_port is not None or self.stdin):
            raise ValueError("give a replay file, an http_port, or stdin: true")
        if self.token is not None and self.token_env is not None:
            raise ValueError("give token or token_env, not both")
        return self


class ShowConfig(_Strict):
    """A validated SHOW.yaml."""

    catalog: str
    portrait: str | None = None
    language: str | None = None  # default: the catalog's
    platform: Literal["douyin", "wechat_channels", "generic", "local"] = "local"
    voice: VoiceConfig = VoiceConfig()
    model: ModelConfig = ModelConfig()
    outputs: OutputsConfig = OutputsConfig()
    console: ConsoleConfig = ConsoleConfig()
    operator: OperatorConfig = OperatorConfig()
    comments: CommentsConfig
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
        if self.comments.token is not None and self.comments.token == self.console.token:
            raise ValueError("comments.token is the console's token: a connector must never hold the operator's")
        return self

    @property
    def live(self) -> bool:
        """A live show: anything that streams out, or a platform profile."""
        return self.outputs.rtmp is not None or self.platform in ("douyin", "wechat_channels", "generic")


_PATH_FIELDS = (("catalog",), ("portrait",), ("consent",), ("audit_log",), ("outputs", "mp4"), ("outputs", "wav"),
                ("comments", "replay"), ("voice", "model"), ("model", "path"),
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
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except OSError as e:
        raise InputError(str(p), f"cannot read: {e.strerror or e}") from None
    except UnicodeDecodeError:
        raise InputError(str(p), "not UTF-8 text") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise InputError(str(p), f"{'line ' + str(mark.line + 1) + ': ' if mark else ''}not valid YAML") from None
    if not isinstance(data, dict):
        raise InputError(str(p), "SHOW.yaml must be a mapping (catalog:, comments:, outputs: ...)")
    if "consent" not in data and (p.parent / "consent.yaml").is_file():
        data["consent"] = "consent.yaml"  # where `nightshift consent add` writes when run beside SHOW.yaml
    _resolve(data, p.parent)
    try:
        return ShowConfig.model_validate(data)
    except ValidationError as err:
        raise InputError(str(p), "; ".join(describe_validation_error(err))) from None
