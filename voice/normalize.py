"""Spell out what a voice would misread: prices, numbers, units, percentages, codes and times.

`normalize(text, lang)` runs before synthesis. English and Mandarin have rules here; other
languages pass through unchanged (espeak reads digits in its own language). Text without digits
or currency/percent signs comes back unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from decimal import Decimal

from voice.lexicon import CURRENCY, EN_LETTERS, SCALE_FACTORS, SCALE_WORDS, UNITS, ZH_MEASURE
from voice.numbers import (
    en_decimal,
    en_digits,
    en_int,
    en_ordinal,
    zh_decimal,
    zh_digits,
    zh_int,
    zh_quantity,
)

Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]

NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_LONG_DIGITS = 10  # an unseparated integer this long is an id or phone number: read digit by digit


def _alt(keys: Iterable[str]) -> str:
    return "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))


_CODE = re.compile(
    r"(?<![A-Za-z0-9])(?=[A-Z0-9-]*[A-Z])(?=[A-Z0-9-]*\d)[A-Z0-9]+(?:-[A-Z0-9]+)*(?![A-Za-z0-9])"
)
_CUR_PREFIX = re.compile(
    rf"(?P<sym>US\$|[$€£¥￥])\s?(?P<num>{NUM})(?:\s?(?P<scale>thousand|million|billion|[kKM])(?![A-Za-z]))?"
)
_CUR_SUFFIX = re.compile(rf"(?P<num>{NUM})\s?(?P<sym>元|RMB|CNY|USD|EUR|GBP)(?![A-Za-z])")
_PERCENT = re.compile(rf"(?P<num>{NUM})\s?[%％]")
_TIME = re.compile(
    r"(?<![\d:])(?P<h>[01]?\d|2[0-4]):(?P<m>[0-5]\d)(?![\d:])(?:\s?(?P<ap>[AaPp])\.?[Mm](?![A-Za-z]))?"
)
_TIME_AMPM = re.compile(r"(?<![\d:.])(?P<h>1[0-2]|0?\d)\s?(?P<ap>[AaPp])\.?[Mm](?![A-Za-z])")
_DIMENSION = re.compile(r"(?<=\d)\s?[x×]\s?(?=\d)")
_RANGE = re.compile(
    rf"(?<![\d.,-])(?P<a>\d{{1,3}})\s?[-–~～]\s?(?P<b>\d{{1,3}})(?![\d.,-])(?:\s?(?P<unit>{_alt(UNITS)})(?![A-Za-z]))?"
)
_UNIT = re.compile(rf"(?<![A-Za-z\d.,-])(?P<num>{NUM})\s?(?P<unit>{_alt(UNITS)})(?![A-Za-z])")
_ORDINAL = re.compile(r"(?<![\d.])(?P<num>\d+)(?:st|nd|rd|th)(?![A-Za-z])")
_HASH_NUMBER = re.compile(r"#\s?(?P<num>\d+)")
_ZH_YEAR = re.compile(r"(?P<num>\d{4})(?=年)")
ZH_MEASURE_2 = re.compile(rf"(?<![\d.,])2(?=[{ZH_MEASURE}])")
_PLAIN = re.compile(rf"(?P<num>{NUM})")


def _is_one(num: str) -> bool:
    return num.replace(",", "") in ("1", "1.0", "1.00")


def _int(num: str) -> int:
    return int(num.replace(",", ""))


def _strip_zeros(num: str) -> str:
    """'24.50' -> '24.5', '89.00' -> '89': trailing decimal zeros are not spoken in a price."""
    return num.rstrip("0").rstrip(".") if "." in num else num


def _en_number(num: str) -> str:
    plain = num.replace(",", "")
    if "." not in plain and (len(plain) >= _LONG_DIGITS or (plain.startswith("0") and len(plain) > 1)):
        return en_digits(plain)
    return en_decimal(num)


def _zh_number(num: str) -> str:
    plain = num.replace(",", "")
    if "." not in plain and (len(plain) >= _LONG_DIGITS or (plain.startswith("0") and len(plain) > 1)):
        return zh_digits(plain)
    return zh_decimal(num)


# --- English -----------------------------------------------------------------------------------


def _en_code(m: re.Match[str]) -> str:
    words = []
    for ch in m.group(0):
        if ch.isdigit():
            words.append(en_digits(ch))
        elif ch in EN_LETTERS:
            words.append(EN_LETTERS[ch])
    return " ".join(words)


def _en_money(num: str, sym: str, scale: str | None) -> str:
    one, many, minor_one, minor_many, _ = CURRENCY[sym]
    if scale:
        return f"{_en_number(num)} {SCALE_WORDS.get(scale, scale)} {many}"
    whole, _, frac = num.replace(",", "").partition(".")
    if not frac or not minor_one or len(frac) > 2:
        return f"{_en_number(_strip_zeros(num))} {one if _is_one(num) else many}"
    units, cents = int(whole or "0"), int(frac.ljust(2, "0"))
    parts = []
    if units or not cents:
        parts.append(f"{en_int(units)} {one if units == 1 else many}")
    if cents:
        parts.append(f"{en_int(cents)} {minor_one if cents == 1 else minor_many}")
    return " and ".join(parts)


def _en_time(m: re.Match[str]) -> str:
    hour, minute, ap = int(m.group("h")), int(m.group("m")), m.group("ap")
    if minute == 0:
        words = en_int(hour) + ("" if ap else " o'clock")
    elif minute < 10:
        words = f"{en_int(hour)} oh {en_int(minute)}"
    else:
        words = f"{en_int(hour)} {en_int(minute)}"
    return words + (f" {EN_LETTERS[ap.upper()]} em" if ap else "")


def _en_unit(m: re.Match[str]) -> str:
    one, many, _ = UNITS[m.group("unit")]
    return f"{_en_number(m.group('num'))} {one if _is_one(m.group('num')) else many}"


def _en_range(m: re.Match[str]) -> str:
    words = f"{en_int(int(m.group('a')))} to {en_int(int(m.group('b')))}"
    return words + (f" {UNITS[m.group('unit')][1]}" if m.group("unit") else "")


_EN_RULES: list[Rule] = [
    (_CUR_PREFIX, lambda m: _en_money(m.group("num"), m.group("sym"), m.group("scale"))),
    (_CUR_SUFFIX, lambda m: _en_money(m.group("num"), m.group("sym"), None)),
    (_PERCENT, lambda m: f"{_en_number(m.group('num'))} percent"),
    (_TIME, _en_time),
    (_TIME_AMPM, lambda m: f"{en_int(int(m.group('h')))} {EN_LETTERS[m.group('ap').upper()]} em"),
    (_DIMENSION, lambda m: " by "),
    (_UNIT, _en_unit),
    (_CODE, _en_code),
    (_RANGE, _en_range),
    (_ORDINAL, lambda m: en_ordinal(int(m.group("num")))),
    (_HASH_NUMBER, lambda m: f"number {_en_number(m.group('num'))}"),
    (_PLAIN, lambda m: _en_number(m.group("num"))),
]


# --- Mandarin ------------------------------------------------------------------------------------


def _zh_code(m: re.Match[str]) -> str:
    out = []
    for ch in m.group(0):
        if ch.isdigit():
            out.append(zh_digits(ch))
        elif ch.isalpha():
            out.append(f" {ch} ")
    return re.sub(r"\s+", " ", "".join(out)).strip()


def _zh_money(num: str, sym: str, scale: str | None) -> str:
    name = CURRENCY[sym][4]
    if scale:
        value = Decimal(num.replace(",", "")) * SCALE_FACTORS[scale]  # "$2.5 million" -> 二百五十万美元
        words = zh_quantity(int(value)) if value == value.to_integral_value() else zh_decimal(str(value))
        return f"{words}{name}"
    whole, _, frac = num.replace(",", "").partition(".")
    if name != "元" or not frac or len(frac) > 2:
        if not frac:
            return f"{zh_quantity(int(whole))}{name}"
        return f"{zh_decimal(_strip_zeros(num))}{name}"
    units, jiao, fen = int(whole or "0"), int(frac[0]), int(frac[1]) if len(frac) > 1 else 0
    out = f"{zh_quantity(units)}元" if units or not (jiao or fen) else ""
    if jiao:
        out += f"{zh_quantity(jiao)}角"
    if fen:
        out += ("零" if units and not jiao else "") + f"{zh_quantity(fen)}分"
    return out


def _zh_time(m: re.Match[str]) -> str:
    hour, minute, ap = int(m.group("h")), int(m.group("m")), m.group("ap")
    prefix = "" if not ap else ("上午" if ap in "Aa" else "下午")
    words = f"{prefix}{zh_quantity(hour)}点"
    if minute:
        words += ("零" if minute < 10 else "") + f"{zh_int(minute)}分"
    return words


def _zh_unit(m: re.Match[str]) -> str:
    num = m.group("num")
    value = zh_quantity(_int(num)) if "." not in num else zh_decimal(num)
    return value + UNITS[m.group("unit")][2]


def _zh_unit_name(m: re.Match[str]) -> str:
    return UNITS[m.group("unit")][2] if m.group("unit") else ""


_ZH_RULES: list[Rule] = [
    (_CUR_PREFIX, lambda m: _zh_money(m.group("num"), m.group("sym"), m.group("scale"))),
    (_CUR_SUFFIX, lambda m: _zh_money(m.group("num"), m.group("sym"), None)),
    (_PERCENT, lambda m: f"百分之{_zh_number(m.group('num'))}"),
    (_TIME, _zh_time),
    (
        _TIME_AMPM,
        lambda m: f"{'上午' if m.group('ap') in 'Aa' else '下午'}{zh_quantity(int(m.group('h')))}点",
    ),
    (_DIMENSION, lambda m: "乘"),
    (_UNIT, _zh_unit),
    (_CODE, _zh_code),
    (_RANGE, lambda m: f"{zh_int(int(m.group('a')))}到{zh_int(int(m.group('b')))}{_zh_unit_name(m)}"),
    (_ZH_YEAR, lambda m: zh_digits(m.group("num"))),
    (ZH_MEASURE_2, lambda m: "两"),
    (_ORDINAL, lambda m: "第" + zh_int(int(m.group("num")))),
    (_HASH_NUMBER, lambda m: f"{_zh_number(m.group('num'))}号"),
    (_PLAIN, lambda m: _zh_number(m.group("num"))),
]


def _padded(fn: Callable[[re.Match[str]], str]) -> Callable[[re.Match[str]], str]:
    """English words must not run into neighbouring letters or digits ("iPhone15" -> "iPhone fifteen")."""

    def wrapped(m: re.Match[str]) -> str:
        out = fn(m)
        s = m.string
        if m.start() > 0 and s[m.start() - 1].isalnum() and not out.startswith(" "):
            out = " " + out
        if m.end() < len(s) and s[m.end()].isalnum() and not out.endswith(" "):
            out += " "
        return out

    return wrapped


_SIGNS = re.compile(r"[\d%％$€£¥￥]")


def base_lang(lang: str) -> str:
    """The base language of a tag: 'en-US' -> 'en', 'zh-CN' / 'cmn' -> 'zh'."""
    base = lang.replace("_", "-").split("-")[0].lower()
    return "zh" if base in ("cmn", "zho", "chi") else base


_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def guess_lang(text: str) -> str:
    """'zh' if the text has Chinese characters, else 'en'."""
    return "zh" if _CJK.search(text) else "en"


def normalize(text: str, lang: str) -> str:
    """Rewrite numbers, prices, units, percentages, codes and times as words in `lang` (en, zh)."""
    base = base_lang(lang)
    if base not in ("en", "zh") or not _SIGNS.search(text):
        return text
    rules = _EN_RULES if base == "en" else _ZH_RULES
    for pattern, fn in rules:
        text = pattern.sub(_padded(fn) if base == "en" else fn, text)
    return text
