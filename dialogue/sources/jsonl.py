"""Comments from JSONL (one JSON object per line): parse one line, read a file, replay it on its clock.

Every non-blank line gives exactly one item: a Comment, or a BadComment saying what is wrong, so a
show's output always has one line per input line (the comments contract in the README).
"""

from __future__ import annotations

import codecs
import json
import math
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar, Literal

from pydantic import Field

from core.registry import SettingsPath
from dialogue.errors import InputError
from dialogue.sources.base import SOURCES, CommentSource, SourceContext, SourceSettings
from dialogue.sources.room import event_fields, event_kind, optional_name
from dialogue.types import BadComment, Comment, Item, RoomEvent

ANONYMOUS = "anonymous"
_JSON_TYPES = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}


def json_type(value: object) -> str:
    """The JSON name of a decoded value's type, for messages ("got array")."""
    return _JSON_TYPES.get(type(value), "number" if isinstance(value, int | float) else type(value).__name__)


def _bad_unicode(s: str) -> bool:
    """True for strings JSON let through that cannot be encoded again (lone surrogates, "\\ud800")."""
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def comment_from_object(obj: object, *, fallback_id: str, where: str) -> Item:
    """Validate one decoded line object; `where` prefixes reasons ("f.jsonl line 3", "item 2").

    Rules shared by every source: "id" str or int, "user" str (missing: anonymous), "ts" optional finite
    number, "platform" and "user_id" optional strings, extra fields ignored. Without "kind" (or with
    "kind": "comment") the line is a comment and needs "text" str; any other kind is a room event with its
    own fields (dialogue.sources.room). All problems found are named in the reason.
    """
    if not isinstance(obj, dict):
        return BadComment(
            id=fallback_id, flag="malformed", reason=f"{where}: expected a JSON object, got {json_type(obj)}"
        )
    problems: list[str] = []
    flag = "malformed"

    cid = fallback_id
    raw_id = obj.get("id")
    if "id" not in obj:
        problems.append("missing field `id`")
    elif isinstance(raw_id, bool) or not isinstance(raw_id, str | int):
        problems.append(f"field `id` must be a string or an integer, got {json_type(raw_id)}")
    elif isinstance(raw_id, str) and not raw_id.strip():
        problems.append("field `id` is empty")
    elif isinstance(raw_id, str) and _bad_unicode(raw_id):
        problems.append("field `id` holds an unpaired surrogate")
        flag = "bad_encoding"
    else:
        cid = str(raw_id)

    kind = event_kind(obj, problems)
    text = obj.get("text")
    if kind is not None:
        pass  # a room event: its text, if any, is ignored
    elif "text" not in obj:
        problems.append("missing field `text`")
    elif not isinstance(text, str):
        problems.append(f"field `text` must be a string, got {json_type(text)}")
    elif _bad_unicode(text):
        problems.append("field `text` holds an unpaired surrogate")
        flag = "bad_encoding"

    user = obj.get("user")
    if user is None or (isinstance(user, str) and not user.strip()):
        user = ANONYMOUS
    elif isinstance(user, int) and not isinstance(user, bool):
        user = str(user)
    elif not isinstance(user, str):
        problems.append(f"field `user` must be a string, got {json_type(user)}")
        user = ""
    elif _bad_unicode(user):
        problems.append("field `user` holds an unpaired surrogate")
        flag, user = "bad_encoding", ""

    ts = obj.get("ts")
    if ts is not None:
        if isinstance(ts, bool) or not isinstance(ts, int | float):
            problems.append(f"field `ts` must be a number (seconds), got {json_type(ts)}")
            ts = None
        else:
            try:
                ts = float(ts)
            except OverflowError:
                ts = math.inf
            if not math.isfinite(ts):
                problems.append("field `ts` must be a finite number")
                ts = None

    platform = optional_name(obj, "platform", problems)
    user_id = optional_name(obj, "user_id", problems)
    event = event_fields(obj, kind, problems) if kind is not None else None

    if problems:
        if any("unpaired surrogate" in p for p in problems):
            flag = "bad_encoding"
        return BadComment(id=cid, flag=flag, reason=f"{where}: {'; '.join(problems)}", user=str(user))
    if kind is not None:
        assert event is not None
        return RoomEvent(id=cid, user=str(user), kind=kind, ts=ts, platform=platform, user_id=user_id, **event)
    assert isinstance(text, str)
    return Comment(id=cid, user=str(user), text=text, ts=ts, platform=platform, user_id=user_id)


def decode_json(text: str) -> tuple[object, str | None]:
    """(value, None), or (None, what is wrong) for text that is not JSON; never raises."""
    try:
        return json.loads(text), None
    except RecursionError:
        return None, "not valid JSON: nested too deeply"
    except json.JSONDecodeError as e:
        where = f"line {e.lineno} column {e.colno}" if e.lineno > 1 else f"column {e.colno}"
        return None, f"not valid JSON: {e.msg} ({where})"
    except ValueError as e:  # e.g. an integer with more digits than Python converts
        return None, f"not valid JSON: {e}"


def _decode_line(raw: bytes, lineno: int) -> tuple[str | None, str | None]:
    """(text, None) or (None, problem) for one raw line; strips the newline, a \\r and a leading BOM."""
    if raw.endswith(b"\n"):
        raw = raw[:-1]
    if raw.endswith(b"\r"):
        raw = raw[:-1]
    skipped = 0
    if lineno == 1 and raw.startswith(codecs.BOM_UTF8):
        raw, skipped = raw[len(codecs.BOM_UTF8) :], len(codecs.BOM_UTF8)
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as e:
        return None, f"not UTF-8 (byte {e.start + skipped + 1})"


def _parse(raw: bytes, lineno: int, source: str) -> tuple[Item | None, bool, str]:
    """The parsed item, whether the line held a JSON object, and the bare problem text (if any)."""
    line, problem = _decode_line(raw, lineno)
    where = f"{source} line {lineno}"
    fallback = f"line-{lineno}"
    if line is None:
        assert problem is not None
        return BadComment(id=fallback, flag="bad_encoding", reason=f"{where}: {problem}"), False, problem
    if not line.strip():
        return None, False, ""
    obj, problem = decode_json(line)
    if problem is not None:
        return BadComment(id=fallback, flag="malformed", reason=f"{where}: {problem}"), False, problem
    item = comment_from_object(obj, fallback_id=fallback, where=where)
    if isinstance(obj, dict):
        return item, True, ""
    return item, False, f"expected a JSON object, got {json_type(obj)}"


def parse_comment_line(raw: bytes, lineno: int, source: str) -> Item | None:
    """One JSONL line (1-based `lineno`) → Comment, BadComment naming line and problem, or None if blank."""
    return _parse(raw, lineno, source)[0]


def _display_name(path: str | Path) -> str:
    return "<stdin>" if str(path) == "-" else str(path)


def _read_bytes(path: str | Path) -> bytes:
    if str(path) == "-":
        return sys.stdin.buffer.read()
    p = Path(path)
    try:
        return p.read_bytes()
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    except IsADirectoryError:
        raise InputError(str(path), "is a directory, not a JSONL comments file") from None
    except PermissionError:
        raise InputError(str(path), "cannot read the file (permission denied)") from None
    except OSError as e:
        raise InputError(str(path), f"cannot read the file ({e.strerror or e})") from None


def read_comments(path: str | Path) -> list[Item]:
    """Read a JSONL comments file ("-" = stdin): one item per non-blank line, in order.

    Raises InputError when the file cannot be read or is not JSONL comments at all (no line holds a
    JSON object) — that is a wrong file, not a few bad comments.
    """
    data = _read_bytes(path)
    name = _display_name(path)
    items: list[Item] = []
    any_object = False
    first_problem: tuple[int, str] | None = None
    for lineno, raw in enumerate(data.split(b"\n"), start=1):
        item, was_object, problem = _parse(raw, lineno, name)
        if item is None:
            continue
        items.append(item)
        any_object = any_object or was_object
        if first_problem is None and not was_object:
            first_problem = (lineno, problem)
    if items and not any_object:
        assert first_problem is not None
        raise InputError(name, f"not a JSONL comments file (line {first_problem[0]}: {first_problem[1]})")
    return items


class JsonlReplay(CommentSource):
    """Replays a JSONL comments file, waiting out the gaps between `ts` values (divided by `speed`).

    Offsets count from the first `ts` seen; a line without `ts` (or a BadComment) follows the
    previous item at once, and a `ts` that goes backwards does not wait. `realtime=False` yields
    everything at once. The file is read (and checked) when the replay is created.
    """

    name = "jsonl"

    def __init__(
        self,
        path: str | Path,
        *,
        speed: float = 1.0,
        start_s: float = 0.0,
        realtime: bool = True,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not (isinstance(speed, int | float) and math.isfinite(speed) and speed > 0):
            raise ValueError(f"speed must be a positive number, got {speed!r}")
        self.path = path
        self.speed = float(speed)
        self.start_s = max(0.0, float(start_s))  # the first comment arrives this long after the replay starts
        self.realtime = realtime
        self._clock = clock
        self._sleep = sleep
        self._closed = threading.Event()
        self.items = read_comments(path)

    def __iter__(self) -> Iterator[Item]:
        start: float | None = None
        first_ts: float | None = None
        for item in self.items:
            if self._closed.is_set():
                return
            ts = item.ts if isinstance(item, Comment | RoomEvent) else None
            if self.realtime and ts is not None:
                if first_ts is None:
                    first_ts, start = ts, self._clock() + self.start_s
                    self._wait_until(start)
                else:
                    assert start is not None
                    self._wait_until(start + (ts - first_ts) / self.speed)
                if self._closed.is_set():
                    return
            yield item

    def _wait_until(self, deadline: float) -> None:
        # Sleep in short steps so that close() from another thread ends a long gap promptly.
        while not self._closed.is_set():
            remaining = deadline - self._clock()
            if remaining <= 0:
                return
            self._sleep(min(remaining, 0.1))

    def close(self) -> None:
        """End the replay; an iteration waiting on a gap returns within ~0.1 s."""
        self._closed.set()


class ReplaySettings(SourceSettings):
    """`comments: {kind: replay, path: chat.jsonl}` (written `replay: chat.jsonl` before): a JSONL file replayed on
    its own timestamps, `speed` times as fast, the first comment `start_s` into the show."""

    claims: ClassVar[tuple[str, ...]] = ("replay",)
    renamed: ClassVar[dict[str, str]] = {"replay": "path"}

    kind: Literal["replay"] = "replay"
    path: SettingsPath
    speed: float = Field(default=1.0, gt=0)
    start_s: float = Field(default=0.0, ge=0)


    @property
    def replay(self) -> str | None:
        return self.path


def open_replay(*, path: str, speed: float, start_s: float, context: SourceContext) -> JsonlReplay:
    """The replay; on a programme that runs faster than the wall clock, comments arrive on its clock."""
    if context.clock is None:
        return JsonlReplay(path, speed=speed, start_s=start_s)
    return JsonlReplay(path, speed=speed, start_s=start_s, clock=context.clock, sleep=lambda _s: time.sleep(0.002))


SOURCES.register("replay", ReplaySettings, open_replay)
