"""Helpers shared by tests (importable as `helpers`: tests/ is put on sys.path by conftest)."""

from __future__ import annotations

import json
import socket
import subprocess
import time
from pathlib import Path
from typing import Any


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_container(data_dir: Path, embedder: Any, **overrides: Any) -> Any:
    from bot.config import load_settings
    from bot.container import Container

    chat_model = overrides.pop("chat_model", None)
    settings = load_settings(data_dir=data_dir, env_file=None, **overrides)
    return Container(settings, embedder=embedder, chat_model=chat_model)


def wait_for_port(port: int, proc: subprocess.Popen[Any] | None = None, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                time.sleep(0.3)
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listening on {port} after {timeout} s")


ARTICLE_EN = """---
title: Who pays return shipping?
lang: en
---
# Who pays return shipping?

## No-reason returns
For no-reason returns the customer pays the return shipping. Shipping insurance refunds up to 12 yuan.

## Quality problems
If the item is defective, Brightcart pays the return shipping. Ask the customer for a photo first.
"""

ARTICLE_ZH = """# 退货运费谁出？

## 七天无理由退货
无理由退货的运费由顾客承担。购买了运费险的订单，运费险最高赔付12元。

## 质量问题
商品存在质量问题时，退货运费由明购承担。请先让顾客提供照片。
"""


def write_corpus(root: Path) -> None:
    (root / "kb").mkdir(parents=True)
    (root / "kb" / "return-shipping.md").write_text(ARTICLE_EN, encoding="utf-8")
    (root / "kb" / "退货运费.md").write_text(ARTICLE_ZH, encoding="utf-8")
    (root / "faq.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in [
            {"id": "faq-1", "question": "How long do refunds take?", "answer": "1-3 business days after we receive the return."},
            {"id": "faq-2", "question": "PAY-4031 是什么错误？", "answer": "PAY-4031 表示 3-D Secure 验证失败，请让顾客重新验证。"},
        ]) + "\n", encoding="utf-8")
    (root / "tickets.jsonl").write_text(
        json.dumps({"id": "T-1", "created_at": "2026-11-02T10:00:00+08:00", "customer_id": "C000001",
                    "channel": "chat", "category": "shipping", "subject": "Parcel BC20261103-58217 late",
                    "text": "My order BC20261103-58217 is a week late!", "resolution": "Escalated to the courier and "
                    "issued a 10 yuan coupon.", "status": "resolved", "tags": ["delay"]}) + "\n",
        encoding="utf-8")




def assert_quiet(logs: Any) -> None:
    """No traceback and no ERROR record in pytest's captured logs (a request was rejected quietly)."""
    import logging

    assert not [r for r in logs.records if r.exc_info], "a traceback was logged"
    assert not [r for r in logs.records if r.levelno >= logging.ERROR], [r.getMessage() for r in logs.records]
    assert "Traceback" not in logs.text
