"""Where the monitor's tokens come from: environment or files, never command-line arguments.

For local development (`yunwang up`) a token that is not configured is generated once into a state file
(mode 0600) and reused on restart; only the file's path is ever printed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from monitor.auth import new_token
from monitor.settings import Tokens
from yunwang.errors import InputError, Problem

MIN_TOKEN_LENGTH = 16
ROLES = ("admin", "viewer", "agent", "alertmanager")
ENV = {"admin": "YUNWANG_ADMIN_TOKEN", "viewer": "YUNWANG_VIEWER_TOKEN", "agent": "YUNWANG_AGENT_TOKEN",
       "alertmanager": "YUNWANG_ALERTMANAGER_TOKEN"}


@dataclass(frozen=True)
class ResolvedTokens:
    tokens: Tokens
    generated: dict[str, Path]
    """role → state file of each token generated or reused because none was configured."""


def read_token_file(path: Path, option: str) -> str:
    try:
        value = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise InputError([Problem(str(path), None, option, "", f"cannot read token file: {exc.strerror}",
                                  "check the path and its permissions")]) from None
    return check_token(value, str(path), option)


def check_token(value: str, where: str, option: str) -> str:
    if len(value) < MIN_TOKEN_LENGTH or any(c.isspace() for c in value):
        raise InputError([Problem(where, None, option, "<hidden>",
                                  f"a token must be at least {MIN_TOKEN_LENGTH} characters without spaces",
                                  "generate one with: python3 -c 'import secrets; print(secrets.token_urlsafe(32))'")])
    return value


def _state_token(path: Path) -> str:
    if path.is_file():
        return read_token_file(path, "state file")
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    token = new_token()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(token + "\n")
    return token


def resolve_tokens(files: dict[str, Path | None], state_dir: Path | None) -> ResolvedTokens:
    """Each role's token: its file option, else its environment variable, else (with a state dir) generated."""
    values: dict[str, str | None] = {}
    generated: dict[str, Path] = {}
    for role in ROLES:
        file = files.get(role)
        env = os.environ.get(ENV[role])
        if file is not None:
            values[role] = read_token_file(file, f"--{role}-token-file")
        elif env:
            values[role] = check_token(env, "environment", ENV[role])
        elif state_dir is not None:
            path = state_dir / f"monitor-{role}.token"
            values[role] = _state_token(path)
            generated[role] = path
        else:
            values[role] = None
    return ResolvedTokens(Tokens(admin=values["admin"], viewer=values["viewer"],
                                 agent_bootstrap=values["agent"], alertmanager=values["alertmanager"]), generated)
