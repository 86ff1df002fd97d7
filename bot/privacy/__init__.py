"""Personal data: detection, typed placeholders and their mapping back, and a log filter."""

from bot.privacy.redactor import PLACEHOLDER, Entity, Redaction, Redactor, parse_types

__all__ = ["PLACEHOLDER", "Entity", "Redaction", "Redactor", "parse_types"]
