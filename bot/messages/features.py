"""The user-facing messages of the features built on the core: privacy, the model gateway and /calm,
trust (audit, rate limits), agent assist (/history, /resolve, /gaps) and /escalate, /requests. Part of the
catalog `bot.messages.MESSAGES` (read it through `bot.messages.text`)."""

from __future__ import annotations

FEATURE_MESSAGES: dict[str, dict[str, str]] = {
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
