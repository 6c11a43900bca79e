"""One scrape job, prepared the same way for exporter mode (``/snmp?target=&module=&auth=``) and poller mode
(an inventory entry).

As in snmp_exporter, *what to walk* comes from the modules (their merged :class:`Plan`) and *how to walk* from
the credentials and request tuning (the engine's :class:`Target`); a job is the pair. Everything that can be
wrong with the request is found here, as a :class:`ScrapeConfigError`, before a packet is sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from agents.snmp.auth import AuthResolver
from agents.snmp.engine import DEFAULT_IN_FLIGHT, Target, parse_address
from agents.snmp.errors import BadTarget, ScrapeConfigError
from agents.snmp.modules import Module, Plan, plan_for
from yunwang.errors import InputError

DEFAULT_TIMEOUT = 2.0
DEFAULT_RETRIES = 1


@dataclass(frozen=True)
class ScrapeJob:
    """What to walk on one device (``plan``) and how to talk to it (``target``)."""

    plan: Plan
    target: Target


def request_timing(resolver: AuthResolver, auth: str, plan: Plan, timeout: float | None = None,
                   retries: int | None = None, default_timeout: float = DEFAULT_TIMEOUT,
                   default_retries: int = DEFAULT_RETRIES) -> tuple[float, int]:
    """(timeout, retries) per request: the caller's override wins, then the SNMP profile's, then the modules',
    then the default (a zero timeout counts as unset)."""
    p_timeout, p_retries = resolver.timing(auth)
    chosen_timeout = timeout if timeout is not None else p_timeout or plan.timeout or default_timeout
    chosen_retries = next(r for r in (retries, p_retries, plan.retries, default_retries) if r is not None)
    return chosen_timeout, chosen_retries


def prepare_job(address: str, module_names: Sequence[str], auth: str, resolver: AuthResolver,
                modules: dict[str, Module], *, timeout: float | None = None, retries: int | None = None,
                in_flight: int = DEFAULT_IN_FLIGHT, default_timeout: float = DEFAULT_TIMEOUT,
                default_retries: int = DEFAULT_RETRIES) -> ScrapeJob:
    """Resolve credentials, modules and address into a job; raises :class:`ScrapeConfigError` naming the field
    (``auth``, ``modules``, ``address``) and value at fault."""
    try:
        creds = resolver.resolve(auth)
    except InputError as exc:  # a known profile whose secret is missing from the environment
        problem = exc.problems[0]
        raise ScrapeConfigError("auth", auth, problem.message, problem.hint) from None
    plan = plan_for(tuple(module_names), modules)
    try:
        host, port = parse_address(address)
    except ValueError as exc:
        raise BadTarget(address, str(exc)) from None
    chosen_timeout, chosen_retries = request_timing(resolver, auth, plan, timeout, retries, default_timeout,
                                                    default_retries)
    return ScrapeJob(plan, Target(host, port, creds, chosen_timeout, chosen_retries, plan.max_repetitions,
                                  in_flight))
