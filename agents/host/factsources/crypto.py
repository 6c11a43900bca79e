"""The system-wide crypto policy (crypto-policies: RHEL 8+, openEuler, Kylin V10): which protocols and algorithms
OpenSSL, GnuTLS, OpenSSH and the rest accept unless configured otherwise. The applied policy is in
/etc/crypto-policies/state/current; /etc/crypto-policies/config holds the configured one (applied by
``update-crypto-policies``)."""

from __future__ import annotations

from agents.host.factsources.context import FactContext
from agents.host.factsources.registry import fact_source
from yunwang.contracts.host_facts import CryptoPolicyFacts


def _first_value(text: str | None) -> str | None:
    for line in (text or "").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            return line.upper()
    return None


@fact_source("crypto_policy")
def crypto_policy_facts(ctx: FactContext) -> CryptoPolicyFacts:
    policy = (_first_value(ctx.read("etc/crypto-policies/state/current", "crypto_policy"))
              or _first_value(ctx.read("etc/crypto-policies/config", "crypto_policy")))
    return CryptoPolicyFacts(policy=policy)
