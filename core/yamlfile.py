"""Reading a YAML file the one way every config file is read (catalog, consent, SHOW.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from core.errors import InputError


def load_yaml(path: str | Path) -> Any:
    """The YAML document in `path` (None for an empty file); InputError names the file, and the line when the
    YAML itself is wrong."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as e:
        raise InputError(str(p), f"cannot read: {e.strerror or e}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(str(p), f"not UTF-8 text (byte {e.start})") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise InputError(str(p), f"{where}not valid YAML ({getattr(e, 'problem', None) or e})") from None
