"""Feishu (Lark) adapter: webhook and long-connection modes, interactive cards (JSON 2.0).

Modules: `app` (build_feishu, event handlers), `conversation` (answering a message in the
background), `actions` (card button callbacks), `cards` (card JSON), `api` (Open API calls with
rate limits), `parsing` (message content and mentions), `ratelimit`, `http` (Starlette routes),
`ws` (long connection). Nothing here runs at import time; lark_oapi is imported by `app`, `api`,
`http` and `ws` only.
"""
