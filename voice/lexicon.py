"""Words the normaliser needs: letter names, currencies, units and Mandarin measure words."""

from __future__ import annotations

# English letter names, so a code like "HD-102" is spelled and not read as a word.
EN_LETTERS = dict(
    zip(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        ["ay", "bee", "see", "dee", "ee", "ef", "gee", "aitch", "eye", "jay", "kay", "el", "em", "en", "oh",
         "pee", "cue", "ar", "ess", "tee", "you", "vee", "double-you", "ex", "why", "zee"],
        strict=True,
    )
)  # fmt: skip

# symbol or code -> (en singular, en plural, en minor singular, en minor plural, zh name)
CURRENCY = {
    "$": ("dollar", "dollars", "cent", "cents", "美元"),
    "US$": ("dollar", "dollars", "cent", "cents", "美元"),
    "USD": ("dollar", "dollars", "cent", "cents", "美元"),
    "€": ("euro", "euros", "cent", "cents", "欧元"),
    "EUR": ("euro", "euros", "cent", "cents", "欧元"),
    "£": ("pound", "pounds", "penny", "pence", "英镑"),
    "GBP": ("pound", "pounds", "penny", "pence", "英镑"),
    "¥": ("yuan", "yuan", "", "", "元"),
    "￥": ("yuan", "yuan", "", "", "元"),
    "元": ("yuan", "yuan", "", "", "元"),
    "RMB": ("yuan", "yuan", "", "", "元"),
    "CNY": ("yuan", "yuan", "", "", "元"),
}
SCALE_WORDS = {"k": "thousand", "K": "thousand", "M": "million"}
SCALE_FACTORS = {"k": 1000, "K": 1000, "thousand": 1000, "M": 10**6, "million": 10**6, "billion": 10**9}

# unit -> (en singular, en plural, zh)
UNITS = {
    "mm": ("millimeter", "millimeters", "毫米"),
    "cm": ("centimeter", "centimeters", "厘米"),
    "m": ("meter", "meters", "米"),
    "km": ("kilometer", "kilometers", "公里"),
    "mg": ("milligram", "milligrams", "毫克"),
    "g": ("gram", "grams", "克"),
    "kg": ("kilogram", "kilograms", "公斤"),
    "ml": ("milliliter", "milliliters", "毫升"),
    "mL": ("milliliter", "milliliters", "毫升"),
    "l": ("liter", "liters", "升"),
    "L": ("liter", "liters", "升"),
    "oz": ("ounce", "ounces", "盎司"),
    "lb": ("pound", "pounds", "磅"),
    "lbs": ("pound", "pounds", "磅"),
    "ft": ("foot", "feet", "英尺"),
    "mAh": ("milliamp hour", "milliamp hours", "毫安时"),
    "W": ("watt", "watts", "瓦"),
    "V": ("volt", "volts", "伏"),
    "GB": ("gigabyte", "gigabytes", "G"),
    "TB": ("terabyte", "terabytes", "T"),
    "h": ("hour", "hours", "小时"),
    "hr": ("hour", "hours", "小时"),
    "hrs": ("hour", "hours", "小时"),
    "min": ("minute", "minutes", "分钟"),
    "°C": ("degree Celsius", "degrees Celsius", "摄氏度"),
    "°F": ("degree Fahrenheit", "degrees Fahrenheit", "华氏度"),
}
# Mandarin measure words after which 2 reads 两 (两件, not 二件).
ZH_MEASURE = "个件条双只块斤张瓶包盒套台部支杯次位种款份箱袋根把片颗粒"
