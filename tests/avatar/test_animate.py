"""Animation: seeded idle life, coarticulated viseme tracks (mouth leads the sound, p/b/m shut), the loudness
fallback, the cursor that joins segments, and params_at — on the real Piper voice's timelines."""

from __future__ import annotations

import numpy as np
import pytest

from avatar.animate import Animator
from avatar.animate.envelope import loudness
from voice.tts.piper import PiperTTS
from voice.types import PhonemeSpan, Speech, VisemeSpan

FPS = 25.0


@pytest.fixture(scope="module")
def speech() -> Speech:
    return PiperTTS().synthesize("Hello, my name is Bob. Buy a premium tea today, maybe two boxes.", "en")


def _arr(params, name: str) -> np.ndarray:  # type: ignore[no-untyped-def]
    return np.array([getattr(p, name) for p in params])


def test_idle_is_seeded_and_continues_across_calls() -> None:
    a = Animator(fps=FPS, seed=4).idle(300)
    b = Animator(fps=FPS, seed=4).idle(300)
    c = Animator(fps=FPS, seed=5).idle(300)
    assert a == b and a != c
    split = Animator(fps=FPS, seed=4)
    assert split.idle(120) + split.idle(180) == a  # the cursor carries on: no jump between segments


def test_idle_life_blinks_sways_breathes_with_mouth_closed() -> None:
    params = Animator(fps=FPS, seed=11).idle(int(120 * FPS))
    for name in ("jaw_open", "lip_spread", "pucker", "lips_pressed"):
        assert not _arr(params, name).any()
    blink = _arr(params, "blink_left")
    assert np.array_equal(blink, _arr(params, "blink_right"))
    onsets = np.nonzero((blink[1:] > 0.5) & (blink[:-1] <= 0.5))[0] / FPS
    gaps = np.diff(onsets)
    assert 15 <= len(onsets) <= 60
    assert ((gaps < 0.5) | ((gaps > 1.9) & (gaps < 6.6))).all()  # 2–6 s apart, or a double blink
    assert (gaps < 0.5).any()  # some are double
    assert blink.max() == pytest.approx(1.0)
    yaw, pitch, roll = (_arr(params, n) for n in ("head_yaw", "head_pitch", "head_roll"))
    for x in (yaw, pitch, roll):
        assert 0.2 < np.abs(x).max() < 3.0 and np.abs(np.diff(x)).max() < 0.15  # moves, slowly
    breath = _arr(params, "breath")
    assert breath.min() < -0.9 and breath.max() > 0.9
    gx = _arr(params, "gaze_x")
    assert np.abs(gx).max() < 0.4 and len(np.unique(np.round(gx, 3))) > 5


def _synthetic() -> Speech:
    v = [VisemeSpan("sil", 0.0, 0.30), VisemeSpan("aa", 0.30, 0.50), VisemeSpan("PP", 0.50, 0.53),
         VisemeSpan("O", 0.53, 0.75), VisemeSpan("sil", 0.75, 1.2)]  # fmt: skip
    rate = 16000
    pcm = np.zeros(int(1.2 * rate), np.int16)
    t = np.arange(len(pcm)) / rate
    voiced = ((t > 0.3) & (t < 0.5)) | ((t > 0.53) & (t < 0.75))
    pcm[voiced] = (8000 * np.sin(2 * np.pi * 180 * t[voiced])).astype(np.int16)
    return Speech(pcm=pcm, sample_rate=rate, text="ah-po", visemes=v)


def test_mouth_moves_before_the_sound_and_never_after() -> None:
    track = Animator(fps=100.0, seed=0).speech_track(_synthetic(), start_s=0.0)
    jaw = _arr(track, "jaw_open")
    t = np.arange(len(jaw)) / 100.0
    assert len(track) == 120
    assert jaw[t < 0.16].max() < 0.01  # the ramp starts 2/3 of the vowel's length before it
    assert jaw[int(0.27 * 100)] > 0.1  # opening already, 30 ms before the vowel
    assert jaw[int(0.40 * 100)] > 0.5  # wide on "aa"
    assert jaw[t > 0.9].max() < 0.01  # closed again soon after the sound stops
    press = _arr(track, "lips_pressed")
    core = (t >= 0.50) & (t <= 0.53)
    assert press[core].min() > 0.99 and jaw[core].max() < 0.01  # p: lips fully shut, jaw closed


def test_piper_track_shuts_lips_on_every_p_b_m(speech: Speech) -> None:
    track = Animator(fps=FPS, seed=0).speech_track(speech, start_s=0.0)
    assert len(track) == int(np.ceil(speech.duration_s * FPS - 1e-9))
    pbm = [p for p in speech.phonemes if p.phoneme in ("p", "b", "m")]
    assert len(pbm) >= 6
    for p in pbm:
        k = int(round((p.start_s + p.end_s) / 2 * FPS - 0.0))  # the frame nearest the middle
        k = min(k, len(track) - 1)
        assert track[k].lips_pressed > 0.99, p
        assert track[k].jaw_open < 0.05, p


def test_piper_track_follows_loudness(speech: Speech) -> None:
    track = Animator(fps=FPS, seed=0).speech_track(speech, start_s=0.0)
    jaw = _arr(track, "jaw_open")
    env = loudness(speech.pcm, speech.sample_rate, FPS, len(jaw))
    assert np.corrcoef(jaw, env)[0, 1] > 0.5


def test_envelope_fallback_tracks_loudness_and_leads(speech: Speech) -> None:
    a = Animator(fps=FPS, seed=0)
    track = a.envelope_track(speech.pcm, speech.sample_rate)
    jaw = _arr(track, "jaw_open")
    assert len(jaw) == int(np.ceil(speech.duration_s * FPS - 1e-9))
    assert a.t_s == pytest.approx(len(jaw) / FPS)
    x = speech.pcm.astype(np.float64)
    n = int(speech.sample_rate / FPS)
    rms = np.array([np.sqrt(np.mean(x[i * n : (i + 1) * n] ** 2)) for i in range(len(jaw))])
    lags = range(-3, 4)
    corr = [np.corrcoef(jaw[max(0, -k) : len(jaw) - max(0, k)], rms[max(0, k) : len(rms) - max(0, -k)])[0, 1] for k in lags]
    best = list(lags)[int(np.argmax(corr))]
    assert max(corr) > 0.6
    assert best >= 0  # the mouth is at or ahead of the sound, never behind it
    silent = Speech(pcm=np.zeros(8000, np.int16), sample_rate=16000, text="")
    assert all(p.jaw_open == 0 for p in Animator().envelope_track(silent.pcm, 16000))


def test_speech_without_timeline_uses_loudness(speech: Speech) -> None:
    bare = Speech(pcm=speech.pcm, sample_rate=speech.sample_rate, text=speech.text)
    assert Animator(seed=1).speech_track(bare) == Animator(seed=1).envelope_track(speech.pcm, speech.sample_rate)


def test_params_at_matches_the_track(speech: Speech) -> None:
    track = Animator(fps=FPS, seed=9).speech_track(speech, start_s=3.0)
    live = Animator(fps=FPS, seed=9)
    live.schedule(speech, 3.0)
    for k in (0, 10, 40, len(track) - 1):
        assert live.params_at(3.0 + k / FPS) == track[k]
    idle_only = Animator(fps=FPS, seed=9)
    assert idle_only.params_at(1.0).jaw_open == 0.0


def test_unknown_viseme_and_empty_spans_are_harmless() -> None:
    s = Speech(pcm=np.zeros(1600, np.int16), sample_rate=16000, text="x",
               visemes=[VisemeSpan("??", 0.0, 0.1)], phonemes=[PhonemeSpan("?", 0.0, 0.1)])  # fmt: skip
    out = Animator().speech_track(s)
    assert len(out) == 3 and all(p.jaw_open == 0 for p in out)
