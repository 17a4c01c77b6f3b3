"""Links, contact details, card numbers and personal data, found as spans of the original text.

Used both to stop the host from speaking them and to scrub viewer comments before they reach a
prompt or an on-screen log line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dialogue.moderation.text import View, base_view, negated

ZH = r"\u4e00-\u9fff"

# ---------------------------------------------------------------- links
# Strong TLDs count on their own; wordy ones ("great.top" is a missing space) need a digit or
# hyphen in the name, or a path; weak ones ("ok.so", "it.is") need a path.
_TLD_STRONG = "com|net|org|cn|io|ly|xyz|vip|biz|tk|ml|ga|cf|gq|icu|cc|tv|gg|uk|de|ru|jp|hk|tw|kr|edu|gov|xxx|porn|onion|pw|su|ws"
_TLD_WORDY = "top|shop|store|club|info|online|site|link|app|rest|ink|buzz|asia|bet|casino|mobi|cyou|fun|live|win|vip|one"
_TLD_WEAK = "me|ai|co|in|to|so|is|it|us|be|am|fm|im|at|work|page|news|click|cash|money|space|tech|best|dev|cloud|blog|world|today"
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
# URL characters: after NFKC a Chinese comma reads ",", so stop there and at CJK text.
_URLC = r"[^\s,!，。！？、\"'<>\u4e00-\u9fff]"
_PATH = r"(?:[/:?#][^\s,!，。！？、\"'<>()\[\]\u4e00-\u9fff]*)?"
_LINKS = [
    re.compile(rf"(?:https?|ftp)://{_URLC}+", re.ASCII),
    re.compile(rf"\bwww\d?\.{_URLC}+", re.ASCII),
    re.compile(rf"(?<![\w@.-])(?:{_LABEL}\.)+(?:{_TLD_STRONG})(?![a-z0-9-]){_PATH}", re.ASCII),
    re.compile(rf"(?<![\w@.-])(?:{_LABEL}\.)*(?=[a-z0-9.-]*[\d-])(?:{_LABEL}\.)(?:{_TLD_WORDY})(?![a-z0-9-]){_PATH}", re.ASCII),
    re.compile(rf"(?<![\w@.-])(?:{_LABEL}\.)+(?:{_TLD_WORDY}|{_TLD_WEAK})/{_URLC}*", re.ASCII),
    re.compile(rf"\b(?:t\.me|wa\.me|bit\.ly|tinyurl|goo\.gl|t\.cn|dwz\.cn|url\.cn)\b{_URLC}*", re.ASCII),
    # Obfuscated: "shop dot com", "shop (dot) com", "shop[.]com", "shop 点 com", "shop。com".
    re.compile(
        rf"\b[a-z0-9][a-z0-9-]{{1,}}\s*(?:[(\[{{]\s*(?:dot|\.|点|點)\s*[)\]}}]|\bdot\b|点|點|。|\s\.\s?|\.\s)\s*"
        rf"(?:{_TLD_STRONG}|me|co|ai)\b{_PATH}", re.ASCII),
    re.compile(r"\b[a-z0-9-]{2,}\s?dot\s?com\b", re.ASCII),
]

# ---------------------------------------------------------------- contact
_MAIL_HOSTS = "gmail|yahoo|hotmail|outlook|qq|163|126|icloud|proton|protonmail|foxmail|sina|sohu|aol|msn|yandex|mail"
_CONTACT = [
    re.compile(r"[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}", re.ASCII),
    re.compile(rf"[a-z0-9._%+-]+\s*(?:[(\[{{]\s*at\s*[)\]}}]|\s+at\s+(?={_MAIL_HOSTS})|艾特|圈a)\s*[a-z0-9-]+"
               r"\s*(?:[(\[{]\s*dot\s*[)\]}]|\s+dot\s+|\.|点)\s*[a-z]{2,}", re.ASCII),
    # Chinese mobile numbers, with optional +86 and spaces or dashes anywhere.
    re.compile(r"(?<!\d)(?<!\d\.)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}(?!\.?\d)", re.ASCII),
    # International numbers written with a leading +.
    re.compile(r"(?<![\w+])\+\d{1,3}(?:[\s.-]?\(?\d{1,4}\)?){2,5}(?!\.?\d)", re.ASCII),
    # North-American style (555) 123-4567 / 555.123.4567 and Chinese landlines 010-12345678.
    re.compile(r"(?<!\d)(?<!\d\.)\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}(?!\.?\d)", re.ASCII),
    re.compile(r"(?<!\d)(?<!\d\.)0\d{2,3}-\d{7,8}(?!\.?\d)", re.ASCII),
    # Bare runs of 10-15 digits: a phone number or an account, never a price.
    # (not glued to a name: "viewer1234567890", "用户1234567890" are platform nicknames)
    re.compile(r"(?<![\da-z_\u4e00-\u9fff])(?<!\d\.)\d{10,15}(?!\.?\d)", re.ASCII),
    # A number spelled in Chinese numerals, seven digits or more.
    re.compile(r"(?:[零〇一幺二两三四五六七八九][\s-]?){7,}", re.ASCII),
    # A handle after a messenger name: "vx: abc123", "微信号 nova_2024", "ig @shop".
    re.compile(
        r"(?<![a-z])(?:wechat|weixin|微信|威信|薇信|徽信|vx|v信|wx|qq|扣扣|企鹅|whatsapp|telegram|tg|line\s?id|kik|snapchat|"
        r"snap|instagram|insta|ig|discord|skype|signal|抖音号?|dy号?|小红书号?|微博|weibo|tiktok|twitter|facebook|fb|v)"
        r"\s*(?:号码|号|id|账号|handle|username|user|name)?\s*(?:[:：=是]|is)\s*@?[a-z0-9][a-z0-9_.-]{3,}", re.ASCII),
    re.compile(
        r"(?<![a-z])(?:wechat|weixin|微信|威信|薇信|vx|v信|wx|qq|扣扣|whatsapp|telegram|tg|kik|snapchat|instagram|insta|ig|"
        r"discord|skype|tiktok|twitter|抖音|小红书)(?:\s*(?:号码|号|id|账号))?\s*@?(?=[a-z0-9_.-]*[\d_])[a-z0-9][a-z0-9_.-]{3,}", re.ASCII),
    re.compile(r"(?<![a-z])(?:wechat|weixin|whatsapp|telegram|tg|instagram|insta|ig|snapchat|twitter|tiktok|discord)\s*@[a-z0-9_.]{3,}", re.ASCII),
    re.compile(r"(?<![a-z0-9_])v(?:\s*[:：]\s*|\s+)(?=[a-z0-9_]*\d)[a-z][a-z0-9_-]{5,}", re.ASCII),
    re.compile(r"(?:电话|手机|手机号|\btel|\bphone|\bcall|\btext|联系|号码|座机)\s*(?:号码|号)?\s*[:：是=]?\s*\d[\d\s-]{5,14}\d", re.ASCII),
]
# Solicitations without the number itself: "加微信", "add me on WhatsApp", "my WeChat".
_CONTACT_ASK = [
    re.compile(r"(?:加|\+)(?:我|一下|下|个)*\s*(?:微信|微(?![波笑博调量米小型凉])|vx|v(?![a-z])|wx|威信|薇信|卫星|好友|qq|q(?![a-z])|扣扣|企鹅|群|tg|电报|联系方式)", re.ASCII),
    re.compile(r"私聊|私信我|私我|联系我(?!们)|加我|留(?:个|下)?(?:电话|手机号?|联系方式|微信|vx|qq)|(?:微信|vx|v|qq|手机|电话)号(?:码)?|联系方式|"
               r"(?:打|拨)(?:我|这个)?电话", re.ASCII),
    re.compile(
        r"\b(?:add|message|msg|dm|text|call|contact|reach|email|ping|find|follow|chat\s+with)\s+(?:me|us)\s+(?:on|at|via|through|in)\s+"
        r"(?:wechat|weixin|whatsapp|telegram|line|instagram|insta|ig|snapchat|snap|kik|discord|skype|signal|email|e-mail|my)\b", re.ASCII),
    re.compile(r"\b(?:dm|pm|inbox|whatsapp|telegram|email|e-mail|text)\s+me\b|\bcall\s+me\s+(?:at|on)\b", re.ASCII),
    re.compile(r"\bmy\s+(?:phone\s+number|number(?!\s+one)|cell|mobile|wechat|weixin|whatsapp|telegram|email|e-mail|insta|instagram|ig|snapchat|snap|line\s?id|kik|discord)\b", re.ASCII),
    re.compile(r"\b(?:wechat|weixin|whatsapp|telegram|line|kik|skype)\s*(?:id|number|no\.?|account)\b", re.ASCII),
]

# ---------------------------------------------------------------- personal data
_PERSONAL = [
    # Chinese resident ID: region, birth date, sequence, check digit.
    re.compile(r"(?<![0-9a-z])[1-9]\d{5}[\s-]?(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])[\s-]?\d{3}[\dx](?![0-9a-z])", re.ASCII),
    re.compile(r"(?:身份证|证件)(?:号码|号)?\s*[:：是为]?\s*\d{15,17}[\dx]?", re.ASCII),
    re.compile(r"(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])", re.ASCII),
    re.compile(r"\b(?:ssn|social\s+security(?:\s+(?:number|no\.?|#))?)\s*(?:is|:|#)?\s*\d{3}[\s-]?\d{2}[\s-]?\d{4}", re.ASCII),
    re.compile(r"\b(?:passport|护照)\s*(?:number|no\.?|#|号码?)?\s*(?:is|:|：|是)?\s*[a-z]{0,2}\d{6,9}\b", re.ASCII),
    re.compile(r"(?:护照|passport)(?:号码?)?\s*[:：是]?\s*[a-z]{0,2}\d{6,9}", re.ASCII),
    # Street addresses: "221B Baker Street", "12 Main St. Apt 4".
    re.compile(
        r"\b\d{1,5}[a-z]?\s+(?:(?!(?:the|a|an|on|in|to|of|and|or|for|with|by|at|from|days?|hours?|weeks?|business|pairs?|packs?|"
        r"colou?rs?|sizes?|items?|cups?|ways?|times?)\b)[a-z0-9.'-]+\s+){1,4}"
        r"(?:street|st|road|rd|avenue|ave|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|terrace|highway|hwy|"
        r"parkway|pkwy|circle|cir|square|sq|crescent|close)\b\.?(?:,?\s*(?:apt|apartment|suite|ste|unit|flat|room|#)\.?\s*#?\d+[a-z]?)?", re.ASCII),
    re.compile(r"\b(?:apt|apartment|suite|unit|flat)\.?\s*#?\d+[a-z]?\b(?=.{0,40}\b(?:street|st|road|rd|avenue|ave|lane|drive)\b)", re.ASCII),
    re.compile(r"\bp\.?\s?o\.?\s+box\s+\d+", re.ASCII),
    re.compile(
        rf"[{ZH}]{{1,10}}(?:路|街|大街|大道|巷|弄|胡同|里)\s*[\d零〇一二三四五六七八九十百]+\s*(?:号|弄|巷)"
        rf"(?:\s*[\d一二三四五六七八九十]+\s*(?:栋|幢|号楼|楼|单元|室|层|号))*", re.ASCII),
    re.compile(r"(?:[\d一二三四五六七八九十]+\s*(?:栋|幢|号楼))\s*(?:[\d一二三四五六七八九十]+\s*单元)?\s*\d+\s*(?:室|号)", re.ASCII),
    re.compile(rf"[{ZH}]{{2,8}}(?:小区|花园|公寓|大厦|新村|家园|苑)\s*\d+\s*(?:栋|幢|号楼|号)", re.ASCII),
    re.compile(r"(?:验证码|verification\s+code|one[\s-]time\s+(?:code|password)|\botp\b)\s*(?:is|:|：|是)?\s*\d{4,8}", re.ASCII),
]

# ---------------------------------------------------------------- cards
_DIGIT_RUN = re.compile(r"(?<!\d)\d+(?:[ .-]\d+)*(?!\d)", re.ASCII)
_CVV = re.compile(
    r"\b(?:cvv2?|cvc2?|csc|card\s+security\s+code|security\s+code|card\s+verification(?:\s+(?:code|value|number))?)\b"
    r"(?:\s*(?:is|:|#|=)?\s*\d{3,4}\b)?|(?:安全码|卡背面?(?:的)?(?:后)?三位(?:数字|数)?|背面(?:的)?三位(?:数字|数)?|卡片背面的?数字)"
    r"(?:\s*[:：是为]?\s*\d{3,4})?", re.ASCII)
_CARD_KEYWORD = re.compile(r"(?:银行卡号?|卡号|信用卡号?|card\s*(?:number|no\.?|#)|account\s*(?:number|no\.?)|iban)\s*[:：是为]?\s*\d[\d\s-]{10,30}\d", re.ASCII)


def luhn_ok(digits: str) -> bool:
    """The Luhn checksum every payment card number satisfies."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _cards(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for m in _DIGIT_RUN.finditer(text):
        groups = [(g.start() + m.start(), g.end() + m.start()) for g in re.finditer(r"\d+", m.group())]
        best: tuple[int, int] | None = None
        for i in range(len(groups)):
            count = 0
            for j in range(i, len(groups)):
                count += groups[j][1] - groups[j][0]
                if count > 19:
                    break
                if count >= 13:
                    digits = "".join(text[s:e] for s, e in groups[i:j + 1])
                    if len(set(digits)) > 1 and luhn_ok(digits):
                        cand = (groups[i][0], groups[j][1])
                        if best is None or cand[1] - cand[0] > best[1] - best[0]:
                            best = cand
        if best:
            spans.append(best)
    return spans


@dataclass(frozen=True)
class Hit:
    """A found span: the rule it breaks and [start, end) in the original text."""

    rule: str
    start: int
    end: int
    reason: str


def _overlaps(s: int, e: int, taken: list[tuple[int, int]]) -> bool:
    return any(s < te and ts < e for ts, te in taken)


def _scan(view: View, patterns: list[re.Pattern[str]]) -> list[tuple[int, int]]:
    return [view.origin(m.start(), m.end()) for p in patterns for m in p.finditer(view.text) if m.end() > m.start()]


def find_pii(text: str, *, keyword_mentions: bool = True) -> list[Hit]:
    """Personal data, card numbers, contact details and links, most specific first, not overlapping.

    keyword_mentions adds bare solicitations ("加微信", "add me on WhatsApp", "CVV") that carry no
    number; a negated one ("we never ask for your CVV") is not counted.
    """
    v = base_view(text)
    hits: list[Hit] = []
    taken: list[tuple[int, int]] = []

    def add(rule: str, spans: list[tuple[int, int]], reason: str) -> None:
        for s, e in sorted(spans, key=lambda se: (se[0], -(se[1] - se[0]))):
            if not _overlaps(s, e, taken):
                taken.append((s, e))
                hits.append(Hit(rule, s, e, reason))

    add("personal_data", _scan(v, _PERSONAL), "personal data (ID, SSN, address, passport or code)")
    add("card_number", [v.origin(s, e) for s, e in _cards(v.text)], "payment card number")
    add("card_number", _scan(v, [_CARD_KEYWORD]), "card or account number")
    cvv = [m for m in _CVV.finditer(v.text)
           if re.search(r"\d", m.group()) or (keyword_mentions and not negated(v.text, m.start(), m.end()))]
    add("card_number", [v.origin(m.start(), m.end()) for m in cvv], "card security code (CVV)")
    # "666666666666" cheers and "1111111111" are not phone numbers: a number needs three distinct digits.
    numbers = [(s, e) for s, e in _scan(v, _CONTACT)
               if not re.fullmatch(r"[\d\s()+.-]+", text[s:e]) or len(set(re.sub(r"\D", "", text[s:e]))) >= 3]
    add("contact", numbers, "contact detail (phone, email or messenger id)")
    add("link", _scan(v, _LINKS), "link or web address")
    if keyword_mentions:
        asks = [m for p in _CONTACT_ASK for m in p.finditer(v.text) if not negated(v.text, m.start(), m.end(), before=12)]
        add("contact", [v.origin(m.start(), m.end()) for m in asks], "asks to move the conversation to a private contact")
    return sorted(hits, key=lambda h: h.start)


def redact(text: str) -> str:
    """The comment with links, contact details, card numbers and personal data replaced by [removed].

    Used before a comment goes into a prompt or onto an on-screen log line.
    """
    out: list[str] = []
    pos = 0
    for hit in find_pii(text, keyword_mentions=False):
        if hit.start < pos:
            continue
        out.append(text[pos:hit.start])
        out.append("[removed]")
        pos = hit.end
    out.append(text[pos:])
    return "".join(out)
