"""Cut a fragmented MP4 back to its last whole fragment.

A recording that stopped mid-write (the disk filled) ends in a fragment whose media data is cut off; a
decoder fed that last sample reports invalid data. The top-level boxes say where each one ends, so the file
is truncated after the last `mdat` that is complete (truncating frees space, so it works on a full disk).
"""

from __future__ import annotations

import os
import struct
from pathlib import Path


def whole_length(path: str | Path) -> int:
    """Bytes of the file up to the end of its last complete top-level box (a `moof` only with its `mdat`)."""
    size = os.path.getsize(path)
    good = pos = 0
    pending = False  # a fragment header whose media data has not been seen whole yet
    with open(path, "rb") as f:
        while pos + 8 <= size:
            f.seek(pos)
            length, kind = struct.unpack(">I4s", f.read(8))
            if length == 1:
                if pos + 16 > size:
                    break
                (length,) = struct.unpack(">Q", f.read(8))
            elif length == 0:
                length = size - pos
            if length < 8 or pos + length > size:
                break
            pos += length
            if kind == b"moof":
                pending = True
            else:
                if kind == b"mdat":
                    pending = False
                if not pending:
                    good = pos
    return good


def trim_to_whole_fragments(path: str | Path) -> int:
    """Truncate the file after its last complete fragment; the bytes removed (0 if it was whole)."""
    size = os.path.getsize(path)
    keep = whole_length(path)
    if keep == 0 or keep >= size:
        return 0
    os.truncate(path, keep)
    return size - keep
