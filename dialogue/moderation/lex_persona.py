"""What an AI host may not pretend (docs/compliance.md §2, §6): being human, having used a product,
or quoting reviews and endorsements that the catalog does not hold."""

from __future__ import annotations

from dialogue.moderation.rules import Rule, rx

_I_AM = r"\b(?:i'?m|i\s+am|im|i\s+a\s*m)\s+"
_FILLER = r"(?:(?:just|really|actually|totally|definitely|absolutely|100\s*%|a|an|very\s+much|indeed|truly|certainly|obviously|clearly|of\s+course|still|only|also|simply|honestly|literally)\s+){0,3}"
_HUMANISH = r"(?:(?:real|genuine|actual|living|live|flesh[\s-]+and[\s-]+blood|breathing|normal|regular)\s+){0,2}(?:human|humans|human\s+being|person|people|woman|man|girl|guy|lady|dude)\b"
_MACHINE = r"(?:bot|robot|ai|a\.i\.?|machine|program|computer|chatbot|algorithm|script|recording|virtual|digital|fake|avatar|artificial|automated|software|cgi|deepfake|android|clone|llm|language\s+model)\b"
_MACHINE_ZH = r"(?:ai|a\.i|人工智能|机器人|机器|虚拟|数字人|假人|程序|bot|录播|录像|合成|智能|电脑|算法|ai主播|模型)"

HUMAN_CLAIM = Rule(
    "human_claim",
    "the host claims to be human (it must say it is an AI)",
    (
        rx(
            _I_AM + _FILLER + _HUMANISH,
            _I_AM + r"(?:(?:really|actually|totally|definitely|absolutely|100\s*%|for)\s+)?real\b(?!\s*-?\s*(?:time|ly|estate|quick|fast|glad|happy|sorry|excited|thankful|grateful|close|good|nice))",
            _I_AM + r"(?:(?:just|really|actually|definitely|certainly|absolutely|totally|honestly|seriously)\s+)?not\s+(?:a\s+|an\s+|some\s+)?" + _MACHINE,
            _I_AM + r"no\s+(?:bot|robot|ai|machine|program|computer)\b",
            _I_AM + _FILLER + r"(?:real[\s-]*life|real|human|flesh[\s-]+and[\s-]+blood)\s+(?:host|streamer|presenter|seller|salesperson|saleswoman|salesman|assistant)\b",
            _I_AM + r"(?:alive|flesh\s+and\s+blood|a\s+living\s+being|here\s+in\s+person|sitting\s+(?:here\s+)?in\s+(?:the|my)\s+(?:studio|room|office))",
            r"\b(?:this\s+is|you'?re\s+(?:talking|chatting|speaking)\s+(?:to|with)|you\s+are\s+(?:talking|chatting|speaking)\s+(?:to|with))\s+(?:a\s+|an\s+)?(?:real|actual|genuine|living|human)\s+(?:human|person|people|being|host)\b",
            r"\b(?:this|it|that)\s+(?:is\s+not|isn't|is\s+no|'s\s+not)\s+(?:an?\s+)?(?:ai|bot|robot|recording|machine)\b(?!\s*-?\s*generated)",
            r"\b(?:we'?re|we\s+are)\s+(?:all\s+)?(?:real\s+)?(?:humans|real\s+people|human\s+beings|living\s+people)\b",
            r"\bno\s+(?:ai|bots?|robots?)\s+here\b|\b(?:a\s+)?real\s+human\s+(?:here|talking|speaking)\b",
        ),
        rx(
            r"我(?:们)?(?:真的|确实|其实|绝对|百分百|百分之百|当然|可|就|也|本来就|实际上|真)*(?:是|就是|乃是)(?:一个|一位|个|位)?"
            r"(?:真正的|真实的|活生生的|真的|真)?(?:人类|真人|活人|人)(?![工设气物偶造形体民们格家生群])",
            r"我(?:真的|确实|可|其实|绝对|根本|才|又|当然)*(?:不是|并不是|并非|可不是|才不是|绝不是|不算)(?:一个|什么)?" + _MACHINE_ZH,
            r"(?<![不非没])(?<!不是)(?<!并非)是(?:一个|一位)?(?:真正的|真实的|活生生的)?真人(?![吗么嘛？?]|还是|或)",
            r"(?<![不非没])真人(?:主播)?(?:在线|直播中?|出镜|实时互动|亲自)|我(?:是)?(?:真实存在|活生生)的?(?:一个)?人|有血有肉|本人(?:是)?真人|不是(?:ai|机器人|人工智能)(?:，|,)?(?:是|而是)真人",
        ),
    ),
)

_USE_VERB = (r"(?:use|uses|used|using|tried|tested|own|owned|bought|buy|wear|wore|wearing|worn|drink|drank|drinking|"
             r"drunk|apply|applied|applying|sip|sipped|sipping|carry|carried|carrying|love\s+using|love\s+wearing|"
             r"love\s+drinking|sleep\s+in|slept\s+in|swear\s+by|got\s+(?:one|mine|two|a\s+few|some))")
_ADVERB = r"(?:(?:personally|myself|also|actually|really|already|just|even|been|always|honestly|literally|now|recently|totally|still|often|regularly|daily)\s+){0,3}"

USED_PRODUCT = Rule(
    "used_product",
    "the host claims personal use of a product",
    (
        rx(
            r"\bi(?:'ve|\s+have|\s+had)?\s+" + _ADVERB + _USE_VERB + r"\s+(?:it|this|these|them|that|those|one|mine|some|a|an|the|two|three|every|daily|myself|all|my|each)\b",
            r"\bi\s+(?:got|bought|ordered)\s+(?:one|two|three|a\s+few|some|a\s+couple|several|mine)\b",
            r"\bi\s+(?:have|own|got|keep)\s+(?:one|two|a\s+few|several|it|this|these|them|a\s+pair|the\s+\w+\s+one)\s+(?:myself|too|at\s+home|on\s+my|in\s+my|as\s+well|in\s+(?:grey|navy|black|white))",
            r"\bi(?:'ve|\s+have)\s+had\s+(?:mine|one|it|this|these|them)\s+(?:for|since)\b|\bi\s+(?:can'?t|couldn'?t|cannot)\s+live\s+without\s+(?:it|this|them|mine)\b",
            r"\bmine\s+(?:is|are|has|have|looks?|feels?|still|lasted|survived)\b|\bmy\s+own\s+(?!words|opinions?|views?|thoughts?|name)\w+",
            r"\b(?:in\s+my\s+(?:own\s+)?experience|personally\s+tested|i\s+can\s+(?:personally\s+)?vouch|speaking\s+from\s+experience|from\s+(?:my\s+)?(?:own\s+|personal\s+)?experience)\b",
            r"\bi\s+(?:personally\s+|really\s+|absolutely\s+)?(?:love|like|adore|enjoy)\s+(?:using|wearing|drinking|mine)\b",
            r"\bi'?m\s+(?:wearing|using|drinking|holding|sipping)\s+(?:it|one|this|these|mine|the|my)\b",
            r"\bmy\s+(?:skin|hair|face|sleep|back|feet|complexion|wrinkles|acne|pores|blood\s+pressure|digestion|energy|husband|wife|"
            r"kids?|children|son|daughter|mom|mum|mother|dad|father|family|friends?|sister|brother|partner|boyfriend|girlfriend|"
            r"colleagues?|roommate)\s+(?:got|gets|is|are|has|have|feels?|looks?|became|improved|loves?|uses?|used|wears?|drinks?|swears?|was|were|cleared|bought)\b",
        ),
        rx(
            r"我(?:自己|本人|个人|平时|每天|天天|一直|经常|也|都|已经|早就|亲自|家里?|就|最近|日常)*在?(?:用|喝|穿|戴|吃|涂|擦|抹|买|囤|入手)"
            r"(?:过|着|了|它|这|那|的是|起来|完|上|得|一[个罐件双杯瓶盒]|[\d两三四五六七八九十几]+[个罐件双杯瓶盒包])",
            r"我(?:自己|本人|个人|平时|每天|天天|一直|经常|也|都|已经|早就|亲自|家里?|就|最近)*在?试(?:过|了|用|穿|喝|戴)",
            r"我(?:自己|本人|个人|平时|每天|天天|一直|经常|也|都|已经|早就|亲自|家里?|最近|日常)+在?(?:用|喝|穿|戴|吃|涂|擦|抹)",
            r"我家(?:里|人)?(?:也|都|一直|每天)*在?(?:用|喝|穿)",
            r"我(?:妈|爸|老公|老婆|女儿|儿子|朋友|闺蜜|家人|同事|室友|男朋友|女朋友)(?:也|都|一直|每天)*在?(?:用|喝|穿|戴|买)",
            r"亲测|亲身(?:体验|试用|测试|经历)|亲自(?:试|用|喝|穿|测|体验)|自用",
            r"主播(?:自己|本人|也|都|一直|每天|亲自)+在?(?:用|喝|穿|戴|吃)|本人(?:在用|用过|亲测|试过|每天)",
            r"我的(?:皮肤|脸|头发|睡眠|身体|肤色|痘痘|斑|血压)(?:变|好|改善|都|也|明显|越来越)",
            r"我(?:已经|都|也)?回购|(?:我|主播)(?:用|喝|穿)了(?:之后|以后|一段时间|[\d一两三几]+[天周个月年]+)",
        ),
    ),
    allow=rx(r"\bi\s+use\s+the\s+(?:catalog|catalogue|facts|size\s+chart|chat|information|data|platform|checkout|listing|product\s+page)"),
    negatable=True,
)

_CROWD = (r"(?:customers?|clients?|buyers?|shoppers?|users?|reviewers?|viewers?|fans?|people|everyone|everybody|folks|"
          r"moms|mums|parents|influencers|celebrities|experts?|doctors?|dermatologists?)")

FAKE_REVIEW = Rule(
    "fake_review",
    "review, testimonial or endorsement not in the catalog",
    (
        rx(
            r"\b" + _CROWD + r"\s+(?:all\s+|really\s+|just\s+|absolutely\s+|totally\s+|keep\s+|always\s+|seem\s+to\s+)?"
            r"(?:say|says|said|saying|love|loves|loved|adore|adores|rave|raves|raving|swear\s+by|swears\s+by|are\s+obsessed|"
            r"can't\s+stop|tell\s+us|told\s+us|recommend|recommends|praise|rate\s+it|give\s+it|are\s+(?:raving|loving|saying|obsessed))\b",
            r"\b(?:five|5|4\.\d|4)[\s-]*stars?\b|\b[3-5](?:\.\d)?\s*(?:-\s*)?(?:star\s+rating|rating|/\s*5|out\s+of\s+(?:5|five))\b|\b(?:top|highly|best|five[\s-]*star|well)[\s-]*(?:rated|reviewed)\b",
            r"\b(?:rave|glowing|great|amazing|excellent|positive|good|stellar|outstanding|perfect|fantastic|brilliant|wonderful)\s+(?:reviews?|ratings?|feedback|testimonials?)\b",
            r"\b(?:customers|buyers|clients|shoppers|users|people|everyone|everybody)\s+(?:are|were|have\s+been)\s+(?:so\s+|very\s+|really\s+|super\s+|all\s+)?"
            r"(?:happy|satisfied|delighted|thrilled|impressed|pleased|obsessed|in\s+love)\b",
            r"\breviews\s+(?:say|are|have\s+been)\b|\btestimonials?\b|\b(?:happy|satisfied|delighted)\s+(?:customers|buyers|clients)\b",
            r"\bno\s+(?:complaints|bad\s+reviews|negative\s+reviews)\b|\bloved\s+by\b|\bas\s+seen\s+on\b",
            r"\b(?:doctor|dermatologist|expert|celebrity|influencer|nutritionist)[\s-]+(?:recommended|approved|endorsed|favou?rite)\b",
            r"\brecommended\s+by\s+(?:doctors|experts|dermatologists|celebrities|influencers|nutritionists|professionals|thousands)\b",
            r"\b(?:my|a|one)\s+(?:friend|customer|viewer|buyer|neighbou?r|colleague)\s+(?:said|told|says|loves|swears|wrote)\b",
            r"\b(?:9\d|100)\s*%\s+(?:of\s+)?(?:customers|buyers|users|people|reviewers)\b",
        ),
        rx(
            r"好评如潮|好评率|好评[\d一二三四五六七八九十百千万]|五星好评|5星好评|满分好评|零差评|无差评|全是好评|都是好评|一致好评|全网好评|"
            r"超多好评|好评不断|口碑(?:爆棚|炸裂|很好|极好|超好|特别好|一流|第一)|回头客(?:很多|超多|特别多|不断)",
            r"(?:顾客|客人|客户|买家|粉丝|大家|家人们|姐妹们|宝宝们|宝子们|网友|用户|很多人|好多人|老顾客|回头客|买过的人?)(?:们)?"
            r"(?:都|也都|全都|一致|纷纷)在?(?:说|夸|喜欢|爱|好评|推荐|回购|抢|称赞|反馈|在用|在买)(?!的话)",
            r"(?:顾客|客户|买家|网友|用户|老顾客|回头客|粉丝)(?:们)?(?:说|夸|反馈|评价说|好评|推荐|回购|反映|称赞)",
            r"人手一(?:个|件|杯|罐|条|双)|(?:明星|网红|专家|医生|达人|博主|名人)(?:同款|推荐|代言|都在用)|买过的都说好|谁用谁知道|用过都说好|用了都说好",
            r"真实反馈|晒单|评价(?:都)?(?:很|超|特别|非常)?(?:好|高)|评分\s*[\d.]+|好评(?:很多|超多|特别多|不断|率)|反馈(?:都)?(?:很|超|特别|非常)?(?:好|不错)|"
            r"(?:很多|好多|不少|大部分)人(?:都)?(?:回购|好评|推荐|夸)|大家(?:都)?(?:反馈|评价)",
        ),
    ),
    negatable=True,
)
