"""Building the device rule cases: (rule id, vendor, failing config, passing config).

Most pairs differ by a line or a value, so a case states the shared text once and what the fix adds, drops or
changes (the vendor snippets several cases share are in device_snippets).
"""

from __future__ import annotations

Case = tuple[str, str, str, str]

SLOT = "{}"  # where ``changed`` puts the failing and the passing value


def case(rule: str, vendor: str, bad: str, good: str) -> Case:
    """Failing and passing configs that share nothing worth naming."""
    return (rule, vendor, bad, good)


def added(rule: str, vendor: str, base: str, *, before: str = "", after: str = "") -> Case:
    """``base`` fails; it passes with ``before`` put in front of it and ``after`` behind it."""
    return (rule, vendor, base, before + base + after)


def removed(rule: str, vendor: str, base: str, *, after: str) -> Case:
    """``base`` followed by ``after`` fails; ``base`` alone passes."""
    return (rule, vendor, base + after, base)


def changed(rule: str, vendor: str, template: str, bad: str, good: str) -> Case:
    """``template`` with its slot (``{}``) filled by ``bad`` fails and filled by ``good`` passes."""
    if template.count(SLOT) != 1:
        raise ValueError(f"{rule} {vendor}: the template needs one {SLOT} slot: {template!r}")
    return (rule, vendor, template.replace(SLOT, bad), template.replace(SLOT, good))
