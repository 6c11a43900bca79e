"""Input errors that tell the user where and what to fix, instead of a traceback."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the user's input."""

    file: str
    line: int | None
    path: str
    value: str
    message: str
    hint: str = ""

    def render(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        at = f" at {self.path}" if self.path else ""
        value = f" (value: {self.value})" if self.value != "" else ""
        hint = f" — {self.hint}" if self.hint else ""
        return f"{where}{at}: {self.message}{value}{hint}"

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "path": self.path, "value": self.value,
                "message": self.message, "hint": self.hint}


class InputError(Exception):
    """Bad user input; the CLI prints every problem and exits with status 2."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(p.render() for p in problems))
