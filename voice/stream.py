"""Sentence-by-sentence synthesis: the first sentence can play while the next ones are synthesised.

`split_sentences` cuts English and Chinese text at sentence ends (keeping "Mr." and "24.50" whole);
`stream_speech` runs the backend in a background thread with a bounded queue; `speak` joins it all.
"""

from __future__ import annotations

import queue
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from voice.normalize import base_lang
from voice.tts.base import TTSBackend
from voice.types import PhonemeSpan, Speech, VisemeSpan

# Words ending in "." that do not end a sentence.
_ABBREV = frozenset(
    {"mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "etc", "e.g", "i.e", "approx", "inc", "ltd"}
    | {"co", "mt", "fig", "dept", "est", "min", "max", "u.s", "a.m", "p.m"}
)
_ABBREV_BEFORE_NUMBER = frozenset({"no", "nos", "vol", "p", "pp", "art", "tel"})
_CLOSERS = re.escape("\"'”’)]」』）】")
_END = re.compile(rf"[.!?…]+[{_CLOSERS}]*(?=\s|$)|[。！？]+[{_CLOSERS}]*|\n+")
_END_ZH = re.compile(rf"[.!?]+[{_CLOSERS}]*(?=[\u3400-\u9fff])")
_CLAUSE = re.compile(r"(?<=[,;:，；：、])")

MAX_SENTENCE_CHARS = 220  # longer sentences are cut at clause marks so the first audio comes early


def _is_boundary(text: str, m: re.Match[str]) -> bool:
    mark = m.group(0)
    if "\n" in mark or any(ch in mark for ch in "!?…。！？"):
        return True
    original = re.split(r"\s", text[: m.start()])[-1]
    word = original.lower()
    rest = text[m.end() :].lstrip()
    if word in _ABBREV or (len(original) == 1 and original.isupper() and original != "I"):
        return False  # "Mr. Li", "J. Smith"
    if word in _ABBREV_BEFORE_NUMBER and rest[:1].isdigit():
        return False
    return not rest[:1].islower()  # "approx. five" continues the sentence


def _cut_long(sentence: str, max_chars: int) -> list[str]:
    if len(sentence) <= max_chars:
        return [sentence]
    out: list[str] = []
    current = ""
    for clause in _CLAUSE.split(sentence):
        if current and len(current) + len(clause) > max_chars:
            out.append(current.strip())
            current = ""
        current += clause
    if current.strip():
        out.append(current.strip())
    return out


def split_sentences(text: str, lang: str = "en", max_chars: int = MAX_SENTENCE_CHARS) -> list[str]:
    """Cut text into sentences at . ! ? 。！？ and line breaks; abbreviations and decimals stay whole."""
    ends = [m for m in _END.finditer(text) if _is_boundary(text, m)]
    if base_lang(lang) == "zh":
        ends += list(_END_ZH.finditer(text))
        ends.sort(key=lambda m: m.start())
    pieces: list[str] = []
    start = 0
    for m in ends:
        if m.end() <= start:
            continue
        pieces.append(text[start : m.end()])
        start = m.end()
    pieces.append(text[start:])
    sentences: list[str] = []
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        if sentences and not any(ch.isalnum() for ch in piece):
            sentences[-1] += piece  # stray punctuation belongs to the sentence before
            continue
        sentences.extend(_cut_long(piece, max_chars))
    return sentences


@dataclass(frozen=True)
class _Failure:
    error: BaseException


_DONE = object()


def _put(q: queue.Queue[object], cancel: threading.Event, item: object) -> bool:
    while not cancel.is_set():
        try:
            q.put(item, timeout=0.05)
            return True
        except queue.Full:
            continue
    return False


def _produce(
    backend: TTSBackend, sentences: list[str], lang: str, q: queue.Queue[object], cancel: threading.Event
) -> None:
    """The worker: holds no reference to its SpeechStream, so an abandoned stream is collected and stops."""
    try:
        for sentence in sentences:
            if cancel.is_set() or not _put(q, cancel, backend.synthesize(sentence, lang)):
                return
    except BaseException as e:  # handed to the consumer, raised there
        _put(q, cancel, _Failure(e))
        return
    _put(q, cancel, _DONE)


class SpeechStream(Iterator[Speech]):
    """Iterator of Speech, one per sentence, synthesised ahead in a thread; `cancel()` stops it."""

    def __init__(self, backend: TTSBackend, sentences: list[str], lang: str, *, max_ahead: int = 2) -> None:
        self.sentences = sentences
        self._queue: queue.Queue[object] = queue.Queue(maxsize=max(1, max_ahead))
        self._cancel = threading.Event()
        self._finished = False
        self._thread = threading.Thread(
            target=_produce,
            args=(backend, sentences, lang, self._queue, self._cancel),
            name="speech-stream",
            daemon=True,
        )
        self._thread.start()

    def __next__(self) -> Speech:
        if self._finished:
            raise StopIteration
        item = self._queue.get()
        if item is _DONE:
            self._finished = True
            raise StopIteration
        if isinstance(item, _Failure):
            self._finished = True
            raise item.error
        assert isinstance(item, Speech)
        return item

    def cancel(self, wait: bool = True) -> None:
        """Stop synthesising; with `wait`, return only once the worker has let go of the backend."""
        self._cancel.set()
        self._finished = True
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        if wait and self._thread is not threading.current_thread():
            self._thread.join()

    close = cancel

    def __del__(self) -> None:
        self._cancel.set()

    def __enter__(self) -> SpeechStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()


def stream_speech(backend: TTSBackend, text: str, lang: str, *, max_ahead: int = 2) -> SpeechStream:
    """Synthesise `text` sentence by sentence in the background; iterate to get each Speech in order."""
    return SpeechStream(backend, split_sentences(text, lang), lang, max_ahead=max_ahead)


def concat_speech(parts: list[Speech], text: str | None = None) -> Speech:
    """Join utterances end to end, shifting each one's phoneme and viseme spans by its start time."""
    if not parts:
        raise ValueError("nothing to join")
    rate = parts[0].sample_rate
    if any(p.sample_rate != rate for p in parts):
        raise ValueError("cannot join speech of different sample rates")
    phonemes: list[PhonemeSpan] = []
    visemes: list[VisemeSpan] = []
    offset_samples = 0
    for p in parts:
        t0 = offset_samples / rate
        phonemes += [PhonemeSpan(s.phoneme, s.start_s + t0, s.end_s + t0) for s in p.phonemes]
        for v in p.visemes:
            if (
                visemes
                and visemes[-1].viseme == v.viseme
                and abs(visemes[-1].end_s - (v.start_s + t0)) < 1e-6
            ):
                visemes[-1] = VisemeSpan(v.viseme, visemes[-1].start_s, v.end_s + t0)
            else:
                visemes.append(VisemeSpan(v.viseme, v.start_s + t0, v.end_s + t0))
        offset_samples += len(p.pcm)
    return Speech(
        pcm=np.concatenate([p.pcm for p in parts]).astype(np.int16, copy=False),
        sample_rate=rate,
        text=text if text is not None else " ".join(p.text for p in parts),
        phonemes=phonemes,
        visemes=visemes,
        voice=parts[0].voice,
    )


def speak(backend: TTSBackend, text: str, lang: str) -> Speech:
    """The whole text as one Speech (synthesised sentence by sentence, timelines shifted and joined)."""
    with stream_speech(backend, text, lang) as stream:
        parts = list(stream)
    if not parts:
        raise ValueError("nothing to say: the text is empty")
    return concat_speech(parts, text)
