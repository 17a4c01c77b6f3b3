"""Split streamed text into sentences as soon as each one ends (English and Chinese)."""

from __future__ import annotations

import re

_ABBREV = {"mr", "mrs", "ms", "dr", "st", "no", "vs", "etc", "e.g", "i.e", "approx", "oz"}
_END = re.compile(r"([.!?…]+[\"')\]]*)(\s+|$)|([。！？；]+[”’」）]*)")


class SentenceSplitter:
    """Feed text pieces; get back every sentence completed so far."""

    def __init__(self) -> None:
        self._buf = ""

    def feed(self, piece: str) -> list[str]:
        self._buf += piece
        out: list[str] = []
        start = 0
        for m in _END.finditer(self._buf):
            if m.group(1) is not None:
                if m.end() == len(self._buf) and not m.group(2):
                    break  # "$24." might continue as "$24.50": wait for the next piece
                before = self._buf[start : m.start()]
                last_word = before.rsplit(None, 1)[-1].lower() if before.split() else ""
                if last_word.rstrip(".") in _ABBREV:
                    continue
            end = m.end()
            sentence = self._buf[start:end].strip()
            if sentence:
                out.append(sentence)
            start = end
        self._buf = self._buf[start:]
        return out

    def flush(self) -> list[str]:
        rest, self._buf = self._buf.strip(), ""
        return [rest] if rest else []


def split_sentences(text: str) -> list[str]:
    s = SentenceSplitter()
    return s.feed(text) + s.flush()
