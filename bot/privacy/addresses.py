"""Postal addresses in Chinese and English support messages, found from their structure.

Chinese: an optional province / autonomous region / municipality, prefecture city, one or two districts /
counties, a town / sub-district, then a road (路 / 街 / 大道 / 巷 / 弄 ..., with a section such as 四段) and a
door number (12号, 12号附2号, 3-7), or a compound (小区 / 花园 / 大厦 / 村 ...) followed by a building number;
after it, the buildings, units, floors and rooms (A座1203室, 3栋2单元501), and named places inside the
compound (…大学东校区西十二舍, …天街D馆3-7, …大厦C座门口) up to the next punctuation or function word. A partial
address (district + road + number, or road + number) is enough.

English: [unit, ] number + street name + street type (St, Ave, Rd, Blvd, Lane, Dr, Way, Court, Square ...)
[, unit][, city[ district number]][, state / province] [postcode: US ZIP, UK, Canadian, Irish Eircode,
4-6 digits][, country]; a leading street type as in "Rue du Bac 12" or "Via Roma 24, 20121 Milano"; and PO boxes.
"""

from __future__ import annotations

import re
from typing import Iterator

from bot.privacy.brands import EN_PRODUCT_AFTER
from bot.privacy.context import lookalike

Span = tuple[int, int, str]

# --- Chinese -----------------------------------------------------------------------------------------------
_PROVINCES = (
    "北京|上海|天津|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|海南|四川|贵州|"
    "云南|陕西|甘肃|青海|台湾|内蒙古|广西|西藏|宁夏|新疆|香港|澳门"
)
_STOP_PLACE = "我你他她它在是的了住寄送到发改把给请帮要从址为说讲问告诉叫先生女士姐电话码就也还：:，,。；;！!？?、 \n"
_PC = rf"(?:开发|(?![{_STOP_PLACE}])[\u4e00-\u9fff])"  # a character that may belong to a place name (开发区 too)
_PCX = rf"(?:(?![{_STOP_PLACE}])[\u4e00-\u9fffA-Za-z0-9])"  # ... or a letter / digit inside a compound name
_NUM = r"[0-9０-９一二三四五六七八九十百零〇]+"
_DOOR = rf"(?:{_NUM}\s?(?:号|弄|巷)|{_NUM}-{_NUM}\s?号?)(?:(?:附|之|-){_NUM}\s?号?)?"
_UNIT = rf"(?:\s?[A-Za-z\u4e00-\u9fff]{{0,8}}?\s?(?:{_NUM}|[A-Z])\s?(?:号楼|号院|栋|幢|座|单元|楼|层|室|号|户|期|区|院|塔|门|排|组|馆|舍))"
# A named place inside the compound: a campus, a mall, a dormitory, a gate ...
_PLACE_SUFFIX = ("大学|学院|校区|中学|小学|幼儿园|医院|宿舍|公寓|大厦|大楼|写字楼|广场|中心|商场|商城|天街|市场|酒店|宾馆|"
                 "园区|产业园|科技园|工业园|小区|花园|家园|新村|村|苑|馆|舍|楼|门口|大门|侧门|东门|西门|南门|北门|前台|"
                 "传达室|收发室|门卫室?|驿站|超市|店|本部|分部")
_PLACE = rf"(?:{_PCX}{{0,12}}?(?:{_PLACE_SUFFIX})(?:\s?{_NUM}(?:-{_NUM})?\s?(?:室|房|号)?)?)"
_ZH_ADDR = re.compile(
    rf"(?<![改变换写填])(?![往至])(?!{_PC}(?:{_PROVINCES}))"  # "改成深圳市", "寄往上海市", "放天津市": the verb's
    rf"(?:(?:{_PROVINCES})(?:省|市|自治区|特别行政区)?|{_PC}{{2,3}}省)?"
    rf"(?:{_PC}{{1,4}}?(?:市|州|盟))?"
    rf"(?:{_PC}{{1,5}}?(?:区|县|旗)){{0,2}}"  # 南山区科技园南区: a district, then a park / zone inside it
    rf"(?:{_PC}{{1,5}}?(?:镇|乡|街道))?"
    rf"(?:{_PC}{{1,8}}?(?:路|街|大道|大街|巷|弄|胡同|里|(?<![知频通难味])道)(?:{_NUM}段|[东西南北中]?段|辅路|[东西南北中])?\s?"
    rf"{_DOOR}"
    rf"|{_PC}{{2,8}}?(?:小区|花园|公寓|大厦|广场|新村|家园|中心|苑|园|城|湾|府|庭|居|坊|村)(?={_NUM}\s?(?:号楼|栋|幢|座|单元|号|期)))"
    rf"(?:{_UNIT}|{_PLACE})*"
    rf"(?:\s?{_NUM}(?:-{_NUM})?\s?(?:室|房|户)?)?"
)
_ROAD = rf"{_PC}{{1,8}}?(?:路|街|大道|大街|巷|胡同)"
_ZH_CROSSING = re.compile(  # "杭州市拱墅区大关路与上塘路交叉口东南角大关小区12幢": a crossing instead of a door number
    rf"(?:(?:{_PROVINCES})(?:省|市|自治区)?)?(?:{_PC}{{1,4}}?(?:市|州))?(?:{_PC}{{1,5}}?(?:区|县))?"
    rf"{_ROAD}(?:与|和|跟|/){_ROAD}(?:交叉口|交汇处|交界处|路口|十字路口|口)(?:[东西南北]{{1,2}}(?:角|侧))?"
    rf"(?:{_UNIT}|{_PLACE})*"
)
_ZH_ADDR_ADMIN = re.compile(  # province/city + district + something more, without a road number
    rf"(?:{_PROVINCES})(?:省|市|自治区)?(?:{_PC}{{1,4}}?(?:市|州))?{_PC}{{1,5}}?(?:区|县)"
    rf"{_PC}{{1,8}}?(?:镇|乡|街道|村|小区|花园|大厦)(?:{_NUM}\s?(?:号楼|栋|幢|单元|号|室|组))*"
)

# --- English -----------------------------------------------------------------------------------------------
_COUNTRIES = ("USA|US|United States|UK|United Kingdom|England|Scotland|Wales|Canada|Australia|France|Germany|Spain|"
              "Italy|Singapore|Japan|China|Hong Kong|Ireland|New Zealand|Netherlands|Switzerland|India|Portugal")
_STREET_TYPES = (
    r"Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Close|"
    r"Crescent|Parkway|Pkwy|Highway|Hwy|Square|Sq|Circle|Cir|Trail|Row|Walk|Mews|Gardens|Grove|Hill|Park|"
    r"Quay|Wharf|Embankment|Parade|Esplanade|Broadway|Loop|Alley|Path|Plaza|Ridge|Crossing|Rise|Pike|"
    r"Turnpike|Expressway|Freeway"
)
_UNIT_WORDS = r"Apt|Apartment|Suite|Ste|Unit|Flat|Room|Rm|Floor|Fl|Level|Building|Bldg|Block|Blk|Tower|House"
_WORD = r"[A-Z][A-Za-z'’]*[a-z]\.?"  # Queen's, Lakeshore, St.
_POSTCODE = (
    r"\d{5}(?:-\d{4})?"  # US ZIP
    r"|[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}"  # UK
    r"|[A-Z]\d[A-Z]\s?\d[A-Z]\d"  # Canada
    r"|[AC-FHKNPRTV-Y]\d[\dW]\s?[0-9AC-FHKNPRTV-Y]{4}"  # Ireland (Eircode)
    r"|\d{4,6}"
)
# After the street: a unit, the city (with a district number as in "Dublin 2"), a state / province, a postcode.
_EN_TAIL = (
    rf"(?:,?\s*(?:{_UNIT_WORDS}|#)\.?\s*#?\s*[\w-]+)*"
    rf"(?:,\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+)?(?:\s\d{{1,2}}\b)?){{0,2}}"
    rf"(?:,?\s*(?:[A-Z]{{2,3}}\s+)?(?:{_POSTCODE})\b|,\s*[A-Z]{{2}}\b(?![a-z]))?"
    rf"(?:,\s*(?:{_COUNTRIES})\b)?"
)
_EN_ADDR = re.compile(
    rf"(?:\b(?:{_UNIT_WORDS})\.?\s*#?\s*[\w-]+(?:,?\s+|/(?=\d))){{0,3}}"  # "Unit 5/22 Smith St" too
    rf"(?:\b(?:Block|Blk)\.?\s+)?\b\d{{1,5}}[A-Za-z]?\s+(?:[NSEW]\.?\s+)?(?:\d{{1,3}}(?:st|nd|rd|th)\s+|(?:{_WORD}\s+){{1,3}})(?:{_STREET_TYPES})\b\.?"
    rf"(?:\s+\d{{1,3}}\b(?![.:,]\d))?"  # "Ang Mo Kio Avenue 6"
    rf"(?:\s+(?:NW|NE|SW|SE|N|S|E|W)\b)?"
    + _EN_TAIL
)
_CITY = r"[A-ZÀ-Þ][a-zß-ÿ]+(?:[ -][A-ZÀ-Þ][a-zß-ÿ]+)?"  # São Paulo, Warszawa, Köln
_EN_ADDR_LEADING_TYPE = re.compile(  # "12 Rue de Rivoli, 75004 Paris", "Via Roma 10, 00184 Roma", "ul. Długa 5/7"
    r"\b(?:\d{1,5}[A-Za-z]?,?\s+)?(?:Rue|Via|Calle|Avenida|Avda\.|Av\.|Avenue|Boulevard|Bd|Carrer|Rua|Strada|Piazza|"
    r"Place|Plaza|Paseo|ul\.|al\.|pl\.|os\.)"
    r"\s+(?:(?:de|del|della|des|du|la|le|da|do|dos|das)\s+)*[A-ZÀ-Þ][\w'’-]+(?:\s+[A-ZÀ-Þ][\w'’-]+){0,2}"
    r"(?:\s+\d{1,5}[A-Za-z]?(?:/\d{1,5}[A-Za-z]?)?)?"
    rf"(?:,\s*(?:\d{{2}}-\d{{3}}|\d{{4,5}})\s+{_CITY}|,\s*{_CITY}(?=\s*(?:$|[.,;!?)]|\n)))?"
    rf"(?:,\s*(?:{_COUNTRIES}))?"
)
_EU_ADDR = re.compile(  # "Musterstraße 12, 10115 Berlin", "Keizersgracht 123, 1015 CJ Amsterdam"
    r"\b[A-ZÀ-Þ][\wß-ÿ-]*(?:straße|strasse|str\.|weg|allee|platz|gasse|gracht|straat|laan|vej|gade|gatan|gata|"
    r"veien)\s+\d{1,4}[a-z]?"
    rf"(?:,\s*(?:\d{{4,5}}(?:\s?[A-Z]{{2}})?|\d{{2}}-\d{{3}})\s+{_CITY})?(?:,\s*(?:{_COUNTRIES}))?"
)
_PO_BOX = re.compile(r"\b(?i:P\.?\s?O\.?\s?Box|Post Office Box|GPO Box)\s*#?\s*\d{1,6}" + _EN_TAIL)


def find_addresses(text: str) -> Iterator[Span]:
    for pattern in (_ZH_ADDR, _ZH_ADDR_ADMIN, _ZH_CROSSING, _EN_ADDR, _EN_ADDR_LEADING_TYPE, _EU_ADDR, _PO_BOX):
        for m in pattern.finditer(text):
            value = m.group(0).rstrip(" ,")
            if len(value.strip()) < 5:
                continue
            if pattern is _EN_ADDR_LEADING_TYPE and not re.search(r"\d", value):
                continue  # "Place de la Concorde" alone: a landmark, not somebody's address
            if pattern in (_EN_ADDR, _EN_ADDR_LEADING_TYPE, _EU_ADDR) and (
                    lookalike(text, m.start()) or EN_PRODUCT_AFTER.match(text, m.start() + len(value))):
                continue  # "Order 12 Main St", "the 20 Park Lane perfume": a product named after a street
            yield m.start(), m.start() + len(value), "ADDRESS"
