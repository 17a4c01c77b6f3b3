"""Typed messages of the console's WebSocket, both directions (a `type` field tells them apart).

Text messages are JSON of these models: the state goes whole to a console once, then as its changes. Preview
frames are binary messages: `FRAME_HEADER` (magic, frame index, programme time in ms, audio level) followed by
one JPEG.
"""

from __future__ import annotations

import struct
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator

FRAME_HEADER = struct.Struct("<4sIIf")  # b"NSF1", frame index, pts in ms, audio level 0..1
FRAME_MAGIC = b"NSF1"
MAX_TEXT = 500  # longest line an operator may type
MAX_REASON = 200  # longest reason for saying a refused line anyway
# client → server binary messages, for the takeover driver (webcam and mic): a magic, then the payload
CAMERA_MAGIC = b"NSV1"  # then one webcam frame as JPEG
MIC_HEADER = struct.Struct("<4sI")  # b"NSA1", sample rate; then mono int16 PCM
MIC_MAGIC = b"NSA1"


Mode = Literal["live", "paused", "stopped", "ended"]  # the show as the console shows it
PresenceShown = Literal["present", "lapsed", "not_required"]  # an operator on duty, where the platform needs one


class _Msg(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- what the show looks like to the console -------------------------------------------------------
class CommentItem(_Msg):
    """A viewer comment with what triage made of it."""

    id: str
    user: str = ""
    text: str = ""
    intent: str = ""
    lang: str = ""
    flags: list[str] = []
    skip: str | None = None
    ts: float = 0.0
    outcome: Literal["waiting", "reply", "skip", "hold"] | None = None  # what became of it so far
    why: str = ""  # the outcome's reason: why it was skipped or held, or what answered it


EventShown = Literal["said", "held", "thanked", "skip"]  # a reaction said or held; a gift or order thanked or not


class EventItem(_Msg):
    """A row of the room's feed: a burst of joins, follows or shares (a few names and how many), one gift or one
    order, or a reaction line the host said (with how many events it covered). Likes are never rows: they are
    counted (`RoomCounts.likes`)."""

    id: str
    kind: str  # join | follow | share | gift | order | reaction
    ts: float = 0.0  # when the row last changed (wall clock)
    users: list[str] = []  # the first few names (a burst), the sender (a gift), the buyer (an order)
    count: int = 0  # events in the burst; gifts sent at once; items an order bought; events a reaction covered
    item: str = ""  # the gift, or the product an order bought
    value: str = ""  # a gift's worth (value × count), or an order's price (price × qty)
    text: str = ""  # a reaction: the line
    covers: str = ""  # a reaction: the kind of events it answered
    batched: int = 0  # a reaction: events covered besides its lead
    outcome: EventShown | None = None
    why: str = ""  # the outcome's reason (why a gift or order was skipped, or a held reaction's)


class RoomCounts(_Msg):
    """The room at a glance, since the console's view started: running counts, never a row per event."""

    likes: int = 0  # likes (a tap burst counts its taps)
    received: dict[str, int] = {}  # events per kind (join, like, follow, gift, share, order)
    reactions: int = 0  # reaction lines said
    covered: int = 0  # events those lines covered
    skipped: dict[str, int] = {}  # events no line covered, by reason: stale, rate_limited, show_ended, gate:blocked …


class QueueItem(_Msg):
    """A comment waiting for the host's answer, in the order it will be taken."""

    id: str
    user: str = ""
    text: str = ""
    intent: str = ""
    waited_s: float = 0.0  # programme seconds since it joined the queue


class OnAir(_Msg):
    """The line the host is saying now, and why: an answer to whom, a pitch, the disclosure, the operator's words."""

    kind: str  # answer | pitch | disclosure | operator | holding | takeover
    text: str = ""
    comment_id: str | None = None
    user: str = ""  # who asked (an answer), who wrote it (operator words) or who drives (a takeover)
    why: str = ""  # the question answered, or the product pitched


class HeldLine(_Msg):
    """A line waiting for the operator's approval, with why it is waiting."""

    id: str
    kind: str
    text: str
    lang: str
    comment_id: str | None = None
    comment_user: str = ""
    comment_text: str = ""  # the comment it answers, kept with the line however busy the room is
    reasons: list[str] = []


class ProductItem(_Msg):
    sku: str
    name: str
    price: str
    stock: int


class AuditItem(_Msg):
    """One audit-log entry, shortened for display."""

    seq: int
    ts: float
    kind: str
    detail: str


class TraceItem(_Msg):
    """Latency of one utterance: milliseconds from its first stage to each later one."""

    id: str
    kind: str
    text: str
    ms: dict[str, float]
    on_air_pts_s: float | None = None  # where its first audio is on the programme (and in the recording)


class TakeoverStatus(_Msg):
    """The takeover on air: who drives the host, whether the camera sees their face, their voice's level."""

    operator: str
    face_visible: bool = False
    voice_level: float = 0.0
    source: str = "idle"  # what drove the last frame: face, voice or idle
    first_frame_ms: float | None = None  # from the click reaching the show to the first frame they drove
    first_face_ms: float | None = None
    video_in: int = 0
    underruns: int = 0


class ShowState(_Msg):
    """Everything the console shows besides the picture."""

    mode: Mode
    lapsed: bool = False  # the show paused itself: no operator heartbeat
    presence: PresenceShown
    on_duty: list[str] = []  # operators whose heartbeat is recent
    on_air_s: float
    lang: str
    approval: str
    level: float = 0.0
    speaking: bool = False
    product: str | None = None
    pitch: list[str] = []
    pitch_spoken: int = 0
    products: list[ProductItem] = []
    on_air: OnAir | None = None
    queue: list[QueueItem] = []  # what waits for an answer, in order (the first QUEUE_SHOWN)
    queue_len: int = 0  # how many wait in all
    pending: list[HeldLine] = []
    comments: list[CommentItem] = []
    room: RoomCounts = RoomCounts()  # likes, joins … counted; skipped events counted by reason
    room_events: list[EventItem] = []  # the room's feed: bursts, gifts, orders and reactions (the latest few)
    audit: list[AuditItem] = []
    traces: list[TraceItem] = []
    summary: dict[str, float] = {}
    preview_latency_ms: dict[str, float] = {}
    takeover_available: bool = False
    taking_over: bool = False
    takeover: TakeoverStatus | None = None
    you_drive: bool = False  # this console (this socket, not just this name) is the one driving the host


class ActionResult(_Msg):
    """The result of one operator action (what became of a comment is `show.outcomes.Outcome`)."""

    ok: bool
    message: str = ""
    id: str | None = None  # the line it concerned
    figures: dict[str, float] = {}  # e.g. stop: silent_after_ms
    forceable: bool = False  # refused by the catalog check alone: may be sent again with force and a reason


# -- client → server ------------------------------------------------------------------------------
class Heartbeat(_Msg):
    type: Literal["heartbeat"] = "heartbeat"
    confirmed: bool = False  # the operator answered "are you there?"


class Away(_Msg):
    """The operator left "are you there?" unanswered: heartbeats stop now."""

    type: Literal["away"] = "away"


class Approve(_Msg):
    type: Literal["approve"] = "approve"
    id: str = Field(min_length=1, max_length=64)


class Edit(_Msg):
    type: Literal["edit"] = "edit"
    id: str = Field(min_length=1, max_length=64)
    text: str = Field(max_length=MAX_TEXT)
    force: bool = False  # say it anyway although the catalog check refused it (needs `reason`)
    reason: str = Field(default="", max_length=MAX_REASON)


class Reject(_Msg):
    type: Literal["reject"] = "reject"
    id: str = Field(min_length=1, max_length=64)
    reason: str = Field(default="", max_length=200)


class Say(_Msg):
    type: Literal["say"] = "say"
    text: str = Field(max_length=MAX_TEXT)
    lang: str | None = Field(default=None, max_length=8)
    force: bool = False  # say it anyway although the catalog check refused it (needs `reason`)
    reason: str = Field(default="", max_length=MAX_REASON)


class Pause(_Msg):
    type: Literal["pause"] = "pause"


class Resume(_Msg):
    type: Literal["resume"] = "resume"


class Stop(_Msg):
    type: Literal["stop"] = "stop"


class SetProduct(_Msg):
    type: Literal["set_product"] = "set_product"
    sku: str = Field(min_length=1, max_length=64)


class Takeover(_Msg):
    """The operator drives the face and voice from a webcam and mic (the takeover driver's slot)."""

    type: Literal["takeover"] = "takeover"
    on: bool


class FrameShown(_Msg):
    """The page drew preview frame `index` (for the preview-latency figure)."""

    type: Literal["frame_shown"] = "frame_shown"
    index: int = Field(ge=0)


ClientMessage = Annotated[Heartbeat | Away | Approve | Edit | Reject | Say | Pause | Resume | Stop | SetProduct
                          | Takeover | FrameShown, Field(discriminator="type")]
CLIENT_MESSAGE: TypeAdapter[ClientMessage] = TypeAdapter(ClientMessage)
ACTIONS = ("approve", "edit", "reject", "say", "pause", "resume", "stop", "set_product", "takeover")


# -- server → client ------------------------------------------------------------------------------
class Welcome(_Msg):
    type: Literal["welcome"] = "welcome"
    operator: str
    lang: str
    heartbeat_s: float
    idle_prompt_s: float
    idle_answer_s: float
    preview_fps: float


class StateMsg(_Msg):
    """The whole state: the first one a console gets."""

    type: Literal["state"] = "state"
    state: ShowState


class StateChanges(_Msg):
    """What changed since the last state or changes sent: new values of some `ShowState` fields, as JSON."""

    type: Literal["changes"] = "changes"
    changes: dict[str, Any]

    @field_validator("changes")
    @classmethod
    def _fields(cls, v: dict[str, Any]) -> dict[str, Any]:
        unknown = set(v) - set(ShowState.model_fields)
        if unknown:
            raise ValueError(f"not fields of the state: {', '.join(sorted(unknown))}")
        return v


class Result(_Msg):
    type: Literal["result"] = "result"
    action: str
    outcome: ActionResult


class ErrorMsg(_Msg):
    type: Literal["error"] = "error"
    message: str


ServerMessage = Annotated[Welcome | StateMsg | StateChanges | Result | ErrorMsg, Field(discriminator="type")]
SERVER_MESSAGE: TypeAdapter[ServerMessage] = TypeAdapter(ServerMessage)

