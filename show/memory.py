"""Memory over a long show: give freed memory back to the system, and keep the garbage collector's pauses short.

A burst of comments leaves a few dozen answers' audio and tokens behind; Python and the native libraries
free them, but glibc keeps the pages in its per-thread arenas, and over a night that reads as growth
that never comes back. Fewer arenas and a periodic `malloc_trim` return it. Elsewhere (not glibc) both
are no-ops.

Python's full garbage collection stops every thread, the programme clock's too, for as long as it takes to
scan every container object there is. With the models and libraries loaded (~470,000 objects) one took
~225 ms, and a flood of comments, which allocates fast enough to set off full collections every few seconds,
dropped 4–5 frames each time. What was loaded before going on air stays for the whole show, so it is frozen
out of the scan (`freeze_loaded`): a full collection on air then takes 1–3 ms.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import time

M_ARENA_MAX = -8
ARENAS = 2
TRIM_EVERY_S = 30.0


def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        lib = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return lib if lib is not None and hasattr(lib, "malloc_trim") else None


_LIBC = _libc()


def limit_arenas(n: int = ARENAS) -> bool:
    """Cap glibc's malloc arenas (threads started after this share them); True when it took effect."""
    return bool(_LIBC is not None and _LIBC.mallopt(M_ARENA_MAX, n) == 1)


def trim() -> bool:
    """Return free heap pages to the system now; True when some were released."""
    return bool(_LIBC is not None and _LIBC.malloc_trim(0) == 1)


class Trimmer:
    """Calls `trim()` at most every `every_s` seconds, when asked at a quiet moment."""

    def __init__(self, every_s: float = TRIM_EVERY_S) -> None:
        self.every_s = every_s
        self._next = time.monotonic() + every_s

    def maybe(self) -> None:
        now = time.monotonic()
        if now >= self._next:
            self._next = now + self.every_s
            trim()


def freeze_loaded() -> int:
    """Everything alive now (the models, the libraries, the catalog) is never scanned by the garbage collector
    again; returns how many objects that is. Call once, just before going on air."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
