"""Interventions and reply scripts (话术) for each top reason.

Without a model: prompts/rootcause.intervention.<dimension>.<lang>.user.md and
prompts/rootcause.script.<dimension>.<lang>.user.md (plus rootcause.script.resolution.<lang> when a past
resolution matches), filled from the reason's key terms, evidence and nearest past resolutions.
With a langchain chat model: one call per reason with prompts/rootcause.{system,user}.md, under a timeout;
a failure or an unusable answer falls back to the templates for that reason.
"""

from __future__ import annotations

import json
import logging
import re
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TYPE_CHECKING, Any, Sequence

if TYPE_CHECKING:
    from bot.analytics.rootcause import Reason

log = logging.getLogger(__name__)


def _text(name: str, **values: object) -> str:
    """A template filled with the variables it declares (a missing one is refused by render_prompt)."""
    from bot.prompts import load_prompt, render_prompt  # langchain: imported when advice is written

    wanted = set(load_prompt(name).input_variables)
    messages = render_prompt(name, None, **{k: v for k, v in values.items() if k in wanted})
    return "\n".join(str(m.content) for m in messages).strip()


def _values(reason: "Reason", language: str) -> dict[str, str]:
    sep = "、" if language == "zh" else ", "
    evidence = sep.join(str(e["phrase"]) for e in reason.evidence[:3]) or reason.label
    ids = sep.join(reason.ticket_ids[:3])
    return {"label": reason.label, "terms": sep.join(reason.key_terms[:4]) or reason.label,
            "evidence": evidence, "count": str(reason.count), "ticket_ids": ids}


def from_templates(reason: "Reason", language: str) -> tuple[list[str], list[str]]:
    lang = "zh" if language == "zh" else "en"
    values = _values(reason, lang)
    interventions = [_text(f"rootcause.intervention.{reason.dimension}.{lang}", **values)]
    scripts = [_text(f"rootcause.script.{reason.dimension}.{lang}", **values)]
    if reason.resolutions:
        best = reason.resolutions[0]
        interventions.append(_text(f"rootcause.intervention.resolution.{lang}", **values,
                                   resolution=best["resolution"], ticket_id=best["ticket_id"]))
        scripts.append(_text(f"rootcause.script.resolution.{lang}", **values, resolution=best["resolution"]))
    return interventions, scripts


def _model_inputs(reason: "Reason", language: str) -> dict[str, str]:
    quotes = "\n".join(f"- [{e['ticket_id']}] {e['text']}" for e in reason.examples) or "-"
    resolutions = "\n".join(f"- [{r['ticket_id']}] {r['resolution']}" for r in reason.resolutions) or "-"
    evidence = "\n".join(f"- \"{e['phrase']}\": {', '.join(e['ticket_ids'][:5])}" for e in reason.evidence) or "-"
    return {
        "language": "Chinese (简体中文)" if language == "zh" else "English",
        "label": reason.label, "dimension": reason.dimension, "count": str(reason.count),
        "previous_count": str(reason.previous_count), "key_terms": ", ".join(reason.key_terms) or "-",
        "evidence": evidence, "quotes": quotes, "resolutions": resolutions,
    }


def _parse(raw: str) -> tuple[str, list[str], list[str]] | None:
    match = re.search(r"\{.*\}", raw, re.S)
    if not match:
        return None
    try:
        data = json.loads(match.group(0))
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    inter = [str(s).strip() for s in data.get("interventions", []) if str(s).strip()][:3]
    scripts = [str(s).strip() for s in data.get("scripts", []) if str(s).strip()][:2]
    if not inter or not scripts:
        return None
    return str(data.get("label", "")).strip(), inter, scripts


def _ask(chat_model: Any, reason: "Reason", language: str) -> str:
    from bot.prompts import render_prompt

    messages = render_prompt("rootcause", None, **_model_inputs(reason, language))
    out = chat_model.invoke(messages)
    content = getattr(out, "content", out)
    if isinstance(content, list):
        content = "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content)
    return str(content)


def fill(reasons: Sequence["Reason"], language: str, chat_model: Any = None, timeout_seconds: float = 20.0) -> str:
    """Set interventions and scripts on each reason. Returns a notice ("" or which reasons fell back)."""
    fallback: list[str] = []
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="rootcause-llm") if chat_model is not None else None
    futures = [pool.submit(_ask, chat_model, r, language) for r in reasons] if pool is not None else []
    try:
        for i, reason in enumerate(reasons):
            parsed = None
            if futures:
                try:
                    parsed = _parse(futures[i].result(timeout=timeout_seconds))
                except FutureTimeout:
                    log.warning("rootcause model timed out after %.0f s on reason %d", timeout_seconds, i + 1)
                except Exception as exc:  # any provider error: the templates answer instead
                    log.warning("rootcause model failed on reason %d: %s", i + 1, type(exc).__name__)
                if parsed is None:
                    fallback.append(reason.label)
            if parsed is not None:
                label, reason.interventions, reason.scripts = parsed
                if label:
                    reason.label = label
                reason.generated_by = "model"
            else:
                reason.interventions, reason.scripts = from_templates(reason, language)
    finally:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
    return ", ".join(fallback)
