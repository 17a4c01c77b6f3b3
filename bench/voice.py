"""Voice bench: Piper load time, real-time factors and time to first audio for Piper and espeak."""

from __future__ import annotations

import statistics
import sys
import time

from tqdm import tqdm

# Twelve words, a typical short answer sentence.
FIRST_AUDIO_SENTENCE = "The grey hoodie is in stock and ships within three business days today."
RTF_SENTENCES = [
    "Welcome to the shop, I am the virtual host of this live room.",
    "This cotton hoodie comes in grey, navy and cream.",
    "It costs twenty-four dollars and fifty cents, and it ships in three to five days.",
    "Ask me anything about sizes, colours or shipping.",
]


def _p50_ms(samples: list[float]) -> float:
    return round(1000.0 * statistics.median(samples), 1)


def bench_voice(n: int) -> dict[str, float]:
    """Measure the voice stage: {piper_load_s, piper_rtf, piper_first_audio_ms, espeak_rtf, ...}."""
    import piper as _piper_lib  # noqa: F401  (import cost is not load cost)

    from voice.stream import stream_speech
    from voice.tts.espeak import EspeakTTS
    from voice.tts.piper import PiperTTS

    n = max(1, n)
    steps = 2 + 3 * n + 2 * len(RTF_SENTENCES)
    figures: dict[str, float] = {}
    with tqdm(total=steps, desc="voice bench", file=sys.stderr, unit="step") as bar:
        t0 = time.perf_counter()
        piper_tts = PiperTTS()
        figures["piper_load_s"] = round(time.perf_counter() - t0, 3)
        espeak = EspeakTTS()
        bar.update(1)

        for name, backend in (("piper", piper_tts), ("espeak", espeak)):
            backend.synthesize("Warm up.", "en")
            synth_s = audio_s = 0.0
            for sentence in RTF_SENTENCES:
                t0 = time.perf_counter()
                speech = backend.synthesize(sentence, "en")
                synth_s += time.perf_counter() - t0
                audio_s += speech.duration_s
                bar.update(1)
            figures[f"{name}_rtf"] = round(synth_s / audio_s, 4)
        bar.update(1)

        # Piper yields one AudioChunk per sentence: the first chunk is the first playable audio.
        firsts: list[float] = []
        for _ in range(n):
            t0 = time.perf_counter()
            next(iter(piper_tts.voice.synthesize(FIRST_AUDIO_SENTENCE, include_alignments=True)))
            firsts.append(time.perf_counter() - t0)
            bar.update(1)
        figures["piper_first_audio_ms"] = _p50_ms(firsts)

        firsts = []
        for _ in range(n):
            t0 = time.perf_counter()
            espeak.synthesize(FIRST_AUDIO_SENTENCE, "en")
            firsts.append(time.perf_counter() - t0)
            bar.update(1)
        figures["espeak_first_audio_ms"] = _p50_ms(firsts)

        # Whole pipeline of a three-sentence reply: first sentence ready while the rest is synthesised.
        text = " ".join(RTF_SENTENCES[:3])
        firsts = []
        for _ in range(n):
            t0 = time.perf_counter()
            with stream_speech(piper_tts, text, "en") as stream:
                next(stream)
                firsts.append(time.perf_counter() - t0)
            bar.update(1)
        figures["piper_stream_first_audio_ms"] = _p50_ms(firsts)
    return figures
