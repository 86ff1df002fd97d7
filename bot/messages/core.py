"""The user-facing messages of the core and the adapters: input checks, the router and CLI, Slack and
Feishu, renderers and /rootcause. Part of the catalog `bot.messages.MESSAGES` (read it through
`bot.messages.text`)."""

from __future__ import annotations

CORE_MESSAGES: dict[str, dict[str, str]] = {
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
        "en": "Sorry, only {role} can run `{command}`; please ask one of them. Type `/help` to see what you can do.",
        "zh": "抱歉，只有{role}可以使用 `{command}`，请联系他们。输入 `/help` 查看你可用的命令。",
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
}
