"""Brands and products that look like people's names, so the name rules leave them alone.

General vocabulary of retail: consumer brands whose Chinese name starts with a common surname (李宁, 康师傅,
戴森 ...), brands named after a person (Calvin Klein, Dr. Martens ...), product-line and model words (Galaxy,
Pixel, Pro, Max ...), and the product nouns that follow a brand ("... boots", "...方便面"). A name found by a
strong introduction ("我叫李宁", "my name is Tom Ford") is still a name; the lexicon only vetoes weaker cues.
"""

from __future__ import annotations

import re

ZH_BRANDS = frozenset("""
李宁 王老吉 周大福 周生生 周大生 周黑鸭 张小泉 康师傅 江小白 钟薛高 杨国福 马应龙 戴森 戴尔 乔丹 安踏 安慕希 安克 卫龙
谢瑞麟 陈克明 袁记 欧莱雅 兰蔻 雷蛇 雷神 雷士 罗技 罗莱 罗蒙 罗马仕 施华洛世奇 施华蔻 潘多拉 潘婷 钱大妈 田七 鲁花 金龙鱼
金典 金锣 金立 杜蕾斯 杜康 郎酒 董酒 古井贡 舒肤佳 高露洁 蓝月亮 白猫 白象 蒙牛 尤妮佳 苏菲 苏泊尔 苏宁 沙宣 韩束 毛戈平
方太 方正 康佳 夏普 万和 万家乐 林内 史密斯 柏翠 毕亚兹 欧普 欧米茄 胡姬花 汤达人 俞兆林 黄天鹅 江南布衣 唐狮 曹操出行
荣耀 荣事达 吉利 马自达 雷克萨斯 王小卤 张飞牛肉 廖记 曾小厨 冯氏 宋河 洪湖 孔府家 秦池 宁德时代 包大人 邓禄普 卡西欧
贺曼 薛记 侯氏 蔡林记 陶陶居 朱炳仁 魏牌 陆风 宫廷 叶氏 钟表 程序 任天堂 骆驼 马克华菲 龙牌 甘源 雅诗兰黛 海蓝之谜
""".split())

EN_BRANDS = frozenset(w.lower() for w in """
Calvin Klein|Tommy Hilfiger|Ralph Lauren|Michael Kors|Kate Spade|Tory Burch|Tom Ford|Hugo Boss|Ted Baker|Marc Jacobs|
Vera Wang|Estee Lauder|Estée Lauder|Bobbi Brown|Charlotte Tilbury|Jo Malone|Giorgio Armani|Christian Dior|Louis Vuitton|
Jimmy Choo|Christian Louboutin|Stella McCartney|Alexander McQueen|Stan Smith|Chuck Taylor|Air Jordan|Ray Ban|Ray-Ban|Levi Strauss|Jack Daniels|
Jack Daniel|Johnnie Walker|Jim Beam|Captain Morgan|Betty Crocker|Uncle Ben|Martha Stewart|Nintendo Switch|Ben Jerry|Le Creuset|
Victoria Secret|Victorias Secret|Tim Hortons|Dolce Gabbana|Yves Saint Laurent|Saint Laurent|Kenneth Cole|
Steve Madden|Anne Klein|Vince Camuto|Fred Perry|Tom Tailor|Karl Lagerfeld|Oscar Mayer|Orville Redenbacher
""".replace("\n", "").split("|"))
# Brands written as a title + word ("Dr. Martens", "Mr. Coffee", "Mrs. Meyer's"): vetoed only after a title.
TITLE_BRANDS = frozenset("martens coffee pepper clean muscle meyer bronner fields scholl oetker potato whippy bean".split())

# Brand, product-line and model words: a capitalised run containing one is a product, not a person.
PRODUCT_WORDS = frozenset(w.lower() for w in """
Apple Samsung Google Microsoft Sony Nintendo Amazon Huawei Xiaomi Lenovo Asus Acer Lg Philips Bosch Dyson Nike Adidas
Puma Reebok Converse Vans Gucci Prada Chanel Hermes Rolex Omega Canon Nikon Fujifilm Gopro Garmin Fitbit Bose Jbl Beats
Sennheiser Logitech Razer Corsair Intel Amd Nvidia Tesla Toyota Honda Bmw Audi Volkswagen Ikea Lego Disney Marvel
Playstation Xbox Galaxy Pixel Iphone Ipad Ipod Macbook Imac Airpods Airpod Kindle Echo Fire Surface Windows
Android Chromebook Thinkpad Ideapad Yoga Pavilion Envy Inspiron Latitude Zenbook Note Buds Pods Watch Band Fold Flip Mate
Redmi Poco Oneplus Oppo Vivo Realme Pro Mini Plus Ultra Lite Air Edge Neo Prime Series Edition Model Gen
Retro Classic Original Deluxe Premium Sport Studio Home Hub Tab Pad Book Phone Tv Music Store Pay Cloud Drive Office Outlook
Teams Zoom Netflix Spotify Hulu Uber Lyft Airbnb Paypal Venmo Visa Mastercard Amex Citi Barclays Hsbc Yeezy
Boost Foam Runner Force Dunk Superstar Gazelle Samba Eleven Xl Xxl
Mail Post Buy Depot Mart Market Airways Airlines Insurance Energy Telecom Wireless Hotel Hotels Resort Foods Kitchen
Pharmacy Express Parcel Parcels Courier Couriers Delivery Logistics Fedex Dhl Ups Usps Evri Hermes Dpd Gls Tnt
Costco Walmart Tesco Sainsbury Sainsburys Asda Aldi Lidl Zara Uniqlo Sephora Ulta Shein Temu Etsy Ebay Alibaba Aliexpress
Taobao Tmall Jd Pinduoduo Meituan Wayfair Argos Currys Walgreens Kroger Safeway Carrefour Decathlon Lazada Shopee Rakuten
Siri Alexa Cortana Bixby Shortcuts Prime Video
""".split())

ZH_PRODUCT_AFTER = re.compile(  # a brand followed by what it sells or where it is sold
    r"(?:牌|品牌|旗舰店|专卖店|专柜|官方|官旗|官网|门店|系列|同款|正品|"
    r"方便面|泡面|饮料|凉茶|牙膏|洗发水|沐浴露|洗衣液|手机|电脑|笔记本|电视|空调|冰箱|热水器|燃气灶|油烟机|吹风机|"
    r"鞋|跑鞋|球鞋|衣服|外套|手表|金饰|首饰|手链|项链|戒指|耳机|鼠标|键盘|音箱|奶粉|纸尿裤|酒|白酒|零食|辣条|雪糕|"
    r"冰淇淋|化妆品|口红|面霜|香水|灯|净化器|电饭煲|锅|汽车|电动车)"
)
EN_PRODUCT_AFTER = re.compile(
    r"\s+(?:boots?|shoes?|sneakers?|trainers?|sandals?|bag|handbag|purse|wallet|jacket|coat|shirt|polo|dress|"
    r"jeans|suit|sweater|hoodie|watch|perfume|fragrance|cologne|lipstick|makeup|cream|serum|sunglasses|glasses|"
    r"machine|maker|soap|cleaner|bottles?|cans?|pack|set|kit|box|mix|sauce|drink|soda|whiskey|whisky|rum|bourbon|"
    r"ice cream|tubs?|pot|pan|skillet|cookware|mug|blender|vacuum|phone|case|charger|cable|headphones|earbuds|"
    r"laptop|tablet|tv|console|controller|store|outlet|brand|products?|collection|line|range|model)\b",
    re.I,
)


def is_zh_brand(text: str, start: int, end: int) -> bool:
    """The candidate name text[start:end] is (the start of) a known brand, or is followed by a product word."""
    for brand in ZH_BRANDS:
        b_start = text.find(brand, max(0, start - len(brand) + 1), end + len(brand))
        if b_start != -1 and b_start < end and start < b_start + len(brand):
            return True
    return bool(ZH_PRODUCT_AFTER.match(text, end))


def is_en_brand(text: str, start: int, end: int, title: str = "") -> bool:
    """The capitalised run text[start:end] is a brand (after `title`, as in "Dr. Martens"), contains a product
    word, or is followed by a product noun ("... boots", "... jacket")."""
    value = text[start:end]
    words = [w.strip("'’").lower() for w in re.findall(r"[A-Za-z'’-]+", value)]
    key = " ".join(w.removesuffix("'s").removesuffix("’s") for w in words)
    if key in EN_BRANDS or any(w in PRODUCT_WORDS for w in words):
        return True
    if title and words and words[0].removesuffix("'s").removesuffix("’s") in TITLE_BRANDS:
        return True
    return bool(EN_PRODUCT_AFTER.match(text, end))
