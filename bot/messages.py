"""Every user-facing message, in English and Chinese, in one place.

`text(key, lang, **params)` returns the message in the asker's language ("zh" or "en").
Adapters and the CLI never build error wording themselves: they call this module.
"""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")


def detect_language(text: str, default: str = "en") -> str:
    """'zh' when the text is mostly Chinese, 'en' otherwise (identifiers like PAY-4012 don't count)."""
    cjk = len(_CJK.findall(text))
    if cjk == 0:
        return default if not _LATIN.search(text) else "en"
    latin_words = len(re.findall(r"\b[A-Za-z]{2,}\b", text))
    return "zh" if cjk >= latin_words else "en"


MESSAGES: dict[str, dict[str, str]] = {
    "help": {
        "en": (
            "*cs-copilot* helps you answer customers faster.\n"
            "• `/ask <question>`: a cited answer from the knowledge base and past resolutions "
            "(plain text works too)\n"
            "• `/rootcause`: complaint root-cause report (coming soon)\n"
            "• `/escalate <request>`: send a product request to the managers (coming soon)\n"
            "• `/history <customer id>`: a customer's history (coming soon)\n"
            "• `/calm <message>`: rewrite an abusive message, keeping the real issue (coming soon)\n"
            "• `/resolve <resolution>`: save a resolution to the knowledge base (coming soon)\n"
            "• `/help`: this message"
        ),
        "zh": (
            "*cs-copilot* 帮你更快地回复客户。\n"
            "• `/ask <问题>`：基于知识库和历史工单给出带引用的回答（直接输入问题也可以）\n"
            "• `/rootcause`：投诉根因分析报告（即将上线）\n"
            "• `/escalate <需求>`：把产品需求提交给主管（即将上线）\n"
            "• `/history <客户编号>`：查看客户历史（即将上线）\n"
            "• `/calm <消息>`：改写辱骂性消息，保留真实诉求（即将上线）\n"
            "• `/resolve <处理方案>`：把处理方案沉淀进知识库（即将上线）\n"
            "• `/help`：显示本帮助"
        ),
    },
    "empty_input": {
        "en": "Please type a question, for example `/ask who pays return shipping?`. Type `/help` for all commands.",
        "zh": "请输入问题，例如 `/ask 退货运费谁出？`。输入 `/help` 查看全部命令。",
    },
    "too_long": {
        "en": "That message is {length} characters long; please keep questions under {limit} characters.",
        "zh": "消息长度为 {length} 个字符，问题请控制在 {limit} 个字符以内。",
    },
    "unknown_command": {
        "en": "I don't know the command `{command}`. Type `/help` to see what I can do.",
        "zh": "我不认识命令 `{command}`。输入 `/help` 查看可用命令。",
    },
    "coming_soon": {
        "en": "`{command}` is coming soon. Meanwhile, `/ask` answers questions from the knowledge base.",
        "zh": "`{command}` 即将上线。现在可以先用 `/ask` 从知识库查找答案。",
    },
    "no_answer": {
        "en": (
            "I couldn't find this in the knowledge base or past resolutions, so I won't guess. "
            "Try rephrasing, or ask a colleague and capture the answer afterwards."
        ),
        "zh": "知识库和历史工单里没有找到相关内容，我不做猜测。可以换个说法再问，或请同事协助并在之后补充到知识库。",
    },
    "empty_index": {
        "en": "The knowledge base is empty. Ingest documents first: `cs-copilot ingest knowledge/`.",
        "zh": "知识库还是空的。请先导入文档：`cs-copilot ingest knowledge/`。",
    },
    "model_fallback": {
        "en": "The language model didn't answer in time, so this answer is built from the passages directly.",
        "zh": "语言模型未能及时响应，以下回答直接摘自知识库原文。",
    },
    "store_unavailable": {
        "en": "The knowledge store is unreachable right now. Please try again in a minute; the team has been notified.",
        "zh": "知识库服务暂时无法连接，请稍后再试，我们已记录该问题。",
    },
    "store_mismatch": {
        "en": "The knowledge store was built with a different embedding model. Re-ingest with `--rebuild`.",
        "zh": "知识库是用另一个向量模型建立的，请使用 `--rebuild` 重新导入。",
    },
    "database_unavailable": {
        "en": "The bot's database is unreachable right now. Please try again shortly.",
        "zh": "机器人的数据库暂时无法连接，请稍后再试。",
    },
    "model_failed": {
        "en": "The language model failed to answer. Please try again.",
        "zh": "语言模型调用失败，请重试。",
    },
    "config_error": {
        "en": "The bot is misconfigured; an administrator has to fix its settings.",
        "zh": "机器人配置有误，需要管理员修正配置。",
    },
    "ingest_error": {
        "en": "The documents could not be ingested.",
        "zh": "文档导入失败。",
    },
    "internal_error": {
        "en": "Sorry, something went wrong on my side (ref {ref}). Please try again.",
        "zh": "抱歉，我这边出了点问题（编号 {ref}），请重试。",
    },
    "answer_heading": {"en": "Answer", "zh": "回答"},
    "sources_heading": {"en": "Sources", "zh": "来源"},
    "similar_case_heading": {"en": "Similar past case", "zh": "类似历史工单"},
    "similar_case_line": {
        "en": "Similar past case ({subject}): {resolution}",
        "zh": "类似历史工单（{subject}）：{resolution}",
    },
    "extractive_intro": {
        "en": "From the knowledge base:",
        "zh": "根据知识库：",
    },
    "extractive_intro_case": {
        "en": "A past resolved case matches this:",
        "zh": "匹配到一条历史工单：",
    },
    "thinking": {"en": "Looking that up…", "zh": "正在查找…"},
    "feedback_thanks": {"en": "Thanks for the feedback!", "zh": "感谢反馈！"},
    "human_requested_ack": {
        "en": "I've asked the on-call team to help.",
        "zh": "已通知值班同事协助。",
    },
    "button_helpful": {"en": "👍 Helpful", "zh": "👍 有帮助"},
    "button_not_helpful": {"en": "👎 Not helpful", "zh": "👎 没帮助"},
    "button_share": {"en": "Share to channel", "zh": "分享到群"},
    "button_human": {"en": "Need a human", "zh": "转人工"},
    # --- Feishu adapter (bot/feishu) ---
    "feishu_truncated": {
        "en": "The answer was shortened to fit in one card.",
        "zh": "回答过长，已截断以适应卡片长度。",
    },
    "feishu_text_only": {
        "en": "I can only read text messages. Please type your question, or send /help.",
        "zh": "我目前只能读取文字消息，请直接输入问题，或发送 /help。",
    },
    "feishu_human_requested": {
        "en": "{oncall} a human is needed on this question from {user}:",
        "zh": "{oncall} 这个问题需要人工协助（提问人 {user}）：",
    },
    "feishu_human_already": {
        "en": "The on-call team has already been asked about this answer.",
        "zh": "已经就这个回答通知过值班同事了。",
    },
    "feishu_no_oncall": {
        "en": "No on-call people are configured yet (FEISHU_ONCALL_OPEN_IDS); please ask a colleague directly.",
        "zh": "尚未配置值班人员（FEISHU_ONCALL_OPEN_IDS），请直接联系同事。",
    },
    # --- Slack adapter (bot/slack) ---
    "slack_truncated": {
        "en": "… The answer was shortened to fit in one Slack message.",
        "zh": "……回答过长，已截断以适应 Slack 消息长度。",
    },
    "slack_answer_unavailable": {
        "en": "That answer is no longer available; please ask again.",
        "zh": "该回答已不可用，请重新提问。",
    },
    "slack_shared_ack": {"en": "Shared to the channel.", "zh": "已分享到频道。"},
    "slack_shared_by": {"en": "Shared by <@{user}>", "zh": "由 <@{user}> 分享"},
    "slack_human_requested": {
        "en": "{oncall} a human is needed on this question from {asker}:\n>{question}",
        "zh": "{oncall} 这个问题需要人工协助（提问人 {asker}）：\n>{question}",
    },
    "slack_human_requested_from": {"en": "Asked in <#{channel}>.", "zh": "提问频道：<#{channel}>。"},
}


def text(key: str, lang: str = "en", **params: object) -> str:
    """The message `key` in `lang` (falls back to English), formatted with `params`."""
    entry = MESSAGES.get(key) or MESSAGES["internal_error"]
    template = entry.get(lang) or entry["en"]
    if not params:
        return template
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template
