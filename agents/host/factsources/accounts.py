"""Accounts: UID 0 and login-shell users from /etc/passwd, empty password hashes from /etc/shadow."""

from __future__ import annotations

from agents.host.factsources.context import FactContext
from agents.host.factsources.registry import fact_source
from yunwang.contracts.host_facts import UsersFacts

NO_LOGIN_SHELLS = ("nologin", "false", "sync", "shutdown", "halt")


@fact_source("users")
def users(ctx: FactContext) -> UsersFacts:
    facts = UsersFacts()
    passwd = ctx.read("etc/passwd", "passwd")
    for number, line in enumerate((passwd or "").splitlines(), start=1):
        if not line.strip() or line.startswith(("#", "+", "-")):
            continue
        fields = line.split(":")
        if len(fields) < 7:
            ctx.error("passwd", f"/etc/passwd line {number}: expected 7 fields, got {len(fields)}")
            continue
        name, uid, shell = fields[0], fields[2], fields[6].strip()
        if uid.strip() == "0":
            facts.uid0.append(name)
        if shell and not shell.rsplit("/", 1)[-1].startswith(NO_LOGIN_SHELLS):
            facts.shell_users.append(name)
    shadow = ctx.read("etc/shadow", "shadow")
    for line in (shadow or "").splitlines():
        fields = line.split(":")
        # An empty hash field lets the account log in without a password ("!" and "*" lock it).
        if len(fields) >= 2 and fields[0] and fields[1] == "":
            facts.empty_password.append(fields[0])
    return facts
