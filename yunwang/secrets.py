"""Secrets from the environment: ``$NAME``, or the file named by ``$NAME_FILE``.

One reader for every secret the project takes outside Pulumi config (SNMP keys, device passwords, tokens), so
each is found the same way and a missing or unreadable one is reported the same way; values never reach
arguments, logs or reports.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from yunwang.errors import InputError, Problem


def env_secret(name: str, env: Mapping[str, str] | None = None) -> str | None:
    """``$NAME`` or the content of the file named by ``$NAME_FILE`` (trailing newline stripped); None if unset."""
    env = os.environ if env is None else env
    if env.get(name):
        return env[name]
    path = env.get(name + "_FILE")
    if not path:
        return None
    try:
        return Path(path).read_text(encoding="utf-8").rstrip("\r\n")
    except OSError as exc:
        raise InputError([Problem(path, None, f"{name}_FILE", "", f"cannot read secret file: {exc.strerror}",
                                  "point it at a readable file holding only the secret")]) from None


def require_secret(name: str, what: str, env: Mapping[str, str] | None = None) -> str:
    """The secret, or an InputError naming both variables to set."""
    value = env_secret(name, env)
    if value is None:
        raise InputError([Problem("environment", None, name, "", f"no {what}", f"set {name} or {name}_FILE")])
    return value
