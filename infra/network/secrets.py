"""Secret-bearing tokens of a rendered configuration: ``[secret]`` in anything shown or written, real when pushed.

Convention (the push and diff work builds on it): a template never prints a secret itself; it calls
``secret(env, shown, pushed)``. ``env`` names the variable holding the value (read with ``yunwang.secrets``),
``shown`` is the keyword the device prints before the stored (hashed or encrypted) value in its running
configuration, ``pushed`` the keyword that makes the device take a clear value and store it one-way.

* masked (plans, ``net render``): ``{shown} [secret]``  e.g. ``password irreversible-cipher [secret]``
* push: ``{pushed} <value>``                            e.g. ``password irreversible-cipher Zq…``

A running configuration read back from a device is masked with its family's ``secret_patterns`` (see
:func:`mask`), so it compares line for line with the masked rendering.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from yunwang.contracts.device_secrets import SECRET_SHOWN
from yunwang.secrets import require_secret


@dataclass
class SecretWriter:
    """The ``secret()`` function a template calls; remembers which variables the configuration needs."""

    push: bool = False
    env: Mapping[str, str] | None = None
    used: list[str] = field(default_factory=list)

    def __call__(self, env_name: str, shown: str, pushed: str | None = None) -> str:
        if env_name not in self.used:
            self.used.append(env_name)
        if not self.push:
            return f"{shown} {SECRET_SHOWN}".lstrip()
        value = require_secret(env_name, "secret for a device configuration", self.env)
        return f"{shown if pushed is None else pushed} {value}".lstrip()


@dataclass
class PairWriter:
    """One rendering, two texts: the template's secret and keyword calls leave numbered marks that
    :meth:`texts` fills in twice — shown (masked) and pushed (real values). Half the cost of rendering twice."""

    env: Mapping[str, str] | None = None
    used: list[str] = field(default_factory=list)
    forms: list[tuple[str, str]] = field(default_factory=list)
    """(shown, pushed) per mark, in the order the template made them."""

    def _mark(self, shown: str, pushed: str) -> str:
        self.forms.append((shown, pushed))
        return f"\x00{len(self.forms) - 1}\x00"

    def __call__(self, env_name: str, shown: str, pushed: str | None = None) -> str:
        if env_name not in self.used:
            self.used.append(env_name)
        value = require_secret(env_name, "secret for a device configuration", self.env)
        return self._mark(f"{shown} {SECRET_SHOWN}".lstrip(),
                          f"{shown if pushed is None else pushed} {value}".lstrip())

    def keyword(self, shown: str, pushed: str) -> str:
        return self._mark(shown, pushed)

    def texts(self, rendered: str) -> tuple[str, str]:
        """(masked, pushed) texts of a rendering made with this writer."""
        shown = _MARK.sub(lambda m: self.forms[int(m.group(1))][0], rendered)
        return shown, _MARK.sub(lambda m: self.forms[int(m.group(1))][1], rendered)


_MARK = re.compile("\x00(\\d+)\x00")


def mask(text: str, patterns: Iterable[re.Pattern[str]]) -> str:
    """The text with every secret value replaced by ``[secret]``; each pattern's group 1 is the kept prefix."""
    for pattern in patterns:
        text = pattern.sub(lambda m: m.group(1) + SECRET_SHOWN, text)
    return text


def keyword_patterns(*keywords: str) -> tuple[re.Pattern[str], ...]:
    """Patterns masking the one token after each keyword (``cipher $c$3$…`` → ``cipher [secret]``)."""
    return tuple(re.compile(rf"(\b{re.escape(k)} )(?!\[secret\])\S+", re.M) for k in keywords)
