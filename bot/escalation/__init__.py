"""/escalate: customers' needs raised to the managers, counted across languages (see service.py).

`record_demand(text, customer_id, source=..., container=...)` lets the complaint analysis feed it.
"""

from __future__ import annotations

from typing import Any


def record_demand(text: str, customer_id: str, source: str = "analytics", *, container: Any,
                  created_at: float | None = None) -> Any:
    from bot.escalation.service import record_demand as _record

    return _record(text, customer_id, source, container=container, created_at=created_at)
