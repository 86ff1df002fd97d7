"""What a command is: its name, aliases, help, arguments, speed, visibility, role and handlers.

Each command lives in a module of its own under bot/commands/ and exposes `COMMAND: CommandSpec`.
The router, /help, the CLI subcommands, the Feishu bot menu and the Slack manifest are all derived
from the registry (bot/commands/registry.py), so adding a command is adding one file.
"""

from __future__ import annotations

import enum
import shlex
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from bot.models import ActionEvent, FormSubmission, IncomingMessage, PartialCallback, Reply, Visibility

if TYPE_CHECKING:
    from bot.commands.registry import Registry
    from bot.container import Container


class Role(enum.IntEnum):
    """Who may run a command; a higher role may do everything a lower one may."""

    AGENT = 1
    MANAGER = 2
    ADMIN = 3


@dataclass(frozen=True)
class Option:
    """A `--flag` of a command. `takes_value=False` makes it a boolean switch."""

    flag: str  # "--since"
    help: str
    takes_value: bool = True
    default: str = ""
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedArgs:
    text: str  # the free text, options removed
    options: dict[str, str | bool] = field(default_factory=dict)  # keyed by flag without dashes

    def get(self, name: str, default: str = "") -> str:
        value = self.options.get(name, default)
        return value if isinstance(value, str) else default

    def flag(self, name: str) -> bool:
        return bool(self.options.get(name, False))


@dataclass
class CommandContext:
    """Everything a handler may use. `services` is the composition root (bot.container.Container)."""

    message: IncomingMessage
    language: str
    role: Role
    services: "Container"
    on_partial: PartialCallback | None = None
    registry: "Registry | None" = None  # the router's registry (/help lists it)

    @property
    def platform(self) -> str:
        return self.message.platform

    @property
    def user_id(self) -> str:
        return self.message.user_id


Handler = Callable[[CommandContext, ParsedArgs], Reply]
ActionHandler = Callable[[CommandContext, ActionEvent], Reply | None]
FormHandler = Callable[[CommandContext, FormSubmission], Reply]


@dataclass(frozen=True)
class CommandSpec:
    name: str  # "/ask"
    help: dict[str, str]  # {"en": "...", "zh": "..."}: one help line per language
    handler: Handler
    aliases: tuple[str, ...] = ()  # "/cs-help", "提问", "帮助" ... (Chinese aliases for message platforms)
    usage: dict[str, str] = field(default_factory=dict)  # {"en": "<question>", "zh": "<问题>"}
    options: tuple[Option, ...] = ()
    slow: bool = False  # show a placeholder first, then the result
    visibility: Visibility = "channel"  # default audience of the result
    role: Role = Role.AGENT
    needs_text: bool = False  # empty free text gets the command's usage line instead of running
    actions: dict[str, ActionHandler] = field(default_factory=dict)  # action_id -> handler (buttons)
    on_form: FormHandler | None = None
    menu: bool = True  # offered in the Feishu bot menu
    cli_batch: bool = False  # CLI without TEXT: read JSONL {id, text} from stdin, one JSON result per line

    @property
    def bare_name(self) -> str:
        return self.name.lstrip("/")


def parse_args(spec: CommandSpec, text: str) -> ParsedArgs:
    """Split option flags from the free text. Unknown `--words` stay in the text (a question may
    contain them); unbalanced quotes are tolerated."""
    try:
        tokens = shlex.split(text, posix=True)
    except ValueError:
        tokens = text.split()
    known = {o.flag: o for o in spec.options}
    options: dict[str, str | bool] = {}
    free: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        flag, eq, inline = tok.partition("=")
        opt = known.get(flag)
        if opt is None:
            free.append(tok)
        elif not opt.takes_value:
            options[opt.flag.lstrip("-")] = True
        elif eq:
            options[opt.flag.lstrip("-")] = inline
        elif i + 1 < len(tokens):
            options[opt.flag.lstrip("-")] = tokens[i + 1]
            i += 1
        i += 1
    if not options:
        return ParsedArgs(text=text.strip(), options={})
    return ParsedArgs(text=" ".join(free).strip(), options=options)


def option_defaults(spec: CommandSpec) -> dict[str, Any]:
    return {o.flag.lstrip("-"): (o.default if o.takes_value else False) for o in spec.options}
