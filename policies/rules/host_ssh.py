"""Host rules: the SSH server settings beyond the basics of host_identity/host_services — what sshd trusts instead
of authenticating, how long and how many unauthenticated connections it keeps, what it logs, and tunnels.

A setting missing from the facts (a document from an older agent, whose ``sshd -T`` keys were not all kept) is not
judged; the whole ``sshd.settings`` missing is "could not determine"."""

from __future__ import annotations

import re
from collections.abc import Iterator

from policies.engine import Violation, rule
from policies.facts_host import HostFacts

MAX_LOGIN_GRACE_S = 60
MAX_SESSIONS = 10
# MaxStartups start:rate:full — start unauthenticated connections before random drops, all dropped at full.
MAX_STARTUPS = (10, 30, 60)
LOG_LEVELS = frozenset({"info", "verbose"})
_DURATION = re.compile(r"(\d+)([smhdw]?)")
_UNIT_S = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def _settings(facts: HostFacts) -> tuple[Violation | None, dict[str, str] | None]:
    """(could-not-determine, lower-case settings); both None when no SSH server is installed."""
    if facts.sshd_absent():
        return None, None
    missing = facts.unknown("sshd.settings")
    if missing:
        return missing, None
    settings = facts.get("sshd.settings") or {}
    return None, {str(k).lower(): str(v).lower() for k, v in settings.items()}


def seconds(value: str) -> int | None:
    """sshd's time format (``120``, ``2m``, ``1m30s``) in seconds; None when it is not one."""
    parts = _DURATION.findall(value)
    if not parts or "".join(n + u for n, u in parts) != value:
        return None
    return sum(int(n) * _UNIT_S[u] for n, u in parts)


@rule(id="YW-HOST-040", clauses=["8.1.4.1-a", "8.1.4.1-b"], severity="low", source="host",
      title="SSH bypasses the host's authentication controls", title_zh="SSH 绕过主机鉴别控制",
      remediation="Set `HostbasedAuthentication no`, `IgnoreRhosts yes`, `PermitUserEnvironment no` and "
                  "`UsePAM yes` in sshd_config.",
      remediation_zh="在 sshd_config 中设置 `HostbasedAuthentication no`、`IgnoreRhosts yes`、"
                     "`PermitUserEnvironment no` 和 `UsePAM yes`。",
      peers=("cis-rhel9:5.1.12", "cis-rhel9:5.1.13", "cis-rhel9:5.1.21", "cis-rhel9:5.1.22", "openeuler-sec:3.3.5",
             "openeuler-sec:3.3.16"))
def ssh_trust_bypass(facts: HostFacts) -> Iterator[Violation]:
    missing, settings = _settings(facts)
    if missing:
        yield missing
    if not settings:
        return
    if settings.get("hostbasedauthentication") == "yes":
        yield Violation(facts.target(), "sshd HostbasedAuthentication yes: a user of a trusted host logs in without "
                                        "authenticating here")
    if settings.get("ignorerhosts") == "no":
        yield Violation(facts.target(), "sshd IgnoreRhosts no: users' .rhosts/.shosts files decide who logs in")
    if settings.get("permituserenvironment", "no") != "no":
        yield Violation(facts.target(), f"sshd PermitUserEnvironment {settings['permituserenvironment']}: users set "
                                        "LD_PRELOAD and the like for their sessions from ~/.ssh/environment")
    if settings.get("usepam") == "no":
        yield Violation(facts.target(), "sshd UsePAM no: PAM's lockout (pam_faillock) and account checks do not "
                                        "apply to SSH logins")


@rule(id="YW-HOST-041", clauses=["8.1.4.1-b", "8.1.4.3-a"], severity="low", source="host",
      title="SSH keeps unauthenticated connections long or logs too little",
      title_zh="SSH 未认证连接限制过宽或日志级别不足",
      remediation=f"Set `LoginGraceTime {MAX_LOGIN_GRACE_S}`, `MaxStartups {':'.join(map(str, MAX_STARTUPS))}`, "
                  f"`MaxSessions {MAX_SESSIONS}` and `LogLevel VERBOSE` (or INFO) in sshd_config.",
      remediation_zh=f"在 sshd_config 中设置 `LoginGraceTime {MAX_LOGIN_GRACE_S}`、"
                     f"`MaxStartups {':'.join(map(str, MAX_STARTUPS))}`、`MaxSessions {MAX_SESSIONS}`，"
                     "`LogLevel` 设为 VERBOSE 或 INFO。",
      peers=("cis-rhel9:5.1.14", "cis-rhel9:5.1.15", "cis-rhel9:5.1.17", "cis-rhel9:5.1.18", "openeuler-sec:3.3.10",
             "openeuler-sec:3.3.12", "openeuler-sec:3.3.13", "openeuler-sec:3.3.17"))
def ssh_login_limits(facts: HostFacts) -> Iterator[Violation]:
    missing, settings = _settings(facts)
    if missing:
        yield missing
    if not settings:
        return
    grace = seconds(settings.get("logingracetime", "0"))
    if "logingracetime" in settings and (grace == 0 or (grace or 0) > MAX_LOGIN_GRACE_S):
        yield Violation(facts.target(), f"sshd LoginGraceTime {settings['logingracetime']}: an unauthenticated "
                                        f"connection may stay {'forever' if grace == 0 else f'{grace} s'} "
                                        f"(at most {MAX_LOGIN_GRACE_S} s)")
    startups = settings.get("maxstartups")
    if startups is not None:
        numbers = [int(n) for n in startups.split(":") if n.isdigit()]
        start, full = (numbers[0], numbers[-1]) if numbers else (None, None)
        if start is None or full is None or start > MAX_STARTUPS[0] or full > MAX_STARTUPS[2]:
            yield Violation(facts.target(), f"sshd MaxStartups {startups}: up to {full} unauthenticated connections "
                                            f"are held (want {':'.join(map(str, MAX_STARTUPS))} or stricter)")
    sessions = settings.get("maxsessions")
    if sessions is not None and (not sessions.isdigit() or int(sessions) > MAX_SESSIONS):
        yield Violation(facts.target(), f"sshd MaxSessions {sessions} (at most {MAX_SESSIONS})")
    level = settings.get("loglevel")
    if level is not None and level not in LOG_LEVELS:
        yield Violation(facts.target(), f"sshd LogLevel {level.upper()}: logins are not recorded as the audit "
                                        "needs (INFO or VERBOSE)")


@rule(id="YW-HOST-042", clauses=["8.1.4.4-b"], severity="low", source="host",
      title="SSH port forwarding allowed", title_zh="SSH 允许端口转发",
      remediation="Set `DisableForwarding yes` (or `AllowTcpForwarding no` and `AllowStreamLocalForwarding no`) in "
                  "sshd_config; allow forwarding only on a jump host, with a waiver.",
      remediation_zh="在 sshd_config 中设置 `DisableForwarding yes`（或 `AllowTcpForwarding no`），"
                     "仅在跳板机上经豁免后允许转发。",
      peers=("cis-rhel9:5.1.10", "openeuler-sec:3.3.21"))
def ssh_forwarding(facts: HostFacts) -> Iterator[Violation]:
    missing, settings = _settings(facts)
    if missing:
        yield missing
    if not settings or settings.get("disableforwarding") == "yes":
        return
    tcp = settings.get("allowtcpforwarding")
    if tcp is not None and tcp != "no":
        yield Violation(facts.target(), f"sshd AllowTcpForwarding {tcp}: any user who logs in can tunnel through "
                                        "this host past the network's access control")
