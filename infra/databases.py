"""The PostgreSQL databases the stack uses, from the secret config ``yunwang:databases``.

The value is a JSON object ``{region: {database: URL}}`` of libpq URLs
(``postgresql://USER:PASSWORD@HOST:5432/DB?sslmode=verify-full``). A region's monitoring plane needs
``monitor`` and ``grafana`` (several monitor and Grafana replicas share them; SQLite would allow one writer);
each data platform (数据中台) needs an entry under its own name, which the backup job dumps. The databases are
the city's managed PostgreSQL service, which keeps them highly available, placed in the address range of the
zone that uses them: the NetworkPolicies open TCP 5432 to that range only.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from infra.secret_values import Secret, secret_value
from yunwang.errors import InputError, Problem

DATABASES_KEY = "yunwang:databases"
Databases = dict[str, dict[str, str]]
"""The ``yunwang:databases`` object: region → database name → libpq URL."""
POSTGRES_PORT = 5432
_EXAMPLE = "postgresql://USER:PASSWORD@HOST:5432/DB?sslmode=verify-full"


def _problem(path: str, message: str, hint: str) -> Problem:
    return Problem("Pulumi config", None, f"{DATABASES_KEY}{path}", "", message, hint)


def url_problem(url: Any) -> str | None:
    """Why ``url`` is not a usable libpq URL, or None (the value itself is never echoed: it holds a password)."""
    if not isinstance(url, str) or not url:
        return "is missing"
    parts = urlsplit(url)
    if parts.scheme not in ("postgresql", "postgres"):
        return "must be a postgresql:// URL"
    try:
        parts.port  # noqa: B018 (raises on a bad port)
    except ValueError:
        return "has a bad port"
    if not parts.hostname or not parts.path.strip("/") or not parts.username:
        return "needs a user, a host and a database name"
    return None


def check_databases(raw: Any, needed: dict[str, list[str]]) -> None:
    """Every database the stack uses has a valid URL: checked up front, one error lists everything missing."""
    if not needed:
        return
    hint = f"pulumi config set --secret {DATABASES_KEY} '{{\"<region>\": {{\"<database>\": \"{_EXAMPLE}\"}}}}'"
    try:
        value = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        value = None
    if not isinstance(value, dict):
        what = "secret config is not set" if raw is None else "must be a JSON object {region: {database: URL}}"
        raise InputError([_problem("", what, hint + " (see docs/deploy.md)")])
    problems = [p for region, names in sorted(needed.items()) for name in names
                if (p := _entry_problem(value, region, name)) is not None]
    if problems:
        raise InputError(problems)


def _entry(databases: Any, region: str, name: str) -> Any:
    entries = databases.get(region) if isinstance(databases, dict) else None
    return entries.get(name) if isinstance(entries, dict) else None


def _entry_problem(databases: Any, region: str, name: str) -> Problem | None:
    why = url_problem(_entry(databases, region, name))
    return None if why is None else _problem(f".{region}.{name}", f"database URL {why}", f"e.g. {_EXAMPLE}")


def pick_url(databases: Any, *, region: str, name: str) -> str:
    """One database URL from the ``yunwang:databases`` object, or a clear error naming the missing key."""
    problem = _entry_problem(databases, region, name)
    if problem is not None:
        raise InputError([problem])
    return str(_entry(databases, region, name))


def database_url(databases: Secret[Databases] | None, region: str, name: str) -> Secret[str] | None:
    return secret_value(databases, partial(pick_url, region=region, name=name))


def grafana_url(url: str) -> str:
    """Grafana's ``[database] url`` form: scheme ``postgres``, no query (TLS is set by GF_DATABASE_SSL_MODE)."""
    parts = urlsplit(url)
    return parts._replace(scheme="postgres", query="", fragment="").geturl()


def service_entry(name: str, url: str) -> str:
    """One section of a libpq service file, so pg_dump connects by ``service=NAME`` with no secret on argv."""
    parts = urlsplit(url)
    params = {"host": parts.hostname or "", "port": str(parts.port or POSTGRES_PORT),
              "dbname": unquote(parts.path.lstrip("/")), "user": unquote(parts.username or "")}
    if parts.password is not None:
        params["password"] = unquote(parts.password)
    params.update(parse_qsl(parts.query))
    return f"[{name}]\n" + "".join(f"{k}={v}\n" for k, v in params.items())


def service_file(databases: dict[str, Any], region: str, names: tuple[str, ...]) -> str:
    """The libpq service file (``pg_service.conf``) of one region's databases ``names``."""
    return "".join(service_entry(n, pick_url(databases, region=region, name=n)) for n in names)
