"""Writes knowledge/eval/questions.jsonl from the hand-written questions below (run once; the split is fixed).

The questions were typed the way support agents type them in chat, not copied from the articles. Each line of
a block is `topic ; required facts ; query`. Facts: `&` separates facts, `|` separates accepted spellings of one
fact (a number, an amount, a step). Topic `-` = the knowledge does not answer it (near-miss, adjacent topic).
Relevant ids are the governing article in the corpus language plus the FAQ rows of that language on the topic.
Cross-language questions are evaluated against a one-language copy of the knowledge (en questions against the
zh documents only, zh questions against the en documents only), so their answer exists in the other language only.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

ARTICLES = {
    "rp": "return-policy.md", "rsf": "return-shipping-fee.md", "rt": "refund-timeline.md",
    "rop": "refund-to-original-payment.md", "doa": "damaged-on-arrival.md", "dt": "delivery-times.md",
    "ot": "order-tracking.md", "lp": "lost-parcel.md", "cda": "change-delivery-address.md",
    "icd": "international-customs-duties.md", "pmb": "plus-membership-benefits.md", "pcr": "plus-cancel-renew.md",
    "pts": "points-program.md", "pm": "payment-methods.md", "pec": "payment-error-codes.md", "inv": "invoices.md",
    "pp": "price-protection.md", "rpw": "reset-password.md", "acl": "account-locked-suspicious-login.md",
    "tfa": "two-factor-authentication.md", "psc": "phishing-scam-calls.md", "wt": "warranty-terms.md",
    "rep": "repair-process.md", "dev": "device-troubleshooting.md", "spk": "store-pickup.html",
    "gc": "gift-cards.html", "prv": "privacy-summary.txt",
}
# FAQ rows (knowledge/faq/faq.csv) by topic and language; each row exists in one language only.
FAQ = {
    ("rp", "en"): ["faq-001"], ("rp", "zh"): ["faq-002"], ("rsf", "en"): ["faq-003"], ("rsf", "zh"): ["faq-004"],
    ("rt", "en"): ["faq-005"], ("rop", "zh"): ["faq-006"], ("rop", "en"): ["faq-007"], ("doa", "zh"): ["faq-008"],
    ("dt", "en"): ["faq-009"], ("dt", "zh"): ["faq-010", "faq-014"], ("ot", "en"): ["faq-011"],
    ("lp", "zh"): ["faq-012"], ("cda", "en"): ["faq-013"], ("icd", "en"): ["faq-015"], ("pmb", "zh"): ["faq-016"],
    ("pcr", "en"): ["faq-017", "faq-019"], ("pcr", "zh"): ["faq-018"], ("pts", "zh"): ["faq-020", "faq-022"],
    ("pts", "en"): ["faq-021"], ("pm", "en"): ["faq-023"], ("pm", "zh"): ["faq-024"],
    ("pec", "en"): ["faq-025", "faq-027"], ("pec", "zh"): ["faq-026", "faq-028"], ("inv", "zh"): ["faq-029"],
    ("pp", "en"): ["faq-030"], ("rpw", "en"): ["faq-031"], ("acl", "zh"): ["faq-032"], ("tfa", "en"): ["faq-033"],
    ("psc", "zh"): ["faq-034"], ("wt", "en"): ["faq-035", "faq-039"], ("wt", "zh"): ["faq-036"],
    ("rep", "en"): ["faq-037"], ("dev", "zh"): ["faq-038"],
}

EN_PLAIN = """
rp ; 7 ; customer in Shanghai wants to return a blender she just doesn't like, how many days does she have?
rp ; 30 ; intl customer asking how long the return window is for orders shipped abroad
rp ; ; can a customer return earbuds after opening them and trying them on?
rp ; ; is an engraved item returnable if the customer simply changed their mind
rp ; Return / Refund|Return/Refund|Return or Refund ; how does a customer start a return in the app
rp ; 7 ; return got approved, how long does the customer have to actually ship it back
rsf ; ; who covers return postage for a change-of-mind return in China
rsf ; 12 ; how much does the return shipping insurance pay out
rsf ; 25 ; customer paid the courier himself to send back a faulty kettle, how much do we reimburse
rsf ; 7.95 ; what does a Brightcart return label cost for an international no-reason return
rsf ; ; do Plus members have to pay for return shipping insurance
rt ; 7-10|7–10|7 to 10 ; customer returned her order last week, when will the refund land on her Visa card
rt ; 1-3|1–3|1 to 3 ; how long do Alipay refunds take once the warehouse has the parcel
rt ; ; when should I escalate a refund to Payments L2
rop ; ; customer's credit card was cancelled and now the refund failed, what do we do
rop ; ; can we send a refund to a different card than the one used to pay
rop ; 3-5|3–5|3 to 5 ; how long does a bank transfer take when we reissue a failed refund
doa ; ; box arrived completely smashed and the vase inside is broken, customer wants a new one
doa ; 48 ; how long does the customer have to report something damaged in transit
doa ; ; what photos do we need for a damaged delivery claim
doa ; ; customer reported a broken mug worth about 30 yuan, does she have to send it back
dt ; 16:00 ; what's the cutoff time for same day dispatch
dt ; 5-8|5–8|5 to 8 ; how long does delivery to Xinjiang take
dt ; 99 ; what's the free shipping threshold for orders in China
dt ; 24.90 & 3-6|3–6|3 to 6 ; how much is international express shipping and how fast is it
dt ; 10 ; parcel arrived 4 days later than promised, can I give the customer something
ot ; 24 ; order shipped this morning but the customer can't see any tracking number
ot ; investigation ; tracking hasn't moved in three days, what should I do
lp ; 5 ; when is a domestic parcel officially declared lost
lp ; 48 ; courier marked it delivered but the customer says she never got it
lp ; ; lost parcel - does the customer get a reship or a refund
cda ; ; customer wants to change the shipping address and the order hasn't shipped yet
cda ; ; can an international order be redirected to another address after it ships
icd ; ; will a customer in Germany have to pay import VAT when the parcel arrives
icd ; ; customer in Canada refused the parcel because of duties, what do they get back
icd ; 5 ; customs is holding a parcel, how many days does the customer have to send documents
pmb ; 198 ; how much is Plus per year in China
pmb ; 95 ; what discount do Plus members get on regular items
pmb ; 30 ; how much is the Plus birthday coupon
pcr ; Auto-renewal|auto-renewal ; how does a member switch off auto renewal
pcr ; 7 ; customer got charged for the Plus renewal yesterday and wants his money back
pcr ; ; does the free trial turn into a paid membership on its own
pts ; 1,000|1000 ; minimum points needed to redeem on an order
pts ; 31 December|December 31 ; when do reward points expire
pts ; ; why haven't the points for last week's order shown up yet
pm ; ; do we accept Apple Pay
pm ; ; can customers pay in monthly installments
pm ; 30 ; how long before an unpaid order gets cancelled automatically
pec ; ; customer keeps getting PAY-4012 at checkout
pec ; 30 ; what happens after three failed PAY-4031 attempts
pec ; 3 ; customer saw PAY-5001, money left the account but there's no order
inv ; 90 ; how late can a customer still ask for an invoice
inv ; 5 ; a company needs a VAT special invoice, how long does that take
pp ; 7 ; price dropped 3 days after the customer bought it, can we refund the difference
rpw ; 10 ; how long is the SMS code for a password reset valid
acl ; 30 ; account locked after too many wrong passwords, how long is the lock
tfa ; 1-3|1–3|1 to 3 ; customer lost the phone with the authenticator app and has no backup codes
psc ; ; someone called a customer claiming to be Brightcart and asked them to transfer money
wt ; 2 ; how long is the warranty on the Pulse Watch S
wt ; ; watch stopped working after the customer wore it in the sauna, is that covered
rep ; 7-10|7–10|7 to 10 ; how long does a warranty repair usually take
rep ; 29|199 ; price to replace one earbud out of warranty
dev ; 1.3.1 ; left earbud won't charge, any fix before we open a claim?
dev ; 12 ; how do you force restart the watch
spk ; 7 ; how long do pickup stores hold an order
gc ; ; can a customer cash out a gift card
gc ; 3 ; how long are gift cards valid
prv ; 1 ; how long do we keep customer service call recordings
"""

ZH_PLAIN = """
rp ; ; 顾客不想要了，七天无理由是从哪天开始算的
rp ; ; 耳机拆封试戴过了还能无理由退吗
rp ; ; 刻了字的商品可以退吗
rp ; 15 ; 质量问题多少天内可以换货
rp ; 7 ; 退货申请通过以后要在几天内寄出
rsf ; ; 无理由退货的运费谁出
rsf ; 12 & 72 ; 运费险最多赔多少，多久到账
rsf ; 25 ; 商品有质量问题，顾客自己垫付了快递费，能报销多少
rsf ; ; 下单时付的运费什么情况下能退
rt ; 1-3|1–3|1 到 3|1至3 ; 仓库已经签收退货了，退款几天到微信
rt ; 7-10|7–10|7 到 10|7至10 ; 信用卡付的款退款要多久
rt ; ; RF 开头的退款编号是干嘛的，银行能查吗
rop ; ; 退款状态显示退款失败怎么处理
rop ; ; 退款能不能退到余额里
doa ; 48 ; 收到的杯子碎了怎么办
doa ; 15 ; 过了48小时才发现东西坏了还能处理吗
dt ; 16 ; 几点之前付款当天能发货
dt ; 99 & 8 ; 不满多少钱要付运费，运费多少
dt ; 5-8|5–8|5 到 8|5至8 ; 寄到西藏要几天
dt ; 2-3|2–3|2 到 3|2至3 ; 双十一期间发货会慢几天
dt ; 10 ; 快递比承诺晚了三天以上有补偿吗
ot ; 24 ; 下单一天了还没有快递单号
ot ; 72 ; 物流三天没更新了怎么办
lp ; 48 ; 快递显示已签收但是顾客说没收到
lp ; 5 ; 多久没有物流信息算丢件
lp ; 2,000|2000 ; 两千多的订单丢件了要找谁处理
cda ; ; 还没发货，顾客想改收货地址
cda ; ; 已经发货了还能改地址吗
icd ; ; 寄到美国要交关税吗
icd ; ; 寄到法国的包裹派送时要付税吗
pmb ; 198 ; Plus 会员一年多少钱
pmb ; ; 会员有哪些权益
pmb ; ; 会员买东西积分是双倍吗
pcr ; 自动续费 ; 怎么关闭 Plus 自动续费
pcr ; 3 ; 试用期结束前会提醒顾客吗
pcr ; 7 ; 会员续费已经扣款了还能退吗
pts ; 100 & 20 ; 积分怎么抵扣，最多能抵多少
pts ; 12 月 31|12月31 ; 积分什么时候过期
pts ; ; 退货以后积分会扣掉吗
pm ; ; 我们支持哪些付款方式
pm ; ; 支持货到付款吗
pm ; 30 ; 订单多久不付款会自动取消
pec ; ; PAY-4031 是什么错误
pec ; 3 ; 提示 PAY-5001，钱扣了订单没成功
pec ; ; 微信支付报 WX-2002
inv ; 48 ; 电子发票多久能开出来
inv ; 5 ; 公司要开增值税专票要多久
inv ; ; 发票抬头开错了能改吗
pp ; 7 ; 买完就降价了能退差价吗
pp ; ; 秒杀买的商品有价保吗
rpw ; ; 忘记密码怎么找回
rpw ; 8 & 20 ; 密码要求几位
acl ; 24 ; 账号被风控冻结了怎么解冻
tfa ; 10 ; 两步验证的备用码一共有几个
psc ; ; 有人打电话自称明购客服，让顾客注销贷款
wt ; 1 ; 耳机保修多久
wt ; ; 耳塞套坏了保修吗
wt ; ; 第三方品牌的商品怎么保修
rep ; ; 怎么申请保修维修
rep ; 14 ; 保外维修的报价有效期多久
rep ; ; 同一个毛病修了两次还是坏
dev ; 1.3.1 ; 左耳耳机充不进电
dev ; 12 ; 手表死机了怎么强制重启
spk ; 10:00|10 点|10点 ; 自提点几点营业
gc ; 3 ; 礼品卡有效期多久
gc ; 5 ; 一个订单最多能用几张礼品卡
prv ; 3 ; 订单记录会保存多久
"""

EN_CROSS = """
rp ; 7 ; mainland customer bought a lamp, signed for it 5 days ago, can she still send it back for no reason?
rp ; 15 ; how long do customers have to exchange an item that's faulty
rp ; ; are opened air purifier filters returnable
rsf ; 12 ; what's the max payout on shipping insurance for returns
rsf ; ; wrong item was sent, who pays the return courier
rt ; 7-10|7–10|7 到 10|7至10 ; refund to a UnionPay card, how many business days
rt ; ; warehouse got the return 4 business days ago and the refund still hasn't been issued
rop ; 5 ; a refund bounced because the account was closed, when does it come back
doa ; 48 ; customer found the screen cracked when opening the parcel, what's the deadline to report
doa ; ; damaged on arrival, can the customer choose a refund instead of a replacement
dt ; 1-2|1–2|1 到 2|1至2 ; delivery time to Beijing after dispatch
dt ; 8 ; shipping fee for a small order under the free shipping threshold
dt ; 20 ; Plus member's parcel came 3 days late, what coupon can we give
ot ; 2 ; courier investigation opened, when will we hear back
lp ; 24 ; courier confirmed the parcel is lost, how fast do we reship
cda ; ; can the customer change the destination country of an order
icd ; ; which countries get DDP with duties paid at checkout
pmb ; ; what's included in Plus membership
pmb ; ; is the member price valid on flash sale items
pcr ; 3 ; does the customer get a reminder before the Plus renewal charge
pcr ; ; customer cancelled auto renewal, do benefits stop right away
pts ; 2 ; how many points per yuan does a Plus member earn
pts ; 20 ; what's the max share of an order that can be paid with points
pm ; ; which payment methods work for orders in mainland China
pec ; 60 ; what does PAY-5001 mean exactly
pec ; ; WX-2002 error when paying with WeChat
inv ; ; how does a customer get an electronic invoice
pp ; ; does price protection cover bundle deals
rpw ; 30 ; how long is the password reset email link valid
acl ; ; account frozen for a suspicious login, how does the customer unlock it
tfa ; 10 ; how many backup codes come with two-step verification
psc ; 96110 ; what's the anti-fraud hotline number in China
wt ; ; is liquid damage covered under warranty for the earbuds
wt ; 1 ; how long is the warranty on the Nimbus 300 purifier
rep ; ; where do warranty repairs get sent
rep ; 90 ; how long is a repaired part guaranteed
dev ; 10 ; watch battery drains fast, what's normal battery life
spk ; 2 ; how soon is an in-stock pickup order ready
gc ; ; can gift cards be used to buy other gift cards
prv ; ; who do we share customer personal info with
rsf ; 72 ; how fast does the shipping insurance pay out after pickup
lp ; ; customer checked with neighbours and the locker, parcel still missing, next step?
pec ; ; card got declined with PAY-4012, was the customer charged
inv ; ; can the invoice title be changed after it was issued
wt ; ; are watch straps covered by the warranty
"""

ZH_CROSS = """
rp ; 30 ; 海外订单退货期限是多少天
rp ; ; 定制刻字的东西不想要了能退吗
rp ; 24 ; 退货申请提交后多久审核
rsf ; 7.95 ; 海外顾客无理由退货，退货面单多少钱
rsf ; ; 海外订单质量问题退货运费谁付
rt ; ; 支付宝退款多久到账
rt ; ; 退款显示已退款但是一直没到账，什么时候升级处理
rop ; ; 退款失败以后可以改退到银行卡吗
doa ; 8 ; 海外订单收到时商品已损坏，价值很低的东西还要寄回吗
doa ; ; 收到时包装破损商品坏了，需要提供哪些照片
dt ; 7-15|7–15|7 到 15|7至15 ; 国际标准快递要多久
dt ; 79 ; 海外订单满多少免运费
dt ; 5 ; 海外包裹晚到了补偿多少
ot ; ; 物流单号什么时候能查到
lp ; 15 ; 海外包裹多久没更新算丢失
cda ; ; 国际订单发货后能改地址吗
icd ; ; 寄到英国需要另外交税吗
icd ; 5 ; 海关扣件了，顾客需要几天内提供材料
pmb ; 29 ; 海外 Plus 会员年费多少
pmb ; ; 会员价打几折
pcr ; 7 ; Plus 免费试用几天
pcr ; ; 试用结束会自动扣费吗
pts ; 1 ; 积分是怎么获得的
pts ; ; 积分什么时候到账
pm ; ; 海外订单可以用什么方式付款
pec ; ; PAY-4012 是什么原因
pec ; 5 ; PAY-4031 验证失败是什么原因
inv ; ; 海外订单怎么拿发票
pp ; 7 ; 价格保护是几天
rpw ; 10 ; 短信验证码多久过期
acl ; 5 ; 输错几次密码会锁号
tfa ; ; 两步验证可以用什么方式
psc ; ; 顾客收到可疑邮件，怎么分辨是不是官方的
wt ; 2 ; 手表保修几年
wt ; ; 戴着手表潜水坏了保修吗
rep ; 2 ; 维修中心收到设备后多久出检测结果
dev ; 15 ; 耳机怎么重置
spk ; 6 ; 自提取件要什么
gc ; ; 礼品卡能退吗
prv ; ; 顾客要删除自己的个人信息怎么办
rp ; ; 退货申请在 App 哪里提交
rt ; ; 退款参考号在哪里看，银行查不到钱
acl ; ; 客服核实顾客身份要问什么
pmb ; 30 ; 会员生日券多少钱
rep ; 199 ; 耳机丢了一只，单买一只多少钱
"""

EN_VARIANTS = """
shorthand ; rp ; 7 ; cust wants 2 return smth bc she doesnt like it, how many days pls
shorthand ; rsf ; 12 ; cust asking how much ship insurance pays back on returns?? thx
shorthand ; rt ; 7-10|7–10|7 to 10 ; refund 2 visa how long pls, cust v upset
shorthand ; doa ; 48 ; item arrived broken, cust wants replacement asap, deadline 2 report?
shorthand ; dt ; 99 ; whats min order 4 free shipping in cn
shorthand ; lp ; 5 ; pkg no update 4 ages, when do we call it lost (domestic)
shorthand ; pcr ; 7 ; cust got charged 4 plus renewal, can we refund pls
shorthand ; pec ; 3 ; pay-5001 + $ taken but no order, when does cust get $ back
shorthand ; acl ; 30 ; acct locked after wrong pw 5x, how long
shorthand ; wt ; 2 ; warranty on pulse watch s? yrs
shorthand ; rep ; 7-10|7–10|7 to 10 ; how long warranty repair takes btw
shorthand ; pts ; ; pts not showing up after order, y?
shorthand ; cda ; ; cust wants addr change, order still processing, how
shorthand ; inv ; 90 ; invoice request deadline after delivery?
shorthand ; gc ; ; can cust get cash 4 gift card
shorthand ; pp ; 7 ; price drop after purchase, refund diff? within how many days
typo ; rp ; 30 ; internatonal retrun window how many days
typo ; rsf ; 25 ; custmer paid courrier for faulty item retrun, how much do we reimburce
typo ; rt ; ; refnud still not recieved after warehose got the parcel
typo ; doa ; ; pakage arived damagd, what fotos do we need
typo ; dt ; 16:00 ; same day dispatch cuttoff tiem
typo ; ot ; 24 ; no traking number yet after dispach
typo ; pmb ; 198 ; how much is plus membrship anualy in china
typo ; pec ; ; PAY-4012 card declinned what shoud the custmer do
typo ; tfa ; 1-3|1–3|1 to 3 ; lost fone with authentcator app, no backup codes
typo ; dev ; 1.3.1 ; left earbud not chargeing, firmwear fix?
typo ; icd ; ; custmer in germny asks about import duites at delivery
typo ; rpw ; 10 ; pasword reset sms code how long valid
pasted ; rop ; ; Hi there!! I returned my headphones two weeks ago and my refund says FAILED. My card was cancelled last month. This is ridiculous, what now??
pasted ; lp ; 48 ; hello, tracking says delivered yesterday but I have NOTHING. I checked my mailbox. Where is my parcel???
pasted ; pcr ; ; Good morning. I never agreed to be charged for Plus!! I only signed up for the free trial. Please explain and refund me.
pasted ; wt ; ; Hi, my watch got water inside after I went diving last weekend. It says waterproof! Will you fix it for free?
"""

ZH_VARIANTS = """
shorthand ; rsf ; 12 ; 亲 运费险能赔多少呀
shorthand ; rt ; 7-10|7–10|7 到 10|7至10 ; 信用卡退款几天到 急
shorthand ; doa ; 48 ; 收到货坏了 多久内要报
shorthand ; dt ; 99 ; 满多少包邮啊
shorthand ; pcr ; 自动续费 ; plus咋关自动续费
shorthand ; pec ; ; pay5001啥意思
shorthand ; acl ; 30 ; 密码输错被锁了多久解
shorthand ; lp ; 5 ; 物流好几天不动了 多久算丢
shorthand ; pts ; 100 ; 积分咋抵钱
shorthand ; wt ; 1 ; 耳机保修几年啊
pinyin ; rt ; ; tk多久到账 顾客催了
pinyin ; rsf ; ; yfx赔多少
pinyin ; doa ; ; 顾客说sp到手就是坏的 怎么处理
pinyin ; pp ; 7 ; jb能退差价吗 买了三天降价了
pinyin ; cda ; ; 顾客要gdz 还没发货
pinyin ; rp ; 7 ; qtwly退货是几天
typo ; rp ; 15 ; 质量问体多少天能换货
typo ; rsf ; ; 无里由退货运废谁出
typo ; rt ; 1-3|1–3|1 到 3|1至3 ; 支付包退款几天到帐
typo ; dt ; 5-8|5–8|5 到 8|5至8 ; 新疆几天能道
typo ; inv ; 5 ; 增值税专漂要几天
typo ; pcr ; 7 ; 会员续废扣了能退吗
typo ; tfa ; 10 ; 备用马有几个
typo ; dev ; 12 ; 手表思机了怎么重起
pasted ; rp ; ; 你好！！我上周买的耳机戴着不舒服想退，包装拆了但是耳塞的封条还在，能退吗？急！！
pasted ; lp ; ; 在吗？？快递显示签收了但是我根本没收到！！！你们怎么回事，我要投诉！
pasted ; pcr ; ; 你好，我根本没同意续费，怎么就扣了我198？？？试用完就自动扣钱，这不是坑人吗，给我退了！
pasted ; rop ; ; 亲，我的退款显示失败了，原来的卡已经注销了，钱去哪了？？好着急
pasted ; psc ; ; 刚才有人打电话说是明购客服，说我的会员要注销不然影响征信，让我转账，是真的吗？？吓死了
pasted ; doa ; 48 ; 你好 我今天收到净化器 外箱都压扁了 机器外壳裂了 怎么办 要多久内反馈
pasted ; pec ; ; 付款的时候一直转圈然后报PAY-5001，钱扣了订单还是待付款，你们赶紧给我处理！
pasted ; dt ; 10 ; 双十一买的东西到现在都没到，比说好的晚了四天，有没有补偿啊？？
"""

EN_NONE = """
- ; ; does the Nimbus 300 work with Alexa or Google Home
- ; ; what's the noise level of the Nimbus 300 on max speed
- ; ; do we offer student discounts
- ; ; can a customer order the Aurora X2 in a custom colour
- ; ; is there a trade-in program for old earbuds
- ; ; do we offer gift wrapping
- ; ; how does someone become an affiliate or influencer partner
- ; ; what's the battery capacity of the Aurora X2 in mAh
- ; ; can two people share one Plus membership
- ; ; do we sell an extended warranty or protection plan
- ; ; how do customers recycle used purifier filters
- ; ; is there a bulk discount for corporate orders
- ; ; does the Pulse Watch S measure blood pressure
- ; ; how do I reset the filter indicator on the Nimbus 300
- ; ; can customers pick a delivery time slot
- ; ; do couriers deliver during Chinese New Year
- ; ; is there a membership tier above Plus
- ; ; which Bluetooth version does the Aurora X2 use
- ; ; how can a customer report a bug in the Brightcart app
- ; ; can one order be split into two shipments to different addresses
- ; ; do we charge a restocking fee on returns
- ; ; can customers preorder products before launch
- ; ; how long can a sealed Nimbus filter be stored before it goes bad
- ; ; is there a referral bonus for inviting friends
- ; ; customer filed a chargeback with their bank, how do we handle it
- ; ; can the customer buy a replacement watch strap and how much is it
- ; ; what are the opening hours of the Suzhou warehouse for walk-in returns
- ; ; do we sell refurbished Aurora X2 earbuds
- ; ; can we give a discount code because the courier was rude
- ; ; does Brightcart have a store in Singapore for pickups
- ; ; how many decibels of noise cancellation does the Aurora X2 have
- ; ; can customers pay with cryptocurrency
"""

ZH_NONE = """
- ; ; 我们有学生优惠吗
- ; ; Nimbus 300 能连小爱同学吗
- ; ; 耳机电池容量是多少毫安
- ; ; 可以预约指定时间段送货吗
- ; ; 有没有以旧换新活动
- ; ; 能帮顾客做礼品包装吗
- ; ; 企业团购有折扣吗
- ; ; 手表能测血压吗
- ; ; Plus 会员可以家庭共享吗
- ; ; 有延保服务可以买吗
- ; ; 春节期间快递停运吗
- ; ; 旧滤网可以回收吗
- ; ; 推荐好友注册有奖励吗
- ; ; 一个订单能拆成两单分开发到不同地址吗
- ; ; 有官方翻新机卖吗
- ; ; 顾客想预订还没上市的新款耳机
- ; ; 净化器最大档噪音有多大
- ; ; 耳机支持蓝牙几点几
- ; ; 退货要收手续费吗
- ; ; 顾客跟银行申请了拒付，我们怎么处理
- ; ; 直播间领的优惠券怎么用
- ; ; 手表表带可以单独买吗，多少钱
- ; ; 比 Plus 更高级的会员等级有吗
- ; ; 明购 App 一打开就闪退怎么办
- ; ; 怎么成为明购的供应商
- ; ; 净化器能除甲醛吗
- ; ; 耳机充电盒丢了能单独买吗
- ; ; 抖音上有明购旗舰店吗
- ; ; 耳机降噪深度多少分贝
- ; ; 滤网没拆封能放多久
- ; ; 自提点可以帮忙寄快递吗
- ; ; 顾客想要定制颜色的耳机
"""


def _rows(block: str, lang: str, *, cross: bool = False, variant: str = "plain") -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for line in block.strip().splitlines():
        parts = [p.strip() for p in line.split(";")]
        var = variant
        if len(parts) == 4:
            var, parts = parts[0], parts[1:]
        topic, facts, query = parts
        corpus_lang = ("zh" if lang == "en" else "en") if cross else lang
        answerable = topic != "-"
        relevant: list[str] = []
        if answerable:
            relevant = [f"kb/{corpus_lang}/{ARTICLES[topic]}", *FAQ.get((topic, corpus_lang), [])]
        out.append({
            "query": query, "lang": lang, "relevant_ids": relevant, "cross_lang": cross,
            "corpus_lang": corpus_lang if cross else "all", "answerable": answerable,
            "facts": [f.split("|") for f in facts.split(" & ")] if facts else [],
            "variant": var, "topic": topic,
        })
    return out


def build() -> list[dict[str, object]]:
    groups = [
        ("en-plain", _rows(EN_PLAIN, "en")), ("zh-plain", _rows(ZH_PLAIN, "zh")),
        ("en-cross", _rows(EN_CROSS, "en", cross=True)), ("zh-cross", _rows(ZH_CROSS, "zh", cross=True)),
        ("en-var", _rows(EN_VARIANTS, "en")), ("zh-var", _rows(ZH_VARIANTS, "zh")),
        ("en-none", _rows(EN_NONE, "en", variant="near-miss")), ("zh-none", _rows(ZH_NONE, "zh", variant="near-miss")),
    ]
    rows: list[dict[str, object]] = []
    for prefix, group in groups:
        for n, row in enumerate(group, 1):
            qid = f"{prefix}-{n:03d}"
            # fixed split: half dev, half test, by a hash of the qid (never re-drawn)
            split = "dev" if int(hashlib.sha256(qid.encode()).hexdigest(), 16) % 2 == 0 else "test"
            rows.append({"qid": qid, **row, "split": split})
    return rows


if __name__ == "__main__":
    target = Path(__file__).with_name("questions.jsonl")
    rows = build()
    target.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"{len(rows)} questions -> {target}")
