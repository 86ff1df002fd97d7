"""The outbound port for the CLI and the local chat: messages are printed, attachments written to files.

Each message gets a local sequence number (`#1`, `#2`...), shown so a thread reply or an update can be
followed in the terminal. Attachments (uploads and a report's images and files) are written under
`out_dir` with a safe file name (never outside it) and their paths printed.
"""

from __future__ import annotations

import itertools
import re
import threading
from pathlib import Path
from typing import TextIO

from bot import messages
from bot.models import Attachment, PostedMessage, Reply
from bot.outbound.port import OutboundError
from bot.outbound.render import reply_text

_UNSAFE = re.compile(r"[^\w.\-\u3400-\u9fff]+")


def safe_filename(name: str) -> str:
    """The last path component of `name` with unusual characters replaced; never empty, never hidden."""
    base = re.split(r"[\\/]", name.strip())[-1]
    base = _UNSAFE.sub("_", base).strip("._") or "attachment"
    return base[:120]


class LocalOutbound:
    platform = "cli"

    def __init__(self, stream: TextIO, out_dir: Path | str) -> None:
        self.stream = stream
        self.out_dir = Path(out_dir)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    # --- the port --------------------------------------------------------------------------------------
    def post(self, channel_id: str, reply: Reply) -> PostedMessage:
        posted = PostedMessage(self.platform, channel_id, str(self._next()))
        self._print(f"── #{posted.message_id} → {channel_id}", reply_text(reply), reply)
        return posted

    def reply_in_thread(self, parent: PostedMessage, reply: Reply) -> PostedMessage:
        root = parent.thread_id or parent.message_id
        posted = PostedMessage(self.platform, parent.channel_id, str(self._next()), thread_id=root)
        self._print(f"  ↳ #{posted.message_id} (thread #{root})", reply_text(reply), reply, indent="    ")
        return posted

    def update(self, message: PostedMessage, reply: Reply) -> None:
        indent = "    " if message.thread_id else ""
        self._print(f"{indent}✎ #{message.message_id}", reply_text(reply), reply, indent=indent)

    def upload(
        self, channel_id: str, attachment: Attachment, *, thread: PostedMessage | None = None, comment: str = ""
    ) -> PostedMessage:
        root = (thread.thread_id or thread.message_id) if thread is not None else ""
        posted = PostedMessage(self.platform, channel_id, str(self._next()), thread_id=root)
        indent = "    " if root else ""
        lines = [f"{indent}{comment}"] if comment else []
        lang = messages.detect_language(comment) if comment else "en"
        lines.append(indent + self._save(posted.message_id, attachment, lang))
        self._write("\n".join(lines) + "\n")
        return posted

    # --- plumbing ------------------------------------------------------------------------------------------
    def _next(self) -> int:
        with self._lock:
            return next(self._ids)

    def _print(self, head: str, body: str, reply: Reply, indent: str = "") -> None:
        lines = [head, *(indent + line for line in body.splitlines())]
        if reply.report is not None:
            for attachment in [*reply.report.images, *reply.report.files]:
                lines.append(indent + self._save(str(self._next()), attachment, reply.language))
        self._write("\n".join(lines) + "\n")

    def _save(self, seq: str, attachment: Attachment, lang: str) -> str:
        """Write the attachment as `<seq>-<safe name>` under out_dir; the printed line names the path."""
        path = self.out_dir / f"{seq}-{safe_filename(attachment.filename)}"
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            path.write_bytes(attachment.content)
        except OSError as exc:
            raise OutboundError(f"local save of {safe_filename(attachment.filename)}: {exc.strerror}") from None
        name = attachment.title or attachment.filename
        return messages.text("attachment_saved", lang, name=name, path=path)

    def _write(self, text: str) -> None:
        with self._lock:
            try:
                self.stream.write(text)
                self.stream.flush()
            except (OSError, ValueError) as exc:  # closed stream, broken pipe
                raise OutboundError(f"local output: {type(exc).__name__}") from None
