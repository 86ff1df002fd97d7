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
from typing import Iterable, Iterator

from bot.privacy.brands import is_en_brand, is_zh_brand
from bot.privacy.firstnames import available as first_names_available
from bot.privacy.firstnames import first_name_rank, is_surname

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
                 "麻烦", "马上", "顺便", "尽快", "高速", "和你", "和我", "给我", "万望", "司机", "师父", "单位",
                 # everyday words that start with a surname character
                 "方式", "方法", "方面", "方向", "辛苦", "明早", "明晚", "明后", "白天", "余额", "全款", "全额", "全新",
                 "周一", "周二", "周三", "周四", "周五", "周六", "周日", "周末", "周内", "安排", "安装", "时效", "时段",
                 "常用", "于是", "成本", "程序", "包装", "包括", "尚未", "毕竟", "管理", "管家", "查询", "查看", "查收",
                 "查一", "查下", "和好", "通知", "单独", "连续", "连接", "钱包", "钱款", "路过", "路线", "金卡", "宁愿",
                 "申请", "关注", "关系", "任何", "任务", "江苏", "湖南", "湖北", "广东", "广州", "黄色", "白色", "蓝色",
                 "红色", "金色", "严重", "毛病", "史上", "易碎", "温度", "温馨", "康复", "齐全", "苏州", "杭州", "吉林",
                 "贵州", "鲁莽", "凌晨", "季度", "景区", "卫生", "石头", "段时", "计划", "解决", "解释", "车子", "车辆",
                 "车主", "沈阳", "邮件", "闫", "古董", "商量", "商户", "伍佰", "叶子", "项目", "龙头", "熊猫", "田地",
                 # roles and everyday nouns / verbs starting with a surname character
                 "顾客", "顾问", "付款", "付费", "付现金", "付了", "全家", "成员", "成交", "单价", "余款", "关闭",
                 "何时", "任意", "金币", "江西", "安徽", "宁波", "武汉", "常州", "温州", "石家庄", "明细", "齐了",
                 "甘肃", "云南", "管理员", "师傅们", "程序员", "华南", "华东", "华北", "关税", "和自",
                 "和他", "和她", "和家", "和别", "王八"}

_ZH_INTROS = ("姓名|名字|真名|全名|联系人|收件人|收货人|寄件人|发件人|报修人|申请人|下单人|购买人|签收人|代收人|持卡人|"
              "开户人|户名|对接人|负责人|经办人|办理人|接收人|取件人|提货人|订购人|预订人|入住人|乘车人|乘机人|投保人|"
              "被保险人|持有人|担保人|紧急联系人|实名信息|实名|我叫|名叫|叫做|我是|本人是?|称呼")
_ZH_NAME_INTRO = re.compile(rf"(?:{_ZH_INTROS})(?:[\s:：是为叫写填成了改换]|的是)*({_ZH_NAME})")
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
    rf"(?:客户|顾客|用户|会员|买家|帮|替|给|让|和|跟|(?:通知|转告|请问|联系|找)(?:一下)?|(?:{_RELATIONS})[是叫]?)({_ZH_NAME})"
    rf"(?=的(?:订单|单子|包裹|快递|账户|账号|会员|退款|电话|手机|号码?|地址|邮箱|微信)|来电|反馈|投诉|说|反映|打电话|留言|本人|"
    rf"签收|收货|帮|替|代|也|要求|想|希望|需要|表示|称|询问|问|申请|催|已经|一直|多次|再次|又|负责|处理|跟进|对接|"
    rf"给我|下的单|买|在|[（(，,：:。！!]|\s*(?:\+|1[3-9]\d|0\d{{2}}))"
)
_ZH_NAME_ACTS = re.compile(  # …收 / …签收 / …敬上 / …帮我下的单 after a delimiter
    rf"(?:^|(?<=[，,、。；;\s：:是由]))({_ZH_NAME}?)(?:收(?![到货款费据件益藏拾不])|签收|代收|[ \t]?敬上|[ \t]?谨上|敬启|亲启|"
    rf"帮我|替我|代我|给我下|下的单)"
)
_ZH_NAME_CORRECTION = re.compile(
    rf"(?:名字|姓名|收件人|收货人|联系人|户名|寄件人)[^。！？!?\n]{{0,12}}?(?:应该是|应为|改成|改为|写成|换成)\s*({_ZH_NAME})"
)
_ZH_SURNAME_ONLY = re.compile(rf"(?<!百)(?<!老)姓({_SURNAME})(?=的|[，,。！!\s]|$|，)")
_ZH_LINE_NAME = re.compile(  # a name alone on a signature line ("—— 马云飞", "田甜")
    rf"(?m)^[ \t]*(?:[-—–~]+[ \t]*)?({_ZH_NAME})[ \t]*$"
)
_ZH_GREETED = re.compile(  # "您好，赵子龙，您的工单已受理": the person a reply is addressed to
    rf"(?:您好|你好|尊敬的|亲爱的)[，,\s]*({_ZH_NAME})(?=[，,：:！!])"
)
_ZH_ITS_ME = re.compile(rf"(?:^|(?<=[，,。\s喂]))我({_ZH_NAME})(?=啊|呀|哈|嘛)")  # "喂，我何晓兰啊"
_ZH_NAME_OWNS = re.compile(  # "张伟的手机是 ...", "彭志强的单子": a name owning contact details or an order
    rf"(?:^|(?<=[，,。；;\s：:是给帮找替和跟打问查下]))({_ZH_NAME})(?=的(?:手机|电话|手机号|号码|邮箱|地址|身份证|银行卡|卡号|"
    rf"联系方式|微信|单子|订单|包裹|快递))"
)
_ZH_SPEAKER = re.compile(  # "许晓峰：“我的电话…”": a quoted speaker
    rf"(?:^|(?<=[）)\]】\s，,。；;]))({_ZH_NAME})\s?[：:]\s?(?:[“\"「『]|我|喂|你好|您好|请问|在吗)"
)
_ZH_THIS_SIDE = re.compile(  # "客服你好，罗佳琪这边": a self-introduction after a greeting
    rf"(?:(?:你好|您好|在吗|在不在|hi|hello|Hi|Hello)[，,!！\s]*({_ZH_NAME})(?=这边|这里)"
    rf"|^\s*({_ZH_NAME})(?=这边[，,。！!\s]|这边(?:想|要|是|需要|申请|咨询)))"
)
_PRODUCT_END = set("杯瓶壶锅碗盘机器车鞋靴衣裤袜帽包箱盒袋膜线表灯笔纸巾伞垫枕被床桌椅柜架镜站店馆厂券卡")
_ZH_ASK_FOR = re.compile(rf"(?:找|联系|转告|通知|请教)(?:一下)?({_ZH_NAME})(?=[。.！!]?\s*$)")  # "…找何俊杰"
_ZH_OPENS_WITH = re.compile(  # "杜文静申请退货": a message opening with a person's name and a request
    rf"^\s*({_ZH_NAME})(?=申请|投诉|反映|反馈|要求|来电|致电|留言|表示|询问)"
)
_ZH_NICKNAME = re.compile(  # "叫小王的客服", "找老张": 小 / 老 + surname
    rf"(?<=[叫找跟和是])[小老]([{_SURNAMES_1}])(?=的|[，,。！!]|说|帮|给|来|也|就|吧|呢|啊|吗)"
)
_NICKNAME_NOT = set("时师区明米单全高方白金石华安文常成万于向和路关车宫冷公板")
# Only in a text that also holds contact data: a bare name at its start or end ("王小二，云南省...",
# "...前台代收，梁文静", "... 工商银行 马晓燕").
_ZH_EDGE_NAME = re.compile(
    rf"(?:^[ \t]*({_ZH_NAME})(?=[，,、 \t]))|(?:(?<=[，,、 \t])({_ZH_NAME})[。.!！]?[ \t]*$)"
    rf"|(?:(?<=[：:])[ \t]*({_ZH_NAME})(?=[ \t]*[，,、；;]))"
)
_ZH_DASH_NAME = re.compile(rf"(?:——|--|—)\s*({_ZH_NAME})(?=\s|$|[，,])")


def _trim_given(name: str, surname_len: int) -> str:
    end = surname_len
    while end < len(name) and name[end] not in _NOT_GIVEN:
        end += 1
    return name[:end]


def _surname_len(name: str) -> int:
    return 2 if re.match(f"(?:{_SURNAMES_2})", name) else 1


def _zh_names(text: str, contact: bool) -> Iterator[Span]:
    multi_line = "\n" in text.strip()
    rules = [_ZH_NAME_INTRO, _ZH_NAME_CONTEXT, _ZH_NAME_BESIDE_CONTACT, _ZH_NAME_ACTS, _ZH_NAME_CORRECTION,
             _ZH_DASH_NAME, _ZH_GREETED, _ZH_ITS_ME, _ZH_NAME_OWNS, _ZH_SPEAKER, _ZH_THIS_SIDE, _ZH_OPENS_WITH,
             _ZH_ASK_FOR]
    if multi_line:
        rules.append(_ZH_LINE_NAME)
    if contact:
        rules.append(_ZH_EDGE_NAME)
    for pattern in rules:
        for m in pattern.finditer(text):
            group = next(g for g in range(1, (m.lastindex or 1) + 1) if m.group(g) is not None)
            if pattern is _ZH_LINE_NAME and m.start(1) == len(text) - len(text.lstrip()):
                continue  # the first line of a message is its greeting / subject, not a signature
            name = _trim_given(m.group(group), _surname_len(m.group(group)))
            if pattern is _ZH_NAME_INTRO and re.match(r"[，,。.！!？?\s、；;]|$", text[m.end(1):m.end(1) + 1]):
                name = m.group(1)  # "我叫周大为，": the whole segment up to the comma is the name
            if len(name) <= _surname_len(name) or name in _ZH_NOT_NAMES or name[:2] in _ZH_NOT_NAMES:
                continue
            if pattern is _ZH_EDGE_NAME and len(name) != len(m.group(group)):
                continue  # a bare name at the edge must be the whole segment
            strong = pattern is _ZH_NAME_INTRO and not re.match(r"我是|本人", m.group(0))
            if not strong and is_zh_brand(text, m.start(group), m.start(group) + len(name)):
                continue  # "我是李宁的老会员", "和安踏比": a brand, not a person
            if not strong and name[-1] in _PRODUCT_END:
                continue  # "马克杯申请换货": a product noun that starts with a surname character
            yield m.start(group), m.start(group) + len(name), "NAME"
    for m in _ZH_NICKNAME.finditer(text):
        if m.group(1) not in _NICKNAME_NOT and not is_zh_brand(text, m.start(1) - 1, m.end(1)):
            yield m.start(1), m.end(1), "NAME"
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
        if trimmed in _ZH_NOT_NAMES or is_zh_brand(text, m.start(1), m.end(0)):
            continue  # "康师傅方便面": a brand ending in a title
        yield m.start(1), m.start(1) + len(trimmed), "NAME"


# --- English -------------------------------------------------------------------------------------------
_CAP = r"[A-ZÀ-ÖØ-Þ]['’]?[A-Za-zÀ-ÖØ-öø-ÿ]*[a-zß-öø-ÿ](?:-[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+)?"  # José, Müller, Al-Sayed
_NAME2 = rf"{_CAP}(?:\s+(?:[A-Z]\.\s*)?{_CAP}){{0,2}}"
_EN_NAME_INTRO = re.compile(
    rf"(?:\b(?:[Mm]y (?:full )?name is|(?:[Ff]ull )?[Nn]ame(?: on the (?:order|account|card|parcel|package|ID|id|"
    rf"passport|booking|ticket|invoice|receipt))?(?:\s+is|\s*[:：-])?|[Tt]his is|"
    rf"I am|I'm|[Ii]['’]m|\bim|[Ii] am|(?:[Mm]y )?[Nn]ame['’]s|[Ss]igned|[Ss]ender\s*[:：]?|[Bb]uyer\s*[:：]|"
    rf"[Cc]lient\s*[:：]|[Cc]onsignee\s*[:：]?|[Aa]ddressee\s*[:：]?|[Aa]ddressed to|[Rr]ecipient\s*[:：]?|[Cc]ustomer\s*[:：]|[Cc]ardholder\s*[:：]?|"
    rf"[Cc]ontact(?: person| name)?\s*[:：]|[Dd]eliver to\s*[:：]?|[Ss]hip to\s*[:：]?|[Aa]ttn\.?\s*[:：]?)\s+)({_NAME2})"
)
_EN_NAME_AFTER = re.compile(  # a full name (two capitalised words) after "for", "to", "from", "ask for"...
    rf"\b(?:for|to|from|by|with|ask for|behalf of|named|called|attention|attn\.?|c/o|should be|changed to|"
    rf"change it to|corrected to|ask|tell|remind|notify|inform|cc)[:：]?\s+({_CAP}\s+{_CAP})\b"
)
_EN_NAME_REACH = re.compile(  # "reach Hannah at ...", "ask for Laura", "call James on ..."
    rf"\b(?i:reach|ask for|contact|call|email|text|speak to|talk to)\s+({_CAP}(?:\s+{_CAP})?)(?=\s+(?:at|on|via)\b"
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
_ROLES = (r"account ?holder|card ?holder|recipient|sender|buyer|purchaser|customer|client|addressee|consignee|"
          r"contact person|point of contact|policy ?holder|passenger|guest|tenant|patient|caller|member|subscriber")
_EN_ROLE_IS = re.compile(  # "The account holder is Marcus Johnson", "the recipient should be Ann Lee"
    rf"\b(?i:{_ROLES})(?:['’]s name)?\s+(?:is|was|will be|should be|=)\s+({_NAME2})"
)
_EN_ROLE_NAME = re.compile(  # "Customer Lucas Moreau says ...": a role word, a full name, then a verb or a stop
    rf"\b(?:[Cc]ustomer|[Cc]lient|[Bb]uyer|[Ss]ender|[Rr]ecipient|[Cc]onsignee|[Pp]assenger|[Gg]uest|[Tt]enant|"
    rf"[Pp]atient|[Cc]aller|[Mm]ember|[Ss]ubscriber|[Cc]ard ?holder|[Aa]ccount holder),?\s+({_CAP}\s+{_CAP})"
    rf"(?=\s+(?:says|said|wants|wanted|asked|asks|called|wrote|writes|reports|reported|is|was|has|had|needs|"
    rf"would|will|can|cannot|can't|didn't|did|does|doesn't|never|just|still|complained|claims|received|"
    rf"requested|returned|ordered|paid)\b|\s*[,.;:!)(]|\s*$)"
)
_EN_DASH_SIGNED = re.compile(  # "Please cancel. — Yuki Tanaka": a name after a dash at the end of a line
    rf"(?m)(?:^|\s)(?:—|–|--|~)\s*({_CAP}(?:\s+{_CAP}){{0,2}})[ \t]*$"
)
_EN_NAME_TITLE = re.compile(rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?\s+({_CAP}(?:\s+{_CAP})?)")
_EN_GREETING = re.compile(  # "Hi Sarah,", "Thank you so much Rachel!", "Thanks Tom."
    rf"\b(?:[Hh]i|[Hh]ello|[Hh]ey|[Dd]ear|[Tt]hanks|[Tt]hank you(?: so much| very much)?|[Tt]hx|[Mm]any thanks),?"
    rf"\s+({_CAP}(?:\s+{_CAP})?)(?=\s*[,!.:;]|\s*$)"
)
_EN_HERE = re.compile(  # "Chris Evans here", "it's Jake from the Portland store"
    rf"(?:(?:^|\n|\b(?:[Hh]i|[Hh]ello|[Hh]ey)(?:\s+(?:team|all|there|folks|everyone))?,?\s+|"
    rf"\b(?:team|all|there|folks|everyone),?\s+)({_CAP}(?:\s+{_CAP})?)\s+here\b"
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
    rf"(?:^|(?<=[\n,;:]))\s*({_CAP}\s+{_CAP})(?=\s*[,/|(<]\s*(?:\+|\(?\d{{3}}|[\w.+-]+@))"
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
    "My", "Will", "Can", "Could", "Would", "Should", "Did", "Does", "Is", "Are", "Was", "Has", "Have", "Do", "Let",
    "Chinese", "English", "American", "British", "French", "German", "Japanese", "Korean", "Spanish", "Italian",
    "Indian", "Canadian", "Australian", "European", "Asian", "Mexican", "Russian", "Polish", "Dutch", "Irish",
    "To", "For", "With", "Of", "From", "By", "Ready", "Big", "Huge", "Fan", "Five", "Stars", "Star",
}
_ORG_WORDS = {"Support", "Team", "Service", "Services", "Store", "Shop", "Company", "Inc", "Ltd", "LLC", "Department",
              "Desk", "Center", "Centre", "Bank", "Group", "Care", "Pay", "Express", "Logistics", "Manager",
              "Director", "Engineer", "Officer", "Success", "Operations", "Lead", "Head", "Sales", "Account",
              "Assistant", "Specialist", "Coordinator", "Consultant", "Founder", "President", "Analyst", "Marketing",
              "Finance", "Executive", "Owner", "Partner", "Associate", "Representative", "Technician",
              # events, documents and things that follow a role word ("Buyer Protection Policy", "Mother Day")
              "Warehouse", "Office", "Hub", "Locker", "Day", "Eve", "Night", "Week", "Weekend", "Sale", "Deal",
              "Deals", "Offer", "Edition", "Collection", "Policy", "Program", "Programme", "Page", "Report", "Portal",
              "Plan", "Club", "Benefits", "Protection", "Checkout", "Error", "Screening", "Chair", "Side",
              # businesses
              "Farms", "Farm", "Florists", "Florist", "Outfitters", "Foods", "Supplies", "Supply", "Solutions",
              "Systems", "Technologies", "Tech", "Trading", "Holdings", "Industries", "Studios", "Studio", "Labs",
              "Media", "Motors", "Airlines", "Bakery", "Cafe", "Café", "Restaurant", "Boutique", "Pharmacy", "Clinic",
              "Hospital", "University", "College", "School", "Academy", "Hotel", "Inn", "Co", "Corp", "Corporation",
              "Limited", "Agency", "Associates", "Consulting", "Brands", "Goods", "Market", "Mart", "Outlet",
              "Shops", "Stores", "Mall", "Gallery", "Garage", "Salon", "Spa", "Gym", "Fitness", "Insurance"}
# Weak cues accept a run only when its first word is a given name at least this common (bot/privacy/firstnames.py).
_MIN_RANK = {"after": 1, "role": 2, "dash": 1}
_LINE_WORD = re.compile(rf"^{_CAP}$")
# Places written like a full name ("Customer from Hong Kong", "ship to New York").
_PLACES = frozenset(w.lower() for w in """
Hong Kong|New York|New Jersey|New Zealand|New Delhi|Los Angeles|San Francisco|San Diego|San Jose|Las Vegas|
United States|United Kingdom|South Korea|North Korea|South Africa|Saudi Arabia|Costa Rica|Puerto Rico|
North America|South America|Latin America|Middle East|Northern Ireland|Great Britain|Sri Lanka|Kuala Lumpur|
Buenos Aires|Rio De Janeiro|Mexico City|Tel Aviv|Abu Dhabi|Cape Town|Hong Kong Island|Kowloon Bay|Salt Lake City|
New Orleans|St Louis|Santa Clara|Palo Alto|Silicon Valley|West Coast|East Coast|Ho Chi Minh City
""".replace("\n", "").split("|"))


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
        if not is_en_brand(text, start, start + len(segment.strip())):
            yield start, start + len(segment.strip()), "NAME"


def _given_name_ok(pattern: re.Pattern[str], words: list[str]) -> bool:
    """Weak cues ("for X Y", "Customer X Y", "— X") need a listed given name first or a listed surname last; a
    single word needs a common given name."""
    kind = {_EN_NAME_AFTER: "after", _EN_ROLE_NAME: "role", _EN_ROLE_IS: "role", _EN_DASH_SIGNED: "dash"}.get(pattern)
    if kind is None:
        return True
    if not first_names_available():
        return len(words) > 1 or kind != "role"
    if len(words) > 1 and is_surname(words[-1]):
        return True
    return first_name_rank(words[0]) >= _MIN_RANK[kind] + (1 if len(words) == 1 else 0)


def _en_names(text: str) -> Iterator[Span]:
    for pattern in (_EN_NAME_INTRO, _EN_NAME_TITLE, _EN_SIGNOFF, _EN_NAME_AFTER, _EN_NAME_REACH, _EN_SPOKE, _EN_RELATION,
                    _EN_GREETING, _EN_HERE, _EN_BESIDE_CONTACT, _EN_ROLE_IS, _EN_ROLE_NAME, _EN_DASH_SIGNED):
        for m in pattern.finditer(text):
            group = next(g for g in range(1, (m.lastindex or 1) + 1) if m.group(g) is not None)
            words = list(re.finditer(r"\S+", m.group(group)))
            if any(w.group(0) in _ORG_WORDS for w in words):
                continue  # "This is Apple Support": an organisation, not a person
            found = len(words)
            while words and words[-1].group(0) in _EN_NOT_NAMES:
                words.pop()
            if not words or any(w.group(0) in _EN_NOT_NAMES for w in words):
                continue  # "I'm Ready To Cancel"
            if len(words) < found and pattern in (_EN_NAME_AFTER, _EN_ROLE_NAME):
                continue  # "to Black Friday": these cues need the full name they matched
            if pattern is _EN_NAME_AFTER and re.match(rf"\s+{_CAP}\b", text[m.end(group):]):
                continue  # "from Green Valley Farms": a longer capitalised run is a business or a title
            if not _given_name_ok(pattern, [w.group(0) for w in words]):
                continue  # "for Black Friday", "The customer is King", "Love it -- Five Stars"
            start, end = m.start(group), m.start(group) + words[-1].end()
            if text[start:end].lower() in _PLACES:
                continue
            strong = pattern is _EN_NAME_INTRO and not re.match(r"[Tt]his is|[Ii]['’ ]|im\b|(?:[Mm]y )?[Nn]ame['’]s",
                                                                 m.group(0))
            title = m.group(0)[:m.start(group) - m.start()] if pattern is _EN_NAME_TITLE else ""
            if not strong and is_en_brand(text, start, end, title):
                continue  # "a gift from Kate Spade", "Dr. Martens boots", "This is Galaxy Buds Pro"
            yield start, end, "NAME"
    if "\n" in text.strip():
        yield from _en_line_names(text)


_EN_BEFORE_CONTACT = re.compile(rf"({_CAP}(?:\s+{_CAP}){{1,2}})\s*[,/|(<:–—-]?\s*$")


def _en_names_before(text: str, spans: Iterable[Span]) -> Iterator[Span]:
    """A full name written right before an address, a phone or an email ("should be Ethan Brooks, 77 ...")."""
    for start, _, type_ in spans:
        if type_ not in ("ADDRESS", "PHONE", "EMAIL"):
            continue
        window_start = max(0, start - 60)
        m = _EN_BEFORE_CONTACT.search(text, window_start, start)
        if m is None:
            continue
        words = list(re.finditer(r"\S+", m.group(1)))
        while words and (words[0].group(0) in _EN_NOT_NAMES or words[0].group(0) in _ORG_WORDS):
            words.pop(0)
        if len(words) < 2 or any(w.group(0) in _ORG_WORDS or w.group(0) in _EN_NOT_NAMES for w in words):
            continue
        begin, end = m.start(1) + words[0].start(), m.start(1) + words[-1].end()
        if text[begin:end].lower() not in _PLACES and not is_en_brand(text, begin, end):
            yield begin, end, "NAME"


_EN_FULL_NAME = re.compile(rf"(?<![\w'’-])({_CAP})\s({_CAP})(?![\w'’-])")


def _en_full_names(text: str) -> Iterator[Span]:
    """In a text with contact data: a common given name followed by a listed surname ("… Maria Lopez …")."""
    for m in _EN_FULL_NAME.finditer(text):
        first, last = m.group(1), m.group(2)
        if first_name_rank(first) < 2 or not is_surname(last) or {first, last} & (_EN_NOT_NAMES | _ORG_WORDS):
            continue
        if m.group(0).lower() in _PLACES or is_en_brand(text, m.start(), m.end()):
            continue
        yield m.start(), m.end(), "NAME"


def find_names(text: str, contact: bool | Iterable[Span] = False) -> Iterator[Span]:
    """Names in `text`; `contact` is the phones / emails / addresses / cards / IDs found in it (or just whether
    there are any): a text with contact data allows the weakest cues (a bare name at the start or end of the
    text, a full name right before an address or a phone)."""
    spans = [] if isinstance(contact, bool) else list(contact)
    yield from _zh_names(text, bool(spans) or contact is True)
    yield from _en_names(text)
    yield from _en_names_before(text, spans)
    if spans or contact is True:
        yield from _en_full_names(text)
