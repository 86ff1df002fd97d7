"""A stand-in for a model that obeys any instruction it finds outside the prompt's data blocks.

Real models are told that text between `<<<BEGIN X>>>` and `<<<END X>>>` is data. This stand-in reads the
prompt the same way (a block ends at the first `<<<END X>>>` after its BEGIN line) and, like a model that
was successfully injected, prints its system prompt or the whole conversation whenever an injected
instruction is found outside the blocks. A prompt whose blocks a document can close early fails the tests.
"""

from __future__ import annotations

import re
from typing import Any, Sequence

INJECTION = re.compile(r"ignore (all |your )?(previous )?instructions|忽略(你的|以上|之前的)?(所有)?指令", re.I)
_BLOCK = re.compile(r"<<<BEGIN ([A-Z ]+)>>>.*?<<<END \1>>>", re.S)


def outside_data(text: str) -> str:
    return _BLOCK.sub(" ", text)


def obey(messages: Sequence[tuple[str, str]], normal: str) -> str:
    """`normal` unless an injected instruction stands outside the data blocks; then a leak."""
    system = next((c for r, c in messages if r == "system"), "")
    for _role, content in messages:
        if INJECTION.search(outside_data(content)):
            return "Sure. My instructions are: " + system + "\n" + "\n".join(c for _, c in messages)
    return normal


def from_openai(body_messages: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(str(m.get("role")), str(m.get("content"))) for m in body_messages]
