"""Prompt templates live as files in prompts/ with named {variables}.

`load_prompt(name)` reads `prompts/<name>.system.md` and `prompts/<name>.user.md` into a langchain
ChatPromptTemplate; `render_prompt(name, **values)` refuses a missing (or unexpected) variable.

Model prompts put documents and customer text between `<<<BEGIN X>>>` / `<<<END X>>>` lines and tell the
model that block is data. In such templates, `render_prompt` neutralises delimiter look-alikes inside the
values (runs of two or more angle brackets, ASCII or not, become one), so a document cannot close its
block early and speak as the prompt (docs/trust.md).
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

from langchain_core.messages import BaseMessage
from langchain_core.prompts import ChatPromptTemplate

from bot.errors import PromptError


def prompts_dir() -> Path:
    env = os.environ.get("CS_COPILOT_PROMPTS_DIR")
    return Path(env) if env else Path(__file__).resolve().parent.parent / "prompts"


@lru_cache(maxsize=32)
def load_prompt(name: str, folder: str | None = None) -> ChatPromptTemplate:
    base = Path(folder) if folder else prompts_dir()
    parts: list[tuple[str, str]] = []
    for role, suffix in (("system", "system"), ("human", "user")):
        path = base / f"{name}.{suffix}.md"
        if path.exists():
            parts.append((role, path.read_text(encoding="utf-8").strip()))
    if not parts:
        raise PromptError(f"no prompt named {name!r} in {base}")
    return ChatPromptTemplate.from_messages(parts)


DATA_BLOCK = "<<<BEGIN "
_OPEN = "<\uff1c\u2039\u00ab\u2329\u27e8\u3008\ufe64"
_CLOSE = ">\uff1e\u203a\u00bb\u232a\u27e9\u3009\ufe65"
_INVISIBLE = "\\s\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff"
_OPENING_RUN = re.compile(f"[{_OPEN}](?:[{_INVISIBLE}]*[{_OPEN}])+")
_CLOSING_RUN = re.compile(f"[{_CLOSE}](?:[{_INVISIBLE}]*[{_CLOSE}])+")


def neutralize_delimiters(text: str) -> str:
    """`text` with every run of 2+ angle brackets (<<<, ＜＜, ‹‹, «<..., spaces or invisible characters
    between them included) collapsed to one ‹ or ›."""
    return _CLOSING_RUN.sub("\u203a", _OPENING_RUN.sub("\u2039", text))


def render_prompt(name: str, folder: str | None = None, **values: object) -> list[BaseMessage]:
    template = load_prompt(name, folder)
    if any(DATA_BLOCK in str(getattr(getattr(m, "prompt", None), "template", "")) for m in template.messages):
        values = {k: neutralize_delimiters(v) if isinstance(v, str) else v for k, v in values.items()}
    expected = set(template.input_variables)
    missing = sorted(expected - values.keys())
    if missing:
        raise PromptError(f"prompt {name!r} needs {', '.join(missing)}")
    extra = sorted(values.keys() - expected)
    if extra:
        raise PromptError(f"prompt {name!r} has no variable {', '.join(extra)}")
    return template.format_messages(**values)
