"""/calm: a customer's message rewritten in neutral wording, with its core issue, emotion and threats.

Rule-based (no model needed): lexicons of Chinese and English insults and profanity (with common variants
and abbreviations), threat patterns (violence, self-harm, legal action / media exposure), and rules that
keep facts intact: a clause holding a number, an id, an amount, a date or an email is never dropped, only
the offending words inside it are; a threat of violence is cut from its clause part by part ("再不退钱 | 我就去
弄死你们", "fix it by Friday | or I'll smash your shop"), the condition and the facts stay. Legal steps
(lawsuits, regulators, reviews) and statements of self-harm are kept: they are flagged, and the agent must see them. With a model (through the gateway, so personal data never leaves), the
rewrite comes from prompts/calm.*.md and is verified: if a fact of the original is missing from it, or an
insult survived, the rule-based result is used instead.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.assist.calm_terms import (
    deleet,
    fold,
    insult_spans,
    join_disguised,
    leet_word,
    mild_spans,
    self_harm,
    violence,
    violence_spans,
)
from bot.errors import CsCopilotError
from bot.messages import detect_language

log = logging.getLogger(__name__)

LEVELS = ("calm", "upset", "angry", "abusive")

# --- lexicons ------------------------------------------------------------------------------------------
# Strong terms: insults at a person, slurs, strong profanity (-> abusive). Matched case-insensitively.
_ZH_STRONG = [
    r"傻\s*[逼比屄bB]", r"煞\s*笔", r"沙\s*比", r"傻\s*叉", r"(?<![A-Za-z0-9\-_#])[sS]\s?[bB](?![a-zA-Z0-9\-_])", r"二\s*[逼b]", r"装\s*逼",
    r"牛\s*逼", r"逼\s*样", r"他\s*妈\s*的", r"你\s*妈\s*的?", r"他\s*妈", r"(?<![A-Za-z])[tT][mM][dD](?![A-Za-z])", r"(?<![A-Za-z])[nN][mM][sS][lL](?![A-Za-z])",
    r"你妈死了", r"草\s*泥\s*马", r"(?<![A-Za-z])[cC][nN][mM](?![A-Za-z])", r"操\s*你\s*[妈大爷]*", r"肏", r"(?<![\d一二三四五六七八九十月今昨明前后每当次])日\s*你\s*[妈大爷]*", r"(?<![\d月])日\s*了?\s*狗", r"尼\s*玛",
    r"(?<![A-Za-z])[mM][lL][gG][bB](?![A-Za-z])", r"妈\s*(?:逼|了\s*个?\s*[逼巴]\s*子?)", r"狗\s*日\s*的", r"狗\s*东\s*西", r"狗\s*娘\s*养\s*的",
    r"王\s*八\s*蛋", r"混\s*蛋", r"畜\s*生", r"贱\s*[人货种]", r"婊\s*子", r"白\s*痴", r"脑\s*残", r"弱\s*智",
    r"智\s*障", r"废\s*物(?!利用|回收|处理|箱|桶|分类)", r"蠢\s*[货猪蛋]", r"猪\s*脑\s*子?", r"人\s*渣", r"去\s*死(?!皮|角)", r"死\s*全\s*家", r"滚\s*[蛋开]?(?=[!！。，,\s]|$)",
    r"吃\s*屎", r"狗\s*屁", r"放\s*屁", r"屌\s*丝?", r"特\s*么", r"卧\s*槽", r"我\s*(?:靠(?![谱近着在边自])|艹|操(?![作心场办持控练])|草(?![莓地原稿案坪本拟药图]))",
    r"神\s*经\s*病", r"(?:你们?|是不是|真)\s*有\s*病|有\s*病\s*[吧啊]", r"骗\s*子", r"一\s*群\s*狗", r"狗\s*[腿奴]",
    r"你?脑\s*子\s*(?:进\s*水|有\s*[坑病]|被驴踢)了?吧?", r"(?<![A-Za-z])[mM][dD][zZ][zZ](?![A-Za-z])", r"狗\s*屎",
    r"(?:都|就)是\s*猪", r"是\s*猪\s*吗", r"猪\s*一\s*样", r"(?<![A-Za-z0-9])[2二]\s*[bB逼](?![A-Za-z]|\s*(?:铅笔|笔|pencil))", r"傻\s*[帽冒]",
    r"饭\s*桶", r"蠢\s*材", r"傻\s*[缺屌吊蛋叉x]", r"二\s*货", r"瓜\s*娃\s*子", r"龟\s*儿\s*子", r"扑\s*街", r"丢\s*[雷你]\s*老\s*[母味]",
    r"顶\s*你\s*个\s*肺", r"(?:日\s*你\s*)?仙\s*人\s*板\s*板", r"去\s*你\s*[妈大爷]+\s*的?", r"你\s*妈\s*[了个]*\s*[逼巴]\s*子?",
    r"滚\s*(?:犊子|粗|吧|远点|出去)", r"艹", r"^\s*[操草](?=[，,!！。\s]|$)", r"我\s*[日艹](?![期本常子前后记志程])", r"脑\s*瘫", r"死\s*妈",
    r"杂\s*种", r"狗\s*(?:杂种|崽子|娘们)", r"贱\s*[婢逼]", r"下\s*贱", r"败\s*类", r"猪\s*头(?!肉)", r"二\s*百\s*五(?![十元块毛角克斤个件米台份])", r"缺\s*心\s*眼",
    r"没\s*脑\s*子", r"你\s*是\s*(?:猪|狗|傻子|白痴)\s*吗?", r"傻\s*子", r"蠢\s*(?=[货猪蛋驴材])", r"贱\s*骨\s*头", r"(?<![A-Za-z])[tT][mM]\s*的?(?=[\u4e00-\u9fff])",
    r"特\s*[么喵]\s*的?", r"尼\s*玛\s*的?", r"你\s*大\s*爷",
    # more of the same families: X逼, 你丫, a clause-initial 妈的, homophones and half-pinyin spellings
    r"[狗骚臭贱老逗]\s*[逼屄]", r"[傻煞沙]\s*(?:bi|BI|Bi)(?![a-z])", r"你\s*丫(?![头鬟])\s*的?", r"(?<![鸭])丫\s*的(?![头])",
    r"(?:^|(?<=[，,。！!？?\s]))妈\s*[的蛋](?![子])", r"你\s*妹\s*的|你\s*妹(?=[!！。，,\s]|$)", r"鸡\s*巴", r"机\s*掰", r"干\s*你\s*娘",
    r"吸\s*血\s*鬼", r"强\s*盗", r"土\s*匪", r"流\s*氓(?!软件)", r"无\s*赖", r"奸\s*商", r"骗\s*子", r"憨\s*批", r"屌\s*毛", r"傻\s*狗", r"死\s*狗", r"狗\s*杂\s*碎", r"杂\s*碎", r"贱\s*货", r"(?<![我他她的外长])孙\s*子(?=[!！。，,\s]|$)", r"滚\s*你",
    r"草\s*你\s*[妈大爷]*", r"靠\s*北", r"笨\s*蛋", r"傻\s*瓜(?!相机|式|机)", r"蠢\s*驴", r"二\s*愣\s*子", r"窝\s*囊\s*废",
    r"废\s*柴", r"你们?\s*算\s*(?:个|老几|什么东西)\s*(?:什么\s*东西)?", r"他\s*喵\s*的", r"你\s*麻\s*痹", r"死\s*骗\s*子",
    r"(?:你|你们)?脑\s*子\s*(?:有\s*泡|有\s*问\s*题|坏\s*掉?了|秀\s*逗|不\s*好\s*使|被\s*门\s*夹)了?吧?",
    r"(?<![热遛养])狗\s*(?=客服|公司|商家|平台|老板|东西|店)", r"[傻煞沙]\s*[哔币]", r"沙\s*雕", r"(?<![A-Za-z])low\s*[逼bB](?![A-Za-z])", r"你\s*个\s*[傻蠢憨]\s*[子货瓜]?", r"[狗猪]\s*一\s*样的?\s*(?:客服|东西|人)?",
]
_EN_STRONG = [
    r"(?:the\s+)?f[\*u#@]?c?[\*k#@]+(?:ing|in'?|ed|er|ers|s)?(?:\s+(?:you|off|this|that))?",
    r"wtf(?:\s+is\s+(?:this|that|wrong with you|going on))?", r"(?:the\s+)?hell(?=\s+is\b)", r"fck(?:ing|in)?", r"fuk(?:ing|in)?", r"fk(?:ing|in)?",
    r"f\*+(?:ing|in)?", r"f\*\*k(?:ing)?", r"effing", r"motherf\w*", r"mf(?:er)?s?", r"stfu", r"gtfo", r"wtf",
    r"sh[i\*]t(?:ty|s|head)?", r"bullsh[i\*]t", r"b\.?s\.?(?=\s|[.!?,]|$)", r"a(?:ss|rse)(?:hole)?s?", r"a\*+hole",
    r"bitch(?:es|y)?", r"b\*tch", r"bastards?", r"dick(?:head)?s?(?!')", r"prick", r"cunts?", r"c\*nt", r"dumbass",
    r"jackass", r"idiots?", r"morons?", r"imbeciles?", r"retard(?:ed|s)?", r"scum(?:bags?)?", r"thie(?:f|ves)",
    r"scammers?", r"clowns?", r"go to hell", r"screw you", r"piss off", r"pissed", r"douche(?:bag)?s?",
    r"incompetent morons?", r"useless (?:idiots?|bots?|morons?)", r"brain[ -]?dead", r"losers?",
    r"sh[1!]t(?:ty)?", r"f\s+u(?=\s|[.!,]|$)", r"a-?holes?", r"muppets?",
    r"(?:worthless |useless )?pieces? of (?:crap|shit|garbage|junk|trash|work)", r"suck my \S+", r"eat sh\S*",
    r"kiss my \S+", r"up yours", r"shut (?:the \S+ )?up", r"twats?", r"wankers?", r"dipshits?", r"bimbos?",
    r"(?:brainless|worthless|useless|incompetent|pathetic) (?:clowns?|idiots?|morons?|bimbos?|losers?)",
    r"(?:stupid|stoopid|dumb|brainless) (?:bots?|agents?|people|staff|guys|clowns?|monkeys?|apes?|cows?|pigs?)",
    r"(?:you|ya|u) (?:stupid|dumb|fat|ugly|lazy|filthy|dirty) (?:\w+)", r"kill yourself", r"go die",
    r"(?:you|u|ya) (?:pigs?|swine|animals?|apes?|monkeys?|rats?|snakes?|dogs?|cows?|sheep)",
    r"sons? of a? ?(?:bitch|b\*+h|gun)", r"blood ?suckers?", r"leeches", r"vultures", r"con artists?", r"crooks?",
    r"criminals", r"robbers", r"liars?", r"go (?:f\S*|screw|fuck) (?:your ?self|yourselves)",
    r"(?:sod|bugger|naff|feck|eff|f) off", r"eff you", r"get stuffed", r"bollocks", r"bugger(?:ing)?", r"sodding",
    r"screw off", r"drop dead", r"bite me", r"blow me(?! away)", r"(?:dim|half|nit)wits?", r"the actual f(?:uck|\*+)?", r"numb?skulls?", r"boneheads?",
    r"pillocks?", r"prats?", r"wazzocks?", r"tossers?", r"gits?(?=\s*[!.,]|$)",
    r"(?:you|ya|u|bunch of|such an?|what an?|total|complete|absolute|utter)\s+(?:\w+\s+)?(?:jerks?|creeps?|fools?|"
    r"dorks?|twits?|gits?|dummies|dummy|dumbos?|dunces?|halfwits?|buffoons?|nincompoops?|numpties|numpty)",
]
# Mild terms: removed, but the message is merely angry, not abusive.
_ZH_MILD = [r"[垃拉]\s*圾(?!袋|桶|分类|箱|回收|清运|站)", r"辣\s*鸡(?![翅块腿排肉丁爪米堡汉套粉面饭锅蛋酱爪串])", r"菜\s*鸡(?![蛋肉汤])", r"破(?=[\u4e00-\u9fff]{1,2}(?:店|公司|平台|客服|东西|玩意|快递|系统))", r"坑\s*爹",
            r"黑\s*心", r"无\s*良", r"什么\s*玩意儿?", r"奇\s*葩", r"(?<![可依倚停])靠(?=[!！,，。\s]|$)", r"该\s*死的?",
            r"[蠢笨]\s*死\s*了?", r"太\s*[蠢笨]\s*了?"]
_EN_MILD = [r"damn(?:ed|it)?", r"dammit", r"hell(?=\s*[!?.,]|\s+(?:is|was)\b)", r"crap(?:py)?", r"stupid", r"dumb",
            r"freaking", r"frigging", r"frick(?:ing|in)?", r"bloody", r"sucks?(?!\s+(?:up|in|out|air|water|dust|dirt))",
            r"pathetic", r"garbage(?!\s+(?:disposal|bags?|cans?|bins?|trucks?|collection|day|pickup|compactor))",
            r"trash(?!\s+(?:cans?|bags?|bins?|compactor|pickup|collection|day))", r"joke of a"]


def _compile(words: list[str], ascii_words: bool) -> re.Pattern[str]:
    body = "|".join(f"(?:{w})" for w in sorted(words, key=len, reverse=True))
    if ascii_words:
        return re.compile(rf"(?<![A-Za-z])(?:{body})(?![A-Za-z])", re.I)
    # "傻.逼", "傻*逼", "傻-逼": a separator inside a Chinese word is no disguise
    return re.compile(body.replace(r"\s*", r"[\s.*_\-·・/]*"), re.I)


_STRONG = [_compile(_ZH_STRONG, False), _compile(_EN_STRONG, True)]
_MILD = [_compile(_ZH_MILD, False), _compile(_EN_MILD, True)]

_THREATS = {
    "violence": re.compile(
        r"(?:弄死|砍死|杀了|打死|捅死|宰了)(?!我|也)|炸了你们|炸掉你们|烧了你们|找人收拾|找人弄|上门找你|小心你|"
        r"\b(?:kill|hurt|shoot|stab|beat up|murder)\s+(?:you|him|her|them|everyone|somebody|someone)\b|"
        r"\b(?:burn|blow up|bomb)\s+(?:down\s+)?(?:your|the)\s+(?:store|shop|office|warehouse|place)|"
        r"\bI(?:'ll| will) find (?:you|where you live)",
        re.I),
    "self_harm": re.compile(
        r"不想活|活不下去|去自杀|我要自杀|想自杀|跳楼|割腕|寻死|一死了之|\bkill myself\b|\bend (?:my life|it all)\b|"
        r"\bsuicid\w*|\bdon'?t want to live\b|\bhurt myself\b",
        re.I),
    "legal": re.compile(
        r"律师|起诉|告你们|法院|诉讼|仲裁|12315|消协|消费者协会|工商局|市场监管|曝光|媒体|记者|微博|抖音|黑猫投诉|"
        r"\b(?:sue|suing|lawsuit|lawyer|attorney|court|legal action|small claims|BBB|better business bureau|"
        r"consumer protection|trading standards|ombudsman|the press|journalist|reporter|go viral|post (?:this|it) "
        r"(?:on|everywhere)|social media|twitter|tiktok|reddit)\b",
        re.I),
}

# --- facts: never lose these ---------------------------------------------------------------------------
_FACT = re.compile(
    r"\[(?:PHONE|EMAIL|ID|CARD|NAME|ADDRESS)_\d+\]"
    r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"
    r"|[#＃]?[A-Za-z]{0,4}-?\d[\dA-Za-z-]{2,}"  # order / tracking / SKU / ids with at least 3 characters
    r"|[¥￥$£€]\s?\d[\d,]*(?:\.\d+)?|\d[\d,]*(?:\.\d+)?\s?(?:元|块|rmb|RMB|USD|usd|dollars?|bucks|美元|%)"
    r"|\d{4}[-/年.]\d{1,2}[-/月.]\d{1,2}日?|\d{1,2}[/-]\d{1,2}[/-]\d{2,4}|\d{1,2}月\d{1,2}[日号]"
    r"|\d+(?:\.\d+)?"
    r"|\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b|(?:星期|礼拜|周)[一二三四五六日天]"
)
_CLAUSE = re.compile(r"(?:[^，,。.!！?？；;\n]|[,.](?=\d))+[，,。.!！?？；;\n]*")
# Where a clause splits into parts ("fix it by Friday | or I'll smash your shop", "再不退钱 | 我就去弄死你们"):
# the part holding a threat of violence is cut, the others are kept.
_PART = re.compile(
    r"\s*\b(?:if|unless|until|since|because|and|but|or|otherwise|or else|so|when|then|after|before)\b|"
    r"如果|要是|否则|不然|要不然|要不|因为|然后|再不|还不|(?:我|老子|我们)?就(?=要?去|要|把|让|弄|砍|杀|打|找|跟|和|向|带|拿)",
    re.I)
_ACRONYMS = {"USA", "UPS", "DHL", "SKU", "USD", "VIP", "ETA", "FAQ", "SMS", "APP", "API", "PDF", "BBB", "GBP", "EUR",
             "RMB", "CNY", "ID", "OK", "TV", "PC", "USB", "GPS", "FBA", "EMS", "SF", "JD", "VAT", "FEDEX", "USPS"}
_ISSUE = re.compile(
    r"退款|退钱|退货|换货|没收到|未收到|还没到|没发货|不发货|坏了|破损|损坏|质量|少发|漏发|发错|错发|扣款|扣了|多扣|重复|"
    r"延迟|物流|快递|投诉|取消|赔偿|补发|维修|保修|发票|账号|登录|优惠|价格|"
    r"refund|return|exchange|never (?:arrived|received)|not (?:arrived|received|delivered)|haven'?t (?:received|got)|"
    r"broken|damaged|defective|missing|wrong|charged|double|twice|late|delay|cancel|warranty|repair|replace|"
    r"account|login|invoice|price|compensat|deliver|ship",
    re.I)
_WANT = re.compile(r"我要|我想|希望|要求|请|马上|立刻|给我|必须|\bI want\b|\bI need\b|\bplease\b|\bI demand\b|"
                   r"\bgive me\b|\bI expect\b|\bsend me\b|\bfix\b", re.I)
_UPSET = re.compile(r"失望|着急|不满|怎么还|为什么|到底|郁闷|烦|无语|离谱|太慢|disappoint|frustrat|annoy|unhappy|"
                    r"still (?:no|not|haven'?t|waiting)|why|not happy|upset|worried|again", re.I)
_ANGRY = re.compile(r"气死|太过分|忍无可忍|受够|欺负|投诉你们|差劲|最差|恶心|骗人|欺诈|ridiculous|unacceptable|"
                    r"outrageous|furious|worst|disgusting|fed up|sick of|scam|rip[- ]?off|absurd|insane|"
                    r"enough is enough|livid", re.I)
# Words that only make sense next to a removed insult ("你们这群", "you", "真是个").
_INSULT_FRAME = re.compile(
    r"^[\s,，:：!！]*(?:你们?这?些?群?帮?个?|你们?|这些?群?帮?个?|真是个?|一群|一帮|都是|就是|简直是|纯|"
    r"(?:you|you're|you are|your|are|such|a|an|bunch of|what|the|all|total|complete|absolute|fucking|bloody|"
    r"company|team|support|staff|people|guys|service|store|shop|客服|公司|平台|店|商家|东西|人|的|啊|呀|吧|了|个|都)"
    r"(?:\s+|$))*[\s,，。.!！?？]*$",
    re.I)


class CalmError(CsCopilotError):
    message_key = "calm_failed"


@dataclass
class CalmResult:
    text: str
    core_issue: str
    level: str
    abusive: bool
    threat: bool
    legal: bool = False
    threat_kinds: list[str] = field(default_factory=list)
    source: str = "rules"  # "rules" | "model"
    notice: str = ""

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("notice")
        return data


# --- analysis ------------------------------------------------------------------------------------------

def offensive_spans(text: str, context: str | None = None) -> tuple[list[tuple[int, int]], bool]:
    """(spans of insults/profanity, any strong one?). `context`: the whole message when `text` is a clause."""
    spans: list[tuple[int, int]] = []
    kinds: list[bool] = []  # per span: strong?
    folded = fold(text)  # fullwidth and look-alike letters as ASCII (same offsets)
    ids = _id_spans(folded)
    folded = deleet(folded)  # "st00pid b0t" as "stoopid bot" (same offsets)  # an insult-like piece of an order number ("SB-1234") is part of a fact
    for patterns, is_strong in ((_STRONG, True), (_MILD, False)):
        for pattern in patterns:
            for m in pattern.finditer(folded):
                if m.end() > m.start() and not any(s < m.end() and m.start() < e for s, e in spans) and \
                        not any(s <= m.start() and m.end() <= e for s, e in ids):
                    spans.append((m.start(), m.end()))
                    kinds.append(is_strong)
    found = [(start, end, True) for start, end in insult_spans(text, context)]  # leet, masks, spacing, pinyin
    found += [(start, end, False) for start, end in mild_spans(text)]
    for start, end, is_strong in found:
        if any(s <= start and end <= e for s, e in ids):
            continue
        overlapping = [i for i, (s, e) in enumerate(spans) if s < end and start < e]
        if overlapping and not is_strong and all(spans[i][0] <= start and end <= spans[i][1] for i in overlapping):
            continue  # a mild word inside a span already found
        merged_strong = is_strong or any(kinds[i] for i in overlapping)
        lo = min([start] + [spans[i][0] for i in overlapping])
        hi = max([end] + [spans[i][1] for i in overlapping])
        spans = [sp for i, sp in enumerate(spans) if i not in overlapping]
        kinds = [k for i, k in enumerate(kinds) if i not in overlapping]
        spans.append((lo, hi))
        kinds.append(merged_strong)
    return sorted(spans), any(kinds)


_ID_TOKEN = re.compile(r"[A-Za-z0-9]*\d[A-Za-z0-9]*(?:[-_/][A-Za-z0-9]+)*|[A-Za-z]+(?:[-_/][A-Za-z0-9]*\d[A-Za-z0-9]*)+")


def _id_spans(text: str) -> list[tuple[int, int]]:
    """Order numbers, SKUs and other ids with letters and digits (not leetspeak words such as "sh1t")."""
    return [(m.start(), m.end()) for m in _ID_TOKEN.finditer(text)
            if re.search(r"[A-Za-z]", m.group(0)) and len(m.group(0)) >= 4 and not leet_word(m.group(0))]


def threat_kinds(text: str) -> list[str]:
    text = fold(text)
    found = {kind for kind, pattern in _THREATS.items() if pattern.search(text)}
    if violence(text):
        found.add("violence")
    if self_harm(text):
        found.add("self_harm")
    return [kind for kind in _THREATS if kind in found]


def facts(text: str) -> list[str]:
    """The facts a rewrite must keep: numbers, ids, amounts, dates, emails, placeholders."""
    out: list[str] = []
    for m in _FACT.finditer(text):
        value = m.group(0).strip().lstrip("#＃")
        if leet_word(value):
            continue  # "k1ll", "sh1t": a word in leetspeak, not an id
        if value and value not in out:
            out.append(value)
    return out


def missing_facts(original: str, rewrite: str) -> list[str]:
    flat = re.sub(r"\s+", "", rewrite)
    return [f for f in facts(original) if re.sub(r"\s+", "", f) not in flat]


def emotion_level(text: str, strong: bool, mild: bool, threats: list[str]) -> str:
    if strong or "violence" in threats:
        return "abusive"
    exclaims = len(re.findall(r"[!！]", text))
    caps = len(re.findall(r"\b[A-Z]{4,}\b", text))
    if mild or _ANGRY.search(text) or exclaims >= 3 or caps >= 2 or "legal" in threats:
        return "angry"
    if _UPSET.search(text) or exclaims or "self_harm" in threats:
        return "upset"
    return "calm"


# --- rule-based rewrite -------------------------------------------------------------------------------

def _remove_spans(clause: str, spans: list[tuple[int, int]]) -> str:
    out, last = [], 0
    for s, e in spans:
        out.append(clause[last:s])
        last = e
    out.append(clause[last:])
    return "".join(out)


def _tidy(text: str, lang: str) -> str:
    text = re.sub(r"([!！?？])[!！?？]+", r"\1", text)
    text = re.sub(r"[!！]", "。" if lang == "zh" else ".", text)
    text = re.sub(r"\.{2,}|。{2,}|…+", "。" if lang == "zh" else ".", text)
    text = re.sub(r"\b[A-Z]{3,}\b", lambda m: m.group(0) if m.group(0) in _ACRONYMS else m.group(0).lower(), text)
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = re.sub(r"\s+([,.;:?!，。；：？])", r"\1", text)
    text = re.sub(r"([，,、；;])\s*([，,、。.；;?？])", r"\2", text)
    text = re.sub(r"^[\s，,。.；;、]+", "", text)
    text = re.sub(r"\(\s*\)|（\s*）", "", text)
    text = re.sub(r"^(?:and|but|so|also)\s+", "", text.strip(), flags=re.I)
    text = re.sub(r"[，,、；;\s]+$", "。" if lang == "zh" else ".", text)
    if lang == "en" and text:
        text = re.sub(r"(^|[.?]\s+)([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)
    return text


def _violence_spans(text: str) -> list[tuple[int, int]]:
    return sorted(violence_spans(text) + [m.span() for m in _THREATS["violence"].finditer(fold(text))])


def _without_threat(body: str, threats: list[tuple[int, int]]) -> str:
    """The clause without the parts that threaten violence; a part with a fact keeps the fact's words."""
    cuts = sorted({0, len(body)} | {m.start() for m in _PART.finditer(body) if m.start() > 0})
    out: list[str] = []
    for start, end in zip(cuts, cuts[1:]):
        inside = [(max(s, start) - start, min(e, end) - start) for s, e in threats if s < end and start < e]
        part = body[start:end]
        if inside:
            rest = _remove_spans(part, inside)
            if not (facts(rest) or _ISSUE.search(rest)):
                continue
            part = rest
        out.append(part)
    return "".join(out)


def rewrite_rules(text: str) -> str:
    """The message without insults, profanity or threats; every clause with a fact is kept."""
    lang = detect_language(text)
    text = join_disguised(text)
    kept: list[str] = []
    for m in _CLAUSE.finditer(text):
        clause = m.group(0)
        body = clause.rstrip("，,。.!！?？；;\n")
        tail = clause[len(body):]
        has_fact = bool(facts(body))
        threats = _violence_spans(body)
        if threats:  # a threat of violence: cut it, keep what the customer wants and every fact around it
            body = _without_threat(body, threats)
            if not facts(body) and re.fullmatch(r"\W*(?:[A-Za-z']+\W*){0,2}|\W*[\u4e00-\u9fff]?\W*", body):
                continue  # only a connective is left ("and", "I")
        spans, _ = offensive_spans(body, text)
        cleaned = _remove_spans(body, spans)
        if spans and spans[0][0] == 0:
            cleaned = re.sub(r"^\s*[的地得]", "", cleaned)  # "日了狗的物流" -> "物流"
        if spans and not has_fact and _INSULT_FRAME.match(cleaned):
            continue  # the clause was only an insult ("你们这群傻逼", "f*** you")
        if not cleaned.strip():
            continue
        kept.append(cleaned + (tail.strip() or ""))
    result = _tidy("".join(kept) if lang == "zh" else " ".join(k.strip() for k in kept), lang)
    return result


def core_issue(text: str, lang: str) -> str:
    """One line: the clause that says what went wrong, and what the customer wants."""
    clauses = [c.strip(" ，,。.!！?？；;\n") for c in _CLAUSE.findall(text)]
    clauses = [c for c in clauses if c]
    if not clauses:
        return ""
    issue = next((c for c in clauses if _ISSUE.search(c)), clauses[0])
    want = next((c for c in clauses if _WANT.search(c) and c != issue), "")
    line = issue + (("，" if lang == "zh" else "; ") + want if want else "")
    return line[:160]


def calm_rules(text: str) -> CalmResult:
    spans, strong = offensive_spans(text)
    threats = threat_kinds(text)
    level = emotion_level(text, strong, bool(spans) and not strong, threats)
    rewritten = rewrite_rules(text)
    lang = detect_language(text)
    return CalmResult(
        text=rewritten, core_issue=core_issue(rewritten, lang), level=level, abusive=level == "abusive",
        threat=any(k in ("violence", "self_harm") for k in threats), legal="legal" in threats, threat_kinds=threats,
    )


# --- with a model ------------------------------------------------------------------------------------------

def calm(text: str, *, gateway: Any = None, user_key: str = "local") -> CalmResult:
    """The rule-based result, or the model's when a gateway is given and its rewrite keeps every fact."""
    rules = calm_rules(text)
    if gateway is None:
        return rules
    from bot.prompts import render_prompt

    lang = detect_language(text)
    prompt = render_prompt("calm", message=text, language="Simplified Chinese (简体中文)" if lang == "zh" else "English")
    try:
        raw = gateway.invoke(prompt, user_key=user_key)
    except CsCopilotError as exc:
        if type(exc).__name__ == "RateLimited":
            raise
        log.warning("calm: model failed, rule-based result: %s", exc)
        rules.notice = "model_failed"
        return rules
    parsed = _parse_model(raw)
    if parsed is None:
        log.warning("calm: the model's reply is not the expected JSON; rule-based result")
        rules.notice = "model_unusable"
        return rules
    new_text = str(parsed.get("text") or "").strip()
    lost = missing_facts(text, new_text)
    left, _ = offensive_spans(new_text)
    left += _violence_spans(new_text)
    if not new_text or lost or left:
        log.info("calm: model rewrite rejected (%d facts missing, %d insults left)", len(lost), len(left))
        rules.notice = "model_rejected"
        return rules
    level = str(parsed.get("level") or "").lower()
    if level not in LEVELS:
        level = rules.level
    if rules.level == "abusive":  # the lexicon saw an insult: never report less
        level = "abusive"
    model_threat = parsed.get("threat") is True
    return CalmResult(
        text=new_text, core_issue=str(parsed.get("core_issue") or rules.core_issue).strip().splitlines()[0][:200],
        level=level, abusive=level == "abusive", threat=rules.threat or model_threat,
        legal=rules.legal or parsed.get("legal") is True, threat_kinds=rules.threat_kinds, source="model",
    )


def _parse_model(raw: str) -> dict[str, Any] | None:
    match = re.search(r"\{.*\}", raw, re.S)
    if not match:
        return None
    try:
        data = json.loads(match.group(0))
    except ValueError:
        return None
    return data if isinstance(data, dict) else None
