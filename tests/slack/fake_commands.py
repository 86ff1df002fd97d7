"""Test-only commands registered next to the real ones (Slack and Feishu adapter tests): buttons with
typed payloads, a reply that replaces the clicked message, a form and its submission, a role check.

They go through the real router (`CommandRouter(Registry([*discover(), *TEST_COMMANDS]), container)`),
so the adapters are exercised exactly as with a real command module under bot/commands/.
"""

from __future__ import annotations

import threading

from bot.commands.base import CommandContext, CommandSpec, Option, ParsedArgs, Role
from bot.models import ActionEvent, Button, Form, FormField, FormSubmission, Reply

SURVEY_FORM_FIELDS = (
    FormField("score", "Score", kind="select", options=(("1", "poor"), ("5", "great"))),
    FormField("note", "Note", kind="textarea", required=False),
)


def _form(ticket: str, lang: str, visibility: str = "channel") -> Form:
    return Form(command="/survey", form_id="rate", title="Rate the answer", fields=SURVEY_FORM_FIELDS,
                context={"ticket": ticket, "lang": lang, "visibility": visibility})


def survey(ctx: CommandContext, args: ParsedArgs) -> Reply:
    """`/survey buttons`: a message with buttons; `/survey <ticket>`: a form."""
    if args.text == "buttons":
        return Reply(
            text="Pick one",
            language=ctx.language,
            buttons=[
                Button("survey_pick", "Option A", "a", payload={"ticket": "T-1", "lang": ctx.language}),
                Button("survey_pick", "Option B", "b", payload={"ticket": "T-1", "lang": ctx.language}),
                Button("survey_close", "Close"),
                Button("survey_form", "Rate", "T-9"),
            ],
        )
    visibility = "private" if args.flag("private") else "channel"
    return Reply(text="Please rate", language=ctx.language, form=_form(args.text, ctx.language, visibility))


def pick(ctx: CommandContext, event: ActionEvent) -> Reply:
    return Reply(text=f"{ctx.user_id} picked {event.value} for {event.payload.get('ticket')}",
                 language=ctx.language, visibility="private")


def close(ctx: CommandContext, event: ActionEvent) -> Reply:
    return Reply(text=f"Closed by {ctx.user_id}", language=ctx.language, visibility="channel")


def rate_form(ctx: CommandContext, event: ActionEvent) -> Reply:
    return Reply(text="", language=ctx.language, form=_form(event.value, ctx.language))


def submitted(ctx: CommandContext, sub: FormSubmission) -> Reply:
    if sub.values.get("score") not in ("1", "5"):
        return Reply(text="The score must be 1 or 5.", kind="error", language=ctx.language)
    text = (f"Rated {sub.values['score']} ({sub.values.get('note', '')}) for {sub.context.get('ticket')} "
            f"by {ctx.user_id} in {sub.channel_id or '-'}")
    visibility = "private" if sub.context.get("visibility") == "private" else "channel"
    return Reply(text=text, language=ctx.language, visibility=visibility)


# `survey_slow` waits for this gate: a command slower than the platform's callback budget.
SLOW_GATE = threading.Event()


def slow(ctx: CommandContext, event: ActionEvent) -> Reply:
    SLOW_GATE.wait(10)
    return Reply(text=f"Slow result for {event.value}", language=ctx.language, visibility="channel")


def approve(ctx: CommandContext, event: ActionEvent) -> Reply:
    return Reply(text=f"Approved {event.value} by {ctx.user_id}", language=ctx.language, visibility="channel")


def approvals(ctx: CommandContext, args: ParsedArgs) -> Reply:
    return Reply(text="Pending approvals", language=ctx.language,
                 buttons=[Button("survey_approve", "Approve", "REQ-7", style="primary")])


SURVEY = CommandSpec(
    name="/survey",
    help={"en": "a test survey", "zh": "测试问卷"},
    handler=survey,
    options=(Option("--private", "only the submitter sees the result", takes_value=False),),
    actions={"survey_pick": pick, "survey_close": close, "survey_form": rate_form, "survey_slow": slow},
    on_form=submitted,
)

APPROVALS = CommandSpec(
    name="/approvals",
    help={"en": "test approvals (managers)", "zh": "测试审批（主管）"},
    handler=approvals,
    actions={"survey_approve": approve},
    role=Role.AGENT,
)

# The click is checked against the role of the command that owns the button.
MANAGER_ONLY = CommandSpec(
    name="/lockdown",
    help={"en": "a managers-only test command", "zh": "仅主管可用的测试命令"},
    handler=lambda ctx, args: Reply(text="locked", language=ctx.language),
    actions={"lockdown_confirm": approve},
    role=Role.MANAGER,
)

TEST_COMMANDS = (SURVEY, APPROVALS, MANAGER_ONLY)


# `/chartreport`: a report with a PNG chart and a CSV (the attachments a slash reply must upload);
# `/chartreport --private`: the same, only for the asker.
CHART_PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
CHART_CSV = "ticket_id,reason\nT-1,refund delay\nT-2,login loop\n".encode()


def chart_report(ctx: CommandContext, args: ParsedArgs) -> Reply:
    from bot.models import Attachment, Report, Section, Visibility

    report = Report(
        title="Complaint reasons",
        summary="2 reasons this week",
        sections=[Section("Refunds are slow", "refund delay")],
        images=[Attachment("reasons.png", CHART_PNG, "image/png", title="Reasons chart", alt_text="bar chart")],
        files=[Attachment("reasons.csv", CHART_CSV, "text/csv", title="Reasons CSV")],
    )
    visibility: Visibility = "private" if args.flag("private") else "channel"
    return Reply(text="Complaint reasons", language=ctx.language, report=report, kind="info",
                 visibility=visibility)


CHART_REPORT = CommandSpec(
    name="/chartreport",
    help={"en": "a test report with a chart and a CSV", "zh": "带图表和 CSV 的测试报告"},
    handler=chart_report,
    options=(Option("--private", "only the asker sees the report", takes_value=False),),
)

TEST_COMMANDS = (*TEST_COMMANDS, CHART_REPORT)  # type: ignore[assignment]  # (appended: one more command)
