"""Replace personal data by typed placeholders ([PHONE_1], [EMAIL_1], ...) and map them back.

    redactor = Redactor()                       # every type; Redactor({"PHONE", "EMAIL"}) for some
    red = redactor.redact("我的手机 138 1234 5678")
    red.text        -> "我的手机 [PHONE_1]"
    red.entities    -> [Entity(start=5, end=18, type="PHONE", value="138 1234 5678")]  (original offsets)
    red.restore("已记录 [PHONE_1]") -> "已记录 138 1234 5678"

A `Redaction` keeps the placeholder -> value mapping of one request only, so restoring never brings back a
value that request did not contain; a placeholder the model made up is left as it is. Redacting several
texts with one `Redaction` (`redactor.redact(text, into=red)`) gives the same value the same placeholder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from bot.privacy.detectors import DETECTORS, PRIORITY, TYPES
from bot.privacy.names import find_names

PLACEHOLDER = re.compile(r"\[(PHONE|EMAIL|ID|CARD|NAME|ADDRESS)_(\d{1,4})\]")
# Settings spell types in lower case; a few friendlier aliases are accepted.
_TYPE_ALIASES = {
    "phone": "PHONE", "phones": "PHONE", "mobile": "PHONE", "email": "EMAIL", "emails": "EMAIL", "id": "ID",
    "id_card": "ID", "resident_id": "ID", "card": "CARD", "bank_card": "CARD", "cards": "CARD", "name": "NAME",
    "names": "NAME", "address": "ADDRESS", "addresses": "ADDRESS",
}


def parse_types(raw: str | Iterable[str] | None) -> frozenset[str]:
    """`"phone,email"` (or an iterable) -> {"PHONE", "EMAIL"}; empty / None / "all" -> every type.
    An unknown name raises ValueError (the settings validator turns it into a readable ConfigError)."""
    if raw is None:
        return frozenset(TYPES)
    items = [x.strip() for x in (raw.split(",") if isinstance(raw, str) else raw) if x and x.strip()]
    if not items or any(x.lower() == "all" for x in items):
        return frozenset(TYPES)
    out = set()
    for item in items:
        name = _TYPE_ALIASES.get(item.lower(), item.upper())
        if name not in TYPES:
            raise ValueError(f"unknown personal-data type {item!r} (known: {', '.join(t.lower() for t in TYPES)})")
        out.add(name)
    return frozenset(out)


@dataclass(frozen=True)
class Entity:
    start: int
    end: int
    type: str
    value: str

    def as_json(self) -> dict[str, object]:
        return {"start": self.start, "end": self.end, "type": self.type}


@dataclass
class Redaction:
    """The redacted text of one request, what was found, and the placeholder -> original mapping."""

    text: str = ""
    entities: list[Entity] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)

    def placeholder_for(self, type_: str, value: str) -> str:
        for key, known in self.mapping.items():
            if known == value and key.startswith(f"[{type_}_"):
                return key
        number = 1 + sum(1 for key in self.mapping if key.startswith(f"[{type_}_"))
        key = f"[{type_}_{number}]"
        self.mapping[key] = value
        return key

    def restore(self, text: str) -> str:
        """Placeholders of this request back to their values; unknown placeholders stay as they are."""
        if not self.mapping:
            return text
        return PLACEHOLDER.sub(lambda m: self.mapping.get(m.group(0), m.group(0)), text)

    def as_json(self) -> dict[str, object]:
        return {"text": self.text, "entities": [e.as_json() for e in self.entities]}


class Redactor:
    """Finds and replaces personal data of the configured types."""

    def __init__(self, types: Iterable[str] | str | None = None) -> None:
        self.types = parse_types(types)

    def find(self, text: str) -> list[Entity]:
        """The personal data in `text`, as non-overlapping spans in reading order."""
        if not text:
            return []
        candidates: list[tuple[int, int, str]] = []
        for type_ in PRIORITY:
            if type_ == "NAME" and type_ in self.types:
                candidates.extend(find_names(text, contact=list(candidates)))
            elif type_ in self.types:
                candidates.extend(DETECTORS[type_](text))
        rank = {t: i for i, t in enumerate(PRIORITY)}
        # Longer spans first, then by type priority; a span overlapping a kept one is dropped.
        candidates.sort(key=lambda s: (rank[s[2]], -(s[1] - s[0]), s[0]))
        kept: list[tuple[int, int, str]] = []
        for start, end, type_ in candidates:
            if end <= start:
                continue
            if any(start < k_end and k_start < end for k_start, k_end, _ in kept):
                continue
            kept.append((start, end, type_))
        kept.sort()
        return [Entity(s, e, t, text[s:e]) for s, e, t in kept]

    def redact(self, text: str, into: Redaction | None = None) -> Redaction:
        """`text` with each entity replaced by its placeholder. With `into`, placeholders continue that
        request's numbering (and its `text` becomes this text's redacted form)."""
        red = into if into is not None else Redaction()
        entities = self.find(text)
        parts: list[str] = []
        last = 0
        for ent in entities:
            parts.append(text[last:ent.start])
            parts.append(red.placeholder_for(ent.type, ent.value))
            last = ent.end
        parts.append(text[last:])
        red.text = "".join(parts)
        red.entities = entities
        return red

    def __call__(self, text: str) -> str:
        """The redacted text only (for callers that take a `Callable[[str], str]`)."""
        return self.redact(text).text
