"""Who is told about a region's alerts: the topology's ``alerting`` section.

Each region's operations team (运维值班) is reached by e-mail, a WeCom group robot (企业微信群机器人) and/or a
DingTalk group robot (钉钉群机器人). The topology says only *which* channels a team has; the robots' keys and
DingTalk's signing secret are secrets and come from Pulumi secret config (``yunwang:alertSecrets``) or the
environment (:func:`env_name`), like SNMP credentials::

    alerting:
      smtp: {smarthost: "10.32.64.25:25", sender: yunwang-alerts@luan.gov.example}
      contacts:
        - {region: luan, team: 六安市数据资源局运维值班, email: [noc@luan.gov.example], dingtalk_robot: true}
        - {region: jinan, team: 金安区运维值班, wecom_robot: true, dingtalk_robot: true}

Alerts of a region without a contact go to the city's team (see monitor/alerting/routing.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated

from pydantic import AfterValidator, Field

from yunwang.intent import Name, Strict

EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")


def _email(value: str) -> str:
    if not EMAIL.match(value):
        raise ValueError("not an e-mail address like noc@luan.gov.example")
    return value


Email = Annotated[str, AfterValidator(_email)]
HostPort = Annotated[str, Field(pattern=r"^[A-Za-z0-9.\-\[\]:]+:\d{1,5}$")]

WECOM_KEY = "wecom_key"
DINGTALK_TOKEN = "dingtalk_token"
DINGTALK_SECRET = "dingtalk_secret"
SMTP_PASSWORD_ENV = "YUNWANG_SMTP_PASSWORD"
"""The SMTP relay's password (or ``…_FILE``); Pulumi: ``yunwang:smtpPassword``."""


class Smtp(Strict):
    """The mail relay Alertmanager hands e-mail to (one for the stack)."""

    smarthost: HostPort = Field(description="HOST:PORT of the relay, e.g. 10.32.64.25:25")
    sender: Email = Field(description="From: address of the alert mails")
    username: str | None = Field(default=None, min_length=1,
                                 description="SMTP login; its password is a secret (yunwang:smtpPassword)")
    require_tls: bool = True


class Contact(Strict):
    """One region's operations team and the channels that reach it."""

    region: Name
    team: str = Field(min_length=1, description="the team's name as people know it, e.g. 金安区运维值班")
    email: tuple[Email, ...] = ()
    wecom_robot: bool = Field(default=False, description="a WeCom group robot (its key is a secret)")
    dingtalk_robot: bool = Field(default=False, description="a DingTalk group robot (token and signing secret)")

    @property
    def robots(self) -> tuple[str, ...]:
        """The robot channels the monitor forwards this team's alerts to."""
        return tuple(name for name, on in (("wecom", self.wecom_robot), ("dingtalk", self.dingtalk_robot)) if on)


class Alerting(Strict):
    smtp: Smtp | None = None
    https_proxy: str | None = Field(default=None, pattern=r"^https?://[A-Za-z0-9.\-\[\]:]+:\d{1,5}/?$",
                                    description="proxy the monitor reaches the robots' APIs through, e.g. "
                                                "http://10.32.16.30:3128")
    contacts: tuple[Contact, ...] = ()

    def contact_for(self, region: str) -> Contact | None:
        return next((c for c in self.contacts if c.region == region), None)


def secret_fields(contact: Contact) -> list[str]:
    """The secrets a contact's robots need, in a stable order."""
    return [*([WECOM_KEY] if contact.wecom_robot else []),
            *([DINGTALK_TOKEN, DINGTALK_SECRET] if contact.dingtalk_robot else [])]


def env_name(region: str, field: str) -> str:
    """The variable holding one robot secret, e.g. ``YUNWANG_ALERT_JINAN_DINGTALK_SECRET`` (or ``…_FILE``)."""
    return f"YUNWANG_ALERT_{re.sub(r'[^A-Z0-9]', '_', region.upper())}_{field.upper()}"


Add = Callable[[tuple[str | int, ...], object, str, str], None]


def check_alerting(alerting: Alerting, regions: set[str], add: Add) -> None:
    """What the model cannot check alone: known regions, one team a region, a way to reach each team."""
    seen: dict[str, int] = {}
    for i, contact in enumerate(alerting.contacts):
        base = ("alerting", "contacts", i)
        if contact.region not in regions:
            add((*base, "region"), contact.region, "unknown region",
                f"use one of the regions declared under 'regions': {', '.join(sorted(regions))}")
        if contact.region in seen:
            add((*base, "region"), contact.region,
                f"this region already has a contact (alerting.contacts[{seen[contact.region]}])",
                "list all of a team's channels in one entry")
        seen.setdefault(contact.region, i)
        if not (contact.email or contact.wecom_robot or contact.dingtalk_robot):
            add((*base, "team"), contact.team, "the team has no channel",
                "add email addresses, 'wecom_robot: true' or 'dingtalk_robot: true'")
        if contact.email and alerting.smtp is None:
            add((*base, "email"), ", ".join(contact.email), "e-mail needs a mail relay",
                "add alerting.smtp: {smarthost: HOST:PORT, sender: ADDRESS}")
