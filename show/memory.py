"""Give freed memory back to the system during a long show.

A burst of comments leaves a few dozen answers' audio and tokens behind; Python and the native libraries
free them, but glibc keeps the pages in its per-thread arenas, and over a night that reads as growth
that never comes back. Fewer arenas and a periodic `malloc_trim` return it. Elsewhere (not glibc) both
are no-ops.
"""

from __future__ import annotations

import ctypes
import ctypes.util
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
