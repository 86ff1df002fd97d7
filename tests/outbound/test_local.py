"""LocalOutbound (CLI and local chat): messages printed, attachments written to files and their paths printed."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from bot.models import Attachment, Reply, Report, Section, Table
from bot.outbound.local import LocalOutbound, safe_filename
from bot.outbound.port import Outbound, OutboundError
from bot.outbound.render import display_width, table_lines


def _saved_paths(text: str) -> list[Path]:
    return [Path(p) for p in re.findall(r"(?:saved to|已保存到) (\S+)", text)]


def test_post_thread_update_and_upload(tmp_path: Path) -> None:
    stream = io.StringIO()
    out: Outbound = LocalOutbound(stream, tmp_path / "outbox")
    root = out.post("terminal", Reply(text="Checkout outage: payments fail."))
    assert (root.platform, root.channel_id, root.message_id, root.thread_id) == ("cli", "terminal", "1", "")
    reply = out.reply_in_thread(root, Reply(text="已恢复一半。", language="zh"))
    nested = out.reply_in_thread(reply, Reply(text="Fully restored."))
    assert reply.thread_id == nested.thread_id == root.message_id
    out.update(root, Reply(text="Outage resolved."))
    png = b"\x89PNG\r\n\x1a\n-not-really-but-bytes"
    shot = out.upload("terminal", Attachment("../../error rate.png", png, "image/png"), thread=root, comment="Chart")
    assert shot.thread_id == root.message_id

    printed = stream.getvalue()
    lines = printed.splitlines()
    assert lines[0] == "── #1 → terminal" and lines[1] == "Checkout outage: payments fail."
    assert "  ↳ #2 (thread #1)" in lines and "    已恢复一半。" in lines
    assert "  ↳ #3 (thread #1)" in lines
    assert "✎ #1" in lines and "Outage resolved." in lines
    assert "    Chart" in lines
    (saved,) = _saved_paths(printed)
    assert saved.read_bytes() == png
    assert saved.parent == tmp_path / "outbox"  # "../../" cannot escape the folder
    assert saved.name == "4-error_rate.png"  # message #4 (an update keeps its number)


def test_a_report_prints_its_table_and_saves_its_attachments(tmp_path: Path) -> None:
    stream = io.StringIO()
    report = Report(
        title="投诉根因 第47周",
        summary="Late deliveries drive most complaints.",
        sections=[Section("Carrier B missed 12% of slots.", title="Delivery")],
        table=Table(["原因", "Share"], [["配送延迟", "41%"], ["Damaged item", "22%"]]),
        images=[Attachment("causes.png", b"png-bytes", "image/png")],
        files=[Attachment("causes.csv", b"cause,share\n", "text/csv")],
    )
    LocalOutbound(stream, tmp_path).post("terminal", Reply(text="投诉根因 第47周", kind="report", language="zh",
                                                           report=report))
    printed = stream.getvalue()
    assert printed.count("投诉根因 第47周") == 1  # the title once, not repeated as the text
    assert "Late deliveries" in printed and "Carrier B" in printed
    (late,) = [line for line in printed.splitlines() if "41%" in line]
    (damaged,) = [line for line in printed.splitlines() if "22%" in line]
    assert late.startswith("配送延迟") and damaged.startswith("Damaged item")
    assert display_width(late[: late.index("41%")]) == display_width(damaged[: damaged.index("22%")])
    assert sorted(p.read_bytes() for p in _saved_paths(printed)) == [b"cause,share\n", b"png-bytes"]


def test_table_columns_align_with_chinese_cells() -> None:
    lines = table_lines(Table(["名称", "n"], [["配送延迟", "1"], ["late", "22"]]))
    assert lines[0] == "名称      n"
    assert lines[2] == "配送延迟  1" and lines[3] == "late      22"
    positions = {display_width(line[: line.rfind(" ") + 1]) for line in (lines[0], lines[2], lines[3])}
    assert positions == {10}


def test_unwritable_folder_is_an_outbound_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    out = LocalOutbound(io.StringIO(), blocker / "outbox")
    with pytest.raises(OutboundError):
        out.upload("terminal", Attachment("a.csv", b"1", "text/csv"))


@pytest.mark.parametrize(("name", "safe"), [("a/b/../c.txt", "c.txt"), ("..", "attachment"), (".env", "env"),
                                            ("报告 v2.md", "报告_v2.md"), ("C:\\x\\y.csv", "y.csv")])
def test_safe_filename(name: str, safe: str) -> None:
    assert safe_filename(name) == safe
