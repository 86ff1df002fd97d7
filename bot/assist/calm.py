"""/calm: a customer's message rewritten in neutral wording, with its core issue, emotion and threats.

Rule-based (no model needed): lexicons of Chinese and English insults and profanity (with common variants
and abbreviations), threat patterns (violence, self-harm, legal action / media exposure), and rules that
keep facts intact: a clause holding a number, an id, an amount, a date or an email is never dropped, only
the offending words inside it are. With a model (through the gateway, so personal data never leaves), the
rewrite comes from prompts/calm.*.md and is verified: if a fact of the original is missing from it, or an
insult survived, the rule-based result is used instead.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.assist.calm_terms import insult_spans, join_disguised, self_harm, violence
from bot.errors import CsCopilotError
from bot.messages import detect_language

log = logging.getLogger(__name__)

LEVELS = ("calm", "upset", "angry", "abusive")

# --- lexicons ------------------------------------------------------------------------------------------
# Strong terms: insults at a person, slurs, strong profanity (-> abusive). Matched case-insensitively.
_ZH_STRONG = [
    r"傻\s*[逼比屄bB]", r"煞\s*笔", r"沙\s*比", r"傻\s*叉", r"(?<![A-Za-z])[sS]\s?[bB](?![a-zA-Z])", r"二\s*[逼b]", r"装\s*逼",
    r"牛\s*逼", r"逼\s*样", r"他\s*妈\s*的", r"你\s*妈\s*的?", r"他\s*妈", r"(?<![A-Za-z])[tT][mM][dD](?![A-Za-z])", r"(?<![A-Za-z])[nN][mM][sS][lL](?![A-Za-z])",
    r"你妈死了", r"草\s*泥\s*马", r"(?<![A-Za-z])[cC][nN][mM](?![A-Za-z])", r"操\s*你\s*[妈大爷]*", r"肏", r"日\s*你\s*[妈大爷]*", r"尼\s*玛",
    r"(?<![A-Za-z])[mM][lL][gG][bB](?![A-Za-z])", r"妈\s*[逼了]\s*[个巴]?\s*[逼巴]?", r"狗\s*日\s*的", r"狗\s*东\s*西", r"狗\s*娘\s*养\s*的",
    r"王\s*八\s*蛋", r"混\s*蛋", r"畜\s*生", r"贱\s*[人货种]", r"婊\s*子", r"白\s*痴", r"脑\s*残", r"弱\s*智",
    r"智\s*障", r"废\s*物", r"蠢\s*[货猪蛋]", r"猪\s*脑\s*子?", r"人\s*渣", r"去\s*死", r"死\s*全\s*家", r"滚\s*[蛋开]?(?=[!！。，,\s]|$)",
    r"吃\s*屎", r"狗\s*屁", r"放\s*屁", r"屌\s*丝?", r"特\s*么", r"卧\s*槽", r"我\s*[靠艹草操](?![谱])",
    r"神\s*经\s*病", r"有\s*病\s*吧?", r"骗\s*子", r"一\s*群\s*狗", r"狗\s*[腿奴]",
    r"你?脑\s*子\s*(?:进\s*水|有\s*[坑病]|被驴踢)了?吧?", r"(?<![A-Za-z])[mM][dD][zZ][zZ](?![A-Za-z])", r"狗\s*屎",
    r"(?:都|就)是\s*猪", r"是\s*猪\s*吗", r"猪\s*一\s*样", r"(?<![A-Za-z0-9])[2二]\s*[bB逼](?![A-Za-z])", r"傻\s*[帽冒]",
    r"饭\s*桶", r"蠢\s*材", r"傻\s*[缺屌吊蛋叉x]", r"二\s*货", r"瓜\s*娃\s*子", r"龟\s*儿\s*子", r"扑\s*街", r"丢\s*[雷你]\s*老\s*[母味]",
    r"顶\s*你\s*个\s*肺", r"(?:日\s*你\s*)?仙\s*人\s*板\s*板", r"去\s*你\s*[妈大爷]+\s*的?", r"你\s*妈\s*[了个]*\s*[逼巴]\s*子?",
    r"滚\s*(?:犊子|粗|吧|远点|出去)", r"艹", r"^\s*[操草](?=[，,!！。\s]|$)", r"我\s*[日艹](?![期本常子前后记志程])", r"脑\s*瘫", r"死\s*妈",
    r"杂\s*种", r"狗\s*(?:杂种|崽子|娘们)", r"贱\s*[婢逼]", r"下\s*贱", r"败\s*类", r"猪\s*头", r"二\s*百\s*五", r"缺\s*心\s*眼",
    r"没\s*脑\s*子", r"你\s*是\s*(?:猪|狗|傻子|白痴)\s*吗?", r"傻\s*子", r"蠢\s*(?=[货猪蛋驴材死])", r"贱\s*骨\s*头", r"(?<![A-Za-z])[tT][mM](?=[\u4e00-\u9fff])",
    r"特\s*[么喵]\s*的?", r"尼\s*玛\s*的?", r"你\s*大\s*爷",
]
_EN_STRONG = [
    r"(?:the\s+)?f[\*u#@]?c?[\*k#@]+(?:ing|in'?|ed|er|ers|s)?(?:\s+(?:you|off|this|that))?",
    r"wtf(?:\s+is\s+(?:this|that|wrong with you|going on))?", r"(?:the\s+)?hell(?=\s+is\b)", r"fck(?:ing|in)?", r"fuk(?:ing|in)?", r"fk(?:ing|in)?",
    r"f\*+(?:ing|in)?", r"f\*\*k(?:ing)?", r"effing", r"motherf\w*", r"mf(?:er)?s?", r"stfu", r"gtfo", r"wtf",
    r"sh[i\*]t(?:ty|s|head)?", r"bullsh[i\*]t", r"b\.?s\.?(?=\s|[.!?,]|$)", r"a(?:ss|rse)(?:hole)?s?", r"a\*+hole",
    r"bitch(?:es|y)?", r"b\*tch", r"bastards?", r"dick(?:head)?s?", r"prick", r"cunts?", r"c\*nt", r"dumbass",
    r"jackass", r"idiots?", r"morons?", r"imbeciles?", r"retard(?:ed|s)?", r"scum(?:bags?)?", r"thie(?:f|ves)",
    r"scammers?", r"clowns?", r"go to hell", r"screw you", r"piss off", r"pissed", r"douche(?:bag)?s?",
    r"incompetent morons?", r"useless (?:idiots?|bots?|morons?)", r"brain[ -]?dead", r"losers?",
    r"sh[1!]t(?:ty)?", r"f\s+u(?=\s|[.!,]|$)", r"a-?holes?", r"muppets?",
    r"(?:worthless |useless )?pieces? of (?:crap|shit|garbage|junk|trash|work)", r"suck my \S+", r"eat sh\S*",
    r"kiss my \S+", r"up yours", r"shut (?:the \S+ )?up", r"twats?", r"wankers?", r"dipshits?", r"bimbos?",
    r"(?:brainless|worthless|useless|incompetent|pathetic) (?:clowns?|idiots?|morons?|bimbos?|losers?)",
]
# Mild terms: removed, but the message is merely angry, not abusive.
_ZH_MILD = [r"垃\s*圾(?!袋|桶|分类|箱)", r"破(?=[\u4e00-\u9fff]{1,2}(?:店|公司|平台|客服|东西|玩意|快递|系统))", r"坑\s*爹",
            r"黑\s*心", r"无\s*良", r"什么\s*玩意儿?", r"奇\s*葩", r"靠(?=[!！,，。\s]|$)", r"该\s*死的?"]
_EN_MILD = [r"damn(?:ed|it)?", r"dammit", r"hell(?=\s*[!?.,]|\s+(?:is|was)\b)", r"crap(?:py)?", r"stupid", r"dumb",
            r"freaking", r"frigging", r"bloody", r"sucks?", r"pathetic", r"garbage", r"trash", r"joke of a"]


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
        r"(?:弄死|砍死|杀了|打死|捅死|宰了)(?!我|也)|炸了你们|炸掉你们|烧了你们|找人收拾|找人弄|上门找你|等着瞧|小心你|你给我等着|"
        r"\b(?:kill|hurt|shoot|stab|beat up|murder)\s+(?:you|him|her|them|everyone|somebody|someone)\b|"
        r"\b(?:burn|blow up|bomb)\s+(?:down\s+)?(?:your|the)\s+(?:store|shop|office|warehouse|place)|"
        r"\bI(?:'ll| will) find (?:you|where you live)|\bwatch your back\b|\byou'?ll regret\b",
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
)
_CLAUSE = re.compile(r"(?:[^，,。.!！?？；;\n]|[,.](?=\d))+[，,。.!！?？；;\n]*")
# The threatening tail of a clause ("..., or I will sue", "否则我就去曝光"): cut, the rest is kept.
_THREAT_TAIL = re.compile(r"(?:\s*,?\s*\b(?:or|otherwise|or else|if not)\b|否则|不然|要不然|要不|(?:我|老子)?就(?=要?去|要|把|让|弄|砍|杀|打|找|跟|和|向|告|投诉|曝光|起诉|报警))", re.I)
_ACRONYMS = {"USA", "UPS", "DHL", "SKU", "USD", "VIP", "ETA", "FAQ", "SMS", "APP", "API", "PDF", "BBB", "GBP", "EUR",
             "RMB", "CNY", "ID", "OK", "TV", "PC", "USB", "GPS", "FBA", "EMS", "SF", "JD", "VAT", "FEDEX", "USPS"}
_ISSUE = re.compile(
    r"退款|退货|换货|没收到|未收到|还没到|没发货|不发货|坏了|破损|损坏|质量|少发|漏发|发错|错发|扣款|扣了|多扣|重复|"
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
    strong = False
    for patterns, is_strong in ((_STRONG, True), (_MILD, False)):
        for pattern in patterns:
            for m in pattern.finditer(text):
                if m.end() > m.start() and not any(s < m.end() and m.start() < e for s, e in spans):
                    spans.append((m.start(), m.end()))
                    strong = strong or is_strong
    for start, end in insult_spans(text, context):  # disguised spellings: leet, masks, spaced letters, pinyin
        overlapping = [(s, e) for s, e in spans if s < end and start < e]
        spans = [sp for sp in spans if sp not in overlapping]
        spans.append((min([start] + [s for s, _ in overlapping]), max([end] + [e for _, e in overlapping])))
        strong = True
    return sorted(spans), strong


def threat_kinds(text: str) -> list[str]:
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


def rewrite_rules(text: str) -> str:
    """The message without insults, profanity or threats; every clause with a fact is kept."""
    lang = detect_language(text)
    text = join_disguised(text)
    kept: list[str] = []
    for m in _CLAUSE.finditer(text):
        clause = m.group(0)
        body = clause.rstrip("，,。.!！?？；;\n")
        tail = clause[len(body):]
        spans, _ = offensive_spans(body, text)
        has_fact = bool(facts(body))
        threat = bool(threat_kinds(body))
        if threat and not has_fact:
            cut = _THREAT_TAIL.search(body)
            head = body[:cut.start()] if cut else ""
            if not head.strip() or threat_kinds(head) or not (_WANT.search(head) or _ISSUE.search(head)):
                continue  # a threat with no fact in it: dropped (the flags carry it)
            body, spans = head, offensive_spans(head, text)[0]
        elif threat:  # a threat next to a fact: cut the threatening tail when it holds no fact
            cut = _THREAT_TAIL.search(body)
            if cut and not facts(body[cut.start():]) and not threat_kinds(body[:cut.start()]):
                body, spans = body[:cut.start()], offensive_spans(body[:cut.start()], text)[0]
        cleaned = _remove_spans(body, spans)
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
