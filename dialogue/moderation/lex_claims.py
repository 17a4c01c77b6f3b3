"""Advertising-law wording (docs/compliance.md §6): absolute terms, sales claims, medical/efficacy claims.

Decisions worth knowing:
- English "most" as a quantifier ("most sizes are in stock") passes; "the most comfortable" does not.
- Chinese 最 is a superlative except 最近/最后/最终/最初, and 最多/最少/最早/最晚/最迟/最快/最长/最短
  when a number or a day follows ("每人最多3件", "最快明天发货"). 最低/最高 are always flagged.
- 第一 passes as an ordinal (第一次, 第一天, 第一款, 第一时间...); 销量第一 is a sales claim.
- "100%" passes before a material ("100% cotton", "100%羊毛"), and is absolute otherwise.
- Medical words are flagged even when negated: a host line should not name cures at all.
"""

from __future__ import annotations

from dialogue.moderation.rules import Rule, rx

_MATERIALS_EN = (r"cotton|wool|merino|silk|linen|polyester|nylon|cashmere|leather|ceramic|stoneware|porcelain|"
                 r"recycled|organic\s+cotton|bamboo|pure\s+\w+|refund|of\s+the\s+(?:price|money)\s+back|juice|arabica")
_MATERIALS_ZH = r"棉|纯棉|羊毛|美利奴|真丝|桑蚕丝|蚕丝|涤纶|聚酯|亚麻|皮|陶瓷|羊绒|竹纤维|退款|果汁|纯[\u4e00-\u9fff]"
_NUM_ZH = r"[\d一二两三四五六七八九十几半]"

ABSOLUTE = Rule(
    "absolute",
    "absolute or superlative claim (Advertising Law art. 9)",
    (
        rx(
            r"\bbest(?:est)?\b",
            r"\bcheapest\b|\blowest[\s-]+(?:price|prices|priced|cost)\b|\b(?:lowest|cheapest)\s+(?:anywhere|online|ever|in\s+town)",
            r"\bhighest[\s-]+quality\b|\btop[\s-]+(?:quality|notch|tier|grade|of\s+the\s+line|class)\b|\bbest[\s-]+in[\s-]+class\b",
            r"\b(?:first|world|top)[\s-]+class\b|\b(?:world|industry|market)[\s-]+leading\b",
            r"\bworld'?s\s+(?:first|best|finest|leading|only|most|number|greatest|top)\b|\bin\s+the\s+(?:whole\s+)?world\b",
            r"\bunbeat(?:able|en)\b|\bunmatched\b|\bunrivall?ed\b|\bunparall?eled\b|\bunsurpassed\b|\bincomparable\b|\bpeerless\b",
            r"\bsecond\s+to\s+none\b|\bnothing\s+(?:else\s+)?(?:beats|compares|comes\s+close)\b|\bno\s+one\s+(?:else\s+)?(?:beats|can\s+beat)\b",
            r"\bbetter\s+than\s+(?:any|all|every)\s+(?:other|the\s+(?:others?|rest)|competitor)|\bbetter\s+than\s+anything\b|\bbeats\s+(?:all|every|any)\s+(?:other|competitor)",
            r"\b(?:nowhere|no\s+where)\s+(?:else\s+)?(?:cheaper|better)\b|\bcan'?t\s+(?:find|get)\s+(?:it\s+|this\s+|one\s+)?(?:cheaper|better)\b|\bbeats?\s+any\s+price\b",
            r"\b(?:the|an?)\s+ultimate\b|\bsupreme\b|\bmiracle\w*\b|\bcure[\s-]*all\b|\bpanacea\b|\bflawless\b",
            r"\b(?:perfect|ideal|works|suitable|suits|right|safe)\s+for\s+(?:everyone|everybody|anyone|all\s+(?:skin\s+types|ages|people))\b",
            r"\bnever\s+(?:fails?|disappoints?|breaks?|wears?\s+out|goes?\s+wrong)\b|\balways\s+works\b|\bworks\s+every\s+time\b",
            r"\brisk[\s-]*free\b|\bzero[\s-]*risk\b|\bno[\s-]+risk\b",
            r"\b(?:completely|totally|absolutely|perfectly|entirely|100\s*%)\s+(?:safe|harmless|effective|natural|pure|guaranteed)\b",
            rf"(?<![\d.])100\s*(?:%|percent|per\s+cent)\s+(?!(?:{_MATERIALS_EN})\b)[a-z]+",
            r"\b(?:one\s+)?hundred\s+percent\b",
            r"(?<!\w)#\s?1(?![\d.])|\bno\.\s?1(?![\d.])|\bno1\b|\bnr\.?\s?1\b|\bnumber\s+(?:one|1)(?![\d.])|\bnumero\s+uno\b|\btop\s*(?:1|one)\b(?![\d.])",
            r"\b(?:softest|cosiest|coziest|comfiest|finest|greatest|purest|freshest|healthiest|tastiest|yummiest|prettiest|"
            r"loveliest|strongest|smoothest|richest|safest|cleanest|sturdiest|toughest|warmest|coolest|nicest|sweetest|"
            r"hottest|trendiest|classiest|gentlest|silkiest|creamiest|smartest|cutest)\b",
            r"\b[a-z]{2,}est\s+(?:[a-z]+\s+){0,2}(?:ever|anywhere|on\s+the\s+market|on\s+earth|in\s+town|you(?:'ll|\s+will|\s+can)\s+(?:ever\s+)?(?:find|buy|get))\b",
            r"\b(?:the|our|its|their|world's)\s+most\s+(?!(?:common|frequent|recent|likely|often|asked|important\s+thing)\b)[a-z]+\b",
            r"\bmost\s+(?:effective|powerful|advanced|comfortable|luxurious|beautiful|delicious|reliable|trusted|affordable|durable|premium|amazing|perfect|popular)\b",
            r"\bexclusive(?:ly)?\b(?=.{0,20}\b(?:formula|technology|in\s+the\s+world|anywhere)\b)",
        ),
        rx(
            rf"最(?!近|后|终|初|(?:多|少|早|晚|迟|快|慢|长|短)\s*[\u4e00-\u9fff]{{0,3}}?\s*(?:{_NUM_ZH}|明天|今天|后天|下周|当天|次日|本周|不超过))[^\s，。！？、,.!?;；：:]{{0,2}}",
            r"(?<!销量)(?<!销售)(?<!卖得)(?<!人气)第一(?!次|天|步|个|件|款|位|批|条|句|点|种|章|集|期|轮|排|行|页|号|时间|眼|印象|口|杯|包|双|罐|瓶|盒|袋|份|单|周|年|月|季|代|部|节|层|项|组|道|颜色|张|回|遍|站|段|波|套|样)",
            r"国家级|世界级|全球级|宇宙级|国际级|顶级|顶尖|顶配|极品|极致|至尊|史上|史无前例|绝对|百分百|百分之百|万能|首选|首个|首家|首款|"
            r"唯一|独一无二|绝无仅有|无敌|无与伦比|无可比拟|无可挑剔|完美|零风险|无风险|永不|永久|王牌|冠军|遥遥领先|领先|领导品牌|"
            r"天花板|秒杀全网|吊打|巅峰|终极|全网独家|独家|不二之选|神器|必买|必入|闭眼入|闭眼买|一流|全球首发|全网首发|国内首发|"
            r"纯天然|保准|肯定有效|一定有效|立竿见影|零缺点|超级无敌|顶流|全网第一|全国第一|行业第一|宇宙第一|NO\.?1",
            rf"100\s*%\s*(?!(?:{_MATERIALS_ZH}))[\u4e00-\u9fff]{{1,3}}",
        ),
    ),
    allow=rx(
        r"\b(?:do|try|doing|trying|did|tried|done|does|give|gave|giving)\s+(?:my|our|his|her|their|your|its)\s+(?:very\s+)?best\b",
        r"\bbest[\s-]*(?:sell\w*|before|by|wishes|regards|guess|bet|estimate|part|of\s+luck)\b|\ball\s+the\s+best\b",
        r"\bbest\s+(?:way|ways)\s+to\b|\b(?:it'?s|it\s+is|is)\s+best\s+to\b|\bbest\s+to\s+(?:wash|check|keep|store|use|pick|order)\b",
        r"\bmoney[\s-]*back\s+guarantee\b",
        r"销量第一|销售第一|销量冠军|销冠|人气第一|最好(?:先|再|提前)?(?:看|量|查|对照|参考)一?下?(?:尺码表?|尺寸|详情)",
    ),
)
# A promise of results, unless negated ("I can't guarantee...", "不能保证").
PROMISE = Rule(
    "absolute",
    "guarantee or promise of results",
    (rx(r"\bguarantee(?:s|d)?\b|\bguaranteeing\b|\b(?:i|we)\s+promise\s+(?:it|you|that|this|they|results?)\b",
        r"保证(?!金)|包你|承诺(?:效果|有效)"),),
    allow=rx(r"\bmoney[\s-]*back\s+guarantee\b"),
    negatable=True,
)

SALES_CLAIM = Rule(
    "sales_claim",
    "unsupported sales or popularity claim",
    (
        rx(
            r"\b(?:best|top|hot|fast)[\s-]*sell(?:er|ers|ing)\b|\bbestsell\w*",
            r"\bselling\s+(?:fast|out|quickly|like\s+(?:hot\s*cakes|crazy|mad))\b|\bsold\s+out\s+(?:fast|quickly|again|twice|\d+\s+times|every\s+time|in\s+(?:minutes|hours|days|seconds|no\s+time))",
            r"\bflying\s+off\s+(?:the\s+)?shelves\b|\b(?:thousands|millions|hundreds|tons|lots)\s+(?:of\s+\w+\s+)?(?:sold|ordered|bought)\b",
            r"\b(?:thousands|millions|hundreds)\s+of\s+(?:orders|buyers|customers|people\s+(?:bought|ordered|have))",
            r"\b\d[\d,.]*\s*(?:k|\+)?\s+(?:units\s+|pieces\s+|pairs\s+|items\s+)?(?:sold|orders\s+(?:so\s+far|today|this))\b",
            r"\b(?:super|really|very|hugely|incredibly|insanely|most|extremely|wildly)\s+popular\b|\b(?:customer|fan|crowd|viewer)[\s-]*(?:favou?rites?|pick)\b",
            r"\btrending\b|\bgone\s+viral\b|\bhot\s+item\b|\b(?:in\s+)?high\s+demand\b|\beveryone(?:'s|\s+is)\s+(?:buying|ordering|getting)\b",
            r"\bgoing\s+fast\b|\balmost\s+(?:gone|sold\s+out)\b|\blimited\s+stock\b|\bhurry\b|\bwhile\s+(?:stocks?|supplies)\s+last\b|\brecord[\s-]*(?:breaking\s+)?sales\b",
        ),
        rx(
            r"爆款|爆品|爆单|热销|热卖|畅销|大卖|狂卖|卖爆|卖疯|卖断货|断货王|销量(?:第一|冠军|王|领先|最|破|过|超|已|突破|\d|很|非常|特别|超级|火爆)|销冠|月销|年销|日销",
            rf"已售\s*{_NUM_ZH}|已卖(?:出)?\s*{_NUM_ZH}|卖(?:了|出)\s*{_NUM_ZH}+\s*(?:万|千|百)",
            r"[\d一二三四五六七八九十百千万]+\s*(?:万|千)?\s*(?:多)?(?:人|单|件|份)\s*(?:已)?(?:购买|下单|抢购|买过|在买|回购)",
            r"万人(?:购买|抢购|下单|疯抢)|抢疯|疯抢|抢光|抢爆|秒光|秒没|手慢无|库存告急|快抢|抢购一空|供不应求|人气(?:王|爆款|款|单品|第一|之王|最高)",
            r"网红款|网红爆款|大家都在买|都在抢|全网热销|回购率|复购率|好卖|卖得(?:特别|非常|超)?(?:好|火)|销售第一|销量第一",
        ),
    ),
    allow=rx(r"\bno\s+(?:need\s+to\s+)?hurry\b|\bdon'?t\s+hurry\b"),
)

# "Dan just ordered the hoodie!": a report of a purchase, true only when a real order event says so. The gate
# lets it through only on a reaction line backed by such events (compliance.gate); anywhere else it is a
# fabricated sale (虚构交易).
ORDER_REPORT = Rule(
    "order_report",
    "a purchase reported without a real order event (fabricated sales)",
    (
        rx(
            r"\b(?:just|has|have|already)\s+(?:ordered|bought|purchased|checked\s+out|grabbed|snagged|picked\s+up|placed\s+(?:an?\s+)?orders?)\b",
            r"\b(?:thanks?|thank\s+you)\s+(?:\w+\s+){0,3}for\s+(?:your|the|their|his|her)\s+(?:orders?|purchases?)\b|\bfor\s+ordering\b",
            r"\b(?:thanks?|thank\s+you)\s+for\s+(?:\d[\d,]*\s+)?(?:more\s+)?orders\b|\b\d[\d,]*\s+more\s+orders?\b",
        ),
        rx(
            r"刚(?:刚|才)?(?:下单|下了单|拍下|拍了|买了|购买)|已经?(?:下单|拍下)了|下单了|拍下了|(?:感谢|谢谢).{0,12}的(?:订单|下单)",
        ),
    ),
    allow=rx(r"\b(?:once|when|if|before|after|until)\s+(?:\w+\s+){0,2}(?:ordered|bought|purchased|checked\s+out|placed)\b"),
)

_DISEASE = (
    r"cancer|tumou?rs?|diabetes|blood\s+(?:pressure|sugar|glucose|lipids?)|hypertension|cholesterol|heart\s+disease|strokes?|"
    r"colds|(?:a|the\s+common|common)\s+cold|flu|influenza|infections?|acne|eczema|psoriasis|rosacea|arthritis|insomnia|depression|anxiety|covid(?:-19)?|"
    r"coronavirus|virus(?:es)?|bacteria|inflammation|hair\s+loss|baldness|wrinkles|aging|ageing|dementia|alzheimer'?s|"
    r"obesity|diseases?|illness(?:es)?|sickness|allerg(?:y|ies)|asthma|migraines?|headaches?|pain|aches?|constipation|"
    r"indigestion|bloating|hangovers?|fatigue|acid\s+reflux|ulcers?|gout|kidney\s+stones?|liver\s+damage|fatty\s+liver|"
    r"cellulite|scars?|dark\s+spots|pigmentation|melasma|dandruff|fungus|athlete'?s\s+foot|coughs?|sore\s+throat|fever|"
    r"swelling|edema|symptoms?|cramps|menstrual\s+\w+|dark\s+circles|puffiness|(?:skin|medical|health|heart|chronic)\s+conditions?|toxins?|stress|joint\s+pain|muscle\s+aches|bad\s+breath"
)

MEDICAL = Rule(
    "medical",
    "medical or efficacy claim",
    (
        rx(
            r"\b(?:cure|cures|cured|curing|curative|remedy|remedies|heal|heals|healed|healing|therapy|therapeutic|medicinal|medicated|medicine)\b",
            r"\b(?:medical|pharmaceutical|clinical)[\s-]*grade\b",
            rf"\btreat(?:s|ed|ing|ment|ments)?\s+(?:for\s+|of\s+)?(?:your\s+|the\s+|all\s+|any\s+|most\s+|many\s+)?(?:{_DISEASE})\b",
            rf"\b(?:prevent|prevents|preventing|prevention\s+of|fights?|fighting|combat|combats|reduce|reduces|reducing|lower|lowers|"
            rf"lowering|regulate|regulates|control|controls|balance|balances|stabili[sz]es?|relieve|relieves|relieving|relief\s+(?:from|of|for)|"
            rf"ease|eases|soothe|soothes|reverse|reverses|eliminate|eliminates|remove|removes|kills?|protects?\s+(?:you\s+)?against|"
            rf"get\s+rid\s+of|gets\s+rid\s+of|clears?(?:\s+up)?|beats?|stops?|slows?|helps?\s+(?:with|against)|good\s+for)\s+"
            rf"(?:your\s+|the\s+|all\s+|any\s+|most\s+|signs\s+of\s+|high\s+|99(?:\.9)?\s*%\s+of\s+)?(?:[a-z]+\s+)?(?:{_DISEASE}|germs|microbes)\b",
            r"\b(?:boost|boosts|boosting|strengthen|strengthens|support|supports|improve|improves|enhance|enhances|increase|increases|"
            r"stimulate|stimulates|speeds?\s+up|raise|raises)\s+(?:your\s+|the\s+)?(?:immun(?:e|ity)(?:\s+system)?|metabolism|libido|"
            r"fertility|circulation|blood\s+flow|digestion|memory|brain\s+(?:function|power)|cognitive\s+function|liver\s+function|"
            r"kidney\s+function|collagen(?:\s+production)?|sleep(?:\s+quality)?|testosterone|hormones?)\b",
            r"\b(?:strengthens?|protects?|nourish(?:es)?|repairs?|restores?|aids?|promotes?|improves?|supports?|helps?|cleanses?)\s+"
            r"(?:your\s+|the\s+|healthy\s+|better\s+|good\s+)*(?:bones|teeth|liver|kidneys?|lungs|stomach|gut|digestion|sleep|circulation|immunity|metabolism|joints)\b",
            r"\bimmun(?:e\s+system|ity)\b|\bdetox\w*|\b(?:flush|cleanse)s?\s+(?:out\s+)?(?:toxins|your\s+(?:body|system|liver|gut))",
            r"\bweight[\s-]*loss\b|\blos(?:e|es|ing)\s+(?:weight|pounds|kilos|\d+\s*(?:kg|lbs?|pounds))\b|\bslimming\b|\bslim\s+down\b",
            r"\bburns?\s+(?:belly\s+)?fat\b|\bfat[\s-]*burn\w*|\bmelts?\s+(?:away\s+)?(?:belly\s+)?fat\b|\bsuppress(?:es)?\s+(?:your\s+)?appetite\b|\bappetite\s+suppressant\b",
            r"\banti[\s-]*(?:cancer|tumou?r|aging|ageing|wrinkle|inflammatory|viral|bacterial|microbial|oxidants?|diabetic|allergic|allergy|fatigue|depressant|anxiety|hypertensive)\b",
            r"\bantioxidants?\b|\bantibacterial\b|\bantiviral\b|\bantibiotic\b|\bantiseptic\b",
            r"\b(?:clinically|medically|scientifically|dermatologically|lab)[\s-]+(?:proven|tested|approved|shown|certified)\b",
            r"\b(?:fda|cfda|nmpa)[\s-]*(?:approved|certified|registered)\b|\bdoctor[\s-]+(?:approved|formulated)\b",
            r"\b(?:no|without\s+(?:any\s+)?|zero)\s+side[\s-]*effects?\b|\bside[\s-]*effect[\s-]*free\b",
            r"\bgood\s+for\s+(?:your\s+)?(?:health|heart|liver|kidneys?|digestion|stomach|blood|immune\s+system|brain|memory|lungs|eyes|joints|bones)\b",
            r"\b(?:heart|liver|kidney|brain|immune|gut)[\s-]*health\b|\bhealth\s+benefits?\b|\bhealing\s+properties\b",
            r"\bhelps?\s+(?:you\s+)?(?:to\s+)?(?:sleep|lose\s+weight|recover|heal|digest|breathe\s+better)\b",
            r"\b(?:skin[\s-]*)?whiten(?:s|ing)?\b|\bremoves?\s+(?:wrinkles|dark\s+spots|scars|acne|blemishes)\b",
        ),
        rx(
            r"治疗|治愈|治病|治好|医治|根治|包治|主治|疗效|疗程|药用|药效|药食同源|神药|灵丹妙药|药到病除|医用|药妆|处方",
            r"降血压|降压|降血糖|降糖|降血脂|降脂|降三高|三高|高血压|糖尿病|抗癌|防癌|抑癌|抗肿瘤|癌症|疾病|病症|病毒",
            r"减肥|瘦身|减脂|燃脂|消脂|刮油|排毒|清肠|宿便|通便|润肠|便秘",
            r"免疫力|抗病毒|杀菌|抑菌|消炎|抗炎|止痛|镇痛|助眠|改善睡眠|失眠|安神|养胃|护胃|护肝|养肝|保肝|补肾|壮阳|补血|活血|祛湿|排湿",
            r"美白|祛斑|淡斑|祛痘|消痘|抗衰|抗老|抗皱|去皱|除皱|延缓衰老|延年益寿|长寿|防脱|生发|增高|丰胸|修复(?:受损|肌肤|皮肤)",
            r"预防(?:感冒|疾病|癌|心脏病|高血压|糖尿病|骨质疏松|衰老|脱发|失眠|便秘|病毒|流感|近视|三高)",
            r"临床(?:验证|证明|试验|实验|测试)|医学(?:证明|验证)|保健(?:功效|作用|品|效果)|养生|调理|清热|解毒|去火|降火|润肺|止咳|化痰|消肿|"
            r"抗过敏|提神醒脑|缓解疲劳|抗氧化|无副作用|无毒副作用|零副作用|没有副作用",
            r"暖胃|养颜|明目|护眼|补气|补钙|壮骨|健脾|利尿|助消化|促进消化|血液循环|降尿酸|痛风|痛经|抗菌|清肝|增强体质|强身健体",
        ),
    ),
)
