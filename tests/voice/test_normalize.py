"""Text normalisation before synthesis: numbers, prices, units, percentages, codes, times (en, zh)."""

from __future__ import annotations

import pytest

from voice.normalize import base_lang, guess_lang, normalize
from voice.numbers import en_decimal, en_int, en_ordinal, zh_decimal, zh_int


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "zero"),
        (7, "seven"),
        (13, "thirteen"),
        (20, "twenty"),
        (24, "twenty-four"),
        (100, "one hundred"),
        (105, "one hundred five"),
        (1299, "one thousand two hundred ninety-nine"),
        (10_000, "ten thousand"),
        (1_000_001, "one million one"),
        (2_500_000_000, "two billion five hundred million"),
        (999_999_999_999, "nine hundred ninety-nine billion nine hundred ninety-nine million "
         "nine hundred ninety-nine thousand nine hundred ninety-nine"),
        (-5, "minus five"),
    ],
)  # fmt: skip
def test_en_int(n: int, words: str) -> None:
    assert en_int(n) == words


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "零"),
        (10, "十"),
        (15, "十五"),
        (20, "二十"),
        (89, "八十九"),
        (100, "一百"),
        (101, "一百零一"),
        (110, "一百一十"),
        (115, "一百一十五"),
        (1010, "一千零一十"),
        (1001, "一千零一"),
        (10_000, "一万"),
        (10_001, "一万零一"),
        (100_000, "十万"),
        (120_000, "十二万"),
        (10_010_000, "一千零一万"),
        (100_000_001, "一亿零一"),
        (100_010_000, "一亿零一万"),
        (3_000_000_000, "三十亿"),
    ],
)
def test_zh_int(n: int, words: str) -> None:
    assert zh_int(n) == words


def test_decimals_and_ordinals() -> None:
    assert en_decimal("3.99") == "three point nine nine"
    assert en_decimal("0.5") == "zero point five"
    assert zh_decimal("12.5") == "十二点五"
    assert [en_ordinal(i) for i in (1, 2, 3, 4, 5, 8, 9, 12, 20, 21, 23, 100)] == [
        "first", "second", "third", "fourth", "fifth", "eighth", "ninth", "twelfth",
        "twentieth", "twenty-first", "twenty-third", "one hundredth",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("It costs $24.50.", "It costs twenty-four dollars and fifty cents."),
        ("$5", "five dollars"),
        ("$1", "one dollar"),
        ("$0.99", "ninety-nine cents"),
        ("$1.01", "one dollar and one cent"),
        ("€3.99", "three euros and ninety-nine cents"),
        ("£2", "two pounds"),
        ("$1,299.00 today", "one thousand two hundred ninety-nine dollars today"),
        ("$2.5 million", "two point five million dollars"),
        ("$5k", "five thousand dollars"),
        ("¥89", "eighty-nine yuan"),
        ("89元", "eighty-nine yuan"),
        ("24.50元", "twenty-four point five yuan"),
        ("Save 20% now", "Save twenty percent now"),
        ("12.5% off", "twelve point five percent off"),
        ("weighs 3kg", "weighs three kilograms"),
        ("1 kg", "one kilogram"),
        ("500 ml and 2 g", "five hundred milliliters and two grams"),
        ("30x40cm", "thirty by forty centimeters"),
        ("15 mm", "fifteen millimeters"),
        ("25°C", "twenty-five degrees Celsius"),
        ("SKU HD-102", "SKU aitch dee one zero two"),
        ("model X200", "model ex two zero zero"),
        ("the 1st, 2nd and 23rd", "the first, second and twenty-third"),
        ("at 3:30 pm", "at three thirty pee em"),
        ("at 10:00", "at ten o'clock"),
        ("at 9:05", "at nine oh five"),
        ("open 9am", "open nine ay em"),
        ("ships in 3-5 days", "ships in three to five days"),
        ("iPhone15", "iPhone fifteen"),
        ("3.5 stars", "three point five stars"),
        ("call 13800138000", "call one three eight zero zero one three eight zero zero zero"),
        ("order #12", "order number twelve"),
        ("10,000 sold", "ten thousand sold"),
    ],
)
def test_normalize_en(text: str, spoken: str) -> None:
    assert normalize(text, "en") == spoken
    assert normalize(text, "en-US") == spoken


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("这件卫衣¥89。", "这件卫衣八十九元。"),
        ("￥89", "八十九元"),
        ("89元", "八十九元"),
        ("2元", "两元"),
        ("¥24.50", "二十四元五角"),
        ("¥24.05", "二十四元零五分"),
        ("¥0.5", "五角"),
        ("24.50元", "二十四元五角"),
        ("$5", "五美元"),
        ("€3.99", "三点九九欧元"),
        ("$2.5 million", "二百五十万美元"),
        ("¥3k", "三千元"),
        ("省20%", "省百分之二十"),
        ("12.5%", "百分之十二点五"),
        ("重3kg", "重三公斤"),
        ("2kg", "两公斤"),
        ("1.5kg", "一点五公斤"),
        ("30x40cm", "三十乘四十厘米"),
        ("500ml", "五百毫升"),
        ("型号HD-102", "型号H D 一零二"),
        ("3:30", "三点三十分"),
        ("10:00", "十点"),
        ("10:05", "十点零五分"),
        ("3-5天", "三到五天"),
        ("2024年", "二零二四年"),
        ("买2件", "买两件"),
        ("12件", "十二件"),
        ("第3名", "第三名"),
        ("一共10000件", "一共一万件"),
    ],
)
def test_normalize_zh(text: str, spoken: str) -> None:
    assert normalize(text, "zh") == spoken
    assert normalize(text, "zh-CN") == spoken


@pytest.mark.parametrize(
    "text",
    ["No numbers here, Mr. Smith!", "Hello world.", "这件衣服很好看。", "", "Price? Ask me.", "A-B test"],
)
def test_text_without_numbers_is_unchanged(text: str) -> None:
    assert normalize(text, "en") == text
    assert normalize(text, "zh") == text


def test_other_languages_pass_through() -> None:
    assert normalize("Das kostet 5 Euro.", "de") == "Das kostet 5 Euro."


def test_no_digit_survives_in_en_or_zh() -> None:
    text = "HD-102 costs $24.50 (20% off), 3kg, 30x40cm, ships 3-5 days, 1st order at 9:05, #7, 1,299 sold"
    for lang in ("en", "zh"):
        spoken = normalize(text, lang)
        assert not any(ch.isdigit() for ch in spoken), spoken


def test_lang_helpers() -> None:
    assert base_lang("en-US") == "en"
    assert base_lang("zh_CN") == "zh"
    assert base_lang("cmn") == "zh"
    assert guess_lang("这件多少钱？") == "zh"
    assert guess_lang("how much is it?") == "en"
    assert guess_lang("HD-102 多少钱") == "zh"
