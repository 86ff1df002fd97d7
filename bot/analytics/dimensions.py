"""Which dimension a complaint reason belongs to: product, process, technology, people or policy.

A small bilingual cue lexicon of generic customer-service vocabulary (not taken from any data set) is scored
over a cluster's key terms (weighted by their c-TF-IDF rank) and over its complaint texts (the share of
complaints that contain a cue). The evidence returned is the cues found, each with the tickets that use it.
English cues match at a word start ("deliver" matches "delivery", "delivered"); Chinese cues are substrings.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Sequence

DIMENSIONS = ("product", "process", "technology", "people", "policy")

CUES: dict[str, tuple[str, ...]] = {
    "product": (
        "quality", "defect", "broken", "break", "damage", "faulty", "flaw", "crack", "scratch", "leak",
        "noise", "noisy", "smell", "size", "colour", "color", "material", "design", "feature", "battery",
        "model", "wear", "stopped working", "doesn't work", "fake", "counterfeit", "expired", "performance",
        "质量", "破损", "损坏", "坏了", "故障", "瑕疵", "裂", "划痕", "漏", "异响", "噪音", "异味", "尺码", "尺寸",
        "颜色", "材质", "设计", "功能", "电池", "型号", "做工", "假货", "过期", "性能", "不好用", "配置",
    ),
    "process": (
        "deliver", "shipping", "shipped", "ship", "courier", "tracking", "parcel", "package", "wait",
        "delay", "late", "slow", "still not", "refund", "return", "exchange", "replace", "process",
        "step", "approval", "approve", "pending", "follow up", "follow-up", "cancel", "order", "stock",
        "wrong item", "missing", "investigat", "dispute", "transfer",
        "物流", "快递", "配送", "发货", "派送", "包裹", "等待", "延迟", "太慢", "迟迟", "还没", "退款", "退货",
        "换货", "流程", "审核", "进度", "处理中", "跟进", "取消", "订单", "缺货", "发错", "漏发", "催", "转接",
    ),
    "technology": (
        "app", "website", "site", "online", "login", "log in", "sign in", "password", "account locked",
        "error", "crash", "bug", "freez", "system", "page", "verification code", "otp", "sms", "update",
        "glitch", "server", "link", "email", "portal", "checkout", "load",
        "系统", "登录", "登陆", "密码", "验证码", "短信", "闪退", "卡顿", "报错", "网页", "网站", "页面", "链接",
        "更新", "升级", "软件", "程序", "接口", "加载", "账号被锁", "客户端",
    ),
    "people": (
        "agent", "staff", "representative", "rep", "employee", "rude", "attitude", "impolite", "disrespect",
        "unprofessional", "ignored", "ignore", "hung up", "shout", "yell", "impatient", "dismissive",
        "promised", "lied", "manager", "supervisor", "salesperson", "threat", "harass",
        "客服", "人员", "员工", "态度", "不耐烦", "敷衍", "不礼貌", "不尊重", "爱答不理", "挂电话", "挂了",
        "骂", "吼", "推诿", "承诺", "骗", "经理", "主管", "销售", "威胁", "骚扰", "服务差",
    ),
    "policy": (
        "policy", "rule", "terms", "condition", "not allowed", "refuse", "reject", "denied", "declin",
        "fee", "charge", "price", "cost", "expensive", "warranty", "guarantee", "compensation", "limit",
        "contract", "eligible", "fine", "interest", "penalt", "deadline", "days", "law", "legal", "right",
        "政策", "规定", "规则", "条款", "不允许", "拒绝", "驳回", "不给", "不能退", "收费", "费用", "价格",
        "扣款", "扣费", "贵", "保修", "质保", "赔偿", "补偿", "限制", "合同", "资格", "罚", "利息", "违约",
        "期限", "法律", "权益", "不合理",
    ),
}


@dataclass
class DimensionResult:
    dimension: str
    scores: dict[str, float]
    evidence: list[tuple[str, list[str]]] = field(default_factory=list)  # (cue found, ticket ids using it)


def _compile(cue: str) -> re.Pattern[str]:
    if re.search(r"[\u3400-\u9fff]", cue):
        return re.compile(re.escape(cue))
    return re.compile(r"(?<![a-z])" + re.escape(cue).replace(r"\ ", r"\s+"))


_PATTERNS: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
_JOINED: dict[str, tuple[re.Pattern[str], dict[str, str]]] = {}


def _joined(dim: str) -> tuple[re.Pattern[str], dict[str, str]]:
    """All cues of a dimension in one pattern (one scan of a text instead of one per cue), longest first so a
    longer cue wins where two start at one place; group name -> cue."""
    if dim not in _JOINED:
        cues = sorted(_patterns()[dim], key=lambda cp: -len(cp[0]))
        names = {f"c{i}": cue for i, (cue, _) in enumerate(cues)}
        pattern = "|".join(f"(?P<c{i}>{p.pattern})" for i, (_, p) in enumerate(cues))
        _JOINED[dim] = (re.compile(pattern), names)
    return _JOINED[dim]


def _patterns() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    if not _PATTERNS:
        for dim, cues in CUES.items():
            _PATTERNS[dim] = [(c, _compile(c)) for c in cues]
    return _PATTERNS


def classify(
    key_terms: Sequence[str], texts: Sequence[str], ticket_ids: Sequence[str], max_evidence: int = 4
) -> DimensionResult:
    """The dimension with the highest cue score. Key terms weigh by rank (first = 1, then 1/2, 1/3 ...);
    texts add the share of complaints with a cue of that dimension. Ties go to the earlier dimension in
    DIMENSIONS; no cue at all gives "process" (how the complaint was handled) with no evidence."""
    patterns = _patterns()
    scores = dict.fromkeys(DIMENSIONS, 0.0)
    hits: dict[str, dict[str, list[str]]] = {d: defaultdict(list) for d in DIMENSIONS}
    for rank, term in enumerate(key_terms):
        low = term.lower()
        for dim in DIMENSIONS:
            if any(p.search(low) or (len(low) > 1 and low in cue) for cue, p in patterns[dim]):
                scores[dim] += 1.0 / (rank + 1)
    n = max(len(texts), 1)
    for text, tid in zip(texts, ticket_ids):
        low = text.lower()
        for dim in DIMENSIONS:
            joined, names = _joined(dim)
            found = sorted({names[m.lastgroup] for m in joined.finditer(low) if m.lastgroup})
            if found:
                scores[dim] += 1.0 / n
                for cue in found:
                    hits[dim][cue].append(tid)
    best = max(DIMENSIONS, key=lambda d: (scores[d], -DIMENSIONS.index(d)))
    if scores[best] == 0.0:
        return DimensionResult("process", scores, [])
    ranked = sorted(hits[best].items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return DimensionResult(best, {d: round(s, 3) for d, s in scores.items()}, [(c, ids) for c, ids in ranked[:max_evidence]])
