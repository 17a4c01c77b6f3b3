"""Which language a comment is written in: script first, then function words for Latin text."""

from __future__ import annotations

import re

_SCRIPTS: list[tuple[str, re.Pattern[str]]] = [
    ("ja", re.compile(r"[\u3040-\u30ff]")),  # kana before Han: Japanese uses both
    ("ko", re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")),
    ("zh", re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("hi", re.compile(r"[\u0900-\u097f]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
]

_FUNCTION_WORDS: dict[str, set[str]] = {
    "en": set(
        ["the", "a", "an", "is", "are", "do", "does", "you", "your", "have", "has", "how", "much", "what", "which", "when", "where", "can", "i", "it", "this", "that", "of", "for", "in", "on", "to", "and", "or", "any", "with", "my", "me", "we", "please", "hi", "hello", "thanks", "thank", "price"]
    ),
    "es": set(["el", "la", "los", "las", "es", "son", "tienes", "cuanto", "cuánto", "cuesta", "que", "qué", "por", "para", "con", "una", "un", "hola", "gracias"]),
    "fr": set(["le", "la", "les", "est", "sont", "vous", "avez", "combien", "coûte", "quel", "quelle", "pour", "avec", "une", "un", "bonjour", "merci"]),
    "de": set(["der", "die", "das", "ist", "sind", "haben", "wie", "viel", "kostet", "was", "für", "mit", "eine", "ein", "hallo", "danke"]),
    "pt": set(["o", "os", "as", "é", "são", "você", "tem", "quanto", "custa", "qual", "para", "com", "uma", "um", "olá", "obrigado"]),
    "id": set(["apa", "berapa", "harga", "ini", "itu", "yang", "dan", "untuk", "dengan", "ada", "tidak", "terima", "kasih"]),
}

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def detect_language(text: str, default: str = "en") -> str:
    """ISO 639-1 code of the text's language; `und` when it has no letters at all."""
    for code, pattern in _SCRIPTS:
        if len(pattern.findall(text)) >= 1:
            # one Han character inside mostly-Latin text (a product name) does not make it Chinese
            if code == "zh" and len(pattern.findall(text)) * 3 < len(_WORD.findall(text)):
                continue
            return code
    words = [w.lower() for w in _WORD.findall(text)]
    if not words:
        return "und"
    scores = {lang: sum(w in vocab for w in words) for lang, vocab in _FUNCTION_WORDS.items()}
    best = max(scores, key=lambda k: scores[k])
    if scores[best] == 0 or scores[best] == scores["en"]:
        return default if default in ("en",) else "en"
    return best
