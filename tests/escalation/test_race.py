"""Concurrent /escalate calls for one need, from several replicas (one engine each), never open two requests."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable


from bot.escalation.service import Agent
from tests.escalation.conftest import Env

WORDINGS = [
    "Customer wants to choose a delivery time slot",
    "客户希望下单时可以选择送货时间段",
    "Can customers pick a time slot for their delivery?",
    "Customer wants to choose a delivery time slot",
]


def test_parallel_escalations_of_one_need_open_one_request(make_env: Callable[..., Env]) -> None:
    replicas = [make_env(escalation_threshold=1000) for _ in range(4)]
    for env in replicas:  # widen the window between "no request matches" and "insert": a race would show
        env.service.race_hook = lambda: time.sleep(0.05)
        env.service.embedder.embed_query(WORDINGS[0])
    for text in WORDINGS:
        replicas[0].service.embedder.embed_query(text)  # warm the shared cache outside the race

    def raise_one(i: int) -> int:
        env = replicas[i % len(replicas)]
        outcome = env.service.escalate(WORDINGS[i % len(WORDINGS)], f"C{i}", Agent("slack", f"U{i}", "C0AGENTS"),
                                       open_thread=False)
        return outcome.request.id

    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(raise_one, range(16)))
    assert len(set(ids)) == 1
    top = replicas[0].service.top()
    assert [(r.customers, r.agents) for r in top] == [(16, 16)]
    # the same call repeated concurrently counts once
    with ThreadPoolExecutor(4) as pool:
        again = list(pool.map(lambda env: env.service.escalate(WORDINGS[0], "C0", Agent("slack", "U0", "C0AGENTS"),
                                                               open_thread=False).counted, replicas))
    assert again.count(True) == 0 and replicas[0].service.top()[0].customers == 16
