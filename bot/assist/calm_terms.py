"""Insults and threats however they are spelled: the word-level normalisation behind /calm's lexicons.

Customers disguise insults: leetspeak ("m0ron", "bullsh1t", "a$$"), masks ("f*cking", "MOTHERF***ERS"),
repeated letters ("fuuuuck"), spaced or dotted letters ("s h i t", "p.o.s.", "S.B."), pinyin and its initials
("shabi", "cnm", "nmsl") and separators inside Chinese words ("傻.逼"). Each Latin token is normalised (leet
characters to letters, masks as wildcards, letter runs collapsed) and compared with a vocabulary of insults;
runs of single letters are joined first. Threats are recognised by their structure rather than by fixed
phrases: a first-person subject, an intention ("will", "gonna", "要", "迟早"), a harm verb and a person as
its target ("I'm going to break his legs", "老子砍了你们"); self-harm by a first person and a way of dying
or not wanting to live. Everything works on the original offsets.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Insults and strong profanity, as they are spelled when not disguised (and common disguised stems).
_VOCAB = {
    "fuck", "fucks", "fucking", "fuckin", "fucked", "fucker", "fuckers", "fuckface", "fuckwit", "motherfucker",
    "motherfuckers", "motherfucking", "fvck", "fvcking", "phuck", "phucking", "fuk", "fuking", "fukin", "fck",
    "fcking", "fckin", "fking", "effing", "shit", "shits", "shitty", "shithead", "bullshit", "dipshit", "horseshit",
    "bitch", "bitches", "bitchy", "biatch", "biotch", "beyotch", "cunt", "cunts", "twat", "twats", "wanker",
    "wankers", "dick", "dicks", "dickhead", "dickheads", "asshole", "assholes", "arsehole", "arseholes", "ass",
    "arse", "dumbass", "jackass", "smartass", "idiot", "idiots", "moron", "morons", "retard", "retards",
    "retarded", "bastard", "bastards", "prick", "pricks", "whore", "whores", "slut", "sluts", "bimbo", "bimbos",
    "douche", "douchebag", "douchebags", "scumbag", "scumbags", "imbecile", "imbeciles", "cretin", "cretins",
    "stfu", "gtfo", "wtf", "ffs", "pos", "mf", "mofo", "sob",
    # Chinese pinyin and its initials
    "sb", "shabi", "sabi", "shab", "tmd", "tamade", "nmsl", "cnm", "caonima", "nima", "nmb", "nimabi", "mmp",
    "mlgb", "wocao", "woc", "cao", "rnm", "qnmd", "qnmlgb", "zz", "mdzz", "sjb", "bt", "diao", "jb", "gun", "tm",
}
# Latin letters that stand for Chinese insults only when written in lower case or all caps ("Cao" is a surname,
# "gun" and "wc" are English words, "bt" a brand): accepted only when the whole message is mainly Chinese.
_PINYIN_ONLY_IN_ZH = {"cao", "gun", "woc", "bt", "jb", "diao", "nima", "sob", "mf", "pos", "tm"}
# Tokens accepted only when spelled with separators (p.o.s., s.o.b.) or in Chinese text.
_SPACED_ONLY = {"pos", "sob", "mf"}
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i",
                       "|": "i", "+": "t", "9": "g", "8": "b"})
_TOKEN = re.compile(r"[A-Za-z0-9@$!|+*#]*[A-Za-z*][A-Za-z0-9@$!|+*#]*")
_SPACED = re.compile(r"(?<![A-Za-z0-9])[A-Za-z*](?:[ ._\-*]{1,2}[A-Za-z*]){1,14}(?![A-Za-z0-9])\.?")
_MASK = re.compile(r"[*#]+")


def _collapse(word: str) -> str:
    return re.sub(r"(.)\1+", r"\1", word)


_COLLAPSED = {_collapse(w): w for w in _VOCAB}


@lru_cache(maxsize=4096)
def _insult_word(token: str, zh: bool) -> bool:
    """Is this (possibly disguised) token an insult of the vocabulary?"""
    raw = token.lower().rstrip("!|").lstrip("!|#")
    if not re.search(r"[a-z]", raw):
        return False
    word = raw.translate(_LEET) if re.search(r"[a-z]", raw) and re.search(r"[0-9@$!|+]", raw) else raw
    if "*" in word or "#" in word:
        if not re.match(r"[a-z]", word) or len(word) < 3:
            return False
        pattern = re.compile("".join("[a-z]{1,4}" if _MASK.fullmatch(p) else re.escape(p)
                                     for p in re.split(r"([*#]+)", word) if p))
        return any(pattern.fullmatch(v) for v in _VOCAB if len(v) >= 3)
    if word in _VOCAB:
        return zh or word not in _PINYIN_ONLY_IN_ZH
    collapsed = _collapse(word)
    if collapsed in _COLLAPSED and (re.search(r"(.)\1\1", word) or word != raw):
        target = _COLLAPSED[collapsed]
        return len(target) >= 4 and (zh or target not in _PINYIN_ONLY_IN_ZH)
    return False


def _mainly_chinese(text: str) -> bool:
    han = len(re.findall(r"[\u4e00-\u9fff]", text))
    return han >= 2 and han >= len(re.findall(r"[A-Za-z]", text)) / 2


def insult_spans(text: str, context: str | None = None) -> list[tuple[int, int]]:
    """Spans of disguised or plain Latin-script insults (English words, Chinese pinyin and initials).
    `context` is the whole message when `text` is one clause of it (pinyin counts only in Chinese messages)."""
    zh = _mainly_chinese(context if context is not None else text)
    spans: list[tuple[int, int]] = []
    for m in _SPACED.finditer(text):  # "s h i t", "f u c k i n g", "p.o.s.", "S.B."
        letters = [(i + m.start(), ch) for i, ch in enumerate(m.group(0)) if ch.isalpha() or ch == "*"]
        best: tuple[int, int] | None = None
        for i in range(len(letters)):
            for j in range(len(letters), i + 1, -1):
                word = "".join(ch for _, ch in letters[i:j]).lower()
                if (word in _VOCAB or _insult_word(word, zh)) and (best is None or j - i > best[1] - best[0]):
                    best = (i, j)
                    break
        if best:
            end = letters[best[1] - 1][0] + 1
            if end < len(text) and text[end] == "." and m.group(0).count(".") >= 2:
                end += 1
            spans.append((letters[best[0]][0], end))
    for m in _TOKEN.finditer(text):
        token = m.group(0)
        if any(s <= m.start() < e for s, e in spans):
            continue
        if token.lower() in _SPACED_ONLY and not zh:
            continue
        if _insult_word(token, zh):
            spans.append((m.start(), m.end()))
    return sorted(spans)


def join_disguised(text: str) -> str:
    """Disguised insults written with clause punctuation inside ("F.U.C.K", "sh!tty") joined into one word,
    so that splitting the message into clauses does not cut them apart."""
    out, last = [], 0
    for start, end in insult_spans(text):
        chunk = text[start:end]
        if re.search(r"[.!?,;]", chunk):
            out.append(text[last:start])
            out.append(re.sub(r"[^A-Za-z*]", "", deleet(chunk)) or chunk)
            last = end
    out.append(text[last:])
    return "".join(out)


def deleet(text: str) -> str:
    """The text with leet characters inside words turned into letters ("k1ll" -> "kill"); same length."""
    return _TOKEN.sub(lambda m: m.group(0).translate(_LEET) if re.search(r"[A-Za-z]", m.group(0)) and
                      re.search(r"[A-Za-z][0-9@$!|+]|[0-9@$!|+][A-Za-z]", m.group(0)) else m.group(0), text)


# --- threats by structure -------------------------------------------------------------------------------
_EN_ME = r"\b(?:I|we|I'?ll|I'?m|I'?d|we'?ll|we'?re|someone|somebody)\b"
_EN_INTENT = (r"(?:\s+(?:swear|promise|really|will|shall|would|could|am|are|is|'m|'ll|gonna|going to|want to|wanna|"
              r"about to|should|have to|need to|come (?:down )?(?:there|over)(?: and)?|find you and|go there and|"
              r"personally|literally|just|then|and)\b)*")
_EN_HARM = (r"(?:kill|murder|shoot(?: up)?|stab|strangle|choke|beat(?: up| the (?:crap|shit|hell) out of)?|punch|"
            r"smash|break|snap|burn(?: down)?|torch|blow up|bomb|hurt|harm|slap|kick|knock out|cut|"
            r"hunt(?: you)? down|destroy|wreck|run over|put a bullet in|end up in (?:hospital|the hospital|a coffin))")
_EN_TARGET = (r"(?:(?:you|ya|u|him|her|them|everyone|every one of you|all of you|whoever)\b|"
              r"(?:your|his|her|their|that|the|this|those|these)\s+(?:\w+\s+)?(?:driver|guy|guys|man|woman|agent|"
              r"courier|manager|boss|ceo|staff|people|employees?|workers?|store|shop|office|warehouse|place|building|"
              r"hq|headquarters|house|car|legs?|arms?|face|faces|neck|head|teeth|knees?|skull|family|kids?)\b)")
_EN_VIOLENCE = re.compile(
    rf"{_EN_ME}(?:\s+\S+){{0,6}}?\s+{_EN_HARM}\s+(?:\w+\s+){{0,2}}?{_EN_TARGET}|"
    rf"\b(?:put a bullet in|shoot up|burn down|blow up)\s+(?:your|the|his|her|their)\b|"
    rf"\b(?:watch your back|you(?:'ll| will) regret|you(?:'d| had) better hope|I know where you live|"
    rf"I know where your \w+ is|end up in (?:the )?hospital|make you pay|I(?:'ll| will) find you)\b",
    re.I,
)
_ZH_ME = r"(?:我|老子|俺|爷|本人|我们|哥|姑奶奶|信不信我)"
_ZH_INTENT = r"(?:今天|明天|马上|迟早|一定|非|就|要|会|去|得|把|带人|找人|亲自|上门|过去|到你们\S{0,6}?|再)*"
_ZH_HARM = (r"(?:弄死|砍死|砍(?!价)了?|杀(?!毒|价)了?|杀死|打死|打残|捅死|捅了?|宰了?|剁了?|废了?|弄残|烧了?|"
            r"砸了?|炸了?|放火烧|一把火烧了?|揍|灭了?)")
_ZH_TARGET = r"(?:你|您|他|她|那个|那些|这个|你们|他们|她们|全家|一个个|所有人|人|经理|老板|客服|快递员|送货|司机|店|门店|公司|仓库)"
_ZH_VIOLENCE = re.compile(
    rf"{_ZH_ME}{_ZH_INTENT}{_ZH_HARM}(?:\S{{0,6}}?){_ZH_TARGET}|{_ZH_ME}[^，,。！!？?]{{0,10}}?{_ZH_HARM}{_ZH_TARGET}|"
    rf"找人(?:收拾|弄|打)你|上门找你|等着瞧|放火|"
    rf"(?:把|将)(?:你|你们|他|他们|他们的?\S{{0,4}}|你们的?\S{{0,4}})(?:\S{{0,4}})?(?:都|一个个)?(?:宰|砍|杀|弄死|砸|烧|炸|废|揍|捅|打残|打死)|"
    rf"带人\S{{0,4}}(?:砸|砍|打|烧)|(?:出门|走路|晚上)小心(?:点|些)?|你(?:给我)?等着|我记住你了|"
    rf"(?:让|叫)你们?(?:全家)?(?:付出代价|好看|吃不了兜着走)|查到你(?:住|家)|迟早弄你|"
    rf"(?:弄死|砍死|捅死|宰了|杀了)(?:你|你们|他|他们)",
)
_SELF_HARM = re.compile(
    r"不想活|活不下去|活着(?:真)?没(?:有)?意思|不活了|去自杀|要自杀|想自杀|自杀|轻生|跳楼|跳河|跳江|跳下去|割腕|寻死|"
    r"一死了之|死给你们看|结束(?:我的)?生命|安眠药|喝农药|上吊|自我了断|"
    r"\b(?:kill|hurt|harm|cut) myself\b|\bend (?:my life|it all)\b|\bending (?:my life|it all)\b|\bsuicid\w*|"
    r"\b(?:don'?t|do not) want to (?:live|be alive|go on)\b|\bno reason to (?:live|go on)\b|"
    r"\bwhat'?s the point (?:of|in) (?:living|going on|life)\b|\bjump (?:off|from) (?:a|the|my) (?:bridge|building|roof)\b|"
    r"\btake my (?:own )?life\b|\bwant to die\b|\boverdose\b",
    re.I,
)


def violence(text: str) -> bool:
    plain = deleet(text)
    return bool(_EN_VIOLENCE.search(plain) or _ZH_VIOLENCE.search(plain))


def self_harm(text: str) -> bool:
    return bool(_SELF_HARM.search(deleet(text)))
