"""The `cs-copilot` command line: ingest, search, eval, chat, serve, db, manifest, and one subcommand per
registered command (ask, help, ...: bot/commands/), run through the same router as Slack and Feishu.

Commands that take --json write only JSON to stdout; progress bars, logs and warnings go to stderr.
Errors are caught here once and shown as a friendly line (exit code 2), never as a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from bot import messages
from bot.config import Settings, load_settings
from bot.errors import CsCopilotError
from bot.logs import configure_logging, correlation_id, new_correlation_id

if TYPE_CHECKING:
    from bot.commands.base import CommandSpec

BUILTIN_SUBCOMMANDS = ("ingest", "search", "eval", "chat", "serve", "db", "manifest", "audit")

log = logging.getLogger("bot.cli")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cs-copilot", description="Cited answers for customer-service agents.")
    p.add_argument("--data-dir", help="data directory (default: $CS_COPILOT_HOME or ~/.cs-copilot)")
    p.add_argument("--env-file", default=".env", help="settings file (default: .env)")
    p.add_argument("--log-level", help="DEBUG, INFO, WARNING...")
    sub = p.add_subparsers(dest="command", required=True)

    ing = sub.add_parser("ingest", help="ingest files or folders into the knowledge store")
    ing.add_argument("paths", nargs="*")
    ing.add_argument("--kind", default="auto", choices=["auto", "kb", "faq", "tickets"])
    ing.add_argument("--map", default="", help="column mapping for other exports: text=body,subject=title")
    ing.add_argument("--rebuild", action="store_true", help="drop the collection first (e.g. new embedder)")
    ing.add_argument("--json", action="store_true")
    ing.add_argument("--check", action="store_true", help="verify the data dir (complete documents, BM25 index)")
    ing.add_argument("--repair", action="store_true", help="with --check: remove what is inconsistent")

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
    ev.add_argument("--kb", help="JSONL/CSV of {id, question, answer} records")
    ev.add_argument("--queries", help="JSONL of {qid, query, relevant_ids}")
    ev.add_argument("--knowledge", help="a knowledge folder (or file) for --questions (bilingual answer evaluation)")
    ev.add_argument("--questions", help="JSONL of evaluation questions (knowledge/eval/questions.jsonl)")
    ev.add_argument("--split", choices=["dev", "test", "all"], default="all", help="which split to report")
    ev.add_argument("--mode", default="", help="hybrid, dense, bm25 or all (default: configured mode)")
    ev.add_argument("--limit", type=int, default=0, help="evaluate only the first N queries")
    ev.add_argument("--json", action="store_true")
    ev.add_argument("--details", default="", help="with --questions: write the per-question rows (JSONL) here")

    sub.add_parser("chat", help="a local chat in the terminal (same command router as Slack and Feishu)")

    sv = sub.add_parser("serve", help="serve Slack and Feishu over HTTP (or Socket Mode / long connection)")
    sv.add_argument("--host", default="0.0.0.0")
    sv.add_argument("--port", type=int, default=3000)
    sv.add_argument("--socket", action="store_true", help="Slack Socket Mode and Feishu long connection")

    db = sub.add_parser("db", help="state database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="run the database migrations to the latest revision")

    mf = sub.add_parser("manifest", help="print the Slack app manifest generated from the registered commands")
    mf.add_argument("--host", default="YOUR-HOST", help="public host of `cs-copilot serve` (default: YOUR-HOST)")
    mf.add_argument("--socket", action="store_true", help="Socket Mode instead of request URLs")

    from bot.audit import add_cli_parser

    add_cli_parser(sub)  # `cs-copilot audit [--since 7d] [--actor ID] [--json]`

    for spec in registry_commands():
        _add_command_parser(sub, spec)
    return p


def registry_commands() -> list[CommandSpec]:
    """The registered commands that become subcommands (a name taken by a built-in subcommand is skipped)."""
    from bot.commands.registry import default_registry

    return [s for s in default_registry().all() if s.bare_name not in BUILTIN_SUBCOMMANDS]


def _add_command_parser(sub: Any, spec: CommandSpec) -> None:
    cp = sub.add_parser(spec.bare_name, help=spec.help.get("en", ""), description=spec.help.get("en", ""))
    cp.set_defaults(spec_name=spec.name)
    text_help = spec.usage.get("en", "") or "free text"
    if spec.cli_batch:
        text_help += "; without it, JSONL {id, text} lines are read from stdin"
    cp.add_argument("text", nargs="*", help=text_help)
    cp.add_argument("--json", action="store_true", help="print only JSON on stdout")
    for opt in spec.options:
        dest = "opt_" + opt.flag.lstrip("-").replace("-", "_")
        if opt.takes_value:
            cp.add_argument(opt.flag, dest=dest, default=None, choices=list(opt.choices) or None, help=opt.help)
        else:
            cp.add_argument(opt.flag, dest=dest, action="store_true", help=opt.help)


def clean_arg(arg: str) -> str:
    """An argument as text: bytes that were not valid in the locale's encoding (Python keeps them as
    surrogate escapes) become U+FFFD, which the router then drops, instead of crashing later."""
    if not any("\ud800" <= ch <= "\udfff" for ch in arg):
        return arg
    try:
        raw = os.fsencode(arg)
    except UnicodeError:
        raw = arg.encode("utf-8", "surrogatepass")
    return raw.decode("utf-8", "replace")


def _tolerant_stdio() -> None:
    """Undecodable input bytes become U+FFFD (one bad byte must not end `chat` or lose earlier lines);
    characters the terminal cannot show are replaced rather than raising."""
    for stream, errors in ((sys.stdin, "replace"), (sys.stdout, "replace"), (sys.stderr, "backslashreplace")):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors=errors)
            except (ValueError, OSError):  # e.g. a closed or detached stream
                pass


def main(argv: Sequence[str] | None = None) -> int:
    argv = [clean_arg(a) for a in (sys.argv[1:] if argv is None else argv)]
    _tolerant_stdio()
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        if getattr(args, "spec_name", None) is None:
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        args.text = [*args.text, *extra]  # e.g. `ask -p ...`: words of the question, not our options
    new_correlation_id()
    json_mode = bool(getattr(args, "json", False))
    settings: Settings | None = None
    try:
        settings = load_settings(data_dir=args.data_dir, env_file=args.env_file)
        configure_logging(args.log_level or settings.log_level, settings.secret_values(), settings.log_format)
        from bot.container import Container

        container = Container(settings)
        if getattr(args, "spec_name", None):
            return cmd_registered(container, args)
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
    if args.check or not args.paths:
        from bot.ingest.check import run_check

        return run_check(container, args)
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
    from bot.assist.gaps import after_ingest  # keep /resolve records indexed; close answered knowledge gaps

    gaps_closed = after_ingest(container, report)
    if args.json:
        _emit(report.as_json())
    else:
        print(report.summary(), file=sys.stderr)
        if gaps_closed:
            print(f"closed {gaps_closed} knowledge gap(s) (see /gaps)", file=sys.stderr)
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
    from bot.errors import InputError
    from bot.retrieval.evaluation import format_answer_eval, run_answer_eval, run_eval

    if args.knowledge or args.questions:
        if not (args.knowledge and args.questions):
            raise InputError("ingest_error", detail="eval needs both --knowledge and --questions")
        splits = ("dev", "test") if args.split == "all" else (args.split,)
        report = run_answer_eval(container, Path(args.knowledge), Path(args.questions), splits,
                                 mode=args.mode if args.mode != "all" else "", limit=args.limit)
        if args.details:
            with open(args.details, "w", encoding="utf-8") as fh:
                for view in ("details", "mixed_details"):
                    for row in report.get(view, []):
                        fh.write(json.dumps({"view": view, **row}, ensure_ascii=False) + "\n")
        if args.json:
            _emit({k: v for k, v in report.items() if k not in ("details", "mixed_details")})
        else:
            print(format_answer_eval(report))
        return 0
    if not (args.kb and args.queries):
        raise InputError("ingest_error", detail="eval needs --kb and --queries (or --knowledge and --questions)")
    modes = ["dense", "bm25", "hybrid"] if args.mode == "all" else [args.mode or container.settings.retrieval_mode]
    results = run_eval(container, Path(args.kb), Path(args.queries), modes, limit=args.limit)
    for r in results:
        if args.json:
            _emit(r)
        else:
            print(f"{r['mode']:>7}: R@1 {r['recall@1']:.3f}  R@5 {r['recall@5']:.3f}  R@10 {r['recall@10']:.3f}  "
                  f"MRR {r['mrr']:.3f}  ({r['queries']} queries, p50 {r['p50_ms']:.1f} ms)")
    return 0


def _command_text(spec: CommandSpec, args: argparse.Namespace, text: str) -> str:
    """The free text plus the options given on the command line, as the router parses them."""
    parts = [text] if text else []
    for opt in spec.options:
        value = getattr(args, "opt_" + opt.flag.lstrip("-").replace("-", "_"), None)
        if value is True:
            parts.append(opt.flag)
        elif isinstance(value, str):
            parts.append(f"{opt.flag} {shlex.quote(value)}")
    return " ".join(parts)


def reply_json(reply: Any) -> dict[str, Any]:
    """What `--json` prints: the command's own JSON (`reply.data`), `{"error": ...}` for an error,
    else the whole neutral reply (attachment bytes left out)."""
    from bot.conversation import reply_to_json

    if reply.data:
        if set(reply.data) == {"$list"}:  # a command whose JSON contract is a list (`requests --json`)
            return reply.data["$list"]  # type: ignore[no-any-return]
        return dict(reply.data)
    if reply.kind == "error":
        return {"error": reply.text}
    data = reply_to_json(reply)
    for key in ("images", "files"):
        for att in (data.get("report") or {}).get(key, []):
            att.pop("content_b64", None)
    return data


def cmd_registered(container: Any, args: argparse.Namespace) -> int:
    """Any registered command: `cs-copilot <name> [TEXT...] [--json] [options]` through the same router."""
    spec = container.router().registry.get(args.spec_name)
    text = " ".join(args.text).strip()
    if spec.cli_batch and not args.text:
        return _run_batch(container, spec, args)
    reply = _run_one(container, spec, args, text)
    if args.json:
        _emit(reply_json(reply))
    else:
        from bot.terminal import render_full

        print(render_full(reply, out_dir=container.settings.data_dir / "outbox"))
    return 0 if reply.kind != "error" else 1


def _run_one(container: Any, spec: CommandSpec, args: argparse.Namespace, text: str) -> Any:
    from bot.models import IncomingMessage

    message = IncomingMessage(text=_command_text(spec, args, text), command=spec.name, platform="cli",
                              user_id="local", channel_id="terminal")
    return container.router().handle(message)


def _run_batch(container: Any, spec: CommandSpec, args: argparse.Namespace) -> int:
    """JSONL {id, text} on stdin -> one JSON line per input line, with its id; a bad line gives an
    {"id", "error"} line and the run goes on."""
    failures = 0
    for number, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        item_id: Any = number
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise ValueError("not a JSON object")
            item_id = item.get("id", number)
            text = item.get("text")
            if not isinstance(text, str):
                raise ValueError("no text field")
        except ValueError as exc:
            failures += 1
            _emit({"id": item_id, "error": messages.text("cli_bad_line", "en", problem=str(exc)[:200])})
            continue
        new_correlation_id()
        reply = _run_one(container, spec, args, text)
        out = reply_json(reply)
        failures += reply.kind == "error"
        _emit({"id": item_id, **out})
    return 0 if not failures else 1


def cmd_db(container: Any, args: argparse.Namespace) -> int:
    from bot.storage.migrate import upgrade

    revision = upgrade(container.settings.effective_database_url)
    print(revision)
    return 0


def cmd_audit(container: Any, args: argparse.Namespace) -> int:
    from bot.audit import cli_main

    return cli_main(container, args)


def cmd_manifest(container: Any, args: argparse.Namespace) -> int:
    from bot.commands.registry import slack_manifest

    sys.stdout.write(slack_manifest(container.router().registry, host=args.host, socket_mode=args.socket))
    return 0


def cmd_chat(container: Any, args: argparse.Namespace) -> int:
    from bot.terminal import chat_loop

    try:
        container.retriever().warm_up()
    except CsCopilotError as exc:  # say so, stay up: each question will report it again
        print(f"cs-copilot: {messages.text(exc.message_key, 'en')}", file=sys.stderr)
    return chat_loop(container.router(), out_dir=container.settings.data_dir / "outbox")


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
