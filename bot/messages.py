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
    "answer_unsure": {
        "en": "I'm not sure the knowledge base answers this, so I won't guess. Related articles (they may not answer it):",
        "zh": "不确定知识库能回答这个问题，我不做猜测。相关文章（可能并不能回答）：",
    },
    "model_fallback": {
        "en": "The language model didn't answer in time, so this answer is built from the passages directly.",
        "zh": "语言模型未能及时响应，以下回答直接摘自知识库原文。",
    },
    "store_unavailable": {
        "en": "The knowledge store is unreachable right now. Please try again in a minute; if it persists, tell an administrator.",
        "zh": "知识库服务暂时无法连接，请稍后再试；如果一直如此，请告知管理员。",
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
    # --- command registry, router and CLI (bot/router.py, bot/commands/, bot/cli.py) ---
    "help_header": {
        "en": "*cs-copilot* helps you answer customers faster. Commands:",
        "zh": "*cs-copilot* 帮你更快地回复客户。可用命令：",
    },
    "help_aliases": {"en": "(also: {aliases})", "zh": "（也可用：{aliases}）"},
    "command_usage": {
        "en": "Usage: `{command} {usage}`. Type `/help` for all commands.",
        "zh": "用法：`{command} {usage}`。输入 `/help` 查看全部命令。",
    },
    "role_refused": {
        "en": "Only {role} can run `{command}`. Type `/help` to see what you can do.",
        "zh": "只有{role}可以使用 `{command}`。输入 `/help` 查看你可用的命令。",
    },
    "role_agent": {"en": "agents", "zh": "客服"},
    "role_manager": {"en": "managers (and admins)", "zh": "主管（及管理员）"},
    "role_admin": {"en": "admins", "zh": "管理员"},
    "cli_bad_line": {
        "en": "This line is not a JSON object with a text field: {problem}",
        "zh": "这一行不是带 text 字段的 JSON 对象：{problem}",
    },
    # --- renderers and the outbound port (bot/slack/blocks.py, bot/feishu/cards.py, bot/outbound/) ---
    "table_rows_shown": {
        "en": "Showing the first {shown} of {total} rows.",
        "zh": "仅显示前 {shown} 行（共 {total} 行）。",
    },
    "report_chart_attached": {"en": "📊 Chart attached: {name}", "zh": "📊 已附图表：{name}"},
    "report_files_attached": {"en": "📎 Files: {names}", "zh": "📎 附件：{names}"},
    "message_shortened": {
        "en": "… Shortened to fit in one message.",
        "zh": "……内容过长，已截断。",
    },
    "vote_counts": {"en": "👍 {up} · 👎 {down}", "zh": "👍 {up} · 👎 {down}"},
    "form_submit": {"en": "Submit", "zh": "提交"},
    "form_cancel": {"en": "Cancel", "zh": "取消"},
    "attachment_saved": {"en": "📎 {name} saved to {path}", "zh": "📎 {name} 已保存到 {path}"},
    "outbound_failed": {
        "en": "The message could not be delivered (ref {ref}). Please try again later.",
        "zh": "消息发送失败（参考编号 {ref}），请稍后重试。",
    },
    # --- /rootcause complaint analytics (bot/commands/rootcause.py, bot/analytics/) ---
    "rootcause_bad_date": {
        "en": "`{value}` is not a time I understand for {option}: use 7d, 24h, 4w or a date like 2025-05-01.",
        "zh": "{option} 的取值 `{value}` 无法识别：请用 7d、24h、4w 或 2025-05-01 这样的日期。",
    },
    "rootcause_bad_range": {
        "en": "The window is empty: --since ({since}) must be before --until ({until}).",
        "zh": "时间窗口为空：--since（{since}）必须早于 --until（{until}）。",
    },
    "rootcause_bad_top": {
        "en": "--top takes a whole number from 1 to {limit}, not `{value}`.",
        "zh": "--top 需要 1 到 {limit} 之间的整数，而不是 `{value}`。",
    },
    "rootcause_no_tickets": {
        "en": "No complaints{keyword} between {since} and {until}. Try a longer window (--since 30d) or another keyword.",
        "zh": "{since} 至 {until} 之间没有{keyword}投诉。可以放宽时间窗口（--since 30d）或换个关键词。",
    },
    "rootcause_keyword": {"en": " matching \"{keyword}\"", "zh": "与“{keyword}”相关的"},
    "rootcause_no_vectors": {
        "en": "Found {count} complaints, but none of them is indexed yet. Run `cs-copilot ingest` on the ticket export first.",
        "zh": "找到 {count} 条投诉，但都还没有建立索引。请先对工单导出文件运行 `cs-copilot ingest`。",
    },
    "rootcause_title": {"en": "Complaint root causes", "zh": "投诉根因分析"},
    "rootcause_summary": {
        "en": "{total} complaints{keyword} from {since} to {until} (previous window: {previous}). Top {shown} reasons cover {covered}; other: {other}.",
        "zh": "{since} 至 {until} 共 {total} 条{keyword}投诉（上一周期 {previous} 条）。前 {shown} 个原因覆盖 {covered}，其他 {other} 条。",
    },
    "rootcause_spikes": {"en": "Spiking: {labels}.", "zh": "激增：{labels}。"},
    "rootcause_columns": {
        "en": "#|reason|count|share|previous|change|spike|dimension",
        "zh": "#|原因|数量|占比|上一周期|变化|激增|维度",
    },
    "rootcause_spike_mark": {"en": "▲ spike", "zh": "▲ 激增"},
    "rootcause_reason_head": {
        "en": "{count} complaints ({share}), previous window {previous}{spike}. Likely cause: {dimension}.",
        "zh": "{count} 条投诉（{share}），上一周期 {previous} 条{spike}。可能原因：{dimension}。",
    },
    "rootcause_evidence": {"en": "Evidence", "zh": "依据"},
    "rootcause_examples": {"en": "Examples", "zh": "典型投诉"},
    "rootcause_interventions": {"en": "What to change", "zh": "改进建议"},
    "rootcause_scripts": {"en": "Reply scripts", "zh": "参考话术"},
    "rootcause_categories": {"en": "Existing category field", "zh": "原有分类字段"},
    "rootcause_tickets": {"en": "Tickets", "zh": "工单"},
    "rootcause_dim_product": {"en": "product", "zh": "产品"},
    "rootcause_dim_process": {"en": "process", "zh": "流程"},
    "rootcause_dim_technology": {"en": "technology", "zh": "技术"},
    "rootcause_dim_people": {"en": "people", "zh": "人员"},
    "rootcause_dim_policy": {"en": "policy", "zh": "政策"},
    "rootcause_chart_title": {"en": "Top complaint reasons", "zh": "主要投诉原因"},
    "rootcause_chart_current": {"en": "this window", "zh": "本周期"},
    "rootcause_chart_previous": {"en": "previous window", "zh": "上一周期"},
    "rootcause_other": {"en": "other", "zh": "其他"},
    "rootcause_model_fallback": {
        "en": "The model did not answer for: {labels}; their advice comes from templates.",
        "zh": "模型未能生成以下原因的建议：{labels}；已改用模板。",
    },
    "rootcause_partial_vectors": {
        "en": "{missing} complaints are not indexed yet and were left out.",
        "zh": "有 {missing} 条投诉尚未建立索引，未计入分析。",
    },
    "rootcause_label_language": {"en": "(label from {language} complaints)", "zh": "（标签取自{language}投诉）"},
    "rootcause_lang_zh": {"en": "Chinese", "zh": "中文"},
    "rootcause_lang_en": {"en": "English", "zh": "英文"},
    "rootcause_suggested_reply": {"en": "Suggested reply", "zh": "推荐话术"},
    "rootcause_expand": {"en": "Details #{n}", "zh": "展开 #{n}"},
    "rootcause_mark_shipped": {"en": "Mark intervention shipped #{n}", "zh": "标记已上线改进 #{n}"},
    "rootcause_dimension": {"en": "Likely cause", "zh": "可能原因"},
    "rootcause_intervention_usage": {
        "en": "Say which reason and when its fix shipped: --intervention REASON --shipped YYYY-MM-DD.",
        "zh": "请说明哪个原因、改进何时上线：--intervention 原因 --shipped YYYY-MM-DD。",
    },
    "rootcause_unknown_reason": {
        "en": "No saved reason \"{reason}\": use a label or #id from a recent /rootcause report.",
        "zh": "没有找到已保存的原因“{reason}”：请使用最近一次 /rootcause 报告中的标签或 #编号。",
    },
    "rootcause_shipped_saved": {
        "en": "Recorded: the intervention for \"{reason}\" shipped on {day}. Later reports show its weekly volume before and after.",
        "zh": "已记录：“{reason}”的改进于 {day} 上线。之后的报告会显示上线前后的每周投诉量。",
    },
    "rootcause_shipped_title": {"en": "Intervention shipped", "zh": "改进已上线"},
    "rootcause_shipped_field": {"en": "Date the fix for \"{reason}\" shipped (YYYY-MM-DD)",
                                "zh": "“{reason}”的改进上线日期（YYYY-MM-DD）"},
    "rootcause_shipped_submit": {"en": "Save", "zh": "保存"},
    "rootcause_trend_title": {"en": "Did the fix work: {label}", "zh": "改进是否有效：{label}"},
    "rootcause_trend_line": {
        "en": "Shipped {day}. Complaints per week before: {before:.1f}, after: {after:.1f} ({change}).",
        "zh": "{day} 上线。上线前每周 {before:.1f} 条，上线后每周 {after:.1f} 条（{change}）。",
    },
    "rootcause_trend_week": {"en": "week of {week}: {count}{after}", "zh": "{week} 当周：{count}{after}"},
    "rootcause_trend_after": {"en": " (after)", "zh": "（上线后）"},
    "scripts_none": {"en": "No reply scripts saved yet: run /rootcause first.", "zh": "还没有保存的话术：请先运行 /rootcause。"},
    "scripts_title": {"en": "Reply scripts", "zh": "话术库"},
    "scripts_columns": {"en": "ID|Reason|Language|Script|Source", "zh": "编号|原因|语言|话术|来源"},
    "scripts_edited": {"en": "Script #{id} updated.", "zh": "话术 #{id} 已更新。"},
    "scripts_deleted": {"en": "Script #{id} deleted.", "zh": "话术 #{id} 已删除。"},
    "scripts_not_found": {"en": "There is no script #{id}.", "zh": "没有编号为 #{id} 的话术。"},
    "scripts_bad_id": {
        "en": "Give the script's number: /scripts --edit ID new text, or /scripts --delete ID.",
        "zh": "请给出话术编号：/scripts --edit 编号 新内容，或 /scripts --delete 编号。",
    },
    "scripts_empty_text": {"en": "The new text of script #{id} is empty.", "zh": "话术 #{id} 的新内容为空。"},
    # --- Slack and Feishu adapters on the registry: votes, forms, private replies (bot/slack, bot/feishu) ---
    "vote_changed": {"en": "Your vote was changed. Thanks!", "zh": "已更新你的评价，谢谢！"},
    "human_already_requested": {
        "en": "The on-call team has already been asked about this answer.",
        "zh": "已经就这个回答通知过值班同事了。",
    },
    "sent_privately": {
        "en": "I've sent you the reply in a direct message.",
        "zh": "已通过私聊把回复发给你。",
    },
    "slack_form_use_command": {
        "en": "This needs a form: run `{command}` as a slash command to open it.",
        "zh": "这一步需要填写表单：请使用斜杠命令 `{command}` 打开。",
    },
    "feishu_form_sent": {"en": "Please fill in the form I just sent.", "zh": "请填写刚发送的表单。"},
    "feishu_working": {
        "en": "Working on it; the result will follow shortly.",
        "zh": "正在处理，结果稍后送达。",
    },
    # --- privacy, model gateway and /calm (bot/privacy, bot/llm, bot/commands/redact.py, calm.py) ---
    "rate_limited": {
        "en": "You're sending requests to the model too quickly; try again in {seconds} s.",
        "zh": "请求模型过于频繁，请在 {seconds} 秒后重试。",
    },
    "redact_empty": {
        "en": "Give me the text to redact, for example `/redact call me at 138 1234 5678`.",
        "zh": "请提供需要脱敏的文本，例如 `/redact 我的电话是 138 1234 5678`。",
    },
    "redact_found": {"en": "{count} item(s) of personal data replaced: {types}.", "zh": "已替换 {count} 处个人信息：{types}。"},
    "calm_empty": {
        "en": "Paste the customer's message after the command, for example `/calm where is my order 12345?!`.",
        "zh": "请在命令后粘贴客户的消息，例如 `/calm 我的订单12345到底什么时候发货？！`。",
    },
    "calm_failed": {"en": "The message could not be rewritten. Please try again.", "zh": "消息改写失败，请重试。"},
    "calm_core_issue": {"en": "Core issue", "zh": "核心诉求"},
    "calm_level": {"en": "Emotion", "zh": "情绪"},
    "calm_level_calm": {"en": "calm", "zh": "平静"},
    "calm_level_upset": {"en": "upset", "zh": "不满"},
    "calm_level_angry": {"en": "angry", "zh": "愤怒"},
    "calm_level_abusive": {"en": "abusive", "zh": "辱骂"},
    "calm_escalate": {"en": "Escalate per policy", "zh": "按规定升级处理"},
    "calm_threat": {
        "en": "The message contains a threat of violence or self-harm.",
        "zh": "消息中含有暴力或自我伤害的威胁。",
    },
    "calm_legal": {
        "en": "The customer mentions legal action or media exposure.",
        "zh": "客户提到法律途径或媒体曝光。",
    },
    "calm_model_fallback": {
        "en": "The model's rewrite was not used (it failed or dropped a fact); this one is rule-based.",
        "zh": "未采用模型的改写（调用失败或遗漏了事实），以下为规则改写结果。",
    },
    # --- trust: audit log, rate limits (bot/audit.py, bot/router.py) ---
    "audit_bad_since": {
        "en": "--since takes 7d, 24h, 30m, 2w or a date like 2026-11-01 (UTC).",
        "zh": "--since 的取值应为 7d、24h、30m、2w 或 2026-11-01 这样的日期（UTC）。",
    },
    # --- agent assist: /history, /resolve and the knowledge-gap queue /gaps (bot/assist/, H10) ---
    "history_empty": {
        "en": "Give me a customer id, for example `/history C120559`.",
        "zh": "请提供客户编号，例如 `/history C120559`。",
    },
    "history_none": {
        "en": "No tickets for customer {customer}. Check the id (the customer_id of the ticket export).",
        "zh": "没有客户 {customer} 的工单。请核对编号（工单导出中的 customer_id）。",
    },
    "history_title": {"en": "Ticket history of {customer}", "zh": "客户 {customer} 的工单历史"},
    "history_summary": {
        "en": "{total} ticket(s): {open} open, {resolved} resolved.",
        "zh": "共 {total} 张工单：未解决 {open} 张，已解决 {resolved} 张。",
    },
    "history_recurring_heading": {"en": "Recurring issue", "zh": "反复出现的问题"},
    "history_recurring": {
        "en": "{count} tickets about “{label}”{detail}: {ids}",
        "zh": "{count} 张工单都与“{label}”有关{detail}：{ids}",
    },
    "history_recurring_terms": {"en": " (shared words: {terms})", "zh": "（共同关键词：{terms}）"},
    "history_no_recurring": {
        "en": "No recurring issue: each ticket is about something different.",
        "zh": "没有反复出现的问题：每张工单的问题都不相同。",
    },
    "history_recent_heading": {"en": "Latest tickets (newest first)", "zh": "最近的工单（按时间倒序）"},
    "history_ticket_line": {"en": "{id} · {date} · {state} · {subject}", "zh": "{id} · {date} · {state} · {subject}"},
    "history_resolution_line": {"en": "  Resolution: {text}", "zh": "  处理结果：{text}"},
    "history_state_open": {"en": "open", "zh": "未解决"},
    "history_state_resolved": {"en": "resolved", "zh": "已解决"},
    "history_more": {"en": "…and {count} older ticket(s).", "zh": "……另有 {count} 张更早的工单。"},
    "history_promises_heading": {"en": "What was promised", "zh": "曾经的承诺"},
    "history_no_promises": {
        "en": "No commitments found in the resolutions.",
        "zh": "处理结果中没有找到承诺。",
    },
    "history_promise_line": {"en": "{id} ({date}): {text}", "zh": "{id}（{date}）：{text}"},
    "resolve_saved": {
        "en": "Saved as past resolution {id}. The next /ask about this finds it as a similar case.",
        "zh": "已保存为历史解决记录 {id}，之后再问到这个问题时会作为类似案例给出。",
    },
    "resolve_updated": {"en": "Resolution {id} updated and re-indexed.", "zh": "解决记录 {id} 已更新并重新索引。"},
    "resolve_undone": {
        "en": "Resolution {id} undone: /ask no longer finds it.",
        "zh": "已撤销解决记录 {id}：提问时不会再找到它。",
    },
    "resolve_already": {
        "en": "This answer is already recorded as resolution {id}.",
        "zh": "这个回答已记录为解决记录 {id}。",
    },
    "resolve_no_context": {
        "en": ("I can't tell which question this resolves. Run /resolve in the thread of my answer, click "
               "“Mark resolved” under it, or give the question: `/resolve --question \"...\" what you did`."),
        "zh": ("无法确定要记录哪个问题的解决方法。请在我回答的话题里发送 /resolve，点击回答下方的“标记已解决”，"
               "或写明问题：`/resolve --question \"……\" 处理方法`。"),
    },
    "resolve_need_note": {
        "en": "Tell me what was done: `/resolve <what you did>` (I had no answer to record).",
        "zh": "请写明是怎么解决的：`/resolve <处理方法>`（我没有可记录的回答）。",
    },
    "resolve_not_found": {"en": "There is no active resolution {id}.", "zh": "没有有效的解决记录 {id}。"},
    "resolve_already_undone": {"en": "Resolution {id} was already undone.", "zh": "解决记录 {id} 已经撤销过了。"},
    "resolve_bad_id": {
        "en": "`{value}` is not a resolution id (they look like R-1A2B3C4D).",
        "zh": "`{value}` 不是解决记录编号（格式如 R-1A2B3C4D）。",
    },
    "resolve_not_yours": {
        "en": "Only the agent who wrote {id}, or a manager, can change it.",
        "zh": "只有记录 {id} 的客服本人或主管可以修改它。",
    },
    "resolve_question": {"en": "Question", "zh": "问题"},
    "resolve_done": {"en": "What was done", "zh": "处理方法"},
    "resolve_sources": {"en": "Sources used", "zh": "参考来源"},
    "resolve_gaps_closed": {
        "en": "It also closes {count} open knowledge gap(s).",
        "zh": "同时关闭了 {count} 个知识缺口。",
    },
    "button_resolve": {"en": "✅ Mark resolved", "zh": "✅ 标记已解决"},
    "button_resolve_undo": {"en": "Undo", "zh": "撤销"},
    "button_resolve_edit": {"en": "Edit", "zh": "修改"},
    "resolve_form_title": {"en": "Edit resolution {id}", "zh": "修改解决记录 {id}"},
    "resolve_form_note": {"en": "What was done", "zh": "处理方法"},
    "gaps_none": {
        "en": "No knowledge gaps{window}: every question was answered and nobody asked for a human.",
        "zh": "{window}没有知识缺口：所有问题都有答案，也没有人要求转人工。",
    },
    "gaps_window": {"en": " in the last {days} days", "zh": "最近 {days} 天"},
    "gaps_title": {"en": "Knowledge gaps", "zh": "知识缺口"},
    "gaps_summary": {
        "en": "{open} open gap topic(s) ({signals} questions){window}; {closed} topic(s) closed by new knowledge.",
        "zh": "{window}共 {open} 个未关闭的缺口主题（{signals} 个问题）；{closed} 个主题已被新知识覆盖。",
    },
    "gaps_columns": {"en": "#|topic|questions|signals|languages|status", "zh": "#|主题|问题数|来源|语言|状态"},
    "gaps_kind_unanswered": {"en": "unanswered", "zh": "未答出"},
    "gaps_kind_downvoted": {"en": "👎", "zh": "👎"},
    "gaps_kind_need_human": {"en": "need a human", "zh": "转人工"},
    "gaps_status_open": {"en": "open", "zh": "待补充"},
    "gaps_status_closed": {"en": "closed by {doc}", "zh": "已由 {doc} 覆盖"},
    "gaps_examples": {"en": "Examples: {examples}", "zh": "示例：{examples}"},
    "gaps_bad_since": {
        "en": "--since takes a number of days such as 7d or 30, not `{value}`.",
        "zh": "--since 需要天数，例如 7d 或 30，而不是 `{value}`。",
    },
    "gaps_more": {
        "en": "… {count} more topic(s): `cs-copilot gaps --json` lists them all.",
        "zh": "……另有 {count} 个主题：`cs-copilot gaps --json` 可列出全部。",
    },
    # --- /escalate and /requests: customer needs raised to the managers (bot/escalation/) ---
    "escalation_usage": {
        "en": "Tell me what the customer asked for: `/escalate <the need> [customer id]`, e.g. `/escalate let customers pick a delivery time slot C1024`.",
        "zh": "请写明客户的需求：`/escalate <需求> [客户ID]`，例如 `/escalate 希望能选择送货时间段 C1024`。",
    },
    "escalation_recorded": {
        "en": "This is the {ordinal} customer asking for \u201c{title}\u201d (request #{id}, {status}).",
        "zh": "这是第 {count} 位提出\u201c{title}\u201d的客户（需求 #{id}，{status}）。",
    },
    "escalation_new": {
        "en": "New request #{id} opened: \u201c{title}\u201d. You are the first to raise it.",
        "zh": "已新建需求 #{id}：\u201c{title}\u201d。你是第一个提出的。",
    },
    "escalation_repeat": {
        "en": "You already raised request #{id} (\u201c{title}\u201d) for this customer; it still counts once. {count} customer(s) so far.",
        "zh": "你已为这位客户提过需求 #{id}（\u201c{title}\u201d），不会重复计数。目前共 {count} 位客户。",
    },
    "escalation_thread_link": {"en": "Managers' thread: {link}", "zh": "主管讨论串：{link}"},
    "escalation_no_channel": {
        "en": "No managers' channel is configured here (SLACK_ESCALATION_CHANNEL / FEISHU_ESCALATION_CHAT_ID); the request is counted and listed in /requests.",
        "zh": "尚未配置主管频道（SLACK_ESCALATION_CHANNEL / FEISHU_ESCALATION_CHAT_ID）；需求已计数，可在 /requests 中查看。",
    },
    "escalation_header": {"en": "*Request #{id}*: {title}", "zh": "*需求 #{id}*：{title}"},
    "escalation_header_counts": {
        "en": "{customers} customer(s) · {agents} agent(s) · status: {status}",
        "zh": "{customers} 位客户 · {agents} 位客服 · 状态：{status}",
    },
    "escalation_header_seen": {"en": "First seen {first} · last seen {last}", "zh": "首次 {first} · 最近 {last}"},
    "escalation_samples": {"en": "How customers put it", "zh": "客户原话"},
    "escalation_history": {"en": "History", "zh": "处理记录"},
    "escalation_batch": {
        "en": "{count} new customer(s) since the last update ({customers}); {total} in total.",
        "zh": "自上次更新以来新增 {count} 位客户（{customers}）；共 {total} 位。",
    },
    "escalation_status_open": {"en": "Open", "zh": "待处理"},
    "escalation_status_acknowledged": {"en": "Acknowledged", "zh": "已确认"},
    "escalation_status_planned": {"en": "Planned", "zh": "已排期"},
    "escalation_status_declined": {"en": "Declined", "zh": "不予处理"},
    "escalation_status_need_info": {"en": "Need more info", "zh": "需要更多信息"},
    "escalation_status_merged": {"en": "Merged", "zh": "已合并"},
    "escalation_button_ack": {"en": "Acknowledge", "zh": "确认收到"},
    "escalation_button_planned": {"en": "Planned", "zh": "已排期"},
    "escalation_button_decline": {"en": "Decline…", "zh": "不予处理…"},
    "escalation_button_need_info": {"en": "Need more info", "zh": "需要更多信息"},
    "escalation_button_merge": {"en": "Merge into…", "zh": "合并到…"},
    "escalation_actor_system": {"en": "cs-copilot", "zh": "cs-copilot"},
    "escalation_event_status": {"en": "{actor} set the status to {status} (was {old})", "zh": "{actor} 将状态改为{status}（原为{old}）"},
    "escalation_event_merged": {"en": "{actor} merged this request into {target}", "zh": "{actor} 将此需求合并到 {target}"},
    "escalation_event_merged_in": {"en": "{actor} merged {source} into this request", "zh": "{actor} 将 {source} 合并到此需求"},
    "escalation_event_threshold": {
        "en": "reached {count} customers: escalated automatically",
        "zh": "客户数达到 {count}：已自动升级",
    },
    "escalation_only_managers": {
        "en": "Sorry, only managers can change a request's status or merge requests{who}. You can still add customers with /escalate.",
        "zh": "抱歉，只有主管可以修改需求状态或合并需求{who}。你仍可以用 /escalate 补充客户。",
    },
    "escalation_managers_are": {"en": " (ask {names})", "zh": "（请联系 {names}）"},
    "escalation_unknown_request": {
        "en": "Request #{id} does not exist (see /requests).",
        "zh": "需求 #{id} 不存在（可用 /requests 查看）。",
    },
    "escalation_status_done": {
        "en": "Request #{id} is now {status}; {agents} agent thread(s) were told.",
        "zh": "需求 #{id} 状态已改为{status}；已通知 {agents} 个客服会话。",
    },
    "escalation_merged_done": {
        "en": "Request #{source} was merged into #{target} ({customers} customers).",
        "zh": "需求 #{source} 已合并到 #{target}（共 {customers} 位客户）。",
    },
    "escalation_is_merged": {
        "en": "Request #{id} was merged into #{target}; change #{target} instead.",
        "zh": "需求 #{id} 已合并到 #{target}，请在 #{target} 上操作。",
    },
    "escalation_merge_self": {
        "en": "Pick another request to merge into (not #{id} itself).",
        "zh": "请选择另一个需求进行合并（不能是 #{id} 自己）。",
    },
    "escalation_decline_title": {"en": "Decline request #{id}", "zh": "不予处理需求 #{id}"},
    "escalation_decline_reason": {"en": "Reason (shown to the agents)", "zh": "原因（会告知客服）"},
    "escalation_merge_title": {"en": "Merge request #{id}", "zh": "合并需求 #{id}"},
    "escalation_merge_target": {"en": "Merge into request", "zh": "合并到需求"},
    "escalation_reason_required": {"en": "Please give a reason.", "zh": "请填写原因。"},
    "escalation_agent_status": {
        "en": "Update on request #{id} (\u201c{title}\u201d): {status}.",
        "zh": "需求 #{id}（\u201c{title}\u201d）有更新：{status}。",
    },
    "escalation_agent_note": {"en": "Managers' note: {note}", "zh": "主管备注：{note}"},
    "escalation_agent_merged": {"en": "(Request #{source} was merged into it.)", "zh": "（需求 #{source} 已合并到此需求。）"},
    "escalation_suggested_reply": {"en": "Suggested reply to the customer: {reply}", "zh": "建议回复客户：{reply}"},
    "escalation_customer_acknowledged": {
        "en": "Thank you for the suggestion. Our team has received it and is looking into it; we'll keep you posted.",
        "zh": "感谢您的建议，相关团队已收到并在评估中，有进展会第一时间告知您。",
    },
    "escalation_customer_planned": {
        "en": "Good news: what you asked for is now planned. We'll let you know as soon as it is available.",
        "zh": "好消息：您提出的需求已列入计划，上线后我们会第一时间通知您。",
    },
    "escalation_customer_declined": {
        "en": "Thank you for the suggestion. After review we won't be able to offer this for now ({note}). We're sorry, and we'll keep your feedback in mind.",
        "zh": "感谢您的建议。经过评估，我们暂时无法提供该功能（{note}），非常抱歉，您的反馈我们会继续记录。",
    },
    "escalation_customer_need_info": {
        "en": "Thank you for the suggestion. Could you tell us a bit more about how you would use it, so our team can assess it?",
        "zh": "感谢您的建议。方便再详细说说您希望如何使用吗？以便团队进一步评估。",
    },
    "escalation_batch_bad_file": {
        "en": "`--batch` needs a readable JSONL file of {{id, text, customer_id, created_at}} lines: {problem}",
        "zh": "`--batch` 需要可读取的 JSONL 文件，每行为 {{id, text, customer_id, created_at}}：{problem}",
    },
    "escalation_batch_cli_only": {
        "en": "`--batch` imports a file and works from the command line only (`cs-copilot escalate --batch FILE`).",
        "zh": "`--batch` 用于导入文件，仅支持命令行（`cs-copilot escalate --batch FILE`）。",
    },
    "escalation_batch_done": {
        "en": "Imported {lines} line(s): {new} new request(s), {joined} added to existing ones, {repeats} repeat(s), {errors} error(s).",
        "zh": "已导入 {lines} 行：新建 {new} 个需求，{joined} 条并入已有需求，{repeats} 条重复，{errors} 条出错。",
    },
    "requests_none": {
        "en": "No requests yet{status}. Agents raise them with `/escalate <need> [customer id]`.",
        "zh": "暂无需求{status}。客服可以用 `/escalate <需求> [客户ID]` 提出。",
    },
    "requests_status_filter": {"en": " with status {status}", "zh": "（状态：{status}）"},
    "requests_bad_status": {
        "en": "`{value}` is not a status; use one of: {choices}.",
        "zh": "`{value}` 不是有效状态，可选：{choices}。",
    },
    "requests_title": {"en": "Top customer requests", "zh": "客户需求排行"},
    "requests_columns": {"en": "#|request|customers|agents|status|last seen", "zh": "#|需求|客户数|客服数|状态|最近"},
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
