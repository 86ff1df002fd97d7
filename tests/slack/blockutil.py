"""Small helpers to inspect Block Kit payloads in assertions."""

from __future__ import annotations

from typing import Any


def block_text(blocks: list[dict[str, Any]]) -> str:
    parts: list[str] = []
    for block in blocks:
        if "text" in block and isinstance(block["text"], dict):
            parts.append(block["text"].get("text", ""))
        for element in block.get("elements", []):
            text = element.get("text")
            parts.append(text.get("text", "") if isinstance(text, dict) else str(text or ""))
    return "\n".join(parts)


def buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for b in blocks if b.get("type") == "actions" for e in b.get("elements", [])]


def action_ids(blocks: list[dict[str, Any]]) -> list[str]:
    return [b["action_id"] for b in buttons(blocks)]


def answer_id_of(blocks: list[dict[str, Any]]) -> str:
    values = {b["value"] for b in buttons(blocks)}
    assert len(values) == 1, values
    return values.pop()
