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
    "stfu", "gtfo", "wtf", "ffs", "pos", "mf", "mofo", "sob", "kys",
    # phonetic and clipped spellings
    "phuk", "phuking", "phuq", "fuq", "fuqing", "fcuk", "fcuking", "fukk", "fukking", "fuxk", "fawk", "fucka",
    "fuckwad", "muthafucka", "muthafucker", "mothafucka", "motherfucka", "shyt", "sht", "shite", "kunt", "azz",
    "azzhole", "bytch", "biach", "cocksucker", "cocksuckers", "dickwad", "numbnuts", "knobhead", "bellend",
    "tosser", "tossers", "plonker", "numpty", "liar", "liars", "crooks", "frauds",
    # Chinese pinyin and its initials
    "sb", "shabi", "sabi", "shab", "tmd", "tamade", "nmsl", "cnm", "caonima", "nima", "nmb", "nimabi", "mmp",
    "mlgb", "wocao", "woc", "cao", "rnm", "qnmd", "qnmlgb", "zz", "mdzz", "sjb", "bt", "diao", "jb", "gun", "tm",
    "wcnm", "cnmb", "nmlgb", "djb", "caoni", "nimade", "tamadi", "wori", "shagua", "naocan", "ruozhi", "zhizhang",
    "feiwu", "hundan", "wangbadan", "gouri", "nt", "nc", "rz", "dsb", "cnmd", "nmd", "naotan",
    # more clipped, regional and minced spellings
    "feck", "fecking", "fook", "fooking", "fucc", "fuccing", "gfy", "foad", "wtaf", "sonofabitch", "sumbitch",
    "dimwit", "dimwits", "halfwit", "halfwits", "nitwit", "nitwits", "numbskull", "numskull", "bonehead",
    "boneheads", "pillock", "pillocks", "wazzock", "bollocks", "dumbfuck", "clusterfuck", "shitshow",
    "fkn", "fkin", "fcken", "asshat", "asshats", "asswipe", "assclown", "jfc",
}
# Stems that make any word containing them an insult or strong profanity ("shitshow", "dumbfuckery",
# "idiotic"), except for the listed innocent words.
_STEMS = ("fuck", "shit", "bitch", "asshole", "bastard", "idiot", "retard", "dumbass", "jackass", "moron")
_STEM_EXCEPTIONS = {"shitake", "shiitake", "oxymoron", "oxymorons", "oxymoronic", "mishit"}
# Mild words (angry, not abusive) that customers disguise too ("st00pid", "cr@p"): removed, never "abusive".
MILD_VOCAB = {"stupid", "stoopid", "stupidest", "dumb", "dumbest", "crap", "crappy", "damn", "damned", "dammit",
              "sucks", "garbage", "trash", "pathetic", "useless", "freaking", "frigging", "friggin", "bloody"}
# Words a disguised spelling may stand for that are not insults (threat verbs, the agent): a token that is one of
# these, or an insult, in leetspeak ("k1ll", "b0t", "1d10t") is a word, not an order number.
_PLAIN_WORDS = {"kill", "killing", "killed", "murder", "shoot", "stab", "hurt", "burn", "bomb", "die", "dead", "death",
                "hate", "bot", "bots", "you", "your", "hell", "loser", "losers", "clown", "clowns", "scam", "scammer",
                "scammers", "thief", "thieves", "hope", "find"}
# Latin letters that stand for Chinese insults only when written in lower case or all caps ("Cao" is a surname,
# "gun" and "wc" are English words, "bt" a brand): accepted only when the whole message is mainly Chinese.
_PINYIN_ONLY_IN_ZH = {"cao", "gun", "woc", "bt", "jb", "diao", "nima", "sob", "mf", "pos", "tm", "caoni", "wori",
                      "nt", "nc", "rz", "nmd"}
# Tokens accepted only when spelled with separators (p.o.s., s.o.b.) or in Chinese text.
_SPACED_ONLY = {"pos", "sob", "mf"}
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i",
                       "|": "i", "+": "t", "9": "g", "8": "b"})
_TOKEN = re.compile(r"[A-Za-z0-9@$!|+*#]*[A-Za-z*][A-Za-z0-9@$!|+*#]*")
_SPACED = re.compile(r"(?<![A-Za-z0-9])[A-Za-z*](?:[ ._\-*]{1,2}[A-Za-z*]){1,14}(?![A-Za-z0-9])\.?")
_MASK = re.compile(r"[*#]+")


# Fullwidth letters and digits ("ＳＢ", "ｆｕｃｋ") and Cyrillic/Greek look-alikes ("іdіot") as ASCII, one
# character for one, so that offsets found on the folded text apply to the original.
_FOLD = {**{chr(0xFF01 + i): chr(0x21 + i) for i in range(94) if chr(0x21 + i).isalnum() or chr(0x21 + i) in "@$*#"},
         **dict(zip("аеорсухіјԁԛѕАВЕКМНОРСТХІЈЅοαντκιΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "aeopcyxijdqsABEKMHOPCTXIJSoavtkiABEZHIKMNOPTYX"))}
_FOLD_TABLE = str.maketrans(_FOLD)


def fold(text: str) -> str:
    """Fullwidth ASCII letters and digits and common look-alike letters as plain ASCII; same length."""
    return text.translate(_FOLD_TABLE)


def _collapse(word: str) -> str:
    return re.sub(r"(.)\1+", r"\1", word)


_COLLAPSED = {_collapse(w): w for w in _VOCAB}
_MILD_COLLAPSED = {_collapse(w): w for w in MILD_VOCAB}


def _plain(token: str) -> str:
    """A token with leet characters as letters, masks kept ("sh1t" -> "shit", "f*ck" -> "f*ck")."""
    raw = token.lower().rstrip("!|").lstrip("!|#")
    return raw.translate(_LEET) if re.search(r"[a-z]", raw) and re.search(r"[0-9@$!|+]", raw) else raw


def leet_word(token: str) -> bool:
    """Is this letters-and-digits token a word in leetspeak ("k1ll", "sh1t", "1d10t", "b0t") rather than an id?"""
    word = fold(token).lower().translate(_LEET)
    if not word.isalpha() or word == token.lower():
        return False
    known = _VOCAB | MILD_VOCAB | _PLAIN_WORDS
    return word in known or _collapse(word) in _COLLAPSED or _collapse(word) in _MILD_COLLAPSED or \
        any(_collapse(word) == _collapse(k) for k in _PLAIN_WORDS)


@lru_cache(maxsize=4096)
def mild_word(token: str) -> bool:
    """A disguised mild word ("st00pid", "cr@p", "daaamn"): removed like an insult, but not abusive."""
    word = _plain(token)
    if word == token.lower() and not re.search(r"(.)\1\1", word):
        return False  # plainly spelled mild words are the lexicon's (bot/assist/calm.py)
    return word in MILD_VOCAB or _collapse(word) in _MILD_COLLAPSED


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
    if word.isalpha() and len(word) > 4 and word not in _STEM_EXCEPTIONS and \
            any(stem in word or (re.search(r"(.)\1\1", word) and stem in _collapse(word)) for stem in _STEMS):
        return True  # a compound: "shitshow", "dumbfuckery", "idiotic"
    collapsed = _collapse(word)
    if collapsed in _COLLAPSED and (re.search(r"(.)\1\1", word) or word != raw):
        target = _COLLAPSED[collapsed]
        return len(target) >= 4 and (zh or target not in _PINYIN_ONLY_IN_ZH)
    return False


def _mainly_chinese(text: str) -> bool:
    han = len(re.findall(r"[\u4e00-\u9fff]", text))
    return han >= 2 and han >= len(re.findall(r"[A-Za-z]", text)) / 2


_WORDS = re.compile(r"[A-Za-z]+")
_MASK_RUN = re.compile(r"(?<=[A-Za-z])[-_]{2,}(?=[A-Za-z])")


def _split_words(text: str, zh: bool) -> list[tuple[int, int]]:
    """Insults written as two or three words ("sha bi", "cao ni ma", "mother fucker", "bull shit")."""
    words = list(_WORDS.finditer(text))
    spans: list[tuple[int, int]] = []
    for i in range(len(words)):
        for n in (3, 2):
            group = words[i:i + n]
            if len(group) < n or any(not re.fullmatch(r"[ \-_.]{1,2}", text[a.end():b.start()])
                                     for a, b in zip(group, group[1:])):
                continue
            joined = "".join(w.group(0) for w in group).lower()
            if len(joined) >= 4 and joined in _VOCAB and (zh or joined not in _PINYIN_ONLY_IN_ZH):
                spans.append((group[0].start(), group[-1].end()))
                break
    return spans


def mild_spans(text: str) -> list[tuple[int, int]]:
    """Spans of disguised mild words ("st00pid", "cr@ppy")."""
    folded = fold(text)
    return [(m.start(), m.end()) for m in _TOKEN.finditer(folded) if mild_word(m.group(0))]


def insult_spans(text: str, context: str | None = None) -> list[tuple[int, int]]:
    """Spans of disguised or plain Latin-script insults (English words, Chinese pinyin and initials).
    `context` is the whole message when `text` is one clause of it (pinyin counts only in Chinese messages)."""
    zh = _mainly_chinese(context if context is not None else text)
    text = _MASK_RUN.sub(lambda m: "*" * len(m.group(0)), fold(text))  # "f__k", "f--king": masks
    spans: list[tuple[int, int]] = _split_words(text, zh)
    for m in _SPACED.finditer(text):  # "s h i t", "f u c k i n g", "p.o.s.", "S.B."
        if any(s <= m.start() < e for s, e in spans):
            continue
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
        if token[:1].isupper() and token[1:].islower() and text[m.end():m.end() + 2] in ("'s", "’s"):
            continue  # a name's possessive ("Dick's Sporting Goods")
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
              r"(?:your|his|her|their|that|the|this|those|these|every|all (?:the|your|of your))\s+(?:\w+\s+)?(?:driver|guy|guys|man|woman|agent|"
              r"courier|manager|boss|ceo|staff|people|employees?|workers?|store|shop|office|warehouse|place|building|"
              r"hq|headquarters|house|car|cars|vans?|trucks?|windows?|doors?|tires?|tyres?|counters?|legs?|arms?|face|faces|neck|head|teeth|knees?|kneecaps?|skull|nose|jaw|ribs|fingers|hands?|bones|family|kids?)\b)")
_EN_WEAPON = (r"(?:a|my|some|the|his|her)\s+(?:(?:baseball|big|loaded|kitchen|hunting)\s+)?(?:bat|knife|knives|gun|guns|"
              r"shotgun|rifle|pistol|hammer|crowbar|machete|axe|pipe|weapon|can of (?:gas|petrol|gasoline)|"
              r"gas can|jerry can|lighter|match(?:es)?)(?!\s+(?:set|block|sharpener|case|holder|safe|cleaner))\b")
_EN_VIOLENCE = re.compile(
    rf"{_EN_ME}(?:\s+[^\s.!?;]+){{0,10}}?\s+{_EN_HARM}\s+(?:\w+\s+){{0,2}}?{_EN_TARGET}|"
    rf"\b(?:put a bullet in|shoot up|burn down|blow up)\s+(?:your|the|his|her|their)\b"
    rf"(?!\s+(?:\w+\s+)?(?:phones?|lines?|inbox|emails?|dms|notifications|mentions|chat|socials))|"
    rf"{_EN_ME}(?:\s+[^\s.!?;]+){{0,6}}?\s+(?:bring(?:ing)?|carry(?:ing)?|com(?:e|ing) (?:in |back |down )?with|"
    rf"show(?:ing)? up with|grab(?:bing)?|get(?:ting)?)\s+{_EN_WEAPON}|"
    rf"{_EN_ME}(?:\s+[^\s.!?;]+){{0,3}}?\s+(?:come|coming|show up|showing up|walk(?:ing)? in(?:to)?|head(?:ing)? (?:down|over)|"
    rf"be (?:there|back)|pay (?:you|your \w+) a visit)\b(?:\s+(?:to|into|down to|over to|back to|at)\s+(?:your|the|that)"
    rf"(?:\s+\w+){{1,2}})?\s+with\s+{_EN_WEAPON}|"
    rf"\b(?:I know where you live|I know where your \w+ (?:is|are|lives?)|end up in (?:the )?hospital|"
    rf"I(?:'ll| will) (?:find|get) you|I(?:'ll| will) be waiting for you|don'?t let me (?:catch|see|find) you)\b|"
    rf"\b(?:someone|somebody|people|you|your \w+)(?:'s|'re| is| are)?\s+(?:gonna|going to|will)\s+(?:get|be|end up)\s+"
    rf"(?:hurt|killed|shot|stabbed|beaten|dead)\b",
    re.I,
)
# Veiled threats ("you'll regret it", "等着瞧"): threats of violence unless the same sentence names a legal or
# public step ("you'll regret it when my lawyer calls", "你等着，我去12315投诉").
_EN_VEILED = re.compile(
    r"\b(?:watch your back|you(?:'ll| will| are going to|'re going to|'re gonna) (?:regret (?:it|this|that)?|be sorry|"
    r"pay for (?:this|that|it))|you(?:'d| had) better hope|you have no idea (?:who you'?re (?:dealing|messing) with|"
    r"what I'?m capable of)|make (?:you|him|her|them|you all) pay|this (?:isn'?t|is not|ain'?t) over)",
    re.I,
)
_ZH_VEILED = re.compile(
    r"等着瞧|走着瞧|你们?(?:给我)?等着|有你们?好(?:看|受)的|没你们?好果子吃|(?:让|叫)你们?(?:全家)?(?:付出代价|好看|吃不了兜着走)|"
    r"你们?会后悔的|让你们?后悔|我记住你了|我记住你们了|别让我(?:再)?(?:碰到|遇到|看到|见到)你"
)
_LEGAL_STEP = re.compile(
    r"律师|起诉|告你们|法院|诉讼|仲裁|12315|消协|消费者协会|工商|市场监管|曝光|媒体|记者|微博|抖音|投诉|差评|举报|"
    r"\b(?:sue|suing|lawsuit|lawyer|attorney|court|legal|claim|chargeback|review|reviews|BBB|regulator|ombudsman|"
    r"report|press|media|twitter|tiktok|reddit|trustpilot|yelp)\b",
    re.I,
)
_FIGURATIVE_HARM = re.compile(r"\b(?:destroy|wreck|bury|ruin|finish|take down|hurt|harm|kill)\b", re.I)
_SENTENCE = re.compile(r"[^。.!！?？\n]+[。.!！?？\n]*")
_ZH_ME = r"(?:我|老子|俺|爷|本人|我们|哥|姑奶奶|信不信我)"
_ZH_INTENT = r"(?:今天|明天|马上|迟早|一定|非|就|要|会|去|得|把|带人|找人|亲自|上门|过去|到你们\S{0,6}?|再)*"
_ZH_HARM = (r"(?:弄死|砍死|砍(?!价)了?|杀(?!毒|价)了?|杀死|打死|打残|捅死|捅了?|宰了?|剁了?|废了?|弄残|烧了?|"
            r"砸了?|炸了?|放火烧|一把火烧了?|揍|灭了?)")
_ZH_TARGET = r"(?:你|您|他|她|那个|那些|这个|你们|他们|她们|全家|一个个|所有人|人|经理|老板|客服|快递员|送货|司机|店|门店|公司|仓库)"
_ZH_VIOLENCE = re.compile(
    rf"{_ZH_ME}{_ZH_INTENT}{_ZH_HARM}(?:\S{{0,6}}?){_ZH_TARGET}|{_ZH_ME}[^，,。！!？?]{{0,10}}?{_ZH_HARM}{_ZH_TARGET}|"
    rf"找人(?:收拾|弄|打)你|上门找你|放火|纵火|一把火烧|浇(?:上)?汽油|泼(?:汽油|硫酸|粪|油漆|红油漆)|见(?:你|他|她|一次)\S{{0,2}}打一次|(?:带|拿|揣|提|拎)(?:着|上)?(?:一?[桶瓶罐])?(?:汽油|硫酸|炸药)|同归于尽|跟你们?拼(?:命|了)|"
    rf"(?:带|拿|揣|提|拎)(?:着|上)?(?:一?把)?(?:刀|菜刀|砍刀|水果刀|枪|棍子?|棒球棍|铁棍|斧头|汽油|硫酸|"
    rf"炸药|榔头|锤子)(?![具架片套柄])\S{{0,4}}?(?:去|来|到|上门|找)|"
    rf"(?:打断|打折|打爆|打烂|打瞎|撕烂|剁了?)(?:你|您|他|她|那个|这个|那些)\S{{0,5}}?的?(?:狗)?(?:腿|手|头|脸|牙|嘴|眼睛?)|"
    rf"(?:把|将)(?:你|你们|他|他们|他们的?\S{{0,4}}|你们的?\S{{0,4}})(?:\S{{0,4}})?(?:都|一个个)?(?:宰|砍|杀|弄死|砸|烧|炸|废|揍|捅|打残|打死)|"
    rf"带人\S{{0,4}}(?:砸|砍|打|烧)|(?:出门|走路|晚上)小心(?:点|些)?|我知道(?:你|你们\S{{0,4}}?|他|她)(?:家)?住(?:在)?哪|查到你(?:住|家)|迟早弄你|"
    rf"(?:弄死|砍死|捅死|宰了|杀了)(?:你|你们|他|他们)|"
    rf"{_ZH_ME}\S{{0,6}}?(?:去|到|上)你们\S{{0,8}}?(?:砸|烧|炸|砍|捅|杀|打人|闹事|拼命)",
)
_SELF_HARM = re.compile(
    r"不想活|活不下去|活着(?:真)?没(?:有)?意思|不活了|去自杀|要自杀|想自杀|自杀|轻生|跳楼|跳河|跳江|跳下去|割腕|寻死|"
    r"一死了之|死给你们看|结束(?:我的)?生命|安眠药|喝农药|上吊|自我了断|自焚|自残|服毒|吞药|吃药死|"
    r"活着(?:还)?有什么意思|(?:我)?(?:还)?不如死了|死了算了|活够了|不想活|"
    r"\b(?:kill|hurt|harm|cut) myself\b|\bend (?:my life|it all)\b|\bending (?:my life|it all)\b|\bsuicid\w*|"
    r"\b(?:don'?t|do not) want to (?:live|be alive|go on)\b|\bno reason to (?:live|go on)\b|"
    r"\bwhat'?s the point (?:of|in) (?:living|going on|life)\b|\bjump (?:off|from) (?:a|the|my) (?:bridge|building|roof)\b|"
    r"\btake my (?:own )?life\b|\bwant to die\b|\boverdose\b|\btake (?:all )?(?:of )?(?:my|the|these) (?:pills|tablets)\b|"
    r"\bfeel(?:ing)? like dying\b|\b(?:better off|rather be|wish I (?:was|were)) dead\b|\bno point (?:in )?living\b|"
    r"\bnot worth living\b|结束(?:掉)?自己(?:的(?:生命|性命))?(?!的)|了结自己|了断自己|离开这个世界|一了百了|活着太累|不想再活|没有活下去的|遗书|"
    r"\bend myself\b|\bnothing (?:left )?to live for\b|\bwon'?t be (?:around|alive|here) "
    r"(?:much longer|tomorrow|anymore|to see)\b|\bdon'?t want to wake up\b|\bend my own life\b|\bsay(?:ing)? goodbye "
    r"to (?:everyone|the world|this world)\b|\bjump(?:ing)? (?:off|from|in front of) (?:a|the|my) (?:bridge|building|roof|"
    r"train|balcony)\b",
    re.I,
)


def violence_spans(text: str) -> list[tuple[int, int]]:
    """Where the message threatens violence (same offsets as `text`)."""
    plain = deleet(fold(text))
    spans = [m.span() for pattern in (_EN_VIOLENCE, _ZH_VIOLENCE) for m in pattern.finditer(plain)]
    for sentence in _SENTENCE.finditer(plain):
        if _LEGAL_STEP.search(sentence.group(0)):
            # "I'll destroy you in court", "you'll regret it when my lawyer calls": a legal step, not violence
            spans = [(s, e) for s, e in spans if not (sentence.start() <= s < sentence.end() and
                                                      _FIGURATIVE_HARM.search(plain[s:e]))]
            continue
        for pattern in (_EN_VEILED, _ZH_VEILED):
            spans += [(sentence.start() + m.start(), sentence.start() + m.end())
                      for m in pattern.finditer(sentence.group(0))]
    return sorted(spans)


def violence(text: str) -> bool:
    return bool(violence_spans(text))


def self_harm(text: str) -> bool:
    return bool(_SELF_HARM.search(deleet(fold(text))))
