"""Sentence splitting and sentence-by-sentence streaming through the real voices."""

from __future__ import annotations

import gc
import threading
import time
from typing import TYPE_CHECKING

import pytest

from voice.stream import concat_speech, speak, split_sentences, stream_speech
from voice.tts.base import TTSBackend
from voice.tts.espeak import EspeakTTS
from voice.tts.piper import PiperTTS
from voice.types import Speech

if TYPE_CHECKING:
    from conftest import Checks


class Recording(TTSBackend):
    """A real backend, with the moment each synthesis finished written down (and an optional fault)."""

    def __init__(self, inner: TTSBackend, fail_on: int | None = None) -> None:
        self.inner = inner
        self.capabilities = inner.capabilities
        self.fail_on = fail_on
        self.done_at: list[float] = []
        self.started = 0

    def synthesize(self, text: str, lang: str) -> Speech:
        self.started += 1
        if self.fail_on == self.started:
            raise RuntimeError(f"fault injected in sentence {self.started}")
        speech = self.inner.synthesize(text, lang)
        self.done_at.append(time.perf_counter())
        return speech


@pytest.mark.parametrize(
    ("text", "lang", "sentences"),
    [
        ("Hello Mr. Smith. It costs $24.50 today! Really? Yes.", "en",
         ["Hello Mr. Smith.", "It costs $24.50 today!", "Really?", "Yes."]),
        ("Dr. Li said approx. five. J. Smith agreed. See No. 5 now.", "en",
         ["Dr. Li said approx. five.", "J. Smith agreed.", "See No. 5 now."]),
        ("Wait... what?! \"Great.\" Done", "en", ["Wait... what?!", "\"Great.\"", "Done"]),
        ("line one\nline two\n\nthree.", "en", ["line one", "line two", "three."]),
        ("你好。这件衣服八十九元！要吗？好的", "zh", ["你好。", "这件衣服八十九元！", "要吗？", "好的"]),
        ("价格是24.50元。好的.谢谢", "zh", ["价格是24.50元。", "好的.", "谢谢"]),
        ("", "en", []),
        ("   ", "en", []),
    ],
)  # fmt: skip
def test_split_sentences(text: str, lang: str, sentences: list[str]) -> None:
    assert split_sentences(text, lang) == sentences


def test_long_sentence_is_cut_at_clauses() -> None:
    text = ", ".join(["this clause is about thirty chars"] * 20) + "."
    parts = split_sentences(text, "en", max_chars=120)
    assert len(parts) > 4 and all(len(p) <= 120 for p in parts)
    assert " ".join(parts) == text


def test_first_sentence_arrives_while_the_rest_is_synthesised(piper: PiperTTS) -> None:
    backend = Recording(piper)
    text = (
        "Welcome to the shop. This cotton hoodie comes in grey, navy and cream. "
        "It costs twenty-four dollars. It ships in three to five days."
    )
    received: list[float] = []
    texts: list[str] = []
    for speech in stream_speech(backend, text, "en"):
        received.append(time.perf_counter())
        texts.append(speech.text)
    assert texts == split_sentences(text, "en") and len(texts) == 4
    # the consumer had sentence 1 before the worker finished sentences 2, 3 and 4
    assert received[0] < backend.done_at[1] < backend.done_at[-1]
    assert all(r >= d for r, d in zip(received, backend.done_at, strict=True))


def test_errors_reach_the_consumer(piper: PiperTTS) -> None:
    with pytest.raises(ValueError, match="speaks 'en'"):  # a real error from the real backend
        list(stream_speech(piper, "你好。再见。", "zh"))
    stream = stream_speech(Recording(piper, fail_on=2), "One. Two. Three.", "en")
    assert next(stream).text == "One."
    with pytest.raises(RuntimeError, match="sentence 2"):
        next(stream)
    with pytest.raises(StopIteration):
        next(stream)


def test_cancel_stops_the_worker(espeak: EspeakTTS) -> None:
    backend = Recording(espeak)
    text = " ".join(f"Sentence number {i} is here." for i in range(20))
    stream = stream_speech(backend, text, "en", max_ahead=1)
    first = next(stream)
    assert first.text.startswith("Sentence number")
    stream.cancel()
    assert not any(t.name == "speech-stream" and t.is_alive() for t in threading.enumerate())
    assert backend.started <= 4 < 20  # one taken, one queued, one in flight at most
    assert list(stream) == []


def test_speak_joins_timelines(espeak: EspeakTTS, checks: type[Checks]) -> None:
    text = "My name is Joe. Buy me a map! Bye."
    whole = speak(espeak, text, "en")
    parts = [espeak.synthesize(s, "en") for s in split_sentences(text, "en")]
    assert whole.text == text and whole.sample_rate == 22050
    assert whole.duration_s == pytest.approx(sum(p.duration_s for p in parts), abs=0.05)
    checks.timeline_covers(whole)
    assert len(whole.phonemes) == sum(len(p.phonemes) for p in parts)
    # the second sentence's first phoneme starts where the first sentence's audio ends
    first_len = len(parts[0].phonemes)
    assert whole.phonemes[first_len].start_s == pytest.approx(parts[0].duration_s, abs=0.05)


def test_concat_and_empty(espeak: EspeakTTS) -> None:
    a, b = espeak.synthesize("Hi.", "en"), espeak.synthesize("Bye.", "en")
    joined = concat_speech([a, b])
    assert len(joined.pcm) == len(a.pcm) + len(b.pcm)
    assert joined.phonemes[len(a.phonemes)].start_s == pytest.approx(a.duration_s)
    for x, y in zip(joined.visemes, joined.visemes[1:], strict=False):
        assert x.viseme != y.viseme  # silences at the seam are merged
    with pytest.raises(ValueError, match="empty"):
        speak(espeak, "  ", "en")


def test_an_abandoned_stream_stops_its_worker(espeak: EspeakTTS) -> None:
    backend = Recording(espeak)
    text = " ".join(f"Sentence number {i} is here." for i in range(20))
    stream = stream_speech(backend, text, "en", max_ahead=1)
    next(stream)
    worker = stream._thread
    del stream  # dropped without cancel(): garbage collection must stop the worker
    gc.collect()
    worker.join(timeout=10)
    assert not worker.is_alive() and backend.started < 20
