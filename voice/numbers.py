"""Numbers to words in English and Mandarin, so a voice never has to guess how to read digits."""

from __future__ import annotations

_EN_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_EN_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_EN_SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (1000, "thousand"))
_EN_ORDINAL_IRREGULAR = {
    "one": "first",
    "two": "second",
    "three": "third",
    "five": "fifth",
    "eight": "eighth",
    "nine": "ninth",
    "twelve": "twelfth",
}

_ZH_DIGITS = "零一二三四五六七八九"
_ZH_SMALL_UNITS = ("千", "百", "十", "")
_ZH_BIG_UNITS = ("", "万", "亿", "万亿")

MAX_INT = 10**15 - 1  # beyond this numbers are read digit by digit


def _en_under_1000(n: int) -> str:
    parts: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        parts.append(f"{_EN_ONES[hundreds]} hundred")
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        parts.append(_EN_TENS[tens] + (f"-{_EN_ONES[ones]}" if ones else ""))
    elif rest:
        parts.append(_EN_ONES[rest])
    return " ".join(parts)


def en_int(n: int) -> str:
    """Cardinal in American English words: 1299 -> 'one thousand two hundred ninety-nine'."""
    if n < 0:
        return "minus " + en_int(-n)
    if n > MAX_INT:
        return en_digits(str(n))
    if n < 1000:
        return _en_under_1000(n) if n else "zero"
    parts: list[str] = []
    for scale, word in _EN_SCALES:
        count, n = divmod(n, scale)
        if count:
            parts.append(f"{_en_under_1000(count)} {word}")
    if n:
        parts.append(_en_under_1000(n))
    return " ".join(parts)


def en_digits(digits: str) -> str:
    """Read a string of digits one by one: '102' -> 'one zero two'."""
    return " ".join(_EN_ONES[int(d)] for d in digits if d.isdigit())


def en_decimal(number: str) -> str:
    """A decimal string in words: '3.99' -> 'three point nine nine'; commas are thousands separators."""
    number = number.replace(",", "")
    whole, _, frac = number.partition(".")
    words = en_int(int(whole or "0"))
    return f"{words} point {en_digits(frac)}" if frac else words


def en_ordinal(n: int) -> str:
    """Ordinal in words: 1 -> 'first', 23 -> 'twenty-third', 100 -> 'one hundredth'."""
    words = en_int(n)
    head, sep, last = words.rpartition(" ")
    prefix, hyphen, last_word = last.rpartition("-")
    if last_word in _EN_ORDINAL_IRREGULAR:
        last_word = _EN_ORDINAL_IRREGULAR[last_word]
    elif last_word.endswith("y"):
        last_word = last_word[:-1] + "ieth"
    else:
        last_word += "th"
    return head + sep + prefix + hyphen + last_word


def _zh_under_10000(n: int) -> str:
    digits = (n // 1000, n // 100 % 10, n // 10 % 10, n % 10)
    out = ""
    pending_zero = False
    for d, unit in zip(digits, _ZH_SMALL_UNITS, strict=True):
        if d == 0:
            pending_zero = bool(out)
            continue
        if pending_zero:
            out += "零"
            pending_zero = False
        out += _ZH_DIGITS[d] + unit
    return out


def zh_int(n: int) -> str:
    """Cardinal in Mandarin: 1010 -> '一千零一十', 15 -> '十五', 100000001 -> '一亿零一'."""
    if n < 0:
        return "负" + zh_int(-n)
    if n > MAX_INT:
        return zh_digits(str(n))
    if n == 0:
        return "零"
    groups: list[int] = []
    while n:
        n, g = divmod(n, 10000)
        groups.append(g)
    out = ""
    gap = False
    for i in reversed(range(len(groups))):
        g = groups[i]
        if g == 0:
            gap = bool(out)
            continue
        if out and (g < 1000 or gap):
            out += "零"
        out += _zh_under_10000(g) + _ZH_BIG_UNITS[i]
        gap = False
    if out.startswith("一十"):
        out = out[1:]
    return out


def zh_quantity(n: int) -> str:
    """Cardinal before a measure word: 2 reads '两' ('两公斤'), everything else as zh_int."""
    return "两" if n == 2 else zh_int(n)


def zh_digits(digits: str) -> str:
    """Read digits one by one: '102' -> '一零二'."""
    return "".join(_ZH_DIGITS[int(d)] for d in digits if d.isdigit())


def zh_decimal(number: str) -> str:
    """A decimal string in Mandarin: '3.5' -> '三点五'."""
    number = number.replace(",", "")
    whole, _, frac = number.partition(".")
    words = zh_int(int(whole or "0"))
    return f"{words}点{zh_digits(frac)}" if frac else words
