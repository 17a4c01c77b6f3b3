"""IPA phonemes (as espeak and Piper write them, English or Mandarin) to the 15 mouth shapes.

The table follows the Meta/Oculus 15-viseme set. Stress and length marks, `h` and the
glottal stop carry no mouth shape of their own: they fold into a neighbouring phoneme.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from voice.types import VISEMES, PhonemeSpan, VisemeSpan

# Multi-character phonemes first (espeak writes Mandarin retroflexes with a dot: "ts.", "s.").
_MULTI = {
    "tʃ": "CH", "dʒ": "CH", "tɕ": "CH", "dʑ": "CH", "tʂ": "CH", "dʐ": "CH",
    "ts.": "CH", "dz.": "CH", "s.": "CH", "z.": "RR", "i.": "I", "o-": "E",
    "ts": "SS", "dz": "SS",
}  # fmt: skip
_SINGLE = {
    "PP": "pbmɓβ",
    "FF": "fvɱʋ",
    "TH": "θð",
    "DD": "tdɾʈɖɗ",
    "kk": "kgɡŋxɣχqɢɴcɟʁç",
    "CH": "ʃʒɕʑʂ",
    "SS": "sz",
    "nn": "nlɲɳɫʎɭɬɮ",
    "RR": "ɹɚɝɜrɻʀʐ",
    "aa": "ɑaæʌɐɒɶä",
    "E": "ɛeəɘɤɞ",
    "I": "iɪjɨɯ",
    "O": "oɔɵøœ",
    "U": "uʊwyʏɥʉ",
}
_TABLE = {ch: vis for vis, chars in _SINGLE.items() for ch in chars}

_FOLD_NEXT = frozenset("ˈˌhɦʔ'")  # belong to the sound that follows (stress, breath, glottal onset)
_FOLD_PREV = frozenset("ːˑ ‿")  # belong to the sound before (length, word joins)
_PAUSE = frozenset({"", "_", "^", "$", "#", "sil", "sp", "spn", "pau", "||", "|"})
_PUNCT = frozenset('.,;:!?…。，、；：！？—-()[]"«»“”')
_MARKS = frozenset("ˈˌːˑ‿͡0123456789˥˦˧˨˩")

FOLD = "fold"  # marker from phoneme_visemes: no shape of its own


def _base(ch: str) -> str:
    """A character without diacritics: 'ã' -> 'a', 'ɪ̃' -> 'ɪ'."""
    return "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))


def phoneme_visemes(phoneme: str) -> list[str]:
    """Every mouth shape in one phoneme, in order ('aɪ' -> ['aa', 'I']); [FOLD] for marks and `h`."""
    if phoneme and all(ch in _FOLD_PREV for ch in phoneme):
        return [FOLD]
    p = phoneme.strip()
    if p in _PAUSE or all(ch in _PUNCT for ch in p) or (p.startswith("(") and p.endswith(")")):
        return ["sil"]
    p = "".join(ch for ch in _base(p) if ch not in _MARKS and unicodedata.category(ch) != "Lm")
    if not p or all(ch in _FOLD_NEXT for ch in p):
        return [FOLD]
    out: list[str] = []
    i = 0
    while i < len(p):
        for size in (3, 2):
            if p[i : i + size] in _MULTI:
                out.append(_MULTI[p[i : i + size]])
                i += size
                break
        else:
            ch = p[i].lower()
            i += 1
            if ch in _TABLE:
                out.append(_TABLE[ch])
    if not out:
        return ["sil"]
    return [v for j, v in enumerate(out) if j == 0 or v != out[j - 1]]


def phoneme_to_viseme(phoneme: str) -> str:
    """The main mouth shape of one phoneme (its first); 'sil' for pauses and unknown symbols."""
    first = phoneme_visemes(phoneme)[0]
    return "sil" if first == FOLD else first


def _fold_direction(phoneme: str) -> int:
    """+1 if a folded mark belongs to the next sound, -1 if to the previous one."""
    return -1 if phoneme == " " or any(ch in _FOLD_PREV for ch in phoneme) else 1


@dataclass
class _Seg:
    viseme: str
    start: float
    end: float
    direction: int = 0  # for folds: +1 joins the next sound, -1 the previous one


def visemes_from_phonemes(phonemes: list[PhonemeSpan]) -> list[VisemeSpan]:
    """A viseme track covering the same time as `phonemes`: folds resolved, equal neighbours merged."""
    segs: list[_Seg] = []
    cursor = phonemes[0].start_s if phonemes else 0.0
    for span in phonemes:
        if span.start_s > cursor + 1e-4:  # a gap in the timeline is silence
            segs.append(_Seg("sil", cursor, span.start_s))
        start = max(span.start_s, cursor)
        end = max(span.end_s, start)
        vis = phoneme_visemes(span.phoneme)
        step = (end - start) / len(vis)
        for k, v in enumerate(vis):
            direction = _fold_direction(span.phoneme) if v == FOLD else 0
            segs.append(_Seg(v, start + k * step, start + (k + 1) * step, direction))
        cursor = end
    _resolve_folds(segs)
    out: list[VisemeSpan] = []
    for seg in segs:
        if seg.end - seg.start <= 0:
            continue
        if out and out[-1].viseme == seg.viseme:
            out[-1] = VisemeSpan(seg.viseme, out[-1].start_s, seg.end)
        else:
            out.append(VisemeSpan(seg.viseme, seg.start, seg.end))
    assert all(s.viseme in VISEMES for s in out)
    return out


def _resolve_folds(segs: list[_Seg]) -> None:
    """Give each folded segment's time to the neighbour it belongs to (or the other one, or silence).

    A word gap after a pause stays silent; a stress mark or `h` after a pause joins the next sound.
    """
    for i, seg in enumerate(segs):
        if seg.viseme != FOLD:
            continue
        for d in (1, -1) if seg.direction > 0 else (-1, 1):
            j = i + d
            while 0 <= j < len(segs) and segs[j].viseme == FOLD:
                j += d
            if 0 <= j < len(segs):
                seg.viseme = segs[j].viseme
                break
        else:
            seg.viseme = "sil"
