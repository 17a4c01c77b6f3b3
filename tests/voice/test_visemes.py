"""IPA phonemes to the 15 visemes, and the viseme track built from a phoneme timeline."""

from __future__ import annotations

import pytest

from voice.types import VISEMES, PhonemeSpan
from voice.visemes import FOLD, phoneme_to_viseme, phoneme_visemes, visemes_from_phonemes


@pytest.mark.parametrize(
    ("phoneme", "viseme"),
    [
        # the viseme table, row by row
        ("", "sil"), ("p", "PP"), ("b", "PP"), ("m", "PP"), ("f", "FF"), ("v", "FF"),
        ("θ", "TH"), ("ð", "TH"), ("t", "DD"), ("d", "DD"), ("ɾ", "DD"),
        ("k", "kk"), ("g", "kk"), ("ɡ", "kk"), ("ŋ", "kk"),
        ("tʃ", "CH"), ("dʒ", "CH"), ("ʃ", "CH"), ("ʒ", "CH"), ("s", "SS"), ("z", "SS"),
        ("n", "nn"), ("l", "nn"), ("ɹ", "RR"), ("ɚ", "RR"), ("ɝ", "RR"),
        ("ɑ", "aa"), ("a", "aa"), ("æ", "aa"), ("ʌ", "aa"), ("ɐ", "aa"),
        ("ɛ", "E"), ("e", "E"), ("ə", "E"), ("i", "I"), ("ɪ", "I"), ("j", "I"),
        ("o", "O"), ("ɔ", "O"), ("u", "U"), ("ʊ", "U"), ("w", "U"),
        # stress, length and tone marks do not change the shape
        ("ˈæ", "aa"), ("iː", "I"), ("ˌɔː", "O"), ("a5", "aa"), ("i˧˥", "I"),
        # Mandarin as espeak `cmn` writes it
        ("ts.", "CH"), ("ts.h", "CH"), ("s.", "CH"), ("tɕ", "CH"), ("ɕ", "CH"), ("i.", "I"),
        ("χ", "kk"), ("o-", "E"), ("y", "U"), ("ts", "SS"),
        # pauses, punctuation, sentence markers
        ("_", "sil"), ("^", "sil"), ("$", "sil"), (",", "sil"), (".", "sil"), ("。", "sil"), ("(en)", "sil"),
        # unknown symbols
        ("☃", "sil"), ("ã", "aa"),
    ],
)  # fmt: skip
def test_phoneme_to_viseme(phoneme: str, viseme: str) -> None:
    assert phoneme_to_viseme(phoneme) == viseme
    assert viseme in VISEMES


def test_diphthongs_give_each_vowel_its_shape() -> None:
    assert phoneme_visemes("aɪ") == ["aa", "I"]
    assert phoneme_visemes("oʊ") == ["O", "U"]
    assert phoneme_visemes("iou") == ["I", "O", "U"]


@pytest.mark.parametrize("mark", ["ˈ", "ˌ", "ː", "h", " ", "ʔ"])
def test_marks_and_h_fold(mark: str) -> None:
    assert phoneme_visemes(mark) == [FOLD]


def _spans(*items: tuple[str, float]) -> list[PhonemeSpan]:
    out, t = [], 0.0
    for p, dur in items:
        out.append(PhonemeSpan(p, t, t + dur))
        t += dur
    return out


def test_track_merges_folds_and_equal_neighbours() -> None:
    # "^ h ə l ˈ o ʊ , ␠ m ..." as Piper aligns "hello, my"
    spans = _spans(
        ("^", 0.03), ("h", 0.03), ("ə", 0.06), ("l", 0.06), ("ˈ", 0.08), ("o", 0.09), ("ʊ", 0.07),
        (",", 0.2), (" ", 0.1), ("m", 0.05), ("a", 0.05), ("ɪ", 0.04), ("$", 0.08),
    )  # fmt: skip
    track = visemes_from_phonemes(spans)
    assert [v.viseme for v in track] == ["sil", "E", "nn", "O", "U", "sil", "PP", "aa", "I", "sil"]
    # h joins the vowel after it, the stress mark joins "o", the gap after the comma stays silent
    assert track[1].start_s == pytest.approx(0.03)
    assert track[3].start_s == pytest.approx(0.18)
    assert track[5].end_s == pytest.approx(0.72)
    # contiguous and covering the whole timeline
    assert track[0].start_s == 0.0 and track[-1].end_s == pytest.approx(spans[-1].end_s)
    for a, b in zip(track, track[1:], strict=False):
        assert a.end_s == pytest.approx(b.start_s)
        assert a.viseme != b.viseme


def test_gap_becomes_silence_and_diphthong_splits_time() -> None:
    spans = [PhonemeSpan("b", 0.0, 0.1), PhonemeSpan("aɪ", 0.3, 0.5)]
    track = visemes_from_phonemes(spans)
    assert [(v.viseme, round(v.start_s, 3), round(v.end_s, 3)) for v in track] == [
        ("PP", 0.0, 0.1), ("sil", 0.1, 0.3), ("aa", 0.3, 0.4), ("I", 0.4, 0.5),
    ]  # fmt: skip


def test_empty_and_all_marks() -> None:
    assert visemes_from_phonemes([]) == []
    only_marks = visemes_from_phonemes([PhonemeSpan("ˈ", 0.0, 0.1), PhonemeSpan("h", 0.1, 0.2)])
    assert [v.viseme for v in only_marks] == ["sil"]
