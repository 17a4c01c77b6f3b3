"""The fields of a room event line (`kind`: join, like, follow, gift, share, order), checked the way a
comment's are: every problem is named, nothing raises (the comments contract in the README)."""

from __future__ import annotations

import math
from typing import Any

from dialogue.types import EventKind

KINDS = ("comment", *(k.value for k in EventKind))
MAX_COUNT = 1_000_000  # likes in one burst, gifts sent at once, items in one order
MAX_NAME = 200  # a gift's name, a SKU, a platform or user id


def _type(value: object) -> str:
    from dialogue.sources.jsonl import json_type

    return json_type(value)


def event_kind(obj: dict[str, Any], problems: list[str]) -> EventKind | None:
    """The line's room-event kind, or None for a comment (no `kind`, or "comment")."""
    if "kind" not in obj or obj["kind"] is None:
        return None
    kind = obj["kind"]
    if not isinstance(kind, str):
        problems.append(f"field `kind` must be a string (one of {', '.join(KINDS)}), got {_type(kind)}")
        return None
    if kind.strip().lower() == "comment":
        return None
    try:
        return EventKind(kind.strip().lower())
    except ValueError:
        problems.append(f"field `kind` is {kind[:40]!r}, not one of {', '.join(KINDS)}")
        return None


def optional_name(obj: dict[str, Any], key: str, problems: list[str]) -> str | None:
    """An optional short string field (`platform`, `user_id`); an integer id is taken as its digits."""
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        problems.append(f"field `{key}` must be a string, got {_type(value)}")
        return None
    if not _encodable(value):
        problems.append(f"field `{key}` holds an unpaired surrogate")
        return None
    if len(value) > MAX_NAME:
        problems.append(f"field `{key}` is longer than {MAX_NAME} characters")
        return None
    return value.strip() or None


def _encodable(s: str) -> bool:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _count(obj: dict[str, Any], key: str, problems: list[str], *, what: str) -> int:
    """A positive whole number field, 1 when absent."""
    value = obj.get(key, 1)
    if value is None:
        return 1
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        problems.append(f"field `{key}` must be a whole number ({what}), got {_type(value)}")
        return 1
    if not 1 <= value <= MAX_COUNT:
        problems.append(f"field `{key}` must be between 1 and {MAX_COUNT:,} ({what}), got {value}")
        return 1
    return value


def _required_name(obj: dict[str, Any], key: str, problems: list[str], *, kind: str, what: str) -> str | None:
    if key not in obj or obj[key] is None:
        problems.append(f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} needs field `{key}` ({what})")
        return None
    value = obj[key]
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        problems.append(f"field `{key}` must be a string ({what}), got {_type(value)}")
        return None
    if not _encodable(value):
        problems.append(f"field `{key}` holds an unpaired surrogate")
        return None
    if not value.strip():
        problems.append(f"field `{key}` is empty")
        return None
    if len(value) > MAX_NAME:
        problems.append(f"field `{key}` is longer than {MAX_NAME} characters")
        return None
    return value.strip()


def event_fields(obj: dict[str, Any], kind: EventKind, problems: list[str]) -> dict[str, Any]:
    """The fields a room event of `kind` carries beyond id, user and ts (problems appended, never raised)."""
    if kind is EventKind.LIKE:
        return {"count": _count(obj, "count", problems, what="likes in this burst")}
    if kind is EventKind.GIFT:
        fields: dict[str, Any] = {
            "gift": _required_name(obj, "gift", problems, kind="gift", what="the gift's name"),
            "count": _count(obj, "count", problems, what="how many were sent"),
        }
        value = obj.get("value", 0)
        if value is None:
            value = 0
        if isinstance(value, bool) or not isinstance(value, int | float):
            problems.append(f"field `value` must be a number (the gift's worth in the platform's unit), "
                            f"got {_type(value)}")
            value = 0
        elif not math.isfinite(float(value)) or value < 0:
            problems.append("field `value` must be a finite number of at least 0")
            value = 0
        fields["value"] = float(value)
        return fields
    if kind is EventKind.ORDER:
        return {"sku": _required_name(obj, "sku", problems, kind="order", what="the product bought"),
                "qty": _count(obj, "qty", problems, what="how many were bought")}
    return {}
