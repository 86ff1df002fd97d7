"""The `cs-copilot` command line: ingest, search, eval, ask, chat, serve.

Commands that take --json write only JSON to stdout; progress bars, logs and warnings go to stderr.
Errors are caught here once and shown as a friendly line (exit code 2), never as a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any, Sequence

from bot import messages
from bot.config import Settings, load_settings
from bot.errors import CsCopilotError
from bot.logs import configure_logging, correlation_id, new_correlation_id

log = logging.getLogger("bot.cli")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cs-copilot", description="Cited answers for customer-service agents.")
    p.add_argument("--data-dir", help="data directory (default: $CS_COPILOT_HOME or ~/.cs-copilot)")
    p.add_argument("--env-file", default=".env", help="settings file (default: .env)")
    p.add_argument("--log-level", help="DEBUG, INFO, WARNING...")
    sub = p.add_subparsers(dest="command", required=True)

    ing = sub.add_parser("ingest", help="ingest files or folders into the knowledge store")
    ing.add_argument("paths", nargs="+")
    ing.add_argument("--kind", default="auto", choices=["auto", "kb", "faq", "tickets"])
    ing.add_argument("--map", default="", help="column mapping for other exports: text=body,subject=title")
    ing.add_argument("--rebuild", action="store_true", help="drop the collection first (e.g. new embedder)")
    ing.add_argument("--json", action="store_true")

    se = sub.add_parser("search", help="search; without QUERY, one query per stdin line")
    se.add_argument("query", nargs="?")
    se.add_argument("--k", type=int, default=5)
    se.add_argument("--kind", action="append", default=[], choices=["kb", "faq", "ticket", "tickets"])
    se.add_argument("--source", action="append", default=[])
    se.add_argument("--from", dest="date_from", default="")
    se.add_argument("--to", dest="date_to", default="")
    se.add_argument("--mode", choices=["hybrid", "dense", "bm25"])
    se.add_argument("--json", action="store_true")

    ev = sub.add_parser("eval", help="recall@1/5/10 and MRR of a query set against a KB file")
    ev.add_argument("--kb", required=True, help="JSONL/CSV of {id, question, answer} records")
    ev.add_argument("--queries", required=True, help="JSONL of {qid, query, relevant_ids}")
    ev.add_argument("--mode", default="", help="hybrid, dense, bm25 or all (default: configured mode)")
    ev.add_argument("--limit", type=int, default=0, help="evaluate only the first N queries")
    ev.add_argument("--json", action="store_true")

    ask = sub.add_parser("ask", help="answer one question")
    ask.add_argument("question", nargs="+")
    ask.add_argument("--json", action="store_true")

    sub.add_parser("chat", help="a local chat in the terminal (same command router as Slack and Feishu)")

    sv = sub.add_parser("serve", help="serve Slack and Feishu over HTTP (or Socket Mode / long connection)")
    sv.add_argument("--host", default="0.0.0.0")
    sv.add_argument("--port", type=int, default=3000)
    sv.add_argument("--socket", action="store_true", help="Slack Socket Mode and Feishu long connection")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    new_correlation_id()
    json_mode = bool(getattr(args, "json", False))
    settings: Settings | None = None
    try:
        settings = load_settings(data_dir=args.data_dir, env_file=args.env_file)
        configure_logging(args.log_level or settings.log_level, settings.secret_values())
        from bot.container import Container

        container = Container(settings)
        handler = globals()[f"cmd_{args.command}"]
        return int(handler(container, args))
    except CsCopilotError as exc:
        log.error("%s failed: %s: %s", args.command, type(exc).__name__, exc)
        return _fail(exc.message_key, str(exc), json_mode)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the edge: log it, show a friendly line with a reference
        log.exception("%s crashed: %s", args.command, type(exc).__name__)
        return _fail("internal_error", "", json_mode)


def _fail(key: str, detail: str, json_mode: bool) -> int:
    text = messages.text(key, "en", ref=correlation_id())
    if json_mode:
        print(json.dumps({"error": text, "detail": detail}, ensure_ascii=False))
    else:
        print(f"cs-copilot: {text}" + (f"\n  ({detail})" if detail and key != "internal_error" else ""),
              file=sys.stderr)
    return 2


def _emit(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def cmd_ingest(container: Any, args: argparse.Namespace) -> int:
    column_map: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in args.map.split(","))):
        ours, _, theirs = pair.partition("=")
        if not theirs:
            print(f"cs-copilot: --map expects our=their pairs, got {pair!r}", file=sys.stderr)
            return 2
        column_map[ours.strip()] = theirs.strip()
    report = container.ingestor().ingest(
        [Path(p) for p in args.paths], kind=args.kind, column_map=column_map or None, rebuild=args.rebuild
    )
    if args.json:
        _emit(report.as_json())
    else:
        print(report.summary(), file=sys.stderr)
    total = len(report.added) + len(report.updated) + len(report.unchanged)
    return 0 if total or not report.skipped else 1


def cmd_search(container: Any, args: argparse.Namespace) -> int:
    from bot.retrieval.search import Filters

    retriever = container.retriever()
    filters = Filters.build(args.kind, args.source, args.date_from, args.date_to)

    def run(q: str) -> dict[str, Any]:
        result = retriever.search(q, k=args.k, filters=filters, mode=args.mode)
        return {"query": q, "hits": [h.as_json() for h in result.hits]}

    queries = [args.query] if args.query is not None else (line.rstrip("\n") for line in sys.stdin)
    for q in queries:
        if not q.strip():
            continue
        out = run(q)
        if args.json:
            _emit(out)
        else:
            print(f"? {q}")
            for i, h in enumerate(out["hits"], 1):
                print(f"  {i}. [{h['kind']}] {h['title']}  ({h['doc_id']}, {h['score']:.4f})")
    return 0


def cmd_eval(container: Any, args: argparse.Namespace) -> int:
    from bot.retrieval.evaluation import run_eval

    modes = ["dense", "bm25", "hybrid"] if args.mode == "all" else [args.mode or container.settings.retrieval_mode]
    results = run_eval(container, Path(args.kb), Path(args.queries), modes, limit=args.limit)
    for r in results:
        if args.json:
            _emit(r)
        else:
            print(f"{r['mode']:>7}: R@1 {r['recall@1']:.3f}  R@5 {r['recall@5']:.3f}  R@10 {r['recall@10']:.3f}  "
                  f"MRR {r['mrr']:.3f}  ({r['queries']} queries, p50 {r['p50_ms']:.1f} ms)")
    return 0


def cmd_ask(container: Any, args: argparse.Namespace) -> int:
    from bot.router import IncomingMessage
    from bot.terminal import render_reply, reply_json

    reply = container.router().handle(IncomingMessage(text=" ".join(args.question), command="/ask"))
    if args.json:
        _emit(reply_json(reply))
    else:
        print(render_reply(reply))
    return 0 if reply.kind != "error" else 1


def cmd_chat(container: Any, args: argparse.Namespace) -> int:
    from bot.terminal import chat_loop

    try:
        container.retriever().warm_up()
    except CsCopilotError as exc:  # say so, stay up: each question will report it again
        print(f"cs-copilot: {messages.text(exc.message_key, 'en')}", file=sys.stderr)
    return chat_loop(container.router())


def cmd_serve(container: Any, args: argparse.Namespace) -> int:
    settings = container.settings
    if not (settings.slack_enabled or settings.feishu_enabled):
        print("cs-copilot: neither Slack (SLACK_BOT_TOKEN) nor Feishu (FEISHU_APP_ID/SECRET) is configured; "
              "serving /healthz only. See .env.example.", file=sys.stderr)
    if args.socket:
        return _serve_socket(container)
    from bot.server import run_server

    run_server(container, host=args.host, port=args.port)
    return 0


def _serve_socket(container: Any) -> int:
    import threading

    settings = container.settings
    started = []
    slack_handler: Any = None
    if settings.slack_enabled and settings.slack_app_token.get_secret_value():
        from bot.slack.socket import start_socket_mode

        slack_handler = start_socket_mode(container)
        started.append("Slack Socket Mode")
    if settings.feishu_enabled:
        from bot.feishu.ws import start_long_connection

        start_long_connection(container)
        started.append("Feishu long connection")
    if not started:
        print("cs-copilot: --socket needs SLACK_APP_TOKEN (with SLACK_BOT_TOKEN) or FEISHU_APP_ID/SECRET.",
              file=sys.stderr)
        return 2
    print(f"cs-copilot: connected ({', '.join(started)}). Ctrl-C to stop.", file=sys.stderr)
    try:
        threading.Event().wait()
    finally:
        if slack_handler is not None:
            slack_handler.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
