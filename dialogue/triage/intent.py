"""What a comment asks for, from keyword patterns in English and Chinese.

Patterns are tried in precedence order: a comment that both greets and asks a price is a price question.
"""

from __future__ import annotations

import re

from dialogue.types import Intent


def _en(*words: str) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z])(?:" + "|".join(words) + r")(?![a-z])", re.IGNORECASE)


def _zh(*words: str) -> re.Pattern[str]:
    return re.compile("|".join(words))


_PATTERNS: list[tuple[Intent, re.Pattern[str], re.Pattern[str]]] = [
    (
        Intent.FAQ,
        _en(r"returns?", r"refunds?", r"exchange", r"warranty", r"payment", r"pay (?:with|by|via)", r"how (?:can|do) i pay", r"paypal", r"credit card",
            r"policy", r"cancel", r"send it back", r"money back"),
        _zh("退货", "退款", "换货", "售后", "保修", "付款", "支付", "退换", "怎么付"),
    ),
    (
        Intent.SHIPPING,
        _en(r"ship(?:s|ped|ping)?", r"deliver(?:y|ed|s)?", r"arrive", r"postage", r"dispatch", r"courier",
            r"express", r"tracking", r"international"),
        _zh("发货", "快递", "物流", "几天到", "包邮", "运费", "邮费", "送到", "到货", "寄"),
    ),
    (
        Intent.PURCHASE,
        _en(r"buy", r"order", r"add to cart", r"want (?:one|it|this|that)", r"i'?ll take", r"purchase",
            r"checkout", r"get one", r"take two", r"need one"),
        _zh("买", "下单", "拍了", "拍一", "要一", "购买", "怎么拍", "上链接", "要了", "来一"),
    ),
    (
        Intent.PRICE,
        _en(r"price[sd]?", r"pricing", r"cost[s]?", r"how much", r"how \$", r"expensive", r"cheap(?:er)?",
            r"dollars?", r"bucks", r"afford", r"\$\s*\d+"),
        _zh("多少钱", "价格", "价钱", "几块", "多少元", "啥价", "什么价", "贵", "便宜", "几多钱", "多钱", "怎么卖",
            r"\d+\s*(?:块|元|rmb)", r"[¥￥]\s*\d"),
    ),
    (
        Intent.STOCK,
        _en(r"in stock", r"stock", r"available", r"availability", r"sold out", r"left", r"restock(?:ed|ing)?",
            r"back in", r"any more", r"inventory", r"still have"),
        _zh("有货", "库存", "还有吗", "还有没有", "卖完", "缺货", "补货", "现货", "剩", "断货", "有没有货"),
    ),
    (
        Intent.OPTIONS,
        _en(r"colou?rs?", r"sizes?", r"sizing", r"options?", r"variants?", r"come in", r"comes in", r"xs",
            r"xl", r"xxl", r"small", r"medium", r"large", r"fit", r"fits", r"grey|gray|navy|black|white|red|"
            r"blue|green|pink|cream|beige|brown"),
        _zh("颜色", "尺码", "尺寸", "大小", "规格", "款式", "什么色", "几个色", "码数", "有哪些", "包装"),
    ),
    (
        Intent.PRODUCT_FACTS,
        _en(r"made of", r"material", r"fabric", r"cotton", r"wash(?:able)?", r"dishwasher", r"microwave",
            r"caffeine", r"capacity", r"ml", r"how big", r"ingredients?", r"safe", r"tell me (?:about|more)",
            r"what is", r"what's", r"details?", r"quality", r"warm", r"durable", r"good for", r"does it",
            r"is it", r"can i", r"usb"),
        _zh("材质", "成分", "容量", "产地", "怎么样", "介绍", "多大", "能不能", "可以用", "什么料", "好不好",
            "面料", "质量", "适合", "咖啡因", "洗碗机", "微波炉", "讲讲", "是什么"),
    ),
    (
        Intent.GREETING,
        _en(r"hi+", r"hello", r"hey+", r"good (?:morning|evening|night|afternoon)", r"yo", r"hiya",
            r"greetings", r"what'?s up", r"howdy", r"evening all"),
        _zh("你好", "哈喽", "晚上好", "早上好", "下午好", "大家好", "主播好", "嗨", "来了", "晚安"),
    ),
    (
        Intent.THANKS,
        _en(r"thanks?", r"thank you", r"thx", r"ty", r"appreciate(?: it)?", r"cheers"),
        _zh("谢谢", "感谢", "多谢", "谢啦"),
    ),
]


# Asked before the table: "how much does it hold" is about capacity, not price; "what colours is it
# available in" is about options, not stock.
_CAPACITY = (_en(r"how much (?:does|do|can|will) (?:it|they|the [\w ]{1,30}?) (?:hold|weigh|fit|contain)",
                 r"how (?:heavy|big|large|many cups|many ml)", r"capacity", r"what (?:volume|weight)"),
             _zh("多少克", "多少毫升", "多重", "容量", "多大", "几克", "几毫升", "多少升"))
_ASKS_OPTIONS = (_en(r"colou?rs", r"sizes", r"what colou?r", r"what size", r"which colou?r", r"which size"),
                 _zh("颜色", "尺码", "什么色", "几个色", "规格"))
_ASKS_STOCK = (_en(r"in stock", r"sold out", r"left", r"restock(?:ed)?"), _zh("有货", "库存", "卖完", "缺货", "补货"))
_QUESTION = (_en(r"how", r"what", r"why", r"which", r"does", r"do", r"is", r"are", r"can", r"will"),
             _zh("怎么", "什么", "吗", "能不能", "可以", "是不是", "如何"))


_BY_INTENT = {intent: (en, zh) for intent, en, zh in _PATTERNS}


def _has(pair: tuple[re.Pattern[str], re.Pattern[str]], text: str, lang: str) -> bool:
    return bool(pair[0].search(text) or (lang == "zh" and pair[1].search(text)))


def is_question(text: str, lang: str) -> bool:
    """A comment phrased as a question (not a bare product name)."""
    return _has(_QUESTION, text, lang) or text.rstrip().endswith(("?", "？")) and len(text.split()) > 2


def classify_intent(text: str, lang: str) -> Intent | None:
    """The first matching intent in precedence order, or None when nothing matches."""
    if _has(_CAPACITY, text, lang):
        return Intent.PRODUCT_FACTS
    if _has(_ASKS_OPTIONS, text, lang) and not (_has(_ASKS_STOCK, text, lang) or _has(_BY_INTENT[Intent.PRICE], text, lang)):
        return Intent.OPTIONS
    for intent, en, zh in _PATTERNS:
        if (zh if lang == "zh" else en).search(text):
            return intent
        if lang == "zh" and en.search(text) and intent not in (Intent.GREETING, Intent.THANKS):
            return intent  # mixed comments such as "hoodie 多少 price"
    return None


_ASKS_CARRY_EN = re.compile(
    r"(?:do|does) (?:you|the shop|your shop) (?:have|sell|carry|stock)\s+(?:any\s+|an?\s+|the\s+)?"
    r"(?P<thing>[\w' -]{2,40}?)(?:\?|$|\s+(?:here|in stock|today|too|as well))"
    r"|how much (?:is|are|for|does)\s+(?:an?\s+|the\s+|your\s+)?(?P<thing2>[\w' -]{2,40}?)(?:\s+cost)?(?:\?|$)"
    r"|(?:price|cost) (?:of|for)\s+(?:an?\s+|the\s+|your\s+)?(?P<thing3>[\w' -]{2,40}?)(?:\?|$)",
    re.IGNORECASE,
)
_ASKS_CARRY_ZH = re.compile(r"(?:有没有卖|有卖|卖不卖|有没有|有)(?P<thing>[\u4e00-\u9fffA-Za-z0-9]{1,12}?)(?:吗|么|嘛|\?|？|$)"
                            r"|(?P<thing2>[\u4e00-\u9fffA-Za-z0-9]{1,12}?)(?:多少钱|什么价|价格)")

_NOT_A_PRODUCT = re.compile(
    r"^(?:it|this|that|they|them|these|those|shipping|delivery|postage|one|two|a pair|stock|that one|"
    r"this one|货|现货|库存|优惠|折扣|运费|邮费|这个|那个|这款|那款|它|链接)$",
    re.IGNORECASE,
)


def asked_product_phrase(text: str, lang: str) -> str | None:
    """The thing a viewer asks the shop to have or price ("do you sell rice cookers?" → "rice cookers")."""
    m = (_ASKS_CARRY_ZH if lang == "zh" else _ASKS_CARRY_EN).search(text.strip())
    if not m:
        return None
    thing = next((g for g in m.groups() if g), None)
    if not thing:
        return None
    thing = thing.strip(" ?？。.!！,，")
    if not thing or _NOT_A_PRODUCT.match(thing):
        return None
    return thing
