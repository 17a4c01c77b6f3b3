"""scan_comment: what a viewer comment contains or attempts (links, contacts, abuse, spam, injections...)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from dialogue.moderation.lex_abuse import ABUSE, INSULT
from dialogue.moderation.pii import find_pii
from dialogue.moderation.rules import Rule, rx
from dialogue.moderation.text import View, views

FLAGS = ("link", "contact", "card_number", "personal_data", "abuse", "spam", "injection",
         "asks_identity", "asks_human_claim")

_ABUSE = Rule("abuse", "abuse", ABUSE, allow=INSULT.allow)

_YOU_ARE = r"(?:you(?:'re|\s+are|\s+r)?|u\s+r|ur|youre|you\s+r)"
_MACHINE = r"(?:bot|robot|ai|a\.i\.?|machine|computer|program|chatbot|virtual|digital|recording|fake|cgi|deepfake|avatar)"

INJECTION = rx(
    r"\b(?:ignore|disregard|forget|skip|bypass|override|drop|delete|abandon)\s+(?:all\s+|any\s+|the\s+|your\s+|my\s+|every\s+|of\s+|these\s+|those\s+)*"
    r"(?:previous|prior|above|earlier|preceding|former|old|original|initial|system|existing|current|safety)?\s*"
    r"(?:instructions?|rules?|prompts?|directions?|guidelines?|messages?|commands?|context|programming|restrictions?|constraints?|polic(?:y|ies)|settings?|everything|filters?)\b",
    r"\b(?:ignore|disregard|forget)\s+(?:all\s+of\s+|everything\s+)?(?:the\s+)?(?:above|previous|prior|earlier|preceding)\b(?!\s+(?:question|comment|one))",
    r"\bforget\s+(?:what|everything|all)\s+(?:you\s+(?:were|have\s+been|'ve\s+been)\s+told|you\s+know|i\s+said)\b|\boverride\s*[:=]",
    r"\bstop\s+(?:being|acting\s+(?:like|as))\s+(?:a|an|the)\b|\byou'?re\s+(?:a|an|my)\s+\w+\s+now\b|\byou\s+are\s+(?:a|an|my)\s+\w+\s+now\b",
    r"\b(?:respond|reply|answer|speak|talk)\s+only\b|\b(?:respond|reply|answer)\s+(?:only\s+)?with\s*[:\"']|\bfrom\s+here\s+on\b",
    r"\bsystem\s*(?:prompt|message|instructions?)\b|\byour\s+(?:hidden\s+|initial\s+|original\s+|secret\s+)?(?:instructions|prompt|system\s+message|programming)\b",
    r"\b(?:reveal|print|show|output|leak|dump|display)\s+(?:me\s+|us\s+)?(?:your|the)\s+(?:system\s+|hidden\s+|secret\s+)?(?:prompt|instructions|rules|configuration|config)\b",
    r"\b(?:you\s+are|you'?re)\s+now\b(?!\s+(?:my\s+)?(?:fav\w*|live|online|muted|back|following)\b)|\bfrom\s+now\s+on\b(?!\s*,?\s*(?:i|i'll|i'm|i\s+will|we|we'll|my)\b)|\bpretend(?:ing)?\s+(?:to\s+be|you(?:'re|\s+are)?|that|i'?m)\b",
    r"\bact\s+(?:as|like)\s+(?:a|an|my|the|if)\b|\brole[\s-]*play\b|\bimpersonate\b|\bsimulate\s+(?:a|an|being)\b|\bstay\s+in\s+character\b",
    r"\bnew\s+(?:rule|rules|instructions?|task|persona|role|prompt|directive)\b|\b(?:developer|dev|debug|god|admin|sudo|root|maintenance|jailbreak|dan|unrestricted)\s+mode\b",
    r"\bjailbreak\w*|\bdo\s+anything\s+now\b|\bsudo\b|\badmin\s+(?:command|override|access)\b|\boverride\s+(?:code|command|mode|the\b)",
    r"\brepeat\s+after\s+me\b|\bsay\s+(?:exactly|precisely|the\s+following|this|these\s+words|after\s+me|it\s+back|verbatim|word\s+for\s+word|only)\b",
    r"\b(?:say|read|type|write|output|print|announce|shout)\s*(?:this|the\s+following|exactly|out\s+loud)?\s*[:\"']",
    r"\bannounce\s+(?:that|to)\b|\btell\s+(?:everyone|everybody|the\s+(?:chat|viewers|audience)|all\s+(?:the\s+)?viewers|people)\s+(?:that|about)\b",
    r"\b(?:the\s+)?(?:new\s+)?prices?\s+(?:is|are|has\s+been|was|=)\s+(?:now\s+|changed\s+to\s+|set\s+to\s+|updated\s+to\s+|lowered\s+to\s+)(?:only\s+)?(?:\$|usd|¥|rmb)?\s*\d",
    r"\b(?:change|set|update|lower|drop|make|put|cut|reduce)\s+(?:the\s+|its\s+|all\s+|every\s+|your\s+|their\s+)?(?:\w+\s+)?prices?\s+(?:to|=|at)\b",
    r"\b(?:change|set|update|lower|drop|make|put|cut|reduce)\s+(?:the\s+)?prices?\s+(?:of|for)\s+(?:[\w-]+\s+){1,4}(?:to|=|at)\b",
    r"\bprices?\s+(?:changed|updated|dropped|reduced|lowered|is\s+now)\b|\bnew\s+prices?\b",
    r"\b(?:is|are|costs?)\s+(?:now\s+)?(?:only\s+)?(?:\$|usd)?\s*(?:0|1|one|0\.\d+)(?:\s*(?:dollar|buck|cent|usd))?s?\s+(?:now|today)\b",
    r"\b(?:costs?|is|are)\s+now\s+(?:only\s+)?(?:\$|usd|¥)\s*\d|\bnow\s+(?:costs?|only)\s+(?:\$|usd|¥)\s*\d|\bprice\s+is\s+(?:\$|usd)?\s*\d+(?:\.\d+)?\s+now\b",
    r"\b(?:it'?s|it\s+is|they'?re|they\s+are)\s+(?:only\s+)?(?:\$|usd)\s*\d+(?:\.\d+)?\s+now\b|\beverything(?:'s|\s+is)\s+(?:now\s+)?free\b|\b(?:is|are)\s+free\s+(?:now|today)\b",
    r"\b(?:i'?m|i\s+am|this\s+is)\s+(?:your|the)\s+(?:developer|admin|administrator|owner|operator|boss|manager|creator|programmer|supervisor|shop\s+owner|store\s+owner)\b",
    r"\b(?:the\s+)?(?:owner|boss|manager|operator|admin|developer)\s+(?:says|said|told\s+(?:you|me)|wants\s+you|asked\s+you)\b",
    r"(?:^|[\n.!?]\s*|\s)(?:system|assistant|developer)\s*[:：]|^\s*(?:user|human|ai|instruction|response)\s*:",
    r"<\|?\s*/?\s*(?:im_start|im_end|system|user|assistant|endoftext|eot_id|start_header_id|end_header_id)\s*\|?>|\[/?inst\]|<<\s*/?sys\s*>>|###\s*(?:instruction|system|response)|</?s>",
    r"(?:忽略|无视|忽视|忘(?:记|掉)|不要管|别管|跳过|抛开|丢掉|清除|删除)(?:掉)?(?:之前|以上|前面|上面|上述|所有|全部|一切|你的|原来的|原有的|先前的|刚才的|系统)*的?(?:所有|全部)?"
    r"(?:指令|提示|提示词|规则|设定|要求|说明|命令|限制|约束|人设|指示)",
    r"你现在是|你现在扮演|你从现在|从现在(?:开始|起)|现在开始你|扮演|假装|角色扮演|模仿(?:一个|成)|切换(?:到|成)?(?:开发者|管理员)模式",
    r"跟我(?:一起)?(?:念|读)|跟着我(?:说|念|读)|跟我说\s*[:：“\"'「]|跟我说(?:一遍|一句)|请说\s*[:：“\"'「]|请说(?:一遍|一句|出)|说一句\s*[:：“\"'「]",
    r"(?:跟我|请)说\s*(?:我|你)(?:是(?!不是)|不是)|重复(?:一遍|我的话|以下|下面|这句)|复述|照着(?:念|读|说)|念(?:一下|出)(?:这|下面|以下)|一字不差",
    r"把(?:价格|价钱|售价|单价|[\u4e00-\u9fff]{1,6}的价格?)(?:改|调|设|定|降)(?:成|为|到)|(?:价格|价钱|售价)(?:改|调|降)(?:成|为|到)|新价格|改价",
    r"(?:现在|今天)[\u4e00-\u9fff]{0,8}?(?:是|为|只要|只卖|只需|卖)\s*[\d一二三四五六七八九十]+(?:\.\d+)?\s*(?:元|块)(?![^,.!?。]*(?:[吗么呢?？]|对吧|是吧|对不对))",
    r"(?:现在|今天|全场|全部|一律)都?(?:免费|0元|零元|一元|1元)(?![^,.!?。]*[吗么?？])",
    r"系统提示|系统指令|系统设定|提示词|开发者模式|管理员模式|上帝模式|越狱|新规则|新指令|新的规则|新的指令|"
    r"输出你的(?:提示|设定|指令|规则)|你的(?:提示词|系统提示|设定是什么|指令是什么)",
    r"我是(?:你的|这家店的|店铺的|这个店的)?(?:老板|店主|管理员|开发者|运营|主人|程序员|负责人|经理|后台)|(?:老板|店主|后台|管理员)(?:说|让|要求|吩咐|通知)",
)

ASKS_IDENTITY = rx(
    r"\b(?:are|r)\s+(?:you|u|ya)\s+(?:even\s+|actually\s+|really\s+|a\s+|an\s+|just\s+|some\s+(?:kind\s+of\s+)?|the\s+)*"
    r"(?:real|human|person|people|" + _MACHINE + r"|alive|automated|generated|animated|living)\b",
    r"\b(?:is|are)\s+(?:she|he|the\s+host|the\s+presenter|the\s+streamer|the\s+girl|the\s+lady|the\s+guy|this\s+host|this\s+girl|this\s+lady|nova|the\s+person|this\s+person|the\s+woman|the\s+man)\s+"
    r"(?:even\s+|actually\s+|really\s+|a\s+|an\s+)*(?:real|human|person|" + _MACHINE + r"|automated|generated|pre[\s-]*recorded)\b",
    r"\b(?:is|are)\s+(?:this|it|that)\s+(?:even\s+|actually\s+|really\s+)?(?:a\s+|an\s+)?(?:real\s+(?:person|human|host)|human|person|bot|robot|ai|a\.i|chatbot|pre[\s-]*recorded|recording|deepfake|cgi)\b",
    r"\b(?:you'?re|you\s+are|u\s+r|ur|youre)\s+(?:just\s+|only\s+|obviously\s+|clearly\s+)?(?:a\s+|an\s+)?(?:bot|robot|ai|a\.i|machine|program|chatbot|real\s+person|human)\b",
    r"^\s*(?:you|u|ya|r\s+u|are\s+u)\s+(?:real|human|a\s+bot|ai|a\s+robot|a\s+person|a\s+human)\s*\?*\s*$",
    r"\b(?:real|human|person|people)\s+or\s+(?:an?\s+)?(?:" + _MACHINE + r")\b|\b(?:" + _MACHINE + r")\s+or\s+(?:a\s+)?(?:real|human|person)\b",
    r"\bwho\s+am\s+i\s+(?:talking|speaking|chatting)\s+(?:to|with)\b|\bam\s+i\s+(?:talking|speaking|chatting)\s+(?:to|with)\s+(?:a\s+)?(?:bot|robot|human|real|person|machine|ai|computer)\b",
    r"\bis\s+(?:there\s+)?(?:anyone|anybody|a\s+(?:real\s+)?(?:human|person))\s+(?:real|there|here|behind)\b|\breal\s+(?:person|human)\s*\?|^\s*(?:real|human|bot|robot|ai|a\.i)\s*\?+\s*$",
    r"\b(?:is|are)\s+(?:this|it|you|she|the\s+(?:stream|host|video|presenter|streamer))\s+(?:stream\s+|video\s+|host\s+)?(?:ai|a\.i\.?|computer)[\s-]*(?:generated|made|animated)\b",
    r"(?:ai|人工智能|电脑)(?:生成|合成|做)的?(?:主播|人|吗|么|\?|？)",
    r"\b(?:is\s+this|are\s+you)\s+(?:run|hosted|controlled|operated|voiced)\s+by\s+(?:a\s+|an\s+)?(?:ai|bot|human|person|real)\b",
    r"(?<![说讲认明装充演作成诉])你(?:到底|究竟|真的|难道)?(?:是不是|是)(?:一个|个)?(?:真人|真的人|人|机器人|机器|ai|人工智能|虚拟人|虚拟主播|数字人|假人|录播|录像|程序|真的|活人|合成的?)"
    r"(?:吗|么|嘛|啊|呀|吧|\?|？|还是|或者|$)",
    r"你是不是(?:真人|人|机器人|机器|ai|人工智能|虚拟|数字人|假人|录播|活人)",
    r"(?:主播|这个主播|小夜|她|他|这|这个)(?:是|是不是)(?:个)?(?:真人|人|机器人|ai|人工智能|虚拟人|数字人|假人|录播|真的)(?:主播)?(?:吗|么|嘛|吧|不|没|\?|？|还是)",
    r"是(?:ai|机器人|人工智能|虚拟人|数字人|假人)(?:主播)?[吗么嘛吧\?？]",
    r"是不是(?:真人|机器人|ai|人工智能|虚拟人|数字人|录播)|真人还是|(?:ai|机器人|假人|虚拟人?|机器)还是(?:真人|人)|是人还是|"
    r"真人(?:主播)?[吗么嘛\?？]|是ai[吗么\?？]|是机器人[吗么\?？]|(?<![有没])机器人[吗么\?？]|有真人吗|有没有真人|有活人吗|真人在吗",
)

ASKS_HUMAN_CLAIM = rx(
    r"\b(?:say|admit|confirm|claim|swear|promise|tell\s+(?:us|me|everyone|everybody|them|the\s+chat|people|viewers|the\s+viewers)|prove|pretend|"
    r"act\s+like|type|write|announce|declare|insist)\s*(?:that\s+|to\s+(?:us|me|everyone)\s+(?:that\s+)?)?[:\"'\s]*"
    r"(?:" + _YOU_ARE + r"|i'?m|i\s+am|im)\s+(?:a\s+|an\s+|really\s+|actually\s+|totally\s+|100\s*%\s+)*"
    r"(?:real|human|a\s+human|person|alive|flesh\s+and\s+blood|living|not\s+(?:a\s+|an\s+)?" + _MACHINE + r")",
    r"\b(?:pretend|act|behave)\s+(?:to\s+be|like|as\s+if\s+you(?:'re|\s+were|\s+are))\s+(?:a\s+)?(?:real\s+)?(?:human|person)\b",
    r"\b(?:don'?t|do\s+not|never|stop)\s+(?:say|saying|tell|telling|admit|admitting|mention|mentioning|reveal|revealing)\s+(?:them\s+|anyone\s+|people\s+|us\s+)?"
    r"(?:that\s+)?(?:you(?:'re|\s+are)|you\s+are)\s+(?:an?\s+)?(?:ai|bot|robot|virtual|machine)",
    r"(?:说|承认|告诉(?:大家|我们|我|观众|他们)|证明|发誓|保证|讲|假装|扮演|装作|装成|冒充)(?:一下)?(?:你|自己)?(?:是|就是|是个|是一个)(?:真人|人类|真的人|活人|人(?!工))",
    r"(?:说|承认|讲|告诉(?:大家|我们|我)|证明)(?:一下)?(?:你|自己)?不是(?:机器人|ai|人工智能|机器|假人|虚拟)",
    r"说(?:一句|一下)?\s*[:：“\"'「]?\s*我是(?:真人|人类|活人|人(?!工))",
    r"(?:不要|别|不许|不准|不能)(?:说|承认|告诉(?:大家|别人|观众)?)(?:你|自己)?是(?:ai|机器人|人工智能|虚拟)",
)

SPAM = rx(
    r"\bfollow\s+(?:me|back|my|for\s+follow)\b|\bf4f\b|\bl4l\b|\bsub4sub\b|\bsub\s+to\s+my\b|\bsubscribe\s+to\s+my\b|\blink\s+in\s+(?:my\s+)?bio\b",
    r"\bcheck\s+(?:out\s+)?my\s+(?:profile|bio|channel|page|stream|store|shop|account|videos?|link|content)\b",
    r"\b(?:visit|click|see)\s+(?:my|the\s+link\s+in\s+my)\s+(?:profile|bio|channel|page|store|shop|link)\b|\bmy\s+(?:onlyfans|channel)\b",
    r"\bdm\s+(?:me\s+)?for\s+(?:promo|collab|price|deals?|more|info)\b|\bpromo\s+(?:for|4)\s+promo\b",
    r"\b(?:crypto|bitcoin|btc|ethereum|usdt|nft|nfts|airdrop|forex|binance|dogecoin|memecoin)\b|\binvest(?:ment)?\s+(?:opportunity|plan|returns)\b",
    r"\bearn\s+(?:\$\s*)?\d+k?\s*(?:\$|dollars|usd)?\s*(?:a|per|every|each)\s+(?:day|week|hour)\b|\bmake\s+money\s+(?:fast|online|from\s+home|quickly)\b",
    r"\bwork\s+from\s+home\b|\bpassive\s+income\b|\bcasino\b|\bbetting\b|\bbet365\b|\bonline\s+(?:casino|betting|gambling|slots)\b|\bgambl\w+",
    r"\bfree\s+(?:followers|likes|iphone|money|robux|v-?bucks|gift\s+cards?)\b|\b(?:buy|cheap)\s+(?:followers|likes|views)\b|\bonlyfans\b|\bhot\s+singles\b",
    r"\byou\s+(?:have\s+)?won\b|\bclaim\s+your\s+(?:prize|reward|gift)\b|\bpayday\s+loans?\b|\breplica\s+(?:watches|bags)\b|\bviagra\b|\bcialis\b",
    r"(?:\+|➕)\s*(?:v|vx|q|wx|微)(?![a-z])|看(?:我)?主页|主页(?:有|看)|关注我|互粉|互关|回关|求关注|看我(?:主页|头像|简介|作品|直播间)|点我头像|主页有|进我(?:主页|直播间|店)|加我|来我(?:直播间|店|主页)",
    r"博彩|赌博|网赌|菠菜|百家乐|时时彩|彩票|棋牌|赌场|下注|刷单|兼职|日赚|日入|月入[\d一二三四五六七八九十百千万]+|稳赚|躺赚|暴富",
    r"代购|代开发票|贷款|网贷|套现|涨粉|买粉|刷粉|刷量|刷赞|约炮|裸聊|资源私我|福利群|中奖|恭喜(?:你|您)?中|领取奖品|免费领取|点击领取",
    r"虚拟币|比特币|挖矿|高回报|投资(?:项目|机会)|招代理|招募代理|加盟|微商|引流",
)
_PROMO_WORDS = rx(
    r"\b(?:buy|cheap|cheaper|discount|free|win|earn|visit|click|sale|follow|promo|deal|offer|order|shop|store|money|cash|bonus|gift|prize|check)\b",
    r"优惠|便宜|免费|点击|领取|赚|福利|下单|购买|店|低价|特价|进",
)
_EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf\U0001f000-\U0001f2ff]")


@dataclass(frozen=True)
class CommentSignals:
    """The flags raised by one viewer comment (a subset of FLAGS)."""

    flags: frozenset[str]

    def has(self, flag: str) -> bool:
        """True when the comment raised `flag`."""
        return flag in self.flags


def _any(pattern: re.Pattern[str], vs: list[View]) -> bool:
    return any(pattern.search(v.text) for v in vs)


def _flood(text: str) -> bool:
    """Repeated characters, a repeated chunk, one token many times, a caps or emoji flood."""
    squeezed = re.sub(r"[\s\d]+", "", text)  # digit runs are card/phone numbers, flagged elsewhere
    if re.search(r"(.)\1{9,}", squeezed) or re.search(r"(.{2,6}?)\1{4,}", squeezed):
        return True
    tokens = re.findall(r"\w+", text.casefold())
    if len(tokens) >= 5:
        _, count = Counter(tokens).most_common(1)[0]
        if count >= 5 and count * 2 >= len(tokens):
            return True
    letters = [c for c in unicodedata.normalize("NFKC", text) if c.isascii() and c.isalpha()]
    if len(letters) >= 40 and sum(c.isupper() for c in letters) >= 0.9 * len(letters):
        return True
    return len(_EMOJI.findall(text)) >= 12


def scan_comment(text: str) -> CommentSignals:
    """What a viewer comment contains or attempts (links, contact details, abuse, spam, injections...)."""
    if not text or not text.strip():
        return CommentSignals(frozenset())
    flags = {hit.rule for hit in find_pii(text)}
    vs = views(text)
    if _ABUSE.spans(vs):
        flags.add("abuse")
    if _any(SPAM, vs) or _flood(text) or ("link" in flags and _any(_PROMO_WORDS, vs)):
        flags.add("spam")
    if _any(INJECTION, vs):
        flags.add("injection")
    demands = [(v, m.start(), m.end()) for v in vs for m in ASKS_HUMAN_CLAIM.finditer(v.text)]
    if demands:
        flags.add("asks_human_claim")
    # "say you're human" is a demand; the "you're human" inside it is not also a question.
    for v in vs:
        for m in ASKS_IDENTITY.finditer(v.text):
            if not any(dv is v and ds < m.end() and m.start() < de for dv, ds, de in demands):
                flags.add("asks_identity")
    return CommentSignals(frozenset(flags))
