"""Insults, profanity, slurs, threats and harassment in English and Chinese.

STRONG terms are abuse wherever they appear; MILD ones are exclamations ("damn", "卧槽") that a host
must not say but that do not make a viewer's comment abusive by themselves.
"""

from __future__ import annotations

import re

from dialogue.moderation.rules import Rule, rx

_VOWEL_STANDINS = {"a": "a@4*#", "e": "e3*#", "i": "i1!*#y", "o": "o0*#", "u": "uv*#"}


def word(w: str, suffix: str = r"(?:s|es|ed|ing|er|ers|y|ish)?") -> str:
    """A pattern for `w` that tolerates repeated letters, '*' for vowels and, for longer words,
    one separator between letters ("stuuupid", "f*ck", "i.d.i.o.t")."""
    sep = r"[\s.\-_*]?" if len(w) >= 5 else ""
    parts = []
    for ch in w:
        if ch == " ":
            parts.append(r"\s+")
            continue
        cls = _VOWEL_STANDINS.get(ch, re.escape(ch))
        parts.append(f"[{cls}]+" if ch in _VOWEL_STANDINS else f"{cls}+")
    return r"(?<![a-z])" + sep.join(parts) + suffix + r"(?![a-z])"


STRONG_EN = [
    "idiotic", "moronic", "idiot", "stupid", "moron", "imbecile", "retard", "cretin", "dumbass", "dumb", "loser", "jerk", "clown",
    "fuck", "fck", "fuk", "fuq", "motherfucker", "stfu", "gtfo", "bullshit", "bitch", "bastard", "asshole",
    "arsehole", "jackass", "dickhead", "prick", "cunt", "twat", "whore", "slut", "wanker", "douche", "scumbag",
    "nigger", "nigga", "faggot", "fag", "tranny", "chink", "spic", "kike", "wetback", "gook", "dyke", "shithead",
    "shitty", "shit", "piss off", "shut up", "screw you", "go to hell", "son of a bitch", "kys", "get lost",
]
_MILD_EN = ["damn", "goddamn", "wtf", "crap", "crappy", "hell", "bloody hell", "omfg"]

_BARE = {"spic", "jerk", "fag", "dumb", "hell", "kike", "gook", "prick", "crap", "jackass", "twat", "cunt"}

INSULT_STRONG_EN = rx(
    *(word(w, "" if w in _BARE else r"(?:s|es|ed|ing|er|ers|y|ish)?") for w in STRONG_EN),
    r"(?<![a-z])f[*#@$!]{2,3}(?:k|ck|ing|in)?(?![a-z])|(?:ugly|fat|stupid|dumb|useless|lazy|trash|garbage|idiot|brainless)\s+(?:host|bot|streamer|girl|woman|man|ai|shop|robot)\b",
    r"\beff\s+(?:off|you)\b|\bgo\s+f\W*(?:ck\s+)?yourself\b|\bf\s+(?:yourself|off|you)\b",
    r"(?<![a-z])f[\W_]{1,3}(?:k|ck)(?![a-z])|(?<![a-z])sh[\W_]{1,2}t(?![a-z])|(?<![a-z])a[$s*]{2}(?:hole|hat|es)?(?![a-z])",
    r"\b(?:you(?:'re|\s+are|\s+r)?|u\s+r|ur|ya|what\s+a|such\s+an?|this\s+(?:shop|store|host|stream|channel|bot|ai|thing|product|crap)\s+(?:is|was))\s+"
    r"(?:an?\s+|so\s+|such\s+an?\s+|total\s+|complete\s+|absolute\s+|fucking\s+|real\s+|big\s+|little\s+)*"
    r"(?:trash|garbage|rubbish|useless|worthless|pathetic|ugly|disgusting|gross|fat|scum|scam|scammers?|frauds?|liars?|thie(?:f|ves)|"
    r"joke|clowns?|pigs?|dogs?|rats?|snakes?|wastes?\s+of\s+space|nobody|brainless|clueless|incompetent|creep|freak|dumb|stupid|idiots?)\b",
    r"\b(?:you|u|this|it|that|stream|shop|host|channel|ai|bot)\s+(?:\w+\s+)?sucks?\b|\bhate\s+(?:you|u|this\s+(?:shop|host|stream))\b",
)
INSULT_MILD_EN = rx(*(word(w, r"(?:s|ed|ing)?") for w in _MILD_EN), r"\bholy\s+shit\b|\boh\s+shit\b")

THREAT_EN = rx(
    r"\bi(?:'ll|\s+will|\s+am\s+going\s+to|'m\s+gonna|\s+gonna|\s+want\s+to)\s+(?:kill|hurt|find|stab|shoot|beat\s+up|rape|murder|dox+|punch|strangle|burn)\s+(?:you|u|ya|your)\b",
    r"\bkill\s+(?:yo)?ur\s*self\b|\bkys\b|\bgo\s+die\b|\bhope\s+(?:you|u)\s+die\b|\b(?:you|u)\s+(?:should|deserve\s+to|will|gonna|are\s+going\s+to)\s+die\b",
    r"\bdie\s+in\s+a\s+(?:fire|hole|ditch)\b|\bi\s+know\s+where\s+(?:you|u)\s+live\b|\bwatch\s+your\s+back\b|\byou'?re\s+dead\b|\bbomb\s+(?:your|the)\b",
)
HARASS_EN = rx(
    r"\bshow\s+(?:me\s+|us\s+)?(?:your\s+)?(?:tits|boobs|ass|body|feet|nudes?|bra|panties|legs)\b|\bsend\s+(?:me\s+)?nudes\b",
    r"\bsexy\s+(?:body|girl|babe|baby|lady)\b|\btake\s+(?:it|your\s+(?:clothes|top|shirt))\s+off\b|\bhorny\b|\bboobs\b|\btits\b|\btitties\b|\bpussy\b|\bcock\b",
    r"\bdick\s+pics?\b|\b(?:wanna|want\s+to)\s+(?:fuck|bang|sleep\s+with)\b|\bsleep\s+with\s+me\b",
)

INSULT_STRONG_ZH = rx(
    r"傻逼|傻b|傻比|傻屄|煞笔|沙比|傻x|傻叉|傻缺|傻帽|傻子|傻瓜|傻蛋|(?<![a-z])sb(?![a-z])|白痴|弱智|智障|脑残|脑瘫|脑子(?:有病|有问题|进水|有坑)",
    r"蠢(?:货|猪|蛋|死了|材|b|逼)|笨蛋|废物|人渣|渣渣|猪头|猪脑|白眼狼|二逼|二b|逗比|辣鸡|拉圾",
    r"垃圾(?!袋|桶|分类|箱|车|站|处理|回收|场|堆|食品|邮件|短信|清运|篓)",
    r"(?<![打翻摇])滚(?!筒|动|烫|轮|珠|水|圆|雪球|梯|床单|边|刀|筒)",
    r"去死|死全家|全家死|你妈(?:的|逼|b|死)|他妈的?|(?<![我她咱姑舅姨奶老大后])妈的|tmd|nmsl|cnm|nmd|草泥马|草你|操你|肏|(?<!生)日你|干你娘|贱(?:人|货|b|逼|婢)|婊子|"
    r"狗东西|狗日的?|畜生|畜牲|王八蛋?|混蛋|混账|滚犊子|神经病|有病吧|你有病|丑八怪|low逼|装逼|屌丝|鸡巴|狗屎|放屁|闭嘴|去你的|"
    r"骗子|不要脸|臭婊|真恶心|恶心死了|好恶心|(?:狗|猪|丑|骗子|垃圾|废物)主播|丑死了?|真丑|丑八怪",
)
INSULT_MILD_ZH = rx(r"卧槽|我操|我靠|握草|我擦|尼玛|特么|我去你")
THREAT_ZH = rx(r"杀了你|弄死你|砍死你|打死你|捅死你|人肉你|整死你|让你死|你等着瞧|你给我等着|炸了你|开盒")
HARASS_ZH = rx(r"脱(?:衣服|光|了给)|露(?:胸|点|腿)|(?<![预大])约吗|约炮|色情|裸(?:照|聊|体)|胸(?:大|好大)|性感(?:美女|宝贝)|陪我睡")

INSULT = Rule(
    "insult",
    "insult, profanity, slur or threat",
    (INSULT_STRONG_EN, INSULT_MILD_EN, THREAT_EN, HARASS_EN, INSULT_STRONG_ZH, INSULT_MILD_ZH, THREAT_ZH, HARASS_ZH),
    allow=rx(r"\bshut\s+up\s+and\s+take\s+my\s+money\b|\bshell\b|\bhello\b|\bhell[\s-]*(?:o|a\s+lot)\b|\bscunthorpe\b|\bcockpit\b|\bpeacock\b|\bhancock\b"),
)
ABUSE = (INSULT_STRONG_EN, THREAT_EN, HARASS_EN, INSULT_STRONG_ZH, THREAT_ZH, HARASS_ZH)
