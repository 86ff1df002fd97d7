"""Names of people in Chinese and English support messages, found from where people write them.

Chinese: a surname from the common-surname table plus one or two given-name characters, in a context that
makes it a person: an introduction (姓名 / 收件人 / 我叫 / 报修人 ...), a title after it (先生 / 女士 / 经理 /
师傅 ...), a relation or role before it (我老公 / 客服 / 转告 ...), an action only a person does after it (…收,
…帮我下的单, …敬上), a correction of a recipient (收货人写错了，应该是…), "姓X", a name listed beside a phone or
an email, or a name alone on a signature line. English: capitalised words after an introduction ("my name is",
"this is", "I'm"), a title (Mr / Ms / Dr), a relation or role ("my wife", "your agent"), a greeting or thanks
("Hi Sarah,", "Thank you so much Rachel!"), a sign-off ("Best regards,\\nEmily Chen", "Cheers, Tom") or a name
line of a signature block.
"""

from __future__ import annotations

import re
from typing import Iterator

Span = tuple[int, int, str]

# --- Chinese -------------------------------------------------------------------------------------------
_SURNAMES_2 = "欧阳|司马|上官|诸葛|东方|皇甫|尉迟|公孙|慕容|长孙|宇文|司徒|夏侯|令狐|端木|南宫"
_SURNAMES_1 = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施"
    "文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷"
    "盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷"
    "晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
_SURNAME = f"(?:{_SURNAMES_2}|[{_SURNAMES_1}])"
_HAN = r"[\u4e00-\u9fff]"
_ZH_NAME = rf"{_SURNAME}{_HAN}{{1,2}}"
# Characters that end a given name rather than belong to it (particles, verbs, pronouns, punctuation).
_NOT_GIVEN = set("的了在是和吗呢啊吧呀哦么我你您他她它们要想说就也都还买到退换寄送收发给把被让请帮订单号电话手机地址"
                 "先女士姐经理去过这那有没不很太又再已从跟与及或对向为以里谢好上下敬谨留，。,.!！?？：: ")
# Words that look like surname + given name but are not names (at the start of a line / before 收 ...).
_ZH_NOT_NAMES = {"谢谢", "谢啦", "祝好", "祝您", "万分", "万一", "明天", "明白", "时间", "时候", "高兴", "方便",
                 "安全", "全部", "成功", "常见", "文件", "金额", "单号", "江湖", "东西", "师傅", "华为", "宁可",
                 "和平", "平安", "商品", "商家", "应该", "应该是", "曾经", "路上", "车上", "包裹", "关于", "包邮",
                 "麻烦", "马上", "顺便", "尽快", "高速", "和你", "和我", "给我", "万望", "司机", "师父", "单位"}

_ZH_INTROS = ("姓名|名字|真名|全名|联系人|收件人|收货人|寄件人|报修人|申请人|下单人|购买人|签收人|代收人|持卡人|"
              "开户人|户名|我叫|名叫|叫做|我是|本人是?|称呼")
_ZH_NAME_INTRO = re.compile(rf"(?:{_ZH_INTROS})[\s:：是为叫]*({_ZH_NAME})")
_ZH_INTRO_LATIN = re.compile(rf"(?:{_ZH_INTROS})[\s:：]*([A-Z][a-z]+(?:\s+[A-Z][a-z]+){{1,2}})")
_TITLES = "先生|女士|小姐|太太|老师|同学|阿姨|师傅|经理|主任|总监|主管|医生|律师|警官|叔叔|大爷|店长|组长"
_ZH_NAME_TITLE = re.compile(rf"({_SURNAME}{_HAN}{{0,2}}?)(?:{_TITLES})")
_ZH_LABELS = r"(?:联系)?(?:电话|手机|手机号码?|座机|邮箱|tel|Tel|TEL)?[:：]?\s*"
_ZH_NAME_BESIDE_CONTACT = re.compile(  # a bare name listed next to a phone number or an email
    rf"(?:^|(?<=[：:，,、\s（(—-]))({_ZH_NAME})(?=\s*[，,、\s（(]+{_ZH_LABELS}(?:\+|\(|1[3-9]\d|0\d|[\w.+-]+@))"
)
_RELATIONS = ("老公|老婆|爱人|丈夫|妻子|媳妇|儿子|女儿|妈妈|爸爸|母亲|父亲|爷爷|奶奶|朋友|同事|同学|室友|家人|哥哥|姐姐|"
              "弟弟|妹妹|领导|老板|客服|快递员|快递小哥|配送员|骑手|业务员|爸|妈|哥|姐|弟|妹")
_ZH_NAME_CONTEXT = re.compile(
    rf"(?:客户|顾客|用户|会员|买家|帮|替|给|让|和|跟|通知|转告|请问|联系|找|{_RELATIONS})({_ZH_NAME})"
    rf"(?=的(?:订单|包裹|快递|账户|账号|会员|退款|电话|手机)|来电|反馈|投诉|说|反映|打电话|留言|本人|签收|收货|帮|替|代|也|"
    rf"给我|下的单|买|在|[（(，,：:。！!])"
)
_ZH_NAME_ACTS = re.compile(  # …收 / …签收 / …敬上 / …帮我下的单 after a delimiter
    rf"(?:^|(?<=[，,、。；;\s：:]))({_ZH_NAME}?)(?:收(?![到货款费据件益藏拾不])|签收|代收|敬上|谨上|敬启|亲启|"
    rf"帮我|替我|代我|给我下|下的单)"
)
_ZH_NAME_CORRECTION = re.compile(
    rf"(?:名字|姓名|收件人|收货人|联系人|户名|寄件人)[^。！？!?\n]{{0,12}}?(?:应该是|应为|改成|改为|写成|换成)\s*({_ZH_NAME})"
)
_ZH_SURNAME_ONLY = re.compile(rf"(?<!百)(?<!老)姓({_SURNAME})(?=的|[，,。！!\s]|$|，)")
_ZH_LINE_NAME = re.compile(  # a name alone on a signature line ("—— 马云飞", "田甜")
    rf"(?m)^[ \t]*(?:[-—–~]+[ \t]*)?({_ZH_NAME})[ \t]*$"
)
_ZH_DASH_NAME = re.compile(rf"(?:——|--|—)\s*({_ZH_NAME})(?=\s|$|[，,])")


def _trim_given(name: str, surname_len: int) -> str:
    end = surname_len
    while end < len(name) and name[end] not in _NOT_GIVEN:
        end += 1
    return name[:end]


def _surname_len(name: str) -> int:
    return 2 if re.match(f"(?:{_SURNAMES_2})", name) else 1


def _zh_names(text: str) -> Iterator[Span]:
    multi_line = "\n" in text.strip()
    rules = [_ZH_NAME_INTRO, _ZH_NAME_CONTEXT, _ZH_NAME_BESIDE_CONTACT, _ZH_NAME_ACTS, _ZH_NAME_CORRECTION,
             _ZH_DASH_NAME]
    if multi_line:
        rules.append(_ZH_LINE_NAME)
    for pattern in rules:
        for m in pattern.finditer(text):
            if pattern is _ZH_LINE_NAME and m.start(1) == len(text) - len(text.lstrip()):
                continue  # the first line of a message is its greeting / subject, not a signature
            name = _trim_given(m.group(1), _surname_len(m.group(1)))
            if len(name) > _surname_len(name) and name not in _ZH_NOT_NAMES and name[:2] not in _ZH_NOT_NAMES:
                yield m.start(1), m.start(1) + len(name), "NAME"
    for m in _ZH_INTRO_LATIN.finditer(text):
        yield m.start(1), m.end(1), "NAME"
    for m in _ZH_SURNAME_ONLY.finditer(text):
        yield m.start(1), m.end(1), "NAME"
    for m in _ZH_NAME_TITLE.finditer(text):
        name = m.group(1)
        before = text[max(0, m.start(1) - 1):m.start(1)]
        if before and re.match(_HAN, before) and before not in "叫是姓给位和跟与找请由系知诉谢烦让替帮问服员的到":
            # inside a word (好张先生?): only accept the bare surname right before the title
            if len(name) > 1:
                continue
        trimmed = _trim_given(name, _surname_len(name)) if len(name) > _surname_len(name) else name
        if trimmed in _ZH_NOT_NAMES:
            continue
        yield m.start(1), m.start(1) + len(trimmed), "NAME"


# --- English -------------------------------------------------------------------------------------------
_CAP = r"[A-Z]['’]?[A-Za-z]*[a-z](?:-[A-Z][a-z]+)?"
_NAME2 = rf"{_CAP}(?:\s+(?:[A-Z]\.\s*)?{_CAP}){{0,2}}"
_EN_NAME_INTRO = re.compile(
    rf"(?:\b(?:[Mm]y (?:full )?name is|(?:[Ff]ull )?[Nn]ame(?: on the (?:order|account|card|parcel|package|ID|id|"
    rf"passport|booking|ticket|invoice|receipt))?(?:\s+is|\s*[:：-])?|[Tt]his is|"
    rf"I am|I'm|[Ss]igned|[Aa]ddressed to|[Rr]ecipient\s*[:：]?|[Cc]ustomer\s*[:：]|[Cc]ardholder\s*[:：]?|"
    rf"[Cc]ontact\s*[:：]|[Dd]eliver to\s*[:：]?|[Ss]hip to\s*[:：]?|[Aa]ttn\.?\s*[:：]?)\s+)({_NAME2})"
)
_EN_NAME_AFTER = re.compile(  # a full name (two capitalised words) after "for", "to", "from", "ask for"...
    rf"\b(?:for|to|from|by|with|ask for|behalf of|named|called|attention|attn\.?|c/o)[:：]?\s+({_CAP}\s+{_CAP})\b"
)
_EN_NAME_REACH = re.compile(  # "reach Hannah at ...", "ask for Laura", "call James on ..."
    rf"\b(?:reach|ask for|contact|call|email|text|speak to|talk to)\s+({_CAP}(?:\s+{_CAP})?)(?=\s+(?:at|on|via)\b"
    rf"|\s*[.,;!]|$)"
)
_EN_SPOKE = re.compile(  # "I spoke to Linda on the phone yesterday", "talked with Ann, who ..."
    rf"\b(?:spoke to|spoke with|talked to|talked with|chatted with|was helped by|dealt with)\s+({_CAP}(?:\s+{_CAP})?)"
    rf"(?=\s+(?:on the phone|over the phone|on chat|in chat|yesterday|last (?:week|night)|earlier|this morning)\b|,?\s+who\b)"
)
_EN_RELATION = re.compile(  # "my husband Mark Thompson", "your agent Steve", "on behalf of my mother, Margaret"
    r"\b(?:[Mm]y|[Oo]ur|[Yy]our|[Tt]he|[Hh]is|[Hh]er)\s+(?:husband|wife|partner|son|daughter|mother|mom|mum|father|dad|"
    r"brother|sister|friend|colleague|coworker|boss|manager|neighbou?r|assistant|grandmother|grandma|grandfather|"
    r"grandpa|aunt|uncle|cousin|fiancée?|girlfriend|boyfriend|agent|rep|representative|advisor|adviser|technician|"
    r"driver|courier|delivery (?:guy|man|driver)|engineer|contact)\s*,?\s+"
    rf"({_CAP}(?:\s+{_CAP}){{0,2}})"
)
_EN_NAME_TITLE = re.compile(rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?\s+({_CAP}(?:\s+{_CAP})?)")
_EN_GREETING = re.compile(  # "Hi Sarah,", "Thank you so much Rachel!", "Thanks Tom."
    rf"\b(?:[Hh]i|[Hh]ello|[Hh]ey|[Dd]ear|[Tt]hanks|[Tt]hank you(?: so much| very much)?|[Tt]hx|[Mm]any thanks),?"
    rf"\s+({_CAP}(?:\s+{_CAP})?)(?=\s*[,!.:;]|\s*$)"
)
_EN_HERE = re.compile(  # "Chris Evans here", "it's Jake from the Portland store"
    rf"(?:(?:^|\n|\b(?:[Hh]i|[Hh]ello|[Hh]ey)?\s*(?:team|all|there|folks|everyone),?\s+)({_CAP}(?:\s+{_CAP})?)\s+here\b"
    rf"(?=\s*[,.!(;:-]|\s+again\b)|"
    rf"\b(?:[Ii]t's|[Ii]t is|[Ii]t’s)\s+({_CAP}(?:\s+{_CAP})?)\s+(?:from|here|again)\b)"
)
_SIGNOFF = (r"(?:[Tt]hanks(?: again| so much| for your help| a lot)?|[Tt]hank you(?: so much| for your help)?|[Tt]hx|"
            r"[Mm]any thanks|[Rr]egards|[Bb]est regards|[Kk]ind regards|[Ww]arm regards|[Bb]est wishes|[Bb]est|"
            r"[Cc]heers|[Ss]incerely|[Yy]ours(?: truly| sincerely)?|[Rr]espectfully|[Tt]ake care|[Ss]igned|"
            r"[Aa]ll the best|[Ll]ove)")
_EN_SIGNOFF = re.compile(
    rf"(?:^|\n|[.!?,;]\s*|\s[-–—]\s*){_SIGNOFF}\s*[,!.:]?\s*(?:\n\s*|-+\s*|—\s*)?({_CAP}(?:\s+{_CAP}){{0,2}})"
    rf"(?=\s*(?:$|[.!(|,\n/]|-|—))"
)
_EN_SIGNOFF_LINE = re.compile(rf"^\s*(?:{_SIGNOFF}|--|—+|-+|Sent from my \w+)\s*[,!.:]?\s*$")
_EN_BESIDE_CONTACT = re.compile(  # "Wei Zhang, +86 ...", "Robert Wilson / +61 ..."
    rf"(?:^|(?<=[\n,;:]))\s*({_CAP}\s+{_CAP})(?=\s*[,/|(]\s*(?:\+|\(?\d{{3}}|[\w.+-]+@))"
)
_EN_NOT_NAMES = {
    "I", "The", "This", "That", "It", "We", "You", "Order", "Please", "Thanks", "Hello", "Hi", "Dear", "Yes", "No",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February", "March",
    "April", "May", "June", "July", "August", "September", "October", "November", "December", "Still", "Not",
    "Very", "So", "Really", "Just", "Writing", "Calling", "Contacting", "Here", "Going", "Trying", "Waiting",
    "Sorry", "Happy", "Unhappy", "Angry", "Upset", "Your", "Our", "Customer", "Support", "Team", "Service",
    "Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof", "Sir", "Madam", "All", "Everyone", "There", "Again", "Sent",
    "Regards", "Best", "Cheers", "Sincerely", "Thank", "Thx", "Phone", "Email", "Address", "Tel", "Mobile", "Name",
    "Apt", "Suite", "Room", "Floor", "Ref", "Case", "Ticket", "Invoice", "Tracking", "Refund", "Note", "Update",
    "Urgent", "Help", "Anyone", "Nobody", "Someone", "Folks", "Guys", "Agent", "Any", "Ok", "Okay", "Sure",
    "If", "But", "And", "Or", "On", "Then", "When", "They", "He", "She", "His", "Her", "Their", "Its", "As", "At",
    "In", "Also", "After", "Before", "Who", "What", "Why", "How", "Where", "Which", "These", "Those", "There's",
    "Submitted", "Reported", "Respectfully", "Today", "Yesterday", "Tomorrow", "Because", "Since", "While", "Now", "However",
}
_ORG_WORDS = {"Support", "Team", "Service", "Services", "Store", "Shop", "Company", "Inc", "Ltd", "LLC", "Department",
              "Desk", "Center", "Centre", "Bank", "Group", "Care", "Pay", "Express", "Logistics", "Manager",
              "Director", "Engineer", "Officer", "Success", "Operations", "Lead", "Head", "Sales", "Account",
              "Assistant", "Specialist", "Coordinator", "Consultant", "Founder", "President", "Analyst", "Marketing",
              "Finance", "Executive", "Owner", "Partner", "Associate", "Representative", "Technician"}
_LINE_WORD = re.compile(rf"^{_CAP}$")


def _en_line_names(text: str) -> Iterator[Span]:
    """A line of one to three capitalised words in a signature block: after a sign-off line, or a two- or
    three-word line that is not the first line of the message."""
    lines = list(re.finditer(r"[^\n]+", text))
    nonblank = [m for m in lines if m.group(0).strip()]
    for i, m in enumerate(nonblank):
        if i == 0:
            continue
        parts = re.split(r"\s[|/(]\s?|\s[-–—]\s|,", m.group(0), maxsplit=1)
        segment = parts[0]
        if len(parts) > 1 and not re.search(r"\d{3}|@|\b[A-Z][a-z]+$", parts[1].strip()):
            continue  # "Reported Timeline ( historical ) data ...": a heading inside prose, not a signature
        words = segment.split()
        if not 1 <= len(words) <= 3 or not all(_LINE_WORD.match(w) for w in words):
            continue
        if any(w in _EN_NOT_NAMES or w in _ORG_WORDS for w in words):
            continue
        after_signoff = bool(_EN_SIGNOFF_LINE.match(nonblank[i - 1].group(0)))
        last = i == len(nonblank) - 1
        contact_next = i + 1 < len(nonblank) and re.search(r"\d{3}|@", nonblank[i + 1].group(0)) is not None
        if not after_signoff and (len(words) == 1 or not (last or contact_next or len(parts) > 1)):
            continue
        start = m.start() + m.group(0).index(words[0])
        yield start, start + len(segment.strip()), "NAME"


def _en_names(text: str) -> Iterator[Span]:
    for pattern in (_EN_NAME_INTRO, _EN_NAME_TITLE, _EN_SIGNOFF, _EN_NAME_AFTER, _EN_NAME_REACH, _EN_SPOKE, _EN_RELATION,
                    _EN_GREETING, _EN_HERE, _EN_BESIDE_CONTACT):
        for m in pattern.finditer(text):
            group = next(g for g in range(1, (m.lastindex or 1) + 1) if m.group(g) is not None)
            words = list(re.finditer(r"\S+", m.group(group)))
            if any(w.group(0) in _ORG_WORDS for w in words):
                continue  # "This is Apple Support": an organisation, not a person
            while words and words[-1].group(0) in _EN_NOT_NAMES:
                words.pop()
            if not words or words[0].group(0) in _EN_NOT_NAMES:
                continue
            yield m.start(group), m.start(group) + words[-1].end(), "NAME"
    if "\n" in text.strip():
        yield from _en_line_names(text)


def find_names(text: str) -> Iterator[Span]:
    yield from _zh_names(text)
    yield from _en_names(text)
