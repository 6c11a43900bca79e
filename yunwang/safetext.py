"""Text from outside (request paths, audited manifests, device answers) made safe to print on a terminal or log.

A terminal obeys escape sequences (ESC [ … clears the screen, recolours, rewrites the title, OSC 8 forges
links); a log line with a raw newline can forge a second entry; bidirectional overrides reorder what a reader
sees. Each such character is shown as a Python-style escape (``\\x1b``, ``\\u202e``) instead, so it stays
visible and can be searched for, and nothing of the text is lost.
"""

from __future__ import annotations

import logging
import re

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_UNSAFE_KEEP_LINES = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_controls(text: str, keep_newlines: bool = False) -> str:
    """``text`` with control, line-separator and bidi-override characters escaped (newlines kept if asked)."""
    pattern = _UNSAFE_KEEP_LINES if keep_newlines else _UNSAFE
    return pattern.sub(_escaped, text) if pattern.search(text) else text


class SafeFormatter(logging.Formatter):
    """A formatter that escapes control characters in the message (not in the traceback it appends)."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = escape_controls(record.message)
        return super().formatMessage(record)


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level: int = logging.INFO) -> None:
    """Root logging to stderr through :class:`SafeFormatter`, unless the process configured logging already."""
    root = logging.getLogger()
    if root.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(SafeFormatter(LOG_FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
